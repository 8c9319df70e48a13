/**
 * Benchmarks of the `clmkit` command line end to end, as a user runs it: the built binary
 * (`dist/cli.js`, so run `npm run build` first) in a fresh process, timed from spawn to exit.
 *
 * - `cli-e2e-cdnow`: `clmkit analyze` on CDNOW's 69,659 transactions (written once to CSV in
 *   the cache from ../shared/datasets/cdnow/CDNOW_master.txt), beside the same job in Python with
 *   lifetimes (pandas read_csv → summary_data_from_transaction_data → BetaGeoFitter →
 *   GammaGammaFitter → customer_lifetime_value), also timed from spawn to exit.
 * - `cli-e2e-10m`: `clmkit analyze` on a 10,000,000-row CSV written once by `clmkit simulate`;
 *   wall time and the child's peak RSS (its own `process.resourceUsage().maxRSS`, reported in the
 *   JSON result).
 *
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CACHE_DIR, REPO_ROOT } from './data.js';
import { formatInt, formatMs, stats } from './harness.js';
import { PEER_DIR, PEER_PYTHON, type PeerResult } from './peer.js';
import type { BenchTask, TaskResult } from './tasks.js';

const execFileAsync = promisify(execFile);

/** Targets from issue 10 (bytes in decimal GB, as every MB/GB target in BENCHMARKS.md). */
export const CLI_TARGETS = { cdnowMs: 2000, tenMillionMs: 60_000, tenMillionRssBytes: 1e9 } as const;

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const CDNOW = path.join(process.env['CLMKIT_DATASETS'] ?? path.resolve(REPO_ROOT, '../shared/datasets'), 'cdnow', 'CDNOW_master.txt');

function requireCli(): void {
  if (!existsSync(CLI)) throw new Error(`${path.relative(REPO_ROOT, CLI)} not found: run npm run build first`);
}

/** CDNOW_master.txt (whitespace-separated, no header) as `customer_id,date,amount` CSV, once. */
function ensureCdnowCsv(): string {
  const file = path.join(CACHE_DIR, 'cdnow-master.csv');
  if (existsSync(file)) return file;
  mkdirSync(CACHE_DIR, { recursive: true });
  let out = 'customer_id,date,amount\n';
  for (const line of readFileSync(CDNOW, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 4 && /^\d+$/.test(f[1])) out += `${f[0]},${f[1]},${f[3]}\n`; // not the header line
  }
  writeFileSync(`${file}.tmp`, out);
  renameSync(`${file}.tmp`, file);
  return file;
}

interface CliRun {
  readonly ms: number;
  readonly result: { overview: { customers: number; transactions: number }; timings: { peakRssBytes: number; steps: { step: string; ms: number }[] } };
}

/** Spawns `node dist/cli.js <args> --json --quiet` and times it from spawn to exit. */
async function runCli(args: readonly string[]): Promise<CliRun> {
  const t0 = performance.now();
  const chunks: Buffer[] = [];
  let stderr = '';
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (c) => { resolve(c ?? -1); });
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`clmkit ${args.join(' ')} exited with ${code}: ${stderr.trim()}`);
  return { ms, result: JSON.parse(Buffer.concat(chunks).toString('utf8')) as CliRun['result'] };
}

/** The same job with lifetimes, in a fresh Python process per run (timed from spawn to exit). */
const PEER_SCRIPT = `
import sys, warnings
warnings.filterwarnings("ignore")
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
df = pd.read_csv(sys.argv[2], dtype={"customer_id": str, "date": str})
df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
s = summary_data_from_transaction_data(df, "customer_id", "date", "amount", freq="W", observation_period_end=sys.argv[3])
bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
r = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]  # as clmkit: repeat buyers with a positive spend
gg = GammaGammaFitter().fit(r["frequency"], r["monetary_value"])
clv = gg.customer_lifetime_value(bg, s["frequency"], s["recency"], s["T"], s["monetary_value"], time=12, discount_rate=0.01, freq="W")
print(len(s), float(clv.sum()))
`;

async function lifetimesJob(csv: string, end: string, runs: number, customers: number, say: (m: string) => void): Promise<PeerResult> {
  if (!existsSync(PEER_PYTHON)) return { ok: false, reason: `${PEER_PYTHON} not found` };
  const vendor = path.join(PEER_DIR, 'vendor');
  if (!existsSync(vendor)) return { ok: false, reason: `${vendor} not found` };
  const samples: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await execFileAsync(PEER_PYTHON, ['-c', PEER_SCRIPT, vendor, csv, end], { timeout: 10 * 60_000 });
      samples.push(performance.now() - t0);
      say(`lifetimes end to end: run ${r + 1}/${runs} ${formatMs(samples[samples.length - 1])}`);
    }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
  return { ok: true, samplesMs: samples, stats: stats(samples), customers };
}

const cdnowTask: BenchTask = {
  name: 'cli-e2e-cdnow',
  description: 'clmkit analyze on CDNOW (69,659 rows, CSV) from spawn to exit — beside lifetimes doing read → summary → BG/NBD → Gamma-Gamma → CLV',
  defaultRuns: 5,
  async run(ctx): Promise<TaskResult> {
    requireCli();
    if (!existsSync(CDNOW)) throw new Error(`${CDNOW} not found (the CDNOW dataset is needed for this task)`);
    const csv = ensureCdnowCsv();
    const args = ['analyze', csv, '--end', '1998-06-30'];
    let last: CliRun | undefined;
    const samples: number[] = [];
    for (let r = 0; r < ctx.warmup + ctx.runs; r++) {
      last = await runCli(args);
      ctx.say(`cli-e2e-cdnow: run ${r + 1}: ${formatMs(last.ms)}`);
      if (r >= ctx.warmup) samples.push(last.ms);
    }
    const res = last!.result;
    const noPeer = await ctx.peer.unavailableReason();
    const peer: PeerResult = noPeer !== undefined ? { ok: false, reason: noPeer } : await lifetimesJob(csv, '1998-06-30', ctx.peerRuns, res.overview.customers, ctx.say);
    const median = stats(samples).median;
    return {
      task: 'cli-e2e-cdnow',
      rows: res.overview.transactions,
      samplesMs: samples,
      stats: stats(samples),
      peer,
      notes: [
        `${formatInt(res.overview.customers)} customers; target < ${formatMs(CLI_TARGETS.cdnowMs)}: ${median < CLI_TARGETS.cdnowMs ? '✓' : '✗'}`,
        `steps: ${res.timings.steps.map((s) => `${s.step} ${formatMs(s.ms)}`).join(', ')}`,
      ],
      details: { customers: res.overview.customers, peakRssBytes: res.timings.peakRssBytes },
    };
  },
};

const tenMillionTask: BenchTask = {
  name: 'cli-e2e-10m',
  description: 'clmkit analyze on a 10,000,000-row simulated CSV (written once by clmkit simulate) from spawn to exit, with peak RSS',
  defaultRuns: 1,
  async run(ctx): Promise<TaskResult> {
    requireCli();
    const customers = ctx.data.sizes.stream.rows >= 10_000_000 ? 3_510_000 : 70_000; // ≈ 2.85 rows per customer: just over 10M rows
    const file = path.join(CACHE_DIR, `cli-sim-${customers}.csv`);
    if (!existsSync(file)) {
      mkdirSync(CACHE_DIR, { recursive: true });
      ctx.say(`writing ${path.relative(REPO_ROOT, file)} with clmkit simulate…`);
      await execFileAsync(process.execPath, [CLI, 'simulate', '--customers', String(customers), '--seed', '1', '-o', `${file}.tmp`], { timeout: 10 * 60_000 });
      renameSync(`${file}.tmp`, file);
    }
    const samples: number[] = [];
    const rss: number[] = [];
    let last: CliRun | undefined;
    for (let r = 0; r < ctx.warmup + ctx.runs; r++) {
      last = await runCli(['analyze', file]);
      ctx.say(`cli-e2e-10m: run ${r + 1}: ${formatMs(last.ms)}, peak RSS ${(last.result.timings.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
      if (r >= ctx.warmup) {
        samples.push(last.ms);
        rss.push(last.result.timings.peakRssBytes);
      }
    }
    const res = last!.result;
    const peak = Math.max(...rss);
    const median = stats(samples).median;
    return {
      task: 'cli-e2e-10m',
      rows: res.overview.transactions,
      samplesMs: samples,
      stats: stats(samples),
      notes: [
        `${formatInt(res.overview.customers)} customers, ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB CSV; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`,
        `targets < 60 s: ${median < CLI_TARGETS.tenMillionMs ? '✓' : '✗'}, RSS < 1 GB (10^9 bytes): ${peak < CLI_TARGETS.tenMillionRssBytes ? '✓' : '✗'}`,
        `steps: ${res.timings.steps.map((s) => `${s.step} ${formatMs(s.ms)}`).join(', ')}`,
      ],
      details: { customers: res.overview.customers, peakRssBytes: peak },
    };
  },
};

/** The command-line tasks, registered in bench/run.ts. */
export const cliTasks: readonly BenchTask[] = [cdnowTask, tenMillionTask];
