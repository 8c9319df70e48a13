/**
 * The `clmkit` command line: flags, commands, progress and exit codes. `run()` does the work and
 * returns the exit code, so tests can call it in-process; `main.ts` is the executable.
 *
 * @internal
 * @module
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ClmError } from '../errors.js';
import { parseIsoTimestamp } from '../data/time.js';
import { analyze, DEFAULT_SETTINGS } from './analyze.js';
import { CliError, EXIT } from './errors.js';
import { readTransactions, sampleTable, type ReadOptions } from './read.js';
import { simulateCsv } from './simulate.js';
import { renderText } from './text.js';
import type { AnalysisResult, AnalyzeSettings, TransactionTable } from './types.js';

/** Where the command line writes and what it knows about its terminal. @internal */
export interface CliIo {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
}

declare const __CLMKIT_VERSION__: string | undefined;
/** The package version (injected at build time; `dev` when run from source). @internal */
export const VERSION: string = typeof __CLMKIT_VERSION__ === 'string' ? __CLMKIT_VERSION__ : 'dev';

const EXIT_HELP = `Exit codes: 0 ok · 1 bad input (missing column, unreadable file, too many bad rows) · 2 usage (unknown flag, bad value) · 3 internal error (a bug: please report it)`;

/** `clmkit --help`. @internal */
export const HELP = `clmkit ${VERSION}: customer lifecycle analytics from a transaction log

Usage
  clmkit analyze <file|->  [options]   analyse a log (.csv, .csv.gz, .jsonl, .jsonl.gz, or - for stdin)
  clmkit demo              [options]   the same analysis on the simulated log bundled with clmkit
  clmkit simulate --customers N [--seed S] > log.csv
                                       write a simulated log (BG/NBD purchases, gamma-gamma spend)
  clmkit --help | --version

Columns (auto-detected from common names such as customer_id, date, amount; printed when detected)
  --customer-col <name>   --date-col <name>   --amount-col <name>
  --date-format iso|mdy|dmy   iso (default): 2024-03-01, 20240301, 2024-03-01 10:15[:30][Z|±hh:mm];
                              mdy: 3/1/2024 10:15; dmy: 1/3/2024 10:15 (no offset = UTC)
  --delimiter <c>             CSV separator (default: sniffed from the header: , ; tab |)

Analysis
  --unit day|week|month   time unit of recency, T and model rates (default week)
  --end <date>            observation end (default: the last date in the data)
  --holdout <date>        calibration end: fit before it, check predictions after it
  --horizon <months>      CLV and expected-purchase horizon (default 12)
  --discount-rate <r>     discount rate per month (default 0.01)
  --margin <m>            profit margin applied to spend in CLV (default 1)
  --top <N>               rows in the top-customers table (default 10)
  --seed <S>              seed for the samples behind the charts (default 1)
  --window <days>         lifecycle window: "bought recently" = within it (default: the mean time
                          between a customer's purchases in the log, 7 to 365 days)
  --keep-duplicates       keep rows that repeat an earlier row exactly (default: removed, as a
                          double export; keep them when the same purchase can really recur)

Output
  --html <file>           also write a self-contained HTML report with charts
  --json                  print the result as JSON on stdout instead of tables
  --quiet, -q             only errors on stderr (no progress, column or report notices)
  --no-color              no colours (also NO_COLOR=1; colours only on a terminal anyway)

Examples
  clmkit demo --html report.html
  clmkit analyze orders.csv --customer-col user_id --holdout 2024-06-30 --html report.html
  zcat orders.csv.gz | clmkit analyze - --json > result.json

${EXIT_HELP}
`;

const ANALYZE_FLAGS = {
  'customer-col': { type: 'string' },
  'date-col': { type: 'string' },
  'amount-col': { type: 'string' },
  'date-format': { type: 'string' },
  delimiter: { type: 'string' },
  format: { type: 'string' },
  unit: { type: 'string' },
  end: { type: 'string' },
  holdout: { type: 'string' },
  horizon: { type: 'string' },
  'discount-rate': { type: 'string' },
  margin: { type: 'string' },
  top: { type: 'string' },
  seed: { type: 'string' },
  window: { type: 'string' },
  'keep-duplicates': { type: 'boolean' },
  html: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const SIMULATE_FLAGS = {
  customers: { type: 'string' },
  seed: { type: 'string' },
  start: { type: 'string' },
  days: { type: 'string' },
  'acquisition-days': { type: 'string' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

type AnalyzeValues = { [K in keyof typeof ANALYZE_FLAGS]?: (typeof ANALYZE_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/**
 * Runs the command line with `argv` (without `node` and the script) and returns the exit code.
 * @internal
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    return report(e, io);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0) {
    io.stdout.write(HELP);
    return EXIT.usage;
  }
  const command = argv[0];
  const rest = argv.slice(1);
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (command === 'analyze' || command === 'analyse') return analyzeCommand(rest, io, false);
  if (command === 'demo') return analyzeCommand(rest, io, true);
  if (command === 'simulate') return simulateCommand(rest, io);
  throw new CliError(`unknown command '${command}'`, EXIT.usage, 'commands: analyze, demo, simulate (see clmkit --help)');
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O, positionals: boolean) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: positionals, strict: true });
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e);
    throw new CliError(message.replace(/^Unknown option/, 'unknown option'), EXIT.usage, 'see clmkit --help');
  }
}

async function analyzeCommand(args: readonly string[], io: CliIo, demo: boolean): Promise<number> {
  const parsed = parse(args, ANALYZE_FLAGS, true);
  const v: AnalyzeValues = parsed.values;
  const positionals = parsed.positionals;
  if (v.help === true) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (demo && positionals.length > 0) throw new CliError(`demo takes no file (got '${positionals[0]}'); use clmkit analyze <file>`, EXIT.usage);
  if (!demo && positionals.length !== 1) {
    throw new CliError(
      positionals.length === 0 ? 'analyze needs a file: clmkit analyze <transactions.csv|.csv.gz|.jsonl|->' : `analyze takes one file, got ${positionals.length}: ${positionals.join(' ')}`,
      EXIT.usage,
      'to try it without a file: clmkit demo',
    );
  }
  const settings = readSettings(v, demo);
  const color = v['no-color'] !== true && io.env['NO_COLOR'] === undefined && (v.color === true || io.env['FORCE_COLOR'] !== undefined || io.stdout.isTTY === true);
  const progress = createProgress(io, v.quiet !== true && io.stderr.isTTY === true);
  const t0 = performance.now();

  let table: TransactionTable;
  if (demo) {
    table = sampleTable();
  } else {
    const file = positionals[0];
    const read: ReadOptions = {
      ...(v['customer-col'] !== undefined && { customerCol: v['customer-col'] }),
      ...(v['date-col'] !== undefined && { dateCol: v['date-col'] }),
      ...(v['amount-col'] !== undefined && { amountCol: v['amount-col'] }),
      ...(v.delimiter !== undefined && { delimiter: unescapeDelimiter(v.delimiter) }),
      ...(v.format !== undefined && { format: oneOf(v.format, ['csv', 'jsonl'] as const, '--format') }),
      ...(v['date-format'] !== undefined && { dateFormat: oneOf(v['date-format'], ['iso', 'mdy', 'dmy'] as const, '--date-format') }),
      onProgress: (p) => {
        progress.update(`reading ${file === '-' ? 'stdin' : file}`, p.rows, p.bytes, p.totalBytes);
      },
    };
    try {
      table = await readTransactions(file, read);
    } finally {
      progress.clear();
    }
    const detected = Object.entries(table.columns.detected).filter(([, d]) => d);
    if (detected.length > 0 && v.json !== true && v.quiet !== true) {
      const c = table.columns;
      io.stderr.write(
        `columns: customer = ${c.customer}, date = ${c.date}, amount = ${c.amount ?? '(none)'}` +
          ` (${detected.map(([k]) => k).join(', ')} auto-detected; set them with --customer-col, --date-col, --amount-col)\n`,
      );
    }
  }
  const readMs = performance.now() - t0;

  let result: AnalysisResult;
  try {
    const gc = table.rows >= GC_MIN_ROWS ? garbageCollector() : undefined;
    result = analyze(table, settings, { version: VERSION, consume: true, ...(gc !== undefined && { collectGarbage: gc }), onStep: (step) => { progress.step(step); } });
  } finally {
    progress.clear();
  }
  result = withReadTiming(result, readMs, performance.now() - t0);

  if (v.html !== undefined) {
    const t1 = performance.now();
    progress.step('rendering the HTML report');
    let html: string;
    try {
      const { renderReport } = await import('./report.js');
      html = await renderReport(result, demo ? { title: 'clmkit demo: a simulated shop' } : {});
    } finally {
      progress.clear();
    }
    try {
      await writeFile(v.html, html);
    } catch (e) {
      throw new CliError(`cannot write the report to ${v.html}: ${(e as Error).message}`, EXIT.badInput);
    }
    if (v.json !== true && v.quiet !== true) io.stderr.write(`report written to ${v.html} (${Math.round(html.length / 1024)} kB, ${((performance.now() - t1) / 1000).toFixed(1)} s)\n`);
  }
  if (v.json === true) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout.write(renderText(result, { color, width: Math.max(60, Math.min(140, io.stderr.columns ?? 100)) }));
  return EXIT.ok;
}

function withReadTiming(result: AnalysisResult, readMs: number, totalMs: number): AnalysisResult {
  const steps = [{ step: 'read', ms: readMs }, ...result.timings.steps.filter((s) => s.step !== 'read')];
  return { ...result, timings: { ...result.timings, steps, totalMs } };
}

function readSettings(v: AnalyzeValues, demo: boolean): AnalyzeSettings {
  const date = (name: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isFinite(parseIsoTimestamp(value))) throw new CliError(`${name} '${value}' is not a date; use ISO 8601, e.g. 2024-06-30`, EXIT.usage);
    return value;
  };
  const num = (name: string, value: string | undefined, fallback: number, ok: (x: number) => boolean, expected: string): number => {
    if (value === undefined) return fallback;
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new CliError(`${name} '${value}' is not ${expected}`, EXIT.usage);
    return x;
  };
  return {
    unit: v.unit === undefined ? DEFAULT_SETTINGS.unit : oneOf(v.unit, ['day', 'week', 'month'] as const, '--unit'),
    end: date('--end', v.end),
    // The demo validates on the second half of 2024 unless told otherwise.
    holdout: date('--holdout', v.holdout) ?? (demo ? '2024-06-30' : undefined),
    horizon: num('--horizon', v.horizon, DEFAULT_SETTINGS.horizon, (x) => x > 0 && x <= 1200, 'a number of months in (0, 1200]'),
    discountRate: num('--discount-rate', v['discount-rate'], DEFAULT_SETTINGS.discountRate, (x) => x >= 0 && x < 1, 'a monthly rate in [0, 1), e.g. 0.01'),
    margin: num('--margin', v.margin, DEFAULT_SETTINGS.margin, (x) => x > 0 && x <= 1, 'a margin in (0, 1], e.g. 0.3'),
    top: num('--top', v.top, DEFAULT_SETTINGS.top, (x) => Number.isInteger(x) && x >= 0 && x <= 100_000, 'a whole number ≥ 0'),
    seed: num('--seed', v.seed, DEFAULT_SETTINGS.seed, Number.isInteger, 'a whole number'),
    window: v.window === undefined ? undefined : num('--window', v.window, 30, (x) => Number.isInteger(x) && x >= 1 && x <= 3650, 'a whole number of days in [1, 3650]'),
    keepDuplicates: v['keep-duplicates'] === true,
  };
}

function oneOf<const T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${flag} '${value}' is not one of ${allowed.join(', ')}`, EXIT.usage);
}

function unescapeDelimiter(d: string): string {
  const s = d === '\\t' || d === 'tab' ? '\t' : d;
  if (s.length !== 1) throw new CliError(`--delimiter '${d}' must be one character (or 'tab')`, EXIT.usage);
  return s;
}

async function simulateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, SIMULATE_FLAGS, false);
  if (v.help === true) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new CliError(`simulate takes no positional arguments`, EXIT.usage);
  const int = (name: string, value: string | undefined, fallback: number, min: number, max: number): number => {
    if (value === undefined) return fallback;
    const x = Number(value);
    if (value.trim() === '' || !Number.isInteger(x) || x < min || x > max) throw new CliError(`${name} '${value}' is not a whole number in [${min}, ${max}]`, EXIT.usage);
    return x;
  };
  const start = v.start ?? '2023-01-01';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !Number.isFinite(parseIsoTimestamp(start))) throw new CliError(`--start '${start}' is not a date like 2023-01-01`, EXIT.usage);
  const days = int('--days', v.days, 730, 1, 36_500);
  const options = {
    customers: int('--customers', v.customers, 2000, 0, 100_000_000),
    seed: int('--seed', v.seed, 1, -(2 ** 53) + 1, 2 ** 53 - 1),
    start,
    days,
    acquisitionDays: int('--acquisition-days', v['acquisition-days'], Math.min(365, days), 1, 36_500),
  };
  const out = v.output === undefined ? null : createWriteStream(v.output);
  const sink = out ?? process.stdout;
  const state = { broken: false };
  sink.on('error', (e: NodeJS.ErrnoException) => {
    state.broken = true;
    if (e.code !== 'EPIPE') io.stderr.write(`clmkit: error: cannot write: ${e.message}\n`);
  });
  for (const chunk of simulateCsv(options)) {
    if (state.broken) break;
    if (!sink.write(chunk)) await new Promise<void>((resolve) => sink.once('drain', resolve));
  }
  if (out !== null) await new Promise<void>((resolve) => out.end(resolve));
  return EXIT.ok;
}

interface Progress {
  update(label: string, rows: number, bytes: number, totalBytes: number | null): void;
  step(label: string): void;
  clear(): void;
}

function createProgress(io: CliIo, enabled: boolean): Progress {
  if (!enabled) return { update() {}, step() {}, clear() {} };
  const t0 = performance.now();
  let shown = false;
  const show = (text: string): void => {
    const width = Math.max(20, (io.stderr.columns ?? 80) - 1);
    io.stderr.write(`\r\x1b[K${text.length > width ? text.slice(0, width - 1) + '…' : text}`);
    shown = true;
  };
  return {
    update(label, rows, bytes, totalBytes) {
      const s = (performance.now() - t0) / 1000;
      const rate = s > 0 ? rows / s : 0;
      let bar = '';
      if (totalBytes !== null && totalBytes > 0) {
        const f = Math.min(1, bytes / totalBytes);
        const n = 20;
        const full = Math.round(f * n);
        bar = `[${'█'.repeat(full)}${'·'.repeat(n - full)}] ${(100 * f).toFixed(0).padStart(3)}%  `;
      }
      show(`${label}  ${bar}${rows.toLocaleString('en-US')} rows  ${formatRate(rate)} rows/s`);
    },
    step(label) {
      show(`${label}…`);
    },
    clear() {
      if (shown) io.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

function formatRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : r >= 1e3 ? `${(r / 1e3).toFixed(0)} k` : r.toFixed(0);
}

function report(e: unknown, io: CliIo): number {
  if (e instanceof CliError) {
    io.stderr.write(`clmkit: error: ${e.message}\n${e.hint === undefined ? '' : `  ${e.hint}\n`}`);
    return e.exitCode;
  }
  if (e instanceof ClmError) {
    io.stderr.write(`clmkit: error: ${e.message}\n`);
    return EXIT.badInput;
  }
  const err = e as NodeJS.ErrnoException;
  if (typeof err.code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'EPERM'].includes(err.code)) {
    const what = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : 'permission denied';
    io.stderr.write(`clmkit: error: cannot read ${err.path ?? 'the input'}: ${what}\n`);
    return EXIT.badInput;
  }
  io.stderr.write(`clmkit: internal error (please report it with the command you ran):\n${err.stack ?? String(e)}\n`);
  return 3;
}

/** Logs from this many rows on get a full garbage collection between analysis steps. */
const GC_MIN_ROWS = 1_000_000;

/**
 * A full garbage collection, between the steps of a large analysis: V8 collects lazily, so
 * without it the last step's garbage (hundreds of MB at 10M rows) still counts in the next
 * step's peak memory (10M rows: 0.97 → 0.84 GB peak RSS, for about 1 s). The command line owns
 * its process, so it may switch V8's `--expose-gc` on; undefined where the runtime does not
 * allow it (then the analysis runs without).
 * @internal
 */
export function garbageCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
