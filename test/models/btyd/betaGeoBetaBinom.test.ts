import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConvergenceError, InvalidInputError, NotEnoughDataError } from '../../../src/errors.js';
import {
  betaGeoBetaBinomFromJSON,
  betaGeoBetaBinomModel,
  fitBetaGeoBetaBinom,
  simulateBetaGeoBetaBinom,
  type BetaGeoBetaBinomModel,
  type BetaGeoBetaBinomParams,
} from '../../../src/models/btyd/betaGeoBetaBinom.js';
import { datasetPath, missingMessage, readSimpleCsv } from '../../helpers/datasets.js';

// ---------------------------------------------------------------------------------------------
// References: test/fixtures/make_btyd_spend_fixtures.py → btyd-spend.json
//   bgbb_closed_form — FHS 2010's formulas in mpmath at 40 digits (exact to double precision);
//   bgbb_donations   — lifetimes 0.11.3's fit and predictions, and the MLE polished with scipy.
// Published values: ../shared/datasets/README.md §2 (FHS 2010 and Hardie's note 010 sheet).

interface PatternRef {
  params: number[];
  x: number;
  tx: number;
  n: number;
  logLik: number;
  pAlive1: number;
  pAlive3: number;
  condExp: Record<string, number>;
}
interface NewRef {
  params: number[];
  expected: Record<string, number>;
  pmf6: number[];
  pmf20: Record<string, number>;
}
interface Fixture {
  bgbb_closed_form: { patterns: PatternRef[]; newCustomer: NewRef[] };
  bgbb_donations: {
    lifetimes: { params: Record<string, number>; logLikelihood: number; pAlive1: number[]; condExp5: number[]; sumWeightedCondExp5: number; expectedInFirst6: Record<string, number> };
    mle: { params: Record<string, number>; logLikelihood: number };
    logLikelihoodAtPublished: number;
  };
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/btyd-spend.json', import.meta.url), 'utf8')) as Fixture;

const modelAt = (p: readonly number[]): BetaGeoBetaBinomModel => betaGeoBetaBinomModel({ alpha: p[0], beta: p[1], gamma: p[2], delta: p[3] });

/** |a − b| ≤ tol · max(1, |b|): relative for large values, absolute near 0. */
function close(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
}

describe('BG/BB formulas against mpmath (FHS 2010 eqs. 5–13, 40-digit arithmetic)', () => {
  it('log-likelihood, P(alive at n+1 and n+3) and E[X(n, n+n*) | x, t_x, n] for every pattern and parameter set', () => {
    // Parameter sets: the published donations estimates, extreme ones (α = 50 with β = 0.02,
    // γ = 30 with δ = 0.5), γ exactly 1 and γ = 1 + 4e-7 (the 0/0 of the closed form), and
    // histories up to n = 600.
    for (const c of fixture.bgbb_closed_form.patterns) {
      const m = modelAt(c.params);
      const cust = { frequency: c.x, recency: c.tx, n: c.n };
      close(m.logLikelihoodOf(cust), c.logLik, 1e-12);
      close(m.probabilityAlive(cust), c.pAlive1, 1e-12);
      close(m.probabilityAlive(cust, 3), c.pAlive3, 1e-12);
      for (const [k, v] of Object.entries(c.condExp)) close(m.conditionalExpectedPurchases(Number(k), cust), v, 1e-10);
    }
  });

  it('E[X(n*)] and P(X(n) = x) for a new customer', () => {
    for (const c of fixture.bgbb_closed_form.newCustomer) {
      const m = modelAt(c.params);
      for (const [k, v] of Object.entries(c.expected)) close(m.expectedPurchases(Number(k)), v, 1e-11);
      c.pmf6.forEach((v, x) => { close(m.probabilityOfPurchases(x, 6), v, 1e-12); });
      for (const [x, v] of Object.entries(c.pmf20)) close(m.probabilityOfPurchases(Number(x), 20), v, 1e-12);
    }
  });

  it('hand-worked: one opportunity, E[X(1)] = α/(α+β) · δ/(γ+δ) and P(X(1)=1) equals it', () => {
    const m = modelAt([2, 3, 1, 4]);
    expect(m.expectedPurchases(1)).toBeCloseTo((2 / 5) * (4 / 5), 14);
    expect(m.probabilityOfPurchases(1, 1)).toBeCloseTo((2 / 5) * (4 / 5), 14);
    expect(m.probabilityOfPurchases(0, 0)).toBe(1);
    expect(m.probabilityOfPurchases(3, 2)).toBe(0);
    expect(m.expectedPurchases(0)).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Donations (FHS 2010), weighted

const DONATIONS = 'donations/donations.csv';
const donationsPath = datasetPath(DONATIONS);

describe.skipIf(donationsPath === null)(`donations (FHS 2010) ${donationsPath === null ? missingMessage(DONATIONS) : ''}`, () => {
  const rows = donationsPath === null ? [] : readSimpleCsv(donationsPath);
  const data = {
    frequency: rows.map((r) => Number(r['frequency'])),
    recency: rows.map((r) => Number(r['recency'])),
    n: rows.map((r) => Number(r['periods'])),
    weights: rows.map((r) => Number(r['weights'])),
  };
  const model = donationsPath === null ? (null as unknown as BetaGeoBetaBinomModel) : fitBetaGeoBetaBinom(data);
  const find = (x: number, tx: number): number => rows.findIndex((r) => Number(r['frequency']) === x && Number(r['recency']) === tx);

  it('reproduces the published parameters (FHS 2010: 1.204, 0.750, 0.657, 2.783) to half a unit in the last place', () => {
    expect(model.converged).toBe(true);
    expect(model.customers).toBe(11104);
    expect(Math.abs(model.params.alpha - 1.204)).toBeLessThan(0.0005);
    expect(Math.abs(model.params.beta - 0.75)).toBeLessThan(0.0005);
    expect(Math.abs(model.params.gamma - 0.657)).toBeLessThan(0.0005);
    expect(Math.abs(model.params.delta - 2.783)).toBeLessThan(0.0005);
  });

  it('reaches the maximum likelihood (scipy-polished MLE: LL −33225.5813) and beats the published rounded parameters', () => {
    const ref = fixture.bgbb_donations.mle;
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) expect(Math.abs(model.params[k] / ref.params[k] - 1)).toBeLessThan(1e-5);
    expect(Math.abs(model.logLikelihood - ref.logLikelihood)).toBeLessThan(0.01);
    expect(model.logLikelihood).toBeGreaterThanOrEqual(ref.logLikelihood - 1e-6);
    expect(model.logLikelihood).toBeGreaterThan(fixture.bgbb_donations.logLikelihoodAtPublished);
    // lifetimes' own optimum is the same point (its likelihood adds 1e-15 inside a log).
    expect(Math.abs(model.logLikelihood - fixture.bgbb_donations.lifetimes.logLikelihood)).toBeLessThan(1e-4);
  });

  it('has finite standard errors from the observed information, and perturbed starts reach the same optimum', () => {
    const se = model.standardErrors;
    expect(se).not.toBeNull();
    for (const k of ['alpha', 'beta', 'gamma', 'delta']) expect(se?.[k]).toBeGreaterThan(0);
    for (const init of [
      { alpha: 0.1, beta: 5, gamma: 3, delta: 0.5 },
      { alpha: 10, beta: 0.2, gamma: 0.1, delta: 20 },
    ]) {
      const m = fitBetaGeoBetaBinom(data, { initialParams: init });
      expect(Math.abs(m.logLikelihood - model.logLikelihood)).toBeLessThan(1e-6);
      expect(Math.abs(m.params.delta / model.params.delta - 1)).toBeLessThan(1e-4);
    }
  });

  it('P(alive in 2002) of FHS 2010 Table 6: 0.11 (0,0), 0.59 (2,4), 0.93 (6,6)', () => {
    const pa = model.probabilityAlive(data);
    expect(Math.abs(pa[find(0, 0)] - 0.11)).toBeLessThan(0.005);
    expect(Math.abs(pa[find(2, 4)] - 0.59)).toBeLessThan(0.005);
    expect(Math.abs(pa[find(6, 6)] - 0.93)).toBeLessThan(0.005);
    // …and lifetimes' values for all 22 patterns (at its own, equal, estimates).
    fixture.bgbb_donations.lifetimes.pAlive1.forEach((v, i) => { expect(Math.abs(pa[i] - v)).toBeLessThan(1e-6); });
  });

  it('Σ weight · E[X(6, 11) | x, t_x, 6] = 12884.2 (Hardie note 010 sheet) and lifetimes per pattern', () => {
    const e = model.conditionalExpectedPurchases(5, data);
    let sum = 0;
    e.forEach((v, i) => (sum += v * data.weights[i]));
    expect(Math.abs(sum - 12884.2)).toBeLessThan(0.05);
    fixture.bgbb_donations.lifetimes.condExp5.forEach((v, i) => { expect(Math.abs(e[i] - v)).toBeLessThan(1e-6); });
  });

  it('in-sample fit: 11,104 · P(X(6) = x) is 3454.9 at x = 0 and 1253.1 at x = 6 (Hardie sheet C18, C24)', () => {
    expect(Math.abs(11104 * model.probabilityOfPurchases(0, 6) - 3454.9)).toBeLessThan(0.05);
    expect(Math.abs(11104 * model.probabilityOfPurchases(6, 6) - 1253.1)).toBeLessThan(0.05);
    for (const [x, v] of Object.entries(fixture.bgbb_donations.lifetimes.expectedInFirst6)) {
      expect(Math.abs(11104 * model.probabilityOfPurchases(Number(x), 6) - v)).toBeLessThan(1e-3);
    }
  });

  it('records with weight and columns with weights give the same fit; expanded rows too', () => {
    const records = rows.map((r) => ({ frequency: Number(r['frequency']), recency: Number(r['recency']), n: Number(r['periods']), weight: Number(r['weights']) }));
    const m = fitBetaGeoBetaBinom(records);
    expect(m.params).toEqual(model.params);
    // The first three patterns expanded to one row per donor equal their weighted form.
    const few = { frequency: data.frequency.slice(1, 4), recency: data.recency.slice(1, 4), n: data.n.slice(1, 4), weights: [3, 2, 4] };
    const expanded = { frequency: [] as number[], recency: [] as number[], n: [] as number[] };
    few.weights.forEach((w, i) => {
      for (let k = 0; k < w; k++) {
        expanded.frequency.push(few.frequency[i]);
        expanded.recency.push(few.recency[i]);
        expanded.n.push(few.n[i]);
      }
    });
    const a = model.probabilityAlive(few);
    const b = model.probabilityAlive(expanded);
    expect(b[0]).toBe(a[0]);
    expect(b[3]).toBe(a[1]);
  });
});

// ---------------------------------------------------------------------------------------------
// Parameter recovery on simulated data

describe('parameter recovery', () => {
  const truth: BetaGeoBetaBinomParams = { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8 };
  const sim = simulateBetaGeoBetaBinom({ params: truth, customers: 60_000, periods: 8, seed: 11 });

  it('fits 60,000 simulated customers back within 3 standard errors, with LL ≥ LL(truth)', () => {
    const m = fitBetaGeoBetaBinom(sim);
    const se = m.standardErrors;
    expect(se).not.toBeNull();
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) {
      expect(Math.abs(m.params[k] - truth[k])).toBeLessThan(3 * (se?.[k] ?? 0));
    }
    const atTruth = modelAt([truth.alpha, truth.beta, truth.gamma, truth.delta]);
    let llTruth = 0;
    for (let i = 0; i < sim.frequency.length; i++) {
      llTruth += atTruth.logLikelihoodOf({ frequency: sim.frequency[i], recency: sim.recency[i], n: sim.n[i] });
    }
    expect(m.logLikelihood).toBeGreaterThanOrEqual(llTruth);
  });

  it('the simulated mean frequency matches E[X(8)] and the alive share matches E[(1−θ)^8] within 4 standard errors', () => {
    const m = modelAt([truth.alpha, truth.beta, truth.gamma, truth.delta]);
    const n = sim.frequency.length;
    let s = 0;
    let s2 = 0;
    let alive = 0;
    for (let i = 0; i < n; i++) {
      s += sim.frequency[i];
      s2 += sim.frequency[i] ** 2;
      alive += sim.alive[i];
    }
    const mean = s / n;
    const sd = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean - m.expectedPurchases(8))).toBeLessThan((4 * sd) / Math.sqrt(n));
    // P(alive at 8) for a new customer = B(γ, δ+8)/B(γ, δ) = Π_{j<8} (δ+j)/(γ+δ+j).
    let pAlive = 1;
    for (let j = 0; j < 8; j++) pAlive *= (truth.delta + j) / (truth.gamma + truth.delta + j);
    expect(Math.abs(alive / n - pAlive)).toBeLessThan(4 * Math.sqrt((pAlive * (1 - pAlive)) / n));
  });

  it('is deterministic for a seed', () => {
    const a = simulateBetaGeoBetaBinom({ params: truth, customers: 50, seed: 5 });
    const b = simulateBetaGeoBetaBinom({ params: truth, customers: 50, seed: 5 });
    expect(a).toEqual(b);
    expect(simulateBetaGeoBetaBinom({ params: truth, customers: 50, seed: 6 }).frequency).not.toEqual(a.frequency);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

describe('properties (fast-check)', () => {
  const param = fc.double({ min: Math.log(0.01), max: Math.log(100), noNaN: true }).map(Math.exp);
  const params = fc.tuple(param, param, param, param);
  const history = fc
    .tuple(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([n, a, b]) => {
      const x = Math.min(n, Math.floor(a * (n + 1)));
      const tx = x === 0 ? 0 : x + Math.floor(b * (n - x + 1 - 1e-9));
      return { frequency: x, recency: Math.min(tx, n), n };
    });

  it('P(alive) ∈ [0, 1]; E[X(n, n+s) | history] finite, ≥ 0 and ≤ s; log-likelihood finite and ≤ 0', () => {
    fc.assert(
      fc.property(params, history, fc.integer({ min: 0, max: 500 }), (p, h, s) => {
        const m = modelAt(p);
        const pa = m.probabilityAlive(h);
        const pa0 = m.probabilityAlive(h, 0);
        const e = m.conditionalExpectedPurchases(s, h);
        const ll = m.logLikelihoodOf(h);
        return pa >= 0 && pa <= 1 && pa0 >= pa && pa0 <= 1 && Number.isFinite(e) && e >= 0 && e <= s + 1e-9 && Number.isFinite(ll) && ll <= 1e-12;
      }),
      { seed: 7, numRuns: 400 },
    );
  });

  it('E[X(n*)] is finite, non-decreasing in n*; P(X(n) = ·) sums to 1', () => {
    fc.assert(
      fc.property(params, fc.integer({ min: 0, max: 60 }), (p, n) => {
        const m = modelAt(p);
        let sum = 0;
        for (let x = 0; x <= n; x++) {
          const v = m.probabilityOfPurchases(x, n);
          if (!(v >= 0 && v <= 1)) return false;
          sum += v;
        }
        const e1 = m.expectedPurchases(n);
        const e2 = m.expectedPurchases(n + 0.5);
        return Math.abs(sum - 1) < 1e-9 && Number.isFinite(e1) && e1 >= 0 && e2 >= e1;
      }),
      { seed: 8, numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Errors, JSON

describe('input errors', () => {
  const good = { frequency: [1, 0], recency: [2, 0], n: [6, 6] };

  it('names every bad row', () => {
    const bad = { frequency: [1, 0, 2, 1.5, -1, 3], recency: [7, 2, 1, 2, 0, 3], n: [6, 6, 6, 6, 6, 6] };
    let err: unknown;
    try {
      fitBetaGeoBetaBinom(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    const issues = (err as InvalidInputError).issues;
    expect(issues.map((i) => [i.row, i.path])).toEqual([
      [0, 'recency'],
      [1, 'recency'],
      [2, 'recency'],
      [3, 'frequency'],
      [4, 'frequency'],
    ]);
    expect(issues[2].message).toContain('recency ≥ frequency');
  });

  it('rejects bad weights, a weight column, unequal lengths, non-records and non-integer n', () => {
    expect(() => fitBetaGeoBetaBinom({ ...good, weights: [1, -2] })).toThrow(InvalidInputError);
    expect(() => fitBetaGeoBetaBinom({ ...good, weight: [1, 2] } as never)).toThrow(/weights/);
    expect(() => fitBetaGeoBetaBinom({ ...good, n: [6] })).toThrow(InvalidInputError);
    expect(() => fitBetaGeoBetaBinom([{ frequency: 1, recency: 1, n: 2.5 }])).toThrow(InvalidInputError);
    expect(() => fitBetaGeoBetaBinom([null] as never)).toThrow(InvalidInputError);
    expect(() => fitBetaGeoBetaBinom([{ frequency: 1, recency: 1, n: 2, weight: NaN }])).toThrow(InvalidInputError);
    expect(() => fitBetaGeoBetaBinom({ ...good, weights: [0, 0] })).toThrow(NotEnoughDataError);
    expect(() => fitBetaGeoBetaBinom(good, { tolerance: -1 })).toThrow(InvalidInputError);
  });

  it('predictions validate their customer and their horizon', () => {
    const m = modelAt([1, 1, 1, 1]);
    expect(() => m.probabilityAlive({ frequency: 2, recency: 1, n: 6 })).toThrow(InvalidInputError);
    expect(() => m.conditionalExpectedPurchases(-1, { frequency: 0, recency: 0, n: 6 })).toThrow(InvalidInputError);
    expect(() => m.probabilityOfPurchases(1.5, 3)).toThrow(InvalidInputError);
    expect(() => m.expectedPurchases(NaN)).toThrow(InvalidInputError);
    expect(() => simulateBetaGeoBetaBinom({ params: { alpha: 1, beta: 0, gamma: 1, delta: 1 } })).toThrow(/params\.beta/);
  });

  it('a fit stopped early throws ConvergenceError carrying the best parameters', () => {
    const sim = simulateBetaGeoBetaBinom({ params: { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8 }, customers: 2000, seed: 2 });
    let err: unknown;
    try {
      fitBetaGeoBetaBinom(sim, { maxIterations: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvergenceError);
    const best = (err as ConvergenceError).bestParams;
    for (const k of ['alpha', 'beta', 'gamma', 'delta']) expect(Number.isFinite(best[k]) && best[k] > 0).toBe(true);
  });
});

describe('JSON', () => {
  it('round-trips exactly through JSON text', () => {
    const sim = simulateBetaGeoBetaBinom({ params: { alpha: 0.8, beta: 2, gamma: 1.5, delta: 4 }, customers: 3000, periods: 10, seed: 4 });
    const m = fitBetaGeoBetaBinom(sim);
    const back = betaGeoBetaBinomFromJSON(JSON.parse(JSON.stringify(m)));
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(back.params).toEqual(m.params);
    expect(back.standardErrors).toEqual(m.standardErrors);
    expect(back.conditionalExpectedPurchases(4, sim)).toEqual(m.conditionalExpectedPurchases(4, sim));
    expect(back.probabilityAlive(sim)).toEqual(m.probabilityAlive(sim));
  });

  it('a model from parameters has no fit (LL NaN, written as null) and round-trips too', () => {
    const m = modelAt([1.204, 0.75, 0.657, 2.783]);
    expect(m.logLikelihood).toBeNaN();
    expect(m.converged).toBe(false);
    const text = JSON.stringify(m);
    expect(text).toContain('"logLikelihood":null');
    expect(betaGeoBetaBinomFromJSON(JSON.parse(text)).params).toEqual(m.params);
    expect(() => betaGeoBetaBinomModel({ alpha: 1, beta: 1, gamma: Infinity, delta: 1 })).toThrow(/params\.gamma/);
  });

  it('rejects JSON of another model or with bad parameters, naming the field', () => {
    const ok = modelAt([1, 1, 1, 1]).toJSON();
    expect(() => betaGeoBetaBinomFromJSON({ ...ok, model: 'BetaGeo' })).toThrow(/model/);
    expect(() => betaGeoBetaBinomFromJSON({ ...ok, params: { ...ok.params, gamma: -1 } })).toThrow(/params\.gamma/);
    expect(() => betaGeoBetaBinomFromJSON({ ...ok, customers: 'many' })).toThrow(/customers/);
  });
});
