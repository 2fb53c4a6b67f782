#!/usr/bin/env python3
"""hand.py GOVC: windows on the cases that once gave wrong numbers (issue 16), each
against the exact value worked out with fractions (spec/language.md §4.5).

  count windows  sum, mean, stddev over the last 5 runs after a 1e17 leaves (x = 1e17,
                 1, 2, 1, 2, ...): the truth is 7, 1.4, 0.49 on line 6; costs around
                 $0.01 with one $1e6 outlier: stddev 0.008, not 6.2e8
  time windows   stddev over 1m, a record every 10 s: 1e9 then 1, 2, 1, 2, ...: 0.5 once
                 the 1e9 has left; mean over 7s, 1e17 at 0 s then 1.0 at 5, 7, 9 s: 1
  ewma           over the last 1 run, alpha 0.5, x = 1.5, -2.25, 4: the recurrence gives
                 1.5, -0.375, 1.8125 (not the last value)
  quantiles      negative values, floats up to 1e300 and down to 1e-300, int64 at its
                 ends, mixed signs: count windows exact (the nearest-rank value), time
                 windows within the sketch's bound (1% of the value, plus half a unit for
                 int-class values)
  int means      durations past 2^53 ns: the nearest nanosecond to the exact mean

Every value is checked against the spec's bound for it (§4.5, "Numeric guarantees");
the exact values come from fractions.Fraction. Prints ok/not ok lines.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
from fractions import Fraction

GOVC = sys.argv[1] if len(sys.argv) > 1 else "build/govc"
EPS = Fraction(1, 2 ** 53)
fails = 0


def report(ok, name, detail=""):
    global fails
    print(("ok - " if ok else "not ok - ") + name)
    if not ok:
        fails += 1
        if detail:
            print("# " + detail)


def iso(sec):
    s, frac = divmod(sec, 1)
    h, rem = divmod(int(s), 3600)
    return "2026-01-01T%02d:%02d:%02dZ" % (h, rem // 60, rem % 60)


def run(policy, records):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.gov")
        with open(path, "w") as f:
            f.write(policy)
        lines = "".join(json.dumps(r) + "\n" for r in records)
        p = subprocess.run([GOVC, "run", "--trace", "-p", path, "-"], input=lines, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr
    out = []
    for line in p.stdout.splitlines():
        out.append({w["name"]: (w["value"]["value"] if w["value"] is not None else None)
                    for w in json.loads(line)["trace"]["windows"]})
    return out, ""


def exact_stats(xs):
    xs = [Fraction(x) for x in xs]
    n = len(xs)
    s = sum(xs)
    m = s / n
    var = sum((x - m) ** 2 for x in xs) / n
    return s, m, var


def sqrt_frac(v):
    """A double within one ulp of sqrt(v) (v a Fraction >= 0)."""
    if v == 0:
        return 0.0
    r = math.sqrt(float(v)) if float(v) > 0 else 0.0
    if r == 0.0 or math.isinf(r):
        # below or beyond the double range: scale by a power of 4
        k = 0
        while v < Fraction(1, 2 ** 200):
            v *= 2 ** 400
            k -= 200
        while v > 2 ** 200:
            v /= 2 ** 400
            k += 200
        r = math.sqrt(float(v)) * 2.0 ** k
    return r


def within(got, want, tol):
    """|got - want| <= tol, all exact."""
    return got is not None and abs(Fraction(got) - Fraction(want)) <= tol


# ---------------------------------------------------------------- count windows


def count_windows():
    pol = """policy hand_count
record run { x: float = 0  c: money = $0 }
window s  = sum(run.x) over last 5 runs
window m  = mean(run.x) over last 5 runs
window sd = stddev(run.x) over last 5 runs
window cm = mean(run.c) over last 5 runs
window cs = stddev(run.c) over last 5 runs
"""
    xs = [1e17, 1, 2, 1, 2, 1, 2, 1, 2]
    costs = [10_000, 12_000, 9_000, 1_000_000_000_000, 11_000, 10_500, 9_500, 10_000, 12_500, 11_000]  # micro-dollars
    n = max(len(xs), len(costs))
    recs = [{"at": iso(i), "x": xs[i] if i < len(xs) else 0,
             "c": costs[i] / 1e6 if i < len(costs) else 0} for i in range(n)]
    out, err = run(pol, recs)
    if out is None:
        report(False, "count windows run", err)
        return
    bad = []
    for i in range(len(xs)):
        win = xs[max(0, i - 4):i + 1]
        s, m, var = exact_stats(win)
        a = sum(abs(Fraction(x)) for x in win)
        k = len(win)
        # spec §4.5: float sum within 2 eps |S| + 2 n^2 eps^2 sum|x|; mean likewise / n;
        # stddev within 8 (n+1) eps sd + (n+1) 2^-80 max|x|.
        tol_s = 2 * EPS * abs(s) + 2 * k * k * EPS * EPS * a
        tol_m = 2 * EPS * abs(m) + 2 * k * EPS * EPS * a
        sd = sqrt_frac(var)
        tol_sd = 8 * (k + 1) * EPS * Fraction(sd) + (k + 1) * Fraction(1, 2 ** 80) * max(abs(Fraction(x)) for x in win)
        for name, want, tol in (("s", s, tol_s), ("m", m, tol_m), ("sd", sd, tol_sd)):
            if not within(out[i][name], want, tol + Fraction(1, 2 ** 1074)):
                bad.append("line %d %s: got %r, exact %s" % (i + 1, name, out[i][name], float(want)))
    report(not bad, "count windows: sum, mean and stddev of floats after a 1e17 leaves the last 5 runs",
           "; ".join(bad[:4]))
    bad = []
    for i in range(len(costs)):
        win = costs[max(0, i - 4):i + 1]
        s, m, var = exact_stats(win)
        # money: the mean is the nearest micro-dollar (ties away from zero); the stddev
        # within 4 eps sd, rounded to a micro-dollar (+1/2).
        want_m = math.floor(m + Fraction(1, 2)) if m >= 0 else -math.floor(-m + Fraction(1, 2))
        sd = sqrt_frac(var)
        if out[i]["cm"] != want_m:
            bad.append("line %d mean: got %r, exact %s" % (i + 1, out[i]["cm"], m))
        if not within(out[i]["cs"], sd, 4 * EPS * Fraction(sd) + Fraction(1, 2)):
            bad.append("line %d stddev: got %r, exact %s" % (i + 1, out[i]["cs"], sd))
    report(not bad, "count windows: mean and stddev of money around $0.01 after a $1e6 outlier leaves",
           "; ".join(bad[:4]))


# ---------------------------------------------------------------- time windows


def time_windows():
    pol = """policy hand_time
record run { x: float = 0 }
window sd = stddev(run.x) over 1m
"""
    xs = [1e9] + [1, 2] * 12
    recs = [{"at": iso(10 * i), "x": x} for i, x in enumerate(xs)]
    out, err = run(pol, recs)
    if out is None:
        report(False, "time windows run", err)
        return
    # 60 buckets of 1 s: the window holds the records of the last 60 s (bucket in (cur-60, cur])
    bad = []
    for i in range(len(xs)):
        win = [xs[j] for j in range(i + 1) if 10 * j > 10 * i - 60]
        _, _, var = exact_stats(win)
        sd = sqrt_frac(var)
        k = len(win)
        tol = 8 * (k + 1) * EPS * Fraction(sd) + (k + 1) * Fraction(1, 2 ** 80) * max(abs(Fraction(x)) for x in win)
        if not within(out[i]["sd"], sd, tol + Fraction(1, 2 ** 1074)):
            bad.append("line %d: got %r, exact %s" % (i + 1, out[i]["sd"], sd))
    report(not bad, "time windows: stddev over 1m after a 1e9 leaves (0.5, not 0)", "; ".join(bad[:4]))

    pol = """policy hand_time2
record run { x: float = 0 }
window m = mean(run.x) over 7s
"""
    recs = [{"at": iso(0), "x": 1e17}, {"at": iso(5), "x": 1.0}, {"at": iso(7), "x": 1.0}, {"at": iso(9), "x": 1.0}]
    out, err = run(pol, recs)
    want = [1e17, (1e17 + 1) / 2, 1.0, 1.0]  # 7 s in 7 buckets of 1 s: the 1e17 leaves at 7 s
    got = [o["m"] for o in out] if out else None
    good = got is not None and got[2] == 1.0 and got[3] == 1.0 and got[0] == 1e17
    report(good, "time windows: mean over 7s once the 1e17 has left reads 1", "got %s, want %s" % (got, want))


# ---------------------------------------------------------------- ewma


def ewma():
    pol = """policy hand_ewma
record run { x: float = 0 }
window e1 = ewma(run.x, 0.5) over last 1 runs
window e3 = ewma(run.x, 0.5) over last 3 runs
window et = ewma(run.x, 0.5) over 1h
window ei = ewma(run.x, 1) over last 3 runs
"""
    xs = [1.5, -2.25, 4.0]
    recs = [{"at": iso(i), "x": x} for i, x in enumerate(xs)]
    out, err = run(pol, recs)
    want = [1.5, -0.375, 1.8125]
    for name in ("e1", "e3", "et"):
        got = [o[name] for o in out] if out else None
        report(got == want, "ewma %s: alpha 0.5 over 1.5, -2.25, 4 follows the recurrence (1.5, -0.375, 1.8125)" % name,
               "got %s" % got)
    # An alpha written as the int 1 is the ratio 1 (it was compiled as the int's bits,
    # 5e-324, found by the differential fuzzer): each value replaces the last.
    got = [o["ei"] for o in out] if out else None
    report(got == xs, "ewma with alpha 1 (an int literal) is the last value", "got %s" % got)


# ---------------------------------------------------------------- quantiles

NEAREST = {"p50": Fraction(1, 2), "p90": Fraction(9, 10), "p95": Fraction(19, 20), "p99": Fraction(99, 100)}


def nearest_rank(vals, q):
    v = sorted(vals)
    return v[max(1, math.ceil(NEAREST[q] * len(v))) - 1]


def quantiles():
    pol = """policy hand_quantiles
record run { x: float = 0  i: int = 0  d: duration in ns = 0ns }
window cf50 = p50(run.x) over last 7 runs
window cf90 = p90(run.x) over last 7 runs
window ci50 = p50(run.i) over last 7 runs
window ci99 = p99(run.i) over last 7 runs
window cd95 = p95(run.d) over last 7 runs
window tf50 = p50(run.x) over 1h
window tf99 = p99(run.x) over 1h
window ti50 = p50(run.i) over 1h
window ti90 = p90(run.i) over 1h
window td95 = p95(run.d) over 1h
"""
    INT_MAX, INT_MIN = 2 ** 63 - 1, -2 ** 63
    xs = [-5.0, -1e300, 1e300, 7e8, -3.25, 1e-300, 0.0, -1e-300, 6.5e12, -2e17, 5e-324, 1.7976931348623157e308,
          -42.0, 1e9, 1e9, 1e9]
    ints = [-5, INT_MIN, INT_MAX, 603_000_000_000_000_000, -1, 0, 7, INT_MAX - 1, INT_MIN + 1, -10 ** 18, 10 ** 18, 3,
            -3, 9_007_199_254_740_993, 1, 2]
    durs = [1, INT_MAX, 5, INT_MIN + 1, -7, 6_030_000_000_000_000_000, 0, 123_456_789_012, 9_007_199_254_740_993, -1,
            2, 3, 4, 5, 6, 7]
    recs = [{"at": iso(i), "x": xs[i], "i": ints[i], "d": durs[i]} for i in range(len(xs))]
    out, err = run(pol, recs)
    if out is None:
        report(False, "quantiles run", err)
        return
    bad_c, bad_t = [], []
    for i in range(len(xs)):
        for name, vals, q in (("cf50", xs, "p50"), ("cf90", xs, "p90"), ("ci50", ints, "p50"), ("ci99", ints, "p99"),
                              ("cd95", durs, "p95")):
            want = nearest_rank(vals[max(0, i - 6):i + 1], q)
            if name[1] == "i":  # the quantile of an int is a float: the nearest double
                want = float(want)
            got = out[i][name]
            if got is None or (float(got) if name[1] == "i" else got) != want:
                bad_c.append("line %d %s: got %r, exact %r" % (i + 1, name, out[i][name], want))
        for name, vals, q, icls in (("tf50", xs, "p50", False), ("tf99", xs, "p99", False), ("ti50", ints, "p50", True),
                                    ("ti90", ints, "p90", True), ("td95", durs, "p95", True)):
            want = nearest_rank(vals[:i + 1], q)
            tol = Fraction(1, 100) * abs(Fraction(want)) + (Fraction(1, 2) if icls else Fraction(1, 2 ** 1075))
            if not within(out[i][name], want, tol):
                bad_t.append("line %d %s: got %r, exact %r" % (i + 1, name, out[i][name], want))
    report(not bad_c, "quantiles: count windows give the exact nearest-rank value of any double or int64, negatives included",
           "; ".join(bad_c[:4]))
    report(not bad_t, "quantiles: time windows within 1% of any double or int64, negatives included",
           "; ".join(bad_t[:4]))


def top_lists():
    """Quantiles near the top of int-class count windows (p95 over 40, p99 over 100, p90
    over 64 runs), which keep their largest values in a list instead of two heaps
    (vm/window.c, top_put): rising values (each enters the list), falling ones (each
    leaves it: the list is rebuilt from the ring every few records), ties, int64's ends,
    and a window that fills from empty; the exact nearest-rank value on every line."""
    pol = """policy hand_top
record run { i: int = 0  d: duration in ns = 0ns }
window p95i = p95(run.i) over last 40 runs
window p99d = p99(run.d) over last 100 runs
window p90i = p90(run.i) over last 64 runs
"""
    INT_MAX, INT_MIN = 2 ** 63 - 1, -2 ** 63
    vals = list(range(150))                              # rising
    vals += [1000 - 3 * k for k in range(150)]           # falling: every value leaves the list
    vals += [7] * 60 + [8, 7] * 30                        # ties
    vals += [INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1, 0, -1] * 10
    vals += [(k * 7919) % 263 - 131 for k in range(160)]  # scattered, negatives
    recs = [{"at": iso(k), "i": v, "d": v} for k, v in enumerate(vals)]
    out, err = run(pol, recs)
    if out is None:
        report(False, "top lists run", err)
        return
    bad = []
    for k in range(len(vals)):
        for name, n, q in (("p95i", 40, "p95"), ("p99d", 100, "p99"), ("p90i", 64, "p90")):
            want = nearest_rank(vals[max(0, k - n + 1):k + 1], q)
            got = out[k][name]
            if name[-1] == "i":  # the quantile of an int is a float: the nearest double
                want, got = float(want), (float(got) if got is not None else None)
            if got != want:
                bad.append("line %d %s: got %r, exact %r" % (k + 1, name, out[k][name], want))
    report(not bad, "quantiles near the top of int count windows (top lists): the exact nearest-rank value, "
           "rising, falling, tied and extreme values (%d lines)" % len(vals), "; ".join(bad[:4]))


# ---------------------------------------------------------------- int means


def int_means():
    pol = """policy hand_means
record run { d: duration in ns = 0ns }
window m = mean(run.d) over last 3 runs
window t = mean(run.d) over 1h
"""
    ds = [9_007_199_254_740_993, 9_007_199_254_740_994, 9_007_199_254_740_996, 2 ** 62 + 1, 2 ** 62 + 2, 3,
          -(2 ** 63) + 1, -(2 ** 63) + 2, 2 ** 63 - 1]
    recs = [{"at": iso(i), "d": d} for i, d in enumerate(ds)]
    out, err = run(pol, recs)
    if out is None:
        report(False, "int means run", err)
        return
    bad = []
    for i in range(len(ds)):
        for name, win in (("m", ds[max(0, i - 2):i + 1]), ("t", ds[:i + 1])):
            m = Fraction(sum(win), len(win))
            want = math.floor(m + Fraction(1, 2)) if m >= 0 else -math.floor(-m + Fraction(1, 2))
            if out[i][name] != want:
                bad.append("line %d %s: got %r, nearest ns %r" % (i + 1, name, out[i][name], want))
    report(not bad, "means of durations past 2^53 ns are the nearest nanosecond", "; ".join(bad[:4]))


if __name__ == "__main__":
    count_windows()
    time_windows()
    ewma()
    quantiles()
    top_lists()
    int_means()
    sys.exit(1 if fails else 0)
