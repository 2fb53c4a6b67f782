// adapters/langchain.js: a @langchain/core callback handler that turns each LLM, tool and
// chain run into a gov run record (the fields of std/agent_run: latency, tokens, cost when
// known, error, action) and stops the run when gov's verdict is block or pause.
//
// Stopping: LangChain calls handlers through CallbackManager, which catches what a
// handler throws and logs it, unless the handler's `raiseError` is true, and runs
// handlers in a background queue unless its `awaitHandlers` is true (both read in
// @langchain/core's callbacks/manager.js and callbacks/base.js). This handler sets both,
// so the GovStopError it throws from handleLLMEnd, handleToolEnd, handleChainEnd (or
// their error forms) reaches the caller of invoke(): the chain or agent stops there, and
// the output that was judged goes no further.

import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { GovError } from '../gov.js';

/** Thrown from a callback to stop a LangChain run: gov said block or pause. */
export class GovStopError extends GovError {
  constructor(decision, run) {
    const rules = decision.findings.map((f) => f.rule).join(', ');
    super('GOV_STOP', `gov: ${decision.verdict} by ${rules || 'a host function failure'} on ${run.type} run '${run.name}'`,
      { decision, verdict: decision.verdict, run });
    this.name = 'GovStopError';
  }
}

function tokensOf(output) {
  const usage = output?.llmOutput?.tokenUsage ?? output?.llmOutput?.estimatedTokenUsage;
  if (usage && Number.isFinite(usage.totalTokens)) return usage.totalTokens;
  let total = null;
  for (const gen of (output?.generations ?? []).flat()) {
    const t = gen?.message?.usage_metadata?.total_tokens;
    if (Number.isFinite(t)) total = (total ?? 0) + t;
  }
  return total;
}

function nameOf(serialized, runName, fallback) {
  if (runName) return runName;
  if (serialized?.name) return serialized.name;
  const id = serialized?.id;
  return Array.isArray(id) && id.length ? String(id[id.length - 1]) : fallback;
}

/**
 * A callback handler that evaluates every finished run with a gov VM.
 *
 * Options:
 *   vm           the gov VM (its policy reads std/agent_run's `run` records, or any kind
 *                with the fields this handler writes)
 *   identity     { tenant, project, workflow, agent } for every record, or a function of
 *                the run giving them
 *   kind         the record kind to name (omit when the policy has one kind)
 *   runTypes     which runs become records: any of 'llm', 'tool', 'chain' (default all)
 *   stopOn       verdicts that stop the run (default ['block', 'pause'])
 *   costPerToken dollars per token, to fill cost_usd for LLM runs that report tokens
 *   record       (run, record) => record: a last say on each record (add fields)
 *   onDecision   (decision, run) => void: each decision, stopping or not
 *   now          () => Date: the clock for event times (default: the wall clock)
 */
export class GovCallbackHandler extends BaseCallbackHandler {
  name = 'gov';

  constructor(opts = {}) {
    super({ raiseError: true });
    if (!opts.vm) throw new TypeError('GovCallbackHandler: opts.vm (a gov VM) is required');
    this.raiseError = true;
    this.awaitHandlers = true;
    this.vm = opts.vm;
    this.identity = opts.identity ?? {};
    this.kind = opts.kind;
    this.runTypes = new Set(opts.runTypes ?? ['llm', 'tool', 'chain']);
    this.stopOn = new Set(opts.stopOn ?? ['block', 'pause']);
    this.costPerToken = opts.costPerToken;
    this.extra = opts.record;
    this.onDecision = opts.onDecision;
    this.now = opts.now ?? (() => new Date());
    this.runs = new Map(); // runId -> { type, name, start }
    /** Every decision this handler made, in order, with its run. */
    this.decisions = [];
  }

  _start(type, runId, name, parent) {
    this.runs.set(runId, { type, name, start: this.now(), parent, tokens: null, cost: 0 });
  }

  /** Add an LLM run's tokens and cost to every run it ran inside. */
  _charge(run, tokens, cost) {
    for (let p = this.runs.get(run.parent); p; p = this.runs.get(p.parent)) {
      if (tokens !== null) p.tokens = (p.tokens ?? 0) + tokens;
      p.cost += cost;
    }
  }

  _finish(runId, fields) {
    const run = this.runs.get(runId);
    this.runs.delete(runId);
    if (!run) return;
    if (run.type !== 'llm') {
      // a chain or tool carries what the LLM runs inside it used
      if (run.tokens !== null) fields = { tokens: run.tokens, ...fields };
      fields = { cost_usd: run.cost, ...fields };
    } else {
      this._charge(run, fields.tokens ?? null, fields.cost_usd ?? 0);
    }
    if (!this.runTypes.has(run.type)) return;
    const end = this.now();
    const ident = typeof this.identity === 'function' ? this.identity(run) : this.identity;
    let record = {
      ...(this.kind ? { kind: this.kind } : {}),
      ...ident,
      run_id: runId,
      at: end.toISOString(),
      latency_ms: Math.max(0, end.getTime() - run.start.getTime()),
      action: run.name,
      error: false,
      ...fields,
    };
    if (this.extra) record = this.extra({ ...run, runId }, record) ?? record;
    const decision = this.vm.evaluate({ ...record, type: 'record' });
    const info = { ...run, runId, record };
    this.decisions.push({ decision, run: info });
    this.onDecision?.(decision, info);
    if (decision.verdict && this.stopOn.has(decision.verdict)) throw new GovStopError(decision, info);
  }

  // std/agent_run requires cost_usd: an LLM run's is its tokens times costPerToken when
  // both are known, else 0 (unknown); a chain's or tool's is the sum of the LLM runs in it.
  _llmFields(output) {
    const tokens = tokensOf(output);
    const f = { cost_usd: 0 };
    if (tokens !== null) f.tokens = tokens;
    if (tokens !== null && this.costPerToken !== undefined) f.cost_usd = tokens * this.costPerToken;
    return f;
  }

  async handleLLMStart(llm, prompts, runId, parentRunId, extra, tags, metadata, runName) {
    this._start('llm', runId, nameOf(llm, runName, 'llm'), parentRunId);
  }

  async handleChatModelStart(llm, messages, runId, parentRunId, extra, tags, metadata, runName) {
    this._start('llm', runId, nameOf(llm, runName, 'chat_model'), parentRunId);
  }

  async handleLLMEnd(output, runId) {
    this._finish(runId, this._llmFields(output));
  }

  async handleLLMError(err, runId) {
    this._finish(runId, { error: true, cost_usd: 0 });
  }

  async handleToolStart(tool, input, runId, parentRunId, tags, metadata, runName) {
    this._start('tool', runId, nameOf(tool, runName, 'tool'), parentRunId);
  }

  async handleToolEnd(output, runId) {
    this._finish(runId, {});
  }

  async handleToolError(err, runId) {
    this._finish(runId, { error: true });
  }

  async handleChainStart(chain, inputs, runId, parentRunId, tags, metadata, runType, runName) {
    this._start('chain', runId, nameOf(chain, runName, 'chain'), parentRunId);
  }

  async handleChainEnd(outputs, runId) {
    this._finish(runId, {});
  }

  async handleChainError(err, runId) {
    // A run already stopped by gov is not judged again on its way out.
    if (err instanceof GovStopError) {
      this.runs.delete(runId);
      return;
    }
    this._finish(runId, { error: true });
  }
}
