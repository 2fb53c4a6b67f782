#!/usr/bin/python3
"""tests/cli/fullfs.py GOVC: govc run on a disk that fills up.

The decision log (--log) and the saved state (--state) meet a file system with no room
left, two ways:

  - a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored: a write past it fails with EFBIG)
    at every byte around every line of a log, and at 78 sizes of a state file, so the
    failure falls on each write at each possible place;
  - a real full file system (ENOSPC): a small tmpfs mounted in a private mount namespace
    (unshare -m; as root), as the log grows, when it is created, and when a state is saved.

After each failure: govc exits 2 (never a signal), naming the file and the reason; every
decision it printed is in the log, byte for byte (logged before printed: what a host acted
on is in the log); the log verifies (`govc audit verify` exit 0 or 3, never 1) and
replays (`govc audit replay`: every decision reproduced, no state discontinuity); a later
run appends to it and closes it; a state file is a state some prefix of the input gave
(the one before the failed save), never torn, and no temporary file is left beside it.

Prints "ok - ..." / "not ok - ..." lines.
"""
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

GOVC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/govc")
fails = 0


def report(ok, name, detail=""):
    global fails
    print(("ok - fullfs: " if ok else "not ok - fullfs: ") + name, flush=True)
    if not ok:
        fails += 1
        for l in str(detail).splitlines()[:12]:
            print("#   " + l)


def limited(n):
    def f():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (n, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    return f


def run(args, limit=None):
    p = subprocess.run([GOVC] + args, capture_output=True, preexec_fn=limited(limit) if limit is not None else None)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def log_decisions(path):
    """The decision objects of a log's decision lines, as bytes (the line between
    `"decision":` and its sha256 member)."""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path, "rb").read().split(b"\n"):
        if b'"type":"decision"' in line:
            out.append(line[line.index(b',"decision":') + 12: -77])
    return out


# `govc audit verify` and `govc audit replay` read nothing but the log (and the policy):
# their answers for one log's bytes are kept, and a log some other limit left byte for
# byte the same (a third of the limits around a line end leave the log of a neighbour)
# is not verified and replayed again. The key holds the names beside the log too.
_answers = {}


def _key(what, path):
    d = os.path.dirname(path)
    return (what, os.path.basename(path), tuple(sorted(os.listdir(d))), open(path, "rb").read())


def verify(path):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return 0, "(no log)"
    k = _key("verify", path)
    if k not in _answers:
        rc, out, err = run(["audit", "verify", path])
        _answers[k] = rc, out.decode() + err
    return _answers[k]


def replay(policy, path):
    k = _key("replay " + policy, path)
    if k not in _answers:
        _answers[k] = run(["audit", "replay", "--policy", policy, path])
    return _answers[k]


def log_checks(tag, d, log, rc, out, err, want_rc, reason, policy):
    """The invariants after a run that met a full disk: see the module's docstring."""
    bad = []
    if rc != want_rc:
        bad.append(f"exit {rc}, not {want_rc}")
    if want_rc == 2 and not (f"'{log}'" in err and reason in err):
        bad.append(f"stderr does not name the log and '{reason}': {err.strip()}")
    printed = out.splitlines()
    logged = log_decisions(log)
    if logged[: len(printed)] != printed:
        bad.append(f"{len(printed)} decisions printed, not all in the log ({len(logged)} there)")
    vrc, vout = verify(log)
    if vrc not in (0, 3):
        bad.append(f"verify exits {vrc}: {vout}")
    # What the log holds replays: no detach line claims a state holding a record whose
    # decision could not be logged.
    if logged:
        prc, pout, perr = replay(policy, log)
        if prc not in (0, 3) or b"0 differ" not in pout or b"discontinu" in pout or b"another state" in pout:
            bad.append(f"replay exits {prc}: {(pout.decode() + perr).strip()[-300:]}")
    return bad


def main():
    tmp = tempfile.mkdtemp(prefix="fullfs.")
    try:
        cases(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if fails else 0


def cases(tmp):
    p95 = os.path.join(tmp, "p95.govb")
    rc, _, err = run(["build", "-o", p95, "policies/latency_p95"])
    if rc:
        report(False, "build latency_p95", err)
        return
    records = os.path.abspath("policies/latency_p95/records.jsonl")
    lines = open(records, "rb").read().splitlines(keepends=True)

    # ---------------------------------------------------------------- the log, byte limits
    ref = os.path.join(tmp, "ref.log")
    rc, ref_out, err = run(["run", "-p", p95, "--log", ref, "--log-inputs", records])
    report(rc == 0, "a reference log", err)
    data = open(ref, "rb").read()
    ends = [i + 1 for i, c in enumerate(data) if c == 0x0A]
    points = sorted({k for e in [0] + ends for k in (e - 1, e, e + 1) if 0 <= k <= len(data)})
    bad, fullruns = [], 0
    for k in points:
        d = os.path.join(tmp, f"lim{k}")
        os.mkdir(d)
        log = os.path.join(d, "l.log")
        rc, out, err = run(["run", "-p", p95, "--log", log, "--log-inputs", records], limit=k)
        want = 0 if k >= len(data) else 2
        fullruns += want == 0
        b = log_checks("limit", d, log, rc, out, err, want, "File too large", p95)
        # The log stays usable: the next writer appends, and closes it (every 10th point).
        if k % 10 == 0 or b:
            rc2, _, err2 = run(["run", "-p", p95, "--log", log, "--log-inputs", records])
            vrc, vout = verify(log)
            if rc2 != 0 or vrc != 0:
                b.append(f"the next run exits {rc2} ({err2.strip()}), then verify {vrc}: {vout}")
        if b:
            bad.append(f"limit {k} bytes: " + "; ".join(b))
        shutil.rmtree(d)
    report(not bad and fullruns >= 1,
           f"govc run --log with the log's size limited to each of {len(points)} bytes around its {len(ends)} lines "
           f"(of {len(data)}): exit 2 naming the log and why, every printed decision logged, the log verifies and "
           f"replays, and the next run closes it", f"{len(bad)} limits fail:\n" + "\n".join(bad[:4] + bad[-4:]))

    # ---------------------------------------------------------------- the state, byte limits
    # The reference state of the first half, given to an earlier run.
    half = len(lines) // 2
    src = os.path.join(tmp, "prefix.jsonl")
    open(src, "wb").write(b"".join(lines[:half]))
    st = os.path.join(tmp, "refstate")
    run(["run", "-p", p95, "--state", st, src])
    half_state = open(st, "rb").read()
    first = os.path.join(tmp, "first.jsonl")
    second = os.path.join(tmp, "second.jsonl")
    open(first, "wb").write(b"".join(lines[:half]))
    open(second, "wb").write(b"".join(lines[half:]))
    # The second half continues from the first half's state: its saves are the states of
    # half + 10j lines; any of them, or the first half's, may be the file after a failure.
    cont = {}
    for j in sorted(set(range(0, len(lines) - half, 10)) | {len(lines) - half}):
        src = os.path.join(tmp, "part.jsonl")
        open(src, "wb").write(b"".join(lines[half: half + j]))
        s2 = os.path.join(tmp, "cont2")
        open(s2, "wb").write(half_state)
        run(["run", "-p", p95, "--state", s2, src])
        cont[j] = open(s2, "rb").read()
    ok_states = set(cont.values()) | {half_state}
    size = max(len(s) for s in ok_states)
    # A state is written whole to a new temporary file: where the limit falls decides only
    # how much of that file is written (every byte of the 72-byte header, then a spread).
    bad, failed = [], 0
    limits = sorted(set(range(0, 73)) | {4096, size // 2, size - 1, size, size + 1})
    for k in limits:
        d = os.path.join(tmp, f"st{k}")
        os.mkdir(d)
        s = os.path.join(d, "state")
        open(s, "wb").write(half_state)
        rc, out, err = run(["run", "-p", p95, "--state", s, "--state-every", "10", second], limit=k)
        b = []
        got = open(s, "rb").read()
        if rc not in (0, 2):
            b.append(f"exit {rc}")
        if rc == 2:
            failed += 1
            if not (f"'{s}'" in err or "state file" in err) or "File too large" not in err:
                b.append("stderr does not name the state file and the reason")
        if got not in ok_states:
            b.append(f"the state file ({len(got)} bytes) is none of the states a prefix gave")
        if rc == 0 and got != cont[max(cont)]:
            b.append("exit 0 but the state is not the whole input's")
        left = sorted(set(os.listdir(d)) - {"state"})
        if left:
            b.append(f"left behind: {left}")
        rc2, _, err2 = run(["run", "-p", p95, "--state", s, os.devnull])
        if rc2 != 0:
            b.append(f"the state does not load again: {err2.strip()}")
        if b:
            bad.append(f"limit {k}: " + "; ".join(b))
        shutil.rmtree(d)
    report(not bad and failed > 0,
           f"govc run --state --state-every 10 with the file size limited to {len(limits)} sizes from 0 to {size + 1} "
           f"bytes: exit 2 "
           f"naming the state file ({failed} runs), the file is always a whole earlier state that loads, "
           f"no temporary file left", "\n".join(bad[:10]))

    # ---------------------------------------------------------------- a real full file system
    tmpfs_cases(tmp, p95, records, second, half_state, ok_states)


def tmpfs_cases(tmp, p95, records, second, start_state, ok_states):
    """ENOSPC from a small tmpfs in a private mount namespace: everything that touches it
    runs inside (the mount goes with the namespace), and what is left is copied out."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        print("skip - fullfs: a full tmpfs: needs root and unshare(1) to mount one")
        return
    script = r'''
set -u
mnt=$1 out=$2 size=$3 fill=$4; shift 4
mount -t tmpfs -o size=$size tmpfs "$mnt" || exit 97
[ -n "${START:-}" ] && cp "$START" "$mnt/state"
[ "$fill" -gt 0 ] && head -c "$fill" /dev/zero >"$mnt/filler"
"$@" >"$out/stdout" 2>"$out/stderr"
echo $? >"$out/rc"
for f in "$mnt"/*; do [ "$f" = "$mnt/filler" ] || cp -p "$f" "$out/" 2>/dev/null; done
ls -A "$mnt" >"$out/ls"
'''
    cases = [
        # name, tmpfs size, filler bytes, command (M: the mount), start state
        ("the log fills up mid-run", "64k", 0, ["run", "-p", p95, "--log", "M/l.log", "--log-inputs", records], None),
        ("no room for a new log's first line", "4k", 4096, ["run", "-p", p95, "--log", "M/l.log", records], None),
        # (the state is 646 KiB: a second copy, the temporary file, does not fit in 1 MiB)
        ("no room for the state's first save", "1m", 0,
         ["run", "-p", p95, "--state", "M/state", "--state-every", "10", second], start_state),
        ("the log and the state fill up together", "1m", 0,
         ["run", "-p", p95, "--state", "M/state", "--state-every", "10", "--log", "M/l.log", "--log-inputs", second],
         start_state),
    ]
    for i, (name, size, fill, args, start) in enumerate(cases):
        mnt = os.path.join(tmp, f"mnt{i}")
        out = os.path.join(tmp, f"out{i}")
        os.mkdir(mnt)
        os.mkdir(out)
        env = dict(os.environ)
        if start is not None:
            sf = os.path.join(tmp, f"start{i}")
            open(sf, "wb").write(start)
            env["START"] = sf
        cmd = [GOVC] + [a.replace("M/", mnt + "/") for a in args]
        p = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", mnt, out, size, str(fill)] + cmd,
                           env=env, capture_output=True, text=True)
        if p.returncode == 97 or not os.path.exists(os.path.join(out, "rc")):
            report(False, f"tmpfs: {name}: could not mount a tmpfs", p.stderr)
            continue
        rc = int(open(os.path.join(out, "rc")).read())
        stdout = open(os.path.join(out, "stdout"), "rb").read()
        err = open(os.path.join(out, "stderr")).read()
        left = open(os.path.join(out, "ls")).read().split()
        b = []
        log = os.path.join(out, "l.log")
        if "--log" in args:
            b += log_checks("tmpfs", out, log, rc, stdout, err.replace(mnt, out), 2, "No space left on device", p95)
        elif rc != 2 or "No space left on device" not in err:
            b.append(f"exit {rc}, stderr: {err.strip()}")
        if start is not None:
            got = open(os.path.join(out, "state"), "rb").read() if os.path.exists(os.path.join(out, "state")) else None
            if got not in ok_states:
                b.append("the state file is none of the states a prefix gave")
        extra = [f for f in left if f not in ("filler", "l.log", "l.log.lock", "state")]
        if extra:
            b.append(f"left behind: {extra}")
        report(not b, f"tmpfs (ENOSPC): {name}: exit 2 naming the file and 'No space left on device', nothing "
               f"acknowledged lost", "\n".join(b) + "\n" + err)


if __name__ == "__main__":
    sys.exit(main())
