/**
 * `clmkit simulate`: a simulated transaction log written as CSV in constant memory.
 *
 * It draws the same process as the library's `simulateTransactions` (BG/NBD purchases with
 * gamma-gamma spend at CDNOW's published estimates), and for the same `customers` and `seed`
 * every customer's transactions are the same. Two differences make it scale to tens of
 * millions of rows: rows are written customer by customer (each customer's rows in time
 * order) instead of being sorted by time globally, and no damaged rows are injected.
 *
 * @internal
 * @module
 */
import { createRandom } from '../math/random.js';
import { MS_PER_DAY } from '../data/time.js';

/** Options of {@link simulateCsv}. @internal */
export interface SimulateCsvOptions {
  readonly customers: number;
  readonly seed: number;
  /** First day, ISO date (UTC). */
  readonly start: string;
  /** Customers are acquired uniformly over this many days. */
  readonly acquisitionDays: number;
  /** Length of the log in days. */
  readonly days: number;
}

// The defaults of `simulateTransactions` (CDNOW: Fader, Hardie & Lee 2005; Fader & Hardie 2013),
// rates per day.
const PURCHASE = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };
const SPEND = { p: 6.25, q: 3.74, gamma: 15.44 };

/**
 * Yields the CSV text (`customer_id,date,amount` header, then rows) in chunks of about 64 kB.
 * @internal
 */
export function* simulateCsv(o: SimulateCsvOptions): Generator<string, { rows: number }, undefined> {
  const rng = createRandom(o.seed);
  const startMs = Math.floor(Date.parse(`${o.start}T00:00:00Z`) / MS_PER_DAY) * MS_PER_DAY;
  const width = Math.max(5, String(o.customers).length);
  const { r, alpha, a, b } = PURCHASE;
  let out = 'customer_id,date,amount\n';
  let rows = 0;
  const times: number[] = [];
  const cents: number[] = [];
  for (let i = 1; i <= o.customers; i++) {
    const id = `C${String(i).padStart(width, '0')}`;
    // Same draw order as simulateTransactions: acquisition, λ, p, ν, then purchases.
    const t0 = rng.next() * Math.min(o.acquisitionDays, o.days);
    const lambda = rng.gamma(r, 1 / alpha);
    const p = rng.beta(a, b);
    const nu = rng.gamma(SPEND.q, 1 / SPEND.gamma);
    times.length = 0;
    cents.length = 0;
    times.push(t0);
    cents.push(Math.max(1, Math.round(rng.gamma(SPEND.p, 1 / nu) * 100)));
    let t = t0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t >= o.days) break;
      times.push(t);
      cents.push(Math.max(1, Math.round(rng.gamma(SPEND.p, 1 / nu) * 100)));
      if (rng.next() < p) break;
    }
    for (let k = 0; k < times.length; k++) {
      const stamp = new Date(startMs + Math.floor(times[k] * 86400) * 1000).toISOString().slice(0, 19);
      const c = cents[k];
      out += `${id},${stamp}Z,${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}\n`;
      rows++;
    }
    if (out.length > 65536) {
      yield out;
      out = '';
    }
  }
  if (out.length > 0) yield out;
  return { rows };
}
