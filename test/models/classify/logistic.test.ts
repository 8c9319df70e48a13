import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../../src/errors.js';
import { createRandom } from '../../../src/math/random.js';
import { logLoss, rocAuc } from '../../../src/metrics/classification.js';
import { fitLogistic, logisticFromJSON, type BinaryLogisticModel, type MultinomialLogisticModel } from '../../../src/models/classify/logistic.js';
import { toMatrix } from '../../../src/models/prep/matrix.js';
import { loadTelco, TELCO_FIXTURE, TELCO_MISSING } from '../../helpers/telco.js';

interface SkBinary {
  coefficients: number[];
  intercept: number;
  n_iter: number;
  test_roc_auc: number;
  test_log_loss: number;
  test_proba_first20: number[];
}
interface TelcoFixture {
  logistic: Record<'C1' | 'C0.1' | 'C1_balanced' | 'C1_lbfgs', SkBinary>;
}
interface SmallFixture {
  unpenalised: {
    X: number[][];
    y: number[];
    intercept: number;
    coefficients: number[];
    intercept_se: number;
    coefficient_se: number[];
  };
  weighted_C1: { sample_weight: number[]; intercept: number; coefficients: number[] };
  multinomial: {
    X: number[][];
    y: string[];
  } & Record<'C1' | 'C0.5', { classes: string[]; coefficients: number[][]; intercept: number[]; proba_first5: number[][] }>;
}
// Both written by test/fixtures/make_telco_fixtures.py (scikit-learn 1.2.1, numpy 1.24.2).
const TF = JSON.parse(readFileSync(TELCO_FIXTURE, 'utf8')) as TelcoFixture;
const SF = JSON.parse(readFileSync(new URL('../../fixtures/logistic-small.json', import.meta.url), 'utf8')) as SmallFixture;
const telco = loadTelco();

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, relErr(a[i], b[i]));
  return m;
};
function binary(m: ReturnType<typeof fitLogistic>): BinaryLogisticModel {
  if (m.kind !== 'binary') throw new Error('expected a binary model');
  return m;
}

describe.skipIf(telco === null)('Telco churn: equals scikit-learn LogisticRegression (newton-cholesky, tol 1e-12)', () => {
  const t = telco!;
  const cases: [keyof TelcoFixture['logistic'], Parameters<typeof fitLogistic>[2]][] = [
    ['C1', { l2: 1 }],
    ['C0.1', { l2: 10 }],
    ['C1_balanced', { l2: 1, classWeight: 'balanced' }],
  ];
  for (const [key, opts] of cases) {
    it(`${key}: coefficients to 1e-4 relative (observed ~1e-9), test ROC AUC to 1e-6`, () => {
      const sk = TF.logistic[key];
      const m = binary(fitLogistic(t.Xtrain, t.yTrain, opts));
      expect(m.converged).toBe(true);
      expect(m.coefficientNames).toEqual(t.Xtrain.columnNames);
      expect(maxRel(m.coefficients, sk.coefficients)).toBeLessThan(1e-4);
      expect(relErr(m.intercept, sk.intercept)).toBeLessThan(1e-4);
      // The fit is far tighter than the bar: Newton vs Newton-Cholesky at their optima.
      expect(maxRel(m.coefficients, sk.coefficients)).toBeLessThan(1e-7);
      const p = m.predictProba(t.Xtest);
      expect(Math.abs(rocAuc(t.yTest, p) - sk.test_roc_auc)).toBeLessThan(1e-6);
      expect(Math.abs(logLoss(t.yTest, p) - sk.test_log_loss)).toBeLessThan(1e-8);
      expect(maxRel(p.subarray(0, 20), sk.test_proba_first20)).toBeLessThan(1e-7);
    });
  }
  it('sklearn lbfgs (tol default) stops short of the optimum; our objective is lower', () => {
    const sk = TF.logistic.C1_lbfgs;
    const m = binary(fitLogistic(t.Xtrain, t.yTrain));
    // Objective at sklearn's lbfgs point, computed here from its coefficients.
    let obj = 0;
    const { data, nRows, nCols } = t.Xtrain;
    for (let i = 0; i < nRows; i++) {
      let eta = sk.intercept;
      for (let j = 0; j < nCols; j++) eta += data[i * nCols + j] * sk.coefficients[j];
      obj += Math.log1p(Math.exp(eta)) - (t.yTrain[i] === 1 ? eta : 0);
    }
    obj += 0.5 * sk.coefficients.reduce((a, b) => a + b * b, 0);
    expect(m.objective).toBeLessThan(obj);
    expect(maxRel(m.coefficients, sk.coefficients)).toBeGreaterThan(1e-4);
  });
});
if (telco === null) console.log(TELCO_MISSING);

describe('small references (numpy / scikit-learn)', () => {
  it('unpenalised: MLE and standard errors sqrt(diag((XᵀWX)⁻¹)) to 1e-8', () => {
    const u = SF.unpenalised;
    const m = binary(fitLogistic(u.X, u.y, { l2: 0 }));
    expect(m.converged).toBe(true);
    expect(maxRel(m.coefficients, u.coefficients)).toBeLessThan(1e-8);
    expect(relErr(m.intercept, u.intercept)).toBeLessThan(1e-8);
    expect(maxRel(m.standardErrors!, u.coefficient_se)).toBeLessThan(1e-8);
    expect(relErr(m.interceptStandardError!, u.intercept_se)).toBeLessThan(1e-8);
    expect(m.pValues![0]).toBeLessThan(1e-6); // β = 0.80 with se ≈ 0.13
  });

  it('sample weights = sklearn sample_weight (C = 1) to 1e-8', () => {
    const u = SF.unpenalised;
    const m = binary(fitLogistic(u.X, u.y, { sampleWeight: SF.weighted_C1.sample_weight }));
    expect(maxRel(m.coefficients, SF.weighted_C1.coefficients)).toBeLessThan(1e-8);
    expect(relErr(m.intercept, SF.weighted_C1.intercept)).toBeLessThan(1e-8);
    expect(m.standardErrors).toBeNull();
  });

  for (const key of ['C1', 'C0.5'] as const) {
    it(`multinomial ${key}: coefficients, intercepts and probabilities to 1e-6 (sklearn newton-cg, tol 1e-9)`, () => {
      const mm = SF.multinomial;
      const sk = mm[key];
      const m = fitLogistic(mm.X, mm.y, { l2: 1 / Number(key.slice(1)) }) as MultinomialLogisticModel;
      expect(m.kind).toBe('multinomial');
      expect(m.converged).toBe(true);
      expect(m.classes).toEqual(sk.classes);
      expect(maxRel(m.coefficients, sk.coefficients.flat())).toBeLessThan(1e-6);
      expect(maxRel(m.intercept, sk.intercept)).toBeLessThan(1e-6);
      expect(maxRel(m.predictProba(mm.X.slice(0, 5)), sk.proba_first5.flat())).toBeLessThan(1e-6);
      expect(m.predict(mm.X.slice(0, 5))).toEqual(
        sk.proba_first5.map((r) => sk.classes[r.indexOf(Math.max(...r))]),
      );
    });
  }
});

describe('recovery and invariants', () => {
  it('recovers known coefficients on simulated data (n = 20000, within 4 standard errors)', () => {
    const rng = createRandom(11);
    const n = 20000;
    const truth = [1.5, -0.7, 0.3];
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = [rng.normal(), rng.normal(), rng.normal()];
      const eta = -0.5 + x.reduce((a, v, j) => a + v * truth[j], 0);
      X.push(x);
      y.push(rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
    }
    const m = binary(fitLogistic(X, y, { l2: 0 }));
    truth.forEach((b, j) => {
      expect(Math.abs(m.coefficients[j] - b)).toBeLessThan(4 * m.standardErrors![j]);
    });
    expect(Math.abs(m.intercept + 0.5)).toBeLessThan(4 * m.interceptStandardError!);
  });

  it('many rows (Hessian from a subsample): still the exact optimum — gradient of the objective ~0', () => {
    const rng = createRandom(23);
    const n = 120_000;
    const p = 3;
    const data = new Float64Array(n * p);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let eta = 0.2;
      for (let j = 0; j < p; j++) {
        data[i * p + j] = rng.normal(0, j + 1);
        eta += data[i * p + j] * [0.8, -0.3, 0.1][j];
      }
      y[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    const m = binary(fitLogistic({ data, nRows: n, nCols: p }, y, { l2: 2 }));
    expect(m.converged).toBe(true);
    const prob = m.predictProba({ data, nRows: n, nCols: p });
    const g = new Float64Array(p + 1);
    for (let i = 0; i < n; i++) {
      const r = prob[i] - y[i];
      for (let j = 0; j < p; j++) g[j] += r * data[i * p + j];
      g[p] += r;
    }
    for (let j = 0; j < p; j++) g[j] += 2 * m.coefficients[j];
    for (const v of g) expect(Math.abs(v) / n).toBeLessThan(1e-11);
  });

  it('400,000 rows (subsample stage, then every other row\'s Hessian): still the exact optimum — gradient of the objective ~0', () => {
    // Reference: the stationarity condition ∇ = 0 of the penalised objective, checked directly.
    const rng = createRandom(29);
    const n = 400_000;
    const p = 2;
    const data = new Float64Array(n * p);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const a = rng.normal();
      const b = rng.normal(0, 2);
      data[i * p] = a;
      data[i * p + 1] = b;
      y[i] = rng.next() < 1 / (1 + Math.exp(-(0.3 + 0.7 * a - 0.2 * b))) ? 1 : 0;
    }
    const m = binary(fitLogistic({ data, nRows: n, nCols: p }, y, { l2: 3 }));
    expect(m.converged).toBe(true);
    const prob = m.predictProba({ data, nRows: n, nCols: p });
    const g = new Float64Array(p + 1);
    for (let i = 0; i < n; i++) {
      const r = prob[i] - y[i];
      for (let j = 0; j < p; j++) g[j] += r * data[i * p + j];
      g[p] += r;
    }
    for (let j = 0; j < p; j++) g[j] += 3 * m.coefficients[j];
    for (const v of g) expect(Math.abs(v) / n).toBeLessThan(1e-11);
  });

  it('very sparse one-hot design (< 25 % nonzeros: the sparse pass too), with and without an intercept: gradient ~0', () => {
    // Reference: the stationarity condition ∇ = 0 of the penalised objective, checked directly.
    const rng = createRandom(37);
    const n = 600;
    const p = 26; // 2 numeric + 3 fields of 8 one-hot columns → 5 nonzeros per row (19 %)
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = new Array<number>(p).fill(0);
      row[0] = rng.normal();
      row[1] = rng.normal();
      const lv = [rng.int(8), rng.int(8), rng.int(8)];
      lv.forEach((a, f) => (row[2 + 8 * f + a] = 1));
      X.push(row);
      const eta = 0.6 * row[0] - 0.5 * row[1] + (lv[0] - 3.5) * 0.2 - (lv[2] === 1 ? 0.9 : 0);
      y.push(rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
    }
    for (const fitIntercept of [true, false]) {
      const l2 = 0.5;
      const m = binary(fitLogistic(X, y, { l2, fitIntercept }));
      expect(m.converged).toBe(true);
      const pr = m.predictProba(X);
      const g = new Float64Array(p + 1);
      for (let i = 0; i < n; i++) {
        const r = pr[i] - y[i];
        for (let j = 0; j < p; j++) g[j] += r * X[i][j];
        g[p] += r;
      }
      for (let j = 0; j < p; j++) expect(Math.abs(g[j] + l2 * m.coefficients[j])).toBeLessThan(1e-8);
      if (fitIntercept) expect(Math.abs(g[p])).toBeLessThan(1e-8);
    }
  });

  it('sparse one-hot designs (the CSR path), with and without an intercept, binary and multinomial: gradient ~0', () => {
    const rng = createRandom(31);
    const n = 400;
    const p = 12; // 2 numeric + 10 one-hot columns (2 fields of 5) → density ≈ 1/3
    const X: number[][] = [];
    const yb: number[] = [];
    const ym: string[] = [];
    for (let i = 0; i < n; i++) {
      const row = new Array<number>(p).fill(0);
      row[0] = rng.normal();
      row[1] = rng.normal();
      const a = rng.int(5);
      const b = rng.int(5);
      row[2 + a] = 1;
      row[7 + b] = 1;
      X.push(row);
      const eta = 0.7 * row[0] - 0.4 * row[1] + (a - 2) * 0.3 - (b === 1 ? 0.8 : 0);
      yb.push(rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
      ym.push(['x', 'y', 'z'][eta > 0.4 ? 2 : eta > -0.4 ? 1 : 0]);
    }
    for (const fitIntercept of [true, false]) {
      const l2 = 0.5;
      const m = binary(fitLogistic(X, yb, { l2, fitIntercept }));
      expect(m.converged).toBe(true);
      const pr = m.predictProba(X);
      const g = new Float64Array(p + 1);
      for (let i = 0; i < n; i++) {
        const r = pr[i] - yb[i];
        for (let j = 0; j < p; j++) g[j] += r * X[i][j];
        g[p] += r;
      }
      for (let j = 0; j < p; j++) expect(Math.abs(g[j] + l2 * m.coefficients[j])).toBeLessThan(1e-8);
      if (fitIntercept) expect(Math.abs(g[p])).toBeLessThan(1e-8);
      const mm = fitLogistic(X, ym, { l2, fitIntercept }) as MultinomialLogisticModel;
      expect(mm.converged).toBe(true);
      const P = mm.predictProba(X);
      for (let c = 0; c < 3; c++) {
        const gc = new Float64Array(p + 1);
        for (let i = 0; i < n; i++) {
          const r = P[i * 3 + c] - (ym[i] === mm.classes[c] ? 1 : 0);
          for (let j = 0; j < p; j++) gc[j] += r * X[i][j];
          gc[p] += r;
        }
        for (let j = 0; j < p; j++) expect(Math.abs(gc[j] + l2 * mm.coefficients[c * p + j])).toBeLessThan(1e-8);
        if (fitIntercept) expect(Math.abs(gc[p])).toBeLessThan(1e-8);
      }
      if (fitIntercept) expect(Math.abs(mm.intercept.reduce((s, v) => s + v, 0))).toBeLessThan(1e-10);
    }
  });

  it('labels of any kind; predict uses the threshold; string classes sorted', () => {
    const X = [[0], [1], [2], [3], [4], [5]];
    const m = binary(fitLogistic(X, ['stay', 'stay', 'churn', 'stay', 'churn', 'churn']));
    expect(m.classes).toEqual(['churn', 'stay']);
    const p = m.predictProba([[0], [5]]); // P('stay') falls with x
    expect(p[0]).toBeGreaterThan(p[1]);
    expect(m.predict([[0], [5]], 0.5)).toEqual(['stay', 'churn']);
    expect(m.predict([[5]], 0)).toEqual(['stay']);
    const dm = toMatrix({ data: Float64Array.from([0, 1, 2, 3, 4, 5]), nRows: 6, nCols: 1, columnNames: ['recency'] });
    expect(fitLogistic(dm, [true, false, true, false, true, true]).coefficientNames).toEqual(['recency']);
  });

  it('fitIntercept false and a class weight object', () => {
    const X = [[-2], [-1], [1], [2], [0.5], [-0.5]];
    const y = [0, 0, 1, 1, 0, 1];
    const m = binary(fitLogistic(X, y, { fitIntercept: false }));
    expect(m.intercept).toBe(0);
    const heavy = binary(fitLogistic(X, y, { classWeight: { '1': 5 } }));
    const same = binary(fitLogistic(X, y, { sampleWeight: y.map((v) => (v === 1 ? 5 : 1)) }));
    expect(maxRel(heavy.coefficients, same.coefficients)).toBeLessThan(1e-12);
    expect(heavy.intercept).toBeGreaterThan(binary(fitLogistic(X, y)).intercept);
  });

  it('reports non-convergence on separable data without a penalty', () => {
    const m = fitLogistic([[0], [1], [2], [3]], [0, 0, 1, 1], { l2: 0, maxIterations: 20 });
    expect(m.converged).toBe(false);
    expect(m.iterations).toBeLessThanOrEqual(20);
    expect(Number.isFinite(m.coefficients[0])).toBe(true);
  });

  it('toJSON / logisticFromJSON restore binary and multinomial models exactly', () => {
    const u = SF.unpenalised;
    const b = fitLogistic(u.X, u.y, { l2: 0 });
    const b2 = logisticFromJSON(JSON.parse(JSON.stringify(b)));
    expect(b2).toMatchObject({ kind: 'binary', converged: b.converged, iterations: b.iterations, l2: 0 });
    expect(b2.coefficients).toEqual(b.coefficients);
    expect((b2 as BinaryLogisticModel).standardErrors).toEqual((b as BinaryLogisticModel).standardErrors);
    expect(b2.predictProba(u.X)).toEqual(b.predictProba(u.X));
    const mm = SF.multinomial;
    const m = fitLogistic(mm.X, mm.y);
    const m2 = logisticFromJSON(JSON.parse(JSON.stringify(m)));
    expect(m2.kind).toBe('multinomial');
    expect(m2.predictProba(mm.X)).toEqual(m.predictProba(mm.X));
    expect(m2.predict(mm.X)).toEqual(m.predict(mm.X));
    expect(() => logisticFromJSON({ ...b.toJSON(), version: 2 })).toThrow(/json.version/);
    expect(() => logisticFromJSON({ ...b.toJSON(), coefficients: [1] })).toThrow(/json.coefficients/);
    expect(() => logisticFromJSON(null)).toThrow(InvalidInputError);
  });

  it('typed errors', () => {
    expect(() => fitLogistic([[1], [2]], [1, 1])).toThrow(NotEnoughDataError);
    expect(() => fitLogistic([[1], [2]], [1])).toThrow(/expected 2 labels/);
    expect(() => fitLogistic([[1], [Number.NaN]], [0, 1])).toThrow(InvalidInputError);
    expect(() => fitLogistic([[1], [2]], [0, 1], { l2: -1 })).toThrow(InvalidInputError);
    expect(() => fitLogistic([[1], [2]], [0, 1], { classWeight: { '7': 2 } })).toThrow(/unknown class "7"/);
    expect(() => fitLogistic([[1], [2]], [0, 1], { sampleWeight: [1, -1] })).toThrow(InvalidInputError);
    expect(() => fitLogistic([[1], [2]], [0, null] as unknown as number[])).toThrow(InvalidInputError);
    const m = fitLogistic([[1], [2], [3]], [0, 1, 0]);
    expect(() => m.predictProba([[1, 2]])).toThrow(/expected 1 columns/);
  });

  it('gradient of the penalised objective is ~0 at the fit; probabilities in (0,1) (property, seed 17)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0.01, max: 10, noNaN: true }), (seed, l2) => {
        const rng = createRandom(seed);
        const n = 60;
        const X = Array.from({ length: n }, () => [rng.normal(), rng.normal() * 3]);
        const y = X.map((x) => (rng.next() < 1 / (1 + Math.exp(-(x[0] - 0.2 * x[1]))) ? 1 : 0));
        fc.pre(y.some((v) => v === 1) && y.some((v) => v === 0));
        const m = binary(fitLogistic(X, y, { l2 }));
        const p = m.predictProba(X);
        const g = [0, 0, 0];
        for (let i = 0; i < n; i++) {
          const r = p[i] - y[i];
          g[0] += r * X[i][0];
          g[1] += r * X[i][1];
          g[2] += r;
          expect(p[i]).toBeGreaterThan(0);
          expect(p[i]).toBeLessThan(1);
        }
        g[0] += l2 * m.coefficients[0];
        g[1] += l2 * m.coefficients[1];
        for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-7);
      }),
      { seed: 17, numRuns: 40 },
    );
  });
});
