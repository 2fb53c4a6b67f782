#!/usr/bin/python3
"""tests/limits/run.py: limits as data (spec/language.md §5.2, issue 24 item 7).

- A limits file's entries decide as scope blocks do, and decisions name the file and
  line of the value in force (govc run, govc explain).
- The load-time proof agrees with `govc check`: for generated policies and files, the
  file is refused exactly when the policy with the entries written as scope blocks after
  its own has an E050, and the refusal's message is that E050's, word for word.
- The policy id: unchanged without a file or with one that sets nothing; the same for a
  reordered, reformatted file; another for another value.
- Malformed files: each refused with its line and column and a message that says why.
- 10,000 tenants load in bounded memory (GNU time's peak resident size).
"""
import json
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

sys.path.insert(0, os.path.join(HERE, ".."))
from harness import Suite  # noqa: E402

S = Suite("limits", detail_lines=12)
GOVC, tmp, ok, govc, write, diff_says = S.govc_path, S.tmp, S.ok, S.govc, S.write, S.diff_says


POLICY = """policy tenants
record run { latency: duration in ms  cost: money in usd  quality: ratio  tokens: int  tool: string = "" }
allowlist tools = ["search", "kb_*"]
max latency_budget = 3s
max cost_cap = $0.12
min quality_floor = 95%
max token_budget = 4000
scope tenant "acme" {
  cost_cap = $0.10
  scope project "billing" {
    latency_budget = 2s
  }
}
rule slow { when run.latency > latency_budget }
rule expensive { when run.cost > cost_cap }
rule poor { when run.quality < quality_floor }
rule long { when run.tokens > token_budget }
rule tool { when run.tool != "" and run.tool not in tools }
"""
write("p.gov", POLICY)
REC = '{"tenant":"globex","project":"billing","agent":"bot","at":"2026-12-01T00:00:00Z","latency":1700,"cost":0.09,"quality":0.975,"tokens":3500}\n'
write("rec.jsonl", REC)
GOOD = """{
  "policy": "tenants",
  "scopes": [
    {"tenant": "globex", "limits": {"cost_cap": "$0.08", "latency_budget": "2s"}},
    {"tenant": "globex", "project": "billing", "limits": {"latency_budget": "1500ms", "quality_floor": "98%"}},
    {"tenant": "initech", "limits": {"token_budget": 3000}}
  ]
}
"""
write("good.json", GOOD)

# --- decisions and provenance
rc, base, err = govc("run", "-p", "p.gov", "rec.jsonl")
rc2, out, err2 = govc("run", "-p", "p.gov", "--limits", "good.json", "rec.jsonl")
d0, d1 = json.loads(base), json.loads(out) if rc2 == 0 else {}
ok(rc == 0 and d0["verdict"] == "allow", "without the file the record is allowed", base + err)
fired = {f["rule"]: f for f in d1.get("findings", [])}
ok(rc2 == 0 and set(fired) == {"slow", "expensive", "poor"}, "the file's limits decide", out + err2)
ok(fired.get("slow", {}).get("limit", {}).get("from") ==
   {"level": "project", "scope": "billing", "path": "tenant:globex/project:billing", "at": "good.json:5:77"},
   "the finding names the entry's value in the file as the limit's provenance", json.dumps(fired.get("slow")))
ok(fired.get("expensive", {}).get("limit", {}).get("from", {}).get("at") == "good.json:4:49" and
   fired["expensive"]["limit"]["value"]["text"] == "$0.08", "money from a string literal, at its line and column",
   json.dumps(fired.get("expensive")))
rc, out, err = govc("run", "-p", "p.gov", "--limits", "good.json", "--trace", "rec.jsonl")
ok(rc == 0 and '"at":"good.json:5:104"' in out, "the trace names the entry for quality_floor", out[:2000] + err)
write("one.json", REC)
rc, out, err = govc("explain", "-p", "p.gov", "--limits", "good.json", "one.json")
ok(rc == 0 and "good.json:5" in out and "1.5s" in out, "govc explain --limits shows the value and where it came from",
   out + err)

# --- govc test --limits: test blocks run against the policy with its file
write("t.gov", POLICY + """
test "globex is held to $0.08 by its limits file" {
  given run { tenant: "globex", latency: 100ms, cost: $0.09, quality: 99%, tokens: 10, at: 2026-12-01T00:00:00Z }
  expect expensive fired
}
""")
rc, out, err = govc("test", "--limits", "good.json", "t.gov")
ok(rc == 0 and out.strip().endswith("1 passed, 0 failed"), "govc test --limits runs the tests with the file", out + err)
rc, out, err = govc("test", "t.gov")
ok(rc == 1 and "0 passed, 1 failed" in out, "... and the same test fails without it", out + err)
write("wrongpolicy.json", '{"policy":"support_agents","scopes":[]}')
rc, out, err = govc("test", "--limits", "wrongpolicy.json", "t.gov")
ok(rc == 1 and "this file is for policy 'support_agents', not 'tenants'" in err,
   "govc test --limits with another policy's file is an error", out + err)

# --- the policy id
ids = {}
for name, text in [("empty", '{"policy":"tenants","scopes":[]}'),
                   ("nothing", '{"policy":"tenants","scopes":[{"tenant":"x","limits":{}}]}')]:
    write(name + ".json", text)
    rc, out, err = govc("run", "-p", "p.gov", "--limits", name + ".json", "rec.jsonl")
    ids[name] = json.loads(out)["policy_id"] if rc == 0 else err
ok(ids["empty"] == d0["policy_id"] and ids["nothing"] == d0["policy_id"],
   "a file that sets nothing keeps the policy id", str(ids) + " vs " + d0["policy_id"])
doc = json.loads(GOOD)
doc["scopes"].reverse()
for e in doc["scopes"]:
    e["limits"] = dict(reversed(list(e["limits"].items())))
write("reordered.json", json.dumps(doc, indent=7, sort_keys=True))
rc, out, err = govc("run", "-p", "p.gov", "--limits", "reordered.json", "rec.jsonl")
ok(rc == 0 and json.loads(out)["policy_id"] == d1["policy_id"] and d1["policy_id"] != d0["policy_id"],
   "reordering and reformatting the file keep the id; the file changes it", out + err)
write("other.json", GOOD.replace('"$0.08"', '"$0.07"'))
rc, out, err = govc("run", "-p", "p.gov", "--limits", "other.json", "rec.jsonl")
ok(rc == 0 and json.loads(out)["policy_id"] not in (d1["policy_id"], d0["policy_id"]), "another value, another id",
   out + err)
rc, out, err = govc("build", "-o", "p.govb", "p.gov")
rc2, out2, err2 = govc("run", "-p", "p.govb", "--limits", "good.json", "rec.jsonl")
ok(rc == 0 and rc2 == 0 and json.loads(out2)["policy_id"] == d1["policy_id"],
   "a .govb and its sources with the same file have one id", err + err2)

# --- refusals with their line and column
BAD = [
    ('{"policy":"tenants","scopes":[{"tenant":"globex","limits":{"cost_cap":"$0.15"}}]}',
     "1:60: error[E050]: 'cost_cap' = $0.15 in tenant \"globex\" loosens $0.12 from the default (a max limit may only go down)"),
    ('{"policy":"tenants","scopes":[{"tenant":"acme","limits":{"latency_budget":"1s"}}]}',
     "1:58: error[E050]: 'latency_budget' = 2s in project \"billing\" in tenant \"acme\" loosens 1s from tenant \"acme\" (a max limit may only go down)"),
    ('{"policy":"tenants","scopes":[{"tenant":"acme","limits":{"cost_cap":"$0.11"}}]}',
     "1:58: error[E050]: 'cost_cap' = $0.11 in tenant \"acme\" loosens $0.10 from tenant \"acme\""),
    ('{"policy":"tenants","scopes":[{"agent":"a","limits":{"quality_floor":"90%"}}]}',
     "error[E050]: 'quality_floor' = 90% in agent \"a\" loosens 95% from the default (a min limit may only go up)"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"latency_budget":"2s",}}]}',
     "1:77: error: not JSON: expected a member name"),
    ('{"policy":"other","scopes":[]}', "1:11: error: this file is for policy 'other', not 'tenants'"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"tools":["search","kb_*"]}}]}',
     "1:73: error: 'tools' lists \"kb_*\", which holds '*': a glob in a policy, but a limits file's sets hold exact strings only (write globs in the policy)"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"nope":1}}]}',
     "1:55: error: 'nope' is not a limit of policy 'tenants'"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"token_budget":"2.5"}}]}',
     "error: the value of 'token_budget' must be int, found float"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"latency_budget":5}}]}',
     "1:72: error: the value of 'latency_budget' must be duration, found int"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"latency_budget":"5parsecs"}}]}',
     "error: the value of 'latency_budget' is not a literal: unknown unit"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"latency_budget":"1.5ns"}}]}',
     "not a whole number of nanoseconds"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"cost_cap":"$0.0000001"}}]}',
     "money is $ and a number with at most 6 decimals"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"quality_floor":"120%"}}]}',
     "must lie within [0, 1]"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{}},{"tenant":"x","limits":{}}]}',
     "1:58: error: tenant \"x\" is already in this file"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","tenant":"y","limits":{}}]}', "\"tenant\" is given twice"),
    ('{"policy":"tenants","scopes":[{"limits":{}}]}', "an entry needs at least one of tenant"),
    ('{"policy":"tenants","scopes":[{"tenant":"","limits":{}}]}', "a scope needs a non-empty name"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"cost_cap":"$0.05","cost_cap":"$0.04"}}]}',
     "'cost_cap' is set twice in tenant \"x\""),
    ('{"policy":"tenants"}', "a limits file needs \"scopes\""),
    ('{"policy":"tenants","scopes":[]} []', "1:34: error: not JSON: text after the JSON value"),
    ('{"policy":"tenants","scopes":[{"tenant":"\\ud800","limits":{}}]}', "1:42: error: not JSON: \\u escape of a lone surrogate"),
    ('\n\n  {"policy":"tenants","scopes":[{"tenant":"x","limits":{"cost_cap":"$0.05"}}]', "3:78: error: not JSON: unexpected end of the text"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"cost_cap":"$0.05"}, "extra":1}]}',
     "unknown member \"extra\" in an entry"),
]
for i, (text, want) in enumerate(BAD):
    write("bad%d.json" % i, text)
    rc, out, err = govc("run", "-p", "p.gov", "--limits", "bad%d.json" % i, "rec.jsonl")
    ok(rc == 2 and want in err and out == "", "refused: " + want[:70], "exit %d\n%s" % (rc, err))
rc, out, err = govc("run", "-p", "p.gov", "--limits", "bad0.json", "rec.jsonl")
ok(err.splitlines()[1:] == ['    1 | {"policy":"tenants","scopes":[{"tenant":"globex","limits":{"cost_cap":"$0.15"}}]}',
                            '      |                                                            ^',
                            os.path.join(tmp, "p.gov") + ":5:16: note: the default sets it to $0.12 here"]
   or err.splitlines()[1:] == ['    1 | {"policy":"tenants","scopes":[{"tenant":"globex","limits":{"cost_cap":"$0.15"}}]}',
                               '      |                                                            ^',
                               "p.gov:5:16: note: the default sets it to $0.12 here"],
   "the refusal shows the line, a caret and the note at the default", err)
rc, out, err = govc("run", "-p", "p.gov", "--limits", "nonexistent.json", "rec.jsonl")
ok(rc == 2 and "cannot read 'nonexistent.json'" in err, "an unreadable file is an I/O error", err)

# --- govc diff -p POLICY OLD.json NEW.json
NEW = GOOD.replace('"$0.08"', '"$0.07"').replace('"latency_budget": "2s"', '"latency_budget": "2.5s"')
NEW = NEW.replace('    {"tenant": "initech", "limits": {"token_budget": 3000}}\n', '').replace('"98%"}},', '"98%"}}')
NEW = NEW.replace('"scopes": [', '"scopes": [\n    {"agent": "bot", "limits": {"token_budget": "3_500"}},')
write("new.json", NEW)
rc, out, err = govc("diff", "-p", "p.gov", "good.json", "new.json")
ok(rc == 0 and out.splitlines() == [
    "policy tenants",
    '  tightened limit cost_cap: override in tenant "globex": $0.08 -> $0.07',
    '  loosened  limit latency_budget: override in tenant "globex": 2s -> 2.5s',
    '  tightened limit token_budget: override in agent "bot": (inherited) -> 3500',
    '  loosened  limit token_budget: override in tenant "initech": 3000 -> (removed: falls back to a less specific value)',
    "2 tightened, 2 loosened, 0 unproven, 0 neutral"], "govc diff -p classifies each entry's setting", out + err)
rc, out, err = govc("diff", "-p", "p.gov", "--fail-on", "loosen", "--format", "json", "good.json", "new.json")
ok(rc == 1 and json.loads(out)["loosened"] == 2, "--fail-on loosen fails on a loosened limits file", out + err)
rc, out, err = govc("diff", "-p", "p.gov", "--fail-on", "any", "good.json", "reordered.json")
ok(rc == 0 and out.strip() == "0 tightened, 0 loosened, 0 unproven, 0 neutral", "a reordered file changes nothing",
   out + err)
rc, out, err = govc("diff", "-p", "p.gov", "good.json", "bad0.json")
ok(rc == 1 and "error[E050]" in err, "a side that loosens a limit is an error", out + err)

# --- a drift's threshold from a limit (spec/language.md 4.5.1): per scope, and from a file
DRIFT = """policy dt
record run { tokens: int }
max mix_threshold = 0.25
scope agent "fragile" { mix_threshold = 0.1 }
drift token_mix {
  of run.tokens
  baseline 1d
  current 1h
  test psi > %s
  bins [250, 500, 1000, 2000, 4000]
  min_samples 3
  per agent
}
"""
write("dt.gov", DRIFT % "mix_threshold")
recs = []
for agent in ["fragile", "sturdy"]:
    for i in range(30):
        m = i * 20
        recs.append({"agent": agent, "at": "2026-11-25T%02d:%02d:00Z" % (m // 60, m % 60), "tokens": 300 if i % 4 else 600})
    for i in range(12):
        recs.append({"agent": agent, "at": "2026-11-25T10:%02d:00Z" % (i * 4), "tokens": 600 if i % 2 == 0 else 300})
recs.sort(key=lambda r: (r["at"], r["agent"]))
write("dt.jsonl", "".join(json.dumps(r) + "\n" for r in recs))


def drift_run(*extra):
    rc, out, err = govc("run", "-p", "dt.gov", "--trace", *extra, "dt.jsonl")
    rows = []
    for line in out.splitlines():
        d = json.loads(line)
        rule = next(r for r in d["trace"]["rules"] if r["rule"] == "token_mix")
        f = next((f for f in d["findings"] if f["rule"] == "token_mix"), None)
        rows.append((d["line"], recs[d["line"] - 1]["agent"], rule["drift"]["value"], rule["drift"]["threshold"], f))
    return rc, rows, err


rc, rows, err = drift_run()
fr = [r for r in rows if r[1] == "fragile"]
st = [r for r in rows if r[1] == "sturdy"]
ok(rc == 0 and all(r[3] == 0.1 for r in fr) and all(r[3] == 0.25 for r in st) and
   all((r[4] is not None) == (r[2] is not None and r[2] > r[3]) for r in rows) and
   any(r[4] and r[2] <= 0.25 for r in fr) and
   all(r[4]["limit"]["from"]["at"] == "dt.gov:4:41" for r in fr if r[4]) and
   all(r[4]["limit"]["from"]["level"] == "default" for r in st if r[4]),
   "a drift's threshold from a limit: the scope's for one agent, the default for another, with provenance", err)
write("dtl.json", '{"policy":"dt","scopes":[{"agent":"sturdy","limits":{"mix_threshold":0.1}}]}')
rc, rows2, err = drift_run("--limits", "dtl.json")
ok(rc == 0 and [r[4] is not None for r in rows2 if r[1] == "sturdy"] == [r[4] is not None for r in fr] and
   all(r[4]["limit"]["from"]["at"] == "dtl.json:1:70" for r in rows2 if r[1] == "sturdy" and r[4]),
   "a limits file sets a drift's threshold per agent", err)
write("dtl2.json", '{"policy":"dt","scopes":[{"agent":"sturdy","limits":{"mix_threshold":0.3}}]}')
rc, out, err = govc("run", "-p", "dt.gov", "--limits", "dtl2.json", "dt.jsonl")
ok(rc == 2 and "error[E050]: 'mix_threshold' = 0.3 in agent \"sturdy\" loosens 0.25 from the default" in err,
   "... and may not raise it (E050)", err)
write("dt_const.gov", DRIFT % "0.25")
write("dt_high.gov", DRIFT % "0.3")
diff_says("dt_const.gov", "dt.gov",
          "govc diff: a constant threshold replaced by a limit with no higher default is tightened",
          "tightened drift token_mix: threshold: 0.25 -> mix_threshold (the limit's default is no higher")
diff_says("dt.gov", "dt_high.gov", "govc diff: a limit replaced by a constant above its default is loosened",
          "loosened  drift token_mix: threshold: mix_threshold -> 0.3 (above the limit's default)")

# --- the proof agrees with govc check, case for case
LEVELS = ["tenant", "project", "workflow", "agent"]
NAMES = {"tenant": ["t1", "t2"], "project": ["p1", "p2"], "workflow": ["w1"], "agent": ["a1", "a2"]}
rng = random.Random(24007)


def rand_path():
    while True:
        path = {lv: rng.choice(NAMES[lv]) for lv in LEVELS if rng.random() < 0.4}
        if path:
            return path


def rand_limits():
    lim = {}
    if rng.random() < 0.7:
        lim["d"] = rng.choice(["%ds" % rng.randint(1, 12), "%dms" % (1000 * rng.randint(1, 12))])
    if rng.random() < 0.6 or not lim:
        lim["r"] = "%d%%" % rng.choice([40, 50, 60, 70, 80, 90])
    return lim


def gov_value(v):
    return "[%s]" % ", ".join('"%s"' % m for m in v) if isinstance(v, list) else v


def block(path, lim):
    levels = [lv for lv in LEVELS if lv in path]
    body = "  ".join("%s = %s" % (k, gov_value(v)) for k, v in lim.items())
    text = body
    for lv in reversed(levels):
        text = 'scope %s "%s" { %s }' % (lv, path[lv], text)
    return text + "\n"


def prefixes(pth):
    levels = [lv for lv in LEVELS if lv in pth]
    return [tuple((lv, pth[lv]) for lv in levels[:k + 1]) for k in range(len(levels))]


NCASES = int(os.environ.get("GOV_LIMITS_CASES", "120"))
BATCH = 40


def check_many(paths):
    """govc check over files that each declare a policy of their own, in one run (each
    is checked as it would be alone: a policy is the files that declare its name).
    Returns ({path: [(code, message), ...] in the order printed}, a complaint or None)."""
    rc, _, err = govc("check", *paths)
    errs = {p_: [] for p_ in paths}
    for m in re.finditer(r"^(\S+?):\d+:\d+: error\[(E\d+)\]: (.*)$", err, re.M):
        if m.group(1) in errs:
            errs[m.group(1)].append((m.group(2), m.group(3)))
    found = any(errs.values())
    bad = None if rc in (0, 1) and (rc == 1) == found else "govc check exit %d, errors %s\n%s" % (rc, found, err[-2000:])
    return errs, bad


def agreement(head, policy, rand_lims, codes_ok, nsrc, nent):
    """Generated policies (up to nsrc blocks) and files (up to nent entries): the file is
    refused exactly when govc check refuses the entries written as blocks after the
    policy's, with the checker's first message. (cases, refused, agreements, disagreements)
    Each generated policy has a name of its own (policy NAME_k, its file's "policy" too),
    so BATCH of them are checked by one `govc check`; only the load runs one by one."""
    agree = refused = case = tries = 0
    disagree = []
    def enough():  # the cases asked for, and at least 20 of each outcome among them
        return case >= NCASES and refused >= 20 and agree - refused >= 20

    while not (enough() or (case >= NCASES and disagree)) and tries < 50 * NCASES:
        batch = []
        for _ in range(BATCH):
            tries += 1
            src_paths, src = [], []
            for _ in range(rng.randint(0, nsrc)):
                pth = rand_path()
                if pth not in src_paths:
                    src_paths.append(pth)
                    src.append((pth, rand_lims()))
            name = "%s_%d" % (policy, tries)
            source = head.replace("policy %s\n" % policy, "policy %s\n" % name, 1) + "".join(block(p_, l_) for p_, l_ in src)
            write("s%d.gov" % tries, source)
            batch.append((tries, name, source, src_paths))
        serrs, bad = check_many(["s%d.gov" % k for k, _, _, _ in batch])
        if bad:
            disagree.append(bad)
            break
        cases = []
        for k, name, source, src_paths in batch:
            if serrs["s%d.gov" % k] or enough():
                continue  # the program must pass on its own: only proven programs are loaded
            # Written as blocks, every entry becomes a chain of nested blocks: none of its
            # prefixes may be another block's (that would be E053, not a question of tightening).
            taken = set(x for pth in src_paths for x in prefixes(pth))
            ents = []
            for _ in range(rng.randint(1, nent)):
                pth = rand_path()
                if not taken & set(prefixes(pth)):
                    taken |= set(prefixes(pth))
                    ents.append((pth, rand_lims()))
            if not ents:
                continue
            case += 1
            write("d%d.json" % k, json.dumps({"policy": name, "scopes": [dict(pth, limits=lim) for pth, lim in ents]}))
            write("c%d.gov" % k, source + "".join(block(p_, l_) for p_, l_ in ents))
            cases.append(k)
        cerrs, bad = check_many(["c%d.gov" % k for k in cases]) if cases else ({}, None)
        if bad:
            disagree.append(bad)
            break
        for k in cases:
            found = cerrs["c%d.gov" % k]
            codes = [c_ for c_, _ in found]
            rrc, _, rerr = govc("run", "-p", "s%d.gov" % k, "--limits", "d%d.json" % k, "/dev/null")
            got = re.search(r"error(?:\[E050\])?: (.*)", rerr)
            if set(codes) - codes_ok:
                disagree.append("unexpected codes %s\n%s" % (codes, found))
            elif bool(found) != (rrc != 0):
                disagree.append("check %s run %d\n%s\n%s\n%s" % (codes, rrc, open(os.path.join(tmp, "c%d.gov" % k)).read(),
                                                                   found, rerr))
            elif found and (not got or got.group(1) != found[0][1]):
                disagree.append("messages differ\ncheck: %s\nload:  %s\n%s" % (found[0][1], got and got.group(1),
                                                                               open(os.path.join(tmp, "c%d.gov" % k)).read()))
            else:
                agree += 1
                refused += bool(found)
    return case, refused, agree, disagree


HEAD = "policy diff\nrecord run { x: duration  y: ratio }\nmax d = 10s\nmin r = 50%\nrule big { when run.x > d or run.y < r }\n"
case, refused, agree, disagree = agreement(HEAD, "diff", rand_limits, {"E050"}, 3, 5)
ok(not disagree and refused >= 20 and agree - refused >= 20,
   "%d generated files: refused exactly when govc check finds E050, with its first message (%d refused)" % (case, refused),
   "\n".join(disagree[:2]))

# --- set limits in a file (issue 24 item 7: allowlists, denylists, gate approvers)
SETPOL = """policy sets
record run { tool: string = ""  data: string = "" }
allowlist tools = ["search", "kb_lookup", "refund", "shell", "kb_*"]
denylist classes = ["pii"]
scope tenant "acme" {
  tools = ["search", "kb_lookup", "refund"]
  scope project "billing" { tools = ["refund", "search"] }
}
rule tool { when run.tool != "" and run.tool not in tools }
rule data { when run.data in classes }
"""
write("sets.gov", SETPOL)
SETFILE = {"policy": "sets", "scopes": [
    {"tenant": "globex", "limits": {"tools": ["search", "kb_lookup"], "classes": ["pii", "health"]}},
    {"tenant": "globex", "project": "support", "limits": {"tools": ["kb_lookup"]}},
    {"tenant": "acme", "limits": {"tools": ["search", "refund"]}},
    {"tenant": "initech", "limits": {"tools": [], "classes": ["pii", "pii", "finance"]}},
    {"tenant": "umbrella", "agent": "probe", "limits": {"tools": ["kb_lookup"], "classes": ["pii", "secrets"]}},
]}
write("sets.json", json.dumps(SETFILE))
BLOCKS = SETPOL + """scope tenant "globex" {
  tools = ["search", "kb_lookup"]
  classes = ["pii", "health"]
  scope project "support" { tools = ["kb_lookup"] }
}
scope tenant "initech" { tools = []  classes = ["pii", "finance"] }
scope tenant "umbrella" { scope agent "probe" { tools = ["kb_lookup"]  classes = ["pii", "secrets"] } }
"""
BLOCKS = BLOCKS.replace('scope tenant "acme" {\n  tools = ["search", "kb_lookup", "refund"]',
                        'scope tenant "acme" {\n  tools = ["search", "refund"]')
write("sets_blocks.gov", BLOCKS)
srecs = []
for t in ["globex", "acme", "initech", "umbrella"]:
    for pr in ["", "support", "billing"]:
        for ag in ["bot", "probe"]:
            for tool in ["search", "kb_lookup", "kb_admin", "refund", "shell", ""]:
                for data in ["pii", "health", "finance", "secrets", "public"]:
                    r = {"tenant": t, "agent": ag, "at": "2026-12-01T00:00:00Z", "tool": tool, "data": data}
                    if pr:
                        r["project"] = pr
                    srecs.append(r)
write("sets.jsonl", "".join(json.dumps(r) + "\n" for r in srecs))
rc, chk, cerr = govc("check", "sets_blocks.gov")
ok(rc == 0, "the same sets written as scope blocks pass govc check", chk + cerr)


def strip(d):
    return [(f["rule"], f.get("verdict"), json.dumps(f.get("limit", {}).get("value")),
             f.get("limit", {}).get("from", {}).get("path")) for f in d["findings"]] + [d["verdict"]]


rc1, o1, e1 = govc("run", "-p", "sets.gov", "--limits", "sets.json", "sets.jsonl")
rc2, o2, e2 = govc("run", "-p", "sets_blocks.gov", "sets.jsonl")
A = [json.loads(x) for x in o1.splitlines()] if rc1 == 0 else []
B = [json.loads(x) for x in o2.splitlines()] if rc2 == 0 else []
diffs = [(srecs[i], strip(a), strip(b)) for i, (a, b) in enumerate(zip(A, B)) if strip(a) != strip(b)]
ok(rc1 == 0 and rc2 == 0 and len(A) == len(srecs) == len(B) and not diffs and
   sum(1 for d in A if d["findings"]) > 100,
   "%d records: a file's allowlists and denylists decide as the same sets written as scope blocks" % len(srecs),
   (e1 + e2 + repr(diffs[:2]))[:3000])
acme = next((d for d in A if d["findings"] and srecs[d["line"] - 1]["tenant"] == "acme" and
             "project" not in srecs[d["line"] - 1] and srecs[d["line"] - 1]["tool"] == "kb_lookup"), None)
ok(acme is not None and acme["findings"][0]["limit"]["from"]["at"].startswith("sets.json:1:") and
   acme["findings"][0]["limit"]["value"]["value"] == ["refund", "search"],
   "an entry with a block's own path that narrows it decides (tenant acme: kb_lookup refused)", json.dumps(acme))
billing = next((d for d in A if srecs[d["line"] - 1].get("project") == "billing" and
                srecs[d["line"] - 1]["tenant"] == "acme" and srecs[d["line"] - 1]["tool"] == "shell"), None)
ok(billing is not None and billing["findings"][0]["limit"]["from"]["at"].startswith("sets.gov:7"),
   "a more specific block of the policy still decides under a compatible entry", json.dumps(billing))
# the id: member and entry order do not matter; a member does
doc = json.loads(json.dumps(SETFILE))
doc["scopes"].reverse()
for e in doc["scopes"]:
    for k in e["limits"]:
        e["limits"][k] = list(reversed(e["limits"][k]))
write("sets_rev.json", json.dumps(doc, indent=3))
doc["scopes"][0]["limits"]["classes"].append("biometrics")
write("sets_more.json", json.dumps(doc))
ids = []
for f in ["sets_rev.json", "sets_more.json"]:
    rc, out, err = govc("run", "-p", "sets.gov", "--limits", f, "rec.jsonl")
    ids.append(json.loads(out.splitlines()[0])["policy_id"] if rc == 0 and out else err)
rc, out0, err = govc("run", "-p", "sets.gov", "rec.jsonl")
pid0 = json.loads(out0)["policy_id"] if rc == 0 else err
ok(A and ids[0] == A[0]["policy_id"] and ids[1] not in (ids[0], pid0) and A[0]["policy_id"] != pid0,
   "the policy id covers a file's sets: reordered members and entries keep it, another member changes it",
   repr(ids) + " " + repr(pid0))

# govc diff -p: a file's sets compared by members (an allowlist that loses members tightens)
d2 = json.loads(json.dumps(SETFILE))
d2["scopes"][0]["limits"]["tools"] = ["search"]
d2["scopes"][0]["limits"]["classes"] = ["pii"] + ["health", "finance"]
d2["scopes"][3]["limits"]["classes"] = ["pii"]
del d2["scopes"][1]
write("sets_new.json", json.dumps(d2))
rc, out, err = govc("diff", "-p", "sets.gov", "sets.json", "sets_new.json")
ok(rc == 0 and sorted(out.splitlines()[1:-1]) == sorted([
    '  tightened limit tools: override in tenant "globex": ["kb_lookup", "search"] -> ["search"]',
    '  tightened limit classes: override in tenant "globex": ["health", "pii"] -> ["finance", "health", "pii"]',
    '  loosened  limit classes: override in tenant "initech": ["finance", "pii"] -> ["pii"]',
    '  loosened  limit tools: override in tenant "globex" / project "support": ["kb_lookup"] -> (removed: falls back to a less specific value)']) and
   out.splitlines()[-1] == "2 tightened, 2 loosened, 0 unproven, 0 neutral",
   "govc diff -p compares a file's sets by their members", out + err)
rc, out, err = govc("diff", "-p", "sets.gov", "--fail-on", "any", "sets.json", "sets_rev.json")
ok(rc == 0 and out.strip() == "0 tightened, 0 loosened, 0 unproven, 0 neutral", "reordered sets change nothing", out + err)

# refusals: each with its message; the loosening ones are the checker's wording (E055's) under E050
SBAD = [
    ({"tenant": "globex", "limits": {"tools": ["search", "shell", "zsh"]}},
     "error[E050]: 'tools' in tenant \"globex\" allows \"zsh\", which the default does not (an allowlist may only lose members)"),
    ({"tenant": "acme", "project": "ops", "limits": {"tools": ["kb_lookup", "shell", "search"]}},
     "error[E050]: 'tools' in project \"ops\" in tenant \"acme\" allows \"shell\", which tenant \"acme\" does not (an allowlist may only lose members)"),
    ({"tenant": "acme", "limits": {"tools": ["search", "kb_lookup", "refund", "shell"]}},
     "error[E050]: 'tools' in tenant \"acme\" allows \"shell\", which tenant \"acme\" does not"),
    ({"tenant": "acme", "limits": {"tools": ["search", "kb_lookup"]}},
     "error[E050]: 'tools' in project \"billing\" in tenant \"acme\" allows \"refund\", which tenant \"acme\" does not (an allowlist may only lose members)"),
    ({"tenant": "globex", "limits": {"classes": []}},
     "error[E050]: 'classes' in tenant \"globex\" stops denying \"pii\", which the default denies (a denylist may only gain members)"),
    ({"tenant": "globex", "limits": {"tools": "search"}},
     "error: the value of 'tools' is an allowlist: a JSON array of exact strings"),
    ({"tenant": "globex", "limits": {"tools": ["search", 3]}}, "error: expected a string, found a number"),
    ({"tenant": "globex", "limits": {"classes": ["pii", "a?"]}}, "which holds '?': a glob in a policy"),
    ({"tenant": "globex", "limits": {"tools": ["x" * 5000]}}, "a string of 5000 bytes (at most 4096)"),
    ({"tenant": "globex", "limits": {"tools": ["s%05d" % i for i in range(65537)]}},
     "'tools' lists more than 65536 members; a set in a limits file may have at most 65536"),
]
for i, (entry, want) in enumerate(SBAD):
    write("sbad%d.json" % i, json.dumps({"policy": "sets", "scopes": [entry]}))
    rc, out, err = govc("run", "-p", "sets.gov", "--limits", "sbad%d.json" % i, "rec.jsonl")
    ok(rc == 2 and want in err and out == "", "refused set: " + want[:70], "exit %d\n%s" % (rc, err[:1500]))
rc, out, err = govc("run", "-p", "sets.gov", "--limits", "sbad0.json", "rec.jsonl")
ok(err.splitlines()[-1:] == ['sets.gov:3:19: note: the default sets it to ["kb_lookup", "refund", "search", "shell", "kb_*"] here'],
   "the refusal's note shows the set it would widen", err)
# two equally specific entries that can match one record: one must contain the other (E057's rule)
write("s057.json", json.dumps({"policy": "sets", "scopes": [
    {"tenant": "t", "workflow": "w", "limits": {"classes": ["pii", "a"]}},
    {"project": "p", "workflow": "w", "limits": {"classes": ["pii", "b"]}}]}))
rc, out, err = govc("run", "-p", "sets.gov", "--limits", "s057.json", "rec.jsonl")
ok(rc == 2 and "error: 'classes' is set by workflow \"w\" in project \"p\" and by workflow \"w\" in tenant \"t\", equally "
   "specific scopes that can match one record, to sets neither of which contains the other" in err,
   "equally specific entries with incomparable sets are refused (E057's rule)", err)
# ... and when they are ordered, the tighter decides for a record in both, whichever comes first in the file
for order in (1, -1):
    ents = [{"tenant": "t", "workflow": "w", "limits": {"classes": ["pii", "a"]}},
            {"project": "p", "workflow": "w", "limits": {"classes": ["pii", "a", "b"]}}][::order]
    write("sord.json", json.dumps({"policy": "sets", "scopes": ents}))
    write("sord.jsonl", '{"tenant":"t","project":"p","workflow":"w","at":"2026-12-01T00:00:00Z","data":"b"}\n')
    rc, out, err = govc("run", "-p", "sets.gov", "--limits", "sord.json", "sord.jsonl")
    d = json.loads(out) if rc == 0 else {}
    ok(rc == 0 and [f["rule"] for f in d["findings"]] == ["data"] and
       d["findings"][0]["limit"]["from"]["path"] == "project:p/workflow:w",
       "of two equally specific denylists the superset decides (file order %d)" % order, out + err)
# globs in the policy that a file's exact strings cannot be proved to contain
write("sglob.gov", SETPOL.replace('denylist classes = ["pii"]', 'denylist classes = ["pii", "secret_*"]')
      .replace('scope project "billing" { tools = ["refund", "search"] }',
               'scope project "billing" { tools = ["refund", "search"] }\n}\nscope tenant "kbco" {\n  scope agent "kb" { tools = ["kb_*"] }'))
rc, out, err = govc("check", "sglob.gov")
ok(rc == 0, "the glob policy checks", err)
write("sglob1.json", json.dumps({"policy": "sets", "scopes": [{"tenant": "x", "limits": {"classes": ["pii", "secret_keys"]}}]}))
rc, out, err = govc("run", "-p", "sglob.gov", "--limits", "sglob1.json", "rec.jsonl")
ok(rc == 2 and "error[E050]: cannot prove that 'classes' in tenant \"x\" still denies everything the default denies: member "
   "\"secret_*\" there is a glob, and a limits file's sets are exact strings" in err,
   "a denylist entry cannot be proved to cover the default's glob", err)
write("sglob2.json", json.dumps({"policy": "sets", "scopes": [{"tenant": "kbco", "limits": {"tools": ["search", "kb_lookup"]}}]}))
rc, out, err = govc("run", "-p", "sglob.gov", "--limits", "sglob2.json", "rec.jsonl")
ok(rc == 2 and "cannot prove that 'tools' in agent \"kb\" in tenant \"kbco\" allows nothing tenant \"kbco\" does not: its "
   "member \"kb_*\" is a glob" in err, "a policy block's glob under an entry cannot be proved inside it", err)
write("sglob3.json", json.dumps({"policy": "sets", "scopes": [{"tenant": "x", "limits": {"tools": ["kb_lookup", "kb_x"]}}]}))
rc, out, err = govc("run", "-p", "sglob.gov", "--limits", "sglob3.json", "rec.jsonl")
ok(rc == 0, "exact members inside the default's glob are proved (kb_x in kb_*)", err)

# gate approvers from a file: exact, 1..64, at least the quorum (refund_desk's dual_review asks for 2)
RD = os.path.join(HERE, "..", "..", "policies", "refund_desk", "refund_desk.gov")
write("appr.json", json.dumps({"policy": "refund_desk", "scopes": [
    {"tenant": "acme", "project": "ops", "limits": {"refund_approvers": ["lead-ana@platform.example", "kim@platform.example"]}}]}))
write("appr.jsonl", '{"tenant":"acme","project":"ops","at":"2026-12-01T00:00:00Z","run_id":"r1","amount_usd":300,"requested_by":"agent-1"}\n')
rc, out, err = govc("run", "-p", RD, "--limits", "appr.json", "appr.jsonl")
d = json.loads(out) if rc == 0 else {}
go = [a for a in d.get("actions", []) if a.get("type") == "gate_open"]
ok(rc == 0 and go and go[0].get("approvers") == ["kim@platform.example", "lead-ana@platform.example"] and
   go[0]["approvers_limit"]["from"]["at"].startswith("appr.json:1:"),
   "a gate opened under a file's entry takes its approvers from the file", out + err)
ABAD = [
    (["kim@platform.example"], "a quorum of 2, but 'refund_approvers' in project \"ops\" in tenant \"acme\" has 1 approver (gate 'dual_review' asks for 2 approvals)"),
    ([], "an empty approver set: with 'refund_approvers' in project \"ops\" in tenant \"acme\" no one could approve the gate"),
    (["", "kim@platform.example"], "an approver cannot be empty"),
]
for i, (members, want) in enumerate(ABAD):
    write("abad%d.json" % i, json.dumps({"policy": "refund_desk", "scopes": [
        {"tenant": "acme", "project": "ops", "limits": {"refund_approvers": members}}]}))
    rc, out, err = govc("run", "-p", RD, "--limits", "abad%d.json" % i, "appr.jsonl")
    ok(rc == 2 and want in err, "refused approvers: " + want[:60], err)
write("a65.json", json.dumps({"policy": "refund_desk", "scopes": [{"tenant": "acme", "project": "ops", "limits": {
    "refund_approvers": ["a%02d@x" % i for i in range(65)]}}]}))
rc, out, err = govc("run", "-p", RD, "--limits", "a65.json", "appr.jsonl")
ok(rc == 2 and "'refund_approvers' in project \"ops\" in tenant \"acme\" has 65 approvers; a gate may have at most 64" in err,
   "refused approvers: more than 64 (E044's cap), before the proof", err)

# the set proof agrees with govc check, case for case (exact members)
SHEAD = 'policy sdiff\nrecord run { x: string }\nallowlist al = ["a", "b", "c", "d"]\ndenylist dl = ["a"]\nrule r { when run.x in al or run.x in dl }\n'


def rand_set(kind):
    pool = ["a", "b", "c", "d", "e"]
    k = rng.randint(0, 4)
    return sorted(rng.sample(pool, k))


def rand_slimits():
    lim = {}
    if rng.random() < 0.7:
        lim["al"] = rand_set("al")
    if rng.random() < 0.5 or not lim:
        lim["dl"] = rand_set("dl")
    return lim


scase, srefused, sagree, sdis = agreement(SHEAD, "sdiff", rand_slimits, {"E055", "E057"}, 2, 4)
ok(not sdis and srefused >= 20 and sagree - srefused >= 20,
   "%d generated set files: refused exactly when govc check finds E055/E057, with its first message (%d refused)"
   % (scase, srefused), "\n".join(sdis[:2]))

# --- 10,000 tenants, in bounded memory
with open("big.json", "w") as f:
    f.write('{"policy":"tenants","scopes":[\n')
    for i in range(10000):
        f.write('%s{"tenant":"tenant-%05d","limits":{"cost_cap":"$0.%02d","latency_budget":"%dms","quality_floor":"%d%%"}}\n'
                % ("," if i else "", i, 1 + i % 12, 500 + i % 2500, 95 + i % 5))
        if i % 10 == 0:
            f.write(',{"tenant":"tenant-%05d","project":"billing","limits":{"latency_budget":"400ms"}}\n' % i)
    f.write("]}\n")
write("big.jsonl", '{"tenant":"tenant-04240","project":"billing","at":"2026-12-01T00:00:00Z","latency":450,"cost":0.01,"quality":1,"tokens":1}\n')
big = open("big.json").read().split("\n")
big_line = next(i for i, t in enumerate(big) if "tenant-04240" in t and "billing" in t) + 1
big_col = big[big_line - 1].index('"400ms"') + 1
r = subprocess.run(["/usr/bin/time", "-f", "%M", GOVC, "run", "-p", "p.gov", "--limits", "big.json", "big.jsonl"],
                   capture_output=True, text=True)
peak_kb = int(r.stderr.strip().splitlines()[-1]) if r.returncode == 0 else -1
d = json.loads(r.stdout) if r.returncode == 0 else {}
ok(r.returncode == 0 and [f["rule"] for f in d["findings"]] == ["slow"] and
   d["findings"][0]["limit"]["from"]["at"] == "big.json:%d:%d" % (big_line, big_col) and 0 < peak_kb < 96 * 1024,
   "11,000 entries for 10,000 tenants load and decide (peak %d KiB, bound 96 MiB)" % peak_kb,
   r.stdout[:600] + r.stderr[-600:])

S.finish()
