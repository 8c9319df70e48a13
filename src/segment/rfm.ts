/**
 * RFM (recency, frequency, monetary) quantile scores, named RFM segments and value tiers.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import { quantileSorted } from '../math/quantile.js';
import { toEpochMs } from '../data/time.js';
import type { CustomerId, CustomerSummary, TimestampInput } from '../data/types.js';

const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Types

/** One customer's raw RFM values, as accepted by {@link rfmScores}. */
export interface RfmRow {
  /** Who. */
  customerId: CustomerId;
  /** Time since the last purchase (any unit; smaller = more recent). */
  recency: number;
  /** Number of purchases (or occasions). */
  frequency: number;
  /** Spend (mean per purchase, or total: your choice). */
  monetary: number;
}

/** Raw RFM values as columns of equal length, as accepted by {@link rfmScores}. */
export interface RfmColumns {
  /** Who. */
  customerId: ArrayLike<CustomerId>;
  /** Time since the last purchase (smaller = more recent). */
  recency: ArrayLike<number>;
  /** Number of purchases. */
  frequency: ArrayLike<number>;
  /** Spend. */
  monetary: ArrayLike<number>;
}

/** What {@link rfmScores} accepts: a `summarize` result, rows, or columns. */
export type RfmInput = CustomerSummary | readonly RfmRow[] | RfmColumns;

/** How tied values are ranked before binning (as pandas' `Series.rank(method=…)`). */
export type RfmTies = 'first' | 'average' | 'dense';

/** Options of {@link rfmScores}. */
export interface RfmScoreOptions {
  /**
   * Number of quantile bins per dimension; scores run 1..bins (1 to 100).
   * @defaultValue `5`
   */
  bins?: number;
  /**
   * For a `CustomerSummary` input: recency in whole days since the last purchase
   * (`'days-since-last'`: ⌊(observationEnd − lastPurchase) / 1 day⌋, like pandas'
   * `Timedelta.days`), or in the summary's own unit (`'periods-since-last'`: `T − recency`, the
   * periods from the last purchase occasion to the observation end). Ignored for rows/columns.
   * @defaultValue `'days-since-last'`
   */
  recency?: 'days-since-last' | 'periods-since-last';
  /**
   * Tie handling. `'first'`: ties broken by input order, bins equal-sized (pandas
   * `rank(method='first')`); `'average'` / `'dense'`: tied values always share a score.
   * @defaultValue `'first'`
   */
  ties?: RfmTies;
  /**
   * For a `CustomerSummary` input with `recency: 'days-since-last'`: measure recency up to this
   * instant instead of the summary's `observationEnd` (must not precede any last purchase).
   */
  asOf?: TimestampInput;
}

/** The result of {@link rfmScores}: one row per customer, in input order. */
export interface RfmScores {
  /** Number of bins asked for (scores are at most this). */
  readonly bins: number;
  /** Customer ids, as strings. */
  readonly customerId: string[];
  /** Recency score, 1..bins; the most recent customers score highest. */
  readonly r: Uint8Array;
  /** Frequency score, 1..bins; the most frequent score highest. */
  readonly f: Uint8Array;
  /** Monetary score, 1..bins; the biggest spenders score highest. */
  readonly m: Uint8Array;
  /** `r`, `f`, `m` as one string (`'545'`); joined with `'-'` when bins > 9 (`'10-3-7'`). */
  readonly code: string[];
  /** Recency value used (smaller = more recent). */
  readonly recency: Float64Array;
  /** Frequency value used. */
  readonly frequency: Float64Array;
  /** Monetary value used. */
  readonly monetary: Float64Array;
}

// ---------------------------------------------------------------------------------------------
// rfmScores

const scoreOptionsSchema = z.strictObject({
  bins: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
  recency: z.optional(z.enum(['days-since-last', 'periods-since-last'])),
  ties: z.optional(z.enum(['first', 'average', 'dense'])),
  asOf: z.optional(
    z.custom<TimestampInput>((v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date),
  ),
});

/**
 * Scores every customer 1..`bins` on recency, frequency and monetary value by quantile.
 *
 * **Values.** From a `CustomerSummary` (see `summarize`): R = time since the last purchase
 * (`options.recency`); F = `frequency + 1`, the number of purchase **occasions** (the summary's
 * `frequency` counts repeats only); M = `totalSpend / (frequency + 1)`, the mean spend per
 * occasion over **all** occasions, the first included (the usual RFM meaning, unlike the
 * summary's `monetaryValue`, which leaves the first out). From rows or columns: the values
 * given, as they are.
 *
 * **Scores.** Each dimension is ranked (pandas `Series.rank(method=ties)`), and the ranks are cut
 * at their quantiles 0, 1/bins, …, 1 (numpy's linear quantile, to the last bit) into right-closed
 * bins, the lowest closed: exactly `pd.qcut(values.rank(method=ties), bins, labels=False,
 * duplicates='drop') + 1`. Recency is reversed: R = k + 1 − (score of the recency value), so the
 * most recent customers score highest. With the default `ties: 'first'` this is the familiar
 * `pd.qcut(s.rank(method='first'), 5, labels=[1, 2, 3, 4, 5])` (`labels=[5, 4, 3, 2, 1]` for
 * recency): tied values are ranked in input order (the earlier row as if smaller), so each score
 * holds ⌊n/bins⌋ or ⌈n/bins⌉ customers. (That holds exactly for bins 2, 3, 4, 5, 8 and 10; for
 * bins such as 6, 7 or 9 numpy computes some edges a hair below a whole rank, e.g.
 * 7.999999999999999, and pandas, so clmkit, then moves that rank up a level.) With `'average'`
 * or `'dense'`, tied values share a rank and so a score; when many values tie, quantile edges
 * coincide and, as with pandas' `duplicates='drop'`, the duplicates are dropped: there are then
 * k < bins bins, scores run 1..k, and R is reversed within 1..k.
 *
 * **Small inputs.** With 2 ≤ n < bins customers and `'first'`, the scores spread over 1..bins
 * (n = 2 gives 1 and bins), as pandas does. Where pandas gives NaN or raises (one customer, or
 * all values tied) every score is 1. No customers give empty columns.
 *
 * One stable radix sort per dimension on typed arrays: 1,000,000 customers take about 0.3 s.
 *
 * @param input - a `CustomerSummary`, `{ customerId, recency, frequency, monetary }` rows, or
 *   columns of those names.
 * @param options - see {@link RfmScoreOptions}.
 * @returns {@link RfmScores}, rows in input order.
 * @throws {@link InvalidInputError} for a non-finite value or missing id (naming the row), or
 *   bad options.
 *
 * @example
 * ```ts
 * import { rfmScores } from 'clmkit';
 * const s = rfmScores(
 *   [
 *     { customerId: 'a', recency: 2, frequency: 9, monetary: 120 },
 *     { customerId: 'b', recency: 40, frequency: 1, monetary: 15 },
 *     { customerId: 'c', recency: 9, frequency: 4, monetary: 60 },
 *   ],
 *   { bins: 3 },
 * );
 * console.log(s.code); // [ '333', '111', '222' ]
 * ```
 */
export function rfmScores(input: RfmInput, options?: RfmScoreOptions): RfmScores {
  const opts = parseOptions(scoreOptionsSchema, options, 'rfmScores');
  const bins = opts.bins ?? 5;
  const ties = opts.ties ?? 'first';
  const v = rfmValues(input, opts);
  const n = v.customerId.length;
  const r = scoreColumn(v.recency, bins, ties, true);
  const f = scoreColumn(v.frequency, bins, ties, false);
  const m = scoreColumn(v.monetary, bins, ties, false);
  const table = codeTable(bins);
  const code = new Array<string>(n);
  const b2 = bins * bins;
  for (let i = 0; i < n; i++) code[i] = table[(r[i] - 1) * b2 + (f[i] - 1) * bins + (m[i] - 1)]!;
  return { bins, customerId: v.customerId, r, f, m, code, recency: v.recency, frequency: v.frequency, monetary: v.monetary };
}

interface Values {
  customerId: string[];
  recency: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
}

function isSummary(x: RfmInput): x is CustomerSummary {
  return !Array.isArray(x) && typeof x === 'object' && 'totalSpend' in x && 'observationEnd' in x && 'lastPurchase' in x;
}

function rfmValues(input: RfmInput, opts: z.infer<typeof scoreOptionsSchema>): Values {
  if ((input as unknown) === null || typeof input !== 'object') {
    throw new InvalidInputError('rfmScores', [
      { path: 'input', message: `expected a CustomerSummary, an array of rows or columns, got ${show(input)}` },
    ]);
  }
  if (isSummary(input)) return summaryValues(input, opts);
  if (opts.asOf !== undefined) {
    throw new InvalidInputError('rfmScores', [
      { path: 'options.asOf', message: 'applies only to a CustomerSummary input (rows and columns carry their own recency)' },
    ]);
  }
  const issues = new IssueCollector();
  if (Array.isArray(input)) {
    const rows = input as readonly RfmRow[];
    const n = rows.length;
    const out = alloc(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i] as RfmRow | undefined;
      if (row === undefined || typeof row !== 'object') {
        issues.add('row', `expected an object, got ${show(row)}`, i);
        continue;
      }
      out.customerId[i] = idOf(row.customerId, i, issues);
      out.recency[i] = num(row.recency, 'recency', i, issues);
      out.frequency[i] = num(row.frequency, 'frequency', i, issues);
      out.monetary[i] = num(row.monetary, 'monetary', i, issues);
    }
    issues.throwIfAny('rfmScores');
    return out;
  }
  const cols = input as RfmColumns;
  const names = ['customerId', 'recency', 'frequency', 'monetary'] as const;
  for (const k of names) {
    const c = cols[k] as ArrayLike<unknown> | undefined;
    if (c === undefined || typeof c.length !== 'number') {
      throw new InvalidInputError('rfmScores', [{ path: k, message: `expected a column (array), got ${show(c)}` }]);
    }
  }
  const n = cols.customerId.length;
  for (const k of names) {
    if (cols[k].length !== n) {
      throw new InvalidInputError('rfmScores', [
        { path: k, message: `expected ${n} values (as many as customerId), got ${cols[k].length}` },
      ]);
    }
  }
  const out = alloc(n);
  for (let i = 0; i < n; i++) {
    out.customerId[i] = idOf(cols.customerId[i], i, issues);
    out.recency[i] = num(cols.recency[i], 'recency', i, issues);
    out.frequency[i] = num(cols.frequency[i], 'frequency', i, issues);
    out.monetary[i] = num(cols.monetary[i], 'monetary', i, issues);
  }
  issues.throwIfAny('rfmScores');
  return out;
}

function alloc(n: number): Values {
  return {
    customerId: new Array<string>(n),
    recency: new Float64Array(n),
    frequency: new Float64Array(n),
    monetary: new Float64Array(n),
  };
}

function idOf(v: unknown, i: number, issues: IssueCollector): string {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  issues.add('customerId', `expected a non-empty string or a finite number, got ${show(v)}`, i);
  return '';
}

function num(v: unknown, path: string, i: number, issues: IssueCollector): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  issues.add(path, `expected a finite number, got ${show(v)}`, i);
  return 0;
}

function summaryValues(s: CustomerSummary, opts: z.infer<typeof scoreOptionsSchema>): Values {
  const n = s.customerId.length;
  const out: Values = {
    customerId: s.customerId.slice(),
    recency: new Float64Array(n),
    frequency: new Float64Array(n),
    monetary: new Float64Array(n),
  };
  const mode = opts.recency ?? 'days-since-last';
  if (mode === 'periods-since-last') {
    if (opts.asOf !== undefined) {
      throw new InvalidInputError('rfmScores', [
        { path: 'options.asOf', message: "applies only with recency: 'days-since-last'" },
      ]);
    }
    for (let i = 0; i < n; i++) out.recency[i] = s.T[i] - s.recency[i];
  } else {
    let end = s.observationEnd.getTime();
    if (opts.asOf !== undefined) {
      end = toEpochMs(opts.asOf);
      if (Number.isNaN(end)) {
        throw new InvalidInputError('rfmScores', [{ path: 'options.asOf', message: `not a valid timestamp: ${show(opts.asOf)}` }]);
      }
    }
    for (let i = 0; i < n; i++) {
      const d = end - s.lastPurchase[i];
      if (d < 0) {
        throw new InvalidInputError('rfmScores', [
          {
            path: 'options.asOf',
            message: `precedes the last purchase of customer ${show(s.customerId[i])} (${new Date(s.lastPurchase[i]).toISOString()})`,
          },
        ]);
      }
      out.recency[i] = Math.floor(d / MS_PER_DAY);
    }
  }
  for (let i = 0; i < n; i++) {
    const occasions = s.frequency[i] + 1;
    out.frequency[i] = occasions;
    out.monetary[i] = s.totalSpend[i] / occasions;
  }
  return out;
}

/** Score strings for every (r, f, m), indexed (r−1)·b² + (f−1)·b + (m−1). */
function codeTable(bins: number): string[] {
  const sep = bins > 9 ? '-' : '';
  const t: string[] = [];
  for (let r = 1; r <= bins; r++) for (let f = 1; f <= bins; f++) for (let m = 1; m <= bins; m++) t.push(`${r}${sep}${f}${sep}${m}`);
  return t;
}

/**
 * Quantile scores 1..k of one column: pandas `qcut(x.rank(method=ties), bins, labels=False,
 * duplicates='drop') + 1`, reversed (k + 1 − s) when `reverse`.
 */
function scoreColumn(x: Float64Array, bins: number, ties: RfmTies, reverse: boolean): Uint8Array {
  const n = x.length;
  const out = new Uint8Array(n);
  if (n === 0) return out;
  const order = stableOrder(x);
  // Rank of the sorted element at each position (non-decreasing), as pandas ranks; with ties
  // 'first' the rank at position p is p + 1 and no array is needed.
  let rs: Float64Array | null = null;
  if (ties !== 'first') {
    rs = new Float64Array(n);
    let d = 0;
    for (let lo = 0; lo < n; ) {
      const v = x[order[lo]];
      let hi = lo + 1;
      while (hi < n && x[order[hi]] === v) hi++;
      d++;
      const rank = ties === 'average' ? (lo + 1 + hi) / 2 : d;
      rs.fill(rank, lo, hi);
      lo = hi;
    }
  }
  const rankAt = (p: number): number => (rs === null ? p + 1 : rs[p]);
  // numpy.quantile(ranks, numpy.linspace(0, 1, bins + 1)) (method 'linear'), bit for bit.
  const step = 1 / bins;
  const edges: number[] = [];
  for (let j = 0; j <= bins; j++) {
    const q = j === bins ? 1 : j * step;
    const virtual = (n - 1) * q;
    let e: number;
    if (virtual >= n - 1) e = rankAt(n - 1);
    else {
      const prev = Math.floor(virtual);
      const t = virtual - prev;
      const a = rankAt(prev);
      const b = rankAt(prev + 1);
      const diff = b - a;
      e = t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }
    if (edges.length === 0 || edges[edges.length - 1] !== e) edges.push(e);
  }
  const k = Math.max(1, edges.length - 1);
  const ne = edges.length;
  // searchsorted(edges, rank, 'left'), the lowest edge included; ranks rise along `order`.
  let s = 0;
  for (let p = 0; p < n; p++) {
    const rank = rs === null ? p + 1 : rs[p];
    while (s < ne && edges[s] < rank) s++;
    const score = s === 0 ? 1 : s;
    out[order[p]] = reverse ? k + 1 - score : score;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Indices of `x` in ascending order of value, equal values in index order (a stable LSD radix
 * sort on the IEEE-754 bits, 16 bits a pass; passes whose digit is constant are skipped).
 * `-0` counts as `0`.
 */
function stableOrder(x: Float64Array): Uint32Array {
  const n = x.length;
  // The bits of one value at a time through a one-element view (no copy of the column).
  const one = new Float64Array(1);
  const words = new Uint32Array(one.buffer);
  const H = LITTLE_ENDIAN ? 1 : 0;
  const L = 1 - H;
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let idx = new Uint32Array(n);
  const counts = new Uint32Array(4 * 65536);
  for (let i = 0; i < n; i++) {
    one[0] = x[i] + 0; // -0 + 0 = +0
    let h = words[H];
    let l = words[L];
    if (h >= 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
    idx[i] = i;
    counts[l & 0xffff]++;
    counts[65536 + (l >>> 16)]++;
    counts[131072 + (h & 0xffff)]++;
    counts[196608 + (h >>> 16)]++;
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536;
    const shift = (pass & 1) * 16;
    const key = pass < 2 ? lo : hi;
    if (counts[base + ((key[0] >>> shift) & 0xffff)] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    if (pass < 2) {
      for (let i = 0; i < n; i++) {
        const pos = counts[base + ((lo[i] >>> shift) & 0xffff)]++;
        lo2[pos] = lo[i]!;
        hi2[pos] = hi[i]!;
        idx2[pos] = idx[i]!;
      }
      [lo, lo2] = [lo2, lo];
    } else {
      for (let i = 0; i < n; i++) {
        const pos = counts[base + ((hi[i] >>> shift) & 0xffff)]++;
        hi2[pos] = hi[i]!;
        idx2[pos] = idx[i]!;
      }
    }
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

// ---------------------------------------------------------------------------------------------
// Segments

/** An inclusive score range `[lo, hi]`. */
export type ScoreRange = readonly [lo: number, hi: number];

/**
 * One named segment of an RFM segment map: a customer belongs to it when R is in `r` and every
 * other range given holds (`fm` on (F + M) / 2; `f`, `m` on the scores themselves). Bounds are
 * inclusive.
 */
export interface RfmSegmentRule {
  /** Segment name. */
  readonly name: string;
  /** Range of the R score. */
  readonly r: ScoreRange;
  /** Range of the combined score FM = (F + M) / 2 (half-steps: 1, 1.5, …, 5). */
  readonly fm?: ScoreRange;
  /** Range of the F score. */
  readonly f?: ScoreRange;
  /** Range of the M score. */
  readonly m?: ScoreRange;
}

/**
 * The default 11-segment RFM map on R and FM = (F + M) / 2, for 5 bins.
 *
 * The names and their meaning are the widespread ones (Putler's "RFM analysis" table, reproduced
 * by many vendors, e.g. docs.churned.io's RFM model: Champions R 4–5 / FM 4–5, Loyal R 2–5 /
 * FM 3–5, Potential Loyalist R 3–5 / FM 1–3, …). Those published ranges overlap and leave gaps,
 * so they only work as "first match wins"; this map is a partition of the same grid instead,
 * every (R, F, M) in exactly one segment:
 *
 * | R \ FM | 1–1.5 | 2–2.5 | 3–3.5 | 4–4.5 | 5 |
 * |---|---|---|---|---|---|
 * | 5 | New Customers | Potential Loyalist | Potential Loyalist | Champions | Champions |
 * | 4 | Promising | Potential Loyalist | Potential Loyalist | Loyal Customers | Loyal Customers |
 * | 3 | About To Sleep | About To Sleep | Need Attention | Loyal Customers | Loyal Customers |
 * | 2 | Lost | Hibernating | At Risk | At Risk | Can't Lose Them |
 * | 1 | Lost | Hibernating | At Risk | At Risk | Can't Lose Them |
 *
 * @example
 * ```ts
 * import { RFM_SEGMENT_MAP } from 'clmkit';
 * console.log(RFM_SEGMENT_MAP.length, RFM_SEGMENT_MAP[0].name); // 11 Champions
 * ```
 */
export const RFM_SEGMENT_MAP: readonly RfmSegmentRule[] = Object.freeze([
  { name: 'Champions', r: [5, 5], fm: [4, 5] },
  { name: 'Loyal Customers', r: [3, 4], fm: [4, 5] },
  { name: 'Potential Loyalist', r: [4, 5], fm: [2, 3.5] },
  { name: 'New Customers', r: [5, 5], fm: [1, 1.5] },
  { name: 'Promising', r: [4, 4], fm: [1, 1.5] },
  { name: 'Need Attention', r: [3, 3], fm: [3, 3.5] },
  { name: 'About To Sleep', r: [3, 3], fm: [1, 2.5] },
  { name: 'At Risk', r: [1, 2], fm: [3, 4.5] },
  { name: "Can't Lose Them", r: [1, 2], fm: [5, 5] },
  { name: 'Hibernating', r: [1, 2], fm: [2, 2.5] },
  { name: 'Lost', r: [1, 2], fm: [1, 1.5] },
] as const satisfies readonly RfmSegmentRule[]);

/** One customer's scores, as accepted by {@link rfmSegments}. */
export interface RfmScoreRecord {
  /** R score. */
  r: number;
  /** F score. */
  f: number;
  /** M score. */
  m: number;
}

/** Options of {@link rfmSegments}. */
export interface RfmSegmentOptions {
  /**
   * The segment map; every (r, f, m) in 1..bins must match exactly one rule.
   * @defaultValue {@link RFM_SEGMENT_MAP}
   */
  map?: readonly RfmSegmentRule[];
  /**
   * Highest score. @defaultValue the `bins` of an {@link rfmScores} result, else 5
   */
  bins?: number;
}

const rangeSchema = z.tuple([z.number(), z.number()]);
const segmentOptionsSchema = z.strictObject({
  map: z.optional(
    z.array(
      z.strictObject({
        name: z.string().check(z.minLength(1)),
        r: rangeSchema,
        fm: z.optional(rangeSchema),
        f: z.optional(rangeSchema),
        m: z.optional(rangeSchema),
      }),
    ).check(z.minLength(1)),
  ),
  bins: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
});

const inRange = (x: number, range: ScoreRange | undefined): boolean => range === undefined || (x >= range[0] && x <= range[1]);

/**
 * Names the RFM segment of each customer, in input order, from a segment map (by default
 * {@link RFM_SEGMENT_MAP}: 11 segments on R and FM = (F + M) / 2).
 *
 * The map is checked first: every combination of scores 1..bins must match exactly one rule,
 * otherwise an {@link InvalidInputError} on `options.map` names a combination left uncovered or
 * covered twice. A score outside 1..bins (or not an integer) throws, naming the row.
 *
 * @param scores - an {@link rfmScores} result, or `{ r, f, m }` records.
 * @param options - see {@link RfmSegmentOptions}.
 * @returns the segment name of each customer.
 * @throws {@link InvalidInputError} for a map with a gap or overlap, or a bad score.
 *
 * @example
 * ```ts
 * import { rfmSegments } from 'clmkit';
 * console.log(rfmSegments([{ r: 5, f: 5, m: 4 }, { r: 1, f: 1, m: 2 }, { r: 2, f: 5, m: 5 }]));
 * // [ 'Champions', 'Lost', "Can't Lose Them" ]
 * ```
 */
export function rfmSegments(
  scores: readonly RfmScoreRecord[] | Pick<RfmScores, 'r' | 'f' | 'm'> & { readonly bins?: number },
  options?: RfmSegmentOptions,
): string[] {
  const opts = parseOptions(segmentOptionsSchema, options, 'rfmSegments');
  const isColumns = !Array.isArray(scores);
  const cols = scores as Pick<RfmScores, 'r' | 'f' | 'm'> & { readonly bins?: number };
  const bins = opts.bins ?? (isColumns && typeof cols.bins === 'number' ? cols.bins : 5);
  const map = opts.map ?? RFM_SEGMENT_MAP;
  const lookup = segmentLookup(map, bins);
  const issues = new IssueCollector();
  const score = (v: unknown, path: string, i: number): number => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= bins) return v;
    issues.add(path, `expected an integer score in 1..${bins}, got ${show(v)}`, i);
    return 1;
  };
  const b2 = bins * bins;
  if (isColumns) {
    const n = cols.r.length;
    if (cols.f.length !== n || cols.m.length !== n) {
      throw new InvalidInputError('rfmSegments', [
        { path: 'scores', message: `columns r, f, m have different lengths (${n}, ${cols.f.length}, ${cols.m.length})` },
      ]);
    }
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const r = score(cols.r[i], 'r', i);
      const f = score(cols.f[i], 'f', i);
      const m = score(cols.m[i], 'm', i);
      out[i] = lookup[(r - 1) * b2 + (f - 1) * bins + (m - 1)]!;
    }
    issues.throwIfAny('rfmSegments');
    return out;
  }
  const recs = scores as readonly RfmScoreRecord[];
  const out = new Array<string>(recs.length);
  for (let i = 0; i < recs.length; i++) {
    const rec = recs[i] as RfmScoreRecord | undefined;
    const r = score(rec?.r, 'r', i);
    const f = score(rec?.f, 'f', i);
    const m = score(rec?.m, 'm', i);
    out[i] = lookup[(r - 1) * b2 + (f - 1) * bins + (m - 1)]!;
  }
  issues.throwIfAny('rfmSegments');
  return out;
}

/** Segment name per (r, f, m), after checking that the map is a partition of 1..bins³. */
function segmentLookup(map: readonly RfmSegmentRule[], bins: number): string[] {
  const out: string[] = [];
  for (let r = 1; r <= bins; r++) {
    for (let f = 1; f <= bins; f++) {
      for (let m = 1; m <= bins; m++) {
        const fm = (f + m) / 2;
        const hits = map.filter((s) => inRange(r, s.r) && inRange(fm, s.fm) && inRange(f, s.f) && inRange(m, s.m));
        if (hits.length !== 1) {
          const combo = `r=${r} f=${f} m=${m} (FM=${fm})`;
          throw new InvalidInputError('rfmSegments', [
            {
              path: 'options.map',
              message:
                hits.length === 0
                  ? `the scores ${combo} match no segment; every combination of 1..${bins} must match exactly one`
                  : `the scores ${combo} match ${hits.length} segments (${hits.map((h) => show(h.name)).join(', ')}); every combination of 1..${bins} must match exactly one`,
            },
          ]);
        }
        out.push(hits[0].name);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Value tiers

/** Options of {@link valueTiers}. */
export interface ValueTierOptions {
  /**
   * Bin edges, strictly increasing (k + 1 edges for k tiers; `-Infinity`/`Infinity` allowed), or
   * `'quantile'`: edges at the sample quantiles `quantiles` of the values.
   */
  bins: readonly number[] | 'quantile';
  /** One label per tier, lowest values first (e.g. `['E', 'D', 'C', 'B', 'A']`). */
  labels: readonly string[];
  /**
   * With `bins: 'quantile'`: probabilities, non-decreasing from 0 to 1, one more than labels.
   * @defaultValue evenly spaced, `[0, 1/k, …, 1]` for k labels
   */
  quantiles?: readonly number[];
}

const tierOptionsSchema = z.strictObject({
  // z.number() rejects ±Infinity, which are useful open edges.
  bins: z.union([
    z.literal('quantile'),
    z.array(z.custom<number>((v) => typeof v === 'number' && !Number.isNaN(v))).check(z.minLength(2)),
  ]),
  labels: z.array(z.string()).check(z.minLength(1)),
  quantiles: z.optional(z.array(z.number().check(z.minimum(0), z.maximum(1))).check(z.minLength(2))),
});

/**
 * Assigns each value a tier label by bin edges (e.g. spend bands A–E).
 *
 * Bins are left-closed, `[e_j, e_{j+1})`, and the last is closed on both sides,
 * `[e_{k−1}, e_k]`; a value below the first edge or above the last throws (use `-Infinity` /
 * `Infinity` edges for open ends). With `bins: 'quantile'` the edges are the type-7 sample
 * quantiles (numpy's default) of the values at `quantiles`; coinciding edges leave a tier empty
 * (a value goes to the last tier whose lower edge it reaches).
 *
 * @param values - the numbers to tier (all finite).
 * @param options - see {@link ValueTierOptions}.
 * @returns one label per value, in input order.
 * @throws {@link InvalidInputError} for a NaN or out-of-range value (naming its index) or bad
 *   options (e.g. labels not one fewer than edges).
 *
 * @example
 * ```ts
 * import { valueTiers } from 'clmkit';
 * const bands = valueTiers([5, 50, 99.9, 100, 2500], {
 *   bins: [0, 50, 100, 1000, Infinity],
 *   labels: ['D', 'C', 'B', 'A'],
 * });
 * console.log(bands); // [ 'D', 'C', 'C', 'B', 'A' ]
 * console.log(valueTiers([1, 2, 3, 4], { bins: 'quantile', labels: ['low', 'high'] }));
 * // [ 'low', 'low', 'high', 'high' ]
 * ```
 */
export function valueTiers(values: ArrayLike<number>, options: ValueTierOptions): string[] {
  const opts = parseOptions(tierOptionsSchema, options, 'valueTiers');
  const n = values.length;
  const issues = new IssueCollector();
  for (let i = 0; i < n; i++) {
    const v = values[i] as unknown;
    if (typeof v !== 'number' || Number.isNaN(v)) issues.add('values', `expected a number, got ${show(v)}`, i);
  }
  issues.throwIfAny('valueTiers');
  const labels = opts.labels;
  const k = labels.length;
  let edges: number[];
  if (opts.bins === 'quantile') {
    const qs = opts.quantiles ?? Array.from({ length: k + 1 }, (_, j) => (j === k ? 1 : j / k));
    if (qs.length !== k + 1) {
      throw new InvalidInputError('valueTiers', [
        { path: 'options.quantiles', message: `expected ${k + 1} probabilities (one more than the ${k} labels), got ${qs.length}` },
      ]);
    }
    for (let j = 1; j < qs.length; j++) {
      if (qs[j] < qs[j - 1]) {
        throw new InvalidInputError('valueTiers', [
          { path: `options.quantiles.${j}`, message: `expected non-decreasing probabilities, got ${qs[j]} after ${qs[j - 1]}` },
        ]);
      }
    }
    if (n === 0) return [];
    const sorted = Float64Array.from(values).sort();
    edges = qs.map((p) => quantileSorted(sorted, p));
  } else {
    edges = opts.bins;
    if (edges.length !== k + 1) {
      throw new InvalidInputError('valueTiers', [
        { path: 'options.labels', message: `expected ${edges.length - 1} labels (one fewer than the ${edges.length} edges), got ${k}` },
      ]);
    }
    for (let j = 0; j < edges.length; j++) {
      if (Number.isNaN(edges[j]) || (j > 0 && !(edges[j] > edges[j - 1]))) {
        throw new InvalidInputError('valueTiers', [
          { path: `options.bins.${j}`, message: `expected strictly increasing edges, got ${edges[j]} after ${edges[j - 1] ?? 'nothing'}` },
        ]);
      }
    }
  }
  const lo = edges[0];
  const hi = edges[k];
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < lo || v > hi) issues.add('values', `${v} is outside the bins [${lo}, ${hi}]`, i);
    // The last tier whose lower edge is ≤ v (so [e_j, e_{j+1}), the last bin closed).
    let j = k - 1;
    while (j > 0 && edges[j] > v) j--;
    out[i] = labels[j]!;
  }
  issues.throwIfAny('valueTiers');
  return out;
}
