import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateTransactions } from '../../src/data/simulate.js';
import { summarize, summaryRows } from '../../src/data/summarize.js';
import { fitBetaGeo } from '../../src/models/btyd/betaGeo.js';
import { compressSummary, summaryFromRows, summarySql, type SqlDialect } from '../../src/sql/index.js';
import { thrownInvalidInput as thrown } from '../helpers/thrown.js';

const DIALECTS: readonly SqlDialect[] = ['duckdb', 'spark', 'trino', 'bigquery', 'postgres'];
const base = { table: 'tx', customerId: 'cid', timestamp: 'ts', amount: 'amt', observationEnd: '2024-01-31' };

describe('summarySql: identifiers are validated, never concatenated raw', () => {
  const attacks: unknown[] = [
    'x"; DROP TABLE t; --',
    'x`; DROP TABLE t; --',
    "x'; DROP TABLE t; --",
    'a`b',
    'a"b',
    'a b',
    'a;b',
    '1abc',
    '',
    'a\u0000b',
    'a\nb',
    null,
    42,
    {},
  ];
  for (const dialect of DIALECTS) {
    for (const option of ['table', 'customerId', 'timestamp', 'amount'] as const) {
      it(`${dialect}: ${option}`, () => {
        for (const bad of attacks) {
          const err = thrown(() => summarySql({ ...base, dialect, [option]: bad }));
          expect(err.issues.map((i) => i.path)).toContain(`options.${option}`);
        }
      });
    }
  }

  it('a column may not be qualified; a table has at most three non-empty parts', () => {
    expect(thrown(() => summarySql({ ...base, customerId: 'a.b' })).issues[0].path).toBe('options.customerId');
    for (const t of ['a..b', '.a', 'a.', 'a.b.c.d', 'a.b"; --.c']) {
      expect(thrown(() => summarySql({ ...base, table: t })).issues[0].path).toBe('options.table');
    }
  });

  it('quotes each part of a qualified table in the dialect\'s way', () => {
    expect(summarySql({ ...base, table: 'lake.sales.tx', dialect: 'duckdb' })).toContain('FROM "lake"."sales"."tx"');
    expect(summarySql({ ...base, table: 'my-project.sales.tx', dialect: 'bigquery' })).toContain('FROM `my-project`.`sales`.`tx`');
    expect(summarySql({ ...base, table: 'sales.tx', dialect: 'spark' })).toContain('FROM `sales`.`tx`');
    expect(summarySql({ ...base, table: 'hive.sales.tx', dialect: 'trino' })).toContain('FROM "hive"."sales"."tx"');
    expect(summarySql({ ...base, table: 'public.tx', dialect: 'postgres' })).toContain('FROM "public"."tx"');
  });

  it('rejects invalid dates, unknown options and a calibration end not before the end', () => {
    expect(thrown(() => summarySql({ ...base, observationEnd: '2024-02-30' })).issues[0].path).toBe('options.observationEnd');
    expect(thrown(() => summarySql({ ...base, observationEnd: -1e15 })).issues[0].path).toBe('options.observationEnd');
    expect(thrown(() => summarySql({ ...base, dialect: 'mysql' } as never)).issues[0].path).toBe('options.dialect');
    expect(thrown(() => summarySql({ ...base, extra: 1 } as never)).issues[0].path).toBe('options.extra');
    expect(thrown(() => summarySql({ ...base, calibrationEnd: '2024-01-31T08:00:00Z' })).issues[0].path).toBe('options.calibrationEnd');
  });

  it('writes the end as a TIMESTAMP literal of the last included instant', () => {
    expect(summarySql({ ...base, dialect: 'postgres' })).toContain("TIMESTAMP '2024-01-31 23:59:59.999'");
    expect(summarySql({ ...base, observationEnd: '2024-01-31T12:00:00Z', dialect: 'trino' })).toContain("TIMESTAMP '2024-01-31 12:00:00.000'");
    expect(summarySql({ ...base, dialect: 'bigquery' })).toContain("TIMESTAMP '2024-01-31 23:59:59.999+00:00'");
  });
});

describe('compressSummary', () => {
  const { transactions } = simulateTransactions({ customers: 3000, seed: 5 });
  const summary = summarize(transactions, { unit: 'week', observationEnd: '2024-12-31' });

  it('fitting BG/NBD on the compressed summary gives the full summary\'s parameters (1e-9)', () => {
    const c = compressSummary(summary);
    expect(c.frequency.length).toBeLessThan(summary.size);
    expect(c.customers).toBe(summary.size);
    expect(c.unit).toBe('week');
    const full = fitBetaGeo(summary);
    const small = fitBetaGeo(c);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(small.params[k] - full.params[k])).toBeLessThan(1e-9 * Math.max(1, full.params[k]));
    }
    expect(Math.abs(small.logLikelihood - full.logLikelihood)).toBeLessThan(1e-9 * Math.abs(full.logLikelihood));
  });

  it('property: triples are unique, weights count their rows, the index maps every row back', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 60 }), (rows) => {
        const frequency = rows.map(([x]) => x);
        const recency = rows.map(([x, r, t]) => (x === 0 ? 0 : Math.min(r, t)));
        const T = rows.map(([, , t]) => t);
        const c = compressSummary({ frequency, recency, T });
        const keys = new Set<string>();
        for (let j = 0; j < c.frequency.length; j++) keys.add(`${c.frequency[j]},${c.recency[j]},${c.T[j]}`);
        expect(keys.size).toBe(c.frequency.length);
        const counts = new Float64Array(c.frequency.length);
        rows.forEach((_, i) => {
          const j = c.index[i];
          counts[j]++;
          expect([c.frequency[j], c.recency[j], c.T[j]]).toEqual([frequency[i], recency[i], T[i]]);
        });
        expect(counts).toEqual(c.weights);
        expect(c.unit).toBeUndefined();
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('rejects malformed columns naming column and row', () => {
    const err = thrown(() => compressSummary({ frequency: [0, -1], recency: [0, 0], T: [1, 1] }));
    expect(err.issues[0]).toMatchObject({ path: 'frequency', row: 1 });
  });
});

describe('summaryFromRows', () => {
  const { transactions } = simulateTransactions({ customers: 300, seed: 3 });
  const summary = summarize(transactions, { unit: 'week', observationEnd: '2024-06-30' });
  const snake = summaryRows(summary).map((r) => ({
    customer_id: r.customerId,
    frequency: BigInt(r.frequency),
    recency: r.recency,
    t: r.T,
    monetary_value: r.monetaryValue,
    total_spend: r.totalSpend,
    transactions: BigInt(r.transactions),
    first_purchase: BigInt(r.firstPurchase.getTime()),
    last_purchase: r.lastPurchase,
  }));

  it('round-trips a summary from shuffled snake_case records (bigints, Dates) and from columns', () => {
    const shuffled = [...snake].reverse();
    const o = { unit: 'week', observationEnd: '2024-06-30', excludedAfterEnd: summary.excludedAfterEnd } as const;
    expect(summary.excludedAfterEnd).toBeGreaterThan(0);
    expect(summaryFromRows(shuffled, o)).toEqual(summary);
    const cols = Object.fromEntries(Object.keys(snake[0]).map((k) => [k, shuffled.map((r) => r[k as keyof (typeof snake)[0]])]));
    expect(summaryFromRows(cols, o)).toEqual(summary);
  });

  it('sorts numeric ids numerically and string ids by code units, as summarize does', () => {
    const rows = [10, 9, 100].map((id) => ({ customer_id: id, frequency: 0, recency: 0, t: 1 }));
    expect(summaryFromRows(rows, { observationEnd: '2024-01-01' }).customerId).toEqual(['9', '10', '100']);
    const str = ['b', 'B', 'a10', 'a9'].map((id) => ({ customerId: id, frequency: 0, recency: 0, T: 1 }));
    const s = summaryFromRows(str, { observationEnd: '2024-01-01' });
    expect(s.customerId).toEqual(['B', 'a10', 'a9', 'b']);
    expect(s.hasMonetary).toBe(false);
    expect(s.transactions).toEqual(new Float64Array([1, 1, 1, 1]));
  });

  it('names bad rows and missing columns', () => {
    const bad = [
      { customer_id: 'a', frequency: 1.5, recency: 0, t: 1 },
      { customer_id: 'b', frequency: 1, recency: 3, t: 2 },
      { customer_id: 'a', frequency: 0, recency: 0, t: Number.NaN },
      { customer_id: null, frequency: 0, recency: 0, t: 1 },
    ];
    const err = thrown(() => summaryFromRows(bad, { observationEnd: '2024-01-01' }));
    expect(err.issues.map((i) => [i.path, i.row])).toEqual(
      expect.arrayContaining([
        ['frequency', 0],
        ['recency', 1],
        ['t', 2],
        ['customer_id', 2],
        ['customer_id', 3],
      ]),
    );
    expect(thrown(() => summaryFromRows([{ customer_id: 'a', frequency: 0 }])).issues.map((i) => i.path)).toEqual(['recency', 'T']);
    expect(thrown(() => summaryFromRows({ customer_id: ['a'], frequency: [0, 1], recency: [0], t: [0] })).issues[0].path).toBe('frequency');
    expect(thrown(() => summaryFromRows([{ customer_id: 'a', frequency: 0, recency: 0, t: 1 }])).issues[0].path).toBe('options.observationEnd');
  });
});
