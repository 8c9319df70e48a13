/**
 * Segment profiles: size, share, per-feature means and medians, category mix, share of revenue,
 * and the features that most distinguish each segment from the rest.
 *
 * @module
 */
import * as z from 'zod/mini';
import { IssueCollector, InvalidInputError } from '../errors.js';
import { quantileSorted } from '../math/quantile.js';
import { parseOptions, show } from '../validate.js';
import { encodeSegmentLabels } from './labels.js';

/** Rows to profile: records, or columns of equal length keyed by field name. */
export type ProfileInput =
  | readonly Readonly<Record<string, unknown>>[]
  | Readonly<Record<string, ArrayLike<unknown>>>;

/** Options of {@link profileSegments}. */
export interface ProfileOptions {
  /** Numeric fields to summarise (mean, median, standardised mean difference). Values must be finite numbers. */
  numeric: readonly string[];
  /** Categorical fields whose value mix to report per segment (values are keyed by `String(value)`). */
  categorical?: readonly string[];
  /**
   * Numeric field holding each row's revenue (e.g. monetary value); adds `revenueShare`. It need
   * not be listed in `numeric`.
   */
  revenueField?: string;
}

/** One feature's standardised mean difference for a segment, see {@link profileSegments}. */
export interface DistinguishingFeature {
  /** Field name. */
  feature: string;
  /** (mean in segment − mean of the rest) / pooled sd. */
  smd: number;
}

/** The profile of one segment, see {@link profileSegments}. */
export interface SegmentProfile {
  /** The segment's label. */
  segment: number | string;
  /** Number of rows in the segment. */
  size: number;
  /** size / number of rows. */
  share: number;
  /** Mean and median (linear interpolation, numpy's default) of each numeric field. */
  numeric: Record<string, { mean: number; median: number }>;
  /** For each categorical field, the share of the segment's rows holding each value. */
  categorical: Record<string, Record<string, number>>;
  /** With `revenueField`: the segment's revenue / total revenue; `null` when the total is 0. */
  revenueShare?: number | null;
  /** The numeric fields by |standardised mean difference| vs the rest, largest first. */
  distinguishing: DistinguishingFeature[];
}

const fieldName = z.string().check(z.minLength(1));
const profileOptionsSchema = z.strictObject({
  numeric: z.array(fieldName),
  categorical: z.optional(z.array(fieldName)),
  revenueField: z.optional(fieldName),
});

/**
 * Profiles the segments of a clustering (or any labelling): one entry per segment, sorted by label
 * (numbers ascending, then strings in code-unit order), with
 *
 * - `size` and `share` of the rows;
 * - `numeric[field]`: mean and median;
 * - `categorical[field][value]`: share of the segment's rows with that value (`String(value)`;
 *   `null` / `undefined` count under `'null'` / `'undefined'`);
 * - `revenueShare` (with `revenueField`): Σ revenue in the segment / Σ revenue overall (`null` when
 *   the overall sum is 0, where shares are undefined; negative revenue is summed as is);
 * - `distinguishing`: for each numeric field the standardised mean difference of the segment
 *   against all other rows, `smd = (mean_in − mean_out) / s_p` with Cohen's pooled sd
 *   `s_p = √(((n_in − 1)·s²_in + (n_out − 1)·s²_out) / (n_in + n_out − 2))` (s² the sample
 *   variances, n − 1 denominators; a group of one row contributes 0). When `s_p` is 0 the smd is 0
 *   for equal means and ±Infinity otherwise. Sorted by |smd| descending (ties keep the order of
 *   `numeric`); empty when there is only one segment.
 *
 * @param rows - records, or columns of equal length.
 * @param labels - one segment label (finite number or string) per row.
 * @param options - see {@link ProfileOptions}.
 * @returns the segment profiles (an empty array for no rows).
 * @throws {@link InvalidInputError} for a missing field, a non-finite numeric value (naming the
 *   row and field), labels of the wrong length or type, or bad options.
 *
 * @example
 * ```ts
 * import { profileSegments } from 'clmkit';
 * const customers = [
 *   { spend: 10, orders: 1, channel: 'web' },
 *   { spend: 20, orders: 2, channel: 'web' },
 *   { spend: 200, orders: 9, channel: 'store' },
 *   { spend: 170, orders: 7, channel: 'web' },
 * ];
 * const [low, high] = profileSegments(customers, [0, 0, 1, 1], {
 *   numeric: ['spend', 'orders'],
 *   categorical: ['channel'],
 *   revenueField: 'spend',
 * });
 * console.log(low.size, low.share, low.numeric.spend, low.revenueShare); // 2 0.5 { mean: 15, median: 15 } 0.075
 * console.log(high.categorical.channel); // { store: 0.5, web: 0.5 }
 * console.log(high.distinguishing); // [ { feature: 'spend', smd: 10.75174404457249 }, { feature: 'orders', smd: 5.813776741499453 } ]
 * ```
 */
export function profileSegments(
  rows: ProfileInput,
  labels: ArrayLike<number | string>,
  options: ProfileOptions,
): SegmentProfile[] {
  const ctx = 'profileSegments';
  const opts = parseOptions(profileOptionsSchema, options, ctx);
  const categorical = opts.categorical ?? [];
  const numericFields = [...opts.numeric];
  const revenueField = opts.revenueField;
  const needNumeric = revenueField === undefined || numericFields.includes(revenueField)
    ? numericFields
    : [...numericFields, revenueField];

  const get = accessor(rows, [...needNumeric, ...categorical], ctx);
  const n = get.n;
  const { codes, k, values } = encodeSegmentLabels(labels, n, ctx);

  // Numeric columns, validated.
  const issues = new IssueCollector();
  const num = new Map<string, Float64Array>();
  for (const f of needNumeric) {
    const col = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const v = get.value(f, r);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        issues.add(f, `expected a finite number, got ${show(v)}`, r);
      } else col[r] = v;
    }
    num.set(f, col);
  }
  issues.throwIfAny(ctx);
  if (n === 0) return [];

  const size = new Float64Array(k);
  for (let r = 0; r < n; r++) size[codes[r]]++;

  // Per-segment sorted values of every numeric field (for medians), sums and sums of squares.
  const order = values.map((_, c) => c).sort((a, b) => compareLabels(values[a], values[b]));
  const profiles: SegmentProfile[] = order.map((c) => ({
    segment: values[c],
    size: size[c],
    share: size[c] / n,
    numeric: {},
    categorical: {},
    distinguishing: [],
  }));
  const byCode = new Array<SegmentProfile>(k);
  order.forEach((c, i) => (byCode[c] = profiles[i]!));

  // Row indices grouped by segment.
  const start = new Int32Array(k + 1);
  for (let c = 0; c < k; c++) start[c + 1] = start[c] + size[c];
  const fill = start.slice(0, k);
  const grouped = new Int32Array(n);
  for (let r = 0; r < n; r++) grouped[fill[codes[r]]++] = r;

  const smd = new Map<number, DistinguishingFeature[]>();
  for (let c = 0; c < k; c++) smd.set(c, []);
  for (const f of numericFields) {
    const col = num.get(f)!;
    const { mean: totalMean, m2: totalM2 } = meanM2(col, grouped, 0, n);
    for (let c = 0; c < k; c++) {
      const lo = start[c];
      const hi = start[c + 1];
      const vals = new Float64Array(hi - lo);
      for (let i = lo; i < hi; i++) vals[i - lo] = col[grouped[i]]!;
      const { mean, m2 } = meanM2(vals, null, 0, vals.length);
      vals.sort();
      byCode[c].numeric[f] = { mean, median: quantileSorted(vals, 0.5) };
      const nIn = hi - lo;
      const nOut = n - nIn;
      if (nOut === 0) continue;
      // Rest-of-data mean and M2 from the totals (Chan et al.'s parallel-variance identity, inverted).
      const meanOut = (totalMean * n - mean * nIn) / nOut;
      const delta = mean - meanOut;
      const m2Out = Math.max(0, totalM2 - m2 - (delta * delta * nIn * nOut) / n);
      const df = n - 2;
      const sp = df > 0 ? Math.sqrt((m2 + m2Out) / df) : 0;
      const d = sp > 0 ? delta / sp : delta === 0 ? 0 : delta > 0 ? Infinity : -Infinity;
      smd.get(c)!.push({ feature: f, smd: d });
    }
  }
  for (let c = 0; c < k; c++) {
    byCode[c].distinguishing = smd.get(c)!.sort((a, b) => Math.abs(b.smd) - Math.abs(a.smd) || 0);
  }

  for (const f of categorical) {
    for (let c = 0; c < k; c++) {
      const counts = new Map<string, number>();
      for (let i = start[c]; i < start[c + 1]; i++) {
        const key = String(get.value(f, grouped[i]));
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const out: Record<string, number> = {};
      for (const key of [...counts.keys()].sort()) out[key] = counts.get(key)! / size[c];
      byCode[c].categorical[f] = out;
    }
  }

  if (revenueField !== undefined) {
    const col = num.get(revenueField)!;
    const seg = new Float64Array(k);
    let total = 0;
    for (let r = 0; r < n; r++) {
      seg[codes[r]] += col[r];
      total += col[r];
    }
    for (let c = 0; c < k; c++) byCode[c].revenueShare = total === 0 ? null : seg[c] / total;
  }
  return profiles;
}

/** Mean and sum of squared deviations (two-pass) of `col[idx[i]]` (or `col[i]`) for i in [lo, hi). */
function meanM2(col: Float64Array, idx: Int32Array | null, lo: number, hi: number): { mean: number; m2: number } {
  const m = hi - lo;
  let s = 0;
  for (let i = lo; i < hi; i++) s += col[idx === null ? i : idx[i]];
  const mean = s / m;
  let m2 = 0;
  for (let i = lo; i < hi; i++) {
    const t = col[idx === null ? i : idx[i]] - mean;
    m2 += t * t;
  }
  return { mean, m2 };
}

function compareLabels(a: number | string, b: number | string): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Uniform read access to records or columns, checking that every field exists. */
function accessor(
  rows: ProfileInput,
  fields: readonly string[],
  ctx: string,
): { n: number; value: (field: string, row: number) => unknown } {
  const issues = new IssueCollector();
  if (Array.isArray(rows)) {
    const recs = rows as readonly unknown[];
    for (let r = 0; r < recs.length; r++) {
      const rec = recs[r];
      if (rec === null || typeof rec !== 'object') {
        issues.add('rows', `expected a record, got ${show(rec)}`, r);
        continue;
      }
      for (const f of fields) {
        if (!(f in rec)) issues.add(f, 'field is missing', r);
      }
    }
    issues.throwIfAny(ctx);
    const recsTyped = rows as readonly Readonly<Record<string, unknown>>[];
    return { n: recs.length, value: (f, r) => recsTyped[r][f] };
  }
  if ((rows as unknown) === null || typeof rows !== 'object') {
    throw new InvalidInputError(ctx, [{ path: 'rows', message: `expected records or columns, got ${show(rows)}` }]);
  }
  const cols = rows as Readonly<Record<string, unknown>>;
  let n = -1;
  let first = '';
  for (const f of fields) {
    const col = cols[f];
    if (!isArrayLike(col)) {
      issues.add(f, 'no such column');
      continue;
    }
    if (n === -1) {
      n = col.length;
      first = f;
    } else if (col.length !== n) {
      issues.add(f, `column length ${col.length} differs from column '${first}' (${n})`);
    }
  }
  issues.throwIfAny(ctx);
  const typed = rows as Readonly<Record<string, ArrayLike<unknown>>>;
  return { n: Math.max(n, 0), value: (f, r) => typed[f][r] };
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { length?: unknown }).length === 'number';
}
