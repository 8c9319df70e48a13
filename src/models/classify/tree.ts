/**
 * Decision trees (CART): binary splits on numeric features, grown depth-first exactly as
 * scikit-learn's `DecisionTreeClassifier` / `DecisionTreeRegressor` with `splitter="best"`.
 *
 * ## Algorithm
 *
 * Every column is sorted once (an LSD radix sort of the float bits, carrying row indices). Each
 * node owns the same contiguous segment `[start, end)` of every column's sorted order, so the best
 * split of a node is one sequential scan per candidate column, and splitting a node is a stable
 * partition of each column's segment (left rows first, sorted order kept). No scan allocates: the
 * state is one `Int32Array` and one `Float64Array` of `nRows × nCols`. When `maxFeatures`
 * subsamples `k` of the `d` columns (random forests), nodes small enough that sorting their `k`
 * candidate columns is cheaper than partitioning all `d` segments sort them instead (a two-way
 * partition for a column with two distinct values, such as a one-hot column). The splits found
 * are the same either way, except that between two exactly equally good regression splits (e.g.
 * on duplicated columns) the winner can depend on the summation order, hence on the mode.
 *
 * At a node, every candidate column is scanned in sorted order; a split point lies between two
 * consecutive values that differ by more than 1e-7 (scikit-learn's `FEATURE_THRESHOLD`), and is
 * kept only when both children have at least `minSamplesLeaf` rows. The split maximising the
 * impurity decrease wins (the first one found on a tie: the lower position, then the lower column
 * in visiting order); its threshold is the midpoint `a/2 + b/2` of the two values (or `a` when the
 * midpoint rounds to `b`), and rows with `x ≤ threshold` go left. A node is a leaf when it is at
 * `maxDepth`, has fewer than `minSamplesSplit` or `2 × minSamplesLeaf` rows, is pure (impurity
 * ≤ 2^-52), or has no admissible split. Node ids are in pre-order (a node, its left subtree, its
 * right subtree), as scikit-learn's depth-first builder numbers them.
 *
 * Impurities: Gini `1 − Σ p_k²`, entropy `−Σ p_k log₂ p_k`, squared error `mean((y − ȳ)²)`.
 * Feature importances are scikit-learn's: the weighted impurity decrease
 * `w·i − w_L·i_L − w_R·i_R` summed over the nodes split on each column, divided by the root
 * weight, and normalised to sum to 1.
 *
 * ## Difference from scikit-learn
 *
 * scikit-learn rounds features to float32 before fitting; clmkit keeps float64. On data whose
 * values are float32 numbers (or far enough apart) and without ties between candidate splits, the
 * trees are identical: same structure, thresholds and leaf values (see the tests). scikit-learn
 * visits columns in a random order even when it uses all of them, which only matters on ties;
 * clmkit visits them in column order unless `maxFeatures` subsamples them.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector, NotEnoughDataError } from '../../errors.js';
import { createRandom, type Random } from '../../math/random.js';
import type { ClassLabel } from '../../metrics/classification.js';
import { parseOptions, show } from '../../validate.js';
import { encodeClasses, toMatrix, type DesignMatrixInput, type EncodedClasses } from '../prep/matrix.js';

// ------------------------------------------------------------------------------------ input

/** Feature input of the tree models: rows of numbers, or a row-major `DesignMatrix` (`columnNames` optional). */
export type TreeInput = DesignMatrixInput;

/** Validated feature matrix. @internal */
export interface Dense {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly names: readonly string[];
}

/**
 * Validates `X` with {@link toMatrix} (rectangular, finite), requires ≥ 1 row and column (and
 * `nColsExpected` columns when given), and returns it row-major (a matrix's own `data`).
 *
 * @internal
 */
export function toDense(X: unknown, context: string, path = 'X', nColsExpected?: number): Dense {
  const M = toMatrix(X as DesignMatrixInput, context, path);
  if (M.nRows < 1) throw new NotEnoughDataError(`${context} needs at least one row in ${path}`, 1, 0);
  if (M.nCols < 1) throw new InvalidInputError(context, [{ path, message: 'expected at least one column, got 0' }]);
  if (nColsExpected !== undefined && M.nCols !== nColsExpected) {
    throw new InvalidInputError(context, [{ path, message: `expected ${nColsExpected} columns (as the fitted data), got ${M.nCols}` }]);
  }
  return { data: M.data, n: M.nRows, d: M.nCols, names: M.columnNames };
}

/** Class labels of `y` (one per row) encoded with {@link encodeClasses}. @internal */
export function encodeTarget(y: unknown, n: number, context: string): EncodedClasses {
  checkTargetShape(y, n, context);
  return encodeClasses(y as ArrayLike<ClassLabel>, context, 'y');
}

/** Validates a numeric regression target. @internal */
export function numericTarget(y: unknown, n: number, context: string): Float64Array {
  const arr = checkTargetShape(y, n, context);
  const issues = new IssueCollector();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v: unknown = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) issues.add('y', `expected a finite number, got ${show(v)}`, i);
    else out[i] = v;
  }
  issues.throwIfAny(context);
  return out;
}

function checkTargetShape(y: unknown, n: number, context: string): ArrayLike<unknown> {
  const ok = Array.isArray(y) || ArrayBuffer.isView(y);
  if (!ok) throw new InvalidInputError(context, [{ path: 'y', message: `expected an array or typed array of ${n} targets, got ${show(y)}` }]);
  const arr = y as ArrayLike<unknown>;
  if (arr.length !== n) {
    throw new InvalidInputError(context, [{ path: 'y', message: `expected ${n} targets (one per row of X), got ${arr.length}` }]);
  }
  return arr;
}

// ---------------------------------------------------------------------------------- options

/** What a tree predicts: class labels with probabilities, or a number. */
export type TreeTask = 'classification' | 'regression';

/** Impurity a tree minimises: `'gini'` or `'entropy'` (classification), `'squared_error'` (regression). */
export type TreeCriterion = 'gini' | 'entropy' | 'squared_error';

/**
 * How many columns each split considers: a count, a fraction of the columns (a number in (0, 1)),
 * `'sqrt'` (⌊√d⌋), `'log2'` (⌊log₂ d⌋), or `'all'`; at least 1.
 */
export type MaxFeatures = number | 'sqrt' | 'log2' | 'all';

/** Options of {@link fitDecisionTree}. */
export interface DecisionTreeOptions {
  /** Classification (class labels) or regression (numeric target). @defaultValue `'classification'` */
  task?: TreeTask;
  /**
   * Impurity: `'gini'` or `'entropy'` for classification, `'squared_error'` for regression.
   * @defaultValue `'gini'` (classification), `'squared_error'` (regression)
   */
  criterion?: TreeCriterion;
  /** Maximum depth (the root is at depth 0); `Infinity` grows until the leaves are pure. @defaultValue `Infinity` */
  maxDepth?: number;
  /** A node with fewer rows is a leaf (an integer ≥ 2). @defaultValue 2 */
  minSamplesSplit?: number;
  /** Each child of a split has at least this many rows (an integer ≥ 1). @defaultValue 1 */
  minSamplesLeaf?: number;
  /**
   * Columns considered per split (drawn at random per node, as scikit-learn's `max_features`).
   * @defaultValue `'all'`
   */
  maxFeatures?: MaxFeatures;
  /** Seed of the column draws when `maxFeatures` is less than the number of columns. @defaultValue 0 */
  seed?: number;
  /** Column names for {@link DecisionTreeModel.toText}; default a matrix's `columnNames`, else `x0`, `x1`, …. */
  featureNames?: readonly string[];
}

const criterionEnum = z.enum(['gini', 'entropy', 'squared_error']);
/** `maxDepth`: an integer ≥ 1 or `Infinity`. @internal */
export const maxDepthSchema = z.custom<number>((v) => v === Infinity || (typeof v === 'number' && Number.isInteger(v) && v >= 1), {
  error: 'expected an integer ≥ 1 or Infinity',
});
const maxFeaturesSchema = z.union([z.enum(['sqrt', 'log2', 'all']), z.number().check(z.gt(0))]);
const treeSchema = z.strictObject({
  task: z.optional(z.enum(['classification', 'regression'])),
  criterion: z.optional(criterionEnum),
  maxDepth: z.optional(maxDepthSchema),
  minSamplesSplit: z.optional(z.number().check(z.int(), z.gte(2))),
  minSamplesLeaf: z.optional(z.number().check(z.int(), z.gte(1))),
  maxFeatures: z.optional(maxFeaturesSchema),
  seed: z.optional(z.number()),
  featureNames: z.optional(z.array(z.string())),
});

/** Resolves `maxFeatures` to a count in [1, d]. @internal */
export function resolveMaxFeatures(m: MaxFeatures, d: number, context: string): number {
  let k: number;
  if (m === 'all') k = d;
  else if (m === 'sqrt') k = Math.floor(Math.sqrt(d));
  else if (m === 'log2') k = Math.floor(Math.log2(d));
  else if (m < 1) k = Math.floor(m * d);
  else {
    if (!Number.isInteger(m)) {
      throw new InvalidInputError(context, [{ path: 'options.maxFeatures', message: `expected an integer ≥ 1, a fraction in (0, 1) or 'sqrt' | 'log2' | 'all', got ${m}` }]);
    }
    k = Math.min(m, d);
  }
  return Math.max(1, Math.min(d, k));
}

// ------------------------------------------------------------------------------------ model

/**
 * The nodes of a fitted tree as parallel arrays indexed by node id (0 is the root; ids in
 * pre-order). A leaf has `feature = −1`, `left = right = −1` and `threshold = NaN`.
 */
export interface TreeNodes {
  /** Number of nodes. */
  readonly count: number;
  /** Column split on, or −1 at a leaf. */
  readonly feature: Int32Array;
  /** Rows with `x[feature] ≤ threshold` go left; `NaN` at a leaf. */
  readonly threshold: Float64Array;
  /** Left child id, or −1. */
  readonly left: Int32Array;
  /** Right child id, or −1. */
  readonly right: Int32Array;
  /** Impurity of the node's training rows (weighted, for bootstrap weights). */
  readonly impurity: Float64Array;
  /** Distinct training rows in the node. */
  readonly samples: Int32Array;
  /** Total weight of the node's training rows (the row count, unless rows carry weights). */
  readonly weightedSamples: Float64Array;
  /**
   * Node values, `count × outputs` row-major: class probabilities (in {@link DecisionTreeModel.classes}
   * order) for classification, the (weighted) mean target for regression.
   */
  readonly value: Float64Array;
}

/** Options of {@link DecisionTreeModel.toText}. */
export interface TreeTextOptions {
  /** Decimals of thresholds and values. @defaultValue 2 */
  decimals?: number;
  /** Print down to this depth; deeper subtrees are elided as `truncated branch`. @defaultValue `Infinity` */
  maxDepth?: number;
}

/** What both kinds of fitted tree share. */
export interface DecisionTreeModel {
  /** Classification or regression. */
  readonly task: TreeTask;
  /** The impurity used. */
  readonly criterion: TreeCriterion;
  /** Number of columns the tree was fitted on. */
  readonly nFeatures: number;
  /** Column names (given, from the matrix, or `x0`, `x1`, …). */
  readonly featureNames: readonly string[];
  /** The nodes. */
  readonly nodes: TreeNodes;
  /** Depth of the deepest leaf (0 for a single leaf). */
  readonly depth: number;
  /** Number of leaves. */
  readonly leafCount: number;
  /** Normalised impurity decrease per column (sums to 1, or all zeros for a single leaf), as scikit-learn's `feature_importances_`. */
  readonly featureImportances: Float64Array;
  /** The leaf id each row of `X` lands in. */
  apply(X: TreeInput): Int32Array;
  /** The split rules as indented text, in scikit-learn's `export_text` layout. */
  toText(options?: TreeTextOptions): string;
  /** The JSON form; {@link decisionTreeFromJSON} restores the model exactly. */
  toJSON(): DecisionTreeJson;
}

/** The JSON form of a fitted tree (format version 1). A leaf's threshold is `null`. */
export interface DecisionTreeJson {
  readonly model: 'DecisionTree';
  readonly version: 1;
  readonly task: TreeTask;
  readonly criterion: TreeCriterion;
  readonly featureNames: readonly string[];
  /** Class labels (classification), `[]` for regression. */
  readonly classes: readonly ClassLabel[];
  readonly depth: number;
  readonly leafCount: number;
  readonly featureImportances: readonly number[];
  readonly nodes: {
    readonly feature: readonly number[];
    readonly threshold: readonly (number | null)[];
    readonly left: readonly number[];
    readonly right: readonly number[];
    readonly impurity: readonly number[];
    readonly samples: readonly number[];
    readonly weightedSamples: readonly number[];
    readonly value: readonly number[];
  };
}

/** A fitted classification tree ({@link fitDecisionTree} with `task: 'classification'`). */
export interface ClassificationTreeModel extends DecisionTreeModel {
  readonly task: 'classification';
  /** The distinct training labels, sorted (the column order of {@link ClassificationTreeModel.predictProba}). */
  readonly classes: readonly ClassLabel[];
  /** Most probable class per row (the first in `classes` order on a tie). */
  predict(X: TreeInput): ClassLabel[];
  /** Class probabilities, `nRows × classes.length` row-major (the leaf's training class shares). */
  predictProba(X: TreeInput): Float64Array;
  /** Probability of one class per row; default the last class (the positive one of a 0/1 or false/true target). */
  predictProbaOf(X: TreeInput, label?: ClassLabel): Float64Array;
}

/** A fitted regression tree ({@link fitDecisionTree} with `task: 'regression'`). */
export interface RegressionTreeModel extends DecisionTreeModel {
  readonly task: 'regression';
  /** The leaf mean per row. */
  predict(X: TreeInput): Float64Array;
}

// ------------------------------------------------------------------------------------- core

/** Training data in the form the builder needs. @internal */
export interface TreeData {
  readonly X: Dense;
  /** Class codes (classification) or targets (regression), by original row. */
  readonly yCodes: Int32Array | undefined;
  readonly yValues: Float64Array | undefined;
  readonly nClasses: number;
  /**
   * The columns of `X` stored column after column (`cols[f * nRows + i]`), for trees whose small
   * nodes gather their own column values (cache-friendly); built by {@link columnMajor}.
   */
  readonly cols?: Float64Array;
}

/** `X` column-major (−0 as +0). @internal */
export function columnMajor(X: Dense): Float64Array {
  const { data, n, d } = X;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) out[f * n + i] = data[i * d + f] + 0;
  return out;
}

/** Builder settings. @internal */
export interface BuildParams {
  readonly criterion: TreeCriterion;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Columns per split (≥ d: all, in column order). */
  readonly maxFeatures: number;
  readonly random: Random | undefined;
}

/** The raw result of the builder. @internal */
export interface BuiltTree {
  readonly nodes: TreeNodes;
  readonly outputs: number;
  readonly depth: number;
  readonly leafCount: number;
  /** Unnormalised importances (weighted impurity decrease / root weight). */
  readonly rawImportances: Float64Array;
}

const FEATURE_THRESHOLD = 1e-7;

/**
 * In a tree that subsamples columns (k of d per node), nodes of at most this many rows sort
 * their k candidate columns themselves (≈ k·m·log₂m·c) instead of keeping all d presorted
 * segments partitioned (≈ (k + d)·m); c ≈ 0.5 was measured on Telco (5,274 × 45, k = 6), where
 * sorting per node was 1.9× faster than partitioning at every node.
 *
 * @internal
 */
export function localSortMax(k: number, d: number): number {
  if (k >= d) return 0;
  return Math.floor(2 ** Math.min(30, (2 * (k + d)) / k));
}
const EPSILON = 2.220446049250313e-16;

/**
 * Rows sorted by each column: `idx[f * n + p]` is the row at position `p` of column `f`'s order
 * and `val[f * n + p]` its value. Positions `0..n` cover exactly the rows with positive weight.
 *
 * @internal
 */
export interface Presorted {
  readonly n: number;
  readonly idx: Int32Array;
  readonly val: Float64Array;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Sorts every column of `X` once (stable: equal values keep row order).
 *
 * @internal
 */
export function presortColumns(X: Dense): Presorted {
  const { data, n, d } = X;
  const idx = new Int32Array(n * d);
  const val = new Float64Array(n * d);
  const col = new Float64Array(n);
  const order = new Int32Array(n);
  const scratch = n >= 2048 ? makeRadixScratch(n) : undefined;
  for (let f = 0; f < d; f++) {
    for (let i = 0; i < n; i++) col[i] = data[i * d + f] + 0; // −0 → +0
    argsort(col, order, scratch);
    const o = f * n;
    for (let p = 0; p < n; p++) {
      const i = order[p];
      idx[o + p] = i;
      val[o + p] = col[i];
    }
  }
  return { n, idx, val };
}

/**
 * Only the list of rows with `weight > 0` (no sorted columns): enough for a tree whose every
 * node sorts its own candidate columns (`n ≤ localSortMax(k, d)`).
 *
 * @internal
 */
export function rowsOnly(weight: Float64Array, nKept: number): Presorted {
  const idx = new Int32Array(nKept);
  let q = 0;
  for (let i = 0; i < weight.length; i++) if (weight[i] > 0) idx[q++] = i;
  return { n: nKept, idx, val: new Float64Array(0) };
}

/**
 * The presorted order restricted to the rows with `weight > 0` (order kept).
 *
 * @internal
 */
export function restrictPresorted(full: Presorted, d: number, weight: Float64Array, nKept: number): Presorted {
  const n = full.n;
  const idx = new Int32Array(nKept * d);
  const val = new Float64Array(nKept * d);
  for (let f = 0; f < d; f++) {
    const src = f * n;
    let q = f * nKept;
    for (let p = 0; p < n; p++) {
      const i = full.idx[src + p];
      if (weight[i] > 0) {
        idx[q] = i;
        val[q] = full.val[src + p];
        q++;
      }
    }
  }
  return { n: nKept, idx, val };
}

interface RadixScratch {
  hi: Uint32Array;
  ix: Int32Array;
  hi2: Uint32Array;
  ix2: Int32Array;
  count: Int32Array;
}

function makeRadixScratch(n: number): RadixScratch {
  return { hi: new Uint32Array(n), ix: new Int32Array(n), hi2: new Uint32Array(n), ix2: new Int32Array(n), count: new Int32Array(65536) };
}

/**
 * Stable argsort of finite doubles into `out`. Large inputs: an LSD radix sort (two 16-bit
 * passes) on the high 32 bits of the order-preserving bit pattern (sign, exponent, 20 mantissa
 * bits), then each run of equal high words is finished by comparing the full values.
 */
function argsort(v: Float64Array, out: Int32Array, s: RadixScratch | undefined): void {
  const n = v.length;
  if (s === undefined) {
    sortRun(v, out, 0, n, true);
    return;
  }
  let { hi, ix, hi2, ix2 } = s;
  const count = s.count;
  const H = LITTLE ? 1 : 0;
  for (let i = 0; i < n; i++) {
    f64[0] = v[i];
    const h = u32[H];
    hi[i] = h & 0x80000000 ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    ix[i] = i;
  }
  for (let pass = 0; pass < 2; pass++) {
    const shift = pass === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(hi[i] >>> shift) & 0xffff]++;
    if (count[(hi[0] >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const h = hi[i];
      const p = count[(h >>> shift) & 0xffff]++;
      hi2[p] = h;
      ix2[p] = ix[i];
    }
    [hi, hi2] = [hi2, hi];
    [ix, ix2] = [ix2, ix];
  }
  out.set(ix);
  // Finish runs of equal high words.
  let a = 0;
  while (a < n) {
    let b = a + 1;
    const h = hi[a];
    while (b < n && hi[b] === h) b++;
    if (b - a > 1) sortRun(v, out, a, b, false);
    a = b;
  }
}

/** Stable sort of `out[a..b)` by `v[out[·]]` (insertion sort for short or nearly sorted runs). */
function sortRun(v: Float64Array, out: Int32Array, a: number, b: number, init: boolean): void {
  if (init) for (let i = a; i < b; i++) out[i] = i;
  if (b - a <= 32) {
    for (let i = a + 1; i < b; i++) {
      const x = out[i];
      const vx = v[x];
      let j = i - 1;
      while (j >= a && (v[out[j]] > vx || (v[out[j]] === vx && out[j] > x))) {
        out[j + 1] = out[j];
        j--;
      }
      out[j + 1] = x;
    }
    return;
  }
  const tmp = Array.from(out.subarray(a, b));
  tmp.sort((p, q) => v[p] - v[q] || p - q);
  for (let i = 0; i < tmp.length; i++) out[a + i] = tmp[i];
}

/** Growable node storage. */
class NodeStore {
  count = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  impurity: Float64Array;
  samples: Int32Array;
  weighted: Float64Array;
  value: Float64Array;
  constructor(
    private cap: number,
    private readonly outputs: number,
  ) {
    this.feature = new Int32Array(cap);
    this.threshold = new Float64Array(cap);
    this.left = new Int32Array(cap);
    this.right = new Int32Array(cap);
    this.impurity = new Float64Array(cap);
    this.samples = new Int32Array(cap);
    this.weighted = new Float64Array(cap);
    this.value = new Float64Array(cap * outputs);
  }
  add(): number {
    if (this.count === this.cap) {
      const cap = this.cap * 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, size: number): T => {
        const b = new (a.constructor as new (n: number) => T)(size);
        b.set(a);
        return b;
      };
      this.feature = grow(this.feature, cap);
      this.threshold = grow(this.threshold, cap);
      this.left = grow(this.left, cap);
      this.right = grow(this.right, cap);
      this.impurity = grow(this.impurity, cap);
      this.samples = grow(this.samples, cap);
      this.weighted = grow(this.weighted, cap);
      this.value = grow(this.value, cap * this.outputs);
      this.cap = cap;
    }
    return this.count++;
  }
  finish(): TreeNodes {
    const c = this.count;
    return {
      count: c,
      feature: this.feature.slice(0, c),
      threshold: this.threshold.slice(0, c),
      left: this.left.slice(0, c),
      right: this.right.slice(0, c),
      impurity: this.impurity.slice(0, c),
      samples: this.samples.slice(0, c),
      weightedSamples: this.weighted.slice(0, c),
      value: this.value.slice(0, c * this.outputs),
    };
  }
}

function classImpurity(counts: Float64Array, w: number, K: number, entropy: boolean): number {
  if (entropy) {
    let h = 0;
    for (let k = 0; k < K; k++) {
      const c = counts[k];
      if (c > 0) {
        const p = c / w;
        h -= p * Math.log2(p);
      }
    }
    return h;
  }
  let sq = 0;
  for (let k = 0; k < K; k++) sq += counts[k] * counts[k];
  return 1 - sq / (w * w);
}

/**
 * Grows one tree on presorted data (which it partitions in place). `weight` is per original row
 * (undefined: all 1); only rows present in `pre` are used.
 *
 * @internal
 */
export function buildTree(data: TreeData, pre: Presorted, weight: Float64Array | undefined, p: BuildParams): BuiltTree {
  const { d } = data.X;
  const n = pre.n;
  const { idx, val } = pre;
  const classification = data.yCodes !== undefined;
  const K = classification ? data.nClasses : 1;
  const yc = data.yCodes ?? new Int32Array(0);
  const yv = data.yValues ?? new Float64Array(0);
  const entropy = p.criterion === 'entropy';
  const store = new NodeStore(Math.max(16, Math.min(4 * n, 1 << 16)), K);
  const rawImportances = new Float64Array(d);
  // One bit per row (row-indexed, so 1M rows take 128 kB and stay in cache).
  const goLeft = new Int32Array((data.X.n + 31) >>> 5);
  const tmpIdx = new Int32Array(n);
  const tmpVal = new Float64Array(n);
  const total = new Float64Array(K);
  const leftC = new Float64Array(K);
  const features = new Int32Array(d);
  for (let f = 0; f < d; f++) features[f] = f;
  const subsample = p.maxFeatures < d;
  const rng = p.random;
  const minLeaf = p.minSamplesLeaf;
  const best = new Best();
  const N = data.X.n;
  const cols = data.cols ?? (localSortMax(p.maxFeatures, d) > 0 ? columnMajor(data.X) : new Float64Array(0));
  const localMax = localSortMax(p.maxFeatures, d);
  if (val.length === 0 && n > localMax) throw new Error('buildTree: unsorted rows need per-node sorting');
  const lIdx = new Int32Array(Math.min(n, localMax));
  const lVal = new Float64Array(Math.min(n, localMax));

  // Stack of pending nodes.
  let cap = 64;
  let sStart: Int32Array = new Int32Array(cap);
  let sEnd: Int32Array = new Int32Array(cap);
  let sDepth: Int32Array = new Int32Array(cap);
  let sParent: Int32Array = new Int32Array(cap);
  let sIsLeft: Uint8Array = new Uint8Array(cap);
  let top = 0;
  // Columns known to be constant in a pending node (found constant in an ancestor): skipped
  // without a scan, but counted as visited, as scikit-learn's splitter does.
  const sConst: Int32Array[] = [];
  const noConst = new Int32Array(0);
  const isKnown = new Uint8Array(d);
  const found = new Int32Array(d);
  const push = (start: number, end: number, depth: number, parent: number, isLeft: number, known: Int32Array): void => {
    if (top === cap) {
      cap *= 2;
      const g32 = (a: Int32Array): Int32Array => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      sStart = g32(sStart);
      sEnd = g32(sEnd);
      sDepth = g32(sDepth);
      sParent = g32(sParent);
      const b = new Uint8Array(cap);
      b.set(sIsLeft);
      sIsLeft = b;
    }
    sStart[top] = start;
    sEnd[top] = end;
    sDepth[top] = depth;
    sParent[top] = parent;
    sIsLeft[top] = isLeft;
    sConst[top] = known;
    top++;
  };
  push(0, n, 0, -1, 0, noConst);
  let rootWeight = 0;
  let maxDepthSeen = 0;
  let leaves = 0;

  while (top > 0) {
    top--;
    const start = sStart[top];
    const end = sEnd[top];
    const depth = sDepth[top];
    const parent = sParent[top];
    const isLeft = sIsLeft[top];
    const known = sConst[top];
    let nFound = 0;
    const m = end - start;

    // Node statistics (over column 0's segment: the same rows as every column's).
    let wNode = 0;
    let impurity: number;
    let sumY = 0;
    let sumY2 = 0;
    if (classification) {
      total.fill(0);
      for (let q = start; q < end; q++) {
        const i = idx[q];
        const w = weight === undefined ? 1 : weight[i];
        total[yc[i]] += w;
        wNode += w;
      }
      impurity = classImpurity(total, wNode, K, entropy);
    } else {
      for (let q = start; q < end; q++) {
        const i = idx[q];
        const w = weight === undefined ? 1 : weight[i];
        const yi = yv[i];
        sumY += w * yi;
        sumY2 += w * yi * yi;
        wNode += w;
      }
      const mean = sumY / wNode;
      impurity = sumY2 / wNode - mean * mean;
    }
    if (parent < 0) rootWeight = wNode;

    const id = store.add();
    if (parent >= 0) {
      if (isLeft) store.left[parent] = id;
      else store.right[parent] = id;
    }
    store.impurity[id] = impurity;
    store.samples[id] = m;
    store.weighted[id] = wNode;
    if (classification) {
      for (let k = 0; k < K; k++) store.value[id * K + k] = total[k] / wNode;
    } else {
      store.value[id] = sumY / wNode;
    }
    if (depth > maxDepthSeen) maxDepthSeen = depth;

    const local = m <= localMax;
    let isLeaf = depth >= p.maxDepth || m < p.minSamplesSplit || m < 2 * minLeaf || impurity <= EPSILON;

    let bestF = -1;
    let bestPos = -1;
    let bestThr = 0;
    best.reset();
    if (!isLeaf) {
      for (let q = 0; q < known.length; q++) isKnown[known[q]] = 1;
      // Candidate columns: all in order, or drawn without replacement until maxFeatures have
      // been visited and at least one was not constant (scikit-learn's rule).
      let visited = 0;
      let nonConstant = 0;
      let remaining = d;
      for (let t = 0; t < d; t++) {
        if (subsample) {
          if (visited >= p.maxFeatures && nonConstant > 0) break;
          const r = t + rng!.int(remaining);
          remaining--;
          const tmp = features[t];
          features[t] = features[r];
          features[r] = tmp;
        }
        const f = features[t];
        visited++;
        if (isKnown[f] === 1) continue;
        let sIdx = idx;
        let sVal = val;
        let o = f * n;
        let a = start;
        let b = end;
        if (local) {
          // Gather this node's values of column f and sort them (small nodes only).
          let lo = Infinity;
          let hi = -Infinity;
          // Two distinct values at most (one-hot and 0/1 columns): a stable two-way partition
          // replaces the sort.
          const co = f * N;
          const first = cols[co + idx[start]];
          let second = NaN;
          let twoValued = true;
          for (let q = start; q < end; q++) {
            const i = idx[q];
            const v = cols[co + i];
            lIdx[q - start] = i;
            lVal[q - start] = v;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
            if (v !== first && v !== second) {
              if (second !== second) second = v;
              else twoValued = false;
            }
          }
          if (hi <= lo + FEATURE_THRESHOLD) {
            found[nFound++] = f; // constant in this node and below
            continue;
          }
          if (twoValued) {
            let a = 0;
            let b = 0;
            for (let q = 0; q < m; q++) {
              const i = lIdx[q];
              const isLo = lVal[q] === lo ? 1 : 0;
              lIdx[a] = i;
              tmpIdx[b] = i;
              a += isLo;
              b += 1 - isLo;
            }
            lVal.fill(lo, 0, a);
            lVal.fill(hi, a, m);
            lIdx.set(tmpIdx.subarray(0, b), a);
          } else {
            sortPairs(lVal, lIdx, 0, m - 1);
          }
          sIdx = lIdx;
          sVal = lVal;
          o = 0;
          a = 0;
          b = m;
        }
        if (sVal[o + b - 1] <= sVal[o + a] + FEATURE_THRESHOLD) {
          found[nFound++] = f;
          continue;
        }
        nonConstant++;
        // Scan split positions.
        if (!classification) scanMse(sIdx, sVal, yv, weight, o, a, b, wNode, sumY, minLeaf, f, best);
        else if (K === 2 && !entropy) scanGini2(sIdx, sVal, yc, weight, o, a, b, wNode, total[1], minLeaf, f, best);
        else scanClasses(sIdx, sVal, yc, weight, o, a, b, wNode, total, leftC, K, entropy, minLeaf, f, best);
      }
      for (let q = 0; q < known.length; q++) isKnown[known[q]] = 0;
      bestF = best.f;
      bestPos = best.pos;
      bestThr = best.thr;
      if (bestF < 0) isLeaf = true;
    }

    if (isLeaf) {
      store.feature[id] = -1;
      store.threshold[id] = NaN;
      store.left[id] = -1;
      store.right[id] = -1;
      leaves++;
      continue;
    }

    // Split: mark the rows going left, then stable-partition every other column's segment (a
    // small node of a subsampling tree keeps only column 0's segment, its list of rows).
    if (local) {
      let a = start;
      let b = 0;
      const co = bestF * N;
      for (let q = start; q < end; q++) {
        const i = idx[q];
        const isLeft = cols[co + i] <= bestThr ? 1 : 0;
        idx[a] = i;
        tmpIdx[b] = i;
        a += isLeft;
        b += 1 - isLeft;
      }
      idx.set(tmpIdx.subarray(0, b), a);
      bestPos = a;
    } else {
      const ob = bestF * n;
      for (let q = start; q < bestPos; q++) {
        const i = idx[ob + q];
        goLeft[i >>> 5] |= 1 << (i & 31);
      }
      for (let q = bestPos; q < end; q++) {
        const i = idx[ob + q];
        goLeft[i >>> 5] &= ~(1 << (i & 31));
      }
    }
    for (let f = 0; f < (local ? 0 : d); f++) {
      if (f === bestF) continue;
      const o = f * n;
      let a = o + start;
      let b = 0;
      // Branch-free: write to both sides, advance one (a ≤ q, so nothing unread is overwritten).
      for (let q = o + start; q < o + end; q++) {
        const i = idx[q];
        const v = val[q];
        const bit = (goLeft[i >>> 5] >>> (i & 31)) & 1;
        idx[a] = i;
        val[a] = v;
        tmpIdx[b] = i;
        tmpVal[b] = v;
        a += bit;
        b += 1 - bit;
      }
      idx.set(tmpIdx.subarray(0, b), a);
      val.set(tmpVal.subarray(0, b), a);
    }
    // Children's impurities for the importance (recomputed from the left child's rows, which
    // column 0's segment now lists first).
    const ob2 = 0;
    let wL = 0;
    let impL: number;
    let impR: number;
    if (classification) {
      leftC.fill(0);
      for (let q = start; q < bestPos; q++) {
        const i = idx[ob2 + q];
        const wi = weight === undefined ? 1 : weight[i];
        leftC[yc[i]] += wi;
        wL += wi;
      }
      impL = classImpurity(leftC, wL, K, entropy);
      for (let k = 0; k < K; k++) leftC[k] = total[k] - leftC[k];
      impR = classImpurity(leftC, wNode - wL, K, entropy);
    } else {
      let s = 0;
      let s2 = 0;
      for (let q = start; q < bestPos; q++) {
        const i = idx[ob2 + q];
        const wi = weight === undefined ? 1 : weight[i];
        s += wi * yv[i];
        s2 += wi * yv[i] * yv[i];
        wL += wi;
      }
      const wR0 = wNode - wL;
      impL = s2 / wL - (s / wL) ** 2;
      impR = (sumY2 - s2) / wR0 - ((sumY - s) / wR0) ** 2;
    }
    const wR = wNode - wL;
    rawImportances[bestF] += wNode * impurity - wL * impL - wR * impR;
    store.feature[id] = bestF;
    store.threshold[id] = bestThr;
    let childKnown = known;
    if (nFound > 0) {
      childKnown = new Int32Array(known.length + nFound);
      childKnown.set(known);
      childKnown.set(found.subarray(0, nFound), known.length);
    }
    push(bestPos, end, depth + 1, id, 0, childKnown);
    push(start, bestPos, depth + 1, id, 1, childKnown);
  }

  for (let f = 0; f < d; f++) rawImportances[f] /= rootWeight;
  return { nodes: store.finish(), outputs: K, depth: maxDepthSeen, leafCount: leaves, rawImportances };
}

/** The best split found so far at a node. */
class Best {
  proxy = -Infinity;
  f = -1;
  pos = -1;
  thr = 0;
  reset(): void {
    this.proxy = -Infinity;
    this.f = -1;
    this.pos = -1;
    this.thr = 0;
  }
}

/**
 * Binary Gini scan. The proxy `Σ_k cL_k²/wL + Σ_k cR_k²/wR` is scikit-learn's
 * `−wL·giniL − wR·giniR` plus the node weight (a constant at the node).
 */
function scanGini2(
  idx: Int32Array,
  val: Float64Array,
  yc: Int32Array,
  weight: Float64Array | undefined,
  o: number,
  start: number,
  end: number,
  wNode: number,
  pos1: number,
  minLeaf: number,
  f: number,
  best: Best,
): void {
  let wL = 0;
  let pL = 0;
  const last = o + end - 1;
  const firstOk = o + start + minLeaf - 1; // q ≥ firstOk ⇔ left has ≥ minLeaf rows
  const lastOk = o + end - 1 - minLeaf; // q ≤ lastOk ⇔ right has ≥ minLeaf rows
  let bestProxy = best.proxy;
  let bestQ = -1;
  for (let q = o + start; q < last; q++) {
    const i = idx[q];
    if (weight === undefined) {
      wL += 1;
      pL += yc[i];
    } else {
      const w = weight[i];
      wL += w;
      pL += w * yc[i];
    }
    if (q < firstOk) continue;
    if (q > lastOk) break;
    const v = val[q];
    if (val[q + 1] <= v + FEATURE_THRESHOLD) continue;
    const nL = wL - pL;
    const wR = wNode - wL;
    const pR = pos1 - pL;
    const nR = wR - pR;
    const proxy = (pL * pL + nL * nL) / wL + (pR * pR + nR * nR) / wR;
    if (proxy > bestProxy) {
      bestProxy = proxy;
      bestQ = q;
    }
  }
  if (bestQ >= 0) {
    best.proxy = bestProxy;
    best.f = f;
    best.pos = bestQ + 1 - o;
    best.thr = midpoint(val[bestQ], val[bestQ + 1]);
  }
}

/** Gini (K classes) or entropy scan; the proxy is `−wL·iL − wR·iR` (+ the node weight for Gini). */
function scanClasses(
  idx: Int32Array,
  val: Float64Array,
  yc: Int32Array,
  weight: Float64Array | undefined,
  o: number,
  start: number,
  end: number,
  wNode: number,
  total: Float64Array,
  leftC: Float64Array,
  K: number,
  entropy: boolean,
  minLeaf: number,
  f: number,
  best: Best,
): void {
  leftC.fill(0);
  let wL = 0;
  const last = o + end - 1;
  const firstOk = o + start + minLeaf - 1;
  const lastOk = o + end - 1 - minLeaf;
  let bestProxy = best.proxy;
  let bestQ = -1;
  for (let q = o + start; q < last; q++) {
    const i = idx[q];
    const w = weight === undefined ? 1 : weight[i];
    leftC[yc[i]] += w;
    wL += w;
    if (q < firstOk) continue;
    if (q > lastOk) break;
    const v = val[q];
    if (val[q + 1] <= v + FEATURE_THRESHOLD) continue;
    const wR = wNode - wL;
    let proxy: number;
    if (entropy) {
      let hL = 0;
      let hR = 0;
      for (let k = 0; k < K; k++) {
        const cl = leftC[k];
        if (cl > 0) {
          const pl = cl / wL;
          hL -= pl * Math.log2(pl);
        }
        const cr = total[k] - cl;
        if (cr > 0) {
          const pr = cr / wR;
          hR -= pr * Math.log2(pr);
        }
      }
      proxy = -wR * hR - wL * hL;
    } else {
      let sqL = 0;
      let sqR = 0;
      for (let k = 0; k < K; k++) {
        const cl = leftC[k];
        const cr = total[k] - cl;
        sqL += cl * cl;
        sqR += cr * cr;
      }
      proxy = sqL / wL + sqR / wR;
    }
    if (proxy > bestProxy) {
      bestProxy = proxy;
      bestQ = q;
    }
  }
  if (bestQ >= 0) {
    best.proxy = bestProxy;
    best.f = f;
    best.pos = bestQ + 1 - o;
    best.thr = midpoint(val[bestQ], val[bestQ + 1]);
  }
}

/** Squared-error scan; the proxy is scikit-learn's `sL²/wL + sR²/wR`. */
function scanMse(
  idx: Int32Array,
  val: Float64Array,
  yv: Float64Array,
  weight: Float64Array | undefined,
  o: number,
  start: number,
  end: number,
  wNode: number,
  sumY: number,
  minLeaf: number,
  f: number,
  best: Best,
): void {
  let sL = 0;
  let wL = 0;
  const last = o + end - 1;
  const firstOk = o + start + minLeaf - 1;
  const lastOk = o + end - 1 - minLeaf;
  let bestProxy = best.proxy;
  let bestQ = -1;
  for (let q = o + start; q < last; q++) {
    const i = idx[q];
    if (weight === undefined) {
      sL += yv[i];
      wL += 1;
    } else {
      const w = weight[i];
      sL += w * yv[i];
      wL += w;
    }
    if (q < firstOk) continue;
    if (q > lastOk) break;
    const v = val[q];
    if (val[q + 1] <= v + FEATURE_THRESHOLD) continue;
    const sR = sumY - sL;
    const proxy = (sL * sL) / wL + (sR * sR) / (wNode - wL);
    if (proxy > bestProxy) {
      bestProxy = proxy;
      bestQ = q;
    }
  }
  if (bestQ >= 0) {
    best.proxy = bestProxy;
    best.f = f;
    best.pos = bestQ + 1 - o;
    best.thr = midpoint(val[bestQ], val[bestQ + 1]);
  }
}

/** Sorts `val[lo..hi]` ascending, moving `idx` alongside (quicksort, insertion sort below 16). */
function sortPairs(val: Float64Array, idx: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    // Median of three to val[mid].
    if (val[mid] < val[lo]) swap(val, idx, mid, lo);
    if (val[hi] < val[lo]) swap(val, idx, hi, lo);
    if (val[hi] < val[mid]) swap(val, idx, hi, mid);
    const pivot = val[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (val[i] < pivot) i++;
      while (val[j] > pivot) j--;
      if (i <= j) {
        swap(val, idx, i, j);
        i++;
        j--;
      }
    }
    // Recurse into the smaller side, loop on the larger.
    if (j - lo < hi - i) {
      if (lo < j) sortPairs(val, idx, lo, j);
      lo = i;
    } else {
      if (i < hi) sortPairs(val, idx, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = val[i];
    const x = idx[i];
    let j = i - 1;
    while (j >= lo && val[j] > v) {
      val[j + 1] = val[j];
      idx[j + 1] = idx[j];
      j--;
    }
    val[j + 1] = v;
    idx[j + 1] = x;
  }
}

function swap(val: Float64Array, idx: Int32Array, a: number, b: number): void {
  const v = val[a];
  val[a] = val[b];
  val[b] = v;
  const x = idx[a];
  idx[a] = idx[b];
  idx[b] = x;
}

function midpoint(a: number, b: number): number {
  let t = a / 2 + b / 2;
  if (t === b || t === Infinity || t === -Infinity) t = a;
  return t;
}

/** Leaf id of row `r` of `data` (row-major, `d` columns). @internal */
export function leafOf(nodes: TreeNodes, data: Float64Array, r: number, d: number): number {
  const { feature, threshold, left, right } = nodes;
  let node = 0;
  let f = feature[0];
  while (f >= 0) {
    node = data[r * d + f] <= threshold[node] ? left[node] : right[node];
    f = feature[node];
  }
  return node;
}

/** Normalises importances to sum 1 (all zeros stay zeros). @internal */
export function normalizeImportances(raw: Float64Array): Float64Array {
  const out = Float64Array.from(raw);
  let s = 0;
  for (const v of out) s += v;
  if (s > 0) for (let i = 0; i < out.length; i++) out[i] /= s;
  return out;
}

// --------------------------------------------------------------------------------- public fit

/**
 * Fits a CART decision tree: binary splits on numeric columns chosen to maximise the impurity
 * decrease (Gini, entropy or squared error), grown depth-first. Equal to scikit-learn's
 * `DecisionTreeClassifier` / `DecisionTreeRegressor` (`splitter="best"`) on data without tied
 * candidate splits; see the module notes for the details and the one difference (float32).
 *
 * @param X - feature rows (`number[][]`) or a row-major matrix; finite numbers.
 * @param y - class labels (numbers, strings or booleans) for classification, finite numbers for regression.
 * @param options - see {@link DecisionTreeOptions}.
 * @returns a {@link ClassificationTreeModel} or {@link RegressionTreeModel} (frozen).
 * @throws {@link InvalidInputError} for malformed `X`, `y` or options (naming the field and row).
 * A target with a single class (or a constant one) gives a single leaf.
 *
 * @example
 * ```ts
 * import { fitDecisionTree } from 'clmkit/models';
 * // Churn (1) when tenure is short and the monthly charge high.
 * const X = [[2, 90], [3, 85], [30, 95], [40, 20], [5, 30], [60, 100], [1, 70], [4, 30], [3, 25]];
 * const y = [1, 1, 0, 0, 0, 0, 1, 0, 0];
 * const tree = fitDecisionTree(X, y, { maxDepth: 2, featureNames: ['tenure', 'monthly'] });
 * console.log(tree.predict([[2, 80], [20, 80]])); // [ 1, 0 ]
 * console.log(tree.toText());
 * // |--- tenure <= 3.50
 * // |   |--- monthly <= 47.50
 * // |   |   |--- class: 0
 * // |   |--- monthly >  47.50
 * // |   |   |--- class: 1
 * // |--- tenure >  3.50
 * // |   |--- class: 0
 * // Impurity decrease: root 9·(4/9) − 4·0.375 = 2.5 (tenure), then 4·0.375 = 1.5 (monthly).
 * console.log(tree.featureImportances); // ≈ [ 0.625, 0.375 ]
 * ```
 */
export function fitDecisionTree(X: TreeInput, y: ArrayLike<number>, options: DecisionTreeOptions & { task: 'regression' }): RegressionTreeModel;
export function fitDecisionTree(X: TreeInput, y: ArrayLike<ClassLabel>, options?: DecisionTreeOptions & { task?: 'classification' }): ClassificationTreeModel;
export function fitDecisionTree(X: TreeInput, y: ArrayLike<ClassLabel>, options?: DecisionTreeOptions): ClassificationTreeModel | RegressionTreeModel;
export function fitDecisionTree(X: TreeInput, y: ArrayLike<ClassLabel>, options?: DecisionTreeOptions): ClassificationTreeModel | RegressionTreeModel {
  const context = 'fitDecisionTree';
  const o = parseOptions(treeSchema, options, context);
  const task = o.task ?? 'classification';
  const criterion = checkCriterion(task, o.criterion, context);
  const Xd = toDense(X, context);
  const names = resolveNames(o.featureNames, Xd, context);
  const data = makeTreeData(Xd, y, task, context);
  const maxFeatures = resolveMaxFeatures(o.maxFeatures ?? 'all', Xd.d, context);
  const pre = presortColumns(Xd);
  const built = buildTree(data, pre, undefined, {
    criterion,
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesSplit: o.minSamplesSplit ?? 2,
    minSamplesLeaf: o.minSamplesLeaf ?? 1,
    maxFeatures,
    random: maxFeatures < Xd.d ? createRandom(o.seed ?? 0) : undefined,
  });
  return makeTreeModel(built, task, criterion, names, data.classes);
}

/** Checks the criterion against the task and returns it (with the task's default). @internal */
export function checkCriterion(task: TreeTask, c: TreeCriterion | undefined, context: string): TreeCriterion {
  if (c === undefined) return task === 'classification' ? 'gini' : 'squared_error';
  const ok = task === 'classification' ? c !== 'squared_error' : c === 'squared_error';
  if (!ok) {
    throw new InvalidInputError(context, [
      {
        path: 'options.criterion',
        message: task === 'classification' ? `expected 'gini' or 'entropy' for classification, got '${c}'` : `expected 'squared_error' for regression, got '${c}'`,
      },
    ]);
  }
  return c;
}

/** Feature names: given, the matrix's, or x0…. @internal */
export function resolveNames(given: readonly string[] | undefined, X: Dense, context: string): readonly string[] {
  if (given !== undefined) {
    if (given.length !== X.d) {
      throw new InvalidInputError(context, [{ path: 'options.featureNames', message: `expected ${X.d} names (one per column), got ${given.length}` }]);
    }
    return Object.freeze([...given]);
  }
  return Object.freeze([...X.names]);
}

/** Validated tree training data with its class labels. @internal */
export function makeTreeData(X: Dense, y: unknown, task: TreeTask, context: string): TreeData & { classes: readonly ClassLabel[] } {
  if (task === 'classification') {
    const enc = encodeTarget(y, X.n, context);
    return { X, yCodes: enc.codes, yValues: undefined, nClasses: enc.classes.length, classes: enc.classes };
  }
  return { X, yCodes: undefined, yValues: numericTarget(y, X.n, context), nClasses: 1, classes: [] };
}

/** Wraps a built tree as a frozen model. @internal */
export function makeTreeModel(
  built: BuiltTree,
  task: TreeTask,
  criterion: TreeCriterion,
  featureNames: readonly string[],
  classes: readonly ClassLabel[],
  importances?: Float64Array,
): ClassificationTreeModel | RegressionTreeModel {
  const { nodes } = built;
  const d = featureNames.length;
  const K = built.outputs;
  const featureImportances = importances ?? normalizeImportances(built.rawImportances);
  const apply = (Xin: TreeInput): Int32Array => {
    const Xd = toDense(Xin, 'apply', 'X', d);
    const out = new Int32Array(Xd.n);
    for (let r = 0; r < Xd.n; r++) out[r] = leafOf(nodes, Xd.data, r, d);
    return out;
  };
  const toText = (opts?: TreeTextOptions): string => treeToText(nodes, featureNames, task, classes, K, opts);
  const toJSON = (): DecisionTreeJson => ({
    model: 'DecisionTree',
    version: 1,
    task,
    criterion,
    featureNames: [...featureNames],
    classes: [...classes],
    depth: built.depth,
    leafCount: built.leafCount,
    featureImportances: Array.from(featureImportances),
    nodes: {
      feature: Array.from(nodes.feature),
      threshold: Array.from(nodes.threshold, (t) => (Number.isNaN(t) ? null : t)),
      left: Array.from(nodes.left),
      right: Array.from(nodes.right),
      impurity: Array.from(nodes.impurity),
      samples: Array.from(nodes.samples),
      weightedSamples: Array.from(nodes.weightedSamples),
      value: Array.from(nodes.value),
    },
  });
  const base = { criterion, nFeatures: d, featureNames, nodes, depth: built.depth, leafCount: built.leafCount, featureImportances, apply, toText, toJSON };
  if (task === 'regression') {
    const model: RegressionTreeModel = {
      ...base,
      task: 'regression',
      predict(Xin: TreeInput): Float64Array {
        const leaves = apply(Xin);
        const out = new Float64Array(leaves.length);
        for (let r = 0; r < leaves.length; r++) out[r] = nodes.value[leaves[r]];
        return out;
      },
    };
    return Object.freeze(model);
  }
  const predictProba = (Xin: TreeInput): Float64Array => {
    const leaves = apply(Xin);
    const out = new Float64Array(leaves.length * K);
    for (let r = 0; r < leaves.length; r++) out.set(nodes.value.subarray(leaves[r] * K, leaves[r] * K + K), r * K);
    return out;
  };
  const model: ClassificationTreeModel = {
    ...base,
    task: 'classification',
    classes,
    predictProba,
    predictProbaOf(Xin: TreeInput, label?: ClassLabel): Float64Array {
      const k = classIndex(classes, label, 'predictProbaOf');
      const leaves = apply(Xin);
      const out = new Float64Array(leaves.length);
      for (let r = 0; r < leaves.length; r++) out[r] = nodes.value[leaves[r] * K + k];
      return out;
    },
    predict(Xin: TreeInput): ClassLabel[] {
      const P = predictProba(Xin);
      return argmaxRows(P, K).map((k) => classes[k]);
    },
  };
  return Object.freeze(model);
}

/**
 * Restores a tree from {@link DecisionTreeModel.toJSON} (after `JSON.parse`), exactly.
 *
 * @throws {@link InvalidInputError} (paths under `json`) when the object is not a version-1 tree:
 * wrong kind, inconsistent array lengths, or child links that do not form a pre-order tree.
 *
 * @example
 * ```ts
 * import { decisionTreeFromJSON, fitDecisionTree } from 'clmkit/models';
 * const tree = fitDecisionTree([[1], [2], [3], [4]], ['a', 'a', 'b', 'b']);
 * const back = decisionTreeFromJSON(JSON.parse(JSON.stringify(tree)));
 * console.log(back.predict([[1.2], [3.9]]), back.toText() === tree.toText()); // [ 'a', 'b' ] true
 * ```
 */
export function decisionTreeFromJSON(json: unknown): ClassificationTreeModel | RegressionTreeModel {
  const context = 'decisionTreeFromJSON';
  const fail = (path: string, message: string): never => {
    throw new InvalidInputError(context, [{ path: `json${path}`, message }]);
  };
  if (typeof json !== 'object' || json === null) return fail('', `expected the object written by toJSON(), got ${show(json)}`);
  const j = json as Partial<Record<keyof DecisionTreeJson, unknown>>;
  if (j.model !== 'DecisionTree') fail('.model', `expected 'DecisionTree', got ${show(j.model)}`);
  if (j.version !== 1) fail('.version', `expected 1, got ${show(j.version)}`);
  const task = j.task;
  if (task !== 'classification' && task !== 'regression') return fail('.task', `expected 'classification' or 'regression', got ${show(task)}`);
  const criterion = checkCriterion(task, j.criterion as TreeCriterion | undefined, context);
  const strings = (v: unknown, path: string): string[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return fail(path, 'expected an array of strings');
    return v;
  };
  const featureNames = Object.freeze(strings(j.featureNames, '.featureNames'));
  const d = featureNames.length;
  if (d === 0) fail('.featureNames', 'expected at least one name');
  const classesRaw: unknown = j.classes;
  if (!Array.isArray(classesRaw) || !classesRaw.every((c) => ['number', 'string', 'boolean'].includes(typeof c))) {
    return fail('.classes', 'expected an array of labels');
  }
  const classes = Object.freeze([...(classesRaw as ClassLabel[])]);
  const K = task === 'classification' ? classes.length : 1;
  if (K < 1) fail('.classes', 'expected at least one class');
  const nodesRaw = j.nodes;
  if (typeof nodesRaw !== 'object' || nodesRaw === null) return fail('.nodes', 'expected an object of node arrays');
  const nr = nodesRaw as Record<string, unknown>;
  const nums = (key: string, allowNull = false): (number | null)[] => {
    const v = nr[key];
    if (!Array.isArray(v)) return fail(`.nodes.${key}`, 'expected an array of numbers');
    const arr = v as unknown[];
    for (let i = 0; i < arr.length; i++) {
      const x = arr[i];
      if (!(typeof x === 'number' || (allowNull && x === null))) fail(`.nodes.${key}[${i}]`, `expected a number, got ${show(x)}`);
    }
    return arr as (number | null)[];
  };
  const numsOnly = (key: string): number[] => nums(key) as number[];
  const feature = numsOnly('feature');
  const count = feature.length;
  if (count === 0) fail('.nodes.feature', 'expected at least one node');
  const threshold = nums('threshold', true);
  const left = numsOnly('left');
  const right = numsOnly('right');
  const impurity = numsOnly('impurity');
  const samples = numsOnly('samples');
  const weighted = numsOnly('weightedSamples');
  const value = numsOnly('value');
  for (const [key, arr] of [['threshold', threshold], ['left', left], ['right', right], ['impurity', impurity], ['samples', samples], ['weightedSamples', weighted]] as const) {
    if (arr.length !== count) fail(`.nodes.${key}`, `expected ${count} entries (one per node), got ${arr.length}`);
  }
  if (value.length !== count * K) fail('.nodes.value', `expected ${count * K} entries (nodes × outputs), got ${value.length}`);
  for (let i = 0; i < count; i++) {
    const f = feature[i];
    if (f === -1) {
      if (left[i] !== -1 || right[i] !== -1) fail(`.nodes.left[${i}]`, 'a leaf (feature −1) must have children −1');
    } else {
      if (!Number.isInteger(f) || f < 0 || f >= d) fail(`.nodes.feature[${i}]`, `expected −1 or a column in [0, ${d - 1}], got ${f}`);
      // Pre-order: children come after their parent, so prediction always terminates.
      if (!Number.isInteger(left[i]) || left[i] <= i || left[i] >= count) fail(`.nodes.left[${i}]`, `expected a node id in (${i}, ${count}), got ${left[i]}`);
      if (!Number.isInteger(right[i]) || right[i] <= i || right[i] >= count) fail(`.nodes.right[${i}]`, `expected a node id in (${i}, ${count}), got ${right[i]}`);
      if (typeof threshold[i] !== 'number') fail(`.nodes.threshold[${i}]`, 'expected a number at a split');
    }
  }
  const importancesRaw = j.featureImportances;
  if (!Array.isArray(importancesRaw) || importancesRaw.length !== d || !importancesRaw.every((x) => typeof x === 'number')) {
    fail('.featureImportances', `expected ${d} numbers`);
  }
  const nodes: TreeNodes = {
    count,
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold, (t) => (t === null ? NaN : t)),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    impurity: Float64Array.from(impurity),
    samples: Int32Array.from(samples),
    weightedSamples: Float64Array.from(weighted),
    value: Float64Array.from(value),
  };
  const built: BuiltTree = { nodes, outputs: K, depth: Number(j.depth), leafCount: Number(j.leafCount), rawImportances: new Float64Array(d) };
  return makeTreeModel(built, task, criterion, featureNames, task === 'classification' ? classes : [], Float64Array.from(importancesRaw as number[]));
}

/** Index of `label` in `classes` (default: the last). @internal */
export function classIndex(classes: readonly ClassLabel[], label: ClassLabel | undefined, context: string): number {
  if (label === undefined) return classes.length - 1;
  const k = classes.indexOf(label);
  if (k < 0) {
    throw new InvalidInputError(context, [{ path: 'label', message: `expected one of the training classes ${classes.map(show).join(', ')}, got ${show(label)}` }]);
  }
  return k;
}

/** Row-wise argmax of an `n × K` row-major array (first on ties). @internal */
export function argmaxRows(P: Float64Array, K: number): number[] {
  const n = P.length / K;
  const out = new Array<number>(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[r * K + k] > P[r * K + best]) best = k;
    out[r] = best;
  }
  return out;
}

function treeToText(
  nodes: TreeNodes,
  names: readonly string[],
  task: TreeTask,
  classes: readonly ClassLabel[],
  K: number,
  opts: TreeTextOptions | undefined,
): string {
  const decimals = opts?.decimals ?? 2;
  const maxDepth = opts?.maxDepth ?? Infinity;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw new InvalidInputError('toText', [{ path: 'options.decimals', message: `expected an integer in [0, 20], got ${show(decimals)}` }]);
  }
  const lines: string[] = [];
  const leafText = (node: number): string => {
    if (task === 'regression') return `value: ${nodes.value[node].toFixed(decimals)}`;
    let best = 0;
    for (let k = 1; k < K; k++) if (nodes.value[node * K + k] > nodes.value[node * K + best]) best = k;
    return `class: ${String(classes[best])}`;
  };
  const walk = (node: number, depth: number): void => {
    const indent = '|   '.repeat(depth);
    const f = nodes.feature[node];
    if (f < 0) {
      lines.push(`${indent}|--- ${leafText(node)}`);
      return;
    }
    if (depth >= maxDepth) {
      lines.push(`${indent}|--- truncated branch of depth ${subtreeDepth(nodes, node)}`);
      return;
    }
    const t = nodes.threshold[node].toFixed(decimals);
    lines.push(`${indent}|--- ${names[f]} <= ${t}`);
    walk(nodes.left[node], depth + 1);
    lines.push(`${indent}|--- ${names[f]} >  ${t}`);
    walk(nodes.right[node], depth + 1);
  };
  walk(0, 0);
  return lines.join('\n');
}

function subtreeDepth(nodes: TreeNodes, node: number): number {
  if (nodes.feature[node] < 0) return 0;
  return 1 + Math.max(subtreeDepth(nodes, nodes.left[node]), subtreeDepth(nodes, nodes.right[node]));
}
