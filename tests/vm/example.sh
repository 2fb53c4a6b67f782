#!/bin/sh
# example.sh BUILD: run the example host (vm/examples/govhost.c) on a policy built by the
# test assembler, with the arena from malloc and from a static buffer.
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
t() { if [ "$1" = 0 ]; then echo "ok - example host: $2"; else echo "not ok - example host: $2"; fail=1; fi; }

"$B/tests/vm_mkgovb" support "$tmp/support.govb"
t $? "write support.govb"

# Lines 3.. of the golden input: allow, block (stops), ...
sed -n '3,9p' tests/vm/golden/support.jsonl > "$tmp/in.jsonl"
"$B/govhost" "$tmp/support.govb" < "$tmp/in.jsonl" > "$tmp/out" 2> "$tmp/err"
rc=$?
t $([ $rc = 3 ] && echo 0 || echo 1) "a block verdict stops the run (exit 3, got $rc)"
t $([ "$(wc -l < "$tmp/out")" = 2 ] && echo 0 || echo 1) "one decision per line until the block"
sed -n '3,4p' tests/vm/golden/support.decisions.jsonl | sed 's/"line":[0-9]*/"line":N/' > "$tmp/want"
sed 's/"line":[0-9]*/"line":N/' "$tmp/out" > "$tmp/got"
cmp -s "$tmp/want" "$tmp/got"; t $? "decisions match the golden file"
grep -q "notify pagerduty support-oncall (oncall): over_budget" "$tmp/err"; t $? "the host acts on notifications"

# Errors do not stop the run; --static arena; --trace.
sed -n '5,9p' tests/vm/golden/support.jsonl > "$tmp/in2.jsonl"
"$B/govhost" --static --trace "$tmp/support.govb" < "$tmp/in2.jsonl" > "$tmp/out2" 2>&1
rc=$?
t $rc "malformed lines are error decisions, the run goes on (static arena)"
t $([ "$(grep -c '"status":"error"' "$tmp/out2")" = 8 ] && echo 0 || echo 1) "each error decision and its trace"

# A corrupt policy is rejected with a message.
printf 'GOVB garbage' > "$tmp/bad.govb"
"$B/govhost" "$tmp/bad.govb" < /dev/null 2> "$tmp/err3"
rc=$?
t $([ $rc = 2 ] && grep -q rejected "$tmp/err3" && echo 0 || echo 1) "a corrupt policy is rejected (exit 2)"
# Event streams: the loan policy's gates and escalation (lines 2.., no block verdict).
if "$B/govc" build -o "$tmp/loan.govb" policies/loan_underwriting >/dev/null 2>&1; then
  # Lines 2..18: up to the last approval of app-1005 (app-1006, next, is a record that blocks).
  sed -n '2,18p' policies/loan_underwriting/events.jsonl | "$B/govhost" "$tmp/loan.govb" > "$tmp/out4" 2> "$tmp/err4"
  rc=$?
  t $([ $rc = 0 ] && [ "$(wc -l < "$tmp/out4")" = 17 ] && echo 0 || echo 1) "event lines are evaluated (exit $rc)"
  for want in "gate_open large_or_risky_approval" "refused large_or_risky_approval" "gate_approved" "gate_rejected" \
              "gate_timeout large_or_risky_approval \[[0-9a-f]*\] key app-1004 -> escalate" \
              "notify pagerduty underwriting-oncall (underwriter): large_or_risky_approval via risk_chain" \
              "escalation_end risk_chain \[[0-9a-f]*\] key app-1004: completed" \
              "run app-1005: review (1 of 2 gates approved, 1 pending)" \
              "run app-1005: review (2 of 2 gates approved, 0 pending)"; do
    grep -q "$want" "$tmp/err4"; t $? "the host prints: $want"
  done
  # A record whose run is blocked stops the host, gate or no gate.
  sed -n '2,$p' policies/loan_underwriting/events.jsonl | "$B/govhost" "$tmp/loan.govb" > "$tmp/out5" 2> "$tmp/err5"
  rc=$?
  t $([ $rc = 3 ] && grep -q "line 18: blocked; stopping" "$tmp/err5" && echo 0 || echo 1) \
    "a record that blocks stops the host (app-1006, exit $rc)"
else
  t 1 "build the loan policy"
fi
exit $fail
