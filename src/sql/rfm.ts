/**
 * `rfmSql`: RFM quantile scores (as `rfmScores` on a `summarize` result) computed in SQL.
 *
 * @module
 */
import * as z from 'zod/mini';
import { aggregationSchema } from '../data/summarize.js';
import type { Aggregation, TimestampInput } from '../data/types.js';
import { parseOptions } from '../validate.js';
import { dialectExpr, dialectSchema, type SqlDialect } from './dialect.js';
import { summaryParts, summaryQuery } from './summary.js';

/** Options of {@link rfmSql}. */
export interface RfmSqlOptions {
  /** The transaction table or view (`name`, `schema.name` or `catalog.schema.name`). Required. */
  table: string;
  /** Customer id column. Required. */
  customerId: string;
  /** Timestamp column (TIMESTAMP as UTC, or DATE). Required. */
  timestamp: string;
  /** Amount column; without it every monetary value is 0 (and M scores follow the id order). @defaultValue none */
  amount?: string;
  /** End of the observation period (a date-only string includes that whole UTC day). Required. */
  observationEnd: TimestampInput;
  /** Purchase occasion period, as in `summarize`. @defaultValue `'day'` */
  aggregation?: Aggregation;
  /** Quantile bins per dimension; scores run 1..bins. @defaultValue `5` */
  bins?: number;
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
  aggregation: z.optional(aggregationSchema),
  bins: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
  dialect: z.optional(dialectSchema),
});

/**
 * SQL for RFM scores per customer, the values and scores of `rfmScores(summarize(…))` with its
 * defaults (`recency: 'days-since-last'`, `ties: 'first'`):
 *
 * - `recency_days` = ⌊(observation end − last purchase) / 1 day⌋; `frequency` = purchase
 *   occasions (the summary's frequency + 1); `monetary` = total spend / occasions;
 * - each value is ranked (ties broken by customer id, which is the input order of a `summarize`
 *   result) and the rank `i` of `n` scores ⌈(i − 1) · bins / (n − 1)⌉, at least 1 — pandas'
 *   `qcut(rank(method='first'), bins)` (exactly so for bins 2, 3, 4, 5, 8, 10; see `rfmScores`);
 *   recency is reversed (`r` = bins + 1 − score), so the most recent score highest.
 *
 * Columns: `customer_id, recency_days, frequency, monetary, r, f, m`, ordered by `customer_id`.
 * Identifiers are validated and quoted as in `summarySql`.
 *
 * @throws {@link InvalidInputError} for an invalid or unsafe identifier or an invalid option.
 *
 * @example
 * ```ts
 * import { rfmSql } from 'clmkit/sql';
 * const sql = rfmSql({ table: 'tx', customerId: 'user_id', timestamp: 'ordered_at', amount: 'total', observationEnd: '2024-06-30', dialect: 'trino' });
 * console.log(sql.split('\n').at(-1)); // ORDER BY customer_id
 * ```
 */
export function rfmSql(options: RfmSqlOptions): string {
  const context = 'rfmSql';
  const o = parseOptions(schema, options, context);
  const { bins: b, ...rest } = o;
  const bins = b ?? 5;
  const p = summaryParts({ ...(rest as unknown as RfmSqlOptions), unit: 'day' }, context);
  const d = dialectExpr(p.dialect);
  const q = summaryQuery(p);
  const endMs = d.epochMs(d.timestampLiteral(p.endMs));
  const score = (value: string): string =>
    `CASE WHEN n = 1 THEN 1 ELSE GREATEST(1, CAST(CEIL(${d.double(`(ROW_NUMBER() OVER (ORDER BY ${value}, customer_id) - 1) * ${bins}`)} / (n - 1)) AS ${d.int})) END`;
  return [
    ...q.ctes.slice(0, -1),
    '),',
    'summary AS (',
    '  SELECT customer_id,',
    `    FLOOR(${d.double(`${endMs} - last_purchase`)} / 86400000) AS recency_days,`,
    '    x + 1 AS frequency,',
    '    total / (x + 1) AS monetary,',
    '    COUNT(*) OVER () AS n',
    `  ${q.from}`,
    '),',
    'scored AS (',
    '  SELECT customer_id, recency_days, frequency, monetary,',
    `    ${bins + 1} - ${score('recency_days')} AS r,`,
    `    ${score('frequency')} AS f,`,
    `    ${score('monetary')} AS m`,
    '  FROM summary',
    ')',
    'SELECT customer_id, recency_days, frequency, monetary, r, f, m',
    'FROM scored',
    'ORDER BY customer_id',
  ].join('\n');
}
