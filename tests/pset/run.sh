#!/bin/sh
# tests/pset/run.sh: policy sets, `govc run -p A -p B ...` (spec/trace.md §11).
#
# Goldens: the example set of policies/ (two teams' policies and the platform's) over its
# event stream, as JSON, text and with traces; a set of two kinds (tests/pset: a member
# ticked for records it has no kind for, a run both members hold, an error in one
# member, a kind neither has, an event no member holds). Properties: each member's
# decision in the set is its decision alone, findings aside (they name their policy);
# a set stopped and restarted from its state files decides as one that never stopped;
# a set's decision log verifies and replays. Refusals: the same policy name twice, a
# --state count that is not the -p count, state files given in the wrong order.
GOVC=${GOVC:-build/govc}
here=tests/pset
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/golden.sh
check() { name=$1; shift; golden "$name" "$here/golden/$name.out" "$@"; }

EX="-p policies/billing_team -p policies/support_team -p policies/platform_guardrails"
EV=policies/platform_guardrails/events.jsonl
TS="-p $here/runs.gov -p $here/tools.gov"
check "example-json" "$GOVC" run $EX "$EV"
check "example-text" "$GOVC" run --format text $EX "$EV"
head -n 3 "$EV" >"$tmp/three.jsonl"
check "example-trace" "$GOVC" run --trace $EX "$tmp/three.jsonl"
check "kinds-json" "$GOVC" run $TS "$here/events.jsonl"
check "kinds-text" "$GOVC" run --format text $TS "$here/events.jsonl"

# Refusals (exit 2, nothing evaluated).
check "same-name" "$GOVC" run -p policies/support -p policies/support policies/support/records.jsonl
check "state-count" "$GOVC" run $TS --state "$tmp/a.st" "$here/events.jsonl"

# Each member's decision inside the set is the member's decision alone, except that its
# findings name their policy: the set evaluates, it does not reinterpret.
for p in billing_team support_team platform_guardrails; do
  "$GOVC" run -p policies/$p "$EV" >"$tmp/alone-$p.jsonl"
done
"$GOVC" run $EX "$EV" >"$tmp/set.jsonl"
if /usr/bin/python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
names = ["billing_team", "support_team", "platform_guardrails"]
alone = {p: [json.loads(l) for l in open(f"{tmp}/alone-{p}.jsonl")] for p in names}
sets = [json.loads(l) for l in open(f"{tmp}/set.jsonl")]
assert len(sets) == len(alone[names[0]]) > 0
for k, s in enumerate(sets):
    assert s["set"] == names
    for i, d in enumerate(s["decisions"]):
        for f in d["findings"]:
            assert f.pop("policy") == names[i]
        assert d == alone[names[i]][k], (k, i)
    order = ["allow", "warn", "review", "pause", "block"]
    applied = [d for d in s["decisions"] if not (d.get("event") in ("approve", "reject", "ack") and any(
        a.get("type") == "refused" and a.get("reason") == "no pending gate with this id" for a in d["actions"]))]
    want = max((order.index(d["verdict"]) for d in applied), default=0)
    assert order.index(s["verdict"]) == want, k
    if want:
        first = next(d["policy"] for d in applied if order.index(d["verdict"]) == want)
        assert s["decided_by"] == first, k
    else:
        assert s["decided_by"] is None
PY
then echo "ok - members-as-alone"; else echo "not ok - members-as-alone"; fail=1; fi

# State: stop after each line, restart from the members' state files: the same decisions.
"$GOVC" run $TS "$here/events.jsonl" >"$tmp/whole.jsonl"
n=$(wc -l <"$here/events.jsonl")
: >"$tmp/pieces.jsonl"
k=1
while [ "$k" -le "$n" ]; do
  sed -n "${k}p" "$here/events.jsonl" >"$tmp/line.jsonl"
  # govc run numbers lines from 1: put the line back at its number for the comparison.
  "$GOVC" run $TS --state "$tmp/runs.st" --state "$tmp/tools.st" "$tmp/line.jsonl" |
    sed "s/^{\"set\":\[\"set_runs\",\"set_tools\"\],\"line\":1,/{\"set\":[\"set_runs\",\"set_tools\"],\"line\":$k,/; s/\"line\":1,\"kind\"/\"line\":$k,\"kind\"/g" >>"$tmp/pieces.jsonl"
  k=$((k + 1))
done
if cmp -s "$tmp/whole.jsonl" "$tmp/pieces.jsonl"; then echo "ok - state-restart"
else echo "not ok - state-restart"; diff "$tmp/whole.jsonl" "$tmp/pieces.jsonl" | head -10 | sed 's/^/# /'; fail=1; fi
check "state-swapped" "$GOVC" run $TS --state "$tmp/tools.st" --state "$tmp/runs.st" "$here/events.jsonl"

# The decision log: one stream per member; it verifies, and replays decision for decision.
"$GOVC" run $TS --log "$tmp/set.log" --log-inputs "$here/events.jsonl" >/dev/null 2>"$tmp/log.err"
if [ $? -eq 1 ] && "$GOVC" audit verify "$tmp/set.log" >"$tmp/verify.out" 2>&1 &&
   "$GOVC" audit replay -p "$here/runs.gov" -p "$here/tools.gov" "$tmp/set.log" >"$tmp/replay.out" 2>&1 &&
   [ "$(grep -c '"type":"attach"' "$tmp/set.log")" -eq 2 ]; then
  echo "ok - log-verify-replay"
else
  echo "not ok - log-verify-replay"; cat "$tmp/log.err" "$tmp/verify.out" "$tmp/replay.out" | head -20 | sed 's/^/# /'; fail=1
fi
exit $fail
