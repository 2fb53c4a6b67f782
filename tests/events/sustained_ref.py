#!/usr/bin/env python3
"""tests/events/sustained_ref.py: sustained rules against an independent reference.

The reference below is written from spec/language.md §4.3 alone: a rule with `for D`
goes pending when its condition first holds, fires once the condition has held on
every record through one at least D later, and clears when its clear condition (`clear
when C2`, else "the condition does not hold") has held on every record for `clear
after` (0 if absent). 300 random streams over tests/events/sustained.gov, in
and out of order, are run through govc; for each record the findings and the
rule_firing / rule_cleared transitions (with their times) must equal the reference's.
Then 300 streams of five agents over tests/events/sustained_agents.gov, the same rules
kept per agent (§4.3): one machine per agent, in a table of 3 agents that forgets the
one seen least recently when a fourth comes; transitions carry the agent.

Usage: sustained_ref.py GOVC
"""
import json
import random
import subprocess
import sys

GOVC = sys.argv[1]
MIN = 60 * 10**9
# name: (condition, clear condition or None, for, clear after), latency in ms
RULES = [
    ("slow", lambda l, e: l > 2000, None, 10 * MIN, 5 * MIN),
    ("hot", lambda l, e: l > 3000, lambda l, e: l < 1000, 5 * MIN, 0),
    ("erroring", lambda l, e: e, None, 0, 2 * MIN),
]


def reference(recs, cap=None):
    """recs: (time, latency, error, agent). cap None: one state per rule; else one per
    agent, at most cap agents, the least recently seen forgotten."""
    tables = {r[0]: {} for r in RULES}  # rule -> agent -> [phase, since, firing, clearing]
    order = []                          # agents, least recently seen first
    now = None
    out = []
    for t, l, e, agent in recs:
        now = t if now is None else max(now, t)  # the VM's clock: the latest event time
        key = agent if cap is not None else None
        if cap is not None:
            if agent in order:
                order.remove(agent)
            elif len(order) == cap:
                gone = order.pop(0)
                for tb in tables.values():
                    tb.pop(gone, None)
            order.append(agent)
        fired, trans = [], []
        for name, cond, clr, hold, after in RULES:
            st = tables[name]
            st.setdefault(key, ["inactive", 0, 0, 0])
            s = st[key]
            c = cond(l, e)
            x = clr(l, e) if clr else not c
            if s[0] in ("inactive", "pending"):
                if not c:
                    st[key] = ["inactive", 0, 0, 0]
                    continue
                if s[0] == "inactive":
                    s[:] = ["pending", now, 0, 0]
                if now - s[1] >= hold:
                    s[0], s[2] = "firing", now
                    trans.append(("rule_firing", name, key, s[1], now))
                    fired.append(name)
            else:
                if not x:
                    s[0], s[3] = "firing", 0
                    fired.append(name)
                    continue
                if s[0] == "firing":
                    s[0], s[3] = "clearing", now
                if now - s[3] >= after:
                    trans.append(("rule_cleared", name, key, s[2], now))
                    st[key] = ["inactive", 0, 0, 0]
                else:
                    fired.append(name)
        out.append((fired, trans))
    return out


def ts(ns):
    s = ns // 10**9
    return "2026-01-01T%02d:%02d:%02dZ" % (s // 3600, s // 60 % 60, s % 60)


def trials(policy, agents, cap, seed):
    rng = random.Random(seed)
    bad = 0
    total = 0
    for trial in range(300):
        t = 0
        recs = []
        for i in range(rng.randrange(5, 60 * len(agents))):
            t += rng.choice([0, 30, 60, 60, 120, 180, 300]) * 10**9 // len(agents)
            back = rng.random() < 0.1 and t > 5 * MIN   # now and then a late record
            recs.append((t - (rng.randrange(1, 5) * MIN if back else 0),
                         rng.choice([500, 900, 1500, 2500, 3500]), rng.random() < 0.3, rng.choice(agents)))
        lines = "".join(json.dumps({"at": ts(a), "run_id": "r", "agent": g, "latency_ms": l, "error": e}) + "\n"
                        for a, l, e, g in recs)
        r = subprocess.run([GOVC, "run", "-p", policy, "-"], input=lines.encode(), capture_output=True)
        got = []
        for line in r.stdout.decode().splitlines():
            d = json.loads(line)
            got.append(([f["rule"] for f in d["findings"]],
                        [(a["type"], a["rule"], a.get("key"), a["since"], a["at"]) for a in d["actions"]
                         if a["type"].startswith("rule_")]))
        want = [(f, [(a, n, k, ts(s), ts(w)) for a, n, k, s, w in tr]) for f, tr in reference(recs, cap)]
        total += len(recs)
        if got != want:
            bad += 1
            if bad <= 3:
                for i, (g, w) in enumerate(zip(got, want)):
                    if g != w:
                        print("# trial %d record %d %r: got %r, want %r" % (trial, i + 1, recs[i], g, w))
                        break
    return bad, total


def main():
    bad, total = trials("tests/events/sustained.gov", [""], None, 5)
    print(("ok" if bad == 0 else "not ok") +
          " - sustained: %d random streams (%d records) agree with the reference state machine" % (300, total))
    bad2, total = trials("tests/events/sustained_agents.gov", ["a", "b", "c", "d", "e"], 3, 7)
    print(("ok" if bad2 == 0 else "not ok") +
          " - sustained per agent: %d random streams of 5 agents (%d records) agree with the reference,"
          " evictions included" % (300, total))
    return 1 if bad or bad2 else 0


sys.exit(main())
