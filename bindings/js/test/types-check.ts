// types-check.ts: the package used as a TypeScript program would use it; `tsc` must
// accept it with strict checks (types.test.js). Never run, only type-checked.
import { Policy, VM, GovError, HostFailure, compile, checkSync, compilePolicy, type Decision, type Verdict, type Diagnostic } from 'gov';
import { govInputGuardrail, govOutputGuardrail, GovToolApprovals, GovStopError } from 'gov/openai';
import { GovCallbackHandler } from 'gov/langchain';
import { Agent, tool } from '@openai/agents';
import { z } from 'zod';

export async function build(): Promise<Policy> {
  const diags: Diagnostic[] = checkSync({ 'a.gov': 'policy a' }).diagnostics;
  for (const d of diags) console.log(`${d.file}:${d.line}:${d.col}: ${d.severity}[${d.code}] ${d.message}`, d.notes.length);
  const { programs } = await compile({ 'a.gov': 'policy a' }, { werror: true });
  const first: Uint8Array = programs[0].bytes;
  await Policy.load(first);
  return compilePolicy('policy a');
}

export async function main(bytes: Uint8Array): Promise<Verdict | null> {
  const policy: Policy = await Policy.load(bytes);
  const vm: VM = policy.vm({ trace: true, limits: { nesting: 8 }, externs: { score: (s) => (typeof s === 'string' ? s.length / 10 : 0) } });
  vm.bind('flag', () => true, { returns: 'int', params: ['string'] });
  let d: Decision;
  try {
    d = vm.evaluate({ at: new Date().toISOString(), latency_ms: 10, cost_usd: 0.01 });
  } catch (e) {
    if (e instanceof GovError) console.log(e.code, e.decision?.error?.message);
    throw e;
  }
  for (const f of d.findings) console.log(f.rule, f.severity, f.limit?.value.text);
  // Inhibition (spec/language.md §4.10): a muted finding names its inhibitor, and so does
  // each notify_inhibited action that replaces its notifications.
  const muted: string[] = d.findings.flatMap((f) => (f.inhibited_by ? [f.inhibited_by] : []));
  for (const a of d.actions) {
    if (a.type === 'notify_inhibited') {
      const by: string | undefined = a.inhibited_by;
      console.log(a.channel, by, muted.length);
    } else if (a.type === 'notify_held' || a.type === 'notify_silenced' || a.type === 'gate_approval') console.log(a.type);
  }
  const gate = d.actions.find((a) => a.type === 'gate_open');
  if (gate?.gate_id) vm.approve(gate.gate_id, 'me@example.com', new Date());
  vm.tick(1_000n);
  try {
    const limited: Policy = policy.withLimits('{"policy": "a", "scopes": []}', 'limits.json');
    console.log(limited.id);
  } catch (e) {
    if (e instanceof GovError && e.code === 'GOV_ELOOSEN') console.log(e.file, e.line, e.col, e.diagnostic, e.note);
  }
  // Compact traces (spec/trace.md §3.1): kept per decision, rendered later.
  const cvm: VM = policy.vm({ compactTrace: true });
  const kept: Uint8Array | undefined = cvm.evaluate('{"at":"2026-11-25T09:00:00Z"}').traceCompact;
  if (kept) {
    const json: string = policy.vm().renderTrace(kept);
    console.log(json.length);
  }
  const saved: Uint8Array = vm.saveState();
  policy.vm().loadState(saved);
  const now: bigint | null = vm.now;
  console.log(now, vm.pendingGates, policy.externs.map((x) => x.onError), d.trace?.rules.length);
  new HostFailure(3);

  const approvals = new GovToolApprovals({ vm, kind: 'tool_call', identity: { tenant: 'acme' } });
  const refund = tool({
    name: 'refund', description: 'refund', parameters: z.object({ amount_usd: z.number() }),
    needsApproval: approvals.needsApproval('refund'),
    execute: async ({ amount_usd }) => `refunded ${amount_usd}`,
  });
  new Agent({
    name: 'a', instructions: 'x', tools: [refund],
    inputGuardrails: [govInputGuardrail({ vm, kind: 'prompt' })],
    outputGuardrails: [govOutputGuardrail({ vm, kind: 'answer', tripOn: ['block'] })],
  });
  const handler = new GovCallbackHandler({ vm, costPerToken: 1e-6, onDecision: (dd, run) => console.log(run.type, dd.verdict) });
  console.log(handler.decisions.length, GovStopError.name);
  return d.verdict;
}
