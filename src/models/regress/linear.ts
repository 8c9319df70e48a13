/**
 * Ordinary least squares: a true multivariate fit by Householder QR (never the normal equations,
 * never one univariate fit per feature), with the classical inference table — standard errors,
 * t statistics and two-sided p-values from Student's t, R², adjusted R² and the residual standard
 * error — as statsmodels' `OLS(...).fit()` reports them.
 *
 * Collinear columns make the coefficients undefined; instead of returning arbitrary numbers the
 * fit throws an {@link InvalidInputError} naming each column that is a linear combination of
 * earlier ones (the intercept counts as the first column), with the combination.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, NotEnoughDataError } from '../../errors.js';
import { studentTCdf } from '../../math/distributions.js';
import { householderLeastSquares } from '../../math/linalg.js';
import { parseOptions, show } from '../../validate.js';
import { toMatrix, toVector, type DesignMatrixInput } from '../prep/matrix.js';

/** Options of {@link fitLinearRegression}. */
export interface LinearRegressionOptions {
  /** Fit an intercept (R² is then centred; without it, R² is uncentred, as statsmodels). @defaultValue true */
  fitIntercept?: boolean;
  /**
   * A column counts as collinear when the part of it not explained by the earlier columns has a
   * norm at most this fraction of its own norm.
   * @defaultValue 1e-10
   */
  collinearityTolerance?: number;
}

/** A fitted linear regression, from {@link fitLinearRegression}. */
export interface LinearRegressionModel {
  /** Coefficients in column order. */
  readonly coefficients: Float64Array;
  /** The columns' names (X's column names). */
  readonly coefficientNames: readonly string[];
  /** The intercept (0 without `fitIntercept`). */
  readonly intercept: number;
  /** Standard errors of the coefficients, `σ̂ · sqrt(diag((XᵀX)⁻¹))`. */
  readonly standardErrors: Float64Array;
  /** Standard error of the intercept (NaN without `fitIntercept`). */
  readonly interceptStandardError: number;
  /** t statistics, coefficient / standard error. */
  readonly tValues: Float64Array;
  /** Two-sided p-values of the t statistics on `dfResidual` degrees of freedom. */
  readonly pValues: Float64Array;
  /** t statistic of the intercept (NaN without `fitIntercept`). */
  readonly interceptTValue: number;
  /** p-value of the intercept (NaN without `fitIntercept`). */
  readonly interceptPValue: number;
  /** Coefficient of determination (centred with an intercept, uncentred without). */
  readonly rSquared: number;
  /** Adjusted R², `1 − (1 − R²)(n − 1)/(n − p − 1)` (with an intercept; `n/(n − p)` without). */
  readonly adjustedRSquared: number;
  /** Residual standard error σ̂ = sqrt(RSS / dfResidual). */
  readonly residualStandardError: number;
  /** Residual sum of squares. */
  readonly rss: number;
  /** Residual degrees of freedom, n − number of fitted parameters. */
  readonly dfResidual: number;
  /** Number of rows fitted. */
  readonly nObservations: number;
  /** Whether an intercept was fitted. */
  readonly fitIntercept: boolean;
  /** Predictions `X·β + intercept` for new rows (same columns as in fitting). */
  predict(X: DesignMatrixInput): Float64Array;
  /** The JSON form; {@link linearRegressionFromJSON} restores the model exactly. */
  toJSON(): LinearRegressionJson;
}

/** The JSON form of a fitted linear regression (format version 1; NaN intercept statistics as null). */
export interface LinearRegressionJson {
  /** Tag. */
  readonly model: 'LinearRegression';
  /** Format version. */
  readonly version: 1;
  /** Column names. */
  readonly coefficientNames: string[];
  /** The fields of {@link LinearRegressionModel}, arrays as plain arrays. */
  readonly coefficients: number[];
  readonly intercept: number;
  readonly standardErrors: number[];
  readonly interceptStandardError: number | null;
  readonly tValues: number[];
  readonly pValues: number[];
  readonly interceptTValue: number | null;
  readonly interceptPValue: number | null;
  readonly rSquared: number;
  readonly adjustedRSquared: number;
  readonly residualStandardError: number;
  readonly rss: number;
  readonly dfResidual: number;
  readonly nObservations: number;
  readonly fitIntercept: boolean;
}

const optionsSchema = z.strictObject({
  fitIntercept: z.optional(z.boolean()),
  collinearityTolerance: z.optional(z.number().check(z.positive(), z.lt(1))),
});

function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}

/**
 * Fits `y = intercept + X·β + ε` by least squares (Householder QR) and reports the inference
 * table. Equal to numpy's `lstsq` and the closed forms `σ̂²(XᵀX)⁻¹` to ~1e-12 on well-conditioned
 * data (see the tests).
 *
 * @param X - Features: rows of numbers or a {@link DesignMatrix}.
 * @param y - Target, one finite number per row.
 * @param options - {@link LinearRegressionOptions}.
 * @throws {@link InvalidInputError} for bad cells or targets (naming the row), or collinear columns
 * (naming each, with the combination of earlier columns it equals);
 * {@link NotEnoughDataError} when there are not more rows than parameters.
 *
 * @example
 * ```ts
 * import { fitLinearRegression } from 'clmkit/models';
 * // Monthly spend against tenure (years) and number of products.
 * const X = [[1, 1], [2, 1], [3, 2], [4, 2], [5, 3], [6, 3]];
 * const spend = [20, 24, 35, 37, 50, 53];
 * const m = fitLinearRegression(X, spend);
 * console.log(m.coefficients, m.intercept); // …
 * console.log(m.rSquared.toFixed(4), m.pValues[1].toFixed(4)); // 0.9980 0.0068
 * console.log(m.predict([[7, 4]])[0].toFixed(2)); // 64.50
 *
 * try {
 *   fitLinearRegression([[1, 2], [2, 4], [3, 6], [4, 8]], [1, 2, 3, 5]);
 * } catch (err) {
 *   console.log((err as Error).message.includes('x1 = 2·x0')); // true
 * }
 * ```
 */
export function fitLinearRegression(X: DesignMatrixInput, y: ArrayLike<number>, options?: LinearRegressionOptions): LinearRegressionModel {
  const context = 'fitLinearRegression';
  const opts = parseOptions(optionsSchema, options, context);
  const M = toMatrix(X, context);
  const yy = toVector(y, context, 'y', M.nRows);
  const fitIntercept = opts.fitIntercept ?? true;
  const tol = opts.collinearityTolerance ?? 1e-10;
  const n = M.nRows;
  const p = M.nCols;
  const k = p + (fitIntercept ? 1 : 0);
  if (n <= k) {
    throw new NotEnoughDataError(
      `fitLinearRegression needs more rows than parameters (${k}${fitIntercept ? ', intercept included' : ''}) for standard errors, got ${n} rows`,
      k + 1,
      n,
    );
  }
  let A = M.data;
  const names = fitIntercept ? ['(intercept)', ...M.columnNames] : [...M.columnNames];
  if (fitIntercept) {
    A = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      A[i * k] = 1;
      A.set(M.data.subarray(i * p, i * p + p), i * k + 1);
    }
  }
  const ls = householderLeastSquares(A, n, k, yy, tol);
  if (ls.dependent.length > 0) {
    const issues = ls.dependent.map((d) => {
      const combo = d.on.map((o) => `${fmt(o.weight)}·${names[o.column]}`).join(' + ');
      return {
        path: `X.${names[d.column]}`,
        message:
          d.on.length === 0
            ? `column ${show(names[d.column])} is all zeros`
            : `column ${show(names[d.column])} is a linear combination of earlier columns (${names[d.column]} = ${combo}); drop it (or use drop: 'first' in oneHot)`,
      };
    });
    throw new InvalidInputError(`${context}: collinear columns, the coefficients are not identifiable`, issues);
  }
  // (XᵀX)⁻¹ = R⁻¹R⁻ᵀ: invert the upper-triangular R, then diag = squared row norms of R⁻¹.
  const r = ls.r;
  const rinv = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    rinv[j * k + j] = 1 / r[j * k + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let l = i + 1; l <= j; l++) s += r[i * k + l] * rinv[l * k + j];
      rinv[i * k + j] = -s / r[i * k + i];
    }
  }
  const df = n - k;
  const rss = ls.rss;
  const sigma2 = rss / df;
  const se = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = i; j < k; j++) s += rinv[i * k + j] ** 2;
    se[i] = Math.sqrt(sigma2 * s);
  }
  const beta = ls.beta;
  const tv = new Float64Array(k);
  const pv = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    tv[i] = beta[i] / se[i];
    pv[i] = 2 * studentTCdf(-Math.abs(tv[i]), df);
  }
  let tss = 0;
  if (fitIntercept) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += yy[i];
    mean /= n;
    for (let i = 0; i < n; i++) tss += (yy[i] - mean) ** 2;
  } else {
    for (let i = 0; i < n; i++) tss += yy[i] * yy[i];
  }
  const rSquared = 1 - rss / tss;
  const adjustedRSquared = 1 - ((1 - rSquared) * (n - (fitIntercept ? 1 : 0))) / df;
  const o = fitIntercept ? 1 : 0;
  const coefficients = beta.slice(o);
  const intercept = fitIntercept ? beta[0] : 0;
  return linearModel({
    coefficients,
    coefficientNames: M.columnNames,
    intercept,
    standardErrors: se.slice(o),
    interceptStandardError: fitIntercept ? se[0] : Number.NaN,
    tValues: tv.slice(o),
    pValues: pv.slice(o),
    interceptTValue: fitIntercept ? tv[0] : Number.NaN,
    interceptPValue: fitIntercept ? pv[0] : Number.NaN,
    rSquared,
    adjustedRSquared,
    residualStandardError: Math.sqrt(sigma2),
    rss,
    dfResidual: df,
    nObservations: n,
    fitIntercept,
  });
}

type LinearFields = Omit<LinearRegressionModel, 'predict' | 'toJSON'>;

function linearModel(f: LinearFields): LinearRegressionModel {
  const { coefficients, intercept } = f;
  const p = coefficients.length;
  const predict = (Xn: DesignMatrixInput): Float64Array => {
    const m = toMatrix(Xn, 'LinearRegressionModel.predict');
    if (m.nCols !== p) {
      throw new InvalidInputError('LinearRegressionModel.predict', [{ path: 'X', message: `expected ${p} columns (as in fitting), got ${m.nCols}` }]);
    }
    const out = new Float64Array(m.nRows);
    for (let i = 0; i < m.nRows; i++) {
      let s = intercept;
      for (let j = 0; j < p; j++) s += m.data[i * p + j] * coefficients[j];
      out[i] = s;
    }
    return out;
  };
  const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);
  const toJSON = (): LinearRegressionJson => ({
    model: 'LinearRegression',
    version: 1,
    coefficientNames: [...f.coefficientNames],
    coefficients: [...coefficients],
    intercept,
    standardErrors: [...f.standardErrors],
    interceptStandardError: orNull(f.interceptStandardError),
    tValues: [...f.tValues],
    pValues: [...f.pValues],
    interceptTValue: orNull(f.interceptTValue),
    interceptPValue: orNull(f.interceptPValue),
    rSquared: f.rSquared,
    adjustedRSquared: f.adjustedRSquared,
    residualStandardError: f.residualStandardError,
    rss: f.rss,
    dfResidual: f.dfResidual,
    nObservations: f.nObservations,
    fitIntercept: f.fitIntercept,
  });
  return Object.freeze({ ...f, predict, toJSON });
}

/**
 * Restores a linear regression from {@link LinearRegressionModel.toJSON} (after `JSON.parse`),
 * exactly.
 *
 * @throws {@link InvalidInputError} (paths under `json`) when the object is not a version-1
 * linear regression or its arrays do not fit together.
 *
 * @example
 * ```ts
 * import { fitLinearRegression, linearRegressionFromJSON } from 'clmkit/models';
 * const m = fitLinearRegression([[1], [2], [3], [5]], [2.1, 3.9, 6.2, 9.8]);
 * const back = linearRegressionFromJSON(JSON.parse(JSON.stringify(m)));
 * console.log(back.predict([[4]])[0] === m.predict([[4]])[0], back.rSquared === m.rSquared); // true true
 * ```
 */
export function linearRegressionFromJSON(json: unknown): LinearRegressionModel {
  const context = 'linearRegressionFromJSON';
  const fail = (path: string, message: string): never => {
    throw new InvalidInputError(context, [{ path: `json${path}`, message }]);
  };
  if (typeof json !== 'object' || json === null) return fail('', `expected the object written by toJSON(), got ${show(json)}`);
  const j = json as Partial<Record<keyof LinearRegressionJson, unknown>>;
  if (j.model !== 'LinearRegression') fail('.model', `expected 'LinearRegression', got ${show(j.model)}`);
  if (j.version !== 1) fail('.version', `expected 1, got ${show(j.version)}`);
  if (!Array.isArray(j.coefficientNames) || !j.coefficientNames.every((x) => typeof x === 'string')) fail('.coefficientNames', 'expected an array of strings');
  const names = Object.freeze([...(j.coefficientNames as string[])]);
  const p = names.length;
  const nums = (v: unknown, path: string): Float64Array => {
    if (!Array.isArray(v) || v.length !== p || !v.every((x) => typeof x === 'number')) return fail(path, `expected ${p} numbers`);
    return Float64Array.from(v);
  };
  const num = (v: unknown, path: string): number => (typeof v === 'number' ? v : fail(path, `expected a number, got ${show(v)}`));
  const numOrNaN = (v: unknown, path: string): number => (v === null ? Number.NaN : num(v, path));
  if (typeof j.fitIntercept !== 'boolean') fail('.fitIntercept', `expected a boolean, got ${show(j.fitIntercept)}`);
  return linearModel({
    coefficients: nums(j.coefficients, '.coefficients'),
    coefficientNames: names,
    intercept: num(j.intercept, '.intercept'),
    standardErrors: nums(j.standardErrors, '.standardErrors'),
    interceptStandardError: numOrNaN(j.interceptStandardError, '.interceptStandardError'),
    tValues: nums(j.tValues, '.tValues'),
    pValues: nums(j.pValues, '.pValues'),
    interceptTValue: numOrNaN(j.interceptTValue, '.interceptTValue'),
    interceptPValue: numOrNaN(j.interceptPValue, '.interceptPValue'),
    rSquared: num(j.rSquared, '.rSquared'),
    adjustedRSquared: num(j.adjustedRSquared, '.adjustedRSquared'),
    residualStandardError: num(j.residualStandardError, '.residualStandardError'),
    rss: num(j.rss, '.rss'),
    dfResidual: num(j.dfResidual, '.dfResidual'),
    nObservations: num(j.nObservations, '.nObservations'),
    fitIntercept: j.fitIntercept as boolean,
  });
}
