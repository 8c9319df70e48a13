import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/data/csv.js';
import { summarizeStream } from '../../src/data/stream.js';
import { summarize } from '../../src/data/summarize.js';
import type { CustomerSummary } from '../../src/data/types.js';
import { InvalidInputError } from '../../src/errors.js';
import { datasetPath, readCdnowSample } from '../helpers/datasets.js';

const COLS = ['frequency', 'recency', 'T', 'monetaryValue', 'totalSpend', 'transactions', 'firstPurchase', 'lastPurchase'] as const;
function expectSameSummary(a: CustomerSummary, b: CustomerSummary): void {
  expect(a.customerId).toEqual(b.customerId);
  for (const k of COLS) expect([...a[k]]).toEqual([...b[k]]); // bit for bit
  expect(a.observationEnd.getTime()).toBe(b.observationEnd.getTime());
  expect(a.excludedAfterEnd).toBe(b.excludedAfterEnd);
  expect(a.hasMonetary).toBe(b.hasMonetary);
}
async function* asyncOf<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const x of items) {
    await Promise.resolve();
    yield x;
  }
}

describe('summarizeStream', () => {
  it('equals summarize, bit for bit, for records, batches and sync iterables', async () => {
    const log = [
      { customerId: 'b', timestamp: '2024-01-02', amount: 5 },
      { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
      { customerId: 'a', timestamp: '2024-01-01', amount: 0.1 },
      { customerId: 'a', timestamp: '2024-01-09', amount: 20.2 },
      { customerId: 'a', timestamp: '2024-01-20', amount: 0.7 },
    ];
    const opts = { unit: 'week', observationEnd: '2024-01-31' } as const;
    const ref = summarize(log, opts);
    expectSameSummary(await summarizeStream(asyncOf(log), opts), ref);
    expectSameSummary(await summarizeStream([log.slice(0, 2), log.slice(2)], opts), ref);
    expectSameSummary(await summarizeStream(log, opts), ref);
    expectSameSummary(await summarizeStream(asyncOf(log), { ...opts, order: 'any' }), ref);
  });

  it("per-customer order: a customer's earlier record arriving late is an error naming the row", async () => {
    const log = [
      { customerId: 'a', timestamp: '2024-01-05' },
      { customerId: 'b', timestamp: '2024-01-01' }, // other customers may interleave
      { customerId: 'a', timestamp: '2024-01-05T20:00:00Z' }, // same day, earlier/later: fine
      { customerId: 'a', timestamp: '2024-01-02' }, // earlier day: breaks the promise
    ];
    const err = await summarizeStream(log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues[0]).toMatchObject({ path: 'timestamp', row: 3 });
    expect((err as InvalidInputError).message).toContain("order: 'any'");
    const any = await summarizeStream(log, { order: 'any' });
    expectSameSummary(any, summarize(log));
  });

  it('bad rows throw like summarize, with record indices', async () => {
    const err = await summarizeStream([
      { customerId: 'a', timestamp: '2024-01-01', amount: 1 },
      { customerId: 'a', timestamp: 'x', amount: 1 },
      7,
      { customerId: 'a', timestamp: '2024-01-03' },
    ] as never).catch((e: unknown) => e as InvalidInputError);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => [i.path, i.row])).toEqual([
      ['timestamp', 1],
      ['source', 2],
      ['amount', 3],
    ]);
    await expect(summarizeStream(42 as never)).rejects.toThrow(/expected an async iterable/);
  });

  it('stops reading once MAX_ISSUES problems are found', async () => {
    let pulled = 0;
    function* endless(): Generator<{ customerId: string; timestamp: string }> {
      for (;;) {
        pulled++;
        yield { customerId: '', timestamp: '2024-01-01' };
      }
    }
    const err = await summarizeStream(endless()).catch((e: unknown) => e as InvalidInputError);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(pulled).toBe(100);
  });

  it('reads a CSV stream end to end', async () => {
    const csv = 'customerId,timestamp,amount\r\na,2024-01-01,10\r\nb,2024-01-02,5\r\n"a",2024-01-09,"20"\r\n';
    const s = await summarizeStream(readCsvRecords([new TextEncoder().encode(csv)], { numbers: ['amount'] }), { unit: 'day' });
    expect(s.customerId).toEqual(['a', 'b']);
    expect([...s.frequency]).toEqual([1, 0]);
    expect([...s.monetaryValue]).toEqual([20, 0]);
  });

  it('property: per-customer-ordered random logs give exactly summarize’s result, in both modes', async () => {
    const arb = fc.array(
      fc.record({
        customerId: fc.constantFrom('a', 'b', 'c', '1', '2'),
        timestamp: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 11, 31) }),
        amount: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 60 },
    );
    await fc.assert(
      fc.asyncProperty(arb, fc.boolean(), async (raw, withAmount) => {
        const txs = raw
          .map((t) => (withAmount ? { ...t, amount: t.amount ?? 1 } : { customerId: t.customerId, timestamp: t.timestamp }))
          .sort((x, y) => x.timestamp - y.timestamp);
        const opts = { unit: 'week', observationEnd: Date.UTC(2024, 9, 1) } as const;
        const ref = summarize(txs, opts);
        expectSameSummary(await summarizeStream(asyncOf(txs), opts), ref);
        const shuffled = [...txs].reverse();
        expectSameSummary(await summarizeStream(shuffled, { ...opts, order: 'any' }), summarize(shuffled, opts));
      }),
      { seed: 21, numRuns: 150 },
    );
  });
});

describe('summarizeStream: many customers (radix sort of ids, stamp-table occasion count)', () => {
  it('property: numeric ids (sorted numerically) or string ids, thousands of customers, equal summarize bit for bit', async () => {
    const day = 86_400_000;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), async (seed, numeric) => {
        // A deterministic time-ordered log from the seed: 3,000 rows, up to 2,500 customers.
        let x = seed;
        const next = (): number => ((x = (Math.imul(x, 48271) + 11) >>> 0) % 2_147_483_647) / 2_147_483_647;
        const log = Array.from({ length: 3000 }, (_, i) => {
          const c = Math.floor(2500 * next() ** 2);
          return { customerId: numeric ? c * 7 - 300 : `k${c}`, timestamp: Date.UTC(2023, 0, 1) + i * 0.4 * day, amount: Math.round(next() * 1e4) / 100 };
        });
        const opts = { unit: 'week', observationEnd: '2026-01-01' } as const;
        const ref = summarize(log, opts);
        if (numeric) expect(ref.customerId.map(Number)).toEqual(ref.customerId.map(Number).sort((a, b) => a - b));
        expectSameSummary(await summarizeStream(log, opts), ref);
        expectSameSummary(await summarizeStream(log, { ...opts, order: 'any' }), ref);
      }),
      { seed: 22, numRuns: 10 },
    );
  });
});

describe.skipIf(!datasetPath('cdnow/CDNOW_sample.txt'))('summarizeStream on CDNOW', () => {
  it('equals summarize on the sample log (time-ordered per customer as shipped)', async () => {
    const tx = readCdnowSample(datasetPath('cdnow/CDNOW_sample.txt')!);
    const opts = { unit: 'week', observationEnd: '1997-09-30' } as const;
    expectSameSummary(await summarizeStream(asyncOf(tx), opts), summarize(tx, opts));
  });
});

describe("summarizeStream: aggregation 'none'", () => {
  it('equals summarize bit for bit, same-instant records included', async () => {
    const log = [
      { customerId: 'a', timestamp: '2024-01-01T10:00:00Z', amount: 5.1 },
      { customerId: 'b', timestamp: '2024-01-01T10:00:00Z', amount: 1 },
      { customerId: 'a', timestamp: '2024-01-01T10:00:00Z', amount: 7.3 },
      { customerId: 'a', timestamp: '2024-01-02T10:00:00Z', amount: 9.7 },
    ];
    const opts = { aggregation: 'none', unit: 'day', observationEnd: '2024-01-05' } as const;
    const ref = summarize(log, opts);
    expect([...ref.frequency]).toEqual([2, 0]);
    expectSameSummary(await summarizeStream(log, opts), ref);
    expectSameSummary(await summarizeStream(log, { ...opts, order: 'any' }), ref);
  });
});
