/**
 * `summarizeWithDuckDB`: the `summarize` summary computed by an embedded DuckDB over a CSV or
 * Parquet file, or a table of your own DuckDB connection, so that large logs never enter the
 * JavaScript heap.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, MissingDependencyError, NotEnoughDataError, type InputIssue } from '../errors.js';
import { aggregationSchema, unitSchema } from '../data/summarize.js';
import type { Aggregation, TimestampInput, TimeUnit } from '../data/types.js';
import { summaryFromRows, type SqlCustomerSummary } from '../sql/compress.js';
import { dialectExpr, quoteIdentifier } from '../sql/dialect.js';
import { checkSql, summaryParts, summaryQuery, type SummarySqlOptions } from '../sql/summary.js';
import { parseOptions, show } from '../validate.js';

/** The part of `@duckdb/node-api`'s `DuckDBConnection` that clmkit uses. */
export interface DuckDBConnectionLike {
  runAndReadAll(sql: string): Promise<{ getColumnsObjectJS(): Record<string, unknown[]> }>;
}

/** A table (or view) of an open DuckDB connection. */
export interface DuckDBTableSource {
  /** An open `DuckDBConnection` (from `@duckdb/node-api`). */
  connection: DuckDBConnectionLike;
  /** Table or view name (`name`, `schema.name` or `catalog.schema.name`). */
  table: string;
}

/** Options of {@link summarizeWithDuckDB}. */
export interface SummarizeWithDuckDBOptions {
  /** Customer id column. @defaultValue `'customerId'` */
  customerId?: string;
  /** Timestamp column (TIMESTAMP as UTC, DATE, or text DuckDB casts). @defaultValue `'timestamp'` */
  timestamp?: string;
  /** Amount column; none → spend is 0 and `hasMonetary` false. @defaultValue none */
  amount?: string;
  /** Unit of `recency` and `T`. @defaultValue `'day'` */
  unit?: TimeUnit;
  /** Observation end, as in `summarize`. @defaultValue the latest timestamp */
  observationEnd?: TimestampInput;
  /** Calibration end: adds `holdout`, as `calibrationHoldoutSplit`. @defaultValue none */
  calibrationEnd?: TimestampInput;
  /** Purchase occasion period. @defaultValue `'day'` */
  aggregation?: Aggregation;
}

const timestampSchema = z.custom<TimestampInput>((v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date);
const schema = z.strictObject({
  customerId: z.optional(z.unknown()),
  timestamp: z.optional(z.unknown()),
  amount: z.optional(z.unknown()),
  unit: z.optional(unitSchema),
  observationEnd: z.optional(timestampSchema),
  calibrationEnd: z.optional(timestampSchema),
  aggregation: z.optional(aggregationSchema),
});

type DuckDBModule = typeof import('@duckdb/node-api');

/** Loads the optional peer dependency, or explains how to install it. */
async function loadDuckDB(): Promise<DuckDBModule> {
  try {
    return await import('@duckdb/node-api');
  } catch (cause) {
    throw new MissingDependencyError('clmkit/duckdb', '@duckdb/node-api', { cause });
  }
}

/** `'…'` string literal (DuckDB doubles single quotes inside). */
function stringLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Summarises a transaction log with DuckDB: runs {@link summarySql} (dialect `duckdb`) over a
 * CSV or Parquet file (`.csv`, `.tsv`, `.csv.gz`, `.parquet`; column types detected by DuckDB)
 * or over a table of an open connection, and returns the same {@link CustomerSummary} as
 * `summarize` on the same rows (same occasions, units and sort order; spend summed in another
 * order, so equal to ~1e-12 relative). A first pass counts NULL ids, timestamps and amounts
 * (an {@link InvalidInputError} naming the column, as `summarize` rejects such rows) and the
 * records after the end (`excludedAfterEnd`).
 *
 * `@duckdb/node-api` is an optional peer dependency, loaded on first use: install it with
 * `npm install @duckdb/node-api`. With a path, an in-memory DuckDB is created (time zone UTC)
 * and closed.
 *
 * @throws {@link InvalidInputError} for invalid options or NULL values.
 * @throws {@link MissingDependencyError} saying to install it when `@duckdb/node-api` is not installed.
 *
 * @example
 * ```ts
 * import { DuckDBInstance } from '@duckdb/node-api';
 * import { summarizeWithDuckDB } from 'clmkit/duckdb';
 * const db = await DuckDBInstance.create(':memory:');
 * const connection = await db.connect();
 * await connection.run(`CREATE TABLE tx AS SELECT * FROM (VALUES
 *   ('a', TIMESTAMP '2024-01-01 10:00', 10.0), ('a', TIMESTAMP '2024-01-08 09:00', 20.0),
 *   ('a', TIMESTAMP '2024-01-08 18:00', 5.0), ('b', TIMESTAMP '2024-01-03 12:00', 7.0)) v(user_id, ordered_at, total)`);
 * const s = await summarizeWithDuckDB(
 *   { connection, table: 'tx' },
 *   { customerId: 'user_id', timestamp: 'ordered_at', amount: 'total', unit: 'week', observationEnd: '2024-01-15' },
 * );
 * console.log(s.customerId, s.frequency, s.T, s.monetaryValue);
 * // [ 'a', 'b' ] Float64Array(2) [ 1, 0 ] Float64Array(2) [ 2, 1.7142857142857142 ] Float64Array(2) [ 25, 0 ]
 * // From a file: await summarizeWithDuckDB('transactions.parquet', { … })
 * connection.closeSync();
 * ```
 */
export async function summarizeWithDuckDB(source: string | DuckDBTableSource, options?: SummarizeWithDuckDBOptions): Promise<SqlCustomerSummary> {
  const context = 'summarizeWithDuckDB';
  const o = parseOptions(schema, options, context);
  // Names are checked before anything runs (summaryParts checks them again with the table).
  quoteIdentifier(o.customerId === undefined ? 'customerId' : o.customerId, 'duckdb', 'options.customerId', context, false);
  quoteIdentifier(o.timestamp === undefined ? 'timestamp' : o.timestamp, 'duckdb', 'options.timestamp', context, false);
  if (o.amount !== undefined) quoteIdentifier(o.amount, 'duckdb', 'options.amount', context, false);
  if (typeof source === 'string') {
    const reader = sourceReader(source, context);
    const duckdb = await loadDuckDB();
    const instance = await duckdb.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      try {
        await connection.run("SET TimeZone = 'UTC'");
      } catch {
        // Without the ICU extension DuckDB's time zone is UTC already.
      }
      await connection.run(`CREATE TEMP VIEW clmkit_source AS SELECT * FROM ${reader}`);
      return await run(connection, 'clmkit_source', o, context);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
  const src: unknown = source;
  const con = src !== null && typeof src === 'object' ? (src as { connection?: { runAndReadAll?: unknown } }).connection : undefined;
  if (typeof con?.runAndReadAll !== 'function') {
    throw new InvalidInputError(`${context}: invalid source`, [
      { path: 'source', message: `expected a CSV/Parquet path or { connection, table }, got ${show(source)}` },
    ]);
  }
  return run(source.connection, source.table, o, context);
}

function sourceReader(path: string, context: string): string {
  const lower = path.toLowerCase();
  const bad = (why: string): never => {
    throw new InvalidInputError(`${context}: invalid source`, [{ path: 'source', message: `${why}, got ${show(path)}` }]);
  };
  if (path.length === 0 || path.includes('\0')) bad('expected a file path');
  if (lower.endsWith('.parquet')) return `read_parquet(${stringLiteral(path)})`;
  if (lower.endsWith('.csv') || lower.endsWith('.tsv') || lower.endsWith('.csv.gz') || lower.endsWith('.tsv.gz')) {
    return `read_csv(${stringLiteral(path)})`;
  }
  return bad('expected a .csv, .tsv, .csv.gz or .parquet file');
}

async function run(
  connection: DuckDBConnectionLike,
  table: unknown,
  o: z.infer<typeof schema>,
  context: string,
): Promise<SqlCustomerSummary> {
  const customerId = o.customerId === undefined ? 'customerId' : o.customerId;
  const timestamp = o.timestamp === undefined ? 'timestamp' : o.timestamp;
  let observationEnd = o.observationEnd;
  if (observationEnd === undefined) {
    // Validate names before they reach SQL.
    const t = quoteIdentifier(table, 'duckdb', 'source.table', context, true);
    const ts = quoteIdentifier(timestamp, 'duckdb', 'options.timestamp', context, false);
    const d = dialectExpr('duckdb');
    const r = (await connection.runAndReadAll(`SELECT MAX(${d.epochMs(d.asTimestamp(ts))}) AS end_ms FROM ${t}`)).getColumnsObjectJS();
    const end = (r['end_ms'] as unknown[] | undefined)?.[0];
    if (end === null || end === undefined) {
      throw new NotEnoughDataError(`${context}: there are no transactions, so the observation end cannot default to the last one; pass options.observationEnd`, 1, 0);
    }
    observationEnd = Number(end);
  }
  // Names are validated by summaryParts below.
  const sqlOptions: SummarySqlOptions = {
    table: table as string,
    customerId: customerId as string,
    timestamp: timestamp as string,
    observationEnd,
    dialect: 'duckdb',
  };
  if (o.amount !== undefined) sqlOptions.amount = o.amount as string;
  if (o.unit !== undefined) sqlOptions.unit = o.unit;
  if (o.aggregation !== undefined) sqlOptions.aggregation = o.aggregation;
  if (o.calibrationEnd !== undefined) sqlOptions.calibrationEnd = o.calibrationEnd;
  let parts;
  try {
    parts = summaryParts(sqlOptions, context);
  } catch (e) {
    // The table is the source's, not an option.
    if (e instanceof InvalidInputError) {
      throw new InvalidInputError(
        `${context}: invalid options`,
        e.issues.map((i) => (i.path === 'options.table' ? { ...i, path: 'source.table' } : i)),
      );
    }
    throw e;
  }
  const check = (await connection.runAndReadAll(checkSql(parts))).getColumnsObjectJS();
  const count = (k: string): number => Number((check[k] as unknown[] | undefined)?.[0] ?? 0);
  const issues: InputIssue[] = [];
  for (const [col, name, path] of [
    ['null_customer_id', customerId, 'options.customerId'],
    ['null_timestamp', timestamp, 'options.timestamp'],
    ['null_amount', o.amount, 'options.amount'],
  ] as const) {
    const k = count(col);
    if (k > 0) issues.push({ path, message: `${k} row(s) have a NULL ${String(name)}: remove them (e.g. with a WHERE clause or cleanTransactions) first` });
  }
  if (issues.length > 0) throw new InvalidInputError(`${context}: invalid rows`, issues);
  // The summary query without its ORDER BY (summaryFromRows sorts), integer columns as DOUBLE
  // (JavaScript numbers convert faster than bigints).
  const q = summaryQuery(parts);
  const integers = new Set(['frequency', 'transactions', 'first_purchase', 'last_purchase', 'holdout_frequency']);
  const names = q.columns.map((c) => /(\w+),?$/.exec(c.trim())![1]);
  const outer = names.map((c) => (integers.has(c) ? `CAST(${c} AS DOUBLE) AS ${c}` : c)).join(', ');
  const sql = [...q.ctes, ', summary AS (', 'SELECT', ...q.columns, q.from, ')', `SELECT ${outer} FROM summary`].join('\n');
  const result = (await connection.runAndReadAll(sql)).getColumnsObjectJS();
  return summaryFromRows(result, {
    unit: parts.unit,
    aggregation: parts.aggregation,
    observationEnd: new Date(parts.calMs ?? parts.endMs),
    excludedAfterEnd: parts.calMs === null ? count('excluded_after_end') : 0,
    hasMonetary: parts.amount !== null,
  });
}
