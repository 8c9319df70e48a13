/**
 * The CDNOW reference summaries (../shared/datasets/cdnow, weeks; see ../shared/datasets/README.md
 * §1) as Float64Array columns, for every buy-till-you-die test. `null` when the dataset is absent:
 * tests `describe.skipIf(cdnow === null)` with {@link CDNOW_MISSING}.
 */
import { datasetPath, missingMessage, readSimpleCsv } from './datasets.js';

/** `cdnow_customers_summary.csv` (2,357 customers): ID, frequency, recency, T. */
export interface CdnowSummary {
  readonly id: string[];
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
}

/** `cdnow_customers_summary_with_transactions.csv`: the same plus zbar as `monetaryValue`. */
export interface CdnowSummaryWithSpend extends CdnowSummary {
  readonly monetaryValue: Float64Array;
}

const SUMMARY = 'cdnow/cdnow_customers_summary.csv';
const WITH_SPEND = 'cdnow/cdnow_customers_summary_with_transactions.csv';

/** Skip message when the CDNOW summary is missing. */
export const CDNOW_MISSING = missingMessage(SUMMARY);

let cache: CdnowSummary | null | undefined;
let cacheSpend: CdnowSummaryWithSpend | null | undefined;

/** The 2,357-customer CDNOW calibration summary (weeks), or null when the dataset is absent. */
export function loadCdnowSummary(): CdnowSummary | null {
  if (cache !== undefined) return cache;
  const p = datasetPath(SUMMARY);
  if (p === null) return (cache = null);
  const rows = readSimpleCsv(p);
  cache = {
    id: rows.map((r) => r['ID']),
    frequency: Float64Array.from(rows, (r) => Number(r['frequency'])),
    recency: Float64Array.from(rows, (r) => Number(r['recency'])),
    T: Float64Array.from(rows, (r) => Number(r['T'])),
  };
  return cache;
}

/** The summary with mean repeat spend (`zbar` → `monetaryValue`), or null when absent. */
export function loadCdnowSummaryWithSpend(): CdnowSummaryWithSpend | null {
  if (cacheSpend !== undefined) return cacheSpend;
  const p = datasetPath(WITH_SPEND);
  if (p === null) return (cacheSpend = null);
  const rows = readSimpleCsv(p);
  cacheSpend = {
    id: rows.map((r) => r['ID']),
    frequency: Float64Array.from(rows, (r) => Number(r['x'])),
    recency: Float64Array.from(rows, (r) => Number(r['t_x'])),
    T: Float64Array.from(rows, (r) => Number(r['T'])),
    monetaryValue: Float64Array.from(rows, (r) => Number(r['zbar'])),
  };
  return cacheSpend;
}

/** Skip message when the with-transactions summary is missing. */
export const CDNOW_SPEND_MISSING = missingMessage(WITH_SPEND);
