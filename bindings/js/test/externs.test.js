// externs.test.js: `extern fn` bound to JavaScript functions through the wasm import:
// tests/ffi/hostlib.c written again in JavaScript gives the decisions that the C library
// gives natively (every C type, failures, NaN, out-of-range results); the binding keeps
// gov_vm_bind's checks; throws, wrong result types and re-entry are failures, not crashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Policy, GovError, HostFailure, HOST_THREW, HOST_BAD_RESULT } from 'gov';
import { govcBuild, govcRun, lines, BUILD } from './helpers.js';

const bytes = (s) => new TextEncoder().encode(s);
const hostlib = {
  pii_score(s) {
    if (s.startsWith('FAIL')) throw new HostFailure(3);
    if (s.startsWith('NAN')) return NaN;
    const b = bytes(s);
    let k = 0;
    for (const c of b) k += (c >= 48 && c <= 57) || c === 64 ? 1 : 0;
    return b.length ? k / b.length : 0;
  },
  on_watchlist(user, cost) {
    if (cost < 0n) throw new HostFailure(7);
    return user === 'mallory' || user === 'eve';
  },
  risk(tokens, x, flag) {
    if (tokens === 13n) throw new HostFailure(5);
    return Number(tokens) * x + (flag ? 100 : 0);
  },
  latency_class(ns) {
    return ns === 42n ? 9 : ns > 10000000000n ? 2 : ns > 1000000000n ? 1 : 0;
  },
};

const ext = await Policy.load(govcBuild('tests/ffi/ext.gov'));

test('JavaScript host functions give the decisions of the C host library', () => {
  assert.deepEqual(ext.externs.map((e) => [e.name, e.returns, e.params.join(','), e.onError]), [
    ['pii_score', 'double', 'string', 'default'],
    ['on_watchlist', 'int', 'string,int64', 'verdict'],
    ['risk', 'double', 'int64,double,int', 'none'],
    ['latency_class', 'int', 'int64', 'default'],
  ]);
  const vm = ext.vm({ externs: hostlib, trace: true });
  vm.ready();
  const want = govcRun('tests/ffi/ext.gov', 'tests/ffi/records.jsonl', ['--trace', '--host-lib', `${BUILD}/tests/ffi/hostlib.so`]);
  const got = lines('tests/ffi/records.jsonl').filter(Boolean).map((l) => vm.evaluate(l));
  assert.deepEqual(got, want);
  assert.ok(got.some((d) => d.host_errors?.some((h) => h.reason === 'not finite')));
  assert.ok(got.some((d) => d.host_errors?.some((h) => h.reason === 'out of range')));
  assert.ok(got.some((d) => d.host_errors?.some((h) => h.status === 5)));
});

test('a binding is checked against the declaration, as gov_vm_bind checks C functions', () => {
  const vm = ext.vm();
  const refused = (name, fn, sig, re) => assert.throws(() => vm.bind(name, fn, sig),
    (e) => e instanceof GovError && e.code === 'GOV_EBIND' && re.test(e.message));
  refused('risk', hostlib.risk, { returns: 'double', params: ['int64', 'double'] }, /takes 3 parameters, the binding has 2/);
  refused('risk', hostlib.risk, { returns: 'double', params: ['int64', 'int64', 'int'] }, /parameter 2 is float/);
  refused('pii_score', hostlib.pii_score, { returns: 'int64', params: ['string'] }, /returns ratio/);
  refused('no_such', () => 0, { returns: 'int', params: [] }, /no extern 'no_such'/);
  assert.throws(() => vm.bind('risk', 'not a function'), TypeError);
  assert.throws(() => vm.bind('risk', () => 0, { returns: 'pointer', params: [] }), TypeError);
  vm.bind('risk', hostlib.risk, { returns: 'double', params: ['int64', 'double', 'int'] });
});

test('an unbound extern without a default makes every record a GOV_EUNBOUND error', () => {
  const vm = ext.vm();
  assert.throws(() => vm.ready(), (e) => e.code === 'GOV_EUNBOUND' && /on_watchlist/.test(e.message));
  const rec = lines('tests/ffi/records.jsonl')[0];
  assert.throws(() => vm.evaluate(rec), (e) => e.code === 'GOV_EUNBOUND');
  vm.bind('on_watchlist', hostlib.on_watchlist);
  assert.throws(() => vm.ready(), (e) => e.code === 'GOV_EUNBOUND' && /'risk'/.test(e.message));
  vm.bind('risk', hostlib.risk);
  vm.ready(); // pii_score and latency_class have defaults: they may stay unbound
  assert.equal(vm.evaluate(rec).status, 'ok');
});

test('a throw, a wrong result type, a Promise and re-entry are failures with a status', () => {
  const vm = ext.vm();
  const seen = [];
  vm.bind('pii_score', () => { throw new Error('scanner down'); });
  vm.bind('on_watchlist', () => 'yes');
  vm.bind('risk', async () => 1.5);
  vm.bind('latency_class', () => {
    try {
      vm.evaluate(lines('tests/ffi/records.jsonl')[0]);
    } catch (e) {
      seen.push(e.code);
      throw e;
    }
    return 0;
  });
  const d = vm.evaluate(lines('tests/ffi/records.jsonl')[0]);
  const by = Object.fromEntries(d.host_errors.map((h) => [h.extern, h]));
  assert.equal(by.pii_score.status, HOST_THREW);
  assert.equal(by.on_watchlist.status, HOST_BAD_RESULT);
  assert.equal(by.risk.status, HOST_BAD_RESULT);
  assert.equal(by.latency_class.status, HOST_THREW);
  assert.deepEqual(seen, ['GOV_EBUSY']);
  assert.equal(d.verdict, 'block'); // risk has no `on error`: fail closed
  assert.equal(d.hostExceptions.length, 2);
  assert.equal(d.hostExceptions[0].error.message, 'scanner down');
  // the VM is still sound
  vm.bind('pii_score', hostlib.pii_score).bind('on_watchlist', hostlib.on_watchlist)
    .bind('risk', hostlib.risk).bind('latency_class', hostlib.latency_class);
  assert.equal(vm.evaluate(lines('tests/ffi/records.jsonl')[0]).verdict, 'allow');
});

test('a trap poisons its policy only: GOV_ETRAP, then GOV_EPOISONED; a reload works', async () => {
  const p = await Policy.load(govcBuild('tests/ffi/ext.gov'));
  const vm = p.vm({ externs: hostlib });
  const rec = lines('tests/ffi/records.jsonl')[0];
  vm.evaluate(rec);
  // Corrupt the VM from outside the module (as a buggy embedder could): its first word,
  // the program pointer, now points past the end of memory.
  new DataView(p._inst.memory.buffer).setUint32(vm._h, 0xfffffff0, true);
  assert.throws(() => vm.evaluate(rec), (e) => e instanceof GovError && e.code === 'GOV_ETRAP' && /RuntimeError/.test(e.message));
  assert.equal(p.poisoned, true);
  assert.throws(() => vm.evaluate(rec), (e) => e.code === 'GOV_EPOISONED');
  assert.throws(() => p.vm(), (e) => e.code === 'GOV_EPOISONED');
  assert.throws(() => vm.saveState(), (e) => e.code === 'GOV_EPOISONED');
  vm.close();
  // the shared policy above and a fresh load are unaffected
  assert.equal(ext.vm({ externs: hostlib }).evaluate(rec).verdict, 'allow');
  const again = await Policy.load(govcBuild('tests/ffi/ext.gov'));
  assert.equal(again.vm({ externs: hostlib }).evaluate(rec).verdict, 'allow');
});
