#!/usr/bin/env python3
"""tests/scoped/run.py: a gate's and a rule's settings set per scope (spec/language.md
§4.2.1, issue 24 item 1), end to end through govc: the value in force per record and
its provenance in the decision, limits files (proved tighten-only when loaded), govc
diff's classification, and the state of a pending gate across a restart (round trip,
and a corrupted entry refused).

Usage: python3 tests/scoped/run.py BUILD/govc. Prints "ok - scoped: NAME" per case."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

GOVC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/govc")
fails = 0


def ok(cond, name, detail=""):
    global fails
    if cond:
        print("ok - scoped: " + name)
    else:
        fails += 1
        print("not ok - scoped: " + name)
        for line in str(detail).splitlines()[:15]:
            print("# " + line)


def govc(*args, stdin=None):
    r = subprocess.run([GOVC] + list(args), input=stdin, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


tmp = tempfile.mkdtemp(prefix="govscoped.")
os.chdir(tmp)


def write(name, text):
    with open(name, "w") as f:
        f.write(text)
    return name


def decisions(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


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
rc, out, err = govc("diff", "sla_const.gov", "sla.gov")
ok(rc == 0 and "tightened gate refund_gate: sla: 8h -> review_sla (the limit's default is no higher, and scopes may only lower it)" in out,
   "govc diff: a constant SLA replaced by a limit with no higher default is tightened", out + err)
rc, out, err = govc("diff", "sla_const.gov", "sla_lim9.gov")
ok(rc == 0 and "loosened  gate refund_gate: sla: 8h -> review_sla (the limit's default is higher)" in out,
   "govc diff: ... with a higher default, loosened", out + err)
rc, out, err = govc("diff", "sla.gov", "sla_short.gov")
ok(rc == 0 and "unproven  gate refund_gate: sla: review_sla -> 1h (scopes may have set the limit lower than the constant)" in out,
   "govc diff: a limit replaced by a constant below its default is unproven", out + err)
write("sla_b1h.gov", (SLA % ("8h", "review_sla")).replace("review_sla = 2h", "review_sla = 1h"))
rc, out, err = govc("diff", "sla.gov", "sla_b1h.gov")
ok(rc == 0 and "tightened" in out and "review_sla" in out and "2h -> 1h" in out,
   "govc diff: a scope's shorter SLA is a limit tightened", out + err)

shutil.rmtree(tmp, ignore_errors=True)
print("# scoped: %d failed" % fails)
sys.exit(1 if fails else 0)
