import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanTransactions } from '../../src/data/clean.js';
import { sampleTransactions } from '../../src/data/sample.js';
import { summarize } from '../../src/data/summarize.js';
import type { TransactionRecord } from '../../src/data/types.js';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import { resolveConfig, type CustomerFacts, type LifecycleEvent } from '../../src/lifecycle/config.js';
import { createLifecycle, type Lifecycle, type LifecycleState } from '../../src/lifecycle/lifecycle.js';
import { periodEnds, stageHistoryOf, stageHistoryOfChunks } from '../../src/lifecycle/population.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const day = (d: number): number => T0 + d * DAY;
const iso = (d: number): string => new Date(day(d)).toISOString();

/** A small hand-made log (window 30 days), classified at day 100. */
const LOG: TransactionRecord[] = [
  { customerId: 'new', timestamp: iso(90), amount: 10 }, // bought once 10 days ago → new
  { customerId: 'gone', timestamp: iso(60), amount: 10 }, // 40 days since the last purchase → churned
  { customerId: 'back', timestamp: iso(10), amount: 10 },
  { customerId: 'back', timestamp: iso(95), amount: 10 }, // lapsed 85 days, came back 5 days ago → reactivated
  { customerId: 'loyal', timestamp: iso(20), amount: 100 },
  { customerId: 'loyal', timestamp: iso(50), amount: 100 },
  { customerId: 'loyal', timestamp: iso(75), amount: 100 },
  { customerId: 'loyal', timestamp: iso(98), amount: 100 }, // 4 occasions, spend 400 → loyal
  { customerId: 'low', timestamp: iso(40), amount: 5 },
  { customerId: 'low', timestamp: iso(65), amount: 5 }, // last purchase 35 days ago → churned
  { customerId: 'mid', timestamp: iso(55), amount: 5 },
  { customerId: 'mid', timestamp: iso(80), amount: 300 }, // 2 occasions (< 3), spend 305 (≥ 100) → active
  { customerId: 'risk', timestamp: iso(50), amount: 5 },
  { customerId: 'risk', timestamp: iso(79), amount: 5 }, // 2 occasions, spend 10 → atRisk
  { customerId: 'later', timestamp: iso(120), amount: 5 }, // after asOf: not a customer yet
];

const fixed = createLifecycle({ reference: { frequency: 3, spend: 100 } });

describe('lifecycle.classify', () => {
  it('reproduces the hand-worked stages from transactions', () => {
    const c = fixed.classify(LOG, { asOf: day(100), customers: ['lead'] });
    const byId = Object.fromEntries(c.customerId.map((id, i) => [id, c.stage[i]]));
    expect(byId).toEqual({ back: 'reactivated', gone: 'churned', lead: 'prospect', low: 'churned', loyal: 'loyal', mid: 'active', new: 'new', risk: 'atRisk' });
    expect(c.counts).toEqual({ prospect: 1, new: 1, active: 1, loyal: 1, atRisk: 1, churned: 2, reactivated: 1 });
    expect(c.customerId).toEqual([...c.customerId].sort());
    expect(Array.from(c.code).map((k) => c.stages[k])).toEqual(c.stage);
    expect(c.asOf.getTime()).toBe(day(100));
  });

  it('from a summary: the same stages, except that nobody is reactivated (a summary keeps no gaps)', () => {
    const s = summarize(LOG.filter((t) => t.customerId !== 'later'), { observationEnd: new Date(day(100)) });
    const c = fixed.classify(s);
    const byId = Object.fromEntries(c.customerId.map((id, i) => [id, c.stage[i]]));
    // 'back' (2 occasions, spend 20, first purchase 90 days ago) looks established and below the reference on both.
    expect(byId).toEqual({ back: 'atRisk', gone: 'churned', low: 'churned', loyal: 'loyal', mid: 'active', new: 'new', risk: 'atRisk' });
  });

  it('uses the population mean (default) or median as the reference', () => {
    const buyers = LOG.filter((t) => Date.parse(t.timestamp as string) <= day(100));
    const mean = createLifecycle().classify(buyers, { asOf: day(100) });
    // Occasions 1,1,2,4,2,2,2 → mean 14/7 = 2; spend 10,10,20,400,10,305,10 → mean 765/7.
    expect(mean.reference.frequency).toBe(2);
    expect(mean.reference.spend).toBeCloseTo(765 / 7, 12);
    const median = createLifecycle({ reference: { frequency: 'median', spend: 'median' } }).classify(buyers, { asOf: day(100) });
    expect(median.reference).toEqual({ frequency: 2, spend: 10 });
    // calibrate fixes the same numbers for per-customer transitions.
    expect(createLifecycle().calibrate(buyers, { asOf: day(100) }).reference).toEqual(mean.reference);
  });

  it('takes P(alive) from scores by id, an aligned array, or any object with probabilityAlive(summary)', () => {
    const s = summarize(LOG.filter((t) => t.customerId !== 'later'), { observationEnd: new Date(day(100)) });
    const low = new Map([['loyal', 0.1]]);
    expect(fixed.classify(LOG, { asOf: day(100), pAlive: low }).stage[fixed.classify(LOG, { asOf: day(100) }).customerId.indexOf('loyal')]).toBe('atRisk');
    const scorer = { probabilityAlive: (x: typeof s) => Float64Array.from(x.customerId, (id) => (id === 'mid' ? 0.2 : 0.9)) };
    const c = fixed.classify(s, { model: scorer });
    expect(c.stage[c.customerId.indexOf('mid')]).toBe('atRisk');
    expect(c.stage[c.customerId.indexOf('loyal')]).toBe('loyal');
    const aligned = fixed.classify(s, { pAlive: Array.from(s.customerId, (id) => (id === 'loyal' ? 0.3 : 1)) });
    expect(aligned.stage[aligned.customerId.indexOf('loyal')]).toBe('atRisk');
  });

  it('sorts each customer’s rows by time whatever the input order (short and long histories)', () => {
    for (const n of [5, 40]) {
      const rows: TransactionRecord[] = Array.from({ length: n }, (_, i) => ({ customerId: 'x', timestamp: day(3 * i), amount: i }));
      const shuffled = [...rows].reverse();
      shuffled.push({ customerId: 'y', timestamp: day(1), amount: 1 });
      const lc = createLifecycle().calibrate(rows, { asOf: day(3 * n) });
      const a = lc.stageCounts(shuffled, { every: 'week', from: day(0), to: day(3 * n + 40) });
      const b = lc.stageCounts([...rows, { customerId: 'y', timestamp: day(1), amount: 1 }], { every: 'week', from: day(0), to: day(3 * n + 40) });
      expect(a).toEqual(b);
      const c = createLifecycle().classify(shuffled, { asOf: day(3 * n) });
      expect(c.stage).toEqual(createLifecycle().classify([...rows, shuffled[n]], { asOf: day(3 * n) }).stage);
    }
  });

  it('rejects bad input with typed errors', () => {
    const s = summarize(LOG, { observationEnd: new Date(day(200)) });
    expect(() => fixed.classify(s, { asOf: day(100) })).toThrow(InvalidInputError);
    expect(() => fixed.classify(s, { pAlive: [0.5] })).toThrow(/expected 8 scores/);
    expect(() => fixed.classify(s, { model: { probabilityAlive: () => new Float64Array(8).fill(2) } })).toThrow(InvalidInputError);
    expect(() => fixed.classify(LOG, { model: { probabilityAlive: () => [] } })).toThrow(/CustomerSummary/);
    expect(() => fixed.classify(LOG, { pAlive: [0.5] })).toThrow(/Map/);
    expect(() => fixed.classify([{ customerId: 'a', timestamp: 'nope' }])).toThrow(InvalidInputError);
    expect(() => fixed.classify(LOG, { asOf: 'soon' })).toThrow(InvalidInputError);
    expect(() => fixed.classify(LOG, { every: 'month' } as never)).toThrow(/unknown option 'every'/);
    expect(() => createLifecycle().calibrate(LOG, { asOf: day(-10) })).toThrow(NotEnoughDataError);
  });
});

describe('lifecycle.stageCounts and transitionMatrix', () => {
  it('periods end on the last millisecond of each calendar month / ISO week / day within [from, to]', () => {
    expect(periodEnds('month', Date.UTC(2024, 0, 15), Date.UTC(2024, 3, 30)).map((t) => new Date(t).toISOString())).toEqual([
      '2024-01-31T23:59:59.999Z',
      '2024-02-29T23:59:59.999Z',
      '2024-03-31T23:59:59.999Z',
    ]);
    // 2024-01-07 is a Sunday: the ISO week Mon 1 – Sun 7 ends then.
    expect(periodEnds('week', Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 15)).map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2024-01-07', '2024-01-14']);
    expect(periodEnds('day', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 3))).toHaveLength(2);
  });

  it('stage counts at each snapshot equal classify at that instant, and sum to the population', () => {
    const counts = fixed.stageCounts(LOG, { every: 'month', from: iso(0), to: iso(130), customers: ['lead'] });
    expect(counts.at).toHaveLength(4);
    counts.at.forEach((at, k) => {
      const c = fixed.classify(LOG, { asOf: at, customers: ['lead'] });
      const byStage: Readonly<Record<string, number>> = c.counts;
      expect(counts.counts[k]).toEqual(c.stages.map((s) => byStage[s]));
      expect(counts.counts[k].reduce((a, b) => a + b, 0)).toBe(counts.population[k]);
      expect(counts.population[k]).toBe(c.customerId.length);
    });
  });

  it('the transition matrix counts pairs of consecutive classifications; rows sum to 1', () => {
    const m = fixed.transitionMatrix(LOG, { every: 'month', from: iso(0), to: iso(130) });
    const K = m.stages.length;
    const expected = Array.from({ length: K }, () => new Array<number>(K).fill(0));
    const entrants = new Array<number>(K).fill(0);
    for (let k = 1; k < m.at.length; k++) {
      const a = fixed.classify(LOG, { asOf: m.at[k - 1] });
      const b = fixed.classify(LOG, { asOf: m.at[k] });
      b.customerId.forEach((id, j) => {
        const i = a.customerId.indexOf(id);
        if (i >= 0) expected[a.code[i]][b.code[j]]++;
        else entrants[b.code[j]]++;
      });
    }
    expect(m.counts).toEqual(expected);
    expect(m.entrants).toEqual(entrants);
    expect(m.periods).toBe(m.at.length - 1);
    m.probabilities.forEach((row, i) => {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      if (!m.observed[i]) expect(row[i]).toBe(1);
    });
  });

  it('needs two snapshots for a matrix and transactions for default bounds', () => {
    expect(() => fixed.transitionMatrix(LOG, { every: 'month', from: iso(0), to: iso(20) })).toThrow(NotEnoughDataError);
    expect(() => fixed.stageCounts([], {})).toThrow(NotEnoughDataError);
    expect(() => fixed.stageCounts(LOG, { every: 'year' as 'month' })).toThrow(InvalidInputError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random logs

const logArb = fc
  .array(
    fc.record({
      c: fc.integer({ min: 0, max: 7 }),
      d: fc.integer({ min: 0, max: 150 * DAY }),
      amount: fc.integer({ min: 0, max: 300 }), // whole units: sums are exact in any order
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((rows) => rows.map((r): TransactionRecord => ({ customerId: `c${r.c}`, timestamp: T0 + r.d, amount: r.amount })));

function foldEvents<S extends string>(lc: Lifecycle<S>, id: string, events: readonly LifecycleEvent[]): LifecycleState<S> {
  let s = lc.initial(id);
  for (const e of events) s = lc.transition(s, e);
  return s;
}

const guarded = createLifecycle({
  stages: {
    none: { when: (f: CustomerFacts) => f.purchases === 0 },
    buyer: { when: (f: CustomerFacts) => f.purchases > 0 && f.daysSinceLastPurchase < f.window },
    lapsed: { when: (f: CustomerFacts) => f.purchases > 0 && !(f.daysSinceLastPurchase < f.window) },
  },
  guards: { slow: ({ since, at }) => since === null || at - since >= 20 * DAY },
  transitions: [{ from: 'none', to: 'buyer' }, { from: 'buyer', to: 'lapsed', guard: 'slow' }, { from: 'lapsed', to: 'buyer' }],
});

describe('population properties (fast-check)', () => {
  it('classify(transactions) equals folding each customer’s events one by one (default rules and a guarded machine)', () => {
    fc.assert(
      fc.property(logArb, fc.integer({ min: 0, max: 160 }), (log, asOfDay) => {
        const asOf = day(asOfDay);
        for (const base of [createLifecycle() as Lifecycle<string>, guarded as Lifecycle<string>]) {
          let c;
          try {
            c = base.classify(log, { asOf });
          } catch (err) {
            if (err instanceof NotEnoughDataError) return; // no transactions at all
            throw err;
          }
          if (c.customerId.length === 0) return; // nobody had bought by asOf
          const lc = base === guarded ? base : base.calibrate(log, { asOf });
          const byId = new Map<string, TransactionRecord[]>();
          for (const t of log) if ((t.timestamp as number) <= asOf) byId.set(String(t.customerId), [...(byId.get(String(t.customerId)) ?? []), t]);
          expect([...byId.keys()].sort()).toEqual(c.customerId);
          c.customerId.forEach((id, i) => {
            const rows = [...byId.get(id)!].sort((a, b) => (a.timestamp as number) - (b.timestamp as number));
            const events: LifecycleEvent[] = rows.map((r) => ({ type: 'purchase', at: r.timestamp as number, amount: r.amount }));
            events.push({ type: 'tick', at: asOf });
            expect(foldEvents(lc, id, events).stage).toBe(c.stage[i]);
          });
        }
      }),
      { seed: 5, numRuns: 120 },
    );
  });

  it('classify(summary) equals classify(transactions) for everyone not reactivated; stage counts sum to the population', () => {
    fc.assert(
      fc.property(logArb, (log) => {
        const lc = createLifecycle();
        const fromTx = lc.classify(log);
        const fromSummary = lc.classify(summarize(log, { observationEnd: fromTx.asOf }));
        expect(fromSummary.customerId).toEqual(fromTx.customerId);
        expect(fromSummary.reference).toEqual(fromTx.reference);
        fromTx.stage.forEach((s, i) => {
          if (s !== 'reactivated') expect(fromSummary.stage[i]).toBe(s);
        });
        const counts = lc.stageCounts(log, { every: 'week', from: T0, to: day(160) });
        counts.counts.forEach((row, k) => { expect(row.reduce((a, b) => a + b, 0)).toBe(counts.population[k]); });
        // The population never shrinks: customers stay known once they bought.
        for (let k = 1; k < counts.population.length; k++) expect(counts.population[k]).toBeGreaterThanOrEqual(counts.population[k - 1]);
        const m = lc.transitionMatrix(log, { every: 'week', from: T0, to: day(160) });
        for (const row of m.probabilities) expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      }),
      { seed: 8, numRuns: 100 },
    );
  });
});

describe('stageHistoryOf (one grouping for clmkit analyze)', () => {
  // The reference is lifecycle.stageCounts and lifecycle.transitionMatrix themselves: the
  // combined walk must give the same numbers, exactly.
  const configs = [{}, { reference: { frequency: 3, spend: 100 } }, { window: 14, reference: { frequency: 'median' as const, spend: 'median' as const } }];

  it('equals stageCounts and transitionMatrix on the bundled sample', () => {
    const log = cleanTransactions(sampleTransactions()).transactions;
    for (const config of configs) {
      const lc = createLifecycle(config);
      for (const every of ['week', 'month'] as const) {
        const both = stageHistoryOf(resolveConfig(config), log, { every });
        expect(both.counts).toEqual(lc.stageCounts(log, { every }));
        expect(both.transitions).not.toBeNull();
        expect(both.transitions).toEqual(lc.transitionMatrix(log, { every }));
      }
    }
  });

  it('equals stageCounts and transitionMatrix on random logs; no transitions with one snapshot', () => {
    fc.assert(
      fc.property(logArb, fc.integer({ min: 0, max: 2 }), fc.constantFrom('day' as const, 'week' as const, 'month' as const), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 160 }), (log, ci, every, fromDay, span) => {
        const config = configs[ci];
        const lc = createLifecycle(config);
        const options = { every, from: day(fromDay), to: day(fromDay + span), customers: ['c0', 'lead'] };
        let expected: ReturnType<typeof lc.stageCounts>;
        try {
          expected = lc.stageCounts(log, options);
        } catch (e) {
          expect(() => stageHistoryOf(resolveConfig(config), log, options)).toThrow((e as Error).constructor);
          return;
        }
        const both = stageHistoryOf(resolveConfig(config), log, options);
        expect(both.counts).toEqual(expected);
        if (expected.at.length >= 2) expect(both.transitions).toEqual(lc.transitionMatrix(log, options));
        else expect(both.transitions).toBeNull();
      }),
      { seed: 11, numRuns: 150 },
    );
  });
});

describe('stageHistoryOfChunks (customer-disjoint chunks, for clmkit analyze on large logs)', () => {
  // The reference is stageHistoryOf on the whole log: chunks in the library's customer order
  // must give the same counts and transitions, exactly, with a population reference (mean,
  // median) taken over the whole log, not per chunk.
  const configs = [{}, { reference: { frequency: 3, spend: 100 } }, { window: 14, reference: { frequency: 'median' as const, spend: 'median' as const } }];

  /** The log split into `pieces` chunks of consecutive customers in sorted id order (UTF-16, as the library sorts string ids). */
  function chunked(log: readonly TransactionRecord[], cuts: readonly number[]): TransactionRecord[][] {
    const ids = [...new Set(log.map((r) => String(r.customerId)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const chunkOf = new Map<string, number>();
    let p = 0;
    ids.forEach((id, j) => {
      while (p < cuts.length && j >= cuts[p]) p++;
      chunkOf.set(id, p);
    });
    const out: TransactionRecord[][] = Array.from({ length: cuts.length + 1 }, () => []);
    for (const r of log) out[chunkOf.get(String(r.customerId))!].push(r);
    return out.filter((c) => c.length > 0);
  }

  it('equals stageHistoryOf on the whole log (random logs and cuts, every reference kind)', () => {
    fc.assert(
      fc.property(
        logArb.filter((log) => log.length > 0),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom('week' as const, 'month' as const),
        fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 5 }),
        (log, ci, every, rawCuts) => {
          const cfg = resolveConfig(configs[ci]);
          const options = { every, from: day(0), to: day(150) };
          const whole = stageHistoryOf(cfg, log, options);
          const parts = chunked(log, [...rawCuts].sort((a, b) => a - b));
          const byChunks = stageHistoryOfChunks(cfg, () => parts, options);
          expect(byChunks).toEqual(whole);
        },
      ),
      { seed: 12, numRuns: 150 },
    );
  });

  it('needs the same snapshots in every chunk, and no prospects list', () => {
    const cfg = resolveConfig({});
    const parts = [
      [{ customerId: 'a', timestamp: iso(5), amount: 1 }, { customerId: 'a', timestamp: iso(70), amount: 1 }],
      [{ customerId: 'b', timestamp: iso(5), amount: 1 }, { customerId: 'b', timestamp: iso(120), amount: 1 }],
    ];
    expect(() => stageHistoryOfChunks(cfg, () => parts, { every: 'month' })).toThrow(/different snapshot times/);
    expect(() => stageHistoryOfChunks(cfg, () => parts, { every: 'month', from: day(0), to: day(90), customers: ['x'] } as never)).toThrow(/customers/);
  });
});
