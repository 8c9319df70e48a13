/**
 * Customer value and customer-count rates: CLV by discounted cash flow, net customer value
 * (CLV − acquisition cost), retention, churn and growth rates, and mixture risk (law of total
 * probability and Bayes' rule over segments).
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, IssueCollector, type InputIssue } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import { finiteVector, sameLength } from './arrays.js';

// ---------------------------------------------------------------------------------------------
// CLV by discounted cash flow

/** Options shared by both forms of {@link ClvOptions}. */
export interface ClvBaseOptions {
  /**
   * Discount rate **per period** (0.1 = 10 % per period), > −1. For monthly periods and an
   * effective annual rate `a`, pass `(1 + a) ** (1 / 12) - 1` (`a / 12` compounds to more than `a`).
   */
  discountRate: number;
  /**
   * Share of each cash flow that is profit (0.3 for a 30 % margin), ≤ 1; multiplies every cash
   * flow. Negative for a loss-making customer.
   * @defaultValue `1` (the cash flows are already margins)
   */
  margin?: number;
  /**
   * When each period's cash arrives: `'end'` discounts period `t` (t = 1..n) by `(1+r)^t`;
   * `'start'` by `(1+r)^(t−1)`, so the first period's cash is not discounted.
   * @defaultValue `'end'`
   */
  timing?: 'end' | 'start';
  /**
   * Per-period survival probability in [0, 1]: period `t`'s cash flow (t = 1..n, whatever the
   * timing) is weighted by `retention^(t−1)`. The customer is present in period 1 for sure and
   * survives each later period with this probability.
   * @defaultValue `1` (cash flows already are expected values, or the customer surely stays)
   */
  retention?: number;
}

/** {@link clv} from explicit per-period cash flows. */
export interface ClvCashFlowOptions extends ClvBaseOptions {
  /** Cash flow of each period, `cashFlows[t−1]` for period t = 1..n; finite numbers (any sign). */
  cashFlows: ArrayLike<number>;
  amount?: never;
  periods?: never;
  growth?: never;
}

/** {@link clv} from a base amount that grows geometrically over a horizon. */
export interface ClvAmountOptions extends ClvBaseOptions {
  /** Cash flow of period 1. */
  amount: number;
  /** Horizon: number of periods n, an integer ≥ 0 (0 periods are worth 0). */
  periods: number;
  /**
   * Growth per period, ≥ −1: period t's cash flow is `amount · (1 + growth)^(t−1)`.
   * @defaultValue `0`
   */
  growth?: number;
  cashFlows?: never;
}

/** Options of {@link clv}: `cashFlows`, **or** `amount` with `periods` (and optional `growth`). */
export type ClvOptions = ClvCashFlowOptions | ClvAmountOptions;

const rate = z.number().check(z.gt(-1));
const probability = z.number().check(z.minimum(0), z.maximum(1));
const clvSchema = z.strictObject({
  cashFlows: z.optional(z.unknown()),
  amount: z.optional(z.number()),
  periods: z.optional(z.int().check(z.minimum(0))),
  growth: z.optional(z.number().check(z.minimum(-1))),
  margin: z.optional(z.number().check(z.maximum(1))),
  discountRate: rate,
  timing: z.optional(z.enum(['end', 'start'])),
  retention: z.optional(probability),
});

/**
 * Customer lifetime value by discounted cash flow:
 *
 * `CLV = margin · Σ_{t=1..n} C_t · retention^(t−1) / (1 + r)^e_t`, with `e_t = t` when cash
 * arrives at the end of each period (`timing: 'end'`, the default) and `e_t = t − 1` when it
 * arrives at the start (`'start'`, so a start-of-period CLV is exactly `(1 + r)` times the
 * end-of-period one).
 *
 * The cash flows `C_t` are either given (`cashFlows`, period 1 first) or built from a base
 * `amount` over `periods` periods growing by `growth` per period: `C_t = amount · (1+growth)^(t−1)`.
 * The survival weight `retention^(t−1)` is 1 for period 1 under both timings: the customer is
 * certainly there for the first period's cash, then stays each further period with probability
 * `retention`. All rates are **per period** (the period of the cash flows). The customer
 * acquisition cost does not belong in the cash flows: subtract it once with
 * {@link netCustomerValue}.
 *
 * @returns the present value (same currency as the cash flows).
 * @throws {@link InvalidInputError} when both or neither of `cashFlows` and `amount` are given,
 * `amount` comes without `periods` (or `periods`/`growth` with `cashFlows`), a cash flow is not a
 * finite number (its index is the issue's `row`), an option is out of range (`discountRate ≤ −1`,
 * `retention` outside [0, 1], `margin > 1`, `growth < −1`), or the sum overflows.
 *
 * @example
 * ```ts
 * import { clv } from 'clmkit';
 * // 1000 a year for 5 years at 10 % a year (annuity tables: 3790.79 and 4169.87):
 * console.log(clv({ amount: 1000, periods: 5, discountRate: 0.1 })); // ≈ 3790.7868
 * console.log(clv({ amount: 1000, periods: 5, discountRate: 0.1, timing: 'start' })); // ≈ 4169.8654
 * // 30 % margin on 100, 110, 121; a customer who stays each further period with probability 0.8:
 * const v = clv({ amount: 100, periods: 3, growth: 0.1, margin: 0.3, retention: 0.8, discountRate: 0 });
 * console.log(v); // ≈ 79.632 (0.3 × (100 + 110 × 0.8 + 121 × 0.64))
 * console.log(clv({ cashFlows: [100, 110, 121], discountRate: 0.1 })); // ≈ 272.7273 (3 × 100/1.1)
 * ```
 */
export function clv(options: ClvOptions): number {
  const ctx = 'clv';
  const o = parseOptions(clvSchema, options, ctx);
  const hasFlows = o.cashFlows !== undefined;
  const hasAmount = o.amount !== undefined;
  const issues: InputIssue[] = [];
  if (hasFlows && hasAmount) {
    const msg = 'give either options.cashFlows or options.amount (with options.periods), not both';
    issues.push({ path: 'options.cashFlows', message: msg }, { path: 'options.amount', message: msg });
  } else if (!hasFlows && !hasAmount) {
    const msg = 'give either options.cashFlows, or options.amount with options.periods';
    issues.push({ path: 'options.cashFlows', message: msg }, { path: 'options.amount', message: msg });
  } else if (hasFlows) {
    if (o.periods !== undefined) issues.push({ path: 'options.periods', message: 'only with options.amount: the horizon of options.cashFlows is its length' });
    if (o.growth !== undefined) issues.push({ path: 'options.growth', message: 'only with options.amount: options.cashFlows already holds every period' });
  } else if (o.periods === undefined) {
    issues.push({ path: 'options.periods', message: 'required with options.amount: the number of periods (horizon)' });
  }
  if (issues.length > 0) throw new InvalidInputError(`${ctx}: invalid options`, issues);

  const margin = o.margin ?? 1;
  const retention = o.retention ?? 1;
  const base = 1 + o.discountRate;
  const shift = (o.timing ?? 'end') === 'end' ? 1 : 0;
  let flows: Float64Array;
  if (o.amount !== undefined) {
    const n = o.periods!;
    const g = 1 + (o.growth ?? 0);
    flows = new Float64Array(n);
    for (let j = 0; j < n; j++) flows[j] = o.amount * g ** j;
  } else {
    flows = finiteVector(o.cashFlows, 'options.cashFlows', `${ctx}: invalid options`);
  }
  let sum = 0;
  for (let j = 0; j < flows.length; j++) {
    const c = flows[j];
    if (c === 0) continue; // adds nothing, and no 0 / 0 when a discount factor underflows
    sum += (c * retention ** j) / base ** (j + shift);
  }
  const value = margin * sum;
  if (!Number.isFinite(value)) {
    throw new InvalidInputError(`${ctx}: invalid options`, [
      { path: 'options', message: `the discounted sum is not finite (${show(value)}): a cash flow or discount factor overflows; check discountRate, growth and the horizon` },
    ]);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Net customer value

/** Input of {@link netCustomerValue}. */
export interface NetCustomerValueInput {
  /** Customer lifetime value, e.g. from {@link clv}, **without** the acquisition cost in it. */
  clv: number;
  /** Customer acquisition cost (CAC), ≥ 0, in the same currency and at the same date as the CLV. */
  acquisitionCost: number;
}

const netSchema = z.strictObject({ clv: z.number(), acquisitionCost: z.number().check(z.minimum(0)) });

/**
 * Net customer value = CLV − acquisition cost (CAC). The acquisition cost is subtracted exactly
 * once, here: it must not also be among the cash flows that produced the CLV (a formula that
 * subtracts CAC inside the lifetime value and again outside counts it twice).
 *
 * @throws {@link InvalidInputError} for a non-finite value or a negative acquisition cost.
 *
 * @example
 * ```ts
 * import { clv, netCustomerValue } from 'clmkit';
 * const value = clv({ amount: 1000, periods: 5, discountRate: 0.1 });
 * console.log(netCustomerValue({ clv: value, acquisitionCost: 1500 })); // ≈ 2290.79
 * ```
 */
export function netCustomerValue(input: NetCustomerValueInput): number {
  const o = parseOptions(netSchema, input, 'netCustomerValue');
  return o.clv - o.acquisitionCost;
}

// ---------------------------------------------------------------------------------------------
// Customer-count rates

/** Input of {@link retentionRate}: customer counts over one period. */
export interface RetentionRateInput {
  /** Customers at the start of the period, > 0. */
  start: number;
  /** Customers at the end of the period (new ones included), ≥ 0. */
  end: number;
  /** New customers acquired during the period (counted in `end`), 0 ≤ acquired ≤ end. */
  acquired: number;
}

/** Input of {@link churnRate}. */
export interface ChurnRateInput {
  /** Customers at the start of the period, > 0. */
  start: number;
  /** Of those, customers lost during the period, 0 ≤ lost ≤ start. */
  lost: number;
}

/** Input of {@link growthRate}. */
export interface GrowthRateInput {
  /** Customers at the start of the period, > 0. */
  start: number;
  /** Customers at the end of the period, ≥ 0. */
  end: number;
}

const count = z.number().check(z.minimum(0));
const startCount = z.number().check(z.positive());
const retentionSchema = z.strictObject({ start: startCount, end: count, acquired: count });
const churnSchema = z.strictObject({ start: startCount, lost: count });
const growthSchema = z.strictObject({ start: startCount, end: count });

/**
 * Customer retention rate over a period = (customers at end − customers acquired during the
 * period) / customers at start: the share of the starting customers still there at the end.
 * Not `end / start − 1`, which is {@link growthRate}: 1000 → 800 customers with no acquisitions
 * is 80 % retention (and −20 % growth).
 *
 * Counts are finite numbers ≥ 0 and may be fractional (weighted or averaged counts are
 * accepted); `acquired` is required (pass 0 when there were none) because leaving new customers
 * in `end` overstates retention.
 *
 * @throws {@link InvalidInputError} naming the field when `start ≤ 0`, a count is negative or not
 * finite, `acquired > end`, or `end − acquired > start` (more customers kept than there were).
 *
 * @example
 * ```ts
 * import { retentionRate } from 'clmkit';
 * console.log(retentionRate({ start: 1000, end: 800, acquired: 0 })); // 0.8
 * console.log(retentionRate({ start: 1000, end: 950, acquired: 200 })); // 0.75
 * ```
 */
export function retentionRate(input: RetentionRateInput): number {
  const ctx = 'retentionRate';
  const o = parseOptions(retentionSchema, input, ctx);
  if (o.acquired > o.end) {
    throw new InvalidInputError(`${ctx}: inconsistent counts`, [
      { path: 'options.acquired', message: `customers acquired during the period (${o.acquired}) cannot exceed the customers at the end (${o.end}), which include them` },
    ]);
  }
  const kept = o.end - o.acquired;
  if (kept > o.start) {
    throw new InvalidInputError(`${ctx}: inconsistent counts`, [
      { path: 'options.end', message: `end − acquired = ${kept} customers kept exceeds the ${o.start} at the start; are some acquisitions missing from options.acquired?` },
    ]);
  }
  return kept / o.start;
}

/**
 * Customer churn rate over a period = customers lost during the period / customers at the
 * **start** of the period (not the end, nor an average). Counts may be fractional (weighted).
 *
 * @throws {@link InvalidInputError} naming the field when `start ≤ 0`, `lost` is negative or not
 * finite, or `lost > start`.
 *
 * @example
 * ```ts
 * import { churnRate } from 'clmkit';
 * console.log(churnRate({ start: 1000, lost: 200 })); // 0.2
 * ```
 */
export function churnRate(input: ChurnRateInput): number {
  const ctx = 'churnRate';
  const o = parseOptions(churnSchema, input, ctx);
  if (o.lost > o.start) {
    throw new InvalidInputError(`${ctx}: inconsistent counts`, [
      { path: 'options.lost', message: `customers lost (${o.lost}) cannot exceed the customers at the start (${o.start})` },
    ]);
  }
  return o.lost / o.start;
}

/**
 * Customer-base growth over a period = end / start − 1 (net of acquisitions and losses). This is
 * what `end / start − 1` measures; for the share of customers kept use {@link retentionRate}.
 *
 * @throws {@link InvalidInputError} naming the field when `start ≤ 0` or `end` is negative or not finite.
 *
 * @example
 * ```ts
 * import { growthRate } from 'clmkit';
 * console.log(growthRate({ start: 1000, end: 800 })); // ≈ -0.2
 * ```
 */
export function growthRate(input: GrowthRateInput): number {
  const o = parseOptions(growthSchema, input, 'growthRate');
  return o.end / o.start - 1;
}

// ---------------------------------------------------------------------------------------------
// Mixture risk

/** Input of {@link mixtureRisk}: a population split into segments, each with its own event rate. */
export interface MixtureRiskInput {
  /** Share of the population in each segment, each ≥ 0, summing to 1 (within 1e-9). */
  weights: ArrayLike<number>;
  /** Probability of the event (default, churn, …) within each segment, each in [0, 1]. */
  rates: ArrayLike<number>;
  /** Optional unique segment names, echoed in the result. */
  labels?: readonly string[];
}

/** Result of {@link mixtureRisk}. */
export interface MixtureRisk {
  /** P(event) = Σ_i weight_i · rate_i (law of total probability). */
  readonly probability: number;
  /** P(segment i | event) = weight_i · rate_i / P(event) (Bayes' rule); sums to 1. */
  readonly posterior: readonly number[];
  /** The segment names, when given. */
  readonly labels?: readonly string[];
}

const mixtureSchema = z.strictObject({
  weights: z.unknown(),
  rates: z.unknown(),
  labels: z.optional(z.array(z.string())),
});

/**
 * Overall event probability of a segmented population and the segment mix of those who have the
 * event: P(event) = Σ w_i r_i (total probability) and P(segment i | event) = w_i r_i / P(event)
 * (Bayes). E.g. ratings A/B/C held 0.6/0.3/0.1 with default rates 2 %/5 %/10 % give
 * P(default) = 0.037, and defaulters are 32.4 % A, 40.5 % B, 27.0 % C.
 *
 * @throws {@link InvalidInputError} when weights or rates are not finite (the index is the issue's
 * `row`), a weight is negative, the weights do not sum to 1 within 1e-9 (the message gives the
 * sum), a rate is outside [0, 1], lengths differ, labels repeat, or P(event) is 0 (every segment
 * with a positive weight has rate 0), where the posterior is undefined.
 *
 * @example
 * ```ts
 * import { mixtureRisk } from 'clmkit';
 * const r = mixtureRisk({ weights: [0.6, 0.3, 0.1], rates: [0.02, 0.05, 0.1], labels: ['A', 'B', 'C'] });
 * console.log(r.probability); // ≈ 0.037
 * console.log(r.posterior.map((p) => p.toFixed(4)), r.labels); // [ '0.3243', '0.4054', '0.2703' ] [ 'A', 'B', 'C' ]
 * ```
 */
export function mixtureRisk(input: MixtureRiskInput): MixtureRisk {
  const ctx = 'mixtureRisk';
  const o = parseOptions(mixtureSchema, input, ctx);
  const bad = `${ctx}: invalid input`;
  const w = finiteVector(o.weights, 'options.weights', bad);
  const r = finiteVector(o.rates, 'options.rates', bad);
  const labels = o.labels;
  const named: [string, ArrayLike<unknown>][] = [
    ['options.weights', w],
    ['options.rates', r],
  ];
  if (labels !== undefined) named.push(['options.labels', labels]);
  const n = sameLength(bad, ...named);
  const issues = new IssueCollector();
  if (n === 0) issues.add('options.weights', 'expected at least one segment, got none');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (w[i] < 0) issues.add('options.weights', `expected a weight ≥ 0, got ${w[i]}`, i);
    if (r[i] < 0 || r[i] > 1) issues.add('options.rates', `expected a probability in [0, 1], got ${r[i]}`, i);
    sum += w[i];
  }
  if (n > 0 && !(Math.abs(sum - 1) <= 1e-9)) issues.add('options.weights', `expected weights summing to 1 (within 1e-9), got a sum of ${sum}`);
  if (labels !== undefined) {
    const seen = new Map<string, number>();
    labels.forEach((label, i) => {
      const prev = seen.get(label);
      if (prev !== undefined) issues.add('options.labels', `expected unique labels, got ${show(label)} again (first at index ${prev})`, i);
      else seen.set(label, i);
    });
  }
  issues.throwIfAny(bad);
  let probability = 0;
  for (let i = 0; i < n; i++) probability += w[i] * r[i];
  if (probability === 0) {
    throw new InvalidInputError(bad, [
      {
        path: 'options.rates',
        message: 'P(event) = Σ weight · rate is 0 (every segment with a positive weight has rate 0), so the posterior P(segment | event) is undefined',
      },
    ]);
  }
  const posterior = new Array<number>(n);
  for (let i = 0; i < n; i++) posterior[i] = (w[i] * r[i]) / probability;
  return labels === undefined ? { probability, posterior } : { probability, posterior, labels: [...labels] };
}
