/**
 * cohortSql and rfmSql run on DuckDB against cohortTable and rfmScores, and the PostgreSQL and
 * Trino variants of summarySql run on DuckDB too (it reads their functions: EXTRACT(EPOCH …),
 * date_diff('millisecond', …), DOUBLE PRECISION), against summarize.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortTable } from '../../src/data/cohort.js';
import { simulateTransactions } from '../../src/data/simulate.js';
import { summarize } from '../../src/data/summarize.js';
import type { Aggregation, TimeUnit } from '../../src/data/types.js';
import { rfmScores } from '../../src/segment/rfm.js';
import { cohortSql, rfmSql, summaryFromRows, summarySql } from '../../src/sql/index.js';

const { transactions } = simulateTransactions({ customers: 2000, seed: 21 });
let db: DuckDBInstance;
let con: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
  await con.run("SET TimeZone = 'UTC'");
  await con.run('CREATE TABLE tx (cid VARCHAR, ts TIMESTAMP, amt DOUBLE)');
  const app = await con.createAppender('tx');
  for (const t of transactions) {
    app.appendVarchar(String(t.customerId));
    app.appendVarchar(String(t.timestamp).replace('Z', ''));
    app.appendDouble(t.amount!);
    app.endRow();
  }
  app.closeSync();
});
afterAll(() => {
  con.closeSync();
  db.closeSync();
});

const cols = async (sql: string): Promise<Record<string, unknown[]>> => (await con.runAndReadAll(sql)).getColumnsObjectJS();
const names = { table: 'tx', customerId: 'cid', timestamp: 'ts', amount: 'amt' };

describe('summarySql in the postgres and trino dialects, run on DuckDB, equals summarize', () => {
  const cases: { unit: TimeUnit; aggregation: Aggregation }[] = [
    { unit: 'week', aggregation: 'day' },
    { unit: 'day', aggregation: 'week' },
    { unit: 'month', aggregation: 'month' },
    { unit: 'day', aggregation: 'month' },
  ];
  for (const dialect of ['postgres', 'trino'] as const) {
    it.each(cases)(`${dialect}: unit $unit, aggregation $aggregation`, async (c) => {
      const o = { ...c, observationEnd: '2024-05-31' };
      const got = summaryFromRows(await cols(summarySql({ ...names, ...o, dialect })), o);
      const want = summarize(transactions, o);
      expect(got.customerId).toEqual(want.customerId);
      for (const k of ['frequency', 'recency', 'T', 'transactions', 'firstPurchase', 'lastPurchase'] as const) expect(got[k], k).toEqual(want[k]);
      for (let i = 0; i < want.size; i++) expect(Math.abs(got.monetaryValue[i] - want.monetaryValue[i])).toBeLessThan(1e-9 * Math.max(1, want.monetaryValue[i]));
    });
  }
});

describe('cohortSql on DuckDB equals cohortTable', () => {
  it.each(['month', 'week'] as const)('%s', async (period) => {
    const want = cohortTable(transactions, { period, observationEnd: '2024-03-31' });
    const r = await cols(cohortSql({ ...names, period, observationEnd: '2024-03-31' }));
    const cohorts = [...new Set(r['cohort'].map(Number))];
    expect(cohorts.length).toBe(want.cohorts.length);
    // Dense rows from the long form: zeros where nobody bought.
    const active = want.activeCustomers.map((row) => row.map(() => 0));
    const revenue = want.revenue.map((row) => row.map(() => 0));
    for (let j = 0; j < r['cohort'].length; j++) {
      const i = cohorts.indexOf(Number(r['cohort'][j]));
      const k = Number(r['period_offset'][j]);
      expect(Number(r['cohort_size'][j])).toBe(want.size[i]);
      expect(Number(r['cohort_start'][j])).toBe(want.cohortStart[i].getTime());
      expect(Number(r['retention'][j])).toBe(Number(r['active_customers'][j]) / want.size[i]);
      active[i][k] = Number(r['active_customers'][j]);
      revenue[i][k] = Number(r['revenue'][j]);
    }
    expect(active).toEqual(want.activeCustomers);
    want.revenue.forEach((row, i) => { row.forEach((v, k) => { expect(Math.abs(revenue[i][k] - v)).toBeLessThan(1e-9 * Math.max(1, v)); }); });
  });
});

describe('rfmSql on DuckDB equals rfmScores(summarize(…)) with its defaults', () => {
  it.each([5, 4, 10, 3])('bins %i', async (bins) => {
    const o = { observationEnd: '2024-05-31' };
    const want = rfmScores(summarize(transactions, o), { bins });
    const r = await cols(rfmSql({ ...names, ...o, bins }));
    expect(r['customer_id']).toEqual(want.customerId);
    expect(r['recency_days'].map(Number)).toEqual(Array.from(want.recency));
    expect(r['frequency'].map(Number)).toEqual(Array.from(want.frequency));
    r['monetary'].forEach((v, i) => { expect(Math.abs(Number(v) - want.monetary[i])).toBeLessThan(1e-9 * Math.max(1, want.monetary[i])); });
    expect(r['r'].map(Number)).toEqual(Array.from(want.r));
    expect(r['f'].map(Number)).toEqual(Array.from(want.f));
    expect(r['m'].map(Number)).toEqual(Array.from(want.m));
  });
});
