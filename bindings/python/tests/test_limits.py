"""Policy.with_limits: a limits file beside a policy (spec/language.md 5.2, issue 24.7)."""
import pytest

import gov

REC = {"tenant": "globex", "project": "billing", "agent": "refund-helper", "at": "2026-11-25T10:00:00Z",
       "run_id": "g-1", "latency_ms": 1700, "cost_usd": 0.03, "tokens": 100, "quality_score": 0.99}


def test_the_file_decides_and_names_its_line():
    base = gov.Policy.compile("policies/support")
    with open("policies/support/limits.json") as f:
        p = base.with_limits(f.read(), "policies/support/limits.json")
    assert p.name == base.name and p.id != base.id
    assert gov.VM(base).evaluate(REC).verdict == "allow"
    d = gov.VM(p).evaluate(REC)
    f = d.findings[0]
    assert (d.verdict, f.rule, f.limit.value.text, f.limit.at) == \
        ("warn", "slow_run", "1.5s", "policies/support/limits.json:5:77")
    assert d.policy_id == p.id


def test_a_file_that_sets_nothing_keeps_the_id_and_bytes_are_accepted():
    base = gov.Policy.compile("policies/support")
    p = base.with_limits(b'{"policy": "support_agents", "scopes": []}')
    assert p.id == base.id


def test_a_loosening_file_raises_with_e050():
    base = gov.Policy.compile("policies/support")
    bad = '{"policy": "support_agents",\n "scopes": [{"tenant": "globex", "limits": {"cost_cap": "$0.50"}}]}'
    with pytest.raises(gov.LimitsError) as e:
        base.with_limits(bad, "bad.json")
    err = e.value
    assert (err.diagnostic, err.line, err.column, err.name) == ("E050", 2, 45, "limits file loosens a limit")
    assert err.message == ("'cost_cap' = $0.50 in tenant \"globex\" loosens $0.12 from the default "
                           "(a max limit may only go down)")
    assert err.note.endswith("support.gov:25:22: note: the default sets it to $0.12 here")


def test_a_malformed_file_raises_with_its_place():
    base = gov.Policy.compile("policies/support")
    with pytest.raises(gov.LimitsError) as e:
        base.with_limits('{"policy": "support_agents", "scopes": [}')
    assert (e.value.diagnostic, e.value.line, e.value.column) == (None, 1, 41)
    assert isinstance(e.value, gov.LoadError)
    with pytest.raises(TypeError):
        base.with_limits(42)
