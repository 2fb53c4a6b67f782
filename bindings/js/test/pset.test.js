// pset.test.js: PolicySet, several policies enforced together (spec/trace.md §11): the
// example set of policies/ (two teams' policies and the platform's) gives, line for
// line, the set decisions of native `govc run -p A -p B -p C`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicySet, GovError } from 'gov';
import { GOVC, ROOT, lines } from './helpers.js';

const MEMBERS = ['billing_team', 'support_team', 'platform_guardrails'];
const EVENTS = 'policies/platform_guardrails/events.jsonl';
const tmp = mkdtempSync(join(tmpdir(), 'govjs-set-'));
const govbs = MEMBERS.map((m) => {
  const out = join(tmp, `${m}.govb`);
  execFileSync(GOVC, ['build', '-o', out, join(ROOT, 'policies', m)], { stdio: 'ignore' });
  return out;
});

test('a PolicySet decides as govc run with one -p per member', async () => {
  const native = execFileSync(GOVC, ['run', ...govbs.flatMap((g) => ['-p', g]), join(ROOT, EVENTS)],
    { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
  const set = await PolicySet.load(govbs.map((g) => readFileSync(g)));
  const got = lines(EVENTS).filter(Boolean).map((l) => set.evaluate(l));
  assert.deepEqual(got, native);
  const blocked = got.find((d) => d.verdict === 'block');
  assert.equal(blocked.decided_by, 'platform_guardrails');
  assert.ok(blocked.decisions.flatMap((d) => d.findings).every((f) => MEMBERS.includes(f.policy)));
});

test('an error in a member throws, naming it, with the set decision', async () => {
  const set = await PolicySet.load(govbs.map((g) => readFileSync(g)));
  assert.throws(() => set.evaluate({ at: '2026-12-01T09:00:00Z', latency_ms: 'slow', cost_usd: 0.01 }),
    (e) => e instanceof GovError && e.code === 'GOV_EFIELD' && /billing_team/.test(e.message) &&
      e.decision.decisions.length === 3);
  await assert.rejects(PolicySet.load([]), TypeError);
});
