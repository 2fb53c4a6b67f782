// playground.test.js: the playground page in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), served from the staged package by a static file server
// started here on a free loopback port: diagnostics as the policy is typed, decisions and
// traces for pasted records, the rule that muted an inhibited notification. A screenshot is kept in BUILD/js/playground.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BUILD } from './helpers.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };
let server;
let context;
let page;
let base;
let profile;
const pageErrors = [];

before(async () => {
  server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(pkg, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}`;
  profile = await mkdtemp(join(tmpdir(), 'gov-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(`${base}/playground/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
});

after(async () => {
  await context?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
  if (profile) await rm(profile, { recursive: true, force: true });
});

const verdicts = () => page.$$eval('#decisions li', (lis) => lis.map((li) => li.dataset.verdict));
const diagCodes = () => page.$$eval('#diagnostics li', (lis) => lis.map((li) => li.dataset.code ?? li.className));
// A revision after PREV computed from exactly the text now in both boxes: a slow machine
// may deliver keystrokes further apart than the page's debounce, so an earlier revision
// can describe half-typed text.
async function settled(prev) {
  await page.waitForFunction((p) => Number(document.body.dataset.revision) > p
    && window.govPlayground?.source === document.getElementById('policy').value
    && window.govPlayground?.records === document.getElementById('records').value,
  prev, { timeout: 20000 });
}
const revision = () => page.evaluate(() => Number(document.body.dataset.revision));

test('the example policy compiles in the page and its records get their decisions', async () => {
  assert.deepEqual(await diagCodes(), ['clean']);
  assert.deepEqual(await verdicts(), ['allow', 'warn', 'block']);
  assert.match(await page.textContent('#status'), /policy support_agents, id [0-9a-f]{32}/);
});

test('typing a mistake shows its diagnostic as you type; fixing it clears it', async () => {
  const r = await revision();
  await page.click('#policy');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nrule broken {\n  when run.nope > 1s\n  severity warning\n}\n', { delay: 5 });
  await settled(r);
  await page.waitForSelector('#diagnostics li.error');
  const text = await page.textContent('#diagnostics');
  assert.match(text, /playground\.gov:\d+:\d+: error\[E\d+\]/);
  assert.match(text, /nope/);
  assert.match(await page.textContent('#decisions'), /fix the policy/);
  const r2 = await revision();
  for (let i = 0; i < 'nope > 1s\n  severity warning\n}\n'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('latency > 1s\n  severity warning\n}\n', { delay: 5 });
  await settled(r2);
  await page.waitForSelector('#diagnostics li.clean');
  assert.deepEqual(await verdicts(), ['allow', 'warn', 'block']);
});

test('pasted records: each line decided, a malformed one shown as its error; traces on demand', async () => {
  const r = await revision();
  await page.fill('#records', [
    '{"tenant":"acme","project":"billing","agent":"a","run_id":"x1","at":"2026-11-25T11:00:00Z","latency_ms":500,"cost_usd":0.2}',
    '{"tenant":"acme","at":',
    '{"tenant":"acme","project":"returns","agent":"a","run_id":"x2","at":"2026-11-25T11:01:00Z","latency_ms":1500,"cost_usd":0.01}',
  ].join('\n'));
  await settled(r);
  assert.deepEqual(await verdicts(), ['block', 'error', 'warn']);
  assert.match(await page.textContent('#decisions li[data-verdict="error"]'), /GOV_EJSON/);
  await page.check('#show-trace');
  await page.waitForSelector('#decisions pre.trace');
  const trace = JSON.parse(await page.textContent('#decisions li:first-child pre.trace'));
  assert.equal(trace.policy, 'support_agents');
  assert.ok(trace.rules.some((x) => x.rule === 'over_budget' && x.fired === true));
  await page.screenshot({ path: join(BUILD, 'js', 'playground.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});

test('an inhibited finding and its notify_inhibited name the rule that muted them', async () => {
  const r = await revision();
  await page.fill('#policy', [
    'policy inhibit_demo', '', 'import "std/agent_run"', '', 'channel alerts = slack "#alerts"', '',
    'rule very_slow {', '  when run.latency > 5s', '  severity critical', '  notify alerts', '  inhibit slow', '}', '',
    'rule slow {', '  when run.latency > 1s', '  severity warning', '  notify alerts', '}', '',
  ].join('\n'));
  await page.fill('#records', [
    '{"tenant":"acme","agent":"a","run_id":"i1","at":"2026-11-25T12:00:00Z","latency_ms":6000,"cost_usd":0.01}',
    '{"tenant":"acme","agent":"a","run_id":"i2","at":"2026-11-25T12:01:00Z","latency_ms":2000,"cost_usd":0.01}',
  ].join('\n'));
  await settled(r);
  await page.waitForSelector('#diagnostics li.clean');
  assert.deepEqual(await verdicts(), ['block', 'warn']);
  const lines = await page.$$eval('#decisions li', (lis) => lis.map((li) => [...li.querySelectorAll('div')].map((x) => x.textContent)));
  assert.deepEqual(lines[0], [
    'fired: very_slow (critical), slow (warning, inhibited by very_slow)',
    '→ notify alerts (very_slow)',
    '→ notify_inhibited alerts (slow): inhibited by very_slow',
  ]);
  assert.deepEqual(lines[1], ['fired: slow (warning)', '→ notify alerts (slow)']);
  assert.deepEqual(pageErrors, []);
});
