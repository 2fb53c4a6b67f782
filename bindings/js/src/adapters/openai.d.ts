// openai.d.ts: types of the @openai/agents adapter (adapters/openai.js).
import type { InputGuardrail, OutputGuardrail, RunContext, RunState, RunToolApprovalItem, Agent } from '@openai/agents';
import type { Decision, GovError, RecordInput, Time, Verdict, VM } from '../gov.js';

export class GovStopError extends GovError {
  readonly decision: Decision;
  readonly verdict: Verdict;
}

export type Identity = { tenant?: string; project?: string; workflow?: string; agent?: string };

export interface GuardrailOptions<Args> {
  vm: VM;
  name?: string;
  /** Identity fields for every record, or a function giving them. */
  identity?: Identity | ((args: Args) => Identity);
  /** The record kind, when the policy has more than one. */
  kind?: string;
  /** Verdicts that trip the guardrail (default pause and block). */
  tripOn?: Verdict[];
  now?: () => Date;
  /** The record's fields (default { input | output, chars }). */
  record?: (args: Args) => Record<string, unknown>;
}

export interface GovGuardrailInfo {
  decision: Decision;
  record: Record<string, unknown>;
}

export function govInputGuardrail(
  opts: GuardrailOptions<{ agent: Agent<any, any>; input: unknown; text: string; context: RunContext<any> }>,
): InputGuardrail;
export function govOutputGuardrail(
  opts: GuardrailOptions<{ agent: Agent<any, any>; output: unknown; text: string; context: RunContext<any>; details?: unknown }>,
): OutputGuardrail<any>;

export interface ToolApprovalOptions {
  vm: VM;
  identity?: Identity | ((args: { tool: string; input: unknown }) => Identity);
  kind?: string;
  /** Verdicts that stop the run before the tool runs (default block and pause). */
  stopOn?: Verdict[];
  now?: () => Date;
  record?: (args: { tool: string; input: unknown; callId?: string; context: RunContext<any> }) => Record<string, unknown>;
}

export class GovToolApprovals {
  constructor(opts: ToolApprovalOptions);
  readonly vm: VM;
  /** The function for a tool's `needsApproval`. */
  needsApproval(tool: string): (context: RunContext<any>, input: any, callId?: string) => Promise<boolean>;
  /** Evaluate a tool call (once per call id): whether it needs approval. Throws GovStopError. */
  check(tool: string, input: unknown, callId?: string, context?: RunContext<any>): boolean;
  gateOf(item: RunToolApprovalItem): string | null;
  approve(state: RunState<any, any>, item: RunToolApprovalItem, by: string, at?: Time): Decision | null;
  reject(state: RunState<any, any>, item: RunToolApprovalItem, by: string, at?: Time, message?: string): Decision | null;
}
export type { RecordInput };
