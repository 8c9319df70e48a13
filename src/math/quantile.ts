/**
 * Quantiles of sorted samples.
 *
 * @module
 */

/**
 * The `p`-quantile of an ascending-sorted sample by linear interpolation between order
 * statistics: Hyndman & Fan (1996) definition 7, the default of numpy (`np.quantile`), pandas,
 * R (`type = 7`) and Excel's `PERCENTILE.INC`. `p` in [0, 1]; `NaN` for an empty sample.
 *
 * @example
 * ```ts
 * import { quantileSorted } from 'clmkit';
 * quantileSorted([1, 2, 3, 4], 0.25); // 1.75 (numpy.quantile([1,2,3,4], 0.25) = 1.75)
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0];
  if (p >= 1) return sorted[n - 1];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo];
  const b = sorted[Math.min(lo + 1, n - 1)];
  return a + (h - lo) * (b - a);
}
