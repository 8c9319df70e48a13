import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { lgamma } from '../../../src/math/special.js';
import { betaGeoModel, fitBetaGeo } from '../../../src/models/btyd/betaGeo.js';
import type { BetaGeoParams } from '../../../src/models/btyd/betaGeoFamily.js';
import {
  fitModifiedBetaGeo,
  modifiedBetaGeoFromJSON,
  modifiedBetaGeoModel,
  simulateModifiedBetaGeo,
} from '../../../src/models/btyd/modifiedBetaGeo.js';
import { CDNOW_MISSING, loadCdnowSummary } from '../../helpers/cdnow.js';
import { thrown } from '../../helpers/thrown.js';

/** MBG/NBD log-likelihood from Batislam et al. (2007), one customer at a time (independent of the library). */
function referenceLogLik(p: BetaGeoParams, d: { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number> }): number {
  const { r, alpha, a, b } = p;
  let ll = 0;
  for (let i = 0; i < d.frequency.length; i++) {
    const x = d.frequency[i];
    const A1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
    const A2 = lgamma(a + b) + lgamma(b + x + 1) - lgamma(b) - lgamma(a + b + x + 1);
    const A3 = -(r + x) * Math.log(alpha + d.T[i]);
    const A4 = Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + d.T[i]) - Math.log(alpha + d.recency[i]));
    ll += A1 + A2 + A3 + Math.max(A4, 0) + Math.log1p(Math.exp(-Math.abs(A4)));
  }
  return ll;
}

const cdnow = loadCdnowSummary();
// ../shared/datasets/README.md §1b: BTYDplus values (lifetimes' test, decimal=3) and the peer.
const BTYDPLUS = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };
const PEER = { r: 0.524838, alpha: 6.182988, a: 0.891356, b: 1.614 };

describe.skipIf(cdnow === null)(`MBG/NBD on CDNOW (${cdnow === null ? CDNOW_MISSING : '2,357 customers'})`, () => {
  const data = cdnow as NonNullable<typeof cdnow>;
  const model = cdnow === null ? (null as unknown as ReturnType<typeof fitModifiedBetaGeo>) : fitModifiedBetaGeo(data); // describe bodies run even when skipped
  it('reproduces BTYDplus / lifetimes: parameters and the peer log-likelihood −9582.1327', () => {
    expect(model.converged).toBe(true);
    expect(model.kind).toBe('ModifiedBetaGeo');
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(model.params[k] - BTYDPLUS[k]), k).toBeLessThanOrEqual(0.0005);
      expect(Math.abs(model.params[k] / PEER[k] - 1), k).toBeLessThan(1e-5);
    }
    expect(Math.abs(model.logLikelihood - -9582.1327)).toBeLessThan(1e-3);
    expect(model.logLikelihood).toBeCloseTo(referenceLogLik(model.params, data), 8);
    expect(model.logLikelihood).toBeGreaterThanOrEqual(referenceLogLik(BTYDPLUS, data));
  });
  it('predictions: E[X(39) | 2, 30.43, 38.86] = 1.26267 (peer), near the BG/NBD 1.226; E[X(t)] within 5 % of BG/NBD', () => {
    const c = { frequency: 2, recency: 30.43, T: 38.86 };
    expect(Math.abs(model.conditionalExpectedPurchases(39, c) - 1.26267)).toBeLessThan(1e-5);
    expect(Math.abs(model.conditionalExpectedPurchases(39, c) - 1.226)).toBeLessThan(0.05);
    const bg = fitBetaGeo(data);
    for (const t of [0.1429, 1, 3, 31.8571, 32, 78]) expect(Math.abs(model.expectedPurchases(t) / bg.expectedPurchases(t) - 1)).toBeLessThan(0.05);
  });
  it('perturbed starts reach the same optimum', () => {
    for (const initialParams of [{ r: 1, alpha: 1, a: 1, b: 1 }, { r: 0.05, alpha: 40, a: 3, b: 0.5 }]) {
      const m = fitModifiedBetaGeo(data, { initialParams });
      expect(m.logLikelihood).toBeCloseTo(model.logLikelihood, 6);
      for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(m.params[k] / model.params[k] - 1)).toBeLessThan(1e-5);
    }
  });
  it('toJSON / modifiedBetaGeoFromJSON round trip exactly; a BetaGeo JSON is refused', () => {
    const back = modifiedBetaGeoFromJSON(JSON.parse(JSON.stringify(model)));
    expect(back.toJSON()).toEqual(model.toJSON());
    expect(back.probabilityAlive(data)).toEqual(model.probabilityAlive(data));
    expect(thrown(() => modifiedBetaGeoFromJSON({ ...model.toJSON(), model: 'BetaGeo' }))).toBeInstanceOf(InvalidInputError);
  });
});

describe('MBG/NBD at fixed parameters', () => {
  const m = modifiedBetaGeoModel(BTYDPLUS);
  it('P(alive | x = 0) < 1, unlike BG/NBD; = 1 / (1 + a/b · ((α+T)/α)^r)', () => {
    const p = m.probabilityAlive({ frequency: 0, recency: 0, T: 1 });
    expect(p).toBeLessThan(1);
    const { r, alpha, a, b } = BTYDPLUS;
    expect(p).toBeCloseTo(1 / (1 + (a / b) * ((alpha + 1) / alpha) ** r), 14);
    expect(betaGeoModel(BTYDPLUS).probabilityAlive({ frequency: 0, recency: 0, T: 1 })).toBe(1);
    expect(m.probabilityAlive({ frequency: 1000, recency: 10, T: 100 })).toBe(0);
  });
  it('E[X(t)] = b/(a−1) · [1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))], as the conditional at x = 0, T = 0', () => {
    for (const t of [1, 10, 100]) expect(m.conditionalExpectedPurchases(t, { frequency: 0, recency: 0, T: 0 })).toBeCloseTo(m.expectedPurchases(t), 12);
  });
  it('P(X(t) = ·) sums to 1 (including the mass of dropping out at once) and its mean is E[X(t)]', () => {
    for (const t of [0.5, 5, 39]) {
      let s = 0;
      let mean = 0;
      for (let n = 0; n < 600; n++) {
        const p = m.probabilityOfPurchases(n, t);
        s += p;
        mean += n * p;
      }
      expect(s).toBeCloseTo(1, 9);
      expect(mean / m.expectedPurchases(t)).toBeCloseTo(1, 6);
    }
    expect(m.probabilityOfPurchases(0, 0)).toBe(1);
  });
  it('probabilities in [0, 1]; expectations finite, ≥ 0, non-decreasing in t (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record({
          r: fc.double({ min: 0.01, max: 50, noNaN: true }),
          alpha: fc.double({ min: 0.01, max: 500, noNaN: true }),
          a: fc.double({ min: 0.01, max: 200, noNaN: true }),
          b: fc.double({ min: 0.01, max: 200, noNaN: true }),
        }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        (p, x, T, u, t) => {
          const mm = modifiedBetaGeoModel(p);
          const c = { frequency: x, recency: x === 0 ? 0 : u * T, T };
          const pa = mm.probabilityAlive(c);
          expect(pa >= 0 && pa <= 1).toBe(true);
          const e1 = mm.conditionalExpectedPurchases(t, c);
          const e2 = mm.conditionalExpectedPurchases(1.5 * t + 1, c);
          expect(Number.isFinite(e1) && e1 >= 0).toBe(true);
          expect(e2).toBeGreaterThanOrEqual(e1 * (1 - 1e-9) - 1e-12);
          const u1 = mm.expectedPurchases(t);
          expect(Number.isFinite(u1) && u1 >= 0).toBe(true);
          expect(mm.expectedPurchases(1.5 * t + 1)).toBeGreaterThanOrEqual(u1 * (1 - 1e-9) - 1e-12);
        },
      ),
      { seed: 61, numRuns: 300 },
    );
  });
});

describe('MBG/NBD simulation and parameter recovery', () => {
  const truth = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 };
  it('recovers the parameters of 50,000 simulated customers within 3 standard errors, LL ≥ LL(truth)', () => {
    const T = Float64Array.from({ length: 50_000 }, (_, i) => 20 + (i % 20));
    const s = simulateModifiedBetaGeo({ params: truth, T, seed: 7 });
    const fit = fitModifiedBetaGeo(s);
    const se = fit.standardErrors as Record<string, number>;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(fit.params[k] - truth[k]), k).toBeLessThan(3 * se[k]);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(referenceLogLik(truth, s));
  });
  it('drops some customers right after the first purchase: more zeros than BG/NBD with the same draws', () => {
    const s = simulateModifiedBetaGeo({ params: truth, customers: 2000, T: 30, seed: 1 });
    expect(s).toEqual(simulateModifiedBetaGeo({ params: truth, customers: 2000, T: 30, seed: 1 }));
    const zeros = s.frequency.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);
    expect(zeros).toBeGreaterThan(0);
  });
  it('bad input → InvalidInputError naming the row', () => {
    const err = thrown(() => fitModifiedBetaGeo({ frequency: [1, 2], recency: [1, 1], T: [2, -1] })) as InvalidInputError;
    expect(err.issues[0]).toMatchObject({ path: 'T', row: 1 });
  });
});
