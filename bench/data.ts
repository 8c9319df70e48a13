/**
 * Deterministic benchmark data: transaction logs generated from a seed with clmkit's own
 * `createRandom` (xoshiro128**), and their CSV files, cached in `.bench-cache/`.
 *
 * The logs span 2024-01-01T00:00:00Z … 2025-12-31T23:59:59Z (731 days), timestamps in whole
 * seconds, amounts with two decimals in [1, 200] (skewed to small values).
 *
 * @module
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createRandom, type Random } from '../src/math/random.js';
import type { TransactionRecord } from '../src/data/index.js';
import { formatInt, sizeLabel } from './harness.js';

/**
 * Bump when the generators below change, so cached files made by the old ones are not reused.
 * It is part of every cache file name.
 */
export const GENERATOR_VERSION = 1;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.bench-cache');

const DAY_MS = 86_400_000;
/** First instant of the generated logs. */
export const LOG_START_MS = Date.UTC(2024, 0, 1);
/** Length of the generated logs in days (2024 is a leap year: 366 + 365). */
export const LOG_DAYS = 731;
/** Observation end for summaries of the generated logs (a date-only string: the whole day). */
export const OBSERVATION_END = '2025-12-31';
const SPAN_SECONDS = LOG_DAYS * 86_400;

/** What to generate. */
export interface LogSpec {
  readonly rows: number;
  readonly customers: number;
  readonly seed: number;
}

/** A transaction log as columns, in random order. */
export interface TxLog {
  readonly spec: LogSpec;
  readonly customerId: string[];
  /** Epoch milliseconds (whole seconds). */
  readonly timestamp: Float64Array;
  readonly amount: Float64Array;
  /** A hash of every row, to check that a cached CSV holds this very log. */
  readonly fingerprint: string;
}

/** `c000042`: the letter keeps ids non-numeric, as most real ids are. */
export function customerLabel(c: number): string {
  return `c${String(c).padStart(6, '0')}`;
}

/** An amount in [1, 200] with two decimals, skewed towards small values. */
function drawAmount(rng: Random): number {
  const u = rng.next();
  return Math.round(100 + 19_900 * u * u) / 100;
}

/**
 * A log of `rows` transactions by `customers` customers, in random order. Every customer has an
 * acquisition instant (uniform over the two years) and a first purchase there; the remaining
 * rows go to customers with probability skewed towards low indices (customer `⌊C·u^1.5⌋`), at
 * an instant uniform between the customer's acquisition and the end of the log.
 */
export function generateLog(spec: LogSpec): TxLog {
  const { rows: n, customers: C, seed } = spec;
  if (C < 1 || C > n) throw new Error(`generateLog: need 1 ≤ customers ≤ rows, got ${C} and ${n}`);
  const rng = createRandom(seed);
  const acquired = new Float64Array(C); // seconds since LOG_START_MS
  for (let c = 0; c < C; c++) acquired[c] = rng.int(SPAN_SECONDS);
  const cust = new Int32Array(n);
  const sec = new Float64Array(n);
  const amt = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let c = r;
    let s = r < C ? acquired[r] : 0;
    if (r >= C) {
      c = Math.min(C - 1, Math.floor(C * Math.pow(rng.next(), 1.5)));
      s = acquired[c] + rng.int(SPAN_SECONDS - acquired[c]);
    }
    cust[r] = c;
    sec[r] = s;
    amt[r] = drawAmount(rng);
  }
  // Random order: Fisher–Yates on a permutation.
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const labels = Array.from({ length: C }, (_, c) => customerLabel(c));
  const customerId = new Array<string>(n);
  const timestamp = new Float64Array(n);
  const amount = new Float64Array(n);
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) {
    const r = perm[i];
    customerId[i] = labels[cust[r]];
    timestamp[i] = LOG_START_MS + sec[r] * 1000;
    amount[i] = amt[r];
    h = Math.imul(h ^ cust[r], 0x01000193);
    h = Math.imul(h ^ sec[r], 0x01000193);
    h = Math.imul(h ^ Math.round(amt[r] * 100), 0x01000193);
  }
  return { spec, customerId, timestamp, amount, fingerprint: (h >>> 0).toString(16).padStart(8, '0') };
}

/**
 * Formats epoch ms (whole seconds) as `YYYY-MM-DDTHH:MM:SS` (UTC, no offset: clmkit and pandas
 * both read it as UTC). Caches the date part, which repeats across consecutive calls.
 */
export function isoSecondsFormatter(): (ms: number) => string {
  let day = NaN;
  let prefix = '';
  const two = (x: number): string => (x < 10 ? `0${x}` : String(x));
  return (ms: number): string => {
    const d = Math.floor(ms / DAY_MS);
    if (d !== day) {
      day = d;
      prefix = new Date(d * DAY_MS).toISOString().slice(0, 11);
    }
    const s = Math.floor((ms - d * DAY_MS) / 1000);
    return `${prefix}${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  };
}

/** The log as records `{ customerId, timestamp: ISO string, amount }`. */
export function toRecords(log: TxLog): TransactionRecord[] {
  const iso = isoSecondsFormatter();
  const out = new Array<TransactionRecord>(log.spec.rows);
  for (let i = 0; i < out.length; i++) {
    out[i] = { customerId: log.customerId[i], timestamp: iso(log.timestamp[i]), amount: log.amount[i] };
  }
  return out;
}

/** Kinds of damage injected into a log for the cleaning benchmark. */
export type DirtKind = 'duplicate' | 'missing-id' | 'invalid-timestamp' | 'negative-amount' | 'invalid-amount' | 'missing-amount';

/** Share of rows replaced by each kind of damage (3 % in all). */
export const DIRT_RATES: Readonly<Record<DirtKind, number>> = {
  duplicate: 0.01,
  'missing-id': 0.005,
  'invalid-timestamp': 0.005,
  'negative-amount': 0.005,
  'invalid-amount': 0.0025,
  'missing-amount': 0.0025,
};

export interface DirtyRecords {
  readonly records: TransactionRecord[];
  /** How many rows were replaced, per kind. */
  readonly injected: Readonly<Record<DirtKind, number>>;
}

/**
 * A copy of `records` (same length) where about 3 % of the rows are replaced, deterministically:
 * exact duplicates of an earlier row (a new object with equal fields), an empty id, an
 * unparseable timestamp, a negated amount, a `NaN` amount, or no amount.
 */
export function dirtyRecords(records: readonly TransactionRecord[], seed: number): DirtyRecords {
  const rng = createRandom(seed);
  const kinds = Object.keys(DIRT_RATES) as DirtKind[];
  const injected: Record<DirtKind, number> = {
    duplicate: 0,
    'missing-id': 0,
    'invalid-timestamp': 0,
    'negative-amount': 0,
    'invalid-amount': 0,
    'missing-amount': 0,
  };
  const out = records.slice();
  for (let i = 1; i < out.length; i++) {
    let u = rng.next();
    let kind: DirtKind | undefined;
    for (const k of kinds) {
      if (u < DIRT_RATES[k]) {
        kind = k;
        break;
      }
      u -= DIRT_RATES[k];
    }
    if (kind === undefined) continue;
    const rec = out[i];
    switch (kind) {
      case 'duplicate':
        out[i] = { ...out[rng.int(i)] };
        break;
      case 'missing-id':
        out[i] = { ...rec, customerId: '' };
        break;
      case 'invalid-timestamp':
        out[i] = { ...rec, timestamp: 'not-a-date' };
        break;
      case 'negative-amount':
        out[i] = { ...rec, amount: -(rec.amount ?? 1) };
        break;
      case 'invalid-amount':
        out[i] = { ...rec, amount: NaN };
        break;
      case 'missing-amount':
        out[i] = { customerId: rec.customerId, timestamp: rec.timestamp };
        break;
    }
    injected[kind]++;
  }
  return { records: out, injected };
}

// ---------------------------------------------------------------------------------------------
// CSV files in .bench-cache/

/** A CSV file on disk. */
export interface CsvFile {
  readonly path: string;
  readonly bytes: number;
  /** Whether an existing cached file was used. */
  readonly reused: boolean;
}

interface CacheMeta {
  readonly version: number;
  readonly rows: number;
  readonly customers: number;
  readonly seed: number;
  readonly bytes: number;
  readonly fingerprint: string;
}

function readMeta(file: string): CacheMeta | undefined {
  try {
    return JSON.parse(readFileSync(`${file}.meta.json`, 'utf8')) as CacheMeta;
  } catch {
    return undefined;
  }
}

/** A cached file is reused when its sidecar says it was completed for the same log. */
function cached(file: string, expected: Omit<CacheMeta, 'bytes'>): CsvFile | undefined {
  const meta = readMeta(file);
  if (meta === undefined || !existsSync(file)) return undefined;
  const same =
    meta.version === expected.version &&
    meta.rows === expected.rows &&
    meta.customers === expected.customers &&
    meta.seed === expected.seed &&
    meta.fingerprint === expected.fingerprint &&
    statSync(file).size === meta.bytes;
  return same ? { path: file, bytes: meta.bytes, reused: true } : undefined;
}

/**
 * Writes chunks to `file` through `fs.createWriteStream`, waiting for `drain` whenever the stream
 * asks (bounded memory), into a temporary name renamed at the end (no half-written cache files).
 */
async function writeChunks(file: string, chunks: Iterable<string>): Promise<number> {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const ws = createWriteStream(tmp);
  try {
    for (const chunk of chunks) if (!ws.write(chunk)) await once(ws, 'drain');
    ws.end();
    await finished(ws);
  } catch (error) {
    ws.destroy();
    rmSync(tmp, { force: true });
    throw error;
  }
  renameSync(tmp, file);
  return statSync(file).size;
}

function writeMeta(file: string, meta: CacheMeta): void {
  writeFileSync(`${file}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
}

const HEADER = 'customerId,timestamp,amount\n';
const LINES_PER_CHUNK = 16_384;

function* logCsvChunks(log: TxLog): Generator<string> {
  const iso = isoSecondsFormatter();
  yield HEADER;
  const n = log.spec.rows;
  for (let start = 0; start < n; start += LINES_PER_CHUNK) {
    const end = Math.min(n, start + LINES_PER_CHUNK);
    let chunk = '';
    for (let i = start; i < end; i++) chunk += `${log.customerId[i]},${iso(log.timestamp[i])},${log.amount[i]}\n`;
    yield chunk;
  }
}

/** The log as `.bench-cache/tx-<size>-s<seed>-v<version>.csv` (for the Python peer). */
export async function ensureLogCsv(log: TxLog, say: (message: string) => void): Promise<CsvFile> {
  const { rows, customers, seed } = log.spec;
  const file = path.join(CACHE_DIR, `tx-${sizeLabel(rows)}-s${seed}-v${GENERATOR_VERSION}.csv`);
  const expected = { version: GENERATOR_VERSION, rows, customers, seed, fingerprint: log.fingerprint };
  const hit = cached(file, expected);
  if (hit !== undefined) return hit;
  say(`writing ${path.relative(REPO_ROOT, file)} (${formatInt(rows)} rows)…`);
  const bytes = await writeChunks(file, logCsvChunks(log));
  writeMeta(file, { ...expected, bytes });
  return { path: file, bytes, reused: false };
}

/**
 * A time-ordered log of `rows` rows, generated row by row (nothing but the current chunk in
 * memory). Row `i` is at second ⌊(i + u)·span/rows⌋ (non-decreasing, so every customer's records
 * are in time order); its customer is uniform among the customers "acquired" so far, which grow
 * linearly from 1 to `customers` over the first half of the rows — so a few customers near the
 * end may never be drawn (≈ 0.1 % at 10M rows / 1M customers).
 */
function* streamCsvChunks(spec: LogSpec, progress: (rowsDone: number) => void): Generator<string> {
  const { rows: n, customers: C, seed } = spec;
  const rng = createRandom(seed);
  const iso = isoSecondsFormatter();
  const acquiring = Math.max(1, Math.floor(n / 2));
  yield HEADER;
  for (let start = 0; start < n; start += LINES_PER_CHUNK) {
    const end = Math.min(n, start + LINES_PER_CHUNK);
    let chunk = '';
    for (let i = start; i < end; i++) {
      const s = Math.floor(((i + rng.next()) * SPAN_SECONDS) / n);
      const active = Math.min(C, Math.floor((C * (i + 1)) / acquiring) + 1);
      const c = rng.int(active);
      chunk += `${customerLabel(c)},${iso(LOG_START_MS + s * 1000)},${drawAmount(rng)}\n`;
    }
    progress(end);
    yield chunk;
  }
}

/** The time-ordered log for the streaming benchmark, `.bench-cache/stream-<size>-s<seed>-v<version>.csv`. */
export async function ensureStreamCsv(spec: LogSpec, say: (message: string) => void): Promise<CsvFile> {
  const file = path.join(CACHE_DIR, `stream-${sizeLabel(spec.rows)}-s${spec.seed}-v${GENERATOR_VERSION}.csv`);
  const expected = { version: GENERATOR_VERSION, ...spec, fingerprint: 'streamed' };
  const hit = cached(file, expected);
  if (hit !== undefined) return hit;
  say(`generating ${path.relative(REPO_ROOT, file)} (${formatInt(spec.rows)} rows, streamed)…`);
  const step = Math.max(1, Math.floor(spec.rows / 10));
  let next = step;
  const t0 = performance.now();
  const bytes = await writeChunks(
    file,
    streamCsvChunks(spec, (done) => {
      if (done >= next) {
        say(`  ${formatInt(done)} rows (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        next += step;
      }
    }),
  );
  writeMeta(file, { ...expected, bytes });
  return { path: file, bytes, reused: false };
}
