/**
 * The shared layer of the buy-till-you-die (BTYD) models: reading and validating
 * recency–frequency columns, compressing them to unique `(x, t_x, T)` triples with weights,
 * one-customer-or-batch prediction, the maximum-likelihood driver (log-parameters, analytic
 * gradient, L-BFGS with a Nelder–Mead fallback, restarts, standard errors from the observed
 * information), the {@link TransactionModel} interface that BG/NBD, MBG/NBD and Pareto/NBD
 * implement, and the versioned JSON format of fitted models.
 *
 * @module
 */
import * as z from 'zod/mini';
import type { CustomerSummary, TimeUnit } from '../../data/types.js';
import { ConvergenceError, InvalidInputError, MAX_ISSUES, NotEnoughDataError, type InputIssue } from '../../errors.js';
import { invertSymmetric, minimizeLbfgs, minimizeNelderMead, numericHessianFromGradient, type OptimizeResult } from '../../math/optimize.js';
import { parseOptions, show } from '../../validate.js';

// ------------------------------------------------------------------------------------ input

/** A numeric column: a plain array or a Float64Array. */
export type NumericColumn = readonly number[] | Float64Array;

/**
 * Recency–frequency columns, one entry per customer (or per group of identical customers when
 * `weights` is given). A {@link CustomerSummary} from `summarize` fits as is.
 *
 * - `frequency` — x, the number of **repeat** purchases (a non-negative integer);
 * - `recency` — t_x, the time from the first to the last purchase (0 when x = 0);
 * - `T` — the time from the first purchase to the end of observation (t_x ≤ T);
 * - `weights` — optional non-negative count of customers each row stands for (default 1).
 */
export interface BtydColumns {
  /** x: repeat purchases per customer. */
  readonly frequency: NumericColumn;
  /** t_x: time of the last purchase, measured from the first. */
  readonly recency: NumericColumn;
  /** T: length of observation, measured from the first purchase. */
  readonly T: NumericColumn;
  /** How many customers each row stands for. @defaultValue 1 for every row */
  readonly weights?: NumericColumn;
  /** Time unit of `recency` and `T` (a {@link CustomerSummary} carries it); kept on the fitted model. */
  readonly unit?: TimeUnit;
}

/** Input of the BTYD fitting functions: a {@link CustomerSummary} or plain {@link BtydColumns}. */
export type BtydInput = BtydColumns | CustomerSummary;

/** One customer's history, for one-customer predictions. */
export interface CustomerRfm {
  /** x: repeat purchases. */
  readonly frequency: number;
  /** t_x: time of the last purchase, from the first. */
  readonly recency: number;
  /** T: length of observation, from the first purchase. */
  readonly T: number;
}

/** Validated columns, as Float64Arrays of one length (`weights` all 1 when none were given). */
export interface RfmData {
  /** x per row. */
  readonly frequency: Float64Array;
  /** t_x per row. */
  readonly recency: Float64Array;
  /** T per row. */
  readonly T: Float64Array;
  /** Weight per row. */
  readonly weights: Float64Array;
}

/** {@link RfmData} with identical `(x, t_x, T)` rows merged; `index` maps each input row to its triple. */
export interface CompressedRfm extends RfmData {
  /** For input row i, the row of its triple in the compressed columns. */
  readonly index: Int32Array;
}

/**
 * A column of numbers as a Float64Array (a Float64Array is used as it is, not copied); every
 * element that is not a number is an issue naming the column and the row. `null` when the column
 * is absent and not required.
 *
 * @internal
 */
export function readNumberColumn(v: unknown, name: string, context: string, required: boolean): Float64Array | null {
  if (v === undefined && !required) return null;
  if (v instanceof Float64Array) return v;
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    const arr = v as ArrayLike<unknown>;
    const out = new Float64Array(arr.length);
    const issues: InputIssue[] = [];
    let count = 0;
    for (let i = 0; i < arr.length; i++) {
      const x = arr[i];
      if (typeof x !== 'number') {
        count++;
        if (issues.length < MAX_ISSUES) issues.push({ path: name, row: i, message: `expected a number, got ${show(x)}` });
      } else out[i] = x;
    }
    if (count > 0) throw new InvalidInputError(context, issues, count);
    return out;
  }
  throw new InvalidInputError(context, [
    { path: name, message: `expected an array or Float64Array of numbers, got ${v === undefined ? 'nothing' : show(v)}` },
  ]);
}

/**
 * Read and validate recency–frequency columns. Every problem is reported as an
 * {@link InvalidInputError} issue naming the column and the row: a non-finite or negative value,
 * a non-integer frequency, recency greater than T, frequency 0 with recency > 0, a negative or
 * non-finite weight, or columns of different lengths. Float64Array columns are used as they are
 * (not copied).
 *
 * @param context - the calling function's name, for messages.
 * @example
 * ```ts
 * import { readRfm } from 'clmkit/models';
 * const d = readRfm({ frequency: [2, 0], recency: [30.43, 0], T: [38.86, 38.86] }, 'example');
 * console.log(d.weights); // Float64Array(2) [ 1, 1 ]
 * try {
 *   readRfm({ frequency: [2, 0], recency: [40, 0], T: [38.86, 38.86] }, 'example');
 * } catch (err) {
 *   console.log((err as { issues: unknown[] }).issues[0]); // { path: 'recency', row: 0, message: 'expected recency ≤ T (38.86), got 40' }
 * }
 * ```
 */
export function readRfm(input: BtydInput, context: string): RfmData {
  if ((input as unknown) === null || typeof (input as unknown) !== 'object') {
    throw new InvalidInputError(context, [{ path: 'data', message: `expected columns { frequency, recency, T }, got ${show(input)}` }]);
  }
  const cols = input as unknown as Record<string, unknown>;
  const frequency = readNumberColumn(cols['frequency'], 'frequency', context, true) as Float64Array;
  const recency = readNumberColumn(cols['recency'], 'recency', context, true) as Float64Array;
  const T = readNumberColumn(cols['T'], 'T', context, true) as Float64Array;
  const w = readNumberColumn(cols['weights'], 'weights', context, false);
  const n = frequency.length;
  const lengthIssues: InputIssue[] = [];
  for (const [name, c] of [['recency', recency], ['T', T], ['weights', w]] as const) {
    if (c !== null && c.length !== n) {
      lengthIssues.push({ path: name, message: `expected ${n} values (as many as frequency), got ${c.length}` });
    }
  }
  if (lengthIssues.length > 0) throw new InvalidInputError(context, lengthIssues);
  // Fast scan first (no allocation, no closures); describe the bad rows only when there are any.
  if (!rowsValid(frequency, recency, T, w)) describeBadRows(frequency, recency, T, w, context);
  return { frequency, recency, T, weights: w ?? new Float64Array(n).fill(1) };
}

/** Whether every row passes {@link readRfm}'s checks (the hot path: a plain loop). */
function rowsValid(frequency: Float64Array, recency: Float64Array, T: Float64Array, w: Float64Array | null): boolean {
  const n = frequency.length;
  for (let i = 0; i < n; i++) {
    const x = frequency[i];
    const tx = recency[i];
    const t = T[i];
    // NaN fails every comparison, so `!(… >= 0)` also catches it; Infinity is caught by the bounds.
    if (!(x >= 0 && x <= Number.MAX_SAFE_INTEGER && x === Math.floor(x))) return false;
    if (!(tx >= 0 && t >= 0 && tx <= t && t < Infinity)) return false;
    if (x === 0 && tx > 0) return false;
  }
  if (w !== null) {
    for (let i = 0; i < n; i++) {
      const v = w[i];
      if (!(v >= 0 && v < Infinity)) return false;
    }
  }
  return true;
}

/** Throw the {@link InvalidInputError} listing every bad row (the slow path). */
function describeBadRows(frequency: Float64Array, recency: Float64Array, T: Float64Array, w: Float64Array | null, context: string): never {
  const n = frequency.length;
  const issues: InputIssue[] = [];
  let count = 0;
  const add = (path: string, row: number, message: string): void => {
    count++;
    if (issues.length < MAX_ISSUES) issues.push({ path, row, message });
  };
  for (let i = 0; i < n; i++) {
    const x = frequency[i];
    const tx = recency[i];
    const t = T[i];
    if (!Number.isFinite(x) || x < 0 || x !== Math.floor(x)) {
      add('frequency', i, `expected a non-negative integer number of repeat purchases, got ${x}`);
    }
    if (!Number.isFinite(tx) || tx < 0) add('recency', i, `expected a finite non-negative time, got ${tx}`);
    if (!Number.isFinite(t) || t < 0) add('T', i, `expected a finite non-negative time, got ${t}`);
    else if (tx > t) add('recency', i, `expected recency ≤ T (${t}), got ${tx}`);
    if (x === 0 && tx > 0) add('recency', i, `expected recency 0 for a customer with frequency 0, got ${tx}`);
    if (w !== null && !(Number.isFinite(w[i]) && w[i] >= 0)) add('weights', i, `expected a finite non-negative weight, got ${w[i]}`);
  }
  throw new InvalidInputError(context, issues, count);
}

/** Validate one customer's numbers (same rules as {@link readRfm}, without a row). */
function checkCustomer(c: CustomerRfm, context: string): void {
  const issues: InputIssue[] = [];
  const { frequency: x, recency: tx, T: t } = c;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x !== Math.floor(x)) {
    issues.push({ path: 'frequency', message: `expected a non-negative integer number of repeat purchases, got ${show(x)}` });
  }
  if (typeof tx !== 'number' || !Number.isFinite(tx) || tx < 0) issues.push({ path: 'recency', message: `expected a finite non-negative time, got ${show(tx)}` });
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) issues.push({ path: 'T', message: `expected a finite non-negative time, got ${show(t)}` });
  else if (tx > t) issues.push({ path: 'recency', message: `expected recency ≤ T (${t}), got ${tx}` });
  if (x === 0 && tx > 0) issues.push({ path: 'recency', message: `expected recency 0 for a customer with frequency 0, got ${tx}` });
  if (issues.length > 0) throw new InvalidInputError(context, issues);
}

function grow(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

/**
 * Merge identical `(x, t_x, T)` rows: the result holds each distinct triple once, its weight the
 * sum of the input weights of its rows, in order of first appearance; `index[i]` is the
 * compressed row of input row i. Linear time (an open-addressing hash on the values' bits).
 *
 * @example
 * ```ts
 * import { compressRfm, readRfm } from 'clmkit/models';
 * const c = compressRfm(readRfm({ frequency: [0, 1, 0], recency: [0, 2, 0], T: [5, 5, 5] }, 'example'));
 * console.log(c.frequency, c.weights, c.index); // Float64Array(2) [ 0, 1 ] Float64Array(2) [ 2, 1 ] Int32Array(3) [ 0, 1, 0 ]
 * ```
 */
export function compressRfm(cols: RfmData): CompressedRfm {
  const { frequency, recency, T, weights } = cols;
  const n = frequency.length;
  let cap = 16;
  while (cap < 2 * n) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  const index = new Int32Array(n);
  // Output columns grow by doubling (most summaries have far fewer distinct triples than rows).
  let size = Math.min(n, 4096);
  let fx = new Float64Array(size);
  let fr = new Float64Array(size);
  let fT = new Float64Array(size);
  let fw = new Float64Array(size);
  // The values' bits, read in place (Float64Arrays are 8-byte aligned); ±0 hash alike.
  const xb = new Uint32Array(frequency.buffer, frequency.byteOffset, 2 * n);
  const rb = new Uint32Array(recency.buffer, recency.byteOffset, 2 * n);
  const tb = new Uint32Array(T.buffer, T.byteOffset, 2 * n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = frequency[i];
    const r = recency[i];
    const t = T[i];
    let h = 0x811c9dc5;
    if (x !== 0) h = Math.imul(Math.imul(h ^ xb[2 * i], 0x01000193) ^ xb[2 * i + 1], 0x01000193);
    if (r !== 0) h = Math.imul(Math.imul(h ^ rb[2 * i], 0x01000193) ^ rb[2 * i + 1], 0x01000193);
    h = Math.imul(h ^ 0x9e3779b9, 0x01000193);
    if (t !== 0) h = Math.imul(Math.imul(h ^ tb[2 * i], 0x01000193) ^ tb[2 * i + 1], 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    let slot = h & mask;
    for (;;) {
      const j = table[slot];
      if (j === -1) {
        if (m === size) {
          size = Math.min(n, 2 * size);
          fx = grow(fx, size);
          fr = grow(fr, size);
          fT = grow(fT, size);
          fw = grow(fw, size);
        }
        table[slot] = m;
        fx[m] = x;
        fr[m] = r + 0; // −0 → +0
        fT[m] = t + 0;
        fw[m] = weights[i];
        index[i] = m;
        m++;
        break;
      }
      if (fx[j] === x && fr[j] === r && fT[j] === t) {
        fw[j] += weights[i];
        index[i] = j;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { frequency: fx.slice(0, m), recency: fr.slice(0, m), T: fT.slice(0, m), weights: fw.slice(0, m), index };
}

/** Options of {@link predictBatch}. */
export interface PredictBatchOptions {
  /**
   * Evaluate the formula once per distinct `(x, t_x, T)` triple (found by {@link compressRfm})
   * and copy the value to every row with that triple. Worth it for costly formulas (those with a
   * hypergeometric function) on large batches, where summaries repeat triples; results are
   * identical. Ignored below 1,024 rows or when fewer than 20 % of rows repeat.
   * @defaultValue false
   */
  unique?: boolean;
}

/** A per-customer formula f(x, t_x, T). */
export type CustomerFormula = (x: number, tx: number, T: number) => number;

/**
 * Apply a per-customer formula to one customer (numbers → number) or to columns (→ Float64Array,
 * one value per row). Input is validated as by {@link readRfm}; weights are ignored.
 * With `options.unique` the formula runs once per distinct triple.
 *
 * @example
 * ```ts
 * import { predictBatch } from 'clmkit/models';
 * const f = (x: number, tx: number, T: number) => (x + 1) / (T + 1);
 * console.log(predictBatch({ frequency: 1, recency: 2, T: 3 }, 'example', f)); // 0.5
 * console.log(predictBatch({ frequency: [1, 0], recency: [2, 0], T: [3, 1] }, 'example', f)); // Float64Array(2) [ 0.5, 0.5 ]
 * ```
 */
export function predictBatch(input: CustomerRfm, context: string, formula: CustomerFormula, options?: PredictBatchOptions): number;
export function predictBatch(input: BtydInput, context: string, formula: CustomerFormula, options?: PredictBatchOptions): Float64Array;
export function predictBatch(
  input: CustomerRfm | BtydInput,
  context: string,
  formula: CustomerFormula,
  options?: PredictBatchOptions,
): number | Float64Array;
export function predictBatch(
  input: CustomerRfm | BtydInput,
  context: string,
  formula: CustomerFormula,
  options?: PredictBatchOptions,
): number | Float64Array {
  if (isSingleCustomer(input)) {
    const c = input;
    checkCustomer(c, context);
    return formula(c.frequency, c.recency, c.T);
  }
  const d = readRfm(input, context);
  const n = d.frequency.length;
  const out = new Float64Array(n);
  if (options?.unique === true && n >= 1024) {
    // Evaluate once per distinct (x, t_x, T) and scatter: the same numbers, fewer evaluations.
    const c = compressRfm(d);
    const m = c.frequency.length;
    if (m < 0.8 * n) {
      const vals = new Float64Array(m);
      for (let j = 0; j < m; j++) vals[j] = formula(c.frequency[j], c.recency[j], c.T[j]);
      const idx = c.index;
      for (let i = 0; i < n; i++) out[i] = vals[idx[i]];
      return out;
    }
  }
  const { frequency, recency, T } = d;
  for (let i = 0; i < n; i++) out[i] = formula(frequency[i], recency[i], T[i]);
  return out;
}

/**
 * Whether a prediction argument is one customer (numbers) rather than columns.
 *
 * @example
 * ```ts
 * import { isSingleCustomer } from 'clmkit/models';
 * console.log(isSingleCustomer({ frequency: 2, recency: 30.43, T: 38.86 })); // true
 * ```
 */
export function isSingleCustomer(input: CustomerRfm | BtydInput): input is CustomerRfm {
  const raw = input as unknown;
  return raw !== null && typeof raw === 'object' && typeof (raw as { frequency: unknown }).frequency === 'number';
}

// ------------------------------------------------------------------------------ fit options

/**
 * Options of the BTYD fitting functions (`fitBetaGeo`, `fitModifiedBetaGeo`, `fitParetoNbd`, …).
 */
export interface BtydFitOptions {
  /**
   * L2 penalty on the parameters. The objective minimised is the **mean** negative
   * log-likelihood per unit weight plus `penalizerCoef · Σ θ²` over the model's natural
   * parameters θ, in the data's own time unit — lifetimes' form, except that lifetimes first
   * rescales time so that max T = 10 (so its scale parameters α, β differ by that factor; the
   * same coefficient does not give the same fit when T's scale differs from 10).
   * `logLikelihood` of the result is always the unpenalised total.
   * @defaultValue 0
   */
  penalizerCoef?: number;
  /** Starting values for some or all parameters (natural scale, all > 0). @defaultValue the model's own */
  initialParams?: Readonly<Record<string, number>>;
  /** Iteration limit of each optimiser run. @defaultValue 1000 */
  maxIterations?: number;
  /**
   * Convergence tolerance: the max-norm of the gradient of the mean objective with respect to
   * the log-parameters. @defaultValue 1e-9
   */
  tolerance?: number;
  /**
   * `'lbfgs'` (analytic gradient; falls back to Nelder–Mead and restarts when it stalls) or
   * `'nelder-mead'` (derivative-free and slower; the simplex's own criterion decides `converged`,
   * and its point is reported as is).
   * @defaultValue 'lbfgs'
   */
  optimizer?: 'lbfgs' | 'nelder-mead';
}

const positiveInt = z.number().check(z.int(), z.gte(1));
const btydFitOptionsSchema = z.strictObject({
  penalizerCoef: z.optional(z.number().check(z.gte(0))),
  initialParams: z.optional(z.record(z.string(), z.number().check(z.gt(0)))),
  maxIterations: z.optional(positiveInt),
  tolerance: z.optional(z.number().check(z.gt(0))),
  optimizer: z.optional(z.enum(['lbfgs', 'nelder-mead'])),
});

/** {@link BtydFitOptions} with every default filled in. */
export interface ResolvedBtydFitOptions {
  /** See {@link BtydFitOptions.penalizerCoef}. */
  readonly penalizerCoef: number;
  /** See {@link BtydFitOptions.initialParams}. */
  readonly initialParams: Readonly<Record<string, number>>;
  /** See {@link BtydFitOptions.maxIterations}. */
  readonly maxIterations: number;
  /** See {@link BtydFitOptions.tolerance}. */
  readonly tolerance: number;
  /** See {@link BtydFitOptions.optimizer}. */
  readonly optimizer: 'lbfgs' | 'nelder-mead';
}

/**
 * Validate {@link BtydFitOptions} (zod, at the public boundary) and fill in the defaults;
 * `initialParams` may only name the model's parameters.
 *
 * @example
 * ```ts
 * import { parseBtydFitOptions } from 'clmkit/models';
 * console.log(parseBtydFitOptions({ penalizerCoef: 0.01 }, ['r', 'alpha'], 'example').tolerance); // 1e-9
 * ```
 */
export function parseBtydFitOptions(options: unknown, names: readonly string[], context: string): ResolvedBtydFitOptions {
  const o = parseOptions(btydFitOptionsSchema, options, context);
  const init = o.initialParams ?? {};
  const bad = Object.keys(init).filter((k) => !names.includes(k));
  if (bad.length > 0) {
    throw new InvalidInputError(
      `${context}: invalid options`,
      bad.map((k) => ({ path: `options.initialParams.${k}`, message: `unknown parameter '${k}'; expected one of ${names.join(', ')}` })),
    );
  }
  return {
    penalizerCoef: o.penalizerCoef ?? 0,
    initialParams: init,
    maxIterations: o.maxIterations ?? 1000,
    tolerance: o.tolerance ?? 1e-9,
    optimizer: o.optimizer ?? 'lbfgs',
  };
}

// ------------------------------------------------------------------------- maximum likelihood

/** What {@link fitMaximumLikelihood} needs to know about a model and its data. */
export interface MaximumLikelihoodProblem {
  /** Parameter names, in the order of the log-parameter vector. */
  readonly names: readonly string[];
  /**
   * The **total** (weighted) negative log-likelihood at exp(logParams); when `grad` is given,
   * also write its gradient with respect to the log-parameters into it. Return a non-finite value
   * (NaN or Infinity) where it cannot be evaluated; the optimiser backs off.
   */
  readonly negLogLik: (logParams: Float64Array, grad: Float64Array | null) => number;
  /** Default starting values, natural scale (all > 0); `options.initialParams` overrides them. */
  readonly initial: readonly number[];
  /** Total weight (number of customers) of the data: the objective is the mean per unit weight. */
  readonly totalWeight: number;
  /** Parsed options ({@link parseBtydFitOptions}). */
  readonly options: ResolvedBtydFitOptions;
  /** The fitting function's name, for messages. */
  readonly context: string;
}

/** The outcome of {@link fitMaximumLikelihood}. */
export interface MaximumLikelihoodFit {
  /** Fitted parameters by name (natural scale). */
  readonly params: Readonly<Record<string, number>>;
  /** Total log-likelihood at `params` (unpenalised), in the data's time unit. */
  readonly logLikelihood: number;
  /** Whether the gradient criterion (`options.tolerance`) was met. */
  readonly converged: boolean;
  /** Optimiser iterations over all runs. */
  readonly iterations: number;
  /** Max-norm of the gradient of the mean objective w.r.t. the log-parameters at `params`. */
  readonly gradientNorm: number;
  /**
   * Standard errors by name, from the inverse of the observed information (the Hessian of the
   * total penalised negative log-likelihood in the natural parameters, by central differences of
   * the analytic gradient); `null` when that Hessian is not positive definite (a flat or boundary
   * optimum), never NaN.
   */
  readonly standardErrors: Readonly<Record<string, number>> | null;
}

/**
 * Maximise a likelihood over log-transformed positive parameters: L-BFGS with the analytic
 * gradient from the given start; if that does not meet the tolerance, Nelder–Mead from the best
 * point followed by L-BFGS again, then up to four deterministic perturbed starts (each parameter
 * × e^±0.7), keeping the best. Throws {@link ConvergenceError} (best parameters, log-likelihood in
 * the message) when none converges, and {@link NotEnoughDataError} when the total weight is 0.
 *
 * @example
 * ```ts
 * import { fitMaximumLikelihood, parseBtydFitOptions } from 'clmkit/models';
 * // Exponential waiting times 1, 2, 3: the rate's MLE is 1/2.
 * const data = [1, 2, 3];
 * const fit = fitMaximumLikelihood({
 *   names: ['rate'],
 *   negLogLik: (lp, grad) => {
 *     const rate = Math.exp(lp[0]);
 *     let nll = 0;
 *     for (const t of data) nll -= Math.log(rate) - rate * t;
 *     // the gradient with respect to log(rate)
 *     if (grad) grad[0] = -data.length + rate * 6;
 *     return nll;
 *   },
 *   initial: [1],
 *   totalWeight: 3,
 *   options: parseBtydFitOptions({}, ['rate'], 'example'),
 *   context: 'example',
 * });
 * console.log(fit.params.rate.toFixed(6), fit.converged); // 0.500000 true
 * ```
 */
export function fitMaximumLikelihood(problem: MaximumLikelihoodProblem): MaximumLikelihoodFit {
  const { names, negLogLik, options, context } = problem;
  const k = names.length;
  const W = problem.totalWeight;
  if (!(W > 0)) throw new NotEnoughDataError(`${context} needs customers with positive total weight`, 1, 0);
  const c = options.penalizerCoef;
  const work = new Float64Array(k);
  // A likelihood whose maximum is on the boundary (no dropout in the data, or almost no repeat
  // buyers) sends the parameters off to 0 or ∞, and an optimiser then crawls along a flat ridge:
  // 1,000 L-BFGS iterations took ~3 minutes on 1M customers with uniformly random purchase days.
  // Interior fits never evaluate there more than a few times (a long trial step of a line search),
  // so after OFF_LIMIT evaluations beyond |log p| > 15 the search stops, with the best point seen.
  let offEvaluations = 0;
  let offBest: { x: Float64Array; value: number } | null = null;
  const watch = (lp: Float64Array, v: number): void => {
    let off = false;
    for (let j = 0; j < k; j++) if (lp[j] > 15 || lp[j] < -15) off = true;
    if (!off || !Number.isFinite(v)) return;
    if (offBest === null || v < offBest.value) offBest = { x: Float64Array.from(lp), value: v };
    if (++offEvaluations === OFF_LIMIT) throw OFF_BOUNDARY; // once: later evaluations only look
  };
  const objective = (lp: Float64Array, grad: Float64Array): number => {
    const nll = negLogLik(lp, grad);
    if (!Number.isFinite(nll)) return NaN;
    let pen = 0;
    for (let j = 0; j < k; j++) {
      const p = Math.exp(lp[j]);
      grad[j] = grad[j] / W + 2 * c * p * p;
      pen += p * p;
    }
    const v = nll / W + c * pen;
    watch(lp, v);
    return v;
  };
  const value = (lp: Float64Array): number => {
    const v = negLogLik(lp, null);
    if (!Number.isFinite(v)) return NaN;
    let pen = 0;
    for (let j = 0; j < k; j++) pen += Math.exp(2 * lp[j]);
    const out = v / W + c * pen;
    watch(lp, out);
    return out;
  };
  const start = names.map((name, j) => Math.log(options.initialParams[name] ?? problem.initial[j]));
  const tol = options.tolerance;
  const lbfgsOpts = { maxIterations: options.maxIterations, gradientTolerance: tol, functionTolerance: 0 };
  let iterations = 0;
  const gradNorm = (x: Float64Array): number => {
    const v = objective(x, work);
    if (!Number.isFinite(v)) return Infinity;
    let m = 0;
    for (let j = 0; j < k; j++) m = Math.max(m, Math.abs(work[j]));
    return m;
  };
  let best: { x: Float64Array; value: number; gnorm: number } | null = null;
  let simplexConverged = false;
  const consider = (r: OptimizeResult): void => {
    iterations += r.iterations;
    if (options.optimizer === 'nelder-mead' && r.converged) simplexConverged = true;
    if (!Number.isFinite(r.value)) return;
    const g = Number.isNaN(r.gradientNorm) ? gradNorm(r.x) : r.gradientNorm;
    if (best === null || r.value < best.value - 1e-13 * Math.abs(best.value) || (r.value <= best.value && g < best.gnorm)) {
      best = { x: Float64Array.from(r.x), value: r.value, gnorm: g };
    }
  };
  const done = (): boolean => best !== null && best.gnorm <= tol;
  // Parameters running off to 0 or ∞ (|log p| > 15) mean the maximum is on the boundary: more
  // optimisers and restarts cannot move it inside, and on degenerate data (a handful of repeat
  // buyers) each of them crawls along a flat ridge for minutes. Stop and report instead.
  const offBoundary = (): boolean => best !== null && boundaryNote(names, best.x) !== '';
  const runFrom = (x0: ArrayLike<number>): void => {
    try {
      runOptimizers(x0);
    } catch (e) {
      if (e !== OFF_BOUNDARY) throw e;
      const ob = offBest;
      if (ob !== null) {
        consider({ x: ob.x, value: ob.value, gradientNorm: NaN, iterations: 0, evaluations: OFF_LIMIT, converged: false, message: 'stopped: parameters off to the boundary' });
      }
    }
  };
  const runOptimizers = (x0: ArrayLike<number>): void => {
    if (options.optimizer === 'nelder-mead') {
      consider(minimizeNelderMead(value, x0, { maxIterations: options.maxIterations, initialStep: 0.1 }));
      return;
    }
    consider(minimizeLbfgs(objective, x0, lbfgsOpts));
    if (done() || offBoundary()) return;
    const from = best?.x ?? x0;
    consider(minimizeNelderMead(value, from, { maxIterations: options.maxIterations, initialStep: 0.1 }));
    consider(minimizeLbfgs(objective, (best as { x: Float64Array } | null)?.x ?? from, lbfgsOpts));
  };
  runFrom(start);
  if (options.optimizer === 'nelder-mead') {
    // Derivative-free: accept the simplex's own convergence; a gradient check would be unfair.
  } else {
    const jitters = [0.7, -0.7, 0.35, -0.35];
    for (let s = 0; s < jitters.length && !done() && !offBoundary(); s++) {
      const x0 = start.map((v, j) => v + (j % 2 === 0 ? jitters[s] : -jitters[s]));
      runFrom(x0);
    }
  }
  const b = best as { x: Float64Array; value: number; gnorm: number } | null;
  const paramsOf = (x: Float64Array): Record<string, number> => Object.fromEntries(names.map((name, j) => [name, Math.exp(x[j])]));
  if (b === null) {
    throw new ConvergenceError(
      `${context}: the likelihood could not be evaluated at any starting point; check the data or pass initialParams`,
      paramsOf(Float64Array.from(start)),
      iterations,
      Infinity,
    );
  }
  const logLikelihood = -negLogLik(b.x, null);
  const converged = options.optimizer === 'nelder-mead' ? simplexConverged : b.gnorm <= tol;
  if (!converged) {
    throw new ConvergenceError(
      options.optimizer === 'nelder-mead'
        ? `${context}: Nelder–Mead reached its iteration limit without the simplex collapsing; best log-likelihood ${logLikelihood}. Try optimizer 'lbfgs' or more maxIterations`
        : `${context}: did not converge (gradient norm ${b.gnorm.toExponential(2)} > tolerance ${tol}); best log-likelihood ${logLikelihood}.${boundaryNote(names, b.x)} Try a penalizerCoef, other initialParams or a looser tolerance`,
      paramsOf(b.x),
      iterations,
      b.gnorm,
      logLikelihood,
    );
  }
  return {
    params: paramsOf(b.x),
    logLikelihood,
    converged,
    iterations,
    gradientNorm: b.gnorm,
    standardErrors: standardErrors(problem, b.x),
  };
}

/** A hint when parameters ran off towards 0 or ∞ (a boundary optimum the data do not pin down). */
/** Evaluations beyond |log p| > 15 after which a fit stops as running off to the boundary. */
const OFF_LIMIT = 200;
const OFF_BOUNDARY = new Error('off the boundary');

function boundaryNote(names: readonly string[], lp: Float64Array): string {
  const big = names.filter((_, j) => lp[j] > 15);
  const small = names.filter((_, j) => lp[j] < -15);
  if (big.length === 0 && small.length === 0) return '';
  const parts = [];
  if (big.length > 0) parts.push(`${big.join(', ')} towards ∞`);
  if (small.length > 0) parts.push(`${small.join(', ')} towards 0`);
  return ` The parameters run off ${parts.join(' and ')}: the maximum is on the boundary, which these data do not pin down (too few customers or repeat buyers?).`;
}

/** SEs from the Hessian of the total penalised NLL in natural parameters. */
function standardErrors(problem: MaximumLikelihoodProblem, lp: Float64Array): Record<string, number> | null {
  const { names, negLogLik } = problem;
  const k = names.length;
  const W = problem.totalWeight;
  const c = problem.options.penalizerCoef;
  const p = Float64Array.from(lp, Math.exp);
  // Gradient of the total objective w.r.t. log-parameters; Hessian in log space, then transformed:
  // H_p = D⁻¹ (H_θ − diag(g_θ)) D⁻¹ with D = diag(p).
  const gradLog = (x: Float64Array, g: Float64Array): void => {
    negLogLik(x, g);
    for (let j = 0; j < k; j++) g[j] += 2 * W * c * Math.exp(2 * x[j]);
  };
  const Hl = numericHessianFromGradient(gradLog, lp, 1e-5);
  const g0 = new Float64Array(k);
  gradLog(lp, g0);
  const H = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) H[i * k + j] = (Hl[i * k + j] - (i === j ? g0[i] : 0)) / (p[i] * p[j]);
  }
  const inv = invertSymmetric(H, k);
  if (inv === null) return null;
  const out: Record<string, number> = {};
  for (let j = 0; j < k; j++) {
    const v = inv[j * k + j];
    if (!(v > 0) || !Number.isFinite(v)) return null;
    out[names[j]] = Math.sqrt(v);
  }
  return out;
}

// ---------------------------------------------------------------------------- model interface

/** The versioned JSON form of a fitted BTYD model (what `toJSON()` returns). */
export interface BtydModelJson {
  /** The model's kind, e.g. `'BetaGeo'`. */
  readonly model: string;
  /** Format version; 1. */
  readonly version: 1;
  /** Parameters by name. */
  readonly params: Readonly<Record<string, number>>;
  /**
   * Total log-likelihood at the fit; NaN for a model built from given parameters (no fit), which
   * `JSON.stringify` writes as `null` and {@link checkModelJson} reads back as NaN.
   */
  readonly logLikelihood: number;
  /** Whether the fit converged. */
  readonly converged: boolean;
  /** Optimiser iterations. */
  readonly iterations: number;
  /** Standard errors by name, or null when not available. */
  readonly standardErrors: Readonly<Record<string, number>> | null;
  /** Time unit of the data the model was fitted on, when known. */
  readonly unit?: TimeUnit;
}

/**
 * The {@link BtydModelJson} of a model: kind, version 1, copies of the parameters and standard
 * errors, the fit's log-likelihood, convergence and iterations, and the unit when known. Each
 * model's `toJSON()` adds its own fields to it.
 *
 * @internal
 */
export function btydModelJson(
  kind: string,
  params: Readonly<Record<string, number>>,
  fit: { readonly logLikelihood: number; readonly converged: boolean; readonly iterations: number; readonly unit?: TimeUnit | undefined },
  standardErrors: Readonly<Record<string, number>> | null,
): BtydModelJson {
  return {
    model: kind,
    version: 1,
    params: { ...params },
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    standardErrors: standardErrors === null ? null : { ...standardErrors },
    ...(fit.unit === undefined ? {} : { unit: fit.unit }),
  };
}

/** What every fitted BTYD model carries (the data of its {@link BtydModelJson}). */
export interface FittedBtydModel {
  /** The model's kind, e.g. `'BetaGeo'`. */
  readonly kind: string;
  /** Parameters by name. */
  readonly params: Readonly<Record<string, number>>;
  /**
   * Total log-likelihood at the fit (unpenalised), in the data's time unit; NaN for a model built
   * from given parameters (its JSON has `null` there).
   */
  readonly logLikelihood: number;
  /** Whether the fit converged. */
  readonly converged: boolean;
  /** Optimiser iterations. */
  readonly iterations: number;
  /** Standard errors by name (observed information), or null when the Hessian is singular. */
  readonly standardErrors: Readonly<Record<string, number>> | null;
  /** Time unit of the data, when known. */
  readonly unit?: TimeUnit;
  /** The versioned JSON form; `fromJSON` of the model restores it exactly. */
  toJSON(): BtydModelJson;
}

/**
 * A fitted model of purchase counts (BG/NBD, MBG/NBD, Pareto/NBD): what CLV and the lifecycle
 * layer use. Times are in the unit of the data the model was fitted on.
 */
export interface TransactionModel extends FittedBtydModel {
  /** E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired. */
  expectedPurchases(t: number): number;
  /** E[Y(t) | x, t_x, T]: expected purchases in the next t time units, for one customer. */
  conditionalExpectedPurchases(t: number, customer: CustomerRfm): number;
  /** …or for columns of customers. */
  conditionalExpectedPurchases(t: number, customers: BtydInput): Float64Array;
  /** P(alive at T | x, t_x, T), for one customer. */
  probabilityAlive(customer: CustomerRfm): number;
  /** …or for columns of customers. */
  probabilityAlive(customers: BtydInput): Float64Array;
  /** P(X(t) = n): the probability that a new customer makes n repeat purchases in (0, t]. */
  probabilityOfPurchases(n: number, t: number): number;
}

/**
 * Check a value claimed to be a {@link BtydModelJson} of the given kind: right `model` and
 * `version`, every parameter finite and positive, the other fields of the right types. Throws
 * {@link InvalidInputError} naming each bad field.
 *
 * @example
 * ```ts
 * import { checkModelJson } from 'clmkit/models';
 * const json = { model: 'BetaGeo', version: 1, params: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 },
 *   logLikelihood: -9582.43, converged: true, iterations: 20, standardErrors: null };
 * console.log(checkModelJson(json, 'BetaGeo', ['r', 'alpha', 'a', 'b'], 'example').params.r); // 0.24
 * ```
 */
export function checkModelJson(json: unknown, kind: string, names: readonly string[], context: string): BtydModelJson {
  const issues: InputIssue[] = [];
  if (json === null || typeof json !== 'object') {
    throw new InvalidInputError(context, [{ path: 'json', message: `expected a ${kind} model's JSON object, got ${show(json)}` }]);
  }
  const o = json as Record<string, unknown>;
  if (o['model'] !== kind) issues.push({ path: 'model', message: `expected '${kind}', got ${show(o['model'])}` });
  if (o['version'] !== 1) issues.push({ path: 'version', message: `expected 1 (the only format version), got ${show(o['version'])}` });
  const params = o['params'];
  if (params === null || typeof params !== 'object') {
    issues.push({ path: 'params', message: `expected an object with ${names.join(', ')}, got ${show(params)}` });
  } else {
    for (const name of names) {
      const v = (params as Record<string, unknown>)[name];
      if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
        issues.push({ path: `params.${name}`, message: `expected a finite positive number, got ${show(v)}` });
      }
    }
  }
  if (typeof o['logLikelihood'] !== 'number' && o['logLikelihood'] !== null) {
    issues.push({ path: 'logLikelihood', message: `expected a number or null, got ${show(o['logLikelihood'])}` });
  }
  if (typeof o['converged'] !== 'boolean') issues.push({ path: 'converged', message: `expected a boolean, got ${show(o['converged'])}` });
  if (typeof o['iterations'] !== 'number') issues.push({ path: 'iterations', message: `expected a number, got ${show(o['iterations'])}` });
  const se = o['standardErrors'];
  if (se !== null && typeof se !== 'object') {
    issues.push({ path: 'standardErrors', message: `expected an object or null, got ${show(se)}` });
  }
  const unit = o['unit'];
  if (unit !== undefined && unit !== 'day' && unit !== 'week' && unit !== 'month') {
    issues.push({ path: 'unit', message: `expected 'day', 'week' or 'month', got ${show(unit)}` });
  }
  if (issues.length > 0) throw new InvalidInputError(context, issues);
  return {
    model: kind,
    version: 1,
    params: Object.fromEntries(names.map((n) => [n, (params as Record<string, number>)[n]])),
    logLikelihood: o['logLikelihood'] === null ? NaN : (o['logLikelihood'] as number),
    converged: o['converged'] as boolean,
    iterations: o['iterations'] as number,
    standardErrors: se === null ? null : { ...(se as Record<string, number>) },
    ...(unit === undefined ? {} : { unit: unit as TimeUnit }),
  };
}

/**
 * The time unit carried by the input (a {@link CustomerSummary}'s or the columns' `unit`), if any.
 *
 * @example
 * ```ts
 * import { unitOf } from 'clmkit/models';
 * console.log(unitOf({ frequency: [0], recency: [0], T: [1], unit: 'week' })); // week
 * ```
 */
export function unitOf(input: BtydInput): TimeUnit | undefined {
  const u = (input as { unit?: unknown }).unit;
  return u === 'day' || u === 'week' || u === 'month' ? u : undefined;
}
