/**
 * `clmkit/data`: transactions in; cleaned log, customer summaries, cohorts, calibration/holdout
 * splits and streaming summaries out.
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
export { summarize, summaryRows, type CustomerSummaryRow, type SummarizeOptions } from './summarize.js';
export {
  cleanTransactions,
  CLEAN_REASONS,
  type CleanOptions,
  type CleanReason,
  type CleaningReport,
  type CleanResult,
  type OutlierRule,
  type RemovedRows,
} from './clean.js';
export {
  calibrationHoldoutSplit,
  type CalibrationHoldout,
  type CalibrationHoldoutOptions,
  type HoldoutSummary,
} from './split.js';
export { cohortTable, type CohortOptions, type CohortTable } from './cohort.js';
export { summarizeStream, type RecordSource, type SummarizeStreamOptions } from './stream.js';
export { readCsvRecords, type CsvOptions, type CsvRecord } from './csv.js';
export { pseudonymize, type PseudonymizeOptions } from './pseudonymize.js';
export {
  simulateTransactions,
  type SimulatedCustomer,
  type SimulatedDefect,
  type SimulatedLog,
  type SimulateTransactionsOptions,
} from './simulate.js';
export { sampleTransactions, SAMPLE_LOG_OPTIONS } from './sample.js';
export {
  ClmError,
  ConvergenceError,
  InvalidInputError,
  MAX_ISSUES,
  MissingDependencyError,
  NotEnoughDataError,
  NotFittedError,
  type ClmErrorCode,
  type InputIssue,
} from '../errors.js';
