/**
 * Survival curves of quarterly acquisition cohorts in the bundled sample log: how long do customers stay
 * active, and do the cohorts differ (Kaplan–Meier, log(−log) 95% bands, log-rank test)?
 *
 * A customer counts as lapsed ("the event") when they have not bought for 26 weeks before the end
 * of the log; their active lifetime is the time from the first to the last purchase. Customers
 * who bought in the last 26 weeks are still active: their lifetime so far is censored at the end
 * of the log. Customers acquired in the last 26 weeks are left out (they could not have lapsed).
 *
 * Run: npx tsx examples/survival-cohorts.ts
 */
import { cleanTransactions, kaplanMeier, sampleTransactions, summarize } from 'clmkit';
import { formatTable, heading } from './lib/table.js';

const LAPSE_WEEKS = 26;
const { transactions } = cleanTransactions(sampleTransactions());
const summary = summarize(transactions, { unit: 'week' });

const durations: number[] = [];
const lapsed: number[] = [];
const cohort: string[] = [];
for (let i = 0; i < summary.size; i++) {
  const T = summary.T[i];
  if (T < LAPSE_WEEKS) continue;
  const first = new Date(summary.firstPurchase[i]);
  const isLapsed = T - summary.recency[i] > LAPSE_WEEKS;
  durations.push(isLapsed ? summary.recency[i] : T);
  lapsed.push(isLapsed ? 1 : 0);
  cohort.push(`${first.getUTCFullYear()}-Q${Math.floor(first.getUTCMonth() / 3) + 1}`);
}

const km = kaplanMeier(durations, lapsed, { groups: cohort, confidence: 0.95 });
console.log(heading(`Active lifetime of ${km.n} customers (${km.totalEvents} lapsed, ${km.n - km.totalEvents} still active)`));
console.log('(one-time buyers who lapsed have a lifetime of 0 weeks: the curves drop at 0)\n');
const fmtMedian = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : 'not reached');
console.log(
  formatTable(
    ['cohort', 'customers', 'lapsed', 'median (weeks)', '95% interval', 'S(13 w)', 'S(26 w)', 'S(52 w)'],
    [km, ...km.groups].map((c) => [
      c.group === null ? 'all' : String(c.group),
      c.n,
      c.totalEvents,
      fmtMedian(c.median),
      `${fmtMedian(c.medianInterval[0])} – ${fmtMedian(c.medianInterval[1])}`,
      c.survivalAt(13).toFixed(3),
      c.survivalAt(26).toFixed(3),
      c.survivalAt(52).toFixed(3),
    ]),
  ),
);

console.log(heading('All customers: survival table every 13 weeks (Greenwood SE, log(−log) 95% band)'));
const rows: (string | number)[][] = [];
for (let t = 0; t <= 91; t += 13) {
  // last table row at or before t
  let k = -1;
  while (k + 1 < km.time.length && km.time[k + 1] <= t) k++;
  rows.push(
    k < 0
      ? [t, km.n, 0, '1.000', '0.000', '1.000 – 1.000']
      : [t, km.atRisk[k], km.events.subarray(0, k + 1).reduce((a, b) => a + b, 0), km.survival[k].toFixed(3), Math.sqrt(km.variance[k]).toFixed(3), `${km.lower[k].toFixed(3)} – ${km.upper[k].toFixed(3)}`],
  );
}
console.log(formatTable(['week', 'at risk', 'lapsed so far', 'survival', 'SE', '95% band'], rows));

const lr = km.logRank;
if (lr) {
  console.log(heading('Log-rank test: do the cohorts lapse at the same rate?'));
  console.log(
    formatTable(
      ['cohort', 'observed lapses', 'expected (equal hazards)'],
      lr.groups.map((g, j) => [String(g), lr.observed[j], lr.expected[j].toFixed(1)]),
    ),
  );
  console.log(`\nχ² = ${lr.statistic.toFixed(2)} on ${lr.degreesOfFreedom} df, p = ${lr.pValue.toPrecision(3)}`);
}
