/**
 * Child process of the `summarize-stream-10m` task, so that its peak RSS is the streaming
 * summary's alone: `node --import tsx bench/stream-child.ts <csv>`.
 *
 * Prints one JSON line ({@link StreamChildResult}) on stdout.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { readCsvRecords, summarizeStream } from '../src/data/index.js';

/** What the child reports. */
export interface StreamChildResult {
  /** Time from opening the file to the finished summary. */
  readonly elapsedMs: number;
  /** Records summarised (Σ transactions). */
  readonly rows: number;
  readonly customers: number;
  /** `process.resourceUsage().maxRSS` at the end: peak resident set, in KiB. */
  readonly maxRssKiB: number;
  /** Resident set before reading (node + tsx + clmkit loaded), in bytes. */
  readonly baselineRssBytes: number;
  /** V8 heap in use at the end, in bytes. */
  readonly heapUsedBytes: number;
}

async function main(csv: string): Promise<StreamChildResult> {
  const baselineRssBytes = process.memoryUsage().rss;
  const t0 = performance.now();
  const summary = await summarizeStream(readCsvRecords(createReadStream(csv), { numbers: ['amount'] }), { unit: 'week' });
  const elapsedMs = performance.now() - t0;
  let rows = 0;
  for (const t of summary.transactions) rows += t;
  return {
    elapsedMs,
    rows,
    customers: summary.size,
    maxRssKiB: process.resourceUsage().maxRSS,
    baselineRssBytes,
    heapUsedBytes: process.memoryUsage().heapUsed,
  };
}

const csv = process.argv.at(2);
if (csv === undefined) {
  process.stderr.write('usage: node --import tsx bench/stream-child.ts <csv>\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${JSON.stringify(await main(csv))}\n`);
}
