/**
 * Population views of a lifecycle: every customer's stage at an instant (from a
 * `CustomerSummary` or a transaction log), the stage mix over time, and the estimated
 * stage-to-stage transition matrix between consecutive snapshots.
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError, NotEnoughDataError } from '../errors.js';
import { parseLog, resolveFields, rowReader, type ParsedLog } from '../data/input.js';
import { resolveObservationEnd, sortCustomers } from '../data/summarize.js';
import { daysFromMonthIndex, monthIndexFromDays, resolveEndMs, toEpochMs } from '../data/time.js';
import type { CustomerId, CustomerSummary, FieldNames, TimestampInput, TransactionInput } from '../data/types.js';
import { parseOptions, show } from '../validate.js';
import { MS_PER_DAY, partitionProblem, type ResolvedConfig } from './config.js';
import { Core, EventBuffer, freshMut, PURCHASE, SCORE, TICK } from './core.js';

// ---------------------------------------------------------------------------------------------
// Types

/**
 * Anything that scores P(alive) for the customers of a summary — a fitted BG/NBD or Pareto/NBD
 * model, or your own. Structural: any object with this method fits.
 */
export interface PAliveScorer {
  /** P(alive) per row of `customers`, each in [0, 1]. */
  probabilityAlive(customers: CustomerSummary): ArrayLike<number>;
}

/** Options of `lifecycle.classify`. */
export interface LifecycleClassifyOptions {
  /**
   * The instant to classify at. A date-only string includes that whole UTC day.
   * @defaultValue the summary's `observationEnd`; for transactions, the latest transaction
   */
  asOf?: TimestampInput;
  /**
   * P(alive) scores: an array aligned with a summary's rows (summary input only), or a map from
   * customer id to score (either input). Customers without a score are unscored.
   */
  pAlive?: ArrayLike<number> | ReadonlyMap<CustomerId, number>;
  /** A model whose `probabilityAlive(summary)` scores the customers (summary input only). */
  model?: PAliveScorer;
  /** Known customers; those with no purchase by `asOf` are classified too (as the no-purchase stage, `prospect`). */
  customers?: readonly CustomerId[];
  /** Field names of the transactions, when yours differ from `customerId`, `timestamp`, `amount`. */
  fields?: FieldNames;
}

/** Every customer's stage at one instant, as columns. */
export interface LifecycleClassification<S extends string = string> {
  /** The instant classified. */
  readonly asOf: Date;
  /** The stages, in configuration order (`code` indexes into it). */
  readonly stages: readonly S[];
  /** Customer ids (sorted as `summarize` sorts them). */
  readonly customerId: readonly string[];
  /** Stage per customer. */
  readonly stage: readonly S[];
  /** Stage index per customer (into `stages`). */
  readonly code: Uint8Array;
  /** Customers per stage. */
  readonly counts: Readonly<Record<S, number>>;
  /** The loyalty reference used (frequency = purchase occasions, spend = total spend). */
  readonly reference: { readonly frequency: number; readonly spend: number };
}

/** The length of the periods of `stageCounts` and `transitionMatrix`. */
export type LifecyclePeriod = 'day' | 'week' | 'month';

/** Options of `lifecycle.stageCounts` and `lifecycle.transitionMatrix`. */
export interface StageCountOptions {
  /**
   * Periods (UTC calendar days, ISO weeks from Monday, or calendar months); a snapshot is taken
   * at the last instant of each.
   * @defaultValue `'month'`
   */
  every?: LifecyclePeriod;
  /** Snapshots at or after this instant. @defaultValue the first transaction */
  from?: TimestampInput;
  /** Snapshots at or before this instant (a date-only string includes that day). @defaultValue the latest transaction */
  to?: TimestampInput;
  /** Known customers: those with no purchase yet at a snapshot count in the no-purchase stage. */
  customers?: readonly CustomerId[];
  /** Field names of the transactions. */
  fields?: FieldNames;
}

/** The stage mix at each snapshot. */
export interface StageCounts<S extends string = string> {
  /** The stages (columns of `counts`). */
  readonly stages: readonly S[];
  /** Snapshot instants: the last millisecond of each period. */
  readonly at: readonly Date[];
  /** `counts[k][s]`: customers in stage `stages[s]` at snapshot `k`. */
  readonly counts: readonly (readonly number[])[];
  /** Customers known at each snapshot (each row of `counts` sums to it). */
  readonly population: readonly number[];
}

/** A Markov transition matrix between stages, estimated from consecutive snapshots. */
export interface StageTransitionMatrix<S extends string = string> {
  /** The stages (rows and columns). */
  readonly stages: readonly S[];
  /** `counts[i][j]`: customers in `stages[i]` at one snapshot and `stages[j]` at the next, summed over pairs. */
  readonly counts: readonly (readonly number[])[];
  /**
   * `probabilities[i][j]` = `counts[i][j] / Σ_j counts[i][j]`; each row sums to 1. A stage no
   * customer started a period in (`observed[i]` false) gets 1 on the diagonal.
   */
  readonly probabilities: readonly (readonly number[])[];
  /** Whether any customer started a period in each stage. */
  readonly observed: readonly boolean[];
  /** Number of consecutive snapshot pairs counted. */
  readonly periods: number;
  /** The snapshots. */
  readonly at: readonly Date[];
  /** Customers who first appear at each stage between snapshots (not in `counts`: they had no stage before). */
  readonly entrants: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// Options

const timestampSchema = z.custom<TimestampInput>((v) => typeof v === 'string' || typeof v === 'number' || v instanceof Date);
const idSchema = z.custom<CustomerId>((v) => (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v)), 'expected a customer id (string or number)');
const fieldsSchema = z.strictObject({
  customerId: z.optional(z.string().check(z.minLength(1))),
  timestamp: z.optional(z.string().check(z.minLength(1))),
  amount: z.optional(z.string().check(z.minLength(1))),
});
const classifySchema = z.strictObject({
  asOf: z.optional(timestampSchema),
  pAlive: z.optional(z.custom<ArrayLike<number> | ReadonlyMap<CustomerId, number>>((v) => v instanceof Map || Array.isArray(v) || ArrayBuffer.isView(v), 'expected an array of scores or a Map from customer id to score')),
  model: z.optional(
    z.custom<PAliveScorer>(
      (v: unknown) => typeof v === 'object' && v !== null && typeof (v as { probabilityAlive?: unknown }).probabilityAlive === 'function',
      'expected an object with a probabilityAlive(summary) method',
    ),
  ),
  customers: z.optional(z.array(idSchema)),
  fields: z.optional(fieldsSchema),
});
const countsSchema = z.strictObject({
  every: z.optional(z.enum(['day', 'week', 'month'])),
  from: z.optional(timestampSchema),
  to: z.optional(timestampSchema),
  customers: z.optional(z.array(idSchema)),
  fields: z.optional(fieldsSchema),
});

function endOrThrow(value: TimestampInput, path: string, context: string): number {
  const ms = resolveEndMs(value);
  if (!Number.isFinite(ms)) {
    throw new InvalidInputError(`${context}: invalid options`, [{ path, message: `expected a Date, an ISO-8601 string or epoch milliseconds, got ${show(value)}` }]);
  }
  return ms;
}

function startOrThrow(value: TimestampInput, path: string, context: string): number {
  const ms = toEpochMs(value);
  if (!Number.isFinite(ms)) {
    throw new InvalidInputError(`${context}: invalid options`, [{ path, message: `expected a Date, an ISO-8601 string or epoch milliseconds, got ${show(value)}` }]);
  }
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Transactions grouped by customer, in time order

/**
 * A parsed log with each customer's rows in time order. Only what the walkers read is kept: the
 * parsed customer index and status per row and the grouping's scratch are let go once grouped,
 * so a log of tens of millions of rows does not hold them through the snapshot passes.
 * @internal
 */
export interface CustomerLog {
  /** Number of input rows. */
  readonly n: number;
  /** Earliest and latest valid transaction (Infinity / −Infinity when there is none). */
  readonly firstMs: number;
  readonly lastMs: number;
  /** `ms[offsets[r] .. offsets[r + 1])` are the rows of customer `sorted[r]` (empty for customers without rows). */
  readonly offsets: Int32Array;
  /** Timestamps grouped by customer in the order of `sorted`, each customer's in time order (ties in input order), so folds read memory in sequence. */
  readonly ms: Float64Array;
  /** Amounts in the order of `ms`, or null when the log has none. */
  readonly amount: Float64Array | null;
  /** Customer ids (parsed keys, then extra known customers). */
  readonly keys: readonly string[];
  /** Customers sorted as `summarize` sorts them. */
  readonly sorted: Int32Array;
  /** Number of customers with rows (the rest of `keys` are known customers without rows). */
  readonly withRows: number;
}

/** Parses transactions and groups their rows by customer in time order. @internal */
export function groupLog(transactions: TransactionInput, fields: FieldNames | undefined, extra: readonly CustomerId[] | undefined, context: string): CustomerLog {
  const f = resolveFields(fields);
  const parsed = parseLog(rowReader(transactions, f, context), f, context, { strict: true, rejectNegative: false });
  const C = parsed.customerKeys.length;
  const { n, customer, ms, status } = parsed;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (let i = 0; i < n; i++) {
    if (status[i] !== 0) continue;
    if (ms[i] < firstMs) firstMs = ms[i];
    if (ms[i] > lastMs) lastMs = ms[i];
  }
  const keys = [...parsed.customerKeys];
  let numeric = parsed.numericIds || C === 0;
  if (extra !== undefined) {
    const seen = new Set(keys);
    for (const id of extra) {
      const k = String(id);
      if (seen.has(k)) continue;
      seen.add(k);
      keys.push(k);
      if (!(typeof id === 'number' || String(Number(k)) === k)) numeric = false;
    }
  }
  const K = keys.length;
  const sortedList = Array.from({ length: K }, (_, i) => i);
  sortCustomers(sortedList, keys, numeric);
  const sorted = Int32Array.from(sortedList);
  // Counting sort of the rows by the customer's rank in `sorted`, scattering times and amounts
  // in the same pass (stable: a time-ordered log comes out sorted within customers).
  const rank = new Int32Array(K);
  for (let r = 0; r < K; r++) rank[sorted[r]] = r;
  const fill = new Int32Array(K + 1);
  for (let i = 0; i < n; i++) fill[rank[customer[i]] + 1]++;
  for (let r = 0; r < K; r++) fill[r + 1] += fill[r];
  const offsets = fill.slice();
  const order = new Int32Array(n);
  const gms = new Float64Array(n);
  const am = parsed.amount;
  const gam = am === null ? null : new Float64Array(n);
  if (gam !== null) {
    for (let i = 0; i < n; i++) {
      const j = fill[rank[customer[i]]]++;
      order[j] = i;
      gms[j] = ms[i];
      gam[j] = am![i];
    }
  } else {
    for (let i = 0; i < n; i++) {
      const j = fill[rank[customer[i]]]++;
      order[j] = i;
      gms[j] = ms[i];
    }
  }
  for (let r = 0; r < K; r++) {
    const a = offsets[r];
    const b = offsets[r + 1];
    let sortedAlready = true;
    for (let j = a + 1; j < b; j++) {
      if (gms[j] < gms[j - 1]) {
        sortedAlready = false;
        break;
      }
    }
    if (sortedAlready) continue;
    // Sort the slice by (time, input row): equal instants keep the input order.
    if (b - a <= 32) {
      for (let j = a + 1; j < b; j++) {
        const r = order[j];
        const t = gms[j];
        const v = gam === null ? 0 : gam[j];
        let k = j - 1;
        while (k >= a && (gms[k] > t || (gms[k] === t && order[k] > r))) {
          order[k + 1] = order[k];
          gms[k + 1] = gms[k];
          if (gam !== null) gam[k + 1] = gam[k];
          k--;
        }
        order[k + 1] = r;
        gms[k + 1] = t;
        if (gam !== null) gam[k + 1] = v;
      }
    } else {
      const perm = Array.from({ length: b - a }, (_, k) => a + k);
      perm.sort((x, y) => gms[x] - gms[y] || order[x] - order[y]);
      const o2 = perm.map((j) => order[j]);
      const t2 = perm.map((j) => gms[j]);
      const a2 = gam === null ? null : perm.map((j) => gam[j]);
      for (let k = 0; k < perm.length; k++) {
        order[a + k] = o2[k];
        gms[a + k] = t2[k];
        if (a2 !== null) gam![a + k] = a2[k];
      }
    }
  }
  return { n, firstMs, lastMs, offsets, ms: gms, amount: gam, keys, sorted, withRows: C };
}

/** The latest valid transaction of a log, or the NotEnoughDataError of `resolveObservationEnd` when it has none. */
function lastTransaction(log: CustomerLog, context: string): number {
  if (log.lastMs !== -Infinity) return log.lastMs;
  const none: ParsedLog = { n: 0, customer: new Int32Array(0), customerKeys: [], numericIds: true, ms: new Float64Array(0), amount: null, status: new Uint8Array(0), badRows: 0 };
  return resolveObservationEnd(undefined, none, context);
}

/** Per-customer purchase facts at a moving instant, folded from time-ordered rows. @internal */
class FactWalker {
  purchases = 0;
  spend = 0;
  first = NaN;
  last = NaN;
  ret = NaN;
  private j = 0;
  private end = 0;

  constructor(
    private readonly log: CustomerLog,
    private readonly windowMs: number,
  ) {}

  /** Starts on the customer of rank `r` (`log.sorted[r]`). */
  reset(r: number): void {
    this.purchases = 0;
    this.spend = 0;
    this.first = NaN;
    this.last = NaN;
    this.ret = NaN;
    this.j = this.log.offsets[r];
    this.end = this.log.offsets[r + 1];
  }

  /** Folds this customer's purchases up to and including `t` (same arithmetic as Core.purchase). */
  advanceTo(t: number): void {
    const { ms, amount } = this.log;
    while (this.j < this.end) {
      const j = this.j;
      const at = ms[j];
      if (at > t) break;
      if (this.purchases === 0) {
        this.first = at;
        this.purchases = 1;
      } else {
        const last = this.last;
        if (at - last >= this.windowMs) this.ret = at;
        if (Math.floor(at / MS_PER_DAY) !== Math.floor(last / MS_PER_DAY)) this.purchases++;
      }
      this.last = at;
      if (amount !== null) this.spend += amount[j];
      this.j++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// References

/** The loyalty reference at one instant: purchase occasions and total spend. @internal */
export interface Reference {
  readonly frequency: number;
  readonly spend: number;
}

/**
 * Adds the purchases and spend, at each of `times`, of the customers of `log` who had bought by
 * then to `acc[k]` (in sorted customer order, so a mean does not depend on the order of the rows).
 * @internal
 */
export function addReferences(cfg: ResolvedConfig, log: CustomerLog, times: readonly number[], acc: readonly ReferenceAccumulator[]): void {
  const walker = new FactWalker(log, cfg.window * MS_PER_DAY);
  for (let r = 0; r < log.keys.length; r++) {
    walker.reset(r);
    for (let k = 0; k < times.length; k++) {
      walker.advanceTo(times[k]);
      if (walker.purchases > 0) acc[k].add(walker.purchases, walker.spend);
    }
  }
}

/** Resolves population references from buyers' purchases and spend. @internal */
export class ReferenceAccumulator {
  private n = 0;
  private sumF = 0;
  private sumS = 0;
  private fs: Float64Array | null;
  private ss: Float64Array | null;

  /** `capacity`: the number of values expected (the median's buffers grow beyond it when needed). */
  constructor(
    private readonly cfg: ResolvedConfig,
    capacity: number,
  ) {
    this.fs = cfg.reference.frequency === 'median' ? new Float64Array(Math.max(capacity, 16)) : null;
    this.ss = cfg.reference.spend === 'median' ? new Float64Array(Math.max(capacity, 16)) : null;
  }

  add(purchases: number, spend: number): void {
    if (this.fs !== null) {
      if (this.n === this.fs.length) this.fs = grown(this.fs);
      this.fs[this.n] = purchases;
    }
    if (this.ss !== null) {
      if (this.n === this.ss.length) this.ss = grown(this.ss);
      this.ss[this.n] = spend;
    }
    this.sumF += purchases;
    this.sumS += spend;
    this.n++;
  }

  resolve(): { frequency: number; spend: number } {
    const pick = (kind: number | 'mean' | 'median', sum: number, values: Float64Array | null): number => {
      if (typeof kind === 'number') return kind;
      if (this.n === 0) return NaN;
      if (kind === 'mean') return sum / this.n;
      const v = values!.subarray(0, this.n).sort();
      const h = this.n >> 1;
      return this.n % 2 === 1 ? v[h] : (v[h - 1] + v[h]) / 2;
    };
    return { frequency: pick(this.cfg.reference.frequency, this.sumF, this.fs), spend: pick(this.cfg.reference.spend, this.sumS, this.ss) };
  }
}

function grown(a: Float64Array): Float64Array {
  const b = new Float64Array(2 * a.length);
  b.set(a);
  return b;
}

function needsPopulationReference(cfg: ResolvedConfig): boolean {
  return typeof cfg.reference.frequency !== 'number' || typeof cfg.reference.spend !== 'number';
}

// ---------------------------------------------------------------------------------------------
// The snapshot engine

/** Looks up a customer's score by id (or NaN). */
type ScoreLookup = ((key: string) => number) | null;

/**
 * Every known customer's stage at each snapshot time; calls `visit(c, k, stage)` for customers
 * known at snapshot k, in customer order then time order (−1 stage never passed).
 *
 * @internal
 */
export function snapshotStages(
  cfg: ResolvedConfig,
  log: CustomerLog,
  times: readonly number[],
  prospects: Uint8Array,
  scores: ScoreLookup,
  visit: (c: number, k: number, stage: number) => void,
  given?: readonly Reference[],
): readonly Reference[] {
  const windowMs = cfg.window * MS_PER_DAY;
  const C = log.keys.length;
  const P = times.length;
  const walker = new FactWalker(log, windowMs);
  // Pass 1 (unless given): references at each snapshot (customers who bought by then).
  let refs: readonly Reference[];
  if (given !== undefined) refs = given;
  else if (needsPopulationReference(cfg)) {
    const acc = times.map(() => new ReferenceAccumulator(cfg, C));
    addReferences(cfg, log, times, acc);
    refs = acc.map((a) => a.resolve());
  } else {
    const r = new ReferenceAccumulator(cfg, 0).resolve();
    refs = times.map(() => r);
  }
  const core = new Core(cfg, NaN, NaN);
  if (cfg.stateless) {
    // A stage is a function of the facts: evaluate at each snapshot.
    const f = core.facts;
    // In the order of `sorted`, in which the rows are laid out: memory read in sequence.
    for (let r = 0; r < C; r++) {
      const c = log.sorted[r];
      walker.reset(r);
      const pAlive = scores === null ? NaN : scores(log.keys[c]);
      for (let k = 0; k < P; k++) {
        walker.advanceTo(times[k]);
        if (walker.purchases === 0 && prospects[c] === 0) continue;
        f.refFrequency = refs[k].frequency;
        f.refSpend = refs[k].spend;
        f.fill(times[k], walker.purchases, walker.spend, walker.first, walker.last, walker.ret, pAlive, NaN);
        const s = cfg.stageOf(f);
        if (s < 0) throw partitionAt(core, log.keys[c], times[k]);
        visit(c, k, s);
      }
    }
    return refs;
  }
  // Guards make stages depend on the path: fold each customer's events, once per snapshot
  // (each snapshot has its own reference), then visit customer by customer.
  const { offsets, ms, amount } = log;
  const e = new EventBuffer();
  const stageKC = new Int16Array(P * C).fill(-1);
  for (let k = 0; k < P; k++) {
    const t = times[k];
    core.setReference(refs[k].frequency, refs[k].spend);
    for (let r = 0; r < C; r++) {
      const c = log.sorted[r];
      const m = freshMut(log.keys[c], cfg.initialStage);
      for (let j = offsets[r]; j < offsets[r + 1]; j++) {
        if (ms[j] > t) break;
        e.type = PURCHASE;
        e.at = ms[j];
        e.amount = amount === null ? 0 : amount[j];
        core.apply(m, e, null, 'lifecycle');
      }
      if (m.purchases === 0 && prospects[c] === 0) continue;
      const pAlive = scores === null ? NaN : scores(log.keys[c]);
      if (pAlive === pAlive) {
        e.type = SCORE;
        e.at = t;
        e.pAlive = pAlive;
        e.churnProbability = NaN;
        core.apply(m, e, null, 'lifecycle');
      }
      e.type = TICK;
      e.at = t;
      core.apply(m, e, null, 'lifecycle');
      stageKC[k * C + c] = m.stage;
    }
  }
  for (let r = 0; r < C; r++) {
    const c = log.sorted[r];
    for (let k = 0; k < P; k++) {
      const s = stageKC[k * C + c];
      if (s >= 0) visit(c, k, s);
    }
  }
  return refs;
}

function partitionAt(core: Core, customerId: string, t: number): InvalidInputError {
  const problem = partitionProblem(core.cfg.stages, core.cfg.rules, core.facts) ?? 'the rules are inconsistent';
  return new InvalidInputError('lifecycle: the stage rules do not partition the state space', [
    { path: 'options.stages', message: `customer ${show(customerId)} at ${new Date(t).toISOString()}: ${problem}` },
  ]);
}

// ---------------------------------------------------------------------------------------------
// classify

function isSummary(x: unknown): x is CustomerSummary {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'totalSpend' in x && 'observationEnd' in x && 'lastPurchase' in x && 'frequency' in x;
}

function scoreArray(values: ArrayLike<number>, n: number, context: string, path: string): Float64Array {
  if (values.length !== n) {
    throw new InvalidInputError(context, [{ path, message: `expected ${n} scores (one per customer), got ${values.length}` }]);
  }
  const out = new Float64Array(n);
  const issues: { path: string; row: number; message: string }[] = [];
  for (let i = 0; i < n; i++) {
    const p = values[i];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      if (issues.length < 100) issues.push({ path, row: i, message: `expected a probability in [0, 1], got ${show(p)}` });
    }
    out[i] = p;
  }
  if (issues.length > 0) throw new InvalidInputError(context, issues);
  return out;
}

function mapLookup(map: ReadonlyMap<CustomerId, number>, context: string): (key: string) => number {
  const byString = new Map<string, number>();
  for (const [k, v] of map) {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new InvalidInputError(context, [{ path: 'options.pAlive', message: `customer ${show(String(k))}: expected a probability in [0, 1], got ${show(v)}` }]);
    }
    byString.set(String(k), v);
  }
  return (key) => byString.get(key) ?? NaN;
}

function countsRecord<S extends string>(stages: readonly S[], code: Uint8Array): Record<S, number> {
  const n = new Array<number>(stages.length).fill(0);
  for (let i = 0; i < code.length; i++) n[code[i]]++;
  const out = {} as Record<S, number>;
  stages.forEach((s, i) => (out[s] = n[i]));
  return out;
}

/** `lifecycle.classify`. @internal */
export function classifyPopulation<S extends string>(cfg: ResolvedConfig, input: CustomerSummary | TransactionInput, options: LifecycleClassifyOptions | undefined): LifecycleClassification<S> {
  const context = 'lifecycle.classify';
  const o = parseOptions(classifySchema, options, context);
  const stages = cfg.stages as readonly S[];
  if (isSummary(input)) return classifySummary(cfg, stages, input, o, context);
  if (o.model !== undefined) {
    throw new InvalidInputError(`${context}: invalid options`, [
      { path: 'options.model', message: 'a model scores a CustomerSummary: pass summarize(transactions) as the input, or pass options.pAlive as a Map from customer id to score' },
    ]);
  }
  if (o.pAlive !== undefined && !(o.pAlive instanceof Map)) {
    throw new InvalidInputError(`${context}: invalid options`, [
      { path: 'options.pAlive', message: 'with transactions, pass scores as a Map from customer id to P(alive) (an aligned array needs a CustomerSummary input)' },
    ]);
  }
  const log = groupLog(input, o.fields, o.customers, context);
  const asOf = o.asOf === undefined ? lastTransaction(log, context) : endOrThrow(o.asOf, 'options.asOf', context);
  const prospects = new Uint8Array(log.keys.length);
  if (o.customers !== undefined) {
    const known = new Set(o.customers.map(String));
    log.keys.forEach((k, c) => (prospects[c] = known.has(k) ? 1 : 0));
  }
  const scores = o.pAlive === undefined ? null : mapLookup(o.pAlive as ReadonlyMap<CustomerId, number>, context);
  const stageOf = new Int16Array(log.keys.length).fill(-1);
  const refs = snapshotStages(cfg, log, [asOf], prospects, scores, (c, _k, s) => (stageOf[c] = s));
  let m = 0;
  for (const c of log.sorted) if (stageOf[c] >= 0) m++;
  const customerId = new Array<string>(m);
  const stage = new Array<S>(m);
  const code = new Uint8Array(m);
  let i = 0;
  for (const c of log.sorted) {
    const s = stageOf[c];
    if (s < 0) continue;
    customerId[i] = log.keys[c];
    stage[i] = stages[s];
    code[i] = s;
    i++;
  }
  return { asOf: new Date(asOf), stages, customerId, stage, code, counts: countsRecord(stages, code), reference: refs[0] };
}

function classifySummary<S extends string>(
  cfg: ResolvedConfig,
  stages: readonly S[],
  s: CustomerSummary,
  o: z.infer<typeof classifySchema>,
  context: string,
): LifecycleClassification<S> {
  const n = s.size;
  if (o.customers !== undefined) {
    throw new InvalidInputError(`${context}: invalid options`, [{ path: 'options.customers', message: 'a summary holds buyers only; pass transactions to classify known customers who never bought' }]);
  }
  const asOf = o.asOf === undefined ? s.observationEnd.getTime() : endOrThrow(o.asOf, 'options.asOf', context);
  const issues: { path: string; row: number; message: string }[] = [];
  for (let i = 0; i < n && issues.length < 100; i++) {
    if (!(s.lastPurchase[i] <= asOf)) issues.push({ path: 'lastPurchase', row: i, message: `customer ${show(s.customerId[i])} bought at ${new Date(s.lastPurchase[i]).toISOString()}, after asOf ${new Date(asOf).toISOString()}` });
  }
  if (issues.length > 0) throw new InvalidInputError(`${context}: the summary has purchases after asOf; summarize with observationEnd: asOf`, issues);
  let pAlive: Float64Array | null = null;
  if (o.model !== undefined) pAlive = scoreArray(o.model.probabilityAlive(s), n, context, 'model.probabilityAlive');
  else if (o.pAlive instanceof Map) {
    const look = mapLookup(o.pAlive as ReadonlyMap<CustomerId, number>, context);
    pAlive = Float64Array.from(s.customerId, look);
  } else if (o.pAlive !== undefined) pAlive = scoreArray(o.pAlive as ArrayLike<number>, n, context, 'options.pAlive');
  const acc = new ReferenceAccumulator(cfg, needsPopulationReference(cfg) ? n : 0);
  if (needsPopulationReference(cfg)) for (let i = 0; i < n; i++) acc.add(s.frequency[i] + 1, s.totalSpend[i]);
  const ref = acc.resolve();
  const core = new Core(cfg, ref.frequency, ref.spend);
  const f = core.facts;
  const code = new Uint8Array(n);
  const stage = new Array<S>(n);
  const { frequency, totalSpend, firstPurchase, lastPurchase } = s;
  for (let i = 0; i < n; i++) {
    const p = pAlive === null ? NaN : pAlive[i];
    f.fill(asOf, frequency[i] + 1, totalSpend[i], firstPurchase[i], lastPurchase[i], NaN, p, NaN);
    const st = cfg.stageOf(f);
    if (st < 0) throw partitionAt(core, s.customerId[i], asOf);
    code[i] = st;
    stage[i] = stages[st];
  }
  return { asOf: new Date(asOf), stages, customerId: s.customerId, stage, code, counts: countsRecord(stages, code), reference: ref };
}

/** The population reference at `asOf` (fixed values pass through). @internal */
export function populationReference(cfg: ResolvedConfig, input: CustomerSummary | TransactionInput, options: { asOf?: TimestampInput; fields?: FieldNames } | undefined): { frequency: number; spend: number } {
  const context = 'lifecycle.calibrate';
  const o = parseOptions(z.strictObject({ asOf: z.optional(timestampSchema), fields: z.optional(fieldsSchema) }), options, context);
  let ref: { frequency: number; spend: number };
  if (isSummary(input)) {
    const acc = new ReferenceAccumulator(cfg, input.size);
    const asOf = o.asOf === undefined ? Infinity : endOrThrow(o.asOf, 'options.asOf', context);
    for (let i = 0; i < input.size; i++) if (input.lastPurchase[i] <= asOf) acc.add(input.frequency[i] + 1, input.totalSpend[i]);
    ref = acc.resolve();
  } else {
    const log = groupLog(input, o.fields, undefined, context);
    const asOf = o.asOf === undefined ? lastTransaction(log, context) : endOrThrow(o.asOf, 'options.asOf', context);
    ref = snapshotStagesReference(cfg, log, asOf);
  }
  if (!(ref.frequency === ref.frequency && ref.spend === ref.spend)) {
    throw new NotEnoughDataError(`${context}: no customer had bought by asOf, so the population reference is undefined`, 1, 0);
  }
  return ref;
}

function snapshotStagesReference(cfg: ResolvedConfig, log: CustomerLog, asOf: number): { frequency: number; spend: number } {
  const walker = new FactWalker(log, cfg.window * MS_PER_DAY);
  const acc = new ReferenceAccumulator(cfg, log.withRows);
  for (let r = 0; r < log.sorted.length; r++) {
    walker.reset(r);
    walker.advanceTo(asOf);
    if (walker.purchases > 0) acc.add(walker.purchases, walker.spend);
  }
  return acc.resolve();
}

// ---------------------------------------------------------------------------------------------
// stageCounts and transitionMatrix

/** Period ends (last ms of each period) within [from, to]. @internal */
export function periodEnds(every: LifecyclePeriod, from: number, to: number): number[] {
  const out: number[] = [];
  const day0 = Math.floor(from / MS_PER_DAY);
  if (every === 'month') {
    for (let mi = monthIndexFromDays(day0); ; mi++) {
      const end = daysFromMonthIndex(mi + 1) * MS_PER_DAY - 1;
      if (end > to) break;
      if (end >= from) out.push(end);
    }
  } else {
    const len = every === 'week' ? 7 : 1;
    // ISO weeks start on Monday; day 0 (1970-01-01) was a Thursday.
    let d = every === 'week' ? Math.floor((day0 + 3) / 7) * 7 - 3 : day0;
    for (; ; d += len) {
      const end = (d + len) * MS_PER_DAY - 1;
      if (end > to) break;
      if (end >= from) out.push(end);
    }
  }
  return out;
}

interface Snapshots {
  readonly log: CustomerLog;
  readonly times: number[];
  readonly prospects: Uint8Array;
}

function prepareSnapshots(transactions: TransactionInput, options: StageCountOptions | undefined, context: string, minSnapshots: number): Snapshots {
  const o = parseOptions(countsSchema, options, context);
  const log = groupLog(transactions, o.fields, o.customers, context);
  const from = o.from === undefined ? log.firstMs : startOrThrow(o.from, 'options.from', context);
  const to = o.to === undefined ? log.lastMs : endOrThrow(o.to, 'options.to', context);
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new NotEnoughDataError(`${context}: there are no transactions, so from/to cannot default to them; pass options.from and options.to`, 1, 0);
  }
  const every = o.every ?? 'month';
  const times = periodEnds(every, from, to);
  if (times.length > 100_000) {
    throw new InvalidInputError(`${context}: invalid options`, [{ path: 'options.every', message: `${times.length} snapshots between from and to; use a longer period` }]);
  }
  if (times.length < minSnapshots) {
    throw new NotEnoughDataError(
      `${context}: ${times.length} whole ${every}(s) end between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}; need ${minSnapshots}. Widen from/to or use a shorter period.`,
      minSnapshots,
      times.length,
    );
  }
  const prospects = new Uint8Array(log.keys.length);
  if (o.customers !== undefined) {
    const known = new Set(o.customers.map(String));
    log.keys.forEach((k, c) => (prospects[c] = known.has(k) ? 1 : 0));
  }
  return { log, times, prospects };
}

/** `lifecycle.stageCounts`. @internal */
export function stageCountsOf<S extends string>(cfg: ResolvedConfig, transactions: TransactionInput, options: StageCountOptions | undefined): StageCounts<S> {
  const snap = prepareSnapshots(transactions, options, 'lifecycle.stageCounts', 1);
  const K = cfg.stages.length;
  const flat = new Float64Array(snap.times.length * K);
  walkSnapshots(cfg, snap, flat, null);
  return countsFromFlat(cfg.stages as readonly S[], flat, snap.times);
}

/** `lifecycle.transitionMatrix`. @internal */
export function transitionMatrixOf<S extends string>(cfg: ResolvedConfig, transactions: TransactionInput, options: StageCountOptions | undefined): StageTransitionMatrix<S> {
  const snap = prepareSnapshots(transactions, options, 'lifecycle.transitionMatrix', 2);
  const K = cfg.stages.length;
  const pairs = new Float64Array(K * K);
  const entrants = new Array<number>(K).fill(0);
  walkSnapshots(cfg, snap, new Float64Array(0), { pairs, entrants });
  return matrixFromCounts(cfg.stages as readonly S[], pairs, entrants, snap.times);
}

/**
 * `lifecycle.stageCounts` and, when at least two snapshots fit between `from` and `to`,
 * `lifecycle.transitionMatrix` with the same options, from one parse and grouping of the log and
 * one walk over it (for `clmkit analyze`, whose logs have tens of millions of rows). Equal to the
 * two calls; errors as `stageCounts`.
 * @internal
 */
export function stageHistoryOf<S extends string>(
  cfg: ResolvedConfig,
  transactions: TransactionInput,
  options: StageCountOptions | undefined,
): { counts: StageCounts<S>; transitions: StageTransitionMatrix<S> | null } {
  const snap = prepareSnapshots(transactions, options, 'lifecycle.stageCounts', 1);
  const acc = new HistoryAccumulator(cfg, snap.times);
  acc.walk(snap, undefined);
  return acc.finish<S>();
}

/**
 * {@link stageHistoryOf} over a log given as chunks that hold disjoint sets of customers (every
 * row of a customer in one chunk), so that memory is one chunk's: each chunk is parsed, grouped
 * and walked on its own, and the counts add up to those of the whole log. A population loyalty
 * reference (`'mean'`, `'median'`) is the whole log's: a first pass over the chunks gathers it.
 * `chunks` is called once per pass and must give the same chunks each time, in the library's
 * customer order (a mean then adds up in the same order as on the whole log). The snapshot times
 * must not depend on the chunk: pass `from` and `to`. `options.customers` (prospects without
 * rows) is not taken: every chunk would count them.
 * @internal
 */
export function stageHistoryOfChunks<S extends string>(
  cfg: ResolvedConfig,
  chunks: () => Iterable<TransactionInput>,
  options: Omit<StageCountOptions, 'customers'> | undefined,
): { counts: StageCounts<S>; transitions: StageTransitionMatrix<S> | null } {
  if (options !== undefined && 'customers' in options) throw new Error('stageHistoryOfChunks: options.customers is not supported');
  const state: { acc: HistoryAccumulator | null } = { acc: null };
  const prepare = (chunk: TransactionInput): { snap: Snapshots; acc: HistoryAccumulator } => {
    const snap = prepareSnapshots(chunk, options, 'lifecycle.stageCounts', 1);
    const acc = (state.acc ??= new HistoryAccumulator(cfg, snap.times));
    if (snap.times.length !== acc.times.length || snap.times.some((t, k) => t !== acc.times[k])) {
      throw new Error('stageHistoryOfChunks: the chunks give different snapshot times; pass options.from and options.to');
    }
    return { snap, acc };
  };
  let refs: Reference[] | undefined;
  if (needsPopulationReference(cfg)) {
    let refAcc: ReferenceAccumulator[] | null = null;
    for (const chunk of chunks()) {
      const { snap } = prepare(chunk);
      refAcc ??= snap.times.map(() => new ReferenceAccumulator(cfg, 0));
      addReferences(cfg, snap.log, snap.times, refAcc);
    }
    refs = refAcc?.map((a) => a.resolve());
  }
  for (const chunk of chunks()) {
    const { snap, acc } = prepare(chunk);
    acc.walk(snap, refs);
  }
  if (state.acc === null) throw new Error('stageHistoryOfChunks: no chunk');
  return state.acc.finish<S>();
}

/**
 * One snapshot walk, adding the stage of every customer at every snapshot to `flat` (when it is
 * not empty: snapshot-major, K stages a row) and, with `transitions`, each stage pair of
 * consecutive snapshots to `pairs` and each customer's first stage after the first snapshot to
 * `entrants`; `refs` are the loyalty references per snapshot when the log is a chunk of a larger one.
 */
function walkSnapshots(
  cfg: ResolvedConfig,
  snap: Snapshots,
  flat: Float64Array,
  transitions: { pairs: Float64Array; entrants: number[] } | null,
  refs?: readonly Reference[],
): void {
  const { log, times, prospects } = snap;
  const K = cfg.stages.length;
  const wantCounts = flat.length > 0;
  const pairs = transitions?.pairs;
  const entrants = transitions?.entrants;
  let lastC = -1;
  let prev = -1;
  let prevK = -1;
  snapshotStages(
    cfg,
    log,
    times,
    prospects,
    null,
    (c, k, s) => {
      if (wantCounts) flat[k * K + s]++;
      if (pairs === undefined) return;
      if (c !== lastC) {
        lastC = c;
        prev = -1;
      }
      if (prev >= 0 && prevK === k - 1) pairs[prev * K + s]++;
      else if (k > 0) entrants![s]++;
      prev = s;
      prevK = k;
    },
    refs,
  );
}

/** Stage counts per snapshot and transition counts, added up over walks of customer-disjoint logs. */
class HistoryAccumulator {
  readonly flat: Float64Array;
  readonly pairs: Float64Array;
  readonly entrants: number[];

  constructor(
    private readonly cfg: ResolvedConfig,
    readonly times: readonly number[],
  ) {
    const K = cfg.stages.length;
    this.flat = new Float64Array(times.length * K);
    this.pairs = new Float64Array(times.length >= 2 ? K * K : 0);
    this.entrants = new Array<number>(K).fill(0);
  }

  walk(snap: Snapshots, refs: readonly Reference[] | undefined): void {
    walkSnapshots(this.cfg, snap, this.flat, this.times.length >= 2 ? { pairs: this.pairs, entrants: this.entrants } : null, refs);
  }

  finish<S extends string>(): { counts: StageCounts<S>; transitions: StageTransitionMatrix<S> | null } {
    const stages = this.cfg.stages as readonly S[];
    return {
      counts: countsFromFlat(stages, this.flat, this.times),
      transitions: this.times.length >= 2 ? matrixFromCounts(stages, this.pairs, this.entrants, this.times) : null,
    };
  }
}

function countsFromFlat<S extends string>(stages: readonly S[], flat: Float64Array, times: readonly number[]): StageCounts<S> {
  const K = stages.length;
  const rows: number[][] = [];
  const population: number[] = [];
  for (let k = 0; k < times.length; k++) {
    const row = Array.from(flat.subarray(k * K, (k + 1) * K));
    rows.push(row);
    population.push(row.reduce((a, b) => a + b, 0));
  }
  return { stages, at: times.map((t) => new Date(t)), counts: rows, population };
}

function matrixFromCounts<S extends string>(stages: readonly S[], pairs: Float64Array, entrants: number[], times: readonly number[]): StageTransitionMatrix<S> {
  const K = stages.length;
  const counts: number[][] = [];
  const probabilities: number[][] = [];
  const observed: boolean[] = [];
  for (let i = 0; i < K; i++) {
    const row = Array.from(pairs.subarray(i * K, (i + 1) * K));
    let total = 0;
    for (const v of row) total += v;
    counts.push(row);
    observed.push(total > 0);
    probabilities.push(total > 0 ? row.map((v) => v / total) : row.map((_, j) => (j === i ? 1 : 0)));
  }
  return { stages, counts, probabilities, observed, periods: times.length - 1, at: times.map((t) => new Date(t)), entrants };
}
