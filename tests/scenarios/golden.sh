#!/usr/bin/env bash
# Runs a scenario through the real binary and compares a stable text summary (the report
# and message 1's trace) with the approved baseline. With --approve, rewrites the baseline.
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
"$mailsim" run "$scenario" -o "$work/out.db" --quiet --record full "${args[@]}"
{
  "$mailsim" report "$work/out.db"
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
