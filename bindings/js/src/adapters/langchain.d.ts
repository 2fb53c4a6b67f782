// langchain.d.ts: types of the @langchain/core adapter (adapters/langchain.js).
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Decision, GovError, Verdict, VM } from '../gov.js';

export interface GovRun {
  type: 'llm' | 'tool' | 'chain';
  name: string;
  runId: string;
  start: Date;
  record?: Record<string, unknown>;
}

export class GovStopError extends GovError {
  readonly decision: Decision;
  readonly verdict: Verdict;
  readonly run: GovRun;
}

export interface GovCallbackHandlerOptions {
  vm: VM;
  identity?: { tenant?: string; project?: string; workflow?: string; agent?: string }
    | ((run: GovRun) => { tenant?: string; project?: string; workflow?: string; agent?: string });
  kind?: string;
  runTypes?: Array<'llm' | 'tool' | 'chain'>;
  /** Verdicts that stop the run (default block and pause). */
  stopOn?: Verdict[];
  /** Dollars per token, for cost_usd of LLM runs that report token usage. */
  costPerToken?: number;
  record?: (run: GovRun, record: Record<string, unknown>) => Record<string, unknown> | void;
  onDecision?: (decision: Decision, run: GovRun) => void;
  now?: () => Date;
}

export class GovCallbackHandler extends BaseCallbackHandler {
  constructor(opts: GovCallbackHandlerOptions);
  name: string;
  readonly vm: VM;
  readonly decisions: Array<{ decision: Decision; run: GovRun }>;
}
