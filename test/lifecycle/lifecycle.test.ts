import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFittedError } from '../../src/errors.js';
import { DEFAULT_LIFECYCLE_STAGES as DEFAULTS, type CustomerFacts, type DefaultLifecycleStage, type LifecycleEvent } from '../../src/lifecycle/config.js';
import { createLifecycle, type Lifecycle, type LifecycleState } from '../../src/lifecycle/lifecycle.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const day = (d: number): number => T0 + d * DAY;

/** A lifecycle with fixed references, so per-customer transitions need no population. */
const fixed = createLifecycle({ reference: { frequency: 3, spend: 100 } });

function fold<S extends string>(lc: Lifecycle<S>, id: string, events: readonly LifecycleEvent[]): LifecycleState<S> {
  let s = lc.initial(id);
  for (const e of events) s = lc.transition(s, e);
  return s;
}

describe('lifecycle.transition: hand-worked examples (default rules, window 30 days)', () => {
  it('bought once 10 days ago → new', () => {
    const s = fold(fixed, 'a', [{ type: 'purchase', at: day(0), amount: 20 }, { type: 'tick', at: day(10) }]);
    expect(s.stage).toBe('new');
  });

  it('40 days since the last purchase → churned, at last purchase + 30 days', () => {
    const s = fold(fixed, 'a', [{ type: 'purchase', at: day(0), amount: 20 }, { type: 'tick', at: day(40) }]);
    expect(s.stage).toBe('churned');
    expect(s.history.map((h) => [h.from, h.to, h.at, h.event])).toEqual([
      ['prospect', 'new', day(0), 'purchase'],
      ['new', 'churned', day(30), 'tick'],
    ]);
    expect(s.history[1].reason).toBe('no purchase within the window');
    expect(s.since).toBe(day(30));
    expect(s.clock).toBe(day(40));
  });

  it('a purchase after that → reactivated; 30 days later without a purchase → churned again', () => {
    let s = fold(fixed, 'a', [{ type: 'purchase', at: day(0), amount: 20 }, { type: 'tick', at: day(40) }, { type: 'purchase', at: day(45), amount: 10 }]);
    expect(s.stage).toBe('reactivated');
    expect(s.returnPurchase).toBe(day(45));
    s = fixed.transition(s, { type: 'tick', at: day(80) });
    expect(s.stage).toBe('churned');
    expect(s.history.at(-1)).toMatchObject({ from: 'reactivated', to: 'churned', at: day(75) });
  });

  it('a late purchase with no tick in between still passes through churned (time-driven moves happen at their instant)', () => {
    const s = fold(fixed, 'a', [{ type: 'purchase', at: day(0) }, { type: 'purchase', at: day(50) }]);
    expect(s.history.map((h) => h.to)).toEqual(['new', 'churned', 'reactivated']);
  });

  it('the window boundary: 29.99 days → still new; exactly 30 days → churned', () => {
    const a = fold(fixed, 'a', [{ type: 'purchase', at: day(0) }, { type: 'tick', at: day(30) - 1 }]);
    expect(a.stage).toBe('new');
    const b = fixed.transition(a, { type: 'tick', at: day(30) });
    expect(b.stage).toBe('churned');
  });

  it('established customers: loyal at or above the reference on both, active on one, atRisk on none', () => {
    // Purchases on 4 distinct days (≥ 3) and spend 120 (≥ 100) → loyal once 30 days past the first.
    const buys = (amount: number, n: number): LifecycleEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'purchase' as const, at: day(i * 10), amount }));
    expect(fold(fixed, 'a', [...buys(30, 4), { type: 'tick', at: day(35) }]).stage).toBe('loyal');
    expect(fold(fixed, 'a', [...buys(10, 4), { type: 'tick', at: day(35) }]).stage).toBe('active'); // spend 40 < 100
    expect(fold(fixed, 'a', [...buys(60, 2), { type: 'tick', at: day(35) }]).stage).toBe('active'); // 2 purchases < 3
    expect(fold(fixed, 'a', [...buys(10, 2), { type: 'tick', at: day(35) }]).stage).toBe('atRisk');
    // New → loyal happens at first purchase + 30 days, by itself (3 purchases, spend 120 by then).
    const s = fold(fixed, 'a', [...buys(40, 3), { type: 'tick', at: day(31) }]);
    expect(s.history.at(-1)).toMatchObject({ from: 'new', to: 'loyal', at: day(30), event: 'tick' });
  });

  it('a P(alive) score below the threshold puts an established customer at risk; churnProbability works too', () => {
    const base: LifecycleEvent[] = [0, 10, 20, 30].map((d) => ({ type: 'purchase' as const, at: day(d), amount: 30 }));
    const loyal = fold(fixed, 'a', [...base, { type: 'tick', at: day(35) }]);
    expect(loyal.stage).toBe('loyal');
    expect(fixed.transition(loyal, { type: 'score', at: day(36), pAlive: 0.2 }).stage).toBe('atRisk');
    expect(fixed.transition(loyal, { type: 'score', at: day(36), churnProbability: 0.9 }).stage).toBe('atRisk');
    expect(fixed.transition(loyal, { type: 'score', at: day(36), pAlive: 0.5 }).stage).toBe('loyal'); // at the threshold: not below
    // A new customer stays new whatever the score (its window comes first).
    expect(fold(fixed, 'b', [{ type: 'purchase', at: day(0) }, { type: 'score', at: day(1), pAlive: 0 }]).stage).toBe('new');
  });

  it('purchases on the same UTC day are one occasion; identify is recorded', () => {
    const s = fold(fixed, 'a', [
      { type: 'identify', at: day(-5) },
      { type: 'purchase', at: day(0) + 1000, amount: 5 },
      { type: 'purchase', at: day(0) + 5000, amount: 7 },
      { type: 'purchase', at: day(1), amount: 1 },
    ]);
    expect(s.purchases).toBe(2);
    expect(s.spend).toBe(13);
    expect(s.identifiedAt).toBe(day(-5));
    expect(s.history[0]).toMatchObject({ from: 'prospect', to: 'new', event: 'purchase' });
  });

  it('is pure: the input state is not modified, and unchanged history is shared', () => {
    const s0 = fixed.initial('a');
    const copy = JSON.parse(JSON.stringify(s0)) as unknown;
    const s1 = fixed.transition(s0, { type: 'purchase', at: day(0) });
    expect(s0).toEqual(copy);
    const s2 = fixed.transition(s1, { type: 'tick', at: day(1) });
    expect(s2.history).toBe(s1.history);
    expect(s2).not.toBe(s1);
  });
});

describe('lifecycle: errors', () => {
  it('rejects invalid events and events older than the clock, naming the field', () => {
    const s = fixed.transition(fixed.initial('a'), { type: 'purchase', at: day(10) });
    const issue = (e: unknown, st: LifecycleState<DefaultLifecycleStage> = s) => {
      try {
        fixed.transition(st, e as LifecycleEvent);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInputError);
        return (err as InvalidInputError).issues[0];
      }
      throw new Error('no error');
    };
    expect(issue({ type: 'buy', at: day(11) })).toEqual({ path: 'event.type', message: `expected one of 'purchase' | 'tick' | 'score' | 'identify', got "buy"` });
    expect(issue({ type: 'tick', at: 'yesterday' }).path).toBe('event.at');
    expect(issue({ type: 'purchase', at: day(11), amount: NaN }).path).toBe('event.amount');
    expect(issue({ type: 'score', at: day(11), pAlive: 1.5 }).path).toBe('event.pAlive');
    expect(issue({ type: 'score', at: day(11) }).message).toMatch(/needs pAlive or churnProbability/);
    expect(issue({ type: 'tick', at: day(9) }).message).toMatch(/time order/);
    expect(issue({ type: 'tick', at: day(11) }, { ...s, stage: 'vip' } as unknown as LifecycleState<DefaultLifecycleStage>).path).toBe('state.stage');
    expect(() => fixed.initial('')).toThrow(InvalidInputError);
  });

  it('a population reference must be calibrated before per-customer transitions need it', () => {
    const lc = createLifecycle();
    let s = lc.transition(lc.initial('a'), { type: 'purchase', at: day(0) });
    expect(s.stage).toBe('new'); // new needs no reference
    s = lc.transition(s, { type: 'purchase', at: day(20) });
    expect(() => lc.transition(s, { type: 'tick', at: day(31) })).toThrow(NotFittedError);
    expect(() => lc.transition(s, { type: 'tick', at: day(31) })).toThrow(/lifecycle\.calibrate/);
  });

  it('a move the rules ask for but the transitions do not declare throws, saying what to add', () => {
    const stages = {
      none: { when: (f: CustomerFacts) => f.purchases === 0 },
      buyer: { when: (f: CustomerFacts) => f.purchases > 0 },
    };
    const lc = createLifecycle({ stages, transitions: [] });
    expect(() => lc.transition(lc.initial('x'), { type: 'purchase', at: day(0) })).toThrow(/add \{ from: 'none', to: 'buyer' \}/);
    const onlyTick = createLifecycle({ stages, transitions: [{ from: 'none', to: 'buyer', on: ['tick'] }] });
    expect(() => onlyTick.transition(onlyTick.initial('x'), { type: 'purchase', at: day(0) })).toThrow(/add 'purchase' to its `on`/);
  });
});

describe('lifecycle: guards and actions', () => {
  const stages = {
    prospect: { when: (f: CustomerFacts) => f.purchases === 0, description: 'never bought' },
    buyer: { when: (f: CustomerFacts) => f.purchases > 0 && f.daysSinceLastPurchase < f.window, description: 'bought recently' },
    lapsed: { when: (f: CustomerFacts) => f.purchases > 0 && !(f.daysSinceLastPurchase < f.window), description: 'no recent purchase' },
  };
  const lc = createLifecycle({
    stages,
    window: 10,
    guards: {
      // Hysteresis: a buyer must have been a buyer for 5 days before lapsing is recorded.
      settled: ({ since, at }) => since === null || at - since >= 5 * DAY,
    },
    transitions: [
      { from: 'prospect', to: 'buyer', actions: ['sendWelcome'] },
      { from: 'buyer', to: 'lapsed', guard: 'settled', actions: ['sendWinBack'] },
      { from: 'lapsed', to: 'buyer', actions: ['logReturn'] },
    ],
  });

  it('step returns the declared actions and executes nothing', () => {
    const r = lc.step(lc.initial('c'), { type: 'purchase', at: day(0) });
    expect(r.state.stage).toBe('buyer');
    expect(r.actions).toEqual([{ type: 'sendWelcome', customerId: 'c', from: 'prospect', to: 'buyer', at: day(0) }]);
    const r2 = lc.step(r.state, { type: 'tick', at: day(20) });
    expect(r2.actions.map((a) => [a.type, a.at])).toEqual([['sendWinBack', day(10)]]);
    expect(r2.state.history.at(-1)?.reason).toBe('no recent purchase');
  });

  it('a guard that fails keeps the customer in its stage', () => {
    const stay = createLifecycle({
      stages,
      window: 10,
      guards: { never: () => false },
      transitions: [
        { from: 'prospect', to: 'buyer' },
        { from: 'buyer', to: 'lapsed', guard: 'never' },
      ],
    });
    const s = fold(stay, 'c', [{ type: 'purchase', at: day(0) }, { type: 'tick', at: day(40) }]);
    expect(s.stage).toBe('buyer');
    expect(s.history).toHaveLength(1);
  });

  it('guards see the facts, the move and the event', () => {
    const seen: string[] = [];
    const spy = createLifecycle({
      stages,
      window: 10,
      guards: {
        spy: ({ from, to, event, facts, customerId }) => {
          seen.push(`${customerId} ${from}→${to} on ${event}, ${facts.purchases} purchase(s), ${facts.daysSinceLastPurchase} days`);
          return true;
        },
      },
      transitions: [
        { from: 'prospect', to: 'buyer', guard: 'spy' },
        { from: 'buyer', to: 'lapsed', guard: 'spy' },
      ],
    });
    fold(spy, 'z', [{ type: 'purchase', at: day(0) }, { type: 'tick', at: day(12) }]);
    expect(seen).toEqual(['z prospect→buyer on purchase, 1 purchase(s), 0 days', 'z buyer→lapsed on tick, 1 purchase(s), 10 days']);
  });
});

describe('lifecycle: snapshots', () => {
  it('round-trip through JSON exactly and restore validates', () => {
    const s = fold(fixed, 'a', [
      { type: 'purchase', at: day(0), amount: 19.99 },
      { type: 'score', at: day(3), pAlive: 0.123456789 },
      { type: 'tick', at: day(45) },
    ]);
    const back = fixed.restore(JSON.parse(JSON.stringify(s)));
    expect(back).toEqual(s);
    expect(fixed.transition(back, { type: 'purchase', at: day(50) })).toEqual(fixed.transition(s, { type: 'purchase', at: day(50) }));
    expect(() => fixed.restore({ ...s, stage: 'gold' })).toThrow(InvalidInputError);
    try {
      fixed.restore({ ...s, purchases: -1 });
    } catch (err) {
      expect((err as InvalidInputError).issues[0].path).toBe('state.purchases');
    }
    expect(() => fixed.restore('nope')).toThrow(InvalidInputError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random purchase histories

const eventArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant('purchase' as const), dt: fc.integer({ min: 0, max: 50 * DAY }), amount: fc.double({ min: 0, max: 200, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 60 * DAY }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('score' as const), dt: fc.integer({ min: 0, max: 10 * DAY }), pAlive: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('identify' as const), dt: fc.integer({ min: 0, max: 10 * DAY }) }) },
);
const historyArb = fc.array(eventArb, { maxLength: 25 }).map((steps) => {
  let t = T0;
  return steps.map((s): LifecycleEvent => {
    t += s.dt;
    if (s.type === 'purchase') return { type: 'purchase', at: t, amount: s.amount };
    if (s.type === 'score') return { type: 'score', at: t, pAlive: s.pAlive };
    return { type: s.type, at: t };
  });
});
const configArb = fc.record({
  window: fc.integer({ min: 1, max: 90 }),
  frequency: fc.integer({ min: 1, max: 6 }),
  spend: fc.integer({ min: 0, max: 400 }),
  pAliveThreshold: fc.double({ min: 0, max: 1, noNaN: true }),
});
const lifecycles = new Map<string, Lifecycle>();
function lifecycleFor(c: { window: number; frequency: number; spend: number; pAliveThreshold: number }): Lifecycle {
  const key = JSON.stringify(c);
  let lc = lifecycles.get(key);
  if (lc === undefined) {
    lc = createLifecycle({ window: c.window, reference: { frequency: c.frequency, spend: c.spend }, pAliveThreshold: c.pAliveThreshold, validation: { samples: 0 } });
    lifecycles.set(key, lc);
  }
  return lc;
}

describe('lifecycle: properties (fast-check)', () => {
  it('every customer is in exactly one stage at every time, and only declared transitions occur', () => {
    fc.assert(
      fc.property(configArb, historyArb, (c, events) => {
        const lc = lifecycleFor(c);
        const declared = new Set(lc.transitions.map((t) => `${t.from}>${t.to}`));
        let s = lc.initial('p');
        for (const e of events) {
          s = lc.transition(s, e); // throws if the rules left a gap/overlap or asked for an undeclared move
          expect(lc.stages).toContain(s.stage);
        }
        let stage: string = lc.initialStage;
        for (const h of s.history) {
          expect(h.from).toBe(stage);
          expect(declared.has(`${h.from}>${h.to}`)).toBe(true);
          stage = h.to;
        }
        expect(stage).toBe(s.stage);
        // The history's times never decrease and never pass the clock.
        for (let i = 1; i < s.history.length; i++) expect(s.history[i].at).toBeGreaterThanOrEqual(s.history[i - 1].at);
        if (s.history.length > 0) expect(s.history.at(-1)!.at).toBeLessThanOrEqual(s.clock!);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('the stage at every instant is the rules applied to the facts at that instant', () => {
    // Without guards, the state after a tick at t equals what the rules say about the facts at t.
    fc.assert(
      fc.property(configArb, historyArb, fc.integer({ min: 0, max: 100 * DAY }), (c, events, extra) => {
        const lc = lifecycleFor(c);
        let s = lc.initial('p');
        for (const e of events) s = lc.transition(s, e);
        const t = (s.clock ?? T0) + extra;
        s = lc.transition(s, { type: 'tick', at: t });
        const W = c.window;
        const ds = (x: number | null): number => (x === null ? Infinity : (t - x) / DAY);
        const f: CustomerFacts = {
          purchases: s.purchases,
          spend: s.spend,
          daysSinceFirstPurchase: ds(s.firstPurchase),
          daysSinceLastPurchase: ds(s.lastPurchase),
          daysSinceReturn: ds(s.returnPurchase),
          pAlive: s.pAlive ?? NaN,
          churnProbability: NaN,
          window: W,
          pAliveThreshold: c.pAliveThreshold,
          referenceFrequency: c.frequency,
          referenceSpend: c.spend,
        };
        const matches = Object.entries(DEFAULTS).filter(([, r]) => r.when(f)).map(([k]) => k);
        expect(matches).toEqual([s.stage]);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('replaying the events from the initial state reproduces the final state (transition, replay, JSON)', () => {
    fc.assert(
      fc.property(configArb, fc.array(historyArb, { minLength: 1, maxLength: 4 }), (c, perCustomer) => {
        const lc = lifecycleFor(c);
        const finals = perCustomer.map((events, i) => fold(lc, `c${i}`, events));
        // Interleave the customers' events by time; replay folds them in one pass.
        // (Array.prototype.sort is stable, so each customer's events keep their order.)
        const stream = perCustomer.flatMap((events, i) => events.map((e) => ({ ...e, customerId: `c${i}` })));
        stream.sort((a, b) => Number(a.at) - Number(b.at));
        const replayed = lc.replay(stream);
        finals.forEach((s, i) => {
          if (perCustomer[i].length === 0) return;
          expect(replayed.get(`c${i}`)).toEqual(s);
          expect(lc.restore(JSON.parse(JSON.stringify(s)))).toEqual(s);
          // Same events again: same state (deterministic).
          expect(fold(lc, `c${i}`, perCustomer[i])).toEqual(s);
        });
        const light = lc.replay(stream, { history: false });
        for (const [id, s] of light) expect({ ...s, history: replayed.get(id)!.history }).toEqual(replayed.get(id));
      }),
      { seed: 99, numRuns: 150 },
    );
  });
});

