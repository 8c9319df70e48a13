/**
 * Replace customer identifiers with keyed pseudonyms before data leaves your hands.
 *
 *   CLMKIT_KEY=$(openssl rand -hex 32) npx tsx examples/pseudonymize.ts
 */
import { cleanTransactions, pseudonymize, sampleTransactions, summarize } from 'clmkit';

// Keep the key secret and stable: the same key gives the same pseudonym for the same id.
const key = process.env['CLMKIT_KEY'] ?? crypto.getRandomValues(new Uint8Array(32));
const log = cleanTransactions(sampleTransactions()).transactions;
const ids = pseudonymize(
  log.map((t) => t.customerId),
  { key, bytes: 16, encoding: 'base64url' },
);
const shared = log.map((t, i) => ({ ...t, customerId: ids[i] }));
console.log(shared.slice(0, 3));
console.log(`${summarize(shared, { unit: 'week' }).size} customers, none identifiable without the key`);
