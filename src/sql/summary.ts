/**
 * `summarySql`: the per-customer summary of `summarize` (frequency, recency, T, spend) as one SQL
 * query, to run where the transaction log lives.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors.js';
import { aggregationSchema, endMsOrThrow, unitSchema } from '../data/summarize.js';
import { DAYS_PER_UNIT, MS_PER_DAY, periodScheme } from '../data/time.js';
import type { Aggregation, TimestampInput, TimeUnit } from '../data/types.js';
import { parseOptions, show } from '../validate.js';
import { dialectExpr, dialectSchema, doubleLiteral, LITERAL_MAX_MS, LITERAL_MIN_MS, quoteIdentifier, type SqlDialect } from './dialect.js';

/** Options of {@link summarySql}. */
export interface SummarySqlOptions {
  /** The transaction table or view: `name`, `schema.name` or `catalog.schema.name`. Required. */
  table: string;
  /** Customer id column. Required. */
  customerId: string;
  /**
   * Timestamp column: a TIMESTAMP (read as UTC wall clock), a DATE, or text the engine casts to a
   * TIMESTAMP. On Spark set `spark.sql.session.timeZone` to `UTC`. Required.
   */
  timestamp: string;
  /** Amount column; without it every spend column is 0. @defaultValue none */
  amount?: string;
  /** Unit of `recency` and `T`, as in `summarize`. @defaultValue `'day'` */
  unit?: TimeUnit;
  /**
   * End of the observation period, as in `summarize`: a date-only string includes that whole UTC
   * day. Required (SQL has no "latest transaction" default here).
   */
  observationEnd: TimestampInput;
  /**
   * End of the calibration period, as in `calibrationHoldoutSplit`: when given, the summary is
   * that of the calibration period (customers whose first purchase is in it) and the query adds
   * `holdout_frequency`, `holdout_total_spend`, `holdout_monetary_value` and `duration`.
   * @defaultValue none
   */
  calibrationEnd?: TimestampInput;
  /** Purchase occasion period, as in `summarize`. @defaultValue `'day'` */
  aggregation?: Aggregation;
  /** SQL dialect. @defaultValue `'duckdb'` */
  dialect?: SqlDialect;
}

const timestampSchema = z.custom<TimestampInput>((v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date);

const schema = z.strictObject({
  table: z.unknown(),
  customerId: z.unknown(),
  timestamp: z.unknown(),
  amount: z.optional(z.unknown()),
  unit: z.optional(unitSchema),
  observationEnd: timestampSchema,
  calibrationEnd: z.optional(timestampSchema),
  aggregation: z.optional(aggregationSchema),
  dialect: z.optional(dialectSchema),
});

/** Validated and quoted pieces shared by the generated queries. @internal */
export interface SqlParts {
  readonly dialect: SqlDialect;
  readonly table: string;
  readonly customerId: string;
  readonly timestamp: string;
  readonly amount: string | null;
  readonly unit: TimeUnit;
  readonly aggregation: Aggregation;
  readonly endMs: number;
  readonly calMs: number | null;
}

/** Validates the options of {@link summarySql}. @internal */
export function summaryParts(options: SummarySqlOptions, context: string): SqlParts {
  const o = parseOptions(schema, options, context);
  const dialect = o.dialect ?? 'duckdb';
  const endMs = literalMs(o.observationEnd, 'options.observationEnd', context);
  const calMs = o.calibrationEnd === undefined ? null : literalMs(o.calibrationEnd, 'options.calibrationEnd', context);
  const unit = o.unit ?? 'day';
  const aggregation = o.aggregation ?? 'day';
  if (calMs !== null) {
    const scheme = periodScheme(aggregation, unit);
    if (!(scheme.key(calMs) < scheme.key(endMs))) {
      throw new InvalidInputError(`${context}: invalid options`, [
        {
          path: 'options.calibrationEnd',
          message: `expected a calibration end in an earlier ${aggregation === 'none' ? 'instant' : aggregation} than the observation end (${new Date(endMs).toISOString()}), got ${show(o.calibrationEnd)}`,
        },
      ]);
    }
  }
  return {
    dialect,
    table: quoteIdentifier(o.table, dialect, 'options.table', context, true),
    customerId: quoteIdentifier(o.customerId, dialect, 'options.customerId', context, false),
    timestamp: quoteIdentifier(o.timestamp, dialect, 'options.timestamp', context, false),
    amount: o.amount === undefined ? null : quoteIdentifier(o.amount, dialect, 'options.amount', context, false),
    unit,
    aggregation,
    endMs,
    calMs,
  };
}

function literalMs(value: TimestampInput, path: string, context: string): number {
  const ms = endMsOrThrow(value, path, context);
  if (ms < LITERAL_MIN_MS || ms > LITERAL_MAX_MS) {
    throw new InvalidInputError(`${context}: invalid options`, [
      { path, message: `expected an instant in the years 0001–9999, got ${show(value)}` },
    ]);
  }
  return ms;
}

/**
 * The key expression of `summarize`'s period scheme (see `periodScheme` in src/data/time.ts),
 * given the TIMESTAMP expression `ts` and its epoch-ms expression `ms`, and the divisor that
 * turns key differences into durations.
 *
 * @internal
 */
export function keyExpr(p: { dialect: SqlDialect; unit: TimeUnit; aggregation: Aggregation }, ts: string, ms: string): { key: string; divisor: number } {
  const d = dialectExpr(p.dialect);
  const dayOf = (msExpr: string): string => `FLOOR(${d.double(msExpr)} / 86400000)`;
  const daysPerUnit = DAYS_PER_UNIT[p.unit];
  switch (p.aggregation) {
    case 'none':
      return { key: ms, divisor: daysPerUnit * MS_PER_DAY };
    case 'day':
      return { key: dayOf(ms), divisor: daysPerUnit };
    case 'week':
      // ISO weeks: 1970-01-01 was a Thursday, so day + 3 counts from a Monday.
      return { key: `(FLOOR((${dayOf(ms)} + 3) / 7) * 7 - 3)`, divisor: daysPerUnit };
    case 'month':
      if (p.unit === 'month') return { key: d.double(d.monthIndex(ts)), divisor: 1 };
      return { key: dayOf(d.epochMs(d.monthStart(ts))), divisor: daysPerUnit };
    default: {
      const never: never = p.aggregation;
      throw new Error(`clmkit internal error: unknown aggregation ${String(never)}`);
    }
  }
}

/**
 * The `keyed` CTE body: one row per transaction with `customer_id`, `ms` (epoch ms), `amount`
 * (0 without an amount column) and the period key `k`; and the key expressions of the ends.
 *
 * @internal
 */
export function keyedSelect(p: SqlParts): { select: string; endKey: string; calKey: string | null; divisor: number } {
  const d = dialectExpr(p.dialect);
  const ts = d.asTimestamp(p.timestamp);
  const { key, divisor } = keyExpr(p, ts, d.epochMs(ts));
  const amount = p.amount === null ? d.double('0') : d.double(p.amount);
  const select = [
    'SELECT',
    `    ${p.customerId} AS customer_id,`,
    `    ${d.epochMs(ts)} AS ms,`,
    `    ${amount} AS amount,`,
    `    ${key} AS k`,
    `  FROM ${p.table}`,
  ].join('\n');
  const keyOfLiteral = (ms: number): string => {
    const lit = d.timestampLiteral(ms);
    return keyExpr(p, lit, d.epochMs(lit)).key;
  };
  return { select, endKey: keyOfLiteral(p.endMs), calKey: p.calMs === null ? null : keyOfLiteral(p.calMs), divisor };
}

/**
 * SQL for the per-customer summary of a transaction table, in the conventions of `summarize`
 * (same occasions, units, month definition and end-of-period handling; see docs/scale.md). The
 * query returns one row per customer, ordered by `customer_id`, with the columns
 * `customer_id, frequency, recency, t, monetary_value, total_spend, transactions,
 * first_purchase, last_purchase` (the last two in epoch milliseconds), and with `calibrationEnd`
 * also `holdout_frequency, holdout_total_spend, holdout_monetary_value, duration`.
 * `summaryFromRows` turns the result back into a `CustomerSummary`.
 *
 * Table and column names are validated (letters, digits, `_`, `-`; a table may be
 * `schema.table` or `catalog.schema.table`) and quoted for the dialect; dates become the
 * dialect's TIMESTAMP literals. Rows with a NULL timestamp are not counted (clean them first),
 * NULL amounts are not summed.
 *
 * @throws {@link InvalidInputError} for an invalid or unsafe identifier, an invalid date, or
 * `calibrationEnd` not before `observationEnd`.
 *
 * @example
 * ```ts
 * import { summarySql } from 'clmkit/sql';
 * const sql = summarySql({
 *   table: 'sales.transactions',
 *   customerId: 'user_id',
 *   timestamp: 'ordered_at',
 *   amount: 'total',
 *   unit: 'week',
 *   observationEnd: '1997-09-30',
 *   dialect: 'spark',
 * });
 * console.log(sql.includes('FROM `sales`.`transactions`')); // true
 * ```
 */
export function summarySql(options: SummarySqlOptions): string {
  const q = summaryQuery(summaryParts(options, 'summarySql'));
  return [...q.ctes, 'SELECT', ...q.columns, q.from, 'ORDER BY customer_id'].join('\n');
}

/**
 * The summary query in pieces: `ctes` (from `WITH` to the last CTE, without a trailing comma),
 * the final `columns` and `from`, for queries built on it.
 *
 * @internal
 */
export function summaryQuery(p: SqlParts): { ctes: string[]; columns: string[]; from: string } {
  const d = dialectExpr(p.dialect);
  const { select, endKey, calKey, divisor } = keyedSelect(p);
  const div = doubleLiteral(p.dialect, divisor);
  const cal = calKey !== null;
  const exact = p.aggregation === 'none';
  const occ = exact
    ? [
        'occ AS (',
        '  SELECT customer_id, k, amount AS spend, 1 AS n, ms AS first_ms, ms AS last_ms,',
        '    CASE WHEN ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ms, amount) = 1 THEN 1 ELSE 0 END AS is_first',
        '  FROM keyed CROSS JOIN bounds',
        '  WHERE k <= end_k',
        '),',
      ]
    : [
        'grouped AS (',
        '  SELECT customer_id, k, SUM(amount) AS spend, COUNT(*) AS n, MIN(ms) AS first_ms, MAX(ms) AS last_ms',
        '  FROM keyed CROSS JOIN bounds',
        '  WHERE k <= end_k',
        '  GROUP BY customer_id, k',
        '),',
        'occ AS (',
        '  SELECT customer_id, k, spend, n, first_ms, last_ms,',
        '    CASE WHEN k = MIN(k) OVER (PARTITION BY customer_id) THEN 1 ELSE 0 END AS is_first',
        '  FROM grouped',
        '),',
      ];
  // With a calibration end, the summary covers occasions up to it; later ones are the holdout.
  const when = (cond: string, then: string, otherwise: string | null): string =>
    cal ? `CASE WHEN ${cond} THEN ${then}${otherwise === null ? '' : ` ELSE ${otherwise}`} END` : then;
  const cust = [
    'cust AS (',
    '  SELECT customer_id,',
    `    SUM(${when('k <= cal_k', '1', '0')}) - 1 AS x,`,
    '    MIN(k) AS first_k,',
    `    MAX(${when('k <= cal_k', 'k', null)}) AS last_k,`,
    `    SUM(${when('k <= cal_k', 'spend', '0')}) AS total,`,
    `    SUM(CASE WHEN is_first = 0${cal ? ' AND k <= cal_k' : ''} THEN spend ELSE 0 END) AS repeat_spend,`,
    `    SUM(${when('k <= cal_k', 'n', '0')}) AS transactions,`,
    '    MIN(first_ms) AS first_purchase,',
    `    MAX(${when('k <= cal_k', 'last_ms', null)}) AS last_purchase${cal ? ',' : ''}`,
    ...(cal
      ? ['    SUM(CASE WHEN k > cal_k THEN 1 ELSE 0 END) AS holdout_frequency,', '    SUM(CASE WHEN k > cal_k THEN spend ELSE 0 END) AS holdout_total_spend']
      : []),
    `  FROM occ${cal ? ' CROSS JOIN bounds' : ''}`,
    '  GROUP BY customer_id',
    ...(cal ? ['  HAVING MIN(k) <= MIN(cal_k)'] : []),
    ')',
  ];
  const zero = d.double('0');
  const cols = [
    '  customer_id,',
    '  x AS frequency,',
    `  CASE WHEN x = 0 THEN ${zero} ELSE ${d.double('last_k - first_k')} / ${div} END AS recency,`,
    `  ${d.double(`${cal ? 'cal_k' : 'end_k'} - first_k`)} / ${div} AS t,`,
    `  CASE WHEN x = 0 THEN ${zero} ELSE repeat_spend / x END AS monetary_value,`,
    '  total AS total_spend,',
    '  transactions,',
    '  first_purchase,',
    `  last_purchase${cal ? ',' : ''}`,
    ...(cal
      ? [
          '  holdout_frequency,',
          '  holdout_total_spend,',
          `  CASE WHEN holdout_frequency = 0 THEN ${zero} ELSE holdout_total_spend / holdout_frequency END AS holdout_monetary_value,`,
          `  ${d.double('end_k - cal_k')} / ${div} AS duration`,
        ]
      : []),
  ];
  return {
    ctes: ['WITH bounds AS (', `  SELECT ${endKey} AS end_k${cal ? `, ${calKey} AS cal_k` : ''}`, '),', 'keyed AS (', `  ${select}`, '),', ...occ, ...cust],
    columns: cols,
    from: 'FROM cust CROSS JOIN bounds',
  };
}

/**
 * SQL that counts what `summarize` would reject or leave out: rows with a NULL customer id,
 * timestamp or amount, and rows after the observation end's period. One row with the columns
 * `null_customer_id, null_timestamp, null_amount, excluded_after_end`.
 *
 * @internal
 */
export function checkSql(p: SqlParts): string {
  const d = dialectExpr(p.dialect);
  const ts = d.asTimestamp(p.timestamp);
  const { endKey } = keyedSelect(p);
  const { key } = keyExpr(p, ts, d.epochMs(ts));
  const count = (cond: string): string => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  return [
    'SELECT',
    `  ${count(`${p.customerId} IS NULL`)} AS null_customer_id,`,
    `  ${count(`${p.timestamp} IS NULL`)} AS null_timestamp,`,
    `  ${p.amount === null ? '0' : count(`${p.amount} IS NULL`)} AS null_amount,`,
    `  ${count(`${key} > ${endKey}`)} AS excluded_after_end`,
    `FROM ${p.table}`,
  ].join('\n');
}
