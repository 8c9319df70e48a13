/**
 * Small-dimensional unconstrained optimisation for maximum-likelihood fits: L-BFGS with a
 * strong-Wolfe line search (Nocedal & Wright 2006, algorithms 7.4, 3.5 and 3.6) that backs off
 * from non-finite trial values, Nelder–Mead with dimension-adaptive coefficients (Gao & Han
 * 2012), central-difference Hessians, and the inverse of a symmetric positive-definite matrix by
 * Cholesky.
 *
 * Internal to clmkit (used by the buy-till-you-die models).
 *
 * @internal
 * @module
 */

/** What an optimiser returns. */
export interface OptimizeResult {
  /** The best point found. */
  readonly x: Float64Array;
  /** The objective at `x`. */
  readonly value: number;
  /** Max-norm of the gradient at `x` (NaN for Nelder–Mead, which uses no gradient). */
  readonly gradientNorm: number;
  /** Iterations performed. */
  readonly iterations: number;
  /** Objective (and gradient) evaluations. */
  readonly evaluations: number;
  /** Whether a convergence criterion was met (rather than an iteration limit or a failure). */
  readonly converged: boolean;
  /** Why it stopped. */
  readonly message: string;
}

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Iteration limit. @defaultValue 500 */
  maxIterations?: number;
  /** Converged when the max-norm of the gradient is at most this. @defaultValue 1e-8 */
  gradientTolerance?: number;
  /**
   * Converged when an iteration changes the objective by at most this relative amount
   * (|Δf| ≤ tol · max(|f|, 1)); 0 turns this test off. @defaultValue 1e-15
   */
  functionTolerance?: number;
  /** Number of correction pairs kept. @defaultValue 10 */
  memory?: number;
}

/** Objective with gradient: writes ∇f(x) into `grad` and returns f(x). */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_SEARCH = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (!(v <= m)) m = v; // NaN propagates
  }
  return m;
}

/** Cubic interpolation of the minimiser between (a, fa, da) and (b, fb, db), or NaN. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * Minimise a smooth function with L-BFGS and a strong-Wolfe line search (with Hager and Zhang's
 * approximate-Wolfe acceptance when the decrease is below rounding level). Trial points where
 * the objective is not finite (outside the function's domain, overflow) are treated as too long
 * a step: the line search backs off towards the last good point.
 *
 * @example
 * ```ts
 * import { minimizeLbfgs } from '../math/optimize.js';
 * // Rosenbrock's function, minimum at (1, 1).
 * const r = minimizeLbfgs((x, g) => {
 *   g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
 *   g[1] = 200 * (x[1] - x[0] ** 2);
 *   return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
 * }, [-1.2, 1]);
 * console.log(r.converged, r.x[0].toFixed(6), r.x[1].toFixed(6)); // true 1.000000 1.000000
 * ```
 * @internal
 */
export function minimizeLbfgs(fg: ObjectiveWithGradient, x0: ArrayLike<number>, options: LbfgsOptions = {}): OptimizeResult {
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-8;
  const ftol = options.functionTolerance ?? 1e-15;
  const m = options.memory ?? 10;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  const result = (converged: boolean, message: string, iterations: number): OptimizeResult => ({
    x,
    value: f,
    gradientNorm: maxAbs(g),
    iterations,
    evaluations,
    converged,
    message,
  });
  if (!Number.isFinite(f) || !Number.isFinite(maxAbs(g))) return result(false, 'objective or gradient not finite at the start', 0);

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(m);
  const d = new Float64Array(n);
  let xt = new Float64Array(n);
  let gt = new Float64Array(n);
  let xLo = new Float64Array(n);
  let gLo = new Float64Array(n);

  for (let iter = 0; iter < maxIterations; iter++) {
    if (maxAbs(g) <= gtol) return result(true, 'gradient norm below tolerance', iter);
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j] * dot(S[j], d);
      alphaBuf[j] = a;
      const y = Y[j];
      for (let i = 0; i < n; i++) d[i] -= a * y[i];
    }
    if (k > 0) {
      const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j] * dot(Y[j], d);
      const s = S[j];
      const a = alphaBuf[j];
      for (let i = 0; i < n; i++) d[i] += (a - b) * s[i];
    }
    let dphi0 = dot(g, d);
    if (!(dphi0 < 0)) {
      // Not a descent direction (curvature information gone bad): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dphi0 = dot(g, d);
    }
    const alpha0 = S.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(g), 1e-300)) : 1;

    // ---- strong-Wolfe line search ----
    const f0 = f;
    const epsF = 1e-12 * Math.max(1, Math.abs(f0));
    let accepted = false;
    let fAcc = NaN;
    const evalAt = (alpha: number): number => {
      for (let i = 0; i < n; i++) xt[i] = x[i] + alpha * d[i];
      evaluations++;
      const v = fg(xt, gt);
      return Number.isFinite(v) && Number.isFinite(maxAbs(gt)) ? v : NaN;
    };
    const keepLo = (): void => {
      const tx = xLo;
      xLo = xt;
      xt = tx;
      const tg = gLo;
      gLo = gt;
      gt = tg;
    };
    // zoom state
    let lo = 0;
    let flo = f0;
    let dlo = dphi0;
    let hi = NaN;
    let fhi = NaN;
    let dhi = NaN;
    let haveLo = false; // whether xLo/gLo hold the point at `lo` (lo > 0)
    let alpha = alpha0;
    let bracketed = false;
    let upper = Infinity; // smallest step known to give a non-finite value
    for (let ls = 0; ls < MAX_LINE_SEARCH; ls++) {
      if (bracketed) {
        // Interpolate inside [lo, hi], safeguarded away from the ends.
        const width = hi - lo;
        let trial = Number.isFinite(fhi) ? cubicMin(lo, flo, dlo, hi, fhi, dhi) : NaN;
        const left = Math.min(lo, hi) + 0.1 * Math.abs(width);
        const right = Math.max(lo, hi) - 0.1 * Math.abs(width);
        if (!(trial >= left && trial <= right)) trial = lo + 0.5 * width;
        alpha = trial;
        if (Math.abs(width) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
      }
      const ft = evalAt(alpha);
      if (Number.isNaN(ft)) {
        // Outside the domain: too long a step.
        upper = Math.min(upper, alpha);
        if (bracketed) {
          hi = alpha;
          fhi = NaN;
        } else {
          alpha = lo + 0.25 * (alpha - lo);
        }
        continue;
      }
      const dt = dot(gt, d);
      // Approximate Wolfe conditions (Hager & Zhang 2005): near the optimum the decrease falls
      // below the objective's rounding, so accept on the slope when f has not risen beyond it.
      if (ft <= f0 + epsF && dt >= C2 * dphi0 && dt <= (2 * C1 - 1) * dphi0) {
        accepted = true;
        fAcc = ft;
        keepLo();
        haveLo = true;
        break;
      }
      // Comparisons of values allow for rounding (epsF), so that near the optimum the slope decides.
      if (ft > f0 + C1 * alpha * dphi0 + epsF || ft > flo + epsF) {
        hi = alpha;
        fhi = ft;
        dhi = dt;
        bracketed = true;
        continue;
      }
      if (Math.abs(dt) <= -C2 * dphi0) {
        accepted = true;
        fAcc = ft;
        keepLo();
        haveLo = true;
        break;
      }
      if (bracketed) {
        if (dt * (hi - lo) >= 0) {
          hi = lo;
          fhi = flo;
          dhi = dlo;
        }
      } else if (dt >= 0) {
        hi = lo;
        fhi = flo;
        dhi = dlo;
        bracketed = true;
      }
      lo = alpha;
      flo = ft;
      dlo = dt;
      keepLo();
      haveLo = true;
      if (!bracketed) alpha = Number.isFinite(upper) ? 0.5 * (alpha + upper) : 2.5 * alpha;
    }
    if (!accepted && haveLo && lo > 0 && flo <= f0 + epsF) {
      // Sufficient decrease without the curvature condition: take it.
      accepted = true;
      fAcc = flo;
    }
    if (!accepted) {
      if (S.length > 0) {
        // Drop the curvature memory and retry from steepest descent once.
        S.length = 0;
        Y.length = 0;
        rho.length = 0;
        continue;
      }
      return result(maxAbs(g) <= gtol, 'line search could not decrease the objective further (rounding level?)', iter);
    }
    // Update memory with s = x_new − x, y = g_new − g.
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xLo[i] - x[i];
      y[i] = gLo[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const tx = x;
    x = xLo;
    xLo = tx;
    const tg = g;
    g = gLo;
    gLo = tg;
    const fPrev = f;
    f = fAcc;
    if (maxAbs(g) <= gtol) return result(true, 'gradient norm below tolerance', iter + 1);
    if (ftol > 0 && Math.abs(fPrev - f) <= ftol * Math.max(Math.abs(f), 1)) {
      return result(true, 'objective change below tolerance', iter + 1);
    }
  }
  return result(maxAbs(g) <= gtol, 'iteration limit reached', maxIterations);
}

/** Options of {@link minimizeNelderMead}. */
export interface NelderMeadOptions {
  /** Iteration limit. @defaultValue 400 × dimension */
  maxIterations?: number;
  /** Converged when the simplex's objective values span at most this. @defaultValue 1e-12 */
  functionTolerance?: number;
  /** …and its vertices are within this of the best one in every coordinate. @defaultValue 1e-10 */
  xTolerance?: number;
  /**
   * Initial simplex: vertex i moves coordinate i by this (absolute). @defaultValue
   * 0.05 · |x0_i|, or 0.00025 when x0_i is 0 (as scipy)
   */
  initialStep?: number;
}

/**
 * Minimise a function with Nelder–Mead (adaptive coefficients of Gao & Han 2012, which keep
 * it effective in more than a few dimensions). Non-finite values count as +Infinity.
 * `gradientNorm` of the result is NaN (no gradient is used).
 *
 * @example
 * ```ts
 * import { minimizeNelderMead } from '../math/optimize.js';
 * const r = minimizeNelderMead((x) => (x[0] - 3) ** 2 + (x[1] + 1) ** 2, [0, 0]);
 * console.log(r.x[0].toFixed(4), r.x[1].toFixed(4)); // 3.0000 -1.0000
 * ```
 * @internal
 */
export function minimizeNelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): OptimizeResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 400 * n;
  const fatol = options.functionTolerance ?? 1e-12;
  const xatol = options.xTolerance ?? 1e-10;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  let evaluations = 0;
  const F = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const sim: Float64Array[] = [];
  const fs: number[] = [];
  const base = Float64Array.from(x0);
  sim.push(base);
  fs.push(F(base));
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(base);
    const step = options.initialStep ?? (v[i] !== 0 ? 0.05 * Math.abs(v[i]) : 0.00025);
    v[i] += step;
    sim.push(v);
    fs.push(F(v));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  let iter = 0;
  let converged = false;
  for (; iter < maxIterations; iter++) {
    order.sort((i, j) => fs[i] - fs[j]);
    const best = order[0];
    const worst = order[n];
    let fSpread = 0;
    let xSpread = 0;
    for (let k = 1; k <= n; k++) {
      const idx = order[k];
      fSpread = Math.max(fSpread, Math.abs(fs[idx] - fs[best]));
      for (let i = 0; i < n; i++) xSpread = Math.max(xSpread, Math.abs(sim[idx][i] - sim[best][i]));
    }
    if (fSpread <= fatol && xSpread <= xatol) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const v = sim[order[k]];
      for (let i = 0; i < n; i++) centroid[i] += v[i] / n;
    }
    const xw = sim[worst];
    for (let i = 0; i < n; i++) xr[i] = centroid[i] + alpha * (centroid[i] - xw[i]);
    const fr = F(xr);
    const fBest = fs[best];
    const fSecondWorst = fs[order[n - 1]];
    if (fr < fBest) {
      for (let i = 0; i < n; i++) xe[i] = centroid[i] + beta * (xr[i] - centroid[i]);
      const fe = F(xe);
      if (fe < fr) {
        xw.set(xe);
        fs[worst] = fe;
      } else {
        xw.set(xr);
        fs[worst] = fr;
      }
      continue;
    }
    if (fr < fSecondWorst) {
      xw.set(xr);
      fs[worst] = fr;
      continue;
    }
    const outside = fr < fs[worst];
    for (let i = 0; i < n; i++) {
      xc[i] = outside ? centroid[i] + gamma * (xr[i] - centroid[i]) : centroid[i] - gamma * (centroid[i] - xw[i]);
    }
    const fc = F(xc);
    if (outside ? fc <= fr : fc < fs[worst]) {
      xw.set(xc);
      fs[worst] = fc;
      continue;
    }
    // Shrink towards the best vertex.
    const xb = sim[best];
    for (let k = 1; k <= n; k++) {
      const v = sim[order[k]];
      for (let i = 0; i < n; i++) v[i] = xb[i] + delta * (v[i] - xb[i]);
      fs[order[k]] = F(v);
    }
  }
  let bi = 0;
  for (let k = 1; k <= n; k++) if (fs[k] < fs[bi]) bi = k;
  return {
    x: Float64Array.from(sim[bi]),
    value: fs[bi],
    gradientNorm: NaN,
    iterations: iter,
    evaluations,
    converged,
    message: converged ? 'simplex collapsed below tolerances' : 'iteration limit reached',
  };
}

/**
 * Hessian of `f` at `x` by central differences (row-major n × n, symmetric). Coordinate i uses
 * the step h_i = step · max(1, |x_i|).
 *
 * @param step - relative step. @defaultValue 1e-4 (≈ ε^(1/4), which balances truncation and
 *   rounding error for second differences of values)
 * @example
 * ```ts
 * import { numericHessian } from '../math/optimize.js';
 * const h = numericHessian((x) => x[0] ** 2 * x[1] + 3 * x[1] ** 2, [1, 2]);
 * console.log(Array.from(h, (v) => v.toFixed(6))); // [ '4.000000', '2.000000', '2.000000', '6.000000' ]
 * ```
 * @internal
 */
export function numericHessian(f: (x: Float64Array) => number, x: ArrayLike<number>, step = 1e-4): Float64Array {
  const n = x.length;
  const p = Float64Array.from(x);
  const h = Float64Array.from(p, (v) => step * Math.max(1, Math.abs(v)));
  const H = new Float64Array(n * n);
  const f0 = f(p);
  const at = (i: number, di: number, j: number, dj: number): number => {
    const xi = p[i];
    const xj = p[j];
    p[i] += di;
    p[j] += dj;
    const v = f(p);
    p[i] = xi;
    p[j] = xj;
    return v;
  };
  for (let i = 0; i < n; i++) {
    H[i * n + i] = (at(i, h[i], i, 0) - 2 * f0 + at(i, -h[i], i, 0)) / (h[i] * h[i]);
    for (let j = i + 1; j < n; j++) {
      const v =
        (at(i, h[i], j, h[j]) - at(i, h[i], j, -h[j]) - at(i, -h[i], j, h[j]) + at(i, -h[i], j, -h[j])) / (4 * h[i] * h[j]);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/**
 * Hessian from an analytic gradient by central differences of the gradient, symmetrised
 * (row-major n × n). More accurate than {@link numericHessian} when a gradient is available.
 *
 * @param step - relative step, h_i = step · max(1, |x_i|). @defaultValue 1e-5 (≈ ε^(1/3))
 * @example
 * ```ts
 * import { numericHessianFromGradient } from '../math/optimize.js';
 * const h = numericHessianFromGradient((x, g) => {
 *   g[0] = 2 * x[0] * x[1];
 *   g[1] = x[0] ** 2 + 6 * x[1];
 * }, [1, 2]);
 * console.log(Array.from(h, (v) => v.toFixed(6))); // [ '4.000000', '2.000000', '2.000000', '6.000000' ]
 * ```
 * @internal
 */
export function numericHessianFromGradient(
  grad: (x: Float64Array, g: Float64Array) => void,
  x: ArrayLike<number>,
  step = 1e-5,
): Float64Array {
  const n = x.length;
  const p = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const H = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const h = step * Math.max(1, Math.abs(p[j]));
    const xj = p[j];
    p[j] = xj + h;
    grad(p, gp);
    p[j] = xj - h;
    grad(p, gm);
    p[j] = xj;
    for (let i = 0; i < n; i++) H[i * n + j] = (gp[i] - gm[i]) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/**
 * Inverse of a symmetric positive-definite n × n matrix (row-major) by Cholesky
 * factorisation; null when the matrix is not positive definite (or has non-finite entries).
 *
 * @example
 * ```ts
 * import { invertSymmetric } from '../math/optimize.js';
 * const inv = invertSymmetric(Float64Array.from([4, 2, 2, 3]), 2);
 * console.log(Array.from(inv ?? [], (v) => v.toFixed(6))); // [ '0.375000', '-0.250000', '-0.250000', '0.500000' ]
 * console.log(invertSymmetric(Float64Array.from([1, 2, 2, 1]), 2)); // null
 * ```
 * @internal
 */
export function invertSymmetric(h: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = h[j * n + j];
    for (let k = 0; k < j; k++) s -= L[j * n + k] * L[j * n + k];
    if (!(s > 0) || !Number.isFinite(s)) return null;
    const d = Math.sqrt(s);
    L[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = h[i * n + j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / d;
    }
  }
  // Linv = L^-1 (lower triangular), then A^-1 = Linv^T Linv.
  const Li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    Li[i * n + i] = 1 / L[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k] * Li[k * n + j];
      Li[i * n + j] = s / L[i * n + i];
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Li[k * n + i] * Li[k * n + j];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
