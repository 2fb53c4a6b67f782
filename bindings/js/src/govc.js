// govc.js: the gov compiler (libgovc) built to WebAssembly (govc.wasm): sources in,
// bytecode and diagnostics out, in Node and browsers.
//
// Sources are given in memory, by name: { "support/main.gov": "policy support ..." }.
// Imports resolve only against them (and "std/..." against the modules built in); the
// compiler reads no file, except time-zone data for `in "Zone/Name"`, which Node serves
// from the system's tzdata (TZDIR, else /usr/share/zoneinfo) and a browser from the
// `zones` option (a function from a zone name to its TZif bytes).
//
// The compiler instance is kept between calls (each compilation starts afresh); a trap
// discards it and the next call makes a new one, so a bad input costs that call only.

import { compileWasm, GovError, Policy } from './gov.js';
import { wasiNamespace, WasiExit } from './wasi.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isNode = typeof process !== 'undefined' && !!process.versions?.node;

let govcModule = null;
let instance = null;
let zoneReader = null;

const FORMATS = { text: 0, json: 1, github: 2, sarif: 3 };

async function nodeZones() {
  const { readFileSync } = await import('node:fs');
  const dir = process.env.TZDIR || '/usr/share/zoneinfo';
  return (name) => {
    try {
      return new Uint8Array(readFileSync(`${dir}/${name}`));
    } catch {
      return null;
    }
  };
}

/**
 * Load govc.wasm (once). Optional: compile() and check() call it.
 * @param {{govc?: string | URL | BufferSource | WebAssembly.Module,
 *          zones?: (name: string) => Uint8Array | null}} [opts]
 */
export async function initCompiler(opts = {}) {
  if (!govcModule || opts.govc) {
    govcModule = await compileWasm(opts.govc, './govc.wasm');
    instance = null;
  }
  if (opts.zones) zoneReader = opts.zones;
  else if (!zoneReader && isNode) zoneReader = await nodeZones();
}

/** How the compiler's longjmp (c/jmp.c) leaves the module: the compilation ran out of
 * memory, and its instance is discarded. */
class CompilerUnwind extends Error {}

class Compiler {
  constructor() {
    this.output = '';
    const imports = {
      gov: { unwind: () => { throw new CompilerUnwind('out of memory'); } },
      wasi_snapshot_preview1: wasiNamespace({
        memory: () => this.memory,
        output: (t) => { this.output = (this.output + t).slice(-4096); },
        files: { dir: '/usr/share/zoneinfo', read: (name) => (zoneReader ? zoneReader(name) : null) },
      }),
    };
    const inst = new WebAssembly.Instance(govcModule, imports);
    this.x = inst.exports;
    this.memory = this.x.memory;
    this.x._initialize();
  }

  u8() { return new Uint8Array(this.memory.buffer); }
  text(n) {
    if (n < 0) throw new GovError('GOV_ENOMEM', 'the compiler ran out of wasm memory');
    const p = this.x.govcjs_out_ptr();
    return decoder.decode(this.u8().subarray(p, p + n));
  }
  codeName(rc) {
    const p = this.x.govcjs_code_name(rc);
    const m = this.u8();
    let e = p;
    while (m[e]) e++;
    return decoder.decode(m.subarray(p, e));
  }
  put(bytes, nul) {
    const p = this.x.govcjs_alloc(bytes.length + (nul ? 1 : 0));
    if (!p) throw new GovError('GOV_ENOMEM', 'the compiler ran out of wasm memory');
    const m = this.u8();
    m.set(bytes, p);
    if (nul) m[p + bytes.length] = 0;
    return p;
  }

  /** One compilation: check or build; everything read back before the compiler is freed. */
  run(sources, { build, werror, format, failAllocAfter }) {
    const x = this.x;
    const c = x.govcjs_new(werror ? 1 : 0, failAllocAfter ?? 0);
    if (!c) throw new GovError('GOV_ENOMEM', 'the compiler ran out of wasm memory');
    // After a trap or an unwind the instance is discarded unread: only a GovError raised
    // here, with the module intact, frees the compiler.
    let intact = true;
    try {
      for (const [name, text] of sources) {
        const np = this.put(encoder.encode(name), true);
        const tb = typeof text === 'string' ? encoder.encode(text) : text;
        const tp = this.put(tb, false);
        const rc = x.govcjs_add_source(c, np, tp, tb.length);
        x.govcjs_free(np);
        x.govcjs_free(tp);
        if (rc !== 0) {
          const p = x.govcjs_errmsg(c);
          const m = this.u8();
          let e = p;
          while (m[e]) e++;
          throw new GovError(this.codeName(rc), `source ${JSON.stringify(name)}: ${decoder.decode(m.subarray(p, e))}`);
        }
      }
      const rc = build ? x.govcjs_build(c) : x.govcjs_check(c);
      const diagnostics = JSON.parse(this.text(x.govcjs_diagnostics(c)));
      const rendered = this.text(x.govcjs_render(c, FORMATS[format] ?? 0));
      const errors = x.govcjs_counts(c, 0);
      const warnings = x.govcjs_counts(c, 1);
      const programs = [];
      if (build) {
        const n = x.govcjs_program_count(c);
        for (let i = 0; i < n; i++) {
          const info = JSON.parse(this.text(x.govcjs_program(c, i)));
          const p = x.govcjs_program_bytes(c, i);
          const len = x.govcjs_program_len(c, i);
          info.bytes = this.u8().slice(p, p + len);
          programs.push(info);
        }
      }
      return { rc, code: this.codeName(rc), diagnostics, rendered, errors, warnings, programs };
    } catch (e) {
      intact = e instanceof GovError;
      throw e;
    } finally {
      if (intact) x.govcjs_free_compiler(c);
    }
  }
}

function normalise(sources) {
  if (typeof sources === 'string') return [['policy.gov', sources]];
  if (sources instanceof Map) return [...sources.entries()];
  if (sources && typeof sources === 'object') {
    const list = Object.entries(sources);
    for (const [name, text] of list) {
      if (typeof text !== 'string' && !(text instanceof Uint8Array)) {
        throw new TypeError(`source ${JSON.stringify(name)}: text must be a string or a Uint8Array`);
      }
    }
    return list;
  }
  throw new TypeError('sources: a string (one file) or an object of file name to text');
}


function runSync(sources, opts) {
  if (!govcModule) throw new GovError('GOV_EMISUSE', 'call await initCompiler() first');
  const list = normalise(sources);
  if (!instance) instance = new Compiler();
  const inst = instance;
  try {
    return inst.run(list, opts);
  } catch (e) {
    if (e instanceof GovError) throw e;
    instance = null; // an unwind or a trap: the next call gets a fresh instance
    if (e instanceof CompilerUnwind) throw new GovError('GOV_ENOMEM', 'the compiler ran out of memory', { cause: e });
    const what = e instanceof WasiExit ? e.message : `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
    throw new GovError('GOV_ETRAP', `WebAssembly trap in the compiler: ${what}`, { cause: e });
  }
}


/**
 * Check sources: diagnostics, never an exception for errors in the sources.
 * @returns {{ok: boolean, diagnostics: object[], errors: number, warnings: number, text: string}}
 */
export function checkSync(sources, opts = {}) {
  const r = runSync(sources, { build: false, werror: opts.werror, format: opts.format, failAllocAfter: opts._failAllocAfter });
  if (r.errors === 0 && r.rc !== 0) throw new GovError(r.code, r.rendered.trim() || `the check failed (${r.code})`);
  return { ok: r.errors === 0, diagnostics: r.diagnostics, errors: r.errors, warnings: r.warnings, text: r.rendered };
}

export async function check(sources, opts = {}) {
  await initCompiler(opts);
  return checkSync(sources, opts);
}

/**
 * Compile sources to bytecode. Throws a GovError (code GOV_ESOURCE, message the rendered
 * diagnostics, `diagnostics` the objects) when they have errors.
 */
export function compileSync(sources, opts = {}) {
  const r = runSync(sources, { build: true, werror: opts.werror, format: 'text', failAllocAfter: opts._failAllocAfter });
  if (r.errors > 0 || r.rc !== 0) {
    const code = r.errors > 0 ? 'GOV_ESOURCE' : r.code;
    throw new GovError(code, r.rendered.trim() || `compilation failed (${code})`,
      { diagnostics: r.diagnostics });
  }
  return { programs: r.programs, diagnostics: r.diagnostics, warnings: r.warnings };
}

export async function compile(sources, opts = {}) {
  await initCompiler(opts);
  return compileSync(sources, opts);
}

/** Compile sources that hold one policy and load it. */
export async function compilePolicy(sources, opts = {}) {
  const { programs } = await compile(sources, opts);
  if (programs.length !== 1) {
    throw new GovError('GOV_ESOURCE', programs.length ? `the sources hold ${programs.length} policies: ${programs.map((p) => p.policy).join(', ')}; compile them and load one` : 'the sources hold no policy (only modules)');
  }
  return Policy.load(programs[0].bytes, opts);
}
