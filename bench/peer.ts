/**
 * The Python peer: lifetimes' `summary_data_from_transaction_data`, timed by
 * `../shared/peers/lifetimes_summary.py` beside the repository (or `$CLMKIT_PEERS`; see its README). The script parses
 * the CSV with pandas first and times only the summary call, and prints `ms customers`.
 *
 * A missing peer never fails the harness: tasks get `{ ok: false, reason }` and carry on.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { stats, type Stats } from './harness.js';

const execFileAsync = promisify(execFile);

/** Debian's python, which has the apt-installed numpy and pandas (not a pyenv python). */
export const PEER_PYTHON = '/usr/bin/python3';
export const PEER_DIR =
  process.env['CLMKIT_PEERS'] ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../shared/peers');
const SUMMARY_SCRIPT = path.join(PEER_DIR, 'lifetimes_summary.py');
/** Per invocation (parsing 1M rows with pandas takes seconds; the summary itself more). */
const TIMEOUT_MS = 15 * 60_000;

/**
 * Runs the peer script unchanged, with lifetimes' `summary_data_from_transaction_data` wrapped
 * to also report the CPU time (`time.process_time`) of that call on stderr as `cpu <ms>`: on a
 * shared machine, CPU time is less disturbed by other processes than wall time.
 */
const CPU_WRAPPER = `
import os, sys, time, runpy
script = sys.argv[1]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(script)), 'vendor'))
import lifetimes.utils as u
inner = u.summary_data_from_transaction_data
def timed(*a, **k):
    c0 = time.process_time()
    r = inner(*a, **k)
    print('cpu', round((time.process_time() - c0) * 1000, 1), file=sys.stderr)
    return r
u.summary_data_from_transaction_data = timed
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name='__main__')
`;

/** Timings of the peer's summary call over several invocations, or why there are none. */
export type PeerResult =
  | {
      readonly ok: true;
      readonly samplesMs: readonly number[];
      readonly stats: Stats;
      readonly customers: number;
      /** CPU time of the same calls (process time), when the wrapper could report it. */
      readonly cpuStats?: Stats;
    }
  | { readonly ok: false; readonly reason: string };

/** The last non-empty line of a process's error output, or the error message. */
function why(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  if (typeof stderr === 'string') {
    const lines = stderr.trim().split('\n');
    const last = lines[lines.length - 1].trim();
    if (last !== '') return last;
  }
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

export class LifetimesPeer {
  private availability: Promise<string | undefined> | undefined;

  /** @param disabledReason - set when the user turned the peer off (`--no-peer`). */
  constructor(private readonly disabledReason?: string) {}

  /** Why the peer cannot run, or `undefined` when it can. Checked once. */
  unavailableReason(): Promise<string | undefined> {
    this.availability ??= this.check();
    return this.availability;
  }

  private async check(): Promise<string | undefined> {
    if (this.disabledReason !== undefined) return this.disabledReason;
    if (!existsSync(PEER_PYTHON)) return `${PEER_PYTHON} not found`;
    if (!existsSync(SUMMARY_SCRIPT)) return `${SUMMARY_SCRIPT} not found`;
    try {
      await execFileAsync(PEER_PYTHON, ['-c', 'import numpy, pandas'], { timeout: 60_000 });
    } catch (error) {
      return `numpy/pandas not importable by ${PEER_PYTHON} (${why(error)}); run \`bash ${PEER_DIR}/setup.sh\``;
    }
    return undefined;
  }

  /**
   * Runs the peer `runs` times on `csv` (one process each, one after another) and returns the
   * timings of the summary call as the script reports them.
   */
  async summary(csv: string, observationEnd: string, runs: number, say: (message: string) => void): Promise<PeerResult> {
    const reason = await this.unavailableReason();
    if (reason !== undefined) return { ok: false, reason };
    const samplesMs: number[] = [];
    const cpuMs: number[] = [];
    let customers = NaN;
    for (let r = 0; r < runs; r++) {
      let stdout: string;
      let stderr: string;
      try {
        ({ stdout, stderr } = await execFileAsync(PEER_PYTHON, ['-c', CPU_WRAPPER, SUMMARY_SCRIPT, csv, observationEnd], {
          timeout: TIMEOUT_MS,
          env: { ...process.env, PYTHONWARNINGS: 'ignore' },
        }));
      } catch (error) {
        return { ok: false, reason: `lifetimes_summary.py failed: ${why(error)}` };
      }
      const lines = stdout.trim().split('\n');
      const [ms, count] = lines[lines.length - 1].trim().split(/\s+/).map(Number);
      if (!Number.isFinite(ms) || !Number.isFinite(count)) {
        return { ok: false, reason: `unexpected output from lifetimes_summary.py: ${JSON.stringify(stdout.trim())}` };
      }
      samplesMs.push(ms);
      const cpu = /^cpu (\S+)$/m.exec(stderr);
      if (cpu !== null) cpuMs.push(Number(cpu[1]));
      customers = count;
      say(`peer lifetimes: run ${r + 1}/${runs} ${ms} ms${cpu !== null ? ` (CPU ${cpu[1]} ms)` : ''}`);
    }
    const cpuStats = cpuMs.length === runs && cpuMs.every(Number.isFinite) ? stats(cpuMs) : undefined;
    return { ok: true, samplesMs, stats: stats(samplesMs), customers, ...(cpuStats ? { cpuStats } : {}) };
  }
}
