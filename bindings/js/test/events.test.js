// events.test.js: gates, acknowledgements and ticks through the binding's methods, and
// state saved in one VM and restored in another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Policy, GovError } from 'gov';
import { govcBuild } from './helpers.js';

const app = (run_id, amount, at, extra = {}) => ({
  project: 'consumer', agent: 'underwriter-1', at, run_id, loan_amount_usd: amount, risk_score: 0.2,
  debt_to_income_pct: 20, draft_decision: 'approve', latency_ms: 3000, income_verified: true, ...extra,
});

const loan = await Policy.load(govcBuild('policies/loan_underwriting'));

test('a review opens a gate; the approver approves it, anyone else is refused', () => {
  const vm = loan.vm();
  const d = vm.evaluate(app('app-1', 300000, '2026-11-25T10:00:00Z'));
  assert.equal(d.verdict, 'review');
  const open = d.actions.find((a) => a.type === 'gate_open');
  assert.ok(open, 'a gate_open action');
  assert.match(open.gate_id, /^[0-9a-f]{16}$/);
  const id = open.gate_id;
  assert.equal(vm.pendingGates, 1);
  const refused = vm.approve(id, 'mallory@elsewhere.example', '2026-11-25T10:05:00Z');
  assert.equal(refused.actions[0].type, 'refused');
  assert.equal(vm.pendingGates, 1);
  const ok = vm.approve(id, 'risk-team@lender.example', new Date('2026-11-25T10:06:00Z'));
  assert.equal(ok.actions[0].type, 'gate_approved');
  assert.equal(ok.actions[0].by, 'risk-team@lender.example');
  assert.equal(vm.pendingGates, 0);
  assert.equal(vm.now, 1795601160000000000n);
});

test('a rejection denies the run; an unknown gate id is refused; a malformed one throws', () => {
  const vm = loan.vm();
  const d = vm.evaluate(app('app-2', 300000, '2026-11-25T10:00:00Z'));
  const id = d.actions.find((a) => a.type === 'gate_open').gate_id;
  const r = vm.reject(id, 'risk-team@lender.example');  // at: the VM's clock
  assert.equal(r.actions[0].type, 'gate_rejected');
  assert.equal(r.actions[0].verdict, 'block');
  assert.equal(vm.approve('0123456789abcdef', 'risk-team@lender.example').actions[0].type, 'refused');
  assert.throws(() => vm.approve('not-an-id', 'x'), (e) => e instanceof GovError && e.code === 'GOV_EEVENT');
  assert.throws(() => vm.approve(id, ''), (e) => e instanceof GovError && e.code === 'GOV_EEVENT');
  assert.throws(() => loan.vm().approve(id, 'x'), TypeError); // no clock yet, no time given
});

test('ticks time a gate out into its escalation, which an ack ends', () => {
  const vm = loan.vm();
  vm.evaluate(app('app-3', 300000, '2026-11-25T10:00:00Z'));
  const t = vm.tick('2026-11-25T10:31:00Z');
  const timeout = t.actions.find((a) => a.type === 'gate_timeout');
  assert.equal(timeout.outcome, 'escalate');
  const start = t.actions.find((a) => a.type === 'escalation_start');
  assert.ok(start);
  assert.equal(vm.runningEscalations, 1);
  const step = vm.tick(Date.parse('2026-11-25T11:05:00Z')); // milliseconds
  assert.ok(step.actions.some((a) => a.type === 'escalation_step'));
  const ack = vm.ack(start.escalation_id, 'oncall@lender.example', 1795604800000000000n);
  assert.equal(ack.actions.at(-1).type, 'escalation_end');
  assert.equal(ack.actions.at(-1).reason, 'acknowledged');
  assert.equal(vm.runningEscalations, 0);
  assert.throws(() => vm.tick('yesterday'), GovError);
  assert.throws(() => vm.tick({}), TypeError);
});

test('state saved from one VM and restored in another gives the same later decisions', () => {
  const events = [
    app('a1', 300000, '2026-11-25T10:00:00Z'), app('a2', 5000, '2026-11-25T10:01:00Z'),
    app('a3', 400000, '2026-11-25T10:02:00Z'), app('a4', 260000, '2026-11-25T10:20:00Z'),
  ];
  const whole = loan.vm();
  const all = events.map((e) => whole.evaluate(e, { line: 1 }));
  const t1 = whole.tick('2026-11-25T10:45:00Z');
  for (let cut = 0; cut <= events.length; cut++) {
    const a = loan.vm();
    for (const e of events.slice(0, cut)) a.evaluate(e, { line: 1 });
    const saved = a.saveState();
    const b = loan.vm();
    b.loadState(saved);
    assert.deepEqual(b.saveState(), saved);
    const rest = events.slice(cut).map((e) => b.evaluate(e, { line: 1 }));
    assert.deepEqual(rest, all.slice(cut), `cut after ${cut}`);
    assert.deepEqual(b.tick('2026-11-25T10:45:00Z'), t1);
  }
});

test('a state of another policy, or a corrupt one, is refused and changes nothing', async () => {
  const support = await Policy.load(govcBuild('policies/support'));
  const other = support.vm();
  other.evaluate({ tenant: 'acme', project: 'p', workflow: 'w', agent: 'a', run_id: 'r', at: '2026-01-01T00:00:00Z', latency_ms: 10, cost_usd: 0.01 });
  const vm = loan.vm();
  vm.evaluate(app('x', 300000, '2026-11-25T10:00:00Z'));
  const before = vm.saveState();
  assert.throws(() => vm.loadState(other.saveState()), (e) => e instanceof GovError && e.code === 'GOV_EPOLICY');
  const bad = Uint8Array.from(before);
  bad[bad.length - 3] ^= 0xff;
  assert.throws(() => vm.loadState(bad), (e) => e instanceof GovError && /GOV_E/.test(e.code) && e.message.length > 0);
  assert.throws(() => vm.loadState(before.subarray(0, 10)), GovError);
  assert.throws(() => vm.loadState('nope'), TypeError);
  assert.deepEqual(vm.saveState(), before);
});
