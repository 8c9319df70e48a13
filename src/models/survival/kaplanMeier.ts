/**
 * Kaplan–Meier survival curves with Greenwood variances and log(−log) confidence bands, median
 * survival with its interval, and the log-rank test between groups — the numbers lifelines'
 * `KaplanMeierFitter` and `logrank_test` / `multivariate_logrank_test` report.
 *
 * ## Definitions
 *
 * At each distinct duration t (event or censoring), with n at risk (durations ≥ t) and d events:
 *
 * - survival `S(t) = Π_{s ≤ t} (1 − d_s / n_s)`;
 * - Greenwood's variance `Var S(t) = S(t)² · Σ_{s ≤ t} d_s / (n_s (n_s − d_s))`;
 * - the confidence band on the log(−log) scale (lifelines' default, "exponential Greenwood"):
 *   `S^exp(±z·σ)` with `σ = sqrt(Σ d/(n(n − d))) / |log S|` and z the normal quantile of
 *   (1 + confidence)/2; it stays inside [0, 1]. Where S = 1 the band is [1, 1]; where S = 0, [0, 0];
 * - the median survival time: the first t with S(t) ≤ 0.5 (Infinity if the curve never gets
 *   there), and its interval: the first t where the band's lower (resp. upper) curve is ≤ 0.5
 *   (lifelines' `median_survival_times(confidence_interval_)`);
 * - the log-rank test: with `O_g`, `E_g` the observed and expected events of group g (expected
 *   under equal hazards, `Σ_t d_t · n_gt / n_t`) and V the hypergeometric covariance,
 *   `χ² = (O − E)ᵀ V⁻¹ (O − E)` over the first G − 1 groups, on G − 1 degrees of freedom.
 *
 * Durations are sorted once per group (typed-array sorts, events and censorings apart), so a
 * million durations take a fraction of a second.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector, NotEnoughDataError } from '../../errors.js';
import { logGamma, normalCdf, normalQuantile } from '../../math/distributions.js';
import { choleskyInPlace, choleskySolveInPlace } from '../../math/linalg.js';
import type { ClassLabel } from '../../metrics/classification.js';
import { parseOptions, show } from '../../validate.js';
import { encodeClasses } from '../prep/matrix.js';

/** Options of {@link kaplanMeier}. */
export interface KaplanMeierOptions {
  /** A group label per row: one curve per group and a log-rank test between them. */
  groups?: ArrayLike<ClassLabel>;
  /** Confidence level of the bands and of the median's interval, in (0, 1). @defaultValue 0.95 */
  confidence?: number;
}

/** One Kaplan–Meier curve: the survival table and its summaries. */
export interface KaplanMeierCurve {
  /** The group's label, or null for the curve over all rows. */
  readonly group: ClassLabel | null;
  /** Number of rows (subjects). */
  readonly n: number;
  /** Number of events. */
  readonly totalEvents: number;
  /** The distinct durations, ascending (one table row each). */
  readonly time: Float64Array;
  /** Number at risk just before each time (durations ≥ t). */
  readonly atRisk: Float64Array;
  /** Number of events at each time. */
  readonly events: Float64Array;
  /** Number censored at each time. */
  readonly censored: Float64Array;
  /** Kaplan–Meier survival S(t) just after each time. */
  readonly survival: Float64Array;
  /** Greenwood's variance of S(t). */
  readonly variance: Float64Array;
  /** Lower end of the log(−log) confidence band. */
  readonly lower: Float64Array;
  /** Upper end of the log(−log) confidence band. */
  readonly upper: Float64Array;
  /** Median survival time: the first time with S ≤ 0.5 (Infinity when S stays above 0.5). */
  readonly median: number;
  /** Interval of the median from the band (Infinity when the band's curve stays above 0.5). */
  readonly medianInterval: readonly [number, number];
  /** S(t) at any time t ≥ 0 (a step function: 1 before the first event time). */
  survivalAt(t: number): number;
}

/** Result of {@link logRankTest}. */
export interface LogRankResult {
  /** The group labels, sorted. */
  readonly groups: readonly ClassLabel[];
  /** Observed events per group. */
  readonly observed: Float64Array;
  /** Expected events per group under equal hazards. */
  readonly expected: Float64Array;
  /** The χ² statistic. */
  readonly statistic: number;
  /** Degrees of freedom, groups − 1. */
  readonly degreesOfFreedom: number;
  /** P(χ²_df ≥ statistic). */
  readonly pValue: number;
}

/** Result of {@link kaplanMeier}: the curve over all rows, per-group curves and the log-rank test. */
export interface KaplanMeierResult extends KaplanMeierCurve {
  /** One curve per group (sorted by label); empty without `groups`. */
  readonly groups: readonly KaplanMeierCurve[];
  /** The log-rank test between the groups; null without `groups` or with a single group. */
  readonly logRank: LogRankResult | null;
  /** The confidence level used. */
  readonly confidence: number;
}

const optionsSchema = z.strictObject({
  groups: z.optional(z.any()),
  confidence: z.optional(z.number().check(z.gt(0), z.lt(1))),
});

interface Checked {
  readonly durations: Float64Array;
  readonly events: Uint8Array;
}

function checkInput(durations: unknown, events: unknown, context: string): Checked {
  if (!(Array.isArray(durations) || ArrayBuffer.isView(durations))) {
    throw new InvalidInputError(context, [{ path: 'durations', message: `expected an array of durations, got ${show(durations)}` }]);
  }
  const d = durations as ArrayLike<unknown>;
  const n = d.length;
  if (!(Array.isArray(events) || ArrayBuffer.isView(events)) || (events as ArrayLike<unknown>).length !== n) {
    throw new InvalidInputError(context, [
      { path: 'events', message: `expected ${n} event flags (1/true = event observed, 0/false = censored), got ${show(events)}` },
    ]);
  }
  const e = events as ArrayLike<unknown>;
  const dur = new Float64Array(n);
  const ev = new Uint8Array(n);
  const issues = new IssueCollector();
  for (let i = 0; i < n; i++) {
    const t = d[i];
    if (typeof t === 'number' && Number.isFinite(t) && t >= 0) dur[i] = t;
    else issues.add('durations', `expected a finite duration ≥ 0, got ${show(t)}`, i);
    const f = e[i];
    if (f === 1 || f === true) ev[i] = 1;
    else if (!(f === 0 || f === false)) issues.add('events', `expected 1/true (event) or 0/false (censored), got ${show(f)}`, i);
  }
  issues.throwIfAny(context);
  return { durations: dur, events: ev };
}

/** Distinct times with event / censoring counts, from the rows selected by `sel` (all when null). */
function countTable(
  dur: Float64Array,
  ev: Uint8Array,
  sel: Int32Array | null,
): { time: Float64Array; events: Float64Array; censored: Float64Array; n: number } {
  const m = sel ? sel.length : dur.length;
  let nEv = 0;
  for (let r = 0; r < m; r++) nEv += ev[sel ? sel[r] : r];
  const et = new Float64Array(nEv);
  const ct = new Float64Array(m - nEv);
  let a = 0;
  let b = 0;
  for (let r = 0; r < m; r++) {
    const i = sel ? sel[r] : r;
    if (ev[i]) et[a++] = dur[i];
    else ct[b++] = dur[i];
  }
  et.sort();
  ct.sort();
  const time = new Float64Array(m);
  const events = new Float64Array(m);
  const censored = new Float64Array(m);
  let k = -1;
  a = 0;
  b = 0;
  while (a < et.length || b < ct.length) {
    const t = b >= ct.length || (a < et.length && et[a] <= ct[b]) ? et[a] : ct[b];
    k++;
    time[k] = t;
    while (a < et.length && et[a] === t) {
      events[k]++;
      a++;
    }
    while (b < ct.length && ct[b] === t) {
      censored[k]++;
      b++;
    }
  }
  const T = k + 1;
  return { time: time.slice(0, T), events: events.slice(0, T), censored: censored.slice(0, T), n: m };
}

function buildCurve(
  tab: { time: Float64Array; events: Float64Array; censored: Float64Array; n: number },
  zq: number,
  group: ClassLabel | null,
): KaplanMeierCurve {
  const { time, events, censored, n } = tab;
  const T = time.length;
  const atRisk = new Float64Array(T);
  const survival = new Float64Array(T);
  const variance = new Float64Array(T);
  const lower = new Float64Array(T);
  const upper = new Float64Array(T);
  let risk = n;
  let s = 1;
  let gw = 0;
  let totalEvents = 0;
  for (let k = 0; k < T; k++) {
    const d = events[k];
    atRisk[k] = risk;
    totalEvents += d;
    if (d > 0) {
      s *= 1 - d / risk;
      gw += risk > d ? d / (risk * (risk - d)) : Infinity;
    }
    survival[k] = s;
    variance[k] = s > 0 ? s * s * gw : 0;
    if (s >= 1) {
      lower[k] = 1;
      upper[k] = 1;
    } else if (s <= 0) {
      lower[k] = 0;
      upper[k] = 0;
    } else {
      const ls = Math.log(s);
      const sig = Math.sqrt(gw) / ls; // negative
      upper[k] = Math.exp(-Math.exp(Math.log(-ls) + zq * sig));
      lower[k] = Math.exp(-Math.exp(Math.log(-ls) - zq * sig));
    }
    risk -= d + censored[k];
  }
  const firstAtOrBelow = (curve: Float64Array): number => {
    for (let k = 0; k < T; k++) if (curve[k] <= 0.5) return time[k];
    return Infinity;
  };
  const survivalAt = (t: number): number => {
    // last k with time[k] ≤ t (binary search)
    let lo = 0;
    let hi = T;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (time[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 1 : survival[lo - 1];
  };
  return Object.freeze({
    group,
    n,
    totalEvents,
    time,
    atRisk,
    events,
    censored,
    survival,
    variance,
    lower,
    upper,
    median: firstAtOrBelow(survival),
    medianInterval: Object.freeze([firstAtOrBelow(lower), firstAtOrBelow(upper)] as [number, number]),
    survivalAt,
  });
}

/** Upper regularised incomplete gamma Q(a, x) (series for x < a + 1, continued fraction otherwise). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPre = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let k = 1; k < 10000; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(lnPre);
  }
  // Lentz's continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(lnPre) * h;
}

/** P(χ²_df ≥ x). */
function chiSquareSurvival(x: number, df: number): number {
  if (!(x > 0)) return 1;
  if (df === 1) return 2 * normalCdf(-Math.sqrt(x));
  return gammaQ(df / 2, x / 2);
}

type CountTable = ReturnType<typeof countTable>;

/** Row indices of each group, from the group codes. */
function groupRows(codes: Int32Array, G: number): Int32Array[] {
  const counts = new Int32Array(G);
  for (let i = 0; i < codes.length; i++) counts[codes[i]]++;
  const sel = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(G);
  for (let i = 0; i < codes.length; i++) sel[codes[i]][fill[codes[i]]++] = i;
  return sel;
}

function logRankFromTables(all: CountTable, tabs: readonly CountTable[], classes: readonly ClassLabel[]): LogRankResult {
  const G = classes.length;
  const T = all.time.length;
  // Per group: events and removals (events + censored) at each overall distinct time.
  const dG = new Float64Array(G * T);
  const rG = new Float64Array(G * T);
  const nG0 = new Float64Array(G);
  const time = all.time;
  for (let g = 0; g < G; g++) {
    const tab = tabs[g];
    nG0[g] = tab.n;
    let k = 0;
    for (let r = 0; r < tab.time.length; r++) {
      while (time[k] < tab.time[r]) k++;
      dG[g * T + k] = tab.events[r];
      rG[g * T + k] = tab.events[r] + tab.censored[r];
    }
  }
  const observed = new Float64Array(G);
  const expected = new Float64Array(G);
  const m = G - 1;
  const V = new Float64Array(m * m);
  const nRisk = Float64Array.from(nG0);
  for (let k = 0; k < T; k++) {
    let n = 0;
    let d = 0;
    for (let g = 0; g < G; g++) {
      n += nRisk[g];
      d += dG[g * T + k];
    }
    if (d > 0) {
      for (let g = 0; g < G; g++) {
        observed[g] += dG[g * T + k];
        expected[g] += (d * nRisk[g]) / n;
      }
      if (n > 1) {
        const f = (d * (n - d)) / (n * n * (n - 1));
        for (let g = 0; g < m; g++) {
          for (let h = 0; h < m; h++) V[g * m + h] += f * nRisk[g] * ((g === h ? n : 0) - nRisk[h]);
        }
      }
    }
    for (let g = 0; g < G; g++) nRisk[g] -= rG[g * T + k];
  }
  const u = new Float64Array(m);
  for (let g = 0; g < m; g++) u[g] = observed[g] - expected[g];
  const sol = Float64Array.from(u);
  let statistic = Number.NaN;
  if (choleskyInPlace(V, m)) {
    choleskySolveInPlace(V, m, sol);
    statistic = 0;
    for (let g = 0; g < m; g++) statistic += u[g] * sol[g];
  }
  return Object.freeze({
    groups: Object.freeze([...classes]),
    observed,
    expected,
    statistic,
    degreesOfFreedom: m,
    pValue: Number.isNaN(statistic) ? Number.NaN : chiSquareSurvival(statistic, m),
  });
}

/**
 * Kaplan–Meier survival curves (over all rows and, with `groups`, per group) with Greenwood
 * variances, log(−log) confidence bands, median survival and its interval, and the log-rank test
 * between the groups — as lifelines' `KaplanMeierFitter` and `multivariate_logrank_test`.
 *
 * @param durations - Time to the event or to censoring, per subject (finite, ≥ 0).
 * @param events - 1 / true when the event was observed, 0 / false when censored.
 * @param options - {@link KaplanMeierOptions}.
 * @throws {@link InvalidInputError} for a bad duration, flag or group label (naming the row) or
 * unequal lengths; {@link NotEnoughDataError} for no rows.
 *
 * @example
 * ```ts
 * import { kaplanMeier } from 'clmkit/models';
 * // Months until churn (event = 1) or until the data ended (censored, 0).
 * const months = [2, 3, 3, 5, 6, 8, 9, 12, 12, 14];
 * const churned = [1, 1, 0, 1, 0, 1, 1, 0, 0, 0];
 * const km = kaplanMeier(months, churned);
 * console.log(km.time); // Float64Array(8) [ 2, 3, 5, 6, 8, 9, 12, 14 ]
 * console.log(km.survival[2].toFixed(4), km.median); // 0.6857 9
 * console.log(km.survivalAt(10).toFixed(4)); // 0.4114
 *
 * const plan = ['a', 'a', 'b', 'a', 'b', 'a', 'a', 'b', 'b', 'b'];
 * const byPlan = kaplanMeier(months, churned, { groups: plan });
 * console.log(byPlan.groups.map((g) => g.group), byPlan.logRank?.pValue.toFixed(4)); // [ 'a', 'b' ] 0.0059
 * ```
 */
export function kaplanMeier(durations: ArrayLike<number>, events: ArrayLike<number | boolean>, options?: KaplanMeierOptions): KaplanMeierResult {
  const context = 'kaplanMeier';
  const opts = parseOptions(optionsSchema, options, context);
  const { durations: dur, events: ev } = checkInput(durations, events, context);
  const n = dur.length;
  if (n === 0) throw new NotEnoughDataError('kaplanMeier needs at least one duration, got none', 1, 0);
  const confidence = opts.confidence ?? 0.95;
  const zq = normalQuantile((1 + confidence) / 2);
  const allTable = countTable(dur, ev, null);
  const overall = buildCurve(allTable, zq, null);
  let groups: KaplanMeierCurve[] = [];
  let logRank: LogRankResult | null = null;
  if (opts.groups !== undefined) {
    const gArr = opts.groups as unknown;
    if (!(Array.isArray(gArr) || ArrayBuffer.isView(gArr)) || (gArr as ArrayLike<unknown>).length !== n) {
      throw new InvalidInputError(context, [{ path: 'options.groups', message: `expected ${n} group labels (one per row), got ${show(gArr)}` }]);
    }
    const { codes, classes } = encodeClasses(gArr as ArrayLike<ClassLabel>, context, 'options.groups');
    const sel = groupRows(codes, classes.length);
    const tabs = sel.map((rows) => countTable(dur, ev, rows));
    groups = classes.map((c, g) => buildCurve(tabs[g], zq, c));
    if (classes.length >= 2) logRank = logRankFromTables(allTable, tabs, classes);
  }
  return Object.freeze({ ...overall, groups: Object.freeze(groups), logRank, confidence });
}

/**
 * The log-rank test of equal survival between groups (two or more): χ² on groups − 1 degrees of
 * freedom, as lifelines' `multivariate_logrank_test` (and `logrank_test` for two groups).
 *
 * @param durations - Time to the event or to censoring (finite, ≥ 0).
 * @param events - 1 / true when the event was observed, 0 / false when censored.
 * @param groups - The group of each row (at least two distinct labels).
 * @throws {@link InvalidInputError} for bad rows or unequal lengths; {@link NotEnoughDataError}
 * for fewer than two groups.
 *
 * @example
 * ```ts
 * import { logRankTest } from 'clmkit/models';
 * const weeks = [1, 2, 3, 4, 5, 6, 7, 8];
 * const churned = [1, 1, 1, 1, 1, 0, 1, 0];
 * const test = logRankTest(weeks, churned, ['trial', 'trial', 'trial', 'paid', 'trial', 'paid', 'paid', 'paid']);
 * console.log(test.observed, test.degreesOfFreedom); // Float64Array(2) [ 2, 4 ] 1
 * console.log(test.statistic.toFixed(3), test.pValue.toFixed(3)); // 4.918 0.027
 * ```
 */
export function logRankTest(durations: ArrayLike<number>, events: ArrayLike<number | boolean>, groups: ArrayLike<ClassLabel>): LogRankResult {
  const context = 'logRankTest';
  const { durations: dur, events: ev } = checkInput(durations, events, context);
  if (!(Array.isArray(groups) || ArrayBuffer.isView(groups)) || groups.length !== dur.length) {
    throw new InvalidInputError(context, [{ path: 'groups', message: `expected ${dur.length} group labels (one per row), got ${show(groups)}` }]);
  }
  const { codes, classes } = encodeClasses(groups, context, 'groups');
  if (classes.length < 2) {
    throw new NotEnoughDataError(`logRankTest needs at least two groups, got ${classes.length}`, 2, classes.length);
  }
  const tabs = groupRows(codes, classes.length).map((rows) => countTable(dur, ev, rows));
  return logRankFromTables(countTable(dur, ev, null), tabs, classes);
}
