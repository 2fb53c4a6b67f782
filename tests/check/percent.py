#!/usr/bin/env python3
"""percent.py GOVC: percent literals are exact (issue 27.1).

A literal `D%` must denote the same double as the decimal D with its point moved two
places (33.3% is 0.333, not 33.3 / 100 = 0.33299999999999996), in the checker's folding,
in the compiled constant, and in a record's percent field read by the VM. The literals:
every percent literal in policies/, and a generated set (every tenth of a percent, and
seeded random decimals with up to 6 fractional digits). For each, the decimal form comes
from Python's correctly rounded float() of the moved-point string.

- Checker: `min p = D%` overridden in a scope by the decimal, and `min d = decimal`
  overridden by `D%`: equal values, so neither direction may be E050.
- Compiler: the disassembly's constants of both limits are the decimal's double.
- VM: `{"q_pct": D}` read by a field `ratio ... in percent` is the decimal's double.
Prints ok/not ok lines."""
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

GOVC = sys.argv[1] if len(sys.argv) > 1 else "build/govc"
fails = 0


def report(ok, name, why=""):
    global fails
    print(("ok - " if ok else "not ok - ") + name)
    if not ok:
        fails += 1
        for line in str(why).splitlines()[:20]:
            print("# " + line)


def moved(lit):
    """'33.3' -> '0.333': the decimal with its point moved two places, exactly."""
    return format(Decimal(lit).scaleb(-2), "f")


lits = set()
for f in glob.glob("policies/**/*.gov", recursive=True):
    for m in re.finditer(r"(?<![\w.])(\d[\d_]*(?:\.\d+)?)%", open(f, encoding="utf-8").read()):
        lits.add(m.group(1).replace("_", ""))
from_policies = len(lits)
for k in range(0, 1001):
    lits.add(format(Decimal(k) / 10, "f"))
rng = random.Random(27)
for _ in range(1500):
    whole = rng.randrange(0, 100)
    frac = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 7)))
    lits.add("%d.%s" % (whole, frac))
lits = sorted(lits, key=Decimal)
report(from_policies >= 10, "percent literals found in policies/ (%d)" % from_policies)

tmp = tempfile.mkdtemp(prefix="govpct.")
src = os.path.join(tmp, "pct.gov")
with open(src, "w") as out:
    out.write('policy pct\nrecord run {\n  x: float\n  q: ratio from "q_pct" in percent\n}\n')
    for i, lit in enumerate(lits):
        out.write("min p%d = %s%%\nmin d%d = %s\n" % (i, lit, i, moved(lit)))
    out.write('scope agent "a" {\n')
    for i, lit in enumerate(lits):
        out.write("  p%d = %s\n  d%d = %s%%\n" % (i, moved(lit), i, lit))
    out.write("}\n")
    for i in range(len(lits)):
        out.write("rule r%d { when run.x < p%d or run.x < d%d }\n" % (i, i, i))
    out.write("rule q { when run.q >= 0.0 }\n")

r = subprocess.run([GOVC, "check", src], capture_output=True, text=True)
e050 = [l for l in r.stderr.splitlines() if "E050" in l]
report(r.returncode == 0 and not e050, "checker: %d percent literals equal their decimals both ways" % len(lits),
       "\n".join(e050[:10]) or r.stderr)

govb = os.path.join(tmp, "pct.govb")
r = subprocess.run([GOVC, "build", "-o", govb, src], capture_output=True, text=True)
report(r.returncode == 0, "build", r.stderr)
dis = subprocess.run([GOVC, "disasm", govb], capture_output=True, text=True).stdout
vals = {}
for m in re.finditer(r"^  L\d+ min ([pd]\d+) \w+ default K\d+=(\{.*?\}) at", dis, re.M):
    vals[m.group(1)] = json.loads(m.group(2))["value"]
bad = []
for i, lit in enumerate(lits):
    want = float(moved(lit))
    for name in ("p%d" % i, "d%d" % i):
        if vals.get(name) != want:
            bad.append("%s%% -> %s %r, want %r" % (lit, name, vals.get(name), want))
report(not bad and len(vals) == 2 * len(lits), "compiled constants are the decimals' doubles", "\n".join(bad[:10]))

recs = os.path.join(tmp, "recs.jsonl")
with open(recs, "w") as out:
    for lit in lits:
        out.write('{"at":"2026-01-31T09:30:00Z","x":1,"q_pct":%s}\n' % lit)
r = subprocess.run([GOVC, "run", "-p", govb, recs], capture_output=True, text=True)
bad = []
got = 0
for lit, line in zip(lits, r.stdout.splitlines()):
    d = json.loads(line)
    f = [f for f in d["findings"] if f["rule"] == "q"]
    if not f:
        bad.append("%s: rule q did not fire: %s" % (lit, line[:200]))
        continue
    got += 1
    v = f[0]["compared"][0]["lhs"]["value"]
    if v != float(moved(lit)):
        bad.append("%s percent in a record -> %r, want %r" % (lit, v, float(moved(lit))))
report(not bad and got == len(lits), "a record's percent field is the decimal's double (%d records)" % got,
       "\n".join(bad[:10]) or r.stderr)
for p in os.listdir(tmp):
    os.remove(os.path.join(tmp, p))
os.rmdir(tmp)
sys.exit(1 if fails else 0)
