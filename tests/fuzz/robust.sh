#!/bin/sh
# tests/fuzz/robust.sh BUILD: the .govb mutation sweep and the out-of-memory loop over
# every example policy, and a short differential run (tests/fuzz/robust.c).
b=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# A run that dies (a signal, an abort) prints no line of its own: say so, or the case
# would vanish from the count (the latency_p95 sweep did, unnoticed, for a session).
run() { "$@"; rc=$?; [ $rc -le 1 ] || echo "not ok - $2 $3: exited with status $rc"; }
for p in policies/*/; do
  n=$(basename "$p")
  if "$b/govc" build -o "$tmp/$n.govb" "$p" >/dev/null 2>&1; then
    run "$b/tests/fuzz_robust" sweep "$tmp/$n.govb" "$p/records.jsonl"
  else
    echo "not ok - sweep $n: govc build failed"
  fi
  run "$b/tests/fuzz_robust" oom "$p"
done
for f in tests/fuzz/regress/*.govb; do run "$b/tests/fuzz_robust" arena "$f"; done
TMPDIR=$tmp run "$b/tests/fuzz_robust" diff 400 1
