import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { interactionMatrix } from '../../src/recommend/sparse.js';

describe('interactionMatrix', () => {
  it('builds CSR and CSC (hand-worked), summing duplicates by default', () => {
    const m = interactionMatrix([
      { userId: 'ann', itemId: 'b', value: 2 },
      { userId: 'bob', itemId: 'a' },
      { userId: 'ann', itemId: 'a', value: 3 },
      { userId: 'ann', itemId: 'b', value: 4 },
    ]);
    expect(m.users).toEqual(['ann', 'bob']);
    expect(m.items).toEqual(['b', 'a']);
    // ann: b (item 0) = 2 + 4, a (item 1) = 3; bob: a = 1
    expect([...m.rowPtr]).toEqual([0, 2, 3]);
    expect([...m.colIdx]).toEqual([0, 1, 1]);
    expect([...m.values]).toEqual([6, 3, 1]);
    expect([...m.colPtr]).toEqual([0, 1, 3]);
    expect([...m.rowIdx]).toEqual([0, 0, 1]);
    expect([...m.colValues]).toEqual([6, 3, 1]);
    expect([m.nnz, m.mergedDuplicates]).toEqual([3, 1]);
    expect(interactionMatrix([{ userId: 1, itemId: 'x', value: 2 }, { userId: '1', itemId: 'x', value: 5 }], { duplicates: 'max' }).values[0]).toBe(5);
  });

  it("duplicates: 'error' names both rows; bad ids and values are named by row", () => {
    expect(() => interactionMatrix([{ userId: 'a', itemId: 'x' }, { userId: 'a', itemId: 'x' }], { duplicates: 'error' })).toThrow(/already appear at row 0/);
    try {
      interactionMatrix([{ userId: '', itemId: 'x' }, { userId: 'a', itemId: null, value: Number.NaN }] as never);
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect((e as InvalidInputError).issues.map((i) => [i.path, i.row])).toEqual([
        ['userId', 0],
        ['itemId', 1],
        ['value', 1],
      ]);
    }
  });

  it('property: CSR and CSC hold the same entries, equal to a Map-based sum, rows sorted', () => {
    const arb = fc.array(fc.record({ userId: fc.integer({ min: 0, max: 6 }), itemId: fc.integer({ min: 0, max: 6 }), value: fc.integer({ min: 1, max: 5 }) }), { maxLength: 60 });
    fc.assert(
      fc.property(arb, (rows) => {
        const m = interactionMatrix(rows);
        const ref = new Map<string, number>();
        for (const r of rows) ref.set(`${r.userId}|${r.itemId}`, (ref.get(`${r.userId}|${r.itemId}`) ?? 0) + r.value);
        expect(m.nnz).toBe(ref.size);
        const fromCsr = new Map<string, number>();
        for (let u = 0; u < m.users.length; u++) {
          for (let p = m.rowPtr[u]; p < m.rowPtr[u + 1]; p++) {
            if (p > m.rowPtr[u]) expect(m.colIdx[p]).toBeGreaterThan(m.colIdx[p - 1]);
            fromCsr.set(`${m.users[u]}|${m.items[m.colIdx[p]]}`, m.values[p]);
          }
        }
        expect(fromCsr).toEqual(ref);
        const fromCsc = new Map<string, number>();
        for (let i = 0; i < m.items.length; i++) for (let p = m.colPtr[i]; p < m.colPtr[i + 1]; p++) fromCsc.set(`${m.users[m.rowIdx[p]]}|${m.items[i]}`, m.colValues[p]);
        expect(fromCsc).toEqual(ref);
      }),
      { seed: 12, numRuns: 200 },
    );
  });
});
