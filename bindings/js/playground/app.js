// app.js: the playground's logic. The policy is checked on every edit (after a short
// pause); when it has no errors it is compiled and loaded, and every record line is
// evaluated on a fresh VM, so the decisions always show the records as one stream.
import { initCompiler, initVM, checkSync, compileSync, Policy, GovError } from '../index.js';

const EXAMPLE_POLICY = `policy support_agents

import "std/agent_run"

channel support_alerts = slack "#support-alerts"

max latency_budget = 3s
max cost_cap       = $0.05

scope project "billing" {
  latency_budget = 2s
}

rule slow_run {
  when run.latency > latency_budget
  severity warning
  notify support_alerts
}

rule over_budget {
  when run.cost > cost_cap
  severity critical
  verdict block
  notify support_alerts
}
`;

const EXAMPLE_RECORDS = [
  { tenant: 'acme', project: 'billing', agent: 'faq-bot', run_id: 'r1', at: '2026-11-25T10:00:00Z', latency_ms: 900, cost_usd: 0.01 },
  { tenant: 'acme', project: 'billing', agent: 'faq-bot', run_id: 'r2', at: '2026-11-25T10:01:00Z', latency_ms: 2500, cost_usd: 0.02 },
  { tenant: 'acme', project: 'returns', agent: 'faq-bot', run_id: 'r3', at: '2026-11-25T10:02:00Z', latency_ms: 2500, cost_usd: 0.09 },
].map((r) => JSON.stringify(r)).join('\n');

const $ = (id) => document.getElementById(id);
const policyBox = $('policy');
const recordsBox = $('records');
const status = $('status');

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const where = (d) => (d.file ? `${d.file}:${d.line}:${d.col}` : '');

function showDiagnostics(result) {
  const list = $('diagnostics');
  list.replaceChildren();
  $('diag-count').textContent = `(${result.errors} error${result.errors === 1 ? '' : 's'}, ${result.warnings} warning${result.warnings === 1 ? '' : 's'})`;
  if (result.diagnostics.length === 0) list.append(el('li', 'clean', 'no errors'));
  for (const d of result.diagnostics) {
    const li = el('li', d.severity, `${where(d)}: ${d.severity}[${d.code}]: ${d.message}`);
    li.dataset.code = d.code;
    for (const n of d.notes) li.append(el('div', 'note', `${where(n)}${n.file ? ': ' : ''}note: ${n.message}`));
    list.append(li);
  }
}

let loaded = { source: null, policy: null };

function showDecisions() {
  const list = $('decisions');
  list.replaceChildren();
  if (!loaded.policy) {
    list.append(el('li', null, 'fix the policy to see decisions'));
    return;
  }
  const vm = loaded.policy.vm({ trace: $('show-trace').checked });
  const lines = recordsBox.value.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const li = el('li');
    li.dataset.line = String(i + 1);
    try {
      const d = vm.evaluate(line, { line: i + 1 });
      li.dataset.verdict = d.verdict;
      li.append(el('span', `verdict ${d.verdict}`, d.verdict), ` line ${i + 1}`);
      // An inhibited finding and its notify_inhibited say which rule muted them, as
      // `govc run --format text` does (spec/trace.md §10).
      const by = (x) => (x.inhibited_by ? `, inhibited by ${x.inhibited_by}` : '');
      const fired = d.findings.map((f) => `${f.rule} (${f.severity}${by(f)})`).join(', ');
      li.append(el('div', null, fired ? `fired: ${fired}` : 'no rule fired'));
      for (const a of d.actions) {
        const what = `→ ${a.type}${a.channel ? ` ${a.channel}` : ''}${a.rule ? ` (${a.rule})` : ''}`;
        li.append(el('div', null, a.inhibited_by ? `${what}: inhibited by ${a.inhibited_by}` : what));
      }
      if (d.trace) li.append(el('pre', 'trace', JSON.stringify(d.trace, null, 2)));
    } catch (e) {
      const code = e instanceof GovError ? e.code : e.name;
      li.dataset.verdict = 'error';
      li.append(el('span', 'verdict error', 'error'), ` line ${i + 1}: ${code}: ${e.message}`);
    }
    list.append(li);
  });
}

function update() {
  const source = policyBox.value;
  const sources = { 'playground.gov': source };
  let result;
  try {
    result = checkSync(sources);
  } catch (e) {
    status.textContent = `the compiler failed: ${e.message}`;
    return;
  }
  showDiagnostics(result);
  if (result.ok && source !== loaded.source) {
    try {
      const { programs } = compileSync(sources);
      loaded = { source, policy: programs.length === 1 ? Policy.loadSync(programs[0].bytes) : null };
      status.textContent = loaded.policy ? `policy ${loaded.policy.name}, id ${loaded.policy.id}` : 'no policy in the source';
    } catch (e) {
      loaded = { source: null, policy: null };
      status.textContent = e.message;
    }
  } else if (!result.ok) {
    loaded = { source: null, policy: null };
    status.textContent = `${result.errors} error${result.errors === 1 ? '' : 's'}`;
  }
  showDecisions();
  document.body.dataset.ready = 'true';
  // What this revision was computed from, so a test (or a user's script) can tell a
  // result for the text now in the boxes from one for a keystroke still being typed.
  window.govPlayground = { source, records: recordsBox.value };
  document.body.dataset.revision = String(Number(document.body.dataset.revision ?? 0) + 1);
}

let timer = null;
function soon() {
  clearTimeout(timer);
  timer = setTimeout(update, 120);
}

await Promise.all([initCompiler(), initVM()]);
policyBox.value = EXAMPLE_POLICY;
recordsBox.value = EXAMPLE_RECORDS;
policyBox.addEventListener('input', soon);
recordsBox.addEventListener('input', soon);
$('show-trace').addEventListener('change', showDecisions);
update();
