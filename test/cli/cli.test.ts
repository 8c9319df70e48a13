/**
 * The `clmkit` command line as a person uses it: the built binary (dist/cli.js) in a child
 * process on the bundled log, on CDNOW and on malformed files, asserting exit codes, messages
 * and the key numbers; and `run()` in-process for the usage errors.
 *
 * The binary tests need `npm run build` first. Without dist/cli.js they skip, saying so — unless
 * CLMKIT_REQUIRE_BUILD=1 (set by .ci/run), where they fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { garbageCollector, run, type CliIo } from '../../src/cli/cli.js';
import type { AnalysisResult } from '../../src/cli/types.js';
import { cleanTransactions } from '../../src/data/clean.js';
import { sampleTransactions } from '../../src/data/sample.js';
import { fitBetaGeo } from '../../src/models/index.js';
import { summarize } from '../../src/data/summarize.js';
import { datasetPath, missingMessage } from '../helpers/datasets.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const built = existsSync(CLI);
if (!built && process.env['CLMKIT_REQUIRE_BUILD'] === '1') throw new Error(`${CLI} is missing: npm run build must run before npm test in CI`);
if (!built) console.warn(`skipped: the clmkit binary tests (dist/cli.js not built: run npm run build first)`);

const dir = mkdtempSync(path.join(tmpdir(), 'clmkit-cli-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function file(name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}
function clmkit(args: readonly string[], input?: string): Ran {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000, maxBuffer: 256 * 2 ** 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function json(r: Ran): AnalysisResult {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as AnalysisResult;
}

async function inProcess(args: readonly string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: { NO_COLOR: '1' } };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

describe('usage errors exit with 2 and say what to do (in-process)', () => {
  it.each([
    [['analyze'], /analyze needs a file/],
    [['analyze', 'a.csv', 'b.csv'], /one file, got 2/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['analyze', 'a.csv', '--colour'], /unknown option '--colour'/],
    [['analyze', 'a.csv', '--unit', 'year'], /--unit 'year' is not one of day, week, month/],
    [['analyze', 'a.csv', '--horizon=-3'], /--horizon '-3' is not a number of months/],
    [['analyze', 'a.csv', '--horizon', '-3'], /--horizon=-/],
    [['analyze', 'a.csv', '--discount-rate', '5%'], /--discount-rate '5%' is not a monthly rate/],
    [['analyze', 'a.csv', '--holdout', '30/06/2024'], /--holdout '30\/06\/2024' is not a date/],
    [['analyze', 'a.csv', '--top', '2.5'], /--top '2.5' is not a whole number/],
    [['demo', 'extra.csv'], /demo takes no file/],
    [['simulate', '--customers', 'many'], /--customers 'many' is not a whole number/],
  ] as const)('%j', async (args, message) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^clmkit: error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('prints help with exit 0 for --help, and with exit 2 when no command is given', async () => {
    const help = await inProcess(['--help']);
    expect(help.code).toBe(0);
    for (const s of ['clmkit analyze <file|->', 'clmkit demo', 'clmkit simulate', '--customer-col', '--holdout', '--html', 'Exit codes: 0 ok']) {
      expect(help.stdout).toContain(s);
    }
    expect((await inProcess([])).code).toBe(2);
    expect((await inProcess(['--version'])).stdout).toMatch(/^(\d+\.\d+\.\d+|dev)\n$/);
  });

  it("the README shows clmkit --help as it is", async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const help = (await inProcess(['--help'])).stdout.replace(/^clmkit \S+:/, 'clmkit 0.1.0:');
    expect(readme).toContain('```\n' + help + '```');
  });

  it('a missing file is bad input (exit 1), named', async () => {
    const r = await inProcess(['analyze', path.join(dir, 'nope.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.csv');
  });
});

describe.skipIf(!built)('the built binary on the bundled log (clmkit demo)', () => {
  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(clmkit(['--version']).stdout).toBe(`${version}\n`);
  });

  it('prints every part of the report, and its numbers equal the library calls on the same log', () => {
    const r = clmkit(['demo']);
    expect(r.code).toBe(0);
    for (const heading of ['Cleaning', 'Purchase model: BG/NBD', 'Spend model: Gamma-Gamma', 'Holdout validation', 'Top 10 customers by CLV', 'RFM segments', 'Lifecycle stages', 'Timings']) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout.includes('\u001b[')).toBe(false); // no colour when not a terminal
    const { transactions, report } = cleanTransactions(sampleTransactions());
    expect(r.stdout).toContain(`${report.inputRows.toLocaleString('en-US')} rows read, ${report.keptRows.toLocaleString('en-US')} kept`);
    const model = fitBetaGeo(summarize(transactions, { unit: 'week' }));
    expect(r.stdout).toContain(`r ${model.params.r.toPrecision(4)}`);
  });

  it('--json gives the full result; the fit equals fitBetaGeo on the cleaned log', () => {
    const result = json(clmkit(['demo', '--json', '--top', '3']));
    const { transactions } = cleanTransactions(sampleTransactions());
    const summary = summarize(transactions, { unit: 'week' });
    const model = fitBetaGeo(summary);
    expect(result.overview.customers).toBe(summary.size);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(result.bgnbd.params[k]).toBeCloseTo(model.params[k], 9);
    expect(result.topCustomers).toHaveLength(3);
    expect(result.holdout?.calibrationEnd).toBe('2024-06-30');
    expect(result.timings.peakRssBytes).toBeGreaterThan(0);
  });

  it('analyze reads the same log from a CSV file, from gzip and from stdin, with the same result', () => {
    const rows = sampleTransactions();
    const csv = ['customer_id,order_date,revenue', ...rows.map((t) => `${String(t.customerId)},${String(t.timestamp)},${t.amount ?? ''}`)].join('\n') + '\n';
    const plain = clmkit(['analyze', file('sample.csv', csv), '--json']);
    expect(plain.code).toBe(0);
    const a = JSON.parse(plain.stdout) as AnalysisResult;
    expect(a.source.columns).toMatchObject({ customer: 'customer_id', date: 'order_date', amount: 'revenue' });
    const gz = JSON.parse(clmkit(['analyze', file('sample.csv.gz', gzipSync(csv)), '--json']).stdout) as AnalysisResult;
    const stdin = JSON.parse(clmkit(['analyze', '-', '--json'], csv).stdout) as AnalysisResult;
    for (const other of [gz, stdin]) {
      expect(other.bgnbd.params).toEqual(a.bgnbd.params);
      expect(other.cleaning).toEqual(a.cleaning);
    }
    // The cleaning report names source lines: line = row index + 2 (the header is line 1).
    const { report } = cleanTransactions(rows);
    const dup = report.removed.find((x) => x.reason === 'duplicate')!;
    expect(a.cleaning.removed.find((x) => x.reason === 'duplicate')?.lines.slice(0, 3)).toEqual(dup.rows.slice(0, 3).map((i) => i + 2));
  });

  it('--html writes one self-contained report', () => {
    const out = path.join(dir, 'report.html');
    const r = clmkit(['demo', '--html', out, '--quiet']);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect((html.match(/<figure class="chart"/g) ?? []).length).toBeGreaterThanOrEqual(8);
    expect(html).not.toMatch(/<script[^>]+src=|<link /);
  });
});

describe.skipIf(!built)('the built binary on malformed input', () => {
  it('a missing column: exit 1, the columns found and the flag to use', () => {
    const r = clmkit(['analyze', file('nocust.csv', 'order,date,amount\n1,2024-01-01,5\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/customer/);
    expect(r.stderr).toContain('order, date, amount');
    expect(r.stderr).toContain('--customer-col');
  });

  it('a named column that does not exist: exit 1, with a close match', () => {
    const r = clmkit(['analyze', file('named.csv', 'CustomerID,date,amount\na,2024-01-01,5\n'), '--customer-col', 'customerid_']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CustomerID');
  });

  it('a bad date in one row: the row is removed and reported by line; the analysis goes on', () => {
    const lines = ['customer_id,date,amount'];
    for (let i = 0; i < 40; i++) lines.push(`c${i % 9},2024-0${1 + (i % 6)}-1${i % 10},${10 + i}`);
    lines.splice(7, 0, 'c1,2024-02-31x,12');
    const result = json(clmkit(['analyze', file('onebad.csv', lines.join('\n') + '\n'), '--json']));
    const bad = result.cleaning.removed.find((x) => x.reason === 'invalid-timestamp');
    expect(bad).toMatchObject({ count: 1, lines: [8] });
    expect(result.cleaning.badCells[0]).toMatchObject({ line: 8, column: 'date', value: '2024-02-31x' });
  });

  it('dates that are all unreadable: exit 1, naming the column and --date-format', () => {
    const r = clmkit(['analyze', file('dmy.csv', 'customer_id,date,amount\na,31/12/2024,5\nb,30/12/2024,7\na,29/12/2024,1\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('date');
    expect(r.stderr).toContain('--date-format');
    const ok = clmkit(['analyze', file('dmy2.csv', 'customer_id,date,amount\na,31/12/2024,5\nb,30/12/2024,7\na,29/11/2024,1\n'), '--date-format', 'dmy', '--json']);
    expect(ok.code).toBe(0);
  });

  it('an empty file and a header-only file: exit 1, saying there are no data rows', () => {
    for (const [name, text] of [['empty.csv', ''], ['header.csv', 'customer_id,date,amount\n']] as const) {
      const r = clmkit(['analyze', file(name, text)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/no data rows|empty/);
    }
  });

  it('a line with more cells than the header: exit 1, naming the line', () => {
    const r = clmkit(['analyze', file('wide.csv', 'customer_id,date,amount\na,2024-01-01,5\nb,2024-01-02,5,extra\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 3/);
  });
});

const cdnow = datasetPath('cdnow/CDNOW_sample.txt');
describe.skipIf(!built || cdnow === null)('the built binary on CDNOW', () => {
  if (cdnow === null) console.warn(missingMessage('cdnow/CDNOW_sample.txt'));
  it('reproduces the published calibration fit and the holdout purchases (Fader, Hardie & Lee 2005)', () => {
    // CDNOW_sample.txt (the 1/10 sample the paper fits): `master_id sample_id YYYYMMDD cds dollars`.
    let csv = 'customer_id,date,amount\n';
    let rows = 0;
    const days = new Map<string, Set<string>>();
    for (const line of readFileSync(cdnow!, 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length !== 5) continue;
      csv += `${f[1]},${f[2]},${f[4]}\n`;
      rows++;
      const d = days.get(f[1]) ?? new Set<string>();
      d.add(f[2]);
      days.set(f[1], d);
    }
    // Repeat purchase occasions (distinct days) in the 39-week holdout: everyone first bought in 1997 Q1.
    let holdoutRepeats = 0;
    for (const d of days.values()) for (const day of d) if (day > '19970930' && day <= '19980630') holdoutRepeats++;
    const result = json(clmkit(['analyze', file('cdnow.csv', csv), '--end', '1998-06-30', '--holdout', '1997-09-30', '--json']));
    expect(result.cleaning.rowsRead).toBe(rows);
    expect(result.overview.customers).toBe(2_357);
    const cal = result.holdout!.calibrationFit!;
    const published = { r: 0.2426, alpha: 4.4136, a: 0.7931, b: 2.4259 };
    for (const [k, v] of Object.entries(published)) expect(Math.abs(cal.params[k as keyof typeof published] / v - 1)).toBeLessThan(1e-3);
    expect(cal.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(result.holdout!.totalActual).toBe(holdoutRepeats);
  });
});

describe('garbage collection between the steps of a large analysis', () => {
  it('Node lets the command line run a full collection, which frees unreachable memory', async () => {
    const gc = garbageCollector();
    expect(gc).toBeTypeOf('function');
    // A WeakRef is cleared by a full collection once nothing else holds its target (and the job
    // that created it has ended: hence the awaits).
    const ref = ((): WeakRef<Float64Array> => new WeakRef(new Float64Array(1 << 20)))();
    await new Promise((r) => setTimeout(r, 0));
    gc!();
    await new Promise((r) => setTimeout(r, 0));
    expect(ref.deref()).toBeUndefined();
  });
});

describe('--keep-duplicates (in-process)', () => {
  it('keeps the exact duplicates cleaning would remove, and nothing else changes in the cleaning', async () => {
    const base = JSON.parse((await inProcess(['demo', '--json'])).stdout) as AnalysisResult;
    const kept = JSON.parse((await inProcess(['demo', '--json', '--keep-duplicates'])).stdout) as AnalysisResult;
    // The reference is cleanTransactions on the bundled log, with and without duplicate removal.
    const removedDup = cleanTransactions(sampleTransactions()).report.removed.find((x) => x.reason === 'duplicate')!.count;
    expect(removedDup).toBeGreaterThan(0);
    expect(base.cleaning.removed.some((x) => x.reason === 'duplicate')).toBe(true);
    expect(kept.cleaning.removed.some((x) => x.reason === 'duplicate')).toBe(false);
    expect(kept.cleaning.kept).toBe(base.cleaning.kept + removedDup);
    expect(kept.cleaning.removed).toEqual(base.cleaning.removed.filter((x) => x.reason !== 'duplicate'));
    expect(kept.overview.transactions).toBe(base.overview.transactions + removedDup);
    expect(kept.settings.keepDuplicates).toBe(true);
  });
});
