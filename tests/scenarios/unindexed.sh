#!/usr/bin/env bash
# A results database without its indexes (a run killed with -9, or one that crashed, lacks
# the late ones, which the recorder makes when a run ends; an older mailsim's had none)
# reads the same as an indexed one:
# report, report --json, check and trace give the same output. The first reader makes the
# indexes in the file, saying so in one line on stderr; a read-only copy is read through
# an indexed temporary copy and left unchanged; a run still being written is read as it
# is, without touching the file. The run is isp-scale's first 30 minutes, a few thousand
# messages.
# usage: unindexed.sh MAILSIM SCENARIOS_DIR
set -euo pipefail
mailsim=$1 scenarios=$2
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { sqlite3 -cmd ".timeout 2000" "$1" "$2"; }
made_indexes() { q "$1" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)"; }

"$mailsim" run "$scenarios/isp-scale.yaml" --until 30m --record attempts -o "$work/indexed.db" --quiet
indexes=$(made_indexes "$work/indexed.db")
[ "$(echo "$indexes" | tr ',' '\n' | wc -l)" -eq 12 ] || fail "the finished run has indexes $indexes"
messages=$(q "$work/indexed.db" "SELECT count(*) FROM message")
[ "$messages" -ge 2000 ] || fail "only $messages messages"

# The messages traced: the first, the last, the one tried most, the one with most hops, one
# still queued, and where the run has them, one bounced, one deferred without connecting,
# one with a bounce about it.
traced="1 $messages"
traced+=" $(q "$work/indexed.db" "SELECT msg_id FROM recipient WHERE status = 'bounced' ORDER BY msg_id LIMIT 1")"
traced+=" $(q "$work/indexed.db" "SELECT msg_id FROM recipient ORDER BY attempts DESC, msg_id DESC LIMIT 1")"
traced+=" $(q "$work/indexed.db" "SELECT msg_id FROM hop GROUP BY msg_id ORDER BY count(*) DESC, msg_id DESC LIMIT 1")"
traced+=" $(q "$work/indexed.db" "SELECT msg_id FROM recipient WHERE status = 'queued' ORDER BY msg_id LIMIT 1")"
traced+=" $(q "$work/indexed.db" "SELECT msg_id FROM deferral ORDER BY msg_id LIMIT 1")"
traced+=" $(q "$work/indexed.db" "SELECT about_msg_id FROM message WHERE about_msg_id IS NOT NULL ORDER BY msg_id LIMIT 1")"

# read NAME DB [AS]: every reading verb's stdout on DB into $work/NAME.out (the file's
# name replaced by DB), their stderr into $work/NAME.err; AS runs them as another user.
read_all() {
  local name=$1 db=$2 as=${3:-}
  : >"$work/$name.out"
  : >"$work/$name.err"
  run() { $as "$mailsim" "$@" 2>>"$work/$name.err" | sed "s|$db|DB|g" >>"$work/$name.out" || true; }
  run report "$db"
  run report "$db" --json
  run check "$db"
  for m in $traced; do run trace "$db" "$m"; done
}

# A run killed with -9 before its end, as an older mailsim left it: no indexes, and status
# running (the rows are the finished run's, to compare with).
cp "$work/indexed.db" "$work/bare.db"
q "$work/bare.db" "$(q "$work/bare.db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")"
for db in indexed bare; do
  q "$work/$db.db" "UPDATE run SET status = 'running', sim_end_s = NULL, finished_at = NULL"
done
[ -z "$(made_indexes "$work/bare.db")" ] || fail "the indexes were not dropped"
mkdir "$work/ro"
cp "$work/bare.db" "$work/ro/bare.db"
sum=$(sha256sum <"$work/ro/bare.db")

read_all indexed "$work/indexed.db"
[ ! -s "$work/indexed.err" ] || fail "reading the indexed file said: $(cat "$work/indexed.err")"
grep -q "run running: results are incomplete" "$work/indexed.out" || fail "no report in the output"
grep -q "^hop 1: " "$work/indexed.out" || fail "no trace in the output"
# At attempts a delivered copy's header block is not recorded, and the trace says how to get it.
grep -q "^  (header block not recorded; run with --record full)$" "$work/indexed.out" ||
  fail "no delivered copy in the traces, or one with headers at attempts"

# reads_like_indexed NAME LACKS: $work/NAME.db, short of some indexes, reads as the
# indexed file does, and its first reader makes them all, saying once that it "lacks
# LACKS".
reads_like_indexed() {
  local name=$1 lacks=$2 db=$work/$1.db
  read_all "$name" "$db"
  cmp -s "$work/indexed.out" "$work/$name.out" ||
    fail "$name.db reads otherwise: $(diff "$work/indexed.out" "$work/$name.out" | head)"
  [ "$(cat "$work/$name.err")" = "mailsim: $db lacks $lacks (its run did not end): created them, once, for this and later readers" ] ||
    fail "stderr after the first reader of $name.db: $(cat "$work/$name.err")"
  [ "$(made_indexes "$db")" = "$indexes" ] || fail "$name.db has indexes $(made_indexes "$db")"
  [ "$(q "$db" "PRAGMA integrity_check")" = ok ] || fail "$name.db is damaged"
}
reads_like_indexed bare "its indexes"

# A run killed with -9 as this build leaves it: the keys and the indexes schema.sql lists
# above its @late-indexes line, made with the database, but not the two made at the end.
live_indexes=attempt_by_msg,attempt_key,attempt_recipient_by_attempt,delivery_by_msg,hop_by_msg,message_by_about,message_key,recipient_by_status,recipient_key,transcript_key
cp "$work/indexed.db" "$work/late.db"
q "$work/late.db" "$(q "$work/late.db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND name NOT IN ('${live_indexes//,/\',\'}')")"
[ "$(made_indexes "$work/late.db")" = "$live_indexes" ] || fail "the late copy has indexes $(made_indexes "$work/late.db")"
reads_like_indexed late "2 of its indexes"

# A copy that may not be read but not written: the file's folder and the file read-only,
# read by a user other than root (root may write anyway).
chmod 444 "$work/ro/bare.db"
chmod 555 "$work/ro"
as=
if [ "$(id -u)" -eq 0 ]; then
  as="setpriv --reuid=65534 --regid=65534 --clear-groups"
  cp "$mailsim" "$work/mailsim"  # where that user can run it
  chmod 755 "$work/mailsim"
  mailsim=$work/mailsim
fi
read_all ro "$work/ro/bare.db" "$as"
cmp -s "$work/indexed.out" "$work/ro.out" ||
  fail "the read-only file reads otherwise: $(diff "$work/indexed.out" "$work/ro.out" | head)"
want="mailsim: $work/ro/bare.db lacks its indexes (its run did not end): it cannot be written here (the file is read-only), so an indexed temporary copy is read; the file is left as it is"
[ "$(sort -u "$work/ro.err")" = "$want" ] || fail "stderr on the read-only file: $(cat "$work/ro.err")"
[ "$(grep -c . "$work/ro.err")" -eq "$((3 + $(echo "$traced" | wc -w)))" ] || fail "not one line per reader"
[ "$(sha256sum <"$work/ro/bare.db")" = "$sum" ] || fail "the read-only file changed"
[ ! -e "$work/ro/bare.db-journal" ] && [ ! -e "$work/ro/bare.db-wal" ] || fail "side files next to the read-only file"
chmod 755 "$work/ro"

# A run still being written: read as it is, the file left alone, until it is killed. It has
# the indexes schema.sql lists above its @late-indexes line, made with the database.
"$mailsim" run "$scenarios/isp-scale.yaml" --until 100d -o "$work/live.db" --quiet >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do
  [ -f "$work/live.db" ] && [ "$(q "$work/live.db" "SELECT count(*) FROM message" 2>/dev/null || echo 0)" -ge 100 ] && break
  kill -0 "$pid" 2>/dev/null || fail "the live run ended early"
  sleep 0.1
done
"$mailsim" report "$work/live.db" >"$work/live.out" 2>"$work/live.err" || fail "report on the live run failed"
[ "$(cat "$work/live.err")" = "mailsim: $work/live.db lacks 2 of its indexes (its run did not end): its run is still being written, so it is read without them, which may be slow" ] ||
  fail "stderr on the live run: $(cat "$work/live.err")"
grep -q "run running: results are incomplete" "$work/live.out" || fail "no report of the live run"
[ "$(made_indexes "$work/live.db")" = "$live_indexes" ] ||
  fail "indexes made in a file still being written: $(made_indexes "$work/live.db")"
kill -KILL "$pid"
{ wait "$pid" || true; } 2>/dev/null
pid=
"$mailsim" report "$work/live.db" >/dev/null 2>"$work/killed.err"
grep -q "created them" "$work/killed.err" || fail "the killed run was not indexed: $(cat "$work/killed.err")"
[ "$(made_indexes "$work/live.db")" = "$indexes" ] || fail "the killed run has indexes $(made_indexes "$work/live.db")"
echo "unindexed databases read like indexed ones ($messages messages, traced" $traced")"
