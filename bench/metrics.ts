/**
 * Benchmarks of `clmkit/metrics`: ROC AUC and average precision on 1,000,000 scores (beside
 * scikit-learn on the same vectors, in the same session), and NDCG@10 over 100,000 users.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { averagePrecision, rocAuc } from '../src/metrics/classification.js';
import { ndcgAtK } from '../src/metrics/ranking.js';
import { createRandom } from '../src/math/random.js';
import { CACHE_DIR, REPO_ROOT } from './data.js';
import { formatInt, formatRate, measure, stats } from './harness.js';
import { PEER_PYTHON } from './peer.js';
import type { BenchTask, TaskContext, TaskResult } from './tasks.js';

const execFileAsync = promisify(execFile);

/** Targets from issue 4. */
export const METRIC_TARGETS = { scoresMedianMs: 250, ndcgMedianMs: 200 } as const;

interface Scores {
  readonly labels: Uint8Array;
  readonly scores: Float64Array;
}

let scoreCache: Scores | undefined;
/** 1M labels (10% positive) and scores = 0.8·label + N(0, 1), rounded to 3 decimals (many ties). */
function scores(n: number): Scores {
  if (scoreCache?.labels.length === n) return scoreCache;
  const rng = createRandom(45);
  const labels = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.next() < 0.1 ? 1 : 0;
    s[i] = Math.round((0.8 * labels[i] + rng.normal()) * 1000) / 1000;
  }
  scoreCache = { labels, scores: s };
  return scoreCache;
}

interface SklearnResult {
  readonly sklearn: string;
  readonly rocAuc: { readonly value: number; readonly samplesMs: number[] };
  readonly averagePrecision: { readonly value: number; readonly samplesMs: number[] };
}

const sklearnRuns = new Map<number, Promise<SklearnResult | string>>();
/** scikit-learn on the same vectors (once per size per harness run), or why not. */
function sklearnPeer(ctx: TaskContext, data: Scores): Promise<SklearnResult | string> {
  const n = data.labels.length;
  let p = sklearnRuns.get(n);
  if (p === undefined) {
    p = (async () => {
      if (!existsSync(PEER_PYTHON)) return `${PEER_PYTHON} not found`;
      mkdirSync(CACHE_DIR, { recursive: true });
      const sf = path.join(CACHE_DIR, `scores-${n}-s45.f64`);
      const lf = path.join(CACHE_DIR, `labels-${n}-s45.u8`);
      writeFileSync(sf, new Uint8Array(data.scores.buffer));
      writeFileSync(lf, data.labels);
      ctx.say(`sklearn: timing roc_auc_score and average_precision_score on ${formatInt(n)} scores…`);
      try {
        const { stdout } = await execFileAsync(
          PEER_PYTHON,
          [path.join(REPO_ROOT, 'bench/sklearn_metrics.py'), sf, lf, String(ctx.peerRuns)],
          { timeout: 10 * 60_000, maxBuffer: 1 << 20 },
        );
        return JSON.parse(stdout) as SklearnResult;
      } catch (error) {
        return `sklearn peer failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      }
    })();
    sklearnRuns.set(n, p);
  }
  return p;
}

function scoreTask(name: 'roc-auc-1m' | 'average-precision-1m', fn: (y: Uint8Array, s: Float64Array) => number): BenchTask {
  const key = name === 'roc-auc-1m' ? 'rocAuc' : 'averagePrecision';
  return {
    name,
    description: `${key}(labels, scores) on 1,000,000 scores with ties (10% positives) — beside scikit-learn`,
    defaultRuns: 7,
    async run(ctx): Promise<TaskResult> {
      const n = ctx.data.sizes.log.rows;
      const data = scores(n);
      const m = measure(() => fn(data.labels, data.scores), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: name, log: ctx.say });
      const notes = [formatRate(n, m.stats.median), `value ${m.result.toFixed(12)}`, `< 250 ms ${m.stats.median < METRIC_TARGETS.scoresMedianMs ? '✓' : '✗'}`];
      const peer = await sklearnPeer(ctx, data);
      if (typeof peer === 'string') {
        notes.push(`peer unavailable: ${peer}`);
        return { task: name, rows: n, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: false, reason: peer }, notes, details: { value: m.result } };
      }
      const theirs = peer[key];
      const diff = Math.abs(theirs.value - m.result);
      notes.push(`sklearn ${peer.sklearn} value ${diff <= 1e-9 ? 'equal' : `DIFFERS by ${diff.toExponential(2)}`}`);
      return {
        task: name,
        rows: n,
        samplesMs: m.samplesMs,
        stats: m.stats,
        peer: { ok: true, samplesMs: theirs.samplesMs, stats: stats(theirs.samplesMs), customers: 0 },
        notes,
        details: { value: m.result, sklearnValue: theirs.value },
      };
    },
  };
}

const ndcgTask: BenchTask = {
  name: 'ndcg-100k-users',
  description: 'ndcgAtK(top-10 lists, relevant sets of 5, { k: 10 }) over 100,000 users, 10,000 items',
  defaultRuns: 7,
  run(ctx): Promise<TaskResult> {
    const users = Math.max(1000, Math.round(ctx.data.sizes.log.rows / 10));
    const rng = createRandom(46);
    const recommended: number[][] = [];
    const relevant: Set<number>[] = [];
    for (let u = 0; u < users; u++) {
      const list = new Set<number>();
      while (list.size < 10) list.add(rng.int(10_000));
      recommended.push([...list]);
      const rel = new Set<number>();
      for (const item of list) if (rng.next() < 0.2) rel.add(item);
      while (rel.size < 5) rel.add(rng.int(10_000));
      relevant.push(rel);
    }
    const m = measure(() => ndcgAtK(recommended, relevant, { k: 10 }), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'ndcg-100k-users', log: ctx.say });
    const notes = [
      `${formatInt(users)} users`,
      `mean NDCG@10 ${m.result.mean.toFixed(4)}`,
      `< 200 ms ${m.stats.median < METRIC_TARGETS.ndcgMedianMs ? '✓' : '✗'}`,
      'peer: — (scikit-learn’s ndcg_score needs a dense users × items matrix)',
    ];
    return Promise.resolve({ task: 'ndcg-100k-users', rows: users * 10, samplesMs: m.samplesMs, stats: m.stats, notes, details: { users } });
  },
};

export const metricTasks: readonly BenchTask[] = [scoreTask('roc-auc-1m', rocAuc), scoreTask('average-precision-1m', averagePrecision), ndcgTask];
