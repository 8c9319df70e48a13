import { describe, expect, it } from 'vitest';
import { cleanTransactions } from '../../src/data/clean.js';
import { simulateTransactions } from '../../src/data/simulate.js';
import { summarize } from '../../src/data/summarize.js';
import { InvalidInputError } from '../../src/errors.js';

describe('simulateTransactions', () => {
  it('is deterministic for a seed, and different across seeds', () => {
    const a = simulateTransactions({ customers: 300, seed: 5 });
    expect(simulateTransactions({ customers: 300, seed: 5 })).toEqual(a);
    expect(simulateTransactions({ customers: 300, seed: 6 }).transactions).not.toEqual(a.transactions);
  });

  it('produces a clean, time-ordered log: every customer purchases at acquisition, nothing after the end', () => {
    const { transactions, customers } = simulateTransactions({ customers: 500, seed: 1, days: 400, acquisitionDays: 100 });
    const { report } = cleanTransactions(transactions);
    expect(report.keptRows).toBe(transactions.length);
    for (let i = 1; i < transactions.length; i++) expect(transactions[i - 1].timestamp <= transactions[i].timestamp).toBe(true);
    const s = summarize(transactions, { unit: 'day', observationEnd: '2024-02-04' }); // start + 399 days
    expect(s.size).toBe(500);
    expect(s.excludedAfterEnd).toBe(0);
    for (let i = 0; i < s.size; i++) expect(s.firstPurchase[i]).toBe(customers[i].acquired);
    expect(Math.max(...customers.map((c) => c.acquired))).toBeLessThan(Date.UTC(2023, 0, 1) + 100 * 86_400_000);
  });

  it('recovers the NBD mean when nobody drops out: E[repeats] = (r/α)·(days − acquisitionDays/2) = 54.75', () => {
    // With p ≈ 0 (Beta(0.001, 1000)) repeats are Poisson(λ·(days − t0)), λ ~ Gamma(r = 2, α = 20):
    // E = r/α · E[days − t0] = 0.1 · (730 − 182.5). Per-customer variance ≈ μ + μ²/r + Var over t0
    // ≈ 1554 + 0.01·365²/12 ≈ 1665, so with 5,000 customers SE ≈ 0.58; we allow 5 SE.
    const { transactions } = simulateTransactions({ customers: 5000, seed: 3, purchase: { r: 2, alpha: 20, a: 0.001, b: 1000 } });
    // Count every record (aggregation 'none'): same-day purchases must not collapse here.
    const s = summarize(transactions, { unit: 'day', aggregation: 'none', observationEnd: '2024-12-31' });
    const mean = s.frequency.reduce((x, y) => x + y, 0) / s.size;
    expect(Math.abs(mean - 54.75)).toBeLessThan(5 * 0.58);
  });

  it('spend follows gamma-gamma: the mean of customers’ mean spend ≈ E[p/ν] = p·γ/(q − 1) = 35.22 (CDNOW defaults)', () => {
    // Each customer's sample mean is unbiased for p/νᵢ. p/ν is inverse-gamma-shaped with
    // sd = E·/√(q − 2) ≈ 26.7; with 20,000 customers SE < 0.2 (plus per-customer sampling noise).
    const { transactions, customers } = simulateTransactions({ customers: 20_000, seed: 9 });
    const byCustomer = new Map<string, number[]>();
    for (const t of transactions) {
      const list = byCustomer.get(String(t.customerId)) ?? [];
      list.push(t.amount!);
      byCustomer.set(String(t.customerId), list);
    }
    let sum = 0;
    for (const list of byCustomer.values()) sum += list.reduce((x, y) => x + y, 0) / list.length;
    const mean = sum / byCustomer.size;
    expect(Math.abs(mean - (6.25 * 15.44) / 2.74)).toBeLessThan(1);
    expect(customers.length).toBe(20_000);
  });

  it('defects are recorded and are exactly what cleaning removes', () => {
    const { transactions, defects } = simulateTransactions({ customers: 2000, seed: 4, defectRate: 0.05 });
    const { report } = cleanTransactions(transactions);
    const expected: Record<string, number> = {};
    for (const d of defects) expected[d.kind] = (expected[d.kind] ?? 0) + 1;
    const got = Object.fromEntries(report.removed.filter((r) => r.count > 0).map((r) => [r.reason, r.count]));
    expect(got).toEqual(expected);
    for (const reason of ['missing-id', 'invalid-timestamp', 'negative-amount', 'duplicate'] as const) {
      expect(report.removed.find((r) => r.reason === reason)!.rows).toEqual(
        defects.filter((d) => d.kind === reason).map((d) => d.row).slice(0, 100),
      );
    }
  });

  it('validates options', () => {
    expect(() => simulateTransactions({ customers: -1 })).toThrow(InvalidInputError);
    expect(() => simulateTransactions({ purchase: { r: 0, alpha: 1, a: 1, b: 1 } })).toThrow(/options.purchase.r/);
  });
});
