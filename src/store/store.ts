/**
 * `openStore` and `applyEvents`: customers, their transactions and lifecycle states with
 * history in one SQLite file (better-sqlite3, an optional peer dependency loaded on first use).
 * A batch of events is applied in one SQLite transaction, and every event id is recorded, so a
 * crash mid-batch leaves the store as it was before the batch and a re-delivered event is a
 * no-op.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, MissingDependencyError } from '../errors.js';
import type { CustomerId } from '../data/types.js';
import type { Lifecycle, LifecycleEvent, LifecycleHistoryEntry, LifecycleState } from '../lifecycle/index.js';
import { parseOptions, show } from '../validate.js';

/** A prepared statement, as better-sqlite3 gives it (the part the store uses). */
export interface SqliteStatement {
  /** Runs a writing statement. */
  run(...params: unknown[]): { changes: number };
  /** The first row, or undefined. */
  get(...params: unknown[]): unknown;
  /** Every row. */
  all(...params: unknown[]): unknown[];
}

/** A better-sqlite3 `Database` (the part the store uses), for `openStore({ database })`. */
export interface SqliteDatabase {
  /** Prepares a statement. */
  prepare(sql: string): SqliteStatement;
  /** Runs SQL without results. */
  exec(sql: string): unknown;
  /** Wraps `fn` in BEGIN … COMMIT (ROLLBACK when it throws). */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  /** Runs a PRAGMA. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Closes the connection. */
  close(): unknown;
  /** Whether the connection is open. */
  readonly open: boolean;
  /** Whether this is an in-memory database. */
  readonly memory: boolean;
}

/** A customer row. Times are epoch milliseconds (UTC). */
export interface StoredCustomer {
  /** The customer id (numbers are stored as their string). */
  readonly id: string;
  /** Display name, or null. */
  readonly name: string | null;
  /** E-mail address, or null. */
  readonly email: string | null;
  /** Free-form attributes (stored as JSON). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** When the row was created. */
  readonly createdAt: number;
  /** When the row was last changed (by `updateCustomer` or an applied event). */
  readonly updatedAt: number;
}

/** The fields of a new customer (`id` required, the rest optional). */
export interface NewCustomer {
  /** Non-empty string or finite number. */
  readonly id: CustomerId;
  /** Display name. @defaultValue `null` */
  readonly name?: string | null;
  /** E-mail address. @defaultValue `null` */
  readonly email?: string | null;
  /** Free-form JSON-serialisable attributes. @defaultValue `{}` */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** The fields `updateCustomer` may change (absent = unchanged). */
export interface CustomerPatch {
  /** Display name. */
  readonly name?: string | null;
  /** E-mail address. */
  readonly email?: string | null;
  /** Attributes: replaces the stored object. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** A stored purchase (one per purchase event, keyed by the event id). */
export interface StoredTransaction {
  /** The event id it came from. */
  readonly eventId: string;
  /** Who. */
  readonly customerId: string;
  /** When (epoch ms). */
  readonly at: number;
  /** Amount (0 when the event had none). */
  readonly amount: number;
}

/** A lifecycle event with the delivery's unique `eventId` and the customer it belongs to. */
export type StoreEvent = LifecycleEvent & {
  /** Unique per delivery source: an id seen before is skipped. */
  readonly eventId: string | number;
  /** Who. */
  readonly customerId: CustomerId;
};

/** Options of {@link applyEvents}. */
export interface ApplyEventsOptions {
  /** Create a customer row for an event of an unknown customer (false: InvalidInputError naming `customerId`). @defaultValue `true` */
  createCustomers?: boolean;
}

/** What {@link applyEvents} did. */
export interface ApplyEventsResult {
  /** Events applied (new event ids). */
  readonly applied: number;
  /** Events skipped because their id was applied before (or earlier in the same batch). */
  readonly duplicates: number;
  /** Customer rows created for events of unknown customers. */
  readonly customersCreated: number;
  /** Stage changes written to the history. */
  readonly stageChanges: number;
}

/** Options of {@link Store.listCustomers}. */
export interface ListCustomersOptions {
  /** At most this many rows. @defaultValue all */
  limit?: number;
  /** Rows to skip (ordered by id). @defaultValue `0` */
  offset?: number;
}

/** What {@link openStore} opens: a file path (`':memory:'` for an in-memory database) or a better-sqlite3 connection. */
export type StoreTarget = string | { readonly database: SqliteDatabase };

/** Schema version written to `PRAGMA user_version`. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY,
  name TEXT,
  email TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS transactions (
  event_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  at REAL NOT NULL,
  amount REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS transactions_customer ON transactions (customer_id, at);
CREATE TABLE IF NOT EXISTS lifecycle_states (
  customer_id TEXT PRIMARY KEY,
  stage TEXT NOT NULL,
  state TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lifecycle_history (
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  at REAL NOT NULL,
  event TEXT NOT NULL,
  reason TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (customer_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS applied_events (
  event_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  type TEXT NOT NULL,
  at REAL NOT NULL
) WITHOUT ROWID;
`;

interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  attributes: string;
  created_at: number;
  updated_at: number;
}

interface HistoryRow {
  from_stage: string;
  to_stage: string;
  at: number;
  event: LifecycleHistoryEntry['event'];
  reason: string;
}

/** Loads the optional peer dependency, or explains how to install it. */
async function loadBetterSqlite3(): Promise<new (path: string) => SqliteDatabase> {
  try {
    const mod = (await import('better-sqlite3')) as unknown as { default: new (path: string) => SqliteDatabase };
    return mod.default;
  } catch (cause) {
    throw new MissingDependencyError('clmkit/store', 'better-sqlite3', { cause });
  }
}

/** A customer id as the store keys it; InvalidInputError naming `path` otherwise. */
function idOf(id: unknown, context: string, path: string, row?: number): string {
  if (typeof id === 'string' && id.length > 0) return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  const message = `expected a non-empty string or a finite number, got ${show(id)}`;
  throw new InvalidInputError(context, [row === undefined ? { path, message } : { path, row, message }]);
}

function unknownCustomer(context: string, id: string, row?: number): InvalidInputError {
  const message = `no customer with id ${show(id)} in the store`;
  return new InvalidInputError(context, [row === undefined ? { path: 'customerId', message } : { path: 'customerId', row, message }]);
}

const nullableString = z.optional(z.nullable(z.string()));
const attributesSchema = z.optional(z.record(z.string(), z.unknown()));
const newCustomerSchema = z.strictObject({ id: z.unknown(), name: nullableString, email: nullableString, attributes: attributesSchema });
const patchSchema = z.strictObject({ name: nullableString, email: nullableString, attributes: attributesSchema });
const listSchema = z.strictObject({ limit: z.optional(z.int().check(z.gte(0))), offset: z.optional(z.int().check(z.gte(0))) });
const applySchema = z.strictObject({ createCustomers: z.optional(z.boolean()) });

function attributesJson(attributes: Readonly<Record<string, unknown>> | undefined, context: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(attributes ?? {});
  } catch (cause) {
    throw new InvalidInputError(context, [{ path: 'attributes', message: `expected a JSON-serialisable object (${String(cause)})` }]);
  }
  return json;
}

function toCustomer(r: CustomerRow): StoredCustomer {
  return { id: r.id, name: r.name, email: r.email, attributes: JSON.parse(r.attributes) as Record<string, unknown>, createdAt: r.created_at, updatedAt: r.updated_at };
}

/**
 * A customer store on one SQLite database, made by {@link openStore}: customers (CRUD),
 * transactions, lifecycle states and their history. Synchronous after opening (better-sqlite3
 * is). Write events with {@link applyEvents}.
 *
 * @example
 * ```ts
 * import { openStore } from 'clmkit/store';
 * const store = await openStore(':memory:');
 * store.createCustomer({ id: 'c1', name: 'Ada', attributes: { plan: 'pro' } });
 * store.updateCustomer('c1', { email: 'ada@example.com' });
 * const c = store.getCustomer('c1');
 * console.log(c.name, c.email, c.attributes); // Ada ada@example.com { plan: 'pro' }
 * console.log(store.listCustomers().map((x) => x.id)); // [ 'c1' ]
 * store.deleteCustomer('c1');
 * console.log(store.hasCustomer('c1')); // false
 * try {
 *   store.getCustomer('c1');
 * } catch (err) {
 *   console.log((err as Error).name); // InvalidInputError — issues[0].path is 'customerId'
 * }
 * store.close();
 * ```
 */
export class Store {
  /** @internal */
  readonly db: SqliteDatabase;
  private readonly owned: boolean;
  /** @internal */
  readonly sql: {
    insertCustomer: SqliteStatement;
    getCustomer: SqliteStatement;
    touchCustomer: SqliteStatement;
    deleteCustomer: SqliteStatement[];
    getState: SqliteStatement;
    putState: SqliteStatement;
    maxSeq: SqliteStatement;
    insertHistory: SqliteStatement;
    isApplied: SqliteStatement;
    insertApplied: SqliteStatement;
    insertTransaction: SqliteStatement;
  };

  /** @internal Use {@link openStore}. */
  constructor(db: SqliteDatabase, owned: boolean) {
    this.db = db;
    this.owned = owned;
    if (!db.memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new InvalidInputError('openStore', [{ path: 'database', message: `schema version ${version} is newer than this clmkit's (${SCHEMA_VERSION})` }]);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.sql = {
      insertCustomer: db.prepare('INSERT INTO customers (id, name, email, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      getCustomer: db.prepare('SELECT * FROM customers WHERE id = ?'),
      touchCustomer: db.prepare('UPDATE customers SET updated_at = ? WHERE id = ?'),
      deleteCustomer: ['customers WHERE id', 'transactions WHERE customer_id', 'lifecycle_states WHERE customer_id', 'lifecycle_history WHERE customer_id'].map((t) => db.prepare(`DELETE FROM ${t} = ?`)),
      getState: db.prepare('SELECT state FROM lifecycle_states WHERE customer_id = ?'),
      putState: db.prepare('INSERT OR REPLACE INTO lifecycle_states (customer_id, stage, state) VALUES (?, ?, ?)'),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), -1) AS seq FROM lifecycle_history WHERE customer_id = ?'),
      insertHistory: db.prepare('INSERT INTO lifecycle_history (customer_id, seq, from_stage, to_stage, at, event, reason, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      isApplied: db.prepare('SELECT 1 FROM applied_events WHERE event_id = ?'),
      insertApplied: db.prepare('INSERT INTO applied_events (event_id, customer_id, type, at) VALUES (?, ?, ?, ?)'),
      insertTransaction: db.prepare('INSERT INTO transactions (event_id, customer_id, at, amount) VALUES (?, ?, ?, ?)'),
    };
  }

  /** Adds a customer; InvalidInputError naming `customerId` when the id exists. */
  createCustomer(customer: NewCustomer): StoredCustomer {
    const context = 'store.createCustomer';
    const c = parseOptions(newCustomerSchema, customer, context);
    const id = idOf(c.id, context, 'customerId');
    if (this.sql.getCustomer.get(id) !== undefined) {
      throw new InvalidInputError(context, [{ path: 'customerId', message: `a customer with id ${show(id)} already exists` }]);
    }
    const now = Date.now();
    this.sql.insertCustomer.run(id, c.name ?? null, c.email ?? null, attributesJson(c.attributes, context), now, now);
    return this.getCustomer(id);
  }

  /** Whether a customer with this id exists. */
  hasCustomer(id: CustomerId): boolean {
    return this.sql.getCustomer.get(idOf(id, 'store.hasCustomer', 'customerId')) !== undefined;
  }

  /** The customer; InvalidInputError naming `customerId` when unknown. */
  getCustomer(id: CustomerId): StoredCustomer {
    const context = 'store.getCustomer';
    const key = idOf(id, context, 'customerId');
    const r = this.sql.getCustomer.get(key) as CustomerRow | undefined;
    if (r === undefined) throw unknownCustomer(context, key);
    return toCustomer(r);
  }

  /** Changes the given fields; InvalidInputError naming `customerId` when unknown. */
  updateCustomer(id: CustomerId, patch: CustomerPatch): StoredCustomer {
    const context = 'store.updateCustomer';
    const key = idOf(id, context, 'customerId');
    const p = parseOptions(patchSchema, patch, context);
    const r = this.sql.getCustomer.get(key) as CustomerRow | undefined;
    if (r === undefined) throw unknownCustomer(context, key);
    const attributes = p.attributes === undefined ? r.attributes : attributesJson(p.attributes, context);
    this.db
      .prepare('UPDATE customers SET name = ?, email = ?, attributes = ?, updated_at = ? WHERE id = ?')
      .run(p.name === undefined ? r.name : p.name, p.email === undefined ? r.email : p.email, attributes, Date.now(), key);
    return this.getCustomer(key);
  }

  /**
   * Deletes a customer with their transactions, lifecycle state and history (one SQLite
   * transaction); InvalidInputError naming `customerId` when unknown. Their applied event ids
   * stay recorded, so a re-delivered old event does not bring the customer back.
   */
  deleteCustomer(id: CustomerId): void {
    const context = 'store.deleteCustomer';
    const key = idOf(id, context, 'customerId');
    this.db.transaction(() => {
      if (this.sql.getCustomer.get(key) === undefined) throw unknownCustomer(context, key);
      for (const s of this.sql.deleteCustomer) s.run(key);
    })();
  }

  /** Customers ordered by id. */
  listCustomers(options?: ListCustomersOptions): StoredCustomer[] {
    const o = parseOptions(listSchema, options, 'store.listCustomers');
    const rows = this.db.prepare('SELECT * FROM customers ORDER BY id LIMIT ? OFFSET ?').all(o.limit ?? -1, o.offset ?? 0) as CustomerRow[];
    return rows.map(toCustomer);
  }

  /** Number of customers. */
  countCustomers(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM customers').get() as { n: number }).n;
  }

  /** A customer's purchases in time order; InvalidInputError naming `customerId` when unknown. */
  transactions(id: CustomerId): StoredTransaction[] {
    const context = 'store.transactions';
    const key = idOf(id, context, 'customerId');
    if (this.sql.getCustomer.get(key) === undefined) throw unknownCustomer(context, key);
    const rows = this.db.prepare('SELECT event_id, customer_id, at, amount FROM transactions WHERE customer_id = ? ORDER BY at, event_id').all(key) as {
      event_id: string;
      customer_id: string;
      at: number;
      amount: number;
    }[];
    return rows.map((r) => ({ eventId: r.event_id, customerId: r.customer_id, at: r.at, amount: r.amount }));
  }

  /**
   * A customer's lifecycle state with its full history (from the history table), validated by
   * `lifecycle.restore`; `lifecycle.initial(id)` for a customer without events. InvalidInputError
   * naming `customerId` when unknown.
   */
  state<S extends string>(lifecycle: Lifecycle<S>, id: CustomerId): LifecycleState<S> {
    const context = 'store.state';
    const key = idOf(id, context, 'customerId');
    if (this.sql.getCustomer.get(key) === undefined) throw unknownCustomer(context, key);
    const s = this.sql.getState.get(key) as { state: string } | undefined;
    if (s === undefined) return lifecycle.initial(key);
    const rows = this.db.prepare('SELECT from_stage, to_stage, at, event, reason FROM lifecycle_history WHERE customer_id = ? ORDER BY seq').all(key) as HistoryRow[];
    const history = rows.map((r) => ({ from: r.from_stage, to: r.to_stage, at: r.at, event: r.event, reason: r.reason }));
    return lifecycle.restore({ ...(JSON.parse(s.state) as object), history });
  }

  /** How many customers are in each stage (customers without events are not counted). */
  stageCounts(): Record<string, number> {
    const rows = this.db.prepare('SELECT stage, COUNT(*) AS n FROM lifecycle_states GROUP BY stage ORDER BY stage').all() as { stage: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.stage, r.n]));
  }

  /** Number of event ids applied so far. */
  appliedEventCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM applied_events').get() as { n: number }).n;
  }

  /** Closes the database (a caller-provided connection is left open). */
  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }
}

/**
 * Opens (creating when needed) a store in a SQLite file, `':memory:'`, or on a better-sqlite3
 * connection you opened (`{ database }`, left open by `close`). File databases use WAL
 * journaling with `synchronous = FULL`. `better-sqlite3` is an optional peer dependency loaded
 * here: without it, a {@link MissingDependencyError} (`MISSING_DEPENDENCY`) says to `npm install better-sqlite3`.
 *
 * @example
 * ```ts
 * import { openStore } from 'clmkit/store';
 * const store = await openStore(':memory:');  // or a path: await openStore('crm.sqlite')
 * console.log(store.countCustomers()); // 0
 * store.close();
 * ```
 */
export async function openStore(target: StoreTarget): Promise<Store> {
  if (typeof target === 'string') {
    if (target.length === 0) throw new InvalidInputError('openStore', [{ path: 'target', message: "expected a file path or ':memory:', got an empty string" }]);
    const Database = await loadBetterSqlite3();
    let db: SqliteDatabase;
    try {
      db = new Database(target);
    } catch (cause) {
      throw new InvalidInputError('openStore', [{ path: 'target', message: `cannot open ${show(target)}: ${cause instanceof Error ? cause.message : String(cause)}` }]);
    }
    return new Store(db, true);
  }
  const db = (target as { database?: unknown } | null)?.database as SqliteDatabase | undefined;
  if (db == null || typeof db.prepare !== 'function' || typeof db.transaction !== 'function') {
    throw new InvalidInputError('openStore', [{ path: 'target.database', message: `expected a better-sqlite3 Database, got ${show(db)}` }]);
  }
  return new Store(db, false);
}

/** A state being built during a batch. */
interface Pending<S extends string> {
  state: LifecycleState<S>;
  seq: number;
}

/**
 * Applies a batch of events to the store in ONE SQLite transaction: for each event whose id was
 * not applied before, the customer's state is restored (once per batch), `lifecycle.transition`
 * run, the purchase (for `purchase` events) and the event id recorded; at the end every touched
 * customer's state and new history rows are written. If anything throws (an invalid event, an
 * event older than the customer's clock, a crash), nothing of the batch is written; an event id
 * already applied (before, or earlier in the batch) is skipped and counted in `duplicates`.
 * Each customer's events must be in time order across batches.
 *
 * @throws {@link InvalidInputError} naming the field and the row (0-based in the batch).
 *
 * @example
 * ```ts
 * import { createLifecycle } from 'clmkit/lifecycle';
 * import { applyEvents, openStore } from 'clmkit/store';
 * const lc = createLifecycle({ reference: { frequency: 3, spend: 100 } });
 * const store = await openStore(':memory:');
 * const batch = [
 *   { eventId: 'e1', customerId: 'c1', type: 'purchase', at: '2024-01-01', amount: 40 },
 *   { eventId: 'e2', customerId: 'c1', type: 'tick', at: '2024-02-10' },
 * ] as const;
 * console.log(applyEvents(store, lc, batch)); // { applied: 2, duplicates: 0, customersCreated: 1, stageChanges: 2 }
 * console.log(applyEvents(store, lc, batch)); // { applied: 0, duplicates: 2, customersCreated: 0, stageChanges: 0 }
 * console.log(store.state(lc, 'c1').stage); // churned
 * console.log(store.transactions('c1').map((t) => t.amount)); // [ 40 ]
 * store.close();
 * ```
 */
export function applyEvents<S extends string>(store: Store, lifecycle: Lifecycle<S>, events: Iterable<StoreEvent>, options?: ApplyEventsOptions): ApplyEventsResult {
  const context = 'applyEvents';
  if (!(store instanceof Store)) throw new InvalidInputError(context, [{ path: 'store', message: `expected a Store from openStore, got ${show(store)}` }]);
  const lc: unknown = lifecycle;
  if (lc === null || typeof lc !== 'object' || typeof (lc as { transition?: unknown }).transition !== 'function') {
    throw new InvalidInputError(context, [{ path: 'lifecycle', message: `expected a lifecycle from createLifecycle, got ${show(lc)}` }]);
  }
  const o = parseOptions(applySchema, options, context);
  const create = o.createCustomers ?? true;
  const sql = store.sql;
  const run = store.db.transaction((): ApplyEventsResult => {
    const pending = new Map<string, Pending<S>>();
    const seen = new Set<string>();
    let applied = 0;
    let duplicates = 0;
    let customersCreated = 0;
    let stageChanges = 0;
    let row = 0;
    const now = Date.now();
    for (const ev of events) {
      const e = ev as Partial<StoreEvent> | null;
      if (e === null || typeof e !== 'object') throw new InvalidInputError(context, [{ path: 'event', row, message: `expected an event object { eventId, customerId, type, at, … }, got ${show(e)}` }]);
      const eventId = idOf(e.eventId, context, 'eventId', row);
      if (seen.has(eventId) || sql.isApplied.get(eventId) !== undefined) {
        duplicates++;
        row++;
        continue;
      }
      seen.add(eventId);
      const customerId = idOf(e.customerId, context, 'customerId', row);
      let p = pending.get(customerId);
      if (p === undefined) {
        if (sql.getCustomer.get(customerId) === undefined) {
          if (!create) throw unknownCustomer(context, customerId, row);
          sql.insertCustomer.run(customerId, null, null, '{}', now, now);
          customersCreated++;
        }
        const s = sql.getState.get(customerId) as { state: string } | undefined;
        const state = s === undefined ? lifecycle.initial(customerId) : lifecycle.restore({ ...(JSON.parse(s.state) as object), history: [] });
        p = { state, seq: (sql.maxSeq.get(customerId) as { seq: number }).seq };
        pending.set(customerId, p);
      }
      const before = p.state.history.length;
      let next: LifecycleState<S>;
      try {
        next = lifecycle.transition(p.state, e as LifecycleEvent);
      } catch (err) {
        if (err instanceof InvalidInputError) {
          throw new InvalidInputError(
            context,
            err.issues.map((i) => ({ path: i.path, row, message: i.message })),
          );
        }
        throw err;
      }
      for (let k = before; k < next.history.length; k++) {
        const h = next.history[k];
        sql.insertHistory.run(customerId, ++p.seq, h.from, h.to, h.at, h.event, h.reason, eventId);
        stageChanges++;
      }
      p.state = next;
      const at = next.clock ?? 0;
      sql.insertApplied.run(eventId, customerId, e.type, at);
      if (e.type === 'purchase') sql.insertTransaction.run(eventId, customerId, at, (e as { amount?: number }).amount ?? 0);
      applied++;
      row++;
    }
    for (const [customerId, p] of pending) {
      // The history lives in its own table: the snapshot is stored without it.
      sql.putState.run(customerId, p.state.stage, JSON.stringify({ ...p.state, history: undefined }));
      sql.touchCustomer.run(now, customerId);
    }
    return { applied, duplicates, customersCreated, stageChanges };
  });
  return run();
}
