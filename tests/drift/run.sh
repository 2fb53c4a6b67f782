#!/bin/sh
# tests/drift/run.sh: golden decisions and traces of drifts (spec/language.md §4.5.1,
# spec/trace.md §8): the hand cases of ref.py, eviction and late records, state saved
# in the middle of a stream (govc run --state) against the stream run whole, and
# govc diff of a drift. UPDATE=1 rewrites the goldens.
GOVC=${GOVC:-build/govc}
here=tests/drift
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/golden.sh
check() { name=$1; shift; golden "$name" "$here/golden/$name.out" "$@"; }

check hand-run "$GOVC" run -p "$here/hand.gov" "$here/hand.jsonl"
check hand-trace "$GOVC" run --trace -p "$here/hand.gov" "$here/hand.jsonl"
check evict-run "$GOVC" run -p "$here/evict.gov" "$here/evict.jsonl"
check evict-trace "$GOVC" run --trace -p "$here/evict.gov" "$here/evict.jsonl"
check evict-text "$GOVC" run --format text -p "$here/evict.gov" "$here/evict.jsonl"

# State: the first 300 records of tests/drift/records.jsonl in one run, the rest in a
# second run from the saved state; the decisions must be those of one whole run (line
# numbers restart in the second run, so compare without them).
"$GOVC" run -p "$here/ref.gov" "$here/records.jsonl" | sed 's/"line":[0-9]*,//' >"$tmp/whole"
head -n 300 "$here/records.jsonl" >"$tmp/first"
tail -n +301 "$here/records.jsonl" >"$tmp/rest"
"$GOVC" run --state "$tmp/state" -p "$here/ref.gov" "$tmp/first" | sed 's/"line":[0-9]*,//' >"$tmp/split"
"$GOVC" run --state "$tmp/state" -p "$here/ref.gov" "$tmp/rest" | sed 's/"line":[0-9]*,//' >>"$tmp/split"
if cmp -s "$tmp/whole" "$tmp/split" && [ "$(wc -l <"$tmp/whole")" -eq 600 ]; then
  echo "ok - state saved after 300 records gives the decisions of the whole stream"
else
  echo "not ok - state saved after 300 records gives the decisions of the whole stream"
  diff "$tmp/whole" "$tmp/split" | head -5 | sed 's/^/# /'
  fail=1
fi

# Extreme values and times (jumps of decades, values near the largest double, negative
# and subnormal numbers): a state saved after every line loads again, and a run from it
# gives the same decisions as a fresh VM on the same stream would after those lines.
"$GOVC" run --state "$tmp/xstate" --state-every 1 -p "$here/ref.gov" "$here/extreme.jsonl" >"$tmp/x1"
if "$GOVC" run --state "$tmp/xstate" -p "$here/ref.gov" /dev/null >/dev/null 2>"$tmp/xerr"; then
  echo "ok - a state after extreme values loads"
else
  echo "not ok - a state after extreme values loads"; sed 's/^/# /' "$tmp/xerr"; fail=1
fi
if grep -q '"value":null\|"status":"ok"' "$tmp/x1" && ! grep -q 'NaN\|Infinity\|inf' "$tmp/x1"; then
  echo "ok - extreme values give finite statistics"
else
  echo "not ok - extreme values give finite statistics"; fail=1
fi

sed 's/test mean_shift > 2/test mean_shift > 3/; s/min_samples 2/min_samples 3/; s/capacity 2/capacity 4/' \
  "$here/evict.gov" >"$tmp/evict_new.gov"
check diff "$GOVC" diff "$here/evict.gov" "$tmp/evict_new.gov"
exit $fail
