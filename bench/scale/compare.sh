#!/bin/sh
# Runs mailsim binaries alternately on one scenario and prints, for each, the best user+sys
# CPU time, wall time and peak RSS of N runs (on a shared machine, CPU time is the steadier
# figure; alternating keeps both under the same load).
#   bench/scale/compare.sh SCENARIO.yaml RUNS RECORD BINARY...
# e.g. bench/scale/compare.sh /tmp/scale.yaml 3 attempts old/mailsim build/sim/cli/mailsim
set -eu
scenario=$1 runs=$2 record=$3
shift 3
out=$(mktemp -d)
i=0
while [ "$i" -lt "$runs" ]; do
  n=0
  for bin in "$@"; do
    /usr/bin/time -f "%U %S %e %M" -o "$out/t" "$bin" run "$scenario" -o "$out/r.db" --force \
      --quiet --record "$record" >/dev/null
    cat "$out/t" >>"$out/b$n"
    n=$((n + 1))
  done
  i=$((i + 1))
done
n=0
for bin in "$@"; do
  sort -n -k1 "$out/b$n" | awk -v b="$bin" 'NR==1 {best=$1+$2; wall=$3; rss=$4}
    {c=$1+$2; if (c<best) best=c; if ($3<wall) wall=$3; if ($4>rss) rss=$4}
    END {printf "%-40s cpu %.2fs  wall %.2fs  peak %d MiB\n", b, best, wall, rss/1024}'
  n=$((n + 1))
done
rm -rf "$out"
