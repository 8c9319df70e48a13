/**
 * Offline evaluation of recommenders: a per-user holdout split ({@link splitByUser}), ranking
 * metrics of one fitted model on it ({@link evaluateRanking}), and a comparison table of several
 * models on the same split ({@link compareRecommenders}, {@link formatComparison}).
 *
 * The metrics are those of `clmkit/metrics` (precision, recall, NDCG, MAP, hit rate at k,
 * catalogue coverage, novelty); this module only builds their inputs.
 *
 * @module
 */
import * as z from 'zod/mini';
import { IssueCollector, InvalidInputError, NotEnoughDataError } from '../errors.js';
import { toEpochMs } from '../data/time.js';
import { createRandom } from '../math/random.js';
import {
  averagePrecisionAtK,
  catalogCoverage,
  hitRateAtK,
  ndcgAtK,
  novelty,
  precisionAtK,
  recallAtK,
} from '../metrics/ranking.js';
import { parseOptions, show } from '../validate.js';
import type { EntityId, Interaction, InteractionInput, Recommender } from './types.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** Options of {@link splitByUser}. */
export interface SplitByUserOptions {
  /** Share of each eligible user's interactions held out, in (0, 1). @defaultValue 0.2 */
  testFraction?: number;
  /**
   * Users with fewer interactions stay entirely in train (counted in `skippedUsers`). An integer
   * ≥ 2, so that every eligible user keeps at least one training interaction.
   * @defaultValue 5
   */
  minInteractions?: number;
  /** Seed of the generator that picks the held-out interactions (any finite number). @defaultValue 0 */
  seed?: number;
  /**
   * Hold out each user's latest interactions instead of random ones (every row then needs a
   * valid `timestamp`); ties in time go by input order, the later row counting as later.
   * @defaultValue false
   */
  byTime?: boolean;
  /**
   * How `testFraction · n` becomes a count: `'round'` (half up, `Math.round`) or `'floor'` (the
   * rule of the sklearn peer, `max(1, floor(0.2 · n))`). Either way clamped to [1, n − 1].
   * @defaultValue `'round'`
   */
  rounding?: 'round' | 'floor';
}

/** Result of {@link splitByUser}: both parts in input order. */
export interface UserSplit {
  /** Training interactions. */
  readonly train: Interaction[];
  /** Held-out interactions. */
  readonly test: Interaction[];
  /** Users with fewer than `minInteractions` interactions, kept entirely in train. */
  readonly skippedUsers: number;
}

/** A train/test split to evaluate on: a {@link UserSplit}, or any two interaction logs (records or columns). */
export interface EvaluationSplit {
  /** What the models were fitted on (item popularity for novelty, and the default catalogue). */
  readonly train: InteractionInput;
  /** Held-out interactions: the ground truth. */
  readonly test: InteractionInput;
}

/** Options of {@link evaluateRanking} and {@link compareRecommenders}. */
export interface EvaluateRankingOptions {
  /** Cut-off and list length asked of the model. A positive integer. @defaultValue 10 */
  k?: number;
  /**
   * Which held-out interactions are relevant, from their `value` (1 when absent); e.g.
   * `(v) => v >= 4` for ratings. @defaultValue every held-out interaction
   */
  relevant?: (value: number) => boolean;
  /** Catalogue size for coverage (an integer ≥ 1). @defaultValue distinct items in train */
  catalog?: number;
  /**
   * Item popularity p in (0, 1] for novelty, keyed by item id (`1` ≡ `'1'`).
   * @defaultValue share of training users who interacted with the item
   */
  popularity?: ReadonlyMap<EntityId, number>;
}

/** Result of {@link evaluateRanking}: means over the evaluated users. */
export interface RankingEvaluation {
  /** The cut-off. */
  readonly k: number;
  /** Test users evaluated (with at least one relevant held-out interaction). */
  readonly users: number;
  /** Test users without a relevant held-out interaction, left out. */
  readonly skippedUsers: number;
  /** Mean precision@k. */
  readonly precision: number;
  /** Mean recall@k. */
  readonly recall: number;
  /** Mean NDCG@k (binary gains). */
  readonly ndcg: number;
  /** MAP@k. */
  readonly map: number;
  /** Share of evaluated users with a relevant item in the top k. */
  readonly hitRate: number;
  /** Distinct items in the evaluated users' top-k lists / catalogue size. */
  readonly coverage: number;
  /**
   * Mean self-information −log2 p of the recommended items, in bits; `undefined` when some
   * recommended item has no positive popularity (e.g. never seen in train) or every list is empty.
   */
  readonly novelty?: number;
}

/** One row of {@link compareRecommenders}. */
export interface ComparisonRow {
  /** The model's name (its key in the input). */
  readonly name: string;
  readonly users: number;
  readonly precision: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly map: number;
  readonly hitRate: number;
  readonly coverage: number;
  /** `undefined` as in {@link RankingEvaluation.novelty}. */
  readonly novelty: number | undefined;
}

/** Options of {@link formatComparison}. */
export interface FormatComparisonOptions {
  /** Decimals of every metric. An integer in [0, 12]. @defaultValue 4 */
  digits?: number;
}

// ---------------------------------------------------------------------------------------------
// Options

const splitSchema = z.strictObject({
  testFraction: z.optional(z.number().check(z.gt(0), z.lt(1))),
  minInteractions: z.optional(z.int().check(z.minimum(2))),
  seed: z.optional(z.number().check(z.refine((v) => Number.isFinite(v), { error: 'expected a finite number' }))),
  byTime: z.optional(z.boolean()),
  rounding: z.optional(z.enum(['round', 'floor'])),
});

const evalSchema = z.strictObject({
  k: z.optional(z.int().check(z.minimum(1))),
  relevant: z.optional(
    z.custom<(value: number) => boolean>((v) => typeof v === 'function', { error: 'expected a function (value) => boolean' }),
  ),
  catalog: z.optional(z.int().check(z.minimum(1))),
  popularity: z.optional(
    z.custom<ReadonlyMap<EntityId, number>>((v) => v instanceof Map, { error: 'expected a Map from item id to popularity in (0, 1]' }),
  ),
});

const formatSchema = z.strictObject({ digits: z.optional(z.int().check(z.minimum(0), z.maximum(12))) });

// ---------------------------------------------------------------------------------------------
// Reading interactions

/** Interactions read and checked: string keys, values (1 when absent), epoch ms (NaN when absent/unneeded). */
interface Rows {
  readonly n: number;
  readonly userKey: string[];
  readonly itemKey: string[];
  readonly value: Float64Array;
  readonly time: Float64Array;
  /** The caller's record (or one built from the columns). */
  record(i: number): Interaction;
  /** The caller's user id of row i. */
  rawUser(i: number): EntityId;
}

function idKey(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * Reads records or columns, adding an issue per bad field (path `<prefix>userId` etc., with the
 * row). `needTime`: a valid timestamp is required.
 */
function readRows(input: unknown, prefix: string, needTime: boolean, context: string): Rows {
  let n: number;
  let get: (i: number) => { u: unknown; it: unknown; v: unknown; t: unknown };
  let record: (i: number) => Interaction;
  if (Array.isArray(input)) {
    const recs = input as readonly unknown[];
    n = recs.length;
    get = (i) => {
      const r = recs[i];
      if (r === null || typeof r !== 'object') return { u: undefined, it: undefined, v: undefined, t: undefined };
      const rec = r as Readonly<Record<string, unknown>>;
      return { u: rec['userId'], it: rec['itemId'], v: rec['value'], t: rec['timestamp'] };
    };
    record = (i) => recs[i] as Interaction;
  } else if (input !== null && typeof input === 'object' && 'userId' in input && 'itemId' in input) {
    const cols = input as {
      userId: ArrayLike<unknown> | undefined;
      itemId: ArrayLike<unknown> | undefined;
      value?: ArrayLike<unknown>;
      timestamp?: ArrayLike<unknown>;
    };
    const len = (c: unknown): number | undefined =>
      c !== null && typeof c === 'object' && typeof (c as { length?: unknown }).length === 'number' ? (c as ArrayLike<unknown>).length : undefined;
    n = len(cols.userId) ?? -1;
    const issues: { path: string; message: string }[] = [];
    for (const name of ['userId', 'itemId', 'value', 'timestamp'] as const) {
      const c = cols[name];
      if (c === undefined && (name === 'value' || name === 'timestamp')) continue;
      const l = len(c);
      if (l === undefined || l !== n) {
        issues.push({
          path: `${prefix}${name}`,
          message: l === undefined ? `expected an array-like column, got ${show(c)}` : `expected ${n} values (as userId), got ${l}`,
        });
      }
    }
    if (issues.length > 0) throw new InvalidInputError(context, issues);
    const { userId, itemId } = cols as { userId: ArrayLike<unknown>; itemId: ArrayLike<unknown> };
    const value: ArrayLike<unknown> | undefined = cols.value;
    const timestamp: ArrayLike<unknown> | undefined = cols.timestamp;
    get = (i) => ({ u: userId[i], it: itemId[i], v: value === undefined ? undefined : value[i], t: timestamp === undefined ? undefined : timestamp[i] });
    record = (i) => {
      const r: Interaction = { userId: userId[i] as EntityId, itemId: itemId[i] as EntityId };
      if (value !== undefined) r.value = value[i] as number;
      if (timestamp !== undefined) r.timestamp = timestamp[i] as Interaction['timestamp'];
      return r;
    };
  } else {
    throw new InvalidInputError(context, [
      { path: prefix === '' ? 'interactions' : prefix.slice(0, -1), message: `expected an array of interactions or columns { userId, itemId, … }, got ${show(input)}` },
    ]);
  }

  const userKey = new Array<string>(n);
  const itemKey = new Array<string>(n);
  const value = new Float64Array(n);
  const time = new Float64Array(n).fill(NaN);
  const rawUsers = new Array<EntityId>(n);
  const issues = new IssueCollector();
  for (let r = 0; r < n; r++) {
    const { u, it, v, t } = get(r);
    const uk = idKey(u);
    const ik = idKey(it);
    if (uk === undefined) issues.add(`${prefix}userId`, `expected a non-empty string or a finite number, got ${show(u)}`, r);
    if (ik === undefined) issues.add(`${prefix}itemId`, `expected a non-empty string or a finite number, got ${show(it)}`, r);
    const val = v === undefined || v === null ? 1 : v;
    if (typeof val !== 'number' || !Number.isFinite(val)) issues.add(`${prefix}value`, `expected a finite number, got ${show(v)}`, r);
    if (needTime) {
      const ms = toEpochMs(t);
      if (Number.isNaN(ms)) {
        issues.add(
          `${prefix}timestamp`,
          `expected a Date, an ISO-8601 string or epoch milliseconds (byTime needs every timestamp), got ${show(t)}`,
          r,
        );
      }
      time[r] = ms;
    }
    userKey[r] = uk ?? '';
    itemKey[r] = ik ?? '';
    value[r] = typeof val === 'number' ? val : NaN;
    rawUsers[r] = u as EntityId;
  }
  issues.throwIfAny(context);
  return { n, userKey, itemKey, value, time, record, rawUser: (i) => rawUsers[i] };
}

/** Row indices of each user, users in order of first appearance, rows in input order. */
function groupByUser(rows: Rows): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let r = 0; r < rows.n; r++) {
    const key = rows.userKey[r];
    let g = groups.get(key);
    if (g === undefined) {
      g = [];
      groups.set(key, g);
    }
    g.push(r);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------
// Split

/**
 * Per-user holdout split: for each user with at least `minInteractions` interactions, hold out
 * `n_test` of their `n` interactions; users with fewer stay entirely in train.
 *
 * ## Algorithm (reproducible)
 *
 * 1. Users are taken in order of first appearance in the input (ids compare by their string
 *    form, `1` ≡ `'1'`); a user's interactions are their rows in input order, positions 0 … n − 1.
 * 2. `n_test = min(n − 1, max(1, R(testFraction · n)))`, with the product in double precision and
 *    R = `Math.round` (half up; `rounding: 'round'`, the default) or `Math.floor`
 *    (`rounding: 'floor'`, the sklearn peer's rule). So every eligible user has ≥ 1 test and
 *    ≥ 1 train interaction (e.g. 0.2 of 5, 6, 7 → 1; of 8 … 12 → 2 with `'round'`).
 * 3. Random (default): ONE generator `createRandom(seed)` (xoshiro128**, see `clmkit/math`) is
 *    consumed user by user, eligible users only: `rng.shuffle([0, 1, …, n − 1])` (Fisher–Yates
 *    from the last position down, `j = rng.int(i + 1)`), and the rows at the first `n_test`
 *    shuffled positions are held out. `byTime`: no generator; the user's rows are ordered by
 *    (timestamp, input position) and the last `n_test` are held out.
 * 4. `train` and `test` keep the input order of the rows. For record input they hold the
 *    caller's own objects; for columns, new records with the columns given.
 *
 * The same input, options and seed give the same split on every JavaScript engine. (It cannot
 * reproduce numpy's draws; to evaluate on the sklearn peer's split, read its dumped train/test
 * CSVs and pass them to {@link evaluateRanking} directly.)
 *
 * @param interactions - records `{ userId, itemId, value?, timestamp? }` or equal-length columns.
 * @param options - see {@link SplitByUserOptions}.
 * @returns `{ train, test, skippedUsers }`.
 * @throws {@link InvalidInputError} for bad options (`options.<name>`) or rows (`userId`,
 *   `itemId`, `value`, and `timestamp` when `byTime`, each with its row).
 *
 * @example
 * ```ts
 * import { splitByUser } from 'clmkit';
 * const log = [
 *   { userId: 'ann', itemId: 'a', timestamp: '2024-01-01' },
 *   { userId: 'ann', itemId: 'b', timestamp: '2024-01-03' },
 *   { userId: 'ann', itemId: 'c', timestamp: '2024-01-02' },
 *   { userId: 'bob', itemId: 'a', timestamp: '2024-01-01' },
 * ];
 * // ann has 3 ≥ 2 interactions: round(0.34 · 3) = 1 held out, her latest (b); bob has too few
 * const s = splitByUser(log, { testFraction: 0.34, minInteractions: 2, byTime: true });
 * console.log(s.test.map((i) => i.itemId), s.train.length, s.skippedUsers); // [ 'b' ] 3 1
 * // random instead: seed 7 shuffles ann's positions [0, 1, 2] to start with 0, so a is held out
 * const r = splitByUser(log, { testFraction: 0.34, minInteractions: 2, seed: 7 });
 * console.log(r.test.map((i) => i.itemId)); // [ 'a' ]
 * ```
 */
export function splitByUser(interactions: InteractionInput, options?: SplitByUserOptions): UserSplit {
  const context = 'splitByUser';
  const opts = parseOptions(splitSchema, options, context);
  const testFraction = opts.testFraction ?? 0.2;
  const minInteractions = opts.minInteractions ?? 5;
  const byTime = opts.byTime ?? false;
  const round = (opts.rounding ?? 'round') === 'floor' ? Math.floor : Math.round;
  const rows = readRows(interactions, '', byTime, context);
  const rng = createRandom(opts.seed ?? 0);
  const isTest = new Uint8Array(rows.n);
  let skipped = 0;
  for (const group of groupByUser(rows).values()) {
    const n = group.length;
    if (n < minInteractions) {
      skipped++;
      continue;
    }
    const nTest = Math.min(n - 1, Math.max(1, round(testFraction * n)));
    if (byTime) {
      const t = rows.time;
      const order = group.slice().sort((a, b) => t[a] - t[b] || a - b);
      for (let i = n - nTest; i < n; i++) isTest[order[i]] = 1;
    } else {
      const positions = Array.from({ length: n }, (_, i) => i);
      rng.shuffle(positions);
      for (let i = 0; i < nTest; i++) isTest[group[positions[i]]] = 1;
    }
  }
  const train: Interaction[] = [];
  const test: Interaction[] = [];
  for (let r = 0; r < rows.n; r++) (isTest[r] === 1 ? test : train).push(rows.record(r));
  return { train, test, skippedUsers: skipped };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Everything about the split that does not depend on the model. */
interface Prepared {
  readonly k: number;
  /** Evaluated users: caller's id (for `recommend`) and relevant item keys. */
  readonly users: { readonly id: EntityId; readonly key: string; readonly relevant: Set<string> }[];
  readonly skippedUsers: number;
  readonly catalog: number;
  /** Popularity p in (0, 1] per item key, for novelty. */
  readonly popularity: ReadonlyMap<string, number>;
}

function prepare(split: EvaluationSplit, options: EvaluateRankingOptions | undefined, context: string): Prepared {
  const opts = parseOptions(evalSchema, options, context);
  const k = opts.k ?? 10;
  const s: unknown = split;
  if (s === null || typeof s !== 'object') {
    throw new InvalidInputError(context, [{ path: 'split', message: `expected { train, test }, got ${show(split)}` }]);
  }
  const train = readRows(split.train, 'train.', false, context);
  const test = readRows(split.test, 'test.', false, context);
  const isRelevant = opts.relevant ?? ((): boolean => true);

  const users: { id: EntityId; key: string; relevant: Set<string> }[] = [];
  let skippedUsers = 0;
  for (const [key, group] of groupByUser(test)) {
    const relevant = new Set<string>();
    for (const r of group) if (isRelevant(test.value[r])) relevant.add(test.itemKey[r]);
    if (relevant.size === 0) skippedUsers++;
    else users.push({ id: test.rawUser(group[0]), key, relevant });
  }
  if (users.length === 0) {
    throw new NotEnoughDataError(
      `${context}: no test user has a relevant held-out interaction (${skippedUsers} test users${opts.relevant ? '; check options.relevant' : ''})`,
      1,
      0,
    );
  }

  // Popularity: distinct training users per item, as a share of training users.
  const itemUsers = new Map<string, Set<string>>();
  const trainUsers = new Set<string>();
  for (let r = 0; r < train.n; r++) {
    trainUsers.add(train.userKey[r]);
    let s = itemUsers.get(train.itemKey[r]);
    if (s === undefined) {
      s = new Set();
      itemUsers.set(train.itemKey[r], s);
    }
    s.add(train.userKey[r]);
  }
  let popularity: Map<string, number>;
  if (opts.popularity !== undefined) {
    popularity = new Map();
    const issues = new IssueCollector();
    for (const [item, p] of opts.popularity) {
      const key = idKey(item);
      if (key === undefined || typeof p !== 'number' || !(p > 0 && p <= 1)) {
        issues.add('options.popularity', `item ${show(item)}: expected an item id and a popularity in (0, 1], got ${show(p)}`);
      } else popularity.set(key, p);
    }
    issues.throwIfAny(`${context}: invalid options`);
  } else {
    popularity = new Map();
    for (const [item, s] of itemUsers) popularity.set(item, s.size / trainUsers.size);
  }
  const catalog = opts.catalog ?? itemUsers.size;
  if (catalog === 0) {
    throw new NotEnoughDataError(`${context}: the training data has no items, so there is no catalogue (pass options.catalog)`, 1, 0);
  }
  return { k, users, skippedUsers, catalog, popularity };
}

function score(model: Recommender, prep: Prepared, context: string, path: string): RankingEvaluation {
  const m: unknown = model;
  if (m === null || typeof m !== 'object' || typeof (m as { recommend?: unknown }).recommend !== 'function') {
    throw new InvalidInputError(context, [{ path, message: `expected a fitted recommender (with recommend), got ${show(model)}` }]);
  }
  const { k } = prep;
  const recommended = new Map<string, string[]>();
  const relevant = new Map<string, Set<string>>();
  for (const u of prep.users) {
    const list = model.recommend(u.id, { n: k, excludeSeen: true });
    recommended.set(
      u.key,
      list.slice(0, k).map((r) => r.itemId),
    );
    relevant.set(u.key, u.relevant);
  }
  const precision = precisionAtK(recommended, relevant, { k });
  const nov = noveltyOrUndefined(recommended, prep.popularity, k);
  const result: RankingEvaluation = {
    k,
    users: precision.evaluatedUsers,
    skippedUsers: prep.skippedUsers,
    precision: precision.mean,
    recall: recallAtK(recommended, relevant, { k }).mean,
    ndcg: ndcgAtK(recommended, relevant, { k }).mean,
    map: averagePrecisionAtK(recommended, relevant, { k }).mean,
    hitRate: hitRateAtK(recommended, relevant, { k }).mean,
    coverage: catalogCoverage(recommended, { k, catalog: prep.catalog }).coverage,
  };
  return nov === undefined ? result : { ...result, novelty: nov };
}

function noveltyOrUndefined(recommended: Map<string, string[]>, popularity: ReadonlyMap<string, number>, k: number): number | undefined {
  let any = false;
  for (const list of recommended.values()) {
    for (const item of list) if (!((popularity.get(item) ?? 0) > 0)) return undefined;
    if (list.length > 0) any = true;
  }
  return any ? novelty(recommended, { k, popularity }).mean : undefined;
}

/**
 * Evaluates a fitted recommender on a holdout split with the ranking metrics of
 * `clmkit/metrics`, averaged over the evaluated test users.
 *
 * For each test user (in order of first appearance in `split.test`) the relevant items are the
 * held-out items whose `value` (1 when absent) passes `options.relevant`; users with none are
 * skipped (counted in `skippedUsers`) and not asked for recommendations. Every other user gets
 * `model.recommend(userId, { n: k, excludeSeen: true })` (the user id as first seen in the test
 * log), and precision, recall, NDCG (binary gains), MAP, hit rate at k, catalogue coverage and
 * novelty are computed from those lists. Coverage is over the evaluated users' lists, against the
 * number of distinct training items unless `options.catalog` is given. Novelty uses the share of
 * training users who interacted with each item (or `options.popularity`).
 *
 * The model must have been fitted on `split.train` (nothing here checks it).
 *
 * @param model - a fitted {@link Recommender}.
 * @param split - `{ train, test }` from {@link splitByUser}, or two logs of your own.
 * @param options - see {@link EvaluateRankingOptions}.
 * @returns {@link RankingEvaluation}.
 * @throws {@link InvalidInputError} for bad options, rows (`train.<field>` / `test.<field>` with
 *   the row) or a bad recommendation list (repeated item: `recommended[<user>][<position>]`).
 * @throws {@link NotEnoughDataError} when no test user has a relevant held-out interaction.
 *
 * @example
 * ```ts
 * import { evaluateRanking, type Recommender } from 'clmkit';
 * // A stand-in model that recommends a fixed list to everyone.
 * const model: Recommender = {
 *   kind: 'popularity',
 *   recommend: (_user, o) => ['a', 'b', 'c'].slice(0, o?.n ?? 10).map((itemId, i) => ({ itemId, score: 3 - i })),
 *   recommendAll: () => new Map(),
 * };
 * const split = {
 *   train: [{ userId: 'ann', itemId: 'x' }, { userId: 'bob', itemId: 'a' }, { userId: 'bob', itemId: 'b' }],
 *   test: [{ userId: 'ann', itemId: 'b', value: 5 }, { userId: 'bob', itemId: 'x', value: 2 }],
 * };
 * const e = evaluateRanking(model, split, { k: 2, relevant: (v) => v >= 4 });
 * // ann: [a, b] vs {b}: P@2 = 1/2, R@2 = 1, NDCG = (1/log2 3) / 1; bob: no relevant item, skipped
 * console.log(e.users, e.skippedUsers, e.precision, e.recall, e.hitRate); // 1 1 0.5 1 1
 * console.log(e.ndcg, e.map); // 0.6309297535714575 0.5
 * console.log(e.coverage); // 0.6666666666666666 — {a, b} of the 3 training items
 * console.log(e.novelty); // 1 — a and b were each seen by 1 of 2 training users
 * ```
 */
export function evaluateRanking(model: Recommender, split: EvaluationSplit, options?: EvaluateRankingOptions): RankingEvaluation {
  const context = 'evaluateRanking';
  return score(model, prepare(split, options, context), context, 'model');
}

/**
 * Evaluates several fitted recommenders on the same split and options (see
 * {@link evaluateRanking}; the split is read once), one row per model in input order. Input is
 * an object `{ name: model }` or a `Map`; note that an object lists integer-like keys (`'1'`)
 * first, so use a `Map` when such names must keep their order. Print with
 * {@link formatComparison}.
 *
 * @param models - models by name.
 * @param split - `{ train, test }` from {@link splitByUser}, or two logs of your own.
 * @param options - see {@link EvaluateRankingOptions}.
 * @returns one {@link ComparisonRow} per model.
 * @throws as {@link evaluateRanking}; a model that is not a recommender is named as `models.<name>`.
 *
 * @example
 * ```ts
 * import { compareRecommenders, formatComparison, type Recommender } from 'clmkit';
 * const fixed = (items: string[]): Recommender => ({
 *   kind: 'popularity',
 *   recommend: (_u, o) => items.slice(0, o?.n ?? 10).map((itemId) => ({ itemId, score: 1 })),
 *   recommendAll: () => new Map(),
 * });
 * const split = {
 *   train: [{ userId: 'ann', itemId: 'a' }, { userId: 'bob', itemId: 'b' }],
 *   test: [{ userId: 'ann', itemId: 'b' }, { userId: 'bob', itemId: 'a' }],
 * };
 * // bad recommends c, never seen in train: its novelty cannot be computed (undefined, printed —)
 * const rows = compareRecommenders({ good: fixed(['b', 'a']), bad: fixed(['c']) }, split, { k: 1 });
 * console.log(rows.map((r) => [r.name, r.precision])); // [ [ 'good', 0.5 ], [ 'bad', 0 ] ]
 * console.log(formatComparison(rows, { digits: 2 }));
 * // name  users   P@k   R@k  NDCG   MAP   hit  cover  novelty
 * // good      2  0.50  0.50  0.50  0.50  0.50   0.50     1.00
 * // bad       2  0.00  0.00  0.00  0.00  0.00   0.50        —
 * ```
 */
export function compareRecommenders(
  models: Readonly<Record<string, Recommender>> | ReadonlyMap<string, Recommender>,
  split: EvaluationSplit,
  options?: EvaluateRankingOptions,
): ComparisonRow[] {
  const context = 'compareRecommenders';
  const raw: unknown = models;
  if (raw === null || typeof raw !== 'object') {
    throw new InvalidInputError(context, [{ path: 'models', message: `expected an object or Map of recommenders by name, got ${show(models)}` }]);
  }
  const entries: [string, Recommender][] = models instanceof Map
      ? [...(models as ReadonlyMap<string, Recommender>)]
      : Object.entries(models as Readonly<Record<string, Recommender>>);
  if (entries.length === 0) {
    throw new InvalidInputError(context, [{ path: 'models', message: 'expected at least one recommender, got none' }]);
  }
  const prep = prepare(split, options, context);
  return entries.map(([name, model]) => {
    const e = score(model, prep, context, `models.${name}`);
    return {
      name,
      users: e.users,
      precision: e.precision,
      recall: e.recall,
      ndcg: e.ndcg,
      map: e.map,
      hitRate: e.hitRate,
      coverage: e.coverage,
      novelty: e.novelty,
    };
  });
}

/**
 * Formats {@link compareRecommenders} rows as an aligned plain-text table: a header line
 * (`name users P@k R@k NDCG MAP hit cover novelty`), then one line per row; the name column is
 * left-aligned, the other columns (headers too) right-aligned with `digits` decimals, columns separated by two spaces,
 * no trailing spaces, lines joined by `\n`. A missing novelty prints as `—`.
 *
 * @param rows - rows of {@link compareRecommenders}.
 * @param options - `digits`, see {@link FormatComparisonOptions}.
 * @returns the table.
 * @throws {@link InvalidInputError} for a bad `options.digits`.
 *
 * @example
 * ```ts
 * import { formatComparison } from 'clmkit';
 * const row = { name: 'item-knn', users: 933, precision: 0.2043, recall: 0.2348, ndcg: 0.2951, map: 0.15, hitRate: 0.8, coverage: 0.1, novelty: 9.5 };
 * console.log(formatComparison([row], { digits: 3 }));
 * // name      users    P@k    R@k   NDCG    MAP    hit  cover  novelty
 * // item-knn    933  0.204  0.235  0.295  0.150  0.800  0.100    9.500
 * ```
 */
export function formatComparison(rows: readonly ComparisonRow[], options?: FormatComparisonOptions): string {
  const digits = parseOptions(formatSchema, options, 'formatComparison').digits ?? 4;
  const header = ['name', 'users', 'P@k', 'R@k', 'NDCG', 'MAP', 'hit', 'cover', 'novelty'];
  const fmt = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));
  const body = rows.map((r) => [
    r.name,
    String(r.users),
    fmt(r.precision),
    fmt(r.recall),
    fmt(r.ndcg),
    fmt(r.map),
    fmt(r.hitRate),
    fmt(r.coverage),
    fmt(r.novelty),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((cells) => cells[c].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}
