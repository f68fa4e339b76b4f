#!/usr/bin/env bash
# mailsim sweep under mpirun: three ranks share the six runs of tests/sweep/sweep.yaml
# (two each), ranks 1 and 2 send their shards to rank 0, which merges them. The merged
# database holds exactly the rows of a local -j 2 sweep (sqlite3 .dump, sorted, without
# the run table's wall-clock columns).
# usage: mpi.sh MAILSIM TESTS_SWEEP_DIR MPIRUN
set -euo pipefail
mailsim=$1 dir=$2 mpirun=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
# Under the sanitizer build the ranks get its settings, without the leak check: Open MPI
# keeps allocations in components it unloads at exit, which LeakSanitizer cannot name or
# suppress. (tests/sweep/sweep.sh checks the same code for leaks without MPI.)
launch() {
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    "$mpirun" -x ASAN_OPTIONS ${UBSAN_OPTIONS:+-x UBSAN_OPTIONS} "$@"
}
dump() {
  cp "$1" dump.db
  sqlite3 dump.db "UPDATE run SET started_at = NULL, finished_at = NULL"
  sqlite3 dump.db .dump | grep '^INSERT' | sort
  rm dump.db
}

"$mailsim" sweep "$dir/sweep.yaml" -o local.db -j 2 -q >local.out
launch --oversubscribe --allow-run-as-root -np 3 \
  "$mailsim" sweep "$dir/sweep.yaml" -o mpi.db >mpi.out 2>mpi.err || fail "mpirun: $(cat mpi.err)"
grep -q '6 runs, 6 to do over 3 ranks' mpi.err || fail "not spread over 3 ranks: $(cat mpi.err)"
grep -q 'merged 2 runs of rank 1' mpi.err && grep -q 'merged 2 runs of rank 2' mpi.err \
  || fail "shards not sent: $(cat mpi.err)"
[ ! -e mpi.db.shards ] || fail "shards left behind: $(ls mpi.db.shards)"
dump local.db >local.txt
dump mpi.db >mpi.txt
[ "$(wc -l <local.txt)" -gt 30 ] || fail "suspiciously small dump"
diff -u local.txt mpi.txt || fail "the MPI sweep's rows differ from the local sweep's"
# Only rank 0 prints the intervals, the same as the local sweep's.
diff -u <(sed 's/local.db/RESULTS/' local.out) <(sed 's/mpi.db/RESULTS/' mpi.out) \
  || fail "the printed intervals differ"
"$mailsim" check mpi.db >/dev/null || fail "check on the MPI sweep's database"

# Resuming under MPI: two runs lost from the database are done again (by ranks 0 and 1).
for t in $(sqlite3 mpi.db "SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c
                            WHERE m.type = 'table' AND c.name = 'run_id'"); do
  sqlite3 mpi.db "DELETE FROM $t WHERE run_id IN (2, 5)"
done
launch --oversubscribe --allow-run-as-root -np 3 \
  "$mailsim" sweep "$dir/sweep.yaml" -o mpi.db >/dev/null 2>resume.err || fail "resume: $(cat resume.err)"
grep -q '6 runs, 2 to do over 3 ranks' resume.err || fail "resume: $(cat resume.err)"
diff -u local.txt <(dump mpi.db) || fail "the resumed MPI sweep's rows differ"
echo ok
