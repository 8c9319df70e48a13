/**
 * `replayColumns` (events as column chunks) against `replay` (an object stream), which the
 * lifecycle tests check against folding `transition` one event at a time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import type { CustomerFacts } from '../../src/lifecycle/config.js';
import { createLifecycle, LIFECYCLE_EVENT_CODES, type LifecycleAction, type LifecycleCustomerEvent, type LifecycleEventColumns } from '../../src/lifecycle/lifecycle.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

interface Ev {
  c: number;
  type: 'purchase' | 'tick' | 'score' | 'identify';
  at: number;
  amount: number;
  pAlive: number;
}

/** Random interleaved streams: per event a customer, a type and a time step (each customer's events in time order). */
const streamArb = fc
  .array(
    fc.record({
      c: fc.nat(7),
      type: fc.constantFrom('purchase' as const, 'purchase' as const, 'tick' as const, 'score' as const, 'identify' as const),
      dt: fc.integer({ min: 0, max: 20 * DAY }),
      amount: fc.double({ min: 0, max: 200, noNaN: true }),
      pAlive: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { maxLength: 60 },
  )
  .map((steps) => {
    let t = T0;
    return steps.map((s): Ev => {
      t += s.dt;
      return { c: s.c, type: s.type, at: t, amount: s.amount, pAlive: s.pAlive };
    });
  });

function objects(events: readonly Ev[], id: (c: number) => string | number): LifecycleCustomerEvent[] {
  return events.map((e): LifecycleCustomerEvent => {
    const customerId = id(e.c);
    if (e.type === 'purchase') return { customerId, type: 'purchase', at: e.at, amount: e.amount };
    if (e.type === 'score') return { customerId, type: 'score', at: e.at, pAlive: e.pAlive };
    return { customerId, type: e.type, at: e.at };
  });
}

/** The events as column chunks split at `cuts`; integer codes or string ids. */
function columns(events: readonly Ev[], cuts: readonly number[], dense: boolean): LifecycleEventColumns[] {
  const bounds = [0, ...cuts.map((x) => Math.min(x, events.length)).sort((a, b) => a - b), events.length];
  const out: LifecycleEventColumns[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const part = events.slice(bounds[k], bounds[k + 1]);
    out.push({
      customerId: dense ? Int32Array.from(part, (e) => e.c) : part.map((e) => `c${e.c}`),
      type: Uint8Array.from(part, (e) => LIFECYCLE_EVENT_CODES[e.type]),
      at: Float64Array.from(part, (e) => e.at),
      amount: Float64Array.from(part, (e) => (e.type === 'purchase' ? e.amount : NaN)),
      pAlive: Float64Array.from(part, (e) => (e.type === 'score' ? e.pAlive : NaN)),
    });
  }
  return out;
}

const stages = {
  prospect: { when: (f: CustomerFacts) => f.purchases === 0, description: 'never bought' },
  buyer: { when: (f: CustomerFacts) => f.purchases > 0 && f.daysSinceLastPurchase < f.window, description: 'bought recently' },
  lapsed: { when: (f: CustomerFacts) => f.purchases > 0 && !(f.daysSinceLastPurchase < f.window), description: 'no recent purchase' },
};
const guarded = createLifecycle({
  stages,
  window: 10,
  guards: { settled: ({ since, at }) => since === null || at - since >= 5 * DAY },
  transitions: [
    { from: 'prospect', to: 'buyer', actions: ['sendWelcome'] },
    { from: 'buyer', to: 'lapsed', guard: 'settled', actions: ['sendWinBack'] },
    { from: 'lapsed', to: 'buyer', actions: ['logReturn'] },
  ],
});
const defaults = createLifecycle({ reference: { frequency: 3, spend: 150 }, window: 14 });

describe('lifecycle.replayColumns', () => {
  it('property: equals replay of the same events, for any chunking, with string ids or Int32Array codes (seeded)', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(60), { maxLength: 4 }), fc.boolean(), fc.boolean(), (events, cuts, dense, history) => {
        for (const lc of [defaults, guarded] as const) {
          const id = (c: number): string => (dense ? String(c) : `c${c}`);
          const actionsA: LifecycleAction[] = [];
          const actionsB: LifecycleAction[] = [];
          const a = lc.replay(objects(events, id), { history, onAction: (x) => actionsA.push(x) });
          const b = lc.replayColumns(columns(events, cuts, dense), { history, onAction: (x) => actionsB.push(x) });
          expect(b.states()).toEqual(a);
          expect(actionsB).toEqual(actionsA);
          expect(b.size).toBe(a.size);
          expect([...b.customerId].sort()).toEqual([...a.keys()].sort());
          b.customerId.forEach((k, i) => {
            expect(lc.stages[b.code[i]]).toBe(a.get(k)!.stage);
            expect(b.state(k)).toEqual(a.get(k));
          });
          const counts = Object.fromEntries(lc.stages.map((s) => [s, 0]));
          for (const s of a.values()) counts[s.stage]++;
          expect(b.counts).toEqual(counts);
          // Without a sink (no history, no actions) the fast path gives the same stages.
          const c = lc.replayColumns(columns(events, cuts, dense), { history: false });
          expect([...c.code]).toEqual([...lc.replayColumns(columns(events, cuts, dense), { history: false }).code]);
          expect(c.states()).toEqual(new Map([...a].map(([k, s]) => [k, { ...s, history: [] }])));
        }
      }),
      { seed: 424242, numRuns: 150 },
    );
  });

  it('one chunk or an iterable; integer codes are rows (ascending), unknown ids give undefined', () => {
    const one = {
      customerId: Int32Array.of(5, 2, 5),
      type: Uint8Array.of(0, 0, 1),
      at: Float64Array.of(T0, T0 + DAY, T0 + 40 * DAY),
      amount: Float64Array.of(10, 20, NaN),
    };
    const r = defaults.replayColumns(one);
    expect(r.customerId).toEqual(['2', '5']);
    expect([...r.code].map((s) => defaults.stages[s])).toEqual(['new', 'churned']);
    expect(r.state(5)?.spend).toBe(10);
    expect(r.state('5')?.history.map((h) => h.to)).toEqual(['new', 'churned']);
    expect(r.state(3)).toBeUndefined();
    expect(r.state('05')).toBeUndefined();
    expect(defaults.replayColumns([one]).states()).toEqual(r.states());
    expect(defaults.replayColumns([]).size).toBe(0);
  });

  it('bad columns are InvalidInputErrors naming the column and the row (counted across chunks)', () => {
    const ok = { customerId: ['a'], type: Uint8Array.of(0), at: Float64Array.of(T0) };
    const issue = (events: unknown): { path: string; row?: number; message: string } => {
      try {
        defaults.replayColumns(events as LifecycleEventColumns);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInputError);
        return (err as InvalidInputError).issues[0];
      }
      throw new Error('expected an InvalidInputError');
    };
    expect(issue([ok, { ...ok, type: Uint8Array.of(9) }])).toMatchObject({ path: 'events.type', row: 1 });
    expect(issue([ok, { ...ok, at: Float64Array.of(NaN) }])).toMatchObject({ path: 'events.at', row: 1 });
    expect(issue([ok, { ...ok, at: Float64Array.of(T0 - 1) }])).toMatchObject({ path: 'event.at', row: 1 });
    expect(issue([{ ...ok, customerId: Int32Array.of(3) }, { ...ok, customerId: Int32Array.of(3), at: Float64Array.of(T0 - 5) }]).message).toContain('customer "3"');
    expect(issue([{ ...ok, customerId: Int32Array.of(-1) }])).toMatchObject({ path: 'events.customerId', row: 0 });
    expect(issue([{ ...ok, customerId: [''] }])).toMatchObject({ path: 'events.customerId', row: 0 });
    expect(issue([ok, { ...ok, customerId: Int32Array.of(1) }])).toMatchObject({ path: 'events.customerId', row: 1 });
    expect(issue([{ ...ok, type: Uint8Array.of(2) }])).toMatchObject({ path: 'events.pAlive', message: 'a score event needs pAlive or churnProbability' });
    expect(issue([{ ...ok, type: Uint8Array.of(2), pAlive: Float64Array.of(2) }])).toMatchObject({ path: 'events.pAlive' });
    expect(issue([{ ...ok, amount: Float64Array.of(Infinity) }])).toMatchObject({ path: 'events.amount' });
    expect(issue([{ ...ok, at: [T0] }])).toMatchObject({ path: 'events.at' });
    expect(issue([{ ...ok, type: Uint8Array.of(0, 0) }])).toMatchObject({ path: 'events.type', message: 'expected 1 values (as events.at), got 2' });
    expect(issue(42)).toMatchObject({ path: 'events' });
    expect(issue([42])).toMatchObject({ path: 'events', row: 0 });
    expect(() => defaults.replayColumns([ok], { histories: true } as never)).toThrow(InvalidInputError);
  });
});
