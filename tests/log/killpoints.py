#!/usr/bin/python3
"""killpoints.py GOVC SHIM: a writer recovering a torn log, killed at every point.

tests/log/crash.py kills `govc run` at random moments; this kills the recovery itself
at each of its steps in turn. SHIM (tests/log/killat.c, LD_PRELOAD) makes the Nth call
that changes a file (write, pwrite, ftruncate, fsync, fdatasync, rename) the process's
last: `govc audit recover` is killed after its 1st, 2nd, 3rd ... such call until it
runs to its end. spec/trace.md §9.4: a torn tail is cut off only once a `recover` line
records it, so after every kill
  - the whole lines before the tail are intact;
  - the tail is either still there, byte for byte, or named (offset, length, SHA-256)
    by a `recover` line right after those lines;
  - `govc audit verify` exits 0 or 3 (open), never 1 (corrupt), and the spec's auditor
    agrees;
and a recovery run to its end afterwards leaves a closed log that verifies, whose first
line after the whole lines is the `recover` line naming the original tail.

A new log's creation, killed at each step, then four torn logs: a tail longer than a recover line (a decision line with its inputs, cut),
a tail shorter than one, a tail after a closed writer's `close` line (the new `open`
must say `closed`), and a torn first header (nothing whole before it).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

GOVC = sys.argv[1] if len(sys.argv) > 1 else "build/govc"
SHIM = sys.argv[2] if len(sys.argv) > 2 else "build/tests/log_killat.so"
HERE = os.path.dirname(os.path.abspath(__file__))
fails = 0


def report(ok, name, detail=""):
    global fails
    print(("ok - " if ok else "not ok - ") + name)
    if not ok:
        fails += 1
        for l in str(detail).splitlines()[:12]:
            print("# " + l)


def verify(log):
    v = subprocess.run([GOVC, "audit", "verify", log], capture_output=True, text=True)
    a = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "auditor.py"), log], capture_output=True, text=True)
    return v, a


def first_after(data, at):
    """The first whole line of data from byte `at` on, parsed; at the start of a file, the
    first line after its header (a torn first header is recorded after the new one)."""
    out = []
    for l in data[at:].split(b"\n")[:-1]:
        try:
            out.append(json.loads(l))
        except ValueError:
            out.append(None)
    if at == 0 and out and out[0] and out[0].get("type") == "file":
        out = out[1:]
    return out[0] if out else None


def records(line, want):
    return bool(line) and line.get("type") == "recover" and all(line.get(f) == v for f, v in want.items())


def killed(cmd, fresh, bad):
    """`govc audit CMD LOG` on a fresh LOG (fresh(k)) killed after its kth call that
    changes a file, k = 1, 2, ...: yields (k, LOG) for each kill, and stops at the first
    k the command runs to its end (an exit other than 0 then goes to bad)."""
    env = dict(os.environ, LD_PRELOAD=SHIM)
    # ASan's runtime must otherwise come first among preloaded libraries.
    env["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":")
    for k in range(1, 401):
        log = fresh(k)
        env["GOV_KILL_AFTER"] = str(k)
        p = subprocess.run([GOVC, "audit", cmd, log], env=env, capture_output=True, text=True)
        if p.returncode != -9:
            if p.returncode != 0:
                bad.append(f"kill point {k}: {cmd} exited {p.returncode}: {p.stderr.strip()}")
            return
        yield k, log


def case(name, base, tmp):
    data = open(base, "rb").read() if base else b""
    whole = data[: data.rfind(b"\n") + 1]
    tail = data[len(whole):]
    want = {"torn_offset": len(whole), "torn_bytes": len(tail), "torn_sha256": hashlib.sha256(tail).hexdigest()}
    def fresh(k):
        log = os.path.join(tmp, f"{name}.{k}.log")
        if base:
            shutil.copyfile(base, log)
        return log

    bad, kills = [], 0
    for k, log in killed("recover", fresh, bad):
        kills += 1
        got = open(log, "rb").read()
        rest = got[len(whole):]
        if not got.startswith(whole):
            bad.append(f"kill point {k}: the whole lines before the tail changed")
        else:
            if tail and rest != tail and not records(first_after(got, len(whole)), want):
                bad.append(f"kill point {k}: the tail is gone and no recover line records it "
                           f"({len(rest)} bytes after the whole lines)")
        v, a = verify(log)
        if v.returncode not in (0, 3):
            bad.append(f"kill point {k}: verify exits {v.returncode}: {(v.stdout + v.stderr).strip()}")
        if a.returncode != v.returncode:
            bad.append(f"kill point {k}: the auditor exits {a.returncode}, govc {v.returncode}: {a.stdout.strip()}")
        # Then a recovery that runs to its end.
        r = subprocess.run([GOVC, "audit", "recover", log], capture_output=True, text=True)
        v, a = verify(log)
        got = open(log, "rb").read()
        first = first_after(got, len(whole))
        if r.returncode != 0 or v.returncode != 0 or "closed" not in v.stdout or a.returncode != 0:
            bad.append(f"kill point {k}, then recovered: recover {r.returncode}, verify {v.returncode}, "
                       f"auditor {a.returncode}: {(r.stderr + v.stdout + v.stderr).strip()}")
        elif tail and not records(first, want):
            bad.append(f"kill point {k}, then recovered: the first line after the whole lines is "
                       f"{json.dumps(first) if first else 'not a recover line'}")
    if not base:
        report(kills > 0 and not bad, f"{name}: a new log's creation killed at each of its {kills} steps, then "
               "recovered: the log verifies each time", "\n".join(bad))
        return
    report(kills > 0 and not bad,
           f"{name}: a torn tail of {len(tail)} bytes after {len(whole)} bytes, recovery killed at each of its "
           f"{kills} steps: the tail is kept or recorded, the log verifies each time", "\n".join(bad))


def log_files(log):
    d, b = os.path.dirname(log), os.path.basename(log)
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f in (b, b + ".next") or (f.startswith(b + ".") and f[len(b) + 1:].isdigit()))


def rotation(base, tmp):
    """`govc audit rotate` killed at each step: the files verify together each time, and
    the next writer finishes the rotation; no decision line is lost or doubled."""
    want = open(base, "rb").read().count(b'"type":"decision"')
    def fresh(k):
        d = os.path.join(tmp, f"rot{k}")
        os.mkdir(d)
        log = os.path.join(d, "r.log")
        shutil.copyfile(base, log)
        return log

    bad, kills = [], 0
    for k, log in killed("rotate", fresh, bad):
        kills += 1
        for step in ("killed", "then opened by the next writer"):
            files = log_files(log)
            v = subprocess.run([GOVC, "audit", "verify"] + files, capture_output=True, text=True)
            a = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "auditor.py")] + files, capture_output=True,
                               text=True)
            n = sum(open(f, "rb").read().count(b'"type":"decision"') for f in files)
            if v.returncode not in (0, 3) or a.returncode != v.returncode or n != want:
                bad.append(f"kill point {k}, {step}: verify {v.returncode}, auditor {a.returncode}, {n} decision "
                           f"lines of {want}: {(v.stdout + v.stderr).strip()}")
            if step == "killed":
                r = subprocess.run([GOVC, "audit", "recover", log], capture_output=True, text=True)
                if r.returncode != 0:
                    bad.append(f"kill point {k}: the next writer fails: {r.stderr.strip()}")
    report(kills > 0 and not bad, f"rotation killed at each of its {kills} steps: the files verify together and the "
           "next writer finishes it, every decision line kept once", "\n".join(bad))


def rechain(lines, start):
    """Recompute the digests and prev links of lines[start:] (a forger's rewrite)."""
    prev = json.loads(lines[start - 1])["sha256"]
    for i in range(start, len(lines)):
        o = json.loads(lines[i])
        o["prev"] = prev
        del o["sha256"]
        body = json.dumps(o, separators=(",", ":")).encode()
        prev = hashlib.sha256(body[:-1]).hexdigest()
        lines[i] = body[:-1] + b',"sha256":"' + prev.encode() + b'"}'
    return lines


def forged_second_recover(tmp):
    """A log with two recover lines (recovery killed before its cut, then run again),
    its second one altered to name other bytes and the chain recomputed: both verifiers
    refuse it, while the log as written verifies."""
    log = os.path.join(tmp, "long-tail.1.log")
    data = open(log, "rb").read()
    lines = data.split(b"\n")[:-1]
    rec = [i for i, l in enumerate(lines) if b'"type":"recover"' in l]
    report(len(rec) == 2 and rec[1] == rec[0] + 1, "recovery killed before its cut, then run again: two recover "
           "lines in a row", f"recover lines at {rec}")
    if len(rec) != 2:
        return
    v, a = verify(log)
    report(v.returncode == 0 and a.returncode == 0, "the log with two recover lines verifies (govc and the auditor)",
           v.stdout + v.stderr + a.stdout)
    for what, field, delta in (("a longer rest", "torn_bytes", 1), ("another offset", "torn_offset", -1)):
        ls = list(lines)
        o = json.loads(ls[rec[1]])
        o[field] += delta
        ls[rec[1]] = json.dumps(o, separators=(",", ":")).encode()
        ls = rechain(ls, rec[1])
        bad = os.path.join(tmp, "forged.log")
        open(bad, "wb").write(b"\n".join(ls) + b"\n")
        v, a = verify(bad)
        report(v.returncode == 1 and "does not name the rest" in v.stdout + v.stderr and a.returncode == 1,
               f"a second recover line naming {what} is refused by govc and the auditor",
               f"govc {v.returncode}: {v.stdout}{v.stderr}auditor {a.returncode}: {a.stdout}")


def main():
    tmp = tempfile.mkdtemp()
    pol = os.path.join(tmp, "loan.govb")
    subprocess.run([GOVC, "build", "-o", pol, "policies/loan_underwriting"], check=True, capture_output=True)
    full = os.path.join(tmp, "full.log")
    subprocess.run([GOVC, "run", "-p", pol, "--log", full, "--log-inputs",
                    "policies/loan_underwriting/events.jsonl"], check=True, capture_output=True)
    data = open(full, "rb").read()
    ls = data.split(b"\n")[:-1]
    # The last decision line, its inputs and all, cut in its middle: the lines after it go.
    di = max(i for i, l in enumerate(ls) if b'"type":"decision"' in l)
    long_tail = b"\n".join(ls[:di]) + b"\n" + ls[di][: len(ls[di]) * 2 // 3]
    short_tail = b"\n".join(ls[:di]) + b"\n" + ls[di][:40]
    after_close = data + ls[di][:300]
    header = ls[0][:45]
    made = {"long-tail": long_tail, "short-tail": short_tail, "after-close": after_close, "torn-header": header}
    case("new-log", None, tmp)
    for name, b in made.items():
        path = os.path.join(tmp, name + ".base")
        open(path, "wb").write(b)
        case(name, path, tmp)
    forged_second_recover(tmp)
    rotation(full, tmp)
    shutil.rmtree(tmp)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
