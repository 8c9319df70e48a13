import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/data/summarize.js';
import { InvalidInputError } from '../../../src/errors.js';
import { invertSymmetric, numericHessian } from '../../../src/math/optimize.js';
import { lgamma } from '../../../src/math/special.js';
import { betaGeoFromJSON, betaGeoModel, fitBetaGeo, simulateBetaGeo, type BetaGeoParams } from '../../../src/models/btyd/betaGeo.js';
import { CDNOW_MISSING, loadCdnowSummary } from '../../helpers/cdnow.js';
import { thrown } from '../../helpers/thrown.js';

/**
 * BG/NBD log-likelihood written straight from FHL (2005) eq. (6), one customer at a time —
 * independent of the library's compressed, precomputed evaluation.
 */
function referenceLogLik(p: BetaGeoParams, d: { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number> }): number {
  const { r, alpha, a, b } = p;
  let ll = 0;
  for (let i = 0; i < d.frequency.length; i++) {
    const x = d.frequency[i];
    const tx = d.recency[i];
    const T = d.T[i];
    const A1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
    const A2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
    const A3 = -(r + x) * Math.log(alpha + T);
    const A4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
    const mx = Math.max(A3, A4);
    ll += A1 + A2 + mx + Math.log(Math.exp(A3 - mx) + Math.exp(A4 - mx));
  }
  return ll;
}

const cdnow = loadCdnowSummary();
// ../shared/datasets/README.md §1a: peer = lifetimes 0.11.3 at its MLE; FHL 2005 published values.
const PEER = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const BRIEF_ROUNDED = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };

describe.skipIf(cdnow === null)(`BG/NBD on CDNOW (${cdnow === null ? CDNOW_MISSING : '2,357 customers, weeks'})`, () => {
  const data = cdnow as NonNullable<typeof cdnow>;
  const model = cdnow === null ? (null as unknown as ReturnType<typeof fitBetaGeo>) : fitBetaGeo(data); // describe bodies run even when skipped

  it('reproduces FHL 2005 / lifetimes: parameters, log-likelihood −9582.43', () => {
    expect(model.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(model.params[k] - PUBLISHED[k]), k).toBeLessThanOrEqual(0.0005); // half a unit of 3 decimals
      expect(Math.abs(model.params[k] / PEER[k] - 1), k).toBeLessThan(1e-5); // the peer prints 6–7 digits
    }
    expect(Math.abs(model.logLikelihood - -9582.43)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(model.logLikelihood - -9582.4256)).toBeLessThan(1e-4);
    // The library's likelihood equals the textbook formula evaluated row by row.
    expect(model.logLikelihood).toBeCloseTo(referenceLogLik(model.params, data), 8);
  });
  it('its optimum is at least as likely as the rounded published parameters (and those of the brief)', () => {
    expect(model.logLikelihood).toBeGreaterThanOrEqual(referenceLogLik(PUBLISHED, data));
    expect(model.logLikelihood).toBeGreaterThanOrEqual(referenceLogLik(BRIEF_ROUNDED, data));
    expect(referenceLogLik(PUBLISHED, data)).toBeCloseTo(-9582.4268, 3); // README §1a, at the published params
  });
  it("individual log-likelihoods of customers 0001 and 0003 as in Hardie's note 004 sheet", () => {
    expect(referenceLogLik(PUBLISHED, { frequency: [2], recency: [30.43], T: [38.86] })).toBeCloseTo(-9.45861, 4);
    expect(referenceLogLik(PUBLISHED, { frequency: [0], recency: [0], T: [38.86] })).toBeCloseTo(-0.55471, 4);
  });
  it('standard errors are finite and positive (observed information)', () => {
    const se = model.standardErrors;
    expect(se).not.toBeNull();
    for (const k of ['r', 'alpha', 'a', 'b']) {
      expect(Number.isFinite(se?.[k])).toBe(true);
      expect(se?.[k]).toBeGreaterThan(0);
    }
  });
  it('standard errors equal those from an independent numeric Hessian of the textbook log-likelihood (1e-3)', () => {
    const names = ['r', 'alpha', 'a', 'b'] as const;
    const f = (p: Float64Array): number => -referenceLogLik({ r: p[0], alpha: p[1], a: p[2], b: p[3] }, data);
    const H = numericHessian(f, names.map((k) => model.params[k]));
    const cov = invertSymmetric(H, 4) as Float64Array;
    names.forEach((k, i) => {
      expect(Math.abs((model.standardErrors as Record<string, number>)[k] / Math.sqrt(cov[i * 5]) - 1), k).toBeLessThan(1e-3);
    });
  });
  it("E[X(t)] equals Hardie's Excel sheet (lifetimes test, decimal 3) and the peer (1e-5)", () => {
    const ts = [0.1429, 1, 3, 31.8571, 32, 78];
    const hardie = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    const peer = [0.007816, 0.053185, 0.150632, 1.040494, 1.043737, 1.857972];
    ts.forEach((t, i) => {
      const e = model.expectedPurchases(t);
      expect(Math.abs(e - hardie[i])).toBeLessThan(1.5e-3);
      expect(Math.abs(e - peer[i])).toBeLessThan(1e-5);
    });
  });
  it('customer 0001: E[X(39) | 2, 30.43, 38.86] = 1.2259 and P(alive) = 0.7266', () => {
    const c = { frequency: 2, recency: 30.43, T: 38.86 };
    expect(Math.abs(model.conditionalExpectedPurchases(39, c) - 1.226)).toBeLessThan(0.001);
    expect(Math.abs(model.conditionalExpectedPurchases(39, c) - 1.22591)).toBeLessThan(1e-5);
    expect(Math.abs(model.probabilityAlive(c) - 0.72661)).toBeLessThan(1e-5);
  });
  it('batch predictions equal one-customer predictions, for every CDNOW customer', () => {
    const ce = model.conditionalExpectedPurchases(39, data);
    const pa = model.probabilityAlive(data);
    expect(ce).toBeInstanceOf(Float64Array);
    for (let i = 0; i < data.frequency.length; i += 7) {
      const c = { frequency: data.frequency[i], recency: data.recency[i], T: data.T[i] };
      expect(ce[i]).toBe(model.conditionalExpectedPurchases(39, c));
      expect(pa[i]).toBe(model.probabilityAlive(c));
    }
  });
  it('perturbed starts and Nelder–Mead reach the same optimum', () => {
    const starts = [{ r: 1, alpha: 1, a: 1, b: 1 }, { r: 0.05, alpha: 40, a: 3, b: 0.5 }, { r: 3, alpha: 0.5, a: 0.1, b: 10 }];
    for (const initialParams of starts) {
      const m = fitBetaGeo(data, { initialParams });
      expect(m.logLikelihood).toBeCloseTo(model.logLikelihood, 6);
      for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(m.params[k] / model.params[k] - 1)).toBeLessThan(1e-5);
    }
    const nm = fitBetaGeo(data, { optimizer: 'nelder-mead' });
    expect(nm.logLikelihood).toBeCloseTo(model.logLikelihood, 5);
  });
  it('weights give the same fit as repeated rows', () => {
    const n = 300;
    const sub = { frequency: data.frequency.slice(0, n), recency: data.recency.slice(0, n), T: data.T.slice(0, n) };
    const weights = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const rep = { frequency: [] as number[], recency: [] as number[], T: [] as number[] };
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < weights[i]; k++) {
        rep.frequency.push(sub.frequency[i]);
        rep.recency.push(sub.recency[i]);
        rep.T.push(sub.T[i]);
      }
    }
    const a = fitBetaGeo({ ...sub, weights });
    const b = fitBetaGeo(rep);
    expect(a.logLikelihood).toBeCloseTo(b.logLikelihood, 6);
    expect(a.params.r).toBeCloseTo(b.params.r, 6);
  });
  it('a penalizer shrinks the parameters (lifetimes-style L2 on the mean objective)', () => {
    const pen = fitBetaGeo(data, { penalizerCoef: 0.1 });
    const ss = (p: BetaGeoParams): number => p.r ** 2 + p.alpha ** 2 + p.a ** 2 + p.b ** 2;
    expect(ss(pen.params)).toBeLessThan(ss(model.params));
    expect(pen.logLikelihood).toBeLessThan(model.logLikelihood);
  });
  it('toJSON / betaGeoFromJSON round trip exactly', () => {
    const json = JSON.parse(JSON.stringify(model)) as unknown;
    const back = betaGeoFromJSON(json);
    expect(back.toJSON()).toEqual(model.toJSON());
    expect(back.params).toEqual(model.params);
    expect(back.conditionalExpectedPurchases(10, data)).toEqual(model.conditionalExpectedPurchases(10, data));
    expect(model.toJSON().model).toBe('BetaGeo');
    expect(model.toJSON().version).toBe(1);
  });
});

describe('BG/NBD at fixed parameters (R BTYD values)', () => {
  const m = betaGeoModel(PUBLISHED);
  it('P(X(t) = n) as R BTYD prints it (half a unit in the last printed digit)', () => {
    expect(Math.abs(m.probabilityOfPurchases(10, 2) - 1.07869e-7)).toBeLessThanOrEqual(5e-13);
    expect(Math.abs(m.probabilityOfPurchases(0, 39) - 0.5737864)).toBeLessThanOrEqual(5e-8);
    const r = [0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.000222226];
    r.forEach((v, i) => {
      expect(Math.abs(m.probabilityOfPurchases(11 + i, 30) - v)).toBeLessThanOrEqual(5e-11);
    });
  });
  it('P(X(t) = ·) sums to 1 and its mean is E[X(t)]', () => {
    for (const t of [0.5, 5, 39, 100]) {
      let s = 0;
      let mean = 0;
      for (let n = 0; n < 700; n++) {
        const p = m.probabilityOfPurchases(n, t);
        s += p;
        mean += n * p;
      }
      expect(s).toBeCloseTo(1, 9);
      expect(mean / m.expectedPurchases(t)).toBeCloseTo(1, 6);
    }
    expect(m.probabilityOfPurchases(0, 0)).toBe(1);
    expect(m.probabilityOfPurchases(3, 0)).toBe(0);
  });
  it('P(alive | x = 0) is exactly 1; x = 1000, t_x = 10, T = 100 gives exactly 0 (no overflow)', () => {
    expect(m.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 })).toBe(1);
    expect(m.probabilityAlive({ frequency: 0, recency: 0, T: 1e6 })).toBe(1);
    expect(m.probabilityAlive({ frequency: 1000, recency: 10, T: 100 })).toBe(0);
    expect(m.conditionalExpectedPurchases(10, { frequency: 1000, recency: 10, T: 100 })).toBe(0);
    const e = m.conditionalExpectedPurchases(10, { frequency: 1000, recency: 100, T: 100 });
    expect(Number.isFinite(e) && e > 0).toBe(true);
  });
  it('a customer with x = 0 and T = 0 is a new customer: conditional = unconditional expectation', () => {
    for (const t of [1, 10, 100]) expect(m.conditionalExpectedPurchases(t, { frequency: 0, recency: 0, T: 0 })).toBeCloseTo(m.expectedPurchases(t), 12);
  });
  it('a = 1 (the (a − 1) singularity) and a + b = 1 (a pole of 2F1) are handled by continuity', () => {
    const at = (a: number): number => betaGeoModel({ r: 0.5, alpha: 5, a, b: 2 }).conditionalExpectedPurchases(20, { frequency: 3, recency: 15, T: 30 });
    expect(at(1)).toBeCloseTo((at(1 - 1e-4) + at(1 + 1e-4)) / 2, 7);
    // a + b = 1 exactly: E[X(t)]'s 2F1 has c = a + b − 1 = 0, a pole; continuity again.
    const e = (d: number): number => betaGeoModel({ r: 0.5, alpha: 3, a: 0.25, b: 0.75 + d }).expectedPurchases(10);
    expect(Number.isFinite(e(0))).toBe(true);
    expect(e(0)).toBeCloseTo((e(-1e-4) + e(1e-4)) / 2, 6);
  });
});

describe('BG/NBD properties (fast-check)', () => {
  const params = fc.record({
    r: fc.double({ min: 0.01, max: 50, noNaN: true }),
    alpha: fc.double({ min: 0.01, max: 500, noNaN: true }),
    a: fc.double({ min: 0.01, max: 200, noNaN: true }),
    b: fc.double({ min: 0.01, max: 200, noNaN: true }),
  });
  const customer = fc
    .record({ x: fc.integer({ min: 0, max: 1000 }), T: fc.double({ min: 0, max: 1000, noNaN: true }), u: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ x, T, u }) => ({ frequency: x, recency: x === 0 ? 0 : u * T, T }));
  it('probabilities in [0, 1]; expectations finite, ≥ 0 and non-decreasing in t', () => {
    fc.assert(
      fc.property(params, customer, fc.double({ min: 0, max: 1000, noNaN: true }), (p, c, t) => {
        const m = betaGeoModel(p);
        const pa = m.probabilityAlive(c);
        expect(pa).toBeGreaterThanOrEqual(0);
        expect(pa).toBeLessThanOrEqual(1);
        const e1 = m.conditionalExpectedPurchases(t, c);
        const e2 = m.conditionalExpectedPurchases(t * 1.5 + 1, c);
        expect(Number.isFinite(e1) && e1 >= 0).toBe(true);
        expect(e2).toBeGreaterThanOrEqual(e1 * (1 - 1e-9) - 1e-12);
        const u1 = m.expectedPurchases(t);
        const u2 = m.expectedPurchases(t * 1.5 + 1);
        expect(Number.isFinite(u1) && u1 >= 0).toBe(true);
        expect(u2).toBeGreaterThanOrEqual(u1 * (1 - 1e-9) - 1e-12);
        const pn = m.probabilityOfPurchases(Math.min(c.frequency, 50), t);
        expect(pn).toBeGreaterThanOrEqual(0);
        expect(pn).toBeLessThanOrEqual(1);
      }),
      { seed: 51, numRuns: 400 },
    );
  });
});

describe('BG/NBD simulation and parameter recovery', () => {
  const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  it('is deterministic for a seed and respects T', () => {
    const a = simulateBetaGeo({ params: truth, customers: 500, T: 30, seed: 9 });
    const b = simulateBetaGeo({ params: truth, customers: 500, T: 30, seed: 9 });
    expect(a).toEqual(b);
    for (let i = 0; i < 500; i++) {
      expect(a.recency[i]).toBeLessThanOrEqual(30);
      if (a.frequency[i] === 0) expect(a.recency[i]).toBe(0);
    }
  });
  it('recovers the parameters of 50,000 simulated customers within 3 standard errors, LL ≥ LL(truth)', () => {
    const T = Float64Array.from({ length: 50_000 }, (_, i) => 20 + (i % 20));
    const s = simulateBetaGeo({ params: truth, T, seed: 5 });
    const fit = fitBetaGeo(s);
    expect(fit.converged).toBe(true);
    const se = fit.standardErrors as Record<string, number>;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(fit.params[k] - truth[k]), k).toBeLessThan(3 * se[k]);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(referenceLogLik(truth, s));
  });
});

describe('BG/NBD input handling', () => {
  it('bad rows → InvalidInputError naming column and row', () => {
    const err = thrown(() => fitBetaGeo({ frequency: [1, 0, 2], recency: [2, 1, 5], T: [3, 3, 4] })) as InvalidInputError;
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([['recency', 1], ['recency', 2]]);
    expect(err.message).toMatch(/fitBetaGeo/);
    expect(thrown(() => fitBetaGeo({ frequency: [1], recency: [1], T: [2] }, { tolerance: -1 }))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => fitBetaGeo({ frequency: [1], recency: [1], T: [2] }, { initialParams: { s: 1 } }))).toBeInstanceOf(InvalidInputError);
  });
  it('bad prediction arguments and JSON → InvalidInputError', () => {
    const m = betaGeoModel(PUBLISHED);
    expect(thrown(() => m.conditionalExpectedPurchases(-1, { frequency: 1, recency: 1, T: 2 }))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => m.probabilityAlive({ frequency: 1, recency: 3, T: 2 }))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => m.probabilityOfPurchases(1.5, 2))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => betaGeoFromJSON({ ...m.toJSON(), model: 'ParetoNbd' }))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => betaGeoFromJSON({ ...m.toJSON(), version: 2 }))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => betaGeoModel({ ...PUBLISHED, a: -1 }))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => simulateBetaGeo({ params: PUBLISHED, T: 5 }))).toBeInstanceOf(InvalidInputError);
  });
  it('models are immutable; a model from parameters has NaN log-likelihood and round-trips through JSON', () => {
    const m = betaGeoModel(PUBLISHED);
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.params)).toBe(true);
    expect(m.logLikelihood).toBeNaN();
    const back = betaGeoFromJSON(JSON.parse(JSON.stringify(m)));
    expect(back.logLikelihood).toBeNaN();
    expect(back.params).toEqual(m.params);
  });
  it('fits a CustomerSummary from summarize and keeps its unit', () => {
    // Transactions made from a BG/NBD simulation in days: first purchase on day 0..89 of 2024, the
    // repeat purchases spread evenly up to the simulated last one; observation ends on day 120.
    const sim = simulateBetaGeo({ params: { r: 0.5, alpha: 10, a: 0.8, b: 2.5 }, T: Float64Array.from({ length: 400 }, (_, i) => 120 - (i % 90)), seed: 4 });
    const rows: { customerId: string; timestamp: number }[] = [];
    const day = 86_400_000;
    for (let c = 0; c < 400; c++) {
      const start = Date.UTC(2024, 0, 1) + (120 - sim.T[c]) * day;
      rows.push({ customerId: `c${c}`, timestamp: start });
      const x = sim.frequency[c];
      for (let j = 1; j <= x; j++) rows.push({ customerId: `c${c}`, timestamp: start + Math.ceil((sim.recency[c] * j) / x) * day });
    }
    const s = summarize(rows, { unit: 'week', observationEnd: new Date(Date.UTC(2024, 0, 1) + 120 * 86_400_000) });
    const m = fitBetaGeo(s);
    expect(m.unit).toBe('week');
    expect(m.toJSON().unit).toBe('week');
    expect(betaGeoFromJSON(JSON.parse(JSON.stringify(m))).unit).toBe('week');
  });
});
