import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../../src/errors.js';
import { createRandom } from '../../../src/math/random.js';
import { oneHot } from '../../../src/models/prep/encode.js';
import { hstack, matrixFromColumns } from '../../../src/models/prep/matrix.js';
import { fitLinearRegression, linearRegressionFromJSON } from '../../../src/models/regress/linear.js';
import { thrownInvalidInput as thrown } from '../../helpers/thrown.js';

interface Closed {
  names: string[];
  beta: number[];
  se: number[];
  t: number[];
  p: number[];
  rss: number;
  r2: number;
  adj_r2: number;
  sigma: number;
  df_resid: number;
}
// Written by test/fixtures/make_telco_fixtures.py: numpy lstsq, σ²(XᵀX)⁻¹, scipy.stats.t (numpy 1.24.2, scipy 1.10.1).
const F = JSON.parse(readFileSync(new URL('../../fixtures/ols.json', import.meta.url), 'utf8')) as {
  X: number[][];
  y: number[];
  with_intercept: Closed;
  without_intercept: Closed;
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const maxRel = (a: ArrayLike<number>, b: readonly number[]): number => Math.max(...b.map((v, i) => rel(a[i], v)));

describe('fitLinearRegression equals the numpy closed forms to 1e-8 (relative)', () => {
  it('with an intercept', () => {
    const m = fitLinearRegression(F.X, F.y);
    const c = F.with_intercept;
    expect(rel(m.intercept, c.beta[0])).toBeLessThan(1e-8);
    expect(maxRel(m.coefficients, c.beta.slice(1))).toBeLessThan(1e-8);
    expect(rel(m.interceptStandardError, c.se[0])).toBeLessThan(1e-8);
    expect(maxRel(m.standardErrors, c.se.slice(1))).toBeLessThan(1e-8);
    expect(maxRel(m.tValues, c.t.slice(1))).toBeLessThan(1e-8);
    expect(rel(m.interceptTValue, c.t[0])).toBeLessThan(1e-8);
    // p-values: through the regularised incomplete beta (src/math/distributions.ts), 1e-8 relative
    expect(maxRel(m.pValues, c.p.slice(1))).toBeLessThan(1e-8);
    expect(rel(m.interceptPValue, c.p[0])).toBeLessThan(1e-8);
    expect(rel(m.rss, c.rss)).toBeLessThan(1e-10);
    expect(rel(m.rSquared, c.r2)).toBeLessThan(1e-10);
    expect(rel(m.adjustedRSquared, c.adj_r2)).toBeLessThan(1e-10);
    expect(rel(m.residualStandardError, c.sigma)).toBeLessThan(1e-10);
    expect(m.dfResidual).toBe(c.df_resid);
    expect(m.nObservations).toBe(60);
  });

  it('without an intercept (uncentred R², as statsmodels)', () => {
    const m = fitLinearRegression(F.X, F.y, { fitIntercept: false });
    const c = F.without_intercept;
    expect(m.intercept).toBe(0);
    expect(Number.isNaN(m.interceptStandardError)).toBe(true);
    expect(maxRel(m.coefficients, c.beta)).toBeLessThan(1e-8);
    expect(maxRel(m.standardErrors, c.se)).toBeLessThan(1e-8);
    expect(maxRel(m.pValues, c.p)).toBeLessThan(1e-8);
    expect(rel(m.rSquared, c.r2)).toBeLessThan(1e-10);
    expect(rel(m.adjustedRSquared, c.adj_r2)).toBeLessThan(1e-10);
  });
});

describe('recovery and invariants', () => {
  it('recovers known coefficients on simulated data (within 4 standard errors)', () => {
    const rng = createRandom(5);
    const n = 5000;
    const truth = [2, -1, 0.5, 0];
    const X = Array.from({ length: n }, () => [rng.normal(), rng.uniform(0, 10), rng.normal(3, 2), rng.normal()]);
    const y = X.map((x) => 4 + x.reduce((a, v, j) => a + v * truth[j], 0) + rng.normal(0, 2));
    const m = fitLinearRegression(X, y);
    truth.forEach((b, j) => {
      expect(Math.abs(m.coefficients[j] - b)).toBeLessThan(4 * m.standardErrors[j]);
    });
    expect(Math.abs(m.intercept - 4)).toBeLessThan(4 * m.interceptStandardError);
    expect(Math.abs(m.residualStandardError - 2)).toBeLessThan(0.1);
    expect(m.pValues[0]).toBeLessThan(1e-12);
  });

  it('exact fit on noiseless data; predict reproduces it', () => {
    const X = [[1, 0], [0, 1], [1, 1], [2, 3], [5, 1]];
    const y = X.map((x) => 1 + 2 * x[0] - 3 * x[1]);
    const m = fitLinearRegression(X, y);
    expect(m.intercept).toBeCloseTo(1, 12);
    expect(m.coefficients[0]).toBeCloseTo(2, 12);
    expect(m.coefficients[1]).toBeCloseTo(-3, 12);
    expect(m.predict([[10, 10]])[0]).toBeCloseTo(-9, 10);
    expect(m.rSquared).toBeCloseTo(1, 12);
  });

  it('residuals are orthogonal to every column and sum to 0 (property, seed 13)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 4 }), (seed, p) => {
        const rng = createRandom(seed);
        const n = 30;
        const X = Array.from({ length: n }, () => Array.from({ length: p }, () => rng.normal(0, 5)));
        const y = X.map(() => rng.normal(10, 3));
        const m = fitLinearRegression(X, y);
        const fitted = m.predict(X);
        const res = y.map((v, i) => v - fitted[i]);
        expect(Math.abs(res.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
        for (let j = 0; j < p; j++) expect(Math.abs(res.reduce((a, r, i) => a + r * X[i][j], 0))).toBeLessThan(1e-8);
        expect(m.rSquared).toBeGreaterThanOrEqual(0);
        expect(m.adjustedRSquared).toBeLessThanOrEqual(m.rSquared);
      }),
      { seed: 13, numRuns: 60 },
    );
  });
});

describe('toJSON / linearRegressionFromJSON', () => {
  it('restores the model exactly, with and without an intercept', () => {
    for (const fitIntercept of [true, false]) {
      const m = fitLinearRegression(F.X, F.y, { fitIntercept });
      const back = linearRegressionFromJSON(JSON.parse(JSON.stringify(m)));
      expect(back.coefficients).toEqual(m.coefficients);
      expect(back.pValues).toEqual(m.pValues);
      expect(back.interceptStandardError).toEqual(m.interceptStandardError);
      expect(back.predict(F.X)).toEqual(m.predict(F.X));
      expect(back.rSquared).toBe(m.rSquared);
    }
    expect(() => linearRegressionFromJSON({ model: 'x' })).toThrow(/json.model/);
  });
});

describe('typed errors', () => {
  it('collinear columns are named with their combination', () => {
    const plan = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b'];
    const dummies = oneHot({ plan }).transform({ plan });
    const X = hstack(matrixFromColumns({ tenure: [1, 2, 3, 4, 5, 6, 7, 8] }), dummies);
    const err = thrown(() => fitLinearRegression(X, [1, 2, 3, 4, 5, 6, 8, 9]));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].path).toBe('X.plan_c');
    expect(err.issues[0].message).toContain('plan_c = 1·(intercept) + -1·plan_a + -1·plan_b');
    // dropping the reference level fixes it
    const ok = oneHot({ plan }, { drop: 'first' }).transform({ plan });
    expect(() => fitLinearRegression(hstack(matrixFromColumns({ tenure: [1, 2, 3, 4, 5, 6, 7, 8] }), ok), [1, 2, 3, 4, 5, 6, 8, 9])).not.toThrow();
    const e2 = thrown(() => fitLinearRegression([[1, 0], [2, 0], [3, 0], [4, 0]], [1, 2, 3, 4]));
    expect(e2.issues[0]).toMatchObject({ path: 'X.x1', message: 'column "x1" is all zeros' });
    const e3 = thrown(() => fitLinearRegression([[5], [5], [5], [5]], [1, 2, 3, 4]));
    expect(e3.issues[0].path).toBe('X.x0');
  });

  it('bad input', () => {
    expect(() => fitLinearRegression([[1], [2]], [1, 2])).toThrow(NotEnoughDataError);
    expect(() => fitLinearRegression([[1], [2], [3]], [1, Number.NaN, 3])).toThrow(InvalidInputError);
    expect(() => fitLinearRegression([[1], [2], [3]], [1, 2])).toThrow(/expected 3 values/);
    expect(() => fitLinearRegression([[1], [2], [3]], [1, 2, 3], { collinearityTolerance: 2 })).toThrow(InvalidInputError);
    const m = fitLinearRegression([[1], [2], [4]], [1, 2, 3]);
    expect(() => m.predict([[1, 2]])).toThrow(/expected 1 columns/);
  });
});
