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
 * - **Nonlinear structure** (`fitInformationGap(X, { method: 'autoencoder' })`): the same gap
 *   and residuals, with the reconstruction of a small dense autoencoder trained with Adam
 *   instead of the PCA plane; on curved structure it finds what PCA misses (see the tests).
 *   A variational autoencoder is not included.
 *
 * @module
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../../errors.js';
import { quantileSorted } from '../../math/quantile.js';
import { createRandom } from '../../math/random.js';
import { parseOptions, show } from '../../validate.js';
import { standardize } from '../prep/encode.js';
import { toMatrix, type DesignMatrixInput } from '../prep/matrix.js';

/**
 * Options of {@link fitInformationGap}. For PCA give `components` or `varianceExplained`, not
 * both; the autoencoder options apply with `method: 'autoencoder'` only.
 */
export interface InformationGapOptions {
  /**
   * `'pca'` (linear: principal components) or `'autoencoder'` (nonlinear: a small dense
   * autoencoder, see {@link AutoencoderGapModel}).
   * @defaultValue `'pca'`
   */
  method?: 'pca' | 'autoencoder';
  /**
   * PCA: number of principal components kept (an integer in [1, nCols]). Autoencoder: width of
   * the bottleneck layer.
   * @defaultValue PCA: from `varianceExplained`; autoencoder: 2
   */
  components?: number;
  /**
   * PCA only: keep the fewest components whose explained variance ratio sums to at least this
   * (in (0, 1]).
   * @defaultValue 0.9 (when `components` is not given)
   */
  varianceExplained?: number;
  /** Autoencoder: units in each hidden (tanh) layer. @defaultValue 16 */
  hidden?: number;
  /** Autoencoder: passes over the data. @defaultValue 200 */
  epochs?: number;
  /** Autoencoder: rows per Adam step. @defaultValue 64 */
  batchSize?: number;
  /** Autoencoder: Adam step size. @defaultValue 0.01 */
  learningRate?: number;
  /** Autoencoder: seed of the initial weights and the batch order. @defaultValue 0 */
  seed?: number;
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

/** What every fitted information-gap model offers (a frozen object). */
export interface InformationGapModel {
  /** How "expected" is modelled. */
  readonly method: 'pca' | 'autoencoder';
  /** Column names. */
  readonly featureNames: readonly string[];
  /** Number of columns. */
  readonly nFeatures: number;
  /** PCA: components kept; autoencoder: bottleneck width. */
  readonly components: number;
  /** Column means of the training data. */
  readonly mean: Float64Array;
  /** Column population standard deviations of the training data (1 for a constant column). */
  readonly scale: Float64Array;
  /** The training rows' gaps, sorted ascending (the reference for {@link InformationGapModel.threshold}). */
  readonly trainingGaps: Float64Array;
  /** Gap and per-feature residuals of each row of `X`. */
  score(X: DesignMatrixInput): GapScores;
  /** The `q`-quantile of the training gaps (numpy's default interpolation): gaps above it are the top `1 − q`. */
  threshold(q?: number): number;
  /** The JSON form; {@link informationGapFromJSON} restores the model exactly. */
  toJSON(): InformationGapJson;
}

/** A fitted PCA information-gap model. */
export interface PcaGapModel extends InformationGapModel {
  readonly method: 'pca';
  /**
   * Principal axes in the standardised space, `nFeatures × nFeatures` row-major (row `j` is
   * component `j`; each has unit length and its largest-magnitude entry positive).
   */
  readonly loadings: Float64Array;
  /** Variance along each axis (eigenvalues of the correlation structure, divisor n − 1, as scikit-learn's PCA). */
  readonly explainedVariance: Float64Array;
  /** Share of the total variance along each axis. */
  readonly explainedVarianceRatio: Float64Array;
}

/**
 * A fitted autoencoder information-gap model: standardised features → `hidden` tanh units →
 * `components` linear units (the bottleneck) → `hidden` tanh units → the features again,
 * trained to minimise the mean squared reconstruction error with Adam (D. P. Kingma and J. Ba,
 * 2015; β₁ = 0.9, β₂ = 0.999, ε = 1e-8) on shuffled mini-batches, from Glorot-uniform weights.
 * It follows curved structure that a linear PCA plane cannot.
 */
export interface AutoencoderGapModel extends InformationGapModel {
  readonly method: 'autoencoder';
  /** Hidden units per layer. */
  readonly hidden: number;
  /** Mean squared reconstruction error (per feature, standardised) after each epoch. */
  readonly loss: Float64Array;
}

const gapSchema = z.strictObject({
  method: z.optional(z.enum(['pca', 'autoencoder'])),
  components: z.optional(z.number().check(z.int(), z.gte(1))),
  varianceExplained: z.optional(z.number().check(z.gt(0), z.lte(1))),
  hidden: z.optional(z.number().check(z.int(), z.gte(1))),
  epochs: z.optional(z.number().check(z.int(), z.gte(1))),
  batchSize: z.optional(z.number().check(z.int(), z.gte(1))),
  learningRate: z.optional(z.number().check(z.gt(0))),
  seed: z.optional(z.number()),
});

/**
 * Fits the PCA information-gap detector: standardises the columns (mean 0, population standard
 * deviation 1, as scikit-learn's `StandardScaler`), finds the principal axes by an SVD (ml-matrix)
 * of the standardised scatter matrix ZᵀZ, and keeps `k` of them. {@link InformationGapModel.score}
 * then reconstructs each standardised row `z` as `ẑ = V_k V_kᵀ z` and reports the residual
 * `z − ẑ` per column and its norm, the gap. With `method: 'autoencoder'`, `ẑ` is the output of
 * an autoencoder with a `components`-wide bottleneck trained on the standardised rows
 * ({@link AutoencoderGapModel}); deterministic for a `seed`.
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
 * // The nonlinear variant: same scores, a learned reconstruction.
 * const ae = fitInformationGap(X, { method: 'autoencoder', components: 1, hidden: 8, epochs: 300, seed: 1 });
 * console.log(ae.score(X).gap.length, ae.loss.length); // 10 300
 * ```
 */
export function fitInformationGap(X: DesignMatrixInput, options: InformationGapOptions & { method: 'autoencoder' }): AutoencoderGapModel;
export function fitInformationGap(X: DesignMatrixInput, options?: InformationGapOptions & { method?: 'pca' }): PcaGapModel;
export function fitInformationGap(X: DesignMatrixInput, options?: InformationGapOptions): PcaGapModel | AutoencoderGapModel;
export function fitInformationGap(X: DesignMatrixInput, options?: InformationGapOptions): PcaGapModel | AutoencoderGapModel {
  const context = 'fitInformationGap';
  const o = parseOptions(gapSchema, options, context);
  const method = o.method ?? 'pca';
  if (o.components !== undefined && o.varianceExplained !== undefined) {
    throw new InvalidInputError(context, [{ path: 'options', message: 'give components or varianceExplained, not both' }]);
  }
  if (method === 'autoencoder' && o.varianceExplained !== undefined) {
    throw new InvalidInputError(context, [{ path: 'options.varianceExplained', message: "applies to method 'pca' only; give the autoencoder's bottleneck width as components" }]);
  }
  if (method === 'pca') {
    for (const key of ['hidden', 'epochs', 'batchSize', 'learningRate', 'seed'] as const) {
      if (o[key] !== undefined) throw new InvalidInputError(context, [{ path: `options.${key}`, message: "applies to method 'autoencoder' only" }]);
    }
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
  // Standardise as scikit-learn's StandardScaler: population std, a constant column keeps scale 1.
  const { mean, scale } = standardize(M);
  const featureNames = Object.freeze([...M.columnNames]);
  if (method === 'autoencoder') {
    return fitAutoencoder(M.data, n, d, mean, scale, featureNames, {
      k: o.components ?? 2,
      hidden: o.hidden ?? 16,
      epochs: o.epochs ?? 200,
      batchSize: o.batchSize ?? 64,
      learningRate: o.learningRate ?? 0.01,
      seed: o.seed ?? 0,
    });
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
  return assemblePca({ featureNames, mean, scale, k, loadings, explainedVariance, explainedVarianceRatio, trainingGaps: undefined }, M);
}

/** `score` of a gap model from a reconstruction of standardised rows. */
function makeScorer(
  d: number,
  mean: Float64Array,
  scale: Float64Array,
  featureNames: readonly string[],
  reconstruct: (z: Float64Array, out: Float64Array) => void,
): (X: DesignMatrixInput) => GapScores {
  return (Xin: DesignMatrixInput): GapScores => {
    const ctx = 'InformationGapModel.score';
    const A = toMatrix(Xin, ctx, 'X');
    if (A.nCols !== d) throw new InvalidInputError(ctx, [{ path: 'X', message: `expected ${d} columns (as the fitted data), got ${A.nCols}` }]);
    const m = A.nRows;
    const gap = new Float64Array(m);
    const residuals = new Float64Array(m * d);
    const zz = new Float64Array(d);
    const rec = new Float64Array(d);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) zz[j] = (A.data[i * d + j] - mean[j]) / scale[j];
      reconstruct(zz, rec);
      let g = 0;
      for (let j = 0; j < d; j++) {
        const r = zz[j] - rec[j];
        residuals[i * d + j] = r;
        g += r * r;
      }
      gap[i] = Math.sqrt(g);
    }
    return Object.freeze({ gap, residuals, nRows: m, featureNames });
  };
}

function makeThreshold(trainingGaps: Float64Array): (q?: number) => number {
  return (q = 0.99): number => {
    if (!(q >= 0 && q <= 1)) throw new InvalidInputError('InformationGapModel.threshold', [{ path: 'q', message: `expected a number in [0, 1], got ${show(q)}` }]);
    return quantileSorted(trainingGaps, q);
  };
}

interface AutoencoderSettings {
  readonly k: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

/**
 * Trains the d → h (tanh) → k → h (tanh) → d autoencoder on the standardised rows with Adam.
 * Weights live in one Float64Array per layer (row-major `in × out`); gradients are accumulated
 * over a batch without allocation.
 */
function fitAutoencoder(
  data: Float64Array,
  n: number,
  d: number,
  mean: Float64Array,
  scale: Float64Array,
  featureNames: readonly string[],
  st: AutoencoderSettings,
): AutoencoderGapModel {
  const { k, hidden: h, epochs, batchSize, learningRate: lr } = st;
  const rng = createRandom(st.seed);
  const Z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z[i * d + j] = (data[i * d + j] - mean[j]) / scale[j];
  const shapes: readonly (readonly [number, number])[] = [
    [d, h],
    [h, k],
    [k, h],
    [h, d],
  ];
  const W = shapes.map(([a, b]) => {
    const lim = Math.sqrt(6 / (a + b));
    const w = new Float64Array(a * b);
    for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-lim, lim);
    return w;
  });
  const B = shapes.map(([, b]) => new Float64Array(b));
  const params = [...W, ...B];
  const gW = shapes.map(([a, b]) => new Float64Array(a * b));
  const gB = shapes.map(([, b]) => new Float64Array(b));
  const grads = [...gW, ...gB];
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const net = makeNetwork(W, B, d, h, k);
  const { forward, a1, a2, a3, out } = net;
  const [, W1, W2, W3] = W;
  const d1 = new Float64Array(h);
  const d2 = new Float64Array(k);
  const d3 = new Float64Array(h);
  const d4 = new Float64Array(d);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const loss = new Float64Array(epochs);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let sse = 0;
    for (let s0 = 0; s0 < n; s0 += batchSize) {
      const s1 = Math.min(n, s0 + batchSize);
      const norm = 2 / (d * (s1 - s0));
      for (const g of grads) g.fill(0);
      for (let s = s0; s < s1; s++) {
        const o = order[s] * d;
        forward(Z, o);
        for (let j = 0; j < d; j++) {
          const e = out[j] - Z[o + j];
          sse += e * e;
          d4[j] = norm * e;
          gB[3][j] += d4[j];
        }
        for (let i = 0; i < h; i++) {
          let acc = 0;
          for (let j = 0; j < d; j++) {
            gW[3][i * d + j] += a3[i] * d4[j];
            acc += W3[i * d + j] * d4[j];
          }
          d3[i] = acc * (1 - a3[i] * a3[i]);
          gB[2][i] += d3[i];
        }
        for (let i = 0; i < k; i++) {
          let acc = 0;
          for (let j = 0; j < h; j++) {
            gW[2][i * h + j] += a2[i] * d3[j];
            acc += W2[i * h + j] * d3[j];
          }
          d2[i] = acc;
          gB[1][i] += d2[i];
        }
        for (let i = 0; i < h; i++) {
          let acc = 0;
          for (let j = 0; j < k; j++) {
            gW[1][i * k + j] += a1[i] * d2[j];
            acc += W1[i * k + j] * d2[j];
          }
          d1[i] = acc * (1 - a1[i] * a1[i]);
          gB[0][i] += d1[i];
        }
        for (let i = 0; i < d; i++) {
          const zi = Z[o + i];
          for (let j = 0; j < h; j++) gW[0][i * h + j] += zi * d1[j];
        }
      }
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      for (let q = 0; q < params.length; q++) {
        const p = params[q];
        const g = grads[q];
        const mm = m1[q];
        const vv = m2[q];
        for (let i = 0; i < p.length; i++) {
          mm[i] = beta1 * mm[i] + (1 - beta1) * g[i];
          vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
          p[i] -= (lr * (mm[i] / c1)) / (Math.sqrt(vv[i] / c2) + 1e-8);
        }
      }
    }
    loss[ep] = sse / (n * d);
  }
  const trainingGaps = makeScorer(d, mean, scale, featureNames, (zz, rec) => {
    forward(zz, 0);
    rec.set(out);
  })({ data, nRows: n, nCols: d }).gap.sort();
  return assembleAutoencoder({ featureNames, mean, scale, k, h, W, B, loss, trainingGaps });
}

/** Forward pass of the d → h → k → h → d network over shared activation buffers. */
function makeNetwork(
  W: readonly Float64Array[],
  B: readonly Float64Array[],
  d: number,
  h: number,
  k: number,
): { forward: (z: Float64Array, o: number) => void; a1: Float64Array; a2: Float64Array; a3: Float64Array; out: Float64Array } {
  const [W0, W1, W2, W3] = W;
  const [B0, B1, B2, B3] = B;
  const a1 = new Float64Array(h);
  const a2 = new Float64Array(k);
  const a3 = new Float64Array(h);
  const out = new Float64Array(d);
  const forward = (z: Float64Array, o: number): void => {
    for (let j = 0; j < h; j++) {
      let s = B0[j];
      for (let i = 0; i < d; i++) s += z[o + i] * W0[i * h + j];
      a1[j] = Math.tanh(s);
    }
    for (let j = 0; j < k; j++) {
      let s = B1[j];
      for (let i = 0; i < h; i++) s += a1[i] * W1[i * k + j];
      a2[j] = s;
    }
    for (let j = 0; j < h; j++) {
      let s = B2[j];
      for (let i = 0; i < k; i++) s += a2[i] * W2[i * h + j];
      a3[j] = Math.tanh(s);
    }
    for (let j = 0; j < d; j++) {
      let s = B3[j];
      for (let i = 0; i < h; i++) s += a3[i] * W3[i * d + j];
      out[j] = s;
    }
  };
  return { forward, a1, a2, a3, out };
}

interface AutoencoderParts {
  readonly featureNames: readonly string[];
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly k: number;
  readonly h: number;
  readonly W: readonly Float64Array[];
  readonly B: readonly Float64Array[];
  readonly loss: Float64Array;
  readonly trainingGaps: Float64Array;
}

function assembleAutoencoder(p: AutoencoderParts): AutoencoderGapModel {
  const d = p.featureNames.length;
  const { forward, out } = makeNetwork(p.W, p.B, d, p.h, p.k);
  const score = makeScorer(d, p.mean, p.scale, p.featureNames, (zz, rec) => {
    forward(zz, 0);
    rec.set(out);
  });
  const toJSON = (): InformationGapJson => ({
    model: 'InformationGap',
    version: 1,
    method: 'autoencoder',
    featureNames: [...p.featureNames],
    components: p.k,
    mean: Array.from(p.mean),
    scale: Array.from(p.scale),
    trainingGaps: Array.from(p.trainingGaps),
    hidden: p.h,
    weights: p.W.map((w) => Array.from(w)),
    biases: p.B.map((b) => Array.from(b)),
    loss: Array.from(p.loss),
  });
  return Object.freeze({
    method: 'autoencoder' as const,
    featureNames: p.featureNames,
    nFeatures: d,
    components: p.k,
    hidden: p.h,
    mean: p.mean,
    scale: p.scale,
    loss: p.loss,
    trainingGaps: p.trainingGaps,
    score,
    threshold: makeThreshold(p.trainingGaps),
    toJSON,
  });
}

interface PcaParts {
  readonly featureNames: readonly string[];
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly k: number;
  readonly loadings: Float64Array;
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
  readonly trainingGaps: Float64Array | undefined;
}

function assemblePca(p: PcaParts, training?: DesignMatrixInput): PcaGapModel {
  const d = p.featureNames.length;
  const { k, loadings } = p;
  const score = makeScorer(d, p.mean, p.scale, p.featureNames, (zz, rec) => {
    rec.fill(0);
    for (let c = 0; c < k; c++) {
      let proj = 0;
      for (let j = 0; j < d; j++) proj += loadings[c * d + j] * zz[j];
      for (let j = 0; j < d; j++) rec[j] += proj * loadings[c * d + j];
    }
  });
  const trainingGaps = p.trainingGaps ?? (training === undefined ? new Float64Array(0) : score(training).gap.sort());
  const toJSON = (): InformationGapJson => ({
    model: 'InformationGap',
    version: 1,
    method: 'pca',
    featureNames: [...p.featureNames],
    components: k,
    mean: Array.from(p.mean),
    scale: Array.from(p.scale),
    trainingGaps: Array.from(trainingGaps),
    loadings: Array.from(loadings),
    explainedVariance: Array.from(p.explainedVariance),
    explainedVarianceRatio: Array.from(p.explainedVarianceRatio),
  });
  return Object.freeze({
    method: 'pca' as const,
    featureNames: p.featureNames,
    nFeatures: d,
    components: k,
    mean: p.mean,
    scale: p.scale,
    loadings,
    explainedVariance: p.explainedVariance,
    explainedVarianceRatio: p.explainedVarianceRatio,
    trainingGaps,
    score,
    threshold: makeThreshold(trainingGaps),
    toJSON,
  });
}

/**
 * The JSON form of a fitted information-gap model (format version 1). PCA models carry
 * `loadings` and the explained variances; autoencoder models `hidden`, `weights` and `biases`
 * (the four layers, row-major `in × out`) and `loss`.
 */
export interface InformationGapJson {
  readonly model: 'InformationGap';
  readonly version: 1;
  readonly method: 'pca' | 'autoencoder';
  readonly featureNames: readonly string[];
  readonly components: number;
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly trainingGaps: readonly number[];
  readonly loadings?: readonly number[];
  readonly explainedVariance?: readonly number[];
  readonly explainedVarianceRatio?: readonly number[];
  readonly hidden?: number;
  readonly weights?: readonly (readonly number[])[];
  readonly biases?: readonly (readonly number[])[];
  readonly loss?: readonly number[];
}

/**
 * Restores an information-gap model from its `toJSON()` form (after `JSON.parse`), exactly.
 *
 * @throws {@link InvalidInputError} (paths under `json`) for anything that is not a version-1
 * model with arrays of the right lengths.
 *
 * @example
 * ```ts
 * import { fitInformationGap, informationGapFromJSON } from 'clmkit/models';
 * const X = [[2, 40, 3], [4, 85, 7], [6, 118, 10], [3, 61, 5], [9, 30, 3]];
 * const model = fitInformationGap(X, { components: 1 });
 * const back = informationGapFromJSON(JSON.parse(JSON.stringify(model)));
 * console.log(back.score(X).gap[4] === model.score(X).gap[4]); // true
 * ```
 */
export function informationGapFromJSON(json: unknown): PcaGapModel | AutoencoderGapModel {
  const context = 'informationGapFromJSON';
  const fail = (path: string, message: string): never => {
    throw new InvalidInputError(context, [{ path: `json${path}`, message }]);
  };
  if (typeof json !== 'object' || json === null) return fail('', `expected the object written by toJSON(), got ${show(json)}`);
  const j = json as Partial<Record<keyof InformationGapJson, unknown>>;
  if (j.model !== 'InformationGap') fail('.model', `expected 'InformationGap', got ${show(j.model)}`);
  if (j.version !== 1) fail('.version', `expected 1, got ${show(j.version)}`);
  if (!Array.isArray(j.featureNames) || j.featureNames.length === 0 || !j.featureNames.every((x) => typeof x === 'string')) {
    return fail('.featureNames', 'expected a non-empty array of strings');
  }
  const featureNames = Object.freeze([...(j.featureNames)]);
  const d = featureNames.length;
  const vec = (v: unknown, path: string, length?: number): Float64Array => {
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) return fail(path, `expected ${length ?? 'an array of'} numbers`);
    return Float64Array.from(v as unknown[], (x, i) => (typeof x === 'number' ? x : fail(`${path}[${i}]`, `expected a number, got ${show(x)}`)));
  };
  const int = (v: unknown, path: string, max: number): number =>
    typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max ? v : fail(path, `expected an integer in [1, ${max}], got ${show(v)}`);
  const mean = vec(j.mean, '.mean', d);
  const scale = vec(j.scale, '.scale', d);
  const trainingGaps = vec(j.trainingGaps, '.trainingGaps');
  if (j.method === 'pca') {
    const k = int(j.components, '.components', d);
    return assemblePca({
      featureNames,
      mean,
      scale,
      k,
      loadings: vec(j.loadings, '.loadings', d * d),
      explainedVariance: vec(j.explainedVariance, '.explainedVariance', d),
      explainedVarianceRatio: vec(j.explainedVarianceRatio, '.explainedVarianceRatio', d),
      trainingGaps,
    });
  }
  if (j.method !== 'autoencoder') return fail('.method', `expected 'pca' or 'autoencoder', got ${show(j.method)}`);
  const k = int(j.components, '.components', d);
  const h = int(j.hidden, '.hidden', 1 << 20);
  const shapes = [d * h, h * k, k * h, h * d];
  const bias = [h, k, h, d];
  if (!Array.isArray(j.weights) || j.weights.length !== 4) return fail('.weights', 'expected 4 weight arrays');
  if (!Array.isArray(j.biases) || j.biases.length !== 4) return fail('.biases', 'expected 4 bias arrays');
  const wArr = j.weights as unknown[];
  const bArr = j.biases as unknown[];
  const W = shapes.map((len, l) => vec(wArr[l], `.weights[${l}]`, len));
  const B = bias.map((len, l) => vec(bArr[l], `.biases[${l}]`, len));
  return assembleAutoencoder({ featureNames, mean, scale, k, h, W, B, loss: vec(j.loss, '.loss'), trainingGaps });
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
  const t: unknown = (holdout as Partial<HoldoutPurchases> | null | undefined)?.duration;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
    throw new InvalidInputError(context, [{ path: 'holdout.duration', message: `expected a finite number > 0, got ${show(t)}` }]);
  }
  const isColumn = (v: unknown): v is ArrayLike<number> => Array.isArray(v) || ArrayBuffer.isView(v);
  for (const key of ['frequency', 'recency', 'T'] as const) {
    const col: unknown = (calibration as Partial<PurchaseHistoryColumns> | null | undefined)?.[key];
    if (!isColumn(col)) throw new InvalidInputError(context, [{ path: `calibration.${key}`, message: `expected an array of numbers, got ${show(col)}` }]);
  }
  const obsRaw: unknown = (holdout as Partial<HoldoutPurchases> | null | undefined)?.frequency;
  if (!isColumn(obsRaw)) throw new InvalidInputError(context, [{ path: 'holdout.frequency', message: `expected an array of counts, got ${show(obsRaw)}` }]);
  const obs = obsRaw;
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
