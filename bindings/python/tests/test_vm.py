"""The VM through the binding: decisions equal govc run's byte for byte, records as dicts,
str and bytes, events (gates, acks, ticks) through their typed calls, state saved and
restored, traces, limits, and every bad input as an exception that changes nothing."""
import ctypes
import json
import os

import pytest

import gov
from conftest import BUILD, POLICIES, govc_run, run_typed

HOSTS = os.path.join(BUILD, "hosts")


def native_hosts(vm, name):
    """Bind the example host library of a policy (as govc --host-lib does)."""
    so = os.path.join(HOSTS, os.path.basename(name) + ".so")
    if not os.path.exists(so):
        return None
    lib = ctypes.CDLL(so)
    for ext, (params, ret, _) in vm.policy.externs.items():
        vm.bind_native(ext, getattr(lib, ext), params, ret)
    return so


@pytest.mark.parametrize("pdir", POLICIES)
def test_decisions_equal_govc_run(pdir):
    p = gov.Policy.compile(pdir)
    for stream in ("records.jsonl", "events.jsonl"):
        path = os.path.join(pdir, stream)
        if not os.path.exists(path):
            continue
        vm = gov.VM(p)
        host = native_hosts(vm, pdir)
        assert vm.ready()
        want = govc_run(pdir, path, host)
        got = []
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                try:
                    got.append(vm.evaluate(line, n).json)
                except gov.RecordError as e:
                    got.append(f"error {e.code} line {e.line}")
        # govc prints malformed records as error decisions; the binding raises instead.
        assert [g for g in got if not g.startswith("error ")] == [w for w in want if '"status":"error"' not in w]
        assert len(got) == len(want)


def test_records_as_dict_str_and_bytes():
    vm = gov.VM(gov.Policy.compile("policies/support"))
    rec = {"tenant": "acme", "project": "billing", "agent": "triage-bot", "at": "2026-11-25T09:00:00Z",
           "run_id": "r-1", "latency_ms": 4000, "cost_usd": 0.01}
    a = vm.evaluate(rec, 7)
    b = vm.evaluate(json.dumps(rec), 7)
    c = vm.evaluate(json.dumps(rec).encode(), 7)
    assert a.json == b.json == c.json and a.verdict == "warn" and a.line == 7
    f = a.findings[0]
    assert f.rule == "slow_run" and f.severity == "warning" and f.verdict == "warn"
    assert f.compared[0].op == ">" and f.compared[0].lhs == gov.Value("duration", 4_000_000_000, "4s")
    assert f.limit.name == "latency_budget" and f.limit.level == "agent" and f.limit.scope == "triage-bot"
    assert f.limit.path == "tenant:acme/project:billing/agent:triage-bot"
    assert a.actions[0].type == "notify" and a.actions[0].channel == "support_alerts"
    assert a.actions[0].kind == "slack" and a.actions[0].target == "#support-alerts"
    assert a.policy == "support_agents" and a.policy_id == vm.policy.id and a.kind == "run"
    # A datetime with a zone is a time; a decision is a snapshot.
    import datetime
    d = vm.evaluate(dict(rec, at=datetime.datetime(2026, 11, 25, 9, tzinfo=datetime.timezone.utc), latency_ms=10))
    assert d.verdict == "allow" and a.verdict == "warn" and a.findings


def malformed():
    return [
        ({}, 33), ({"at": "not a time"}, 34), ('{"at":', 30), ("", 30), ("[]", 30), ("null", 30),
        ('{"at":"2026-11-25T09:00:00Z","latency_ms":"slow","cost_usd":0}', 34),
        ('{"at":"2026-11-25T09:00:00Z","latency_ms":1,"cost_usd":0,"kind":"nope"}', 32),
        ('{"type":"approve","gate_id":"zz","by":"x","at":"2026-11-25T09:00:00Z"}', 36),
        (b"\xff\xfe", 30), ("\ud800", 30), ('{"at":"2026-11-25T09:00:00Z","x":' + "[" * 100 + "]" * 100 + "}", 31),
        ({"at": "2026-11-25T09:00:00Z", "latency_ms": float("nan"), "cost_usd": 0}, 30),
    ]


@pytest.mark.parametrize("rec, code", malformed())
def test_malformed_records_raise_and_change_nothing(rec, code):
    vm = gov.VM(gov.Policy.compile("policies/support"))
    vm.evaluate({"at": "2026-11-25T09:00:00Z", "latency_ms": 1, "cost_usd": 0})
    before = vm.save_state()
    with pytest.raises(gov.RecordError) as ei:
        vm.evaluate(rec, 3)
    assert ei.value.code == code and ei.value.line == 3 and ei.value.message
    assert vm.save_state() == before


@pytest.mark.parametrize("bad, exc", [(None, TypeError), (3, TypeError), ([1], TypeError),
                                      ({"at": object()}, TypeError), ({"at": __import__("datetime").datetime(2026, 1, 1)}, TypeError)])
def test_bad_record_types_raise(bad, exc):
    vm = gov.VM(gov.Policy.compile("policies/support"))
    with pytest.raises(exc):
        vm.evaluate(bad)
    with pytest.raises(ValueError):
        vm.evaluate("{}", -1)


def test_gates_acks_ticks_through_typed_calls():
    """policies/loan_underwriting's event stream, with its approvals, rejections, ticks and
    acknowledgement made through approve/reject/tick/ack: the same decisions as govc."""
    p = gov.Policy.compile("policies/loan_underwriting")
    path = "policies/loan_underwriting/events.jsonl"
    want = govc_run("policies/loan_underwriting", path, None)
    vm = gov.VM(p)
    with open(path, encoding="utf-8") as f:
        got = [json.loads(d.json) | {"line": n} for n, d in enumerate(run_typed(vm, f), 1)]
    assert got == [json.loads(w) for w in want]
    types = [a.type for line in got for a in (gov.vm._action(x) for x in line["actions"])]
    for t in ("gate_open", "gate_approved", "gate_rejected", "refused", "gate_timeout", "escalation_step"):
        assert t in types
    assert vm.now == gov.to_ns(json.loads(open(path).readlines()[-1])["at"])


def test_ack_and_refusals():
    p = gov.Policy.compile("policies/support")
    vm = gov.VM(p)
    d = vm.evaluate({"tenant": "acme", "agent": "a", "at": "2026-11-25T09:00:00Z", "run_id": "r",
                     "latency_ms": 10, "cost_usd": 0, "error": True})
    starts = [a for a in d.actions if a.type == "escalation_start"]
    assert starts and vm.running_escalations == 1
    assert vm.ack("0123456789abcdef", "me").actions[0].type == "refused"
    end = vm.ack(starts[0].escalation_id, "oncall@example.com", "2026-11-25T09:05:00Z")
    assert end.actions[0].type == "escalation_end" and end.actions[0].reason == "acknowledged"
    assert vm.running_escalations == 0
    assert vm.approve("0123456789abcdef", "x").actions[0].type == "refused"
    for bad in [("zz", "x"), ("0123456789abcdef", "")]:
        with pytest.raises(gov.RecordError):
            vm.approve(*bad)
    with pytest.raises(TypeError):
        vm.approve(None, "x")
    with pytest.raises(ValueError):
        vm.tick("yesterday")
    with pytest.raises(ValueError):
        vm.tick(2**70)
    with pytest.raises(TypeError):
        vm.tick(1.5)


def test_state_save_restore_continues_the_same():
    p = gov.Policy.compile("policies/loan_underwriting")
    lines = open("policies/loan_underwriting/events.jsonl", encoding="utf-8").read().splitlines()
    one = gov.VM(p)
    full = [one.evaluate(ln, n).json for n, ln in enumerate(lines, 1)]
    a = gov.VM(p)
    half = len(lines) // 2
    first = [a.evaluate(ln, n).json for n, ln in enumerate(lines[:half], 1)]
    state = a.save_state()
    b = gov.VM(p)
    b.load_state(state)
    rest = [b.evaluate(ln, n).json for n, ln in enumerate(lines[half:], half + 1)]
    assert first + rest == full and b.save_state() == one.save_state()
    # Corrupt states and another policy's are refused, and change nothing.
    before = b.save_state()
    for bad in (b"", b"junk", state[:-1], state[:20] + bytes([state[20] ^ 1]) + state[21:]):
        with pytest.raises(gov.LoadError):
            b.load_state(bad)
    other = gov.VM(gov.Policy.compile("policies/support"))
    with pytest.raises(gov.LoadError) as ei:
        b.load_state(other.save_state())
    assert ei.value.code == 37   # GOV_EPOLICY
    assert b.save_state() == before
    with pytest.raises(TypeError):
        b.load_state("text")


def test_trace_and_limits():
    p = gov.Policy.compile("policies/support")
    vm = gov.VM(p, trace=True, trace_size=64)
    rec = {"at": "2026-11-25T09:00:00Z", "latency_ms": 4000, "cost_usd": 0.01}
    d = vm.evaluate(rec)
    assert d.trace is None and "bytes" in d.trace_error   # too small: said, and grown
    d = vm.evaluate(rec)
    assert d.trace["trace"] == 1 and d.trace_error is None
    assert gov.VM(p).evaluate(rec).trace is None
    small = gov.VM(p, limits={"line_length": 64})
    with pytest.raises(gov.RecordError) as ei:
        small.evaluate(dict(rec, pad="x" * 100))
    assert ei.value.code == 31
    assert small.limit("line_length") == 64 and small.limit("line_length", 32) == 32
    with pytest.raises(ValueError):
        gov.VM(p, limits={"nope": 1})
    with pytest.raises(ValueError):
        gov.VM(p, limits={"line_length": 0})
    with pytest.raises(TypeError):
        gov.VM("policies/support")


def test_the_resolution_cache_is_a_limit():
    """Every limit vm/gov.h has is a key of VM(limits=...): rcache_bytes, the limit
    resolution cache's arena bytes, is 0 for none or RCACHE_AUTO (the default) for the
    VM's choice, read back by VM.limit; it changes memory, never a decision."""
    assert set(gov._lib.LIMITS) >= {"line_length", "nesting", "string_length", "fields", "tokens", "rcache_bytes"}
    assert len(gov._lib.LIMITS) == gov._lib.LIMIT_COUNT and gov.RCACHE_AUTO == 2**32 - 1
    pdir = "policies/refund_desk"      # scopes and limits: records resolve through the cache
    p = gov.Policy.compile(pdir)
    auto, none = gov.VM(p), gov.VM(p, limits={"rcache_bytes": 0})
    chosen = gov.VM(p, limits={"rcache_bytes": gov.RCACHE_AUTO})
    assert none.limit("rcache_bytes") == 0 and auto.limit("rcache_bytes") >= 8192
    assert len(none._arena) < len(auto._arena) == len(chosen._arena)
    with open(os.path.join(pdir, "records.jsonl"), encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    for n, line in enumerate(lines, 1):
        if n == len(lines) // 2:
            assert auto.limit("rcache_bytes", 0) == 0       # lowered mid-stream: entries dropped
        assert auto.evaluate(line, n).json == none.evaluate(line, n).json == chosen.evaluate(line, n).json
    for bad in (-1, 2**32, True, "auto"):
        with pytest.raises(ValueError):
            gov.VM(p, limits={"rcache_bytes": bad})


def test_policy_outlives_its_name():
    vm = gov.VM(gov.Policy.compile("policies/support"))   # no other reference to the Policy
    import gc
    gc.collect()
    assert vm.evaluate({"at": "2026-11-25T09:00:00Z", "latency_ms": 1, "cost_usd": 0}).verdict == "allow"


def test_the_hot_path_is_the_one_asked_for():
    """run.sh runs the suite with GOV_PY_FFI=ext, cffi and ctypes: each is the one used."""
    import gov._fast
    want = os.environ.get("GOV_PY_FFI") or "ext"
    assert gov._fast.which() == want
    vm = gov.VM(gov.Policy.compile("policies/support"))
    assert (vm._core is not None) == (want == "ext")
    assert (type(vm._eval).__module__ != "ctypes") == (want == "cffi")
    assert gov.VM(vm.policy, trace=True)._core is None      # a traced VM takes the general path


# A setting whose value is a limit, where its value came from: the Python member (a
# JSON object), and the C struct's gov_from member that says the same.
_FROM_ACTION = {"channel_limit": "channel_from", "sla": "sla_from", "approvers_limit": "approvers_from",
                "on_timeout": "timeout_from"}


def _from_agrees(cf, want):
    """A gov_from (ctypes) against the JSON {"name", "from": {"level", ...}} of the same
    setting, or None: the limit's name, and the level in force when "from" is given."""
    if want is None:
        return cf.limit is None
    if cf.limit is None or cf.limit.decode() != want["name"]:
        return False
    return "from" not in want or cf.level.decode() == want["from"]["level"]


def test_settings_from_limits_are_mirrored():
    """policies/refund_desk through the binding against native govc run: where a setting
    that is a limit got its value (spec/language.md §4.1.1, §4.1.2, §4.2.1) is a member of
    Action (channel_limit, sla, approvers_limit, on_timeout) and Finding (severity_limit),
    equal to the native decision's, and only those that have one have it; the C structs
    read through ctypes carry the same in their gov_from members (gov_action's
    channel_from, sla_from, approvers_from, timeout_from and on_timeout, gov_finding's
    severity_from)."""
    pdir = "policies/refund_desk"
    path = os.path.join(pdir, "records.jsonl")
    want_lines = govc_run(pdir, path, None)
    want = [json.loads(w) for w in want_lines]
    vm = gov.VM(gov.Policy.compile(pdir))
    raw = gov.VM(vm.policy)
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    seen = {k: 0 for k in (*_FROM_ACTION, "severity_limit")}
    for n, (line, w, wl) in enumerate(zip(lines, want, want_lines, strict=True), 1):
        d = vm.evaluate(line, n)
        assert d.json == wl
        data = line.encode()
        cd = gov._lib.gov_eval_json(raw._vm, data, len(data), n)
        for i, (f, wf) in enumerate(zip(d.findings, w["findings"], strict=True)):
            assert f.severity_limit == wf.get("severity_limit") and "severity_limit" not in f.extra
            cf = gov._lib.Finding()
            assert gov._lib.gov_decision_finding(cd, i, ctypes.byref(cf)) == gov._lib.OK
            assert _from_agrees(cf.severity_from, wf.get("severity_limit"))
            seen["severity_limit"] += f.severity_limit is not None
        for i, (a, wa) in enumerate(zip(d.actions, w["actions"], strict=True)):
            ca = gov._lib.Action()
            assert gov._lib.gov_decision_action(cd, i, ctypes.byref(ca)) == gov._lib.OK
            for member, c_from in _FROM_ACTION.items():
                assert getattr(a, member) == wa.get(member) and member not in a.extra
                assert _from_agrees(getattr(ca, c_from), wa.get(member)), (n, i, member)
                seen[member] += getattr(a, member) is not None
            outcome = wa.get("on_timeout", {}).get("outcome")
            assert (ca.on_timeout and ca.on_timeout.decode()) == outcome
    # billing's large refund pages risk through the set, from project "billing"; the
    # review gate's SLA, approvers and timeout are limits; billing's severity is one.
    assert all(seen.values()), seen


def test_inhibition_is_mirrored():
    """policies/agent_alerts through the binding against native govc run: every finding's
    and action's inhibited_by (spec/language.md §4.10, spec/trace.md §10) is a member of
    Finding and Action, equal to what the native decision says, and so are the
    notify_inhibited actions; the C structs read through ctypes (gov_decision_finding,
    gov_decision_action) carry the same names."""
    pdir = "policies/agent_alerts"
    path = os.path.join(pdir, "records.jsonl")
    want_lines = govc_run(pdir, path, None)
    want = [json.loads(w) for w in want_lines]
    vm = gov.VM(gov.Policy.compile(pdir))
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    inhibited_findings = inhibited_actions = 0
    for n, (line, w, wl) in enumerate(zip(lines, want, want_lines, strict=True), 1):
        d = vm.evaluate(line, n)
        assert d.json == wl
        for f, wf in zip(d.findings, w["findings"], strict=True):
            assert f.inhibited_by == wf.get("inhibited_by")
            assert "inhibited_by" not in f.extra
            inhibited_findings += f.inhibited_by is not None
        for a, wa in zip(d.actions, w["actions"], strict=True):
            assert a.type == wa["type"] and a.inhibited_by == wa.get("inhibited_by")
            assert "inhibited_by" not in a.extra
            assert (a.type == "notify_inhibited") == (a.inhibited_by is not None)
            inhibited_actions += a.type == "notify_inhibited"
    # The stream has inhibited findings and actions (error_burst mutes slow_run).
    assert inhibited_findings >= 1 and inhibited_actions >= inhibited_findings

    # The C API's structs as the binding declares them: the same names, at the same places.
    raw = gov.VM(gov.Policy.compile(pdir))
    seen = 0
    for n, (line, w) in enumerate(zip(lines, want), 1):
        data = line.encode()
        d = gov._lib.gov_eval_json(raw._vm, data, len(data), n)
        for i, wf in enumerate(w["findings"]):
            cf = gov._lib.Finding()
            assert gov._lib.gov_decision_finding(d, i, ctypes.byref(cf)) == gov._lib.OK
            assert cf.rule.decode() == wf["rule"]
            assert (cf.inhibited_by and cf.inhibited_by.decode()) == wf.get("inhibited_by")
        for i, wa in enumerate(w["actions"]):
            ca = gov._lib.Action()
            assert gov._lib.gov_decision_action(d, i, ctypes.byref(ca)) == gov._lib.OK
            assert ca.type_name.decode() == wa["type"]
            assert (ca.inhibited_by and ca.inhibited_by.decode()) == wa.get("inhibited_by")
            assert (ca.silence and ca.silence.decode()) == wa.get("silence")
            seen += ca.inhibited_by is not None
    assert seen == inhibited_actions
