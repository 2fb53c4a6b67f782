#!/bin/sh
# tests/vm/corrupt_files.sh BUILD: the corruption sweep (vm_corrupt) over programs that
# govc compiles with sections the C builder in tests/vm does not write: sustained rules
# (RULESTATE, SETCLR; kept once and per key), windows (WINDOWS, LOADW), drifts
# (DRIFTS, DRIFTBINS, LOADD) and gates with quorums and requesters (GATEAPPROVAL), rule guards (RULEGUARDS),
# inhibitions (INHIBITS, one across record kinds), severities per scope (RULESCOPE), channels per scope (CHANSCOPE, channel sets). Each gets every bit flip and truncation, and targeted cases.
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$B/govc" build -o "$tmp/sustained.govb" tests/events/sustained.gov >/dev/null || { echo "not ok - build sustained"; exit 1; }
"$B/govc" build -o "$tmp/windows.govb" tests/vm/windows.gov >/dev/null || { echo "not ok - build windows"; exit 1; }
"$B/govc" build -o "$tmp/sustained_keys.govb" tests/events/sustained_keys.gov >/dev/null ||
  { echo "not ok - build sustained_keys"; exit 1; }
"$B/govc" build -o "$tmp/drifts.govb" tests/vm/drifts.gov >/dev/null || { echo "not ok - build drifts"; exit 1; }
# Gates with quorums and a requester (GATEAPPROVAL), and approver groups.
"$B/govc" build -o "$tmp/quorum.govb" tests/events/quorum.gov >/dev/null || { echo "not ok - build quorum"; exit 1; }
# Rules guarded by a scope (RULEGUARDS, format version 2).
"$B/govc" build -o "$tmp/guards.govb" tests/vm/guards.gov >/dev/null || { echo "not ok - build guards"; exit 1; }
# Inhibitions (INHIBITS): a gate and two record kinds to break its rules with.
"$B/govc" build -o "$tmp/inhibits.govb" tests/vm/inhibits.gov >/dev/null || { echo "not ok - build inhibits"; exit 1; }
"$B/govc" build -o "$tmp/rulescope.govb" tests/vm/rulescope.gov >/dev/null || { echo "not ok - build rulescope"; exit 1; }
# Channels per scope (CHANSCOPE, SETS of kind 3) and a grouped rule with a channel set.
"$B/govc" build -o "$tmp/chanscope.govb" tests/vm/chanscope.gov >/dev/null || { echo "not ok - build chanscope"; exit 1; }
# An inhibition across record kinds (a sustained inhibitor, INHIBITS with RULESTATE).
"$B/govc" build -o "$tmp/inhibits_kinds.govb" tests/vm/inhibits_kinds.gov >/dev/null ||
  { echo "not ok - build inhibits_kinds"; exit 1; }
exec "$B/tests/vm_corrupt" "$tmp/sustained.govb" "$tmp/sustained_keys.govb" "$tmp/windows.govb" "$tmp/drifts.govb" \
  "$tmp/quorum.govb" "$tmp/guards.govb" "$tmp/inhibits.govb" "$tmp/rulescope.govb" "$tmp/inhibits_kinds.govb" "$tmp/chanscope.govb"
