/**
 * Seeded, reproducible random numbers: the xoshiro128** generator with the usual continuous and
 * discrete distributions on top.
 *
 * ## Generator
 *
 * xoshiro128** 1.1 (D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators",
 * 2018; public-domain reference code at https://prng.di.unimi.it/xoshiro128starstar.c): four
 * uint32 state words, period 2^128 − 1, 4-dimensionally equidistributed. Every step is written
 * with `Math.imul`, shifts and `>>> 0`, so it is pure 32-bit integer arithmetic.
 *
 * ## Seeding
 *
 * A seed is any finite number (integers, negative numbers, fractions alike). It is expanded to the
 * four state words like this:
 *
 * 1. `-0` is treated as `+0`; the seed's IEEE-754 binary64 bit pattern is split into a high word
 *    `hi` and a low word `lo` (read big-endian through a `DataView`, so host byte order does not
 *    matter). Seeds 1 and 1.5 therefore give unrelated streams; `seed` and `seed + 2^-40` too.
 * 2. `mix32(z)` is the MurmurHash3 32-bit finalizer:
 *    `z ^= z >>> 16; z *= 0x85EBCA6B; z ^= z >>> 13; z *= 0xC2B2AE35; z ^= z >>> 16` (mod 2^32).
 *    SplitMix32 with counter `x` is `x += 0x9E3779B9 (mod 2^32); return mix32(x)`.
 * 3. The counter starts at `x = lo ^ mix32(hi)`; state words 0 and 1 are the next two SplitMix32
 *    outputs; then `x ^= hi`; state words 2 and 3 are the next two outputs.
 *
 * The expansion is injective (distinct seeds give distinct states) and never yields the all-zero
 * state: `mix32` is a bijection with `mix32(0) = 0`, and two consecutive SplitMix32 outputs
 * cannot both be zero.
 *
 * ## Cross-engine reproducibility
 *
 * The uniform stream — {@link Random.nextUint32}, {@link Random.next}, {@link Random.int},
 * {@link Random.uniform}, {@link Random.shuffle}, {@link Random.fork}, {@link Random.jump} — is
 * integer arithmetic and IEEE-754 basic operations only (which ECMAScript pins down exactly), so
 * it is bit-identical on every JavaScript engine and platform. Draws that pass through `Math.log`,
 * `Math.exp`, `Math.pow` or `Math.sqrt` ({@link Random.normal}, {@link Random.exponential},
 * {@link Random.gamma}, {@link Random.beta}, {@link Random.poisson}) are identical wherever V8
 * runs (Node, Deno, Chrome: V8 ships its own fdlibm-derived implementations rather than the
 * platform's libm), but ECMAScript leaves those functions implementation-approximated, so an
 * engine whose `Math.log` differs may differ in the last bits — and a Poisson count or a
 * rejection decision made from such a value can then, very rarely, differ too.
 *
 * ## Performance
 *
 * No draw allocates: the four state words live in int32 fields of the generator object and the
 * spare normal deviate in a number field. `nextUint32` is a handful of integer operations.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';

/**
 * A seeded generator. Create one with {@link createRandom} (or resume one with
 * {@link createRandomFromState}). All methods draw from the same underlying xoshiro128** stream,
 * so the sequence of calls (not only the seed) determines every value.
 *
 * @example
 * ```ts
 * import { createRandom } from 'clmkit';
 * const rng = createRandom(42);
 * console.log(rng.next()); // 0.8834493512076171 — in [0, 1), the same on every engine
 * console.log(rng.int(6) + 1); // 2 — a die roll, 1..6
 * console.log(rng.normal(100, 15)); // ≈ 77.34 — a normal deviate with mean 100 and sd 15
 * console.log(rng.shuffle(['a', 'b', 'c', 'd'])); // [ 'a', 'd', 'b', 'c' ] — shuffled in place
 * ```
 */
export interface Random {
  /** The next raw 32-bit output of xoshiro128**, an integer in [0, 2^32). */
  nextUint32(): number;
  /**
   * A uniform double in [0, 1) with 53 random bits: from two draws `a`, `b` of
   * {@link Random.nextUint32}, `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53` — every multiple of 2^-53
   * in [0, 1) equally likely.
   */
  next(): number;
  /**
   * A uniform integer in [0, n), without modulo bias. `n` must be an integer in [1, 2^53].
   * For n ≤ 2^32 one draw `r` is accepted when `r ≥ 2^32 mod n` and mapped to `r mod n`; for larger
   * `n` a 53-bit value (21 bits of one draw, all 32 of the next) is accepted when `≥ 2^53 mod n`.
   * Each attempt is accepted with probability above 1/2, so fewer than 2 attempts are needed on
   * average.
   */
  int(n: number): number;
  /**
   * A uniform double in [min, max) (both finite, min ≤ max; returns `min` when they are equal):
   * `min + (max − min) · next()`, redrawn in the rare case rounding lands on `max`.
   */
  uniform(min: number, max: number): number;
  /**
   * A normal deviate, `mean + sd · Z`, with Z from the Marsaglia polar method. Each accepted pair
   * yields two deviates; the second is cached and returned by the next call of `normal` (or used by
   * `gamma`). `sd` must be finite and ≥ 0.
   */
  normal(mean?: number, sd?: number): number;
  /** An exponential deviate with the given rate (mean 1/rate): `−ln(1 − next()) / rate`. */
  exponential(rate?: number): number;
  /**
   * A gamma deviate with the given shape k > 0 and scale θ > 0 (mean kθ, variance kθ²), by
   * Marsaglia and Tsang (2000). For k < 1 it draws Gamma(k + 1) and multiplies by `u^(1/k)`
   * with u uniform in (0, 1]; for very small k the result can underflow to 0.
   */
  gamma(shape: number, scale?: number): number;
  /**
   * A beta deviate, X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). When a or b is below 1 the
   * ratio is formed from the logarithms of the two gammas, so tiny shapes do not give 0/0.
   */
  beta(a: number, b: number): number;
  /**
   * A Poisson count with mean λ (finite, 0 ≤ λ ≤ 2^52; λ = 0 returns 0 without drawing).
   * λ < 30: Knuth's multiplication method (multiply uniforms until the product drops to e^−λ).
   * λ ≥ 30: PTRS, the transformed rejection method with squeeze of W. Hörmann, "The transformed
   * rejection method for generating Poisson random variables", Insurance: Mathematics and
   * Economics 12 (1993) — exact, about two uniforms per draw, with ln k! from Stirling's series.
   */
  poisson(lambda: number): number;
  /** Shuffles `array` in place (Fisher–Yates, using {@link Random.int}) and returns it. */
  shuffle<T>(array: T[]): T[];
  /**
   * A copy of the full generator state as 7 words: the four xoshiro128** words, then 1 or 0 for
   * whether a spare normal deviate is cached, then the high and low words of that deviate's
   * binary64 bits (0 and 0 when none). {@link createRandomFromState} resumes it exactly.
   */
  state(): Uint32Array;
  /**
   * A new generator on an independent stream, seeded from four draws of this one (each passed
   * through the SplitMix32 finalizer `mix32`). This generator advances by those four draws. The
   * child starts at a pseudo-random point of the 2^128 − 1 cycle, so `n` streams of `L` draws
   * each overlap with probability about n²·L / 2^128 — and forks of forks are as safe as forks.
   * (Jump-based splitting is not used here because repeated forking of forks would land streams on
   * the same jump multiples; use {@link Random.jump} yourself for a flat set of guaranteed
   * non-overlapping streams.)
   */
  fork(): Random;
  /**
   * Advances this generator by 2^64 draws of {@link Random.nextUint32}, exactly as `jump()` of
   * the reference C code (polynomial constants 0x8764000B, 0xF542D2D3, 0x6FA035C3, 0x77F2DB5B).
   * Copy the state, jump, copy, jump, … to get up to 2^64 non-overlapping streams of 2^64 draws.
   * A cached spare normal deviate is discarded.
   */
  jump(): void;
}

/**
 * A seed (any finite number) or an existing {@link Random} to draw from, for functions that accept
 * either. Resolve it with {@link toRandom}.
 *
 * @example
 * ```ts
 * import { createRandom, toRandom, type RandomSource } from 'clmkit';
 * const bySeed: RandomSource = 42;
 * const byGenerator: RandomSource = createRandom(42);
 * console.log(toRandom(bySeed, 0).next() === toRandom(byGenerator, 0).next()); // true
 * ```
 */
export type RandomSource = number | Random;

const TWO_POW_26 = 67_108_864;
const TWO_POW_32 = 4_294_967_296;
const TWO_POW_52 = 4_503_599_627_370_496;
const TWO_POW_53 = 9_007_199_254_740_992;
const INV_TWO_POW_53 = 1 / TWO_POW_53;
/** The SplitMix32 increment, ⌊2^32 / φ⌋. */
const GOLDEN_GAMMA = 0x9e3779b9;
/** Polynomial of the reference `jump()` (advance by 2^64). */
const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b] as const;
/** ln(2π) / 2. */
const HALF_LOG_TWO_PI = 0.9189385332046728;

/** Scratch for reading a double's bits; used only when seeding and saving state, never per draw. */
const bits = new DataView(new ArrayBuffer(8));

/** MurmurHash3 fmix32: a bijection on uint32 with mix32(0) = 0. */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  return typeof value;
}

function fail(context: string, path: string, expected: string, value: unknown): never {
  throw new InvalidInputError(context, [{ path, message: `expected ${expected}, got ${show(value)}` }]);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function requirePositive(context: string, path: string, value: number): void {
  if (!(isFiniteNumber(value) && value > 0)) fail(context, path, 'a finite number > 0', value);
}

function requireFinite(context: string, path: string, value: number): void {
  if (!isFiniteNumber(value)) fail(context, path, 'a finite number', value);
}

/** ln P(K = k) for K ~ Poisson(λ), k ≥ 0 an integer, in a form that stays accurate for large λ. */
function logPoissonPmf(k: number, lambda: number, logLambda: number): number {
  if (k < 10) {
    let logFactorial = 0;
    for (let i = 2; i <= k; i++) logFactorial += Math.log(i);
    return -lambda + k * logLambda - logFactorial;
  }
  // ln k! = k ln k − k + ln(2πk)/2 + 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷) + O(k⁻⁹)
  // (Stirling's series; the omitted term is below 1e-12 for k ≥ 10). Then
  // −λ + k ln λ − ln k! = (k − λ) − k·ln(k/λ) − ln(2πk)/2 − series, with ln(k/λ) = log1p((k − λ)/λ)
  // so the O(λ ln λ) terms never cancel.
  const d = k - lambda;
  const r = 1 / k;
  const r2 = r * r;
  const series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 / 1680)));
  return d - k * Math.log1p(d / lambda) - HALF_LOG_TWO_PI - 0.5 * Math.log(k) - series;
}

class Xoshiro128StarStar implements Random {
  // The four state words, kept as int32 (`| 0`) in plain fields: no typed-array bounds checks and
  // no indexed access.
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #hasSpare = false;
  #spare = 0;

  /** `spare`: a cached standard normal deviate to restore (see {@link Random.state}). */
  constructor(s0: number, s1: number, s2: number, s3: number, spare?: number) {
    this.#s0 = s0 | 0;
    this.#s1 = s1 | 0;
    this.#s2 = s2 | 0;
    this.#s3 = s3 | 0;
    if (spare !== undefined) {
      this.#spare = spare;
      this.#hasSpare = true;
    }
  }

  nextUint32(): number {
    // The reference step, all mod 2^32: result = rotl(s1 * 5, 7) * 9; t = s1 << 9; s2 ^= s0;
    // s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11).
    const s0 = this.#s0;
    const s1 = this.#s1;
    const s2 = this.#s2 ^ s0;
    const s3 = this.#s3 ^ s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    this.#s0 = s0 ^ s3;
    this.#s1 = s1 ^ s2;
    this.#s2 = s2 ^ (s1 << 9);
    this.#s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) * INV_TWO_POW_53;
  }

  int(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_53 && Math.floor(n) === n)) {
      fail('Random.int', 'n', `an integer in [1, 2^53]`, n);
    }
    if (n <= TWO_POW_32) {
      const threshold = TWO_POW_32 % n;
      for (;;) {
        const r = this.nextUint32();
        if (r >= threshold) return r % n;
      }
    }
    const threshold = TWO_POW_53 % n;
    for (;;) {
      const x = (this.nextUint32() >>> 11) * TWO_POW_32 + this.nextUint32();
      if (x >= threshold) return x % n;
    }
  }

  uniform(min: number, max: number): number {
    requireFinite('Random.uniform', 'min', min);
    requireFinite('Random.uniform', 'max', max);
    if (!(min <= max)) fail('Random.uniform', 'max', `a number ≥ min (${show(min)})`, max);
    if (min === max) return min;
    const width = max - min;
    for (;;) {
      const u = this.next();
      // When max − min overflows (e.g. ±1e308) interpolate instead; both forms are exact at u = 0.
      const x = Number.isFinite(width) ? min + width * u : min * (1 - u) + max * u;
      if (x < max) return x;
    }
  }

  normal(mean = 0, sd = 1): number {
    requireFinite('Random.normal', 'mean', mean);
    if (!(isFiniteNumber(sd) && sd >= 0)) fail('Random.normal', 'sd', 'a finite number ≥ 0', sd);
    return mean + sd * this.#standardNormal();
  }

  exponential(rate = 1): number {
    requirePositive('Random.exponential', 'rate', rate);
    // 1 − next() is exact and lies in (0, 1], so the logarithm is finite.
    return -Math.log(1 - this.next()) / rate;
  }

  gamma(shape: number, scale = 1): number {
    requirePositive('Random.gamma', 'shape', shape);
    requirePositive('Random.gamma', 'scale', scale);
    if (shape < 1) {
      const g = this.#marsagliaTsang(shape + 1);
      return g * Math.pow(1 - this.next(), 1 / shape) * scale;
    }
    return this.#marsagliaTsang(shape) * scale;
  }

  beta(a: number, b: number): number {
    requirePositive('Random.beta', 'a', a);
    requirePositive('Random.beta', 'b', b);
    if (a >= 1 && b >= 1) {
      const x = this.#marsagliaTsang(a);
      const y = this.#marsagliaTsang(b);
      return x / (x + y);
    }
    const logX = this.#logGamma(a);
    const logY = this.#logGamma(b);
    return 1 / (1 + Math.exp(logY - logX));
  }

  poisson(lambda: number): number {
    if (!(isFiniteNumber(lambda) && lambda >= 0 && lambda <= TWO_POW_52)) {
      fail('Random.poisson', 'lambda', 'a finite number in [0, 2^52]', lambda);
    }
    if (lambda === 0) return 0;
    if (lambda < 30) {
      // Knuth: the number of uniforms multiplied before the product drops to e^−λ, minus one.
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    // PTRS (Hörmann 1993), constants as published for λ ≥ 10.
    const sqrtLambda = Math.sqrt(lambda);
    const logLambda = Math.log(lambda);
    const b = 0.931 + 2.53 * sqrtLambda;
    const a = -0.059 + 0.02483 * b;
    const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      // ln v may be −∞ (v = 0): then the draw is accepted, as in the published algorithm.
      if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= logPoissonPmf(k, lambda, logLambda)) {
        return k;
      }
    }
  }

  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      // `at` is typed `T | undefined` whatever `noUncheckedIndexedAccess` says; i and j are in range.
      const tmp = array.at(i) as T;
      array[i] = array.at(j) as T;
      array[j] = tmp;
    }
    return array;
  }

  state(): Uint32Array {
    let flag = 0;
    let hi = 0;
    let lo = 0;
    if (this.#hasSpare) {
      bits.setFloat64(0, this.#spare);
      flag = 1;
      hi = bits.getUint32(0);
      lo = bits.getUint32(4);
    }
    return Uint32Array.of(this.#s0, this.#s1, this.#s2, this.#s3, flag, hi, lo);
  }

  fork(): Random {
    const c0 = mix32(this.nextUint32());
    const c1 = mix32(this.nextUint32());
    const c2 = mix32(this.nextUint32());
    const c3 = mix32(this.nextUint32());
    // All four zero is possible in principle (once per cycle); keep the state valid.
    return new Xoshiro128StarStar((c0 | c1 | c2 | c3) === 0 ? GOLDEN_GAMMA : c0, c1, c2, c3);
  }

  jump(): void {
    let j0 = 0;
    let j1 = 0;
    let j2 = 0;
    let j3 = 0;
    for (const word of JUMP) {
      for (let bit = 0; bit < 32; bit++) {
        if ((word >>> bit) & 1) {
          j0 ^= this.#s0;
          j1 ^= this.#s1;
          j2 ^= this.#s2;
          j3 ^= this.#s3;
        }
        this.nextUint32();
      }
    }
    this.#s0 = j0;
    this.#s1 = j1;
    this.#s2 = j2;
    this.#s3 = j3;
    this.#hasSpare = false;
  }

  /** Standard normal by the Marsaglia polar method, caching the second deviate of each pair. */
  #standardNormal(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return this.#spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * f;
    this.#hasSpare = true;
    return u * f;
  }

  /** Gamma(shape, 1) for shape ≥ 1 by Marsaglia and Tsang (2000). */
  #marsagliaTsang(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.#standardNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** ln of a Gamma(shape, 1) deviate; for shape < 1, ln G(shape + 1) + ln(u) / shape, u in (0, 1]. */
  #logGamma(shape: number): number {
    if (shape >= 1) return Math.log(this.#marsagliaTsang(shape));
    const g = this.#marsagliaTsang(shape + 1);
    return Math.log(g) + Math.log(1 - this.next()) / shape;
  }
}

/**
 * A generator seeded with `seed`, any finite number (see the module notes for the exact
 * SplitMix32 expansion). The same seed gives the same stream on every engine.
 *
 * @throws {@link InvalidInputError} (path `options.seed`) when `seed` is not a finite number.
 *
 * @example
 * ```ts
 * import { createRandom } from 'clmkit';
 * const a = createRandom(7);
 * const b = createRandom(7);
 * console.log(a.nextUint32() === b.nextUint32()); // true
 * console.log(createRandom(-2.5).next()); // 0.9874435118870403 — negative and fractional seeds work too
 * ```
 */
export function createRandom(seed: number): Random {
  if (!isFiniteNumber(seed)) fail('createRandom', 'options.seed', 'a finite number', seed);
  bits.setFloat64(0, seed === 0 ? 0 : seed);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  let x = (lo ^ mix32(hi)) >>> 0;
  x = (x + GOLDEN_GAMMA) >>> 0;
  const s0 = mix32(x);
  x = (x + GOLDEN_GAMMA) >>> 0;
  const s1 = mix32(x);
  x = ((x ^ hi) + GOLDEN_GAMMA) >>> 0;
  const s2 = mix32(x);
  x = (x + GOLDEN_GAMMA) >>> 0;
  const s3 = mix32(x);
  return new Xoshiro128StarStar(s0, s1, s2, s3);
}

/**
 * Resumes a generator from {@link Random.state}: 7 words (exact, including a cached spare normal
 * deviate) or just the 4 xoshiro128** words (no spare). Each word must be an integer in
 * [0, 2^32) and the four state words must not all be zero.
 *
 * @throws {@link InvalidInputError} (path `state` or `state[i]`) for any other input.
 *
 * @example
 * ```ts
 * import { createRandom, createRandomFromState } from 'clmkit';
 * const rng = createRandom(1);
 * rng.next();
 * const saved = Array.from(rng.state()); // e.g. store as JSON
 * const resumed = createRandomFromState(saved);
 * console.log(resumed.next() === rng.next()); // true
 * ```
 */
export function createRandomFromState(state: ArrayLike<number>): Random {
  const context = 'createRandomFromState';
  const raw: unknown = state;
  const length = raw === null || raw === undefined ? undefined : (raw as { length?: unknown }).length;
  if (length !== 4 && length !== 7) {
    const got = typeof length === 'number' ? `an array of length ${length}` : show(raw);
    throw new InvalidInputError(context, [
      { path: 'state', message: `expected the 4 or 7 uint32 words of Random.state(), got ${got}` },
    ]);
  }
  const word = (i: number): number => {
    const w: unknown = state[i];
    if (!(typeof w === 'number' && w >= 0 && w < TWO_POW_32 && Math.floor(w) === w)) {
      fail(context, `state[${i}]`, 'an integer in [0, 2^32)', w);
    }
    return w;
  };
  const s0 = word(0);
  const s1 = word(1);
  const s2 = word(2);
  const s3 = word(3);
  if ((s0 | s1 | s2 | s3) === 0) {
    throw new InvalidInputError(context, [
      { path: 'state', message: 'the four generator words are all zero, which xoshiro128** cannot leave' },
    ]);
  }
  if (length === 4) return new Xoshiro128StarStar(s0, s1, s2, s3);
  const flag = word(4);
  const hi = word(5);
  const lo = word(6);
  if (flag === 0) return new Xoshiro128StarStar(s0, s1, s2, s3);
  if (flag !== 1) fail(context, 'state[4]', '0 or 1 (is a spare normal deviate cached?)', flag);
  bits.setUint32(0, hi);
  bits.setUint32(4, lo);
  const spare = bits.getFloat64(0);
  if (!Number.isFinite(spare)) fail(context, 'state[5]', 'the bits of a finite spare normal deviate', spare);
  return new Xoshiro128StarStar(s0, s1, s2, s3, spare);
}

function isRandom(value: unknown): value is Random {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { nextUint32?: unknown }).nextUint32 === 'function' &&
    typeof (value as { next?: unknown }).next === 'function'
  );
}

/**
 * Resolves the `seed`-or-`random` argument of a function that draws random numbers: `undefined`
 * → `createRandom(defaultSeed)`; a number → `createRandom(number)`; a {@link Random} → itself
 * (draws then advance the caller's generator).
 *
 * @throws {@link InvalidInputError} (path `options.seed`) for a non-finite seed, and (path
 * `options.random`) for anything that is neither a number nor a Random.
 *
 * @example
 * ```ts
 * import { createRandom, toRandom, type RandomSource } from 'clmkit';
 * function coinFlips(n: number, random?: RandomSource): number[] {
 *   const rng = toRandom(random, 1);
 *   return Array.from({ length: n }, () => rng.int(2));
 * }
 * console.log(coinFlips(5)); // [ 1, 1, 1, 0, 0 ] — the same every run (default seed 1)
 * console.log(coinFlips(5, 99)); // [ 0, 0, 0, 1, 0 ] — seed 99
 * console.log(coinFlips(5, createRandom(99))); // [ 0, 0, 0, 1, 0 ] — the same generator state
 * ```
 */
export function toRandom(seedOrRandom: RandomSource | undefined, defaultSeed: number): Random {
  const value: unknown = seedOrRandom;
  if (value === undefined) return createRandom(defaultSeed);
  if (typeof value === 'number') return createRandom(value);
  if (isRandom(value)) return value;
  return fail('toRandom', 'options.random', 'a finite number seed or a Random from createRandom', value);
}
