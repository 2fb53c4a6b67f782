#!/usr/bin/env python3
"""jsonl.py: issue 19's JSONL row, `govc run -p POLICY RECORDS.jsonl > /dev/null` on the
bench's 50-rule policy and records (gen.py, seed 11), measured so that wall clock, CPU
time and the time spent waiting for a core can be told apart. Part of `make bench`
(`make bench-jsonl` alone); bounded to seconds of CPU.

Each timed run is one process, started and waited for here: its wall time (start to
exit), its user and system CPU time (wait4's rusage: what `perf stat`'s task-clock
counts), and, from /proc/PID/schedstat read while the exited process is still a zombie,
the time it sat runnable on a run queue waiting for a core. On an idle core wall =
CPU + waiting for I/O; on a shared machine the run-queue wait is the difference, and
records / (wall - run-queue wait) is what the process does when it has a core. The
median of each is printed with the load average before and after.

Instructions come from callgrind (independent of the load): the whole process over
5,000 records minus the same process over an empty input (process start and policy
load), per record, split by phase: reading lines (govc_lines_next), decoding
(govJ_decode), evaluating (gov_eval_json minus decoding), rendering the decision JSON
(gov_decision_json), and writing with the rest of the loop (user space only: the system
calls' cost is in the system CPU time).

hyperfine and perf are used when installed (their medians and task-clock beside ours).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 11


def gen(*args):
    r = subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), *args], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"bench-jsonl: gen.py {' '.join(args)}: {r.stderr}")


def one_run(cmd):
    """Run cmd with stdout to /dev/null: (wall s, user s, sys s, run-queue wait s or
    None, involuntary context switches)."""
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE)
        # Wait for the exit without reaping: /proc/PID/schedstat still holds the totals.
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
        wall = time.perf_counter() - t0
        wait = None
        try:
            with open(f"/proc/{p.pid}/schedstat") as f:
                wait = int(f.read().split()[1]) / 1e9
        except (OSError, ValueError, IndexError):
            pass
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    if p.returncode != 0:
        sys.exit(f"bench-jsonl: {' '.join(cmd)} exited {p.returncode}: {err}")
    return wall, ru.ru_utime, ru.ru_stime, wait, ru.ru_nivcsw


def timed(cmd, reps):
    runs = [one_run(cmd) for _ in range(reps)]
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    waits = [r[3] for r in runs if r[3] is not None]
    return {"wall": med(0), "user": med(1), "sys": med(2), "cpu": statistics.median(r[1] + r[2] for r in runs),
            "wait": statistics.median(waits) if waits else None,
            "busy": statistics.median(r[0] - r[3] for r in runs) if waits else None,
            "nivcsw": med(4)}


def hyperfine(cmd, reps):
    """hyperfine's median wall time in s, or None without hyperfine."""
    if not shutil.which("hyperfine"):
        return None
    out = "/tmp/bench-jsonl-hf-%d.json" % os.getpid()
    line = " ".join(cmd) + " > /dev/null"
    r = subprocess.run(["hyperfine", "-N" if ">" not in line else "--shell=sh", "--runs", str(reps), "--warmup", "1",
                        "--export-json", out, line], capture_output=True, text=True)
    try:
        import json
        with open(out) as f:
            return json.load(f)["results"][0]["median"]
    except (OSError, KeyError, IndexError, ValueError):
        return None
    finally:
        if os.path.exists(out):
            os.unlink(out)
        del r


def perf_task_clock(cmd, reps):
    """perf stat's task-clock in s, the mean of reps runs, or None (no perf, or not
    permitted)."""
    if not shutil.which("perf"):
        return None
    r = subprocess.run(["perf", "stat", "-r", str(reps), "-x,", "-e", "task-clock", "--", *cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    m = re.search(r"^([\d.]+),msec,task-clock", r.stderr, re.M)
    return float(m.group(1)) / 1000 if m else None


def callgrind(cmd, outfile):
    """{function: inclusive instructions} and the total, for cmd under callgrind."""
    r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={outfile}", *cmd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected : (\d+)", r.stderr)
    if not m:
        return None, {}
    a = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", outfile], capture_output=True,
                       text=True).stdout
    fns = {}
    for line in a.splitlines():
        mm = re.match(r"^\s*([\d,]+) \([ \d.]+%\)\s+\S*?:(\w+) \[", line)
        if mm:
            fns.setdefault(mm.group(2), int(mm.group(1).replace(",", "")))
    return int(m.group(1)), fns


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--records", type=int, default=200000, help="records of the timed runs")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--cg-records", type=int, default=5000)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.records, a.reps, a.cg_records = 20000, 1, 500
    os.makedirs(a.out, exist_ok=True)
    govc = os.path.join(a.build, "govc")
    pol, polb = f"{a.out}/jsonl_50.gov", f"{a.out}/jsonl_50.govb"
    rec, reccg, empty = f"{a.out}/jsonl_{a.records}.jsonl", f"{a.out}/jsonl_{a.cg_records}.jsonl", f"{a.out}/jsonl_0.jsonl"
    gen("policy", "50", pol)
    r = subprocess.run([govc, "build", "-o", polb, pol], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"bench-jsonl: govc build: {r.stderr}")
    for n, path in ((a.records, rec), (a.cg_records, reccg)):
        if not os.path.exists(path):
            gen("records", str(n), str(SEED), path)
    open(empty, "w").close()
    cmd = [govc, "run", "-p", polb, rec]

    L = []
    load0 = os.getloadavg()
    one_run(cmd)  # the records into the page cache
    t = timed(cmd, a.reps)
    t0 = timed([govc, "run", "-p", polb, empty], a.reps)
    hf = hyperfine(cmd, a.reps)
    pc = perf_task_clock(cmd, a.reps)
    load1 = os.getloadavg()
    n = a.records
    rps = lambda s: "-" if not s else f"{n / s:,.0f}"  # noqa: E731
    L.append(f"`govc run -p 50_rules.govb` over {n:,} records (seed {SEED}) to /dev/null, median of {a.reps} runs, "
             f"load average {load0[0]:.2f} before, {load1[0]:.2f} after ({os.cpu_count()} CPUs):")
    L.append("")
    L.append("| measure | seconds | records/s |")
    L.append("|---|--:|--:|")
    L.append(f"| wall clock | {t['wall']:.3f} | {rps(t['wall'])} |")
    if hf:
        L.append(f"| wall clock, hyperfine median | {hf:.3f} | {rps(hf)} |")
    L.append(f"| CPU time (user {t['user']:.3f} + system {t['sys']:.3f}) | {t['cpu']:.3f} | {rps(t['cpu'])} |")
    if pc:
        L.append(f"| perf stat task-clock (mean of {a.reps}) | {pc:.3f} | {rps(pc)} |")
    if t["wait"] is not None:
        L.append(f"| waiting on a run queue for a core (/proc/PID/schedstat) | {t['wait']:.3f} | |")
        L.append(f"| wall clock minus that wait | {t['busy']:.3f} | {rps(t['busy'])} |")
    L.append(f"| process start, policy load and exit alone (empty input): wall / CPU | "
             f"{t0['wall']:.4f} / {t0['cpu']:.4f} | |")
    L.append("")
    L.append(f"Involuntary context switches a run (median): {t['nivcsw']:,.0f}.")

    if shutil.which("valgrind"):
        cgf = f"{a.out}/jsonl.callgrind"
        tot, fns = callgrind([govc, "run", "-p", polb, reccg], cgf)
        tot0, _ = callgrind([govc, "run", "-p", polb, empty], cgf)
        if tot and tot0:
            m = a.cg_records
            per = (tot - tot0) / m
            g = lambda f: fns.get(f, 0) / m  # noqa: E731
            phases = [("read lines (govc_lines_next)", g("govc_lines_next")),
                      ("decode (govJ_decode)", g("govJ_decode")),
                      ("evaluate (gov_eval_json minus decoding)", g("gov_eval_json") - g("govJ_decode")),
                      ("render the decision JSON (gov_decision_json)", g("gov_decision_json"))]
            rest = per - sum(v for _, v in phases)
            L.append("")
            L.append(f"Instructions a record (callgrind, the whole process over {m:,} records minus over an empty "
                     f"input; start and load: {tot0:,}):")
            L.append("")
            L.append("| phase | instructions a record |")
            L.append("|---|--:|")
            for name, v in phases:
                L.append(f"| {name} | {v:,.0f} |")
            L.append(f"| write, and the rest of the loop (system calls not counted: see the system CPU time) "
                     f"| {rest:,.0f} |")
            L.append(f"| **total** | **{per:,.0f}** |")
        if os.path.exists(cgf):
            os.unlink(cgf)
    text = "\n".join(L)
    print(text)
    with open(f"{a.out}/jsonl.md", "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
