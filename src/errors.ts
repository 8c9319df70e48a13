/**
 * The error types every clmkit layer throws.
 *
 * Every error is a {@link ClmError} with a stable {@link ClmError.code | code}, so callers can
 * branch on `err.code` (or `instanceof`) without parsing messages. Messages say what was expected,
 * what arrived and how to fix it; the structured fields carry the same facts as data.
 *
 * @module
 */

/** The closed set of error codes clmkit throws. Stable across minor versions. */
export type ClmErrorCode = 'INVALID_INPUT' | 'NOT_ENOUGH_DATA' | 'CONVERGENCE' | 'NOT_FITTED' | 'MISSING_DEPENDENCY';

/**
 * Base class of every error clmkit throws.
 *
 * @example
 * ```ts
 * import { ClmError, summarize } from 'clmkit';
 * try {
 *   summarize([{ customerId: 'a', timestamp: 'not a date' }], { unit: 'day' });
 * } catch (err) {
 *   if (err instanceof ClmError) console.log(err.code); // 'INVALID_INPUT'
 * }
 * ```
 */
export class ClmError extends Error {
  /** Stable machine-readable code. */
  readonly code: ClmErrorCode;

  constructor(code: ClmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * One problem found in the input: where it is and what was wrong.
 *
 * `path` names the field (`'timestamp'`, `'options.unit'`, `'amount'`); `row` is the 0-based row
 * index in the caller's input when the problem belongs to a row.
 */
export interface InputIssue {
  /** Field or option path, dot-separated (`'options.observationEnd'`, `'amount'`). */
  readonly path: string;
  /**
   * 0-based index of the offending row in the caller's input, when the issue is about a row
   * (for `readCsvRecords`, which reads text, the 1-based line number in the file).
   */
  readonly row?: number;
  /** What was expected and what arrived. */
  readonly message: string;
}

/** At most this many issues are kept on one {@link InvalidInputError}; `issueCount` has the total. */
export const MAX_ISSUES = 100;

/**
 * The input (data or options) is malformed. `issues` lists every problem found, up to
 * {@link MAX_ISSUES}; `issueCount` is the total number found.
 *
 * @example
 * ```ts
 * import { InvalidInputError, summarize } from 'clmkit';
 * try {
 *   summarize([{ customerId: 'a', timestamp: '2024-13-01' }], { unit: 'day' });
 * } catch (err) {
 *   if (err instanceof InvalidInputError) console.log(err.issueCount, err.issues[0]);
 *   // 1 { path: 'timestamp', row: 0,
 *   //     message: 'expected a Date, an ISO-8601 string (e.g. "2024-03-01" or "2024-03-01T10:15:00Z") or epoch milliseconds, got "2024-13-01"' }
 * }
 * ```
 */
export class InvalidInputError extends ClmError {
  /** The problems found, in row order, capped at {@link MAX_ISSUES}. */
  readonly issues: readonly InputIssue[];
  /** How many problems were found in total (may exceed `issues.length`). */
  readonly issueCount: number;

  constructor(context: string, issues: readonly InputIssue[], issueCount = issues.length) {
    const kept = issues.slice(0, MAX_ISSUES);
    super('INVALID_INPUT', formatInvalidInput(context, kept, issueCount));
    this.issues = kept;
    this.issueCount = issueCount;
  }
}

/**
 * There is not enough data for the computation (e.g. no customers, a model that needs repeat
 * buyers and got none). `required` and `received` say how much.
 *
 * @example
 * ```ts
 * import { NotEnoughDataError } from 'clmkit';
 * const err = new NotEnoughDataError('summarize needs at least one transaction', 1, 0);
 * console.log(err.code, err.required, err.received); // NOT_ENOUGH_DATA 1 0
 * ```
 */
export class NotEnoughDataError extends ClmError {
  /** The minimum needed. */
  readonly required: number;
  /** What arrived. */
  readonly received: number;

  constructor(message: string, required: number, received: number) {
    super('NOT_ENOUGH_DATA', message);
    this.required = required;
    this.received = received;
  }
}

/**
 * An iterative fit stopped without meeting its convergence criterion. Carries the best
 * parameters found and their log-likelihood, so the caller can inspect, report or warm-start
 * from them.
 *
 * @example
 * ```ts
 * import { ConvergenceError } from 'clmkit';
 * const err = new ConvergenceError('stopped after 100 iterations', { r: 0.24 }, 100, 3e-4, -9582.9);
 * console.log(err.bestParams.r, err.iterations, err.bestLogLikelihood); // 0.24 100 -9582.9
 * ```
 */
export class ConvergenceError extends ClmError {
  /** Best parameters found before stopping. */
  readonly bestParams: Readonly<Record<string, number>>;
  /** Iterations performed. */
  readonly iterations: number;
  /** Gradient norm (or the criterion's value) at the best parameters. */
  readonly gradientNorm: number;
  /** Log-likelihood at the best parameters; NaN when the fit has none (or could not evaluate it). */
  readonly bestLogLikelihood: number;

  constructor(
    message: string,
    bestParams: Readonly<Record<string, number>>,
    iterations: number,
    gradientNorm: number,
    bestLogLikelihood = NaN,
  ) {
    super('CONVERGENCE', message);
    this.bestParams = bestParams;
    this.iterations = iterations;
    this.gradientNorm = gradientNorm;
    this.bestLogLikelihood = bestLogLikelihood;
  }
}

/**
 * A model was used before it was fitted, or restored from JSON that is not a fitted model.
 *
 * @example
 * ```ts
 * import { NotFittedError } from 'clmkit';
 * console.log(new NotFittedError('call fit first').code); // NOT_FITTED
 * ```
 */
export class NotFittedError extends ClmError {
  constructor(message: string) {
    super('NOT_FITTED', message);
  }
}

/**
 * An entry point needs an optional peer dependency that is not installed (`clmkit/duckdb` needs
 * `@duckdb/node-api`, `clmkit/store` needs `better-sqlite3`). The message says how to install it;
 * `packageName` names it, and `cause` is the loader's own error.
 *
 * @example
 * ```ts
 * import { MissingDependencyError } from 'clmkit';
 * const err = new MissingDependencyError('clmkit/store', 'better-sqlite3');
 * console.log(err.code, err.packageName); // MISSING_DEPENDENCY better-sqlite3
 * ```
 */
export class MissingDependencyError extends ClmError {
  /** The npm package to install. */
  readonly packageName: string;

  constructor(feature: string, packageName: string, options?: { cause?: unknown }) {
    super('MISSING_DEPENDENCY', `${feature} needs the optional peer dependency '${packageName}': install it with \`npm install ${packageName}\``, options);
    this.packageName = packageName;
  }
}

function formatInvalidInput(context: string, issues: readonly InputIssue[], total: number): string {
  const shown = issues.slice(0, 5);
  const lines = shown.map((i) => `  → ${i.row === undefined ? '' : `row ${i.row}, `}${i.path}: ${i.message}`);
  const more = total - shown.length;
  const tail = more > 0 ? `\n  … and ${more} more (see err.issues)` : '';
  const noun = total === 1 ? 'problem' : 'problems';
  return `${context}: ${total} ${noun} in the input\n${lines.join('\n')}${tail}`;
}

/**
 * Collects issues while scanning rows, counting all of them but keeping only the first
 * {@link MAX_ISSUES}. Internal helper.
 *
 * @internal
 */
export class IssueCollector {
  readonly issues: InputIssue[] = [];
  count = 0;

  add(path: string, message: string, row?: number): void {
    this.count++;
    if (this.issues.length < MAX_ISSUES) {
      this.issues.push(row === undefined ? { path, message } : { path, row, message });
    }
  }

  throwIfAny(context: string): void {
    if (this.count > 0) throw new InvalidInputError(context, this.issues, this.count);
  }
}
