/**
 * Charts of a binary score's ranking quality: the ROC curve with its AUC, and lift / cumulative
 * gains by score decile. The numbers come from `clmkit/metrics` (`rocCurve`, `rocAuc`,
 * `liftTable`), which validate the input.
 *
 * @module
 */
import * as z from 'zod/mini';
import { liftTable, rocAuc, rocCurve, type ClassLabel } from '../metrics/classification.js';
import { parseOptions } from '../validate.js';
import {
  OKABE_ITO,
  VEGA_LITE_SCHEMA,
  finiteOrNull,
  plotOptionsShape,
  titleBlock,
  type DataRow,
  type JsonObject,
  type PlotOptions,
  type VegaLiteSpec,
} from './spec.js';

const labelSchema = z.union([z.number(), z.string(), z.boolean()]);

// ---------------------------------------------------------------------------------------------
// rocCurvePlot

/** Options of {@link rocCurvePlot}. */
export interface RocCurvePlotOptions extends PlotOptions {
  /** The positive class (as the metrics' `positiveLabel`). @defaultValue 1 (or true) */
  positiveLabel?: ClassLabel;
}

const rocSchema = z.strictObject({ ...plotOptionsShape, positiveLabel: z.optional(labelSchema) });

/**
 * The ROC curve of a score (true positive rate against false positive rate as the threshold
 * falls), with the chance diagonal and the AUC in the title. The points are `rocCurve`'s
 * (sklearn's `roc_curve` with `drop_intermediate`), the AUC is `rocAuc`'s.
 *
 * `data.values` rows: `{ fpr, tpr, threshold }` (the first threshold, +∞, is null); the diagonal
 * layer has its own two-point data.
 *
 * @param yTrue - binary labels (e.g. did the customer buy again: 1/0).
 * @param scores - the score per row (higher = more likely positive).
 * @param options - {@link RocCurvePlotOptions}.
 * @throws {@link InvalidInputError} (from the metrics) for unequal lengths, a non-binary label
 * or a non-finite score; {@link NotEnoughDataError} when only one class is present.
 *
 * @example
 * ```ts
 * import { rocCurvePlot } from 'clmkit/plot';
 * const spec = rocCurvePlot([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * console.log(spec.title); // { text: 'ROC curve (AUC = 0.750)', subtitle: '2 positives, 2 negatives' }
 * console.log(spec.data.values.map((d) => d.tpr)); // [ 0, 0.5, 0.5, 1, 1 ]
 * ```
 */
export function rocCurvePlot(yTrue: ArrayLike<ClassLabel>, scores: ArrayLike<number>, options?: RocCurvePlotOptions): VegaLiteSpec {
  const opts = parseOptions(rocSchema, options, 'rocCurvePlot');
  const binary = opts.positiveLabel === undefined ? {} : { positiveLabel: opts.positiveLabel };
  const curve = rocCurve(yTrue, scores, binary);
  const auc = rocAuc(yTrue, scores, binary);
  // Class counts for the subtitle, from the metrics' own reading of the labels (one group).
  const lift = liftTable(yTrue, scores, { ...binary, groups: 1 });
  const total = lift[0].count;
  const positives = lift[0].positives;
  const values: DataRow[] = [];
  for (let i = 0; i < curve.fpr.length; i++) values.push({ fpr: curve.fpr[i], tpr: curve.tpr[i], threshold: finiteOrNull(curve.thresholds[i]) });
  const axis = (title: string): JsonObject => ({ field: '', type: 'quantitative', title, scale: { domain: [0, 1] }, axis: { format: '.0%' } });
  const side = 360;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(opts.title ?? `ROC curve (AUC = ${auc.toFixed(3)})`, [`${positives.toLocaleString('en-US')} positives, ${(total - positives).toLocaleString('en-US')} negatives`]),
    width: opts.width ?? side,
    height: opts.height ?? side,
    data: { values },
    layer: [
      {
        data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
        mark: { type: 'line', color: '#999999', strokeDash: [4, 4] },
        encoding: { x: { ...axis('False positive rate'), field: 'fpr' }, y: { ...axis('True positive rate'), field: 'tpr' } },
      },
      {
        mark: { type: 'line', color: OKABE_ITO[0], point: true },
        encoding: {
          x: { ...axis('False positive rate'), field: 'fpr' },
          y: { ...axis('True positive rate'), field: 'tpr' },
          tooltip: [
            { field: 'threshold', type: 'quantitative', title: 'Threshold (score ≥)', format: '.4~f' },
            { field: 'fpr', type: 'quantitative', title: 'False positive rate', format: '.1%' },
            { field: 'tpr', type: 'quantitative', title: 'True positive rate', format: '.1%' },
          ],
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// liftChart

/** Options of {@link liftChart}. */
export interface LiftChartOptions extends PlotOptions {
  /** The positive class (as the metrics' `positiveLabel`). @defaultValue 1 (or true) */
  positiveLabel?: ClassLabel;
  /** Number of score groups (10 = deciles), as `liftTable`'s `groups`. @defaultValue 10 */
  groups?: number;
  /**
   * `'lift'`: each decile's lift (bars) and the cumulative lift (line) against the baseline 1;
   * `'gains'`: the cumulative share of positives captured against the share of customers
   * targeted, with the diagonal of random targeting.
   * @defaultValue 'lift'
   */
  metric?: 'lift' | 'gains';
}

const liftSchema = z.strictObject({
  ...plotOptionsShape,
  positiveLabel: z.optional(labelSchema),
  groups: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
  metric: z.optional(z.enum(['lift', 'gains'])),
});

/**
 * Lift or cumulative gains by score decile, from `liftTable`: rank customers by score, cut them
 * into groups (deciles by default, highest scores first), and compare each group's positive rate
 * with the overall rate. `metric: 'lift'` shows each group's lift as bars, the cumulative lift
 * as a line, and the baseline 1 (random targeting) as a rule; `'gains'` shows the cumulative
 * share of positives captured against the share of customers targeted, with the diagonal.
 *
 * `data.values` rows (one per group): `{ group, count, positives, rate, lift, targeted,
 * cumulativeLift, cumulativeGain }` (`targeted` = cumulative share of customers;
 * `cumulativeLift` = cumulativeGain / targeted), plus for `'gains'` a first row at
 * `group: 0` with `targeted` and `cumulativeGain` 0.
 *
 * @param yTrue - binary labels.
 * @param scores - the score per row (higher = more likely positive).
 * @param options - {@link LiftChartOptions}.
 * @throws {@link InvalidInputError} (from the metrics) for unequal lengths, a non-binary label
 * or a non-finite score; {@link NotEnoughDataError} when no row is positive.
 *
 * @example
 * ```ts
 * import { liftChart } from 'clmkit/plot';
 * const y = [1, 1, 0, 1, 0, 0, 0, 1, 0, 0];
 * const score = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1];
 * const spec = liftChart(y, score, { groups: 5 });
 * console.log(spec.data.values.map((d) => d.lift)); // [ 2.5, 1.25, 0, 1.25, 0 ]
 * const gains = liftChart(y, score, { groups: 5, metric: 'gains' });
 * console.log(gains.data.values.map((d) => d.cumulativeGain)); // [ 0, 0.5, 0.75, 0.75, 1, 1 ]
 * ```
 */
export function liftChart(yTrue: ArrayLike<ClassLabel>, scores: ArrayLike<number>, options?: LiftChartOptions): VegaLiteSpec {
  const opts = parseOptions(liftSchema, options, 'liftChart');
  const table = liftTable(yTrue, scores, {
    groups: opts.groups ?? 10,
    ...(opts.positiveLabel === undefined ? {} : { positiveLabel: opts.positiveLabel }),
  });
  const metric = opts.metric ?? 'lift';
  let n = 0;
  for (const row of table) n += row.count;
  const values: DataRow[] = [];
  if (metric === 'gains') values.push({ group: 0, count: 0, positives: 0, rate: null, lift: null, targeted: 0, cumulativeLift: null, cumulativeGain: 0 });
  let seen = 0;
  for (const row of table) {
    seen += row.count;
    const targeted = seen / n;
    values.push({
      group: row.group,
      count: row.count,
      positives: row.positives,
      rate: row.rate,
      lift: row.lift,
      targeted,
      cumulativeLift: row.cumulativeGain / targeted,
      cumulativeGain: row.cumulativeGain,
    });
  }
  const G = table.length;
  const groupWord = G === 10 ? 'Decile' : G === 5 ? 'Quintile' : G === 4 ? 'Quartile' : 'Group';
  const common = {
    $schema: VEGA_LITE_SCHEMA,
    width: opts.width ?? 480,
    height: opts.height ?? 300,
    data: { values },
  };
  const tooltip: JsonObject[] = [
    { field: 'group', type: 'ordinal', title: `${groupWord} (1 = highest scores)` },
    { field: 'count', type: 'quantitative', title: 'Customers', format: ',d' },
    { field: 'positives', type: 'quantitative', title: 'Positives', format: ',d' },
    { field: 'rate', type: 'quantitative', title: 'Positive rate', format: '.1%' },
    { field: 'lift', type: 'quantitative', title: 'Lift', format: '.2f' },
    { field: 'cumulativeLift', type: 'quantitative', title: 'Cumulative lift', format: '.2f' },
    { field: 'cumulativeGain', type: 'quantitative', title: 'Positives captured', format: '.1%' },
  ];
  if (metric === 'gains') {
    const x: JsonObject = { field: 'targeted', type: 'quantitative', title: 'Customers targeted, highest scores first (share)', scale: { domain: [0, 1] }, axis: { format: '.0%' } };
    const y: JsonObject = { field: 'cumulativeGain', type: 'quantitative', title: 'Positives captured (cumulative share)', scale: { domain: [0, 1] }, axis: { format: '.0%' } };
    return {
      ...common,
      title: titleBlock(opts.title ?? 'Cumulative gains', [`By ${groupWord.toLowerCase()} of score; the diagonal is random targeting`]),
      layer: [
        {
          data: { values: [{ targeted: 0, cumulativeGain: 0 }, { targeted: 1, cumulativeGain: 1 }] },
          mark: { type: 'line', color: '#999999', strokeDash: [4, 4] },
          encoding: { x, y },
        },
        { mark: { type: 'line', color: OKABE_ITO[0], point: true }, encoding: { x, y, tooltip } },
      ],
    };
  }
  const x: JsonObject = { field: 'group', type: 'ordinal', title: `${groupWord} of score (1 = highest)`, axis: { labelAngle: 0 } };
  return {
    ...common,
    title: titleBlock(opts.title ?? `Lift by ${groupWord.toLowerCase()} of score`, [
      'Bars: each group’s positive rate ÷ the overall rate; line: cumulative lift',
      'Dashed: 1 = random targeting',
    ]),
    layer: [
      {
        mark: { type: 'bar', color: OKABE_ITO[4] },
        encoding: { x, y: { field: 'lift', type: 'quantitative', title: 'Lift (× overall positive rate)' }, tooltip },
      },
      {
        mark: { type: 'line', color: OKABE_ITO[1], point: { color: OKABE_ITO[1] } },
        encoding: { x, y: { field: 'cumulativeLift', type: 'quantitative' }, tooltip },
      },
      {
        data: { values: [{ baseline: 1 }] },
        mark: { type: 'rule', color: '#666666', strokeDash: [4, 4] },
        encoding: { y: { field: 'baseline', type: 'quantitative' } },
      },
    ],
  };
}
