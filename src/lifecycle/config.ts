/**
 * The lifecycle configuration: stages as rules over a customer's facts, declared transitions
 * with guards and actions, the window, the loyalty reference and the P(alive) threshold — with
 * the default (fixed) rule set and the check that a rule set partitions every customer state.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, NotFittedError } from '../errors.js';
import { createRandom } from '../math/random.js';
import { parseOptions, show } from '../validate.js';

/** Milliseconds per day. @internal */
export const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Events

/** The names of the events a lifecycle reacts to. */
export type LifecycleEventType = 'purchase' | 'tick' | 'score' | 'identify';

/** A timestamp as lifecycle events accept it: a `Date`, an ISO-8601 string or epoch milliseconds. */
export type LifecycleTime = Date | string | number;

/** The customer bought: `amount` (default 0) adds to their spend. */
export interface LifecyclePurchaseEvent {
  /** Event name. */
  readonly type: 'purchase';
  /** When. */
  readonly at: LifecycleTime;
  /** Spend (finite; may be negative for a refund). @defaultValue `0` */
  readonly amount?: number;
}

/** Time passes: stages that depend on time (new → established, active → churned) are re-evaluated. */
export interface LifecycleTickEvent {
  /** Event name. */
  readonly type: 'tick';
  /** The new clock time. */
  readonly at: LifecycleTime;
}

/**
 * A model scored the customer. `pAlive` (or, when absent, `1 − churnProbability`) is compared
 * with the lifecycle's `pAliveThreshold`. Each score replaces the previous one.
 */
export interface LifecycleScoreEvent {
  /** Event name. */
  readonly type: 'score';
  /** When the score was computed. */
  readonly at: LifecycleTime;
  /** Probability that the customer is still alive, in [0, 1]. */
  readonly pAlive?: number;
  /** Probability of churn, in [0, 1]. */
  readonly churnProbability?: number;
}

/** The customer became known (signed up, gave an e-mail address) — recorded, no stage change by default. */
export interface LifecycleIdentifyEvent {
  /** Event name. */
  readonly type: 'identify';
  /** When. */
  readonly at: LifecycleTime;
}

/** Any lifecycle event, discriminated on `type`. */
export type LifecycleEvent = LifecyclePurchaseEvent | LifecycleTickEvent | LifecycleScoreEvent | LifecycleIdentifyEvent;

// ---------------------------------------------------------------------------------------------
// Facts

/**
 * What the stage rules see about one customer at one instant. Durations are in days (fractional),
 * `Infinity` for an event that never happened; probabilities are `NaN` when no score is known.
 *
 * A **purchase occasion** is a UTC calendar day with at least one purchase (as `summarize`'s
 * default `aggregation: 'day'`). A **return** is a purchase that comes `window` days or more after
 * the previous one (the customer had lapsed).
 */
export interface CustomerFacts {
  /** Purchase occasions so far (0 for a prospect). */
  readonly purchases: number;
  /** Total spend so far. */
  readonly spend: number;
  /** Days since the first purchase (`Infinity` when none). */
  readonly daysSinceFirstPurchase: number;
  /** Days since the last purchase (`Infinity` when none). */
  readonly daysSinceLastPurchase: number;
  /** Days since the latest return purchase (`Infinity` when the customer never lapsed and came back). */
  readonly daysSinceReturn: number;
  /** P(alive) from the latest score (or 1 − its churn probability); `NaN` when unscored. */
  readonly pAlive: number;
  /** Churn probability from the latest score; `NaN` when not given. */
  readonly churnProbability: number;
  /** The lifecycle's window, in days. */
  readonly window: number;
  /** The lifecycle's P(alive) threshold. */
  readonly pAliveThreshold: number;
  /** The loyalty reference for `purchases` (throws NotFittedError when a population reference was not computed). */
  readonly referenceFrequency: number;
  /** The loyalty reference for `spend` (throws NotFittedError when a population reference was not computed). */
  readonly referenceSpend: number;
}

/**
 * A reusable, mutable {@link CustomerFacts}: hot loops fill it in place (no allocation per
 * customer). Reading a reference that is NaN throws, naming the fix.
 *
 * @internal
 */
export class FactsBuffer implements CustomerFacts {
  purchases = 0;
  spend = 0;
  daysSinceFirstPurchase = Infinity;
  daysSinceLastPurchase = Infinity;
  daysSinceReturn = Infinity;
  pAlive = NaN;
  churnProbability = NaN;
  window = 30;
  pAliveThreshold = 0.5;
  refFrequency = NaN;
  refSpend = NaN;
  refKinds = 'mean/mean';

  get referenceFrequency(): number {
    if (this.refFrequency !== this.refFrequency) throw uncalibrated(this.refKinds);
    return this.refFrequency;
  }

  get referenceSpend(): number {
    if (this.refSpend !== this.refSpend) throw uncalibrated(this.refKinds);
    return this.refSpend;
  }

  /** Fills the facts of a customer at `t` (epoch ms) from raw fields (NaN = never / unknown). */
  fill(t: number, purchases: number, spend: number, first: number, last: number, ret: number, pAlive: number, churnProbability: number): this {
    this.purchases = purchases;
    this.spend = spend;
    this.daysSinceFirstPurchase = first === first ? (t - first) / MS_PER_DAY : Infinity;
    this.daysSinceLastPurchase = last === last ? (t - last) / MS_PER_DAY : Infinity;
    this.daysSinceReturn = ret === ret ? (t - ret) / MS_PER_DAY : Infinity;
    this.churnProbability = churnProbability;
    this.pAlive = pAlive === pAlive ? pAlive : 1 - churnProbability;
    return this;
  }

  /** A plain copy, for error messages and guards that keep what they see. */
  snapshot(): Record<string, number> {
    return {
      purchases: this.purchases,
      spend: this.spend,
      daysSinceFirstPurchase: this.daysSinceFirstPurchase,
      daysSinceLastPurchase: this.daysSinceLastPurchase,
      daysSinceReturn: this.daysSinceReturn,
      pAlive: this.pAlive,
      churnProbability: this.churnProbability,
      referenceFrequency: this.refFrequency,
      referenceSpend: this.refSpend,
    };
  }
}

function uncalibrated(kinds: string): NotFittedError {
  return new NotFittedError(
    `lifecycle: the loyalty reference is the population ${kinds} (frequency/spend), which per-customer transitions cannot know. ` +
      `Try lifecycle.calibrate(transactionsOrSummary) first, or createLifecycle({ reference: { frequency: 3, spend: 150 } }) with fixed numbers.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Configuration types

/** A stage: the rule that says who is in it, and a human description (used as the history's `reason`). */
export interface LifecycleStageRule {
  /** True for exactly the customers in this stage (the stages' rules must partition every state). */
  readonly when: (facts: CustomerFacts) => boolean;
  /** Why a customer is in this stage; becomes the `reason` of history entries into it. */
  readonly description?: string;
}

/** What a guard sees: the move the rules ask for, and the customer's facts at that instant. */
export interface LifecycleGuardArgs<S extends string = string> {
  /** The customer. */
  readonly customerId: string;
  /** Current stage. */
  readonly from: S;
  /** Stage the rules ask for. */
  readonly to: S;
  /** When (epoch ms). */
  readonly at: number;
  /** The event that triggered the evaluation (`'tick'` for time-driven moves). */
  readonly event: LifecycleEventType;
  /** Since when the customer has been in `from` (epoch ms), null if since the start. */
  readonly since: number | null;
  /** The customer's facts at `at` (valid during the call only). */
  readonly facts: CustomerFacts;
}

/** A guard: returns false to keep the customer in its current stage. */
export type LifecycleGuard<S extends string = string> = (args: LifecycleGuardArgs<S>) => boolean;

/**
 * A declared transition. When the rules move a customer from `from` to `to`, the first declared
 * transition for that pair whose `on` includes the event and whose guard passes is taken (its
 * `actions` are emitted); if none passes, the customer stays. A move with no declared transition
 * at all is an error.
 */
export interface LifecycleTransitionRule<S extends string = string, G extends string = string> {
  /** Source stage(s). */
  readonly from: S | readonly S[];
  /** Target stage. */
  readonly to: S;
  /** Only on these events (time-driven moves are `'tick'`). @defaultValue every event */
  readonly on?: readonly LifecycleEventType[];
  /** Name of a guard declared in `guards`. */
  readonly guard?: G;
  /** Names of actions to emit (see `lifecycle.step`). */
  readonly actions?: readonly string[];
}

/** A loyalty reference: the population `'mean'` or `'median'` (of customers who bought), or a fixed number. */
export type LifecycleReferenceKind = 'mean' | 'median' | number;

/** The loyalty reference for frequency (purchase occasions) and spend (total). */
export interface LifecycleReference {
  /** @defaultValue `'mean'` */
  readonly frequency?: LifecycleReferenceKind;
  /** @defaultValue `'mean'` */
  readonly spend?: LifecycleReferenceKind;
}

/** The names of the default stages. */
export type DefaultLifecycleStage = 'prospect' | 'new' | 'active' | 'loyal' | 'atRisk' | 'churned' | 'reactivated';

/** How a rule set is checked to partition the state space (see {@link LifecycleConfig.validation}). */
export interface LifecycleValidationOptions {
  /** Random states checked on top of the exhaustive boundary grid. @defaultValue `2000` */
  readonly samples?: number;
  /** Seed of the random states. @defaultValue `0` */
  readonly seed?: number;
}

/**
 * The configuration of {@link createLifecycle}. Every field is optional; stage and guard names
 * are inferred from the object (as XState's `setup`), so a transition naming an undeclared stage
 * or guard does not compile.
 */
export interface LifecycleConfig<S extends string = DefaultLifecycleStage, G extends string = never> {
  /**
   * The stages, in display order, each with the rule that defines it. The rules must partition
   * every customer state (exactly one stage true); this is checked at creation.
   * @defaultValue {@link DEFAULT_LIFECYCLE_STAGES}
   */
  readonly stages?: { readonly [K in S]: LifecycleStageRule };
  /**
   * The allowed moves. A move the rules ask for with no declared transition throws.
   * @defaultValue every move allowed when `stages` is given; {@link DEFAULT_LIFECYCLE_TRANSITIONS} otherwise
   */
  readonly transitions?: readonly LifecycleTransitionRule<NoInfer<S>, NoInfer<G>>[];
  /** Named guards, referred to by name in `transitions`. */
  readonly guards?: { readonly [K in G]: LifecycleGuard<NoInfer<S>> };
  /** The window in days: bought within it = recent; first purchase within it = new. @defaultValue `30` */
  readonly window?: number;
  /** The loyalty reference. @defaultValue `{ frequency: 'mean', spend: 'mean' }` */
  readonly reference?: LifecycleReference;
  /** P(alive) below this puts an established customer at risk (when scored). @defaultValue `0.5` */
  readonly pAliveThreshold?: number;
  /** How the partition check samples the state space. */
  readonly validation?: LifecycleValidationOptions;
}

// ---------------------------------------------------------------------------------------------
// The default rules

const recent = (f: CustomerFacts): boolean => f.purchases > 0 && f.daysSinceLastPurchase < f.window;
/** Recent, past the first window and not in a return window: the customers loyal/active/atRisk split. */
const established = (f: CustomerFacts): boolean =>
  recent(f) && f.daysSinceFirstPurchase >= f.window && !(f.daysSinceReturn < f.window);
const lowPAlive = (f: CustomerFacts): boolean => f.pAlive < f.pAliveThreshold;
const frequent = (f: CustomerFacts): boolean => f.purchases >= f.referenceFrequency;
const spender = (f: CustomerFacts): boolean => f.spend >= f.referenceSpend;

/**
 * The default stages, with the seed articles' overlap and gap fixed. In words (W = window):
 *
 * - `prospect`: no purchase yet.
 * - `new`: first purchase less than W days ago.
 * - `reactivated`: lapsed (a gap of W days or more) and came back less than W days ago.
 * - `loyal`: established (bought within W, first purchase W or more days ago, not in a return
 *   window), purchases **and** spend at or above the reference, and not scored below the
 *   P(alive) threshold.
 * - `active`: established, exactly one of purchases / spend at or above the reference, not scored low.
 * - `atRisk`: established and both purchases and spend below the reference, or scored below the threshold.
 * - `churned`: bought, but not within the last W days.
 *
 * The seed articles gave `active` and `loyal` the same condition (an overlap), let `new` and
 * `reactivated` customers also be `active` (overlaps), and left customers above the reference on
 * one measure and below on the other in no stage (a gap). Here `new` and `reactivated` take their
 * window first, and the mixed case is `active`.
 *
 * @example
 * ```ts
 * import { createLifecycle, DEFAULT_LIFECYCLE_STAGES } from 'clmkit/lifecycle';
 * // Add a stage: the partition check rejects it until loyal gives way to it.
 * const vip = { when: (f: { spend: number }) => f.spend >= 1000, description: 'spent 1000 or more' };
 * try {
 *   createLifecycle({ stages: { ...DEFAULT_LIFECYCLE_STAGES, vip } });
 * } catch (err) {
 *   console.log((err as Error).message.split('\n')[0]); // lifecycle: invalid options: 1 problem in the input
 * }
 * ```
 */
export const DEFAULT_LIFECYCLE_STAGES: { readonly [K in DefaultLifecycleStage]: LifecycleStageRule } = {
  prospect: { when: (f) => f.purchases === 0, description: 'known, never bought' },
  new: { when: (f) => recent(f) && f.daysSinceFirstPurchase < f.window, description: 'first purchase within the window' },
  active: {
    when: (f) => established(f) && !lowPAlive(f) && frequent(f) !== spender(f),
    description: 'bought within the window; frequency or spend (not both) at or above the reference',
  },
  loyal: {
    when: (f) => established(f) && !lowPAlive(f) && frequent(f) && spender(f),
    description: 'bought within the window; frequency and spend at or above the reference',
  },
  atRisk: {
    when: (f) => established(f) && (lowPAlive(f) || (!frequent(f) && !spender(f))),
    description: 'bought within the window, but frequency and spend below the reference or P(alive) below the threshold',
  },
  churned: { when: (f) => f.purchases > 0 && !recent(f), description: 'no purchase within the window' },
  reactivated: {
    when: (f) => recent(f) && f.daysSinceFirstPurchase >= f.window && f.daysSinceReturn < f.window,
    description: 'purchased again after lapsing, within the window',
  },
};

const SETTLED = ['active', 'loyal', 'atRisk'] as const;

/**
 * The default transitions: every move the default rules can make, and no other.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIFECYCLE_TRANSITIONS } from 'clmkit/lifecycle';
 * console.log(DEFAULT_LIFECYCLE_TRANSITIONS.length); // 6
 * console.log(DEFAULT_LIFECYCLE_TRANSITIONS[0]); // { from: 'prospect', to: 'new', on: [ 'purchase' ] }
 * ```
 */
export const DEFAULT_LIFECYCLE_TRANSITIONS: readonly LifecycleTransitionRule<DefaultLifecycleStage, never>[] = buildDefaultTransitions();

function buildDefaultTransitions(): LifecycleTransitionRule<DefaultLifecycleStage, never>[] {
  const live: readonly DefaultLifecycleStage[] = ['new', 'reactivated', ...SETTLED];
  const into = (to: DefaultLifecycleStage): LifecycleTransitionRule<DefaultLifecycleStage, never> => ({ from: live.filter((s) => s !== to), to });
  return [
    { from: 'prospect', to: 'new', on: ['purchase'] },
    into('active'),
    into('loyal'),
    into('atRisk'),
    into('churned'),
    { from: 'churned', to: 'reactivated', on: ['purchase'] },
  ];
}

// ---------------------------------------------------------------------------------------------
// Validation and the resolved definition

/** Bit of each event type in a transition's `on` mask. @internal */
export const EVENT_BIT: Readonly<Record<LifecycleEventType, number>> = { purchase: 1, tick: 2, score: 4, identify: 8 };
const ALL_EVENTS = 15;

/** A transition with stage indices. @internal */
export interface ResolvedTransition {
  readonly from: number;
  readonly to: number;
  readonly onMask: number;
  readonly guardName: string | null;
  readonly guard: LifecycleGuard | null;
  readonly actions: readonly string[];
}

/** A validated configuration, with stages as indices. @internal */
export interface ResolvedConfig {
  readonly stages: readonly string[];
  readonly rules: readonly ((f: CustomerFacts) => boolean)[];
  readonly descriptions: readonly string[];
  readonly window: number;
  readonly pAliveThreshold: number;
  readonly reference: { readonly frequency: LifecycleReferenceKind; readonly spend: LifecycleReferenceKind };
  /** Declared transitions, expanded to one per (from, to, entry). */
  readonly transitions: readonly ResolvedTransition[];
  /** `pairs[from * K + to]`: the declared transitions for that move, or null when none. */
  readonly pairs: readonly (readonly ResolvedTransition[] | null)[];
  /** No guards: a customer's stage is a function of its facts alone. */
  readonly stateless: boolean;
  /** The stage of a customer with no events. */
  readonly initialStage: number;
  /**
   * The stage whose rule holds (as {@link matchStage}: −1 none, ≤ −2 several). For the default
   * stages, a decision list equal to their rules (tested), without calling them.
   */
  readonly stageOf: (f: FactsBuffer) => number;
  /** `transitions` was given (else every move is allowed). */
  readonly declared: boolean;
  /** The validation options (reused by `calibrate`). */
  readonly validation: { readonly samples: number; readonly seed: number };
}

const isFunction = (v: unknown): boolean => typeof v === 'function';
const referenceSchema = z.union([z.enum(['mean', 'median']), z.number().check(z.refine(Number.isFinite, 'expected a finite number'))]);
const eventSchema = z.enum(['purchase', 'tick', 'score', 'identify']);
const configSchema = z.strictObject({
  stages: z.optional(
    z.record(
      z.string(),
      z.strictObject({
        when: z.custom<(f: CustomerFacts) => boolean>(isFunction, 'expected a function (facts) => boolean'),
        description: z.optional(z.string()),
      }),
    ),
  ),
  transitions: z.optional(
    z.array(
      z.strictObject({
        from: z.union([z.string(), z.array(z.string())]),
        to: z.string(),
        on: z.optional(z.array(eventSchema)),
        guard: z.optional(z.string()),
        actions: z.optional(z.array(z.string())),
      }),
    ),
  ),
  guards: z.optional(z.record(z.string(), z.custom<LifecycleGuard>(isFunction, 'expected a function (args) => boolean'))),
  window: z.optional(z.number().check(z.gt(0), z.refine(Number.isFinite, 'expected a finite number'))),
  reference: z.optional(z.strictObject({ frequency: z.optional(referenceSchema), spend: z.optional(referenceSchema) })),
  pAliveThreshold: z.optional(z.number().check(z.gte(0), z.lte(1))),
  validation: z.optional(z.strictObject({ samples: z.optional(z.int().check(z.gte(0), z.lte(1_000_000))), seed: z.optional(z.number()) })),
});

const CONTEXT = 'lifecycle: invalid options';

function fail(path: string, message: string): never {
  throw new InvalidInputError(CONTEXT, [{ path, message }]);
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/**
 * Validates a configuration and resolves it (stage indices, expanded transitions), then checks
 * that the rules partition the state space. Throws InvalidInputError naming the problem.
 *
 * @internal
 */
export function resolveConfig(config: unknown): ResolvedConfig {
  const c = parseOptions(configSchema, config, 'lifecycle');
  const stageDefs: Readonly<Record<string, LifecycleStageRule>> = c.stages ?? DEFAULT_LIFECYCLE_STAGES;
  const stages = Object.keys(stageDefs);
  if (stages.length === 0) fail('options.stages', 'expected at least one stage');
  if (stages.length > 255) fail('options.stages', `expected at most 255 stages, got ${stages.length}`);
  const index = new Map(stages.map((s, i) => [s, i]));
  const stageIndex = (name: string, path: string): number => {
    const i = index.get(name);
    if (i === undefined) fail(path, `unknown stage ${show(name)}; the stages are ${quoteList(stages)}`);
    return i;
  };
  const guards: Readonly<Record<string, LifecycleGuard>> = c.guards ?? {};
  const declared = c.transitions !== undefined || c.stages === undefined;
  const rawTransitions = c.transitions ?? (c.stages === undefined ? DEFAULT_LIFECYCLE_TRANSITIONS : []);
  const transitions: ResolvedTransition[] = [];
  rawTransitions.forEach((t, k) => {
    const path = `options.transitions.${k}`;
    const froms = typeof t.from === 'string' ? [t.from] : t.from;
    const to = stageIndex(t.to, `${path}.to`);
    let guard: LifecycleGuard | null = null;
    if (t.guard !== undefined) {
      const g = Object.hasOwn(guards, t.guard) ? guards[t.guard] : undefined;
      if (g === undefined) fail(`${path}.guard`, `unknown guard ${show(t.guard)}; declare it in options.guards (declared: ${quoteList(Object.keys(guards)) || 'none'})`);
      guard = g;
    }
    let onMask = ALL_EVENTS;
    if (t.on !== undefined) {
      onMask = 0;
      for (const e of t.on) onMask |= EVENT_BIT[e];
    }
    froms.forEach((f, j) => {
      const from = stageIndex(f, typeof t.from === 'string' ? `${path}.from` : `${path}.from.${j}`);
      if (from === to) fail(`${path}.from`, `a transition from '${f}' to itself is not a move; remove it`);
      transitions.push({ from, to, onMask, guardName: t.guard ?? null, guard, actions: t.actions ?? [] });
    });
  });
  const K = stages.length;
  const pairs: (ResolvedTransition[] | null)[] = Array.from({ length: K * K }, () => null);
  if (declared) {
    for (const t of transitions) (pairs[t.from * K + t.to] ??= []).push(t);
  } else {
    for (let a = 0; a < K; a++) {
      for (let b = 0; b < K; b++) {
        if (a !== b) pairs[a * K + b] = [{ from: a, to: b, onMask: ALL_EVENTS, guardName: null, guard: null, actions: [] }];
      }
    }
  }
  const rules = stages.map((s) => stageDefs[s].when);
  const stageOf = stageDefs === DEFAULT_LIFECYCLE_STAGES ? defaultStageOf : (f: FactsBuffer): number => matchStage(rules, f);
  const resolved: ResolvedConfig = {
    stages,
    rules,
    descriptions: stages.map((s) => stageDefs[s].description ?? `in stage '${s}'`),
    window: c.window ?? 30,
    pAliveThreshold: c.pAliveThreshold ?? 0.5,
    reference: { frequency: c.reference?.frequency ?? 'mean', spend: c.reference?.spend ?? 'mean' },
    transitions,
    pairs,
    stateless: transitions.every((t) => t.guard === null),
    initialStage: 0,
    stageOf,
    declared,
    validation: { samples: c.validation?.samples ?? 2000, seed: c.validation?.seed ?? 0 },
  };
  // The default stages partition every state for every window, reference and threshold (a
  // decision list; clmkit's tests check the rules against it): only custom stages are enumerated.
  const initialStage = stageDefs === DEFAULT_LIFECYCLE_STAGES ? 0 : checkPartition(resolved);
  return { ...resolved, initialStage };
}

/**
 * The default stages' rules as one decision list (indices in DEFAULT_LIFECYCLE_STAGES order):
 * the same partition, a few comparisons instead of seven rule calls. Tests check it equals
 * {@link matchStage} over the default rules.
 *
 * @internal
 */
export function defaultStageOf(f: FactsBuffer): number {
  if (f.purchases === 0) return 0;
  const W = f.window;
  if (!(f.daysSinceLastPurchase < W)) return 5;
  if (f.daysSinceFirstPurchase < W) return 1;
  if (f.daysSinceReturn < W) return 6;
  if (f.pAlive < f.pAliveThreshold) return 4;
  const frequent = f.purchases >= f.referenceFrequency;
  const spender = f.spend >= f.referenceSpend;
  return frequent ? (spender ? 3 : 2) : spender ? 2 : 4;
}

/**
 * Which stage's rule holds for `facts`: its index, or −1 when none, or −2 − (a second match)
 * when two hold. Evaluates every rule.
 *
 * @internal
 */
export function matchStage(rules: readonly ((f: CustomerFacts) => boolean)[], facts: CustomerFacts): number {
  let found = -1;
  for (let s = 0; s < rules.length; s++) {
    if (rules[s](facts)) {
      if (found >= 0) return -2 - s;
      found = s;
    }
  }
  return found;
}

function firstMatch(rules: readonly ((f: CustomerFacts) => boolean)[], facts: CustomerFacts): number {
  for (let s = 0; s < rules.length; s++) if (rules[s](facts)) return s;
  return -1;
}

function formatNumber(v: number): string {
  if (v === Infinity) return 'Infinity';
  if (v !== v) return 'NaN';
  return String(Math.round(v * 1e6) / 1e6);
}

/** `{ purchases: 2, spend: 10, … }` for an error message. @internal */
export function describeFacts(f: CustomerFacts | FactsBuffer): string {
  const snap = f instanceof FactsBuffer ? f.snapshot() : { ...f };
  return `{ ${Object.entries(snap)
    .map(([k, v]) => `${k}: ${formatNumber(v)}`)
    .join(', ')} }`;
}

/** The overlap/gap message for a state, or null when exactly one stage holds. @internal */
export function partitionProblem(stages: readonly string[], rules: readonly ((f: CustomerFacts) => boolean)[], facts: FactsBuffer): string | null {
  const m = matchStage(rules, facts);
  if (m >= 0) return null;
  if (m === -1) return `no stage holds the customer state ${describeFacts(facts)}: the rules leave a gap; widen a rule or add a stage`;
  const second = -2 - m;
  const first = firstMatch(rules, facts);
  return `the stages '${stages[first]}' and '${stages[second]}' overlap: both hold the customer state ${describeFacts(facts)}; make their rules exclusive`;
}

/**
 * Checks that exactly one rule holds in every customer state, by enumeration:
 *
 * 1. **Exhaustively over a boundary grid.** Days since the first / last purchase / return take
 *    the values 0, 1 ms, W/2, W − 1 ms, W, W + 1 ms, 1.5W, 2W − 1 ms, 2W, 3W, 10W and 100W (W =
 *    window), in every consistent combination (last ≤ first; a return lies between them, at
 *    least W after the first purchase; one purchase has first = last and no return); purchases
 *    1–4 and the integers around a fixed frequency reference; spend −1, 0, half, equal to and
 *    twice the spend reference (plus one cent); P(alive) unknown, 0, just below, at and above the
 *    threshold, and 1 (and one churn probability instead); references 1 and 2.5 (frequency) and 50 (spend) when they come from the
 *    population, the fixed values otherwise; and the prospect (no purchase). Rules that compare
 *    these facts with the window, the references, the threshold and small purchase counts change
 *    value only at these boundaries, so for them the grid is exhaustive.
 * 2. **Randomly** (`validation.samples` states, seeded), for rules with other thresholds.
 *
 * Returns the initial stage (the prospect state's).
 *
 * @internal
 */
export function checkPartition(r: ResolvedConfig): number {
  const f = new FactsBuffer();
  f.window = r.window;
  f.pAliveThreshold = r.pAliveThreshold;
  const check = (): void => {
    const problem = partitionProblem(r.stages, r.rules, f);
    if (problem !== null) fail('options.stages', problem);
  };
  const W = r.window;
  const ms = 1 / MS_PER_DAY;
  const points = [...new Set([0, ms, W / 2, W - ms, W, W + ms, 1.5 * W, 2 * W - ms, 2 * W, 3 * W, 10 * W, 100 * W])]
    .filter((v) => v >= 0)
    .sort((a, b) => a - b);
  const freqRefs = typeof r.reference.frequency === 'number' ? [r.reference.frequency] : [1, 2.5];
  const spendRefs = typeof r.reference.spend === 'number' ? [r.reference.spend] : [50];
  const th = r.pAliveThreshold;
  const scores: [number, number][] = [[NaN, NaN]];
  for (const p of new Set([0, Math.max(0, th - 1e-9), th, Math.min(1, th + 1e-9), 1])) scores.push([p, NaN]);
  scores.push([NaN, 1 - th]);
  // The prospect.
  let initial = -1;
  for (const fr of freqRefs) {
    for (const sr of spendRefs) {
      f.refFrequency = fr;
      f.refSpend = sr;
      for (const [p, cp] of scores) {
        f.fill(0, 0, 0, NaN, NaN, NaN, p, cp);
        check();
        if (p !== p && cp !== cp) initial = firstMatch(r.rules, f);
      }
    }
  }
  for (const fr of freqRefs) {
    const counts = new Set([1, 2, 3, 4]);
    if (fr < 1e6) for (const k of [Math.floor(fr) - 1, Math.floor(fr), Math.ceil(fr), Math.ceil(fr) + 1]) if (k >= 1) counts.add(k);
    for (const sr of spendRefs) {
      f.refFrequency = fr;
      f.refSpend = sr;
      const spends = [...new Set([-1, 0, sr / 2, sr, sr + 0.01, 2 * sr])];
      if (sr === 0) spends.push(0.01);
      for (const L of points) {
        for (const F of points) {
          if (F < L) continue;
          const returns: (number | null)[] = [null];
          for (const R of points) if (R >= L && R <= F - W) returns.push(R);
          for (const k of counts) {
            if (k === 1 && F !== L) continue;
            for (const R of k === 1 ? [null] : returns) {
              for (const s of spends) {
                for (const [p, cp] of scores) {
                  // Express the state at t = 100W + 1 (so every offset is a non-negative time).
                  const t = 200 * W * MS_PER_DAY;
                  f.fill(t, k, s, t - F * MS_PER_DAY, t - L * MS_PER_DAY, R === null ? NaN : t - R * MS_PER_DAY, p, cp);
                  f.daysSinceFirstPurchase = F;
                  f.daysSinceLastPurchase = L;
                  f.daysSinceReturn = R ?? Infinity;
                  check();
                }
              }
            }
          }
        }
      }
    }
  }
  // Random states.
  const rng = createRandom(r.validation.seed);
  for (let i = 0; i < r.validation.samples; i++) {
    f.refFrequency = typeof r.reference.frequency === 'number' ? r.reference.frequency : rng.uniform(0.5, 10);
    f.refSpend = typeof r.reference.spend === 'number' ? r.reference.spend : rng.uniform(0, 1000);
    const k = rng.next() < 0.1 ? 0 : 1 + rng.int(30);
    const p = rng.next() < 0.3 ? NaN : rng.next();
    if (k === 0) {
      f.fill(0, 0, 0, NaN, NaN, NaN, p, NaN);
    } else {
      const L = rng.uniform(0, 4 * W);
      const F = k === 1 ? L : L + rng.uniform(0, 4 * W);
      const R = k >= 2 && F - W >= L && rng.next() < 0.5 ? rng.uniform(L, F - W) : null;
      f.fill(0, k, rng.uniform(-10, 3 * f.refSpend), NaN, NaN, NaN, p, NaN);
      f.daysSinceFirstPurchase = F;
      f.daysSinceLastPurchase = L;
      f.daysSinceReturn = R ?? Infinity;
    }
    check();
  }
  return initial;
}
