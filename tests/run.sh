#!/bin/sh
# run.sh SUITE...: run each test suite and total the results.
#
# A suite is any command that prints one line per test case, "ok - NAME" or
# "not ok - NAME", optionally followed by detail lines starting with "#" (shown for
# failures). A suite that exits non-zero without reporting a failing case counts as one
# failure of its own, so a crash is never silent. The last line is "N passed, N failed".
pass=0; fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for suite in "$@"; do
  out="$tmp/out"
  sh -c "$suite" >"$out" 2>&1 </dev/null; rc=$?
  p=$(grep -c '^ok ' "$out"); f=$(grep -c '^not ok ' "$out")
  if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
    echo "== $suite (exit $rc)"
    grep -v '^ok ' "$out" | head -200
    if [ "$f" -eq 0 ]; then f=1; fi
  fi
  printf '%-40s %5d passed %4d failed\n' "$(echo "$suite" | cut -c1-40)" "$p" "$f"
  pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
