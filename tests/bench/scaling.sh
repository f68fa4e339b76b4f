#!/usr/bin/env bash
# bench/scale/scaling.sh on a tiny version of its benchmark: 20 domains, 1,000 messages a
# day, sizes 1,000 and 2,000 (1 and 2 days), both record levels, and university.yaml as
# the end-to-end scenario. Checks the figures against the results databases it leaves
# (read here with the sqlite3 program) and against each other, not against times.
# usage: scaling.sh SCALING_SCRIPT MAILSIM SCENARIOS_DIR
set -euo pipefail
script=$1 mailsim=$2 scenarios=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

bash "$script" --mailsim "$mailsim" --sizes "1000 2000" --domains 20 --per-day 1000 \
  --end-to-end "$scenarios/university.yaml" --work "$work" >"$work/out.txt"
cat "$work/out.txt"
rows=$(awk '$1 ~ /^[0-9]+$/' "$work/out.txt")
[ "$(wc -l <<<"$rows")" -eq 4 ] || fail "expected 4 rows (2 sizes x 2 record levels)"

# Days scale with the messages at a fixed load: 1,000 messages a day.
grep -qx "duration: 1d" "$work/1000.yaml" || fail "1000.yaml does not last 1 day"
grep -qx "duration: 2d" "$work/2000.yaml" || fail "2000.yaml does not last 2 days"
[ "$(grep -c '^    [a-z0-9.-]*: "10 ' "$work/2000.yaml")" -eq \
  "$(grep -c '^    [a-z0-9.-]*: "10 ' "$work/1000.yaml")" ] || fail "the domain count changed"

declare -A events messages us
while read -r size record msgs evs cpu wall peak per ratio; do
  db=$work/$size-$record.db
  # The messages column is the count of messages in that run's results.
  [ "$msgs" -eq "$(sqlite3 "$db" 'SELECT count(*) FROM message')" ] || fail "$db: $msgs messages?"
  # The record level was the one named: attempts are kept at attempts, not at summary.
  attempts=$(sqlite3 "$db" 'SELECT count(*) FROM attempt')
  if [ "$record" = attempts ]; then [ "$attempts" -gt 0 ]; else [ "$attempts" -eq 0 ]; fi ||
    fail "$db: $attempts attempt rows at --record $record"
  # Poisson arrivals: the count is within 5 sigma (5 sqrt(size)) of the size.
  awk -v m="$msgs" -v n="$size" 'BEGIN {exit !(m - n <= 5 * sqrt(n) && n - m <= 5 * sqrt(n))}' ||
    fail "$msgs messages for size $size"
  # µs/message is CPU / messages; the ratio is over the first size's at the same level.
  awk -v c="$cpu" -v m="$msgs" -v u="$per" 'BEGIN {exit !(u > 0 && (c * 1e6 / m - u) ^ 2 < 0.01)}' ||
    fail "$per µs/message is not $cpu s / $msgs"
  [ "$size" = 1000 ] && [ "$ratio" = 1.00 ] || [ "$size" = 2000 ] || fail "first ratio $ratio"
  [ "$size" = 2000 ] && { awk -v r="$ratio" -v u="$per" -v f="${us[1000$record]}" \
    'BEGIN {exit !((u / f - r) ^ 2 < 0.0001)}' || fail "ratio $ratio is not $per / ${us[1000$record]}"; }
  events[$size$record]=$evs messages[$size$record]=$msgs us[$size$record]=$per
done <<<"$rows"
# Recording does not change the simulation: the same messages and events at both levels;
# twice the days, about twice the messages.
for size in 1000 2000; do
  [ "${events[${size}summary]}" -eq "${events[${size}attempts]}" ] &&
    [ "${messages[${size}summary]}" -eq "${messages[${size}attempts]}" ] ||
    fail "size $size: summary and attempts ran different simulations"
done
[ "${messages[2000summary]}" -gt "${messages[1000summary]}" ] || fail "2000 did not exceed 1000"

# The end-to-end line: university.yaml's messages as its database counts them, events/s =
# events / wall.
line=$(grep '^end to end: university.yaml at --record attempts: ' "$work/out.txt") ||
  fail "no end-to-end line"
[[ $line =~ :\ ([0-9]+)\ messages,\ ([0-9]+)\ events,\ wall\ ([0-9.]+)\ s,.*,\ ([0-9]+)\ events/s ]] ||
  fail "unexpected end-to-end line: $line"
[ "${BASH_REMATCH[1]}" -eq "$(sqlite3 "$work/end-to-end.db" 'SELECT count(*) FROM message')" ] ||
  fail "end to end: ${BASH_REMATCH[1]} messages"
awk -v e="${BASH_REMATCH[2]}" -v w="${BASH_REMATCH[3]}" -v r="${BASH_REMATCH[4]}" \
  'BEGIN {exit !(r >= e / (w + 0.005) - 1 && r <= e / (w - 0.005) + 1)}' ||
  fail "events/s ${BASH_REMATCH[4]} is not ${BASH_REMATCH[2]} / ${BASH_REMATCH[3]}"

# A size that is not a whole number of days is refused with status 2.
status=0
bash "$script" --mailsim "$mailsim" --sizes 1500 --per-day 1000 >/dev/null 2>"$work/err" || status=$?
[ "$status" -eq 2 ] && grep -q "size 1500 is not a whole number of days" "$work/err" ||
  fail "size 1500: status $status, $(cat "$work/err")"
echo "scaling: 4 rows agree with their results; end-to-end line agrees"
