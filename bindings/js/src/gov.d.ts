// gov.d.ts: types of gov.js, the policy VM. Decisions are the JSON objects of
// spec/trace.md, with its member names.

/** Codes of vm/gov.h, and the binding's own: GOV_ETRAP (a wasm trap), GOV_EPOISONED (a
 * policy whose instance trapped), GOV_EBUSY (re-entry from a host function), GOV_ELOAD
 * (the wasm file could not be fetched), GOV_ESOURCE and GOV_EINTERNAL (the compiler). */
export type GovCode =
  | 'GOV_ENOMEM' | 'GOV_EMISUSE' | 'GOV_ESPACE' | 'GOV_EMAGIC' | 'GOV_EVERSION' | 'GOV_ETRUNC'
  | 'GOV_ECHECKSUM' | 'GOV_ESECTION' | 'GOV_EUNSUPP' | 'GOV_EBOUNDS' | 'GOV_ETYPE' | 'GOV_EOPCODE'
  | 'GOV_EJUMP' | 'GOV_ESTEPS' | 'GOV_EVALUE' | 'GOV_EJSON' | 'GOV_ECAP' | 'GOV_EKIND'
  | 'GOV_EMISSING' | 'GOV_EFIELD' | 'GOV_ENOTRACE' | 'GOV_EEVENT' | 'GOV_EPOLICY' | 'GOV_EBIND'
  | 'GOV_EUNBOUND' | 'GOV_ETRAP' | 'GOV_EPOISONED' | 'GOV_EBUSY' | 'GOV_ELOAD' | 'GOV_ESOURCE'
  | 'GOV_EIO' | 'GOV_EINTERNAL' | 'GOV_ELIMITS' | 'GOV_ELOOSEN' | 'GOV_ETRACE';

export class GovError extends Error {
  readonly code: GovCode;
  /** For a refused record or event: its error decision. */
  readonly decision?: Decision;
  /** For a refused program: the byte offset the error concerns. */
  readonly offset?: number;
  /** For a compilation: every diagnostic. */
  readonly diagnostics?: Diagnostic[];
  /** For a refused limits file (Policy.withLimits): its name, the line and column (from
   * 1; 0 when the error is not in the file), 'E050' for a loosening (GOV_ELOOSEN) or
   * null, and a note pointing at the related setting ("FILE:LINE:COL: note: ...") or "". */
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly diagnostic?: 'E050' | null;
  readonly note?: string;
}

/** Where a diagnostic or note points (lines and columns 1-based, columns in code points;
 * offset and end are the byte span). file is null for a diagnostic with no position. */
export interface Location {
  file: string | null;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  offset: number;
  end: number;
}

/** A compiler diagnostic (compiler/gov_compiler.h). */
export interface Diagnostic extends Location {
  severity: 'error' | 'warning';
  /** "E050", "W001" */
  code: string;
  message: string;
  notes: Array<Location & { message: string }>;
}

/** Thrown by a host function to fail with a chosen nonzero status. */
export class HostFailure extends Error {
  constructor(status: number, message?: string);
  readonly status: number;
}

/** The status of a host function that threw (other than HostFailure). */
export const HOST_THREW: -1;
/** The status of a host function whose result had the wrong type (or was a Promise). */
export const HOST_BAD_RESULT: -2;

export type Verdict = 'allow' | 'warn' | 'review' | 'pause' | 'block';
export type Severity = 'info' | 'warning' | 'critical';
export type ValueType =
  | 'int' | 'float' | 'ratio' | 'duration' | 'time' | 'money' | 'bool' | 'string' | 'id'
  | 'severity' | 'verdict';

/** A value in a decision (spec/trace.md §4). */
export interface Value {
  type: ValueType;
  value: number | string | boolean;
  text?: string;
}

export interface Compared {
  op: '==' | '!=' | '<' | '<=' | '>' | '>=';
  lhs: Value;
  rhs: Value;
  result: boolean;
}

export interface Finding {
  rule: string;
  severity: Severity;
  verdict: Verdict;
  /** file:line:col of the rule */
  at: string;
  compared: Compared[];
  limit: null | {
    name: string;
    value: Value;
    from: { level: string; scope?: string; path?: string; at?: string };
  };
  /** The rule whose finding on the same record muted this one's notifications
   * (spec/language.md §4.10); absent when it was not inhibited. */
  inhibited_by?: string;
  [more: string]: unknown;
}

export interface Action {
  type: 'notify' | 'gate_open' | 'gate_approved' | 'gate_rejected' | 'gate_timeout' | 'gate_blocked'
    | 'refused' | 'escalation_start' | 'escalation_step' | 'escalation_end' | 'escalation_suppressed'
    | 'escalation_dropped' | 'rule_firing' | 'rule_cleared' | 'gate_approval'
    /** Not sent (spec/trace.md §10): held for its group, held back by a silence, muted by an inhibitor. */
    | 'notify_held' | 'notify_silenced' | 'notify_inhibited';
  rule?: string;
  channel?: string;
  kind?: string;
  target?: string;
  severity?: Severity;
  verdict?: Verdict;
  gate?: string;
  gate_id?: string;
  escalation?: string;
  escalation_id?: string;
  key?: string;
  by?: string;
  outcome?: 'deny' | 'allow' | 'escalate';
  reason?: string;
  deadline?: string;
  at?: string;
  policy_id?: string;
  /** notify_inhibited: the rule whose finding on the same record muted this notification. */
  inhibited_by?: string;
  /** A notification to a channel its rule's channel set gave (spec/language.md 4.1.2): the
   *  set and where its value in force came from (no from on a group's delivery on the clock). */
  channel_limit?: { name: string; from?: { level: string; scope?: string; path?: string; at: string } };
  [more: string]: unknown;
}

export interface HostErrorEntry {
  extern: string;
  rule: string;
  reason: 'failed' | 'unbound' | 'not finite' | 'out of range';
  status: number;
  outcome: 'default' | Verdict;
  [more: string]: unknown;
}

/** A decision (spec/trace.md §2), with the trace (§3) when the VM traces. */
export interface Decision {
  policy: string;
  policy_id: string;
  line: number;
  kind: string | null;
  status: 'ok' | 'error';
  verdict: Verdict | null;
  error?: { code: GovCode; message: string };
  findings: Finding[];
  actions: Action[];
  host_errors?: HostErrorEntry[];
  event?: string;
  at?: string;
  trace?: Trace | null;
  /** Bytes the trace needed when it did not fit (trace is then null). */
  trace_needed?: number;
  /** The compact trace (spec/trace.md §3.1) when the VM was made with `compactTrace`
   * (not enumerable): a few dozen bytes to keep; `vm.renderTrace` gives its JSON trace. */
  readonly traceCompact?: Uint8Array;
  /** Exceptions thrown by host functions during this evaluation (not enumerable). */
  readonly hostExceptions?: { extern: string; error: unknown }[];
  [more: string]: unknown;
}

export interface Trace {
  trace: number;
  policy: string;
  policy_id: string;
  rules: Array<{ rule: string; at: string; fired: boolean; [more: string]: unknown }>;
  [more: string]: unknown;
}

/** A time: Date, RFC 3339 text, milliseconds since the epoch, or nanoseconds (bigint). */
export type Time = Date | string | number | bigint;

export type CType = 'int64' | 'double' | 'int' | 'string';
export interface Signature {
  returns: CType;
  params: CType[];
}
export interface ExternInfo extends Signature {
  name: string;
  onError: 'none' | 'default' | 'verdict';
}
export interface KindInfo {
  name: string;
  fields: { name: string; type: ValueType }[];
}

/** A JavaScript host function: arguments by the declaration's C types. */
export type HostFunction = (...args: Array<bigint | number | string>) => bigint | number | boolean;

export interface Limits {
  lineLength?: number;
  nesting?: number;
  stringLength?: number;
  fields?: number;
  tokens?: number;
}

export interface VMOptions {
  /** Add each evaluation's trace to its decision. */
  trace?: boolean;
  /** Bytes for the trace buffer (default 1 MiB; it grows after a trace that did not fit). */
  traceBytes?: number;
  /** Give each decision its compact trace, `decision.traceCompact` (spec/trace.md §3.1). */
  compactTrace?: boolean;
  /** JSON limits (spec/trace.md §1). */
  limits?: Limits;
  /** Host functions to bind, by extern name. */
  externs?: Record<string, HostFunction>;
}

export interface WasmSource {
  gov?: string | URL | BufferSource | WebAssembly.Module;
}

export function initVM(opts?: WasmSource): Promise<void>;
export function toRfc3339(t: Time): string;

export class Policy {
  /** Verify and load compiled bytecode; throws GovError. */
  static load(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, opts?: WasmSource): Promise<Policy>;
  /** As load(), after initVM() resolved. */
  static loadSync(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Policy;
  readonly name: string;
  readonly id: string;
  readonly kinds: KindInfo[];
  readonly externs: ExternInfo[];
  /** The key records are partitioned by (spec/govd.md §5). */
  readonly partitionKey: 'any' | 'tenant' | 'project' | 'workflow' | 'agent' | 'run_id' | 'none';
  readonly poisoned: boolean;
  disasm(): string;
  vm(opts?: VMOptions): VM;
  /** This policy with a limits file loaded beside it (spec/language.md §5.2): a new
   * Policy whose id covers the file's entries. Throws GovError GOV_ELIMITS (malformed)
   * or GOV_ELOOSEN (E050: it loosens a limit), with `line`, `col` and `note`. */
  withLimits(limits: string | Uint8Array | ArrayBuffer | ArrayBufferView, name?: string): Policy;
  /** The partition (0..n-1) of a record or event among n (spec/scaleout.md §1); throws
   * GOV_EMISUSE for a policy keyed "any", or "none" with n > 1. */
  partition(record: RecordInput, n: number): number;
}

/** The partition (0..n-1) of a partition key value among n: XXH3-64 of its UTF-8 bytes,
 * mod n (spec/scaleout.md §1). Needs initVM() resolved. */
export function partitionOf(key: string, n: number): number;

export type RecordInput = Record<string, unknown> | string;

export class VM {
  constructor(policy: Policy, opts?: VMOptions);
  readonly policy: Policy;
  /** Evaluate a record; throws GovError for a record the VM refuses. */
  evaluate(record: RecordInput, opts?: { line?: number }): Decision;
  approve(gateId: string, by: string, at?: Time): Decision;
  reject(gateId: string, by: string, at?: Time): Decision;
  ack(escalationId: string, by: string, at?: Time): Decision;
  tick(at: Time): Decision;
  /** The clock in nanoseconds since the epoch, null before the first event. */
  readonly now: bigint | null;
  readonly pendingGates: number;
  readonly runningEscalations: number;
  limit(name: keyof Limits, value?: number): number;
  bind(name: string, fn: HostFunction, sig?: Signature): this;
  ready(): void;
  /** The JSON trace (text, as `govc run --trace` prints it) of a compact trace taken
   * under this VM's policy; throws GovError GOV_EPOLICY, GOV_EVERSION or GOV_ETRACE. */
  renderTrace(bytes: Uint8Array): string;
  saveState(): Uint8Array;
  loadState(bytes: Uint8Array): void;
  close(): void;
}

/** A policy set's decision (spec/trace.md §11): one per input, every member's inside. */
export interface SetDecision {
  set: string[];
  line: number;
  status: 'ok' | 'error';
  verdict: Verdict | null;
  /** The first member whose verdict is the set's; null for allow or an error. */
  decided_by: string | null;
  error?: { code: GovCode; message: string; policy: string };
  applied: number;
  /** Each member's decision; its findings each carry `policy`. */
  decisions: Decision[];
  [more: string]: unknown;
}

/** Several policies enforced together; the verdict is the most restrictive. */
export class PolicySet {
  static load(members: Array<Uint8Array | ArrayBuffer | ArrayBufferView>,
              opts?: WasmSource & { vm?: VMOptions }): Promise<PolicySet>;
  readonly policies: Policy[];
  readonly vms: VM[];
  /** Throws GovError (its `decision` the set's) when a member's decision is an error. */
  evaluate(record: RecordInput, opts?: { line?: number }): SetDecision;
}
