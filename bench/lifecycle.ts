/**
 * Benchmarks of `clmkit/lifecycle`: classify 1,000,000 customers from a `CustomerSummary`,
 * replay 10,000,000 events across 1,000,000 customers (time and memory), and the monthly
 * transition matrix over 12 snapshots of 1,000,000 customers. No Python peer does this; the
 * targets are issue 9's.
 *
 * @module
 */
import { summarize } from '../src/data/summarize.js';
import type { CustomerSummary, TransactionColumns } from '../src/data/types.js';
import { createLifecycle, type LifecycleCustomerEvent, type LifecycleEventColumns } from '../src/lifecycle/index.js';
import { createRandom } from '../src/math/random.js';
import { generateLog, type TxLog } from './data.js';
import { collectGarbage, formatInt, formatMB, formatRate, measure } from './harness.js';
import type { BenchTask, TaskContext, TaskResult } from './tasks.js';

/** Targets from issue 9. */
export const LIFECYCLE_TARGETS = { classifyMs: 500, replayMs: 10_000, matrixMs: 3000 } as const;

const mark = (ok: boolean): string => (ok ? '✓' : '✗');

/**
 * Wraps `fn` to record the process CPU time (user + system) of each call: on the shared 2-core
 * machine wall times are inflated by other sessions' work, CPU time much less (it still includes
 * V8's GC and compiler threads).
 */
function withCpu<T>(fn: () => T): { fn: () => T; cpuMs: number[] } {
  const cpuMs: number[] = [];
  return {
    cpuMs,
    fn: () => {
      const c0 = process.cpuUsage();
      const out = fn();
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
      return out;
    },
  };
}

function medianOf(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 === 1 ? v[h] : (v[h - 1] + v[h]) / 2;
}

const cpuNote = (cpuMs: readonly number[], runs: number): string => `CPU ${medianOf(cpuMs.slice(-runs)).toFixed(0)} ms (median)`;

/** Customers (1M full, 20k quick) and events (10M full, 200k quick): the stream sizes. */
function sizes(ctx: TaskContext): { customers: number; events: number; rows: number } {
  const { customers, rows } = ctx.data.sizes.stream;
  return { customers, events: rows, rows: 3 * customers };
}

let logCache: { log: TxLog; columns: TransactionColumns; summary: CustomerSummary } | undefined;
/** A 2-year log (2024–2025) of 3 transactions per customer on average (every customer ≥ 1), seed 45, and its summary. */
function population(ctx: TaskContext): { log: TxLog; columns: TransactionColumns; summary: CustomerSummary } {
  const { customers, rows } = sizes(ctx);
  if (logCache?.log.spec.customers === customers) return logCache;
  ctx.say(`lifecycle: generating ${formatInt(rows)} transactions of ${formatInt(customers)} customers (seed 45)…`);
  const log = generateLog({ rows, customers, seed: 45 });
  const columns: TransactionColumns = { customerId: log.customerId, timestamp: log.timestamp, amount: log.amount };
  const summary = summarize(columns, { observationEnd: '2025-12-31' });
  logCache = { log, columns, summary };
  return logCache;
}

const classifyTask: BenchTask = {
  name: 'lifecycle-classify-1m',
  description: 'lifecycle.classify(CustomerSummary of 1,000,000 customers) — default stages, population-mean reference',
  defaultRuns: 7,
  run(ctx): Promise<TaskResult> {
    const { summary } = population(ctx);
    const lc = createLifecycle();
    const cpu = withCpu(() => lc.classify(summary));
    const m = measure(cpu.fn, { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'lifecycle-classify-1m', log: ctx.say });
    const median = createLifecycle({ reference: { frequency: 'median', spend: 'median' } });
    const md = measure(() => median.classify(summary), { runs: 3, warmup: 0, gc: ctx.gc, label: 'lifecycle-classify-1m (median)', log: ctx.say });
    const c = m.result.counts;
    const notes = [
      formatRate(summary.size, m.stats.median),
      `< 500 ms ${mark(m.stats.median < LIFECYCLE_TARGETS.classifyMs)}`,
      cpuNote(cpu.cpuMs, ctx.runs),
      `median reference: ${md.stats.median.toFixed(0)} ms`,
      `mix: ${Object.entries(c)
        .map(([s, n]) => `${s} ${formatInt(n)}`)
        .join(', ')}`,
    ];
    return Promise.resolve({ task: 'lifecycle-classify-1m', rows: summary.size, samplesMs: m.samplesMs, stats: m.stats, notes, details: { medianReferenceMs: md.stats.median } });
  },
};

/**
 * `n` events over `customers` customers in time order (one every 3 s from 2024-01-01): 80%
 * purchases, 15% ticks, 5% scores; generated lazily, so the input itself takes no memory.
 */
function* eventStream(n: number, customers: number, seed: number): Generator<LifecycleCustomerEvent> {
  const rng = createRandom(seed);
  const labels = Array.from({ length: customers }, (_, c) => `c${c}`);
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    t += 3000;
    const customerId = labels[rng.int(customers)];
    const u = rng.next();
    if (u < 0.8) yield { customerId, type: 'purchase', at: t, amount: 1 + rng.int(200) };
    else if (u < 0.95) yield { customerId, type: 'tick', at: t };
    else yield { customerId, type: 'score', at: t, pAlive: rng.next() };
  }
}

/** Events per column chunk of {@link eventChunks}. */
const CHUNK = 1 << 20;

/**
 * The same stream as {@link eventStream} (same seed → same events), as column chunks of
 * {@link CHUNK} events: customer codes 0…C−1 in an Int32Array (`dense`) or the `c<k>` strings.
 * The chunk's buffers are reused (replayColumns reads each chunk before asking for the next), so
 * the input takes ~30 MB however long the stream.
 */
function* eventChunks(n: number, customers: number, seed: number, dense: boolean): Generator<LifecycleEventColumns> {
  const rng = createRandom(seed);
  const labels = dense ? null : Array.from({ length: customers }, (_, c) => `c${c}`);
  const codes = new Int32Array(CHUNK);
  const names = new Array<string>(CHUNK);
  const type = new Uint8Array(CHUNK);
  const at = new Float64Array(CHUNK);
  const amount = new Float64Array(CHUNK);
  const pAlive = new Float64Array(CHUNK);
  let t = Date.UTC(2024, 0, 1);
  for (let done = 0; done < n; done += CHUNK) {
    const m = Math.min(CHUNK, n - done);
    for (let i = 0; i < m; i++) {
      t += 3000;
      const c = rng.int(customers);
      if (labels === null) codes[i] = c;
      else names[i] = labels[c];
      at[i] = t;
      const u = rng.next();
      amount[i] = NaN;
      pAlive[i] = NaN;
      if (u < 0.8) {
        type[i] = 0;
        amount[i] = 1 + rng.int(200);
      } else if (u < 0.95) type[i] = 1;
      else {
        type[i] = 2;
        pAlive[i] = rng.next();
      }
    }
    const cut = <T extends { subarray(a: number, b: number): T }>(x: T): T => (m === CHUNK ? x : x.subarray(0, m));
    yield {
      customerId: labels === null ? cut(codes) : m === CHUNK ? names : names.slice(0, m),
      type: cut(type),
      at: cut(at),
      amount: cut(amount),
      pAlive: cut(pAlive),
    };
  }
}

function replayColumnsTask(dense: boolean): BenchTask {
  const name = dense ? 'lifecycle-replay-columns-10m' : 'lifecycle-replay-columns-strings-10m';
  return {
    name,
    description: `lifecycle.replayColumns(10,000,000 events of 1,000,000 customers as 1M-event column chunks, ${dense ? 'Int32Array customer codes' : 'string ids'}, { history: false }) — input generated lazily, inside the timing`,
    defaultRuns: 3,
    run(ctx): Promise<TaskResult> {
      const { customers, events } = sizes(ctx);
      const lc = createLifecycle({ reference: { frequency: 3, spend: 300 } });
      const used = (): number => {
        const u = process.memoryUsage();
        return u.heapUsed + u.arrayBuffers;
      };
      collectGarbage();
      const before = used();
      const cpu = withCpu(() => lc.replayColumns(eventChunks(events, customers, 46, dense), { history: false }));
      const m = measure(cpu.fn, { runs: ctx.runs, warmup: 0, gc: ctx.gc, label: name, log: ctx.say });
      collectGarbage();
      const heap = used() - before;
      // The input alone: generating the chunks without replaying them.
      const gen = withCpu(() => {
        let k = 0;
        for (const chunk of eventChunks(events, customers, 46, dense)) k += chunk.at.length;
        return k;
      });
      const g = measure(gen.fn, { runs: 1, warmup: 0, gc: ctx.gc, label: `${name} (input only)`, log: ctx.say });
      // Same result as the object stream (same events): compare the stage counts on a prefix.
      const prefix = Math.min(events, 200_000);
      const a = lc.replay(eventStream(prefix, customers, 46), { history: false });
      const b = lc.replayColumns(eventChunks(prefix, customers, 46, dense), { history: false });
      const countsA: Record<string, number> = {};
      for (const st of a.values()) countsA[st.stage] = (countsA[st.stage] ?? 0) + 1;
      const same = lc.stages.every((st) => (countsA[st] ?? 0) === b.counts[st]) && a.size === b.size;
      const notes = [
        formatRate(events, m.stats.median).replace('rows', 'events'),
        `< 10 s ${mark(m.stats.median < LIFECYCLE_TARGETS.replayMs)}`,
        cpuNote(cpu.cpuMs, ctx.runs),
        `generating the input alone: ${g.stats.median.toFixed(0)} ms (CPU ${gen.cpuMs[0].toFixed(0)} ms)`,
        `memory holding the result (heap + array buffers): ${formatMB(heap)} for ${formatInt(m.result.size)} customers (${Math.round(heap / m.result.size)} B each)`,
        `same stage counts as replay on the first ${formatInt(prefix)} events: ${same ? 'yes' : 'NO'}`,
      ];
      return Promise.resolve({ task: name, rows: events, samplesMs: m.samplesMs, stats: m.stats, notes, details: { heapBytes: heap, inputOnlyMs: g.stats.median, customers: m.result.size } });
    },
  };
}

const replayTask: BenchTask = {
  name: 'lifecycle-replay-10m',
  description: 'lifecycle.replay(10,000,000 events of 1,000,000 customers, { history: false }) — time and heap after',
  defaultRuns: 3,
  run(ctx): Promise<TaskResult> {
    const { customers, events } = sizes(ctx);
    const lc = createLifecycle({ reference: { frequency: 3, spend: 300 } });
    // Heap plus ArrayBuffer backing stores (replay keeps per-customer state in a Float64Array).
    const used = (): number => {
      const u = process.memoryUsage();
      return u.heapUsed + u.arrayBuffers;
    };
    collectGarbage();
    const before = used();
    const cpu = withCpu(() => lc.replay(eventStream(events, customers, 46), { history: false }));
    const m = measure(cpu.fn, {
      runs: ctx.runs,
      warmup: 0,
      gc: ctx.gc,
      label: 'lifecycle-replay-10m',
      log: ctx.say,
    });
    collectGarbage();
    const heapFull = used() - before;
    // The same customers with a fifth of the events: memory should not change (∝ customers).
    const fifth = lc.replay(eventStream(Math.round(events / 5), customers, 47), { history: false });
    collectGarbage();
    const heapFifth = used() - before - heapFull;
    const withHistory = measure(() => lc.replay(eventStream(Math.round(events / 5), customers, 48)).size, { runs: 1, warmup: 0, gc: ctx.gc, label: 'lifecycle-replay (history, 1/5 events)', log: ctx.say });
    const notes = [
      formatRate(events, m.stats.median).replace('rows', 'events'),
      `< 10 s ${mark(m.stats.median < LIFECYCLE_TARGETS.replayMs)}`,
      cpuNote(cpu.cpuMs, ctx.runs),
      `memory holding the result (heap + array buffers): ${formatMB(heapFull)} for ${formatInt(m.result.size)} customers (${Math.round(heapFull / m.result.size)} B each); with 1/5 of the events ${formatMB(heapFifth)} for ${formatInt(fifth.size)}`,
      `with history, 1/5 of the events: ${withHistory.stats.median.toFixed(0)} ms`,
    ];
    return Promise.resolve({
      task: 'lifecycle-replay-10m',
      rows: events,
      samplesMs: m.samplesMs,
      stats: m.stats,
      notes,
      details: { heapBytes: heapFull, heapBytesFifth: heapFifth, customers: m.result.size },
    });
  },
};

const matrixTask: BenchTask = {
  name: 'lifecycle-matrix-1m',
  description: 'lifecycle.transitionMatrix(3,000,000 transactions of 1,000,000 customers, { every: month }) — 12 month-end snapshots of 2025',
  defaultRuns: 5,
  run(ctx): Promise<TaskResult> {
    const { columns, log } = population(ctx);
    const lc = createLifecycle();
    const opts = { every: 'month', from: '2025-01-01', to: '2025-12-31' } as const;
    const cpu = withCpu(() => lc.transitionMatrix(columns, opts));
    const m = measure(cpu.fn, { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'lifecycle-matrix-1m', log: ctx.say });
    const notes = [
      `${m.result.at.length} snapshots, ${formatInt(log.spec.customers)} customers, ${formatInt(log.spec.rows)} transactions`,
      `< 3 s ${mark(m.stats.median < LIFECYCLE_TARGETS.matrixMs)}`,
      cpuNote(cpu.cpuMs, ctx.runs),
      `P(churned → churned) = ${m.result.probabilities[5][5].toFixed(3)}`,
    ];
    return Promise.resolve({ task: 'lifecycle-matrix-1m', rows: log.spec.rows, samplesMs: m.samplesMs, stats: m.stats, notes, details: { snapshots: m.result.at.length } });
  },
};

export const lifecycleTasks: readonly BenchTask[] = [classifyTask, replayTask, replayColumnsTask(true), replayColumnsTask(false), matrixTask];
