import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { fitItemKnn, fitPopularity, fitUserKnn, type KnnSimilarity } from '../../src/recommend/knn.js';
import type { Interaction } from '../../src/recommend/types.js';

/**
 * The hand-worked 4 × 4 rating matrix ('-' = not rated):
 *
 *        A  B  C  D
 *   u1   5  3  -  1
 *   u2   4  -  4  1
 *   u3   1  1  -  5
 *   u4   -  1  5  4
 *
 * Item norms over ALL ratings: ‖A‖² = 25+16+1 = 42, ‖B‖² = 9+1+1 = 11, ‖C‖² = 16+25 = 41,
 * ‖D‖² = 1+1+25+16 = 43. User means: u1 = 9/3 = 3, u2 = 9/3 = 3, u3 = 7/3, u4 = 10/3.
 */
const M: Interaction[] = [
  { userId: 'u1', itemId: 'A', value: 5 },
  { userId: 'u1', itemId: 'B', value: 3 },
  { userId: 'u1', itemId: 'D', value: 1 },
  { userId: 'u2', itemId: 'A', value: 4 },
  { userId: 'u2', itemId: 'C', value: 4 },
  { userId: 'u2', itemId: 'D', value: 1 },
  { userId: 'u3', itemId: 'A', value: 1 },
  { userId: 'u3', itemId: 'B', value: 1 },
  { userId: 'u3', itemId: 'D', value: 5 },
  { userId: 'u4', itemId: 'B', value: 1 },
  { userId: 'u4', itemId: 'C', value: 5 },
  { userId: 'u4', itemId: 'D', value: 4 },
];

// cosine, co-raters of (A, B) = {u1, u3}: (5·3 + 1·1) / (√42 √11) = 16 / √462
const cosAB = 16 / Math.sqrt(42 * 11);
// cosine (A, C), co-rater u2: 4·4 / (√42 √41)
const cosAC = 16 / Math.sqrt(42 * 41);
// cosine (A, D), co-raters u1, u2, u3: (5·1 + 4·1 + 1·5) / (√42 √43) = 14 / √1806
const cosAD = 14 / Math.sqrt(42 * 43);
// cosine (B, C), co-rater u4: 1·5 / (√11 √41); (D, C), co-raters u2, u4: (1·4 + 4·5) / (√43 √41)
const cosBC = 5 / Math.sqrt(11 * 41);
const cosDC = 24 / Math.sqrt(43 * 41);

function issuePath(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInputError) return err.issues[0]?.path;
    throw err;
  }
  return undefined;
}

describe('item similarities (closed forms on the 4 × 4 matrix)', () => {
  it('cosine uses the norms over all of each item’s ratings', () => {
    const knn = fitItemKnn(M);
    expect(knn.similarity('A', 'B')).toBeCloseTo(cosAB, 14); // ≈ 0.744378
    expect(knn.similarity('A', 'D')).toBeCloseTo(cosAD, 14); // ≈ 0.329435
    expect(knn.similarity('A', 'C')).toBeCloseTo(cosAC, 14);
    expect(knn.similarity('A', 'A')).toBe(0);
  });

  it('pearson over co-raters, each item centred by its mean over the co-raters', () => {
    const knn = fitItemKnn(M, { similarity: 'pearson' });
    // (A, B) on {u1, u3}: A = 5, 1 (mean 3) → 2, −2; B = 3, 1 (mean 2) → 1, −1; r = 4 / (√8 √2) = 1
    expect(knn.similarity('A', 'B')).toBeCloseTo(1, 14);
    // (A, D) on {u1, u2, u3}: A = 5, 4, 1 (mean 10/3) → 5/3, 2/3, −7/3; D = 1, 1, 5 (mean 7/3) → −4/3, −4/3, 8/3
    // cov·9 = −20 − 8 − 56 = −84; varA·9 = 25 + 4 + 49 = 78; varD·9 = 16 + 16 + 64 = 96 → r = −84 / √(78·96)
    expect(knn.similarity('A', 'D')).toBeCloseTo(-84 / Math.sqrt(78 * 96), 12); // ≈ −0.970725
    // (A, C) has one co-rater: no variance → 0
    expect(knn.similarity('A', 'C')).toBe(0);
  });

  it('adjusted-cosine centres by each user’s mean, sums over the co-raters', () => {
    const knn = fitItemKnn(M, { similarity: 'adjusted-cosine' });
    // centred: u1: A 2, B 0, D −2; u2: A 1, C 1, D −2; u3: A −4/3, B −4/3, D 8/3; u4: B −7/3, C 5/3, D 2/3
    // (A, B) on {u1, u3}: Σ = 2·0 + 16/9; ΣA² = 4 + 16/9 = 52/9; ΣB² = 16/9 → (16/9) / √(52·16/81) = 4 / √52
    expect(knn.similarity('A', 'B')).toBeCloseTo(4 / Math.sqrt(52), 12); // ≈ 0.554700
    // (A, D) on {u1, u2, u3}: Σ = −4 − 2 − 32/9 = −86/9; ΣA² = 4 + 1 + 16/9 = 61/9; ΣD² = 4 + 4 + 64/9 = 136/9
    expect(knn.similarity('A', 'D')).toBeCloseTo(-86 / Math.sqrt(61 * 136), 12); // ≈ −0.944195
  });

  it('jaccard = |U_i ∩ U_j| / |U_i ∪ U_j|', () => {
    const knn = fitItemKnn(M, { similarity: 'jaccard' });
    expect(knn.similarity('A', 'B')).toBe(2 / 4); // {u1,u3} / {u1,u2,u3,u4}
    expect(knn.similarity('A', 'D')).toBe(3 / 4); // {u1,u2,u3} / {u1,u2,u3,u4}
    expect(knn.similarity('A', 'C')).toBe(1 / 4); // {u2} / {u1,u2,u3,u4}
    expect(knn.similarity('B', 'C')).toBe(1 / 4); // {u4} / {u1,u2,u3,u4}
  });

  it('shrinkage multiplies by n / (n + shrinkage); minSupport zeroes thin pairs', () => {
    const shrunk = fitItemKnn(M, { shrinkage: 2 });
    expect(shrunk.similarity('A', 'B')).toBeCloseTo((cosAB * 2) / (2 + 2), 14); // n_AB = 2
    expect(shrunk.similarity('A', 'D')).toBeCloseTo((cosAD * 3) / (3 + 2), 14); // n_AD = 3
    const thin = fitItemKnn(M, { minSupport: 3 });
    expect(thin.similarity('A', 'B')).toBe(0); // n_AB = 2 < 3
    expect(thin.similarity('A', 'D')).toBeCloseTo(cosAD, 14); // n_AD = 3
    expect(thin.similarItems('A', { n: 10 })).toEqual([{ id: 'D', similarity: thin.similarity('A', 'D') }]);
  });

  it('similarItems keeps the top k positive neighbours, best first', () => {
    const knn = fitItemKnn(M, { k: 2 });
    // A: B 0.744, C 16/√1722 ≈ 0.3856, D 0.3294 → keep B, C
    expect(knn.similarItems('A')).toEqual([
      { id: 'B', similarity: knn.similarity('A', 'B') },
      { id: 'C', similarity: knn.similarity('A', 'C') },
    ]);
    expect(knn.similarItems('A', { n: 1 })).toHaveLength(1);
    // pearson: (A, D) is negative, so it is never a neighbour
    expect(fitItemKnn(M, { similarity: 'pearson' }).similarItems('A', { n: 10 }).map((x) => x.id)).not.toContain('D');
  });

  it('user-kNN similarItems ranks items by the same measure as item-kNN (on demand, unpruned)', () => {
    for (const similarity of ['cosine', 'pearson', 'adjusted-cosine', 'jaccard'] as const) {
      for (const extra of [{}, { shrinkage: 2 }, { minSupport: 2 }]) {
        const users = fitUserKnn(M, { similarity, k: 1, ...extra });
        const items = fitItemKnn(M, { similarity, k: 3, ...extra });
        for (const i of ['A', 'B', 'C', 'D']) expect(users.similarItems(i, { n: 3 })).toEqual(items.similarItems(i, { n: 3 }));
      }
    }
    // closed form: cosine neighbours of A are D (14/√1806 ≈ 0.3294), B (16/√462 ≈ 0.7444), C (16/√1722 ≈ 0.3856)
    expect(fitUserKnn(M).similarItems('A')).toEqual([
      { id: 'B', similarity: cosAB },
      { id: 'C', similarity: cosAC },
      { id: 'D', similarity: cosAD },
    ]);
    expect(issuePath(() => fitUserKnn(M).similarItems('Z'))).toBe('itemId');
  });

  it('user similarities swap the roles: cosine over each user’s full rating vector', () => {
    const knn = fitUserKnn(M);
    // u1 · u2 on {A, D}: 5·4 + 1·1 = 21; ‖u1‖² = 25+9+1 = 35, ‖u2‖² = 16+16+1 = 33
    expect(knn.similarity('u1', 'u2')).toBeCloseTo(21 / Math.sqrt(35 * 33), 14);
    expect(knn.similarity('u2', 'u1')).toBe(knn.similarity('u1', 'u2'));
  });
});

describe('recommend', () => {
  it('item-kNN scores Σ r_ui · sim(i, j) over the user’s items and drops seen items', () => {
    const knn = fitItemKnn(M);
    // u1 has A 5, B 3, D 1; C is the only unseen item
    const expected = 5 * cosAC + 3 * cosBC + 1 * cosDC;
    const recs = knn.recommend('u1');
    expect(recs.map((r) => r.itemId)).toEqual(['C']);
    expect(recs[0].score).toBeCloseTo(expected, 13);
    // not excluding seen: every item, descending
    const all = knn.recommend('u1', { excludeSeen: false });
    expect(all.map((r) => r.itemId).sort()).toEqual(['A', 'B', 'C', 'D']);
    for (let p = 1; p < all.length; p++) expect(all[p - 1].score).toBeGreaterThanOrEqual(all[p].score);
  });

  it('candidates restrict the ranking; unknown candidates are ignored', () => {
    const knn = fitItemKnn(M);
    const recs = knn.recommend('u1', { excludeSeen: false, candidates: ['C', 'A', 'nope'] });
    expect(recs.map((r) => r.itemId).sort()).toEqual(['A', 'C']);
    expect(knn.recommend('u1', { candidates: ['A'] })).toEqual([]); // A is seen
    expect(knn.recommend('u1', { excludeSeen: false, n: 1 })).toHaveLength(1);
  });

  it('user-kNN scores Σ_v sim(u, v) · r_vj over the kept neighbours', () => {
    const knn = fitUserKnn(M);
    // u1's unseen item is C, rated by u2 (4) and u4 (5); sims: u1·u4 on {B, D} = 3 + 4 = 7 / √(35·42)
    const s12 = 21 / Math.sqrt(35 * 33);
    const s14 = 7 / Math.sqrt(35 * 42);
    const recs = knn.recommend('u1');
    expect(recs.map((r) => r.itemId)).toEqual(['C']);
    expect(recs[0].score).toBeCloseTo(s12 * 4 + s14 * 5, 13);
    expect(fitUserKnn(M, { k: 1 }).similarUsers('u1')).toHaveLength(1);
  });

  it('an unknown user gets the popularity list flagged coldStart', () => {
    // distinct users: A 3, B 3, C 2, D 4 → D, A, B (tie with A: A appears first), C
    const expected = [
      { itemId: 'D', score: 4, coldStart: true },
      { itemId: 'A', score: 3, coldStart: true },
      { itemId: 'B', score: 3, coldStart: true },
      { itemId: 'C', score: 2, coldStart: true },
    ];
    expect(fitItemKnn(M).recommend('stranger')).toEqual(expected);
    expect(fitUserKnn(M).recommend('stranger', { n: 2 })).toEqual(expected.slice(0, 2));
    expect(fitPopularity(M).recommend(42, { candidates: ['C', 'B'] })).toEqual([expected[2], expected[3]]);
  });

  it('popularity counts distinct users, ties by first appearance, excludes seen', () => {
    const pop = fitPopularity([...M, { userId: 'u1', itemId: 'A', value: 1 }]); // duplicate pair: still one user
    expect(pop.kind).toBe('popularity');
    expect(pop.popularity()).toEqual(new Map([['A', 3], ['B', 3], ['D', 4], ['C', 2]]));
    expect(pop.recommend('u1')).toEqual([{ itemId: 'C', score: 2 }]);
    expect(pop.recommend('u1', { excludeSeen: false, n: 2 })).toEqual([{ itemId: 'D', score: 4 }, { itemId: 'A', score: 3 }]);
    const all = pop.recommendAll({ n: 1 });
    expect([...all.keys()]).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(all.get('u4')).toEqual([{ itemId: 'A', score: 3 }]);
  });

  it('recommendAll equals recommend per user, and fitting is deterministic', () => {
    for (const fit of [fitItemKnn, fitUserKnn]) {
      const a = fit(M, { similarity: 'adjusted-cosine' });
      const b = fit([...M].reverse(), { similarity: 'adjusted-cosine' });
      const all = a.recommendAll({ excludeSeen: false, n: 3 });
      expect(all.size).toBe(4);
      for (const [u, recs] of all) expect(recs).toEqual(a.recommend(u, { excludeSeen: false, n: 3 }));
      expect(fit(M, { similarity: 'adjusted-cosine' }).recommendAll()).toEqual(a.recommendAll());
      // same scores whatever the input order (ties may only reorder equal scores)
      const sortedScores = (m: Map<string, { score: number }[]>) =>
        [...m.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([, r]) => r.map((x) => x.score.toFixed(10)));
      expect(sortedScores(b.recommendAll({ excludeSeen: false }))).toEqual(sortedScores(a.recommendAll({ excludeSeen: false })));
    }
  });
});

describe('predict', () => {
  it('item-kNN: Σ sim·r / Σ |sim| over the user’s rated neighbours', () => {
    const knn = fitItemKnn(M);
    // u4 rated B 1, C 5, D 4; A's neighbours: B cosAB, C cosAC, D cosAD
    const expected = (1 * cosAB + 5 * cosAC + 4 * cosAD) / (cosAB + cosAC + cosAD);
    expect(knn.predict('u4', 'A')).toBeCloseTo(expected, 13); // ≈ 2.55
  });

  it('user-kNN: Σ sim·r / Σ |sim| over the neighbours who rated the item', () => {
    const knn = fitUserKnn(M);
    // C is rated by u2 (4) and u4 (5) among u1's neighbours
    const s12 = 21 / Math.sqrt(35 * 33);
    const s14 = 7 / Math.sqrt(35 * 42);
    expect(knn.predict('u1', 'C')).toBeCloseTo((4 * s12 + 5 * s14) / (s12 + s14), 13);
  });

  it('falls back to the item’s mean rating when no neighbour applies', () => {
    const data = [
      { userId: 'a', itemId: 'x', value: 3 },
      { userId: 'b', itemId: 'x', value: 4 },
      { userId: 'c', itemId: 'y', value: 5 },
    ];
    expect(fitItemKnn(data).predict('c', 'x')).toBe(3.5); // x and y share no user
    expect(fitUserKnn(data).predict('c', 'x')).toBe(3.5);
  });

  it('unknown users and items are InvalidInputErrors naming the field', () => {
    const knn = fitItemKnn(M);
    expect(() => knn.predict('ghost', 'A')).toThrow(InvalidInputError);
    expect(issuePath(() => knn.predict('ghost', 'A'))).toBe('userId');
    expect(issuePath(() => knn.predict('u1', 'Z'))).toBe('itemId');
    expect(issuePath(() => knn.similarItems('Z'))).toBe('itemId');
    expect(issuePath(() => fitUserKnn(M).predict('ghost', 'A'))).toBe('userId');
    expect(issuePath(() => fitUserKnn(M).similarUsers('ghost'))).toBe('userId');
  });
});

describe('options and input errors', () => {
  it('bad options name options.<field>', () => {
    expect(issuePath(() => fitItemKnn(M, { k: 0 }))).toBe('options.k');
    expect(issuePath(() => fitItemKnn(M, { k: 2.5 }))).toBe('options.k');
    expect(issuePath(() => fitItemKnn(M, { similarity: 'euclid' as KnnSimilarity }))).toBe('options.similarity');
    expect(issuePath(() => fitUserKnn(M, { shrinkage: -1 }))).toBe('options.shrinkage');
    expect(issuePath(() => fitItemKnn(M, { minSupport: 0 }))).toBe('options.minSupport');
    expect(issuePath(() => fitItemKnn(M, { kk: 3 } as never))).toBe('options.kk');
    expect(issuePath(() => fitPopularity(M, { duplicates: 'first' } as never))).toBe('options.duplicates');
    expect(issuePath(() => fitItemKnn(M).recommend('u1', { n: 0 }))).toBe('options.n');
    expect(issuePath(() => fitPopularity(M).recommendAll({ excludeSeen: 'yes' } as never))).toBe('options.excludeSeen');
    expect(issuePath(() => fitItemKnn(M).similarItems('A', { n: -1 }))).toBe('options.n');
  });

  it('no interactions is NotEnoughDataError; bad rows are InvalidInputError', () => {
    expect(() => fitItemKnn([])).toThrow(NotEnoughDataError);
    expect(() => fitPopularity([])).toThrow(NotEnoughDataError);
    expect(issuePath(() => fitUserKnn([{ userId: 'a', itemId: 'x', value: Number.NaN }]))).toBe('value');
    expect(() => fitItemKnn([...M, M[0]], { duplicates: 'error' })).toThrow(InvalidInputError);
  });
});

describe('properties (fast-check, seed 42)', () => {
  const sims: KnnSimilarity[] = ['cosine', 'pearson', 'adjusted-cosine', 'jaccard'];
  const ratings = (min: number, max: number) =>
    fc.array(
      fc.record({
        userId: fc.integer({ min: 0, max: 5 }),
        itemId: fc.integer({ min: 0, max: 6 }),
        value: fc.double({ min, max, noNaN: true }),
      }),
      { minLength: 1, maxLength: 30 },
    );
  const knnOpts = fc.record({
    similarity: fc.constantFrom(...sims),
    shrinkage: fc.constantFrom(0, 0.5, 3),
    minSupport: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 8 }),
  });

  it('similarities are symmetric and in [−1, 1]; cosine and jaccard in [0, 1] for non-negative data', () => {
    fc.assert(
      fc.property(ratings(-5, 5), ratings(0, 5), knnOpts, (signed, nonNeg, opts) => {
        for (const data of [signed, nonNeg]) {
          for (const fit of [fitItemKnn, fitUserKnn]) {
            const knn = fit(data, { ...opts, duplicates: 'max' });
            const ids = [...new Set(data.map((r) => (fit === fitItemKnn ? r.itemId : r.userId)))];
            for (const a of ids) {
              for (const b of ids) {
                const s = knn.similarity(a, b);
                expect(s).toBe(knn.similarity(b, a));
                expect(Math.abs(s)).toBeLessThanOrEqual(1);
                if (data === nonNeg && (opts.similarity === 'cosine' || opts.similarity === 'jaccard')) expect(s).toBeGreaterThanOrEqual(0);
              }
            }
          }
        }
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('neighbour lists are the top k of similarity() over all others, positive only, ties → first seen (brute force)', () => {
    fc.assert(
      fc.property(ratings(-5, 5), knnOpts, (data, opts) => {
        const items = fitItemKnn(data, opts);
        const users = fitUserKnn(data, opts);
        const check = (ids: number[], sim: (a: number, b: number) => number, list: (a: number) => { id: string; similarity: number }[]) => {
          for (const a of ids) {
            const expected = ids
              .map((b, order) => ({ b, order, s: b === a ? 0 : sim(a, b) }))
              .filter((x) => x.s > 0)
              .sort((x, y) => y.s - x.s || x.order - y.order)
              .slice(0, opts.k)
              .map((x) => ({ id: String(x.b), similarity: x.s }));
            expect(list(a)).toEqual(expected);
          }
        };
        check([...new Set(data.map((r) => r.itemId))], (a, b) => items.similarity(a, b), (a) => items.similarItems(a, { n: 100 }));
        check([...new Set(data.map((r) => r.userId))], (a, b) => users.similarity(a, b), (a) => users.similarUsers(a, { n: 100 }));
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('neighbour lists are positive, at most k long and sorted descending; recommendations too, without seen items', () => {
    fc.assert(
      fc.property(ratings(-5, 5), knnOpts, (data, opts) => {
        const items = fitItemKnn(data, opts);
        const users = fitUserKnn(data, opts);
        for (const r of data) {
          const nb = items.similarItems(r.itemId, { n: 100 });
          const nu = users.similarUsers(r.userId, { n: 100 });
          for (const list of [nb, nu]) {
            expect(list.length).toBeLessThanOrEqual(opts.k);
            for (let p = 0; p < list.length; p++) {
              expect(list[p].similarity).toBeGreaterThan(0);
              if (p > 0) expect(list[p - 1].similarity).toBeGreaterThanOrEqual(list[p].similarity);
            }
          }
          const seen = new Set(data.filter((x) => x.userId === r.userId).map((x) => String(x.itemId)));
          for (const rec of [items, users]) {
            const recs = rec.recommend(r.userId, { n: 5 });
            expect(recs.length).toBeLessThanOrEqual(5);
            for (let p = 0; p < recs.length; p++) {
              expect(seen.has(recs[p].itemId)).toBe(false);
              if (p > 0) expect(recs[p - 1].score).toBeGreaterThanOrEqual(recs[p].score);
            }
          }
        }
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});
