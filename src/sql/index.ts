/**
 * `clmkit/sql`: the summary, cohort and RFM queries as SQL for DuckDB, Spark, Trino, BigQuery and
 * PostgreSQL, and the compressed summaries that models fit on.
 *
 * @module
 */
export * from './sql.js';
