#!/bin/sh
# tests/compiler/input_edges.sh: the edges of what govc reads (issue 18.6).
#   Records: a 300 MB line is refused in bounded memory (peak RSS measured with
#   /usr/bin/time) and the run goes on; blank lines of spaces and tabs are skipped like
#   empty ones; CR-only and CRLF line ends and a byte order mark read as LF lines do,
#   also over many read blocks; a decision is out before govc waits for more input.
#   Sources: a byte order mark is skipped; a lone CR is E012, said so; an import or a
#   path that is a device or a FIFO is refused at once, as what it is.
#   State: a file that is not a state says so, in a state file's terms.
#   Memory: govc check of a 35 MB source peaks at no more than 10x its size.
GOVC=${GOVC:-build/govc}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - input edges: $1"; }
notok() { echo "not ok - input edges: $1"; fails=$((fails + 1)); [ -s "$tmp/why" ] && sed 's/^/# /' "$tmp/why" | head -10; : >"$tmp/why"; }
: >"$tmp/why"
command -v /usr/bin/time >/dev/null || { echo "not ok - input edges: /usr/bin/time is missing (TEST_DEB_PKGS += time in tests/tests.mk; make test-deps installs it)"; exit 1; }
"$GOVC" build -o "$tmp/s.govb" policies/support >/dev/null 2>&1 || { echo "not ok - input edges: build"; exit 1; }
grep '"at"' policies/support/records.jsonl | head -n 3 >"$tmp/r.jsonl"
"$GOVC" run -p "$tmp/s.govb" "$tmp/r.jsonl" >"$tmp/want" 2>/dev/null
status() { sed 's/.*"line":\([0-9]*\).*"status":"\([a-z]*\)".*/\1 \2/' "$1"; }

# 300 MB on one line, then the three records.
{ printf '{"x":"'; head -c 300000000 /dev/zero | tr '\0' a; printf '"}\n'; cat "$tmp/r.jsonl"; } |
  /usr/bin/time -f %M -o "$tmp/rss" "$GOVC" run -p "$tmp/s.govb" >"$tmp/out" 2>"$tmp/why"
kb=$(tail -n 1 "$tmp/rss")
[ "$kb" -lt 65536 ] && ok "a 300 MB line costs ${kb} KB of peak RSS (< 64 MB)" ||
  notok "a 300 MB line costs ${kb} KB of peak RSS (< 64 MB)"
head -n 1 "$tmp/out" | grep -q '"code":"GOV_ECAP","message":"line longer than the line length limit (65536 bytes)"' &&
  ok "the long line is a GOV_ECAP decision" || { head -c 300 "$tmp/out" >"$tmp/why"; notok "the long line is a GOV_ECAP decision"; }
[ "$(tail -n +2 "$tmp/out" | sed 's/"line":[0-9]*/"line":N/')" = "$(sed 's/"line":[0-9]*/"line":N/' "$tmp/want")" ] &&
  ok "the records after it are evaluated" || notok "the records after it are evaluated"

# Blank lines: empty, spaces, tabs, a CR alone before LF: skipped, counted in line numbers.
{ echo; printf '   \t \n'; sed -n 1p "$tmp/r.jsonl"; printf '\t\n'; sed -n 2,3p "$tmp/r.jsonl"; } >"$tmp/blank.jsonl"
"$GOVC" run -p "$tmp/s.govb" "$tmp/blank.jsonl" >"$tmp/out" 2>"$tmp/why"; rc=$?
[ "$(status "$tmp/out" | tr '\n' ' ')" = "3 ok 5 ok 6 ok " ] && [ $rc -le 1 ] && ok "blank lines are skipped" ||
  { status "$tmp/out" >"$tmp/why"; notok "blank lines are skipped"; }

# Line ends: CR alone, CRLF, and a byte order mark first.
tr '\n' '\r' <"$tmp/r.jsonl" >"$tmp/cr.jsonl"
sed 's/$/\r/' "$tmp/r.jsonl" >"$tmp/crlf.jsonl"
{ printf '\357\273\277'; cat "$tmp/r.jsonl"; } >"$tmp/bom.jsonl"
for f in cr crlf bom; do
  "$GOVC" run -p "$tmp/s.govb" "$tmp/$f.jsonl" >"$tmp/out" 2>"$tmp/why"
  cmp -s "$tmp/out" "$tmp/want" && ok "$f line ends read as LF lines" || { diff "$tmp/want" "$tmp/out" >"$tmp/why"; notok "$f line ends read as LF lines"; }
done
# Lines that arrive through a pipe in pieces (govc reads what is there, in blocks): split
# inside the byte order mark, between a CR and its LF, and inside a record.
/usr/bin/python3 - "$tmp/r.jsonl" >"$tmp/pieces.py" <<'PY'
import sys
recs = open(sys.argv[1], "rb").read().split(b"\n")[:3]
data = b"\xef\xbb\xbf" + recs[0] + b"\r\n" + recs[1] + b"\r" + recs[2] + b"\r\n"
cuts = [1, 3, 3 + len(recs[0]) + 1, 3 + len(recs[0]) + 2 + 7, len(data) - 1]
print(repr(data), repr(cuts))
PY
/usr/bin/python3 -c '
import os, sys, time, ast
data, cuts = [ast.literal_eval(x) for x in open(sys.argv[1]).read().split("\n", 1)[0].split(" ", 1)]
at = 0
for c in cuts + [len(data)]:
    os.write(1, data[at:c]); at = c; time.sleep(0.05)
' "$tmp/pieces.py" 2>"$tmp/why" | "$GOVC" run -p "$tmp/s.govb" >"$tmp/out" 2>>"$tmp/why"
cmp -s "$tmp/out" "$tmp/want" && ok "lines that arrive in pieces (a BOM, CR|LF, a record split) read whole" ||
  { diff "$tmp/want" "$tmp/out" >>"$tmp/why"; notok "lines that arrive in pieces (a BOM, CR|LF, a record split) read whole"; }
# Many lines across the reader's 64 KiB blocks, with every line end (LF, CRLF, a lone CR,
# and the three mixed line by line), lengths varied so lines straddle block ends at every
# offset: the same decisions as the LF lines (govc run hands a line out where it lies in
# its block, and copies it only when it does not lie whole there or ends at a lone CR).
/usr/bin/python3 - "$tmp/r.jsonl" "$tmp" <<'PY'
import sys
recs = [l for l in open(sys.argv[1], "rb").read().split(b"\n") if l]
lines = [recs[i % len(recs)] + b" " * (i % 37) for i in range(3000)]
ends = {"lf": [b"\n"], "crlf": [b"\r\n"], "cr": [b"\r"], "mixed": [b"\n", b"\r\n", b"\r", b"\n", b"\n"]}
for name, e in ends.items():
    with open(f"{sys.argv[2]}/many_{name}.jsonl", "wb") as f:
        f.write(b"".join(l + e[i % len(e)] for i, l in enumerate(lines)))
PY
"$GOVC" run -p "$tmp/s.govb" "$tmp/many_lf.jsonl" >"$tmp/many_want" 2>/dev/null
for f in crlf cr mixed; do
  "$GOVC" run -p "$tmp/s.govb" "$tmp/many_$f.jsonl" >"$tmp/out" 2>"$tmp/why"
  [ "$(wc -l <"$tmp/out")" -eq 3000 ] && cmp -s "$tmp/out" "$tmp/many_want" &&
    ok "3,000 lines ending $f across read blocks read as LF lines" ||
    { diff "$tmp/many_want" "$tmp/out" | head -5 >>"$tmp/why"; notok "3,000 lines ending $f across read blocks read as LF lines"; }
done
# A line's decision is written as soon as the line is in, before govc waits for the next
# one (through a pipe, stdio used to hold it until 4 KiB were buffered or input ended).
/usr/bin/python3 - "$GOVC" "$tmp/s.govb" "$tmp/r.jsonl" >"$tmp/why" 2>&1 <<'PY'
import select, subprocess, sys
govc, pol, recs = sys.argv[1:4]
p = subprocess.Popen([govc, "run", "-p", pol], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
p.stdin.write(open(recs, "rb").readline())
p.stdin.flush()
ready, _, _ = select.select([p.stdout], [], [], 30)
out = p.stdout.readline() if ready else b""
p.stdin.close()
p.wait(timeout=30)
print(out[:100])
sys.exit(0 if out.startswith(b'{"policy":') and b'"line":1,' in out else 1)
PY
[ $? = 0 ] && ok "a line's decision is out before govc waits for the next line" ||
  notok "a line's decision is out before govc waits for the next line"
# explain reads the first record that is not blank, the same way.
{ printf '\357\273\277  \r\n'; sed -n 2p "$tmp/r.jsonl"; } >"$tmp/one.jsonl"
"$GOVC" explain -p "$tmp/s.govb" "$tmp/one.jsonl" >"$tmp/out" 2>"$tmp/why"; rc=$?
[ $rc = 0 ] && ok "explain skips a BOM and a blank first line" || notok "explain skips a BOM and a blank first line"

# Sources.
printf '\357\273\277policy p\nrecord run { x: int }\nrule r { when run.x > 1 oops }\n' >"$tmp/bom.gov"
"$GOVC" check "$tmp/bom.gov" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q 'bom.gov:3:25: error\[E013\]' "$tmp/err" && ! grep -q E012 "$tmp/err" &&
  ok "a source's byte order mark is skipped (positions after it)" || { cat "$tmp/err" >"$tmp/why"; notok "a source's byte order mark is skipped (positions after it)"; }
printf 'policy p\rrecord run { x: int }\r// note\rrule r { when run.x > 1 }\r' >"$tmp/cr.gov"
"$GOVC" check "$tmp/cr.gov" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "cr.gov:1:9: error\[E012\]: a carriage return not followed by a line feed" "$tmp/err" &&
  ok "a lone CR in a source is E012, said so" || { cat "$tmp/err" >"$tmp/why"; notok "a lone CR in a source is E012, said so"; }
printf 'policy p\r\nrecord run { x: int }\r\nrule r { when run.x > 1 }\r\n' >"$tmp/crlf.gov"
"$GOVC" check "$tmp/crlf.gov" 2>"$tmp/why" && ok "CRLF sources are fine" || notok "CRLF sources are fine"
printf 'policy p\nimport "/dev/zero"\nrecord run { x: int }\n' >"$tmp/imp.gov"
timeout 20 "$GOVC" check "$tmp/imp.gov" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "cannot import '/dev/zero': it is a device, not a regular file" "$tmp/err" &&
  ok "import \"/dev/zero\" is refused as a device" || { cat "$tmp/err" >"$tmp/why"; notok "import \"/dev/zero\" is refused as a device"; }
mkfifo "$tmp/fifo.gov"
timeout 20 "$GOVC" check "$tmp/fifo.gov" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "it is a pipe, not a regular file" "$tmp/err" && ok "a FIFO is refused at once" ||
  { echo "exit $rc" >>"$tmp/err"; cat "$tmp/err" >"$tmp/why"; notok "a FIFO is refused at once"; }

# Memory: govc check of a 35 MB generated policy (400,000 rules, scopes at every level)
# peaks at no more than 10 times the source (13.8x before the front end's expressions and
# declarations were sized by kind, identifiers shared and a rule's escalation kept out of
# line; 9.0x after). An ASan build's memory is ASan's: there a smaller policy must only
# check clean (its arena red zones catch a node read past its kind's size).
if grep -q __asan_init "$GOVC"; then
  sh tests/check/gen_big.sh 20000 >"$tmp/big.gov"
  size=$(wc -c <"$tmp/big.gov")
  "$GOVC" check "$tmp/big.gov" 2>"$tmp/why"; rc=$?
  [ $rc = 0 ] && ok "govc check of a $size-byte source finishes clean (an ASan build: memory not bounded)" ||
    notok "govc check of a $size-byte source (exit $rc)"
else
  sh tests/check/gen_big.sh 400000 >"$tmp/big.gov"
  size=$(wc -c <"$tmp/big.gov")
  /usr/bin/time -f %M -o "$tmp/rss" "$GOVC" check "$tmp/big.gov" 2>"$tmp/why"; rc=$?
  kb=$(tail -n 1 "$tmp/rss")
  [ $rc = 0 ] && [ $((kb * 1024)) -le $((size * 10)) ] &&
    ok "govc check of a $size-byte source peaks at $kb KB (at most 10x the source)" ||
    notok "govc check of a $size-byte source peaks at $kb KB (exit $rc; at most 10x the source is $((size * 10 / 1024)) KB)"
fi
rm -f "$tmp/big.gov"

# A state file that is not one.
echo garbage >"$tmp/state"
"$GOVC" run -p "$tmp/s.govb" --state "$tmp/state" "$tmp/r.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "state file '.*' cannot be loaded: not a gov state file" "$tmp/err" && ! grep -q govb "$tmp/err" &&
  [ "$(cat "$tmp/state")" = garbage ] && ok "a bad state file is named as one, and left as it is" ||
  { cat "$tmp/err" >"$tmp/why"; notok "a bad state file is named as one, and left as it is"; }
exit $((fails > 0))
