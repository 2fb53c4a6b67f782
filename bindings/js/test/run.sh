#!/bin/sh
# run.sh BUILD: the JavaScript binding's tests with node's own test runner, in the package
# `make js` staged in BUILD/js. TAP's top-level "ok N - name" / "not ok N - name" lines
# are what tests/run.sh counts.
B=${1:-build}
root=$(pwd)
cd "$B/js" || exit 2
GOV_ROOT="$root" GOVC="$root/$B/govc" GOV_BUILD="$root/$B" \
  exec node --test --test-reporter=tap --test-concurrency=1 test/*.test.js
