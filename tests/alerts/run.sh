#!/bin/sh
# tests/alerts/run.sh: alert hygiene (issue 24 item 2, spec/language.md §4.8).
#
#   - one day of generated history (tests/alerts/history.py): notifications per rule and
#     channel before and after the policy's notification settings, against a golden
#     table; the script itself fails if any finding's notification was lost (the
#     deliveries after must cover exactly the notifications before);
#   - the same stream run whole and in pieces through `govc run --state`: the same
#     decisions (groups, held notifications and due times survive a restart);
#   - a full group table: 1,100 agents through a table of 1,024 groups; the groups
#     evicted deliver what they held ("evicted"), so every finding is still covered;
#   - inhibition (spec/language.md §4.10): tests/alerts/inhibit's `govc test` blocks (a
#     plain and a sustained per-key inhibitor, a chain, a waived inhibitor, a silence
#     first, a group left alone, a key evicted from a full table), its decisions as JSON,
#     text and trace against goldens (the last a group's later delivery that counts its
#     held findings, not the inhibited one), and the same stream whole and split through
#     `--state`;
#   - inhibition across record kinds (tests/alerts/inhibit_kinds: `govc test` blocks, a
#     golden decision stream, and the stream split through `--state`);
# States with NOTIFY sections, forged bit by bit behind valid checksums, are tests/corpus's
# (policies/agent_alerts is one of its policies).
# Prints "ok - NAME" / "not ok - NAME".
GOVC=${GOVC:-build/govc}
PY=/usr/bin/python3
here=tests/alerts
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/golden.sh

# Three days: the first with error bursts that inhibit token drift notifications.
golden alerts-history-3d "$here/golden/history-3d.out" $PY "$here/history.py" --days 3 --keep "$tmp/h" "$GOVC"

# The stream whole, then in three pieces through a state file: the same decisions.
if [ -f "$tmp/h/history.jsonl" ]; then
  "$GOVC" run -p policies/agent_alerts "$tmp/h/history.jsonl" >"$tmp/whole.jsonl"
  n=$(wc -l <"$tmp/h/history.jsonl")
  a=$((n / 3)); b=$((2 * n / 3))
  sed -n "1,${a}p" "$tmp/h/history.jsonl" >"$tmp/p1"
  sed -n "$((a + 1)),${b}p" "$tmp/h/history.jsonl" >"$tmp/p2"
  sed -n "$((b + 1)),\$p" "$tmp/h/history.jsonl" >"$tmp/p3"
  : >"$tmp/pieces.jsonl"
  for p in p1 p2 p3; do
    "$GOVC" run --state "$tmp/state" -p policies/agent_alerts "$tmp/$p" >>"$tmp/pieces.jsonl"
  done
  # Line numbers count each run's own input: compare without them.
  sed 's/"line":[0-9]*,//' "$tmp/whole.jsonl" >"$tmp/w"
  sed 's/"line":[0-9]*,//' "$tmp/pieces.jsonl" >"$tmp/p"
  if cmp -s "$tmp/w" "$tmp/p" && grep -q notify_held "$tmp/w"; then
    echo "ok - alerts: state across restarts"
  else
    echo "not ok - alerts: state across restarts"
    diff "$tmp/w" "$tmp/p" | head -n 10 | sed 's/^/# /'
    fail=1
  fi
else
  echo "not ok - alerts: history.py wrote no records"
  fail=1
fi

# A full table: 1,100 agents, one slow run each 400 ms apart (all within the group_wait),
# then a tick: the last 76 evict the 76 seen first, which deliver at once.
cat >"$tmp/full.gov" <<'GOV'
policy full_table
record run { latency: duration }
channel ops = slack "#ops"
rule slow {
  when run.latency > 1s
  notify ops
  group_by agent
  group_wait 10m
}
GOV
$PY - "$tmp/full.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(1100):
        f.write(json.dumps({"agent": "a%04d" % i, "at": "2026-01-01T00:%02d:%02d.%03dZ" % (i * 400 // 60000, i * 400 // 1000 % 60, i * 400 % 1000), "latency": 2000}) + "\n")
    f.write(json.dumps({"type": "tick", "at": "2026-01-01T02:00:00Z"}) + "\n")
PY
"$GOVC" run -p "$tmp/full.gov" "$tmp/full.jsonl" >"$tmp/full.out"
if $PY - "$tmp/full.out" <<'PY'
import json, sys
held = covered = evicted = 0
for line in open(sys.argv[1]):
    for a in json.loads(line)["actions"]:
        if a["type"] == "notify_held":
            held += 1
        elif a["type"] == "notify":
            covered += a["grouped"]
            evicted += a.get("reason") == "evicted"
print("# held %d, covered %d, evicted deliveries %d" % (held, covered, evicted))
sys.exit(0 if held == 1100 and covered == 1100 and evicted == 76 else 1)
PY
then echo "ok - alerts: a full group table delivers what it evicts"
else echo "not ok - alerts: a full group table delivers what it evicts"; fail=1
fi

# Inhibition.
inh=$here/inhibit
golden alerts-inhibit-test "$here/golden/inhibit-test.out" "$GOVC" test "$inh" "$here/inhibit_evict" "$here/inhibit_kinds"
golden alerts-inhibit-run "$here/golden/inhibit-run.out" "$GOVC" run -p "$inh" "$inh/records.jsonl"
golden alerts-inhibit-text "$here/golden/inhibit-text.out" "$GOVC" run --format text -p "$inh" "$inh/records.jsonl"
golden alerts-inhibit-trace "$here/golden/inhibit-trace.out" "$GOVC" run --trace -p "$inh" "$inh/records.jsonl"
sed -n 3p "$inh/records.jsonl" >"$tmp/irec.json"
golden alerts-inhibit-explain "$here/golden/inhibit-explain.out" "$GOVC" explain -p "$inh" "$tmp/irec.json"
"$GOVC" run -p "$inh" "$inh/records.jsonl" | sed 's/"line":[0-9]*,//' >"$tmp/iw"
: >"$tmp/ip"
for r in 1,3 4,6 7,9 10,11; do
  sed -n "${r}p" "$inh/records.jsonl" >"$tmp/ipart"
  "$GOVC" run --state "$tmp/istate" -p "$inh" "$tmp/ipart" | sed 's/"line":[0-9]*,//' >>"$tmp/ip"
done
if cmp -s "$tmp/iw" "$tmp/ip" && grep -q notify_inhibited "$tmp/iw"; then
  echo "ok - alerts: inhibition across restarts"
else
  echo "not ok - alerts: inhibition across restarts"
  diff "$tmp/iw" "$tmp/ip" | head -n 10 | sed 's/^/# /'
  fail=1
fi

# Across record kinds: a sustained inhibitor on runs, kept per agent, mutes tool calls'
# rule for the agents it fires for (clearing included; cleared by the clock on a tool
# call's record), as JSON against a golden, and the same whole and split through --state.
kin=$here/inhibit_kinds
golden alerts-inhibit-kinds "$here/golden/inhibit-kinds.out" "$GOVC" run -p "$kin" "$kin/records.jsonl"
"$GOVC" run -p "$kin" "$kin/records.jsonl" | sed 's/"line":[0-9]*,//' >"$tmp/kw"
: >"$tmp/kp"
for r in 1,3 4,4 5,7 8,9; do
  sed -n "${r}p" "$kin/records.jsonl" >"$tmp/kpart"
  "$GOVC" run --state "$tmp/kstate" -p "$kin" "$tmp/kpart" | sed 's/"line":[0-9]*,//' >>"$tmp/kp"
done
if cmp -s "$tmp/kw" "$tmp/kp" && [ "$(grep -c notify_inhibited "$tmp/kw")" = 2 ]; then
  echo "ok - alerts: inhibition across kinds across restarts"
else
  echo "not ok - alerts: inhibition across kinds across restarts"
  diff "$tmp/kw" "$tmp/kp" | head -n 10 | sed 's/^/# /'
  fail=1
fi

exit $fail
