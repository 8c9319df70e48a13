/**
 * Compile a clmkit/plot spec with the vega-lite compiler and render it headless with vega to SVG,
 * collecting every warning either of them logs. `marks(kind)` counts the items of the chart's
 * own marks of one kind (`rect`, `line`, `area`, `symbol`, `text`, `rule`) — axis and legend
 * marks are not counted.
 */
import { expect } from 'vitest';
import type { VegaLiteSpec } from '../../src/plot/index.js';

type VegaLite = typeof import('vega-lite');
type Vega = typeof import('vega');
let loaded: Promise<[VegaLite, Vega]> | null = null;

/** vega-lite and vega, imported once (both use top-level await: no static import). */
function load(): Promise<[VegaLite, Vega]> {
  loaded ??= Promise.all([import('vega-lite'), import('vega')]);
  return loaded;
}

/** A logger (the interface vega-lite's compile and vega's View take) that records warnings and errors. */
function collectingLogger(into: string[]) {
  let lvl = 2;
  const logger = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return logger;
    },
    error(...args: readonly unknown[]) {
      into.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: readonly unknown[]) {
      into.push(`warn: ${args.map(String).join(' ')}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

export interface Rendered {
  /** The SVG text. */
  readonly svg: string;
  /** Warnings and errors from the compiler and the renderer (should be empty). */
  readonly warnings: readonly string[];
  /** Number of items drawn by the chart's marks of this kind (`rect`, `symbol`, …). */
  marks(kind: string): number;
}

/** Compile (vega-lite) and render (vega, headless) a spec to SVG. */
export async function render(spec: VegaLiteSpec): Promise<Rendered> {
  const [vl, vega] = await load();
  const warnings: string[] = [];
  // Round-trip through JSON first: the spec must be plain JSON.
  const json = JSON.parse(JSON.stringify(spec)) as Parameters<VegaLite['compile']>[0];
  const compiled = vl.compile(json, { logger: collectingLogger(warnings) });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logger: collectingLogger(warnings) });
  const svg = await view.toSVG();
  view.finalize();
  return {
    svg,
    warnings,
    marks(kind: string): number {
      const group = new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>(.*?)</g>`, 'gs');
      let count = 0;
      for (const m of svg.matchAll(group)) count += (m[1].match(/<(path|text|line)\b/g) ?? []).length;
      return count;
    },
  };
}

/**
 * The checks every chart passes: the spec is plain JSON (a JSON round trip gives it back
 * exactly: no NaN, undefined or typed arrays), has the v5 `$schema`, a title, a size and
 * tooltips, compiles and renders without a single warning. Returns the rendering.
 */
export async function checkSpec(spec: VegaLiteSpec): Promise<Rendered> {
  expect(JSON.parse(JSON.stringify(spec))).toStrictEqual(spec);
  expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
  expect(spec.title).toBeTruthy();
  expect(spec.width).toBeGreaterThan(0);
  expect(spec.height).toBeGreaterThan(0);
  expect(JSON.stringify(spec)).toContain('"tooltip"');
  const r = await render(spec);
  expect(r.warnings).toEqual([]);
  expect(r.svg.startsWith('<svg')).toBe(true);
  return r;
}
