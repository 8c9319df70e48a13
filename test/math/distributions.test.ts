import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  logBeta,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
} from '../../src/math/distributions.js';

// Checkpoints computed with mpmath at 40 digits by test/fixtures/make_scipy_fixtures.py.
interface Fixture {
  distributions: {
    normalCdf: { x: number; cdf: number }[];
    normalQuantile: { p: number; ppf: number }[];
    studentTCdf: { t: number; df: number; cdf: number }[];
    studentTQuantile: { p: number; df: number; ppf: number }[];
    logGamma: { x: number; value: number }[];
    regularizedIncompleteBeta: { x: number; a: number; b: number; value: number }[];
  };
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/scipy-experiments.json', import.meta.url), 'utf8')) as Fixture;
const D = fixture.distributions;

/** |actual − expected| ≤ tol · max(|expected|, floor). */
function expectRel(actual: number, expected: number, tol: number, floor = 1e-300): void {
  const err = Math.abs(actual - expected);
  if (!(err <= tol * Math.max(Math.abs(expected), floor))) {
    expect.fail(`expected ${actual} to equal ${expected} within ${tol} relative (error ${err / Math.max(Math.abs(expected), floor)})`);
  }
}

const SEED = { seed: 20240604, numRuns: 300 } as const;

describe('normal distribution (vs mpmath)', () => {
  it.each(D.normalCdf.map((c) => [c.x, c.cdf] as const))('normalCdf(%s) to 1e-14 relative', (x, cdf) => {
    expectRel(normalCdf(x), cdf, 1e-14);
  });

  it.each(D.normalQuantile.map((c) => [c.p, c.ppf] as const))('normalQuantile(%s) to 1e-14 relative', (p, ppf) => {
    expectRel(normalQuantile(p), ppf, 1e-14, 1e-16);
  });

  it('handles the edges', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(NaN)).toBeNaN();
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
    expectRel(normalPdf(1), Math.exp(-0.5) / Math.sqrt(2 * Math.PI), 1e-15);
  });

  it('property: normalQuantile(normalCdf(x)) ≈ x', () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: 3, noNaN: true }), (x) => {
        const back = normalQuantile(normalCdf(x));
        // Conditioning: an ulp of Φ(x) moves x by ~ε·Φ(x)/φ(x), largest for x → 3 (~3e-14).
        expect(Math.abs(back - x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)));
      }),
      SEED,
    );
  });

  it('property: Φ(x) + Φ(−x) = 1 and Φ is increasing', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), fc.double({ min: 1e-6, max: 1, noNaN: true }), (x, h) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThanOrEqual(2e-16);
        expect(normalCdf(x + h)).toBeGreaterThanOrEqual(normalCdf(x));
      }),
      SEED,
    );
  });
});

describe('Student t distribution (vs mpmath)', () => {
  it.each(D.studentTCdf.map((c) => [c.t, c.df, c.cdf] as const))('studentTCdf(%s, df %s) to 1e-12 relative', (t, df, cdf) => {
    expectRel(studentTCdf(t, df), cdf, 1e-12);
  });

  it.each(D.studentTQuantile.map((c) => [c.p, c.df, c.ppf] as const))('studentTQuantile(%s, df %s) to 1e-12 relative', (p, df, ppf) => {
    expectRel(studentTQuantile(p, df), ppf, 1e-12);
  });

  it('covers the required df', () => {
    const dfs = new Set(D.studentTCdf.map((c) => c.df));
    for (const df of [1, 2.5, 10, 100, 1e6]) expect(dfs.has(df)).toBe(true);
  });

  it('handles the edges', () => {
    expect(studentTCdf(0, 3)).toBe(0.5);
    expect(studentTCdf(-Infinity, 3)).toBe(0);
    expect(studentTCdf(Infinity, 3)).toBe(1);
    expect(studentTCdf(1, 0)).toBeNaN();
    expect(studentTCdf(NaN, 3)).toBeNaN();
    expect(studentTCdf(1.3, Infinity)).toBe(normalCdf(1.3));
    expect(studentTQuantile(0, 4)).toBe(-Infinity);
    expect(studentTQuantile(1, 4)).toBe(Infinity);
    expect(studentTQuantile(0.5, 4)).toBe(0);
    expect(studentTQuantile(0.3, -1)).toBeNaN();
    expect(studentTQuantile(0.975, Infinity)).toBe(normalQuantile(0.975));
    // Cauchy: F(t) = ½ + atan(t)/π, and its heavy tail.
    expectRel(studentTCdf(-1e200, 1), 1 / (Math.PI * 1e200), 1e-12);
    expectRel(studentTQuantile(1e-200, 1), -1 / (Math.PI * 1e-200), 1e-12);
    expectRel(studentTPdf(0, 1), 1 / Math.PI, 1e-14);
    expectRel(studentTPdf(2, 1), 1 / (5 * Math.PI), 1e-14);
  });

  it('property: t cdf → normal cdf as df → ∞', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        let previous = Infinity;
        for (const df of [10, 1e3, 1e5, 1e8]) {
          const gap = Math.abs(studentTCdf(x, df) - normalCdf(x));
          // |F_ν(x) − Φ(x)| ≈ φ(x)(x³ + x)/(4ν) ≤ 0.2/ν
          expect(gap).toBeLessThanOrEqual(0.2 / df + 1e-15);
          expect(gap).toBeLessThanOrEqual(previous + 1e-15);
          previous = gap;
        }
      }),
      SEED,
    );
  });

  it('property: quantile inverts the cdf, and F(t) + F(−t) = 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 0, noNaN: true }),
        fc.constantFrom(1, 1.5, 2, 2.5, 3, 7.3, 10, 29.9, 30, 31, 100, 1e4, 1e6),
        (t, df) => {
          const p = studentTCdf(t, df);
          fc.pre(p > 1e-300 && p < 0.5);
          expect(Math.abs(studentTQuantile(p, df) - t)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(t)));
          expect(Math.abs(p + studentTCdf(-t, df) - 1)).toBeLessThanOrEqual(4e-16);
        },
      ),
      SEED,
    );
  });
});

describe('special functions (vs mpmath)', () => {
  it.each(D.logGamma.map((c) => [c.x, c.value] as const))('logGamma(%s) to 1e-14', (x, value) => {
    expect(Math.abs(logGamma(x) - value)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(value)));
  });

  it.each(D.regularizedIncompleteBeta.map((c) => [c.x, c.a, c.b, c.value] as const))(
    'regularizedIncompleteBeta(%s, %s, %s) to 1e-13 relative',
    (x, a, b, value) => {
      expectRel(regularizedIncompleteBeta(x, a, b), value, 1e-13);
    },
  );

  it('logBeta keeps its digits for a large argument (no cancellation)', () => {
    // mpmath: log(beta(5e5, 0.5)) = -5.9888164957774643103
    expectRel(logBeta(5e5, 0.5), -5.988816495777464, 1e-15);
    expectRel(logBeta(0.5, 5e5), -5.988816495777464, 1e-15);
    expectRel(Math.exp(logBeta(2, 3)), 1 / 12, 1e-14);
  });

  it('returns NaN outside the domain', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1)).toBeNaN();
    expect(logBeta(0, 1)).toBeNaN();
    expect(regularizedIncompleteBeta(1.5, 1, 1)).toBeNaN();
    expect(regularizedIncompleteBeta(0.5, 0, 1)).toBeNaN();
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('property: I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1023 }),
        fc.double({ min: 0.1, max: 200, noNaN: true }),
        fc.double({ min: 0.1, max: 200, noNaN: true }),
        (k, a, b) => {
          const x = k / 1024; // 1 − x is exact
          const lhs = regularizedIncompleteBeta(x, a, b);
          const rhs = 1 - regularizedIncompleteBeta(1 - x, b, a);
          expect(lhs).toBeGreaterThanOrEqual(0);
          expect(lhs).toBeLessThanOrEqual(1);
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-13);
        },
      ),
      SEED,
    );
  });
});
