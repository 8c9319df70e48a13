/**
 * The information-gap detector: how far a customer is from what the business's model of its
 * customers expects, per customer and per feature, to flag the customers the firm misunderstands.
 *
 * Two views of "what the model expects":
 *
 * - **Low-rank structure** ({@link fitInformationGap}): the features are standardised and
 *   reconstructed from their first `k` principal components. A customer whose features follow
 *   the population's correlations is reconstructed well; one who breaks them (high spend but no
 *   visits, many returns for a loyal profile…) leaves a large residual, even when every single
 *   feature is ordinary on its own. The gap is the Euclidean norm of the residual, in standard
 *   deviations (the "Q statistic" / squared prediction error of PCA process monitoring, J. E.
 *   Jackson and G. S. Mudholkar, Technometrics 21, 1979, without the square).
 * - **Purchase behaviour** ({@link purchaseGap}): observed minus expected holdout purchases
 *   under a fitted buy-till-you-die model.
 *
 * {@link flagGaps} turns either score into flags with a quantile threshold.
 *
 * A nonlinear (autoencoder) variant is not included: see docs/models/gap.md.
 *
 * @module
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../../errors.js';
import { quantileSorted } from '../../math/quantile.js';
import { parseOptions, show } from '../../validate.js';
import { toMatrix, type DesignMatrixInput } from '../prep/matrix.js';

/** Options of {@link fitInformationGap}. Give `components` or `varianceExplained`, not both. */
export interface InformationGapOptions {
  /** Number of principal components kept (an integer in [1, nCols]). */
  components?: number;
  /**
   * Keep the fewest components whose explained variance ratio sums to at least this (in (0, 1]).
   * @defaultValue 0.9 (when `components` is not given)
   */
  varianceExplained?: number;
}

/** Per-customer gap scores from {@link InformationGapModel.score}. */
export interface GapScores {
  /** Gap per row: ‖z − ẑ‖, the norm of the reconstruction residual in standard deviations. */
  readonly gap: Float64Array;
  /** Residual per row and column, `nRows × nCols` row-major, in standard deviations of each column. */
  readonly residuals: Float64Array;
  /** Number of rows. */
  readonly nRows: number;
  /** Column names (as fitted). */
  readonly featureNames: readonly string[];
}

/** One column's contribution to a customer's gap, from {@link gapDrivers}. */
export interface GapDriver {
  /** Column name. */
  readonly feature: string;
  /** Column index. */
  readonly column: number;
  /** Residual (observed − reconstructed), in standard deviations: positive = higher than the structure predicts. */
  readonly residual: number;
  /** Share of the customer's squared gap due to this column (residual² / gap²). */
  readonly share: number;
}

/** A fitted PCA information-gap model (a frozen object). */
export interface InformationGapModel {
  /** Always `'pca'`. */
  readonly method: 'pca';
  /** Column names. */
  readonly featureNames: readonly string[];
  /** Number of columns. */
  readonly nFeatures: number;
  /** Components kept. */
  readonly components: number;
  /** Column means of the training data. */
  readonly mean: Float64Array;
  /** Column population standard deviations of the training data (1 for a constant column). */
  readonly scale: Float64Array;
  /**
   * Principal axes in the standardised space, `nFeatures × nFeatures` row-major (row `j` is
   * component `j`; each has unit length and its largest-magnitude entry positive).
   */
  readonly loadings: Float64Array;
  /** Variance along each axis (eigenvalues of the correlation structure, divisor n − 1, as scikit-learn's PCA). */
  readonly explainedVariance: Float64Array;
  /** Share of the total variance along each axis. */
  readonly explainedVarianceRatio: Float64Array;
  /** The training rows' gaps, sorted ascending (the reference for {@link InformationGapModel.threshold}). */
  readonly trainingGaps: Float64Array;
  /** Gap and per-feature residuals of each row of `X`. */
  score(X: DesignMatrixInput): GapScores;
  /** The `q`-quantile of the training gaps (numpy's default interpolation): gaps above it are the top `1 − q`. */
  threshold(q?: number): number;
}

const gapSchema = z.strictObject({
  components: z.optional(z.number().check(z.int(), z.gte(1))),
  varianceExplained: z.optional(z.number().check(z.gt(0), z.lte(1))),
});

/**
 * Fits the PCA information-gap detector: standardises the columns (mean 0, population standard
 * deviation 1, as scikit-learn's `StandardScaler`), finds the principal axes by an SVD (ml-matrix)
 * of the standardised scatter matrix ZᵀZ, and keeps `k` of them. {@link InformationGapModel.score}
 * then reconstructs each standardised row `z` as `ẑ = V_k V_kᵀ z` and reports the residual
 * `z − ẑ` per column and its norm, the gap.
 *
 * @param X - one row per customer, one column per feature (`number[][]` or a matrix); at least 2 rows.
 * @param options - `components` or `varianceExplained` (default `varianceExplained: 0.9`).
 * @throws {@link InvalidInputError} for malformed `X` or options, or both `components` and `varianceExplained`.
 *
 * @example
 * ```ts
 * import { fitInformationGap, flagGaps } from 'clmkit/models';
 * // Visits, spend and items go together for these customers — except customer 5 (many visits, little spend).
 * const X = [[2, 40, 3], [4, 85, 7], [6, 118, 10], [3, 61, 5], [5, 100, 8], [9, 30, 3], [1, 22, 2], [7, 141, 12], [8, 150, 13], [2, 35, 3]];
 * const model = fitInformationGap(X, { components: 1 });
 * console.log(model.explainedVarianceRatio[0]); // ≈ 0.828
 * const { gap } = model.score(X);
 * console.log(gap[5], gap[0]); // ≈ 2.14, then ≈ 0.28
 * console.log(flagGaps(gap, { quantile: 0.9 }).rows); // Int32Array(1) [ 5 ]
 * ```
 */
export function fitInformationGap(X: DesignMatrixInput, options?: InformationGapOptions): InformationGapModel {
  const context = 'fitInformationGap';
  const o = parseOptions(gapSchema, options, context);
  if (o.components !== undefined && o.varianceExplained !== undefined) {
    throw new InvalidInputError(context, [{ path: 'options', message: 'give components or varianceExplained, not both' }]);
  }
  const M = toMatrix(X, context, 'X');
  const n = M.nRows;
  const d = M.nCols;
  if (n < 2 || d < 1) {
    throw new InvalidInputError(context, [{ path: 'X', message: `expected at least 2 rows and 1 column, got ${n} × ${d}` }]);
  }
  if (o.components !== undefined && o.components > d) {
    throw new InvalidInputError(context, [{ path: 'options.components', message: `expected at most ${d} (the number of columns), got ${o.components}` }]);
  }
  const data = M.data;
  // Standardise (population std; a constant column keeps scale 1, as StandardScaler).
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const t = data[i * d + j] - mean[j];
      scale[j] += t * t;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(scale[j] / n);
    scale[j] = s > 0 ? s : 1;
  }
  // Scatter matrix S = ZᵀZ (upper triangle accumulated, then mirrored).
  const S = new Float64Array(d * d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[j] = (data[i * d + j] - mean[j]) / scale[j];
    for (let a = 0; a < d; a++) {
      const za = z[a];
      for (let b = a; b < d; b++) S[a * d + b] += za * z[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) S[a * d + b] = S[b * d + a];
  const rows = Array.from({ length: d }, (_, a) => Array.from(S.subarray(a * d, a * d + d)));
  const svd = new SingularValueDecomposition(new Matrix(rows), { computeLeftSingularVectors: false, autoTranspose: false });
  const V = svd.rightSingularVectors; // columns = axes, by decreasing singular value
  const sing = svd.diagonal;
  const loadings = new Float64Array(d * d);
  const explainedVariance = new Float64Array(d);
  let total = 0;
  for (let c = 0; c < d; c++) {
    explainedVariance[c] = Math.max(0, sing[c]) / (n - 1);
    total += explainedVariance[c];
    // Sign: largest-magnitude entry positive (deterministic).
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(V.get(j, c)) > Math.abs(V.get(big, c))) big = j;
    const sign = V.get(big, c) < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) loadings[c * d + j] = sign * V.get(j, c);
  }
  const explainedVarianceRatio = new Float64Array(d);
  for (let c = 0; c < d; c++) explainedVarianceRatio[c] = total > 0 ? explainedVariance[c] / total : 0;
  let k: number;
  if (o.components !== undefined) k = o.components;
  else {
    const target = o.varianceExplained ?? 0.9;
    k = d;
    let cum = 0;
    for (let c = 0; c < d; c++) {
      cum += explainedVarianceRatio[c];
      if (cum >= target - 1e-12) {
        k = c + 1;
        break;
      }
    }
  }
  const featureNames = Object.freeze([...M.columnNames]);

  const score = (Xin: DesignMatrixInput): GapScores => {
    const ctx = 'InformationGapModel.score';
    const A = toMatrix(Xin, ctx, 'X');
    if (A.nCols !== d) throw new InvalidInputError(ctx, [{ path: 'X', message: `expected ${d} columns (as the fitted data), got ${A.nCols}` }]);
    const m = A.nRows;
    const gap = new Float64Array(m);
    const residuals = new Float64Array(m * d);
    const zz = new Float64Array(d);
    const p = new Float64Array(k);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) zz[j] = (A.data[i * d + j] - mean[j]) / scale[j];
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += loadings[c * d + j] * zz[j];
        p[c] = s;
      }
      let g = 0;
      for (let j = 0; j < d; j++) {
        let rec = 0;
        for (let c = 0; c < k; c++) rec += p[c] * loadings[c * d + j];
        const r = zz[j] - rec;
        residuals[i * d + j] = r;
        g += r * r;
      }
      gap[i] = Math.sqrt(g);
    }
    return Object.freeze({ gap, residuals, nRows: m, featureNames });
  };
  const trainingGaps = score(M).gap.sort();
  const threshold = (q = 0.99): number => {
    if (!(q >= 0 && q <= 1)) throw new InvalidInputError('InformationGapModel.threshold', [{ path: 'q', message: `expected a number in [0, 1], got ${show(q)}` }]);
    return quantileSorted(trainingGaps, q);
  };
  return Object.freeze({
    method: 'pca' as const,
    featureNames,
    nFeatures: d,
    components: k,
    mean,
    scale,
    loadings,
    explainedVariance,
    explainedVarianceRatio,
    trainingGaps,
    score,
    threshold,
  });
}

/**
 * The columns behind one customer's gap, largest |residual| first.
 *
 * @param scores - from {@link InformationGapModel.score}.
 * @param row - the customer's row (0-based).
 * @param top - how many columns to return. @defaultValue 3
 *
 * @example
 * ```ts
 * import { fitInformationGap, gapDrivers, matrixFromRows } from 'clmkit/models';
 * const X = matrixFromRows(
 *   [[2, 40, 3], [4, 85, 7], [6, 118, 10], [3, 61, 5], [5, 100, 8], [9, 30, 3], [1, 22, 2], [7, 141, 12], [8, 150, 13], [2, 35, 3]],
 *   ['visits', 'spend', 'items'],
 * );
 * const scores = fitInformationGap(X, { components: 1 }).score(X);
 * const [first, second] = gapDrivers(scores, 5, 2);
 * console.log(first.feature, first.residual); // visits ≈ 1.85 — more visits than spend and items suggest
 * console.log(second.feature, second.share); // spend ≈ 0.15 — a sixth of the squared gap
 * ```
 */
export function gapDrivers(scores: GapScores, row: number, top = 3): GapDriver[] {
  const d = scores.featureNames.length;
  if (!Number.isInteger(row) || row < 0 || row >= scores.nRows) {
    throw new InvalidInputError('gapDrivers', [{ path: 'row', message: `expected an integer in [0, ${scores.nRows - 1}], got ${show(row)}` }]);
  }
  if (!Number.isInteger(top) || top < 1) throw new InvalidInputError('gapDrivers', [{ path: 'top', message: `expected an integer ≥ 1, got ${show(top)}` }]);
  const g2 = scores.gap[row] ** 2;
  const all: GapDriver[] = [];
  for (let j = 0; j < d; j++) {
    const r = scores.residuals[row * d + j];
    all.push({ feature: scores.featureNames[j], column: j, residual: r, share: g2 > 0 ? (r * r) / g2 : 0 });
  }
  all.sort((a, b) => Math.abs(b.residual) - Math.abs(a.residual) || a.column - b.column);
  return all.slice(0, top);
}

/** Options of {@link flagGaps}. */
export interface FlagGapsOptions {
  /**
   * Flag scores above this quantile of the scores themselves (numpy's default interpolation).
   * Ignored when `threshold` is given.
   * @defaultValue 0.99
   */
  quantile?: number;
  /** An explicit threshold (e.g. {@link InformationGapModel.threshold} from training data). */
  threshold?: number;
  /**
   * Which tail: `'upper'` (score > threshold), `'lower'` (score < threshold; with `quantile`, the
   * `1 − quantile` quantile is used, so `quantile: 0.99` flags the lowest 1%), or `'both'`
   * (|score| > threshold, the quantile taken of |score|).
   * @defaultValue `'upper'`
   */
  side?: 'upper' | 'lower' | 'both';
}

/** Result of {@link flagGaps}. */
export interface GapFlags {
  /** The threshold used. */
  readonly threshold: number;
  /** 1 for a flagged row, else 0. */
  readonly mask: Uint8Array;
  /** The flagged rows, most extreme first (ties by row). */
  readonly rows: Int32Array;
}

const flagSchema = z.strictObject({
  quantile: z.optional(z.number().check(z.gte(0), z.lte(1))),
  threshold: z.optional(z.number()),
  side: z.optional(z.enum(['upper', 'lower', 'both'])),
});

/**
 * Flags the rows whose score is beyond a threshold: a quantile of the scores (default the top
 * 1%) or a given value. Works for information gaps and for {@link purchaseGap} differences.
 *
 * @param scores - one finite score per customer.
 * @param options - see {@link FlagGapsOptions}.
 * @throws {@link InvalidInputError} naming a non-finite score's row.
 *
 * @example
 * ```ts
 * import { flagGaps } from 'clmkit/models';
 * const gaps = [0.2, 0.4, 3.1, 0.3, 0.1, 2.5, 0.2, 0.5, 0.3, 0.4];
 * const f = flagGaps(gaps, { quantile: 0.8 });
 * console.log(f.threshold, f.rows); // 0.9000000000000004 Int32Array(2) [ 2, 5 ]
 * console.log(flagGaps([-4, 1, 0.5, -0.2], { threshold: 2, side: 'both' }).rows); // Int32Array(1) [ 0 ]
 * ```
 */
export function flagGaps(scores: ArrayLike<number>, options?: FlagGapsOptions): GapFlags {
  const context = 'flagGaps';
  const o = parseOptions(flagSchema, options, context);
  const raw: unknown = scores;
  if (!(Array.isArray(raw) || ArrayBuffer.isView(raw))) {
    throw new InvalidInputError(context, [{ path: 'scores', message: `expected an array of numbers, got ${show(scores)}` }]);
  }
  const n = scores.length;
  const issues = new IssueCollector();
  for (let i = 0; i < n; i++) {
    const v: unknown = scores[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) issues.add('scores', `expected a finite number, got ${show(v)}`, i);
  }
  issues.throwIfAny(context);
  const side = o.side ?? 'upper';
  const key = (v: number): number => (side === 'both' ? Math.abs(v) : side === 'lower' ? -v : v);
  let threshold: number;
  if (o.threshold !== undefined) threshold = o.threshold;
  else {
    const q = o.quantile ?? 0.99;
    const sorted = Float64Array.from(scores, (v) => (side === 'both' ? Math.abs(v) : v)).sort();
    threshold = quantileSorted(sorted, side === 'lower' ? 1 - q : q);
  }
  const cut = side === 'lower' ? -threshold : threshold;
  const mask = new Uint8Array(n);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (key(scores[i]) > cut) {
      mask[i] = 1;
      rows.push(i);
    }
  }
  rows.sort((a, b) => key(scores[b]) - key(scores[a]) || a - b);
  return Object.freeze({ threshold, mask, rows: Int32Array.from(rows) });
}

/**
 * Any fitted buy-till-you-die model that predicts conditional expected purchases for a batch of
 * customers (BG/NBD, MBG/NBD, Pareto/NBD from `clmkit/models` all do).
 */
export interface ExpectedPurchasesModel {
  /** Expected purchases in the next `t` time units for each customer of `customers`. */
  conditionalExpectedPurchases(t: number, customers: PurchaseHistoryColumns): ArrayLike<number>;
}

/** Calibration-period histories: the recency–frequency columns (a `CustomerSummary` fits). */
export interface PurchaseHistoryColumns {
  /** Repeat purchases in the calibration period. */
  readonly frequency: ArrayLike<number>;
  /** Time of the last purchase, from the first. */
  readonly recency: ArrayLike<number>;
  /** Length of observation, from the first purchase. */
  readonly T: ArrayLike<number>;
}

/** Holdout-period purchases, row for row with the calibration columns (a `HoldoutSummary` fits). */
export interface HoldoutPurchases {
  /** Purchases per customer in the holdout period. */
  readonly frequency: ArrayLike<number>;
  /** Length of the holdout period, in the calibration data's time unit. */
  readonly duration: number;
}

/** Result of {@link purchaseGap}. */
export interface PurchaseGap {
  /** Holdout purchases observed. */
  readonly observed: Float64Array;
  /** Holdout purchases the model expected, given each customer's calibration history. */
  readonly expected: Float64Array;
  /** observed − expected: positive = buying more than the model believes, negative = less. */
  readonly gap: Float64Array;
  /**
   * gap / √expected (a Pearson-type residual on a Poisson scale; `NaN` where the model expects
   * nothing), to compare customers with very different expectations.
   */
  readonly standardized: Float64Array;
}

/**
 * Observed minus expected holdout purchases per customer under a fitted BTYD model: the
 * behavioural information gap. Fit the model on the calibration period, then call this with the
 * same calibration columns and the holdout counts (`calibrationHoldoutSplit` gives both).
 *
 * @param model - a fitted model with `conditionalExpectedPurchases(t, columns)`.
 * @param calibration - calibration-period `frequency`, `recency`, `T` per customer.
 * @param holdout - holdout `frequency` per customer (same rows) and the holdout `duration`.
 * @throws {@link InvalidInputError} for mismatched lengths, a non-finite count or expectation (naming the row), or a bad duration.
 *
 * @example
 * ```ts
 * import { purchaseGap, flagGaps } from 'clmkit/models';
 * // A stand-in model: expects 0.1 purchases per time unit per past repeat purchase.
 * const model = {
 *   conditionalExpectedPurchases: (t: number, c: { frequency: ArrayLike<number> }) =>
 *     Float64Array.from(c.frequency, (x) => 0.1 * x * t),
 * };
 * const calibration = { frequency: [10, 2, 5], recency: [30, 20, 35], T: [40, 40, 40] };
 * const holdout = { frequency: [0, 1, 2], duration: 4 };
 * const g = purchaseGap(model, calibration, holdout);
 * console.log(g.expected, g.gap); // Float64Array(3) [ 4, 0.8, 2 ] Float64Array(3) [ -4, 0.19999999999999996, 0 ]
 * console.log(g.standardized); // Float64Array(3) [ -2, 0.22360679774997894, 0 ]
 * // Customer 0 bought far less than expected (standardised gap −2):
 * console.log(flagGaps(g.standardized, { threshold: -1.5, side: 'lower' }).rows); // Int32Array(1) [ 0 ]
 * ```
 */
export function purchaseGap(model: ExpectedPurchasesModel, calibration: PurchaseHistoryColumns, holdout: HoldoutPurchases): PurchaseGap {
  const context = 'purchaseGap';
  if (typeof (model as { conditionalExpectedPurchases?: unknown }).conditionalExpectedPurchases !== 'function') {
    throw new InvalidInputError(context, [{ path: 'model', message: 'expected a fitted model with conditionalExpectedPurchases(t, columns)' }]);
  }
  const t = holdout.duration;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
    throw new InvalidInputError(context, [{ path: 'holdout.duration', message: `expected a finite number > 0, got ${show(t)}` }]);
  }
  const obs = holdout.frequency;
  const n = calibration.frequency.length;
  if (obs.length !== n) {
    throw new InvalidInputError(context, [{ path: 'holdout.frequency', message: `expected ${n} counts (one per calibration customer), got ${obs.length}` }]);
  }
  const expectedRaw = model.conditionalExpectedPurchases(t, calibration);
  if (expectedRaw.length !== n) {
    throw new InvalidInputError(context, [{ path: 'model', message: `conditionalExpectedPurchases returned ${expectedRaw.length} values for ${n} customers` }]);
  }
  const issues = new IssueCollector();
  const observed = new Float64Array(n);
  const expected = new Float64Array(n);
  const gap = new Float64Array(n);
  const standardized = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o: unknown = obs[i];
    const e = expectedRaw[i];
    if (typeof o !== 'number' || !Number.isFinite(o) || o < 0) {
      issues.add('holdout.frequency', `expected a finite count ≥ 0, got ${show(o)}`, i);
      continue;
    }
    if (!Number.isFinite(e) || e < 0) {
      issues.add('model', `expected a finite expectation ≥ 0 from the model, got ${show(e)}`, i);
      continue;
    }
    observed[i] = o;
    expected[i] = e;
    gap[i] = o - e;
    standardized[i] = e > 0 ? (o - e) / Math.sqrt(e) : NaN;
  }
  issues.throwIfAny(context);
  return Object.freeze({ observed, expected, gap, standardized });
}
