/**
 * Neighbourhood collaborative filtering (item-based and user-based kNN) and the popularity
 * baseline, on the sparse {@link InteractionMatrix}.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, NotEnoughDataError } from '../errors.js';
import { createRandom } from '../math/random.js';
import { parseOptions, show } from '../validate.js';
import { interactionMatrix, type InteractionMatrix } from './sparse.js';
import { TopList } from './topList.js';
import type { EntityId, InteractionInput, Recommendation, RecommendOptions, Recommender } from './types.js';

/**
 * How two items (or two users) are compared, over the users (items) that rated both — the
 * "co-raters". See {@link fitItemKnn} for the exact formulas.
 */
export type KnnSimilarity = 'cosine' | 'pearson' | 'adjusted-cosine' | 'jaccard';

/** Options of {@link fitPopularity}. */
export interface PopularityOptions {
  /**
   * Several rows for the same user–item pair: passed to {@link interactionMatrix}.
   * @defaultValue `'sum'`
   */
  duplicates?: 'sum' | 'max' | 'error';
}

/** Options of {@link fitItemKnn} and {@link fitUserKnn}. */
export interface KnnOptions {
  /** Similarity measure. @defaultValue `'cosine'` */
  similarity?: KnnSimilarity;
  /** Neighbours kept per item (user): the `k` most similar with a positive similarity. @defaultValue 50 */
  k?: number;
  /**
   * Shrinks a similarity computed on few co-raters: `s · n / (n + shrinkage)` with `n` the number
   * of co-raters. `0` leaves similarities unchanged.
   * @defaultValue 0
   */
  shrinkage?: number;
  /** Pairs with fewer co-raters than this get similarity 0. @defaultValue 1 */
  minSupport?: number;
  /**
   * Several rows for the same user–item pair: passed to {@link interactionMatrix}.
   * @defaultValue `'sum'`
   */
  duplicates?: 'sum' | 'max' | 'error';
}

/** One neighbour of an item (or of a user) and its similarity. */
export interface Neighbor {
  /** The neighbour's id (as a string). */
  readonly id: string;
  /** Its similarity: always in (0, 1], since only positive similarities are kept. */
  readonly similarity: number;
}

/** The popularity baseline: the same list for everyone, minus what they already have. */
export interface PopularityRecommender extends Recommender {
  readonly kind: 'popularity';
  /** Distinct users per item, keyed by item id, in item order (first appearance in the input). */
  popularity(): Map<string, number>;
}

/** Options of {@link fitRandom}. */
export interface RandomRecommenderOptions {
  /** Seed of the per-user draws (any finite number). @defaultValue 0 */
  seed?: number;
  /**
   * Several rows for the same user–item pair: passed to {@link interactionMatrix}.
   * @defaultValue `'sum'`
   */
  duplicates?: 'sum' | 'max' | 'error';
}

/** The random baseline: uniformly drawn items, the floor any recommender must beat. */
export interface RandomRecommender extends Recommender {
  readonly kind: 'random';
}

/** A fitted item-based kNN recommender. */
export interface ItemKnnRecommender extends Recommender {
  readonly kind: 'item-knn';
  /** The kept neighbours of an item, most similar first (ties → earlier item). @defaultValue n = 10 */
  similarItems(itemId: EntityId, options?: { n?: number }): Neighbor[];
  /** The similarity of two items before pruning to the top k (may be negative; 0 for an item with itself). */
  similarity(itemA: EntityId, itemB: EntityId): number;
  /** Predicted rating: Σ sim·r / Σ |sim| over the user's rated items among the item's kept neighbours; the item's mean rating when there are none. */
  predict(userId: EntityId, itemId: EntityId): number;
}

/** A fitted user-based kNN recommender. */
export interface UserKnnRecommender extends Recommender {
  readonly kind: 'user-knn';
  /** The kept neighbours of a user, most similar first (ties → earlier user). @defaultValue n = 10 */
  similarUsers(userId: EntityId, options?: { n?: number }): Neighbor[];
  /**
   * The `n` items (default 10) most similar to an item under the same measure, shrinkage and
   * minimum support, computed on demand over the item columns (as {@link fitItemKnn} would with
   * `k ≥ n`): positive similarities only, best first, ties → earlier item. User-kNN does not
   * use item similarities to recommend; this is for "more like this" lists.
   */
  similarItems(itemId: EntityId, options?: { n?: number }): Neighbor[];
  /** The similarity of two users before pruning to the top k (may be negative; 0 for a user with itself). */
  similarity(userA: EntityId, userB: EntityId): number;
  /** Predicted rating: Σ sim·r / Σ |sim| over the user's kept neighbours who rated the item; the item's mean rating when there are none. */
  predict(userId: EntityId, itemId: EntityId): number;
}

const duplicatesSchema = z.optional(z.enum(['sum', 'max', 'error']));
const popularitySchema = z.strictObject({ duplicates: duplicatesSchema });
const randomSchema = z.strictObject({
  seed: z.optional(z.number().check(z.refine((v) => Number.isFinite(v), { error: 'expected a finite number' }))),
  duplicates: duplicatesSchema,
});
const knnSchema = z.strictObject({
  similarity: z.optional(z.enum(['cosine', 'pearson', 'adjusted-cosine', 'jaccard'])),
  k: z.optional(z.int().check(z.minimum(1))),
  shrinkage: z.optional(z.number().check(z.minimum(0))),
  minSupport: z.optional(z.int().check(z.minimum(1))),
  duplicates: duplicatesSchema,
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

// ------------------------------------------------------------------------------------- helpers


function idKey(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function lookupId(index: ReadonlyMap<string, number>, id: unknown, path: string, context: string, what: string): number {
  const key = idKey(id);
  const i = key === undefined ? undefined : index.get(key);
  if (i === undefined) {
    throw new InvalidInputError(context, [{ path, message: `unknown ${what} ${show(id)}: not in the training interactions` }]);
  }
  return i;
}

function fitMatrix(interactions: InteractionInput, duplicates: 'sum' | 'max' | 'error' | undefined, context: string): InteractionMatrix {
  const m = interactionMatrix(interactions, duplicates === undefined ? {} : { duplicates });
  if (m.nnz === 0) throw new NotEnoughDataError(`${context} needs at least one interaction`, 1, 0);
  return m;
}

/** The popularity baseline shared by every recommender (cold start). */
class Popularity {
  readonly count: Int32Array;
  /** Item indices by count descending, ties → lower index. */
  readonly order: Int32Array;

  constructor(readonly m: InteractionMatrix) {
    const ni = m.items.length;
    this.count = new Int32Array(ni);
    for (let i = 0; i < ni; i++) this.count[i] = m.colPtr[i + 1] - m.colPtr[i];
    const order = Array.from({ length: ni }, (_, i) => i);
    const c = this.count;
    order.sort((a, b) => c[b] - c[a] || a - b);
    this.order = Int32Array.from(order);
  }

  /** Walks the popularity order, skipping items whose `blocked` entry is set. */
  list(n: number, blocked: Uint8Array | undefined, coldStart: boolean): Recommendation[] {
    const out: Recommendation[] = [];
    const { order, count } = this;
    const items = this.m.items;
    for (let p = 0; p < order.length && out.length < n; p++) {
      const i = order[p];
      if (blocked !== undefined && blocked[i] === 1) continue;
      out.push(coldStart ? { itemId: items[i], score: count[i], coldStart: true } : { itemId: items[i], score: count[i] });
    }
    return out;
  }
}

/** Per-call state of `recommend`: which items may not be returned. */
function blockedItems(m: InteractionMatrix, u: number | undefined, excludeSeen: boolean, candidates: readonly EntityId[] | undefined, buf: Uint8Array): Uint8Array | undefined {
  const dropSeen = u !== undefined && excludeSeen;
  if (!dropSeen && candidates === undefined) return undefined;
  if (candidates !== undefined) {
    buf.fill(1);
    for (const c of candidates) {
      const i = m.itemIndex.get(String(c));
      if (i !== undefined) buf[i] = 0;
    }
  } else {
    buf.fill(0);
  }
  if (dropSeen) {
    for (let p = m.rowPtr[u]; p < m.rowPtr[u + 1]; p++) buf[m.colIdx[p]] = 1;
  }
  return buf;
}

// ------------------------------------------------------------------------------------ popularity

/**
 * Fits the popularity baseline: an item's score is the number of distinct users with an
 * interaction on it (any stored entry counts, whatever its value). Ties go to the item that
 * appears first in the input. `recommend` leaves out the user's own items (unless
 * `excludeSeen: false`); a user never seen gets the same list with `coldStart: true` on each item.
 *
 * @throws {@link InvalidInputError} for bad interactions or options; {@link NotEnoughDataError}
 *   when there is no interaction.
 *
 * @example
 * ```ts
 * import { fitPopularity } from 'clmkit';
 * const pop = fitPopularity([
 *   { userId: 'ann', itemId: 'a' }, { userId: 'ann', itemId: 'b' },
 *   { userId: 'bob', itemId: 'b' }, { userId: 'cy', itemId: 'c' },
 * ]);
 * console.log(pop.popularity()); // Map(3) { 'a' => 1, 'b' => 2, 'c' => 1 }
 * console.log(pop.recommend('ann')); // [ { itemId: 'c', score: 1 } ]
 * console.log(pop.recommend('zoe', { n: 1 })); // [ { itemId: 'b', score: 2, coldStart: true } ]
 * ```
 */
export function fitPopularity(interactions: InteractionInput, options?: PopularityOptions): PopularityRecommender {
  const opts = parseOptions(popularitySchema, options, 'fitPopularity');
  const m = fitMatrix(interactions, opts.duplicates, 'fitPopularity');
  const pop = new Popularity(m);
  const buf = new Uint8Array(m.items.length);
  const rec = (u: number | undefined, n: number, excludeSeen: boolean, candidates: readonly EntityId[] | undefined): Recommendation[] =>
    pop.list(n, blockedItems(m, u, excludeSeen, candidates, buf), u === undefined);
  return {
    kind: 'popularity',
    popularity: () => new Map(m.items.map((id, i) => [id, pop.count[i]])),
    recommend(userId, options) {
      const o = parseOptions(recommendSchema, options, 'recommend');
      const key = idKey(userId);
      return rec(key === undefined ? undefined : m.userIndex.get(key), o.n ?? 10, o.excludeSeen ?? true, o.candidates);
    },
    recommendAll(options) {
      const o = parseOptions(recommendAllSchema, options, 'recommendAll');
      const out = new Map<string, Recommendation[]>();
      for (let u = 0; u < m.users.length; u++) out.set(m.users[u], rec(u, o.n ?? 10, o.excludeSeen ?? true, undefined));
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------- random

/**
 * Fits the random baseline: `recommend(user, { n })` returns `n` items drawn uniformly without
 * replacement from the training items the user may get (not their own unless
 * `excludeSeen: false`; only `candidates` when given), with scores n, n − 1, …, 1 in draw order.
 * The draws of a user depend only on `seed` and the user: at fit, one generator
 * `createRandom(seed)` gives each training user (in first-appearance order) a 32-bit seed with
 * `nextUint32()`, and each `recommend` call starts a fresh `createRandom(userSeed)`, so calls
 * repeat and the call order does not matter. Each draw is `int(number of allowed items)`, an
 * index into the allowed items in item order (first appearance), swapped out of the pool as in a
 * partial Fisher–Yates shuffle. A user never seen gets the popularity list, flagged `coldStart`.
 *
 * @throws {@link InvalidInputError} for bad interactions or options; {@link NotEnoughDataError}
 *   when there is no interaction.
 *
 * @example
 * ```ts
 * import { fitRandom } from 'clmkit';
 * const log = [
 *   { userId: 'ann', itemId: 'a' }, { userId: 'bob', itemId: 'b' }, { userId: 'bob', itemId: 'a' },
 *   { userId: 'cy', itemId: 'c' }, { userId: 'cy', itemId: 'd' },
 * ];
 * const rnd = fitRandom(log, { seed: 1 });
 * const list = rnd.recommend('ann', { n: 2 });
 * console.log(list.length, list.some((r) => r.itemId === 'a')); // 2 false
 * console.log(rnd.recommend('ann', { n: 2 }).map((r) => r.itemId).join() === list.map((r) => r.itemId).join()); // true
 * console.log(rnd.recommend('zoe', { n: 1 })); // [ { itemId: 'a', score: 2, coldStart: true } ]
 * ```
 */
export function fitRandom(interactions: InteractionInput, options?: RandomRecommenderOptions): RandomRecommender {
  const opts = parseOptions(randomSchema, options, 'fitRandom');
  const m = fitMatrix(interactions, opts.duplicates, 'fitRandom');
  const pop = new Popularity(m);
  const ni = m.items.length;
  const seeder = createRandom(opts.seed ?? 0);
  const userSeed = new Uint32Array(m.users.length);
  for (let u = 0; u < userSeed.length; u++) userSeed[u] = seeder.nextUint32();
  const buf = new Uint8Array(ni);
  const pool = new Int32Array(ni);
  const rec = (u: number | undefined, n: number, excludeSeen: boolean, candidates: readonly EntityId[] | undefined): Recommendation[] => {
    const blocked = blockedItems(m, u, excludeSeen, candidates, buf);
    if (u === undefined) return pop.list(n, blocked, true);
    let size = 0;
    for (let i = 0; i < ni; i++) if (blocked === undefined || blocked[i] === 0) pool[size++] = i;
    const take = Math.min(n, size);
    const rng = createRandom(userSeed[u]);
    const out: Recommendation[] = [];
    for (let t = 0; t < take; t++) {
      const j = t + rng.int(size - t);
      const item = pool[j];
      pool[j] = pool[t];
      pool[t] = item;
      out.push({ itemId: m.items[item], score: take - t });
    }
    return out;
  };
  return {
    kind: 'random',
    recommend(userId, options) {
      const o = parseOptions(recommendSchema, options, 'recommend');
      const key = idKey(userId);
      return rec(key === undefined ? undefined : m.userIndex.get(key), o.n ?? 10, o.excludeSeen ?? true, o.candidates);
    },
    recommendAll(options) {
      const o = parseOptions(recommendAllSchema, options, 'recommendAll');
      const out = new Map<string, Recommendation[]>();
      for (let u = 0; u < m.users.length; u++) out.set(m.users[u], rec(u, o.n ?? 10, o.excludeSeen ?? true, undefined));
      return out;
    },
  };
}

// ------------------------------------------------------------------------------ kNN similarities

/**
 * The two layouts of the matrix seen from the entities being compared ("a" = items for item-kNN)
 * and from the others ("o" = users for item-kNN).
 */
interface Side {
  readonly n: number;
  readonly aPtr: Int32Array;
  readonly aIdx: Int32Array;
  readonly aVal: Float64Array;
  readonly oPtr: Int32Array;
  readonly oIdx: Int32Array;
  readonly oVal: Float64Array;
}

/** Computes one entity's similarities to every other entity, sparse (only co-rated pairs). */
class SimRow {
  private readonly cnt: Float64Array;
  private readonly sxy: Float64Array;
  private readonly sx: Float64Array;
  private readonly sy: Float64Array;
  private readonly sxx: Float64Array;
  private readonly syy: Float64Array;
  private readonly norm: Float64Array;
  private readonly deg: Float64Array;
  /** Values used in the products: the raw ratings, or (adjusted-cosine) centred by the other side's mean. */
  private readonly aVal: Float64Array;
  private readonly oVal: Float64Array;
  /** For each entry p of an entity's list, the position of that entity in the other's list. */
  private cross: Int32Array | undefined;
  /** Touched entities of the last `compute`, and their similarity in `sim`. */
  readonly touched: Int32Array;
  readonly sim: Float64Array;
  count = 0;

  constructor(
    private readonly s: Side,
    private readonly kind: KnnSimilarity,
    private readonly shrinkage: number,
    private readonly minSupport: number,
  ) {
    const n = s.n;
    this.cnt = new Float64Array(n);
    this.sxy = new Float64Array(n);
    this.sx = new Float64Array(n);
    this.sy = new Float64Array(n);
    this.sxx = new Float64Array(n);
    this.syy = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.sim = new Float64Array(n);
    this.norm = new Float64Array(n);
    this.deg = new Float64Array(n);
    let aVal = s.aVal;
    let oVal = s.oVal;
    if (kind === 'adjusted-cosine') {
      // centre every rating by the mean of its "other" (the user's mean for item-kNN)
      const no = s.oPtr.length - 1;
      const mean = new Float64Array(no);
      for (let o = 0; o < no; o++) {
        let t = 0;
        for (let p = s.oPtr[o]; p < s.oPtr[o + 1]; p++) t += s.oVal[p];
        mean[o] = t / (s.oPtr[o + 1] - s.oPtr[o]);
      }
      oVal = new Float64Array(s.oVal.length);
      for (let o = 0; o < no; o++) for (let p = s.oPtr[o]; p < s.oPtr[o + 1]; p++) oVal[p] = s.oVal[p] - mean[o];
      aVal = new Float64Array(s.aVal.length);
      for (let a = 0; a < n; a++) for (let p = s.aPtr[a]; p < s.aPtr[a + 1]; p++) aVal[p] = s.aVal[p] - mean[s.aIdx[p]];
    }
    this.aVal = aVal;
    this.oVal = oVal;
    for (let a = 0; a < n; a++) {
      let t = 0;
      for (let p = s.aPtr[a]; p < s.aPtr[a + 1]; p++) t += s.aVal[p] * s.aVal[p];
      this.norm[a] = Math.sqrt(t);
      this.deg[a] = s.aPtr[a + 1] - s.aPtr[a];
    }
  }

  /** Builds `cross` on first use (entities ascend within each other's list, so a running fill works). */
  private crossPositions(): Int32Array {
    if (this.cross !== undefined) return this.cross;
    const { aPtr, aIdx, oPtr, n } = this.s;
    const cross = new Int32Array(aIdx.length);
    const fill = oPtr.slice(0, oPtr.length - 1);
    for (let a = 0; a < n; a++) for (let p = aPtr[a]; p < aPtr[a + 1]; p++) cross[p] = fill[aIdx[p]]++;
    this.cross = cross;
    return cross;
  }

  /**
   * Fills `touched[0..count)` with the entities sharing an "other" with `a`, and `sim` for them;
   * with `upper`, only the entities b > a (each pair once: every measure is symmetric).
   */
  compute(a: number, upper = false): void {
    const { aPtr, aIdx, oPtr, oIdx } = this.s;
    const { aVal, oVal, cnt, sxy, touched } = this;
    let count = 0;
    const full = this.kind === 'pearson' || this.kind === 'adjusted-cosine';
    const { sx, sy, sxx, syy } = this;
    const cross = upper ? this.crossPositions() : undefined;
    for (let p = aPtr[a]; p < aPtr[a + 1]; p++) {
      const o = aIdx[p];
      const x = aVal[p];
      // the other's list is sorted by entity, and `a` sits at cross[p]: the entities after it are > a
      for (let q = cross === undefined ? oPtr[o] : cross[p] + 1; q < oPtr[o + 1]; q++) {
        const b = oIdx[q];
        if (b === a) continue;
        const y = oVal[q];
        if (cnt[b] === 0) touched[count++] = b;
        cnt[b]++;
        sxy[b] += x * y;
        if (full) {
          sx[b] += x;
          sy[b] += y;
          sxx[b] += x * x;
          syy[b] += y * y;
        }
      }
    }
    this.count = count;
    const { sim, norm, deg, shrinkage, minSupport } = this;
    for (let t = 0; t < count; t++) {
      const b = touched[t];
      const nab = cnt[b];
      let s = 0;
      if (nab >= minSupport) {
        switch (this.kind) {
          case 'cosine': {
            const d = norm[a] * norm[b];
            s = d > 0 ? sxy[b] / d : 0;
            break;
          }
          case 'jaccard':
            s = nab / (deg[a] + deg[b] - nab);
            break;
          case 'adjusted-cosine': {
            const d = Math.sqrt(sxx[b] * syy[b]);
            s = d > 0 ? sxy[b] / d : 0;
            break;
          }
          case 'pearson': {
            const cov = sxy[b] - (sx[b] * sy[b]) / nab;
            const vx = sxx[b] - (sx[b] * sx[b]) / nab;
            const vy = syy[b] - (sy[b] * sy[b]) / nab;
            const d = Math.sqrt(vx * vy);
            // a constant co-rated profile has no correlation (and cancellation makes tiny variances noise)
            s = vx > 1e-12 * sxx[b] && vy > 1e-12 * syy[b] && d > 0 ? cov / d : 0;
            break;
          }
        }
        if (shrinkage > 0) s = (s * nab) / (nab + shrinkage);
        s = s > 1 ? 1 : s < -1 ? -1 : s;
      }
      sim[b] = s;
      cnt[b] = 0;
      sxy[b] = 0;
      if (full) {
        sx[b] = 0;
        sy[b] = 0;
        sxx[b] = 0;
        syy[b] = 0;
      }
    }
  }
}

/** Top-k positive neighbours of every entity, in typed arrays of size n·k. */
interface Neighbours {
  readonly k: number;
  readonly count: Int32Array;
  readonly idx: Int32Array;
  readonly sim: Float64Array;
}

/** Adds (b, s) to entity a's top list (`idx`/`sim` at a·kk, `count[a]` long): higher s first, ties → lower b. */
function pushTop(idx: Int32Array, sim: Float64Array, count: Int32Array, kk: number, a: number, b: number, s: number): void {
  const off = a * kk;
  let p = count[a];
  if (p === kk) {
    const ws = sim[off + kk - 1];
    if (s < ws || (s === ws && b > idx[off + kk - 1])) return;
    p = kk - 1;
  } else {
    count[a]++;
  }
  while (p > 0) {
    const ps = sim[off + p - 1];
    if (ps > s || (ps === s && idx[off + p - 1] < b)) break;
    sim[off + p] = ps;
    idx[off + p] = idx[off + p - 1]!;
    p--;
  }
  sim[off + p] = s;
  idx[off + p] = b;
}

function topNeighbours(row: SimRow, n: number, k: number): Neighbours {
  const kk = Math.max(1, Math.min(k, n - 1));
  const count = new Int32Array(n);
  const idx = new Int32Array(n * kk);
  const sim = new Float64Array(n * kk);
  // Each pair is computed once (b > a) and offered to both lists; a top list keeps the same
  // items whatever the order they are offered in (a total order: similarity, then index).
  for (let a = 0; a < n; a++) {
    row.compute(a, true);
    for (let t = 0; t < row.count; t++) {
      const b = row.touched[t];
      const s = row.sim[b];
      if (s > 0) {
        pushTop(idx, sim, count, kk, a, b, s);
        pushTop(idx, sim, count, kk, b, a, s);
      }
    }
  }
  return { k: kk, count, idx, sim };
}

function parseKnn(options: KnnOptions | undefined, context: string) {
  const o = parseOptions(knnSchema, options, context);
  return { similarity: o.similarity ?? 'cosine', k: o.k ?? 50, shrinkage: o.shrinkage ?? 0, minSupport: o.minSupport ?? 1, duplicates: o.duplicates };
}

/** Binary search of item `j` in user `u`'s CSR row; the position or −1. */
function findInRow(m: InteractionMatrix, u: number, j: number): number {
  let lo = m.rowPtr[u];
  let hi = m.rowPtr[u + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = m.colIdx[mid];
    if (c === j) return mid;
    if (c < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function itemMean(m: InteractionMatrix, j: number): number {
  let t = 0;
  for (let p = m.colPtr[j]; p < m.colPtr[j + 1]; p++) t += m.colValues[p];
  return t / (m.colPtr[j + 1] - m.colPtr[j]);
}

/**
 * The machinery shared by item- and user-kNN: scoring fills `score` and `touched` for user `u`;
 * this turns it into a list, handles options, cold start and `recommendAll`.
 */
function knnRecommender(
  m: InteractionMatrix,
  scoreUser: (u: number, score: Float64Array, mark: Uint8Array, touched: Int32Array) => number,
): Pick<Recommender, 'recommend' | 'recommendAll'> {
  const ni = m.items.length;
  const pop = new Popularity(m);
  const score = new Float64Array(ni);
  const mark = new Uint8Array(ni);
  const touched = new Int32Array(ni);
  const buf = new Uint8Array(ni);
  const rec = (u: number | undefined, n: number, excludeSeen: boolean, candidates: readonly EntityId[] | undefined): Recommendation[] => {
    const blocked = blockedItems(m, u, excludeSeen, candidates, buf);
    if (u === undefined) return pop.list(n, blocked, true);
    const cnt = scoreUser(u, score, mark, touched);
    const top = new TopList(n);
    for (let t = 0; t < cnt; t++) {
      const j = touched[t];
      if (blocked === undefined || blocked[j] === 0) top.push(j, score[j]);
      score[j] = 0;
      mark[j] = 0;
    }
    const out: Recommendation[] = [];
    for (let p = 0; p < top.size; p++) out.push({ itemId: m.items[top.idx[p]], score: top.score[p] });
    return out;
  };
  return {
    recommend(userId, options?: RecommendOptions) {
      const o = parseOptions(recommendSchema, options, 'recommend');
      const key = idKey(userId);
      return rec(key === undefined ? undefined : m.userIndex.get(key), o.n ?? 10, o.excludeSeen ?? true, o.candidates);
    },
    recommendAll(options) {
      const o = parseOptions(recommendAllSchema, options, 'recommendAll');
      const out = new Map<string, Recommendation[]>();
      for (let u = 0; u < m.users.length; u++) out.set(m.users[u], rec(u, o.n ?? 10, o.excludeSeen ?? true, undefined));
      return out;
    },
  };
}

function neighbourList(nb: Neighbours, a: number, ids: readonly string[], n: number): Neighbor[] {
  const out: Neighbor[] = [];
  const c = Math.min(nb.count[a], n);
  for (let p = 0; p < c; p++) out.push({ id: ids[nb.idx[a * nb.k + p]], similarity: nb.sim[a * nb.k + p] });
  return out;
}

function pairSimilarity(row: SimRow, a: number, b: number): number {
  if (a === b) return 0;
  row.compute(a);
  for (let t = 0; t < row.count; t++) if (row.touched[t] === b) return row.sim[b];
  return 0;
}

// ------------------------------------------------------------------------------------- item-kNN

/**
 * Fits item-based kNN collaborative filtering. For items i and j, with U_ij the users who rated
 * both (the co-raters, n_ij = |U_ij|):
 *
 * - `'cosine'` (default): Σ_{u∈U_ij} r_ui r_uj / (‖r_i‖ ‖r_j‖), the norms over **all** of each
 *   item's ratings — the cosine of the full item columns, as sklearn's `cosine_similarity` and
 *   implicit's `CosineRecommender` compute it;
 * - `'pearson'`: the Pearson correlation over U_ij, each item centred by its own mean over U_ij
 *   (0 when either item is constant there, e.g. a single co-rater);
 * - `'adjusted-cosine'` (Sarwar et al. 2001): ratings centred by each **user's** mean over all their
 *   ratings, then Σ c_ui c_uj / √(Σ c_ui² · Σ c_uj²) with all three sums over U_ij;
 * - `'jaccard'`: n_ij / |U_i ∪ U_j| (values ignored).
 *
 * Then `shrinkage` multiplies by n_ij / (n_ij + shrinkage), a pair with n_ij < `minSupport` gets
 * 0, and the result is clamped to [−1, 1]. Each item keeps its `k` most similar items with a
 * **positive** similarity (ties → the item first seen in the input); negative similarities never
 * recommend.
 *
 * `recommend(user)` scores every item j as Σ_i r_ui · sim(i, j) over the user's items i having j
 * among their kept neighbours (the scoring of implicit / the sklearn peer: `X · S_k`), drops the
 * user's own items unless `excludeSeen: false`, and returns the best `n` (ties → earlier item).
 * Only items reached by some neighbourhood are returned, so a list may be shorter than `n`.
 * Candidates not in the training data are ignored. A user never seen gets the popularity list,
 * flagged `coldStart`.
 *
 * Similarities are computed sparsely (each item's co-rated items via the CSC and CSR layouts,
 * with a reset-by-touched-list accumulator), so memory is O(items · k), not O(items²).
 *
 * @throws {@link InvalidInputError} for bad interactions or options (naming `options.<field>`);
 *   {@link NotEnoughDataError} when there is no interaction.
 *
 * @example
 * ```ts
 * import { fitItemKnn } from 'clmkit';
 * const knn = fitItemKnn([
 *   { userId: 'ann', itemId: 'tent', value: 5 }, { userId: 'ann', itemId: 'stove', value: 4 },
 *   { userId: 'bob', itemId: 'tent', value: 4 }, { userId: 'bob', itemId: 'stove', value: 5 },
 *   { userId: 'bob', itemId: 'mug', value: 2 }, { userId: 'cy', itemId: 'tent', value: 5 },
 * ]);
 * // cy has only the tent (5): stove scores 5 · cos(tent, stove) = 5 · 40 / √(66 · 41), mug 5 · 8 / √(66 · 4)
 * console.log(knn.recommend('cy').map((r) => [r.itemId, +r.score.toFixed(4)])); // [ [ 'stove', 3.8447 ], [ 'mug', 2.4618 ] ]
 * console.log(knn.similarItems('mug')[0]?.id); // 'stove'
 * console.log(knn.predict('cy', 'stove')); // 5 — cy's only rated neighbour of the stove is the tent
 * ```
 */
export function fitItemKnn(interactions: InteractionInput, options?: KnnOptions): ItemKnnRecommender {
  const o = parseKnn(options, 'fitItemKnn');
  const m = fitMatrix(interactions, o.duplicates, 'fitItemKnn');
  const ni = m.items.length;
  const side: Side = { n: ni, aPtr: m.colPtr, aIdx: m.rowIdx, aVal: m.colValues, oPtr: m.rowPtr, oIdx: m.colIdx, oVal: m.values };
  const row = new SimRow(side, o.similarity, o.shrinkage, o.minSupport);
  const nb = topNeighbours(row, ni, o.k);
  const base = knnRecommender(m, (u, score, mark, touched) => {
    let cnt = 0;
    for (let p = m.rowPtr[u]; p < m.rowPtr[u + 1]; p++) {
      const i = m.colIdx[p];
      const r = m.values[p];
      const off = i * nb.k;
      for (let q = off; q < off + nb.count[i]; q++) {
        const j = nb.idx[q];
        if (mark[j] === 0) {
          mark[j] = 1;
          touched[cnt++] = j;
        }
        score[j] += nb.sim[q] * r;
      }
    }
    return cnt;
  });
  return {
    kind: 'item-knn',
    ...base,
    similarItems(itemId, opts) {
      const so = parseOptions(similarSchema, opts, 'similarItems');
      const i = lookupId(m.itemIndex, itemId, 'itemId', 'similarItems', 'item');
      return neighbourList(nb, i, m.items, so.n ?? 10);
    },
    similarity(itemA, itemB) {
      const a = lookupId(m.itemIndex, itemA, 'itemA', 'similarity', 'item');
      const b = lookupId(m.itemIndex, itemB, 'itemB', 'similarity', 'item');
      return pairSimilarity(row, a, b);
    },
    predict(userId, itemId) {
      const u = lookupId(m.userIndex, userId, 'userId', 'predict', 'user');
      const j = lookupId(m.itemIndex, itemId, 'itemId', 'predict', 'item');
      let num = 0;
      let den = 0;
      const off = j * nb.k;
      for (let q = off; q < off + nb.count[j]; q++) {
        const p = findInRow(m, u, nb.idx[q]);
        if (p < 0) continue;
        num += nb.sim[q] * m.values[p];
        den += Math.abs(nb.sim[q]);
      }
      return den > 0 ? num / den : itemMean(m, j);
    },
  };
}

// ------------------------------------------------------------------------------------- user-kNN

/**
 * Fits user-based kNN collaborative filtering: the same similarities as {@link fitItemKnn} with
 * the roles of users and items swapped (co-raters are the items both users rated; cosine norms
 * over all of a user's ratings; Pearson centred by each user's mean over the co-rated items;
 * adjusted-cosine centres by each **item's** mean). Each user keeps their `k` most similar users
 * with a positive similarity (ties → the user first seen).
 *
 * `recommend(u)` scores item j as Σ_{v ∈ kNN(u)} sim(u, v) · r_vj, drops u's own items unless
 * `excludeSeen: false`, and returns the best `n` (ties → earlier item; only items some neighbour
 * has). A user never seen gets the popularity list, flagged `coldStart`.
 *
 * @throws {@link InvalidInputError} for bad interactions or options; {@link NotEnoughDataError}
 *   when there is no interaction.
 *
 * @example
 * ```ts
 * import { fitUserKnn } from 'clmkit';
 * const knn = fitUserKnn([
 *   { userId: 'ann', itemId: 'tent', value: 5 }, { userId: 'ann', itemId: 'stove', value: 4 },
 *   { userId: 'bob', itemId: 'tent', value: 4 }, { userId: 'bob', itemId: 'stove', value: 5 },
 *   { userId: 'bob', itemId: 'mug', value: 2 }, { userId: 'cy', itemId: 'tent', value: 5 },
 * ], { similarity: 'jaccard' });
 * console.log(knn.similarUsers('cy')); // [ { id: 'ann', similarity: 0.5 }, { id: 'bob', similarity: 0.3333333333333333 } ]
 * console.log(knn.recommend('cy')); // [ { itemId: 'stove', score: 3.6666666666666665 }, { itemId: 'mug', score: 0.6666666666666666 } ]
 * // items compared by the same measure: tent and stove share 2 of 3 raters, stove and mug 1 of 2
 * console.log(knn.similarItems('stove')); // [ { id: 'tent', similarity: 0.6666666666666666 }, { id: 'mug', similarity: 0.5 } ]
 * ```
 */
export function fitUserKnn(interactions: InteractionInput, options?: KnnOptions): UserKnnRecommender {
  const o = parseKnn(options, 'fitUserKnn');
  const m = fitMatrix(interactions, o.duplicates, 'fitUserKnn');
  const nu = m.users.length;
  const side: Side = { n: nu, aPtr: m.rowPtr, aIdx: m.colIdx, aVal: m.values, oPtr: m.colPtr, oIdx: m.rowIdx, oVal: m.colValues };
  const row = new SimRow(side, o.similarity, o.shrinkage, o.minSupport);
  const nb = topNeighbours(row, nu, o.k);
  let itemRow: SimRow | undefined;
  const base = knnRecommender(m, (u, score, mark, touched) => {
    let cnt = 0;
    const off = u * nb.k;
    for (let q = off; q < off + nb.count[u]; q++) {
      const v = nb.idx[q];
      const s = nb.sim[q];
      for (let p = m.rowPtr[v]; p < m.rowPtr[v + 1]; p++) {
        const j = m.colIdx[p];
        if (mark[j] === 0) {
          mark[j] = 1;
          touched[cnt++] = j;
        }
        score[j] += s * m.values[p];
      }
    }
    return cnt;
  });
  return {
    kind: 'user-knn',
    ...base,
    similarUsers(userId, opts) {
      const so = parseOptions(similarSchema, opts, 'similarUsers');
      const u = lookupId(m.userIndex, userId, 'userId', 'similarUsers', 'user');
      return neighbourList(nb, u, m.users, so.n ?? 10);
    },
    similarItems(itemId, opts) {
      const so = parseOptions(similarSchema, opts, 'similarItems');
      const i = lookupId(m.itemIndex, itemId, 'itemId', 'similarItems', 'item');
      itemRow ??= new SimRow(
        { n: m.items.length, aPtr: m.colPtr, aIdx: m.rowIdx, aVal: m.colValues, oPtr: m.rowPtr, oIdx: m.colIdx, oVal: m.values },
        o.similarity,
        o.shrinkage,
        o.minSupport,
      );
      itemRow.compute(i);
      const top = new TopList(so.n ?? 10);
      for (let t = 0; t < itemRow.count; t++) {
        const j = itemRow.touched[t];
        if (itemRow.sim[j] > 0) top.push(j, itemRow.sim[j]);
      }
      const out: Neighbor[] = [];
      for (let p = 0; p < top.size; p++) out.push({ id: m.items[top.idx[p]], similarity: top.score[p] });
      return out;
    },
    similarity(userA, userB) {
      const a = lookupId(m.userIndex, userA, 'userA', 'similarity', 'user');
      const b = lookupId(m.userIndex, userB, 'userB', 'similarity', 'user');
      return pairSimilarity(row, a, b);
    },
    predict(userId, itemId) {
      const u = lookupId(m.userIndex, userId, 'userId', 'predict', 'user');
      const j = lookupId(m.itemIndex, itemId, 'itemId', 'predict', 'item');
      let num = 0;
      let den = 0;
      const off = u * nb.k;
      for (let q = off; q < off + nb.count[u]; q++) {
        const p = findInRow(m, nb.idx[q], j);
        if (p < 0) continue;
        num += nb.sim[q] * m.values[p];
        den += Math.abs(nb.sim[q]);
      }
      return den > 0 ? num / den : itemMean(m, j);
    },
  };
}
