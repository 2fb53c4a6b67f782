#!/bin/sh
# tests/api/badargs.sh BUILD: every function libgov.so and libgovc.so export, called with
# each bad argument (tests/api/badargs.c). The names come from the shared libraries
# themselves, so an export without its bad-argument cases fails the suite.
B=${1:-build}
if ! command -v nm >/dev/null 2>&1; then
  echo "skip - badargs: nm (binutils) is not installed"
  exit 0
fi
names=$(for l in "$B/libgov.so" "$B/libgovc.so"; do nm -D --defined-only "$l" || echo "NM-FAILED"; done |
  awk '$2 == "T" { print $3 } /NM-FAILED/ { print }' | sort -u)
case $names in
  *NM-FAILED*) echo "not ok - badargs: nm cannot read $B/libgov.so or $B/libgovc.so"; exit 1 ;;
esac
echo "$names" | "$B/tests/api_badargs"
