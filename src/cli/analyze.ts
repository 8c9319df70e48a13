/**
 * The analysis behind `clmkit analyze`: a {@link TransactionTable} in, an {@link AnalysisResult}
 * out — cleaning report, BG/NBD and Gamma-Gamma fits, holdout validation, CLV and top customers,
 * RFM segments, lifecycle stages and transitions, monthly cohorts, and timings. Every number comes
 * from the library (`clmkit/data`, `clmkit/models`, `clmkit/segment`, `clmkit/lifecycle`,
 * `clmkit/metrics`); this module only chains the calls and condenses their outputs into plain,
 * JSON-able data for the terminal, `--json` and the HTML report.
 *
 * Built for logs of tens of millions of rows in bounded memory. The rows are laid out once in
 * chunks of consecutive customers (in the library's customer order, see chunks.ts), and every
 * pass over them — cleaning, cohorts, the holdout split, the summary, the lifecycle replay —
 * runs chunk by chunk, so that its working memory (the id hash map, per-row scratch) is one
 * chunk's; the per-chunk results add up to the whole log's exactly (tested against one chunk).
 * The passes over the rows come first; then, when the caller hands the table over
 * (`hooks.consume`), its columns go before the fits, CLV, stages and RFM, which read only the
 * per-customer summary (and RFM, last, only four of its columns).
 *
 * @internal
 * @module
 */
import { cleanTransactions, CLEAN_REASONS, type CleanReason } from '../data/clean.js';
import { cohortTable } from '../data/cohort.js';
import { calibrationHoldoutSplit } from '../data/split.js';
import { summarize } from '../data/summarize.js';
import { DAYS_PER_UNIT, MS_PER_DAY, daysFromMonthIndex, monthIndexFromDays, resolveEndMs } from '../data/time.js';
import type { CustomerSummary, TimeUnit, TransactionColumns } from '../data/types.js';
import { ClmError, ConvergenceError } from '../errors.js';
import { createLifecycle, type Lifecycle } from '../lifecycle/lifecycle.js';
import { resolveConfig } from '../lifecycle/config.js';
import { stageHistoryOfChunks, type PAliveScorer } from '../lifecycle/population.js';
import { createRandom, type Random } from '../math/random.js';
import { rocAuc } from '../metrics/classification.js';
import { betaGeoModel, fitBetaGeo, type BetaGeoModel } from '../models/btyd/betaGeo.js';
import { customerLifetimeValue, type SpendModel } from '../models/btyd/clv.js';
import { fitGammaGamma, gammaGammaModel, type GammaGammaModel, type SpendColumns } from '../models/btyd/gammaGamma.js';
import { rfmScores, rfmSegments } from '../segment/rfm.js';
import { CHUNK_ROWS, chunkColumns, chunkLayout, SummaryJoiner, type ChunkLayout } from './chunks.js';
import { CliError, EXIT } from './errors.js';
import type {
  AnalysisResult,
  AnalyzeSettings,
  BadCell,
  CleaningRow,
  HoldoutValidation,
  ModelFit,
  RfmSegmentRow,
  TopCustomer,
  TransactionTable,
} from './types.js';

/** The defaults of `clmkit analyze` (the flags override them). @internal */
export const DEFAULT_SETTINGS: AnalyzeSettings = Object.freeze({
  unit: 'week',
  end: undefined,
  holdout: undefined,
  horizon: 12,
  discountRate: 0.01,
  margin: 1,
  top: 10,
  seed: 1,
});

/** Optional hooks of {@link analyze}: progress labels, and the version written into the result. @internal */
export interface AnalyzeHooks {
  /** Called before each step with a short label (for a progress line). */
  readonly onStep?: (step: string) => void;
  /** clmkit's version, for the result. @defaultValue `'dev'` */
  readonly version?: string;
  /**
   * Hands the table over: once the passes over its rows are done, the analysis empties its
   * columns (zero-length arrays) so that their memory goes before the fits. The command line
   * reads a table for one analysis and sets this. @defaultValue false
   */
  readonly consume?: boolean;
  /** Rows per chunk of the passes over the rows (tests make it small). @defaultValue {@link CHUNK_ROWS} */
  readonly chunkRows?: number;
  /** A full garbage collection, run before each step (the command line passes one for large logs). */
  readonly collectGarbage?: () => void;
}
/** Source lines listed per cleaning reason. */
const LINES_PER_REASON = 10;
/** Size of the CLV and holdout score samples, and of the RFM scatter sample. */
const CLV_SAMPLE = 20_000;
const SCORE_SAMPLE = 20_000;
const POINT_SAMPLE = 5_000;
/** Reasons that mean a cell could not be read (the rest are the data's own problems). */
const UNREADABLE: readonly CleanReason[] = ['missing-id', 'invalid-timestamp', 'invalid-amount'];

/**
 * Runs the whole analysis of `clmkit analyze` on a table read by `readTransactions` (or
 * `sampleTable`). Throws {@link CliError} for input a person must fix (exit 1: an unreadable
 * column, no usable row; exit 2: an `--end`/`--holdout` outside the data), and lets the library's
 * typed errors through otherwise.
 * @internal
 */
export function analyze(table: TransactionTable, settings: AnalyzeSettings, hooks?: AnalyzeHooks): AnalysisResult {
  const t0 = performance.now();
  const steps: { step: string; ms: number }[] = [];
  const notes: string[] = [];
  const run = <T>(name: string, label: string, fn: () => T): T => {
    hooks?.collectGarbage?.();
    hooks?.onStep?.(label);
    const s = performance.now();
    const out = fn();
    steps.push({ step: name, ms: performance.now() - s });
    return out;
  };
  const unit = settings.unit;
  const endOption = settings.end === undefined ? undefined : dateOption(settings.end, '--end');
  const holdoutOption = settings.holdout === undefined ? undefined : dateOption(settings.holdout, '--holdout');
  // Independent streams for each random sample, drawn in a fixed order whatever is enabled.
  const root = createRandom(settings.seed);
  const rngHoldout = root.fork();
  const rngClv = root.fork();
  const rngPoints = root.fork();

  // 1. Cleaning, chunk by chunk: the rows are laid out in chunks of consecutive customers (in
  //    the library's customer order) once, and every pass over the rows below goes chunk by
  //    chunk, so its working memory is one chunk's (see chunks.ts).
  const chunkRows = hooks?.chunkRows ?? CHUNK_ROWS;
  const cleaned = run('clean', `cleaning ${table.rows.toLocaleString('en-US')} rows`, () =>
    cleanTable(table, chunkRows, endOption, settings.end, settings.keepDuplicates === true),
  );
  const { firstMs, lastMs } = cleaned;
  const endMs = endOption ?? lastMs;
  /** The kept rows of every chunk that has some, as library columns, with the chunk's index. */
  const chunkInputs = function* (): Generator<{ p: number; cols: TransactionColumns }> {
    const layout = cleaned.layout; // not held beyond the loop: cleaned.release() lets it go
    for (let p = 0; p < layout.chunks; p++) {
      if (cleaned.keptPerChunk[p] === 0) continue;
      yield { p, cols: chunkColumns(table, layout, p, cleaned.keep) };
    }
  };

  // 2. The monthly cohorts, and the holdout validation (fit on the calibration period, compare
  //    with what happened after).
  const cohorts = run('cohorts', 'building monthly cohorts', () => chunkedCohorts(chunkInputs(), endMs));
  let holdout: HoldoutValidation | null = null;
  if (holdoutOption !== undefined) {
    const h = holdoutOption;
    const holdoutText = settings.holdout!;
    holdout = run('holdout', 'validating on the holdout period', () =>
      holdoutValidation(chunkInputs(), cleaned.layout, table.customerIds, cleaned.customers, { calibrationMs: h, calibrationText: holdoutText, firstMs, endMs, unit, rng: rngHoldout, notes }),
    );
  }

  // 3. Summary of the whole period: the chunks' summaries end to end are the log's. It keeps
  //    the columns the steps below read (lifecycle.classify reads firstPurchase for "new"); of
  //    `transactions` only the total is reported (8 bytes a customer less: 80 MB at 10M customers).
  let transactionCount = 0;
  let s = run('summarize', 'summarizing customers', () => {
    const joiner = new SummaryJoiner(cleaned.layout, table.customerIds, cleaned.customers, [], ['frequency', 'recency', 'T', 'monetaryValue', 'totalSpend', 'firstPurchase', 'lastPurchase']);
    for (const { p, cols } of chunkInputs()) {
      const part = summarize(cols, { unit, observationEnd: endMs });
      transactionCount += sum(part.transactions);
      joiner.add(p, part);
    }
    return joiner.finish().summary;
  });

  // 4. The lifecycle's window ("bought recently" = within it) comes from the data unless given:
  //    a 30-day window on a shop whose customers buy every few months calls nearly everyone
  //    churned. Then the last pass over the rows: the stage mix at the last twelve month ends and
  //    the transitions between them.
  const window = settings.window ?? autoWindow(s);
  const lcEnd = createLifecycle({ window });
  const lcConfig = resolveConfig({ window });
  const history = run('lifecycle', 'replaying lifecycle stages', () => {
    const to = Math.floor(endMs / MS_PER_DAY) * MS_PER_DAY + MS_PER_DAY - 1;
    const lastMonth = monthIndexFromDays(Math.floor((to + 1) / MS_PER_DAY)) - 1; // the last month ended by `to`
    const firstMonth = Math.max(lastMonth - 11, monthIndexFromDays(Math.floor(firstMs / MS_PER_DAY)));
    const from = daysFromMonthIndex(firstMonth) * MS_PER_DAY;
    const months = lastMonth - firstMonth + 1;
    const both = months >= 1 ? stageHistoryOfChunks(lcConfig, () => mapIterable(chunkInputs(), (c) => c.cols), { every: 'month', from, to }) : null;
    const mix = both === null ? null : both.counts;
    const tm = both === null || months < 2 ? null : both.transitions;
    if (tm === null) notes.push('The stage transitions need at least two month ends in the data: none are shown.');
    return {
      mix: { at: mix === null ? [] : mix.at.map((d) => isoDate(d.getTime())), counts: mix === null ? [] : mix.counts.map((r) => [...r]) },
      transitions:
        tm === null
          ? { probabilities: [], counts: [], periods: 0 }
          : { probabilities: tm.probabilities.map((r) => [...r]), counts: tm.counts.map((r) => [...r]), periods: tm.periods },
    };
  });
  // The rows are not needed any more: let go of the layout, and of the table's columns when the
  // caller handed the table over.
  cleaned.release();
  if (hooks?.consume === true) releaseTable(table);

  // 5. The fits, and everything computed per customer from the summary.
  const fits = run('fit', 'fitting BG/NBD and Gamma-Gamma', () => fitModels(s, unit, notes));
  //    Predictions: P(alive), expected purchases and CLV over the horizon; top customers.
  const value = run('clv', 'computing CLV', () => predict(s, fits.bg, fits.spend, settings, rngClv));
  //    Lifecycle stages at the observation end, from the summary (vectorised).
  const counts = run('stages', 'classifying lifecycle stages', () => stageCountsAt(lcEnd, s, fits.bg));
  const totals = {
    customers: s.size,
    repeatCustomers: countPositive(s.frequency),
    revenue: s.hasMonetary ? sum(s.totalSpend) : null,
    transactions: transactionCount,
  };
  //    RFM segments, last: they read only the ids, last purchases, frequency and spend, so the
  //    other summary columns go first (at 3.5M customers, 140 MB less at the peak).
  s = rfmColumnsOnly(s);
  const rfm = run('rfm', 'scoring RFM segments', () => rfmTable(s, rngPoints));
  const lifecycle: AnalysisResult['lifecycle'] = {
    asOf: isoDate(endMs),
    window,
    windowSource: settings.window === undefined ? 'auto' : 'flag',
    stages: [...lcEnd.stages],
    counts,
    ...history,
  };

  const gg = fits.gg;
  const result: AnalysisResult = {
    version: hooks?.version ?? 'dev',
    source: { name: table.source, format: table.format, bytes: table.bytes, columns: table.columns },
    settings: { ...settings },
    cleaning: { rowsRead: table.rows, kept: cleaned.kept, removed: cleaned.removed, badCells: [...table.badCells] },
    overview: {
      firstDate: isoDate(firstMs),
      lastDate: isoDate(lastMs),
      observationEnd: isoDate(endMs),
      customers: totals.customers,
      transactions: totals.transactions,
      repeatCustomers: totals.repeatCustomers,
      revenue: totals.revenue,
      expectedPurchases: value.expectedPurchases,
      totalClv: value.totalClv,
      meanProbabilityAlive: value.meanProbabilityAlive,
    },
    bgnbd: fits.bgFit,
    gammaGamma:
      gg === null
        ? null
        : {
            params: { p: gg.model.params.p, q: gg.model.params.q, v: gg.model.params.v },
            logLikelihood: gg.model.logLikelihood,
            converged: gg.model.converged,
            iterations: gg.model.iterations,
            unit,
            customers: gg.model.customers,
            warnings: [...gg.model.warnings],
          },
    holdout,
    topCustomers: value.top,
    clvSample: value.clvSample,
    rfm,
    lifecycle,
    cohorts,
    timings: { steps, totalMs: performance.now() - t0, peakRssBytes: process.resourceUsage().maxRSS * 1024 },
    ...(notes.length > 0 ? { notes } : {}),
  };
  return result;
}

// ---------------------------------------------------------------------------------------------
// Cleaning

interface Cleaned {
  /** The rows in customer-range chunks (emptied by {@link release}). */
  readonly layout: ChunkLayout;
  /** 1 for each kept row (emptied by {@link release}). */
  readonly keep: Uint8Array;
  /** Kept rows per chunk. */
  readonly keptPerChunk: Int32Array;
  readonly kept: number;
  /** Customers with at least one kept row. */
  readonly customers: number;
  readonly removed: CleaningRow[];
  readonly firstMs: number;
  readonly lastMs: number;
  /** Lets go of the layout and the row flags. */
  release(): void;
}

/**
 * cleanTransactions on the table, by customer-range chunks of about `chunkRows` rows (an exact
 * duplicate is always a row of the same customer, so it is in the same chunk as its original and
 * the report is the whole log's), with the report mapped to source lines.
 */
function cleanTable(table: TransactionTable, chunkRows: number, endMs: number | undefined, endText: string | undefined, keepDuplicates: boolean): Cleaned {
  const n = table.rows;
  let layout = chunkLayout(table, chunkRows);
  const { order, start } = layout;
  let keep = new Uint8Array(n);
  const keptPerChunk = new Int32Array(layout.chunks);
  const counts = new Map<CleanReason, number>();
  const firstRows = new Map<CleanReason, number[]>();
  const descriptions = new Map<CleanReason, string>();
  for (let p = 0; p < layout.chunks; p++) {
    const a = start[p];
    const r = cleanTransactions(chunkColumns(table, layout, p, null), {
      ...(endMs === undefined ? {} : { observationEnd: endMs }),
      duplicates: keepDuplicates ? 'keep' : 'remove',
      maxReportedRows: LINES_PER_REASON,
    });
    const kept = r.kept;
    for (let j = 0; j < kept.length; j++) keep[order[a + kept[j]]] = 1;
    keptPerChunk[p] = kept.length;
    for (const rm of r.report.removed) {
      counts.set(rm.reason, (counts.get(rm.reason) ?? 0) + rm.count);
      descriptions.set(rm.reason, rm.description);
      const list = firstRows.get(rm.reason) ?? [];
      for (const j of rm.rows) list.push(order[a + j]);
      firstRows.set(rm.reason, list);
    }
  }

  const removed: CleaningRow[] = [];
  for (const reason of CLEAN_REASONS) {
    const count = counts.get(reason);
    if (count === undefined) continue;
    const rows = (firstRows.get(reason) ?? []).sort((x, y) => x - y).slice(0, LINES_PER_REASON);
    removed.push({ reason, description: describe(reason, descriptions.get(reason) ?? '', table), count, lines: rows.map((i) => table.line[i]) });
  }
  let keptCount = 0;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  const seen = new Uint8Array(table.customerIds.length);
  let customers = 0;
  for (let i = 0; i < n; i++) {
    if (keep[i] === 0) continue;
    keptCount++;
    const t = table.timestamp[i];
    if (t < firstMs) firstMs = t;
    if (t > lastMs) lastMs = t;
    const c = table.customerCode[i];
    if (seen[c] === 0) {
      seen[c] = 1;
      customers++;
    }
  }

  // Too much unreadable: a wrong column or date format, not dirty data.
  let unreadable = 0;
  let worst: CleanReason = 'invalid-timestamp';
  for (const reason of UNREADABLE) {
    const c = counts.get(reason) ?? 0;
    unreadable += c;
    if (c > (counts.get(worst) ?? 0)) worst = reason;
  }
  if (n > 0 && unreadable > n / 2) throw unreadableError(table, worst, counts.get(worst) ?? 0);
  if (keptCount === 0) {
    const after = counts.get('after-observation-end') ?? 0;
    if (after > 0 && endText !== undefined) {
      throw new CliError(`--end ${endText} is before every usable transaction: no rows are left to analyse`, EXIT.usage, 'pick an observation end inside the data, or leave --end out to use the last date');
    }
    throw new CliError(
      n === 0 ? `${table.source} has no data rows` : `no usable rows in ${table.source}: all ${n.toLocaleString('en-US')} rows were removed while cleaning`,
      EXIT.badInput,
      n === 0 ? undefined : 'check the column choices (--customer-col, --date-col, --amount-col) and the date format (--date-format)',
    );
  }
  return {
    get layout() {
      return layout;
    },
    get keep() {
      return keep;
    },
    keptPerChunk,
    kept: keptCount,
    customers,
    removed,
    firstMs,
    lastMs,
    release() {
      layout = chunkLayout({ customerCode: new Int32Array(0), customerIds: [''] });
      keep = new Uint8Array(0);
    },
  };
}

/** Empties a table handed over to {@link analyze} (`hooks.consume`): its row columns become zero-length. */
function releaseTable(table: TransactionTable): void {
  const t = table as { -readonly [K in keyof TransactionTable]: TransactionTable[K] };
  t.customerCode = new Int32Array(0);
  t.timestamp = new Float64Array(0);
  t.amount = t.amount === null ? null : new Float64Array(0);
  t.line = new Int32Array(0);
}

/**
 * The summary with only the columns `rfmScores` reads from a summary (recency as days since the
 * last purchase) and {@link rfmTable} reads; the others are zero-length, so that the caller's
 * copy can be the last reference to them.
 */
function rfmColumnsOnly(s: CustomerSummary): CustomerSummary {
  const none = new Float64Array(0);
  return { ...s, recency: none, T: none, monetaryValue: none, transactions: none, firstPurchase: none };
}

/** Maps the values of an iterable lazily. */
function* mapIterable<T, U>(it: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const t of it) yield f(t);
}

/**
 * cohortTable on each chunk, added up: chunks hold disjoint customers, so a cohort's size and its
 * active customers per period are the sums of the chunks' (and the retention their ratio).
 */
function chunkedCohorts(chunks: Iterable<{ cols: TransactionColumns }>, endMs: number): AnalysisResult['cohorts'] {
  const byStart = new Map<number, { label: string; size: number; active: number[] }>();
  for (const { cols } of chunks) {
    const c = cohortTable(cols, { observationEnd: endMs, period: 'month' });
    for (let i = 0; i < c.cohorts.length; i++) {
      const key = c.cohortStart[i].getTime();
      const row = byStart.get(key);
      if (row === undefined) byStart.set(key, { label: c.cohorts[i], size: c.size[i], active: [...c.activeCustomers[i]] });
      else {
        row.size += c.size[i];
        c.activeCustomers[i].forEach((v, k) => (row.active[k] += v));
      }
    }
  }
  const rows = [...byStart.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]);
  return { cohorts: rows.map((r) => r.label), size: rows.map((r) => r.size), retention: rows.map((r) => r.active.map((v) => v / r.size)) };
}

/** The library's description of a reason, in the table's column names. */
function describe(reason: CleanReason, library: string, table: TransactionTable): string {
  const c = table.columns;
  switch (reason) {
    case 'missing-id':
      return `customer id (${c.customer}) empty`;
    case 'invalid-timestamp':
      return `date (${c.date}) unreadable`;
    case 'invalid-amount':
      return `amount (${c.amount ?? 'amount'}) empty or not a number`;
    case 'negative-amount':
      return `amount (${c.amount ?? 'amount'}) below zero (a refund)`;
    case 'after-observation-end':
      return 'dated after the observation end (--end)';
    case 'duplicate':
      return 'exact duplicate of an earlier row (--keep-duplicates keeps them)';
    default:
      return library;
  }
}

function unreadableError(table: TransactionTable, reason: CleanReason, count: number): CliError {
  const c = table.columns;
  const column = reason === 'missing-id' ? c.customer : reason === 'invalid-timestamp' ? c.date : (c.amount ?? 'amount');
  const what = reason === 'missing-id' ? 'an empty customer id' : reason === 'invalid-timestamp' ? 'an unreadable date' : 'an unreadable amount';
  const cells = table.badCells.filter((b: BadCell) => b.column === column).slice(0, 3);
  const shown = cells.map((b) => `line ${b.line}: "${b.value}"${b.problem === '' ? '' : ` (${b.problem})`}`).join('; ');
  const message =
    `column '${column}' is unreadable: ${count.toLocaleString('en-US')} of ${table.rows.toLocaleString('en-US')} rows have ${what}` +
    (shown === '' ? '' : ` (${shown})`);
  const others = c.available.filter((a) => a !== column);
  const hint =
    reason === 'invalid-timestamp'
      ? `if the dates are like 03/14/2024 or 14/03/2024 pass --date-format mdy or dmy; if '${column}' is not the date column, pass --date-col (columns: ${others.join(', ')})`
      : reason === 'missing-id'
        ? `pass --customer-col with the customer id column (columns: ${others.join(', ')})`
        : `pass --amount-col with the amount column (columns: ${others.join(', ')})`;
  return new CliError(message, EXIT.badInput, hint);
}

// ---------------------------------------------------------------------------------------------
// Holdout validation

interface HoldoutArgs {
  readonly calibrationMs: number;
  readonly calibrationText: string;
  readonly firstMs: number;
  readonly endMs: number;
  readonly unit: TimeUnit;
  readonly rng: Random;
  readonly notes: string[];
}

function holdoutValidation(
  chunks: Iterable<{ p: number; cols: TransactionColumns }>,
  layout: ChunkLayout,
  names: readonly string[],
  customers: number,
  o: HoldoutArgs,
): HoldoutValidation {
  const calDay = Math.floor(o.calibrationMs / MS_PER_DAY);
  if (!(o.calibrationMs >= o.firstMs && calDay < Math.floor(o.endMs / MS_PER_DAY))) {
    throw new CliError(
      `--holdout ${o.calibrationText} is not inside the data period ${isoDate(o.firstMs)} to ${isoDate(o.endMs)}`,
      EXIT.usage,
      'the calibration period must end on or after the first date and before the observation end (the last date, or --end)',
    );
  }
  // calibrationHoldoutSplit chunk by chunk, the calibration summaries (and the holdout counts,
  // row for row) laid end to end.
  // The calibration summary keeps only the columns BG/NBD reads (x, t_x, T): at 3.5M customers
  // 140 MB less while the rows are still held.
  const joiner = new SummaryJoiner(layout, names, customers, ['actual'], ['frequency', 'recency', 'T']);
  let duration = NaN;
  for (const { p, cols } of chunks) {
    const split = calibrationHoldoutSplit(cols, { calibrationEnd: o.calibrationMs, observationEnd: o.endMs, unit: o.unit });
    duration = split.holdout.duration;
    joiner.add(p, split.calibration, { actual: split.holdout.frequency });
  }
  const joined = joiner.finish();
  const cal = joined.summary;
  const actual = joined.extra.actual;
  const fit = fitBetaGeoReporting(cal, o.unit, o.notes, 'calibration');
  const m = cal.size;
  const predicted = fit.model.conditionalExpectedPurchases(duration, cal);
  const alive = fit.model.probabilityAlive(cal);
  // P(≥ 1 purchase in the next t | x, t_x, T). The library's BG/NBD offers P(alive) and expected
  // purchases but not this probability, so it is derived here from its parameters (FHL 2005):
  // a customer alive at T stays alive until the next purchase, and their rate λ has the posterior
  // Gamma(r + x, α + T) given alive, so P(no purchase in t | alive) = ((α + T) / (α + T + t))^(r + x)
  // and P(≥ 1) = P(alive) · (1 − that).
  const { r, alpha } = fit.model.params;
  const score = new Float64Array(m);
  const bought = new Uint8Array(m);
  const bucketCustomers = new Float64Array(8);
  const bucketActual = new Float64Array(8);
  const bucketPredicted = new Float64Array(8);
  let totalActual = 0;
  let totalPredicted = 0;
  let absError = 0;
  for (let i = 0; i < m; i++) {
    const x = cal.frequency[i];
    const T = cal.T[i];
    score[i] = alive[i] * -Math.expm1((r + x) * Math.log1p(-duration / (alpha + T + duration)));
    bought[i] = actual[i] > 0 ? 1 : 0;
    const b = Math.min(x, 7);
    bucketCustomers[b]++;
    bucketActual[b] += actual[i];
    bucketPredicted[b] += predicted[i];
    totalActual += actual[i];
    totalPredicted += predicted[i];
    absError += Math.abs(predicted[i] - actual[i]);
  }
  const buckets: HoldoutValidation['buckets'][number][] = [];
  for (let b = 0; b < 8; b++) {
    const k = bucketCustomers[b];
    if (k === 0) continue;
    buckets.push({ frequency: b === 7 ? '7+' : String(b), customers: k, actual: bucketActual[b] / k, predicted: bucketPredicted[b] / k });
  }
  let auc = NaN;
  const positives = countPositive(bought);
  if (positives > 0 && positives < m) auc = rocAuc(bought, score);
  else o.notes.push(`Holdout AUC is undefined: ${positives === 0 ? 'no' : 'every'} calibration customer bought in the holdout period.`);
  const sample = sampleIndices(m, SCORE_SAMPLE, o.rng);
  return {
    calibrationEnd: isoDate(o.calibrationMs),
    holdoutEnd: isoDate(o.endMs),
    duration,
    customers: m,
    buckets,
    totalActual,
    totalPredicted,
    mae: m === 0 ? 0 : absError / m,
    boughtAgain: Array.from(sample, (i) => bought[i]),
    score: Array.from(sample, (i) => score[i]),
    auc,
    calibrationFit: fit.fit,
  };
}

// ---------------------------------------------------------------------------------------------
// Fits

interface Fits {
  readonly bg: BetaGeoModel;
  readonly bgFit: ModelFit<'r' | 'alpha' | 'a' | 'b'>;
  readonly gg: { readonly model: GammaGammaModel } | null;
  /** What CLV uses for spend (the Gamma-Gamma model, or a view of it; see {@link fitModels}). */
  readonly spend: SpendModel | null;
}

/** fitBetaGeo; when it does not converge, its best parameters, said in a note. */
function fitBetaGeoReporting(data: CustomerSummary, unit: TimeUnit, notes: string[], what: string): { model: BetaGeoModel; fit: ModelFit<'r' | 'alpha' | 'a' | 'b'> } {
  let model: BetaGeoModel;
  try {
    model = fitBetaGeo(data);
  } catch (e) {
    if (!(e instanceof ConvergenceError)) throw e;
    const p = e.bestParams;
    model = betaGeoModel({ r: p['r'], alpha: p['alpha'], a: p['a'], b: p['b'] });
    notes.push(`The ${what} BG/NBD fit did not converge after ${e.iterations} iterations (${e.message}); its predictions use the best parameters found.`);
    return { model, fit: { params: { ...model.params }, logLikelihood: e.bestLogLikelihood, converged: false, iterations: e.iterations, unit } };
  }
  if (!model.converged) notes.push(`The ${what} BG/NBD fit did not converge after ${model.iterations} iterations; its predictions use the parameters reached.`);
  const p = model.params;
  return { model, fit: { params: { r: p.r, alpha: p.alpha, a: p.a, b: p.b }, logLikelihood: model.logLikelihood, converged: model.converged, iterations: model.iterations, unit } };
}

/**
 * BG/NBD on every customer; Gamma-Gamma on the repeat buyers with a positive mean repeat spend.
 * Repeat buyers whose repeat purchases were all free (mean 0) carry no information for the
 * Gamma-Gamma density (which needs positive values) and are left out of its fit, said in a note;
 * their expected spend for CLV is the model's limit as their mean spend goes to 0⁺.
 */
function fitModels(s: CustomerSummary, unit: TimeUnit, notes: string[]): Fits {
  const { model: bg, fit: bgFit } = fitBetaGeoReporting(s, unit, notes, 'full-period');
  if (!s.hasMonetary) {
    notes.push('The log has no amount column: spend, Gamma-Gamma and CLV are left out; top customers are ranked by expected purchases.');
    return { bg, bgFit, gg: null, spend: null };
  }
  const m = s.size;
  let buyers = 0;
  let zero = 0;
  for (let i = 0; i < m; i++) {
    if (s.frequency[i] > 0) {
      if (s.monetaryValue[i] > 0) buyers++;
      else zero++;
    }
  }
  if (buyers < 2) {
    notes.push(`Gamma-Gamma was not fitted: it needs at least 2 repeat buyers with a positive spend, and there ${buyers === 1 ? 'is 1' : `are ${buyers}`}; CLV is left out.`);
    return { bg, bgFit, gg: null, spend: null };
  }
  let input: SpendColumns | CustomerSummary = s;
  if (zero > 0) {
    const frequency = Float64Array.from(s.frequency);
    for (let i = 0; i < m; i++) if (frequency[i] > 0 && !(s.monetaryValue[i] > 0)) frequency[i] = 0;
    input = { frequency, monetaryValue: s.monetaryValue };
    notes.push(`${zero.toLocaleString('en-US')} repeat ${zero === 1 ? 'buyer' : 'buyers'} spent nothing on their repeat purchases: ${zero === 1 ? 'it is' : 'they are'} left out of the Gamma-Gamma fit.`);
  }
  let gg: GammaGammaModel;
  try {
    gg = fitGammaGamma(input);
  } catch (e) {
    if (e instanceof ConvergenceError) {
      const p = e.bestParams;
      gg = gammaGammaModel({ p: p['p'], q: p['q'], v: p['v'] });
      notes.push(`The Gamma-Gamma fit did not converge after ${e.iterations} iterations (${e.message}); CLV uses the best parameters found.`);
    } else if (e instanceof ClmError) {
      notes.push(`Gamma-Gamma was not fitted: ${e.message}; CLV is left out.`);
      return { bg, bgFit, gg: null, spend: null };
    } else throw e;
  }
  if (!gg.converged && gg.iterations > 0) notes.push(`The Gamma-Gamma fit did not converge after ${gg.iterations} iterations.`);
  const spend: SpendModel =
    zero === 0
      ? gg
      : {
          // The smallest positive mean spend stands for 0⁺: E[M | x, m] = p(v + x m)/(p x + q − 1) at its limit.
          expectedAverageSpend: ((c: SpendColumns) => {
            const mv = Float64Array.from(c.monetaryValue as ArrayLike<number>);
            for (let i = 0; i < mv.length; i++) if (c.frequency[i] > 0 && !(mv[i] > 0)) mv[i] = Number.MIN_VALUE;
            return gg.expectedAverageSpend({ frequency: c.frequency, monetaryValue: mv });
          }) as SpendModel['expectedAverageSpend'],
        };
  return { bg, bgFit, gg: { model: gg }, spend };
}

// ---------------------------------------------------------------------------------------------
// Predictions

interface Value {
  readonly top: TopCustomer[];
  readonly clvSample: number[];
  readonly expectedPurchases: number;
  readonly totalClv: number | null;
  readonly meanProbabilityAlive: number;
}

function predict(s: CustomerSummary, bg: BetaGeoModel, spend: SpendModel | null, settings: AnalyzeSettings, rng: Random): Value {
  const m = s.size;
  const horizon = (settings.horizon * DAYS_PER_UNIT.month) / DAYS_PER_UNIT[s.unit];
  const alive = bg.probabilityAlive(s);
  const expected = bg.conditionalExpectedPurchases(horizon, s);
  const clv =
    spend === null
      ? null
      : customerLifetimeValue(bg, spend, s, { horizon: settings.horizon, unit: 'month', discountRate: settings.discountRate, margin: settings.margin });
  const rankBy = clv ?? expected;
  const topIdx = topIndices(rankBy, settings.top);
  const top: TopCustomer[] = topIdx.map((i) => ({
    customerId: s.customerId[i],
    frequency: s.frequency[i],
    recency: s.recency[i],
    T: s.T[i],
    monetaryValue: s.monetaryValue[i],
    probabilityAlive: alive[i],
    expectedPurchases: expected[i],
    clv: clv === null ? null : clv[i],
  }));
  const clvSample = clv === null ? [] : Array.from(sampleIndices(m, CLV_SAMPLE, rng), (i) => clv[i]);
  return {
    top,
    clvSample,
    expectedPurchases: sum(expected),
    totalClv: clv === null ? null : sum(clv),
    meanProbabilityAlive: m === 0 ? 0 : sum(alive) / m,
  };
}

/** Indices of the `k` largest values, largest first (ties: the earlier index first). @internal */
export function topIndices(values: Float64Array, k: number): number[] {
  const n = values.length;
  const size = Math.min(k, n);
  if (size <= 0) return [];
  // A min-heap of the best `size` seen so far; its root is the weakest.
  const heap = new Int32Array(size);
  let len = 0;
  const worse = (i: number, j: number): boolean => values[i] < values[j] || (values[i] === values[j] && i > j);
  const down = (at: number): void => {
    for (let p = at; ; ) {
      const l = 2 * p + 1;
      if (l >= len) return;
      const c = l + 1 < len && worse(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!worse(heap[c], heap[p])) return;
      const t = heap[c];
      heap[c] = heap[p];
      heap[p] = t;
      p = c;
    }
  };
  for (let i = 0; i < n; i++) {
    if (len < size) {
      let p = len++;
      heap[p] = i;
      while (p > 0) {
        const q = (p - 1) >> 1;
        if (!worse(heap[p], heap[q])) break;
        const t = heap[p];
        heap[p] = heap[q];
        heap[q] = t;
        p = q;
      }
    } else if (worse(heap[0], i)) {
      heap[0] = i;
      down(0);
    }
  }
  return Array.from(heap.subarray(0, len)).sort((i, j) => (worse(i, j) ? 1 : worse(j, i) ? -1 : 0));
}

/** `k` of `0 … n − 1` drawn without replacement (all of them when n ≤ k), ascending: Knuth's selection sampling. @internal */
export function sampleIndices(n: number, k: number, rng: Random): Int32Array {
  if (n <= k) return Int32Array.from({ length: n }, (_, i) => i);
  const out = new Int32Array(k);
  let chosen = 0;
  for (let i = 0; i < n && chosen < k; i++) if ((n - i) * rng.next() < k - chosen) out[chosen++] = i;
  return out;
}

// ---------------------------------------------------------------------------------------------
// RFM

function rfmTable(s: CustomerSummary, rng: Random): AnalysisResult['rfm'] {
  const m = s.size;
  // Without amounts every monetary value is 0 and would be ranked by row order: score M on the
  // purchase occasions instead, so that segments depend on recency and frequency only.
  const scores = s.hasMonetary
    ? rfmScores(s)
    : (() => {
        const base = rfmScores(s);
        return rfmScores({ customerId: base.customerId, recency: base.recency, frequency: base.frequency, monetary: base.frequency });
      })();
  const segments = rfmSegments(scores);
  const names = new Map<string, number>();
  const segOf = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const name = segments[i];
    let k = names.get(name);
    if (k === undefined) {
      k = names.size;
      names.set(name, k);
    }
    segOf[i] = k;
  }
  const S = names.size;
  const count = new Float64Array(S);
  const rec = new Float64Array(S);
  const freq = new Float64Array(S);
  const mon = new Float64Array(S);
  const rev = new Float64Array(S);
  let revenue = 0;
  for (let i = 0; i < m; i++) {
    const k = segOf[i];
    count[k]++;
    rec[k] += scores.recency[i];
    freq[k] += s.frequency[i] + 1;
    mon[k] += s.hasMonetary ? scores.monetary[i] : 0;
    rev[k] += s.totalSpend[i];
    revenue += s.totalSpend[i];
  }
  const table: RfmSegmentRow[] = [...names.entries()].map(([segment, k]) => ({
    segment,
    customers: count[k],
    share: count[k] / m,
    recencyDays: rec[k] / count[k],
    frequency: freq[k] / count[k],
    monetary: mon[k] / count[k],
    revenueShare: s.hasMonetary ? (revenue > 0 ? rev[k] / revenue : 0) : null,
  }));
  table.sort((a, b) => b.customers - a.customers || (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0));
  const points = Array.from(sampleIndices(m, POINT_SAMPLE, rng), (i) => ({
    recency: scores.recency[i],
    frequency: s.frequency[i] + 1,
    monetary: s.hasMonetary ? scores.monetary[i] : 0,
    segment: segments[i],
  }));
  return { segments: table, points };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

/**
 * Customers per stage (in stage order) at the summary's observation end, with the BG/NBD model's
 * P(alive) as the score (recent customers below the lifecycle's threshold are at risk); the
 * classification itself is dropped.
 */
function stageCountsAt(lc: Lifecycle, s: CustomerSummary, model: PAliveScorer): number[] {
  const cls = lc.classify(s, { model });
  return lc.stages.map((st) => cls.counts[st]);
}

/**
 * The automatic lifecycle window, in whole days: the mean time between purchase occasions over
 * every repeat purchase in the log (Σ recency / Σ repeat purchases, converted to days), so that a
 * customer buying at the shop's usual pace counts as recent; clamped to [7, 365], and 30 (the
 * library's default) when nobody bought twice.
 */
function autoWindow(s: CustomerSummary): number {
  let gaps = 0;
  let repeats = 0;
  for (let i = 0; i < s.size; i++) {
    gaps += s.recency[i];
    repeats += s.frequency[i];
  }
  if (repeats === 0) return 30;
  return Math.min(365, Math.max(7, Math.ceil((gaps / repeats) * DAYS_PER_UNIT[s.unit])));
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function dateOption(text: string, flag: string): number {
  const ms = resolveEndMs(text);
  if (!Number.isFinite(ms)) throw new CliError(`${flag} '${text}' is not a date; use ISO 8601, e.g. 2024-06-30`, EXIT.usage);
  return ms;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function sum(a: ArrayLike<number>): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i];
  return t;
}

function countPositive(a: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > 0) c++;
  return c;
}
