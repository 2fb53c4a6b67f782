#!/bin/sh
# tests/events/run.sh: golden timelines of gates, escalations and the clock, and
# govc run --state.
#
# Each case is an event stream NAME.jsonl run against a small policy; govc run's JSON
# output and its --format text output (with the exit status) are compared with
# golden/NAME.out and golden/NAME.text.out. UPDATE=1 rewrites the goldens: read every
# changed file before committing it. Then, for the loan policy's event stream, a state
# saved by `govc run --state` after each line and loaded by a second run gives the
# same later decisions as one uninterrupted run.
GOVC=${GOVC:-build/govc}
here=tests/events
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0

. tests/golden.sh
check() { # NAME GOLDEN CMD...: run CMD and compare with golden/GOLDEN
  cname=$1 gold="$here/golden/$2"; shift 2
  golden "$cname" "$gold" "$@"
}

# case policy: what each stream shows
while read -r name policy; do
  check "events $name" "$name.out" "$GOVC" run -p "$here/$policy.gov" "$here/$name.jsonl"
  check "events $name (text)" "$name.text.out" "$GOVC" run --format text -p "$here/$policy.gov" "$here/$name.jsonl"
done <<'CASES'
gate_approved gates
gate_rejected gates
gate_stranger gates
gate_duplicate gates
tick_timeout gates
time_backwards gates
malformed_events gates
timeout_deny timeouts
timeout_allow timeouts
timeout_escalate timeouts
esc_repeat chains
esc_skipped chains
esc_ack chains
esc_suppressed chains
esc_span chains
gate_full gate_capacity
blocked_approved blocked
two_gates two_gates
quorum quorum
sustained sustained
sustained_keys sustained_keys
stale stale
CASES
# Staleness and late records, as test blocks (spec/language.md §4.3).
check "events stale (govc test)" "stale.test.out" "$GOVC" test "$here/stale.gov"

# Which key each sustained rule is kept per, and its table's capacity.
check "events sustained_keys (disasm)" "sustained_keys.disasm.out" \
  sh -c "'$GOVC' build -o '$tmp/k.govb' '$here/sustained_keys.gov' >/dev/null && '$GOVC' disasm '$tmp/k.govb' | grep -A1 '^  rule ' | grep -v '^--'"

# Sustained rules against an independent reference state machine, on random streams.
python3 "$here/sustained_ref.py" "$GOVC" || fail=1

# --state: split a stream after every line k (0..n): run lines 1..k saving the state,
# then lines k+1..n loading it. The second run's decisions (line numbers aside: each run
# counts its own input) equal lines k+1..n of one uninterrupted run. The loan stream
# has gates and escalations in its state; the sustained one, rules pending and firing;
# sustained_keys, rules kept per key pending, firing and clearing for several keys at
# once, and keys evicted.
split() { # NAME POLICY STREAM
  "$GOVC" build -o "$tmp/p.govb" "$2" >/dev/null || { echo "not ok - state: build $2"; fail=1; return; }
  "$GOVC" run -p "$tmp/p.govb" "$3" | sed 's/"line":[0-9]*,//' >"$tmp/whole"
  n=$(wc -l <"$3")
  k=0 bad=""
  while [ "$k" -le "$n" ]; do
    rm -f "$tmp/st"
    head -n "$k" "$3" | "$GOVC" run -p "$tmp/p.govb" --state "$tmp/st" - >/dev/null
    tail -n +"$((k + 1))" "$3" | "$GOVC" run -p "$tmp/p.govb" --state "$tmp/st" - |
      sed 's/"line":[0-9]*,//' >"$tmp/rest"
    tail -n +"$((k + 1))" "$tmp/whole" | cmp -s - "$tmp/rest" || bad="$bad $k"
    k=$((k + 1))
  done
  if [ -z "$bad" ]; then echo "ok - state: govc run --state split after each of $n $1 lines gives the same decisions"
  else echo "not ok - state: govc run --state split $1 after lines:$bad"; fail=1; fi
}
loan=policies/loan_underwriting
split loan "$loan" "$loan/events.jsonl"
split sustained "$here/sustained.gov" "$here/sustained.jsonl"
split blocked "$here/blocked.gov" "$here/blocked_approved.jsonl"
split two_gates "$here/two_gates.gov" "$here/two_gates.jsonl"
split quorum "$here/quorum.gov" "$here/quorum.jsonl"
split sustained_keys "$here/sustained_keys.gov" "$here/sustained_keys.jsonl"
"$GOVC" build -o "$tmp/loan.govb" "$loan" >/dev/null || { echo "not ok - state: build loan"; exit 1; }

# --state-every 1 leaves the state after the last line, equal to the one saved at the end.
rm -f "$tmp/st" "$tmp/st1"
"$GOVC" run -p "$tmp/loan.govb" --state "$tmp/st" "$loan/events.jsonl" >/dev/null
"$GOVC" run -p "$tmp/loan.govb" --state "$tmp/st1" --state-every 1 "$loan/events.jsonl" >/dev/null
if cmp -s "$tmp/st" "$tmp/st1" && [ ! -e "$tmp/st.tmp" ]; then echo "ok - state: --state-every 1 saves the same state"
else echo "not ok - state: --state-every 1 saves the same state"; fail=1; fi

# Another policy's state is refused (exit 2, a message naming the reason).
"$GOVC" run -p policies/support --state "$tmp/st" /dev/null >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "saved under another policy" "$tmp/out"; then echo "ok - state: another policy's state is refused"
else echo "not ok - state: another policy's state is refused (exit $rc)"; sed 's/^/# /' "$tmp/out"; fail=1; fi

# A corrupt state file is refused and left as it was.
cp "$tmp/st" "$tmp/bad"
printf 'X' | dd of="$tmp/bad" bs=1 seek=100 conv=notrunc 2>/dev/null
cp "$tmp/bad" "$tmp/bad0"
"$GOVC" run -p "$tmp/loan.govb" --state "$tmp/bad" /dev/null >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "checksum" "$tmp/out" && cmp -s "$tmp/bad" "$tmp/bad0"; then
  echo "ok - state: a corrupt state file is refused and kept"
else echo "not ok - state: a corrupt state file is refused and kept (exit $rc)"; sed 's/^/# /' "$tmp/out"; fail=1; fi
exit $fail
