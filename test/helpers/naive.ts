/**
 * A deliberately naive, obviously-correct summary used as an oracle in property tests. It works
 * on `Date` objects and day strings, with Maps and Sets: slow, but each step is the definition.
 * Day aggregation only; durations in days / 7 / 30.436875 as the unit says.
 */
export interface NaiveTx {
  customerId: string;
  timestamp: number; // epoch ms
  amount: number;
}

export interface NaiveRow {
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
  totalSpend: number;
}

const DAY = 86_400_000;

export function naiveSummarize(txs: readonly NaiveTx[], endMs: number, daysPerUnit: number): Map<string, NaiveRow> {
  const dayOf = (ms: number): number => Math.floor(ms / DAY);
  const endDay = dayOf(endMs);
  const byCustomer = new Map<string, Map<number, number>>(); // id -> day -> summed amount
  for (const t of txs) {
    const d = dayOf(t.timestamp);
    if (d > endDay) continue;
    let days = byCustomer.get(t.customerId);
    if (!days) byCustomer.set(t.customerId, (days = new Map<number, number>()));
    days.set(d, (days.get(d) ?? 0) + t.amount);
  }
  const out = new Map<string, NaiveRow>();
  for (const [id, days] of byCustomer) {
    const sortedDays = [...days.keys()].sort((a, b) => a - b);
    const first = sortedDays[0];
    const last = sortedDays[sortedDays.length - 1];
    const x = sortedDays.length - 1;
    const repeatSums = sortedDays.slice(1).map((d) => days.get(d)!);
    out.set(id, {
      frequency: x,
      recency: x === 0 ? 0 : (last - first) / daysPerUnit,
      T: (endDay - first) / daysPerUnit,
      monetaryValue: x === 0 ? 0 : repeatSums.reduce((a, b) => a + b, 0) / x,
      totalSpend: [...days.values()].reduce((a, b) => a + b, 0),
    });
  }
  return out;
}
