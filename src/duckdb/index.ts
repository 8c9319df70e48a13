/**
 * `clmkit/duckdb`: run clmkit's summary SQL on an embedded DuckDB (optional peer dependency
 * `@duckdb/node-api`). Not re-exported from the root `clmkit`.
 *
 * @module
 */
export * from './duckdb.js';
