#!/bin/sh
# tests/vm/jsonfast.sh BUILD: the one-pass record decoder decides every line as the full
# path does (tests/vm/jsonfast.c), over each example policy's records and events and
# their variants, and over the 50-rule bench policy; every record line the full path
# decodes takes the one-pass path.
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
for d in policies/*/; do
  name=$(basename "$d")
  if ! "$B/govc" build -o "$tmp/$name.govb" "$d" >/dev/null 2>"$tmp/err"; then
    echo "not ok - jsonfast $name: build"; cat "$tmp/err"; fails=$((fails + 1)); continue
  fi
  for f in "$d"*.jsonl; do
    [ -f "$f" ] || continue
    "$B/tests/vm_jsonfast" "$tmp/$name.govb" "$f" 1 || fails=$((fails + 1))
  done
done
# The 50-rule bench policy (tests/bench/gen.py): ten findings on one field in a record.
if /usr/bin/python3 tests/bench/gen.py policy 50 "$tmp/r50.gov" >/dev/null &&
   /usr/bin/python3 tests/bench/gen.py records 400 11 "$tmp/r50.jsonl" >/dev/null &&
   "$B/govc" build -o "$tmp/r50.govb" "$tmp/r50.gov" >/dev/null 2>"$tmp/err"; then
  "$B/tests/vm_jsonfast" "$tmp/r50.govb" "$tmp/r50.jsonl" 1 || fails=$((fails + 1))
else
  echo "not ok - jsonfast bench policy: generate and build"; cat "$tmp/err"; fails=$((fails + 1))
fi
# Member names at the edges of the one-pass decoder's name patterns (struct govJ_pat).
if "$B/govc" build -o "$tmp/jsonnames.govb" tests/vm/jsonnames.gov >/dev/null 2>"$tmp/err"; then
  "$B/tests/vm_jsonfast" "$tmp/jsonnames.govb" tests/vm/jsonnames.jsonl 1 || fails=$((fails + 1))
else
  echo "not ok - jsonfast jsonnames: build"; cat "$tmp/err"; fails=$((fails + 1))
fi
[ "$fails" -eq 0 ]
