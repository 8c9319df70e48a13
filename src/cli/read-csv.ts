/**
 * The CSV part of the `clmkit analyze` reader (`read.ts`): RFC 4180 scanned over bytes, with
 * only the three chosen columns converted (no per-row objects, no strings for other cells).
 * Also reads whitespace-separated text (CDNOW's `CDNOW_master.txt`), chosen when the header line
 * holds none of `,` `;` tab `|`.
 *
 * @internal
 * @module
 */
import type { Buffer } from 'node:buffer';
import { CliError, EXIT } from './errors.js';
import {
  amountProblem,
  ColumnsBuilder,
  dateProblem,
  decimalBytes,
  ID_BATCH,
  IdInterner,
  isoDateBytes,
  parseAmountText,
  parseDateText,
  type DateFormat,
} from './read-cells.js';
import type { ColumnChoice } from './types.js';

/** The delimiter code meaning "runs of spaces and tabs". @internal */
export const WHITESPACE = -1;

/** Longest header line accepted (a longer one means the input is not a CSV file). @internal */
export const MAX_HEADER_BYTES = 64 * 1024;

/** Longest record accepted (longer means an unclosed quote, or not a CSV file). @internal */
export const MAX_RECORD_BYTES = 1 << 20;

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/**
 * The delimiter of a header line `b[s..e)`: the most frequent of `,` `;` tab `|` outside quotes
 * (ties in that order), or {@link WHITESPACE} when there is none of them but there are spaces.
 * @internal
 */
export function sniffDelimiter(b: Uint8Array, s: number, e: number): number {
  const candidates = [44, 59, TAB, 124];
  const counts = [0, 0, 0, 0];
  let inQuotes = false;
  let spaces = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes) {
      const k = candidates.indexOf(c);
      if (k >= 0) counts[k]++;
      else if (c === SPACE) spaces++;
    }
  }
  let best = 0;
  for (let k = 1; k < 4; k++) if (counts[k] > counts[best]) best = k;
  if (counts[best] > 0) return candidates[best];
  return spaces > 0 ? WHITESPACE : 44;
}

/** The text of a raw field `b[s..e)`: unquoted as is; quoted with `""` → `"`, text after the closing quote kept. @internal */
export function decodeRaw(b: Buffer, s: number, e: number): string {
  if (s >= e || b[s] !== QUOTE) return b.toString('utf8', s, e);
  let out = '';
  let start = s + 1;
  let i = start;
  while (i < e) {
    if (b[i] === QUOTE) {
      out += b.toString('utf8', start, i);
      if (i + 1 < e && b[i + 1] === QUOTE) {
        out += '"';
        i += 2;
        start = i;
        continue;
      }
      return out + b.toString('utf8', i + 1, e);
    }
    i++;
  }
  return out + b.toString('utf8', start, e);
}

function isFieldEnd(c: number, delim: number): boolean {
  return delim === WHITESPACE ? c === SPACE || c === TAB || c === CR || c === LF : c === delim || c === LF;
}

/**
 * Scans one record at `pos` into its cells' text (the generic, slow path: for the header line).
 * Returns null when the record is not complete in `b` and more input may come (`final` false).
 * @internal
 */
export function scanRecord(b: Buffer, pos: number, final: boolean, delim: number): { cells: string[]; end: number; lines: number } | null {
  const len = b.length;
  const cells: string[] = [];
  let lines = 1;
  let i = pos;
  const ws = delim === WHITESPACE;
  const skipWs = (): void => {
    while (i < len && (b[i] === SPACE || b[i] === TAB || b[i] === CR)) i++;
  };
  if (ws) skipWs();
  for (;;) {
    if (ws) {
      if (i >= len) return final ? { cells, end: len, lines } : null;
      if (b[i] === LF) return { cells, end: i + 1, lines };
    }
    const s = i;
    if (i < len && b[i] === QUOTE) {
      i++;
      for (;;) {
        if (i >= len) {
          if (!final) return null;
          throw new CliError(`line ${lines}: a quoted field is not closed`, EXIT.badInput);
        }
        if (b[i] === QUOTE) {
          if (i + 1 >= len && !final) return null;
          if (b[i + 1] === QUOTE && i + 1 < len) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (b[i] === LF) lines++;
        i++;
      }
    }
    while (i < len && !isFieldEnd(b[i], delim)) i++;
    if (i >= len && !final) return null;
    let e = i;
    const atLineEnd = i >= len || b[i] === LF;
    if (!ws && atLineEnd && e > s && b[e - 1] === CR) e--;
    cells.push(decodeRaw(b, s, e));
    if (ws) {
      skipWs();
      continue;
    }
    if (atLineEnd) return { cells, end: Math.min(i + 1, len), lines };
    i++;
  }
}

/** What the body parser needs to know: column positions and names, delimiter, date format. @internal */
export interface CsvLayout {
  readonly delimiter: number;
  readonly nColumns: number;
  readonly customer: number;
  readonly date: number;
  /** −1 when there is no amount column. */
  readonly amount: number;
  readonly columns: ColumnChoice;
  readonly dateFormat: DateFormat;
}

/**
 * Parses data records from byte buffers into a {@link ColumnsBuilder}. `parse` consumes the
 * complete records of a buffer and returns where the unconsumed tail starts (a partial record,
 * to be given again with the next bytes in front of it).
 * @internal
 */
export class CsvBodyParser {
  /** Lines consumed so far (the header's included). */
  line: number;
  private readonly ids = new IdInterner();
  // Customer id cells waiting for IdInterner.resolve: byte spans in the current buffer, and rows.
  private readonly batchStart = new Int32Array(ID_BATCH);
  private readonly batchEnd = new Int32Array(ID_BATCH);
  private readonly batchRow = new Int32Array(ID_BATCH);
  private batched = 0;
  private readonly iso: boolean;
  private readonly customerName: string;
  private readonly dateName: string;
  private readonly amountName: string;

  constructor(
    private readonly layout: CsvLayout,
    readonly out: ColumnsBuilder,
    headerLines: number,
  ) {
    this.line = headerLines;
    this.iso = layout.dateFormat === 'iso';
    this.customerName = layout.columns.customer;
    this.dateName = layout.columns.date;
    this.amountName = layout.columns.amount ?? '';
  }

  /** The id of each customer code (code 0 = empty id). */
  get strings(): readonly string[] {
    return this.ids.strings;
  }

  /** Lets go of the id hash table (call when done). */
  release(): void {
    this.ids.release();
  }

  parse(b: Buffer, final: boolean): number {
    try {
      return this.layout.delimiter === WHITESPACE ? this.parseWhitespace(b, final) : this.parseDelimited(b, final);
    } finally {
      this.flushIds(b);
    }
  }

  private flushIds(b: Buffer): void {
    if (this.batched === 0) return;
    this.ids.resolve(b, this.batchStart, this.batchEnd, this.batchRow, this.batched, this.out.customerCode);
    this.batched = 0;
  }

  private parseDelimited(b: Buffer, final: boolean): number {
    const len = b.length;
    const delim = this.layout.delimiter;
    const ci = this.layout.customer;
    const di = this.layout.date;
    const ai = this.layout.amount;
    const nColumns = this.layout.nColumns;
    let pos = 0;
    outer: while (pos < len) {
      let i = pos;
      let field = 0;
      let lines = 1;
      let cS = 0;
      let cE = 0;
      let cQ = 0;
      let dS = 0;
      let dE = 0;
      let dQ = 0;
      let aS = 0;
      let aE = 0;
      let aQ = 0;
      let blank = false;
      for (;;) {
        let s = i;
        let e: number;
        // q: 0 unquoted, 1 quoted (span = content), 2 quoted with "" or text after the closing quote (span = raw)
        let q = 0;
        if (i < len && b[i] === QUOTE) {
          i++;
          for (;;) {
            if (i >= len) {
              if (!final) break outer;
              throw new CliError(`line ${this.line + 1}: a quoted field is not closed before the end of the input`, EXIT.badInput);
            }
            const c = b[i];
            if (c === QUOTE) {
              if (i + 1 >= len) {
                if (!final) break outer;
                i++;
                break;
              }
              if (b[i + 1] === QUOTE) {
                q = 2;
                i += 2;
                continue;
              }
              i++;
              break;
            }
            if (c === LF) lines++;
            i++;
          }
          const closing = i - 1;
          while (i < len) {
            const c = b[i];
            if (c === delim || c === LF) break;
            i++;
          }
          if (i >= len && !final) break outer;
          e = i;
          if (i < len && b[i] === LF && b[e - 1] === CR && e - 1 > closing) e--;
          if (e > closing + 1) q = 2;
          if (q === 0) {
            q = 1;
            s++;
            e = closing;
          }
        } else {
          while (i < len) {
            const c = b[i];
            if (c === delim || c === LF) break;
            i++;
          }
          if (i >= len && !final) break outer;
          e = i;
          if (e > s && b[e - 1] === CR && (i >= len || b[i] === LF)) e--;
        }
        if (field === ci) {
          cS = s;
          cE = e;
          cQ = q;
        } else if (field === di) {
          dS = s;
          dE = e;
          dQ = q;
        } else if (field === ai) {
          aS = s;
          aE = e;
          aQ = q;
        }
        field++;
        if (i >= len || b[i] === LF) {
          blank = field === 1 && q === 0 && e === s;
          i++;
          break;
        }
        i++;
      }
      const startLine = this.line + 1;
      this.line += lines;
      pos = i > len ? len : i;
      if (blank) continue;
      if (field > nColumns) throw tooManyCells(startLine, field, nColumns);
      this.emit(b, startLine, field, cS, cE, cQ, dS, dE, dQ, aS, aE, aQ);
    }
    return pos;
  }

  private parseWhitespace(b: Buffer, final: boolean): number {
    const len = b.length;
    const ci = this.layout.customer;
    const di = this.layout.date;
    const ai = this.layout.amount;
    const nColumns = this.layout.nColumns;
    let pos = 0;
    outer: while (pos < len) {
      let i = pos;
      let field = 0;
      let lines = 1;
      let cS = 0;
      let cE = 0;
      let cQ = 0;
      let dS = 0;
      let dE = 0;
      let dQ = 0;
      let aS = 0;
      let aE = 0;
      let aQ = 0;
      for (;;) {
        while (i < len) {
          const c = b[i];
          if (c !== SPACE && c !== TAB && c !== CR) break;
          i++;
        }
        if (i >= len) {
          if (!final) break outer;
          break;
        }
        if (b[i] === LF) {
          i++;
          break;
        }
        let s = i;
        let e: number;
        let q = 0;
        if (b[i] === QUOTE) {
          i++;
          for (;;) {
            if (i >= len) {
              if (!final) break outer;
              throw new CliError(`line ${this.line + 1}: a quoted field is not closed before the end of the input`, EXIT.badInput);
            }
            const c = b[i];
            if (c === QUOTE) {
              if (i + 1 >= len) {
                if (!final) break outer;
                i++;
                break;
              }
              if (b[i + 1] === QUOTE) {
                q = 2;
                i += 2;
                continue;
              }
              i++;
              break;
            }
            if (c === LF) lines++;
            i++;
          }
          const closing = i - 1;
          while (i < len && !isFieldEnd(b[i], WHITESPACE)) i++;
          e = i;
          if (e > closing + 1) q = 2;
          if (q === 0) {
            q = 1;
            s++;
            e = closing;
          }
        } else {
          while (i < len) {
            const c = b[i];
            if (c === SPACE || c === TAB || c === CR || c === LF) break;
            i++;
          }
          e = i;
        }
        if (i >= len && !final) break outer;
        if (field === ci) {
          cS = s;
          cE = e;
          cQ = q;
        } else if (field === di) {
          dS = s;
          dE = e;
          dQ = q;
        } else if (field === ai) {
          aS = s;
          aE = e;
          aQ = q;
        }
        field++;
      }
      const startLine = this.line + 1;
      this.line += lines;
      pos = i > len ? len : i;
      if (field === 0) continue;
      if (field > nColumns) throw tooManyCells(startLine, field, nColumns);
      this.emit(b, startLine, field, cS, cE, cQ, dS, dE, dQ, aS, aE, aQ);
    }
    return pos;
  }

  private emit(
    b: Buffer,
    line: number,
    cells: number,
    cS: number,
    cE: number,
    cQ: number,
    dS: number,
    dE: number,
    dQ: number,
    aS: number,
    aE: number,
    aQ: number,
  ): void {
    const out = this.out;
    const row = out.rows;
    if (row === out.capacity) out.grow(Math.ceil(row * 1.5));
    const layout = this.layout;

    if (layout.customer >= cells || (cQ < 2 && cE === cS)) {
      out.bad(line, this.customerName, '', 'empty customer id');
      out.customerCode[row] = 0;
    } else if (cQ < 2) {
      // Resolved in batches (see IdInterner.resolve), at the latest before parse() returns.
      const k = this.batched;
      this.batchStart[k] = cS;
      this.batchEnd[k] = cE;
      this.batchRow[k] = row;
      this.batched = k + 1;
      if (k + 1 === ID_BATCH) this.flushIds(b);
    } else out.customerCode[row] = this.ids.text(decodeRaw(b, cS, cE));

    let t = NaN;
    if (layout.date < cells) {
      if (dQ < 2 && this.iso) {
        while (dS < dE && b[dS] === SPACE) dS++;
        while (dE > dS && b[dE - 1] === SPACE) dE--;
        t = isoDateBytes(b, dS, dE);
      }
      if (t !== t) {
        const text = dQ < 2 ? b.toString('utf8', dS, dE) : decodeRaw(b, dS, dE);
        t = parseDateText(text, layout.dateFormat);
        if (t !== t) out.bad(line, this.dateName, text, dateProblem(text, layout.dateFormat));
      }
    } else out.bad(line, this.dateName, '', 'empty date');
    out.timestamp[row] = t;

    const amount = out.amount;
    if (amount !== null) {
      let v = NaN;
      if (layout.amount < cells) {
        if (aQ < 2) {
          while (aS < aE && b[aS] === SPACE) aS++;
          while (aE > aS && b[aE - 1] === SPACE) aE--;
          if (aE > aS) v = decimalBytes(b, aS, aE);
        }
        if (v !== v) {
          const text = aQ < 2 ? b.toString('utf8', aS, aE) : decodeRaw(b, aS, aE);
          v = parseAmountText(text);
          if (v !== v) out.bad(line, this.amountName, text, amountProblem(text));
        }
      } else out.bad(line, this.amountName, '', 'empty amount');
      amount[row] = v;
    }
    out.line[row] = line;
    out.rows = row + 1;
  }
}

function tooManyCells(line: number, cells: number, columns: number): CliError {
  return new CliError(
    `line ${line} has ${cells} cells but the header has ${columns} columns`,
    EXIT.badInput,
    'check the delimiter (--delimiter) and that cells containing it are quoted',
  );
}
