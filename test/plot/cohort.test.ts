import { describe, expect, it } from 'vitest';
import { cleanTransactions } from '../../src/data/clean.js';
import { cohortTable } from '../../src/data/cohort.js';
import { sampleTransactions } from '../../src/data/sample.js';
import { cohortRetentionHeatmap } from '../../src/plot/index.js';
import { thrownInvalidInput } from '../helpers/thrown.js';
import { checkSpec } from './render.js';

describe('cohortRetentionHeatmap', () => {
  it('draws one cell per (cohort, offset) of a cohortTable, with its retention, size and label', async () => {
    const { transactions } = cleanTransactions(sampleTransactions());
    const table = cohortTable(transactions, { period: 'month' });
    const spec = cohortRetentionHeatmap(table);
    const cells = table.retention.reduce((s, row) => s + row.length, 0);
    expect(spec.data.values).toHaveLength(cells);
    let i = 0;
    for (let c = 0; c < table.cohorts.length; c++) {
      for (let k = 0; k < table.retention[c].length; k++) {
        const d = spec.data.values[i++];
        expect(d).toEqual({
          cohort: table.cohorts[c],
          label: `${table.cohorts[c]} (n = ${table.size[c].toLocaleString('en-US')})`,
          size: table.size[c],
          offset: k,
          retention: table.activeCustomers[c][k] / table.size[c],
        });
      }
    }
    expect(JSON.stringify(spec)).toContain('Months since acquisition');
    // 24 monthly cohorts: 300 cells, so the percentages are written in them.
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(cells);
    expect(r.marks('text')).toBe(cells);
  });

  it('leaves the labels out on request and accepts plain objects (ragged rows, no period)', async () => {
    const spec = cohortRetentionHeatmap({ cohorts: ['A', 'B', 'C'], size: [10, 4, 1], retention: [[1, 0.5, 0.3], [1, 0.25], [1]] }, { labels: false, width: 300 });
    expect(spec.data.values.map((d) => d.retention)).toEqual([1, 0.5, 0.3, 1, 0.25, 1]);
    expect(spec.width).toBe(300);
    expect(JSON.stringify(spec)).toContain('Periods since acquisition');
    const r = await checkSpec(spec);
    expect(r.marks('rect')).toBe(6);
    expect(r.marks('text')).toBe(0);
  });

  it('rejects no cohorts, mismatched sizes, duplicate labels and retention outside [0, 1] (naming the row)', () => {
    expect(thrownInvalidInput(() => cohortRetentionHeatmap({ cohorts: [], size: [], retention: [] })).message).toContain('empty array');
    expect(thrownInvalidInput(() => cohortRetentionHeatmap({ cohorts: ['a', 'b'], size: [1], retention: [[1], [1]] })).issues[0].path).toBe('size');
    expect(thrownInvalidInput(() => cohortRetentionHeatmap({ cohorts: ['a', 'a'], size: [1, 1], retention: [[1], [1]] })).issues[0]).toMatchObject({
      path: 'cohorts',
      row: 1,
    });
    const bad = thrownInvalidInput(() => cohortRetentionHeatmap({ cohorts: ['a', 'b'], size: [1, 2], retention: [[1], [1, 1.5]] }));
    expect(bad.issues[0]).toMatchObject({ path: 'retention[1][1]', row: 1 });
    expect(thrownInvalidInput(() => cohortRetentionHeatmap({ cohorts: ['a'], size: [1], retention: [[]] })).message).toContain('nothing to plot');
    expect(thrownInvalidInput(() => cohortRetentionHeatmap({ cohorts: ['a'], size: [-1], retention: [[1]] })).issues[0]).toMatchObject({ path: 'size', row: 0 });
  });
});
