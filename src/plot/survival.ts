/**
 * Kaplan–Meier survival curves as step lines with their confidence bands.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../errors.js';
import type { KaplanMeierCurve, KaplanMeierResult } from '../models/survival/kaplanMeier.js';
import { parseOptions, show } from '../validate.js';
import {
  OKABE_ITO,
  VEGA_LITE_SCHEMA,
  formatNumber,
  plotOptionsShape,
  requireObject,
  titleBlock,
  unitsLabel,
  type DataRow,
  type JsonObject,
  type PlotOptions,
  type VegaLiteSpec,
} from './spec.js';

/** Options of {@link survivalCurve}. */
export interface SurvivalCurveOptions extends PlotOptions {
  /** Time unit of the durations, for the axis title (`'month'`). @defaultValue 'time unit' */
  unit?: string;
  /** Draw the confidence band. @defaultValue true */
  band?: boolean;
}

const schema = z.strictObject({
  ...plotOptionsShape,
  unit: z.optional(z.string().check(z.minLength(1))),
  band: z.optional(z.boolean()),
});
const CONTEXT = 'survivalCurve';
const COLUMNS = ['time', 'atRisk', 'survival', 'lower', 'upper'] as const;

/** The rows of one curve: a point at time 0 (S = 1) and one per table row. */
function curveRows(curve: KaplanMeierCurve, group: string, path: string, out: DataRow[]): void {
  const c = requireObject(curve, path, CONTEXT, 'a Kaplan–Meier curve');
  const cols: Record<string, ArrayLike<unknown>> = {};
  let n = -1;
  for (const name of COLUMNS) {
    const v = c[name];
    if (!(Array.isArray(v) || ArrayBuffer.isView(v))) {
      throw new InvalidInputError(CONTEXT, [{ path: `${path}.${name}`, message: `expected an array of numbers (a KaplanMeierResult's column), got ${show(v)}` }]);
    }
    const a = v as ArrayLike<unknown>;
    if (n >= 0 && a.length !== n) {
      throw new InvalidInputError(CONTEXT, [{ path: `${path}.${name}`, message: `expected ${n} values (as many as time), got ${a.length}` }]);
    }
    n = a.length;
    cols[name] = a;
  }
  if (n === 0) throw new InvalidInputError(CONTEXT, [{ path: `${path}.time`, message: 'expected at least one time, got an empty curve (nothing to plot)' }]);
  const issues = new IssueCollector();
  const num = (name: string, i: number): number => {
    const x = cols[name][i];
    return typeof x === 'number' ? x : NaN;
  };
  for (let i = 0; i < n; i++) {
    const t = num('time', i);
    const s = num('survival', i);
    if (!(t >= 0 && Number.isFinite(t))) issues.add(`${path}.time`, `expected a finite time ≥ 0, got ${show(cols['time'][i])}`, i);
    if (!(s >= 0 && s <= 1)) issues.add(`${path}.survival`, `expected a probability in [0, 1], got ${show(cols['survival'][i])}`, i);
    for (const name of ['lower', 'upper'] as const) {
      const x = cols[name][i];
      // A band end may be NaN (no variance); it is then left out of the band. Anything else is an error.
      if (!(typeof x === 'number' && (Number.isNaN(x) || (x >= 0 && x <= 1)))) issues.add(`${path}.${name}`, `expected a probability in [0, 1], got ${show(x)}`, i);
    }
  }
  issues.throwIfAny(CONTEXT);
  const t0 = num('time', 0);
  if (t0 > 0) out.push({ group, time: 0, survival: 1, lower: 1, upper: 1, atRisk: num('atRisk', 0) });
  for (let i = 0; i < n; i++) {
    const lower = num('lower', i);
    const upper = num('upper', i);
    const atRisk = num('atRisk', i);
    out.push({
      group,
      time: num('time', i),
      survival: num('survival', i),
      lower: Number.isNaN(lower) ? null : lower,
      upper: Number.isNaN(upper) ? null : upper,
      atRisk: Number.isFinite(atRisk) ? atRisk : null,
    });
  }
}

/**
 * A Kaplan–Meier survival curve (from `kaplanMeier`) as a step line with its confidence band
 * (a shaded step area between `lower` and `upper`); with groups, one curve and band per group in
 * colour-blind-safe colours, and the log-rank test's p-value in the subtitle. The curve starts at
 * S(0) = 1 and drops at each event time.
 *
 * `data.values` rows: `{ group, time, survival, lower, upper, atRisk }`, one per table row of
 * each curve plus a first row at time 0 (survival 1) when the first time is later; `group` is
 * `'All'` without groups. Band ends that are NaN in the result are null (left out of the band).
 *
 * @param km - a `KaplanMeierResult` (curve over all rows and `groups`).
 * @param options - {@link SurvivalCurveOptions}.
 * @throws {@link InvalidInputError} for columns of different lengths, an empty curve, or a
 * survival or band value outside [0, 1] (naming the row).
 *
 * @example
 * ```ts
 * import { kaplanMeier } from 'clmkit';
 * import { survivalCurve } from 'clmkit/plot';
 * const months = [2, 3, 3, 5, 6, 8, 9, 12, 12, 14];
 * const churned = [1, 1, 0, 1, 0, 1, 1, 0, 0, 0];
 * const spec = survivalCurve(kaplanMeier(months, churned), { unit: 'month' });
 * console.log(spec.data.values.length); // 9
 * const byPlan = survivalCurve(kaplanMeier(months, churned, { groups: ['a', 'a', 'b', 'a', 'b', 'a', 'a', 'b', 'b', 'b'] }));
 * console.log(byPlan.title); // { text: 'Kaplan–Meier survival by group', subtitle: [ '95% confidence bands (log(−log) Greenwood)', 'Log-rank test p = 0.005905' ] }
 * ```
 */
export function survivalCurve(km: KaplanMeierResult, options?: SurvivalCurveOptions): VegaLiteSpec {
  const k = requireObject(km, 'km', CONTEXT, 'a KaplanMeierResult (from kaplanMeier)');
  const opts = parseOptions(schema, options, CONTEXT);
  const groups = Array.isArray(k['groups']) ? (k['groups'] as readonly KaplanMeierCurve[]) : [];
  const values: DataRow[] = [];
  const names: string[] = [];
  if (groups.length > 0) {
    groups.forEach((g, i) => {
      const label = (g as { group?: unknown } | null)?.group;
      const name = typeof label === 'string' || typeof label === 'number' || typeof label === 'boolean' ? String(label) : `group ${i + 1}`;
      names.push(name);
      curveRows(g, name, `groups[${i}]`, values);
    });
  } else {
    names.push('All');
    curveRows(km, 'All', 'km', values);
  }
  const confidence = typeof k['confidence'] === 'number' ? k['confidence'] : 0.95;
  const showBand = opts.band ?? true;
  const subtitle: string[] = [showBand ? `${formatNumber(confidence * 100)}% confidence band${groups.length > 0 ? 's' : ''} (log(−log) Greenwood)` : ''];
  const logRank = k['logRank'] as { pValue?: unknown } | null | undefined;
  if (groups.length > 1 && logRank !== null && typeof logRank === 'object' && typeof logRank.pValue === 'number') {
    subtitle.push(`Log-rank test p = ${formatNumber(logRank.pValue)}`);
  } else if (groups.length === 0 && typeof k['median'] === 'number') {
    subtitle.push(`Median survival ${Number.isFinite(k['median']) ? formatNumber(k['median']) : 'not reached'}`);
  }
  const timeTitle = `Time (${unitsLabel(opts.unit)})`;
  const x: JsonObject = { field: 'time', type: 'quantitative', title: timeTitle };
  const color: JsonObject = { field: 'group', type: 'nominal', title: groups.length > 0 ? 'Group' : null, scale: { domain: names, range: OKABE_ITO } };
  if (groups.length === 0) color['legend'] = null;
  const layer: JsonObject[] = [];
  if (showBand) {
    layer.push({
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.2 },
      encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' }, color },
    });
  }
  layer.push({
    mark: { type: 'line', interpolate: 'step-after', point: 'transparent' },
    encoding: {
      x,
      y: { field: 'survival', type: 'quantitative', title: 'Survival probability', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      color,
      tooltip: [
        ...(groups.length > 0 ? [{ field: 'group', type: 'nominal', title: 'Group' }] : []),
        { field: 'time', type: 'quantitative', title: timeTitle, format: '.4~f' },
        { field: 'survival', type: 'quantitative', title: 'Survival', format: '.1%' },
        { field: 'lower', type: 'quantitative', title: 'Lower bound', format: '.1%' },
        { field: 'upper', type: 'quantitative', title: 'Upper bound', format: '.1%' },
        { field: 'atRisk', type: 'quantitative', title: 'At risk', format: ',d' },
      ],
    },
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(opts.title ?? (groups.length > 0 ? 'Kaplan–Meier survival by group' : 'Kaplan–Meier survival'), subtitle),
    width: opts.width ?? 480,
    height: opts.height ?? 300,
    data: { values },
    layer,
  };
}
