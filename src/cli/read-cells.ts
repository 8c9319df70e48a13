/**
 * Cell conversions and the growing output columns of the `clmkit analyze` reader (`read.ts`):
 * dates and amounts parsed straight from bytes (with exact fallbacks to the library's parsers),
 * customer ids interned through a byte-keyed hash table, and the {@link ColumnsBuilder} that
 * collects rows into typed arrays and records unreadable cells.
 *
 * @internal
 * @module
 */
import { Buffer } from 'node:buffer';
import { daysFromCivil, MS_PER_DAY, parseIsoTimestamp } from '../data/time.js';
import type { BadCell } from './types.js';

/** How date cells are written: ISO 8601, or US / European day-month order with slashes. @internal */
export type DateFormat = 'iso' | 'mdy' | 'dmy';

// ---------------------------------------------------------------------------------------------
// Dates

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Two ASCII digits at `i`; −1 when either is not a digit. */
function d2(b: Uint8Array, i: number): number {
  const x = b[i] - 48;
  const y = b[i + 1] - 48;
  return x >>> 0 > 9 || y >>> 0 > 9 ? -1 : x * 10 + y;
}

// The date part of consecutive cells repeats (logs are sorted by customer or by time): cache it.
let cachedKey = -1;
let cachedMs = 0;

/**
 * The fast path of ISO 8601 parsing, over bytes `b[s..e)`: `YYYY-MM-DD`, `YYYYMMDD`, and
 * `YYYY-MM-DD[T ]HH:MM[:SS[.fff…]][Z]`. Returns epoch ms, or NaN when the cell has another shape
 * or is invalid — the caller then decodes the cell and asks {@link parseDateText}, so that every
 * value this returns equals `parseIsoTimestamp` of the same text (tested).
 * @internal
 */
export function isoDateBytes(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len < 8) return NaN;
  const y0 = b[s] - 48;
  const y1 = b[s + 1] - 48;
  const y2 = b[s + 2] - 48;
  const y3 = b[s + 3] - 48;
  if (y0 >>> 0 > 9 || y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9) return NaN;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  let mo: number, d: number, i: number;
  if (b[s + 4] === 45) {
    if (len < 10 || b[s + 7] !== 45) return NaN;
    mo = d2(b, s + 5);
    d = d2(b, s + 8);
    i = s + 10;
  } else if (len === 8) {
    mo = d2(b, s + 4);
    d = d2(b, s + 6);
    i = e;
  } else return NaN;
  const key = y * 10_000 + mo * 100 + d; // unique for two-digit mo, d ≥ 0 (−1 never reaches the cache)
  let ms: number;
  if (key === cachedKey && mo > 0 && d > 0) ms = cachedMs;
  else {
    if (mo < 1 || mo > 12 || d < 1 || (d > 28 && d > daysInMonth(y, mo))) return NaN;
    ms = daysFromCivil(y, mo, d) * MS_PER_DAY;
    cachedKey = key;
    cachedMs = ms;
  }
  if (i === e) return ms;
  const sep = b[i];
  if ((sep !== 84 && sep !== 32) || e - i < 6) return NaN;
  const hh = d2(b, i + 1);
  const mi = d2(b, i + 4);
  if (hh < 0 || hh > 23 || b[i + 3] !== 58 || mi < 0 || mi > 59) return NaN;
  i += 6;
  let sec = 0;
  let frac = 0;
  if (i < e && b[i] === 58) {
    if (e - i < 3) return NaN;
    sec = d2(b, i + 1);
    if (sec < 0 || sec > 59) return NaN;
    i += 3;
    if (i < e && b[i] === 46) {
      i++;
      const start = i;
      let scale = 100;
      while (i < e) {
        const c = b[i] - 48;
        if (c >>> 0 > 9) break;
        frac += c * scale;
        scale = (scale / 10) | 0;
        i++;
      }
      if (i === start) return NaN;
    }
  }
  if (i < e) {
    if (b[i] !== 90 || i + 1 !== e) return NaN;
  }
  return ms + hh * 3_600_000 + mi * 60_000 + sec * 1000 + frac;
}

const SLASH_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp][Mm])?)?$/;

/** Month/day/year (or day/month/year) with an optional `H:MM[:SS[.fff]] [AM|PM]`; NaN when not. */
function slashDate(s: string, monthFirst: boolean): number {
  const m: (string | undefined)[] | null = SLASH_DATE.exec(s);
  if (m === null) return NaN;
  const a = Number(m[1]);
  const b = Number(m[3]);
  const y = Number(m[4]);
  const mo = monthFirst ? a : b;
  const d = monthFirst ? b : a;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  let ms = daysFromCivil(y, mo, d) * MS_PER_DAY;
  if (m[5] !== undefined) {
    let hh = Number(m[5]);
    const mi = Number(m[6]);
    const sec = m[7] === undefined ? 0 : Number(m[7]);
    const frac = m[8] === undefined ? 0 : Number(m[8].slice(0, 3).padEnd(3, '0'));
    const ampm = m[9]?.toLowerCase();
    if (ampm !== undefined) {
      if (hh < 1 || hh > 12) return NaN;
      hh = (hh % 12) + (ampm === 'pm' ? 12 : 0);
    }
    if (hh > 23 || mi > 59 || sec > 59) return NaN;
    ms += hh * 3_600_000 + mi * 60_000 + sec * 1000 + frac;
  }
  return ms;
}

/**
 * A date cell's text to epoch ms (UTC when there is no offset), NaN when unreadable. Surrounding
 * white space is ignored. `'iso'` is `parseIsoTimestamp` (src/data/time.ts); `'mdy'` and `'dmy'`
 * read `12/31/2024`, `31/12/2024` (also with `.` or `-`), with an optional time `8:26`,
 * `08:26:59`, `8:26 PM`, and fall back to ISO 8601 for cells that are not in that shape.
 * @internal
 */
export function parseDateText(text: string, format: DateFormat): number {
  const s = text.trim();
  if (format !== 'iso') {
    const v = slashDate(s, format === 'mdy');
    if (!Number.isNaN(v)) return v;
  }
  return parseIsoTimestamp(s);
}

/** The bad-cell problem text for an unreadable date. @internal */
export function dateProblem(text: string, format: DateFormat): string {
  if (text.trim() === '') return 'empty date';
  if (format === 'mdy') return 'not a date (expected month/day/year like 12/31/2024 8:26 with --date-format mdy)';
  if (format === 'dmy') return 'not a date (expected day/month/year like 31/12/2024 8:26 with --date-format dmy)';
  if (/^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}/.test(text)) {
    return 'not an ISO 8601 date (for 12/31/2024-style dates use --date-format mdy, for 31/12/2024 --date-format dmy)';
  }
  return 'not a date (expected ISO 8601 like 2024-03-01; see --date-format)';
}

// ---------------------------------------------------------------------------------------------
// Amounts

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The fast path of number parsing over bytes `b[s..e)`: `[+-]digits[.digits]` with at most 15
 * digits, computed as one exact integer divided by an exact power of ten — a single correctly
 * rounded operation, hence equal to `Number(text)`. NaN for anything else (the caller then uses
 * {@link parseAmountText}).
 * @internal
 */
export function decimalBytes(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c0 = b[i];
  if (c0 === 45) {
    neg = true;
    i++;
  } else if (c0 === 43) i++;
  let m = 0;
  let digits = 0;
  let dot = -1;
  for (; i < e; i++) {
    const c = b[i] - 48;
    if (c >>> 0 <= 9) {
      m = m * 10 + c;
      digits++;
    } else if (c === -2 && dot < 0) dot = i;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = dot < 0 ? m : m / POW10[e - dot - 1];
  return neg ? -v : v;
}

/**
 * An amount cell's text to a number, NaN when empty or unreadable: `Number()` of the trimmed
 * text, finite values only (`Infinity` is not an amount).
 * @internal
 */
export function parseAmountText(text: string): number {
  const s = text.trim();
  if (s === '') return NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/** The bad-cell problem text for an unreadable amount. @internal */
export function amountProblem(text: string): string {
  if (text.trim() === '') return 'empty amount';
  if (/^\s*-?\d+,\d{1,2}\s*$/.test(text)) return 'not a number (a decimal comma? amounts need a decimal point, like 12.34)';
  return 'not a number (expected a plain decimal like 12.34)';
}

// ---------------------------------------------------------------------------------------------
// Customer ids

/** Ids resolved together by {@link IdInterner.resolve}. @internal */
export const ID_BATCH = 512;

/**
 * Interns customer ids given as UTF-8 bytes into integer codes, so that a repeated id is never
 * decoded or allocated again: an open-addressing hash table (linear probing, slots of
 * `[hash, code + 1]`) over a byte pool where id `k`'s bytes are `pool[offsets[k] .. offsets[k+1])`.
 * Code 0 is the empty id. The key of an id is the UTF-8 encoding of its decoded text, so ids equal
 * as strings always get one code (even when the input held invalid UTF-8 that decodes to the
 * same replacement characters); {@link strings} holds one string per code.
 * @internal
 */
export class IdInterner {
  private slots = new Int32Array(2 << 12);
  private mask = (1 << 12) - 1;
  private offsets = new Int32Array(1 << 11);
  private pool = new Uint8Array(1 << 16);
  private poolUsed = 0;
  /** The id of each code. */
  readonly strings: string[] = [];
  private last = 0;
  /** Scratch of {@link resolve}, per id of a batch. */
  private readonly batchHash = new Int32Array(ID_BATCH);
  private readonly batchCand = new Int32Array(ID_BATCH);
  private readonly batchOffset = new Int32Array(ID_BATCH);
  /** Keeps the loads of the prefetching loops observable. */
  private touched = 0;

  constructor() {
    this.strings.push(''); // code 0: offsets[0] = offsets[1] = 0
  }

  /** The code of bytes `b[s..e)` (UTF-8). */
  bytes(b: Buffer, s: number, e: number): number {
    const len = e - s;
    if (len === 0) return 0;
    const offsets = this.offsets;
    const pool = this.pool;
    // Logs sorted by customer repeat the previous id.
    const last = this.last;
    let k = offsets[last];
    if (offsets[last + 1] - k === len) {
      k -= s;
      let i = s;
      while (i < e && pool[i + k] === b[i]) i++;
      if (i === e) return last;
    }
    let h = 0x811c9dc5 ^ len;
    let high = 0;
    for (let i = s; i < e; i++) {
      const c = b[i];
      high |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    const slots = this.slots;
    const mask = this.mask;
    let idx = h & mask;
    for (;;) {
      const slot = slots[2 * idx + 1];
      if (slot === 0) break;
      if (slots[2 * idx] === h) {
        const code = slot - 1;
        const o = offsets[code];
        if (offsets[code + 1] - o === len) {
          const d = o - s;
          let i = s;
          while (i < e && pool[i + d] === b[i]) i++;
          if (i === e) {
            this.last = code;
            return code;
          }
        }
      }
      idx = (idx + 1) & mask;
    }
    // First sight: decode, and key it by its canonical bytes.
    if (high < 0x80) return this.insert(b.toString('latin1', s, e), b, s, e, h, idx);
    const text = b.toString('utf8', s, e);
    const canonical = Buffer.from(text, 'utf8');
    if (canonical.length !== len || !canonical.equals(b.subarray(s, e))) return this.bytes(canonical, 0, canonical.length);
    return this.insert(text, b, s, e, h, idx);
  }

  /**
   * The codes of many ids at once: `b[starts[k] .. ends[k])` for `k < n`, written to
   * `codes[rows[k]]`. The same result as {@link bytes} for each, but the random memory accesses
   * of different ids are independent (one pass over all ids per step: hash slot, offsets, pool
   * bytes), so the processor overlaps their cache misses instead of waiting for each in turn.
   */
  resolve(b: Buffer, starts: Int32Array, ends: Int32Array, rows: Int32Array, n: number, codes: Int32Array): void {
    const hashes = this.batchHash;
    const cand = this.batchCand;
    // Pass 0: hash; an id equal to the previous one (sorted logs) is marked −2.
    let ps = -1;
    let pe = -1;
    for (let k = 0; k < n; k++) {
      const s = starts[k];
      const e = ends[k];
      if (e - s === pe - ps) {
        let i = s;
        const d = ps - s;
        while (i < e && b[i + d] === b[i]) i++;
        if (i === e) {
          cand[k] = -2;
          continue;
        }
      }
      ps = s;
      pe = e;
      let h = 0x811c9dc5 ^ (e - s);
      for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
      hashes[k] = h;
      cand[k] = -1;
    }
    // Pass 1: the first slot of the probe run with an equal hash (−1: none, an empty slot first).
    // The loads of the home slots go first, without branches, so that their misses overlap.
    const slots = this.slots;
    const mask = this.mask;
    let touch = 0;
    for (let k = 0; k < n; k++) touch ^= slots[2 * (hashes[k] & mask)];
    for (let k = 0; k < n; k++) {
      if (cand[k] === -2) continue;
      const h = hashes[k];
      let idx = h & mask;
      for (;;) {
        const slot = slots[2 * idx + 1];
        if (slot === 0) break;
        if (slots[2 * idx] === h) {
          cand[k] = slot - 1;
          break;
        }
        idx = (idx + 1) & mask;
      }
    }
    // Pass 2: the candidate's bytes in the pool (their offset, with the length checked).
    const offsets = this.offsets;
    const at = this.batchOffset;
    for (let k = 0; k < n; k++) {
      const c = cand[k];
      touch ^= offsets[c & ~(c >> 31)];
    }
    for (let k = 0; k < n; k++) {
      const c = cand[k];
      at[k] = 0;
      if (c < 0) continue;
      const o = offsets[c];
      if (offsets[c + 1] - o === ends[k] - starts[k]) at[k] = o;
      else cand[k] = -1;
    }
    for (let k = 0; k < n; k++) touch ^= this.pool[at[k]];
    this.touched = touch;
    // Pass 3: compare the bytes; then in order, the rest by the one-at-a-time path.
    const pool = this.pool;
    for (let k = 0; k < n; k++) {
      let c = cand[k];
      if (c >= 0) {
        const s = starts[k];
        const e = ends[k];
        const d = at[k] - s;
        let i = s;
        while (i < e && pool[i + d] === b[i]) i++;
        if (i !== e) c = -1;
      }
      if (c === -2) c = codes[rows[k - 1]];
      else if (c === -1) c = this.bytes(b, starts[k], ends[k]);
      codes[rows[k]] = c;
    }
  }

  /** The code of a string (slow path: quoted cells with `""`). */
  text(s: string): number {
    const b = Buffer.from(s, 'utf8');
    return this.bytes(b, 0, b.length);
  }

  /** Lets go of the hash table and byte pool (the strings stay). */
  release(): void {
    this.slots = new Int32Array(2);
    this.mask = 0;
    this.offsets = new Int32Array(2);
    this.pool = new Uint8Array(0);
  }

  private insert(str: string, b: Uint8Array, s: number, e: number, h: number, idx: number): number {
    const code = this.strings.length;
    const len = e - s;
    if (code + 2 > this.offsets.length) {
      const offsets = new Int32Array(this.offsets.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    if (this.poolUsed + len > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      pool.set(this.pool.subarray(0, this.poolUsed));
      this.pool = pool;
    }
    this.pool.set(b.subarray(s, e), this.poolUsed);
    this.poolUsed += len;
    this.offsets[code + 1] = this.poolUsed;
    this.strings.push(str);
    this.slots[2 * idx] = h;
    this.slots[2 * idx + 1] = code + 1;
    this.last = code;
    // Load factor at most 3/4: probes stay short and mostly within one cache line.
    if ((code + 1) * 4 > (this.mask + 1) * 3) this.rehash();
    return code;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(2 * size);
    const mask = size - 1;
    const old = this.slots;
    for (let j = 0; j < old.length; j += 2) {
      const code1 = old[j + 1];
      if (code1 === 0) continue;
      const h = old[j];
      let idx = h & mask;
      while (slots[2 * idx + 1] !== 0) idx = (idx + 1) & mask;
      slots[2 * idx] = h;
      slots[2 * idx + 1] = code1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/**
 * Interns ids given as strings (JSON values, the bundled sample) into codes, code 0 being the
 * empty id, like {@link IdInterner}.
 * @internal
 */
export class TextInterner {
  private readonly codes = new Map<string, number>([['', 0]]);
  /** The id of each code. */
  readonly strings: string[] = [''];

  code(s: string): number {
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.strings.length;
      this.codes.set(s, c);
      this.strings.push(s);
    }
    return c;
  }
}

// ---------------------------------------------------------------------------------------------
// Output columns

/** Bad cells kept with their details (the rest are only counted). @internal */
export const MAX_BAD_CELLS = 20;

/**
 * The columns of a {@link TransactionTable} under construction: typed arrays that grow (by half,
 * or to an estimate of the row count), trimmed at the end, customer ids as interned codes,
 * plus the bad-cell record.
 * @internal
 */
export class ColumnsBuilder {
  rows = 0;
  capacity: number;
  customerCode: Int32Array;
  timestamp: Float64Array;
  amount: Float64Array | null;
  line: Int32Array;
  readonly badCells: BadCell[] = [];
  readonly badCellCounts: Record<string, number> = {};

  constructor(hasAmount: boolean, capacity = 1 << 16) {
    this.capacity = Math.max(16, Math.ceil(capacity));
    this.customerCode = new Int32Array(this.capacity);
    this.timestamp = new Float64Array(this.capacity);
    this.amount = hasAmount ? new Float64Array(this.capacity) : null;
    this.line = new Int32Array(this.capacity);
  }

  /** Makes room for at least `atLeast` rows (the current ones kept). */
  grow(atLeast = Math.ceil(this.capacity * 1.5)): void {
    const cap = Math.max(atLeast, this.rows + 16);
    const n = this.rows;
    const cc = new Int32Array(cap);
    cc.set(this.customerCode.subarray(0, n));
    this.customerCode = cc;
    const ts = new Float64Array(cap);
    ts.set(this.timestamp.subarray(0, n));
    this.timestamp = ts;
    if (this.amount !== null) {
      const am = new Float64Array(cap);
      am.set(this.amount.subarray(0, n));
      this.amount = am;
    }
    const ln = new Int32Array(cap);
    ln.set(this.line.subarray(0, n));
    this.line = ln;
    this.capacity = cap;
  }

  /** Records an unreadable cell: counted always, kept in detail for the first {@link MAX_BAD_CELLS}. */
  bad(line: number, column: string, value: string, problem: string): void {
    this.badCellCounts[column] = (this.badCellCounts[column] ?? 0) + 1;
    if (this.badCells.length < MAX_BAD_CELLS) {
      this.badCells.push({ line, column, value: value.length > 40 ? `${value.slice(0, 39)}…` : value, problem });
    }
  }

  /**
   * The final columns: customer ids as their interned codes (`strings[code]` is the id, code 0 the
   * empty id), typed arrays as views when little of them is unused, else as copies.
   */
  finish(strings: readonly string[]): {
    customerCode: Int32Array;
    customerIds: readonly string[];
    timestamp: Float64Array;
    amount: Float64Array | null;
    line: Int32Array;
  } {
    const n = this.rows;
    const copy = this.capacity - n > (n >> 3) + 1024;
    const trim = <T extends Float64Array | Int32Array>(a: T): T => (copy ? (a.slice(0, n) as T) : (a.subarray(0, n) as T));
    const customerCode = trim(this.customerCode);
    this.customerCode = new Int32Array(0);
    return {
      customerCode,
      customerIds: strings,
      timestamp: trim(this.timestamp),
      amount: this.amount === null ? null : trim(this.amount),
      line: trim(this.line),
    };
  }
}
