/**
 * The distribution of customer lifetime values: a histogram binned in JavaScript, with the mean
 * and median marked.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../errors.js';
import { quantileSorted } from '../math/quantile.js';
import { parseOptions, show } from '../validate.js';
import {
  OKABE_ITO,
  VEGA_LITE_SCHEMA,
  formatNumber,
  plotOptionsShape,
  requireNonEmptyArray,
  titleBlock,
  type DataRow,
  type JsonObject,
  type PlotOptions,
  type VegaLiteSpec,
} from './spec.js';

/** Options of {@link clvDistribution}. */
export interface ClvDistributionOptions extends PlotOptions {
  /** Number of bins (1 to 500). @defaultValue 30 */
  bins?: number;
  /**
   * Bin and draw on a symmetric-log axis (Vega-Lite's `symlog` scale: `sign(v)·log(1 + |v|)`),
   * which spreads a long right tail and still shows zeros and negatives.
   * @defaultValue false
   */
  logScale?: boolean;
  /**
   * Clip the axis at this quantile of the values (e.g. 0.99): larger values are counted in the
   * last bin, and the title says so. In (0, 1].
   */
  clip?: number;
  /** Currency or unit of the values, for the axis title (`'USD'`). @defaultValue 'currency units' */
  unit?: string;
}

const schema = z.strictObject({
  ...plotOptionsShape,
  bins: z.optional(z.int().check(z.minimum(1), z.maximum(500))),
  logScale: z.optional(z.boolean()),
  clip: z.optional(z.number().check(z.gt(0), z.lte(1))),
  unit: z.optional(z.string().check(z.minLength(1))),
});
const CONTEXT = 'clvDistribution';

const symlog = (v: number): number => Math.sign(v) * Math.log1p(Math.abs(v));
const symexp = (t: number): number => Math.sign(t) * Math.expm1(Math.abs(t));

/**
 * A histogram of customer lifetime values (or any values: predicted spend, expected purchases),
 * with the mean and the median as vertical rules. The values are binned here, in JavaScript, into
 * `bins` equal-width bins from the smallest value to the largest (or to the `clip` quantile,
 * beyond which values go in the last bin); with `logScale`, the bins are equal-width on a
 * symmetric-log axis. The counts always sum to the number of finite values; NaN and ±Infinity
 * are left out and counted in the subtitle. The mean and median are of all finite values,
 * clipped or not (both are named in the subtitle; a rule beyond a clipped axis is not drawn).
 *
 * `data.values` rows: `{ binStart, binEnd, count, share }` (`share` = count / finite values);
 * the rules' layer has its own data `{ statistic: 'Mean' | 'Median', value }`.
 *
 * @param values - one value per customer.
 * @param options - {@link ClvDistributionOptions}.
 * @throws {@link InvalidInputError} for an empty input, an element that is not a number (naming
 * the row), no finite value at all, or a malformed option.
 *
 * @example
 * ```ts
 * import { clvDistribution } from 'clmkit/plot';
 * const clv = [0, 5, 12, 12, 30, 45, 80, 150, 900, NaN];
 * const spec = clvDistribution(clv, { bins: 5, unit: 'USD' });
 * console.log(spec.data.values.map((d) => d.count)); // [ 8, 0, 0, 0, 1 ]
 * console.log(spec.title); // { text: 'Distribution of customer lifetime value', subtitle: [ '9 customers; mean 137.1, median 30', '1 non-finite value left out' ] }
 * const clipped = clvDistribution(clv, { bins: 5, clip: 0.8 });
 * console.log(clipped.data.values.map((d) => d.count)); // [ 4, 1, 1, 1, 2 ]
 * ```
 */
export function clvDistribution(values: ArrayLike<number>, options?: ClvDistributionOptions): VegaLiteSpec {
  const a = requireNonEmptyArray(values, 'values', CONTEXT, 'numbers');
  const opts = parseOptions(schema, options, CONTEXT);
  const issues = new IssueCollector();
  const finite: number[] = [];
  let dropped = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number') issues.add('values', `expected a number, got ${show(v)}`, i);
    else if (Number.isFinite(v)) finite.push(v);
    else dropped++;
  }
  issues.throwIfAny(CONTEXT);
  const n = finite.length;
  if (n === 0) {
    throw new InvalidInputError(CONTEXT, [{ path: 'values', message: `expected at least one finite value, got ${a.length} NaN or infinite values (nothing to plot)` }]);
  }
  const sorted = Float64Array.from(finite).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  const median = quantileSorted(sorted, 0.5);
  const bins = opts.bins ?? 30;
  const log = opts.logScale ?? false;
  const fwd = log ? symlog : (v: number): number => v;
  const inv = log ? symexp : (t: number): number => t;
  const min = sorted[0];
  const max = opts.clip === undefined ? sorted[n - 1] : quantileSorted(sorted, opts.clip);
  const clipped = opts.clip !== undefined && max < sorted[n - 1];
  let lo = fwd(min);
  let hi = fwd(max);
  // (Divided before subtracting, so that ±1e308 do not overflow.)
  let width = hi / bins - lo / bins;
  if (!(width > 0)) {
    // All values equal (or a range too small for a bin width): one unit-wide range around them.
    lo -= 0.5;
    hi += 0.5;
    width = hi / bins - lo / bins;
  }
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(fwd(sorted[i]) / width - lo / width);
    // b ≥ 0 up to rounding; the largest values (and those past a clip) go in the last bin.
    counts[b > 0 ? Math.min(bins - 1, b) : 0]++;
  }
  const rows: DataRow[] = [];
  for (let b = 0; b < bins; b++) {
    const start = b === 0 ? inv(lo) : inv(lo + b * width);
    const end = b === bins - 1 ? inv(hi) : inv(lo + (b + 1) * width);
    rows.push({ binStart: start, binEnd: end, count: counts[b], share: counts[b] / n });
  }
  const unit = opts.unit ?? 'currency units';
  const valueTitle = `Customer lifetime value (${unit})`;
  const subtitle = [
    `${n.toLocaleString('en-US')} customer${n === 1 ? '' : 's'}; mean ${formatNumber(mean)}, median ${formatNumber(median)}`,
    clipped ? `Axis clipped at the ${formatNumber((opts.clip ?? 1) * 100)}th percentile (${formatNumber(max)}); larger values are counted in the last bin` : '',
    dropped > 0 ? `${dropped} non-finite value${dropped === 1 ? '' : 's'} left out` : '',
  ];
  const xScale: JsonObject = log ? { type: 'symlog' } : { zero: false };
  const x: JsonObject = { field: 'binStart', type: 'quantitative', title: valueTitle, scale: xScale };
  const ticks = log ? symlogTicks(inv(lo), inv(hi)) : undefined;
  if (ticks !== undefined) x['axis'] = { values: ticks, format: Math.max(Math.abs(inv(lo)), Math.abs(inv(hi))) >= 1e5 ? '~s' : ',~r' };
  const stats: DataRow[] = [
    { statistic: 'Mean', value: mean },
    { statistic: 'Median', value: median },
  ];
  // Rules past a clipped axis would be drawn outside the plot: keep only those inside.
  const visibleStats = stats.filter((s) => (s.value as number) <= inv(hi) && (s.value as number) >= inv(lo));
  const layer: JsonObject[] = [
    {
      mark: { type: 'rect', color: OKABE_ITO[4], stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x,
        x2: { field: 'binEnd' },
        y: { field: 'count', type: 'quantitative', title: 'Customers' },
        tooltip: [
          { field: 'binStart', type: 'quantitative', title: 'From', format: ',.2f' },
          { field: 'binEnd', type: 'quantitative', title: 'To', format: ',.2f' },
          { field: 'count', type: 'quantitative', title: 'Customers', format: ',d' },
          { field: 'share', type: 'quantitative', title: 'Share', format: '.1%' },
        ],
      },
    },
  ];
  if (visibleStats.length > 0) {
    layer.push({
      data: { values: visibleStats },
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        x: { field: 'value', type: 'quantitative' },
        color: { field: 'statistic', type: 'nominal', title: null, scale: { domain: ['Mean', 'Median'], range: [OKABE_ITO[5], OKABE_ITO[7]] } },
        strokeDash: { field: 'statistic', type: 'nominal', title: null, scale: { domain: ['Mean', 'Median'], range: [[6, 3], [2, 2]] } },
        tooltip: [
          { field: 'statistic', type: 'nominal', title: 'Statistic' },
          { field: 'value', type: 'quantitative', title: valueTitle, format: ',.2f' },
        ],
      },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(opts.title ?? 'Distribution of customer lifetime value', subtitle),
    width: opts.width ?? 480,
    height: opts.height ?? 280,
    data: { values: rows },
    layer,
  };
}

/**
 * Tick values for a symmetric-log axis over [min, max]: 0 and 1, 2, 5 × 10^k (only 1 × 10^k past
 * six decades), mirrored below 0. Vega's own symlog ticks bunch at the top of the range and leave
 * the low values, where most customers are, unlabelled. Undefined below a span of 10, where the
 * axis is nearly linear and Vega's ticks serve.
 * @internal
 */
export function symlogTicks(min: number, max: number): number[] | undefined {
  const span = Math.max(Math.abs(min), Math.abs(max));
  if (!(span >= 10) || !Number.isFinite(span)) return undefined;
  const top = Math.floor(Math.log10(span));
  const steps = top + 1 > 6 ? [1] : [1, 2, 5];
  const magnitudes: number[] = [];
  for (let k = 0; k <= top; k++) for (const m of steps) magnitudes.push(m * 10 ** k);
  const out: number[] = [];
  for (const v of magnitudes) if (-v >= min && -v <= max) out.push(-v);
  if (min <= 0 && max >= 0) out.push(0);
  for (const v of magnitudes) if (v >= min && v <= max) out.push(v);
  return out.sort((a, b) => a - b);
}
