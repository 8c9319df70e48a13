/**
 * Simulated transaction logs: a buy-till-you-die purchase process with gamma-gamma spend, for
 * demos, tests and what-if analysis.
 *
 * @module
 */
import * as z from 'zod/mini';
import { createRandom } from '../math/random.js';
import { parseOptions } from '../validate.js';
import { endMsOrThrow } from './summarize.js';
import { MS_PER_DAY } from './time.js';
import type { TimestampInput, TransactionRecord } from './types.js';

/** Options of {@link simulateTransactions}. Rates are per day. */
export interface SimulateTransactionsOptions {
  /** Number of customers. @defaultValue 2000 */
  customers?: number;
  /** Seed of the xoshiro128** generator (`createRandom`). @defaultValue 1 */
  seed?: number;
  /** First day of the log (UTC). @defaultValue `'2023-01-01'` */
  start?: TimestampInput;
  /** Customers are acquired uniformly over this many days from `start`. @defaultValue 365 */
  acquisitionDays?: number;
  /** Length of the log in days from `start`; purchases after it are not generated. @defaultValue 730 */
  days?: number;
  /**
   * BG/NBD purchase process: purchase rate λ ~ Gamma(shape r, rate α) per day, dropout
   * probability after each repeat purchase p ~ Beta(a, b).
   * @defaultValue CDNOW's published estimates (Fader, Hardie & Lee 2005) with α converted from
   * weeks to days: `{ r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 }`
   */
  purchase?: { r: number; alpha: number; a: number; b: number };
  /**
   * Gamma-gamma spend: each transaction's amount ~ Gamma(shape p, rate ν), with the customer's
   * ν ~ Gamma(shape q, rate γ).
   * @defaultValue CDNOW's estimates (Fader & Hardie 2013): `{ p: 6.25, q: 3.74, gamma: 15.44 }`
   */
  spend?: { p: number; q: number; gamma: number };
  /**
   * Probability that a row is damaged, to exercise cleaning: the damage is one of a missing
   * customer id, an unparseable timestamp, a negative amount (refund), or an exact duplicate
   * (an extra copy of the row). @defaultValue 0
   */
  defectRate?: number;
}

/** The kind of damage injected into a simulated row. */
export type SimulatedDefect = 'missing-id' | 'invalid-timestamp' | 'negative-amount' | 'duplicate';

/** A customer's latent parameters, for checking what a model recovers. */
export interface SimulatedCustomer {
  readonly customerId: string;
  /** Acquisition (first purchase) instant, epoch ms. */
  readonly acquired: number;
  /** Purchase rate per day while alive. */
  readonly lambda: number;
  /** Dropout probability after each repeat purchase. */
  readonly p: number;
  /** Spend rate ν: the customer's mean spend per transaction is `spend.p / ν`. */
  readonly nu: number;
  /** Whether the customer is still alive at the end of the log. */
  readonly aliveAtEnd: boolean;
}

/** The result of {@link simulateTransactions}. */
export interface SimulatedLog {
  /** Transactions sorted by time (ISO-8601 UTC strings to the second, amounts in cents precision). */
  readonly transactions: TransactionRecord[];
  /** Every customer's latent parameters, in id order. */
  readonly customers: readonly SimulatedCustomer[];
  /** Rows that were damaged on purpose, with what was done (row indices into `transactions`). */
  readonly defects: readonly { readonly row: number; readonly kind: SimulatedDefect }[];
}

const positive = z.number().check(z.positive());
const schema = z.strictObject({
  customers: z.optional(z.int().check(z.minimum(0), z.maximum(10_000_000))),
  seed: z.optional(z.number()),
  start: z.optional(z.custom<TimestampInput>((v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date)),
  acquisitionDays: z.optional(z.number().check(z.positive())),
  days: z.optional(z.number().check(z.positive())),
  purchase: z.optional(z.strictObject({ r: positive, alpha: positive, a: positive, b: positive })),
  spend: z.optional(z.strictObject({ p: positive, q: positive, gamma: positive })),
  defectRate: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
});

const DEFECTS: readonly SimulatedDefect[] = ['missing-id', 'invalid-timestamp', 'negative-amount', 'duplicate'];

/**
 * Simulates a transaction log from the BG/NBD purchase process (Fader, Hardie & Lee 2005) with
 * gamma-gamma spend (Fader & Hardie 2013):
 *
 * 1. customer `i` is acquired at a uniform instant in the first `acquisitionDays` days, which is
 *    their first purchase;
 * 2. they draw λᵢ ~ Gamma(r, α), pᵢ ~ Beta(a, b), νᵢ ~ Gamma(q, γ);
 * 3. while alive, purchases follow a Poisson process of rate λᵢ; after each repeat purchase they
 *    drop out with probability pᵢ (BG/NBD: no dropout before the first repeat purchase);
 * 4. each purchase's amount is Gamma(p, νᵢ), rounded to cents (at least 0.01).
 *
 * Deterministic for a given seed on every platform that runs V8 (see `createRandom`). Generation
 * order: per customer in id order, then sorted by time (ties by id).
 *
 * @example
 * ```ts
 * import { simulateTransactions, summarize } from 'clmkit';
 * const { transactions, customers } = simulateTransactions({ customers: 500, seed: 7 });
 * console.log(transactions[0]); // { customerId: 'C00022', timestamp: '2023-01-01T01:29:54Z', amount: 59.93 }
 * const summary = summarize(transactions, { unit: 'week' });
 * console.log(summary.size === customers.length); // true
 * ```
 */
export function simulateTransactions(options?: SimulateTransactionsOptions): SimulatedLog {
  const o = parseOptions(schema, options, 'simulateTransactions');
  const n = o.customers ?? 2000;
  const rng = createRandom(o.seed ?? 1);
  const startMs = Math.floor(endMsOrThrow(o.start ?? '2023-01-01', 'options.start', 'simulateTransactions') / MS_PER_DAY) * MS_PER_DAY;
  const acquisitionDays = o.acquisitionDays ?? 365;
  const days = o.days ?? 730;
  const { r, alpha, a, b } = o.purchase ?? { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };
  const spend = o.spend ?? { p: 6.25, q: 3.74, gamma: 15.44 };
  const width = Math.max(5, String(n).length);

  const rows: { id: string; t: number; cents: number }[] = [];
  const customers: SimulatedCustomer[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `C${String(i).padStart(width, '0')}`;
    const t0 = rng.next() * Math.min(acquisitionDays, days);
    const lambda = rng.gamma(r, 1 / alpha);
    const p = rng.beta(a, b);
    const nu = rng.gamma(spend.q, 1 / spend.gamma);
    const amount = (): number => Math.max(1, Math.round(rng.gamma(spend.p, 1 / nu) * 100));
    rows.push({ id, t: t0, cents: amount() });
    let t = t0;
    let alive = true;
    for (;;) {
      t += rng.exponential(lambda);
      if (t >= days) break;
      rows.push({ id, t, cents: amount() });
      if (rng.next() < p) {
        alive = false;
        break;
      }
    }
    customers.push({ customerId: id, acquired: startMs + Math.floor(t0 * 86400) * 1000, lambda, p, nu, aliveAtEnd: alive });
  }
  rows.sort((x, y) => x.t - y.t || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

  const rate = o.defectRate ?? 0;
  const transactions: TransactionRecord[] = [];
  const defects: { row: number; kind: SimulatedDefect }[] = [];
  for (const row of rows) {
    const rec: TransactionRecord = {
      customerId: row.id,
      timestamp: new Date(startMs + Math.floor(row.t * 86400) * 1000).toISOString().replace('.000Z', 'Z'),
      amount: row.cents / 100,
    };
    if (rate > 0 && rng.next() < rate) {
      const kind = DEFECTS[rng.int(DEFECTS.length)];
      if (kind === 'duplicate') {
        transactions.push(rec);
        defects.push({ row: transactions.length, kind });
        transactions.push({ ...rec });
        continue;
      }
      if (kind === 'missing-id') rec.customerId = '';
      else if (kind === 'invalid-timestamp') rec.timestamp = (rec.timestamp as string).slice(0, 8) + '31T25:00:00Z';
      else rec.amount = -(rec.amount ?? 0);
      defects.push({ row: transactions.length, kind });
    }
    transactions.push(rec);
  }
  return { transactions, customers, defects };
}
