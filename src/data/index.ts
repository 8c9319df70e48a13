/**
 * `clmkit/data`: transactions in, cleaned log, customer summaries, cohorts, splits and streams out.
 *
 * @module
 */
export type {
  Aggregation,
  CustomerId,
  CustomerSummary,
  FieldNames,
  TimeUnit,
  TimestampInput,
  TransactionColumns,
  TransactionInput,
  TransactionLike,
  TransactionRecord,
} from './types.js';
export { DAYS_PER_UNIT, parseIsoTimestamp, toEpochMs } from './time.js';
export {
  ClmError,
  ConvergenceError,
  InvalidInputError,
  NotEnoughDataError,
  NotFittedError,
  type ClmErrorCode,
  type InputIssue,
} from '../errors.js';
