#!/usr/bin/env bash
# `mailsim run` ends its summary with the simulation's speed, which notebooks/04 reads:
# "events N in W s of wall-clock time (R events/s)". N is the engine's executed events,
# so the same scenario and seed give the same N; a run with more mail executes more
# events; R is N / W (to the 3 significant digits printed); --quiet prints nothing.
# usage: run_speed.sh MAILSIM SCENARIOS_DIR
set -euo pipefail
mailsim=$1 scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pattern='^events      ([0-9]+) in ([0-9]+\.[0-9]{3}) s of wall-clock time \(([0-9.e+]+) events/s\)$'

# speed SCENARIO NAME: prints "EVENTS WALL RATE" of one run.
speed() {
  "$mailsim" run "$1" -o "$work/$2.db" >"$work/$2.txt"
  local line
  line=$(grep '^events ' "$work/$2.txt") || fail "no events line in: $(cat "$work/$2.txt")"
  [[ $line =~ $pattern ]] || fail "unexpected events line: $line"
  echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
}
read -r e1 w1 r1 <<<"$(speed "$scenarios/university.yaml" u1)"
read -r e2 _ _ <<<"$(speed "$scenarios/university.yaml" u2)"
# The university without its sender group (about 300 messages): its one explicit message.
sed '/^  groups:/,/^$/d' "$scenarios/university.yaml" >"$work/one.yaml"
read -r e3 _ _ <<<"$(speed "$work/one.yaml" one)"
[ "$e1" -gt 0 ] && [ "$e1" -eq "$e2" ] || fail "university: $e1 events, then $e2"
[ "$e1" -gt "$e3" ] || fail "about 300 messages took $e1 events, 1 message $e3"
# The rate printed agrees with events / wall time, to the rounding of the wall time (1 ms).
awk -v e="$e1" -v w="$w1" -v r="$r1" 'BEGIN {
  lo = e / (w + 0.0005); hi = (w > 0.0005) ? e / (w - 0.0005) : 1e300
  exit !(r >= lo * 0.995 && r <= hi * 1.005) }' || fail "rate $r1 is not $e1 / $w1"
[ -z "$("$mailsim" run "$scenarios/university.yaml" -o "$work/q.db" --quiet)" ] ||
  fail "--quiet printed something"
echo "university: $e1 events (twice), its one explicit message: $e3 events; $r1 events/s"
