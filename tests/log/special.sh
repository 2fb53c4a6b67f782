#!/bin/sh
# tests/log/special.sh BUILD: a decision log path that is not a regular file. A FIFO
# given to `govc audit verify` made the reader's open(2) wait for a writer for ever, and
# `govc run --log FIFO|DEVICE` wrote its header into it before failing on fsync. Each is
# refused at once (exit 2), named, and nothing is written to it.
B=${1:-build}
GOVC=${GOVC:-$B/govc}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - log special: $1"; }
notok() { echo "not ok - log special: $1"; fails=$((fails + 1)); sed 's/^/#   /' "$tmp/err" 2>/dev/null | head -3; }
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }
"$GOVC" build -o "$tmp/p.govb" policies/latency_p95 >/dev/null 2>&1 || { echo "not ok - log special: build"; exit 1; }
r=policies/latency_p95/records.jsonl
mkfifo "$tmp/fifo"

timeout -s KILL 20 "$GOVC" audit verify "$tmp/fifo" >"$tmp/err" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q "'$tmp/fifo' is a FIFO (named pipe), not a regular file" "$tmp/err"
check $? "govc audit verify FIFO: refused at once, exit 2 (exit $rc)"

timeout -s KILL 20 "$GOVC" audit replay --policy "$tmp/p.govb" "$tmp/fifo" >"$tmp/err" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q "is a FIFO (named pipe), not a regular file" "$tmp/err"
check $? "govc audit replay FIFO: refused at once, exit 2 (exit $rc)"

# A reader on the FIFO's other end sees whatever a writer put there.
timeout 20 cat "$tmp/fifo" >"$tmp/got" &
reader=$!
timeout -s KILL 20 "$GOVC" run -p "$tmp/p.govb" --log "$tmp/fifo" "$r" >"$tmp/out" 2>"$tmp/err"
rc=$?
exec 3<>"$tmp/fifo"  # a writer that closes at once: the reader ends (read-write never blocks)
exec 3>&-
wait $reader
[ "$rc" = 2 ] && grep -q "'$tmp/fifo' is a FIFO (named pipe), not a regular file" "$tmp/err" && [ ! -s "$tmp/got" ] &&
  [ ! -s "$tmp/out" ]
check $? "govc run --log FIFO: refused before any decision, nothing written into it (exit $rc)"

timeout -s KILL 20 "$GOVC" run -p "$tmp/p.govb" --log /dev/null "$r" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "'/dev/null' is a character device, not a regular file" "$tmp/err" && [ ! -s "$tmp/out" ]
check $? "govc run --log /dev/null: refused before any decision (exit $rc)"

timeout -s KILL 20 "$GOVC" audit verify "$tmp" >"$tmp/err" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -qi "is a directory" "$tmp/err"
check $? "govc audit verify DIRECTORY: exit 2 (exit $rc)"
exit $((fails > 0))
