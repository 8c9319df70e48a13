import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { createRandom } from '../../src/math/random.js';
import { fitRandom } from '../../src/recommend/knn.js';
import type { Interaction } from '../../src/recommend/types.js';

// u1 has A, B; u2 has B, C; u3 has D. Items in first-appearance order: A, B, C, D.
const M: Interaction[] = [
  { userId: 'u1', itemId: 'A' },
  { userId: 'u1', itemId: 'B' },
  { userId: 'u2', itemId: 'B' },
  { userId: 'u2', itemId: 'C' },
  { userId: 'u3', itemId: 'D' },
];

describe('fitRandom', () => {
  it('follows the documented draws: per-user seeds from createRandom(seed), partial Fisher–Yates over the allowed items', () => {
    // Oracle written from the documentation: seeds of u1, u2, u3 = the first three nextUint32() of createRandom(5).
    const seeder = createRandom(5);
    const seeds = [seeder.nextUint32(), seeder.nextUint32(), seeder.nextUint32()];
    const draw = (userSeed: number, allowed: string[], n: number): string[] => {
      const pool = [...allowed];
      const rng = createRandom(userSeed);
      const out: string[] = [];
      for (let t = 0; t < Math.min(n, pool.length); t++) {
        const j = t + rng.int(pool.length - t);
        [pool[t], pool[j]] = [pool[j], pool[t]];
        out.push(pool[t]);
      }
      return out;
    };
    const rnd = fitRandom(M, { seed: 5 });
    expect(rnd.kind).toBe('random');
    expect(rnd.recommend('u3').map((r) => r.itemId)).toEqual(draw(seeds[2], ['A', 'B', 'C'], 10));
    expect(rnd.recommend('u1', { excludeSeen: false, n: 3 }).map((r) => r.itemId)).toEqual(draw(seeds[0], ['A', 'B', 'C', 'D'], 3));
    expect(rnd.recommend('u2', { candidates: ['A', 'C', 'D', 'nope'] }).map((r) => r.itemId)).toEqual(draw(seeds[1], ['A', 'D'], 10));
    // scores n, n − 1, … in draw order
    expect(rnd.recommend('u3').map((r) => r.score)).toEqual([3, 2, 1]);
  });

  it('repeats per user whatever the call order; recommendAll equals recommend; cold start is the flagged popularity list', () => {
    const a = fitRandom(M, { seed: 9 });
    const b = fitRandom(M, { seed: 9 });
    const first = a.recommend('u3', { n: 2 });
    b.recommend('u1');
    b.recommend('u2');
    expect(b.recommend('u3', { n: 2 })).toEqual(first);
    const all = a.recommendAll({ n: 2 });
    for (const [u, list] of all) expect(list).toEqual(a.recommend(u, { n: 2 }));
    // B has 2 users, then A, C, D with 1 each in first-appearance order
    expect(a.recommend('zoe', { n: 2 })).toEqual([
      { itemId: 'B', score: 2, coldStart: true },
      { itemId: 'A', score: 1, coldStart: true },
    ]);
  });

  it('draws are uniform over the allowed items (chi-squared test over 4,000 users, seed 11)', () => {
    // 4,000 users who each have item 0; 20 other items, one draw (n = 1) per user.
    const rows: Interaction[] = [];
    for (let u = 0; u < 4000; u++) rows.push({ userId: u, itemId: 0 });
    for (let i = 1; i <= 20; i++) rows.push({ userId: 'owner', itemId: i });
    const rnd = fitRandom(rows, { seed: 11 });
    const counts = new Array<number>(21).fill(0);
    for (let u = 0; u < 4000; u++) counts[Number(rnd.recommend(u, { n: 1 })[0].itemId)]++;
    expect(counts[0]).toBe(0);
    const e = 4000 / 20;
    const stat = counts.slice(1).reduce((s, c) => s + (c - e) ** 2 / e, 0);
    // below the 0.999 quantile of χ²(19): scipy.stats.chi2.ppf(0.999, 19) = 43.8202
    expect(stat).toBeLessThan(43.8202);
  });

  it('property: distinct, unseen, min(n, allowed) items (fast-check, seed 42)', () => {
    const arb = fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 12 }), fc.integer(), (pairs, n, seed) => {
        const rows = pairs.map(([u, i]) => ({ userId: u, itemId: i }));
        const rnd = fitRandom(rows, { seed });
        const items = new Set(pairs.map(([, i]) => String(i)));
        for (const [u] of pairs) {
          const seen = new Set(pairs.filter(([v]) => v === u).map(([, i]) => String(i)));
          const list = rnd.recommend(u, { n }).map((r) => r.itemId);
          expect(new Set(list).size).toBe(list.length);
          for (const it of list) expect(seen.has(it)).toBe(false);
          expect(list.length).toBe(Math.min(n, items.size - seen.size));
        }
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it('errors: bad options name the field; no data is NotEnoughDataError', () => {
    expect(() => fitRandom(M, { seed: Number.NaN })).toThrow(InvalidInputError);
    expect(() => fitRandom(M, { seeds: 1 } as never)).toThrow(InvalidInputError);
    expect(() => fitRandom([])).toThrow(NotEnoughDataError);
  });
});
