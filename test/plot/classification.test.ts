import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/math/random.js';
import { liftTable, rocAuc, rocCurve } from '../../src/metrics/classification.js';
import { liftChart, rocCurvePlot } from '../../src/plot/index.js';
import { NotEnoughDataError } from '../../src/errors.js';
import { thrown, thrownInvalidInput } from '../helpers/thrown.js';
import { checkSpec } from './render.js';

// 500 customers: bought again (1) with probability equal to a noisy score.
const random = createRandom(7);
const score: number[] = [];
const bought: number[] = [];
for (let i = 0; i < 500; i++) {
  const s = random.next();
  score.push(Math.round(s * 1000) / 1000);
  bought.push(random.next() < s ? 1 : 0);
}

describe('rocCurvePlot', () => {
  it('plots rocCurve’s points with the chance diagonal and rocAuc in the title', async () => {
    const spec = rocCurvePlot(bought, score);
    const curve = rocCurve(bought, score);
    expect(spec.data.values.map((d) => d.fpr)).toEqual(Array.from(curve.fpr));
    expect(spec.data.values.map((d) => d.tpr)).toEqual(Array.from(curve.tpr));
    expect(spec.data.values[0].threshold).toBeNull();
    expect(spec.data.values.slice(1).map((d) => d.threshold)).toEqual(Array.from(curve.thresholds.slice(1)));
    const positives = bought.reduce((s, v) => s + v, 0);
    expect(spec.title).toEqual({ text: `ROC curve (AUC = ${rocAuc(bought, score).toFixed(3)})`, subtitle: `${positives} positives, ${500 - positives} negatives` });
    const r = await checkSpec(spec);
    expect(r.marks('line')).toBe(2);
    expect(r.marks('symbol')).toBe(curve.fpr.length);
  });

  it('passes positiveLabel through and lets the metrics reject bad input', () => {
    const spec = rocCurvePlot(['no', 'yes', 'yes'], [0.2, 0.9, 0.4], { positiveLabel: 'yes' });
    expect(JSON.stringify(spec.title)).toContain('AUC = 1.000');
    expect(thrown(() => rocCurvePlot([1, 1], [0.2, 0.3]))).toBeInstanceOf(NotEnoughDataError);
    expect(thrownInvalidInput(() => rocCurvePlot([0, 1], [0.2])).code).toBe('INVALID_INPUT');
    expect(thrownInvalidInput(() => rocCurvePlot([0, 1], [0.2, 0.3], { positive: 1 } as never)).issues[0].path).toBe('options.positive');
  });
});

describe('liftChart', () => {
  it('shows liftTable’s deciles: lift bars, cumulative lift line, baseline rule', async () => {
    const spec = liftChart(bought, score);
    const table = liftTable(bought, score);
    const rows = spec.data.values;
    expect(rows.map((d) => d.group)).toEqual(table.map((t) => t.group));
    expect(rows.map((d) => d.lift)).toEqual(table.map((t) => t.lift));
    expect(rows.map((d) => d.cumulativeGain)).toEqual(table.map((t) => t.cumulativeGain));
    // Cumulative lift by hand: (positives in the top k deciles / their size) / overall rate.
    const rate = bought.reduce((s, v) => s + v, 0) / 500;
    let pos = 0;
    let size = 0;
    table.forEach((t, k) => {
      pos += t.positives;
      size += t.count;
      expect(rows[k].cumulativeLift).toBeCloseTo(pos / size / rate, 12);
      expect(rows[k].targeted).toBeCloseTo(size / 500, 15);
    });
    expect(rows[9].cumulativeLift).toBeCloseTo(1, 12);
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(10);
    expect(r.marks('line')).toBe(1);
    expect(r.marks('rule')).toBe(1);
  });

  it('shows cumulative gains from the origin with the diagonal', async () => {
    const spec = liftChart(bought, score, { metric: 'gains', groups: 5 });
    const table = liftTable(bought, score, { groups: 5 });
    expect(spec.data.values.map((d) => [d.targeted, d.cumulativeGain])).toEqual([[0, 0], ...table.map((t, k) => [(k + 1) / 5, t.cumulativeGain])]);
    const r = await checkSpec(spec);
    expect(r.marks('line')).toBe(2);
    expect(r.marks('symbol')).toBe(6);
  });

  it('rejects labels without positives and bad options', () => {
    expect(thrown(() => liftChart([0, 0], [0.1, 0.2]))).toBeInstanceOf(NotEnoughDataError);
    expect(thrownInvalidInput(() => liftChart([0, 1], [0.1, 0.2], { metric: 'roc' as never })).issues[0].path).toBe('options.metric');
  });
});
