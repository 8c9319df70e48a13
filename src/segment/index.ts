/**
 * `clmkit/segment`: RFM scores and named segments, value tiers, k-means with model selection,
 * and segment profiles.
 *
 * @module
 */
export * from './rfm.js';
export * from './kmeans.js';
export * from './silhouette.js';
export * from './profile.js';
export * from './choose.js';
