/**
 * `clmkit/segment`: RFM scores and named segments, value tiers, k-means with model selection,
 * and segment profiles.
 *
 * @module
 */
export * from './rfm.js';
// public names only: the module's @internal helpers stay inside (test/package/exports.test.ts)
export { elbow, kmeans } from './kmeans.js';
export type { ElbowOptions, ElbowResult, KMeansInit, KMeansOptions, KMeansResult, Matrix, MatrixInput } from './kmeans.js';
export * from './silhouette.js';
export * from './profile.js';
export * from './choose.js';
