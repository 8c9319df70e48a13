/**
 * Cleaning a transaction log: remove what cannot be used, and count every removal.
 *
 * @module
 */
import * as z from 'zod/mini';
import { quantileSorted } from '../math/quantile.js';
import { parseOptions } from '../validate.js';
import { parseLog, resolveFields, rowReader, RowStatus, type RowReader } from './input.js';
import { endMsOrThrow, summarizeOptionsShape } from './summarize.js';
import type { FieldNames, TimestampInput, TransactionInput } from './types.js';

/** Why a row was removed. Checked in this order; each removed row is counted under its first reason. */
export type CleanReason =
  | 'missing-id'
  | 'invalid-timestamp'
  | 'missing-amount'
  | 'invalid-amount'
  | 'negative-amount'
  | 'after-observation-end'
  | 'duplicate'
  | 'outlier';

/** The reasons in the order they are checked. */
export const CLEAN_REASONS: readonly CleanReason[] = [
  'missing-id',
  'invalid-timestamp',
  'missing-amount',
  'invalid-amount',
  'negative-amount',
  'after-observation-end',
  'duplicate',
  'outlier',
];

const REASON_TEXT: Readonly<Record<CleanReason, string>> = {
  'missing-id': 'customer id missing, empty, or not a string or finite number',
  'invalid-timestamp': 'timestamp missing or not a Date, ISO-8601 string or epoch milliseconds',
  'missing-amount': 'amount missing while other rows have one',
  'invalid-amount': 'amount not a finite number',
  'negative-amount': 'amount below zero (keep refunds with negativeAmounts: "keep")',
  'after-observation-end': 'timestamp after the observation end',
  'duplicate': 'exact duplicate of an earlier row (every field equal)',
  'outlier': 'amount above the outlier fence',
};

/**
 * Opt-in rule for unusually large amounts, applied to the rows that pass every other check:
 * - `{ method: 'iqr', k }`: remove amounts above Q3 + k·(Q3 − Q1) (Tukey's fence; k = 1.5 flags
 *   "outside", 3 "far out");
 * - `{ method: 'quantile', upper }`: remove amounts above the `upper` quantile (e.g. 0.999);
 * - `{ method: 'above', value }`: remove amounts above a fixed value.
 *
 * Quantiles use linear interpolation (numpy's default, Hyndman & Fan type 7). A row exactly on
 * the fence is kept.
 */
export type OutlierRule =
  | { method: 'iqr'; k?: number }
  | { method: 'quantile'; upper: number }
  | { method: 'above'; value: number };

/** Options of {@link cleanTransactions}. */
export interface CleanOptions {
  /**
   * Remove rows after this instant. A date-only string (`'1997-09-30'`) keeps that whole UTC day.
   * @defaultValue no limit
   */
  observationEnd?: TimestampInput;
  /**
   * Negative amounts (refunds): removed and counted, or kept.
   * @defaultValue `'remove'`
   */
  negativeAmounts?: 'remove' | 'keep';
  /**
   * Exact duplicates (every field equal, including extra fields; the first occurrence is kept).
   * @defaultValue `'remove'`
   */
  duplicates?: 'remove' | 'keep';
  /** Opt-in outlier rule on amounts. @defaultValue none */
  outliers?: OutlierRule;
  /** Field names, when yours differ from `customerId`, `timestamp`, `amount`. */
  fields?: FieldNames;
  /** Parser for non-ISO timestamp strings (see `SummarizeOptions.parseTimestamp`). */
  parseTimestamp?: (value: unknown, row: number) => number;
  /**
   * How many row indices each report entry lists (the count is always complete).
   * @defaultValue 100
   */
  maxReportedRows?: number;
}

/** Rows removed for one reason. */
export interface RemovedRows {
  /** Why. */
  readonly reason: CleanReason;
  /** A sentence saying what the reason means. */
  readonly description: string;
  /** How many rows were removed for this reason. */
  readonly count: number;
  /** The first `maxReportedRows` of their 0-based indices in the input, ascending. */
  readonly rows: readonly number[];
}

/** What cleaning did. `inputRows = keptRows + Σ removed[].count`. */
export interface CleaningReport {
  readonly inputRows: number;
  readonly keptRows: number;
  /** One entry per reason that was checked, in checking order (zero counts included). */
  readonly removed: readonly RemovedRows[];
  /** The amount above which rows were removed as outliers, when an outlier rule was given. */
  readonly outlierFence?: number;
}

/** The result of {@link cleanTransactions}. */
export interface CleanResult<T> {
  /**
   * The kept transactions, in input order and in the input's shape: for records, the same record
   * objects (not copies); for columns, every column filtered to the kept rows (typed arrays keep
   * their type).
   */
  readonly transactions: T;
  /** 0-based input index of each kept row. */
  readonly kept: Uint32Array;
  /** Counts and row indices of everything removed. */
  readonly report: CleaningReport;
}

const outlierSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('iqr'), k: z.optional(z.number().check(z.minimum(0))) }),
  z.strictObject({ method: z.literal('quantile'), upper: z.number().check(z.minimum(0), z.maximum(1)) }),
  z.strictObject({ method: z.literal('above'), value: z.number() }),
]);
const cleanOptionsSchema = z.strictObject({
  observationEnd: summarizeOptionsShape.observationEnd,
  fields: summarizeOptionsShape.fields,
  parseTimestamp: summarizeOptionsShape.parseTimestamp,
  negativeAmounts: z.optional(z.enum(['remove', 'keep'])),
  duplicates: z.optional(z.enum(['remove', 'keep'])),
  outliers: z.optional(outlierSchema),
  maxReportedRows: z.optional(z.int().check(z.minimum(0))),
});

const STATUS_REASON: readonly CleanReason[] = [
  'missing-id', // unused for Ok (index 0); mapped below
  'missing-id',
  'invalid-timestamp',
  'missing-amount',
  'invalid-amount',
  'negative-amount',
];

/**
 * Cleans a transaction log and reports, per reason, how many rows it removed and which.
 * Nothing is dropped silently: `report.inputRows === report.keptRows + Σ report.removed[].count`.
 *
 * Rows are checked in this order, and a removed row counts under its first failing reason:
 * missing id → invalid timestamp → missing amount (when other rows have one) → invalid amount
 * (non-finite or not a number) → negative amount (unless `negativeAmounts: 'keep'`) → after the
 * observation end → exact duplicate of an earlier kept row → outlier (opt-in).
 *
 * @param transactions - records or columns (see `TransactionInput`).
 * @param options - see {@link CleanOptions}.
 * @returns the kept transactions in the input's shape, their input indices, and the report.
 * @throws {@link InvalidInputError} when the input is not records or columns, or options are invalid.
 *
 * @example
 * ```ts
 * import { cleanTransactions } from 'clmkit';
 * const { transactions, report } = cleanTransactions([
 *   { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
 *   { customerId: 'a', timestamp: '2024-01-01', amount: 10 }, // exact duplicate
 *   { customerId: '', timestamp: '2024-01-02', amount: 5 },   // missing id
 *   { customerId: 'b', timestamp: 'soon', amount: 5 },        // bad timestamp
 *   { customerId: 'b', timestamp: '2024-01-03', amount: -4 }, // refund
 * ]);
 * console.log(transactions.length, report.keptRows); // 1 1
 * console.log(report.removed.filter((r) => r.count > 0).map((r) => `${r.reason}: ${r.count}`));
 * // [ 'missing-id: 1', 'invalid-timestamp: 1', 'negative-amount: 1', 'duplicate: 1' ]
 * ```
 */
export function cleanTransactions<T extends TransactionInput>(transactions: T, options?: CleanOptions): CleanResult<T> {
  const opts = parseOptions(cleanOptionsSchema, options, 'cleanTransactions');
  const f = resolveFields(opts.fields);
  const reader = rowReader(transactions, f, 'cleanTransactions');
  const parsed = parseLog(reader, f, 'cleanTransactions', {
    strict: false,
    rejectNegative: (opts.negativeAmounts ?? 'remove') === 'remove',
    parseTimestamp: opts.parseTimestamp,
  });
  const n = parsed.n;
  const { status, ms, amount } = parsed;
  const reasonOf = new Int8Array(n).fill(-1); // index into CLEAN_REASONS, −1 = kept
  for (let i = 0; i < n; i++) {
    const s = status[i];
    if (s !== RowStatus.Ok) reasonOf[i] = CLEAN_REASONS.indexOf(STATUS_REASON[s]);
  }

  if (opts.observationEnd !== undefined) {
    const endMs = endMsOrThrow(opts.observationEnd, 'options.observationEnd', 'cleanTransactions');
    const r = CLEAN_REASONS.indexOf('after-observation-end');
    for (let i = 0; i < n; i++) if (reasonOf[i] === -1 && ms[i] > endMs) reasonOf[i] = r;
  }

  if ((opts.duplicates ?? 'remove') === 'remove') markDuplicates(parsed.customer, ms, amount, reasonOf, reader, transactions);

  let outlierFence: number | undefined;
  if (opts.outliers !== undefined && amount !== null) {
    outlierFence = computeFence(opts.outliers, amount, reasonOf);
    const r = CLEAN_REASONS.indexOf('outlier');
    for (let i = 0; i < n; i++) if (reasonOf[i] === -1 && amount[i] > outlierFence) reasonOf[i] = r;
  }

  // Report.
  const maxRows = opts.maxReportedRows ?? 100;
  const counts = new Array<number>(CLEAN_REASONS.length).fill(0);
  const rows: number[][] = CLEAN_REASONS.map(() => []);
  let keptCount = 0;
  for (let i = 0; i < n; i++) {
    const r = reasonOf[i];
    if (r < 0) {
      keptCount++;
      continue;
    }
    counts[r]++;
    if (rows[r].length < maxRows) rows[r].push(i);
  }
  const kept = new Uint32Array(keptCount);
  for (let i = 0, j = 0; i < n; i++) if (reasonOf[i] < 0) kept[j++] = i;

  const checked = CLEAN_REASONS.filter(
    (reason) =>
      !(reason === 'after-observation-end' && opts.observationEnd === undefined) &&
      !(reason === 'negative-amount' && opts.negativeAmounts === 'keep') &&
      !(reason === 'duplicate' && opts.duplicates === 'keep') &&
      !(reason === 'outlier' && opts.outliers === undefined),
  );
  const removed: RemovedRows[] = checked.map((reason) => {
    const r = CLEAN_REASONS.indexOf(reason);
    return { reason, description: REASON_TEXT[reason], count: counts[r], rows: rows[r] };
  });
  const report: CleaningReport =
    outlierFence === undefined
      ? { inputRows: n, keptRows: keptCount, removed }
      : { inputRows: n, keptRows: keptCount, removed, outlierFence };
  return { transactions: selectRows(transactions, kept, n), kept, report };
}

/** Marks later exact duplicates of kept rows. Candidates share customer, instant and amount. */
function markDuplicates(
  customer: Int32Array,
  ms: Float64Array,
  amount: Float64Array | null,
  reasonOf: Int8Array,
  reader: RowReader,
  input: TransactionInput,
): void {
  const n = customer.length;
  const dup = CLEAN_REASONS.indexOf('duplicate');
  // Group kept rows by (customer, ms) through a hash of both; compare within groups exactly.
  const first = new Map<number, number>(); // hash → first row with it
  const next = new Int32Array(n).fill(-1); // chain of rows sharing the hash, in input order
  const last = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (reasonOf[i] !== -1) continue;
    const h = hashRow(customer[i], ms[i]);
    const head = first.get(h);
    if (head === undefined) {
      first.set(h, i);
      last.set(h, i);
      continue;
    }
    // Compare with every earlier kept row of the chain.
    let isDup = false;
    for (let j = head; j !== -1; j = next[j]!) {
      if (
        reasonOf[j] === -1 &&
        customer[j] === customer[i] &&
        ms[j] === ms[i] &&
        (amount === null || Object.is(amount[j], amount[i])) &&
        sameRow(input, reader, i, j)
      ) {
        isDup = true;
        break;
      }
    }
    if (isDup) {
      reasonOf[i] = dup;
    } else {
      next[last.get(h)!] = i;
      last.set(h, i);
    }
  }
}

function hashRow(c: number, t: number): number {
  // 32-bit mix of the customer index and the timestamp's two 32-bit halves.
  const lo = t % 4294967296 | 0;
  const hi = Math.floor(t / 4294967296) | 0;
  let h = Math.imul(c ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ lo ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ hi ^ (h >>> 16), 0x27d4eb2f);
  return h ^ (h >>> 15);
}

/** Every field equal (records: same own keys; columns: every column), Dates by instant. */
function sameRow(input: TransactionInput, reader: RowReader, i: number, j: number): boolean {
  if (reader.kind === 'records') {
    const a = (input as readonly Readonly<Record<string, unknown>>[])[i];
    const b = (input as readonly Readonly<Record<string, unknown>>[])[j];
    if (a === b) return true;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!(k in b) || !sameValue(a[k], b[k])) return false;
    return true;
  }
  const cols = input as unknown as Readonly<Record<string, unknown>>;
  for (const k of Object.keys(cols)) {
    const col = cols[k];
    if (isColumn(col, reader.n) && !sameValue(col[i], col[j])) return false;
  }
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

function isColumn(v: unknown, n: number): v is ArrayLike<unknown> {
  return (Array.isArray(v) || ArrayBuffer.isView(v)) && (v as ArrayLike<unknown>).length === n;
}

function computeFence(rule: OutlierRule, amount: Float64Array, reasonOf: Int8Array): number {
  if (rule.method === 'above') return rule.value;
  let m = 0;
  for (let i = 0; i < amount.length; i++) if (reasonOf[i] === -1) m++;
  const vals = new Float64Array(m);
  for (let i = 0, j = 0; i < amount.length; i++) if (reasonOf[i] === -1) vals[j++] = amount[i]!;
  vals.sort();
  if (rule.method === 'quantile') return m === 0 ? Infinity : quantileSorted(vals, rule.upper);
  if (m === 0) return Infinity;
  const q1 = quantileSorted(vals, 0.25);
  const q3 = quantileSorted(vals, 0.75);
  return q3 + (rule.k ?? 1.5) * (q3 - q1);
}

function selectRows<T extends TransactionInput>(input: T, kept: Uint32Array, n: number): T {
  if (Array.isArray(input)) {
    const out = new Array<unknown>(kept.length);
    for (let j = 0; j < kept.length; j++) out[j] = (input as readonly unknown[])[kept[j]];
    return out as unknown as T;
  }
  const cols = input as unknown as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(cols)) {
    const col = cols[k];
    if (isColumn(col, n)) {
      if (Array.isArray(col)) {
        const a = new Array<unknown>(kept.length);
        for (let j = 0; j < kept.length; j++) a[j] = col[kept[j]];
        out[k] = a;
      } else {
        const typed = col as unknown as { constructor: new (len: number) => { [i: number]: unknown } };
        const a = new typed.constructor(kept.length);
        for (let j = 0; j < kept.length; j++) a[j] = col[kept[j]];
        out[k] = a;
      }
    } else {
      out[k] = col;
    }
  }
  return out as T;
}
