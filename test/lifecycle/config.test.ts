import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import {
  DEFAULT_LIFECYCLE_STAGES,
  DEFAULT_LIFECYCLE_TRANSITIONS,
  defaultStageOf,
  FactsBuffer,
  matchStage,
  type CustomerFacts,
} from '../../src/lifecycle/config.js';
import { createLifecycle } from '../../src/lifecycle/lifecycle.js';

function invalid(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return err as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

describe('createLifecycle: configuration', () => {
  it('has the default stages, the 30-day window and the mean reference', () => {
    const lc = createLifecycle();
    expect(lc.stages).toEqual(['prospect', 'new', 'active', 'loyal', 'atRisk', 'churned', 'reactivated']);
    expect(lc.initialStage).toBe('prospect');
    expect(lc.window).toBe(30);
    expect(lc.pAliveThreshold).toBe(0.5);
    expect(lc.reference).toEqual({ frequency: 'mean', spend: 'mean' });
    expect(DEFAULT_LIFECYCLE_TRANSITIONS).toHaveLength(6);
  });

  it('rejects an overlap, naming an example customer state and both stages', () => {
    const vip = { when: (f: CustomerFacts) => f.purchases > 0 && f.spend >= 1000 };
    const err = invalid(() => createLifecycle({ stages: { ...DEFAULT_LIFECYCLE_STAGES, vip } }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].path).toBe('options.stages');
    expect(err.issues[0].message).toMatch(/^the stages '\w+' and 'vip' overlap: both hold the customer state \{ purchases: \d+, spend: \d+/);
  });

  it('rejects a gap, naming an example customer state', () => {
    const rest = Object.fromEntries(Object.entries(DEFAULT_LIFECYCLE_STAGES).filter(([name]) => name !== 'atRisk'));
    const err = invalid(() => createLifecycle({ stages: rest }));
    expect(err.issues[0].message).toMatch(/^no stage holds the customer state \{ purchases: [1-9]/);
    expect(err.issues[0].message).toContain('the rules leave a gap');
  });

  it("rejects the seed articles' rules (active ≡ loyal; new and reactivated inside active)", () => {
    const recent = (f: CustomerFacts): boolean => f.purchases > 0 && f.daysSinceLastPurchase < f.window;
    const above = (f: CustomerFacts): boolean => f.purchases >= f.referenceFrequency && f.spend >= f.referenceSpend;
    const seed = {
      prospect: { when: (f: CustomerFacts) => f.purchases === 0 },
      new: { when: (f: CustomerFacts) => recent(f) && f.daysSinceFirstPurchase < f.window },
      active: { when: (f: CustomerFacts) => recent(f) && above(f) },
      loyal: { when: (f: CustomerFacts) => recent(f) && above(f) },
      atRisk: { when: (f: CustomerFacts) => recent(f) && f.purchases < f.referenceFrequency && f.spend < f.referenceSpend },
      churned: { when: (f: CustomerFacts) => f.purchases > 0 && !recent(f) },
      reactivated: { when: (f: CustomerFacts) => recent(f) && f.daysSinceReturn < f.window },
    };
    expect(invalid(() => createLifecycle({ stages: seed })).issues[0].message).toMatch(/overlap/);
    // Even with active/loyal made exclusive, the mixed case (frequency above, spend below) is a gap.
    const noOverlap = {
      prospect: seed.prospect,
      churned: seed.churned,
      new: seed.new,
      loyal: { when: (f: CustomerFacts) => recent(f) && f.daysSinceFirstPurchase >= f.window && above(f) },
      atRisk: { when: (f: CustomerFacts) => recent(f) && f.daysSinceFirstPurchase >= f.window && f.purchases < f.referenceFrequency && f.spend < f.referenceSpend },
    };
    expect(invalid(() => createLifecycle({ stages: noOverlap })).issues[0].message).toMatch(/^no stage holds the customer state \{ purchases: \d+, spend: /);
  });

  it('finds overlaps off the boundary grid by random sampling (seeded)', () => {
    // Overlap only for spend in (123.4, 123.5): no grid point, but random spends hit it.
    const odd = {
      ...DEFAULT_LIFECYCLE_STAGES,
      odd: { when: (f: CustomerFacts) => f.purchases > 0 && f.spend > 123.4 && f.spend < 123.5 },
    };
    expect(() => createLifecycle({ stages: odd, reference: { frequency: 2, spend: 50 }, validation: { samples: 200_000, seed: 3 } })).toThrow(/overlap/);
  });

  it('validates options with zod and names each bad field', () => {
    expect(invalid(() => createLifecycle({ window: -1 })).issues[0]).toEqual({ path: 'options.window', message: 'expected > 0, got -1' });
    expect(invalid(() => createLifecycle({ pAliveThreshold: 2 })).issues[0].path).toBe('options.pAliveThreshold');
    expect(invalid(() => createLifecycle({ reference: { frequency: 'mode' as 'mean' } })).issues[0].path).toBe('options.reference.frequency');
    expect(invalid(() => createLifecycle({ colour: 'red' } as never)).issues[0].message).toBe("unknown option 'colour'");
    const two = { a: { when: (f: CustomerFacts) => f.purchases === 0 }, b: { when: (f: CustomerFacts) => f.purchases > 0 } };
    const bad = invalid(() => createLifecycle({ stages: two, transitions: [{ from: 'a', to: 'c' as 'b' }] }));
    expect(bad.issues[0]).toEqual({ path: 'options.transitions.0.to', message: `unknown stage "c"; the stages are 'a', 'b'` });
    const noGuard = invalid(() => createLifecycle({ stages: two, transitions: [{ from: 'a', to: 'b', guard: 'nope' as never }] }));
    expect(noGuard.issues[0].path).toBe('options.transitions.0.guard');
    expect(invalid(() => createLifecycle({ stages: two, transitions: [{ from: 'a', to: 'a' }] })).issues[0].message).toMatch(/to itself/);
    expect(invalid(() => createLifecycle({ stages: {} })).issues[0].message).toBe('expected at least one stage');
  });

  it('the default decision list equals the default rules on every state (property)', () => {
    const rules = Object.values(DEFAULT_LIFECYCLE_STAGES).map((s) => s.when);
    const f = new FactsBuffer();
    const days = fc.oneof(fc.constant(Infinity), fc.double({ min: 0, max: 200, noNaN: true }), fc.constantFrom(0, 29.999, 30, 30.001, 60));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.double({ min: -50, max: 500, noNaN: true }),
        days,
        days,
        days,
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        fc.double({ min: 0.5, max: 6, noNaN: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        (k, spend, a, b, c, p, rf, rs) => {
          const [L, F] = a <= b ? [a, b] : [b, a];
          f.window = 30;
          f.pAliveThreshold = 0.5;
          f.refFrequency = rf;
          f.refSpend = rs;
          f.fill(0, k, k === 0 ? 0 : spend, NaN, NaN, NaN, p ?? NaN, NaN);
          f.daysSinceFirstPurchase = k === 0 ? Infinity : F;
          f.daysSinceLastPurchase = k === 0 ? Infinity : L === Infinity ? 5 : L;
          if (f.daysSinceFirstPurchase < f.daysSinceLastPurchase) f.daysSinceFirstPurchase = f.daysSinceLastPurchase;
          f.daysSinceReturn = k < 2 ? Infinity : c;
          const m = matchStage(rules, f);
          expect(m).toBeGreaterThanOrEqual(0);
          expect(defaultStageOf(f)).toBe(m);
        },
      ),
      { seed: 11, numRuns: 3000 },
    );
  });
});
