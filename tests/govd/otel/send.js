// send.js URL TOKEN: export GenAI spans to govd with the real OpenTelemetry Node SDK
// (@opentelemetry/sdk-trace-node) and OTLP/HTTP JSON exporter
// (@opentelemetry/exporter-trace-otlp-http). Prints the trace and span ids it made.
'use strict';
const { NodeTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { SpanStatusCode } = require('@opentelemetry/api');

const [url, token] = process.argv.slice(2);
const exporter = new OTLPTraceExporter({ url, headers: { Authorization: `Bearer ${token}` } });
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'support-svc', 'gov.tenant': 'acme', 'gov.project': 'billing' }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('govd-test');

async function main() {
  const t0 = Date.UTC(2026, 10, 25, 9, 0, 0);
  // A slow, failed chat call of triage-bot: 4.5 s, 1,600 tokens.
  const chat = tracer.startSpan('chat gpt-4o', {
    startTime: t0,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.agent.name': 'triage-bot',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 400,
      'gov.cost_usd': 0.02,
    },
  });
  chat.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout' });
  chat.end(t0 + 4500);
  // A quick one, fine.
  const ok = tracer.startSpan('chat gpt-4o-mini', {
    startTime: t0 + 10000,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.agent.name': 'triage-bot',
                  'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 50 },
  });
  ok.end(t0 + 10300);
  // Not a GenAI span: skipped.
  const http = tracer.startSpan('GET /health', { startTime: t0 + 11000 });
  http.end(t0 + 11001);
  await provider.forceFlush();
  await provider.shutdown();
  for (const s of [chat, ok]) {
    const c = s.spanContext();
    console.log(`${c.traceId}:${c.spanId}`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
