/**
 * Small dense linear algebra on row-major `Float64Array`s for the regression models: Cholesky
 * factorisation, solve and inverse of a symmetric positive-definite matrix, and a Householder QR
 * least-squares solver that detects columns that are (numerically) combinations of earlier ones.
 *
 * ml-matrix 6.15 (a dependency) has Cholesky and QR too, but on its own `Matrix` objects with no
 * rank report; these work in place on the typed arrays the models already hold and cost no
 * conversion in Newton loops that factor a small matrix many times.
 *
 * @internal
 * @module
 */

/**
 * Cholesky factorisation `A = L·Lᵀ` in place: on return the lower triangle of `a` (n × n,
 * row-major) holds L (the strict upper triangle is left as it was). Returns false when `A` is
 * not (numerically) positive definite.
 *
 * @internal
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
  }
  return true;
}

/**
 * Solves `L·Lᵀ x = b` given the Cholesky factor in the lower triangle of `l`; `b` is overwritten
 * with x.
 *
 * @internal
 */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/**
 * The inverse of `A` from its Cholesky factor (lower triangle of `l`), as a new full n × n
 * row-major matrix.
 *
 * @internal
 */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    choleskySolveInPlace(l, n, e);
    for (let i = 0; i < n; i++) inv[i * n + j] = e[i];
  }
  return inv;
}

/** Result of {@link householderLeastSquares}. @internal */
export interface LeastSquaresResult {
  /** The coefficients (length p); meaningless when `dependent` is not empty. */
  readonly beta: Float64Array;
  /** R of the thin QR (p × p, row-major, upper triangular). */
  readonly r: Float64Array;
  /** Residual sum of squares. */
  readonly rss: number;
  /**
   * Columns found to be combinations of earlier columns, each with the earlier columns it
   * depends on (index, weight): column j ≈ Σ weight·column index.
   */
  readonly dependent: readonly { column: number; on: readonly { column: number; weight: number }[] }[];
}

/**
 * Least squares `min ‖X·β − y‖²` by Householder QR (X is n × p row-major, n ≥ p; not modified).
 * A column whose part orthogonal to the earlier columns has norm ≤ `tol` × its own norm is
 * reported in `dependent` with the combination of earlier columns that reproduces it.
 *
 * @internal
 */
export function householderLeastSquares(X: Float64Array, n: number, p: number, y: Float64Array, tol = 1e-10): LeastSquaresResult {
  // Work column-major: A[j] is column j (contiguous), for cache-friendly reflections.
  const A = new Float64Array(n * p);
  const colNorm = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) A[j * n + i] = X[o + j];
  }
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += A[j * n + i] ** 2;
    colNorm[j] = Math.sqrt(s);
  }
  const qty = Float64Array.from(y);
  const r = new Float64Array(p * p);
  const bad: number[] = [];
  for (let j = 0; j < p; j++) {
    const cj = j * n;
    let s = 0;
    for (let i = j; i < n; i++) s += A[cj + i] ** 2;
    const norm = Math.sqrt(s);
    if (norm <= tol * Math.max(colNorm[j], Number.MIN_VALUE) || colNorm[j] === 0) {
      bad.push(j);
      // Record the projections (R's column) and skip the reflection.
      for (let k = 0; k < j; k++) r[k * p + j] = A[cj + k];
      r[j * p + j] = 0;
      continue;
    }
    const alpha = A[cj + j] > 0 ? -norm : norm;
    // v = x − alpha e1, stored in place of column j (rows j..n−1).
    A[cj + j] -= alpha;
    let vnorm2 = 0;
    for (let i = j; i < n; i++) vnorm2 += A[cj + i] ** 2;
    // Apply H = I − 2vvᵀ/(vᵀv) to the remaining columns and to y.
    for (let k = j + 1; k < p; k++) {
      const ck = k * n;
      let d = 0;
      for (let i = j; i < n; i++) d += A[cj + i] * A[ck + i];
      const f = (2 * d) / vnorm2;
      for (let i = j; i < n; i++) A[ck + i] -= f * A[cj + i];
    }
    let d = 0;
    for (let i = j; i < n; i++) d += A[cj + i] * qty[i];
    const f = (2 * d) / vnorm2;
    for (let i = j; i < n; i++) qty[i] -= f * A[cj + i];
    for (let k = 0; k < j; k++) r[k * p + j] = A[cj + k];
    r[j * p + j] = alpha;
  }
  const dependent: { column: number; on: { column: number; weight: number }[] }[] = [];
  if (bad.length > 0) {
    const good = Array.from({ length: p }, (_, j) => j).filter((j) => !bad.includes(j));
    for (const j of bad) {
      // Solve R_gg w = R_g j over the independent columns before j.
      const before = good.filter((g) => g < j);
      const m = before.length;
      const w = new Float64Array(m);
      for (let a = m - 1; a >= 0; a--) {
        let s = r[before[a] * p + j];
        for (let b = a + 1; b < m; b++) s -= r[before[a] * p + before[b]] * w[b];
        w[a] = s / r[before[a] * p + before[a]];
      }
      const on: { column: number; weight: number }[] = [];
      for (let a = 0; a < m; a++) if (Math.abs(w[a]) > 1e-8) on.push({ column: before[a], weight: w[a] });
      dependent.push({ column: j, on });
    }
    return { beta: new Float64Array(p).fill(Number.NaN), r, rss: Number.NaN, dependent };
  }
  const beta = new Float64Array(p);
  for (let j = p - 1; j >= 0; j--) {
    let s = qty[j];
    for (let k = j + 1; k < p; k++) s -= r[j * p + k] * beta[k];
    beta[j] = s / r[j * p + j];
  }
  let rss = 0;
  for (let i = p; i < n; i++) rss += qty[i] * qty[i];
  return { beta, r, rss, dependent };
}
