import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../../src/errors.js';
import { createRandom } from '../../../src/math/random.js';
import { kaplanMeier, logRankTest } from '../../../src/models/survival/kaplanMeier.js';

// Freireich et al. (1963), remission times (weeks) of leukaemia patients; the textbook example of
// Kleinbaum & Klein, "Survival Analysis", ch. 2, and Klein & Moeschberger §4.2. 6-MP group: 21 patients,
// 9 relapses (censored times marked 0 in `events`). Placebo: 21 patients, all relapsed.
const MP_TIMES = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35];
const MP_EVENTS = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23];

// Hand-worked table of the 6-MP group at its event times: (t, n at risk, d).
const HAND: [number, number, number][] = [
  [6, 21, 3],
  [7, 17, 1],
  [10, 15, 1],
  [13, 12, 1],
  [16, 11, 1],
  [22, 7, 1],
  [23, 6, 1],
];

describe('Kaplan–Meier on the 6-MP remission data (Freireich 1963)', () => {
  const km = kaplanMeier(MP_TIMES, MP_EVENTS);

  it('survival, Greenwood variance and the log(−log) band equal the hand-worked products to 1e-12', () => {
    let s = 1;
    let gw = 0;
    const z = 1.959963984540054;
    for (const [t, n, d] of HAND) {
      s *= (n - d) / n;
      gw += d / (n * (n - d));
      const k = km.time.indexOf(t);
      expect(km.atRisk[k]).toBe(n);
      expect(km.events[k]).toBe(d);
      expect(Math.abs(km.survival[k] - s)).toBeLessThan(1e-12);
      expect(Math.abs(km.variance[k] - s * s * gw)).toBeLessThan(1e-12);
      const theta = Math.log(-Math.log(s));
      const se = Math.sqrt(gw) / Math.abs(Math.log(s));
      expect(Math.abs(km.lower[k] - Math.exp(-Math.exp(theta + z * se)))).toBeLessThan(1e-12);
      expect(Math.abs(km.upper[k] - Math.exp(-Math.exp(theta - z * se)))).toBeLessThan(1e-12);
    }
  });

  it('matches the published table (survival, Greenwood SE, log-log 95% band, 3 decimals)', () => {
    // Kleinbaum & Klein Table 2.x / R survfit(conf.type = "log-log") output for the 6-MP group.
    const published: [number, number, number, number, number][] = [
      [6, 0.857, 0.0764, 0.62, 0.952],
      [7, 0.807, 0.0869, 0.563, 0.923],
      [10, 0.753, 0.0963, 0.503, 0.889],
      [13, 0.69, 0.1068, 0.432, 0.849],
      [16, 0.627, 0.1141, 0.368, 0.805],
      [22, 0.538, 0.1282, 0.268, 0.747],
      [23, 0.448, 0.1346, 0.188, 0.68],
    ];
    for (const [t, s, se, lo, hi] of published) {
      const k = km.time.indexOf(t);
      expect(Math.abs(km.survival[k] - s)).toBeLessThanOrEqual(5e-4);
      expect(Math.abs(Math.sqrt(km.variance[k]) - se)).toBeLessThanOrEqual(5e-5);
      expect(Math.abs(km.lower[k] - lo)).toBeLessThanOrEqual(5e-4);
      expect(Math.abs(km.upper[k] - hi)).toBeLessThanOrEqual(5e-4);
    }
  });

  it('table rows at every distinct time, censored counts, median 23 and its interval', () => {
    expect([...km.time]).toEqual([6, 7, 9, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 34, 35]);
    expect(km.censored[km.time.indexOf(6)]).toBe(1);
    expect(km.censored[km.time.indexOf(32)]).toBe(2);
    expect(km.n).toBe(21);
    expect(km.totalEvents).toBe(9);
    expect(km.median).toBe(23);
    // lower band first ≤ 0.5 at t = 13 (0.432); the upper band never reaches 0.5 (0.680 at the end)
    expect(km.medianInterval).toEqual([13, Infinity]);
    expect(km.survivalAt(0)).toBe(1);
    expect(km.survivalAt(5.9)).toBe(1);
    expect(km.survivalAt(6)).toBe(km.survival[0]);
    expect(km.survivalAt(100)).toBe(km.survival[km.survival.length - 1]);
  });

  it('log-rank 6-MP vs placebo: O = 9 / 21, E = 19.25 / 10.75, χ² = 16.79 (Kleinbaum & Klein; R survdiff)', () => {
    const res = kaplanMeier([...MP_TIMES, ...PLACEBO], [...MP_EVENTS, ...PLACEBO.map(() => 1)], {
      groups: [...MP_TIMES.map(() => '6-MP'), ...PLACEBO.map(() => 'placebo')],
    });
    const lr = res.logRank!;
    expect(lr.groups).toEqual(['6-MP', 'placebo']);
    expect([...lr.observed]).toEqual([9, 21]);
    expect(Math.abs(lr.expected[0] - 19.25)).toBeLessThan(5e-3);
    expect(Math.abs(lr.expected[1] - 10.75)).toBeLessThan(5e-3);
    expect(Math.abs(lr.statistic - 16.79)).toBeLessThan(5e-3);
    expect(lr.degreesOfFreedom).toBe(1);
    expect(Math.abs(lr.pValue - 4.17e-5)).toBeLessThan(5e-7);
    expect(res.groups.map((g) => g.median)).toEqual([23, 8]);
    // the placebo curve reaches 0 at 23: band [0, 0] there
    const pl = res.groups[1];
    expect(pl.survival[pl.survival.length - 1]).toBe(0);
    expect([pl.lower[pl.lower.length - 1], pl.upper[pl.upper.length - 1]]).toEqual([0, 0]);
    expect(logRankTest([...MP_TIMES, ...PLACEBO], [...MP_EVENTS, ...PLACEBO.map(() => true)], res.groups.flatMap((g) => Array<string>(g.n).fill(String(g.group)))).statistic).toBeCloseTo(lr.statistic, 12);
  });
});

describe('log-rank with three groups equals a naive O − E / covariance computation', () => {
  it('χ² on 2 df, p from the χ² survival function', () => {
    const rng = createRandom(4);
    const n = 90;
    const g = Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]);
    const t = g.map((x) => Math.ceil(rng.exponential(x === 'a' ? 0.1 : x === 'b' ? 0.15 : 0.25)));
    const e = t.map(() => (rng.next() < 0.8 ? 1 : 0));
    const lr = logRankTest(t, e, g);
    // naive: loop over distinct event times
    const times = [...new Set(t.filter((_, i) => e[i] === 1))].sort((a, b) => a - b);
    const O = [0, 0, 0];
    const E = [0, 0, 0];
    const V = [
      [0, 0],
      [0, 0],
    ];
    const idx = (x: string): number => ['a', 'b', 'c'].indexOf(x);
    for (const s of times) {
      const nr = [0, 0, 0];
      const dr = [0, 0, 0];
      t.forEach((v, i) => {
        if (v >= s) nr[idx(g[i])]++;
        if (v === s && e[i] === 1) dr[idx(g[i])]++;
      });
      const N = nr[0] + nr[1] + nr[2];
      const D = dr[0] + dr[1] + dr[2];
      for (let k = 0; k < 3; k++) {
        O[k] += dr[k];
        E[k] += (D * nr[k]) / N;
      }
      if (N > 1) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) V[a][b] += ((D * (N - D)) / (N * N * (N - 1))) * nr[a] * ((a === b ? N : 0) - nr[b]);
    }
    const u = [O[0] - E[0], O[1] - E[1]];
    const det = V[0][0] * V[1][1] - V[0][1] * V[1][0];
    const chi = (u[0] * (V[1][1] * u[0] - V[0][1] * u[1]) + u[1] * (-V[1][0] * u[0] + V[0][0] * u[1])) / det;
    expect(lr.statistic).toBeCloseTo(chi, 10);
    expect(lr.degreesOfFreedom).toBe(2);
    // χ²₂ survival is exp(−x/2) in closed form
    expect(Math.abs(lr.pValue - Math.exp(-chi / 2))).toBeLessThan(1e-12);
    expect([...lr.observed]).toEqual(O);
  });
});

describe('invariants and errors', () => {
  it('no censoring: S(t) is the empirical survival function (property, seed 8)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 80 }), (t) => {
        const km = kaplanMeier(t, t.map(() => 1));
        for (let k = 0; k < km.time.length; k++) {
          const frac = t.filter((v) => v > km.time[k]).length / t.length;
          expect(km.survival[k]).toBeCloseTo(frac, 12);
          expect(km.lower[k]).toBeLessThanOrEqual(km.survival[k] + 1e-15);
          expect(km.upper[k]).toBeGreaterThanOrEqual(km.survival[k] - 1e-15);
        }
      }),
      { seed: 8, numRuns: 80 },
    );
  });

  it('survival is non-increasing and within [0, 1] with censoring; order of rows does not matter (property, seed 9)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 50, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 60 }), (rows) => {
        const km = kaplanMeier(rows.map((r) => r[0]), rows.map((r) => r[1]));
        const rev = kaplanMeier(rows.map((r) => r[0]).reverse(), rows.map((r) => r[1]).reverse());
        expect(rev.survival).toEqual(km.survival);
        for (let k = 0; k < km.survival.length; k++) {
          expect(km.survival[k]).toBeGreaterThanOrEqual(0);
          expect(km.survival[k]).toBeLessThanOrEqual(k === 0 ? 1 : km.survival[k - 1]);
        }
      }),
      { seed: 9, numRuns: 80 },
    );
  });

  it('typed errors name the rows', () => {
    let err: unknown;
    try {
      kaplanMeier([1, -2, Number.NaN], [1, 2, 0]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => [i.path, i.row])).toEqual([
      ['durations', 1],
      ['events', 1],
      ['durations', 2],
    ]);
    expect(() => kaplanMeier([1, 2], [1])).toThrow(/expected 2 event flags/);
    expect(() => kaplanMeier([], [])).toThrow(NotEnoughDataError);
    expect(() => kaplanMeier([1], [1], { confidence: 1 })).toThrow(InvalidInputError);
    expect(() => kaplanMeier([1, 2], [1, 1], { groups: ['a'] })).toThrow(/expected 2 group labels/);
    expect(() => logRankTest([1, 2], [1, 1], ['a', 'a'])).toThrow(NotEnoughDataError);
    expect(kaplanMeier([1, 2], [1, 0], { groups: ['a', 'a'] }).logRank).toBeNull();
  });
});
