#!/usr/bin/env bash
# Bad input gets a clear error, exit status 2, and no results file.
# usage: bad_input.sh MAILSIM BAD_DIR
set -uo pipefail
mailsim=$1 bad=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
# expect STATUS PATTERN -- ARGS...: the command's stderr must match PATTERN (grep -E).
expect() {
  local status=$1 pattern=$2
  shift 3
  "$mailsim" "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" -ne "$status" ] || ! tr '\n' ' ' <err.txt | grep -Eq -- "$pattern"; then
    echo "FAIL: mailsim $* -> status $got (want $status), stderr:" >&2
    cat err.txt >&2
    echo "  wanted a match for: $pattern" >&2
    failures=$((failures + 1))
  fi
  if ls ./*.db >/dev/null 2>&1; then
    echo "FAIL: mailsim $* left a results file" >&2
    rm -f ./*.db
    failures=$((failures + 1))
  fi
}
expect 2 'missing\.yaml: cannot open scenario file' -- run missing.yaml
expect 2 'syntax\.yaml:6:1: YAML syntax error: end of map flow not found' -- run "$bad/syntax.yaml"
expect 2 "unknown_key\.yaml:9:5: mtas\[0\]\.retyr: unknown key 'retyr'.*" -- run "$bad/unknown_key.yaml"
expect 2 "did you mean 'retry'" -- validate "$bad/unknown_key.yaml"
expect 2 "bad_unit\.yaml:6:[0-9]+: links\[0\]\.latency: unknown unit 'parsecs'" -- run "$bad/bad_unit.yaml"
expect 2 "bad_unit\.yaml.*hint: write a number followed by one of" -- run "$bad/bad_unit.yaml"
expect 2 "unknown_host\.yaml:[0-9]+:[0-9]+: mtas\[0\]\.host: no host named 'nowhere'" -- run "$bad/unknown_host.yaml"
expect 2 "unknown verb 'frobnicate'" -- frobnicate
expect 2 "--until: unknown unit" -- run "$bad/../../../scenarios/university.yaml" --until 3parsecs
expect 2 "not a mailsim results database|cannot open" -- trace missing.db 1
echo "bad-input cases failed: $failures"
[ "$failures" -eq 0 ]
