#!/bin/sh
# tests/fuzz/robust.sh BUILD [POLICY | rest]: the .govb mutation sweep and the
# out-of-memory loop over every example policy, and a short differential run
# (tests/fuzz/robust.c). With POLICY (a folder name under policies/), only that policy's
# sweep and loop; with `rest`, only the regression arenas and the differential run.
# make test runs one suite per policy, so the sweeps, the longest work of make san,
# spread over the runner's job slots.
b=$1 only=${2:-}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# A run that dies (a signal, an abort) prints no line of its own: say so, or the case
# would vanish from the count (the latency_p95 sweep did, unnoticed, for a session).
run() { "$@"; rc=$?; [ $rc -le 1 ] || echo "not ok - $2 $3: exited with status $rc"; }
if [ -n "$only" ] && [ "$only" != rest ] && [ ! -d "policies/$only" ]; then
  echo "not ok - robust.sh: no policy '$only' under policies/"
  exit 1
fi
if [ "$only" != rest ]; then
  for p in policies/*/; do
    n=$(basename "$p")
    [ -z "$only" ] || [ "$n" = "$only" ] || continue
    if "$b/govc" build -o "$tmp/$n.govb" "$p" >/dev/null 2>&1; then
      run "$b/tests/fuzz_robust" sweep "$tmp/$n.govb" "$p/records.jsonl"
    else
      echo "not ok - sweep $n: govc build failed"
    fi
    run "$b/tests/fuzz_robust" oom "$p"
  done
fi
if [ -z "$only" ] || [ "$only" = rest ]; then
  for f in tests/fuzz/regress/*.govb; do run "$b/tests/fuzz_robust" arena "$f"; done
  TMPDIR=$tmp run "$b/tests/fuzz_robust" diff 400 1
fi
