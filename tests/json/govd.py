#!/usr/bin/python3
"""tests/json/govd.py BUILD CASES BYTES: govd's request bodies against JSONTestSuite.

CASES is tests/json/cases.mjs's file, BYTES tests/json/bytes.txt (their formats are in
those files). A real govd on a free loopback port (as tests/govd/run.py starts it), with
tests/json/jsuite.gov and tests/json/otlp.gov, gets every case in each body that takes
JSON (spec/govd.md §2, §4):
  decide   POST /v1/decide/jsuite, {"at":T,"v":CASE}: y 200; n 400 with its error
           decision; i either. And {"at":T,"type":CASE}: 400 always (a record's type
           may only be "record", which no case is), y with GOVD_EVENT (govd read the
           type), n with the VM's own error and not GOVD_EVENT (govd/record.c reads
           nothing of a body that is not JSON, spec/govd.md §2).
  batch    one NDJSON body: a good record, then each case's line (cases that are one
           line), and a good record at the end: 200, one decision a non-blank line, in
           order, each as decide gave it alone (status), the good ones ok: a bad line
           costs only itself.
  otlp     POST /v1/traces with one GenAI span, the case as a top-level member the
           mapping does not read, and again as an attribute's value: y 200 with the
           span's one decision; n 400 and nothing decided (spec/govd.md §4: "malformed
           JSON ... makes the request 400 and nothing of it is evaluated").
  approve  POST /v1/gates/jsuite_otlp/ID/approve, {"x":CASE} for an id no gate has: y 409
           (the VM refused the unknown id, so the body was read); n 400 (the body is
           malformed: nothing is acted on). And a gate that is open is not approved by
           a malformed body.
Never a 5xx, never a hang (a timeout is a failure). Cases the package could not carry
(lost) are sent and held to that alone. Prints "ok - ..." / "not ok - ..." lines.
"""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time

BUILD, CASES, BYTES = sys.argv[1:4]
GOVD = os.path.join(BUILD, "govd")
AT = b'"2026-12-07T18:00:00Z"'
TOKENS = "decide-token-0123456789 agent-host decide\napprove-token-0123456789 alice decide,approve\n"
FAILS = 0


def report(ok, name, detail=()):
    global FAILS
    print(("ok - " if ok else "not ok - ") + name)
    if not ok:
        FAILS += 1
        detail = list(detail)
        print("#   %d failure(s)%s" % (len(detail), ", the first 30:" if len(detail) > 30 else ":"))
        for line in detail[:30]:
            print("#   " + str(line)[:300])
    sys.stdout.flush()


def read_cases():
    out = []
    with open(CASES, "rb") as f:
        data = f.read()
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        name, how, n = data[i:nl].decode().split("\t")
        b = data[nl + 1:nl + 1 + int(n)]
        out.append((name, how[0], how.endswith("-lost"), b))
        i = nl + 1 + int(n) + 1
    with open(BYTES, "rb") as f:
        for line in f.read().split(b"\n"):
            if not line or line.startswith(b"#"):
                continue
            how, name, text = line.split(b" ", 2)
            b = re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), text)
            out.append((name.decode(), how.decode(), False, b))
    return out


class Govd:
    def __init__(self, tmp, *args):
        self.errpath = os.path.join(tmp, "govd.err")
        self.err = open(self.errpath, "wb")
        self.p = subprocess.Popen([GOVD, "--listen", "127.0.0.1:0"] + list(args), stdout=subprocess.DEVNULL,
                                  stderr=self.err)
        deadline = time.time() + 20
        while time.time() < deadline:
            with open(self.errpath, "rb") as f:
                m = re.search(rb"listening on \S+:(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                self.c = None
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("govd did not start")

    def req(self, path, body, token="decide-token-0123456789", ctype="application/json"):
        for attempt in range(2):
            if self.c is None:
                self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            try:
                self.c.request("POST", path, body=body,
                               headers={"Authorization": "Bearer " + token, "Content-Type": ctype})
                r = self.c.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.c.close()
                    self.c = None
                return r.status, data
            except (ConnectionError, http.client.HTTPException):
                self.c.close()
                self.c = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def stop(self):
        self.p.terminate()
        self.p.wait(20)
        self.err.close()


def span(extra_attr=b""):
    return (b'{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"chat",'
            b'"startTimeUnixNano":"1764061200000000000","endTimeUnixNano":"1764061204500000000",'
            b'"attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}}' + extra_attr + b']}')


def otlp_bodies(case):
    top = b'{"resourceSpans":[{"scopeSpans":[{"spans":[' + span() + b']}]}],"x":' + case + b'}'
    attr = b'{"resourceSpans":[{"scopeSpans":[{"spans":[' + span(b',{"key":"x.note","value":' + case + b'}') + b']}]}]}'
    return (("otlp top-level member", top), ("otlp attribute value", attr))


def main():
    cases = read_cases()
    tmp = tempfile.mkdtemp(prefix="jsuite-govd-")
    tok = os.path.join(tmp, "tokens")
    with open(tok, "w") as f:
        f.write(TOKENS)
    os.chmod(tok, 0o600)
    g = Govd(tmp, "-p", "tests/json/jsuite.gov", "-p", "tests/json/otlp.gov", "--tokens", tok)
    bad = {"decide": [], "batch": [], "otlp": [], "approve": [], "5xx": []}
    single = {}
    counts = {"decide": 0, "otlp": 0, "approve": 0}
    try:
        for name, how, lost, b in cases:
            line = b'{"at":' + AT + b',"v":' + b + b'}'
            st, body = g.req("/v1/decide/jsuite", line)
            counts["decide"] += 1
            single[name] = st
            if st >= 500:
                bad["5xx"].append("%s decide: %d %s" % (name, st, body[:200]))
            elif not lost and ((how == "y" and st != 200) or (how == "n" and (st != 400 or b'"status":"error"' not in body))
                               or st not in (200, 400)):
                bad["decide"].append("%s (%s): %d %s" % (name, how, st, body[:200]))
            st, body = g.req("/v1/decide/jsuite", b'{"at":' + AT + b',"type":' + b + b'}')
            counts["decide"] += 1
            if st >= 500:
                bad["5xx"].append("%s decide as type: %d %s" % (name, st, body[:200]))
            elif not lost and (st != 400 or (how == "y" and b"GOVD_EVENT" not in body)
                               or (how == "n" and (b"GOVD_EVENT" in body or b'"status":"error"' not in body))):
                bad["decide"].append("%s (%s) as type: %d %s" % (name, how, st, body[:200]))
            for what, ob in otlp_bodies(b):
                st, body = g.req("/v1/traces?policy=jsuite_otlp&decisions=1", ob)
                counts["otlp"] += 1
                if st >= 500:
                    bad["5xx"].append("%s %s: %d %s" % (name, what, st, body[:200]))
                elif lost:
                    continue
                elif how == "y" and (st != 200 or len(body.splitlines()) != 1):
                    bad["otlp"].append("%s (y) %s: %d %s" % (name, what, st, body[:200]))
                elif how == "n" and st != 400:
                    bad["otlp"].append("%s (n) %s: %d, acted on: %s" % (name, what, st, body[:200]))
            st, body = g.req("/v1/gates/jsuite_otlp/0123456789abcdef/approve", b'{"x":' + b + b'}',
                             token="approve-token-0123456789")
            counts["approve"] += 1
            if st >= 500:
                bad["5xx"].append("%s approve: %d %s" % (name, st, body[:200]))
            elif not lost and ((how == "y" and st != 409) or (how == "n" and st != 400) or st not in (400, 409)):
                bad["approve"].append("%s (%s): %d %s" % (name, how, st, body[:200]))
        # The batch: a good record before each case's line and one at the end.
        good = b'{"at":' + AT + b',"s":"good"}'
        lines, want = [], []
        for name, how, lost, b in cases:
            line = b'{"at":' + AT + b',"v":' + b + b'}'
            if b"\n" in line or b"\r" in line:
                continue
            lines += [good, line]
            want += [("good", 200), (name, single[name])]
        lines.append(good)
        want.append(("good", 200))
        st, body = g.req("/v1/decide/jsuite/batch", b"\n".join(lines) + b"\n", ctype="application/x-ndjson")
        got = body.splitlines()
        if st != 200 or len(got) != len(want):
            bad["batch"].append("%d, %d decisions for %d lines: %s" % (st, len(got), len(want), body[:200]))
        else:
            for (name, st1), d in zip(want, got):
                ok = b'"status":"ok"' in d
                if ok != (st1 == 200):
                    bad["batch"].append("%s: alone %d, in the batch %s" % (name, st1, d[:200]))
        # An open gate, and a malformed approval: not approved (still open for a good one).
        st, body = g.req("/v1/decide/jsuite_otlp", b'{"at":' + AT + b',"latency_ms":1,"cost_usd":0,"amount":200,"run_id":"r1"}')
        gid = re.search(rb'"gate_id":"([0-9a-f]{16})"', body)
        if st != 200 or not gid:
            bad["approve"].append("no gate opened: %d %s" % (st, body[:200]))
        else:
            path = "/v1/gates/jsuite_otlp/%s/approve" % gid.group(1).decode()
            for mal in (b'{"at":"2026-12-07T18:01:00Z"', b'{"at":"2026-12-07T18:01:00Z",}', b'["at"]{"at":"2026-12-07T18:01:00Z"}',
                        b'{"x":{"at":"2026-12-07T18:01:00Z"}} x', b'{"x":"\xff","at":"2026-12-07T18:01:00Z"}'):
                st, body = g.req(path, mal, token="approve-token-0123456789")
                if st != 400:
                    bad["approve"].append("open gate, body %r: %d %s" % (mal, st, body[:200]))
            st, body = g.req(path, b'{"at":"2026-12-07T18:02:00Z"}', token="approve-token-0123456789")
            if st != 200 or b'"gate_approved"' not in body:
                bad["approve"].append("the open gate, a good approval: %d %s" % (st, body[:300]))
    finally:
        g.stop()
        with open(os.path.join(tmp, "govd.err"), "rb") as f:
            log = f.read()
        for p in os.listdir(tmp):
            os.unlink(os.path.join(tmp, p))
        os.rmdir(tmp)
    n = len(cases)
    report(not bad["5xx"], "jsuite govd: no 5xx over %d requests" % (sum(counts.values()) + 1), bad["5xx"])
    report(not bad["decide"], "jsuite govd decide: %d cases as a record's member (y 200, n 400) and as its type (y GOVD_EVENT, n the VM's JSON error)" % n, bad["decide"])
    report(not bad["batch"], "jsuite govd batch: one body, each case's line between good ones, each decided as alone",
           bad["batch"])
    report(not bad["otlp"], "jsuite govd OTLP: %d cases in an envelope, two places each (y 200, n 400, nothing decided)" % n,
           bad["otlp"])
    report(not bad["approve"], "jsuite govd approve: %d cases in the body (y 409 unknown gate, n 400), an open gate kept" % n,
           bad["approve"])
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
