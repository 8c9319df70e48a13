/**
 * `clmkit/store`: a small customer store on SQLite (optional peer dependency `better-sqlite3`) —
 * customers, transactions and lifecycle states with history, written atomically per batch. Not
 * re-exported from the root `clmkit`.
 *
 * @module
 */
export * from './store.js';
