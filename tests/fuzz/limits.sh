#!/bin/sh
# tests/fuzz/limits.sh GOVC: limits at the edge and one past it, and 100,000-deep inputs
# that must fail cleanly (E010, never a crash) with an 8 MB and with a 256 KB stack.
# (Jump length, time range: tests/fuzz/regress/; JSON record caps: tests/vm/unit.c.)
G=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
hdr='policy p
record run { tokens: int
 error: bool }'
rep() { python3 -c "import sys; sys.stdout.write(sys.argv[1] * int(sys.argv[2]))" "$1" "$2"; }
# expect NAME CODE|ok FILE: govc check reports CODE (or nothing with ok), exit status sane
expect() {
  "$G" check "$3" >"$tmp/out" 2>&1; rc=$?
  got=$(grep -o 'error\[E[0-9]*\]' "$tmp/out" | sort -u | tr -d '\n')
  if [ "$2" = ok ]; then want=""; else want="error[$2]"; fi
  if [ "$got" = "$want" ] && [ $rc -le 1 ]; then echo "ok - $1"; else
    echo "not ok - $1"; echo "# want '$want', got '$got' (exit $rc)"; head -3 "$tmp/out" | sed 's/^/# /'; fi
}
# brackets: the rule's { is one level, so 255 parentheses reach 256
for n in 255 256; do { echo "$hdr"; echo "rule r { when run.tokens > $(rep '(' $n)1$(rep ')' $n) }"; } >"$tmp/b$n.gov"; done
expect "256 levels of brackets" ok "$tmp/b255.gov"
expect "257 levels of brackets: E010" E010 "$tmp/b256.gov"
# expression height: 254 'not' over run.error (height 2) is 256
for n in 254 255; do { echo "$hdr"; echo "rule r { when $(rep 'not ' $n)run.error }"; } >"$tmp/n$n.gov"; done
expect "expression height 256" ok "$tmp/n254.gov"
expect "expression height 257: E010" E010 "$tmp/n255.gov"
# identifiers 128 / 129 bytes, strings 4096 / 4097 bytes
for n in 128 129; do { echo "$hdr"; echo "max $(rep a $n) = 1"; echo "rule r { when run.tokens > $(rep a $n) }"; } >"$tmp/i$n.gov"; done
expect "identifier of 128 bytes" ok "$tmp/i128.gov"
expect "identifier of 129 bytes: E007" E007 "$tmp/i129.gov"
for n in 4096 4097; do { echo "$hdr"; echo "channel c = slack \"$(rep s $n)\""; echo "rule r { when run.error notify c }"; } >"$tmp/s$n.gov"; done
expect "string of 4096 bytes" ok "$tmp/s4096.gov"
expect "string of 4097 bytes: E007" E007 "$tmp/s4097.gov"
# capacities and window sizes: 1<<20 and one past
for n in 1048576 1048577; do { echo "$hdr"; echo "window w = count(run.error) over last $n runs"; echo "rule r { when w > 3 }"; } >"$tmp/w$n.gov"; done
expect "window of 1048576 runs" ok "$tmp/w1048576.gov"
expect "window of 1048577 runs: E044" E044 "$tmp/w1048577.gov"
# 100,000-deep inputs of every recursive shape, under two stack sizes
{ echo "$hdr"; echo "rule r { when $(rep '(' 100000)run.error$(rep ')' 100000) }"; } >"$tmp/d1.gov"
{ echo "$hdr"; echo "rule r { when $(rep 'not ' 100000)run.error }"; } >"$tmp/d2.gov"
{ echo "$hdr"; echo "max l = $(rep '- ' 100000)1"; } >"$tmp/d3.gov"
{ echo "$hdr"; echo "rule r { when $(rep 'if true then ' 100000)run.error$(rep ' else false' 100000) }"; } >"$tmp/d4.gov"
{ echo "$hdr"; echo "max l = 1"; rep 'scope agent "a" { ' 100000; rep '} ' 100000; echo; } >"$tmp/d5.gov"
{ echo "$hdr"; echo "rule r { when run.tokens in [$(rep '[' 100000)1$(rep ']' 100000)] }"; } >"$tmp/d6.gov"
{ echo "$hdr"; echo "rule r { when run.error $(rep 'and run.error ' 100000) }"; } >"$tmp/d7.gov"
for stack in 8192 256; do
  for d in 1 2 3 4 5 6 7; do
    ( ulimit -s $stack; "$G" check "$tmp/d$d.gov" ) >"$tmp/out" 2>&1; rc=$?
    if [ $rc -eq 1 ] && grep -q 'error\[E010\]' "$tmp/out"; then echo "ok - 100,000-deep input $d with a ${stack} KB stack: E010"
    else echo "not ok - 100,000-deep input $d with a ${stack} KB stack"; echo "# exit $rc"; head -3 "$tmp/out" | sed 's/^/# /'; fi
  done
done
