#!/usr/bin/env bash
# SIGTERM stops a sweep: exit status 143, the results database holds only completed runs
# (fewer than all), and running the same sweep again does the rest, so that every run is
# there once and every invariant holds.
# usage: interrupt.sh MAILSIM TESTS_SWEEP_DIR
set -euo pipefail
mailsim=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
cp "$dir/relay.yaml" .
sed 's/replications: 3/replications: 500/' "$dir/sweep.yaml" >long.yaml  # 1,000 runs

"$mailsim" sweep long.yaml -o r.db -j 2 -q >out.txt 2>err.txt &
pid=$!
# Signal once the first run is in the results file (not after a fixed time: on a loaded
# machine the sweep may not have started its runs by then). The file is read read-only, as
# a user looking at a running sweep would: sqlite3 must not create it first.
for _ in $(seq 600); do
  n=0
  [ -e r.db ] && n=$(sqlite3 -readonly r.db "SELECT count(*) FROM run" 2>/dev/null || echo 0)
  [ "$n" -gt 0 ] && break
  sleep 0.1
done
kill -TERM $pid
set +e
wait $pid
status=$?
set -e
[ $status = 143 ] || fail "status $status: $(cat err.txt)"
grep -q 'SIGTERM: sweep stopped; run it again' err.txt || fail "$(cat err.txt)"
done_runs=$(sqlite3 r.db "SELECT count(*) FROM run")
[ "$done_runs" -lt 1000 ] || fail "the sweep finished before the signal"
[ "$(sqlite3 r.db "SELECT count(*) FROM run WHERE status <> 'completed'")" = 0 ] \
  || fail "an unfinished run was merged"
"$mailsim" sweep long.yaml -o r.db -q >out2.txt 2>err2.txt || fail "resume: $(cat err2.txt)"
grep -q "results: r.db (1000 of 1000 runs)" out2.txt || fail "resume: $(cat out2.txt)"
[ "$(sqlite3 r.db "SELECT count(DISTINCT run_id) || ' ' || min(run_id) || ' ' || max(run_id) FROM run")" = "1000 1 1000" ] \
  || fail "runs after resuming"
"$mailsim" check r.db >/dev/null || fail "check after resuming"
[ ! -e r.db.shards ] || fail "shards left behind"
echo "ok ($done_runs runs before the signal)"
