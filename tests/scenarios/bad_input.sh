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
expect 2 "bad: this is a folder, not a scenario file" -- run "$bad"
expect 2 "empty\.yaml:1:1: a scenario must be a YAML mapping" -- run "$bad/empty.yaml"
expect 2 "list_for_value\.yaml:6:15: mtas\[0\]\.hostname: expected a single value" -- run "$bad/list_for_value.yaml"
expect 2 "long_decimal\.yaml:4:.*links\[0\]\.latency: .* is not a duration" -- run "$bad/long_decimal.yaml"
expect 2 "complex_key\.yaml:3:[0-9]+: a key must be a plain name" -- run "$bad/complex_key.yaml"
expect 2 "no_recipients\.yaml:6:[0-9]+: traffic\.messages\[0\]\.to: a message needs at least one recipient" -- run "$bad/no_recipients.yaml"
expect 2 "subject_lines\.yaml:10:[0-9]+: traffic\.messages\[0\]\.subject: a subject is one line of text.*remove the line breaks" -- run "$bad/subject_lines.yaml"
expect 2 "path_name\.yaml:1:7: name: '\.\./elsewhere' cannot name a results file" -- run "$bad/path_name.yaml"
expect 2 "duplicate_key\.yaml:8:5: mtas\[0\]\.processing_delay: key 'processing_delay' appears twice" -- run "$bad/duplicate_key.yaml"
expect 2 "two_documents\.yaml:5:1: a scenario file holds one YAML document, this one has 2" -- run "$bad/two_documents.yaml"
expect 2 "bad_link\.yaml:4:[0-9]+: links\[0\]\.latency: a link latency of 2d is too long" -- run "$bad/bad_link.yaml"
expect 2 "zero_bandwidth\.yaml:4:[0-9]+: links\[0\]\.bandwidth: data rate '0Mbps' is zero" -- run "$bad/zero_bandwidth.yaml"
expect 2 "undefined_link_end\.yaml:4:[0-9]+: links\[0\]\.between: no host named 'c'" -- run "$bad/undefined_link_end.yaml"
expect 2 "unknown_preset\.yaml:9:12: mtas\[0\]\.retry: unknown retry preset 'posfix'.*did you mean 'postfix'\? use one of: postfix, exim" -- run "$bad/unknown_preset.yaml"
expect 2 "bad_exim_rule\.yaml:9:[0-9]+: mtas\[0\]\.retry\.exim: rule 2 'G,16h,1h': G needs a cutoff, a starting interval and a factor" -- validate "$bad/bad_exim_rule.yaml"
expect 2 "zero_retry\.yaml:6:[0-9]+: defaults\.retry\.fixed: this duration must be positive" -- run "$bad/zero_retry.yaml"
expect 2 "small_factor\.yaml:9:[0-9]+: mtas\[0\]\.retry\.exponential\.factor: a factor of 0\.5 does not make the gaps grow" -- run "$bad/small_factor.yaml"
expect 2 "bad_version\.yaml:1:10: version: unknown scenario format version '2'.*hint: this mailsim reads version 1" -- validate "$bad/bad_version.yaml"
expect 2 "mx_no_host\.yaml:6:33: dns\.mx\.b\.example\[1\]: MX host 'backup\.b\.example' resolves to no host.*hint: give an MTA hostname: backup\.b\.example, or map it to a host under dns\.addresses" -- run "$bad/mx_no_host.yaml"
expect 2 "transport_no_host\.yaml:7:28: mtas\[0\]\.transport\.b\.example: transport next hop 'mail\.b\.example' resolves to no host.*hint: give an MTA hostname" -- run "$bad/transport_no_host.yaml"
expect 2 "client_no_submission\.yaml:7:52: clients\[0\]\.mta: MTA 'isp' has no submission service on port 587.*hint: give it auth_users and receive: \{submission: true\}" -- run "$bad/client_no_submission.yaml"
expect 2 "client_auth_no_password\.yaml:8:63: clients\[0\]\.auth: AUTH needs credentials, and this has no password.*hint: write auth: \{user: bob, password: secret\}" -- run "$bad/client_auth_no_password.yaml"
expect 2 "missing_unit\.yaml:4:51: links\[0\]\.latency: duration '5' has no unit.*hint: write a number followed by one of" -- run "$bad/missing_unit.yaml"
expect 2 "negative_duration\.yaml:5:54: faults\[0\]\.duration: duration '-30m' is negative.*hint: write a number" -- run "$bad/negative_duration.yaml"
expect 2 "duplicate_mta\.yaml:5:12: mtas\[1\]\.name: MTA 'relay' is defined twice.*hint: give each MTA its own name" -- run "$bad/duplicate_mta.yaml"
expect 2 "repeat_missing_key\.yaml:8:13: mtas\[0\]\{i=1\}: an MTA needs hostname.*hint: for example" -- run "$bad/repeat_missing_key.yaml"
expect 2 "repeat_same_name\.yaml:4:44: hosts\[1\]\{i=2\}\.name: host 'dept' is defined twice.*hint: give each host its own name; in a repeat, put the variable in it" -- run "$bad/repeat_same_name.yaml"
expect 2 "dns_down_target\.yaml:5:5: faults\[0\]: a dns_down fault .* takes no target.*hint: write \{type: dns_down" -- run "$bad/dns_down_target.yaml"
expect 2 "random_fault\.yaml:5:5: faults\[0\]: a random fault needs both mtbf and mttr.*hint: for example" -- run "$bad/random_fault.yaml"
expect 2 "duplicate_hostname\.yaml:5:34: mtas\[1\]\.hostname: MTA 'a' already has hostname 'mail\.example\.com'.*hint: give each MTA its own DNS name" -- run "$bad/duplicate_hostname.yaml"
expect 2 "--seed: '-1' is not a seed" -- run "$bad/../../../scenarios/university.yaml" --seed -1
expect 2 "--record: unknown record level|--record: .*everything" -- run "$bad/../../../scenarios/university.yaml" --record everything
expect 2 "--queue-sample-interval: the queue sample interval must be positive" -- run "$bad/../../../scenarios/university.yaml" --queue-sample-interval 0s
expect 2 "--queue-sample-interval: unknown unit" -- run "$bad/../../../scenarios/university.yaml" --queue-sample-interval 3parsecs

# An output path that holds something else is never overwritten.
cp "$bad/../../../scenarios/university.yaml" mine.yaml
expect 2 "mine\.yaml: the output file exists and is not a mailsim results database" -- run mine.yaml -o mine.yaml
grep -q '^name: university' mine.yaml || { echo "FAIL: the scenario was overwritten" >&2; failures=$((failures + 1)); }
mkdir out.d
expect 2 "out\.d: the output path is a folder" -- run mine.yaml -o out.d
# A database that is not ours, even with a table called run, is refused by the readers.
sqlite3 foreign.sqlite "CREATE TABLE run(x); INSERT INTO run VALUES (1);"
expect 2 "foreign\.sqlite: not a mailsim results database" -- report foreign.sqlite
expect 2 "foreign\.sqlite: not a mailsim results database" -- trace foreign.sqlite 1
rm -f foreign.sqlite
echo "bad-input cases failed: $failures"
[ "$failures" -eq 0 ]
