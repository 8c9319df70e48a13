import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { createRandom } from '../../src/math/random.js';
import {
  compareRecommenders,
  evaluateRanking,
  formatComparison,
  splitByUser,
  type ComparisonRow,
} from '../../src/recommend/evaluate.js';
import type { EntityId, Interaction, RecommendOptions, Recommender } from '../../src/recommend/types.js';

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

/** A fake recommender with a fixed list per user (and `fallback` for others); records its calls. */
function fake(lists: Record<string, string[]>, fallback: string[] = []): Recommender & { calls: [EntityId, RecommendOptions | undefined][] } {
  const calls: [EntityId, RecommendOptions | undefined][] = [];
  return {
    kind: 'popularity',
    calls,
    recommend(userId, options) {
      calls.push([userId, options]);
      const list = lists[String(userId)] ?? fallback;
      return list.slice(0, options?.n ?? 10).map((itemId, i) => ({ itemId, score: list.length - i }));
    },
    recommendAll: () => new Map(),
  };
}

const L2 = Math.log2;

// ---------------------------------------------------------------------------------------------
// splitByUser

/** u1: 5 rows (a–e), u2: 10 rows (p0–p9), u3: 3 rows (x, y, z), interleaved. */
const LOG: Interaction[] = [
  ['u1', 'a'], ['u2', 'p0'], ['u3', 'x'], ['u1', 'b'], ['u2', 'p1'], ['u2', 'p2'],
  ['u1', 'c'], ['u2', 'p3'], ['u2', 'p4'], ['u1', 'd'], ['u2', 'p5'], ['u3', 'y'],
  ['u2', 'p6'], ['u2', 'p7'], ['u1', 'e'], ['u2', 'p8'], ['u2', 'p9'], ['u3', 'z'],
].map(([userId, itemId]): Interaction => ({ userId, itemId }));

describe('splitByUser: hand-worked', () => {
  it('seed 3: shuffle u1 positions, then u2 positions, one generator', () => {
    // createRandom(3).shuffle([0..4]) = [3, 0, 1, 4, 2] → u1 holds out round(0.2·5) = 1: position 3 = d.
    // The same generator then shuffles [0..9] = [4, 8, 2, 9, 6, …] → u2 holds out 2: p4, p8.
    // u3 has 3 < 5 interactions: all in train.
    const rng = createRandom(3);
    expect(rng.shuffle([0, 1, 2, 3, 4])).toEqual([3, 0, 1, 4, 2]);
    expect(rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).slice(0, 2)).toEqual([4, 8]);
    const s = splitByUser(LOG, { seed: 3 });
    expect(s.test.map((i) => i.itemId)).toEqual(['p4', 'd', 'p8']); // input order
    expect(s.skippedUsers).toBe(1);
    expect(s.train).toHaveLength(15);
    expect(s.train.map((i) => i.itemId)).toEqual(LOG.map((i) => i.itemId).filter((i) => !['p4', 'd', 'p8'].includes(String(i))));
    // The caller's own objects are returned.
    expect(s.test[1]).toBe(LOG[9]);
  });

  it('same seed, same split; the default seed is 0', () => {
    expect(splitByUser(LOG, { seed: 11 })).toEqual(splitByUser(LOG, { seed: 11 }));
    expect(splitByUser(LOG)).toEqual(splitByUser(LOG, { seed: 0 }));
    const seeds = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => splitByUser(LOG, { seed }).test.map((i) => i.itemId).join()));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('columns give the same split as records, as new records', () => {
    const cols = { userId: LOG.map((i) => i.userId), itemId: LOG.map((i) => i.itemId) };
    const s = splitByUser(cols, { seed: 3 });
    expect(s.test).toEqual([{ userId: 'u2', itemId: 'p4' }, { userId: 'u1', itemId: 'd' }, { userId: 'u2', itemId: 'p8' }]);
  });

  it('rounding: round (half up) by default, floor on request; clamped to [1, n − 1]', () => {
    const user = (n: number): Interaction[] => Array.from({ length: n }, (_, i) => ({ userId: 'u', itemId: i }));
    // 0.25 · 10 = 2.5 → round 3, floor 2
    expect(splitByUser(user(10), { testFraction: 0.25 }).test).toHaveLength(3);
    expect(splitByUser(user(10), { testFraction: 0.25, rounding: 'floor' }).test).toHaveLength(2);
    // 0.2 · 9 = 1.8 → round 2, floor 1 (the sklearn peer's max(1, floor(0.2 n)))
    expect(splitByUser(user(9)).test).toHaveLength(2);
    expect(splitByUser(user(9), { rounding: 'floor' }).test).toHaveLength(1);
    // at least 1: 0.05 · 5 = 0.25
    expect(splitByUser(user(5), { testFraction: 0.05 }).test).toHaveLength(1);
    // at most n − 1: 0.95 · 2 = 1.9 → 2, clamped to 1
    expect(splitByUser(user(2), { testFraction: 0.95, minInteractions: 2 }).test).toHaveLength(1);
  });

  it('minInteractions: users below it stay in train and are counted', () => {
    const s = splitByUser(LOG, { minInteractions: 6 });
    expect(s.skippedUsers).toBe(2);
    expect(new Set(s.test.map((i) => i.userId))).toEqual(new Set(['u2']));
    expect(splitByUser(LOG, { minInteractions: 11 })).toEqual({ train: LOG, test: [], skippedUsers: 3 });
    expect(splitByUser(LOG, { minInteractions: 3 }).skippedUsers).toBe(0);
  });

  it('ids compare by string form: 1 and "1" are the same user', () => {
    const log: Interaction[] = [1, '1', 1, '1', 1].map((userId, i) => ({ userId, itemId: i }));
    const s = splitByUser(log);
    expect(s.skippedUsers).toBe(0);
    expect(s.test).toHaveLength(1);
  });
});

describe('splitByUser: byTime', () => {
  it('holds out the latest interactions; ties go by input order (later row = later)', () => {
    const log: Interaction[] = [
      { userId: 'a', itemId: 'i1', timestamp: '2024-01-05' },
      { userId: 'a', itemId: 'i2', timestamp: '2024-01-09' },
      { userId: 'b', itemId: 'j1', timestamp: 5 },
      { userId: 'a', itemId: 'i3', timestamp: new Date('2024-01-01') },
      { userId: 'a', itemId: 'i4', timestamp: '2024-01-09' }, // ties with i2, later row
      { userId: 'a', itemId: 'i5', timestamp: '2024-01-02' },
      { userId: 'a', itemId: 'i6', timestamp: '2024-01-08' },
    ];
    // a: 6 interactions, round(0.34 · 6) = 2 → i2 and i4 (both 01-09); b skipped (1 < 2)
    const s = splitByUser(log, { byTime: true, testFraction: 0.34, minInteractions: 2 });
    expect(s.test.map((i) => i.itemId)).toEqual(['i2', 'i4']);
    expect(s.skippedUsers).toBe(1);
    // 1 held out: the tie is broken towards the later row, i4
    const one = splitByUser(log, { byTime: true, testFraction: 0.1, minInteractions: 2 });
    expect(one.test.map((i) => i.itemId)).toEqual(['i4']);
    // 3 held out: i6 (01-08) joins
    expect(splitByUser(log, { byTime: true, testFraction: 0.5, minInteractions: 2 }).test.map((i) => i.itemId)).toEqual(['i2', 'i4', 'i6']);
    // the seed does not matter
    expect(splitByUser(log, { byTime: true, seed: 99, testFraction: 0.34, minInteractions: 2 })).toEqual(s);
  });

  it('needs a valid timestamp on every row, named with the row', () => {
    const err = invalid(() =>
      splitByUser(
        [
          { userId: 'a', itemId: 'x', timestamp: '2024-01-01' },
          { userId: 'a', itemId: 'y' },
          { userId: 'a', itemId: 'z', timestamp: 'soon' },
        ],
        { byTime: true },
      ),
    );
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([
      ['timestamp', 1],
      ['timestamp', 2],
    ]);
    expect(err.message).toContain('byTime');
    // without byTime timestamps are not read
    expect(() => splitByUser([{ userId: 'a', itemId: 'y', timestamp: 'soon' }])).not.toThrow();
  });
});

describe('splitByUser: errors name the field', () => {
  it('bad rows', () => {
    const err = invalid(() =>
      splitByUser([
        { userId: 'a', itemId: 'x' },
        { userId: '', itemId: 'x' },
        { userId: 'a', itemId: null as unknown as string },
        { userId: 'a', itemId: 'x', value: Number.NaN },
      ]),
    );
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([
      ['userId', 1],
      ['itemId', 2],
      ['value', 3],
    ]);
  });

  it('bad columns and bad input', () => {
    expect(invalid(() => splitByUser({ userId: ['a', 'b'], itemId: ['x'] })).issues[0].path).toBe('itemId');
    expect(invalid(() => splitByUser('log' as never)).issues[0].path).toBe('interactions');
  });

  it('bad options', () => {
    expect(invalid(() => splitByUser(LOG, { testFraction: 1 })).issues[0].path).toBe('options.testFraction');
    expect(invalid(() => splitByUser(LOG, { testFraction: 0 })).issues[0].path).toBe('options.testFraction');
    expect(invalid(() => splitByUser(LOG, { minInteractions: 1 })).issues[0].path).toBe('options.minInteractions');
    expect(invalid(() => splitByUser(LOG, { minInteractions: 2.5 })).issues[0].path).toBe('options.minInteractions');
    expect(invalid(() => splitByUser(LOG, { seed: Number.POSITIVE_INFINITY })).issues[0].path).toBe('options.seed');
    expect(invalid(() => splitByUser(LOG, { rounding: 'ceil' as never })).issues[0].path).toBe('options.rounding');
    expect(invalid(() => splitByUser(LOG, { shuffle: true } as never)).issues[0].path).toBe('options.shuffle');
  });
});

describe('splitByUser: properties', () => {
  const logArb = fc.array(
    fc.record({ userId: fc.integer({ min: 0, max: 6 }), itemId: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), value: fc.integer({ min: 1, max: 5 }) }),
    { maxLength: 80 },
  );
  const optsArb = fc.record({
    testFraction: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    minInteractions: fc.integer({ min: 2, max: 8 }),
    seed: fc.integer(),
    rounding: fc.constantFrom('round' as const, 'floor' as const),
  });

  it('train ∪ test = input (as multisets, in input order); counts per user as documented', () => {
    fc.assert(
      fc.property(logArb, optsArb, (log, opts) => {
        const s = splitByUser(log, opts);
        // Both parts hold the caller's objects: merging them by input position gives the input.
        const pos = new Map<Interaction, number>(log.map((r, i) => [r, i]));
        const merged = [...s.train, ...s.test].sort((a, b) => pos.get(a)! - pos.get(b)!);
        expect(merged).toEqual(log);
        expect(new Set([...s.train, ...s.test]).size).toBe(log.length);
        const R = opts.rounding === 'floor' ? Math.floor : Math.round;
        const count = (xs: readonly Interaction[]): Map<string, number> => {
          const m = new Map<string, number>();
          for (const x of xs) m.set(String(x.userId), (m.get(String(x.userId)) ?? 0) + 1);
          return m;
        };
        const all = count(log);
        const tr = count(s.train);
        const te = count(s.test);
        let skipped = 0;
        for (const [u, n] of all) {
          if (n < opts.minInteractions) {
            skipped++;
            expect(te.get(u) ?? 0).toBe(0);
          } else {
            // never more than testFraction rounding, at least 1, train keeps ≥ 1
            expect(te.get(u)).toBe(Math.min(n - 1, Math.max(1, R(opts.testFraction * n))));
            expect(tr.get(u)!).toBeGreaterThanOrEqual(1);
          }
        }
        expect(s.skippedUsers).toBe(skipped);
      }),
      { seed: 20261124, numRuns: 300 },
    );
  });

  it('deterministic, and byTime holds out no row earlier than a kept one', () => {
    fc.assert(
      fc.property(logArb, optsArb, fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 80, maxLength: 80 }), (log, opts, times) => {
        expect(splitByUser(log, opts)).toEqual(splitByUser(log, opts));
        const timed = log.map((r, i) => ({ ...r, timestamp: times[i] }));
        const s = splitByUser(timed, { ...opts, byTime: true });
        const pos = new Map<Interaction, number>(timed.map((r, i) => [r, i]));
        for (const t of s.test) {
          for (const r of s.train) {
            if (r.userId !== t.userId) continue;
            const later = (r.timestamp as number) > (t.timestamp as number) || (r.timestamp === t.timestamp && pos.get(r)! > pos.get(t)!);
            expect(later).toBe(false);
          }
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// evaluateRanking

describe('evaluateRanking: hand-computed metrics', () => {
  // train: who saw what (for novelty and the catalogue: items a–f, 6 of them; 4 training users)
  const train: Interaction[] = [
    { userId: 'ann', itemId: 'a' }, { userId: 'ann', itemId: 'b' },
    { userId: 'bob', itemId: 'a' }, { userId: 'bob', itemId: 'c' },
    { userId: 'cy', itemId: 'd' }, { userId: 'dee', itemId: 'e' }, { userId: 'dee', itemId: 'f' },
    { userId: 'dee', itemId: 'a' },
  ];
  // test (ratings): ann {c: 5, d: 2, e: 4}, bob {b: 4}, cy {f: 1} (no rating ≥ 4)
  const test: Interaction[] = [
    { userId: 'ann', itemId: 'c', value: 5 }, { userId: 'bob', itemId: 'b', value: 4 },
    { userId: 'ann', itemId: 'd', value: 2 }, { userId: 'cy', itemId: 'f', value: 1 },
    { userId: 'ann', itemId: 'e', value: 4 },
  ];
  const model = fake({ ann: ['c', 'f', 'e', 'b'], bob: ['d', 'e', 'f', 'b'], cy: ['a', 'b', 'c'] });

  it('every held-out interaction relevant (default), k = 3', () => {
    const e = evaluateRanking(model, { train, test }, { k: 3 });
    // ann: top 3 [c, f, e] vs {c, d, e}: hits at ranks 1, 3 → P = 2/3, R = 2/3,
    //   DCG = 1 + 1/log2 4 = 1.5, IDCG = 1 + 1/log2 3 + 1/log2 4, AP = (1 + 2/3)/3
    // bob: [d, e, f] vs {b}: 0 everywhere
    // cy: [a, b, c] vs {f}: 0 everywhere
    const idcg3 = 1 + 1 / L2(3) + 1 / L2(4);
    expect(e.k).toBe(3);
    expect(e.users).toBe(3);
    expect(e.skippedUsers).toBe(0);
    expect(e.precision).toBeCloseTo(2 / 3 / 3, 15);
    expect(e.recall).toBeCloseTo(2 / 3 / 3, 15);
    expect(e.ndcg).toBeCloseTo(1.5 / idcg3 / 3, 15);
    expect(e.map).toBeCloseTo((1 + 2 / 3) / 3 / 3, 15);
    expect(e.hitRate).toBeCloseTo(1 / 3, 15);
    // distinct in top 3: {c, f, e, d, a, b} = 6 of 6 training items
    expect(e.coverage).toBe(1);
    // popularity (share of 4 training users): a 3/4, b 1/4, c 1/4, d 1/4, e 1/4, f 1/4
    // ann [c, f, e]: 2 bits each; bob [d, e, f]: 2; cy [a, b, c]: (−log2 3/4 + 2 + 2)/3
    expect(e.novelty).toBeCloseTo((2 + 2 + (-L2(3 / 4) + 4) / 3) / 3, 14);
  });

  it('relevant predicate: rating ≥ 4; cy is skipped and not asked', () => {
    const m = fake({ ann: ['c', 'f', 'e', 'b'], bob: ['d', 'e', 'f', 'b'], cy: ['a'] });
    const e = evaluateRanking(m, { train, test }, { k: 4, relevant: (v) => v >= 4 });
    // ann: [c, f, e, b] vs {c, e}: hits at 1, 3 → P = 2/4, R = 1, DCG = 1 + 1/2, IDCG = 1 + 1/log2 3,
    //   AP = (1 + 2/3)/2. bob: [d, e, f, b] vs {b}: hit at 4 → P = 1/4, R = 1, DCG = 1/log2 5, AP = 1/4
    expect(e.users).toBe(2);
    expect(e.skippedUsers).toBe(1);
    expect(e.precision).toBeCloseTo((2 / 4 + 1 / 4) / 2, 15);
    expect(e.recall).toBe(1);
    expect(e.ndcg).toBeCloseTo((1.5 / (1 + 1 / L2(3)) + 1 / L2(5)) / 2, 15);
    expect(e.map).toBeCloseTo(((1 + 2 / 3) / 2 + 1 / 4) / 2, 15);
    expect(e.hitRate).toBe(1);
    // {c, f, e, b, d} of 6
    expect(e.coverage).toBeCloseTo(5 / 6, 15);
    expect(m.calls.map(([u]) => u)).toEqual(['ann', 'bob']);
    expect(m.calls[0][1]).toEqual({ n: 4, excludeSeen: true });
  });

  it('default k = 10, lists longer than k are cut, user ids passed as first seen in test', () => {
    const m = fake({}, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']);
    const e = evaluateRanking(m, { train: [{ userId: 1, itemId: 'a' }], test: [{ userId: 1, itemId: 'k' }, { userId: '1', itemId: 'b' }] }, { catalog: 20 });
    expect(e.k).toBe(10);
    expect(m.calls).toEqual([[1, { n: 10, excludeSeen: true }]]);
    // [a … j] vs {k, b}: one hit at rank 2
    expect(e.precision).toBe(0.1);
    expect(e.recall).toBe(0.5);
    expect(e.coverage).toBe(0.5);
    // items b … j were never seen in train: no novelty
    expect(e.novelty).toBeUndefined();
  });

  it('options.popularity overrides the training popularity', () => {
    const e = evaluateRanking(fake({ u: ['x'] }), { train: [{ userId: 'u', itemId: 'y' }], test: [{ userId: 'u', itemId: 'x' }] }, {
      k: 1,
      popularity: new Map([['x', 0.125]]),
      catalog: 2,
    });
    expect(e.novelty).toBe(3);
    expect(e.precision).toBe(1);
  });

  it('works on a splitByUser split with columns', () => {
    const split = splitByUser({ userId: LOG.map((i) => i.userId), itemId: LOG.map((i) => i.itemId) }, { seed: 3 });
    // test: u2 {p4, p8}, u1 {d}
    const e = evaluateRanking(fake({ u1: ['d', 'a'], u2: ['p8', 'x'] }), split, { k: 2 });
    expect(e.users).toBe(2);
    expect(e.precision).toBe(0.5);
    expect(e.recall).toBeCloseTo((1 + 0.5) / 2, 15);
  });

  it('errors', () => {
    const split = { train, test };
    expect(() => evaluateRanking(model, split, { relevant: () => false })).toThrow(NotEnoughDataError);
    expect(invalid(() => evaluateRanking(model, split, { k: 0 })).issues[0].path).toBe('options.k');
    expect(invalid(() => evaluateRanking(model, split, { catalog: 0 })).issues[0].path).toBe('options.catalog');
    expect(invalid(() => evaluateRanking(model, split, { relevant: 4 as never })).issues[0].path).toBe('options.relevant');
    expect(invalid(() => evaluateRanking(model, split, { popularity: new Map([['a', 2]]) })).issues[0].path).toBe('options.popularity');
    const bad = invalid(() => evaluateRanking(model, { train, test: [...test, { userId: 'z', itemId: '' }] }));
    expect(bad.issues[0]).toMatchObject({ path: 'test.itemId', row: 5 });
    expect(invalid(() => evaluateRanking(model, { train: [{ userId: null as never, itemId: 'a' }], test })).issues[0]).toMatchObject({
      path: 'train.userId',
      row: 0,
    });
    expect(invalid(() => evaluateRanking({} as never, split)).issues[0].path).toBe('model');
    expect(invalid(() => evaluateRanking(model, null as never)).issues[0].path).toBe('split');
    // a model that repeats an item: the metrics module names the user and position
    const dup = invalid(() => evaluateRanking(fake({}, ['a', 'a']), split, { k: 2 }));
    expect(dup.issues[0].path).toBe('recommended["ann"][1]');
  });
});

// ---------------------------------------------------------------------------------------------
// compareRecommenders / formatComparison

describe('compareRecommenders', () => {
  const split = {
    train: [{ userId: 'ann', itemId: 'a' }, { userId: 'bob', itemId: 'b' }, { userId: 'bob', itemId: 'c' }],
    test: [{ userId: 'ann', itemId: 'b' }, { userId: 'bob', itemId: 'a' }],
  };

  it('one row per model, in input order, equal to evaluateRanking', () => {
    const models = { zeta: fake({}, ['b', 'a']), alpha: fake({}, ['c']), mid: fake({ ann: ['b'], bob: ['a'] }) };
    const rows = compareRecommenders(models, split, { k: 1 });
    expect(rows.map((r) => r.name)).toEqual(['zeta', 'alpha', 'mid']);
    expect(rows.map((r) => r.precision)).toEqual([0.5, 0, 1]);
    const e = evaluateRanking(models.zeta, split, { k: 1 });
    const { name, ...rest } = rows[0];
    expect(name).toBe('zeta');
    expect(rest).toEqual({
      users: e.users,
      precision: e.precision,
      recall: e.recall,
      ndcg: e.ndcg,
      map: e.map,
      hitRate: e.hitRate,
      coverage: e.coverage,
      novelty: e.novelty,
    });
    // a Map keeps integer-like names in insertion order
    const byMap = compareRecommenders(new Map([['2', models.zeta], ['1', models.alpha]]), split, { k: 1 });
    expect(byMap.map((r) => r.name)).toEqual(['2', '1']);
  });

  it('errors name the model', () => {
    expect(invalid(() => compareRecommenders({ ok: fake({}), broken: 3 as never }, split)).issues[0].path).toBe('models.broken');
    expect(invalid(() => compareRecommenders({}, split)).issues[0].path).toBe('models');
  });
});

describe('formatComparison', () => {
  const rows: ComparisonRow[] = [
    { name: 'item-knn', users: 933, precision: 0.204287, recall: 0.234776, ndcg: 0.295089, map: 0.1, hitRate: 0.75, coverage: 0.25, novelty: 9.5 },
    { name: 'pop', users: 933, precision: 0.128939, recall: 0.13822, ndcg: 0.168108, map: 0.05, hitRate: 0.5, coverage: 0.01, novelty: undefined },
  ];

  it('aligned columns, digits, — for missing novelty', () => {
    expect(formatComparison(rows, { digits: 3 }).split('\n')).toEqual([
      'name      users    P@k    R@k   NDCG    MAP    hit  cover  novelty',
      'item-knn    933  0.204  0.235  0.295  0.100  0.750  0.250    9.500',
      'pop         933  0.129  0.138  0.168  0.050  0.500  0.010        —',
    ]);
    const lines = formatComparison(rows).split('\n');
    expect(lines[1]).toContain('0.2043');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(formatComparison([])).toBe('name  users  P@k  R@k  NDCG  MAP  hit  cover  novelty');
    expect(invalid(() => formatComparison(rows, { digits: 13 })).issues[0].path).toBe('options.digits');
  });
});
