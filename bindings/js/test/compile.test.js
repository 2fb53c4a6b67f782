// compile.test.js: govc.wasm (libgovc) against native govc: the same bytes for every
// example policy, the same diagnostics for the check suite's bad sources, diagnostics as
// objects, imports between sources given in memory, and bad input (garbage, deep nesting,
// mutations, allocations failing) as GovErrors or diagnostics, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, compileSync, check, checkSync, compilePolicy, GovError } from 'gov';
import { ROOT, GOVC } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'govc-js-'));
const govFiles = (dir) => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.gov')).sort();

// Before every waiver and silence in the check suite ends (the earliest, a silence that
// the suite's W021 case needs ended, ends 2020-02-01).
const NOW = '2019-01-01T00:00:00Z';

function native(args, cwd) {
  const r = spawnSync(GOVC, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('every example policy compiles to the bytes native govc build writes', async () => {
  for (const name of readdirSync(join(ROOT, 'policies')).sort()) {
    const dir = join(ROOT, 'policies', name);
    const sources = Object.fromEntries(govFiles(`policies/${name}`).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    const { programs, diagnostics } = await compile(sources);
    assert.equal(programs.length, 1, name);
    const out = join(tmp, `${name}.govb`);
    const r = native(['build', '-o', out, ...Object.keys(sources)], dir);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(Buffer.from(programs[0].bytes), readFileSync(out), `${name}: bytes differ from native`);
    assert.match(programs[0].id, /^[0-9a-f]{32}$/);
    assert.ok(diagnostics.every((d) => d.severity === 'warning'));
  }
});

test('diagnostics of the check suite are those of native govc check, as text and as objects', () => {
  const dir = join(ROOT, 'tests/check/cases');
  const files = govFiles('tests/check/cases');
  assert.ok(files.length >= 50);
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    const js = checkSync({ [f]: text });
    // libgovc's check leaves waivers' and silences' dates to its caller (spec/language.md
    // 4.7, 4.9: govc check judges them against the clock, gov_compiler_waiver_dates);
    // native govc's clock is pinned before every one in the suite ends, so it judges none
    // either.
    const r = native(['check', '--now', NOW, f], dir);
    // native govc adds its count line ("govc: 2 errors, 0 warnings")
    assert.equal(js.text, (r.err ?? '').replace(/^govc: \d+ errors?, \d+ warnings?\n$/m, ''), `${f}: text`);
    const nj = native(['check', '--now', NOW, '--format', 'json', f], dir);
    const want = JSON.parse(nj.out || '[]');
    const wantList = Array.isArray(want) ? want : want.diagnostics ?? [];
    assert.equal(js.diagnostics.length, wantList.length, `${f}: count`);
    for (const d of js.diagnostics) {
      assert.match(d.code, /^[EW]\d{3}$/);
      assert.ok(d.file === null || d.line >= 1);
      assert.ok(Array.isArray(d.notes));
    }
    assert.equal(js.ok, js.errors === 0);
  }
});

test('compile errors throw a GovError carrying the diagnostics; -Werror counts warnings', async () => {
  await assert.rejects(compile({ 'p.gov': 'policy p\nrecord r { x: int }\nrule a { when r.y > 1 severity warning }\n' }), (e) => {
    assert.ok(e instanceof GovError);
    assert.equal(e.code, 'GOV_ESOURCE');
    assert.match(e.message, /p\.gov:3:\d+: error\[E\d+\]/);
    assert.equal(e.diagnostics[0].file, 'p.gov');
    assert.equal(e.diagnostics[0].line, 3);
    return true;
  });
  const warn = 'policy w\nrecord r { x: int }\nmax m = 5\nrule a { when r.x > 1 severity warning }\n';
  const plain = checkSync({ 'w.gov': warn });
  if (plain.warnings > 0) {
    assert.equal(checkSync({ 'w.gov': warn }, { werror: true }).ok, false);
    assert.throws(() => compileSync({ 'w.gov': warn }, { werror: true }), (e) => e.code === 'GOV_ESOURCE');
  }
  assert.equal(compileSync({ 'w.gov': warn }).programs.length, 1);
});

test('imports resolve between sources in memory and std/; nothing is read from disk', async () => {
  const policy = await compilePolicy({
    'app/main.gov': 'policy app\nimport "./limits.gov"\nimport "std/agent_run"\nrule slow { when run.latency > budget severity warning }\n',
    'app/limits.gov': 'module limits\nmax budget = 2s\n',
  });
  assert.equal(policy.name, 'app');
  const d = policy.vm().evaluate({ at: '2026-01-01T00:00:00Z', latency_ms: 2500, cost_usd: 0 });
  assert.equal(d.findings[0].rule, 'slow');
  const r = checkSync({ 'x.gov': `policy x\nimport "${join(ROOT, 'policies/support/support.gov')}"\n` });
  assert.equal(r.ok, false);
  assert.ok(r.diagnostics.some((x) => x.code === 'E031'), JSON.stringify(r.diagnostics));
});

test('bad input is a diagnostic or a GovError, never a crash; the compiler stays usable', async () => {
  const nested = `policy n\nrecord r { x: int }\nrule a { when ${'('.repeat(5000)}r.x${')'.repeat(5000)} > 1 severity warning }\n`;
  const deep = checkSync({ 'n.gov': nested });
  assert.equal(deep.ok, false);
  assert.ok(deep.diagnostics.some((x) => x.code === 'E010'), deep.text.slice(0, 300));
  assert.equal(checkSync({ 'bin.gov': new Uint8Array([0xff, 0xfe, 0, 1, 2]) }).ok, false);
  assert.throws(() => checkSync(42), TypeError);
  assert.throws(() => checkSync({ 'a.gov': 7 }), TypeError);
  assert.throws(() => checkSync({ '': 'policy x' }), GovError);
  const base = readFileSync(join(ROOT, 'policies/payments/payments.gov'), 'utf8');
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const alphabet = '{}()[]"\n =<>$%&|!.,:;0123456789abcdefrule when policy scope gate';
  for (let i = 0; i < 150; i++) {
    const chars = [...base];
    for (let k = 0; k < 1 + Math.floor(rand() * 6); k++) {
      const at = Math.floor(rand() * chars.length);
      const op = rand();
      if (op < 0.4) chars.splice(at, 1 + Math.floor(rand() * 20));
      else if (op < 0.8) chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)]);
      else chars.splice(at, 0, ...chars.slice(Math.floor(rand() * chars.length), Math.floor(rand() * chars.length)));
    }
    try {
      compileSync({ 'payments.gov': chars.join('') });
    } catch (e) {
      assert.ok(e instanceof GovError && e.code === 'GOV_ESOURCE', `mutation ${i}: ${e}`);
      assert.ok(e.diagnostics.length > 0);
    }
  }
  assert.equal(compileSync({ 'payments.gov': base }).programs.length, 1);
});

test('allocation failures anywhere in a compilation are GOV_ENOMEM, and the next one works', () => {
  const src = readFileSync(join(ROOT, 'policies/loan_underwriting/loan.gov'), 'utf8');
  // The arena takes big blocks: a compilation makes few allocations, each a failure point.
  let failures = 0;
  let unwound = 0;
  let n = 1;
  for (; n <= 200; n++) {
    try {
      compileSync({ 'loan.gov': src }, { _failAllocAfter: n });
      break;
    } catch (e) {
      assert.ok(e instanceof GovError, `${n}: ${e}`);
      assert.equal(e.code, 'GOV_ENOMEM', `${n}: ${e.message}`);
      failures++;
      if (e.cause) unwound++; // the front end's longjmp, out through gov.unwind
    }
    assert.equal(compileSync({ 'loan.gov': src }).programs.length, 1, `after a budget of ${n}`);
  }
  assert.ok(n <= 200, 'a large enough budget compiles');
  assert.ok(failures >= 2 && unwound >= 1, `${failures} budgets ran out, ${unwound} through longjmp`);
});
