/**
 * The data contracts between the parts of the `clmkit` command line: the reader (`read.ts`)
 * produces a {@link TransactionTable}; the analysis (`analyze.ts`) turns it into an
 * {@link AnalysisResult}, which the terminal renderer (`text.ts`), `--json` and the HTML report
 * (`report.ts`) all consume. Plain data only, so `--json` is `JSON.stringify(result)`.
 *
 * @internal
 * @module
 */
import type { TimeUnit } from '../data/types.js';

/** Which input column holds what, and whether it was auto-detected or given by a flag. @internal */
export interface ColumnChoice {
  readonly customer: string;
  readonly date: string;
  /** null when the input has no amount column (the analysis then skips spend and CLV). */
  readonly amount: string | null;
  /** Which of the three were auto-detected from common names (the rest came from flags). */
  readonly detected: { readonly customer: boolean; readonly date: boolean; readonly amount: boolean };
  /** Every column name found in the header (or in the first JSON line), in file order. */
  readonly available: readonly string[];
}

/** One unreadable cell, for the cleaning report and error messages. @internal */
export interface BadCell {
  /** 1-based line number in the source file (the header is line 1). */
  readonly line: number;
  readonly column: string;
  /** The raw text of the cell (truncated to 40 characters). */
  readonly value: string;
  readonly problem: string;
}

/**
 * A transaction log read into columns, one entry per data row (header and blank lines excluded),
 * in file order. Unreadable cells are kept as markers so that cleaning counts and reports them:
 * an empty customer id has code 0, an unreadable date is `NaN`, an empty or non-numeric amount is `NaN`.
 * @internal
 */
export interface TransactionTable {
  /** Data rows read. */
  readonly rows: number;
  /**
   * Customer id of each row as a code into {@link customerIds}: code 0 is the empty id, equal ids
   * share one code (4 bytes a row, and the analysis groups rows by customer without hashing strings).
   */
  readonly customerCode: Int32Array;
  /** The id of each code: `customerIds[customerCode[i]]` is row `i`'s id; `customerIds[0]` is `''`. */
  readonly customerIds: readonly string[];
  /** Epoch milliseconds per row (dates without an offset are UTC), NaN when unreadable. */
  readonly timestamp: Float64Array;
  /** Amount per row, NaN when empty or unreadable; null when there is no amount column. */
  readonly amount: Float64Array | null;
  /** 1-based source line of each row (differs from row + 2 after blank lines or quoted line breaks). */
  readonly line: Int32Array;
  readonly columns: ColumnChoice;
  /** First unreadable cells (capped at 20) and the total count per column. */
  readonly badCells: readonly BadCell[];
  readonly badCellCounts: Readonly<Record<string, number>>;
  /** File name, or `'-'` for standard input, or `'bundled sample'`. */
  readonly source: string;
  /** Bytes read (compressed size for .gz). */
  readonly bytes: number;
  readonly format: 'csv' | 'jsonl' | 'sample';
}

/** The options of one analysis, after defaults (the CLI flags map onto these). @internal */
export interface AnalyzeSettings {
  /** Time unit of recency, T and model rates. @defaultValue 'week' */
  readonly unit: TimeUnit;
  /** Observation end, ISO date; undefined = the last date in the data. */
  readonly end?: string | undefined;
  /** Calibration end for holdout validation, ISO date; undefined = no validation. */
  readonly holdout?: string | undefined;
  /** CLV horizon in months. @defaultValue 12 */
  readonly horizon: number;
  /** Discount rate per month. @defaultValue 0.01 */
  readonly discountRate: number;
  /** Profit margin applied to spend in CLV. @defaultValue 1 */
  readonly margin: number;
  /** Rows in the top-customers table. @defaultValue 10 */
  readonly top: number;
  /** Seed for anything random (k-means starts, samples for charts). @defaultValue 1 */
  readonly seed: number;
  /** Lifecycle window in days ("bought recently" = within it); undefined = from the data (see analyze.ts autoWindow). */
  readonly window?: number | undefined;
  /** Keep rows that repeat an earlier row exactly (customer, instant and amount) instead of removing them. @defaultValue false */
  readonly keepDuplicates?: boolean | undefined;
}

/** One row of the cleaning report: rows removed for a reason, with their source lines. @internal */
export interface CleaningRow {
  readonly reason: string;
  readonly description: string;
  readonly count: number;
  /** 1-based source lines of the first removed rows (at most 10). */
  readonly lines: readonly number[];
}

/** Everything `clmkit analyze` found, as plain JSON-able data. @internal */
export interface AnalysisResult {
  readonly version: string;
  readonly source: { readonly name: string; readonly format: string; readonly bytes: number; readonly columns: ColumnChoice };
  readonly settings: AnalyzeSettings;
  readonly cleaning: {
    readonly rowsRead: number;
    readonly kept: number;
    readonly removed: readonly CleaningRow[];
    readonly badCells: readonly BadCell[];
  };
  /** The period analysed (ISO dates) and headline numbers. */
  readonly overview: {
    readonly firstDate: string;
    readonly lastDate: string;
    readonly observationEnd: string;
    readonly customers: number;
    readonly transactions: number;
    readonly repeatCustomers: number;
    /** null when there is no amount column. */
    readonly revenue: number | null;
    /** Expected purchases in the next `horizon` months, summed over customers. */
    readonly expectedPurchases: number;
    /** Sum of CLV over customers (null without amounts). */
    readonly totalClv: number | null;
    /** Mean P(alive) over customers. */
    readonly meanProbabilityAlive: number;
  };
  readonly bgnbd: ModelFit<'r' | 'alpha' | 'a' | 'b'>;
  /** null without amounts or with fewer than 2 repeat buyers. */
  readonly gammaGamma: (ModelFit<'p' | 'q' | 'v'> & { readonly customers: number; readonly warnings: readonly string[] }) | null;
  /** Present with `--holdout`. */
  readonly holdout: HoldoutValidation | null;
  /** Top customers by CLV (by expected purchases when there are no amounts). */
  readonly topCustomers: readonly TopCustomer[];
  /** Histogram-ready CLV values: every customer's CLV when ≤ 20,000 customers, else a seeded sample of 20,000. */
  readonly clvSample: readonly number[];
  readonly rfm: {
    readonly segments: readonly RfmSegmentRow[];
    /** Per-customer points for the segment scatter (a seeded sample of at most 5,000). */
    readonly points: readonly { readonly recency: number; readonly frequency: number; readonly monetary: number; readonly segment: string }[];
  };
  readonly lifecycle: {
    readonly asOf: string;
    /** The lifecycle window in days, and whether it came from the data or from --window. */
    readonly window: number;
    readonly windowSource: 'auto' | 'flag';
    readonly stages: readonly string[];
    /** Customers per stage at the observation end, in `stages` order. */
    readonly counts: readonly number[];
    /** Monthly snapshots over the last (up to) 12 months. */
    readonly mix: { readonly at: readonly string[]; readonly counts: readonly (readonly number[])[] };
    readonly transitions: { readonly probabilities: readonly (readonly number[])[]; readonly counts: readonly (readonly number[])[]; readonly periods: number };
  };
  /** Monthly acquisition cohorts (for the heat map): labels, sizes, retention rows (ragged). */
  readonly cohorts: { readonly cohorts: readonly string[]; readonly size: readonly number[]; readonly retention: readonly (readonly number[])[] };
  /** Wall-clock milliseconds per step, in order, and the process's peak RSS in bytes. */
  readonly timings: { readonly steps: readonly { readonly step: string; readonly ms: number }[]; readonly totalMs: number; readonly peakRssBytes: number };
  /**
   * Things a reader should know, one sentence each: a fit that did not converge, why Gamma-Gamma
   * or CLV is missing, customers left out of a model (absent when there is nothing to say).
   */
  readonly notes?: readonly string[];
}

/** A fitted model's parameters and fit diagnostics. @internal */
export interface ModelFit<K extends string> {
  readonly params: Readonly<Record<K, number>>;
  readonly logLikelihood: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly unit: TimeUnit;
}

/** Holdout validation: predicted vs actual repeat purchases in the holdout period. @internal */
export interface HoldoutValidation {
  readonly calibrationEnd: string;
  readonly holdoutEnd: string;
  /** Holdout length in `unit`. */
  readonly duration: number;
  readonly customers: number;
  /** By calibration frequency bucket (0, 1, …, 6, '7+'). */
  readonly buckets: readonly { readonly frequency: string; readonly customers: number; readonly actual: number; readonly predicted: number }[];
  readonly totalActual: number;
  readonly totalPredicted: number;
  /** Mean absolute error per customer of predicted vs actual holdout purchases. */
  readonly mae: number;
  /** Did the customer buy in the holdout (1/0), and the model's score P(≥1 purchase); a seeded sample of ≤ 20,000 for ROC/lift. */
  readonly boughtAgain: readonly number[];
  readonly score: readonly number[];
  readonly auc: number;
  /** The BG/NBD fit on the calibration period, whose predictions are compared with the holdout. */
  readonly calibrationFit?: ModelFit<'r' | 'alpha' | 'a' | 'b'>;
}

/** A row of the top-customers table. @internal */
export interface TopCustomer {
  readonly customerId: string;
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly monetaryValue: number;
  readonly probabilityAlive: number;
  readonly expectedPurchases: number;
  /** null without amounts. */
  readonly clv: number | null;
}

/** A row of the RFM segment table. @internal */
export interface RfmSegmentRow {
  readonly segment: string;
  readonly customers: number;
  readonly share: number;
  /** Means over the segment: days since last purchase, purchase occasions, spend per occasion. */
  readonly recencyDays: number;
  readonly frequency: number;
  readonly monetary: number;
  /** Share of total revenue (null without amounts). */
  readonly revenueShare: number | null;
}
