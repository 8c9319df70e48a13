/**
 * The machinery BG/NBD and MBG/NBD share: they differ only in whether a customer may drop out
 * right after the first purchase (MBG/NBD: yes, `m = 1`; BG/NBD: no, `m = 0`), which shifts b by
 * m in a few places. Likelihood (log space, analytic gradient over log-parameters, evaluated on
 * unique `(x, t_x, T)` triples with per-x, per-T and per-t_x precomputation), predictions,
 * simulation and the fitted-model object.
 *
 * Not exported from `clmkit/models`; {@link fitBetaGeo} and `fitModifiedBetaGeo` are the faces.
 *
 * @internal
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../../errors.js';
import { toRandom } from '../../math/random.js';
import { digamma, hyp2f1Signed, lbeta, lgamma } from '../../math/special.js';
import { parseOptions } from '../../validate.js';
import {
  btydModelJson,
  checkModelJson,
  compressRfm,
  fitMaximumLikelihood,
  isSingleCustomer,
  parseBtydFitOptions,
  predictBatch,
  readRfm,
  unitOf,
  type BtydFitOptions,
  type BtydInput,
  type BtydModelJson,
  type CustomerRfm,
  type TransactionModel,
} from './common.js';
import type { TimeUnit } from '../../data/types.js';

/** Parameters of BG/NBD and MBG/NBD: purchase rate λ ~ Gamma(r, α), dropout p ~ Beta(a, b). */
export interface BetaGeoParams {
  /** Shape of the gamma distribution of purchase rates. */
  readonly r: number;
  /** Scale (in the data's time unit) of the gamma distribution of purchase rates. */
  readonly alpha: number;
  /** First shape of the beta distribution of dropout probabilities. */
  readonly a: number;
  /** Second shape of the beta distribution of dropout probabilities. */
  readonly b: number;
}

/** A fitted (or given) BG/NBD-family model. */
export interface BetaGeoFamilyModel<K extends string> extends TransactionModel {
  /** The model's kind. */
  readonly kind: K;
  /** Parameters. */
  readonly params: Readonly<BetaGeoParams>;
}

/** @internal */
export const PARAM_NAMES = ['r', 'alpha', 'a', 'b'] as const;

/** Which member of the family, with its names for messages. @internal */
export interface FamilySpec<K extends string> {
  /** 'BetaGeo' | 'ModifiedBetaGeo'. */
  readonly kind: K;
  /** 0 for BG/NBD, 1 for MBG/NBD (dropout possible right after the first purchase). */
  readonly m: 0 | 1;
  /** Name of the fitting function, for messages. */
  readonly fitName: string;
  /** Name of the JSON restorer, for messages. */
  readonly fromJsonName: string;
}

// --------------------------------------------------------------------------------- likelihood

/** Distinct values of a column and each row's index into them. */
function distinct(values: Float64Array): { values: Float64Array; index: Int32Array } {
  const map = new Map<number, number>();
  const index = new Int32Array(values.length);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let k = map.get(v);
    if (k === undefined) {
      k = out.length;
      map.set(v, k);
      out.push(v);
    }
    index[i] = k;
  }
  return { values: Float64Array.from(out), index };
}

/**
 * The total negative log-likelihood of a BG/NBD-family model and its gradient w.r.t. the
 * log-parameters, on compressed data. Per triple the cost is one exp and one log1p.
 *
 * @internal
 */
export function makeNegLogLik(
  m: 0 | 1,
  data: { frequency: Float64Array; recency: Float64Array; T: Float64Array; weights: Float64Array },
): (lp: Float64Array, grad: Float64Array | null) => number {
  const { frequency, weights } = data;
  const n = frequency.length;
  const xs = distinct(frequency);
  const Ts = distinct(data.T);
  const rs = distinct(data.recency);
  const nx = xs.values.length;
  const Wx = new Float64Array(nx);
  for (let i = 0; i < n; i++) Wx[xs.index[i]] += weights[i];
  const LT = new Float64Array(Ts.values.length);
  const IT = new Float64Array(Ts.values.length);
  const LR = new Float64Array(rs.values.length);
  const IR = new Float64Array(rs.values.length);
  const c4 = new Float64Array(nx);
  const dc4db = new Float64Array(nx);
  const xi = xs.index;
  const ti = Ts.index;
  const ri = rs.index;
  return (lp, grad) => {
    const r = Math.exp(lp[0]);
    const alpha = Math.exp(lp[1]);
    const a = Math.exp(lp[2]);
    const b = Math.exp(lp[3]);
    const la = lp[1];
    const la2 = lp[2];
    for (let k = 0; k < LT.length; k++) {
      const s = alpha + Ts.values[k];
      LT[k] = Math.log(s);
      IT[k] = 1 / s;
    }
    for (let k = 0; k < LR.length; k++) {
      const s = alpha + rs.values[k];
      LR[k] = Math.log(s);
      IR[k] = 1 / s;
    }
    let ll = 0;
    let gr = 0;
    let gal = 0;
    let ga = 0;
    let gb = 0;
    const lgr = lgamma(r);
    const lgb = lgamma(b);
    const lgab = lgamma(a + b);
    const dgr = grad ? digamma(r) : 0;
    const dgb = grad ? digamma(b) : 0;
    const dgab = grad ? digamma(a + b) : 0;
    for (let k = 0; k < nx; k++) {
      const x = xs.values[k];
      const w = Wx[k];
      const A1 = lgamma(r + x) - lgr + r * la;
      const A2 = lgab + lgamma(b + x + m) - lgb - lgamma(a + b + x + m);
      ll += w * (A1 + A2);
      if (x > 0 || m === 1) {
        const d = b + x - 1 + m;
        c4[k] = la2 - Math.log(d);
        dc4db[k] = -1 / d;
      } else {
        c4[k] = -Infinity;
        dc4db[k] = 0;
      }
      if (grad) {
        const dgabx = digamma(a + b + x + m);
        gr += w * (digamma(r + x) - dgr + la);
        gal += w * (r / alpha);
        ga += w * (dgab - dgabx);
        gb += w * (dgab + digamma(b + x + m) - dgb - dgabx);
      }
    }
    if (grad) {
      for (let i = 0; i < n; i++) {
        const k = xi[i];
        const w = weights[i];
        const rx = r + frequency[i];
        const lt = LT[ti[i]];
        const A3 = -rx * lt;
        const c = c4[k];
        if (c === -Infinity) {
          ll += w * A3;
          gr -= w * lt;
          gal -= w * rx * IT[ti[i]];
          continue;
        }
        const lr = LR[ri[i]];
        const u = c - rx * lr - A3; // A4 − A3
        let L: number;
        let p4: number;
        if (u < 0) {
          const e = Math.exp(u);
          L = A3 + Math.log1p(e);
          p4 = e / (1 + e);
        } else {
          const e = Math.exp(-u);
          L = A3 + u + Math.log1p(e);
          p4 = 1 / (1 + e);
        }
        const p3 = 1 - p4;
        ll += w * L;
        gr -= w * (p3 * lt + p4 * lr);
        gal -= w * rx * (p3 * IT[ti[i]] + p4 * IR[ri[i]]);
        ga += (w * p4) / a;
        gb += w * p4 * dc4db[k];
      }
      grad[0] = -gr * r;
      grad[1] = -gal * alpha;
      grad[2] = -ga * a;
      grad[3] = -gb * b;
    } else {
      for (let i = 0; i < n; i++) {
        const rx = r + frequency[i];
        const A3 = -rx * LT[ti[i]];
        const c = c4[xi[i]];
        if (c === -Infinity) {
          ll += weights[i] * A3;
          continue;
        }
        const u = c - rx * LR[ri[i]] - A3;
        ll += weights[i] * (u < 0 ? A3 + Math.log1p(Math.exp(u)) : A3 + u + Math.log1p(Math.exp(-u)));
      }
    }
    return Number.isFinite(ll) ? -ll : NaN;
  };
}

// -------------------------------------------------------------------------------- predictions

/** Numerical core of the predictions for given parameters. @internal */
export interface FamilyFormulas {
  /** ln of the odds term: ln(a/(b+x−1+m)) + (r+x) ln((α+T)/(α+t_x)); −Infinity for BG/NBD at x = 0. */
  logOdds(x: number, tx: number, T: number): number;
  /** P(alive | x, t_x, T). */
  alive(x: number, tx: number, T: number): number;
  /** E[Y(t) | x, t_x, T]. */
  conditional(t: number, x: number, tx: number, T: number): number;
  /** The part of E[Y(t) | x, t_x, T] that depends on (x, T) only (the 2F1 term). */
  expectedIfAlive(t: number, x: number, T: number): number;
  /** E[Y(t) | x, t_x, T] from {@link FamilyFormulas.expectedIfAlive}'s value. */
  combine(e: number, x: number, tx: number, T: number): number;
  /** P(X(t) = n) for a new customer. */
  pmf(n: number, t: number): number;
}

/** Formulas of FHL (2005) (m = 0) and Batislam et al. (2007) (m = 1) for the given parameters. @internal */
export function familyFormulas(m: 0 | 1, params: BetaGeoParams): FamilyFormulas {
  const { r, alpha, a, b } = params;
  const logA = Math.log(a);
  const logOdds = (x: number, tx: number, T: number): number => {
    if (x === 0 && m === 0) return -Infinity;
    // one log of the ratio (exact to rounding) instead of two logs
    return logA - Math.log(b + x - 1 + m) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  };
  /** 1 / (1 + e^d) without overflow: exactly 1 at d = −∞, 0 once e^−d underflows. */
  const logistic = (d: number): number => {
    if (d > 0) {
      const e = Math.exp(-d);
      return e / (1 + e);
    }
    return 1 / (1 + Math.exp(d));
  };
  const alive = (x: number, tx: number, T: number): number => logistic(logOdds(x, tx, T));
  // (a+b+x−1+m)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x+m; a+b+x−1+m; t/(α+T+t))]
  const bracket = (aa: number, t: number, x: number, T: number): number => {
    const c = aa + b + x - 1 + m;
    const z = t / (alpha + T + t);
    const h = hyp2f1Signed(r + x, b + x + m, c, z);
    const L = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)) + h.log;
    const one = h.sign > 0 ? -Math.expm1(L) : 1 + Math.exp(L);
    return (c / (aa - 1)) * one;
  };
  /** E[Y(t) | alive-weighted part]: the factor of E[Y(t) | x, t_x, T] that does not depend on t_x. */
  const expectedIfAlive = (t: number, x: number, T: number): number => {
    if (t === 0) return 0;
    // (a − 1) → 0: the bracket is 0/0; average at a = 1 ± 1e-6 (it is smooth in a).
    if (Math.abs(a - 1) < 1e-6) return 0.5 * (bracket(1 - 1e-6, t, x, T) + bracket(1 + 1e-6, t, x, T));
    // c = a+b+x−1+m a non-positive integer (possible only for x = 0, a + b ≤ 1): 2F1's pole; by continuity.
    const c = a + b + x - 1 + m;
    if (c <= 0 && c === Math.floor(c)) return 0.5 * (bracket(a - 1e-7, t, x, T) + bracket(a + 1e-7, t, x, T));
    return bracket(a, t, x, T);
  };
  const combine = (e: number, x: number, tx: number, T: number): number => {
    const value = e * logistic(logOdds(x, tx, T));
    return value > 0 ? value : 0;
  };
  const conditional = (t: number, x: number, tx: number, T: number): number => combine(expectedIfAlive(t, x, T), x, tx, T);
  const lbab = lbeta(a, b);
  const lgr = lgamma(r);
  const pmf = (n: number, t: number): number => {
    if (t === 0) {
      // Nobody purchases in an empty interval.
      return n === 0 ? 1 : 0;
    }
    const lp0 = r * (Math.log(alpha) - Math.log(alpha + t)); // ln (α/(α+t))^r
    const lq = Math.log(t) - Math.log(alpha + t); // ln q, q = t/(α+t)
    const q = t / (alpha + t);
    const logNb = (j: number): number => lgamma(r + j) - lgr - lgamma(j + 1) + lp0 + (j === 0 ? 0 : j * lq);
    const first = Math.exp(lbeta(a, b + n + m) - lbab + logNb(n));
    if (n === 0 && m === 0) return Math.min(1, first);
    // P(NB ≥ n) = 1 − Σ_{j<n} NB(j), summed from whichever side is accurate.
    let tail: number;
    if (n === 0) tail = 1;
    else {
      let head = 0;
      let term = Math.exp(lp0);
      for (let j = 0; j < n; j++) {
        head += term;
        term *= ((r + j) / (j + 1)) * q;
      }
      if (head < 0.5) tail = 1 - head;
      else {
        tail = 0;
        let tj = Math.exp(logNb(n));
        for (let j = n; j < n + 10_000_000; j++) {
          tail += tj;
          tj *= ((r + j) / (j + 1)) * q;
          if (tj <= 1e-17 * tail && ((r + j + 1) / (j + 2)) * q < 1) break;
        }
      }
    }
    const second = Math.exp(lbeta(a + 1, b + n - 1 + m) - lbab) * tail;
    const p = first + second;
    return p < 0 ? 0 : p > 1 ? 1 : p;
  };
  return { logOdds, alive, conditional, expectedIfAlive, combine, pmf };
}

// ----------------------------------------------------------------------------------- the model

/** Extra fields of a fitted model. @internal */
export interface FitInfo {
  /** Total log-likelihood at the fit (NaN for a model built from given parameters). */
  readonly logLikelihood: number;
  /** Whether the fit converged. */
  readonly converged: boolean;
  /** Optimiser iterations. */
  readonly iterations: number;
  /** Standard errors, or null. */
  readonly standardErrors: Readonly<Record<string, number>> | null;
  /** Time unit of the data. */
  readonly unit?: TimeUnit;
}

function checkTime(t: unknown, path: string, context: string): number {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new InvalidInputError(context, [{ path, message: `expected a finite time ≥ 0, got ${String(t)}` }]);
  }
  return t;
}

/** Build the immutable model object. @internal */
export function makeModel<K extends string>(spec: FamilySpec<K>, params: BetaGeoParams, info: FitInfo): BetaGeoFamilyModel<K> {
  const p = Object.freeze({ r: params.r, alpha: params.alpha, a: params.a, b: params.b });
  const f = familyFormulas(spec.m, p);
  const se = info.standardErrors === null ? null : Object.freeze({ ...info.standardErrors });
  const name = spec.kind;
  function conditionalExpectedPurchases(t: number, customer: CustomerRfm): number;
  function conditionalExpectedPurchases(t: number, customers: BtydInput): Float64Array;
  function conditionalExpectedPurchases(t: number, input: CustomerRfm | BtydInput): number | Float64Array {
    const ctx = `${name}.conditionalExpectedPurchases`;
    const tt = checkTime(t, 't', ctx);
    if (isSingleCustomer(input)) return predictBatch(input, ctx, (x, tx, T) => f.conditional(tt, x, tx, T));
    // Columns: the 2F1 term depends on (x, T) only, which repeat far more than (x, t_x, T); memoise it.
    // x is a validated non-negative integer: index the memo by it (a Map per x, keyed by T).
    const memo: (Map<number, number> | undefined)[] = [];
    return predictBatch(input, ctx, (x, tx, T) => {
      let byT = memo[x];
      if (byT === undefined) {
        byT = new Map();
        memo[x] = byT;
      }
      let e = byT.get(T);
      if (e === undefined) {
        e = f.expectedIfAlive(tt, x, T);
        byT.set(T, e);
      }
      return f.combine(e, x, tx, T);
    });
  }
  function probabilityAlive(customer: CustomerRfm): number;
  function probabilityAlive(customers: BtydInput): Float64Array;
  function probabilityAlive(input: CustomerRfm | BtydInput): number | Float64Array {
    return predictBatch(input, `${name}.probabilityAlive`, (x, tx, T) => f.alive(x, tx, T));
  }
  const model: BetaGeoFamilyModel<K> = {
    kind: spec.kind,
    params: p,
    logLikelihood: info.logLikelihood,
    converged: info.converged,
    iterations: info.iterations,
    standardErrors: se,
    ...(info.unit === undefined ? {} : { unit: info.unit }),
    expectedPurchases(t: number): number {
      return f.conditional(checkTime(t, 't', `${name}.expectedPurchases`), 0, 0, 0);
    },
    conditionalExpectedPurchases,
    probabilityAlive,
    probabilityOfPurchases(n: number, t: number): number {
      const ctx = `${name}.probabilityOfPurchases`;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw new InvalidInputError(ctx, [{ path: 'n', message: `expected a non-negative integer, got ${String(n)}` }]);
      }
      return f.pmf(n, checkTime(t, 't', ctx));
    },
    toJSON(): BtydModelJson {
      return btydModelJson(spec.kind, { r: p.r, alpha: p.alpha, a: p.a, b: p.b }, info, se);
    },
  };
  return Object.freeze(model);
}

/** Fit a member of the family. @internal */
export function fitFamily<K extends string>(spec: FamilySpec<K>, input: BtydInput, options: BtydFitOptions | undefined): BetaGeoFamilyModel<K> {
  const opts = parseBtydFitOptions(options, PARAM_NAMES, spec.fitName);
  const data = compressRfm(readRfm(input, spec.fitName));
  let W = 0;
  let meanT = 0;
  let meanX = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    W += data.weights[i];
    meanT += data.weights[i] * data.T[i];
    meanX += data.weights[i] * data.frequency[i];
  }
  meanT = W > 0 ? meanT / W : 1;
  meanX = W > 0 ? meanX / W : 0;
  // Start: α on the scale of T and r/α about the observed repeat rate x̄/T̄; a = 1, b = 3.
  const alpha0 = Math.max(meanT, 1e-3);
  const r0 = Math.min(Math.max(meanX, 0.1), 10);
  const fit = fitMaximumLikelihood({
    names: PARAM_NAMES,
    negLogLik: makeNegLogLik(spec.m, data),
    initial: [r0, alpha0, 1, 3],
    totalWeight: W,
    options: opts,
    context: spec.fitName,
  });
  const unit = unitOf(input);
  return makeModel(spec, fit.params as unknown as BetaGeoParams, {
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    standardErrors: fit.standardErrors,
    ...(unit === undefined ? {} : { unit }),
  });
}

/** Restore a model from its JSON. @internal */
export function familyFromJson<K extends string>(spec: FamilySpec<K>, json: unknown): BetaGeoFamilyModel<K> {
  const j = checkModelJson(json, spec.kind, PARAM_NAMES, spec.fromJsonName);
  return makeModel(spec, j.params as unknown as BetaGeoParams, {
    logLikelihood: j.logLikelihood,
    converged: j.converged,
    iterations: j.iterations,
    standardErrors: j.standardErrors,
    ...(j.unit === undefined ? {} : { unit: j.unit }),
  });
}

/** A model from given parameters (no fit): logLikelihood NaN, converged false, iterations 0. @internal */
export function familyFromParams<K extends string>(spec: FamilySpec<K>, params: BetaGeoParams, context: string): BetaGeoFamilyModel<K> {
  checkParams(params, context, 'params');
  return makeModel(spec, params, { logLikelihood: NaN, converged: false, iterations: 0, standardErrors: null });
}

function checkParams(params: unknown, context: string, path: string): BetaGeoParams {
  if (params === null || typeof params !== 'object') {
    throw new InvalidInputError(context, [{ path, message: `expected { r, alpha, a, b }, got ${String(params)}` }]);
  }
  const issues = PARAM_NAMES.filter((k) => {
    const v = (params as Record<string, unknown>)[k];
    return typeof v !== 'number' || !(v > 0) || !Number.isFinite(v);
  }).map((k) => ({ path: `${path}.${k}`, message: `expected a finite positive number, got ${String((params as Record<string, unknown>)[k])}` }));
  if (issues.length > 0) throw new InvalidInputError(context, issues);
  return params as BetaGeoParams;
}

// --------------------------------------------------------------------------------- simulation

/** Options of `simulateBetaGeo` / `simulateModifiedBetaGeo`. */
export interface SimulateBetaGeoOptions {
  /** The model's parameters. */
  readonly params: BetaGeoParams;
  /** Number of customers; may be left out when `T` is an array (one customer per entry). */
  readonly customers?: number;
  /** Observation length T per customer: one number for all, or one per customer. */
  readonly T: number | readonly number[] | Float64Array;
  /** Seed of the random generator. @defaultValue 0 */
  readonly seed?: number;
}

/** Simulated recency–frequency columns. */
export interface SimulatedRfm {
  /** x: repeat purchases. */
  readonly frequency: Float64Array;
  /** t_x: time of the last repeat purchase (0 when none). */
  readonly recency: Float64Array;
  /** T per customer. */
  readonly T: Float64Array;
}

const simulateSchema = z.object({
  params: z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() }),
  customers: z.optional(z.number().check(z.int(), z.gte(1))),
  T: z.union([z.number().check(z.gte(0)), z.array(z.number()), z.instanceof(Float64Array)]),
  seed: z.optional(z.number()),
});

/**
 * Draw customers from the model: λ ~ Gamma(r, 1/α), p ~ Beta(a, b); purchases form a Poisson
 * process of rate λ; after each repeat purchase (and, for MBG/NBD, also right after the first)
 * the customer drops out with probability p.
 *
 * @internal
 */
export function simulateFamily(m: 0 | 1, options: SimulateBetaGeoOptions, context: string): SimulatedRfm {
  const o = parseOptions(simulateSchema, options, context);
  const params = checkParams(o.params, context, 'options.params');
  const Tin = o.T;
  let n: number;
  let Tcol: Float64Array;
  if (typeof Tin === 'number') {
    if (o.customers === undefined) {
      throw new InvalidInputError(context, [{ path: 'options.customers', message: 'expected the number of customers when T is one number' }]);
    }
    n = o.customers;
    Tcol = new Float64Array(n).fill(Tin);
  } else {
    Tcol = Float64Array.from(Tin);
    n = Tcol.length;
    if (o.customers !== undefined && o.customers !== n) {
      throw new InvalidInputError(context, [{ path: 'options.customers', message: `expected ${n} (the length of T), got ${o.customers}` }]);
    }
    for (let i = 0; i < n; i++) {
      if (!(Number.isFinite(Tcol[i]) && Tcol[i] >= 0)) {
        throw new InvalidInputError(context, [{ path: 'options.T', row: i, message: `expected a finite time ≥ 0, got ${Tcol[i]}` }]);
      }
    }
  }
  const rng = toRandom(o.seed, 0);
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const scale = 1 / params.alpha;
  for (let i = 0; i < n; i++) {
    const T = Tcol[i];
    const lambda = rng.gamma(params.r, scale);
    const p = rng.beta(params.a, params.b);
    if (m === 1 && rng.next() < p) continue; // dropped out right after the first purchase
    if (!(lambda > 0)) continue;
    let t = 0;
    let x = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > T) break;
      x++;
      recency[i] = t;
      if (rng.next() < p) break;
    }
    frequency[i] = x;
  }
  return { frequency, recency, T: Tcol };
}
