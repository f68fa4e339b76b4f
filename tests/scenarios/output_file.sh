#!/usr/bin/env bash
# A results file is never silently overwritten: `run -o` on an earlier run's results
# refuses (exit 2, saying so, the file untouched) unless --force; a file that is not a
# results database is never overwritten, even with --force.
# usage: output_file.sh MAILSIM SCENARIO.yaml
set -euo pipefail
mailsim=$1 scenario=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db="$work/out.db"
run_status() {
  local status=0
  "$mailsim" run "$scenario" --quiet "$@" 2>"$work/err.txt" || status=$?
  echo "$status"
}

[ "$(run_status -o "$db" --until 1h)" -eq 0 ] || fail "the first run failed"
before=$(sqlite3 "$db" "SELECT started_at || ' ' || sim_end_s FROM run")
[ "$(run_status -o "$db" --until 2h)" -eq 2 ] || fail "a second run without --force did not exit 2"
grep -q "out\.db: the output file holds the results of an earlier run; not overwriting them" \
  "$work/err.txt" || fail "unclear refusal: $(cat "$work/err.txt")"
grep -q "hint: give --force to replace them" "$work/err.txt" || fail "no hint: $(cat "$work/err.txt")"
[ "$(sqlite3 "$db" "SELECT started_at || ' ' || sim_end_s FROM run")" = "$before" ] ||
  fail "the refused run changed the earlier results"

[ "$(run_status -o "$db" --until 2h --force)" -eq 0 ] || fail "--force did not replace the results"
[ "$(sqlite3 "$db" "SELECT status || ' ' || sim_end_s FROM run")" = "completed 7200.0" ] ||
  fail "the replaced results are not the new run's"

echo "my notes" >"$work/notes.db"
[ "$(run_status -o "$work/notes.db" --force)" -eq 2 ] || fail "--force overwrote a file not ours"
grep -q "notes\.db: the output file exists and is not a mailsim results database" "$work/err.txt" ||
  fail "unclear refusal: $(cat "$work/err.txt")"
[ "$(cat "$work/notes.db")" = "my notes" ] || fail "the file that is not ours was changed"
echo "results files are kept unless --force replaces them"
