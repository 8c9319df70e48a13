/**
 * Reading transactions (records or columns) into typed columns, with a status per row.
 * Shared by `summarize` (which throws on any bad row) and `cleanTransactions` (which removes and
 * counts them). One pass, no per-row allocation beyond the customer-id strings themselves.
 *
 * @internal
 * @module
 */
import { IssueCollector, InvalidInputError, MAX_ISSUES } from '../errors.js';
import { show } from '../validate.js';
import { MAX_EPOCH_MS, parseIsoTimestamp, toEpochMs } from './time.js';
import type { FieldNames, TransactionInput } from './types.js';

/** Why a row is not usable. 0 = usable. @internal */
export const RowStatus = {
  Ok: 0,
  MissingId: 1,
  InvalidTimestamp: 2,
  MissingAmount: 3,
  InvalidAmount: 4,
  NegativeAmount: 5,
} as const;

/** Typed columns read from the caller's input. @internal */
export interface ParsedLog {
  /** Number of input rows. */
  readonly n: number;
  /** Customer index per row (−1 where the id is missing). */
  readonly customer: Int32Array;
  /** Distinct customer ids, as strings, in first-appearance order. */
  readonly customerKeys: string[];
  /** True when every valid id was a number or a number's canonical string (customers then sort numerically). */
  readonly numericIds: boolean;
  /** Epoch ms per row (NaN where invalid). */
  readonly ms: Float64Array;
  /** Amount per row (NaN where missing or invalid); null when no row has an amount. */
  readonly amount: Float64Array | null;
  /** Status per row. */
  readonly status: Uint8Array;
  /** How many rows are not `Ok`. */
  readonly badRows: number;
}

/** Resolved field names. @internal */
export interface Fields {
  readonly customerId: string;
  readonly timestamp: string;
  readonly amount: string;
}

/** @internal */
export function resolveFields(fields: { readonly [K in keyof FieldNames]?: string | undefined } | undefined): Fields {
  return {
    customerId: fields?.customerId ?? 'customerId',
    timestamp: fields?.timestamp ?? 'timestamp',
    amount: fields?.amount ?? 'amount',
  };
}

/**
 * The caller's rows, validated as a container (records or equal-length columns) but not yet
 * row by row. Hot loops read `records` or `columns` directly, without per-row closures.
 *
 * @internal
 */
export interface RowReader {
  readonly n: number;
  readonly kind: 'records' | 'columns';
  /**
   * Set when kind is 'records'. Its elements are not checked yet: {@link parseLog} throws
   * (see {@link checkRecords}) if any is not an object, before returning anything.
   */
  readonly records?: readonly Readonly<Record<string, unknown>>[];
  /** Set when kind is 'columns'. */
  readonly columns?: {
    readonly id: ArrayLike<unknown>;
    readonly timestamp: ArrayLike<unknown>;
    readonly amount: ArrayLike<unknown> | undefined;
  };
  /** Whether any amount can be present at all (false: columns without an amount column). */
  readonly mayHaveAmount: boolean;
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return (
    Array.isArray(v) ||
    ArrayBuffer.isView(v) ||
    (typeof v === 'object' && v !== null && typeof (v as { length?: unknown }).length === 'number')
  );
}

/**
 * Builds a {@link RowReader} over records or columns, validating the container shape (not the
 * rows). Throws InvalidInputError for a container that is neither.
 *
 * @internal
 */
export function rowReader(input: TransactionInput, f: Fields, context: string): RowReader {
  if (Array.isArray(input)) {
    // Each element is checked to be an object by parseLog, in the same pass that reads it.
    const records = input as readonly Readonly<Record<string, unknown>>[];
    return { n: records.length, kind: 'records', records, mayHaveAmount: true };
  }
  const maybe: unknown = input;
  if (maybe !== null && typeof maybe === 'object') {
    const cols = input as unknown as Readonly<Record<string, unknown>>;
    const idCol = cols[f.customerId];
    const tsCol = cols[f.timestamp];
    const amCol = cols[f.amount];
    const issues = new IssueCollector();
    if (!isArrayLike(idCol)) issues.add(f.customerId, `expected a column (array) of customer ids, got ${show(idCol)}`);
    if (!isArrayLike(tsCol)) issues.add(f.timestamp, `expected a column (array) of timestamps, got ${show(tsCol)}`);
    if (amCol !== undefined && !isArrayLike(amCol)) issues.add(f.amount, `expected a column (array) of amounts, got ${show(amCol)}`);
    issues.throwIfAny(`${context}: transactions must be an array of records or an object of columns`);
    const ids = idCol as ArrayLike<unknown>;
    const ts = tsCol as ArrayLike<unknown>;
    const am = amCol as ArrayLike<unknown> | undefined;
    if (ts.length !== ids.length || (am !== undefined && am.length !== ids.length)) {
      throw new InvalidInputError(`${context}: columns must have equal lengths`, [
        {
          path: 'transactions',
          message: `${f.customerId} has ${ids.length} values, ${f.timestamp} ${ts.length}${am ? `, ${f.amount} ${am.length}` : ''}`,
        },
      ]);
    }
    return { n: ids.length, kind: 'columns', columns: { id: ids, timestamp: ts, amount: am }, mayHaveAmount: am !== undefined };
  }
  throw new InvalidInputError(context, [
    { path: 'transactions', message: `expected an array of records or an object of columns, got ${show(input)}` },
  ]);
}

/**
 * Throws an InvalidInputError naming every element of `records` that is not an object (null
 * included); returns when all are objects.
 *
 * @internal
 */
export function checkRecords(records: readonly unknown[], context: string): void {
  const issues = new IssueCollector();
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r === null || typeof r !== 'object') issues.add('transactions', `expected a record object, got ${show(r)}`, i);
  }
  issues.throwIfAny(context);
}

/** Options for {@link parseLog}. @internal */
export interface ParseOptions {
  /** Collect issues and throw (summarize) instead of only marking rows (clean). */
  readonly strict: boolean;
  /** Treat negative amounts as bad rows. */
  readonly rejectNegative: boolean;
  /** Parse non-ISO timestamp strings; must return epoch ms or NaN. */
  readonly parseTimestamp?: ((value: unknown, row: number) => number) | undefined;
}

/**
 * Interns customer ids and validates one row at a time; shared by the batch reader
 * ({@link parseLog}) and the streaming summary so both accept and reject exactly the same rows.
 *
 * Ids: numbers and the canonical string form of a number (`'42'`, not `'042'`) are the same id;
 * customers sort numerically when every id is such a number, otherwise by UTF-16 code units.
 *
 * @internal
 */
export class LogBuilder {
  readonly keys: string[] = [];
  readonly issues: IssueCollector | null;
  private readonly byNumber = new Map<number, number>();
  /** String id → customer index (read directly by parseLog's fast path). */
  readonly byString = new Map<string, number>();
  private nonNumeric = false;
  /** Rows with a non-null amount (valid or not). */
  amountsSeen = 0;
  /** Rows whose amount was missing (only the first MAX_ISSUES are listed). */
  missingAmountRows: number[] = [];
  missingAmountCount = 0;
  badRows = 0;
  // Outputs of the last addRow call.
  customer = -1;
  ms = NaN;
  amount = NaN;

  constructor(
    private readonly f: Fields,
    private readonly opts: ParseOptions,
  ) {
    this.issues = opts.strict ? new IssueCollector() : null;
  }

  get numericIds(): boolean {
    return !this.nonNumeric && this.keys.length > 0;
  }

  private lastId: unknown = undefined;
  private lastIndex = -1;

  /** Customer index of an id, or −1 when the id is missing or invalid. */
  intern(id: unknown): number {
    // Logs are often grouped by customer: skip the hash lookup for a repeat of the last id.
    if (id === this.lastId && id !== undefined) return this.lastIndex;
    const c = this.lookup(id);
    this.lastId = id;
    this.lastIndex = c;
    return c;
  }

  private lookup(id: unknown): number {
    if (typeof id === 'number') {
      if (!Number.isFinite(id)) return -1;
      let c = this.byNumber.get(id);
      if (c === undefined) {
        c = this.keys.length;
        this.byNumber.set(id, c);
        this.keys.push(String(id));
      }
      return c;
    }
    if (typeof id !== 'string' || id.length === 0) return -1;
    let c = this.byString.get(id);
    if (c === undefined) {
      const num = canonicalNumber(id);
      if (num === num) {
        c = this.byNumber.get(num);
        if (c === undefined) {
          c = this.keys.length;
          this.byNumber.set(num, c);
          this.keys.push(id);
        }
      } else {
        this.nonNumeric = true;
        c = this.keys.length;
        this.keys.push(id);
      }
      this.byString.set(id, c);
    }
    return c;
  }

  /**
   * Validates row `i` and sets `customer`, `ms`, `amount`. Returns its {@link RowStatus}.
   * `hasAmountField` false means the input cannot carry amounts (amount stays NaN, status Ok).
   */
  addRow(id: unknown, rawTs: unknown, rawAmount: unknown, i: number, hasAmountField: boolean): number {
    const f = this.f;
    const c = this.intern(id);
    this.customer = c;
    this.amount = NaN;
    if (c < 0) {
      this.ms = NaN;
      this.badRows++;
      this.issues?.add(f.customerId, `expected a non-empty string or a finite number, got ${show(id)}`, i);
      return RowStatus.MissingId;
    }
    let t = toEpochMs(rawTs);
    if (t !== t && this.opts.parseTimestamp !== undefined && rawTs !== null && rawTs !== undefined) {
      t = this.opts.parseTimestamp(rawTs, i);
    }
    this.ms = t;
    if (!Number.isFinite(t)) {
      this.badRows++;
      this.issues?.add(
        f.timestamp,
        `expected a Date, an ISO-8601 string (e.g. "2024-03-01" or "2024-03-01T10:15:00Z") or epoch milliseconds, got ${show(rawTs)}`,
        i,
      );
      return RowStatus.InvalidTimestamp;
    }
    if (!hasAmountField) return RowStatus.Ok;
    if (rawAmount === undefined || rawAmount === null) {
      this.missingAmountCount++;
      if (this.missingAmountRows.length < MAX_ISSUES) this.missingAmountRows.push(i);
      return RowStatus.Ok; // decided in finish(): bad only if other rows have amounts
    }
    this.amountsSeen++;
    if (typeof rawAmount !== 'number' || !Number.isFinite(rawAmount)) {
      this.badRows++;
      this.issues?.add(
        f.amount,
        `expected a finite number, got ${typeof rawAmount === 'string' ? `the string ${show(rawAmount)} (convert amounts to numbers first)` : show(rawAmount)}`,
        i,
      );
      return RowStatus.InvalidAmount;
    }
    this.amount = rawAmount;
    if (rawAmount < 0 && this.opts.rejectNegative) {
      this.badRows++;
      this.issues?.add(f.amount, `expected an amount ≥ 0, got ${rawAmount}`, i);
      return RowStatus.NegativeAmount;
    }
    return RowStatus.Ok;
  }

  /** Whether the log carries amounts: true when any row had one. */
  get hasAmounts(): boolean {
    return this.amountsSeen > 0;
  }

  /**
   * Records rows with a missing amount as issues when other rows have amounts, then throws in
   * strict mode if anything was wrong.
   */
  finish(context: string): void {
    if (this.hasAmounts && this.missingAmountCount > 0) {
      this.badRows += this.missingAmountCount;
      if (this.issues !== null) {
        for (const i of this.missingAmountRows) this.issues.add(this.f.amount, 'missing, while other rows have an amount', i);
        this.issues.count += this.missingAmountCount - this.missingAmountRows.length;
      }
    }
    if (this.issues !== null && this.issues.count > 0) {
      this.issues.issues.sort((a, b) => (a.row ?? -1) - (b.row ?? -1));
      this.issues.throwIfAny(context);
    }
  }
}

/**
 * The number a string id stands for when it is the canonical text of a finite number (`'42'`,
 * not `'042'` or `'4.20'`), else NaN: such an id and that number are the same customer, and ids
 * sort numerically when every one of them is such a number.
 * @internal
 */
export function canonicalNumber(id: string): number {
  const num = Number(id);
  return Number.isFinite(num) && String(num) === id ? num : NaN;
}

/**
 * Reads every row into typed columns with a status each. In strict mode throws an
 * {@link InvalidInputError} listing every bad row (capped) instead of returning.
 *
 * @internal
 */
export function parseLog(reader: RowReader, f: Fields, context: string, opts: ParseOptions): ParsedLog {
  if (reader.columns !== undefined) {
    const fast = parseValidColumns(reader.n, reader.columns, f, opts);
    if (fast !== null) return fast;
  }
  return parseRows(reader, f, context, opts);
}

/** A typed array of numbers (not a BigInt64Array, whose elements are bigints). */
function isNumericTypedArray(v: unknown): v is ArrayLike<number> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
}

/**
 * The common case of columns, column by column with a loop specialised to each column's type:
 * every id valid, every timestamp epoch ms or ISO-8601, every amount (if any) a finite number.
 * Returns null, having changed nothing the caller sees, at the first row that is anything else;
 * {@link parseRows} then reads the log row by row and decides. Interns ids in the same order as
 * {@link parseRows}, so both give the same result.
 */
function parseValidColumns(n: number, cols: NonNullable<RowReader['columns']>, f: Fields, opts: ParseOptions): ParsedLog | null {
  const b = new LogBuilder(f, opts);
  const customer = new Int32Array(n);
  if (!(isNumericTypedArray(cols.id) ? internNumbers(b, cols.id, customer) : internIds(b, cols.id, customer))) return null;
  // A Float64Array column is used as it is, after validation, not copied: the parsed log lives
  // only for the duration of one library call, which reads it and never writes to it.
  let ms: Float64Array;
  const ts = cols.timestamp;
  if (ts instanceof Float64Array) {
    for (let i = 0; i < n; i++) if (!(Math.abs(ts[i]) <= MAX_EPOCH_MS)) return null;
    ms = ts.length === n ? ts : ts.subarray(0, n);
  } else if (isNumericTypedArray(ts)) {
    ms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = ts[i];
      if (!(Math.abs(t) <= MAX_EPOCH_MS)) return null;
      ms[i] = t;
    }
  } else {
    ms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = toEpochMs(ts[i]);
      if (t !== t) return null;
      ms[i] = t;
    }
  }
  let amount: Float64Array | null = null;
  const am = cols.amount;
  if (am !== undefined && n > 0) {
    const rejectNegative = opts.rejectNegative;
    if (am instanceof Float64Array) {
      for (let i = 0; i < n; i++) {
        const a = am[i];
        if (a - a !== 0 || (rejectNegative && a < 0)) return null;
      }
      amount = am;
    } else if (isNumericTypedArray(am)) {
      amount = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const a = am[i];
        if (a - a !== 0 || (rejectNegative && a < 0)) return null;
        amount[i] = a;
      }
    } else {
      amount = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const a = am[i];
        if (typeof a !== 'number' || a - a !== 0 || (rejectNegative && a < 0)) return null;
        amount[i] = a;
      }
    }
  }
  return { n, customer, customerKeys: b.keys, numericIds: b.numericIds, ms, amount, status: new Uint8Array(n), badRows: 0 };
}

/**
 * Integer ids in [0, limit) → customer index + 1, in a table grown on demand: a cache in front
 * of {@link LogBuilder.intern} for the usual database keys.
 */
class DenseIds {
  table = new Int32Array(0);
  constructor(readonly limit: number) {}

  grow(id: number): void {
    const grown = new Int32Array(Math.min(this.limit, Math.max(2 * this.table.length, id + 1, 1024)));
    grown.set(this.table);
    this.table = grown;
  }
}

/** Customer index of every id of a column of any values; false at the first invalid id. */
function internIds(b: LogBuilder, ids: ArrayLike<unknown>, customer: Int32Array): boolean {
  const known = b.byString;
  const n = customer.length;
  const dense = new DenseIds(Math.max(1024, 4 * n));
  let lastId: unknown = undefined;
  let lastC = -1;
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    let c: number;
    if (id === lastId && lastC >= 0) c = lastC;
    else {
      if (typeof id === 'string') c = known.get(id) ?? b.intern(id);
      else if (typeof id === 'number' && id >= 0 && id < dense.limit && id === Math.floor(id)) c = internDense(b, dense, id);
      else c = b.intern(id);
      if (c < 0) return false;
      lastId = id;
      lastC = c;
    }
    customer[i] = c;
  }
  return true;
}

/** Customer index of every id of a typed array of numbers; false at the first non-finite one. */
function internNumbers(b: LogBuilder, ids: ArrayLike<number>, customer: Int32Array): boolean {
  const n = customer.length;
  const dense = new DenseIds(Math.max(1024, 4 * n));
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    let c: number;
    if (id >= 0 && id < dense.limit && id === Math.floor(id)) c = internDense(b, dense, id);
    else {
      c = b.intern(id);
      if (c < 0) return false;
    }
    customer[i] = c;
  }
  return true;
}

/** The customer index of an integer id in [0, dense.limit). */
function internDense(b: LogBuilder, dense: DenseIds, id: number): number {
  if (id >= dense.table.length) dense.grow(id);
  let c = dense.table[id] - 1;
  if (c < 0) {
    c = b.intern(id);
    dense.table[id] = c + 1;
  }
  return c;
}

/** The row-by-row reader, for records and for columns with anything unusual in them. */
function parseRows(reader: RowReader, f: Fields, context: string, opts: ParseOptions): ParsedLog {
  const n = reader.n;
  const customer = new Int32Array(n);
  const ms = new Float64Array(n);
  const status = new Uint8Array(n);
  const amount = reader.mayHaveAmount ? new Float64Array(n) : null;
  const b = new LogBuilder(f, opts);
  const hasField = reader.mayHaveAmount;
  const rejectNegative = opts.rejectNegative;
  const known = b.byString;
  let lastId: unknown = undefined;
  let lastC = -1;
  let fastAmounts = 0;
  // Two copies of one loop, records and columns, so that each reads its values with one kind of
  // load (a field of like-shaped objects, or an element) and keeps numbers unboxed.
  const recs = reader.records;
  const cols = reader.columns;
  if (recs !== undefined) {
    // A user's timestamp parser must not see any row of input that is rejected as a whole.
    if (opts.parseTimestamp !== undefined) checkRecords(recs, context);
    const idF = f.customerId;
    const tsF = f.timestamp;
    const amF = f.amount;
    for (let i = 0; i < n; i++) {
      const r = recs[i];
      if (typeof r !== 'object' || (r as unknown) === null) checkRecords(recs, context); // throws
      const id = r[idF];
      const rawTs = r[tsF];
      const rawAmount = r[amF];
      // Fast path: an id seen before (as a string), a numeric or ISO timestamp, a valid amount.
      // Anything else (a new id, a bad value, a missing amount) goes through addRow, which decides.
      if (typeof id === 'string') {
        const c = id === lastId ? lastC : (known.get(id) ?? -1);
        if (c >= 0) {
          const t = typeof rawTs === 'string' ? parseIsoTimestamp(rawTs) : typeof rawTs === 'number' && Math.abs(rawTs) <= MAX_EPOCH_MS ? rawTs : NaN;
          if (t === t) {
            if (amount === null) {
              status[i] = 0;
              customer[i] = c;
              ms[i] = t;
              lastId = id;
              lastC = c;
              continue;
            }
            if (typeof rawAmount === 'number' && rawAmount - rawAmount === 0 && !(rawAmount < 0 && rejectNegative)) {
              status[i] = 0;
              customer[i] = c;
              ms[i] = t;
              amount[i] = rawAmount;
              fastAmounts++;
              lastId = id;
              lastC = c;
              continue;
            }
          }
        }
      }
      status[i] = b.addRow(id, rawTs, rawAmount, i, hasField);
      customer[i] = b.customer;
      ms[i] = b.ms;
      if (amount !== null) amount[i] = b.amount;
      if (b.customer >= 0 && typeof id === 'string') {
        lastId = id;
        lastC = b.customer;
      }
    }
  } else if (cols !== undefined) {
    const ids = cols.id;
    const tss = cols.timestamp;
    const ams = cols.amount;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const rawTs = tss[i];
      const rawAmount = ams === undefined ? undefined : ams[i];
      // The same fast path as for records.
      if (typeof id === 'string') {
        const c = id === lastId ? lastC : (known.get(id) ?? -1);
        if (c >= 0) {
          const t = typeof rawTs === 'string' ? parseIsoTimestamp(rawTs) : typeof rawTs === 'number' && Math.abs(rawTs) <= MAX_EPOCH_MS ? rawTs : NaN;
          if (t === t) {
            if (amount === null) {
              status[i] = 0;
              customer[i] = c;
              ms[i] = t;
              lastId = id;
              lastC = c;
              continue;
            }
            if (typeof rawAmount === 'number' && rawAmount - rawAmount === 0 && !(rawAmount < 0 && rejectNegative)) {
              status[i] = 0;
              customer[i] = c;
              ms[i] = t;
              amount[i] = rawAmount;
              fastAmounts++;
              lastId = id;
              lastC = c;
              continue;
            }
          }
        }
      }
      status[i] = b.addRow(id, rawTs, rawAmount, i, hasField);
      customer[i] = b.customer;
      ms[i] = b.ms;
      if (amount !== null) amount[i] = b.amount;
      if (b.customer >= 0 && typeof id === 'string') {
        lastId = id;
        lastC = b.customer;
      }
    }
  }
  b.amountsSeen += fastAmounts;
  if (amount !== null && b.hasAmounts && b.missingAmountCount > 0) {
    for (let i = 0; i < n; i++) {
      if (status[i] === RowStatus.Ok && amount[i] !== amount[i]) status[i] = RowStatus.MissingAmount;
    }
  }
  b.finish(context);
  return {
    n,
    customer,
    customerKeys: b.keys,
    numericIds: b.numericIds,
    ms,
    amount: b.hasAmounts ? amount : null,
    status,
    badRows: b.badRows,
  };
}
