#!/usr/bin/env bash
# A bad sweep file stops mailsim sweep before anything runs: exit status 2, a message that
# names the sweep file's line and column and says what is wrong, and no results file.
# usage: bad_sweep.sh MAILSIM TESTS_SWEEP_DIR
set -euo pipefail
mailsim=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$dir/relay.yaml" .
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect NAME EXPECTED-MESSAGE-PART (the sweep file is on stdin)
expect() {
  cat >"$1.yaml"
  set +e
  "$mailsim" sweep "$1.yaml" -o "$1.db" -q >/dev/null 2>"$1.err"
  local status=$?
  set -e
  [ $status = 2 ] || fail "$1: status $status, $(cat "$1.err")"
  grep -qF -- "$2" "$1.err" || fail "$1: expected '$2', got: $(cat "$1.err")"
  [ ! -e "$1.db" ] && [ ! -e "$1.db.shards" ] || fail "$1: left a results file"
}

expect no_such_mta "no_such_mta.yaml:4:3: vary.mtas.nosuch.retry: no element named 'nosuch' in 'mtas'" <<'EOF2'
scenario: relay.yaml
replications: 2
vary:
  mtas.nosuch.retry: [exim, postfix]
EOF2
grep -qF "name one of: outside, relay, dept" no_such_mta.err || fail "no_such_mta lists no names"

expect bad_value "bad_value.yaml:3:31: vary.mtas.relay.retry[1]: unknown retry preset 'eximm'" <<'EOF2'
scenario: relay.yaml
vary:
  mtas.relay.retry: [postfix, eximm]
EOF2
grep -qF "(set by mtas.relay.retry = eximm)" bad_value.err || fail "bad_value does not name the setting"

expect scalar_parent "scalar_parent.yaml:3:3: vary.mtas.relay.hostname.x: 'mtas.relay.hostname' is a single value" <<'EOF2'
scenario: relay.yaml
vary:
  mtas.relay.hostname.x: [a, b]
EOF2

expect misspelt_key "misspelt_key.yaml:2:1: replicatons: unknown key 'replicatons'" <<'EOF2'
scenario: relay.yaml
replicatons: 3
EOF2
grep -qF "did you mean 'replications'?" misspelt_key.err || fail "no suggestion"

expect uneven_together "uneven_together.yaml:5:32: vary.together.defaults.processing_delay: together: every path needs as many values as the first (2), this one has 3" <<'EOF2'
scenario: relay.yaml
vary:
  together:
    mtas.relay.retry: [exim, postfix]
    defaults.processing_delay: [1s, 2s, 3s]
EOF2

expect missing_scenario "missing_scenario.yaml:1:11: scenario: cannot open scenario file" <<'EOF2'
scenario: nowhere.yaml
EOF2

expect bad_range "bad_range.yaml:3:53: vary.defaults.processing_delay.step: the step must be positive" <<'EOF2'
scenario: relay.yaml
vary:
  defaults.processing_delay: {from: 1, to: 5, step: 0, unit: s}
EOF2
# -j takes a positive count.
printf 'scenario: relay.yaml\n' >ok.yaml
set +e
"$mailsim" sweep ok.yaml -o jobs.db -j 0 2>jobs.err; status=$?
set -e
[ $status = 2 ] && grep -qF -- "--jobs: -j takes a number of runs at a time from 1 to 1024" jobs.err \
  || fail "-j 0: $status $(cat jobs.err)"
[ ! -e jobs.db ] || fail "-j 0 left a results file"
echo ok
