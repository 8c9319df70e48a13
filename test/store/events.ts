/**
 * Deterministic event batches shared by the store tests and the child process they kill
 * (apply-child.ts): customers `c0…c{customers-1}`, one event every hour from 2024-01-01, ids
 * `e<i>`; 70% purchases, 20% ticks, 10% scores (seeded).
 */
import { createRandom } from '../../src/math/random.js';
import type { StoreEvent } from '../../src/store/index.js';

/** Events `from` (inclusive) to `to` (exclusive) of the one deterministic stream. */
export function eventRange(from: number, to: number, customers = 50, seed = 7): StoreEvent[] {
  const rng = createRandom(seed);
  const out: StoreEvent[] = [];
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < to; i++) {
    const c = rng.int(customers);
    const u = rng.next();
    const amount = 1 + rng.int(100);
    const p = rng.next();
    if (i < from) continue;
    const base = { eventId: `e${i}`, customerId: `c${c}`, at: t0 + i * 3_600_000 };
    if (u < 0.7) out.push({ ...base, type: 'purchase', amount });
    else if (u < 0.9) out.push({ ...base, type: 'tick' });
    else out.push({ ...base, type: 'score', pAlive: p });
  }
  return out;
}

/** The lifecycle configuration every store test uses (fixed reference: no calibration needed). */
export const LIFECYCLE_CONFIG = { reference: { frequency: 3, spend: 150 } } as const;
