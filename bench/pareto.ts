/**
 * Benchmarks of the Pareto/NBD model (`fitParetoNbd`): the fit on CDNOW beside lifetimes'
 * `ParetoNBDFitter` in the same session, parameter recovery on 50,000 simulated customers, and
 * batch predictions for 1,000,000 customers.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fitParetoNbd, paretoNbdLogLikelihood, simulateParetoNbd, type ParetoNbdModel } from '../src/models/btyd/paretoNbd.js';
import { REPO_ROOT } from './data.js';
import { formatInt, formatMs, measure, stats } from './harness.js';
import { PEER_DIR, PEER_PYTHON, type PeerResult } from './peer.js';
import type { BenchTask, TaskResult } from './tasks.js';

const execFileAsync = promisify(execFile);

/** Targets from issue 5. */
export const PARETO_TARGETS = { cdnowFitMs: 100 } as const;

const CDNOW = path.join(process.env['CLMKIT_DATASETS'] ?? path.resolve(REPO_ROOT, '../shared/datasets'), 'cdnow', 'cdnow_customers_summary.csv');

function readCdnow(): { frequency: Float64Array; recency: Float64Array; T: Float64Array } {
  const lines = readFileSync(CDNOW, 'utf8').trim().split(/\r?\n/).slice(1);
  const n = lines.length;
  const out = { frequency: new Float64Array(n), recency: new Float64Array(n), T: new Float64Array(n) };
  lines.forEach((line, i) => {
    const f = line.split(',');
    out.frequency[i] = Number(f[1]);
    out.recency[i] = Number(f[2]);
    out.T[i] = Number(f[3]);
  });
  return out;
}

/**
 * lifetimes' ParetoNBDFitter().fit on the same CSV, timed in one Python process (median of
 * `runs` fits after one warm-up fit); prints JSON.
 */
const PEER_SCRIPT = `
import json, sys, time, warnings
warnings.filterwarnings("ignore")
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import pandas as pd
from lifetimes import ParetoNBDFitter
df = pd.read_csv(sys.argv[2])
runs = int(sys.argv[3])
ParetoNBDFitter().fit(df["frequency"], df["recency"], df["T"])
ms = []
for _ in range(runs):
    t0 = time.perf_counter()
    f = ParetoNBDFitter().fit(df["frequency"], df["recency"], df["T"])
    ms.append((time.perf_counter() - t0) * 1000)
x, tx, T = df["frequency"].values.astype(float), df["recency"].values, df["T"].values
p = [f.params_[k] for k in ("r", "alpha", "s", "beta")]
ll = float(ParetoNBDFitter._conditional_log_likelihood(p, x, tx, T).sum())
print(json.dumps({"samplesMs": ms, "params": p, "logLikelihood": ll}))
`;

async function lifetimesPareto(runs: number, say: (m: string) => void): Promise<{ peer: PeerResult; note: string | undefined }> {
  if (!existsSync(PEER_PYTHON)) return { peer: { ok: false, reason: `${PEER_PYTHON} not found` }, note: undefined };
  const vendor = path.join(PEER_DIR, 'vendor');
  if (!existsSync(vendor)) return { peer: { ok: false, reason: `${vendor} not found` }, note: undefined };
  say(`lifetimes: timing ParetoNBDFitter.fit on CDNOW (${runs} runs after one warm-up)…`);
  try {
    const { stdout } = await execFileAsync(PEER_PYTHON, ['-c', PEER_SCRIPT, vendor, CDNOW, String(runs)], { timeout: 10 * 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { samplesMs: number[]; params: number[]; logLikelihood: number };
    const note = `lifetimes: r ${out.params[0].toFixed(6)}, α ${out.params[1].toFixed(6)}, s ${out.params[2].toFixed(6)}, β ${out.params[3].toFixed(6)}, LL ${out.logLikelihood.toFixed(4)}`;
    return { peer: { ok: true, samplesMs: out.samplesMs, stats: stats(out.samplesMs), customers: 2357 }, note };
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { peer: { ok: false, reason: why }, note: undefined };
  }
}

const describeFit = (m: ParetoNbdModel): string =>
  `r ${m.params.r.toFixed(6)}, α ${m.params.alpha.toFixed(6)}, s ${m.params.s.toFixed(6)}, β ${m.params.beta.toFixed(6)}, LL ${m.logLikelihood.toFixed(4)}, ${m.iterations} iterations`;

const cdnowTask: BenchTask = {
  name: 'pareto-fit-cdnow',
  description: 'fitParetoNbd on the CDNOW summary (2,357 customers, weeks) — beside lifetimes ParetoNBDFitter (same session)',
  defaultRuns: 15,
  async run(ctx): Promise<TaskResult> {
    if (!existsSync(CDNOW)) throw new Error(`${CDNOW} not found (the CDNOW reference data live in ../shared/datasets)`);
    const data = readCdnow();
    const m = measure(() => fitParetoNbd(data), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'pareto-fit-cdnow', log: ctx.say });
    const notes = [`ours: ${describeFit(m.result)}`, `< ${PARETO_TARGETS.cdnowFitMs} ms ${m.stats.median < PARETO_TARGETS.cdnowFitMs ? '✓' : '✗'}`];
    const reason = await ctx.peer.unavailableReason();
    const { peer, note } = reason === undefined ? await lifetimesPareto(ctx.peerRuns, ctx.say) : { peer: { ok: false as const, reason }, note: undefined };
    if (note !== undefined) notes.push(note);
    return { task: 'pareto-fit-cdnow', rows: 2357, samplesMs: m.samplesMs, stats: m.stats, peer, notes, details: { logLikelihood: m.result.logLikelihood } };
  },
};

const TRUTH = { r: 0.8, alpha: 8, s: 0.7, beta: 12 } as const;

const recoveryTask: BenchTask = {
  name: 'pareto-recovery-50k',
  description: 'fitParetoNbd on 50,000 customers simulated from r 0.8, α 8, s 0.7, β 12 (T 20–59 weeks, seed 11): recovery within 3 SE, LL ≥ LL(truth)',
  defaultRuns: 3,
  run(ctx): Promise<TaskResult> {
    const n = 50_000;
    const T = Float64Array.from({ length: n }, (_, i) => 20 + (i % 40));
    const sim = simulateParetoNbd({ params: TRUTH, customers: n, T, seed: 11 });
    const m = measure(() => fitParetoNbd(sim), { runs: ctx.runs, warmup: 0, gc: ctx.gc, label: 'pareto-recovery-50k', log: ctx.say });
    const fit = m.result;
    const se = fit.standardErrors;
    const within = se !== null && (['r', 'alpha', 's', 'beta'] as const).every((k) => Math.abs(fit.params[k] - TRUTH[k]) <= 3 * se[k]);
    const llTruth = paretoNbdLogLikelihood(TRUTH, sim);
    const zs = se === null ? 'no SEs' : (['r', 'alpha', 's', 'beta'] as const).map((k) => `${k} ${((fit.params[k] - TRUTH[k]) / se[k]).toFixed(2)}`).join(', ');
    const notes = [
      describeFit(fit),
      `(θ̂ − θ)/SE: ${zs}`,
      `within 3 SE ${within ? '✓' : '✗'}`,
      `LL ${fit.logLikelihood.toFixed(2)} ≥ LL(truth) ${llTruth.toFixed(2)} ${fit.logLikelihood >= llTruth ? '✓' : '✗'}`,
    ];
    return Promise.resolve({ task: 'pareto-recovery-50k', rows: n, samplesMs: m.samplesMs, stats: m.stats, notes, details: { within3se: within } });
  },
};

const predictTask: BenchTask = {
  name: 'pareto-predict-1m',
  description: 'probabilityAlive + conditionalExpectedPurchases(52) for 1,000,000 simulated customers (columns)',
  defaultRuns: 3,
  run(ctx): Promise<TaskResult> {
    const n = 1_000_000;
    const T = Float64Array.from({ length: n }, (_, i) => 1 + (i % 104));
    const sim = simulateParetoNbd({ params: TRUTH, customers: n, T, seed: 12 });
    const model = fitParetoNbd(simulateParetoNbd({ params: TRUTH, customers: 5000, T: 52, seed: 13 }));
    const pa = measure(() => model.probabilityAlive(sim), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'pareto P(alive) 1m', log: ctx.say });
    const ce = measure(() => model.conditionalExpectedPurchases(52, sim), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'pareto E[Y(52)] 1m', log: ctx.say });
    const samplesMs = pa.samplesMs.map((v, i) => v + ce.samplesMs[i]);
    const notes = [`probabilityAlive ${formatMs(pa.stats.median)}`, `conditionalExpectedPurchases ${formatMs(ce.stats.median)}`, `${formatInt(n)} customers`];
    return Promise.resolve({ task: 'pareto-predict-1m', rows: n, samplesMs, stats: stats(samplesMs), notes, details: {} });
  },
};

export const paretoTasks: readonly BenchTask[] = [cdnowTask, recoveryTask, predictTask];
