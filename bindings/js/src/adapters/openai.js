// adapters/openai.js: gov in the OpenAI Agents SDK (@openai/agents): input and output
// guardrails whose tripwire is gov's verdict, and a tool-call approval hook that opens
// gov's review gates and resolves them with the SDK's own approval flow.
//
// The SDK's shapes used here (read in @openai/agents-core 0.20's guardrail.d.ts, tool.d.ts,
// runState.d.ts and runner/toolExecution.mjs):
//   - an input guardrail is { name, execute({agent, input, context}), runInParallel };
//     an output guardrail is { name, execute({agent, agentOutput, context, details}) };
//     both resolve to { tripwireTriggered, outputInfo }, and a tripped one makes run()
//     reject with InputGuardrailTripwireTriggered / OutputGuardrailTripwireTriggered;
//   - a function tool's `needsApproval(runContext, input, callId)` resolves to a boolean;
//     true interrupts the run with a RunToolApprovalItem in result.interruptions, which the
//     host settles with result.state.approve(item) or .reject(item) and resumes with
//     run(agent, result.state); a throw from needsApproval fails the run with that error.
//
// Mapping: a tool call whose decision is `review` needs approval (and, when a gate fired,
// gov holds it pending until approve() or reject() here resolves it in both places);
// `block` or `pause` stops the run (GovStopError) before the tool runs; anything else lets
// it run. Each tool call is evaluated once: the SDK may ask again for the same call id
// after a resume, and gets the first answer.

import { GovError } from '../gov.js';

/** The run was stopped by gov: the decision's verdict is one that stops. */
export class GovStopError extends GovError {
  constructor(decision, what) {
    const rules = decision.findings.map((f) => f.rule).join(', ');
    super('GOV_STOP', `gov: ${decision.verdict} by ${rules || 'a host function failure'} on ${what}`,
      { decision, verdict: decision.verdict });
    this.name = 'GovStopError';
  }
}

function baseRecord(opts, fields) {
  const ident = typeof opts.identity === 'function' ? opts.identity(fields) : opts.identity ?? {};
  return {
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...ident,
    at: (opts.now?.() ?? new Date()).toISOString(),
  };
}

function textOf(x) {
  if (typeof x === 'string') return x;
  if (Array.isArray(x)) {
    return x.map((item) => {
      if (typeof item?.content === 'string') return item.content;
      if (Array.isArray(item?.content)) return item.content.map((c) => c?.text ?? '').join('');
      return '';
    }).filter(Boolean).join('\n');
  }
  return JSON.stringify(x ?? '');
}

/** Evaluate, never letting a record become an event: "type" is always "record". */
function judge(vm, record) {
  return vm.evaluate({ ...record, type: 'record' });
}

/**
 * An input guardrail: the agent's input becomes a record, and the run trips when gov's
 * verdict is in tripOn (default pause and block).
 * opts: { vm, name?, identity?, kind?, tripOn?, now?,
 *         record?: ({agent, input, text, context}) => fields }
 * By default the record holds { input: the input as text, chars: its length }, with the
 * identity, run_id (the agent's name and a counter) and at.
 */
export function govInputGuardrail(opts) {
  if (!opts?.vm) throw new TypeError('govInputGuardrail: opts.vm (a gov VM) is required');
  const tripOn = new Set(opts.tripOn ?? ['pause', 'block']);
  let n = 0;
  return {
    name: opts.name ?? 'gov_input',
    runInParallel: false,
    async execute({ agent, input, context }) {
      const text = textOf(input);
      const fields = opts.record
        ? opts.record({ agent, input, text, context })
        : { input: text, chars: [...text].length };
      const record = { ...baseRecord(opts, { agent }), run_id: `${agent?.name ?? 'agent'}-input-${++n}`, ...fields };
      const decision = judge(opts.vm, record);
      return { tripwireTriggered: tripOn.has(decision.verdict), outputInfo: { decision, record } };
    },
  };
}

/**
 * An output guardrail: the agent's final output becomes a record ({ output, chars } by
 * default), and the run trips when the verdict is in tripOn.
 */
export function govOutputGuardrail(opts) {
  if (!opts?.vm) throw new TypeError('govOutputGuardrail: opts.vm (a gov VM) is required');
  const tripOn = new Set(opts.tripOn ?? ['pause', 'block']);
  let n = 0;
  return {
    name: opts.name ?? 'gov_output',
    async execute({ agent, agentOutput, context, details }) {
      const text = textOf(agentOutput);
      const fields = opts.record
        ? opts.record({ agent, output: agentOutput, text, context, details })
        : { output: text, chars: [...text].length };
      const record = { ...baseRecord(opts, { agent }), run_id: `${agent?.name ?? 'agent'}-output-${++n}`, ...fields };
      const decision = judge(opts.vm, record);
      return { tripwireTriggered: tripOn.has(decision.verdict), outputInfo: { decision, record } };
    },
  };
}

/**
 * Tool-call approvals through gov's verdicts and review gates.
 * opts: { vm, identity?, kind?, now?, stopOn? (default ['block', 'pause']),
 *         record?: ({tool, input, callId, context}) => fields }
 * By default a tool call's record is its input's members, then the identity, then
 * run_id (the call id), action (the tool's name) and at.
 */
export class GovToolApprovals {
  constructor(opts) {
    if (!opts?.vm) throw new TypeError('GovToolApprovals: opts.vm (a gov VM) is required');
    this.vm = opts.vm;
    this.opts = opts;
    this.stopOn = new Set(opts.stopOn ?? ['block', 'pause']);
    this.calls = new Map(); // callId -> { tool, decision, gateId, needsApproval }
  }

  /** The `needsApproval` function for the tool named `tool`. */
  needsApproval(tool) {
    return async (context, input, callId) => this.check(tool, input, callId, context);
  }

  /** Evaluate one tool call (once per call id); true when it needs a person. */
  check(tool, input, callId, context) {
    const key = callId ?? `${tool}:${JSON.stringify(input)}`;
    const seen = this.calls.get(key);
    if (seen) {
      if (seen.stopped) throw new GovStopError(seen.decision, `tool call ${tool}`);
      return seen.needsApproval;
    }
    const fields = this.opts.record
      ? this.opts.record({ tool, input, callId, context })
      : (input && typeof input === 'object' && !Array.isArray(input) ? input : { input });
    const record = {
      ...fields,
      ...baseRecord(this.opts, { tool, input }),
      run_id: String(callId ?? key),
      action: tool,
    };
    const decision = judge(this.vm, record);
    const gate = decision.actions.find((a) => a.type === 'gate_open');
    const entry = {
      tool,
      decision,
      gateId: gate?.gate_id ?? null,
      needsApproval: decision.verdict === 'review',
      stopped: this.stopOn.has(decision.verdict),
    };
    this.calls.set(key, entry);
    if (entry.stopped) throw new GovStopError(decision, `tool call ${tool}`);
    return entry.needsApproval;
  }

  _entry(item) {
    const callId = item?.rawItem?.callId;
    const e = callId !== undefined ? this.calls.get(callId) : undefined;
    if (!e) throw new GovError('GOV_EMISUSE', `no gov decision for tool call ${callId ?? '(no call id)'}`);
    return e;
  }

  /** The gov gate id of an interruption's tool call, or null (a review without a gate). */
  gateOf(item) { return this._entry(item).gateId; }

  /**
   * Approve an interrupted tool call as `by`: gov first (an approver of the gate must
   * approve it; anyone else is refused with a GovError, code GOV_EREFUSED, and the SDK
   * state is left as it was), then the SDK's state.approve(item).
   */
  approve(state, item, by, at) {
    const e = this._entry(item);
    let decision = null;
    if (e.gateId) {
      decision = this.vm.approve(e.gateId, by, at ?? this.opts.now?.() ?? new Date());
      const a = decision.actions.find((x) => x.gate_id === e.gateId || x.type === 'refused');
      if (!a || a.type !== 'gate_approved') {
        throw new GovError('GOV_EREFUSED', `gov refused the approval by ${by}: ${a?.reason ?? 'the gate is not pending'}`, { decision });
      }
    }
    state.approve(item);
    return decision;
  }

  /** Reject an interrupted tool call: gov's gate (by an approver) and the SDK's state. */
  reject(state, item, by, at, message) {
    const e = this._entry(item);
    let decision = null;
    if (e.gateId) {
      decision = this.vm.reject(e.gateId, by, at ?? this.opts.now?.() ?? new Date());
      const a = decision.actions.find((x) => x.gate_id === e.gateId || x.type === 'refused');
      if (!a || a.type !== 'gate_rejected') {
        throw new GovError('GOV_EREFUSED', `gov refused the rejection by ${by}: ${a?.reason ?? 'the gate is not pending'}`, { decision });
      }
    }
    state.reject(item, message ? { message } : undefined);
    return decision;
  }
}
