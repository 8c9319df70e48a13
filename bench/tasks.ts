/**
 * The benchmark tasks. Each builds (or reuses) its input outside the timed region, times the
 * library call, and reports notes such as rows/s and whether the targets are met.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cleanTransactions, cohortTable, summarize, type TransactionColumns, type TransactionInput, type TransactionRecord } from '../src/data/index.js';
import {
  dirtyRecords,
  ensureLogCsv,
  ensureStreamCsv,
  generateLog,
  OBSERVATION_END,
  REPO_ROOT,
  toRecords,
  type CsvFile,
  type DirtyRecords,
  type LogSpec,
  type TxLog,
} from './data.js';
import { formatInt, formatMB, formatMs, formatRate, measure, stats, type Stats } from './harness.js';
import type { LifetimesPeer, PeerResult } from './peer.js';
import type { StreamChildResult } from './stream-child.js';

/** Data sizes and seeds. */
export interface Sizes {
  /** The in-memory log (summarize, clean, cohort). */
  readonly log: LogSpec;
  /** The time-ordered CSV for the streaming summary. */
  readonly stream: LogSpec;
  /** Seed of the damage injected for the cleaning task. */
  readonly dirtSeed: number;
}

export const FULL_SIZES: Sizes = {
  log: { rows: 1_000_000, customers: 100_000, seed: 42 },
  stream: { rows: 10_000_000, customers: 1_000_000, seed: 43 },
  dirtSeed: 44,
};

/** `--quick`: small sizes, to smoke-test the harness. */
export const QUICK_SIZES: Sizes = {
  log: { rows: 20_000, customers: 2_000, seed: 42 },
  stream: { rows: 200_000, customers: 20_000, seed: 43 },
  dirtSeed: 44,
};

/** Targets from the issue. */
export const TARGETS = {
  summarizeMedianMs: 1000,
  summarizeVsLifetimes: 10,
  streamPeakRssBytes: 500e6,
} as const;

/** Generated inputs, built on first use and shared by the tasks of one harness run. */
export class BenchData {
  private txLog: TxLog | undefined;
  private recordList: TransactionRecord[] | undefined;
  private numericIds: Float64Array | undefined;
  private dirtyList: DirtyRecords | undefined;
  private logCsvFile: CsvFile | undefined;

  constructor(
    readonly sizes: Sizes,
    private readonly say: (message: string) => void,
  ) {}

  private timed<T>(what: string, build: () => T): T {
    this.say(`${what}…`);
    const t0 = performance.now();
    const out = build();
    this.say(`${what}: ${formatMs(performance.now() - t0)}`);
    return out;
  }

  log(): TxLog {
    const spec = this.sizes.log;
    this.txLog ??= this.timed(`generating ${formatInt(spec.rows)} transactions of ${formatInt(spec.customers)} customers (seed ${spec.seed})`, () =>
      generateLog(spec),
    );
    return this.txLog;
  }

  columns(): TransactionColumns {
    const log = this.log();
    return { customerId: log.customerId, timestamp: log.timestamp, amount: log.amount };
  }

  /** The same log with integer customer ids (`c000042` → 42), as database keys usually are. */
  numericColumns(): TransactionColumns {
    this.numericIds ??= Float64Array.from(this.log().customerId, (id) => Number(id.slice(1)));
    const log = this.log();
    return { customerId: this.numericIds, timestamp: log.timestamp, amount: log.amount };
  }

  records(): TransactionRecord[] {
    this.recordList ??= this.timed('building records with ISO timestamps', () => toRecords(this.log()));
    return this.recordList;
  }

  dirty(): DirtyRecords {
    this.dirtyList ??= this.timed(`injecting bad rows and duplicates (seed ${this.sizes.dirtSeed})`, () =>
      dirtyRecords(this.records(), this.sizes.dirtSeed),
    );
    return this.dirtyList;
  }

  async logCsv(): Promise<CsvFile> {
    this.logCsvFile ??= await ensureLogCsv(this.log(), this.say);
    return this.logCsvFile;
  }

  streamCsv(): Promise<CsvFile> {
    return ensureStreamCsv(this.sizes.stream, this.say);
  }
}

export interface TaskContext {
  readonly data: BenchData;
  /** Timed runs (the task's default unless `--runs` was given). */
  readonly runs: number;
  readonly warmup: number;
  /** Collect garbage between runs (node runs with `--expose-gc` unless `--no-gc`). */
  readonly gc: boolean;
  readonly peer: LifetimesPeer;
  readonly peerRuns: number;
  readonly say: (message: string) => void;
}

export interface TaskResult {
  readonly task: string;
  /** Input rows. */
  readonly rows: number;
  readonly samplesMs: readonly number[];
  readonly stats: Stats;
  /** Absent when the task has no peer. */
  readonly peer?: PeerResult;
  readonly notes: readonly string[];
  /** Task-specific figures, for the JSON output. */
  readonly details: Readonly<Record<string, number | string | boolean>>;
}

export interface BenchTask {
  readonly name: string;
  readonly description: string;
  readonly defaultRuns: number;
  run(ctx: TaskContext): Promise<TaskResult>;
}

const mark = (ok: boolean): string => (ok ? '✓' : '✗');

/** Our summary vs lifetimes on the same log, written to CSV after our runs. */
async function lifetimesPeer(ctx: TaskContext, ourCustomers: number): Promise<{ peer: PeerResult; notes: string[] }> {
  const reason = await ctx.peer.unavailableReason();
  if (reason !== undefined) return { peer: { ok: false, reason }, notes: [] };
  const csv = await ctx.data.logCsv();
  const peer = await ctx.peer.summary(csv.path, OBSERVATION_END, ctx.peerRuns, ctx.say);
  if (!peer.ok) return { peer, notes: [] };
  const same = peer.customers === ourCustomers;
  return { peer, notes: [same ? 'peer customers equal' : `PEER CUSTOMERS ${formatInt(peer.customers)} ≠ ours`] };
}

function summarizeTask(
  name: string,
  description: string,
  input: (data: BenchData) => TransactionInput,
  withTargets: boolean,
  withPeer = true,
): BenchTask {
  return {
    name,
    description,
    defaultRuns: 7,
    async run(ctx) {
      const tx = input(ctx.data);
      const rows = ctx.data.sizes.log.rows;
      // CPU time of each call beside the wall time (on a shared machine it is less disturbed by
      // other processes); the warm-up runs' come first and are dropped.
      const cpuMs: number[] = [];
      const m = measure(
        () => {
          const c0 = process.cpuUsage();
          const s = summarize(tx, { unit: 'day', observationEnd: OBSERVATION_END });
          const c = process.cpuUsage(c0);
          cpuMs.push((c.user + c.system) / 1000);
          return s;
        },
        { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: name, log: ctx.say },
      );
      const cpu = stats(cpuMs.slice(-ctx.runs));
      const customers = m.result.size;
      const notes = [formatRate(rows, m.stats.median), `${formatInt(customers)} customers`, `CPU ${formatMs(cpu.median)}`];
      if (!withPeer) {
        notes.push('peer: — (the peer reads string ids; compare with summarize-1m-columns)');
        return { task: name, rows, samplesMs: m.samplesMs, stats: m.stats, notes, details: { customers, cpuMedianMs: cpu.median } };
      }
      const { peer, notes: peerNotes } = await lifetimesPeer(ctx, customers);
      notes.push(...peerNotes);
      if (peer.ok && peer.cpuStats !== undefined) {
        notes.push(`peer CPU ${formatMs(peer.cpuStats.median)}, CPU ratio ${(peer.cpuStats.median / cpu.median).toFixed(1)}×`);
      }
      if (withTargets) {
        notes.push(`< 1 s ${mark(m.stats.median < TARGETS.summarizeMedianMs)}`);
        if (peer.ok) notes.push(`≥ 10× lifetimes ${mark(peer.stats.median / m.stats.median >= TARGETS.summarizeVsLifetimes)}`);
      }
      const details = { customers, cpuMedianMs: cpu.median, ...(peer.ok && peer.cpuStats ? { peerCpuMedianMs: peer.cpuStats.median } : {}) };
      return { task: name, rows, samplesMs: m.samplesMs, stats: m.stats, peer, notes, details };
    },
  };
}

const CHILD = path.join(REPO_ROOT, 'bench', 'stream-child.ts');

function isChildResult(v: unknown): v is StreamChildResult {
  if (typeof v !== 'object' || v === null) return false;
  const rec = v as Record<string, unknown>;
  return ['elapsedMs', 'rows', 'customers', 'maxRssKiB', 'baselineRssBytes', 'heapUsedBytes'].every((k) => typeof rec[k] === 'number');
}

/** Runs `node --import tsx bench/stream-child.ts <csv>` and reads its JSON line. */
function runStreamChild(csv: string): Promise<StreamChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, csv], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = out.trim().split('\n').pop() ?? '';
      let parsed: unknown;
      try {
        parsed = JSON.parse(last);
      } catch {
        parsed = undefined;
      }
      if (code === 0 && isChildResult(parsed)) resolve(parsed);
      else reject(new Error(`stream child exited with ${signal ?? String(code)}; output: ${JSON.stringify(out.slice(-500))}`));
    });
  });
}

const STREAM = 'summarize-stream-10m';
const streamTask: BenchTask = {
  name: STREAM,
  description: 'summarizeStream(readCsvRecords(fs.createReadStream(csv))) in a child process, unit week',
  defaultRuns: 1,
  async run(ctx) {
    const csv = await ctx.data.streamCsv();
    const results: StreamChildResult[] = [];
    for (let r = 0; r < ctx.runs; r++) {
      const res = await runStreamChild(csv.path);
      results.push(res);
      ctx.say(`${STREAM}: run ${r + 1}/${ctx.runs} ${formatMs(res.elapsedMs)}, peak RSS ${formatMB(res.maxRssKiB * 1024)}`);
    }
    const samplesMs = results.map((x) => x.elapsedMs);
    const s = stats(samplesMs);
    const peakRss = Math.max(...results.map((x) => x.maxRssKiB)) * 1024;
    const last = results[results.length - 1];
    return {
      task: STREAM,
      rows: last.rows,
      samplesMs,
      stats: s,
      notes: [
        formatRate(last.rows, s.median),
        `peak RSS ${formatMB(peakRss)} (< 500 MB ${mark(peakRss < TARGETS.streamPeakRssBytes)})`,
        `file ${formatMB(csv.bytes)}`,
        `${formatInt(last.customers)} customers`,
      ],
      details: {
        peakRssBytes: peakRss,
        baselineRssBytes: last.baselineRssBytes,
        heapUsedAtEndBytes: last.heapUsedBytes,
        fileBytes: csv.bytes,
        file: path.relative(REPO_ROOT, csv.path),
        customers: last.customers,
      },
    };
  },
};

const CLEAN = 'clean-1m';
const cleanTask: BenchTask = {
  name: CLEAN,
  description: 'cleanTransactions on records with ~3 % injected bad rows and duplicates',
  defaultRuns: 7,
  // eslint-disable-next-line @typescript-eslint/require-await -- same signature as the async tasks
  async run(ctx) {
    const { records, injected } = ctx.data.dirty();
    const m = measure(() => cleanTransactions(records), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: CLEAN, log: ctx.say });
    const report = m.result.report;
    const removed = report.inputRows - report.keptRows;
    const injectedTotal = Object.values(injected).reduce((a, b) => a + b, 0);
    const byReason = report.removed.filter((x) => x.count > 0).map((x) => `${x.reason} ${formatInt(x.count)}`);
    return {
      task: CLEAN,
      rows: records.length,
      samplesMs: m.samplesMs,
      stats: m.stats,
      notes: [formatRate(records.length, m.stats.median), `removed ${formatInt(removed)} (injected ${formatInt(injectedTotal)})`],
      details: { keptRows: report.keptRows, removedRows: removed, injectedRows: injectedTotal, removedByReason: byReason.join(', ') },
    };
  },
};

const COHORT = 'cohort-1m';
const cohortTask: BenchTask = {
  name: COHORT,
  description: "cohortTable(columns, { period: 'month' })",
  defaultRuns: 7,
  // eslint-disable-next-line @typescript-eslint/require-await -- same signature as the async tasks
  async run(ctx) {
    const cols = ctx.data.columns();
    const rows = ctx.data.sizes.log.rows;
    const m = measure(() => cohortTable(cols, { period: 'month' }), { runs: ctx.runs, warmup: ctx.warmup, gc: ctx.gc, label: COHORT, log: ctx.say });
    return {
      task: COHORT,
      rows,
      samplesMs: m.samplesMs,
      stats: m.stats,
      notes: [formatRate(rows, m.stats.median), `${m.result.cohorts.length} cohorts`],
      details: { cohorts: m.result.cohorts.length },
    };
  },
};

/** Every task, in the order they run. */
export const TASKS: readonly BenchTask[] = [
  summarizeTask(
    'summarize-1m-columns',
    "summarize(columns: string ids, Float64Array epoch ms and amounts, { unit: 'day', observationEnd })",
    (d) => d.columns(),
    true,
  ),
  summarizeTask(
    'summarize-1m-numeric-ids',
    "summarize(columns: integer ids in a Float64Array, epoch ms and amounts, { unit: 'day', observationEnd }) — no string hashing",
    (d) => d.numericColumns(),
    false,
    false,
  ),
  summarizeTask(
    'summarize-1m-records',
    "summarize(records { customerId, timestamp: ISO string, amount }, { unit: 'day', observationEnd }) — includes ISO parsing",
    (d) => d.records(),
    false,
  ),
  streamTask,
  cleanTask,
  cohortTask,
];

/** Ratio peer / ours, when the peer ran. */
export function peerRatio(r: TaskResult): number | undefined {
  return r.peer?.ok === true ? r.peer.stats.median / r.stats.median : undefined;
}

