/**
 * Segment labels shared by the segment functions (not part of the public API).
 *
 * @internal
 * @module
 */
import { IssueCollector, InvalidInputError } from '../errors.js';
import { show } from '../validate.js';

/** A segment label: a finite number or a string. @internal */
export type Label = number | string;

/**
 * Maps labels (finite numbers or strings) to codes 0..k-1 in order of first appearance.
 *
 * @internal
 */
export function encodeSegmentLabels(
  labels: ArrayLike<Label>,
  n: number,
  ctx: string,
): { codes: Int32Array; k: number; values: Label[] } {
  if (
    typeof labels !== 'object' ||
    (labels as unknown) === null ||
    typeof (labels as { length?: unknown }).length !== 'number'
  ) {
    throw new InvalidInputError(ctx, [{ path: 'labels', message: `expected an array of labels, got ${show(labels)}` }]);
  }
  if (labels.length !== n) {
    throw new InvalidInputError(ctx, [
      { path: 'labels', message: `expected one label per row (${n}), got ${labels.length}` },
    ]);
  }
  const codes = new Int32Array(n);
  const map = new Map<Label, number>();
  const values: Label[] = [];
  const issues = new IssueCollector();
  for (let i = 0; i < n; i++) {
    let v: unknown = labels[i];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        issues.add('labels', `expected a finite number or a string, got ${show(v)}`, i);
        continue;
      }
      if (Object.is(v, -0)) v = 0;
    } else if (typeof v !== 'string') {
      issues.add('labels', `expected a finite number or a string, got ${show(v)}`, i);
      continue;
    }
    const key = v as Label;
    let c = map.get(key);
    if (c === undefined) {
      c = values.length;
      map.set(key, c);
      values.push(key);
    }
    codes[i] = c;
  }
  issues.throwIfAny(ctx);
  return { codes, k: values.length, values };
}
