/**
 * The modified BG/NBD model, MBG/NBD (Batislam, Denizel & Filiztekin 2007, "Empirical
 * validation and comparison of models for customer base analysis", International Journal of
 * Research in Marketing 24(3)): as BG/NBD, but a customer may also drop out right after the
 * first purchase, so a customer with no repeat purchases is not certainly alive. Same fitting,
 * prediction, simulation and JSON machinery as {@link fitBetaGeo}. See docs/models/mbg-nbd.md.
 *
 * @module
 */
import {
  familyFromJson,
  familyFromParams,
  fitFamily,
  simulateFamily,
  type BetaGeoFamilyModel,
  type BetaGeoParams,
  type FamilySpec,
  type SimulateBetaGeoOptions,
  type SimulatedRfm,
} from './betaGeoFamily.js';
import type { BtydFitOptions, BtydInput } from './common.js';

/**
 * A fitted MBG/NBD model: `params` `{ r, alpha, a, b }`, `logLikelihood`, `converged`,
 * `iterations`, `standardErrors` and the predictions of {@link TransactionModel}. Immutable.
 */
export type ModifiedBetaGeoModel = BetaGeoFamilyModel<'ModifiedBetaGeo'>;

/** Options of {@link fitModifiedBetaGeo}. */
export type ModifiedBetaGeoFitOptions = BtydFitOptions;

const SPEC: FamilySpec<'ModifiedBetaGeo'> = {
  kind: 'ModifiedBetaGeo',
  m: 1,
  fitName: 'fitModifiedBetaGeo',
  fromJsonName: 'modifiedBetaGeoFromJSON',
};

/**
 * Fit the MBG/NBD model by maximum likelihood.
 *
 * @param data - a `CustomerSummary` or columns `{ frequency, recency, T, weights? }`.
 * @param options - see {@link BtydFitOptions}.
 * @throws {@link InvalidInputError} for malformed rows (naming column and row) or options.
 * @throws {@link ConvergenceError} when no start converges (carries the best parameters).
 * @example
 * ```ts
 * import { fitModifiedBetaGeo } from 'clmkit/models';
 * const model = fitModifiedBetaGeo({
 *   frequency: [2, 1, 0, 0, 0, 7, 1, 0, 2, 0, 5, 0],
 *   recency: [30.43, 1.71, 0, 0, 0, 29.43, 5, 0, 35.71, 0, 24.43, 0],
 *   T: [38.86, 38.86, 38.86, 38.86, 38.86, 38.86, 38.86, 38.86, 38.86, 38.86, 38.71, 38.71],
 * });
 * console.log(model.kind, model.converged); // ModifiedBetaGeo true
 * console.log(model.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 }) < 1); // true
 * ```
 */
export function fitModifiedBetaGeo(data: BtydInput, options?: ModifiedBetaGeoFitOptions): ModifiedBetaGeoModel {
  return fitFamily(SPEC, data, options);
}

/**
 * Restore an MBG/NBD model from `model.toJSON()`, exactly.
 *
 * @throws {@link InvalidInputError} when `json` is not a version-1 `'ModifiedBetaGeo'` model.
 * @example
 * ```ts
 * import { modifiedBetaGeoFromJSON, modifiedBetaGeoModel } from 'clmkit/models';
 * const m = modifiedBetaGeoModel({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 });
 * console.log(modifiedBetaGeoFromJSON(JSON.parse(JSON.stringify(m))).params.b); // 1.614
 * ```
 */
export function modifiedBetaGeoFromJSON(json: unknown): ModifiedBetaGeoModel {
  return familyFromJson(SPEC, json);
}

/**
 * An MBG/NBD model from known parameters, without fitting: `logLikelihood` NaN, `converged`
 * false, `iterations` 0.
 *
 * @example
 * ```ts
 * import { modifiedBetaGeoModel } from 'clmkit/models';
 * const m = modifiedBetaGeoModel({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 });
 * console.log(m.expectedPurchases(0)); // 0
 * ```
 */
export function modifiedBetaGeoModel(params: BetaGeoParams): ModifiedBetaGeoModel {
  return familyFromParams(SPEC, params, 'modifiedBetaGeoModel');
}

/**
 * Simulate customers from the MBG/NBD model (as {@link simulateBetaGeo}, but the dropout coin
 * is also tossed right after the first purchase).
 *
 * @example
 * ```ts
 * import { simulateModifiedBetaGeo } from 'clmkit/models';
 * const s = simulateModifiedBetaGeo({ params: { r: 0.5, alpha: 6, a: 0.9, b: 1.6 }, T: [10, 20], seed: 3 });
 * console.log(s.T); // Float64Array(2) [ 10, 20 ]
 * ```
 */
export function simulateModifiedBetaGeo(options: SimulateBetaGeoOptions): SimulatedRfm {
  return simulateFamily(1, options, 'simulateModifiedBetaGeo');
}
