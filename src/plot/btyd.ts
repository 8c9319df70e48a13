/**
 * Charts of buy-till-you-die models: the frequency–recency heat map of expected purchases or
 * P(alive) (lifetimes' `plot_frequency_recency_matrix` and `plot_probability_alive_matrix`), and
 * actual vs predicted holdout purchases by calibration frequency (lifetimes'
 * `plot_calibration_purchases_vs_holdout_purchases`), with the table behind it.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../errors.js';
import type { BtydColumns } from '../models/btyd/common.js';
import { parseOptions, show } from '../validate.js';
import {
  OKABE_ITO,
  VEGA_LITE_SCHEMA,
  amountOf,
  plotOptionsShape,
  requireNonEmptyArray,
  requireObject,
  titleBlock,
  unitsLabel,
  type DataRow,
  type JsonObject,
  type PlotOptions,
  type VegaLiteSpec,
} from './spec.js';

// ---------------------------------------------------------------------------------------------
// frequencyRecencyHeatmap

/**
 * What {@link frequencyRecencyHeatmap} needs of a model: batch predictions on
 * `{ frequency, recency, T }` columns. Every fitted BG/NBD, MBG/NBD and Pareto/NBD model
 * (`fitBetaGeo`, `fitModifiedBetaGeo`, `fitParetoNbd`, or one built from parameters) has them.
 */
export interface FrequencyRecencyModel {
  /** The model's kind, e.g. `'BetaGeo'` (named in the subtitle when present). */
  readonly kind?: string;
  /** Time unit of recency, T and the horizon (named in titles when present). */
  readonly unit?: string;
  /** Expected purchases in the next `t` time units, per row of the columns. */
  conditionalExpectedPurchases(t: number, customers: BtydColumns): Float64Array;
  /** P(alive) per row of the columns. */
  probabilityAlive(customers: BtydColumns): Float64Array;
  /**
   * P(X(t) = n) for a new customer; when present it sets the default `maxFrequency` (the 99th
   * percentile of repeat purchases over T).
   */
  probabilityOfPurchases?(n: number, t: number): number;
}

/** Options of {@link frequencyRecencyHeatmap}. */
export interface FrequencyRecencyHeatmapOptions extends PlotOptions {
  /**
   * What the cells show: expected purchases in the next `horizon` time units, or the probability
   * that the customer is still alive.
   * @defaultValue 'expectedPurchases'
   */
  metric?: 'expectedPurchases' | 'probabilityAlive';
  /**
   * The customers' age T (time from their first purchase to the end of observation, in the
   * model's unit); recency runs from 0 to T. Required: fitted models do not keep their data, so
   * pass your calibration's largest T (lifetimes' choice) or a typical one.
   */
  T?: number;
  /**
   * Largest frequency (repeat purchases) on the grid.
   * @defaultValue the 99th percentile of a new customer's repeat purchases over T (from
   * `model.probabilityOfPurchases`, at least 1, at most 100); required when the model lacks it
   */
  maxFrequency?: number;
  /** Largest recency on the grid (≤ T). @defaultValue T */
  maxRecency?: number;
  /**
   * For `'expectedPurchases'`: the prediction window, in the model's unit.
   * @defaultValue 1
   */
  horizon?: number;
  /**
   * Number of recency columns, evenly spaced from 0 to `maxRecency` (2 to 400).
   * @defaultValue one per whole time unit up to 40: `min(40, ⌊maxRecency⌋ + 1)`, at least 2
   */
  cells?: number;
}

const heatmapSchema = z.strictObject({
  ...plotOptionsShape,
  metric: z.optional(z.enum(['expectedPurchases', 'probabilityAlive'])),
  T: z.optional(z.number().check(z.gt(0))),
  maxFrequency: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
  maxRecency: z.optional(z.number().check(z.gt(0))),
  horizon: z.optional(z.number().check(z.gt(0))),
  cells: z.optional(z.int().check(z.minimum(2), z.maximum(400))),
});

const HEATMAP_CONTEXT = 'frequencyRecencyHeatmap';

/** Smallest n with P(X(T) ≤ n) ≥ 0.99, within [1, 100]. */
function defaultMaxFrequency(model: FrequencyRecencyModel, T: number): number {
  if (typeof model.probabilityOfPurchases !== 'function') {
    throw new InvalidInputError(HEATMAP_CONTEXT, [
      {
        path: 'options.maxFrequency',
        message: 'expected the largest frequency to plot: this model has no probabilityOfPurchases to choose one from',
      },
    ]);
  }
  let cumulative = 0;
  for (let n = 0; n <= 100; n++) {
    const p = model.probabilityOfPurchases(n, T);
    if (Number.isFinite(p)) cumulative += p;
    if (cumulative >= 0.99) return Math.max(1, n);
  }
  return 100;
}

/**
 * A heat map of a BTYD model's predictions over a grid of customer histories: frequency x
 * (repeat purchases, 0 to `maxFrequency`, rows) by recency t_x (time of the last purchase, 0 to
 * `maxRecency`, columns), all observed for the same T — lifetimes'
 * `plot_frequency_recency_matrix` (`metric: 'expectedPurchases'`) and
 * `plot_probability_alive_matrix` (`metric: 'probabilityAlive'`). The best customers sit top
 * right (many purchases, the last one recent).
 *
 * Every cell's value comes from one batch call of the model's own method, so it equals
 * `model.conditionalExpectedPurchases(horizon, { frequency, recency, T })` (resp.
 * `model.probabilityAlive(…)`) for that cell. A customer with no repeat purchase has recency 0
 * by definition, so the frequency-0 row has a single cell (at recency 0). Cells where the model
 * gives no finite number are left blank and counted in the subtitle.
 *
 * `data.values` rows: `{ frequency, recency, T, value, recencyStart, recencyEnd, frequencyStart,
 * frequencyEnd }` (the `…Start`/`…End` fields are the cell's edges).
 *
 * @param model - a fitted {@link FrequencyRecencyModel} (BG/NBD, MBG/NBD, Pareto/NBD).
 * @param options - {@link FrequencyRecencyHeatmapOptions}; `T` is required.
 * @throws {@link InvalidInputError} when `T` is missing, `maxRecency` exceeds it, an option is
 * malformed, or the model lacks the batch methods.
 *
 * @example
 * ```ts
 * import { betaGeoModel } from 'clmkit';
 * import { frequencyRecencyHeatmap } from 'clmkit/plot';
 * // BG/NBD parameters of the CDNOW sample (Fader, Hardie & Lee 2005), in weeks.
 * const model = betaGeoModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
 * const spec = frequencyRecencyHeatmap(model, { T: 39, maxFrequency: 10, horizon: 4 });
 * const cell = spec.data.values.find((d) => d.frequency === 10 && d.recency === 39);
 * console.log(cell?.value === model.conditionalExpectedPurchases(4, { frequency: 10, recency: 39, T: 39 })); // true
 * const alive = frequencyRecencyHeatmap(model, { T: 39, metric: 'probabilityAlive' });
 * console.log(alive.data.values.length); // 481 — 12 frequencies (the default) × 40 recencies, and (0, 0)
 * ```
 */
export function frequencyRecencyHeatmap(model: FrequencyRecencyModel, options?: FrequencyRecencyHeatmapOptions): VegaLiteSpec {
  const m = requireObject(model, 'model', HEATMAP_CONTEXT, 'a fitted BTYD model (e.g. from fitBetaGeo)');
  for (const method of ['conditionalExpectedPurchases', 'probabilityAlive'] as const) {
    if (typeof m[method] !== 'function') {
      throw new InvalidInputError(HEATMAP_CONTEXT, [
        { path: `model.${method}`, message: `expected a fitted BTYD model with a batch ${method} method, got ${show(m[method])}` },
      ]);
    }
  }
  const opts = parseOptions(heatmapSchema, options, HEATMAP_CONTEXT);
  const T = opts.T;
  if (T === undefined) {
    throw new InvalidInputError(HEATMAP_CONTEXT, [
      {
        path: 'options.T',
        message: "expected the customers' age T in the model's unit (fitted models do not keep their data; pass e.g. the calibration summary's largest T), got nothing",
      },
    ]);
  }
  const maxRecency = opts.maxRecency ?? T;
  if (maxRecency > T) {
    throw new InvalidInputError(HEATMAP_CONTEXT, [{ path: 'options.maxRecency', message: `expected at most T (${T}): recency cannot exceed T, got ${maxRecency}` }]);
  }
  const metric = opts.metric ?? 'expectedPurchases';
  const horizon = opts.horizon ?? 1;
  const maxFrequency = opts.maxFrequency ?? defaultMaxFrequency(model, T);
  const cells = opts.cells ?? Math.max(2, Math.min(40, Math.floor(maxRecency) + 1));
  const step = maxRecency / (cells - 1);

  // Grid: frequency 0 only at recency 0, frequencies 1..maxFrequency at every recency.
  const size = 1 + maxFrequency * cells;
  const frequency = new Float64Array(size);
  const recency = new Float64Array(size);
  const Tcol = new Float64Array(size).fill(T);
  let k = 1;
  for (let f = 1; f <= maxFrequency; f++) {
    for (let j = 0; j < cells; j++) {
      frequency[k] = f;
      // The last column is exactly maxRecency (no rounding past T).
      recency[k] = j === cells - 1 ? maxRecency : j * step;
      k++;
    }
  }
  const unit = typeof model.unit === 'string' ? model.unit : undefined;
  const columns: BtydColumns = { frequency, recency, T: Tcol };
  const values = metric === 'expectedPurchases' ? model.conditionalExpectedPurchases(horizon, columns) : model.probabilityAlive(columns);
  if (values.length !== size) {
    throw new InvalidInputError(HEATMAP_CONTEXT, [{ path: 'model', message: `expected ${size} predictions from the model's batch method, got ${values.length}` }]);
  }
  const rows: DataRow[] = [];
  let blank = 0;
  for (let i = 0; i < size; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      blank++;
      continue;
    }
    const r = recency[i];
    const f = frequency[i];
    rows.push({
      frequency: f,
      recency: r,
      T,
      value: v,
      recencyStart: Math.max(0, r - step / 2),
      recencyEnd: Math.min(maxRecency, r + step / 2),
      frequencyStart: f - 0.5,
      frequencyEnd: f + 0.5,
    });
  }
  if (rows.length === 0) {
    throw new InvalidInputError(HEATMAP_CONTEXT, [{ path: 'model', message: 'expected finite predictions, got none on the whole grid (check the model parameters)' }]);
  }
  const isAlive = metric === 'probabilityAlive';
  const valueTitle = isAlive ? 'P(alive)' : `Expected purchases, next ${amountOf(horizon, unit)}`;
  const text = opts.title ?? (isAlive ? 'Probability that a customer is alive, by frequency and recency' : `Expected purchases in the next ${amountOf(horizon, unit)}, by frequency and recency`);
  const subtitle = [
    `${typeof model.kind === 'string' ? `${model.kind} model; c` : 'C'}ustomers observed for T = ${amountOf(T, unit)}`,
    blank > 0 ? `${blank} cell${blank === 1 ? '' : 's'} with no finite prediction left blank` : '',
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(text, subtitle),
    width: opts.width ?? 480,
    height: opts.height ?? 320,
    data: { values: rows },
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'recencyStart',
        type: 'quantitative',
        title: `Recency: time of the last purchase since the first (${unitsLabel(unit)})`,
        scale: { domain: [0, maxRecency], nice: false },
      },
      x2: { field: 'recencyEnd' },
      y: {
        field: 'frequencyStart',
        type: 'quantitative',
        title: 'Frequency (repeat purchases)',
        scale: { domain: [-0.5, maxFrequency + 0.5], nice: false },
        axis: { tickMinStep: 1, format: 'd' },
      },
      y2: { field: 'frequencyEnd' },
      color: {
        field: 'value',
        type: 'quantitative',
        title: valueTitle,
        scale: isAlive ? { scheme: 'viridis', domain: [0, 1] } : { scheme: 'viridis', zero: true },
        legend: isAlive ? { format: '.0%' } : { format: '.2~f' },
      },
      tooltip: [
        { field: 'frequency', type: 'quantitative', title: 'Frequency (repeat purchases)' },
        { field: 'recency', type: 'quantitative', title: `Recency (${unitsLabel(unit)})`, format: '.3~f' },
        { field: 'T', type: 'quantitative', title: `T (${unitsLabel(unit)})`, format: '.3~f' },
        { field: 'value', type: 'quantitative', title: valueTitle, format: isAlive ? '.1%' : '.3f' },
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// calibrationHoldoutTable / calibrationHoldoutPlot

/** One calibration-frequency bucket: mean holdout purchases, actual and predicted. */
export interface CalibrationHoldoutRow {
  /** The bucket: repeat purchases in the calibration period (`'7+'` for the last one). */
  frequency: string | number;
  /** Mean purchases per customer of the bucket in the holdout period. */
  actual: number;
  /** Mean predicted purchases per customer of the bucket over the holdout period. */
  predicted: number;
  /** Customers in the bucket. */
  customers?: number;
}

/**
 * What {@link calibrationHoldoutTable} reads of a `calibrationHoldoutSplit` result: the
 * calibration columns and the holdout purchases and length.
 */
export interface CalibrationHoldoutData {
  /** The calibration summary (a `CustomerSummary`, or columns). */
  readonly calibration: BtydColumns;
  /** Holdout purchases per calibration row and the holdout length, in the summary's unit. */
  readonly holdout: { readonly frequency: ArrayLike<number>; readonly duration: number };
}

/** Options of {@link calibrationHoldoutTable}. */
export interface CalibrationHoldoutTableOptions {
  /**
   * Frequencies from this one up share the last bucket (`'7+'`); 1 to 100.
   * @defaultValue 7
   */
  maxFrequency?: number;
}

const tableSchema = z.strictObject({ maxFrequency: z.optional(z.int().check(z.minimum(1), z.maximum(100))) });
const TABLE_CONTEXT = 'calibrationHoldoutTable';

/**
 * Mean actual and predicted holdout purchases per calibration-frequency bucket (0, 1, …,
 * `maxFrequency − 1`, then `'<maxFrequency>+'`), for {@link calibrationHoldoutPlot}: lifetimes'
 * `plot_calibration_purchases_vs_holdout_purchases` in two calls. The prediction of each
 * customer is `model.conditionalExpectedPurchases(holdout.duration, calibration)`; buckets with
 * no customer are left out.
 *
 * @param model - a model fitted on `split.calibration` (anything with a batch
 * `conditionalExpectedPurchases`).
 * @param split - the result of `calibrationHoldoutSplit` (or the same shape).
 * @param options - {@link CalibrationHoldoutTableOptions}.
 * @throws {@link InvalidInputError} for holdout purchases that are not finite and ≥ 0 (naming
 * the row), columns of different lengths, no customers, or a malformed option.
 *
 * @example
 * ```ts
 * import { calibrationHoldoutSplit, cleanTransactions, fitBetaGeo, sampleTransactions } from 'clmkit';
 * import { calibrationHoldoutPlot, calibrationHoldoutTable } from 'clmkit/plot';
 * const { transactions } = cleanTransactions(sampleTransactions());
 * const split = calibrationHoldoutSplit(transactions, { calibrationEnd: '2024-06-30', unit: 'week' });
 * const model = fitBetaGeo(split.calibration);
 * const rows = calibrationHoldoutTable(model, split);
 * console.log(rows.map((r) => r.frequency)); // [ '0', '1', '2', '3', '4', '5', '6', '7+' ]
 * const spec = calibrationHoldoutPlot(rows, { duration: split.holdout.duration, unit: 'week' });
 * ```
 */
export function calibrationHoldoutTable(
  model: Pick<FrequencyRecencyModel, 'conditionalExpectedPurchases'>,
  split: CalibrationHoldoutData,
  options?: CalibrationHoldoutTableOptions,
): CalibrationHoldoutRow[] {
  const m = requireObject(model, 'model', TABLE_CONTEXT, 'a fitted BTYD model (e.g. from fitBetaGeo)');
  if (typeof m['conditionalExpectedPurchases'] !== 'function') {
    throw new InvalidInputError(TABLE_CONTEXT, [
      { path: 'model.conditionalExpectedPurchases', message: `expected a fitted BTYD model's batch method, got ${show(m['conditionalExpectedPurchases'])}` },
    ]);
  }
  const s = requireObject(split, 'split', TABLE_CONTEXT, 'the result of calibrationHoldoutSplit');
  const cal = requireObject(s['calibration'], 'split.calibration', TABLE_CONTEXT, 'the calibration summary');
  const ho = requireObject(s['holdout'], 'split.holdout', TABLE_CONTEXT, 'the holdout summary');
  const opts = parseOptions(tableSchema, options, TABLE_CONTEXT);
  const maxF = opts.maxFrequency ?? 7;
  const duration = ho['duration'];
  if (typeof duration !== 'number' || !(duration > 0) || !Number.isFinite(duration)) {
    throw new InvalidInputError(TABLE_CONTEXT, [{ path: 'split.holdout.duration', message: `expected a positive holdout length, got ${show(duration)}` }]);
  }
  const calFreq = requireNonEmptyArray(cal['frequency'], 'split.calibration.frequency', TABLE_CONTEXT, 'numbers');
  const hoFreq = requireNonEmptyArray(ho['frequency'], 'split.holdout.frequency', TABLE_CONTEXT, 'numbers');
  const n = calFreq.length;
  if (hoFreq.length !== n) {
    throw new InvalidInputError(TABLE_CONTEXT, [
      { path: 'split.holdout.frequency', message: `expected ${n} values (one per calibration customer), got ${hoFreq.length}` },
    ]);
  }
  const issues = new IssueCollector();
  for (let i = 0; i < n; i++) {
    const h = hoFreq[i];
    if (typeof h !== 'number' || !(h >= 0) || !Number.isFinite(h)) issues.add('split.holdout.frequency', `expected a finite number ≥ 0, got ${show(h)}`, i);
  }
  issues.throwIfAny(TABLE_CONTEXT);
  // The model validates the calibration columns (integers, recency ≤ T, …) and names bad rows.
  const predicted = model.conditionalExpectedPurchases(duration, split.calibration);
  const count = new Float64Array(maxF + 1);
  const actualSum = new Float64Array(maxF + 1);
  const predictedSum = new Float64Array(maxF + 1);
  for (let i = 0; i < n; i++) {
    const b = Math.min(maxF, calFreq[i] as number);
    count[b]++;
    actualSum[b] += hoFreq[i] as number;
    predictedSum[b] += predicted[i];
  }
  const rows: CalibrationHoldoutRow[] = [];
  for (let b = 0; b <= maxF; b++) {
    if (count[b] === 0) continue;
    rows.push({
      frequency: b === maxF ? `${maxF}+` : String(b),
      actual: actualSum[b] / count[b],
      predicted: predictedSum[b] / count[b],
      customers: count[b],
    });
  }
  return rows;
}

/** Options of {@link calibrationHoldoutPlot}. */
export interface CalibrationHoldoutPlotOptions extends PlotOptions {
  /** Length of the holdout period, shown in the axis title with `unit`. */
  duration?: number;
  /** Time unit of `duration` (`'week'`). @defaultValue 'time unit' */
  unit?: string;
}

const holdoutPlotSchema = z.strictObject({
  ...plotOptionsShape,
  duration: z.optional(z.number().check(z.gt(0))),
  unit: z.optional(z.string().check(z.minLength(1))),
});
const PLOT_CONTEXT = 'calibrationHoldoutPlot';

/**
 * Actual vs model-predicted mean holdout purchases per calibration-frequency bucket: two lines
 * with points (lifetimes' `plot_calibration_purchases_vs_holdout_purchases`). A good model's
 * lines lie on top of each other. Build the rows with {@link calibrationHoldoutTable}, or pass
 * your own.
 *
 * `data.values` is long: two rows per bucket, `{ frequency, order, series: 'Actual' | 'Model',
 * purchases, customers }` (`customers` null when not given).
 *
 * @param rows - one row per bucket, in the order to plot.
 * @param options - {@link CalibrationHoldoutPlotOptions}.
 * @throws {@link InvalidInputError} for no rows, a bucket label given twice, or a mean that is
 * not a finite number ≥ 0 (naming the row).
 *
 * @example
 * ```ts
 * import { calibrationHoldoutPlot } from 'clmkit/plot';
 * const spec = calibrationHoldoutPlot(
 *   [
 *     { frequency: 0, actual: 0.24, predicted: 0.22, customers: 1411 },
 *     { frequency: 1, actual: 0.7, predicted: 0.68, customers: 439 },
 *     { frequency: '2+', actual: 1.9, predicted: 2.1, customers: 507 },
 *   ],
 *   { duration: 39, unit: 'week' },
 * );
 * console.log(spec.data.values.length); // 6
 * ```
 */
export function calibrationHoldoutPlot(rows: readonly CalibrationHoldoutRow[], options?: CalibrationHoldoutPlotOptions): VegaLiteSpec {
  const a = requireNonEmptyArray(rows, 'rows', PLOT_CONTEXT, 'rows { frequency, actual, predicted }');
  const opts = parseOptions(holdoutPlotSchema, options, PLOT_CONTEXT);
  const issues = new IssueCollector();
  const values: DataRow[] = [];
  const labels: string[] = [];
  const seen = new Set<string>();
  let withCustomers = false;
  for (let i = 0; i < a.length; i++) {
    const row = a[i];
    if (row === null || typeof row !== 'object') {
      issues.add('rows', `expected { frequency, actual, predicted }, got ${show(row)}`, i);
      continue;
    }
    const r = row as Record<string, unknown>;
    const f = r['frequency'];
    if (!(typeof f === 'string' || (typeof f === 'number' && Number.isFinite(f)))) {
      issues.add('frequency', `expected a bucket label (string or number), got ${show(f)}`, i);
      continue;
    }
    const label = String(f);
    if (seen.has(label)) issues.add('frequency', `expected each bucket once, got ${show(label)} again`, i);
    seen.add(label);
    for (const key of ['actual', 'predicted'] as const) {
      const v = r[key];
      if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) issues.add(key, `expected a mean number of purchases (finite, ≥ 0), got ${show(v)}`, i);
    }
    const c = r['customers'];
    if (c !== undefined && (typeof c !== 'number' || !(c >= 0) || !Number.isFinite(c))) issues.add('customers', `expected a count ≥ 0, got ${show(c)}`, i);
    if (c !== undefined) withCustomers = true;
    labels.push(label);
    const customers = typeof c === 'number' ? c : null;
    values.push({ frequency: label, order: i, series: 'Actual', purchases: r['actual'] as number, customers });
    values.push({ frequency: label, order: i, series: 'Model', purchases: r['predicted'] as number, customers });
  }
  issues.throwIfAny(PLOT_CONTEXT);
  const period = opts.duration === undefined ? 'the holdout period' : `the holdout period (${amountOf(opts.duration, opts.unit)})`;
  const tooltip: JsonObject[] = [
    { field: 'frequency', type: 'ordinal', title: 'Calibration repeat purchases' },
    { field: 'series', type: 'nominal', title: 'Series' },
    { field: 'purchases', type: 'quantitative', title: 'Mean holdout purchases', format: '.3f' },
  ];
  if (withCustomers) tooltip.push({ field: 'customers', type: 'quantitative', title: 'Customers', format: ',d' });
  const encoding = {
    x: { field: 'frequency', type: 'ordinal', sort: labels, title: 'Repeat purchases in the calibration period', axis: { labelAngle: 0 } },
    y: { field: 'purchases', type: 'quantitative', title: `Mean purchases per customer in ${period}` },
    color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['Actual', 'Model'], range: [OKABE_ITO[0], OKABE_ITO[1]] } },
    strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['Actual', 'Model'], range: [[1, 0], [6, 3]] } },
    tooltip,
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(opts.title ?? 'Actual vs predicted purchases in the holdout period', ['Customers grouped by their repeat purchases in the calibration period']),
    width: opts.width ?? 480,
    height: opts.height ?? 300,
    data: { values },
    mark: { type: 'line', point: true },
    encoding,
  };
}
