#!/bin/sh
# tests/drift/bins.sh BUILD: a drift's bin counts past 2^32 values (tests/drift/bins.c).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$B/govc" build -o "$tmp/bins.govb" tests/drift/bins.gov >/dev/null 2>&1 || { echo "not ok - drift bins: build"; exit 1; }
"$B/tests/drift_bins" "$tmp/bins.govb"
