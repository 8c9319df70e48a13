/**
 * Type-level tests: stage and guard names are inferred from the configuration, so a typo does not
 * compile (checked by `tsc --noEmit`, which fails on an unused `@ts-expect-error`).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CustomerFacts } from '../../src/lifecycle/config.js';
import { createLifecycle, type Lifecycle } from '../../src/lifecycle/lifecycle.js';

const stages = {
  lead: { when: (f: CustomerFacts) => f.purchases === 0 },
  customer: { when: (f: CustomerFacts) => f.purchases > 0 },
};

describe('lifecycle types', () => {
  it('infers stage names from the config (and the defaults without one)', () => {
    const lc = createLifecycle({ stages, transitions: [{ from: 'lead', to: 'customer', on: ['purchase'] }] });
    expectTypeOf(lc).toEqualTypeOf<Lifecycle<'lead' | 'customer'>>();
    expectTypeOf(lc.initial('a').stage).toEqualTypeOf<'lead' | 'customer'>();
    expectTypeOf(createLifecycle().stages).toEqualTypeOf<readonly ('prospect' | 'new' | 'active' | 'loyal' | 'atRisk' | 'churned' | 'reactivated')[]>();
    expect(lc.stages).toEqual(['lead', 'customer']);
  });

  it('rejects unknown stage, guard and event names at compile time', () => {
    const make = (): void => {
      // @ts-expect-error 'client' is not a declared stage
      createLifecycle({ stages, transitions: [{ from: 'lead', to: 'client' }] });
      // @ts-expect-error 'vip' is not a declared guard
      createLifecycle({ stages, guards: { ok: () => true }, transitions: [{ from: 'lead', to: 'customer', guard: 'vip' }] });
      // @ts-expect-error 'buy' is not an event
      createLifecycle({ stages, transitions: [{ from: 'lead', to: 'customer', on: ['buy'] }] });
      const lc = createLifecycle({ stages });
      // @ts-expect-error events are typed: a purchase has no 'price'
      lc.transition(lc.initial('a'), { type: 'purchase', at: 0, price: 3 });
      // @ts-expect-error stages are a closed union
      if (lc.initial('a').stage === 'churned') return;
    };
    expect(typeof make).toBe('function');
  });
});
