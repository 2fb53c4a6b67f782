// types-bad.ts: mistakes the types must catch (types.test.js expects exactly these
// errors from tsc, one per marked line).
import { Policy, compile } from 'gov';

export async function wrong(bytes: Uint8Array) {
  const policy = await Policy.load(bytes);
  const vm = policy.vm({ trace: 'yes' });                 // @expect TS2322
  const d = vm.evaluate(42);                              // @expect TS2345
  const v: 'allow' | 'deny' = d.verdict ?? 'allow';       // @expect TS2322
  vm.bind('f', () => 0, { returns: 'float', params: [] }); // @expect TS2322
  vm.tick({});                                            // @expect TS2345
  policy.withLimits(42);                                  // @expect TS2345
  await compile({ 'a.gov': 'policy a' }, { werror: 'no' }); // @expect TS2322
  const by: number | undefined = d.findings[0].inhibited_by; // @expect TS2322
  vm.renderTrace('gt');                                   // @expect TS2345
  const t: string | undefined = d.traceCompact;           // @expect TS2322
  if (d.actions[0].type === 'notify_muted') return by ?? t; // @expect TS2367
  return v;
}
