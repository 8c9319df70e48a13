import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, DEFAULT_SETTINGS, sampleIndices, topIndices } from '../../src/cli/analyze.js';
import { CliError } from '../../src/cli/errors.js';
import { encodeCustomerIds } from '../../src/cli/read.js';
import type { AnalysisResult, AnalyzeSettings, TransactionTable } from '../../src/cli/types.js';
import { cleanTransactions } from '../../src/data/clean.js';
import { sampleTransactions } from '../../src/data/sample.js';
import { calibrationHoldoutSplit } from '../../src/data/split.js';
import { summarize } from '../../src/data/summarize.js';
import { toEpochMs } from '../../src/data/time.js';
import type { TransactionRecord } from '../../src/data/types.js';
import { createLifecycle } from '../../src/lifecycle/lifecycle.js';
import { createRandom } from '../../src/math/random.js';
import { fitBetaGeo } from '../../src/models/btyd/betaGeo.js';
import { customerLifetimeValue } from '../../src/models/btyd/clv.js';
import { fitGammaGamma } from '../../src/models/btyd/gammaGamma.js';
import { rfmScores, rfmSegments } from '../../src/segment/rfm.js';
import { datasetPath, missingMessage } from '../helpers/datasets.js';
import { thrown } from '../helpers/thrown.js';

/** A TransactionTable as the reader would give it: ids as strings ('' when missing), ms (NaN when unreadable), amounts, line = row + 2. */
function tableOf(records: readonly TransactionRecord[], source = 'bundled sample'): TransactionTable {
  const n = records.length;
  return {
    rows: n,
    ...encodeCustomerIds(records.map((r) => (r.customerId === '' ? '' : String(r.customerId)))),
    timestamp: Float64Array.from(records, (r) => toEpochMs(r.timestamp)),
    amount: Float64Array.from(records, (r) => (typeof r.amount === 'number' ? r.amount : NaN)),
    line: Int32Array.from({ length: n }, (_, i) => i + 2),
    columns: {
      customer: 'customerId',
      date: 'timestamp',
      amount: 'amount',
      detected: { customer: false, date: false, amount: false },
      available: ['customerId', 'timestamp', 'amount'],
    },
    badCells: [],
    badCellCounts: {},
    source,
    bytes: 0,
    format: 'sample',
  };
}

const records = sampleTransactions();
const table = tableOf(records);
const settings: AnalyzeSettings = { ...DEFAULT_SETTINGS };
const result = analyze(table, settings);
const withHoldout = analyze(table, { ...settings, holdout: '2024-06-30' });

/** The result without what differs from run to run (wall-clock timings, RSS). */
function stable(r: AnalysisResult): string {
  return JSON.stringify({ ...r, timings: null });
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('analyze on the bundled sample', () => {
  const cleaned = cleanTransactions(records);
  const summary = summarize(cleaned.transactions, { unit: 'week' });

  it('cleaning: counts per reason and the first lines equal cleanTransactions on the same log', () => {
    expect(result.cleaning.rowsRead).toBe(records.length);
    expect(result.cleaning.kept).toBe(cleaned.report.keptRows);
    const ours = new Map(result.cleaning.removed.map((r) => [r.reason, r]));
    for (const r of cleaned.report.removed) {
      if (r.reason === 'missing-amount') continue; // the table marks empty amounts NaN: counted as invalid-amount
      expect(ours.get(r.reason)?.count, r.reason).toBe(r.count);
      expect(ours.get(r.reason)?.lines, r.reason).toEqual(r.rows.slice(0, 10).map((i) => i + 2));
    }
    expect(result.cleaning.removed.reduce((a, r) => a + r.count, 0)).toBe(records.length - cleaned.report.keptRows);
  });

  it('overview: customers, transactions and revenue equal summarize of the cleaned log', () => {
    expect(result.overview.customers).toBe(summary.size);
    expect(result.overview.transactions).toBe(cleaned.report.keptRows);
    expect(result.overview.repeatCustomers).toBe(summary.frequency.filter((x) => x > 0).length);
    expect(rel(result.overview.revenue!, summary.totalSpend.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
    expect(result.overview.observationEnd).toBe(summary.observationEnd.toISOString().slice(0, 10));
  });

  it('BG/NBD and Gamma-Gamma parameters equal fitBetaGeo / fitGammaGamma on summarize of the cleaned log (1e-9)', () => {
    const bg = fitBetaGeo(summary);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(rel(result.bgnbd.params[k], bg.params[k]), k).toBeLessThan(1e-9);
    expect(rel(result.bgnbd.logLikelihood, bg.logLikelihood)).toBeLessThan(1e-9);
    expect(result.bgnbd.converged).toBe(bg.converged);
    const gg = fitGammaGamma(summary);
    for (const k of ['p', 'q', 'v'] as const) expect(rel(result.gammaGamma!.params[k], gg.params[k]), k).toBeLessThan(1e-9);
    expect(result.gammaGamma!.customers).toBe(gg.customers);
  });

  it('top customers: CLV equals customerLifetimeValue (12 months, 1 %/month), sorted, and no one outside is higher', () => {
    const bg = fitBetaGeo(summary);
    const gg = fitGammaGamma(summary);
    const clv = customerLifetimeValue(bg, gg, summary, { horizon: 12, unit: 'month', discountRate: 0.01, margin: 1 });
    const pAlive = bg.probabilityAlive(summary);
    const row = new Map(summary.customerId.map((id, i) => [id, i]));
    expect(result.topCustomers).toHaveLength(10);
    for (const t of result.topCustomers) {
      const i = row.get(t.customerId)!;
      expect(rel(t.clv!, clv[i]), t.customerId).toBeLessThan(1e-9);
      expect(rel(t.probabilityAlive, pAlive[i])).toBeLessThan(1e-9);
      expect(t.frequency).toBe(summary.frequency[i]);
    }
    const sorted = [...clv].sort((a, b) => b - a);
    result.topCustomers.forEach((t, k) => { expect(rel(t.clv!, sorted[k])).toBeLessThan(1e-9); });
    expect(rel(result.overview.totalClv!, clv.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
    expect(result.clvSample).toHaveLength(summary.size); // ≤ 20,000 customers: all of them
  });

  it('RFM segment counts and stage counts sum to the customers', () => {
    const seg = result.rfm.segments;
    expect(seg.reduce((a, r) => a + r.customers, 0)).toBe(result.overview.customers);
    expect(seg.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
    expect(seg.reduce((a, r) => a + (r.revenueShare ?? 0), 0)).toBeCloseTo(1, 12);
    for (let k = 1; k < seg.length; k++) expect(seg[k - 1].customers).toBeGreaterThanOrEqual(seg[k].customers);
    expect(result.rfm.points).toHaveLength(Math.min(5000, result.overview.customers));
    expect(result.lifecycle.counts.reduce((a, b) => a + b, 0)).toBe(result.overview.customers);
    expect(result.lifecycle.stages).toHaveLength(result.lifecycle.counts.length);
  });

  it('stages at the end and RFM segments equal the library on the whole summary (classify with the BG/NBD P(alive); rfmScores + rfmSegments)', () => {
    // The reference: the library's own calls on the summary of the cleaned log, with the window
    // the analysis chose; at the last date and at an end early in the log (many new customers).
    for (const end of [undefined, '2023-03-31']) {
      const r = end === undefined ? result : analyze(table, { ...settings, end });
      const cleanedHere = end === undefined ? cleaned : cleanTransactions(records, { observationEnd: end });
      const s = summarize(cleanedHere.transactions, { unit: 'week', ...(end === undefined ? {} : { observationEnd: end }) });
      const lc = createLifecycle({ window: r.lifecycle.window });
      const classified = lc.classify(s, { model: fitBetaGeo(s) });
      expect(r.lifecycle.counts, `end ${end ?? 'last date'}`).toEqual(lc.stages.map((st) => classified.counts[st]));
      if (end !== undefined) expect(classified.counts['new']).toBeGreaterThan(0);
      const expected = new Map<string, number>();
      for (const name of rfmSegments(rfmScores(s))) expected.set(name, (expected.get(name) ?? 0) + 1);
      expect(new Map(r.rfm.segments.map((row) => [row.segment, row.customers]))).toEqual(expected);
    }
  });

  it('lifecycle: twelve month ends up to the observation end, transitions with rows summing to 1', () => {
    const lc = result.lifecycle;
    expect(lc.mix.at).toHaveLength(12);
    expect(lc.mix.at.at(-1)! <= result.overview.observationEnd).toBe(true);
    expect(lc.transitions.periods).toBe(11);
    for (const row of lc.transitions.probabilities) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(result.cohorts.cohorts[0]).toBe('2023-01');
    expect(result.cohorts.size.reduce((a, b) => a + b, 0)).toBe(result.overview.customers);
  });

  it('holdout: buckets sum to the calibration customers; the total equals calibrationHoldoutSplit', () => {
    const h = withHoldout.holdout!;
    const split = calibrationHoldoutSplit(cleaned.transactions, { calibrationEnd: '2024-06-30', unit: 'week' });
    expect(h.customers).toBe(split.calibration.size);
    expect(h.buckets.reduce((a, b) => a + b.customers, 0)).toBe(split.calibration.size);
    expect(h.totalActual).toBe(split.holdout.frequency.reduce((a, b) => a + b, 0));
    expect(h.buckets.reduce((a, b) => a + b.actual * b.customers, 0)).toBeCloseTo(h.totalActual, 9);
    expect(h.duration).toBe(split.holdout.duration);
    const cal = fitBetaGeo(split.calibration);
    expect(rel(h.calibrationFit!.params.r, cal.params.r)).toBeLessThan(1e-9);
    expect(rel(h.totalPredicted, cal.conditionalExpectedPurchases(h.duration, split.calibration).reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
    expect(h.auc).toBeGreaterThan(0.5);
    expect(h.auc).toBeLessThan(1);
    expect(h.boughtAgain).toHaveLength(h.customers);
    for (const s of h.score) expect(s >= 0 && s <= 1).toBe(true);
    // The full-period fit is the same with or without validation.
    expect(withHoldout.bgnbd).toEqual(result.bgnbd);
  });

  it('P(≥1 purchase) score equals 1 − P(X(t) = 0) of the model for a brand-new customer (x = 0, T = 0)', () => {
    // For x = t_x = T = 0 the conditional probability is the unconditional one, which the library has.
    const h = withHoldout.holdout!;
    const cal = h.calibrationFit!.params;
    const t = h.duration;
    const derived = -Math.expm1(cal.r * Math.log1p(-t / (cal.alpha + t)));
    expect(derived).toBeCloseTo(1 - Math.pow(cal.alpha / (cal.alpha + t), cal.r), 12);
  });

  it('is deterministic: the same seed gives the same JSON; another seed changes only the samples', () => {
    expect(stable(analyze(table, settings))).toBe(stable(result));
    const other = analyze(table, { ...settings, seed: 2, holdout: '2024-06-30' });
    expect(other.bgnbd).toEqual(withHoldout.bgnbd);
    expect(other.holdout!.auc).toBe(withHoldout.holdout!.auc);
    expect(other.rfm.segments).toEqual(withHoldout.rfm.segments);
  });

  it('gives the same result, number for number, whatever the size of the customer-range chunks', () => {
    // The reference is the same analysis in one chunk: every pass over the rows adds up its
    // chunks exactly (summaries laid end to end in the library's customer order, integer counts).
    const withSettings = { ...settings, holdout: '2024-06-30' };
    const whole = stable(analyze(table, withSettings, { chunkRows: Infinity }));
    expect(stable(withHoldout)).toBe(whole);
    for (const chunkRows of [1, 97, 1000]) expect(stable(analyze(table, withSettings, { chunkRows })), `chunks of ${chunkRows} rows`).toBe(whole);
  });

  it('keeps the library customer order in chunks when some ids are numbers and others are not', () => {
    // Numbers sort numerically only when every id is one: a chunk of numeric ids inside a log of
    // mixed ids must still follow the log's (string) order.
    const mixed = records.map((r, i) => ({ ...r, customerId: r.customerId === '' ? '' : i % 5 === 0 ? `x${String(r.customerId)}` : String(Number(String(r.customerId).replace(/\D/g, '')) * 7) }));
    const t = tableOf(mixed);
    const whole = analyze(t, settings, { chunkRows: Infinity });
    expect(stable(analyze(t, settings, { chunkRows: 50 }))).toBe(stable(whole));
    expect(whole.topCustomers.length).toBeGreaterThan(0);
  });

  it('empties a handed-over table once its rows are read (consume), with the same result', () => {
    const own = tableOf(records);
    const r = analyze(own, settings, { consume: true });
    expect(stable(r)).toBe(stable(result));
    expect(own.customerCode.length + own.timestamp.length + own.line.length + own.amount!.length).toBe(0);
    expect(table.timestamp.length).toBe(records.length); // not handed over: untouched
  });

  it('reports steps in order with timings and the peak RSS', () => {
    expect(result.timings.steps.map((s) => s.step)).toEqual(['clean', 'cohorts', 'summarize', 'lifecycle', 'fit', 'clv', 'stages', 'rfm']);
    expect(withHoldout.timings.steps.map((s) => s.step)).toContain('holdout');
    expect(result.timings.peakRssBytes).toBeGreaterThan(1e6);
    const labels: string[] = [];
    let collections = 0;
    analyze(table, settings, { onStep: (s) => labels.push(s), version: '9.9.9', collectGarbage: () => collections++ });
    expect(labels).toHaveLength(8);
    expect(collections).toBe(8); // one before each step
  });

  it('an observation end drops later rows and counts them', () => {
    const r = analyze(table, { ...settings, end: '2024-06-30' });
    const c = cleanTransactions(records, { observationEnd: '2024-06-30' });
    expect(r.cleaning.kept).toBe(c.report.keptRows);
    expect(r.cleaning.removed.find((x) => x.reason === 'after-observation-end')?.count).toBe(
      c.report.removed.find((x) => x.reason === 'after-observation-end')?.count,
    );
    expect(r.overview.observationEnd).toBe('2024-06-30');
    expect(r.lifecycle.mix.at.at(-1)).toBe('2024-06-30');
  });
});

describe('analyze without amounts', () => {
  const noAmount: TransactionTable = { ...table, amount: null, columns: { ...table.columns, amount: null } };
  const r = analyze(noAmount, settings);
  it('skips spend: no Gamma-Gamma, no CLV, top customers by expected purchases, with a note', () => {
    expect(r.gammaGamma).toBeNull();
    expect(r.overview.revenue).toBeNull();
    expect(r.overview.totalClv).toBeNull();
    expect(r.clvSample).toEqual([]);
    for (let k = 1; k < r.topCustomers.length; k++) expect(r.topCustomers[k - 1].expectedPurchases).toBeGreaterThanOrEqual(r.topCustomers[k].expectedPurchases);
    expect(r.topCustomers.every((t) => t.clv === null)).toBe(true);
    expect(r.rfm.segments.every((s) => s.revenueShare === null)).toBe(true);
    expect(r.notes?.some((n) => n.includes('no amount column'))).toBe(true);
  });
});

describe('analyze: errors for people', () => {
  it('all dates unreadable → exit 1 naming the date column and --date-format', () => {
    const bad: TransactionTable = {
      ...table,
      timestamp: new Float64Array(table.rows).fill(NaN),
      badCells: [{ line: 2, column: 'timestamp', value: '03/14/2024', problem: 'not an ISO date' }],
    };
    const e = thrown(() => analyze(bad, settings));
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(1);
    expect((e as CliError).message).toContain("column 'timestamp' is unreadable");
    expect((e as CliError).message).toContain('03/14/2024');
    expect((e as CliError).hint).toContain('--date-format');
  });

  it('most customer ids empty → exit 1 naming the customer column and --customer-col', () => {
    const bad: TransactionTable = { ...table, customerCode: table.customerCode.map((c, i) => (i % 3 === 0 ? c : 0)) };
    const e = thrown(() => analyze(bad, settings)) as CliError;
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain("column 'customerId'");
    expect(e.hint).toContain('--customer-col');
  });

  it('a holdout date outside the data period → exit 2', () => {
    for (const holdout of ['2022-01-01', '2024-12-30', '2025-03-01']) {
      const e = thrown(() => analyze(table, { ...settings, holdout })) as CliError;
      expect(e).toBeInstanceOf(CliError);
      expect(e.exitCode, holdout).toBe(2);
      expect(e.message).toContain('not inside the data period 2023-01-01 to 2024-12-30');
    }
  });

  it('an unreadable --end or --holdout → exit 2; an end before the data → exit 2', () => {
    expect((thrown(() => analyze(table, { ...settings, end: 'soon' })) as CliError).exitCode).toBe(2);
    expect((thrown(() => analyze(table, { ...settings, holdout: '2024-13-45' })) as CliError).exitCode).toBe(2);
    expect((thrown(() => analyze(table, { ...settings, end: '2020-01-01' })) as CliError).exitCode).toBe(2);
  });

  it('an empty table → exit 1', () => {
    const empty = tableOf([]);
    const e = thrown(() => analyze(empty, settings)) as CliError;
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('no data rows');
  });
});

describe('topIndices and sampleIndices', () => {
  it('topIndices equals a full sort by value (desc), ties by index', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), fc.integer({ min: 0, max: 70 }), (xs, k) => {
        const v = Float64Array.from(xs);
        const expected = xs.map((_, i) => i).sort((i, j) => v[j] - v[i] || i - j).slice(0, k);
        expect(topIndices(v, k)).toEqual(expected);
      }),
      { seed: 10, numRuns: 300 },
    );
  });
  it('sampleIndices: k distinct ascending indices in range, all when n ≤ k, reproducible', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 100 }), fc.integer(), (n, k, seed) => {
        const s = sampleIndices(n, k, createRandom(seed));
        expect(s.length).toBe(Math.min(n, k));
        for (let j = 1; j < s.length; j++) expect(s[j]).toBeGreaterThan(s[j - 1]);
        if (s.length > 0) expect(s[s.length - 1]).toBeLessThan(n);
        expect([...sampleIndices(n, k, createRandom(seed))]).toEqual([...s]);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});

// CDNOW (../shared/datasets/cdnow). The published BG/NBD fit (Fader, Hardie & Lee 2005: r = 0.2426,
// α = 4.4136, a = 0.7931, b = 2.4259) is on the 1/10 sample of 2,357 customers (CDNOW_sample.txt),
// calibration 1997-01-01 … 1997-09-30 (39 weeks), holdout to 1998-06-30 (39 weeks).
const SAMPLE = 'cdnow/CDNOW_sample.txt';
const MASTER = 'cdnow/CDNOW_master.txt';

/** CDNOW as the reader would give it: whitespace-separated, YYYYMMDD dates. */
function cdnowTable(path: string, idField: number, header: boolean): { table: TransactionTable; rows: { id: string; date: string }[] } {
  const text = readFileSync(path, 'utf8').split('\n');
  const ids: string[] = [];
  const ms: number[] = [];
  const amount: number[] = [];
  const line: number[] = [];
  const rows: { id: string; date: string }[] = [];
  text.forEach((l, k) => {
    if (header && k === 0) return;
    const f = l.trim().split(/\s+/);
    if (f.length < idField + 4) return;
    const d = f[idField + 1];
    ids.push(f[idField]);
    ms.push(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))));
    amount.push(Number(f[idField + 3]));
    line.push(k + 1);
    rows.push({ id: f[idField], date: d });
  });
  const table: TransactionTable = {
    ...tableOf([], path),
    rows: ids.length,
    ...encodeCustomerIds(ids),
    timestamp: Float64Array.from(ms),
    amount: Float64Array.from(amount),
    line: Int32Array.from(line),
    format: 'csv',
  };
  return { table, rows };
}

/** Holdout repeat purchases counted from the raw rows: distinct (customer, day) after 1997-09-30 up to 1998-06-30. */
function holdoutPurchaseDays(rows: readonly { id: string; date: string }[]): number {
  const days = new Set<string>();
  for (const r of rows) if (r.date > '19970930' && r.date <= '19980630') days.add(`${r.id} ${r.date}`);
  return days.size;
}

const cdnowSettings: AnalyzeSettings = { ...DEFAULT_SETTINGS, unit: 'week', end: '1998-06-30', holdout: '1997-09-30' };

describe.skipIf(datasetPath(SAMPLE) === null)(`CDNOW sample (${datasetPath(SAMPLE) === null ? missingMessage(SAMPLE) : '2,357 customers'})`, () => {
  it('the calibration fit reproduces FHL 2005 (1e-3 relative); holdout total equals the raw file’s count', () => {
    const { table: t, rows } = cdnowTable(datasetPath(SAMPLE)!, 1, false);
    const r = analyze(t, cdnowSettings);
    const h = r.holdout!;
    const published = { r: 0.2426, alpha: 4.4136, a: 0.7931, b: 2.4259 };
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(rel(h.calibrationFit!.params[k], published[k]), k).toBeLessThan(1e-3);
    expect(h.calibrationFit!.logLikelihood).toBeCloseTo(-9582.43, 2); // FHL 2005: −9582.4
    expect(h.customers).toBe(2357);
    expect(h.duration).toBe(39);
    expect(h.totalActual).toBe(holdoutPurchaseDays(rows));
  });
});

describe.skipIf(datasetPath(MASTER) === null)(`CDNOW master log (${datasetPath(MASTER) === null ? missingMessage(MASTER) : '69,659 rows, 23,570 customers'})`, () => {
  it('analyses the whole log: every customer, the 39-week holdout total counted from the raw file', () => {
    const { table: t, rows } = cdnowTable(datasetPath(MASTER)!, 0, true);
    expect(t.rows).toBe(69_659);
    const r = analyze(t, cdnowSettings);
    expect(r.overview.customers).toBe(23_570);
    expect(r.holdout!.customers).toBe(23_570);
    expect(r.holdout!.totalActual).toBe(holdoutPurchaseDays(rows));
    expect(r.bgnbd.converged).toBe(true);
    expect(r.holdout!.calibrationFit!.converged).toBe(true);
    expect(r.lifecycle.counts.reduce((a, b) => a + b, 0)).toBe(23_570);
  });
});
