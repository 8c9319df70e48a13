/**
 * The compact text format of the bundled sample log: one line per row,
 * `customer number, seconds since 2023-01-01T00:00:00Z, cents`, each in base 36. An empty id
 * stays empty; a timestamp that is not a whole second at or after the start is kept literally
 * after `!`.
 *
 * @internal
 * @module
 */
import type { TransactionRecord } from '../types.js';

const START_MS = Date.UTC(2023, 0, 1);

/** @internal */
export function decodeSampleLog(text: string): TransactionRecord[] {
  const out: TransactionRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const [id = '', t = '', cents = ''] = line.split(',');
    out.push({
      customerId: id === '' ? '' : `C${parseInt(id, 36).toString().padStart(5, '0')}`,
      timestamp: t.startsWith('!') ? t.slice(1) : new Date(START_MS + parseInt(t, 36) * 1000).toISOString().replace('.000Z', 'Z'),
      amount: parseInt(cents, 36) / 100,
    });
  }
  return out;
}

/** @internal */
export function encodeSampleLog(transactions: readonly TransactionRecord[]): string {
  return transactions
    .map((t) => {
      const id = t.customerId === '' ? '' : parseInt(String(t.customerId).slice(1), 10).toString(36);
      const ms = typeof t.timestamp === 'string' ? Date.parse(t.timestamp) : NaN;
      const ok = Number.isFinite(ms) && (ms - START_MS) % 1000 === 0 && ms >= START_MS;
      const ts = ok ? ((ms - START_MS) / 1000).toString(36) : `!${String(t.timestamp)}`;
      return `${id},${ts},${Math.round((t.amount ?? 0) * 100).toString(36)}`;
    })
    .join('\n');
}
