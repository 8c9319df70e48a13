/**
 * Lifecycle charts: the stage mix over time (stacked areas or bars) and the stage-to-stage
 * transition matrix as a heat map.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import {
  OKABE_ITO,
  VEGA_LITE_SCHEMA,
  plotOptionsShape,
  readLabels,
  readMatrix,
  requireNonEmptyArray,
  requireObject,
  titleBlock,
  type DataRow,
  type JsonObject,
  type PlotOptions,
  type VegaLiteSpec,
} from './spec.js';

// ---------------------------------------------------------------------------------------------
// stageMixOverTime

/**
 * What {@link stageMixOverTime} reads: stage names, snapshot instants and counts per snapshot
 * and stage. `StageCounts` from a lifecycle's `stageCounts` fits as is.
 */
export interface StageMixInput {
  /** The stages, in the order to stack them (bottom first). */
  readonly stages: readonly string[];
  /** Snapshot instants: Dates or ISO-8601 strings. */
  readonly at: readonly (Date | string)[];
  /** `counts[k][s]`: customers in `stages[s]` at snapshot `k`. */
  readonly counts: readonly (readonly number[])[];
}

/** Options of {@link stageMixOverTime}. */
export interface StageMixOverTimeOptions extends PlotOptions {
  /**
   * Plot each stage's share of the customers at the snapshot (stacks reach 100 %); `false`
   * plots counts.
   * @defaultValue true
   */
  normalize?: boolean;
  /**
   * Stacked areas over a time axis, or stacked bars (one per snapshot).
   * @defaultValue 'area' with two snapshots or more, 'bar' with one
   */
  mark?: 'area' | 'bar';
}

const mixSchema = z.strictObject({
  ...plotOptionsShape,
  normalize: z.optional(z.boolean()),
  mark: z.optional(z.enum(['area', 'bar'])),
});
const MIX_CONTEXT = 'stageMixOverTime';

/**
 * The lifecycle stage mix at each snapshot as stacked areas (or bars): how the customer base
 * moves between stages over time. By default each stage's share (stacks reach 100 %); with
 * `normalize: false`, customer counts. Stages stack in the order given, coloured with the
 * Okabe–Ito colour-blind-safe palette.
 *
 * `data.values` rows: `{ at, date, stage, order, count, share }` per snapshot and stage (`at`
 * the ISO instant, `date` its UTC day `YYYY-MM-DD`; `share` is 0 at a snapshot with no
 * customers).
 *
 * @param counts - a {@link StageMixInput} (e.g. `lifecycle.stageCounts(log)`).
 * @param options - {@link StageMixOverTimeOptions}.
 * @throws {@link InvalidInputError} for no stages or snapshots, a duplicate stage, an
 * unreadable instant, a row of the wrong length, or a count that is not finite and ≥ 0 (naming
 * the row).
 *
 * @example
 * ```ts
 * import { cleanTransactions, createLifecycle, sampleTransactions } from 'clmkit';
 * import { stageMixOverTime } from 'clmkit/plot';
 * const { transactions } = cleanTransactions(sampleTransactions());
 * const counts = createLifecycle().stageCounts(transactions, { every: 'month', from: '2024-01-01' });
 * const spec = stageMixOverTime(counts);
 * console.log(spec.data.values.length === counts.at.length * counts.stages.length); // true
 * ```
 */
export function stageMixOverTime(counts: StageMixInput, options?: StageMixOverTimeOptions): VegaLiteSpec {
  const c = requireObject(counts, 'counts', MIX_CONTEXT, 'stage counts { stages, at, counts }');
  const opts = parseOptions(mixSchema, options, MIX_CONTEXT);
  const stages = readLabels(c['stages'], 'stages', MIX_CONTEXT, true);
  const at = requireNonEmptyArray(c['at'], 'at', MIX_CONTEXT, 'snapshot instants');
  const issues = new IssueCollector();
  const instants: string[] = [];
  for (let k = 0; k < at.length; k++) {
    const v = at[k];
    const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isNaN(ms)) issues.add('at', `expected a Date or an ISO-8601 date string, got ${show(v)}`, k);
    else instants.push(new Date(ms).toISOString());
  }
  issues.throwIfAny(MIX_CONTEXT);
  const matrix = readMatrix(c['counts'], 'counts', MIX_CONTEXT, at.length, { ok: (x) => x >= 0 && Number.isFinite(x), expected: 'a customer count ≥ 0' }, stages.length);
  const normalize = opts.normalize ?? true;
  const markType = opts.mark ?? (instants.length === 1 ? 'bar' : 'area');
  const values: DataRow[] = [];
  for (let k = 0; k < instants.length; k++) {
    let total = 0;
    for (const v of matrix[k]) total += v;
    for (let s = 0; s < stages.length; s++) {
      const count = matrix[k][s];
      values.push({ at: instants[k], date: instants[k].slice(0, 10), stage: stages[s], order: s, count, share: total > 0 ? count / total : 0 });
    }
  }
  const yField = normalize ? 'share' : 'count';
  const x: JsonObject =
    markType === 'area'
      ? { field: 'at', type: 'temporal', timeUnit: 'utcyearmonthdate', title: 'Snapshot (UTC)', axis: { labelOverlap: true } }
      : { field: 'date', type: 'ordinal', title: 'Snapshot (UTC)', sort: null, axis: { labelAngle: -45, labelOverlap: true } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(opts.title ?? (normalize ? 'Lifecycle stage mix over time' : 'Customers by lifecycle stage over time'), [
      normalize ? 'Share of known customers in each stage at each snapshot' : 'Customers in each stage at each snapshot',
    ]),
    width: opts.width ?? 480,
    height: opts.height ?? 300,
    data: { values },
    mark: markType === 'area' ? { type: 'area', line: false } : { type: 'bar' },
    encoding: {
      x,
      y: {
        field: yField,
        type: 'quantitative',
        stack: 'zero',
        title: normalize ? 'Share of customers' : 'Customers',
        axis: normalize ? { format: '.0%' } : { format: ',d' },
        ...(normalize ? { scale: { domain: [0, 1] } } : {}),
      },
      color: { field: 'stage', type: 'nominal', title: 'Stage', scale: { domain: stages, range: OKABE_ITO }, sort: stages },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'date', type: 'nominal', title: 'Snapshot (UTC)' },
        { field: 'stage', type: 'nominal', title: 'Stage' },
        { field: 'count', type: 'quantitative', title: 'Customers', format: ',d' },
        { field: 'share', type: 'quantitative', title: 'Share', format: '.1%' },
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// transitionHeatmap

/**
 * What {@link transitionHeatmap} reads: stages and the row-stochastic probability matrix, and
 * optionally the counts behind it. A lifecycle's `StageTransitionMatrix` fits as is.
 */
export interface TransitionMatrixInput {
  /** The stages (rows: from, columns: to). */
  readonly stages: readonly string[];
  /** `probabilities[i][j]`: P(stage j at the next snapshot | stage i now), in [0, 1]. */
  readonly probabilities: readonly (readonly number[])[];
  /** `counts[i][j]`: customers observed moving from i to j (shown in tooltips when given). */
  readonly counts?: readonly (readonly number[])[];
  /** Number of snapshot pairs counted (named in the subtitle when given). */
  readonly periods?: number;
  /**
   * Whether any customer started a period in each stage; the rows of stages never observed are
   * greyed out and labelled `–` (their probabilities are a placeholder, not an estimate).
   * @defaultValue every stage observed
   */
  readonly observed?: readonly boolean[];
}

/** Options of {@link transitionHeatmap}. */
export type TransitionHeatmapOptions = PlotOptions;

const transitionSchema = z.strictObject({ ...plotOptionsShape });
const TRANSITION_CONTEXT = 'transitionHeatmap';

/**
 * The stage-to-stage transition matrix as a heat map: the stage at one snapshot on the rows,
 * the stage at the next on the columns, each cell coloured (viridis, 0 to 100 %) and labelled
 * with the transition probability. Rows sum to 100 %. Rows of stages no customer started a
 * period in (`observed[i]` false) are grey and labelled `–`.
 *
 * `data.values` rows: `{ from, to, probability, count, observed, label }` (`count` null without
 * `counts`; `label` the cell's text, the probability as a whole percentage or `–`).
 *
 * @param matrix - a {@link TransitionMatrixInput} (e.g. `lifecycle.transitionMatrix(log)`).
 * @param options - {@link TransitionHeatmapOptions}.
 * @throws {@link InvalidInputError} for no stages, a matrix that is not square, or a
 * probability outside [0, 1] (naming the row).
 *
 * @example
 * ```ts
 * import { transitionHeatmap } from 'clmkit/plot';
 * const spec = transitionHeatmap({
 *   stages: ['active', 'lapsing', 'churned'],
 *   probabilities: [
 *     [0.8, 0.15, 0.05],
 *     [0.3, 0.4, 0.3],
 *     [0.02, 0, 0.98],
 *   ],
 * });
 * console.log(spec.data.values[1]); // { from: 'active', to: 'lapsing', probability: 0.15, count: null, observed: true, label: '15%' }
 * ```
 */
export function transitionHeatmap(matrix: TransitionMatrixInput, options?: TransitionHeatmapOptions): VegaLiteSpec {
  const m = requireObject(matrix, 'matrix', TRANSITION_CONTEXT, 'a transition matrix { stages, probabilities }');
  const opts = parseOptions(transitionSchema, options, TRANSITION_CONTEXT);
  const stages = readLabels(m['stages'], 'stages', TRANSITION_CONTEXT, true);
  const S = stages.length;
  const p = readMatrix(m['probabilities'], 'probabilities', TRANSITION_CONTEXT, S, { ok: (x) => x >= 0 && x <= 1, expected: 'a probability in [0, 1]' }, S);
  const counts =
    m['counts'] === undefined ? null : readMatrix(m['counts'], 'counts', TRANSITION_CONTEXT, S, { ok: (x) => x >= 0 && Number.isFinite(x), expected: 'a count ≥ 0' }, S);
  const periods = m['periods'];
  if (periods !== undefined && (typeof periods !== 'number' || !(periods >= 0) || !Number.isInteger(periods))) {
    throw new InvalidInputError(TRANSITION_CONTEXT, [{ path: 'periods', message: `expected a whole number ≥ 0, got ${show(periods)}` }]);
  }
  const obs = m['observed'];
  if (obs !== undefined && !(Array.isArray(obs) && obs.length === S && obs.every((b) => typeof b === 'boolean'))) {
    throw new InvalidInputError(TRANSITION_CONTEXT, [{ path: 'observed', message: `expected ${S} booleans (one per stage), got ${show(obs)}` }]);
  }
  const observed = (i: number): boolean => obs === undefined || (obs as readonly boolean[])[i];
  const values: DataRow[] = [];
  let unobserved = 0;
  for (let i = 0; i < S; i++) {
    if (!observed(i)) unobserved++;
    for (let j = 0; j < S; j++) {
      const label = observed(i) ? `${Math.round(p[i][j] * 100)}%` : '–';
      values.push({ from: stages[i], to: stages[j], probability: p[i][j], count: counts === null ? null : counts[i][j], observed: observed(i), label });
    }
  }
  const x: JsonObject = { field: 'to', type: 'nominal', sort: stages, title: 'Stage at the next snapshot', axis: { labelAngle: -30 } };
  const y: JsonObject = { field: 'from', type: 'nominal', sort: stages, title: 'Stage at one snapshot' };
  const tooltip: JsonObject[] = [
    { field: 'from', type: 'nominal', title: 'From' },
    { field: 'to', type: 'nominal', title: 'To' },
    { field: 'probability', type: 'quantitative', title: 'Probability', format: '.1%' },
  ];
  if (counts !== null) tooltip.push({ field: 'count', type: 'quantitative', title: 'Customers', format: ',d' });
  const side = Math.max(160, Math.min(560, 56 * S));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(opts.title ?? 'Lifecycle stage transition probabilities', [
      typeof periods === 'number' ? `Per period, estimated over ${periods} consecutive snapshot pair${periods === 1 ? '' : 's'}; rows sum to 100%` : 'Per period; rows sum to 100%',
      unobserved > 0 ? `Grey rows (–): no customer was in that stage at the start of a period` : '',
    ]),
    width: opts.width ?? side,
    height: opts.height ?? side,
    data: { values },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: {
            condition: { test: '!datum.observed', value: '#dddddd' },
            field: 'probability',
            type: 'quantitative',
            title: 'Probability',
            scale: { scheme: 'viridis', domain: [0, 1] },
            legend: { format: '.0%' },
          },
          tooltip,
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          x,
          y,
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: '!datum.observed || datum.probability > 0.55', value: 'black' }, value: 'white' },
        },
      },
    ],
  };
}
