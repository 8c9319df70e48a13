/**
 * Benchmarks of `clmkit/segment`: k-means on 1,000,000 × 3 points beside scikit-learn on the same
 * points and initial centroids, rfmScores for 1,000,000 customers, and the sampled silhouette.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRandom } from '../src/math/random.js';
import { kmeans, type Matrix } from '../src/segment/kmeans.js';
import { rfmScores } from '../src/segment/rfm.js';
import { silhouette } from '../src/segment/silhouette.js';
import { CACHE_DIR, REPO_ROOT } from './data.js';
import { formatInt, formatMs, formatRate, measure, stats } from './harness.js';
import { PEER_PYTHON } from './peer.js';
import type { BenchTask, TaskResult } from './tasks.js';

const execFileAsync = promisify(execFile);

/** Targets from issue 7. */
export const SEGMENT_TARGETS = { kmeansMs: 3000, kmeansVsSklearn: 2, rfmMs: 500, silhouetteMs: 1000 } as const;

let blobCache: { X: Matrix; init: number[][] } | undefined;
/** n × 3 points around 5 centres (sd 1, centres uniform in [−10, 10]³), seed 47; init = 5 random rows. */
function blobs(n: number): { X: Matrix; init: number[][] } {
  if (blobCache?.X.nRows === n) return blobCache;
  const rng = createRandom(47);
  const centres = Array.from({ length: 5 }, () => [rng.uniform(-10, 10), rng.uniform(-10, 10), rng.uniform(-10, 10)]);
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = centres[rng.int(5)];
    for (let j = 0; j < 3; j++) data[i * 3 + j] = c[j] + rng.normal();
  }
  const X: Matrix = { data, nRows: n, nCols: 3 };
  const init = Array.from({ length: 5 }, () => {
    const r = rng.int(n);
    return [data[r * 3], data[r * 3 + 1], data[r * 3 + 2]];
  });
  blobCache = { X, init };
  return blobCache;
}

interface SklearnKmeans {
  readonly sklearn: string;
  readonly samplesMs: number[];
  readonly inertia: number;
  readonly iterations: number;
}

const kmeansTask: BenchTask = {
  name: 'kmeans-1m',
  description: 'kmeans(1,000,000 × 3, { k: 5, init: 5 given rows, maxIterations: 100 }) — beside scikit-learn (same points, same init)',
  defaultRuns: 5,
  async run(ctx): Promise<TaskResult> {
    const n = ctx.data.sizes.log.rows;
    const { X, init } = blobs(n);
    const opts = { k: 5, init, maxIterations: 100 } as const;
    const m = measure(() => kmeans(X, opts), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'kmeans-1m', log: ctx.say });
    const pp = measure(() => kmeans(X, { k: 5, nInit: 1, maxIterations: 100, seed: 0 }), { runs: 3, warmup: 0, gc: ctx.gc, label: 'kmeans-1m (k-means++)', log: ctx.say });
    const notes = [
      formatRate(n, m.stats.median),
      `${m.result.iterations} iterations, inertia ${m.result.inertia.toFixed(3)}`,
      `< 3 s ${m.stats.median < SEGMENT_TARGETS.kmeansMs ? '✓' : '✗'}`,
      `with k-means++ seeding (nInit 1): ${formatMs(pp.stats.median)}`,
    ];
    if (!existsSync(PEER_PYTHON)) {
      notes.push(`peer unavailable: ${PEER_PYTHON} not found`);
      return { task: 'kmeans-1m', rows: n, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: false, reason: 'no python' }, notes, details: {} };
    }
    mkdirSync(CACHE_DIR, { recursive: true });
    const xf = path.join(CACHE_DIR, `blobs-${n}x3-s47.f64`);
    const inf = path.join(CACHE_DIR, `blobs-${n}x3-s47-init.f64`);
    writeFileSync(xf, new Uint8Array(X.data.buffer));
    writeFileSync(inf, new Uint8Array(Float64Array.from(init.flat()).buffer));
    ctx.say('sklearn: timing KMeans on the same points and initial centroids…');
    try {
      const { stdout } = await execFileAsync(PEER_PYTHON, [path.join(REPO_ROOT, 'bench/sklearn_kmeans.py'), xf, '3', '5', inf, String(ctx.peerRuns)], {
        timeout: 10 * 60_000,
      });
      const peer = JSON.parse(stdout) as SklearnKmeans;
      const ps = stats(peer.samplesMs);
      const rel = Math.abs(peer.inertia - m.result.inertia) / peer.inertia;
      notes.push(`sklearn ${peer.sklearn}: ${peer.iterations} iterations, inertia ${rel < 1e-9 ? 'equal' : `differs by ${rel.toExponential(1)} (relative)`}`);
      notes.push(`≤ 2× sklearn ${m.stats.median <= SEGMENT_TARGETS.kmeansVsSklearn * ps.median ? '✓' : '✗'}`);
      return { task: 'kmeans-1m', rows: n, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: true, samplesMs: peer.samplesMs, stats: ps, customers: 0 }, notes, details: {} };
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      notes.push(`peer unavailable: ${why}`);
      return { task: 'kmeans-1m', rows: n, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: false, reason: why }, notes, details: {} };
    }
  },
};

const rfmTask: BenchTask = {
  name: 'rfm-scores-1m',
  description: 'rfmScores(1,000,000 customers as columns, { bins: 5 }) — quantile scores with ties',
  defaultRuns: 7,
  run(ctx): Promise<TaskResult> {
    const n = ctx.data.sizes.log.rows;
    const rng = createRandom(48);
    const customerId = Array.from({ length: n }, (_, i) => i);
    const recency = Float64Array.from({ length: n }, () => rng.int(730));
    const frequency = Float64Array.from({ length: n }, () => 1 + rng.poisson(2));
    const monetary = Float64Array.from({ length: n }, () => Math.round(rng.gamma(2, 40) * 100) / 100);
    const m = measure(() => rfmScores({ customerId, recency, frequency, monetary }), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'rfm-scores-1m', log: ctx.say });
    const notes = [formatRate(n, m.stats.median), `< 500 ms ${m.stats.median < SEGMENT_TARGETS.rfmMs ? '✓' : '✗'}`];
    return Promise.resolve({ task: 'rfm-scores-1m', rows: n, samplesMs: m.samplesMs, stats: m.stats, notes, details: {} });
  },
};

const silhouetteTask: BenchTask = {
  name: 'silhouette-sampled-1m',
  description: 'silhouette(1,000,000 × 3, k-means labels, { sampleSize: 10,000 })',
  defaultRuns: 5,
  run(ctx): Promise<TaskResult> {
    const n = ctx.data.sizes.log.rows;
    const { X, init } = blobs(n);
    const labels = kmeans(X, { k: 5, init, maxIterations: 100 }).labels;
    const m = measure(() => silhouette(X, labels, { sampleSize: 10_000, seed: 0 }), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'silhouette-sampled-1m', log: ctx.say });
    const notes = [`${formatInt(10_000)} of ${formatInt(n)} points`, `score ${m.result.score.toFixed(4)}`, `< 1 s ${m.stats.median < SEGMENT_TARGETS.silhouetteMs ? '✓' : '✗'}`];
    return Promise.resolve({ task: 'silhouette-sampled-1m', rows: n, samplesMs: m.samplesMs, stats: m.stats, notes, details: {} });
  },
};

export const segmentTasks: readonly BenchTask[] = [kmeansTask, rfmTask, silhouetteTask];
