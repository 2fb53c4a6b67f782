"""The partition function (spec/scaleout.md §1) from Python: the spec's examples (the same
as tests/vm/partition.c's and the JavaScript binding's), every example record's
partition against its key read independently with json and python3-xxhash, and the
policies that cannot be partitioned."""
import json

import pytest
import xxhash

import gov


def test_partition_of_spec_examples():
    assert gov.partition_of("", 64) == 2
    assert gov.partition_of("agent-0001", 64) == 11
    assert gov.partition_of("café", 64) == 63
    assert gov.partition_of("triage-bot", 64) == 61
    assert gov.partition_of(b"triage-bot", 1) == 0
    with pytest.raises(ValueError):
        gov.partition_of("x", 0)
    with pytest.raises(TypeError):
        gov.partition_of(7, 4)


def _key(line, field):
    try:
        v = json.loads(line)
    except ValueError:
        return ""
    return v[field] if isinstance(v, dict) and isinstance(v.get(field), str) else ""


@pytest.mark.parametrize("name", ["support", "loan_underwriting", "error_spike"])
def test_policy_partition_is_xxh3_of_the_decoded_key(name):
    policy = gov.Policy.compile(f"policies/{name}")
    seen = 0
    for f in ("records.jsonl", "events.jsonl"):
        try:
            with open(f"policies/{name}/{f}", encoding="utf-8") as fh:
                lines = [ln.rstrip("\r\n") for ln in fh if ln.strip()]
        except FileNotFoundError:
            continue
        for n in (1, 7, 64):
            for line in lines:
                want = xxhash.xxh3_64_intdigest(_key(line, policy.partition_key).encode()) % n
                assert policy.partition(line, n) == want, (f, line, n)
                assert policy.partition(json.loads(line), n) == want
                assert policy.partition(line.encode(), n) == want
                seen += 1
    assert seen > 0


def test_partition_key_and_refusals():
    support = gov.Policy.compile("policies/support")
    assert support.partition_key == "agent"
    assert support.partition({"agent": "triage-bot"}, 64) == gov.partition_of("triage-bot", 64)
    assert support.partition({"tenant": "acme"}, 64) == gov.partition_of("", 64)
    assert support.partition("not json", 64) == gov.partition_of("", 64)
    with pytest.raises(TypeError):
        support.partition(3, 4)
    anyp = gov.Policy.compile("policies/model_promotion")
    assert anyp.partition_key == "any"
    with pytest.raises(gov.GovError) as e:
        anyp.partition({}, 4)
    assert e.value.code == 2
    none = gov.Policy.compile("policies/agent_health")
    assert none.partition_key == "none"
    assert none.partition({"agent": "a"}, 1) == 0
    with pytest.raises(gov.GovError):
        none.partition({"agent": "a"}, 2)
