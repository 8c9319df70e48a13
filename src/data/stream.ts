/**
 * Summaries from streams of records, with memory proportional to customers, not rows.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, MAX_ISSUES } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import { LogBuilder, resolveFields, RowStatus, type ParsedLog } from './input.js';
import {
  endMsOrThrow,
  sortCustomers,
  summarizeOptionsShape,
  summarizeParsed,
  summaryColumns,
  type SummarizeOptions,
} from './summarize.js';
import { periodScheme } from './time.js';
import type { CustomerSummary, TransactionLike } from './types.js';

/** Options of {@link summarizeStream}. */
export interface SummarizeStreamOptions extends SummarizeOptions {
  /**
   * What the stream promises about order.
   * - `'per-customer'`: each customer's records arrive in non-decreasing time order (a log
   *   sorted by time, or by customer then time, qualifies; customers may interleave). Memory is
   *   proportional to the number of customers. A record that breaks the promise throws an
   *   {@link InvalidInputError} naming it.
   * - `'any'`: no promise; records are kept compactly (about 21 bytes each) and summarised at
   *   the end, so memory grows with the number of records.
   * @defaultValue `'per-customer'`
   */
  order?: 'per-customer' | 'any';
}

/** What {@link summarizeStream} reads: records, or batches (arrays) of records. */
export type RecordSource =
  | AsyncIterable<TransactionLike | readonly TransactionLike[]>
  | Iterable<TransactionLike | readonly TransactionLike[]>;

const schema = z.strictObject({
  ...summarizeOptionsShape,
  order: z.optional(z.enum(['per-customer', 'any'])),
});

/**
 * {@link summarize} over an async (or sync) iterable of records or record batches: the same
 * {@link CustomerSummary}, bit for bit, with memory proportional to customers when each
 * customer's records arrive in time order (see {@link SummarizeStreamOptions.order}).
 * Pair it with {@link readCsvRecords} for files larger than memory.
 *
 * Bad rows throw an {@link InvalidInputError} naming each (by 0-based record index), as
 * `summarize` does; reading stops once {@link MAX_ISSUES} problems are found.
 *
 * @example
 * ```ts
 * import { summarizeStream } from 'clmkit';
 * async function* records() {
 *   yield { customerId: 'a', timestamp: '2024-01-01', amount: 10 };
 *   yield { customerId: 'b', timestamp: '2024-01-02', amount: 5 };
 *   yield { customerId: 'a', timestamp: '2024-01-09', amount: 20 };
 * }
 * const s = await summarizeStream(records(), { unit: 'week', observationEnd: '2024-01-15' });
 * console.log(s.customerId, s.frequency); // [ 'a', 'b' ] Float64Array(2) [ 1, 0 ]
 * ```
 *
 * @example Reading a CSV file in Node (not run by the doc-test: it needs your file):
 * ```ts no-run
 * import { createReadStream } from 'node:fs';
 * import { readCsvRecords, summarizeStream } from 'clmkit';
 * const summary = await summarizeStream(
 *   readCsvRecords(createReadStream('transactions.csv'), { numbers: ['amount'] }),
 *   { unit: 'week' },
 * );
 * ```
 */
export async function summarizeStream(source: RecordSource, options?: SummarizeStreamOptions): Promise<CustomerSummary> {
  const opts = parseOptions(schema, options, 'summarizeStream');
  const f = resolveFields(opts.fields);
  const unit = opts.unit ?? 'day';
  const aggregation = opts.aggregation ?? 'day';
  const givenEnd =
    opts.observationEnd === undefined ? undefined : endMsOrThrow(opts.observationEnd, 'options.observationEnd', 'summarizeStream');
  const src: unknown = source;
  if (src === null || typeof src !== 'object' || !(Symbol.asyncIterator in src || Symbol.iterator in src)) {
    throw new InvalidInputError('summarizeStream', [
      { path: 'source', message: `expected an async iterable or iterable of records, got ${show(source)}` },
    ]);
  }
  const b = new LogBuilder(f, { strict: true, rejectNegative: false, parseTimestamp: opts.parseTimestamp });
  const acc = (opts.order ?? 'per-customer') === 'any' ? new RowAccumulator() : new CustomerAccumulator(periodScheme(aggregation, unit), givenEnd, aggregation);
  let row = 0;
  const take = (item: unknown): void => {
    const rec = item as Readonly<Record<string, unknown>>;
    const status =
      item !== null && typeof item === 'object'
        ? b.addRow(rec[f.customerId], rec[f.timestamp], rec[f.amount], row, true)
        : badRecord(b, item, row);
    acc.add(b, status, row);
    row++;
    if (b.issues!.count >= MAX_ISSUES) b.finish(`summarizeStream (stopped reading at record ${row - 1})`);
  };
  for await (const item of source as AsyncIterable<TransactionLike | readonly TransactionLike[]>) {
    if (Array.isArray(item)) for (const rec of item as readonly TransactionLike[]) take(rec);
    else take(item);
  }
  b.finish('summarizeStream');
  return acc.finish(b, { unit, aggregation, givenEnd });
}

function badRecord(b: LogBuilder, rec: unknown, row: number): number {
  b.badRows++;
  b.issues?.add('source', `expected a record object, got ${show(rec)}`, row);
  return RowStatus.MissingId;
}

interface FinishOptions {
  readonly unit: CustomerSummary['unit'];
  readonly aggregation: CustomerSummary['aggregation'];
  readonly givenEnd: number | undefined;
}

/** Keeps every row compactly, then runs the batch kernel (order: 'any'). */
class RowAccumulator {
  private customer = new Int32Array(1024);
  private ms = new Float64Array(1024);
  private amount = new Float64Array(1024);
  private status = new Uint8Array(1024);
  private n = 0;

  add(b: LogBuilder, status: number): void {
    if (this.n === this.customer.length) this.grow();
    const i = this.n++;
    this.customer[i] = b.customer;
    this.ms[i] = b.ms;
    this.amount[i] = b.amount;
    this.status[i] = status;
  }

  private grow(): void {
    const cap = this.customer.length * 2;
    const c = new Int32Array(cap);
    c.set(this.customer);
    this.customer = c;
    const m = new Float64Array(cap);
    m.set(this.ms);
    this.ms = m;
    const a = new Float64Array(cap);
    a.set(this.amount);
    this.amount = a;
    const s = new Uint8Array(cap);
    s.set(this.status);
    this.status = s;
  }

  finish(b: LogBuilder, o: FinishOptions): CustomerSummary {
    const n = this.n;
    const parsed: ParsedLog = {
      n,
      customer: this.customer.subarray(0, n),
      customerKeys: b.keys,
      numericIds: b.numericIds,
      ms: this.ms.subarray(0, n),
      amount: b.hasAmounts ? this.amount.subarray(0, n) : null,
      status: this.status.subarray(0, n),
      badRows: b.badRows,
    };
    let end = o.givenEnd;
    if (end === undefined) {
      end = -Infinity;
      for (let i = 0; i < n; i++) if (parsed.status[i] === 0 && parsed.ms[i] > end) end = parsed.ms[i]!;
    }
    return summarizeParsed(parsed, { unit: o.unit, aggregation: o.aggregation, endMs: end === -Infinity ? 0 : end });
  }
}

/** Per-customer running statistics (order: 'per-customer'). */
class CustomerAccumulator {
  private cap = 1024;
  private firstKey: Float64Array<ArrayBuffer> = new Float64Array(this.cap);
  private lastKey: Float64Array<ArrayBuffer> = new Float64Array(this.cap);
  private firstMs: Float64Array<ArrayBuffer> = new Float64Array(this.cap);
  private lastMs: Float64Array<ArrayBuffer> = new Float64Array(this.cap);
  private occasions: Float64Array<ArrayBuffer> = new Float64Array(this.cap);
  private total: Float64Array<ArrayBuffer> = new Float64Array(this.cap);
  private repeat: Float64Array<ArrayBuffer> = new Float64Array(this.cap);
  private count: Float64Array<ArrayBuffer> = new Float64Array(this.cap);
  private readonly endKey: number;
  private maxMs = -Infinity;
  private excluded = 0;

  /** Aggregation 'none': every record is its own occasion. */
  private readonly exact: boolean;

  constructor(
    private readonly scheme: ReturnType<typeof periodScheme>,
    givenEnd: number | undefined,
    aggregation: CustomerSummary['aggregation'],
  ) {
    this.endKey = givenEnd === undefined ? Infinity : scheme.key(givenEnd);
    this.exact = aggregation === 'none';
  }

  add(b: LogBuilder, status: number, row: number): void {
    if (status !== RowStatus.Ok) return;
    const c = b.customer;
    const t = b.ms;
    const k = this.scheme.key(t);
    if (k > this.endKey) {
      this.excluded++;
      return;
    }
    if (c >= this.cap) this.grow(c + 1);
    if (t > this.maxMs) this.maxMs = t;
    const a = b.amount === b.amount ? b.amount : 0;
    const cnt = this.count[c];
    if (cnt === 0) {
      this.firstKey[c] = k;
      this.lastKey[c] = k;
      this.firstMs[c] = t;
      this.lastMs[c] = t;
      this.occasions[c] = 1;
      this.total[c] = a;
      this.count[c] = 1;
      return;
    }
    const last = this.lastKey[c];
    if (k < last) {
      throw new InvalidInputError('summarizeStream', [
        {
          path: 'timestamp',
          row,
          message: `customer ${show(b.keys[c])} has a record at ${new Date(t).toISOString()} after one at ${new Date(this.lastMs[c]).toISOString()}; with order: 'per-customer' each customer's records must arrive in time order. Sort the input, or pass order: 'any' (memory then grows with the number of records)`,
        },
      ]);
    }
    // With aggregation 'none' every record is an occasion of its own (and a repeat purchase).
    if (k > last || this.exact) {
      this.occasions[c]++;
      this.lastKey[c] = k;
    }
    if (t < this.firstMs[c]) this.firstMs[c] = t;
    if (t > this.lastMs[c]) this.lastMs[c] = t;
    this.total[c] += a;
    if (k !== this.firstKey[c] || this.exact) this.repeat[c] += a;
    this.count[c] = cnt + 1;
  }

  private grow(min: number): void {
    let cap = this.cap;
    while (cap < min) cap *= 2;
    const g = (x: Float64Array): Float64Array<ArrayBuffer> => {
      const y = new Float64Array(cap);
      y.set(x);
      return y;
    };
    this.firstKey = g(this.firstKey);
    this.lastKey = g(this.lastKey);
    this.firstMs = g(this.firstMs);
    this.lastMs = g(this.lastMs);
    this.occasions = g(this.occasions);
    this.total = g(this.total);
    this.repeat = g(this.repeat);
    this.count = g(this.count);
    this.cap = cap;
  }

  finish(b: LogBuilder, o: FinishOptions): CustomerSummary {
    const endMs = o.givenEnd ?? (this.maxMs === -Infinity ? 0 : this.maxMs);
    const endKey = this.scheme.key(endMs);
    const divisor = this.scheme.divisor;
    const present: number[] = [];
    const C = Math.min(b.keys.length, this.cap);
    for (let c = 0; c < C; c++) if (this.count[c] > 0) present.push(c);
    sortCustomers(present, b.keys, b.numericIds);
    const m = present.length;
    const hasMonetary = b.hasAmounts;
    const s = summaryColumns(m);
    for (let j = 0; j < m; j++) {
      const c = present[j];
      const x = this.occasions[c] - 1;
      s.customerId[j] = b.keys[c]!;
      s.frequency[j] = x;
      s.recency[j] = x === 0 ? 0 : (this.lastKey[c] - this.firstKey[c]) / divisor;
      s.T[j] = (endKey - this.firstKey[c]) / divisor;
      s.monetaryValue[j] = x === 0 || !hasMonetary ? 0 : this.repeat[c] / x;
      s.totalSpend[j] = hasMonetary ? this.total[c] : 0;
      s.transactions[j] = this.count[c]!;
      s.firstPurchase[j] = this.firstMs[c]!;
      s.lastPurchase[j] = this.lastMs[c]!;
    }
    return {
      unit: o.unit,
      aggregation: o.aggregation,
      observationEnd: new Date(endMs),
      size: m,
      hasMonetary,
      excludedAfterEnd: this.excluded,
      ...s,
    };
  }
}
