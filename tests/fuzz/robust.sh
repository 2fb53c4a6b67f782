#!/bin/sh
# tests/fuzz/robust.sh BUILD: the .govb mutation sweep and the out-of-memory loop over
# every example policy, and a short differential run (tests/fuzz/robust.c).
b=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for p in policies/*/; do
  n=$(basename "$p")
  if "$b/govc" build -o "$tmp/$n.govb" "$p" >/dev/null 2>&1; then
    "$b/tests/fuzz_robust" sweep "$tmp/$n.govb" "$p/records.jsonl"
  else
    echo "not ok - sweep $n: govc build failed"
  fi
  "$b/tests/fuzz_robust" oom "$p"
done
TMPDIR=$tmp "$b/tests/fuzz_robust" diff 400 1
