import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../src/lifecycle/config.js';
import { createLifecycle, type LifecycleState } from '../../src/lifecycle/lifecycle.js';
import type { XStateExport, XStateTransitionConfig } from '../../src/lifecycle/xstate.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/**
 * A minimal interpreter of XState v5's semantics for this config: in the current state node, the
 * first candidate of `on[event.type]` whose guard passes is taken; its actions run in order
 * (`apply` = assign the context); `target` (if any) becomes the state.
 */
function interpret<S extends string>(x: XStateExport<S>, events: readonly LifecycleEvent[], customerId: string): { value: S; context: LifecycleState<S> } {
  let value = x.config.initial;
  let context: LifecycleState<S> = { ...x.config.context, customerId };
  for (const event of events) {
    const states: Readonly<Record<string, { readonly on: Readonly<Record<string, readonly XStateTransitionConfig[]>> }>> = x.config.states;
    const node = states[value];
    const candidates = node.on[event.type];
    const chosen = candidates.find((c) => c.guard === undefined || x.implementations.guards[c.guard]({ context, event }));
    if (chosen === undefined) throw new Error('no candidate');
    for (const a of chosen.actions) if (a === 'apply') context = x.implementations.apply({ context, event });
    if (chosen.target !== undefined) value = chosen.target as S;
  }
  return { value, context };
}

describe('toXStateConfig', () => {
  const lc = createLifecycle({ reference: { frequency: 3, spend: 100 } });
  const x = lc.toXStateConfig();

  it('is a plain, JSON-serialisable machine config in XState v5 shape', () => {
    expect(x.config.id).toBe('lifecycle');
    expect(x.config.initial).toBe('prospect');
    expect(Object.keys(x.config.states)).toEqual(lc.stages);
    expect(JSON.parse(JSON.stringify(x.config))).toEqual(x.config);
    // prospect can only become new; churned only reactivated (directly or not).
    expect(x.config.states.prospect.on.purchase.map((c) => c.target)).toEqual(['new', 'active', 'loyal', 'atRisk', 'churned', 'reactivated', undefined]);
    expect(x.config.states.churned.on.tick.map((c) => c.target)).toEqual(['active', 'loyal', 'atRisk', 'reactivated', undefined]);
    expect(x.config.states.churned.description).toBe('no purchase within the window');
    for (const node of Object.values(x.config.states)) {
      for (const list of Object.values(node.on)) for (const c of list) if (c.guard !== undefined) expect(x.implementations.guards).toHaveProperty([c.guard]);
    }
  });

  it('an XState-semantics interpreter over the config follows the pure transition exactly (property)', () => {
    const ev = fc.oneof(
      fc.record({ type: fc.constant('purchase' as const), dt: fc.integer({ min: 0, max: 50 * DAY }), amount: fc.integer({ min: 0, max: 80 }) }),
      fc.record({ type: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 60 * DAY }), amount: fc.constant(0) }),
      fc.record({ type: fc.constant('score' as const), dt: fc.integer({ min: 0, max: 5 * DAY }), amount: fc.double({ min: 0, max: 1, noNaN: true }) }),
    );
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 20 }), (steps) => {
        let t = T0;
        const events = steps.map((s): LifecycleEvent => {
          t += s.dt;
          return s.type === 'purchase' ? { type: 'purchase', at: t, amount: s.amount } : s.type === 'score' ? { type: 'score', at: t, pAlive: s.amount } : { type: 'tick', at: t };
        });
        let s = lc.initial('q');
        for (const e of events) s = lc.transition(s, e);
        const r = interpret(x, events, 'q');
        expect(r.value).toBe(s.stage);
        expect(r.context).toEqual(s);
      }),
      { seed: 21, numRuns: 150 },
    );
  });
});
