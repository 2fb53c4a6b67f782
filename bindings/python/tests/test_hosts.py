"""`extern fn` bound to Python callables (through a ctypes callback that gov_vm_bind
checks against the declaration) and to native functions; failures go through the
policy's `on error`, never out through C."""
import ctypes
import os

import pytest

import gov
from conftest import BUILD

REC = {"at": "2026-11-25T09:00:00Z", "output": "Your refund was issued today.", "customer": "cus_1200",
       "amount_usd": 40}


def pii(text):
    """vm/examples/pii_host.c's pii_score, in Python."""
    if len(text.encode()) > 4096:
        raise ValueError("too long to scan")
    words = [w for w in text.split(" ") if w]
    bad = sum(1 for w in words if ("@" in w and "." in w[w.index("@"):]) or sum(c.isdigit() for c in w) >= 7)
    return bad / len(words) if words else 0.0


def watch(customer, amount):
    """pii_host.c's on_watchlist: a run without a customer cannot be looked up."""
    if not customer:
        raise LookupError("no customer")
    return customer in ("cus_7781", "cus_9034") and amount >= 100_000_000


def content_vm(**hosts):
    return gov.VM(gov.Policy.compile("policies/content_safety"), hosts=hosts)


def test_python_hosts_decide_like_the_c_example():
    """The Python functions give the same decisions as vm/examples/pii_host.c."""
    py = content_vm(pii_score=pii, on_watchlist=watch)
    native = gov.VM(gov.Policy.compile("policies/content_safety"))
    lib = ctypes.CDLL(os.path.join(BUILD, "hosts", "content_safety.so"))
    native.bind_native("pii_score", lib.pii_score, ["string"], "double")
    native.bind_native("on_watchlist", lib.on_watchlist, ["string", "int64"], "int")
    for n, line in enumerate(open("policies/content_safety/records.jsonl", encoding="utf-8"), 1):
        a, b = py.evaluate(line, n), native.evaluate(line, n)
        assert a.json == b.json, line
    assert py.evaluate(dict(REC, output="mail jane.doe@example.com now")).verdict == "block"


def test_arguments_arrive_as_python_values():
    seen = []

    def rec(customer, amount):
        seen.append((customer, amount))
        return False
    vm = content_vm(pii_score=lambda t: seen.append(t) or 0.0, on_watchlist=rec)
    vm.evaluate(dict(REC, output="héllo wörld", amount_usd=12.5))
    assert seen == ["héllo wörld", ("cus_1200", 12_500_000)]


def test_an_exception_is_a_failure_that_on_error_decides():
    def boom(text):
        raise RuntimeError("scanner down")
    vm = content_vm(pii_score=boom, on_watchlist=watch)
    d = vm.evaluate(REC)
    # pii_score's `on error 100%`: the output counts as all personal data.
    assert d.verdict == "block"
    assert d.host_failures[0].extern == "pii_score" and d.host_failures[0].reason == "failed"
    assert d.host_failures[0].outcome == "default"
    assert isinstance(vm.host_exceptions[0], RuntimeError)
    # on_watchlist's `on error verdict review`.
    vm2 = content_vm(pii_score=pii, on_watchlist=lambda c, a: 1 / 0)
    d = vm2.evaluate(REC)
    assert d.verdict == "review" and d.host_failures[0].outcome == "review"
    assert isinstance(vm2.host_exceptions[0], ZeroDivisionError)
    vm2.bind("on_watchlist", watch)
    assert vm2.evaluate(REC).verdict == "allow" and vm2.host_exceptions == []


@pytest.mark.parametrize("ret, reason", [("text", "failed"), (None, "failed"), (float("nan"), "not finite"),
                                         (float("inf"), "not finite")])
def test_bad_results_are_failures(ret, reason):
    vm = content_vm(pii_score=lambda t: ret, on_watchlist=watch)
    d = vm.evaluate(REC)
    assert d.host_failures[0].reason == reason and d.verdict == "block"


def test_out_of_range_bool():
    vm = content_vm(pii_score=pii, on_watchlist=lambda c, a: 7)
    d = vm.evaluate(REC)
    assert d.host_failures[0].reason == "out of range" and d.verdict == "review"
    vm.bind("on_watchlist", lambda c, a: 2**80)   # past C's int: a failure in Python
    d = vm.evaluate(REC)
    assert d.host_failures[0].reason == "failed" and isinstance(vm.host_exceptions[0], OverflowError)


def test_binding_errors():
    p = gov.Policy.compile("policies/content_safety")
    vm = gov.VM(p)
    with pytest.raises(gov.BindError):
        vm.bind("nonesuch", pii)
    with pytest.raises(TypeError):
        vm.bind("pii_score", "not callable")
    lib = ctypes.CDLL(os.path.join(BUILD, "hosts", "content_safety.so"))
    with pytest.raises(gov.BindError) as ei:
        vm.bind_native("pii_score", lib.pii_score, ["int64"], "double")
    assert ei.value.code == 38 and "pii_score" in str(ei.value)
    with pytest.raises(gov.BindError):
        vm.bind_native("pii_score", lib.pii_score, ["string"], "int")
    with pytest.raises(ValueError):
        vm.bind_native("pii_score", lib.pii_score, ["str"], "double")
    with pytest.raises(ValueError):
        vm.bind_native("pii_score", 0, ["string"], "double")
    for bad in ("pii_score", b"x", 1.5, None, pii):
        with pytest.raises(TypeError):
            vm.bind_native("pii_score", bad, ["string"], "double")
    # on_watchlist has no default: unbound, the VM is not ready and records are refused.
    assert not vm.ready()
    with pytest.raises(gov.RecordError) as ei:
        vm.evaluate(REC)
    assert ei.value.code == 39 and "on_watchlist" in ei.value.message
    vm.bind("on_watchlist", watch)
    assert vm.ready()
    # pii_score unbound has a default: it fails as "unbound" and takes it.
    d = vm.evaluate(REC)
    assert d.host_failures[0].reason == "unbound" and d.verdict == "block"
