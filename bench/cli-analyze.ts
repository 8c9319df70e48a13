/**
 * Benchmark of the `clmkit analyze` analysis step (`analyze()` of src/cli/analyze.ts) on a
 * 10,000,000-row transaction table, step by step, with its peak RSS. The table is what the CSV
 * reader would hand over for the output of `clmkit simulate`: string ids interned (one string per
 * customer), epoch-ms timestamps and amounts in typed arrays, customers' rows together.
 *
 * The timed run happens in a child process (`node --import tsx bench/cli-analyze.ts --child N`),
 * so that its peak RSS is the analysis's own (table included) and not the harness's.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, DEFAULT_SETTINGS } from '../src/cli/analyze.js';
import type { TransactionTable } from '../src/cli/types.js';
import { encodeCustomerIds } from '../src/cli/read.js';
import { createRandom } from '../src/math/random.js';
import { formatInt, formatMB, formatMs, stats } from './harness.js';
import type { BenchTask, TaskResult } from './tasks.js';

/** Targets (issue 10): the whole command under 60 s and 1 GB; the analysis's share of the time. */
export const CLI_ANALYZE_TARGETS = { analyzeMs: 35_000 } as const;

/**
 * A simulated log of exactly `rows` rows as a {@link TransactionTable}: the process of
 * `clmkit simulate` (BG/NBD purchases and gamma-gamma spend at CDNOW's published estimates, per
 * day; customers acquired uniformly over the first 365 of 730 days from 2023-01-01), customers
 * generated until there are `rows` rows (the last one cut short).
 */
export function simulatedTable(rows: number, seed: number): TransactionTable {
  const rng = createRandom(seed);
  const { r, alpha, a, b } = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };
  const spend = { p: 6.25, q: 3.74, gamma: 15.44 };
  const days = 730;
  const startMs = Date.UTC(2023, 0, 1);
  const customerId = new Array<string>(rows);
  const timestamp = new Float64Array(rows);
  const amount = new Float64Array(rows);
  const line = new Int32Array(rows);
  let n = 0;
  const push = (id: string, t: number, nu: number): void => {
    customerId[n] = id;
    timestamp[n] = startMs + Math.floor(t * 86_400) * 1000;
    amount[n] = Math.max(1, Math.round(rng.gamma(spend.p, 1 / nu) * 100)) / 100;
    line[n] = n + 2;
    n++;
  };
  for (let i = 1; n < rows; i++) {
    const id = `C${String(i).padStart(8, '0')}`;
    // The draw order of `clmkit simulate`: acquisition, λ, p, ν, then purchases.
    let t = rng.next() * 365;
    const lambda = rng.gamma(r, 1 / alpha);
    const p = rng.beta(a, b);
    const nu = rng.gamma(spend.q, 1 / spend.gamma);
    push(id, t, nu);
    while (n < rows) {
      t += rng.exponential(lambda);
      if (t >= days) break;
      push(id, t, nu);
      if (rng.next() < p) break;
    }
  }
  return {
    rows,
    ...encodeCustomerIds(customerId),
    timestamp,
    amount,
    line,
    columns: {
      customer: 'customer_id',
      date: 'date',
      amount: 'amount',
      detected: { customer: true, date: true, amount: true },
      available: ['customer_id', 'date', 'amount'],
    },
    badCells: [],
    badCellCounts: {},
    source: `simulated (${rows} rows, seed ${seed})`,
    bytes: 0,
    format: 'sample',
  };
}

/** What the child process reports. */
interface ChildResult {
  readonly rows: number;
  readonly customers: number;
  readonly generateMs: number;
  readonly analyzeMs: number;
  /** CPU time of the analysis (user + system, every thread: V8's GC runs beside the main one). */
  readonly cpuMs: number;
  readonly steps: readonly { readonly step: string; readonly ms: number }[];
  /** Peak RSS so far at the start of each step, and at the end. */
  readonly peaks: readonly { readonly step: string; readonly peakRssBytes: number }[];
  readonly peakRssBytes: number;
  readonly tableRssBytes: number;
}

function child(rows: number, seed: number, holdout: string | undefined): void {
  const t0 = performance.now();
  const table = simulatedTable(rows, seed);
  const generateMs = performance.now() - t0;
  globalThis.gc?.();
  const tableRssBytes = process.memoryUsage().rss;
  // Peak RSS so far at the start of each step (and at the end): the peak of each step is the
  // next entry's value when it rose.
  const peaks: { step: string; peakRssBytes: number }[] = [];
  const mark = (step: string): void => {
    peaks.push({ step, peakRssBytes: process.resourceUsage().maxRSS * 1024 });
  };
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  // As the command line runs it: the table handed over, a full GC between steps.
  const gc = globalThis.gc;
  const result = analyze(table, { ...DEFAULT_SETTINGS, holdout }, { onStep: mark, consume: true, ...(gc === undefined ? {} : { collectGarbage: () => { gc(); } }) });
  const cpu = process.cpuUsage(c1);
  mark('end');
  const analyzeMs = performance.now() - t1;
  const out: ChildResult = {
    rows,
    customers: result.overview.customers,
    generateMs,
    analyzeMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    steps: result.timings.steps,
    peaks,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    tableRssBytes,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const HERE = fileURLToPath(import.meta.url);

function runChild(rows: number, seed: number, holdout: string | undefined, say: (m: string) => void): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', '--import', 'tsx', HERE, '--child', String(rows), String(seed), ...(holdout === undefined ? [] : [holdout])];
    const p = spawn(process.execPath, args, { cwd: path.dirname(path.dirname(HERE)), stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`cli-analyze child exited with ${String(code)}`));
        return;
      }
      const result = JSON.parse(text.trim().split('\n').at(-1)!) as ChildResult;
      say(`analyze ${formatInt(rows)} rows: ${formatMs(result.analyzeMs)}, peak RSS ${formatMB(result.peakRssBytes)}`);
      resolve(result);
    });
  });
}

function task(name: string, holdout: string | undefined): BenchTask {
  return {
    name,
    description: `analyze() of clmkit analyze on a 10,000,000-row simulated table (string ids)${holdout === undefined ? '' : `, holdout ${holdout}`} — child process, as the CLI runs it (table handed over, GC between steps)`,
    defaultRuns: 1,
    async run(ctx): Promise<TaskResult> {
      const rows = ctx.data.sizes.stream.rows;
      const samples: number[] = [];
      let last: ChildResult | undefined;
      for (let k = 0; k < ctx.runs; k++) {
        last = await runChild(rows, 7, holdout, ctx.say);
        samples.push(last.analyzeMs);
      }
      const r = last!;
      const steps = r.steps.map((s) => `${s.step} ${formatMs(s.ms)}`).join(', ');
      const notes = [
        `${formatInt(r.customers)} customers`,
        `CPU ${formatMs(r.cpuMs)}`,
        `peak RSS ${formatMB(r.peakRssBytes)}, generating the table from strings included (RSS after it ${formatMB(r.tableRssBytes)}; the memory target is cli-e2e-10m's)`,
        `< 35 s ${r.analyzeMs < CLI_ANALYZE_TARGETS.analyzeMs ? '✓' : '✗'}`,
        steps,
      ];
      const details: Record<string, number> = { customers: r.customers, cpuMs: r.cpuMs, peakRssBytes: r.peakRssBytes, tableRssBytes: r.tableRssBytes };
      for (const s of r.steps) details[`ms:${s.step}`] = s.ms;
      return { task: name, rows, samplesMs: samples, stats: stats(samples), notes, details };
    },
  };
}

/** The tasks, for bench/run.ts. */
export const cliAnalyzeTasks: readonly BenchTask[] = [task('cli-analyze-10m', undefined), task('cli-analyze-10m-holdout', '2024-06-30')];

if (process.argv[2] === '--child') {
  child(Number(process.argv[3]), Number(process.argv[4]), process.argv[5]);
}
