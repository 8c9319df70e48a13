import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { profileSegments } from '../../src/segment/profile.js';
import { thrownInvalidInput as thrown } from '../helpers/thrown.js';

// pandas reference (test/fixtures/make_silhouette_fixtures.py, "retail.profile")
interface RefProfile {
  segment: number;
  size: number;
  mean: Record<string, number>;
  median: Record<string, number>;
  revenueShare: number;
  smd: Record<string, number>;
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/silhouette.json', import.meta.url), 'utf8')) as {
  retail: {
    recency_days: number[];
    frequency: number[];
    monetary: number[];
    labels: number[];
    profile: RefProfile[];
  };
};
const FIELDS = ['recency_days', 'frequency', 'monetary'] as const;

describe('profileSegments vs pandas (online-retail RFM, KMeans k=4)', () => {
  const { recency_days, frequency, monetary, labels, profile } = fx.retail;
  const records = recency_days.map((r, i) => ({ recency_days: r, frequency: frequency[i], monetary: monetary[i] }));
  const opts = { numeric: [...FIELDS], revenueField: 'monetary' };

  it('size, share, mean, median, revenue share and smd match to 1e-9', () => {
    const out = profileSegments(records, labels, opts);
    expect(out.map((p) => p.segment)).toEqual(profile.map((p) => p.segment));
    for (const [i, ref] of profile.entries()) {
      const p = out[i];
      expect(p.size).toBe(ref.size);
      expect(p.share).toBe(ref.size / labels.length);
      for (const f of FIELDS) {
        expect(Math.abs(p.numeric[f].mean - ref.mean[f])).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref.mean[f])));
        expect(p.numeric[f].median).toBeCloseTo(ref.median[f], 9);
        const d = p.distinguishing.find((x) => x.feature === f)!;
        expect(Math.abs(d.smd - ref.smd[f])).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref.smd[f])));
      }
      expect(Math.abs(p.revenueShare! - ref.revenueShare)).toBeLessThan(1e-12);
      const abs = p.distinguishing.map((x) => Math.abs(x.smd));
      expect(abs).toEqual([...abs].sort((a, b) => b - a));
    }
  });

  it('columns give the same result as records', () => {
    const cols = { recency_days, frequency, monetary: Float64Array.from(monetary) };
    expect(profileSegments(cols, labels, opts)).toEqual(profileSegments(records, labels, opts));
  });
});

describe('profileSegments', () => {
  const rows = [
    { spend: 10, orders: 1, channel: 'web', region: 'N' },
    { spend: 20, orders: 2, channel: 'web', region: 'S' },
    { spend: 200, orders: 9, channel: 'store', region: 'N' },
    { spend: 170, orders: 7, channel: 'web', region: null },
    { spend: 30, orders: 1, channel: 'app', region: 'S' },
  ];

  it('categorical shares, string labels sorted, numbers before strings', () => {
    const out = profileSegments(rows, ['lo', 'lo', 'hi', 'hi', 'lo'], {
      numeric: ['spend'],
      categorical: ['channel', 'region'],
    });
    expect(out.map((p) => p.segment)).toEqual(['hi', 'lo']);
    expect(out[1].categorical['channel']).toEqual({ app: 1 / 3, web: 2 / 3 });
    expect(out[0].categorical['region']).toEqual({ N: 0.5, null: 0.5 });
    expect(out[1].numeric['spend']).toEqual({ mean: 20, median: 20 });
    expect(out[0].revenueShare).toBeUndefined();
    const mixed = profileSegments(rows, ['b', 2, 10, 'a', 2], { numeric: [] });
    expect(mixed.map((p) => p.segment)).toEqual([2, 10, 'a', 'b']);
  });

  it('smd uses the pooled sd (Cohen) and handles one segment and zero spread', () => {
    const out = profileSegments(rows, [0, 0, 1, 1, 0], { numeric: ['spend', 'orders'] });
    // by hand: in = {200, 170}, out = {10, 20, 30}
    const sIn2 = ((200 - 185) ** 2 + (170 - 185) ** 2) / 1;
    const sOut2 = (100 + 0 + 100) / 2;
    const sp = Math.sqrt((1 * sIn2 + 2 * sOut2) / 3);
    expect(out[1].distinguishing.find((d) => d.feature === 'spend')!.smd).toBeCloseTo((185 - 20) / sp, 12);
    expect(out[0].distinguishing.find((d) => d.feature === 'spend')!.smd).toBeCloseTo(-(185 - 20) / sp, 12);
    expect(profileSegments(rows, [0, 0, 0, 0, 0], { numeric: ['spend'] })[0].distinguishing).toEqual([]);
    const flat = [{ v: 1 }, { v: 1 }, { v: 2 }, { v: 2 }];
    expect(profileSegments(flat, [0, 0, 1, 1], { numeric: ['v'] })[1].distinguishing).toEqual([
      { feature: 'v', smd: Infinity },
    ]);
    const same = [{ v: 1 }, { v: 1 }, { v: 1 }];
    expect(profileSegments(same, [0, 1, 1], { numeric: ['v'] })[0].distinguishing[0].smd).toBe(0);
  });

  it('no rows: an empty profile list', () => {
    expect(profileSegments([], [], { numeric: ['x'] })).toEqual([]);
  });

  it('validation names row and field', () => {
    expect(thrown(() => profileSegments(rows, [0, 1], { numeric: ['spend'] })).issues[0].path).toBe('labels');
    expect(thrown(() => profileSegments(rows, [0, 0, 1, 1, 0], { numeric: ['price'] })).issues[0]).toMatchObject({
      path: 'price',
      row: 0,
    });
    const bad = rows.map((r, i) => (i === 3 ? { ...r, spend: Number.NaN } : r));
    const e = thrown(() => profileSegments(bad, [0, 0, 1, 1, 0], { numeric: ['spend'] }));
    expect(e.issues[0]).toMatchObject({ path: 'spend', row: 3 });
    expect(e.message).toContain('NaN');
    const e2 = thrown(() => profileSegments(rows, [0, 0, 1, 1, 0], { numeric: ['channel'] }));
    expect(e2.issues[0]).toMatchObject({ path: 'channel', row: 0 });
    expect(thrown(() => profileSegments(rows, [0, 0, 1, 1, 0], { numeric: [], revenueField: 'x' })).issues[0].path).toBe('x');
    expect(thrown(() => profileSegments({ a: [1, 2], b: [1] }, [0, 1], { numeric: ['a', 'b'] })).issues[0].path).toBe('b');
    expect(thrown(() => profileSegments({ a: [1, 2] }, [0, 1], { numeric: ['z'] })).issues[0].path).toBe('z');
    expect(
      thrown(() => profileSegments(rows, [0, 0, 1, 1, 0], { numeric: ['spend'], extra: 1 } as never)).issues[0].path,
    ).toBe('options.extra');
    expect(thrown(() => profileSegments(rows, [0, 0, 1, 1, 0], {} as never)).issues[0].path).toBe('options.numeric');
  });
});

describe('profileSegments properties (fast-check)', () => {
  const data = fc.integer({ min: 1, max: 40 }).chain((n) =>
    fc.record({
      revenue: fc.array(fc.double({ min: 0.01, max: 1e4, noNaN: true }), { minLength: n, maxLength: n }),
      x: fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: n, maxLength: n }),
      cat: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: n, maxLength: n }),
      labels: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
    }),
  );

  it('sizes sum to n, shares, category shares and revenue shares sum to 1', () => {
    fc.assert(
      fc.property(data, ({ revenue, x, cat, labels }) => {
        const out = profileSegments({ revenue, x, cat }, labels, {
          numeric: ['x'],
          categorical: ['cat'],
          revenueField: 'revenue',
        });
        const n = labels.length;
        expect(out.reduce((s, p) => s + p.size, 0)).toBe(n);
        expect(Math.abs(out.reduce((s, p) => s + p.share, 0) - 1)).toBeLessThan(1e-12);
        expect(Math.abs(out.reduce((s, p) => s + p.revenueShare!, 0) - 1)).toBeLessThan(1e-12);
        for (const p of out) {
          const cs = Object.values(p.categorical['cat']).reduce((s, v) => s + v, 0);
          expect(Math.abs(cs - 1)).toBeLessThan(1e-12);
          expect(p.numeric['x'].median).toBeGreaterThanOrEqual(Math.min(...x));
        }
        expect(out.map((p) => p.segment)).toEqual([...new Set(labels)].sort((a, b) => a - b));
      }),
      { seed: 20261124, numRuns: 200 },
    );
  });
});

describe('profileSegments: zero total revenue', () => {
  it('gives revenueShare null (undefined shares), never NaN', () => {
    const rows = [
      { spend: 0, visits: 1 },
      { spend: 0, visits: 2 },
    ];
    const out = profileSegments(rows, [0, 1], { numeric: ['visits'], revenueField: 'spend' });
    expect(out.map((p) => p.revenueShare)).toEqual([null, null]);
  });
});
