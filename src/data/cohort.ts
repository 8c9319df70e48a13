/**
 * Acquisition cohort tables: customers grouped by the period of their first purchase, followed
 * period by period.
 *
 * @module
 */
import * as z from 'zod/mini';
import { parseOptions } from '../validate.js';
import { parseLog, resolveFields, rowReader } from './input.js';
import { resolveObservationEnd, summarizeOptionsShape, type SummarizeOptions } from './summarize.js';
import { daysFromMonthIndex, MS_PER_DAY, periodScheme } from './time.js';
import type { TransactionInput } from './types.js';

/** Options of {@link cohortTable}. */
export interface CohortOptions extends Omit<SummarizeOptions, 'unit' | 'aggregation'> {
  /**
   * Cohort and offset period: calendar month, or ISO week (Monday to Sunday), in UTC.
   * @defaultValue `'month'`
   */
  period?: 'month' | 'week';
}

/**
 * Acquisition cohort × period offset table. Row `i` is the cohort acquired in period
 * `cohorts[i]`; column `k` is `k` periods after acquisition (offset 0 = the acquisition period).
 * Rows are ragged: a cohort has one column per period from its acquisition to the observation
 * end's period, so nothing unobserved is filled in.
 */
export interface CohortTable {
  readonly period: 'month' | 'week';
  /** Cohort labels: `'2024-03'` for months, ISO week `'2024-W09'` for weeks. */
  readonly cohorts: readonly string[];
  /** First day of each cohort's period (UTC midnight). */
  readonly cohortStart: readonly Date[];
  /** Customers acquired (first purchase) in each cohort's period. */
  readonly size: readonly number[];
  /** `activeCustomers[i][k]`: customers of cohort `i` with a purchase in offset period `k`. */
  readonly activeCustomers: readonly (readonly number[])[];
  /** `revenue[i][k]`: their total spend in that period (all 0 when there are no amounts). */
  readonly revenue: readonly (readonly number[])[];
  /** `retention[i][k] = activeCustomers[i][k] / size[i]` (1 at offset 0). */
  readonly retention: readonly (readonly number[])[];
  /** Records after the observation end, not counted. */
  readonly excludedAfterEnd: number;
}

const schema = z.strictObject({
  observationEnd: summarizeOptionsShape.observationEnd,
  fields: summarizeOptionsShape.fields,
  parseTimestamp: summarizeOptionsShape.parseTimestamp,
  period: z.optional(z.enum(['month', 'week'])),
});

/**
 * Builds the acquisition cohort table of active customers, revenue and retention share.
 * A customer's cohort is the period of their first transaction; the table covers every
 * period from the first cohort to the observation end's period (cohorts with no acquisitions
 * are left out).
 *
 * @throws {@link InvalidInputError} for malformed rows or options.
 *
 * @example
 * ```ts
 * import { cohortTable } from 'clmkit';
 * const t = cohortTable(
 *   [
 *     { customerId: 'a', timestamp: '2024-01-05', amount: 10 },
 *     { customerId: 'a', timestamp: '2024-02-07', amount: 20 },
 *     { customerId: 'b', timestamp: '2024-01-20', amount: 5 },
 *     { customerId: 'c', timestamp: '2024-02-02', amount: 8 },
 *   ],
 *   { period: 'month', observationEnd: '2024-02-29' },
 * );
 * console.log(t.cohorts, t.size, t.activeCustomers, t.retention);
 * // [ '2024-01', '2024-02' ] [ 2, 1 ] [ [ 2, 1 ], [ 1 ] ] [ [ 1, 0.5 ], [ 1 ] ]
 * ```
 */
export function cohortTable(transactions: TransactionInput, options?: CohortOptions): CohortTable {
  const opts = parseOptions(schema, options, 'cohortTable');
  const period = opts.period ?? 'month';
  const f = resolveFields(opts.fields);
  const parsed = parseLog(rowReader(transactions, f, 'cohortTable'), f, 'cohortTable', {
    strict: true,
    rejectNegative: false,
    parseTimestamp: opts.parseTimestamp,
  });
  const endMs = resolveObservationEnd(opts.observationEnd, parsed, 'cohortTable');
  // Period index: calendar month index, or ISO week number since the epoch's week.
  const scheme = period === 'month' ? periodScheme('month', 'month') : periodScheme('week', 'week');
  const toIndex = (ms: number): number => (period === 'month' ? scheme.key(ms) : (scheme.key(ms) + 3) / 7);
  const endIdx = toIndex(endMs);
  const { n, customer, ms, amount, status } = parsed;
  const C = parsed.customerKeys.length;

  // First period per customer.
  const first = new Float64Array(C).fill(Infinity);
  const idx = new Float64Array(n);
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    if (status[i] !== 0) continue;
    const p = toIndex(ms[i]);
    if (p > endIdx) {
      idx[i] = NaN;
      excluded++;
      continue;
    }
    idx[i] = p;
    const c = customer[i];
    if (p < first[c]) first[c] = p;
  }
  let minIdx = Infinity;
  for (let c = 0; c < C; c++) if (first[c] < minIdx) minIdx = first[c]!;
  if (minIdx === Infinity) {
    return { period, cohorts: [], cohortStart: [], size: [], activeCustomers: [], revenue: [], retention: [], excludedAfterEnd: excluded };
  }
  const P = endIdx - minIdx + 1; // periods from the first cohort to the end
  const size = new Float64Array(P);
  for (let c = 0; c < C; c++) if (first[c] !== Infinity) size[first[c] - minIdx]++;

  // Revenue per cell; active customers per cell from the distinct (customer, period) pairs,
  // found by sorting their keys (no per-row allocation, unsorted input welcome).
  const active = new Float64Array(P * P);
  const revenue = new Float64Array(P * P);
  const pairs = new Float64Array(n);
  let np = 0;
  for (let i = 0; i < n; i++) {
    const p = idx[i];
    if (status[i] !== 0 || p !== p) continue;
    const c = customer[i];
    if (amount !== null) revenue[(first[c] - minIdx) * P + (p - first[c])] += amount[i];
    pairs[np++] = c * P + (p - minIdx);
  }
  const sorted = pairs.subarray(0, np).sort();
  for (let j = 0; j < np; j++) {
    const key = sorted[j];
    if (j > 0 && key === sorted[j - 1]) continue;
    const c = Math.floor(key / P);
    const p = key - c * P + minIdx;
    active[(first[c] - minIdx) * P + (p - first[c])]++;
  }

  const cohorts: string[] = [];
  const cohortStart: Date[] = [];
  const sizes: number[] = [];
  const activeRows: number[][] = [];
  const revenueRows: number[][] = [];
  const retentionRows: number[][] = [];
  for (let k = 0; k < P; k++) {
    const s = size[k];
    if (s === 0) continue;
    const pIdx = minIdx + k;
    const startDay = period === 'month' ? daysFromMonthIndex(pIdx) : pIdx * 7 - 3;
    cohorts.push(period === 'month' ? monthLabel(pIdx) : isoWeekLabel(startDay));
    cohortStart.push(new Date(startDay * MS_PER_DAY));
    sizes.push(s);
    const width = P - k;
    const a = Array.from(active.subarray(k * P, k * P + width));
    activeRows.push(a);
    revenueRows.push(Array.from(revenue.subarray(k * P, k * P + width)));
    retentionRows.push(a.map((v) => v / s));
  }
  return {
    period,
    cohorts,
    cohortStart,
    size: sizes,
    activeCustomers: activeRows,
    revenue: revenueRows,
    retention: retentionRows,
    excludedAfterEnd: excluded,
  };
}

function monthLabel(monthIndex: number): string {
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** ISO-8601 week label of the week starting on Monday `mondayDay` (days since 1970-01-01). @internal */
export function isoWeekLabel(mondayDay: number): string {
  const thursday = new Date((mondayDay + 3) * MS_PER_DAY);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / MS_PER_DAY;
  const week = Math.floor((mondayDay + 3 - jan1) / 7) + 1;
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}
