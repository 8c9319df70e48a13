/** Every row a store holds except wall-clock timestamps, in a fixed order: equal dumps = equal stores. */
import type { Store } from '../../src/store/index.js';

export function dump(store: Store): Record<string, unknown[]> {
  const q = (sql: string): unknown[] => store.db.prepare(sql).all();
  return {
    customers: q('SELECT id, name, email, attributes FROM customers ORDER BY id'),
    transactions: q('SELECT * FROM transactions ORDER BY event_id'),
    states: q('SELECT * FROM lifecycle_states ORDER BY customer_id'),
    history: q('SELECT * FROM lifecycle_history ORDER BY customer_id, seq'),
    applied: q('SELECT * FROM applied_events ORDER BY event_id'),
  };
}
