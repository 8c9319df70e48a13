/**
 * `clmkit/lifecycle`: a typed customer lifecycle state machine — stages, events, guards, history,
 * population transition statistics and forecasts.
 *
 * @module
 */
export * from './lifecycle.js';
