/**
 * Split a log into a calibration period (to fit a model on) and a holdout period (to check its
 * predictions against), as in Fader, Hardie & Lee (2005).
 *
 *   npx tsx examples/calibration-holdout.ts
 */
import { calibrationHoldoutSplit, cleanTransactions, sampleTransactions } from 'clmkit';

const { transactions } = cleanTransactions(sampleTransactions());
const { calibration, holdout, newInHoldout } = calibrationHoldoutSplit(transactions, {
  calibrationEnd: '2024-06-30',
  observationEnd: '2024-12-31',
  unit: 'week',
});

// Actual repeat purchases in the holdout, by calibration frequency: the table a model's
// conditional expectations are compared with.
const byX = new Map<number, { customers: number; holdout: number }>();
for (let i = 0; i < calibration.size; i++) {
  const x = Math.min(calibration.frequency[i], 7);
  const row = byX.get(x) ?? { customers: 0, holdout: 0 };
  row.customers++;
  row.holdout += holdout.frequency[i];
  byX.set(x, row);
}
console.log(`calibration: ${calibration.size} customers; holdout: ${holdout.duration.toFixed(1)} weeks; ${newInHoldout} new in holdout`);
console.log('x (7 = 7+)  customers  mean holdout purchases');
for (const [x, r] of [...byX].sort((a, b) => a[0] - b[0])) {
  console.log(`${String(x).padStart(10)}  ${String(r.customers).padStart(9)}  ${(r.holdout / r.customers).toFixed(3).padStart(22)}`);
}
