import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { amountProblem, dateProblem, decimalBytes, IdInterner, isoDateBytes, parseAmountText, parseDateText } from '../../src/cli/read-cells.js';
import { detectColumns, readTransactions, readTransactionStream, rowCustomerIds, sampleTable, type ReadOptions } from '../../src/cli/read.js';
import type { TransactionTable } from '../../src/cli/types.js';
import { readCsvRecords } from '../../src/data/csv.js';
import { sampleTransactions } from '../../src/data/sample.js';
import { parseIsoTimestamp, toEpochMs } from '../../src/data/time.js';
import { datasetPath, missingMessage } from '../helpers/datasets.js';

const dir = mkdtempSync(join(tmpdir(), 'clmkit-read-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
let fileNo = 0;

/** Writes `content` to a temporary file named `name` and reads it. */
async function readText(content: string | Uint8Array, name = 'tx.csv', options?: ReadOptions): Promise<TransactionTable> {
  const path = join(dir, `${fileNo++}-${name}`);
  writeFileSync(path, content);
  return readTransactions(path, options);
}

/** Chunks of `size` bytes (the last shorter), to cut records, quotes and CRLFs anywhere. */
async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) {
    await Promise.resolve();
    yield bytes.subarray(i, i + size);
  }
}

async function cliError(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

const ms = (iso: string): number => Date.parse(iso);

// ---------------------------------------------------------------------------------------------

describe('dates: fast paths equal parseIsoTimestamp (src/data/time.ts)', () => {
  const cell = (text: string): number => {
    const b = Buffer.from(text.trim());
    const v = isoDateBytes(b, 0, b.length);
    return Number.isNaN(v) ? parseDateText(text, 'iso') : v;
  };

  it('reads every ISO shape, UTC when there is no offset', () => {
    const cases: [string, string][] = [
      ['2024-03-05', '2024-03-05T00:00:00Z'],
      ['20240305', '2024-03-05T00:00:00Z'],
      ['2024-03-05T14:07', '2024-03-05T14:07:00Z'],
      ['2024-03-05 14:07', '2024-03-05T14:07:00Z'],
      ['2024-03-05T14:07:09', '2024-03-05T14:07:09Z'],
      ['2024-03-05 14:07:09.5', '2024-03-05T14:07:09.500Z'],
      ['2024-03-05T14:07:09.123456Z', '2024-03-05T14:07:09.123Z'],
      ['2024-03-05T14:07:09Z', '2024-03-05T14:07:09Z'],
      ['2024-03-05T14:07:09+02:00', '2024-03-05T12:07:09Z'], // fallback (offset)
      ['2024-03-05t14:07:09-0130', '2024-03-05T15:37:09Z'], // fallback (lower-case t, ±hhmm)
      ['2024-03-05T14:07:09,25', '2024-03-05T14:07:09.250Z'], // fallback (decimal comma)
      ['  2024-02-29 ', '2024-02-29T00:00:00Z'],
    ];
    for (const [text, iso] of cases) {
      expect(cell(text), text).toBe(ms(iso));
      expect(cell(text), text).toBe(parseIsoTimestamp(text.trim()));
    }
  });

  it('rejects what parseIsoTimestamp rejects', () => {
    for (const text of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-01-32', '2024-01-01T24:00', '2024-01-01T10:60', '2024-01-01T10:00:', '2024-01-01T10', '12/1/2010', 'yesterday', '2024-1-5', '']) {
      expect(cell(text), text).toBeNaN();
      expect(parseIsoTimestamp(text.trim()), text).toBeNaN();
    }
  });

  it('property: fast path + fallback = parseIsoTimestamp on random date-like text', () => {
    const digit = fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
    const num = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(''));
    const text = fc
      .tuple(
        fc.constantFrom('19', '20', '00', '99'),
        num(2),
        fc.constantFrom('-', ''),
        fc.oneof(fc.constantFrom('01', '02', '09', '10', '11', '12'), num(2)),
        fc.oneof(fc.constantFrom('01', '28', '29', '30', '31'), num(2)),
        fc.option(fc.tuple(fc.constantFrom('T', ' ', 't', 'x'), num(2), num(2), fc.option(num(2)), fc.option(fc.constantFrom('.5', '.123', '.1234567', ',5', '.'))), { nil: undefined }),
        fc.constantFrom('', 'Z', 'z', '+01:00', '-0530', '+05', 'Q'),
      )
      .map(([c, y, sep, m, d, t, z]) => {
        const date = `${c}${y}${sep}${m}${sep}${d}`;
        if (t === undefined) return date + (z === 'Q' ? 'Q' : '');
        const [s, hh, mm, ss, frac] = t;
        return `${date}${s}${hh}:${mm}${ss === null ? '' : `:${ss}${frac ?? ''}`}${z}`;
      });
    fc.assert(
      fc.property(text, (s) => {
        const got = cell(s);
        const want = parseIsoTimestamp(s);
        return Object.is(got, want);
      }),
      { seed: 1001, numRuns: 3000 },
    );
  });

  it('mdy and dmy, with times and AM/PM, fall back to ISO', () => {
    expect(parseDateText('12/1/2010 8:26', 'mdy')).toBe(ms('2010-12-01T08:26:00Z'));
    expect(parseDateText('01/12/2010 08:26', 'dmy')).toBe(ms('2010-12-01T08:26:00Z'));
    expect(parseDateText('31/12/2024', 'dmy')).toBe(ms('2024-12-31T00:00:00Z'));
    expect(parseDateText('31.12.2024 23:59:58', 'dmy')).toBe(ms('2024-12-31T23:59:58Z'));
    expect(parseDateText('2/29/2024 12:05 AM', 'mdy')).toBe(ms('2024-02-29T00:05:00Z'));
    expect(parseDateText('2/29/2024 12:05 PM', 'mdy')).toBe(ms('2024-02-29T12:05:00Z'));
    expect(parseDateText('2/28/2023 1:05:07 pm', 'mdy')).toBe(ms('2023-02-28T13:05:07Z'));
    expect(parseDateText('2024-03-05', 'mdy')).toBe(ms('2024-03-05T00:00:00Z'));
    expect(parseDateText('31/12/2024', 'mdy')).toBeNaN();
    expect(parseDateText('2/29/2023', 'mdy')).toBeNaN();
    expect(parseDateText('13:00 12/1/2010', 'mdy')).toBeNaN();
    expect(parseDateText('12/1/2010 13:05 PM', 'mdy')).toBeNaN();
  });

  it('says what is wrong with a date', () => {
    expect(dateProblem('', 'iso')).toBe('empty date');
    expect(dateProblem('yesterday', 'iso')).toBe('not a date (expected ISO 8601 like 2024-03-01; see --date-format)');
    expect(dateProblem('12/1/2010 8:26', 'iso')).toMatch(/--date-format mdy/);
    expect(dateProblem('x', 'dmy')).toMatch(/day\/month\/year/);
  });
});

describe('amounts: the fast decimal path equals Number()', () => {
  const cell = (text: string): number => {
    const b = Buffer.from(text);
    const v = decimalBytes(b, 0, b.length);
    return Number.isNaN(v) ? parseAmountText(text) : v;
  };

  it('property: random decimals', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{0,12}$/), fc.option(fc.stringMatching(/^\d{0,9}$/), { nil: undefined }), (sign, int, frac) => {
        const text = `${sign}${int}${frac === undefined ? '' : `.${frac}`}`;
        const want = Number(text);
        const got = cell(text);
        return text.replace(/[+-]/, '') === '' || text.replace(/[+-]/, '') === '.' ? Number.isNaN(got) : Object.is(got, Number.isFinite(want) ? want : NaN);
      }),
      { seed: 1002, numRuns: 3000 },
    );
  });

  it('edge cases', () => {
    expect(cell('12.34')).toBe(12.34);
    expect(cell('-0')).toBe(-0);
    expect(cell('.5')).toBe(0.5);
    expect(cell('5.')).toBe(5);
    expect(cell('1e3')).toBe(1000);
    expect(cell('1234567890123456789')).toBe(Number('1234567890123456789'));
    expect(cell('0.1234567890123456789')).toBe(Number('0.1234567890123456789'));
    expect(cell('Infinity')).toBeNaN();
    expect(cell('12,34')).toBeNaN();
    expect(cell('$12')).toBeNaN();
    expect(cell('1.2.3')).toBeNaN();
    expect(amountProblem('')).toBe('empty amount');
    expect(amountProblem('12,34')).toMatch(/decimal comma/);
    expect(amountProblem('abc')).toBe('not a number (expected a plain decimal like 12.34)');
  });
});

describe('IdInterner', () => {
  it('gives equal ids one code, batched or not, and keys invalid UTF-8 by its decoded text', () => {
    const ids = new IdInterner();
    const a = Buffer.from('C1,C2,C1,é,C2');
    const codes = new Int32Array(5);
    ids.resolve(a, Int32Array.of(0, 3, 6, 9, 12), Int32Array.of(2, 5, 8, 11, 14), Int32Array.of(0, 1, 2, 3, 4), 5, codes);
    expect([...codes]).toEqual([1, 2, 1, 3, 2]);
    expect(ids.strings).toEqual(['', 'C1', 'C2', 'é']);
    expect(ids.bytes(a, 3, 5)).toBe(2);
    // 0xff and 0xfe both decode to U+FFFD: one id.
    const bad = Buffer.from([0xff, 0x41, 0xfe, 0x41]);
    expect(ids.bytes(bad, 0, 2)).toBe(ids.bytes(bad, 2, 4));
    expect(ids.text('\ufffdA')).toBe(ids.bytes(bad, 0, 2));
  });

  it('survives rehashing: 50,000 ids, each seen twice in shuffled batches', () => {
    const ids = new IdInterner();
    const n = 50_000;
    const text = Array.from({ length: 2 * n }, (_, i) => `id${(i * 7919) % n}`).join(',');
    const b = Buffer.from(text);
    const starts: number[] = [];
    const ends: number[] = [];
    let s = 0;
    for (;;) {
      const e = b.indexOf(44, s);
      starts.push(s);
      ends.push(e < 0 ? b.length : e);
      if (e < 0) break;
      s = e + 1;
    }
    const codes = new Int32Array(2 * n);
    for (let k = 0; k < 2 * n; k += 300) {
      const m = Math.min(300, 2 * n - k);
      ids.resolve(b, Int32Array.from(starts.slice(k, k + m)), Int32Array.from(ends.slice(k, k + m)), Int32Array.from({ length: m }, (_, j) => k + j), m, codes);
    }
    expect(ids.strings.length).toBe(n + 1);
    for (let i = 0; i < 2 * n; i++) expect(ids.strings[codes[i]]).toBe(`id${(i * 7919) % n}`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('CSV', () => {
  it('reads the three columns, with line numbers, and only those', async () => {
    const t = await readText('order,customer_id,note,date,amount\n1,C1,"x, y",2024-03-01,12.5\n2,C2,,2024-03-02T10:00:00Z,7\n3,C1,z,2024-03-03,0.25\n');
    expect(t.rows).toBe(3);
    expect(rowCustomerIds(t)).toEqual(['C1', 'C2', 'C1']);
    expect([...t.timestamp]).toEqual([ms('2024-03-01'), ms('2024-03-02T10:00:00Z'), ms('2024-03-03')]);
    expect([...t.amount!]).toEqual([12.5, 7, 0.25]);
    expect([...t.line]).toEqual([2, 3, 4]);
    expect(t.columns).toEqual({
      customer: 'customer_id',
      date: 'date',
      amount: 'amount',
      detected: { customer: true, date: true, amount: true },
      available: ['order', 'customer_id', 'note', 'date', 'amount'],
    });
    expect(t.format).toBe('csv');
    expect(t.badCells).toEqual([]);
    expect(t.bytes).toBe(Buffer.byteLength('order,customer_id,note,date,amount\n1,C1,"x, y",2024-03-01,12.5\n2,C2,,2024-03-02T10:00:00Z,7\n3,C1,z,2024-03-03,0.25\n'));
  });

  it('handles quotes: "" escapes, delimiters and line breaks inside, text after the closing quote, a quote inside a cell', async () => {
    const csv = 'customer,date,amount\n"A ""1""",2024-01-01,"1,5"\n"B\nC",2024-01-02,"2"\nD"x,"2024-01-03",3\n"E"z,2024-01-04,4\n"",2024-01-05,5\n';
    const t = await readText(csv);
    expect(rowCustomerIds(t)).toEqual(['A "1"', 'B\nC', 'D"x', 'Ez', '']);
    expect([...t.line]).toEqual([2, 3, 5, 6, 7]);
    expect([...t.timestamp]).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map(ms));
    expect(Number.isNaN(t.amount![0])).toBe(true);
    expect([...t.amount!].slice(1)).toEqual([2, 3, 4, 5]);
    expect(t.badCells).toEqual([
      { line: 2, column: 'amount', value: '1,5', problem: 'not a number (a decimal comma? amounts need a decimal point, like 12.34)' },
      { line: 7, column: 'customer', value: '', problem: 'empty customer id' },
    ]);
  });

  it('CRLF, a BOM, no final newline, blank lines, a final lone CR', async () => {
    const t = await readText('\ufeffcustomer,date,amount\r\nC1,2024-01-01,1\r\n\r\n\nC2,2024-01-02,2\r\n"C3",2024-01-03,"3"\r');
    expect(rowCustomerIds(t)).toEqual(['C1', 'C2', 'C3']);
    expect([...t.amount!]).toEqual([1, 2, 3]);
    expect([...t.line]).toEqual([2, 5, 6]);
    expect(t.columns.available).toEqual(['customer', 'date', 'amount']);
    expect(t.badCells).toEqual([]);
  });

  it('sniffs ; tab | and white space; --delimiter overrides', async () => {
    for (const d of [';', '\t', '|']) {
      const t = await readText(`customer${d}date${d}amount\nC1${d}2024-01-01${d}1.5\n`);
      expect(rowCustomerIds(t)).toEqual(['C1']);
      expect([...t.amount!]).toEqual([1.5]);
    }
    const ws = await readText(' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n\r\n  "00 3"\t19970112 5 77.00', 'cdnow.txt');
    expect(rowCustomerIds(ws)).toEqual(['00001', '00002', '00 3']);
    expect([...ws.timestamp]).toEqual(['1997-01-01', '1997-01-12', '1997-01-12'].map(ms));
    expect([...ws.amount!]).toEqual([11.77, 12, 77]);
    expect([...ws.line]).toEqual([2, 3, 5]);
    expect(ws.columns.amount).toBe('dollar_value');
    const forced = await readText('customer;x,date,amount\nC1;a,2024-01-01,1\n', 'tx.csv', { delimiter: ',' });
    expect(forced.columns.available).toEqual(['customer;x', 'date', 'amount']);
  });

  it('reads gzip by name and by magic bytes, and tells a broken one', async () => {
    const csv = 'customer,date,amount\nC1,2024-01-01,1\nC2,2024-01-02,2\n';
    const gz = gzipSync(csv);
    const byName = await readText(gz, 'tx.csv.gz');
    expect(rowCustomerIds(byName)).toEqual(['C1', 'C2']);
    expect(byName.bytes).toBe(gz.length);
    const byMagic = await readText(gz, 'tx.dat');
    expect(rowCustomerIds(byMagic)).toEqual(['C1', 'C2']);
    const jsonl = await readText(gzipSync('{"user_id":5,"ts":0,"total":"2.5"}\n'), 'tx.ndjson.gz');
    expect(jsonl.format).toBe('jsonl');
    const e = await cliError(readText(gz.subarray(0, gz.length - 12), 'tx.csv.gz'));
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(/is not a valid gzip file/);
    const wide = await cliError(readText(gzipSync(`${csv}C3,2024-01-03,3,4\n${csv.repeat(20_000)}`), 'wide.csv.gz'));
    expect(wide.message).toBe('line 4 has 4 cells but the header has 3 columns');
    const notGz = await cliError(readTransactionStream(pieces(Buffer.from(csv), 100), 'x.gz', { gzip: true }));
    expect(notGz.message).toMatch(/is not gzip-compressed/);
  });

  it('records bad cells with their lines, keeps the first 20, counts all', async () => {
    const rows = ['customer,date,amount'];
    for (let i = 0; i < 30; i++) rows.push(i % 3 === 0 ? `C${i},12/1/2010,x` : `C${i},2024-01-01,${i}`);
    rows.push(',2024-01-01,1');
    rows.push('C99,2024-01-01'); // fewer cells: the amount is missing
    const t = await readText(rows.join('\n'));
    expect(t.rows).toBe(32);
    expect(t.badCellCounts).toEqual({ date: 10, amount: 11, customer: 1 });
    expect(t.badCells.length).toBe(20);
    expect(t.badCells[0]).toEqual({
      line: 2,
      column: 'date',
      value: '12/1/2010',
      problem: 'not an ISO 8601 date (for 12/31/2024-style dates use --date-format mdy, for 31/12/2024 --date-format dmy)',
    });
    expect(t.badCells[1]).toEqual({ line: 2, column: 'amount', value: 'x', problem: 'not a number (expected a plain decimal like 12.34)' });
    expect(t.badCells[2].line).toBe(5);
    expect(Number.isNaN(t.timestamp[0])).toBe(true);
    expect(rowCustomerIds(t)[30]).toBe('');
    expect(Number.isNaN(t.amount![31])).toBe(true);
    const mdy = await readText('customer,InvoiceDate,amount\nC1,12/1/2010 8:26,1\n', 'tx.csv', { dateFormat: 'mdy' });
    expect([...mdy.timestamp]).toEqual([ms('2010-12-01T08:26:00Z')]);
    const long = await readText(`customer,date\nC1,${'x'.repeat(50)}\n`);
    expect(long.badCells[0].value).toBe(`${'x'.repeat(39)}…`);
  });

  it('without an amount column, amount is null', async () => {
    const t = await readText('customer,date,qty\nC1,2024-01-01,3\n');
    expect(t.amount).toBeNull();
    expect(t.columns.amount).toBeNull();
    expect(t.columns.detected.amount).toBe(false);
    const none = await readText('customer,date,amount\nC1,2024-01-01,3\n', 'tx.csv', { amountCol: '' });
    expect(none.amount).toBeNull();
  });

  it('reads across chunk boundaries of every size the same', async () => {
    const csv = Buffer.from('\ufeffcustomer,date,amount\r\n"C ""1""",2024-01-01T10:11:12Z,1.25\r\n\r\n"multi\r\nline",20240102,"2"\r\nC3,2024-01-03 08:00,3\r\nC1,2024-01-04,\r\nC1,2024-01-05,5');
    const whole = await readTransactionStream(pieces(csv, csv.length), 'x.csv');
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const t = await readTransactionStream(pieces(csv, size), 'x.csv');
      expect(rowCustomerIds(t)).toEqual(rowCustomerIds(whole));
      expect([...t.timestamp]).toEqual([...whole.timestamp]);
      expect([...t.amount!]).toEqual([...whole.amount!]);
      expect([...t.line]).toEqual([...whole.line]);
      expect(t.badCells).toEqual(whole.badCells);
    }
    expect(rowCustomerIds(whole)).toEqual(['C "1"', 'multi\r\nline', 'C3', 'C1', 'C1']);
    expect([...whole.line]).toEqual([2, 4, 6, 7, 8]);
    const text = await readTransactionStream(
      (async function* () {
        yield 'customer,date,amount\nC1,2024-';
        await Promise.resolve();
        yield '01-01,1\n';
      })(),
      'x.csv',
    );
    expect([...text.timestamp]).toEqual([ms('2024-01-01')]);
  });

  it('property: random tables written as CSV read back exactly, as readCsvRecords reads them', async () => {
    const idChar = fc.constantFrom('a', 'B', '7', ' ', ',', '"', '\n', 'é', '-', ';');
    const row = fc.record({
      id: fc.array(idChar, { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
      t: fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 }).map((s) => s * 1000),
      dateOnly: fc.boolean(),
      cents: fc.integer({ min: -100_000, max: 10_000_000 }),
      quote: fc.integer({ min: 0, max: 7 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 60 }), fc.boolean(), fc.integer({ min: 1, max: 64 }), async (rows, crlf, chunk) => {
        const eol = crlf ? '\r\n' : '\n';
        const q = (s: string, force: boolean): string => (force || /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        let text = `customer_id,date,amount${eol}`;
        for (const r of rows) {
          const iso = new Date(r.dateOnly ? Math.floor(r.t / 86_400_000) * 86_400_000 : r.t).toISOString();
          const date = r.dateOnly ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', r.quote % 2 === 0 ? 'T' : ' ');
          text += `${q(r.id, (r.quote & 1) === 1)},${q(date, (r.quote & 2) === 2)},${q((r.cents / 100).toString(), (r.quote & 4) === 4)}${eol}`;
        }
        const t = await readTransactionStream(pieces(Buffer.from(text), chunk), 'p.csv');
        const ref: { id: string; t: number; a: number }[] = [];
        for await (const batch of readCsvRecords([text])) {
          for (const rec of batch) ref.push({ id: String(rec['customer_id']), t: parseIsoTimestamp(String(rec['date'])), a: Number(rec['amount']) });
        }
        expect(t.rows).toBe(rows.length);
        expect(rowCustomerIds(t)).toEqual(ref.map((r) => r.id));
        expect(rowCustomerIds(t)).toEqual(rows.map((r) => r.id));
        expect([...t.timestamp]).toEqual(ref.map((r) => r.t));
        expect([...t.amount!]).toEqual(ref.map((r) => r.a));
        expect([...t.amount!]).toEqual(rows.map((r) => r.cents / 100));
        expect(t.badCells).toEqual([]);
      }),
      { seed: 1003, numRuns: 150 },
    );
  });

  it('more than one batch of ids, repeated and new, in order', async () => {
    const lines = ['customer,date'];
    for (let i = 0; i < 3000; i++) lines.push(`c${(i * 31) % 700},2024-01-01`);
    const t = await readText(lines.join('\n'));
    expect(rowCustomerIds(t)).toEqual(lines.slice(1).map((l) => l.split(',')[0]));
  });

  it('calls onProgress at most ten times a second', async () => {
    const calls: { rows: number; bytes: number; totalBytes: number | null }[] = [];
    await readTransactionStream(
      (async function* () {
        yield 'customer,date\nC1,2024-01-01\n';
        await new Promise((r) => setTimeout(r, 120));
        yield 'C2,2024-01-02\n';
        yield 'C3,2024-01-03\n';
      })(),
      'x.csv',
      { totalBytes: 57, onProgress: (p) => calls.push(p) },
    );
    expect(calls).toEqual([{ rows: 2, bytes: 42, totalBytes: 57 }]);
  });
});

describe('JSON Lines', () => {
  it('reads ids as strings or numbers, dates as text or epoch ms, amounts as numbers or text', async () => {
    const t = await readText(
      ['{"user_id": 17, "created_at": "2024-03-01T10:00:00Z", "revenue": 12.5, "x": [1]}', '', '{"user_id": "17", "created_at": 1709287200000, "revenue": "3.25"}', '{"created_at": "nope", "revenue": null}', '{"user_id": true, "created_at": {}, "revenue": "1,5"}'].join('\n'),
      'tx.jsonl',
    );
    expect(t.format).toBe('jsonl');
    expect(rowCustomerIds(t)).toEqual(['17', '17', '', '']);
    expect([...t.timestamp].slice(0, 2)).toEqual([ms('2024-03-01T10:00:00Z'), 1709287200000]);
    expect([...t.amount!].slice(0, 2)).toEqual([12.5, 3.25]);
    expect([...t.line]).toEqual([1, 3, 4, 5]);
    expect(t.columns.available).toEqual(['user_id', 'created_at', 'revenue', 'x']);
    expect(t.badCellCounts).toEqual({ user_id: 2, created_at: 2, revenue: 2 });
    expect(t.badCells.map((b) => [b.line, b.column, b.value])).toEqual([
      [4, 'user_id', ''],
      [4, 'created_at', 'nope'],
      [4, 'revenue', ''],
      [5, 'user_id', 'true'],
      [5, 'created_at', '{}'],
      [5, 'revenue', '1,5'],
    ]);
  });

  it('is sniffed from standard-input-like names, and errors name the line', async () => {
    const ok = await readTransactionStream(pieces(Buffer.from('\n {"customer":"a","date":"2024-01-01"}\n'), 5), '-');
    expect(ok.format).toBe('jsonl');
    expect([...ok.line]).toEqual([2]);
    const bad = await cliError(readText('{"customer":"a","date":"2024-01-01"}\n\n{"customer": oops}\n', 'tx.jsonl'));
    expect(bad.exitCode).toBe(1);
    expect(bad.message).toMatch(/^line 3 is not valid JSON/);
    const arr = await cliError(readText('[{"customer":"a","date":"2024-01-01"}]\n', 'tx.jsonl'));
    expect(arr.message).toBe('line 1 is not a JSON object');
    const missing = await cliError(readText('{"who":"a","date":"2024-01-01"}\n', 'tx.jsonl'));
    expect(missing.message).toBe('no customer column found; columns are: who, date; name it with --customer-col <name>');
  });
});

// ---------------------------------------------------------------------------------------------

describe('columns', () => {
  it('auto-detects common names (case, _ - and spaces ignored), by priority, then by word', () => {
    const pick = (header: string[], o: ReadOptions = {}) => {
      const c = detectColumns(header, o);
      return [c.customer, c.date, c.amount];
    };
    expect(pick(['InvoiceNo', 'StockCode', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'])).toEqual(['CustomerID', 'InvoiceDate', 'UnitPrice']);
    expect(pick(['Customer ID', 'Order-Date', 'Order Value'])).toEqual(['Customer ID', 'Order-Date', 'Order Value']);
    expect(pick(['client_id', 'created_at', 'total', 'price'])).toEqual(['client_id', 'created_at', 'total']);
    expect(pick(['cust_no', 'purchase_time', 'spend'])).toEqual(['cust_no', 'purchase_time', 'spend']);
    expect(pick(['user', 'timestamp', 'date', 'qty'])).toEqual(['user', 'date', null]);
    // A flag takes its column first; detection then skips it.
    expect(pick(['customer_id', 'user_id', 'date', 'ts'], { customerCol: 'user_id', dateCol: 'ts' })).toEqual(['user_id', 'ts', null]);
    const c = detectColumns(['a', 'customer', 'date', 'amount'], { customerCol: 'a' });
    expect(c.detected).toEqual({ customer: false, date: true, amount: true });
  });

  it('names the columns and the flag when nothing is found', () => {
    const e = thrownCli(() => detectColumns(['InvoiceNo', 'StockCode', 'Description'], {}));
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('no customer column found; columns are: InvoiceNo, StockCode, Description; name it with --customer-col <name>');
    const d = thrownCli(() => detectColumns(['customer', 'when'], {}));
    expect(d.message).toBe('no date column found; columns are: customer, when; name it with --date-col <name>');
  });

  it('a named column that does not exist: the columns, and a close match', () => {
    const e = thrownCli(() => detectColumns(['InvoiceNo', 'InvoiceDate', 'CustomerID'], { customerCol: 'customerid' }));
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe("no column named 'customerid' (--customer-col); columns are: InvoiceNo, InvoiceDate, CustomerID; did you mean CustomerID?");
    expect(thrownCli(() => detectColumns(['customer', 'date', 'amount'], { amountCol: 'amont' })).message).toMatch(/did you mean amount\?$/);
    expect(thrownCli(() => detectColumns(['customer', 'date'], { amountCol: 'zzzzzzzz' })).message).not.toMatch(/did you mean/);
    const same = thrownCli(() => detectColumns(['a', 'b'], { customerCol: 'a', dateCol: 'a' }));
    expect(same.exitCode).toBe(2);
  });
});

function thrownCli(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('errors for people', () => {
  it('a line with more cells than the header names its line', async () => {
    const e = await cliError(readText('customer,date,amount\nC1,2024-01-01,1\n\n"x\ny",2024-01-01,1,extra\n'));
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('line 4 has 4 cells but the header has 3 columns');
    expect(e.hint).toMatch(/--delimiter/);
  });

  it('empty, header only, binary, UTF-16, unclosed quote, no file, a directory, bad options', async () => {
    const cases: [() => Promise<unknown>, RegExp, number][] = [
      [() => readText(''), /is empty$/, 1],
      [() => readText('customer,date,amount\n'), /has no data rows/, 1],
      [() => readText('customer,date,amount\n\n\n'), /has no data rows/, 1],
      [() => readText('\n\n', 'x.jsonl'), /has no data rows/, 1],
      [() => readText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'x.csv'), /does not look like a text file/, 1],
      [() => readText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x0a, 0x41]), 'x.csv'), /does not look like a text file/, 1],
      [() => readText(Buffer.from('\ufffe' + 'a,b', 'utf16le'), 'x.csv'), /is UTF-16 text/, 1],
      [() => readText('customer,date\n"C1,2024-01-01\n'), /line 2: a quoted field is not closed/, 1],
      [() => readText('customer,date\rC1,2024-01-01\r'), /CR line endings/, 1],
      [() => readText(`${'a'.repeat(70_000)}\n`), /longer than 64 kB/, 1],
      [() => readTransactions(join(dir, 'nope.csv')), /cannot read .*nope\.csv: no such file/, 1],
      [() => readTransactions(dir), /it is a directory/, 1],
      [() => readText('customer,date\nC1,2024-01-01\n', 'x.csv', { delimiter: ';;' }), /--delimiter must be one character/, 2],
      [() => readText('customer,date\nC1,2024-01-01\n', 'x.csv', { dateFormat: 'ymd' as 'iso' }), /--date-format must be/, 2],
    ];
    for (const [p, re, code] of cases) {
      const e = await cliError(p());
      expect(e.message).toMatch(re);
      expect(e.exitCode).toBe(code);
    }
  });

  it('a quoted field left open does not read the rest of a big file into one record', async () => {
    const body = 'C1,2024-01-01\n'.repeat(100_000);
    const e = await cliError(readText(`customer,date\n"C0,2024-01-01\n${body}`));
    expect(e.message).toMatch(/line 2 of .* is longer than 1 MB/);
  });
});

describe('sampleTable', () => {
  it('is sampleTransactions() as columns, lines row + 2, its damaged cells recorded', () => {
    const t = sampleTable();
    const log = sampleTransactions();
    expect(t.rows).toBe(log.length);
    expect(t.format).toBe('sample');
    expect(t.source).toBe('bundled sample');
    expect(rowCustomerIds(t)).toEqual(log.map((r) => String(r.customerId)));
    expect([...t.timestamp]).toEqual(log.map((r) => toEpochMs(r.timestamp)));
    expect([...t.amount!]).toEqual(log.map((r) => r.amount ?? NaN));
    expect([...t.line]).toEqual(log.map((_, i) => i + 2));
    const emptyIds = log.filter((r) => r.customerId === '').length;
    expect(t.badCellCounts['customerId'] ?? 0).toBe(emptyIds);
    expect(emptyIds).toBeGreaterThan(0);
    for (const b of t.badCells) expect(b.line).toBeGreaterThanOrEqual(2);
  });
});

describe.skipIf(datasetPath('cdnow/CDNOW_master.txt') === null)('CDNOW_master.txt (whitespace-separated)', () => {
  it('reads 69,659 transactions of 23,570 customers, $2,500,315.63 (../shared/datasets/README.md)', async () => {
    const t = await readTransactions(datasetPath('cdnow/CDNOW_master.txt')!);
    expect(t.rows).toBe(69_659);
    expect(new Set(rowCustomerIds(t)).size).toBe(23_570);
    let sum = 0;
    for (const a of t.amount!) sum += a;
    expect(sum).toBeCloseTo(2_500_315.63, 6);
    expect(t.columns).toMatchObject({ customer: 'customer_id', date: 'date', amount: 'dollar_value' });
    expect(Math.min(...t.timestamp)).toBe(ms('1997-01-01'));
    expect(Math.max(...t.timestamp)).toBe(ms('1998-06-30'));
    expect(t.badCells).toEqual([]);
  });
});
if (datasetPath('cdnow/CDNOW_master.txt') === null) console.log(missingMessage('cdnow/CDNOW_master.txt'));
