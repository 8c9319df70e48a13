/**
 * Special functions for likelihoods in log space: `lgamma` (Lanczos), `digamma`, `lbeta`,
 * `logAddExp`, `log1mexp`, and the Gauss hypergeometric function 2F1 for every real z < 1 (Pfaff
 * and Euler transformations, and the 1 − z connection formula near z = 1), with a log-space
 * variant that does not overflow for large parameters.
 *
 * Internal to clmkit (used by the buy-till-you-die models); not part of the public API.
 *
 * @internal
 * @module
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LANCZOS_G = 607 / 128;
// Godfrey's coefficients for g = 607/128, n = 15 (relative error ~1e-15).
const LANCZOS = [
  0.9999999999999971, 57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202,
  3.399464998481189e-05, 4.652362892704858e-05, -9.837447530487956e-05, 0.0001580887032249125,
  -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639, 8.441822398385275e-05,
  -2.6190838401581408e-05, 3.6899182659531625e-06,
];

function lanczosSum(x: number): number {
  // x is already shifted (x − 1).
  let a = LANCZOS[0];
  for (let i = 1; i < 15; i++) a += LANCZOS[i] / (x + i);
  return a;
}

/**
 * ln |Γ(x)| (Lanczos approximation, g = 607/128, relative error about 1e-15; the reflection
 * formula below 1/2). `+Infinity` at the poles x = 0, −1, −2, …; NaN for NaN.
 *
 * @example
 * ```ts
 * import { lgamma } from '../math/special.js';
 * lgamma(5); // ≈ 3.17805383034794 (ln 24)
 * ```
 * @internal
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x < 0.5) {
    if (x === Math.floor(x)) return Infinity;
    // Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  const z = x - 1;
  const t = z + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(lanczosSum(z));
}

/**
 * Sign of Γ(x): 1 for x > 0, ±1 between the negative poles, NaN at the poles.
 *
 * @example
 * ```ts
 * import { gammaSign } from '../math/special.js';
 * gammaSign(-0.5); // -1
 * ```
 * @internal
 */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  if (x === Math.floor(x)) return NaN;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** sin(πx) with exact zeros at integers. */
function sinPi(x: number): number {
  const r = x - 2 * Math.floor(x / 2); // in [0, 2)
  if (r === 0 || r === 1) return 0;
  // Reduce to |argument| ≤ π/2 (the subtractions are exact), keeping relative accuracy near zeros.
  if (r < 0.5) return Math.sin(Math.PI * r);
  if (r < 1.5) return Math.sin(Math.PI * (1 - r));
  return Math.sin(Math.PI * (r - 2));
}

/**
 * The digamma function ψ(x) = d/dx ln Γ(x) (recurrence up to x ≥ 10, then the asymptotic series;
 * reflection for x < 0). NaN at the poles x = 0, −1, −2, ….
 *
 * @example
 * ```ts
 * import { digamma } from '../math/special.js';
 * digamma(1); // ≈ -0.57721566490153 (−γ)
 * ```
 * @internal
 */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) {
    if (x === Math.floor(x)) return NaN;
    // ψ(1 − x) − ψ(x) = π cot(πx)
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * (x - Math.floor(x)));
  }
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // ln x − 1/(2x) − Σ B_2k / (2k x^2k)
  const series =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))));
  return acc + Math.log(x) - 0.5 * inv - series;
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0.
 *
 * @example
 * ```ts
 * import { lbeta } from '../math/special.js';
 * lbeta(2, 3); // ≈ -2.484906649788 (ln 1/12)
 * ```
 * @internal
 */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/**
 * ln(e^a + e^b) without overflow; `-Infinity` when both are `-Infinity`.
 *
 * @example
 * ```ts
 * import { logAddExp } from '../math/special.js';
 * logAddExp(1000, 1000); // ≈ 1000.6931471805599
 * ```
 * @internal
 */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * ln(1 − e^x) for x < 0, accurate for x near 0 and very negative x (Mächler 2012); NaN for
 * x > 0, `-Infinity` at 0.
 *
 * @example
 * ```ts
 * import { log1mexp } from '../math/special.js';
 * log1mexp(-1e-10); // ≈ -23.025850929990458
 * ```
 * @internal
 */
export function log1mexp(x: number): number {
  if (x > 0 || Number.isNaN(x)) return NaN;
  if (x === 0) return -Infinity;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** A real number as sign × e^log (`sign` 0 for zero; `log` −Infinity then). */
export interface SignedLog {
  /** ln of the absolute value. */
  readonly log: number;
  /** −1, 0 or 1 (NaN when the value is undefined). */
  readonly sign: number;
}

const EPS = 1e-17;
const NEAR_INTEGER = 1e-5;
const RESCALE = 1e250;
const LOG_RESCALE = Math.log(RESCALE);

/**
 * Sum the 2F1 series Σ (a)_n (b)_n / ((c)_n n!) w^n with running rescaling (so huge terms do not
 * overflow). Returns null when it did not converge within `maxTerms`.
 */
function seriesLog(a: number, b: number, c: number, w: number, maxTerms: number): SignedLog | null {
  let term = 1;
  let sum = 1;
  let scale = 0; // the true values are term·e^scale and sum·e^scale
  for (let n = 0; n < maxTerms; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * w;
    term *= ratio;
    sum += term;
    if (term === 0) return finish(sum, scale);
    // Tail bound: the ratio of this series tends to |w| monotonically for large n, so once the
    // larger of the current ratio, the next one and |w| is below 1 it bounds every later ratio.
    const absRatio = Math.abs(ratio);
    if (absRatio < 1 && Math.abs(term) <= EPS * Math.abs(sum)) {
      const nextRatio = Math.abs((((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2))) * w);
      const bound = Math.max(absRatio, nextRatio, Math.abs(w));
      if (bound < 1 && Math.abs(term) * bound <= EPS * Math.abs(sum) * (1 - bound)) return finish(sum, scale);
    }
    if (Math.abs(sum) > RESCALE || Math.abs(term) > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      scale += LOG_RESCALE;
    }
    if (!Number.isFinite(sum)) return null;
  }
  return null;
}

function finish(sum: number, scale: number): SignedLog {
  if (sum === 0) return { log: -Infinity, sign: 0 };
  return { log: Math.log(Math.abs(sum)) + scale, sign: Math.sign(sum) };
}

/** Cost heuristic: how large the series' terms get before the ratio falls below 1. */
function seriesCost(a: number, b: number, c: number): number {
  return Math.abs(a * b) / Math.max(Math.abs(c), 1e-300);
}

function isNonPositiveInteger(x: number): boolean {
  return x <= 0 && x === Math.floor(x);
}

/** 1 / Γ(x) as a signed log (zero at the poles). */
function rgammaLog(x: number): SignedLog {
  if (isNonPositiveInteger(x)) return { log: -Infinity, sign: 0 };
  return { log: -lgamma(x), sign: gammaSign(x) };
}

/**
 * 2F1(a, b; c; w) for 0 ≤ w < 1, as a signed log, times e^logPre. Chooses between the direct
 * series and Euler's transformation (1 − w)^(c−a−b) 2F1(c−a, c−b; c; w), and near w = 1 uses the
 * connection formula in 1 − w (Abramowitz & Stegun 15.3.6).
 */
function hyp2f1Unit(a: number, b: number, c: number, w: number): SignedLog {
  if (w === 0) return { log: 0, sign: 1 };
  const d = c - a - b;
  const logOneMinusW = Math.log1p(-w);
  const eulerFirst = seriesCost(c - a, c - b, c) < seriesCost(a, b, c);
  const attempt = (maxTerms: number): SignedLog | null => {
    for (const euler of eulerFirst ? [true, false] : [false, true]) {
      const s = euler ? seriesLog(c - a, c - b, c, w, maxTerms) : seriesLog(a, b, c, w, maxTerms);
      if (s !== null) return euler ? { log: s.log + d * logOneMinusW, sign: s.sign } : s;
    }
    return null;
  };
  // Terminating series (a or b a non-positive integer) are always summed directly.
  if (isNonPositiveInteger(a) || isNonPositiveInteger(b)) {
    const s = seriesLog(a, b, c, w, 1e7);
    return s ?? { log: NaN, sign: NaN };
  }
  const quick = attempt(w <= 0.9 ? 20000 : 3000);
  if (quick !== null) return quick;
  const gap = Math.round(d) - d;
  if (Math.abs(gap) >= NEAR_INTEGER) return connection(a, b, c, w);
  if (1 - w >= 1e-4) {
    const slow = attempt(1_000_000);
    if (slow !== null) return slow;
  }
  // c − a − b within NEAR_INTEGER of an integer (where 15.3.6 has a removable singularity) and
  // w within 1e-4 of 1: symmetric averages of the formula at c ± h and c ± 2h (h = 2·NEAR_INTEGER,
  // so c − a − b stays away from the integer), combined by Richardson extrapolation (error O(h⁴)).
  const h = 2 * NEAR_INTEGER;
  const ref = connection(a, b, c + h, w);
  const at = (cc: number): number => {
    const v = connection(a, b, cc, w);
    return v.sign * Math.exp(v.log - ref.log);
  };
  const avg1 = 0.5 * (at(c - h) + 1 * ref.sign);
  const avg2 = 0.5 * (at(c - 2 * h) + at(c + 2 * h));
  const v = (4 * avg1 - avg2) / 3;
  return { log: Math.log(Math.abs(v)) + ref.log, sign: Math.sign(v) };
}

/** A&S 15.3.6, c − a − b not an integer, terms combined in log space. */
function connection(a: number, b: number, c: number, w: number): SignedLog {
  const d = c - a - b;
  const u = 1 - w;
  const gc = { log: lgamma(c), sign: gammaSign(c) };
  const r1a = rgammaLog(c - a);
  const r1b = rgammaLog(c - b);
  const s1 = seriesLog(a, b, 1 - d, u, 1e6);
  const r2a = rgammaLog(a);
  const r2b = rgammaLog(b);
  const s2 = seriesLog(c - a, c - b, 1 + d, u, 1e6);
  if (s1 === null || s2 === null) return { log: NaN, sign: NaN };
  const t1 = {
    log: gc.log + lgamma(d) + r1a.log + r1b.log + s1.log,
    sign: gc.sign * gammaSign(d) * r1a.sign * r1b.sign * s1.sign,
  };
  const t2 = {
    log: gc.log + lgamma(-d) + r2a.log + r2b.log + s2.log + d * Math.log(u),
    sign: gc.sign * gammaSign(-d) * r2a.sign * r2b.sign * s2.sign,
  };
  return addSigned(t1, t2);
}

function addSigned(p: SignedLog, q: SignedLog): SignedLog {
  if (p.sign === 0 || p.log === -Infinity) return q;
  if (q.sign === 0 || q.log === -Infinity) return p;
  const hi = p.log >= q.log ? p : q;
  const lo = p.log >= q.log ? q : p;
  const v = hi.sign + lo.sign * Math.exp(lo.log - hi.log);
  if (v === 0) return { log: -Infinity, sign: 0 };
  return { log: hi.log + Math.log(Math.abs(v)), sign: Math.sign(v) };
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1, as sign × e^log, so that it
 * neither overflows nor underflows for large parameters. z < 0 goes through Pfaff's
 * transformation to w = z / (z − 1) ∈ (0, 1); on [0, 1) the cheaper of the direct series and
 * Euler's transformation is summed, and close to 1 the connection formula in 1 − w is used
 * (c − a − b within 1e-5 of an integer: the formula at two nearby c, interpolated
 * when w > 1 − 1e-4, otherwise the long series; about 1e-10 relative accuracy in that corner,
 * 1e-12 or better elsewhere, in ln|2F1|).
 * NaN when c is a non-positive integer or z ≥ 1.
 *
 * @example
 * ```ts
 * import { hyp2f1Signed } from '../math/special.js';
 * hyp2f1Signed(1000, 1000, 1000.5, 0.9).sign; // 1
 * ```
 * @internal
 */
export function hyp2f1Signed(a: number, b: number, c: number, z: number): SignedLog {
  if (!(z < 1) || Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(c) || isNonPositiveInteger(c)) {
    return { log: NaN, sign: NaN };
  }
  if (z === 0 || a === 0 || b === 0) return { log: 0, sign: 1 };
  if (z > 0) return hyp2f1Unit(a, b, c, z);
  // Pfaff: 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1)) = (1−z)^(−b) 2F1(c−a, b; c; z/(z−1)).
  const w = z / (z - 1);
  const l1z = Math.log1p(-z);
  const useA = seriesCost(a, c - b, c) <= seriesCost(c - a, b, c);
  const inner = useA ? hyp2f1Unit(a, c - b, c, w) : hyp2f1Unit(c - a, b, c, w);
  return { log: inner.log - (useA ? a : b) * l1z, sign: inner.sign };
}

/**
 * 2F1(a, b; c; z), the Gauss hypergeometric function, for real z < 1 (see
 * {@link hyp2f1Signed} for the method). May overflow to ±Infinity for huge parameters; use
 * {@link logHyp2f1} then.
 *
 * @example
 * ```ts
 * import { hyp2f1 } from '../math/special.js';
 * hyp2f1(1, 1, 2, -1); // ≈ 0.69314718055995 (ln 2)
 * ```
 * @internal
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const s = hyp2f1Signed(a, b, c, z);
  return s.sign === 0 ? 0 : s.sign * Math.exp(s.log);
}

/**
 * ln 2F1(a, b; c; z) for real z < 1 when the value is positive (the usual case, e.g. a, b, c > 0
 * and 0 ≤ z < 1); NaN when it is negative, `-Infinity` when it is zero.
 *
 * @example
 * ```ts
 * import { logHyp2f1 } from '../math/special.js';
 * logHyp2f1(500, 500, 1, 0.99); // finite, although 2F1 itself overflows
 * ```
 * @internal
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  const s = hyp2f1Signed(a, b, c, z);
  if (s.sign === 0) return -Infinity;
  return s.sign > 0 ? s.log : NaN;
}
