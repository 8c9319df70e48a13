import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotEnoughDataError } from '../../src/errors.js';
import {
  accuracy,
  averagePrecision,
  brierScore,
  calibrationTable,
  confusionMatrix,
  f1,
  liftTable,
  logLoss,
  precision,
  precisionRecallCurve,
  recall,
  rocAuc,
  rocCurve,
  type ClassLabel,
} from '../../src/metrics/classification.js';
import { thrown } from '../helpers/thrown.js';

// ---------------------------------------------------------------------------------------------
// sklearn reference vectors (test/fixtures/make_sklearn_fixtures.py)

interface Calibration {
  observedRate: number[];
  meanPredicted: number[];
  count: number[];
  binLower: number[];
  binUpper: number[];
}
interface Case {
  n: number;
  negativeLabel: number;
  positiveLabel: number;
  yTrue: number[];
  yScore: number[];
  yProb: number[];
  yPred: number[];
  multiclass: { labels: ClassLabel[]; yTrue: ClassLabel[]; yPred: ClassLabel[] };
  nBins: number;
  sklearn: {
    rocAuc: number | null;
    rocCurve: { fpr: number[]; tpr: number[]; thresholds: number[] } | null;
    rocCurveDropIntermediate: { fpr: number[]; tpr: number[]; thresholds: number[] } | null;
    averagePrecision: number | null;
    precisionRecallCurve: { precision: number[]; recall: number[]; thresholds: number[] } | null;
    logLoss: number;
    brierScore: number;
    calibrationUniform: Calibration;
    calibrationQuantile: Calibration;
    binary: { accuracy: number; precision: number; recall: number; f1: number; confusionMatrix: number[][] };
    multiclass: { accuracy: number; confusionMatrix: number[][]; labels: ClassLabel[] } & Record<string, number>;
  };
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/sklearn-metrics.json', import.meta.url), 'utf8')) as {
  sklearn: string;
  cases: Case[];
};

const TOL = 1e-9;
function close(actual: number, expected: number, what: string): void {
  const ok = Math.abs(actual - expected) <= TOL * Math.max(1, Math.abs(expected));
  if (!ok) expect.fail(`${what}: got ${actual}, sklearn ${expected}`);
}
function closeAll(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], `${what}[${i}]`);
}
describe(`classification metrics match scikit-learn ${fixture.sklearn} (${fixture.cases.length} cases, to 1e-9)`, () => {
  it('has cases of 1 to 200 rows', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(10);
    expect(fixture.cases.some((c) => c.n === 1) && fixture.cases.some((c) => c.n === 200)).toBe(true);
  });

  describe.each(fixture.cases.map((c, i) => [`case ${i} (n = ${c.n})`, c] as const))('%s', (_name, c) => {
    const sk = c.sklearn;
    const pos = { positiveLabel: c.positiveLabel };

    it('rocAuc and rocCurve (both dropIntermediate settings)', () => {
      const scores = Float64Array.from(c.yScore); // typed arrays are accepted too
      if (sk.rocAuc === null) {
        expect(thrown(() => rocAuc(c.yTrue, scores, pos))).toBeInstanceOf(NotEnoughDataError);
        expect(thrown(() => rocCurve(c.yTrue, scores, pos))).toBeInstanceOf(NotEnoughDataError);
        return;
      }
      close(rocAuc(c.yTrue, scores, pos), sk.rocAuc, 'rocAuc');
      for (const [drop, ref] of [
        [false, sk.rocCurve],
        [true, sk.rocCurveDropIntermediate],
      ] as const) {
        if (ref === null) continue;
        const roc = rocCurve(c.yTrue, scores, { ...pos, dropIntermediate: drop });
        closeAll(roc.fpr, ref.fpr, `fpr (drop ${drop})`);
        closeAll(roc.tpr, ref.tpr, `tpr (drop ${drop})`);
        // sklearn < 1.3 puts max(score) + 1 first, ≥ 1.3 inf (as clmkit)
        expect(roc.thresholds[0]).toBe(Infinity);
        closeAll(roc.thresholds.subarray(1), ref.thresholds.slice(1), `thresholds (drop ${drop})`);
      }
      // the default is sklearn's drop_intermediate=True
      expect(rocCurve(c.yTrue, scores, pos)).toEqual(rocCurve(c.yTrue, scores, { ...pos, dropIntermediate: true }));
    });

    it('averagePrecision and precisionRecallCurve', () => {
      if (sk.averagePrecision === null || sk.precisionRecallCurve === null) {
        expect(thrown(() => averagePrecision(c.yTrue, c.yScore, pos))).toBeInstanceOf(NotEnoughDataError);
        expect(thrown(() => precisionRecallCurve(c.yTrue, c.yScore, pos))).toBeInstanceOf(NotEnoughDataError);
        return;
      }
      close(averagePrecision(c.yTrue, c.yScore, pos), sk.averagePrecision, 'averagePrecision');
      const pr = precisionRecallCurve(c.yTrue, c.yScore, pos);
      closeAll(pr.precision, sk.precisionRecallCurve.precision, 'precision');
      closeAll(pr.recall, sk.precisionRecallCurve.recall, 'recall');
      closeAll(pr.thresholds, sk.precisionRecallCurve.thresholds, 'thresholds');
    });

    it('logLoss and brierScore', () => {
      close(logLoss(c.yTrue, c.yProb, pos), sk.logLoss, 'logLoss');
      close(brierScore(c.yTrue, c.yProb, pos), sk.brierScore, 'brierScore');
    });

    it('calibrationTable (uniform and quantile) = calibration_curve, with counts and edges', () => {
      for (const [strategy, ref] of [
        ['uniform', sk.calibrationUniform],
        ['quantile', sk.calibrationQuantile],
      ] as const) {
        const rows = calibrationTable(c.yTrue, c.yProb, { ...pos, bins: c.nBins, strategy });
        closeAll(rows.map((r) => r.observedRate), ref.observedRate, `${strategy} observedRate`);
        closeAll(rows.map((r) => r.meanPredicted), ref.meanPredicted, `${strategy} meanPredicted`);
        expect(rows.map((r) => r.count)).toEqual(ref.count);
        closeAll(rows.map((r) => r.binLower), ref.binLower, `${strategy} binLower`);
        closeAll(rows.map((r) => r.binUpper), ref.binUpper, `${strategy} binUpper`);
      }
    });

    it('binary accuracy, precision, recall, f1, confusionMatrix', () => {
      const b = sk.binary;
      close(accuracy(c.yTrue, c.yPred), b.accuracy, 'accuracy');
      close(precision(c.yTrue, c.yPred, pos), b.precision, 'precision');
      close(recall(c.yTrue, c.yPred, pos), b.recall, 'recall');
      close(f1(c.yTrue, c.yPred, { ...pos, average: 'binary' }), b.f1, 'f1');
      const cm = confusionMatrix(c.yTrue, c.yPred, { labels: [c.negativeLabel, c.positiveLabel] });
      expect(cm.matrix).toEqual(b.confusionMatrix);
    });

    it('multiclass accuracy, confusionMatrix, macro/micro/weighted precision, recall, f1', () => {
      const m = c.multiclass;
      const mk = sk.multiclass;
      close(accuracy(m.yTrue, m.yPred), mk.accuracy, 'accuracy');
      const cm = confusionMatrix(m.yTrue, m.yPred);
      expect(cm.labels).toEqual(mk.labels);
      expect(cm.matrix).toEqual(mk.confusionMatrix);
      for (const average of ['macro', 'micro', 'weighted'] as const) {
        close(precision(m.yTrue, m.yPred, { average }), mk[`precision_${average}`], `precision ${average}`);
        close(recall(m.yTrue, m.yPred, { average }), mk[`recall_${average}`], `recall ${average}`);
        close(f1(m.yTrue, m.yPred, { average }), mk[`f1_${average}`], `f1 ${average}`);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Labels and integer scores (many ties), both classes present. */
const labelledScores = fc
  .array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: -20, max: 20 })), { minLength: 2, maxLength: 80 })
  .filter((rows) => rows.some((r) => r[0] === 1) && rows.some((r) => r[0] === 0));
const split = (rows: [number, number][]): { y: number[]; s: number[] } => ({ y: rows.map((r) => r[0]), s: rows.map((r) => r[1]) });

/** O(n²) Mann–Whitney: pairs (positive, negative) ordered right, ties one half. */
function naiveAuc(y: number[], s: number[]): number {
  let u = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      u += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return u / pairs;
}

describe('classification metrics: properties (fast-check, fixed seeds)', () => {
  it('rocAuc equals the O(n²) Mann–Whitney count and the trapezoidal area under rocCurve', () => {
    fc.assert(
      fc.property(labelledScores, (rows) => {
        const { y, s } = split(rows);
        const auc = rocAuc(y, s);
        expect(Math.abs(auc - naiveAuc(y, s))).toBeLessThan(1e-12);
        for (const dropIntermediate of [false, true]) {
          const { fpr, tpr } = rocCurve(y, s, { dropIntermediate });
          let area = 0;
          for (let k = 1; k < fpr.length; k++) area += ((fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1])) / 2;
          expect(Math.abs(auc - area)).toBeLessThan(1e-12);
        }
      }),
      { seed: 41, numRuns: 300 },
    );
  });

  it('AUC(y, s) = 1 − AUC(1 − y, s)', () => {
    fc.assert(
      fc.property(labelledScores, (rows) => {
        const { y, s } = split(rows);
        const flipped = y.map((v) => 1 - v);
        expect(Math.abs(rocAuc(y, s) - (1 - rocAuc(flipped, s)))).toBeLessThan(1e-12);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('AUC and average precision are invariant under strictly increasing transforms of the scores', () => {
    fc.assert(
      fc.property(labelledScores, fc.integer({ min: 1, max: 5 }), fc.integer({ min: -100, max: 100 }), (rows, a, b) => {
        const { y, s } = split(rows);
        const t = s.map((x) => x * x * x + a * x + b); // strictly increasing, exact on these integers
        expect(rocAuc(y, t)).toBe(rocAuc(y, s));
        expect(averagePrecision(y, t)).toBe(averagePrecision(y, s));
        expect(rocAuc(y, s.map((x) => Math.exp(x / 7)))).toBe(rocAuc(y, s));
      }),
      { seed: 43, numRuns: 300 },
    );
  });

  it('perfect scores give AUC = 1 and average precision = 1; reversed give AUC = 0', () => {
    fc.assert(
      fc.property(labelledScores, (rows) => {
        const { y } = split(rows);
        const perfect = y.map((v, i) => v * 100 + (i % 7)); // every positive above every negative
        expect(rocAuc(y, perfect)).toBe(1);
        expect(averagePrecision(y, perfect)).toBe(1);
        expect(rocAuc(y, perfect.map((x) => -x))).toBe(0);
      }),
      { seed: 44, numRuns: 200 },
    );
  });

  it('0 ≤ average precision ≤ 1, and it equals Σ (Rₙ − Rₙ₋₁) Pₙ over precisionRecallCurve', () => {
    fc.assert(
      fc.property(labelledScores, (rows) => {
        const { y, s } = split(rows);
        const ap = averagePrecision(y, s);
        expect(ap).toBeGreaterThanOrEqual(0);
        expect(ap).toBeLessThanOrEqual(1);
        const { precision: p, recall: r } = precisionRecallCurve(y, s);
        let sum = 0;
        for (let k = 0; k < r.length - 1; k++) sum += (r[k] - r[k + 1]) * p[k];
        expect(Math.abs(ap - sum)).toBeLessThan(1e-12);
      }),
      { seed: 45, numRuns: 300 },
    );
  });

  it('binary f1 is the harmonic mean of precision and recall; micro precision = recall = accuracy', () => {
    const pairs = fc.array(fc.tuple(fc.constantFrom(0, 1), fc.constantFrom(0, 1)), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(pairs, (rows) => {
        const t = rows.map((r) => r[0]);
        const p = rows.map((r) => r[1]);
        const P = precision(t, p);
        const R = recall(t, p);
        const expected = P + R === 0 ? 0 : (2 * P * R) / (P + R);
        expect(Math.abs(f1(t, p) - expected)).toBeLessThan(1e-15);
        const acc = accuracy(t, p);
        expect(Math.abs(precision(t, p, { average: 'micro' }) - acc)).toBeLessThan(1e-15);
        expect(Math.abs(recall(t, p, { average: 'micro' }) - acc)).toBeLessThan(1e-15);
      }),
      { seed: 46, numRuns: 300 },
    );
  });

  it('the confusion matrix counts every row once; its diagonal share is the accuracy', () => {
    const rows = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('a', 'b', 'c', 'd')), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(rows, (r) => {
        const t = r.map((x) => x[0]);
        const p = r.map((x) => x[1]);
        const { labels, matrix } = confusionMatrix(t, p);
        expect(labels).toEqual([...new Set([...t, ...p])].sort());
        const total = matrix.flat().reduce((a, b) => a + b, 0);
        const diag = matrix.reduce((a, row, i) => a + row[i], 0);
        expect(total).toBe(t.length);
        expect(diag / total).toBe(accuracy(t, p));
      }),
      { seed: 47, numRuns: 200 },
    );
  });

  it('liftTable: groups partition the rows, the last cumulative gain is 1, count-weighted lift averages 1', () => {
    fc.assert(
      fc.property(labelledScores, fc.integer({ min: 1, max: 12 }), (rows, groups) => {
        const { y, s } = split(rows);
        const table = liftTable(y, s, { groups });
        expect(table.length).toBe(Math.min(groups, y.length));
        expect(table.reduce((a, r) => a + r.count, 0)).toBe(y.length);
        expect(Math.max(...table.map((r) => r.count)) - Math.min(...table.map((r) => r.count))).toBeLessThanOrEqual(1);
        expect(table.at(-1)!.cumulativeGain).toBe(1);
        const meanLift = table.reduce((a, r) => a + r.lift * r.count, 0) / y.length;
        expect(Math.abs(meanLift - 1)).toBeLessThan(1e-12);
        for (let g = 1; g < table.length; g++) expect(table[g].maxScore).toBeLessThanOrEqual(table[g - 1].minScore);
      }),
      { seed: 48, numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Worked examples and conventions

describe('classification metrics: conventions', () => {
  it('liftTable splits tied scores by input order, equal-sized groups first-heavy', () => {
    const rows = liftTable([0, 1, 1, 0, 1], [5, 5, 5, 5, 1], { groups: 2 });
    // order: rows 0,1,2,3 (all score 5, input order), then row 4
    expect(rows.map((r) => [r.count, r.positives, r.minScore, r.maxScore])).toEqual([
      [3, 2, 5, 5],
      [2, 1, 1, 5],
    ]);
    expect(rows.map((r) => r.cumulativePositives)).toEqual([2, 3]);
    expect(rows[0].rate).toBeCloseTo(2 / 3, 15);
    expect(rows[0].lift).toBeCloseTo((2 / 3) / (3 / 5), 15);
  });

  it('booleans count as 1/0 next to the default positive label, and label kinds are compared as numpy', () => {
    expect(rocAuc([false, true, true], [0.1, 0.9, 0.5])).toBe(1);
    expect(confusionMatrix([true, 0, 1], [1, false, 0]).labels).toEqual([0, 1]);
    expect(precision(['no', 'yes', 'yes'], ['yes', 'yes', 'no'], { positiveLabel: 'yes' })).toBe(0.5);
    expect(confusionMatrix([10, 9, 100], [9, 9, 10]).labels).toEqual([9, 10, 100]); // numeric, not string, order
  });

  it('confusionMatrix with options.labels orders rows and columns and drops unlisted labels', () => {
    const cm = confusionMatrix(['a', 'b', 'c', 'a'], ['a', 'c', 'c', 'b'], { labels: ['c', 'a'] });
    expect(cm).toEqual({ labels: ['c', 'a'], matrix: [[1, 0], [0, 1]] });
  });

  it('zero division gives 0 (sklearn: 0 with a warning)', () => {
    expect(precision([1, 0], [0, 0])).toBe(0);
    expect(recall([0, 0], [1, 0])).toBe(0);
    expect(f1([0, 0], [0, 0])).toBe(0);
  });

  it('logLoss clips to [eps, 1 − eps] (default Number.EPSILON); eps 0 gives Infinity', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(Number.EPSILON), 12);
    expect(logLoss([1], [0], { eps: 1e-15 })).toBeCloseTo(-Math.log(1e-15), 12);
    expect(logLoss([0], [1], { eps: 0 })).toBe(Infinity);
    expect(logLoss([0, 0], [0.5, 0.5])).toBeCloseTo(Math.LN2, 15); // one class is fine: positiveLabel says which
  });

  it('rocAuc and averagePrecision scale to 1,000,000 scores with ties', () => {
    const n = 1_000_000;
    const y = new Uint8Array(n);
    const s = new Float64Array(n);
    let seed = 12345;
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      y[i] = seed % 10 < 3 ? 1 : 0;
      s[i] = Math.round(((seed >>> 8) % 1000) / 10 + y[i] * 10) / 10;
    }
    const auc = rocAuc(y, s);
    const ap = averagePrecision(y, s);
    expect(auc).toBeGreaterThan(0.5);
    expect(auc).toBeLessThan(1);
    expect(ap).toBeGreaterThan(0.3);
    expect(ap).toBeLessThan(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Errors

describe('classification metrics: errors', () => {
  it('unequal lengths: InvalidInputError naming the shorter argument', () => {
    const err = thrown(() => rocAuc([0, 1, 1], [0.1, 0.2]));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues[0]).toEqual({ path: 'yScore', message: 'expected 3 values (as many as yTrue), got 2' });
    expect(thrown(() => accuracy([1], [1, 0]))).toBeInstanceOf(InvalidInputError);
    expect(thrown(() => logLoss([1, 0], [0.5]))).toBeInstanceOf(InvalidInputError);
  });

  it('NaN or infinite scores: InvalidInputError naming each index', () => {
    for (const fn of [rocAuc, averagePrecision, rocCurve, precisionRecallCurve, liftTable]) {
      const err = thrown(() => fn([0, 1, 0, 1], [0.1, 0.2, NaN, Infinity]));
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).issues.map((i) => [i.path, i.row])).toEqual([
        ['yScore', 2],
        ['yScore', 3],
      ]);
    }
  });

  it('probabilities outside [0, 1]: InvalidInputError naming the index', () => {
    for (const fn of [logLoss, brierScore, calibrationTable]) {
      const err = thrown(() => fn([0, 1, 0], [0.1, 1.5, -0.2]));
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).issues.map((i) => [i.path, i.row])).toEqual([
        ['yProb', 1],
        ['yProb', 2],
      ]);
    }
  });

  it('a single class: ROC AUC is undefined (NotEnoughDataError); AP needs a positive', () => {
    const err = thrown(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]));
    expect(err).toBeInstanceOf(NotEnoughDataError);
    expect((err as NotEnoughDataError).message).toMatch(/undefined with one class/);
    expect(thrown(() => rocAuc([0, 0], [0.1, 0.2]))).toBeInstanceOf(NotEnoughDataError);
    expect(thrown(() => rocCurve([0, 0], [0.1, 0.2]))).toBeInstanceOf(NotEnoughDataError);
    expect(thrown(() => averagePrecision([0, 0], [0.1, 0.2]))).toBeInstanceOf(NotEnoughDataError);
    expect(averagePrecision([1, 1], [0.1, 0.2])).toBe(1);
    expect(thrown(() => liftTable([0, 0], [0.1, 0.2]))).toBeInstanceOf(NotEnoughDataError);
  });

  it('a third label in binary mode: InvalidInputError naming its argument and row', () => {
    const err = thrown(() => rocAuc([0, 1, 2], [0.1, 0.2, 0.3]));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues[0]).toMatchObject({ path: 'yTrue', row: 2 });
    const inPred = thrown(() => precision([0, 1, 1], [0, 1, 2]));
    expect(inPred).toBeInstanceOf(InvalidInputError);
    expect((inPred as InvalidInputError).issues[0]).toMatchObject({ path: 'yPred', row: 2 });
    // the two arguments share one negative label
    const mixed = thrown(() => recall([1, 0, 1], [1, 'x', 1]));
    expect((mixed as InvalidInputError).issues[0]).toMatchObject({ path: 'yPred', row: 1 });
    // …which the averaged forms accept
    expect(precision([0, 1, 1], [0, 1, 2], { average: 'macro' })).toBeCloseTo(2 / 3, 15);
  });

  it('empty inputs: NotEnoughDataError (required 1, received 0)', () => {
    for (const fn of [
      () => rocAuc([], []),
      () => rocCurve([], new Float64Array(0)),
      () => averagePrecision([], []),
      () => precisionRecallCurve([], []),
      () => logLoss([], []),
      () => brierScore([], []),
      () => calibrationTable([], []),
      () => liftTable([], []),
      () => accuracy([], []),
      () => precision([], []),
      () => f1([], [], { average: 'macro' }),
      () => confusionMatrix([], []),
    ]) {
      const err = thrown(fn);
      expect(err).toBeInstanceOf(NotEnoughDataError);
      expect([(err as NotEnoughDataError).required, (err as NotEnoughDataError).received]).toEqual([1, 0]);
    }
  });

  it('bad labels and options: InvalidInputError naming them', () => {
    const nan = thrown(() => accuracy([1, NaN], [1, 1]));
    expect((nan as InvalidInputError).issues[0]).toMatchObject({ path: 'yTrue', row: 1 });
    const kinds = thrown(() => confusionMatrix([1, 2], [1, 'b']));
    expect((kinds as InvalidInputError).issues[0]).toMatchObject({ path: 'yPred', row: 1 });
    const notArray = thrown(() => rocAuc({} as unknown as number[], [1]));
    expect((notArray as InvalidInputError).issues[0]).toMatchObject({ path: 'yTrue' });
    const unknown = thrown(() => rocAuc([0, 1], [0, 1], { positive: 1 } as never));
    expect((unknown as InvalidInputError).issues[0].path).toBe('options.positive');
    expect((thrown(() => calibrationTable([0, 1], [0, 1], { bins: 0 })) as InvalidInputError).issues[0].path).toBe('options.bins');
    expect((thrown(() => liftTable([0, 1], [0, 1], { groups: 2.5 })) as InvalidInputError).issues[0].path).toBe('options.groups');
    expect((thrown(() => f1([0, 1], [0, 1], { average: 'samples' } as never)) as InvalidInputError).issues[0].path).toBe('options.average');
    expect((thrown(() => logLoss([0, 1], [0, 1], { eps: 0.5 })) as InvalidInputError).issues[0].path).toBe('options.eps');
    const dup = thrown(() => confusionMatrix([1, 2], [1, 2], { labels: [1, 1] }));
    expect((dup as InvalidInputError).issues[0].path).toBe('options.labels.1');
    const absent = thrown(() => confusionMatrix([1, 2], [1, 2], { labels: [3] }));
    expect((absent as InvalidInputError).issues[0].path).toBe('options.labels');
  });
});
