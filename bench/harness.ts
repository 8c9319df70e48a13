/**
 * Timing, statistics, formatting and the machine description for the benchmark harness.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Summary statistics of a set of timings, in milliseconds. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Timings of one measured function. */
export interface Measurement<T> {
  /** One entry per timed run (warm-up runs excluded), in milliseconds. */
  readonly samplesMs: readonly number[];
  readonly stats: Stats;
  /** What the last timed run returned (keeps the work observable and lets tasks check it). */
  readonly result: T;
}

/** Median (mean of the middle two for an even count), min and max. */
export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('stats: no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

/** Runs a full garbage collection when node was started with `--expose-gc`. */
export function collectGarbage(): void {
  globalThis.gc?.();
}

export interface MeasureOptions {
  readonly warmup: number;
  readonly runs: number;
  /**
   * Collect garbage before each run. On the shared 2-core machine a forced `gc()` before each run
   * made 20k-row (`--quick`) runs slower, up to several times in one comparison; at 1M rows no
   * effect showed above the noise. `--no-gc` turns it off, to compare.
   */
  readonly gc: boolean;
  /** Progress messages (e.g. to stderr). */
  readonly log: (message: string) => void;
  readonly label: string;
}

/**
 * Times `fn` with `performance.now()`: `warmup` untimed runs, then `runs` timed runs, with a
 * garbage collection before each (outside the timed region) when asked and available.
 */
export function measure<T>(fn: () => T, o: MeasureOptions): Measurement<T> {
  if (o.runs < 1) throw new Error('measure: runs must be at least 1');
  for (let w = 0; w < o.warmup; w++) {
    if (o.gc) collectGarbage();
    const t0 = performance.now();
    fn();
    o.log(`${o.label}: warm-up ${w + 1}/${o.warmup} ${formatMs(performance.now() - t0)}`);
  }
  const samplesMs: number[] = [];
  let result: T | undefined;
  for (let r = 0; r < o.runs; r++) {
    if (o.gc) collectGarbage();
    const t0 = performance.now();
    result = fn();
    const ms = performance.now() - t0;
    samplesMs.push(ms);
    o.log(`${o.label}: run ${r + 1}/${o.runs} ${formatMs(ms)}`);
  }
  return { samplesMs, stats: stats(samplesMs), result: result as T };
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** `0.42 ms`, `8.31 ms`, `412 ms`, `1.23 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `1,000,000`. */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `2.41 M rows/s`, `812 k rows/s`. */
export function formatRate(rows: number, ms: number): string {
  const perSecond = rows / (ms / 1000);
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M rows/s`;
  return `${Math.round(perSecond / 1e3)} k rows/s`;
}

/** Decimal megabytes (10^6 bytes): `342 MB`. */
export function formatMB(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}

/** `12.3×`, `0.87×`. */
export function formatRatio(x: number): string {
  return x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

/** A number of rows as a short label for file names: 1000000 → `1m`, 20000 → `20k`. */
export function sizeLabel(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}m`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

export type Align = 'left' | 'right';

/** A Markdown table with padded columns, readable in a terminal and pasteable into a .md file. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const pad = (cell: string, j: number): string =>
    align[j] === 'right' ? cell.padStart(widths[j]) : cell.padEnd(widths[j]);
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, j) => (align[j] === 'right' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Machine

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryBytes: number;
  readonly node: string;
  readonly os: string;
  /** 1, 5 and 15 minute load averages. */
  readonly loadAverage: readonly [number, number, number];
  /** ISO-8601 instant (UTC). */
  readonly date: string;
}

function cpuModel(): string {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(cpuinfo);
    if (m !== null) return m[1].trim();
  } catch {
    // not Linux: fall back to what node reports
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

/** Reads the load average now (1, 5, 15 min). */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  return [a, b, c];
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: loadAverage(),
    date: new Date().toISOString(),
  };
}

/** Which code was measured: the commit, and a hash of `src/` when it has uncommitted changes. */
export interface CodeVersion {
  readonly commit: string;
  /** SHA-256 (first 12 hex digits) of every file under src/, by path; `null` when src/ is clean. */
  readonly dirtySrcHash: string | null;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

export function codeVersion(repoRoot: string): CodeVersion {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  let commit = 'unknown';
  let dirty = true;
  try {
    commit = git('rev-parse', '--short', 'HEAD');
    dirty = git('status', '--porcelain', '--', 'src').length > 0;
  } catch {
    // not a git checkout: describe src/ by its hash
  }
  if (!dirty) return { commit, dirtySrcHash: null };
  const hash = createHash('sha256');
  const src = path.join(repoRoot, 'src');
  for (const file of listFiles(src)) hash.update(`${path.relative(src, file)}\0`).update(readFileSync(file)).update('\0');
  return { commit, dirtySrcHash: hash.digest('hex').slice(0, 12) };
}

export function describeCode(v: CodeVersion): string {
  return v.dirtySrcHash === null ? `- code: ${v.commit}` : `- code: ${v.commit} + uncommitted changes (src/ sha256 ${v.dirtySrcHash})`;
}

export function formatLoad(l: readonly number[]): string {
  return l.map((x) => x.toFixed(2)).join(' / ');
}

export function describeMachine(m: MachineInfo): string {
  const gib = (m.totalMemoryBytes / 2 ** 30).toFixed(1);
  return [
    `- date: ${m.date}`,
    `- machine: ${m.cpuModel} · ${m.cores} cores · ${gib} GiB RAM · Node ${m.node} · ${m.os}`,
    `- load average at start (1 / 5 / 15 min): ${formatLoad(m.loadAverage)}`,
  ].join('\n');
}
