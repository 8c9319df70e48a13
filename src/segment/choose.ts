/**
 * Choosing the number of segments.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors.js';
import { parseOptions } from '../validate.js';
import { elbow, kmeans, type KMeansResult, type Matrix, type MatrixInput } from './kmeans.js';
import { silhouette } from './silhouette.js';

/** Options of {@link chooseK}. */
export interface ChooseKOptions {
  /** Candidate k: `[from, to]` (inclusive range) or a strictly increasing list, as in `elbow`. */
  kRange: readonly number[];
  /**
   * `'silhouette'`: the k with the highest mean silhouette (k ≥ 2; ties go to the smaller k).
   * `'elbow'`: the knee of the inertia curve (Kneedle, see `elbow`).
   * @defaultValue `'silhouette'`
   */
  criterion?: 'silhouette' | 'elbow';
  /** Score the silhouette on a seeded subsample of this many points (for large n). @defaultValue all points */
  sampleSize?: number;
  /** k-means restarts per k. @defaultValue 10 */
  nInit?: number;
  /** @defaultValue 300 */
  maxIterations?: number;
  /** @defaultValue 1e-4 */
  tolerance?: number;
  /** Seed of every fit and of the silhouette subsample. @defaultValue 0 */
  seed?: number;
  /**
   * Standardise features (population sd) before clustering and scoring; the returned model's
   * centroids are in the input's scale. @defaultValue false
   */
  standardize?: boolean;
}

/** One candidate k and how it scored. */
export interface ChooseKCandidate {
  readonly k: number;
  readonly inertia: number;
  /** Mean silhouette (criterion 'silhouette', k ≥ 2 only). */
  readonly silhouette?: number;
}

/** The result of {@link chooseK}. */
export interface ChooseKResult {
  /** The chosen number of segments. */
  readonly k: number;
  readonly criterion: 'silhouette' | 'elbow';
  /** Every candidate, in increasing k. */
  readonly candidates: readonly ChooseKCandidate[];
  /** The k-means fit at the chosen k (same options and seed). */
  readonly model: KMeansResult;
}

const schema = z.strictObject({
  kRange: z.array(z.int().check(z.minimum(1))).check(z.minLength(2)),
  criterion: z.optional(z.enum(['silhouette', 'elbow'])),
  sampleSize: z.optional(z.int().check(z.minimum(3))),
  nInit: z.optional(z.int().check(z.minimum(1))),
  maxIterations: z.optional(z.int().check(z.minimum(1))),
  tolerance: z.optional(z.number().check(z.minimum(0))),
  seed: z.optional(z.number()),
  standardize: z.optional(z.boolean()),
});

/**
 * Chooses the number of k-means segments over `kRange`, by the mean silhouette (default) or the
 * knee of the inertia curve, and returns the fit at the chosen k with every candidate's scores.
 *
 * Each k is fitted with the same seed and options; with `standardize`, clustering and the
 * silhouette both use the standardised features. Cost: one k-means per k, plus one silhouette
 * per k (O(n²·d) exact, O(m²·d) with `sampleSize: m`).
 *
 * @throws {@link InvalidInputError} for bad data or options, or when the elbow has no knee in
 *   `kRange` (widen the range, or use the silhouette).
 *
 * @example
 * ```ts
 * import { chooseK } from 'clmkit';
 * // Three well separated groups on a line.
 * const X = [[0], [0.2], [0.1], [5], [5.1], [4.9], [10], [10.2], [9.9]];
 * const best = chooseK(X, { kRange: [2, 5], seed: 1 });
 * console.log(best.k, best.model.sizes); // 3 [ 3, 3, 3 ]
 * ```
 */
export function chooseK(X: MatrixInput, options: ChooseKOptions): ChooseKResult {
  const opts = parseOptions(schema, options, 'chooseK');
  const criterion = opts.criterion ?? 'silhouette';
  const fitOptions = {
    nInit: opts.nInit ?? 10,
    maxIterations: opts.maxIterations ?? 300,
    tolerance: opts.tolerance ?? 1e-4,
    seed: opts.seed ?? 0,
  };
  const standardize = opts.standardize ?? false;

  if (criterion === 'elbow') {
    const e = elbow(X, { kRange: opts.kRange, ...fitOptions, standardize });
    if (e.knee === undefined) {
      throw new InvalidInputError('chooseK', [
        {
          path: 'options.kRange',
          message: `the inertia curve over k = ${e.k.join(', ')} has no knee; widen kRange or use criterion: 'silhouette'`,
        },
      ]);
    }
    const model = kmeans(X, { k: e.knee, ...fitOptions, standardize });
    return { k: e.knee, criterion, candidates: e.k.map((k, i) => ({ k, inertia: e.inertia[i] })), model };
  }

  // Silhouette: score each k ≥ 2 in the space the clustering used.
  const space: MatrixInput = standardize ? standardized(X) : X;
  const ks = expandRange(opts.kRange);
  const candidates: ChooseKCandidate[] = [];
  let best: { k: number; score: number } | undefined;
  for (const k of ks) {
    const fit = kmeans(space, { k, ...fitOptions });
    if (k < 2) {
      candidates.push({ k, inertia: fit.inertia });
      continue;
    }
    const s = silhouette(space, fit.labels, opts.sampleSize === undefined ? {} : { sampleSize: opts.sampleSize, seed: fitOptions.seed });
    candidates.push({ k, inertia: fit.inertia, silhouette: s.score });
    if (best === undefined || s.score > best.score) best = { k, score: s.score };
  }
  if (best === undefined) {
    throw new InvalidInputError('chooseK', [{ path: 'options.kRange', message: 'the silhouette needs a candidate k ≥ 2' }]);
  }
  const model = kmeans(X, { k: best.k, ...fitOptions, standardize });
  return { k: best.k, criterion, candidates, model };
}

function expandRange(r: readonly number[]): number[] {
  if (r.length !== 2) return [...r];
  const out: number[] = [];
  for (let k = r[0]; k <= r[1]; k++) out.push(k);
  return out;
}

/** Columns centred and divided by their population sd (constant columns only centred). */
function standardized(X: MatrixInput): Matrix {
  const rows = Array.isArray(X) ? (X as readonly (readonly number[])[]) : null;
  const m = X as Matrix;
  const nRows = rows ? rows.length : m.nRows;
  const nCols = rows ? (rows[0]?.length ?? 0) : m.nCols;
  const data = new Float64Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < nCols; j++) data[i * nCols + j] = rows ? (rows[i][j] ?? NaN) : m.data[i * nCols + j];
  }
  for (let j = 0; j < nCols; j++) {
    let mean = 0;
    for (let i = 0; i < nRows; i++) mean += data[i * nCols + j];
    mean /= nRows;
    let v = 0;
    for (let i = 0; i < nRows; i++) v += (data[i * nCols + j] - mean) ** 2;
    const sd = Math.sqrt(v / nRows);
    for (let i = 0; i < nRows; i++) data[i * nCols + j] = sd > 0 ? (data[i * nCols + j] - mean) / sd : data[i * nCols + j] - mean;
  }
  return { data, nRows, nCols };
}
