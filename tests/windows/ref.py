#!/usr/bin/env python3
"""ref.py GOVC: windows against a reference written from the spec, not from the VM.

Generates a seeded stream of records (4 agents over 3 key slots, so keys are evicted;
times mostly increasing with jitter, some records late by more than the lateness), runs
`govc run --trace` with tests/windows/ref.gov, and recomputes every window's value after
every record from plain lists of the records each window holds (spec/language.md §4.5):

  count windows  the last N accepted records of the key, in arrival order
  time windows   accepted records whose bucket floor(at / (span/B)) lies in
                 (cur - B, cur], cur = bucket of the newest time the key has seen
  late           at < newest - lateness (newest over accepted records and where-false
                 ones), or a bucket at or before cur - B: not added, reported
  eviction       a new key at a full table evicts the least recently seen key

Tolerances: counts, int sums, min, max and n exact; float sums, means, stddev, ewma
relative 1e-9 (absolute 1e-6 near zero; rounding to ns for durations: +1);
quantiles (exact = nearest rank ceil(q n)): count windows exact, time windows the
sketch's stated bound, |est - exact| <= 1% of |exact| (+1 ns for durations), negative
values included (spec/language.md §4.5). Prints ok/not ok lines.
"""
import collections
import json
import math
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOVC = sys.argv[1] if len(sys.argv) > 1 else "build/govc"
NS = 1_000_000_000
T0 = 1_767_225_600 * NS  # 2026-01-01T00:00:00Z


class Win:
    def __init__(self, name, agg, field, runs=0, span=0, nb=0, per=True, cap=3, late=0, where=None, alpha=0.0):
        self.name, self.agg, self.field = name, agg, field
        self.runs, self.span, self.nb, self.per, self.cap, self.late = runs, span, nb, per, cap, late
        self.where, self.alpha = where, alpha
        self.keys = collections.OrderedDict()  # key -> state, least recently seen first

    def state(self, key):
        """The key's state, touching it; evicts the least recent key when full."""
        evicted = None
        if key in self.keys:
            self.keys.move_to_end(key)
        else:
            if len(self.keys) == self.cap:
                evicted, _ = self.keys.popitem(last=False)
            self.keys[key] = {"vals": [], "newest": None, "cur": None, "ewma": None}
        return self.keys[key], evicted

    def update(self, rec):
        key = rec["agent"] if self.per else ""
        st, evicted = self.state(key)
        t = rec["t"]
        where = self.where(rec) if self.where else True
        x = rec[self.field] if self.field else True
        late = st["newest"] is not None and t < st["newest"] - self.late
        if not late:
            if self.span:
                b = t // (self.span // self.nb)
                if st["cur"] is None or b > st["cur"]:
                    st["cur"] = b
                    st["vals"] = [(bb, v) for bb, v in st["vals"] if bb > b - self.nb]
                if where:
                    if b > st["cur"] - self.nb:
                        if not st["vals"]:
                            st["ewma"] = None
                        st["vals"].append((b, x))
                        self.ewma(st, x)
                    else:
                        late = True
            elif where:
                st["vals"].append((0, x))
                st["vals"] = st["vals"][-self.runs:]
                self.ewma(st, x)
            if st["newest"] is None or t > st["newest"]:
                st["newest"] = t
        return self.value(st), len(st["vals"]), bool(late and where), evicted

    def ewma(self, st, x):
        st["ewma"] = float(x) if st["ewma"] is None else self.alpha * x + (1 - self.alpha) * st["ewma"]

    def value(self, st):
        v = [x for _, x in st["vals"]]
        n = len(v)
        a = self.agg
        if a == "count":
            return n if self.field is None else sum(1 for x in v if x)
        if a == "sum":
            return sum(v)
        if n == 0:
            return None
        if a == "mean":
            return sum(v) / n
        if a == "min":
            return min(v)
        if a == "max":
            return max(v)
        if a == "rate":
            return sum(1 for x in v if x) / n
        if a == "stddev":
            m = sum(v) / n
            return math.sqrt(sum((x - m) ** 2 for x in v) / n)
        if a == "ewma":
            return st["ewma"]
        q = {"p50": 0.5, "p90": 0.9, "p95": 0.95, "p99": 0.99}[a]
        return sorted(v)[max(1, math.ceil(q * n)) - 1]


M10, H1 = 600 * NS, 3600 * NS
WINS = [
    Win("c_count", "count", None, runs=40), Win("c_countb", "count", "error", runs=40),
    Win("c_sum", "sum", "tokens", runs=40), Win("c_mean", "mean", "score", runs=40),
    Win("c_min", "min", "latency", runs=40), Win("c_max", "max", "score", runs=40),
    Win("c_rate", "rate", "error", runs=40), Win("c_sd", "stddev", "score", runs=40),
    Win("c_ewma", "ewma", "score", runs=40, alpha=0.2), Win("c_p50", "p50", "latency", runs=40),
    Win("c_p90", "p90", "score", runs=40), Win("c_where", "sum", "tokens", runs=40, where=lambda r: r["error"]),
    Win("c_all", "p95", "latency", runs=500, per=False, cap=1),
    Win("t_count", "count", None, span=M10, nb=60, late=30 * NS),
    Win("t_countb", "count", "error", span=M10, nb=60, late=30 * NS),
    Win("t_sum", "sum", "tokens", span=M10, nb=60, late=30 * NS),
    Win("t_mean", "mean", "latency", span=M10, nb=60, late=30 * NS),
    Win("t_min", "min", "score", span=M10, nb=60, late=30 * NS),
    Win("t_max", "max", "latency", span=M10, nb=60, late=30 * NS),
    Win("t_rate", "rate", "error", span=M10, nb=60, late=30 * NS),
    Win("t_sd", "stddev", "latency", span=M10, nb=60, late=30 * NS),
    Win("t_ewma", "ewma", "latency", span=M10, nb=60, late=30 * NS, alpha=0.5),
    Win("t_p95", "p95", "latency", span=M10, nb=12, late=30 * NS),
    Win("t_p99", "p99", "score", span=M10, nb=12, late=30 * NS),
    Win("t_where", "mean", "score", span=M10, nb=60, late=30 * NS, where=lambda r: r["tokens"] > 500),
    Win("t_all", "max", "tokens", span=H1, nb=60, per=False, cap=1),
]
DURATION = {"c_min", "c_p50", "c_all", "t_mean", "t_max", "t_sd", "t_ewma", "t_p95"}


def records(n, seed):
    rnd = random.Random(seed)
    t = T0
    out = []
    for i in range(n):
        t += rnd.randint(0, 20) * NS + rnd.randint(0, NS)
        at = t
        r = rnd.random()
        if r < 0.08:
            at = t - rnd.randint(1, 25) * NS  # late, within lateness
        elif r < 0.12:
            at = t - rnd.randint(40, 400) * NS  # later than the lateness
        if rnd.random() < 0.01:
            t += rnd.randint(600, 1800) * NS  # a gap longer than the time windows
        agent = rnd.choice(["a", "b", "c", "d"] if i % 300 < 200 else ["a", "b"])
        out.append({
            "agent": agent, "t": at, "error": rnd.random() < 0.3,
            # latency in ms: log-normal around 800 ms, heavy tail
            "latency_ms": max(1, int(rnd.lognormvariate(6.7, 0.8))),
            "score": round(rnd.gauss(10, 4), 3), "tokens": rnd.randint(0, 1000),
        })
    return out


def iso(t):
    s, ns = divmod(t, NS)
    import datetime
    d = datetime.datetime.fromtimestamp(s, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % ns


def close(name, got, want, n):
    if want is None or got is None:
        return got is None and want is None
    agg = next(w.agg for w in WINS if w.name == name)
    if agg in ("p50", "p90", "p95", "p99"):
        if name.startswith("c_"):  # count windows: the exact value
            return got == want
        return abs(got - want) <= 0.01 * abs(want) + (1 if name in DURATION else 1e-300)
    if isinstance(want, bool):
        want = int(want)
    if agg in ("count", "min", "max") or (agg == "sum" and isinstance(want, int)):
        return got == want
    tol = 1e-9 * abs(want) + (1 if name in DURATION else 1e-6)
    return abs(got - want) <= tol


def main():
    recs = records(4000, 20261125)
    lines = []
    for r in recs:
        r["latency"] = r["latency_ms"] * 1_000_000
        lines.append(json.dumps({"kind": "run", "agent": r["agent"], "at": iso(r["t"]), "error": r["error"],
                                 "latency": r["latency_ms"], "score": r["score"], "tokens": r["tokens"]}))
    p = subprocess.run([GOVC, "run", "-p", os.path.join(HERE, "ref.gov"), "--trace", "-"],
                       input="\n".join(lines) + "\n", capture_output=True, text=True)
    out = p.stdout.splitlines()
    ok = len(out) == len(recs)
    print(("ok" if ok else "not ok") + " - windows ref: one decision per record (%d)" % len(out))
    if not ok:
        print("#   " + p.stderr[:400])
        return 1
    bad = collections.Counter()
    seen = collections.Counter()
    first = {}
    nlate = nevict = 0
    for i, (r, line) in enumerate(zip(recs, out)):
        got = {w["name"]: w for w in json.loads(line)["trace"]["windows"]}
        for w in WINS:
            want, n, late, evicted = w.update(r)
            g = got[w.name]
            gv = g["value"]["value"] if g["value"] is not None else None
            ge = g.get("evicted", {}).get("key")
            good = close(w.name, gv, want, n) and g["n"] == n and g.get("late", False) == late and ge == evicted
            seen[w.name] += 1
            nlate += late
            nevict += evicted is not None
            if not good:
                bad[w.name] += 1
                first.setdefault(w.name, "record %d (%s): got %s n=%s late=%s evicted=%s; want %s n=%s late=%s evicted=%s" % (
                    i + 1, r["agent"], gv, g["n"], g.get("late"), ge, want, n, late, evicted))
    for w in WINS:
        good = bad[w.name] == 0
        print("%s - windows ref: %s = %s over %d records" % ("ok" if good else "not ok", w.name, w.agg, seen[w.name]))
        if not good:
            print("#   %d mismatches; first: %s" % (bad[w.name], first[w.name]))
    good = nlate > 100 and nevict > 100
    print("%s - windows ref: the stream exercises lateness (%d) and eviction (%d)" % ("ok" if good else "not ok", nlate, nevict))
    return 0 if not bad and good else 1


def sketch():
    """Quantiles over values log-uniform across 15 decades (ns durations from 1 ns to 11
    days, floats from 1e-8 to 1e7, a third of them negative): count windows of 1000 runs
    exact, time windows of 1h (12 buckets of 5 minutes, one record a second) within the
    sketch's bound, as values keep leaving both."""
    rnd = random.Random(7)
    lines, lat, score = [], [], []
    for i in range(6000):
        d = int(10 ** rnd.uniform(0, 15)) * (-1 if rnd.random() < 0.33 else 1)
        f = 10 ** rnd.uniform(-8, 7) * (-1 if rnd.random() < 0.33 else 1)
        lat.append(d)
        score.append(f)
        lines.append(json.dumps({"kind": "run", "at": iso(T0 + i * NS), "latency": d, "score": f}))
    p = subprocess.run([GOVC, "run", "-p", os.path.join(HERE, "sketch.gov"), "--trace", "-"],
                       input="\n".join(lines) + "\n", capture_output=True, text=True)
    out = p.stdout.splitlines()
    worst = {}
    bad = 0
    for i, line in enumerate(out):
        got = {w["name"]: w["value"]["value"] for w in json.loads(line)["trace"]["windows"]}
        # the hour's buckets: those after cur - 12, cur = floor(i / 300) (T0 is a multiple of 5 minutes)
        first = max(0, (i // 300 - 11) * 300)
        for name, vals, q, lo in (("d50", lat, .5, i - 999), ("d99", lat, .99, i - 999), ("f90", score, .9, i - 999),
                                  ("f95", score, .95, i - 999), ("t50", lat, .5, first), ("t99", lat, .99, first),
                                  ("u90", score, .9, first), ("u95", score, .95, first)):
            v = sorted(vals[max(0, lo):i + 1])
            want = v[max(1, math.ceil(q * len(v))) - 1]
            err = abs(got[name] - want) / abs(want)
            worst[name] = max(worst.get(name, 0), err)
            exact = name[0] in "df"
            if exact and got[name] != want or abs(got[name] - want) > 0.01 * abs(want) + (1 if name[0] in "dt" else 0):
                bad += 1
    good = len(out) == 6000 and bad == 0
    print("%s - windows sketch: p50 p99 of ns durations and p90 p95 of floats over 15 decades, both signs: exact over"
          " the last 1000 runs, within 1%% over 1h (worst relative errors %s)" % (
              "ok" if good else "not ok", ", ".join("%s %.4f%%" % (k, 100 * v) for k, v in sorted(worst.items()))))
    return 0 if good else 1


def state():
    """Windows survive govc run --state: the stream cut in four runs gives the decisions of
    one run; a state file with any byte changed is refused (exit 2) and left alone."""
    import tempfile
    recs = records(1500, 99)
    lines = [json.dumps({"kind": "run", "agent": r["agent"], "at": iso(r["t"]), "error": r["error"],
                         "latency": r["latency_ms"], "score": r["score"], "tokens": r["tokens"]}) for r in recs]
    pol = os.path.join(HERE, "ref.gov")

    def run(chunk, st=None):
        args = [GOVC, "run", "-p", pol, "--trace", "-"] + (["--state", st] if st else [])
        p = subprocess.run(args, input="\n".join(chunk) + "\n", capture_output=True, text=True)
        out = []
        for line in p.stdout.splitlines():
            d = json.loads(line)
            d.pop("line")
            d["trace"].pop("line")
            out.append(d)
        return p.returncode, out

    _, whole = run(lines)
    rcs = []
    with tempfile.TemporaryDirectory() as tmp:
        st = os.path.join(tmp, "state")
        parts = []
        for a, b in ((0, 100), (100, 700), (700, 701), (701, 1500)):
            rc, out = run(lines[a:b], st)
            rcs.append(rc)
            parts += out
        good = parts == whole and rcs == [0, 0, 0, 0]
        print("%s - windows state: 1500 records in four runs with --state decide as one run" % ("ok" if good else "not ok"))
        data = open(st, "rb").read()
        rnd = random.Random(3)
        refused = 0
        offs = sorted(rnd.sample(range(len(data)), 150))
        for off in offs:
            bad = bytearray(data)
            bad[off] ^= 1 << rnd.randrange(8)
            open(st, "wb").write(bytes(bad))
            p = subprocess.run([GOVC, "run", "-p", pol, "--state", st, "-"], input="", capture_output=True, text=True)
            refused += p.returncode == 2 and open(st, "rb").read() == bytes(bad)
        good2 = refused == len(offs)
        print("%s - windows state: %d of %d state files with one bit flipped (of %d bytes) are refused and kept" % (
            "ok" if good2 else "not ok", refused, len(offs), len(data)))
        # A version 1 file (windows with running float sums, spec/state.md) is refused
        # with a message that says so, and kept.
        old = data[:8] + (1).to_bytes(4, "little") + data[12:]
        open(st, "wb").write(old)
        p = subprocess.run([GOVC, "run", "-p", pol, "--state", st, "-"], input="", capture_output=True, text=True)
        good3 = p.returncode == 2 and "older gov" in p.stderr and open(st, "rb").read() == old
        print("%s - windows state: a version 1 state is refused as an older gov's, and kept" % ("ok" if good3 else "not ok"))
        if not good3:
            print("#   exit %d: %s" % (p.returncode, p.stderr.strip()[:200]))
    return 0 if good and good2 and good3 else 1


if __name__ == "__main__":
    rc = main()
    rc = sketch() or rc
    sys.exit(state() or rc)
