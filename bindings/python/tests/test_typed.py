"""The typed entry point (VM.evaluate_fields: gov_record_begin and gov_set_*): the same
decisions as the same records given as JSON, `strings` fields (issue 25's tool-call
records) included, and every bad field an exception that changes nothing."""
import datetime
import json

import pytest

import gov

PERMS = "policies/agent_permissions"


def typed_of_json(rec):
    """A std/tool_call JSON record as fields: keys are field names but for data_classes."""
    f = {k: v for k, v in rec.items() if k != "kind"}
    if "data_classes" in f:
        f["data"] = f.pop("data_classes")
    return f


def test_strings_fields_typed_equal_json():
    p = gov.Policy.compile(PERMS)
    a, b = gov.VM(p), gov.VM(p)
    lines = open(f"{PERMS}/records.jsonl", encoding="utf-8").read().splitlines()
    verdicts = set()
    for line in lines:
        rec = json.loads(line)
        dj = a.evaluate(line)
        dt = b.evaluate_fields(typed_of_json(rec), kind=rec.get("kind"))
        assert dt.json == dj.json
        verdicts.add(dt.verdict)
    assert len(verdicts) > 1                  # the records decide differently
    assert a.save_state() == b.save_state()


def test_strings_field_decides():
    """A denylisted data class in the list blocks; the same call without it does not;
    the empty list, a tuple and a set are lists too."""
    p = gov.Policy.compile(PERMS)
    vm = gov.VM(p)
    base = json.loads(open(f"{PERMS}/records.jsonl", encoding="utf-8").readline())
    f = typed_of_json(base)
    ok = vm.evaluate_fields(f).verdict
    seen = {}
    for data in (["public"], ("public",), {"public"}, frozenset(), []):
        seen[type(data).__name__] = vm.evaluate_fields(dict(f, data=data)).verdict
    assert set(seen.values()) == {ok}
    # Which classes are denied is the policy's: find one that changes the verdict.
    src = open(f"{PERMS}/permissions.gov", encoding="utf-8").read()
    assert "denylist" in src
    line = next(ln for ln in open(f"{PERMS}/records.jsonl", encoding="utf-8") if "block" in
                gov.VM(p).evaluate(ln.strip()).verdict and "data_classes" in ln)
    rec = json.loads(line)
    ft = typed_of_json(rec)
    vm2 = gov.VM(p)
    assert vm2.evaluate_fields(ft, rec.get("kind")).verdict == gov.VM(p).evaluate(line.strip()).verdict == "block"


def test_support_record_in_canonical_units():
    p = gov.Policy.compile("policies/support")
    rec = {"tenant": "acme", "project": "billing", "agent": "triage-bot", "at": "2026-11-25T09:00:00Z",
           "run_id": "r-1", "latency_ms": 950, "cost_usd": 0.01, "quality_score": 0.5, "error": True}
    j = gov.VM(p).evaluate(rec)
    t = gov.VM(p).evaluate_fields({"tenant": "acme", "project": "billing", "agent": "triage-bot",
                                   "at": datetime.datetime(2026, 11, 25, 9, tzinfo=datetime.timezone.utc),
                                   "run_id": "r-1", "latency": datetime.timedelta(milliseconds=950),
                                   "cost": 10_000, "accuracy": 0.5, "error": True})
    assert t.json == j.json and t.verdict == j.verdict
    t2 = gov.VM(p).evaluate_fields({"at": 1_795_597_200_000_000_000, "latency": 950_000_000, "cost": 10_000,
                                    "tenant": "acme", "project": "billing", "agent": "triage-bot", "run_id": "r-1",
                                    "accuracy": 0.5, "error": True, "workflow": None}, "run")
    assert t2.json == j.json


@pytest.mark.parametrize("fields, kind, exc, code", [
    ({"tool": "x", "at": 0, "nope": 1}, None, gov.RecordError, 34),       # no such field
    ({"tool": "x", "at": 0}, "nope", gov.RecordError, 32),                # no such kind
    ({"tool": "x", "at": 0}, 3, TypeError, None),
    ({"at": 0}, None, gov.RecordError, 33),                               # tool is required
    ({"tool": "x", "at": 0, "data": ["a\0b"]}, None, gov.RecordError, 34),   # NUL in an element
    ({"tool": "x", "at": 0, "data": ["x" * 5000]}, None, gov.RecordError, 31),  # past the string cap
    ({"tool": "x", "at": 0, "data": "public"}, None, TypeError, None),    # a str is not a list
    ({"tool": "x", "at": 0, "data": [1]}, None, TypeError, None),
    ({"tool": "x", "at": 0, "data": ["\ud800"]}, None, ValueError, None),  # not UTF-8
    ({"tool": 5, "at": 0}, None, TypeError, None),
    ({"tool": "x", "at": 0, "args_bytes": 1.5}, None, TypeError, None),
    ({"tool": "x", "at": 0, "args_bytes": True}, None, TypeError, None),
    ({"tool": "x", "at": 0, "args_bytes": 2**63}, None, ValueError, None),
    ({"tool": "x", "at": "yesterday"}, None, ValueError, None),
    ({"tool": "x", "at": object()}, None, TypeError, None),
    ([("tool", "x")], None, TypeError, None),
])
def test_bad_fields_raise_and_change_nothing(fields, kind, exc, code):
    vm = gov.VM(gov.Policy.compile(PERMS))
    vm.evaluate_fields({"tool": "kb_lookup", "at": "2026-12-01T09:00:00Z", "run_id": "r"})
    before = vm.save_state()
    with pytest.raises(exc) as ei:
        vm.evaluate_fields(fields, kind)
    if code is not None:
        assert ei.value.code == code and ei.value.message
    assert vm.save_state() == before
    assert vm.evaluate_fields({"tool": "kb_lookup", "at": "2026-12-01T09:00:01Z"}).verdict   # still usable


def test_other_types_checked():
    vm = gov.VM(gov.Policy.compile("policies/support"))
    base = {"at": 0, "latency": 1, "cost": 0}
    for bad, exc, code in [({"accuracy": 1.5}, gov.RecordError, 34), ({"accuracy": "high"}, TypeError, None),
                           ({"error": 1}, TypeError, None), ({"latency": 1.0}, TypeError, None),
                           ({"cost": 0.5}, TypeError, None), ({"tenant": b"acme"}, TypeError, None),
                           ({"accuracy": float("nan")}, gov.RecordError, 34)]:
        with pytest.raises(exc) as ei:
            vm.evaluate_fields(dict(base, **bad))
        if code:
            assert ei.value.code == code
    with pytest.raises(TypeError):
        vm.evaluate_fields(None)


def test_typed_decisions_are_logged_without_input(tmp_path):
    vm = gov.VM(gov.Policy.compile(PERMS))
    with gov.Log(tmp_path / "t.log") as log:
        log.attach(vm)
        d = vm.evaluate_fields({"tool": "kb_lookup", "at": "2026-12-01T09:00:00Z", "run_id": "r", "data": ["public"]})
    lines = [ln for ln in gov.read_log(tmp_path / "t.log") if ln.type == "decision"]
    assert len(lines) == 1 and lines[0].input_sha256 is None and lines[0].decision == d.json
    assert gov.verify_log(tmp_path / "t.log").ok


def test_every_form_of_a_value_gives_the_same_decision():
    """The plain forms (an int, a float, a str, a list of str) and the others (a
    timedelta, a datetime, an RFC 3339 str, an int for a float, a set, an int subclass)
    set the same field the same way, whichever path converts them."""
    import enum
    p = gov.Policy.compile("policies/support")

    class N(enum.IntEnum):
        COST = 10_000
    base = {"tenant": "acme", "project": "billing", "agent": "triage-bot", "run_id": "r-1", "error": False}
    forms = [
        {"at": 1_795_597_200_000_000_000, "latency": 950_000_000, "cost": 10_000, "accuracy": 1.0},
        {"at": "2026-11-25T09:00:00Z", "latency": datetime.timedelta(milliseconds=950), "cost": N.COST,
         "accuracy": 1},
        {"at": datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
         "latency": 950_000_000, "cost": 10_000, "accuracy": 1.0, "workflow": None},
    ]
    out = {gov.VM(p).evaluate_fields(dict(base, **f)).json for f in forms}
    assert len(out) == 1
    q = gov.Policy.compile(PERMS)
    rec = {"tool": "kb_lookup", "at": "2026-12-01T09:00:00Z", "run_id": "r"}
    lists = [["a", "b"], ("a", "b"), {"b", "a"}, frozenset({"a", "b"})]
    assert len({gov.VM(q).evaluate_fields(dict(rec, data=v)).json for v in lists}) == 1
