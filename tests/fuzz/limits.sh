#!/bin/sh
# tests/fuzz/limits.sh GOVC: limits at the edge and one past it, and 100,000-deep inputs
# that must fail cleanly (E010, never a crash) with an 8 MB and with a 256 KB stack.
# Bytecode limits here too (the verifier's side: tests/vm/unit.c test_edges).
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
# Bytecode limits (spec/bytecode.md): 65,536 constants and limits (all Bx reaches), 256
# registers per record kind. At the limit the program builds, verifies when `govc run`
# loads it, and decides RECORD as VERDICT; one past it, `govc build` says E091.
built() {
  if ! "$G" build -o "$tmp/e.govb" "$2" >"$tmp/out" 2>&1; then
    echo "not ok - $1"; grep -m3 error "$tmp/out" | sed 's/^/# /'; return; fi
  "$G" disasm "$tmp/e.govb" >"$tmp/dis" 2>&1
  printf '%s\n' "$3" >"$tmp/rec.jsonl"
  v=$("$G" run -p "$tmp/e.govb" "$tmp/rec.jsonl" 2>&1 | sed -n 's/.*"verdict":\([^,]*\).*/\1/p')
  if [ "$v" = "$4" ] && grep -q "$5" "$tmp/dis"; then echo "ok - $1"; else
    echo "not ok - $1"; echo "# verdict '$v' (want '$4'); disasm has '$5': $(grep -c "$5" "$tmp/dis")"; fi
}
refused() {
  "$G" build -o "$tmp/e.govb" "$2" >"$tmp/out" 2>&1; rc=$?
  got=$(grep -o 'error\[E[0-9]*\].*' "$tmp/out" | sort -u)
  if [ $rc -eq 1 ] && [ "$(echo "$got" | grep -o 'E[0-9]*' | sort -u)" = E091 ] && echo "$got" | grep -q "$3"; then
    echo "ok - $1"; else echo "not ok - $1"; echo "# exit $rc: $got" | head -3; fi
}
rec='{"at":"2026-01-01T00:00:00Z","tokens":65534,"a":1}'
# constants: K0 is the built-in fields' default ""; a list of n distinct ints adds n more
for n in 65535 65536; do python3 -c "import sys; n = int(sys.argv[1])
print('policy p\nrecord run { tokens: int }\nrule r { when run.tokens in [' + ', '.join(map(str, range(n))) + '] }')" $n >"$tmp/k$n.gov"; done
built "65,536 constants: builds, verifies, runs" "$tmp/k65535.gov" "$rec" '"warn"' '^constants 65536$'
refused "65,537 constants: E091" "$tmp/k65536.gov" 'more than 65536 distinct constants'
# limits: l0..l(n-1), the rule reads the last (Bx = n-1); every default is 1
for n in 65536 65537; do python3 -c "import sys; n = int(sys.argv[1])
print('policy p\nrecord run { tokens: int }\n' + ''.join('max l%d = 1\n' % i for i in range(n)) + 'rule r { when run.tokens > l%d }' % (n - 1))" $n >"$tmp/l$n.gov"; done
built "65,536 limits: builds, verifies, runs" "$tmp/l65536.gov" "$rec" '"warn"' '^limits 65536$'
refused "65,537 limits: E091" "$tmp/l65537.gov" 'more than 65536 limits'
# limit defaults are constants too: 65,536 distinct ones and "" make 65,537
python3 -c "print('policy p\nrecord run { tokens: int }\n' + ''.join('max l%d = %d\n' % (i, i) for i in range(65536)) + 'rule r { when run.tokens > l1 }')" >"$tmp/ld.gov"
refused "65,536 distinct limit defaults and \"\": 65,537 constants, E091" "$tmp/ld.gov" 'more than 65536 distinct constants'
# registers: 6 built-in fields + 250 declared = 256 (the rule needs no temporary)
for n in 250 251; do python3 -c "import sys; n = int(sys.argv[1])
print('policy p\nrecord run {\n' + ''.join(' f%d: int = 0\n' % i for i in range(n - 1)) + ' tokens: int\n}\nrule r { when run.tokens > 1 }')" $n >"$tmp/f$n.gov"; done
built "256 registers of fields: builds, verifies, runs" "$tmp/f250.gov" "$rec" '"warn"' 'kind run fields 256 registers 256 '
refused "257 registers of fields: E091" "$tmp/f251.gov" "record 'run' has 257 fields"
# registers: 8 fields and a right-nested sum of 247 levels: 8 + 248 temporaries = 256
for d in 247 248; do python3 -c "import sys; e = 'run.a * 2'
for i in range(int(sys.argv[1])): e = 'run.a * 2 + (' + e + ')'
print('policy p\nrecord run { tokens: int\n a: int }\nrule r { when ' + e + ' > 5 }')" $d >"$tmp/t$d.gov"; done
built "256 registers of temporaries: builds, verifies, runs" "$tmp/t247.gov" "$rec" '"warn"' 'kind run fields 8 registers 256 '
refused "257 registers of temporaries: E091" "$tmp/t248.gov" 'more than 248 registers'
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
