#!/bin/sh
# tests/windows/arena.sh: the memory of per-key windows (issue 19). The benchmark's
# policy of 50 rules and ten windows per agent, capacity 4,096 (tests/bench/gen.py), must
# build with an arena (`govc build --stats`) within the bound below: 86,570,768 bytes
# before the windows' state was laid out per key (a header of 144 bytes per window, every
# bool ring 8 bytes a value, buckets of 64 bytes whatever the aggregate). The goal
# is 16 MiB; this bound is what the layout of spec/language.md 4.5 "Memory" gives, and a
# change that grows it fails here.
GOVC=${GOVC:-build/govc}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - windows arena: $1"; }
notok() { echo "not ok - windows arena: $1"; fails=$((fails + 1)); }
bound=$((40 * 1024 * 1024))

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
[ "$perkey" -le 10240 ] && ok "one agent's ten windows and key: $perkey <= 10240 bytes" ||
  notok "one agent's ten windows and key: $perkey > 10240 bytes"
[ $fails = 0 ]
