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


PERM = {"kind": "tool_call", "tenant": "globex", "run_id": "r", "at": "2026-12-01T09:00:00Z", "tool": "refund",
        "model": "gpt-small", "args_bytes": 1, "data_classes": ["pii"]}


def test_a_file_sets_allowlists_and_denylists_as_govc_run_does():
    import json
    import os
    import subprocess
    from conftest import BUILD
    base = gov.Policy.compile("policies/agent_permissions")
    with open("tests/limits/sets.json") as f:
        p = base.with_limits(f.read(), "tests/limits/sets.json")
    assert p.id != base.id
    assert gov.VM(base).evaluate(PERM).verdict != gov.VM(p).evaluate(PERM).verdict
    d = gov.VM(p).evaluate(PERM)
    rules = {f.rule: f for f in d.findings}
    assert rules["tool_not_allowed"].limit.at.startswith("tests/limits/sets.json:2:")
    assert {"tool_not_allowed", "denied_data_class"} <= set(rules)
    assert not {"tool_not_allowed", "denied_data_class"} & {f.rule for f in gov.VM(base).evaluate(PERM).findings}
    native = subprocess.run([os.path.join(BUILD, "govc"), "run", "-p", "policies/agent_permissions", "--limits",
                             "tests/limits/sets.json", "policies/agent_permissions/records.jsonl"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    vm = gov.VM(p)
    with open("policies/agent_permissions/records.jsonl") as f:
        mine = [vm.evaluate(json.loads(line)) for line in f if line.strip()]
    assert [(m.verdict, [x.rule for x in m.findings]) for m in mine] == \
        [(json.loads(n)["verdict"], [x["rule"] for x in json.loads(n)["findings"]]) for n in native]


def test_a_set_file_that_widens_an_allowlist_raises_with_e050():
    base = gov.Policy.compile("policies/agent_permissions")
    with open("tests/limits/sets_loose.json") as f:
        text = f.read()
    with pytest.raises(gov.LimitsError) as e:
        base.with_limits(text, "loose.json")
    assert (e.value.diagnostic, e.value.line, e.value.column) == ("E050", 2, 56)
    assert e.value.message == ("'allowed_tools' in agent \"triage-bot\" in tenant \"acme\" allows \"shell\", which "
                               "project \"billing\" in tenant \"acme\" does not (an allowlist may only lose members)")
    with pytest.raises(gov.LimitsError) as e:
        base.with_limits('{"policy": "agent_permissions", "scopes": [{"tenant": "x", "limits": '
                         '{"allowed_tools": ["kb_*"]}}]}')
    assert e.value.diagnostic is None and "a limits file's sets hold exact strings only" in e.value.message
