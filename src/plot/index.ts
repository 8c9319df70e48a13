/**
 * `clmkit/plot`: charts of clmkit's results as Vega-Lite v5 specifications — plain JSON
 * objects, so the library itself has no rendering dependency. Each function takes a result
 * (a fitted model, a cohort table, a Kaplan–Meier result, scores…) and returns a
 * {@link VegaLiteSpec} with the data inline, titles and axis titles with units, tooltips, a
 * default size and colour-blind-safe colours (viridis for heat maps, Okabe–Ito for categories).
 * Only features common to Vega-Lite 5 and 6 are used.
 *
 * ## Rendering
 *
 * - **Browser or notebook**: `vegaEmbed('#chart', spec)` with
 *   [vega-embed](https://github.com/vega/vega-embed) (Observable, Jupyter with Deno, a web page).
 * - **Node (SVG or PNG files, server-side reports)**: compile with the `vega-lite` package and
 *   render headless with `vega` (both are ES modules with top-level `await`, so load them with
 *   `await import(…)`):
 *
 * ```ts no-run
 * import type { TopLevelSpec } from 'vega-lite';
 * const vl = await import('vega-lite');
 * const vega = await import('vega');
 * // VegaLiteSpec is clmkit's own plain-JSON type, not vega-lite's: cast it at this boundary.
 * const view = new vega.View(vega.parse(vl.compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
 * const svg = await view.toSVG();
 * ```
 *
 * - **Anywhere else**: `JSON.stringify(spec)` is a spec file for the Vega editor, Altair
 *   (`alt.Chart.from_dict`) or any Vega-Lite tool.
 *
 * @module
 */
export type { DataRow, JsonObject, JsonPrimitive, JsonValue, PlotOptions, VegaLiteSpec } from './spec.js';
export {
  calibrationHoldoutPlot,
  calibrationHoldoutTable,
  frequencyRecencyHeatmap,
  type CalibrationHoldoutData,
  type CalibrationHoldoutPlotOptions,
  type CalibrationHoldoutRow,
  type CalibrationHoldoutTableOptions,
  type FrequencyRecencyHeatmapOptions,
  type FrequencyRecencyModel,
} from './btyd.js';
export { cohortRetentionHeatmap, type CohortRetentionHeatmapOptions, type CohortRetentionInput } from './cohort.js';
export { survivalCurve, type SurvivalCurveOptions } from './survival.js';
export { clvDistribution, type ClvDistributionOptions } from './distribution.js';
export { segmentScatter, type SegmentScatterOptions } from './segment.js';
export {
  stageMixOverTime,
  transitionHeatmap,
  type StageMixInput,
  type StageMixOverTimeOptions,
  type TransitionHeatmapOptions,
  type TransitionMatrixInput,
} from './lifecycle.js';
export { liftChart, rocCurvePlot, type LiftChartOptions, type RocCurvePlotOptions } from './classification.js';
