/**
 * A streaming CSV reader (RFC 4180) for the edge of the data layer: bytes or text chunks in,
 * batches of records out. It takes any async iterable of chunks — a Node `fs.ReadStream`, a web
 * `ReadableStream` (Node ≥ 18, Deno, browsers), `process.stdin` — so the core never touches the
 * file system.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors.js';
import { parseOptions, show } from '../validate.js';

/** Options of {@link readCsvRecords}. */
export interface CsvOptions {
  /** Field separator (one character). @defaultValue `','` */
  delimiter?: string;
  /**
   * Column names. When omitted, the first line is the header. When given, the first line is
   * data (set `skipHeader: true` to replace a header line you do not want).
   */
  columns?: readonly string[];
  /** With `columns`, also skip the file's first line. @defaultValue false */
  skipHeader?: boolean;
  /**
   * Columns to convert to numbers with `Number()`. An empty cell becomes `undefined` (missing);
   * a cell that is not a number is left as its string, so validation downstream names it.
   */
  numbers?: readonly string[];
  /** Records per yielded batch. @defaultValue 4096 */
  batchSize?: number;
}

/** One CSV record: column name → cell (a string, or a number for `numbers` columns). */
export type CsvRecord = Record<string, string | number | undefined>;

const schema = z.strictObject({
  delimiter: z.optional(z.string().check(z.length(1))),
  columns: z.optional(z.array(z.string())),
  skipHeader: z.optional(z.boolean()),
  numbers: z.optional(z.array(z.string())),
  batchSize: z.optional(z.int().check(z.minimum(1))),
});

/**
 * Reads CSV text from a stream of chunks and yields batches of records, one object per line,
 * keyed by the header's column names.
 *
 * Handles quoted fields (`"a, b"`, `"say ""hi"""`, line breaks inside quotes; a quote inside an
 * unquoted field, as in `5" screen`, is literal), `\n` and `\r\n`
 * line ends, a UTF-8 byte-order mark, and a missing final newline. Blank lines are skipped. A
 * line with more cells than the header throws an {@link InvalidInputError} naming its line number
 * (1-based, counting the header); a line with fewer leaves the missing columns `undefined`.
 * Memory is one chunk plus one batch.
 *
 * @example
 * ```ts
 * import { readCsvRecords } from 'clmkit';
 * async function* chunks() {
 *   yield 'customerId,timestamp,amount\n';
 *   yield 'a,2024-01-01,10.5\nb,2024-01-02,"1,000"\n';
 * }
 * for await (const batch of readCsvRecords(chunks(), { numbers: ['amount'] })) console.log(batch);
 * // [ { customerId: 'a', timestamp: '2024-01-01', amount: 10.5 },
 * //   { customerId: 'b', timestamp: '2024-01-02', amount: '1,000' } ]   ← not a number: left as text
 * ```
 */
export async function* readCsvRecords(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options?: CsvOptions,
): AsyncGenerator<CsvRecord[], void, undefined> {
  const opts = parseOptions(schema, options, 'readCsvRecords');
  const delim = opts.delimiter ?? ',';
  const delimCode = delim.charCodeAt(0);
  const batchSize = opts.batchSize ?? 4096;
  const numeric = new Set(opts.numbers ?? []);
  let header: string[] | null = opts.columns ? [...opts.columns] : null;
  let skipFirst = opts.columns !== undefined && opts.skipHeader === true;
  let isNumber: boolean[] = header ? header.map((h) => numeric.has(h)) : [];
  // `rec['__proto__'] = v` would hit the Object.prototype setter and drop the column.
  let protoIndex = header ? header.indexOf('__proto__') : -1;
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let line = 0; // physical lines consumed so far
  let batch: CsvRecord[] = [];
  let first = true;
  const cells: string[] = [];

  const emit = (startLine: number): void => {
    if (skipFirst) {
      skipFirst = false;
      return;
    }
    if (header === null) {
      header = cells.slice();
      isNumber = header.map((h) => numeric.has(h));
      protoIndex = header.indexOf('__proto__');
      return;
    }
    if (cells.length > header.length) {
      throw new InvalidInputError('readCsvRecords', [
        { path: 'csv', row: startLine, message: `line ${startLine} has ${cells.length} cells, the header has ${header.length}` },
      ]);
    }
    const rec: CsvRecord = {};
    for (let j = 0; j < cells.length; j++) {
      const v = cells[j];
      let value: string | number | undefined = v;
      if (isNumber[j]) {
        if (v.length === 0) value = undefined;
        else {
          const num = Number(v);
          // Number(' ') is 0: a whitespace-only cell is not a number, so it stays text.
          if (!Number.isNaN(num) && (num !== 0 || v.trim().length > 0)) value = num;
        }
      }
      if (j === protoIndex) {
        Object.defineProperty(rec, '__proto__', { value, enumerable: true, writable: true, configurable: true });
      } else rec[header[j]] = value;
    }
    batch.push(rec);
  };

  /** Parses complete records in buf[pos..]; returns the position of the first unconsumed char. */
  const parse = (final: boolean): number => {
    let pos = 0;
    const len = buf.length;
    let q = -2; // next quote at or after pos (cached: rescanning per line is quadratic); −1: none
    while (pos < len) {
      let nl = buf.indexOf('\n', pos);
      if (nl === -1) {
        if (!final) break;
        nl = len;
      }
      if (q !== -1 && q < pos) q = buf.indexOf('"', pos);
      if (q === -1 || q > nl) {
        // Fast path: no quote on this line.
        let end = nl;
        if (end > pos && buf.charCodeAt(end - 1) === 13) end--;
        line++;
        if (end > pos) {
          cells.length = 0;
          let s = pos;
          for (;;) {
            const d = buf.indexOf(delim, s);
            if (d === -1 || d >= end) {
              cells.push(buf.slice(s, end));
              break;
            }
            cells.push(buf.slice(s, d));
            s = d + 1;
          }
          emit(line);
        }
        pos = nl + 1;
        continue;
      }
      // Slow path: a quoted field somewhere on this record; may span lines.
      const startLine = line + 1;
      cells.length = 0;
      let i = pos;
      let field = '';
      let inQuotes = false;
      let atFieldStart = true; // a quote opens a quoted field only as a field's first character
      let complete = false;
      let lines = 1;
      while (i < len) {
        const c = buf.charCodeAt(i);
        if (inQuotes) {
          if (c === 34) {
            if (i + 1 < len && buf.charCodeAt(i + 1) === 34) {
              field += '"';
              i += 2;
              continue;
            }
            if (i + 1 === len && !final) break; // need the next char to decide
            inQuotes = false;
            i++;
            continue;
          }
          const nextQ = buf.indexOf('"', i);
          const stop = nextQ === -1 ? len : nextQ;
          for (let k = i; k < stop; k++) if (buf.charCodeAt(k) === 10) lines++;
          field += buf.slice(i, stop);
          i = stop;
          continue;
        }
        if (c === 34 && atFieldStart) {
          inQuotes = true;
          atFieldStart = false;
          i++;
        } else if (c === delimCode) {
          cells.push(field);
          field = '';
          atFieldStart = true;
          i++;
        } else if (c === 10 || (c === 13 && i + 1 < len && buf.charCodeAt(i + 1) === 10)) {
          cells.push(field);
          complete = true;
          i += c === 13 ? 2 : 1;
          break;
        } else if (c === 13 && i + 1 === len) {
          if (!final) break; // need the next char: CRLF or a lone CR
          // A CR ending the input ends the record, as on the fast path.
          cells.push(field);
          complete = true;
          i = len;
          break;
        } else {
          // Anything else, including a quote inside an unquoted field (5" screen), is literal.
          field += buf[i];
          atFieldStart = false;
          i++;
        }
      }
      if (!complete) {
        if (!final) break; // wait for more input
        if (inQuotes) {
          throw new InvalidInputError('readCsvRecords', [
            { path: 'csv', row: startLine, message: `line ${startLine}: a quoted field is not closed before the end of the input` },
          ]);
        }
        cells.push(field);
        i = len;
      }
      line += lines;
      emit(startLine);
      pos = i;
    }
    return pos;
  };

  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length > 0) first = false;
    }
    buf = buf.length === 0 ? text : buf + text;
    const consumed = parse(false);
    buf = consumed === buf.length ? '' : buf.slice(consumed);
    if (batch.length >= batchSize) {
      // Yield in batchSize slices so callers see bounded batches.
      for (let s = 0; s < batch.length; s += batchSize) yield batch.slice(s, s + batchSize);
      batch = [];
    }
  }
  buf += decoder.decode();
  if (buf.length > 0) {
    const consumed = parse(true);
    if (consumed < buf.length) {
      throw new InvalidInputError('readCsvRecords', [
        { path: 'csv', row: line + 1, message: `could not parse the input's end: ${show(buf.slice(consumed))}` },
      ]);
    }
  }
  if (batch.length > 0) yield batch;
}
