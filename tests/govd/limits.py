#!/usr/bin/python3
"""tests/govd/limits.py BUILD: govd --limits POLICY=FILE (spec/language.md 5.2, govd.md 5).

govd started for real on a free loopback port (port 0), over real HTTP:
- decisions use the limits file and name its line as a limit's provenance;
- a reload reads the file again: a tightened file changes the decision and the id;
- a reload with a file that loosens a limit is refused (422, E050's message) and the
  running policy stays; so is a start with one (exit 2).
"""
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
GOVD = os.path.abspath(os.path.join(BUILD, "govd"))
TOP = os.getcwd()
TMP = tempfile.mkdtemp(prefix="govd-limits-")
FAILS = 0


def report(ok, name, detail=""):
    global FAILS
    print(("ok - " if ok else "not ok - ") + "govd-limits: " + name)
    if not ok:
        FAILS += 1
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)
    sys.stdout.flush()


def start(*args):
    err = open(os.path.join(TMP, "govd-%d.err" % time.monotonic_ns()), "w+b")
    p = subprocess.Popen([GOVD, "--listen", "127.0.0.1:0"] + list(args), stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.time() + 20
    while time.time() < deadline:
        err.seek(0)
        text = err.read().decode(errors="replace")
        m = re.search(r"listening on \S+:(\d+)", text)
        if m:
            return p, int(m.group(1)), err
        if p.poll() is not None:
            return p, None, err
        time.sleep(0.05)
    return p, None, err


def request(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request(method, path, body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read().decode()
    c.close()
    return r.status, data


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


LIMITS = """{"policy": "support_agents", "scopes": [
  {"tenant": "globex", "limits": {"cost_cap": "$0.08"}}
]}
"""
lim = write("limits.json", LIMITS)
policy = os.path.join(TOP, "policies", "support")
REC = json.dumps({"tenant": "globex", "project": "faq", "agent": "faq-bot", "at": "2026-11-25T10:00:00Z",
                  "run_id": "g-1", "latency_ms": 500, "cost_usd": 0.075, "tokens": 100, "quality_score": 0.99})
p, port, err = start("-p", policy, "--limits", "support_agents=" + lim)
try:
    st, body = request(port, "POST", "/v1/decide/support_agents", REC) if port else (0, "")
    d = json.loads(body) if st == 200 else {}
    report(st == 200 and d.get("verdict") == "allow", "a record under the file's cap is allowed", body)
    first_id = d.get("policy_id")
    st, body = request(port, "GET", "/v1/policies")
    layout = json.loads(body)["policies"][0]["state_layout"] if st == 200 else None
    q, qport, qerr = start("-p", policy)
    try:
        qst, qbody = request(qport, "GET", "/v1/policies") if qport else (0, "")
        plain = json.loads(qbody)["policies"][0] if qst == 200 else {}
    finally:
        q.terminate()
        q.wait(timeout=20)
    report(layout and plain.get("state_layout") == layout and plain.get("id") != first_id,
           "the file changes the id, not the state layout (state is carried at reload)", body + qbody)
    write("limits.json", LIMITS.replace("$0.08", "$0.07"))
    st, body = request(port, "POST", "/v1/admin/reload")
    report(st == 200, "a reload reads the tightened file", body)
    st, body = request(port, "POST", "/v1/decide/support_agents", REC)
    d = json.loads(body) if st == 200 else {}
    f = (d.get("findings") or [{}])[0]
    report(st == 200 and f.get("rule") == "expensive_run" and f["limit"]["from"]["at"] == lim + ":2:47" and
           d["policy_id"] != first_id, "... and the decision takes its value, names its line, and has a new id", body)
    write("limits.json", LIMITS.replace("$0.08", "$0.50"))
    st, body = request(port, "POST", "/v1/admin/reload")
    msg = json.loads(body).get("error", {}).get("message", "") if st == 422 else ""
    report(st == 422 and "error[E050]: 'cost_cap' = $0.50 in tenant \"globex\" loosens $0.12 from the default" in msg,
           "a reload with a file that loosens a limit is refused with E050's message", "%d %s" % (st, body))
    st, body = request(port, "POST", "/v1/decide/support_agents", REC)
    d = json.loads(body) if st == 200 else {}
    report(st == 200 and d.get("verdict") == "warn", "... and the running policy stays", body)
finally:
    p.terminate()
    p.wait(timeout=20)
p, port, err = start("-p", policy, "--limits", "support_agents=" + lim)
p.wait(timeout=20)
err.seek(0)
text = err.read().decode(errors="replace")
report(p.returncode == 2 and "error[E050]" in text, "govd refuses to start with a file that loosens a limit",
       "exit %s\n%s" % (p.returncode, text))
shutil.rmtree(TMP)
sys.exit(1 if FAILS else 0)
