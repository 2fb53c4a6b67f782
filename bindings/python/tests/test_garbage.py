"""Random and hostile input through the binding: every outcome is a value or a gov
exception, never a crash (a crash would end the pytest process, failing the suite)."""
import random

import pytest

import gov

RNG = random.Random(20)


def rand_bytes(n):
    return bytes(RNG.randrange(256) for _ in range(n))


def test_random_records():
    vm = gov.VM(gov.Policy.compile("policies/support"))
    good = '{"tenant":"acme","at":"2026-11-25T09:00:00Z","latency_ms":4000,"cost_usd":0.01,"tokens":5}'
    for i in range(2000):
        if i % 3 == 0:
            rec = rand_bytes(RNG.randrange(200))
        else:   # mutations of a good line
            b = bytearray(good.encode())
            for _ in range(RNG.randrange(1, 6)):
                b[RNG.randrange(len(b))] = RNG.randrange(256)
            rec = bytes(b)
        try:
            d = vm.evaluate(rec, i)
            assert d.verdict in ("allow", "warn", "review", "pause", "block")
            d.findings, d.actions   # parse them too
        except gov.RecordError as e:
            assert e.code in (30, 31, 32, 33, 34, 36, 37) and e.message


def test_random_dicts():
    vm = gov.VM(gov.Policy.compile("policies/support"))
    values = [None, True, 0, -1, 2**63, 2**64, 1e308, -0.0, "", "x" * 5000, "\ud800", [], {}, [1, [2]],
              {"a": {"b": None}}, "2026-11-25T09:00:00Z", float("inf")]
    keys = ["at", "latency_ms", "cost_usd", "tokens", "tenant", "kind", "type", "gate_id", "quality_score", "x"]
    for _ in range(2000):
        rec = {RNG.choice(keys): RNG.choice(values) for _ in range(RNG.randrange(8))}
        try:
            vm.evaluate(rec)
        except gov.RecordError:
            pass


def test_random_fields():
    """The typed entry point with any value in any field: a Decision, RecordError,
    TypeError or ValueError; the same outcome on the JSON-less paths of both policies."""
    import datetime
    import enum

    class E(enum.IntEnum):
        A = 3
    values = [None, True, False, 0, -1, 2**63 - 1, 2**63, -(2**63) - 1, 1.5, float("nan"), float("inf"), -0.0, "",
              "x" * 5000, "a\0b", "\ud800", "warning", "block", "2026-11-25T09:00:00Z", "nope", b"bytes", [], ["a"],
              ["a", 1], ("p", "q"), {"r", "s"}, frozenset(), {}, object(), E.A, datetime.timedelta(seconds=3),
              datetime.datetime(2026, 1, 1), datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
              ["x" * 5000], ["\ud800"], [None]]
    for pdir in ("policies/support", "policies/agent_permissions"):
        p = gov.Policy.compile(pdir)
        vm = gov.VM(p)
        names = list(next(iter(p.kinds.values()))) + ["nope", 3]
        for i in range(1500):
            f = {RNG.choice(names): RNG.choice(values) for _ in range(RNG.randrange(1, 9))}
            try:
                d = vm.evaluate_fields(f)
                assert d.verdict in ("allow", "warn", "review", "pause", "block") and d.json
            except gov.RecordError as e:
                assert e.code in (31, 32, 33, 34) and e.message
            except (TypeError, ValueError) as e:
                assert str(e)


def test_random_sources_and_programs_and_states():
    vm = gov.VM(gov.Policy.compile("policies/loan_underwriting"))
    for line in open("policies/loan_underwriting/events.jsonl", encoding="utf-8"):
        vm.evaluate(line)
    state = vm.save_state()
    prog = vm.policy.bytes
    base = open("policies/support/support.gov", encoding="utf-8").read()
    for i in range(150):
        src = bytearray(base.encode())
        for _ in range(RNG.randrange(1, 8)):
            src[RNG.randrange(len(src))] = RNG.randrange(256)
        try:
            gov.Policy.compile({"s.gov": bytes(src)}, files=False)
        except gov.CompileError as e:
            assert e.diagnostics or e.code
        bad = bytearray(prog)
        bad[RNG.randrange(len(bad))] ^= 1 << RNG.randrange(8)
        with pytest.raises(gov.LoadError):
            gov.Policy.load(bytes(bad))
        st = bytearray(state)
        st[RNG.randrange(len(st))] ^= 1 << RNG.randrange(8)
        with pytest.raises(gov.LoadError):
            vm.load_state(bytes(st))
    assert vm.save_state() == state
