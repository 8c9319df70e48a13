/**
 * `clmkit/metrics`: customer value and rates (CLV by discounted cash flow, retention, churn,
 * revenue retention, mixture risk), A/B-test statistics, and classification, regression and
 * ranking metrics.
 *
 * @module
 */
export * from './value.js';
export * from './revenue.js';
export * from './experiments.js';
export * from './classification.js';
export * from './regression.js';
export * from './ranking.js';
