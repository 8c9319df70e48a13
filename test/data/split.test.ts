import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrationHoldoutSplit } from '../../src/data/split.js';
import { summarize } from '../../src/data/summarize.js';
import { InvalidInputError } from '../../src/errors.js';
import { datasetPath, readCdnowSample, readSimpleCsv } from '../helpers/datasets.js';

describe('calibrationHoldoutSplit', () => {
  // Hand-worked: calibration to 2024-01-31, holdout to 2024-02-29 (29 days).
  const log = [
    { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
    { customerId: 'a', timestamp: '2024-01-20', amount: 30 },
    { customerId: 'a', timestamp: '2024-01-31T22:00:00Z', amount: 1 }, // calibration end day: calibration
    { customerId: 'a', timestamp: '2024-02-10', amount: 12 },
    { customerId: 'a', timestamp: '2024-02-10', amount: 3 }, // same day: one holdout occasion
    { customerId: 'a', timestamp: '2024-02-20', amount: 5 },
    { customerId: 'b', timestamp: '2024-01-15', amount: 7 }, // nothing in holdout
    { customerId: 'c', timestamp: '2024-02-05', amount: 9 }, // first seen in holdout
    { customerId: 'a', timestamp: '2024-03-02', amount: 99 }, // after the observation end
  ];

  it('calibration summary, holdout occasions/spend per customer, new and late rows counted', () => {
    const r = calibrationHoldoutSplit(log, { calibrationEnd: '2024-01-31', observationEnd: '2024-02-29', unit: 'day' });
    expect(r.calibration.customerId).toEqual(['a', 'b']);
    expect([...r.calibration.frequency]).toEqual([2, 0]);
    expect([...r.calibration.recency]).toEqual([30, 0]);
    expect([...r.calibration.T]).toEqual([30, 16]);
    expect([...r.holdout.frequency]).toEqual([2, 0]);
    expect([...r.holdout.totalSpend]).toEqual([20, 0]);
    expect([...r.holdout.monetaryValue]).toEqual([10, 0]);
    expect(r.holdout.duration).toBe(29);
    expect(r.newInHoldout).toBe(1);
    expect(r.excludedAfterEnd).toBe(1);
  });

  it('calibration equals summarize() with observationEnd = calibrationEnd', () => {
    const r = calibrationHoldoutSplit(log, { calibrationEnd: '2024-01-31', observationEnd: '2024-02-29', unit: 'week' });
    const s = summarize(log, { observationEnd: '2024-01-31', unit: 'week' });
    for (const k of ['frequency', 'recency', 'T', 'monetaryValue'] as const) expect([...r.calibration[k]]).toEqual([...s[k]]);
  });

  it('rejects a calibration end that is not before the observation end', () => {
    expect(() => calibrationHoldoutSplit(log, { calibrationEnd: '2024-03-01', observationEnd: '2024-02-29' })).toThrow(
      InvalidInputError,
    );
    expect(() => calibrationHoldoutSplit(log, { calibrationEnd: '2024-02-29', observationEnd: '2024-02-29' })).toThrow(
      /options.calibrationEnd/,
    );
    expect(() => calibrationHoldoutSplit(log, {} as never)).toThrow(/options.calibrationEnd/);
  });

  it('property: holdout occasions = occasions in the whole period − calibration occasions, for calibration customers', () => {
    const arb = fc.array(
      fc.record({
        customerId: fc.constantFrom('a', 'b', 'c', 'd'),
        timestamp: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 5, 30) }),
        amount: fc.integer({ min: 1, max: 100 }),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, (txs) => {
        const opts = { calibrationEnd: '2024-03-31', observationEnd: '2024-06-30', unit: 'day' } as const;
        const r = calibrationHoldoutSplit(txs, opts);
        const whole = summarize(txs, { observationEnd: '2024-06-30' });
        for (let i = 0; i < r.calibration.size; i++) {
          const j = whole.customerId.indexOf(r.calibration.customerId[i]);
          expect(r.holdout.frequency[i]).toBe(whole.frequency[j] - r.calibration.frequency[i]);
          expect(r.holdout.totalSpend[i]).toBe(whole.totalSpend[j] - r.calibration.totalSpend[i]);
        }
      }),
      { seed: 5, numRuns: 200 },
    );
  });
});

describe.skipIf(!datasetPath('cdnow/CDNOW_sample.txt'))('calibrationHoldoutSplit on CDNOW (FHL 2005 set-up: 39 + 39 weeks)', () => {
  it('calibration part reproduces the published summary; holdout length is 39 weeks; no new customers (all joined in 1997Q1)', () => {
    const tx = readCdnowSample(datasetPath('cdnow/CDNOW_sample.txt')!);
    const r = calibrationHoldoutSplit(tx, { calibrationEnd: '1997-09-30', observationEnd: '1998-06-30', unit: 'week' });
    const ref = readSimpleCsv(datasetPath('cdnow/cdnow_customers_summary.csv')!);
    expect(r.calibration.size).toBe(2357);
    for (let i = 0; i < ref.length; i++) expect(r.calibration.frequency[i]).toBe(Number(ref[i]['frequency']));
    expect(r.holdout.duration).toBe(273 / 7); // 1997-09-30 → 1998-06-30 is 273 days
    expect(r.newInHoldout).toBe(0);
    expect(r.excludedAfterEnd).toBe(0);
  });
});

describe('calibrationHoldoutSplit: invalid rows', () => {
  it('names every bad row, as summarize does', () => {
    const err = (() => {
      try {
        calibrationHoldoutSplit(
          [
            { customerId: 'a', timestamp: '2024-01-01', amount: 1 },
            { customerId: 'a', timestamp: '2024-02-01', amount: Number.NaN },
          ],
          { calibrationEnd: '2024-01-15' },
        );
      } catch (e) {
        return e as InvalidInputError;
      }
      throw new Error('expected a throw');
    })();
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.issues).toEqual([{ path: 'amount', row: 1, message: 'expected a finite number, got NaN' }]);
  });
});
