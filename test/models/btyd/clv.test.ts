import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { betaGeoModel, fitBetaGeo } from '../../../src/models/btyd/betaGeo.js';
import { betaGeoBetaBinomModel } from '../../../src/models/btyd/betaGeoBetaBinom.js';
import { customerLifetimeValue } from '../../../src/models/btyd/clv.js';
import type { TransactionModel } from '../../../src/models/btyd/common.js';
import { gammaGammaModel } from '../../../src/models/btyd/gammaGamma.js';
import { CDNOW_SPEND_MISSING, loadCdnowSummaryWithSpend } from '../../helpers/cdnow.js';

// ---------------------------------------------------------------------------------------------
// References: test/fixtures/make_btyd_spend_fixtures.py → btyd-spend.json, clv_cdnow:
//   lifetimesWeeks / lifetimesDays — lifetimes 0.11.3's GammaGammaFitter.customer_lifetime_value
//     (BG/NBD + Gamma-Gamma at lifetimes' estimates; weeks with freq "W", and the same customers
//     in days with the BG/NBD's α × 7 and freq "D");
//   calendarMonths / calendarYearQuarterly — the calendar convention summed in Python over
//     lifetimes' own conditional_expected_number_of_purchases_up_to_time at the step ends.

interface ClvRef {
  values: number[];
  sum: number;
}
interface Fixture {
  clv_cdnow: {
    bgnbdParams: { r: number; alpha: number; a: number; b: number };
    ggParams: { p: number; q: number; v: number };
    expectedSpend: number[];
    lifetimesWeeks: ClvRef;
    lifetimesDays: ClvRef;
    calendarMonths: ClvRef;
    calendarYearQuarterly: ClvRef;
  };
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/btyd-spend.json', import.meta.url), 'utf8')) as Fixture;
const ref = fixture.clv_cdnow;

const cdnow = loadCdnowSummaryWithSpend();

describe.skipIf(cdnow === null)(`CDNOW: BG/NBD + Gamma-Gamma against lifetimes ${cdnow === null ? CDNOW_SPEND_MISSING : ''}`, () => {
  const data = cdnow ?? { frequency: new Float64Array(0), recency: new Float64Array(0), T: new Float64Array(0), monetaryValue: new Float64Array(0) };
  const bg = betaGeoModel(ref.bgnbdParams);
  const gg = gammaGammaModel(ref.ggParams);

  function expectAll(ours: Float64Array, expected: ClvRef, tol: number): void {
    expect(ours.length).toBe(expected.values.length);
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < ours.length; i++) {
      worst = Math.max(worst, Math.abs(ours[i] - expected.values[i]));
      sum += ours[i];
    }
    expect(worst).toBeLessThan(tol);
    expect(Math.abs(sum - expected.sum)).toBeLessThan(tol * ours.length);
  }

  it("convention 'lifetimes', weeks: every customer's CLV equals lifetimes' to 1e-6 (12 months at 1 %; total 71,509.90)", () => {
    const clv = customerLifetimeValue(bg, gg, data, { horizon: 12, unit: 'month', discountRate: 0.01, convention: 'lifetimes', dataUnit: 'week' });
    expectAll(clv, ref.lifetimesWeeks, 1e-6);
    expect(Math.abs(ref.lifetimesWeeks.sum - 71509.9)).toBeLessThan(0.005);
  });

  it("convention 'lifetimes', days: the same customers in days (α × 7), 24 months at 0.5 %, equal lifetimes' freq 'D' to 1e-6", () => {
    const days = { ...data, recency: data.recency.map((v) => v * 7), T: data.T.map((v) => v * 7) };
    const bgDays = betaGeoModel({ ...ref.bgnbdParams, alpha: ref.bgnbdParams.alpha * 7 });
    const clv = customerLifetimeValue(bgDays, gg, days, { horizon: 24, discountRate: 0.005, convention: 'lifetimes', dataUnit: 'day' });
    expectAll(clv, ref.lifetimesDays, 1e-6);
  });

  it('calendar convention: 12 calendar months (30.436875 days) and one year in quarterly steps at 10 %/year with margin 0.3', () => {
    expectAll(customerLifetimeValue(bg, gg, data, { horizon: 12, unit: 'month', discountRate: 0.01, dataUnit: 'week' }), ref.calendarMonths, 1e-6);
    expectAll(
      customerLifetimeValue(bg, gg, data, { horizon: 1, unit: 'year', steps: 4, discountRate: 0.1, margin: 0.3, dataUnit: 'week' }),
      ref.calendarYearQuarterly,
      1e-6,
    );
  });

  it('the data unit can come from the fitted model or the customers; a single customer equals its row', () => {
    const fitted = fitBetaGeo({ ...data, unit: 'week' });
    expect(fitted.unit).toBe('week');
    const viaModel = customerLifetimeValue(fitted, gg, data, { horizon: 6 });
    const viaColumns = customerLifetimeValue(betaGeoModel(fitted.params), gg, { ...data, unit: 'week' as const }, { horizon: 6 });
    expect(viaColumns).toEqual(viaModel);
    const one = { frequency: data.frequency[5], recency: data.recency[5], T: data.T[5], monetaryValue: data.monetaryValue[5] };
    expect(customerLifetimeValue(fitted, gg, one, { horizon: 6 })).toBe(viaModel[5]);
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-worked: a transaction model with a constant rate and a constant spend

/** E(t) = λ t for every customer: a Poisson buyer who never leaves (a stand-in TransactionModel). */
function constantRate(lambda: number, unit?: 'day' | 'week' | 'month'): TransactionModel {
  const model = {
    kind: 'ConstantRate',
    params: { lambda },
    logLikelihood: NaN,
    converged: true,
    iterations: 0,
    standardErrors: null,
    ...(unit === undefined ? {} : { unit }),
    toJSON: () => ({ model: 'ConstantRate', version: 1 as const, params: { lambda }, logLikelihood: NaN, converged: true, iterations: 0, standardErrors: null }),
    expectedPurchases: (t: number) => lambda * t,
    conditionalExpectedPurchases: (t: number, c: { frequency: number | ArrayLike<number> }) =>
      typeof c.frequency === 'number' ? lambda * t : new Float64Array(c.frequency.length).fill(lambda * t),
    probabilityAlive: (c: { frequency: number | ArrayLike<number> }) => (typeof c.frequency === 'number' ? 1 : new Float64Array(c.frequency.length).fill(1)),
    probabilityOfPurchases: () => 0,
  };
  return model as unknown as TransactionModel;
}
const flatSpend = { expectedAverageSpend: ((c: { frequency: number | ArrayLike<number> }) => (typeof c.frequency === 'number' ? 50 : new Float64Array(c.frequency.length).fill(50))) as never };
const someone = { frequency: 1, recency: 1, T: 2, monetaryValue: 10 };

describe('the formula, hand-worked', () => {
  it('2 purchases a month at 50, margin 0.3, 12 months at 1 %/month: 30 · Σ 1.01^−k = 337.65', () => {
    // 2 purchases · 50 · 0.3 = 30 a month; Σ_{k=1}^{12} 1.01^−k = (1 − 1.01^−12)/0.01 = 11.25508.
    const annuity = (1 - 1.01 ** -12) / 0.01;
    const v = customerLifetimeValue(constantRate(2), flatSpend, someone, { horizon: 12, unit: 'month', discountRate: 0.01, margin: 0.3, dataUnit: 'month' });
    expect(v).toBeCloseTo(30 * annuity, 10);
    expect(v).toBeCloseTo(337.6524, 3);
  });

  it('units convert: 1 purchase a week over one year (12 calendar-month steps) is 365.2425/7 purchases, undiscounted', () => {
    const v = customerLifetimeValue(constantRate(1), flatSpend, someone, { horizon: 1, unit: 'year', steps: 12, discountRate: 0, dataUnit: 'week' });
    expect(v).toBeCloseTo((365.2425 / 7) * 50, 9);
    // lifetimes' month of weekly data is 4.345 weeks: 12 months = 52.14 weeks.
    const l = customerLifetimeValue(constantRate(1), flatSpend, someone, { horizon: 12, discountRate: 0, convention: 'lifetimes', dataUnit: 'week' });
    expect(l).toBeCloseTo(12 * 4.345 * 50, 9);
  });

  it('quarterly steps of a yearly rate discount step k by (1 + d)^(k/4)', () => {
    const v = customerLifetimeValue(constantRate(3), flatSpend, someone, { horizon: 1, unit: 'year', steps: 4, discountRate: 0.1, dataUnit: 'month' });
    let expected = 0;
    for (let k = 1; k <= 4; k++) expected += (3 * 3 * 50) / 1.1 ** (k / 4);
    expect(v).toBeCloseTo(expected, 9);
  });

  it('BG/BB with Gamma-Gamma: donors over 5 years at 5 %/year equals the sum of yearly increments', () => {
    const bb = betaGeoBetaBinomModel({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 });
    const gg = gammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
    const donors = { frequency: [0, 2, 6], recency: [0, 4, 6], n: [6, 6, 6], monetaryValue: [0, 40, 25] };
    const clv = customerLifetimeValue(bb, gg, donors, { horizon: 5, unit: 'year', discountRate: 0.05, dataUnit: 'year' });
    const spend = gg.expectedAverageSpend(donors);
    for (let i = 0; i < 3; i++) {
      const c = { frequency: donors.frequency[i], recency: donors.recency[i], n: donors.n[i] };
      let expected = 0;
      for (let k = 1; k <= 5; k++) expected += (bb.conditionalExpectedPurchases(k, c) - bb.conditionalExpectedPurchases(k - 1, c)) / 1.05 ** k;
      expect(clv[i]).toBeCloseTo(expected * spend[i], 10);
      expect(customerLifetimeValue(bb, gg, { ...c, monetaryValue: donors.monetaryValue[i] }, { horizon: 5, unit: 'year', discountRate: 0.05, dataUnit: 'year' })).toBe(clv[i]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('properties (fast-check)', () => {
  const bg = betaGeoModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
  const gg = gammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
  const customer = fc
    .tuple(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 200, noNaN: true }), fc.double({ min: 1, max: 500, noNaN: true }))
    .map(([x, u, T, m]) => ({ frequency: x, recency: x === 0 ? 0 : u * T, T, monetaryValue: m }));

  it('CLV is finite, ≥ 0, decreasing in the discount rate and increasing in the horizon (whole units)', () => {
    fc.assert(
      fc.property(
        customer,
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.integer({ min: 1, max: 36 }),
        fc.constantFrom('calendar' as const, 'lifetimes' as const),
        (c, d1, d2, h, convention) => {
          const lo = Math.min(d1, d2);
          const hi = Math.max(d1, d2);
          const opts = { horizon: h, dataUnit: 'week' as const, convention };
          const a = customerLifetimeValue(bg, gg, c, { ...opts, discountRate: lo });
          const b = customerLifetimeValue(bg, gg, c, { ...opts, discountRate: hi });
          const longer = customerLifetimeValue(bg, gg, c, { ...opts, horizon: h + 1, discountRate: lo });
          return Number.isFinite(a) && b >= 0 && b <= a * (1 + 1e-12) && longer >= a * (1 - 1e-12);
        },
      ),
      { seed: 21, numRuns: 200 },
    );
  });
});

describe('errors', () => {
  const bg = betaGeoModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
  const gg = gammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
  const one = { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };

  it('needs the data unit, and every source of it must agree', () => {
    expect(() => customerLifetimeValue(bg, gg, one)).toThrow(/dataUnit/);
    expect(() => customerLifetimeValue(constantRate(1, 'day'), gg, one, { dataUnit: 'week' })).toThrow(/transactionModel\.unit/);
    expect(() => customerLifetimeValue(bg, gg, { frequency: [2], recency: [30], T: [38], monetaryValue: [20], unit: 'day' as const }, { dataUnit: 'week' })).toThrow(
      /customers\.unit/,
    );
  });

  it("checks options; the 'lifetimes' convention takes whole months of days, weeks or months", () => {
    expect(() => customerLifetimeValue(bg, gg, one, { dataUnit: 'week', horizon: 0 })).toThrow(InvalidInputError);
    expect(() => customerLifetimeValue(bg, gg, one, { dataUnit: 'week', discountRate: -1 })).toThrow(/discountRate/);
    expect(() => customerLifetimeValue(bg, gg, one, { dataUnit: 'week', steps: 2.5 })).toThrow(/steps/);
    expect(() => customerLifetimeValue(bg, gg, one, { dataUnit: 'week', unit: 'fortnight' } as never)).toThrow(/unit/);
    expect(() => customerLifetimeValue(bg, gg, one, { dataUnit: 'week', convention: 'lifetimes', unit: 'year' })).toThrow(/'month'/);
    expect(() => customerLifetimeValue(bg, gg, one, { dataUnit: 'week', convention: 'lifetimes', horizon: 1.5 })).toThrow(/whole number/);
    expect(() => customerLifetimeValue(bg, gg, one, { dataUnit: 'year', convention: 'lifetimes' })).toThrow(/years/);
  });

  it('bad customers and models are named', () => {
    expect(() => customerLifetimeValue(bg, gg, { ...one, recency: 40 }, { dataUnit: 'week' })).toThrow(InvalidInputError);
    expect(() => customerLifetimeValue(bg, gg, { ...one, monetaryValue: -5 }, { dataUnit: 'week' })).toThrow(/monetaryValue/);
    expect(() => customerLifetimeValue({} as never, gg, one, { dataUnit: 'week' })).toThrow(/transactionModel/);
    expect(() => customerLifetimeValue(bg, null as never, one, { dataUnit: 'week' })).toThrow(/spendModel/);
    expect(() => customerLifetimeValue(bg, gg, 7 as never, { dataUnit: 'week' })).toThrow(/customers/);
  });
});
