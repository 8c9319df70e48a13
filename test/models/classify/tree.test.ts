import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { decisionTreeFromJSON, fitDecisionTree, type ClassificationTreeModel, type DecisionTreeOptions, type RegressionTreeModel } from '../../../src/models/classify/tree.js';
import { thrown } from '../../helpers/thrown.js';

interface SkFit {
  options: { criterion: 'gini' | 'entropy' | 'squared_error'; max_depth: number; min_samples_leaf?: number; min_samples_split?: number };
  feature: number[];
  threshold: (number | null)[];
  left: number[];
  right: number[];
  impurity: number[];
  samples: number[];
  value: number[];
  depth: number;
  leafCount: number;
  featureImportances: number[];
  predict: number[];
  predictProba?: number[];
}
interface SkCase {
  name: string;
  seed: number;
  task: 'classification' | 'regression';
  X: number[][];
  y: number[];
  XNew: number[][];
  fits: SkFit[];
}
// Written by test/fixtures/make_tree_fixtures.py (scikit-learn 1.2.1, Debian); no dataset needed.
const F = JSON.parse(readFileSync(new URL('../../fixtures/tree-sklearn.json', import.meta.url), 'utf8')) as { sklearn: string; cases: SkCase[] };

function optionsOf(c: SkCase, f: SkFit): DecisionTreeOptions {
  return {
    task: c.task,
    criterion: f.options.criterion,
    maxDepth: f.options.max_depth,
    minSamplesLeaf: f.options.min_samples_leaf ?? 1,
    minSamplesSplit: f.options.min_samples_split ?? 2,
  };
}

describe('fitDecisionTree vs scikit-learn (test/fixtures/tree-sklearn.json)', () => {
  expect(F.sklearn).toBe('1.2.1');
  for (const c of F.cases) {
    for (const f of c.fits) {
      it(`${c.name} (seed ${c.seed}), ${JSON.stringify(f.options)}: same nodes, thresholds, leaf values, importances`, () => {
        const tree = fitDecisionTree(c.X, c.y, optionsOf(c, f));
        const nodes = tree.nodes;
        // Structure and thresholds: exact (the same float32 inputs, the same midpoint formula).
        expect(nodes.count).toBe(f.feature.length);
        expect(Array.from(nodes.feature)).toEqual(f.feature);
        expect(Array.from(nodes.left)).toEqual(f.left);
        expect(Array.from(nodes.right)).toEqual(f.right);
        expect(Array.from(nodes.samples)).toEqual(f.samples);
        expect(Array.from(nodes.threshold).map((t) => (Number.isNaN(t) ? null : t))).toEqual(f.threshold);
        expect(tree.depth).toBe(f.depth);
        expect(tree.leafCount).toBe(f.leafCount);
        // Values and impurities: sums of the same numbers in another order → 1e-12.
        nodes.value.forEach((v, i) => { expect(Math.abs(v - f.value[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))); });
        nodes.impurity.forEach((v, i) => { expect(Math.abs(v - f.impurity[i])).toBeLessThanOrEqual(1e-10); });
        tree.featureImportances.forEach((v, i) => { expect(Math.abs(v - f.featureImportances[i])).toBeLessThanOrEqual(1e-10); });
        if (c.task === 'classification') {
          const t = tree as ClassificationTreeModel;
          expect(t.predict(c.XNew)).toEqual(f.predict);
          t.predictProba(c.XNew).forEach((v, i) => { expect(Math.abs(v - f.predictProba![i])).toBeLessThanOrEqual(1e-12); });
        } else {
          const t = tree as RegressionTreeModel;
          t.predict(c.XNew).forEach((v, i) => { expect(Math.abs(v - f.predict[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))); });
        }
      });
    }
  }
});

describe('fitDecisionTree: hand-worked example', () => {
  // Tenure/charge toy, worked by hand. Root Gini 1 − (4/9)² − (5/9)² = 40/81; "tenure ≤ 3.5"
  // leaves {1,1,1} (pure) and {0,0,0,0,0,1} (Gini 1 − (1/6)² − (5/6)² = 5/18): weighted child
  // impurity 6·5/18 = 5/3, the smallest of all splits. In the right node, "tenure ≤ 45"
  // leaves {0,0,0,0} | {1,0}: 4·0 + 2·0.5 = 1, better than "monthly ≤ 99.5" ({0,0,0,0,1} | {0}:
  // 5·0.32 = 1.6); its right leaf is a 1:1 tie, which goes to the first class.
  const X = [[2, 90], [3, 85], [30, 95], [40, 20], [5, 30], [60, 100], [1, 70], [4, 30], [50, 99]];
  const y = [1, 1, 0, 0, 0, 0, 1, 0, 1];
  it('root split, impurities and leaf probabilities', () => {
    const tree = fitDecisionTree(X, y, { maxDepth: 1 });
    expect(tree.nodes.feature[0]).toBe(0);
    expect(tree.nodes.threshold[0]).toBe(3.5); // midpoint of 3 and 4
    expect(tree.nodes.impurity[0]).toBeCloseTo(40 / 81, 15);
    expect(tree.nodes.impurity[1]).toBe(0);
    expect(tree.nodes.impurity[2]).toBeCloseTo(1 - (1 / 6) ** 2 - (5 / 6) ** 2, 15);
    expect(Array.from(tree.predictProba([[1, 1]]))).toEqual([0, 1]);
    const right = tree.predictProbaOf([[1, 1], [50, 1]], 1);
    expect(right[0]).toBe(1);
    expect(right[1]).toBeCloseTo(1 / 6, 15);
    expect(tree.predict([[1, 1], [50, 1]])).toEqual([1, 0]);
  });
  it('string labels, text dump in export_text layout', () => {
    const tree = fitDecisionTree(X, y.map((v) => (v ? 'churn' : 'stay')), { maxDepth: 2, featureNames: ['tenure', 'monthly'] });
    expect(tree.classes).toEqual(['churn', 'stay']);
    expect(tree.toText()).toBe(
      [
        '|--- tenure <= 3.50',
        '|   |--- class: churn',
        '|--- tenure >  3.50',
        '|   |--- tenure <= 45.00',
        '|   |   |--- class: stay',
        '|   |--- tenure >  45.00',
        '|   |   |--- class: churn',
      ].join('\n'),
    );
    expect(tree.toText({ maxDepth: 1 })).toContain('truncated branch of depth 1');
  });
  it('a single class gives one leaf; pure nodes are not split', () => {
    const tree = fitDecisionTree([[1], [2], [3]], [7, 7, 7]);
    expect(tree.nodes.count).toBe(1);
    expect(tree.predict([[10]])).toEqual([7]);
    expect(Array.from(tree.featureImportances)).toEqual([0]);
  });
  it('columns closer than 1e-7 are not split between (scikit-learn FEATURE_THRESHOLD)', () => {
    const tree = fitDecisionTree([[0], [5e-8], [1]], [0, 1, 1], { maxDepth: 3 });
    expect(tree.nodes.threshold[0]).toBe(5e-8 / 2 + 1 / 2);
    expect(tree.leafCount).toBe(2);
  });
});

describe('fitDecisionTree: properties', () => {
  it('unbounded depth fits distinct rows perfectly; probabilities sum to 1; importances sum to 1', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }), fc.integer({ min: 0, max: 2 })), { minLength: 2, maxLength: 60 }), (rows) => {
        // Keep rows whose first column is unique (so the tree can separate them).
        const seen = new Set<number>();
        const kept = rows.filter(([a]) => {
          const k = Math.round(a * 1e3);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
        const X = kept.map(([a, b]) => [Math.round(a * 1e3) / 1e3, b]);
        const y = kept.map((r) => r[2]);
        const tree = fitDecisionTree(X, y, { criterion: 'entropy' });
        expect(tree.predict(X)).toEqual(y);
        const K = tree.classes.length;
        const P = tree.predictProba(X);
        for (let r = 0; r < X.length; r++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += P[r * K + k];
          expect(s).toBeCloseTo(1, 12);
        }
        const imp = tree.featureImportances.reduce((a, b) => a + b, 0);
        if (tree.nodes.count > 1) expect(imp).toBeCloseTo(1, 12);
      }),
      { seed: 42, numRuns: 60 },
    );
  });
  it('invariant to row order (no ties in X)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (s) => {
        const n = 40;
        const X = Array.from({ length: n }, (_, i) => [Math.sin(i * 7.1 + s), Math.cos(i * 3.3 + s * 2)]);
        const y = X.map(([a, b]) => (a + b > 0.2 ? 1 : 0));
        const perm = Array.from({ length: n }, (_, i) => (i * 17 + s) % n);
        const t1 = fitDecisionTree(X, y, { maxDepth: 3 });
        const t2 = fitDecisionTree(perm.map((i) => X[i]), perm.map((i) => y[i]), { maxDepth: 3 });
        expect(Array.from(t2.nodes.threshold)).toEqual(Array.from(t1.nodes.threshold));
        expect(Array.from(t2.nodes.value)).toEqual(Array.from(t1.nodes.value));
      }),
      { seed: 7, numRuns: 30 },
    );
  });
  it('maxFeatures subsampling is deterministic for a seed; a matrix input equals number[][]', () => {
    const n = 200;
    const X = Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(i * 1.7), (i * 37) % 11, Math.sin(i * 0.3)]);
    const y = X.map(([a, b, c]) => (a + b + c / 10 > 0.5 ? 1 : 0));
    const a = fitDecisionTree(X, y, { maxFeatures: 2, seed: 3, maxDepth: 5 });
    const b = fitDecisionTree({ data: Float64Array.from(X.flat()), nRows: n, nCols: 4 }, y, { maxFeatures: 2, seed: 3, maxDepth: 5 });
    expect(Array.from(b.nodes.threshold)).toEqual(Array.from(a.nodes.threshold));
    expect(a.toText()).toBe(b.toText());
  });
  it('regression with a large tree and deep recursion: a 2000-row staircase fitted exactly', () => {
    const X = Array.from({ length: 2000 }, (_, i) => [i]);
    const y = X.map(([v]) => Math.floor(v / 3));
    const tree = fitDecisionTree(X, y, { task: 'regression' });
    expect(Array.from(tree.predict(X))).toEqual(y);
    expect(tree.leafCount).toBe(667);
  });
});

describe('toJSON / decisionTreeFromJSON', () => {
  it('round-trips exactly (classification and regression) and rejects malformed trees', () => {
    const c = F.cases[0];
    const tree = fitDecisionTree(c.X, c.y, { maxDepth: 4, criterion: 'entropy' });
    const back = decisionTreeFromJSON(JSON.parse(JSON.stringify(tree)));
    expect(back.task).toBe('classification');
    expect(Array.from(back.nodes.threshold)).toEqual(Array.from(tree.nodes.threshold));
    expect(Array.from((back as ClassificationTreeModel).predictProba(c.XNew))).toEqual(Array.from(tree.predictProba(c.XNew)));
    expect(Array.from(back.featureImportances)).toEqual(Array.from(tree.featureImportances));
    expect(back.toText()).toBe(tree.toText());
    const r = F.cases[2];
    const reg = fitDecisionTree(r.X, r.y, { task: 'regression', maxDepth: 3 });
    const regBack = decisionTreeFromJSON(JSON.parse(JSON.stringify(reg))) as RegressionTreeModel;
    expect(Array.from(regBack.predict(r.XNew))).toEqual(Array.from(reg.predict(r.XNew)));
    const json = JSON.parse(JSON.stringify(tree)) as { nodes: { left: number[] }; model: string };
    json.nodes.left[0] = 0; // a cycle
    expect((thrown(() => decisionTreeFromJSON(json)) as InvalidInputError).issues[0].path).toBe('json.nodes.left[0]');
    expect((thrown(() => decisionTreeFromJSON({ ...json, model: 'x' })) as InvalidInputError).issues[0].path).toBe('json.model');
    expect(thrown(() => decisionTreeFromJSON(null))).toBeInstanceOf(InvalidInputError);
  });
});

describe('fitDecisionTree: typed errors', () => {
  it('names the row and field', () => {
    const e1 = thrown(() => fitDecisionTree([[1], [Number.NaN]], [0, 1])) as InvalidInputError;
    expect(e1).toBeInstanceOf(InvalidInputError);
    expect(e1.issues[0]).toMatchObject({ path: 'X[1][0]', row: 1 });
    const e2 = thrown(() => fitDecisionTree([[1], [2]], [0, null as unknown as number])) as InvalidInputError;
    expect(e2.issues[0]).toMatchObject({ path: 'y', row: 1 });
    const e3 = thrown(() => fitDecisionTree([[1], [2]], [0])) as InvalidInputError;
    expect(e3.issues[0].path).toBe('y');
    const e4 = thrown(() => fitDecisionTree([[1], [2]], [0, 1], { criterion: 'squared_error' })) as InvalidInputError;
    expect(e4.issues[0].path).toBe('options.criterion');
    const e5 = thrown(() => fitDecisionTree([[1], [2]], [0, 1], { minSamplesLeaf: 0 })) as InvalidInputError;
    expect(e5.issues[0].path).toBe('options.minSamplesLeaf');
    const e6 = thrown(() => fitDecisionTree([[1], [2]], [1.5, 2], { task: 'regression', maxDepth: 0 })) as InvalidInputError;
    expect(e6.issues[0].path).toBe('options.maxDepth');
    expect((thrown(() => fitDecisionTree([[1], [2]], [0, 1], { maxDepth: 2.5 })) as InvalidInputError).issues[0].message).toBe('expected an integer ≥ 1 or Infinity');
    expect(fitDecisionTree([[1], [2]], [0, 1], { maxDepth: Infinity }).depth).toBe(1);
    const tree = fitDecisionTree([[1, 2], [2, 3]], [0, 1]);
    const e7 = thrown(() => tree.predict([[1]])) as InvalidInputError;
    expect(e7.issues[0].message).toContain('expected 2 columns');
    const e8 = thrown(() => tree.predictProbaOf([[1, 2]], 5)) as InvalidInputError;
    expect(e8.issues[0].path).toBe('label');
  });
});
