/**
 * The `--html` report: one self-contained HTML document (inline CSS and SVG, no scripts, fonts,
 * images or network) with summary cards, the tables of the terminal output and the charts of
 * `clmkit/plot`, rendered to SVG at build time by vega's headless view.
 *
 * vega and vega-lite are optional dependencies loaded with a dynamic `import()` only here (vega has
 * a top-level await, so it must never be `require`d).
 *
 * @internal
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { ClmError } from '../errors.js';
import { DAYS_PER_UNIT } from '../data/time.js';
import { betaGeoModel } from '../models/btyd/betaGeo.js';
import {
  calibrationHoldoutPlot,
  clvDistribution,
  cohortRetentionHeatmap,
  frequencyRecencyHeatmap,
  liftChart,
  rocCurvePlot,
  segmentScatter,
  stageMixOverTime,
  transitionHeatmap,
  type FrequencyRecencyModel,
  type JsonObject,
  type JsonValue,
  type VegaLiteSpec,
} from '../plot/index.js';
import { CliError } from './errors.js';
import {
  STYLE,
  cards,
  escapeHtml,
  facts,
  figure,
  formatAmount,
  formatBytes,
  formatMs,
  formatNumber,
  formatParam,
  formatPercent,
  missingChart,
  raw,
  table,
  type Card,
  type Cell,
} from './report-html.js';
import type { AnalysisResult } from './types.js';

/** Options of {@link renderReport}. @internal */
export interface ReportOptions {
  /** The document's title and heading. @defaultValue `Customer analysis — <source name>` */
  readonly title?: string;
}

/** The message when vega or vega-lite cannot be loaded. @internal */
export const MISSING_VEGA_MESSAGE = '--html needs the optional dependencies vega and vega-lite; install them with: npm i vega@6.4 vega-lite@6.4.3';

/** The two modules the report renders charts with. @internal */
export interface VegaModules {
  readonly vegaLite: typeof import('vega-lite');
  readonly vega: typeof import('vega');
}

/** How {@link loadVega} imports each module (replaceable in tests). @internal */
export interface VegaImporters {
  readonly vegaLite: () => Promise<typeof import('vega-lite')>;
  readonly vega: () => Promise<typeof import('vega')>;
}

const DEFAULT_IMPORTERS: VegaImporters = {
  vegaLite: () => import('vega-lite'),
  vega: () => import('vega'),
};

/**
 * Loads vega-lite and vega with dynamic imports; throws a {@link CliError} (exit 1) naming the
 * install command when either is missing or fails to load (the cause is kept as the hint).
 * @internal
 */
export async function loadVega(importers: VegaImporters = DEFAULT_IMPORTERS): Promise<VegaModules> {
  try {
    const [vegaLite, vega] = await Promise.all([importers.vegaLite(), importers.vega()]);
    return { vegaLite, vega };
  } catch (error) {
    const cause = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new CliError(MISSING_VEGA_MESSAGE, 1, cause === '' ? undefined : `(${cause})`);
  }
}

// Helvetica's advance widths (per 1000 em) for ASCII 32–126, from its AFM metrics.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/** The part of a vega text item that sizes it. */
interface TextItem {
  readonly text?: unknown;
  readonly fontSize?: number;
  readonly fontWeight?: string | number;
}

/**
 * Text width in pixels from Helvetica's glyph widths, 10 % wider to allow for the sans-serif
 * the browser picks (DejaVu Sans, Arial), and 8 % more in bold. Without a canvas, vega guesses
 * 0.8 em per character, about 50 % too wide, which leaves charts with wide empty margins.
 * @internal
 */
export function estimateTextWidth(item: TextItem, text?: unknown): number {
  const value = text ?? item.text;
  if (Array.isArray(value)) return Math.max(0, ...value.map((line) => estimateTextWidth(item, line)));
  const str = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  let units = 0;
  for (const ch of str) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? HELVETICA[code - 32] : 600;
  }
  const w = item.fontWeight;
  const bold = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600);
  return (units / 1000) * (item.fontSize ?? 11) * 1.1 * (bold ? 1.08 : 1);
}

/** Chart names, in document order (each is a `data-chart` attribute when the chart is drawn). @internal */
export const CHART_NAMES = [
  'expected-purchases-heatmap',
  'probability-alive-heatmap',
  'calibration-holdout',
  'roc',
  'lift',
  'clv-distribution',
  'segment-scatter',
  'stage-mix',
  'transition-matrix',
  'cohort-retention',
] as const;

/** One chart's name. @internal */
export type ChartName = (typeof CHART_NAMES)[number];

/** Milliseconds spent building and rendering one chart (for the bench). @internal */
export interface ChartTiming {
  readonly chart: ChartName;
  readonly ms: number;
}

/** The report document and how long each chart took. @internal */
export interface RenderedReport {
  readonly html: string;
  readonly charts: readonly ChartTiming[];
}

/**
 * Gives every `id` in one SVG a prefix (and rewrites `url(#…)` and `href="#…"` references to
 * match), so that several vega SVGs inlined in one document never share a clip-path id.
 */
function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}${id}"`);
}

class ChartRenderer {
  readonly timings: ChartTiming[] = [];
  constructor(private readonly modules: VegaModules) {
    // vega's headless text measurement is a user-replaceable function (vl-convert replaces it too).
    (modules.vega as unknown as { textMetrics: { width: typeof estimateTextWidth } }).textMetrics.width = estimateTextWidth;
  }

  /** Compiles a Vega-Lite spec and renders it headless to an SVG string. */
  async svg(name: ChartName, spec: VegaLiteSpec): Promise<string> {
    const t0 = performance.now();
    const { vegaLite, vega } = this.modules;
    // The SVG is one role="img" with the figure's caption, so per-mark ARIA labels would only add
    // bytes (one label per heat-map cell or scatter point) that no screen reader reads.
    const compiled = vegaLite.compile(withConfig(spec, { aria: false }) as unknown as TopLevelSpec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      const svg = await view.toSVG();
      this.timings.push({ chart: name, ms: performance.now() - t0 });
      return prefixSvgIds(svg, `${name}-`).replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(name.replace(/-/g, ' '))} chart" `);
    } finally {
      view.finalize();
    }
  }

  /**
   * Builds the spec with `build` and renders it in a figure; when the library says the data cannot
   * make the chart (a {@link ClmError}, e.g. a single class for ROC), a note replaces it.
   */
  async figure(name: ChartName, build: () => VegaLiteSpec, caption: string): Promise<string> {
    let spec: VegaLiteSpec;
    try {
      spec = build();
    } catch (error) {
      if (error instanceof ClmError) return missingChart(name, `No ${name.replace(/-/g, ' ')} chart: ${error.message}`);
      throw error;
    }
    return figure(name, await this.svg(name, spec), caption);
  }
}

/** Merges Vega-Lite `config` into a spec (the spec's own encodings still take precedence). */
function withConfig(spec: VegaLiteSpec, config: Record<string, JsonValue>): VegaLiteSpec {
  const own = spec['config'];
  const merged: JsonObject = typeof own === 'object' && own !== null && !Array.isArray(own) ? { ...own, ...config } : config;
  return { ...spec, config: merged };
}

const MS_PER_DAY = 86_400_000;

function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / MS_PER_DAY;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n, 0)} ${n === 1 ? one : many}`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

/** Charts side by side, wrapping to one column on narrow screens. */
function grid(...items: string[]): string {
  return `<div class="grid">${items.filter((s) => s !== '').join('\n')}</div>`;
}

/** A table (at its natural width) with the chart that explains it beside it, or below when there is no room. */
function pair(...items: string[]): string {
  return `<div class="pair">${items.filter((s) => s !== '').join('\n')}</div>`;
}

function yesNo(ok: boolean, yes: string, no: string): Cell {
  return raw(`<span class="${ok ? 'ok' : 'warn'}">${escapeHtml(ok ? yes : no)}</span>`);
}

function summaryCards(result: AnalysisResult): string {
  const o = result.overview;
  const months = result.settings.horizon;
  const repeatRate = o.customers > 0 ? o.repeatCustomers / o.customers : null;
  const list: Card[] = [
    { name: 'customers', label: 'Customers', value: o.customers, text: formatNumber(o.customers, 0), note: `${formatNumber(o.transactions, 0)} transactions` },
    { name: 'revenue', label: 'Revenue', value: o.revenue, text: formatAmount(o.revenue), note: o.revenue === null ? 'no amount column' : `${o.firstDate} – ${o.lastDate}` },
    {
      name: 'repeat-rate',
      label: 'Repeat rate',
      value: repeatRate,
      text: formatPercent(repeatRate),
      note: `${formatNumber(o.repeatCustomers, 0)} bought more than once`,
    },
    {
      name: 'expected-purchases',
      label: `Expected purchases, next ${months} mo`,
      value: o.expectedPurchases,
      text: formatNumber(o.expectedPurchases, 0),
      note: 'BG/NBD forecast',
    },
    { name: 'total-clv', label: `Total CLV, next ${months} mo`, value: o.totalClv, text: formatAmount(o.totalClv), note: o.totalClv === null ? 'needs amounts' : 'discounted, BG/NBD × Gamma-Gamma' },
    { name: 'mean-p-alive', label: 'Mean P(alive)', value: o.meanProbabilityAlive, text: formatPercent(o.meanProbabilityAlive), note: 'share still active, on average' },
  ];
  return cards(list);
}

function cleaningSection(result: AnalysisResult): string {
  const c = result.cleaning;
  const cols = result.source.columns;
  const removed = c.removed.reduce((s, r) => s + r.count, 0);
  const parts: string[] = [];
  parts.push(
    facts([
      ['Rows read', formatNumber(c.rowsRead, 0)],
      ['Rows kept', formatNumber(c.kept, 0)],
      ['Rows removed', formatNumber(removed, 0)],
      ['Columns found', cols.available.join(', ')],
    ]),
  );
  const how = (d: boolean): string => (d ? 'auto-detected' : 'given by flag');
  const tables: string[] = [];
  tables.push(
    table(
      [{ header: 'Role' }, { header: 'Column' }, { header: 'Chosen' }],
      [
        ['customer', cols.customer, how(cols.detected.customer)],
        ['date', cols.date, how(cols.detected.date)],
        ['amount', cols.amount ?? '(none: spend and CLV skipped)', cols.amount === null ? '' : how(cols.detected.amount)],
      ],
      { name: 'columns', caption: 'Columns used' },
    ),
  );
  if (c.removed.length > 0) {
    tables.push(
      table(
        [{ header: 'Reason' }, { header: 'Description' }, { header: 'Rows', align: 'right', format: (v) => formatNumber(v, 0) }, { header: 'First lines' }],
        c.removed.map((r) => [r.reason, r.description, r.count, r.lines.join(', ')]),
        { name: 'cleaning', caption: 'Rows removed, by reason' },
      ),
    );
  } else {
    tables.push('<p class="note">No rows were removed.</p>');
  }
  if (c.badCells.length > 0) {
    tables.push(
      table(
        [{ header: 'Line', align: 'right', format: (v) => String(v) }, { header: 'Column' }, { header: 'Value' }, { header: 'Problem' }],
        c.badCells.map((b) => [b.line, b.column, raw(`<code>${escapeHtml(b.value)}</code>`), b.problem]),
        { name: 'bad-cells', caption: 'First unreadable cells' },
      ),
    );
  }
  parts.push(pair(...tables));
  return section('cleaning', 'Data and cleaning', parts.join('\n'));
}

function paramTable(name: string, params: Readonly<Record<string, number>>, caption: string): string {
  return table(
    [{ header: 'Parameter' }, { header: 'Estimate', align: 'right', format: formatParam }],
    Object.entries(params).map(([k, v]) => [k, v]),
    { name, caption },
  );
}

async function modelSection(result: AnalysisResult, charts: ChartRenderer): Promise<string> {
  const fit = result.bgnbd;
  const unit = fit.unit;
  const parts: string[] = [];
  const left: string[] = [
    '<h3>BG/NBD: how often customers buy, and when they stop</h3>',
    paramTable('bgnbd', fit.params, `Purchase rate ~ Gamma(r, α), dropout ~ Beta(a, b); time in ${unit}s`),
    facts([
      ['Log-likelihood', formatNumber(fit.logLikelihood, 2)],
      ['Converged', yesNo(fit.converged, 'yes', 'no: treat with caution')],
      ['Iterations', formatNumber(fit.iterations, 0)],
    ]),
  ];
  const gg = result.gammaGamma;
  const right: string[] = [];
  if (gg !== null) {
    right.push('<h3>Gamma-Gamma: how much customers spend</h3>');
    right.push(paramTable('gamma-gamma', gg.params, `Spend per purchase, fitted on ${plural(gg.customers, 'repeat customer')}`));
    right.push(
      facts([
        ['Log-likelihood', formatNumber(gg.logLikelihood, 2)],
        ['Converged', yesNo(gg.converged, 'yes', 'no: treat with caution')],
        ['Iterations', formatNumber(gg.iterations, 0)],
      ]),
    );
    if (gg.warnings.length > 0) right.push(`<ul class="note">${gg.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`);
  } else {
    right.push(`<p class="note">${result.overview.revenue === null ? 'No amount column: spend and CLV are not modelled.' : 'Too few repeat buyers to fit the Gamma-Gamma spend model: CLV is not computed.'}</p>`);
  }

  // The heat maps evaluate the fitted model over every (frequency, recency) up to the oldest customer's age.
  const fitted = betaGeoModel(fit.params);
  const model: FrequencyRecencyModel = {
    kind: 'BG/NBD',
    unit,
    conditionalExpectedPurchases: (t, customers) => fitted.conditionalExpectedPurchases(t, customers),
    probabilityAlive: (customers) => fitted.probabilityAlive(customers),
    probabilityOfPurchases: (n, t) => fitted.probabilityOfPurchases(n, t),
  };
  // (result.bgnbd is fitted on the whole period, so the oldest customer's age runs to the observation end.)
  const T = Math.max(1, daysBetween(result.overview.firstDate, result.overview.observationEnd) / DAYS_PER_UNIT[unit]);
  const horizon = (result.settings.horizon * DAYS_PER_UNIT.month) / DAYS_PER_UNIT[unit];
  const months = result.settings.horizon;
  const size = { width: 340, height: 260 };
  const heat1 = await charts.figure(
    'expected-purchases-heatmap',
    // Its legend title ("Expected purchases, next 52.18 weeks") is long: a horizontal legend below has room for it.
    () => withConfig(frequencyRecencyHeatmap(model, { metric: 'expectedPurchases', T, horizon, title: `Expected purchases, next ${months} months`, ...size }), { legend: { orient: 'bottom', direction: 'horizontal', gradientLength: 200, titleLimit: 300 } }),
    `Each cell is a customer aged ${formatNumber(T, 0)} ${unit}s with that many repeat purchases and that recency (age at the last purchase), coloured by the purchases the model expects in the next ${months} months: frequent, recent buyers (top right) are worth the most.`,
  );
  const heat2 = await charts.figure(
    'probability-alive-heatmap',
    () => frequencyRecencyHeatmap(model, { metric: 'probabilityAlive', T, title: 'Probability still active', ...size }),
    'The same grid coloured by the probability that the customer is still active: a customer who used to buy often but has not bought for a long time (top left) has most likely left.',
  );
  parts.push(
    `<p>The BG/NBD model learns from every customer's purchase history how often customers buy and how likely they are to stop; it then forecasts each customer's purchases and the chance that they are still active.</p>`,
  );
  parts.push(grid(heat1, heat2));
  parts.push(grid(`<div>${left.join('\n')}</div>`, `<div>${right.join('\n')}</div>`));
  return section('model', 'Customer-base model', parts.join('\n'));
}

async function holdoutSection(result: AnalysisResult, charts: ChartRenderer): Promise<string> {
  const h = result.holdout;
  if (h === null) return '';
  const unit = result.settings.unit;
  const parts: string[] = [];
  parts.push(
    `<p>The model was fitted on purchases up to <strong>${escapeHtml(h.calibrationEnd)}</strong> and asked to forecast the next ${formatNumber(h.duration, 1)} ${escapeHtml(unit)}s (to ${escapeHtml(h.holdoutEnd)}); these are its forecasts next to what happened.</p>`,
  );
  parts.push(
    facts([
      ['Customers', formatNumber(h.customers, 0)],
      ['Actual purchases', formatNumber(h.totalActual, 0)],
      ['Predicted purchases', formatNumber(h.totalPredicted, 1)],
      ['Error of the total', formatPercent(h.totalActual > 0 ? (h.totalPredicted - h.totalActual) / h.totalActual : null)],
      ['Mean absolute error per customer', formatNumber(h.mae, 3)],
      ['AUC (buys again?)', formatNumber(h.auc, 3)],
    ]),
  );
  const cf = h.calibrationFit;
  const calibrationFit =
    cf === undefined
      ? ''
      : paramTable('calibration-fit', cf.params, `BG/NBD refitted on the calibration period (log-likelihood ${formatNumber(cf.logLikelihood, 2)}${cf.converged ? '' : ', did not converge'})`);
  const bucketTable = table(
    [
      { header: 'Calibration purchases' },
      { header: 'Customers', align: 'right', format: (v) => formatNumber(v, 0) },
      { header: 'Actual', align: 'right' },
      { header: 'Predicted', align: 'right' },
    ],
    h.buckets.map((b) => [b.frequency, b.customers, b.actual, b.predicted]),
    { name: 'holdout', caption: `Mean holdout purchases per customer, by repeat purchases in the calibration period` },
  );
  const calib = await charts.figure(
    'calibration-holdout',
    () => calibrationHoldoutPlot(
        h.buckets.map((b) => ({ frequency: b.frequency, actual: b.actual, predicted: b.predicted, customers: b.customers })),
        { title: 'Holdout purchases: actual vs predicted', duration: h.duration, unit, width: 380, height: 320 },
      ),
    'For each number of repeat purchases in the calibration period, the mean purchases per customer in the holdout period, actual and predicted: the closer the two lines, the better the forecast.',
  );
  parts.push(pair(`<div>${bucketTable}\n${calibrationFit}</div>`, calib));
  const roc = await charts.figure(
    'roc',
    () => rocCurvePlot(h.boughtAgain, h.score, { title: 'Who buys again: ROC curve', width: 300, height: 300 }),
    `How well the model's P(at least one purchase) separates customers who bought in the holdout from those who did not: the further the curve bows above the diagonal, the better (AUC ${formatNumber(h.auc, 3)}; 0.5 is guessing).`,
  );
  const lift = await charts.figure(
    'lift',
    () => liftChart(h.boughtAgain, h.score, { title: 'Who buys again: lift', width: 300, height: 300 }),
    'Customers ranked by the model from most to least likely to buy and cut into ten equal groups: each bar is how many times the average rate its group bought again, the line the same for everyone up to that group (1 = no better than random).',
  );
  parts.push(grid(roc, lift));
  return section('holdout', 'Holdout validation', parts.join('\n'));
}

async function topCustomersSection(result: AnalysisResult, charts: ChartRenderer): Promise<string> {
  const unit = result.settings.unit;
  const months = result.settings.horizon;
  const hasClv = result.overview.totalClv !== null;
  const columns = [
    { header: 'Customer' },
    { header: 'Repeat purchases', align: 'right' as const, format: (v: number) => formatNumber(v, 0) },
    { header: `Recency (${unit}s)`, align: 'right' as const, format: (v: number) => formatNumber(v, 1) },
    { header: `Age T (${unit}s)`, align: 'right' as const, format: (v: number) => formatNumber(v, 1) },
    { header: 'Mean spend', align: 'right' as const, format: formatAmount },
    { header: 'P(alive)', align: 'right' as const, format: (v: number) => formatPercent(v) },
    { header: `Expected purchases (${months} mo)`, align: 'right' as const, format: (v: number) => formatNumber(v, 2) },
  ];
  if (hasClv) columns.push({ header: `CLV (${months} mo)`, align: 'right' as const, format: formatAmount });
  const rows = result.topCustomers.map((t) => {
    const row: Cell[] = [t.customerId, t.frequency, t.recency, t.T, hasClv ? t.monetaryValue : null, t.probabilityAlive, t.expectedPurchases];
    if (hasClv) row.push(t.clv);
    return row;
  });
  const parts = [
    table(columns, rows, {
      name: 'top-customers',
      caption: hasClv ? `The ${plural(rows.length, 'customer')} with the highest CLV over the next ${months} months` : `The ${plural(rows.length, 'customer')} with the most expected purchases over the next ${months} months`,
    }),
  ];
  if (hasClv && result.clvSample.length > 0) {
    const n = result.clvSample.length;
    const sampled = n < result.overview.customers ? ` (a sample of ${formatNumber(n, 0)})` : '';
    parts.push(
      await charts.figure(
        'clv-distribution',
        () => clvDistribution(result.clvSample, { title: `CLV per customer, next ${months} months`, logScale: true, width: 560, height: 240 }),
        `How many customers${sampled} fall in each band of lifetime value over the next ${months} months, with the mean and median marked; the value axis is logarithmic, so each step to the right is worth several times more: most customers are worth little and a few are worth a lot.`,
      ),
    );
  }
  return section('top', 'Top customers', parts.join('\n'));
}

async function rfmSection(result: AnalysisResult, charts: ChartRenderer): Promise<string> {
  const hasAmounts = result.overview.revenue !== null;
  const columns = [
    { header: 'Segment' },
    { header: 'Customers', align: 'right' as const, format: (v: number) => formatNumber(v, 0) },
    { header: 'Share', align: 'right' as const, format: (v: number) => formatPercent(v) },
    { header: 'Days since last purchase', align: 'right' as const, format: (v: number) => formatNumber(v, 0) },
    { header: 'Purchases', align: 'right' as const, format: (v: number) => formatNumber(v, 1) },
  ];
  if (hasAmounts) {
    columns.push({ header: 'Spend per purchase', align: 'right' as const, format: formatAmount });
    columns.push({ header: 'Revenue share', align: 'right' as const, format: (v: number) => formatPercent(v) });
  }
  const rows = result.rfm.segments.map((s) => {
    const row: Cell[] = [s.segment, s.customers, s.share, s.recencyDays, s.frequency];
    if (hasAmounts) row.push(s.monetary, s.revenueShare);
    return row;
  });
  const segTable = table(columns, rows, { name: 'rfm', caption: 'RFM segments (means over each segment)' });
  const pts = result.rfm.points;
  let scatter = '';
  if (pts.length > 0) {
    const sampled = pts.length < result.overview.customers ? `a sample of ${formatNumber(pts.length, 0)} customers` : 'every customer';
    scatter = await charts.figure(
      'segment-scatter',
      () => segmentScatter(pts, {
          x: 'recency',
          y: 'frequency',
          color: 'segment',
          logY: true,
          xTitle: 'Days since last purchase',
          yTitle: 'Purchases',
          colorTitle: 'RFM segment',
          title: 'Customers by recency and frequency',
          width: 420,
          height: 300,
        }),
      `Each dot is a customer (${sampled}), placed by days since the last purchase and number of purchases and coloured by RFM segment: the best customers sit top left.`,
    );
  }
  return section('rfm', 'RFM segments', pair(`<div>${segTable}</div>`, scatter));
}

async function lifecycleSection(result: AnalysisResult, charts: ChartRenderer): Promise<string> {
  const l = result.lifecycle;
  const total = l.counts.reduce((s, c) => s + c, 0);
  const parts: string[] = [];
  parts.push(
    table(
      [{ header: 'Stage' }, { header: 'Customers', align: 'right', format: (v) => formatNumber(v, 0) }, { header: 'Share', align: 'right', format: (v) => formatPercent(v) }],
      l.stages.map((s, i) => [s, l.counts[i] ?? 0, total > 0 ? (l.counts[i] ?? 0) / total : null]),
      { name: 'stages', caption: `Customers per lifecycle stage on ${l.asOf} (recent = bought within ${l.window} days)` },
    ),
  );
  let mix = '';
  if (l.mix.at.length > 0) {
    mix = await charts.figure(
      'stage-mix',
      () => stageMixOverTime({ stages: l.stages, at: l.mix.at, counts: l.mix.counts }, { title: 'Lifecycle stage mix over time', width: 420, height: 240 }),
      'The share of customers in each lifecycle stage at each monthly snapshot: a widening band of lapsing customers is the early sign of churn.',
    );
  }
  parts.push(pair(`<div>${parts.pop()!}</div>`, mix));
  const tr = l.transitions;
  // A stage no customer started a period in has no estimate (its row is a placeholder): shown as '–'.
  const observed = l.stages.map((_s, i) => (tr.counts[i] ?? []).some((c) => c > 0));
  const matrix = table(
    [{ header: 'From \\ to' }, ...l.stages.map((s) => ({ header: s, align: 'right' as const, format: (v: number) => formatPercent(v) }))],
    l.stages.map((s, i) => [s, ...l.stages.map((_t, j) => (observed[i] ? (tr.probabilities[i]?.[j] ?? null) : null))]),
    { name: 'transitions', caption: `Share of customers moving from the row's stage to the column's stage from one month to the next (${plural(tr.periods, 'period')} observed)` },
  );
  const heat = await charts.figure(
    'transition-matrix',
    () => transitionHeatmap({ stages: l.stages, probabilities: tr.probabilities, counts: tr.counts, periods: tr.periods, observed }, { title: 'Stage transitions, one month apart', width: 320, height: 280 }),
    "Each cell is the probability that a customer in the row's stage is in the column's stage a month later: the diagonal holds those who stay, the rest shows where customers go.",
  );
  parts.push('<h3>Transitions between stages</h3>');
  parts.push(pair(`<div>${matrix}</div>`, heat));
  return section('lifecycle', 'Lifecycle stages', parts.join('\n'));
}

async function cohortSection(result: AnalysisResult, charts: ChartRenderer): Promise<string> {
  const c = result.cohorts;
  if (c.cohorts.length === 0) return '';
  const fig = await charts.figure(
    'cohort-retention',
    () => cohortRetentionHeatmap({ cohorts: c.cohorts, size: c.size, retention: c.retention, period: 'month' }, { title: 'Retention by monthly acquisition cohort', width: 640, height: Math.min(420, 40 + 18 * c.cohorts.length) }),
    'Each row is the customers acquired in one month and each cell the share of them who bought in a later month: read across to see a cohort fade, down to see whether newer cohorts hold on better.',
  );
  return section('cohorts', 'Cohort retention', `<p>${plural(c.cohorts.length, 'monthly cohort')} of new customers.</p>\n${fig}`);
}

function timingsSection(result: AnalysisResult, chartMs: number, chartCount: number): string {
  const t = result.timings;
  const rows: Cell[][] = t.steps.map((s) => [s.step, s.ms]);
  rows.push(['total', t.totalMs]);
  const body = [
    table([{ header: 'Step' }, { header: 'Time', align: 'right', format: formatMs }], rows, { name: 'timings', caption: 'Wall-clock time per step of the analysis' }),
    `<p class="note">Peak memory (RSS): ${escapeHtml(formatBytes(t.peakRssBytes))}. This report's ${plural(chartCount, 'chart')} took ${escapeHtml(formatMs(chartMs))} to render.</p>`,
  ];
  return section('timings', 'Timings', body.join('\n'));
}

/** The analysis's notes (a fit that did not converge, why CLV is missing, …), or nothing. */
function notesBox(result: AnalysisResult): string {
  const notes = result.notes ?? [];
  if (notes.length === 0) return '';
  return `<aside class="notes" aria-label="Notes"><p class="notes-title">Good to know</p><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></aside>`;
}

function settingsFacts(result: AnalysisResult): string {
  const s = result.settings;
  return facts([
    ['Time unit', s.unit],
    ['Observation end', result.overview.observationEnd],
    ['Holdout from', s.holdout ?? 'none'],
    ['CLV horizon', `${s.horizon} months`],
    ['Discount rate', `${formatNumber(s.discountRate * 100, 2)} % per month`],
    ['Margin', formatPercent(s.margin, 0)],
    ['Seed', String(s.seed)],
  ]);
}

/**
 * Renders an analysis as one self-contained HTML document (inline CSS and SVG charts, no scripts,
 * no network): summary cards, then the model fit, holdout validation (when present), top
 * customers, RFM segments, lifecycle stages, cohorts, the cleaning report and timings, each chart
 * beside its table.
 * Every string from the data is HTML-escaped. Throws a `CliError` (exit 1) when the optional
 * dependencies vega / vega-lite are not installed.
 * @internal
 */
export async function renderReport(result: AnalysisResult, options: ReportOptions = {}): Promise<string> {
  return (await renderReportTimed(result, options)).html;
}

/** {@link renderReport}, also returning the time each chart took (the bench reads these). @internal */
export async function renderReportTimed(result: AnalysisResult, options: ReportOptions = {}): Promise<RenderedReport> {
  const modules = await loadVega();
  const charts = new ChartRenderer(modules);
  const title = options.title ?? `Customer analysis — ${result.source.name}`;
  const o = result.overview;
  const src = result.source;

  const sections = [
    await modelSection(result, charts),
    await holdoutSection(result, charts),
    await topCustomersSection(result, charts),
    await rfmSection(result, charts),
    await lifecycleSection(result, charts),
    await cohortSection(result, charts),
    cleaningSection(result),
  ].filter((s) => s !== '');
  const chartMs = charts.timings.reduce((s, t) => s + t.ms, 0);
  sections.push(timingsSection(result, chartMs, charts.timings.length));

  const toc = [
    ['model', 'Model'],
    ...(result.holdout === null ? [] : [['holdout', 'Holdout']]),
    ['top', 'Top customers'],
    ['rfm', 'Segments'],
    ['lifecycle', 'Lifecycle'],
    ...(result.cohorts.cohorts.length === 0 ? [] : [['cohorts', 'Cohorts']]),
    ['cleaning', 'Data'],
    ['timings', 'Timings'],
  ]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`)
    .join('');
  const origin = src.bytes > 0 ? `${escapeHtml(src.name)} (${escapeHtml(src.format)}, ${escapeHtml(formatBytes(src.bytes))})` : escapeHtml(src.name);
  const subtitle = `${origin} · ${escapeHtml(o.firstDate)} to ${escapeHtml(o.lastDate)} · ${formatNumber(o.customers, 0)} customers, ${formatNumber(o.transactions, 0)} transactions`;

  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="clmkit ${escapeHtml(result.version)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header class="top">
<h1>${escapeHtml(title)}</h1>
<p class="subtitle">${subtitle}</p>
<nav class="toc" aria-label="Sections">${toc}</nav>
</header>
${summaryCards(result)}
${notesBox(result)}
${settingsFacts(result)}
${sections.join('\n')}
<footer>Made by clmkit ${escapeHtml(result.version)} (<code>clmkit analyze --html</code>). This file is self-contained: it needs no network and no scripts, and prints as it shows.</footer>
</main>
</body>
</html>
`;
  return { html, charts: charts.timings };
}
