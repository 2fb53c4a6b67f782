#!/bin/sh
# tests/check/window_mem.sh: govc check's window memory estimate (E044) is what the VM
# really gives the window (issue 19). For one window of each layout (vm/window.c's
# layout(): count windows of bools, ints and floats, min/max deques, quantile heaps;
# time windows of counts, exact and float sums, standard deviations, min/max, sketches,
# a span whose bucket count is not 60; deques and heaps of each entry width), the bytes a key E044 reports at capacity 2^20
# must equal what a key adds to gov_arena_size (govc build --stats at capacities 64 and
# 128: the key's state, key table entry and hash buckets, and the scratch that checks a
# saved table).
GOVC=${GOVC:-build/govc}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
pol() { # WINDOW CAPACITY
  printf 'policy wm\n\nrecord run {\n  ok: bool = false\n  n: int = 0\n  r: ratio = 0%%\n  d: duration in ms = 0ms\n}\n\n'
  printf 'window w = %s per agent capacity %s\n' "$1" "$2"
}
arena() { # WINDOW CAPACITY
  pol "$1" "$2" >"$tmp/p.gov"
  "$GOVC" build --stats -o "$tmp/p.govb" "$tmp/p.gov" 2>/dev/null | sed -n 's/^ *arena: *\([0-9]*\) bytes.*/\1/p'
}
while IFS= read -r w; do
  pol "$w" 1048576 >"$tmp/big.gov"
  est=$("$GOVC" check "$tmp/big.gov" 2>&1 | sed -n 's/.*error\[E044\].*(1048576 keys of \([0-9]*\) bytes).*/\1/p')
  a=$(arena "$w" 64); b=$(arena "$w" 128)
  if [ -z "$est" ] || [ -z "$a" ] || [ -z "$b" ]; then
    echo "not ok - window memory: $w: no estimate ($est) or arena ($a, $b)"; fails=$((fails + 1)); continue
  fi
  real=$(( (b - a) / 64 ))
  if [ "$est" = "$real" ]; then echo "ok - window memory: $w: $est bytes a key, as the VM"
  else echo "not ok - window memory: $w: E044 estimates $est bytes a key, the VM gives $real"; fails=$((fails + 1)); fi
done <<'W'
count(run.ok) over last 4000 runs
sum(run.n) over last 100 runs
mean(run.r) over last 100 runs
stddev(run.r) over last 50 runs
min(run.d) over last 100 runs
max(run.n) over last 100 runs
p95(run.d) over last 100 runs
ewma(run.d, 0.5) over last 100 runs
count() over 1m
count() over 7s
rate(run.ok) over 1m
sum(run.n) over 1m
stddev(run.n) over 1m
mean(run.r) over 1m
min(run.d) over 30s
p95(run.d) over 1m
p50(run.r) over 7s
max(run.d) over last 300 runs
min(run.n) over last 70000 runs
p50(run.n) over last 1000 runs
p99(run.d) over last 40000 runs
count(run.ok) over 1m
ewma(run.n, 0.5) over 1m
mean(run.d) over 7s
W
[ $fails = 0 ]
