#!/bin/sh
# tests/fuzz/state.sh BUILD: fuzz_state without libFuzzer. The seed states of every
# example policy (fuzz/state_seeds.sh), each with every single-bit flip and every
# truncation, raw and repaired; then the regression corpus tests/fuzz/state/ (inputs
# the fuzzer kept, crashes it found). The target aborts on a broken property.
b=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
sh fuzz/state_seeds.sh "$b/govc" "$tmp/seeds" || { echo "not ok - state seeds"; exit 1; }
"$b/tests/fuzz_state_replay" --sweep "$tmp/seeds" tests/fuzz/state
