import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { readCsvRecords, type CsvOptions, type CsvRecord } from '../../src/data/csv.js';
import { InvalidInputError } from '../../src/errors.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Chunk = string | Uint8Array;
type Source = AsyncIterable<Chunk> | Iterable<Chunk>;

async function batchesOf(source: Source, options?: CsvOptions): Promise<CsvRecord[][]> {
  const out: CsvRecord[][] = [];
  for await (const batch of readCsvRecords(source, options)) out.push(batch);
  return out;
}

async function recordsOf(source: Source, options?: CsvOptions): Promise<CsvRecord[]> {
  return (await batchesOf(source, options)).flat();
}

/** Runs the reader to completion and returns the InvalidInputError it throws (fails otherwise). */
async function errorOf(source: Source, options?: CsvOptions): Promise<InvalidInputError> {
  try {
    await batchesOf(source, options);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return err as InvalidInputError;
  }
  throw new Error('expected readCsvRecords to throw an InvalidInputError');
}

async function* asAsync(chunks: readonly Chunk[]): AsyncGenerator<Chunk> {
  for (const c of chunks) {
    await Promise.resolve();
    yield c;
  }
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Splits `text` into chunks at the given positions (any order, duplicates and out-of-range ignored). */
function splitAt<T extends string | Uint8Array>(text: T, cuts: readonly number[]): T[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < text.length))].sort((a, b) => a - b);
  const out: T[] = [];
  let prev = 0;
  for (const p of [...points, text.length]) {
    out.push(text.slice(prev, p) as T);
    prev = p;
  }
  return out;
}

/** One-unit chunks: every character (UTF-16 code unit) or every byte on its own. */
const singles = <T extends string | Uint8Array>(text: T): T[] =>
  splitAt(
    text,
    Array.from({ length: text.length }, (_, i) => i),
  );

/** Positions right after every CR and every quote (and before every LF) — the risky boundaries. */
function riskyCuts(text: string | Uint8Array): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = typeof text === 'string' ? text.charCodeAt(i) : text[i];
    if (c === 13 || c === 34) cuts.push(i + 1);
    if (c === 10) cuts.push(i);
  }
  return cuts;
}

/**
 * Reference RFC 4180 writer (RFC 4180 §2 rules 6–7): a field containing the delimiter, a quote,
 * CR or LF is enclosed in double quotes, and each quote inside is doubled.
 */
function writeCell(cell: string, delim: string): string {
  return cell.includes(delim) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
const writeRow = (row: readonly string[], delim: string): string => row.map((c) => writeCell(c, delim)).join(delim);

const toRecord = (header: readonly string[], row: readonly string[]): CsvRecord =>
  Object.fromEntries(header.map((h, j) => [h, row[j]]));

const SEED = 4180;

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

describe('readCsvRecords — basics', () => {
  it('header + rows (RFC 4180 §2 rule 3: optional header line with the same format)', async () => {
    const recs = await recordsOf(['customerId,timestamp,amount\n', 'a,2024-01-01,10.5\nb,2024-01-02,3\n']);
    expect(recs).toEqual([
      { customerId: 'a', timestamp: '2024-01-01', amount: '10.5' },
      { customerId: 'b', timestamp: '2024-01-02', amount: '3' },
    ]);
  });

  it('doc-comment example: numbers cast, "1,000" left as text', async () => {
    async function* chunks(): AsyncGenerator<string> {
      await Promise.resolve();
      yield 'customerId,timestamp,amount\n';
      yield 'a,2024-01-01,10.5\nb,2024-01-02,"1,000"\n';
    }
    const batches = await batchesOf(chunks(), { numbers: ['amount'] });
    expect(batches).toEqual([
      [
        { customerId: 'a', timestamp: '2024-01-01', amount: 10.5 },
        { customerId: 'b', timestamp: '2024-01-02', amount: '1,000' },
      ],
    ]);
  });

  it('numbers: Number() casting; empty → undefined; non-numeric kept as the string', async () => {
    const text = 'id,n,s\n1,10.5,7\n2,,\n3,abc,x\n4,-3,y\n5,1e3,z\n6,"42",w\n7,0,v\n';
    const recs = await recordsOf([text], { numbers: ['n', 'notAColumn'] });
    expect(recs.map((r) => r.n)).toEqual([10.5, undefined, 'abc', -3, 1000, 42, 0]);
    expect(recs[1]).toHaveProperty('n', undefined);
    // Columns not listed stay strings, including the empty one.
    expect(recs.map((r) => r.s)).toEqual(['7', '', 'x', 'y', 'z', 'w', 'v']);
    expect(recs.map((r) => r.id)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('numbers: a whitespace-only cell is not the number 0 (Number(" ") === 0 must not leak through)', async () => {
    const recs = await recordsOf(['id,n\na, \nb,"\t"\nc, 5 \n'], { numbers: ['n'] });
    expect(recs[0].n).not.toBe(0);
    expect(recs[0].n).toBe(' ');
    expect(recs[1].n).toBe('\t');
    expect(recs[2].n).toBe(5); // Number(' 5 ') = 5: surrounding whitespace is accepted by Number()
  });

  it('columns without a header: the first line is data', async () => {
    const recs = await recordsOf(['a,1\nb,2\n'], { columns: ['id', 'v'], numbers: ['v'] });
    expect(recs).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 2 },
    ]);
  });

  it('columns + skipHeader: the file header is dropped and replaced', async () => {
    const recs = await recordsOf(['\n\nx,y\na,1\nb,2\n'], { columns: ['id', 'v'], skipHeader: true });
    expect(recs).toEqual([
      { id: 'a', v: '1' },
      { id: 'b', v: '2' },
    ]);
    // A quoted, multi-line header is skipped as one record.
    const recs2 = await recordsOf(['"x\ny",z\na,1\n'], { columns: ['id', 'v'], skipHeader: true });
    expect(recs2).toEqual([{ id: 'a', v: '1' }]);
  });

  it('skipHeader without columns has no effect (the first line is the header anyway)', async () => {
    const recs = await recordsOf(['x,y\na,1\n'], { skipHeader: true });
    expect(recs).toEqual([{ x: 'a', y: '1' }]);
  });

  it.each([
    [';', 'id;amount\na;1,5\n"b;c";2\n', [{ id: 'a', amount: '1,5' }, { id: 'b;c', amount: '2' }]],
    ['\t', 'id\tamount\na\t1,5\n"b\tc"\t"2"\n', [{ id: 'a', amount: '1,5' }, { id: 'b\tc', amount: '2' }]],
  ])('custom delimiter %j', async (delimiter, text, want) => {
    expect(await recordsOf([text], { delimiter })).toEqual(want);
    expect(await recordsOf(singles(text), { delimiter })).toEqual(want);
  });

  it('CRLF line ends (RFC 4180 §2 rule 1)', async () => {
    const text = 'a,b\r\n1,2\r\n"3",4\r\n';
    const want = [
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ];
    expect(await recordsOf([text])).toEqual(want);
    expect(await recordsOf(singles(text))).toEqual(want);
    expect(await recordsOf(['a,b\r', '\n1,2\r', '\n"3",4\r', '\n'])).toEqual(want);
  });

  it('a lone CR inside an unquoted field is data (only LF and CRLF end a record)', async () => {
    expect(await recordsOf(['a,b\n1\r2,3\n'])).toEqual([{ a: '1\r2', b: '3' }]);
  });

  it('a CR at the very end of the input (no LF) is stripped on both the fast and the quoted path', async () => {
    expect(await recordsOf(['a,b\n1,2\r'])).toEqual([{ a: '1', b: '2' }]);
    expect(await recordsOf(['a,b\n"1",2\r'])).toEqual([{ a: '1', b: '2' }]);
    expect(await recordsOf(['a,b\n1,"2"\r'])).toEqual([{ a: '1', b: '2' }]);
    expect(await recordsOf(singles('a,b\n1,"2"\r'))).toEqual([{ a: '1', b: '2' }]);
  });

  it('UTF-8 byte-order mark: as a string chunk, as bytes, split across byte chunks', async () => {
    const want = [{ id: 'a', v: '1' }];
    expect(await recordsOf(['\uFEFFid,v\na,1\n'])).toEqual(want);
    expect(await recordsOf(['\uFEFF', 'id,v\na,1\n'])).toEqual(want);
    expect(await recordsOf(['', '\uFEFFid,v\na,1\n'])).toEqual(want);
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('id,v\na,1\n')]);
    expect(await recordsOf([bytes])).toEqual(want);
    expect(await recordsOf(singles(bytes))).toEqual(want);
    expect(await recordsOf([bytes.subarray(0, 2), bytes.subarray(2)])).toEqual(want);
    // Also before a quoted header.
    expect(await recordsOf(['\uFEFF"id",v\na,1\n'])).toEqual(want);
    // Only a leading BOM is removed; U+FEFF elsewhere is data.
    expect(await recordsOf(['id,v\n\uFEFFa,1\n'])).toEqual([{ id: '\uFEFFa', v: '1' }]);
  });

  it('no final newline (fast path and quoted path)', async () => {
    expect(await recordsOf(['a,b\n1,2'])).toEqual([{ a: '1', b: '2' }]);
    expect(await recordsOf(['a,b\n1,"2"'])).toEqual([{ a: '1', b: '2' }]);
    expect(await recordsOf(['a,b\n1,"x""y"'])).toEqual([{ a: '1', b: 'x"y' }]);
    expect(await recordsOf(['a,b\n1,'])).toEqual([{ a: '1', b: '' }]);
    expect(await recordsOf(singles('a,b\n"1",2'))).toEqual([{ a: '1', b: '2' }]);
  });

  it('blank lines are skipped, LF or CRLF, anywhere', async () => {
    const text = '\n\r\na,b\n\n1,2\r\n\r\n\n3,4\n\n';
    const want = [
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ];
    expect(await recordsOf([text])).toEqual(want);
    expect(await recordsOf(singles(text))).toEqual(want);
  });

  it('empty input, BOM only, header only → no batches', async () => {
    expect(await batchesOf([])).toEqual([]);
    expect(await batchesOf([''])).toEqual([]);
    expect(await batchesOf(['\n\n'])).toEqual([]);
    expect(await batchesOf(['\uFEFF'])).toEqual([]);
    expect(await batchesOf(['a,b\n'])).toEqual([]);
    expect(await batchesOf(['a,b'])).toEqual([]);
  });

  it('quoted fields: delimiters, doubled quotes, LF and CRLF inside (RFC 4180 §2 rules 5–7)', async () => {
    const text = 'id,note\n1,"a, b"\n2,"say ""hi"""\n3,"line1\nline2"\n4,"crlf\r\ninside"\n5,""\n6,""""\n7,"x"\n';
    const want = [
      { id: '1', note: 'a, b' },
      { id: '2', note: 'say "hi"' },
      { id: '3', note: 'line1\nline2' },
      { id: '4', note: 'crlf\r\ninside' },
      { id: '5', note: '' },
      { id: '6', note: '"' },
      { id: '7', note: 'x' },
    ];
    expect(await recordsOf([text])).toEqual(want);
    expect(await recordsOf(singles(text))).toEqual(want);
    expect(await recordsOf(singles(utf8(text)))).toEqual(want);
  });

  it('multi-byte UTF-8 characters split across Uint8Array chunks (é: 2 bytes, €: 3, 😀: 4)', async () => {
    const text = 'name,sym\nCafé,€\n"😀, ok",日本\n';
    const want = [
      { name: 'Café', sym: '€' },
      { name: '😀, ok', sym: '日本' },
    ];
    const bytes = utf8(text);
    expect(await recordsOf(singles(bytes))).toEqual(want);
    // Every single cut position.
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await recordsOf([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toEqual(want);
    }
  });

  it('a line with fewer cells than the header leaves the missing columns undefined', async () => {
    const recs = await recordsOf(['a,b,c\n1\n2,3\n"4",5\n'], { numbers: ['c'] });
    expect(recs).toEqual([{ a: '1' }, { a: '2', b: '3' }, { a: '4', b: '5' }]);
    expect(recs[0].b).toBeUndefined();
    expect(recs[0].c).toBeUndefined();
  });

  it('column names that are Object.prototype keys are kept as own properties (incl. __proto__)', async () => {
    const recs = await recordsOf(['__proto__,constructor,toString,x\n1,2,3,4\n'], { numbers: ['__proto__'] });
    expect(recs).toHaveLength(1);
    const rec = recs[0];
    expect(Object.keys(rec)).toEqual(['__proto__', 'constructor', 'toString', 'x']);
    expect(Object.getOwnPropertyDescriptor(rec, '__proto__')?.value).toBe(1);
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    expect(rec.constructor).toBe('2');
    expect(rec.x).toBe('4');
    const viaColumns = await recordsOf(['a,b\n'], { columns: ['x', '__proto__'] });
    expect(Object.getOwnPropertyDescriptor(viaColumns[0], '__proto__')?.value).toBe('b');
  });
});

describe('readCsvRecords — errors', () => {
  it('more cells than the header → InvalidInputError naming the 1-based line', async () => {
    const err = await errorOf(['a,b\n1,2\n3,4,5\n']);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: 'csv', row: 3 });
    expect(err.issues[0].message).toContain('line 3');
    expect(err.issues[0].message).toContain('3 cells');
  });

  it('line numbers count blank lines and every line of a multi-line quoted field', async () => {
    // header = line 1, blank = 2, "x\ny" spans 3–4, CRLF-quoted spans 5–7, blank 8, bad row = 9
    const text = 'a,b\n\n1,"x\ny"\n2,"p\r\nq\r\nr"\r\n\r\n3,4,5\n';
    for (const chunks of [[text], singles(text), splitAt(text, riskyCuts(text))]) {
      const err = await errorOf(chunks);
      expect(err.issues[0].row).toBe(9);
      expect(err.issues[0].message).toContain('line 9');
    }
    // Same when the offending line itself is quoted and multi-line (its first line is named).
    const err2 = await errorOf(['a,b\n"1\n2",3,"4\n5"\n']);
    expect(err2.issues[0].row).toBe(2);
    const err3 = await errorOf(['a,b\n"1\n2",3\n"x",y,z\n']);
    expect(err3.issues[0].row).toBe(4);
  });

  it('an unclosed quote at the end → InvalidInputError naming the line the field starts on', async () => {
    for (const text of ['a,b\n1,"2\n', 'a,b\n1,"2', 'a,b\n1,"2""', 'a,b\n1,2\n"3,4\n5,6\n', 'a,b\n1,"', '"a,b']) {
      const err = await errorOf([text]);
      expect(err.issues).toHaveLength(1);
      expect(err.issues[0].path).toBe('csv');
      expect(err.issues[0].message).toMatch(/not closed/);
      const want = text.startsWith('"a') ? 1 : text.includes('"3') ? 3 : 2;
      expect(err.issues[0].row, JSON.stringify(text)).toBe(want);
      expect((await errorOf(singles(text))).issues[0].row).toBe(want);
    }
  });

  it('invalid options → InvalidInputError', async () => {
    await expect(batchesOf([], { batchSize: 0 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(batchesOf([], { batchSize: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(batchesOf([], { delimiter: ';;' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(batchesOf([], { delimiter: '' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(batchesOf([], { bogus: 1 } as unknown as CsvOptions)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: chunk boundaries never change the result
// ---------------------------------------------------------------------------------------------

const cellUnit = fc.constantFrom('a', 'b', 'Z', '0', '9', '.', ' ', ',', ';', '\t', '"', '"', '\r', '\n', 'é', '€', '😀', '日', '\u00a0');
const cellArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: cellUnit, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '""', '"', '\r\n', '\n\n', ',,', 'a"b', '"a"') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

interface Table {
  header: string[];
  rows: string[][];
}

const tableArb: fc.Arbitrary<Table> = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({
    // Header names are unique and non-empty (an empty single-column header line would be blank).
    header: fc.uniqueArray(
      cellArb.filter((c) => c !== '' && c !== '__proto__'),
      { minLength: n, maxLength: n },
    ),
    rows: fc.array(fc.array(cellArb, { minLength: n, maxLength: n }), { maxLength: 12 }),
  }),
);

type Cutting = { kind: 'random'; cuts: number[] } | { kind: 'singles' } | { kind: 'risky'; cuts: number[] } | { kind: 'whole' };

const cuttingArb: fc.Arbitrary<Cutting> = fc.oneof(
  fc.record({ kind: fc.constant('random' as const), cuts: fc.array(fc.nat({ max: 400 }), { maxLength: 30 }) }),
  fc.record({ kind: fc.constant('singles' as const) }),
  fc.record({ kind: fc.constant('risky' as const), cuts: fc.array(fc.nat({ max: 400 }), { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('whole' as const) }),
);

function cut<T extends string | Uint8Array>(text: T, how: Cutting): T[] {
  switch (how.kind) {
    case 'whole':
      return [text];
    case 'singles':
      return singles(text);
    case 'random':
      return splitAt(text, how.cuts);
    case 'risky':
      return splitAt(text, [...riskyCuts(text), ...how.cuts]);
  }
}

interface Serialised {
  text: string;
  options: CsvOptions;
  want: CsvRecord[];
}

const layoutArb: fc.Arbitrary<LayoutValue> = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t'),
  eol: fc.constantFrom('\n', '\r\n'),
  finalNewline: fc.boolean(),
  bom: fc.boolean(),
  mode: fc.constantFrom<LayoutValue['mode']>('header', 'columns', 'columns+skipHeader'),
});

function serialise(t: Table, layout: LayoutValue): Serialised {
  const { delimiter, eol, finalNewline, bom, mode } = layout;
  const lines = t.rows.map((r) => writeRow(r, delimiter));
  if (mode !== 'columns') lines.unshift(writeRow(t.header, delimiter));
  let text = lines.join(eol);
  if (finalNewline && lines.length > 0) text += eol;
  if (bom) text = '\uFEFF' + text;
  const options: CsvOptions =
    mode === 'header'
      ? { delimiter }
      : { delimiter, columns: t.header, ...(mode === 'columns+skipHeader' ? { skipHeader: true } : {}) };
  // A row that serialises to an empty line (one column, empty cell) is a blank line: skipped by design.
  const want = t.rows.filter((r) => writeRow(r, delimiter) !== '').map((r) => toRecord(t.header, r));
  return { text, options, want };
}

interface LayoutValue {
  delimiter: string;
  eol: string;
  finalNewline: boolean;
  bom: boolean;
  mode: 'header' | 'columns' | 'columns+skipHeader';
}

describe('readCsvRecords — chunk-boundary property', () => {
  it('the reference writer round-trips for any split of the text (string chunks)', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, layoutArb, cuttingArb, fc.boolean(), async (t, layout, how, asyncSource) => {
        const { text, options, want } = serialise(t, layout);
        const chunks = cut(text, how);
        expect(chunks.join('')).toBe(text);
        const got = await recordsOf(asyncSource ? asAsync(chunks) : chunks, options);
        expect(got).toEqual(want);
        // toEqual ignores undefined-valued keys; records here must be complete.
        for (const r of got) expect(Object.keys(r).sort()).toEqual([...t.header].sort());
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('the reference writer round-trips for any split of the UTF-8 bytes', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, layoutArb, cuttingArb, async (t, layout, how) => {
        const { text, options, want } = serialise(t, layout);
        const bytes = utf8(text);
        const chunks = cut(bytes, how);
        expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(bytes.length);
        expect(await recordsOf(asAsync(chunks), options)).toEqual(want);
      }),
      { seed: SEED + 1, numRuns: 1500 },
    );
  });

  it('an extra-cell row is reported at its physical line, however the input is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, fc.nat(), layoutArb, cuttingArb, async (t, at, layout, how) => {
        const { delimiter, eol } = layout;
        const k = at % (t.rows.length + 1);
        const bad = [...t.header.map(() => 'x'), 'extra'];
        const before = [writeRow(t.header, delimiter), ...t.rows.slice(0, k).map((r) => writeRow(r, delimiter))];
        const prefix = before.join(eol) + eol;
        const text = prefix + writeRow(bad, delimiter) + eol + t.rows.slice(k).map((r) => writeRow(r, delimiter)).join(eol);
        // The bad row's line = 1 + the LFs before it (blank lines and LFs inside quotes count).
        const line = prefix.split('\n').length;
        const err = await errorOf(cut(text, how), { delimiter });
        expect(err.issues[0].row).toBe(line);
        expect(err.issues[0].message).toContain(`line ${line} `);
      }),
      { seed: SEED + 2, numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------

describe('readCsvRecords — batchSize', () => {
  it('examples: single chunk and one chunk per character', async () => {
    const text = 'i\n' + Array.from({ length: 10 }, (_, i) => String(i)).join('\n') + '\n';
    for (const chunks of [[text], singles(text)]) {
      const batches = await batchesOf(chunks, { batchSize: 3, numbers: ['i'] });
      for (const b of batches) expect(b.length).toBeLessThanOrEqual(3);
      expect(batches.flat().map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    // Default batch size is 4096: 5000 rows in one chunk → 4096 + 904.
    const big = 'i\n' + Array.from({ length: 5000 }, (_, i) => String(i)).join('\n') + '\n';
    expect((await batchesOf([big])).map((b) => b.length)).toEqual([4096, 904]);
  });

  it('property: batches are non-empty, never exceed batchSize, keep order and lose nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 12 }),
        cuttingArb,
        fc.boolean(),
        async (n, batchSize, how, quoted) => {
          const rows = Array.from({ length: n }, (_, i) => (quoted && i % 3 === 0 ? `"${i}\n",${i}` : `${i},${i}`));
          const text = 'k,v\n' + rows.join('\n') + (n % 2 === 0 ? '\n' : '');
          const batches = await batchesOf(asAsync(cut(text, how)), { batchSize, numbers: ['v'] });
          for (const b of batches) {
            expect(b.length).toBeGreaterThan(0);
            expect(b.length).toBeLessThanOrEqual(batchSize);
          }
          expect(batches.flat().map((r) => r.v)).toEqual(Array.from({ length: n }, (_, i) => i));
        },
      ),
      { seed: SEED + 3, numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Performance regression
// ---------------------------------------------------------------------------------------------

describe('readCsvRecords — fast path stays linear', () => {
  it('scans each character of a quote-free chunk for quotes O(1) times, not once per line', async () => {
    // Regression: the quote search ran from each line to the end of the buffer, so one big chunk
    // without quotes cost O(lines × chunk length) — about 15 s for this input, 7 minutes for 15 MB.
    // Counted, not timed (timing belongs to `npm run bench`): we wrap String.prototype.indexOf and
    // add up how many characters every search for '"' can scan (length − fromIndex).
    const line = 'cust12345,2024-01-01T10:00:00Z,123.45\n';
    const text = 'customerId,timestamp,amount\n' + line.repeat(50_000) + '"q",x,1\n';
    // eslint-disable-next-line @typescript-eslint/unbound-method -- always invoked with .call(this, …)
    const original = String.prototype.indexOf;
    let scanned = 0;
    String.prototype.indexOf = function (this: string, search: string, from?: number): number {
      if (search === '"') scanned += this.length - (from ?? 0);
      return original.call(this, search, from);
    };
    let n = 0;
    try {
      for await (const b of readCsvRecords([text], { numbers: ['amount'] })) n += b.length;
    } finally {
      String.prototype.indexOf = original;
    }
    expect(n).toBe(50_001);
    expect(scanned).toBeLessThan(3 * text.length); // the quadratic version scans ~25,000 × more
  });
});

// ---------------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------------

describe('readCsvRecords — sources', () => {
  const text = 'id,name\n1,Café\n2,"a,😀"\n';
  const want = [
    { id: '1', name: 'Café' },
    { id: '2', name: 'a,😀' },
  ];

  it('a web ReadableStream of Uint8Array (global in Node ≥ 18)', async () => {
    const bytes = utf8(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of singles(bytes)) controller.enqueue(c);
        controller.close();
      },
    });
    expect(await recordsOf(stream)).toEqual(want);
  });

  it('a Node Readable.from of strings and of Buffers', async () => {
    expect(await recordsOf(Readable.from(singles(text)))).toEqual(want);
    const buf = Buffer.from(text, 'utf8');
    const parts = Array.from({ length: buf.length }, (_, i) => buf.subarray(i, i + 1));
    expect(await recordsOf(Readable.from(parts))).toEqual(want);
    expect(await recordsOf(Readable.from([buf]))).toEqual(want);
  });

  it('a plain synchronous iterable (array, generator)', async () => {
    function* gen(): Generator<string> {
      yield* singles(text);
    }
    expect(await recordsOf(gen())).toEqual(want);
    expect(await recordsOf([text])).toEqual(want);
  });
});

describe('readCsvRecords: a quote inside an unquoted field is literal (as Python csv), not an opening quote', () => {
  it('keeps 5" x as text and does not merge the following lines', async () => {
    const out: Record<string, unknown>[] = [];
    for await (const batch of readCsvRecords(['a,b\n5" x,1\n6" y,2\n'])) out.push(...batch);
    expect(out).toEqual([
      { a: '5" x', b: '1' },
      { a: '6" y', b: '2' },
    ]);
  });
});
