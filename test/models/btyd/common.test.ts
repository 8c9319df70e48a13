import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digamma, lgamma } from '../../../src/math/special.js';
import { createRandom } from '../../../src/math/random.js';
import { fitBetaGeo } from '../../../src/models/btyd/betaGeo.js';
import { ConvergenceError, InvalidInputError, NotEnoughDataError } from '../../../src/errors.js';
import {
  checkModelJson,
  compressRfm,
  fitMaximumLikelihood,
  isSingleCustomer,
  parseBtydFitOptions,
  predictBatch,
  readRfm,
  unitOf,
  type MaximumLikelihoodProblem,
} from '../../../src/models/btyd/common.js';
import { thrown } from '../../helpers/thrown.js';

describe('readRfm', () => {
  it('accepts arrays and Float64Arrays (used as given), weights default to 1', () => {
    const f = Float64Array.from([2, 0]);
    const d = readRfm({ frequency: f, recency: [30.43, 0], T: [38.86, 38.86] }, 'test');
    expect(d.frequency).toBe(f);
    expect(Array.from(d.recency)).toEqual([30.43, 0]);
    expect(Array.from(d.weights)).toEqual([1, 1]);
    expect(Array.from(readRfm({ frequency: [1], recency: [1], T: [1], weights: [3] }, 't').weights)).toEqual([3]);
  });
  it('names the column and row of every problem', () => {
    const err = thrown(() =>
      readRfm(
        {
          frequency: [1, -1, 1.5, 0, 2, NaN, 1],
          recency: [1, 0, 1, 2, 5, 0, 1],
          T: [1, 1, 1, 3, 4, 1, Infinity],
          weights: [1, 1, 1, 1, 1, 1, -2],
        },
        'fitX',
      ),
    ) as InvalidInputError;
    expect(err).toBeInstanceOf(InvalidInputError);
    const got = err.issues.map((i) => `${i.path}@${String(i.row)}`);
    expect(got).toEqual(['frequency@1', 'frequency@2', 'recency@3', 'recency@4', 'frequency@5', 'T@6', 'weights@6']);
    expect(err.message).toMatch(/fitX/);
    expect(err.issues[3].message).toBe('expected recency ≤ T (4), got 5');
    expect(err.issues[2].message).toBe('expected recency 0 for a customer with frequency 0, got 2');
  });
  it('rejects different lengths, non-number entries and missing columns', () => {
    expect((thrown(() => readRfm({ frequency: [1, 2], recency: [1], T: [1, 2] }, 't')) as InvalidInputError).issues[0].path).toBe('recency');
    const e2 = thrown(() => readRfm({ frequency: [1, '2' as unknown as number], recency: [1, 1], T: [1, 2] }, 't')) as InvalidInputError;
    expect(e2.issues[0]).toMatchObject({ path: 'frequency', row: 1 });
    expect((thrown(() => readRfm({ frequency: [1], recency: [1] } as never, 't')) as InvalidInputError).issues[0].path).toBe('T');
    expect(thrown(() => readRfm(null as never, 't'))).toBeInstanceOf(InvalidInputError);
  });
  it('caps issues but counts them all', () => {
    const n = 500;
    const err = thrown(() => readRfm({ frequency: new Array<number>(n).fill(-1), recency: new Array<number>(n).fill(0), T: new Array<number>(n).fill(1) }, 't')) as InvalidInputError;
    expect(err.issueCount).toBe(n);
    expect(err.issues.length).toBe(100);
  });
});

describe('compressRfm', () => {
  it('merges identical triples, sums weights, and maps rows back (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 3, max: 4 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 60 }),
        (rows) => {
          const frequency = rows.map((r) => r[0]);
          const recency = rows.map((r) => (r[0] === 0 ? 0 : r[1]));
          const T = rows.map((r) => r[2]);
          const weights = rows.map((r) => r[3]);
          const c = compressRfm(readRfm({ frequency, recency, T, weights }, 't'));
          const keys = new Set(rows.map((_, i) => `${frequency[i]},${recency[i]},${T[i]}`));
          expect(c.frequency.length).toBe(keys.size);
          const total = weights.reduce((a, b) => a + b, 0);
          expect(c.weights.reduce((a, b) => a + b, 0)).toBe(total);
          for (let i = 0; i < rows.length; i++) {
            const j = c.index[i];
            expect([c.frequency[j], c.recency[j], c.T[j]]).toEqual([frequency[i], recency[i], T[i]]);
          }
          // weights per triple
          for (let j = 0; j < c.frequency.length; j++) {
            let w = 0;
            for (let i = 0; i < rows.length; i++) if (c.index[i] === j) w += weights[i];
            expect(c.weights[j]).toBe(w);
          }
        },
      ),
      { seed: 31, numRuns: 200 },
    );
  });
  it('treats −0 as 0 and keeps first-appearance order', () => {
    const c = compressRfm(readRfm({ frequency: [1, 0, 0], recency: [2, -0, 0], T: [3, 3, 3] }, 't'));
    expect(Array.from(c.frequency)).toEqual([1, 0]);
    expect(Array.from(c.weights)).toEqual([1, 2]);
    expect(Array.from(c.index)).toEqual([0, 1, 1]);
  });
});

describe('predictBatch', () => {
  const f = (x: number, tx: number, T: number): number => x + tx / 10 + T / 100;
  it('one customer → number, columns → Float64Array', () => {
    expect(predictBatch({ frequency: 2, recency: 3, T: 4 }, 't', f)).toBeCloseTo(2.34, 14);
    const out = predictBatch({ frequency: [2, 0], recency: [3, 0], T: [4, 5] }, 't', f);
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([f(2, 3, 4), f(0, 0, 5)]);
    expect(isSingleCustomer({ frequency: 1, recency: 1, T: 1 })).toBe(true);
    expect(isSingleCustomer({ frequency: [1], recency: [1], T: [1] })).toBe(false);
  });
  it('validates one customer and columns alike', () => {
    const e1 = thrown(() => predictBatch({ frequency: 1, recency: 5, T: 4 }, 'model.probabilityAlive', f)) as InvalidInputError;
    expect(e1.issues[0].path).toBe('recency');
    expect(e1.message).toMatch(/probabilityAlive/);
    const e2 = thrown(() => predictBatch({ frequency: [1, 1.5], recency: [1, 1], T: [2, 2] }, 't', f)) as InvalidInputError;
    expect(e2.issues[0]).toMatchObject({ path: 'frequency', row: 1 });
  });
});

describe('parseBtydFitOptions', () => {
  it('fills defaults and rejects bad options and unknown parameter names', () => {
    expect(parseBtydFitOptions(undefined, ['r'], 't')).toEqual({ penalizerCoef: 0, initialParams: {}, maxIterations: 1000, tolerance: 1e-9, optimizer: 'lbfgs' });
    expect((thrown(() => parseBtydFitOptions({ penalizerCoef: -1 }, ['r'], 't')) as InvalidInputError).issues[0].path).toBe('options.penalizerCoef');
    expect((thrown(() => parseBtydFitOptions({ initialParams: { q: 1 } }, ['r'], 't')) as InvalidInputError).issues[0].path).toBe('options.initialParams.q');
    expect((thrown(() => parseBtydFitOptions({ initialParams: { r: 0 } }, ['r'], 't')) as InvalidInputError).issues[0].path).toMatch(/options\.initialParams/);
    expect((thrown(() => parseBtydFitOptions({ optimizer: 'bfgs' }, ['r'], 't')) as InvalidInputError).issues[0].path).toBe('options.optimizer');
    expect((thrown(() => parseBtydFitOptions({ nope: 1 }, ['r'], 't')) as InvalidInputError).issues[0].path).toBe('options.nope');
  });
});

// Exponential waiting times: NLL(λ) = −n ln λ + λ Σt; MLE λ = n/Σt, observed information n/λ².
const times = [0.5, 1.25, 2, 3.5, 0.75, 4, 1];
const sumT = times.reduce((a, b) => a + b, 0);
function exponentialProblem(options: unknown = {}): MaximumLikelihoodProblem {
  return {
    names: ['rate'],
    negLogLik: (lp, grad) => {
      const rate = Math.exp(lp[0]);
      if (grad) grad[0] = -times.length + rate * sumT;
      return -times.length * lp[0] + rate * sumT;
    },
    initial: [1],
    totalWeight: times.length,
    options: parseBtydFitOptions(options, ['rate'], 'exp'),
    context: 'exp',
  };
}
// Gamma(shape k, rate θ) by maximum likelihood: at the optimum θ = k/mean and
// ln k − ψ(k) = ln(mean) − mean(ln x).
const gdata = [0.3, 1.7, 2.2, 0.9, 4.1, 1.1, 0.6, 2.8, 3.3, 1.4];
function gammaProblem(options: unknown = {}, initial = [1, 1]): MaximumLikelihoodProblem {
  const n = gdata.length;
  const s = gdata.reduce((a, b) => a + b, 0);
  const sl = gdata.reduce((a, b) => a + Math.log(b), 0);
  const lg = lgamma;
  const dg = digamma;
  return {
    names: ['k', 'theta'],
    negLogLik: (lp, grad) => {
      const k = Math.exp(lp[0]);
      const th = Math.exp(lp[1]);
      if (grad) {
        grad[0] = -k * (n * lp[1] - n * dg(k) + sl);
        grad[1] = -th * ((n * k) / th - s);
      }
      return -(n * k * lp[1] - n * lg(k) + (k - 1) * sl - th * s);
    },
    initial,
    totalWeight: n,
    options: parseBtydFitOptions(options, ['k', 'theta'], 'gamma'),
    context: 'gamma',
  };
}

describe('fitMaximumLikelihood', () => {
  it('exponential: MLE n/Σt, log-likelihood, SE = λ/√n from the observed information', () => {
    const fit = fitMaximumLikelihood(exponentialProblem());
    const rate = times.length / sumT;
    expect(fit.converged).toBe(true);
    expect(fit.params.rate).toBeCloseTo(rate, 9);
    expect(fit.logLikelihood).toBeCloseTo(times.length * Math.log(rate) - rate * sumT, 9);
    expect(fit.standardErrors?.rate).toBeCloseTo(rate / Math.sqrt(times.length), 7);
    expect(fit.gradientNorm).toBeLessThanOrEqual(1e-9);
  });
  it('penalizer: mean NLL + c·λ² has the closed-form minimiser (−m + √(m² + 8c)) / (4c)', () => {
    const c = 0.3;
    const m = sumT / times.length;
    const fit = fitMaximumLikelihood(exponentialProblem({ penalizerCoef: c }));
    expect(fit.params.rate).toBeCloseTo((-m + Math.sqrt(m * m + 8 * c)) / (4 * c), 9);
    // logLikelihood is the unpenalised total
    const r = fit.params.rate;
    expect(fit.logLikelihood).toBeCloseTo(times.length * Math.log(r) - r * sumT, 9);
  });
  it('gamma: satisfies the score equations from far and perturbed starts, L-BFGS and Nelder–Mead alike', () => {
    const mean = gdata.reduce((a, b) => a + b, 0) / gdata.length;
    const ref = fitMaximumLikelihood(gammaProblem());
    expect(ref.params.theta).toBeCloseTo(ref.params.k / mean, 8);
    for (const init of [[0.01, 100], [50, 0.02], [3, 3]]) {
      const f = fitMaximumLikelihood(gammaProblem({}, init));
      expect(f.params.k).toBeCloseTo(ref.params.k, 7);
      expect(f.logLikelihood).toBeCloseTo(ref.logLikelihood, 9);
    }
    const nm = fitMaximumLikelihood(gammaProblem({ optimizer: 'nelder-mead' }));
    expect(nm.converged).toBe(true);
    expect(nm.params.k).toBeCloseTo(ref.params.k, 5);
    expect(nm.logLikelihood).toBeCloseTo(ref.logLikelihood, 8);
    expect(ref.standardErrors?.k).toBeGreaterThan(0);
    expect(ref.standardErrors?.theta).toBeGreaterThan(0);
  });
  it('initialParams override the default start', () => {
    const f = fitMaximumLikelihood(exponentialProblem({ initialParams: { rate: 30 } }));
    expect(f.params.rate).toBeCloseTo(times.length / sumT, 9);
  });
  it('throws ConvergenceError with the best parameters when there is no optimum, NotEnoughDataError for no weight', () => {
    let calls = 0;
    const unbounded: MaximumLikelihoodProblem = {
      names: ['p'],
      negLogLik: (lp, grad) => {
        calls++;
        if (grad) grad[0] = -1 / (1 + Math.exp(-lp[0])) * 1e-3;
        return -Math.log1p(Math.exp(lp[0])) * 1e-3 + 0 * lp[0];
      },
      initial: [1],
      totalWeight: 1,
      options: parseBtydFitOptions({ maxIterations: 50 }, ['p'], 'u'),
      context: 'unbounded',
    };
    const err = thrown(() => fitMaximumLikelihood(unbounded)) as ConvergenceError;
    expect(err).toBeInstanceOf(ConvergenceError);
    expect(err.bestParams.p).toBeGreaterThan(1);
    expect(err.message).toMatch(/best log-likelihood/);
    // The log-likelihood at the best parameters, in closed form: −negLogLik(log p) = 1e-3 · log(1 + p).
    expect(err.bestLogLikelihood).toBeCloseTo(Math.log1p(err.bestParams.p) * 1e-3, 12);
    expect(err.message).toContain(String(err.bestLogLikelihood));
    expect(err.message).toMatch(/p towards ∞/);
    // Once a parameter has run off to the boundary no restart is tried: one L-BFGS run of at most
    // 50 iterations (2,002 evaluations here, against 20,176 with the Nelder–Mead and four restarts).
    expect(calls).toBeLessThan(2500);
    expect(thrown(() => fitMaximumLikelihood({ ...exponentialProblem(), totalWeight: 0 }))).toBeInstanceOf(NotEnoughDataError);
    const nowhere = { ...exponentialProblem(), negLogLik: () => NaN };
    expect(thrown(() => fitMaximumLikelihood(nowhere))).toBeInstanceOf(ConvergenceError);
  });
});

describe('checkModelJson and unitOf', () => {
  const good = { model: 'BetaGeo', version: 1, params: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, logLikelihood: -9582.43, converged: true, iterations: 20, standardErrors: { r: 0.01, alpha: 0.3, a: 0.1, b: 0.5 }, unit: 'week' };
  it('returns a clean copy of valid JSON', () => {
    expect(checkModelJson(JSON.parse(JSON.stringify(good)), 'BetaGeo', ['r', 'alpha', 'a', 'b'], 't')).toEqual(good);
  });
  it('wrong kind, version, params or fields → InvalidInputError naming each', () => {
    const e = thrown(() => checkModelJson({ ...good, model: 'ParetoNbd', version: 2, params: { r: -1, alpha: 4.4, a: 0.79 }, unit: 'year' }, 'BetaGeo', ['r', 'alpha', 'a', 'b'], 'betaGeoFromJSON')) as InvalidInputError;
    expect(e.issues.map((i) => i.path)).toEqual(['model', 'version', 'params.r', 'params.b', 'unit']);
    expect(thrown(() => checkModelJson('x', 'BetaGeo', ['r'], 't'))).toBeInstanceOf(InvalidInputError);
  });
  it('unitOf', () => {
    expect(unitOf({ frequency: [], recency: [], T: [], unit: 'day' })).toBe('day');
    expect(unitOf({ frequency: [], recency: [], T: [] })).toBeUndefined();
  });
});

describe('fits whose maximum is on the boundary stop early', () => {
  // Purchases of one Poisson process shared by every customer (the same rate, no dropout), like a
  // log of customers drawn uniformly at random: the gamma mixing distribution collapses to a point
  // (r, α → ∞ along a ridge) and there is no dropout to estimate. Before the early stop, 1,000
  // L-BFGS iterations crawled along that ridge for ~3 minutes at 1M rows.
  it('BG/NBD on never-churning customers throws a ConvergenceError naming the boundary, in bounded work', { timeout: 20_000 }, () => {
    const rng = createRandom(11);
    const n = 20_000;
    const frequency = new Float64Array(n);
    const recency = new Float64Array(n);
    const T = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      T[i] = 104;
      const lambda = 0.1;
      let t = 0;
      let x = 0;
      let last = 0;
      for (;;) {
        t += rng.exponential(lambda);
        if (t >= T[i]) break;
        x++;
        last = t;
      }
      frequency[i] = x;
      recency[i] = x > 0 ? Math.floor(last) : 0;
    }
    let error: unknown;
    try {
      fitBetaGeo({ frequency, recency, T });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvergenceError);
    expect((error as ConvergenceError).message).toMatch(/towards ∞|towards 0/);
    expect((error as ConvergenceError).iterations).toBeLessThan(1000);
  });
});
