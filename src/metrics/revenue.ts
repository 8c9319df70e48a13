/**
 * Revenue retention of acquisition cohorts: net (NRR) and gross (GRR) revenue retention from one
 * period to the next, from a transaction log.
 *
 * @module
 */
import * as z from 'zod/mini';
import { isoWeekLabel } from '../data/cohort.js';
import { InvalidInputError } from '../errors.js';
import { parseLog, resolveFields, rowReader } from '../data/input.js';
import { resolveObservationEnd, summarizeOptionsShape, type SummarizeOptions } from '../data/summarize.js';
import { daysFromMonthIndex, MS_PER_DAY, periodScheme } from '../data/time.js';
import type { TransactionInput } from '../data/types.js';
import { parseOptions } from '../validate.js';

/** Options of {@link revenueRetention}. */
export interface RevenueRetentionOptions extends Omit<SummarizeOptions, 'unit' | 'aggregation'> {
  /**
   * Cohort and offset period: calendar month, or ISO week (Monday to Sunday), in UTC, as in
   * `cohortTable`.
   * @defaultValue `'month'`
   */
  period?: 'month' | 'week';
}

/**
 * Revenue retention per acquisition cohort. Row `i` is the cohort acquired (first purchase) in
 * period `cohorts[i]`; `revenue[i][k]` is its revenue `k` periods after acquisition, and
 * `net[i][k]`, `gross[i][k]` describe the transition from offset `k` to `k + 1`, so those rows
 * are one shorter than `revenue[i]` (empty for a cohort acquired in the observation end's period).
 *
 * A ratio is `null` where the cohort's revenue in period `k` is 0 (or negative, when refunds
 * exceed sales): there is nothing to retain, so the ratio is undefined. It is never `NaN`.
 */
export interface RevenueRetention {
  readonly period: 'month' | 'week';
  /** Cohort labels: `'2024-03'` for months, ISO week `'2024-W09'` for weeks. */
  readonly cohorts: readonly string[];
  /** First day of each cohort's period (UTC midnight). */
  readonly cohortStart: readonly Date[];
  /** Customers acquired in each cohort's period. */
  readonly size: readonly number[];
  /**
   * `revenue[i][k]`: the cohort's total amount in offset period `k` (refunds netted), one column
   * per period from acquisition to the observation end's period.
   */
  readonly revenue: readonly (readonly number[])[];
  /**
   * Net revenue retention `net[i][k] = revenue[i][k+1] / revenue[i][k]`: everything the cohort's
   * customers spend in the next period (expansion and returning customers included) over what
   * they spent in this one. `null` when `revenue[i][k] ≤ 0`.
   */
  readonly net: readonly (readonly (number | null)[])[];
  /**
   * Gross revenue retention `gross[i][k] = Σ_c min(rev_c(k+1), rev_c(k)) / revenue[i][k]` over the
   * cohort's customers `c`: each customer's next-period revenue capped at this period's, so
   * expansion and customers returning after a silent period do not count, and `gross ≤ 1` and
   * `gross ≤ net`. `null` when `revenue[i][k] ≤ 0`.
   */
  readonly gross: readonly (readonly (number | null)[])[];
  /** Records after the observation end, not counted. */
  readonly excludedAfterEnd: number;
}

const CONTEXT = 'revenueRetention';

const schema = z.strictObject({
  observationEnd: summarizeOptionsShape.observationEnd,
  fields: summarizeOptionsShape.fields,
  parseTimestamp: summarizeOptionsShape.parseTimestamp,
  period: z.optional(z.enum(['month', 'week'])),
});

/**
 * Net and gross revenue retention of each acquisition cohort, period over period: the
 * "Revenue_{t+1} / Revenue_t of the same customers" ratio, measured on cohorts so that new
 * customers never enter the numerator.
 *
 * Customers are grouped by the period of their first purchase (as `cohortTable` does, cohorts
 * with no acquisitions left out); each customer's amounts are summed per period (refunds, i.e.
 * negative amounts, netted within the period). For the transition from offset `k` to `k + 1`:
 *
 * - **NRR** = cohort revenue in `k + 1` ÷ cohort revenue in `k`;
 * - **GRR** = Σ over the cohort's customers of min(their revenue in `k + 1`, their revenue in
 *   `k`) ÷ cohort revenue in `k`, so growth of a customer's spend is not counted and GRR ≤ 1, GRR ≤ NRR.
 *
 * Both are `null` (not `NaN`) where the cohort's revenue in `k` is 0 or negative. Rows are
 * ragged up to the observation end's period: nothing unobserved is filled in, and a period
 * still in progress at the end is counted as it stands (end the observation at a period
 * boundary to compare whole periods).
 *
 * Every row is validated as in `summarize`, and the log must carry amounts. Runs in time linear
 * in rows plus the cohort × offset table (no sort).
 *
 * @param transactions - records (`{ customerId, timestamp, amount }`) or columns of equal length.
 * @param options - see {@link RevenueRetentionOptions}.
 * @throws {@link InvalidInputError} for malformed rows or options, or a log without amounts.
 * @throws {@link NotEnoughDataError} when there are no transactions and no `observationEnd`.
 *
 * @example
 * ```ts
 * import { revenueRetention } from 'clmkit';
 * const r = revenueRetention(
 *   [
 *     { customerId: 'a', timestamp: '2024-01-05', amount: 100 },
 *     { customerId: 'b', timestamp: '2024-01-20', amount: 50 },
 *     { customerId: 'a', timestamp: '2024-02-07', amount: 150 }, // a spends more
 *     { customerId: 'b', timestamp: '2024-02-11', amount: 20 }, // b spends less
 *   ],
 *   { period: 'month', observationEnd: '2024-02-29' },
 * );
 * console.log(r.cohorts, r.revenue); // [ '2024-01' ] [ [ 150, 170 ] ]
 * console.log(r.net[0][0]); // ≈ 1.1333 (170 / 150)
 * console.log(r.gross[0][0]); // 0.8 ((min(150, 100) + min(20, 50)) / 150)
 * ```
 */
export function revenueRetention(transactions: TransactionInput, options?: RevenueRetentionOptions): RevenueRetention {
  const opts = parseOptions(schema, options, CONTEXT);
  const period = opts.period ?? 'month';
  const f = resolveFields(opts.fields);
  const parsed = parseLog(rowReader(transactions, f, CONTEXT), f, CONTEXT, {
    strict: true,
    rejectNegative: false,
    parseTimestamp: opts.parseTimestamp,
  });
  const { n, customer, ms, amount } = parsed;
  if (amount === null && n > 0) {
    throw new InvalidInputError(`${CONTEXT}: the transactions carry no amounts`, [
      {
        path: f.amount,
        message: `revenue retention needs an amount on every row, and no row has a '${f.amount}'${opts.fields?.amount === undefined ? ' (name yours with options.fields.amount)' : ''}`,
      },
    ]);
  }
  const endMs = resolveObservationEnd(opts.observationEnd, parsed, CONTEXT);
  const empty: RevenueRetention = { period, cohorts: [], cohortStart: [], size: [], revenue: [], net: [], gross: [], excludedAfterEnd: 0 };
  if (amount === null) return empty;

  // Period index: calendar month index, or ISO week number since the epoch's week (as cohortTable).
  const scheme = periodScheme(period, period);
  const toIndex = (t: number): number => (period === 'month' ? scheme.key(t) : (scheme.key(t) + 3) / 7);
  const endIdx = toIndex(endMs);
  const C = parsed.customerKeys.length;

  // Pass 1: period per row (NaN = not counted), first period and row count per customer.
  const idx = new Float64Array(n);
  const first = new Float64Array(C).fill(Infinity);
  const start = new Int32Array(C + 1);
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    if (parsed.status[i] !== 0) {
      idx[i] = NaN;
      continue;
    }
    const p = toIndex(ms[i]);
    if (p > endIdx) {
      idx[i] = NaN;
      excluded++;
      continue;
    }
    idx[i] = p;
    const c = customer[i];
    if (p < first[c]) first[c] = p;
    start[c + 1]++;
  }
  let minIdx = Infinity;
  for (let c = 0; c < C; c++) if (first[c] < minIdx) minIdx = first[c]!;
  if (minIdx === Infinity) return { ...empty, excludedAfterEnd: excluded };
  const P = endIdx - minIdx + 1; // periods from the first cohort to the end

  // Pass 2: counting sort of the counted rows by customer.
  for (let c = 0; c < C; c++) start[c + 1] += start[c];
  const rows = new Int32Array(start[C]);
  const fill = start.slice(0, C);
  for (let i = 0; i < n; i++) if (idx[i] === idx[i]) rows[fill[customer[i]]++] = i;

  // Pass 3: per customer, amounts summed per offset period in a scratch row (cells stamped with
  // the customer, so nothing is cleared), then added to the cohort's revenue and capped-revenue
  // cells. Every cell receives customers in the same order, so with s_c ≤ t_c for every customer
  // the rounded sums keep Σ s ≤ Σ t: gross ≤ 1 and gross ≤ net hold exactly.
  const size = new Float64Array(P);
  const revenue = new Float64Array(P * P);
  const capped = new Float64Array(P * P); // Σ_c min(rev_c(k+1), rev_c(k)) per cohort and k
  const sums = new Float64Array(P);
  const stamp = new Int32Array(P).fill(-1);
  const touched = new Int32Array(P);
  for (let c = 0; c < C; c++) {
    if (start[c + 1] === start[c]) continue;
    const fc = first[c];
    const cell0 = (fc - minIdx) * P;
    const width = endIdx - fc + 1;
    size[fc - minIdx]++;
    let nt = 0;
    for (let j = start[c]; j < start[c + 1]; j++) {
      const i = rows[j];
      const k = idx[i] - fc;
      if (stamp[k] !== c) {
        stamp[k] = c;
        sums[k] = 0;
        touched[nt++] = k;
      }
      sums[k] += amount[i];
    }
    for (let q = 0; q < nt; q++) {
      const k = touched[q];
      const here = sums[k];
      revenue[cell0 + k] += here;
      // Transition k → k+1 (the next period may be silent: 0).
      if (k + 1 < width) capped[cell0 + k] += Math.min(stamp[k + 1] === c ? sums[k + 1] : 0, here);
      // Transition k−1 → k from a silent period k−1 (a touched k−1 handles it itself).
      if (k > 0 && stamp[k - 1] !== c) capped[cell0 + k - 1] += Math.min(here, 0);
    }
  }

  const cohorts: string[] = [];
  const cohortStart: Date[] = [];
  const sizes: number[] = [];
  const revenueRows: number[][] = [];
  const netRows: (number | null)[][] = [];
  const grossRows: (number | null)[][] = [];
  for (let r = 0; r < P; r++) {
    if (size[r] === 0) continue;
    const pIdx = minIdx + r;
    const startDay = period === 'month' ? daysFromMonthIndex(pIdx) : pIdx * 7 - 3;
    cohorts.push(period === 'month' ? monthLabel(pIdx) : isoWeekLabel(startDay));
    cohortStart.push(new Date(startDay * MS_PER_DAY));
    sizes.push(size[r]);
    const width = P - r;
    const cell0 = r * P;
    revenueRows.push(Array.from(revenue.subarray(cell0, cell0 + width)));
    const net: (number | null)[] = [];
    const gross: (number | null)[] = [];
    for (let k = 0; k + 1 < width; k++) {
      const base = revenue[cell0 + k];
      net.push(base > 0 ? revenue[cell0 + k + 1] / base : null);
      gross.push(base > 0 ? capped[cell0 + k] / base : null);
    }
    netRows.push(net);
    grossRows.push(gross);
  }
  return {
    period,
    cohorts,
    cohortStart,
    size: sizes,
    revenue: revenueRows,
    net: netRows,
    gross: grossRows,
    excludedAfterEnd: excluded,
  };
}

function monthLabel(monthIndex: number): string {
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}
