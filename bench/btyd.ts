/**
 * Benchmarks of BG/NBD and MBG/NBD (`fitBetaGeo`, `fitModifiedBetaGeo`): the fits on CDNOW
 * beside lifetimes' `BetaGeoFitter` / `ModifiedBetaGeoFitter` in the same session, the BG/NBD fit
 * on a 1,000,000-customer simulated summary beside lifetimes on the same summary (a CSV written
 * for it), and batch predictions for 1,000,000 customers.
 *
 * The 1M summary: BG/NBD customers (r 0.243, α 4.414, a 0.793, b 2.426, seed 2026) acquired over
 * 12 weeks and observed to week 39, with purchase times on whole days, in weeks (days / 7) — the
 * form `summarize(..., { unit: 'week' })` gives for daily data. It has about 108,000 distinct
 * (x, t_x, T) triples, so the fit's cost follows those, not the million rows.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fitBetaGeo, simulateBetaGeo, type BetaGeoModel } from '../src/models/btyd/betaGeo.js';
import { fitModifiedBetaGeo, type ModifiedBetaGeoModel } from '../src/models/btyd/modifiedBetaGeo.js';
import { CACHE_DIR, REPO_ROOT } from './data.js';
import { formatInt, formatMs, measure, stats } from './harness.js';
import { PEER_DIR, PEER_PYTHON, type PeerResult } from './peer.js';
import type { BenchTask, TaskResult } from './tasks.js';

const execFileAsync = promisify(execFile);

/** Targets from issue 5. */
export const BTYD_TARGETS = { cdnowFitMs: 10, millionFitMs: 2000, millionVsLifetimes: 20, predictMs: 300 } as const;

const CDNOW = path.join(process.env['CLMKIT_DATASETS'] ?? path.resolve(REPO_ROOT, '../shared/datasets'), 'cdnow', 'cdnow_customers_summary.csv');

interface Columns {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
}

function readCdnow(): Columns {
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

const TRUTH = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } as const;
let millionCache: Columns | undefined;
/** The 1,000,000-customer summary described in the module comment. */
function millionSummary(n: number): Columns {
  if (millionCache?.T.length === n) return millionCache;
  const T = Float64Array.from({ length: n }, (_, i) => (273 - (i % 84)) / 7);
  const s = simulateBetaGeo({ params: TRUTH, T, seed: 2026 });
  const recency = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (s.frequency[i] > 0) recency[i] = Math.min(Math.ceil(s.recency[i] * 7), Math.round(T[i] * 7)) / 7;
  }
  millionCache = { frequency: s.frequency, recency, T };
  return millionCache;
}

/** lifetimes' fitter on a CSV, in one Python process: `runs` timed fits after one warm-up fit. */
const PEER_SCRIPT = `
import json, sys, time, warnings
warnings.filterwarnings("ignore")
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import numpy as np, pandas as pd
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter
Fitter = {"bg": BetaGeoFitter, "mbg": ModifiedBetaGeoFitter}[sys.argv[3]]
df = pd.read_csv(sys.argv[2])
runs = int(sys.argv[4])
warm = sys.argv[5] == "1"
x, tx, T = df["frequency"].values.astype(float), df["recency"].values, df["T"].values
if warm:
    Fitter().fit(x, tx, T)
ms = []
for _ in range(runs):
    t0 = time.perf_counter()
    f = Fitter().fit(x, tx, T)
    ms.append((time.perf_counter() - t0) * 1000)
p = [float(f.params_[k]) for k in ("r", "alpha", "a", "b")]
print(json.dumps({"samplesMs": ms, "params": p}))
`;

async function lifetimesFit(
  csv: string,
  kind: 'bg' | 'mbg',
  runs: number,
  warm: boolean,
  customers: number,
  say: (m: string) => void,
): Promise<{ peer: PeerResult; note: string | undefined }> {
  if (!existsSync(PEER_PYTHON)) return { peer: { ok: false, reason: `${PEER_PYTHON} not found` }, note: undefined };
  const vendor = path.join(PEER_DIR, 'vendor');
  if (!existsSync(vendor)) return { peer: { ok: false, reason: `${vendor} not found` }, note: undefined };
  say(`lifetimes: timing ${kind === 'bg' ? 'BetaGeoFitter' : 'ModifiedBetaGeoFitter'}.fit on ${path.basename(csv)} (${runs} run(s)${warm ? ' after one warm-up' : ''})…`);
  try {
    const { stdout } = await execFileAsync(PEER_PYTHON, ['-c', PEER_SCRIPT, vendor, csv, kind, String(runs), warm ? '1' : '0'], {
      timeout: 20 * 60_000,
      maxBuffer: 1 << 20,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { samplesMs: number[]; params: number[] };
    const note = `lifetimes: r ${out.params[0].toFixed(6)}, α ${out.params[1].toFixed(6)}, a ${out.params[2].toFixed(6)}, b ${out.params[3].toFixed(6)}`;
    return { peer: { ok: true, samplesMs: out.samplesMs, stats: stats(out.samplesMs), customers }, note };
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { peer: { ok: false, reason: why }, note: undefined };
  }
}

/**
 * Wrap `fn` to record the process CPU time of each call (user + system, ms). On a machine shared
 * with other work, wall time inflates with the load; CPU time much less so — both are reported.
 */
function cpuTimed<T>(fn: () => T): { fn: () => T; median: () => number } {
  const samples: number[] = [];
  return {
    fn: () => {
      const u0 = process.cpuUsage();
      const out = fn();
      const u = process.cpuUsage(u0);
      samples.push((u.user + u.system) / 1000);
      return out;
    },
    median: () => stats(samples).median,
  };
}

const describeFit = (m: BetaGeoModel | ModifiedBetaGeoModel): string =>
  `r ${m.params.r.toFixed(6)}, α ${m.params.alpha.toFixed(6)}, a ${m.params.a.toFixed(6)}, b ${m.params.b.toFixed(6)}, LL ${m.logLikelihood.toFixed(4)}, ${m.iterations} iterations`;

function cdnowTask(kind: 'bg' | 'mbg'): BenchTask {
  const name = kind === 'bg' ? 'btyd-bgnbd-fit-cdnow' : 'btyd-mbgnbd-fit-cdnow';
  const fit = kind === 'bg' ? fitBetaGeo : fitModifiedBetaGeo;
  return {
    name,
    description: `${kind === 'bg' ? 'fitBetaGeo' : 'fitModifiedBetaGeo'} on the CDNOW summary (2,357 customers, weeks) — beside lifetimes (same session)`,
    defaultRuns: 21,
    async run(ctx): Promise<TaskResult> {
      if (!existsSync(CDNOW)) throw new Error(`${CDNOW} not found (the CDNOW reference data live in ../shared/datasets)`);
      const data = readCdnow();
      // The first call is timed on its own (a cold process: parsing, unoptimised code); the timed
      // runs then follow 20 warm-up fits, as lifetimes' runs follow its warm-up in a warm process.
      const t0 = performance.now();
      fit(data);
      const coldMs = performance.now() - t0;
      const cpu = cpuTimed(() => fit(data));
      const m = measure(cpu.fn, { runs: ctx.runs, warmup: Math.max(ctx.warmup, 20), gc: ctx.gc, label: name, log: ctx.say });
      const notes = [`ours: ${describeFit(m.result)}`, `first (cold) fit ${formatMs(coldMs)}`, `CPU time median ${formatMs(cpu.median())}`];
      if (kind === 'bg') notes.push(`< ${BTYD_TARGETS.cdnowFitMs} ms ${m.stats.median < BTYD_TARGETS.cdnowFitMs ? '✓' : '✗'}`);
      const reason = await ctx.peer.unavailableReason();
      const { peer, note } =
        reason === undefined ? await lifetimesFit(CDNOW, kind, ctx.peerRuns, true, 2357, ctx.say) : { peer: { ok: false as const, reason }, note: undefined };
      if (note !== undefined) notes.push(note);
      return { task: name, rows: 2357, samplesMs: m.samplesMs, stats: m.stats, peer, notes, details: { logLikelihood: m.result.logLikelihood } };
    },
  };
}

const millionFitTask: BenchTask = {
  name: 'btyd-bgnbd-fit-1m',
  description: 'fitBetaGeo on a 1,000,000-customer simulated summary (weeks, whole days) — beside lifetimes BetaGeoFitter on the same summary (one fit)',
  defaultRuns: 5,
  async run(ctx): Promise<TaskResult> {
    const n = ctx.data.sizes.log.rows;
    const data = millionSummary(n);
    const cpu = cpuTimed(() => fitBetaGeo(data));
    const m = measure(cpu.fn, { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: 'btyd-bgnbd-fit-1m', log: ctx.say });
    const notes = [`ours: ${describeFit(m.result)}`, `CPU time median ${formatMs(cpu.median())}`, `< ${BTYD_TARGETS.millionFitMs} ms ${m.stats.median < BTYD_TARGETS.millionFitMs ? '✓' : '✗'}`];
    const reason = await ctx.peer.unavailableReason();
    if (reason !== undefined) {
      return { task: 'btyd-bgnbd-fit-1m', rows: n, samplesMs: m.samplesMs, stats: m.stats, peer: { ok: false, reason }, notes, details: {} };
    }
    mkdirSync(CACHE_DIR, { recursive: true });
    const csv = path.join(CACHE_DIR, `bgnbd-summary-${n}-s2026.csv`);
    if (!existsSync(csv)) {
      const lines = ['frequency,recency,T'];
      for (let i = 0; i < n; i++) lines.push(`${data.frequency[i]},${data.recency[i]},${data.T[i]}`);
      writeFileSync(csv, lines.join('\n') + '\n');
    }
    // lifetimes takes tens of seconds here: one fit, no warm-up.
    const { peer, note } = await lifetimesFit(csv, 'bg', 1, false, n, ctx.say);
    if (note !== undefined) notes.push(note);
    if (peer.ok) {
      const ratio = peer.stats.median / m.stats.median;
      notes.push(`${ratio.toFixed(0)}× faster than lifetimes; ≥ ${BTYD_TARGETS.millionVsLifetimes}× ${ratio >= BTYD_TARGETS.millionVsLifetimes ? '✓' : '✗'}`);
    }
    return { task: 'btyd-bgnbd-fit-1m', rows: n, samplesMs: m.samplesMs, stats: m.stats, peer, notes, details: { logLikelihood: m.result.logLikelihood } };
  },
};

function predictTask(which: 'alive' | 'conditional'): BenchTask {
  const name = which === 'alive' ? 'btyd-bgnbd-alive-1m' : 'btyd-bgnbd-conditional-1m';
  return {
    name,
    description:
      which === 'alive'
        ? 'BetaGeoModel.probabilityAlive for 1,000,000 customers (columns)'
        : 'BetaGeoModel.conditionalExpectedPurchases(39, …) for 1,000,000 customers (columns)',
    defaultRuns: 7,
    run(ctx): Promise<TaskResult> {
      const n = ctx.data.sizes.log.rows;
      const data = millionSummary(n);
      const model = fitBetaGeo(data);
      const cpu = cpuTimed(() => (which === 'alive' ? model.probabilityAlive(data) : model.conditionalExpectedPurchases(39, data)));
      const m = measure(cpu.fn, { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: name, log: ctx.say });
      const notes = [
        `${formatInt(n)} customers`,
        `< ${BTYD_TARGETS.predictMs} ms ${m.stats.median < BTYD_TARGETS.predictMs ? '✓' : '✗'}`,
        `CPU time median ${formatMs(cpu.median())}`,
      ];
      return Promise.resolve({ task: name, rows: n, samplesMs: m.samplesMs, stats: m.stats, notes, details: {} });
    },
  };
}

export const btydTasks: readonly BenchTask[] = [cdnowTask('bg'), cdnowTask('mbg'), millionFitTask, predictTask('alive'), predictTask('conditional')];
