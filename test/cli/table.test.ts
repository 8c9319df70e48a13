import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, formatInt, formatSig, formatTable, truncate } from '../../src/cli/table.js';

describe('formatTable and the number formats', () => {
  it('formatTable: numbers right-aligned, text left-aligned, shrinking columns cut with …', () => {
    const lines = formatTable(
      [{ header: 'name', shrink: true }, { header: 'n', align: 'right' }],
      [
        ['a-rather-long-name', '1,234'],
        ['b', '5'],
      ],
      { width: 20 },
    );
    expect(lines).toEqual(['  name             n', '  ───────────  ─────', '  a-rather-l…  1,234', '  b                5']);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(20);
  });
  it('formatTable leaves out the `drop` columns, highest first, when shrinking is not enough', () => {
    const cols = [{ header: 'id', shrink: true, minWidth: 4 }, { header: 'aaaa', drop: 1 }, { header: 'bbbb', drop: 2 }, { header: 'cccc' }];
    const rows = [['abcdefgh', '1', '2', '3']];
    expect(formatTable(cols, rows, { width: 40 })[2]).toBe('  abcdefgh  1     2     3');
    expect(formatTable(cols, rows, { width: 20 })[0]).toBe('  id      aaaa  cccc'); // bbbb left out, id cut to 6
    expect(formatTable(cols, rows, { width: 14 })[0]).toBe('  id      cccc'); // then aaaa too
  });
  it('formats: 4 significant digits, thousands separators, — for non-finite values', () => {
    expect(formatSig(0.242593)).toBe('0.2426');
    expect(formatSig(4.413532)).toBe('4.414');
    expect(formatSig(15.447748)).toBe('15.45');
    expect(formatSig(1234.56)).toBe('1,235');
    expect(formatSig(123456)).toBe('123,456');
    expect(formatSig(Number.NaN)).toBe('—');
    expect(formatFixed(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatInt(-9582.43)).toBe('-9,582');
  });
  it('truncate never exceeds the width and keeps short text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.integer({ min: 0, max: 60 }), (s, w) => {
        const t = truncate(s, w);
        expect(t.length).toBeLessThanOrEqual(w);
        if (s.length <= w) expect(t).toBe(s);
        else if (w > 0) expect(t.endsWith('…')).toBe(true);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
