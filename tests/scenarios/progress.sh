#!/usr/bin/env bash
# On a terminal, `mailsim run` shows a progress line on stderr: the percentage of simulated
# time, the users' messages done out of those created, events and the event rate. The
# university scenario without its sender group (the block from "  groups:" to the next
# blank line) creates one message at 0 s, delivered at 3h5m, after its 3 h outage (Postfix's
# tries at 0.6 s, 10m, 25m, 55m, 1h55m time out; the next is at the 3h5m scan): at 1 % of
# its day (00:14:24) it is 0/1 done, at 100 % it is 1/1. `script` gives the run a terminal;
# --quiet, or no terminal, shows no line.
# usage: progress.sh MAILSIM SCENARIO.yaml
set -euo pipefail
mailsim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scenario=$work/one-message.yaml
sed '/^  groups:/,/^$/d' "$2" >"$scenario"
grep -q '^  messages:' "$scenario" && ! grep -q 'groups:' "$scenario" ||
  { echo "FAIL: could not cut the sender group out of $2" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# The typescript gets what the run writes to its terminal: stderr only, stdout goes away.
script -qec "'$mailsim' run '$scenario' -o '$work/tty.db' >/dev/null" "$work/tty.txt" >/dev/null
tr '\r' '\n' <"$work/tty.txt" >"$work/lines.txt"
grep -q "^simulating   1%  (simulated 00:14:24.000, 0/1 messages done, " "$work/lines.txt" ||
  fail "no 1 % line with 0/1 messages done: $(head -c 600 "$work/lines.txt")"
grep -q "^simulating 100%  (simulated 1+00:00:00.000, 1/1 messages done, [0-9]* events, " "$work/lines.txt" ||
  fail "no 100 % line with 1/1 messages done: $(grep -a '100%' "$work/lines.txt")"

script -qec "'$mailsim' run '$scenario' --quiet -o '$work/quiet.db' >/dev/null" "$work/quiet.txt" \
  >/dev/null
! grep -q "simulating" "$work/quiet.txt" || fail "--quiet still shows progress"
"$mailsim" run "$scenario" -o "$work/pipe.db" 2>"$work/pipe.txt" >/dev/null
! grep -q "simulating" "$work/pipe.txt" || fail "progress shown without a terminal"
echo "ok"
