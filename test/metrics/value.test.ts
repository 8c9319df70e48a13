import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { churnRate, clv, growthRate, mixtureRisk, netCustomerValue, retentionRate } from '../../src/metrics/value.js';

/** The InvalidInputError `fn` throws (fails the test when it throws anything else, or nothing). */
function invalid(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return e as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

const paths = (e: InvalidInputError): [string, number | undefined][] => e.issues.map((i) => [i.path, i.row]);

describe('clv', () => {
  it('matches the published annuity references (MISSION §2; annuity tables, 1e-4)', () => {
    // Present value of an ordinary annuity: 1000 · (1 − 1.1^−5) / 0.1 = 3790.7868.
    expect(clv({ amount: 1000, periods: 5, discountRate: 0.1 })).toBeCloseTo(3790.7868, 4);
    // Annuity due: 1000 · (1 − 1.1^−5) / 0.1 · 1.1 = 4169.8654.
    expect(clv({ amount: 1000, periods: 5, discountRate: 0.1, timing: 'start' })).toBeCloseTo(4169.8654, 4);
  });

  it('hand-worked growth, margin and retention (sums written out, 1e-10)', () => {
    // growth 10 %: 100, 110, 121 at 10 %, end: 100/1.1 + 110/1.21 + 121/1.331 = 3 · 90.90… = 3000/11
    expect(clv({ amount: 100, periods: 3, growth: 0.1, discountRate: 0.1 })).toBeCloseTo(3000 / 11, 10);
    // margin 0.3 of the same: 0.3 · 3000/11 = 900/11
    expect(clv({ amount: 100, periods: 3, growth: 0.1, margin: 0.3, discountRate: 0.1 })).toBeCloseTo(900 / 11, 10);
    // retention 0.8 at 25 %, end: 100/1.25 + 100·0.8/1.25² + 100·0.64/1.25³ = 80 + 51.2 + 32.768 = 163.968
    expect(clv({ amount: 100, periods: 3, retention: 0.8, discountRate: 0.25 })).toBeCloseTo(163.968, 10);
    // same, start: 100 + 100·0.8/1.25 + 100·0.64/1.25² = 100 + 64 + 40.96 = 204.96 (period 1 is certain)
    expect(clv({ amount: 100, periods: 3, retention: 0.8, discountRate: 0.25, timing: 'start' })).toBeCloseTo(204.96, 10);
    // all at once, no discounting: 0.3 · (100 + 110·0.8 + 121·0.64) = 0.3 · 265.44 = 79.632
    expect(clv({ amount: 100, periods: 3, growth: 0.1, margin: 0.3, retention: 0.8, discountRate: 0 })).toBeCloseTo(79.632, 10);
    // retention 0: only period 1 counts: 100 / 1.1
    expect(clv({ amount: 100, periods: 10, retention: 0, discountRate: 0.1 })).toBeCloseTo(100 / 1.1, 10);
    // growth −1: only period 1 has a cash flow
    expect(clv({ amount: 100, periods: 4, growth: -1, discountRate: 0 })).toBe(100);
    // explicit uneven flows at 10 %, end: −50/1.1 + 121/1.21 = −45.4545… + 100
    expect(clv({ cashFlows: [-50, 121], discountRate: 0.1 })).toBeCloseTo(100 - 50 / 1.1, 10);
  });

  it('empty horizons are worth 0', () => {
    expect(clv({ amount: 100, periods: 0, discountRate: 0.1 })).toBe(0);
    expect(clv({ cashFlows: [], discountRate: 0.1 })).toBe(0);
  });

  it('cashFlows (array or typed array) equal the amount form (1e-9 relative)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e4, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: -0.5, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom<'end' | 'start'>('end', 'start'),
        (amount, periods, growth, discountRate, retention, timing) => {
          const flows = Array.from({ length: periods }, (_, j) => amount * (1 + growth) ** j);
          const a = clv({ amount, periods, growth, discountRate, retention, timing, margin: 0.4 });
          const b = clv({ cashFlows: flows, discountRate, retention, timing, margin: 0.4 });
          const c = clv({ cashFlows: Float64Array.from(flows), discountRate, retention, timing, margin: 0.4 });
          expect(b).toBeCloseTo(a, 9 - Math.max(0, Math.ceil(Math.log10(Math.abs(a) + 1))));
          expect(c).toBe(b);
        },
      ),
      { seed: 41, numRuns: 200 },
    );
  });

  const flowsArb = fc.array(fc.double({ min: 0.01, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 30 });
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));

  it('properties: decreasing in the discount rate for positive flows; start = end × (1 + r)', () => {
    fc.assert(
      fc.property(
        flowsArb,
        fc.double({ min: -0.9, max: 2, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (cashFlows, r, dr, retention) => {
          const lo = clv({ cashFlows, discountRate: r, retention });
          const hi = clv({ cashFlows, discountRate: r + dr, retention });
          expect(hi).toBeLessThan(lo);
          const start = clv({ cashFlows, discountRate: r, retention, timing: 'start' });
          expect(rel(start, lo * (1 + r))).toBeLessThan(1e-12);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('properties: zero rate = plain sum × margin; linear in the margin', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 0, maxLength: 30 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -0.5, max: 1, noNaN: true }),
        (cashFlows, m1, m2, r) => {
          const plain = cashFlows.reduce((a, b) => a + b, 0);
          expect(rel(clv({ cashFlows, discountRate: 0, margin: m1 }), plain * m1)).toBeLessThan(1e-9);
          // margin only scales: clv(m1) · m2 = clv(m2) · m1, and clv(m) = m · clv(1)
          const one = clv({ cashFlows, discountRate: r });
          expect(rel(clv({ cashFlows, discountRate: r, margin: m1 }), m1 * one)).toBeLessThan(1e-12);
          expect(rel(clv({ cashFlows, discountRate: r, margin: m1 }) * m2, clv({ cashFlows, discountRate: r, margin: m2 }) * m1)).toBeLessThan(1e-12);
        },
      ),
      { seed: 43, numRuns: 300 },
    );
  });

  it('errors: both or neither form, incomplete forms, bad flows (index named), out-of-range options', () => {
    expect(paths(invalid(() => clv({ cashFlows: [1], amount: 1, periods: 1, discountRate: 0 } as never)))).toEqual([
      ['options.cashFlows', undefined],
      ['options.amount', undefined],
    ]);
    const neither = invalid(() => clv({ discountRate: 0.1 } as never));
    expect(paths(neither)).toEqual([
      ['options.cashFlows', undefined],
      ['options.amount', undefined],
    ]);
    expect(neither.message).toMatch(/either options.cashFlows, or options.amount/);
    expect(paths(invalid(() => clv({ amount: 1, discountRate: 0 } as never)))).toEqual([['options.periods', undefined]]);
    expect(paths(invalid(() => clv({ cashFlows: [1], periods: 2, growth: 0.1, discountRate: 0 } as never)))).toEqual([
      ['options.periods', undefined],
      ['options.growth', undefined],
    ]);
    expect(paths(invalid(() => clv({ cashFlows: [1, NaN, 2, Infinity], discountRate: 0 })))).toEqual([
      ['options.cashFlows', 1],
      ['options.cashFlows', 3],
    ]);
    expect(paths(invalid(() => clv({ cashFlows: 'abc' as never, discountRate: 0 })))).toEqual([['options.cashFlows', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1, discountRate: -1 })))).toEqual([['options.discountRate', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1, discountRate: NaN })))).toEqual([['options.discountRate', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1 } as never)))).toEqual([['options.discountRate', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1.5, discountRate: 0 })))).toEqual([['options.periods', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: -1, discountRate: 0 })))).toEqual([['options.periods', undefined]]);
    expect(paths(invalid(() => clv({ amount: Infinity, periods: 1, discountRate: 0 })))).toEqual([['options.amount', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1, growth: -2, discountRate: 0 })))).toEqual([['options.growth', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1, retention: 1.1, discountRate: 0 })))).toEqual([['options.retention', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1, margin: 30, discountRate: 0 })))).toEqual([['options.margin', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1, timing: 'middle' as never, discountRate: 0 })))).toEqual([['options.timing', undefined]]);
    expect(paths(invalid(() => clv({ amount: 1, periods: 1, discountRate: 0, rate: 0.1 } as never)))).toEqual([['options.rate', undefined]]);
    // Overflow is reported, never returned as Infinity or NaN.
    expect(paths(invalid(() => clv({ amount: 1e300, periods: 2000, growth: 1, discountRate: 0 })))).toEqual([['options', undefined]]);
  });
});

describe('netCustomerValue', () => {
  it('subtracts the acquisition cost once (MISSION §2; exact)', () => {
    expect(netCustomerValue({ clv: 3000, acquisitionCost: 1200 })).toBe(1800);
    expect(netCustomerValue({ clv: 100, acquisitionCost: 250 })).toBe(-150);
  });

  it('errors name the field', () => {
    expect(paths(invalid(() => netCustomerValue({ clv: NaN, acquisitionCost: 1 })))).toEqual([['options.clv', undefined]]);
    expect(paths(invalid(() => netCustomerValue({ clv: 1, acquisitionCost: -1 })))).toEqual([['options.acquisitionCost', undefined]]);
    expect(paths(invalid(() => netCustomerValue({ clv: 1 } as never)))).toEqual([['options.acquisitionCost', undefined]]);
  });
});

describe('retentionRate, churnRate, growthRate', () => {
  it('1000 → 800 with no acquisitions: retention 0.8, churn 0.2, growth −0.2 (MISSION §2; 1e-15)', () => {
    expect(retentionRate({ start: 1000, end: 800, acquired: 0 })).toBe(0.8);
    expect(churnRate({ start: 1000, lost: 200 })).toBe(0.2);
    expect(growthRate({ start: 1000, end: 800 })).toBeCloseTo(-0.2, 15);
  });

  it('acquisitions are taken out of the end count; fractional (weighted) counts are accepted', () => {
    // 1000 at start, 950 at end of whom 200 new: 750 kept of 1000.
    expect(retentionRate({ start: 1000, end: 950, acquired: 200 })).toBe(0.75);
    expect(retentionRate({ start: 2.5, end: 2, acquired: 0.5 })).toBe(0.6);
    expect(churnRate({ start: 2.5, lost: 0.5 })).toBe(0.2);
    expect(growthRate({ start: 4, end: 5 })).toBe(0.25);
  });

  it('property: retention + churn = 1 when nobody is acquired and lost = start − end (1e-12)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e7 }), fc.double({ min: 0, max: 1, noNaN: true }), (start, share) => {
        const end = Math.floor(start * share);
        const r = retentionRate({ start, end, acquired: 0 });
        const c = churnRate({ start, lost: start - end });
        expect(r + c).toBeCloseTo(1, 12);
        expect(growthRate({ start, end })).toBeCloseTo(-c, 12);
      }),
      { seed: 44, numRuns: 300 },
    );
  });

  it('errors name the field: start ≤ 0, negative or non-finite counts, inconsistent counts, unknown fields', () => {
    expect(paths(invalid(() => retentionRate({ start: 0, end: 0, acquired: 0 })))).toEqual([['options.start', undefined]]);
    expect(paths(invalid(() => retentionRate({ start: 10, end: -1, acquired: 0 })))).toEqual([['options.end', undefined]]);
    expect(paths(invalid(() => retentionRate({ start: 10, end: 5, acquired: NaN })))).toEqual([['options.acquired', undefined]]);
    expect(paths(invalid(() => retentionRate({ start: 10, end: 5 } as never)))).toEqual([['options.acquired', undefined]]);
    expect(paths(invalid(() => retentionRate({ start: 10, end: 5, acquired: 6 })))).toEqual([['options.acquired', undefined]]);
    const kept = invalid(() => retentionRate({ start: 10, end: 15, acquired: 2 }));
    expect(paths(kept)).toEqual([['options.end', undefined]]);
    expect(kept.message).toMatch(/13 customers kept exceeds the 10 at the start/);
    expect(paths(invalid(() => churnRate({ start: -5, lost: 1 })))).toEqual([['options.start', undefined]]);
    expect(paths(invalid(() => churnRate({ start: Infinity, lost: 1 })))).toEqual([['options.start', undefined]]);
    expect(paths(invalid(() => churnRate({ start: 5, lost: -1 })))).toEqual([['options.lost', undefined]]);
    expect(paths(invalid(() => churnRate({ start: 5, lost: 6 })))).toEqual([['options.lost', undefined]]);
    expect(paths(invalid(() => growthRate({ start: 0, end: 5 })))).toEqual([['options.start', undefined]]);
    expect(paths(invalid(() => growthRate({ start: 1, end: Infinity })))).toEqual([['options.end', undefined]]);
    expect(paths(invalid(() => growthRate({ start: 1, end: 2, acquired: 1 } as never)))).toEqual([['options.acquired', undefined]]);
  });
});

describe('mixtureRisk', () => {
  it('ratings 0.6/0.3/0.1 with default rates 2/5/10 % (MISSION §2; total probability and Bayes by hand, 1e-12)', () => {
    const r = mixtureRisk({ weights: [0.6, 0.3, 0.1], rates: [0.02, 0.05, 0.1], labels: ['A', 'B', 'C'] });
    // 0.6·0.02 + 0.3·0.05 + 0.1·0.10 = 0.012 + 0.015 + 0.010 = 0.037
    expect(r.probability).toBeCloseTo(0.037, 12);
    // 0.012/0.037 = 12/37, 0.015/0.037 = 15/37, 0.010/0.037 = 10/37
    expect(r.posterior).toHaveLength(3);
    expect(r.posterior[0]).toBeCloseTo(12 / 37, 12);
    expect(r.posterior[1]).toBeCloseTo(15 / 37, 12);
    expect(r.posterior[2]).toBeCloseTo(10 / 37, 12);
    expect(r.labels).toEqual(['A', 'B', 'C']);
    const typed = mixtureRisk({ weights: Float64Array.of(0.6, 0.3, 0.1), rates: Float64Array.of(0.02, 0.05, 0.1) });
    expect(typed.posterior).toEqual(r.posterior);
    expect('labels' in typed).toBe(false);
  });

  it('segments with weight or rate 0 get posterior 0; a single segment gets 1', () => {
    expect(mixtureRisk({ weights: [0.5, 0.5, 0], rates: [0, 0.2, 1] }).posterior).toEqual([0, 1, 0]);
    expect(mixtureRisk({ weights: [1], rates: [0.3] })).toEqual({ probability: 0.3, posterior: [1] });
  });

  it('property: the posterior sums to 1 and P(event) lies between the smallest and largest rate (1e-9)', () => {
    const arb = fc
      .array(fc.tuple(fc.double({ min: 0.001, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 12 })
      .filter((segs) => segs.some(([, r]) => r > 0));
    fc.assert(
      fc.property(arb, (segs) => {
        const total = segs.reduce((a, [w]) => a + w, 0);
        const weights = segs.map(([w]) => w / total);
        const sum = weights.reduce((a, b) => a + b, 0);
        weights[0] += 1 - sum; // exact enough for the 1e-9 check
        const rates = segs.map(([, r]) => r);
        const r = mixtureRisk({ weights, rates });
        expect(r.posterior.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        for (const p of r.posterior) expect(p >= 0 && p <= 1 + 1e-12).toBe(true);
        expect(r.probability).toBeGreaterThanOrEqual(Math.min(...rates) - 1e-12);
        expect(r.probability).toBeLessThanOrEqual(Math.max(...rates) + 1e-12);
      }),
      { seed: 45, numRuns: 300 },
    );
  });

  it('errors: sum of weights (stated), ranges, lengths, duplicate labels, P(event) = 0', () => {
    const sum = invalid(() => mixtureRisk({ weights: [0.5, 0.4], rates: [0.1, 0.2] }));
    expect(paths(sum)).toEqual([['options.weights', undefined]]);
    expect(sum.message).toMatch(/got a sum of 0\.9/);
    // within 1e-9 is accepted, beyond is not
    expect(() => mixtureRisk({ weights: [0.5, 0.5 + 5e-10], rates: [0.1, 0.2] })).not.toThrow();
    expect(() => mixtureRisk({ weights: [0.5, 0.5 + 5e-9], rates: [0.1, 0.2] })).toThrow(/sum/);
    expect(paths(invalid(() => mixtureRisk({ weights: [1.5, -0.5], rates: [0.1, 0.2] })))).toEqual([['options.weights', 1]]);
    expect(paths(invalid(() => mixtureRisk({ weights: [0.5, 0.5], rates: [-0.1, 1.2] })))).toEqual([
      ['options.rates', 0],
      ['options.rates', 1],
    ]);
    expect(paths(invalid(() => mixtureRisk({ weights: [0.5, 0.5], rates: [0.1, NaN] })))).toEqual([['options.rates', 1]]);
    expect(paths(invalid(() => mixtureRisk({ weights: [0.5, 0.5], rates: [0.1] })))).toEqual([['options.rates', undefined]]);
    expect(paths(invalid(() => mixtureRisk({ weights: [0.5, 0.5], rates: [0.1, 0.2], labels: ['a'] })))).toEqual([['options.labels', undefined]]);
    expect(paths(invalid(() => mixtureRisk({ weights: [0.5, 0.25, 0.25], rates: [0.1, 0.2, 0.3], labels: ['a', 'b', 'a'] })))).toEqual([
      ['options.labels', 2],
    ]);
    expect(paths(invalid(() => mixtureRisk({ weights: [], rates: [] })))).toEqual([['options.weights', undefined]]);
    expect(paths(invalid(() => mixtureRisk({ rates: [0.1] } as never)))).toEqual([['options.weights', undefined]]);
    const zero = invalid(() => mixtureRisk({ weights: [0.7, 0.3], rates: [0, 0] }));
    expect(paths(zero)).toEqual([['options.rates', undefined]]);
    expect(zero.message).toMatch(/every segment with a positive weight has rate 0/);
  });
});
