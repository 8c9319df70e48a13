import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { createRandom } from '../../src/math/random.js';
import { fitAls, type AlsRecommender } from '../../src/recommend/als.js';
import type { Interaction } from '../../src/recommend/types.js';

/** Solves A x = b (n × n, row-major) by Gaussian elimination with partial pivoting. */
function gaussSolve(A: number[], b: number[], n: number): number[] {
  const M = A.slice();
  const y = b.slice();
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[piv * n + c])) piv = r;
    for (let k = 0; k < n; k++) [M[c * n + k], M[piv * n + k]] = [M[piv * n + k], M[c * n + k]];
    [y[c], y[piv]] = [y[piv], y[c]];
    for (let r = c + 1; r < n; r++) {
      const fct = M[r * n + c] / M[c * n + c];
      for (let k = c; k < n; k++) M[r * n + k] -= fct * M[c * n + k];
      y[r] -= fct * y[c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = y[r];
    for (let k = r + 1; k < n; k++) s -= M[r * n + k] * x[k];
    x[r] = s / M[r * n + r];
  }
  return x;
}

/** Dense R (users × items, 0 = absent) in the model's user/item order. */
function dense(rows: readonly Interaction[], als: AlsRecommender): number[][] {
  const R = als.users.map(() => als.items.map(() => 0));
  for (const r of rows) R[als.users.indexOf(String(r.userId))][als.items.indexOf(String(r.itemId))] += r.value ?? 1;
  return R;
}

/** Exact minimiser over the rows of `X` (n rows) given `Y` (m rows): R is n × m. */
function exactHalf(R: number[][], Y: Float64Array, f: number, lambda: number, alpha: number): Float64Array {
  const out = new Float64Array(R.length * f);
  R.forEach((row, u) => {
    const A = new Array<number>(f * f).fill(0);
    const b = new Array<number>(f).fill(0);
    for (let a = 0; a < f; a++) A[a * f + a] = lambda;
    row.forEach((r, i) => {
      const c = 1 + alpha * r;
      const p = r > 0 ? 1 : 0;
      for (let a = 0; a < f; a++) {
        b[a] += c * p * Y[i * f + a];
        for (let k = 0; k < f; k++) A[a * f + k] += c * Y[i * f + a] * Y[i * f + k];
      }
    });
    out.set(gaussSolve(A, b, f), u * f);
  });
  return out;
}

function bruteLoss(R: number[][], X: Float64Array, Y: Float64Array, f: number, lambda: number, alpha: number): number {
  let L = 0;
  R.forEach((row, u) => {
    row.forEach((r, i) => {
      let s = 0;
      for (let k = 0; k < f; k++) s += X[u * f + k] * Y[i * f + k];
      L += (1 + alpha * r) * ((r > 0 ? 1 : 0) - s) ** 2;
    });
  });
  for (const v of X) L += lambda * v * v;
  for (const v of Y) L += lambda * v * v;
  return L;
}

function transpose(R: number[][]): number[][] {
  return R[0].map((_, i) => R.map((row) => row[i]));
}

const handMade: Interaction[] = [
  { userId: 'a', itemId: 'x', value: 3 },
  { userId: 'a', itemId: 'y', value: 1 },
  { userId: 'b', itemId: 'y', value: 2 },
  { userId: 'b', itemId: 'z', value: 1 },
  { userId: 'c', itemId: 'x', value: 1 },
  { userId: 'c', itemId: 'w', value: 5 },
  { userId: 'd', itemId: 'z', value: 0.5 },
  { userId: 'd', itemId: 'w', value: 1 },
];

/** Two groups: users g1-* like items A*, users g2-* like items B*; each user misses one item of their group. */
function blocks(): Interaction[] {
  const rows: Interaction[] = [];
  for (let u = 0; u < 6; u++) {
    for (let i = 0; i < 5; i++) {
      if (i === u % 5) continue;
      rows.push({ userId: `g1-${u}`, itemId: `A${i}`, value: 1 + ((u + i) % 3) });
      rows.push({ userId: `g2-${u}`, itemId: `B${i}`, value: 1 + ((u * i) % 3) });
    }
  }
  return rows;
}

describe('fitAls', () => {
  it('each half-step equals the exact least-squares solution when cgSteps ≥ factors (Gaussian-elimination oracle)', () => {
    const f = 3;
    const lambda = 0.1;
    const alpha = 2;
    const seed = 7;
    const als = fitAls(handMade, { factors: f, regularization: lambda, alpha, iterations: 1, seed, cgSteps: 20 });
    // Initial factors as documented: X then Y from one generator, 0.01 · normal().
    const rng = createRandom(seed);
    const nu = als.users.length;
    const ni = als.items.length;
    const X0 = new Float64Array(nu * f).map(() => 0.01 * rng.normal());
    const Y0 = new Float64Array(ni * f).map(() => 0.01 * rng.normal());
    expect(X0.length).toBe(12);
    const R = dense(handMade, als);
    const X1 = exactHalf(R, Y0, f, lambda, alpha);
    const Y1 = exactHalf(transpose(R), X1, f, lambda, alpha);
    const X = als.userFactors();
    const Y = als.itemFactors();
    for (let k = 0; k < X.length; k++) expect(X[k]).toBeCloseTo(X1[k], 8);
    for (let k = 0; k < Y.length; k++) expect(Y[k]).toBeCloseTo(Y1[k], 8);
    // The reported loss is the exact objective over all pairs.
    expect(als.loss[0] / bruteLoss(R, X, Y, f, lambda, alpha)).toBeCloseTo(1, 10);
  });

  it('the objective is non-increasing on a hand-made matrix (cgSteps = factors, i.e. exact CG)', () => {
    for (const f of [2, 4]) {
      const als = fitAls(handMade, { factors: f, cgSteps: f, iterations: 12, alpha: 5, regularization: 0.05, seed: 3 });
      expect(als.loss).toHaveLength(12);
      for (let t = 1; t < als.loss.length; t++) expect(als.loss[t]).toBeLessThanOrEqual(als.loss[t - 1] * (1 + 1e-10));
      const R = dense(handMade, als);
      expect(als.loss.at(-1)! / bruteLoss(R, als.userFactors(), als.itemFactors(), f, 0.05, 5)).toBeCloseTo(1, 10);
    }
  });

  it('the objective is non-increasing on random small matrices (fast-check, fixed seed; cgSteps = factors)', () => {
    const entry = fc.record({ u: fc.integer({ min: 0, max: 7 }), i: fc.integer({ min: 0, max: 9 }), v: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (es, f, seed) => {
        const rows = es.map((e) => ({ userId: e.u, itemId: e.i, value: e.v }));
        const als = fitAls(rows, { factors: f, cgSteps: f, iterations: 6, alpha: 10, regularization: 0.1, seed });
        for (let t = 1; t < als.loss.length; t++) {
          if (!(als.loss[t] <= als.loss[t - 1] * (1 + 1e-10) + 1e-12)) return false;
        }
        return true;
      }),
      { seed: 20240801, numRuns: 60 },
    );
  });

  it('same seed → bitwise-identical factors; different seeds differ', () => {
    const rows = blocks();
    const a = fitAls(rows, { factors: 5, iterations: 4, seed: 11 });
    const b = fitAls(rows, { factors: 5, iterations: 4, seed: 11 });
    const c = fitAls(rows, { factors: 5, iterations: 4, seed: 12 });
    expect(Buffer.from(a.userFactors().buffer).equals(Buffer.from(b.userFactors().buffer))).toBe(true);
    expect(Buffer.from(a.itemFactors().buffer).equals(Buffer.from(b.itemFactors().buffer))).toBe(true);
    expect(a.loss).toEqual(b.loss);
    expect(Buffer.from(a.userFactors().buffer).equals(Buffer.from(c.userFactors().buffer))).toBe(false);
  });

  it('recommends the unseen items of the user’s own group on block-structured data', () => {
    const als = fitAls(blocks(), { factors: 4, iterations: 15, seed: 0, alpha: 40 }); // Hu et al.'s α: strong confidence on this tiny log
    for (let u = 0; u < 6; u++) {
      expect(als.recommend(`g1-${u}`, { n: 1 })[0].itemId).toBe(`A${u % 5}`);
      expect(als.recommend(`g2-${u}`, { n: 1 })[0].itemId).toBe(`B${u % 5}`);
    }
    // With as many factors as groups, item vectors of one group point the same way.
    const two = fitAls(blocks(), { factors: 2, iterations: 15, regularization: 1 });
    expect(two.similarItems('A0', { n: 4 }).map((s) => s.id).sort()).toEqual(['A1', 'A2', 'A3', 'A4']);
    expect(two.similarItems('B0', { n: 4 }).map((s) => s.id).sort()).toEqual(['B1', 'B2', 'B3', 'B4']);
  });

  it('recommend: excludes seen items, restricts to candidates, flags cold start; recommendAll; accessors', () => {
    const als = fitAls(blocks(), { factors: 4, iterations: 5 });
    const seen = new Set(['A1', 'A2', 'A3', 'A4']);
    const recs = als.recommend('g1-0', { n: 20 });
    expect(recs).toHaveLength(6);
    for (const r of recs) expect(seen.has(r.itemId)).toBe(false);
    for (let k = 1; k < recs.length; k++) expect(recs[k].score).toBeLessThanOrEqual(recs[k - 1].score);
    expect(als.recommend('g1-0', { n: 20, excludeSeen: false })).toHaveLength(10);
    // score = x_u · y_i
    const x = als.userFactors('g1-0');
    const y = als.itemFactors(recs[0].itemId);
    expect(recs[0].score).toBeCloseTo(x.reduce((s, v, k) => s + v * y[k], 0), 12);
    const cand = als.recommend('g1-0', { candidates: ['B2', 'A1', 'nope', 'A0'] });
    expect(cand.map((r) => r.itemId).sort()).toEqual(['A0', 'B2']);
    const cold = als.recommend('stranger', { n: 3 });
    expect(cold).toHaveLength(3);
    for (const r of cold) expect(r.coldStart).toBe(true);
    expect(cold[0].score).toBe(5); // distinct users per item
    expect(recs.every((r) => r.coldStart === undefined)).toBe(true);
    const all = als.recommendAll({ n: 2 });
    expect(all.size).toBe(12);
    expect(all.get('g1-0')).toEqual(als.recommend('g1-0', { n: 2 }));
    // Copies: mutating them does not touch the model.
    als.userFactors('g1-0').fill(0);
    expect(als.userFactors('g1-0')).toEqual(x);
    expect(als.userFactors().length).toBe(12 * 4);
    expect(() => als.userFactors('nobody')).toThrow(InvalidInputError);
    expect(() => als.similarItems('nobody')).toThrow(/unknown item/);
    expect(als.kind).toBe('als');
    expect(als.iterations).toBe(5);
  });

  it('errors name the option; empty data and negative values are rejected', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ factors: 0 }, 'options.factors'],
      [{ factors: 2.5 }, 'options.factors'],
      [{ regularization: -1 }, 'options.regularization'],
      [{ alpha: -0.5 }, 'options.alpha'],
      [{ iterations: 0 }, 'options.iterations'],
      [{ cgSteps: 0 }, 'options.cgSteps'],
      [{ seed: Number.NaN }, 'options.seed'],
      [{ factor: 3 }, 'options.factor'],
    ];
    for (const [opts, path] of bad) {
      try {
        fitAls(handMade, opts);
        throw new Error('expected a throw');
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidInputError);
        expect((e as InvalidInputError).issues.map((i) => i.path)).toContain(path);
      }
    }
    expect(() => fitAls([])).toThrow(NotEnoughDataError);
    expect(() => fitAls([{ userId: 'a', itemId: 'x', value: -1 }])).toThrow(/must be ≥ 0/);
    const als = fitAls(handMade, { factors: 2, iterations: 1 });
    expect(() => als.recommend('a', { n: 0 })).toThrow(/options\.n/);
  });
});
