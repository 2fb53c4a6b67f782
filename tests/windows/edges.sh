#!/bin/sh
# tests/windows/edges.sh BUILD: event times at the ends of int64 (tests/windows/edges.c).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$B/govc" build -o "$tmp/edges.govb" tests/windows/edges.gov >/dev/null 2>&1 || { echo "not ok - windows time edges: build"; exit 1; }
"$B/tests/windows_edges" "$tmp/edges.govb"
