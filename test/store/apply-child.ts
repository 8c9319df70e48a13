/**
 * Child process of atomicity.test.ts: `node --import tsx apply-child.ts <db> <first> <second> <signalAfter>`
 * applies events [0, first) as one batch (committed), then [first, second) as a second batch
 * whose event stream, after `signalAfter` events have been applied inside the SQLite
 * transaction, prints `inside` on stdout and then slows down (20 ms per event), so the parent
 * can SIGKILL it mid-transaction. Prints `done` if it is not killed.
 */
import { writeSync } from 'node:fs';
import { createLifecycle } from '../../src/lifecycle/index.js';
import { applyEvents, openStore, type StoreEvent } from '../../src/store/index.js';
import { eventRange, LIFECYCLE_CONFIG } from './events.js';

const [path, first, second, signalAfter] = process.argv.slice(2);
const lc = createLifecycle(LIFECYCLE_CONFIG);
const store = await openStore(path);
applyEvents(store, lc, eventRange(0, Number(first)));
writeSync(1, 'committed\n');
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function* slow(events: StoreEvent[]): Generator<StoreEvent> {
  let n = 0;
  for (const e of events) {
    if (n === Number(signalAfter)) writeSync(1, 'inside\n');
    if (n >= Number(signalAfter)) Atomics.wait(sleeper, 0, 0, 20);
    n++;
    yield e;
  }
}
applyEvents(store, lc, slow(eventRange(Number(first), Number(second))));
store.close();
writeSync(1, 'done\n');
