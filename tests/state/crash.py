#!/usr/bin/env python3
"""tests/state/crash.py: govc run --state survives SIGKILL at any point.

A reference run of the first k lines, for every k that is a multiple of the save
interval N (and the whole input), gives the states a run can have saved. Then govc run
--state FILE --state-every N is killed with SIGKILL, TRIALS times, at random points:
half after a random delay while it reads a file, half after a random number of lines
fed through a pipe. After each kill FILE must be absent (killed before the first save)
or byte-for-byte one of the reference states, never a torn one, and a new run must load
it. Then corruptions (a byte XORed with 0xFF) and truncations of the largest reference
state must be refused (exit 2) and the file left as it was: every byte and every cut
where the loader reads fields one by one (the header, each section's header and the
bytes around each boundary), and a deterministic sample of the rest (see `corruptions`).

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


STRIDE = 16


def corruptions(big):
    """The bytes to flip and the lengths to cut the state to (spec/state.md, "Layout").
    gov_state_load checks the 64-byte header field by field, then walks the sections,
    checking each 24-byte section header (tag, count, length, checksum) and the XXH3-64
    checksum of its payload before it reads any entry of it. So every byte of the
    headers takes a path of its own and is flipped, each one; a payload byte reaches only
    its section's checksum, the same comparison wherever it lies, so a payload is flipped
    at its first and last 8 bytes and every STRIDE-th byte between (the exhaustive sweep
    of every byte cost 3,000 govc runs, ~10 minutes under ASan). A cut short of the
    header fails on the magic or the header's size, each length its own case, and a
    longer one fails on the header's file length whatever the length, so the first 72
    lengths are cut, each section's boundaries and one byte either side, and every
    STRIDE-th length. Returns (flips, cuts, number of sections walked)."""
    n = len(big)
    flips, cuts = set(range(min(64, n))), set(range(min(73, n)))
    o, nsect = 64, 0
    while o + 24 <= n:
        plen = int.from_bytes(big[o + 8:o + 16], "little")
        end = o + 24 + plen
        if end > n:
            break
        flips.update(range(o, o + 24))
        flips.update(i for i in range(o + 24, end) if i < o + 32 or i >= end - 8 or (i - o) % STRIDE == 0)
        cuts.update(k for b in (o, o + 24, end) for k in (b - 1, b, b + 1) if 0 <= k < n)
        o, nsect = end, nsect + 1
    flips.update(range(o, n))  # anything the walk did not reach (none in a valid state)
    cuts.update(range(0, n, STRIDE))
    return sorted(flips), sorted(cuts), nsect


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

    # Corruption of the largest reference state: bytes flipped, truncations.
    big = max(ref, key=len)
    flips, cuts, nsect = corruptions(big)
    bad = []
    for what, body in ([("byte %d flipped" % i, big[:i] + bytes([big[i] ^ 0xFF]) + big[i + 1:]) for i in flips] +
                       [("truncated to %d bytes" % i, big[:i]) for i in cuts]):
        with open(st, "wb") as f:
            f.write(body)
        r = run(["run", "-p", govb, "--state", st, "-"], inp=b"")
        with open(st, "rb") as f:
            kept = f.read() == body
        if r.returncode != 2 or not kept:
            bad.append("%s: exit %d, file %s" % (what, r.returncode, "kept" if kept else "changed"))
    report(not bad and nsect >= 3,
           "state crash: %d one-byte corruptions and %d truncations of a %d-byte state (%d sections; every byte "
           "of the headers, every %dth of the payloads) are refused" % (len(flips), len(cuts), len(big), nsect, STRIDE),
           "\n".join(bad[:20]) + ("" if nsect >= 3 else "\nthe state's sections could not be walked"))
    for p in os.listdir(tmp):
        os.remove(os.path.join(tmp, p))
    os.rmdir(tmp)


main()
sys.exit(1 if fails else 0)
