/**
 * Benchmarks of `clmkit/recommend`:
 *
 * - `recommend-itemknn-ml100k`: item-kNN (cosine, k = 50) fit + top-10 for every user on the
 *   MovieLens 100K training split, beside the numpy/scipy peer of ../shared/peers/sklearn_peer.py
 *   timed on the **same** split (written to CSV, read by test/fixtures/make_recommend_fixtures.py);
 * - `recommend-als-ml100k`: implicit ALS, 64 factors, 15 iterations on the same split;
 * - `recommend-als-1m`: ALS on a simulated 1,000,000-interaction / 100,000-user / 20,000-item log;
 * - `recommend-itemknn-1m`: item-kNN fit on that log, in a child process, with its peak RSS.
 *
 * Run directly, this file is also a command line (used by the fixture script and by the child):
 *
 *     node --import tsx bench/recommend.ts --write-split DIR     # the MovieLens split as CSV
 *     node --import tsx bench/recommend.ts --child-itemknn ROWS USERS ITEMS SEED
 *
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRandom } from '../src/math/random.js';
import { fitAls } from '../src/recommend/als.js';
import { evaluateRanking, splitByUser, type SplitByUserOptions, type UserSplit } from '../src/recommend/evaluate.js';
import { fitItemKnn } from '../src/recommend/knn.js';
import type { Interaction, InteractionInput } from '../src/recommend/types.js';
import { CACHE_DIR, REPO_ROOT } from './data.js';
import { formatInt, formatMB, formatMs, measure, stats } from './harness.js';
import { PEER_PYTHON } from './peer.js';
import type { BenchTask, TaskContext, TaskResult } from './tasks.js';

const execFileAsync = promisify(execFile);

/** Targets from issue 8. */
export const RECOMMEND_TARGETS = { itemKnnMs: 1000, alsMl100kMs: 3000, als1mMs: 60_000 } as const;

/** MovieLens 100K ratings, beside the repository (or under $CLMKIT_DATASETS). */
export const ML100K_PATH = path.join(process.env['CLMKIT_DATASETS'] ?? path.resolve(REPO_ROOT, '../shared/datasets'), 'movielens-100k', 'u.data');

/**
 * The documented MovieLens holdout: u.data in file order, each user with ≥ 5 ratings loses
 * floor(0.2 · n) (at least 1) random ratings, seed 42 (see `splitByUser`).
 */
export const ML_SPLIT: SplitByUserOptions = { testFraction: 0.2, minInteractions: 5, seed: 42, rounding: 'floor' };

/** The ALS settings of the MovieLens comparison (α and λ chosen on the seed-7 split, not the evaluated one). */
export const ML_ALS = { factors: 64, iterations: 15, alpha: 1, regularization: 50, seed: 0 } as const;

const FIXTURE_SCRIPT = path.join(REPO_ROOT, 'test', 'fixtures', 'make_recommend_fixtures.py');

/** u.data (`user TAB item TAB rating TAB unix seconds`) as interactions with numeric ids. */
export function readMovielens(file: string): Interaction[] {
  const out: Interaction[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f.length < 4) continue;
    out.push({ userId: Number(f[0]), itemId: Number(f[1]), value: Number(f[2]), timestamp: Number(f[3]) * 1000 });
  }
  return out;
}

/** `user,item,rating` CSV (header line, `\n` endings) of interactions, as the peer reads them. */
export function splitCsv(rows: readonly Interaction[]): string {
  return `user,item,rating\n${rows.map((r) => `${r.userId},${r.itemId},${r.value ?? 1}\n`).join('')}`;
}

/** sha256 (hex) of the test part's CSV: identifies the split in the committed fixture. */
export function splitDigest(split: UserSplit): string {
  return createHash('sha256').update(splitCsv(split.test)).digest('hex');
}

let mlCache: UserSplit | undefined;
function mlSplit(): UserSplit | undefined {
  if (mlCache !== undefined) return mlCache;
  if (!existsSync(ML100K_PATH)) return undefined;
  mlCache = splitByUser(readMovielens(ML100K_PATH), ML_SPLIT);
  return mlCache;
}

function writeSplit(split: UserSplit, dir: string): { train: string; test: string } {
  mkdirSync(dir, { recursive: true });
  const train = path.join(dir, 'ml100k-train.csv');
  const test = path.join(dir, 'ml100k-test.csv');
  writeFileSync(train, splitCsv(split.train));
  writeFileSync(test, splitCsv(split.test));
  return { train, test };
}

// ------------------------------------------------------------------------------ simulated log

/** Sizes of the simulated interaction log. */
export interface LogSize {
  readonly rows: number;
  readonly users: number;
  readonly items: number;
  readonly seed: number;
}

/**
 * A simulated implicit-feedback log with taste structure: 20 taste groups; items belong to
 * groups round-robin; each row picks a user uniformly, then (probability 0.7) an item of the
 * user's group or (0.3) any item, in both cases Zipf(1)-distributed by rank. Values are 1;
 * repeated pairs are summed by the recommenders (so `nnz` is a little below `rows`).
 */
export function simulateLog(size: LogSize): { userId: Int32Array; itemId: Int32Array } {
  const groups = 20;
  const rng = createRandom(size.seed);
  const perGroup = Math.ceil(size.items / groups);
  const zipfCdf = (n: number): Float64Array => {
    const c = new Float64Array(n);
    let t = 0;
    for (let r = 0; r < n; r++) c[r] = t += 1 / (r + 1);
    for (let r = 0; r < n; r++) c[r] /= t;
    return c;
  };
  const all = zipfCdf(size.items);
  const inGroup = zipfCdf(perGroup);
  const draw = (cdf: Float64Array): number => {
    const u = rng.next();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const userId = new Int32Array(size.rows);
  const itemId = new Int32Array(size.rows);
  for (let r = 0; r < size.rows; r++) {
    const u = rng.int(size.users);
    userId[r] = u;
    if (rng.next() < 0.7) {
      const g = u % groups;
      let item = g + groups * draw(inGroup);
      if (item >= size.items) item = g;
      itemId[r] = item;
    } else {
      itemId[r] = draw(all);
    }
  }
  return { userId, itemId };
}

function logSize(ctx: TaskContext): LogSize {
  const rows = ctx.data.sizes.log.rows;
  return { rows, users: ctx.data.sizes.log.customers, items: Math.max(100, Math.round((20_000 * rows) / 1_000_000)), seed: 49 };
}

const mark = (ok: boolean): string => (ok ? '✓' : '✗');

/**
 * Wraps `fn` so that each call also records the process CPU time it used (user + system, ms).
 * On the shared 2-core machine the load average is often far above 2, and wall times then
 * include waiting for a core; CPU time is what the run would take with a core to itself.
 */
function withCpu<T>(fn: () => T): { run: () => T; cpuMs: number[] } {
  const cpuMs: number[] = [];
  return {
    cpuMs,
    run: () => {
      const c0 = process.cpuUsage();
      const out = fn();
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
      return out;
    },
  };
}

/** Median CPU time of the timed runs (the last `runs` entries; warm-ups come first). */
function cpuMedian(cpuMs: readonly number[], runs: number): number {
  return stats(cpuMs.slice(-runs)).median;
}

// ------------------------------------------------------------------------------------- peer

interface PeerKnn {
  readonly numpy: string;
  readonly scipy: string;
  /** fit (cosine + top-50 pruning) + top-10 for all users, per run. */
  readonly samplesMs: number[];
  readonly fitMs: number[];
  readonly recommendMs: number[];
  /** Process CPU time (user + system) of each fit + recommend run. */
  readonly cpuMs: number[];
  readonly precision: number;
}

async function peerItemKnn(ctx: TaskContext, split: UserSplit): Promise<PeerKnn | string> {
  if (!existsSync(PEER_PYTHON)) return `${PEER_PYTHON} not found`;
  const files = writeSplit(split, path.join(CACHE_DIR, 'ml100k-split'));
  ctx.say('numpy peer: item-kNN on the same split…');
  try {
    const { stdout } = await execFileAsync(PEER_PYTHON, [FIXTURE_SCRIPT, '--bench', files.train, files.test, String(ctx.peerRuns)], {
      timeout: 10 * 60_000,
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    });
    return JSON.parse(stdout) as PeerKnn;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

// ------------------------------------------------------------------------------------- tasks

const noData = (task: string): TaskResult => ({
  task,
  rows: 0,
  samplesMs: [0],
  stats: stats([0]),
  notes: [`skipped: ${ML100K_PATH} not found`],
  details: {},
});

const KNN_ML = 'recommend-itemknn-ml100k';
const itemKnnMlTask: BenchTask = {
  name: KNN_ML,
  description: 'fitItemKnn(MovieLens 100K train, { k: 50 }) + recommendAll({ n: 10 }) — beside numpy/scipy on the same split',
  defaultRuns: 7,
  async run(ctx) {
    const split = mlSplit();
    if (split === undefined) return noData(KNN_ML);
    const train: InteractionInput = split.train;
    const timed = withCpu(() => {
      const knn = fitItemKnn(train, { similarity: 'cosine', k: 50 });
      return { knn, all: knn.recommendAll({ n: 10 }) };
    });
    const m = measure(timed.run, { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: KNN_ML, log: ctx.say });
    const cpu = cpuMedian(timed.cpuMs, ctx.runs);
    const fitOnly = measure(() => fitItemKnn(train, { k: 50 }), { runs: ctx.runs, warmup: 0, gc: ctx.gc, label: `${KNN_ML} (fit)`, log: ctx.say });
    const p = evaluateRanking(m.result.knn, split, { k: 10, relevant: (v) => v >= 4 }).precision;
    const notes = [
      `${formatInt(split.train.length)} training ratings, ${formatInt(m.result.all.size)} users`,
      `fit ${formatMs(fitOnly.stats.median)}`,
      `CPU ${formatMs(cpu)}`,
      `P@10 ${p.toFixed(4)}`,
      `< 1 s ${mark(m.stats.median < RECOMMEND_TARGETS.itemKnnMs)}`,
    ];
    const peer = await peerItemKnn(ctx, split);
    if (typeof peer === 'string') {
      notes.push(`peer unavailable: ${peer}`);
      return { task: KNN_ML, rows: split.train.length, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: false, reason: peer }, notes, details: { precision: p } };
    }
    const ps = stats(peer.samplesMs);
    notes.push(`numpy ${peer.numpy}/scipy ${peer.scipy}: fit ${formatMs(stats(peer.fitMs).median)}, CPU ${formatMs(stats(peer.cpuMs).median)}, P@10 ${peer.precision.toFixed(4)}`);
    notes.push(`faster than numpy ${mark(m.stats.median < ps.median)}`);
    return {
      task: KNN_ML,
      rows: split.train.length,
      samplesMs: m.samplesMs,
      stats: m.stats,
      peer: { ok: true, samplesMs: peer.samplesMs, stats: ps, customers: m.result.all.size },
      notes,
      details: { precision: p, peerPrecision: peer.precision, fitMs: fitOnly.stats.median, cpuMs: cpu, peerCpuMs: stats(peer.cpuMs).median },
    };
  },
};

const ALS_ML = 'recommend-als-ml100k';
const alsMlTask: BenchTask = {
  name: ALS_ML,
  description: 'fitAls(MovieLens 100K train, { factors: 64, iterations: 15, alpha: 1, regularization: 50 }) — no peer (implicit is not installable here)',
  defaultRuns: 5,
  run(ctx) {
    const split = mlSplit();
    if (split === undefined) return Promise.resolve(noData(ALS_ML));
    const timed = withCpu(() => fitAls(split.train, ML_ALS));
    const m = measure(timed.run, { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: ALS_ML, log: ctx.say });
    const cpu = cpuMedian(timed.cpuMs, ctx.runs);
    const ndcg = evaluateRanking(m.result, split, { k: 10, relevant: (v) => v >= 4 }).ndcg;
    const notes = [`CPU ${formatMs(cpu)}`, `NDCG@10 ${ndcg.toFixed(4)}`, `< 3 s ${mark(m.stats.median < RECOMMEND_TARGETS.alsMl100kMs)} (CPU ${mark(cpu < RECOMMEND_TARGETS.alsMl100kMs)})`];
    return Promise.resolve({ task: ALS_ML, rows: split.train.length, samplesMs: m.samplesMs, stats: m.stats, notes, details: { ndcg, cpuMs: cpu } });
  },
};

const ALS_1M = 'recommend-als-1m';
const als1mTask: BenchTask = {
  name: ALS_1M,
  description: 'fitAls(simulated 1M interactions / 100k users / 20k items, { factors: 64, iterations: 15 })',
  defaultRuns: 1,
  run(ctx) {
    const size = logSize(ctx);
    const log = simulateLog(size);
    const input = { userId: log.userId, itemId: log.itemId };
    const timed = withCpu(() => fitAls(input, { factors: 64, iterations: 15, seed: 0 }));
    const m = measure(timed.run, { runs: ctx.runs, warmup: 0, gc: ctx.gc, label: ALS_1M, log: ctx.say });
    const cpu = cpuMedian(timed.cpuMs, ctx.runs);
    const loss = m.result.loss;
    const notes = [
      `${formatInt(size.rows)} rows, ${formatInt(m.result.users.length)} users × ${formatInt(m.result.items.length)} items`,
      `CPU ${formatMs(cpu)}`,
      `${formatMs(m.stats.median / 15)} per iteration`,
      `loss ${loss[0].toExponential(3)} → ${loss[loss.length - 1].toExponential(3)}`,
      `< 60 s ${mark(m.stats.median < RECOMMEND_TARGETS.als1mMs)} (CPU ${mark(cpu < RECOMMEND_TARGETS.als1mMs)})`,
    ];
    return Promise.resolve({ task: ALS_1M, rows: size.rows, samplesMs: m.samplesMs, stats: m.stats, notes, details: { users: m.result.users.length, items: m.result.items.length, cpuMs: cpu } });
  },
};

/** What the item-kNN child reports. */
interface KnnChildResult {
  readonly elapsedMs: number;
  /** CPU time (user + system) of the fit. */
  readonly cpuMs: number;
  readonly nnz: number;
  readonly items: number;
  readonly neighbours: number;
  /** `process.resourceUsage().maxRSS`: peak resident set of the child, KiB. */
  readonly maxRssKiB: number;
  /** Resident set after generating the log, before fitting, bytes. */
  readonly beforeFitRssBytes: number;
}

function runKnnChild(size: LogSize): Promise<KnnChildResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', self, '--child-itemknn', String(size.rows), String(size.users), String(size.items), String(size.seed)];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code === 0) {
          resolve(JSON.parse(last) as KnnChildResult);
          return;
        }
      } catch {
        // fall through
      }
      reject(new Error(`item-kNN child exited with ${signal ?? String(code)}; output: ${JSON.stringify(out.slice(-500))}`));
    });
  });
}

const KNN_1M = 'recommend-itemknn-1m';
const itemKnn1mTask: BenchTask = {
  name: KNN_1M,
  description: 'fitItemKnn(simulated 1M interactions / 100k users / 20k items, { k: 50 }) in a child process: time and peak RSS',
  defaultRuns: 1,
  async run(ctx) {
    const size = logSize(ctx);
    const results: KnnChildResult[] = [];
    for (let r = 0; r < ctx.runs; r++) {
      const res = await runKnnChild(size);
      results.push(res);
      ctx.say(`${KNN_1M}: run ${r + 1}/${ctx.runs} ${formatMs(res.elapsedMs)}, peak RSS ${formatMB(res.maxRssKiB * 1024)}`);
    }
    const samplesMs = results.map((x) => x.elapsedMs);
    const peak = Math.max(...results.map((x) => x.maxRssKiB)) * 1024;
    const last = results[results.length - 1];
    return {
      task: KNN_1M,
      rows: size.rows,
      samplesMs,
      stats: stats(samplesMs),
      notes: [
        `${formatInt(last.nnz)} distinct pairs, ${formatInt(last.items)} items, ${formatInt(last.neighbours)} neighbours kept`,
        `CPU ${formatMs(stats(results.map((x) => x.cpuMs)).median)}`,
        `peak RSS ${formatMB(peak)} (${formatMB(last.beforeFitRssBytes)} before the fit)`,
      ],
      details: { peakRssBytes: peak, beforeFitRssBytes: last.beforeFitRssBytes, nnz: last.nnz, cpuMs: stats(results.map((x) => x.cpuMs)).median },
    };
  },
};

export const recommendTasks: readonly BenchTask[] = [itemKnnMlTask, alsMlTask, als1mTask, itemKnn1mTask];

// ------------------------------------------------------------------------------ command line

function childItemKnn(size: LogSize): KnnChildResult {
  const log = simulateLog(size);
  const beforeFitRssBytes = process.memoryUsage().rss;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const knn = fitItemKnn({ userId: log.userId, itemId: log.itemId }, { k: 50 });
  const c = process.cpuUsage(c0);
  const elapsedMs = performance.now() - t0;
  const cpuMs = (c.user + c.system) / 1000;
  let neighbours = 0;
  let items = 0;
  const seen = new Set<number>();
  for (let r = 0; r < log.itemId.length; r++) seen.add(log.itemId[r]);
  for (const i of seen) {
    items++;
    neighbours += knn.similarItems(i, { n: 50 }).length;
  }
  const pairs = new Set<number>();
  for (let r = 0; r < log.itemId.length; r++) pairs.add(log.userId[r] * size.items + log.itemId[r]);
  return { elapsedMs, cpuMs, nnz: pairs.size, items, neighbours, maxRssKiB: process.resourceUsage().maxRSS, beforeFitRssBytes };
}

const invoked = process.argv.at(1);
if (invoked !== undefined && path.resolve(invoked) === fileURLToPath(import.meta.url)) {
  const [flag, ...rest] = process.argv.slice(2);
  if (flag === '--write-split' && rest.length === 1) {
    const split = mlSplit();
    if (split === undefined) {
      process.stderr.write(`${ML100K_PATH} not found\n`);
      process.exitCode = 1;
    } else {
      const files = writeSplit(split, rest[0]);
      process.stdout.write(`${JSON.stringify({ ...files, digest: splitDigest(split), train_rows: split.train.length, test_rows: split.test.length })}\n`);
    }
  } else if (flag === '--child-itemknn' && rest.length === 4) {
    const [rows, users, items, seed] = rest.map(Number);
    process.stdout.write(`${JSON.stringify(childItemKnn({ rows, users, items, seed }))}\n`);
  } else {
    process.stderr.write('usage: node --import tsx bench/recommend.ts --write-split DIR | --child-itemknn ROWS USERS ITEMS SEED\n');
    process.exitCode = 2;
  }
}
