#!/usr/bin/env bash
# A run on one CPU makes its sender groups' arrivals on the simulation thread; on several,
# on a thread of their own, ahead of time. The results are the same, row for row.
# usage: one_cpu.sh MAILSIM SCENARIOS_DIR
set -euo pipefail
mailsim=$1 scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The CPUs this process may use, as taskset lists them ("0-3,6"), and the first of them.
allowed=$(taskset -c -p $$ | sed 's/.*: //')
first=${allowed%%[-,]*}
if [ "$allowed" = "$first" ]; then
  echo "skipped: this process may use one CPU only, so both runs would make arrivals inline" >&2
  exit 77
fi
dump() {  # the results without the run's wall-clock times
  sqlite3 "$1" "UPDATE run SET started_at = '', finished_at = ''"
  sqlite3 "$1" .dump
}
# isp-scale's first 3 hours: 1,000 groups, about 18,000 arrivals; the three largest groups
# go round their rings of 1,024 arrivals twice.
for run in "campus" "university" "isp-scale --until 3h"; do
  set -- $run
  scenario=$1
  shift
  taskset -c "$first" "$mailsim" run "$scenarios/$scenario.yaml" "$@" -o "$work/one.db" --force --quiet >/dev/null
  "$mailsim" run "$scenarios/$scenario.yaml" "$@" -o "$work/all.db" --force --quiet >/dev/null
  if ! cmp -s <(dump "$work/one.db") <(dump "$work/all.db"); then
    echo "$scenario: the results on one CPU differ from those on all:" >&2
    diff <(dump "$work/one.db") <(dump "$work/all.db") | head -20 >&2
    exit 1
  fi
done
