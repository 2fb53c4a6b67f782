// gov.js: libgov, the gov policy VM, built to WebAssembly (gov.wasm), for Node and
// browsers: load a compiled policy, evaluate records, drive gates, acknowledgements and
// ticks, save and restore state, and bind `extern fn` host functions to JavaScript
// callbacks.
//
// One Policy owns one wasm instance (its program and all its VMs live in that instance's
// memory). A wasm trap, which only a bug or memory corrupted from outside can cause,
// poisons that Policy: the call that trapped throws a GovError with code GOV_ETRAP and
// every later call on the Policy or its VMs throws GOV_EPOISONED. Other policies are not
// affected; load the policy again to go on. The binding is not re-entrant: a host
// callback that calls into the same Policy gets a GOV_EBUSY error (and its call fails).

import { wasiNamespace, WasiExit } from './wasi.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();


/** An error from gov: `code` is a GOV_E... name (spec: vm/gov.h), plus what applies. */
export class GovError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'GovError';
    this.code = code;
    Object.assign(this, extra);
  }
}

/** Thrown by a host function to fail with a chosen nonzero status (as a C host function
 * returns one); any other exception fails with status -1 (HOST_THREW). */
export class HostFailure extends Error {
  constructor(status, message = `host function failed with status ${status}`) {
    super(message);
    this.name = 'HostFailure';
    this.status = Number.isInteger(status) && status !== 0 && status >= -(2 ** 31) && status < 2 ** 31 ? status : -1;
  }
}

// ---------------------------------------------------------------- loading the module

let govModule = null; // a compiled WebAssembly.Module, shared by every Policy

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Fetch or read a wasm file next to this module, or take what the caller gave. */
export async function compileWasm(source, defaultName) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  const url = source ? new URL(source, import.meta.url) : new URL(defaultName, import.meta.url);
  if (url.protocol === 'file:' && isNode) {
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.compile(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new GovError('GOV_ELOAD', `cannot fetch ${url}: HTTP ${res.status}`);
  return WebAssembly.compile(await res.arrayBuffer());
}

/**
 * Load gov.wasm (once; later calls return at once). Optional: Policy.load calls it.
 * @param {{gov?: string | URL | BufferSource | WebAssembly.Module}} [opts]
 */
export async function initVM(opts = {}) {
  if (!govModule || opts.gov) govModule = await compileWasm(opts.gov, './gov.wasm');
}

// ---------------------------------------------------------------- one instance

const C_CODES = { int64: 1, double: 2, int: 3, string: 4 };
const C_NAMES = { 1: 'int64', 2: 'double', 3: 'int', 4: 'string' };

// Statuses a JavaScript host function's failure reports (spec/bytecode.md §7.4).
export const HOST_THREW = -1;
export const HOST_BAD_RESULT = -2;

/** The wasm instance behind one Policy, with its guards. Internal. */
class Instance {
  constructor(module) {
    this.poisoned = null;
    this.busy = false;
    this.output = '';
    this.handles = new Map(); // host function handle -> { fn, name, vm }
    this.nextHandle = 1;
    this.hostExceptions = null;
    const imports = {
      wasi_snapshot_preview1: wasiNamespace({
        memory: () => this.memory,
        output: (t) => { this.output = (this.output + t).slice(-4096); },
      }),
      gov: { host_call: (...a) => this.hostCall(...a) },
    };
    this.instance = new WebAssembly.Instance(module, imports);
    this.x = this.instance.exports;
    this.memory = this.x.memory;
    this.x._initialize();
  }

  u8() { return new Uint8Array(this.memory.buffer); }
  dv() { return new DataView(this.memory.buffer); }

  cstr(ptr) {
    if (!ptr) return '';
    const m = this.u8();
    let end = ptr;
    while (m[end]) end++;
    return decoder.decode(m.subarray(ptr, end));
  }

  text(ptr, len) { return decoder.decode(this.u8().subarray(ptr, ptr + len)); }

  /** A result code's name ("GOV_EJSON"), from gov.h's list in the module. */
  codeName(rc) { return this.cstr(this.call('govjs_code_name', rc)); }

  /** Copy a string into fresh wasm memory, NUL-terminated: [ptr, byte length]. */
  putString(s) {
    const b = encoder.encode(s);
    const p = this.call('govjs_alloc', b.length + 1);
    if (!p) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    const m = this.u8();
    m.set(b, p);
    m[p + b.length] = 0;
    return [p, b.length];
  }

  putBytes(b) {
    const p = this.call('govjs_alloc', b.length);
    if (!p) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    this.u8().set(b, p);
    return p;
  }

  /** Write text as UTF-8 into owner's input buffer in wasm memory (owner._in, of
   * owner._inCap bytes; grown when the text may not fit, never shrunk): the bytes
   * written. A VM and a PolicySet each keep one, reused from line to line. */
  putInput(owner, text) {
    const need = 3 * text.length + 1;
    if (need > owner._inCap) {
      if (owner._in) this.call('govjs_free', owner._in);
      owner._inCap = Math.max(need, 4096);
      owner._in = this.call('govjs_alloc', owner._inCap);
      if (!owner._in) { owner._inCap = 0; throw new GovError('GOV_ENOMEM', 'out of wasm memory'); }
    }
    return encoder.encodeInto(text, new Uint8Array(this.memory.buffer, owner._in, owner._inCap)).written;
  }

  check() {
    if (this.poisoned) {
      throw new GovError('GOV_EPOISONED',
        `this policy's WebAssembly instance trapped earlier (${this.poisoned.message}); load the policy again`,
        { cause: this.poisoned });
    }
    if (this.busy) {
      throw new GovError('GOV_EBUSY', 'the policy is busy: a host function may not call back into its VM');
    }
  }

  /** Call export `name`, turning a trap into a GovError and poisoning the instance. */
  call(name, ...args) {
    this.check();
    this.busy = true;
    try {
      return this.x[name](...args);
    } catch (e) {
      this.poisoned = e;
      const what = e instanceof WasiExit ? e.message : `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
      const out = this.output.trim();
      throw new GovError('GOV_ETRAP', `WebAssembly trap in ${name}: ${what}${out ? ` (${out})` : ''}; ` +
        'this policy and its VMs can no longer be used', { cause: e });
    } finally {
      this.busy = false;
    }
  }

  /** gov.host_call: read the arguments by signature, call the JavaScript function,
   * write the result. Never throws into wasm: every failure is a nonzero status. */
  hostCall(handle, ret, nparams, ctypes, args, out) {
    const h = this.handles.get(handle);
    if (!h) return HOST_BAD_RESULT;
    const dv = this.dv();
    const m = this.u8();
    const jsArgs = [];
    let cell = args;
    for (let j = 0; j < nparams; j++) {
      switch (m[ctypes + j]) {
      case 1: jsArgs.push(dv.getBigInt64(cell, true)); cell += 8; break;
      case 2: jsArgs.push(dv.getFloat64(cell, true)); cell += 8; break;
      case 3: jsArgs.push(dv.getInt32(cell, true)); cell += 8; break;
      default: {
        const p = dv.getUint32(cell, true);
        const len = dv.getUint32(cell + 8, true);
        jsArgs.push(decoder.decode(m.subarray(p, p + len)));
        cell += 16;
      }
      }
    }
    let r;
    try {
      r = h.fn(...jsArgs);
    } catch (e) {
      (this.hostExceptions ??= []).push({ extern: h.name, error: e });
      return e instanceof HostFailure ? e.status : HOST_THREW;
    }
    const v = this.dv();
    switch (ret) {
    case 1: {
      let b;
      if (typeof r === 'bigint') b = r;
      else if (typeof r === 'number' && Number.isSafeInteger(r)) b = BigInt(r);
      else return HOST_BAD_RESULT;
      if (b < -(2n ** 63n) || b >= 2n ** 63n) return HOST_BAD_RESULT;
      v.setBigInt64(out, b, true);
      return 0;
    }
    case 2:
      if (typeof r !== 'number') return HOST_BAD_RESULT;
      v.setFloat64(out, r, true); // NaN and infinities: the VM reports them (not finite)
      return 0;
    case 3:
      if (typeof r === 'boolean') r = r ? 1 : 0;
      if (typeof r !== 'number' || !Number.isInteger(r) || r < -(2 ** 31) || r >= 2 ** 31) return HOST_BAD_RESULT;
      v.setInt32(out, r, true);
      return 0;
    default:
      return HOST_BAD_RESULT;
    }
  }
}

// ---------------------------------------------------------------- time values

/** RFC 3339 text for a time: a Date, an RFC 3339 string, a number of milliseconds since
 * the epoch, or a bigint of nanoseconds since the epoch. */
export function toRfc3339(t) {
  if (typeof t === 'string') return t;
  if (t instanceof Date) {
    if (Number.isNaN(t.getTime())) throw new TypeError('invalid Date');
    return t.toISOString();
  }
  if (typeof t === 'number') return toRfc3339(new Date(t));
  if (typeof t === 'bigint') {
    const ms = t / 1000000n - (t % 1000000n < 0n ? 1n : 0n);
    const ns = t - ms * 1000000n;
    const d = new Date(Number(ms));
    if (Number.isNaN(d.getTime())) throw new RangeError('time out of range');
    return d.toISOString().replace(/\.(\d{3})Z$/, (_, f) => `.${f}${ns.toString().padStart(6, '0')}Z`);
  }
  throw new TypeError('a time is a Date, an RFC 3339 string, milliseconds (number) or nanoseconds (bigint)');
}

function toNanos(t) {
  if (typeof t === 'bigint') return t;
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) throw new TypeError('time must be finite');
    return BigInt(Math.round(t)) * 1000000n;
  }
  if (t instanceof Date) return toNanos(t.getTime());
  if (typeof t === 'string') {
    const m = /^(.*?)(?:\.(\d{1,9}))?([zZ]|[+-]\d\d:\d\d)$/.exec(t);
    const ms = Date.parse(m ? `${m[1]}${m[3]}` : t);
    if (!m || Number.isNaN(ms)) throw new GovError('GOV_EEVENT', `not an RFC 3339 time: ${JSON.stringify(t)}`);
    return BigInt(ms) * 1000000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  }
  throw new TypeError('a time is a Date, an RFC 3339 string, milliseconds (number) or nanoseconds (bigint)');
}

const INT64_MIN = -(2n ** 63n);

// ---------------------------------------------------------------- Policy

/** A loaded, verified policy. Create VMs from it with `policy.vm()`. */
export class Policy {
  /** Verify and load compiled bytecode (a .govb). Throws GovError (GOV_EMAGIC, ...). */
  static async load(bytes, opts = {}) {
    await initVM(opts);
    return Policy.loadSync(bytes);
  }

  /** As load(), once initVM() has resolved. */
  static loadSync(bytes) {
    if (!govModule) throw new GovError('GOV_EMISUSE', 'call await initVM() (or use Policy.load) first');
    if (!(bytes instanceof Uint8Array)) {
      if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
      else if (ArrayBuffer.isView(bytes)) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      else throw new TypeError('Policy.load takes the bytes of a compiled policy (Uint8Array)');
    }
    return Policy._loadInto(new Instance(govModule), bytes);
  }

  /** Load into an instance: the members of a PolicySet share one, so that libgov's set
   * calls reach all their VMs. */
  static _loadInto(inst, bytes) {
    if (!(bytes instanceof Uint8Array)) {
      if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
      else if (ArrayBuffer.isView(bytes)) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      else throw new TypeError('Policy.load takes the bytes of a compiled policy (Uint8Array)');
    }
    const p = inst.putBytes(bytes);
    const prog = inst.call('govjs_program_load', p, bytes.length);
    inst.call('govjs_free', p);
    if (!prog) {
      const code = inst.codeName(inst.call('govjs_error_code'));
      const offset = inst.call('govjs_error_offset');
      const msg = inst.cstr(inst.call('govjs_error_message'));
      throw new GovError(code, `invalid program: ${msg}`, { offset });
    }
    return new Policy(inst, prog, bytes.slice());
  }

  constructor(inst, prog, bytes) {
    this._inst = inst;
    this._prog = prog;
    this._bytes = bytes; // the program without a limits file, for withLimits
    const n = inst.call('govjs_program_info', prog);
    if (n < 0) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    const info = JSON.parse(inst.text(inst.call('govjs_info_ptr'), n));
    /** The policy's name. */
    this.name = info.name;
    /** The policy id: 32 hex digits (spec/bytecode.md §2). */
    this.id = info.id;
    /** Record kinds and their fields. */
    this.kinds = info.kinds;
    /** Host functions the policy declares, with their C signatures. */
    this.externs = info.externs;
    /** The key records are partitioned by (spec/govd.md §5): "agent", ..., "any", "none". */
    this.partitionKey = info.partition;
  }

  /** The partition (0..n-1) of a record or event (an object, or one JSON line) among n
   * partitions: the one partition function of spec/scaleout.md §1. Throws GOV_EMISUSE for
   * a policy keyed "any" (any partition will do) or "none" with n > 1. */
  partition(record, n) {
    checkCount(n);
    const text = typeof record === 'string' ? record : JSON.stringify(record);
    const inst = this._inst;
    const [p, len] = inst.putString(text);
    try {
      const r = inst.call('govjs_record_partition', this._prog, p, len, n);
      if (r < 0) {
        const code = inst.codeName(-1 - r);
        throw new GovError(code, this.partitionKey === 'any'
          ? `policy ${this.name} keeps no state: any partition will do`
          : `policy ${this.name} cannot be partitioned (it keeps state for all records): use 1 partition`);
      }
      return r;
    } finally {
      inst.call('govjs_free', p);
    }
  }

  /**
   * This policy with a limits file loaded beside it (spec/language.md §5.2), as
   * `govc run --limits` loads one: a new Policy, on its own instance, whose id covers the
   * file's entries and whose decisions name `name` and the line a value came from.
   * `limits` is the file's JSON text (a string, or its bytes). Throws GovError with code
   * GOV_ELIMITS (not a well-formed limits file) or GOV_ELOOSEN (it loosens a limit:
   * `diagnostic` is 'E050' and the message E050's), with `line` and `col` in the file (0
   * when the error is not in it), `note` pointing at the setting concerned ("" if none)
   * and `file` the name; any error loading the program gives. This policy is unchanged.
   */
  withLimits(limits, name = 'limits.json') {
    if (typeof limits === 'string') limits = encoder.encode(limits);
    else if (limits instanceof ArrayBuffer) limits = new Uint8Array(limits);
    else if (ArrayBuffer.isView(limits)) limits = new Uint8Array(limits.buffer, limits.byteOffset, limits.byteLength);
    else throw new TypeError('withLimits(limits): the limits file\'s text (a string) or bytes (Uint8Array)');
    name = String(name);
    const inst = new Instance(govModule);
    const b = inst.putBytes(this._bytes);
    const l = inst.putBytes(limits);
    const [n] = inst.putString(name);
    let prog;
    try {
      prog = inst.call('govjs_program_load_limits', b, this._bytes.length, l, limits.length, n);
    } finally {
      if (!inst.poisoned) for (const q of [b, l, n]) inst.call('govjs_free', q);
    }
    if (!prog) {
      const code = inst.codeName(inst.call('govjs_error_code'));
      throw new GovError(code, inst.cstr(inst.call('govjs_error_message')), {
        offset: inst.call('govjs_error_offset'),
        line: inst.call('govjs_error_line'),
        col: inst.call('govjs_error_col'),
        note: inst.cstr(inst.call('govjs_error_note')),
        diagnostic: code === 'GOV_ELOOSEN' ? 'E050' : null,
        file: name,
      });
    }
    return new Policy(inst, prog, this._bytes);
  }

  /** Whether a trap made this policy unusable. */
  get poisoned() { return this._inst.poisoned !== null; }

  /** The disassembly (tables and code), as govc disasm prints it. */
  disasm() {
    const n = this._inst.call('govjs_disasm', this._prog);
    if (n < 0) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    return this._inst.text(this._inst.call('govjs_info_ptr'), n);
  }

  /** A new VM (its own clock, gates, windows and state). */
  vm(opts = {}) { return new VM(this, opts); }
}

function checkCount(n) {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw new GovError('GOV_EMISUSE', `a partition count is an integer from 1 to 2^32 - 1, not ${n}`);
  }
}

let scratch = null; // an instance for the functions that need no program

/** The partition (0..n-1) of a partition key value among n partitions:
 * XXH3-64(UTF-8 bytes of key) mod n (spec/scaleout.md §1). Needs initVM() resolved. */
export function partitionOf(key, n) {
  if (!govModule) throw new GovError('GOV_EMISUSE', 'call await initVM() first');
  if (typeof key !== 'string') throw new TypeError('partitionOf takes the key value as a string');
  checkCount(n);
  if (!scratch || scratch.poisoned) scratch = new Instance(govModule);
  const [p, len] = scratch.putString(key);
  try {
    return scratch.call('govjs_partition_of', p, len, n) >>> 0;
  } finally {
    scratch.call('govjs_free', p);
  }
}

// ---------------------------------------------------------------- VM

const LIMIT_NAMES = ['lineLength', 'nesting', 'stringLength', 'fields', 'tokens'];

/** One evaluator. Not re-entrant; use one per concurrent flow. */
export class VM {
  constructor(policy, opts = {}) {
    if (!(policy instanceof Policy)) throw new TypeError('new VM(policy): policy must be a Policy');
    const inst = policy._inst;
    this.policy = policy;
    this._inst = inst;
    this._line = 0;
    this._in = 0;
    this._inCap = 0;
    let limits = 0;
    if (opts.limits) {
      const values = LIMIT_NAMES.map((k) => {
        const v = opts.limits[k] ?? 0;
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new TypeError(`limits.${k} must be a whole number`);
        return v;
      });
      limits = inst.call('govjs_alloc', 4 * LIMIT_NAMES.length);
      if (!limits) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
      const dv = inst.dv();
      values.forEach((v, i) => dv.setUint32(limits + 4 * i, v, true));
    }
    const traceBytes = opts.trace ? (opts.traceBytes ?? 1 << 20) : 0;
    const h = inst.call('govjs_vm_new', policy._prog, limits, traceBytes);
    if (limits) inst.call('govjs_free', limits);
    if (!h) throw new GovError('GOV_ENOMEM', inst.cstr(inst.call('govjs_vm_error')));
    this._h = h;
    this._compact = Boolean(opts.compactTrace);
    if (this._compact) inst.call('govjs_vm_compact', h, 1);
    if (opts.externs) for (const [name, fn] of Object.entries(opts.externs)) this.bind(name, fn);
  }

  _alive() {
    if (!this._h) throw new GovError('GOV_EMISUSE', 'this VM is closed');
  }

  _decision(n, throwOnError = true) {
    const inst = this._inst;
    if (n < 0) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    const text = inst.text(inst.call('govjs_out_ptr', this._h), n);
    const d = JSON.parse(text);
    if (this._compact) { // its compact trace, taken before the VM moves on (not enumerable)
      const p = inst.call('govjs_compact_ptr', this._h);
      const len = inst.call('govjs_compact_len', this._h);
      Object.defineProperty(d, 'traceCompact', { value: inst.u8().slice(p, p + len), enumerable: false });
    }
    const ex = inst.hostExceptions;
    inst.hostExceptions = null;
    if (ex) Object.defineProperty(d, 'hostExceptions', { value: ex, enumerable: false });
    if (d.status === 'error' && throwOnError) {
      throw new GovError(d.error.code, d.error.message, { decision: d });
    }
    return d;
  }

  _evalText(text, line) {
    const written = this._inst.putInput(this, text);
    return this._inst.call('govjs_eval_json', this._h, this._in, written, line);
  }

  /**
   * Evaluate one record: an object (serialised with JSON.stringify) or one line of JSON.
   * Returns the decision (spec/trace.md §2). A record the VM refuses (malformed JSON, a
   * missing or mistyped field, an unknown kind, a limit exceeded) throws a GovError with
   * its code and message, and changes nothing.
   */
  evaluate(record, opts = {}) {
    this._alive();
    let text;
    if (typeof record === 'string') text = record;
    else if (record !== null && typeof record === 'object') {
      try {
        text = JSON.stringify(record);
      } catch (e) {
        throw new GovError('GOV_EJSON', `the record cannot be written as JSON: ${e.message}`, { cause: e });
      }
    } else throw new TypeError('evaluate(record): record must be an object or a JSON string');
    const line = opts.line ?? ++this._line;
    return this._decision(this._evalText(text, line));
  }

  _event(ev) {
    this._alive();
    return this._decision(this._evalText(JSON.stringify(ev), ++this._line));
  }

  _at(at) {
    if (at !== undefined) return toRfc3339(at);
    const now = this.now;
    if (now === null) throw new TypeError('give the event a time: the VM has seen no event yet');
    return toRfc3339(now);
  }

  /** Approve a pending review gate (by its id, from the gate_open action). */
  approve(gateId, by, at) { return this._event({ type: 'approve', gate_id: gateId, by, at: this._at(at) }); }
  /** Reject a pending review gate: the run is denied. */
  reject(gateId, by, at) { return this._event({ type: 'reject', gate_id: gateId, by, at: this._at(at) }); }
  /** Acknowledge a running escalation. */
  ack(escalationId, by, at) { return this._event({ type: 'ack', escalation_id: escalationId, by, at: this._at(at) }); }
  /** Move the clock to `at`: gate timeouts and escalation steps fall due. */
  tick(at) {
    this._alive();
    return this._decision(this._inst.call('govjs_tick', this._h, toNanos(at)));
  }

  /** The clock: nanoseconds since the epoch (bigint), or null before the first event. */
  get now() {
    this._alive();
    const n = this._inst.call('govjs_now', this._h);
    return n === INT64_MIN ? null : n;
  }
  get pendingGates() { this._alive(); return this._inst.call('govjs_pending_gates', this._h); }
  get runningEscalations() { this._alive(); return this._inst.call('govjs_running_escalations', this._h); }

  /** Set a JSON limit (within the capacity the VM was made with); the previous value. */
  limit(name, value) {
    this._alive();
    const id = LIMIT_NAMES.indexOf(name);
    if (id < 0) throw new TypeError(`unknown limit ${name}: one of ${LIMIT_NAMES.join(', ')}`);
    return this._inst.call('govjs_limit', this._h, id, value ?? -1);
  }

  /**
   * Bind `extern fn name` to a JavaScript function, called synchronously during
   * evaluation. Arguments arrive by the declaration's C types: int, duration, time and
   * money as bigint; float and ratio as number; bool, severity and verdict as number
   * (0/1, 0..2, 0..4); string and id as string. Return the same kinds (a number with a
   * whole value for a bigint, a boolean for a bool). A throw or a result of the wrong kind
   * is a failure, and the policy's `on error` decides (spec/bytecode.md §7.2).
   * `sig` states the signature ({returns, params} with 'int64', 'double', 'int',
   * 'string'); it is checked against the declaration as gov_vm_bind checks C functions.
   * Without it the declaration's own is used.
   */
  bind(name, fn, sig) {
    this._alive();
    if (typeof fn !== 'function') throw new TypeError(`bind('${name}'): a function is required`);
    const inst = this._inst;
    const decl = this.policy.externs.find((e) => e.name === name);
    const s = sig ?? decl ?? { returns: 'int', params: [] };
    const code = (t) => {
      const c = C_CODES[t];
      if (!c) throw new TypeError(`bind('${name}'): unknown C type '${t}' (int64, double, int, string)`);
      return c;
    };
    const params = (s.params ?? []).map(code);
    if (params.length > 16) throw new GovError('GOV_EBIND', `extern '${name}': more than 16 parameters`);
    const ret = code(s.returns);
    const handle = inst.nextHandle++;
    const [np] = inst.putString(String(name));
    const pp = inst.call('govjs_alloc', 4 * Math.max(1, params.length));
    params.forEach((c, i) => inst.dv().setInt32(pp + 4 * i, c, true));
    inst.handles.set(handle, { fn, name: String(name), vm: this });
    let rc;
    try {
      rc = inst.call('govjs_bind', this._h, np, handle, ret, params.length, pp);
    } finally {
      inst.call('govjs_free', np);
      inst.call('govjs_free', pp);
    }
    if (rc !== 0) {
      inst.handles.delete(handle);
      throw new GovError(inst.codeName(rc), inst.cstr(inst.call('govjs_vm_errmsg', this._h)));
    }
    return this;
  }

  /** Throws GOV_EUNBOUND naming the first extern without a default that is not bound. */
  ready() {
    this._alive();
    const rc = this._inst.call('govjs_ready', this._h);
    if (rc !== 0) throw new GovError(this._inst.codeName(rc), this._inst.cstr(this._inst.call('govjs_vm_errmsg', this._h)));
  }

  /**
   * The JSON trace (a string: one line, byte for byte what gov_decision_trace and
   * `govc run --trace` give) of a compact trace (`decision.traceCompact` of a VM made
   * with `compactTrace: true`, spec/trace.md §3.1) taken under this VM's policy, by
   * any VM of it. Rendering uses the VM's per-record space, never its state: the next
   * record evaluates as it would have. Throws GovError GOV_EPOLICY (another policy's),
   * GOV_EVERSION (a format this library does not read) or GOV_ETRACE (malformed
   * bytes, the message says where); nothing changes then.
   */
  renderTrace(bytes) {
    this._alive();
    if (!(bytes instanceof Uint8Array)) throw new TypeError('renderTrace(bytes): a Uint8Array');
    const inst = this._inst;
    const p = inst.call('govjs_alloc', Math.max(1, bytes.length));
    if (!p) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    let n;
    try {
      inst.u8().set(bytes, p);
      n = inst.call('govjs_trace_render', this._h, p, bytes.length);
    } finally {
      if (!inst.poisoned) inst.call('govjs_free', p);
    }
    if (n === -1) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    if (n < 0) throw new GovError(inst.codeName(-1000 - n), inst.cstr(inst.call('govjs_vm_errmsg', this._h)));
    return inst.text(inst.call('govjs_out_ptr', this._h), n);
  }

  /** The persistent state (spec/state.md), bound to the policy id. */
  saveState() {
    this._alive();
    const inst = this._inst;
    const n = inst.call('govjs_state_save', this._h, this.policy._prog);
    if (n < 0) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    const p = inst.call('govjs_out_ptr', this._h);
    return inst.u8().slice(p, p + n);
  }

  /** Restore a saved state. Throws GovError (GOV_EPOLICY for another policy's state,
   * GOV_ECHECKSUM, ...) and leaves the VM unchanged when the bytes are refused. */
  loadState(bytes) {
    this._alive();
    if (!(bytes instanceof Uint8Array)) throw new TypeError('loadState(bytes): a Uint8Array');
    const inst = this._inst;
    const p = inst.putBytes(bytes);
    let rc;
    try {
      rc = inst.call('govjs_state_load', this._h, p, bytes.length);
    } finally {
      if (!inst.poisoned) inst.call('govjs_free', p);
    }
    if (rc !== 0) throw new GovError(inst.codeName(rc), inst.cstr(inst.call('govjs_vm_errmsg', this._h)));
  }

  /** Free the VM's memory now (it is freed with its policy's instance otherwise). */
  close() {
    if (!this._h) return;
    const inst = this._inst;
    if (!inst.poisoned) {
      for (const [k, v] of inst.handles) if (v.vm === this) inst.handles.delete(k);
      if (this._in) inst.call('govjs_free', this._in);
      inst.call('govjs_vm_free', this._h);
    }
    this._h = 0;
  }
}

export { C_NAMES };

// ---------------------------------------------------------------- policy sets

/**
 * Several policies enforced together (spec/trace.md §11): every record or event goes to
 * each member's VM, the verdict is the most restrictive, `decided_by` names the policy
 * that decided and each finding its `policy`. The combining is libgov's (gov_set_*); the
 * members' programs share one wasm instance for it. `members` are compiled policies
 * (Uint8Array); `opts.vm` the options of each member's VM (externs, limits, trace).
 */
export class PolicySet {
  static async load(members, opts = {}) {
    await initVM(opts);
    if (!Array.isArray(members) || members.length < 1 || members.length > 64) {
      throw new TypeError('PolicySet.load takes an array of 1 to 64 compiled policies');
    }
    const inst = new Instance(govModule);
    const policies = members.map((bytes) => Policy._loadInto(inst, bytes));
    return new PolicySet(inst, policies, opts.vm ?? {});
  }

  constructor(inst, policies, vmOpts) {
    this._inst = inst;
    /** The members' policies, in set order. */
    this.policies = policies;
    /** The members' VMs, in set order (save and restore state member by member). */
    this.vms = policies.map((p) => new VM(p, vmOpts));
    this._line = 0;
    this._hs = inst.call('govjs_alloc', 4 * this.vms.length);
    if (!this._hs) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    this.vms.forEach((v, i) => inst.dv().setUint32(this._hs + 4 * i, v._h, true));
    this._in = 0;
    this._inCap = 0;
  }

  /**
   * Evaluate one record or event (an object, or one line of JSON) against every member.
   * Returns the set's decision (spec/trace.md §11). When a member's decision is an error,
   * throws a GovError with its code, whose `decision` is the set's decision (the other
   * members' decisions stand).
   */
  evaluate(record, opts = {}) {
    const inst = this._inst;
    const text = typeof record === 'string' ? record : JSON.stringify(record);
    const written = inst.putInput(this, text);
    const line = opts.line ?? ++this._line;
    const n = inst.call('govjs_set_eval_json', this._hs, this.vms.length, this._in, written, line);
    if (n === -1) throw new GovError('GOV_ENOMEM', 'out of wasm memory');
    if (n < 0) throw new GovError('GOV_EMISUSE', 'the set refused its members (a closed VM?)');
    const d = JSON.parse(inst.text(inst.call('govjs_set_out_ptr'), n));
    if (d.status === 'error') throw new GovError(d.error.code, `${d.error.policy}: ${d.error.message}`, { decision: d });
    return d;
  }
}
