/**
 * Benchmarks of `clmkit/sql` and `clmkit/duckdb`: the DuckDB summary of the 10,000,000-row log
 * (the streaming bench's CSV, copied to Parquet by DuckDB) beside `summarizeStream` in Node on the
 * same rows, with an equality check; and 100,000,000 simulated customers' (frequency, recency, T)
 * compressed chunk by chunk to unique triples, then BG/NBD fitted on them.
 *
 * @module
 */
import { createReadStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { readCsvRecords, summarizeStream } from '../src/data/index.js';
import type { CustomerSummary } from '../src/data/types.js';
import { summarizeWithDuckDB } from '../src/duckdb/index.js';
import { fitBetaGeo, simulateBetaGeo } from '../src/models/index.js';
import { compressSummary } from '../src/sql/index.js';
import { createRandom } from '../src/math/random.js';
import { CACHE_DIR, ensureStreamCsv, OBSERVATION_END, REPO_ROOT } from './data.js';
import { formatInt, formatMs, formatRate, stats } from './harness.js';
import type { BenchTask, TaskResult } from './tasks.js';

/** Targets from issue 11. */
export const SQL_TARGETS = { duckdbSummaryMs: 5000, fitCompressedMs: 5000 } as const;

/** The stream CSV as Parquet, written once by DuckDB's COPY beside it in the cache. */
async function ensureParquet(csv: string, say: (m: string) => void): Promise<string> {
  const file = csv.replace(/\.csv$/, '.parquet');
  if (existsSync(file)) return file;
  say(`writing ${path.relative(REPO_ROOT, file)} with DuckDB's COPY…`);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const tmp = `${file}.tmp`;
  try {
    await con.run(`COPY (SELECT * FROM read_csv('${csv.replaceAll("'", "''")}')) TO '${tmp.replaceAll("'", "''")}' (FORMAT parquet)`);
  } finally {
    con.closeSync();
    db.closeSync();
  }
  renameSync(tmp, file);
  return file;
}

/** First differing column between two summaries (frequency/recency/T exact, spend to 1e-9), or null. */
function difference(a: CustomerSummary, b: CustomerSummary): string | null {
  if (a.size !== b.size) return `size ${a.size} ≠ ${b.size}`;
  for (let i = 0; i < a.size; i++) {
    if (a.customerId[i] !== b.customerId[i]) return `customer ${i}: ${a.customerId[i]} ≠ ${b.customerId[i]}`;
    for (const c of ['frequency', 'recency', 'T', 'transactions', 'firstPurchase', 'lastPurchase'] as const) {
      if (a[c][i] !== b[c][i]) return `${c} of ${a.customerId[i]}: ${a[c][i]} ≠ ${b[c][i]}`;
    }
    for (const c of ['monetaryValue', 'totalSpend'] as const) {
      if (Math.abs(a[c][i] - b[c][i]) > 1e-9 * Math.max(1, Math.abs(b[c][i]))) return `${c} of ${a.customerId[i]}: ${a[c][i]} vs ${b[c][i]}`;
    }
  }
  return a.excludedAfterEnd === b.excludedAfterEnd ? null : `excludedAfterEnd ${a.excludedAfterEnd} ≠ ${b.excludedAfterEnd}`;
}

const duckdbTask: BenchTask = {
  name: 'sql-duckdb-summary-10m',
  description: 'summarizeWithDuckDB(10,000,000-row Parquet, { unit: week }) — beside summarizeStream in Node on the same rows (CSV), equal results',
  defaultRuns: 3,
  async run(ctx): Promise<TaskResult> {
    const spec = ctx.data.sizes.stream;
    const csv = await ensureStreamCsv(spec, ctx.say);
    mkdirSync(CACHE_DIR, { recursive: true });
    const parquet = await ensureParquet(csv.path, ctx.say);
    const options = { amount: 'amount', unit: 'week', observationEnd: OBSERVATION_END } as const;
    const samples: number[] = [];
    const cpu: number[] = [];
    let duck: CustomerSummary | undefined;
    for (let r = 0; r < ctx.warmup + ctx.runs; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      duck = await summarizeWithDuckDB(parquet, options);
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      // CPU time of the process: DuckDB's worker threads and Node's conversion of the result.
      const cpuMs = (c.user + c.system) / 1000;
      ctx.say(`sql-duckdb-summary-10m: run ${r + 1}: ${formatMs(ms)} (CPU ${formatMs(cpuMs)})`);
      if (r >= ctx.warmup) {
        samples.push(ms);
        cpu.push(cpuMs);
      }
    }
    const st = stats(samples);
    const cpuMedian = stats(cpu).median;
    ctx.say('summarizeStream over the same rows (CSV) in Node…');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const node = await summarizeStream(readCsvRecords(createReadStream(csv.path), { numbers: ['amount'] }), { unit: 'week', observationEnd: OBSERVATION_END });
    const nodeMs = performance.now() - t0;
    const nc = process.cpuUsage(c0);
    const nodeCpuMs = (nc.user + nc.system) / 1000;
    const diff = difference(duck!, node);
    const notes = [
      `DuckDB ${formatRate(spec.rows, st.median)} (Parquet → CustomerSummary, ${formatInt(duck!.size)} customers)`,
      `< 5 s ${st.median < SQL_TARGETS.duckdbSummaryMs ? '✓' : '✗'} (wall time on a shared machine); CPU time ${formatMs(cpuMedian)} (DuckDB's 2 threads + Node)`,
      `summarizeStream in Node on the CSV: ${formatMs(nodeMs)} (${formatRate(spec.rows, nodeMs)}; CPU ${formatMs(nodeCpuMs)}), DuckDB ${(nodeMs / st.median).toFixed(1)}× faster (wall)`,
      diff === null ? 'results equal (frequency/recency/T/counts/times exact, spend ≤ 1e-9)' : `results DIFFER: ${diff}`,
    ];
    return {
      task: 'sql-duckdb-summary-10m',
      rows: spec.rows,
      samplesMs: samples,
      stats: st,
      notes,
      details: { customers: duck!.size, nodeMs, cpuMs: cpuMedian, nodeCpuMs, equal: diff === null },
    };
  },
};

interface Triples {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  weights: Float64Array;
}

/** Merges chunks' compressed triples (times in whole `1 / scale` weeks) into one weighted set. */
class TripleSet {
  private readonly slot = new Map<number, number>();
  private fx: number[] = [];
  private fr: number[] = [];
  private fT: number[] = [];
  private fw: number[] = [];
  constructor(private readonly scale: number) {}
  get size(): number {
    return this.fx.length;
  }
  add(z: Triples): void {
    for (let j = 0; j < z.frequency.length; j++) {
      const key = (z.frequency[j] * 1024 + Math.round(z.recency[j] * this.scale)) * 1024 + Math.round(z.T[j] * this.scale);
      const at = this.slot.get(key);
      if (at === undefined) {
        this.slot.set(key, this.fx.length);
        this.fx.push(z.frequency[j]);
        this.fr.push(z.recency[j]);
        this.fT.push(z.T[j]);
        this.fw.push(z.weights[j]);
      } else this.fw[at] += z.weights[j];
    }
  }
  columns(): Triples {
    return { frequency: Float64Array.from(this.fx), recency: Float64Array.from(this.fr), T: Float64Array.from(this.fT), weights: Float64Array.from(this.fw) };
  }
}

/**
 * Unique (x, t_x, T) triples of `customers` simulated BG/NBD customers, in chunks of 1,000,000
 * (only the triples and their weights are kept): acquisition uniform over the first 365 of 730
 * days; times rounded down to whole days (a summary with daily occasions, in weeks) and to whole
 * weeks (weekly occasions).
 */
function compressedPopulation(customers: number, say: (m: string) => void): { daily: Triples; weekly: Triples; ms: number } {
  const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const chunk = 1_000_000;
  const rng = createRandom(91);
  const daily = new TripleSet(7);
  const weekly = new TripleSet(1);
  const Tw = new Float64Array(chunk);
  const t0 = performance.now();
  for (let done = 0, c = 0; done < customers; done += chunk, c++) {
    const n = Math.min(chunk, customers - done);
    const T = n === chunk ? Tw : Tw.subarray(0, n);
    for (let i = 0; i < n; i++) T[i] = (365 + rng.int(366)) / 7; // 365–730 days, in weeks
    const s = simulateBetaGeo({ params, T, seed: 1000 + c });
    const rw = new Float64Array(n);
    const Tk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      rw[i] = Math.floor(s.recency[i]);
      Tk[i] = Math.floor(s.T[i]);
      s.recency[i] = Math.floor(s.recency[i] * 7) / 7;
    }
    daily.add(compressSummary(s));
    weekly.add(compressSummary({ frequency: s.frequency, recency: rw, T: Tk }));
    if ((c + 1) % 10 === 0) say(`  ${formatInt(done + n)} customers simulated; unique triples: ${formatInt(daily.size)} (days), ${formatInt(weekly.size)} (weeks)`);
  }
  return { daily: daily.columns(), weekly: weekly.columns(), ms: performance.now() - t0 };
}

const compressTask: BenchTask = {
  name: 'sql-compressed-fit-100m',
  description: 'fitBetaGeo on 100,000,000 simulated customers compressed to unique (x, t_x, T) triples (weekly occasions; daily beside)',
  defaultRuns: 3,
  run(ctx): Promise<TaskResult> {
    const customers = ctx.data.sizes.stream.rows * 10; // 100M in the full run, 2M with --quick
    ctx.say(`simulating ${formatInt(customers)} BG/NBD customers in chunks of 1,000,000, compressing as we go…`);
    const pop = compressedPopulation(customers, ctx.say);
    const m = pop.weekly.frequency.length;
    const samples: number[] = [];
    let model: ReturnType<typeof fitBetaGeo> | undefined;
    for (let r = 0; r < ctx.warmup + ctx.runs; r++) {
      const t0 = performance.now();
      model = fitBetaGeo(pop.weekly);
      const ms = performance.now() - t0;
      ctx.say(`sql-compressed-fit-100m: run ${r + 1}: ${formatMs(ms)}`);
      if (r >= ctx.warmup) samples.push(ms);
    }
    const st = stats(samples);
    const p = model!.params;
    const md = pop.daily.frequency.length;
    ctx.say('one fit on the daily triples…');
    const t1 = performance.now();
    const daily = fitBetaGeo(pop.daily);
    const dailyMs = performance.now() - t1;
    const q = daily.params;
    const notes = [
      `${formatInt(customers)} customers → ${formatInt(m)} unique triples with weekly occasions (${(m * 32 / 1e6).toFixed(1)} MB as 4 Float64 columns)`,
      `fit < 5 s ${st.median < SQL_TARGETS.fitCompressedMs ? '✓' : '✗'}; params r ${p.r.toFixed(4)}, α ${p.alpha.toFixed(4)}, a ${p.a.toFixed(4)}, b ${p.b.toFixed(4)} (simulated from 0.243, 4.414, 0.793, 2.426; weekly rounding biases them)`,
      `daily occasions: ${formatInt(md)} unique triples (${(md * 32 / 1e6).toFixed(1)} MB), one fit ${formatMs(dailyMs)}: r ${q.r.toFixed(4)}, α ${q.alpha.toFixed(4)}, a ${q.a.toFixed(4)}, b ${q.b.toFixed(4)}`,
      `simulation + compression ${formatMs(pop.ms)}`,
    ];
    return Promise.resolve({
      task: 'sql-compressed-fit-100m',
      rows: customers,
      samplesMs: samples,
      stats: st,
      notes,
      details: { triplesWeekly: m, triplesDaily: md, dailyFitMs: dailyMs, simulateMs: pop.ms, r: p.r, alpha: p.alpha, a: p.a, b: p.b },
    });
  },
};

export const sqlTasks: readonly BenchTask[] = [duckdbTask, compressTask];
