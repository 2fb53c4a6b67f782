#!/usr/bin/env python3
"""shared.py GOVC: windows that share memory decide as windows alone (issue 19).

The per-key windows of one key table with the same lateness and no `where` form a stream
and share a clock (time windows with the same buckets also their bucket counts), and count
windows of a stream over the same record field share one ring as long as the longest of
them (spec/language.md §4.5, "Memory"). This runs one seeded stream (five agents over three
key slots, so keys are evicted; some records late, some within the lateness) through two
policies with the same windows: one where they share, and one where each has a `where`
that always holds, which puts every window in a stream of its own with its own ring. Every
decision and trace must be the same (windows' values, counts, late records, evictions),
and so must a run cut in four with `--state` (the shared layout saved and loaded).

Then min and max windows whose ring is shared with a much longer window: their deques
hold slots of the shared ring, which can pass what an entry sized by the window's own
length holds (a byte for up to 256 runs, two bytes for up to 65,536): max over 3 runs
and min over 5 beside a mean over 300 runs, and max over 300 runs beside a sum over
70,000 runs, past the ring's slot 65,536.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

GOVC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/govc")
NS = 1_000_000_000
T0 = 1_767_225_600 * NS

WINDOWS = [
    # count windows over the same fields, of different lengths
    ("c1", "mean(run.latency) over last 7 runs", "5s"),
    ("c2", "max(run.latency) over last 3 runs", "5s"),
    ("c3", "p90(run.latency) over last 12 runs", "5s"),
    ("c4", "min(run.latency) over last 12 runs", "5s"),
    ("c5", "sum(run.tokens) over last 5 runs", "5s"),
    ("c6", "stddev(run.tokens) over last 9 runs", "5s"),
    ("c7", "p50(run.tokens) over last 4 runs", "5s"),
    ("c8", "rate(run.error) over last 6 runs", "5s"),
    ("c9", "ewma(run.score, 0.3) over last 8 runs", "5s"),
    ("c10", "mean(run.score) over last 5 runs", "5s"),
    ("c11", "max(run.score) over last 300 runs", "5s"),
    ("c12", "count() over last 10 runs", "5s"),
    # time windows of one span and bucket count, one of another
    ("t1", "count() over 1m", "20s"),
    ("t2", "sum(run.tokens) over 1m", "20s"),
    ("t3", "mean(run.latency) over 1m", "20s"),
    ("t4", "count(run.error) over 1m", "20s"),
    ("t5", "p95(run.latency) over 1m", "20s"),
    ("t6", "min(run.score) over 1m", "20s"),
    ("t7", "stddev(run.latency) over 1m", "20s"),
    ("t8", "mean(run.score) over 1m", "20s"),
    ("t9", "rate(run.error) over 1m", "20s"),
    ("t10", "sum(run.tokens) over 30s", "20s"),
]


def policy(isolated):
    out = ["policy shared", "", "record run {", "  latency: duration in ms = 0ms", "  tokens: int = 0",
           "  score: float = 0.0", "  error: bool = false", "}", ""]
    for name, spec, late in WINDOWS:
        where = " where run.tokens >= 0" if isolated else ""
        out.append("window %s = %s%s per agent capacity 3 lateness %s" % (name, spec, where, late))
    out.append("")
    out.append("rule busy {\n  when run.tokens > 1900\n  severity info\n}")
    return "\n".join(out) + "\n"


def records(n, seed):
    rnd = random.Random(seed)
    t, lines = T0, []
    for i in range(n):
        t += rnd.randint(0, 3 * NS)
        at = t
        r = rnd.random()
        if r < 0.05:
            at = t - rnd.randint(6, 40) * NS  # late for some windows, not for others
        elif r < 0.10:
            at = t - rnd.randint(0, 4) * NS
        agent = "a%d" % min(4, int(rnd.expovariate(0.7)))
        rec = {"kind": "run", "at": "%d" % at, "agent": agent, "latency": rnd.randint(1, 5000),
               "tokens": rnd.randint(0, 2000), "score": rnd.uniform(-50, 50), "error": rnd.random() < 0.2}
        lines.append(json.dumps(rec))
    return lines


def at_text(ns):
    import datetime
    s, frac = divmod(ns, NS)
    d = datetime.datetime.fromtimestamp(s, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % frac


def run(govb, lines, tmp, state=None):
    p = os.path.join(tmp, "in.jsonl")
    with open(p, "w") as f:
        f.write("\n".join(lines) + "\n")
    cmd = [GOVC, "run", "--trace", "-p", govb] + (["--state", state] if state else []) + [p]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0,):
        raise SystemExit("not ok - windows shared: govc run failed (%d): %s" % (r.returncode, r.stderr[:400]))
    out = []
    for line in r.stdout.splitlines():
        d = json.loads(line)
        d.pop("policy_id", None)
        d.pop("line", None)
        if "trace" in d:
            d["trace"].pop("policy_id", None)
            d["trace"].pop("line", None)
        out.append(d)
    return out


def main():
    fails = 0
    with tempfile.TemporaryDirectory() as tmp:
        govb = {}
        for kind in ("shared", "isolated"):
            os.mkdir(os.path.join(tmp, kind))
            src = os.path.join(tmp, kind, "w.gov")  # the same name: traces give source positions
            with open(src, "w") as f:
                f.write(policy(kind == "isolated"))
            govb[kind] = os.path.join(tmp, kind, "w.govb")
            r = subprocess.run([GOVC, "build", "-o", govb[kind], "w.gov"], capture_output=True, text=True,
                               cwd=os.path.dirname(src))
            if r.returncode:
                print("not ok - windows shared: build %s: %s" % (kind, r.stderr[:400]))
                return 1
        arena = {}
        for kind in govb:
            r = subprocess.run([GOVC, "build", "--stats", "-o", govb[kind], "w.gov"], capture_output=True, text=True,
                               cwd=os.path.join(tmp, kind))
            arena[kind] = int(next(l.split()[1] for l in r.stdout.splitlines() if l.strip().startswith("arena:")))
        if arena["shared"] < arena["isolated"]:
            print("ok - windows shared: the shared layout is smaller (arena %d bytes, %d without sharing)"
                  % (arena["shared"], arena["isolated"]))
        else:
            fails += 1
            print("not ok - windows shared: arena %d bytes, %d without sharing" % (arena["shared"], arena["isolated"]))
        lines = [l.replace('"at": "%s"' % json.loads(l)["at"], '"at": "%s"' % at_text(int(json.loads(l)["at"])))
                 for l in records(3000, 19)]
        a = run(govb["shared"], lines, tmp)
        b = run(govb["isolated"], lines, tmp)
        late = sum(1 for d in a for w in d.get("windows", []) if w.get("late"))
        evicted = sum(1 for d in a for w in d.get("windows", []) if w.get("evicted"))
        bad = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
        if len(a) != len(b) or bad is not None or not late or not evicted:
            fails += 1
            print("not ok - windows shared: shared and separate windows decide alike (first difference at record %s; %d late, %d evicted)"
                  % (bad, late, evicted))
            if bad is not None:
                print("# shared:   %s" % json.dumps(a[bad])[:1500])
                print("# isolated: %s" % json.dumps(b[bad])[:1500])
        else:
            print("ok - windows shared: 3000 records decide alike through shared and separate windows (%d late, %d evictions)"
                  % (late, evicted))
        st = os.path.join(tmp, "state")
        c = []
        for k in range(4):
            c += run(govb["shared"], lines[k * 750:(k + 1) * 750], tmp, st)
        bad = next((i for i, (x, y) in enumerate(zip(a, c)) if x != y), None)
        if len(a) != len(c) or bad is not None:
            fails += 1
            print("not ok - windows shared: a run cut in four with --state decides as one (first difference at record %s)" % bad)
        else:
            print("ok - windows shared: a run cut in four with --state decides as one")
        fails += long_rings(tmp)
    return 1 if fails else 0


def long_rings(tmp):
    """Min/max windows beside a longer window over the same field (module docstring)."""
    fails = 0
    cases = [("byte entries, a ring of 300", [("m", "mean(run.latency) over last 300 runs"),
                                               ("x", "max(run.latency) over last 3 runs"),
                                               ("n", "min(run.latency) over last 5 runs")], 1200, 250),
             ("two-byte entries, a ring of 70000", [("s", "sum(run.tokens) over last 70000 runs"),
                                                     ("x", "max(run.tokens) over last 300 runs")], 66400, 65400)]
    for name, wins, n, first in cases:
        govb = {}
        for kind in ("shared", "isolated"):
            d = os.path.join(tmp, "long-%d-%s" % (n, kind))
            os.mkdir(d)
            src = ["policy long", "", "record run {", "  latency: duration in ms = 0ms", "  tokens: int = 0", "}", ""]
            for w, spec in wins:
                src.append("window %s = %s%s per agent capacity 1" % (w, spec, " where run.tokens >= 0" if kind == "isolated" else ""))
            src.append("")
            src.append("rule busy {\n  when run.tokens > 5000\n  severity info\n}")
            with open(os.path.join(d, "w.gov"), "w") as f:
                f.write("\n".join(src) + "\n")
            govb[kind] = os.path.join(d, "w.govb")
            r = subprocess.run([GOVC, "build", "-o", govb[kind], "w.gov"], capture_output=True, text=True, cwd=d)
            if r.returncode:
                print("not ok - windows shared: build %s (%s): %s" % (name, kind, r.stderr[:400]))
                return 1
        rnd = random.Random(n)
        lines = []
        for i in range(n):
            spike = rnd.random() < 0.02  # a large value now and then, the extreme for a while
            rec = {"kind": "run", "at": at_text(T0 + i * NS), "agent": "a",
                   "latency": rnd.randint(4000, 5000) if spike else rnd.randint(1, 1000),
                   "tokens": rnd.randint(0, 100) if spike else rnd.randint(500, 1000)}
            lines.append(json.dumps(rec))
        vals = {}
        for kind in govb:
            p = os.path.join(tmp, "long-%d.jsonl" % n)
            with open(p, "w") as f:
                f.write("\n".join(lines) + "\n")
            r = subprocess.run([GOVC, "run", "--trace", "-p", govb[kind], p], capture_output=True, text=True)
            if r.returncode:
                print("not ok - windows shared: run %s (%s): %s" % (name, kind, r.stderr[:400]))
                return 1
            vals[kind] = [[(w["name"], w["value"]) for w in json.loads(l)["trace"].get("windows", [])]
                          for l in r.stdout.splitlines()[first:]]
        bad = next((i for i, (x, y) in enumerate(zip(vals["shared"], vals["isolated"])) if x != y), None)
        if bad is not None or len(vals["shared"]) != n - first:
            fails += 1
            print("not ok - windows shared: min and max beside a longer window, %s (first difference at record %s)"
                  % (name, None if bad is None else first + bad))
            if bad is not None:
                print("# shared:   %s" % json.dumps(vals["shared"][bad])[:600])
                print("# isolated: %s" % json.dumps(vals["isolated"][bad])[:600])
        else:
            print("ok - windows shared: min and max beside a longer window, %s: records %d to %d alike" % (name, first, n - 1))
    return fails


if __name__ == "__main__":
    sys.exit(main())
