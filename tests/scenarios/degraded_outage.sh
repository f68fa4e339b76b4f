#!/usr/bin/env bash
# A degraded_reply fault is counted by validate and recorded in the outage table with its
# kind, target and window, next to the other faults; a window still open at the end of the
# run ends there.
# usage: degraded_outage.sh MAILSIM SCENARIOS_DIR
set -euo pipefail
mailsim=$1 scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e 's/^name: university$/name: degraded/' "$scenarios/university.yaml" >"$work/degraded.yaml"
cat >>"$work/degraded.yaml" <<'YAML'
  - {type: degraded_reply, target: college, command: rcpt, reply: "451 4.3.0 Temporary lookup failure", start: 1h, duration: 2h}
  - {type: degraded_reply, target: university, command: connect, reply: "421 4.3.2 Busy", start: 20h, duration: 10h}
YAML
# Windows: department 0-3h, college 1h-3h, university from 20h for 10h: validate adds up
# whole windows (15h), the outage table ends the last at the end of the day.
"$mailsim" validate "$work/degraded.yaml" |
  grep -q "^  faults   3 faults: 3 outage windows, 15h down in all$"
"$mailsim" run "$work/degraded.yaml" -o "$work/out.db" --quiet >/dev/null
rows=$(sqlite3 "$work/out.db" "SELECT target || ' ' || kind || ' ' || start_s || ' ' || end_s FROM outage ORDER BY start_s")
expected="department host_down 0.0 10800.0
college degraded_reply 3600.0 10800.0
university degraded_reply 72000.0 86400.0"
if [ "$rows" != "$expected" ]; then
  printf 'outage rows:\n%s\nexpected:\n%s\n' "$rows" "$expected" >&2
  exit 1
fi
