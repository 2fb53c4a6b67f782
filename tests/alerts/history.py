#!/usr/bin/env python3
"""history.py: notifications per rule and channel over generated history, before and
after alert hygiene (issue 24 item 2; spec/language.md §4.8).

  history.py [--days N] [--seed S] [--policy DIR] [--keep DIR] GOVC

Generates N days (default 8) of agent run records, deterministically (seeded: the same
arguments give the same bytes on every machine), runs the policy over them twice with
`govc run`: once as written ("after"), once with its `group_by`, `group_wait`,
`repeat_interval` and `inhibit` lines and its silences removed ("before", what the same
rules sent without them), and once with only its `inhibit` lines removed ("no inh":
what the policy delivered before inhibition, spec/language.md §4.10), and prints, per
rule and channel, the findings and the notifications delivered before and after. A tick
a day after the last record lets every held notification fall due.

It then checks that nothing was lost: after, the notifications delivered (counting each
delivery's `grouped` findings), those a silence or maintenance window held back
(`notify_silenced`, each in the decision) and those an inhibiting rule muted
(`notify_inhibited`, each in the decision) add up to exactly the notifications sent
before, for every rule and channel, and the findings are the same; a difference exits 1. `make bench` runs it over 8 days;
tests/alerts/run.sh over one day, against a golden table.

No generator of the "8 days of generated history" the issue quotes was in the
repository; this one is new, so its figures are its own, not the issue's.

The fleet: two tenants, three agents each, a run every 1 to 4 minutes per agent.
Latency is log-normal (median 2 s), errors 2%, tokens about 600 per run. Each agent has
slow spells (latency median 11 s, 1 to 6 hours, about one every two days), error spells
(40% errors, 30 minutes to 2 hours, about one every three days), and two agents change
how many tokens they use on day 3 (2.5 times as many), which the drift notices.
"""
import datetime
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile

TENANTS = {"acme": ["faq-bot", "billing-bot", "triage-bot"],
           "globex": ["support-bot", "refund-bot", "search-bot"]}
START = datetime.datetime(2026, 11, 16, tzinfo=datetime.timezone.utc)


def iso(t):
    return (START + datetime.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")


def spells(rng, days, per_day, lo, hi):
    out, t, end = [], 0.0, days * 86400.0
    while True:
        t += rng.expovariate(per_day / 86400.0)
        if t >= end:
            return out
        out.append((t, t + rng.uniform(lo, hi)))


def inside(t, sp):
    return any(a <= t < b for a, b in sp)


def generate(days, seed, path):
    rng = random.Random(seed)
    recs = []
    shifted = {"billing-bot", "refund-bot"}
    for tenant, agents in TENANTS.items():
        for agent in agents:
            slow = spells(rng, days, 0.5, 3600, 6 * 3600)
            errs = spells(rng, days, 0.33, 1800, 2 * 3600)
            t = rng.uniform(0, 300)
            while t < days * 86400:
                lat = math.exp(rng.gauss(math.log(11000 if inside(t, slow) else 2000), 0.35))
                err = rng.random() < (0.4 if inside(t, errs) else 0.02)
                mean = 600 * (2.5 if agent in shifted and 2 * 86400 <= t < 4 * 86400 else 1)
                tokens = max(1, int(rng.gauss(mean, mean * 0.15)))
                recs.append((t, {"tenant": tenant, "agent": agent, "at": iso(t), "latency_ms": int(lat),
                                 "cost_usd": 0.002, "tokens": tokens, "error": err}))
                t += rng.uniform(60, 240)
    recs.sort(key=lambda r: (r[0], r[1]["agent"]))
    with open(path, "w") as f:
        for _, r in recs:
            f.write(json.dumps(r, separators=(",", ":"), sort_keys=True) + "\n")
        f.write(json.dumps({"type": "tick", "at": iso(days * 86400 + 86400)}) + "\n")
    return len(recs)


def strip_hygiene(src):
    return re.sub(r"(?m)^\s*(group_by|group_wait|repeat_interval|silence|inhibit)\b.*\n", "", src)


def strip_inhibit(src):
    return re.sub(r"(?m)^\s*inhibit\b.*\n", "", src)


def count(govc, policy_dir, records):
    out = subprocess.run([govc, "run", "-p", policy_dir, records], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("govc run failed: " + out.stderr)
    findings, sent, covered, held, silenced, inhibited = {}, {}, {}, {}, {}, {}
    for line in out.stdout.splitlines():
        d = json.loads(line)
        for f in d.get("findings", []):
            findings[f["rule"]] = findings.get(f["rule"], 0) + 1
        for a in d["actions"]:
            k = (a.get("rule"), a.get("channel"))
            if a["type"] == "notify":
                sent[k] = sent.get(k, 0) + 1
                covered[k] = covered.get(k, 0) + a.get("grouped", 1)
            elif a["type"] == "notify_held":
                held[k] = held.get(k, 0) + 1
            elif a["type"] == "notify_silenced":
                silenced[k] = silenced.get(k, 0) + 1
            elif a["type"] == "notify_inhibited":
                inhibited[k] = inhibited.get(k, 0) + 1
    return findings, sent, covered, held, silenced, inhibited


def main():
    args = sys.argv[1:]
    days, seed, policy, keep = 8, 24, "policies/agent_alerts", None
    while args and args[0].startswith("--"):
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "--days":
            days = int(val)
        elif opt == "--seed":
            seed = int(val)
        elif opt == "--policy":
            policy = val
        elif opt == "--keep":
            keep = val
        else:
            sys.exit("usage: history.py [--days N] [--seed S] [--policy DIR] [--keep DIR] GOVC")
    if len(args) != 1:
        sys.exit("usage: history.py [--days N] [--seed S] [--policy DIR] [--keep DIR] GOVC")
    govc = args[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = keep or tmp
        os.makedirs(os.path.join(work, "before"), exist_ok=True)
        os.makedirs(os.path.join(work, "noinhibit"), exist_ok=True)
        records = os.path.join(work, "history.jsonl")
        n = generate(days, seed, records)
        for name in sorted(os.listdir(policy)):
            if name.endswith(".gov"):
                with open(os.path.join(policy, name)) as f:
                    src = f.read()
                with open(os.path.join(work, "before", name), "w") as f:
                    f.write(strip_hygiene(src))
                with open(os.path.join(work, "noinhibit", name), "w") as f:
                    f.write(strip_inhibit(src))
        fb, sb, _, _, _, _ = count(govc, os.path.join(work, "before"), records)
        fn, sn, cn, _, xn, _ = count(govc, os.path.join(work, "noinhibit"), records)
        fa, sa, ca, ha, xa, ia = count(govc, policy, records)
    print(f"# {days} days, seed {seed}: {n} records, policy {policy}")
    print(f"{'rule':<14} {'channel':<8} {'findings':>8} {'before':>7} {'no inh':>6} {'after':>6} {'held':>6} "
          f"{'silenced':>8} {'inhibited':>9}")
    bad = fb != fa or fn != fa
    for k in sorted(set(sb) | set(sa) | set(sn) | set(xa) | set(ia), key=lambda k: (k[0] or "", k[1] or "")):
        print(f"{k[0]:<14} {k[1]:<8} {fa.get(k[0], 0):>8} {sb.get(k, 0):>7} {sn.get(k, 0):>6} {sa.get(k, 0):>6} "
              f"{ha.get(k, 0):>6} {xa.get(k, 0):>8} {ia.get(k, 0):>9}")
        if ca.get(k, 0) + xa.get(k, 0) + ia.get(k, 0) != sb.get(k, 0):
            print(f"# LOST: {k}: after, deliveries cover {ca.get(k, 0)}, silences {xa.get(k, 0)} and inhibitions "
                  f"{ia.get(k, 0)}; before sent {sb.get(k, 0)}")
            bad = True
        if cn.get(k, 0) + xn.get(k, 0) != sb.get(k, 0):
            print(f"# LOST: {k}: without inhibition, deliveries cover {cn.get(k, 0)} and silences {xn.get(k, 0)}; "
                  f"before sent {sb.get(k, 0)}")
            bad = True
    tb, ta = sum(sb.values()), sum(sa.values())
    print(f"{'total':<23} {sum(fa.values()):>8} {tb:>7} {sum(sn.values()):>6} {ta:>6} {sum(ha.values()):>6} "
          f"{sum(xa.values()):>8} {sum(ia.values()):>9}")
    if fb != fa or fn != fa:
        print("# the findings differ before and after: notification settings must not change them")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
