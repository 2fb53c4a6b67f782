#!/usr/bin/env python3
"""gen.py: the inputs of `make bench`, deterministic (seeded; the same arguments give
byte-identical files on every machine).

  gen.py records N SEED OUT.jsonl     N agent run records (the std/agent_run shape)
  gen.py policy  N [--gates] OUT.gov  a policy of N rules, optionally with gates and
                                      escalation chains
  gen.py lua     N OUT.lua            the same N rules as a Lua function (the peers)
  (--flat: no scope blocks, every limit at its default; to separate the cost of scopes)
  (--windows: 10 windows per agent, and the last 10 of the N rules read them instead)
  (--scoped: rules for one project or agent: see `scoped_guard`)

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

Windows (--windows). Ten windows per agent, six over the last N runs (rate, mean, p95,
max, count of a condition, min) and four over event time (sum, count, count of a
condition, mean over 30 s and 1 min, so buckets leave while the 100 s of records play);
the policy's last ten rules read one window each. The Lua peer keeps the same windows
per agent with the same semantics (spec/language.md 4.5): rings for the count windows,
60 buckets for the time windows, and for p95 a sorted copy of the ring whose nearest-rank
value is the quantile (gov's count windows select it exactly), so both engines see the
same values and decide the same.
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


def scoped_guard(n, j):
    """--scoped: rule j's scope, (field, name) or None. The first 40 rules hold for
    every record; the next 20 per project (800) each for one project; the rest spread
    over the 4,000 agents (2 or 3 each at 10,000 rules). So a record's scopes reach about
    62 rules of 10,000: the `rule indexing` row (issue 19)."""
    if j < 40:
        return None
    if j < 40 + 20 * len(PROJECTS):
        return ("project", PROJECTS[(j - 40) % len(PROJECTS)][1])
    return ("agent", AGENTS[(j - 40 - 20 * len(PROJECTS)) % len(AGENTS)][2])

# The ten windows (per agent) and the rule that reads each, as gov and as Lua over the
# peer's window values (see WINDOWS_LUA). Capacity 4096 holds every one of the 4,000
# agents, so no key is evicted.
WINDOWS = [
    ("err_rate", "rate(run.error) over last 100 runs"),
    ("lat_mean", "mean(run.latency) over last 50 runs"),
    ("lat_p95", "p95(run.latency) over last 100 runs"),
    ("lat_max", "max(run.latency) over last 20 runs"),
    ("refunds", "count(run.action == \"refund\") over last 100 runs"),
    ("acc_min", "min(run.accuracy) over last 20 runs"),
    ("cost_1m", "sum(run.cost) over 1m"),
    ("runs_1m", "count() over 1m"),
    ("errs_30s", "count(run.error) over 30s"),
    ("tok_mean", "mean(run.tokens) over 1m"),
]
# Thresholds near each window's 97th percentile over the generated records (the 3rd for
# acc_min): each rule fires on a few percent of records.
WCOND_GOV = ["err_rate > 15%", "lat_mean > lat_1", "lat_p95 > 5s", "lat_max > 6s", "refunds >= 12",
             "acc_min < 64%", "cost_1m > $8", "runs_1m > 300", "errs_30s >= 5", "tok_mean > 3600"]
WCOND_LUA = ["w_err_rate > 0.15", "w_lat_mean_ns > L.lat_1 * 1000000", "w_lat_p95_ns > 5000000000",
             "w_lat_max > 6000", "w_refunds >= 12", "w_acc_min < 0.64", "w_cost_1m_u > 8000000",
             "w_runs_1m > 300", "w_errs_30s >= 5", "w_tok_mean > 3600"]
NWRULES = len(WINDOWS)


# The peer's windows: the same semantics as gov's (spec/language.md 4.5), written the
# way a Lua host would keep them, per agent. Times are ms (the typed path passes `at` in
# ms; the JSON path parses the timestamp), so LuaJIT's doubles hold them exactly.
WINDOWS_LUA = """local floor, tinsert, tremove = math.floor, table.insert, table.remove
local function iso_ms(s)
  local y, mo, d, h, mi, se, ms = s:match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)%.(%d+)Z$")
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  if mo <= 2 then y = y - 1 end
  local era = floor(y / 400)
  local yoe = y - era * 400
  local doy = floor((153 * (mo + (mo > 2 and -3 or 9)) + 2) / 5) + d - 1
  local days = era * 146097 + yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy - 719468
  return ((days * 86400 + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(se)) * 1000) + tonumber(ms)
end
-- A time window of 60 buckets: idx, count and sum per bucket, and the live totals.
local function tw_new()
  local w = {n = 0, s = 0, idx = {}, cnt = {}, sum = {}}
  for j = 1, 60 do w.idx[j] = 0; w.cnt[j] = 0; w.sum[j] = 0 end
  return w
end
local function tw_add(w, b, v)
  local cur = w.cur
  if cur == nil then
    w.cur = b
  elseif b > cur then
    local lim, idx, cnt, sum = b - 60, w.idx, w.cnt, w.sum
    for j = 1, 60 do
      local c = cnt[j]
      if c > 0 and idx[j] <= lim then w.n = w.n - c; w.s = w.s - sum[j]; cnt[j] = 0; sum[j] = 0 end
    end
    w.cur = b
  end
  local j = b % 60 + 1
  if w.idx[j] ~= b or w.cnt[j] == 0 then w.idx[j] = b; w.cnt[j] = 0; w.sum[j] = 0 end
  w.cnt[j] = w.cnt[j] + 1; w.sum[j] = w.sum[j] + v
  w.n = w.n + 1; w.s = w.s + v
end
local function new_state()
  return {e = {}, en = 0, ep = 0, et = 0, l = {}, ln = 0, lp = 0, ls = 0, p = {}, pn = 0, pp = 0, ps = {},
          m = {}, mn = 0, mp = 0, f = {}, fn = 0, fp = 0, ft = 0, q = {}, qn = 0, qp = 0,
          c = tw_new(), k = tw_new(), x = tw_new(), t = tw_new()}
end
local state = {}
local function reset() state = {} end
"""

# Inside the rule function: the record goes into its agent's windows, then w_* hold the
# values the rules read.
WINDOWS_LUA_READ = """  local S = state[a]
  if not S then S = new_state(); state[a] = S end
  local t = r.at
  if type(t) == "string" then t = iso_ms(t) end
  local pos
  -- err_rate: rate(error) over the last 100 runs
  pos = S.ep % 100 + 1
  if S.en == 100 then if S.e[pos] then S.et = S.et - 1 end else S.en = S.en + 1 end
  S.e[pos] = err; if err then S.et = S.et + 1 end; S.ep = S.ep + 1
  local w_err_rate = S.et / S.en
  -- lat_mean: mean(latency) over the last 50 runs, rounded to the nearest ns as gov does
  pos = S.lp % 50 + 1
  if S.ln == 50 then S.ls = S.ls - S.l[pos] else S.ln = S.ln + 1 end
  S.l[pos] = lat; S.ls = S.ls + lat; S.lp = S.lp + 1
  local w_lat_mean_ns = floor(S.ls * 1000000 / S.ln + 0.5)
  -- lat_p95: p95(latency) over the last 100 runs; a sorted copy of the ring
  pos = S.pp % 100 + 1
  local ps = S.ps
  if S.pn == 100 then
    local old, lo, hi = S.p[pos], 1, 100
    while lo < hi do local mid = floor((lo + hi) / 2); if ps[mid] < old then lo = mid + 1 else hi = mid end end
    tremove(ps, lo)
  else
    S.pn = S.pn + 1
  end
  S.p[pos] = lat; S.pp = S.pp + 1
  do
    local lo, hi = 1, #ps + 1
    while lo < hi do local mid = floor((lo + hi) / 2); if ps[mid] < lat then lo = mid + 1 else hi = mid end end
    tinsert(ps, lo, lat)
  end
  local rk = 0.95 * S.pn
  local rank = floor(rk)
  if rank < rk then rank = rank + 1 end
  local w_lat_p95_ns = ps[rank] * 1000000
  -- lat_max: max(latency) over the last 20 runs
  pos = S.mp % 20 + 1
  if S.mn < 20 then S.mn = S.mn + 1 end
  S.m[pos] = lat; S.mp = S.mp + 1
  local w_lat_max = lat
  for j = 1, S.mn do if S.m[j] > w_lat_max then w_lat_max = S.m[j] end end
  -- refunds: count(action == "refund") over the last 100 runs
  local rf = act == "refund"
  pos = S.fp % 100 + 1
  if S.fn == 100 then if S.f[pos] then S.ft = S.ft - 1 end else S.fn = S.fn + 1 end
  S.f[pos] = rf; if rf then S.ft = S.ft + 1 end; S.fp = S.fp + 1
  local w_refunds = S.ft
  -- acc_min: min(accuracy) over the last 20 runs
  pos = S.qp % 20 + 1
  if S.qn < 20 then S.qn = S.qn + 1 end
  S.q[pos] = acc; S.qp = S.qp + 1
  local w_acc_min = acc
  for j = 1, S.qn do if S.q[j] < w_acc_min then w_acc_min = S.q[j] end end
  -- time windows: 60 buckets of 1 s (1 min) or 0.5 s (30 s)
  local b1, b30 = floor(t / 1000), floor(t / 500)
  tw_add(S.c, b1, floor(cost * 1000000 + 0.5))
  tw_add(S.k, b1, 1)
  tw_add(S.x, b30, err and 1 or 0)
  tw_add(S.t, b1, tok)
  local w_cost_1m_u, w_runs_1m, w_errs_30s = S.c.s, S.k.n, S.x.s
  local w_tok_mean = S.t.s / S.t.n -- float: mean of an int is not rounded
"""


def policy(n, gates, out, flat=False, windows=False, scoped=False):
    m = limit_names(n)
    ten, pro, age = overrides(m, flat)
    o = [f"policy bench_{n}{'_gates' if gates else ''}{'_flat' if flat else ''}{'_windows' if windows else ''}"
         f"{'_scoped' if scoped else ''}"
         "\n\nimport \"std/agent_run\"\n\n"
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
    if windows:
        o += [f"window {w} = {d} per agent capacity 4096\n" for (w, d) in WINDOWS] + ["\n"]
    for j, (name, k, i, sev, ver) in enumerate(rule_spec(n)):
        esc = " escalate chain" if gates and k == 4 else ""
        wj = j - (n - NWRULES)
        cond = WCOND_GOV[wj] if windows and wj >= 0 else COND_GOV[k].format(i=i)
        g = scoped_guard(n, j) if scoped else None
        if g:
            cond = f"run.{g[0]} == \"{g[1]}\" and ({cond})"
        o.append(f"rule {name} {{ when {cond} severity {sev} verdict {ver} "
                 f"notify ops{esc} }}\n")
    with open(out, "w") as f:
        f.write("".join(o))


def lua_table(d):
    return "{" + ", ".join(f"{k} = {v!r}" for k, v in d.items()) + "}"


def lua(n, out, flat=False, windows=False, scoped=False):
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
    o.append("}\n")
    if windows:
        o.append(WINDOWS_LUA)
    o.append("local cache = {}\n"
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
    if windows:
        o.append(WINDOWS_LUA_READ)
    for j, (name, k, i, sev, ver) in enumerate(rule_spec(n)):
        vn = VERDICT_NUM[ver]
        wj = j - (n - NWRULES)
        cond = WCOND_LUA[wj] if windows and wj >= 0 else COND_LUA[k].format(i=i)
        g = scoped_guard(n, j) if scoped else None
        if g:
            cond = f"{'a' if g[0] == 'agent' else 'r.project'} == \"{g[1]}\" and ({cond})"
        o.append(f"  if {cond} then n = n + 1; if v < {vn} then v = {vn} end end\n")
    o.append("  return v, n\nend, reset\n" if windows else "  return v, n\nend\n")
    with open(out, "w") as f:
        f.write("".join(o))


def main(argv):
    if len(argv) >= 4 and argv[0] == "records":
        records(int(argv[1]), int(argv[2]), argv[3])
    elif len(argv) >= 3 and argv[0] == "policy":
        policy(int(argv[1]), "--gates" in argv, argv[-1], "--flat" in argv, "--windows" in argv, "--scoped" in argv)
    elif len(argv) >= 3 and argv[0] == "lua":
        lua(int(argv[1]), argv[-1], "--flat" in argv, "--windows" in argv, "--scoped" in argv)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
