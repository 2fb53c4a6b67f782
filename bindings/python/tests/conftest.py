"""Test setup: the package from this tree, the libraries from the build (GOV_BUILD,
default build/), and one line per test case for tests/run.sh ("ok - NAME", "not ok -
NAME", "skip - NAME: reason") written to $GOV_TAP."""
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD = os.path.abspath(os.path.join(ROOT, os.environ.get("GOV_BUILD", "build")))
os.environ.setdefault("GOV_LIBDIR", BUILD)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.chdir(ROOT)   # policies/ and tests/ paths are relative to the top of the tree

_tap = os.environ.get("GOV_TAP")

GOVC = os.path.join(BUILD, "govc")
POLICIES = sorted(d.rstrip("/") for d in glob.glob("policies/*/"))   # the examples


def govc(*args):
    """The native govc of the build with args: its CompletedProcess (text)."""
    return subprocess.run([GOVC, *args], capture_output=True, text=True)


def govc_run(policy, path, host=None, *opts):
    """Native `govc run OPTS -p POLICY PATH` (with --host-lib HOST when given), which must
    exit 0 or 1: its output lines (bytes that are not UTF-8 kept as surrogates)."""
    cmd = [GOVC, "run", *opts, "-p", policy, path]
    if host:
        cmd[2:2] = ["--host-lib", host]
    r = subprocess.run(cmd, capture_output=True)
    assert r.returncode in (0, 1), r.stderr
    return r.stdout.decode("utf-8", "surrogateescape").splitlines()


def run_typed(vm, lines):
    """An event stream (JSON lines) through the typed event calls: approve, reject, ack
    and tick by their arguments, records through evaluate with their line number. The
    decisions, one per line (test_vm and test_log both drive the loan stream this way)."""
    out = []
    for n, line in enumerate(lines, 1):
        ev = json.loads(line)
        t = ev.get("type", "record")
        if t == "approve":
            d = vm.approve(ev["gate_id"], ev["by"], ev["at"])
        elif t == "reject":
            d = vm.reject(ev["gate_id"], ev["by"], ev["at"])
        elif t == "ack":
            d = vm.ack(ev["escalation_id"], ev["by"], ev["at"])
        elif t == "tick":
            d = vm.tick(ev["at"])
        else:
            d = vm.evaluate(ev, n)
        out.append(d)
    return out


def pytest_runtest_logreport(report):
    if not _tap:
        return
    ffi = os.environ.get("GOV_PY_FFI") or "best"
    name = report.nodeid.replace("bindings/python/tests/", f"python ({ffi} hot path): ")
    line = None
    if report.when == "call":
        line = f"ok - {name}" if report.passed else (f"not ok - {name}" if report.failed else None)
        if report.skipped:
            line = f"skip - {name}: {report.longrepr[2] if isinstance(report.longrepr, tuple) else 'skipped'}"
    elif report.failed:
        line = f"not ok - {name} ({report.when})"
    elif report.skipped and report.when == "setup":
        line = f"skip - {name}: {report.longrepr[2] if isinstance(report.longrepr, tuple) else 'skipped'}"
    if line:
        with open(_tap, "a") as f:
            f.write(line + "\n")
            if report.failed:
                for ln in str(report.longrepr).splitlines()[-30:]:
                    f.write(f"#   {ln}\n")
