import { describe, expect, it } from 'vitest';
import { cleanTransactions } from '../../src/data/clean.js';
import { SAMPLE_LOG_OPTIONS, sampleTransactions } from '../../src/data/sample.js';
import { decodeSampleLog, encodeSampleLog } from '../../src/data/sample/codec.js';
import { SAMPLE_LOG_TEXT } from '../../src/data/sample/simulated-log.js';
import { simulateTransactions } from '../../src/data/simulate.js';
import { summarize } from '../../src/data/summarize.js';

describe('the bundled sample log', () => {
  it('is exactly simulateTransactions(SAMPLE_LOG_OPTIONS), as scripts/generate-sample-log.ts writes it', () => {
    const sim = simulateTransactions(SAMPLE_LOG_OPTIONS);
    expect(sampleTransactions()).toEqual(sim.transactions);
    expect(encodeSampleLog(sim.transactions)).toBe(SAMPLE_LOG_TEXT);
    expect(SAMPLE_LOG_OPTIONS).toEqual({ customers: 3000, seed: 20261123, defectRate: 0.004 });
  });

  it('has the documented size and cleaning report (8,827 rows; 32 damaged on purpose; 2,998 customers after cleaning)', () => {
    const log = sampleTransactions();
    expect(log.length).toBe(8827);
    const { transactions, report } = cleanTransactions(log);
    expect(report.keptRows).toBe(8795);
    expect(Object.fromEntries(report.removed.filter((r) => r.count > 0).map((r) => [r.reason, r.count]))).toEqual({
      'missing-id': 7,
      'invalid-timestamp': 8,
      'negative-amount': 7,
      duplicate: 10,
    });
    expect(summarize(transactions, { unit: 'week' }).size).toBe(2998);
  });

  it('returns fresh objects on every call; the codec round-trips', () => {
    const a = sampleTransactions();
    a[0].amount = -1;
    expect(sampleTransactions()[0].amount).not.toBe(-1);
    expect(encodeSampleLog(decodeSampleLog(SAMPLE_LOG_TEXT))).toBe(SAMPLE_LOG_TEXT);
  });
});
