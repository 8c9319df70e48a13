/**
 * `clmkit/sql`: the summary, cohort and RFM queries as SQL for DuckDB, Spark, Trino, BigQuery and
 * PostgreSQL, and the compressed summaries that models fit on.
 *
 * @module
 */
export type { SqlDialect } from './dialect.js';
export { summarySql, type SummarySqlOptions } from './summary.js';
export { cohortSql, type CohortSqlOptions } from './cohort.js';
export { rfmSql, type RfmSqlOptions } from './rfm.js';
export {
  compressSummary,
  summaryFromRows,
  type CompressedSummary,
  type SqlCustomerSummary,
  type SummaryFromRowsOptions,
  type SummaryRows,
} from './compress.js';
