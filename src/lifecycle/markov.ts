/**
 * Forecasts of the stage mix from an estimated stage-to-stage transition matrix (a Markov chain).
 *
 * @module
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors.js';
import { parseOptions, show } from '../validate.js';

/** A transition matrix as `forecastStages` reads it: `lifecycle.transitionMatrix(...)`'s result fits. */
export interface StageChain<S extends string = string> {
  /** The stages (rows and columns). */
  readonly stages: readonly S[];
  /** `probabilities[i][j]`: P(stage j next period | stage i now); rows sum to 1. */
  readonly probabilities: readonly (readonly number[])[];
}

/** The projected stage mix: row `t` is the mix after `t` periods (row 0 is the initial mix). */
export interface StageForecast<S extends string = string> {
  /** The stages (columns of `mix`). */
  readonly stages: readonly S[];
  /** `mix[t][s]`, in the units of the initial mix (counts stay counts, shares stay shares). */
  readonly mix: readonly (readonly number[])[];
}

const ROW_TOLERANCE = 1e-9;

/**
 * Projects the stage mix `periods` steps ahead: `mix[t + 1] = mix[t] · P` (a row vector times
 * the transition matrix). The initial mix is counts or shares, as a record by stage (missing
 * stages are 0) or an array aligned with `chain.stages`. The matrix is checked: square, entries
 * in [0, 1], rows summing to 1 within 1e-9.
 *
 * @example
 * ```ts
 * import { forecastStages } from 'clmkit/lifecycle';
 * // Stay active with 0.9, churn with 0.1; churned customers come back with 0.2.
 * const chain = { stages: ['active', 'churned'], probabilities: [[0.9, 0.1], [0.2, 0.8]] };
 * const f = forecastStages(chain, { active: 1000 }, 2);
 * console.log(f.mix); // [ [ 1000, 0 ], [ 900, 100 ], [ 830, 170 ] ]
 * // The stationary mix is (2/3, 1/3): far ahead, the forecast gets there.
 * console.log(forecastStages(chain, [1, 0], 200).mix[200][0].toFixed(6)); // 0.666667
 * ```
 */
export function forecastStages<S extends string>(
  chain: StageChain<S>,
  initialMix: Readonly<Partial<Record<S, number>>> | readonly number[],
  periods: number,
): StageForecast<S> {
  const context = 'forecastStages';
  const stages = chainStages(chain, context);
  const K = stages.length;
  const P = readMatrix(chain.probabilities, K, context);
  parseOptions(z.strictObject({ periods: z.int().check(z.gte(0), z.lte(1_000_000)) }), { periods }, context);
  const x = new Float64Array(K);
  if (Array.isArray(initialMix)) {
    const arr = initialMix as readonly number[];
    if (arr.length !== K) throw new InvalidInputError(context, [{ path: 'initialMix', message: `expected ${K} values (one per stage), got ${arr.length}` }]);
    arr.forEach((v, i) => (x[i] = mixValue(v, `initialMix.${i}`, context)));
  } else {
    if ((initialMix as unknown) === null || typeof initialMix !== 'object') {
      throw new InvalidInputError(context, [{ path: 'initialMix', message: `expected a record by stage or an array, got ${show(initialMix)}` }]);
    }
    for (const [key, v] of Object.entries(initialMix as Record<string, unknown>)) {
      const i = stages.indexOf(key as S);
      if (i < 0) throw new InvalidInputError(context, [{ path: `initialMix.${key}`, message: `unknown stage; the stages are ${stages.map((s) => `'${s}'`).join(', ')}` }]);
      x[i] = mixValue(v, `initialMix.${key}`, context);
    }
  }
  const mix: number[][] = [Array.from(x)];
  const next = new Float64Array(K);
  for (let t = 0; t < periods; t++) {
    next.fill(0);
    for (let i = 0; i < K; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      for (let j = 0; j < K; j++) next[j] += xi * P[i * K + j];
    }
    x.set(next);
    mix.push(Array.from(x));
  }
  return { stages, mix };
}

function chainStages<S extends string>(chain: StageChain<S>, context: string): readonly S[] {
  const stages = (chain as StageChain<S> | null)?.stages;
  if (!Array.isArray(stages) || stages.length === 0 || !stages.every((s) => typeof s === 'string') || new Set(stages).size !== stages.length) {
    throw new InvalidInputError(context, [{ path: 'chain.stages', message: `expected a non-empty array of distinct stage names, got ${show(stages)}` }]);
  }
  return stages as unknown as readonly S[];
}

function mixValue(v: unknown, path: string, context: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidInputError(context, [{ path, message: `expected a finite number ≥ 0, got ${show(v)}` }]);
  return v;
}

/** Reads a K×K row-stochastic matrix into a flat Float64Array, or throws naming the bad row. @internal */
export function readMatrix(rows: readonly (readonly number[])[], K: number, context: string): Float64Array {
  if (!Array.isArray(rows) || rows.length !== K) {
    throw new InvalidInputError(context, [{ path: 'chain.probabilities', message: `expected ${K} rows (one per stage), got ${show(rows)}` }]);
  }
  const P = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row) || row.length !== K) {
      throw new InvalidInputError(context, [{ path: 'chain.probabilities', row: i, message: `expected ${K} probabilities, got ${show(row)}` }]);
    }
    let sum = 0;
    for (let j = 0; j < K; j++) {
      const v: unknown = (row as readonly unknown[])[j];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new InvalidInputError(context, [{ path: `chain.probabilities.${j}`, row: i, message: `expected a probability in [0, 1], got ${show(v)}` }]);
      }
      P[i * K + j] = v;
      sum += v;
    }
    if (Math.abs(sum - 1) > ROW_TOLERANCE) {
      throw new InvalidInputError(context, [{ path: 'chain.probabilities', row: i, message: `a row must sum to 1, this one sums to ${sum}` }]);
    }
  }
  return P;
}
