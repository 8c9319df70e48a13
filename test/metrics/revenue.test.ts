import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohortTable } from '../../src/data/cohort.js';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { revenueRetention } from '../../src/metrics/revenue.js';

/** The InvalidInputError `fn` throws (fails the test when it throws anything else, or nothing). */
function invalid(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return e as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

describe('revenueRetention', () => {
  // Three customers over January–March 2024 (hand-worked below).
  const log = [
    { customerId: 'a', timestamp: '2024-01-03', amount: 60 },
    { customerId: 'a', timestamp: '2024-01-28', amount: 40 }, // a: Jan 100
    { customerId: 'b', timestamp: '2024-01-15', amount: 50 }, // b: Jan 50, silent in Feb
    { customerId: 'a', timestamp: '2024-02-10', amount: 120 }, // a: Feb 120 (expansion)
    { customerId: 'c', timestamp: '2024-02-14', amount: 80 }, // c: acquired in Feb
    { customerId: 'a', timestamp: '2024-03-05', amount: 90 }, // a: Mar 90 (contraction)
    { customerId: 'b', timestamp: '2024-03-20', amount: 70 }, // b: returns in Mar
    { customerId: 'c', timestamp: '2024-03-02', amount: 40 },
    { customerId: 'c', timestamp: '2024-03-09', amount: -10 }, // c: Mar 30 after a refund
    { customerId: 'a', timestamp: '2024-04-01', amount: 999 }, // after the end: not counted
  ];

  it('hand-worked 3 customers × 3 months (exact)', () => {
    // Cohort 2024-01 = {a, b}:   revenue Jan 100+50 = 150, Feb 120+0 = 120, Mar 90+70 = 160
    //   Jan → Feb: NRR 120/150 = 0.8;        GRR (min(120,100) + min(0,50)) / 150 = 100/150 = 2/3
    //   Feb → Mar: NRR 160/120 = 4/3;        GRR (min(90,120) + min(70,0)) / 120 = 90/120 = 0.75
    // Cohort 2024-02 = {c}:      revenue Feb 80, Mar 40 − 10 = 30
    //   Feb → Mar: NRR 30/80 = 0.375;        GRR min(30,80) / 80 = 0.375
    //
    //            revenue          net            gross
    //   2024-01  [150, 120, 160]  [0.8, 4/3]     [2/3, 0.75]
    //   2024-02  [80, 30]         [0.375]        [0.375]
    const r = revenueRetention(log, { period: 'month', observationEnd: '2024-03-31' });
    expect(r.period).toBe('month');
    expect(r.cohorts).toEqual(['2024-01', '2024-02']);
    expect(r.cohortStart.map((d) => d.toISOString())).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
    expect(r.size).toEqual([2, 1]);
    expect(r.revenue).toEqual([[150, 120, 160], [80, 30]]);
    expect(r.net).toEqual([[120 / 150, 160 / 120], [30 / 80]]);
    expect(r.gross).toEqual([[100 / 150, 90 / 120], [30 / 80]]);
    expect(r.excludedAfterEnd).toBe(1);
    // Same revenue as cohortTable's.
    expect(cohortTable(log, { observationEnd: '2024-03-31' }).revenue).toEqual(r.revenue);
  });

  it('defaults: monthly periods, observation end = the last transaction (April included)', () => {
    const r = revenueRetention(log);
    expect(r.cohorts).toEqual(['2024-01', '2024-02']);
    expect(r.revenue).toEqual([[150, 120, 160, 999], [80, 30, 0]]);
    expect(r.net[1]).toEqual([0.375, 0]); // c spends nothing in April
    expect(r.gross[1]).toEqual([0.375, 0]);
    expect(r.excludedAfterEnd).toBe(0);
  });

  it('columns and custom field names give the same table', () => {
    const cols = {
      user: log.map((t) => t.customerId),
      when: log.map((t) => t.timestamp),
      spend: Float64Array.from(log.map((t) => t.amount)),
    };
    const r = revenueRetention(cols as never, { observationEnd: '2024-03-31', fields: { customerId: 'user', timestamp: 'when', amount: 'spend' } });
    expect(r.net).toEqual([[0.8, 160 / 120], [0.375]]);
  });

  it('weekly: ISO weeks, labelled YYYY-Www', () => {
    const r = revenueRetention(
      [
        { customerId: 'a', timestamp: '2024-01-01', amount: 10 }, // Monday of 2024-W01
        { customerId: 'a', timestamp: '2024-01-07', amount: 10 }, // Sunday, same week: 20
        { customerId: 'a', timestamp: '2024-01-08', amount: 25 }, // 2024-W02: 25
        { customerId: 'b', timestamp: '2023-12-31', amount: 8 }, // Sunday of 2023-W52
        { customerId: 'b', timestamp: '2024-01-14', amount: 4 }, // 2024-W02
      ],
      { period: 'week' },
    );
    // 2023-W52 {b}: [8, 0, 4] → net [0, null], gross [0, null]
    // 2024-W01 {a}: [20, 25]  → net [1.25],    gross [min(25, 20) / 20 = 1]
    expect(r.cohorts).toEqual(['2023-W52', '2024-W01']);
    expect(r.cohortStart.map((d) => d.toISOString().slice(0, 10))).toEqual(['2023-12-25', '2024-01-01']);
    expect(r.revenue).toEqual([[8, 0, 4], [20, 25]]);
    expect(r.net).toEqual([[0, null], [1.25]]);
    expect(r.gross).toEqual([[0, null], [1]]);
  });

  it('zero (or negative) revenue in period k makes both ratios null, never NaN', () => {
    const r = revenueRetention(
      [
        { customerId: 'free', timestamp: '2024-01-10', amount: 0 }, // a free first order
        { customerId: 'free', timestamp: '2024-02-10', amount: 30 },
        { customerId: 'refund', timestamp: '2024-03-01', amount: 20 },
        { customerId: 'refund', timestamp: '2024-03-02', amount: -25 }, // March nets to −5
        { customerId: 'refund', timestamp: '2024-04-02', amount: 10 },
      ],
      { observationEnd: '2024-04-30' },
    );
    // 2024-01 {free}:   [0, 30, 0, 0] → ratios [null, 0/30 = 0, null]
    // 2024-03 {refund}: [−5, 10]      → ratios [null]
    expect(r.revenue).toEqual([[0, 30, 0, 0], [-5, 10]]);
    expect(r.net).toEqual([[null, 0, null], [null]]);
    expect(r.gross).toEqual([[null, 0, null], [null]]);
  });

  it('a refund from a customer silent the period before counts against GRR too, so GRR ≤ NRR (exact)', () => {
    const r = revenueRetention(
      [
        { customerId: 'a', timestamp: '2024-01-05', amount: 100 },
        { customerId: 'b', timestamp: '2024-01-06', amount: 50 },
        { customerId: 'a', timestamp: '2024-02-05', amount: 100 }, // b silent in February
        { customerId: 'a', timestamp: '2024-03-05', amount: 100 },
        { customerId: 'b', timestamp: '2024-03-06', amount: -20 }, // b's January order partly refunded
      ],
      { observationEnd: '2024-03-31' },
    );
    // revenue [150, 100, 80]
    // Jan → Feb: NRR 100/150;  GRR (min(100,100) + min(0,50)) / 150 = 100/150
    // Feb → Mar: NRR 80/100 = 0.8;  GRR (min(100,100) + min(−20,0)) / 100 = 0.8 (not 1: that would exceed NRR)
    expect(r.revenue).toEqual([[150, 100, 80]]);
    expect(r.net).toEqual([[100 / 150, 0.8]]);
    expect(r.gross).toEqual([[100 / 150, 0.8]]);
  });

  it('a cohort acquired in the last period has no transition; an empty log with an end is an empty table', () => {
    const r = revenueRetention([{ customerId: 1, timestamp: '2024-05-05', amount: 3 }]);
    expect(r).toMatchObject({ cohorts: ['2024-05'], revenue: [[3]], net: [[]], gross: [[]] });
    expect(revenueRetention([], { observationEnd: '2024-01-31' })).toMatchObject({ cohorts: [], net: [], gross: [], revenue: [] });
    const later = revenueRetention([{ customerId: 1, timestamp: '2024-05-05', amount: 3 }], { observationEnd: '2024-04-30' });
    expect(later).toMatchObject({ cohorts: [], excludedAfterEnd: 1 });
  });

  /** Definition-by-definition oracle with Maps: cohort → offset → customer → summed amount. */
  function naive(txs: readonly { customerId: number; timestamp: number; amount: number }[]): {
    revenue: number[][];
    net: (number | null)[][];
    gross: (number | null)[][];
  } {
    const month = (ms: number): number => {
      const d = new Date(ms);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    };
    const end = Math.max(...txs.map((t) => month(t.timestamp)));
    const perCustomer = new Map<number, Map<number, number>>();
    for (const t of txs) {
      const m = perCustomer.get(t.customerId) ?? new Map<number, number>();
      perCustomer.set(t.customerId, m);
      m.set(month(t.timestamp), (m.get(month(t.timestamp)) ?? 0) + t.amount);
    }
    const cohorts = new Map<number, Map<number, number>[]>();
    for (const months of perCustomer.values()) {
      const first = Math.min(...months.keys());
      cohorts.set(first, [...(cohorts.get(first) ?? []), months]);
    }
    const out = { revenue: [] as number[][], net: [] as (number | null)[][], gross: [] as (number | null)[][] };
    for (const first of [...cohorts.keys()].sort((a, b) => a - b)) {
      const members = cohorts.get(first)!;
      const rev = (p: number): number => members.reduce((s, m) => s + (m.get(p) ?? 0), 0);
      const revenue: number[] = [];
      const net: (number | null)[] = [];
      const gross: (number | null)[] = [];
      for (let p = first; p <= end; p++) revenue.push(rev(p));
      for (let p = first; p < end; p++) {
        const base = rev(p);
        const capped = members.reduce((s, m) => s + Math.min(m.get(p + 1) ?? 0, m.get(p) ?? 0), 0);
        net.push(base > 0 ? rev(p + 1) / base : null);
        gross.push(base > 0 ? capped / base : null);
      }
      out.revenue.push(revenue);
      out.net.push(net);
      out.gross.push(gross);
    }
    return out;
  }

  it('properties over random logs: GRR ≤ NRR and GRR ≤ 1 exactly, no NaN, agrees with a naive oracle (1e-9 relative)', () => {
    const arb = fc.array(
      fc.record({
        customerId: fc.integer({ min: 1, max: 6 }),
        timestamp: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2023, 6, 31) }),
        amount: fc.oneof(
          fc.integer({ min: 0, max: 500 }),
          fc.double({ min: -50, max: 500, noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: -200, max: -1 }), // refunds: some (customer, month) sums go negative
          fc.constant(0),
        ),
      }),
      { minLength: 1, maxLength: 120, size: 'medium' }, // enough rows for repeat, silent and refunded months
    );
    const close = (a: number | null, b: number | null): void => {
      if (a === null || b === null) {
        expect(a).toBe(b);
        return;
      }
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));
    };
    fc.assert(
      fc.property(arb, (txs) => {
        const r = revenueRetention(txs);
        const want = naive(txs);
        expect(r.revenue.map((row) => row.length)).toEqual(want.revenue.map((row) => row.length));
        r.cohorts.forEach((_, i) => {
          expect(r.net[i]).toHaveLength(r.revenue[i].length - 1);
          expect(r.gross[i]).toHaveLength(r.revenue[i].length - 1);
          r.revenue[i].forEach((v, k) => {
            // base may differ in sign from the oracle's by rounding only when it is ~0
            close(v, want.revenue[i][k]);
          });
          r.net[i].forEach((net, k) => {
            const gross = r.gross[i][k];
            expect(net === null).toBe(gross === null);
            expect(net === null).toBe(!(r.revenue[i][k] > 0));
            if (net === null || gross === null) return;
            expect(Number.isNaN(net) || Number.isNaN(gross)).toBe(false);
            expect(gross).toBeLessThanOrEqual(net);
            expect(gross).toBeLessThanOrEqual(1);
            if (Math.abs(r.revenue[i][k]) > 1e-6) {
              close(net, want.net[i][k]);
              close(gross, want.gross[i][k]);
            }
          });
        });
      }),
      { seed: 46, numRuns: 300 },
    );
  });
});

describe('revenueRetention: invalid input', () => {
  it('a log without amounts is an error naming the amount field', () => {
    const e = invalid(() => revenueRetention([{ customerId: 'a', timestamp: '2024-01-01' }]));
    expect(e.issues.map((i) => i.path)).toEqual(['amount']);
    expect(e.message).toMatch(/no row has a 'amount'/);
    const cols = invalid(() => revenueRetention({ customerId: ['a'], timestamp: ['2024-01-01'] }));
    expect(cols.issues.map((i) => i.path)).toEqual(['amount']);
    const named = invalid(() => revenueRetention([{ customerId: 'a', timestamp: '2024-01-01', amount: 1 }], { fields: { amount: 'spend' } }));
    expect(named.issues.map((i) => i.path)).toEqual(['spend']);
  });

  it('bad rows are named with their row index', () => {
    const e = invalid(() =>
      revenueRetention([
        { customerId: 'a', timestamp: '2024-01-01', amount: 1 },
        { customerId: 'a', timestamp: '2024-02-01', amount: '12.50' },
        { customerId: 'b', timestamp: 'last tuesday', amount: 3 },
        { customerId: 'b', timestamp: '2024-02-01' },
        { customerId: null, timestamp: '2024-02-01', amount: 3 },
      ]),
    );
    expect(e.issues.map((i) => [i.path, i.row])).toEqual([
      ['amount', 1],
      ['timestamp', 2],
      ['amount', 3],
      ['customerId', 4],
    ]);
    expect(e.message).toMatch(/^revenueRetention/);
  });

  it('bad options are named; an empty log without an end is NotEnoughDataError', () => {
    expect(invalid(() => revenueRetention([], { period: 'day' } as never)).issues[0]?.path).toBe('options.period');
    expect(invalid(() => revenueRetention([], { unit: 'week' } as never)).issues[0]?.path).toBe('options.unit');
    expect(invalid(() => revenueRetention([], { observationEnd: 'soon' })).issues[0]?.path).toBe('options.observationEnd');
    expect(invalid(() => revenueRetention('log' as never)).issues[0]?.path).toBe('transactions');
    expect(() => revenueRetention([])).toThrow(NotEnoughDataError);
  });
});
