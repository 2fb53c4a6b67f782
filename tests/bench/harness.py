#!/usr/bin/env python3
"""harness.py BUILD: checks of evalbench's per-single-record measurement (issue 19), on a
few hundred generated records, so `make test` keeps the method honest:

- per record: `evalbench -p 1 -c N` under callgrind (--dump-after=eval_one
  --combine-dumps=yes) gives one profile part per record, and the parts add up to what
  run.py's count of the same records after the same warm-up gives (run_typed), within
  the loop's own few instructions a record;
- run.py's callgrind() reports the simulated 4 MiB last level's misses (valgrind says
  what it simulated in its -v output; the warning line read before took the host's L3);
- `evalbench -1 4N -H 2 -o FILE` times every record twice as the bench holds it and
  twice held, writes one line per timing, takes no page fault in the timed loop, and its
  per-record least percentiles are at most the plain ones.
Prints "ok - NAME" / "not ok - NAME" / "skip - NAME: reason" per check; exits 1 on a failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402  (tests/bench/run.py: callgrind() as make bench uses it)

N = 400
fails = 0


def check(name, cond, detail=""):
    global fails
    print(f"{'ok' if cond else 'not ok'} - {name}" + ("" if cond else f": {detail}"))
    fails += not cond


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    evalb, govc = f"{build}/bench/evalbench", f"{build}/govc"
    tmp = tempfile.mkdtemp(prefix="govbench.")
    try:
        rec, gov, govb = f"{tmp}/records.jsonl", f"{tmp}/rules_50.gov", f"{tmp}/rules_50.govb"
        for args in (["records", str(N), "11", rec], ["policy", "50", gov]):
            subprocess.run([sys.executable, f"{HERE}/gen.py", *args], check=True)
        subprocess.run([govc, "build", "-o", govb, gov], check=True, capture_output=True)

        # -1 -H 2 -o: every record timed four times, two each way.
        out = f"{tmp}/singles.txt"
        r = subprocess.run([evalb, "-m", "typed", "-t", "20", "-1", str(4 * N), "-H", "2", "-o", out, govb, rec],
                           capture_output=True, text=True)
        lines = [l.split() for l in open(out)] if r.returncode == 0 and os.path.exists(out) else []
        ways = {}
        for i, _, h in lines:
            ways.setdefault(int(i), []).append(int(h))
        check("singles: one line per timing", len(lines) == 4 * N, f"{len(lines)} lines, exit {r.returncode}")
        check("singles: every record timed twice not held and twice held",
              len(ways) == N and all(sorted(v) == [0, 0, 1, 1] for v in ways.values()),
              f"{len(ways)} records")
        res = run.parse(r.stdout)
        t, h = res.get("single typed"), res.get("single held")
        check("singles: both ways reported", bool(t and h), r.stdout)
        if t and h:
            check("singles: each record's least is at most the plain percentiles",
                  all(float(x[f"least_{q}"]) <= float(x[q]) for x in (t, h) for q in ("p50", "p99", "p999")), str(t))

        # 80,000 timings: the per-timing arrays (1 MB) are mmap'd; faulted in before the
        # timed loop, not in it (250 faults if they were not; the kernel may add a few).
        r = subprocess.run([evalb, "-m", "typed", "-t", "20", "-1", "80000", "-H", "2", "-o", f"{tmp}/big.txt", govb,
                            rec], capture_output=True, text=True)
        t = run.parse(r.stdout).get("single typed")
        check("singles: the bench's own arrays take no page fault in the timed loop",
              bool(t) and float(t["minflt"]) < 50, r.stdout)

        if not shutil.which("valgrind"):
            print("skip - per record: valgrind not installed")
            print("skip - callgrind(): valgrind not installed")
            return
        # Per record: one part per record, adding up to run_typed's count.
        cg = f"{tmp}/per_record.callgrind"
        r = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=eval_one", "--dump-after=eval_one",
                            "--combine-dumps=yes", "--dump-instr=no", f"--callgrind-out-file={cg}", evalb, "-m",
                            "typed", "-p", "1", "-c", str(N), govb, rec], capture_output=True, text=True)
        parts = []
        if os.path.exists(cg):
            parts = [int(l.split()[1]) for l in open(cg) if l.startswith("totals:")]
        parts = [p for p in parts if p]
        check("per record: one profile part per record", len(parts) == N, f"{len(parts)} parts, exit {r.returncode}")
        whole = run.callgrind([evalb, "-m", "typed", govb, rec], "run_typed", N, cache=False)
        if parts and whole:
            each = sum(parts) / len(parts)
            check("per record: the parts add up to run_typed's count of the same records",
                  0 <= whole[0] - each <= 20, f"{each:.1f} a record against {whole[0]:.1f}")
        # callgrind(): the 4 MiB last level's misses are reported.
        c = run.callgrind([evalb, "-m", "typed", govb, rec], "run_typed", 100)
        check("callgrind(): last-level misses of the simulated 4 MiB cache reported", bool(c) and c[1] is not None,
              str(c))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(1 if fails else 0)
