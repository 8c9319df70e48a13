/**
 * Child of store.test.ts, run with better-sqlite3 hidden (a resolve hook): importing clmkit/store
 * must work; openStore must reject with a MissingDependencyError that says how to install the peer.
 */
import { MissingDependencyError } from '../../src/errors.js';
import * as storeModule from '../../src/store/index.js';

process.stdout.write(`imported ${typeof storeModule.openStore}\n`);
try {
  await storeModule.openStore(':memory:');
  process.stdout.write('opened\n');
} catch (err) {
  process.stdout.write(`${err instanceof MissingDependencyError ? `${err.code} ${err.packageName}` : 'other'}: ${(err as Error).message}\n`);
}
