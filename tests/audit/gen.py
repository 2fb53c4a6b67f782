#!/usr/bin/python3
"""tests/audit/gen.py: seeded, reproducible policies and record streams for the
differential of tests/audit/run.py (issue 19's audit of sessions 12-13).

gen.py SEED OUTDIR writes OUTDIR/p.gov (a policy), OUTDIR/s.txt (a script for
tests/audit/drive.c: records in JSON and typed form, ticks, approvals, rejections,
acknowledgements, resolution-cache resizes, state saves) and, now and then,
OUTDIR/limits.json (a limits file that tightens some limits per scope).

What a policy draws from: two record kinds (one most of the time); limits of every
ordered type; scope blocks nested and overlapping (tenant, project, workflow, agent, in
any combination, sometimes more than 256 of them), each overriding some limits by
tightening; windows of every aggregate over count and time spans, per key with small
capacities (keys evicted), with `where` and lateness, so bool rings, min/max deques,
quantile heaps and Two Stacks all occur, alone and together, up to 14 on a kind; drifts;
rules plain, guarded by scopes, reading windows and host functions, sustained (`for`,
`clear when`, `clear after`, `stale after`), inhibiting, grouping notifications;
gates with quorums and timeouts; escalations; waivers live and expired; silences and
maintenance windows. A stream: records late and out of order, repeated run ids, fields
absent, float edge values, big jumps in time, and events between them.

Record fields read JSON members of other names and in other units (spec/language.md 3.2:
`from "latency_s" in s`, cents, micros, percent): the JSON line writes the number in that
unit, to as many decimals as it takes or rounded, now and then half a canonical unit off
or with an exponent, and the typed form (drive -y) gives the value spec/trace.md says it
decodes to, scaled exactly and rounded half away from zero. These draws come from a
second generator, so a policy whose fields keep their plain form is what it was.

A channel set (spec/language.md 4.1.2) now and then: `min cs0 = [...]`, a prefix of the
channels that grows with a block's rank in scope blocks and is every channel in a limits
file's entries (so every setting contains each less specific one), named by some rules'
and the drift's `notify` beside their channels or alone, with `group_by` groups kept per
channel. Drawn from a third generator, for the same reason.

Gate settings per scope (spec/language.md 4.2.1) now and then: `max gsla` (an SLA that
shortens with rank), `allowlist gappr` (approvers, a prefix of four that shrinks with
rank, never below the quorum of 2), `min gto = allow` (block from some rank on), which
the gates name instead of constants (`sla gsla`, `approvers 2 of gappr`, `on timeout
gto`), set in scope blocks and limits files. A fourth generator.

The drift's bins (spec/language.md 4.5.1) half the time: `bins [...]`, 1 to 6 edges in
the measured type, some on values the stream takes (a value at an edge is in the bin
above it). A fifth generator.
"""
import json
import os
import random
import sys
from decimal import Decimal
from fractions import Fraction

LEVELS = ["tenant", "project", "workflow", "agent"]
SEVERITIES = ["info", "warning", "critical"]
# Members of set-valued limits: exact strings the stream's tags, tools and names use, and
# globs (spec/stdlib.md's `matches` dialect).
SET_MEMBERS = ["search", "shell", "email", "x", "a b", "re*", "x/y", "ref?nd", "[a-c]*", "g1", "t/3:x"]
NAMES = {
    "tenant": ["t0", "t1", "t2", "t/3:x"],
    "project": ["p0", "p1", "p2"],
    "workflow": ["w0", "w1"],
    "agent": ["g0", "g1", "g2", "g3", "g4", "g5"],
}
BASE_S = 1796083200  # 2026-12-01T00:00:00Z
# Units of the run's fields (spec/language.md 3.2) in canonical units: ns, micro-dollars.
DUR_UNITS = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}
MONEY_UNITS = {"micros": 1, "cents": 10**4, "usd": 10**6}


def rfc3339(ns):
    import datetime
    s, rem = divmod(ns, 10**9)
    # (not fromtimestamp: it refuses the years near the first instant on some hosts)
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=s)
    ms = rem // 10**6
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (".%03dZ" % ms if ms else "Z")


def esc(s):
    return "".join("%%%02X" % ord(c) if c in " \t%,\n" else c for c in s)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.out = []
        self.rules = []        # names of rules and drifts (waivable, silenceable)
        self.plain_rules = []  # rules without `for`/clear (inhibitable targets are checked by govc)
        self.windows = {}      # kind -> [(name, type)]
        self.limits = []       # (name, dir, kind: int|dur|money|float|ratio)
        self.chans = []
        self.escs = []
        self.kinds = ["run"]
        self.sets = []         # (name, allowlist|denylist, members): set-valued limits (spec 5.1)
        self.sevlim = None     # a severity limit (spec 4.1.1): (name, default index)
        # Field units and JSON names: their own generator, so the main one's draws stay.
        self.u = random.Random(seed * 1000003 + 17)
        self.unit = {"lat": self.u.choice([None, None, None, "ms", "ns", "us", "s", "m", "h"]),
                     "cost": self.u.choice([None, None, "usd", "cents", "micros"]),
                     "q": self.u.choice([None, None, "fraction", "percent"])}
        self.key = {f: (self.u.choice([f, f, "%s_%s" % (f, self.unit[f] or "x")]) if self.unit[f] else f)
                    for f in self.unit}
        self.raw = []          # a record's JSON numbers written as text (in_unit)
        # The channel set: (name, channels in the order prefixes take them, default length).
        self.c = random.Random(seed * 1000003 + 29)
        self.chset = None
        # Gate settings by limit: (approvers in the order prefixes take them, the rank
        # from which the timeout outcome is block), or None.
        self.g = random.Random(seed * 1000003 + 41)
        self.glim = None
        self.b = random.Random(seed * 1000003 + 53)  # drift bins

    def p(self, s=""):
        self.out.append(s)

    # --- values of each type, as .gov literals
    def lit(self, t):
        r = self.r
        if t == "int":
            return str(r.choice([0, 1, 2, 3, 5, 10, 50, 100, 1000, -1]))
        if t == "dur":
            return r.choice(["1ms", "50ms", "200ms", "500ms", "1s", "2s", "10s"])
        if t == "money":
            return r.choice(["$0.01", "$0.05", "$0.10", "$0.50", "$1.00", "$5"])
        if t == "float":
            return r.choice(["0.5", "1.0", "2.5", "10.0", "-1.0", "100.0", "0.0"])
        if t == "ratio":
            return r.choice(["10%", "25%", "50%", "75%", "90%"])
        raise ValueError(t)

    def header(self):
        r = self.r
        self.p("policy audit%d" % self.seed)
        self.p("record run {")
        self.p("  a: int = 0")
        self.p("  b: int = 0")
        self.p("  x: float = 0.0")
        self.p("  lat: duration%s = 0ms" % self.field_src("lat"))
        self.p("  cost: money%s = $0" % self.field_src("cost"))
        self.p("  ok: bool = true")
        self.p("  tag: string = \"\"")
        self.p("  q: ratio%s = 0%%" % self.field_src("q"))
        self.p("  tools: strings = []")
        self.p("}")
        if r.random() < 0.25:
            self.kinds.append("tool")
            self.p("record tool {")
            self.p("  n: int = 0")
            self.p("  name: string = \"\"")
            self.p("  d: duration = 0ms")
            self.p("}")
        for i in range(r.randint(1, 4)):
            self.chans.append("c%d" % i)
            self.p("channel c%d = slack \"#c%d\"" % (i, i))

    def field_src(self, f):
        """A field's `from "KEY" in UNIT`, as drawn (nothing for the plain form)."""
        return ((' from "%s"' % self.key[f]) if self.key[f] != f else "") + \
            ((" in %s" % self.unit[f]) if self.unit[f] else "")

    def in_unit(self, canon, scale):
        """canon (canonical units) as the text of a JSON number in a unit of `scale`
        canonical units, and the canonical value that text decodes to (spec/trace.md:
        scaled exactly, rounded to the nearest unit, ties away from zero)."""
        u = self.u
        q = Fraction(canon, scale)
        if u.random() < 0.15:
            q += Fraction(u.choice([1, -1]), 2 * scale)  # half a unit off: a tie to round
        d = Decimal(q.numerator) / Decimal(q.denominator)  # 28 digits: rounded when not finite
        places = u.choice([None, None, 0, 1, 3, 6, 9])
        if places is not None:
            d = d.quantize(Decimal(1).scaleb(-places))
        if len(d.normalize().as_tuple().digits) > 18:  # the decoder reads 19 digits
            d = Decimal(format(d, ".17g"))
        text = format(d.normalize(), "e") if u.random() < 0.1 else format(d, "f")
        x = Fraction(Decimal(text)) * scale
        v = int(abs(x) + Fraction(1, 2))  # to the nearest, ties away from zero
        return text, -v if x < 0 else v

    def fields(self, kind, t):
        if kind == "run":
            m = {"int": ["run.a", "run.b"], "float": ["run.x"], "dur": ["run.lat"], "money": ["run.cost"],
                 "ratio": ["run.q"], "bool": ["run.ok"]}
        else:
            m = {"int": ["tool.n"], "dur": ["tool.d"], "float": [], "money": [], "ratio": [], "bool": []}
        return m.get(t, [])

    def limits_and_scopes(self):
        r = self.r
        kinds = ["int", "dur", "money", "float", "ratio"]
        for i in range(r.randint(1, 8)):
            t = r.choice(kinds)
            d = r.choice(["max", "min"])
            name = "l%d" % i
            self.limits.append((name, d, t))
            self.p("%s %s = %s" % (d, name, self.base_value(t, d)))
        # Set-valued limits (spec/language.md 5.1): a block's set is a prefix of the
        # members, shorter (allowlist) or longer (denylist) as the block is more specific,
        # so every two sets are ordered by inclusion the way the checker proves.
        for i in range(r.choice([0, 0, 1, 2])):
            kind = r.choice(["allowlist", "denylist"])
            members = r.sample(SET_MEMBERS, len(SET_MEMBERS))
            name = "s%d" % i
            self.sets.append((name, kind, members))
            self.p("%s %s = %s" % (kind, name, self.set_value(kind, members, 0)))
        if r.random() < 0.3:
            self.sevlim = ("sevl", r.randint(0, 1))
            self.p("min sevl = %s" % SEVERITIES[self.sevlim[1]])
        if self.c.random() < 0.4:
            self.chset = ("cs0", self.c.sample(self.chans, len(self.chans)), self.c.choice([0, 1]))
            self.p("min cs0 = %s" % self.chset_value(0))
        if self.g.random() < 0.4:
            self.glim = (self.g.sample(["x@e.com", "y@e.com", "z@e.com", "w@e.com"], 4), self.g.randint(4, 17))
            self.p("max gsla = 1h")
            self.p("allowlist gappr = %s" % self.gappr_value(0))
            self.p("min gto = allow")
        nblocks = r.choice([0, 1, 3, 6, 12, 30]) if r.random() < 0.93 else r.choice([257, 300])
        self.nblocks = 0
        self.path = ()
        self.paths = set()
        while self.nblocks < nblocks:
            self.scope(0, -1, nblocks, 0)

    def gappr_value(self, rank):
        """The gate's approvers in a block of this rank: fewer as it is more specific, at
        least 2 (a quorum of 2 must stay reachable)."""
        return "[%s]" % ", ".join('"%s"' % a for a in self.glim[0][:max(2, 4 - rank // 6)])

    def chset_value(self, rank):
        """The channel set's value in a block of this rank (0: the default): a prefix of its
        order, longer as the block is more specific (more channels is tighter)."""
        (_, order, n0) = self.chset
        return "[%s]" % ", ".join(order[:min(len(order), n0 + (rank + 3) // 4)])

    def set_value(self, kind, members, rank):
        n = max(0, 6 - rank // 3) if kind == "allowlist" else min(len(members), 1 + rank // 3)
        return "[%s]" % ", ".join(json.dumps(m) for m in members[:n])

    # Values move from the base by tightening: a max goes down, a min up, with depth.
    def base_value(self, t, d):
        return {"int": "1000" if d == "max" else "-1000", "dur": "10s" if d == "max" else "1ms",
                "money": "$100" if d == "max" else "$0", "float": "1000.0" if d == "max" else "-1000.0",
                "ratio": "100%" if d == "max" else "0%"}[t]

    def tight_value(self, t, d, path):
        # The checker orders blocks by their most specific level, then by how many levels
        # they name: each rank gets its own range, tighter as the rank grows.
        rank = 4 * max(lv for lv, _ in path) + len(path)  # 1 .. 16
        k = (17 - rank) * 6 + self.r.randint(0, 5) if d == "max" else rank * 6 + self.r.randint(0, 5)
        return {"int": str(k), "dur": "%dms" % (k * 37), "money": "$%d.%02d" % (k // 10, k % 10 * 7),
                "float": "%d.5" % k, "ratio": "%d%%" % min(100, k)}[t]

    def scope(self, depth, minlevel, nblocks, ind):
        r = self.r
        choices = [i for i in range(len(LEVELS)) if i > minlevel]
        if not choices or self.nblocks >= nblocks:
            return
        lv = r.choice(choices)
        name = r.choice(NAMES[LEVELS[lv]])
        if nblocks > 100:  # many blocks: make their names distinct
            name = "%s%d" % (name, self.nblocks)
        path = self.path + ((lv, name),)
        if path in self.paths:
            self.nblocks += 1  # a block that would repeat a path is not written
            return
        self.paths.add(path)
        self.nblocks += 1
        pad = "  " * ind
        self.p('%sscope %s "%s" {' % (pad, LEVELS[lv], name))
        for (ln, d, t) in r.sample(self.limits, r.randint(0, len(self.limits))):
            # A block's values tighten by its most specific level (what the checker's
            # tighten-only proof orders blocks by): ranges per level do not overlap.
            self.p("%s  %s = %s" % (pad, ln, self.tight_value(t, d, path)))
        rank = 4 * max(lv for lv, _ in path) + len(path)
        for (sn, kind, members) in self.sets:
            if r.random() < 0.5:
                self.p("%s  %s = %s" % (pad, sn, self.set_value(kind, members, rank)))
        if self.sevlim and r.random() < 0.5:
            self.p("%s  sevl = %s" % (pad, SEVERITIES[max(self.sevlim[1], rank // 6)]))
        if self.chset and self.c.random() < 0.5:
            self.p("%s  cs0 = %s" % (pad, self.chset_value(rank)))
        if self.glim:
            g = self.g
            if g.random() < 0.5:  # shorter with rank: each rank its own range
                self.p("%s  gsla = %ds" % (pad, (17 - rank) * 20 + g.randint(0, 5)))
            if g.random() < 0.5:
                self.p("%s  gappr = %s" % (pad, self.gappr_value(rank)))
            if g.random() < 0.5:
                self.p("%s  gto = %s" % (pad, "block" if rank >= self.glim[1] else "allow"))
        if depth < 3 and r.random() < 0.5:
            saved = self.path
            self.path = path
            for _ in range(r.randint(1, 3)):
                self.scope(depth + 1, lv, nblocks, ind + 1)
            self.path = saved
        self.p("%s}" % pad)

    def externs(self):
        r = self.r
        self.externs_ok = r.random() < 0.3
        if self.externs_ok:
            self.p("extern fn h_ii(v: int) -> int on error 7")
            self.p("extern fn h_if(v: int) -> float")
            self.p("extern fn h_sb(s: string) -> bool on error verdict review")
            self.p("extern fn unbound_ii(v: int) -> int on error 5")

    def escalations(self):
        r = self.r
        for i in range(r.randint(0, 2)):
            name = "e%d" % i
            self.escs.append(name)
            self.p("escalation %s {" % name)
            self.p("  notify %s" % r.choice(self.chans))
            for k in range(r.randint(0, 2)):
                self.p("  after %dm notify %s" % (5 * (k + 1), r.choice(self.chans)))
            if r.random() < 0.3:
                self.p("  repeat %d" % r.randint(1, 2))
            if r.random() < 0.3:
                self.p("  capacity %d" % r.choice([1, 2, 64]))
            self.p("}")

    def windows_decl(self):
        r = self.r
        shape = r.choice(["mixed", "mixed", "mixed", "bool", "deque", "heap", "time", "one_each", "many"])
        for kind in self.kinds:
            ws = []
            n = {"many": r.randint(10, 14), "one_each": 4}.get(shape, r.randint(0, 6))
            if kind != "run":
                n = min(n, 3)
            for i in range(n):
                w = self.window(kind, shape, i)
                if w:
                    ws.append(w)
            self.windows[kind] = ws

    def window(self, kind, shape, i):
        r = self.r
        name = "%s_w%d" % (kind, i)
        if kind == "run":
            num = [("run.a", "int"), ("run.b", "int"), ("run.x", "float"), ("run.lat", "dur"), ("run.cost", "money"),
                   ("run.q", "ratio")]
            boolarg = "run.ok"
        else:
            num = [("tool.n", "int"), ("tool.d", "dur")]
            boolarg = "tool.n > 2"
        f, ft = r.choice(num)
        count_span = "last %d runs" % r.choice([1, 2, 3, 5, 8, 16, 100, 128, 129, 300])
        time_span = r.choice(["10s", "1m", "5m", "30s", "1h"])
        if shape == "bool" or (shape == "one_each" and i == 0):
            agg, vt = r.choice([("count(%s)" % boolarg, "int"), ("rate(%s)" % boolarg, "ratio")])
            span = count_span
        elif shape == "deque" or (shape == "one_each" and i == 1):
            agg, vt = "%s(%s)" % (r.choice(["min", "max"]), f), ft
            span = count_span
        elif shape == "heap" or (shape == "one_each" and i == 2):
            agg, vt = "%s(%s)" % (r.choice(["p50", "p90", "p95", "p99"]), f), ("float" if ft == "int" else ft)
            span = count_span
        elif shape == "time":
            agg, vt = self.any_agg(f, ft, boolarg)
            span = time_span
        else:
            agg, vt = self.any_agg(f, ft, boolarg)
            span = r.choice([count_span, time_span])
        s = "window %s = %s over %s" % (name, agg, span)
        if r.random() < 0.4:
            lv = r.choice(LEVELS)
            s += " per %s" % lv
            # A quantile time window's sketches take ~250 KB a key: at the default
            # capacity (1,024 keys) the arena is ~256 MB, and every state move of a run
            # fills a fresh one (minutes a case). The stream has at most 6 keys a level.
            big = agg.startswith("p") and not span.startswith("last")
            if r.random() < 0.5 or big:
                s += " capacity %d" % r.choice([1, 2, 3, 4] + ([8] if big else []))
        if r.random() < 0.2:
            s += " where %s" % (("%s > 1" % self.fields(kind, "int")[0]) if kind == "run" else "tool.n > 0")
        if not span.startswith("last") and r.random() < 0.3:
            s += " lateness %s" % r.choice(["0s", "5s", "1m"])
        self.p(s)
        return (name, vt)

    def any_agg(self, f, ft, boolarg):
        r = self.r
        k = r.randint(0, 11)
        if k == 0 and len(self.kinds) == 1:
            return "count()", "int"
        if k == 1:
            return "count(%s)" % boolarg, "int"
        if k == 2:
            return "rate(%s)" % boolarg, "ratio"
        if k == 3:
            return "sum(%s)" % f, ("float" if ft == "ratio" else ft)
        if k == 4:
            return "mean(%s)" % f, ("float" if ft in ("int", "ratio") else ft)
        if k in (5, 6):
            return "%s(%s)" % (r.choice(["min", "max"]), f), ft
        if k == 7:
            return "stddev(%s)" % f, ("float" if ft in ("int", "ratio") else ft)
        if k == 8:
            return "ewma(%s, 0.25)" % f, ("float" if ft in ("int", "ratio") else ft)
        return "%s(%s)" % (r.choice(["p50", "p90", "p95", "p99"]), f), ("float" if ft in ("int", "ratio") else ft)

    def drifts(self):
        r = self.r
        if r.random() < 0.25:
            name = "d0"
            self.p("drift %s {" % name)
            of = r.choice(["a", "x", "lat"])
            self.p("  of run.%s" % of)
            self.p("  baseline 10m")
            self.p("  current 1m")
            self.p("  test %s > %s%s" % (r.choice(["psi", "ks", "mean_shift"]), r.choice(["0.1", "0.2", "0.5"]),
                                         r.choice(["", " for 30s"])))
            self.p("  min_samples %d" % r.choice([2, 5, 10]))
            if self.b.random() < 0.5:
                edges = {"a": [-5, 0, 1, 3, 7, 10, 50, 100, 500, 1000, 2000],
                         "x": ["-1.0", "0.0", "0.5", "1.0", "2.5", "10.0", "99.5", "100.0", "1234.5678"],
                         "lat": ["1ms", "10ms", "50ms", "51ms", "200ms", "500ms", "1s", "5s", "20s"]}[of]
                pick = sorted(self.b.sample(range(len(edges)), self.b.randint(1, 6)))
                self.p("  bins [%s]" % ", ".join(str(edges[i]) for i in pick))
            if r.random() < 0.5:
                self.p("  per %s" % r.choice(LEVELS))
                if r.random() < 0.5:
                    self.p("  capacity 2")
            self.p("  notify %s%s" % (r.choice(self.chans), ", cs0" if self.chset and self.c.random() < 0.5 else ""))
            self.p("}")
            self.rules.append(name)

    # Arithmetic of each type (spec/language.md 3.1), built-ins and `if`: comparisons the
    # threshold index cannot decide, beside the plain ones it can.
    ARITH = {
        "run": {"int": ["run.a + run.b", "run.a - run.b", "run.a * 3", "run.b / 7", "-run.a", "abs(run.a)",
                        "(if run.ok then run.a else run.b)", "min(run.a, run.b)", "clamp(run.b, 0, 500)"],
                "float": ["run.x * 0.5", "run.x + run.q", "run.x / 3.0", "abs(run.x)", "-run.x",
                          "max(run.x, 1.5)"],
                "dur": ["run.lat * 2", "run.lat + 100ms", "run.lat / 3", "run.lat * 1.5", "run.lat - 1s",
                        "(if run.ok then run.lat else 2s)"],
                "money": ["run.cost * 3", "run.cost / 2", "run.cost + $0.01", "run.cost * 0.3", "-run.cost"]},
        "tool": {"int": ["tool.n + 1", "tool.n * tool.n", "-tool.n"], "dur": ["tool.d * 2", "tool.d + 1ms"]},
    }

    def cmp_for(self, kind, t):
        """A comparison of a field, a window or arithmetic of type t against a limit or a
        literal."""
        r = self.r
        lims = [l for l in self.limits if l[2] == t]
        fs = self.fields(kind, t)
        ws = [w for (w, wt) in self.windows.get(kind, []) if wt == t]
        ar = self.ARITH.get(kind, {}).get(t, [])
        if ar and r.random() < 0.15:
            fs = ar
        elif ws and t in ("int", "float", "dur", "money") and r.random() < 0.1:
            fs = ["%s * 2" % r.choice(ws)]  # a window's value in arithmetic
        lhs = r.choice(fs + ws) if (fs or ws) else None
        if lhs is None:
            return None
        if lims and r.random() < 0.7:
            (ln, d, _) = r.choice(lims)
            op = ">" if d == "max" else "<"
            if r.random() < 0.2:
                op += "="
            return "%s %s %s" % (lhs, op, ln)
        return "%s %s %s" % (lhs, r.choice([">", "<", ">=", "<=", "==", "!="]), self.lit(t))

    def cond(self, kind, depth=0):
        r = self.r
        k = r.random()
        if depth < 2 and k < 0.2:
            return "(%s %s %s)" % (self.cond(kind, depth + 1), r.choice(["and", "or"]), self.cond(kind, depth + 1))
        if depth < 2 and k < 0.25:
            return "not (%s)" % self.cond(kind, depth + 1)
        if kind == "run" and k < 0.32:
            return r.choice(["run.ok", "not run.ok", 'run.tag == "refund"', 'run.tag != ""',
                             'starts_with(run.tag, "re")', 'run.agent == "g1"', 'run.tenant in ["t0", "t1"]',
                             '"search" in run.tools', 'any_in(run.tools, ["shell", "x"])', "len(run.tag) > 1",
                             'run.tag in ["a b", "x/y"]'])
        if kind == "run" and self.sets and k < 0.36:
            (sn, _, _) = r.choice(self.sets)
            return r.choice(["run.tag in %s", "run.tag not in %s", "any_in(run.tools, %s)", "all_in(run.tools, %s)",
                             "run.agent in %s", "run.tenant not in %s"]) % sn
        if kind == "run" and self.externs_ok and k < 0.4:
            return r.choice(["h_ii(run.a) > 500", "h_if(run.b) > 50.0", "h_sb(run.tag)", "unbound_ii(run.a) > 3"])
        for _ in range(8):
            c = self.cmp_for(kind, r.choice(["int", "dur", "money", "float", "ratio"]))
            if c:
                return c
        return "run.ok" if kind == "run" else "tool.n > 1"

    def rule_decls(self):
        r = self.r
        n = r.choice([1, 3, 6, 10, 20, 40])
        # Drawn ahead, so a rule can inhibit later ones (spec/language.md 4.10): of its
        # kind, no more severe than it; a rule whose severity is the severity limit can
        # reach critical in some scope, so only a critical rule inhibits it.
        kinds = [r.choice(self.kinds) for _ in range(n)]
        sevs = [r.randint(0, 2) for _ in range(n)]
        bylim = [self.sevlim is not None and r.random() < 0.3 for _ in range(n)]
        for i in range(n):
            kind = kinds[i]
            name = "r%d" % i
            self.p("rule %s%s {" % (name, " on %s" % kind if len(self.kinds) > 1 else ""))
            c = self.cond(kind)
            if r.random() < 0.25:
                # Unparenthesised conjunctions (and now and then a disjunction) of
                # comparisons at the condition's top: what the threshold index may decide
                # conjunct by conjunct (spec/bytecode.md 3.4), evaluated left to right.
                parts = [x for x in (self.cmp_for(kind, r.choice(["int", "dur", "money", "float", "ratio"]))
                                     for _ in range(r.randint(2, 3))) if x]
                if len(parts) >= 2:
                    c = (" or " if r.random() < 0.15 else " and ").join(parts)
            if r.random() < 0.35:
                # A rule guard (spec/bytecode.md 3.3): `LEVEL == "NAME" and ...` at the top,
                # over a single comparison most of the time (the threshold index, 3.4).
                lv = r.choice(LEVELS)
                guard = '%s.%s == "%s"' % (kind, lv, r.choice(NAMES[lv]))
                body = self.cmp_for(kind, r.choice(["int", "dur", "money", "float", "ratio"])) or c
                c = "%s and %s" % (guard, body if r.random() < 0.8 else c)
            sustained = r.random() < 0.2
            if sustained and r.random() < 0.6:
                self.p("  when %s for %s" % (c, r.choice(["1s", "30s", "2m"])))
            else:
                self.p("  when %s" % c)
            if sustained:
                if r.random() < 0.4:
                    self.p("  clear when %s" % self.cond(kind))
                if r.random() < 0.4:
                    self.p("  clear after %s" % r.choice(["10s", "1m"]))
                if r.random() < 0.4 and (self.out[-1].startswith("  clear") or " for " in self.out[-1]
                                         or self.out[-2].startswith("  clear") or " for " in self.out[-2]):
                    self.p("  stale after %s" % r.choice(["1m", "5m"]))
            self.p("  severity %s" % ("sevl" if bylim[i] else SEVERITIES[sevs[i]]))
            if r.random() < 0.6:
                self.p("  verdict %s" % r.choice(["allow", "warn", "review", "pause", "block"]))
            own = r.random() < 0.6
            note = sorted(set(r.sample(self.chans, r.randint(1, len(self.chans))))) if own else []
            if self.chset and self.c.random() < 0.5:
                note.append("cs0")  # the set beside the rule's channels, or alone
            if note:
                self.p("  notify %s" % ", ".join(note))
            if own:
                if r.random() < 0.2:
                    self.p("  group_by %s" % r.choice(LEVELS))
                    self.p("  group_wait %s" % r.choice(["10s", "1m"]))
                if r.random() < 0.15:
                    self.p("  repeat_interval 5m")
            if self.escs and r.random() < 0.2:
                self.p("  escalate %s" % r.choice(self.escs))
            if not sustained and not bylim[i] and r.random() < 0.15:
                targets = [j for j in range(i + 1, n) if kinds[j] == kind and
                           (sevs[i] == 2 if bylim[j] else sevs[j] <= sevs[i])]
                if targets:
                    self.p("  inhibit %s" % ", ".join("r%d" % j for j in
                                                     sorted(r.sample(targets, min(len(targets), r.randint(1, 3))))))
            self.p("}")
            self.rules.append(name)
            if not sustained:
                self.plain_rules.append((name, kind))

    def gates(self):
        r = self.r
        for i in range(r.choice([0, 0, 1, 2])):
            self.p("gate gt%d {" % i)
            self.p("  when %s" % self.cond("run"))
            # Each setting a constant, or (drawn from self.g) the limit in force.
            g = self.g if self.glim else None
            if r.random() < 0.3:
                self.p('  approvers 2 of %s' % ("gappr" if g and g.random() < 0.6 else '"x@e.com", "y@e.com", "z@e.com"'))
            else:
                self.p('  approvers %s' % ("gappr" if g and g.random() < 0.6 else '"x@e.com", "y@e.com"'))
            sla = r.choice(["30s", "5m", "1h"])
            self.p("  sla %s" % ("gsla" if g and g.random() < 0.6 else sla))
            to = r.choice(["deny", "allow"] + (["escalate %s" % self.escs[0]] if self.escs else []))
            self.p("  on timeout %s" % ("gto" if g and g.random() < 0.6 else to))
            if r.random() < 0.3:
                self.p("  capacity %d" % r.choice([1, 2, 8]))
            self.p("}")

    def waivers_silences(self):
        r = self.r
        for i in range(r.choice([0, 0, 1, 3])):
            if not self.rules:
                break
            lv = r.choice(LEVELS)
            until = r.choice(["2026-12-01T00:10:00Z", "2027-01-01T00:00:00Z"])
            self.p('waive %s for %s "%s" until %s by "a@e.com" reason "audit"' % (
                r.choice(self.rules), lv, r.choice(NAMES[lv]), until))
        for i in range(r.choice([0, 0, 1, 2])):
            if not self.rules:
                break
            scope = ""
            if r.random() < 0.5:
                lv = r.choice(LEVELS)
                scope = ' for %s "%s"' % (lv, r.choice(NAMES[lv]))
            every = ""
            if r.random() < 0.4:
                every = ' every day at "00:05" for 10m'
            self.p('silence s%d on %s%s from 2026-11-30T00:00:00Z until 2026-12-01T01:00:00Z%s by "a@e.com" reason "audit"'
                   % (i, r.choice(self.rules), scope, every))

    def policy(self):
        self.header()
        self.externs()
        self.limits_and_scopes()
        self.escalations()
        self.windows_decl()
        self.drifts()
        self.rule_decls()
        self.gates()
        self.waivers_silences()
        return "\n".join(self.out) + "\n"

    # --- the stream
    def level_values(self):
        r = self.r
        d = {}
        for lv in LEVELS:
            if r.random() < 0.85:
                d[lv] = r.choice(NAMES[lv])
        return d

    def record(self, t_ns, runid):
        r = self.r
        kind = r.choice(self.kinds) if len(self.kinds) > 1 else "run"
        js = {}
        ty = []
        if len(self.kinds) > 1:
            js["kind"] = kind
        for lv, name in self.level_values().items():
            js[lv] = name
            ty.append("%s=s:%s" % (lv, esc(name)))
        if runid is not None:
            js["run_id"] = runid
            ty.append("run_id=s:%s" % esc(runid))
        js["at"] = rfc3339(t_ns)
        ty.append("at=i:%d" % (t_ns - t_ns % 10**6))

        def maybe():
            return r.random() < 0.85

        if kind == "run":
            if maybe():
                v = r.choice([0, 1, 2, 3, 5, 7, 10, 20, 50, 100, 500, 1000, 2000, -5, 2**40, -2**62])
                js["a"] = v
                ty.append("a=i:%d" % v)
            if maybe():
                v = r.randint(-10, 1100)
                js["b"] = v
                ty.append("b=i:%d" % v)
            if maybe():
                v = r.choice([0.0, 0.5, 1.0, 2.5, 10.0, 99.5, -1.0, 1e300, -1e300, 5e-324, 1e-300, 0.1, 1234.5678,
                              r.uniform(-100, 1000)])
                js["x"] = v
                ty.append("x=f:%r" % v)
            if maybe():
                v = r.choice([0, 1, 10, 49, 50, 51, 100, 200, 499, 500, 501, 1000, 5000, 20000])
                if self.unit["lat"]:
                    text, ns = self.in_unit(v * 10**6, DUR_UNITS[self.unit["lat"]])
                    js[self.key["lat"]] = self.rawnum(text)
                    ty.append("lat=i:%d" % ns)
                else:
                    js["lat"] = v
                    ty.append("lat=i:%d" % (v * 10**6))
            if maybe():
                c = r.choice([0, 1, 5, 7, 10, 50, 99, 100, 101, 500, 10000, 999999])
                if self.unit["cost"]:
                    text, micros = self.in_unit(c * 10**4, MONEY_UNITS[self.unit["cost"]])
                    js[self.key["cost"]] = self.rawnum(text)
                    ty.append("cost=i:%d" % micros)
                else:
                    js["cost"] = float("%d.%02d" % (c // 100, c % 100)) if c % 100 else c // 100
                    ty.append("cost=i:%d" % (c * 10**4))
            if maybe():
                v = r.random() < 0.7
                js["ok"] = v
                ty.append("ok=i:%d" % v)
            if maybe():
                v = r.choice(["", "refund", "chargeback", "re", "a b", "x/y"])
                js["tag"] = v
                ty.append("tag=s:%s" % esc(v))
            if maybe():
                v = r.choice([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])
                if self.unit["q"] == "percent":
                    # Scaled in its digits, then one conversion (spec/trace.md): 33.3 is 0.333.
                    text = format((Decimal(repr(v)) * 100).normalize(), "f")
                    if self.u.random() < 0.3:
                        text = self.u.choice(["33.3", "12.345", "0.1", "99.99", "66.66666666666667", "1e1", "5E-1"])
                    v = float(Fraction(Decimal(text)) / 100)
                    js[self.key["q"]] = self.rawnum(text)
                elif self.unit["q"]:
                    js[self.key["q"]] = v
                else:
                    js["q"] = v
                ty.append("q=f:%r" % v)
            if maybe():
                v = r.sample(["search", "shell", "email", "x"], r.randint(0, 3))
                js["tools"] = v
                ty.append("tools=l:%s" % ",".join(esc(e) for e in v))
        else:
            if maybe():
                v = r.randint(-3, 10)
                js["n"] = v
                ty.append("n=i:%d" % v)
            if maybe():
                v = r.choice(["", "search", "shell"])
                js["name"] = v
                ty.append("name=s:%s" % esc(v))
            if maybe():
                v = r.choice([0, 5, 50, 500])
                js["d"] = v
                ty.append("d=i:%d" % (v * 10**6))
        line = json.dumps(js, separators=(",", ":"))
        for i, text in enumerate(self.raw):
            line = line.replace('"@raw%d@"' % i, text)
        self.raw = []
        return "R\t%s\t%s %s" % (line, kind, " ".join(ty))

    def rawnum(self, text):
        """A placeholder for a JSON number written as text, put in by record()."""
        self.raw.append(text)
        return "@raw%d@" % (len(self.raw) - 1)

    def stream(self, n):
        r = self.r
        lines = []
        # Event time's era: now; a stream crossing the epoch (negative times, floor
        # division); or one starting near the first instant, INT64_MIN ns (spec 4.3, "The
        # ends of time"), with room for the late records below.
        era = r.random()
        t = BASE_S * 10**9 if era < 0.86 else -90 * 10**9 if era < 0.96 else (-(2**63) // 10**9 + 400) * 10**9
        hi = t
        nrun = 0
        for i in range(n):
            k = r.random()
            if k < 0.05:
                hi += r.choice([1, 30, 300, 3600]) * 10**9
                lines.append("K\t%d\t%s" % (hi, json.dumps({"type": "tick", "at": rfc3339(hi)})))
                continue
            if k < 0.12:
                by = r.choice(["x@e.com", "y@e.com", "z@e.com", "nobody@e.com"])
                ap = r.random() < 0.7
                at = hi + 10**9
                hi = at
                lines.append("A\t%d\t%d\t%s\t%d\t%s" % (r.choice([0, 0, 1, 2, 5]), ap, by, at, json.dumps(
                    {"type": "approve" if ap else "reject", "gate_id": "$G", "by": by, "at": rfc3339(at)})))
                continue
            if k < 0.14:
                at = hi + 10**9
                hi = at
                lines.append("C\t%d\t%s\t%d\t%s" % (r.choice([0, 0, 1, 3]), "ops", at, json.dumps(
                    {"type": "ack", "escalation_id": "$E", "by": "ops", "at": rfc3339(at)})))
                continue
            if k < 0.17:
                lines.append("L\t5\t%d" % r.choice([0, 64, 200, 600, 5000, 100000, 2**31 - 1]))
                continue
            if k < 0.19:
                lines.append("S")
                continue
            # a record: mostly forward, sometimes late, sometimes far ahead
            m = r.random()
            if m < 0.1:
                at = hi - r.choice([1, 5, 30, 120]) * 10**9
            elif m < 0.13:
                hi += r.choice([600, 3600, 86400]) * 10**9
                at = hi
            else:
                hi += r.choice([0, 1, 250, 1000, 5000, 20000]) * 10**6
                at = hi
            rid = None
            if r.random() < 0.9:
                rid = "r%d" % (r.randint(0, nrun) if r.random() < 0.2 else nrun)
                nrun += 1
            lines.append(self.record(at, rid))
        return "\n".join(lines) + "\n"

    def limits_file(self):
        r = self.r
        if not self.limits or r.random() < 0.7:
            return None
        ents, seen = [], set()
        for _ in range(r.randint(1, 4)):
            (ln, d, t) = r.choice(self.limits)
            val = {"int": 1 if d == "max" else 200, "dur": "1ms" if d == "max" else "5s",
                   "money": "$0.01" if d == "max" else "$50", "float": 0.5 if d == "max" else 900.0,
                   "ratio": "1%" if d == "max" else "100%"}[t]
            # Every level named: no block of the policy is more specific, and the extreme
            # values tighten every setting the entry could meet.
            e = {lv: r.choice(NAMES[lv]) for lv in LEVELS}
            key = tuple(e.values())
            if key in seen:
                continue
            seen.add(key)
            e["limits"] = {ln: val}
            if self.chset and self.c.random() < 0.5:
                e["limits"]["cs0"] = self.chset[1]  # every channel: contains every setting
            if self.glim and self.g.random() < 0.5:  # the tightest of every setting
                e["limits"].update({"gsla": "1s", "gappr": self.glim[0][:2], "gto": "block"})
            ents.append(e)
        return json.dumps({"policy": "audit%d" % self.seed, "scopes": ents}, indent=1) + "\n"


def main():
    seed = int(sys.argv[1])
    outdir = sys.argv[2]
    nrec = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    g = Gen(seed)
    pol = g.policy()
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "p.gov"), "w") as f:
        f.write(pol)
    with open(os.path.join(outdir, "s.txt"), "w") as f:
        f.write(g.stream(nrec))
    lim = g.limits_file()
    lp = os.path.join(outdir, "limits.json")
    if lim:
        with open(lp, "w") as f:
            f.write(lim)
    elif os.path.exists(lp):
        os.remove(lp)


if __name__ == "__main__":
    main()
