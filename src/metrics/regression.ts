/**
 * Regression metrics in scikit-learn's conventions: R², RMSE, MAE and MAPE.
 *
 * Both arguments are arrays or typed arrays of finite numbers of equal length; a bad value throws
 * an {@link InvalidInputError} naming its argument and index, empty inputs a
 * {@link NotEnoughDataError}.
 *
 * @module
 */
import { NotEnoughDataError } from '../errors.js';
import { arrayLike, finiteVector, sameLength } from './arrays.js';

/** The machine epsilon of float64 that sklearn's `mean_absolute_percentage_error` divides by at worst. */
const MAPE_EPS = 2.220446049250313e-16;

function pair(yTrue: unknown, yPred: unknown, context: string, minimum = 1): { t: Float64Array; p: Float64Array } {
  const a = arrayLike(yTrue, 'yTrue', context);
  const b = arrayLike(yPred, 'yPred', context);
  const n = sameLength(context, ['yTrue', a], ['yPred', b]);
  const t = finiteVector(a, 'yTrue', context);
  const p = finiteVector(b, 'yPred', context);
  if (n < minimum) {
    throw new NotEnoughDataError(
      n === 0
        ? `${context}: yTrue and yPred are empty; need at least ${minimum} value${minimum === 1 ? '' : 's'}`
        : `${context}: needs at least ${minimum} values, got ${n}`,
      minimum,
      n,
    );
  }
  return { t, p };
}

/**
 * Coefficient of determination, 1 − Σ(y − ŷ)² / Σ(y − ȳ)², as sklearn's `r2_score`
 * (`force_finite=True`): at most 1, negative when the predictions are worse than the mean of
 * `yTrue`. When `yTrue` is constant (every value identical) the ratio is undefined and, as in
 * sklearn, the result is 1 if the predictions are perfect and 0 otherwise.
 *
 * @param yTrue - observed values.
 * @param yPred - predictions, as many.
 * @throws {@link InvalidInputError} for unequal lengths or a non-finite value (naming its index).
 * @throws {@link NotEnoughDataError} for fewer than 2 values (sklearn warns and returns NaN).
 *
 * @example
 * ```ts
 * import { r2 } from 'clmkit';
 * console.log(r2([3, -0.5, 2, 7], [2.5, 0, 2, 8])); // ≈ 0.9486
 * console.log(r2([2, 2, 2], [2, 2, 3])); // 0 (constant yTrue, imperfect predictions)
 * ```
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { t, p } = pair(yTrue, yPred, 'r2', 2);
  const n = t.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += t[i];
  mean /= n;
  let constant = true;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const y = t[i];
    if (y !== t[0]) constant = false;
    const r = y - p[i];
    const d = y - mean;
    ssRes += r * r;
    ssTot += d * d;
  }
  if (ssRes === 0) return 1;
  if (constant || ssTot === 0) return 0;
  return 1 - ssRes / ssTot;
}

/**
 * Root mean squared error, √mean((y − ŷ)²), as sklearn's `root_mean_squared_error`
 * (`mean_squared_error(squared=False)` before 1.4). In the units of `yTrue`; never below
 * {@link mae}.
 *
 * @param yTrue - observed values.
 * @param yPred - predictions, as many.
 * @throws {@link InvalidInputError} for unequal lengths or a non-finite value.
 * @throws {@link NotEnoughDataError} for empty inputs.
 *
 * @example
 * ```ts
 * import { rmse } from 'clmkit';
 * console.log(rmse([1, 2, 3, 4], [1, 2, 3, 8])); // 2
 * ```
 */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { t, p } = pair(yTrue, yPred, 'rmse');
  let sum = 0;
  for (let i = 0; i < t.length; i++) {
    const d = t[i] - p[i];
    sum += d * d;
  }
  return Math.sqrt(sum / t.length);
}

/**
 * Mean absolute error, mean(|y − ŷ|), as sklearn's `mean_absolute_error`.
 *
 * @param yTrue - observed values.
 * @param yPred - predictions, as many.
 * @throws {@link InvalidInputError} for unequal lengths or a non-finite value.
 * @throws {@link NotEnoughDataError} for empty inputs.
 *
 * @example
 * ```ts
 * import { mae } from 'clmkit';
 * console.log(mae([1, 2, 3, 4], [1, 2, 3, 8])); // 1
 * ```
 */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { t, p } = pair(yTrue, yPred, 'mae');
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += Math.abs(t[i] - p[i]);
  return sum / t.length;
}

/**
 * Mean absolute percentage error, mean(|y − ŷ| / max(|y|, ε)) with ε = 2.220446049250313e-16
 * (float64's machine epsilon), as sklearn's `mean_absolute_percentage_error`. A fraction, not a
 * percentage (0.1 = 10 %). Where `yTrue` is 0 the term is |ŷ| / ε, a huge number rather than
 * Infinity, as in sklearn: MAPE is not meant for targets that can be zero.
 *
 * @param yTrue - observed values.
 * @param yPred - predictions, as many.
 * @throws {@link InvalidInputError} for unequal lengths or a non-finite value.
 * @throws {@link NotEnoughDataError} for empty inputs.
 *
 * @example
 * ```ts
 * import { mape } from 'clmkit';
 * console.log(mape([100, 200], [110, 150])); // 0.175
 * ```
 */
export function mape(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { t, p } = pair(yTrue, yPred, 'mape');
  let sum = 0;
  for (let i = 0; i < t.length; i++) {
    const y = t[i];
    sum += Math.abs(y - p[i]) / Math.max(Math.abs(y), MAPE_EPS);
  }
  return sum / t.length;
}
