#!/usr/bin/env bash
# mailsim generate through the binary: the same options write the same file, which
# validates, runs and passes check; bad options are exit 2 with nothing written.
# usage: generate_cli.sh MAILSIM
set -uo pipefail
mailsim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail() { echo "FAIL: $*" >&2; exit 1; }

"$mailsim" generate --domains 60 --messages 500 --days 1 --seed 4 --name small -o a.yaml >/dev/null ||
  fail "generate"
"$mailsim" generate --domains 60 --messages 500 --days 1 --seed 4 --name small -o b.yaml >/dev/null
cmp a.yaml b.yaml || fail "the same options wrote different files"
"$mailsim" generate --domains 60 --messages 500 --days 1 --seed 5 --name small -o c.yaml >/dev/null
cmp -s a.yaml c.yaml && fail "another seed wrote the same file"
"$mailsim" validate a.yaml | grep -q "scenario 'small' is valid" || fail "validate"
"$mailsim" run a.yaml -o a.db --quiet >/dev/null || fail "run"
"$mailsim" check a.db >/dev/null || fail "check"
# 500 expected (Poisson: within 5 sigma, 112); the recorded ones are the user messages.
n=$(sqlite3 a.db "SELECT count(*) FROM message WHERE kind = 'user'")
[ "$n" -ge 388 ] && [ "$n" -le 612 ] || fail "$n messages for 500 expected"

# expect PATTERN ARGS...: exit 2, PATTERN on stderr, no file written.
expect() {
  local pattern=$1
  shift
  "$mailsim" generate "$@" >out.txt 2>err.txt
  local got=$?
  [ "$got" -eq 2 ] || fail "generate $* -> status $got, want 2"
  tr "\n" " " <err.txt | grep -Eq -- "$pattern" || fail "generate $*: stderr $(cat err.txt), want $pattern"
  [ ! -e x.yaml ] || fail "generate $* wrote x.yaml"
}
expect 'generate needs an output file' --domains 50
expect '--domains 5 is out of range' --domains 5 -o x.yaml
expect '--days must be 1 to 3650' --days 0 -o x.yaml
expect "'a b' cannot name a scenario" --name 'a b' -o x.yaml
expect 'a\.yaml exists.*--force' -o a.yaml
echo ok
