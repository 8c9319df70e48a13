/**
 * The lifecycle's step function on a mutable per-customer record: time-driven moves at their due
 * instants, the event's effect on the facts, then the rules, the declared transitions and the
 * guards. `transition`, `replay` and the population views all run on this one core.
 *
 * @internal
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { toEpochMs } from '../data/time.js';
import { show } from '../validate.js';
import {
  EVENT_BIT,
  FactsBuffer,
  MS_PER_DAY,
  partitionProblem,
  type LifecycleEventType,
  type ResolvedConfig,
  type ResolvedTransition,
} from './config.js';

/** Event type codes (index into EVENT_TYPES). @internal */
export const EVENT_TYPES: readonly LifecycleEventType[] = ['purchase', 'tick', 'score', 'identify'];
/** @internal */
export const PURCHASE = 0;
/** @internal */
export const TICK = 1;
/** @internal */
export const SCORE = 2;
/** @internal */
export const IDENTIFY = 3;

/**
 * One customer's state, mutable, stage as an index. Absent times and scores are NaN (not null):
 * fields that only ever hold numbers keep V8's double representation and are updated in place,
 * instead of allocating a number box per write.
 *
 * @internal
 */
export interface Mut {
  customerId: string;
  stage: number;
  since: number;
  clock: number;
  identifiedAt: number;
  purchases: number;
  spend: number;
  first: number;
  last: number;
  ret: number;
  pAlive: number;
  churnProbability: number;
}

/** Receives each stage change. @internal */
export type ChangeSink = (m: Mut, from: number, to: number, at: number, event: number, transition: ResolvedTransition) => void;

/** A fresh record for a customer with no events. @internal */
export function freshMut(customerId: string, initialStage: number): Mut {
  return {
    customerId,
    stage: initialStage,
    since: NaN,
    clock: NaN,
    identifiedAt: NaN,
    purchases: 0,
    spend: 0,
    first: NaN,
    last: NaN,
    ret: NaN,
    pAlive: NaN,
    churnProbability: NaN,
  };
}

/** A normalised event (reused: no allocation per event). @internal */
export class EventBuffer {
  type = TICK;
  at = 0;
  amount = 0;
  /** NaN when absent. */
  pAlive = NaN;
  /** NaN when absent. */
  churnProbability = NaN;

  /** Reads and validates a caller's event; throws InvalidInputError naming the field. */
  read(ev: unknown, context: string, row?: number): this {
    if (ev === null || typeof ev !== 'object') badEvent(context, row, 'event', `expected an event object { type, at, … }, got ${show(ev)}`);
    const e = ev as Readonly<Record<string, unknown>>;
    const type = e.type;
    let code: number;
    switch (type) {
      case 'purchase':
        code = PURCHASE;
        break;
      case 'tick':
        code = TICK;
        break;
      case 'score':
        code = SCORE;
        break;
      case 'identify':
        code = IDENTIFY;
        break;
      default:
        return badEvent(context, row, 'event.type', `expected one of 'purchase' | 'tick' | 'score' | 'identify', got ${show(type)}`);
    }
    const rawAt = e.at;
    const at = typeof rawAt === 'number' ? (rawAt - rawAt === 0 ? rawAt : NaN) : toEpochMs(rawAt);
    if (at !== at) badEvent(context, row, 'event.at', `expected a Date, an ISO-8601 string or epoch milliseconds, got ${show(rawAt)}`);
    this.type = code;
    this.at = at;
    this.amount = 0;
    this.pAlive = NaN;
    this.churnProbability = NaN;
    if (code === PURCHASE) {
      const a = e.amount;
      if (a !== undefined) {
        if (typeof a !== 'number' || a - a !== 0) badEvent(context, row, 'event.amount', `expected a finite number, got ${show(a)}`);
        this.amount = a;
      }
    } else if (code === SCORE) {
      const p = e.pAlive;
      const c = e.churnProbability;
      if (p !== undefined) {
        if (typeof p !== 'number' || !(p >= 0 && p <= 1)) badEvent(context, row, 'event.pAlive', `expected a probability in [0, 1], got ${show(p)}`);
        this.pAlive = p;
      }
      if (c !== undefined) {
        if (typeof c !== 'number' || !(c >= 0 && c <= 1)) badEvent(context, row, 'event.churnProbability', `expected a probability in [0, 1], got ${show(c)}`);
        this.churnProbability = c;
      }
      if (p === undefined && c === undefined) badEvent(context, row, 'event', 'a score event needs pAlive or churnProbability');
    }
    return this;
  }
}

function badEvent(context: string, row: number | undefined, path: string, message: string): never {
  throw new InvalidInputError(context, [row === undefined ? { path, message } : { path, row, message }]);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The step function of one lifecycle. @internal */
export class Core {
  readonly facts = new FactsBuffer();
  readonly K: number;
  private readonly windowMs: number;

  constructor(
    readonly cfg: ResolvedConfig,
    refFrequency: number,
    refSpend: number,
  ) {
    this.K = cfg.stages.length;
    this.windowMs = cfg.window * MS_PER_DAY;
    this.facts.window = cfg.window;
    this.facts.pAliveThreshold = cfg.pAliveThreshold;
    this.setReference(refFrequency, refSpend);
  }

  /** Sets the loyalty references (NaN = not known: reading it throws NotFittedError). */
  setReference(frequency: number, spend: number): void {
    this.facts.refFrequency = frequency;
    this.facts.refSpend = spend;
    this.facts.refKinds = `${String(this.cfg.reference.frequency)}/${String(this.cfg.reference.spend)}`;
  }

  /** The stage index whose rule holds for `m` at `t`; throws when none or several hold. */
  stageAt(m: Mut, t: number): number {
    const f = this.facts.fill(t, m.purchases, m.spend, m.first, m.last, m.ret, m.pAlive, m.churnProbability);
    const s = this.cfg.stageOf(f);
    if (s < 0) this.partitionFailure(m.customerId, t);
    return s;
  }

  private partitionFailure(customerId: string, t: number): never {
    const problem = partitionProblem(this.cfg.stages, this.cfg.rules, this.facts) ?? 'the rules are inconsistent';
    throw new InvalidInputError('lifecycle: the stage rules do not partition the state space', [
      {
        path: 'options.stages',
        message: `customer ${show(customerId)} at ${iso(t)}: ${problem} (the check at creation enumerates a grid and random samples; this state was not among them)`,
      },
    ]);
  }

  /** Re-evaluates the rules at `t` and moves the customer if a declared, unguarded transition allows. */
  settle(m: Mut, t: number, event: number, sink: ChangeSink | null): void {
    const to = this.stageAt(m, t);
    const from = m.stage;
    if (to === from) return;
    const entries = this.cfg.pairs[from * this.K + to];
    const stages = this.cfg.stages;
    const eventName = EVENT_TYPES[event];
    if (entries === null) {
      throw new InvalidInputError('lifecycle: undeclared transition', [
        {
          path: 'options.transitions',
          message: `the rules move customer ${show(m.customerId)} from '${stages[from]}' to '${stages[to]}' on '${eventName}' at ${iso(t)}, but no such transition is declared; add { from: '${stages[from]}', to: '${stages[to]}' } to transitions`,
        },
      ]);
    }
    const bit = EVENT_BIT[eventName];
    let onOk = false;
    let taken: ResolvedTransition | null = null;
    for (const tr of entries) {
      if ((tr.onMask & bit) === 0) continue;
      onOk = true;
      if (tr.guard === null) {
        taken = tr;
        break;
      }
      const since = m.since === m.since ? m.since : null;
      const passed = tr.guard({ customerId: m.customerId, from: stages[from], to: stages[to], at: t, event: eventName, since, facts: this.facts });
      if (passed) {
        taken = tr;
        break;
      }
    }
    if (!onOk) {
      throw new InvalidInputError('lifecycle: undeclared transition', [
        {
          path: 'options.transitions',
          message: `the rules move customer ${show(m.customerId)} from '${stages[from]}' to '${stages[to]}' on '${eventName}' at ${iso(t)}, but that transition is declared only for other events; add '${eventName}' to its \`on\``,
        },
      ]);
    }
    if (taken === null) return;
    if (sink !== null) sink(m, from, to, t, event, taken);
    m.stage = to;
    m.since = t;
  }

  /** Moves the clock to `at`, settling every time-driven boundary in between, in order. */
  advance(m: Mut, at: number, sink: ChangeSink | null): void {
    if (m.purchases === 0 || m.clock !== m.clock) return;
    const W = this.windowMs;
    const c = m.clock;
    let a = m.first + W;
    let b = m.last + W;
    let d = m.ret === m.ret ? m.ret + W : Infinity;
    // Sort the three boundaries (tiny network).
    let x: number;
    if (a > b) {
      x = a;
      a = b;
      b = x;
    }
    if (b > d) {
      x = b;
      b = d;
      d = x;
    }
    if (a > b) {
      x = a;
      a = b;
      b = x;
    }
    if (a > c && a <= at) this.settle(m, a, TICK, sink);
    if (b > c && b <= at && b !== a) this.settle(m, b, TICK, sink);
    if (d > c && d <= at && d !== b && d !== a) this.settle(m, d, TICK, sink);
  }

  /** Applies one event (already read into `e`). Throws on an event older than the customer's clock. */
  apply(m: Mut, e: EventBuffer, sink: ChangeSink | null, context: string, row?: number): void {
    const at = e.at;
    if (at < m.clock) {
      const message = `events must arrive in time order per customer: ${iso(at)} is before customer ${show(m.customerId)}'s clock ${iso(m.clock)}`;
      throw new InvalidInputError(context, [row === undefined ? { path: 'event.at', message } : { path: 'event.at', row, message }]);
    }
    this.advance(m, at, sink);
    switch (e.type) {
      case PURCHASE:
        this.purchase(m, at, e.amount);
        break;
      case SCORE:
        m.pAlive = e.pAlive;
        m.churnProbability = e.churnProbability;
        break;
      case IDENTIFY:
        if (m.identifiedAt !== m.identifiedAt) m.identifiedAt = at;
        break;
      default:
        break;
    }
    m.clock = at;
    this.settle(m, at, e.type, sink);
  }

  /** A purchase's effect on the facts (occasions are UTC days; a purchase ≥ window after the last is a return). */
  purchase(m: Mut, at: number, amount: number): void {
    if (m.purchases === 0) {
      m.first = at;
      m.purchases = 1;
    } else {
      const last = m.last;
      if (at - last >= this.windowMs) m.ret = at;
      if (Math.floor(at / MS_PER_DAY) !== Math.floor(last / MS_PER_DAY)) m.purchases++;
    }
    m.last = at;
    m.spend += amount;
  }
}
