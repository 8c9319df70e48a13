import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLEAN_REASONS, cleanTransactions, type CleaningReport } from '../../src/data/clean.js';
import { summarize } from '../../src/data/summarize.js';
import { InvalidInputError } from '../../src/errors.js';

const counts = (r: CleaningReport): Record<string, number> =>
  Object.fromEntries(r.removed.filter((x) => x.count > 0).map((x) => [x.reason, x.count]));
const rowsOf = (r: CleaningReport, reason: string): readonly number[] => r.removed.find((x) => x.reason === reason)?.rows ?? [];

describe('cleanTransactions: every reason is removed, counted and located', () => {
  const log = [
    { customerId: 'a', timestamp: '2024-01-01', amount: 10 }, // 0 kept
    { customerId: null, timestamp: '2024-01-01', amount: 10 }, // 1 missing-id
    { customerId: 'b', timestamp: '2024-13-01', amount: 10 }, // 2 invalid-timestamp
    { customerId: 'b', timestamp: '2024-01-02' }, // 3 missing-amount (others have one)
    { customerId: 'b', timestamp: '2024-01-02', amount: NaN }, // 4 invalid-amount
    { customerId: 'b', timestamp: '2024-01-02', amount: -5 }, // 5 negative-amount
    { customerId: 'b', timestamp: '2024-03-01', amount: 7 }, // 6 after-observation-end
    { customerId: 'a', timestamp: '2024-01-01', amount: 10 }, // 7 duplicate of 0
    { customerId: 'c', timestamp: '2024-01-05', amount: 1e6 }, // 8 outlier (above 1000)
    { customerId: 'c', timestamp: '2024-01-06', amount: 20 }, // 9 kept
  ];

  it('removes one row per reason, in the documented order, and keeps the rest in input order', () => {
    const { transactions, kept, report } = cleanTransactions(log, {
      observationEnd: '2024-02-29',
      outliers: { method: 'above', value: 1000 },
    });
    expect(transactions).toEqual([log[0], log[9]]);
    expect(transactions[0]).toBe(log[0]); // the caller's objects, not copies
    expect([...kept]).toEqual([0, 9]);
    expect(report.removed.map((r) => r.reason)).toEqual(CLEAN_REASONS);
    expect(report.removed.map((r) => [r.reason, r.count, r.rows])).toEqual([
      ['missing-id', 1, [1]],
      ['invalid-timestamp', 1, [2]],
      ['missing-amount', 1, [3]],
      ['invalid-amount', 1, [4]],
      ['negative-amount', 1, [5]],
      ['after-observation-end', 1, [6]],
      ['duplicate', 1, [7]],
      ['outlier', 1, [8]],
    ]);
    expect(report.inputRows).toBe(10);
    expect(report.keptRows).toBe(2);
    expect(report.outlierFence).toBe(1000);
    for (const r of report.removed) expect(r.description.length).toBeGreaterThan(10);
  });

  it('reports only the checks that ran: no end, no outlier rule, refunds and duplicates kept', () => {
    const { report, kept } = cleanTransactions(log, { negativeAmounts: 'keep', duplicates: 'keep' });
    expect(report.removed.map((r) => r.reason)).toEqual(['missing-id', 'invalid-timestamp', 'missing-amount', 'invalid-amount']);
    expect([...kept]).toEqual([0, 5, 6, 7, 8, 9]);
  });

  it('a row counts under its first failing reason only', () => {
    const { report } = cleanTransactions([
      { customerId: '', timestamp: 'bad', amount: -1 }, // missing id wins
      { customerId: 'a', timestamp: 'bad', amount: -1 }, // timestamp wins
      { customerId: 'a', timestamp: '2030-01-01', amount: -1 }, // negative wins over after-end
    ], { observationEnd: '2024-01-01' });
    expect(counts(report)).toEqual({ 'missing-id': 1, 'invalid-timestamp': 1, 'negative-amount': 1 });
  });

  it('a log without any amount has no amount checks failing', () => {
    const { report } = cleanTransactions([
      { customerId: 'a', timestamp: '2024-01-01' },
      { customerId: 'a', timestamp: '2024-01-02' },
    ]);
    expect(report.keptRows).toBe(2);
  });
});

describe('cleanTransactions: exact duplicates', () => {
  it('compare every field (extra fields too); Dates by instant; the first occurrence is kept', () => {
    const log = [
      { customerId: 'a', timestamp: new Date('2024-01-01T10:00:00Z'), amount: 5, sku: 'X' }, // 0
      { customerId: 'a', timestamp: new Date('2024-01-01T10:00:00Z'), amount: 5, sku: 'Y' }, // 1 other sku: kept
      { customerId: 'a', timestamp: new Date('2024-01-01T10:00:00Z'), amount: 5, sku: 'X' }, // 2 dup of 0
      { customerId: 'a', timestamp: '2024-01-01T10:00:00Z', amount: 5, sku: 'X' }, // 3 same instant, other type: dup? no: fields differ
      { customerId: 'a', timestamp: new Date('2024-01-01T10:00:00Z'), amount: 5, sku: 'Y' }, // 4 dup of 1
      { customerId: 'a', timestamp: new Date('2024-01-01T10:00:00Z'), amount: 6, sku: 'X' }, // 5 other amount: kept
      { customerId: 'a', timestamp: new Date('2024-01-01T10:00:00Z'), amount: 5 }, // 6 fewer fields: kept
    ];
    const { kept, report } = cleanTransactions(log);
    expect([...kept]).toEqual([0, 1, 3, 5, 6]);
    expect(rowsOf(report, 'duplicate')).toEqual([2, 4]);
  });

  it('on columns, every column is compared', () => {
    const cols = {
      customerId: ['a', 'a', 'a', 'b'],
      timestamp: [0, 0, 0, 0],
      amount: new Float64Array([1, 1, 1, 1]),
      channel: ['web', 'shop', 'web', 'web'],
    };
    const { transactions, report } = cleanTransactions(cols);
    expect(rowsOf(report, 'duplicate')).toEqual([2]);
    expect(transactions.channel).toEqual(['web', 'shop', 'web']);
    expect(transactions.amount).toBeInstanceOf(Float64Array);
    expect([...transactions.amount]).toEqual([1, 1, 1]);
    expect(transactions.customerId).toEqual(['a', 'a', 'b']);
  });
});

describe('cleanTransactions: outlier rules (opt-in)', () => {
  // Amounts 1..10 and 100. numpy.quantile([1..10, 100], [.25, .75], method='linear') = 3.5, 8.5.
  const amounts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100];
  const log = amounts.map((amount, i) => ({ customerId: `c${i}`, timestamp: '2024-01-01', amount }));

  it("iqr: fence = Q3 + k·IQR = 8.5 + 1.5·5 = 16 (hand-computed from numpy's type-7 quartiles)", () => {
    const { report } = cleanTransactions(log, { outliers: { method: 'iqr' } });
    expect(report.outlierFence).toBe(16);
    expect(rowsOf(report, 'outlier')).toEqual([10]);
    expect(cleanTransactions(log, { outliers: { method: 'iqr', k: 20 } }).report.outlierFence).toBe(108.5);
  });

  it('quantile: fence = the upper quantile (type 7: h = (11 − 1)·0.9 = 9, sorted[9] = 10); rows on the fence are kept', () => {
    const { report } = cleanTransactions(log, { outliers: { method: 'quantile', upper: 0.9 } });
    expect(report.outlierFence).toBe(10); // h = 10·0.9 = 9 → sorted[9] = 10
    expect(rowsOf(report, 'outlier')).toEqual([10]);
  });

  it('fences are computed on rows that passed the other checks', () => {
    const withBad = [...log, { customerId: 'z', timestamp: 'bad', amount: 1e9 }];
    expect(cleanTransactions(withBad, { outliers: { method: 'iqr' } }).report.outlierFence).toBe(16);
  });
});

describe('cleanTransactions: options and errors', () => {
  it('caps listed rows at maxReportedRows but always counts them all', () => {
    const log = Array.from({ length: 250 }, (_, i) => ({ customerId: i % 2 ? '' : 'a', timestamp: '2024-01-01', amount: i }));
    const { report } = cleanTransactions(log);
    const r = report.removed.find((x) => x.reason === 'missing-id')!;
    expect(r.count).toBe(125);
    expect(r.rows.length).toBe(100);
    expect(r.rows.slice(0, 3)).toEqual([1, 3, 5]);
    expect(cleanTransactions(log, { maxReportedRows: 2 }).report.removed[0].rows).toEqual([1, 3]);
  });

  it('a cleaned log summarises without errors', () => {
    const log = [
      { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
      { customerId: 'a', timestamp: 'n/a', amount: 10 },
      { customerId: 'a', timestamp: '2024-01-09', amount: 'ten' },
      { customerId: 'a', timestamp: '2024-01-15', amount: 4 },
    ];
    expect(() => summarize(log)).toThrow(InvalidInputError);
    const s = summarize(cleanTransactions(log).transactions, { unit: 'day' });
    expect([s.frequency[0], s.recency[0], s.monetaryValue[0]]).toEqual([1, 14, 4]);
  });

  it('rejects invalid options with the option named', () => {
    const err = (() => {
      try {
        cleanTransactions([], { outliers: { method: 'quantile', upper: 2 }, negativeAmounts: 'drop' } as never);
      } catch (e) {
        return e as InvalidInputError;
      }
      throw new Error('expected a throw');
    })();
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.issues.map((i) => i.path).sort()).toEqual(['options.negativeAmounts', 'options.outliers.upper']);
    expect(() => cleanTransactions([], { observationEnd: 'tomorrow' })).toThrow(/options.observationEnd/);
  });
});

describe('cleanTransactions: properties (fast-check)', () => {
  const messy = fc.array(
    fc.record({
      customerId: fc.oneof(fc.constantFrom('a', 'b', 'c', ''), fc.constant(null), fc.integer({ min: 0, max: 3 })),
      timestamp: fc.oneof(
        fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2024, 11, 31) }),
        fc.constantFrom('2024-01-01', '2024-06-31', 'x', '20240105'),
      ),
      amount: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.constantFrom(NaN, Infinity, 1e6)),
    }),
    { maxLength: 60 },
  );

  it('nothing is lost: inputRows = keptRows + Σ removed; kept rows summarise cleanly; idempotent', () => {
    fc.assert(
      fc.property(messy, (log) => {
        const { transactions, kept, report } = cleanTransactions(log, {
          observationEnd: '2024-09-30',
          outliers: { method: 'iqr' },
        });
        const removed = report.removed.reduce((a, r) => a + r.count, 0);
        expect(report.inputRows).toBe(log.length);
        expect(report.keptRows + removed).toBe(log.length);
        expect(kept.length).toBe(report.keptRows);
        const all = new Set<number>([...kept, ...report.removed.flatMap((r) => r.rows)]);
        expect(all.size).toBe(kept.length + report.removed.reduce((a, r) => a + r.rows.length, 0));
        if (transactions.length > 0) expect(() => summarize(transactions, { observationEnd: '2024-09-30' })).not.toThrow();
        const again = cleanTransactions(transactions, { observationEnd: '2024-09-30' });
        expect(again.report.keptRows).toBe(transactions.length);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
