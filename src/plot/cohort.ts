/**
 * The acquisition-cohort retention heat map.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import {
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

/**
 * What {@link cohortRetentionHeatmap} reads: cohort labels, sizes and retention rows (ragged: a
 * younger cohort has fewer periods). A `CohortTable` from `cohortTable` fits as is.
 */
export interface CohortRetentionInput {
  /** Cohort labels, oldest first (`'2024-03'`). */
  readonly cohorts: readonly string[];
  /** Customers acquired in each cohort. */
  readonly size: readonly number[];
  /** `retention[i][k]`: share of cohort i active k periods after acquisition, in [0, 1]. */
  readonly retention: readonly (readonly number[])[];
  /** The period of the offsets, for the axis title. @defaultValue 'period' */
  readonly period?: 'month' | 'week';
}

/** Options of {@link cohortRetentionHeatmap}. */
export interface CohortRetentionHeatmapOptions extends PlotOptions {
  /**
   * Write the percentage in each cell.
   * @defaultValue true when there are at most 400 cells
   */
  labels?: boolean;
}

const schema = z.strictObject({ ...plotOptionsShape, labels: z.optional(z.boolean()) });
const CONTEXT = 'cohortRetentionHeatmap';

/**
 * A heat map of retention by acquisition cohort (rows, oldest first, labelled with their size)
 * and periods since acquisition (columns): the share of the cohort that bought in that period,
 * as a percentage written in the cell. Colours run from 0 % to 100 % on viridis, so cohorts and
 * charts compare.
 *
 * `data.values` rows: `{ cohort, label, size, offset, retention }` (one per cell; `label` is
 * the y-axis text, `'2024-03 (n = 120)'`).
 *
 * @param table - a {@link CohortRetentionInput} (e.g. `cohortTable(...)`).
 * @param options - {@link CohortRetentionHeatmapOptions}.
 * @throws {@link InvalidInputError} for no cohorts, columns of different lengths, a duplicate
 * cohort label, a negative size, or a retention outside [0, 1] (naming the row).
 *
 * @example
 * ```ts
 * import { cleanTransactions, cohortTable, sampleTransactions } from 'clmkit';
 * import { cohortRetentionHeatmap } from 'clmkit/plot';
 * const { transactions } = cleanTransactions(sampleTransactions());
 * const table = cohortTable(transactions, { period: 'month' });
 * const spec = cohortRetentionHeatmap(table, { labels: false });
 * console.log(spec.data.values[0]); // { cohort: '2023-01', label: '2023-01 (n = 263)', size: 263, offset: 0, retention: 1 }
 * ```
 */
export function cohortRetentionHeatmap(table: CohortRetentionInput, options?: CohortRetentionHeatmapOptions): VegaLiteSpec {
  const t = requireObject(table, 'table', CONTEXT, 'a cohort table { cohorts, size, retention }');
  const opts = parseOptions(schema, options, CONTEXT);
  const cohorts = readLabels(t['cohorts'], 'cohorts', CONTEXT, true);
  const n = cohorts.length;
  const sizeArr = requireNonEmptyArray(t['size'], 'size', CONTEXT, 'cohort sizes');
  if (sizeArr.length !== n) {
    throw new InvalidInputError(CONTEXT, [{ path: 'size', message: `expected ${n} sizes (one per cohort), got ${sizeArr.length}` }]);
  }
  const issues = new IssueCollector();
  for (let i = 0; i < n; i++) {
    const s = sizeArr[i];
    if (typeof s !== 'number' || !(s >= 0) || !Number.isFinite(s)) issues.add('size', `expected a customer count ≥ 0, got ${show(s)}`, i);
  }
  issues.throwIfAny(CONTEXT);
  const retention = readMatrix(t['retention'], 'retention', CONTEXT, n, { ok: (x) => x >= 0 && x <= 1, expected: 'a share in [0, 1]' });
  const period = t['period'] === 'month' || t['period'] === 'week' ? t['period'] : undefined;
  const values: DataRow[] = [];
  const labels: string[] = [];
  let maxOffset = 0;
  for (let i = 0; i < n; i++) {
    const size = sizeArr[i] as number;
    const label = `${cohorts[i]} (n = ${size.toLocaleString('en-US')})`;
    labels.push(label);
    const row = retention[i];
    maxOffset = Math.max(maxOffset, row.length - 1);
    for (let k = 0; k < row.length; k++) values.push({ cohort: cohorts[i], label, size, offset: k, retention: row[k] });
  }
  if (values.length === 0) {
    throw new InvalidInputError(CONTEXT, [{ path: 'retention', message: 'expected at least one retention value, got only empty rows (nothing to plot)' }]);
  }
  const offsetTitle = period === undefined ? 'Periods since acquisition' : `${period === 'month' ? 'Months' : 'Weeks'} since acquisition`;
  const showLabels = opts.labels ?? values.length <= 400;
  const x: JsonObject = { field: 'offset', type: 'ordinal', title: offsetTitle, axis: { labelAngle: 0 } };
  const y: JsonObject = { field: 'label', type: 'ordinal', sort: labels, title: 'Acquisition cohort (customers)' };
  const rect: JsonObject = {
    mark: { type: 'rect' },
    encoding: {
      x,
      y,
      color: { field: 'retention', type: 'quantitative', title: 'Retention', scale: { scheme: 'viridis', domain: [0, 1] }, legend: { format: '.0%' } },
      tooltip: [
        { field: 'cohort', type: 'nominal', title: 'Cohort' },
        { field: 'size', type: 'quantitative', title: 'Customers acquired', format: ',d' },
        { field: 'offset', type: 'ordinal', title: offsetTitle },
        { field: 'retention', type: 'quantitative', title: 'Retention', format: '.1%' },
      ],
    },
  };
  const layer: JsonObject[] = [rect];
  if (showLabels) {
    layer.push({
      mark: { type: 'text', fontSize: 9 },
      encoding: {
        x,
        y,
        text: { field: 'retention', type: 'quantitative', format: '.0%' },
        // Dark text on the light (high) end of viridis, white on the dark end.
        color: { condition: { test: 'datum.retention > 0.55', value: 'black' }, value: 'white' },
      },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(opts.title ?? 'Retention by acquisition cohort', ['Share of each cohort that bought in each period after its first purchase']),
    width: opts.width ?? Math.max(240, Math.min(720, 28 * (maxOffset + 1))),
    height: opts.height ?? Math.max(160, Math.min(720, 20 * n)),
    data: { values },
    layer,
  };
}
