/**
 * The analysis behind `clmkit analyze`: a {@link TransactionTable} in, an {@link AnalysisResult}
 * out — cleaning report, BG/NBD and Gamma-Gamma fits, holdout validation, CLV and top customers,
 * RFM segments, lifecycle stages and transitions, monthly cohorts, and timings. Every number comes
 * from the library (`clmkit/data`, `clmkit/models`, `clmkit/segment`, `clmkit/lifecycle`,
 * `clmkit/metrics`); this module only chains the calls and condenses their outputs into plain,
 * JSON-able data for the terminal, `--json` and the HTML report.
 *
 * Built for logs of tens of millions of rows: the library reads the table's own columns (interned
 * id strings, epoch-ms and amount typed arrays) without copies when cleaning removes nothing,
 * cleaning runs on customer-disjoint chunks (its duplicate check keeps per-row hash tables, fast
 * only while small; exact duplicates are always rows of one customer, so the chunked report is
 * the whole log's), and the per-customer summary is let go before the row-level lifecycle and
 * cohort passes.
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
import { stageHistoryOf, type PAliveScorer } from '../lifecycle/population.js';
import { createRandom, type Random } from '../math/random.js';
import { rocAuc } from '../metrics/classification.js';
import { betaGeoModel, fitBetaGeo, type BetaGeoModel } from '../models/btyd/betaGeo.js';
import { customerLifetimeValue, type SpendModel } from '../models/btyd/clv.js';
import { fitGammaGamma, gammaGammaModel, type GammaGammaModel, type SpendColumns } from '../models/btyd/gammaGamma.js';
import { rfmScores, rfmSegments } from '../segment/rfm.js';
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
}

/** Rows per cleaning chunk: cleanTransactions keeps per-row hash tables (its duplicate check), fastest while they stay small (10M rows: 2.2 s CPU in chunks of 50,000, 5.1 s of 1,000,000, 13 s in one). */
const CLEAN_CHUNK_ROWS = 50_000;
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

  // 1. Cleaning.
  const cleaned = run('clean', `cleaning ${table.rows.toLocaleString('en-US')} rows`, () => cleanTable(table, endOption, settings.end));
  let cols: TransactionColumns | null = cleaned.columns;
  const { firstMs, lastMs } = cleaned;
  const endMs = endOption ?? lastMs;

  // 2. The passes over the log that need every row: the monthly cohorts and the holdout
  //    validation (fit on the calibration period, compare with what happened after).
  const cohorts = run('cohorts', 'building monthly cohorts', () => {
    const c = cohortTable(cols!, { observationEnd: endMs, period: 'month' });
    return { cohorts: [...c.cohorts], size: [...c.size], retention: c.retention.map((r) => [...r]) };
  });
  let holdout: HoldoutValidation | null = null;
  if (holdoutOption !== undefined) {
    const h = holdoutOption;
    const holdoutText = settings.holdout!;
    holdout = run('holdout', 'validating on the holdout period', () =>
      holdoutValidation(cols!, { calibrationMs: h, calibrationText: holdoutText, firstMs, endMs, unit, rng: rngHoldout, notes }),
    );
  }

  // 3. Summary of the whole period, the fits, and everything computed per customer. Only small
  //    results leave this block, so the summary is garbage before the lifecycle passes below
  //    (at 10M rows and 3.5M customers, holding it through them raised the peak by ~350 MB).
  const perCustomer = ((): {
    fits: ReturnType<typeof fitModels>;
    value: ReturnType<typeof predict>;
    rfm: ReturnType<typeof rfmTable>;
    counts: number[];
    window: number;
    stages: readonly string[];
    totals: { customers: number; repeatCustomers: number; revenue: number | null; transactions: number };
  } => {
    const s = run('summarize', 'summarizing customers', () => summarize(cols!, { unit, observationEnd: endMs }));
    const fits = run('fit', 'fitting BG/NBD and Gamma-Gamma', () => fitModels(s, unit, notes));

    // The lifecycle's window ("bought recently" = within it) comes from the data unless given: a
    // 30-day window on a shop whose customers buy every few months calls nearly everyone churned.
    const window = settings.window ?? autoWindow(s);
    const lcEnd = createLifecycle({ window });

    // 4. Predictions: P(alive), expected purchases and CLV over the horizon; top customers.
    const value = run('clv', 'computing CLV', () => predict(s, fits.bg, fits.spend, settings, rngClv));

    // 5. RFM segments.
    const rfm = run('rfm', 'scoring RFM segments', () => rfmTable(s, rngPoints));

    // 6. Lifecycle stages at the observation end, from the summary (vectorised).
    const counts = run('stages', 'classifying lifecycle stages', () => stageCountsAt(lcEnd, s, fits.bg));

    const totals = {
      customers: s.size,
      repeatCustomers: countPositive(s.frequency),
      revenue: s.hasMonetary ? sum(s.totalSpend) : null,
      transactions: sum(s.transactions),
    };
    return { fits, value, rfm, counts, window, stages: lcEnd.stages, totals };
  })();
  const { fits, value, rfm, counts, window, totals } = perCustomer;

  // 7. The lifecycle passes over the log: the stage mix at the last twelve month ends and the
  //    transitions between them.
  //    One parse and grouping of the log serves both (lifecycle.stageCounts and
  //    lifecycle.transitionMatrix would each group it again: at 10M rows, ~300 MB more at the peak).
  const lcConfig = resolveConfig({ window });
  const history = run('lifecycle', 'replaying lifecycle stages', () => {
    const to = Math.floor(endMs / MS_PER_DAY) * MS_PER_DAY + MS_PER_DAY - 1;
    const lastMonth = monthIndexFromDays(Math.floor((to + 1) / MS_PER_DAY)) - 1; // the last month ended by `to`
    const firstMonth = Math.max(lastMonth - 11, monthIndexFromDays(Math.floor(firstMs / MS_PER_DAY)));
    const from = daysFromMonthIndex(firstMonth) * MS_PER_DAY;
    const months = lastMonth - firstMonth + 1;
    const both = months >= 1 ? stageHistoryOf(lcConfig, cols!, { every: 'month', from, to }) : null;
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
  cols = null;
  const lifecycle: AnalysisResult['lifecycle'] = {
    asOf: isoDate(endMs),
    window,
    windowSource: settings.window === undefined ? 'auto' : 'flag',
    stages: [...perCustomer.stages],
    counts,
    ...history,
  };

  const gg = fits.gg;
  const result: AnalysisResult = {
    version: hooks?.version ?? 'dev',
    source: { name: table.source, format: table.format, bytes: table.bytes, columns: table.columns },
    settings: { ...settings },
    cleaning: { rowsRead: table.rows, kept: cleaned.kept, removed: cleaned.removed, badCells: table.badCells },
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
  /** The kept rows as columns (the table's own arrays when nothing was removed). */
  readonly columns: TransactionColumns;
  readonly kept: number;
  readonly removed: CleaningRow[];
  readonly firstMs: number;
  readonly lastMs: number;
}

/**
 * cleanTransactions on the table, by customer-disjoint chunks of about CLEAN_CHUNK_ROWS rows
 * (customers are spread over the chunks by a hash of their id, so an exact duplicate — always a
 * row of the same customer — is in the same chunk as its original and the report is the whole
 * log's), with the report mapped to source lines; then the kept rows as columns for the other steps.
 */
function cleanTable(table: TransactionTable, endMs: number | undefined, endText: string | undefined): Cleaned {
  const n = table.rows;
  const chunks = Math.max(1, Math.ceil(n / CLEAN_CHUNK_ROWS));
  // `order` lists each chunk's rows, in input order within the chunk.
  const start = new Int32Array(chunks + 1);
  let order: Int32Array | null = null;
  if (chunks > 1) {
    order = new Int32Array(n);
    const chunkOf = order; // the chunk of each row first, then (in place of it) the order
    let last: string | undefined = undefined;
    let lastChunk = 0;
    for (let i = 0; i < n; i++) {
      const id = table.customerId[i];
      if (id !== last) {
        last = id;
        lastChunk = hashId(id) % chunks;
      }
      chunkOf[i] = lastChunk;
      start[lastChunk + 1]++;
    }
    for (let p = 0; p < chunks; p++) start[p + 1] += start[p];
    const rowsOf = new Int32Array(n);
    const fill = start.slice(0, chunks);
    for (let i = 0; i < n; i++) rowsOf[fill[chunkOf[i]]++] = i;
    order = rowsOf;
  } else start[1] = n;

  const keep = new Uint8Array(n);
  const counts = new Map<CleanReason, number>();
  const firstRows = new Map<CleanReason, number[]>();
  const descriptions = new Map<CleanReason, string>();
  const amount = table.amount;
  for (let p = 0; p < chunks; p++) {
    const a = start[p];
    const len = start[p + 1] - a;
    let input: TransactionColumns;
    if (order === null) {
      input = amount === null ? { customerId: table.customerId, timestamp: table.timestamp } : { customerId: table.customerId, timestamp: table.timestamp, amount };
    } else {
      const ids = new Array<string>(len);
      const ts = new Float64Array(len);
      const am = amount === null ? null : new Float64Array(len);
      for (let j = 0; j < len; j++) {
        const i = order[a + j];
        ids[j] = table.customerId[i];
        ts[j] = table.timestamp[i];
        if (am !== null) am[j] = amount![i];
      }
      input = am === null ? { customerId: ids, timestamp: ts } : { customerId: ids, timestamp: ts, amount: am };
    }
    const r = cleanTransactions(input, { ...(endMs === undefined ? {} : { observationEnd: endMs }), maxReportedRows: LINES_PER_REASON });
    const kept = r.kept;
    for (let j = 0; j < kept.length; j++) keep[order === null ? kept[j] : order[a + kept[j]]] = 1;
    for (const rm of r.report.removed) {
      counts.set(rm.reason, (counts.get(rm.reason) ?? 0) + rm.count);
      descriptions.set(rm.reason, rm.description);
      const list = firstRows.get(rm.reason) ?? [];
      for (const j of rm.rows) list.push(order === null ? j : order[a + j]);
      firstRows.set(rm.reason, list);
    }
  }
  order = null;

  const removed: CleaningRow[] = [];
  for (const reason of CLEAN_REASONS) {
    const count = counts.get(reason);
    if (count === undefined) continue;
    const rows = (firstRows.get(reason) ?? []).sort((x, y) => x - y).slice(0, LINES_PER_REASON);
    removed.push({ reason, description: describe(reason, descriptions.get(reason) ?? '', table), count, lines: rows.map((i) => table.line[i]) });
  }
  let keptCount = 0;
  for (let i = 0; i < n; i++) keptCount += keep[i];

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

  // The kept rows as columns. Without removals the table's own arrays serve as they are.
  let ids = table.customerId;
  let ts = table.timestamp;
  let am = amount;
  if (keptCount < n) {
    ids = new Array<string>(keptCount);
    ts = new Float64Array(keptCount);
    am = amount === null ? null : new Float64Array(keptCount);
    for (let i = 0, j = 0; i < n; i++) {
      if (keep[i] === 0) continue;
      ids[j] = table.customerId[i];
      ts[j] = table.timestamp[i];
      if (am !== null) am[j] = amount![i];
      j++;
    }
  }
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (let j = 0; j < keptCount; j++) {
    const t = ts[j];
    if (t < firstMs) firstMs = t;
    if (t > lastMs) lastMs = t;
  }
  const columns: TransactionColumns = am === null ? { customerId: ids, timestamp: ts } : { customerId: ids, timestamp: ts, amount: am };
  return { columns, kept: keptCount, removed, firstMs, lastMs };
}

/** FNV-1a hash of a string's UTF-16 code units (spreads customers over the cleaning chunks). */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
  return h >>> 0;
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
      return 'exact duplicate of an earlier row';
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

function holdoutValidation(cols: TransactionColumns, o: HoldoutArgs): HoldoutValidation {
  const calDay = Math.floor(o.calibrationMs / MS_PER_DAY);
  if (!(o.calibrationMs >= o.firstMs && calDay < Math.floor(o.endMs / MS_PER_DAY))) {
    throw new CliError(
      `--holdout ${o.calibrationText} is not inside the data period ${isoDate(o.firstMs)} to ${isoDate(o.endMs)}`,
      EXIT.usage,
      'the calibration period must end on or after the first date and before the observation end (the last date, or --end)',
    );
  }
  const split = calibrationHoldoutSplit(cols, { calibrationEnd: o.calibrationMs, observationEnd: o.endMs, unit: o.unit });
  const cal = split.calibration;
  const actual = split.holdout.frequency;
  const duration = split.holdout.duration;
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
    return { model, fit: { params: { ...model.params }, logLikelihood: NaN, converged: false, iterations: e.iterations, unit } };
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
