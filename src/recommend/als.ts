/**
 * Implicit-feedback matrix factorisation by alternating least squares (ALS), with the
 * conjugate-gradient inner solver.
 *
 * ## Model
 *
 * Y. Hu, Y. Koren and C. Volinsky, "Collaborative Filtering for Implicit Feedback Datasets",
 * ICDM 2008. Each stored interaction value r_ui ≥ 0 (a count, a spend, 1 for "bought") gives a
 * preference p_ui = 1 when r_ui > 0 (else 0) and a confidence c_ui = 1 + α·r_ui; every user–item
 * pair **not** in the data has p_ui = 0 and c_ui = 1. User factors x_u and item factors y_i
 * (length f each) minimise
 *
 *     L(X, Y) = Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)
 *
 * with the sum over **all** users × items. ALS alternates: all x_u with Y fixed, then all y_i
 * with X fixed. For fixed Y the optimal x_u solves the f × f system
 *
 *     (YᵀY + Yᵀ(C_u − I)Y + λI) x_u = Yᵀ C_u p_u,
 *
 * where YᵀY is shared by every user (computed once per half-iteration) and C_u − I is non-zero
 * only on u's own items (the "YᵀY trick" of Hu et al., §4), and symmetrically for items.
 *
 * ## Conjugate-gradient solver
 *
 * G. Takács, I. Pilászy and D. Tikk, "Applications of the conjugate gradient method for implicit
 * feedback collaborative filtering", RecSys 2011; implemented as in Ben Frederickson's `implicit`
 * library (`_solve_cg`): instead of an exact O(f³) solve, each x_u is improved by `cgSteps` steps
 * of the conjugate-gradient method on the system above, **warm-started** from its current value.
 * The matrix is never formed: A·v = (YᵀY + λI)v + Σ_{i ∈ I_u} (c_ui − 1)(y_iᵀv) y_i. A solve stops
 * early when the squared residual norm falls below 1e-20 (or the curvature pᵀAp is not positive).
 * With `cgSteps ≥ factors` CG reaches the exact solution in exact arithmetic (in practice, to
 * rounding), so every half-step is the exact block minimiser and the objective cannot increase.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, NotEnoughDataError } from '../errors.js';
import { createRandom } from '../math/random.js';
import { parseOptions, show } from '../validate.js';
import type { Neighbor } from './knn.js';
import { entityKey, interactionMatrix, type InteractionMatrix } from './sparse.js';
import { TopList } from './topList.js';
import type { EntityId, InteractionInput, Recommendation, Recommender, RecommendOptions } from './types.js';

/** Options of {@link fitAls}. */
export interface AlsOptions {
  /** Latent factors per user and per item, f (an integer ≥ 1). @defaultValue 64 */
  factors?: number;
  /** λ, the L2 penalty on every user and item factor vector (≥ 0). @defaultValue 0.01 */
  regularization?: number;
  /**
   * α in the confidence c_ui = 1 + α·r_ui (≥ 0). The default is that of the `implicit` library
   * (≥ 0.5); Hu et al. used 40 on TV watching times, which on 1–5 star ratings (MovieLens 100K)
   * ranks worse than popularity. @defaultValue 1
   */
  alpha?: number;
  /** ALS iterations (an integer ≥ 1); one iteration = a user half-step then an item half-step. @defaultValue 15 */
  iterations?: number;
  /** Seed of the initial factors (any finite number). @defaultValue 0 */
  seed?: number;
  /** Conjugate-gradient steps per user/item solve (an integer ≥ 1). @defaultValue 3 */
  cgSteps?: number;
  /**
   * Several rows for the same user–item pair: passed to {@link interactionMatrix}.
   * @defaultValue `'sum'`
   */
  duplicates?: 'sum' | 'max' | 'error';
}

/** A fitted implicit-feedback ALS recommender (see {@link fitAls}). */
export interface AlsRecommender extends Recommender {
  readonly kind: 'als';
  /** f, the number of latent factors. */
  readonly factors: number;
  /** Training user ids (as strings) in factor-row order (first appearance in the input). */
  readonly users: readonly string[];
  /** Training item ids (as strings) in factor-row order (first appearance in the input). */
  readonly items: readonly string[];
  /** Iterations performed (= `options.iterations`). */
  readonly iterations: number;
  /**
   * The objective L(X, Y) (see {@link fitAls}) after each iteration, regularisation included;
   * `loss.length === iterations`.
   */
  readonly loss: readonly number[];
  /**
   * A **copy** of the user factors: with an id, that user's vector x_u (length f); without, the
   * whole users × f matrix, row-major in the order of `users`. Throws {@link InvalidInputError}
   * for an unknown user.
   */
  userFactors(userId?: EntityId): Float64Array;
  /** A **copy** of the item factors: y_i (length f) for an id, or the items × f matrix row-major. */
  itemFactors(itemId?: EntityId): Float64Array;
  /**
   * The `n` items (default 10) with the largest cosine between their factor vectors and this
   * item's, the item itself excluded, best first (ties → earlier item). Unlike kNN neighbours,
   * the similarity may be 0 or negative (a zero vector has cosine 0 with everything).
   */
  similarItems(itemId: EntityId, options?: { n?: number }): Neighbor[];
}

const alsSchema = z.strictObject({
  factors: z.optional(z.int().check(z.minimum(1))),
  regularization: z.optional(z.number().check(z.minimum(0))),
  alpha: z.optional(z.number().check(z.minimum(0))),
  iterations: z.optional(z.int().check(z.minimum(1))),
  seed: z.optional(z.number()),
  cgSteps: z.optional(z.int().check(z.minimum(1))),
  duplicates: z.optional(z.enum(['sum', 'max', 'error'])),
});
const idSchema = z.union([z.string(), z.number()]);
const recommendSchema = z.strictObject({
  n: z.optional(z.int().check(z.minimum(1))),
  excludeSeen: z.optional(z.boolean()),
  candidates: z.optional(z.array(idSchema)),
});
const recommendAllSchema = z.strictObject({
  n: z.optional(z.int().check(z.minimum(1))),
  excludeSeen: z.optional(z.boolean()),
});
const similarSchema = z.strictObject({ n: z.optional(z.int().check(z.minimum(1))) });

// ------------------------------------------------------------------------------------- kernels

/** a[ao .. ao+f) · b[bo .. bo+f), four accumulators. */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < f; k += 4) {
    s0 += a[ao + k] * b[bo + k];
    s1 += a[ao + k + 1] * b[bo + k + 1];
    s2 += a[ao + k + 2] * b[bo + k + 2];
    s3 += a[ao + k + 3] * b[bo + k + 3];
  }
  for (; k < f; k++) s0 += a[ao + k] * b[bo + k];
  return s0 + s1 + (s2 + s3);
}

/** G = MᵀM (f × f, full, row-major) for M with n rows of length f. */
function gram(M: Float64Array, n: number, f: number, G: Float64Array): void {
  G.fill(0);
  let r = 0;
  // Four rows at a time: each entry of the upper triangle is loaded and stored once per four rows.
  for (; r + 3 < n; r += 4) {
    const o0 = r * f;
    const o1 = o0 + f;
    const o2 = o1 + f;
    const o3 = o2 + f;
    for (let a = 0; a < f; a++) {
      const m0 = M[o0 + a];
      const m1 = M[o1 + a];
      const m2 = M[o2 + a];
      const m3 = M[o3 + a];
      const ga = a * f;
      for (let b = a; b < f; b++) G[ga + b] += m0 * M[o0 + b] + m1 * M[o1 + b] + m2 * M[o2 + b] + m3 * M[o3 + b];
    }
  }
  for (; r < n; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const ma = M[o + a];
      const ga = a * f;
      for (let b = a; b < f; b++) G[ga + b] += ma * M[o + b];
    }
  }
  for (let a = 0; a < f; a++) for (let b = a + 1; b < f; b++) G[b * f + a] = G[a * f + b]!;
}

/** out = sign · G v (G f × f row-major, v = src[so .. so+f)). */
function matvec(G: Float64Array, src: Float64Array, so: number, out: Float64Array, f: number, sign: number): void {
  let a = 0;
  // Four rows at a time: each src entry is loaded once per four products.
  for (; a + 3 < f; a += 4) {
    const g0 = a * f;
    const g1 = g0 + f;
    const g2 = g1 + f;
    const g3 = g2 + f;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < f; k++) {
      const v = src[so + k];
      s0 += G[g0 + k] * v;
      s1 += G[g1 + k] * v;
      s2 += G[g2 + k] * v;
      s3 += G[g3 + k] * v;
    }
    out[a] = sign * s0;
    out[a + 1] = sign * s1;
    out[a + 2] = sign * s2;
    out[a + 3] = sign * s3;
  }
  for (; a < f; a++) out[a] = sign * dot(G, a * f, src, so, f);
}

/**
 * out += Σ_{q0 ≤ q < q1} (sign · α r · (y·v) + b · c p) · y, with y = row idx[q] of `Y` (offset
 * `vo` into `v`), r = val[q], c = 1 + α r, p = [r > 0]: with sign = 1, b = 0 the sparse part of
 * A·v; with sign = −1, b = 1 the sparse part of b − A·x.
 */
function sparseProduct(Y: Float64Array, idx: Int32Array, val: Float64Array, q0: number, q1: number, alpha: number, v: Float64Array, vo: number, out: Float64Array, f: number, sign: number, b: number): void {
  let q = q0;
  // Two rows at a time: two independent memory streams keep more loads in flight.
  for (; q + 1 < q1; q += 2) {
    const ra = val[q];
    const rb = val[q + 1];
    const ya = idx[q] * f;
    const yb = idx[q + 1] * f;
    let sa = 0;
    let sb = 0;
    for (let k = 0; k < f; k++) {
      const vk = v[vo + k];
      sa += Y[ya + k] * vk;
      sb += Y[yb + k] * vk;
    }
    const ta = sign * alpha * ra * sa + (ra > 0 ? b * (1 + alpha * ra) : 0);
    const tb = sign * alpha * rb * sb + (rb > 0 ? b * (1 + alpha * rb) : 0);
    for (let k = 0; k < f; k++) out[k] += ta * Y[ya + k] + tb * Y[yb + k];
  }
  if (q < q1) {
    const yo = idx[q] * f;
    const r = val[q];
    const t = sign * alpha * r * dot(Y, yo, v, vo, f) + (r > 0 ? b * (1 + alpha * r) : 0);
    for (let k = 0; k < f; k++) out[k] += t * Y[yo + k];
  }
}

/** Scratch vectors and the Gram matrix, allocated once per fit. */
interface Scratch {
  /** YᵀY + λI of the half-step being run. */
  readonly G: Float64Array;
  /** XᵀX and YᵀY of the current factors (each kept for the next half-step and the loss). */
  readonly GX: Float64Array;
  readonly GY: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly Ap: Float64Array;
}

/**
 * One ALS half-step: updates every row of `X` (n rows) with `Y` fixed, by `cgSteps` CG steps on
 * (YᵀY + λI + Σ_{obs} (c − 1) y yᵀ) x = Σ_{obs} c p y, warm-started from the current row.
 * `gramY` = YᵀY of the current `Y`.
 */
function halfStep(
  X: Float64Array,
  nX: number,
  Y: Float64Array,
  gramY: Float64Array,
  ptr: Int32Array,
  idx: Int32Array,
  val: Float64Array,
  f: number,
  lambda: number,
  alpha: number,
  cgSteps: number,
  s: Scratch,
): void {
  const { G, r, p, Ap } = s;
  G.set(gramY);
  for (let a = 0; a < f; a++) G[a * f + a] += lambda;
  for (let u = 0; u < nX; u++) {
    const xo = u * f;
    const q0 = ptr[u];
    const q1 = ptr[u + 1];
    // r = b − A x
    matvec(G, X, xo, r, f, -1);
    sparseProduct(Y, idx, val, q0, q1, alpha, X, xo, r, f, -1, 1);
    p.set(r);
    let rsold = dot(r, 0, r, 0, f);
    if (rsold < 1e-20) continue;
    for (let step = 0; step < cgSteps; step++) {
      matvec(G, p, 0, Ap, f, 1);
      sparseProduct(Y, idx, val, q0, q1, alpha, p, 0, Ap, f, 1, 0);
      const pAp = dot(p, 0, Ap, 0, f);
      if (!(pAp > 0)) break;
      const a = rsold / pAp;
      for (let k = 0; k < f; k++) {
        X[xo + k] += a * p[k];
        r[k] -= a * Ap[k];
      }
      const rsnew = dot(r, 0, r, 0, f);
      if (rsnew < 1e-20) break;
      const beta = rsnew / rsold;
      for (let k = 0; k < f; k++) p[k] = r[k] + beta * p[k];
      rsold = rsnew;
    }
  }
}

/**
 * L(X, Y) exactly: Σ over all pairs of (x·y)² = trace(XᵀX · YᵀY) = Σ_ab (XᵀX)_ab (YᵀY)_ab, plus
 * c(p − s)² − s² on each stored entry (s = x_u·y_i), plus λ(‖X‖² + ‖Y‖²) = λ(tr XᵀX + tr YᵀY).
 * `s.GX`, `s.GY` must hold XᵀX and YᵀY.
 */
function objective(m: InteractionMatrix, X: Float64Array, Y: Float64Array, f: number, lambda: number, alpha: number, s: Scratch): number {
  const G = s.GX;
  const G2 = s.GY;
  let all = 0;
  for (let k = 0; k < f * f; k++) all += G[k] * G2[k];
  let corr = 0;
  for (let u = 0; u < m.users.length; u++) {
    const xo = u * f;
    for (let q = m.rowPtr[u]; q < m.rowPtr[u + 1]; q++) {
      const v = m.values[q];
      const sc = dot(X, xo, Y, m.colIdx[q] * f, f);
      const e = (v > 0 ? 1 : 0) - sc;
      corr += (1 + alpha * v) * e * e - sc * sc;
    }
  }
  let trace = 0;
  for (let a = 0; a < f; a++) trace += G[a * f + a] + G2[a * f + a];
  return all + corr + lambda * trace;
}


function lookup(index: ReadonlyMap<string, number>, id: unknown, path: string, context: string, what: string): number {
  const key = typeof id === 'string' || typeof id === 'number' ? entityKey(id) : undefined;
  const i = key === undefined ? undefined : index.get(key);
  if (i === undefined) {
    throw new InvalidInputError(context, [{ path, message: `unknown ${what} ${show(id)}: not in the training interactions` }]);
  }
  return i;
}

// ------------------------------------------------------------------------------------------ fit

/**
 * Fits implicit-feedback matrix factorisation by alternating least squares (Hu, Koren & Volinsky
 * 2008), each user/item solve done by `cgSteps` warm-started conjugate-gradient steps (Takács,
 * Pilászy & Tikk 2011) as in the `implicit` library. See the module documentation for the model.
 *
 * - **Data.** Interactions go through {@link interactionMatrix} (duplicates summed by default);
 *   values must be ≥ 0 (r = 0 stored is the same as absent: p = 0, c = 1).
 * - **Initialisation.** One generator `createRandom(seed)`; X (users × f, row-major, users in
 *   first-appearance order) is filled first, then Y (items × f), each entry `0.01 · normal()`.
 * - **Iteration.** Users are solved first (with YᵀY + λI formed once), then items (with XᵀX + λI
 *   formed once); no allocation happens per user or item.
 * - **Loss.** After each iteration L(X, Y) is computed exactly over **all** users × items, without
 *   touching the unobserved pairs: Σ_{u,i} (x_uᵀy_i)² = trace(XᵀX · YᵀY), then each stored entry
 *   adds c(p − s)² − s², then λ(‖X‖² + ‖Y‖²). With `cgSteps ≥ factors` it is non-increasing.
 * - **Recommending.** score(u, i) = x_uᵀ y_i; the user's own items are dropped unless
 *   `excludeSeen: false`; ties → earlier item; candidates not in the training data are ignored.
 *   A user never seen gets the popularity list (distinct users per item), flagged `coldStart`.
 *
 * Cost per iteration: O((users + items)·f²) for the Gram matrices and the CG products with them,
 * plus O(nnz · f · cgSteps) for the sparse corrections; memory O((users + items)·f + f²).
 *
 * @throws {@link InvalidInputError} for bad interactions (including negative values) or options
 *   (naming `options.<field>`); {@link NotEnoughDataError} when there is no interaction.
 *
 * @example
 * ```ts
 * import { fitAls } from 'clmkit';
 * const rows = [];
 * for (const u of ['ann', 'bob', 'cy']) for (const i of ['tent', 'stove', 'mug']) rows.push({ userId: u, itemId: i });
 * for (const u of ['dan', 'eve', 'fay']) for (const i of ['novel', 'poems', 'atlas']) rows.push({ userId: u, itemId: i });
 * rows.push({ userId: 'gus', itemId: 'tent' }, { userId: 'gus', itemId: 'stove' });
 * const als = fitAls(rows, { factors: 4, iterations: 10, seed: 1 });
 * console.log(als.recommend('gus', { n: 1 }).map((r) => r.itemId)); // [ 'mug' ]
 * console.log(als.similarItems('novel', { n: 2 }).map((s) => s.id).sort()); // [ 'atlas', 'poems' ]
 * console.log(als.loss.length, als.userFactors('gus').length); // 10 4
 * console.log(als.recommend('zoe', { n: 1 })); // [ { itemId: 'tent', score: 4, coldStart: true } ]
 * ```
 */
export function fitAls(interactions: InteractionInput, options?: AlsOptions): AlsRecommender {
  const o = parseOptions(alsSchema, options, 'fitAls');
  const f = o.factors ?? 64;
  const lambda = o.regularization ?? 0.01;
  const alpha = o.alpha ?? 1;
  const iterations = o.iterations ?? 15;
  const seed = o.seed ?? 0;
  const cgSteps = o.cgSteps ?? 3;
  const m = interactionMatrix(interactions, o.duplicates === undefined ? {} : { duplicates: o.duplicates });
  if (m.nnz === 0) throw new NotEnoughDataError('fitAls needs at least one interaction', 1, 0);
  const negative: { path: string; message: string }[] = [];
  for (let u = 0; u < m.users.length; u++) {
    for (let q = m.rowPtr[u]; q < m.rowPtr[u + 1]; q++) {
      if (m.values[q] < 0) {
        negative.push({ path: 'value', message: `user ${show(m.users[u])}, item ${show(m.items[m.colIdx[q]])}: implicit feedback must be ≥ 0, got ${show(m.values[q])}` });
      }
    }
  }
  if (negative.length > 0) throw new InvalidInputError('fitAls', negative);

  const nu = m.users.length;
  const ni = m.items.length;
  const rng = createRandom(seed);
  const X = new Float64Array(nu * f);
  const Y = new Float64Array(ni * f);
  for (let k = 0; k < X.length; k++) X[k] = 0.01 * rng.normal();
  for (let k = 0; k < Y.length; k++) Y[k] = 0.01 * rng.normal();
  const scratch: Scratch = {
    G: new Float64Array(f * f),
    GX: new Float64Array(f * f),
    GY: new Float64Array(f * f),
    r: new Float64Array(f),
    p: new Float64Array(f),
    Ap: new Float64Array(f),
  };
  const loss: number[] = [];
  // Each Gram matrix is formed once per iteration: YᵀY after the item half-step serves the loss
  // and the next user half-step, XᵀX after the user half-step the item half-step and the loss.
  gram(Y, ni, f, scratch.GY);
  for (let it = 0; it < iterations; it++) {
    halfStep(X, nu, Y, scratch.GY, m.rowPtr, m.colIdx, m.values, f, lambda, alpha, cgSteps, scratch);
    gram(X, nu, f, scratch.GX);
    halfStep(Y, ni, X, scratch.GX, m.colPtr, m.rowIdx, m.colValues, f, lambda, alpha, cgSteps, scratch);
    gram(Y, ni, f, scratch.GY);
    loss.push(objective(m, X, Y, f, lambda, alpha, scratch));
  }
  return alsRecommender(m, X, Y, f, iterations, loss);
}

function alsRecommender(m: InteractionMatrix, X: Float64Array, Y: Float64Array, f: number, iterations: number, loss: readonly number[]): AlsRecommender {
  const ni = m.items.length;
  const count = new Int32Array(ni);
  for (let i = 0; i < ni; i++) count[i] = m.colPtr[i + 1] - m.colPtr[i];
  const popOrder = Int32Array.from(Array.from({ length: ni }, (_, i) => i).sort((a, b) => count[b] - count[a] || a - b));
  const blocked = new Uint8Array(ni);
  const norms = new Float64Array(ni);
  for (let i = 0; i < ni; i++) norms[i] = Math.sqrt(dot(Y, i * f, Y, i * f, f));

  /** Sets `blocked` for the given user (undefined = cold start) and candidate list. */
  const block = (u: number | undefined, excludeSeen: boolean, candidates: readonly EntityId[] | undefined): void => {
    if (candidates !== undefined) {
      blocked.fill(1);
      for (const c of candidates) {
        const key = entityKey(c);
        const i = key === undefined ? undefined : m.itemIndex.get(key);
        if (i !== undefined) blocked[i] = 0;
      }
    } else {
      blocked.fill(0);
    }
    if (u !== undefined && excludeSeen) {
      for (let q = m.rowPtr[u]; q < m.rowPtr[u + 1]; q++) blocked[m.colIdx[q]] = 1;
    }
  };

  const rank = (u: number, n: number): Recommendation[] => {
    const top = new TopList(Math.min(n, ni));
    const xo = u * f;
    for (let i = 0; i < ni; i++) if (blocked[i] === 0) top.push(i, dot(X, xo, Y, i * f, f));
    const out: Recommendation[] = [];
    for (let k = 0; k < top.size; k++) out.push({ itemId: m.items[top.idx[k]], score: top.score[k] });
    return out;
  };

  const coldList = (n: number): Recommendation[] => {
    const out: Recommendation[] = [];
    for (let p = 0; p < ni && out.length < n; p++) {
      const i = popOrder[p];
      if (blocked[i] === 0) out.push({ itemId: m.items[i], score: count[i], coldStart: true });
    }
    return out;
  };

  const recommend = (userId: EntityId, options?: RecommendOptions): Recommendation[] => {
    const o = parseOptions(recommendSchema, options, 'recommend');
    const key = typeof userId === 'string' || typeof userId === 'number' ? entityKey(userId) : undefined;
    const u = key === undefined ? undefined : m.userIndex.get(key);
    const n = o.n ?? 10;
    block(u, o.excludeSeen ?? true, o.candidates);
    return u === undefined ? coldList(n) : rank(u, n);
  };

  return {
    kind: 'als',
    factors: f,
    users: m.users,
    items: m.items,
    iterations,
    loss,
    recommend,
    recommendAll(options) {
      const o = parseOptions(recommendAllSchema, options, 'recommendAll');
      const n = o.n ?? 10;
      const out = new Map<string, Recommendation[]>();
      for (let u = 0; u < m.users.length; u++) {
        block(u, o.excludeSeen ?? true, undefined);
        out.set(m.users[u], rank(u, n));
      }
      return out;
    },
    userFactors(userId) {
      if (userId === undefined) return X.slice();
      const u = lookup(m.userIndex, userId, 'userId', 'userFactors', 'user');
      return X.slice(u * f, (u + 1) * f);
    },
    itemFactors(itemId) {
      if (itemId === undefined) return Y.slice();
      const i = lookup(m.itemIndex, itemId, 'itemId', 'itemFactors', 'item');
      return Y.slice(i * f, (i + 1) * f);
    },
    similarItems(itemId, options) {
      const o = parseOptions(similarSchema, options, 'similarItems');
      const j = lookup(m.itemIndex, itemId, 'itemId', 'similarItems', 'item');
      const top = new TopList(Math.max(1, Math.min(o.n ?? 10, ni - 1)));
      const nj = norms[j];
      for (let i = 0; i < ni; i++) {
        if (i === j) continue;
        const d = nj * norms[i];
        top.push(i, d > 0 ? dot(Y, j * f, Y, i * f, f) / d : 0);
      }
      const out: Neighbor[] = [];
      for (let k = 0; k < top.size; k++) out.push({ id: m.items[top.idx[k]], similarity: top.score[k] });
      return out;
    },
  };
}
