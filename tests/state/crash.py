#!/usr/bin/env python3
"""tests/state/crash.py: govc run --state survives SIGKILL at any point.

A reference run of the first k lines, for every k that is a multiple of the save
interval N (and the whole input), gives the states a run can have saved. Then govc run
--state FILE --state-every N is killed with SIGKILL, TRIALS times, at random points:
half after a random delay while it reads a file, half after a random number of lines
fed through a pipe. After each kill FILE must be absent (killed before the first save)
or byte-for-byte one of the reference states, never a torn one, and a new run must load
it. Then every single-byte corruption (each byte XORed with 0xFF) and every truncation
of the largest reference state must be refused (exit 2) and the file left as it was.

Usage: crash.py GOVC [TRIALS]. Prints "ok - ..." / "not ok - ..." lines.
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

GOVC = sys.argv[1]
TRIALS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
HERE = os.path.dirname(os.path.abspath(__file__))
N = 10          # --state-every
LINES = 400

rng = random.Random(20261125)
fails = 0


def report(ok, name, detail=""):
    global fails
    print(("ok - " if ok else "not ok - ") + name)
    if not ok:
        fails += 1
        for l in detail.splitlines():
            print("# " + l)


def records(n):
    """A stream with refunds that open gates, slow runs, and time that moves on so
    gates also time out: the state changes between saves."""
    out = []
    t0 = 1767225600  # 2026-01-01T00:00:00Z
    for i in range(n):
        t = t0 + 60 * i + rng.randrange(0, 30)
        action = "refund" if rng.random() < 0.3 else "read"
        lat = rng.choice([100, 2500, 2500, 2500, 4000])
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        out.append('{"at":"%s","run_id":"r%d","agent":"a%d","action":"%s","latency_ms":%d}\n'
                   % (ts, i, i % 3, action, lat))
    return "".join(out).encode()


def run(args, stdin=None, inp=None):
    return subprocess.run([GOVC] + args, input=inp, stdin=stdin, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)


def main():
    tmp = tempfile.mkdtemp(prefix="govstate.")
    govb = os.path.join(tmp, "p.govb")
    r = run(["build", "-o", govb, os.path.join(HERE, "crash.gov")])
    if r.returncode:
        report(False, "state crash: build", r.stderr.decode())
        return
    data = records(LINES)
    lines = data.splitlines(keepends=True)
    path = os.path.join(tmp, "input.jsonl")
    with open(path, "wb") as f:
        f.write(data)

    # The reference states: after each multiple of N lines, and after all of them.
    ref = {}
    for k in sorted(set(list(range(N, LINES + 1, N)) + [LINES])):
        st = os.path.join(tmp, "ref")
        if os.path.exists(st):
            os.remove(st)
        r = run(["run", "-p", govb, "--state", st, "-"], inp=b"".join(lines[:k]))
        if r.returncode:
            report(False, "state crash: reference run of %d lines" % k, r.stderr.decode())
            return
        with open(st, "rb") as f:
            ref[f.read()] = k
    distinct = len(ref)

    # The whole run's duration, to spread the random delays over it.
    st = os.path.join(tmp, "st")
    t = time.monotonic()
    run(["run", "-p", govb, "--state", st, "--state-every", str(N), path])
    whole = time.monotonic() - t
    with open(st, "rb") as f:
        full_ok = ref.get(f.read()) == LINES

    seen = {}
    bad = []
    for trial in range(TRIALS):
        for p in (st, st + ".tmp"):
            if os.path.exists(p):
                os.remove(p)
        args = [GOVC, "run", "-p", govb, "--state", st, "--state-every", str(N)]
        if trial % 2 == 0:
            proc = subprocess.Popen(args + [path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, whole * 1.1))
            how = "delay"
        else:
            proc = subprocess.Popen(args + ["-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            k = rng.randrange(0, LINES + 1)
            try:
                proc.stdin.write(b"".join(lines[:k]))
                proc.stdin.flush()
            except BrokenPipeError:
                pass
            time.sleep(rng.uniform(0, 0.01))
            how = "after %d lines" % k
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stdin:
            proc.stdin.close()
        if not os.path.exists(st):
            seen[None] = seen.get(None, 0) + 1
            continue
        with open(st, "rb") as f:
            got = f.read()
        if got not in ref:
            bad.append("trial %d (%s): %d bytes that no reference run saved" % (trial, how, len(got)))
            continue
        seen[ref[got]] = seen.get(ref[got], 0) + 1
        # It loads, and saving it again (no lines) gives the same bytes.
        r = run(["run", "-p", govb, "--state", st, "-"], inp=b"")
        with open(st, "rb") as f:
            again = f.read()
        if r.returncode or again != got:
            bad.append("trial %d (%s): the state saved after %d lines does not load back: %s"
                       % (trial, how, ref[got], r.stderr.decode().strip()))
    kinds = len([k for k in seen if k is not None])
    report(not bad and full_ok and kinds >= 5,
           "state crash: %d SIGKILLs of govc run --state-every %d: each state file is one of the %d "
           "saved states (%d different ones seen, %d kills before the first save)"
           % (TRIALS, N, distinct, kinds, seen.get(None, 0)),
           "\n".join(bad[:20]) + ("" if full_ok else "\nthe uninterrupted run's state is not the reference")
           + ("" if kinds >= 5 else "\nthe kills landed at too few points: %r" % seen))

    # Corruption of the largest reference state: every byte flipped, every truncation.
    big = max(ref, key=len)
    bad = []
    for i in range(len(big) + 1):
        for what, body in (("byte %d flipped" % i, big[:i] + bytes([big[i] ^ 0xFF]) + big[i + 1:] if i < len(big) else None),
                           ("truncated to %d bytes" % i, big[:i] if i < len(big) else None)):
            if body is None:
                continue
            with open(st, "wb") as f:
                f.write(body)
            r = run(["run", "-p", govb, "--state", st, "-"], inp=b"")
            with open(st, "rb") as f:
                kept = f.read() == body
            if r.returncode != 2 or not kept:
                bad.append("%s: exit %d, file %s" % (what, r.returncode, "kept" if kept else "changed"))
    report(not bad, "state crash: all %d one-byte corruptions and %d truncations of a %d-byte state are refused"
           % (len(big), len(big), len(big)), "\n".join(bad[:20]))
    for p in os.listdir(tmp):
        os.remove(os.path.join(tmp, p))
    os.rmdir(tmp)


main()
sys.exit(1 if fails else 0)
