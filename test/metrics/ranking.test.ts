import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import {
  averagePrecisionAtK,
  catalogCoverage,
  f1AtK,
  hitRateAtK,
  mapAtK,
  ndcgAtK,
  novelty,
  precisionAtK,
  recallAtK,
  type RankingResult,
} from '../../src/metrics/ranking.js';

/** The InvalidInputError `fn` throws (fails the test when it throws anything else or nothing). */
function invalid(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return err as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError, nothing was thrown');
}

const L2 = Math.log2;

describe('hand-worked example: recommended [a,b,c,d,e], relevant {a,c,f}, k = 5', () => {
  // Hits at ranks 1 (a) and 3 (c); f is relevant but not recommended.
  const rec = [['a', 'b', 'c', 'd', 'e']];
  const rel = [new Set(['a', 'c', 'f'])];

  it('P@5 = 2/5, R@5 = 2/3, F1 = 2·(2/5)(2/3)/(2/5 + 2/3) = 1/2, hit = 1', () => {
    expect(precisionAtK(rec, rel, { k: 5 }).mean).toBe(2 / 5);
    expect(recallAtK(rec, rel, { k: 5 }).mean).toBe(2 / 3);
    expect(f1AtK(rec, rel, { k: 5 }).mean).toBeCloseTo(((2 * (2 / 5) * (2 / 3)) / (2 / 5 + 2 / 3)), 15);
    expect(f1AtK(rec, rel, { k: 5 }).mean).toBeCloseTo(0.5, 15);
    expect(hitRateAtK(rec, rel, { k: 5 }).mean).toBe(1);
  });

  it('AP@5 = (P@1·1 + P@3·1) / min(5, 3) = (1/1 + 2/3) / 3 (ml_metrics apk normaliser)', () => {
    expect(averagePrecisionAtK(rec, rel, { k: 5 }).mean).toBeCloseTo((1 / 1 + 2 / 3) / 3, 15);
    expect(mapAtK(rec, rel, { k: 5 }).mean).toBeCloseTo(5 / 9, 15);
  });

  it('NDCG@5 (binary) = (1/log2 2 + 1/log2 4) / (1/log2 2 + 1/log2 3 + 1/log2 4)', () => {
    const expected = (1 / L2(2) + 1 / L2(4)) / (1 / L2(2) + 1 / L2(3) + 1 / L2(4));
    expect(ndcgAtK(rec, rel, { k: 5 }).mean).toBeCloseTo(expected, 15);
    // binary relevance: exponential and linear gain coincide (2^1 − 1 = 1)
    expect(ndcgAtK(rec, rel, { k: 5, gain: 'linear' }).mean).toBeCloseTo(expected, 15);
    expect(expected).toBeCloseTo(0.7039180890341347, 15);
  });

  it('k = 2: top [a,b] → P@2 = 1/2, R@2 = 1/3, AP@2 = (1/1)/min(2,3) = 1/2, NDCG@2 = 1/(1 + 1/log2 3)', () => {
    expect(precisionAtK(rec, rel, { k: 2 }).mean).toBe(1 / 2);
    expect(recallAtK(rec, rel, { k: 2 }).mean).toBe(1 / 3);
    expect(averagePrecisionAtK(rec, rel, { k: 2 }).mean).toBe(1 / 2);
    expect(ndcgAtK(rec, rel, { k: 2 }).mean).toBeCloseTo(1 / (1 + 1 / L2(3)), 15);
  });

  it('k = 10 > list length: P@10 divides by k (2/10), AP@10 by min(10, 3)', () => {
    expect(precisionAtK(rec, rel, { k: 10 }).mean).toBe(2 / 10);
    expect(recallAtK(rec, rel, { k: 10 }).mean).toBe(2 / 3);
    expect(averagePrecisionAtK(rec, rel, { k: 10 }).mean).toBeCloseTo((1 + 2 / 3) / 3, 15);
  });

  it('relevant as an array (with a duplicate) ≡ relevant as a Set', () => {
    const asArray = [['a', 'c', 'f', 'c']];
    expect(recallAtK(rec, asArray, { k: 5 }).mean).toBe(2 / 3);
    expect(ndcgAtK(rec, asArray, { k: 5 }).mean).toBe(ndcgAtK(rec, rel, { k: 5 }).mean);
  });
});

describe('users: which are averaged', () => {
  // ann: 1 hit of 2 in top 2; bob: no list (missing from recommended) → 0; cy: no relevant item →
  // skipped; dan: only in recommended → ignored.
  const rec = new Map([
    ['ann', ['a', 'b', 'c']],
    ['dan', ['a']],
  ]);
  const rel = new Map<string, ReadonlySet<string>>([
    ['ann', new Set(['b', 'z'])],
    ['bob', new Set(['a'])],
    ['cy', new Set()],
  ]);

  it('missing list → score 0; no relevant item → NaN, skipped, not averaged; only-recommended users ignored', () => {
    const r = precisionAtK(rec, rel, { k: 2 });
    expect([...r.perUser.keys()]).toEqual(['ann', 'bob', 'cy']);
    expect(r.perUser.get('ann')).toBe(1 / 2);
    expect(r.perUser.get('bob')).toBe(0);
    expect(r.perUser.get('cy')).toBeNaN();
    expect(r.mean).toBe((1 / 2 + 0) / 2);
    expect(r.evaluatedUsers).toBe(2);
    expect(r.skippedUsers).toBe(1);
  });

  it('array form: holes (undefined) in relevant are skipped users, a shorter recommended array means empty lists', () => {
    const r = recallAtK([['x', 'y']], [new Set(['y']), undefined, ['q']], { k: 2 });
    expect(r.perUser).toBeInstanceOf(Float64Array);
    expect([...r.perUser]).toEqual([1, NaN, 0]);
    expect(r.mean).toBe(0.5);
    expect(r.skippedUsers).toBe(1);
  });

  it('graded relevance: gain 0 is not relevant; a user with only zero gains is skipped', () => {
    const graded = [new Map([['a', 2], ['b', 0]]), new Map([['c', 0]])];
    const r = precisionAtK([['a', 'b'], ['c']], graded, { k: 2 });
    expect([...r.perUser]).toEqual([1 / 2, NaN]);
    expect(recallAtK([['a', 'b']], graded.slice(0, 1), { k: 2 }).mean).toBe(1); // |relevant| = 1 (b has gain 0)
  });

  it('no user with a relevant item → NotEnoughDataError', () => {
    expect(() => precisionAtK([['a']], [new Set()], { k: 1 })).toThrow(NotEnoughDataError);
    expect(() => ndcgAtK(new Map(), new Map(), { k: 1 })).toThrow(NotEnoughDataError);
  });

  it('items are compared as a Set compares them: numbers, NaN, objects by identity', () => {
    const o = { id: 1 };
    expect(precisionAtK([[1, NaN, 3]], [new Set([NaN, 3])], { k: 3 }).mean).toBe(2 / 3);
    expect(precisionAtK([[o, { id: 1 }]], [new Set([o])], { k: 2 }).mean).toBe(1 / 2);
  });
});

describe('individual metrics: more hand-worked cases', () => {
  it('F1 = 0 without a hit; F1 with P = 1/3, R = 1/2 → 2·(1/6)/(5/6) = 2/5', () => {
    const r = f1AtK([['x', 'y', 'z'], ['a', 'x', 'y']], [new Set(['a']), new Set(['a', 'b'])], { k: 3 });
    expect(r.perUser[0]).toBe(0);
    expect(r.perUser[1]).toBeCloseTo(2 / 5, 15);
  });

  it('hit rate: hit beyond k does not count', () => {
    const r = hitRateAtK([['x', 'a'], ['a']], [['a'], ['a']], { k: 1 });
    expect([...r.perUser]).toEqual([0, 1]);
    expect(r.mean).toBe(0.5);
  });

  it('AP@3 with more relevant items than k: hits at 1, 2 → (1/1 + 2/2) / min(3, 5) = 2/3', () => {
    const r = averagePrecisionAtK([['a', 'b', 'x']], [['a', 'b', 'c', 'd', 'e']], { k: 3 });
    expect(r.mean).toBeCloseTo(2 / 3, 15);
  });

  it('AP@4: hits at ranks 2 and 4 of 2 relevant → (1/2 + 2/4) / 2 = 1/2', () => {
    expect(averagePrecisionAtK([['x', 'a', 'y', 'b']], [['a', 'b']], { k: 4 }).mean).toBe(1 / 2);
  });

  it('NDCG binary with more relevant than k: IDCG over k slots only', () => {
    // top 2 = [x, a], 4 relevant: DCG = 1/log2 3; IDCG = 1/log2 2 + 1/log2 3
    const r = ndcgAtK([['x', 'a', 'b']], [['a', 'b', 'c', 'd']], { k: 2 });
    expect(r.mean).toBeCloseTo(1 / L2(3) / (1 + 1 / L2(3)), 15);
  });

  describe('NDCG graded: recommended [a, x, c, b], gains {a: 3, b: 3, c: 2, d: 1}, k = 4', () => {
    const rec = new Map([['u', ['a', 'x', 'c', 'b']]]);
    const rel = new Map([['u', new Map([['a', 3], ['b', 3], ['c', 2], ['d', 1]])]]);

    it('exponential gain (default), textbook formula: gains 2^rel − 1 = 7, 0, 3, 7; ideal 7, 7, 3, 1', () => {
      const dcg = 7 / L2(2) + 0 / L2(3) + 3 / L2(4) + 7 / L2(5);
      const idcg = 7 / L2(2) + 7 / L2(3) + 3 / L2(4) + 1 / L2(5);
      expect(ndcgAtK(rec, rel, { k: 4 }).mean).toBeCloseTo(dcg / idcg, 14);
      expect(ndcgAtK(rec, rel, { k: 4, gain: 'exponential' }).mean).toBeCloseTo(dcg / idcg, 14);
    });

    it('linear gain, textbook formula and scikit-learn 1.2.1 ndcg_score', () => {
      const dcg = 3 / L2(2) + 0 / L2(3) + 2 / L2(4) + 3 / L2(5);
      const idcg = 3 / L2(2) + 3 / L2(3) + 2 / L2(4) + 1 / L2(5);
      const r = ndcgAtK(rec, rel, { k: 4, gain: 'linear' });
      expect(r.mean).toBeCloseTo(dcg / idcg, 14);
      // Items (a, b, c, d, x), gains (3, 3, 2, 1, 0), scores ranking a > x > c > b > d:
      // /usr/bin/python3 -c "from sklearn.metrics import ndcg_score; print(repr(ndcg_score([[3, 3, 2, 1, 0]], [[5, 2, 3, 1, 4]], k=4)))"
      // → 0.8368875274848379
      expect(r.mean).toBeCloseTo(0.8368875274848379, 14);
    });

    it('k = 3 linear, scikit-learn: items (a, b, c), gains (3, 3, 2), ranking a > c > b', () => {
      // /usr/bin/python3 -c "from sklearn.metrics import ndcg_score; print(repr(ndcg_score([[3, 3, 2]], [[3, 1, 2]], k=3)))"
      // → 0.9777813616305048; by hand (3 + 2/log2 3 + 3/log2 4) / (3 + 3/log2 3 + 2/log2 4)
      const r = ndcgAtK([['a', 'c', 'b']], [new Map([['a', 3], ['b', 3], ['c', 2]])], { k: 3, gain: 'linear' });
      expect(r.mean).toBeCloseTo(0.9777813616305048, 14);
      expect(r.mean).toBeCloseTo((3 + 2 / L2(3) + 3 / L2(4)) / (3 + 3 / L2(3) + 2 / L2(4)), 14);
    });
  });

  it('catalogue coverage: top-2 of [a,b,c], [a,d,e], [] → {a, b, d} of 6', () => {
    const rec = [['a', 'b', 'c'], ['a', 'd', 'e'], []];
    const c = catalogCoverage(rec, { k: 2, catalog: new Set(['a', 'b', 'c', 'd', 'e', 'f']) });
    expect(c).toEqual({ coverage: 3 / 6, distinctItems: 3, catalogSize: 6 });
    expect(catalogCoverage(new Map([['u', ['a', 'b', 'c']]]), { k: 3, catalog: 4 }).coverage).toBe(3 / 4);
    expect(catalogCoverage(rec, { k: 3, catalog: ['a', 'b', 'c', 'd', 'e', 'e'] }).coverage).toBe(1); // catalogue deduplicated
  });

  it('novelty: counts out of 8 users → −log2(count / 8); probabilities give the same', () => {
    // ann: a (4/8) b (2/8) → (1 + 2)/2 = 1.5; bob: c (1/8) → 3; cy: empty → skipped
    const counts = new Map([['a', 4], ['b', 2], ['c', 1], ['d', 8]]);
    const rec = new Map([['ann', ['a', 'b', 'd']], ['bob', ['c']], ['cy', []]]);
    const r = novelty(rec, { k: 2, popularity: counts, users: 8 });
    expect([...r.perUser]).toEqual([['ann', 1.5], ['bob', 3], ['cy', NaN]]);
    expect(r.mean).toBe(2.25);
    expect(r.skippedUsers).toBe(1);
    const probs = new Map([...counts].map(([item, c]) => [item, c / 8]));
    expect(novelty(rec, { k: 2, popularity: probs }).mean).toBe(2.25);
    // d was seen by every user: self-information 0
    expect(novelty([['d']], { k: 1, popularity: counts, users: 8 }).mean).toBe(0);
  });
});

describe('errors name the user and position, or the option', () => {
  it('a repeated item: user and position, in both forms', () => {
    let e = invalid(() => precisionAtK([['a', 'b'], ['c', 'd', 'c']], [['a'], ['c']], { k: 3 }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ path: 'recommended[1][2]', row: 1 });
    expect(e.issues[0]?.message).toMatch(/user 1, position 2: item "c" is already at position 0/);
    e = invalid(() => ndcgAtK(new Map([['ann', ['a', 'a']]]), new Map([['ann', ['a']]]), { k: 2 }));
    expect(e.issues[0]?.path).toBe('recommended["ann"][1]');
    expect(e.message).toMatch(/user "ann", position 1/);
  });

  it('a repeated item beyond k is not read, so not an error; a large k uses the Set-based check', () => {
    expect(precisionAtK([['a', 'b', 'a']], [['a']], { k: 2 }).mean).toBe(1 / 2);
    const long = Array.from({ length: 40 }, (_, i) => i);
    long[39] = 3;
    const e = invalid(() => recallAtK([long], [[3]], { k: 40 }));
    expect(e.issues[0]).toMatchObject({ path: 'recommended[0][39]', row: 0 });
    expect(e.issues[0]?.message).toMatch(/already at position 3/);
  });

  it('undefined / null items, non-array lists, malformed relevance', () => {
    expect(invalid(() => hitRateAtK([['a', undefined as unknown as string]], [['a']], { k: 2 })).issues[0]?.path).toBe(
      'recommended[0][1]',
    );
    expect(invalid(() => hitRateAtK([['a', null as unknown as string]], [['a']], { k: 2 })).issues[0]?.path).toBe('recommended[0][1]');
    expect(invalid(() => hitRateAtK(new Map([['u', 'ab' as unknown as string[]]]), new Map([['u', ['a']]]), { k: 2 })).issues[0]?.path).toBe(
      'recommended["u"]',
    );
    expect(invalid(() => hitRateAtK([['a']], [42 as unknown as string[]], { k: 1 })).issues[0]?.path).toBe('relevant[0]');
  });

  it('graded gains: negative, non-finite, or too large for 2^gain', () => {
    const rec = [['a']];
    let e = invalid(() => ndcgAtK(rec, [new Map([['a', -1]])], { k: 1 }));
    expect(e.issues[0]).toMatchObject({ path: 'relevant[0]', row: 0 });
    expect(e.issues[0]?.message).toMatch(/item "a": expected a finite gain ≥ 0/);
    expect(invalid(() => ndcgAtK(rec, [new Map([['a', NaN]])], { k: 1 })).issues[0]?.path).toBe('relevant[0]');
    e = invalid(() => ndcgAtK(rec, [new Map([['a', 2000]])], { k: 1 }));
    expect(e.issues[0]?.message).toMatch(/≤ 1023/);
    expect(ndcgAtK(rec, [new Map([['a', 2000]])], { k: 1, gain: 'linear' }).mean).toBe(1);
  });

  it('k must be a positive integer; unknown options and bad gain are named', () => {
    for (const k of [0, -1, 1.5, NaN, Infinity, '3']) {
      const e = invalid(() => precisionAtK([['a']], [['a']], { k } as never));
      expect(e.issues[0]?.path).toBe('options.k');
    }
    expect(invalid(() => recallAtK([['a']], [['a']], undefined as never)).issues[0]?.path).toBe('options.k');
    expect(invalid(() => f1AtK([['a']], [['a']], { k: 1, kk: 2 } as never)).issues[0]?.path).toBe('options.kk');
    expect(invalid(() => ndcgAtK([['a']], [['a']], { k: 1, gain: 'log' } as never)).issues[0]?.path).toBe('options.gain');
  });

  it('mixed or wrong input forms are named', () => {
    expect(invalid(() => precisionAtK([['a']] as never, new Map([[0, ['a']]]) as never, { k: 1 })).issues[0]?.path).toBe('relevant');
    expect(invalid(() => precisionAtK('ab' as never, [['a']], { k: 1 })).issues[0]?.path).toBe('recommended');
    expect(invalid(() => catalogCoverage({} as never, { k: 1, catalog: 3 })).issues[0]?.path).toBe('recommended');
  });

  it('catalogue coverage: item outside the catalogue, empty or too small catalogue, bad catalog option', () => {
    let e = invalid(() => catalogCoverage(new Map([['u', ['a', 'z']]]), { k: 2, catalog: ['a', 'b'] }));
    expect(e.issues[0]).toEqual({ path: 'recommended["u"][1]', message: 'user "u", position 1: item "z" is not in options.catalog' });
    expect(invalid(() => catalogCoverage([['a']], { k: 1, catalog: [] })).issues[0]?.path).toBe('options.catalog');
    e = invalid(() => catalogCoverage([['a', 'b', 'c']], { k: 3, catalog: 2 }));
    expect(e.issues[0]?.path).toBe('options.catalog');
    expect(e.issues[0]?.message).toMatch(/3 distinct items/);
    expect(invalid(() => catalogCoverage([['a']], { k: 1, catalog: 0 })).issues[0]?.path).toBe('options.catalog');
    expect(invalid(() => catalogCoverage([['a']], { k: 1, catalog: 'abc' } as never)).issues[0]?.path).toBe('options.catalog');
    expect(invalid(() => catalogCoverage([['a', 'a']], { k: 2, catalog: 3 })).issues[0]?.path).toBe('recommended[0][1]');
  });

  it('novelty: unknown or zero-popularity item (user, position), bad popularity values, missing users', () => {
    const counts = new Map([['a', 3], ['b', 0]]);
    let e = invalid(() => novelty([['a', 'z']], { k: 2, popularity: counts, users: 5 }));
    expect(e.issues[0]).toMatchObject({ path: 'recommended[0][1]', row: 0 });
    expect(e.issues[0]?.message).toMatch(/"z" is not in options.popularity/);
    e = invalid(() => novelty(new Map([['u', ['b']]]), { k: 1, popularity: counts, users: 5 }));
    expect(e.issues[0]?.path).toBe('recommended["u"][0]');
    expect(e.issues[0]?.message).toMatch(/popularity 0.*smooth/);
    // counts passed without users: named, with the hint
    e = invalid(() => novelty([['a']], { k: 1, popularity: counts }));
    expect(e.issues[0]?.path).toBe('options.popularity');
    expect(e.issues[0]?.message).toMatch(/item "a".*options.users/);
    e = invalid(() => novelty([['a']], { k: 1, popularity: new Map([['a', 9]]), users: 5 }));
    expect(e.issues[0]?.message).toMatch(/a count in \[0, 5\]/);
    expect(invalid(() => novelty([['a']], { k: 1, popularity: { a: 1 } } as never)).issues[0]?.path).toBe('options.popularity');
    expect(invalid(() => novelty([['a']], { k: 1, popularity: counts, users: 0 })).issues[0]?.path).toBe('options.users');
    expect(() => novelty([[], undefined as unknown as string[]], { k: 1, popularity: counts, users: 5 })).toThrow(NotEnoughDataError);
  });

  it('collects every bad position, not just the first', () => {
    const e = invalid(() => precisionAtK([['a', 'a'], ['b', 'b'], ['c', 'c']], [['a'], ['b'], ['c']], { k: 2 }));
    expect(e.issueCount).toBe(3);
    expect(e.issues.map((i) => i.path)).toEqual(['recommended[0][1]', 'recommended[1][1]', 'recommended[2][1]']);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Obvious per-user definitions, used as an oracle. */
const naive = {
  hits: (list: readonly number[], rel: ReadonlySet<number>, k: number): number => list.slice(0, k).filter((x) => rel.has(x)).length,
  ap(list: readonly number[], rel: ReadonlySet<number>, k: number): number {
    let s = 0;
    for (let i = 1; i <= Math.min(k, list.length); i++) if (rel.has(list[i - 1])) s += naive.hits(list, rel, i) / i;
    return s / Math.min(k, rel.size);
  },
  ndcg(list: readonly number[], gains: ReadonlyMap<number, number>, k: number, g: (x: number) => number): number {
    const dcg = list.slice(0, k).reduce((s, x, i) => s + g(gains.get(x) ?? 0) / Math.log2(i + 2), 0);
    const ideal = [...gains.values()].sort((a, b) => b - a).slice(0, k);
    return dcg / ideal.reduce((s, x, i) => s + g(x) / Math.log2(i + 2), 0);
  },
};

/** Users: a list of distinct item ids from 0..19 and a non-empty set of relevant ids. */
const userArb = fc.record({
  list: fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { maxLength: 12 }),
  rel: fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { minLength: 1, maxLength: 8 }),
});
const usersArb = fc.array(userArb, { minLength: 1, maxLength: 12 });
const kArb = fc.integer({ min: 1, max: 15 });

type Metric = (rec: readonly (readonly number[])[], rel: readonly ReadonlySet<number>[], o: { k: number }) => RankingResult<Float64Array>;
const metrics: [string, Metric][] = [
  ['precisionAtK', precisionAtK],
  ['recallAtK', recallAtK],
  ['f1AtK', f1AtK],
  ['hitRateAtK', hitRateAtK],
  ['averagePrecisionAtK', averagePrecisionAtK],
  ['ndcgAtK', ndcgAtK],
];

describe('properties (fast-check, fixed seeds)', () => {
  it('every accuracy metric is in [0, 1], per user and on average, and matches the naive definition', () => {
    fc.assert(
      fc.property(usersArb, kArb, (users, k) => {
        const rec = users.map((u) => u.list);
        const rel = users.map((u) => new Set(u.rel));
        for (const [, m] of metrics) {
          const r = m(rec, rel, { k });
          expect(r.mean).toBeGreaterThanOrEqual(0);
          expect(r.mean).toBeLessThanOrEqual(1);
          for (const v of r.perUser) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        }
        const p = precisionAtK(rec, rel, { k }).perUser;
        const rc = recallAtK(rec, rel, { k }).perUser;
        const ap = averagePrecisionAtK(rec, rel, { k }).perUser;
        const nd = ndcgAtK(rec, rel, { k }).perUser;
        users.forEach((u, i) => {
          const h = naive.hits(u.list, rel[i], k);
          expect(p[i]).toBe(h / k);
          expect(rc[i]).toBe(h / rel[i].size);
          expect(ap[i]).toBeCloseTo(naive.ap(u.list, rel[i], k), 12);
          expect(nd[i]).toBeCloseTo(naive.ndcg(u.list, new Map(u.rel.map((x) => [x, 1])), k, (x) => x), 12);
        });
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('graded NDCG matches the naive definition for both gains, and lies in [0, 1]', () => {
    const gradedUser = fc.record({
      list: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 10 }),
      gains: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 5 })), {
        minLength: 1,
        maxLength: 8,
        selector: (t) => t[0],
      }),
    });
    fc.assert(
      fc.property(fc.array(gradedUser, { minLength: 1, maxLength: 8 }), kArb, (users, k) => {
        const rec = users.map((u) => u.list);
        const rel = users.map((u) => new Map(u.gains));
        for (const gain of ['exponential', 'linear'] as const) {
          const g = gain === 'linear' ? (x: number): number => x : (x: number): number => 2 ** x - 1;
          const r = ndcgAtK(rec, rel, { k, gain });
          users.forEach((_, i) => {
            expect(r.perUser[i]).toBeCloseTo(naive.ndcg(rec[i], rel[i], k, g), 12);
            expect(r.perUser[i]).toBeGreaterThanOrEqual(0);
            expect(r.perUser[i]).toBeLessThanOrEqual(1);
          });
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('a perfect ranking (relevant items first) → NDCG 1, AP 1, P@k = min(k, |rel|)/k, hit rate 1', () => {
    fc.assert(
      fc.property(usersArb, kArb, fc.uniqueArray(fc.integer({ min: 100, max: 120 }), { maxLength: 5 }), (users, k, filler) => {
        const rec = users.map((u) => [...u.rel, ...filler]);
        const rel = users.map((u) => new Set(u.rel));
        const nd = ndcgAtK(rec, rel, { k });
        const ap = averagePrecisionAtK(rec, rel, { k });
        const p = precisionAtK(rec, rel, { k });
        expect(nd.mean).toBe(1);
        expect(ap.mean).toBe(1);
        expect(hitRateAtK(rec, rel, { k }).mean).toBe(1);
        users.forEach((u, i) => {
          expect(p.perUser[i]).toBe(Math.min(k, u.rel.length) / k);
        });
        // graded: items ordered by decreasing gain
        const graded = users.map((u) => new Map(u.rel.map((x, j) => [x, u.rel.length - j])));
        expect(ndcgAtK(rec, graded, { k }).mean).toBe(1);
        expect(ndcgAtK(rec, graded, { k, gain: 'linear' }).mean).toBe(1);
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('recall@k is non-decreasing in k; precision@k ≤ 1; hit rate non-decreasing in k', () => {
    fc.assert(
      fc.property(usersArb, (users) => {
        const rec = users.map((u) => u.list);
        const rel = users.map((u) => new Set(u.rel));
        let prev = recallAtK(rec, rel, { k: 1 });
        let prevHit = hitRateAtK(rec, rel, { k: 1 });
        for (let k = 2; k <= 14; k++) {
          const cur = recallAtK(rec, rel, { k });
          const hit = hitRateAtK(rec, rel, { k });
          for (let i = 0; i < users.length; i++) {
            expect(cur.perUser[i]).toBeGreaterThanOrEqual(prev.perUser[i]);
            expect(hit.perUser[i]).toBeGreaterThanOrEqual(prevHit.perUser[i]);
          }
          expect(cur.mean).toBeGreaterThanOrEqual(prev.mean - 1e-15);
          expect(precisionAtK(rec, rel, { k }).mean).toBeLessThanOrEqual(1);
          prev = cur;
          prevHit = hit;
        }
      }),
      { seed: 3, numRuns: 150 },
    );
  });

  it('Map input ≡ array input (same scores, keyed by user), for every metric', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(userArb, { nil: undefined }), { minLength: 1, maxLength: 10 }),
        kArb,
        (maybeUsers, k) => {
          if (maybeUsers.every((u) => u === undefined)) return;
          const recArr = maybeUsers.map((u) => u?.list);
          const relArr = maybeUsers.map((u) => (u === undefined ? undefined : new Set(u.rel)));
          const recMap = new Map<string, number[]>();
          const relMap = new Map<string, Set<number>>();
          maybeUsers.forEach((u, i) => {
            if (u === undefined) return;
            if (i % 3 !== 0) recMap.set(`u${i}`, u.list); // some users missing from recommended
            relMap.set(`u${i}`, new Set(u.rel));
          });
          for (let i = 0; i < recArr.length; i++) if (i % 3 === 0) recArr[i] = undefined;
          for (const [, m] of [...metrics, ['ndcgLinear', (a, b, o) => ndcgAtK(a, b, { ...o, gain: 'linear' })] as [string, Metric]]) {
            const a = m(recArr as never, relArr as never, { k });
            const b = (m as unknown as (x: unknown, y: unknown, o: { k: number }) => RankingResult<Map<string, number>>)(recMap, relMap, { k });
            expect(b.mean).toBe(a.mean);
            expect(b.evaluatedUsers).toBe(a.evaluatedUsers);
            expect(b.skippedUsers).toBe(0);
            maybeUsers.forEach((u, i) => {
              if (u === undefined) expect(a.perUser[i]).toBeNaN();
              else expect(b.perUser.get(`u${i}`)).toBe(a.perUser[i]);
            });
          }
          if (maybeUsers.every((u) => u === undefined || u.list.length === 0)) return; // novelty: no list to score
          const pop = new Map(Array.from({ length: 20 }, (_, i) => [i, i + 1]));
          const na = novelty(maybeUsers.map((u) => u?.list ?? []), { k, popularity: pop, users: 20 });
          const nm = novelty(new Map(maybeUsers.map((u, i) => [`u${i}`, u?.list ?? []])), { k, popularity: pop, users: 20 });
          expect(nm.mean).toBe(na.mean);
          maybeUsers.forEach((_, i) => {
            expect(nm.perUser.get(`u${i}`)).toBe(na.perUser[i]);
          });
        },
      ),
      { seed: 19, numRuns: 200 },
    );
  });

  it('novelty ≥ 0 and catalogue coverage in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 10 }),
        kArb,
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 20, maxLength: 20 }),
        (rec, k, counts) => {
          const pop = new Map(counts.map((c, i) => [i, c]));
          const nv = novelty(rec, { k, popularity: pop, users: 50 });
          expect(nv.mean).toBeGreaterThanOrEqual(0);
          for (const v of nv.perUser) expect(v).toBeGreaterThanOrEqual(0);
          const cov = catalogCoverage(rec, { k, catalog: 20 });
          expect(cov.coverage).toBeGreaterThan(0);
          expect(cov.coverage).toBeLessThanOrEqual(1);
          expect(catalogCoverage(rec, { k, catalog: new Set(pop.keys()) })).toEqual(cov);
        },
      ),
      { seed: 23, numRuns: 150 },
    );
  });

  it('every duplicate in a top-k list is reported with its user and position', () => {
    fc.assert(
      fc.property(usersArb, fc.nat(), fc.nat(), kArb, (users, ui, pos, k) => {
        const u = ui % users.length;
        const list = users[u].list;
        fc.pre(list.length >= 1);
        const p = pos % list.length;
        const rec = users.map((x) => x.list.slice());
        rec[u].splice(p + 1, 0, list[p]); // repeat the item at p right after it
        const rel = users.map((x) => new Set(x.rel));
        if (p + 1 >= k) {
          expect(() => precisionAtK(rec, rel, { k })).not.toThrow(InvalidInputError);
          return;
        }
        const e = invalid(() => precisionAtK(rec, rel, { k }));
        const issue = e.issues.find((i) => i.path === `recommended[${u}][${p + 1}]`);
        expect(issue?.row).toBe(u);
        expect(issue?.message).toContain(`user ${u}, position ${p + 1}: item ${list[p]}`);
        expect(issue?.message).toContain(`is already at position ${p}`);
      }),
      { seed: 29, numRuns: 200 },
    );
  });
});
