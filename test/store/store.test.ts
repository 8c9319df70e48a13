import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClmError, InvalidInputError } from '../../src/errors.js';
import { createLifecycle, type DefaultLifecycleStage, type LifecycleState } from '../../src/lifecycle/index.js';
import { applyEvents, openStore, type StoreEvent } from '../../src/store/index.js';
import { dump } from './dump.js';
import { eventRange, LIFECYCLE_CONFIG } from './events.js';

const lc = createLifecycle(LIFECYCLE_CONFIG);

/** The reference: each customer's events folded one by one with `lifecycle.transition`. */
function fold(events: readonly StoreEvent[]): Map<string, LifecycleState<DefaultLifecycleStage>> {
  const out = new Map<string, LifecycleState<DefaultLifecycleStage>>();
  for (const e of events) {
    const id = String(e.customerId);
    out.set(id, lc.transition(out.get(id) ?? lc.initial(id), e));
  }
  return out;
}

function issue(fn: () => unknown): { path: string; row?: number; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).issues[0];
  }
  throw new Error('expected an InvalidInputError');
}

describe('customers CRUD', () => {
  it('creates, reads, updates, lists and deletes', async () => {
    const store = await openStore(':memory:');
    const a = store.createCustomer({ id: 'a', name: 'Ada', attributes: { plan: 'pro', seats: 3 } });
    expect(a).toMatchObject({ id: 'a', name: 'Ada', email: null, attributes: { plan: 'pro', seats: 3 } });
    store.createCustomer({ id: 7 });
    expect(store.getCustomer(7).id).toBe('7');
    const u = store.updateCustomer('a', { email: 'ada@example.com' });
    expect(u).toMatchObject({ name: 'Ada', email: 'ada@example.com', attributes: { plan: 'pro', seats: 3 } });
    expect(store.updateCustomer('a', { name: null, attributes: {} })).toMatchObject({ name: null, email: 'ada@example.com', attributes: {} });
    expect(store.listCustomers().map((c) => c.id)).toEqual(['7', 'a']);
    expect(store.listCustomers({ limit: 1, offset: 1 }).map((c) => c.id)).toEqual(['a']);
    expect(store.countCustomers()).toBe(2);
    store.deleteCustomer('a');
    expect(store.hasCustomer('a')).toBe(false);
    expect(store.countCustomers()).toBe(1);
    store.close();
  });

  it('unknown and duplicate ids are InvalidInputErrors naming customerId', async () => {
    const store = await openStore(':memory:');
    store.createCustomer({ id: 'a' });
    expect(issue(() => store.createCustomer({ id: 'a' }))).toMatchObject({ path: 'customerId', message: 'a customer with id "a" already exists' });
    for (const f of [() => store.getCustomer('zz'), () => store.updateCustomer('zz', { name: 'x' }), () => {
      store.deleteCustomer('zz');
    }, () => store.transactions('zz'), () => store.state(lc, 'zz')]) {
      expect(issue(f)).toEqual({ path: 'customerId', message: 'no customer with id "zz" in the store' });
    }
    expect(issue(() => store.getCustomer(''))).toMatchObject({ path: 'customerId' });
    expect(issue(() => store.createCustomer({ id: 'b', nickname: 'x' } as never)).path).toBe('options.nickname');
    expect(issue(() => store.listCustomers({ limit: -1 })).path).toBe('options.limit');
    await expect(openStore({ database: {} as never })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(openStore('')).rejects.toBeInstanceOf(ClmError);
    await expect(openStore(join(tmpdir(), 'no-such-dir-clmkit', 'x', 'crm.sqlite'))).rejects.toMatchObject({ issues: [{ path: 'target' }] });
    store.close();
  });

  it('deleting a customer removes their rows; their applied event ids stay (no resurrection)', async () => {
    const store = await openStore(':memory:');
    applyEvents(store, lc, [{ eventId: 'x1', customerId: 'a', type: 'purchase', at: 0, amount: 5 }]);
    store.deleteCustomer('a');
    expect(dump(store)).toMatchObject({ customers: [], transactions: [], states: [], history: [] });
    expect(applyEvents(store, lc, [{ eventId: 'x1', customerId: 'a', type: 'purchase', at: 0, amount: 5 }])).toMatchObject({ applied: 0, duplicates: 1 });
    expect(store.hasCustomer('a')).toBe(false);
    store.close();
  });
});

describe('applyEvents', () => {
  const events = eventRange(0, 600);

  it('round trip: states, history and transactions equal folding each event with transition', async () => {
    const store = await openStore(':memory:');
    const r = applyEvents(store, lc, events);
    const ref = fold(events);
    expect(r.applied).toBe(600);
    expect(r.duplicates).toBe(0);
    expect(r.customersCreated).toBe(ref.size);
    expect(r.stageChanges).toBe([...ref.values()].reduce((n, s) => n + s.history.length, 0));
    for (const [id, s] of ref) {
      expect(store.state(lc, id)).toEqual(s);
      const purchases = events.filter((e) => e.customerId === id && e.type === 'purchase');
      expect(store.transactions(id)).toEqual(purchases.map((e) => ({ eventId: e.eventId, customerId: id, at: e.at, amount: (e as { amount: number }).amount })));
    }
    const counts: Record<string, number> = {};
    for (const s of ref.values()) counts[s.stage] = (counts[s.stage] ?? 0) + 1;
    expect(store.stageCounts()).toEqual(counts);
    // A customer created without events is in the initial stage.
    store.createCustomer({ id: 'quiet' });
    expect(store.state(lc, 'quiet')).toEqual(lc.initial('quiet'));
    store.close();
  });

  it('persists across close and reopen of a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clmkit-store-'));
    try {
      const file = join(dir, 'crm.sqlite');
      const s1 = await openStore(file);
      applyEvents(s1, lc, events.slice(0, 300));
      s1.close();
      const s2 = await openStore(file);
      applyEvents(s2, lc, events.slice(300));
      const mem = await openStore(':memory:');
      applyEvents(mem, lc, events);
      expect(dump(s2)).toEqual(dump(mem));
      s2.close();
      mem.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-delivery of applied event ids is a no-op, counted as duplicates (also within one batch)', async () => {
    const store = await openStore(':memory:');
    applyEvents(store, lc, events.slice(0, 400));
    const before = dump(store);
    expect(applyEvents(store, lc, events.slice(100, 400))).toEqual({ applied: 0, duplicates: 300, customersCreated: 0, stageChanges: 0 });
    expect(dump(store)).toEqual(before);
    // Overlapping re-delivery plus new events, and a duplicate inside the batch.
    const r = applyEvents(store, lc, [...events.slice(350, 600), events[599]]);
    expect(r.applied).toBe(200);
    expect(r.duplicates).toBe(51);
    const once = await openStore(':memory:');
    applyEvents(once, lc, events);
    expect(dump(store)).toEqual(dump(once));
    store.close();
    once.close();
  });

  it('property: any split into batches with any re-deliveries converges to one batch (seeded)', async () => {
    const whole = await openStore(':memory:');
    applyEvents(whole, lc, events);
    const expected = dump(whole);
    whole.close();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 6 }), fc.array(fc.nat(599), { maxLength: 30 }), async (cuts, redeliver) => {
        const store = await openStore(':memory:');
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), 600];
        let duplicates = 0;
        for (let k = 0; k + 1 < bounds.length; k++) {
          const old = redeliver.filter((i) => i < bounds[k]).map((i) => events[i]);
          duplicates += applyEvents(store, lc, [...old, ...events.slice(bounds[k], bounds[k + 1])]).duplicates;
          expect(duplicates).toBeGreaterThanOrEqual(old.length);
        }
        expect(dump(store)).toEqual(expected);
        store.close();
      }),
      { seed: 20261124, numRuns: 25 },
    );
  });

  it('a bad event rolls back the whole batch, naming field and row', async () => {
    const store = await openStore(':memory:');
    applyEvents(store, lc, events.slice(0, 100));
    const before = dump(store);
    const bad = [...events.slice(100, 150), { ...events[150], at: 'yesterday' }, ...events.slice(151, 200)];
    expect(issue(() => applyEvents(store, lc, bad))).toMatchObject({ path: 'event.at', row: 50 });
    expect(dump(store)).toEqual(before);
    // Out of time order for a customer (older than the stored clock).
    const last = events[99];
    expect(issue(() => applyEvents(store, lc, [{ ...last, eventId: 'late', at: (last.at as number) - 1 }]))).toMatchObject({ path: 'event.at', row: 0 });
    expect(issue(() => applyEvents(store, lc, [{ ...last, eventId: '' }]))).toMatchObject({ path: 'eventId', row: 0 });
    expect(issue(() => applyEvents(store, lc, [null as never]))).toMatchObject({ path: 'event', row: 0 });
    expect(dump(store)).toEqual(before);
    expect(issue(() => applyEvents({} as never, lc, []))).toMatchObject({ path: 'store' });
    expect(issue(() => applyEvents(store, {} as never, []))).toMatchObject({ path: 'lifecycle' });
    store.close();
  });

  it('createCustomers: false rejects events of unknown customers', async () => {
    const store = await openStore(':memory:');
    store.createCustomer({ id: 'a' });
    const ok = { eventId: 1, customerId: 'a', type: 'purchase', at: 0, amount: 3 } as const;
    expect(applyEvents(store, lc, [ok], { createCustomers: false }).applied).toBe(1);
    expect(issue(() => applyEvents(store, lc, [{ ...ok, eventId: 2 }, { ...ok, eventId: 3, customerId: 'b' }], { createCustomers: false }))).toEqual({
      path: 'customerId',
      row: 1,
      message: 'no customer with id "b" in the store',
    });
    expect(store.appliedEventCount()).toBe(1);
    expect(issue(() => applyEvents(store, lc, [], { create: true } as never)).path).toBe('options.create');
    store.close();
  });

  it('works on a caller-provided better-sqlite3 connection, left open by close', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    const store = await openStore({ database: db });
    applyEvents(store, lc, events.slice(0, 10));
    store.close();
    expect(db.open).toBe(true);
    expect((db.prepare('SELECT COUNT(*) AS n FROM applied_events').get() as { n: number }).n).toBe(10);
    db.close();
  });
});

describe('without the optional peer', () => {
  it('importing clmkit/store works; openStore says to npm install better-sqlite3', () => {
    // A resolve hook (registered from a data: URL) makes 'better-sqlite3' look uninstalled.
    const hooks = `export async function resolve(s, c, next) {
      if (s === 'better-sqlite3') { const e = new Error("Cannot find package 'better-sqlite3'"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; }
      return next(s, c);
    }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
    const child = fileURLToPath(new URL('./no-peer-child.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--import', 'tsx', child], { encoding: 'utf8' });
    expect(out).toBe("imported function\nMISSING_DEPENDENCY better-sqlite3: clmkit/store needs the optional peer dependency 'better-sqlite3': install it with `npm install better-sqlite3`\n");
  }, 20_000);
});
