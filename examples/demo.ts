/**
 * The main job end to end on the simulated log bundled with clmkit:
 * clean → summarize → cohorts, printed as tables.
 *
 *   npm run demo
 */
import { cleanTransactions, cohortTable, sampleTransactions, summarize, summaryRows } from 'clmkit';
import { formatNumber, formatTable, heading } from './lib/table.js';

const t0 = performance.now();
const log = sampleTransactions();
console.log(`clmkit demo: ${formatNumber(log.length)} transactions of a simulated shop, 2023-01-01 to 2024-12-31`);

// 1. Clean: remove what cannot be used, and say what was removed.
const { transactions, report } = cleanTransactions(log);
console.log(heading('1. Cleaning (cleanTransactions)'));
console.log(`  rows read ${formatNumber(report.inputRows)}, kept ${formatNumber(report.keptRows)}, removed ${formatNumber(report.inputRows - report.keptRows)}\n`);
console.log(
  formatTable(
    ['reason', 'rows', 'first rows', 'meaning'],
    report.removed.map((r) => [r.reason, r.count, r.rows.slice(0, 4).join(', ') + (r.count > 4 ? ', …' : ''), r.description]),
  ),
);

// 2. Summarize: per-customer frequency, recency, T and spend, in weeks.
const summary = summarize(transactions, { unit: 'week', observationEnd: '2024-12-31' });
console.log(heading(`2. Customer summary (summarize, unit: week, observation end ${summary.observationEnd.toISOString().slice(0, 10)})`));
let repeaters = 0;
let revenue = 0;
for (let i = 0; i < summary.size; i++) {
  if (summary.frequency[i] > 0) repeaters++;
  revenue += summary.totalSpend[i];
}
console.log(
  `  ${formatNumber(summary.size)} customers, ${formatNumber(repeaters)} repeat buyers (${((100 * repeaters) / summary.size).toFixed(1)}%), revenue ${formatNumber(revenue)}\n`,
);
const buckets = [
  ['0', 0, 0],
  ['1', 1, 1],
  ['2–3', 2, 3],
  ['4–7', 4, 7],
  ['8+', 8, Infinity],
] as const;
console.log(
  formatTable(
    ['repeat purchases (x)', 'customers', 'share', 'mean T (weeks)', 'mean spend/repeat'],
    buckets.map(([label, lo, hi]) => {
      let n = 0;
      let t = 0;
      let m = 0;
      for (let i = 0; i < summary.size; i++) {
        const x = summary.frequency[i];
        if (x >= lo && x <= hi) {
          n++;
          t += summary.T[i];
          m += summary.monetaryValue[i];
        }
      }
      return [label, n, `${((100 * n) / summary.size).toFixed(1)}%`, n ? t / n : 0, n ? m / n : 0];
    }),
  ),
);
console.log('\n  Top 10 customers by total spend:\n');
const top = summaryRows(summary)
  .sort((a, b) => b.totalSpend - a.totalSpend)
  .slice(0, 10);
console.log(
  formatTable(
    ['customer', 'x', 't_x (weeks)', 'T (weeks)', 'mean repeat spend', 'total spend', 'first purchase'],
    top.map((r) => [r.customerId, r.frequency, r.recency, r.T, r.monetaryValue, r.totalSpend, r.firstPurchase.toISOString().slice(0, 10)]),
  ),
);

// 3. Cohorts: who comes back, month by month after their first purchase.
const cohorts = cohortTable(transactions, { period: 'month', observationEnd: '2024-12-31' });
const shown = 13;
console.log(heading('3. Monthly acquisition cohorts (cohortTable): % of each cohort active, by months since first purchase'));
console.log(
  formatTable(
    ['cohort', 'size', ...Array.from({ length: shown }, (_, k) => `m${k}`)],
    cohorts.cohorts.map((label, i) => [
      label,
      cohorts.size[i],
      ...Array.from({ length: shown }, (_, k) => {
        const row = cohorts.retention[i];
        return k < row.length ? `${(100 * row[k]).toFixed(0)}%` : ''; // rows are ragged: no cell past the end
      }),
    ]),
  ),
);
console.log(`\n  (${cohorts.cohorts.length} cohorts; later offsets up to m${cohorts.retention[0].length - 1} are in cohortTable(...).retention)`);
console.log(`\nDone in ${(performance.now() - t0).toFixed(0)} ms.`);
