/**
 * Helpers for the HTML report tests: where headless Chromium is (and whether a missing one skips
 * or fails), and a hand-built {@link AnalysisResult} whose every field is under the test's control
 * (hostile strings, sections present or absent) without running an analysis.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_SETTINGS, analyze } from '../../src/cli/analyze.js';
import { sampleTable } from '../../src/cli/read.js';
import type { AnalysisResult } from '../../src/cli/types.js';

/** The Chromium binary: `$CLMKIT_CHROMIUM`, else Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env['CLMKIT_CHROMIUM'] ?? '/usr/bin/chromium';

/** True when the browser must be there (CI sets CLMKIT_REQUIRE_BROWSER=1): a missing one fails. */
export const REQUIRE_BROWSER = process.env['CLMKIT_REQUIRE_BROWSER'] === '1';

/** Whether the Chromium binary exists. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** What is missing and how to get it (the browser tests skip with this, or fail under CLMKIT_REQUIRE_BROWSER=1). */
export function missingBrowserMessage(): string {
  return `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or point CLMKIT_CHROMIUM at a Chromium binary)`;
}

/** A small deterministic generator (LCG) for the fixture's arrays. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** What {@link handBuiltResult} can vary. */
export interface FixtureOptions {
  /** Include holdout validation. @defaultValue true */
  readonly holdout?: boolean;
  /** Include amounts (revenue, Gamma-Gamma, CLV). @defaultValue true */
  readonly amounts?: boolean;
  /** A string put into every free-text field that comes from the data (ids, names, labels). */
  readonly hostile?: string;
}

/**
 * A complete, internally consistent {@link AnalysisResult} built by hand (CDNOW-like BG/NBD
 * parameters in weeks, 400 customers), for report tests that need control over every field.
 */
export function handBuiltResult(options: FixtureOptions = {}): AnalysisResult {
  const withHoldout = options.holdout ?? true;
  const withAmounts = options.amounts ?? true;
  const bad = options.hostile ?? '';
  const rand = lcg(7);
  const customers = 400;
  const stages = ['new', 'active', 'at risk', 'lapsed'].map((s, i) => (i === 2 ? `${s}${bad}` : s));
  const segments = ['Champions', 'Loyal', 'Need attention', 'Hibernating'].map((s, i) => (i === 0 ? `${s}${bad}` : s));
  const boughtAgain: number[] = [];
  const score: number[] = [];
  for (let i = 0; i < 300; i++) {
    const s = rand();
    score.push(s);
    boughtAgain.push(rand() < s ? 1 : 0);
  }
  const clvSample = Array.from({ length: customers }, () => Math.round(-Math.log(1 - rand()) * 80 * 100) / 100);
  const points = Array.from({ length: 200 }, (_v, i) => ({
    recency: Math.floor(rand() * 500),
    frequency: 1 + Math.floor(-Math.log(1 - rand()) * 3),
    monetary: 10 + rand() * 90,
    segment: segments[i % segments.length],
  }));
  const months = ['2023-07-31', '2023-08-31', '2023-09-30', '2023-10-31', '2023-11-30', '2023-12-31', '2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31', '2024-06-30'];
  const mix = months.map((_m, i) => [20 + i, 80 + 3 * i, 40 + 2 * i, 10 + 8 * i]);
  const cohorts = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', `2023-06${bad}`];
  const retention = cohorts.map((_c, i) => Array.from({ length: cohorts.length - i }, (_v, k) => (k === 0 ? 1 : 0.5 * Math.pow(0.85, k))));
  const result: AnalysisResult = {
    version: '0.1.0',
    source: {
      name: `orders${bad}.csv`,
      format: 'csv',
      bytes: 123_456,
      columns: {
        customer: `customer_id${bad}`,
        date: 'order_date',
        amount: withAmounts ? 'amount' : null,
        detected: { customer: true, date: true, amount: withAmounts },
        available: [`customer_id${bad}`, 'order_date', ...(withAmounts ? ['amount'] : []), 'channel'],
      },
    },
    settings: { unit: 'week', end: undefined, holdout: withHoldout ? '2024-03-31' : undefined, horizon: 12, discountRate: 0.01, margin: 1, top: 5, seed: 1 },
    cleaning: {
      rowsRead: 2_510,
      kept: 2_500,
      removed: [
        { reason: 'bad-date', description: `date could not be read${bad}`, count: 7, lines: [12, 40, 41] },
        { reason: 'missing-customer', description: 'empty customer id', count: 3, lines: [99] },
      ],
      badCells: [{ line: 12, column: 'order_date', value: `31/02/2024${bad}`, problem: 'not a date' }],
    },
    overview: {
      firstDate: '2023-01-01',
      lastDate: '2024-06-30',
      observationEnd: '2024-06-30',
      customers,
      transactions: 2_500,
      repeatCustomers: 260,
      revenue: withAmounts ? 98_765.43 : null,
      expectedPurchases: 812.345,
      totalClv: withAmounts ? 31_234.56 : null,
      meanProbabilityAlive: 0.6123,
    },
    bgnbd: { params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, logLikelihood: -9582.43, converged: true, iterations: 21, unit: 'week' },
    gammaGamma: withAmounts ? { params: { p: 6.25, q: 3.74, v: 15.44 }, logLikelihood: -4012.1, converged: true, iterations: 30, unit: 'week', customers: 260, warnings: [`spend and frequency correlate weakly (r = 0.11)${bad}`] } : null,
    holdout: withHoldout
      ? {
          calibrationEnd: '2024-03-31',
          holdoutEnd: '2024-06-30',
          duration: 13,
          customers,
          buckets: ['0', '1', '2', '3', '4', '5', '6', '7+'].map((f, i) => ({ frequency: f, customers: 120 - 12 * i, actual: 0.1 + 0.35 * i, predicted: 0.12 + 0.33 * i })),
          totalActual: 420,
          totalPredicted: 433.7,
          mae: 0.812,
          boughtAgain,
          score,
          auc: 0.74,
          calibrationFit: { params: { r: 0.25, alpha: 4.6, a: 0.62, b: 1.8 }, logLikelihood: -7001.5, converged: true, iterations: 18, unit: 'week' },
        }
      : null,
    topCustomers: Array.from({ length: 5 }, (_v, i) => ({
      customerId: i === 0 ? `C0001${bad}` : `C000${i + 1}`,
      frequency: 20 - i,
      recency: 70 - i,
      T: 78,
      monetaryValue: withAmounts ? 120 - 10 * i : 0,
      probabilityAlive: 0.95 - 0.02 * i,
      expectedPurchases: 6 - 0.5 * i,
      clv: withAmounts ? 900 - 80 * i : null,
    })),
    clvSample: withAmounts ? clvSample : [],
    rfm: {
      segments: segments.map((s, i) => ({ segment: s, customers: 100, share: 0.25, recencyDays: 20 + 100 * i, frequency: 6 - i, monetary: 60 - 10 * i, revenueShare: withAmounts ? [0.5, 0.3, 0.15, 0.05][i] : null })),
      points,
    },
    lifecycle: {
      asOf: '2024-06-30',
      window: 45,
      windowSource: 'auto',
      stages,
      counts: mix[mix.length - 1],
      mix: { at: months, counts: mix },
      transitions: {
        probabilities: [
          [0, 0.6, 0.3, 0.1],
          [0, 0.7, 0.2, 0.1],
          [0, 0.3, 0.4, 0.3],
          [0, 0.05, 0.05, 0.9],
        ],
        counts: [
          [0, 60, 30, 10],
          [0, 700, 200, 100],
          [0, 30, 40, 30],
          [0, 5, 5, 90],
        ],
        periods: 11,
      },
    },
    cohorts: { cohorts, size: [50, 60, 70, 80, 70, 70], retention },
    notes: [`The calibration BG/NBD fit took a while${bad}.`],
    timings: { steps: [{ step: 'read', ms: 12.3 }, { step: 'fit', ms: 45.6 }], totalMs: 60.2, peakRssBytes: 150_000_000 },
  };
  return result;
}

let sample: AnalysisResult | undefined;

/**
 * The analysis the report tests render: `clmkit demo --holdout 2024-06-30`, i.e. the bundled
 * simulated log (2,998 customers) with holdout validation. Computed once per test file.
 */
export function sampleResult(): AnalysisResult {
  sample ??= analyze(sampleTable(), { ...DEFAULT_SETTINGS, holdout: '2024-06-30' });
  return sample;
}
