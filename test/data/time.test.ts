import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DAYS_PER_UNIT,
  MS_PER_DAY,
  daysFromCivil,
  daysFromMonthIndex,
  isDateOnly,
  monthIndexFromDays,
  parseIsoTimestamp,
  periodScheme,
  resolveEndMs,
  toEpochMs,
} from '../../src/data/time.js';
import type { Aggregation, TimeUnit } from '../../src/data/types.js';

// ---------------------------------------------------------------------------------------------
// Oracles and helpers
// ---------------------------------------------------------------------------------------------

/**
 * Epoch ms of a proleptic-Gregorian UTC date-time; the JavaScript `Date` object is the oracle.
 * `Date.UTC(y, …)` maps years 0–99 to 1900–1999 (ECMA-262 Date.UTC, MakeFullYear), so the year
 * is set with `setUTCFullYear`, which takes it literally.
 */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, s, ms);
  return dt.getTime();
}

/** Days in a month; the oracle is `Date`'s day-0-of-next-month rollover (ECMA-262 MakeDay). */
function daysInMonthOracle(y: number, mo: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo, 0);
  return dt.getUTCDate();
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Civil date of a day number; `Date`'s UTC getters are the oracle. */
function civil(day: number): { y: number; m: number; d: number; weekday: number } {
  const dt = new Date(day * MS_PER_DAY);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate(), weekday: dt.getUTCDay() };
}

const SEED = 20_240_229;

// ---------------------------------------------------------------------------------------------
// parseIsoTimestamp — property over every accepted shape
// ---------------------------------------------------------------------------------------------

type OffsetShape = 'none' | 'Z' | 'z' | '+hh:mm' | '-hh:mm' | '+hhmm' | '-hhmm' | '+hh' | '-hh';

interface TimestampParts {
  y: number;
  mo: number;
  d: number;
  time: boolean;
  basicDate: boolean;
  sep: 'T' | ' ' | 't';
  h: number;
  mi: number;
  s: number;
  seconds: boolean;
  /** Fraction digits (empty: no fraction). Only used when `seconds`. */
  frac: string;
  offset: OffsetShape;
  oh: number;
  om: number;
}

const digitString = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((ds) => ds.join(''));

function partsArb(fracDigits: fc.Arbitrary<string>): fc.Arbitrary<TimestampParts> {
  return fc
    .record({
      y: fc.integer({ min: 1, max: 9999 }),
      mo: fc.integer({ min: 1, max: 12 }),
      dRaw: fc.integer({ min: 1, max: 31 }),
      time: fc.boolean(),
      basicDate: fc.boolean(),
      sep: fc.constantFrom<'T' | ' ' | 't'>('T', ' ', 't'),
      h: fc.integer({ min: 0, max: 23 }),
      mi: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      seconds: fc.boolean(),
      frac: fc.oneof(fc.constant(''), fracDigits),
      offset: fc.constantFrom<OffsetShape>('none', 'Z', 'z', '+hh:mm', '-hh:mm', '+hhmm', '-hhmm', '+hh', '-hh'),
      oh: fc.integer({ min: 0, max: 23 }),
      om: fc.integer({ min: 0, max: 59 }),
    })
    .map(({ dRaw, ...p }) => ({ ...p, d: ((dRaw - 1) % daysInMonthOracle(p.y, p.mo)) + 1 }));
}

function format(p: TimestampParts): string {
  const date = p.basicDate ? `${pad(p.y, 4)}${pad(p.mo, 2)}${pad(p.d, 2)}` : `${pad(p.y, 4)}-${pad(p.mo, 2)}-${pad(p.d, 2)}`;
  if (!p.time) return date;
  let s = `${date}${p.sep}${pad(p.h, 2)}:${pad(p.mi, 2)}`;
  if (p.seconds) {
    s += `:${pad(p.s, 2)}`;
    if (p.frac !== '') s += `.${p.frac}`;
  }
  const hh = pad(p.oh, 2);
  const mm = pad(p.om, 2);
  switch (p.offset) {
    case 'none':
      return s;
    case 'Z':
    case 'z':
      return s + p.offset;
    case '+hh:mm':
      return `${s}+${hh}:${mm}`;
    case '-hh:mm':
      return `${s}-${hh}:${mm}`;
    case '+hhmm':
      return `${s}+${hh}${mm}`;
    case '-hhmm':
      return `${s}-${hh}${mm}`;
    case '+hh':
      return `${s}+${hh}`;
    case '-hh':
      return `${s}-${hh}`;
  }
}

/** Milliseconds of a fraction, truncated (ISO 8601 leaves rounding open; the doc comment says truncate). */
const fracMs = (frac: string): number => Number(frac.slice(0, 3).padEnd(3, '0'));

/** Expected epoch ms: `Date` is the oracle for the local time; the offset is subtracted (ISO 8601: local time = UTC + offset). */
function expected(p: TimestampParts): number {
  if (!p.time) return utc(p.y, p.mo, p.d);
  const local = utc(p.y, p.mo, p.d, p.h, p.mi, p.seconds ? p.s : 0, p.seconds ? fracMs(p.frac) : 0);
  const minutes = p.offset.includes('mm') ? p.oh * 60 + p.om : p.oh * 60;
  const off = p.offset === 'none' || p.offset === 'Z' || p.offset === 'z' ? 0 : minutes * 60_000;
  return p.offset.startsWith('+') ? local - off : local + off;
}

describe('parseIsoTimestamp', () => {
  it('hand-computed anchors (doc-comment examples)', () => {
    // hand-computed: 1997-01-01 = 9862 days × 86,400,000 = 852,076,800,000 ms
    // (27 years 1970–1996 × 365 + 7 leap days 1972…1996 = 9862).
    expect(parseIsoTimestamp('1997-01-01')).toBe(852_076_800_000);
    expect(parseIsoTimestamp('19970101')).toBe(852_076_800_000);
    expect(parseIsoTimestamp('1997-01-01T02:00+02:00')).toBe(852_076_800_000);
    expect(parseIsoTimestamp('1970-01-01T00:00:00Z')).toBe(0);
    // Date.UTC is the oracle
    expect(parseIsoTimestamp('2024-03-01T00:00:00Z')).toBe(Date.UTC(2024, 2, 1));
    expect(parseIsoTimestamp('1969-12-31T23:59:59.999Z')).toBe(-1);
  });

  it('extreme years: 0000 (ISO 8601 proleptic year 0, a leap year) and 9999', () => {
    // Date#setUTCFullYear is the oracle; hand-check: 0000-01-01 is 719,528 days before 1970
    // (Hinnant: 0000-03-01 is day −719,468, and Jan + Feb of year 0 are 31 + 29 = 60 days).
    expect(parseIsoTimestamp('0000-01-01')).toBe(-719_528 * MS_PER_DAY);
    expect(parseIsoTimestamp('0000-01-01')).toBe(utc(0, 1, 1));
    expect(parseIsoTimestamp('0000-02-29')).toBe(utc(0, 2, 29));
    expect(parseIsoTimestamp('9999-12-31T23:59:59.999Z')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    expect(parseIsoTimestamp('0001-01-01T00:00Z')).toBe(utc(1, 1, 1));
    expect(parseIsoTimestamp('0099-12-31')).toBe(utc(99, 12, 31));
  });

  it('property: every accepted shape equals the Date oracle minus the offset', () => {
    fc.assert(
      fc.property(partsArb(digitString(1, 9)), (p) => {
        expect(parseIsoTimestamp(format(p))).toBe(expected(p));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('property: long fractions (10–40 digits) are truncated, never rounded up', () => {
    // The doc comment: "any number of fraction digits, truncated to ms". Worst case for a
    // floating-point accumulator is all nines: '.999999999999' must still be 999 ms.
    fc.assert(
      fc.property(partsArb(fc.oneof(digitString(10, 40), fc.integer({ min: 10, max: 40 }).map((n) => '9'.repeat(n)))), (p) => {
        expect(parseIsoTimestamp(format(p))).toBe(expected(p));
      }),
      { seed: SEED + 1, numRuns: 2000 },
    );
  });

  it('fraction truncation examples (truncate, not round)', () => {
    const base = Date.UTC(2024, 0, 1, 10, 0, 0); // Date.UTC is the oracle
    const cases: [string, number][] = [
      ['5', 500],
      ['05', 50],
      ['005', 5],
      ['0005', 0],
      ['9999', 999],
      ['1239', 123],
      ['123456789', 123],
      ['999999999', 999],
      ['999999999999', 999],
      ['99999999999999999999', 999],
      ['0999999999999999', 99],
    ];
    for (const [frac, ms] of cases) {
      expect(parseIsoTimestamp(`2024-01-01T10:00:00.${frac}Z`), frac).toBe(base + ms);
      // ISO 8601: the decimal sign is a comma or a full stop.
      expect(parseIsoTimestamp(`2024-01-01T10:00:00,${frac}Z`), frac).toBe(base + ms);
    }
  });

  it('property: equals Date.parse on the ECMAScript Date Time String Format with Z or an offset', () => {
    // ECMA-262 "Date Time String Format": YYYY-MM-DDTHH:mm[:ss[.sss]] followed by Z or ±HH:mm is the one
    // format Date.parse must accept, and with an explicit offset its result is time-zone free.
    const arb = partsArb(digitString(3, 3)).filter(
      (p) => p.time && !p.basicDate && p.sep === 'T' && (p.offset === 'Z' || p.offset === '+hh:mm' || p.offset === '-hh:mm'),
    );
    const withFrac = arb.map((p) => ({ ...p, frac: p.seconds ? p.frac : '' }));
    fc.assert(
      fc.property(withFrac, (p) => {
        const s = format(p);
        expect(parseIsoTimestamp(s)).toBe(Date.parse(s));
      }),
      { seed: SEED + 2, numRuns: 3000 },
    );
  });

  it('leap days: Feb 29 only in Gregorian leap years (divisible by 4, not by 100 unless by 400)', () => {
    for (const y of [2000, 2024, 1600, 4, 9996]) {
      expect(parseIsoTimestamp(`${pad(y, 4)}-02-29`), String(y)).toBe(utc(y, 2, 29));
      expect(parseIsoTimestamp(`${pad(y, 4)}0229`), String(y)).toBe(utc(y, 2, 29));
    }
    for (const y of [1900, 2023, 2100, 1700, 1, 9999]) {
      expect(parseIsoTimestamp(`${pad(y, 4)}-02-29`), String(y)).toBeNaN();
      expect(parseIsoTimestamp(`${pad(y, 4)}0229T00:00Z`), String(y)).toBeNaN();
    }
    expect(parseIsoTimestamp('2024-02-30')).toBeNaN();
  });

  it('day ranges: last valid day accepted, the day after rejected, for every month', () => {
    for (const y of [2023, 2024]) {
      for (let mo = 1; mo <= 12; mo++) {
        const last = daysInMonthOracle(y, mo); // Date rollover is the oracle
        expect(parseIsoTimestamp(`${y}-${pad(mo, 2)}-${pad(last, 2)}`)).toBe(utc(y, mo, last));
        expect(parseIsoTimestamp(`${y}-${pad(mo, 2)}-${pad(last + 1, 2)}`)).toBeNaN();
        expect(parseIsoTimestamp(`${y}-${pad(mo, 2)}-00`)).toBeNaN();
      }
    }
  });

  it.each([
    // month out of range
    '2024-00-01',
    '2024-13-01',
    '20240001',
    '20241301',
    '2024-99-01',
    // day 31 in a 30-day month, day 32, day 0
    '2024-04-31',
    '2024-06-31',
    '2024-09-31',
    '2024-11-31',
    '2024-01-32',
    '2024-01-00',
    // hour 24, minute 60, second 60 (ISO 8601's 24:00 and leap second are not accepted)
    '2024-01-01T24:00',
    '2024-01-01T24:00:00Z',
    '2024-01-01T10:60',
    '2024-01-01T10:00:60',
    '2024-01-01T10:00:60Z',
    '2024-01-01T99:00',
    // empty fraction
    '2024-01-01T10:00:00.',
    '2024-01-01T10:00:00,',
    '2024-01-01T10:00:00.Z',
    // fraction without seconds
    '2024-01-01T10:00.5',
    // bad separators
    '2024-01-01_10:00',
    '2024-01-01X10:00',
    '2024-01-01T10-00',
    '2024-01-01T10.00',
    '2024/01/01',
    '2024.01.01',
    '2024-01/01',
    '2024-0101',
    '202401-01',
    '2024-01-01T1000',
    '2024-01-01TT10:00',
    '2024-01-01  10:00',
    // trailing garbage
    '2024-01-01 ',
    '2024-01-01x',
    '20240101x',
    '2024-01-01Z',
    '2024-01-01T10:00Zx',
    '2024-01-01T10:00ZZ',
    '2024-01-01T10:00:00Z ',
    '2024-01-01T10:00+01:00x',
    '2024-01-01T10:00+01:00Z',
    '2024-01-01T10:00:00.5x',
    '2024-01-01T10:00:00.5 ',
    '2024-01-01T10:00:00:00',
    // short strings
    '',
    '2',
    '2024',
    '2024-01',
    '2024-1-1',
    '2024011',
    '2024-01-01T',
    '2024-01-01T1',
    '2024-01-01T10',
    '2024-01-01T10:',
    '2024-01-01T10:0',
    '2024-01-01T10:00:',
    '2024-01-01T10:00:0',
    '2024-01-01T10:00+',
    '2024-01-01T10:00-',
    '2024-01-01T10:00+0',
    '2024-01-01T10:00+01:',
    '2024-01-01T10:00+01:0',
    '2024-01-01T10:00+011',
    '2024-01-01T10:00+01000',
    '2024-01-01T10:00+01:000',
    // offsets out of range or malformed
    '2024-01-01T10:00+2400',
    '2024-01-01T10:00+24:00',
    '2024-01-01T10:00-24',
    '2024-01-01T10:00+01:60',
    '2024-01-01T10:00+0160',
    '2024-01-01T10:00+01;00',
    '2024-01-01T10:00*01:00',
    // non-digits where digits belong
    'abcd-ef-gh',
    'abcdefgh',
    '2O24-01-01',
    '2024-0a-01',
    '2024-01-0b',
    '２０２４-01-01',
    ' 2024-01-01',
    '+2024-01-01',
    '-001-01-01',
    '2024-01-01T1a:00',
    '2024-01-01T10:0a',
    '2024-01-01T10:00:0a',
    '2024-01-01T10:00+0a:00',
    '2024-01-01T10:00+01:0a',
    '2024-01-01T-1:00',
    '2024-01-01T10:00:00.1a',
  ])('rejects %j → NaN', (s) => {
    expect(parseIsoTimestamp(s)).toBeNaN();
  });

  it('accepts the lowercase t/z, space separator and all offset shapes (examples)', () => {
    const t = Date.UTC(2024, 0, 1, 10, 30); // Date.UTC is the oracle
    expect(parseIsoTimestamp('2024-01-01t10:30z')).toBe(t);
    expect(parseIsoTimestamp('2024-01-01 10:30')).toBe(t);
    expect(parseIsoTimestamp('20240101T10:30')).toBe(t);
    expect(parseIsoTimestamp('2024-01-01T12:30+02:00')).toBe(t);
    expect(parseIsoTimestamp('2024-01-01T12:30+0200')).toBe(t);
    expect(parseIsoTimestamp('2024-01-01T12:30+02')).toBe(t);
    expect(parseIsoTimestamp('2024-01-01T05:00-05:30')).toBe(t);
    expect(parseIsoTimestamp('2024-01-01T05:00-0530')).toBe(t);
    expect(parseIsoTimestamp('2024-01-01T10:30-00:00')).toBe(t);
    // The offset can move the instant across a day/year boundary.
    expect(parseIsoTimestamp('2024-01-01T00:30+01:00')).toBe(Date.UTC(2023, 11, 31, 23, 30));
    expect(parseIsoTimestamp('2023-12-31T23:30-01:00')).toBe(Date.UTC(2024, 0, 1, 0, 30));
  });
});

/**
 * The documented grammar as one regular expression plus range checks, `Date` for the calendar:
 * an oracle independent of the hand-written character-code parser.
 */
const ISO_RE =
  /^(\d{4})(?:-(\d{2})-(\d{2})|(\d{2})(\d{2}))(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;
function isoOracle(s: string): number {
  const m = ISO_RE.exec(s);
  if (m === null) return NaN; // e.g. '+hh:' with nothing after: the optional ':' needs mm
  // Unmatched optional groups are undefined (the array's type does not say so).
  const g = (i: number): string | undefined => m[i];
  const y = Number(g(1));
  const mo = Number(g(2) ?? g(4));
  const d = Number(g(3) ?? g(5));
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonthOracle(y, mo)) return NaN;
  const hh = g(6);
  if (hh === undefined) return utc(y, mo, d);
  const h = Number(hh);
  const mi = Number(g(7));
  const sec = Number(g(8) ?? 0);
  if (h > 23 || mi > 59 || sec > 59) return NaN;
  const frac = g(9);
  const local = utc(y, mo, d, h, mi, sec, frac === undefined ? 0 : fracMs(frac));
  const sign = g(11);
  if (sign === undefined) return local;
  const oh = Number(g(12));
  const om = Number(g(13) ?? 0);
  if (oh > 23 || om > 59) return NaN;
  const off = (oh * 60 + om) * 60_000;
  return sign === '+' ? local - off : local + off;
}

describe('parseIsoTimestamp: differential fuzz against the grammar as a regular expression', () => {
  it('property: accepted shapes, mutated (characters replaced, dropped, inserted), parse exactly as the oracle says, NaN included', () => {
    const alphabet = ['0', '1', '2', '5', '9', '-', ':', 'T', 't', ' ', 'Z', 'z', '+', '.', ',', '/', 'x', '\u0660'];
    const edit = fc.record({ at: fc.nat(), op: fc.constantFrom('replace', 'drop', 'insert'), ch: fc.constantFrom(...alphabet) });
    fc.assert(
      fc.property(partsArb(digitString(1, 5)), fc.array(edit, { maxLength: 3 }), (p, edits) => {
        let s = format(p);
        for (const e of edits) {
          const at = e.at % (s.length + 1);
          s = e.op === 'replace' ? s.slice(0, at) + e.ch + s.slice(at + 1) : e.op === 'drop' ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + e.ch + s.slice(at);
        }
        expect(parseIsoTimestamp(s), s).toBe(isoOracle(s));
      }),
      { seed: SEED + 3, numRuns: 20_000 },
    );
  });

  it('the oracle itself agrees with the hand-computed anchors', () => {
    expect(isoOracle('1997-01-01')).toBe(852_076_800_000);
    expect(isoOracle('1997-01-01T02:00+02:00')).toBe(852_076_800_000);
    expect(isoOracle('2024-02-30')).toBeNaN();
    expect(isoOracle('2024-01-01T10:00+01:')).toBeNaN();
  });
});

describe('isDateOnly', () => {
  it('is true for date-only shapes and false for date-times', () => {
    expect(isDateOnly('2024-01-01')).toBe(true);
    expect(isDateOnly('20240101')).toBe(true);
    expect(isDateOnly('2024-01-01T00:00')).toBe(false);
    expect(isDateOnly('20240101T00:00')).toBe(false);
    expect(isDateOnly('2024010')).toBe(false);
    expect(isDateOnly('2024-01-1')).toBe(false);
    expect(isDateOnly('2024x101')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// toEpochMs / resolveEndMs
// ---------------------------------------------------------------------------------------------

describe('toEpochMs', () => {
  it('Dates: getTime for valid ones, NaN for invalid ones', () => {
    expect(toEpochMs(new Date(0))).toBe(0);
    expect(toEpochMs(new Date(Date.UTC(2024, 1, 29, 12)))).toBe(Date.UTC(2024, 1, 29, 12));
    expect(toEpochMs(new Date(-1))).toBe(-1);
    expect(toEpochMs(new Date(Number.NaN))).toBeNaN();
    expect(toEpochMs(new Date('not a date'))).toBeNaN();
    // ECMA-262 TimeClip: |t| > 8.64e15 makes an invalid Date.
    expect(toEpochMs(new Date(8.64e15 + 1))).toBeNaN();
  });

  it('numbers: finite values within ±8.64e15 (the Date range, ECMA-262 "Time Values and Time Range") pass through', () => {
    for (const n of [0, 1, -1, 1.5, 1_704_067_200_000, 8.64e15, -8.64e15]) expect(toEpochMs(n)).toBe(n);
    for (const n of [Number.NaN, Infinity, -Infinity, 8.64e15 + 1, -8.64e15 - 1, 1e16, Number.MAX_VALUE, -Number.MAX_VALUE]) {
      expect(toEpochMs(n), String(n)).toBeNaN();
    }
  });

  it('strings go through parseIsoTimestamp', () => {
    expect(toEpochMs('2024-03-01T00:00:00Z')).toBe(1_709_251_200_000); // doc-comment example; Date.UTC(2024, 2, 1)
    expect(toEpochMs('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(toEpochMs('yesterday')).toBeNaN();
    expect(toEpochMs('')).toBeNaN();
    expect(toEpochMs('1709251200000')).toBeNaN(); // numeric strings are not timestamps
  });

  it('other types → NaN', () => {
    for (const v of [null, undefined, {}, { valueOf: () => 0 }, [], true, false, 10n, Symbol('t'), () => 0]) {
      expect(toEpochMs(v), typeof v).toBeNaN();
    }
  });
});

describe('resolveEndMs', () => {
  it('a date-only string includes its whole UTC day: end = next midnight − 1 ms', () => {
    // Date.UTC is the oracle
    expect(resolveEndMs('1997-09-30')).toBe(Date.UTC(1997, 9, 1) - 1);
    expect(resolveEndMs('19970930')).toBe(Date.UTC(1997, 9, 1) - 1);
    expect(resolveEndMs('2024-02-29')).toBe(Date.UTC(2024, 2, 1) - 1);
    expect(resolveEndMs('2023-12-31')).toBe(Date.UTC(2024, 0, 1) - 1);
    expect(resolveEndMs('1969-12-31')).toBe(-1);
  });

  it('date-times, Dates and numbers are instants', () => {
    expect(resolveEndMs('1997-09-30T00:00Z')).toBe(Date.UTC(1997, 8, 30));
    expect(resolveEndMs('1997-09-30T00:00')).toBe(Date.UTC(1997, 8, 30));
    expect(resolveEndMs('19970930 12:00+02:00')).toBe(Date.UTC(1997, 8, 30, 10));
    expect(resolveEndMs(new Date(Date.UTC(1997, 8, 30)))).toBe(Date.UTC(1997, 8, 30));
    expect(resolveEndMs(Date.UTC(1997, 8, 30))).toBe(Date.UTC(1997, 8, 30));
  });

  it('invalid inputs → NaN', () => {
    expect(resolveEndMs('1997-09-31')).toBeNaN();
    expect(resolveEndMs('19970931')).toBeNaN();
    expect(resolveEndMs('not-a-date')).toBeNaN();
    expect(resolveEndMs(new Date(Number.NaN))).toBeNaN();
    expect(resolveEndMs(Number.POSITIVE_INFINITY)).toBeNaN();
  });

  it('property: a date-only end equals the same day at 23:59:59.999Z', () => {
    fc.assert(
      fc.property(partsArb(fc.constant('')), (p) => {
        const day = `${pad(p.y, 4)}-${pad(p.mo, 2)}-${pad(p.d, 2)}`;
        const end = utc(p.y, p.mo, p.d, 23, 59, 59, 999); // Date is the oracle
        expect(resolveEndMs(day)).toBe(end);
        expect(resolveEndMs(day.replaceAll('-', ''))).toBe(end);
        expect(resolveEndMs(`${day}T23:59:59.999Z`)).toBe(end);
      }),
      { seed: SEED + 3, numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic
// ---------------------------------------------------------------------------------------------

describe('daysFromCivil / monthIndexFromDays / daysFromMonthIndex', () => {
  it('hand-computed anchors', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(daysFromCivil(1997, 1, 1)).toBe(9862); // 852,076,800,000 ms / 86,400,000
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017); // Date.UTC(2000, 2, 1) / 86,400,000
    expect(daysFromCivil(0, 3, 1)).toBe(-719_468); // H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
    expect(monthIndexFromDays(0)).toBe(1970 * 12);
    expect(monthIndexFromDays(-1)).toBe(1969 * 12 + 11);
    expect(daysFromMonthIndex(1970 * 12)).toBe(0);
    expect(daysFromMonthIndex(1969 * 12 + 11)).toBe(-31);
  });

  it('property: round trip against Date UTC getters over ±1e6 days', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (day) => {
        const { y, m, d } = civil(day); // Date's UTC getters are the oracle
        expect(daysFromCivil(y, m, d)).toBe(day);
        const mi = monthIndexFromDays(day);
        expect(mi).toBe(y * 12 + m - 1);
        expect(daysFromMonthIndex(mi)).toBe(day - (d - 1));
        // The next month starts exactly daysInMonth days later.
        expect(daysFromMonthIndex(mi + 1) - daysFromMonthIndex(mi)).toBe(daysInMonthOracle(y, m));
      }),
      { seed: SEED + 4, numRuns: 20_000 },
    );
  });

  it('property: round trip over the whole Date range (±1e8 days)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), (day) => {
        const { y, m, d } = civil(day);
        expect(daysFromCivil(y, m, d)).toBe(day);
        expect(monthIndexFromDays(day)).toBe(y * 12 + m - 1);
        expect(daysFromMonthIndex(y * 12 + m - 1)).toBe(day - (d - 1));
      }),
      { seed: SEED + 5, numRuns: 5000 },
    );
  });

  it('consecutive days around era and century boundaries', () => {
    // Every day from 1599-12-01 to 1601-03-01 and around 1900/2000/-400, compared with Date.
    for (const start of [daysFromCivil(1599, 12, 1), daysFromCivil(1899, 12, 1), daysFromCivil(1999, 12, 1), daysFromCivil(-401, 12, 1)]) {
      for (let day = start; day < start + 500; day++) {
        const { y, m, d } = civil(day);
        expect(daysFromCivil(y, m, d)).toBe(day);
        expect(monthIndexFromDays(day)).toBe(y * 12 + m - 1);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// periodScheme
// ---------------------------------------------------------------------------------------------

const AGGREGATIONS: readonly Aggregation[] = ['none', 'day', 'week', 'month'];
const UNITS: readonly TimeUnit[] = ['day', 'week', 'month'];
/** 365.2425 / 12 — the mean Gregorian month (400 years = 146,097 days = 4,800 months). */
const MEAN_MONTH_DAYS = 30.436875;

describe('periodScheme', () => {
  it('DAYS_PER_UNIT: day 1, week 7, month 365.2425 / 12 = 30.436875', () => {
    expect(DAYS_PER_UNIT).toEqual({ day: 1, week: 7, month: MEAN_MONTH_DAYS });
    expect(146_097 / 4800).toBe(MEAN_MONTH_DAYS);
  });

  it.each(AGGREGATIONS.flatMap((a) => UNITS.map((u) => [a, u] as const)))('divisor for aggregation %s, unit %s', (a, u) => {
    const perUnit = { day: 1, week: 7, month: MEAN_MONTH_DAYS }[u];
    const want = a === 'none' ? perUnit * MS_PER_DAY : a === 'month' && u === 'month' ? 1 : perUnit;
    expect(periodScheme(a, u).divisor).toBe(want);
  });

  it("'none' keeps milliseconds; divisors are 86,400,000 / 604,800,000 / 2,629,746,000 ms", () => {
    for (const u of UNITS) {
      const s = periodScheme('none', u);
      for (const ms of [0, -1, 1, 1_704_067_200_123, -86_400_001]) expect(s.key(ms)).toBe(ms);
    }
    expect(periodScheme('none', 'day').divisor).toBe(86_400_000);
    expect(periodScheme('none', 'week').divisor).toBe(604_800_000);
    expect(periodScheme('none', 'month').divisor).toBe(2_629_746_000); // 30.436875 × 86,400,000
  });

  it("'day' floors to UTC days, also before 1970 (negative day numbers)", () => {
    for (const u of UNITS) {
      const scheme = periodScheme('day', u);
      const key = (ms: number): number => scheme.key(ms);
      expect(key(Date.UTC(1970, 0, 1))).toBe(0);
      expect(key(Date.UTC(1970, 0, 1, 23, 59, 59, 999))).toBe(0);
      expect(key(Date.UTC(1969, 11, 31, 23))).toBe(-1); // 1969-12-31T23:00Z is day −1
      expect(key(-1)).toBe(-1);
      expect(key(Date.UTC(1969, 11, 31))).toBe(-1);
      expect(key(Date.UTC(1969, 11, 31) - 1)).toBe(-2);
      expect(key(852_076_800_000)).toBe(9862);
    }
    // A duration in weeks: 14 days / 7
    const s = periodScheme('day', 'week');
    expect((s.key(Date.UTC(2024, 0, 15)) - s.key(Date.UTC(2024, 0, 1))) / s.divisor).toBe(2);
  });

  it("'week' keys are the day number of the ISO week's Monday (ISO 8601 week date: weeks start on Monday)", () => {
    for (const u of UNITS) {
      const scheme = periodScheme('week', u);
      const key = (ms: number): number => scheme.key(ms);
      const monday = daysFromCivil(2014, 12, 29);
      expect(civil(monday).weekday).toBe(1); // Date#getUTCDay: 1 = Monday
      expect(key(Date.UTC(2015, 0, 1, 12))).toBe(monday); // Thursday 2015-01-01 → ISO week 2015-W01
      expect(key(Date.UTC(2014, 11, 29))).toBe(monday); // Monday itself
      expect(key(Date.UTC(2015, 0, 4, 23, 59, 59, 999))).toBe(monday); // Sunday, same week
      expect(key(Date.UTC(2015, 0, 5))).toBe(monday + 7); // next Monday
      expect(key(Date.UTC(2014, 11, 29) - 1)).toBe(monday - 7); // Sunday before
      // Around the epoch: 1970-01-01 was a Thursday; its week began Monday 1969-12-29 = day −3.
      expect(key(0)).toBe(-3);
      expect(key(Date.UTC(1969, 11, 31, 23))).toBe(-3);
      expect(key(Date.UTC(1969, 11, 29))).toBe(-3);
      expect(key(Date.UTC(1969, 11, 29) - 1)).toBe(-10);
      expect(key(Date.UTC(1970, 0, 4, 23))).toBe(-3);
      expect(key(Date.UTC(1970, 0, 5))).toBe(4);
    }
  });

  it("property: 'week' key is a Monday at most 6 days before the instant's day", () => {
    const scheme = periodScheme('week', 'week');
    const key = (ms: number): number => scheme.key(ms);
    fc.assert(
      fc.property(fc.integer({ min: -1e14, max: 1e14 }), (ms) => {
        const k = key(ms);
        const day = Math.floor(ms / MS_PER_DAY);
        expect(Number.isInteger(k)).toBe(true);
        expect(civil(k).weekday).toBe(1); // Date is the oracle
        expect(day - k).toBeGreaterThanOrEqual(0);
        expect(day - k).toBeLessThan(7);
      }),
      { seed: SEED + 6, numRuns: 5000 },
    );
  });

  it("'month' + unit 'month' counts calendar months", () => {
    const s = periodScheme('month', 'month');
    expect(s.divisor).toBe(1);
    const months = (a: string, b: string): number => (s.key(parseIsoTimestamp(b)) - s.key(parseIsoTimestamp(a))) / s.divisor;
    expect(months('2024-01-31', '2024-03-01')).toBe(2); // 31 days apart, but two calendar months
    expect(months('2024-01-01', '2024-01-31T23:59:59.999Z')).toBe(0);
    expect(months('2023-12-31T23:59:59.999Z', '2024-01-01')).toBe(1);
    expect(months('2020-02-29', '2024-02-29')).toBe(48);
    expect(s.key(Date.UTC(1969, 11, 31, 23))).toBe(1969 * 12 + 11); // before 1970: still Dec 1969
    expect(s.key(Date.UTC(1970, 0, 1))).toBe(1970 * 12);
    expect(s.key(-1)).toBe(1969 * 12 + 11);
  });

  it("'month' + unit day/week keys the first day of the month, in days", () => {
    for (const u of ['day', 'week'] as const) {
      const s = periodScheme('month', u);
      expect(s.key(Date.UTC(2024, 1, 15, 13))).toBe(Date.UTC(2024, 1, 1) / MS_PER_DAY);
      expect(s.key(Date.UTC(1969, 11, 31, 23))).toBe(-31); // 1969-12-01 is day −31
      expect(s.divisor).toBe(DAYS_PER_UNIT[u]);
    }
    const d = periodScheme('month', 'day');
    // 2024-01 → 2024-03: 31 + 29 days (2024 is a leap year)
    expect((d.key(Date.UTC(2024, 2, 20)) - d.key(Date.UTC(2024, 0, 5))) / d.divisor).toBe(60);
  });

  it("'day'/'week' aggregation with unit 'month' divides by the mean month", () => {
    const s = periodScheme('day', 'month');
    // 146,097 days (one 400-year cycle) = 4,800 mean months exactly.
    expect((s.key(Date.UTC(2400, 0, 1)) - s.key(Date.UTC(2000, 0, 1))) / s.divisor).toBeCloseTo(4800, 9);
  });

  it('property: every key function is monotone non-decreasing', () => {
    const schemes = AGGREGATIONS.flatMap((a) => UNITS.map((u) => periodScheme(a, u)));
    fc.assert(
      fc.property(fc.integer({ min: -1e14, max: 1e14 }), fc.integer({ min: 0, max: 1e11 }), (a, delta) => {
        for (const s of schemes) expect(s.key(a + delta)).toBeGreaterThanOrEqual(s.key(a));
      }),
      { seed: SEED + 7, numRuns: 3000 },
    );
  });
});
