"""Threads: the GIL is released while libgov evaluates, one VM per thread gives the same
decisions as one thread, and a VM used by two threads at once refuses rather than
corrupting itself. No timing is asserted: the GIL test is a handshake that deadlocks
(and faulthandler ends the process) if evaluation held the GIL."""
import ctypes
import faulthandler
import os
import threading

import pytest

import gov
from conftest import BUILD

BLOCKER = os.path.join(BUILD, "tests", "py_blocker.so")
POLICY = """policy blocker
record run { fds: int }
extern fn gov_test_block(fds: int) -> int
rule released { when gov_test_block(run.fds) > 0 }
"""


def test_the_gil_is_released_while_evaluating():
    """Thread T evaluates a record whose host function (C, in py_blocker.so) signals that
    it has started and then waits in read(2) for a byte. The main thread then runs Python
    code (builds a string, evaluates on its own VM) and only then writes the byte. If
    evaluate held the GIL, the main thread could not run and the test would hang."""
    lib = ctypes.CDLL(BLOCKER)
    p = gov.Policy.compile({"b.gov": POLICY})
    vm = gov.VM(p)
    vm.bind_native("gov_test_block", lib.gov_test_block, ["int64"], "int64")
    go_r, go_w = os.pipe()
    in_r, in_w = os.pipe()
    result = {}

    def worker():
        result["d"] = vm.evaluate({"at": "2026-01-01T00:00:00Z", "fds": go_r | in_w << 16})

    faulthandler.dump_traceback_later(60, exit=True)
    try:
        t = threading.Thread(target=worker)
        t.start()
        assert os.read(in_r, 1) == b"e"          # T is inside C, in the host function
        # Python work while T is still inside gov_eval_json: needs the GIL.
        other = gov.VM(gov.Policy.compile("policies/support"))
        busy = other.evaluate({"at": "2026-11-25T09:00:00Z", "latency_ms": 4000, "cost_usd": 0}).verdict
        assert t.is_alive() and "d" not in result
        os.write(go_w, b"!")
        t.join()
    finally:
        faulthandler.cancel_dump_traceback_later()
        for fd in (go_r, go_w, in_r, in_w):
            os.close(fd)
    assert busy == "warn"
    assert result["d"].verdict == "warn" and result["d"].findings[0].compared[0].lhs.value == ord("!")


def test_one_vm_per_thread_agrees_with_one_thread():
    p = gov.Policy.compile("policies/support")
    lines = open("policies/support/records.jsonl", encoding="utf-8").read().splitlines() * 20
    def texts(ds):
        return [d.json if isinstance(d, gov.Decision) else f"{d.code} {d.line}" for d in ds]
    ref = texts(gov.VM(p).evaluate_many(lines))
    out = {}

    def run(i):
        vm = gov.VM(p)
        out[i] = texts(vm.evaluate_many(lines))

    ts = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(out[i] == ref for i in range(4))


def test_a_vm_shared_by_two_threads_refuses():
    lib = ctypes.CDLL(BLOCKER)
    vm = gov.VM(gov.Policy.compile({"b.gov": POLICY}))
    vm.bind_native("gov_test_block", lib.gov_test_block, ["int64"], "int64")
    go_r, go_w = os.pipe()
    in_r, in_w = os.pipe()
    t = threading.Thread(target=vm.evaluate, args=({"at": "2026-01-01T00:00:00Z", "fds": go_r | in_w << 16},))
    faulthandler.dump_traceback_later(60, exit=True)
    try:
        t.start()
        assert os.read(in_r, 1) == b"e"
        with pytest.raises(gov.GovError, match="another thread"):
            vm.evaluate({"at": "2026-01-01T00:00:00Z", "fds": 0})
        with pytest.raises(gov.GovError):
            vm.tick(0)
        with pytest.raises(gov.GovError):
            vm.save_state()
        os.write(go_w, b"!")
        t.join()
    finally:
        faulthandler.cancel_dump_traceback_later()
        for fd in (go_r, go_w, in_r, in_w):
            os.close(fd)
    assert vm.evaluate({"at": "2026-01-01T00:00:01Z", "fds": -1}).verdict == "block"  # read fails: on error blocks
