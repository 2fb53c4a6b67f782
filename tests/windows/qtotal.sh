#!/bin/sh
# tests/windows/qtotal.sh BUILD: a quantile time window's total over buckets of up to
# 2^32 - 1 values each (tests/windows/qtotal.c).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$B/govc" build -o "$tmp/q.govb" tests/windows/qtotal.gov >/dev/null 2>&1 || { echo "not ok - windows quantile total: build"; exit 1; }
"$B/tests/windows_qtotal" "$tmp/q.govb"
