#!/bin/sh
# tests/windows/full.sh BUILD: a time window's full bucket (tests/windows/full.c).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$B/govc" build -o "$tmp/full.govb" tests/windows/full.gov >/dev/null 2>&1 || { echo "not ok - windows full bucket: build"; exit 1; }
"$B/tests/windows_full" "$tmp/full.govb"
