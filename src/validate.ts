/**
 * Options validation at the public boundary: zod schemas (from `zod/mini`, ~5 kB) whose issues
 * are turned into clmkit's {@link InvalidInputError} with messages of our own wording.
 *
 * @internal
 * @module
 */
import type * as z from 'zod/mini';
import { InvalidInputError, type InputIssue } from './errors.js';

/** Minimal structural view of a zod issue (zod/mini keeps messages generic; we word our own). */
interface ZodIssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  readonly expected?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly origin?: string;
  readonly message?: string;
  readonly errors?: readonly (readonly ZodIssueLike[])[];
}

/**
 * Parse `value` with `schema`; on failure throw an {@link InvalidInputError} whose issues name
 * each offending option as `options.<path>`.
 *
 * @internal
 */
export function parseOptions<S extends z.ZodMiniType>(schema: S, value: unknown, context: string): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues: InputIssue[] = [];
  for (const issue of result.error.issues as unknown as readonly ZodIssueLike[]) {
    issues.push(...describeIssue(issue, value, 'options'));
  }
  throw new InvalidInputError(`${context}: invalid options`, issues);
}

function describeIssue(issue: ZodIssueLike, root: unknown, prefix: string): InputIssue[] {
  const path = [prefix, ...issue.path.map(String)].join('.');
  const received = lookup(root, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys ?? [];
      return keys.map((k) => ({ path: `${path}.${k}`, message: `unknown option '${k}'` }));
    }
    case 'invalid_value':
      return [
        {
          path,
          message: `expected one of ${(issue.values ?? []).map(show).join(' | ')}, got ${show(received)}`,
        },
      ];
    case 'invalid_type':
      return [{ path, message: `expected ${issue.expected ?? 'a different type'}, got ${describeType(received)}` }];
    case 'too_small':
      return [
        {
          path,
          message: `expected ${issue.origin === 'array' ? 'length ' : ''}${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}, got ${show(received)}`,
        },
      ];
    case 'too_big':
      return [
        {
          path,
          message: `expected ${issue.origin === 'array' ? 'length ' : ''}${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}, got ${show(received)}`,
        },
      ];
    case 'invalid_union':
      return [{ path, message: `got ${show(received)}, which matches none of the accepted forms` }];
    default:
      return [{ path, message: issue.message && issue.message !== 'Invalid input' ? issue.message : `invalid value ${show(received)}` }];
  }
}

function lookup(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return `${typeof v} ${show(v)}`;
}

/** Short, safe rendering of a received value for an error message. @internal */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : `Date(${v.toISOString()})`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}
