#!/usr/bin/python3
"""tests/audit/run.py: the differential of generated policies (tests/audit/gen.py) through
libgov's paths (tests/audit/drive.c), each against the plain JSON path of the same build:

  typed setters and typed events against JSON lines (the decision's "line" aside: a typed
  record has none); the resolution cache off, tiny, and resized between records by
  gov_vm_limit; the state saved and loaded into a fresh VM after every line and every
  third; findings read last to first before the decision's JSON; a trace buffer set
  (decisions unchanged); the compact trace rendered back on a second VM against the JSON
  trace; all of these at once. Every window value the traced run quotes is held to the
  exact reference (tests/audit/exact.c: fuzz/ref.c's replay of the records through
  spec/language.md 4.5, exact where the spec says exact, else within its bound).

  run.py BUILD [FIRST_SEED COUNT [RECORDS]]      (default: 1 400 60)
  run.py BUILD --against OLD_DRIVE SEED COUNT    the same script through two builds' drive
                                                 (cross-version: decisions, findings,
                                                 traces and states compared; the new
                                                 build's windows against the reference)

Prints "ok - audit differential" or the first difference of each failing case, with the
seed to rerun: `python3 tests/audit/gen.py SEED DIR` then the two drive commands.
"""
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logcut  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LINE = re.compile(r'"line":\d+,')

VARIANTS = [
    ("typed", ["-y"]),
    ("rcache-off", ["-r", "0"]),
    ("rcache-tiny", ["-r", "300"]),
    ("rcache-resized", ["-R"]),
    ("rcache-tiny-resized", ["-r", "300", "-R"]),
    ("state-every-line", ["-s", "1"]),
    ("state-every-3", ["-s", "3"]),
    ("findings-reversed", ["-o"]),
    ("traced", ["-t"]),
    ("resized-before-read", ["-x"]),
    ("compact-first", ["-C"]),
    ("everything", ["-y", "-t", "-o", "-s", "2", "-r", "300", "-R"]),
]


# Paths whose decisions also go to a decision log (drive -G), checked by logcut.py; the
# first is cut at random offsets and recovered (AUDIT_CUTS cuts a case, 2 by default: make
# test's share; AUDIT_LOGGED names the logged paths).
LOGGED = os.environ.get("AUDIT_LOGGED", "state-every-3 typed rcache-tiny everything").split()
CUTS = int(os.environ.get("AUDIT_CUTS", "2"))


def norm(text, typed):
    out = []
    for l in text.splitlines():
        if l.startswith(("T ", "X ", "G ")):
            continue
        if typed and l.startswith("D "):
            l = LINE.sub('"line":0,', l, count=1)
        out.append(l)
    return out


def sort_findings(lines):
    """Findings read last to first print first, in that order: put each decision's lines
    back as D, then F by index, then the rest."""
    out, block = [], []

    def flush():
        out.extend([l for l in block if l.startswith("D ")])
        out.extend(sorted([l for l in block if l.startswith("F ")], key=lambda s: int(s.split()[1])))
        out.extend([l for l in block if not l.startswith(("D ", "F "))])
        block.clear()

    for l in lines:
        if l.startswith(("# ", "E ")):
            flush()
            out.append(l)
        else:
            block.append(l)
    flush()
    return out


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            k = next((j for j in range(min(len(x), len(y))) if x[j] != y[j]), min(len(x), len(y)))
            return "line %d, byte %d:\n    base: ...%s\n    path: ...%s" % (i + 1, k, x[max(0, k - 120):k + 200],
                                                                          y[max(0, k - 120):k + 200])
    return "lengths %d and %d" % (len(a), len(b))


def run(cmd):
    try:
        # Generous: under the sanitizers on a loaded machine a state saved after every
        # line of a policy with long windows takes minutes.
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1800)
    except subprocess.TimeoutExpired:
        return None, "timed out after 1800 s: %s" % " ".join(cmd)
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[:500])
    return p.stdout.decode(errors="replace"), None


def case(build, drive, seed, nrec, tmp, against=None):
    d = os.path.join(tmp, str(seed))
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen.py"), str(seed), d, str(nrec)], check=True)
    govb = os.path.join(d, "p.govb")
    b = subprocess.run([os.path.join(build, "govc"), "build", "-o", govb, os.path.join(d, "p.gov")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if b.returncode != 0:
        return ["seed %d: the generated policy does not compile: %s" % (seed, b.stderr.decode()[:800])]
    lim = os.path.join(d, "limits.json")
    extra = ["-l", lim] if os.path.exists(lim) else []
    script = os.path.join(d, "s.txt")
    fails = []
    if against:
        for name, opts in [("json", ["-H"]), ("typed-traced", ["-y", "-t"]),
                           ("traced-compact", ["-t", "-c", "-s", "3"]), ("rcache-off-resized", ["-r", "0", "-R", "-t", "-H"])]:
            new, err = run([drive] + opts + extra + [govb, script])
            old, err2 = run([against] + opts + extra + [govb, script])
            if err or err2:
                fails.append("seed %d %s: %s" % (seed, name, err or err2))
                continue
            # X lines are counters (rules run, cache hits), which the indexes changed on purpose.
            new = "".join(l + "\n" for l in new.splitlines() if not l.startswith("X "))
            old = "".join(l + "\n" for l in old.splitlines() if not l.startswith("X "))
            if new != old:
                a, c = old.splitlines(), new.splitlines()
                fails.append("seed %d %s (old vs new): %s" % (seed, name, first_diff(a, c)))
            if "-t" in opts and name == "typed-traced":
                fails += exact(os.path.dirname(drive), govb, script, new, "seed %d new" % seed)
        # A state one build saved mid-stream, loaded by the other, which goes on as it
        # would have from its own state (both ways: an upgrade and a downgrade).
        n = sum(1 for _ in open(script)) // 2
        for name, a, b in [("state old->new", against, drive), ("state new->old", drive, against)]:
            st = os.path.join(d, "state.bin")
            _, err = run([a, "-W", str(n), st] + extra + [govb, script])
            want, err2 = run([b, "-H"] + extra + [govb, script])
            got, err3 = run([b, "-H", "-I", str(n), st] + extra + [govb, script])
            if err or err2 or err3:
                fails.append("seed %d %s: %s" % (seed, name, err or err2 or err3))
            else:
                # Counters (X) start afresh in the VM the state is loaded into.
                w = [l for l in want.splitlines() if not l.startswith("X ")]
                g = [l for l in got.splitlines() if not l.startswith("X ")]
                if w != g:
                    fails.append("seed %d %s: %s" % (seed, name, first_diff(w, g)))
        return fails
    return compare_paths(drive, govb, script, extra, "seed %d" % seed, seed)


def compare_paths(drive, govb, script, extra, label, seed=0):
    """Every path of VARIANTS against the plain JSON path, and the compact trace rendered
    back against the JSON trace: a list of the differences."""
    fails = []
    extra = extra + ["-H"]  # every path's state after every decision, too
    base, err = run([drive] + extra + [govb, script])
    if err:
        return ["%s base: %s" % (label, err)]
    basel = norm(base, False)
    govc = os.path.join(os.path.dirname(os.path.dirname(drive)), "govc")
    src = open(govb[:-len(".govb")] + ".gov").read()
    for name, opts in VARIANTS:
        log = None
        if name in LOGGED:
            log = "%s.%s.log" % (govb, name)
            for f in (log, log + ".lock"):
                if os.path.exists(f):
                    os.remove(f)
        out, err = run([drive] + extra + opts + (["-G", log] if log else []) + [govb, script])
        if err:
            fails.append("%s %s: %s" % (label, name, err))
            continue
        if log:
            # Replayable: the JSON path (inputs logged), without host functions (drive's
            # own) or a limits file (not given to the replay).
            rp = govb if "-y" not in opts and "extern fn" not in src and "-l" not in extra else None
            fails += ["%s %s: %s" % (label, name, f) for f in logcut.check(govc, log, out, rp)]
            if name == LOGGED[0] and CUTS:
                fails += ["%s %s: %s" % (label, name, f) for f in logcut.cuts(
                    govc, drive, extra + opts + [govb, script], log, out, rp, random.Random(seed), CUTS,
                    os.path.dirname(govb))]
        typed = "-y" in opts
        got = norm(out, typed)
        want = [LINE.sub('"line":0,', l, count=1) if typed and l.startswith("D ") else l for l in basel]
        if "-o" in opts:
            got = sort_findings(got)
        if got != want:
            fails.append("%s %s: %s" % (label, name, first_diff(want, got)))
    # The compact trace, rendered on another VM, is the JSON trace (spec/trace.md §3.1).
    out, err = run([drive, "-t", "-c"] + extra + [govb, script])
    if err:
        fails.append("%s compact: %s" % (label, err))
    else:
        ts = [l for l in out.splitlines() if l.startswith("T ")]
        for i in range(0, len(ts) - 1, 2):
            if ts[i] != ts[i + 1]:
                fails.append("%s compact render != JSON trace: %s" % (label, first_diff([ts[i]], [ts[i + 1]])))
                break
        fails += exact(os.path.dirname(drive), govb, script, out, label)
        fails += ["%s provenance: %s" % (label, f) for f in provenance(out)]
    return fails


# A value's provenance (spec/trace.md: "from", whose "at" is the file:line:col of the
# value) after the name of the limit it is the value of; a finding's "at" at its rule's name.
FROM = re.compile(r'"name":"([^"]+)"(?:(?!"name":)[^{}]|\{[^{}]*\})*?"from":\{[^{}]*?"at":"([^"]+):(\d+):(\d+)"')
RULE_AT = re.compile(r'\{"rule":"([^"]+)","severity":"[a-z]+","verdict":"[a-z]+","at":"([^"]+):(\d+):(\d+)"')


def provenance(out):
    """Every provenance the decisions and traces quote (a limit's "from", a finding's
    "at") against the source it names: the text before the column is `NAME =` (a .gov
    file) or `"NAME":` (a limits file), the text at a finding's column its rule's name.
    What the differential cannot see, since every path quotes the same program: a file,
    line or column the compiler got wrong (an imported module's, say). A std/ module
    (embedded in govc, named "std/NAME") is read from stdlib/NAME.gov."""
    lines, fails, seen = {}, [], set()

    def src(f):
        if f not in lines:
            path = "stdlib/%s.gov" % f[4:] if f.startswith("std/") else f
            try:
                with open(path, encoding="utf-8") as h:
                    lines[f] = h.read().split("\n")
            except OSError:
                lines[f] = None
        return lines[f]

    # The decisions, and each record's JSON trace: a compact run (-c) prints each trace
    # twice, the second its rendering back, which compare_paths holds equal to the first.
    keep, t = [], 0
    for l in out.splitlines():
        if l.startswith("# "):
            t = 0
        elif l.startswith("D "):
            keep.append(l)
        elif l.startswith("T "):
            if t == 0:
                keep.append(l)
            t += 1
    text = "\n".join(keep)
    for rx, kind in ((FROM, "from"), (RULE_AT, "rule")):
        for m in rx.finditer(text):
            name, f, ln, col = m.group(1), m.group(2), int(m.group(3)), int(m.group(4))
            if (kind, name, f, ln, col) in seen:
                continue
            seen.add((kind, name, f, ln, col))
            ls = src(f)
            if ls is None:
                continue
            line = ls[ln - 1] if 0 < ln <= len(ls) else ""
            before, at = line[:col - 1], line[col - 1:]
            if kind == "rule":
                ok = at.startswith(name) and before.rstrip().endswith(("rule", "gate", "drift"))
            elif f.endswith(".json"):
                ok = re.search(r'"%s"\s*:\s*$' % re.escape(name), before) is not None
            else:
                ok = re.search(r'(^|[^A-Za-z0-9_])%s\s*=\s*$' % re.escape(name), before) is not None
            if not ok:
                fails.append("%s %s at %s:%d:%d, where the source reads %r" % (kind, name, f, ln, col, line[:120]))
                if len(fails) >= 5:
                    return fails
    return fails


STATS = {"records": 0, "values": 0, "quoted": 0, "drift": 0}


def exact(bindir, govb, script, out, label):
    """Every window value the traced run printed (out: drive -t) against the exact
    reference (tests/audit/exact.c, fuzz/ref.c's) over the records: a list of failures."""
    src = govb[:-len(".govb")] + ".gov"
    path = govb + ".out"
    with open(path, "w") as f:
        f.write(out)
    p = subprocess.run([os.path.join(bindir, "audit_exact"), src, script, path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    text = p.stdout.decode(errors="replace")
    m = re.search(r"exact: (\d+) records, (\d+) window values, (\d+) quoted, (\d+) drift", text)
    if m:
        for k, v in zip(("records", "values", "quoted", "drift"), m.groups()):
            STATS[k] += int(v)
    if p.returncode != 0:
        return ["%s exact reference: %s%s" % (label, text.strip(), p.stderr.decode(errors="replace")[:500])]
    return []


def main():
    build = sys.argv[1]
    args = sys.argv[2:]
    against = None
    if args and args[0] == "--against":
        against = args[1]
        args = args[2:]
    first = int(args[0]) if args else 1
    count = int(args[1]) if len(args) > 1 else 400
    nrec = int(args[2]) if len(args) > 2 else 60
    drive = os.path.join(build, "tests", "audit_drive")
    fails = []
    with tempfile.TemporaryDirectory(prefix="audit.") as tmp:
        for seed in range(first, first + count):
            f = case(build, drive, seed, nrec, tmp, against)
            for x in f:
                print(x, flush=True)
            fails += f
            sub = os.path.join(tmp, str(seed))
            if not f:
                subprocess.run(["rm", "-rf", sub])
    print("%d cases (seeds %d..%d, %d paths each), %d differences" % (
        count, first, first + count - 1, 6 if against else len(VARIANTS) + 2, len(fails)))
    print("exact reference: %(records)d records, %(values)d window values, %(quoted)d quoted, "
          "%(drift)d drift values checked" % STATS)
    print(("not ok" if fails else "ok") + " - audit differential")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
