import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { createRandom } from '../../src/math/random.js';
import { silhouette } from '../../src/segment/silhouette.js';
import { thrown } from '../helpers/thrown.js';

// ---------------------------------------------------------------------------------------------
// scikit-learn reference vectors (test/fixtures/make_silhouette_fixtures.py)

interface Case {
  name: string;
  X: number[][];
  labels: (number | string)[];
  score: number;
  samples: number[];
}
interface Sampled {
  X: number[][];
  labels: number[];
  sample_size: number;
  random_state: number;
  indices: number[];
  score: number;
  full_score: number;
}
interface Fixture {
  retail: { Z: number[]; labels: number[]; score: number; samples: number[] };
  cases: Case[];
  sampled: Sampled[];
  invalid: { X: number[][]; labels: number[]; sklearn_error: string }[];
}
const fx = JSON.parse(
  readFileSync(new URL('../fixtures/silhouette.json', import.meta.url), 'utf8'),
) as Fixture;

const TOL = 1e-9;

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(TOL);
}

describe('silhouette vs scikit-learn', () => {
  it('online-retail standardised RFM, KMeans k=4: score 0.513807… and every per-sample value', () => {
    const { Z, labels, score, samples } = fx.retail;
    expect(score).toBeCloseTo(0.513807, 6); // README-ml.md's recorded value
    const flat = { data: Float64Array.from(Z), nRows: Z.length / 3, nCols: 3 };
    const r = silhouette(flat, labels, { perSample: true });
    expect(Math.abs(r.score - score)).toBeLessThan(TOL);
    expect(r.n).toBe(860);
    expect(r.k).toBe(4);
    expectClose(r.perSample!, samples);
    // the number[][] form gives the same
    const rows = Array.from({ length: flat.nRows }, (_, i) => Z.slice(3 * i, 3 * i + 3));
    expect(silhouette(rows, labels).score).toBe(r.score);
  });

  for (const c of fx.cases) {
    it(`synthetic case ${c.name} (n=${c.X.length}, d=${c.X[0].length})`, () => {
      const r = silhouette(c.X, c.labels, { perSample: true });
      expect(Math.abs(r.score - c.score)).toBeLessThan(TOL);
      expectClose(r.perSample!, c.samples);
      expect(r.perSample).toBeInstanceOf(Float64Array);
    });
  }

  it('a singleton cluster scores 0 for its point', () => {
    const c = fx.cases.find((x) => x.name === 'singleton')!;
    const r = silhouette(c.X, c.labels, { perSample: true });
    expect(r.perSample![c.X.length - 1]).toBe(0);
  });

  for (const [i, s] of fx.sampled.entries()) {
    it(`sample_size=${s.sample_size}, random_state=${s.random_state}: sklearn's subsample via sampleIndices (${i})`, () => {
      const r = silhouette(s.X, s.labels, { sampleIndices: s.indices, perSample: true });
      expect(Math.abs(r.score - s.score)).toBeLessThan(TOL);
      expect(r.n).toBe(s.sample_size);
      expect(Array.from(r.sampleIndices!)).toEqual(s.indices);
      expect(r.perSample!.length).toBe(s.sample_size);
      // the exact score on all points
      expect(Math.abs(silhouette(s.X, s.labels).score - s.full_score)).toBeLessThan(TOL);
      // sampleSize >= n scores every point (sklearn's permutation(n)[:m] is then all of them)
      expect(Math.abs(silhouette(s.X, s.labels, { sampleSize: s.X.length + 5 }).score - s.full_score)).toBeLessThan(TOL);
    });
  }

  it('rejects what sklearn rejects: number of labels outside 2..n-1', () => {
    for (const c of fx.invalid) {
      const err = thrown(() => silhouette(c.X, c.labels));
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).issues[0].path).toBe('labels');
      expect((err as InvalidInputError).message).toContain('valid values are 2 to 2');
    }
  });
});

describe('silhouette sampling', () => {
  const s = fx.sampled[0];

  it('sampleSize draws distinct seeded indices; same seed, same result', () => {
    const a = silhouette(s.X, s.labels, { sampleSize: 40, seed: 3, perSample: true });
    const b = silhouette(s.X, s.labels, { sampleSize: 40, seed: 3 });
    const c = silhouette(s.X, s.labels, { sampleSize: 40, seed: createRandom(3) });
    expect(a.score).toBe(b.score);
    expect(c.score).toBe(a.score);
    expect(a.n).toBe(40);
    expect(new Set(a.sampleIndices).size).toBe(40);
    for (const i of a.sampleIndices!) expect(i >= 0 && i < s.X.length).toBe(true);
    // equals the exact silhouette of the subset
    const idx = Array.from(a.sampleIndices!);
    const sub = silhouette(idx.map((i) => s.X[i]), idx.map((i) => s.labels[i]), { perSample: true });
    expect(sub.score).toBeCloseTo(a.score, 14);
    expectClose(a.perSample!, Array.from(sub.perSample!));
    const other = silhouette(s.X, s.labels, { sampleSize: 40, seed: 4 });
    expect(Array.from(other.sampleIndices!)).not.toEqual(idx);
  });

  it('the default seed is fixed (reproducible without one)', () => {
    expect(silhouette(s.X, s.labels, { sampleSize: 30 }).score).toBe(
      silhouette(s.X, s.labels, { sampleSize: 30, seed: 0 }).score,
    );
  });

  it('a subsample with a single label throws InvalidInputError naming labels', () => {
    const X = [[0], [1], [2], [3], [10]];
    const err = thrown(() => silhouette(X, [0, 0, 0, 0, 1], { sampleIndices: [0, 1, 2] }));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).message).toContain('in the sample is 1');
  });
});

describe('silhouette validation', () => {
  it('fewer than 3 points: NotEnoughDataError', () => {
    const err = thrown(() => silhouette([[0], [1]], [0, 1]));
    expect(err).toBeInstanceOf(NotEnoughDataError);
    expect((err as NotEnoughDataError).required).toBe(3);
    expect((err as NotEnoughDataError).received).toBe(2);
    expect(thrown(() => silhouette([], []))).toBeInstanceOf(NotEnoughDataError);
    expect(thrown(() => silhouette([[0], [1], [2], [3]], [0, 1, 0, 1], { sampleSize: 2 }))).toBeInstanceOf(
      NotEnoughDataError,
    );
  });

  it('ragged rows and non-finite values name row and column', () => {
    const e1 = thrown(() => silhouette([[0, 0], [1], [2, 2]], [0, 1, 1])) as InvalidInputError;
    expect(e1).toBeInstanceOf(InvalidInputError);
    expect(e1.issues[0]).toMatchObject({ path: 'X', row: 1 });
    const e2 = thrown(() => silhouette([[0, 0], [1, NaN], [2, 2]], [0, 1, 1])) as InvalidInputError;
    expect(e2.issues[0]).toMatchObject({ path: 'X.1', row: 1 });
    expect(e2.issues[0].message).toContain('NaN');
    const flat = { data: Float64Array.from([0, 0, 1, 1, 2, Infinity]), nRows: 3, nCols: 2 };
    const e3 = thrown(() => silhouette(flat, [0, 1, 1])) as InvalidInputError;
    expect(e3.issues[0]).toMatchObject({ path: 'X.1', row: 2 });
    const bad = { data: new Float64Array(5), nRows: 3, nCols: 2 };
    expect(thrown(() => silhouette(bad, [0, 1, 1]))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => silhouette([[], [], []], [0, 1, 1]))).toBeInstanceOf(InvalidInputError);
  });

  it('labels: wrong length or type', () => {
    const X = [[0], [1], [2]];
    const e1 = thrown(() => silhouette(X, [0, 1])) as InvalidInputError;
    expect(e1.issues[0].path).toBe('labels');
    const e2 = thrown(() => silhouette(X, [0, NaN, 1])) as InvalidInputError;
    expect(e2.issues[0]).toMatchObject({ path: 'labels', row: 1 });
    const e3 = thrown(() => silhouette(X, [0, null, 1] as unknown as number[])) as InvalidInputError;
    expect(e3.issues[0]).toMatchObject({ path: 'labels', row: 1 });
  });

  it('options are validated', () => {
    const X = [[0], [1], [2], [3]];
    const L = [0, 0, 1, 1];
    const path = (o: unknown): string =>
      (thrown(() => silhouette(X, L, o as never)) as InvalidInputError).issues[0].path;
    expect(path({ sampleSize: 0 })).toBe('options.sampleSize');
    expect(path({ sampleSize: 1.5 })).toBe('options.sampleSize');
    expect(path({ seed: 'x' })).toBe('options.seed');
    expect(path({ sampleFraction: 0.5 })).toBe('options.sampleFraction');
    expect(path({ sampleSize: 3, sampleIndices: [0, 1, 2] })).toBe('options.sampleIndices');
    expect(path({ sampleIndices: [0, 0, 1] })).toBe('options.sampleIndices.1');
    expect(path({ sampleIndices: [0, 1, 9] })).toBe('options.sampleIndices.2');
  });
});

describe('silhouette properties (fast-check)', () => {
  const PARAMS = { seed: 20261123, numRuns: 150 };
  /** n points of dimension d with labels in 0..k-1, at least 2 distinct labels and n >= 3. */
  const clustering = fc
    .record({
      d: fc.integer({ min: 1, max: 3 }),
      k: fc.integer({ min: 2, max: 4 }),
      n: fc.integer({ min: 4, max: 25 }),
    })
    .chain(({ d, k, n }) =>
      fc.record({
        X: fc.array(fc.array(fc.integer({ min: -5, max: 5 }).map((v) => v / 2), { minLength: d, maxLength: d }), {
          minLength: n,
          maxLength: n,
        }),
        labels: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n }),
        perm: fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => i),
          { minLength: n, maxLength: n },
        ),
      }),
    )
    .filter(({ labels }) => {
      const k = new Set(labels).size;
      return k >= 2 && k <= labels.length - 1;
    });

  it('every s(i) and the score are in [-1, 1]', () => {
    fc.assert(
      fc.property(clustering, ({ X, labels }) => {
        const r = silhouette(X, labels, { perSample: true });
        for (const v of r.perSample!) expect(v >= -1 - 1e-12 && v <= 1 + 1e-12).toBe(true);
        expect(Math.abs(r.score)).toBeLessThanOrEqual(1 + 1e-12);
      }),
      PARAMS,
    );
  });

  it('permuting rows (with their labels) leaves the score unchanged', () => {
    fc.assert(
      fc.property(clustering, ({ X, labels, perm }) => {
        const a = silhouette(X, labels).score;
        const b = silhouette(
          perm.map((i) => X[i]),
          perm.map((i) => labels[i]),
        ).score;
        expect(Math.abs(a - b)).toBeLessThan(1e-12);
      }),
      PARAMS,
    );
  });

  it('relabelling clusters (any injective map, numbers or strings) leaves the score unchanged', () => {
    fc.assert(
      fc.property(clustering, fc.integer({ min: 1, max: 1000 }), ({ X, labels }, offset) => {
        const a = silhouette(X, labels).score;
        expect(silhouette(X, labels.map((l) => 3 - l + offset)).score).toBe(a);
        expect(silhouette(X, labels.map((l) => `c${(l * 7) % 5}`)).score).toBe(a);
      }),
      PARAMS,
    );
  });
});
