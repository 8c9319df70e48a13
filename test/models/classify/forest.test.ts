import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { createRandom } from '../../../src/math/random.js';
import { rocAuc } from '../../../src/metrics/classification.js';
import { fitRandomForest, randomForestFromJSON } from '../../../src/models/classify/forest.js';
import { fitDecisionTree } from '../../../src/models/classify/tree.js';
import { loadTelco, TELCO_MISSING } from '../../helpers/telco.js';
import { thrown } from '../../helpers/thrown.js';

interface Run {
  seed: number;
  oobAccuracy: number;
  oobAuc: number;
  testAuc: number;
}
interface Setting {
  name: string;
  options: { min_samples_leaf?: number; max_depth?: number };
  runs: Run[];
  mean: { oobAccuracy: number; oobAuc: number; testAuc: number };
}
// Written by test/fixtures/make_tree_fixtures.py (scikit-learn 1.2.1 RandomForestClassifier,
// max_features="sqrt", random_state 0..4, on the Telco split of test/helpers/telco.ts).
const REF = JSON.parse(readFileSync(new URL('../../fixtures/forest-telco.json', import.meta.url), 'utf8')) as { sklearn: string; settings: Setting[] };

const telco = loadTelco();
if (telco === null) console.log(TELCO_MISSING);

describe.skipIf(telco === null)('fitRandomForest on Telco vs scikit-learn (test/fixtures/forest-telco.json)', () => {
  it('50 trees, sqrt features, minSamplesLeaf 5, maxDepth 8: mean OOB AUC, OOB accuracy and test AUC over 5 seeds within 0.01 of sklearn', () => {
    // (The default settings — 100 trees, unlimited depth — are compared the same way in
    // `npm run bench -- forest-telco`, which takes ~5 s: too long for a unit test.)
    const t = telco!;
    const ref = REF.settings.find((s) => s.name === '50 trees, minSamplesLeaf 5, maxDepth 8')!;
    let oobAuc = 0;
    let oobAcc = 0;
    let testAuc = 0;
    for (let seed = 0; seed < 5; seed++) {
      const f = fitRandomForest(t.Xtrain, t.yTrain, { trees: 50, maxFeatures: 'sqrt', minSamplesLeaf: 5, maxDepth: 8, seed });
      expect(f.maxFeatures).toBe(6); // ⌊√45⌋, as sklearn
      oobAuc += f.oobAuc / 5;
      oobAcc += f.oobScore / 5;
      testAuc += rocAuc(t.yTest, f.predictProbaOf(t.Xtest, 1)) / 5;
    }
    // sklearn means: OOB AUC 0.8442, OOB accuracy 0.8019, test AUC 0.8378.
    expect(Math.abs(oobAuc - ref.mean.oobAuc)).toBeLessThan(0.01);
    expect(Math.abs(oobAcc - ref.mean.oobAccuracy)).toBeLessThan(0.01);
    expect(Math.abs(testAuc - ref.mean.testAuc)).toBeLessThan(0.01);
  });
});

/** n rows: y depends on columns 0 and 1 (nonlinearly), columns 2..d−1 are noise. */
function simulated(n: number, d: number, seed: number): { X: number[][]; y: number[] } {
  const rng = createRandom(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, () => rng.normal());
    X.push(row);
    y.push(row[0] * row[1] > 0 !== rng.next() < 0.1 ? 1 : 0);
  }
  return { X, y };
}

describe('fitRandomForest: behaviour', () => {
  const { X, y } = simulated(400, 5, 3);
  const test = simulated(400, 5, 4);

  it('is deterministic for a seed, and the seed matters', () => {
    const a = fitRandomForest(X, y, { trees: 20, seed: 5 });
    const b = fitRandomForest(X, y, { trees: 20, seed: 5 });
    const c = fitRandomForest(X, y, { trees: 20, seed: 6 });
    expect(Array.from(b.predictProba(test.X))).toEqual(Array.from(a.predictProba(test.X)));
    expect(b.oobScore).toBe(a.oobScore);
    expect(Array.from(c.predictProba(test.X))).not.toEqual(Array.from(a.predictProba(test.X)));
  });

  it('learns an interaction a single split cannot: test AUC > 0.85, OOB AUC close to test AUC', () => {
    const f = fitRandomForest(X, y, { trees: 60, seed: 1 });
    const auc = rocAuc(test.y, f.predictProbaOf(test.X));
    expect(auc).toBeGreaterThan(0.85);
    expect(Math.abs(f.oobAuc - auc)).toBeLessThan(0.05);
    // Impurity importances: the two informative columns carry most of the decrease; they sum to 1.
    const imp = f.featureImportances;
    expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(imp[0] + imp[1]).toBeGreaterThan(0.5);
  });

  it('OOB predictions: probabilities (rows sum to 1) where defined; with one tree, NaN exactly for the in-bag rows', () => {
    const one = fitRandomForest(X, y, { trees: 1, seed: 2 });
    const tree = one.trees[0];
    let nan = 0;
    for (let i = 0; i < X.length; i++) {
      const p0 = one.oobPrediction[2 * i];
      if (Number.isNaN(p0)) nan++;
      else expect(p0 + one.oobPrediction[2 * i + 1]).toBeCloseTo(1, 12);
    }
    // Distinct rows in a bootstrap sample of n = the root's row count; the rest are out of bag.
    expect(nan).toBe(tree.nodes.samples[0]);
    expect(tree.nodes.weightedSamples[0]).toBe(X.length);
  });

  it('without bootstrap and with every column, each tree is fitDecisionTree on all rows', () => {
    const f = fitRandomForest(X, y, { trees: 3, bootstrap: false, maxFeatures: 'all', maxDepth: 4 });
    const single = fitDecisionTree(X, y, { maxDepth: 4 });
    for (const t of f.trees) expect(t.toText()).toBe(single.toText());
    const ps = single.predictProba(test.X);
    f.predictProba(test.X).forEach((v, i) => {
      expect(v).toBeCloseTo(ps[i], 14); // (p + p + p) / 3 rounds
    });
    expect(f.oobScore).toBeNaN();
  });

  it('permutation importance: shuffling an informative column hurts, shuffling noise does not', () => {
    const f = fitRandomForest(X, y, { trees: 30, seed: 1 });
    const pi = f.permutationImportance(test.X, test.y, { repeats: 3, seed: 1 });
    expect(pi.baseline).toBeGreaterThan(0.75);
    expect(pi.mean[0]).toBeGreaterThan(0.15);
    expect(pi.mean[1]).toBeGreaterThan(0.15);
    for (let j = 2; j < 5; j++) expect(Math.abs(pi.mean[j])).toBeLessThan(0.05);
    expect(pi.drops.length).toBe(15);
    const auc = f.permutationImportance(test.X, test.y, { repeats: 2, seed: 1, scoring: 'auc' });
    expect(auc.baseline).toBeCloseTo(rocAuc(test.y, f.predictProbaOf(test.X)), 12);
  });

  it('regression: OOB R² of a smooth function is high; predictions are tree means', () => {
    const rng = createRandom(9);
    const Xr = Array.from({ length: 300 }, () => [rng.uniform(-3, 3), rng.uniform(-3, 3)]);
    const yr = Xr.map(([a, b]) => Math.sin(a) * 2 + 0.5 * b + 0.1 * rng.normal());
    const f = fitRandomForest(Xr, yr, { task: 'regression', trees: 40, seed: 0, minSamplesLeaf: 2 });
    expect(f.maxFeatures).toBe(2);
    expect(f.oobScore).toBeGreaterThan(0.9);
    const pred = f.predict([[1, 1]]) as Float64Array;
    const mean = f.trees.reduce((s, t) => s + (t.predict([[1, 1]]) as Float64Array)[0], 0) / f.trees.length;
    expect(pred[0]).toBeCloseTo(mean, 12);
  });

  it('toJSON / randomForestFromJSON round-trip exactly; malformed trees are named', () => {
    const f = fitRandomForest(X, y, { trees: 8, seed: 3 });
    const back = randomForestFromJSON(JSON.parse(JSON.stringify(f)));
    expect(Array.from(back.predictProba(test.X))).toEqual(Array.from(f.predictProba(test.X)));
    expect(back.oobScore).toBe(f.oobScore);
    expect(back.oobAuc).toBe(f.oobAuc);
    expect(Array.from(back.featureImportances)).toEqual(Array.from(f.featureImportances));
    expect(back.oobPrediction.map((v) => (Number.isNaN(v) ? -1 : v))).toEqual(f.oobPrediction.map((v) => (Number.isNaN(v) ? -1 : v)));
    const json = JSON.parse(JSON.stringify(f)) as { trees: { nodes: { feature: number[] } }[] };
    json.trees[2].nodes.feature[0] = 99;
    expect((thrown(() => randomForestFromJSON(json)) as InvalidInputError).issues[0].path).toBe('json.trees[2].nodes.feature[0]');
  });

  it('typed errors', () => {
    const e1 = thrown(() => fitRandomForest(X, y, { trees: 0 })) as InvalidInputError;
    expect(e1).toBeInstanceOf(InvalidInputError);
    expect(e1.issues[0].path).toBe('options.trees');
    const e2 = thrown(() => fitRandomForest(X, y.slice(1))) as InvalidInputError;
    expect(e2.issues[0].path).toBe('y');
    const f = fitRandomForest(X, y, { trees: 2 });
    const e3 = thrown(() => f.permutationImportance(X, y, { scoring: 'r2' })) as InvalidInputError;
    expect(e3.issues[0].path).toBe('options.scoring');
    const e4 = thrown(() => f.predict([[1, 2]])) as InvalidInputError;
    expect(e4.issues[0].message).toContain('expected 5 columns');
    const e5 = thrown(() => fitRandomForest(X, y, { maxFeatures: 2.5 })) as InvalidInputError;
    expect(e5.issues[0].path).toBe('options.maxFeatures');
  });
});
