// limits.test.js: Policy.withLimits, a limits file beside a policy (spec/language.md
// §5.2), against native `govc run --limits`: the same decisions and policy id for the
// example file, and for every refused file the same code, message, line, column and
// note that govc prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Policy, GovError } from 'gov';
import { GOVC, ROOT, govcBuild, govcRun, lines } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'govjs-limits-'));
const LIMITS = join(ROOT, 'policies/support/limits.json');
const TENANTS = 'policies/support/tenants.jsonl';
const support = () => Policy.load(govcBuild('policies/support'));

// The policy in dir with limits file `file` (withLimits) and its decisions of recs, which
// must equal native `govc run --limits`'s; the id must be another than the base's.
async function decidesAsNative(dir, recs, file) {
  const base = await Policy.load(govcBuild(dir));
  const p = base.withLimits(readFileSync(file, 'utf8'), file);
  const native = govcRun(dir, recs, ['--limits', file]);
  const vm = p.vm();
  const got = lines(recs).filter(Boolean).map((l) => vm.evaluate(l));
  assert.deepEqual(got, native);
  assert.notEqual(p.id, base.id);
  return { base, p, got };
}

test('the example limits file decides as govc run --limits, with the same policy id', async () => {
  const { base, p, got } = await decidesAsNative('policies/support', TENANTS, LIMITS);
  assert.equal(p.name, base.name);
  assert.equal(got[0].policy_id, p.id);
  // The file's values decide: globex/billing's 1.5s comes from the file's line 5.
  const slow = got[0].findings.find((f) => f.rule === 'slow_run');
  assert.equal(slow.limit.value.text, '1.5s');
  assert.equal(slow.limit.from.at, `${LIMITS}:5:77`);
  // Without the file, the same record is allowed: the base policy is unchanged.
  assert.equal(base.vm().evaluate(lines(TENANTS)[0]).verdict, 'allow');
});

test('bytes are accepted, and a file that sets nothing keeps the id', async () => {
  const base = await support();
  const same = base.withLimits(new TextEncoder().encode('{"policy": "support_agents", "scopes": []}'));
  assert.equal(same.id, base.id);
  const again = base.withLimits(readFileSync(LIMITS), LIMITS);
  assert.equal(again.id, base.withLimits(readFileSync(LIMITS, 'utf8'), 'another/name.json').id);
  assert.throws(() => base.withLimits(42), TypeError);
});

// Files govc refuses: loosening ones (E050) and malformed ones, for policies/support.
const REFUSED = [
  ['loosen-default', '{"policy": "support_agents",\n "scopes": [{"tenant": "globex", "limits": {"cost_cap": "$0.50"}}]}'],
  ['loosen-scope', '{"policy": "support_agents", "scopes": [{"tenant": "acme", "project": "billing", "limits": {"latency_budget": "4s"}}]}'],
  ['loosen-min', '{"policy": "support_agents", "scopes": [{"agent": "faq-bot", "limits": {"quality_floor": "90%"}}]}'],
  ['truncated', '{"policy": "support_agents", "scopes": [}'],
  ['other-policy', '{"policy": "loans", "scopes": []}'],
  ['unknown-limit', '{"policy": "support_agents", "scopes": [{"tenant": "x", "limits": {"nope": 1}}]}'],
  ['wrong-type', '{"policy": "support_agents", "scopes": [{"tenant": "x", "limits": {"latency_budget": 5}}]}'],
  ['bad-literal', '{"policy": "support_agents", "scopes": [{"tenant": "x", "limits": {"latency_budget": "5parsecs"}}]}'],
  ['twice', '{"policy": "support_agents", "scopes": [{"tenant": "x", "limits": {}}, {"tenant": "x", "limits": {}}]}'],
  ['no-scopes', '{"policy": "support_agents"}'],
  ['trailing', '{"policy": "support_agents", "scopes": []} []'],
  ['not-utf8', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])],
  ['empty', ''],
];

test('every refused file gives govc run --limits\'s code, message, line, column and note', async () => {
  const base = await support();
  const govb = join(tmp, 'support.govb');
  execFileSync(GOVC, ['build', '-o', govb, join(ROOT, 'policies/support')], { stdio: 'ignore' });
  for (const [name, text] of REFUSED) {
    const file = join(tmp, `${name}.json`);
    writeFileSync(file, text);
    const r = spawnSync(GOVC, ['run', '-p', govb, '--limits', file, join(ROOT, TENANTS)], { encoding: 'utf8' });
    assert.notEqual(r.status, 0, `${name}: govc accepted it`);
    assert.equal(r.stdout, '', name);
    const native = r.stderr.trimEnd().split('\n');
    let err;
    try {
      base.withLimits(text, file);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof GovError, `${name}: withLimits accepted it`);
    assert.ok(['GOV_ELIMITS', 'GOV_ELOOSEN'].includes(err.code), `${name}: ${err.code}`);
    assert.equal(err.diagnostic, err.code === 'GOV_ELOOSEN' ? 'E050' : null, name);
    assert.equal(err.file, file);
    if (err.line) {
      assert.equal(native[0], `${file}:${err.line}:${err.col}: error${err.diagnostic ? '[E050]' : ''}: ${err.message}`, name);
    } else {
      assert.ok(native[0].startsWith(`${file}: ${err.message} (`), `${name}: ${native[0]} vs ${err.message}`);
    }
    assert.equal(err.note, err.note ? native.at(-1) : '', name);
  }
});

test('a loosening file is refused with E050, at its line and column', async () => {
  const base = await support();
  assert.throws(() => base.withLimits(REFUSED[0][1], 'bad.json'), (e) => e instanceof GovError &&
    e.code === 'GOV_ELOOSEN' && e.diagnostic === 'E050' && e.line === 2 && e.col === 45 &&
    e.message === '\'cost_cap\' = $0.50 in tenant "globex" loosens $0.12 from the default (a max limit may only go down)' &&
    e.note.endsWith('support.gov:25:22: note: the default sets it to $0.12 here'));
});

test('state saved under a limits file is refused by the policy without it', async () => {
  const base = await support();
  const p = base.withLimits(readFileSync(LIMITS, 'utf8'), LIMITS);
  const vm = p.vm();
  vm.evaluate(lines(TENANTS)[0]);
  assert.throws(() => base.vm().loadState(vm.saveState()), (e) => e instanceof GovError && e.code === 'GOV_EPOLICY');
  p.vm().loadState(vm.saveState());
});

// Allowlists and denylists in a limits file (issue 24 item 7), for policies/agent_permissions:
// the same decisions as govc run --limits, and the same refusals (a widened allowlist, a
// glob, an approver-style cap is the VM's, so one message each).
const SETS = join(ROOT, 'tests/limits/sets.json');
const PERM_RECS = 'policies/agent_permissions/records.jsonl';

test('a file\'s allowlists and denylists decide as govc run --limits', async () => {
  const { p } = await decidesAsNative('policies/agent_permissions', PERM_RECS, SETS);
  const globex = p.vm().evaluate('{"kind":"tool_call","tenant":"globex","run_id":"r","at":"2026-12-01T09:00:00Z",' +
    '"tool":"refund","model":"gpt-small","args_bytes":1,"data_classes":["pii"]}');
  const rules = globex.findings.map((f) => f.rule);
  assert.ok(rules.includes('tool_not_allowed'), JSON.stringify(globex.findings));
  const f = globex.findings.find((x) => x.rule === 'tool_not_allowed');
  assert.deepEqual(f.limit.value.value, ['kb_lookup', 'search']);
  assert.ok(f.limit.from.at.startsWith(`${SETS}:2:`));
});

test('a set file that widens an allowlist, or lists a glob, is refused as govc refuses it', async () => {
  const base = await Policy.load(govcBuild('policies/agent_permissions'));
  const loose = join(ROOT, 'tests/limits/sets_loose.json');
  const glob = join(tmp, 'glob.json');
  writeFileSync(glob, '{"policy": "agent_permissions", "scopes": [{"tenant": "x", "limits": {"allowed_tools": ["kb_*"]}}]}');
  for (const file of [loose, glob]) {
    const r = spawnSync(GOVC, ['run', '-p', join(ROOT, 'policies/agent_permissions'), '--limits', file, '/dev/null'],
      { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    const native = r.stderr.trimEnd().split('\n');
    let err;
    try {
      base.withLimits(readFileSync(file, 'utf8'), file);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof GovError, `${file}: accepted`);
    assert.equal(native[0], `${file}:${err.line}:${err.col}: error${err.diagnostic ? '[E050]' : ''}: ${err.message}`);
    assert.equal(err.note, err.note ? native.at(-1) : '');
  }
});
