import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { elbow, kmeans, kneedle, type KMeansResult } from '../../src/segment/kmeans.js';
import { thrown } from '../helpers/thrown.js';

interface SkFit {
  k: number;
  init: number[][] | string;
  maxIterations: number;
  tolerance: number;
  labels: number[];
  centroids: number[][];
  inertia: number;
  nIter: number;
}
interface Fixture {
  online_retail: {
    raw: number[][];
    standardized: number[][];
    kmeans_k4_ninit10_rs0: SkFit;
    kmeans_k4_init_first4: SkFit;
  };
  synthetic: (SkFit & { name: string; X: number[][] })[];
}
// Written by test/fixtures/make_kmeans_fixtures.py (scikit-learn 1.2.1); committed, no dataset needed.
const F = JSON.parse(readFileSync(new URL('../fixtures/kmeans-online-retail.json', import.meta.url), 'utf8')) as Fixture;

const sq = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0);

function expectMatchesSklearn(r: KMeansResult, sk: SkFit): void {
  expect(Array.from(r.labels)).toEqual(sk.labels);
  r.centroids.forEach((row, c) => {
    row.forEach((v, j) => {
      expect(Math.abs(v - sk.centroids[c][j])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
    });
  });
  expect(Math.abs(r.inertia - sk.inertia)).toBeLessThanOrEqual(1e-9 * sk.inertia);
  expect(r.iterations).toBe(sk.nIter);
}

describe('kmeans vs scikit-learn (test/fixtures/kmeans-online-retail.json)', () => {
  const o = F.online_retail;

  it('online-retail standardised RFM (860 × 3), k = 4, nInit = 10: inertia within 0.5% of sklearn (730.086801)', () => {
    const sk = o.kmeans_k4_ninit10_rs0;
    expect(sk.inertia).toBeCloseTo(730.086801, 5);
    for (const seed of [0, 1, 2]) {
      const r = kmeans(o.standardized, { k: 4, nInit: 10, seed });
      expect(Math.abs(r.inertia - sk.inertia) / sk.inertia).toBeLessThan(0.005);
      expect([...r.sizes].sort((a, b) => b - a)).toEqual([454, 401, 3, 2]);
    }
  });

  it('standardize: true on the raw R/F/M gives the same clustering; centroids are in the raw scale', () => {
    const r = kmeans(o.raw, { k: 4, nInit: 10, seed: 0, standardize: true });
    const z = kmeans(o.standardized, { k: 4, nInit: 10, seed: 0 });
    expect(Array.from(r.labels)).toEqual(Array.from(z.labels));
    expect(r.inertia).toBeCloseTo(z.inertia, 9);
    // Each centroid is the raw mean of its members.
    for (let c = 0; c < 4; c++) {
      const members = o.raw.filter((_, i) => r.labels[i] === c);
      for (let j = 0; j < 3; j++) {
        const mean = members.reduce((s, row) => s + row[j], 0) / members.length;
        expect(Math.abs(r.centroids[c][j] - mean)).toBeLessThan(1e-9 * Math.max(1, Math.abs(mean)));
      }
    }
    expect(Array.from(r.predict(o.raw))).toEqual(Array.from(r.labels));
  });

  it('explicit init (first 4 rows) on online-retail: labels, centroids (1e-12), inertia, iterations as sklearn Lloyd', () => {
    const sk = o.kmeans_k4_init_first4;
    const r = kmeans(o.standardized, { k: 4, init: sk.init as number[][] });
    expectMatchesSklearn(r, sk);
    expect(r.converged).toBe(true);
  });

  for (const c of F.synthetic) {
    it(`explicit init, ${c.name}: equal to sklearn's Lloyd`, () => {
      const r = kmeans(c.X, { k: c.k, init: c.init as number[][], maxIterations: c.maxIterations, tolerance: c.tolerance });
      expectMatchesSklearn(r, c);
      expect(r.converged).toBe(c.nIter < c.maxIterations);
    });
  }

  it('converged is false when maxIterations = 1 on a non-trivial case', () => {
    const c = F.synthetic[0];
    const r = kmeans(c.X, { k: c.k, init: c.init as number[][], maxIterations: 1 });
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(false);
  });
});

// Small matrices without ties: integer grid plus an irrational jitter per cell.
const matrixArb = fc
  .record({ n: fc.integer({ min: 4, max: 40 }), d: fc.integer({ min: 1, max: 4 }) })
  .chain(({ n, d }) =>
    fc.array(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
  )
  .map((rows) => rows.map((row, i) => row.map((v, j) => v + Math.SQRT2 * (((i * 7 + j * 13) % 101) / 1000))));
const caseArb = matrixArb.chain((X) => fc.record({ X: fc.constant(X), k: fc.integer({ min: 1, max: Math.min(5, X.length) }) }));
const fcOpts = { seed: 20261123, numRuns: 60 };

describe('kmeans properties (fast-check, fixed seed)', () => {
  it('labels are the nearest centroid; inertia is the recomputed sum of squared distances; sizes count labels', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom<'k-means++' | 'random'>('k-means++', 'random'), ({ X, k }, init) => {
        const r = kmeans(X, { k, init, nInit: 2, seed: 3 });
        let inertia = 0;
        X.forEach((row, i) => {
          const own = sq(row, r.centroids[r.labels[i]]);
          for (const c of r.centroids) expect(own).toBeLessThanOrEqual(sq(row, c) * (1 + 1e-12) + 1e-12);
          inertia += own;
        });
        expect(Math.abs(r.inertia - inertia)).toBeLessThanOrEqual(1e-9 * Math.max(1, inertia));
        const sizes = new Array<number>(k).fill(0);
        for (const a of r.labels) sizes[a]++;
        expect(r.sizes).toEqual(sizes);
      }),
      fcOpts,
    );
  });

  it('inertia never increases across iterations (maxIterations = 1, 2, 3, …)', () => {
    fc.assert(
      fc.property(caseArb, ({ X, k }) => {
        const init = X.slice(0, k);
        let prev = Infinity;
        for (let m = 1; m <= 8; m++) {
          const r = kmeans(X, { k, init, maxIterations: m, tolerance: 0 });
          expect(r.inertia).toBeLessThanOrEqual(prev * (1 + 1e-12) + 1e-12);
          prev = r.inertia;
        }
      }),
      fcOpts,
    );
  });

  it('same seed → same result', () => {
    fc.assert(
      fc.property(caseArb, fc.integer(), ({ X, k }, seed) => {
        const a = kmeans(X, { k, nInit: 3, seed });
        const b = kmeans(X, { k, nInit: 3, seed });
        expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
        expect(a.centroids).toEqual(b.centroids);
        expect(a.inertia).toBe(b.inertia);
        expect(a.iterations).toBe(b.iterations);
      }),
      fcOpts,
    );
  });

  it('permuting the rows permutes the labels only (fixed init)', () => {
    fc.assert(
      fc.property(
        caseArb.chain(({ X, k }) => fc.record({ X: fc.constant(X), k: fc.constant(k), perm: fc.shuffledSubarray([...X.keys()], { minLength: X.length, maxLength: X.length }) })),
        ({ X, k, perm }) => {
          const init = X.slice(0, k);
          const a = kmeans(X, { k, init });
          const b = kmeans(
            perm.map((i) => X[i]),
            { k, init },
          );
          expect(Array.from(b.labels)).toEqual(perm.map((i) => a.labels[i]));
          a.centroids.forEach((row, c) => {
            row.forEach((v, j) => {
              expect(b.centroids[c][j]).toBeCloseTo(v, 9);
            });
          });
          expect(b.inertia).toBeCloseTo(a.inertia, 8);
        },
      ),
      fcOpts,
    );
  });
});

describe('kmeans input, options, result', () => {
  const X = [
    [1, 1],
    [1.5, 2],
    [1, 1.5],
    [8, 8],
    [9, 8.5],
    [8.5, 9],
  ];

  it('a { data, nRows, nCols } matrix gives the same result as number[][]', () => {
    const c = F.synthetic[1];
    const flat = { data: Float64Array.from(c.X.flat()), nRows: c.X.length, nCols: c.X[0].length };
    for (const init of ['k-means++', 'random'] as const) {
      const a = kmeans(c.X, { k: 4, init, seed: 5 });
      const b = kmeans(flat, { k: 4, init, seed: 5 });
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(b.centroids).toEqual(a.centroids);
      expect(Array.from(a.predict(flat))).toEqual(Array.from(a.labels));
    }
  });

  it('the result is frozen; predict checks the number of columns', () => {
    const r = kmeans(X, { k: 2 });
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.centroids)).toBe(true);
    expect(Object.isFrozen(r.centroids[0])).toBe(true);
    const err = thrown(() => r.predict([[1, 2, 3]]));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues[0].message).toMatch(/expected 2 columns/);
  });

  it('names the row and column of a non-finite value, and ragged rows', () => {
    const err = thrown(() => kmeans([[1, 2], [3, NaN], [4]], { k: 1 })) as InvalidInputError;
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.issues).toEqual([
      { path: 'X', row: 1, message: 'column 1: expected a finite number, got NaN' },
      { path: 'X', row: 2, message: 'expected an array of 2 numbers (as row 0), got an array of length 1' },
    ]);
    const m = thrown(() => kmeans({ data: Float64Array.from([1, 2, 3, Infinity]), nRows: 2, nCols: 2 }, { k: 1 })) as InvalidInputError;
    expect(m.issues).toEqual([{ path: 'X', row: 1, message: 'column 1: expected a finite number, got Infinity' }]);
    expect(thrown(() => kmeans({ data: new Float64Array(5), nRows: 2, nCols: 2 }, { k: 1 }))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => kmeans([], { k: 1 }))).toBeInstanceOf(InvalidInputError);
  });

  it('needs at least k rows', () => {
    const err = thrown(() => kmeans(X, { k: 7 }));
    expect(err).toBeInstanceOf(NotEnoughDataError);
    expect((err as NotEnoughDataError).required).toBe(7);
    expect((err as NotEnoughDataError).received).toBe(6);
  });

  it('rejects bad options naming options.<path>', () => {
    const paths = (fn: () => unknown): string[] => (thrown(fn) as InvalidInputError).issues.map((i) => i.path);
    expect(paths(() => kmeans(X, { k: 0 }))).toEqual(['options.k']);
    expect(paths(() => kmeans(X, { k: 2, nInit: 1.5 }))).toEqual(['options.nInit']);
    expect(paths(() => kmeans(X, { k: 2, foo: 1 } as never))).toEqual(['options.foo']);
    expect(paths(() => kmeans(X, { k: 2, init: [[0, 0]] }))).toEqual(['options.init']);
    expect(paths(() => kmeans(X, { k: 2, init: [[0, 0], [1]] }))).toEqual(['options.init.1']);
    expect(paths(() => kmeans(X, { k: 2, init: 'kmeans' as never }))).toEqual(['options.init']);
  });

  it('k = 1 and k = n', () => {
    const one = kmeans(X, { k: 1 });
    expect(one.centroids[0][0]).toBeCloseTo(29 / 6, 12);
    expect(Array.from(one.labels)).toEqual([0, 0, 0, 0, 0, 0]);
    const all = kmeans(X, { k: 6 });
    expect(all.inertia).toBe(0);
    expect([...all.sizes]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('duplicate rows (fewer distinct points than k): an empty cluster is re-seeded, no NaN', () => {
    const D = [[0], [0], [0], [5], [5], [5]];
    const r = kmeans(D, { k: 3, init: [[0], [5], [100]] });
    expect(r.centroids.flat().every(Number.isFinite)).toBe(true);
    expect(r.inertia).toBe(0);
  });
});

describe('elbow and Kneedle', () => {
  it('finds k = 3 on three well-separated blobs', () => {
    const X = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [20, 0], [20, 1], [21, 0]];
    const e = elbow(X, { kRange: [1, 6], seed: 0 });
    expect(e.k).toEqual([1, 2, 3, 4, 5, 6]);
    expect(e.inertia[2]).toBeCloseTo(4, 12);
    expect(e.knee).toBe(3);
    const list = elbow(X, { kRange: [1, 2, 3, 5], seed: 0 });
    expect(list.k).toEqual([1, 2, 3, 5]);
    expect(list.inertia).toEqual([e.inertia[0], e.inertia[1], e.inertia[2], e.inertia[4]]);
  });

  it('Kneedle steps: normalise, flip, difference, argmax', () => {
    // y = [100, 30, 15, 10, 8] → flipped normalised [0, .761, .924, .978, 1] − x [0, .25, .5, .75, 1]
    expect(kneedle([1, 2, 3, 4, 5], [100, 30, 15, 10, 8])).toBe(2);
    expect(kneedle([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBeUndefined(); // a straight line
    expect(kneedle([1, 2, 3, 4, 5], [10, 9.9, 9.5, 8, 0])).toBeUndefined(); // concave: no knee
    expect(kneedle([1, 2], [10, 1])).toBeUndefined();
    expect(kneedle([1, 2, 3], [4, 4, 4])).toBeUndefined();
  });

  it('rejects a decreasing range and a non-increasing list', () => {
    const X = [[0], [1], [2], [3]];
    expect((thrown(() => elbow(X, { kRange: [3, 1] })) as InvalidInputError).issues[0].path).toBe('options.kRange');
    expect((thrown(() => elbow(X, { kRange: [1, 3, 2] })) as InvalidInputError).issues[0].path).toBe('options.kRange.2');
    expect(thrown(() => elbow(X, { kRange: [1, 5] }))).toBeInstanceOf(NotEnoughDataError);
  });
});
