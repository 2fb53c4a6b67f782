#!/bin/sh
# tests/windows/arena.sh: the memory of per-key windows (issue 19). The benchmark's
# policy of 50 rules and ten windows per agent, capacity 4,096 (tests/bench/gen.py), must
# build with an arena (`govc build --stats`) of at most 16 MB (16,000,000 bytes), the
# issue's goal: 86,570,768 bytes before the windows' state was laid out per key, then
# 38,959,312 until the windows of a key block shared their clocks, bucket counts and
# rings, and buckets kept 32-bit counts and 96-bit sums (spec/language.md 4.5 "Memory").
GOVC=${GOVC:-build/govc}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - windows arena: $1"; }
notok() { echo "not ok - windows arena: $1"; fails=$((fails + 1)); }
bound=16000000

/usr/bin/python3 tests/bench/gen.py policy 50 --windows "$tmp/w.gov" || { notok "generate the policy"; exit 1; }
grep -c '^window .* per agent capacity 4096$' "$tmp/w.gov" | grep -qx 10 && ok "ten windows per agent, capacity 4096" ||
  notok "ten windows per agent, capacity 4096"
"$GOVC" build --stats -o "$tmp/w.govb" "$tmp/w.gov" >"$tmp/stats" 2>&1 || { notok "build"; sed 's/^/# /' "$tmp/stats"; exit 1; }
arena=$(sed -n 's/^ *arena: *\([0-9]*\) bytes.*/\1/p' "$tmp/stats")
if [ -n "$arena" ] && [ "$arena" -le "$bound" ]; then
  ok "4,096 agents x 10 windows: arena $arena <= $bound bytes"
else
  notok "4,096 agents x 10 windows: arena '$arena' > $bound bytes"
fi

# The same windows without `per`: one instance each, a few KiB (the bound is per key).
sed 's/ per agent capacity 4096$//' "$tmp/w.gov" >"$tmp/one.gov"
"$GOVC" build --stats -o "$tmp/one.govb" "$tmp/one.gov" >"$tmp/stats1" 2>&1 || { notok "build without per"; exit 1; }
one=$(sed -n 's/^ *arena: *\([0-9]*\) bytes.*/\1/p' "$tmp/stats1")
perkey=$(( (arena - one) / 4096 ))
[ "$perkey" -le 3840 ] && ok "one agent's ten windows and key: $perkey <= 3840 bytes" ||
  notok "one agent's ten windows and key: $perkey > 3840 bytes"
[ $fails = 0 ]
