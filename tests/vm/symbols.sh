#!/bin/sh
# symbols.sh BUILD: libgov.so exports the public gov_ API and nothing else.
B=${1:-build}
if ! command -v nm >/dev/null 2>&1; then
  echo "skip - libgov.so exports only gov_ symbols: nm (binutils) is not installed"
  exit 0
fi
if ! syms=$(nm -D --defined-only "$B/libgov.so"); then
  echo "not ok - libgov.so exports only gov_ symbols: nm cannot read $B/libgov.so"
  exit 1
fi
bad=$(echo "$syms" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^gov_/ { print $3 }')
if [ -z "$bad" ]; then
  echo "ok - libgov.so exports only gov_ symbols ($(echo "$syms" | grep -c ' T gov_') functions)"
else
  echo "not ok - libgov.so exports only gov_ symbols"
  echo "$bad" | sed 's/^/#   /'
  exit 1
fi
