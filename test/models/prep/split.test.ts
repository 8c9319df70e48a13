import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../../src/errors.js';
import { crossValidate, kFold, trainTestSplit } from '../../../src/models/prep/split.js';
import type { DesignMatrix } from '../../../src/models/prep/matrix.js';

const sortedUnion = (a: Int32Array, b: Int32Array): number[] => [...a, ...b].sort((x, y) => x - y);

describe('trainTestSplit', () => {
  it('ceil(testSize · n) test rows, disjoint, covering, ascending; same seed → same split', () => {
    const s = trainTestSplit(10, { testSize: 0.25, seed: 3 });
    expect(s.test.length).toBe(3); // ceil(2.5), as sklearn
    expect(sortedUnion(s.train, s.test)).toEqual([...Array(10).keys()]);
    expect([...s.test]).toEqual([...s.test].sort((a, b) => a - b));
    expect(trainTestSplit(10, { testSize: 0.25, seed: 3 })).toEqual(s);
    expect(trainTestSplit(10, { testSize: 4 }).test.length).toBe(4);
    const others = [1, 2, 4, 5].map((seed) => [...trainTestSplit(10, { seed }).test].join());
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it('stratified: every class keeps its share (largest remainder)', () => {
    // 70 of class a, 20 of b, 10 of c; 30 test rows → 21, 6, 3 exactly
    const y = [...Array<string>(70).fill('a'), ...Array<string>(20).fill('b'), ...Array<string>(10).fill('c')];
    const s = trainTestSplit(100, { testSize: 0.3, stratify: y, seed: 9 });
    const count = (idx: Int32Array, c: string): number => [...idx].filter((i) => y[i] === c).length;
    expect([count(s.test, 'a'), count(s.test, 'b'), count(s.test, 'c')]).toEqual([21, 6, 3]);
    // Telco's shape after dropna: 7032 rows, 1869 churners; test 0.25 → 1758 rows, 467 churners (as sklearn's split)
    const telcoLike = Uint8Array.from({ length: 7032 }, (_, i) => (i < 1869 ? 1 : 0));
    const t = trainTestSplit(7032, { testSize: 0.25, stratify: telcoLike, seed: 42 });
    expect(t.test.length).toBe(1758);
    expect([...t.test].filter((i) => telcoLike[i] === 1).length).toBe(467);
  });

  it('typed errors', () => {
    expect(() => trainTestSplit(4, { testSize: 0.1 })).not.toThrow(); // ceil(0.4) = 1
    expect(() => trainTestSplit(4, { testSize: 4 })).toThrow(InvalidInputError);
    expect(() => trainTestSplit(1)).toThrow(InvalidInputError);
    expect(() => trainTestSplit(4, { stratify: [1, 0] })).toThrow(/expected 4 labels/);
    expect(() => trainTestSplit(-1)).toThrow(InvalidInputError);
    expect(() => trainTestSplit(4, { testSize: -0.5 })).toThrow(InvalidInputError);
  });

  it('stratified shares are within one row of exact for any labels (property, seed 21)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 200 }), fc.double({ min: 0.05, max: 0.6, noNaN: true }), fc.integer(), (y, ts, seed) => {
        const n = y.length;
        fc.pre(Math.ceil(ts * n) < n);
        const s = trainTestSplit(n, { testSize: ts, stratify: y, seed });
        expect(s.test.length).toBe(Math.ceil(ts * n));
        for (const c of new Set(y)) {
          const nc = y.filter((v) => v === c).length;
          const inTest = [...s.test].filter((i) => y[i] === c).length;
          expect(Math.abs(inTest - (s.test.length * nc) / n)).toBeLessThan(1 + 1e-9);
        }
      }),
      { seed: 21, numRuns: 100 },
    );
  });
});

describe('kFold', () => {
  it('unshuffled folds equal scikit-learn KFold(4) on 10 rows', () => {
    // sklearn 1.2.1: [list(te) for tr, te in KFold(4).split(np.zeros(10))]
    expect(kFold(10, { k: 4 }).map((f) => [...f.test])).toEqual([[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]);
  });

  it('unshuffled stratified folds equal scikit-learn StratifiedKFold', () => {
    // sklearn 1.2.1, y below: [list(te) for tr, te in StratifiedKFold(k).split(np.zeros(18), y)]
    const y = [2, 0, 1, 1, 0, 2, 2, 0, 1, 0, 0, 2, 1, 1, 0, 2, 0, 0];
    expect(kFold(18, { k: 3, stratify: y }).map((f) => [...f.test])).toEqual([
      [0, 1, 2, 4, 5, 7],
      [3, 6, 8, 9, 10, 11],
      [12, 13, 14, 15, 16, 17],
    ]);
    expect(kFold(18, { k: 4, stratify: y }).map((f) => [...f.test])).toEqual([
      [0, 1, 2, 4, 5],
      [3, 6, 7, 8, 9],
      [10, 11, 12, 14],
      [13, 15, 16, 17],
    ]);
  });

  it('every row is in exactly one test part, train is the complement (property, seed 5)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }).chain((n) =>
          fc.record({ n: fc.constant(n), k: fc.integer({ min: 2, max: Math.min(n, 7) }), shuffle: fc.boolean(), seed: fc.integer(), strat: fc.boolean() }),
        ),
        ({ n, k, shuffle, seed, strat }) => {
          const y = Array.from({ length: n }, (_, i) => (i * 7) % 3);
          fc.pre(!strat || Math.max(...[0, 1, 2].map((c) => y.filter((v) => v === c).length)) >= k);
          const folds = kFold(n, { k, shuffle, seed, stratify: strat ? y : undefined });
          expect(folds.length).toBe(k);
          const seen = new Int32Array(n);
          for (const f of folds) {
            for (const i of f.test) seen[i]++;
            expect(sortedUnion(f.train, f.test)).toEqual([...Array(n).keys()]);
          }
          expect([...seen].every((c) => c === 1)).toBe(true);
          const sizes = folds.map((f) => f.test.length);
          if (!strat) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
      { seed: 5, numRuns: 120 },
    );
  });

  it('shuffle is seeded; typed errors', () => {
    expect(kFold(20, { shuffle: true, seed: 2 })).toEqual(kFold(20, { shuffle: true, seed: 2 }));
    expect(kFold(20, { shuffle: true, seed: 2 })).not.toEqual(kFold(20, { shuffle: true, seed: 3 }));
    expect(() => kFold(3, { k: 4 })).toThrow(NotEnoughDataError);
    expect(() => kFold(6, { k: 3, stratify: [0, 1, 2, 0, 1, 2] })).toThrow(NotEnoughDataError);
    expect(() => kFold(6, { k: 1 })).toThrow(InvalidInputError);
  });
});

describe('crossValidate', () => {
  it('fits on each training part and scores on its test part', () => {
    const X = [[1], [2], [3], [4], [5], [6]];
    const y = new Float64Array([1, 2, 3, 4, 5, 6]);
    const cv = crossValidate(
      (Xt: DesignMatrix, yt: Float64Array) => {
        expect(Xt.nRows).toBe(yt.length);
        expect(yt).toBeInstanceOf(Float64Array);
        return yt.reduce((a, b) => a + b, 0) / yt.length;
      },
      (m: number, _X: DesignMatrix, yt: Float64Array) => yt.reduce((a, v) => a + Math.abs(v - m), 0) / yt.length,
      { X, y },
      3,
    );
    // folds {0,1}, {2,3}, {4,5}: training means 4.5, 3.5, 2.5 → MAE 3, 0.5, 3
    expect([...cv.scores]).toEqual([3, 0.5, 3]);
    expect(cv.mean).toBeCloseTo(6.5 / 3, 15);
    expect(cv.std).toBeCloseTo(Math.sqrt(((3 - 6.5 / 3) ** 2 * 2 + (0.5 - 6.5 / 3) ** 2) / 3), 15);
    expect(cv.models).toEqual([4.5, 3.5, 2.5]);
    expect(() => crossValidate(() => 0, () => Number.NaN, { X, y }, 2)).toThrow(InvalidInputError);
    expect(() => crossValidate(() => 0, () => 0, { X, y: [1, 2] }, 2)).toThrow(/expected 6 values/);
  });
});
