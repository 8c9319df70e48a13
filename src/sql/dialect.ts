/**
 * SQL dialects: identifier validation and quoting, timestamp literals, and the few expressions
 * (epoch milliseconds, calendar fields, truncation to the month, casts) that differ between
 * DuckDB, Spark SQL, Trino, BigQuery and PostgreSQL.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors.js';
import { show } from '../validate.js';

/** An SQL dialect that clmkit generates queries for. */
export type SqlDialect = 'duckdb' | 'spark' | 'trino' | 'bigquery' | 'postgres';

/** @internal */
export const dialectSchema = z.enum(['duckdb', 'spark', 'trino', 'bigquery', 'postgres']);

/**
 * One part of an identifier: a letter or underscore, then letters, digits, underscores or
 * hyphens (BigQuery project names), at most 128 characters. Anything else (quotes, backticks,
 * semicolons, spaces, control characters) is rejected rather than escaped.
 */
const PART = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

/**
 * Validates a column name (one part) or a table name (one to three dot-separated parts) and
 * quotes each part for `dialect`; an {@link InvalidInputError} naming `path` otherwise.
 *
 * @internal
 */
export function quoteIdentifier(value: unknown, dialect: SqlDialect, path: string, context: string, qualified: boolean): string {
  const bad = (why: string): never => {
    throw new InvalidInputError(`${context}: invalid options`, [{ path, message: `${why}, got ${show(value)}` }]);
  };
  if (typeof value !== 'string') return bad('expected an identifier string');
  const parts = qualified ? value.split('.') : [value];
  if (parts.length > 3) return bad('expected at most three dot-separated parts (catalog.schema.table)');
  for (const p of parts) {
    if (!PART.test(p)) {
      bad(
        qualified
          ? 'expected dot-separated names of letters, digits, underscores or hyphens, each starting with a letter or underscore'
          : 'expected a name of letters, digits, underscores or hyphens starting with a letter or underscore',
      );
    }
  }
  const q = dialect === 'spark' || dialect === 'bigquery' ? '`' : '"';
  return parts.map((p) => q + p + q).join('.');
}

/** `YYYY-MM-DD HH:MM:SS.mmm` of epoch ms, in UTC. @internal */
export function utcText(ms: number): string {
  const iso = new Date(ms).toISOString(); // 1997-09-30T23:59:59.999Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** Year 0–9999 ms range that every dialect's timestamp literal accepts. @internal */
export const LITERAL_MIN_MS = Date.UTC(1, 0, 1);
/** @internal */
export const LITERAL_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The dialect's expressions. @internal */
export interface DialectExpr {
  /** A TIMESTAMP literal of the UTC instant `ms`. */
  timestampLiteral(ms: number): string;
  /** The column as a TIMESTAMP (UTC wall clock). */
  asTimestamp(col: string): string;
  /** Epoch milliseconds (an integer) of a TIMESTAMP expression. */
  epochMs(ts: string): string;
  /** `year * 12 + month − 1` of a TIMESTAMP expression. */
  monthIndex(ts: string): string;
  /** The first instant of the month of a TIMESTAMP expression. */
  monthStart(ts: string): string;
  /** Cast to a 64-bit float. */
  double(e: string): string;
  /** The 64-bit integer type. */
  readonly int: string;
}

const DOUBLE_TYPE: Record<SqlDialect, string> = {
  duckdb: 'DOUBLE',
  spark: 'DOUBLE',
  trino: 'DOUBLE',
  bigquery: 'FLOAT64',
  postgres: 'DOUBLE PRECISION',
};

/** The expressions of `dialect`. @internal */
export function dialectExpr(dialect: SqlDialect): DialectExpr {
  const dt = DOUBLE_TYPE[dialect];
  const int = dialect === 'bigquery' ? 'INT64' : 'BIGINT';
  const double = (e: string): string => `CAST(${e} AS ${dt})`;
  const monthIndex = (ts: string): string => `(EXTRACT(YEAR FROM ${ts}) * 12 + EXTRACT(MONTH FROM ${ts}) - 1)`;
  switch (dialect) {
    case 'duckdb':
      return {
        timestampLiteral: (ms) => `TIMESTAMP '${utcText(ms)}'`,
        asTimestamp: (c) => `CAST(${c} AS TIMESTAMP)`,
        epochMs: (ts) => `epoch_ms(${ts})`,
        monthIndex,
        monthStart: (ts) => `date_trunc('month', ${ts})`,
        double,
        int,
      };
    case 'postgres':
      return {
        timestampLiteral: (ms) => `TIMESTAMP '${utcText(ms)}'`,
        asTimestamp: (c) => `CAST(${c} AS TIMESTAMP)`,
        epochMs: (ts) => `CAST(FLOOR(EXTRACT(EPOCH FROM ${ts}) * 1000) AS BIGINT)`,
        monthIndex,
        monthStart: (ts) => `date_trunc('month', ${ts})`,
        double,
        int,
      };
    case 'trino':
      return {
        timestampLiteral: (ms) => `TIMESTAMP '${utcText(ms)}'`,
        asTimestamp: (c) => `CAST(${c} AS TIMESTAMP)`,
        epochMs: (ts) => `date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00.000', ${ts})`,
        monthIndex,
        monthStart: (ts) => `date_trunc('month', ${ts})`,
        double,
        int,
      };
    case 'spark':
      return {
        timestampLiteral: (ms) => `TIMESTAMP '${utcText(ms)}'`,
        asTimestamp: (c) => `CAST(${c} AS TIMESTAMP)`,
        epochMs: (ts) => `unix_millis(${ts})`,
        monthIndex: (ts) => `(year(${ts}) * 12 + month(${ts}) - 1)`,
        monthStart: (ts) => `date_trunc('MONTH', ${ts})`,
        double,
        int,
      };
    case 'bigquery':
      return {
        timestampLiteral: (ms) => `TIMESTAMP '${utcText(ms)}+00:00'`,
        asTimestamp: (c) => `CAST(${c} AS TIMESTAMP)`,
        epochMs: (ts) => `UNIX_MILLIS(${ts})`,
        monthIndex,
        monthStart: (ts) => `TIMESTAMP_TRUNC(${ts}, MONTH)`,
        double,
        int,
      };
    default: {
      const never: never = dialect;
      throw new Error(`clmkit internal error: unknown dialect ${String(never)}`);
    }
  }
}

/** A float literal that every dialect reads back as the same double as `x`. @internal */
export function doubleLiteral(dialect: SqlDialect, x: number): string {
  const s = String(x);
  return Number.isInteger(x) ? dialectExpr(dialect).double(s) : dialectExpr(dialect).double(`'${s}'`);
}
