"""The compiled hot path (gov/_govext.c; make python builds it, and make test does): its
dict encoder writes exactly the text of the Python encoder the other paths use, for
every kind of value, and falls back to it for what it does not write; a decision's JSON
is written on demand, yet a Decision stays a snapshot: one still held when its VM runs
again, or after its VM is gone, gives the JSON it was made with. These tests load the
extension whatever GOV_PY_FFI says, so each of run.sh's passes checks it."""
import datetime
import gc
import json
import math
import random

import pytest

import gov
import gov._fast
from gov import vm as V

@pytest.fixture(scope="module")
def ext():
    mod = gov._fast.ext or gov._fast._find_ext()
    assert mod is not None, "the extension is not built (make python)"
    gov._fast.setup_ext(mod, V.Decision, gov.RecordError, gov.GovError, V._encode, V._canon)
    return mod


def py_text(rec):
    return V._encode(rec).encode()


STRINGS = ["", "plain", 'q"uote', "back\\slash", "nl\nline", "\r\t\b\f", "\x00\x01\x1f\x7f", "caf\u00e9",
           "\u00ff\u0100", "\u20ac uro", "\U0001f600 face", "\ud800 lone", "\udfff", "mixed \u00e9\U0001f600\n\"",
           "/slash/", "\u2028\u2029"]
NUMBERS = [0, -1, 1, 2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 10**30, 0.0, -0.0, 1.5, 0.1, 1e-7, 1e22, 1e23,
           1.7976931348623157e308, 5e-324, float("nan"), float("inf"), float("-inf"), 123456789.123456789,
           0.011850, True, False, None]


def random_value(rng, depth=0):
    k = rng.randrange(8 if depth < 4 else 3)
    if k == 0:
        return rng.choice(STRINGS) + "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0, 0x3000)]))
                                             for _ in range(rng.randrange(6)))
    if k == 1:
        return rng.choice(NUMBERS)
    if k == 2:
        return rng.uniform(-1e6, 1e6) if rng.random() < 0.5 else rng.randrange(-10**12, 10**12)
    if k in (3, 4):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if k == 5:
        return tuple(random_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    return {rng.choice(STRINGS) + str(i): random_value(rng, depth + 1) for i in range(rng.randrange(4))}


def test_encoder_writes_the_python_encoders_text(ext):
    rng = random.Random(20)
    for _ in range(3000):
        rec = {f"k{i}" + rng.choice(STRINGS): random_value(rng) for i in range(rng.randrange(8))}
        assert ext.encode(rec) == py_text(rec), rec
    for v in STRINGS + NUMBERS:
        rec = {"v": v, v if isinstance(v, str) else "x": [v, (v,), {"n": v}]}
        assert ext.encode(rec) == py_text(rec), rec


class Sub(dict):
    pass


class IntSub(int):
    pass


def test_encoder_falls_back_for_other_values(ext):
    """What the C encoder does not write goes to the Python encoder: the same text, or
    the same exception."""
    t = datetime.datetime(2026, 11, 25, 9, tzinfo=datetime.timezone.utc)
    deep = {"x": 1}
    for _ in range(300):
        deep = {"d": deep}
    for rec in [{"at": t}, {1: "int key"}, {"a": {2.5: "x", None: 1, True: 0}}, Sub(a=1), {"n": IntSub(5)},
                {"s": Sub(b=[1, 2])}, deep]:
        assert ext.encode(rec) == py_text(rec)
    loop = {}
    loop["self"] = loop
    for bad, exc in [({"x": object()}, TypeError), ({"t": datetime.datetime(2026, 1, 1)}, TypeError),
                     ({"b": b"bytes"}, TypeError), ({"s": {1, 2}}, TypeError), (loop, RecursionError)]:
        with pytest.raises(exc):
            py_text(bad)
        with pytest.raises(exc):
            ext.encode(bad)


def test_decisions_written_on_demand_are_snapshots():
    """Whatever the hot path: a Decision held across later evaluations and events keeps
    its own JSON; through the extension, one dropped unread was never written."""
    p = gov.Policy.compile("policies/support")
    vm, ref = gov.VM(p), gov.VM(p, trace=True)     # ref: the general path, JSON written at once
    recs = [{"tenant": "acme", "project": "billing", "agent": "triage-bot", "at": f"2026-11-25T09:00:{i:02d}Z",
             "run_id": f"r-{i}", "latency_ms": 500 * i, "cost_usd": 0.01 * i} for i in range(12)]
    held = []
    for i, r in enumerate(recs):
        d = vm.evaluate(r, i + 1)
        if vm._core is not None:
            assert d._json is None            # not written yet
        if i % 3 == 0:
            held.append(d)
        if i == 4:
            vm.tick("2026-11-25T10:00:00Z")   # an event: the latest decision is written first
            ref.tick("2026-11-25T10:00:00Z")
        ref_d = ref.evaluate(r, i + 1)
        if i % 3 == 0:
            held.append(ref_d)
    for a, b in zip(held[0::2], held[1::2]):
        assert a.json == b.json and a.verdict == b.verdict and a.line == b.line
    assert len({h.json for h in held}) > 2
    # The latest one, read after its VM is gone: its memory is kept alive by the Decision.
    last = vm.evaluate(recs[-1], 99)
    want = ref.evaluate(recs[-1], 99).json
    del vm
    gc.collect()
    assert last.json == want and last.findings


def test_decision_core_cycle_is_collected(ext):
    """A pending Decision and its Core refer to each other: the collector frees both (and
    what the Core keeps alive for it)."""
    import weakref

    class Keep:
        pass
    vm = gov.VM(gov.Policy.compile("policies/support"))
    k = Keep()
    c = ext.Core(vm._vm.value, (vm._arena, vm.policy, k))
    d = c.evaluate({"at": "2026-11-25T09:00:00Z", "latency_ms": 1, "cost_usd": 0}, 1)
    assert d._core is c and d._json is None
    w = weakref.ref(k)
    del c, d, k
    assert w() is not None                   # the cycle holds it
    gc.collect()
    assert w() is None


def test_extension_misuse_raises(ext):
    core = ext.Core.__new__(ext.Core)
    with pytest.raises(RuntimeError):
        core.evaluate({}, 0)                 # a Core never given a VM
    with pytest.raises(TypeError):
        ext.Core()
    with pytest.raises(ValueError):
        ext.Core(0, None)
    vm = gov.VM(gov.Policy.compile("policies/support"))
    c = ext.Core(vm._vm.value, (vm._arena, vm.policy))
    with pytest.raises(RuntimeError):
        c.__init__(vm._vm.value, None)       # made once
    with pytest.raises(TypeError):
        c.evaluate({}, 0, 1)
    for bad_line in (-1, 2**64, "1", 1.0):
        with pytest.raises(ValueError):
            c.evaluate("{}", bad_line)
    with pytest.raises(RuntimeError):
        c.render(V.Decision("allow", 0, None))   # not this Core's latest decision
    d = c.evaluate({"at": "2026-11-25T09:00:00Z", "latency_ms": 1, "cost_usd": 0}, 5)
    assert d.verdict == "allow" and d.line == 5 and json.loads(d.json)["line"] == 5
    assert ext.direct()                      # Decisions made by filling their slots


def test_float_text_keeps_exact_money(ext):
    """Money is scaled from the decimal digits of the text: the C encoder must write a
    float as repr does (shortest round trip), or a cost would round differently."""
    p = gov.Policy.compile("policies/support")
    rng = random.Random(7)
    for _ in range(500):
        c = round(rng.uniform(0, 1), rng.randrange(1, 12))
        rec = {"at": "2026-11-25T09:00:00Z", "latency_ms": 1, "cost_usd": c}
        assert ext.encode(rec) == py_text(rec)
        assert repr(c) in ext.encode(rec).decode() or math.isnan(c)
    vm = gov.VM(p)
    a = vm.evaluate({"at": "2026-11-25T09:00:00Z", "latency_ms": 1, "cost_usd": 0.125}).json
    b = gov.VM(p).evaluate('{"at":"2026-11-25T09:00:00Z","latency_ms":1,"cost_usd":0.125}').json
    assert a == b
