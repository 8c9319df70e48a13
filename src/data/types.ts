/**
 * The shapes of data that flow through `clmkit/data`.
 *
 * @module
 */

/** A time unit in which durations (recency, T, cohort offsets) are expressed. */
export type TimeUnit = 'day' | 'week' | 'month';

/**
 * The period within which a customer's purchases collapse into one purchase occasion.
 * `'day'` (the default, as in the BTYD literature and lifetimes) is one UTC calendar day;
 * `'week'` is an ISO week (Monday to Sunday, UTC); `'month'` a calendar month (UTC);
 * `'none'` keeps every record as its own occasion.
 */
export type Aggregation = 'day' | 'week' | 'month' | 'none';

/**
 * A timestamp as clmkit accepts it: a `Date`, an ISO-8601 string, or epoch milliseconds.
 *
 * ISO strings may be a date (`2024-03-01`, or the basic form `20240301`), or a date and time
 * (`2024-03-01T10:15`, `2024-03-01 10:15:30.250`, with an optional `Z` or `±hh:mm` offset). A
 * string **without** an offset is read as UTC, so the same string gives the same instant on
 * every machine whatever its time zone; calendar days are UTC days.
 */
export type TimestampInput = Date | string | number;

/** A customer identifier. Numbers and strings are compared by their string form (`1` ≡ `'1'`). */
export type CustomerId = string | number;

/**
 * One transaction. Extra fields are kept untouched by cleaning.
 *
 * @example
 * ```ts
 * import type { TransactionRecord } from 'clmkit';
 * const t: TransactionRecord = { customerId: 'c1', timestamp: '2024-03-01', amount: 19.9, sku: 'A-12' };
 * ```
 */
export interface TransactionRecord {
  /** Who bought. */
  customerId: CustomerId;
  /** When: a `Date`, an ISO-8601 string or epoch milliseconds. */
  timestamp: TimestampInput;
  /** How much (any currency; negative only for refunds kept on purpose). */
  amount?: number;
  /** Anything else the caller carries along. */
  [extra: string]: unknown;
}

/**
 * Transactions as columns of equal length. Arrays or typed arrays.
 *
 * @example
 * ```ts
 * import type { TransactionColumns } from 'clmkit';
 * const log: TransactionColumns = {
 *   customerId: ['a', 'a', 'b'],
 *   timestamp: [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 9), Date.UTC(2024, 0, 3)],
 *   amount: new Float64Array([10, 12.5, 7]),
 * };
 * ```
 */
export interface TransactionColumns {
  customerId: ArrayLike<CustomerId>;
  timestamp: ArrayLike<TimestampInput>;
  amount?: ArrayLike<number>;
}

/**
 * Any object with a customer id and a timestamp under some field names — your own interfaces
 * and classes included; see {@link FieldNames} to map your own names
 * (e.g. `{ customerId: 'user_id', timestamp: 'date' }`). Fields are validated at run time.
 */
export type TransactionLike = object;

/** Transactions as records or as columns. */
export type TransactionInput = readonly TransactionLike[] | TransactionColumns;

/**
 * Names of the fields (record keys, or column names) that hold the customer id, timestamp and
 * amount. Defaults: `customerId`, `timestamp`, `amount`.
 */
export interface FieldNames {
  /** @defaultValue `'customerId'` */
  customerId?: string;
  /** @defaultValue `'timestamp'` */
  timestamp?: string;
  /** @defaultValue `'amount'` */
  amount?: string;
}

/**
 * Per-customer RFM statistics in a chosen time unit, as columns, in the conventions of the
 * buy-till-you-die literature and Python's lifetimes (`summary_data_from_transaction_data`).
 *
 * Row `i` of every column belongs to `customerId[i]`. Customers are sorted by id (numerically
 * when every id in the input was a number, otherwise by UTF-16 code units), so the summary does
 * not depend on the order of the input records.
 */
export interface CustomerSummary {
  /** Unit of `recency` and `T`. */
  readonly unit: TimeUnit;
  /** How purchases were grouped into occasions before counting. */
  readonly aggregation: Aggregation;
  /** The end of the observation period (the instant given, or the last transaction's). */
  readonly observationEnd: Date;
  /** Number of customers (rows). */
  readonly size: number;
  /** Customer identifiers, as strings. */
  readonly customerId: readonly string[];
  /** `x`: number of **repeat** purchase occasions (occasions − 1). */
  readonly frequency: Float64Array;
  /** `t_x`: time from the first to the last purchase occasion, in `unit` (0 when frequency is 0). */
  readonly recency: Float64Array;
  /** `T`: time from the first purchase occasion to the observation end, in `unit`. */
  readonly T: Float64Array;
  /** Mean spend per **repeat** occasion (the first occasion excluded); 0 when frequency is 0. */
  readonly monetaryValue: Float64Array;
  /** Total spend over all occasions, the first included. */
  readonly totalSpend: Float64Array;
  /** Number of input records (transactions) per customer, before aggregation into occasions. */
  readonly transactions: Float64Array;
  /** First transaction instant, epoch milliseconds. */
  readonly firstPurchase: Float64Array;
  /** Last transaction instant up to the observation end, epoch milliseconds. */
  readonly lastPurchase: Float64Array;
  /** Whether the input carried amounts (when false, `monetaryValue` and `totalSpend` are 0). */
  readonly hasMonetary: boolean;
  /**
   * Records later than the observation end (their occasion is after the end's occasion), which
   * the summary does not count. Customers whose first record is after the end are not in it.
   */
  readonly excludedAfterEnd: number;
}
