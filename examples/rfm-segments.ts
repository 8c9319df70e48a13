/**
 * RFM scores and named segments of the bundled sample log.
 *
 * Run: npx tsx examples/rfm-segments.ts
 */
import { cleanTransactions, RFM_SEGMENT_MAP, rfmScores, rfmSegments, sampleTransactions, summarize } from 'clmkit';
import { formatTable, heading } from './lib/table.js';

const { transactions, report } = cleanTransactions(sampleTransactions());
const summary = summarize(transactions, { unit: 'day' });
// R = whole days since the last purchase, F = purchase occasions, M = mean spend per occasion;
// scores 1..5 by quantile (pandas' qcut of rank(method='first')).
const scores = rfmScores(summary);
const segments = rfmSegments(scores);

interface Acc {
  customers: number;
  r: number;
  f: number;
  m: number;
}
const acc = new Map<string, Acc>(RFM_SEGMENT_MAP.map((s) => [s.name, { customers: 0, r: 0, f: 0, m: 0 }]));
segments.forEach((name, i) => {
  const a = acc.get(name)!;
  a.customers++;
  a.r += scores.recency[i];
  a.f += scores.frequency[i];
  a.m += scores.monetary[i];
});

const n = segments.length;
console.log(heading(`RFM segments of the sample log (${n} customers, ${report.keptRows} transactions kept)`));
console.log(
  formatTable(
    ['segment', 'customers', 'share', 'mean R (days)', 'mean F (occasions)', 'mean M (per occasion)'],
    [...acc].map(([name, a]) => [
      name,
      a.customers,
      `${((100 * a.customers) / n).toFixed(1)}%`,
      a.customers > 0 ? a.r / a.customers : '',
      a.customers > 0 ? a.f / a.customers : '',
      a.customers > 0 ? a.m / a.customers : '',
    ]),
  ),
);
console.log(`\nmost common RFM codes: ${topCodes(scores.code, 5)}`);

function topCodes(codes: readonly string[], k: number): string {
  const counts = new Map<string, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, k)
    .map(([c, x]) => `${c} (${x})`)
    .join(', ');
}
