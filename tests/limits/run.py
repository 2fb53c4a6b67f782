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
import tempfile

GOVC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/govc")
HERE = os.path.dirname(os.path.abspath(__file__))
fails = 0


def ok(cond, name, detail=""):
    global fails
    if cond:
        print("ok - limits: " + name)
    else:
        fails += 1
        print("not ok - limits: " + name)
        for line in str(detail).splitlines()[:12]:
            print("# " + line)


def govc(*args, stdin=None):
    r = subprocess.run([GOVC] + list(args), input=stdin, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


tmp = tempfile.mkdtemp(prefix="govlimits.")
os.chdir(tmp)


def write(name, text):
    with open(name, "w") as f:
        f.write(text)
    return name


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
     "1:77: error: expected a string, found an unexpected character"),
    ('{"policy":"other","scopes":[]}', "1:11: error: this file is for policy 'other', not 'tenants'"),
    ('{"policy":"tenants","scopes":[{"tenant":"x","limits":{"tools":["search"]}}]}',
     "1:55: error: 'tools' is an allowlist; a limits file sets only limits declared with max or min"),
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
    ('{"policy":"tenants","scopes":[]} []', "1:34: error: text after the limits file's object"),
    ('{"policy":"tenants","scopes":[{"tenant":"\\ud800","limits":{}}]}', "a lone surrogate"),
    ('\n\n  {"policy":"tenants","scopes":[{"tenant":"x","limits":{"cost_cap":"$0.05"}}]', "3:78: error: expected ',' or '}'"),
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
rc, out, err = govc("diff", "dt_const.gov", "dt.gov")
ok(rc == 0 and "tightened drift token_mix: threshold: 0.25 -> mix_threshold (the limit's default is no higher" in out,
   "govc diff: a constant threshold replaced by a limit with no higher default is tightened", out + err)
rc, out, err = govc("diff", "dt.gov", "dt_high.gov")
ok(rc == 0 and "loosened  drift token_mix: threshold: mix_threshold -> 0.3 (above the limit's default)" in out,
   "govc diff: a limit replaced by a constant above its default is loosened", out + err)

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
    return v


def block(path, lim):
    levels = [lv for lv in LEVELS if lv in path]
    body = "  ".join("%s = %s" % (k, gov_value(v)) for k, v in lim.items())
    text = body
    for lv in reversed(levels):
        text = 'scope %s "%s" { %s }' % (lv, path[lv], text)
    return text + "\n"


HEAD = "policy diff\nrecord run { x: duration  y: ratio }\nmax d = 10s\nmin r = 50%\nrule big { when run.x > d or run.y < r }\n"
agree = refused = 0
disagree = []
case = 0
tries = 0
NCASES = int(os.environ.get("GOV_LIMITS_CASES", "120"))
while case < NCASES and tries < 50 * NCASES:
    tries += 1
    src_paths, src = [], []
    for _ in range(rng.randint(0, 3)):
        pth = rand_path()
        if pth not in src_paths:
            src_paths.append(pth)
            src.append((pth, rand_limits()))
    source = HEAD + "".join(block(p_, l_) for p_, l_ in src)
    write("s.gov", source)
    if govc("check", "s.gov")[0] != 0:
        continue  # the program must pass on its own: only proven programs are loaded
    # Written as blocks, every entry becomes a chain of nested blocks: none of its
    # prefixes may be another block's (that would be E053, not a question of tightening).
    def prefixes(pth):
        levels = [lv for lv in LEVELS if lv in pth]
        return [tuple((lv, pth[lv]) for lv in levels[:k + 1]) for k in range(len(levels))]
    taken = set(x for pth in src_paths for x in prefixes(pth))
    ents = []
    for _ in range(rng.randint(1, 5)):
        pth = rand_path()
        if not taken & set(prefixes(pth)):
            taken |= set(prefixes(pth))
            ents.append((pth, rand_limits()))
    if not ents:
        continue
    case += 1
    data = {"policy": "diff", "scopes": [dict(pth, limits=lim) for pth, lim in ents]}
    write("d.json", json.dumps(data))
    write("c.gov", source + "".join(block(p_, l_) for p_, l_ in ents))
    crc, _, cerr = govc("check", "c.gov")
    e050 = [m.group(1) for m in re.finditer(r"error\[(?:E\d+)\]: (.*)", cerr)]
    codes = re.findall(r"error\[(E\d+)\]", cerr)
    rrc, _, rerr = govc("run", "-p", "s.gov", "--limits", "d.json", "/dev/null")
    got = re.search(r"error(?:\[E050\])?: (.*)", rerr)
    if set(codes) - {"E050"}:
        disagree.append("unexpected codes %s\n%s" % (codes, cerr))
    elif (crc == 0) != (rrc == 0):
        disagree.append("check %d run %d\n%s\n%s\n%s" % (crc, rrc, open("c.gov").read(), cerr, rerr))
    elif crc != 0 and (not got or got.group(1) != e050[0]):
        disagree.append("messages differ\ncheck: %s\nload:  %s\n%s" % (e050[0], got and got.group(1),
                                                                       open("c.gov").read()))
    else:
        agree += 1
        refused += crc != 0
ok(not disagree and refused >= 20 and agree - refused >= 20,
   "%d generated files: refused exactly when govc check finds E050, with its first message (%d refused)" % (case, refused),
   "\n".join(disagree[:2]))

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

subprocess.run(["rm", "-rf", tmp])
sys.exit(1 if fails else 0)
