import { describe, expect, it } from 'vitest';
import { cleanTransactions } from '../../src/data/clean.js';
import { sampleTransactions } from '../../src/data/sample.js';
import { createLifecycle } from '../../src/lifecycle/lifecycle.js';
import { stageMixOverTime, transitionHeatmap } from '../../src/plot/index.js';
import { thrownInvalidInput } from '../helpers/thrown.js';
import { checkSpec } from './render.js';

const { transactions } = cleanTransactions(sampleTransactions());
const lifecycle = createLifecycle();
const options = { every: 'month', from: '2024-01-01' } as const;

describe('stageMixOverTime', () => {
  it('stacks each stage’s share at each snapshot of stageCounts', async () => {
    const counts = lifecycle.stageCounts(transactions, options);
    const spec = stageMixOverTime(counts);
    const rows = spec.data.values;
    expect(rows).toHaveLength(counts.at.length * counts.stages.length);
    counts.at.forEach((at, k) => {
      const snap = rows.filter((d) => d.at === at.toISOString());
      expect(snap.map((d) => d.stage)).toEqual([...counts.stages]);
      expect(snap.map((d) => d.count)).toEqual([...counts.counts[k]]);
      snap.forEach((d, s) => {
        expect(d.share).toBe(counts.counts[k][s] / counts.population[k]);
      });
      expect(snap.reduce((t, d) => t + (d.share as number), 0)).toBeCloseTo(1, 12);
    });
    expect((spec.encoding as { y: { field: string } }).y.field).toBe('share');
    const r = await checkSpec(spec);
    expect(r.marks('area')).toBe(counts.stages.length);
  });

  it('plots counts as stacked bars on request, and takes ISO strings', async () => {
    const spec = stageMixOverTime({ stages: ['new', 'active'], at: ['2024-01-31', '2024-02-29T23:59:59.999Z'], counts: [[3, 0], [1, 4]] }, { normalize: false, mark: 'bar' });
    expect(spec.data.values.map((d) => [d.date, d.stage, d.count, d.share])).toEqual([
      ['2024-01-31', 'new', 3, 1],
      ['2024-01-31', 'active', 0, 0],
      ['2024-02-29', 'new', 1, 0.2],
      ['2024-02-29', 'active', 4, 0.8],
    ]);
    expect((spec.encoding as { y: { field: string } }).y.field).toBe('count');
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(4);
    // One snapshot: bars by default; an empty snapshot has shares 0.
    const one = stageMixOverTime({ stages: ['a'], at: [new Date(0)], counts: [[0]] });
    expect(one.mark).toEqual({ type: 'bar' });
    expect(one.data.values[0].share).toBe(0);
    await checkSpec(one);
  });

  it('rejects unreadable instants, rows of the wrong length and negative counts (naming the row)', () => {
    expect(thrownInvalidInput(() => stageMixOverTime({ stages: ['a'], at: ['yesterday'], counts: [[1]] })).issues[0]).toMatchObject({ path: 'at', row: 0 });
    expect(thrownInvalidInput(() => stageMixOverTime({ stages: ['a', 'b'], at: ['2024-01-01'], counts: [[1]] })).issues[0]).toMatchObject({ path: 'counts[0]', row: 0 });
    expect(thrownInvalidInput(() => stageMixOverTime({ stages: ['a'], at: ['2024-01-01', '2024-02-01'], counts: [[1]] })).issues[0].path).toBe('counts');
    expect(thrownInvalidInput(() => stageMixOverTime({ stages: ['a'], at: ['2024-01-01'], counts: [[-1]] })).issues[0]).toMatchObject({ path: 'counts[0][0]', row: 0 });
    expect(thrownInvalidInput(() => stageMixOverTime({ stages: [], at: [], counts: [] })).issues[0].path).toBe('stages');
  });
});

describe('transitionHeatmap', () => {
  it('draws and labels every cell of a lifecycle transition matrix', async () => {
    const m = lifecycle.transitionMatrix(transactions, options);
    const spec = transitionHeatmap(m);
    const S = m.stages.length;
    expect(spec.data.values).toHaveLength(S * S);
    spec.data.values.forEach((d, k) => {
      const i = Math.floor(k / S);
      const j = k % S;
      expect(d).toMatchObject({ from: m.stages[i], to: m.stages[j], probability: m.probabilities[i][j], count: m.counts[i][j], observed: m.observed[i] });
      expect(d.label).toBe(m.observed[i] ? `${Math.round(m.probabilities[i][j] * 100)}%` : '–');
    });
    // The default lifecycle never starts a month with a prospect or a new customer.
    expect(m.observed.filter((o) => !o)).toHaveLength(2);
    expect(JSON.stringify(spec.title)).toContain('Grey rows');
    expect(JSON.stringify(spec.title)).toContain(`over ${m.periods} consecutive snapshot pairs`);
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(S * S);
    expect(r.marks('text')).toBe(S * S);
  });

  it('rejects a matrix that is not square or holds a probability outside [0, 1]', () => {
    expect(thrownInvalidInput(() => transitionHeatmap({ stages: ['a', 'b'], probabilities: [[1, 0]] })).issues[0].path).toBe('probabilities');
    expect(thrownInvalidInput(() => transitionHeatmap({ stages: ['a', 'b'], probabilities: [[1, 0], [0.5]] })).issues[0]).toMatchObject({ path: 'probabilities[1]', row: 1 });
    expect(thrownInvalidInput(() => transitionHeatmap({ stages: ['a'], probabilities: [[1.2]] })).issues[0]).toMatchObject({ path: 'probabilities[0][0]', row: 0 });
    expect(thrownInvalidInput(() => transitionHeatmap({ stages: ['a'], probabilities: [[1]], counts: [[NaN]] })).issues[0].path).toBe('counts[0][0]');
    expect(thrownInvalidInput(() => transitionHeatmap({ stages: ['a'], probabilities: [[1]], observed: [] })).issues[0].path).toBe('observed');
  });
});
