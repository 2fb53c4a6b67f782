"""gov.PolicySet: the example set of policies/ (two teams' and the platform's) gives, line
for line, the decisions of `govc run -p ... -p ... -p ...` (spec/trace.md §11)."""
import json
import os
import subprocess

import pytest

import gov

from conftest import BUILD

MEMBERS = ["policies/billing_team", "policies/support_team", "policies/platform_guardrails"]
EVENTS = "policies/platform_guardrails/events.jsonl"


def _set():
    return gov.PolicySet(*[gov.VM(gov.Policy.compile(p)) for p in MEMBERS])


def test_set_decisions_are_govc_runs():
    cmd = [os.path.join(BUILD, "govc"), "run"] + [a for p in MEMBERS for a in ("-p", p)] + [EVENTS]
    want = [json.loads(l) for l in subprocess.run(cmd, capture_output=True, check=True, text=True).stdout.splitlines()]
    s = _set()
    lines = [l for l in open(EVENTS).read().splitlines() if l.strip()]
    got = [s.evaluate(l, n).data for n, l in enumerate(lines, 1)]
    assert got == want
    verdicts = [d["verdict"] for d in got]
    assert "block" in verdicts and "review" in verdicts


def test_verdict_decider_and_findings_name_their_policy():
    s = _set()
    d = s.evaluate({"project": "support", "agent": "faq-bot", "run_id": "s-9", "at": "2026-12-01T09:04:00Z",
                    "latency_ms": 800, "cost_usd": 2.40, "tokens": 36000, "error": True})
    assert d.verdict == "block" and d.decided_by == "platform_guardrails"
    by = {(f["policy"], f["rule"]) for f in d.findings}
    assert ("platform_guardrails", "cost_ceiling") in by and ("support_team", "support_failed") in by
    assert not d.allowed
    quiet = s.evaluate({"project": "billing", "agent": "a", "at": "2026-12-01T09:05:00Z", "latency_ms": 10,
                        "cost_usd": 0.01})
    assert quiet.verdict == "allow" and quiet.decided_by is None and quiet.findings == []


def test_member_error_names_the_member_and_set_refuses_misuse():
    s = _set()
    with pytest.raises(gov.RecordError) as e:
        s.evaluate({"at": "2026-12-01T09:00:00Z", "latency_ms": "slow", "cost_usd": 0.01})
    assert "billing_team" in str(e.value)
    vm = gov.VM(gov.Policy.compile(MEMBERS[0]))
    with pytest.raises(ValueError):
        gov.PolicySet(vm, vm)
    with pytest.raises(TypeError):
        gov.PolicySet()
    t = _set().tick("2026-12-02T00:00:00Z")
    assert t.verdict == "allow" and len(t.decisions) == 3
