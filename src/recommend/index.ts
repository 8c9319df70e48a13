/**
 * `clmkit/recommend`: collaborative filtering (item/user kNN, implicit ALS, popularity) with
 * offline evaluation.
 *
 * @module
 */
export type { EntityId, Interaction, InteractionInput, Recommendation, RecommendOptions, Recommender } from './types.js';
export { interactionMatrix, type InteractionMatrix, type InteractionMatrixOptions } from './sparse.js';
export * from './knn.js';
export * from './als.js';
export * from './evaluate.js';
