/**
 * clmkit benchmark harness.
 *
 *     npm run bench                         # every task, full sizes
 *     npm run bench -- summarize            # tasks whose name starts with "summarize"
 *     npm run bench -- clean-1m cohort-1m --runs 3
 *     npm run bench -- --quick              # small sizes: smoke-test the harness
 *     npm run bench -- --json bench.json    # also write the results as JSON
 *
 * Options: --runs N (timed runs per task; default 7, 1 for the 10M stream), --warmup N (default 1),
 * --peer-runs N (Python peer invocations, default 5), --no-peer, --no-gc, --quick, --json PATH, --list.
 *
 * The machine description and the results table (Markdown) go to stdout, progress to stderr.
 * When node was started without `--expose-gc`, the harness re-runs itself with it so that it can
 * collect garbage between runs.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  codeVersion,
  describeCode,
  describeMachine,
  formatInt,
  formatLoad,
  formatMs,
  formatRatio,
  loadAverage,
  machineInfo,
  renderTable,
  type CodeVersion,
  type MachineInfo,
} from './harness.js';
import { REPO_ROOT } from './data.js';
import { LifetimesPeer, PEER_PYTHON } from './peer.js';
import { metricTasks } from './metrics.js';
import { segmentTasks } from './segment.js';
import { btydTasks } from './btyd.js';
import { paretoTasks } from './pareto.js';
import { recommendTasks } from './recommend.js';
import { lifecycleTasks } from './lifecycle.js';
import { classifyTasks } from './classify.js';
import { treeTasks } from './tree.js';
import { sqlTasks } from './sql.js';
import { cliTasks } from './cli.js';
import { cliAnalyzeTasks } from './cli-analyze.js';
import { cliReadTasks } from './cli-read.js';
import { BenchData, FULL_SIZES, peerRatio, QUICK_SIZES, TASKS as DATA_TASKS, type BenchTask, type TaskResult } from './tasks.js';

const TASKS: readonly BenchTask[] = [
  ...DATA_TASKS,
  ...metricTasks,
  ...segmentTasks,
  ...btydTasks,
  ...paretoTasks,
  ...recommendTasks,
  ...lifecycleTasks,
  ...classifyTasks,
  ...treeTasks,
  ...sqlTasks,
  ...cliReadTasks,
  ...cliAnalyzeTasks,
  ...cliTasks,
];

const RESPAWN_ENV = 'CLMKIT_BENCH_GC';

interface CliOptions {
  readonly tasks: readonly BenchTask[];
  readonly runs: number | undefined;
  readonly warmup: number;
  readonly peerRuns: number;
  readonly quick: boolean;
  readonly noPeer: boolean;
  readonly noGc: boolean;
  readonly json: string | undefined;
  readonly list: boolean;
  readonly help: boolean;
}

function positiveInt(name: string, value: string | undefined, fallback: number | undefined, min = 1): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} expects an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** Task names, or prefixes of names; none = all. */
function selectTasks(patterns: readonly string[]): BenchTask[] {
  if (patterns.length === 0) return [...TASKS];
  const unknown = patterns.filter((p) => !TASKS.some((t) => t.name.startsWith(p)));
  if (unknown.length > 0) {
    throw new Error(`no task matches ${unknown.map((u) => JSON.stringify(u)).join(', ')}; tasks: ${TASKS.map((t) => t.name).join(', ')}`);
  }
  return TASKS.filter((t) => patterns.some((p) => t.name.startsWith(p)));
}

function parseCli(argv: readonly string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      warmup: { type: 'string' },
      'peer-runs': { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-peer': { type: 'boolean', default: false },
      'no-gc': { type: 'boolean', default: false },
      json: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    tasks: selectTasks(positionals),
    runs: positiveInt('runs', values.runs, undefined),
    warmup: positiveInt('warmup', values.warmup, 1, 0) ?? 1,
    peerRuns: positiveInt('peer-runs', values['peer-runs'], 5) ?? 5,
    quick: values.quick,
    noPeer: values['no-peer'],
    noGc: values['no-gc'],
    json: values.json,
    list: values.list,
    help: values.help,
  };
}

const HELP = `usage: npm run bench -- [TASK|PREFIX ...] [--runs N] [--warmup N] [--peer-runs N] [--no-peer] [--no-gc] [--quick] [--json PATH] [--list]`;

function say(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function resultRow(r: TaskResult): string[] {
  const ratio = peerRatio(r);
  return [
    r.task,
    formatInt(r.rows),
    formatMs(r.stats.median),
    formatMs(r.stats.min),
    formatMs(r.stats.max),
    r.peer?.ok === true ? formatMs(r.peer.stats.median) : '—',
    ratio === undefined ? '—' : formatRatio(ratio),
    r.notes.join('; '),
  ];
}

interface Report {
  readonly machine: MachineInfo;
  readonly code: CodeVersion;
  readonly loadAverageEnd: readonly number[];
  readonly options: { readonly quick: boolean; readonly runs: number | null; readonly warmup: number; readonly peerRuns: number; readonly gc: boolean };
  readonly peerUnavailable: string | null;
  readonly results: readonly TaskResult[];
  readonly failures: readonly { readonly task: string; readonly error: string }[];
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (cli.list) {
    for (const t of TASKS) process.stdout.write(`${t.name.padEnd(22)} ${t.description}\n`);
    return 0;
  }
  const machine = machineInfo();
  const code = codeVersion(REPO_ROOT);
  const sizes = cli.quick ? QUICK_SIZES : FULL_SIZES;
  process.stdout.write(`# clmkit benchmarks${cli.quick ? ' (--quick sizes)' : ''}\n\n${describeMachine(machine)}\n${describeCode(code)}\n\n`);
  const gc = !cli.noGc && globalThis.gc !== undefined;
  if (!cli.noGc && !gc) say('global.gc unavailable: no garbage collection between runs');

  const peer = new LifetimesPeer(cli.noPeer ? 'disabled with --no-peer' : undefined);
  const data = new BenchData(sizes, say);
  const results: TaskResult[] = [];
  const failures: { task: string; error: string }[] = [];
  for (const task of cli.tasks) {
    say(`── ${task.name}: ${task.description}`);
    try {
      results.push(
        await task.run({ data, runs: cli.runs ?? task.defaultRuns, warmup: cli.warmup, gc, peer, peerRuns: cli.peerRuns, say }),
      );
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      say(`${task.name} FAILED: ${message}`);
      failures.push({ task: task.name, error: message });
    }
  }

  const peerUnavailable = cli.tasks.some((t) => t.name.startsWith('summarize-1m')) ? await peer.unavailableReason() : undefined;
  const table = renderTable(
    ['task', 'n (rows)', 'median', 'min', 'max', 'peer median', 'ratio', 'notes'],
    results.map(resultRow),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
  const loadEnd = loadAverage();
  const runsText = cli.runs === undefined ? 'default runs (7; 1 for the 10M stream)' : `${cli.runs} run${cli.runs === 1 ? '' : 's'}`;
  process.stdout.write(`${table}\n\n`);
  process.stdout.write(`- ${runsText}, ${cli.warmup} warm-up, ${gc ? 'gc() before each run' : 'no forced gc'}; peer = lifetimes via ${PEER_PYTHON}, median of ${cli.peerRuns}; ratio = peer / ours\n`);
  for (const r of results) {
    if (r.peer !== undefined && !r.peer.ok && r.peer.reason !== peerUnavailable) process.stdout.write(`- ${r.task}: peer failed: ${r.peer.reason}\n`);
  }
  if (peerUnavailable !== undefined) process.stdout.write(`- peer unavailable: ${peerUnavailable}\n`);
  process.stdout.write(`- load average at end (1 / 5 / 15 min): ${formatLoad(loadEnd)}\n`);
  for (const f of failures) process.stdout.write(`- FAILED ${f.task}: ${f.error.split('\n')[0]}\n`);

  if (cli.json !== undefined) {
    const report: Report = {
      machine,
      code,
      loadAverageEnd: loadEnd,
      options: { quick: cli.quick, runs: cli.runs ?? null, warmup: cli.warmup, peerRuns: cli.peerRuns, gc },
      peerUnavailable: peerUnavailable ?? null,
      results,
      failures,
    };
    writeFileSync(cli.json, `${JSON.stringify(report, null, 2)}\n`);
    say(`wrote ${cli.json}`);
  }
  return failures.length > 0 ? 1 : 0;
}

/** Re-runs this script under `node --expose-gc --import tsx`, once, and returns its exit code. */
function respawnWithGc(): number {
  const args = ['--expose-gc', '--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const child = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, [RESPAWN_ENV]: '1' },
  });
  if (child.error !== undefined) {
    say(`could not re-run with --expose-gc (${child.error.message}); continuing without it`);
    return -1;
  }
  return child.status ?? 1;
}

let code = -1;
const wantsGc = !process.argv.includes('--no-gc') && !process.argv.includes('--help') && !process.argv.includes('-h');
if (wantsGc && globalThis.gc === undefined && process.env[RESPAWN_ENV] === undefined) code = respawnWithGc();
if (code === -1) {
  try {
    code = await main();
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    code = 2;
  }
}
process.exitCode = code;
