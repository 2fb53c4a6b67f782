// helpers.js: what the tests share: the repository's paths, the native govc (for
// comparisons with the C build), and the example host functions of
// vm/examples/pii_host.c written again in JavaScript.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostFailure } from 'gov';

export const ROOT = process.env.GOV_ROOT ?? new URL('../../../', import.meta.url).pathname;
export const GOVC = process.env.GOVC ?? join(ROOT, 'build/govc');
export const BUILD = process.env.GOV_BUILD ?? join(ROOT, 'build');

const tmp = mkdtempSync(join(tmpdir(), 'govjs-'));

/** Compile a policy folder or file with the native govc: the .govb bytes. */
export function govcBuild(path) {
  const out = join(tmp, `${path.replace(/[^a-z0-9]+/gi, '_')}.govb`);
  execFileSync(GOVC, ['build', '-o', out, join(ROOT, path)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(out);
}

/** The native `govc run` decisions for a JSONL file, parsed, one per non-empty line. */
export function govcRun(policyPath, jsonl, args = []) {
  const govb = join(tmp, `${policyPath.replace(/[^a-z0-9]+/gi, '_')}.govb`);
  execFileSync(GOVC, ['build', '-o', govb, join(ROOT, policyPath)], { stdio: 'ignore' });
  let out;
  try {
    out = execFileSync(GOVC, ['run', ...args, '-p', govb, join(ROOT, jsonl)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    out = e.stdout; // exit 1: a malformed line, reported as an error decision
  }
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

export function lines(path) {
  return readFileSync(join(ROOT, path), 'utf8').split('\n');
}

export function exists(path) {
  return existsSync(join(ROOT, path));
}

/** pii_score and on_watchlist as vm/examples/pii_host.c defines them. */
export const piiHost = {
  pii_score(s) {
    const bytes = new TextEncoder().encode(s);
    if (bytes.length > 4096) throw new HostFailure(2, 'text over 4096 bytes');
    let words = 0;
    let pii = 0;
    for (const w of s.split(' ').filter(Boolean)) {
      const at = w.indexOf('@');
      const dotAfterAt = at >= 0 && w.indexOf('.', at) > at;
      const digits = (w.match(/[0-9]/g) ?? []).length;
      words++;
      if (dotAfterAt || digits >= 7) pii++;
    }
    return words ? pii / words : 0;
  },
  on_watchlist(customer, amount) {
    if (customer.length === 0) throw new HostFailure(1, 'no customer');
    return ['cus_7781', 'cus_9034'].includes(customer) && amount >= 100000000n;
  },
};
