/**
 * Benchmarks of the trees, forests and the information-gap detector, each beside scikit-learn
 * (bench/sklearn_tree.py, Debian's python3-sklearn, single-threaded) in the same session:
 *
 * - `tree-depth8-1m`: fitDecisionTree on 1,000,000 × 10 (float32-representable values, so
 *   scikit-learn sees the same numbers), maxDepth 8 — target < 5 s;
 * - `forest-telco`: fitRandomForest on the Telco training split, 100 trees, sqrt features,
 *   unlimited depth, seeds 0..4 — times, and mean OOB / test AUC beside scikit-learn's;
 * - `gap-pca-1m`: fitInformationGap + score on 1,000,000 × 10, 3 components.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRandom } from '../src/math/random.js';
import { rocAuc } from '../src/metrics/classification.js';
import { fitRandomForest } from '../src/models/classify/forest.js';
import { fitDecisionTree } from '../src/models/classify/tree.js';
import { fitInformationGap } from '../src/models/gap/gap.js';
import { loadTelco } from '../test/helpers/telco.js';
import { CACHE_DIR, REPO_ROOT } from './data.js';
import { formatMs, formatRate, measure, stats } from './harness.js';
import { PEER_PYTHON } from './peer.js';
import type { BenchTask, TaskContext, TaskResult } from './tasks.js';

const execFileAsync = promisify(execFile);

/** Targets from issue 6. */
export const TREE_TARGETS = { treeDepth8Ms: 5000 } as const;

interface PeerJson {
  readonly sklearn: string;
  readonly samplesMs: number[];
  readonly [key: string]: unknown;
}

async function sklearn(ctx: TaskContext, args: string[]): Promise<PeerJson | string> {
  const say = ctx.say;
  const reason = await ctx.peer.unavailableReason();
  if (reason?.includes('--no-peer')) return reason;
  if (!existsSync(PEER_PYTHON)) return `${PEER_PYTHON} not found`;
  say(`sklearn: ${args[0]}…`);
  try {
    const { stdout } = await execFileAsync(PEER_PYTHON, [path.join(REPO_ROOT, 'bench/sklearn_tree.py'), ...args], {
      timeout: 15 * 60_000,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      maxBuffer: 1 << 24,
    });
    return JSON.parse(stdout) as PeerJson;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

function withPeer(task: string, rows: number, m: { samplesMs: readonly number[]; stats: ReturnType<typeof stats> }, notes: string[], peer: PeerJson | string): TaskResult {
  if (typeof peer === 'string') {
    notes.push(`peer unavailable: ${peer}`);
    return { task, rows, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: false, reason: peer }, notes, details: {} };
  }
  const ps = stats(peer.samplesMs);
  notes.push(`sklearn ${peer.sklearn} (1 thread): ${formatMs(ps.median)}, ours/sklearn ${(m.stats.median / ps.median).toFixed(2)}`);
  return { task, rows, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: true, samplesMs: peer.samplesMs, stats: ps, customers: 0 }, notes, details: {} };
}

/** Runs `fn`, appending its process CPU time (user + system, ms) to `out`: a figure less sensitive to other load than wall time. */
function withCpu<T>(out: number[], fn: () => T): T {
  const c0 = process.cpuUsage();
  const r = fn();
  const c = process.cpuUsage(c0);
  out.push((c.user + c.system) / 1000);
  return r;
}

let cache: { n: number; X: Float64Array; y: Int32Array } | undefined;
/** n × 10 standard normals rounded to float32; y = 1 when a noisy linear score is positive (seed 61). */
function synthetic(n: number): { X: Float64Array; y: Int32Array } {
  if (cache?.n === n) return cache;
  const d = 10;
  const rng = createRandom(61);
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  const w = [1, -0.5, 0.8, 0, 0.3, -1.2, 0.2, 0, 0.6, -0.4];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.fround(rng.normal());
      X[i * d + j] = v;
      s += w[j] * v + (j === 0 ? 0.5 * v * X[i * d + 1] : 0);
    }
    y[i] = s + rng.normal() > 0 ? 1 : 0;
  }
  cache = { n, X, y };
  return cache;
}

const treeTask: BenchTask = {
  name: 'tree-depth8-1m',
  description: 'fitDecisionTree(1,000,000 × 10, { maxDepth: 8 }) — beside scikit-learn DecisionTreeClassifier(max_depth=8)',
  defaultRuns: 3,
  async run(ctx): Promise<TaskResult> {
    const n = ctx.data.sizes.log.rows;
    const { X, y } = synthetic(n);
    const M = { data: X, nRows: n, nCols: 10 };
    const cpu: number[] = [];
    const m = measure(() => withCpu(cpu, () => fitDecisionTree(M, y, { maxDepth: 8 })), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'tree-depth8-1m', log: ctx.say });
    const tree = m.result;
    const pred = tree.predict(M);
    let hit = 0;
    for (let i = 0; i < n; i++) if (pred[i] === y[i]) hit++;
    const notes = [
      formatRate(n, m.stats.median),
      `CPU time (median) ${formatMs(stats(cpu.slice(-m.samplesMs.length)).median)}`,
      `${tree.nodes.count} nodes, train accuracy ${(hit / n).toFixed(4)}`,
      `< 5 s ${m.stats.median < TREE_TARGETS.treeDepth8Ms ? '✓' : '✗'}`,
    ];
    mkdirSync(CACHE_DIR, { recursive: true });
    const xf = path.join(CACHE_DIR, `tree-${n}x10-s61.f64`);
    const yf = path.join(CACHE_DIR, `tree-${n}-s61.i32`);
    writeFileSync(xf, new Uint8Array(X.buffer));
    writeFileSync(yf, new Uint8Array(y.buffer));
    const peer = await sklearn(ctx, ['tree', xf, yf, '10', '8', String(ctx.peerRuns)]);
    if (typeof peer !== 'string') {
      const same = peer['nodeCount'] === tree.nodes.count && Math.abs((peer['trainAccuracy'] as number) - hit / n) < 1e-12;
      notes.push(same ? 'same node count and training accuracy as sklearn' : `sklearn: ${String(peer['nodeCount'])} nodes, accuracy ${String(peer['trainAccuracy'])}`);
    }
    return withPeer('tree-depth8-1m', n, m, notes, peer);
  },
};

const forestTask: BenchTask = {
  name: 'forest-telco',
  description: 'fitRandomForest(Telco train 5,274 × 45, { trees: 100, maxFeatures: sqrt }) for seeds 0..4 — OOB/test AUC and time beside scikit-learn',
  defaultRuns: 5,
  async run(ctx): Promise<TaskResult> {
    const t = loadTelco();
    if (t === null) {
      const s = stats([0]);
      return { task: 'forest-telco', rows: 0, samplesMs: [0], stats: s, notes: ['skipped: Telco data set not found'], details: {} };
    }
    const samplesMs: number[] = [];
    const cpu: number[] = [];
    let oob = 0;
    let test = 0;
    const runs = Math.max(1, ctx.runs);
    for (let seed = 0; seed < runs; seed++) {
      const t0 = performance.now();
      const f = withCpu(cpu, () => fitRandomForest(t.Xtrain, t.yTrain, { trees: 100, seed }));
      samplesMs.push(performance.now() - t0);
      ctx.say(`forest-telco: seed ${seed} ${formatMs(samplesMs[seed])}`);
      oob += f.oobAuc / runs;
      test += rocAuc(t.yTest, f.predictProbaOf(t.Xtest)) / runs;
    }
    const m = { samplesMs, stats: stats(samplesMs) };
    const notes = [`CPU time (median) ${formatMs(stats(cpu).median)}`, `mean OOB AUC ${oob.toFixed(4)}, test AUC ${test.toFixed(4)} (${runs} seeds)`];
    const peer = await sklearn(ctx, ['forest-telco', String(runs)]);
    if (typeof peer !== 'string') {
      const po = peer['oobAuc'] as number;
      const pt = peer['testAuc'] as number;
      notes.push(`sklearn OOB AUC ${po.toFixed(4)}, test AUC ${pt.toFixed(4)}; within 0.01 ${Math.abs(po - oob) < 0.01 && Math.abs(pt - test) < 0.01 ? '✓' : '✗'}`);
    }
    return withPeer('forest-telco', t.Xtrain.nRows, m, notes, peer);
  },
};

const gapTask: BenchTask = {
  name: 'gap-pca-1m',
  description: 'fitInformationGap(1,000,000 × 10, { components: 3 }) + score — beside StandardScaler + PCA + inverse_transform',
  defaultRuns: 3,
  async run(ctx): Promise<TaskResult> {
    const n = ctx.data.sizes.log.rows;
    const { X } = synthetic(n);
    const M = { data: X, nRows: n, nCols: 10 };
    const m = measure(
      () => {
        const model = fitInformationGap(M, { components: 3 });
        return model.score(M).gap;
      },
      { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'gap-pca-1m', log: ctx.say },
    );
    let mean = 0;
    for (const g of m.result) mean += g / n;
    const notes = [formatRate(n, m.stats.median), `mean gap ${mean.toFixed(6)}`];
    const xf = path.join(CACHE_DIR, `tree-${n}x10-s61.f64`);
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(xf, new Uint8Array(X.buffer));
    const peer = await sklearn(ctx, ['pca', xf, '10', '3', String(ctx.peerRuns)]);
    if (typeof peer !== 'string') {
      const rel = Math.abs((peer['meanGap'] as number) - mean) / mean;
      notes.push(`sklearn mean gap ${rel < 1e-9 ? 'equal' : `differs by ${rel.toExponential(1)} (relative)`}`);
    }
    return withPeer('gap-pca-1m', n, m, notes, peer);
  },
};

export const treeTasks: readonly BenchTask[] = [treeTask, forestTask, gapTask];
