import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { mae, mape, r2, rmse } from '../../src/metrics/regression.js';
import { thrown } from '../helpers/thrown.js';

// sklearn reference vectors (test/fixtures/make_sklearn_fixtures.py)
interface Case {
  n: number;
  regression: { yTrue: number[]; yPred: number[] };
  sklearn: { regression: { r2: number | null; rmse: number; mae: number; mape: number } };
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/sklearn-metrics.json', import.meta.url), 'utf8')) as {
  sklearn: string;
  cases: Case[];
};

function close(actual: number, expected: number, what: string): void {
  const ok = Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  if (!ok) expect.fail(`${what}: got ${actual}, sklearn ${expected}`);
}
describe(`regression metrics match scikit-learn ${fixture.sklearn} (to 1e-9)`, () => {
  it.each(fixture.cases.map((c, i) => [`case ${i} (n = ${c.n})`, c] as const))('%s: r2, rmse, mae, mape', (_name, c) => {
    const { yTrue, yPred } = c.regression;
    const sk = c.sklearn.regression;
    if (sk.r2 === null) expect(thrown(() => r2(yTrue, yPred))).toBeInstanceOf(NotEnoughDataError);
    else close(r2(yTrue, Float64Array.from(yPred)), sk.r2, 'r2');
    close(rmse(yTrue, yPred), sk.rmse, 'rmse');
    close(mae(Float64Array.from(yTrue), yPred), sk.mae, 'mae');
    close(mape(yTrue, yPred), sk.mape, 'mape');
  });
});

/** Values on a 1/128 grid: no subnormal underflow in the squares. */
const value = fc.integer({ min: -100_000_000, max: 100_000_000 }).map((k) => k / 128);
const pairs = fc
  .array(fc.tuple(value, value), {
    minLength: 2,
    maxLength: 50,
  })
  .map((rows) => ({ t: rows.map((r) => r[0]), p: rows.map((r) => r[1]) }));

describe('regression metrics: properties (fast-check, fixed seeds)', () => {
  it('r2 ≤ 1, and = 1 for perfect predictions', () => {
    fc.assert(
      fc.property(pairs, ({ t, p }) => {
        expect(r2(t, p)).toBeLessThanOrEqual(1);
        expect(r2(t, t)).toBe(1);
      }),
      { seed: 51, numRuns: 300 },
    );
  });

  it('rmse ≥ mae ≥ 0', () => {
    fc.assert(
      fc.property(pairs, ({ t, p }) => {
        const a = mae(t, p);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(rmse(t, p)).toBeGreaterThanOrEqual(a * (1 - 1e-12));
      }),
      { seed: 52, numRuns: 300 },
    );
  });

  it('predicting the mean gives r2 = 0 (up to rounding)', () => {
    fc.assert(
      fc.property(
        pairs.filter(({ t }) => t.some((v) => v !== t[0])),
        ({ t }) => {
          const mean = t.reduce((a, b) => a + b, 0) / t.length;
          expect(Math.abs(r2(t, t.map(() => mean)))).toBeLessThan(1e-9);
        },
      ),
      { seed: 53, numRuns: 300 },
    );
  });
});

describe('regression metrics: conventions and errors', () => {
  it('constant yTrue: r2 is 1 if perfect, else 0 (sklearn force_finite=True)', () => {
    expect(r2([0.1, 0.1, 0.1], [0.1, 0.1, 0.1])).toBe(1);
    expect(r2([0.1, 0.1, 0.1], [0.1, 0.2, 0.1])).toBe(0);
  });

  it('mape divides by max(|y|, 2.220446049250313e-16)', () => {
    expect(mape([0, 10], [1, 10])).toBe(1 / 2.220446049250313e-16 / 2);
  });

  it('unequal lengths and non-finite values: InvalidInputError naming argument and index', () => {
    for (const fn of [r2, rmse, mae, mape]) {
      const len = thrown(() => fn([1, 2, 3], [1, 2]));
      expect(len).toBeInstanceOf(InvalidInputError);
      expect((len as InvalidInputError).issues[0].path).toBe('yPred');
      const bad = thrown(() => fn([1, 2, 3], [1, NaN, 3]));
      expect(bad).toBeInstanceOf(InvalidInputError);
      expect((bad as InvalidInputError).issues[0]).toMatchObject({ path: 'yPred', row: 1 });
    }
  });

  it('empty inputs: NotEnoughDataError; r2 needs 2 values (sklearn: NaN with a warning)', () => {
    for (const fn of [r2, rmse, mae, mape]) {
      const err = thrown(() => fn([], []));
      expect(err).toBeInstanceOf(NotEnoughDataError);
      expect((err as NotEnoughDataError).received).toBe(0);
    }
    const one = thrown(() => r2([1], [1]));
    expect(one).toBeInstanceOf(NotEnoughDataError);
    expect([(one as NotEnoughDataError).required, (one as NotEnoughDataError).received]).toEqual([2, 1]);
    expect(rmse([1], [3])).toBe(2);
  });
});
