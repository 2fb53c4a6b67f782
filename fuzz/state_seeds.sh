#!/bin/sh
# fuzz/state_seeds.sh GOVC OUT: seed states for fuzz_state, one file per state: the
# target's selector byte (the policy's index among policies/ sorted by name, with the
# high bit set for "repair" mode in a second copy), then a state file that `govc run
# --state` saved after each prefix of the policy's event stream (pending gates and
# running escalations at every stage), or after its records when it has no events.
set -eu
govc=$1; out=$2
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k=0
for p in $(ls -d policies/*/ | LC_ALL=C sort); do
  n=$(basename "$p")
  "$govc" build -o "$tmp/$n.govb" "$p" >/dev/null 2>&1 || { k=$((k + 1)); continue; }
  input=$p/records.jsonl
  [ -f "$p/events.jsonl" ] && input=$p/events.jsonl
  lines=$(wc -l <"$input")
  j=1
  while [ "$j" -le "$lines" ]; do
    rm -f "$tmp/state"
    head -n "$j" "$input" >"$tmp/in.jsonl"
    "$govc" run -p "$tmp/$n.govb" --state "$tmp/state" "$tmp/in.jsonl" >/dev/null 2>&1 || true
    if [ -f "$tmp/state" ]; then
      { printf "\\$(printf '%03o' "$k")"; cat "$tmp/state"; } >"$out/$n-$j"
      { printf "\\$(printf '%03o' $((k + 128)))"; cat "$tmp/state"; } >"$out/$n-$j-r"
    fi
    j=$((j + 1))
  done
  k=$((k + 1))
done
