/**
 * Charts with clmkit/plot: fit BG/NBD on the bundled simulated log, then build Vega-Lite specs
 * (plain JSON) for the P(alive) heat map, the cohort retention heat map and the CLV distribution,
 * and render them to SVG files with vega in Node. In a notebook or a web page, hand the same
 * specs to vega-embed instead.
 *
 *   npx tsx examples/charts.ts [output directory]     (default: a temporary directory)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanTransactions, cohortTable, customerLifetimeValue, fitBetaGeo, fitGammaGamma, sampleTransactions, summarize } from 'clmkit';
import { clvDistribution, cohortRetentionHeatmap, frequencyRecencyHeatmap, type VegaLiteSpec } from 'clmkit/plot';
import type { TopLevelSpec } from 'vega-lite';

const { transactions } = cleanTransactions(sampleTransactions());
const summary = summarize(transactions, { unit: 'week', observationEnd: '2024-12-31' });
const bgnbd = fitBetaGeo(summary);
const spend = fitGammaGamma(summary);
const clv = customerLifetimeValue(bgnbd, spend, summary, { horizon: 12, unit: 'month', discountRate: 0.01 });

// Customers' age T for the heat map: the oldest customer's, in weeks.
const T = Math.max(...summary.T);
const charts: Record<string, VegaLiteSpec> = {
  'p-alive': frequencyRecencyHeatmap(bgnbd, { T, metric: 'probabilityAlive', maxFrequency: 20 }),
  cohorts: cohortRetentionHeatmap(cohortTable(transactions, { period: 'month', observationEnd: '2024-12-31' })),
  clv: clvDistribution(clv, { bins: 40, logScale: true, unit: 'currency' }),
};

// vega and vega-lite use top-level await: import them dynamically.
const vl = await import('vega-lite');
const vega = await import('vega');
const out = process.argv[2] ?? mkdtempSync(path.join(tmpdir(), 'clmkit-charts-'));
for (const [name, spec] of Object.entries(charts)) {
  const compiled = vl.compile(spec as unknown as TopLevelSpec).spec; // clmkit's plain JSON → vega-lite's type
  const svg = await new vega.View(vega.parse(compiled), { renderer: 'none' }).toSVG();
  writeFileSync(path.join(out, `${name}.vl.json`), JSON.stringify(spec, null, 2));
  writeFileSync(path.join(out, `${name}.svg`), svg);
  console.log(`${name}: ${spec.data.values.length} data rows → ${path.join(out, `${name}.svg`)} (${Math.round(svg.length / 1024)} kB)`);
}
