#!/usr/bin/env python3
"""order.py GOVC: a drift takes every record whatever the declarations around it.

Declaration order does not matter (spec/language.md §4): a drift declared after a
sustained rule once never took a record, silently (its per-record result shared arena
bytes with the sustained rules' and was wiped when the rule stepped). This runs one
stream (one agent every 12 minutes for two days, then a jump in tokens) through every
order of four declarations -- a sustained rule, a drift, a per-key window read by a
second sustained rule, a plain rule -- and checks that the drift's trace (value and
counts) is the same on every record in every order, that it is the drift-alone
policy's, and that it fires after the jump. Prints ok/not ok lines.
"""
import datetime
import itertools
import json
import os
import subprocess
import sys
import tempfile

GOVC = sys.argv[1] if len(sys.argv) > 1 else "build/govc"
T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

DECLS = {
    "sustained": "rule busy { when run.tokens > 10000 for 10m }",
    "drift": "drift token_drift { of run.tokens  baseline 1d  current 1h  test psi > 0.25  min_samples 3 }",
    "window": "window recent = count() over last 20 runs per agent\n"
              "rule crowded { when recent > 100 for 1m clear after 1m }",
    "plain": "rule big { when run.tokens > 1000000 }",
}


def stream():
    lines = []
    for i in range(2 * 24 * 5):
        t = T0 + datetime.timedelta(minutes=12 * i)
        lines.append({"at": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "agent": "a", "tokens": 100 + i % 7})
    for i in range(10):
        t = T0 + datetime.timedelta(minutes=12 * (240 + i))
        lines.append({"at": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "agent": "a", "tokens": 5000})
    return "\n".join(json.dumps(x) for x in lines) + "\n"


def drift_trace(src, records):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.gov")
        with open(path, "w") as f:
            f.write(src)
        p = subprocess.run([GOVC, "run", "--trace", "-p", path, "-"], input=records, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr
    out = []
    for line in p.stdout.splitlines():
        d = json.loads(line)
        entry = next(r for r in d["trace"]["rules"] if r["rule"] == "token_drift")
        fired = any(f["rule"] == "token_drift" for f in d["findings"])
        out.append((entry["drift"]["value"], entry["drift"]["baseline_n"], entry["drift"]["current_n"], fired))
    return out, ""


def main():
    records = stream()
    head = "policy order\nrecord run { tokens: int = 0 }\n"
    alone, err = drift_trace(head + DECLS["drift"] + "\n", records)
    fails = 0
    good = alone is not None and alone[-1][3] and alone[-1][1] > 0 and alone[-1][2] > 0
    print("%s - drift alone: takes records and fires after the jump%s" % (
        "ok" if good else "not ok", "" if good else " (%s)" % (err.strip() or alone[-1])))
    fails += not good
    for order in itertools.permutations(DECLS):
        src = head + "\n".join(DECLS[k] for k in order) + "\n"
        got, err = drift_trace(src, records)
        good = got == alone
        detail = ""
        if not good:
            if got is None:
                detail = err.strip()[:200]
            else:
                i = next(i for i, (a, b) in enumerate(zip(got, alone)) if a != b)
                detail = "record %d: got %s, drift alone %s" % (i + 1, got[i], alone[i])
        print("%s - drift order %s: the drift's trace is the drift-alone one%s" % (
            "ok" if good else "not ok", " < ".join(order), "" if good else " (%s)" % detail))
        fails += not good
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
