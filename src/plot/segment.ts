/**
 * A scatter plot of customers coloured by segment (RFM, k-means clusters, lifecycle stages).
 *
 * @module
 */
import * as z from 'zod/mini';
import { IssueCollector } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import {
  OKABE_ITO,
  VEGA_LITE_SCHEMA,
  plotOptionsShape,
  requireNonEmptyArray,
  titleBlock,
  type DataRow,
  type JsonObject,
  type PlotOptions,
  type VegaLiteSpec,
} from './spec.js';

/** Options of {@link segmentScatter}. `x` and `y` are required. */
export interface SegmentScatterOptions extends PlotOptions {
  /** Field of each point for the x axis (finite numbers). */
  x: string;
  /** Field of each point for the y axis (finite numbers). */
  y: string;
  /**
   * Field holding the segment (any value, shown as text) for the colour. A field that no point
   * has means no colouring (only when left to the default).
   * @defaultValue 'segment'
   */
  color?: string;
  /** Field for the point size (finite numbers ≥ 0). @defaultValue none: all points alike */
  size?: string;
  /** X axis title, with its unit. @defaultValue the field name */
  xTitle?: string;
  /** Y axis title, with its unit. @defaultValue the field name */
  yTitle?: string;
  /** Legend title of the colour. @defaultValue the field name, capitalised */
  colorTitle?: string;
  /** Legend title of the size. @defaultValue the field name */
  sizeTitle?: string;
  /** Symmetric-log x axis (`symlog`: log-like, but shows 0). @defaultValue false */
  logX?: boolean;
  /** Symmetric-log y axis. @defaultValue false */
  logY?: boolean;
}

const field = z.string().check(z.minLength(1));
const schema = z.strictObject({
  ...plotOptionsShape,
  x: field,
  y: field,
  color: z.optional(field),
  size: z.optional(field),
  xTitle: z.optional(z.string()),
  yTitle: z.optional(z.string()),
  colorTitle: z.optional(z.string()),
  sizeTitle: z.optional(z.string()),
  logX: z.optional(z.boolean()),
  logY: z.optional(z.boolean()),
});
/** Marker shapes for segments beyond the palette's colours (see {@link segmentScatter}). */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-left', 'triangle-right'] as const;

const CONTEXT = 'segmentScatter';

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A scatter plot of points (customers) with two numeric fields on the axes, coloured by a
 * segment field (Okabe–Ito colour-blind-safe palette, segments in order of first appearance;
 * beyond its 8 colours they repeat with another marker shape each round)
 * and optionally sized by a third, with tooltips showing every plotted field — e.g. RFM
 * recency against frequency coloured by RFM segment. Sample large populations first: every point
 * is a mark.
 *
 * The fields are copied into `data.values` under fixed names, so field names with dots or
 * brackets are safe: rows `{ x, y, color?, size? }` (`color` as a string).
 *
 * @param points - one record per point.
 * @param options - {@link SegmentScatterOptions}; `x` and `y` name the fields.
 * @throws {@link InvalidInputError} for no points, a point that is not an object, a value of
 * `x`, `y` or `size` that is not a finite number, or a missing colour value (naming the row and
 * field).
 *
 * @example
 * ```ts
 * import { segmentScatter } from 'clmkit/plot';
 * const points = [
 *   { recency: 3, frequency: 12, monetary: 80, segment: 'Champions' },
 *   { recency: 40, frequency: 2, monetary: 25, segment: 'At risk' },
 *   { recency: 200, frequency: 1, monetary: 15, segment: 'Lost' },
 * ];
 * const spec = segmentScatter(points, { x: 'recency', y: 'frequency', size: 'monetary', xTitle: 'Days since last purchase', logY: true });
 * console.log(spec.data.values[0]); // { x: 3, y: 12, color: 'Champions', size: 80 }
 * ```
 */
export function segmentScatter(points: readonly Record<string, unknown>[], options: SegmentScatterOptions): VegaLiteSpec {
  const a = requireNonEmptyArray(points, 'points', CONTEXT, 'points (records)');
  const opts = parseOptions(schema, options, CONTEXT);
  const colorField = opts.color ?? 'segment';
  let useColor = true;
  if (opts.color === undefined) {
    useColor = false;
    for (let i = 0; i < a.length && !useColor; i++) {
      const p = a[i];
      if (p !== null && typeof p === 'object' && (p as Record<string, unknown>)[colorField] !== undefined) useColor = true;
    }
  }
  const issues = new IssueCollector();
  const values: DataRow[] = [];
  const segments: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < a.length; i++) {
    const p = a[i];
    if (p === null || typeof p !== 'object' || Array.isArray(p)) {
      issues.add('points', `expected a record, got ${show(p)}`, i);
      continue;
    }
    const r = p as Record<string, unknown>;
    const row: DataRow = {};
    for (const [key, name] of [['x', opts.x], ['y', opts.y]] as const) {
      const v = r[name];
      if (typeof v === 'number' && Number.isFinite(v)) row[key] = v;
      else issues.add(name, `expected a finite number, got ${show(v)}`, i);
    }
    if (useColor) {
      const c = r[colorField];
      if (c === undefined || c === null) issues.add(colorField, `expected a segment value, got ${show(c)}`, i);
      else {
        const s = typeof c === 'string' ? c : typeof c === 'number' || typeof c === 'boolean' || typeof c === 'bigint' ? String(c) : null;
        if (s === null) issues.add(colorField, `expected a segment as a string or number, got ${show(c)}`, i);
        else {
          row['color'] = s;
          if (!seen.has(s)) {
            seen.add(s);
            segments.push(s);
          }
        }
      }
    }
    if (opts.size !== undefined) {
      const v = r[opts.size];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) row['size'] = v;
      else issues.add(opts.size, `expected a finite number ≥ 0, got ${show(v)}`, i);
    }
    values.push(row);
  }
  issues.throwIfAny(CONTEXT);
  const xTitle = opts.xTitle ?? opts.x;
  const yTitle = opts.yTitle ?? opts.y;
  const colorTitle = opts.colorTitle ?? capitalise(colorField);
  const sizeTitle = opts.sizeTitle ?? opts.size ?? '';
  const encoding: JsonObject = {
    x: { field: 'x', type: 'quantitative', title: xTitle, scale: opts.logX === true ? { type: 'symlog' } : { zero: false } },
    y: { field: 'y', type: 'quantitative', title: yTitle, scale: opts.logY === true ? { type: 'symlog' } : { zero: false } },
  };
  const tooltip: JsonObject[] = [];
  if (useColor) {
    encoding['color'] = { field: 'color', type: 'nominal', title: colorTitle, scale: { domain: segments, range: segments.map((_, k) => OKABE_ITO[k % OKABE_ITO.length]) } };
    if (segments.length > OKABE_ITO.length) {
      // More segments than colours: the colours repeat, each round with another marker shape, so
      // that every segment is still one (colour, shape) pair, in the plot and in the legend.
      encoding['shape'] = {
        field: 'color',
        type: 'nominal',
        title: colorTitle,
        scale: { domain: segments, range: segments.map((_, k) => SHAPES[Math.floor(k / OKABE_ITO.length) % SHAPES.length]) },
      };
    }
    tooltip.push({ field: 'color', type: 'nominal', title: colorTitle });
  }
  tooltip.push({ field: 'x', type: 'quantitative', title: xTitle, format: ',.4~f' }, { field: 'y', type: 'quantitative', title: yTitle, format: ',.4~f' });
  if (opts.size !== undefined) {
    encoding['size'] = { field: 'size', type: 'quantitative', title: sizeTitle };
    tooltip.push({ field: 'size', type: 'quantitative', title: sizeTitle, format: ',.4~f' });
  }
  encoding['tooltip'] = tooltip;
  const defaultTitle = useColor ? `${capitalise(opts.y)} vs ${opts.x}, by ${colorField}` : `${capitalise(opts.y)} vs ${opts.x}`;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(opts.title ?? defaultTitle, [`${values.length.toLocaleString('en-US')} point${values.length === 1 ? '' : 's'}`]),
    width: opts.width ?? 480,
    height: opts.height ?? 320,
    data: { values },
    mark: { type: 'point', filled: true, opacity: 0.6 },
    encoding,
  };
}
