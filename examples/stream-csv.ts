/**
 * Summarise a CSV file that may be larger than memory: stream it through readCsvRecords into
 * summarizeStream. Memory stays proportional to the number of customers.
 *
 *   npx tsx examples/stream-csv.ts [file.csv]
 *
 * Without an argument it writes the bundled sample log to a temporary CSV first.
 */
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanTransactions, readCsvRecords, sampleTransactions, summarizeStream } from 'clmkit';

let path: string | undefined = process.argv.at(2);
if (path === undefined) {
  path = join(mkdtempSync(join(tmpdir(), 'clmkit-')), 'sample.csv');
  const rows = cleanTransactions(sampleTransactions()).transactions; // the sample has a few bad rows
  writeFileSync(path, ['customerId,timestamp,amount', ...rows.map((t) => `${t.customerId},${String(t.timestamp)},${t.amount}`)].join('\n'));
}

try {
  const summary = await summarizeStream(readCsvRecords(createReadStream(path), { numbers: ['amount'] }), {
    unit: 'week',
    order: 'per-customer', // the file is sorted by time; use 'any' for unsorted files
  });
  console.log(`${summary.size} customers, observation end ${summary.observationEnd.toISOString()}`);
} catch (err) {
  // A bad row names its record index; fix the file or clean it first.
  console.error(String(err));
  process.exitCode = 1;
}
