#!/usr/bin/env bash
# The scaling benchmark of issue 10: `mailsim generate` at several message counts, each run
# at every record level asked for, printing the cost per message at each size and its ratio
# to the first size's; then the end-to-end line of one scenario (isp-scale.yaml).
#
# What is scaled: the domain count stays (--domains, default 1000, as in isp-scale.yaml)
# and so does the load per simulated day (--per-day messages a day, default 10,000); the
# days grow with the messages (days = messages / per-day), so every size has the same
# network, the same mail in flight at any time, and only the length of the run grows.
#
#   bench/scale/scaling.sh [--mailsim BIN] [--sizes "10000 100000 1000000 10000000"]
#       [--domains 1000] [--per-day 10000] [--records "summary attempts"]
#       [--end-to-end scenarios/isp-scale.yaml | none] [--work DIR]
#
# Columns: messages created (counted in the results), events the engine ran, user+system
# CPU s, wall s, peak resident memory, CPU µs per message, and that µs/message over the
# first size's at the same record level (the target: at most 1.3 from 10k to 10M). CPU
# time is the steadier figure on a shared machine. With --work DIR the scenarios and
# results stay in DIR (as SIZE.yaml, SIZE-RECORD.db); otherwise each results file is
# removed once measured, so that no run is measured beside the earlier ones' gigabytes
# (19 GB for 10,000,000 messages at attempts).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mailsim=$root/build/sim/cli/mailsim
sizes="10000 100000 1000000 10000000"
domains=1000 per_day=10000 records="summary attempts"
end_to_end=$root/scenarios/isp-scale.yaml
work=""
die() { echo "scaling.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || die "$1 needs a value"
  case $1 in
    --mailsim) mailsim=$2 ;;
    --sizes) sizes=$2 ;;
    --domains) domains=$2 ;;
    --per-day) per_day=$2 ;;
    --records) records=$2 ;;
    --end-to-end) end_to_end=$2 ;;
    --work) work=$2 ;;
    *) die "unknown option $1 (see the usage at the top of this script)" ;;
  esac
  shift 2
done
[ -x "$mailsim" ] || die "$mailsim is not an executable: build first, or give --mailsim BIN"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
command -v sqlite3 >/dev/null || die "sqlite3 is missing: apt-get install sqlite3"
for n in $sizes; do
  [[ $n =~ ^[0-9]+$ ]] && [ $((n % per_day)) -eq 0 ] ||
    die "size $n is not a whole number of days of --per-day $per_day messages"
done
keep=false
if [ -n "$work" ]; then
  mkdir -p "$work"
  keep=true
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# measure SCENARIO DB RECORD: runs mailsim once; prints "MESSAGES EVENTS CPU WALL PEAK_KB".
# The messages are counted in the results, and must be the count the run printed.
measure() {
  local scenario=$1 db=$2 record=$3
  /usr/bin/time -f "%U %S %e %M" -o "$work/time.txt" \
    "$mailsim" run "$scenario" -o "$db" --force --record "$record" >"$work/run.txt"
  local printed events counted user sys wall peak
  printed=$(awk '$1 == "messages" {print $2}' "$work/run.txt")
  events=$(awk '$1 == "events" {print $2}' "$work/run.txt")
  counted=$(sqlite3 "$db" "SELECT count(*) FROM message")
  [ -n "$printed" ] && [ -n "$events" ] || die "unexpected run output: $(cat "$work/run.txt")"
  [ "$counted" -eq "$printed" ] ||
    die "$db holds $counted messages, the run printed $printed"
  read -r user sys wall peak <"$work/time.txt"
  $keep || rm -f "$db" "$db-wal" "$db-shm"
  echo "$counted $events $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}') $wall $peak"
}

echo "scaling: mailsim generate --domains $domains, $per_day messages a simulated day" \
  "(days = messages / $per_day); CPU = user + system"
printf '%10s %-8s %10s %12s %9s %9s %9s %9s %7s\n' size record messages events "CPU s" \
  "wall s" "peak MiB" "µs/msg" ratio
declare -A first
for n in $sizes; do
  days=$((n / per_day))
  "$mailsim" generate -o "$work/$n.yaml" --force --domains "$domains" --messages "$n" \
    --days "$days" --name "scaling-$n" >/dev/null
  for record in $records; do
    read -r messages events cpu wall peak <<<"$(measure "$work/$n.yaml" "$work/$n-$record.db" "$record")"
    us=$(awk -v c="$cpu" -v m="$messages" 'BEGIN {printf "%.1f", (m > 0 ? c * 1e6 / m : 0)}')
    [ -n "${first[$record]:-}" ] || first[$record]=$us
    ratio=$(awk -v u="$us" -v f="${first[$record]}" 'BEGIN {printf "%.2f", (f > 0 ? u / f : 0)}')
    printf '%10s %-8s %10s %12s %9s %9s %9s %9s %7s\n' "$n" "$record" "$messages" "$events" \
      "$cpu" "$wall" $((peak / 1024)) "$us" "$ratio"
  done
done

if [ "$end_to_end" != none ]; then
  read -r messages events cpu wall peak <<<"$(measure "$end_to_end" "$work/end-to-end.db" attempts)"
  awk -v s="$(basename "$end_to_end")" -v m="$messages" -v e="$events" -v c="$cpu" \
    -v w="$wall" -v p="$peak" 'BEGIN {
      printf "end to end: %s at --record attempts: %d messages, %d events, wall %.2f s, CPU %.2f s, peak %d MiB, %.0f events/s, %.0f messages/s (per wall second)\n",
        s, m, e, w, c, p / 1024, (w > 0 ? e / w : 0), (w > 0 ? m / w : 0) }'
fi
