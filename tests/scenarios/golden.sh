#!/usr/bin/env bash
# Runs a scenario through the real binary and compares a stable text summary (the report
# and message 1's trace) with the approved baseline. With --approve, rewrites the baseline.
# The summary the run prints, made as its rows were written, must be the report's, which
# reads them back from the file.
# A scenario too long to run whole in the test command has NAME.args beside its baseline:
# more options for `mailsim run`, such as `--until 1h`.
# usage: golden.sh MAILSIM SCENARIO.yaml BASELINE.txt [--approve]
set -euo pipefail
mailsim=$1 scenario=$2 baseline=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=()
if [ -f "${baseline%.golden.txt}.args" ]; then
  read -r -a args <"${baseline%.golden.txt}.args"
fi
# --record full: the trace shows the dialogue.
"$mailsim" run "$scenario" -o "$work/out.db" --record full "${args[@]}" >"$work/run.txt"
"$mailsim" report "$work/out.db" >"$work/report.txt"
# The run's output ends with its events line and the results file's name.
if ! head -n -2 "$work/run.txt" | diff -u "$work/report.txt" -; then
  echo "the summary mailsim run printed differs from mailsim report's" >&2
  exit 1
fi
{
  cat "$work/report.txt"
  echo
  "$mailsim" trace "$work/out.db" 1
} >"$work/actual.txt"
if [ "${4:-}" = --approve ]; then
  cp "$work/actual.txt" "$baseline"
  echo "approved $baseline"
  exit 0
fi
if ! diff -u "$baseline" "$work/actual.txt"; then
  echo "the output differs from $baseline; if the change is intended, run tools/approve" >&2
  exit 1
fi
