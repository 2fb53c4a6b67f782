#!/usr/bin/env python3
"""tests/scoped/channels.py: a rule's channels per scope (spec/language.md §4.1.2, issue
24 item 1: "billing routes to risk, support to support leads"), end to end through govc:
the channels in force per record and their provenance in the decision, a rule's own
channels beside its set, limits files (a channel added per agent; one dropped, an
unknown name, a string for a set refused), notification groups kept per channel (held,
delivered on the clock, saved and restored), silences and inhibition over the channels
in force, `govc test`, `govc diff` and `govc disasm`.

Usage: python3 tests/scoped/channels.py BUILD/govc. Prints "ok - channels: NAME"."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Suite, decisions  # noqa: E402

S = Suite("channels", detail_lines=15)
GOVC, ok, govc, write, diff_says = S.govc_path, S.ok, S.govc, S.write, S.diff_says


def notes(d, typ="notify"):
    """(rule, channel, the set's level or None) of each notification of decision d."""
    return [(a["rule"], a["channel"], a["channel_limit"]["from"]["level"] if "channel_limit" in a and
             "from" in a["channel_limit"] else ("set" if "channel_limit" in a else None))
            for a in d.get("actions", []) if a["type"] == typ]


DESK = """policy desk
record refund { amount: money }
channel ops = slack "#ops"
channel risk = pagerduty "risk-oncall"
channel leads = email "support-leads@x.example"
min refund_channels = [ops]
scope project "billing" { refund_channels = [ops, risk] }
scope project "support" { refund_channels = [leads, ops] }
rule big_refund {
  when refund.amount > $500
  notify refund_channels
}
rule huge_refund {
  when refund.amount > $5000
  notify ops, refund_channels
}
"""
write("desk.gov", DESK)
RECS = [
    {"project": "billing", "agent": "a1", "amount": 900, "at": "2026-12-01T09:00:00Z"},
    {"project": "support", "agent": "a2", "amount": 9000, "at": "2026-12-01T09:01:00Z"},
    {"project": "growth", "agent": "a3", "amount": 900, "at": "2026-12-01T09:02:00Z"},
]
write("desk.jsonl", "".join(json.dumps(r) + "\n" for r in RECS))

# --- the channels in force per record, and where they came from ----------------------
rc, out, err = govc("run", "-p", "desk.gov", "desk.jsonl")
ds = decisions(out)
ok(rc == 0 and [notes(d) for d in ds] == [
    [("big_refund", "ops", "project"), ("big_refund", "risk", "project")],
    [("big_refund", "leads", "project"), ("big_refund", "ops", "project"), ("huge_refund", "ops", None),
     ("huge_refund", "leads", "project")],
    [("big_refund", "ops", "default")]],
   "billing routes to risk, support to the leads, others to ops; a rule's own channel first, once", out + err)
a0 = ([a for a in ds[0].get("actions", []) if a["channel"] == "risk"] or [{}])[0] if ds else {}
ok(a0.get("channel_limit") == {"name": "refund_channels", "from": {"level": "project", "scope": "billing",
                                                               "path": "project:billing", "at": "desk.gov:7:45"}}
   and a0.get("kind") == "pagerduty" and a0.get("target") == "risk-oncall",
   "a notification names the channel set and the scope its value came from", a0)
dflt = ds[2]["actions"][0].get("channel_limit", {}).get("from") if len(ds) == 3 else None
ok(dflt == {"level": "default", "at": "desk.gov:6:23"}, "the default's provenance", dflt)

rc, out, err = govc("run", "--format", "text", "-p", "desk.gov", "desk.jsonl")
ok(rc == 0 and 'notify pagerduty risk-oncall (risk) for big_refund [channels refund_channels from project "billing" '
   'at desk.gov:7:45]' in out and "notify slack #ops (ops) for huge_refund\n" in out
   and "for big_refund [channels refund_channels, the default, at desk.gov:6:23]" in out,
   "govc run --format text names a channel's set and where it came from", out + err)

# --- govc check: what a scope may not do ----------------------------------------------
write("drop.gov", DESK.replace('scope project "support" { refund_channels = [leads, ops] }',
                               'scope project "support" { refund_channels = [leads, ops] }\n'
                               'scope project "billing" { scope agent "a9" { refund_channels = [ops, leads] } }'))
rc, out, err = govc("check", "drop.gov")
ok(rc == 1 and "error[E094]: 'refund_channels' in agent \"a9\" in project \"billing\" drops risk, which project "
   "\"billing\" notifies (a channel set may only gain channels)" in err, "a scope that drops a channel is E094", err)
write("bare.gov", DESK.replace("notify refund_channels\n", "notify refund_channels\n  group_wait 5m\n", 1)
      .replace("min refund_channels = [ops]", "min refund_channels = []"))
rc, out, err = govc("check", "bare.gov")
ok(rc == 0 and "W020" not in err, "an empty default set is allowed, and a grouped rule with only a set is no W020", err)

# --- limits files -----------------------------------------------------------------------
write("add.json", '{"policy":"desk","scopes":[{"project":"growth","agent":"a3","limits":{"refund_channels":["ops","leads"]}}]}')
rc, out, err = govc("run", "-p", "desk.gov", "--limits", "add.json", "desk.jsonl")
ds = decisions(out)
ok(rc == 0 and notes(ds[2]) == [("big_refund", "leads", "agent"), ("big_refund", "ops", "agent")]
   and ds[2]["actions"][0]["channel_limit"]["from"]["at"] == "add.json:1:89"
   and notes(ds[0]) == [("big_refund", "ops", "project"), ("big_refund", "risk", "project")],
   "a limits file adds a channel for one agent, with the file as provenance", out + err)
write("drop.json", '{"policy":"desk","scopes":[{"project":"billing","agent":"a1","limits":{"refund_channels":["ops"]}}]}')
rc, out, err = govc("run", "-p", "desk.gov", "--limits", "drop.json", "desk.jsonl")
ok(rc == 2 and out == "" and "error[E050]: 'refund_channels' in agent \"a1\" in project \"billing\" drops risk, which "
   "project \"billing\" notifies (a channel set may only gain channels)" in err
   and "desk.gov:7:45: note: project \"billing\" sets it to [ops, risk] here" in err,
   "a limits file may not drop a channel (E094's words, under E050)", err)
write("unknown.json", '{"policy":"desk","scopes":[{"agent":"a3","limits":{"refund_channels":["ops","pager"]}}]}')
rc, out, err = govc("run", "-p", "desk.gov", "--limits", "unknown.json", "desk.jsonl")
ok(rc == 2 and out == "" and "unknown.json:1:" in err and "lists \"pager\", which is not a channel of policy 'desk'" in err,
   "a limits file naming an unknown channel is refused, at the member", err)
write("str.json", '{"policy":"desk","scopes":[{"agent":"a3","limits":{"refund_channels":"ops"}}]}')
rc, out, err = govc("run", "-p", "desk.gov", "--limits", "str.json", "desk.jsonl")
ok(rc == 2 and "is a channel set: a JSON array of channels' names" in err, "a channel set is an array", err)
write("e057.json", '{"policy":"desk","scopes":[{"tenant":"t","project":"growth","agent":"z","limits":{"refund_channels":'
      '["ops","risk"]}},{"project":"growth","workflow":"w","agent":"z","limits":{"refund_channels":["ops","leads"]}}]}')
rc, out, err = govc("run", "-p", "desk.gov", "--limits", "e057.json", "desk.jsonl")
ok(rc == 2 and "equally specific scopes that can match one record" in err and "e057.json:1:175" in err, "incomparable settings in a file: E057's words", err)

# The example's limits file (also a fuzz_limits seed): policies/refund_desk's large refunds.
TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
write("desk_recs.jsonl", json.dumps({"tenant": "globex", "project": "support", "run_id": "s-9", "amount_usd": 25000,
                                     "at": "2026-12-01T09:07:00Z"}) + "\n")
rc, out, err = govc("run", "-p", os.path.join(TOP, "policies/refund_desk"), "--limits",
                    os.path.join(TOP, "tests/limits/channels.json"), "desk_recs.jsonl")
ds = decisions(out)
ok(rc == 0 and [(a["channel"], a.get("channel_limit", {}).get("from", {}).get("level"))
                for a in ds[0]["actions"] if a.get("rule") == "large_refund"] ==
   [("refunds_desk", None), ("risk_pager", "project"), ("support_leads", "project")],
   "tests/limits/channels.json: globex's support also pages risk for a large refund", out + err)

# --- notification groups per channel ---------------------------------------------------
GRP = """policy gdesk
record refund { amount: money }
channel ops = slack "#ops"
channel risk = pagerduty "risk-oncall"
min refund_channels = [ops]
scope project "billing" { refund_channels = [ops, risk] }
rule big_refund {
  when refund.amount > $500
  notify refund_channels
  group_wait 10m
}
"""
write("grp.gov", GRP)
grecs = [
    {"project": "billing", "amount": 900, "at": "2026-12-01T09:00:00Z"},
    {"project": "growth", "amount": 900, "at": "2026-12-01T09:02:00Z"},
    {"project": "growth", "amount": 900, "at": "2026-12-01T09:04:00Z"},
    {"type": "tick", "at": "2026-12-01T09:10:00Z"},
    {"project": "billing", "amount": 900, "at": "2026-12-01T09:20:00Z"},
    {"type": "tick", "at": "2026-12-01T09:30:00Z"},
]
write("grp.jsonl", "".join(json.dumps(r) + "\n" for r in grecs))
rc, out, err = govc("run", "-p", "grp.gov", "grp.jsonl")
ds = decisions(out)
held = [[(a["channel"], a["until"]) for a in d.get("actions", []) if a["type"] == "notify_held"] for d in ds]
dlv = [[(a["channel"], a["grouped"], a["since"]) for a in d.get("actions", []) if a["type"] == "notify"] for d in ds]
ok(rc == 0 and held[:3] == [[("ops", "2026-12-01T09:10:00Z"), ("risk", "2026-12-01T09:10:00Z")],
                            [("ops", "2026-12-01T09:10:00Z")], [("ops", "2026-12-01T09:10:00Z")]]
   and dlv[3] == [("ops", 3, "2026-12-01T09:00:00Z"), ("risk", 1, "2026-12-01T09:00:00Z")]
   and held[4] == [("ops", "2026-12-01T09:30:00Z"), ("risk", "2026-12-01T09:30:00Z")]
   and dlv[5] == [("ops", 1, "2026-12-01T09:20:00Z"), ("risk", 1, "2026-12-01T09:20:00Z")],
   "a group keeps a state per channel: risk counts billing's findings only", out + err)
dl = [a for a in ds[3]["actions"] if a["type"] == "notify"]
ok(all(a.get("channel_limit") == {"name": "refund_channels"} for a in dl),
   "a delivery on the clock names the set, not one record's scope", dl)
# Saved and restored between the records: the same deliveries.
write("grp_a.jsonl", "".join(json.dumps(r) + "\n" for r in grecs[:2]))
write("grp_b.jsonl", "".join(json.dumps(r) + "\n" for r in grecs[2:]))
rc1, out1, err1 = govc("run", "-p", "grp.gov", "--state", "g.state", "grp_a.jsonl")
rc2, out2, err2 = govc("run", "-p", "grp.gov", "--state", "g.state", "grp_b.jsonl")
ds2 = decisions(out1) + decisions(out2)
strip = lambda d: {k: v for k, v in d.items() if k != "line"}  # noqa: E731
ok(rc1 == 0 and rc2 == 0 and [strip(d) for d in ds2] == [strip(d) for d in ds],
   "the per-channel group state survives a restart", err1 + err2)
with open("g.state", "rb") as f:
    st = bytearray(f.read())
# The state grew by one group state (24 bytes) per extra channel of the rule's universe.
write("grp1.gov", GRP.replace('scope project "billing" { refund_channels = [ops, risk] }\n', ""))
rc, _, err = govc("run", "-p", "grp1.gov", "--state", "g1.state", "grp_a.jsonl")
ok(rc == 0 and len(st) - os.path.getsize("g1.state") == 24, "one group state per channel the rule can reach",
   (len(st), os.path.getsize("g1.state"), err))

# --- silences and inhibition cover the channels in force -------------------------------
SIL = DESK + """silence quiet on big_refund for project "billing" from 2026-12-01T00:00:00Z until 2026-12-02T00:00:00Z
  by "ana@x.example" reason "migration"
"""
write("sil.gov", SIL)
rc, out, err = govc("run", "-p", "sil.gov", "desk.jsonl")
ds = decisions(out)
ok(rc == 0 and notes(ds[0], "notify_silenced") == [("big_refund", "ops", "project"), ("big_refund", "risk", "project")]
   and notes(ds[0]) == [], "a silence holds back every channel in force, each named", out + err)
INH = DESK.replace("rule big_refund {\n  when refund.amount > $500\n  notify refund_channels\n}\n", "").replace(
    "  notify ops, refund_channels\n}\n", "  notify ops, refund_channels\n  inhibit big_refund\n}\n"
    "rule big_refund {\n  when refund.amount > $500\n  notify refund_channels\n}\n")
write("inh.gov", INH)
rc, out, err = govc("run", "-p", "inh.gov", "desk.jsonl")
ds = decisions(out)
ok(rc == 0 and notes(ds[1], "notify_inhibited") == [("big_refund", "leads", "project"), ("big_refund", "ops", "project")]
   and notes(ds[0]) == [("big_refund", "ops", "project"), ("big_refund", "risk", "project")],
   "inhibition mutes every channel in force of the target", out + err)

# --- govc test ---------------------------------------------------------------------------
write("t.gov", DESK + """test "billing pages risk" {
  given refund { project: "billing", amount: $900 }
  expect notify risk
  expect notify ops
}
test "support tells the leads, not risk" {
  given refund { project: "support", amount: $900 }
  expect notify leads
  expect not notify risk
}
""")
rc, out, err = govc("test", "t.gov")
ok(rc == 0 and "2 passed" in out + err, "govc test sees the channels in force", out + err)
write("tf.gov", DESK + """test "growth pages risk" {
  given refund { project: "growth", amount: $900 }
  expect notify risk
}
""")
rc, out, err = govc("test", "tf.gov")
ok(rc == 1 and "1 failed" in out + err, "govc test fails when a scope's channel is not told", out + err)

# --- govc diff ----------------------------------------------------------------------------
ONE = DESK.replace("notify refund_channels\n}", "notify ops\n}", 1)
write("one.gov", ONE)
diff_says("one.gov", "desk.gov", "govc diff: a channel replaced by a set whose default holds it is tightened",
          "tightened rule big_refund: notify: ops -> refund_channels")
diff_says("desk.gov", "one.gov", "govc diff: a set replaced by its default's channel is unproven (scopes told more)",
          "unproven  rule big_refund: notify: refund_channels -> ops")
write("risk.gov", DESK.replace("notify refund_channels\n}", "notify risk\n}", 1))
diff_says("desk.gov", "risk.gov", "govc diff: dropping the set's default channel is loosened",
          "loosened  rule big_refund: notify: refund_channels -> risk")
write("less.gov", DESK.replace('refund_channels = [ops, risk]', 'refund_channels = [ops]'))
diff_says("desk.gov", "less.gov", "govc diff: a scope's set losing a channel is loosened",
          "loosened  channel set refund_channels", "removes \"risk\"")
diff_says("less.gov", "desk.gov", "govc diff: a scope's set gaining a channel is tightened",
          "tightened channel set refund_channels", lacks=("loosened  ",))

# --- disassembly --------------------------------------------------------------------------
rc, out, err = govc("build", "desk.gov", "-o", "desk.govb")
rc2, out2, err2 = govc("disasm", "desk.govb")
ok(rc == 0 and rc2 == 0 and "notify ops + channel set L0 refund_channels (can reach leads ops risk)" in out2,
   "govc disasm shows a rule's channel set and every channel it can reach", out2 + err2)

S.finish()
