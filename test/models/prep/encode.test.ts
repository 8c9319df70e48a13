import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { oneHot, oneHotFromJSON, standardize, standardScalerFromJSON } from '../../../src/models/prep/encode.js';
import { toMatrix } from '../../../src/models/prep/matrix.js';
import { loadTelco, TELCO_FIXTURE, TELCO_MISSING } from '../../helpers/telco.js';

interface TelcoFixture {
  columns: string[];
  n_rows_after_dropna: number;
  scaler: { mean: number[]; scale: number[] };
  train_positive: number;
  test_positive: number;
}
// Written by test/fixtures/make_telco_fixtures.py (pandas get_dummies + sklearn StandardScaler).
const F = JSON.parse(readFileSync(TELCO_FIXTURE, 'utf8')) as TelcoFixture;
const telco = loadTelco();

describe('oneHot', () => {
  const cols = { plan: ['b', 'a', 'c', 'a'], level: [2, 10, 2, 1] };

  it('one column per sorted category, named field_category (pandas get_dummies order)', () => {
    const enc = oneHot(cols);
    expect(enc.categories).toEqual({ plan: ['a', 'b', 'c'], level: [1, 2, 10] });
    expect(enc.featureNames).toEqual(['plan_a', 'plan_b', 'plan_c', 'level_1', 'level_2', 'level_10']);
    const X = enc.transform(cols);
    expect(X.nRows).toBe(4);
    expect(Array.from({ length: 4 }, (_, i) => [...X.data.subarray(i * 6, i * 6 + 6)])).toEqual([
      [0, 1, 0, 0, 1, 0],
      [1, 0, 0, 0, 0, 1],
      [0, 0, 1, 0, 1, 0],
      [1, 0, 0, 1, 0, 0],
    ]);
  });

  it('records and columns give the same encoding; drop "first" removes the reference level', () => {
    const records = cols.plan.map((p, i) => ({ plan: p, level: cols.level[i], id: i }));
    const byRec = oneHot(records, { columns: ['plan', 'level'], drop: 'first' });
    const byCol = oneHot(cols, { drop: 'first' });
    expect(byRec.featureNames).toEqual(['plan_b', 'plan_c', 'level_2', 'level_10']);
    expect(byRec.transform(records).data).toEqual(byCol.transform(cols).data);
    // default columns of records: the text/boolean fields of the first record
    expect(oneHot(records).columns).toEqual(['plan']);
  });

  it('unknown categories: error naming field and row, or all zeros with ignore', () => {
    const enc = oneHot(cols);
    let err: unknown;
    try {
      enc.transform({ plan: ['a', 'z'], level: [1, 1] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues[0]).toMatchObject({ path: 'plan', row: 1 });
    const ign = oneHot(cols, { handleUnknown: 'ignore' });
    expect([...ign.transform({ plan: ['z'], level: [2] }).data]).toEqual([0, 0, 0, 0, 1, 0]);
  });

  it('rejects missing values and bad options', () => {
    expect(() => oneHot({ a: ['x', null as unknown as string] })).toThrow(/row 1|a/);
    expect(() => oneHot({ a: ['x'], b: ['y', 'z'] })).toThrow(/expected 1 values/);
    expect(() => oneHot(cols, { drop: 'last' as 'first' })).toThrow(InvalidInputError);
  });

  it('each row has exactly one 1 per field (drop none) — property, seed 11', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('x', 'y', 'z'), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 30 }), (rows) => {
        const enc = oneHot({ s: rows.map((r) => r[0]), n: rows.map((r) => r[1]) });
        const X = enc.transform({ s: rows.map((r) => r[0]), n: rows.map((r) => r[1]) });
        for (let i = 0; i < X.nRows; i++) {
          let sum = 0;
          for (let j = 0; j < X.nCols; j++) sum += X.data[i * X.nCols + j];
          expect(sum).toBe(2);
        }
      }),
      { seed: 11, numRuns: 50 },
    );
  });
});

describe('standardize', () => {
  it('population std as StandardScaler; constant column only centred; inverse round-trips', () => {
    const X = [
      [1, 5, 0],
      [2, 5, 10],
      [6, 5, 20],
    ];
    const s = standardize(X);
    expect([...s.mean]).toEqual([3, 5, 10]);
    // closed form: sqrt(((1-3)^2 + (2-3)^2 + (6-3)^2) / 3) = sqrt(14/3)
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(14 / 3), 14);
    expect(s.scale[1]).toBe(1);
    expect(s.scale[2]).toBeCloseTo(Math.sqrt(200 / 3), 13);
    const Z = s.transform(X);
    expect(Z.data[1]).toBe(0);
    const back = s.inverseTransform(Z);
    back.data.forEach((v, k) => {
      expect(v).toBeCloseTo(toMatrix(X).data[k], 12);
    });
  });

  it('scales only the chosen columns; withMean / withStd', () => {
    const X = toMatrix({ data: Float64Array.from([0, 1, 2, 0, 4, 1]), nRows: 3, nCols: 2, columnNames: ['a', 'dummy'] });
    const s = standardize(X, { columns: ['a'] });
    expect(s.columns).toEqual([0]);
    const Z = s.transform(X);
    expect([Z.data[1], Z.data[3], Z.data[5]]).toEqual([1, 0, 1]);
    expect([...standardize(X, { withMean: false }).mean]).toEqual([0, 0]);
    expect([...standardize(X, { withStd: false }).scale]).toEqual([1, 1]);
    expect(() => standardize(X, { columns: ['nope'] })).toThrow(/unknown column/);
    expect(() => s.transform([[1, 2, 3]])).toThrow(/expected 2 columns/);
    expect(() => standardize([])).toThrow(InvalidInputError);
  });

  it('standardised columns have mean 0 and population variance 1 (property, seed 3)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 50 }), (v) => {
        const s = standardize(v.map((x) => [x]));
        fc.pre(s.scale[0] !== 1 || v.every((x) => x === v[0]));
        const z = s.transform(v.map((x) => [x])).data;
        const mean = z.reduce((a, b) => a + b, 0) / z.length;
        expect(Math.abs(mean)).toBeLessThan(1e-9);
        if (s.scale[0] !== 1) expect(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length).toBeCloseTo(1, 9);
      }),
      { seed: 3, numRuns: 100 },
    );
  });
});

describe('toJSON / fromJSON', () => {
  it('a one-hot encoder and a scaler restore exactly', () => {
    const cols = { plan: ['b', 'a', 'c', 'a'], level: [2, 10, 2, 1] };
    const enc = oneHot(cols, { drop: 'first', handleUnknown: 'ignore' });
    const back = oneHotFromJSON(JSON.parse(JSON.stringify(enc)));
    expect(back.featureNames).toEqual(enc.featureNames);
    expect(back.categories).toEqual(enc.categories);
    expect(back.transform({ plan: ['c', 'zz'], level: [10, 2] }).data).toEqual(enc.transform({ plan: ['c', 'zz'], level: [10, 2] }).data);
    const X = [
      [1, 5, 0.5],
      [2, 5, 10],
      [6, 5, 20],
    ];
    const s = standardize(X, { columns: [0, 2] });
    const s2 = standardScalerFromJSON(JSON.parse(JSON.stringify(s)));
    expect(s2.mean).toEqual(s.mean);
    expect(s2.scale).toEqual(s.scale);
    expect(s2.transform(X).data).toEqual(s.transform(X).data);
    expect(() => oneHotFromJSON({ ...enc.toJSON(), drop: 'x' })).toThrow(/json.drop/);
    expect(() => standardScalerFromJSON({ ...s.toJSON(), mean: [1] })).toThrow(/json.mean/);
  });
});

describe.skipIf(telco === null)('Telco preprocessing equals pandas get_dummies + StandardScaler', () => {
  it('same 45 columns in the same order, same rows and split, scaler to 1e-12 relative', () => {
    const t = telco!;
    expect(t.X.nRows).toBe(F.n_rows_after_dropna);
    expect(t.X.columnNames).toEqual(F.columns);
    expect(t.yTrain.reduce((a, b) => a + b, 0)).toBe(F.train_positive);
    expect(t.yTest.reduce((a, b) => a + b, 0)).toBe(F.test_positive);
    F.scaler.mean.forEach((m, k) => {
      expect(Math.abs(t.scaler.mean[k] - m) / Math.abs(m)).toBeLessThan(1e-12);
    });
    F.scaler.scale.forEach((m, k) => {
      expect(Math.abs(t.scaler.scale[k] - m) / Math.abs(m)).toBeLessThan(1e-12);
    });
  });
});
if (telco === null) console.log(TELCO_MISSING);
