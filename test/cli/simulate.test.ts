import { describe, expect, it } from 'vitest';
import { simulateTransactions } from '../../src/data/simulate.js';
import { simulateCsv, type SimulateCsvOptions } from '../../src/cli/simulate.js';

const options: SimulateCsvOptions = { customers: 400, seed: 7, start: '2023-01-01', acquisitionDays: 365, days: 730 };

function csvRows(o: SimulateCsvOptions): { text: string; rows: number } {
  const it = simulateCsv(o);
  let text = '';
  for (;;) {
    const r = it.next();
    if (r.done === true) return { text, rows: r.value.rows };
    text += r.value;
  }
}

describe('clmkit simulate (simulateCsv)', () => {
  it('draws the same transactions as simulateTransactions for the same customers and seed, grouped by customer', () => {
    const { text, rows } = csvRows(options);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('customer_id,date,amount');
    expect(lines.length - 1).toBe(rows);
    const reference = simulateTransactions({ customers: options.customers, seed: options.seed });
    // The library sorts by time (ties by id); the CLI writes customer by customer. Same multiset.
    const ours = lines.slice(1).sort();
    const theirs = reference.transactions.map((t) => `${String(t.customerId)},${String(t.timestamp)},${(t.amount ?? 0).toFixed(2)}`).sort();
    expect(ours).toEqual(theirs);
    // Within a customer, rows are in time order.
    let prev = '';
    let prevTime = '';
    for (const line of lines.slice(1)) {
      const [id, time] = line.split(',') as [string, string];
      if (id === prev) expect(time >= prevTime).toBe(true);
      else expect(id > prev).toBe(true);
      prev = id;
      prevTime = time;
    }
  });

  it('is deterministic and streams in bounded chunks', () => {
    const a = csvRows({ ...options, customers: 3000 });
    const b = csvRows({ ...options, customers: 3000 });
    expect(a.text).toBe(b.text);
    let largest = 0;
    for (const chunk of simulateCsv({ ...options, customers: 30_000 })) largest = Math.max(largest, chunk.length);
    expect(largest).toBeLessThan(70_000);
  });

  it('writes a header alone for zero customers', () => {
    expect(csvRows({ ...options, customers: 0 })).toEqual({ text: 'customer_id,date,amount\n', rows: 0 });
  });
});
