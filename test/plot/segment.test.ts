import { describe, expect, it } from 'vitest';
import { segmentScatter } from '../../src/plot/index.js';
import { thrownInvalidInput } from '../helpers/thrown.js';
import { checkSpec } from './render.js';

const points = [
  { recency: 3, frequency: 12, monetary: 80, segment: 'Champions' },
  { recency: 40, frequency: 2, monetary: 25, segment: 'At risk' },
  { recency: 200, frequency: 1, monetary: 0, segment: 'Lost' },
  { recency: 5, frequency: 9, monetary: 60.5, segment: 'Champions' },
];

describe('segmentScatter', () => {
  it('copies the chosen fields under fixed names, segments in order of first appearance', async () => {
    const spec = segmentScatter(points, { x: 'recency', y: 'frequency', size: 'monetary', xTitle: 'Days since last purchase', yTitle: 'Purchases' });
    expect(spec.data.values).toEqual(points.map((p) => ({ x: p.recency, y: p.frequency, color: p.segment, size: p.monetary })));
    const enc = spec.encoding as { color: { scale: { domain: string[] } }; x: { title: string } };
    expect(enc.color.scale.domain).toEqual(['Champions', 'At risk', 'Lost']);
    expect(enc.x.title).toBe('Days since last purchase');
    const r = await checkSpec(spec);
    expect(r.marks('symbol')).toBe(4);
  });

  it('gives every segment its own (colour, shape) pair when there are more segments than colours', async () => {
    const names = Array.from({ length: 11 }, (_, k) => `S${k}`);
    const spec = segmentScatter(names.map((segment, k) => ({ r: k, f: k + 1, segment })), { x: 'r', y: 'f' });
    const enc = spec.encoding as { color: { scale: { range: string[] } }; shape: { field: string; scale: { domain: string[]; range: string[] } } };
    expect(enc.shape.field).toBe('color');
    expect(enc.shape.scale.domain).toEqual(names);
    const pairs = names.map((_, k) => `${enc.color.scale.range[k]} ${enc.shape.scale.range[k]}`);
    expect(new Set(pairs).size).toBe(11);
    expect(new Set(enc.color.scale.range.slice(0, 8)).size).toBe(8); // the 8 Okabe–Ito colours first
    const r = await checkSpec(spec);
    expect(r.marks('symbol')).toBe(11);
    // Up to 8 segments: colour only.
    expect((segmentScatter(points, { x: 'recency', y: 'frequency' }).encoding as Record<string, unknown>)['shape']).toBeUndefined();
  });

  it('uses symmetric-log axes on request, and field names with dots', async () => {
    const rows = [{ 'a.b': 0, 'c[0]': 1, group: 1 }, { 'a.b': 1000, 'c[0]': 5, group: 2 }];
    const spec = segmentScatter(rows, { x: 'a.b', y: 'c[0]', color: 'group', logX: true, logY: true });
    expect(spec.data.values).toEqual([{ x: 0, y: 1, color: '1' }, { x: 1000, y: 5, color: '2' }]);
    expect(JSON.stringify(spec.encoding)).toContain('"symlog"');
    const r = await checkSpec(spec);
    expect(r.marks('symbol')).toBe(2);
  });

  it('does not colour when the default segment field is in no point', async () => {
    const spec = segmentScatter([{ a: 1, b: 2 }, { a: 2, b: 3 }], { x: 'a', y: 'b' });
    expect(spec.data.values).toEqual([{ x: 1, y: 2 }, { x: 2, y: 3 }]);
    expect((spec.encoding as Record<string, unknown>)['color']).toBeUndefined();
    await checkSpec(spec);
  });

  it('rejects no points, non-numeric or missing coordinates and missing segments (naming row and field)', () => {
    expect(thrownInvalidInput(() => segmentScatter([], { x: 'a', y: 'b' })).message).toContain('nothing to plot');
    const bad = thrownInvalidInput(() => segmentScatter([{ a: 1, b: 2 }, { a: '1', b: NaN }], { x: 'a', y: 'b' }));
    expect(bad.issues).toMatchObject([{ path: 'a', row: 1 }, { path: 'b', row: 1 }]);
    const seg = thrownInvalidInput(() => segmentScatter([{ a: 1, b: 2, segment: 'x' }, { a: 1, b: 2 }], { x: 'a', y: 'b' }));
    expect(seg.issues[0]).toMatchObject({ path: 'segment', row: 1 });
    expect(thrownInvalidInput(() => segmentScatter([{ a: 1, b: 2 }], { x: 'a', y: 'b', color: 'kind' })).issues[0]).toMatchObject({ path: 'kind', row: 0 });
    expect(thrownInvalidInput(() => segmentScatter([{ a: 1, b: 2, m: -1 }], { x: 'a', y: 'b', size: 'm' })).issues[0]).toMatchObject({ path: 'm', row: 0 });
    expect(thrownInvalidInput(() => segmentScatter([{ a: 1, b: 2 }], { y: 'b' } as never)).issues[0].path).toBe('options.x');
    expect(thrownInvalidInput(() => segmentScatter([null as never], { x: 'a', y: 'b' })).issues[0]).toMatchObject({ path: 'points', row: 0 });
  });
});
