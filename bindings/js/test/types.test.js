// types.test.js: the TypeScript declarations, checked with tsc from npm: a program using
// the package as documented type-checks under --strict; the mistakes marked in
// types-bad.ts are each reported, and nothing else (so the types are not `any`); and
// the core declarations are themselves free of errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(pkg, 'node_modules/typescript/bin/tsc');
const common = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
  '--target', 'es2022', '--lib', 'es2022,dom', '--types', 'node'];

function run(args) {
  try {
    return { code: 0, out: execFileSync(process.execPath, [tsc, ...args], { cwd: pkg, encoding: 'utf8' }) };
  } catch (e) {
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

test('tsc --strict accepts a program that uses the package and both adapters', () => {
  const r = run(['-p', 'test/tsconfig.json']);
  assert.equal(r.code, 0, r.out);
});

test('tsc reports each mistake marked in types-bad.ts, and nothing else', () => {
  const r = run([...common, '--skipLibCheck', 'test/types-bad.ts']);
  assert.notEqual(r.code, 0);
  const got = [...r.out.matchAll(/types-bad\.ts\((\d+),\d+\): error (TS\d+)/g)].map((m) => `${m[1]} ${m[2]}`);
  const want = readFileSync(join(pkg, 'test/types-bad.ts'), 'utf8').split('\n')
    .map((l, i) => [i + 1, /@expect (TS\d+)/.exec(l)]).filter(([, m]) => m).map(([n, m]) => `${n} ${m[1]}`);
  assert.ok(want.length >= 5);
  assert.deepEqual(got, want, r.out);
});

test('the declarations of the VM and compiler check without errors', () => {
  const r = run(['-p', 'test/tsconfig.decl.json']);
  assert.equal(r.code, 0, r.out);
});
