/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way: An
 * Alternative to the Pareto/NBD Model", Marketing Science 24(2)): while alive a customer buys
 * as a Poisson process with rate λ ~ Gamma(r, α); after each repeat purchase they drop out with
 * probability p ~ Beta(a, b). Fitted by maximum likelihood on unique `(x, t_x, T)` triples with
 * an analytic gradient; predictions for one customer or columns of customers; simulation;
 * exact JSON round trip. See docs/models/bg-nbd.md.
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

export type { BetaGeoFamilyModel, BetaGeoParams, SimulateBetaGeoOptions, SimulatedRfm } from './betaGeoFamily.js';

/**
 * A fitted BG/NBD model: `params` `{ r, alpha, a, b }`, `logLikelihood` (total, in the data's
 * time unit), `converged`, `iterations`, `standardErrors`, and the predictions of
 * {@link TransactionModel} (times in the data's unit). Immutable.
 */
export type BetaGeoModel = BetaGeoFamilyModel<'BetaGeo'>;

/** Options of {@link fitBetaGeo}. */
export type BetaGeoFitOptions = BtydFitOptions;

const SPEC: FamilySpec<'BetaGeo'> = { kind: 'BetaGeo', m: 0, fitName: 'fitBetaGeo', fromJsonName: 'betaGeoFromJSON' };

/**
 * Fit the BG/NBD model by maximum likelihood.
 *
 * @param data - a `CustomerSummary` or columns `{ frequency, recency, T, weights? }`.
 * @param options - see {@link BtydFitOptions}.
 * @throws {@link InvalidInputError} for malformed rows (naming column and row) or options.
 * @throws {@link ConvergenceError} when no start converges (carries the best parameters).
 * @example
 * ```ts
 * import { fitBetaGeo, simulateBetaGeo } from 'clmkit/models';
 * // 5,000 customers observed for 39 weeks, drawn from known parameters (use your summary instead).
 * const data = simulateBetaGeo({ params: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, customers: 5000, T: 39, seed: 1 });
 * const model = fitBetaGeo(data);
 * console.log(model.converged, Object.keys(model.params)); // true [ 'r', 'alpha', 'a', 'b' ]
 * console.log(model.conditionalExpectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 })); // expected purchases in the next 39 weeks, …
 * console.log(model.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 })); // 1
 * ```
 */
export function fitBetaGeo(data: BtydInput, options?: BetaGeoFitOptions): BetaGeoModel {
  return fitFamily(SPEC, data, options);
}

/**
 * Restore a BG/NBD model from `model.toJSON()` (or its JSON text parsed): parameters and fit
 * information are restored exactly.
 *
 * @throws {@link InvalidInputError} when `json` is not a version-1 `'BetaGeo'` model.
 * @example
 * ```ts
 * import { betaGeoFromJSON, betaGeoModel } from 'clmkit/models';
 * const m = betaGeoModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
 * const back = betaGeoFromJSON(JSON.parse(JSON.stringify(m)));
 * console.log(back.params); // { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
 * ```
 */
export function betaGeoFromJSON(json: unknown): BetaGeoModel {
  return familyFromJson(SPEC, json);
}

/**
 * A BG/NBD model from known parameters, without fitting (what-if analysis, published
 * parameters): `logLikelihood` is NaN, `converged` false, `iterations` 0.
 *
 * @example
 * ```ts
 * import { betaGeoModel } from 'clmkit/models';
 * const m = betaGeoModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
 * console.log(m.probabilityOfPurchases(0, 39).toFixed(4)); // 0.5738
 * ```
 */
export function betaGeoModel(params: BetaGeoParams): BetaGeoModel {
  return familyFromParams(SPEC, params, 'betaGeoModel');
}

/**
 * Simulate customers from the BG/NBD model: each gets λ ~ Gamma(r, 1/α) and p ~ Beta(a, b),
 * buys as a Poisson process of rate λ over (0, T], and drops out with probability p after each
 * repeat purchase. Returns `{ frequency, recency, T }` columns, identical for the same seed.
 *
 * @example
 * ```ts
 * import { simulateBetaGeo } from 'clmkit/models';
 * const s = simulateBetaGeo({ params: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, customers: 3, T: 39, seed: 1 });
 * console.log(s.frequency.length, s.T); // 3 Float64Array(3) [ 39, 39, 39 ]
 * ```
 */
export function simulateBetaGeo(options: SimulateBetaGeoOptions): SimulatedRfm {
  return simulateFamily(0, options, 'simulateBetaGeo');
}
