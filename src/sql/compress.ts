/**
 * Bringing a summary back from SQL (`summaryFromRows`) and shrinking it to unique
 * `(frequency, recency, T)` triples with weights (`compressSummary`), which every BTYD fit accepts.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, type InputIssue } from '../errors.js';
import { aggregationSchema, endMsOrThrow, sortCustomers, summaryColumns, unitSchema } from '../data/summarize.js';
import type { HoldoutSummary } from '../data/split.js';
import { toEpochMs } from '../data/time.js';
import type { Aggregation, CustomerSummary, TimestampInput, TimeUnit } from '../data/types.js';
import { compressRfm, readRfm, type BtydInput, type CompressedRfm } from '../models/btyd/common.js';
import { parseOptions, show } from '../validate.js';

/** A summary's unique `(frequency, recency, T)` triples, their weights and the inverse index. */
export interface CompressedSummary extends CompressedRfm {
  /** Unit of `recency` and `T`. */
  readonly unit: TimeUnit | undefined;
  /** Number of customers compressed (the sum of `weights` when every input weight was 1). */
  readonly customers: number;
}

/**
 * Compresses a summary (or any BTYD input with optional `weights`) to its unique
 * `(frequency, recency, T)` triples: `weights[j]` customers share triple `j`, and customer `i`'s
 * triple is `index[i]`. Fitting a BTYD model on the compressed columns gives the same
 * parameters as on the full summary (its log-likelihood is the weighted sum), in time that
 * depends on the number of distinct triples, not of customers. Uses `compressRfm` from
 * `clmkit/models`; input is validated as by `readRfm`.
 *
 * @throws {@link InvalidInputError} for malformed columns.
 *
 * @example
 * ```ts
 * import { simulateTransactions, summarize } from 'clmkit';
 * import { fitBetaGeo } from 'clmkit/models';
 * import { compressSummary } from 'clmkit/sql';
 * const s = summarize(
 *   [
 *     { customerId: 'a', timestamp: '2024-01-01' },
 *     { customerId: 'b', timestamp: '2024-01-01' },
 *     { customerId: 'c', timestamp: '2024-01-01' },
 *     { customerId: 'c', timestamp: '2024-01-05' },
 *   ],
 *   { observationEnd: '2024-01-10' },
 * );
 * const c = compressSummary(s);
 * console.log(c.frequency, c.weights, c.index); // Float64Array(2) [ 0, 1 ] Float64Array(2) [ 2, 1 ] Int32Array(3) [ 0, 0, 1 ]
 *
 * // A real summary: thousands of customers, far fewer distinct triples; the same fit.
 * const big = summarize(simulateTransactions({ customers: 5000, seed: 1 }).transactions, { unit: 'week' });
 * const small = compressSummary(big);
 * console.log(big.size, small.frequency.length); // customers, distinct triples …
 * console.log(fitBetaGeo(small).params); // the parameters of fitBetaGeo(big), …
 * ```
 */
export function compressSummary(summary: BtydInput): CompressedSummary {
  const rfm = readRfm(summary, 'compressSummary');
  const c = compressRfm(rfm);
  const unit = (summary as { unit?: unknown }).unit;
  return {
    frequency: c.frequency,
    recency: c.recency,
    T: c.T,
    weights: c.weights,
    index: c.index,
    unit: unit === 'day' || unit === 'week' || unit === 'month' ? unit : undefined,
    customers: rfm.frequency.length,
  };
}

/** Options of {@link summaryFromRows}. */
export interface SummaryFromRowsOptions {
  /** Unit the query used (`summarySql`'s `unit`). @defaultValue `'day'` */
  unit?: TimeUnit;
  /** Aggregation the query used. @defaultValue `'day'` */
  aggregation?: Aggregation;
  /**
   * Observation end the query used (a date-only string stands for the end of that day, as in
   * `summarize`). @defaultValue the latest `last_purchase`
   */
  observationEnd?: TimestampInput;
  /** Records the query left out after the end, when known. @defaultValue 0 */
  excludedAfterEnd?: number;
  /**
   * Whether the query had an amount column.
   * @defaultValue true when the rows have `monetary_value` or `total_spend`
   */
  hasMonetary?: boolean;
}

const optionsSchema = z.strictObject({
  unit: z.optional(unitSchema),
  aggregation: z.optional(aggregationSchema),
  observationEnd: z.optional(z.custom<TimestampInput>((v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date)),
  excludedAfterEnd: z.optional(z.number().check(z.int(), z.nonnegative())),
  hasMonetary: z.optional(z.boolean()),
});

/** A query result: one record per customer, or columns of equal length. */
export type SummaryRows = readonly Record<string, unknown>[] | Readonly<Record<string, ArrayLike<unknown>>>;

/** A {@link CustomerSummary} read back from SQL, with the holdout columns when the query had them. */
export interface SqlCustomerSummary extends CustomerSummary {
  /** Holdout statistics (from `summarySql({ calibrationEnd })`), row for row; absent otherwise. */
  readonly holdout?: HoldoutSummary;
}

/** Column names accepted (snake_case as `summarySql` writes them, or `CustomerSummary`'s names). */
const NAMES = {
  customerId: ['customer_id', 'customerId'],
  frequency: ['frequency'],
  recency: ['recency'],
  T: ['t', 'T'],
  monetaryValue: ['monetary_value', 'monetaryValue'],
  totalSpend: ['total_spend', 'totalSpend'],
  transactions: ['transactions'],
  firstPurchase: ['first_purchase', 'firstPurchase'],
  lastPurchase: ['last_purchase', 'lastPurchase'],
  holdoutFrequency: ['holdout_frequency', 'holdoutFrequency'],
  holdoutTotalSpend: ['holdout_total_spend', 'holdoutTotalSpend'],
  duration: ['duration'],
} as const;
type Field = keyof typeof NAMES;

/**
 * Turns the result of a `summarySql` query (records, e.g. from a driver, or columns, e.g. from
 * Arrow/Parquet) into a {@link CustomerSummary}, customers sorted as `summarize` sorts them
 * (numerically when every id is a number or bigint, otherwise by UTF-16 code units).
 *
 * Columns are found by `summarySql`'s names (`customer_id`, `frequency`, `recency`, `t`,
 * `monetary_value`, `total_spend`, `transactions`, `first_purchase`, `last_purchase`) or by
 * `CustomerSummary`'s (`customerId`, `T`, …). The id and the first four are required; without
 * spend columns `hasMonetary` is false and spend is 0; without `transactions` it is
 * `frequency + 1`; purchase times (epoch ms, `Date`, ISO string) default to NaN. Numbers may
 * come as `number`, `bigint` or numeric strings. With `holdout_frequency`, `holdout_total_spend`
 * and `duration` the result also has `holdout`.
 *
 * @throws {@link InvalidInputError} naming each bad row: a missing or duplicated id, a
 * non-integer or negative frequency, negative or non-finite recency/T, recency > T, a
 * non-finite spend.
 *
 * @example
 * ```ts
 * import { summaryFromRows } from 'clmkit/sql';
 * const s = summaryFromRows(
 *   [
 *     { customer_id: 12n, frequency: 2n, recency: 30, t: 38, monetary_value: 15, total_spend: 40, transactions: 3n, first_purchase: 0n, last_purchase: 2592000000n },
 *     { customer_id: 3n, frequency: 0n, recency: 0, t: 10, monetary_value: 0, total_spend: 5, transactions: 1n, first_purchase: 2419200000n, last_purchase: 2419200000n },
 *   ],
 *   { unit: 'day', observationEnd: '1970-02-08' },
 * );
 * console.log(s.customerId, s.frequency); // [ '3', '12' ] Float64Array(2) [ 0, 2 ]
 * ```
 */
export function summaryFromRows(rows: SummaryRows, options?: SummaryFromRowsOptions): SqlCustomerSummary {
  const context = 'summaryFromRows';
  const opts = parseOptions(optionsSchema, options, context);
  const get = accessor(rows, context);
  const n = get.n;
  const issues: InputIssue[] = [];
  let issueCount = 0;
  const add = (path: string, row: number, message: string): void => {
    issueCount++;
    if (issues.length < 100) issues.push({ path, row, message });
  };
  const col = (f: Field): string | null => get.find(NAMES[f]);
  const idCol = col('customerId');
  const req: Field[] = ['frequency', 'recency', 'T'];
  const missing = [...(idCol === null ? ['customerId'] : []), ...req.filter((f) => col(f) === null)];
  if (missing.length > 0) {
    throw new InvalidInputError(
      `${context}: invalid rows`,
      missing.map((f) => ({ path: f, message: `expected a column ${NAMES[f as Field].map((s) => `'${s}'`).join(' or ')}` })),
    );
  }
  const ids = new Array<string>(n);
  let numericIds = true;
  for (let i = 0; i < n; i++) {
    const v = get.value(idCol!, i);
    if (typeof v === 'number' && Number.isFinite(v)) ids[i] = String(v);
    else if (typeof v === 'bigint') ids[i] = String(v);
    else if (typeof v === 'string' && v.length > 0) {
      ids[i] = v;
      numericIds = false;
    } else {
      add(idCol!, i, `expected a customer id (string, number or bigint), got ${show(v)}`);
      ids[i] = '';
      continue;
    }
  }
  const numeric = (f: Field, fallback: ((i: number) => number) | null, check: (x: number, i: number) => string | null): Float64Array | null => {
    const name = col(f);
    if (name === null && fallback === null) return null;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = name === null ? fallback!(i) : toNumber(get.value(name, i));
      const why = Number.isFinite(x) ? check(x, i) : `expected a finite number, got ${show(name === null ? x : get.value(name, i))}`;
      if (why !== null) add(name ?? f, i, why);
      out[i] = x;
    }
    return out;
  };
  const ok = (): null => null;
  const nonneg = (x: number): string | null => (x >= 0 ? null : `expected a non-negative number, got ${x}`);
  const frequency = numeric('frequency', null, (x) => (Number.isInteger(x) && x >= 0 ? null : `expected a non-negative integer, got ${x}`))!;
  const T = numeric('T', null, nonneg)!;
  const recency = numeric('recency', null, (x, i) => (x < 0 ? `expected a non-negative number, got ${x}` : x > T[i] ? `expected recency ≤ T (${T[i]}), got ${x}` : null))!;
  const hasMonetary = opts.hasMonetary ?? (col('monetaryValue') !== null || col('totalSpend') !== null);
  const monetaryValue = numeric('monetaryValue', () => 0, ok)!;
  const totalSpend = numeric('totalSpend', () => 0, ok)!;
  const transactions = numeric('transactions', (i) => frequency[i] + 1, (x) => (Number.isInteger(x) && x >= 1 ? null : `expected a positive integer, got ${x}`))!;
  const time = (f: Field): Float64Array => {
    const name = col(f);
    const out = new Float64Array(n).fill(NaN);
    if (name === null) return out;
    for (let i = 0; i < n; i++) {
      const v = get.value(name, i);
      const x = typeof v === 'bigint' ? Number(v) : toEpochMs(v);
      if (!Number.isFinite(x)) add(name, i, `expected epoch milliseconds, a Date or an ISO-8601 string, got ${show(v)}`);
      out[i] = x;
    }
    return out;
  };
  const firstPurchase = time('firstPurchase');
  const lastPurchase = time('lastPurchase');
  const hoCols = [col('holdoutFrequency'), col('holdoutTotalSpend'), col('duration')];
  const hasHoldout = hoCols.every((c) => c !== null);
  const hoFreq = hasHoldout ? numeric('holdoutFrequency', null, (x) => (Number.isInteger(x) && x >= 0 ? null : `expected a non-negative integer, got ${x}`))! : null;
  const hoTotal = hasHoldout ? numeric('holdoutTotalSpend', null, ok)! : null;
  const duration = hasHoldout ? numeric('duration', null, nonneg)! : null;

  const order = Array.from({ length: n }, (_, i) => i);
  sortCustomers(order, ids, numericIds && n > 0);
  // Duplicates are neighbours once sorted (numeric ids with the same string are equal numbers).
  for (let j = 1; j < n; j++) {
    if (ids[order[j]] !== '' && ids[order[j]] === ids[order[j - 1]]) add(idCol!, Math.max(order[j], order[j - 1]), `duplicate customer id ${show(ids[order[j]])} (also in row ${Math.min(order[j], order[j - 1])})`);
  }
  if (issueCount > 0) throw new InvalidInputError(`${context}: invalid rows`, issues, issueCount);

  let endMs: number;
  if (opts.observationEnd !== undefined) endMs = endMsOrThrow(opts.observationEnd, 'options.observationEnd', context);
  else {
    endMs = -Infinity;
    for (let i = 0; i < n; i++) if (lastPurchase[i] > endMs) endMs = lastPurchase[i];
    if (!Number.isFinite(endMs)) {
      throw new InvalidInputError(`${context}: invalid options`, [
        { path: 'options.observationEnd', message: 'required when the rows have no last_purchase column (or no rows)' },
      ]);
    }
  }

  const out = summaryColumns(n);
  const hf = new Float64Array(n);
  const hm = new Float64Array(n);
  const ht = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const i = order[j];
    out.customerId[j] = ids[i];
    out.frequency[j] = frequency[i];
    out.recency[j] = recency[i];
    out.T[j] = T[i];
    out.monetaryValue[j] = monetaryValue[i];
    out.totalSpend[j] = totalSpend[i];
    out.transactions[j] = transactions[i];
    out.firstPurchase[j] = firstPurchase[i];
    out.lastPurchase[j] = lastPurchase[i];
    if (hoFreq !== null) {
      hf[j] = hoFreq[i];
      ht[j] = hoTotal![i];
      hm[j] = hoFreq[i] === 0 ? 0 : hoTotal![i] / hoFreq[i];
    }
  }
  const summary: CustomerSummary = {
    unit: opts.unit ?? 'day',
    aggregation: opts.aggregation ?? 'day',
    observationEnd: new Date(endMs),
    size: n,
    hasMonetary,
    excludedAfterEnd: opts.excludedAfterEnd ?? 0,
    ...out,
  };
  if (hoFreq === null) return summary;
  return { ...summary, holdout: { frequency: hf, monetaryValue: hm, totalSpend: ht, duration: n > 0 ? duration![0] : 0 } };
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

interface Accessor {
  readonly n: number;
  find(names: readonly string[]): string | null;
  value(name: string, i: number): unknown;
}

function accessor(rows: SummaryRows, context: string): Accessor {
  if (Array.isArray(rows)) {
    const recs = rows as readonly Record<string, unknown>[];
    for (let i = 0; i < recs.length; i++) {
      const r: unknown = recs[i];
      if (r === null || typeof r !== 'object') {
        throw new InvalidInputError(`${context}: invalid rows`, [{ path: 'rows', row: i, message: `expected a record, got ${show(recs[i])}` }]);
      }
    }
    const first = recs[0] ?? {};
    return {
      n: recs.length,
      find: (names) => names.find((k) => k in first) ?? null,
      value: (name, i) => recs[i][name],
    };
  }
  const raw: unknown = rows;
  if (raw === null || typeof raw !== 'object') {
    throw new InvalidInputError(`${context}: invalid rows`, [{ path: 'rows', message: `expected records or columns, got ${show(rows)}` }]);
  }
  const cols = rows as Readonly<Record<string, ArrayLike<unknown>>>;
  let n = -1;
  const issues: InputIssue[] = [];
  for (const [k, c] of Object.entries(cols) as [string, unknown][]) {
    if (c === null || typeof c !== 'object' || typeof (c as ArrayLike<unknown>).length !== 'number') {
      issues.push({ path: k, message: `expected an array column, got ${show(c)}` });
    } else {
      const len = (c as ArrayLike<unknown>).length;
      if (n === -1) n = len;
      else if (len !== n) issues.push({ path: k, message: `expected ${n} values like the other columns, got ${len}` });
    }
  }
  if (issues.length > 0) throw new InvalidInputError(`${context}: invalid rows`, issues);
  return {
    n: Math.max(n, 0),
    find: (names) => names.find((k) => k in cols) ?? null,
    value: (name, i) => cols[name][i],
  };
}
