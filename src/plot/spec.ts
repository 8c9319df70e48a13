/**
 * The shared part of the chart builders: the {@link VegaLiteSpec} type every builder returns,
 * the options every builder takes ({@link PlotOptions}), the colour schemes and the small
 * validation helpers.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector } from '../errors.js';
import { show } from '../validate.js';

/** A JSON scalar. */
export type JsonPrimitive = string | number | boolean | null;

/** A JSON object (what `JSON.parse` can return for `{…}`). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Any JSON value: no `undefined`, functions, typed arrays or Dates. */
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;

/** One row of a chart's inline data: field name → number, string, boolean or null. */
export type DataRow = Record<string, JsonPrimitive>;

/**
 * A Vega-Lite v5 specification as plain JSON (every chart builder in `clmkit/plot` returns
 * one): `$schema`, the chart's rows inline in `data.values` (finite numbers, strings, null —
 * never NaN or a typed array), and the marks, encodings, titles and sizes. It only uses
 * Vega-Lite features that exist in both v5 and v6, so `vega-embed` or the `vega-lite` compiler of
 * either version renders it; `JSON.stringify(spec)` is the spec file. Change anything you like
 * (`spec.width = 800`) before rendering.
 */
export interface VegaLiteSpec extends JsonObject {
  /** `'https://vega.github.io/schema/vega-lite/v5.json'`. */
  $schema: string;
  /** The chart's rows; layers that draw reference lines may carry their own small `data`. */
  data: { values: DataRow[] };
}

/** Options every chart builder accepts. */
export interface PlotOptions {
  /** Chart title. @defaultValue a title describing the chart, with its units */
  title?: string;
  /** Width of the plotting area in pixels. @defaultValue depends on the chart (about 480) */
  width?: number;
  /** Height of the plotting area in pixels. @defaultValue depends on the chart (about 300) */
  height?: number;
}

/** The `$schema` of every spec. @internal */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * Okabe & Ito's colour-blind-safe qualitative palette ("Color Universal Design", 2008), black
 * last. Categorical encodings use it as their range; beyond eight categories it repeats.
 *
 * @internal
 */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/** The zod shape of {@link PlotOptions}, to spread into each builder's schema. @internal */
export const plotOptionsShape = {
  title: z.optional(z.string()),
  width: z.optional(z.number().check(z.gt(0))),
  height: z.optional(z.number().check(z.gt(0))),
};

/** The title block: `text` (the option's or the default) and an optional subtitle. @internal */
export function titleBlock(text: string, subtitle: readonly string[] = []): JsonObject {
  const lines = subtitle.filter((s) => s.length > 0);
  return lines.length === 0 ? { text } : { text, subtitle: lines.length === 1 ? lines[0] : [...lines] };
}

/** `n` and the unit, singular or plural: `1 week`, `2.5 weeks`, `3 time units`. @internal */
export function amountOf(n: number, unit: string | undefined): string {
  const u = unit ?? 'time unit';
  return `${formatNumber(n)} ${n === 1 ? u : `${u}s`}`;
}

/** Plural of a time unit for axis titles: `weeks`, or `time units` when unknown. @internal */
export function unitsLabel(unit: string | undefined): string {
  return unit === undefined ? 'time units' : `${unit}s`;
}

/** A number for a title: at most 4 significant digits, no trailing zeros. @internal */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

/** Throw an {@link InvalidInputError} unless `v` is a non-empty array(-like); returns it. @internal */
export function requireNonEmptyArray(v: unknown, path: string, context: string, what: string): ArrayLike<unknown> {
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) {
    throw new InvalidInputError(context, [{ path, message: `expected an array of ${what}, got ${show(v)}` }]);
  }
  const a = v as ArrayLike<unknown>;
  if (a.length === 0) {
    throw new InvalidInputError(context, [{ path, message: `expected at least one ${what.replace(/s$/, '')}, got an empty array (nothing to plot)` }]);
  }
  return a;
}

/** Throw an {@link InvalidInputError} unless `v` is a non-null object; returns it. @internal */
export function requireObject(v: unknown, path: string, context: string, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new InvalidInputError(context, [{ path, message: `expected ${what}, got ${show(v)}` }]);
  }
  return v as Record<string, unknown>;
}

/**
 * Read a matrix of numbers (rows may be ragged unless `width` is given); every bad cell is an
 * issue `path[row][col]` with the row. `check` says what a valid value is.
 *
 * @internal
 */
export function readMatrix(
  v: unknown,
  path: string,
  context: string,
  rows: number,
  check: { readonly ok: (x: number) => boolean; readonly expected: string },
  width?: number,
): number[][] {
  if (!Array.isArray(v)) {
    throw new InvalidInputError(context, [{ path, message: `expected an array of ${rows} rows of numbers, got ${show(v)}` }]);
  }
  const m = v as readonly unknown[];
  if (m.length !== rows) {
    throw new InvalidInputError(context, [{ path, message: `expected ${rows} rows (one per ${path === 'counts' ? 'snapshot' : 'row label'}), got ${m.length}` }]);
  }
  const issues = new IssueCollector();
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = m[i];
    if (!(Array.isArray(row) || ArrayBuffer.isView(row))) {
      issues.add(`${path}[${i}]`, `expected an array of numbers, got ${show(row)}`, i);
      out.push([]);
      continue;
    }
    const r = row as ArrayLike<unknown>;
    if (width !== undefined && r.length !== width) {
      issues.add(`${path}[${i}]`, `expected ${width} values, got ${r.length}`, i);
    }
    const vals: number[] = [];
    for (let j = 0; j < r.length; j++) {
      const x = r[j];
      if (typeof x !== 'number' || !check.ok(x)) issues.add(`${path}[${i}][${j}]`, `expected ${check.expected}, got ${show(x)}`, i);
      vals.push(x as number);
    }
    out.push(vals);
  }
  issues.throwIfAny(context);
  return out;
}

/**
 * Read labels (strings, or finite numbers turned into strings): non-empty, each one unique when
 * `unique`. Issues name `path` and the row.
 *
 * @internal
 */
export function readLabels(v: unknown, path: string, context: string, unique: boolean): string[] {
  const a = requireNonEmptyArray(v, path, context, 'labels');
  const issues = new IssueCollector();
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x))) {
      const s = String(x);
      if (unique && seen.has(s)) issues.add(path, `expected unique labels, got ${show(s)} twice`, i);
      seen.add(s);
      out.push(s);
    } else {
      issues.add(path, `expected a string label, got ${show(x)}`, i);
    }
  }
  issues.throwIfAny(context);
  return out;
}

/** A finite number or null (for JSON data: NaN and ±Infinity become null). @internal */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
