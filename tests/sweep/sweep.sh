#!/usr/bin/env bash
# mailsim sweep on this machine, read with sqlite3 rather than mailsim's own code: the six
# runs (2 points x 3 replications) of tests/sweep/sweep.yaml land in one database whose
# every row carries its run; -j 1 and -j 2 give the same rows; replication 0 of a point is
# the plain `mailsim run` of that scenario; a sweep run again does only what is missing
# (a deleted run, a shard left running) and merges a shard that completed unmerged; the
# read verbs handle the many runs; another sweep's database is refused.
# usage: sweep.sh MAILSIM TESTS_SWEEP_DIR
set -euo pipefail
mailsim=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every row of every table, sorted, without the wall-clock columns of the run table.
dump() {
  cp "$1" "$work/dump.db"
  sqlite3 "$work/dump.db" "UPDATE run SET started_at = NULL, finished_at = NULL"
  sqlite3 "$work/dump.db" .dump | grep '^INSERT' | sort
  rm "$work/dump.db"
}
# Keeps only run $2 in database $1 (a shard of it), or drops run $2 with "drop".
tables() { sqlite3 "$1" "SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c
                        WHERE m.type = 'table' AND c.name = 'run_id'"; }
only_run() { for t in $(tables "$1"); do sqlite3 "$1" "DELETE FROM $t WHERE run_id <> $2"; done; }
drop_run() { for t in $(tables "$1"); do sqlite3 "$1" "DELETE FROM $t WHERE run_id = $2"; done; }

"$mailsim" sweep "$dir/sweep.yaml" -o a.db -j 2 >a.out 2>a.err || fail "sweep -j 2: $(cat a.err)"
grep -q '^point 1: mtas.relay.retry.exim = H,1d,10m,2 (3 runs)$' a.out || fail "point 1: $(cat a.out)"
grep -q '^point 2: mtas.relay.retry.exim = H,1d,30m,2 (3 runs)$' a.out || fail "point 2"
grep -q '^  latency p50 .*95% CI .*, n 3)$' a.out || fail "no interval: $(cat a.out)"
grep -q 'results: a.db (6 of 6 runs)' a.out || fail "run count"
[ ! -e a.db.shards ] || fail "shard folder left behind"
[ "$(sqlite3 a.db "SELECT group_concat(run_id || ':' || point || ':' || replication || ':' || status, ' ')
                   FROM run")" = "1:1:0:completed 2:1:1:completed 3:1:2:completed 4:2:0:completed 5:2:1:completed 6:2:2:completed" ] \
  || fail "run table: $(sqlite3 a.db 'SELECT * FROM run')"
[ "$(sqlite3 a.db "SELECT value FROM run_parameter WHERE run_id = 4 AND name = 'mtas.relay.retry.exim'")" = "H,1d,30m,2" ] \
  || fail "run_parameter"
# Three user messages per run, each with one recipient, and no row without its run.
[ "$(sqlite3 a.db "SELECT count(*) FROM recipient GROUP BY run_id" | sort -u)" = 3 ] || fail "recipients per run"
for t in $(tables a.db); do
  [ "$(sqlite3 a.db "SELECT count(*) FROM $t WHERE run_id NOT IN (SELECT run_id FROM run)")" = 0 ] \
    || fail "rows of $t without a run"
done
"$mailsim" check a.db >/dev/null || fail "check on the sweep's database"

# The same rows with one thread.
"$mailsim" sweep "$dir/sweep.yaml" -o b.db -j 1 -q >/dev/null
dump a.db >a.txt
dump b.db >b.txt
[ "$(wc -l <a.txt)" -gt 30 ] || fail "suspiciously small dump"
diff -u a.txt b.txt || fail "-j 1 and -j 2 differ"

# Replication 0 of point 1 is `mailsim run` of the scenario with that value (run 1 of
# both: the same random streams). The scenario's own value is point 1's.
"$mailsim" run "$dir/relay.yaml" -o plain.db --record summary --quiet
for t in recipient message node link; do
  [ "$(sqlite3 plain.db "SELECT * FROM $t ORDER BY 1, 2, 3")" = \
    "$(sqlite3 a.db "SELECT * FROM $t WHERE run_id = 1 ORDER BY 1, 2, 3")" ] || fail "run 1's $t differs from mailsim run's"
done
# Other replications draw other numbers: the relay's random retry gaps give other latencies.
[ "$(sqlite3 a.db "SELECT count(DISTINCT group_concat_latency) FROM (SELECT run_id,
       group_concat(latency_s) AS group_concat_latency FROM recipient WHERE run_id <= 3 GROUP BY run_id)")" -gt 1 ] \
  || fail "the three replications of point 1 have the same latencies"

# Resuming: a run missing from the database is done again, and only that one.
cp a.db c.db
drop_run c.db 5
"$mailsim" sweep "$dir/sweep.yaml" -o c.db >c.out 2>c.err
grep -q '6 runs, 1 to do' c.err || fail "resume: $(cat c.err)"
grep -q 'run 5 done' c.err || fail "resume did not redo run 5"
diff -u a.txt <(dump c.db) || fail "resumed database differs"

# A shard that completed but was not merged is merged without running again; one left
# 'running' (a killed sweep) is run again.
cp a.db d.db
drop_run d.db 2
drop_run d.db 3
mkdir d.db.shards
cp a.db d.db.shards/run-2.db && only_run d.db.shards/run-2.db 2
cp a.db d.db.shards/run-3.db && only_run d.db.shards/run-3.db 3
sqlite3 d.db.shards/run-3.db "UPDATE run SET status = 'running', sim_end_s = NULL"
"$mailsim" sweep "$dir/sweep.yaml" -o d.db >d.out 2>d.err
grep -q '6 runs, 1 to do' d.err || fail "recovery: $(cat d.err)"
grep -q 'run 3 done' d.err || fail "the running shard was not run again"
diff -u a.txt <(dump d.db) || fail "recovered database differs"

# The read verbs: report per run (or --run N, or JSON lines), trace asks which run.
"$mailsim" report a.db >report.txt
[ "$(grep -c '^run [0-9] (point [12], replication [012]: {"mtas.relay.retry.exim":"H,1d,[13]0m,2"})$' report.txt)" = 6 ] \
  || fail "report headings: $(head -3 report.txt)"
"$mailsim" report a.db --run 4 >report4.txt
grep -q '^scenario    relay (seed 3)' report4.txt && ! grep -q '^run ' report4.txt || fail "report --run 4"
[ "$("$mailsim" report a.db --json | wc -l)" = 6 ] || fail "report --json: one line per run"
"$mailsim" report a.db --json | /usr/bin/python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin]
assert [r["run_id"] for r in rows] == [1, 2, 3, 4, 5, 6], rows
assert rows[3]["point"] == 2 and rows[3]["replication"] == 0
assert rows[3]["parameters"] == {"mtas.relay.retry.exim": "H,1d,30m,2"}
assert all(r["recipients"] == 3 for r in rows)' || fail "report --json content"
set +e
"$mailsim" report a.db --run 9 >/dev/null 2>err.txt; status=$?
set -e
[ $status = 2 ] && grep -q 'no run 9' err.txt || fail "report --run 9: $status $(cat err.txt)"
set +e
"$mailsim" trace a.db 1 >/dev/null 2>err.txt; status=$?
set -e
[ $status = 2 ] && grep -q 'holds 6 runs' err.txt || fail "trace without --run: $(cat err.txt)"
"$mailsim" trace a.db 1 --run 5 | grep -q '^message 1 ' || fail "trace --run 5"

# check names the run of a broken row.
cp a.db e.db
sqlite3 e.db "UPDATE recipient SET latency_s = latency_s + 1 WHERE run_id = 5 AND msg_id = 2"
set +e
"$mailsim" check e.db >check.txt; status=$?
set -e
[ $status = 1 ] && grep -q '^  run 5: message 2 <ben@dept.example> delivered_s' check.txt \
  || fail "check on a damaged run: $(cat check.txt)"

# A database of another sweep is not mixed with this one.
sed 's/replications: 3/replications: 2/' "$dir/sweep.yaml" >other.yaml
cp "$dir/relay.yaml" .
set +e
"$mailsim" sweep other.yaml -o a.db >/dev/null 2>err.txt; status=$?
set -e
[ $status = 2 ] && grep -q 'holds run 3 of another sweep' err.txt || fail "another sweep: $status $(cat err.txt)"
# Nor with the runs of the same sweep over an edited scenario.
cp "$dir/sweep.yaml" same.yaml
sed 's/size: 10KiB/size: 11KiB/' "$dir/relay.yaml" >relay.yaml
set +e
"$mailsim" sweep same.yaml -o a.db >/dev/null 2>err.txt; status=$?
set -e
[ $status = 2 ] && grep -q 'relay.yaml changed since run 1' err.txt || fail "edited scenario: $status $(cat err.txt)"
echo "ok"
