// readme.test.js: the JavaScript examples of the top-level README run as written, and
// print what their closing comments say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './helpers.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const start = readme.indexOf('## JavaScript, in Node and browsers');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README has its JavaScript examples, each at most ten lines', () => {
  assert.ok(start >= 0);
  assert.equal(blocks.length, 2);
  for (const b of blocks) assert.ok(b.trim().split('\n').length <= 10, b);
});

blocks.forEach((code, i) => {
  test(`README example ${i + 1} prints what it says`, () => {
    const want = /\/\/ (.*)\n?$/.exec(code.trim())[1];
    const file = join(pkg, `readme-example-${i + 1}.mjs`);
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { cwd: pkg, encoding: 'utf8' });
    assert.equal(out.trim(), want.trim());
  });
});
