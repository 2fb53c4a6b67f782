// vm.test.js: gov.wasm against the native build: the same decisions and traces for every
// example policy's records and events, and bad input as exceptions that change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Policy, GovError } from 'gov';
import { govcBuild, govcRun, lines, exists, piiHost } from './helpers.js';

const POLICIES = ['agent_health', 'content_safety', 'error_spike', 'latency_p95', 'loan_underwriting',
  'model_promotion', 'operations', 'payments', 'support', 'token_drift'];

/** Decisions for each line as the binding gives them (an error decision from the exception). */
function decide(vm, input) {
  const out = [];
  for (const l of lines(input)) {
    if (l.trim() === '') { vm._line++; continue; }
    try {
      out.push(vm.evaluate(l));
    } catch (e) {
      assert.ok(e instanceof GovError, `${input}: ${e}`);
      out.push(e.decision);
    }
  }
  return out;
}

for (const name of POLICIES) {
  for (const input of ['records.jsonl', 'events.jsonl']) {
    const path = `policies/${name}/${input}`;
    if (!exists(path)) continue;
    test(`${name}/${input}: the same decisions as native govc run`, async () => {
      const policy = await Policy.load(govcBuild(`policies/${name}`));
      const vm = policy.vm(name === 'content_safety' ? { externs: piiHost } : {});
      const args = name === 'content_safety' ? ['--host-lib', `${process.env.GOV_BUILD}/hosts/content_safety.so`] : [];
      const want = govcRun(`policies/${name}`, path, args);
      const got = decide(vm, path);
      assert.equal(got.length, want.length);
      assert.ok(got.length > 0);
      for (let i = 0; i < want.length; i++) assert.deepEqual(got[i], want[i], `${path} decision ${i + 1}`);
    });
  }
}

test('agent_alerts: inhibited findings and notify_inhibited actions as native govc run gives them', async () => {
  // spec/language.md §4.10: error_burst inhibits slow_run and token_shift; a muted finding
  // names its inhibitor and its notifications become notify_inhibited actions.
  const path = 'policies/agent_alerts/records.jsonl';
  const policy = await Policy.load(govcBuild('policies/agent_alerts'));
  const want = govcRun('policies/agent_alerts', path, ['--trace']);
  const got = decide(policy.vm({ trace: true }), path);
  assert.equal(got.length, want.length);
  let muted = 0;
  for (let i = 0; i < want.length; i++) {
    assert.deepEqual(got[i], want[i], `${path} decision ${i + 1}`);
    const by = got[i].findings.filter((f) => f.inhibited_by !== undefined);
    const inh = got[i].actions.filter((a) => a.type === 'notify_inhibited');
    assert.equal(by.length > 0, inh.length > 0, `decision ${i + 1}: muted findings and their actions together`);
    for (const a of inh) {
      const f = by.find((x) => x.rule === a.rule);
      assert.ok(f, `decision ${i + 1}: ${a.rule}'s notify_inhibited has its inhibited finding`);
      assert.equal(a.inhibited_by, f.inhibited_by);
      assert.ok(got[i].findings.some((x) => x.rule === a.inhibited_by), `decision ${i + 1}: the inhibitor fired on the record`);
    }
    muted += inh.length;
  }
  assert.ok(muted > 0, 'the stream has inhibited notifications');
});

test('traces are those of native govc run --trace', async () => {
  for (const name of ['support', 'loan_underwriting', 'token_drift']) {
    const policy = await Policy.load(govcBuild(`policies/${name}`));
    const vm = policy.vm({ trace: true });
    const want = govcRun(`policies/${name}`, `policies/${name}/records.jsonl`, ['--trace']);
    const got = decide(vm, `policies/${name}/records.jsonl`);
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) {
      assert.ok(got[i].trace && typeof got[i].trace === 'object', `${name}: a trace for decision ${i + 1}`);
      assert.deepEqual(got[i], want[i], `${name} decision ${i + 1} with its trace`);
    }
  }
});

test('a malformed record is a GovError with its code and changes nothing', async () => {
  const policy = await Policy.load(govcBuild('policies/support'));
  const vm = policy.vm();
  const good = lines('policies/support/records.jsonl').filter(Boolean);
  vm.evaluate(good[0]);
  const before = vm.saveState();
  const cases = [
    ['{"tenant":', 'GOV_EJSON'],
    ['not json at all', 'GOV_EJSON'],
    ['{"kind":"nope","at":"2026-01-01T00:00:00Z"}', 'GOV_EKIND'],
    ['{"tenant":"acme"}', 'GOV_EMISSING'],
    ['{"at":"2026-13-45T00:00:00Z","tenant":"acme","project":"p","workflow":"w","agent":"a","run_id":"r"}', 'GOV_EFIELD'],
    ['{"at":"x\u0000y"}', 'GOV_EJSON'],
    [`{"a":"${'x'.repeat(70000)}"}`, 'GOV_ECAP'],
    [`{"a":${'['.repeat(100)}${']'.repeat(100)}}`, 'GOV_ECAP'],
  ];
  for (const [line, code] of cases) {
    assert.throws(() => vm.evaluate(line), (e) => {
      assert.ok(e instanceof GovError);
      assert.equal(e.code, code, `${line.slice(0, 40)}: ${e.message}`);
      assert.equal(e.decision.status, 'error');
      assert.ok(e.message.length > 0);
      return true;
    });
    assert.deepEqual(vm.saveState(), before, `${line.slice(0, 40)} changed the state`);
  }
  assert.throws(() => vm.evaluate({ at: 1n }), (e) => e instanceof GovError && e.code === 'GOV_EJSON');
  assert.throws(() => vm.evaluate(42), TypeError);
  assert.throws(() => vm.evaluate(null), TypeError);
  // still usable
  assert.equal(vm.evaluate(good[1]).status, 'ok');
});

test('a corrupt or hostile .govb is refused with a GovError, never a crash', async () => {
  const bytes = govcBuild('policies/support');
  await assert.rejects(Policy.load(new Uint8Array([1, 2, 3])), (e) => e instanceof GovError && ['GOV_ETRUNC', 'GOV_EMAGIC'].includes(e.code));
  await assert.rejects(Policy.load(bytes.subarray(0, bytes.length - 7)), GovError);
  await assert.rejects(Policy.load('not bytes'), TypeError);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const b = Uint8Array.from(bytes);
    const n = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < n; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    try {
      const p = await Policy.load(b);
      p.vm().evaluate(lines('policies/support/records.jsonl')[0]);
    } catch (e) {
      assert.ok(e instanceof GovError, `mutation ${i}: ${e}`);
      assert.notEqual(e.code, 'GOV_ETRAP', `mutation ${i} trapped`);
      refused++;
    }
  }
  assert.ok(refused > 250, `${refused} of 300 mutations refused (the checksum catches nearly all)`);
});

test('JSON limits are set per VM, checked at their value, and refused when invalid', async () => {
  const policy = await Policy.load(govcBuild('policies/support'));
  const line = lines('policies/support/records.jsonl').filter(Boolean)[0];
  const vm = policy.vm({ limits: { lineLength: line.length } });
  assert.equal(vm.evaluate(line).status, 'ok');
  assert.throws(() => vm.evaluate(`${line} `), (e) => e.code === 'GOV_ECAP');
  assert.equal(vm.limit('lineLength', 10), line.length);
  assert.throws(() => vm.evaluate(line), (e) => e.code === 'GOV_ECAP');
  assert.throws(() => vm.limit('nope', 1), TypeError);
  assert.throws(() => policy.vm({ limits: { nesting: -1 } }), TypeError);
  assert.throws(() => policy.vm({ limits: { nesting: 1e6 } }), (e) => e instanceof GovError && /invalid limits/.test(e.message));
});
