#!/bin/sh
# tests/windows/clock.sh BUILD: time windows' buckets against a reference (tests/windows/clock.c).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$B/govc" build -o "$tmp/clock.govb" tests/windows/clock.gov >/dev/null 2>&1 || { echo "not ok - windows clock: build"; exit 1; }
"$B/tests/windows_clock" "$tmp/clock.govb"
