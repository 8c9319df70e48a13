/**
 * Timestamps and calendar arithmetic, in UTC, without `Date.parse` (whose handling of strings
 * without an offset depends on the machine's time zone) and without per-row allocation.
 *
 * @module
 */
import type { Aggregation, TimeUnit, TimestampInput } from './types.js';

/** Milliseconds in a day. @internal */
export const MS_PER_DAY = 86_400_000;

/**
 * Days in one {@link TimeUnit}. A week is 7 days. A month is the mean Gregorian month,
 * 365.2425 / 12 = 30.436875 days, except when purchases are aggregated by calendar month
 * (`aggregation: 'month'`), where durations count whole calendar months.
 */
export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { day: 1, week: 7, month: 365.2425 / 12 };

/** Largest |epoch ms| a JavaScript `Date` can hold (±100,000,000 days). @internal */
export const MAX_EPOCH_MS = 8.64e15;

/**
 * Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's `days_from_civil`).
 *
 * @internal
 * @example
 * ```ts
 * import { daysFromCivil } from './time.js'; // internal module (src/data/time.ts)
 * daysFromCivil(1970, 1, 1); // 0
 * daysFromCivil(2024, 3, 1); // 19783
 * daysFromCivil(1969, 12, 31); // -1
 * ```
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Year and month (1–12) of a day number (H. Hinnant's `civil_from_days`), as `year * 12 + month - 1`.
 *
 * @internal
 * @example
 * ```ts
 * import { monthIndexFromDays } from './time.js'; // internal module (src/data/time.ts)
 * monthIndexFromDays(19783); // 24290 (2024 * 12 + 3 - 1: day 19783 is 2024-03-01)
 * ```
 */
export function monthIndexFromDays(z: number): number {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 12 + m - 1;
}

/**
 * Day number of the first day of a month index (`year * 12 + month - 1`).
 *
 * @internal
 * @example
 * ```ts
 * import { daysFromMonthIndex } from './time.js'; // internal module (src/data/time.ts)
 * daysFromMonthIndex(2024 * 12 + 2); // 19783 (2024-03-01)
 * ```
 */
export function daysFromMonthIndex(mi: number): number {
  const y = Math.floor(mi / 12);
  return daysFromCivil(y, mi - y * 12 + 1, 1);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Reads `n` ASCII digits at `i`; −1 when any is not a digit (or past the end). */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Two ASCII digits at `i` (the caller has checked that they are in the string); −1 otherwise. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

/** Four ASCII digits at `i` (the caller has checked that they are in the string); −1 otherwise. */
function digits4(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  const c = s.charCodeAt(i + 2) - 48;
  const d = s.charCodeAt(i + 3) - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 || c >>> 0 > 9 || d >>> 0 > 9 ? -1 : a * 1000 + b * 100 + c * 10 + d;
}

/**
 * {@link daysFromCivil} for years 0–9999 in 32-bit integer arithmetic: shifted by one 400-year
 * era (146,097 days) so that every quotient is of a non-negative number and truncation is floor.
 */
function daysFromCivil4(y: number, m: number, d: number): number {
  const ys = y - (m <= 2 ? 1 : 0) + 400;
  const era = (ys / 400) | 0;
  const yoe = ys - era * 400;
  const doy = (((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) | 0) + d - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146097 + doe - 719468 - 146097;
}

/**
 * Parses an ISO-8601 date or date-time string to epoch milliseconds; `NaN` when it is not one.
 *
 * Accepted: `YYYY-MM-DD` and `YYYYMMDD`, optionally followed by `T` or a space and
 * `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fff…` (any number of fraction digits, truncated to ms), then
 * optionally `Z`, `±hh:mm`, `±hhmm` or `±hh`. Without an offset the time is read as UTC. Fields
 * are range-checked (month 1–12, day within the month, hour 0–23, minute and second 0–59).
 *
 * Hand-written over character codes, without allocation.
 *
 * @example
 * ```ts
 * import { parseIsoTimestamp } from 'clmkit/data';
 * parseIsoTimestamp('1997-01-01');            // 852076800000
 * parseIsoTimestamp('19970101');              // 852076800000
 * parseIsoTimestamp('1997-01-01T02:00+02:00'); // 852076800000
 * parseIsoTimestamp('1997-02-30');            // NaN
 * ```
 */
export function parseIsoTimestamp(s: string): number {
  const len = s.length;
  let y: number, mo: number, d: number, i: number;
  if (len >= 10 && s.charCodeAt(4) === 45 /* - */ && s.charCodeAt(7) === 45) {
    y = digits4(s, 0);
    mo = digits2(s, 5);
    d = digits2(s, 8);
    i = 10;
  } else if (len >= 8) {
    y = digits4(s, 0);
    mo = digits2(s, 4);
    d = digits2(s, 6);
    i = 8;
  } else {
    return NaN;
  }
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || (d > 28 && d > daysInMonth(y, mo))) return NaN;
  let ms = daysFromCivil4(y, mo, d) * MS_PER_DAY;
  if (i === len) return ms;
  const sep = s.charCodeAt(i);
  if (sep !== 84 /* T */ && sep !== 32 /* space */ && sep !== 116 /* t */) return NaN;
  i++;
  // hh:mm
  if (len < i + 5) return NaN;
  const hh = digits2(s, i);
  if (hh < 0 || hh > 23 || s.charCodeAt(i + 2) !== 58 /* : */) return NaN;
  const mi = digits2(s, i + 3);
  if (mi < 0 || mi > 59) return NaN;
  i += 5;
  let sec = 0;
  let frac = 0;
  if (i < len && s.charCodeAt(i) === 58) {
    if (len < i + 3) return NaN;
    sec = digits2(s, i + 1);
    if (sec < 0 || sec > 59) return NaN;
    i += 3;
    if (i < len && (s.charCodeAt(i) === 46 /* . */ || s.charCodeAt(i) === 44) /* , */) {
      i++;
      const start = i;
      // Integer place values 100, 10, 1, then 0: digits past the millisecond are validated and
      // dropped (truncation), never summed as floats that could round up to the next ms.
      let scale = 100;
      while (i < len) {
        const c = s.charCodeAt(i) - 48;
        if (c >>> 0 > 9) break;
        frac += c * scale;
        scale = (scale / 10) | 0;
        i++;
      }
      if (i === start) return NaN;
    }
  }
  ms += hh * 3_600_000 + mi * 60_000 + sec * 1000 + frac;
  if (i === len) return ms;
  const z = s.charCodeAt(i);
  if ((z === 90 /* Z */ || z === 122) && i + 1 === len) return ms;
  if (z !== 43 /* + */ && z !== 45 /* - */) return NaN;
  // ±hh, ±hhmm or ±hh:mm, and nothing after.
  const rest = len - (i + 3);
  if (rest < 0) return NaN;
  const oh = digits2(s, i + 1);
  if (oh < 0 || oh > 23) return NaN;
  let om = 0;
  if (rest === 3 && s.charCodeAt(i + 3) === 58) om = digits2(s, i + 4);
  else if (rest === 2) om = digits2(s, i + 3);
  else if (rest !== 0) return NaN;
  if (om < 0 || om > 59) return NaN;
  const offset = (oh * 60 + om) * 60_000;
  return z === 43 ? ms - offset : ms + offset;
}

/**
 * True when `s` is a date without a time part (`YYYY-MM-DD` or `YYYYMMDD`).
 *
 * @internal
 * @example
 * ```ts
 * import { isDateOnly } from './time.js'; // internal module (src/data/time.ts)
 * isDateOnly('2024-03-01'); // true
 * isDateOnly('20240301'); // true
 * isDateOnly('2024-03-01T10:15'); // false
 * ```
 */
export function isDateOnly(s: string): boolean {
  return (s.length === 10 && s.charCodeAt(4) === 45) || (s.length === 8 && digits(s, 0, 8) >= 0);
}

/**
 * Converts a {@link TimestampInput} to epoch milliseconds; `NaN` when it is not a valid
 * timestamp (invalid `Date`, unparseable string, non-finite or out-of-range number, other types).
 *
 * @example
 * ```ts
 * import { toEpochMs } from 'clmkit/data';
 * toEpochMs('2024-03-01T00:00:00Z'); // 1709251200000
 * toEpochMs(new Date(0));            // 0
 * toEpochMs('yesterday');            // NaN
 * ```
 */
export function toEpochMs(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= MAX_EPOCH_MS ? value : NaN;
  if (typeof value === 'string') return parseIsoTimestamp(value);
  if (value instanceof Date) return value.getTime();
  return NaN;
}

/**
 * Resolves an observation end to the last instant it includes, in epoch ms: a date-only string
 * (`'1997-09-30'`) includes that whole UTC day (…T23:59:59.999Z); anything else is the instant
 * itself. `NaN` when invalid.
 *
 * @internal
 */
export function resolveEndMs(value: TimestampInput): number {
  const ms = toEpochMs(value);
  if (typeof value === 'string' && Number.isFinite(ms) && isDateOnly(value)) return ms + MS_PER_DAY - 1;
  return ms;
}

/**
 * How an aggregation and a unit turn instants into integer-ish period keys and key differences
 * into durations. Purchase occasions are distinct keys; a duration is `(key2 − key1) / divisor`.
 *
 * @internal
 */
export interface PeriodScheme {
  /** Key of the period containing `ms`. */
  key(ms: number): number;
  /** Key differences are divided by this to give durations in the unit. */
  readonly divisor: number;
}

/** @internal */
export function periodScheme(aggregation: Aggregation, unit: TimeUnit): PeriodScheme {
  const daysPerUnit = DAYS_PER_UNIT[unit];
  switch (aggregation) {
    case 'none':
      return { key: (ms) => ms, divisor: daysPerUnit * MS_PER_DAY };
    case 'day':
      return { key: (ms) => Math.floor(ms / MS_PER_DAY), divisor: daysPerUnit };
    case 'week':
      // 1970-01-01 was a Thursday; ISO weeks start on Monday, 3 days earlier.
      return { key: (ms) => Math.floor((Math.floor(ms / MS_PER_DAY) + 3) / 7) * 7 - 3, divisor: daysPerUnit };
    case 'month':
      if (unit === 'month') return { key: (ms) => monthIndexFromDays(Math.floor(ms / MS_PER_DAY)), divisor: 1 };
      return {
        key: (ms) => daysFromMonthIndex(monthIndexFromDays(Math.floor(ms / MS_PER_DAY))),
        divisor: daysPerUnit,
      };
    default:
      return assertNever(aggregation);
  }
}

/** Exhaustiveness check: an unhandled case fails to compile, and names itself at run time. @internal */
export function assertNever(x: never): never {
  throw new Error(`clmkit internal error: unhandled case ${JSON.stringify(x)}`);
}
