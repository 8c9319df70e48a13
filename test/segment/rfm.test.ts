import { createReadStream, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsvRecords, type CsvRecord } from '../../src/data/csv.js';
import { summarize } from '../../src/data/summarize.js';
import { InvalidInputError } from '../../src/errors.js';
import {
  RFM_SEGMENT_MAP,
  rfmScores,
  rfmSegments,
  valueTiers,
  type RfmSegmentRule,
  type RfmTies,
} from '../../src/segment/rfm.js';
import { datasetPath, missingMessage } from '../helpers/datasets.js';

// ---------------------------------------------------------------------------------------------
// pandas reference (test/fixtures/make_rfm_fixtures.py)

type Scores = { r: number[] | null; f: number[] | null; m: number[] | null };
interface SmallCase {
  n: number;
  bins: number;
  values: number[];
  first: number[] | null;
  firstReversed: number[] | null;
  average: number[] | null;
  averageReversed: number[] | null;
  dense: number[] | null;
  denseReversed: number[] | null;
}
interface Fixture {
  onlineRetail?: {
    snapshot: string;
    rowsUsed: number;
    customerId: string[];
    recency: number[];
    frequency: number[];
    monetary: number[];
    first: Scores;
    average: Scores;
    dense: Scores;
  };
  small: SmallCase[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/rfm-online-retail.json', import.meta.url), 'utf8')) as Fixture;
const METHODS: readonly RfmTies[] = ['first', 'average', 'dense'];

describe('rfmScores vs pandas qcut (online-retail RFM table of sklearn_peer.py)', () => {
  const ref = fixture.onlineRetail;
  it.skipIf(ref === undefined)('the fixture holds the peer table (860 customers, 25,119 rows)', () => {
    expect(ref!.customerId).toHaveLength(860);
    expect(ref!.rowsUsed).toBe(25119);
  });
  it.skipIf(ref === undefined).each(METHODS)('ties: %s gives pandas’ scores for every customer', (ties) => {
    const s = rfmScores(
      { customerId: ref!.customerId, recency: ref!.recency, frequency: ref!.frequency, monetary: ref!.monetary },
      { ties },
    );
    expect(Array.from(s.r)).toEqual(ref![ties].r);
    expect(Array.from(s.f)).toEqual(ref![ties].f);
    expect(Array.from(s.m)).toEqual(ref![ties].m);
    expect(s.code[0]).toBe(`${s.r[0]}${s.f[0]}${s.m[0]}`);
  });
});

describe('rfmScores vs pandas on small tied samples (n = 1..60, bins 2..10)', () => {
  it('matches qcut(rank(method), bins) for all three tie methods, reversed too', () => {
    let compared = 0;
    for (const c of fixture.small) {
      for (const ties of METHODS) {
        const s = rfmScores({ customerId: c.values.map((_, i) => i), recency: c.values, frequency: c.values, monetary: c.values }, { bins: c.bins, ties });
        const expF = c[ties];
        const expR = c[`${ties}Reversed`];
        // pandas gives NaN / raises (one row, all tied): clmkit gives 1 everywhere.
        expect(Array.from(s.f), `n=${c.n} bins=${c.bins} ${ties}`).toEqual(expF ?? c.values.map(() => 1));
        expect(Array.from(s.r), `n=${c.n} bins=${c.bins} ${ties} reversed`).toEqual(expR ?? c.values.map(() => 1));
        compared++;
      }
    }
    expect(compared).toBe(fixture.small.length * 3);
  });
});

// ---------------------------------------------------------------------------------------------
// The same table read through clmkit (readCsvRecords + day-first timestamps + summarize)

const RETAIL = 'online-retail/online-retail-2010-12-subset.csv';
const retailPath = datasetPath(RETAIL);

function dayFirst(value: unknown): number {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(String(value));
  return m ? Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5])) : NaN;
}

describe.skipIf(retailPath === null)(`online-retail through clmkit${retailPath === null ? ` (${missingMessage(RETAIL)})` : ''}`, () => {
  it('builds the peer’s R/F/M table and pandas’ scores', async () => {
    const rows: CsvRecord[] = [];
    for await (const batch of readCsvRecords(createReadStream(retailPath!), { numbers: ['Quantity', 'UnitPrice'] })) rows.push(...batch);
    // One record per invoice (the peer counts distinct InvoiceNo): rows with a CustomerID and Quantity > 0.
    const invoices = new Map<string, { customerId: string; timestamp: string; amount: number }>();
    for (const r of rows) {
      const id = r['CustomerID'];
      const q = r['Quantity'];
      if (typeof id !== 'string' || id === '' || typeof q !== 'number' || !(q > 0)) continue;
      const key = `${id}|${String(r['InvoiceNo'])}`;
      const inv = invoices.get(key);
      const amount = q * (r['UnitPrice'] as number);
      if (inv) {
        inv.amount += amount;
        if (dayFirst(r['InvoiceDate']) > dayFirst(inv.timestamp)) inv.timestamp = String(r['InvoiceDate']);
      } else invoices.set(key, { customerId: id, timestamp: String(r['InvoiceDate']), amount });
    }
    // aggregation 'none': every invoice is an occasion, even two in the same minute.
    const log = [...invoices.values()].map((t) => ({ customerId: t.customerId, timestamp: dayFirst(t.timestamp), amount: t.amount }));
    const last = Math.max(...log.map((t) => t.timestamp));
    const snapshot = last + 86_400_000;
    expect(new Date(snapshot).toISOString()).toBe('2010-12-21T16:08:00.000Z');
    const summary = summarize(log, { unit: 'day', aggregation: 'none', observationEnd: snapshot });
    const ref = fixture.onlineRetail!;
    expect(summary.customerId).toEqual(ref.customerId);
    const s = rfmScores(summary);
    expect(Array.from(s.recency), "recency").toEqual(ref.recency);
    expect(Array.from(s.frequency), "frequency").toEqual(ref.frequency);
    for (let i = 0; i < ref.monetary.length; i++) expect(summary.totalSpend[i]).toBeCloseTo(ref.monetary[i], 6);
    expect(Array.from(s.r)).toEqual(ref.first.r);
    expect(Array.from(s.f)).toEqual(ref.first.f);
    // pandas' M is the total; ours from a summary is the mean per occasion: score the totals.
    const t = rfmScores({ customerId: s.customerId, recency: s.recency, frequency: s.frequency, monetary: ref.monetary });
    expect(Array.from(t.m)).toEqual(ref.first.m);
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-worked cases

describe('rfmScores, hand-worked', () => {
  it('10 customers, 5 bins, ties by input order', () => {
    // frequency 1,1,1,1,2,2,3,5,8,8 → ranks 1..10 → qcut edges 1, 2.8, 4.6, 6.4, 8.2, 10
    // → bins {1,2}, {3,4}, {5,6}, {7,8}, {9,10}
    const freq = [1, 1, 1, 1, 2, 2, 3, 5, 8, 8];
    const s = rfmScores({ customerId: freq.map((_, i) => `c${i}`), recency: freq, frequency: freq, monetary: freq });
    expect(Array.from(s.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(Array.from(s.r)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(s.code.slice(0, 3)).toEqual(['511', '511', '422']);
  });

  it("'average' and 'dense' give tied values one score", () => {
    const freq = [1, 1, 1, 1, 2, 2, 3, 5, 8, 8];
    const cols = { customerId: freq.map(String), recency: freq, frequency: freq, monetary: freq };
    // average ranks 2.5×4, 5.5×2, 7, 8, 9.5×2; edges 2.5, 2.5, 4.3, 6.4, 8.3, 9.5 → drop dup → 4 bins
    expect(Array.from(rfmScores(cols, { ties: 'average' }).f)).toEqual([1, 1, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(Array.from(rfmScores(cols, { ties: 'average' }).r)).toEqual([4, 4, 4, 4, 3, 3, 2, 2, 1, 1]);
    // dense ranks 1,1,1,1,2,2,3,4,5,5; edges 1, 1, 1.6, 2.4, 4.2, 5 → drop dup → 4 bins
    expect(Array.from(rfmScores(cols, { ties: 'dense' }).f)).toEqual([1, 1, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('from a CustomerSummary: F = occasions, M = totalSpend / occasions, R in days or periods', () => {
    const summary = summarize(
      [
        { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
        { customerId: 'a', timestamp: '2024-01-20T12:00:00Z', amount: 30 },
        { customerId: 'b', timestamp: '2024-01-10', amount: 7 },
        { customerId: 'c', timestamp: '2024-01-05', amount: 5 },
        { customerId: 'c', timestamp: '2024-01-06', amount: 5 },
        { customerId: 'c', timestamp: '2024-01-30', amount: 50 },
      ],
      { unit: 'week', observationEnd: '2024-01-31' },
    );
    const s = rfmScores(summary, { bins: 3 });
    expect(s.customerId).toEqual(['a', 'b', 'c']);
    expect(Array.from(s.frequency)).toEqual([2, 1, 3]);
    expect(Array.from(s.monetary)).toEqual([20, 7, 20]);
    // observationEnd is 2024-01-31T23:59:59.999Z: whole days since the last purchase
    expect(Array.from(s.recency)).toEqual([11, 21, 1]);
    expect(Array.from(s.r)).toEqual([2, 1, 3]);
    expect(Array.from(s.f)).toEqual([2, 1, 3]);
    expect(Array.from(s.m)).toEqual([2, 1, 3]); // tie 20 = 20: the earlier row ranks lower
    const p = rfmScores(summary, { recency: 'periods-since-last' });
    for (let i = 0; i < 3; i++) expect(p.recency[i]).toBeCloseTo(summary.T[i] - summary.recency[i], 12);
    const asOf = rfmScores(summary, { asOf: '2024-02-10T00:00:00Z' });
    expect(Array.from(asOf.recency)).toEqual([20, 31, 11]);
  });

  it('n < bins: scores spread over 1..bins; one customer or all tied → 1; none → empty', () => {
    const two = rfmScores([
      { customerId: 'a', recency: 3, frequency: 1, monetary: 5 },
      { customerId: 'b', recency: 1, frequency: 4, monetary: 9 },
    ]);
    expect(two.code).toEqual(['111', '555']);
    const three = rfmScores({ customerId: ['a', 'b', 'c'], recency: [1, 2, 3], frequency: [1, 2, 3], monetary: [1, 2, 3] });
    expect(Array.from(three.f)).toEqual([1, 3, 5]);
    expect(rfmScores([{ customerId: 'x', recency: 1, frequency: 1, monetary: 1 }]).code).toEqual(['111']);
    const tied = rfmScores({ customerId: ['a', 'b'], recency: [2, 2], frequency: [1, 1], monetary: [3, 3] }, { ties: 'dense' });
    expect(tied.code).toEqual(['111', '111']);
    expect(rfmScores([]).code).toEqual([]);
  });

  it('bins > 9 join the code with "-"', () => {
    const v = Array.from({ length: 12 }, (_, i) => i);
    const s = rfmScores({ customerId: v, recency: v, frequency: v, monetary: v }, { bins: 12 });
    expect(s.code[11]).toBe('1-12-12');
  });

  it('validates values and options', () => {
    const bad = () => rfmScores([{ customerId: 'a', recency: 1, frequency: Number.NaN, monetary: 1 }]);
    expect(bad).toThrow(InvalidInputError);
    expect(bad).toThrow(/row 0, frequency: expected a finite number, got NaN/);
    expect(() => rfmScores([], { bins: 0 })).toThrow(/options\.bins/);
    expect(() => rfmScores([], { ties: 'min' as RfmTies })).toThrow(/options\.ties/);
    expect(() => rfmScores([], { asOf: '2024-01-01' })).toThrow(/options\.asOf/);
    expect(() => rfmScores({ customerId: ['a'], recency: [1, 2], frequency: [1], monetary: [1] })).toThrow(/recency: expected 1 values/);
    const summary = summarize([{ customerId: 'a', timestamp: '2024-01-10' }], { unit: 'day' });
    expect(() => rfmScores(summary, { asOf: '2024-01-01' })).toThrow(/options\.asOf: precedes the last purchase/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const valuesArb = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 80 });
const columns = (v: readonly number[], w: readonly number[] = v, u: readonly number[] = v) => ({
  customerId: v.map((_, i) => i),
  recency: v,
  frequency: w,
  monetary: u,
});

describe('rfmScores properties', () => {
  // For bins 2, 3, 4, 5, 8, 10 numpy's quantile edges of the ranks 1..n are exact (checked for
  // n ≤ 2,000,000); for bins such as 6, 7, 9 they are not always (see the next test).
  it('scores lie in 1..bins, and ties: first gives every level ⌊n/bins⌋ or ⌈n/bins⌉ customers (n ≥ 2)', () => {
    fc.assert(
      fc.property(valuesArb, fc.constantFrom(1, 2, 3, 4, 5, 8, 10), (v, bins) => {
        const s = rfmScores(columns(v), { bins });
        for (const col of [s.r, s.f, s.m]) {
          for (const x of col) expect(x >= 1 && x <= bins).toBe(true);
          if (v.length < 2) continue;
          const counts = new Array<number>(bins).fill(0);
          for (const x of col) counts[x - 1]++;
          for (const c of counts) expect([Math.floor(v.length / bins), Math.ceil(v.length / bins)]).toContain(c);
        }
      }),
    );
  });

  it('bins = 9, n = 10: like pandas, an edge computed as 7.999999999999999 moves rank 8 up a level', () => {
    const v = Array.from({ length: 10 }, (_, i) => i);
    // pd.qcut(pd.Series(range(10)).rank(method='first'), 9, labels=False) + 1
    expect(Array.from(rfmScores(columns(v), { bins: 9 }).f)).toEqual([1, 1, 2, 3, 4, 5, 6, 8, 8, 9]);
  });

  it('monotone: a higher F or M never scores lower; a higher recency never scores higher (every tie method)', () => {
    fc.assert(
      fc.property(valuesArb, fc.integer({ min: 1, max: 8 }), fc.constantFrom(...METHODS), (v, bins, ties) => {
        const s = rfmScores(columns(v), { bins, ties });
        for (let i = 0; i < v.length; i++) {
          for (let j = 0; j < v.length; j++) {
            if (v[i] > v[j]) {
              expect(s.f[i]).toBeGreaterThanOrEqual(s.f[j]);
              expect(s.m[i]).toBeGreaterThanOrEqual(s.m[j]);
              expect(s.r[i]).toBeLessThanOrEqual(s.r[j]);
            }
          }
        }
      }),
    );
  });

  it("'average' / 'dense': permuting the input rows permutes the outputs only", () => {
    fc.assert(
      fc.property(
        valuesArb.chain((v) => fc.tuple(fc.constant(v), fc.shuffledSubarray(v.map((_, i) => i), { minLength: v.length, maxLength: v.length }))),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<RfmTies>('average', 'dense'),
        ([v, perm], bins, ties) => {
          const w = v.map((x) => (x * 7) % 11);
          const a = rfmScores(columns(v, w), { bins, ties });
          const b = rfmScores(columns(perm.map((i) => v[i]), perm.map((i) => w[i])), { bins, ties });
          perm.forEach((src, k) => {
            expect(b.code[k]).toBe(a.code[src]);
          });
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Segments

describe('rfmSegments', () => {
  it('every one of the 125 (r, f, m) combinations maps to exactly one segment of RFM_SEGMENT_MAP', () => {
    const inRange = (x: number, range: readonly [number, number] | undefined) => range === undefined || (x >= range[0] && x <= range[1]);
    const records: { r: number; f: number; m: number }[] = [];
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (let m = 1; m <= 5; m++) {
          const hits = RFM_SEGMENT_MAP.filter((s) => inRange(r, s.r) && inRange((f + m) / 2, s.fm) && inRange(f, s.f) && inRange(m, s.m));
          expect(hits, `r=${r} f=${f} m=${m}`).toHaveLength(1);
          records.push({ r, f, m });
        }
      }
    }
    expect(records).toHaveLength(125);
    const names = rfmSegments(records);
    expect(new Set(names).size).toBe(11);
    expect(new Set(names)).toEqual(new Set(RFM_SEGMENT_MAP.map((s) => s.name)));
  });

  it('names the classic corners', () => {
    expect(rfmSegments([{ r: 5, f: 5, m: 5 }, { r: 1, f: 1, m: 1 }, { r: 1, f: 5, m: 5 }, { r: 5, f: 1, m: 1 }, { r: 3, f: 3, m: 3 }])).toEqual([
      'Champions',
      'Lost',
      "Can't Lose Them",
      'New Customers',
      'Need Attention',
    ]);
  });

  it('accepts rfmScores columns and keeps input order', () => {
    const s = rfmScores({ customerId: ['a', 'b', 'c'], recency: [1, 50, 20], frequency: [9, 1, 4], monetary: [300, 5, 60] });
    expect(s.code).toEqual(['555', '111', '333']);
    expect(rfmSegments(s)).toEqual(['Champions', 'Lost', 'Need Attention']);
  });

  it('validates a caller map: names an uncovered and a doubly covered combination', () => {
    const gap: RfmSegmentRule[] = RFM_SEGMENT_MAP.filter((s) => s.name !== 'Promising');
    expect(() => rfmSegments([], { map: gap })).toThrow(InvalidInputError);
    expect(() => rfmSegments([], { map: gap })).toThrow(/options\.map: the scores r=4 f=1 m=1 \(FM=1\) match no segment/);
    const overlap: RfmSegmentRule[] = [...RFM_SEGMENT_MAP, { name: 'VIP', r: [5, 5], f: [5, 5], m: [5, 5] }];
    expect(() => rfmSegments([], { map: overlap })).toThrow(/r=5 f=5 m=5 \(FM=5\) match 2 segments \("Champions", "VIP"\)/);
    // A map on R and F only, bins = 2.
    const tiny: RfmSegmentRule[] = [
      { name: 'hot', r: [2, 2] },
      { name: 'cold', r: [1, 1], f: [1, 1] },
      { name: 'lapsed', r: [1, 1], f: [2, 2] },
    ];
    expect(rfmSegments([{ r: 2, f: 1, m: 1 }, { r: 1, f: 2, m: 2 }], { map: tiny, bins: 2 })).toEqual(['hot', 'lapsed']);
  });

  it('rejects scores outside 1..bins, naming the row', () => {
    expect(() => rfmSegments([{ r: 5, f: 5, m: 5 }, { r: 6, f: 1, m: 1 }])).toThrow(/row 1, r: expected an integer score in 1\.\.5, got 6/);
  });
});

// ---------------------------------------------------------------------------------------------
// Value tiers

describe('valueTiers', () => {
  it('left-closed bins, the last closed', () => {
    expect(valueTiers([0, 9.99, 10, 20, 30], { bins: [0, 10, 20, 30], labels: ['C', 'B', 'A'] })).toEqual(['C', 'C', 'B', 'A', 'A']);
  });

  it('open ends with ±Infinity edges', () => {
    expect(valueTiers([-5, 0, 1e9], { bins: [-Infinity, 0, Infinity], labels: ['refund', 'buyer'] })).toEqual(['refund', 'buyer', 'buyer']);
  });

  it('quantile edges (type 7) with default and explicit probabilities', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(valueTiers(v, { bins: 'quantile', labels: ['E', 'D', 'C', 'B', 'A'] })).toEqual(['E', 'E', 'D', 'D', 'C', 'C', 'B', 'B', 'A', 'A']);
    expect(valueTiers(v, { bins: 'quantile', labels: ['rest', 'top 10%'], quantiles: [0, 0.9, 1] })).toEqual([
      ...new Array<string>(9).fill('rest'),
      'top 10%',
    ]);
    expect(valueTiers([], { bins: 'quantile', labels: ['x'] })).toEqual([]);
  });

  it('validates', () => {
    expect(() => valueTiers([1, Number.NaN], { bins: [0, 10], labels: ['a'] })).toThrow(/row 1, values: expected a number, got NaN/);
    expect(() => valueTiers([11], { bins: [0, 10], labels: ['a'] })).toThrow(/row 0, values: 11 is outside the bins \[0, 10\]/);
    expect(() => valueTiers([1], { bins: [0, 10, 20], labels: ['a'] })).toThrow(/options\.labels: expected 2 labels/);
    expect(() => valueTiers([1], { bins: [0, 10, 10], labels: ['a', 'b'] })).toThrow(/options\.bins\.2: expected strictly increasing/);
    expect(() => valueTiers([1], { bins: 'quantile', labels: ['a', 'b'], quantiles: [0, 1] })).toThrow(/options\.quantiles: expected 3/);
  });
});
