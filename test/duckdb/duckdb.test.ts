import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { simulateTransactions } from '../../src/data/simulate.js';
import { summarize } from '../../src/data/summarize.js';
import type { Aggregation, CustomerSummary, TimeUnit, TransactionRecord } from '../../src/data/types.js';
import { summarizeWithDuckDB } from '../../src/duckdb/index.js';
import { datasetPath, missingMessage, readCdnowSample } from '../helpers/datasets.js';

/** Same customers, exact frequency/recency/T/counts/times, spend to 1e-9 (relative to max(1, |x|)). */
function expectSameSummary(got: CustomerSummary, want: CustomerSummary): void {
  expect(got.size).toBe(want.size);
  expect(got.customerId).toEqual(want.customerId);
  expect(got.unit).toBe(want.unit);
  expect(got.aggregation).toBe(want.aggregation);
  expect(got.observationEnd.getTime()).toBe(want.observationEnd.getTime());
  expect(got.hasMonetary).toBe(want.hasMonetary);
  expect(got.excludedAfterEnd).toBe(want.excludedAfterEnd);
  for (const c of ['frequency', 'recency', 'T', 'transactions', 'firstPurchase', 'lastPurchase'] as const) {
    expect(got[c], c).toEqual(want[c]);
  }
  for (const c of ['monetaryValue', 'totalSpend'] as const) {
    let worst = 0;
    for (let i = 0; i < want.size; i++) worst = Math.max(worst, Math.abs(got[c][i] - want[c][i]) / Math.max(1, Math.abs(want[c][i])));
    expect(worst, c).toBeLessThan(1e-9);
  }
}

function writeCsv(path: string, rows: readonly TransactionRecord[]): void {
  const lines = ['customerId,timestamp,amount'];
  for (const r of rows) lines.push(`${String(r.customerId)},${String(r.timestamp)},${String(r.amount)}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clmkit-duckdb-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cdnowFile = 'cdnow/CDNOW_sample.txt';
const cdnow = datasetPath(cdnowFile);

describe.skipIf(cdnow === null)(`summarizeWithDuckDB equals summarize on CDNOW (${cdnow === null ? missingMessage(cdnowFile) : 'sample'})`, () => {
  const rows = cdnow === null ? [] : readCdnowSample(cdnow).map(({ customerId, timestamp, amount }) => ({ customerId, timestamp, amount }));
  let db: DuckDBInstance;
  let con: DuckDBConnection;
  beforeAll(async () => {
    const csv = join(dir, 'cdnow.csv');
    writeCsv(csv, rows);
    db = await DuckDBInstance.create(':memory:');
    con = await db.connect();
    await con.run(`CREATE TABLE cdnow AS SELECT * FROM read_csv('${csv}')`);
  });
  afterAll(() => {
    con.closeSync();
    db.closeSync();
  });

  it('from the CSV path, weeks (the BTYD papers\' setting)', async () => {
    const o = { unit: 'week', observationEnd: '1998-06-30' } as const;
    expectSameSummary(await summarizeWithDuckDB(join(dir, 'cdnow.csv'), { amount: 'amount', ...o }), summarize(rows, o));
  });

  const cases: { unit: TimeUnit; aggregation: Aggregation; observationEnd: string }[] = [
    { unit: 'day', aggregation: 'day', observationEnd: '1997-09-30' }, // rows after the end excluded
    { unit: 'month', aggregation: 'day', observationEnd: '1998-06-30' },
    { unit: 'week', aggregation: 'week', observationEnd: '1998-06-30' },
    { unit: 'month', aggregation: 'month', observationEnd: '1998-06-30' },
    { unit: 'day', aggregation: 'month', observationEnd: '1998-06-30' },
  ];
  it.each(cases)('from a table, unit $unit, aggregation $aggregation, end $observationEnd', async (c) => {
    const got = await summarizeWithDuckDB({ connection: con, table: 'cdnow' }, { amount: 'amount', ...c });
    const want = summarize(rows, c);
    if (c.observationEnd === '1997-09-30') expect(want.excludedAfterEnd).toBeGreaterThan(0);
    expectSameSummary(got, want);
  });

  it("aggregation 'none': equal, except which of several records at the first instant is 'first'", async () => {
    const o = { unit: 'week', aggregation: 'none', observationEnd: '1998-06-30' } as const;
    const got = await summarizeWithDuckDB({ connection: con, table: 'cdnow' }, { amount: 'amount', ...o });
    const want = summarize(rows, o);
    expectSameSummary({ ...got, monetaryValue: want.monetaryValue }, want);
    // SQL has no input order: ties at a customer's first instant are broken by the smaller amount.
    // Customers with one record at their first instant must match exactly.
    const firsts = new Map<string, number>();
    const first = new Map<string, string>();
    for (const r of rows) {
      const id = String(r.customerId);
      const f = first.get(id);
      if (f === undefined || r.timestamp < f) {
        first.set(id, r.timestamp);
        firsts.set(id, 1);
      } else if (r.timestamp === f) firsts.set(id, firsts.get(id)! + 1);
    }
    let checked = 0;
    for (let i = 0; i < want.size; i++) {
      if (firsts.get(want.customerId[i]) !== 1) continue;
      checked++;
      expect(Math.abs(got.monetaryValue[i] - want.monetaryValue[i])).toBeLessThan(1e-9 * Math.max(1, want.monetaryValue[i]));
    }
    expect(checked).toBeGreaterThan(want.size / 2);
  });
});

describe('summarizeWithDuckDB equals summarize on a simulated log (Parquet, CSV, a connection)', () => {
  const { transactions } = simulateTransactions({ customers: 8_000, seed: 11 });
  let parquet = '';
  let csv = '';
  beforeAll(async () => {
    csv = join(dir, 'sim.csv');
    parquet = join(dir, 'sim.parquet');
    writeCsv(csv, transactions);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
  });

  it('has a log of a useful size with repeat buyers', () => {
    expect(transactions.length).toBeGreaterThan(20_000);
  });

  it('Parquet, weeks, end inside the log (excluded rows counted)', async () => {
    const o = { unit: 'week', observationEnd: '2024-03-31' } as const;
    const got = await summarizeWithDuckDB(parquet, { amount: 'amount', ...o });
    const want = summarize(transactions, o);
    expect(want.excludedAfterEnd).toBeGreaterThan(0);
    expectSameSummary(got, want);
  });

  it('CSV, days, default observation end (the latest timestamp)', async () => {
    const got = await summarizeWithDuckDB(csv, { amount: 'amount' });
    expectSameSummary(got, summarize(transactions));
  });

  it('an existing connection and table, no amount, observation end mid-day', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await con.run(`CREATE TABLE main.tx AS SELECT customerId AS cid, timestamp AS ts FROM read_parquet('${parquet}')`);
      const o = { unit: 'month', observationEnd: '2024-06-15T12:00:00Z' } as const;
      const got = await summarizeWithDuckDB({ connection: con, table: 'main.tx' }, { customerId: 'cid', timestamp: 'ts', ...o });
      const want = summarize(
        transactions.map(({ customerId, timestamp }) => ({ customerId, timestamp })),
        o,
      );
      expect(want.hasMonetary).toBe(false);
      expectSameSummary(got, want);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  it('calibration end: the calibration summary equals summarize up to it; holdout counts occasions after it', async () => {
    const o = { unit: 'week', calibrationEnd: '2023-12-31', observationEnd: '2024-06-30' } as const;
    const got = await summarizeWithDuckDB(parquet, { amount: 'amount', ...o });
    const cal = summarize(
      transactions.filter((t) => String(t.timestamp) < '2024-01-01'),
      { unit: 'week', observationEnd: '2023-12-31' },
    );
    expect(got.holdout).toBeDefined();
    expectSameSummary(got, { ...cal, excludedAfterEnd: 0 });
    expect(got.holdout!.duration).toBe(26);
    // Holdout occasions: distinct days in (calibration end, observation end] per customer.
    const days = new Map<string, Set<string>>();
    for (const t of transactions) {
      const day = String(t.timestamp).slice(0, 10);
      if (day > '2023-12-31' && day <= '2024-06-30') {
        const id = String(t.customerId);
        if (!days.has(id)) days.set(id, new Set());
        days.get(id)!.add(day);
      }
    }
    for (let i = 0; i < got.size; i++) expect(got.holdout!.frequency[i]).toBe(days.get(got.customerId[i])?.size ?? 0);
  });
});

describe('summarizeWithDuckDB: bad input', () => {
  it('rejects NULL ids, timestamps and amounts naming the option', async () => {
    const csv = join(dir, 'nulls.csv');
    writeFileSync(csv, 'customerId,timestamp,amount\na,2024-01-01,1\n,2024-01-02,2\nb,,3\nc,2024-01-03,\n');
    const err = await summarizeWithDuckDB(csv, { amount: 'amount', observationEnd: '2024-02-01' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => i.path)).toEqual(['options.customerId', 'options.timestamp', 'options.amount']);
  });

  it('rejects unsafe names and unknown file types before running anything', async () => {
    await expect(summarizeWithDuckDB(join(dir, 'x.csv'), { customerId: 'x"; DROP TABLE t; --' })).rejects.toThrow(/options\.customerId/);
    await expect(summarizeWithDuckDB(join(dir, 'x.json'))).rejects.toThrow(/\.parquet/);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await expect(summarizeWithDuckDB({ connection: con, table: 't; DROP TABLE x' }, { observationEnd: '2024-01-01' })).rejects.toThrow(/source\.table/);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});
