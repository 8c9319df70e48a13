/**
 * Golden files of the generated SQL, one per dialect (test/fixtures/sql/<dialect>.sql), and a
 * parse of every query by node-sql-parser in the dialect's mode (DuckDB has no mode there: its
 * SQL is parsed as PostgreSQL, and run for real in test/duckdb).
 *
 * After an intended change of the SQL, regenerate the files with
 * `CLMKIT_UPDATE_GOLDEN=1 npx vitest run test/sql/golden.test.ts` and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodeSqlParser from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { cohortSql, rfmSql, summarySql, type SqlDialect } from '../../src/sql/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env['CLMKIT_UPDATE_GOLDEN'] === '1';
const { Parser } = nodeSqlParser as unknown as { Parser: new () => { astify(sql: string, o: { database: string }): unknown } };
const parser = new Parser();

const PARSER_MODE: Record<SqlDialect, string> = {
  duckdb: 'postgresql',
  spark: 'hive',
  trino: 'trino',
  bigquery: 'bigquery',
  postgres: 'postgresql',
};
// node-sql-parser's hive grammar knows `db.table` but not Spark 3's `catalog.db.table`.
const TABLE: Record<SqlDialect, string> = {
  duckdb: 'lake.sales.transactions',
  spark: 'sales.transactions',
  trino: 'hive.sales.transactions',
  bigquery: 'my-project.sales.transactions',
  postgres: 'sales.transactions',
};

function cases(dialect: SqlDialect): [string, string][] {
  const t = { table: TABLE[dialect], customerId: 'customer_id', timestamp: 'ordered_at', dialect };
  return [
    ['summary: day occasions, weeks (the BTYD papers)', summarySql({ ...t, amount: 'total', unit: 'week', observationEnd: '1998-06-30' })],
    ['summary: ISO-week occasions, days, no amount', summarySql({ ...t, unit: 'day', aggregation: 'week', observationEnd: '2024-03-31T12:00:00Z' })],
    [
      'summary: calendar months, calibration and holdout',
      summarySql({ ...t, amount: 'total', unit: 'month', aggregation: 'month', calibrationEnd: '1997-09-30', observationEnd: '1998-06-30' }),
    ],
    ['summary: month occasions in days', summarySql({ ...t, amount: 'total', unit: 'day', aggregation: 'month', observationEnd: '1998-06-30' })],
    ['summary: every record an occasion', summarySql({ ...t, amount: 'total', unit: 'week', aggregation: 'none', observationEnd: '1998-06-30' })],
    ['cohort: months', cohortSql({ ...t, amount: 'total', period: 'month', observationEnd: '1998-06-30' })],
    ['cohort: ISO weeks, no amount', cohortSql({ ...t, period: 'week', observationEnd: '1998-06-30' })],
    ['rfm: quintile scores', rfmSql({ ...t, amount: 'total', observationEnd: '1998-06-30' })],
  ];
}

function render(dialect: SqlDialect): string {
  return cases(dialect)
    .map(([name, sql]) => `-- ${name}\n${sql};\n`)
    .join('\n');
}

describe.each(Object.keys(PARSER_MODE) as SqlDialect[])('%s', (dialect) => {
  it('matches its golden file', () => {
    const file = join(here, '../fixtures/sql', `${dialect}.sql`);
    const text = render(dialect);
    if (UPDATE) writeFileSync(file, text);
    expect(existsSync(file), `${file} is missing: run with CLMKIT_UPDATE_GOLDEN=1`).toBe(true);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it.each(cases(dialect).map(([name, sql]) => ({ name, sql })))(`parses in node-sql-parser's ${PARSER_MODE[dialect]} mode: $name`, ({ sql }) => {
    expect(() => parser.astify(sql, { database: PARSER_MODE[dialect] })).not.toThrow();
  });
});
