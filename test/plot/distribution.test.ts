import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symlogTicks } from '../../src/plot/distribution.js';
import { clvDistribution } from '../../src/plot/index.js';
import { thrownInvalidInput } from '../helpers/thrown.js';
import { checkSpec } from './render.js';

const clv = [0, 5, 12, 12, 30, 45, 80, 150, 900];

describe('clvDistribution', () => {
  it('bins by hand: 5 equal bins over [0, 900], mean and median rules', async () => {
    const spec = clvDistribution([...clv, NaN, Infinity], { bins: 5, unit: 'USD' });
    const rows = spec.data.values;
    expect(rows.map((d) => [d.binStart, d.binEnd])).toEqual([[0, 180], [180, 360], [360, 540], [540, 720], [720, 900]]);
    expect(rows.map((d) => d.count)).toEqual([8, 0, 0, 0, 1]);
    expect(rows.map((d) => d.share)).toEqual([8 / 9, 0, 0, 0, 1 / 9]);
    const stats = (spec.layer as { data?: { values: { statistic: string; value: number }[] } }[])[1].data?.values;
    expect(stats).toEqual([{ statistic: 'Mean', value: 1234 / 9 }, { statistic: 'Median', value: 30 }]);
    expect(JSON.stringify(spec.title)).toContain('2 non-finite values left out');
    expect(JSON.stringify(spec)).toContain('Customer lifetime value (USD)');
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(5);
    expect(r.marks('rule')).toBe(2);
  });

  it('clips at a quantile: larger values land in the last bin, and the title says so', async () => {
    // numpy.quantile(clv, 0.8) = 80 + 0.4 · 70 = 108.
    const spec = clvDistribution(clv, { bins: 5, clip: 0.8 });
    spec.data.values.forEach((d, k) => {
      expect(d.binEnd).toBeCloseTo(21.6 * (k + 1), 12);
    });
    expect(spec.data.values.map((d) => d.count)).toEqual([4, 1, 1, 1, 2]);
    expect(JSON.stringify(spec.title)).toContain('clipped at the 80th percentile (108)');
    // The mean (137.1) is off the clipped axis: only the median's rule is drawn.
    const r = await checkSpec(spec);
    expect(r.marks('rule')).toBe(1);
  });

  it('bins on a symmetric-log axis with logScale', async () => {
    const spec = clvDistribution(clv, { bins: 4, logScale: true });
    const edges = [0, 1, 2, 3, 4].map((k) => Math.expm1((k * Math.log1p(900)) / 4));
    spec.data.values.forEach((d, k) => {
      expect(d.binStart).toBeCloseTo(edges[k], 9);
      expect(d.binEnd).toBeCloseTo(edges[k + 1], 9);
    });
    // log1p(900)/4 ≈ 1.701: edges ≈ 0, 4.48, 29.0, 163.5, 900.
    expect(spec.data.values.map((d) => d.count)).toEqual([1, 3, 4, 1]);
    expect(JSON.stringify(spec)).toContain('"symlog"');
    // Axis ticks 0 and 1-2-5 × 10^k up to the largest value (Vega's own bunch at the top).
    const axis = (spec.layer as { encoding: { x: { axis?: { values: number[] } } } }[])[0].encoding.x.axis;
    expect(axis?.values).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200, 500]);
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(4);
  });

  it('symlog ticks: 1-2-5 per decade, 1 per decade past six, mirrored below 0, none below a span of 10', () => {
    expect(symlogTicks(0, 5500)).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]);
    expect(symlogTicks(-30, 12)).toEqual([-20, -10, -5, -2, -1, 0, 1, 2, 5, 10]);
    expect(symlogTicks(3, 2e7)).toEqual([10, 100, 1000, 1e4, 1e5, 1e6, 1e7]);
    expect(symlogTicks(0, 9.5)).toBeUndefined();
    expect(symlogTicks(0, Infinity)).toBeUndefined();
  });

  it('counts always sum to the number of finite values (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(NaN, Infinity, 0)), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
        (values, bins, logScale, clip) => {
          const finite = values.filter(Number.isFinite).length;
          fc.pre(finite > 0);
          const spec = clvDistribution(values, { bins, logScale, ...(clip === undefined ? {} : { clip }) });
          const rows = spec.data.values;
          expect(rows).toHaveLength(bins);
          expect(rows.reduce((s, d) => s + (d.count as number), 0)).toBe(finite);
          for (const d of rows) expect(d.binEnd as number).toBeGreaterThanOrEqual(d.binStart as number);
          expect(JSON.parse(JSON.stringify(spec))).toStrictEqual(spec);
        },
      ),
      { seed: 20261124, numRuns: 200 },
    );
  });

  it('handles all-equal values with one unit-wide range', () => {
    const rows = clvDistribution([7, 7, 7], { bins: 2 }).data.values;
    expect(rows).toEqual([{ binStart: 6.5, binEnd: 7, count: 0, share: 0 }, { binStart: 7, binEnd: 7.5, count: 3, share: 1 }]);
  });

  it('rejects empty input, non-numbers (naming the row), all-NaN input and bad options', () => {
    expect(thrownInvalidInput(() => clvDistribution([])).message).toContain('nothing to plot');
    expect(thrownInvalidInput(() => clvDistribution([1, '2' as never])).issues[0]).toMatchObject({ path: 'values', row: 1 });
    expect(thrownInvalidInput(() => clvDistribution([NaN, NaN])).message).toContain('finite');
    expect(thrownInvalidInput(() => clvDistribution([1], { bins: 0 })).issues[0].path).toBe('options.bins');
    expect(thrownInvalidInput(() => clvDistribution([1], { clip: 0 })).issues[0].path).toBe('options.clip');
    expect(thrownInvalidInput(() => clvDistribution('abc' as never)).issues[0].path).toBe('values');
  });
});
