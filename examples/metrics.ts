/**
 * Customer value and campaign metrics with clmkit/metrics: CLV by discounted cash flow,
 * retention vs churn vs growth, revenue retention of cohorts, an A/B test, and how well a churn
 * score ranks customers.
 *
 *   npx tsx examples/metrics.ts
 */
import {
  churnRate,
  cleanTransactions,
  clv,
  growthRate,
  liftTable,
  netCustomerValue,
  proportionTest,
  retentionRate,
  revenueRetention,
  rocAuc,
  sampleSize,
  sampleTransactions,
} from 'clmkit';

// 1. What is a customer worth? 1,000 a year for 5 years at 10%, cash at the end of each year,
//    with 30% margin and 80% yearly retention, minus what it cost to acquire them.
const value = clv({ amount: 1000, periods: 5, discountRate: 0.1, margin: 0.3, retention: 0.8 });
console.log('CLV', value.toFixed(2), 'net of a 250 CAC', netCustomerValue({ clv: value, acquisitionCost: 250 }).toFixed(2));

// 2. 1,000 customers at the start, 800 at the end, 0 acquired: retention is 80%, not −20%.
console.log('retention', retentionRate({ start: 1000, end: 800, acquired: 0 }), 'churn', churnRate({ start: 1000, lost: 200 }), 'growth', growthRate({ start: 1000, end: 800 }).toFixed(2));

// 3. Net and gross revenue retention of the bundled log's monthly cohorts, first transition.
const { transactions } = cleanTransactions(sampleTransactions());
const rr = revenueRetention(transactions, { period: 'month', observationEnd: '2024-12-31' });
for (let i = 0; i < 3; i++) {
  const fmt = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
  console.log(`cohort ${rr.cohorts[i]}: month 0 → 1 NRR ${fmt(rr.net[i][0])}, GRR ${fmt(rr.gross[i][0])}`);
}

// 4. Did the win-back e-mail work? 120 of 2,400 came back in control, 168 of 2,400 with the e-mail.
const ab = proportionTest({ successesA: 120, trialsA: 2400, successesB: 168, trialsB: 2400 });
console.log(`uplift ${(100 * ab.difference).toFixed(2)} pts, p = ${ab.pValue.toFixed(4)}, 95% CI [${ab.confidenceInterval.map((x) => (100 * x).toFixed(2)).join(', ')}] pts`);
console.log('customers per arm to detect +1 pt from 5%:', sampleSize({ baselineRate: 0.05, minimumDetectableEffect: 0.01 }).nA);

// 5. How well does a churn score rank? (Here: days since the last purchase as the score.)
// Customers seen by 2024-06-30; "churned" = no purchase in the second half of 2024.
const end = Date.parse('2024-06-30T23:59:59Z');
const lastBefore = new Map<string, number>();
const boughtLater = new Set<string>();
for (const t of transactions) {
  const at = Date.parse(String(t.timestamp));
  const id = String(t.customerId);
  if (at > end) boughtLater.add(id);
  else lastBefore.set(id, Math.max(at, lastBefore.get(id) ?? -Infinity));
}
const ids = [...lastBefore.keys()];
const churned = ids.map((id) => (boughtLater.has(id) ? 0 : 1));
const score = ids.map((id) => (end - (lastBefore.get(id) ?? end)) / 86_400_000);
console.log('churn AUC of recency', rocAuc(churned, score).toFixed(3));
console.log('top decile lift', liftTable(churned, score, { groups: 10 })[0].lift.toFixed(2));
