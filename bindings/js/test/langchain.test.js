// langchain.test.js: GovCallbackHandler in real @langchain/core runs, driven by
// LangChain's own fake chat model: each LLM, tool and chain run becomes a std/agent_run
// record, and a block or pause stops the run where it was judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { Policy, GovError } from 'gov';
import { GovCallbackHandler, GovStopError } from 'gov/langchain';
import { govcBuild } from './helpers.js';

const policy = await Policy.load(govcBuild('bindings/js/test/policies/run_guard.gov'));
const identity = { tenant: 'acme', project: 'support', workflow: 'refunds', agent: 'helper' };

/** LangChain's FakeListChatModel, reporting token usage on each answer as a provider does. */
class MeteredFakeChat extends FakeListChatModel {
  constructor({ tokens, ...rest }) {
    super(rest);
    this.tokens = tokens;
    this.calls = 0;
  }
  _formatGeneration(text) {
    const g = super._formatGeneration(text);
    const total = this.tokens[this.calls++ % this.tokens.length];
    g.message.usage_metadata = { input_tokens: total - 10, output_tokens: 10, total_tokens: total };
    return g;
  }
}

const prompt = ChatPromptTemplate.fromMessages([['human', 'Answer the customer: {question}']]);
let afterRan;
const chainOf = (model) => RunnableSequence.from([prompt, model, new StringOutputParser(),
  RunnableLambda.from((s) => { afterRan = true; return s.toUpperCase(); }).withConfig({ runName: 'shout' })]);

test('each LLM and chain run is a record: latency, tokens, cost and the run name', async () => {
  const handler = new GovCallbackHandler({ vm: policy.vm(), identity, costPerToken: 0.0001 });
  assert.equal(handler.raiseError, true);
  assert.equal(handler.awaitHandlers, true);
  const model = new MeteredFakeChat({ responses: ['your refund is on its way'], tokens: [120] });
  const out = await chainOf(model).invoke({ question: 'where is my refund?' }, { callbacks: [handler] });
  assert.equal(out, 'YOUR REFUND IS ON ITS WAY');
  const runs = handler.decisions.map(({ run, decision }) => [run.type, run.name, decision.verdict]);
  assert.deepEqual(runs.map((r) => r.slice(0, 2)), [
    ['chain', 'ChatPromptTemplate'], ['llm', 'MeteredFakeChat'], ['chain', 'StrOutputParser'],
    ['chain', 'shout'], ['chain', 'RunnableSequence'],
  ]);
  assert.ok(runs.every((r) => r[2] === 'allow'));
  const llm = handler.decisions[1].run.record;
  assert.equal(llm.tokens, 120);
  assert.ok(Math.abs(llm.cost_usd - 0.012) < 1e-12);
  assert.equal(llm.action, 'MeteredFakeChat');
  assert.equal(llm.tenant, 'acme');
  assert.ok(llm.latency_ms >= 0);
  const seq = handler.decisions.at(-1).run.record;
  assert.equal(seq.tokens, 120, 'the sequence carries the tokens of the LLM run inside it');
  assert.ok(Math.abs(seq.cost_usd - 0.012) < 1e-12);
});

test('block on an LLM run stops the chain: the rest of it never runs', async () => {
  const handler = new GovCallbackHandler({ vm: policy.vm(), identity });
  const model = new MeteredFakeChat({ responses: ['a very long answer'], tokens: [5000] });
  afterRan = false;
  await assert.rejects(chainOf(model).invoke({ question: 'tell me everything' }, { callbacks: [handler] }), (e) => {
    assert.ok(e instanceof GovStopError && e instanceof GovError);
    assert.equal(e.verdict, 'block');
    assert.equal(e.decision.findings[0].rule, 'too_many_tokens');
    assert.equal(e.run.type, 'llm');
    return true;
  });
  assert.equal(afterRan, false);
  assert.deepEqual(handler.decisions.map((d) => d.run.name), ['ChatPromptTemplate', 'MeteredFakeChat']);
});

test('pause (cost over the cap) stops the run too; warn does not', async () => {
  const handler = new GovCallbackHandler({ vm: policy.vm(), identity, costPerToken: 0.001 });
  const model = new MeteredFakeChat({ responses: ['ok'], tokens: [600] });
  await assert.rejects(model.invoke('hi', { callbacks: [handler] }), (e) => e instanceof GovStopError && e.verdict === 'pause');
});

test('tool runs: a failing tool is recorded with error, a forbidden one stops the sequence', async () => {
  const lookup = tool(async ({ id }) => { if (id === 'x') throw new Error('no such order'); return `order ${id}: shipped`; },
    { name: 'lookup_order', description: 'look an order up', schema: z.object({ id: z.string() }) });
  const del = tool(async () => 'deleted', { name: 'delete_account', description: 'delete an account', schema: z.object({ id: z.string() }) });
  const seen = [];
  const handler = new GovCallbackHandler({ vm: policy.vm(), identity, onDecision: (d, run) => seen.push([run.name, d.verdict]) });
  assert.equal(await lookup.invoke({ id: '7' }, { callbacks: [handler] }), 'order 7: shipped');
  await assert.rejects(lookup.invoke({ id: 'x' }, { callbacks: [handler] }), /no such order/);
  assert.deepEqual(seen, [['lookup_order', 'allow'], ['lookup_order', 'warn']]);
  assert.equal(handler.decisions[1].run.record.error, true);
  afterRan = false;
  const flow = RunnableSequence.from([RunnableLambda.from((x) => x), del,
    RunnableLambda.from((s) => { afterRan = true; return s; })]);
  await assert.rejects(flow.invoke({ id: '9' }, { callbacks: [handler] }), (e) => e instanceof GovStopError && e.decision.findings[0].rule === 'forbidden_tool');
  assert.equal(afterRan, false);
  assert.equal(handler.decisions.filter((d) => d.run.name === 'RunnableSequence').length, 0, 'the stopped sequence is not judged again');
});

test('control: LangChain swallows what a handler without raiseError throws', async () => {
  const quiet = BaseCallbackHandler.fromMethods({ handleLLMEnd() { throw new Error('ignored'); } });
  const warn = console.warn;
  console.warn = () => {};
  try {
    const model = new FakeListChatModel({ responses: ['fine'] });
    const r = await model.invoke('hi', { callbacks: [quiet] });
    assert.equal(r.content, 'fine');
  } finally {
    console.warn = warn;
  }
});

test('a record the policy cannot read is an exception, not a silent allow', async () => {
  const handler = new GovCallbackHandler({ vm: policy.vm(), identity, record: (run, r) => ({ ...r, tokens: 1.5 }) });
  const model = new FakeListChatModel({ responses: ['x'] });
  await assert.rejects(model.invoke('hi', { callbacks: [handler] }), (e) => e instanceof GovError && e.code === 'GOV_EFIELD');
});
