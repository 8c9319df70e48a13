/**
 * The design matrix every model in `clmkit/models` reads: a row-major `Float64Array` with its
 * shape and column names, and the helpers that build one from rows, records or columns.
 *
 * Every model accepts `X` as `number[][]` or as a {@link DesignMatrix}; {@link toMatrix} is the
 * one coercion they all use (a `DesignMatrix` is read in place, never copied or written; rows of
 * numbers are copied once). Bad cells (not finite numbers, ragged rows) raise an
 * {@link InvalidInputError} naming the row and the column.
 *
 * A `DesignMatrix` is also a `Matrix` for `kmeans` and `silhouette` in `clmkit/segment`
 * (same `data`, `nRows`, `nCols`).
 *
 * @module
 */
import { InvalidInputError, IssueCollector } from '../../errors.js';
import type { ClassLabel } from '../../metrics/classification.js';
import { show } from '../../validate.js';

/**
 * A dense row-major matrix with named columns: row `i`, column `j` is `data[i * nCols + j]`.
 * Models read it in place.
 */
export interface DesignMatrix {
  /** The values, row after row; length `nRows * nCols`. */
  readonly data: Float64Array;
  /** Number of rows (observations, customers). */
  readonly nRows: number;
  /** Number of columns (features). */
  readonly nCols: number;
  /** One name per column (`x0`, `x1`, … when none were given). */
  readonly columnNames: readonly string[];
}

/**
 * What the models accept as `X`: rows of numbers, or a matrix (`columnNames` optional; the
 * default names are `x0`, `x1`, …).
 */
export type DesignMatrixInput =
  | readonly (readonly number[])[]
  | {
      readonly data: Float64Array;
      readonly nRows: number;
      readonly nCols: number;
      readonly columnNames?: readonly string[];
    };

/** Labels encoded as integer codes by {@link encodeClasses}. */
export interface EncodedClasses {
  /** Code of each row: the index of its label in `classes`. */
  readonly codes: Int32Array;
  /** The distinct labels, sorted (numbers ascending, then strings in code-unit order; `false` < `true`). */
  readonly classes: readonly ClassLabel[];
}

/** Default column names `x0 … x{n−1}` (as scikit-learn's `get_feature_names_out`). */
function defaultNames(nCols: number): string[] {
  const names = new Array<string>(nCols);
  for (let j = 0; j < nCols; j++) names[j] = `x${j}`;
  return names;
}

function checkNames(names: readonly string[] | undefined, nCols: number, context: string, path: string): readonly string[] {
  if (names === undefined) return defaultNames(nCols);
  if (!Array.isArray(names) || names.length !== nCols) {
    throw new InvalidInputError(context, [
      { path, message: `expected ${nCols} column names (one per column), got ${show(names)}` },
    ]);
  }
  const seen = new Set<string>();
  const issues = new IssueCollector();
  const list = names as readonly unknown[];
  for (let j = 0; j < list.length; j++) {
    const n = list[j];
    if (typeof n !== 'string') issues.add(`${path}[${j}]`, `expected a string, got ${show(n)}`);
    else if (seen.has(n)) issues.add(`${path}[${j}]`, `duplicate column name ${show(n)}`);
    else seen.add(n);
  }
  issues.throwIfAny(context);
  return list as readonly string[];
}

function isMatrixLike(X: unknown): X is { data: Float64Array; nRows: number; nCols: number; columnNames?: readonly string[] } {
  return typeof X === 'object' && X !== null && !Array.isArray(X) && 'data' in X && 'nRows' in X && 'nCols' in X;
}

/**
 * Coerces `X` (rows of numbers or a matrix) to a {@link DesignMatrix}, checking that it is
 * rectangular and every cell is a finite number. A matrix is used in place (not copied); rows of
 * numbers are copied once into a `Float64Array`. Every model in `clmkit/models` calls this on its
 * input.
 *
 * @param X - `number[][]` (rows) or `{ data, nRows, nCols, columnNames? }`.
 * @param context - The function name used in error messages.
 * @param path - The argument name used in error messages.
 * @throws {@link InvalidInputError} naming each bad cell (`X[3][1]`, row 3) or a shape mismatch.
 *
 * @example
 * ```ts
 * import { toMatrix } from 'clmkit/models';
 * const X = toMatrix([[1, 2], [3, 4], [5, 6]]);
 * console.log(X.nRows, X.nCols, X.columnNames); // 3 2 [ 'x0', 'x1' ]
 * console.log(X.data); // Float64Array(6) [ 1, 2, 3, 4, 5, 6 ]
 * ```
 */
export function toMatrix(X: DesignMatrixInput, context = 'toMatrix', path = 'X'): DesignMatrix {
  if (isMatrixLike(X)) {
    const { data, nRows, nCols } = X;
    if (!(data instanceof Float64Array)) {
      throw new InvalidInputError(context, [{ path: `${path}.data`, message: `expected a Float64Array, got ${show(data)}` }]);
    }
    if (!Number.isInteger(nRows) || !Number.isInteger(nCols) || nRows < 0 || nCols < 0 || data.length !== nRows * nCols) {
      throw new InvalidInputError(context, [
        {
          path,
          message: `expected data.length = nRows × nCols, got ${data.length} values for nRows ${show(nRows)} × nCols ${show(nCols)}`,
        },
      ]);
    }
    const issues = new IssueCollector();
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k])) {
        const i = Math.floor(k / nCols);
        issues.add(`${path}[${i}][${k - i * nCols}]`, `expected a finite number, got ${show(data[k])}`, i);
      }
    }
    issues.throwIfAny(context);
    const columnNames = checkNames(X.columnNames, nCols, context, `${path}.columnNames`);
    return Object.freeze({ data, nRows, nCols, columnNames });
  }
  return matrixFromRows(X as readonly (readonly number[])[], undefined, context, path);
}

/**
 * Builds a {@link DesignMatrix} from rows of numbers (copied), with optional column names.
 *
 * @param rows - One array of numbers per row, all the same length.
 * @param columnNames - One name per column (default `x0`, `x1`, …).
 * @throws {@link InvalidInputError} for ragged rows, cells that are not finite numbers, or names
 * that do not match the columns.
 *
 * @example
 * ```ts
 * import { matrixFromRows } from 'clmkit/models';
 * const X = matrixFromRows([[35, 120.5], [2, 19.9]], ['tenure', 'spend']);
 * console.log(X.columnNames, X.data[1]); // [ 'tenure', 'spend' ] 120.5
 * ```
 */
export function matrixFromRows(
  rows: readonly (readonly number[])[],
  columnNames?: readonly string[],
  context = 'matrixFromRows',
  path = 'X',
): DesignMatrix {
  if (!Array.isArray(rows)) {
    throw new InvalidInputError(context, [
      { path, message: `expected rows of numbers (number[][]) or { data, nRows, nCols }, got ${show(rows)}` },
    ]);
  }
  const nRows = rows.length;
  const first: unknown = nRows > 0 ? rows[0] : undefined;
  const nCols = Array.isArray(first) || ArrayBuffer.isView(first) ? (first as ArrayLike<unknown>).length : columnNames?.length ?? 0;
  const data = new Float64Array(nRows * nCols);
  const issues = new IssueCollector();
  for (let i = 0; i < nRows; i++) {
    const r: unknown = rows[i];
    if (!(Array.isArray(r) || ArrayBuffer.isView(r))) {
      issues.add(`${path}[${i}]`, `expected an array of ${nCols} numbers, got ${show(r)}`, i);
      continue;
    }
    const row = r as ArrayLike<unknown>;
    if (row.length !== nCols) {
      issues.add(`${path}[${i}]`, `expected ${nCols} values (as many as row 0), got ${row.length}`, i);
      continue;
    }
    const o = i * nCols;
    for (let j = 0; j < nCols; j++) {
      const v = row[j];
      if (typeof v === 'number' && Number.isFinite(v)) data[o + j] = v;
      else issues.add(`${path}[${i}][${j}]`, `expected a finite number, got ${show(v)}`, i);
    }
  }
  issues.throwIfAny(context);
  return Object.freeze({ data, nRows, nCols, columnNames: checkNames(columnNames, nCols, context, 'columnNames') });
}

/**
 * Builds a {@link DesignMatrix} from records (objects), taking the named numeric fields as
 * columns in the order given. Booleans count as 0/1. For text (categorical) fields, encode them
 * first with `oneHot` and join the parts with {@link hstack}.
 *
 * @param records - One object per row.
 * @param columns - The fields to take, in column order.
 * @throws {@link InvalidInputError} naming every row whose field is missing or not a finite number.
 *
 * @example
 * ```ts
 * import { matrixFromRecords } from 'clmkit/models';
 * const customers = [
 *   { id: 'a', tenure: 3, monthly: 70.5, paperless: true },
 *   { id: 'b', tenure: 40, monthly: 20, paperless: false },
 * ];
 * const X = matrixFromRecords(customers, ['tenure', 'monthly', 'paperless']);
 * console.log(X.data); // Float64Array(6) [ 3, 70.5, 1, 40, 20, 0 ]
 * ```
 */
export function matrixFromRecords<R extends object>(records: readonly R[], columns: readonly (keyof R & string)[]): DesignMatrix {
  const context = 'matrixFromRecords';
  if (!Array.isArray(records)) {
    throw new InvalidInputError(context, [{ path: 'records', message: `expected an array of objects, got ${show(records)}` }]);
  }
  const names = checkNames(columns, columns.length, context, 'columns');
  const nRows = records.length;
  const nCols = names.length;
  const data = new Float64Array(nRows * nCols);
  const issues = new IssueCollector();
  for (let i = 0; i < nRows; i++) {
    const rec = records[i] as Record<string, unknown> | null;
    if (typeof rec !== 'object' || rec === null) {
      issues.add('records', `expected an object, got ${show(rec)}`, i);
      continue;
    }
    for (let j = 0; j < nCols; j++) {
      const v = rec[names[j]];
      if (typeof v === 'number' && Number.isFinite(v)) data[i * nCols + j] = v;
      else if (typeof v === 'boolean') data[i * nCols + j] = v ? 1 : 0;
      else issues.add(names[j], `expected a finite number or a boolean, got ${show(v)}`, i);
    }
  }
  issues.throwIfAny(context);
  return Object.freeze({ data, nRows, nCols, columnNames: names });
}

/**
 * Builds a {@link DesignMatrix} from columns: an object of equal-length numeric arrays (or typed
 * arrays); the key order is the column order.
 *
 * @throws {@link InvalidInputError} for unequal lengths or values that are not finite numbers.
 *
 * @example
 * ```ts
 * import { matrixFromColumns } from 'clmkit/models';
 * const X = matrixFromColumns({ tenure: [3, 40], monthly: new Float64Array([70.5, 20]) });
 * console.log(X.columnNames, X.data); // [ 'tenure', 'monthly' ] Float64Array(4) [ 3, 70.5, 40, 20 ]
 * ```
 */
export function matrixFromColumns(columns: Readonly<Record<string, ArrayLike<number>>>): DesignMatrix {
  const context = 'matrixFromColumns';
  if (typeof columns !== 'object' || (columns as unknown) === null || Array.isArray(columns)) {
    throw new InvalidInputError(context, [{ path: 'columns', message: `expected an object of numeric arrays, got ${show(columns)}` }]);
  }
  const names = Object.keys(columns);
  const nCols = names.length;
  const nRows = nCols > 0 ? ((columns[names[0]] as ArrayLike<number> | undefined)?.length ?? 0) : 0;
  const data = new Float64Array(nRows * nCols);
  const issues = new IssueCollector();
  for (let j = 0; j < nCols; j++) {
    const col = columns[names[j]] as unknown;
    if (!(Array.isArray(col) || ArrayBuffer.isView(col))) {
      issues.add(names[j], `expected an array of numbers, got ${show(col)}`);
      continue;
    }
    const c = col as ArrayLike<unknown>;
    if (c.length !== nRows) {
      issues.add(names[j], `expected ${nRows} values (as many as ${names[0]}), got ${c.length}`);
      continue;
    }
    for (let i = 0; i < nRows; i++) {
      const v = c[i];
      if (typeof v === 'number' && Number.isFinite(v)) data[i * nCols + j] = v;
      else issues.add(names[j], `expected a finite number, got ${show(v)}`, i);
    }
  }
  issues.throwIfAny(context);
  return Object.freeze({ data, nRows, nCols, columnNames: names });
}

/**
 * Joins matrices side by side (same rows, columns of the first, then of the second, …), e.g.
 * scaled numeric columns and one-hot columns.
 *
 * @throws {@link InvalidInputError} when the row counts differ or column names repeat.
 *
 * @example
 * ```ts
 * import { hstack, matrixFromColumns } from 'clmkit/models';
 * const a = matrixFromColumns({ tenure: [3, 40] });
 * const b = matrixFromColumns({ 'contract=month': [1, 0], 'contract=year': [0, 1] });
 * const X = hstack(a, b);
 * console.log(X.columnNames); // [ 'tenure', 'contract=month', 'contract=year' ]
 * console.log(X.data); // Float64Array(6) [ 3, 1, 0, 40, 0, 1 ]
 * ```
 */
export function hstack(...matrices: readonly DesignMatrixInput[]): DesignMatrix {
  const context = 'hstack';
  const ms = matrices.map((m, k) => toMatrix(m, context, `matrices[${k}]`));
  if (ms.length === 0) return Object.freeze({ data: new Float64Array(0), nRows: 0, nCols: 0, columnNames: [] });
  const nRows = ms[0].nRows;
  const issues = new IssueCollector();
  ms.forEach((m, k) => {
    if (m.nRows !== nRows) issues.add(`matrices[${k}]`, `expected ${nRows} rows (as many as matrices[0]), got ${m.nRows}`);
  });
  issues.throwIfAny(context);
  const names = ms.flatMap((m) => m.columnNames);
  const nCols = names.length;
  const data = new Float64Array(nRows * nCols);
  let off = 0;
  for (const m of ms) {
    const p = m.nCols;
    for (let i = 0; i < nRows; i++) data.set(m.data.subarray(i * p, i * p + p), i * nCols + off);
    off += p;
  }
  return Object.freeze({ data, nRows, nCols, columnNames: checkNames(names, nCols, context, 'columnNames') });
}

/**
 * The rows at `indices` (in that order, repeats allowed), as a new matrix: the rows of a train or
 * test split, a bootstrap sample, a fold.
 *
 * @throws {@link InvalidInputError} for an index that is not an integer in `[0, nRows)`.
 *
 * @example
 * ```ts
 * import { selectRows, toMatrix } from 'clmkit/models';
 * const X = toMatrix([[1, 2], [3, 4], [5, 6]]);
 * console.log(selectRows(X, [2, 0]).data); // Float64Array(4) [ 5, 6, 1, 2 ]
 * ```
 */
export function selectRows(X: DesignMatrixInput, indices: ArrayLike<number>): DesignMatrix {
  const m = toMatrix(X, 'selectRows');
  const { nCols, nRows } = m;
  const n = indices.length;
  const data = new Float64Array(n * nCols);
  const issues = new IssueCollector();
  for (let r = 0; r < n; r++) {
    const i = indices[r];
    if (!Number.isInteger(i) || i < 0 || i >= nRows) {
      issues.add('indices', `expected a row index in [0, ${nRows}), got ${show(i)}`, r);
      continue;
    }
    data.set(m.data.subarray(i * nCols, i * nCols + nCols), r * nCols);
  }
  issues.throwIfAny('selectRows');
  return Object.freeze({ data, nRows: n, nCols, columnNames: m.columnNames });
}

/**
 * The columns named (or numbered) in `columns`, in that order, as a new matrix.
 *
 * @throws {@link InvalidInputError} for an unknown name or an index out of range.
 *
 * @example
 * ```ts
 * import { matrixFromColumns, selectColumns } from 'clmkit/models';
 * const X = matrixFromColumns({ a: [1, 2], b: [3, 4], c: [5, 6] });
 * const Y = selectColumns(X, ['c', 0]);
 * console.log(Y.columnNames, Y.data); // [ 'c', 'a' ] Float64Array(4) [ 5, 1, 6, 2 ]
 * ```
 */
export function selectColumns(X: DesignMatrixInput, columns: readonly (string | number)[]): DesignMatrix {
  const m = toMatrix(X, 'selectColumns');
  const idx = columns.map((c, k) => columnIndex(m, c, 'selectColumns', `columns[${k}]`));
  const p = idx.length;
  const data = new Float64Array(m.nRows * p);
  for (let i = 0; i < m.nRows; i++) {
    const o = i * m.nCols;
    for (let k = 0; k < p; k++) data[i * p + k] = m.data[o + idx[k]];
  }
  return Object.freeze({ data, nRows: m.nRows, nCols: p, columnNames: checkNames(idx.map((j) => m.columnNames[j]), p, 'selectColumns', 'columns') });
}

/**
 * One column of a matrix as a new `Float64Array`, by name or index.
 *
 * @throws {@link InvalidInputError} for an unknown name or an index out of range.
 *
 * @example
 * ```ts
 * import { getColumn, matrixFromColumns } from 'clmkit/models';
 * const X = matrixFromColumns({ tenure: [3, 40], monthly: [70.5, 20] });
 * console.log(getColumn(X, 'monthly')); // Float64Array(2) [ 70.5, 20 ]
 * ```
 */
export function getColumn(X: DesignMatrixInput, column: string | number): Float64Array {
  const m = toMatrix(X, 'getColumn');
  const j = columnIndex(m, column, 'getColumn', 'column');
  const out = new Float64Array(m.nRows);
  for (let i = 0; i < m.nRows; i++) out[i] = m.data[i * m.nCols + j];
  return out;
}

function columnIndex(m: DesignMatrix, c: string | number, context: string, path: string): number {
  if (typeof c === 'number') {
    if (Number.isInteger(c) && c >= 0 && c < m.nCols) return c;
    throw new InvalidInputError(context, [{ path, message: `expected a column index in [0, ${m.nCols}), got ${show(c)}` }]);
  }
  const j = m.columnNames.indexOf(c);
  if (j < 0) {
    const known = m.columnNames.slice(0, 10).map(show).join(', ');
    throw new InvalidInputError(context, [
      { path, message: `unknown column ${show(c)}; the columns are ${known}${m.columnNames.length > 10 ? ', …' : ''}` },
    ]);
  }
  return j;
}

/**
 * A numeric vector (array or typed array) as a `Float64Array`, every entry a finite number, of
 * the expected length when `length` is given.
 *
 * @internal
 */
export function toVector(values: unknown, context: string, path: string, length?: number): Float64Array {
  if (!(Array.isArray(values) || ArrayBuffer.isView(values))) {
    throw new InvalidInputError(context, [{ path, message: `expected an array or a typed array of numbers, got ${show(values)}` }]);
  }
  const v = values as ArrayLike<unknown>;
  if (length !== undefined && v.length !== length) {
    throw new InvalidInputError(context, [{ path, message: `expected ${length} values (one per row of X), got ${v.length}` }]);
  }
  const out = new Float64Array(v.length);
  const issues = new IssueCollector();
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x === 'number' && Number.isFinite(x)) out[i] = x;
    else issues.add(path, `expected a finite number, got ${show(x)}`, i);
  }
  issues.throwIfAny(context);
  return out;
}

function compareLabels(a: ClassLabel, b: ClassLabel): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) {
    const rank = (t: string): number => (t === 'boolean' ? 0 : t === 'number' ? 1 : 2);
    return rank(ta) - rank(tb);
  }
  if (ta === 'string') return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  return Number(a) - Number(b);
}

/**
 * Encodes class labels as integer codes `0 … k−1`, the classes sorted as scikit-learn's
 * `LabelEncoder` / `np.unique` sorts them (numbers ascending, strings in code-unit order;
 * `false` before `true`). Classifiers use it for `y`.
 *
 * @param y - Labels: numbers, strings or booleans (an array or a typed array).
 * @param context - Function name for error messages.
 * @param path - Argument name for error messages.
 * @throws {@link InvalidInputError} for missing labels (`null`, `undefined`, `NaN`) or other types.
 *
 * @example
 * ```ts
 * import { encodeClasses } from 'clmkit/models';
 * const { codes, classes } = encodeClasses(['stay', 'churn', 'stay']);
 * console.log(classes, codes); // [ 'churn', 'stay' ] Int32Array(3) [ 1, 0, 1 ]
 * ```
 */
export function encodeClasses(y: ArrayLike<ClassLabel>, context = 'encodeClasses', path = 'y'): EncodedClasses {
  if (!(Array.isArray(y) || ArrayBuffer.isView(y))) {
    throw new InvalidInputError(context, [{ path, message: `expected an array or a typed array of labels, got ${show(y)}` }]);
  }
  const arr = y as ArrayLike<unknown>;
  const n = arr.length;
  const codes = new Int32Array(n);
  // Fast path for 0/1 numeric labels (typed arrays included).
  let binary01 = true;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (v !== 0 && v !== 1) {
      binary01 = false;
      break;
    }
    codes[i] = v;
  }
  if (binary01) {
    let has0 = false;
    let has1 = false;
    for (let i = 0; i < n && !(has0 && has1); i++) {
      if (codes[i] === 0) has0 = true;
      else has1 = true;
    }
    const classes: ClassLabel[] = [];
    if (has0) classes.push(0);
    if (has1) classes.push(1);
    if (!has0 && has1) codes.fill(0);
    return { codes, classes };
  }
  const index = new Map<ClassLabel, number>();
  const issues = new IssueCollector();
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean') {
      if (!index.has(v)) index.set(v, index.size);
    } else {
      issues.add(path, `expected a label (a finite number, a string or a boolean), got ${show(v)}`, i);
    }
  }
  issues.throwIfAny(context);
  const classes = [...index.keys()].sort(compareLabels);
  const rank = new Map<ClassLabel, number>();
  classes.forEach((c, k) => rank.set(c, k));
  for (let i = 0; i < n; i++) codes[i] = rank.get(arr[i] as ClassLabel) as number;
  return { codes, classes };
}
