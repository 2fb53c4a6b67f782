"""gen.py: a deterministic stream of agent runs and gate approvals for the fleet policy
(tests/scaleout/fleet), in event-time order.

Records come from `agents` agents (some named with non-ASCII letters, written escaped in
one record and raw in the next, so the producer and the VM must decode a key the same
way), about 3% of them cost more than the gate's cap; most of those get an approval or
a rejection some minutes later (some after the gate's SLA, some by someone who is not
an approver), routed by the record's agent. A few lines are not records at all (not
JSON, an event with a malformed id, a record without an agent): their partitions decide
them as errors. Gate ids are computed as the VM computes them (spec/trace.md 6).
"""
import heapq
import json
import random
import sys

import xxhash

BASE = 1795000000  # 2026-11-18T...Z, seconds


_minute = {}


def rfc3339(ms):
    s, ms = divmod(ms, 1000)
    m, sec = divmod(BASE + s, 60)
    head = _minute.get(m)
    if head is None:
        import time
        head = _minute[m] = time.strftime("%Y-%m-%dT%H:%M:", time.gmtime(m * 60))
    return "%s%02d.%03dZ" % (head, sec, ms)


def agent_name(i):
    if i % 97 == 5:
        return "agent-\u00e9t\u00e9-%04d" % i      # non-ASCII: escaped or raw
    if i % 211 == 7:
        return "agent-\U0001F916-%04d" % i         # a surrogate pair when escaped
    return "agent-%04d" % i


def gate_id(policy_id, run_id):
    return xxhash.xxh3_64_hexdigest(policy_id.encode() + b"\0costly_run\0" + run_id.encode())


def generate(out, n, agents, seed, policy_id):
    """Write n records (and the events they lead to) to the file out; the line count."""
    rnd = random.Random(seed)
    pending = []          # (time ms, seq, line)
    lines = 0
    seq = 0
    flaky = {a for a in range(agents) if rnd.random() < 0.1}
    slow = {a for a in range(agents) if rnd.random() < 0.08}
    quoted = [(json.dumps(agent_name(a), ensure_ascii=False), json.dumps(agent_name(a))) for a in range(agents)]
    for i in range(n):
        t = i * 20
        while pending and pending[0][0] <= t:
            out.write(heapq.heappop(pending)[2])
            lines += 1
        a = rnd.randrange(agents)
        name = agent_name(a)
        run_id = "run-%07d" % i
        cost = round(rnd.lognormvariate(-2.0, 0.8), 4)
        lat = int(rnd.lognormvariate(6.5 if a not in slow else 7.8, 0.5))
        tokens = rnd.randrange(100, 5000)
        err = rnd.random() < (0.4 if a in flaky else 0.03)
        if i % 50000 == 1234:
            out.write('{"agent": "%s", "latency_ms": oops}\n' % name)      # not JSON
            lines += 1
        if i % 50000 == 4321:
            out.write(json.dumps({"latency_ms": 5, "cost_usd": 0.01, "at": rfc3339(t)}) + "\n")  # no agent
            lines += 1
        # json.dumps's layout, written by hand: a million records are generated per run.
        out.write('{"tenant": "t%d", "project": "p%d", "agent": %s, "run_id": "%s", "at": "%s", "latency_ms": %d, '
                  '"cost_usd": %r, "tokens": %d, "error": %s}\n'
                  % (a % 7, a % 23, quoted[a][i % 2], run_id, rfc3339(t), lat, cost, tokens,
                     "true" if err else "false"))
        lines += 1
        if cost > 0.40 and rnd.random() < 0.7:
            later = t + rnd.randrange(3, 20) * 60000
            who = "ops-lead@fleet.example" if rnd.random() < 0.9 else "mallory@fleet.example"
            ev = {"type": "approve" if rnd.random() < 0.8 else "reject", "gate_id": gate_id(policy_id, run_id),
                  "by": who, "agent": name, "at": rfc3339(later)}
            seq += 1
            heapq.heappush(pending, (later, seq, json.dumps(ev, ensure_ascii=bool(seq % 2)) + "\n"))
        if i % 100000 == 777:
            seq += 1
            bad = {"type": "approve", "gate_id": "not-an-id", "by": "x", "agent": name, "at": rfc3339(t + 1)}
            heapq.heappush(pending, (t + 1, seq, json.dumps(bad) + "\n"))
    while pending:
        out.write(heapq.heappop(pending)[2])
        lines += 1
    return lines


if __name__ == "__main__":
    n, agents, seed, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    generate(sys.stdout, n, agents, seed, pid)
