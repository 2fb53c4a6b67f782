// partition.test.js: the partition function (spec/scaleout.md §1) from JavaScript: the
// spec's examples (the same as tests/vm/partition.c's), every example record's partition
// against its key read independently, and the policies that cannot be partitioned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Policy, GovError, initVM, partitionOf } from 'gov';
import { govcBuild, lines, exists } from './helpers.js';

test('partitionOf gives the spec\'s examples', async () => {
  await initVM();
  assert.equal(partitionOf('', 64), 2);
  assert.equal(partitionOf('agent-0001', 64), 11);
  assert.equal(partitionOf('café', 64), 63);
  assert.equal(partitionOf('triage-bot', 64), 61);
  assert.equal(partitionOf('triage-bot', 1), 0);
  assert.throws(() => partitionOf('x', 0), (e) => e instanceof GovError && e.code === 'GOV_EMISUSE');
  assert.throws(() => partitionOf(7, 4), TypeError);
});

// The key a line is routed by, read the plain way (JSON.parse; the example records have
// no duplicate members): the partition key member when it is a string, else "".
function keyOf(line, key) {
  let v;
  try { v = JSON.parse(line); } catch { return ''; }
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v[key] === 'string' ? v[key] : '';
}

for (const name of ['support', 'loan_underwriting', 'error_spike']) {
  test(`${name}: policy.partition is partitionOf of the line's decoded key`, async () => {
    const policy = await Policy.load(govcBuild(`policies/${name}`));
    const src = ['records.jsonl', 'events.jsonl'].map((f) => `policies/${name}/${f}`)
      .filter((f) => exists(f));
    assert.ok(src.length > 0);
    let seen = 0;
    for (const n of [1, 7, 64]) {
      for (const file of src) {
        for (const line of lines(file).map((l) => l.replace(/\r$/, '')).filter((l) => l !== '')) {
          const part = partitionOf(keyOf(line, policy.partitionKey), n);
          assert.equal(policy.partition(line, n), part, `${file}: ${line} of ${n}`);
          assert.equal(policy.partition(JSON.parse(line), n), part);
          seen++;
        }
      }
    }
    assert.ok(seen > 0);
  });
}

test('the partition key, and policies without one', async () => {
  const support = await Policy.load(govcBuild('policies/support'));
  assert.equal(support.partitionKey, 'agent');
  assert.equal(support.partition({ agent: 'triage-bot' }, 64), partitionOf('triage-bot', 64));
  assert.equal(support.partition({ tenant: 'acme' }, 64), partitionOf('', 64));
  assert.equal(support.partition('not json', 64), partitionOf('', 64));
  const any = await Policy.load(govcBuild('policies/model_promotion'));
  assert.equal(any.partitionKey, 'any');
  assert.throws(() => any.partition({}, 4), (e) => e instanceof GovError && e.code === 'GOV_EMISUSE');
  const none = await Policy.load(govcBuild('policies/agent_health'));
  assert.equal(none.partitionKey, 'none');
  assert.equal(none.partition({ agent: 'a' }, 1), 0);
  assert.throws(() => none.partition({ agent: 'a' }, 2), (e) => e instanceof GovError && e.code === 'GOV_EMISUSE');
});
