import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import {
  encodeClasses,
  getColumn,
  hstack,
  matrixFromColumns,
  matrixFromRecords,
  matrixFromRows,
  selectColumns,
  selectRows,
  toMatrix,
} from '../../../src/models/prep/matrix.js';
import { thrownInvalidInput as thrown } from '../../helpers/thrown.js';

describe('toMatrix', () => {
  it('copies rows into a row-major Float64Array with default names x0…', () => {
    const X = toMatrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(X.nRows).toBe(2);
    expect(X.nCols).toBe(3);
    expect([...X.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(X.columnNames).toEqual(['x0', 'x1', 'x2']);
  });

  it('reads a matrix in place (same buffer) and keeps its names', () => {
    const data = new Float64Array([1, 2, 3, 4]);
    const X = toMatrix({ data, nRows: 2, nCols: 2, columnNames: ['a', 'b'] });
    expect(X.data).toBe(data);
    expect(X.columnNames).toEqual(['a', 'b']);
  });

  it('names every bad cell with its row and column', () => {
    const err = thrown(() => toMatrix([[1, 2], [3, Number.NaN], [4], [5, '6' as unknown as number]]));
    expect(err.issues).toEqual([
      { path: 'X[1][1]', row: 1, message: 'expected a finite number, got NaN' },
      { path: 'X[2]', row: 2, message: 'expected 2 values (as many as row 0), got 1' },
      { path: 'X[3][1]', row: 3, message: 'expected a finite number, got "6"' },
    ]);
    const e2 = thrown(() => toMatrix({ data: new Float64Array([1, Infinity, 3, 4]), nRows: 2, nCols: 2 }));
    expect(e2.issues[0]).toMatchObject({ path: 'X[0][1]', row: 0 });
    expect(() => toMatrix({ data: new Float64Array(5), nRows: 2, nCols: 2 })).toThrow(InvalidInputError);
    expect(() => toMatrix({ data: new Float64Array(4), nRows: 2, nCols: 2, columnNames: ['a'] })).toThrow(/2 column names/);
    expect(() => toMatrix({ data: new Float64Array(4), nRows: 2, nCols: 2, columnNames: ['a', 'a'] })).toThrow(/duplicate/);
    expect(() => toMatrix('x' as unknown as number[][])).toThrow(InvalidInputError);
  });

  it('accepts an empty input', () => {
    const X = toMatrix([]);
    expect([X.nRows, X.nCols, X.data.length]).toEqual([0, 0, 0]);
  });
});

describe('builders and selectors', () => {
  it('matrixFromRecords takes numeric and boolean fields, naming bad rows', () => {
    const X = matrixFromRecords(
      [
        { a: 1, b: true },
        { a: 2.5, b: false },
      ],
      ['b', 'a'],
    );
    expect([...X.data]).toEqual([1, 1, 0, 2.5]);
    expect(X.columnNames).toEqual(['b', 'a']);
    const err = thrown(() => matrixFromRecords([{ a: 1 }, { a: null }, {}] as { a: number }[], ['a']));
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
  });

  it('matrixFromColumns, hstack, selectRows, selectColumns and getColumn agree with index arithmetic', () => {
    const A = matrixFromColumns({ p: [1, 2, 3], q: new Float64Array([4, 5, 6]) });
    const B = matrixFromRows([[7], [8], [9]], ['r']);
    const X = hstack(A, B);
    expect(X.columnNames).toEqual(['p', 'q', 'r']);
    expect([...X.data]).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]);
    expect([...selectRows(X, [2, 2, 0]).data]).toEqual([3, 6, 9, 3, 6, 9, 1, 4, 7]);
    expect([...selectColumns(X, ['r', 1]).data]).toEqual([7, 4, 8, 5, 9, 6]);
    expect([...getColumn(X, 'q')]).toEqual([4, 5, 6]);
    expect(() => hstack(A, matrixFromRows([[1]], ['z']))).toThrow(/expected 3 rows/);
    expect(() => hstack(A, A)).toThrow(/duplicate column name/);
    expect(() => selectRows(X, [3])).toThrow(/row index in \[0, 3\)/);
    expect(() => getColumn(X, 'nope')).toThrow(/unknown column "nope"/);
    expect(() => matrixFromColumns({ a: [1, 2], b: [1] })).toThrow(/expected 2 values/);
  });

  it('selectRows then hstack round-trips any matrix (property, seed 6)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((d) =>
          fc.array(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: d, maxLength: d }), { minLength: 1, maxLength: 20 }),
        ),
        (rows) => {
          const X = toMatrix(rows);
          const idx = Array.from({ length: X.nRows }, (_, i) => i);
          expect(selectRows(X, idx).data).toEqual(X.data);
          const cols = X.columnNames.map((_, j) => selectColumns(X, [j]));
          expect(hstack(...cols).data).toEqual(X.data);
        },
      ),
      { seed: 6, numRuns: 60 },
    );
  });
});

describe('encodeClasses', () => {
  it('sorts classes as np.unique and codes every row', () => {
    expect(encodeClasses([3, 1, 2, 1])).toEqual({ codes: Int32Array.from([2, 0, 1, 0]), classes: [1, 2, 3] });
    expect(encodeClasses(['b', 'a', 'B'])).toEqual({ codes: Int32Array.from([2, 1, 0]), classes: ['B', 'a', 'b'] });
    expect(encodeClasses([true, false])).toEqual({ codes: Int32Array.from([1, 0]), classes: [false, true] });
    expect(encodeClasses(new Uint8Array([1, 1]))).toEqual({ codes: Int32Array.from([0, 0]), classes: [1] });
    expect(encodeClasses(Float64Array.from([0, 1, 1]))).toEqual({ codes: Int32Array.from([0, 1, 1]), classes: [0, 1] });
  });
  it('names missing labels', () => {
    const err = thrown(() => encodeClasses([1, null, Number.NaN] as number[]));
    expect(err.issues.map((i) => i.row)).toEqual([1, 2]);
  });
});
