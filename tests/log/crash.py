#!/usr/bin/python3
"""crash.py GOVC: `govc run --log` killed with SIGKILL at random points, again and again,
on one log (spec/trace.md §9.4).

Each round starts a run that appends a few thousand decisions to the same log (with
--log-recover, so a torn tail left by the round before is cut off and recorded), and
kills it after a random delay. After every kill the log must verify up to its last whole
line: `govc audit verify` exits 0 or 3 (open), never 1, and a torn tail it reports lies
exactly after the last newline of the file. tests/log/auditor.py must agree. At the end
a run that is not killed closes the log: it verifies (exit 0), every recovered tail is
recorded, and replaying it reproduces every logged decision within each session.
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

GOVC = sys.argv[1] if len(sys.argv) > 1 else "build/govc"
HERE = os.path.dirname(os.path.abspath(__file__))
ROUNDS = 12


def main():
    random.seed(1717)
    tmp = tempfile.mkdtemp()
    fails = 0

    def report(ok, name, detail=""):
        nonlocal fails
        print(("ok - " if ok else "not ok - ") + name)
        if not ok:
            fails += 1
            for l in detail.splitlines()[:10]:
                print("# " + l)

    pol = os.path.join(tmp, "p95.govb")
    subprocess.run([GOVC, "build", "-o", pol, "policies/latency_p95"], check=True, capture_output=True)
    src = open("policies/latency_p95/records.jsonl").read().splitlines()
    records = os.path.join(tmp, "many.jsonl")
    with open(records, "w") as f:
        for i in range(4000):
            f.write(src[i % len(src)] + "\n")
    log = os.path.join(tmp, "crash.log")
    torn_seen = verify_bad = auditor_bad = 0
    last_data = None
    for r in range(ROUNDS):
        p = subprocess.Popen([GOVC, "run", "-p", pol, "--log", log, "--log-inputs", "--log-sync",
                              "close" if r % 2 else "line", "--log-recover", records],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # The random delay counts from the log's creation, so the kill lands while the
        # run writes however slowly the process starts (suites run side by side, and
        # under ASan); a run that ends first is killed after its end, harmlessly.
        t_end = time.time() + 30
        while not os.path.exists(log) and p.poll() is None and time.time() < t_end:
            time.sleep(0.002)
        time.sleep(random.uniform(0.005, 0.25))
        p.send_signal(signal.SIGKILL)
        p.wait()
        v = subprocess.run([GOVC, "audit", "verify", log], capture_output=True, text=True)
        a = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "auditor.py"), log], capture_output=True, text=True)
        data = open(log, "rb").read() if os.path.exists(log) else b""
        cut = data.rfind(b"\n") + 1
        prev, last_data = last_data, data
        if v.returncode not in (0, 3):
            verify_bad += 1
            report(False, f"round {r}: the killed log verifies up to its last whole line", v.stdout + v.stderr)
            continue
        # A run killed before it reached the log (a slow start under load) leaves the
        # log as the round before did: its torn tail is the same one, counted once.
        if cut < len(data):
            torn_seen += data != prev
            want = f":{cut}: torn tail: the last {len(data) - cut} bytes"
            if want not in v.stdout:
                verify_bad += 1
                report(False, f"round {r}: the torn tail is reported at byte {cut}, {len(data) - cut} bytes", v.stdout)
        if a.returncode != v.returncode:
            auditor_bad += 1
            report(False, f"round {r}: the auditor agrees with govc", v.stdout + a.stdout)
    report(verify_bad == 0, f"{ROUNDS} runs killed with SIGKILL: the log verifies up to its last whole line each time "
           f"({torn_seen} torn tails, each reported at its exact offset)")
    report(auditor_bad == 0, "the spec's auditor agrees after every kill")
    # A last run that is not killed closes the log.
    subprocess.run([GOVC, "run", "-p", pol, "--log", log, "--log-inputs", "--log-recover",
                    "policies/latency_p95/records.jsonl"], check=True, capture_output=True)
    v = subprocess.run([GOVC, "audit", "verify", log], capture_output=True, text=True)
    report(v.returncode == 0 and "closed" in v.stdout, "after the kills, a clean run leaves a closed log that verifies",
           v.stdout)
    rec = sum(1 for l in open(log, "rb") if b'"type":"recover"' in l)
    report(rec == torn_seen, f"each torn tail cut off is recorded ({rec} recover lines)", f"{rec} vs {torn_seen}")
    rp = subprocess.run([GOVC, "audit", "replay", "--policy", pol, log], capture_output=True, text=True)
    summary = rp.stdout.strip().splitlines()[-1] if rp.stdout.strip() else ""
    # A killed run's state is lost with it: each new run starts from a fresh VM, which the
    # replay reports as a discontinuity. Within each session every decision reproduces.
    report(" 0 differ" in summary and "not replayed" not in summary,
           "replaying the crashed log reproduces every logged decision", rp.stdout[-2000:])
    subprocess.run(["rm", "-rf", tmp])
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
