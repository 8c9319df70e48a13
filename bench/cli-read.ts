/**
 * Benchmarks of the `clmkit analyze` reader (src/cli/read.ts):
 *
 * - `cli-read-10m`: `readTransactions` on a 10,000,000-row CSV (`C0001234,2024-03-05,12.34`
 *   lines, ~3,000,000 customers, dates over two years in time order, customers drawn at random:
 *   the interner's worst case), in a child process so that its peak RSS is the reader's own.
 * - `cli-read-1m`: `readTransactions` beside the library's generic `readCsvRecords`
 *   (src/data/csv.ts; records with `numbers: ['amount']`, then ids interned through a `Map` and
 *   dates parsed with `parseIsoTimestamp` into the same columns) on a 1,000,000-row log from the
 *   same generator.
 *
 * Both files are written once to `.bench-cache/` from a seeded generator (`createRandom`).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsvRecords } from '../src/data/csv.js';
import { parseIsoTimestamp } from '../src/data/time.js';
import { readTransactions } from '../src/cli/read.js';
import { createRandom } from '../src/math/random.js';
import { CACHE_DIR, REPO_ROOT } from './data.js';
import { formatInt, formatMB, formatMs, formatRate, sizeLabel, stats } from './harness.js';
import type { BenchTask, TaskResult } from './tasks.js';

/** Targets (issue 10 brief): ≥ 1.5 M rows/s on the 10M-row file; the whole CLI under 1 GB. */
export const CLI_READ_TARGETS = { rowsPerSecond: 1.5e6, peakRssBytes: 1e9 } as const;

/** Bump when the generator changes (part of the cache file name). */
const VERSION = 1;
const SEED = 61;
const DAY_MS = 86_400_000;

function* csvChunks(rows: number, seed: number): Generator<string> {
  const rng = createRandom(seed);
  const customers = Math.max(1, Math.round(rows * 0.3));
  const start = Date.UTC(2023, 0, 1);
  const days = 731;
  yield 'customer_id,date,amount\n';
  let day = -1;
  let date = '';
  for (let i = 0; i < rows; i += 16_384) {
    let chunk = '';
    const end = Math.min(rows, i + 16_384);
    for (let r = i; r < end; r++) {
      const d = Math.floor((r * days) / rows);
      if (d !== day) {
        day = d;
        date = new Date(start + d * DAY_MS).toISOString().slice(0, 10);
      }
      const c = rng.int(customers);
      const u = rng.next();
      chunk += `C${String(c).padStart(7, '0')},${date},${(Math.round(100 + 19_900 * u * u) / 100).toFixed(2)}\n`;
    }
    yield chunk;
  }
}

/** The cached CSV of `rows` rows (written once, through a temporary name; `<file>.done` marks it complete). */
export async function ensureCliReadCsv(rows: number, say: (m: string) => void): Promise<string> {
  const file = path.join(CACHE_DIR, `cli-read-${sizeLabel(rows)}-s${SEED}-v${VERSION}.csv`);
  if (existsSync(file) && existsSync(`${file}.done`)) return file;
  say(`writing ${path.relative(REPO_ROOT, file)} (${formatInt(rows)} rows)…`);
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const ws = createWriteStream(tmp);
  for (const chunk of csvChunks(rows, SEED)) if (!ws.write(chunk)) await once(ws, 'drain');
  ws.end();
  await once(ws, 'finish');
  renameSync(tmp, file);
  writeFileSync(`${file}.done`, `${statSync(file).size}\n`);
  return file;
}

/** What the child process reports. */
interface ChildResult {
  readonly rows: number;
  readonly customers: number;
  readonly bytes: number;
  readonly readMs: number;
  /** Peak resident set of the child during the read (`process.resourceUsage().maxRSS`), bytes. */
  readonly peakRssBytes: number;
  /** Resident set before reading (node, tsx and clmkit loaded), bytes. */
  readonly baselineRssBytes: number;
  /** Live memory of the table after the read: V8 heap in use + external (typed arrays), after two full GCs, bytes. */
  readonly tableLiveBytes: number;
}

async function child(file: string): Promise<void> {
  globalThis.gc?.();
  const baselineRssBytes = process.memoryUsage().rss;
  const t0 = performance.now();
  const table = await readTransactions(file);
  const readMs = performance.now() - t0;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  // Array buffers are freed by a sweeper after the GC: collect twice, with a pause between.
  for (let k = 0; k < 2; k++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = process.memoryUsage();
  const out: ChildResult = {
    rows: table.rows,
    customers: new Set(table.customerCode).size - (table.customerCode.includes(0) ? 1 : 0),
    bytes: table.bytes,
    readMs,
    peakRssBytes,
    baselineRssBytes,
    tableLiveBytes: m.heapUsed + m.external,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const HERE = fileURLToPath(import.meta.url);

function runChild(file: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', HERE, '--child', file], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`cli-read child exited with ${code}`));
        return;
      }
      resolve(JSON.parse(text.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

const read10m: BenchTask = {
  name: 'cli-read-10m',
  description: 'readTransactions (clmkit analyze reader) on a 10,000,000-row CSV, ~3 M customers — child process, peak RSS',
  defaultRuns: 3,
  async run(ctx): Promise<TaskResult> {
    const rows = ctx.data.sizes.stream.rows;
    const file = await ensureCliReadCsv(rows, ctx.say);
    const samples: number[] = [];
    let last: ChildResult | undefined;
    for (let k = 0; k < ctx.runs; k++) {
      last = await runChild(file);
      ctx.say(`read ${formatInt(last.rows)} rows: ${formatMs(last.readMs)}, peak RSS ${formatMB(last.peakRssBytes)}`);
      samples.push(last.readMs);
    }
    const r = last!;
    const s = stats(samples);
    const rate = r.rows / (s.median / 1000);
    const notes = [
      formatRate(r.rows, s.median),
      `${formatInt(r.customers)} customers, ${formatMB(r.bytes)}`,
      `peak RSS ${formatMB(r.peakRssBytes)} (before reading ${formatMB(r.baselineRssBytes)}; the table's live memory afterwards ${formatMB(r.tableLiveBytes)})`,
      `≥ 1.5 M rows/s ${rate >= CLI_READ_TARGETS.rowsPerSecond ? '✓' : '✗'}`,
    ];
    const details = { customers: r.customers, bytes: r.bytes, peakRssBytes: r.peakRssBytes, tableLiveBytes: r.tableLiveBytes, baselineRssBytes: r.baselineRssBytes };
    return { task: 'cli-read-10m', rows: r.rows, samplesMs: samples, stats: s, notes, details };
  },
};

/** The generic reader into the same columns: records, then ids interned and dates parsed. */
async function genericRead(file: string): Promise<number> {
  const intern = new Map<string, string>();
  const ids: string[] = [];
  const ts: number[] = [];
  const amounts: number[] = [];
  for await (const batch of readCsvRecords(createReadStream(file, { highWaterMark: 1 << 20 }), { numbers: ['amount'] })) {
    for (const rec of batch) {
      const id = String(rec['customer_id'] ?? '');
      let known = intern.get(id);
      if (known === undefined) {
        intern.set(id, id);
        known = id;
      }
      ids.push(known);
      ts.push(parseIsoTimestamp(String(rec['date'] ?? '')));
      const a = rec['amount'];
      amounts.push(typeof a === 'number' ? a : NaN);
    }
  }
  return ids.length;
}

const read1m: BenchTask = {
  name: 'cli-read-1m',
  description: 'readTransactions vs readCsvRecords (+ interning and parseIsoTimestamp) on a 1,000,000-row CSV',
  defaultRuns: 5,
  async run(ctx): Promise<TaskResult> {
    const rows = Math.min(1_000_000, ctx.data.sizes.stream.rows);
    const file = await ensureCliReadCsv(rows, ctx.say);
    const ours: number[] = [];
    const peer: number[] = [];
    for (let k = 0; k < ctx.warmup + ctx.runs; k++) {
      if (ctx.gc) globalThis.gc?.();
      let t0 = performance.now();
      const table = await readTransactions(file);
      const a = performance.now() - t0;
      if (ctx.gc) globalThis.gc?.();
      t0 = performance.now();
      const n = await genericRead(file);
      const b = performance.now() - t0;
      if (n !== table.rows) throw new Error(`cli-read-1m: readCsvRecords read ${n} rows, readTransactions ${table.rows}`);
      if (k >= ctx.warmup) {
        ours.push(a);
        peer.push(b);
      }
    }
    const s = stats(ours);
    const ps = stats(peer);
    const notes = [formatRate(rows, s.median), `readCsvRecords ${formatRate(rows, ps.median)}`, `${(ps.median / s.median).toFixed(1)}× faster`];
    return { task: 'cli-read-1m', rows, samplesMs: ours, stats: s, peer: { ok: true, samplesMs: peer, stats: ps, customers: 0 }, notes, details: { bytes: statSync(file).size } };
  },
};

/** The tasks, for bench/run.ts. */
export const cliReadTasks: readonly BenchTask[] = [read10m, read1m];

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
}
