#!/usr/bin/env python3
"""gen.py: the inputs of `make bench`, deterministic (seeded; the same arguments give
byte-identical files on every machine).

  gen.py records N SEED OUT.jsonl     N agent run records (the std/agent_run shape)
  gen.py policy  N [--gates] OUT.gov  a policy of N rules, optionally with gates and
                                      escalation chains
  gen.py lua     N OUT.lua            the same N rules as a Lua function (the peers)
  (--flat: no scope blocks, every limit at its default; to separate the cost of scopes)

Records. 8 tenants, 5 projects each, 3 workflows per project and 100 agents per project
(4,000 agents); traffic per agent is Zipf-like (a few busy agents, a long tail). Latency
is log-normal (median 800 ms, a heavy tail), tokens log-normal (median 1,200), cost is
tokens times a per-model price (four models), quality a skewed ratio near 1, errors 2%
(8% for runs slower than 5 s), 10% of runs are refunds. Event time advances 5 ms a run.

Policies. Rules come from one spec (`rule_spec`), written out twice, as .gov and as Lua,
so both engines evaluate the same conditions against the same limits. Limits have
defaults, tenant overrides (every tenant), project overrides (every project) and agent
overrides (5 agents per project, 200 blocks); each level tightens the one above, as
govc check requires. Values are chosen so a few percent of records fire a rule.
"""
import math
import random
import sys

TENANTS = [f"t{t}" for t in range(8)]
PROJECTS = [(t, f"t{t}-p{p}") for t in range(8) for p in range(5)]
WORKFLOWS = ["ingest", "triage", "resolve"]
AGENTS = [(t, proj, f"{proj}-a{a:03d}") for (t, proj) in PROJECTS for a in range(100)]
SCOPED_AGENTS = [ag for ag in AGENTS if int(ag[2][-3:]) % 20 == 0]  # 5 per project
MODELS = [(0.000002, 0.4), (0.00001, 0.35), (0.00003, 0.2), (0.00006, 0.05)]  # $/token, share
BASE_MS = 1795000000000  # 2026-11-18T...Z, in ms


def iso(ms):
    import datetime
    d = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def records(n, seed, out):
    rng = random.Random(seed)
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(AGENTS))]
    order = list(range(len(AGENTS)))
    rng.shuffle(order)
    cum, s = [], 0.0
    for w in weights:
        s += w
        cum.append(s)
    import bisect
    lines = []
    for i in range(n):
        ag = AGENTS[order[bisect.bisect(cum, rng.random() * s)]]
        lat = int(min(120000, rng.lognormvariate(math.log(800), 0.7)))
        tokens = int(min(200000, rng.lognormvariate(math.log(1200), 0.8)))
        r, price = rng.random(), MODELS[-1][0]
        for pr, share in MODELS:
            if r < share:
                price = pr
                break
            r -= share
        cost = round(tokens * price, 6)
        quality = round(max(0.0, 1.0 - rng.lognormvariate(math.log(0.03), 0.9)), 3)
        err = rng.random() < (0.08 if lat > 5000 else 0.02)
        action = "refund" if rng.random() < 0.10 else rng.choice(["answer", "escalate", "lookup"])
        lines.append('{"at":"%s","tenant":"%s","project":"%s","workflow":"%s","agent":"%s",'
                     '"run_id":"run-%d","latency_ms":%d,"cost_usd":%.6f,"tokens":%d,'
                     '"quality_score":%.3f,"error":%s,"action":"%s"}\n'
                     % (iso(BASE_MS + 5 * i), TENANTS[ag[0]], ag[1], rng.choice(WORKFLOWS), ag[2], i, lat,
                        cost, tokens, quality, "true" if err else "false", action))
    with open(out, "w") as f:
        f.write("".join(lines))


# ---------------------------------------------------------------- the rule spec
# Limit values in the units the Lua peer sees in the JSON record: ms, dollars, ratio, count.
def limit_names(n):
    m = max(1, min(100, math.ceil(n / 5)))
    return m


def limit_default(kind, i):
    return {"lat": 3500 + 40 * i, "cost": round(0.15 + 0.002 * i, 3), "acc": round(0.7505 + 0.001 * (i % 50), 4),
            "tok": 3000 + 50 * i}[kind]


def tighten(kind, v, level):
    """The value at level 1 (tenant), 2 (project) or 3 (agent): tighter each level."""
    if kind == "acc":
        return round(v + 0.01 * level, 4)
    if kind == "cost":
        return round(v * (1 - 0.05 * level), 4)
    return int(v * (1 - 0.05 * level))


def rule_spec(n):
    """[(name, kind, index, condition kind, severity, verdict)]"""
    m = limit_names(n)
    sev = ["info", "warning", "critical"]
    ver = ["warn", "review", "block"]
    out = []
    for r in range(n):
        k, i = r % 5, (r // 5) % m
        out.append((f"r{r}", k, i, sev[r % 3], ver[r % 3]))
    return out


def overrides(m, flat=False):
    """Scope blocks: {tenant: {...}}, {project: {...}}, {agent: {...}} of limit -> value.
    flat: none at all (every limit at its default), to separate the cost of scopes."""
    ten, pro, age = {}, {}, {}
    if flat:
        return ten, pro, age
    for ti, t in enumerate(TENANTS):
        ten[t] = {f"lat_{i}": tighten("lat", limit_default("lat", i), 1) for i in range(ti % 3, m, 3)}
        ten[t].update({f"cost_{i}": tighten("cost", limit_default("cost", i), 1) for i in range(ti % 2, m, 2)})
    for pi, (t, p) in enumerate(PROJECTS):
        pro[p] = {f"lat_{i}": tighten("lat", limit_default("lat", i), 2) for i in range(pi % 4, m, 4)}
        pro[p].update({f"acc_{i}": tighten("acc", limit_default("acc", i), 2) for i in range(pi % 3, m, 3)})
        pro[p].update({f"tok_{i}": tighten("tok", limit_default("tok", i), 2) for i in range(pi % 5, m, 5)})
    for ai, (t, p, a) in enumerate(SCOPED_AGENTS):
        age[a] = {"lat_0": tighten("lat", limit_default("lat", 0), 3),
                  "tok_0": tighten("tok", limit_default("tok", 0), 3)}
    return ten, pro, age


def gov_value(name, v):
    kind = name.split("_")[0]
    return {"lat": f"{v}ms", "cost": f"${v}", "acc": f"{round(v * 100, 3)}%", "tok": f"{v}"}[kind]


COND_GOV = ["run.latency > lat_{i}", "run.cost > cost_{i}", "run.accuracy < acc_{i}",
            "run.tokens > tok_{i} and run.action == \"refund\"", "run.error and run.latency > lat_{i}"]
COND_LUA = ["lat > L.lat_{i}", "cost > L.cost_{i}", "acc < L.acc_{i}",
            "tok > L.tok_{i} and act == \"refund\"", "err and lat > L.lat_{i}"]
VERDICT_NUM = {"warn": 1, "review": 2, "pause": 3, "block": 4}


def policy(n, gates, out, flat=False):
    m = limit_names(n)
    ten, pro, age = overrides(m, flat)
    o = [f"policy bench_{n}{'_gates' if gates else ''}{'_flat' if flat else ''}\n\nimport \"std/agent_run\"\n\n"
         "channel ops = slack \"#ops\"\n" + ("channel oncall = pagerduty \"oncall\"\n" if gates else "") + "\n"]
    for i in range(m):
        o.append(f"max lat_{i} = {gov_value('lat', limit_default('lat', i))}\n"
                 f"max cost_{i} = {gov_value('cost', limit_default('cost', i))}\n"
                 f"min acc_{i} = {gov_value('acc', limit_default('acc', i))}\n"
                 f"max tok_{i} = {gov_value('tok', limit_default('tok', i))}\n")
    proj_of = {p: TENANTS[t] for (t, p) in PROJECTS}
    for t in ten:
        o.append(f"\nscope tenant \"{t}\" {{\n")
        o += [f"  {k} = {gov_value(k, v)}\n" for k, v in ten[t].items()]
        for p in [p for p in pro if proj_of[p] == t]:
            o.append(f"  scope project \"{p}\" {{\n")
            o += [f"    {k} = {gov_value(k, v)}\n" for k, v in pro[p].items()]
            for a in [a for (tt, pp, a) in SCOPED_AGENTS if pp == p]:
                o.append(f"    scope agent \"{a}\" {{ "
                         + " ".join(f"{k} = {gov_value(k, v)}" for k, v in age[a].items()) + " }\n")
            o.append("  }\n")
        o.append("}\n")
    o.append("\n")
    if gates:
        o.append("escalation chain {\n  notify ops\n  after 15m notify oncall\n}\n\n")
        for g in range(max(1, n // 50)):
            i = g % m
            o.append(f"gate g{g} {{\n  when run.action == \"refund\" and run.cost > cost_{i}\n"
                     f"  approvers \"risk@example.com\"\n  sla 30m\n  on timeout escalate chain\n"
                     f"  notify ops\n}}\n")
    for (name, k, i, sev, ver) in rule_spec(n):
        esc = " escalate chain" if gates and k == 4 else ""
        o.append(f"rule {name} {{ when {COND_GOV[k].format(i=i)} severity {sev} verdict {ver} "
                 f"notify ops{esc} }}\n")
    with open(out, "w") as f:
        f.write("".join(o))


def lua_table(d):
    return "{" + ", ".join(f"{k} = {v!r}" for k, v in d.items()) + "}"


def lua(n, out, flat=False):
    """A chunk returning eval(r) -> verdict, findings, for r a table with the JSON
    record's members. Limits are resolved once per agent (tenant, then project, then
    agent overrides on top of the defaults) and cached in a table keyed by agent, which
    is correct here because every agent belongs to one tenant and project."""
    m = limit_names(n)
    ten, pro, age = overrides(m, flat)
    defaults = {}
    for i in range(m):
        for kind in ("lat", "cost", "acc", "tok"):
            defaults[f"{kind}_{i}"] = limit_default(kind, i)
    o = ["-- generated by tests/bench/gen.py: the rules of bench_%d as a Lua function\n" % n,
         "local D = " + lua_table(defaults) + "\n", "local T = {\n"]
    o += [f"  [{t!r}] = {lua_table(v)},\n" for t, v in ten.items()]
    o.append("}\nlocal P = {\n")
    o += [f"  [{p!r}] = {lua_table(v)},\n" for p, v in pro.items()]
    o.append("}\nlocal A = {\n")
    o += [f"  [{a!r}] = {lua_table(v)},\n" for a, v in age.items()]
    o.append("}\nlocal cache = {}\n"
             "local function resolve(t, p, a)\n"
             "  local L = {}\n"
             "  for k, v in pairs(D) do L[k] = v end\n"
             "  for _, s in ipairs({T[t], P[p], A[a]}) do\n"
             "    for k, v in pairs(s) do L[k] = v end\n"
             "  end\n"
             "  return L\n"
             "end\n"
             "return function(r)\n"
             "  local a = r.agent\n"
             "  local L = cache[a]\n"
             "  if not L then L = resolve(r.tenant, r.project, a); cache[a] = L end\n"
             "  local lat, cost, acc, tok = r.latency_ms, r.cost_usd, r.quality_score or 1.0, r.tokens or 0\n"
             "  local err, act = r.error or false, r.action or \"\"\n"
             "  local v, n = 0, 0\n")
    for (name, k, i, sev, ver) in rule_spec(n):
        vn = VERDICT_NUM[ver]
        o.append(f"  if {COND_LUA[k].format(i=i)} then n = n + 1; if v < {vn} then v = {vn} end end\n")
    o.append("  return v, n\nend\n")
    with open(out, "w") as f:
        f.write("".join(o))


def main(argv):
    if len(argv) >= 4 and argv[0] == "records":
        records(int(argv[1]), int(argv[2]), argv[3])
    elif len(argv) >= 3 and argv[0] == "policy":
        policy(int(argv[1]), "--gates" in argv, argv[-1], "--flat" in argv)
    elif len(argv) >= 3 and argv[0] == "lua":
        lua(int(argv[1]), argv[-1], "--flat" in argv)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
