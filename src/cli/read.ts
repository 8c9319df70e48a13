/**
 * The reader of `clmkit analyze`: a transaction file (CSV, whitespace-separated text or JSON
 * Lines, optionally gzip-compressed, or standard input) into the columns of a
 * {@link TransactionTable}, streaming with bounded memory.
 *
 * Only the three chosen columns (customer, date, amount) are converted: the CSV is scanned as
 * bytes, dates and amounts are parsed from bytes on fast paths that fall back to the library's
 * own parsers (`parseIsoTimestamp`, `Number`), and customer ids are interned by their bytes, so a
 * repeated id is neither decoded nor allocated again. About 25 bytes per row plus one string per
 * distinct customer. Unreadable cells become markers (`''`, NaN) and are recorded, never thrown;
 * structural problems (a missing column, a line with too many cells, an empty or binary file) are
 * {@link CliError}s with exit code 1 that say what to do.
 *
 * @internal
 * @module
 */
import { Buffer } from 'node:buffer';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { sampleTransactions } from '../data/sample.js';
import { toEpochMs } from '../data/time.js';
import { CliError, EXIT } from './errors.js';
import { amountProblem, ColumnsBuilder, dateProblem, TextInterner, type DateFormat } from './read-cells.js';
import { CsvBodyParser, MAX_HEADER_BYTES, MAX_RECORD_BYTES, scanRecord, sniffDelimiter, WHITESPACE } from './read-csv.js';
import { readJsonl } from './read-jsonl.js';
import type { BadCell, ColumnChoice, TransactionTable } from './types.js';

/** Progress of a read: rows so far, bytes read (compressed bytes for gzip), file size if known. @internal */
export interface ReadProgress {
  readonly rows: number;
  readonly bytes: number;
  readonly totalBytes: number | null;
}

/**
 * Options of {@link readTransactions} (the `clmkit analyze` flags of the same names).
 * @internal
 */
export interface ReadOptions {
  /** Column of customer ids (`--customer-col`); auto-detected from common names when absent. */
  customerCol?: string;
  /** Column of dates (`--date-col`); auto-detected when absent. */
  dateCol?: string;
  /** Column of amounts (`--amount-col`); auto-detected when absent (none found: no amounts). `''` = no amount column. */
  amountCol?: string;
  /**
   * Input format. @defaultValue from the file name (`.csv`, `.tsv`, `.txt` → csv; `.jsonl`,
   * `.ndjson` → jsonl; also with `.gz`), else sniffed from the first bytes (`{` → jsonl).
   */
  format?: 'csv' | 'jsonl';
  /**
   * CSV field separator, one character (`' '` = runs of spaces and tabs).
   * @defaultValue sniffed from the header line: the most frequent of `,` `;` tab `|`, else white space
   */
  delimiter?: string;
  /**
   * How dates are written: `'iso'` (ISO 8601: `2024-03-01`, `20240301`, `2024-03-01 14:05`,
   * `2024-03-01T14:05:09.123Z`, offsets; no offset = UTC), `'mdy'` (`12/1/2010 8:26`, US) or
   * `'dmy'` (`31/12/2024`). @defaultValue 'iso'
   */
  dateFormat?: 'iso' | 'mdy' | 'dmy';
  /** Called with the progress, at most about ten times a second. */
  onProgress?: (p: ReadProgress) => void;
}

/** Extra options of {@link readTransactionStream}. @internal */
export interface StreamOptions extends ReadOptions {
  /** Size of the input in bytes (as stored, compressed for gzip), for progress and preallocation. */
  totalBytes?: number;
  /** The input must be gzip-compressed (gzip is also detected from its magic bytes). */
  gzip?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Columns

const CUSTOMER_NAMES = [
  'customerid',
  'customer',
  'customerno',
  'customernumber',
  'customerkey',
  'custid',
  'custno',
  'clientid',
  'client',
  'userid',
  'user',
  'memberid',
  'buyerid',
  'accountid',
  'shopperid',
  'contactid',
  'customeremail',
  'email',
];
const DATE_NAMES = [
  'date',
  'transactiondate',
  'orderdate',
  'purchasedate',
  'invoicedate',
  'saledate',
  'timestamp',
  'datetime',
  'transactiontime',
  'ordertime',
  'purchasetime',
  'createdat',
  'orderedat',
  'purchasedat',
  'time',
  'ts',
  'day',
];
const AMOUNT_NAMES = [
  'amount',
  'revenue',
  'sales',
  'value',
  'total',
  'ordervalue',
  'dollarvalue',
  'spend',
  'totalamount',
  'orderamount',
  'ordertotal',
  'transactionamount',
  'purchaseamount',
  'salesamount',
  'netamount',
  'totalprice',
  'amountspent',
  'price',
  'monetary',
  'monetaryvalue',
];
// Second pass: a word of the name (split at _ - . space and camelCase).
const CUSTOMER_WORDS = ['customer', 'cust', 'client', 'user', 'member', 'buyer', 'shopper', 'account'];
const DATE_WORDS = ['date', 'timestamp', 'datetime', 'time'];
const AMOUNT_WORDS = ['amount', 'revenue', 'sales', 'spend', 'spent', 'total', 'value', 'price', 'monetary'];

/** Lower case without `_`, `-`, `.` and white space: `Customer_ID` → `customerid`. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/g, '');
}

/** The words of a name: `InvoiceDate` → invoice, date; `cust_no` → cust, no. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

function autodetect(header: readonly string[], names: readonly string[], stems: readonly string[], taken: ReadonlySet<number>): number {
  const norm = header.map(normalize);
  for (const want of names) {
    const k = norm.findIndex((n, j) => n === want && !taken.has(j));
    if (k >= 0) return k;
  }
  const split = header.map(words);
  for (const stem of stems) {
    const k = split.findIndex((w, j) => w.includes(stem) && !taken.has(j));
    if (k >= 0) return k;
  }
  return -1;
}

function listColumns(header: readonly string[]): string {
  const shown = header.slice(0, 30).map((h) => (h === '' ? '(empty)' : h));
  return shown.join(', ') + (header.length > 30 ? `, … (${header.length} in all)` : '');
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(up + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The header name closest to `name` (same letters ignoring case and separators, or a few edits away). */
function closest(name: string, header: readonly string[]): string | undefined {
  const n = normalize(name);
  const same = header.find((h) => normalize(h) === n);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(n.length / 3)) + 1;
  for (const h of header) {
    const d = editDistance(n, normalize(h));
    if (d < bestD) {
      bestD = d;
      best = h;
    }
  }
  return best;
}

/**
 * Chooses the customer, date and amount columns of a header: the ones named by the options
 * (which must exist, exactly as written), else the first match among common names, compared in
 * lower case without `_`, `-`, `.` and spaces (customer: customer_id, CustomerID, client_id,
 * user_id, …; date: date, order_date, InvoiceDate, timestamp, created_at, …; amount: amount,
 * revenue, sales, value, total, dollar_value, price, …), then a name containing such a word
 * (`cust_no`, `UnitPrice`). Throws a {@link CliError} (exit 1) that lists the columns and the flag
 * to use when the customer or date column is not found or a named column does not exist; a
 * missing amount column is `null`.
 * @internal
 */
export function detectColumns(header: readonly string[], options: ReadOptions): ColumnChoice {
  const taken = new Set<number>();
  const roles = [
    { role: 'customer', flag: '--customer-col', given: options.customerCol, names: CUSTOMER_NAMES, stems: CUSTOMER_WORDS },
    { role: 'date', flag: '--date-col', given: options.dateCol, names: DATE_NAMES, stems: DATE_WORDS },
    { role: 'amount', flag: '--amount-col', given: options.amountCol, names: AMOUNT_NAMES, stems: AMOUNT_WORDS },
  ] as const;
  const index = [-1, -1, -1];
  // Named columns first, so that auto-detection does not take them.
  roles.forEach((r, k) => {
    if (r.given === undefined || (r.role === 'amount' && r.given === '')) return;
    const at = header.indexOf(r.given);
    if (at < 0) {
      const near = closest(r.given, header);
      throw new CliError(
        `no column named '${r.given}' (${r.flag}); columns are: ${listColumns(header)}${near === undefined ? '' : `; did you mean ${near}?`}`,
        EXIT.badInput,
      );
    }
    const other = roles.findIndex((o, j) => j !== k && index[j] === at);
    if (other >= 0) throw new CliError(`${roles[other].flag} and ${r.flag} both name the column '${r.given}'`, EXIT.usage);
    index[k] = at;
    taken.add(at);
  });
  roles.forEach((r, k) => {
    if (r.given !== undefined) return;
    const at = autodetect(header, r.names, r.stems, taken);
    if (at < 0) {
      if (r.role === 'amount') return;
      throw new CliError(`no ${r.role} column found; columns are: ${listColumns(header)}; name it with ${r.flag} <name>`, EXIT.badInput);
    }
    index[k] = at;
    taken.add(at);
  });
  return {
    customer: header[index[0]],
    date: header[index[1]],
    amount: index[2] < 0 ? null : header[index[2]],
    detected: { customer: options.customerCol === undefined, date: options.dateCol === undefined, amount: options.amountCol === undefined && index[2] >= 0 },
    available: [...header],
  };
}

// ---------------------------------------------------------------------------------------------
// Streams

function checkOptions(o: ReadOptions): void {
  if (o.delimiter !== undefined && (o.delimiter.length !== 1 || o.delimiter === '"' || o.delimiter === '\n' || o.delimiter === '\r')) {
    throw new CliError(`--delimiter must be one character other than a quote or a line break, got ${JSON.stringify(o.delimiter)}`, EXIT.usage);
  }
  const format: string | undefined = o.format;
  if (format !== undefined && format !== 'csv' && format !== 'jsonl') {
    throw new CliError(`--format must be csv or jsonl, got ${JSON.stringify(o.format)}`, EXIT.usage);
  }
  if (o.dateFormat !== undefined && !['iso', 'mdy', 'dmy'].includes(o.dateFormat)) {
    throw new CliError(`--date-format must be iso, mdy or dmy, got ${JSON.stringify(o.dateFormat)}`, EXIT.usage);
  }
}

function formatFromName(name: string): 'csv' | 'jsonl' | undefined {
  const n = name.toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv|tab|txt|dat)$/.test(n)) return 'csv';
  if (/\.(jsonl|ndjson)$/.test(n)) return 'jsonl';
  return undefined;
}

/** Yields `first`, then the rest of `it`, as Buffers (strings are UTF-8 encoded), counting bytes. */
async function* asBuffers(first: Buffer, it: AsyncIterator<Uint8Array | string>, counter: { bytes: number }): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const r = await it.next();
    if (r.done === true) return;
    const b = toBuffer(r.value);
    counter.bytes += b.length;
    if (b.length > 0) yield b;
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

async function* gunzip(source: AsyncGenerator<Buffer>, name: string): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: 1 << 20 });
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (e) => z.destroy(e));
  input.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
      throw new CliError(`${name} is not a valid gzip file (${err.message})`, EXIT.badInput);
    }
    throw e;
  } finally {
    input.destroy();
    z.destroy();
  }
}

/** Removes a UTF-8 BOM; rejects UTF-16 and NUL bytes (a binary file). */
async function* textChunks(source: AsyncGenerator<Buffer>, name: string): AsyncGenerator<Buffer> {
  let first = true;
  let offset = 0;
  for await (let chunk of source) {
    if (first) {
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        throw new CliError(`${name} is UTF-16 text`, EXIT.badInput, 'save it as UTF-8 (in Excel: "CSV UTF-8")');
      }
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      first = false;
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw new CliError(
        `${name} does not look like a text file (a NUL byte at byte ${offset + nul})`,
        EXIT.badInput,
        'clmkit reads CSV or JSON Lines text, optionally gzip-compressed',
      );
    }
    offset += chunk.length;
    if (chunk.length > 0) yield chunk;
  }
}

/**
 * Reads a transaction log from a stream of chunks (bytes or text) into a
 * {@link TransactionTable}. gzip is detected from the magic bytes `1f 8b`; the format comes
 * from `options.format`, else `name`'s extension, else the first bytes. `name` is the table's
 * `source` and appears in error messages.
 * @internal
 */
export async function readTransactionStream(
  stream: AsyncIterable<Uint8Array | string>,
  name: string,
  options: StreamOptions = {},
): Promise<TransactionTable> {
  checkOptions(options);
  const counter = { bytes: 0 };
  const it = stream[Symbol.asyncIterator]();
  let chunks: AsyncGenerator<Buffer> | undefined;
  try {
    let head: Buffer | undefined;
    for (;;) {
      const r = await it.next();
      if (r.done === true) break;
      const b = toBuffer(r.value);
      counter.bytes += b.length;
      if (b.length > 0) {
        head = b;
        break;
      }
    }
    if (head === undefined) throw new CliError(`${name} is empty`, EXIT.badInput);
    const gz = head[0] === 0x1f && head[1] === 0x8b;
    if (options.gzip === true && !gz) throw new CliError(`${name} is not gzip-compressed (it does not start with the gzip magic bytes)`, EXIT.badInput);
    let source = asBuffers(head, it, counter);
    if (gz) source = gunzip(source, name);
    chunks = textChunks(source, name);

    const totalBytes = options.totalBytes ?? null;
    let last = performance.now();
    const progress = (rows: number): void => {
      if (options.onProgress === undefined) return;
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      options.onProgress({ rows, bytes: counter.bytes, totalBytes });
    };
    const dateFormat: DateFormat = options.dateFormat ?? 'iso';

    const first = await chunks.next();
    if (first.done === true) throw new CliError(`${name} is empty`, EXIT.badInput);
    let format = options.format ?? formatFromName(name);
    if (format === undefined) {
      let k = 0;
      while (k < first.value.length && (first.value[k] === 32 || first.value[k] === 9 || first.value[k] === 10 || first.value[k] === 13)) k++;
      format = first.value[k] === 0x7b /* { */ ? 'jsonl' : 'csv';
    }
    const all = prepend(first.value, chunks);
    if (format === 'jsonl') {
      const { out, columns, strings } = await readJsonl(all, { choose: (keys) => detectColumns(keys, options), dateFormat, progress, name });
      return table(out, strings, columns, name, counter.bytes, 'jsonl');
    }
    const sizeHint = gz ? null : totalBytes;
    const { out, columns, strings } = await readCsv(all, name, options, dateFormat, sizeHint, progress);
    return table(out, strings, columns, name, counter.bytes, 'csv');
  } finally {
    // Closing the generators closes the gunzip stream too (after an error thrown mid-way).
    await chunks?.return(undefined);
    await it.return?.();
  }
}

async function* prepend(first: Buffer, rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

function table(out: ColumnsBuilder, strings: readonly string[], columns: ColumnChoice, source: string, bytes: number, format: 'csv' | 'jsonl'): TransactionTable {
  if (out.rows === 0) throw new CliError(`${source} has no data rows (only a header)`, EXIT.badInput);
  const cols = out.finish(strings);
  return {
    rows: out.rows,
    customerCode: cols.customerCode,
    customerIds: cols.customerIds,
    timestamp: cols.timestamp,
    amount: cols.amount,
    line: cols.line,
    columns,
    badCells: out.badCells,
    badCellCounts: out.badCellCounts,
    source,
    bytes,
    format,
  };
}

async function readCsv(
  chunks: AsyncGenerator<Buffer>,
  name: string,
  options: ReadOptions,
  dateFormat: DateFormat,
  sizeHint: number | null,
  progress: (rows: number) => void,
): Promise<{ out: ColumnsBuilder; columns: ColumnChoice; strings: readonly string[] }> {
  // The header: gather bytes until its first line is complete.
  let buf: Buffer = Buffer.alloc(0);
  let done = false;
  const pull = async (): Promise<Buffer | null> => {
    const r = await chunks.next();
    return r.done === true ? null : r.value;
  };
  while (buf.indexOf(10) < 0 && !done && buf.length <= MAX_HEADER_BYTES) {
    const c = await pull();
    if (c === null) done = true;
    else buf = buf.length === 0 ? c : Buffer.concat([buf, c]);
  }
  let nl = buf.indexOf(10);
  if (nl < 0) nl = buf.length;
  if (nl > MAX_HEADER_BYTES) {
    const cr = buf.indexOf(13);
    throw new CliError(
      cr >= 0 && cr < MAX_HEADER_BYTES
        ? `${name} has CR line endings (classic Mac)`
        : `the first line of ${name} is longer than 64 kB: this does not look like a CSV file`,
      EXIT.badInput,
      cr >= 0 && cr < MAX_HEADER_BYTES ? 'convert it to LF or CRLF line endings' : 'clmkit reads CSV or JSON Lines text, optionally gzip-compressed',
    );
  }
  const lineEnd = nl > 0 && buf[nl - 1] === 13 ? nl - 1 : nl;
  const loneCr = buf.subarray(0, lineEnd).indexOf(13);
  if (loneCr >= 0 && loneCr < lineEnd && nl === buf.length && done) {
    throw new CliError(`${name} has CR line endings (classic Mac)`, EXIT.badInput, 'convert it to LF or CRLF line endings');
  }
  for (let i = 0; i < lineEnd; i++) {
    const c = buf[i];
    if (c < 32 && c !== 9) {
      throw new CliError(`${name} does not look like a text file (a control character in its first line)`, EXIT.badInput, 'clmkit reads CSV or JSON Lines text, optionally gzip-compressed');
    }
  }
  const delimiter = options.delimiter === undefined ? sniffDelimiter(buf, 0, lineEnd) : options.delimiter === ' ' ? WHITESPACE : options.delimiter.charCodeAt(0);
  let header = scanRecord(buf, 0, done, delimiter);
  while (header === null) {
    if (buf.length > MAX_RECORD_BYTES) throw new CliError(`the header of ${name} has a quoted field that is not closed`, EXIT.badInput);
    const c = await pull();
    if (c === null) done = true;
    else buf = Buffer.concat([buf, c]);
    header = scanRecord(buf, 0, done, delimiter);
  }
  const names = header.cells.map((h) => h.trim());
  const columns = detectColumns(names, options);
  const layout = {
    delimiter,
    nColumns: names.length,
    customer: names.indexOf(columns.customer),
    date: names.indexOf(columns.date),
    amount: columns.amount === null ? -1 : names.indexOf(columns.amount),
    columns,
    dateFormat,
  };
  const out = new ColumnsBuilder(columns.amount !== null);
  const parser = new CsvBodyParser(layout, out, header.lines);

  let pending: Buffer = buf.subarray(header.end);
  let consumedBytes = header.end;
  let estimated = false;
  for (;;) {
    const used = parser.parse(pending, done);
    consumedBytes += used;
    const rest = pending.subarray(used);
    if (done) {
      if (rest.length > 0) throw new CliError(`could not read the end of ${name} (line ${parser.line + 1})`, EXIT.badInput);
      break;
    }
    if (rest.length > MAX_RECORD_BYTES) {
      throw new CliError(
        `line ${parser.line + 1} of ${name} is longer than 1 MB`,
        EXIT.badInput,
        'is a quoted field not closed? (a " opens a quoted field only as the first character of a cell)',
      );
    }
    if (!estimated && sizeHint !== null && out.rows >= 1000) {
      // Preallocate for the whole file from the bytes per row so far (+3 %).
      estimated = true;
      const expect = Math.ceil(((sizeHint * out.rows) / consumedBytes) * 1.03) + 1024;
      if (expect > out.capacity) out.grow(expect);
    }
    progress(out.rows);
    const c = await pull();
    if (c === null) {
      done = true;
      pending = rest;
    } else pending = rest.length === 0 ? c : Buffer.concat([rest, c]);
  }
  parser.release();
  return { out, columns, strings: parser.strings };
}

/**
 * Reads a transaction file (`'-'` for standard input) into a {@link TransactionTable}: CSV,
 * whitespace-separated text or JSON Lines, gzip-compressed or not (see {@link ReadOptions}).
 * Streams the file: memory is the columns (about 25 bytes per row) plus the distinct customer
 * ids. Throws a {@link CliError} with exit code 1 for input that cannot be read as a table, 2 for
 * bad options.
 * @internal
 */
export async function readTransactions(path: string, options: ReadOptions = {}): Promise<TransactionTable> {
  if (path === '-') {
    if (process.stdin.isTTY) {
      throw new CliError('standard input is a terminal: pipe a file in', EXIT.usage, 'e.g. clmkit analyze - < transactions.csv, or give the file name');
    }
    return readTransactionStream(process.stdin, '-', options);
  }
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fileError(path, e);
  }
  let size: number;
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new CliError(`cannot read ${path}: it is a directory`, EXIT.badInput);
    size = st.size;
  } catch (e) {
    await fh.close();
    throw e instanceof CliError ? e : fileError(path, e);
  }
  const stream = fh.createReadStream({ highWaterMark: 1 << 20 });
  try {
    return await readTransactionStream(stream, path, size > 0 ? { ...options, totalBytes: size } : options);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw typeof err.code === 'string' && err.code.startsWith('E') ? fileError(path, e) : e;
  } finally {
    stream.destroy();
  }
}

function fileError(path: string, e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  const why: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a directory' };
  const what = typeof err.code === 'string' ? why[err.code] : undefined;
  return what === undefined ? e : new CliError(`cannot read ${path}: ${what}`, EXIT.badInput);
}

// ---------------------------------------------------------------------------------------------
// The bundled sample

/**
 * The bundled simulated log (`sampleTransactions()` of src/data/sample.ts) as a table, for
 * `clmkit demo`: format `'sample'`, source `'bundled sample'`, row `i` on line `i + 2` (as if
 * written as CSV with a header), its damaged cells recorded like the reader's.
 * @internal
 */
export function sampleTable(): TransactionTable {
  const log = sampleTransactions();
  const n = log.length;
  const columns: ColumnChoice = {
    customer: 'customerId',
    date: 'timestamp',
    amount: 'amount',
    detected: { customer: false, date: false, amount: false },
    available: ['customerId', 'timestamp', 'amount'],
  };
  const out = new ColumnsBuilder(true, n);
  const ids = new TextInterner();
  for (let i = 0; i < n; i++) {
    const r = log[i];
    const line = i + 2;
    const id = String(r.customerId);
    if (id === '') out.bad(line, 'customerId', '', 'empty customer id');
    out.customerCode[i] = ids.code(id);
    const t = toEpochMs(r.timestamp);
    if (Number.isNaN(t)) out.bad(line, 'timestamp', String(r.timestamp), dateProblem(String(r.timestamp), 'iso'));
    out.timestamp[i] = t;
    const a = typeof r.amount === 'number' && Number.isFinite(r.amount) ? r.amount : NaN;
    if (Number.isNaN(a)) out.bad(line, 'amount', r.amount === undefined ? '' : String(r.amount), amountProblem(r.amount === undefined ? '' : String(r.amount)));
    out.amount![i] = a;
    out.line[i] = line;
    out.rows = i + 1;
  }
  const cols = out.finish(ids.strings);
  const badCells: BadCell[] = out.badCells;
  return { rows: n, ...cols, columns, badCells, badCellCounts: out.badCellCounts, source: 'bundled sample', bytes: 0, format: 'sample' };
}

/**
 * Row `i`'s customer id, for every row of a table (a string array as long as the table; the
 * analysis itself works on the codes).
 * @internal
 */
export function rowCustomerIds(table: Pick<TransactionTable, 'customerCode' | 'customerIds'>): string[] {
  const n = table.customerCode.length;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = table.customerIds[table.customerCode[i]];
  return out;
}

/**
 * Codes for a column of customer ids, as the reader gives them: `''` is code 0, the others are
 * numbered in order of first appearance (for tables built from strings: tests, benchmarks).
 * @internal
 */
export function encodeCustomerIds(ids: readonly string[]): { customerCode: Int32Array; customerIds: string[] } {
  const interner = new TextInterner();
  const customerCode = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) customerCode[i] = interner.code(ids[i]);
  return { customerCode, customerIds: interner.strings };
}
