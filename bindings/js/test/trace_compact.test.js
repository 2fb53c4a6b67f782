// trace_compact.test.js: compact traces through gov.wasm (spec/trace.md §3.1): a VM made
// with compactTrace gives each decision `traceCompact` (bytes), and vm.renderTrace gives
// its JSON trace byte for byte as native `govc run --trace` prints it, on the VM that
// took it or another; version 1 traces still render; another policy's, an unknown
// version's and malformed bytes throw GovError and change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Policy, GovError } from 'gov';
import { GOVC, ROOT, BUILD, govcBuild, lines, exists, piiHost } from './helpers.js';

const POLICIES = ['agent_alerts', 'agent_health', 'content_safety', 'error_spike', 'latency_p95',
  'loan_underwriting', 'model_promotion', 'operations', 'payments', 'support', 'token_drift'];
const MARK = ',"trace":{"trace":';
const tmp = mkdtempSync(join(tmpdir(), 'govjs-compact-'));

/** Native `govc run --trace`, as text: per line, the decision and its trace (spliced in last). */
function govcTraces(policyPath, jsonl, args = []) {
  const govb = join(tmp, `${policyPath.replace(/[^a-z0-9]+/gi, '_')}.govb`);
  execFileSync(GOVC, ['build', '-o', govb, join(ROOT, policyPath)], { stdio: 'ignore' });
  let out;
  try {
    out = execFileSync(GOVC, ['run', '--trace', ...args, '-p', govb, join(ROOT, jsonl)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 });
  } catch (e) {
    out = e.stdout; // exit 1: a malformed line, reported as an error decision
  }
  return out.split('\n').filter(Boolean).map((l) => {
    const i = l.lastIndexOf(MARK);
    return { decision: `${l.slice(0, i)}}`, trace: l.slice(i + MARK.length - '{"trace":'.length, -1) };
  });
}

for (const name of POLICIES) {
  for (const input of ['records.jsonl', 'events.jsonl']) {
    const path = `policies/${name}/${input}`;
    if (!exists(path)) continue;
    test(`${name}/${input}: rendered compact traces are native govc run --trace's`, async () => {
      const policy = await Policy.load(govcBuild(`policies/${name}`));
      const opts = name === 'content_safety' ? { externs: piiHost } : {};
      const vm = policy.vm({ ...opts, compactTrace: true });
      const other = policy.vm(opts); // renders only
      const args = name === 'content_safety' ? ['--host-lib', `${BUILD}/hosts/content_safety.so`] : [];
      const want = govcTraces(`policies/${name}`, path, args);
      let n = 0;
      let got = 0;
      for (const l of lines(path)) {
        if (l.trim() === '') { vm._line++; continue; }
        let d;
        try {
          d = vm.evaluate(l);
        } catch (e) {
          assert.ok(e instanceof GovError);
          n++;
          continue; // govc prints its error decision; the binding throws
        }
        const w = want[n++];
        assert.ok(d.traceCompact instanceof Uint8Array && d.traceCompact[0] === 0x67 && d.traceCompact[1] === 0x74);
        assert.ok(!Object.keys(d).includes('traceCompact'), 'not enumerable');
        assert.deepEqual(d, JSON.parse(w.decision));
        assert.equal(other.renderTrace(d.traceCompact), w.trace, `${path} line ${n}`);
        assert.equal(vm.renderTrace(d.traceCompact), w.trace, `${path} line ${n}, on its own VM`);
        got++;
      }
      assert.equal(n, want.length);
      assert.ok(got > 0);
    });
  }
}

test('version 1 compact traces still render', async () => {
  const policy = await Policy.load(govcBuild('tests/vm/compact_v1/policy.gov'));
  const want = govcTraces('tests/vm/compact_v1/policy.gov', 'tests/vm/compact_v1/records.jsonl');
  const hexes = lines('tests/vm/compact_v1/traces.hex').filter(Boolean);
  assert.equal(hexes.length, want.length);
  const vm = policy.vm();
  hexes.forEach((h, i) => {
    const b = Uint8Array.from(Buffer.from(h, 'hex'));
    assert.equal(b[2], 1);
    assert.equal(vm.renderTrace(b), want[i].trace, `line ${i + 1}`);
  });
});

test('version 2 compact traces still render', async () => {
  const policy = await Policy.load(govcBuild('tests/vm/compact_v1/policy.gov'));
  const want = govcTraces('tests/vm/compact_v1/policy.gov', 'tests/vm/compact_v1/records.jsonl');
  const hexes = lines('tests/vm/compact_v2/traces.hex').filter(Boolean);
  assert.equal(hexes.length, want.length);
  const vm = policy.vm();
  hexes.forEach((h, i) => {
    const b = Uint8Array.from(Buffer.from(h, 'hex'));
    assert.equal(b[2], 2);
    assert.equal(vm.renderTrace(b), want[i].trace, `line ${i + 1}`);
  });
});

test('bad compact traces throw GovError and change nothing', async () => {
  const policy = await Policy.load(govcBuild('policies/support'));
  const vm = policy.vm({ compactTrace: true });
  const d = vm.evaluate(lines('policies/support/records.jsonl')[0]);
  const good = d.traceCompact;
  const want = vm.renderTrace(good);
  const other = (await Policy.load(govcBuild('policies/payments'))).vm();
  assert.throws(() => other.renderTrace(good), (e) => e instanceof GovError && e.code === 'GOV_EPOLICY' && /policy id/.test(e.message));
  for (const v of [0, 5, 255]) {
    const b = good.slice();
    b[2] = v;
    assert.throws(() => vm.renderTrace(b), (e) => e instanceof GovError && e.code === 'GOV_EVERSION');
  }
  const cut = good.slice(0, good.length - 1);
  const long = new Uint8Array(good.length + 1);
  long.set(good);
  for (const b of [new Uint8Array(0), good.slice(0, 2), cut, long]) {
    assert.throws(() => vm.renderTrace(b), (e) => e instanceof GovError && e.code === 'GOV_ETRACE' && e.message.length > 0);
  }
  assert.throws(() => vm.renderTrace('gt'), TypeError);
  assert.equal(vm.renderTrace(good), want);
  assert.equal(policy.vm().evaluate(lines('policies/support/records.jsonl')[0]).traceCompact, undefined);
});

test('rendering leaves the VM deciding as one that did not', async () => {
  const bytes = govcBuild('policies/agent_alerts');
  const a = (await Policy.load(bytes)).vm({ compactTrace: true });
  const b = (await Policy.load(bytes)).vm();
  for (const l of lines('policies/agent_alerts/records.jsonl').filter(Boolean)) {
    const d = a.evaluate(l);
    a.renderTrace(d.traceCompact);
    assert.deepEqual(d, b.evaluate(l));
  }
  assert.deepEqual(a.saveState(), b.saveState());
});
