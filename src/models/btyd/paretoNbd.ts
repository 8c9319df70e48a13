/**
 * The Pareto/NBD model of Schmittlein, Morrison & Colombo (1987), "Counting Your Customers: Who
 * Are They and What Will They Do Next?", Management Science 33(1), in the likelihood form of
 * Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions"
 * (brucehardie.com note 008).
 *
 * ## Model
 * While alive, a customer makes repeat purchases as a Poisson process with rate λ; the customer's
 * lifetime is exponential with rate μ (unobserved dropout, at any time); across customers
 * λ ~ Gamma(r, α) and μ ~ Gamma(s, β), independently. The data per customer are x (repeat
 * purchases), t_x (time of the last one) and T (time observed), all from the first purchase.
 *
 * ## Likelihood, and how it is kept finite
 *
 *     L(r, α, s, β | x, t_x, T) = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s/(r+s+x) · A0 ]
 *     A0 = (r+s+x) ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ = I(t_x) − I(T)
 *
 * The note writes I(y) with 2F1(a, ·; a+1; z_y)/(max(α, β) + y)^a, a = r+s+x, choosing the form
 * by whether α ≥ β so that z_y = |α−β|/(max(α,β)+y) lies in [0, 1). Evaluated naively (as in
 * lifetimes' issues #302/#332) those 2F1 values overflow for large x: with α < β the series of
 * 2F1(a, r+x; a+1; z) has terms growing like n^(r+x). Here Euler's transformation
 * 2F1(a, b; a+1; z) = (1−z)^(1−b) 2F1(1, a+1−b; a+1; z) is applied first:
 *
 *     α ≥ β:  I(y) = (α+y)^−(r+x) (β+y)^−s    · F(1, r+x; a+1; (α−β)/(α+y))
 *     α < β:  I(y) = (α+y)^(1−r−x) (β+y)^−(s+1) · F(1, s+1; a+1; (β−α)/(β+y))
 *
 * F(1, b; c; z) = Σ (b)_n/(c)_n zⁿ with c > b has positive terms, each ratio below z, so it is
 * between 1 and 1/(1−z) and is summed to full precision with a rigorous tail bound; everything
 * else is in logs, and A0 = I(t_x)·(1 − e^{ln I(T) − ln I(t_x)}) via log1mexp. Where the series
 * would need more than 1,500 terms (z near 1, e.g. α/β ≈ 1e-3 with t_x = 0), Gauss's continued
 * fraction for F(1, b; c; z) takes over (its cost grows like 1/√(1−z), not 1/(1−z)); within
 * ~4e-5 of z = 1 (where long fractions lose digits), A0 comes from adaptive Gauss–Kronrod (7/15)
 * quadrature of its integral in v = ln(min(α, β) + τ), scaled by its maximum. Against 50-digit mpmath values the
 * log-likelihood agrees to ~1e-13 relative over x ≤ 1,000, t_x, T ≤ 1,000 and α/β from 1e-8 to
 * 1e8.
 *
 * ## Gradient (analytic)
 * The gradient of ln L in (r, α, s, β) is analytic: closed-form terms (ψ from the Γ ratio, the
 * logs and powers) plus ∂ ln F/∂b, ∂/∂c, ∂/∂z, which are summed alongside F from the same series
 * (∂/∂b of the n-th term is the term times Σ_{k<n} 1/(b+k), and so on). In the continued-fraction
 * branch ∂/∂z is exact (z F′ = [bzF − (c−1)(F−1)]/(1−z), from the series' term recurrence) and
 * ∂/∂b, ∂/∂c are central differences of ln F (error ~1e-10); in the quadrature branch the
 * derivatives of A0 are integrated under the integral sign in the same pass. The fit runs L-BFGS
 * over the log-parameters on the unique (x, t_x, T) triples (the shared BTYD driver, with its
 * Nelder–Mead fallback and restarts) and takes standard errors from the Hessian.
 *
 * ## Predictions
 * - E[X(t)] = rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)] (limit rβ/α · ln(1+t/β) at s = 1);
 * - P(alive | x, t_x, T) = (α+T)^−(r+x) (β+T)^−s / [ (α+T)^−(r+x) (β+T)^−s + s/(r+s+x) A0 ];
 * - E[Y(t) | x, t_x, T] = (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive);
 * - P(X(t) = n) (Fader, Hardie & Lee 2006, "Deriving an Expression for P(X(t) = x) Under the
 *   Pareto/NBD Model") = (β/(β+t))^s · NB(n; r, α/(α+t)) +
 *   s β^s α^r Γ(r+n)/(Γ(r) n!) ∫_0^t τ^n (α+τ)^−(r+n) (β+τ)^−(s+1) dτ, the integral (the note's
 *   2F1 sum, which cancels for small t) by adaptive quadrature.
 *
 * @module
 */
import type { TimeUnit } from '../../data/types.js';
import { InvalidInputError, type InputIssue } from '../../errors.js';
import { createRandom } from '../../math/random.js';
import { digamma, lgamma, log1mexp, logAddExp } from '../../math/special.js';
import { show } from '../../validate.js';
import {
  btydModelJson,
  checkModelJson,
  compressRfm,
  fitMaximumLikelihood,
  parseBtydFitOptions,
  predictBatch,
  readRfm,
  unitOf,
  type BtydFitOptions,
  type BtydInput,
  type BtydModelJson,
  type CustomerRfm,
  type RfmData,
  type TransactionModel,
} from './common.js';

/** The four Pareto/NBD parameters: purchase rates λ ~ Gamma(r, α), dropout rates μ ~ Gamma(s, β). */
export type ParetoNbdParams = {
  /** Shape of the gamma distribution of purchase rates λ. */
  readonly r: number;
  /** Rate (inverse scale) of the gamma distribution of purchase rates, in the data's time unit. */
  readonly alpha: number;
  /** Shape of the gamma distribution of dropout rates μ. */
  readonly s: number;
  /** Rate (inverse scale) of the gamma distribution of dropout rates, in the data's time unit. */
  readonly beta: number;
};

// ---------------------------------------------------------------------------------------------
// The Gauss hypergeometric part: F(1, b; c; z) by its series, with derivatives

/** Terms of the 2F1 series before it gives way to the continued fraction (z close to 1). */
const MAX_SERIES_TERMS = 1500;
const SERIES_EPS = 1e-17;
/** Steps of the continued fraction before it gives way to quadrature (z extremely close to 1). */
const MAX_FRACTION_STEPS = 3_000;

/**
 * ln F(1, b; c; z) and its partial derivatives ∂/∂b, ∂/∂c, ∂/∂z of ln F, for 0 < b < c and
 * 0 ≤ z < 1, by the power series Σ (b)_n/(c)_n zⁿ: every term is positive and each ratio
 * z(b+n)/(c+n) is below z, so the tail after a term t is below t·z/(1−z). Writes
 * [ln F, ∂_b, ∂_c, ∂_z] into `out` and returns true. When the series would need more than
 * {@link MAX_SERIES_TERMS} terms (z close to 1) it hands over to the continued fraction
 * ({@link logHyp1ByFraction}), and returns false only when that fails too.
 */
function logHyp1(b: number, c: number, z: number, out: Float64Array, at: number): boolean {
  let term = 1;
  let sum = 1;
  let sb = 0; // Σ_{k<n} 1/(b+k)
  let sc = 0; // Σ_{k<n} 1/(c+k)
  let db = 0;
  let dc = 0;
  let dz = 0;
  const margin = 1 + z / (1 - z);
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    const ratio = (b + n) / (c + n);
    sb += 1 / (b + n);
    sc += 1 / (c + n);
    dz += (n + 1) * term * ratio; // d/dz of the next term: (n+1)·coef_{n+1}·zⁿ
    term *= ratio * z;
    sum += term;
    db += term * sb;
    dc -= term * sc;
    // the derivative sums carry extra factors (ln n, n): ask for a margin of n + 2
    if (term * (n + 2) * margin <= SERIES_EPS * sum) {
      out[at] = Math.log(sum);
      out[at + 1] = db / sum;
      out[at + 2] = dc / sum;
      out[at + 3] = dz / sum;
      return true;
    }
  }
  return logHyp1ByFraction(b, c, z, out, at);
}

/**
 * F(1, b; c; z) by Gauss's continued fraction (the S-fraction of F(b, 1; c; z)/F(b, 0; c−1; z)),
 * F = 1/(1 − k₁z/(1 − k₂z/(1 − …))) with k_{2n+1} = (b+n)(c−1+n)/((c−1+2n)(c+2n)) and
 * k_{2n} = n(c−1−b+n)/((c−2+2n)(c−1+2n)), all positive for c > b > 0, evaluated by the modified
 * Lentz method. Near z = 1 it needs about 18/√(1−z) steps where the series needs ~40/(1−z).
 * NaN when it has not converged in {@link MAX_FRACTION_STEPS} steps.
 */
function hyp1Fraction(b: number, c: number, z: number): number {
  const tiny = 1e-300;
  let f = 1;
  let C = 1;
  let D = 0;
  for (let j = 1; j <= MAX_FRACTION_STEPS; j++) {
    let k: number;
    if (j % 2 === 1) {
      const n = (j - 1) / 2;
      k = ((b + n) * (c - 1 + n)) / ((c - 1 + 2 * n) * (c + 2 * n));
    } else {
      const n = j / 2;
      k = (n * (c - 1 - b + n)) / ((c - 2 + 2 * n) * (c - 1 + 2 * n));
    }
    const aj = -k * z;
    D = 1 + aj * D;
    if (D === 0) D = tiny;
    C = 1 + aj / C;
    if (C === 0) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) <= 1e-16) return 1 / f;
  }
  return NaN;
}

/**
 * The continued-fraction branch of {@link logHyp1}: ln F from {@link hyp1Fraction}; ∂ ln F/∂z
 * exactly from F through the recurrence of the series' terms,
 * z F′ = [b z F − (c−1)(F−1)]/(1−z); ∂/∂b and ∂/∂c by central differences of ln F (relative
 * step 1e-5, error ~1e-10). False when the fraction does not converge either.
 */
function logHyp1ByFraction(b: number, c: number, z: number, out: Float64Array, at: number): boolean {
  // ~18/√(1−z) steps: leave z within ~4e-5 of 1 to the quadrature straight away
  if (18 / Math.sqrt(1 - z) > MAX_FRACTION_STEPS) return false;
  const F = hyp1Fraction(b, c, z);
  if (!(F >= 1 && Number.isFinite(F))) return false;
  const hb = 1e-5 * Math.max(1, b);
  const hc = 1e-5 * Math.max(1, c);
  const bUp = hyp1Fraction(b + hb, c, z);
  const bDn = hyp1Fraction(b - hb, c, z);
  const cUp = hyp1Fraction(b, c + hc, z);
  const cDn = hyp1Fraction(b, c - hc, z);
  if (!(bUp > 0 && bDn > 0 && cUp > 0 && cDn > 0)) return false;
  out[at] = Math.log(F);
  out[at + 1] = (Math.log(bUp) - Math.log(bDn)) / (2 * hb);
  out[at + 2] = (Math.log(cUp) - Math.log(cDn)) / (2 * hc);
  // F′/F = [b F − (c−1)(F−1)/z]/((1−z) F); at z → 0 this tends to b/c, but z is near 1 here
  out[at + 3] = (b * F - ((c - 1) * (F - 1)) / z) / ((1 - z) * F);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Adaptive Gauss–Kronrod (7/15) quadrature of a vector integrand: the fallback for A0 when the
// series is too slow, and P(X(t) = n).

/** Kronrod nodes (QUADPACK qk15): ±XGK[i], the last is 0. */
const XGK = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691,
  0.7415311855993945, 0.5860872354676911, 0.4058451513773972,
  0.20778495500789848, 0,
];
/** Kronrod weights. */
const WGK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019,
  0.14065325971552592, 0.1690047266392679, 0.19035057806478542,
  0.20443294007529889, 0.20948214108472782,
];
/** Gauss weights of the embedded 7-point rule, at XGK[1], XGK[3], XGK[5], XGK[7]. */
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

/** f(v, out) writes `dim` integrand components at v into out[0..dim). */
type VectorIntegrand = (v: number, out: Float64Array) => void;

const MAX_PANELS = 400;

/**
 * ∫_lo^hi f over [lo, hi], component-wise, adaptively bisecting the panel with the largest error
 * estimate of component 0 until the total estimate is below `relTol`·|total of component 0|
 * (or {@link MAX_PANELS} panels). Writes the integrals into `result`.
 */
function integrate(f: VectorIntegrand, dim: number, lo: number, hi: number, relTol: number, result: Float64Array): void {
  const tmp = new Float64Array(dim);
  const kron = new Float64Array(dim);
  const panelLo: number[] = [];
  const panelHi: number[] = [];
  const panelErr: number[] = [];
  const panelVal: Float64Array[] = [];
  const rule = (a: number, b: number): number => {
    const half = 0.5 * (b - a);
    const mid = 0.5 * (a + b);
    kron.fill(0);
    let gauss = 0;
    for (let i = 0; i < 8; i++) {
      const nodes = i === 7 ? 1 : 2;
      for (let side = 0; side < nodes; side++) {
        f(mid + (side === 0 ? 1 : -1) * half * XGK[i], tmp);
        for (let d = 0; d < dim; d++) kron[d] += WGK[i] * tmp[d];
        if (i % 2 === 1) gauss += WG[(i - 1) / 2] * tmp[0];
      }
    }
    for (let d = 0; d < dim; d++) kron[d] *= half;
    return Math.abs(kron[0] - gauss * half);
  };
  const push = (a: number, b: number): void => {
    const err = rule(a, b);
    panelLo.push(a);
    panelHi.push(b);
    panelErr.push(err);
    panelVal.push(Float64Array.from(kron));
  };
  push(lo, hi);
  for (;;) {
    let total = 0;
    let errTotal = 0;
    let worst = 0;
    for (let k = 0; k < panelErr.length; k++) {
      total += panelVal[k][0];
      errTotal += panelErr[k];
      if (panelErr[k] > panelErr[worst]) worst = k;
    }
    if (errTotal <= relTol * Math.abs(total) || panelErr.length >= MAX_PANELS || !(errTotal > 0)) break;
    const a = panelLo[worst];
    const b = panelHi[worst];
    const m = 0.5 * (a + b);
    if (!(m > a && m < b)) break;
    // replace the worst panel by its left half, append its right half
    const errL = rule(a, m);
    panelHi[worst] = m;
    panelErr[worst] = errL;
    panelVal[worst] = Float64Array.from(kron);
    push(m, b);
  }
  result.fill(0);
  for (const v of panelVal) for (let d = 0; d < dim; d++) result[d] += v[d];
}

// ---------------------------------------------------------------------------------------------
// A0 and the log-likelihood of one customer

/**
 * Scratch (module-level, so the hot path allocates nothing): the series results at t_x
 * ([0..4)) and T ([4..8)); A0's log and gradient ([8..13)).
 */
const HYP = new Float64Array(8);
const A0 = new Float64Array(5);
const QUAD = new Float64Array(5);

/** The last (b, c, z) evaluated at the t_x end, and whether it succeeded (its values stay in HYP[0..4)). */
let memoB = NaN;
let memoC = NaN;
let memoZ = NaN;
let memoOk = false;

/**
 * {@link logHyp1} into HYP[0..4), remembering the last arguments: the fit visits the triples
 * sorted by (x, t_x), so customers with the same x and t_x (all x = 0 customers, for one) share
 * the t_x end's series.
 */
function cachedHyp1(b: number, c: number, z: number): boolean {
  if (b === memoB && c === memoC && z === memoZ) return memoOk;
  memoOk = logHyp1(b, c, z, HYP, 0);
  memoB = b;
  memoC = c;
  memoZ = z;
  return memoOk;
}

/**
 * ln A0 and ∂ ln A0/∂(r, α, s, β) into {@link A0}, where (Fader & Hardie 2005, note 008)
 *
 *     A0 = (r+s+x) ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ = I(t_x) − I(T),
 *
 * with I(y) = 2F1(a, ·; a+1; z_y) / (max(α,β) + y)^a, a = r+s+x, evaluated (after Euler's
 * transformation 2F1(a, b; a+1; z) = (1−z)^(1−b) 2F1(1, a+1−b; a+1; z)) as
 *
 *     α ≥ β:  I(y) = (α+y)^−(r+x) (β+y)^−s   F(1, r+x; a+1; (α−β)/(α+y)),
 *     α < β:  I(y) = (α+y)^(1−r−x) (β+y)^−(s+1) F(1, s+1; a+1; (β−α)/(β+y)),
 *
 * whose series has positive terms and an argument in [0, 1) (near 1, Gauss's continued fraction).
 * When the argument is within ~4e-5 of 1, A0 comes from adaptive Gauss–Kronrod quadrature of
 * the integral in v = ln(min(α, β) + τ) instead, with the gradient from differentiating under
 * the integral sign.
 * A0 = 0 (ln A0 = −∞, gradient 0) when t_x = T.
 */
function computeLogA0(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): void {
  if (!(tx < T)) {
    A0[0] = -Infinity;
    A0[1] = A0[2] = A0[3] = A0[4] = 0;
    return;
  }
  const a = r + s + x;
  const swap = alpha < beta;
  // series at y = t_x (slot 0) and y = T (slot 4)
  let ok: boolean;
  if (!swap) {
    ok = cachedHyp1(r + x, a + 1, (alpha - beta) / (alpha + tx)) && logHyp1(r + x, a + 1, (alpha - beta) / (alpha + T), HYP, 4);
  } else {
    ok = cachedHyp1(s + 1, a + 1, (beta - alpha) / (beta + tx)) && logHyp1(s + 1, a + 1, (beta - alpha) / (beta + T), HYP, 4);
  }
  if (!ok) {
    logA0ByQuadrature(r, alpha, s, beta, x, tx, T);
    return;
  }
  // ln I and its gradient at both ends
  let li0 = 0;
  let li1 = 0;
  let g0r = 0, g0a = 0, g0s = 0, g0b = 0;
  let g1r = 0, g1a = 0, g1s = 0, g1b = 0;
  for (let end = 0; end < 2; end++) {
    const y = end === 0 ? tx : T;
    const o = end * 4;
    const lnF = HYP[o];
    const Gb = HYP[o + 1];
    const Gc = HYP[o + 2];
    const Gz = HYP[o + 3];
    const ay = alpha + y;
    const by = beta + y;
    const lay = Math.log(ay);
    const lby = Math.log(by);
    let li: number, gr: number, ga: number, gs: number, gb: number;
    if (!swap) {
      li = -(r + x) * lay - s * lby + lnF;
      gr = -lay + Gb + Gc;
      gs = -lby + Gc;
      ga = -(r + x) / ay + (Gz * by) / (ay * ay);
      gb = -s / by - Gz / ay;
    } else {
      li = (1 - r - x) * lay - (1 + s) * lby + lnF;
      gr = -lay + Gc;
      gs = -lby + Gb + Gc;
      ga = (1 - r - x) / ay - Gz / by;
      gb = -(1 + s) / by + (Gz * ay) / (by * by);
    }
    if (end === 0) {
      li0 = li;
      g0r = gr; g0a = ga; g0s = gs; g0b = gb;
    } else {
      li1 = li;
      g1r = gr; g1a = ga; g1s = gs; g1b = gb;
    }
  }
  const d = li1 - li0; // ln(I(T)/I(t_x)) < 0
  if (!(d < 0)) {
    // t_x and T so close that I(t_x) and I(T) agree to every digit: A0 is negligible
    A0[0] = -Infinity;
    A0[1] = A0[2] = A0[3] = A0[4] = 0;
    return;
  }
  const rho = Math.exp(d);
  const k = 1 / (1 - rho);
  A0[0] = li0 + log1mexp(d);
  A0[1] = k * (g0r - rho * g1r);
  A0[2] = k * (g0a - rho * g1a);
  A0[3] = k * (g0s - rho * g1s);
  A0[4] = k * (g0b - rho * g1b);
}

/** The last quadrature's arguments and integrals (scaled by e^−shift), extended by the next call. */
const QMEMO = new Float64Array(5);
let qmR = NaN;
let qmAlpha = NaN;
let qmS = NaN;
let qmBeta = NaN;
let qmX = NaN;
let qmTx = NaN;
let qmT = NaN;
let qmShift = 0;
const QPART = new Float64Array(5);

/**
 * The quadrature branch of {@link computeLogA0}. The fit visits triples sorted by (x, t_x, T), so
 * when the previous call had the same parameters, x and t_x and a smaller T, only (T_prev, T] is
 * integrated and added to the remembered integrals.
 */
function logA0ByQuadrature(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): void {
  const p = r + x;
  const q = s + 1;
  const a = r + s + x;
  // v = ln(m + τ) with m = min(α, β): the integrand's sharp part, (m+τ)^−·, becomes smooth in v
  const m = Math.min(alpha, beta);
  const base = m + tx;
  const v0 = Math.log(base);
  const extend = r === qmR && alpha === qmAlpha && s === qmS && beta === qmBeta && x === qmX && tx === qmTx && T > qmT;
  const lo = extend ? Math.log(m + qmT) : v0;
  const hi = Math.log(m + T);
  // ln of the integrand in v, (α+τ)^−p (β+τ)^−q (m+τ), with τ = e^v − m written without cancellation
  const logH = (v: number): number => {
    const tau = tx + base * Math.expm1(v - v0);
    return -p * Math.log(alpha + tau) - q * Math.log(beta + tau) + v;
  };
  let shift = -Infinity;
  for (let i = 0; i <= 32; i++) shift = Math.max(shift, logH(lo + ((hi - lo) * i) / 32));
  integrate(
    (v, out) => {
      const tau = tx + base * Math.expm1(v - v0);
      const at = alpha + tau;
      const bt = beta + tau;
      const la = Math.log(at);
      const lb = Math.log(bt);
      const h = Math.exp(-p * la - q * lb + v - shift);
      out[0] = h;
      out[1] = -la * h; // ∂/∂r
      out[2] = (-p * h) / at; // ∂/∂α
      out[3] = -lb * h; // ∂/∂s
      out[4] = (-q * h) / bt; // ∂/∂β
    },
    5,
    lo,
    hi,
    1e-13,
    QPART,
  );
  if (extend) {
    const common = Math.max(shift, qmShift);
    const wPrev = Math.exp(qmShift - common);
    const wPart = Math.exp(shift - common);
    for (let d = 0; d < 5; d++) QUAD[d] = QMEMO[d] * wPrev + QPART[d] * wPart;
    shift = common;
  } else {
    QUAD.set(QPART);
  }
  QMEMO.set(QUAD);
  qmR = r;
  qmAlpha = alpha;
  qmS = s;
  qmBeta = beta;
  qmX = x;
  qmTx = tx;
  qmT = T;
  qmShift = shift;
  const J = QUAD[0];
  A0[0] = Math.log(a) + shift + Math.log(J);
  A0[1] = 1 / a + QUAD[1] / J;
  A0[2] = QUAD[2] / J;
  A0[3] = 1 / a + QUAD[3] / J;
  A0[4] = QUAD[4] / J;
}

/** Scratch for {@link customerTerms}: [ln L, ∂/∂r, ∂/∂α, ∂/∂s, ∂/∂β]. */
const TERMS = new Float64Array(5);

/**
 * ln L(r, α, s, β | x, t_x, T) of one customer and (when `grad`) its gradient in the natural
 * parameters, into {@link TERMS}, given ln Γ(r+x) − ln Γ(r) and ψ(r+x) − ψ(r) (which the
 * caller computes once per distinct x):
 *
 *     L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s/(r+s+x) · A0 ].
 */
function customerTerms(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  tx: number,
  T: number,
  grad: boolean,
  lgammaRatio: number,
  digammaDiff: number,
): void {
  const a = r + s + x;
  const laT = Math.log(alpha + T);
  const lbT = Math.log(beta + T);
  const le1 = -(r + x) * laT - s * lbT;
  computeLogA0(r, alpha, s, beta, x, tx, T);
  const lw = Math.log(s / a) + A0[0];
  const lq = logAddExp(le1, lw);
  const lpre = lgammaRatio + r * Math.log(alpha) + s * Math.log(beta);
  TERMS[0] = lpre + lq;
  if (!grad) return;
  const e = Math.exp(le1 - lq); // share of the "alive at T" term
  const w = Math.exp(lw - lq); // share of the "died in (t_x, T)" term; e + w = 1
  // ∂ ln Q = e ∂ln e1 + w (∂ ln(s/a) + ∂ ln A0)
  const qr = e * -laT + w * (-1 / a + A0[1]);
  const qa = e * (-(r + x) / (alpha + T)) + w * A0[2];
  const qs = e * -lbT + w * (1 / s - 1 / a + A0[3]);
  const qb = e * (-s / (beta + T)) + w * A0[4];
  TERMS[1] = digammaDiff + Math.log(alpha) + qr;
  TERMS[2] = r / alpha + qa;
  TERMS[3] = Math.log(beta) + qs;
  TERMS[4] = s / beta + qb;
}


/**
 * ∂ ln L/∂(r, α, s, β) and ln L of one customer, as `[lnL, ∂r, ∂α, ∂s, ∂β]`: a hook for the
 * gradient tests.
 *
 * @internal
 */
export function paretoNbdCustomerGradient(params: ParetoNbdParams, x: number, tx: number, T: number): number[] {
  const { r, alpha, s, beta } = params;
  customerTerms(r, alpha, s, beta, x, tx, T, true, lgamma(r + x) - lgamma(r), digamma(r + x) - digamma(r));
  return Array.from(TERMS);
}

// ---------------------------------------------------------------------------------------------
// Likelihood over data

/** Unique (x, t_x, T) triples with weights, and their distinct x, so Γ and ψ are computed once per x. */
interface PreparedData {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly w: Float64Array;
  readonly totalWeight: number;
  /** The distinct values of x. */
  readonly xs: Float64Array;
  /** For each triple, the index of its x in `xs`. */
  readonly xIndex: Int32Array;
  /** Scratch, per distinct x: ln Γ(r+x) − ln Γ(r) and ψ(r+x) − ψ(r). */
  readonly lgx: Float64Array;
  readonly dgx: Float64Array;
}

function prepare(data: RfmData): PreparedData {
  const c = compressRfm(data);
  const m = c.frequency.length;
  // sorted by (x, t_x, T), so that equal (x, t_x) are adjacent (see cachedHyp1)
  const order = Array.from({ length: m }, (_, i) => i).sort(
    (i, j) => c.frequency[i] - c.frequency[j] || c.recency[i] - c.recency[j] || c.T[i] - c.T[j],
  );
  const x = new Float64Array(m);
  const tx = new Float64Array(m);
  const T = new Float64Array(m);
  const w = new Float64Array(m);
  let totalWeight = 0;
  const slot = new Map<number, number>();
  const xIndex = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const o = order[i];
    x[i] = c.frequency[o];
    tx[i] = c.recency[o];
    T[i] = c.T[o];
    w[i] = c.weights[o];
    totalWeight += w[i];
    let k = slot.get(x[i]);
    if (k === undefined) slot.set(x[i], (k = slot.size));
    xIndex[i] = k;
  }
  const xs = Float64Array.from(slot.keys());
  return { x, tx, T, w, totalWeight, xs, xIndex, lgx: new Float64Array(xs.length), dgx: new Float64Array(xs.length) };
}

/**
 * Total weighted −ln L at exp(lp) (log-parameters r, α, s, β); with `grad`, its gradient in the
 * log-parameters. NaN when any term cannot be evaluated.
 */
function negLogLik(d: PreparedData, lp: Float64Array, grad: Float64Array | null): number {
  const r = Math.exp(lp[0]);
  const alpha = Math.exp(lp[1]);
  const s = Math.exp(lp[2]);
  const beta = Math.exp(lp[3]);
  if (!(r > 0 && alpha > 0 && s > 0 && beta > 0 && r < Infinity && alpha < Infinity && s < Infinity && beta < Infinity)) return NaN;
  const want = grad !== null;
  let nll = 0;
  let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
  const { x, tx, T, w, xs, xIndex, lgx, dgx } = d;
  const lgr = lgamma(r);
  const dgr = want ? digamma(r) : 0;
  for (let k = 0; k < xs.length; k++) {
    lgx[k] = lgamma(r + xs[k]) - lgr;
    dgx[k] = want ? digamma(r + xs[k]) - dgr : 0;
  }
  for (let i = 0; i < x.length; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    const k = xIndex[i];
    customerTerms(r, alpha, s, beta, x[i], tx[i], T[i], want, lgx[k], dgx[k]);
    nll -= wi * TERMS[0];
    if (want) {
      g0 -= wi * TERMS[1];
      g1 -= wi * TERMS[2];
      g2 -= wi * TERMS[3];
      g3 -= wi * TERMS[4];
    }
  }
  if (grad !== null) {
    grad[0] = g0 * r;
    grad[1] = g1 * alpha;
    grad[2] = g2 * s;
    grad[3] = g3 * beta;
    if (!(Number.isFinite(g0) && Number.isFinite(g1) && Number.isFinite(g2) && Number.isFinite(g3))) return NaN;
  }
  return Number.isFinite(nll) ? nll : NaN;
}

const NAMES = ['r', 'alpha', 's', 'beta'] as const;
const KIND = 'ParetoNbd';

function checkParams(params: unknown, context: string): ParetoNbdParams {
  const issues: InputIssue[] = [];
  if (params === null || typeof params !== 'object') {
    throw new InvalidInputError(context, [{ path: 'params', message: `expected an object { r, alpha, s, beta }, got ${show(params)}` }]);
  }
  const o = params as Record<string, unknown>;
  for (const name of NAMES) {
    const v = o[name];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) issues.push({ path: `params.${name}`, message: `expected a finite number > 0, got ${show(v)}` });
  }
  if (issues.length > 0) throw new InvalidInputError(context, issues);
  return { r: o['r'] as number, alpha: o['alpha'] as number, s: o['s'] as number, beta: o['beta'] as number };
}

/**
 * The total Pareto/NBD log-likelihood of parameters on data (weighted sum over customers, in the
 * data's time unit): what {@link fitParetoNbd} maximises, and the number to compare fits by —
 * e.g. a fit against the true parameters of simulated data.
 *
 * @example
 * ```ts
 * import { paretoNbdLogLikelihood } from 'clmkit/models';
 * const ll = paretoNbdLogLikelihood({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 },
 *   { frequency: [2, 1, 0], recency: [30.43, 1.71, 0], T: [38.86, 38.86, 38.86] });
 * console.log(ll.toFixed(4)); // -14.5255
 * ```
 */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, data: BtydInput): number {
  const context = 'paretoNbdLogLikelihood';
  const p = checkParams(params, context);
  const d = prepare(readRfm(data, context));
  return -negLogLik(d, Float64Array.from([Math.log(p.r), Math.log(p.alpha), Math.log(p.s), Math.log(p.beta)]), null);
}

// ---------------------------------------------------------------------------------------------
// Predictions

/** (1 − (1+u)^−k)/k, and its limit ln(1+u) at k = 0, without cancellation. */
function powerDecay(k: number, u: number): number {
  const l = Math.log1p(u);
  const kl = k * l;
  if (Math.abs(kl) < 1e-8) return l * (1 - kl / 2);
  return -Math.expm1(-kl) / k;
}

function expectedPurchasesAt(p: ParetoNbdParams, t: number): number {
  // E[X(t)] = rβ/(α(s−1)) [1 − (β/(β+t))^(s−1)]
  return ((p.r * p.beta) / p.alpha) * powerDecay(p.s - 1, t / p.beta);
}

function probabilityAliveAt(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  // P(alive) = e1 / (e1 + s/(r+s+x)·A0): the Γ prefactor of L cancels, so it is not computed
  const { r, alpha, s, beta } = p;
  computeLogA0(r, alpha, s, beta, x, tx, T);
  if (A0[0] === -Infinity) return 1;
  const le1 = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const lw = Math.log(s / (r + s + x)) + A0[0];
  return Math.exp(le1 - logAddExp(le1, lw));
}

function conditionalExpectedAt(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  // E[Y(t) | x, t_x, T] = (r+x)(β+T)/((α+T)(s−1)) [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive)
  if (t === 0) return 0;
  const alive = probabilityAliveAt(p, x, tx, T);
  return (((p.r + x) * (p.beta + T)) / (p.alpha + T)) * powerDecay(p.s - 1, t / (p.beta + T)) * alive;
}

const PMF = new Float64Array(1);

function probabilityOfPurchasesAt(p: ParetoNbdParams, n: number, t: number): number {
  if (t === 0) return n === 0 ? 1 : 0;
  const { r, alpha, s, beta } = p;
  const lnb = lgamma(r + n) - lgamma(r) - lgamma(n + 1);
  // alive through t: the NBD probability of n, times P(τ > t) = (β/(β+t))^s
  const first = Math.exp(lnb + r * Math.log(alpha / (alpha + t)) + (n === 0 ? 0 : n * Math.log(t / (alpha + t))) + s * Math.log(beta / (beta + t)));
  // died at τ < t after n purchases: s β^s α^r Γ(r+n)/(Γ(r) n!) ∫_0^t τ^n (α+τ)^−(r+n) (β+τ)^−(s+1) dτ, τ = t·u
  const logG = (u: number): number => {
    const tau = t * u;
    return (n === 0 ? 0 : n * Math.log(tau)) - (r + n) * Math.log(alpha + tau) - (s + 1) * Math.log(beta + tau);
  };
  let shift = -Infinity;
  for (let i = 0; i <= 32; i++) shift = Math.max(shift, logG(i / 32));
  integrate((u, out) => (out[0] = Math.exp(logG(u) - shift)), 1, 0, 1, 1e-12, PMF);
  const second = Math.exp(Math.log(s) + s * Math.log(beta) + r * Math.log(alpha) + lnb + Math.log(t) + shift + Math.log(PMF[0]));
  return Math.min(1, first + second);
}

// ---------------------------------------------------------------------------------------------
// The fitted model

/** Options of {@link fitParetoNbd}: the shared BTYD fitting options. */
export type ParetoNbdFitOptions = BtydFitOptions;

/**
 * A fitted (or restored) Pareto/NBD model: its parameters, how the fit went, and predictions.
 * Times are in the unit of the data it was fitted on (`unit`, when the data said).
 */
export interface ParetoNbdModel extends TransactionModel {
  /** `'ParetoNbd'`. */
  readonly kind: 'ParetoNbd';
  /** r, α (purchase-rate gamma) and s, β (dropout-rate gamma). */
  readonly params: ParetoNbdParams;
  /** Standard errors of r, α, s, β from the observed information, or null when not available. */
  readonly standardErrors: Readonly<Record<'r' | 'alpha' | 's' | 'beta', number>> | null;
  /**
   * E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired,
   * rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)] (its limit rβ/α · ln(1 + t/β) at s = 1).
   */
  expectedPurchases(t: number): number;
  /**
   * E[Y(t) | x, t_x, T]: expected purchases in the next t time units of a customer with history
   * (x, t_x, T), = (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive).
   */
  conditionalExpectedPurchases(t: number, customer: CustomerRfm): number;
  /** …for columns of customers: one value per row. */
  conditionalExpectedPurchases(t: number, customers: BtydInput): Float64Array;
  /** P(alive at T | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A0). */
  probabilityAlive(customer: CustomerRfm): number;
  /** …for columns of customers: one value per row. */
  probabilityAlive(customers: BtydInput): Float64Array;
  /** P(X(t) = n): the probability that a customer just acquired makes n repeat purchases in (0, t]. */
  probabilityOfPurchases(n: number, t: number): number;
  /** The versioned JSON form ({@link paretoNbdFromJSON} restores it exactly). */
  toJSON(): BtydModelJson;
}

interface ModelState {
  readonly params: ParetoNbdParams;
  readonly logLikelihood: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly standardErrors: Readonly<Record<'r' | 'alpha' | 's' | 'beta', number>> | null;
  readonly unit?: TimeUnit;
}

function checkTime(t: unknown, path: string, context: string): number {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new InvalidInputError(context, [{ path, message: `expected a finite time ≥ 0, got ${show(t)}` }]);
  }
  return t;
}

function makeModel(state: ModelState): ParetoNbdModel {
  const p = Object.freeze({ ...state.params });
  const se = state.standardErrors === null ? null : Object.freeze({ ...state.standardErrors });
  function conditionalExpectedPurchases(t: number, customer: CustomerRfm): number;
  function conditionalExpectedPurchases(t: number, customers: BtydInput): Float64Array;
  function conditionalExpectedPurchases(t: number, input: CustomerRfm | BtydInput): number | Float64Array {
    const context = 'ParetoNbdModel.conditionalExpectedPurchases';
    checkTime(t, 't', context);
    return predictBatch(input, context, (x, tx, T) => conditionalExpectedAt(p, t, x, tx, T), { unique: true });
  }
  function probabilityAlive(customer: CustomerRfm): number;
  function probabilityAlive(customers: BtydInput): Float64Array;
  function probabilityAlive(input: CustomerRfm | BtydInput): number | Float64Array {
    return predictBatch(input, 'ParetoNbdModel.probabilityAlive', (x, tx, T) => probabilityAliveAt(p, x, tx, T), { unique: true });
  }
  const model: ParetoNbdModel = {
    kind: KIND,
    params: p,
    logLikelihood: state.logLikelihood,
    converged: state.converged,
    iterations: state.iterations,
    standardErrors: se,
    ...(state.unit === undefined ? {} : { unit: state.unit }),
    expectedPurchases(t: number): number {
      return expectedPurchasesAt(p, checkTime(t, 't', 'ParetoNbdModel.expectedPurchases'));
    },
    conditionalExpectedPurchases,
    probabilityAlive,
    probabilityOfPurchases(n: number, t: number): number {
      const context = 'ParetoNbdModel.probabilityOfPurchases';
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw new InvalidInputError(context, [{ path: 'n', message: `expected an integer ≥ 0, got ${show(n)}` }]);
      }
      return probabilityOfPurchasesAt(p, n, checkTime(t, 't', context));
    },
    toJSON(): BtydModelJson {
      return btydModelJson(KIND, p, state, se);
    },
  };
  return Object.freeze(model);
}

/**
 * Fit the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) by maximum likelihood on
 * recency–frequency data: purchases follow a Poisson process with rate λ while a customer is
 * alive, lifetimes are exponential with rate μ, and λ ~ Gamma(r, α), μ ~ Gamma(s, β)
 * independently across customers.
 *
 * The likelihood is evaluated in log space with a hypergeometric series whose argument stays in
 * [0, 1) and whose terms are all positive (quadrature where that series would be slow), on the
 * unique (x, t_x, T) triples with weights, and maximised over the log-parameters with L-BFGS and
 * an analytic gradient (see the module notes). Throws `InvalidInputError` naming the row for bad
 * data, `ConvergenceError` (with the best parameters) when the fit does not converge.
 *
 * @example
 * ```ts
 * import { fitParetoNbd, simulateParetoNbd } from 'clmkit/models';
 * // 2,000 customers observed for 39 weeks (columns frequency, recency, T — or a CustomerSummary).
 * const data = simulateParetoNbd({ params: { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 }, customers: 2000, T: 39, seed: 7 });
 * const model = fitParetoNbd(data);
 * console.log(model.converged, model.params.r.toFixed(2)); // true 0.51
 * const customer = { frequency: 2, recency: 30.43, T: 38.86 };
 * console.log(model.probabilityAlive(customer).toFixed(3)); // 0.816
 * console.log(model.conditionalExpectedPurchases(52, customer).toFixed(3)); // 1.487 — purchases in the next 52 weeks
 * ```
 */
export function fitParetoNbd(summary: BtydInput, options?: ParetoNbdFitOptions): ParetoNbdModel {
  const context = 'fitParetoNbd';
  const opts = parseBtydFitOptions(options, NAMES, context);
  const d = prepare(readRfm(summary, context));
  // Start: r = s = 1, α from the mean purchase rate (r/α = Σx/ΣT), β = the mean age.
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < d.x.length; i++) {
    sx += d.w[i] * d.x[i];
    sT += d.w[i] * d.T[i];
  }
  const meanT = d.totalWeight > 0 ? sT / d.totalWeight : 1;
  const alpha0 = sx > 0 && sT > 0 ? sT / sx : Math.max(meanT, 1);
  const fit = fitMaximumLikelihood({
    names: NAMES,
    negLogLik: (lp, grad) => negLogLik(d, lp, grad),
    initial: [1, alpha0, 1, Math.max(meanT, 1e-3)],
    totalWeight: d.totalWeight,
    options: opts,
    context,
  });
  const unit = unitOf(summary);
  return makeModel({
    params: { r: fit.params['r'], alpha: fit.params['alpha'], s: fit.params['s'], beta: fit.params['beta'] },
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    standardErrors:
      fit.standardErrors === null
        ? null
        : { r: fit.standardErrors['r'], alpha: fit.standardErrors['alpha'], s: fit.standardErrors['s'], beta: fit.standardErrors['beta'] },
    ...(unit === undefined ? {} : { unit }),
  });
}

/**
 * Restore a Pareto/NBD model from its {@link ParetoNbdModel.toJSON | toJSON()} form (or the same
 * object after `JSON.stringify`/`JSON.parse`); every field comes back exactly. Throws
 * `InvalidInputError` naming each bad field.
 *
 * @example
 * ```ts
 * import { fitParetoNbd, paretoNbdFromJSON, simulateParetoNbd } from 'clmkit/models';
 * const model = fitParetoNbd(simulateParetoNbd({ params: { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 }, customers: 2000, T: 39, seed: 7 }));
 * const copy = paretoNbdFromJSON(JSON.parse(JSON.stringify(model)));
 * const c = { frequency: 1, recency: 2, T: 30 };
 * console.log(copy.params.r === model.params.r, copy.probabilityAlive(c) === model.probabilityAlive(c)); // true true
 * ```
 */
export function paretoNbdFromJSON(json: unknown): ParetoNbdModel {
  const j = checkModelJson(json, KIND, NAMES, 'paretoNbdFromJSON');
  const se = j.standardErrors;
  return makeModel({
    params: { r: j.params['r'], alpha: j.params['alpha'], s: j.params['s'], beta: j.params['beta'] },
    logLikelihood: j.logLikelihood,
    converged: j.converged,
    iterations: j.iterations,
    standardErrors: se === null ? null : { r: se['r'], alpha: se['alpha'], s: se['s'], beta: se['beta'] },
    ...(j.unit === undefined ? {} : { unit: j.unit }),
  });
}

/**
 * A Pareto/NBD model with given parameters (not fitted: `logLikelihood` NaN, `converged` false,
 * `iterations` 0, no standard errors), for predictions and what-if analysis with published or
 * hand-set parameters.
 *
 * @example
 * ```ts
 * import { paretoNbdModel } from 'clmkit/models';
 * // The CDNOW estimates printed in the R BTYD walkthrough (weeks).
 * const model = paretoNbdModel({ r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 });
 * console.log(model.probabilityAlive({ frequency: 26, recency: 30.86, T: 31 }).toFixed(4)); // 0.9979
 * console.log(model.expectedPurchases(39).toFixed(4), model.probabilityOfPurchases(0, 39).toFixed(4)); // 1.2131 0.5936
 * ```
 */
export function paretoNbdModel(params: ParetoNbdParams, options?: { unit?: TimeUnit }): ParetoNbdModel {
  const p = checkParams(params, 'paretoNbdModel');
  const unit = options?.unit;
  return makeModel({ params: p, logLikelihood: NaN, converged: false, iterations: 0, standardErrors: null, ...(unit === undefined ? {} : { unit }) });
}

// ---------------------------------------------------------------------------------------------
// Simulation

/** Options of {@link simulateParetoNbd}. */
export interface SimulateParetoNbdOptions {
  /** The true parameters. */
  readonly params: ParetoNbdParams;
  /** Number of customers to draw. */
  readonly customers: number;
  /** Observation length per customer: one number for all, or one per customer. */
  readonly T: number | ArrayLike<number>;
  /** Seed of the random stream. @defaultValue 0 */
  readonly seed?: number;
}

/** Simulated recency–frequency columns (usable as {@link BtydColumns}), with each customer's fate. */
export interface SimulatedParetoNbd {
  /** x: repeat purchases in (0, T]. */
  readonly frequency: Float64Array;
  /** t_x: time of the last repeat purchase (0 when none). */
  readonly recency: Float64Array;
  /** T: observation length. */
  readonly T: Float64Array;
  /** 1 when the customer is still alive at T, else 0. */
  readonly alive: Uint8Array;
}

/**
 * Draw customers from the Pareto/NBD model: λ ~ Gamma(r, scale 1/α), μ ~ Gamma(s, scale 1/β),
 * lifetime τ ~ Exponential(μ); x ~ Poisson(λ·min(τ, T)) repeat purchases, the last at
 * t_x = min(τ, T)·U^(1/x) (the largest of x uniform times). Deterministic for a seed.
 *
 * @example
 * ```ts
 * import { simulateParetoNbd } from 'clmkit/models';
 * const sim = simulateParetoNbd({ params: { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 }, customers: 3, T: 39, seed: 1 });
 * console.log(sim.T); // Float64Array(3) [ 39, 39, 39 ]
 * ```
 */
export function simulateParetoNbd(options: SimulateParetoNbdOptions): SimulatedParetoNbd {
  const context = 'simulateParetoNbd';
  if ((options as unknown) === null || typeof options !== 'object') throw new InvalidInputError(context, [{ path: 'options', message: `expected an object, got ${show(options)}` }]);
  const p = checkParams(options.params, context);
  const n = options.customers;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InvalidInputError(context, [{ path: 'options.customers', message: `expected an integer ≥ 0, got ${show(n)}` }]);
  }
  const ages = new Float64Array(n);
  const Tin = options.T;
  if (typeof Tin === 'number') {
    if (!(Tin >= 0 && Number.isFinite(Tin))) throw new InvalidInputError(context, [{ path: 'options.T', message: `expected a finite time ≥ 0, got ${show(Tin)}` }]);
    ages.fill(Tin);
  } else {
    if ((Tin as unknown) === null || typeof Tin !== 'object' || Tin.length !== n) {
      throw new InvalidInputError(context, [{ path: 'options.T', message: `expected a number or ${n} ages (one per customer), got ${show(Tin)}` }]);
    }
    for (let i = 0; i < n; i++) {
      const v = Tin[i];
      if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new InvalidInputError(context, [{ path: 'options.T', row: i, message: `expected a finite time ≥ 0, got ${show(v)}` }]);
      ages[i] = v;
    }
  }
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new InvalidInputError(context, [{ path: 'options.seed', message: `expected a finite number, got ${show(seed)}` }]);
  const rng = createRandom(seed);
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const alive = new Uint8Array(n);
  const scaleL = 1 / p.alpha;
  const scaleM = 1 / p.beta;
  for (let i = 0; i < n; i++) {
    const T = ages[i];
    const lambda = rng.gamma(p.r, scaleL);
    const mu = rng.gamma(p.s, scaleM);
    const tau = mu > 0 ? rng.exponential(mu) : Infinity;
    const L = Math.min(tau, T);
    alive[i] = tau > T ? 1 : 0;
    const x = lambda > 0 && L > 0 ? rng.poisson(Math.min(lambda * L, 2 ** 52)) : 0;
    frequency[i] = x;
    recency[i] = x > 0 ? L * Math.pow(1 - rng.next(), 1 / x) : 0;
  }
  return { frequency, recency, T: ages, alive };
}
