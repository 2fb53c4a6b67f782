#!/usr/bin/env python3
"""tests/vm/explain.py GOVC: decisions are the same with and without a trace.

The VM runs plain rules untracked, in one dispatch loop, and runs a rule again
tracked only when it fires, to explain it (vm/vm_run.h); a trace is rendered after
the evaluation by running every plain rule's code tracked (spec/trace.md 3). The
findings (compared values, limits and their provenance, windows, drifts), actions,
verdicts and errors must not depend on whether a trace was asked for, and the rules the
trace's tracked runs say fired must be, in order, the rules of the decision's findings
(which the untracked scan found). Each example policy on its records, and each events
case on its stream, is run both ways; the decisions, less the trace member, must be
equal line for line.
"""
import json
import os
import re
import subprocess
import shutil
import sys
import tempfile

govc = sys.argv[1] if len(sys.argv) > 1 else "build/govc"
hosts = os.path.join(os.path.dirname(govc), "hosts")
tmp = tempfile.mkdtemp()
cases = []
for d in sorted(os.listdir("policies")):
    rec = f"policies/{d}/records.jsonl"
    if os.path.exists(rec):
        cases.append((f"policies/{d}", f"policies/{d}", rec))
# make bench's generated policies: 248 scope blocks of overrides, windows, gates
gen = ["python3", "tests/bench/gen.py"]
subprocess.run(gen + ["records", "3000", "11", f"{tmp}/records.jsonl"], check=True)
for args in (["50"], ["50", "--gates"], ["50", "--windows"], ["10", "--flat"]):
    out = f"{tmp}/bench_{'_'.join(a.strip('-') for a in args)}.gov"
    subprocess.run(gen + ["policy", *args, out], check=True)
    cases.append((f"bench {' '.join(args)}", out, f"{tmp}/records.jsonl"))
# the events suite's stream/policy pairs, read from its case list
src = open("tests/events/run.sh").read()
block = re.search(r"<<'CASES'\n(.*?)\nCASES", src, re.S).group(1)
for line in block.splitlines():
    name, policy = line.split()
    cases.append((f"events {name}", f"tests/events/{policy}.gov", f"tests/events/{name}.jsonl"))
for f in sorted(os.listdir("tests/drift")):
    if f.endswith(".jsonl") and os.path.exists(f"tests/drift/{f[:-6]}.gov"):
        cases.append((f"drift {f[:-6]}", f"tests/drift/{f[:-6]}.gov", f"tests/drift/{f}"))

fails = 0
for name, pol, rec in cases:
    base = os.path.basename(pol.rstrip("/")).removesuffix(".gov")
    hl = ["--host-lib", f"{hosts}/{base}.so"] if os.path.exists(f"{hosts}/{base}.so") else []
    plain = subprocess.run([govc, "run", *hl, "-p", pol, rec], capture_output=True, text=True)
    traced = subprocess.run([govc, "run", *hl, "--trace", "-p", pol, rec], capture_output=True, text=True)
    why = None
    a, b = plain.stdout.splitlines(), traced.stdout.splitlines()
    if plain.returncode != traced.returncode:
        why = f"exit {plain.returncode} without a trace, {traced.returncode} with"
    elif len(a) != len(b):
        why = f"{len(a)} decisions without a trace, {len(b)} with"
    elif not a:
        why = "no decisions: " + plain.stderr.strip()[:200]
    else:
        nfind = 0
        for i, (x, y) in enumerate(zip(a, b)):
            dx, dy = json.loads(x), json.loads(y)
            if "trace" not in dy:
                why = f"line {i + 1}: --trace gave no trace"
                break
            tr = dy.pop("trace")
            fired = [r["rule"] for r in tr.get("rules", []) if r.get("fired")]
            found = [f["rule"] for f in dx.get("findings", [])]
            if fired != found:
                why = f"line {i + 1}: the trace says {fired} fired, the findings are {found}"
                break
            if dx != dy:
                why = f"line {i + 1}:\n#  plain  {x}\n#  traced {json.dumps(dy)}"
                break
            nfind += len(dx.get("findings", []))
        if not why and nfind == 0 and not name.startswith("events"):
            why = "no rule fired on these records: nothing compared"
    if why:
        fails += 1
        print(f"not ok - explain {name}\n# {why}")
    else:
        print(f"ok - explain {name}")
shutil.rmtree(tmp)
sys.exit(1 if fails else 0)
