#!/usr/bin/python3
"""tests/audit/longgen.py: seeded policies of short windows and long record streams, for
tests/audit/exact.c's reference over whole streams (tests/audit/long.sh).

  longgen.py SEED OUTDIR NRECORDS [NKEYS]
  longgen.py --top SEED OUTDIR NRECORDS     quantile windows with top lists, rebuilt often

writes OUTDIR/p.gov and OUTDIR/s.txt (a script for tests/audit/drive.c, every line a
record in JSON and typed form). What tests/audit/gen.py's policies seldom reach, and
its 60-line streams never: windows short enough to wrap hundreds of times (count windows
of 1 to 129 runs; time windows of 1 s to 90 s, some of spans 60 does not divide, so
B < 60), per agent in tables smaller than the NKEYS agents the stream draws from (keys
evicted all along, some coming back), late records (within and beyond a lateness),
gaps of minutes (every bucket leaves, an ewma restarts), and every aggregate of
spec/language.md 4.5 (count, count of a condition, rate, sum, mean, min, max, stddev,
ewma, p50-p99, over runs and over time) of every numeric type. Each window is read by a
rule, so the values a rule reads are quoted beside the trace's. Now and then a drift or
two (spec/language.md 4.5.1) of short spans, per agent or not, with or without bins.
"""
import datetime
import json
import os
import random
import sys

BASE_NS = 1796083200 * 10**9  # 2026-12-01T00:00:00Z
FIELDS = [("run.a", "int"), ("run.x", "float"), ("run.lat", "dur"), ("run.cost", "money"), ("run.q", "ratio")]
RUNS = [1, 2, 3, 5, 7, 16, 50, 100, 128, 129]
SPANS = ["1s", "2s", "5s", "7s", "10s", "30s", "1m", "90s"]


def rfc3339(ns):
    s, rem = divmod(ns, 10**9)
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=s)
    ms = rem // 10**6
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (".%03dZ" % ms if ms else "Z")


def threshold(vt):
    return {"int": "1000", "float": "1000.0", "dur": "2s", "money": "$5", "ratio": "50%"}[vt]


def window(r, i, nkeys):
    f, ft = r.choice(FIELDS)
    k = r.randint(0, 10)
    if k == 0:
        agg, vt = "count()", "int"
    elif k == 1:
        agg, vt = "count(run.ok)", "int"
    elif k == 2:
        agg, vt = "rate(run.ok)", "ratio"
    elif k == 3:
        agg, vt = "sum(%s)" % f, ("float" if ft == "ratio" else ft)
    elif k == 4:
        agg, vt = "mean(%s)" % f, ("float" if ft in ("int", "ratio") else ft)
    elif k in (5, 6):
        agg, vt = "%s(%s)" % (r.choice(["min", "max"]), f), ft
    elif k == 7:
        agg, vt = "stddev(%s)" % f, ("float" if ft in ("int", "ratio") else ft)
    elif k == 8:
        agg, vt = "ewma(%s, %s)" % (f, r.choice(["0.25", "0.5", "1", "0.01"])), ("float" if ft in ("int", "ratio") else ft)
    else:
        agg, vt = "%s(%s)" % (r.choice(["p50", "p90", "p95", "p99"]), f), ("float" if ft in ("int", "ratio") else ft)
    quantile = agg[0] == "p" and agg[1].isdigit()
    timed = r.random() < 0.5
    span = r.choice(SPANS) if timed else "last %d runs" % r.choice(RUNS)
    s = "window w%d = %s over %s" % (i, agg, span)
    if r.random() < 0.8:
        # a quantile time window's sketches take ~250 KB a key: small tables only
        caps = [1, 2, 3, 8] if quantile and timed else [1, 2, 7, 64, max(2, nkeys // 2), nkeys + 5]
        s += " per agent capacity %d" % r.choice(caps)
    if r.random() < 0.15:
        s += " where run.a > 1"
    if timed and r.random() < 0.4:
        s += " lateness %s" % r.choice(["0s", "1s", "5s"])
    return s, vt


def record(r, t_ns, agent, i):
    js = {"agent": agent, "run_id": "r%d" % i, "at": rfc3339(t_ns)}
    ty = ["run", "agent=s:%s" % agent, "run_id=s:r%d" % i, "at=i:%d" % t_ns]
    if r.random() < 0.95:
        v = r.choice([r.randint(-50, 1000), r.randint(-50, 1000), r.randint(0, 3), 2**40, -2**40, 2**62, -2**62])
        js["a"] = v
        ty.append("a=i:%d" % v)
    if r.random() < 0.95:
        v = r.choice([r.uniform(-10, 10), r.gauss(100, 30), r.uniform(0, 1e6), 0.0, 0.1, 1e300, -1e300, 5e-324,
                      1e-300, 123456789.125] if r.random() < 0.05 else [r.uniform(-10, 10), r.gauss(100, 30)])
        js["x"] = v
        ty.append("x=f:%r" % v)
    if r.random() < 0.95:
        v = r.choice([r.randint(0, 5000), int(r.lognormvariate(6.5, 0.8)), 0, 120000])
        js["lat"] = v
        ty.append("lat=i:%d" % (v * 10**6))
    if r.random() < 0.95:
        c = r.choice([r.randint(0, 2000), r.randint(0, 10**7), 0, 1])
        js["cost"] = "@%d.%02d@" % (c // 100, c % 100)
        ty.append("cost=i:%d" % (c * 10**4))
    if r.random() < 0.95:
        v = r.choice([r.random(), round(r.random(), 3), 0.0, 1.0, 0.5])
        js["q"] = v
        ty.append("q=f:%r" % v)
    if r.random() < 0.95:
        v = r.random() < 0.7
        js["ok"] = v
        ty.append("ok=i:%d" % v)
    line = json.dumps(js, separators=(",", ":"))
    if "cost" in js:  # a JSON number with its cents as written
        line = line.replace('"%s"' % js["cost"], js["cost"].strip("@"))
    return "R\t%s\t%s" % (line, " ".join(ty))


# --top: the quantile windows that keep a top list instead of heaps (int-class, over at
# most 128 runs, the m-th largest with 2m <= T = min(16, floor(2N/9)); spec/language.md
# 4.5, vm/window.c's top_put and top_scan) and streams that make it fall under m and be
# rebuilt from the ring: per agent, values falling, rising, tied, random, saw-tooth with
# spikes, and alternating blocks of 50 high and low.
TOPWINS = ["p95(run.lat) over last 100 runs", "p99(run.a) over last 30 runs", "p90(run.cost) over last 64 runs",
           "p95(run.lat) over last 40 runs", "p95(run.a) over last 9 runs", "p99(run.lat) over last 128 runs",
           "p50(run.a) over last 20 runs", "max(run.lat) over last 100 runs"]
SHAPES = ["fall", "rise", "tie", "random", "saw", "blocks"]


def shaped(r, shape, i):
    if shape == "fall":
        return 100000 - i
    if shape == "rise":
        return i
    if shape == "tie":
        return r.choice([500, 500, 500, 7])
    if shape == "random":
        return r.randint(0, 100000)
    if shape == "saw":
        return 100000 if r.random() < 0.02 else (i % 50) * 10
    return (5000 if (i // 50) % 2 else 10) + r.randint(0, 3)


def top_main(seed, outdir, n):
    r = random.Random(seed)
    cap = [6, 64, 4][seed % 3]  # 4: keys evicted and coming back
    out = ["policy top%d" % seed, "", "record run {", "  a: int = 0", "  lat: duration = 0ms", "  cost: money = $0", "}", ""]
    out += ["window w%d = %s per agent capacity %d" % (i, w, cap) for i, w in enumerate(TOPWINS)] + [""]
    for i, w in enumerate(TOPWINS):
        out += ["rule r%d {" % i, "  when w%d > %s" % (i, "1000" if "run.a" in w else "$5" if "cost" in w else "50s"),
                "  severity info", "}"]
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "p.gov"), "w") as f:
        f.write("\n".join(out) + "\n")
    shape = {("g%d" % k): SHAPES[k] for k in range(6)}
    seen = {a: 0 for a in shape}
    t, lines = BASE_NS, []
    for i in range(n):
        ag = r.choice(sorted(shape))
        j = seen[ag]
        seen[ag] += 1
        t += r.randint(0, 20) * 10**6
        v = shaped(r, shape[ag], j)
        js = {"agent": ag, "run_id": "r%d" % i, "at": rfc3339(t), "a": v - 50000, "lat": v, "cost": v}
        ty = ["run", "agent=s:%s" % ag, "run_id=s:r%d" % i, "at=i:%d" % t, "a=i:%d" % (v - 50000),
              "lat=i:%d" % (v * 10**6), "cost=i:%d" % (v * 10**6)]
        lines.append("R\t%s\t%s" % (json.dumps(js, separators=(",", ":")), " ".join(ty)))
    with open(os.path.join(outdir, "s.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    if sys.argv[1] == "--top":
        top_main(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        return
    seed, outdir, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    r = random.Random(seed)
    nkeys = int(sys.argv[4]) if len(sys.argv) > 4 else r.choice([5, 40, 300, 2000])
    out = ["policy long%d" % seed, "", "record run {", "  a: int = 0", "  x: float = 0.0", "  lat: duration = 0ms",
           "  cost: money = $0", "  q: ratio = 0%", "  ok: bool = true", "}", ""]
    ws = [window(r, i, nkeys) for i in range(r.randint(8, 16))]
    out += [s for s, _ in ws] + [""]
    for i, (_, vt) in enumerate(ws):
        out += ["rule r%d {" % i, "  when w%d > %s" % (i, threshold(vt)), "  severity info", "}"]
    out += ['channel c0 = slack "#c0"']
    for i in range(r.choice([0, 1, 1, 2])):
        of = r.choice(["a", "x", "lat", "q"])
        base, cur = r.choice([("1m", "5s"), ("2m", "10s"), ("10m", "1m"), ("30s", "10s")])
        out += ["drift d%d {" % i, "  of run.%s" % of, "  baseline %s" % base, "  current %s" % cur,
                "  test %s > %s" % (r.choice(["psi", "ks", "mean_shift"]), r.choice(["0.1", "0.5"])),
                "  min_samples %d" % r.choice([1, 5, 30])]
        if r.random() < 0.4:
            out.append("  bins [%s]" % {"a": "0, 10, 100, 500", "x": "-1.0, 0.0, 50.0, 100.0, 150.0",
                                        "lat": "100ms, 500ms, 1s, 3s", "q": "10%, 50%, 90%"}[of])
        if r.random() < 0.6:
            out.append("  per agent")
            out.append("  capacity %d" % r.choice([1, 3, 64, nkeys + 5]))
        out += ["  notify c0", "}"]
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "p.gov"), "w") as f:
        f.write("\n".join(out) + "\n")
    # Agents drawn Zipf-like: a few busy ones whose windows wrap many times, a long tail
    # that pushes keys out of the tables.
    weights = [1.0 / (k + 1) ** 0.9 for k in range(nkeys)]
    agents = ["g%d" % k for k in range(nkeys)]
    step = r.choice([5, 50, 200, 1000])  # ms between records, on average
    hi = BASE_NS
    lines = []
    for i in range(n):
        m = r.random()
        if m < 0.06:  # late: within a lateness, or beyond every one
            at = hi - r.choice([1, 500, 1000, 4000, 6000, 20000]) * 10**6
        elif m < 0.065:  # a gap: every bucket leaves
            hi += r.choice([60, 95, 600]) * 10**9
            at = hi
        else:
            hi += r.randint(0, 2 * step) * 10**6
            at = hi
        lines.append(record(r, at, r.choices(agents, weights)[0], i))
    with open(os.path.join(outdir, "s.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
