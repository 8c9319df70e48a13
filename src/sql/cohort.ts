/**
 * `cohortSql`: the acquisition cohort table of `cohortTable` computed in SQL.
 *
 * @module
 */
import * as z from 'zod/mini';
import type { TimestampInput } from '../data/types.js';
import { parseOptions } from '../validate.js';
import { dialectExpr, dialectSchema, type SqlDialect } from './dialect.js';
import { summaryParts } from './summary.js';

/** Options of {@link cohortSql}. */
export interface CohortSqlOptions {
  /** The transaction table or view (`name`, `schema.name` or `catalog.schema.name`). Required. */
  table: string;
  /** Customer id column. Required. */
  customerId: string;
  /** Timestamp column (TIMESTAMP as UTC, or DATE). Required. */
  timestamp: string;
  /** Amount column; without it revenue is 0. @defaultValue none */
  amount?: string;
  /** End of the observation period (a date-only string includes that whole UTC day). Required. */
  observationEnd: TimestampInput;
  /** Cohort and offset period: calendar month or ISO week (UTC). @defaultValue `'month'` */
  period?: 'month' | 'week';
  /** SQL dialect. @defaultValue `'duckdb'` */
  dialect?: SqlDialect;
}

const timestampSchema = z.custom<TimestampInput>((v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date);
const schema = z.strictObject({
  table: z.unknown(),
  customerId: z.unknown(),
  timestamp: z.unknown(),
  amount: z.optional(z.unknown()),
  observationEnd: timestampSchema,
  period: z.optional(z.enum(['month', 'week'])),
  dialect: z.optional(dialectSchema),
});

/**
 * SQL for the acquisition cohort table of `cohortTable`, in long form: one row per cohort and
 * period offset in which some of the cohort's customers bought, with the columns
 *
 * - `cohort`: the period index (`year * 12 + month − 1` for months; ISO weeks since the week of
 *   1970-01-01 for weeks), `cohort_start`: its first instant in epoch milliseconds (UTC);
 * - `period_offset` (0 = the acquisition period), `cohort_size` (customers acquired),
 *   `active_customers`, `revenue` (their spend in that period) and `retention`
 *   (`active_customers / cohort_size`).
 *
 * Offsets in which nobody bought have no row (their counts are 0), so `cohortTable`'s ragged
 * rows are the rows of one cohort with the gaps filled with 0 up to the end's period. A
 * customer's cohort is the period of their first transaction; records after the end's period
 * are left out. Identifiers are validated and quoted as in `summarySql`.
 *
 * @throws {@link InvalidInputError} for an invalid or unsafe identifier or an invalid option.
 *
 * @example
 * ```ts
 * import { cohortSql } from 'clmkit/sql';
 * const sql = cohortSql({ table: 'tx', customerId: 'user_id', timestamp: 'ordered_at', amount: 'total', observationEnd: '2024-06-30', dialect: 'bigquery' });
 * console.log(sql.includes('FROM `tx`')); // true
 * ```
 */
export function cohortSql(options: CohortSqlOptions): string {
  const context = 'cohortSql';
  const o = parseOptions(schema, options, context);
  const { period: per, ...rest } = o;
  const period = per ?? 'month';
  const p = summaryParts(rest as unknown as CohortSqlOptions, context);
  const d = dialectExpr(p.dialect);
  const ts = d.asTimestamp(p.timestamp);
  const dayOf = (ms: string): string => `FLOOR(${d.double(ms)} / 86400000)`;
  const index = (t: string): string => (period === 'month' ? d.double(d.monthIndex(t)) : `FLOOR((${dayOf(d.epochMs(t))} + 3) / 7)`);
  const start = (t: string): string => (period === 'month' ? d.double(d.epochMs(d.monthStart(t))) : `(${index(t)} * 7 - 3) * 86400000`);
  const amount = p.amount === null ? d.double('0') : d.double(p.amount);
  return [
    'WITH bounds AS (',
    `  SELECT ${index(d.timestampLiteral(p.endMs))} AS end_p`,
    '),',
    'keyed AS (',
    '  SELECT',
    `    ${p.customerId} AS customer_id,`,
    `    ${amount} AS amount,`,
    `    ${index(ts)} AS p,`,
    `    ${start(ts)} AS start_ms`,
    `  FROM ${p.table}`,
    '),',
    'counted AS (',
    '  SELECT customer_id, amount, p, start_ms FROM keyed CROSS JOIN bounds WHERE p <= end_p',
    '),',
    'firsts AS (',
    '  SELECT customer_id, MIN(p) AS cohort, MIN(start_ms) AS cohort_start',
    '  FROM counted',
    '  GROUP BY customer_id',
    '),',
    'sizes AS (',
    '  SELECT cohort, COUNT(*) AS cohort_size FROM firsts GROUP BY cohort',
    '),',
    'cells AS (',
    '  SELECT f.cohort, f.cohort_start, c.p - f.cohort AS period_offset,',
    '    COUNT(DISTINCT c.customer_id) AS active_customers, SUM(c.amount) AS revenue',
    '  FROM counted c JOIN firsts f ON c.customer_id = f.customer_id',
    '  GROUP BY f.cohort, f.cohort_start, c.p - f.cohort',
    ')',
    'SELECT cells.cohort, cells.cohort_start, cells.period_offset, sizes.cohort_size, cells.active_customers, cells.revenue,',
    `  ${d.double('cells.active_customers')} / sizes.cohort_size AS retention`,
    'FROM cells JOIN sizes ON cells.cohort = sizes.cohort',
    'ORDER BY cells.cohort, cells.period_offset',
  ].join('\n');
}
