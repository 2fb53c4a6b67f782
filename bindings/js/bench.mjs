// bench.mjs: decisions per second of the JavaScript binding (gov.wasm in Node), in the
// form tests/bench/evalbench.c prints, so `make bench` can set it beside the native
// figures for the same program and records (tests/bench/run.py).
//
//   node bench.mjs [-t BUDGET_MS] POLICY.govb RECORDS.jsonl
//
// First an untimed pass over every record on a fresh VM, printing the decisions'
// summary (verdict histogram, findings, errors) to compare with evalbench's; then, for
// each path, batches of 1000 records (in file order, wrapping) for about BUDGET_MS, and
// percentiles of the per-batch averages:
//   string  vm.evaluate(line): the JSON line as read, the decision parsed into an object
//   object  vm.evaluate(obj): records already held as objects (JSON.stringify inside)
// Speed is measured here and never asserted in a test.
import { readFileSync } from 'node:fs';
import { Policy } from './index.js';

const args = process.argv.slice(2);
let budget = 300;
if (args[0] === '-t') { budget = Number(args[1]); args.splice(0, 2); }
const [govb, recordsPath] = args;
if (!govb || !recordsPath) {
  console.error('usage: node bench.mjs [-t BUDGET_MS] POLICY.govb RECORDS.jsonl');
  process.exit(2);
}
const policy = await Policy.load(readFileSync(govb));
const lines = readFileSync(recordsPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
const objects = lines.map((l) => JSON.parse(l));
const VERDICTS = ['allow', 'warn', 'review', 'pause', 'block'];

function summary(label, vm) {
  const v = [0, 0, 0, 0, 0];
  let findings = 0;
  let errors = 0;
  for (const l of lines) {
    try {
      const d = vm.evaluate(l);
      v[VERDICTS.indexOf(d.verdict)]++;
      findings += d.findings.length;
    } catch {
      errors++;
    }
  }
  console.log(`${label} verdicts=${v.join('/')} findings=${findings} errors=${errors}`);
}

function time(label, inputs) {
  const vm = policy.vm();
  const BATCH = 1000;
  const per = [];
  let i = 0;
  const end = performance.now() + budget;
  while (performance.now() < end || per.length < 5) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < BATCH; k++) {
      try { vm.evaluate(inputs[i]); } catch { /* counted in the summary */ }
      i = (i + 1) % inputs.length;
    }
    per.push(Number(process.hrtime.bigint() - t0) / BATCH);
  }
  per.sort((a, b) => a - b);
  const at = (q) => per[Math.min(per.length - 1, Math.floor(q * per.length))];
  const mean = per.reduce((a, b) => a + b, 0) / per.length;
  console.log(`${label} p50=${at(0.5).toFixed(1)} p99=${at(0.99).toFixed(1)} p999=${at(0.999).toFixed(1)} ` +
    `mean=${mean.toFixed(1)} rps=${(1e9 / mean).toFixed(0)} batches=${per.length}`);
}

console.log(`policy ${policy.name} records=${lines.length} node=${process.versions.node}`);
summary('decisions js', policy.vm());
time('time string', lines);   // warm
time('time string', lines);
time('time object', objects);
