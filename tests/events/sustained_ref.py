#!/usr/bin/env python3
"""tests/events/sustained_ref.py: sustained rules against an independent reference.

The reference below is written from spec/language.md §4.3 alone. A rule with `for D`
goes pending when its condition first holds, and fires on a record at least D later if
the condition held on every record in between; it clears when its clear condition
(`clear when C2`, else "the condition does not hold") holds on a record (without `clear
after`), or on the clock once that condition has held for `clear after`. Each key's
series goes stale once the clock passes `stale after` (5 minutes unless set) after its
last record: a pending condition is dropped, a firing rule clears `clear after` later
(reason stale). Clock changes happen first on every event (records and ticks), rule by
rule and key by key in table order, dated when they fell due. A record older than its
key's latest (late) never lowers a state. 300 random streams over
tests/events/sustained.gov, with ticks, gaps and late records, are run through govc;
for each line the findings and the rule_firing / rule_cleared transitions (times,
reasons) must equal the reference's. Then 300 streams of five agents over
tests/events/sustained_agents.gov, the same rules kept per agent: one machine per
agent, in a table of 3 agents that forgets the one seen least recently when a fourth
comes; transitions carry the agent.

Usage: sustained_ref.py GOVC
"""
import json
import random
import subprocess
import sys

GOVC = sys.argv[1]
MIN = 60 * 10**9
NEVER = 2**63 - 1
# name: (condition, clear condition or None, for, clear after, stale after), latency in ms
RULES = [
    ("slow", lambda l, e: l > 2000, None, 10 * MIN, 5 * MIN, 15 * MIN),
    ("hot", lambda l, e: l > 3000, lambda l, e: l < 1000, 5 * MIN, 0, 5 * MIN),
    ("erroring", lambda l, e: e, None, 0, 2 * MIN, 5 * MIN),
]


def due(s, after, stale):
    """(when a state changes on the clock, when that is dated, the reason), or None."""
    phase, since, firing, clearing, seen, last = s
    if phase == "pending":
        return seen + stale + 1, seen + stale, None
    if phase == "firing":
        return seen + stale + max(after, 1), seen + stale + after, "stale"
    if phase == "clearing":
        return clearing + after, clearing + after, "clear_after"
    return None


def reference(recs, cap=None):
    """recs: (time, latency, error, agent), latency None for a tick. cap None: one state
    per rule; else one per agent in a table of cap slots, the least recently seen key's
    slot taken by a new one."""
    slots = []                          # key per slot
    order = []                          # keys, least recently seen first
    states = {r[0]: [] for r in RULES}  # rule -> state per slot
    now = None
    out = []
    for t, l, e, agent in recs:
        now = t if now is None else max(now, t)  # the VM's clock: the latest event time
        fired, trans = [], []
        # The clock first: what fell due by now, rule by rule, slot by slot.
        for name, cond, clr, hold, after, stale in RULES:
            for k, s in enumerate(states[name]):
                d = due(s, after, stale)
                if d is None or d[0] > now:
                    continue
                if d[2]:
                    trans.append(("rule_cleared", name, slots[k], s[2], d[1], d[2]))
                s[:] = ["inactive", 0, 0, 0, s[4], s[5]]
        if l is None:  # a tick
            out.append((fired, trans))
            continue
        key = agent if cap is not None else None
        if key in order:
            order.remove(key)
            slot = slots.index(key)
        elif cap is None or len(slots) < (cap or 1):
            slots.append(key)
            slot = len(slots) - 1
            for name in states:
                states[name].append(["inactive", 0, 0, 0, None, None])
        else:
            gone = order.pop(0)
            slot = slots.index(gone)
            slots[slot] = key
            for name in states:
                states[name][slot] = ["inactive", 0, 0, 0, None, None]
        order.append(key)
        for name, cond, clr, hold, after, stale in RULES:
            s = states[name][slot]
            late = s[5] is not None and t < s[5]
            s[4] = now
            s[5] = t if s[5] is None else max(s[5], t)
            c = cond(l, e)
            x = clr(l, e) if clr else not c
            if s[0] in ("inactive", "pending"):
                if not c:
                    if not late:
                        s[:4] = ["inactive", 0, 0, 0]
                    continue
                if s[0] == "inactive":
                    s[:2] = ["pending", now]
                if now - s[1] >= hold:
                    s[0], s[2] = "firing", now
                    trans.append(("rule_firing", name, key, s[1], now, None))
                    fired.append(name)
            else:
                fired.append(name)
                if not x:
                    s[0], s[3] = "firing", 0
                    continue
                if late:
                    continue
                if s[0] == "firing":
                    s[0], s[3] = "clearing", now
                if now - s[3] >= after:
                    trans.append(("rule_cleared", name, key, s[2], now, "clear_condition"))
                    s[:4] = ["inactive", 0, 0, 0]
                    fired.pop()
        out.append((fired, trans))
    return out


def ts(ns):
    s = ns // 10**9
    return "2026-01-01T%02d:%02d:%02dZ" % (s // 3600, s // 60 % 60, s % 60)


def trials(policy, agents, cap, seed):
    rng = random.Random(seed)
    bad = 0
    total = 0
    seen = {"stale": 0, "clear_after": 0, "clear_condition": 0, "tick": 0}
    for trial in range(300):
        t = 0
        recs = []
        for i in range(rng.randrange(5, 60 * len(agents))):
            t += rng.choice([0, 30, 60, 60, 120, 180, 300, 420]) * 10**9 // len(agents)
            if rng.random() < 0.03:
                t += rng.choice([6, 12, 20, 40]) * MIN  # a quiet spell: keys go stale
            if rng.random() < 0.08:  # a tick moves the clock without a record
                recs.append((t + rng.choice([0, 60, 400]) * 10**9, None, None, None))
                continue
            back = rng.random() < 0.1 and t > 5 * MIN   # now and then a late record
            recs.append((t - (rng.randrange(1, 5) * MIN if back else 0),
                         rng.choice([500, 900, 1500, 2500, 3500]), rng.random() < 0.3, rng.choice(agents)))
        lines = "".join((json.dumps({"type": "tick", "at": ts(a)}) if l is None else
                         json.dumps({"at": ts(a), "run_id": "r", "agent": g, "latency_ms": l, "error": e})) + "\n"
                        for a, l, e, g in recs)
        r = subprocess.run([GOVC, "run", "-p", policy, "-"], input=lines.encode(), capture_output=True)
        got = []
        for line in r.stdout.decode().splitlines():
            d = json.loads(line)
            got.append(([f["rule"] for f in d["findings"]],
                        [(a["type"], a["rule"], a.get("key"), a["since"], a["at"], a.get("reason"))
                         for a in d["actions"] if a["type"].startswith("rule_")]))
        want = [(f, [(a, n, k, ts(s), ts(w), why) for a, n, k, s, w, why in tr]) for f, tr in reference(recs, cap)]
        for f, tr in want:
            for a in tr:
                if a[5]:
                    seen[a[5]] += 1
        seen["tick"] += sum(1 for r in recs if r[1] is None)
        total += len(recs)
        if got != want:
            bad += 1
            if bad <= 3:
                for i, (g, w) in enumerate(zip(got, want)):
                    if g != w:
                        print("# trial %d record %d %r: got %r, want %r" % (trial, i + 1, recs[i], g, w))
                        break
    return bad, total, seen


def main():
    bad, total, seen = trials("tests/events/sustained.gov", [""], None, 5)
    print(("ok" if bad == 0 else "not ok") +
          " - sustained: %d random streams (%d lines, %d ticks) agree with the reference state machine"
          " (clears: %d stale, %d clear_after, %d clear_condition)" % (
              300, total, seen["tick"], seen["stale"], seen["clear_after"], seen["clear_condition"]))
    bad2, total, seen2 = trials("tests/events/sustained_agents.gov", ["a", "b", "c", "d", "e"], 3, 7)
    print(("ok" if bad2 == 0 else "not ok") +
          " - sustained per agent: %d random streams of 5 agents (%d lines) agree with the reference,"
          " evictions included (clears: %d stale, %d clear_after, %d clear_condition)" % (
              300, total, seen2["stale"], seen2["clear_after"], seen2["clear_condition"]))
    every = all(seen[k] + seen2[k] > 20 and seen[k] and seen2[k] for k in ("stale", "clear_after", "clear_condition"))
    print(("ok" if every else "not ok") + " - sustained: the streams clear rules every way, on records and on the clock")
    return 1 if bad or bad2 or not every else 0


sys.exit(main())
