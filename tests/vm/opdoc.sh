#!/bin/sh
# opdoc.sh [--update]: check that spec/bytecode.md's opcode table is exactly what
# tests/vm/opdoc.awk generates from vm/gov_opcodes.h (so the spec cannot drift), or with
# --update rewrite the table between its markers.
spec=spec/bytecode.md
begin='<!-- BEGIN OPCODES: generated from vm/gov_opcodes.h by tests/vm/opdoc.awk; do not edit -->'
end='<!-- END OPCODES -->'
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
awk -f tests/vm/opdoc.awk vm/gov_opcodes.h > "$tmp/gen"
if [ "$1" = "--update" ]; then
  awk -v b="$begin" -v e="$end" -v gen="$tmp/gen" '
    $0 == b { print; while ((getline l < gen) > 0) print l; skip = 1; next }
    $0 == e { skip = 0 }
    !skip { print }' "$spec" > "$tmp/new" && cp "$tmp/new" "$spec"
  exit 0
fi
awk -v b="$begin" -v e="$end" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$spec" > "$tmp/have"
if [ -s "$tmp/have" ] && cmp -s "$tmp/gen" "$tmp/have"; then
  echo "ok - spec/bytecode.md opcode table matches vm/gov_opcodes.h"
else
  echo "not ok - spec/bytecode.md opcode table matches vm/gov_opcodes.h"
  diff "$tmp/gen" "$tmp/have" | sed 's/^/#   /' | head -40
  echo "#   (run: sh tests/vm/opdoc.sh --update)"
  exit 1
fi
