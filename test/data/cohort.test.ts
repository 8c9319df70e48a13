import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohortTable, isoWeekLabel } from '../../src/data/cohort.js';
import { MS_PER_DAY } from '../../src/data/time.js';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';

describe('cohortTable', () => {
  const log = [
    { customerId: 'a', timestamp: '2024-01-05', amount: 10 },
    { customerId: 'a', timestamp: '2024-01-25', amount: 1 }, // second purchase in the same month: one active customer
    { customerId: 'a', timestamp: '2024-03-07', amount: 20 },
    { customerId: 'b', timestamp: '2024-01-20', amount: 5 },
    { customerId: 'b', timestamp: '2024-02-01', amount: 6 },
    { customerId: 'c', timestamp: '2024-03-02', amount: 8 },
    { customerId: 'd', timestamp: '2024-04-02', amount: 8 }, // after the end
  ];

  it('monthly: sizes, active customers, revenue and retention (hand-worked), ragged to the end', () => {
    const t = cohortTable(log, { observationEnd: '2024-03-31' });
    expect(t.period).toBe('month');
    expect(t.cohorts).toEqual(['2024-01', '2024-03']); // no one acquired in February
    expect(t.cohortStart.map((d) => d.toISOString())).toEqual(['2024-01-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(t.size).toEqual([2, 1]);
    expect(t.activeCustomers).toEqual([[2, 1, 1], [1]]);
    expect(t.revenue).toEqual([[16, 6, 20], [8]]);
    expect(t.retention).toEqual([[1, 0.5, 0.5], [1]]);
    expect(t.excludedAfterEnd).toBe(1);
  });

  it('weekly: ISO weeks (Monday start) labelled YYYY-Www', () => {
    const t = cohortTable(
      [
        { customerId: 'a', timestamp: '2024-01-01' }, // Monday of 2024-W01
        { customerId: 'a', timestamp: '2024-01-07' }, // Sunday, same week
        { customerId: 'a', timestamp: '2024-01-08' }, // next week
        { customerId: 'b', timestamp: '2023-12-31' }, // Sunday of 2023-W52
      ],
      { period: 'week' },
    );
    expect(t.cohorts).toEqual(['2023-W52', '2024-W01']);
    expect(t.activeCustomers).toEqual([[1, 0, 0], [1, 1]]);
    expect(t.revenue).toEqual([[0, 0, 0], [0, 0]]); // no amounts in the log
  });

  it('ISO week labels at year boundaries (ISO 8601: week 1 contains the year’s first Thursday)', () => {
    const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY;
    expect(isoWeekLabel(day('2020-12-28'))).toBe('2020-W53'); // 2021-01-03 belongs to 2020-W53
    expect(isoWeekLabel(day('2024-12-30'))).toBe('2025-W01');
    expect(isoWeekLabel(day('2018-12-31'))).toBe('2019-W01');
    expect(isoWeekLabel(day('2015-12-28'))).toBe('2015-W53');
  });

  it('an empty log with an end gives an empty table', () => {
    expect(cohortTable([], { observationEnd: '2024-01-01' }).cohorts).toEqual([]);
  });

  it('properties: offset 0 is everyone; retention in [0, 1]; Σ revenue = Σ amounts; Σ sizes = customers', () => {
    const arb = fc.array(
      fc.record({
        customerId: fc.integer({ min: 1, max: 15 }),
        timestamp: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2024, 11, 31) }),
        amount: fc.integer({ min: 0, max: 1000 }),
      }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(arb, fc.constantFrom<'month' | 'week'>('month', 'week'), (txs, period) => {
        const t = cohortTable(txs, { period });
        expect(t.size.reduce((a, b) => a + b, 0)).toBe(new Set(txs.map((x) => x.customerId)).size);
        let revenue = 0;
        t.cohorts.forEach((_, i) => {
          expect(t.activeCustomers[i][0]).toBe(t.size[i]);
          expect(t.retention[i][0]).toBe(1);
          for (const r of t.retention[i]) expect(r >= 0 && r <= 1).toBe(true);
          revenue += t.revenue[i].reduce((a, b) => a + b, 0);
          if (i > 0) expect(t.activeCustomers[i].length).toBeLessThan(t.activeCustomers[i - 1].length);
        });
        expect(revenue).toBe(txs.reduce((a, b) => a + b.amount, 0));
      }),
      { seed: 9, numRuns: 200 },
    );
  });
});

describe('cohortTable: invalid input', () => {
  it('names bad rows and bad options', () => {
    const err = (() => {
      try {
        cohortTable([
          { customerId: 'a', timestamp: '2024-01-01', amount: 1 },
          { customerId: 'a', timestamp: 'soon', amount: 1 },
          { customerId: '', timestamp: '2024-01-02', amount: 1 },
        ]);
      } catch (e) {
        return e as InvalidInputError;
      }
      throw new Error('expected a throw');
    })();
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.issues.map((i) => [i.path, i.row])).toEqual([
      ['timestamp', 1],
      ['customerId', 2],
    ]);
    expect(() => cohortTable([], { period: 'day' } as never)).toThrow(/options.period/);
    expect(() => cohortTable([], { unit: 'week' } as never)).toThrow(/unknown option 'unit'/);
    expect(() => cohortTable([])).toThrow(NotEnoughDataError);
  });
});
