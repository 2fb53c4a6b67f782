#!/bin/sh
# symbols.sh BUILD: libgov.so exports the public gov_ API and nothing else.
B=${1:-build}
bad=$(nm -D --defined-only "$B/libgov.so" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^gov_/ { print $3 }')
if [ -z "$bad" ]; then
  echo "ok - libgov.so exports only gov_ symbols ($(nm -D --defined-only "$B/libgov.so" | grep -c ' T gov_') functions)"
else
  echo "not ok - libgov.so exports only gov_ symbols"
  echo "$bad" | sed 's/^/#   /'
  exit 1
fi
