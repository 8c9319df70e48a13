/**
 * Splitting rows for honest evaluation: a (stratified) train/test split, (stratified) k-fold
 * cross-validation folds, and {@link crossValidate} to fit and score a model on each fold.
 *
 * Splits are row indices (`Int32Array`), so they apply to any aligned data (a
 * {@link DesignMatrix} with {@link selectRows}, the labels, customer ids). Randomness comes only
 * from the `seed` option (xoshiro128**, `createRandom`): the same seed gives the same split on
 * every platform. scikit-learn's numpy generator cannot be reproduced, so seeded splits are
 * clmkit's own; the unshuffled `kFold` (plain and stratified) assigns exactly the folds of
 * scikit-learn's `KFold` / `StratifiedKFold`.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, NotEnoughDataError } from '../../errors.js';
import type { ClassLabel } from '../../metrics/classification.js';
import { createRandom, type Random } from '../../math/random.js';
import { parseOptions, show } from '../../validate.js';
import { encodeClasses, selectRows, toMatrix, type DesignMatrix, type DesignMatrixInput } from './matrix.js';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /**
   * Size of the test part: a fraction in (0, 1) (the test part gets `⌈testSize · n⌉` rows, as
   * scikit-learn) or a whole number of rows (≥ 1).
   * @defaultValue 0.25
   */
  testSize?: number;
  /**
   * Class labels (one per row): keep each class's share equal in both parts (the test part gets
   * `⌊n_test · n_c / n⌋` rows of class c, the rows left over going to the classes with the largest
   * remainders).
   */
  stratify?: ArrayLike<ClassLabel>;
  /** Seed of the shuffle. @defaultValue 0 */
  seed?: number;
}

/** A split of row indices into a training and a test part (each ascending). */
export interface TrainTestIndices {
  /** Row indices of the training part, ascending. */
  readonly train: Int32Array;
  /** Row indices of the test part, ascending. */
  readonly test: Int32Array;
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Number of folds (≥ 2, at most the number of rows). @defaultValue 5 */
  k?: number;
  /**
   * Class labels (one per row): stratified folds, each class spread over the folds as evenly as
   * possible, exactly as scikit-learn's `StratifiedKFold`.
   */
  stratify?: ArrayLike<ClassLabel>;
  /** Shuffle rows (within each class when stratified) before assigning folds. @defaultValue false */
  shuffle?: boolean;
  /** Seed of the shuffle (used only with `shuffle`). @defaultValue 0 */
  seed?: number;
}

/** Data for {@link crossValidate}: the design matrix and the target, row-aligned. */
export interface CrossValidateData<Y extends ArrayLike<unknown>> {
  /** Features. */
  readonly X: DesignMatrixInput;
  /** Target, one value per row (an array or a typed array; folds keep its kind). */
  readonly y: Y;
}

/** Result of {@link crossValidate}. */
export interface CrossValidateResult<M> {
  /** The score of each fold, in fold order. */
  readonly scores: Float64Array;
  /** Mean of the fold scores. */
  readonly mean: number;
  /** Population standard deviation of the fold scores (as `numpy.std`). */
  readonly std: number;
  /** The model fitted on each fold's training part. */
  readonly models: readonly M[];
}

const testSizeSchema = z.optional(z.number().check(z.positive()));
const splitSchema = z.strictObject({
  testSize: testSizeSchema,
  stratify: z.optional(z.any()),
  seed: z.optional(z.number().check(z.int())),
});
const kFoldSchema = z.strictObject({
  k: z.optional(z.number().check(z.int(), z.gte(2))),
  stratify: z.optional(z.any()),
  shuffle: z.optional(z.boolean()),
  seed: z.optional(z.number().check(z.int())),
});

function checkN(n: number, context: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidInputError(context, [{ path: 'n', message: `expected the number of rows (an integer ≥ 0), got ${show(n)}` }]);
  }
}

function shuffleInPlace(a: Int32Array, rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

function strataCodes(stratify: unknown, n: number, context: string): { codes: Int32Array; nClasses: number } {
  if (!(Array.isArray(stratify) || ArrayBuffer.isView(stratify))) {
    throw new InvalidInputError(context, [{ path: 'options.stratify', message: `expected an array of labels, got ${show(stratify)}` }]);
  }
  const s = stratify as ArrayLike<ClassLabel>;
  if (s.length !== n) {
    throw new InvalidInputError(context, [{ path: 'options.stratify', message: `expected ${n} labels (one per row), got ${s.length}` }]);
  }
  const { codes, classes } = encodeClasses(s, context, 'options.stratify');
  return { codes, nClasses: classes.length };
}

/**
 * Splits `n` rows into a training and a test part at random (seeded), optionally stratified by
 * class so both parts keep the class shares.
 *
 * @param n - Number of rows.
 * @param options - {@link TrainTestSplitOptions}.
 * @returns Ascending row indices of each part.
 * @throws {@link InvalidInputError} for a bad `testSize` (leaving either part empty) or labels of
 * the wrong length.
 *
 * @example
 * ```ts
 * import { trainTestSplit } from 'clmkit/models';
 * const churned = [0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1];
 * const { train, test } = trainTestSplit(churned.length, { testSize: 0.25, stratify: churned, seed: 7 });
 * console.log(train.length, test.length); // 9 3
 * console.log([...test].filter((i) => churned[i] === 1).length); // 1
 * ```
 */
export function trainTestSplit(n: number, options?: TrainTestSplitOptions): TrainTestIndices {
  const context = 'trainTestSplit';
  checkN(n, context);
  const opts = parseOptions(splitSchema, options, context);
  const ts = opts.testSize ?? 0.25;
  const nTest = ts < 1 ? Math.ceil(ts * n) : ts;
  if (!Number.isInteger(nTest) || nTest < 1 || nTest >= n) {
    throw new InvalidInputError(context, [
      {
        path: 'options.testSize',
        message: `expected a fraction in (0, 1) or a whole number of rows leaving both parts non-empty; with ${n} rows, testSize ${show(ts)} gives ${nTest} test rows`,
      },
    ]);
  }
  const rng = createRandom(opts.seed ?? 0);
  const isTest = new Uint8Array(n);
  if (opts.stratify === undefined) {
    const perm = Int32Array.from({ length: n }, (_, i) => i);
    shuffleInPlace(perm, rng);
    for (let r = 0; r < nTest; r++) isTest[perm[r]] = 1;
  } else {
    const { codes, nClasses } = strataCodes(opts.stratify, n, context);
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < n; i++) counts[codes[i]]++;
    // Largest-remainder allocation of the test rows over the classes.
    const take = new Int32Array(nClasses);
    const rem: { c: number; r: number }[] = [];
    let given = 0;
    for (let c = 0; c < nClasses; c++) {
      const exact = (nTest * counts[c]) / n;
      take[c] = Math.floor(exact);
      given += take[c];
      rem.push({ c, r: exact - take[c] });
    }
    rem.sort((a, b) => b.r - a.r || counts[b.c] - counts[a.c] || a.c - b.c);
    for (let q = 0; given < nTest; q++) {
      const c = rem[q % nClasses].c;
      if (take[c] < counts[c]) {
        take[c]++;
        given++;
      }
    }
    const start = new Int32Array(nClasses + 1);
    for (let c = 0; c < nClasses; c++) start[c + 1] = start[c] + counts[c];
    const byClass = new Int32Array(n);
    const fill = start.slice(0, nClasses);
    for (let i = 0; i < n; i++) byClass[fill[codes[i]]++] = i;
    for (let c = 0; c < nClasses; c++) {
      const part = byClass.subarray(start[c], start[c + 1]);
      shuffleInPlace(part, rng);
      for (let r = 0; r < take[c]; r++) isTest[part[r]] = 1;
    }
  }
  const train = new Int32Array(n - nTest);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return Object.freeze({ train, test });
}

/**
 * Cross-validation folds: `k` disjoint test parts covering every row once, each with the rest
 * as its training part. Unshuffled, the folds equal scikit-learn's `KFold(k)` (consecutive
 * blocks, the first `n mod k` one row larger) or, with `stratify`, `StratifiedKFold(k)`.
 *
 * @param n - Number of rows.
 * @param options - {@link KFoldOptions}.
 * @returns `k` folds, each `{ train, test }` with ascending row indices.
 * @throws {@link InvalidInputError} for `k < 2` or labels of the wrong length;
 * {@link NotEnoughDataError} when there are fewer rows than folds (or, stratified, when every
 * class has fewer rows than folds).
 *
 * @example
 * ```ts
 * import { kFold } from 'clmkit/models';
 * const folds = kFold(10, { k: 4 });
 * console.log(folds.map((f) => [...f.test])); // [ [ 0, 1, 2 ], [ 3, 4, 5 ], [ 6, 7 ], [ 8, 9 ] ]
 * const shuffled = kFold(10, { k: 5, shuffle: true, seed: 1 });
 * console.log(shuffled[0].train.length, shuffled[0].test.length); // 8 2
 * ```
 */
export function kFold(n: number, options?: KFoldOptions): readonly TrainTestIndices[] {
  const context = 'kFold';
  checkN(n, context);
  const opts = parseOptions(kFoldSchema, options, context);
  const k = opts.k ?? 5;
  if (k > n) throw new NotEnoughDataError(`kFold: ${k} folds need at least ${k} rows, got ${n}`, k, n);
  const shuffle = opts.shuffle ?? false;
  const rng = createRandom(opts.seed ?? 0);
  const fold = new Int32Array(n);
  if (opts.stratify === undefined) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (shuffle) shuffleInPlace(order, rng);
    const base = Math.floor(n / k);
    const extra = n % k;
    let pos = 0;
    for (let f = 0; f < k; f++) {
      const size = base + (f < extra ? 1 : 0);
      for (let r = 0; r < size; r++) fold[order[pos++]] = f;
    }
  } else {
    // scikit-learn's StratifiedKFold (≥ 0.22): classes numbered by first appearance; sorting the
    // codes and dealing them round-robin to the folds fixes how many rows of each class a fold gets.
    const { codes: sorted, nClasses } = strataCodes(opts.stratify, n, context);
    const appear = new Int32Array(nClasses).fill(-1);
    let next = 0;
    for (let i = 0; i < n; i++) if (appear[sorted[i]] < 0) appear[sorted[i]] = next++;
    const codes = Int32Array.from(sorted, (c) => appear[c]);
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < n; i++) counts[codes[i]]++;
    let maxCount = 0;
    for (let c = 0; c < nClasses; c++) maxCount = Math.max(maxCount, counts[c]);
    if (maxCount < k) {
      throw new NotEnoughDataError(`kFold: stratified ${k} folds need a class with at least ${k} rows; the largest has ${maxCount}`, k, maxCount);
    }
    // allocation[f][c] = #{ j ≡ f (mod k) : yOrder[j] = c } over the sorted codes.
    const allocation = new Int32Array(k * nClasses);
    let j = 0;
    for (let c = 0; c < nClasses; c++) {
      for (let r = 0; r < counts[c]; r++, j++) allocation[(j % k) * nClasses + c]++;
    }
    for (let c = 0; c < nClasses; c++) {
      const foldsForClass = new Int32Array(counts[c]);
      let p = 0;
      for (let f = 0; f < k; f++) for (let r = 0; r < allocation[f * nClasses + c]; r++) foldsForClass[p++] = f;
      if (shuffle) shuffleInPlace(foldsForClass, rng);
      p = 0;
      for (let i = 0; i < n; i++) if (codes[i] === c) fold[i] = foldsForClass[p++];
    }
  }
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[fold[i]]++;
  const out: TrainTestIndices[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Int32Array(sizes[f]);
    const train = new Int32Array(n - sizes[f]);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (fold[i] === f) test[b++] = i;
      else train[a++] = i;
    }
    out.push(Object.freeze({ train, test }));
  }
  return Object.freeze(out);
}

function pick<Y extends ArrayLike<unknown>>(y: Y, idx: Int32Array): Y {
  if (ArrayBuffer.isView(y)) {
    const ctor = (y as unknown as { constructor: new (n: number) => Y & Record<number, unknown> }).constructor;
    const out = new ctor(idx.length);
    for (let r = 0; r < idx.length; r++) out[r] = y[idx[r]];
    return out;
  }
  return Array.from(idx, (i) => y[i]) as unknown as Y;
}

/**
 * Cross-validates a model: for each fold, fits `fit` on the training rows and scores the fitted
 * model on the test rows with `score`.
 *
 * @param fit - `(X, y) => model`, e.g. `(X, y) => fitLogistic(X, y)`.
 * @param score - `(model, X, y) => number`, e.g. the test ROC AUC.
 * @param data - `{ X, y }`, row-aligned.
 * @param folds - Folds from {@link kFold} (or {@link trainTestSplit}'s single split in an array),
 * or a number k for `kFold(n, { k })`.
 * @throws {@link InvalidInputError} when `y` does not have one value per row of `X`, a fold holds
 * an index out of range, or a score is not a finite number.
 *
 * @example
 * ```ts
 * import { crossValidate, kFold, type DesignMatrix } from 'clmkit/models';
 * // A "model" that predicts the training mean, scored by mean absolute error.
 * const X = [[1], [2], [3], [4], [5], [6]];
 * const y = [1, 2, 3, 4, 5, 6];
 * const cv = crossValidate(
 *   (_X: DesignMatrix, yTrain: number[]) => yTrain.reduce((a, b) => a + b, 0) / yTrain.length,
 *   (mean: number, _X: DesignMatrix, yTest: number[]) => yTest.reduce((a, v) => a + Math.abs(v - mean), 0) / yTest.length,
 *   { X, y },
 *   kFold(y.length, { k: 3 }),
 * );
 * console.log(cv.scores, cv.mean); // Float64Array(3) [ 3, 0.5, 3 ] 2.1666666666666665
 * ```
 */
export function crossValidate<M, Y extends ArrayLike<unknown>>(
  fit: (X: DesignMatrix, y: Y) => M,
  score: (model: M, X: DesignMatrix, y: Y) => number,
  data: CrossValidateData<Y>,
  folds: readonly TrainTestIndices[] | number,
): CrossValidateResult<M> {
  const context = 'crossValidate';
  const X = toMatrix(data.X, context, 'data.X');
  const y = data.y;
  if (!(Array.isArray(y) || ArrayBuffer.isView(y)) || y.length !== X.nRows) {
    throw new InvalidInputError(context, [
      { path: 'data.y', message: `expected ${X.nRows} values (one per row of X), got ${show(y)}` },
    ]);
  }
  const fs = typeof folds === 'number' ? kFold(X.nRows, { k: folds }) : folds;
  const scores = new Float64Array(fs.length);
  const models: M[] = [];
  fs.forEach((f, q) => {
    const model = fit(selectRows(X, f.train), pick(y, f.train));
    const s = score(model, selectRows(X, f.test), pick(y, f.test));
    if (typeof s !== 'number' || !Number.isFinite(s)) {
      throw new InvalidInputError(context, [{ path: 'score', row: q, message: `expected a finite number from score on fold ${q}, got ${show(s)}` }]);
    }
    scores[q] = s;
    models.push(model);
  });
  let mean = 0;
  for (const s of scores) mean += s;
  mean /= Math.max(scores.length, 1);
  let v = 0;
  for (const s of scores) v += (s - mean) ** 2;
  const std = Math.sqrt(v / Math.max(scores.length, 1));
  return Object.freeze({ scores, mean, std, models: Object.freeze(models) });
}
