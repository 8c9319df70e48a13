/**
 * `createLifecycle`: a typed customer lifecycle — stages defined by rules that partition every
 * customer state, a pure `transition(state, event)` with an audit history, serialisable
 * snapshots, population views and an XState adapter.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors.js';
import type { CustomerId, CustomerSummary, TimestampInput, TransactionInput, FieldNames } from '../data/types.js';
import { parseOptions, show } from '../validate.js';
import {
  resolveConfig,
  type DefaultLifecycleStage,
  type LifecycleConfig,
  type LifecycleEvent,
  type LifecycleEventType,
  type LifecycleReferenceKind,
  type ResolvedConfig,
} from './config.js';
import { Core, EVENT_TYPES, EventBuffer, freshMut, type ChangeSink, type Mut } from './core.js';
import {
  classifyPopulation,
  populationReference,
  stageCountsOf,
  transitionMatrixOf,
  type LifecycleClassification,
  type LifecycleClassifyOptions,
  type StageCountOptions,
  type StageCounts,
  type StageTransitionMatrix,
} from './population.js';
import { xstateExport, type XStateExport } from './xstate.js';

/** One entry of a customer's audit history: a stage change. */
export interface LifecycleHistoryEntry<S extends string = string> {
  /** Stage before. */
  readonly from: S;
  /** Stage after. */
  readonly to: S;
  /** When (epoch ms, UTC). Time-driven moves happen at their due instant, e.g. last purchase + window. */
  readonly at: number;
  /** The event that caused it (`'tick'` for time-driven moves). */
  readonly event: LifecycleEventType;
  /** The target stage's description. */
  readonly reason: string;
}

/**
 * One customer's lifecycle snapshot: plain data (numbers, strings, null), so
 * `JSON.parse(JSON.stringify(state))` restores it exactly. Times are epoch milliseconds (UTC).
 */
export interface LifecycleState<S extends string = string> {
  /** Who. */
  readonly customerId: string;
  /** Current stage. */
  readonly stage: S;
  /** When the customer entered `stage` (null: since the start). */
  readonly since: number | null;
  /** Time of the latest event (null before any). Events older than it are rejected. */
  readonly clock: number | null;
  /** First `identify` event. */
  readonly identifiedAt: number | null;
  /** Purchase occasions (UTC days with a purchase). */
  readonly purchases: number;
  /** Total spend. */
  readonly spend: number;
  /** First purchase. */
  readonly firstPurchase: number | null;
  /** Last purchase. */
  readonly lastPurchase: number | null;
  /** Latest return purchase (a purchase `window` days or more after the previous one). */
  readonly returnPurchase: number | null;
  /** P(alive) from the latest score event. */
  readonly pAlive: number | null;
  /** Churn probability from the latest score event. */
  readonly churnProbability: number | null;
  /** Stage changes, oldest first. */
  readonly history: readonly LifecycleHistoryEntry<S>[];
}

/** An action emitted by a transition (see `lifecycle.step`): the action's name and the move. */
export interface LifecycleAction<S extends string = string> {
  /** Action name, from the transition's `actions`. */
  readonly type: string;
  /** Who. */
  readonly customerId: string;
  /** Stage before. */
  readonly from: S;
  /** Stage after. */
  readonly to: S;
  /** When (epoch ms). */
  readonly at: number;
}

/** The result of `lifecycle.step`: the next state and the actions to execute (nothing is executed). */
export interface LifecycleStep<S extends string = string> {
  /** The next state. */
  readonly state: LifecycleState<S>;
  /** Actions of the transitions taken, in order. */
  readonly actions: readonly LifecycleAction<S>[];
}

/** An event for a named customer, as `lifecycle.replay` reads them. */
export type LifecycleCustomerEvent = LifecycleEvent & { readonly customerId: CustomerId };

/** Options of `lifecycle.replay`. */
export interface LifecycleReplayOptions<S extends string = string> {
  /** Keep each customer's history (false: memory per customer is constant). @defaultValue `true` */
  history?: boolean;
  /** Called with every action emitted, in order. */
  onAction?: (action: LifecycleAction<S>) => void;
}

/** Options of `lifecycle.calibrate`. */
export interface LifecycleCalibrateOptions {
  /** The instant whose population gives the reference. @defaultValue the summary's end / the latest transaction */
  asOf?: TimestampInput;
  /** Field names of the transactions. */
  fields?: FieldNames;
}

/** A declared transition, one per (from, to) entry. */
export interface LifecycleTransition<S extends string = string> {
  /** Source stage. */
  readonly from: S;
  /** Target stage. */
  readonly to: S;
  /** Events it may happen on. */
  readonly on: readonly LifecycleEventType[];
  /** Guard name, or null. */
  readonly guard: string | null;
  /** Action names. */
  readonly actions: readonly string[];
}

/**
 * A lifecycle definition, made by {@link createLifecycle}. Immutable; every method is pure
 * (states in, states out).
 */
export interface Lifecycle<S extends string = DefaultLifecycleStage> {
  /** The stages, in configuration order. */
  readonly stages: readonly S[];
  /** The stage of a customer with no events (`prospect` by default). */
  readonly initialStage: S;
  /** The window, in days. */
  readonly window: number;
  /** The P(alive) threshold. */
  readonly pAliveThreshold: number;
  /** The loyalty reference: kinds, or numbers after `calibrate`. */
  readonly reference: { readonly frequency: LifecycleReferenceKind; readonly spend: LifecycleReferenceKind };
  /** The declared transitions (every ordered pair when none were declared). */
  readonly transitions: readonly LifecycleTransition<S>[];
  /** A customer with no events yet. */
  initial(customerId: CustomerId): LifecycleState<S>;
  /**
   * The state after `event` (pure: `state` is not modified). First every time-driven change due
   * between the state's clock and `event.at` happens at its instant (e.g. churn at last purchase
   * + window), then the event's effect, then the rules. Throws InvalidInputError for an invalid
   * event or one older than the state's clock.
   */
  transition(state: LifecycleState<S>, event: LifecycleEvent): LifecycleState<S>;
  /** As `transition`, also returning the actions of the transitions taken (executed by nobody). */
  step(state: LifecycleState<S>, event: LifecycleEvent): LifecycleStep<S>;
  /**
   * Folds a stream of customers' events (each customer's in time order) from the initial state;
   * memory grows with customers, not events (and with history, unless `history: false`).
   */
  replay(events: Iterable<LifecycleCustomerEvent>, options?: LifecycleReplayOptions<S>): Map<string, LifecycleState<S>>;
  /** Validates a snapshot (e.g. parsed JSON) and returns it typed; InvalidInputError naming the field otherwise. */
  restore(snapshot: unknown): LifecycleState<S>;
  /** The same lifecycle with its population reference (mean/median) fixed to the values of a population at `asOf`. */
  calibrate(population: CustomerSummary | TransactionInput, options?: LifecycleCalibrateOptions): Lifecycle<S>;
  /**
   * Every customer's stage at `asOf`. From a `CustomerSummary`: the rules on each row's facts
   * (vectorised; purchase occasions = `frequency + 1`, in the summary's own aggregation, and spend
   * = `totalSpend`; the summary keeps no gaps between purchases, so nobody is `reactivated`, and
   * guards, which depend on the path, do not apply). From transactions: each customer's purchases
   * folded up to `asOf` — exactly `transition` applied to them and a `tick` at `asOf`.
   */
  classify(input: CustomerSummary | TransactionInput, options?: LifecycleClassifyOptions): LifecycleClassification<S>;
  /** The stage mix at the end of each period (each customer as `classify` would place it then). */
  stageCounts(transactions: TransactionInput, options?: StageCountOptions): StageCounts<S>;
  /** Stage-to-stage counts and probabilities between consecutive period-end snapshots. */
  transitionMatrix(transactions: TransactionInput, options?: StageCountOptions): StageTransitionMatrix<S>;
  /** The lifecycle as a plain XState machine config plus the guard and update implementations. */
  toXStateConfig(): XStateExport<S>;
}

/**
 * Creates a lifecycle definition: the default stages (prospect, new, active, loyal, atRisk,
 * churned, reactivated) with a 30-day window, or your own. The configuration is validated and
 * its rules must partition every customer state: a gap or an overlap is rejected with an
 * InvalidInputError that names an example customer state (see `DEFAULT_LIFECYCLE_STAGES`).
 *
 * @example
 * ```ts
 * import { createLifecycle } from 'clmkit/lifecycle';
 * const lc = createLifecycle({ reference: { frequency: 3, spend: 100 } });
 * let s = lc.initial('c1');
 * s = lc.transition(s, { type: 'purchase', at: '2024-01-01', amount: 40 });
 * console.log(s.stage); // new
 * s = lc.transition(s, { type: 'tick', at: '2024-02-10' });
 * console.log(s.stage); // churned
 * s = lc.transition(s, { type: 'purchase', at: '2024-02-15', amount: 25 });
 * console.log(s.stage); // reactivated
 * console.log(s.history.map((h) => `${h.from}→${h.to} (${h.event})`)); // [ 'prospect→new (purchase)', 'new→churned (tick)', 'churned→reactivated (purchase)' ]
 * console.log(new Date(s.history[1].at).toISOString()); // 2024-01-31T00:00:00.000Z — churned at last purchase + 30 days
 * ```
 */
export function createLifecycle(): Lifecycle;
export function createLifecycle<const S extends string = DefaultLifecycleStage, const G extends string = never>(config: LifecycleConfig<S, G>): Lifecycle<S>;
export function createLifecycle(config?: unknown): unknown {
  return new LifecycleImpl(resolveConfig(config), (config ?? {}));
}

const numberOrNull = z.nullable(z.number().check(z.refine(Number.isFinite, 'expected a finite number')));

class LifecycleImpl implements Lifecycle<string> {
  readonly stages: readonly string[];
  readonly initialStage: string;
  readonly window: number;
  readonly pAliveThreshold: number;
  readonly reference: { readonly frequency: LifecycleReferenceKind; readonly spend: LifecycleReferenceKind };
  readonly transitions: readonly LifecycleTransition[];
  private readonly core: Core;
  private readonly index: Map<string, number>;
  private readonly ev = new EventBuffer();
  private readonly stateSchema: z.ZodMiniType;
  // Scratch of the step in progress.
  private changes: LifecycleHistoryEntry[] = [];
  private actions: LifecycleAction[] | null = null;
  private readonly sink: ChangeSink;

  constructor(
    private readonly cfg: ResolvedConfig,
    private readonly config: LifecycleConfig<string, string>,
  ) {
    this.stages = cfg.stages;
    this.initialStage = cfg.stages[cfg.initialStage];
    this.window = cfg.window;
    this.pAliveThreshold = cfg.pAliveThreshold;
    this.reference = cfg.reference;
    this.transitions = cfg.transitions.map((t) => ({
      from: cfg.stages[t.from],
      to: cfg.stages[t.to],
      on: EVENT_TYPES.filter((_, i) => (t.onMask & (1 << i)) !== 0),
      guard: t.guardName,
      actions: t.actions,
    }));
    if (!cfg.declared) {
      const all: LifecycleTransition[] = [];
      for (const from of cfg.stages) for (const to of cfg.stages) if (from !== to) all.push({ from, to, on: EVENT_TYPES, guard: null, actions: [] });
      this.transitions = all;
    }
    const ref = cfg.reference;
    this.core = new Core(cfg, typeof ref.frequency === 'number' ? ref.frequency : NaN, typeof ref.spend === 'number' ? ref.spend : NaN);
    this.index = new Map(cfg.stages.map((s, i) => [s, i]));
    const stageSchema = z.enum(cfg.stages as [string, ...string[]]);
    this.stateSchema = z.strictObject({
      customerId: z.string(),
      stage: stageSchema,
      since: numberOrNull,
      clock: numberOrNull,
      identifiedAt: numberOrNull,
      purchases: z.int().check(z.gte(0)),
      spend: z.number().check(z.refine(Number.isFinite, 'expected a finite number')),
      firstPurchase: numberOrNull,
      lastPurchase: numberOrNull,
      returnPurchase: numberOrNull,
      pAlive: z.nullable(z.number().check(z.gte(0), z.lte(1))),
      churnProbability: z.nullable(z.number().check(z.gte(0), z.lte(1))),
      history: z.array(
        z.strictObject({
          from: stageSchema,
          to: stageSchema,
          at: z.number().check(z.refine(Number.isFinite, 'expected a finite number')),
          event: z.enum(['purchase', 'tick', 'score', 'identify']),
          reason: z.string(),
        }),
      ),
    });
    this.sink = (m, from, to, at, event, tr) => {
      this.changes.push({ from: this.stages[from], to: this.stages[to], at, event: EVENT_TYPES[event], reason: this.cfg.descriptions[to] });
      if (this.actions !== null) {
        for (const type of tr.actions) this.actions.push({ type, customerId: m.customerId, from: this.stages[from], to: this.stages[to], at });
      }
    };
  }

  initial(customerId: CustomerId): LifecycleState {
    if (!((typeof customerId === 'string' && customerId.length > 0) || (typeof customerId === 'number' && Number.isFinite(customerId)))) {
      throw new InvalidInputError('lifecycle.initial', [{ path: 'customerId', message: `expected a non-empty string or a finite number, got ${show(customerId)}` }]);
    }
    return this.toState(freshMut(String(customerId), this.cfg.initialStage), []);
  }

  private toMut(state: LifecycleState, context: string): Mut {
    const stage = (state as LifecycleState | null)?.stage;
    const s = stage === undefined ? undefined : this.index.get(stage);
    if (s === undefined) {
      throw new InvalidInputError(context, [
        { path: 'state.stage', message: `expected one of this lifecycle's stages (${this.stages.map((x) => `'${x}'`).join(', ')}), got ${show(stage)}; restore snapshots with lifecycle.restore` },
      ]);
    }
    return {
      customerId: state.customerId,
      stage: s,
      since: state.since ?? NaN,
      clock: state.clock ?? NaN,
      identifiedAt: state.identifiedAt ?? NaN,
      purchases: state.purchases,
      spend: state.spend,
      first: state.firstPurchase ?? NaN,
      last: state.lastPurchase ?? NaN,
      ret: state.returnPurchase ?? NaN,
      pAlive: state.pAlive ?? NaN,
      churnProbability: state.churnProbability ?? NaN,
    };
  }

  private toState(m: Mut, history: readonly LifecycleHistoryEntry[]): LifecycleState {
    return {
      customerId: m.customerId,
      stage: this.stages[m.stage],
      since: orNull(m.since),
      clock: orNull(m.clock),
      identifiedAt: orNull(m.identifiedAt),
      purchases: m.purchases,
      spend: m.spend,
      firstPurchase: orNull(m.first),
      lastPurchase: orNull(m.last),
      returnPurchase: orNull(m.ret),
      pAlive: orNull(m.pAlive),
      churnProbability: orNull(m.churnProbability),
      history,
    };
  }

  transition(state: LifecycleState, event: LifecycleEvent): LifecycleState {
    return this.run(state, event, false, 'lifecycle.transition').state;
  }

  step(state: LifecycleState, event: LifecycleEvent): LifecycleStep {
    return this.run(state, event, true, 'lifecycle.step');
  }

  private run(state: LifecycleState, event: LifecycleEvent, withActions: boolean, context: string): LifecycleStep {
    const m = this.toMut(state, context);
    const e = this.ev.read(event, context);
    this.changes = [];
    this.actions = withActions ? [] : null;
    this.core.apply(m, e, this.sink, context);
    const history = this.changes.length === 0 ? state.history : [...state.history, ...this.changes];
    const actions = this.actions ?? [];
    this.changes = [];
    this.actions = null;
    return { state: this.toState(m, history), actions };
  }

  replay(events: Iterable<LifecycleCustomerEvent>, options?: LifecycleReplayOptions): Map<string, LifecycleState> {
    const context = 'lifecycle.replay';
    const o = parseOptions(
      z.strictObject({
        history: z.optional(z.boolean()),
        onAction: z.optional(z.custom<(a: LifecycleAction) => void>((v) => typeof v === 'function', 'expected a function')),
      }),
      options,
      context,
    );
    const keep = o.history ?? true;
    const onAction = o.onAction;
    // Per-customer state lives in one Float64Array (STRIDE doubles per customer, NaN = absent),
    // indexed through a Map from id to row: no object per customer for the garbage collector to
    // trace, and each event touches one contiguous slot. The core steps a scratch record.
    const index = new Map<string, number>();
    const ids: string[] = [];
    const histories: (LifecycleHistoryEntry[] | null)[] = [];
    let data = new Float64Array(STRIDE * 1024);
    const scratch = freshMut('', this.cfg.initialStage);
    const initial = freshMut('', this.cfg.initialStage);
    const e = this.ev;
    const stages = this.stages;
    const descriptions = this.cfg.descriptions;
    let current: LifecycleHistoryEntry[] | null = null;
    const sink: ChangeSink = (m, from, to, at, event, tr) => {
      if (current !== null) current.push({ from: stages[from], to: stages[to], at, event: EVENT_TYPES[event], reason: descriptions[to] });
      if (onAction !== undefined) for (const type of tr.actions) onAction({ type, customerId: m.customerId, from: stages[from], to: stages[to], at });
    };
    let row = 0;
    for (const ev of events) {
      const id = (ev as { customerId?: unknown } | null)?.customerId;
      let key: string;
      if (typeof id === 'string' && id.length > 0) key = id;
      else if (typeof id === 'number' && Number.isFinite(id)) key = String(id);
      else throw new InvalidInputError(context, [{ path: 'customerId', row, message: `expected a non-empty string or a finite number, got ${show(id)}` }]);
      let i = index.get(key);
      if (i === undefined) {
        i = ids.length;
        index.set(key, i);
        ids.push(key);
        histories.push(keep ? [] : null);
        if ((i + 1) * STRIDE > data.length) {
          const grown = new Float64Array(data.length * 2);
          grown.set(data);
          data = grown;
        }
        storeMut(data, i * STRIDE, initial);
      }
      e.read(ev, context, row);
      const at = i * STRIDE;
      loadMut(data, at, scratch);
      scratch.customerId = key;
      current = histories[i];
      this.core.apply(scratch, e, sink, context, row);
      storeMut(data, at, scratch);
      row++;
    }
    // The Map from id to row becomes the Map from id to snapshot (no second million-entry Map).
    const out = index as unknown as Map<string, LifecycleState | number>;
    for (let i = 0; i < ids.length; i++) {
      loadMut(data, i * STRIDE, scratch);
      scratch.customerId = ids[i];
      out.set(ids[i], this.toState(scratch, histories[i] ?? []));
    }
    return out as Map<string, LifecycleState>;
  }

  restore(snapshot: unknown): LifecycleState {
    const result = this.stateSchema.safeParse(snapshot);
    if (!result.success) {
      const issues = result.error.issues.map((i) => ({ path: ['state', ...i.path.map(String)].join('.'), message: `${i.message}, got ${show(lookup(snapshot, i.path))}` }));
      throw new InvalidInputError('lifecycle.restore: not a snapshot of this lifecycle', issues);
    }
    return result.data as LifecycleState;
  }

  calibrate(population: CustomerSummary | TransactionInput, options?: LifecycleCalibrateOptions): Lifecycle<string> {
    const ref = populationReference(this.cfg, population, options);
    return new LifecycleImpl(resolveConfig({ ...this.config, reference: ref }), { ...this.config, reference: ref });
  }

  classify(input: CustomerSummary | TransactionInput, options?: LifecycleClassifyOptions): LifecycleClassification {
    return classifyPopulation(this.cfg, input, options);
  }

  stageCounts(transactions: TransactionInput, options?: StageCountOptions): StageCounts {
    return stageCountsOf(this.cfg, transactions, options);
  }

  transitionMatrix(transactions: TransactionInput, options?: StageCountOptions): StageTransitionMatrix {
    return transitionMatrixOf(this.cfg, transactions, options);
  }

  toXStateConfig(): XStateExport {
    return xstateExport(this, this.cfg);
  }
}

/** Doubles per customer in `replay`'s state array. */
const STRIDE = 11;

/** Copies a record's numeric fields into `data` at `o`. */
function storeMut(data: Float64Array, o: number, m: Mut): void {
  data[o] = m.stage;
  data[o + 1] = m.since;
  data[o + 2] = m.clock;
  data[o + 3] = m.identifiedAt;
  data[o + 4] = m.purchases;
  data[o + 5] = m.spend;
  data[o + 6] = m.first;
  data[o + 7] = m.last;
  data[o + 8] = m.ret;
  data[o + 9] = m.pAlive;
  data[o + 10] = m.churnProbability;
}

/** Loads a record's numeric fields from `data` at `o`. */
function loadMut(data: Float64Array, o: number, m: Mut): void {
  m.stage = data[o];
  m.since = data[o + 1];
  m.clock = data[o + 2];
  m.identifiedAt = data[o + 3];
  m.purchases = data[o + 4];
  m.spend = data[o + 5];
  m.first = data[o + 6];
  m.last = data[o + 7];
  m.ret = data[o + 8];
  m.pAlive = data[o + 9];
  m.churnProbability = data[o + 10];
}

/** NaN (the core's "absent") as null, for snapshots. */
function orNull(x: number): number | null {
  return x === x ? x : null;
}

function lookup(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
