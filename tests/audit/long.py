#!/usr/bin/python3
"""tests/audit/long.py: every window value over whole streams, against the exact
reference (tests/audit/exact.c with fuzz/ref.c's streaming window reference).

  long.py BUILD quick     make test's share: two generated policies (longgen.py) over
                          2,000 records each, typed and JSON paths; one of quantile
                          windows whose top lists are rebuilt (longgen.py --top); and
                          the mutations
  long.py BUILD full      make audit-long: make bench's ten-window policy over its 20,000
                          records (JSON and typed paths), --top seeds 1-3 and generated
                          policies over 20,000 records each (seeds 1-6 unless LONG_SEEDS
                          says)

Some runs move the state to a fresh VM every N lines (drive -s N: saved and loaded, so
the windows' saved form is held to the reference across ring wraps and evictions too).

Mutations: a run's drive output is changed at one record past the 64th (the old
reference's reach) and the reference must name the window: an exact value moved by one
unit or one ulp, a bounded one by 2%, a count n by one. The quoted copies of the value
change with it, so only the reference can catch it.
"""
import math
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TOP, **kw)


def build_policy(build, d):
    r = sh([os.path.join(build, "govc"), "build", "-o", os.path.join(d, "p.govb"), os.path.join(d, "p.gov")])
    if r.returncode:
        sys.exit("long: govc build %s: %s" % (d, r.stderr.decode()))


def check(build, d, typed, label, extra=()):
    """drive's traced run piped into audit_exact: the summary line, or a failure. extra:
    more drive options (-s N: the state saved and loaded into a fresh VM every N lines)."""
    drive = os.path.join(build, "tests", "audit_drive")
    exact = os.path.join(build, "tests", "audit_exact")
    t0 = time.time()
    with subprocess.Popen([drive, "-t"] + (["-y"] if typed else []) + list(extra) + [os.path.join(d, "p.govb"),
                          os.path.join(d, "s.txt")], stdout=subprocess.PIPE, cwd=TOP) as dp:
        r = subprocess.run([exact, os.path.join(d, "p.gov"), os.path.join(d, "s.txt"), "-"], stdin=dp.stdout,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TOP)
        dp.stdout.close()
        dp.wait()
    text = r.stdout.decode(errors="replace").strip()
    ok = r.returncode == 0 and dp.returncode == 0 and " 0 differences" in text
    print("%s %s (%s path%s, %.1f s): %s" % ("ok" if ok else "not ok", label, "typed" if typed else "JSON",
                                              ", " + " ".join(extra) if extra else "",
                                            time.time() - t0, text.splitlines()[-1] if text else r.stderr.decode()),
          flush=True)
    if not ok:
        print(text + r.stderr.decode(errors="replace"))
    return ok


# The windows whose value the reference holds exactly (spec/language.md 4.5's guarantees).
def exact_kind(agg, span, vt):
    name = agg.split("(")[0]
    if name in ("count", "rate", "min", "max", "ewma"):
        return True
    if name in ("p50", "p90", "p95", "p99"):
        return span.startswith("last")
    if name == "sum":
        return vt != "float"
    if name == "mean":
        return vt in ("dur", "money")
    return False  # stddev


def mutations(build, d):
    """Each window's value (and drift, and window event) at one record past the 100th, moved, must be named."""
    drive = os.path.join(build, "tests", "audit_drive")
    exact = os.path.join(build, "tests", "audit_exact")
    out = sh([drive, "-t", "-y", os.path.join(d, "p.govb"), os.path.join(d, "s.txt")]).stdout.decode()
    wins = re.findall(r"^window (w\d+) = (\S+?\(.*?\)) over (last \d+ runs|\S+)", open(os.path.join(d, "p.gov")).read(),
                      re.M)
    lines = out.split("\n")
    starts = [i for i, l in enumerate(lines) if l.startswith("# ")]
    fails, named = 0, 0

    def judged(text, needle):
        """The reference's verdict on drive's output with one value moved: (named, its output)."""
        with tempfile.NamedTemporaryFile("w", suffix=".out", delete=False) as f:
            f.write(text)
        r = sh([exact, os.path.join(d, "p.gov"), os.path.join(d, "s.txt"), f.name])
        os.unlink(f.name)
        got = r.stdout.decode(errors="replace")
        return r.returncode == 1 and needle in got, got

    for name, agg, span in wins:
        # the first record past the 100th whose trace gives the window a value
        for b in range(100, len(starts)):
            lo, hi = starts[b], starts[b + 1] if b + 1 < len(starts) else len(lines)
            blk = "\n".join(lines[lo:hi])
            m = re.search(r'\{"name":"%s","value":\{"type":"(\w+)","value":(-?[0-9.eE+-]+)[^}]*\},"n":(\d+)(?!\d)' % name,
                          blk)
            if m:
                break
        else:
            continue
        ty, val, n = m.group(1), m.group(2), int(m.group(3))
        whole = m.group(0)
        moves = []
        if ty in ("float", "ratio"):
            x = float(val)
            nv = math.nextafter(x, math.inf) if exact_kind(agg, span, "float" if ty == "float" else ty) else \
                x * 1.02 + (1.0 if x == 0 else 0.0)
            moves.append(("value", whole.replace('"value":%s' % val, '"value":%r' % nv, 1)))
        else:
            x = int(val)
            nv = x + 1 if exact_kind(agg, span, ty) else x + max(2, abs(x) // 50 + 2)
            moves.append(("value", whole.replace('"value":%s' % val, '"value":%d' % nv, 1)))
        moves.append(("n", whole[:whole.rindex('"n":')] + '"n":%d' % (n + 1)))
        for what, new in moves:
            text = "\n".join(lines[:lo]) + "\n" + re.sub(re.escape(whole) + r"(?!\d)", lambda _: new, blk) + "\n" + "\n".join(lines[hi:])
            hit, got = judged(text, "window %s:" % name)
            if hit:
                named += 1
            else:
                fails += 1
                print("not ok mutation: %s %s %s (%s) at decision %d: %s" % (name, agg, span, what, b + 1, got.strip()))
    # each drift's baseline count, one more, at the first record past the 100th showing it
    for name in re.findall(r"^drift (d\d+) \{", open(os.path.join(d, "p.gov")).read(), re.M):
        for b in range(100, len(starts)):
            lo, hi = starts[b], starts[b + 1] if b + 1 < len(starts) else len(lines)
            blk = "\n".join(lines[lo:hi])
            m = re.search(r'"drift":\{"name":"%s",[^{}]*?"baseline_n":(\d+)' % name, blk)
            if m:
                break
        else:
            continue
        new = m.group(0)[:m.start(1) - m.start(0)] + str(int(m.group(1)) + 1)
        text = "\n".join(lines[:lo]) + "\n" + blk.replace(m.group(0), new) + "\n" + "\n".join(lines[hi:])
        hit, got = judged(text, "drift %s:" % name)
        if hit:
            named += 1
        else:
            fails += 1
            print("not ok mutation: drift %s baseline_n at decision %d: %s" % (name, b + 1, got.strip()))
    # a decision's eviction naming another key, and a late event dropped
    for what, pat in (("evicted", r'"evicted":\{"level":"agent","key":"g\d+"\}'), ("late", r',"late":true\}')):
        for b in range(100, len(starts)):
            lo, hi = starts[b], starts[b + 1] if b + 1 < len(starts) else len(lines)
            dl = [i for i in range(lo, hi) if lines[i].startswith("D ")]
            m = re.search(pat, lines[dl[0]]) if dl else None
            if m:
                break
        else:
            fails += 1
            print("not ok mutation: no decision past the 100th with a window event %s" % what)
            continue
        moved = list(lines)
        new = '"evicted":{"level":"agent","key":"zz"}' if what == "evicted" else "}"
        moved[dl[0]] = lines[dl[0]][:m.start()] + new + lines[dl[0]][m.end():]
        hit, got = judged("\n".join(moved), "window events:")
        if hit:
            named += 1
        else:
            fails += 1
            print("not ok mutation: window event %s at decision %d: %s" % (what, b + 1, got.strip()))
    print("%s mutations: %d of %d named by the reference" % ("ok" if not fails else "not ok", named, named + fails))
    return fails == 0 and named > 0


def main():
    build = os.path.abspath(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "quick"
    tmp = tempfile.mkdtemp(prefix="long.", dir=os.environ.get("TMPDIR", "/tmp"))
    ok = True
    if mode == "quick":
        for seed, nkeys in ((1, 40), (3, 300)):
            d = os.path.join(tmp, "g%d" % seed)
            sh([sys.executable, os.path.join(HERE, "longgen.py"), str(seed), d, "2000", str(nkeys)])
            build_policy(build, d)
            ok &= check(build, d, True, "longgen %d, 2000 records, %d agents" % (seed, nkeys))
            ok &= check(build, d, False, "longgen %d, 2000 records, %d agents" % (seed, nkeys),
                        ("-s", "97") if seed == 1 else ())
        d = os.path.join(tmp, "top")
        sh([sys.executable, os.path.join(HERE, "longgen.py"), "--top", "1", d, "2000"])
        build_policy(build, d)
        ok &= check(build, d, True, "longgen --top 1 (top lists rebuilt), 2000 records")
        d = os.path.join(tmp, "m")
        sh([sys.executable, os.path.join(HERE, "longgen.py"), "3", d, "160", "20"])
        build_policy(build, d)
        ok &= mutations(build, d)
    else:
        d = os.path.join(tmp, "bench")
        os.makedirs(d)
        gen = os.path.join(TOP, "tests", "bench", "gen.py")
        sh([sys.executable, gen, "policy", "50", "--windows", os.path.join(d, "p.gov")])
        sh([sys.executable, gen, "records", "20000", "11", os.path.join(d, "r.jsonl")])
        sh([sys.executable, os.path.join(HERE, "benchscript.py"), os.path.join(d, "r.jsonl"), os.path.join(d, "s.txt")])
        build_policy(build, d)
        ok &= check(build, d, False, "bench's ten windows, 20000 records")
        ok &= check(build, d, True, "bench's ten windows, 20000 records")
        ok &= check(build, d, True, "bench's ten windows, 20000 records", ("-s", "3001"))
        for seed in (1, 2, 3):
            d = os.path.join(tmp, "top%d" % seed)
            sh([sys.executable, os.path.join(HERE, "longgen.py"), "--top", str(seed), d, "20000"])
            build_policy(build, d)
            ok &= check(build, d, seed != 2, "longgen --top %d (top lists rebuilt), 20000 records" % seed)
        seeds = os.environ.get("LONG_SEEDS", "1-6").split("-")
        for seed in range(int(seeds[0]), int(seeds[-1]) + 1):
            d = os.path.join(tmp, "g%d" % seed)
            sh([sys.executable, os.path.join(HERE, "longgen.py"), str(seed), d, "20000"])
            build_policy(build, d)
            ok &= check(build, d, seed % 2 == 0, "longgen %d, 20000 records" % seed)
            if seed % 3 == 0:  # the state moved to a fresh VM every 997 lines
                ok &= check(build, d, seed % 2 == 1, "longgen %d, 20000 records" % seed, ("-s", "997"))
    subprocess.run(["rm", "-rf", tmp])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
