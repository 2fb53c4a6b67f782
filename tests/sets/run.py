#!/usr/bin/env python3
"""tests/sets/run.py GOVC: allowlist and denylist limits at run time (spec/language.md §5.1).

The value in force per scope decides membership; the trace names the scope that set it
(decided_by) and the member that admitted the value; an empty allowlist admits nothing
and the trace says so; of two equally specific matching blocks the tighter set wins;
list fields read JSON arrays of strings and refuse anything else. Decisions are the same
with and without a trace.
"""
import json
import os
import subprocess
import sys

govc = sys.argv[1] if len(sys.argv) > 1 else "build/govc"
here = os.path.dirname(os.path.abspath(__file__))
policy = os.path.join(here, "tools.gov")
fails = 0


def ok(name, cond, why=""):
    global fails
    print(("ok - " if cond else "not ok - ") + name)
    if not cond:
        fails += 1
        print("# " + why.replace("\n", "\n# "))


def run(records, trace=True):
    lines = "".join(json.dumps(dict(r, at="2026-01-01T00:00:00Z")) + "\n" for r in records)
    args = [govc, "run", "-p", policy] + (["--trace"] if trace else []) + ["-"]
    p = subprocess.run(args, input=lines, capture_output=True, text=True)
    return [json.loads(l) for l in p.stdout.splitlines()], p


def limit(dec, rule, name):
    for r in dec["trace"]["rules"]:
        if r["rule"] == rule:
            for l in r["limits"]:
                if l["name"] == name:
                    return r, l
    return None, None


cases = [
    {"tool": "refund", "data": []},                                   # default: allowed
    {"tool": "refund", "tenant": "acme", "data": []},                 # acme: not allowed
    {"tool": "kb_admin", "tenant": "acme", "data": ["phi"]},          # glob member; phi denied in acme
    {"tool": "search", "tenant": "acme", "agent": "frozen", "data": []},  # empty allowlist
    {"tool": "kb_lookup", "project": "p", "workflow": "w", "data": []},   # one block: allowed
    {"tool": "kb_lookup", "tenant": "acme", "project": "p", "workflow": "w", "data": []},  # tie: tighter wins
    {"tool": "search", "data": "pii"},                                # not a list
    {"tool": "search", "data": ["ok", 3]},                            # not all strings
    {"tool": "search", "data": ["a\u0000b"]},                         # NUL in an element
]
decs, p = run(cases)
ok("runs", p.returncode in (0, 1) and len(decs) == len(cases), p.stderr)
v = [d["verdict"] for d in decs]
ok("verdicts", v == ["allow", "block", "review", "block", "allow", "block", None, None, None], str(v))

r, l = limit(decs[1], "tool_not_allowed", "tools")
ok("provenance: acme's set decided, with its members",
   l is not None and l["dir"] == "allow" and l["decided_by"]["path"] == "tenant:acme"
   and l["value"]["value"] == ["search", "kb_*"] and l["value"]["size"] == 2, json.dumps(l))
ok("default set decided for a record in no scope",
   limit(decs[0], "tool_not_allowed", "tools")[1]["decided_by"]["level"] == "default", json.dumps(decs[0]["trace"]))

r, l = limit(decs[2], "tool_not_allowed", "tools")
cmp = r["compared"][0] if r else {}
ok("the glob member that admitted the value is named", cmp.get("op") == "in" and cmp.get("member") == "kb_*"
   and cmp.get("result") is True, json.dumps(cmp))
r, l = limit(decs[2], "denied_data", "classes")
cmp = r["compared"][0] if r else {}
ok("any_in names the element and the member", l and l["dir"] == "deny" and cmp.get("element") == "phi"
   and cmp.get("member") == "phi", json.dumps(r))

r, l = limit(decs[3], "tool_not_allowed", "tools")
ok("an empty allowlist means nothing, and the trace says so",
   l and l["value"]["size"] == 0 and l["value"].get("text") == "empty: allows nothing"
   and l["decided_by"]["path"] == "tenant:acme/agent:frozen", json.dumps(l))

r, l = limit(decs[5], "tool_not_allowed", "tools")
ok("equally specific blocks: the tighter set wins", l and l["value"]["value"] == ["search"]
   and l["decided_by"]["path"] == "tenant:acme/workflow:w", json.dumps(l))

errs = [d.get("error", {}).get("code") for d in decs[6:]]
ok("list fields refuse what is not an array of strings", errs == ["GOV_EFIELD"] * 3, str(errs))

plain, _ = run(cases, trace=False)
strip = [{k: x for k, x in d.items() if k != "trace"} for d in decs]
ok("the same decisions without a trace", plain == strip)

# The same with the looser block first in the source: the tighter still wins (the
# compiler numbers a limit's sets tightest first, not in source order).
import tempfile
src = open(policy).read()
block = 'scope project "p" {\n  scope workflow "w" { tools = ["search", "kb_lookup"] }\n}\n'
assert block in src
swapped = src.replace(block, "").replace("scope tenant \"acme\" {", block + "scope tenant \"acme\" {", 1)
with tempfile.TemporaryDirectory() as t:
    alt = os.path.join(t, "swapped.gov")
    with open(alt, "w") as f:
        f.write(swapped)
    saved, policy = policy, alt
    d2, _ = run(cases[5:6])
    policy = saved
r, l = limit(d2[0], "tool_not_allowed", "tools") if d2 else (None, None)
ok("equally specific blocks, looser first in the source: the tighter set wins",
   l and l["value"]["value"] == ["search"] and d2[0]["verdict"] == "block", json.dumps(l))

# The text form lists a set's members.
p = subprocess.run([govc, "run", "--format", "text", "-p", policy, "-"], capture_output=True, text=True,
                   input=json.dumps(dict(cases[1], at="2026-01-01T00:00:00Z")) + "\n")
ok("text shows the set in force", '"refund" in ["search", "kb_*"] (tools ["search", "kb_*"] from tenant "acme"'
   in p.stdout, p.stdout)
sys.exit(1 if fails else 0)
