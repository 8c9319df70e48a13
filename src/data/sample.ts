/**
 * The simulated transaction log bundled with clmkit, for demos, examples and first steps.
 *
 * @module
 */
import { decodeSampleLog } from './sample/codec.js';
import { SAMPLE_LOG_OPTIONS, SAMPLE_LOG_TEXT } from './sample/simulated-log.js';
import type { TransactionRecord } from './types.js';

export { SAMPLE_LOG_OPTIONS };

/**
 * The bundled simulated transaction log: 8,827 transactions of 3,000 customers from 2023-01-01
 * to 2024-12-31, generated once by `scripts/generate-sample-log.ts` as
 * `simulateTransactions(SAMPLE_LOG_OPTIONS)` (BG/NBD purchases and gamma-gamma spend at CDNOW's
 * published estimates, seed 20261123) and shipped as a compact snapshot, so it stays the same
 * across clmkit versions even if the simulator changes.
 *
 * About 0.4% of rows are damaged on purpose (a missing id, an impossible timestamp, a refund, an
 * exact duplicate) so that `cleanTransactions` has something to report. Returns new objects on
 * every call.
 *
 * @example
 * ```ts
 * import { cleanTransactions, sampleTransactions, summarize } from 'clmkit';
 * const log = sampleTransactions();
 * console.log(log.length, log[0]); // 8827 { customerId: 'C02357', timestamp: '2023-01-01T01:59:45Z', amount: 13.17 }
 * const { transactions, report } = cleanTransactions(log);
 * console.log(report.keptRows); // 8795
 * console.log(summarize(transactions, { unit: 'week' }).size); // 2998
 * ```
 */
export function sampleTransactions(): TransactionRecord[] {
  return decodeSampleLog(SAMPLE_LOG_TEXT);
}
