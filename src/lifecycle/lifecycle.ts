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

/**
 * Event type codes of {@link LifecycleEventColumns.type}: `purchase` 0, `tick` 1, `score` 2,
 * `identify` 3.
 *
 * @example
 * ```ts
 * import { createLifecycle, LIFECYCLE_EVENT_CODES as E } from 'clmkit/lifecycle';
 * const lc = createLifecycle({ reference: { frequency: 3, spend: 100 } });
 * const day = (d: number) => Date.UTC(2024, 0, 1 + d);
 * // Customers as integer codes 0…C−1 (no hash lookup), events as columns; feed long streams in chunks.
 * const r = lc.replayColumns({
 *   customerId: Int32Array.of(5, 2, 5),
 *   type: Uint8Array.of(E.purchase, E.purchase, E.tick),
 *   at: Float64Array.of(day(0), day(1), day(40)),
 *   amount: Float64Array.of(10, 20, NaN),
 * });
 * console.log(r.customerId, [...r.code].map((s) => r.stages[s])); // [ '2', '5' ] [ 'new', 'churned' ]
 * console.log(r.state(5)?.history.map((h) => h.to)); // [ 'new', 'churned' ]
 * ```
 */
export const LIFECYCLE_EVENT_CODES = { purchase: 0, tick: 1, score: 2, identify: 3 } as const;

/**
 * A chunk of events as columns, for `lifecycle.replayColumns` (row i is one event). Absent
 * numbers are NaN. Feed a long stream as several chunks: memory stays proportional to customers.
 */
export interface LifecycleEventColumns {
  /**
   * Who, per event. An `Int32Array` holds integer codes ≥ 0 that index the per-customer state
   * directly (no hash lookup; use dense codes 0…C−1: memory grows with the largest code); any
   * other array holds ids (strings or numbers, interned on first sight). Every chunk of one
   * replay must use the same kind.
   */
  readonly customerId: Int32Array | ArrayLike<CustomerId>;
  /** Event type per event, as {@link LIFECYCLE_EVENT_CODES}. */
  readonly type: Uint8Array;
  /** When, epoch milliseconds. */
  readonly at: Float64Array;
  /** Purchase amount (NaN or absent column: 0). */
  readonly amount?: Float64Array;
  /** P(alive) of score events (NaN: none). */
  readonly pAlive?: Float64Array;
  /** Churn probability of score events (NaN: none). */
  readonly churnProbability?: Float64Array;
}

/** The customers after `lifecycle.replayColumns`, as columns; snapshots built on demand. */
export interface LifecycleReplayResult<S extends string = string> {
  /** The stages (`code` indexes into it). */
  readonly stages: readonly S[];
  /** Customer ids: first-appearance order for ids, ascending for integer codes (as strings). */
  readonly customerId: readonly string[];
  /** Stage index per customer. */
  readonly code: Uint8Array;
  /** Customers per stage. */
  readonly counts: Readonly<Record<S, number>>;
  /** Number of customers. */
  readonly size: number;
  /** One customer's snapshot (undefined if they had no event). */
  state(customerId: CustomerId): LifecycleState<S> | undefined;
  /** Every snapshot, keyed by id (as `replay` returns them; allocates one object per customer). */
  states(): Map<string, LifecycleState<S>>;
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
  /**
   * `replay` for events as columns, one chunk or an iterable of chunks (each customer's events
   * in time order across chunks): no object per event, and with `Int32Array` customer codes no
   * hash lookup either. Equal to `replay` of the same events.
   */
  replayColumns(events: LifecycleEventColumns | Iterable<LifecycleEventColumns>, options?: LifecycleReplayOptions<S>): LifecycleReplayResult<S>;
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

const replaySchema = z.strictObject({
  history: z.optional(z.boolean()),
  onAction: z.optional(z.custom<(a: LifecycleAction) => void>((v) => typeof v === 'function', 'expected a function')),
});

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
    const o = parseOptions(replaySchema, options, context);
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

  replayColumns(events: LifecycleEventColumns | Iterable<LifecycleEventColumns>, options?: LifecycleReplayOptions): LifecycleReplayResult {
    const context = 'lifecycle.replayColumns';
    const o = parseOptions(replaySchema, options, context);
    const keep = o.history ?? true;
    const onAction = o.onAction;
    const chunks: Iterable<LifecycleEventColumns> = isColumns(events) ? [events] : events;
    const iterable: unknown = chunks;
    if (iterable === null || typeof iterable !== 'object' || typeof (iterable as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new InvalidInputError(context, [{ path: 'events', message: `expected event columns { customerId, type, at, … } or an iterable of them, got ${show(events)}` }]);
    }
    // State as in `replay`: STRIDE doubles per customer row. Integer codes are rows themselves
    // (`seen` marks the rows in use); other ids are interned through a Map.
    let dense: boolean | null = null;
    let seen = new Uint8Array(1024);
    const index = new Map<string, number>();
    const ids: string[] = [];
    let histories: (LifecycleHistoryEntry[] | null)[] = [];
    let data = new Float64Array(STRIDE * 1024);
    const scratch = freshMut('', this.cfg.initialStage);
    const initial = freshMut('', this.cfg.initialStage);
    const e = this.ev;
    const stages = this.stages;
    const descriptions = this.cfg.descriptions;
    const core = this.core;
    let current: LifecycleHistoryEntry[] | null = null;
    const sink: ChangeSink | null =
      keep || onAction !== undefined
        ? (m, from, to, at, event, tr) => {
            if (current !== null) current.push({ from: stages[from], to: stages[to], at, event: EVENT_TYPES[event], reason: descriptions[to] });
            if (onAction !== undefined) for (const type of tr.actions) onAction({ type, customerId: m.customerId, from: stages[from], to: stages[to], at });
          }
        : null;
    const ensure = (rows: number): void => {
      if (rows * STRIDE > data.length) {
        const grown = new Float64Array(Math.max(data.length * 2, rows * STRIDE));
        grown.set(data);
        data = grown;
      }
    };
    let base = 0;
    for (const chunk of chunks) {
      const { n, cid, type, at, amount, pAlive, churn } = readChunk(chunk, base, context);
      const isDense = cid instanceof Int32Array;
      if (dense === null) dense = isDense;
      else if (dense !== isDense) {
        throw new InvalidInputError(context, [{ path: 'events.customerId', row: base, message: 'every chunk must use the same kind of customerId column (Int32Array codes or ids)' }]);
      }
      for (let r = 0; r < n; r++) {
        let i: number;
        if (isDense) {
          i = cid[r];
          if (!(i >= 0)) badColumn(context, base + r, 'customerId', `expected an integer code ≥ 0, got ${i}`);
          if (i >= seen.length) {
            const grown = new Uint8Array(Math.max(seen.length * 2, i + 1));
            grown.set(seen);
            seen = grown;
          }
          if (seen[i] === 0) {
            seen[i] = 1;
            ensure(i + 1);
            storeMut(data, i * STRIDE, initial);
            if (keep) {
              while (histories.length <= i) histories.push(null);
              histories[i] = [];
            }
          }
          // The id string is made only when needed (a sink, or an error message: see below).
          scratch.customerId = sink === null ? '' : String(i);
        } else {
          const id = cid[r];
          let key: string;
          if (typeof id === 'string' && id.length > 0) key = id;
          else if (typeof id === 'number' && Number.isFinite(id)) key = String(id);
          else return badColumn(context, base + r, 'customerId', `expected a non-empty string or a finite number, got ${show(id)}`);
          const found = index.get(key);
          if (found === undefined) {
            i = ids.length;
            index.set(key, i);
            ids.push(key);
            if (keep) histories.push([]);
            ensure(i + 1);
            storeMut(data, i * STRIDE, initial);
          } else i = found;
          scratch.customerId = key;
        }
        const t = type[r];
        const ms = at[r];
        if (t > 3) badColumn(context, base + r, 'type', `expected an event code 0–3 (LIFECYCLE_EVENT_CODES), got ${t}`);
        if (!(ms - ms === 0)) badColumn(context, base + r, 'at', `expected epoch milliseconds, got ${ms}`);
        e.type = t;
        e.at = ms;
        e.amount = 0;
        e.pAlive = NaN;
        e.churnProbability = NaN;
        if (t === PURCHASE_CODE) {
          if (amount !== null) {
            const a = amount[r];
            if (a === a) {
              if (!(a - a === 0)) badColumn(context, base + r, 'amount', `expected a finite number, got ${a}`);
              e.amount = a;
            }
          }
        } else if (t === SCORE_CODE) {
          const p = pAlive === null ? NaN : pAlive[r];
          const c = churn === null ? NaN : churn[r];
          if (p === p && !(p >= 0 && p <= 1)) badColumn(context, base + r, 'pAlive', `expected a probability in [0, 1], got ${p}`);
          if (c === c && !(c >= 0 && c <= 1)) badColumn(context, base + r, 'churnProbability', `expected a probability in [0, 1], got ${c}`);
          if (p !== p && c !== c) badColumn(context, base + r, 'pAlive', 'a score event needs pAlive or churnProbability');
          e.pAlive = p;
          e.churnProbability = c;
        }
        const o2 = i * STRIDE;
        loadMut(data, o2, scratch);
        if (sink !== null) current = keep ? histories[i] : null;
        try {
          core.apply(scratch, e, sink, context, base + r);
        } catch (err) {
          if (scratch.customerId !== '') throw err;
          // Integer codes without a sink step with no id string: replay the event with it, for the message.
          loadMut(data, o2, scratch);
          scratch.customerId = String(i);
          core.apply(scratch, e, sink, context, base + r);
          throw err;
        }
        storeMut(data, o2, scratch);
      }
      base += n;
    }
    let rows: Int32Array;
    if (dense === true) {
      let m = 0;
      for (let i = 0; i < seen.length; i++) m += seen[i];
      rows = new Int32Array(m);
      m = 0;
      for (let i = 0; i < seen.length; i++) if (seen[i] !== 0) rows[m++] = i;
    } else {
      rows = new Int32Array(ids.length);
      for (let i = 0; i < rows.length; i++) rows[i] = i;
    }
    const customerId = new Array<string>(rows.length);
    const code = new Uint8Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      customerId[k] = dense === true ? String(rows[k]) : ids[rows[k]];
      code[k] = data[rows[k] * STRIDE];
    }
    if (!keep) histories = [];
    const counts = {} as Record<string, number>;
    for (const st of stages) counts[st] = 0;
    for (let k = 0; k < code.length; k++) counts[stages[code[k]]]++;
    const snapshot = (k: number): LifecycleState => {
      const m = freshMut(customerId[k], 0);
      loadMut(data, rows[k] * STRIDE, m);
      return this.toState(m, (keep ? histories[rows[k]] : null) ?? []);
    };
    const position = dense === true ? null : index;
    return {
      stages,
      customerId,
      code,
      counts,
      size: rows.length,
      state: (id: CustomerId): LifecycleState | undefined => {
        const key = String(id);
        if (position !== null) {
          const k = position.get(key);
          return k === undefined ? undefined : snapshot(k);
        }
        const c = Number(key);
        if (!(Number.isInteger(c) && c >= 0 && c < seen.length && seen[c] !== 0 && String(c) === key)) return undefined;
        // Rows are ascending codes: binary search.
        let lo = 0;
        let hi = rows.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (rows[mid] < c) lo = mid + 1;
          else hi = mid;
        }
        return snapshot(lo);
      },
      states: (): Map<string, LifecycleState> => {
        const out = new Map<string, LifecycleState>();
        for (let k = 0; k < rows.length; k++) out.set(customerId[k], snapshot(k));
        return out;
      },
    };
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

const PURCHASE_CODE = LIFECYCLE_EVENT_CODES.purchase;
const SCORE_CODE = LIFECYCLE_EVENT_CODES.score;

function badColumn(context: string, row: number, column: string, message: string): never {
  throw new InvalidInputError(context, [{ path: `events.${column}`, row, message }]);
}

function isColumns(x: unknown): x is LifecycleEventColumns {
  return typeof x === 'object' && x !== null && 'type' in x && 'at' in x && 'customerId' in x && !(Symbol.iterator in x);
}

/** Validates one chunk's columns (types and lengths). */
function readChunk(
  chunk: unknown,
  base: number,
  context: string,
): { n: number; cid: Int32Array | ArrayLike<unknown>; type: Uint8Array; at: Float64Array; amount: Float64Array | null; pAlive: Float64Array | null; churn: Float64Array | null } {
  if (!isColumns(chunk)) {
    throw new InvalidInputError(context, [{ path: 'events', row: base, message: `expected event columns { customerId, type, at, … }, got ${show(chunk)}` }]);
  }
  const c = chunk as unknown as Record<string, unknown>;
  const issues: { path: string; row: number; message: string }[] = [];
  const cid = c.customerId;
  const okIds = cid instanceof Int32Array || Array.isArray(cid) || (ArrayBuffer.isView(cid) && !(cid instanceof DataView) && !(cid instanceof BigInt64Array) && !(cid instanceof BigUint64Array));
  if (!okIds) issues.push({ path: 'events.customerId', row: base, message: `expected an Int32Array of codes or an array of ids, got ${show(cid)}` });
  if (!(c.type instanceof Uint8Array)) issues.push({ path: 'events.type', row: base, message: `expected a Uint8Array of LIFECYCLE_EVENT_CODES, got ${show(c.type)}` });
  if (!(c.at instanceof Float64Array)) issues.push({ path: 'events.at', row: base, message: `expected a Float64Array of epoch milliseconds, got ${show(c.at)}` });
  for (const k of ['amount', 'pAlive', 'churnProbability']) {
    if (c[k] !== undefined && !(c[k] instanceof Float64Array)) issues.push({ path: `events.${k}`, row: base, message: `expected a Float64Array or nothing, got ${show(c[k])}` });
  }
  if (issues.length > 0) throw new InvalidInputError(context, issues);
  const n = (c.at as Float64Array).length;
  for (const k of ['customerId', 'type', 'amount', 'pAlive', 'churnProbability']) {
    const col = c[k] as ArrayLike<unknown> | undefined;
    if (col !== undefined && col.length !== n) issues.push({ path: `events.${k}`, row: base, message: `expected ${n} values (as events.at), got ${col.length}` });
  }
  if (issues.length > 0) throw new InvalidInputError(context, issues);
  return {
    n,
    cid: cid as Int32Array | ArrayLike<unknown>,
    type: c.type as Uint8Array,
    at: c.at as Float64Array,
    amount: (c.amount as Float64Array | undefined) ?? null,
    pAlive: (c.pAlive as Float64Array | undefined) ?? null,
    churn: (c.churnProbability as Float64Array | undefined) ?? null,
  };
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
