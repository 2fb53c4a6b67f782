#!/usr/bin/python3
"""bench.py: the Python binding's cost per decision against the C API (make bench).

    /usr/bin/python3 bindings/python/bench.py --build build [--out build/bench] [--seconds 3]

For each program (policies/support on the bench's generated std/agent_run records, and
the generated 50-rule policy when make bench made it): evalbench (tests/bench/evalbench.c)
times gov_eval_json in C, and this script times VM.evaluate (thread CPU time) on the same records, given as
a dict and as the JSON line (str), through the hot path the package picks (the compiled
extension when make python built it; GOV_PY_FFI=cffi or ctypes picks another). Batches of 1,000 records,
the median of the per-batch averages, as evalbench reports. The overhead is Python's
median minus C's. Then where one dict evaluation's time goes, piece by piece. Figures go
to stdout and OUT/python.md. Timings, never asserted.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def batches(fn, recs, seconds):
    """Median and p99 of per-batch averages (ns per call), batches of 1,000 calls, in the
    thread's CPU time: on a shared machine a batch of Python calls is long enough to be
    preempted, which wall time would count (evalbench's C batches are 20 times shorter)."""
    n = len(recs)
    per = []
    i = 0
    t_end = time.perf_counter() + seconds
    while time.perf_counter() < t_end or len(per) < 5:
        t0 = time.thread_time_ns()
        for _ in range(1000):
            fn(recs[i % n])
            i += 1
        per.append((time.thread_time_ns() - t0) / 1000)
    per.sort()
    return statistics.median(per), per[min(len(per) - 1, int(len(per) * 0.99))]


def c_json_p50(evalbench, govb, records, mode="json"):
    r = subprocess.run([evalbench, "-m", mode, "-t", "1000", govb, records], capture_output=True, text=True)
    m = re.search(r"^time " + mode + r" .*?p50=([\d.]+)", r.stdout, re.M)
    if r.returncode or not m:
        sys.exit(f"bench.py: evalbench failed: {r.stdout} {r.stderr}")
    return float(m.group(1))


CHILD = """
import json, sys
sys.path.insert(0, sys.argv[4])
import gov
import gov._fast
assert gov._fast.which() == sys.argv[5], (gov._fast.which(), sys.argv[5])
mode, n = sys.argv[1], int(sys.argv[2])
lines = open(sys.argv[3], encoding="utf-8").read().splitlines()[:2000]
recs = [json.loads(x) for x in lines] if mode != "str" else lines
if mode == "typed":
    recs = [{"tenant": r["tenant"], "project": r["project"], "workflow": r["workflow"], "agent": r["agent"],
             "run_id": r["run_id"], "at": gov.to_ns(r["at"]), "latency": r["latency_ms"] * 1_000_000,
             "cost": round(r["cost_usd"] * 1_000_000), "tokens": r["tokens"], "accuracy": r["quality_score"],
             "error": r["error"], "action": r["action"]} for r in recs]
vm = gov.VM(gov.Policy.compile("policies/support"))
ev = vm.evaluate_fields if mode == "typed" else vm.evaluate
for r in recs[:300]:
    ev(r)
for i in range(n):
    ev(recs[i % len(recs)])
"""


def callgrind_section(B, O, records, paths):
    """Instructions per evaluate() (callgrind, independent of the machine's load): the
    whole process with N evaluations minus the same with none, against libgov's own
    gov_eval_json and gov_decision_json inside them, for each hot path (GOV_PY_FFI)."""
    import shutil
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        return ["", "(no valgrind: instruction counts skipped)"]
    child = os.path.join(O, "py_cg_child.py")
    with open(child, "w") as f:
        f.write(CHILD)
    n = 4000
    rows = ["", "Instructions per decision (callgrind; policies/support on the bench records; the "
            "benchmark loop's own Python included):", "",
            "| hot path | input | Python evaluate() | libgov gov_eval_json / gov_eval | libgov gov_decision_json | "
            "the binding's own (the rest) |", "|---|---|--:|--:|--:|--:|"]
    for ffi, mode in paths:
        env = dict(os.environ, GOV_LIBDIR=B, GOV_PY_FFI=ffi)
        tot = {}
        for k in (0, n):
            outf = os.path.join(O, f"py_cg_{ffi}_{mode}_{k}.out")
            r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={outf}", sys.executable, child,
                                mode, str(k), records, os.path.join(ROOT, "bindings", "python"), ffi],
                               capture_output=True, text=True, env=env, cwd=ROOT)
            m = re.search(r"Collected : (\d+)", r.stderr)
            if r.returncode or not m:
                return ["", f"(callgrind failed: {r.stderr[-300:]})"]
            tot[k] = int(m.group(1))
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", outf],
                             capture_output=True, text=True).stdout

        def incl(fn):
            m = re.search(r"^\s*([\d,]+) \([^)]*\)\s+\S*:" + fn + r" \[", ann, re.M)
            return int(m.group(1).replace(",", "")) if m else 0
        calls = n + 300
        per = (tot[n] - tot[0]) / n
        ev, js = (incl("gov_eval_json") + incl("gov_eval")) / calls, incl("gov_decision_json") / calls
        rows.append(f"| {ffi} | {mode} | {per:,.0f} | {ev:,.0f} | {js:,.0f} | {per - ev - js:,.0f} |")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default=None)
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    B = os.path.abspath(a.build)
    O = a.out or os.path.join(B, "bench")
    os.environ.setdefault("GOV_LIBDIR", B)
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    import gov
    import gov._fast as F
    import gov.vm as V

    os.makedirs(O, exist_ok=True)
    records = os.path.join(O, "records.jsonl")
    if not os.path.exists(records):
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/bench/gen.py"), "records", "20000", "11", records],
                       check=True)
    lines = open(records, encoding="utf-8").read().splitlines()[:5000]
    dicts = [json.loads(x) for x in lines]
    evalbench = os.path.join(O, "evalbench")
    progs = [("policies/support", os.path.join(ROOT, "policies/support"))]
    rules50 = os.path.join(O, "rules_50.gov")
    if not os.path.exists(rules50):
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/bench/gen.py"), "policy", "50", rules50], check=True)
    progs.append(("50 rules", rules50))

    out = [f"load average {os.getloadavg()[0]:.2f} at start; Python {sys.version.split()[0]} "
           f"(hot path through {F.which()}) "
           f"({sys.executable}); {len(lines):,} records, {a.seconds:g} s per figure", "",
           "| policy | C gov_eval_json p50 ns | evaluate(dict) p50 / p99 ns | overhead ns | "
           "evaluate(str) p50 / p99 ns | overhead ns |", "|---|--:|--:|--:|--:|--:|"]
    for name, src in progs:
        pol = gov.Policy.compile(src)
        govb = os.path.join(O, "py_" + re.sub(r"[^a-z0-9]+", "_", name) + ".govb")
        with open(govb, "wb") as f:
            f.write(pol.bytes)
        c = c_json_p50(evalbench, govb, records)
        vm = gov.VM(pol)
        for r in dicts[:2000]:   # warm-up; and decisions must agree with the str path
            vm.evaluate(r)
        d50, d99 = batches(vm.evaluate, dicts, a.seconds)
        s50, s99 = batches(vm.evaluate, lines, a.seconds)
        out.append(f"| {name} | {c:,.0f} | {d50:,.0f} / {d99:,.0f} | {d50 - c:,.0f} | "
                   f"{s50:,.0f} / {s99:,.0f} | {s50 - c:,.0f} |")
        print(f"bench.py: {name}: C {c:.0f} ns, dict {d50:.0f} ns, str {s50:.0f} ns", flush=True)

    # The typed entry point: evaluate_fields against gov_record_begin/gov_set_*/gov_eval in C
    # (evalbench -m typed), policies/support (std/agent_run's fields, canonical units).
    def typed_of(r):
        return {"tenant": r["tenant"], "project": r["project"], "workflow": r["workflow"], "agent": r["agent"],
                "run_id": r["run_id"], "at": gov.to_ns(r["at"]), "latency": r["latency_ms"] * 1_000_000,
                "cost": round(r["cost_usd"] * 1_000_000), "tokens": r["tokens"], "accuracy": r["quality_score"],
                "error": r["error"], "action": r["action"]}
    typed = [typed_of(r) for r in dicts]
    pol = gov.Policy.compile("policies/support")
    c = c_json_p50(evalbench, os.path.join(O, "py_policies_support.govb"), records, "typed")
    vm = gov.VM(pol)
    for r in typed[:2000]:
        vm.evaluate_fields(r)
    t50, t99 = batches(vm.evaluate_fields, typed, a.seconds)
    out += ["", "The typed entry point (policies/support, fields in canonical units):", "",
            "| C gov_record_begin/gov_set_*/gov_eval p50 ns | evaluate_fields p50 / p99 ns | overhead ns |",
            "|--:|--:|--:|", f"| {c:,.0f} | {t50:,.0f} / {t99:,.0f} | {t50 - c:,.0f} |"]
    print(f"bench.py: typed: C {c:.0f} ns, evaluate_fields {t50:.0f} ns", flush=True)

    # Where the time of one evaluate(dict) goes (policies/support, the same records).
    vm = gov.VM(gov.Policy.compile("policies/support"))
    data = [V._encode(r).encode() for r in dicts]
    if vm._core is not None:
        core = vm._core
        parts = [
            ("the JSON text of the dict, by the Python json encoder the other paths use",
             lambda r: V._encode(r).encode(), dicts),
            ("the JSON text of the dict, written in C by the extension", core.encode, dicts),
            ("the extension's evaluate(dict): the text, gov_eval_json, a Decision without JSON",
             lambda r: core.evaluate(r, 0), dicts),
            ("the same and the decision's JSON asked for (d.json)", lambda r: core.evaluate(r, 0).json, dicts),
            ("the whole evaluate(dict)", vm.evaluate, dicts),
        ]
    else:
        parts = [
            ("the JSON text of the dict (json C encoder) and its UTF-8 bytes", lambda r: V._encode(r).encode(), dicts),
            (f"gov_eval_json_summary through {F.which()} (C work included)",
             lambda b: vm._eval(vm._vmh, b, len(b), 0, vm._buf, vm._outcap, vm._fst), data),
            ("the decision's JSON copied out as bytes", lambda b: vm._unpack(vm._buf, vm._fst.len), data),
            ("a Decision object", lambda b: V.Decision("allow", 0, "x"), data),
            ("the whole evaluate(dict)", vm.evaluate, dicts),
        ]
    out += ["", "Where evaluate(dict) spends its time (policies/support):", "",
            "| piece | p50 ns |", "|---|--:|"]
    for label, fn, xs in parts:
        p50, _ = batches(fn, xs, a.seconds / 2)
        out.append(f"| {label} | {p50:,.0f} |")
    paths = [("ext", "dict"), ("ext", "str"), ("ext", "typed"), ("cffi", "dict")] if F.which() == "ext" else \
        [(F.which(), m) for m in ("dict", "str", "typed")]
    out += callgrind_section(B, O, records, paths)
    out.append(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    text = "\n".join(out) + "\n"
    print(text)
    with open(os.path.join(O, "python.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
