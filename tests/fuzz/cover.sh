#!/bin/sh
# tests/fuzz/cover.sh BUILD: every example policy is fuzzed. fuzz_eval, fuzz_json and
# fuzz_state pick their policy among the examples they compile at start-up (the first
# input byte, modulo their number; fuzz/common.c). Each must hold every directory of
# policies/, in sorted order, the order fuzz/seeds.sh and fuzz/state_seeds.sh write
# selector bytes in: before, the targets kept the first 8 and adding agent_alerts
# silently dropped operations. Then fuzz_eval runs each example's own stream once (two
# VMs, byte-identical decisions and traces), so each is evaluated through the target.
b=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
k=0
for p in $(ls -d policies/*/ | LC_ALL=C sort); do
  echo "$k $(basename "$p")"
  k=$((k + 1))
done >"$tmp/want"
for t in eval json state; do
  if ! "$b/tests/fuzz_${t}_replay" --list >"$tmp/$t" 2>"$tmp/$t.err"; then
    echo "not ok - fuzz_$t compiles every example policy"
    sed 's/^/# /' "$tmp/$t.err" | head -5
    fail=1
  elif cmp -s "$tmp/want" "$tmp/$t"; then
    echo "ok - fuzz_$t covers all $k example policies"
  else
    echo "not ok - fuzz_$t covers all $k example policies"
    diff "$tmp/want" "$tmp/$t" | sed 's/^/# /' | head -20
    fail=1
  fi
done
mkdir "$tmp/eval.in"
while read -r i n; do
  input=policies/$n/records.jsonl
  [ -f "policies/$n/events.jsonl" ] && input=policies/$n/events.jsonl
  { printf "\\$(printf '%03o' "$i")"; cat "$input"; } >"$tmp/eval.in/$n"
  if "$b/tests/fuzz_eval_replay" "$tmp/eval.in/$n" >"$tmp/out" 2>&1; then
    echo "ok - fuzz_eval runs $input"
  else
    echo "not ok - fuzz_eval runs $input"
    sed 's/^/# /' "$tmp/out" | tail -5
    fail=1
  fi
done <"$tmp/want"
exit $fail
