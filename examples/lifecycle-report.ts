/**
 * Lifecycle report on the bundled simulated log: the stage mix month by month, the estimated
 * stage-to-stage transition matrix (monthly, 2024), and a 3-month forecast of the mix.
 *
 * The sample is one acquisition cohort (its customers first bought in early 2023, as in CDNOW),
 * so nobody is `new` in 2024, and at a 30-day window most of them are `churned` at any month end.
 *
 * Run: npx tsx examples/lifecycle-report.ts
 */
import { cleanTransactions, createLifecycle, forecastStages, playbook, sampleTransactions } from 'clmkit';
import { formatNumber, formatTable, heading } from './lib/table.js';

const { transactions } = cleanTransactions(sampleTransactions());
// Default stages, 30-day window, loyalty reference = the population mean of purchase occasions and spend.
const lifecycle = createLifecycle();
const month = (d: Date): string => d.toISOString().slice(0, 7);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

// 1. Who is where at the end of the log.
const now = lifecycle.classify(transactions, { asOf: '2024-12-31' });
console.log(heading(`1. Stage mix on ${now.asOf.toISOString().slice(0, 10)} (classify)`));
console.log(
  `  reference: ${now.reference.frequency.toFixed(2)} purchase occasions, spend ${formatNumber(now.reference.spend)} (population means)\n`,
);
console.log(
  formatTable(
    ['stage', 'customers', 'share'],
    now.stages.map((s) => [s, now.counts[s], pct(now.counts[s] / now.customerId.length)]),
  ),
);

// 2. The mix over the last twelve months.
const counts = lifecycle.stageCounts(transactions, { every: 'month', from: '2024-01-01', to: '2024-12-31' });
console.log(heading('2. Stage mix at each month end (stageCounts)'));
console.log(formatTable(['month', ...counts.stages, 'customers'], counts.at.map((at, k) => [month(at), ...counts.counts[k], counts.population[k]])));

// 3. Monthly transition probabilities over 2024.
const matrix = lifecycle.transitionMatrix(transactions, { every: 'month', from: '2024-01-01', to: '2024-12-31' });
console.log(heading(`3. Monthly transition matrix, ${matrix.periods} month-to-month steps (transitionMatrix)`));
console.log('  row = stage at a month end, column = stage at the next; rows sum to 1\n');
console.log(
  formatTable(
    ['from \\ to', ...matrix.stages, 'customer-months'],
    matrix.stages.map((s, i) => [s, ...matrix.probabilities[i].map((p) => (matrix.observed[i] ? p.toFixed(3) : '—')), matrix.counts[i].reduce((a, b) => a + b, 0)]),
  ),
);

// 4. Forecast the next three months from the December mix.
const forecast = forecastStages(matrix, counts.counts[counts.counts.length - 1], 3);
console.log(heading('4. Forecast of the stage mix, next 3 months (forecastStages)'));
console.log(formatTable(['month', ...forecast.stages], forecast.mix.map((row, t) => [t === 0 ? 'Dec 2024 (observed)' : `+${t}`, ...row.map((v) => v.toFixed(1))])));

// 5. What to do about it: a playbook per stage.
const plan = playbook(now, {
  new: ['welcome series'],
  atRisk: ['personal check-in', 'small incentive'],
  churned: ['win-back offer'],
  reactivated: ['thank-you note'],
  loyal: ['early access'],
});
const actionCounts = new Map<string, number>();
for (const p of plan) for (const a of p.actions) actionCounts.set(a, (actionCounts.get(a) ?? 0) + 1);
console.log(heading('5. Suggested actions (playbook)'));
console.log(formatTable(['action', 'customers'], [...actionCounts]));
