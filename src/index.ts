/**
 * clmkit: customer lifecycle analytics for TypeScript.
 *
 * The root entry re-exports every layer; import a subpath (`clmkit/data`, `clmkit/metrics`, `clmkit/segment`, …)
 * to pull in less.
 *
 * @module
 */
export * from './data/index.js';
export * from './metrics/index.js';
export * from './models/index.js';
export * from './segment/index.js';
export * from './recommend/index.js';
export * from './lifecycle/index.js';
export * from './plot/index.js';
export * from './sql/index.js';
export * from './math/index.js';
