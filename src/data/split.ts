/**
 * Calibration / holdout split for validating models on data they did not see.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors.js';
import { parseOptions, show } from '../validate.js';
import { parseLog, resolveFields, rowReader } from './input.js';
import { endMsOrThrow, resolveObservationEnd, summarizeOptionsShape, summarizeParsed } from './summarize.js';
import { periodScheme } from './time.js';
import type { CustomerSummary, TimestampInput, TransactionInput } from './types.js';
import type { SummarizeOptions } from './summarize.js';

/** Options of {@link calibrationHoldoutSplit}. */
export interface CalibrationHoldoutOptions extends SummarizeOptions {
  /**
   * Last instant of the calibration period (a date-only string includes that whole UTC day).
   * Required.
   */
  calibrationEnd: TimestampInput;
}

/** Per-customer holdout statistics, aligned row by row with the calibration summary. */
export interface HoldoutSummary {
  /** Purchase occasions in the holdout period (all of them count: there is no "first" there). */
  readonly frequency: Float64Array;
  /** Mean spend per holdout occasion; 0 for customers with none. */
  readonly monetaryValue: Float64Array;
  /** Total spend in the holdout period. */
  readonly totalSpend: Float64Array;
  /** Length of the holdout period in the summary's unit (same for every customer). */
  readonly duration: number;
}

/** The result of {@link calibrationHoldoutSplit}. */
export interface CalibrationHoldout {
  /**
   * Summary of the calibration period (customers whose first purchase is in it). Its
   * `excludedAfterEnd` is 0: later rows are in `holdout` or counted in `excludedAfterEnd` below.
   */
  readonly calibration: CustomerSummary;
  /** What the same customers did in the holdout period. */
  readonly holdout: HoldoutSummary;
  /** Customers whose first purchase falls in the holdout period: not in either summary. */
  readonly newInHoldout: number;
  /** Records after the observation end, not counted anywhere. */
  readonly excludedAfterEnd: number;
}

const schema = z.strictObject({
  ...summarizeOptionsShape,
  calibrationEnd: z.custom<TimestampInput>(
    (v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date,
  ),
});

/**
 * Splits a transaction log at `calibrationEnd`: a {@link CustomerSummary} of the calibration
 * period, and for the same customers (row for row) their purchase occasions and spend between
 * the calibration end and the observation end — what lifetimes'
 * `calibration_and_holdout_data` computes. Fit a model on `calibration`, predict
 * `holdout.duration` ahead, compare with `holdout.frequency`.
 *
 * Occasions follow the same `aggregation` as the calibration summary; an occasion in the same
 * period as the calibration end belongs to calibration.
 *
 * @throws {@link InvalidInputError} for malformed rows or options, or `calibrationEnd` not before
 * `observationEnd`.
 *
 * @example
 * ```ts
 * import { calibrationHoldoutSplit } from 'clmkit';
 * const { calibration, holdout } = calibrationHoldoutSplit(
 *   [
 *     { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
 *     { customerId: 'a', timestamp: '2024-01-20', amount: 30 },
 *     { customerId: 'a', timestamp: '2024-02-10', amount: 12 },
 *   ],
 *   { calibrationEnd: '2024-01-31', observationEnd: '2024-02-29', unit: 'day' },
 * );
 * console.log(calibration.frequency[0], holdout.frequency[0], holdout.duration); // 1 1 29
 * ```
 */
export function calibrationHoldoutSplit(
  transactions: TransactionInput,
  options: CalibrationHoldoutOptions,
): CalibrationHoldout {
  const opts = parseOptions(schema, options, 'calibrationHoldoutSplit');
  const f = resolveFields(opts.fields);
  const parsed = parseLog(rowReader(transactions, f, 'calibrationHoldoutSplit'), f, 'calibrationHoldoutSplit', {
    strict: true,
    rejectNegative: false,
    parseTimestamp: opts.parseTimestamp,
  });
  const unit = opts.unit ?? 'day';
  const aggregation = opts.aggregation ?? 'day';
  const calMs = endMsOrThrow(opts.calibrationEnd, 'options.calibrationEnd', 'calibrationHoldoutSplit');
  const endMs = resolveObservationEnd(opts.observationEnd, parsed, 'calibrationHoldoutSplit');
  const scheme = periodScheme(aggregation, unit);
  const calKey = scheme.key(calMs);
  const endKey = scheme.key(endMs);
  if (!(calKey < endKey)) {
    throw new InvalidInputError('calibrationHoldoutSplit: invalid options', [
      {
        path: 'options.calibrationEnd',
        message: `expected a calibration end in an earlier ${aggregation === 'none' ? 'instant' : aggregation} than the observation end (${new Date(endMs).toISOString()}), got ${show(opts.calibrationEnd)}`,
      },
    ]);
  }

  const C = parsed.customerKeys.length;
  const calRow = new Int32Array(C);
  const calibration = summarizeParsed(parsed, { unit, aggregation, endMs: calMs, rowOfCustomer: calRow });

  // Holdout: only rows after the calibration end's period; their summary's "occasions" are
  // frequency + 1 (a holdout summary has no first purchase to set apart).
  const skip = new Uint8Array(parsed.n);
  for (let i = 0; i < parsed.n; i++) if (parsed.status[i] === 0 && scheme.key(parsed.ms[i]) <= calKey) skip[i] = 1;
  const hoRow = new Int32Array(C);
  const ho = summarizeParsed(parsed, { unit, aggregation, endMs, skip, rowOfCustomer: hoRow });

  const m = calibration.size;
  const frequency = new Float64Array(m);
  const monetaryValue = new Float64Array(m);
  const totalSpend = new Float64Array(m);
  let newInHoldout = 0;
  for (let c = 0; c < C; c++) {
    const h = hoRow[c];
    const r = calRow[c];
    if (h < 0) continue;
    if (r < 0) {
      newInHoldout++;
      continue;
    }
    const occasions = ho.frequency[h] + 1;
    frequency[r] = occasions;
    totalSpend[r] = ho.totalSpend[h]!;
    monetaryValue[r] = ho.totalSpend[h] / occasions;
  }
  return {
    calibration: { ...calibration, excludedAfterEnd: 0 },
    holdout: { frequency, monetaryValue, totalSpend, duration: (endKey - calKey) / scheme.divisor },
    newInHoldout,
    excludedAfterEnd: ho.excludedAfterEnd,
  };
}
