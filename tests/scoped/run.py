#!/usr/bin/env python3
"""tests/scoped/run.py: a gate's and a rule's settings set per scope (spec/language.md
§4.2.1, issue 24 item 1), end to end through govc: the value in force per record and
its provenance in the decision, limits files (proved tighten-only when loaded), govc
diff's classification, and the state of a pending gate across a restart (round trip,
and a corrupted entry refused).

Usage: python3 tests/scoped/run.py BUILD/govc. Prints "ok - scoped: NAME" per case."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Suite, decisions  # noqa: E402

S = Suite("scoped", detail_lines=15)
GOVC, tmp, ok, govc, write, diff_says = S.govc_path, S.tmp, S.ok, S.govc, S.write, S.diff_says


def actions(ds, typ):
    return [a for d in ds for a in d.get("actions", []) if a["type"] == typ]


# --- (a) a gate's SLA from a max duration limit --------------------------------------
SLA = """policy desk
record refund { amount: money  requested_by: string = "" }
max review_sla = %s
scope project "billing" { review_sla = 2h }
scope project "support" { review_sla = 4h }
gate refund_gate {
  when refund.amount > $200
  approvers "risk@x.example", "lead@x.example"
  sla %s
}
"""
write("sla.gov", SLA % ("8h", "review_sla"))
recs = [
    {"project": "billing", "run_id": "b1", "amount": 900, "at": "2026-12-01T09:00:00Z"},
    {"project": "support", "run_id": "s1", "amount": 900, "at": "2026-12-01T09:00:00Z"},
    {"project": "growth", "agent": "promo", "run_id": "g1", "amount": 900, "at": "2026-12-01T09:00:00Z"},
]
write("sla.jsonl", "".join(json.dumps(r) + "\n" for r in recs))
rc, out, err = govc("run", "-p", "sla.gov", "sla.jsonl")
opens = actions(decisions(out), "gate_open")
ok(rc == 0 and [a["deadline"] for a in opens] == ["2026-12-01T11:00:00Z", "2026-12-01T13:00:00Z", "2026-12-01T17:00:00Z"]
   and [a["sla"]["value"]["text"] for a in opens] == ["2h", "4h", "8h"]
   and [a["sla"]["from"]["level"] for a in opens] == ["project", "project", "default"]
   and opens[0]["sla"]["from"]["at"] == "sla.gov:4:40" and opens[2]["sla"]["from"]["at"] == "sla.gov:3:18",
   "the SLA in force per record, with its provenance on gate_open", out + err)

# The timeouts fall due per gate at its own deadline.
ticks = [{"type": "tick", "at": t} for t in ("2026-12-01T10:59:59Z", "2026-12-01T11:00:00Z", "2026-12-01T13:00:00Z",
                                             "2026-12-01T16:59:00Z", "2026-12-01T17:00:00Z")]
write("sla_ticks.jsonl", "".join(json.dumps(r) + "\n" for r in recs + ticks))
rc, out, err = govc("run", "-p", "sla.gov", "sla_ticks.jsonl")
ds = decisions(out)
tos = [[a["key"] for a in d.get("actions", []) if a["type"] == "gate_timeout"] for d in ds[3:]]
ok(rc == 0 and tos == [[], ["b1"], ["s1"], [], ["g1"]], "each gate times out at its own scope's SLA", tos)

# A limits file sets the SLA per agent, proved tighten-only at load.
write("sla_limits.json", '{"policy":"desk","scopes":[{"agent":"promo","limits":{"review_sla":"30m"}}]}')
rc, out, err = govc("run", "-p", "sla.gov", "--limits", "sla_limits.json", "sla.jsonl")
opens = actions(decisions(out), "gate_open")
ok(rc == 0 and opens[2]["deadline"] == "2026-12-01T09:30:00Z" and opens[2]["sla"]["from"]["at"] == "sla_limits.json:1:68"
   and opens[0]["deadline"] == "2026-12-01T11:00:00Z", "a limits file shortens the SLA for one agent", out + err)
write("sla_long.json", '{"policy":"desk","scopes":[{"project":"billing","limits":{"review_sla":"3h"}}]}')
rc, out, err = govc("run", "-p", "sla.gov", "--limits", "sla_long.json", "sla.jsonl")
ok(rc == 2 and "error[E050]: 'review_sla' = 3h in project \"billing\" loosens 2h from project \"billing\"" in err,
   "a limits file may not lengthen a scope's SLA (E050)", err)
write("sla_zero.json", '{"policy":"desk","scopes":[{"agent":"promo","limits":{"review_sla":"0s"}}]}')
rc, out, err = govc("run", "-p", "sla.gov", "--limits", "sla_zero.json", "sla.jsonl")
ok(rc == 2 and "SLA" in err and "positive" in err and out == "", "a limits file may not set an SLA of zero", err)

# State: a pending gate with a scope's SLA survives a restart and still times out at
# its own deadline (tests/corpus flips every bit of such a state, policies/refund_desk).
rc1, out1, err1 = govc("run", "-p", "sla.gov", "--state", "s.state", "sla.jsonl")
write("later.jsonl", "".join(json.dumps(t) + "\n" for t in ticks))
rc2, out2, err2 = govc("run", "-p", "sla.gov", "--state", "s.state", "later.jsonl")
tos2 = [[a["key"] for a in d.get("actions", []) if a["type"] == "gate_timeout"] for d in decisions(out2)]
ok(rc1 == 0 and rc2 == 0 and tos2 == tos, "a pending gate's scoped SLA survives a restart through --state",
   str(tos2) + err1 + err2)
# govc diff: a constant SLA replaced by a limit, and back.
write("sla_const.gov", SLA % ("8h", "8h"))
write("sla_short.gov", SLA % ("8h", "1h"))
write("sla_lim9.gov", SLA % ("9h", "review_sla"))
diff_says("sla_const.gov", "sla.gov",
          "govc diff: a constant SLA replaced by a limit with no higher default is tightened",
          "tightened gate refund_gate: sla: 8h -> review_sla (the limit's default is no higher, and scopes may only lower it)")
diff_says("sla_const.gov", "sla_lim9.gov", "govc diff: ... with a higher default, loosened",
          "loosened  gate refund_gate: sla: 8h -> review_sla (the limit's default is higher)")
diff_says("sla.gov", "sla_short.gov", "govc diff: a limit replaced by a constant below its default is unproven",
          "unproven  gate refund_gate: sla: review_sla -> 1h (scopes may have set the limit lower than the constant)")
write("sla_b1h.gov", (SLA % ("8h", "review_sla")).replace("review_sla = 2h", "review_sla = 1h"))
diff_says("sla.gov", "sla_b1h.gov", "govc diff: a scope's shorter SLA is a limit tightened", "tightened", "review_sla",
          "2h -> 1h")

# --- (b) a gate's approvers from an allowlist -----------------------------------------
APPR = """policy routes
record refund { amount: money  requested_by: string = "" }
allowlist deciders = %s
scope project "billing" { deciders = ["risk@x.example", "kim@x.example"] }
scope project "support" { deciders = ["ana@x.example", "raj@x.example"] }
gate refund_gate {
  when refund.amount > $200
  approvers %s
  requester refund.requested_by
  sla 4h
}
"""
ALL = '["risk@x.example", "kim@x.example", "ana@x.example", "raj@x.example"]'
write("appr.gov", APPR % (ALL, "deciders"))
recs = [
    {"project": "billing", "run_id": "b1", "amount": 900, "requested_by": "bot", "at": "2026-12-01T09:00:00Z"},
    {"project": "support", "run_id": "s1", "amount": 900, "requested_by": "bot", "at": "2026-12-01T09:00:00Z"},
    {"project": "growth", "run_id": "g1", "amount": 900, "requested_by": "bot", "at": "2026-12-01T09:00:00Z"},
    {"project": "billing", "run_id": "b2", "amount": 900, "requested_by": "kim@x.example", "at": "2026-12-01T09:00:00Z"},
]
write("appr.jsonl", "".join(json.dumps(r) + "\n" for r in recs))
rc, out, err = govc("run", "-p", "appr.gov", "appr.jsonl")
ds = decisions(out)
opens = actions(ds, "gate_open")
ok(rc == 0 and [a["approvers"] for a in opens] ==
   [["kim@x.example", "risk@x.example"], ["ana@x.example", "raj@x.example"],
    ["ana@x.example", "kim@x.example", "raj@x.example", "risk@x.example"], ["kim@x.example", "risk@x.example"]]
   and [a["approvers_limit"]["from"]["level"] for a in opens] == ["project", "project", "default", "project"]
   and opens[0]["approvers_limit"] == {"name": "deciders", "from": {"level": "project", "scope": "billing",
                                       "path": "project:billing", "at": "appr.gov:4:38"}},
   "the approver set in force per record, with its provenance on gate_open", out + err)
ids = {a["key"]: a["gate_id"] for a in opens}


def approve(gate_id, by, at="2026-12-01T10:00:00Z", typ="approve"):
    return json.dumps({"type": typ, "gate_id": gate_id, "by": by, "at": at}) + "\n"


events = (approve(ids["b1"], "ana@x.example") + approve(ids["s1"], "risk@x.example") +
          approve(ids["g1"], "raj@x.example") + approve(ids["b2"], "kim@x.example") +
          approve(ids["b1"], "kim@x.example") + approve(ids["s1"], "raj@x.example", typ="reject"))
write("appr_ev.jsonl", "".join(json.dumps(r) + "\n" for r in recs) + events)
rc, out, err = govc("run", "-p", "appr.gov", "appr_ev.jsonl")
ev = [[(a["type"], a.get("reason")) for a in d["actions"]] for d in decisions(out)[4:]]
ok(rc == 0 and ev == [[("refused", "not an approver of this gate")], [("refused", "not an approver of this gate")],
                      [("gate_approved", None)],
                      [("refused", "separation of duties: the run's requester may not approve it")],
                      [("gate_approved", None)], [("gate_rejected", None)]],
   "approvals count only from the scope's approvers (billing's risk team, support's leads, anyone elsewhere), "
   "the requester excluded", ev)

# State: the approver set a gate opened with is kept across a restart.
rc1, out1, err1 = govc("run", "-p", "appr.gov", "--state", "a.state", "appr.jsonl")
write("appr_later.jsonl", events)
rc2, out2, err2 = govc("run", "-p", "appr.gov", "--state", "a.state", "appr_later.jsonl")
ev2 = [[(a["type"], a.get("reason")) for a in d["actions"]] for d in decisions(out2)]
ok(rc1 == 0 and rc2 == 0 and ev2 == ev, "a pending gate's approver set survives a restart through --state",
   str(ev2) + err1 + err2)

# A quorum counts the scope's approvers; approved_by names them.
write("appr2.gov", (APPR % (ALL, "2 of deciders")))
rc, out, err = govc("run", "-p", "appr2.gov", "appr.jsonl")
ids2 = {a["key"]: a["gate_id"] for a in actions(decisions(out), "gate_open")}
blocked = actions(decisions(out), "gate_blocked")
write("appr2_ev.jsonl", "".join(json.dumps(r) + "\n" for r in recs) + approve(ids2["b1"], "risk@x.example") +
      approve(ids2["b1"], "kim@x.example"))
rc, out, err = govc("run", "-p", "appr2.gov", "appr2_ev.jsonl")
d5, d6 = decisions(out)[4:6]
ok(rc == 0 and [b["key"] for b in blocked] == ["b2"] and
   blocked[0]["reason"] == "the quorum cannot be met without the run's requester" and
   d5["actions"][0]["type"] == "gate_approval" and d5["actions"][0]["approved_by"] == ["risk@x.example"] and
   d6["actions"][0]["type"] == "gate_approved" and d6["actions"][0]["approved_by"] == ["kim@x.example", "risk@x.example"],
   "2 of the scope's approvers: billing's requester from its own set cannot leave a quorum; approved_by from the set",
   out + err)

# A limits file sets an approver set (issue 24 item 7): a subset of what the scope
# inherits, proved when loaded; the gate opened under the entry takes it, with the
# file as its provenance; one that adds an approver is refused (E050, E055's wording).
write("appr_limits.json", '{"policy":"routes","scopes":[{"project":"support","agent":"x",'
      '"limits":{"deciders":["ana@x.example"]}}]}')
write("appr_x.jsonl", json.dumps({"project": "support", "agent": "x", "run_id": "x1", "amount": 900,
                                  "requested_by": "bot", "at": "2026-12-01T09:00:00Z"}) + "\n")
rc, out, err = govc("run", "-p", "appr.gov", "--limits", "appr_limits.json", "appr_x.jsonl")
opens = actions(decisions(out), "gate_open") if rc == 0 else []
ok(rc == 0 and [a["approvers"] for a in opens] == [["ana@x.example"]] and
   opens[0]["approvers_limit"]["from"]["at"] == "appr_limits.json:1:84",
   "a limits file sets an approver set, and the gate takes it", out + err)
write("appr_loose.json", '{"policy":"routes","scopes":[{"project":"support","agent":"x",'
      '"limits":{"deciders":["ana@x.example","kim@x.example"]}}]}')
rc, out, err = govc("run", "-p", "appr.gov", "--limits", "appr_loose.json", "appr.jsonl")
ok(rc == 2 and "error[E050]: 'deciders' in agent \"x\" in project \"support\" allows \"kim@x.example\", which project "
   "\"support\" does not (an allowlist may only lose members)" in err and out == "",
   "a limits file may not add an approver", err)

# govc diff: a list replaced by a limit whose default is no wider is tightened; by a
# wider one, loosened; a limit replaced by a list, unproven or loosened.
write("appr_list.gov", APPR % (ALL, '"risk@x.example", "kim@x.example", "ana@x.example", "raj@x.example"'))
write("appr_few.gov", APPR % (ALL, '"risk@x.example"'))
write("appr_more.gov", APPR % (ALL, '"risk@x.example", "kim@x.example", "ana@x.example", "raj@x.example", "zed@x.example"'))
diff_says("appr_list.gov", "appr.gov", "govc diff: a list replaced by an allowlist with the same default is tightened",
          "tightened gate refund_gate: approvers:", "scopes may only remove approvers")
diff_says("appr_few.gov", "appr.gov", "govc diff: ... with a wider default, loosened",
          "loosened  gate refund_gate: approvers:")
diff_says("appr.gov", "appr_few.gov", "govc diff: an allowlist replaced by a narrower list is unproven",
          "unproven  gate refund_gate: approvers:", "scopes may have narrowed the old limit")
diff_says("appr.gov", "appr_more.gov", "govc diff: ... by a wider list, loosened",
          "loosened  gate refund_gate: approvers:")
write("appr_b1.gov", (APPR % (ALL, "deciders")).replace('["risk@x.example", "kim@x.example"]', '["risk@x.example"]'))
diff_says("appr.gov", "appr_b1.gov", "govc diff: a scope's narrower approver set is the allowlist tightened",
          "tightened", "deciders", lacks=("approvers:",))

# --- (a) a gate's timeout outcome from a min verdict limit ---------------------------
TO = """policy tdesk
record refund { amount: money }
min review_timeout = allow
scope project "billing" { review_timeout = block }
gate refund_gate {
  when refund.amount > $200
  approvers "risk@x.example"
  sla 1h
  on timeout %s
}
"""
write("to.gov", TO % "review_timeout")
recs = [{"project": "billing", "run_id": "b1", "amount": 900, "at": "2026-12-01T09:00:00Z"},
        {"project": "growth", "agent": "promo", "run_id": "g1", "amount": 900, "at": "2026-12-01T09:00:00Z"}]
tick = [{"type": "tick", "at": "2026-12-01T10:00:00Z"}]
write("to.jsonl", "".join(json.dumps(r) + "\n" for r in recs + tick))
rc, out, err = govc("run", "-p", "to.gov", "to.jsonl")
ds = decisions(out)
opens = actions(ds, "gate_open")
tos = [(a["key"], a["outcome"], a["verdict"]) for a in actions(ds, "gate_timeout")]
ok(rc == 0 and [a["on_timeout"]["outcome"] for a in opens] == ["deny", "allow"]
   and opens[0]["on_timeout"]["from"]["at"] == "to.gov:4:44" and opens[1]["on_timeout"]["from"]["level"] == "default"
   and tos == [("b1", "deny", "block"), ("g1", "allow", "allow")],
   "the timeout outcome in force per record: billing denies, elsewhere allows; provenance on gate_open",
   out + err)
write("to_recs.jsonl", "".join(json.dumps(r) + "\n" for r in recs))
write("to_tick.jsonl", "".join(json.dumps(r) + "\n" for r in tick))
rc1, _, err1 = govc("run", "-p", "to.gov", "--state", "t.state", "to_recs.jsonl")
rc2, out2, err2 = govc("run", "-p", "to.gov", "--state", "t.state", "to_tick.jsonl")
tos2 = [(a["key"], a["outcome"], a["verdict"]) for a in actions(decisions(out2), "gate_timeout")]
ok(rc1 == 0 and rc2 == 0 and tos2 == tos, "the timeout outcome a gate opened with survives a restart", str(tos2) + err1 + err2)
write("to_l.json", '{"policy":"tdesk","scopes":[{"agent":"promo","limits":{"review_timeout":"block"}}]}')
rc, out, err = govc("run", "-p", "to.gov", "--limits", "to_l.json", "to.jsonl")
tos3 = [(a["key"], a["outcome"]) for a in actions(decisions(out), "gate_timeout")]
ok(rc == 0 and tos3 == [("b1", "deny"), ("g1", "deny")], "a limits file makes one agent's timeout deny", out + err)
write("to_l2.json", '{"policy":"tdesk","scopes":[{"project":"billing","agent":"x","limits":{"review_timeout":"allow"}}]}')
rc, out, err = govc("run", "-p", "to.gov", "--limits", "to_l2.json", "to.jsonl")
ok(rc == 2 and "error[E050]: 'review_timeout' = allow" in err and "loosens block" in err,
   "a limits file may not turn billing's deny into allow (E050)", err)
write("to_l3.json", '{"policy":"tdesk","scopes":[{"project":"growth","limits":{"review_timeout":"pause"}}]}')
rc, out, err = govc("run", "-p", "to.gov", "--limits", "to_l3.json", "to.jsonl")
ok(rc == 2 and "not allow or block" in err and out == "", "a limits file may not set a timeout outcome of pause", err)
write("to_deny.gov", TO % "deny")
write("to_allow.gov", TO % "allow")
diff_says("to_deny.gov", "to.gov", "govc diff: deny replaced by a limit whose default allows is loosened",
          "loosened  gate refund_gate: on timeout: deny -> review_timeout (the limit's default is looser)")
diff_says("to_allow.gov", "to.gov", "govc diff: allow replaced by a limit is tightened",
          "tightened gate refund_gate: on timeout: allow -> review_timeout")
diff_says("to.gov", "to_deny.gov", "govc diff: a limit replaced by deny is unproven",
          "unproven  gate refund_gate: on timeout: review_timeout -> deny")

# --- (b) a rule's severity from a min severity limit (spec/language.md §4.1.1) -------
SEV = """policy sdesk
record refund { amount: money }
channel ops = slack "#ops"
escalation page { notify ops }
min refund_severity = warning
scope project "billing" { refund_severity = critical }
rule big_refund {
  when refund.amount > $500
  severity %s
  notify ops
  escalate page
}
rule odd_refund {
  when refund.amount > $400
  severity %s
  verdict review
}
"""
write("sev.gov", SEV % ("refund_severity", "refund_severity"))
recs = [{"project": "billing", "agent": "a1", "run_id": "b1", "amount": 900, "at": "2026-12-01T09:00:00Z"},
        {"project": "growth", "agent": "a2", "run_id": "g1", "amount": 900, "at": "2026-12-01T09:00:00Z"}]
write("sev.jsonl", "".join(json.dumps(r) + "\n" for r in recs))
rc, out, err = govc("run", "-p", "sev.gov", "sev.jsonl")
ds = decisions(out)
fs = [[(f["rule"], f["severity"], f["verdict"], f["severity_limit"]["from"]["level"]) for f in d["findings"]] for d in ds]
ok(rc == 0 and fs == [[("big_refund", "critical", "block", "project"), ("odd_refund", "critical", "review", "project")],
                      [("big_refund", "warning", "warn", "default"), ("odd_refund", "warning", "review", "default")]]
   and [d["verdict"] for d in ds] == ["block", "review"]
   and ds[0]["findings"][0]["severity_limit"]["from"]["at"] == "sev.gov:6:45",
   "the severity in force per record; the verdict follows it unless the rule gives one; provenance", out + err)
notes = [(a["severity"]) for a in actions(ds, "notify")]
steps = [(a["key"], a["severity"]) for a in actions(ds, "escalation_step")]
ok(notes == ["critical", "warning"] and steps == [("a1", "critical"), ("a2", "warning")],
   "notifications and escalations carry the severity in force", out + err)
# An escalation started at critical is saved with that severity and loads again.
write("sev1.jsonl", json.dumps(recs[0]) + "\n")
write("sev2.jsonl", json.dumps({"type": "tick", "at": "2026-12-01T09:30:00Z"}) + "\n")
rc1, _, err1 = govc("run", "-p", "sev.gov", "--state", "sev.state", "sev1.jsonl")
rc2, out2, err2 = govc("run", "-p", "sev.gov", "--state", "sev.state", "sev2.jsonl")
ok(rc1 == 0 and rc2 == 0, "an escalation at a scope's severity survives a restart", err1 + err2)
write("sev_l.json", '{"policy":"sdesk","scopes":[{"agent":"a2","limits":{"refund_severity":"critical"}}]}')
rc, out, err = govc("run", "-p", "sev.gov", "--limits", "sev_l.json", "sev.jsonl")
fs = [d["findings"][0]["severity"] for d in decisions(out)]
ok(rc == 0 and fs == ["critical", "critical"], "a limits file raises one agent's severity (a severity word)", out + err)
write("sev_l2.json", '{"policy":"sdesk","scopes":[{"project":"billing","agent":"x","limits":{"refund_severity":"info"}}]}')
rc, out, err = govc("run", "-p", "sev.gov", "--limits", "sev_l2.json", "sev.jsonl")
ok(rc == 2 and "error[E050]: 'refund_severity' = info" in err and "loosens critical" in err and out == "",
   "a limits file may not lower a severity (E050)", err)
write("sev_l3.json", '{"policy":"sdesk","scopes":[{"project":"growth","limits":{"refund_severity":"block"}}]}')
rc, out, err = govc("run", "-p", "sev.gov", "--limits", "sev_l3.json", "sev.jsonl")
ok(rc == 2 and "must be severity" in err and out == "", "a limits file's severity must be a severity word", err)
# E081 across scopes: an inhibitor at warning may mute a target whose severity is a limit
# only while no scope can raise the target above it; a limits file that would is refused.
INH = """policy idesk
record refund { amount: money }
channel ops = slack "#ops"
min refund_severity = warning
rule burst {
  when refund.amount > $800
  severity warning
  notify ops
  inhibit big_refund
}
rule big_refund {
  when refund.amount > $500
  severity refund_severity
  notify ops
}
"""
write("inh.gov", INH)
rc, out, err = govc("run", "-p", "inh.gov", "sev.jsonl")
ok(rc == 0 and all(a["type"] != "notify" or a["rule"] == "burst" for d in decisions(out) for a in d["actions"]),
   "an inhibitor as severe as the target's every value mutes it", out + err)
write("inh_l.json", '{"policy":"idesk","scopes":[{"project":"billing","limits":{"refund_severity":"critical"}}]}')
rc, out, err = govc("run", "-p", "inh.gov", "--limits", "inh_l.json", "sev.jsonl")
ok(rc == 2 and "may be more severe than 'burst'" in err and out == "",
   "a limits file that raises an inhibited rule above its inhibitor is refused", err)
write("inh2.gov", INH.replace("min refund_severity = warning", "min refund_severity = warning\n"
                              "scope project \"billing\" { refund_severity = critical }"))
rc, out, err = govc("check", "inh2.gov")
ok(rc == 1 and "error[E081]: rule 'burst' (warning) may not mute 'big_refund', which can be critical" in err,
   "E081: a target a scope raises above its inhibitor", err)
# govc diff: constant <-> limit by the limit's default.
write("sev_w.gov", SEV % ("warning", "warning"))
write("sev_c.gov", SEV % ("critical", "critical"))
write("sev_i.gov", SEV % ("info", "info"))
diff_says("sev_w.gov", "sev.gov", "govc diff: a constant replaced by a limit whose default is no lower is tightened",
          "tightened rule big_refund: severity: warning -> refund_severity", lacks=("loosened  rule",))
diff_says("sev.gov", "sev_w.gov",
          "govc diff: a limit replaced by its default's constant is unproven (scopes raised it)",
          "unproven  rule big_refund: severity: refund_severity -> warning")
diff_says("sev.gov", "sev_i.gov",
          "govc diff: a limit replaced by a lower constant is loosened, and its verdict with it",
          "loosened  rule big_refund: severity: refund_severity -> info",
          "loosened  rule big_refund: verdict: refund_severity's (warn) -> allow")
diff_says("sev.gov", "sev_c.gov", "govc diff: a limit replaced by critical is tightened",
          "tightened rule big_refund: severity: refund_severity -> critical")
write("sev_b.gov", (SEV % ("refund_severity", "refund_severity")).replace('refund_severity = critical }',
                                                                        'refund_severity = warning }'))
diff_says("sev.gov", "sev_b.gov", "govc diff: a scope's lower severity is the limit loosened", "loosened",
          "refund_severity", lacks=("big_refund",))

# Text and explain name where a severity, an SLA, approvers and a timeout came from.
rc, out, err = govc("run", "--format", "text", "-p", "sev.gov", "sev.jsonl")
ok(rc == 0 and '[severity refund_severity critical from project "billing" at sev.gov:6:45]' in out
   and "[severity refund_severity warning, the default, at sev.gov:5:23]" in out,
   "govc run --format text: a finding's severity in force and where it came from", out + err)
rc, out, err = govc("explain", "-p", "sev.gov", "-", stdin=json.dumps(recs[0]) + "\n")
ok(rc == 0 and 'severity of big_refund: refund_severity critical from project "billing" at sev.gov:6:45 => block' in out,
   "govc explain: a finding's severity in force and where it came from", out + err)
rc, out, err = govc("run", "--format", "text", "-p", "to.gov", "to.jsonl")
ok(rc == 0 and '(on timeout review_timeout deny from project "billing" at to.gov:4:44)' in out
   and "(on timeout review_timeout allow, the default, at to.gov:3:22)" in out,
   "govc run --format text: gate_open names its timeout outcome's limit and provenance", out + err)
rc, out, err = govc("run", "--format", "text", "-p", "sla.gov", "sla.jsonl")
ok(rc == 0 and '(sla review_sla 2h from project "billing" at sla.gov:4:40)' in out
   and "(sla review_sla 8h, the default, at sla.gov:3:18)" in out,
   "govc run --format text: gate_open names its SLA's limit, value and provenance", out + err)
rc, out, err = govc("explain", "-p", "appr.gov", "-", stdin=open("appr.jsonl").readline())
ok(rc == 0 and "(approvers deciders from project" in out,
   "govc explain: gate_open names its approver set's limit and provenance", out + err)

S.finish(summary=True)
