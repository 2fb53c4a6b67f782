"""Compact traces through the binding (spec/trace.md §3.1): VM(compact_trace=True) gives
each Decision its compact trace as bytes, and VM.render_trace turns them into the JSON
trace byte for byte as native `govc run --trace` prints it (and as gov_decision_trace
gives it), on the VM that took them or on another VM of the policy; traces the version 1
writer took still render; bytes of another policy, of an unknown version or malformed
are a TraceError that changes nothing."""
import os

import pytest

import gov
from conftest import POLICIES, govc_run
from test_vm import native_hosts

MARK = ',"trace":{"trace":'


def govc_traces(policy, path, host):
    """Native `govc run --trace`: per line, the decision JSON and its trace (the member
    it splices in last)."""
    out = []
    for line in govc_run(policy, path, host, "--trace"):
        i = line.rindex(MARK)
        out.append((line[:i] + "}", line[i + len(MARK) - len('{"trace":'):-1]))
    return out


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return [ln.rstrip("\n") for ln in f]


@pytest.mark.parametrize("pdir", POLICIES)
def test_render_equals_govc_run_trace(pdir):
    p = gov.Policy.compile(pdir)
    for stream in ("records.jsonl", "events.jsonl"):
        path = os.path.join(pdir, stream)
        if not os.path.exists(path):
            continue
        vm = gov.VM(p, compact_trace=True, trace=True)
        other = gov.VM(p)     # renders only: evaluates nothing
        host = native_hosts(vm, pdir)
        want = govc_traces(pdir, path, host)
        got = 0
        for n, line in enumerate(lines_of(path), 1):
            try:
                d = vm.evaluate(line, n)
            except gov.RecordError:
                continue      # govc prints an error decision; the binding raises
            assert isinstance(d.trace_compact, bytes) and d.trace_compact[:2] == b"gt"
            dj, tj = want[n - 1]
            assert d.json == dj
            assert other.render_trace(d.trace_compact) == tj
            assert vm.render_trace(d.trace_compact) == tj   # the VM that took it, too
            assert d.json == dj and d.trace["line"] == n    # a Decision is a snapshot
            got += 1
        assert got > 0


def test_render_leaves_the_vm_deciding_as_before():
    p = gov.Policy.compile("policies/agent_alerts")
    lines = lines_of("policies/agent_alerts/records.jsonl")
    a, b = gov.VM(p, compact_trace=True), gov.VM(p)
    for n, line in enumerate(lines, 1):
        d = a.evaluate(line, n)
        a.render_trace(d.trace_compact)
        assert d.json == b.evaluate(line, n).json
    assert a.save_state() == b.save_state()


def test_version_1_traces_still_render():
    p = gov.Policy.compile("tests/vm/compact_v1/policy.gov")
    want = govc_traces("tests/vm/compact_v1/policy.gov", "tests/vm/compact_v1/records.jsonl", None)
    vm = gov.VM(p)
    hexes = lines_of("tests/vm/compact_v1/traces.hex")
    assert len(hexes) == len(want) > 100
    for h, (_, tj) in zip(hexes, want):
        b = bytes.fromhex(h)
        assert b[2] == 1
        assert vm.render_trace(b) == tj


def test_version_2_traces_still_render():
    p = gov.Policy.compile("tests/vm/compact_v1/policy.gov")
    want = govc_traces("tests/vm/compact_v1/policy.gov", "tests/vm/compact_v1/records.jsonl", None)
    vm = gov.VM(p)
    hexes = lines_of("tests/vm/compact_v2/traces.hex")
    assert len(hexes) == len(want) > 100
    for h, (_, tj) in zip(hexes, want):
        b = bytes.fromhex(h)
        assert b[2] == 2
        assert vm.render_trace(b) == tj


def test_bad_compact_traces_are_refused():
    p = gov.Policy.compile("policies/support")
    vm = gov.VM(p, compact_trace=True)
    d = vm.evaluate(lines_of("policies/support/records.jsonl")[0], 1)
    good = d.trace_compact
    want = vm.render_trace(good)
    other = gov.VM(gov.Policy.compile("policies/payments"))
    with pytest.raises(gov.TraceError) as e:
        other.render_trace(good)
    assert e.value.code == 37 and "policy id" in e.value.message          # GOV_EPOLICY
    for version in (0, 5, 255):
        with pytest.raises(gov.TraceError) as e:
            vm.render_trace(good[:2] + bytes([version]) + good[3:])
        assert e.value.code == 11                                           # GOV_EVERSION
    for bad in (b"", b"gt", good[:-1], good + b"\0", b"xy" + good[2:]):
        with pytest.raises(gov.TraceError) as e:
            vm.render_trace(bad)
        assert e.value.code == 42 and e.value.message                      # GOV_ETRACE
    with pytest.raises(TypeError):
        vm.render_trace("not bytes")
    assert vm.render_trace(bytearray(good)) == want    # nothing changed


def test_no_compact_trace_unless_asked():
    p = gov.Policy.compile("policies/support")
    d = gov.VM(p).evaluate(lines_of("policies/support/records.jsonl")[0], 1)
    assert d.trace_compact is None
