/**
 * Ranking metrics for evaluating recommenders: precision, recall, F1, hit rate, average precision
 * and NDCG at a cut-off `k`, per user and averaged over users, plus the beyond-accuracy metrics
 * catalogue coverage and novelty.
 *
 * ## Inputs
 *
 * Recommendations and ground truth come in one of two forms, the same for both arguments:
 *
 * - keyed by user: `recommended` a `Map<user, item[]>` (best first) and `relevant` a
 *   `Map<user, relevance>`; the result's `perUser` is a `Map<user, number>`;
 * - indexed by user: arrays whose index is the user; `perUser` is then a `Float64Array`.
 *
 * A user's relevance is a `Set` of relevant items, an array of them (duplicates ignored; a `Set`
 * is faster), or a `Map<item, gain>` of graded relevance, where items with gain 0 are not
 * relevant (all metrics but {@link ndcgAtK} only look at whether the gain is positive). Items are
 * compared as a `Set` compares them (SameValueZero): numbers and strings by value, objects by
 * identity.
 *
 * ## Which users are averaged
 *
 * The users of `relevant` with at least one relevant item. A user of `relevant` with no
 * relevant item (an empty set, an all-zero map, or an `undefined` hole in the array form) gets
 * `NaN` in `perUser`, is left out of `mean` and counted in `skippedUsers`. A user of `relevant`
 * that `recommended` lacks has an empty list (score 0). Users only in `recommended` are ignored.
 *
 * ## Checks
 *
 * `k` must be a positive integer. Only the first `k` entries of a list are read, and those are
 * checked: a repeated item (it would count twice and inflate precision) or an `undefined`/`null`
 * entry throws an {@link InvalidInputError} naming the user and the 0-based position, as the
 * issue path `recommended[<user>][<position>]` (user as an index, or as shown for a `Map` key).
 *
 * @module
 */
import * as z from 'zod/mini';
import { IssueCollector, InvalidInputError, NotEnoughDataError } from '../errors.js';
import { parseOptions, show } from '../validate.js';

// ---------------------------------------------------------------------------------------------
// Public types

/**
 * One user's ground truth: a `Set` (or array) of relevant items, or a `Map` from item to a graded
 * gain ≥ 0 (gain 0 = not relevant).
 */
export type UserRelevance<I> = ReadonlySet<I> | readonly I[] | ReadonlyMap<I, number>;

/**
 * Result of a per-user ranking metric.
 *
 * `perUser` is a `Map<user, number>` when the input was keyed by user (in the order of
 * `relevant`'s keys, or of `recommended`'s for {@link novelty}), or a `Float64Array` indexed by
 * user when the input was arrays. Skipped users have `NaN` there.
 */
export interface RankingResult<PerUser> {
  /** Mean of the metric over the evaluated users. */
  readonly mean: number;
  /** Score of each user; `NaN` for a skipped user. */
  readonly perUser: PerUser;
  /** Users that were scored (and averaged). */
  readonly evaluatedUsers: number;
  /**
   * Users left out: for the accuracy metrics, users of `relevant` without any relevant item; for
   * {@link novelty}, users with an empty list.
   */
  readonly skippedUsers: number;
}

/** Options of the `…AtK` metrics. */
export interface AtKOptions {
  /** Cut-off: only the first `k` recommendations of each user count. A positive integer. */
  k: number;
}

/** Options of {@link ndcgAtK}. */
export interface NdcgOptions extends AtKOptions {
  /**
   * Gain of an item of graded relevance `rel`: `'exponential'` = 2^rel − 1 (Burges et al. 2005;
   * LightGBM's and XGBoost's default), `'linear'` = rel (Järvelin & Kekäläinen 2002;
   * scikit-learn's `ndcg_score`, trec_eval). Both give 1 for binary relevance.
   * @defaultValue `'exponential'`
   */
  gain?: 'exponential' | 'linear';
}

/** Options of {@link catalogCoverage}. */
export interface CatalogCoverageOptions<I> {
  /** Cut-off: only the first `k` recommendations of each user count. A positive integer. */
  k: number;
  /**
   * The catalogue: its items (a `Set` or an array, duplicates ignored; every recommended item
   * must be in it), or just its size (an integer ≥ 1, at least the number of distinct items
   * recommended).
   */
  catalog: number | ReadonlySet<I> | readonly I[];
}

/** Result of {@link catalogCoverage}. */
export interface CatalogCoverageResult {
  /** `distinctItems / catalogSize`, in [0, 1]. */
  readonly coverage: number;
  /** Distinct items in all top-k lists. */
  readonly distinctItems: number;
  /** Size of the catalogue. */
  readonly catalogSize: number;
}

/** Options of {@link novelty}. */
export interface NoveltyOptions<I> {
  /** Cut-off: only the first `k` recommendations of each user count. A positive integer. */
  k: number;
  /**
   * Popularity of each item. With `users`: the number of users who interacted with the item
   * (0 … `users`), so that p = count / users. Without: the probability p itself, in [0, 1].
   * Every recommended item needs an entry with p > 0 (−log2 0 is infinite: smooth the counts).
   */
  popularity: ReadonlyMap<I, number>;
  /** Number of users the counts in `popularity` are out of. Omit when it holds probabilities. */
  users?: number;
}

type ArrayRecs<I> = readonly (readonly I[] | undefined)[];
type ArrayRel<I> = readonly (UserRelevance<I> | undefined)[];

// ---------------------------------------------------------------------------------------------
// Options

const kSchema = z.int().check(z.minimum(1));
const atKSchema = z.strictObject({ k: kSchema });
const ndcgSchema = z.strictObject({ k: kSchema, gain: z.optional(z.enum(['exponential', 'linear'])) });
const coverageSchema = z.strictObject({
  k: kSchema,
  catalog: z.union([
    z.int().check(z.minimum(1)),
    z.custom<ReadonlySet<unknown> | readonly unknown[]>((v) => v instanceof Set || Array.isArray(v)),
  ]),
});
const noveltySchema = z.strictObject({
  k: kSchema,
  popularity: z.custom<ReadonlyMap<unknown, number>>((v) => v instanceof Map, {
    error: 'expected a Map from item to interaction count (with options.users) or probability',
  }),
  users: z.optional(z.int().check(z.minimum(1))),
});

// ---------------------------------------------------------------------------------------------
// Shared machinery

const EMPTY: readonly unknown[] = [];

/** A user's relevance, normalised; one object reused for every user (no per-user allocation). */
interface RelView {
  /** Binary relevance, or null when graded. */
  set: ReadonlySet<unknown> | null;
  /** Graded relevance (relevant = gain > 0), or null when binary. */
  graded: ReadonlyMap<unknown, number> | null;
  /** Number of relevant items. */
  size: number;
}

/** Scores one user: `list` has at least `n` entries, `n` = min(k, list length); `rel.size` ≥ 1. */
type Kernel = (list: readonly unknown[], n: number, rel: RelView) => number;

/** 1 / log2(i + 2) for i = 0, 1, …: the discount of rank i + 1, grown on demand. */
class Discounts {
  d = new Float64Array(0);
  /** Prefix sums: ideal[i] = d[0] + … + d[i] (IDCG of i + 1 binary-relevant items). */
  ideal = new Float64Array(0);

  ensure(n: number): void {
    if (n <= this.d.length) return;
    const len = Math.max(n, Math.min(2 * this.d.length, 1 << 30), 16);
    const d = new Float64Array(len);
    const ideal = new Float64Array(len);
    let acc = 0;
    for (let i = 0; i < len; i++) {
      d[i] = 1 / Math.log2(i + 2);
      acc += d[i];
      ideal[i] = acc;
    }
    this.d = d;
    this.ideal = ideal;
  }
}

const sameItem = (a: unknown, b: unknown): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Label of a user in issue paths: the index for arrays, the shown key for Maps. */
const userLabel = (user: unknown, keyed: boolean): string => (keyed ? show(user) : String(user));

/**
 * Checks the first `n` entries of a list: no `undefined`/`null`, no repeated item. Adds an issue
 * per bad position; returns whether the list is clean.
 */
function checkTop(list: readonly unknown[], n: number, user: unknown, keyed: boolean, issues: IssueCollector): boolean {
  let ok = true;
  const row = keyed ? undefined : (user as number);
  const label = userLabel(user, keyed);
  if (n <= 32) {
    for (let i = 0; i < n; i++) {
      const item = list[i];
      if (item === undefined || item === null) {
        issues.add(`recommended[${label}][${i}]`, `user ${label}, position ${i}: expected an item, got ${show(item)}`, row);
        ok = false;
        continue;
      }
      for (let j = 0; j < i; j++) {
        if (sameItem(list[j], item)) {
          issues.add(
            `recommended[${label}][${i}]`,
            `user ${label}, position ${i}: item ${show(item)} is already at position ${j}; repeated items would count twice (and inflate precision), so remove duplicates from the list`,
            row,
          );
          ok = false;
          break;
        }
      }
    }
    return ok;
  }
  const seen = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const item = list[i];
    if (item === undefined || item === null) {
      issues.add(`recommended[${label}][${i}]`, `user ${label}, position ${i}: expected an item, got ${show(item)}`, row);
      ok = false;
      continue;
    }
    const j = seen.get(item);
    if (j !== undefined) {
      issues.add(
        `recommended[${label}][${i}]`,
        `user ${label}, position ${i}: item ${show(item)} is already at position ${j}; repeated items would count twice (and inflate precision), so remove duplicates from the list`,
        row,
      );
      ok = false;
    } else seen.set(item, i);
  }
  return ok;
}

/** Resolves the two inputs to one form, or throws naming the argument that does not fit. */
function inputForm(recommended: unknown, relevant: unknown, context: string): boolean {
  const recKeyed = recommended instanceof Map;
  const relKeyed = relevant instanceof Map;
  const issues: { path: string; message: string }[] = [];
  if (!recKeyed && !Array.isArray(recommended)) {
    issues.push({ path: 'recommended', message: `expected a Map from user to item list, or an array of lists, got ${show(recommended)}` });
  }
  if (!relKeyed && !Array.isArray(relevant)) {
    issues.push({ path: 'relevant', message: `expected a Map from user to relevant items, or an array of them, got ${show(relevant)}` });
  }
  if (issues.length === 0 && recKeyed !== relKeyed) {
    issues.push({
      path: 'relevant',
      message: `expected the same form as recommended (${recKeyed ? 'a Map keyed by user' : 'an array indexed by user'}), got ${relKeyed ? 'a Map' : 'an array'}`,
    });
  }
  if (issues.length > 0) throw new InvalidInputError(context, issues);
  return recKeyed;
}

/**
 * Normalises one user's relevance into `view` (and returns false, after adding an issue, when it
 * is malformed). `maxGain` bounds graded gains (2^gain must stay finite for exponential NDCG).
 */
function loadRelevance(
  entry: unknown,
  view: RelView,
  user: unknown,
  keyed: boolean,
  issues: IssueCollector,
  maxGain: number,
): boolean {
  view.set = null;
  view.graded = null;
  view.size = 0;
  if (entry === undefined) return true;
  if (entry instanceof Set) {
    view.set = entry as ReadonlySet<unknown>;
    view.size = entry.size;
    return true;
  }
  if (Array.isArray(entry)) {
    const set = new Set<unknown>(entry);
    view.set = set;
    view.size = set.size;
    return true;
  }
  const label = userLabel(user, keyed);
  const row = keyed ? undefined : (user as number);
  if (entry instanceof Map) {
    let size = 0;
    let ok = true;
    for (const [item, gain] of entry as ReadonlyMap<unknown, unknown>) {
      if (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0 || gain > maxGain) {
        const bound = maxGain === Infinity ? '' : ` and ≤ ${maxGain} (2^gain must be finite for the exponential gain)`;
        issues.add(`relevant[${label}]`, `user ${label}, item ${show(item)}: expected a finite gain ≥ 0${bound}, got ${show(gain)}`, row);
        ok = false;
      } else if (gain > 0) size++;
    }
    view.graded = entry as ReadonlyMap<unknown, number>;
    view.size = size;
    return ok;
  }
  issues.add(
    `relevant[${label}]`,
    `user ${label}: expected a Set or an array of relevant items, or a Map from item to gain, got ${show(entry)}`,
    row,
  );
  return false;
}

/** Number of relevant items among the first `n` of `list`. */
function countHits(list: readonly unknown[], n: number, rel: RelView): number {
  let hits = 0;
  const set = rel.set;
  if (set !== null) {
    for (let i = 0; i < n; i++) if (set.has(list[i])) hits++;
  } else {
    const graded = rel.graded!;
    for (let i = 0; i < n; i++) if ((graded.get(list[i]) ?? 0) > 0) hits++;
  }
  return hits;
}

const isRelevant = (rel: RelView, item: unknown): boolean =>
  rel.set !== null ? rel.set.has(item) : (rel.graded!.get(item) ?? 0) > 0;

/** The mean of the non-skipped scores, or NotEnoughDataError when every user was skipped. */
function finish<P>(context: string, perUser: P, sum: number, evaluated: number, skipped: number, what: string): RankingResult<P> {
  if (evaluated === 0) {
    throw new NotEnoughDataError(`${context}: no user to evaluate (${skipped} users, none with ${what})`, 1, 0);
  }
  return { mean: sum / evaluated, perUser, evaluatedUsers: evaluated, skippedUsers: skipped };
}

/**
 * Runs a per-user accuracy metric: walks the users of `relevant`, checks and normalises each,
 * and calls `kernel` for the ones with a relevant item. `prepare(n, size)` runs before each
 * kernel call (NDCG grows its discount table there).
 */
function perUserMetric(
  context: string,
  recommended: unknown,
  relevant: unknown,
  k: number,
  kernel: Kernel,
  maxGain = Infinity,
  prepare?: (n: number, size: number) => void,
): RankingResult<Map<unknown, number>> | RankingResult<Float64Array> {
  const keyed = inputForm(recommended, relevant, context);
  const issues = new IssueCollector();
  const view: RelView = { set: null, graded: null, size: 0 };
  let sum = 0;
  let evaluated = 0;
  let skipped = 0;

  const score = (user: unknown, entry: unknown, list: unknown): number => {
    if (!loadRelevance(entry, view, user, keyed, issues, maxGain)) return NaN;
    if (view.size === 0) {
      skipped++;
      return NaN;
    }
    let items: readonly unknown[] = EMPTY;
    if (list !== undefined) {
      if (!Array.isArray(list)) {
        const label = userLabel(user, keyed);
        issues.add(`recommended[${label}]`, `user ${label}: expected an array of items, got ${show(list)}`, keyed ? undefined : (user as number));
        return NaN;
      }
      items = list as readonly unknown[];
    }
    const n = Math.min(k, items.length);
    if (!checkTop(items, n, user, keyed, issues)) return NaN;
    prepare?.(n, view.size);
    const s = kernel(items, n, view);
    sum += s;
    evaluated++;
    return s;
  };

  if (keyed) {
    const rec = recommended as ReadonlyMap<unknown, unknown>;
    const perUser = new Map<unknown, number>();
    for (const [user, entry] of relevant as ReadonlyMap<unknown, unknown>) perUser.set(user, score(user, entry, rec.get(user)));
    issues.throwIfAny(context);
    return finish(context, perUser, sum, evaluated, skipped, 'a relevant item');
  }
  const rec = recommended as readonly unknown[];
  const rel = relevant as readonly unknown[];
  const perUser = new Float64Array(rel.length);
  for (let u = 0; u < rel.length; u++) perUser[u] = score(u, rel[u], u < rec.length ? rec[u] : undefined);
  issues.throwIfAny(context);
  return finish(context, perUser, sum, evaluated, skipped, 'a relevant item');
}

// ---------------------------------------------------------------------------------------------
// Accuracy metrics

/**
 * Precision at k: the share of the top `k` recommendations that are relevant,
 * |top-k ∩ relevant| / k, per user and averaged over users (see the module notes for which
 * users).
 *
 * The denominator is always `k`, as in the textbook definition (Manning, Raghavan & Schütze,
 * *Introduction to Information Retrieval*, 2008, §8.4), even for a list shorter than `k`: the
 * unused slots count as misses, so a recommender is not rewarded for recommending less. Hence
 * P@k ≤ min(k, |relevant|) / k, reached by a perfect ranking.
 *
 * @param recommended - each user's recommendations, best first: a `Map<user, item[]>`, or an
 *   array of lists indexed by user.
 * @param relevant - each user's relevant items ({@link UserRelevance}), in the same form.
 * @param options - `k`, see {@link AtKOptions}.
 * @returns {@link RankingResult}: `perUser` a `Map` for Map input, a `Float64Array` for arrays.
 * @throws {@link InvalidInputError} for a bad `k`, a repeated or missing item in a top-k list
 *   (naming the user and position), or a malformed argument.
 * @throws {@link NotEnoughDataError} when no user has a relevant item.
 *
 * @example
 * ```ts
 * import { precisionAtK } from 'clmkit';
 * const recommended = new Map([['ann', ['a', 'b', 'c', 'd', 'e']], ['bob', ['x', 'y']]]);
 * const relevant = new Map([['ann', new Set(['a', 'c', 'f'])], ['bob', new Set(['y'])], ['cy', new Set<string>()]]);
 * const r = precisionAtK(recommended, relevant, { k: 5 });
 * console.log(r.perUser); // Map(3) { 'ann' => 0.4, 'bob' => 0.2, 'cy' => NaN }
 * console.log(r.mean, r.evaluatedUsers, r.skippedUsers); // 0.30000000000000004 2 1
 * ```
 */
export function precisionAtK<U, I>(
  recommended: ReadonlyMap<U, readonly I[]>,
  relevant: ReadonlyMap<U, UserRelevance<I>>,
  options: AtKOptions,
): RankingResult<Map<U, number>>;
export function precisionAtK<I>(recommended: ArrayRecs<I>, relevant: ArrayRel<I>, options: AtKOptions): RankingResult<Float64Array>;
export function precisionAtK(
  recommended: unknown,
  relevant: unknown,
  options: AtKOptions,
): RankingResult<Map<unknown, number>> | RankingResult<Float64Array> {
  const { k } = parseOptions(atKSchema, options, 'precisionAtK');
  return perUserMetric('precisionAtK', recommended, relevant, k, (list, n, rel) => countHits(list, n, rel) / k);
}

/**
 * Recall at k: the share of a user's relevant items found in the top `k`,
 * |top-k ∩ relevant| / |relevant|, per user and averaged over users. (Some libraries divide by
 * min(k, |relevant|) instead, so that a perfect ranking scores 1 when |relevant| > k; this is the
 * plain definition, which cannot reach 1 then.) Non-decreasing in `k`.
 *
 * @param recommended - each user's recommendations, best first (Map or array of lists).
 * @param relevant - each user's relevant items ({@link UserRelevance}), in the same form.
 * @param options - `k`, see {@link AtKOptions}.
 * @returns {@link RankingResult}.
 * @throws {@link InvalidInputError} / {@link NotEnoughDataError} as {@link precisionAtK}.
 *
 * @example
 * ```ts
 * import { recallAtK } from 'clmkit';
 * // user 0: 2 of its 3 relevant items in the top 5; user 1: 1 of 2 in the top 5
 * const r = recallAtK([['a', 'b', 'c', 'd', 'e'], ['q', 'r']], [new Set(['a', 'c', 'f']), ['r', 's']], { k: 5 });
 * console.log(r.perUser, r.mean); // Float64Array(2) [ 0.6666666666666666, 0.5 ] 0.5833333333333333
 * ```
 */
export function recallAtK<U, I>(
  recommended: ReadonlyMap<U, readonly I[]>,
  relevant: ReadonlyMap<U, UserRelevance<I>>,
  options: AtKOptions,
): RankingResult<Map<U, number>>;
export function recallAtK<I>(recommended: ArrayRecs<I>, relevant: ArrayRel<I>, options: AtKOptions): RankingResult<Float64Array>;
export function recallAtK(
  recommended: unknown,
  relevant: unknown,
  options: AtKOptions,
): RankingResult<Map<unknown, number>> | RankingResult<Float64Array> {
  const { k } = parseOptions(atKSchema, options, 'recallAtK');
  return perUserMetric('recallAtK', recommended, relevant, k, (list, n, rel) => countHits(list, n, rel) / rel.size);
}

/**
 * F1 at k: the harmonic mean of {@link precisionAtK} and {@link recallAtK} of each user,
 * 2·P·R / (P + R) (0 when there is no hit), then averaged over users (the mean of per-user F1, not
 * the F1 of the mean precision and recall).
 *
 * @param recommended - each user's recommendations, best first (Map or array of lists).
 * @param relevant - each user's relevant items ({@link UserRelevance}), in the same form.
 * @param options - `k`, see {@link AtKOptions}.
 * @returns {@link RankingResult}.
 * @throws {@link InvalidInputError} / {@link NotEnoughDataError} as {@link precisionAtK}.
 *
 * @example
 * ```ts
 * import { f1AtK } from 'clmkit';
 * // P@5 = 2/5, R@5 = 2/3 → F1 = 2·(2/5)(2/3) / (2/5 + 2/3) = 1/2
 * const r = f1AtK([['a', 'b', 'c', 'd', 'e']], [new Set(['a', 'c', 'f'])], { k: 5 });
 * console.log(r.mean); // 0.5
 * ```
 */
export function f1AtK<U, I>(
  recommended: ReadonlyMap<U, readonly I[]>,
  relevant: ReadonlyMap<U, UserRelevance<I>>,
  options: AtKOptions,
): RankingResult<Map<U, number>>;
export function f1AtK<I>(recommended: ArrayRecs<I>, relevant: ArrayRel<I>, options: AtKOptions): RankingResult<Float64Array>;
export function f1AtK(
  recommended: unknown,
  relevant: unknown,
  options: AtKOptions,
): RankingResult<Map<unknown, number>> | RankingResult<Float64Array> {
  const { k } = parseOptions(atKSchema, options, 'f1AtK');
  return perUserMetric('f1AtK', recommended, relevant, k, (list, n, rel) => {
    const hits = countHits(list, n, rel);
    if (hits === 0) return 0;
    const p = hits / k;
    const r = hits / rel.size;
    return (2 * p * r) / (p + r);
  });
}

/**
 * Hit rate at k: 1 for a user with at least one relevant item in the top `k`, else 0; the mean
 * is the share of users with a hit.
 *
 * @param recommended - each user's recommendations, best first (Map or array of lists).
 * @param relevant - each user's relevant items ({@link UserRelevance}), in the same form.
 * @param options - `k`, see {@link AtKOptions}.
 * @returns {@link RankingResult}.
 * @throws {@link InvalidInputError} / {@link NotEnoughDataError} as {@link precisionAtK}.
 *
 * @example
 * ```ts
 * import { hitRateAtK } from 'clmkit';
 * const r = hitRateAtK([['a', 'b'], ['c', 'd'], ['e']], [['b'], ['x'], ['e', 'z']], { k: 2 });
 * console.log(r.perUser, r.mean); // Float64Array(3) [ 1, 0, 1 ] 0.6666666666666666
 * ```
 */
export function hitRateAtK<U, I>(
  recommended: ReadonlyMap<U, readonly I[]>,
  relevant: ReadonlyMap<U, UserRelevance<I>>,
  options: AtKOptions,
): RankingResult<Map<U, number>>;
export function hitRateAtK<I>(recommended: ArrayRecs<I>, relevant: ArrayRel<I>, options: AtKOptions): RankingResult<Float64Array>;
export function hitRateAtK(
  recommended: unknown,
  relevant: unknown,
  options: AtKOptions,
): RankingResult<Map<unknown, number>> | RankingResult<Float64Array> {
  const { k } = parseOptions(atKSchema, options, 'hitRateAtK');
  return perUserMetric('hitRateAtK', recommended, relevant, k, (list, n, rel) => {
    for (let i = 0; i < n; i++) if (isRelevant(rel, list[i])) return 1;
    return 0;
  });
}

/**
 * Average precision at k of each user, and its mean over users (MAP@k):
 *
 * AP@k = (1 / min(k, |relevant|)) · Σ_{i=1..k} P@i · rel_i,
 *
 * where rel_i is 1 when the item at rank i is relevant and P@i is the precision of the top i.
 * The normaliser min(k, |relevant|) is the one of Ben Hamner's `ml_metrics` (`apk`, the Kaggle
 * MAP@k), so a perfect ranking scores 1 even when the user has more than `k` relevant items.
 * Users without relevant items are skipped here (`ml_metrics` gives them a fixed score instead).
 * recmetrics' current `mapk` differs: it divides by the number of hits in the top k, which
 * ignores relevant items that were missed.
 *
 * @param recommended - each user's recommendations, best first (Map or array of lists).
 * @param relevant - each user's relevant items ({@link UserRelevance}), in the same form.
 * @param options - `k`, see {@link AtKOptions}.
 * @returns {@link RankingResult}; `mean` is MAP@k.
 * @throws {@link InvalidInputError} / {@link NotEnoughDataError} as {@link precisionAtK}.
 *
 * @example
 * ```ts
 * import { averagePrecisionAtK } from 'clmkit';
 * // hits at ranks 1 and 3: (1/1 + 2/3) / min(5, 3)
 * const r = averagePrecisionAtK([['a', 'b', 'c', 'd', 'e']], [new Set(['a', 'c', 'f'])], { k: 5 });
 * console.log(r.mean); // 0.5555555555555555
 * ```
 */
export function averagePrecisionAtK<U, I>(
  recommended: ReadonlyMap<U, readonly I[]>,
  relevant: ReadonlyMap<U, UserRelevance<I>>,
  options: AtKOptions,
): RankingResult<Map<U, number>>;
export function averagePrecisionAtK<I>(
  recommended: ArrayRecs<I>,
  relevant: ArrayRel<I>,
  options: AtKOptions,
): RankingResult<Float64Array>;
export function averagePrecisionAtK(
  recommended: unknown,
  relevant: unknown,
  options: AtKOptions,
): RankingResult<Map<unknown, number>> | RankingResult<Float64Array> {
  const { k } = parseOptions(atKSchema, options, 'averagePrecisionAtK');
  return perUserMetric('averagePrecisionAtK', recommended, relevant, k, (list, n, rel) => {
    let hits = 0;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      if (isRelevant(rel, list[i])) {
        hits++;
        acc += hits / (i + 1);
      }
    }
    return acc / Math.min(k, rel.size);
  });
}

/**
 * Mean average precision at k: the same function as {@link averagePrecisionAtK} (its `mean` is
 * MAP@k), under the name most libraries use.
 *
 * @example
 * ```ts
 * import { mapAtK } from 'clmkit';
 * // user 0: (1/1 + 2/3) / 3 = 5/9; user 1: hit at rank 2 → (1/2) / min(2, 1) = 1/2
 * const r = mapAtK([['a', 'b', 'c'], ['x', 'y']], [['a', 'c', 'f'], ['y']], { k: 3 });
 * console.log(r.mean); // 0.5277777777777777
 * ```
 */
export const mapAtK: typeof averagePrecisionAtK = averagePrecisionAtK;

/**
 * Normalised discounted cumulative gain at k, per user and averaged over users:
 * NDCG@k = DCG@k / IDCG@k with
 *
 * DCG@k = Σ_{i=1..k} gain(rel_i) / log2(i + 1),
 *
 * and IDCG@k the DCG of the ideal ordering of the user's relevant items (their gains sorted
 * decreasing, truncated to `k`).
 *
 * - Binary relevance (a `Set` or array): gain 1 for a relevant item, 0 otherwise.
 * - Graded relevance (a `Map<item, gain>`): `options.gain` `'exponential'` (default) uses
 *   2^rel − 1, as Burges et al. (2005) and the defaults of LightGBM (`label_gain`) and XGBoost
 *   (`ndcg_exp_gain`); `'linear'` uses rel itself, as Järvelin & Kekäläinen (2002),
 *   scikit-learn's `ndcg_score` and trec_eval. Items absent from the map have gain 0.
 *
 * Fast: the discounts 1/log2(i+1) are computed once per call, and binary IDCG is a table lookup;
 * 100,000 users × top-10 with `Set`s of relevant items take a few tens of milliseconds.
 *
 * @param recommended - each user's recommendations, best first (Map or array of lists).
 * @param relevant - each user's relevant items or gains ({@link UserRelevance}), in the same form.
 * @param options - `k` and `gain`, see {@link NdcgOptions}.
 * @returns {@link RankingResult}.
 * @throws {@link InvalidInputError} as {@link precisionAtK}, and for a gain that is negative,
 *   not finite, or above 1023 with the exponential gain (2^gain overflows).
 * @throws {@link NotEnoughDataError} when no user has a relevant item (gain > 0).
 *
 * @example
 * ```ts
 * import { ndcgAtK } from 'clmkit';
 * // binary: hits at ranks 1 and 3 of 3 relevant items:
 * // (1/log2 2 + 1/log2 4) / (1/log2 2 + 1/log2 3 + 1/log2 4)
 * const binary = ndcgAtK([['a', 'b', 'c', 'd', 'e']], [new Set(['a', 'c', 'f'])], { k: 5 });
 * console.log(binary.mean); // ≈ 0.7039
 *
 * // graded, linear gain: DCG = 3/log2 2 + 0/log2 3 + 2/log2 4 = 4; ideal order a(3) b(3) c(2):
 * // IDCG = 3/log2 2 + 3/log2 3 + 2/log2 4 = 4 + 3/log2 3; NDCG = 4 / (4 + 3/log2 3)
 * const graded = new Map([['u', new Map([['a', 3], ['b', 3], ['c', 2]])]]);
 * const linear = ndcgAtK(new Map([['u', ['a', 'x', 'c']]]), graded, { k: 3, gain: 'linear' });
 * console.log(linear.mean); // ≈ 0.6788
 * ```
 */
export function ndcgAtK<U, I>(
  recommended: ReadonlyMap<U, readonly I[]>,
  relevant: ReadonlyMap<U, UserRelevance<I>>,
  options: NdcgOptions,
): RankingResult<Map<U, number>>;
export function ndcgAtK<I>(recommended: ArrayRecs<I>, relevant: ArrayRel<I>, options: NdcgOptions): RankingResult<Float64Array>;
export function ndcgAtK(
  recommended: unknown,
  relevant: unknown,
  options: NdcgOptions,
): RankingResult<Map<unknown, number>> | RankingResult<Float64Array> {
  const { k, gain: gainKind = 'exponential' } = parseOptions(ndcgSchema, options, 'ndcgAtK');
  const exponential = gainKind === 'exponential';
  const gain = exponential ? (g: number): number => 2 ** g - 1 : (g: number): number => g;
  const disc = new Discounts();
  let scratch = new Float64Array(16);
  const kernel: Kernel = (list, n, rel) => {
    const d = disc.d;
    let dcg = 0;
    const set = rel.set;
    if (set !== null) {
      for (let i = 0; i < n; i++) if (set.has(list[i])) dcg += d[i];
      return dcg / disc.ideal[Math.min(k, rel.size) - 1];
    }
    const graded = rel.graded!;
    for (let i = 0; i < n; i++) {
      const g = graded.get(list[i]);
      if (g !== undefined && g > 0) dcg += gain(g) * d[i];
    }
    // IDCG: the positive gains, best first, truncated to k.
    if (scratch.length < rel.size) scratch = new Float64Array(Math.max(rel.size, 2 * scratch.length));
    let m = 0;
    for (const g of graded.values()) if (g > 0) scratch[m++] = g;
    const sorted = scratch.subarray(0, m).sort();
    const top = Math.min(k, m);
    let idcg = 0;
    for (let i = 0; i < top; i++) idcg += gain(sorted[m - 1 - i]) * d[i];
    return dcg / idcg;
  };
  return perUserMetric('ndcgAtK', recommended, relevant, k, kernel, exponential ? 1023 : Infinity, (n, size) => {
    disc.ensure(Math.max(n, Math.min(k, size)));
  });
}

// ---------------------------------------------------------------------------------------------
// Beyond accuracy

/** Iterates the users' lists of either input form, with the user (index or key). */
function forEachList(
  recommended: unknown,
  context: string,
  issues: IssueCollector,
  visit: (user: unknown, list: readonly unknown[]) => void,
): void {
  const keyed = recommended instanceof Map;
  if (!keyed && !Array.isArray(recommended)) {
    throw new InvalidInputError(context, [
      { path: 'recommended', message: `expected a Map from user to item list, or an array of lists, got ${show(recommended)}` },
    ]);
  }
  const one = (user: unknown, list: unknown): void => {
    if (list === undefined) {
      visit(user, EMPTY);
      return;
    }
    if (!Array.isArray(list)) {
      const label = userLabel(user, keyed);
      issues.add(`recommended[${label}]`, `user ${label}: expected an array of items, got ${show(list)}`, keyed ? undefined : (user as number));
      return;
    }
    visit(user, list as readonly unknown[]);
  };
  if (keyed) for (const [user, list] of recommended as ReadonlyMap<unknown, unknown>) one(user, list);
  else {
    const rec = recommended as readonly unknown[];
    for (let u = 0; u < rec.length; u++) one(u, rec[u]);
  }
}

/**
 * Catalogue coverage: the share of the catalogue that appears in at least one user's top `k`,
 * distinct recommended items / catalogue size (Ge, Delgado-Battenfeld & Jannach 2010). Every
 * list in `recommended` counts; there is no ground truth.
 *
 * @param recommended - each user's recommendations, best first (Map or array of lists).
 * @param options - `k` and `catalog` (its items, or its size), see {@link CatalogCoverageOptions}.
 * @returns `coverage`, `distinctItems` and `catalogSize`.
 * @throws {@link InvalidInputError} for a bad `k` or catalogue, a repeated or missing item in a
 *   top-k list, an item outside the catalogue (naming the user and position), or more distinct
 *   items than a catalogue size allows.
 *
 * @example
 * ```ts
 * import { catalogCoverage } from 'clmkit';
 * const recommended = [['a', 'b', 'c'], ['a', 'd', 'e']];
 * // top 2: {a, b} ∪ {a, d} = 3 distinct items of 6
 * const c = catalogCoverage(recommended, { k: 2, catalog: ['a', 'b', 'c', 'd', 'e', 'f'] });
 * console.log(c); // { coverage: 0.5, distinctItems: 3, catalogSize: 6 }
 * console.log(catalogCoverage(recommended, { k: 3, catalog: 10 }).coverage); // 0.5
 * ```
 */
export function catalogCoverage<I>(
  recommended: ReadonlyMap<unknown, readonly I[]> | ArrayRecs<I>,
  options: CatalogCoverageOptions<I>,
): CatalogCoverageResult {
  const context = 'catalogCoverage';
  const { k, catalog } = parseOptions(coverageSchema, options, context);
  const catalogSet = typeof catalog === 'number' ? null : catalog instanceof Set ? catalog : new Set(catalog as readonly unknown[]);
  const catalogSize = catalogSet === null ? (catalog as number) : catalogSet.size;
  if (catalogSize === 0) {
    throw new InvalidInputError(context, [{ path: 'options.catalog', message: 'expected a non-empty catalogue, got an empty one' }]);
  }
  const issues = new IssueCollector();
  const seen = new Set<unknown>();
  const keyed = recommended instanceof Map;
  forEachList(recommended, context, issues, (user, list) => {
    const n = Math.min(k, list.length);
    if (!checkTop(list, n, user, keyed, issues)) return;
    for (let i = 0; i < n; i++) {
      const item = list[i];
      if (catalogSet !== null && !catalogSet.has(item)) {
        const label = userLabel(user, keyed);
        issues.add(
          `recommended[${label}][${i}]`,
          `user ${label}, position ${i}: item ${show(item)} is not in options.catalog`,
          keyed ? undefined : (user as number),
        );
      } else seen.add(item);
    }
  });
  issues.throwIfAny(context);
  if (seen.size > catalogSize) {
    throw new InvalidInputError(context, [
      {
        path: 'options.catalog',
        message: `expected a catalogue size ≥ the ${seen.size} distinct items recommended, got ${catalogSize}`,
      },
    ]);
  }
  return { coverage: seen.size / catalogSize, distinctItems: seen.size, catalogSize };
}

/**
 * Novelty: the mean self-information −log2 p(item) of the recommended items, where p is the
 * item's popularity, the share of users who interacted with it (Zhou et al. 2010, PNAS 107(10);
 * recmetrics' `novelty`). Rarely seen items are more novel; 0 means only items every user knew.
 *
 * Per user: the mean over the first min(k, list length) items; then the mean over users with a
 * non-empty list (users with an empty list are skipped). recmetrics divides each user's sum by
 * the nominal list length instead, which agrees whenever every list has `k` items.
 *
 * Popularity is given as counts with `options.users` (p = count / users, the form recmetrics
 * takes) or directly as probabilities (no `users`). Counts must lie in [0, users] and
 * probabilities in [0, 1]; a recommended item must have an entry and p > 0.
 *
 * @param recommended - each user's recommendations, best first (Map or array of lists).
 * @param options - `k`, `popularity` and `users`, see {@link NoveltyOptions}.
 * @returns {@link RankingResult} over the users of `recommended`; `mean` ≥ 0, in bits.
 * @throws {@link InvalidInputError} for bad options or popularity values, a repeated or missing
 *   item in a top-k list, or a recommended item without a positive popularity (naming the user
 *   and position).
 * @throws {@link NotEnoughDataError} when every list is empty.
 *
 * @example
 * ```ts
 * import { novelty } from 'clmkit';
 * // 8 users; a was seen by 4 (p = 1/2), b by 2 (1/4), c by 1 (1/8)
 * // ann: (−log2 1/2 − log2 1/4) / 2 = (1 + 2) / 2 = 1.5 bits; bob: −log2 1/8 = 3 bits
 * const popularity = new Map([['a', 4], ['b', 2], ['c', 1]]);
 * const r = novelty(new Map([['ann', ['a', 'b']], ['bob', ['c']]]), { k: 2, popularity, users: 8 });
 * console.log(r.perUser, r.mean); // Map(2) { 'ann' => 1.5, 'bob' => 3 } 2.25
 * ```
 */
export function novelty<U, I>(recommended: ReadonlyMap<U, readonly I[]>, options: NoveltyOptions<I>): RankingResult<Map<U, number>>;
export function novelty<I>(recommended: ArrayRecs<I>, options: NoveltyOptions<I>): RankingResult<Float64Array>;
export function novelty(
  recommended: unknown,
  options: NoveltyOptions<unknown>,
): RankingResult<Map<unknown, number>> | RankingResult<Float64Array> {
  const context = 'novelty';
  const { k, popularity, users } = parseOptions(noveltySchema, options, context);
  const issues = new IssueCollector();
  const upper = users ?? 1;
  for (const [item, v] of popularity) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > upper) {
      const what = users === undefined ? 'a probability in [0, 1] (or pass options.users if these are counts)' : `a count in [0, ${users}] (options.users)`;
      issues.add('options.popularity', `item ${show(item)}: expected ${what}, got ${show(v)}`);
    }
  }
  issues.throwIfAny(context);
  const keyed = recommended instanceof Map;
  const perUserMap = new Map<unknown, number>();
  const perUserArr = keyed || !Array.isArray(recommended) ? new Float64Array(0) : new Float64Array(recommended.length);
  let sum = 0;
  let evaluated = 0;
  let skipped = 0;
  const invUsers = 1 / upper;
  forEachList(recommended, context, issues, (user, list) => {
    const n = Math.min(k, list.length);
    let s = NaN;
    if (n === 0) skipped++;
    else if (checkTop(list, n, user, keyed, issues)) {
      let acc = 0;
      let ok = true;
      for (let i = 0; i < n; i++) {
        const item = list[i];
        const v = popularity.get(item);
        if (v === undefined || v === 0) {
          const label = userLabel(user, keyed);
          issues.add(
            `recommended[${label}][${i}]`,
            v === undefined
              ? `user ${label}, position ${i}: item ${show(item)} is not in options.popularity`
              : `user ${label}, position ${i}: item ${show(item)} has popularity 0, so its self-information −log2 0 is infinite; smooth the counts (e.g. add 1)`,
            keyed ? undefined : (user as number),
          );
          ok = false;
        } else acc -= Math.log2(v * invUsers);
      }
      if (ok) {
        s = acc / n;
        sum += s;
        evaluated++;
      }
    }
    if (keyed) perUserMap.set(user, s);
    else perUserArr[user as number] = s;
  });
  issues.throwIfAny(context);
  return keyed
    ? finish(context, perUserMap, sum, evaluated, skipped, 'a recommendation')
    : finish(context, perUserArr, sum, evaluated, skipped, 'a recommendation');
}
