import { describe, expect, it } from 'vitest';
import { kaplanMeier, type KaplanMeierResult } from '../../src/models/survival/kaplanMeier.js';
import { survivalCurve } from '../../src/plot/index.js';
import { thrownInvalidInput } from '../helpers/thrown.js';
import { checkSpec } from './render.js';

const months = [2, 3, 3, 5, 6, 8, 9, 12, 12, 14];
const churned = [1, 1, 0, 1, 0, 1, 1, 0, 0, 0];
const plan = ['a', 'a', 'b', 'a', 'b', 'a', 'a', 'b', 'b', 'b'];

describe('survivalCurve', () => {
  it('plots the Kaplan–Meier table from S(0) = 1, with its band, as step lines', async () => {
    const km = kaplanMeier(months, churned);
    const spec = survivalCurve(km, { unit: 'month' });
    const rows = spec.data.values;
    expect(rows[0]).toEqual({ group: 'All', time: 0, survival: 1, lower: 1, upper: 1, atRisk: 10 });
    expect(rows.slice(1).map((d) => d.time)).toEqual(Array.from(km.time));
    expect(rows.slice(1).map((d) => d.survival)).toEqual(Array.from(km.survival));
    expect(rows.slice(1).map((d) => d.lower)).toEqual(Array.from(km.lower));
    expect(rows.slice(1).map((d) => d.upper)).toEqual(Array.from(km.upper));
    expect(rows.slice(1).map((d) => d.atRisk)).toEqual(Array.from(km.atRisk));
    expect(JSON.stringify(spec)).toContain('Time (months)');
    expect(JSON.stringify(spec.title)).toContain('Median survival 9');
    expect(JSON.stringify(spec)).toContain('step-after');
    const r = await checkSpec(spec);
    expect(r.marks('line')).toBe(1);
    expect(r.marks('area')).toBe(1);
  });

  it('draws one curve and band per group, with the log-rank p-value', async () => {
    const km = kaplanMeier(months, churned, { groups: plan });
    const spec = survivalCurve(km);
    for (const g of km.groups) {
      const rows = spec.data.values.filter((d) => d.group === g.group);
      expect(rows.filter((d) => d.time !== 0 || g.time[0] === 0).map((d) => d.survival)).toEqual(Array.from(g.survival));
    }
    expect(JSON.stringify(spec.title)).toContain(`p = ${Number(km.logRank?.pValue.toPrecision(4))}`);
    const r = await checkSpec(spec);
    expect(r.marks('line')).toBe(2);
    expect(r.marks('area')).toBe(2);
    const noBand = await checkSpec(survivalCurve(km, { band: false }));
    expect(noBand.marks('area')).toBe(0);
  });

  it('keeps a curve that starts at time 0 as it is, and a NaN band end as null', () => {
    const km = kaplanMeier([0, 1, 2], [1, 0, 1]);
    const nanBand = { ...km, lower: Float64Array.from(km.lower, (v, i) => (i === 1 ? NaN : v)) } as KaplanMeierResult;
    const rows = survivalCurve(nanBand).data.values;
    expect(rows.map((d) => d.time)).toEqual([0, 1, 2]);
    expect(rows[1].lower).toBeNull();
  });

  it('rejects malformed results, naming the column and row', () => {
    const km = kaplanMeier(months, churned);
    expect(thrownInvalidInput(() => survivalCurve({ ...km, survival: km.survival.slice(1) })).issues[0].path).toBe('km.survival');
    const bad = thrownInvalidInput(() => survivalCurve({ ...km, survival: Float64Array.from(km.survival, (v, i) => (i === 2 ? 1.5 : v)) }));
    expect(bad.issues[0]).toMatchObject({ path: 'km.survival', row: 2 });
    expect(thrownInvalidInput(() => survivalCurve(null as never)).issues[0].path).toBe('km');
    expect(thrownInvalidInput(() => survivalCurve(km, { unit: '' })).issues[0].path).toBe('options.unit');
  });
});
