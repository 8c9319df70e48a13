/**
 * clmkit: customer lifecycle analytics for TypeScript.
 *
 * The root entry re-exports every layer; import a subpath (`clmkit/data`, …) to pull in less.
 *
 * @module
 */
export * from './data/index.js';
export * from './math/index.js';
