/**
 * Fitted feature encoders: one-hot encoding of text (categorical) columns and standardisation of
 * numeric ones. Each is fitted on training data and then applied, unchanged, to any other data
 * (the test part, new customers), so no information leaks from the data being scored.
 *
 * - {@link oneHot}: one 0/1 column per category, named `column_category` and ordered as
 *   `pandas.get_dummies` / scikit-learn's `OneHotEncoder` order them (columns in the order given,
 *   categories sorted); `drop: 'first'` drops each column's first category.
 * - {@link standardize}: `(x − mean) / std` per column with the population standard deviation,
 *   as scikit-learn's `StandardScaler` (a constant column is only centred).
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../../errors.js';
import { parseOptions, show } from '../../validate.js';
import type { ClassLabel } from '../../metrics/classification.js';
import { toMatrix, type DesignMatrix, type DesignMatrixInput } from './matrix.js';

/**
 * Categorical data for {@link oneHot}: records (one object per row) or columns (an object of
 * equal-length arrays, one per field).
 */
export type CategoricalData =
  | readonly Readonly<Record<string, unknown>>[]
  | Readonly<Record<string, ArrayLike<ClassLabel>>>;

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /**
   * The fields to encode, in output order. Default: for columns, every key; for records, every
   * field of the first record whose value is a string or a boolean.
   */
  columns?: readonly string[];
  /**
   * `'none'` keeps one column per category (pandas `get_dummies(drop_first=False)`,
   * scikit-learn's default); `'first'` drops each field's first category (the reference level),
   * which removes the exact collinearity with an intercept.
   * @defaultValue `'none'`
   */
  drop?: 'first' | 'none';
  /**
   * What `transform` does with a category not seen in fitting: `'error'` throws an
   * InvalidInputError naming the row; `'ignore'` encodes the row as all zeros for that field.
   * @defaultValue `'error'`
   */
  handleUnknown?: 'error' | 'ignore';
}

/** A fitted one-hot encoder, from {@link oneHot}. */
export interface OneHotEncoder {
  /** The encoded fields, in output order. */
  readonly columns: readonly string[];
  /** Each field's categories seen in fitting, sorted (numbers ascending, then strings). */
  readonly categories: Readonly<Record<string, readonly ClassLabel[]>>;
  /** The output column names, `field_category` (as pandas' `get_dummies`), after `drop`. */
  readonly featureNames: readonly string[];
  /** The `drop` option used. */
  readonly drop: 'first' | 'none';
  /** The `handleUnknown` option used. */
  readonly handleUnknown: 'error' | 'ignore';
  /** The matrix of 0/1 columns for `data` (same kind of input as the fit: records or columns). */
  transform(data: CategoricalData): DesignMatrix;
  /** The JSON form; {@link oneHotFromJSON} restores the encoder. */
  toJSON(): OneHotEncoderJson;
}

/** The JSON form of a {@link OneHotEncoder} (format version 1). */
export interface OneHotEncoderJson {
  /** Tag. */
  readonly model: 'OneHotEncoder';
  /** Format version. */
  readonly version: 1;
  /** As on the encoder. */
  readonly columns: string[];
  readonly categories: Record<string, ClassLabel[]>;
  readonly drop: 'first' | 'none';
  readonly handleUnknown: 'error' | 'ignore';
}

const oneHotSchema = z.strictObject({
  columns: z.optional(z.array(z.string())),
  drop: z.optional(z.enum(['first', 'none'])),
  handleUnknown: z.optional(z.enum(['error', 'ignore'])),
});

function isLabel(v: unknown): v is ClassLabel {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
}

function compareLabels(a: ClassLabel, b: ClassLabel): number {
  const rank = (v: ClassLabel): number => (typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2);
  const d = rank(a) - rank(b);
  if (d !== 0) return d;
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  return Number(a) - Number(b);
}

/** Reads field `name` of `data` as a getter (row → value) with its row count. */
function fieldReader(data: CategoricalData, name: string, context: string): { n: number; get: (i: number) => unknown } {
  if (Array.isArray(data)) {
    const rows = data as readonly Readonly<Record<string, unknown>>[];
    return { n: rows.length, get: (i) => (rows[i] as Record<string, unknown> | null)?.[name] };
  }
  const col = (data as Readonly<Record<string, unknown>>)[name];
  if (!(Array.isArray(col) || ArrayBuffer.isView(col))) {
    throw new InvalidInputError(context, [{ path: name, message: `expected a column (array) named ${show(name)}, got ${show(col)}` }]);
  }
  const c = col as ArrayLike<unknown>;
  return { n: c.length, get: (i) => c[i] };
}

function checkData(data: unknown, context: string): CategoricalData {
  if (typeof data !== 'object' || data === null) {
    throw new InvalidInputError(context, [
      { path: 'data', message: `expected records (an array of objects) or columns (an object of arrays), got ${show(data)}` },
    ]);
  }
  return data as CategoricalData;
}

function rowCount(data: CategoricalData, columns: readonly string[], context: string): number {
  if (Array.isArray(data)) return data.length;
  let n = -1;
  const issues = new IssueCollector();
  for (const c of columns) {
    const r = fieldReader(data, c, context);
    if (n < 0) n = r.n;
    else if (r.n !== n) issues.add(c, `expected ${n} values (as many as ${columns[0]}), got ${r.n}`);
  }
  issues.throwIfAny(context);
  return Math.max(n, 0);
}

/**
 * Fits a one-hot encoder on categorical data (records or columns): each field's distinct values,
 * sorted, become 0/1 columns named `field_value`. Apply it with `transform` to the same data or
 * to new data.
 *
 * @param data - Records (`{ contract: 'One year', … }[]`) or columns (`{ contract: [...] }`).
 * @param options - {@link OneHotOptions}.
 * @throws {@link InvalidInputError} for a missing value (`null`, `undefined`, `NaN`) or a value that
 * is not a string, number or boolean, naming field and row; in `transform`, for an unseen category
 * when `handleUnknown` is `'error'`.
 *
 * @example
 * ```ts
 * import { oneHot } from 'clmkit/models';
 * const train = { contract: ['month', 'year', 'month'], paperless: ['Yes', 'No', 'No'] };
 * const enc = oneHot(train);
 * console.log(enc.featureNames); // [ 'contract_month', 'contract_year', 'paperless_No', 'paperless_Yes' ]
 * console.log(enc.transform(train).data.slice(0, 4)); // Float64Array(4) [ 1, 0, 0, 1 ]
 *
 * const dropped = oneHot(train, { drop: 'first', handleUnknown: 'ignore' });
 * console.log(dropped.featureNames); // [ 'contract_year', 'paperless_Yes' ]
 * console.log(dropped.transform({ contract: ['two years'], paperless: ['Yes'] }).data); // Float64Array(2) [ 0, 1 ]
 * ```
 */
export function oneHot(data: CategoricalData, options?: OneHotOptions): OneHotEncoder {
  const context = 'oneHot';
  const opts = parseOptions(oneHotSchema, options, context);
  const d = checkData(data, context);
  const drop = opts.drop ?? 'none';
  const handleUnknown = opts.handleUnknown ?? 'error';
  let columns: readonly string[];
  if (opts.columns !== undefined) columns = [...opts.columns];
  else if (Array.isArray(d)) {
    const first = (d as readonly Record<string, unknown>[])[0] ?? {};
    columns = Object.keys(first).filter((k) => typeof first[k] === 'string' || typeof first[k] === 'boolean');
  } else columns = Object.keys(d);
  if (new Set(columns).size !== columns.length) {
    throw new InvalidInputError(context, [{ path: 'options.columns', message: `expected distinct field names, got ${columns.map(show).join(', ')}` }]);
  }
  const n = rowCount(d, columns, context);
  const issues = new IssueCollector();
  const categories: Record<string, readonly ClassLabel[]> = {};
  for (const c of columns) {
    const r = fieldReader(d, c, context);
    const seen = new Set<ClassLabel>();
    for (let i = 0; i < n; i++) {
      const v = r.get(i);
      if (isLabel(v)) seen.add(v);
      else issues.add(c, `expected a category (a string, a finite number or a boolean), got ${show(v)}`, i);
    }
    categories[c] = Object.freeze([...seen].sort(compareLabels));
  }
  issues.throwIfAny(context);
  return oneHotEncoder(columns, categories, drop, handleUnknown);
}

function oneHotEncoder(
  columns: readonly string[],
  categories: Record<string, readonly ClassLabel[]>,
  drop: 'first' | 'none',
  handleUnknown: 'error' | 'ignore',
): OneHotEncoder {
  const offsets: number[] = [];
  const featureNames: string[] = [];
  for (const c of columns) {
    offsets.push(featureNames.length);
    const cats = categories[c];
    for (let k = drop === 'first' ? 1 : 0; k < cats.length; k++) featureNames.push(`${c}_${String(cats[k])}`);
  }
  const lookups = columns.map((c) => new Map(categories[c].map((v, k) => [v, k] as const)));
  const nOut = featureNames.length;

  function transform(input: CategoricalData): DesignMatrix {
    const tctx = 'OneHotEncoder.transform';
    const t = checkData(input, tctx);
    const m = rowCount(t, columns, tctx);
    const out = new Float64Array(m * nOut);
    const bad = new IssueCollector();
    columns.forEach((c, f) => {
      const r = fieldReader(t, c, tctx);
      const lookup = lookups[f];
      const base = offsets[f] - (drop === 'first' ? 1 : 0);
      for (let i = 0; i < m; i++) {
        const v = r.get(i);
        const k = isLabel(v) ? lookup.get(v) : undefined;
        if (k === undefined) {
          if (!isLabel(v)) bad.add(c, `expected a category (a string, a finite number or a boolean), got ${show(v)}`, i);
          else if (handleUnknown === 'error') {
            bad.add(c, `unknown category ${show(v)} (not seen in fitting); pass handleUnknown: 'ignore' to encode it as all zeros`, i);
          }
          continue;
        }
        if (drop === 'first' && k === 0) continue;
        out[i * nOut + base + k] = 1;
      }
    });
    bad.throwIfAny(tctx);
    return Object.freeze({ data: out, nRows: m, nCols: nOut, columnNames: featureNames });
  }

  return Object.freeze({
    columns: Object.freeze([...columns]),
    categories: Object.freeze(categories),
    featureNames: Object.freeze(featureNames),
    drop,
    handleUnknown,
    transform,
    toJSON: (): OneHotEncoderJson => ({
      model: 'OneHotEncoder',
      version: 1,
      columns: [...columns],
      categories: Object.fromEntries(columns.map((c) => [c, [...categories[c]]])),
      drop,
      handleUnknown,
    }),
  });
}


/**
 * Restores a one-hot encoder from {@link OneHotEncoder.toJSON} (after `JSON.parse`): the same
 * categories, names and behaviour.
 *
 * @throws {@link InvalidInputError} (paths under `json`) when the object is not a version-1 encoder.
 *
 * @example
 * ```ts
 * import { oneHot, oneHotFromJSON } from 'clmkit/models';
 * const enc = oneHot({ plan: ['basic', 'pro', 'basic'] }, { drop: 'first' });
 * const back = oneHotFromJSON(JSON.parse(JSON.stringify(enc)));
 * console.log(back.featureNames, back.transform({ plan: ['pro'] }).data); // [ 'plan_pro' ] Float64Array(1) [ 1 ]
 * ```
 */
export function oneHotFromJSON(json: unknown): OneHotEncoder {
  const context = 'oneHotFromJSON';
  const fail = (path: string, message: string): never => {
    throw new InvalidInputError(context, [{ path: `json${path}`, message }]);
  };
  if (typeof json !== 'object' || json === null) return fail('', `expected the object written by toJSON(), got ${show(json)}`);
  const j = json as Partial<Record<keyof OneHotEncoderJson, unknown>>;
  if (j.model !== 'OneHotEncoder') fail('.model', `expected 'OneHotEncoder', got ${show(j.model)}`);
  if (j.version !== 1) fail('.version', `expected 1, got ${show(j.version)}`);
  if (j.drop !== 'first' && j.drop !== 'none') return fail('.drop', `expected 'first' or 'none', got ${show(j.drop)}`);
  if (j.handleUnknown !== 'error' && j.handleUnknown !== 'ignore') return fail('.handleUnknown', `expected 'error' or 'ignore', got ${show(j.handleUnknown)}`);
  if (!Array.isArray(j.columns) || !j.columns.every((c) => typeof c === 'string')) return fail('.columns', 'expected an array of field names');
  const columns = j.columns;
  const cats = j.categories;
  if (typeof cats !== 'object' || cats === null) return fail('.categories', 'expected an object of category arrays');
  const categories: Record<string, readonly ClassLabel[]> = {};
  for (const c of columns) {
    const v = (cats as Record<string, unknown>)[c];
    if (!Array.isArray(v) || !v.every(isLabel)) return fail(`.categories.${c}`, 'expected an array of categories');
    categories[c] = Object.freeze([...v]);
  }
  return oneHotEncoder(columns, categories, j.drop, j.handleUnknown);
}

/** Options of {@link standardize}. */
export interface StandardizeOptions {
  /**
   * The columns to scale (names or indices); the others pass through unchanged (e.g. one-hot
   * columns). Default: every column.
   */
  columns?: readonly (string | number)[];
  /** Subtract the mean. @defaultValue true */
  withMean?: boolean;
  /** Divide by the population standard deviation (1 for a constant column). @defaultValue true */
  withStd?: boolean;
}

/** A fitted scaler, from {@link standardize}. */
export interface StandardScaler {
  /** The scaled column indices, ascending. */
  readonly columns: readonly number[];
  /** Names of the scaled columns (same order as `columns`). */
  readonly columnNames: readonly string[];
  /** Mean of each scaled column in the fitted data (0 when `withMean` is false). */
  readonly mean: Float64Array;
  /**
   * Divisor of each scaled column: the population standard deviation, 1 for a constant column or
   * when `withStd` is false (scikit-learn's `scale_`).
   */
  readonly scale: Float64Array;
  /** Number of columns the scaler expects. */
  readonly nCols: number;
  /** `(x − mean) / scale` on the scaled columns of `X` (a new matrix; `X` is not modified). */
  transform(X: DesignMatrixInput): DesignMatrix;
  /** Undoes {@link StandardScaler.transform}: `x · scale + mean` on the scaled columns. */
  inverseTransform(X: DesignMatrixInput): DesignMatrix;
  /** The JSON form; {@link standardScalerFromJSON} restores the scaler exactly. */
  toJSON(): StandardScalerJson;
}

/** The JSON form of a {@link StandardScaler} (format version 1). */
export interface StandardScalerJson {
  /** Tag. */
  readonly model: 'StandardScaler';
  /** Format version. */
  readonly version: 1;
  /** As on the scaler. */
  readonly columns: number[];
  readonly columnNames: string[];
  readonly mean: number[];
  readonly scale: number[];
  readonly nCols: number;
}

const standardizeSchema = z.strictObject({
  columns: z.optional(z.array(z.union([z.string(), z.number()]))),
  withMean: z.optional(z.boolean()),
  withStd: z.optional(z.boolean()),
});

/**
 * Fits a standard scaler on `X`: each chosen column's mean and population standard deviation,
 * exactly as scikit-learn's `StandardScaler` (a constant column gets scale 1, so it is only
 * centred). Fit it on the training part and `transform` every part with it.
 *
 * @param X - The data to fit on: rows of numbers or a matrix.
 * @param options - {@link StandardizeOptions}.
 * @throws {@link InvalidInputError} for non-finite cells, fewer than one row, unknown columns, or
 * (in `transform`) a matrix with a different number of columns.
 *
 * @example
 * ```ts
 * import { standardize } from 'clmkit/models';
 * const scaler = standardize([[1, 10], [3, 10], [5, 10]]);
 * console.log(scaler.mean, scaler.scale); // Float64Array(2) [ 3, 10 ] Float64Array(2) [ 1.632993161855452, 1 ]
 * console.log(scaler.transform([[3, 12]]).data); // Float64Array(2) [ 0, 2 ]
 * ```
 */
export function standardize(X: DesignMatrixInput, options?: StandardizeOptions): StandardScaler {
  const context = 'standardize';
  const opts = parseOptions(standardizeSchema, options, context);
  const m = toMatrix(X, context);
  if (m.nRows < 1) throw new InvalidInputError(context, [{ path: 'X', message: 'expected at least one row, got 0' }]);
  const { nRows, nCols, data } = m;
  let cols: number[];
  if (opts.columns === undefined) cols = Array.from({ length: nCols }, (_, j) => j);
  else {
    const issues = new IssueCollector();
    cols = [];
    opts.columns.forEach((c, k) => {
      const j = typeof c === 'number' ? (Number.isInteger(c) && c >= 0 && c < nCols ? c : -1) : m.columnNames.indexOf(c);
      if (j < 0) issues.add(`options.columns[${k}]`, `unknown column ${show(c)} (the matrix has ${nCols} columns: ${m.columnNames.slice(0, 8).join(', ')}${nCols > 8 ? ', …' : ''})`);
      else cols.push(j);
    });
    issues.throwIfAny(context);
    cols = [...new Set(cols)].sort((a, b) => a - b);
  }
  const withMean = opts.withMean ?? true;
  const withStd = opts.withStd ?? true;
  const p = cols.length;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p).fill(1);
  const mu = new Float64Array(p);
  const m2 = new Float64Array(p);
  const corr = new Float64Array(p);
  for (let i = 0; i < nRows; i++) {
    const o = i * nCols;
    for (let k = 0; k < p; k++) mu[k] += data[o + cols[k]];
  }
  for (let k = 0; k < p; k++) mu[k] /= nRows;
  // Two-pass variance with the compensation term (Chan, Golub & LeVeque): exact to rounding.
  for (let i = 0; i < nRows; i++) {
    const o = i * nCols;
    for (let k = 0; k < p; k++) {
      const dlt = data[o + cols[k]] - mu[k];
      m2[k] += dlt * dlt;
      corr[k] += dlt;
    }
  }
  for (let k = 0; k < p; k++) {
    const variance = (m2[k] - (corr[k] * corr[k]) / nRows) / nRows;
    if (withMean) mean[k] = mu[k];
    if (withStd) {
      const sd = Math.sqrt(Math.max(variance, 0));
      // scikit-learn's _handle_zeros_in_scale: a scale below 10·eps·|mean| counts as constant.
      scale[k] = sd < 10 * Number.EPSILON * Math.max(Math.abs(mu[k]), 1) ? 1 : sd;
    }
  }
  return standardScaler(cols, cols.map((j) => m.columnNames[j]), mean, scale, nCols);
}

function standardScaler(cols: number[], columnNames: string[], mean: Float64Array, scale: Float64Array, nCols: number): StandardScaler {
  const p = cols.length;

  function apply(Y: DesignMatrixInput, inverse: boolean): DesignMatrix {
    const tctx = inverse ? 'StandardScaler.inverseTransform' : 'StandardScaler.transform';
    const t = toMatrix(Y, tctx);
    if (t.nCols !== nCols) {
      throw new InvalidInputError(tctx, [{ path: 'X', message: `expected ${nCols} columns (as in fitting), got ${t.nCols}` }]);
    }
    const out = Float64Array.from(t.data);
    for (let i = 0; i < t.nRows; i++) {
      const o = i * nCols;
      for (let k = 0; k < p; k++) {
        const j = o + cols[k];
        out[j] = inverse ? out[j] * scale[k] + mean[k] : (out[j] - mean[k]) / scale[k];
      }
    }
    return Object.freeze({ data: out, nRows: t.nRows, nCols, columnNames: t.columnNames });
  }

  return Object.freeze({
    columns: Object.freeze(cols),
    columnNames: Object.freeze(columnNames),
    mean,
    scale,
    nCols,
    transform: (Y: DesignMatrixInput) => apply(Y, false),
    inverseTransform: (Y: DesignMatrixInput) => apply(Y, true),
    toJSON: (): StandardScalerJson => ({
      model: 'StandardScaler',
      version: 1,
      columns: [...cols],
      columnNames: [...columnNames],
      mean: [...mean],
      scale: [...scale],
      nCols,
    }),
  });
}

/**
 * Restores a scaler from {@link StandardScaler.toJSON} (after `JSON.parse`), exactly.
 *
 * @throws {@link InvalidInputError} (paths under `json`) when the object is not a version-1 scaler.
 *
 * @example
 * ```ts
 * import { standardize, standardScalerFromJSON } from 'clmkit/models';
 * const scaler = standardize([[1, 10], [3, 10], [5, 10]]);
 * const back = standardScalerFromJSON(JSON.parse(JSON.stringify(scaler)));
 * console.log(back.transform([[3, 12]]).data); // Float64Array(2) [ 0, 2 ]
 * ```
 */
export function standardScalerFromJSON(json: unknown): StandardScaler {
  const context = 'standardScalerFromJSON';
  const fail = (path: string, message: string): never => {
    throw new InvalidInputError(context, [{ path: `json${path}`, message }]);
  };
  if (typeof json !== 'object' || json === null) return fail('', `expected the object written by toJSON(), got ${show(json)}`);
  const j = json as Partial<Record<keyof StandardScalerJson, unknown>>;
  if (j.model !== 'StandardScaler') fail('.model', `expected 'StandardScaler', got ${show(j.model)}`);
  if (j.version !== 1) fail('.version', `expected 1, got ${show(j.version)}`);
  const nCols = j.nCols;
  if (typeof nCols !== 'number' || !Number.isInteger(nCols) || nCols < 0) return fail('.nCols', `expected a column count, got ${show(nCols)}`);
  const cols: unknown = j.columns;
  if (!Array.isArray(cols) || !cols.every((c) => Number.isInteger(c) && (c as number) >= 0 && (c as number) < nCols)) {
    return fail('.columns', `expected column indices in [0, ${nCols})`);
  }
  const k = cols.length;
  const names: unknown = j.columnNames;
  if (!Array.isArray(names) || names.length !== k || !names.every((c) => typeof c === 'string')) return fail('.columnNames', `expected ${k} names`);
  const nums = (v: unknown, path: string): Float64Array => {
    if (!Array.isArray(v) || v.length !== k || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) return fail(path, `expected ${k} finite numbers`);
    return Float64Array.from(v as number[]);
  };
  return standardScaler(cols as number[], names, nums(j.mean, '.mean'), nums(j.scale, '.scale'), nCols);
}
