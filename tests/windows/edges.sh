#!/bin/sh
# tests/windows/edges.sh BUILD: event times at the ends of int64 (tests/windows/edges.c).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$B/govc" build -o "$tmp/edges.govb" tests/windows/edges.gov >/dev/null 2>&1 || { echo "not ok - windows time edges: build"; exit 1; }
"$B/tests/windows_edges" "$tmp/edges.govb" || fails=1

# A gate's deadline and an escalation's next step past the last instant never fall due:
# opened at 22:00 with 4 h to go, they were called due at the last instant (23:47:16.85).
gate() { "$B/govc" run -p "$tmp/gate.govb" - | tail -1; }
"$B/govc" build -o "$tmp/gate.govb" tests/windows/edges_gate.gov >/dev/null 2>&1 || { echo "not ok - windows time edges: build the gate policy"; exit 1; }
last=$(printf '%s\n' '{"at":"2262-04-11T22:00:00Z","amount":5000,"run_id":"r1"}' \
  '{"at":"2262-04-11T23:47:16.854775807Z","amount":1,"run_id":"r2"}' | gate)
case $last in
*gate_timeout*|*escalation_step*) echo "not ok - windows time edges: a gate and an escalation due past INT64_MAX stay pending at INT64_MAX"; echo "# $last"; fails=1 ;;
*'"actions":[]'*) echo "ok - windows time edges: a gate and an escalation due past INT64_MAX stay pending at INT64_MAX" ;;
*) echo "not ok - windows time edges: a gate and an escalation due past INT64_MAX stay pending at INT64_MAX"; echo "# $last"; fails=1 ;;
esac
# the same 4 h earlier: both fall due at 02:00 on the way to 23:47
last=$(printf '%s\n' '{"at":"2262-04-11T18:00:00Z","amount":5000,"run_id":"r1"}' \
  '{"at":"2262-04-11T23:47:16.854775807Z","amount":1,"run_id":"r2"}' | gate)
case $last in
*gate_timeout*escalation_step*) echo "ok - windows time edges: a gate and an escalation due before INT64_MAX fall due" ;;
*) echo "not ok - windows time edges: a gate and an escalation due before INT64_MAX fall due"; echo "# $last"; fails=1 ;;
esac
exit ${fails:-0}
