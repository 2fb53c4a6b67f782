#!/bin/sh
# tests/windows/lazy.sh BUILD: a window's value is computed when first read in a record
# (tests/windows/lazy.c).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$B/govc" build -o "$tmp/lazy.govb" tests/windows/lazy.gov >/dev/null 2>&1 || { echo "not ok - windows read lazily: build"; exit 1; }
"$B/tests/windows_lazy" "$tmp/lazy.govb"
