import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, MAX_ISSUES, NotEnoughDataError } from '../../src/errors.js';
import { parseLog, resolveFields, rowReader } from '../../src/data/input.js';
import { radixOrder, sortCustomers, summarize, summarizeParsed, summaryRows } from '../../src/data/summarize.js';
import type { CustomerSummary, TransactionColumns } from '../../src/data/types.js';
import { datasetPath, missingMessage, readCdnowSample, readSimpleCsv } from '../helpers/datasets.js';
import { naiveSummarize, type NaiveTx } from '../helpers/naive.js';
import { thrown } from '../helpers/thrown.js';

const tuples = (s: CustomerSummary, cols: (keyof CustomerSummary)[]): number[][] =>
  Array.from({ length: s.size }, (_, i) => cols.map((c) => (s[c] as Float64Array)[i]));

describe('summarize: lifetimes conventions (tests/test_utils.py fixtures, lifetimes 0.11.3; ../shared/datasets/README.md §4)', () => {
  // Fixture: end 2015-02-07; id1 {02-01, 02-06}, id2 {01-01}, id3 {01-01, 01-02, 01-05}.
  const daily = [
    { id: 1, date: '2015-02-01' },
    { id: 1, date: '2015-02-06' },
    { id: 2, date: '2015-01-01' },
    { id: 3, date: '2015-01-01' },
    { id: 3, date: '2015-01-02' },
    { id: 3, date: '2015-01-05' },
  ];

  it('freq="D": (frequency, recency, T) = (1,5,6), (0,0,37), (2,4,37) exactly', () => {
    const s = summarize(
      daily.map((r) => ({ customerId: r.id, timestamp: r.date })),
      { unit: 'day', observationEnd: '2015-02-07' },
    );
    expect(s.customerId).toEqual(['1', '2', '3']);
    expect(tuples(s, ['frequency', 'recency', 'T'])).toEqual([
      [1, 5, 6],
      [0, 0, 37],
      [2, 4, 37],
    ]);
    expect(s.hasMonetary).toBe(false);
    expect([...s.monetaryValue]).toEqual([0, 0, 0]);
  });

  // id4 {01-16, 02-02, 02-05}, id5 {01-16, 01-17, 01-18}, id6 {02-02}; id1 here is {01-01, 02-06}.
  const weekly = [
    ['1', '2015-01-01', 1],
    ['1', '2015-02-06', 2],
    ['2', '2015-01-01', 2],
    ['3', '2015-01-01', 3],
    ['3', '2015-01-02', 1],
    ['3', '2015-01-05', 5],
    ['4', '2015-01-16', 6],
    ['4', '2015-02-02', 3],
    ['4', '2015-02-05', 3],
    ['5', '2015-01-16', 3],
    ['5', '2015-01-17', 1],
    ['5', '2015-01-18', 8],
    ['6', '2015-02-02', 5],
  ] as const;
  const weeklyRecords = weekly.map(([customerId, timestamp, amount]) => ({ customerId, timestamp, amount }));

  it('freq="W" (pandas W-SUN periods = ISO weeks): (1,5,5), (0,0,5), (1,1,5), (1,3,3), (0,0,3), (0,0,0)', () => {
    const s = summarize(weeklyRecords, { unit: 'week', aggregation: 'week', observationEnd: '2015-02-07' });
    expect(tuples(s, ['frequency', 'recency', 'T'])).toEqual([
      [1, 5, 5],
      [0, 0, 5],
      [1, 1, 5],
      [1, 3, 3],
      [0, 0, 3],
      [0, 0, 0],
    ]);
  });

  it('freq="D" with monetary: (1,36,37,2), (0,0,37,0), (2,4,37,3), (2,20,22,3), (2,2,22,4.5), (0,0,5,0)', () => {
    const s = summarize(weeklyRecords, { unit: 'day', observationEnd: '2015-02-07' });
    expect(tuples(s, ['frequency', 'recency', 'T', 'monetaryValue'])).toEqual([
      [1, 36, 37, 2],
      [0, 0, 37, 0],
      [2, 4, 37, 3],
      [2, 20, 22, 3],
      [2, 2, 22, 4.5],
      [0, 0, 5, 0],
    ]);
    // totals include the first purchase (hand sum of the fixture's amounts)
    expect([...s.totalSpend]).toEqual([3, 2, 9, 12, 12, 5]);
    expect([...s.transactions]).toEqual([2, 1, 3, 3, 3, 1]);
  });

  it('monetary value is the mean of repeat purchases only: 10 (03-14), 20 (04-09), 25 (05-21) → 22.5', () => {
    const s = summarize(
      [
        { customerId: 'x', timestamp: '2015-05-21', amount: 25 },
        { customerId: 'x', timestamp: '2015-03-14', amount: 10 }, // first, though listed later
        { customerId: 'x', timestamp: '2015-04-09', amount: 20 },
      ],
      { observationEnd: '2015-06-01' },
    );
    expect(s.monetaryValue[0]).toBe(22.5);
    expect(s.frequency[0]).toBe(2);
  });

  it('same-day purchases are squashed into one occasion, their amounts summed', () => {
    const s = summarize(
      [
        { customerId: 'a', timestamp: '2015-01-01T09:00:00Z', amount: 5 },
        { customerId: 'a', timestamp: '2015-01-01T18:30:00Z', amount: 7 },
        { customerId: 'a', timestamp: '2015-01-03T01:00:00Z', amount: 2 },
        { customerId: 'a', timestamp: '2015-01-03T23:59:59Z', amount: 4 },
      ],
      { observationEnd: '2015-01-10' },
    );
    expect(s.frequency[0]).toBe(1);
    expect(s.recency[0]).toBe(2);
    expect(s.monetaryValue[0]).toBe(6); // the repeat occasion's summed amount
    expect(s.totalSpend[0]).toBe(18);
    expect(s.transactions[0]).toBe(4);
    expect(s.firstPurchase[0]).toBe(Date.UTC(2015, 0, 1, 9));
    expect(s.lastPurchase[0]).toBe(Date.UTC(2015, 0, 3, 23, 59, 59));
  });

  it("aggregation 'none' keeps every record as an occasion, durations in exact time", () => {
    const s = summarize(
      [
        { customerId: 'a', timestamp: '2015-01-01T00:00:00Z', amount: 5 },
        { customerId: 'a', timestamp: '2015-01-01T12:00:00Z', amount: 7 },
      ],
      { aggregation: 'none', unit: 'day', observationEnd: new Date('2015-01-02T00:00:00Z') },
    );
    expect(s.frequency[0]).toBe(1);
    expect(s.recency[0]).toBe(0.5);
    expect(s.T[0]).toBe(1);
  });
});

describe.skipIf(!datasetPath('cdnow/CDNOW_sample.txt'))('summarize: CDNOW (FHL 2005 calibration summary)', () => {
  if (!datasetPath('cdnow/CDNOW_sample.txt')) console.warn(missingMessage('cdnow/CDNOW_sample.txt'));

  it('reproduces cdnow_customers_summary_with_transactions.csv: x exactly, t_x and T to the printed 2 dp, zbar to the cent', () => {
    const tx = readCdnowSample(datasetPath('cdnow/CDNOW_sample.txt')!);
    const s = summarize(tx, { unit: 'week', observationEnd: '1997-09-30' });
    const ref = readSimpleCsv(datasetPath('cdnow/cdnow_customers_summary_with_transactions.csv')!);
    expect(s.size).toBe(2357);
    expect(ref.length).toBe(2357);
    for (let i = 0; i < ref.length; i++) {
      const r = ref[i];
      expect(s.customerId[i]).toBe(r['ID']);
      expect(s.frequency[i]).toBe(Number(r['x']));
      // The file prints days/7 rounded to 2 dp; |ours − printed| ≤ 0.005 (+1e-9 for binary ties).
      expect(Math.abs(s.recency[i] - Number(r['t_x']))).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(s.T[i] - Number(r['T']))).toBeLessThanOrEqual(0.005 + 1e-9);
      // zbar printed to the cent: half a cent, plus 1e-9 for ties such as 22.345 → "22.35".
      expect(Math.abs(s.monetaryValue[i] - Number(r['zbar']))).toBeLessThanOrEqual(0.005 + 1e-9);
    }
    // README §1: 946 of 2,357 customers have x > 0; Σx = 2,457; T ∈ [27.00, 38.86].
    let repeaters = 0;
    let sumX = 0;
    for (let i = 0; i < s.size; i++) {
      sumX += s.frequency[i];
      if (s.frequency[i] > 0) repeaters++;
    }
    expect(repeaters).toBe(946);
    expect(sumX).toBe(2457);
    expect(Math.min(...s.T)).toBeCloseTo(27, 2);
    expect(Math.max(...s.T)).toBeCloseTo(38.86, 2);
  });

  it("matches FHL 2005 (JMR 42(4)) spend descriptives for x > 0: n 946, mean 35, sd 30, min 3, median 27, max 300 (rounded, as lifetimes' test)", () => {
    const tx = readCdnowSample(datasetPath('cdnow/CDNOW_sample.txt')!);
    const s = summarize(tx, { unit: 'day', observationEnd: '1997-09-30' });
    const m = [...s.monetaryValue].filter((_, i) => s.frequency[i] > 0).sort((a, b) => a - b);
    const mean = m.reduce((a, b) => a + b, 0) / m.length;
    const sd = Math.sqrt(m.reduce((a, b) => a + (b - mean) ** 2, 0) / (m.length - 1));
    const median = (m[(m.length - 1) >> 1] + m[m.length >> 1]) / 2;
    expect([m.length, Math.round(mean), Math.round(sd), Math.round(m[0]), Math.round(median), Math.round(m.at(-1)!)]).toEqual([
      946, 35, 30, 3, 27, 300,
    ]);
  });
});

describe.skipIf(!datasetPath('cdnow/CDNOW_master.txt'))('summarize: full CDNOW master log (peer figures, README §4)', () => {
  if (!datasetPath('cdnow/CDNOW_master.txt')) console.warn(missingMessage('cdnow/CDNOW_master.txt'));
  it('weeks to 1997-09-30: Σfrequency 24,337, 9,451 repeaters, mean T 32.728, repeaters’ mean monetary 35.627; whole log in days: Σfrequency 44,021, max T 545', async () => {
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(datasetPath('cdnow/CDNOW_master.txt')!, 'utf8').split('\n').slice(1);
    const customerId: string[] = [];
    const timestamp: string[] = [];
    const amount: number[] = [];
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      customerId.push(f[0]);
      timestamp.push(f[1]); // YYYYMMDD: ISO 8601 basic format
      amount.push(Number(f[3]));
    }
    expect(customerId.length).toBe(69_659);
    const s = summarize({ customerId, timestamp, amount }, { unit: 'week', observationEnd: '1997-09-30' });
    const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
    expect(s.size).toBe(23_570);
    expect(sum(s.frequency)).toBe(24_337);
    const rep = [...s.frequency].filter((x) => x > 0).length;
    expect(rep).toBe(9_451);
    expect(sum(s.T) / s.size).toBeCloseTo(32.728, 3);
    expect([...s.monetaryValue].filter((_, i) => s.frequency[i] > 0).reduce((a, b) => a + b, 0) / rep).toBeCloseTo(35.627, 3);
    expect(s.excludedAfterEnd).toBeGreaterThan(0);
    const d = summarize({ customerId, timestamp, amount }, { unit: 'day' });
    expect(sum(d.frequency)).toBe(44_021);
    expect(Math.max(...d.T)).toBe(545);
  });
});

describe('summarize: units, ends and ids', () => {
  const log = [
    { customerId: 'a', timestamp: '2024-01-31', amount: 1 },
    { customerId: 'a', timestamp: '2024-02-29', amount: 2 },
  ];

  it('a week is 7 days; a month is 365.2425/12 = 30.436875 days (mean Gregorian month)', () => {
    const w = summarize(log, { unit: 'week', observationEnd: '2024-03-01' });
    expect(w.recency[0]).toBe(29 / 7);
    expect(w.T[0]).toBe(30 / 7);
    const m = summarize(log, { unit: 'month', observationEnd: '2024-03-01' });
    expect(m.recency[0]).toBe(29 / 30.436875);
    expect(m.T[0]).toBe(30 / 30.436875);
  });

  it("aggregation 'month' with unit 'month' counts calendar months (Jan 31 → Mar 1 = 2)", () => {
    const m = summarize(log, { unit: 'month', aggregation: 'month', observationEnd: '2024-03-01' });
    expect(m.recency[0]).toBe(1);
    expect(m.T[0]).toBe(2);
  });

  it('a date-only observation end includes its whole UTC day; later records are counted, not silently dropped', () => {
    const s = summarize(
      [
        { customerId: 'a', timestamp: '2024-01-01', amount: 1 },
        { customerId: 'a', timestamp: '2024-01-10T23:59:59Z', amount: 2 }, // on the end day: kept
        { customerId: 'a', timestamp: '2024-01-11T00:00:00Z', amount: 4 }, // after: excluded
        { customerId: 'b', timestamp: '2024-02-01', amount: 8 }, // customer entirely after the end
      ],
      { observationEnd: '2024-01-10' },
    );
    expect(s.customerId).toEqual(['a']);
    expect(s.frequency[0]).toBe(1);
    expect(s.totalSpend[0]).toBe(3);
    expect(s.excludedAfterEnd).toBe(2);
    expect(s.observationEnd.toISOString()).toBe('2024-01-10T23:59:59.999Z');
  });

  it('the observation end defaults to the latest transaction', () => {
    const s = summarize(log);
    expect(s.observationEnd.getTime()).toBe(Date.UTC(2024, 1, 29));
    expect(s.T[0]).toBe(29);
  });

  it('ids: 1 and "1" are one customer; numeric ids sort numerically, others by code units', () => {
    const s = summarize([
      { customerId: 10, timestamp: '2024-01-01' },
      { customerId: '2', timestamp: '2024-01-02' },
      { customerId: 2, timestamp: '2024-01-05' },
      { customerId: 1, timestamp: '2024-01-03' },
    ]);
    expect(s.customerId).toEqual(['1', '2', '10']);
    expect([...s.frequency]).toEqual([0, 1, 0]);
    const t = summarize([
      { customerId: 'b', timestamp: '2024-01-01' },
      { customerId: '10', timestamp: '2024-01-01' },
      { customerId: 'B', timestamp: '2024-01-01' },
      { customerId: '9', timestamp: '2024-01-01' },
    ]);
    expect(t.customerId).toEqual(['10', '9', 'B', 'b']);
  });

  it('accepts columns (arrays and typed arrays), Dates, epoch ms, and custom field names', () => {
    const cols = summarize(
      { customerId: ['a', 'a'], timestamp: new Float64Array([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 8)]), amount: [3, 4] },
      { unit: 'week' },
    );
    expect(tuples(cols, ['frequency', 'recency', 'T', 'monetaryValue'])).toEqual([[1, 1, 1, 4]]);
    const named = summarize(
      [
        { user: 'a', at: new Date(Date.UTC(2024, 0, 1)), revenue: 3 },
        { user: 'a', at: new Date(Date.UTC(2024, 0, 8)), revenue: 4 },
      ],
      { unit: 'week', fields: { customerId: 'user', timestamp: 'at', amount: 'revenue' } },
    );
    expect(tuples(named, ['frequency', 'recency', 'T', 'monetaryValue'])).toEqual([[1, 1, 1, 4]]);
  });

  it('parseTimestamp handles non-ISO strings; ISO strings never reach it', () => {
    const seen: unknown[] = [];
    const s = summarize(
      [
        { customerId: 'a', timestamp: '01/02/2024' },
        { customerId: 'a', timestamp: '2024-01-09' },
      ],
      {
        parseTimestamp: (v, row) => {
          seen.push([v, row]);
          const [mm, dd, yyyy] = String(v).split('/').map(Number);
          return Date.UTC(yyyy, mm - 1, dd);
        },
      },
    );
    expect(seen).toEqual([['01/02/2024', 0]]);
    expect(s.recency[0]).toBe(7);
  });

  it('negative amounts (refunds kept on purpose) are summed', () => {
    const s = summarize([
      { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
      { customerId: 'a', timestamp: '2024-01-02', amount: -4 },
    ]);
    expect(s.totalSpend[0]).toBe(6);
    expect(s.monetaryValue[0]).toBe(-4);
  });

  it('an empty log with an observation end gives an empty summary; without one, NotEnoughDataError', () => {
    const s = summarize([], { observationEnd: '2024-01-01' });
    expect(s.size).toBe(0);
    const err = thrown(() => summarize([]));
    expect(err).toBeInstanceOf(NotEnoughDataError);
    expect((err as NotEnoughDataError).code).toBe('NOT_ENOUGH_DATA');
  });

  it('summaryRows gives one plain object per customer', () => {
    const rows = summaryRows(summarize(log, { unit: 'day', observationEnd: '2024-03-01' }));
    expect(rows).toEqual([
      {
        customerId: 'a',
        frequency: 1,
        recency: 29,
        T: 30,
        monetaryValue: 2,
        totalSpend: 3,
        transactions: 2,
        firstPurchase: new Date('2024-01-31T00:00:00Z'),
        lastPurchase: new Date('2024-02-29T00:00:00Z'),
      },
    ]);
  });
});

describe('summarize: invalid input names the field and the row', () => {
  const issuesOf = (fn: () => unknown): InvalidInputError => {
    const err = thrown(fn);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).code).toBe('INVALID_INPUT');
    return err as InvalidInputError;
  };

  it('missing or invalid customer ids', () => {
    const err = issuesOf(() =>
      summarize([
        { customerId: 'a', timestamp: '2024-01-01' },
        { customerId: null, timestamp: '2024-01-01' },
        { customerId: '', timestamp: '2024-01-01' },
        { customerId: NaN, timestamp: '2024-01-01' },
        { customerId: { id: 1 }, timestamp: '2024-01-01' },
        { timestamp: '2024-01-01' },
      ]),
    );
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([
      ['customerId', 1],
      ['customerId', 2],
      ['customerId', 3],
      ['customerId', 4],
      ['customerId', 5],
    ]);
    expect(err.message).toContain('row 1, customerId: expected a non-empty string or a finite number, got null');
  });

  it('unparseable timestamps', () => {
    const err = issuesOf(() =>
      summarize([
        { customerId: 'a', timestamp: '2024-02-30' },
        { customerId: 'a', timestamp: new Date('nope') },
        { customerId: 'a', timestamp: Infinity },
        { customerId: 'a', timestamp: true },
        { customerId: 'a' },
        { customerId: 'a', timestamp: '2024-01-01' },
      ]),
    );
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([
      ['timestamp', 0],
      ['timestamp', 1],
      ['timestamp', 2],
      ['timestamp', 3],
      ['timestamp', 4],
    ]);
    expect(err.issues[0].message).toContain('got "2024-02-30"');
  });

  it('non-finite, non-numeric and missing amounts', () => {
    const err = issuesOf(() =>
      summarize([
        { customerId: 'a', timestamp: '2024-01-01', amount: 1 },
        { customerId: 'a', timestamp: '2024-01-01', amount: NaN },
        { customerId: 'a', timestamp: '2024-01-01', amount: '12.5' },
        { customerId: 'a', timestamp: '2024-01-01', amount: -Infinity },
        { customerId: 'a', timestamp: '2024-01-01' },
      ]),
    );
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([
      ['amount', 1],
      ['amount', 2],
      ['amount', 3],
      ['amount', 4],
    ]);
    expect(err.issues[1].message).toContain('convert amounts to numbers first');
    expect(err.issues[3].message).toContain('missing, while other rows have an amount');
  });

  it('caps the listed issues at MAX_ISSUES and counts them all', () => {
    const recs = Array.from({ length: 250 }, () => ({ customerId: 'a', timestamp: 'x' }));
    const err = issuesOf(() => summarize(recs));
    expect(err.issues.length).toBe(MAX_ISSUES);
    expect(err.issueCount).toBe(250);
    expect(err.message).toContain('250 problems');
    expect(err.message).toContain('and 245 more');
  });

  it('input that is neither records nor columns; columns of unequal length; non-object records', () => {
    expect(issuesOf(() => summarize('abc' as never)).issues[0].path).toBe('transactions');
    expect(issuesOf(() => summarize({ customerId: ['a'] } as never)).issues[0].path).toBe('timestamp');
    const unequal = issuesOf(() => summarize({ customerId: ['a', 'b'], timestamp: ['2024-01-01'] }));
    expect(unequal.issues[0].message).toContain('customerId has 2 values, timestamp 1');
    expect(issuesOf(() => summarize([null, 3] as never)).issues.map((i) => i.row)).toEqual([0, 1]);
    // Checked in the reading pass: a bad element after good rows still names every bad element,
    // and a custom timestamp parser never sees rows of input that is rejected as a whole.
    const seen: number[] = [];
    const mixed = [{ customerId: 'a', timestamp: '01/02/2024' }, 7, { customerId: 'b', timestamp: '2024-01-01' }, null];
    const err = issuesOf(() => summarize(mixed as never, { parseTimestamp: (_v, row) => (seen.push(row), 0) }));
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([
      ['transactions', 1],
      ['transactions', 3],
    ]);
    expect(seen).toEqual([]);
    expect(issuesOf(() => summarize(mixed as never)).issues.map((i) => i.row)).toEqual([1, 3]);
  });

  it('invalid options are named, including unknown ones (typos)', () => {
    const err = issuesOf(() => summarize([], { unit: 'year', observationend: '2024-01-01' } as never));
    const paths = err.issues.map((i) => i.path).sort();
    expect(paths).toEqual(['options.observationend', 'options.unit']);
    expect(err.issues.find((i) => i.path === 'options.unit')!.message).toBe(`expected one of "day" | "week" | "month", got "year"`);
    const end = issuesOf(() => summarize([], { observationEnd: 'someday' }));
    expect(end.issues[0]).toEqual({
      path: 'options.observationEnd',
      message: 'expected a Date, an ISO-8601 string or epoch milliseconds, got "someday"',
    });
  });
});

// Property tests against the naive oracle (test/helpers/naive.ts).
const txArb = fc.array(
  fc.record({
    customerId: fc.constantFrom('a', 'b', 'c', 'd', 'e', '7', 'x-1'),
    timestamp: fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2021, 0, 1) }),
    amount: fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100),
  }),
  { maxLength: 80 },
);

describe('summarize: properties (fast-check)', () => {
  it('equals the naive definition on random logs (frequency, recency, T exactly; spend to 1e-9)', () => {
    fc.assert(
      fc.property(txArb, fc.constantFrom<'day' | 'week' | 'month'>('day', 'week', 'month'), (txs: NaiveTx[], unit) => {
        const end = Date.UTC(2020, 11, 31, 12);
        const s = summarize(txs, { unit, observationEnd: new Date(end) });
        const ref = naiveSummarize(txs, end, unit === 'day' ? 1 : unit === 'week' ? 7 : 365.2425 / 12);
        expect(s.size).toBe(ref.size);
        for (let i = 0; i < s.size; i++) {
          const r = ref.get(s.customerId[i])!;
          expect([s.frequency[i], s.recency[i], s.T[i]]).toEqual([r.frequency, r.recency, r.T]);
          expect(Math.abs(s.monetaryValue[i] - r.monetaryValue)).toBeLessThan(1e-9);
          expect(Math.abs(s.totalSpend[i] - r.totalSpend)).toBeLessThan(1e-9);
        }
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it('does not depend on record order, and records ≡ columns', () => {
    fc.assert(
      fc.property(txArb, fc.integer(), (txs, seed) => {
        const shuffled = [...txs];
        let s = seed | 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) | 0;
          const j = (s >>> 0) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const opts = { unit: 'week', observationEnd: Date.UTC(2021, 0, 1) } as const;
        const a = summarize(txs, opts);
        const b = summarize(shuffled, opts);
        const c = summarize(
          { customerId: shuffled.map((t) => t.customerId), timestamp: shuffled.map((t) => t.timestamp), amount: shuffled.map((t) => t.amount) },
          opts,
        );
        expect(b.customerId).toEqual(a.customerId);
        for (const k of ['frequency', 'recency', 'T', 'transactions', 'firstPurchase', 'lastPurchase'] as const) {
          expect([...b[k]]).toEqual([...a[k]]);
          expect([...c[k]]).toEqual([...b[k]]);
        }
        for (let i = 0; i < a.size; i++) expect(Math.abs(b.monetaryValue[i] - a.monetaryValue[i])).toBeLessThan(1e-9);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('invariants: finite values, 0 ≤ recency ≤ T, frequency < transactions, repeat spend + first occasion = total', () => {
    fc.assert(
      fc.property(txArb, (txs) => {
        if (txs.length === 0) return;
        const s = summarize(txs, { unit: 'day' });
        for (let i = 0; i < s.size; i++) {
          for (const k of ['frequency', 'recency', 'T', 'monetaryValue', 'totalSpend'] as const) expect(Number.isFinite(s[k][i])).toBe(true);
          expect(s.recency[i]).toBeGreaterThanOrEqual(0);
          expect(s.recency[i]).toBeLessThanOrEqual(s.T[i]);
          expect(s.frequency[i]).toBeLessThan(s.transactions[i]);
          expect(s.monetaryValue[i] * s.frequency[i]).toBeLessThanOrEqual(s.totalSpend[i] + 1e-9);
        }
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});

describe("summarize: aggregation 'none' keeps every record as its own occasion", () => {
  it('records at the same instant are separate occasions; only one first record is set apart', () => {
    const log = [
      { customerId: 'a', timestamp: '2024-01-01T10:00:00Z', amount: 5 },
      { customerId: 'a', timestamp: '2024-01-01T10:00:00Z', amount: 7 }, // same instant: a repeat
      { customerId: 'a', timestamp: '2024-01-02T10:00:00Z', amount: 9 },
    ];
    const s = summarize(log, { aggregation: 'none', unit: 'day', observationEnd: new Date('2024-01-03T10:00:00Z') });
    expect([s.frequency[0], s.recency[0], s.T[0], s.monetaryValue[0], s.totalSpend[0]]).toEqual([2, 1, 2, 8, 21]);
  });
});

// ---------------------------------------------------------------------------------------------
// The fast paths (see BENCHMARKS.md): columns read column by column, integer ids through a dense
// table, the stamp-table occasion count, the radix sort of customers. Each is checked against the
// general path it short-cuts, bit for bit.
// ---------------------------------------------------------------------------------------------

const SUMMARY_COLS = ['frequency', 'recency', 'T', 'monetaryValue', 'totalSpend', 'transactions', 'firstPurchase', 'lastPurchase'] as const;
function expectSame(a: CustomerSummary, b: CustomerSummary): void {
  expect(a.customerId).toEqual(b.customerId);
  for (const k of SUMMARY_COLS) expect([...a[k]], k).toEqual([...b[k]]); // toEqual on numbers: Object.is, bit for bit
  expect([a.size, a.excludedAfterEnd, a.hasMonetary, a.observationEnd.getTime()]).toEqual([b.size, b.excludedAfterEnd, b.hasMonetary, b.observationEnd.getTime()]);
}

/** Records → columns of the given kinds (the records are the row-by-row reference). */
function toColumns(
  txs: readonly { customerId: string | number; timestamp: number; amount?: number }[],
  idKind: 'array' | 'f64' | 'i32',
  tsKind: 'array' | 'f64' | 'iso' | 'date',
  withAmount: boolean,
): TransactionColumns {
  const ids = txs.map((t) => t.customerId);
  const customerId = idKind === 'array' ? ids : idKind === 'f64' ? Float64Array.from(ids as number[]) : Int32Array.from(ids as number[]);
  const ms = txs.map((t) => t.timestamp);
  const timestamp =
    tsKind === 'array' ? ms : tsKind === 'f64' ? Float64Array.from(ms) : tsKind === 'iso' ? ms.map((t) => new Date(t).toISOString()) : ms.map((t) => new Date(t));
  return withAmount ? { customerId, timestamp, amount: Float64Array.from(txs, (t) => t.amount ?? 0) } : { customerId, timestamp };
}

const instantArb = fc.integer({ min: Date.UTC(2018, 0, 1), max: Date.UTC(2021, 0, 1) });
const amountArb = fc.integer({ min: -500, max: 100_000 }).map((c) => c / 100);
const numericIdArb = fc.oneof(
  fc.integer({ min: 0, max: 30 }), // dense table
  fc.constantFrom(-7, -0.5, 2.5, 1e9, 2 ** 40, -(2 ** 40), 1e21, Number.MAX_SAFE_INTEGER), // Map of numbers
);
const aggregationArb = fc.constantFrom<'day' | 'week' | 'month' | 'none'>('day', 'week', 'month', 'none');

describe('summarize: the column fast path equals the row-by-row reader', () => {
  it('property: numeric ids (typed arrays, dense and sparse) and every timestamp kind give the records’ result', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ customerId: numericIdArb, timestamp: instantArb, amount: amountArb }), { maxLength: 60 }),
        fc.constantFrom<'array' | 'f64'>('array', 'f64'),
        fc.constantFrom<'array' | 'f64' | 'iso' | 'date'>('array', 'f64', 'iso', 'date'),
        fc.boolean(),
        aggregationArb,
        (txs, idKind, tsKind, withAmount, aggregation) => {
          const opts = { unit: 'week', aggregation, observationEnd: Date.UTC(2020, 6, 1) } as const;
          const records = txs.map((t) => (withAmount ? t : { customerId: t.customerId, timestamp: t.timestamp }));
          expectSame(summarize(toColumns(txs, idKind, tsKind, withAmount), opts), summarize(records, opts));
        },
      ),
      { seed: 31, numRuns: 300 },
    );
  });

  it('property: string ids, numeric strings and numbers mixed ("7" and 7 are one customer)', () => {
    const idArb = fc.oneof(fc.constantFrom('a', 'b', 'x-1', '7', '07', '1e3', 'é', 'zz'), fc.integer({ min: 0, max: 9 }), fc.constantFrom(7, 1000));
    fc.assert(
      fc.property(fc.array(fc.record({ customerId: idArb, timestamp: instantArb, amount: amountArb }), { maxLength: 60 }), (txs) => {
        const opts = { unit: 'day', observationEnd: Date.UTC(2020, 6, 1) } as const;
        expectSame(summarize(toColumns(txs, 'array', 'f64', true), opts), summarize(txs, opts));
      }),
      { seed: 32, numRuns: 300 },
    );
  });

  it('Int32Array ids; integer ids in the dense table sort numerically', () => {
    const s = summarize(
      { customerId: new Int32Array([10, 2, 2, 0, 10]), timestamp: new Float64Array([0, 0, 86_400_000 * 3, 0, 86_400_000]), amount: new Float64Array([1, 2, 3, 4, 5]) },
      { observationEnd: new Date(86_400_000 * 10) },
    );
    expect(s.customerId).toEqual(['0', '2', '10']);
    expect([...s.frequency]).toEqual([0, 1, 1]);
    expect([...s.monetaryValue]).toEqual([0, 3, 5]);
  });

  it('a bad value anywhere in typed or plain columns is reported exactly as for records', () => {
    const day = 86_400_000;
    // Bad values on purpose: typed as columns of anything.
    const cases = [
      { customerId: new Float64Array([1, NaN, 3]), timestamp: new Float64Array([0, day, 2 * day]) },
      { customerId: [1, 2, 3], timestamp: new Float64Array([0, Infinity, 9e15]) },
      { customerId: ['a', 'b', 'c'], timestamp: [0, 'nope', day], amount: new Float64Array([1, 2, NaN]) },
      { customerId: ['a', 'b', ''], timestamp: new Float64Array(3), amount: [1, null, 2] },
      { customerId: ['a', 'b', 'c'], timestamp: new Float64Array(3), amount: [1, '2', 3] },
    ] as unknown as TransactionColumns[];
    for (const cols of cases) {
      const records = Array.from({ length: cols.customerId.length }, (_, i) => ({
        customerId: cols.customerId[i],
        timestamp: cols.timestamp[i],
        ...(cols.amount ? { amount: cols.amount[i] } : {}),
      }));
      const a = thrown(() => summarize(cols)) as InvalidInputError;
      const b = thrown(() => summarize(records)) as InvalidInputError;
      expect(a).toBeInstanceOf(InvalidInputError);
      expect(a.issues).toEqual(b.issues);
      expect(a.issueCount).toBe(b.issueCount);
    }
  });
});

describe('summarize kernel: occasion counting by stamp table and by scan/sort agree', () => {
  const f = resolveFields(undefined);
  it('property: bit-for-bit equal, every aggregation and unit, short and long (> 32 rows) customers, any order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ customerId: fc.constantFrom('a', 'b', 'c'), timestamp: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2020, 3, 1) }), amount: amountArb }),
          { maxLength: 150 },
        ),
        aggregationArb,
        fc.constantFrom<'day' | 'week' | 'month'>('day', 'week', 'month'),
        fc.boolean(),
        (txs, aggregation, unit, sortByTime) => {
          if (sortByTime) txs.sort((x, y) => x.timestamp - y.timestamp);
          const parsed = parseLog(rowReader(txs, f, 't'), f, 't', { strict: true, rejectNegative: false });
          const base = { unit, aggregation, endMs: Date.UTC(2020, 2, 1) } as const;
          const stamp = summarizeParsed(parsed, { ...base, distinct: 'stamp' });
          const scan = summarizeParsed(parsed, { ...base, distinct: 'scan' });
          expectSame(stamp, scan);
          expectSame(summarize(txs, { unit, aggregation, observationEnd: new Date(base.endMs) }), stamp);
        },
      ),
      { seed: 33, numRuns: 300 },
    );
  });

  it('a log spanning more periods than the stamp table allows (0001 → 9999, daily keys) falls back to scanning', () => {
    const txs = [
      { customerId: 'a', timestamp: '0001-01-01', amount: 1 },
      { customerId: 'a', timestamp: '9999-12-31', amount: 2 },
      { customerId: 'a', timestamp: '0001-01-01T12:00Z', amount: 4 },
      { customerId: 'b', timestamp: '5000-06-15', amount: 8 },
    ];
    const s = summarize(txs, { unit: 'day' });
    // Hand count: a has 2 distinct days; recency = days from 0001-01-01 to 9999-12-31
    // (Date.UTC is the oracle; setUTCFullYear avoids its 0–99 → 19xx mapping).
    const d1 = new Date(0);
    d1.setUTCFullYear(1, 0, 1);
    const span = (Date.UTC(9999, 11, 31) - d1.getTime()) / 86_400_000;
    expect([...s.frequency]).toEqual([1, 0]);
    expect(s.recency[0]).toBe(span);
    expect(s.monetaryValue[0]).toBe(2);
    expect(s.totalSpend[0]).toBe(7);
  });
});

describe('sortCustomers / radixOrder', () => {
  /** The definition: numeric order, or UTF-16 code-unit order (`<` on strings). */
  const bySpec = (keys: string[], numeric: boolean): number[] =>
    keys
      .map((_, i) => i)
      .sort((a, b) => (numeric ? Number(keys[a]) - Number(keys[b]) : keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));

  it('property: string ids in code-unit order, including shared 7-unit prefixes and code units ≥ 127', () => {
    const idArb = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
      fc.stringMatching(/^cust-00[0-9]{1,4}$/),
      fc.constantFrom('\u007f', '\u0080', '\uffff', 'abcdefg', 'abcdefgh', 'abcdefg\u0000', 'abcdef\u00e9', 'abcdef\u00ff'),
    );
    fc.assert(
      fc.property(fc.uniqueArray(idArb, { maxLength: 200 }), (keys) => {
        const idx = keys.map((_, i) => i);
        sortCustomers(idx, keys, false);
        expect(idx.map((i) => keys[i])).toEqual(bySpec(keys, false).map((i) => keys[i]));
      }),
      { seed: 34, numRuns: 300 },
    );
  });

  it('property: numeric ids in numeric order (negative, fractional, huge; canonical strings)', () => {
    const numArb = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(fc.uniqueArray(numArb, { maxLength: 200, comparator: (a, b) => a === b }), (nums) => {
        const keys = nums.map((x) => String(x));
        const idx = keys.map((_, i) => i);
        sortCustomers(idx, keys, true);
        expect(idx.map((i) => keys[i])).toEqual(bySpec(keys, true).map((i) => keys[i]));
      }),
      { seed: 35, numRuns: 300 },
    );
  });

  it('sorts a subset of the customers in place', () => {
    const keys = ['d', 'a', 'c', 'b'];
    const idx = [0, 2, 3];
    sortCustomers(idx, keys, false);
    expect(idx).toEqual([3, 2, 0]);
  });

  it('property: radixOrder is the stable sort by (hi, lo) as unsigned 32-bit words', () => {
    const word = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0x7ff, 0x800, 0x3fffff, 0x400000, 0xffffffff));
    fc.assert(
      fc.property(fc.array(fc.tuple(word, word), { maxLength: 300 }), (pairs) => {
        const hi = Uint32Array.from(pairs, (p) => p[0]);
        const lo = Uint32Array.from(pairs, (p) => p[1]);
        const expected = pairs.map((_, i) => i).sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b]);
        expect([...radixOrder(hi, lo)]).toEqual(expected);
      }),
      { seed: 36, numRuns: 300 },
    );
  });
});
