/**
 * Input checks shared by the metrics: numeric vectors, equal lengths, binary labels. Each check
 * names the argument and the index of the first bad values (every one, up to MAX_ISSUES).
 *
 * @internal
 * @module
 */
import { IssueCollector, InvalidInputError } from '../errors.js';
import { show } from '../validate.js';

/**
 * Copies `values` into a Float64Array, requiring every entry to be a finite number (or, with
 * `allowNaN`, NaN too). Throws an InvalidInputError naming `path` and each bad index.
 *
 * @internal
 */
export function finiteVector(values: unknown, path: string, context: string): Float64Array {
  const v = arrayLike(values, path, context);
  const out = new Float64Array(v.length);
  const issues = new IssueCollector();
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) issues.add(path, `expected a finite number, got ${show(x)}`, i);
    else out[i] = x;
  }
  issues.throwIfAny(context);
  return out;
}

/** The argument as an ArrayLike, or an InvalidInputError naming it. @internal */
export function arrayLike(values: unknown, path: string, context: string): ArrayLike<unknown> {
  if (Array.isArray(values) || ArrayBuffer.isView(values)) return values as ArrayLike<unknown>;
  throw new InvalidInputError(context, [{ path, message: `expected an array or a typed array, got ${show(values)}` }]);
}

/** Throws unless every array has the same length as the first. @internal */
export function sameLength(context: string, ...named: [string, ArrayLike<unknown>][]): number {
  const [firstName, first] = named[0];
  const issues = new IssueCollector();
  for (const [name, arr] of named.slice(1)) {
    if (arr.length !== first.length) issues.add(name, `expected ${first.length} values (as many as ${firstName}), got ${arr.length}`);
  }
  issues.throwIfAny(context);
  return first.length;
}

/**
 * Binary labels as 0/1: `positiveLabel` (default 1, or `true`) maps to 1, any other single value
 * to 0. Throws when more than two distinct labels appear, naming the first row of the third.
 *
 * @internal
 */
export function binaryLabels(yTrue: unknown, context: string, positiveLabel: unknown = 1): Uint8Array {
  const v = arrayLike(yTrue, 'yTrue', context);
  const out = new Uint8Array(v.length);
  let other: unknown = undefined;
  let hasOther = false;
  for (let i = 0; i < v.length; i++) {
    const y = v[i];
    if (y === positiveLabel || (positiveLabel === 1 && y === true)) {
      out[i] = 1;
      continue;
    }
    if (y === null || y === undefined || (typeof y === 'number' && Number.isNaN(y))) {
      throw new InvalidInputError(context, [{ path: 'yTrue', row: i, message: `expected a label, got ${show(y)}` }]);
    }
    if (!hasOther) {
      other = y;
      hasOther = true;
    } else if (!Object.is(y, other) && !(other === 0 && y === false) && !(other === false && y === 0)) {
      throw new InvalidInputError(context, [
        {
          path: 'yTrue',
          row: i,
          message: `expected binary labels (positive ${show(positiveLabel)} and one other), got a third label ${show(y)} besides ${show(other)}; pass options.positiveLabel or use the multiclass form`,
        },
      ]);
    }
  }
  return out;
}
