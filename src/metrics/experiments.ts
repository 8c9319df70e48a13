/**
 * A/B-test statistics for lifecycle campaigns: the two-proportion z-test (conversion, retention,
 * churn rates), Welch's t-test (revenue, order value) and the sample size a two-proportion test
 * needs.
 *
 * **Sign convention, everywhere:** group A is the control, group B the treatment;
 * `difference = B − A`; `alternative: 'greater'` tests B > A, `'less'` tests B < A. Swapping A and
 * B flips the sign of the difference, of the statistic and of the interval.
 *
 * Intervals match the alternative, as scipy's `confidence_interval`: two-sided gives
 * `[lo, hi]`; `'greater'` gives the one-sided `[lo, Infinity]`, `'less'` gives `[-Infinity, hi]`.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../errors.js';
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from '../math/distributions.js';
import { parseOptions, show } from '../validate.js';
import { finiteVector } from './arrays.js';

/**
 * The alternative hypothesis, about `difference = B − A`: `'two-sided'` (B ≠ A), `'greater'`
 * (B > A) or `'less'` (B < A).
 */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** Options shared by {@link proportionTest} and {@link meanTest}. */
export interface HypothesisTestOptions {
  /**
   * The alternative hypothesis about B − A (see {@link Alternative}).
   * @defaultValue `'two-sided'`
   */
  alternative?: Alternative;
  /**
   * Confidence level of the interval, in (0, 1).
   * @defaultValue `0.95`
   */
  confidence?: number;
}

/** Input of {@link proportionTest}: success counts and trials of the two groups. */
export interface ProportionTestOptions extends HypothesisTestOptions {
  /** Successes (conversions, retained customers, …) in group A (control); an integer in [0, trialsA]. */
  successesA: number;
  /** Trials (exposed customers) in group A; an integer ≥ 1. */
  trialsA: number;
  /** Successes in group B (treatment); an integer in [0, trialsB]. */
  successesB: number;
  /** Trials in group B; an integer ≥ 1. */
  trialsB: number;
}

/** Result of {@link proportionTest}. */
export interface ProportionTestResult {
  /** successesA / trialsA. */
  readonly rateA: number;
  /** successesB / trialsB. */
  readonly rateB: number;
  /** rateB − rateA. */
  readonly difference: number;
  /** The z statistic, (rateB − rateA) over the pooled standard error. */
  readonly z: number;
  /** p-value of the test against `alternative`, in [0, 1]. */
  readonly pValue: number;
  /** Wald interval for the difference at `confidence` (one-sided for a one-sided alternative). */
  readonly confidenceInterval: readonly [number, number];
}

const alternativeSchema = z.enum(['two-sided', 'greater', 'less']);
const unitIntervalSchema = z.number().check(z.gt(0), z.lt(1));
const testOptionsShape = {
  alternative: z.optional(alternativeSchema),
  confidence: z.optional(unitIntervalSchema),
};

const proportionSchema = z.strictObject({
  successesA: z.int().check(z.minimum(0)),
  trialsA: z.int().check(z.minimum(1)),
  successesB: z.int().check(z.minimum(0)),
  trialsB: z.int().check(z.minimum(1)),
  ...testOptionsShape,
});

/**
 * Two-proportion z-test of B against A (e.g. conversion of a treated group B against a control
 * group A), as statsmodels' `proportions_ztest([successesB, successesA], [trialsB, trialsA])`
 * with its default `prop_var=False`:
 *
 * - the statistic uses the **pooled** standard error, the one under H₀ (equal rates):
 *   `z = (p_B − p_A) / √(p̄(1 − p̄)(1/n_A + 1/n_B))`, `p̄ = (x_A + x_B)/(n_A + n_B)`;
 * - p-values are normal: two-sided `2Φ(−|z|)`, `'greater'` `Φ(−z)`, `'less'` `Φ(z)`;
 * - the interval for `difference = p_B − p_A` uses the **unpooled** (Wald) standard error
 *   `√(p_A(1 − p_A)/n_A + p_B(1 − p_B)/n_B)` (statsmodels' `confint_proportions_2indep(…,
 *   method='wald')`): `difference ± z_{(1+c)/2}·SE` two-sided, `[difference − z_c·SE, ∞]` for
 *   `'greater'`, `[−∞, difference + z_c·SE]` for `'less'`. The two standard errors differ, so
 *   the interval and the test can (rarely, near the boundary) disagree.
 *
 * When both groups are all successes or all failures (p̄ is 0 or 1) the pooled standard error is 0
 * and the difference is exactly 0: the result is then `z = 0`, `pValue = 1` (the limit, and what
 * Fisher's exact test gives) and the interval collapses to 0 (`[0, 0]`, or `[0, ∞]` / `[−∞, 0]`
 * one-sided) — never NaN. The Wald interval also has zero width whenever both rates are 0 or 1.
 *
 * The normal approximation wants roughly ≥ 5 successes and ≥ 5 failures per group.
 *
 * @param options - counts and test options; see {@link ProportionTestOptions}.
 * @returns rates, difference (B − A), z, p-value and interval.
 * @throws {@link InvalidInputError} naming the option (`options.successesA`, …) when a count is
 *   not an integer, a trial count is below 1, successes exceed trials, or `alternative` /
 *   `confidence` is invalid.
 *
 * @example
 * ```ts
 * import { proportionTest } from 'clmkit';
 * // Win-back e-mail: 120 of 2,400 control customers came back, 165 of 2,500 treated ones.
 * const r = proportionTest({ successesA: 120, trialsA: 2400, successesB: 165, trialsB: 2500 });
 * console.log(r.rateA, r.rateB, r.difference); // 0.05 0.066 0.016
 * console.log(r.z); // ≈ 2.3921
 * console.log(r.pValue); // ≈ 0.0168 (statsmodels proportions_ztest)
 * console.log(r.confidenceInterval.map((x) => x.toFixed(4))); // [ '0.0029', '0.0291' ]
 * const oneSided = proportionTest({ successesA: 120, trialsA: 2400, successesB: 165, trialsB: 2500, alternative: 'greater' });
 * console.log(oneSided.pValue); // ≈ 0.0084
 * console.log(oneSided.confidenceInterval.map((x) => x.toFixed(4))); // [ '0.0050', 'Infinity' ]
 * ```
 */
export function proportionTest(options: ProportionTestOptions): ProportionTestResult {
  const context = 'proportionTest';
  const o = parseOptions(proportionSchema, options, context);
  const issues = new IssueCollector();
  if (o.successesA > o.trialsA) issues.add('options.successesA', `expected at most trialsA (${o.trialsA}) successes, got ${o.successesA}`);
  if (o.successesB > o.trialsB) issues.add('options.successesB', `expected at most trialsB (${o.trialsB}) successes, got ${o.successesB}`);
  issues.throwIfAny(`${context}: invalid options`);
  const alternative = o.alternative ?? 'two-sided';
  const confidence = o.confidence ?? 0.95;

  const rateA = o.successesA / o.trialsA;
  const rateB = o.successesB / o.trialsB;
  const difference = rateB - rateA;
  const pooled = (o.successesA + o.successesB) / (o.trialsA + o.trialsB);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / o.trialsA + 1 / o.trialsB));
  const waldSe = Math.sqrt((rateA * (1 - rateA)) / o.trialsA + (rateB * (1 - rateB)) / o.trialsB);
  if (pooledSe === 0) {
    // Both groups all successes or all failures: difference is exactly 0.
    return { rateA, rateB, difference, z: 0, pValue: 1, confidenceInterval: interval(0, 0, 0, alternative) };
  }
  const z = difference / pooledSe;
  const pValue = pFromCdf(z, alternative, normalCdf);
  const q = criticalValue(confidence, alternative, normalQuantile);
  return { rateA, rateB, difference, z, pValue, confidenceInterval: interval(difference, q, waldSe, alternative) };
}

/** Input of {@link meanTest} from raw samples. */
export interface MeanTestSamples extends HypothesisTestOptions {
  /** Observations of group A (control): at least 2 finite numbers. */
  a: ArrayLike<number>;
  /** Observations of group B (treatment): at least 2 finite numbers. */
  b: ArrayLike<number>;
}

/** Input of {@link meanTest} from summary statistics (sample standard deviations, divisor n − 1). */
export interface MeanTestSummary extends HypothesisTestOptions {
  /** Mean of group A (control). */
  meanA: number;
  /** Sample standard deviation of group A (divisor nA − 1), ≥ 0. */
  sdA: number;
  /** Size of group A, an integer ≥ 2. */
  nA: number;
  /** Mean of group B (treatment). */
  meanB: number;
  /** Sample standard deviation of group B (divisor nB − 1), ≥ 0. */
  sdB: number;
  /** Size of group B, an integer ≥ 2. */
  nB: number;
}

/** Input of {@link meanTest}: samples `{ a, b }` or summary statistics, plus test options. */
export type MeanTestOptions = MeanTestSamples | MeanTestSummary;

/** Result of {@link meanTest}. */
export interface MeanTestResult {
  /** Mean of group A. */
  readonly meanA: number;
  /** Mean of group B. */
  readonly meanB: number;
  /** meanB − meanA. */
  readonly difference: number;
  /** Welch's t statistic, (meanB − meanA) / √(sA²/nA + sB²/nB). */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom (not an integer in general). */
  readonly df: number;
  /** p-value of the test against `alternative`, in [0, 1]. */
  readonly pValue: number;
  /** Interval for the difference at `confidence` (one-sided for a one-sided alternative). */
  readonly confidenceInterval: readonly [number, number];
}

const arraySchema = z.custom<ArrayLike<number>>((v) => Array.isArray(v) || ArrayBuffer.isView(v));
const samplesSchema = z.strictObject({ a: arraySchema, b: arraySchema, ...testOptionsShape });
const summarySchema = z.strictObject({
  meanA: z.number(),
  sdA: z.number().check(z.minimum(0)),
  nA: z.int().check(z.minimum(2)),
  meanB: z.number(),
  sdB: z.number().check(z.minimum(0)),
  nB: z.int().check(z.minimum(2)),
  ...testOptionsShape,
});

/**
 * Welch's unequal-variance t-test of B against A (e.g. revenue per customer of a treated group B
 * against a control group A), from samples `{ a, b }` or from summary statistics
 * `{ meanA, sdA, nA, meanB, sdB, nB }` (sample standard deviations, divisor n − 1). Equals
 * `scipy.stats.ttest_ind(b, a, equal_var=False, alternative=…)` — note the order: B first, so
 * that t > 0 when B's mean is higher — and `ttest_ind_from_stats(meanB, sdB, nB, meanA, sdA, nA,
 * equal_var=False)`:
 *
 * - `SE = √(sA²/nA + sB²/nB)`, `t = (meanB − meanA)/SE`;
 * - `df = SE⁴ / ((sA²/nA)²/(nA − 1) + (sB²/nB)²/(nB − 1))` (Welch–Satterthwaite);
 * - p-values from Student's t with `df`: two-sided `2F(−|t|)`, `'greater'` `F(−t)`, `'less'` `F(t)`;
 * - interval `difference ± t_{df,(1+c)/2}·SE` two-sided, `[difference − t_{df,c}·SE, ∞]` for
 *   `'greater'`, `[−∞, difference + t_{df,c}·SE]` for `'less'` (as scipy's `confidence_interval`).
 *
 * @param options - samples or summary statistics, and test options; see {@link MeanTestOptions}.
 * @returns means, difference (B − A), t, df, p-value and interval.
 * @throws {@link InvalidInputError} naming the option (`options.a`, `options.sdB`, …) for a
 *   sample with fewer than 2 values or a non-finite value (with its row), a negative standard
 *   deviation, a size below 2, invalid `alternative` / `confidence`, or when both groups have zero
 *   variance (the standard error is 0 and t is undefined; the issue names both groups).
 *
 * @example
 * ```ts
 * import { meanTest } from 'clmkit';
 * // Order values (EUR) without and with a free-shipping threshold.
 * const r = meanTest({ a: [42, 38, 51, 47, 39, 44], b: [49, 55, 46, 58, 52, 50, 61] });
 * console.log(r.meanA, r.meanB); // 43.5 53
 * console.log(r.t); // ≈ 3.3483 (scipy.stats.ttest_ind(b, a, equal_var=False))
 * console.log(r.df); // ≈ 10.8964
 * console.log(r.pValue); // ≈ 0.0066
 * console.log(r.confidenceInterval.map((x) => x.toFixed(3))); // [ '3.248', '15.752' ]
 *
 * // The same from summary statistics, one-sided (B > A), with a 90% interval:
 * const s = meanTest({ meanA: 43.5, sdA: 4.93, nA: 6, meanB: 53, sdB: 5.42, nB: 7, alternative: 'greater', confidence: 0.9 });
 * console.log(s.confidenceInterval[0]); // ≈ 5.583
 * console.log(s.confidenceInterval[1]); // Infinity
 * ```
 */
export function meanTest(options: MeanTestOptions): MeanTestResult {
  const context = 'meanTest';
  const fromSamples = typeof options === 'object' && (options as unknown) !== null && ('a' in options || 'b' in options);
  let meanA: number;
  let meanB: number;
  let sdA: number;
  let sdB: number;
  let nA: number;
  let nB: number;
  let alternative: Alternative;
  let confidence: number;
  let zeroVariancePaths: [string, string];
  if (fromSamples) {
    const o = parseOptions(samplesSchema, options, context);
    const a = finiteVector(o.a, 'options.a', `${context}: invalid options`);
    const b = finiteVector(o.b, 'options.b', `${context}: invalid options`);
    const issues = new IssueCollector();
    if (a.length < 2) issues.add('options.a', `expected at least 2 values, got ${a.length}`);
    if (b.length < 2) issues.add('options.b', `expected at least 2 values, got ${b.length}`);
    issues.throwIfAny(`${context}: invalid options`);
    [meanA, sdA] = meanAndSd(a);
    [meanB, sdB] = meanAndSd(b);
    nA = a.length;
    nB = b.length;
    alternative = o.alternative ?? 'two-sided';
    confidence = o.confidence ?? 0.95;
    zeroVariancePaths = ['options.a', 'options.b'];
  } else {
    const o = parseOptions(summarySchema, options, context);
    ({ meanA, sdA, nA, meanB, sdB, nB } = o);
    alternative = o.alternative ?? 'two-sided';
    confidence = o.confidence ?? 0.95;
    zeroVariancePaths = ['options.sdA', 'options.sdB'];
  }
  // Standard errors of the two means, combined without overflow or underflow.
  const seA = sdA / Math.sqrt(nA);
  const seB = sdB / Math.sqrt(nB);
  const se = Math.hypot(seA, seB);
  if (se === 0) {
    const message = `both groups have zero variance, so the standard error is 0 and t is undefined (${show(meanA)} vs ${show(meanB)})`;
    throw new InvalidInputError(`${context}: invalid options`, zeroVariancePaths.map((path) => ({ path, message })));
  }
  const m = Math.max(seA, seB);
  const ra = (seA / m) ** 2;
  const rb = (seB / m) ** 2;
  const df = (ra + rb) ** 2 / ((ra * ra) / (nA - 1) + (rb * rb) / (nB - 1));
  const difference = meanB - meanA;
  const t = difference / se;
  const pValue = pFromCdf(t, alternative, (x) => studentTCdf(x, df));
  const q = criticalValue(confidence, alternative, (p) => studentTQuantile(p, df));
  return { meanA, meanB, difference, t, df, pValue, confidenceInterval: interval(difference, q, se, alternative) };
}

/** Mean (with a second-pass correction) and sample standard deviation (divisor n − 1). */
function meanAndSd(x: Float64Array): [number, number] {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  let mean = sum / n;
  let dev = 0;
  for (let i = 0; i < n; i++) dev += x[i] - mean;
  mean += dev / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
  return [mean, Math.sqrt(ss / (n - 1))];
}

/** Options of {@link sampleSize}. */
export interface SampleSizeOptions {
  /** Rate of the control group A (p₁), in (0, 1). */
  baselineRate: number;
  /**
   * Smallest effect worth detecting, **absolute** (in rate points, not relative): p₂ = p₁ + MDE,
   * so 0.05 → 0.06 is `0.01`. Non-zero, with p₂ in (0, 1); positive for `'greater'`, negative for
   * `'less'`. Its sign matters through the variance at p₂: +0.01 and −0.01 give slightly
   * different n.
   */
  minimumDetectableEffect: number;
  /**
   * Probability of rejecting H₀ when the effect is the MDE, in (0, 1).
   * @defaultValue `0.8`
   */
  power?: number;
  /**
   * Significance level, in (0, 1).
   * @defaultValue `0.05`
   */
  alpha?: number;
  /**
   * Alternative of the planned {@link proportionTest}.
   * @defaultValue `'two-sided'`
   */
  alternative?: Alternative;
  /**
   * Allocation ratio nB / nA, > 0 (2 puts twice as many customers in B).
   * @defaultValue `1`
   */
  ratio?: number;
}

/** Result of {@link sampleSize}. */
export interface SampleSizeResult {
  /** Customers needed in group A (control): `exactA` rounded up. */
  readonly nA: number;
  /** Customers needed in group B (treatment): `exactB` rounded up. */
  readonly nB: number;
  /** nA + nB. */
  readonly total: number;
  /** The unrounded n of group A from the formula. */
  readonly exactA: number;
  /** The unrounded n of group B, ratio · exactA. */
  readonly exactB: number;
}

const sampleSizeSchema = z.strictObject({
  baselineRate: unitIntervalSchema,
  minimumDetectableEffect: z.number(),
  power: z.optional(unitIntervalSchema),
  alpha: z.optional(unitIntervalSchema),
  alternative: z.optional(alternativeSchema),
  ratio: z.optional(z.number().check(z.gt(0))),
});

/**
 * Customers needed per group for a two-proportion test ({@link proportionTest}) to detect an
 * **absolute** change `minimumDetectableEffect` of the baseline rate with the given power, by the
 * standard normal-approximation formula (Fleiss, pooled variance under H₀, unpooled under H₁),
 * with p₁ = baselineRate, p₂ = p₁ + MDE, Δ = p₂ − p₁, r = ratio = nB/nA, q = 1 − p:
 *
 * `exactA = (z_α·√(p̄q̄(1 + 1/r)) + z_β·√(p₁q₁ + p₂q₂/r))² / Δ²`, with `p̄ = (p₁ + r·p₂)/(1 + r)`,
 * `z_α = Φ⁻¹(1 − α/2)` (two-sided) or `Φ⁻¹(1 − α)` (one-sided), `z_β = Φ⁻¹(power)`;
 * `exactB = r·exactA`. For r = 1 this is
 * `(z_α·√(2p̄q̄) + z_β·√(p₁q₁ + p₂q₂))² / Δ²`, `p̄ = (p₁ + p₂)/2`.
 *
 * `nA` and `nB` are `exactA` and `exactB` rounded up (a value within 1e-9 of an integer is taken
 * as that integer, so floating-point noise does not add a customer).
 *
 * @param options - see {@link SampleSizeOptions}.
 * @returns `{ nA, nB, total, exactA, exactB }`.
 * @throws {@link InvalidInputError} naming the option: rates, power or alpha outside (0, 1), an MDE
 *   of 0, one that puts p₂ outside (0, 1) or against a one-sided alternative, a ratio ≤ 0, or a
 *   power so low that the formula has no positive solution.
 *
 * @example
 * ```ts
 * import { sampleSize } from 'clmkit';
 * // Baseline conversion 5%; detect a rise to 6% (MDE 0.01 absolute) with 80% power at α = 0.05.
 * const n = sampleSize({ baselineRate: 0.05, minimumDetectableEffect: 0.01 });
 * console.log(n.nA, n.nB, n.total); // 8158 8158 16316
 * console.log(n.exactA); // ≈ 8157.73
 * // One-sided, 90% power, twice as many customers in the treatment group:
 * const m = sampleSize({ baselineRate: 0.05, minimumDetectableEffect: 0.01, power: 0.9, alternative: 'greater', ratio: 2 });
 * console.log(m.nA, m.nB); // 6698 13395
 * ```
 */
export function sampleSize(options: SampleSizeOptions): SampleSizeResult {
  const context = 'sampleSize';
  const o = parseOptions(sampleSizeSchema, options, context);
  const power = o.power ?? 0.8;
  const alpha = o.alpha ?? 0.05;
  const alternative = o.alternative ?? 'two-sided';
  const ratio = o.ratio ?? 1;
  const p1 = o.baselineRate;
  const delta = o.minimumDetectableEffect;
  const p2 = p1 + delta;
  const issues = new IssueCollector();
  const mdePath = 'options.minimumDetectableEffect';
  if (delta === 0) issues.add(mdePath, 'expected a non-zero effect, got 0');
  else if (!(p2 > 0 && p2 < 1)) issues.add(mdePath, `expected baselineRate + minimumDetectableEffect in (0, 1) (an absolute effect), got ${show(p1)} + ${show(delta)} = ${show(p2)}`);
  else if (alternative === 'greater' && delta < 0) issues.add(mdePath, `expected a positive effect for alternative 'greater' (B > A), got ${show(delta)}`);
  else if (alternative === 'less' && delta > 0) issues.add(mdePath, `expected a negative effect for alternative 'less' (B < A), got ${show(delta)}`);
  issues.throwIfAny(`${context}: invalid options`);

  const zAlpha = -normalQuantile(alternative === 'two-sided' ? alpha / 2 : alpha);
  const zBeta = normalQuantile(power);
  const pBar = (p1 + ratio * p2) / (1 + ratio);
  const root = zAlpha * Math.sqrt(pBar * (1 - pBar) * (1 + 1 / ratio)) + zBeta * Math.sqrt(p1 * (1 - p1) + (p2 * (1 - p2)) / ratio);
  if (!(root > 0)) {
    throw new InvalidInputError(`${context}: invalid options`, [
      { path: 'options.power', message: `power ${show(power)} is reached with any sample size at alpha ${show(alpha)}; ask for more power` },
    ]);
  }
  const exactA = (root / delta) ** 2;
  const exactB = ratio * exactA;
  const nA = ceilTolerant(exactA);
  const nB = ceilTolerant(exactB);
  return { nA, nB, total: nA + nB, exactA, exactB };
}

/** ⌈x⌉, except that x within 1e-9 (relative) of an integer is that integer. */
function ceilTolerant(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, r) ? Math.max(1, r) : Math.max(1, Math.ceil(x));
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** p-value of statistic `s` under a symmetric null with distribution function `cdf`. */
function pFromCdf(s: number, alternative: Alternative, cdf: (x: number) => number): number {
  if (alternative === 'greater') return cdf(-s);
  if (alternative === 'less') return cdf(s);
  return Math.min(1, 2 * cdf(-Math.abs(s)));
}

/** The critical value for the interval: the (1+c)/2 quantile two-sided, the c quantile one-sided. */
function criticalValue(confidence: number, alternative: Alternative, quantile: (p: number) => number): number {
  const tail = alternative === 'two-sided' ? (1 - confidence) / 2 : 1 - confidence;
  return -quantile(tail);
}

function interval(estimate: number, q: number, se: number, alternative: Alternative): readonly [number, number] {
  const half = q * se;
  if (alternative === 'greater') return [estimate - half, Infinity];
  if (alternative === 'less') return [-Infinity, estimate + half];
  return [estimate - half, estimate + half];
}
