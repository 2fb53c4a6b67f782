#!/bin/sh
# tests/corpus/run.sh BUILD: compile every example policy and run tests/corpus/corpus.c
# over it and its sample records (no allocation, malformed records change nothing).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
args=""
for dir in policies/*/; do
  n=$(basename "$dir")
  if ! "$B/govc" build -o "$tmp/$n.govb" "$dir" >/dev/null 2>&1; then
    echo "not ok - corpus: build $n"; exit 1
  fi
  args="$args $tmp/$n.govb $dir/records.jsonl"
  # The event stream too (approvals, acks, ticks): it fills the gate and escalation tables.
  [ -f "$dir/events.jsonl" ] && args="$args $tmp/$n.govb $dir/events.jsonl"
done
# agent_permissions with a limits file's allowlists and denylists (issue 24 item 7).
args="$args $tmp/agent_permissions.govb@tests/limits/sets.json policies/agent_permissions/records.jsonl"
# Drifts of every statistic, per key with evictions and late records (tests/drift/).
if ! "$B/govc" build -o "$tmp/drift_ref.govb" tests/drift/ref.gov >/dev/null 2>&1; then
  echo "not ok - corpus: build tests/drift/ref.gov"; exit 1
fi
args="$args $tmp/drift_ref.govb tests/drift/records.jsonl"
# Windows sharing clocks, bucket counts and a ring (spec/language.md 4.5, "Memory").
if ! "$B/govc" build -o "$tmp/windows_full.govb" tests/windows/full.gov >/dev/null 2>&1; then
  echo "not ok - corpus: build tests/windows/full.gov"; exit 1
fi
args="$args $tmp/windows_full.govb tests/windows/full.jsonl"
# Host functions through libffi, bound to tests/ffi/hostlib.c (failures included).
if ! "$B/govc" build -o "$tmp/ffi_ext.govb" tests/ffi/ext.gov >/dev/null 2>&1; then
  echo "not ok - corpus: build tests/ffi/ext.gov"; exit 1
fi
args="$args $tmp/ffi_ext.govb tests/ffi/records.jsonl"
# Sustained rules kept per key, with keys evicted while pending and while firing.
if ! "$B/govc" build -o "$tmp/sustained_keys.govb" tests/events/sustained_keys.gov >/dev/null 2>&1; then
  echo "not ok - corpus: build tests/events/sustained_keys.gov"; exit 1
fi
args="$args $tmp/sustained_keys.govb tests/events/sustained_keys.jsonl"
# An inhibitor on another record kind (spec/language.md §4.10): its key table looked up,
# never touched, on the other kind's records; no allocation, state round trips.
if ! "$B/govc" build -o "$tmp/inhibit_kinds.govb" tests/alerts/inhibit_kinds >/dev/null 2>&1; then
  echo "not ok - corpus: build tests/alerts/inhibit_kinds"; exit 1
fi
args="$args $tmp/inhibit_kinds.govb tests/alerts/inhibit_kinds/records.jsonl"
exec "$B/tests/corpus" $args
