/**
 * Benchmarks of the classifiers, regression and survival in `clmkit/models`: logistic regression
 * on the Telco churn training part (5,274 × 45) and on 1,000,000 × 20 synthetic rows beside
 * scikit-learn on the same matrices (bench/sklearn_classify.py, single-threaded), and Kaplan–Meier
 * on 1,000,000 durations. The Telco fit gets 10 warm-up runs (a fit takes ~20 ms, so fewer leave
 * it measured before V8 has optimised the kernels; the peer is warm C code).
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRandom } from '../src/math/random.js';
import { fitLogistic } from '../src/models/classify/logistic.js';
import type { DesignMatrix } from '../src/models/prep/matrix.js';
import { kaplanMeier } from '../src/models/survival/kaplanMeier.js';
import { loadTelco, TELCO_MISSING } from '../test/helpers/telco.js';
import { CACHE_DIR, REPO_ROOT } from './data.js';
import { formatMs, formatRate, measure, stats } from './harness.js';
import { PEER_PYTHON } from './peer.js';
import type { BenchTask, TaskContext, TaskResult } from './tasks.js';

const execFileAsync = promisify(execFile);

/** Targets from issue 6. */
export const CLASSIFY_TARGETS = { logisticTelcoMs: 50, logisticLargeMs: 5000, kaplanMeierMs: 300 } as const;

interface SklearnLogistic {
  readonly sklearn: string;
  readonly threads: string;
  readonly lbfgsMs: number[];
  readonly newtonMs: number[];
  readonly lbfgsCpuMs: number[];
  readonly newtonCpuMs: number[];
  readonly lbfgsIter: number;
  readonly newtonIter: number;
}

/** Wraps `fn` to record the process CPU time (user + system) of each call, in ms. */
function cpuTimed<T>(fn: () => T, cpu: number[]): () => T {
  return () => {
    const c0 = process.cpuUsage();
    const r = fn();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    return r;
  };
}

const median = (xs: readonly number[]): number => stats(xs).median;

/** Times scikit-learn on the same matrix (written to the bench cache), single-threaded. */
async function sklearnLogistic(ctx: TaskContext, kind: string, X: DesignMatrix, y: Uint8Array): Promise<SklearnLogistic | string> {
  if (!existsSync(PEER_PYTHON)) return `${PEER_PYTHON} not found`;
  mkdirSync(CACHE_DIR, { recursive: true });
  const xf = path.join(CACHE_DIR, `classify-${kind}-X.f64`);
  const yf = path.join(CACHE_DIR, `classify-${kind}-y.u8`);
  writeFileSync(xf, new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  writeFileSync(yf, y);
  ctx.say(`sklearn: timing LogisticRegression on the same ${kind} matrix…`);
  try {
    const { stdout } = await execFileAsync(
      PEER_PYTHON,
      [path.join(REPO_ROOT, 'bench/sklearn_classify.py'), kind, xf, yf, String(X.nCols), String(ctx.peerRuns)],
      { timeout: 15 * 60_000, env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
    );
    return JSON.parse(stdout) as SklearnLogistic;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

function withPeer(
  name: string,
  rows: number,
  m: { samplesMs: readonly number[]; stats: TaskResult['stats'] },
  notes: string[],
  peer: SklearnLogistic | string,
  cpuMs: number,
): TaskResult {
  if (typeof peer === 'string') {
    notes.push(`peer unavailable: ${peer}`);
    return { task: name, rows, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: false, reason: peer }, notes, details: {} };
  }
  const lb = stats(peer.lbfgsMs);
  const nw = stats(peer.newtonMs);
  notes.push(
    `sklearn ${peer.sklearn} (1 thread): lbfgs ${formatMs(lb.median)} (${peer.lbfgsIter} it.), newton-cholesky ${formatMs(nw.median)} (${peer.newtonIter} it.)`,
  );
  notes.push(`no slower than sklearn lbfgs ${m.stats.median <= lb.median ? '✓' : '✗'} (wall ratio ${(m.stats.median / lb.median).toFixed(2)})`);
  const peerCpu = median(peer.lbfgsCpuMs);
  const newtonCpu = median(peer.newtonCpuMs);
  notes.push(
    `CPU time per fit (load-independent): ours ${formatMs(cpuMs)}, sklearn lbfgs ${formatMs(peerCpu)}, newton-cholesky ${formatMs(newtonCpu)} → ours/lbfgs ${(cpuMs / peerCpu).toFixed(2)}, ours/newton-cholesky ${(cpuMs / newtonCpu).toFixed(2)}`,
  );
  return {
    task: name,
    rows,
    samplesMs: m.samplesMs,
    stats: m.stats,
    peer: { ok: true, samplesMs: peer.lbfgsMs, stats: lb, customers: 0 },
    notes,
    details: { sklearnNewtonMedianMs: nw.median, sklearnLbfgsMedianMs: lb.median, cpuMs, sklearnLbfgsCpuMs: peerCpu, sklearnNewtonCpuMs: newtonCpu },
  };
}

const logisticTelcoTask: BenchTask = {
  name: 'logistic-telco',
  description: 'fitLogistic(Telco train 5,274 × 45, { l2: 1 }) — beside scikit-learn LogisticRegression(C=1) on the same matrix',
  defaultRuns: 15,
  async run(ctx): Promise<TaskResult> {
    const t = loadTelco();
    if (t === null) {
      const s = stats([0]);
      return { task: 'logistic-telco', rows: 0, samplesMs: [], stats: s, notes: [TELCO_MISSING], details: {} };
    }
    const cpu: number[] = [];
    const m = measure(cpuTimed(() => fitLogistic(t.Xtrain, t.yTrain), cpu), { runs: ctx.runs, warmup: Math.max(ctx.warmup, 10), gc: ctx.gc, label: 'logistic-telco', log: ctx.say });
    const notes = [
      `${m.result.iterations} Newton iterations, converged ${m.result.converged ? '✓' : '✗'}`,
      `< 50 ms ${m.stats.median < CLASSIFY_TARGETS.logisticTelcoMs ? '✓' : '✗'} (CPU time ${formatMs(median(cpu.slice(-ctx.runs)))})`,
    ];
    return withPeer('logistic-telco', t.Xtrain.nRows, m, notes, await sklearnLogistic(ctx, 'telco', t.Xtrain, t.yTrain), median(cpu.slice(-ctx.runs)));
  },
};

/** n × 20 standard-normal features, y from a logistic model with known coefficients (seed 61). */
function synthetic(n: number): { X: DesignMatrix; y: Uint8Array } {
  const p = 20;
  const rng = createRandom(61);
  const beta = Array.from({ length: p }, (_, j) => (j % 2 === 0 ? 1 : -1) * (0.1 + 0.05 * j));
  const data = new Float64Array(n * p);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -0.5;
    for (let j = 0; j < p; j++) {
      const v = rng.normal();
      data[i * p + j] = v;
      eta += v * beta[j];
    }
    y[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X: { data, nRows: n, nCols: p, columnNames: beta.map((_, j) => `x${j}`) }, y };
}

const logisticLargeTask: BenchTask = {
  name: 'logistic-1m-x20',
  description: 'fitLogistic(1,000,000 × 20 synthetic, { l2: 1 }) — beside scikit-learn LogisticRegression(C=1)',
  defaultRuns: 3,
  async run(ctx): Promise<TaskResult> {
    const n = ctx.data.sizes.log.rows;
    const { X, y } = synthetic(n);
    const cpu: number[] = [];
    const m = measure(cpuTimed(() => fitLogistic(X, y), cpu), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'logistic-1m-x20', log: ctx.say });
    const notes = [
      formatRate(n, m.stats.median),
      `${m.result.iterations} Newton iterations, converged ${m.result.converged ? '✓' : '✗'}`,
      `< 5 s ${m.stats.median < CLASSIFY_TARGETS.logisticLargeMs ? '✓' : '✗'} (CPU time ${formatMs(median(cpu.slice(-ctx.runs)))})`,
    ];
    return withPeer('logistic-1m-x20', n, m, notes, await sklearnLogistic(ctx, 'synthetic', X, y), median(cpu.slice(-ctx.runs)));
  },
};

const kaplanMeierTask: BenchTask = {
  name: 'kaplan-meier-1m',
  description: 'kaplanMeier(1,000,000 durations (0.1-unit grid, ~30% censored), events, { groups: 2 plans }) — curves, bands, log-rank',
  defaultRuns: 7,
  run(ctx): Promise<TaskResult> {
    const n = ctx.data.sizes.log.rows;
    const rng = createRandom(62);
    const durations = new Float64Array(n);
    const events = new Uint8Array(n);
    const groups = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const annual = rng.next() < 0.4;
      durations[i] = Math.round(rng.exponential(annual ? 0.008 : 0.012) * 10) / 10;
      events[i] = rng.next() < 0.7 ? 1 : 0;
      groups[i] = annual ? 'annual' : 'monthly';
    }
    const cpu: number[] = [];
    const plain = measure(cpuTimed(() => kaplanMeier(durations, events), cpu), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'kaplan-meier-1m', log: ctx.say });
    const grouped = measure(() => kaplanMeier(durations, events, { groups }), { runs: 3, warmup: 0, gc: ctx.gc, label: 'kaplan-meier-1m (2 groups + log-rank)', log: ctx.say });
    const notes = [
      formatRate(n, plain.stats.median),
      `${plain.result.time.length} distinct times, median ${plain.result.median}`,
      `< 300 ms ${plain.stats.median < CLASSIFY_TARGETS.kaplanMeierMs ? '✓' : '✗'} (CPU time ${formatMs(median(cpu.slice(-ctx.runs)))})`,
      `with 2 groups + log-rank: ${formatMs(grouped.stats.median)} (χ² ${grouped.result.logRank?.statistic.toFixed(1) ?? '—'})`,
      'no peer (lifelines is not installed on this machine)',
    ];
    return Promise.resolve({ task: 'kaplan-meier-1m', rows: n, samplesMs: plain.samplesMs, stats: plain.stats, notes, details: { groupedMedianMs: grouped.stats.median } });
  },
};

export const classifyTasks: readonly BenchTask[] = [logisticTelcoTask, logisticLargeTask, kaplanMeierTask];
