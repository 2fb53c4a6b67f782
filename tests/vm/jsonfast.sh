#!/bin/sh
# tests/vm/jsonfast.sh BUILD: the one-pass record decoder decides every line as the full
# path does (tests/vm/jsonfast.c), over each example policy's records and events and
# their variants; every record line of the examples takes the one-pass path.
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
[ "$fails" -eq 0 ]
