/**
 * The parts of `math/` a user needs directly: the seeded random generator and quantiles.
 * (Special functions and optimisers stay internal until a layer needs to expose them.)
 *
 * @module
 */
export * from './random.js';
export { quantileSorted } from './quantile.js';
