/**
 * Per-customer RFM summaries in the conventions of the buy-till-you-die literature.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, NotEnoughDataError } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import { parseLog, resolveFields, rowReader, type ParsedLog } from './input.js';
import { MS_PER_DAY, periodScheme, resolveEndMs, type PeriodScheme } from './time.js';
import type { Aggregation, CustomerSummary, FieldNames, TimeUnit, TimestampInput, TransactionInput } from './types.js';

/** Options of {@link summarize}. */
export interface SummarizeOptions {
  /**
   * Unit of `recency` and `T` (a week is 7 days; a month is 365.2425 / 12 days, or a calendar
   * month when `aggregation` is `'month'`).
   * @defaultValue `'day'`
   */
  unit?: TimeUnit;
  /**
   * End of the observation period. A date-only string (`'1997-09-30'`) includes that whole UTC
   * day. Records in a later purchase occasion are left out of the summary and counted in
   * `excludedAfterEnd`.
   * @defaultValue the latest transaction's timestamp
   */
  observationEnd?: TimestampInput;
  /**
   * Purchases of one customer in the same period collapse into one occasion (their amounts are
   * summed), as in lifetimes. `'day'` = UTC calendar day.
   * @defaultValue `'day'`
   */
  aggregation?: Aggregation;
  /** Field (or column) names, when yours differ from `customerId`, `timestamp`, `amount`. */
  fields?: FieldNames;
  /**
   * Parser for timestamp strings that are not ISO-8601 (e.g. `'03/14/2024'`); receives the raw
   * value and its row index and returns epoch milliseconds, or `NaN` for an invalid value.
   * ISO-8601 strings, `Date`s and numbers never reach it.
   */
  parseTimestamp?: (value: unknown, row: number) => number;
}

const timestampSchema = z.custom<TimestampInput>(
  (v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date,
);
const fieldsSchema = z.strictObject({
  customerId: z.optional(z.string().check(z.minLength(1))),
  timestamp: z.optional(z.string().check(z.minLength(1))),
  amount: z.optional(z.string().check(z.minLength(1))),
});
/** @internal */
export const unitSchema = z.enum(['day', 'week', 'month']);
/** @internal */
export const aggregationSchema = z.enum(['day', 'week', 'month', 'none']);
/** @internal */
export const summarizeOptionsShape = {
  unit: z.optional(unitSchema),
  observationEnd: z.optional(timestampSchema),
  aggregation: z.optional(aggregationSchema),
  fields: z.optional(fieldsSchema),
  parseTimestamp: z.optional(z.custom<(value: unknown, row: number) => number>((v) => typeof v === 'function')),
};
const summarizeOptionsSchema = z.strictObject(summarizeOptionsShape);

/**
 * Summarises a transaction log per customer: frequency `x` (repeat purchase occasions), recency
 * `t_x`, age `T`, mean repeat spend, totals and first/last purchase, in the conventions of
 * Fader, Hardie & Lee (2005) and Python lifetimes' `summary_data_from_transaction_data`:
 *
 * - purchases of one customer in the same period (`aggregation`, default one UTC day) are one
 *   occasion, their amounts summed;
 * - `frequency` = occasions − 1; `recency` = last − first occasion; `T` = observation end's
 *   occasion − first occasion, in `unit`;
 * - `monetaryValue` = mean of the summed amounts of the **repeat** occasions (0 when frequency is 0);
 * - records after the observation end's occasion are not counted (reported in `excludedAfterEnd`).
 *
 * Every row is validated: a missing id, an unparseable timestamp, or a non-finite amount throws an
 * {@link InvalidInputError} naming each bad row (use `cleanTransactions` first to remove and count
 * them instead). Negative amounts (refunds) are accepted and summed. Exact duplicate rows are
 * not removed here: `cleanTransactions` does that.
 *
 * Runs in time linear in rows plus a sort of customers; 1,000,000 rows of 100,000 customers take
 * a fraction of a second (see BENCHMARKS.md).
 *
 * @param transactions - records (`{ customerId, timestamp, amount? }`) or columns of equal length.
 * @param options - see {@link SummarizeOptions}.
 * @returns a columnar {@link CustomerSummary}, customers sorted by id.
 * @throws {@link InvalidInputError} for malformed rows or options.
 * @throws {@link NotEnoughDataError} when there are no transactions and no `observationEnd`.
 *
 * @example
 * ```ts
 * import { summarize } from 'clmkit';
 * const s = summarize(
 *   [
 *     { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
 *     { customerId: 'a', timestamp: '2024-01-08', amount: 20 },
 *     { customerId: 'a', timestamp: '2024-01-08', amount: 5 }, // same day: one occasion
 *     { customerId: 'b', timestamp: '2024-01-03', amount: 7 },
 *   ],
 *   { unit: 'week', observationEnd: '2024-01-15' },
 * );
 * console.log(s.customerId, s.frequency, s.recency, s.T, s.monetaryValue);
 * // [ 'a', 'b' ] Float64Array [1, 0] Float64Array [1, 0] Float64Array [2, 1.7142857142857142] Float64Array [25, 0]
 * ```
 */
export function summarize(transactions: TransactionInput, options?: SummarizeOptions): CustomerSummary {
  const opts = parseOptions(summarizeOptionsSchema, options, 'summarize');
  const f = resolveFields(opts.fields);
  const reader = rowReader(transactions, f, 'summarize');
  const parsed = parseLog(reader, f, 'summarize', {
    strict: true,
    rejectNegative: false,
    parseTimestamp: opts.parseTimestamp,
  });
  const unit = opts.unit ?? 'day';
  const aggregation = opts.aggregation ?? 'day';
  const endMs = resolveObservationEnd(opts.observationEnd, parsed, 'summarize');
  return summarizeParsed(parsed, { unit, aggregation, endMs });
}

/**
 * Resolves the observation end option (or the latest valid timestamp) to epoch ms.
 *
 * @internal
 */
export function resolveObservationEnd(value: TimestampInput | undefined, parsed: ParsedLog, context: string): number {
  if (value !== undefined) return endMsOrThrow(value, 'options.observationEnd', context);
  let max = -Infinity;
  const { ms, status } = parsed;
  for (let i = 0; i < parsed.n; i++) if (status[i] === 0 && ms[i] > max) max = ms[i]!;
  if (max === -Infinity) {
    throw new NotEnoughDataError(
      `${context}: there are no valid transactions, so the observation end cannot default to the last one; pass options.observationEnd`,
      1,
      0,
    );
  }
  return max;
}

/**
 * The last instant an end option includes (see `resolveEndMs`), or an InvalidInputError naming
 * the option.
 *
 * @internal
 */
export function endMsOrThrow(value: TimestampInput, path: string, context: string): number {
  const end = resolveEndMs(value);
  if (!Number.isFinite(end)) {
    throw new InvalidInputError(`${context}: invalid options`, [
      { path, message: `expected a Date, an ISO-8601 string or epoch milliseconds, got ${show(value)}` },
    ]);
  }
  return end;
}

/** @internal */
export interface KernelOptions {
  readonly unit: TimeUnit;
  readonly aggregation: Aggregation;
  readonly endMs: number;
  /** Rows to skip besides bad ones (e.g. holdout rows); same length as the log. */
  readonly skip?: Uint8Array;
  /** When given (length = customers), filled with each customer's row in the summary, or −1. */
  readonly rowOfCustomer?: Int32Array;
  /**
   * How distinct periods are counted in each customer's rows: by stamping a table indexed by
   * period (`'stamp'`, when the log's periods span at most {@link maxStampRange} keys), or by
   * scanning (short unsorted runs) and sorting (long ones) (`'scan'`). Tests force one or the
   * other; results are identical.
   * @defaultValue `'auto'`
   */
  readonly distinct?: 'auto' | 'stamp' | 'scan';
}

/**
 * Largest span of period keys (last − first + 1) for which distinct periods are counted with a
 * stamp table (4 bytes per key): 2^16 keys (179 years of days), or 4 per row for larger logs.
 *
 * @internal
 */
export function maxStampRange(n: number): number {
  return Math.max(2 ** 16, 4 * n);
}

/**
 * The summary kernel on parsed typed columns: counting sort of rows by customer, then one scan
 * per customer, distinct periods counted with a stamp table (see {@link KernelOptions.distinct}).
 * Rows whose status is not 0 are ignored. Sums run over each customer's rows in input order, as
 * the streaming summary's do, so both give the same bits.
 *
 * @internal
 */
export function summarizeParsed(parsed: ParsedLog, o: KernelOptions): CustomerSummary {
  const { n, customer, ms, amount, status } = parsed;
  const C = parsed.customerKeys.length;
  const scheme: PeriodScheme = periodScheme(o.aggregation, o.unit);
  const endKey = scheme.key(o.endMs);
  const skip = o.skip;
  const byDay = o.aggregation === 'day';
  const exact = o.aggregation === 'none';
  // Day and no aggregation compute keys inline from the instant, in every pass; the others call
  // the scheme once per row and keep the key (`rowKey`, and a third value per row in pass 2).
  const inline = byDay || exact;
  const hasAmount = amount !== null;

  // Pass 1: rows per customer, the smallest key, and (scheme keys) the key per row, NaN when the
  // row is not counted.
  const rowKey = inline ? null : new Float64Array(n);
  const count = new Int32Array(C);
  let excluded = 0;
  let minKey = Infinity;
  for (let i = 0; i < n; i++) {
    let k = NaN;
    if (status[i] === 0 && (skip === undefined || skip[i] === 0)) {
      const t = ms[i];
      k = byDay ? Math.floor(t / MS_PER_DAY) : exact ? t : scheme.key(t);
      if (k > endKey) {
        excluded++;
        k = NaN;
      } else {
        if (k < minKey) minKey = k;
        count[customer[i]]++;
      }
    }
    if (rowKey !== null) rowKey[i] = k;
  }

  // Customers with at least one counted row, sorted by id; their rows will be laid out in this
  // order, so that pass 3 reads and writes sequentially.
  const present: number[] = [];
  for (let c = 0; c < C; c++) if (count[c] > 0) present.push(c);
  const keys = parsed.customerKeys;
  sortCustomers(present, keys, parsed.numericIds);
  const m = present.length;
  if (o.rowOfCustomer !== undefined) {
    o.rowOfCustomer.fill(-1);
    for (let j = 0; j < m; j++) o.rowOfCustomer[present[j]] = j;
  }
  const fill = new Int32Array(C); // next row slot of each customer
  const seg = new Int32Array(m + 1); // first row slot of the j-th customer
  let used = 0;
  for (let j = 0; j < m; j++) {
    const c = present[j];
    fill[c] = used;
    seg[j] = used;
    used += count[c];
  }
  seg[m] = used;

  // Pass 2: scatter counted rows into one array, customer after customer, stable (input order
  // within a customer), of (instant, amount) pairs, or (key, instant, amount) triples for scheme
  // keys: one cache line touched per row here, and pass 3 reads sequentially.
  const W = inline ? 2 : 3;
  const R = new Float64Array(W * used);
  for (let i = 0; i < n; i++) {
    if (rowKey === null) {
      if (status[i] !== 0 || (skip !== undefined && skip[i] !== 0)) continue;
      const t = ms[i];
      if ((byDay ? Math.floor(t / MS_PER_DAY) : t) > endKey) continue;
      const p = 2 * fill[customer[i]]++;
      R[p] = t;
      R[p + 1] = hasAmount ? amount[i] : 0;
    } else {
      const k = rowKey[i];
      if (k !== k) continue;
      const p = 3 * fill[customer[i]]++;
      R[p] = k;
      R[p + 1] = ms[i];
      R[p + 2] = hasAmount ? amount[i] : 0;
    }
  }

  // Distinct periods: a table with one slot per period key between the smallest counted key and
  // the end's, where customer j leaves the mark j + 1 (so it is never cleared); keys of the day,
  // week and month schemes are integers. Without it (a huge span, or forced): key changes in
  // sorted runs, a quadratic scan of short unsorted runs, a sorted copy of long ones.
  const range = used === 0 || exact ? 0 : endKey - minKey + 1;
  const stamp =
    range > 0 && (o.distinct === 'stamp' || (o.distinct !== 'scan' && range <= maxStampRange(n))) ? new Int32Array(range) : null;
  // Where the key is: computed from the instant at offset 0 (pairs), or stored at 0 (triples).
  const tOff = W - 2;
  const aOff = W - 1;

  // Pass 3: one sequential scan per customer.
  const out = summaryColumns(m);
  const divisor = scheme.divisor;
  let keyBuf: Float64Array = new Float64Array(64);
  let scratch: Float64Array = new Float64Array(64);
  for (let j = 0; j < m; j++) {
    const c = present[j];
    const s0 = W * seg[j];
    const s1 = W * seg[j + 1];
    const len = seg[j + 1] - seg[j];
    // This customer's keys, in input order.
    if (keyBuf.length < len) keyBuf = new Float64Array(Math.max(len, 2 * keyBuf.length));
    let firstKey = Infinity;
    let lastKey = -Infinity;
    let firstMs = Infinity;
    let lastMs = -Infinity;
    let occasions = 0;
    let sorted = true;
    const mark = j + 1;
    for (let p = s0, q = 0; p < s1; p += W, q++) {
      const t = R[p + tOff];
      const k = !inline ? R[p] : byDay ? Math.floor(t / MS_PER_DAY) : t;
      keyBuf[q] = k;
      if (k < lastKey) sorted = false;
      if (k < firstKey) firstKey = k;
      if (k > lastKey) lastKey = k;
      if (t < firstMs) firstMs = t;
      if (t > lastMs) lastMs = t;
      if (stamp !== null) {
        const slot = k - minKey;
        if (stamp[slot] !== mark) {
          stamp[slot] = mark;
          occasions++;
        }
      }
    }
    // Every record is an occasion with aggregation 'none'.
    if (exact) occasions = len;
    else if (stamp === null) occasions = distinctKeys(keyBuf, len, sorted, len <= 32 ? null : (scratch = grow(scratch, len)));
    // The first occasion's spend is not repeat spend. With aggregation 'none' every record is
    // its own occasion, so only one record is set apart: the first, in input order, at the
    // earliest instant (the record a time-ordered stream sees first).
    let total = 0;
    let repeat = 0;
    let firstSeen = false;
    if (hasAmount) {
      for (let p = s0 + aOff, q = 0; q < len; p += W, q++) {
        const a = R[p];
        total += a;
        if (keyBuf[q] !== firstKey) repeat += a;
        else if (exact) {
          if (firstSeen) repeat += a;
          firstSeen = true;
        }
      }
    }
    const x = occasions - 1;
    out.customerId[j] = keys[c];
    out.frequency[j] = x;
    out.recency[j] = x === 0 ? 0 : (lastKey - firstKey) / divisor;
    out.T[j] = (endKey - firstKey) / divisor;
    out.monetaryValue[j] = x === 0 ? 0 : repeat / x;
    out.totalSpend[j] = total;
    out.transactions[j] = len;
    out.firstPurchase[j] = firstMs;
    out.lastPurchase[j] = lastMs;
  }
  return {
    unit: o.unit,
    aggregation: o.aggregation,
    observationEnd: new Date(o.endMs),
    size: m,
    hasMonetary: amount !== null,
    excludedAfterEnd: excluded,
    ...out,
  };
}

/** `buf`, or a larger array when it holds fewer than `len` values. */
function grow(buf: Float64Array, len: number): Float64Array {
  return buf.length >= len ? buf : new Float64Array(Math.max(len, 2 * buf.length));
}

/**
 * Distinct values among keys[0 … len − 1]: value changes when they are sorted; otherwise a
 * quadratic scan (no allocation) when `scratch` is null, or a sorted copy in `scratch`.
 */
function distinctKeys(keys: Float64Array, len: number, sorted: boolean, scratch: Float64Array | null): number {
  let occasions = 1;
  if (sorted) {
    for (let q = 1; q < len; q++) if (keys[q] !== keys[q - 1]) occasions++;
  } else if (scratch === null) {
    for (let q = 1; q < len; q++) {
      const k = keys[q];
      let seen = false;
      for (let r = 0; r < q; r++) {
        if (keys[r] === k) {
          seen = true;
          break;
        }
      }
      if (!seen) occasions++;
    }
  } else {
    scratch.set(keys.subarray(0, len));
    const seg = scratch.subarray(0, len).sort();
    for (let q = 1; q < len; q++) if (seg[q] !== seg[q - 1]) occasions++;
  }
  return occasions;
}

/** The per-customer columns of a {@link CustomerSummary}, allocated for `m` customers. @internal */
export function summaryColumns(m: number): {
  customerId: string[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue: Float64Array;
  totalSpend: Float64Array;
  transactions: Float64Array;
  firstPurchase: Float64Array;
  lastPurchase: Float64Array;
} {
  return {
    customerId: new Array<string>(m),
    frequency: new Float64Array(m),
    recency: new Float64Array(m),
    T: new Float64Array(m),
    monetaryValue: new Float64Array(m),
    totalSpend: new Float64Array(m),
    transactions: new Float64Array(m),
    firstPurchase: new Float64Array(m),
    lastPurchase: new Float64Array(m),
  };
}

/**
 * Sorts customer indices by id: numerically when every id is numeric, otherwise by UTF-16 code
 * units (not locale), so the order is the same on every machine.
 *
 * Each id gets a 64-bit sort key — the number's IEEE-754 bits made order-preserving, or the
 * first 7 UTF-16 code units in base 128, up to and including the first one ≥ 127, which counts
 * as 127, the rest as 0 (a monotone map: ties, never inversions) — and indices are radix-sorted
 * on it (stable); runs of equal string keys are then sorted by the full strings.
 *
 * @internal
 */
export function sortCustomers(indices: number[], keys: readonly string[], numericIds: boolean): void {
  const m = indices.length;
  if (m < 2) return;
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  if (numericIds) {
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    const H = little ? 1 : 0;
    for (let j = 0; j < m; j++) {
      f[0] = Number(keys[indices[j]]) + 0; // + 0: −0 sorts as 0
      const h = u[H];
      const l = u[1 - H];
      // Negative numbers: flip every bit; others: flip the sign bit. Unsigned order = numeric order.
      if (h >>> 31 === 1) {
        hi[j] = ~h >>> 0;
        lo[j] = ~l >>> 0;
      } else {
        hi[j] = (h | 0x80000000) >>> 0;
        lo[j] = l;
      }
    }
  } else {
    for (let j = 0; j < m; j++) {
      const k = keys[indices[j]];
      const len = k.length;
      let v = 0;
      let q = 0;
      for (; q < 7; q++) {
        const code = q < len ? k.charCodeAt(q) : 0;
        if (code >= 127) {
          // 127 and everything after it the same: ids that agree up to here tie.
          v = v * 128 + 127;
          q++;
          break;
        }
        v = v * 128 + code;
      }
      for (; q < 7; q++) v *= 128;
      // v < 2^49: the high 17 bits and the low 32 bits.
      const h = Math.floor(v / 4294967296);
      hi[j] = h;
      lo[j] = v - h * 4294967296;
    }
  }
  const order = radixOrder(hi, lo);
  const sorted = new Array<number>(m);
  for (let j = 0; j < m; j++) sorted[j] = indices[order[j]];
  if (!numericIds) {
    // Ids sharing their 7-code-unit key (longer ids, or code units ≥ 127): full comparison.
    let a = 0;
    while (a < m) {
      const ka = order[a];
      let b = a + 1;
      while (b < m && hi[order[b]] === hi[ka] && lo[order[b]] === lo[ka]) b++;
      if (b - a > 1) {
        const run = sorted.slice(a, b).sort((x, y) => (keys[x] < keys[y] ? -1 : keys[x] > keys[y] ? 1 : 0));
        for (let q = a; q < b; q++) sorted[q] = run[q - a];
      }
      a = b;
    }
  }
  for (let j = 0; j < m; j++) indices[j] = sorted[j];
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;

/**
 * Positions 0…m−1 in ascending order of the unsigned 64-bit keys (hi, lo), stable: an LSD radix
 * sort in 11-bit digits, skipping digits that every key shares.
 *
 * @internal
 */
export function radixOrder(hi: Uint32Array, lo: Uint32Array): Int32Array {
  const m = hi.length;
  // Digits 0–2 come from lo (bits 0–10, 11–21, 22–31), 3–5 from hi.
  const counts = new Int32Array(6 * RADIX);
  for (let j = 0; j < m; j++) {
    const l = lo[j];
    const h = hi[j];
    counts[l & RADIX_MASK]++;
    counts[RADIX + ((l >>> 11) & RADIX_MASK)]++;
    counts[2 * RADIX + (l >>> 22)]++;
    counts[3 * RADIX + (h & RADIX_MASK)]++;
    counts[4 * RADIX + ((h >>> 11) & RADIX_MASK)]++;
    counts[5 * RADIX + (h >>> 22)]++;
  }
  let src = new Int32Array(m);
  for (let j = 0; j < m; j++) src[j] = j;
  let dst = new Int32Array(m);
  for (let d = 0; d < 6; d++) {
    const base = d * RADIX;
    const word = d < 3 ? lo : hi;
    const shift = (d % 3) * RADIX_BITS;
    // Every key has the same digit here: the pass would not move anything.
    const firstDigit = (word[0] >>> shift) & RADIX_MASK;
    if (counts[base + firstDigit] === m) continue;
    let sum = 0;
    for (let b = 0; b < RADIX; b++) {
      const cnt = counts[base + b];
      counts[base + b] = sum;
      sum += cnt;
    }
    for (let j = 0; j < m; j++) {
      const pos = src[j];
      dst[counts[base + ((word[pos] >>> shift) & RADIX_MASK)]++] = pos;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/** One customer's row of a {@link CustomerSummary}, as a plain object. */
export interface CustomerSummaryRow {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
  totalSpend: number;
  transactions: number;
  firstPurchase: Date;
  lastPurchase: Date;
}

/**
 * Turns a columnar {@link CustomerSummary} into one plain object per customer, for
 * `console.table`, JSON or a data frame library. Allocates one object per customer: keep the
 * columns for large summaries.
 *
 * @example
 * ```ts
 * import { summarize, summaryRows } from 'clmkit';
 * const s = summarize([{ customerId: 1, timestamp: '2024-01-01', amount: 5 }], { observationEnd: '2024-01-31' });
 * console.table(summaryRows(s));
 * // ┌─────────┬────────────┬───────────┬─────────┬────┬ …
 * ```
 */
export function summaryRows(summary: CustomerSummary): CustomerSummaryRow[] {
  const rows = new Array<CustomerSummaryRow>(summary.size);
  for (let i = 0; i < summary.size; i++) {
    rows[i] = {
      customerId: summary.customerId[i],
      frequency: summary.frequency[i],
      recency: summary.recency[i],
      T: summary.T[i],
      monetaryValue: summary.monetaryValue[i],
      totalSpend: summary.totalSpend[i],
      transactions: summary.transactions[i],
      firstPurchase: new Date(summary.firstPurchase[i]),
      lastPurchase: new Date(summary.lastPurchase[i]),
    };
  }
  return rows;
}
