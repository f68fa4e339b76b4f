#!/usr/bin/env bash
# A run stopped by SIGTERM or SIGINT ends cleanly: exit 143 or 130, the summary printed
# (the one `mailsim report` reads back), the database flushed, marked interrupted at the
# time it stopped, and `mailsim check` holds on it. A run killed with -9 leaves a database
# that opens and says running, which `mailsim check` reports, and which a new run replaces
# only with --force.
# Each run is the university scenario told to go on for 100000 days, so that it is still
# running when signalled: its sender group sends about 300 messages a day for as long.
# usage: interrupt.sh MAILSIM SCENARIO.yaml
set -euo pipefail
set -m  # background runs in their own process group, where SIGINT is not ignored
mailsim=$1 scenario=$2
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { sqlite3 -cmd ".timeout 2000" "$1" "$2"; }

# start NAME: a long run writing $work/NAME.db in the background; returns once an attempt
# that started after the first simulated day is on disk (queue samples are written only
# where a queue changes, so their count says little about how far the run is).
start() {
  "$mailsim" run "$scenario" -o "$work/$1.db" --until 100000d >"$work/$1.out" 2>"$work/$1.err" &
  pid=$!
  for _ in $(seq 600); do
    if [ -f "$work/$1.db" ] && [ "$(q "$work/$1.db" "SELECT count(*) FROM attempt WHERE started_s > 90000" 2>/dev/null || echo 0)" -ge 1 ]; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail "the run $1 ended before it was signalled"
    sleep 0.1
  done
  fail "the run $1 recorded nothing in 60 s"
}

# stopped NAME SIGNAL STATUS: signals the run and checks how it ended.
stopped() {
  local name=$1 signal=$2 want=$3 db="$work/$1.db" got=0
  kill "-$signal" "$pid"
  wait "$pid" || got=$?
  pid=
  [ "$got" -eq "$want" ] || fail "$name: exit status $got after SIG$signal, want $want"
  grep -q "^scenario    university (seed 1), run interrupted at " "$work/$name.out" ||
    fail "$name: no summary on stdout: $(cat "$work/$name.out")"
  grep -q "SIG$signal: stopped at simulated .*marked interrupted" "$work/$name.err" ||
    fail "$name: stderr does not say why it stopped: $(cat "$work/$name.err")"
  [ ! -e "$db-wal" ] || [ ! -s "$db-wal" ] || fail "$name: the write-ahead log was not folded in"
  [ "$(q "$db" "SELECT status FROM run")" = interrupted ] || fail "$name: run status $(q "$db" "SELECT status FROM run")"
  [ "$(q "$db" "SELECT sim_end_s > 86400 AND finished_at IS NOT NULL FROM run")" = 1 ] ||
    fail "$name: no end time"
  [ "$(q "$db" "SELECT max(t_s) = (SELECT sim_end_s FROM run) FROM queue_sample")" = 1 ] ||
    fail "$name: no last queue sample at the end of the run"
  # Message 1 is delivered at 3h40m after 4 attempts over its hops (university.golden.txt).
  [ "$(q "$db" "SELECT status || ' ' || attempts FROM recipient WHERE msg_id = 1")" = "delivered 4" ] ||
    fail "$name: the delivered message is not recorded as such"
  "$mailsim" check "$db" >/dev/null || fail "$name: mailsim check fails on the interrupted run"
  # The summary printed, made as the rows were written, is the one read back.
  "$mailsim" report "$db" >"$work/$name.report"
  head -n -2 "$work/$name.out" | diff -u "$work/$name.report" - >&2 ||
    fail "$name: the summary printed differs from mailsim report's"
}

start term
stopped term TERM 143
start int
stopped int INT 130

start killed
kill -KILL "$pid"
{ wait "$pid" || true; } 2>/dev/null  # without the shell's "Killed" notice
pid=
db="$work/killed.db"
[ "$(q "$db" "PRAGMA integrity_check")" = ok ] || fail "the killed run's database is damaged"
[ "$(q "$db" "SELECT status || ' ' || ifnull(sim_end_s, 'none') FROM run")" = "running none" ] ||
  fail "the killed run does not say running"
set +e
"$mailsim" check "$db" >"$work/check.out"
status=$?
set -e
[ "$status" -eq 1 ] && grep -q "run 1 has status running" "$work/check.out" ||
  fail "mailsim check does not report the killed run (status $status)"
"$mailsim" report "$db" | grep -q "run running: results are incomplete" ||
  fail "mailsim report does not read the killed run"
if "$mailsim" run "$scenario" -o "$db" --until 1h --quiet 2>/dev/null; then
  fail "a new run replaced the killed run's results without --force"
fi
"$mailsim" run "$scenario" -o "$db" --until 1h --quiet --force
[ "$(q "$db" "SELECT status || ' ' || sim_end_s FROM run")" = "completed 3600.0" ] ||
  fail "--force did not replace the killed run's results"
echo "interrupted and killed runs behave"
