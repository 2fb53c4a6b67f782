// govc.d.ts: types of govc.js, the compiler.
import type { Diagnostic, Policy, WasmSource } from './gov.js';

/** Sources by file name ("app/main.gov"), or one file's text (named policy.gov). */
export type Sources = string | Record<string, string | Uint8Array> | Map<string, string | Uint8Array>;

export interface CompilerOptions {
  /** Warnings count as errors (govc -Werror). */
  werror?: boolean;
  /** The rendering of `text` in check(): as govc check --format prints it. */
  format?: 'text' | 'json' | 'github' | 'sarif';
}

export interface CompilerInit {
  govc?: string | URL | BufferSource | WebAssembly.Module;
  /** TZif bytes for a zone name, for `in "Zone/Name"` (browsers; Node reads tzdata). */
  zones?: (name: string) => Uint8Array | null;
}

export interface CheckResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
  /** The diagnostics as govc check prints them. */
  text: string;
}

export interface CompiledProgram {
  policy: string;
  id: string;
  bytes: Uint8Array;
  rules: number;
  codeWords: number;
  maxSteps: number;
}

export interface CompileResult {
  programs: CompiledProgram[];
  diagnostics: Diagnostic[];
  warnings: number;
}

export function initCompiler(opts?: CompilerInit): Promise<void>;
export function check(sources: Sources, opts?: CompilerOptions & CompilerInit): Promise<CheckResult>;
export function checkSync(sources: Sources, opts?: CompilerOptions): CheckResult;
/** Throws GovError (code GOV_ESOURCE, `diagnostics`) when the sources have errors. */
export function compile(sources: Sources, opts?: CompilerOptions & CompilerInit): Promise<CompileResult>;
export function compileSync(sources: Sources, opts?: CompilerOptions): CompileResult;
export function compilePolicy(sources: Sources, opts?: CompilerOptions & CompilerInit & WasmSource): Promise<Policy>;
