import { describe, expect, it } from 'vitest';
import { cleanTransactions } from '../../src/data/clean.js';
import { sampleTransactions } from '../../src/data/sample.js';
import { calibrationHoldoutSplit } from '../../src/data/split.js';
import { betaGeoModel, fitBetaGeo } from '../../src/models/btyd/betaGeo.js';
import { paretoNbdModel } from '../../src/models/btyd/paretoNbd.js';
import { calibrationHoldoutPlot, calibrationHoldoutTable, frequencyRecencyHeatmap, type FrequencyRecencyModel } from '../../src/plot/index.js';
import { thrownInvalidInput } from '../helpers/thrown.js';
import { checkSpec } from './render.js';

// BG/NBD on CDNOW (Fader, Hardie & Lee 2005, weeks); Pareto/NBD on CDNOW (Schmittlein et al. via lifetimes' docs).
const bgnbd = betaGeoModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
const pnbd = paretoNbdModel({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, { unit: 'week' });

describe('frequencyRecencyHeatmap', () => {
  it('gives every cell the model’s own prediction for that (x, t_x, T), one customer at a time', async () => {
    const spec = frequencyRecencyHeatmap(bgnbd, { T: 39, maxFrequency: 12, horizon: 4 });
    const rows = spec.data.values;
    // Frequency 0 only at recency 0; 12 frequencies × 40 recency columns (0, 1, …, 39).
    expect(rows).toHaveLength(1 + 12 * 40);
    for (const d of rows) {
      const c = { frequency: d.frequency as number, recency: d.recency as number, T: 39 };
      expect(d.value).toBe(bgnbd.conditionalExpectedPurchases(4, c));
      expect(c.recency).toBeLessThanOrEqual(39);
      if (c.frequency === 0) expect(c.recency).toBe(0);
    }
    expect(rows.filter((d) => d.frequency === 5).map((d) => d.recency)).toEqual(Array.from({ length: 40 }, (_, j) => j));
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(rows.length);
  });

  it('shows P(alive) with metric probabilityAlive, on a Pareto/NBD model too, with units in the titles', async () => {
    const spec = frequencyRecencyHeatmap(pnbd, { T: 52, metric: 'probabilityAlive', maxFrequency: 6, maxRecency: 26, cells: 14 });
    const rows = spec.data.values;
    expect(rows).toHaveLength(1 + 6 * 14);
    for (const d of rows) {
      expect(d.value).toBe(pnbd.probabilityAlive({ frequency: d.frequency as number, recency: d.recency as number, T: 52 }));
    }
    expect(Math.max(...rows.map((d) => d.recency as number))).toBe(26);
    expect(JSON.stringify(spec.title)).toContain('T = 52 weeks');
    expect(JSON.stringify(spec.encoding)).toContain('(weeks)');
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(rows.length);
  });

  it('by default reaches the 99th percentile of a new customer’s repeat purchases over T', () => {
    const spec = frequencyRecencyHeatmap(bgnbd, { T: 39 });
    const maxF = Math.max(...spec.data.values.map((d) => d.frequency as number));
    let below = 0;
    for (let n = 0; n < maxF; n++) below += bgnbd.probabilityOfPurchases(n, 39);
    expect(below).toBeLessThan(0.99);
    expect(below + bgnbd.probabilityOfPurchases(maxF, 39)).toBeGreaterThanOrEqual(0.99);
  });

  it('leaves cells without a finite prediction blank and says how many', () => {
    const model: FrequencyRecencyModel = {
      conditionalExpectedPurchases: (_t, c) => Float64Array.from(c.frequency, (x) => (x === 2 ? NaN : x)),
      probabilityAlive: (c) => new Float64Array(c.frequency.length).fill(0.5),
    };
    const spec = frequencyRecencyHeatmap(model, { T: 3, maxFrequency: 2 });
    expect(spec.data.values.some((d) => d.frequency === 2)).toBe(false);
    expect(spec.data.values).toHaveLength(1 + 4);
    expect(JSON.stringify(spec.title)).toContain('4 cells with no finite prediction left blank');
  });

  it('requires T, rejects maxRecency > T, bad options and non-models', () => {
    expect(thrownInvalidInput(() => frequencyRecencyHeatmap(bgnbd)).issues[0].path).toBe('options.T');
    expect(thrownInvalidInput(() => frequencyRecencyHeatmap(bgnbd, { T: 10, maxRecency: 11 })).issues[0].path).toBe('options.maxRecency');
    expect(thrownInvalidInput(() => frequencyRecencyHeatmap(bgnbd, { T: 10, cells: 1 })).issues[0].path).toBe('options.cells');
    expect(thrownInvalidInput(() => frequencyRecencyHeatmap(bgnbd, { T: 10, metric: 'x' as never })).issues[0].path).toBe('options.metric');
    expect(thrownInvalidInput(() => frequencyRecencyHeatmap(bgnbd, { T: 10, colour: 1 } as never)).issues[0].path).toBe('options.colour');
    expect(thrownInvalidInput(() => frequencyRecencyHeatmap({} as never, { T: 10 })).issues[0].path).toBe('model.conditionalExpectedPurchases');
    const noPmf: FrequencyRecencyModel = {
      conditionalExpectedPurchases: (t, c) => bgnbd.conditionalExpectedPurchases(t, c),
      probabilityAlive: (c) => bgnbd.probabilityAlive(c),
    };
    expect(thrownInvalidInput(() => frequencyRecencyHeatmap(noPmf, { T: 10 })).issues[0].path).toBe('options.maxFrequency');
  });
});

describe('calibrationHoldoutTable', () => {
  it('averages holdout purchases and predictions per calibration-frequency bucket (hand computation)', () => {
    const calibration = { frequency: [0, 0, 1, 2, 2, 7, 9], recency: [0, 0, 5, 10, 3, 20, 25], T: [30, 20, 30, 30, 12, 30, 30] };
    const holdout = { frequency: [0, 1, 2, 1, 3, 4, 6], duration: 13 };
    const rows = calibrationHoldoutTable(bgnbd, { calibration, holdout });
    const p = (i: number): number =>
      bgnbd.conditionalExpectedPurchases(13, { frequency: calibration.frequency[i], recency: calibration.recency[i], T: calibration.T[i] });
    const close = (a: number, b: number): void => {
      expect(a).toBeCloseTo(b, 14);
    };
    expect(rows.map((r) => [r.frequency, r.customers])).toEqual([['0', 2], ['1', 1], ['2', 2], ['7+', 2]]);
    expect(rows.map((r) => r.actual)).toEqual([0.5, 2, 2, 5]);
    close(rows[0].predicted, (p(0) + p(1)) / 2);
    close(rows[1].predicted, p(2));
    close(rows[2].predicted, (p(3) + p(4)) / 2);
    close(rows[3].predicted, (p(5) + p(6)) / 2);
    // maxFrequency 2: buckets 0, 1, 2+.
    const coarse = calibrationHoldoutTable(bgnbd, { calibration, holdout }, { maxFrequency: 2 });
    expect(coarse.map((r) => [r.frequency, r.customers, r.actual])).toEqual([['0', 2, 0.5], ['1', 1, 2], ['2+', 4, 3.5]]);
  });

  it('builds, with calibrationHoldoutSplit, the rows of a plot that renders two lines', async () => {
    const { transactions } = cleanTransactions(sampleTransactions());
    const split = calibrationHoldoutSplit(transactions, { calibrationEnd: '2024-06-30', unit: 'week' });
    const model = fitBetaGeo(split.calibration);
    const rows = calibrationHoldoutTable(model, split);
    expect(rows.map((r) => r.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    const customers = rows.reduce((s, r) => s + (r.customers ?? 0), 0);
    expect(customers).toBe(split.calibration.size);
    const actualTotal = rows.reduce((s, r) => s + r.actual * (r.customers ?? 0), 0);
    expect(actualTotal).toBeCloseTo(split.holdout.frequency.reduce((s, v) => s + v, 0), 9);
    const predictedTotal = rows.reduce((s, r) => s + r.predicted * (r.customers ?? 0), 0);
    expect(predictedTotal).toBeCloseTo(model.conditionalExpectedPurchases(split.holdout.duration, split.calibration).reduce((s, v) => s + v, 0), 9);

    const spec = calibrationHoldoutPlot(rows, { duration: split.holdout.duration, unit: 'week' });
    expect(spec.data.values).toHaveLength(2 * rows.length);
    expect(spec.data.values.filter((d) => d.series === 'Model').map((d) => d.purchases)).toEqual(rows.map((r) => r.predicted));
    expect(spec.data.values.filter((d) => d.series === 'Actual').map((d) => d.purchases)).toEqual(rows.map((r) => r.actual));
    expect(split.holdout.duration).toBeCloseTo(26.142857, 5);
    expect(JSON.stringify(spec.encoding)).toContain("(26.14 weeks)");
    const r = await checkSpec(spec);
    expect(r.marks('line')).toBe(2);
    expect(r.marks('symbol')).toBe(2 * rows.length);
  });

  it('rejects bad holdout purchases (naming the row), unequal lengths and a bad duration', () => {
    const calibration = { frequency: [0, 1], recency: [0, 2], T: [5, 5] };
    const bad = thrownInvalidInput(() => calibrationHoldoutTable(bgnbd, { calibration, holdout: { frequency: [0, -1], duration: 4 } }));
    expect(bad.issues[0]).toMatchObject({ path: 'split.holdout.frequency', row: 1 });
    expect(thrownInvalidInput(() => calibrationHoldoutTable(bgnbd, { calibration, holdout: { frequency: [0], duration: 4 } })).issues[0].path).toBe(
      'split.holdout.frequency',
    );
    expect(thrownInvalidInput(() => calibrationHoldoutTable(bgnbd, { calibration, holdout: { frequency: [0, 1], duration: 0 } })).issues[0].path).toBe(
      'split.holdout.duration',
    );
    const wrongCal = { frequency: [0, 1], recency: [0, 9], T: [5, 5] };
    expect(thrownInvalidInput(() => calibrationHoldoutTable(bgnbd, { calibration: wrongCal, holdout: { frequency: [0, 1], duration: 4 } })).issues[0]).toMatchObject({
      path: 'recency',
      row: 1,
    });
  });
});

describe('calibrationHoldoutPlot', () => {
  it('rejects empty rows, a repeated bucket and a non-finite mean (naming the row)', () => {
    expect(thrownInvalidInput(() => calibrationHoldoutPlot([])).message).toContain('nothing to plot');
    const dup = thrownInvalidInput(() => calibrationHoldoutPlot([{ frequency: 1, actual: 1, predicted: 1 }, { frequency: '1', actual: 1, predicted: 1 }]));
    expect(dup.issues[0]).toMatchObject({ path: 'frequency', row: 1 });
    const nan = thrownInvalidInput(() => calibrationHoldoutPlot([{ frequency: 0, actual: 1, predicted: 1 }, { frequency: 1, actual: NaN, predicted: 1 }]));
    expect(nan.issues[0]).toMatchObject({ path: 'actual', row: 1 });
  });

  it('keeps customers null when not given, and the buckets in the order given', async () => {
    const spec = calibrationHoldoutPlot([{ frequency: '3+', actual: 2, predicted: 2.2 }, { frequency: 0, actual: 0.1, predicted: 0.1 }]);
    expect(spec.data.values.map((d) => [d.frequency, d.customers])).toEqual([['3+', null], ['3+', null], ['0', null], ['0', null]]);
    expect((spec.encoding as { x: { sort: string[] } }).x.sort).toEqual(['3+', '0']);
    await checkSpec(spec);
  });
});
