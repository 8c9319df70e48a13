import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkColumns, chunkLayout, SummaryJoiner } from '../../src/cli/chunks.js';
import { encodeCustomerIds } from '../../src/cli/read.js';
import { summarize } from '../../src/data/summarize.js';

/** Ids of a few shapes: numbers, strings, numbers among strings, empty. */
const idArb = fc.oneof(fc.integer({ min: 0, max: 40 }).map(String), fc.constantFrom('a', 'b', 'B', 'a1', 'é', 'zz', ''));

describe('chunkLayout', () => {
  it('puts every row in one chunk, each customer in one chunk, chunks in the library customer order', () => {
    fc.assert(
      fc.property(fc.array(idArb, { maxLength: 80 }), fc.integer({ min: 1, max: 30 }), (ids, target) => {
        const table = encodeCustomerIds(ids);
        const layout = chunkLayout(table, target);
        // A permutation of the rows, in input order within each chunk.
        expect([...layout.order].sort((x, y) => x - y)).toEqual(ids.map((_, i) => i));
        const chunkOfCustomer = new Map<string, number>();
        for (let p = 0; p < layout.chunks; p++) {
          const rows = [...layout.order.subarray(layout.start[p], layout.start[p + 1])];
          expect(rows).toEqual([...rows].sort((x, y) => x - y));
          for (const i of rows) {
            const id = ids[i];
            if (chunkOfCustomer.has(id)) expect(chunkOfCustomer.get(id)).toBe(p);
            chunkOfCustomer.set(id, p);
          }
          // A chunk of several customers stays within the target.
          const customers = layout.codeStart[p + 1] - layout.codeStart[p];
          if (customers > 1) expect(rows.length).toBeLessThanOrEqual(target);
        }
        // Empty ids only in the last chunk, which has no customers.
        if (ids.includes('')) {
          expect(chunkOfCustomer.get('')).toBe(layout.chunks - 1);
          expect(layout.codeStart[layout.chunks] - layout.codeStart[layout.chunks - 1]).toBe(0);
        }
        // The codes, chunk after chunk, are the customers in summarize's order.
        const nonEmpty = ids.map((id, i) => ({ id, i })).filter((r) => r.id !== '');
        if (nonEmpty.length > 0) {
          const s = summarize({ customerId: nonEmpty.map((r) => r.id), timestamp: nonEmpty.map(() => 0) });
          expect(Array.from(layout.codes, (c) => table.customerIds[c])).toEqual(s.customerId);
        }
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('SummaryJoiner', () => {
  it('lays chunk summaries end to end into the whole log summary, with extra columns aligned', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: idArb.filter((id) => id !== ''), day: fc.integer({ min: 0, max: 60 }), amount: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        (rows, target) => {
          const ids = rows.map((r) => r.id);
          const codes = encodeCustomerIds(ids);
          const table = { ...codes, timestamp: Float64Array.from(rows, (r) => Date.UTC(2024, 0, 1 + r.day)), amount: Float64Array.from(rows, (r) => r.amount) };
          const end = Date.UTC(2024, 2, 31);
          const whole = summarize({ customerId: ids, timestamp: table.timestamp, amount: table.amount }, { observationEnd: end });
          const layout = chunkLayout(table, target);
          const joiner = new SummaryJoiner(layout, table.customerIds, new Set(ids).size, ['twice']);
          for (let p = 0; p < layout.chunks; p++) {
            const s = summarize(chunkColumns(table, layout, p, null), { observationEnd: end });
            joiner.add(p, s, { twice: s.frequency.map((f) => 2 * f) });
          }
          const { summary, extra } = joiner.finish();
          expect(summary).toEqual(whole);
          expect([...extra.twice]).toEqual([...whole.frequency].map((f) => 2 * f));
        },
      ),
      { seed: 4, numRuns: 200 },
    );
  });

  it('keeps only the number columns asked for (the others zero-length)', () => {
    const ids = ['b', 'a', 'b', 'c', 'a'];
    const table = { ...encodeCustomerIds(ids), timestamp: Float64Array.from([1, 2, 3, 4, 5], (d) => Date.UTC(2024, 0, d)), amount: null };
    const whole = summarize({ customerId: ids, timestamp: table.timestamp });
    const layout = chunkLayout(table, 2);
    const joiner = new SummaryJoiner(layout, table.customerIds, 3, [], ['frequency', 'T']);
    for (let p = 0; p < layout.chunks; p++) joiner.add(p, summarize(chunkColumns(table, layout, p, null), { observationEnd: whole.observationEnd }));
    const { summary } = joiner.finish();
    expect(summary.customerId).toEqual(['a', 'b', 'c']);
    expect([...summary.frequency]).toEqual([...whole.frequency]);
    expect([...summary.T]).toEqual([...whole.T]);
    expect(summary.recency.length + summary.totalSpend.length + summary.lastPurchase.length).toBe(0);
  });
});
