import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { rocAuc } from '../../../src/metrics/classification.js';
import { createRandom } from '../../../src/math/random.js';
import { fitInformationGap, flagGaps, gapDrivers, informationGapFromJSON, purchaseGap } from '../../../src/models/gap/gap.js';
import { thrown } from '../../helpers/thrown.js';

const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0);

describe('fitInformationGap: closed forms', () => {
  it('two columns with correlation ρ: axes (1, ±1)/√2, variance ratio (1 + |ρ|)/2, Σ gap² = n(1 − |ρ|) with one component', () => {
    // For standardised columns the scatter matrix is n·[[1, ρ], [ρ, 1]], with eigenvalues n(1 ± ρ)
    // on (1, 1)/√2 and (1, −1)/√2. Keeping the first axis leaves the second one's eigenvalue as
    // the residual sum of squares.
    const rng = createRandom(3);
    const n = 500;
    const rows = Array.from({ length: n }, () => {
      const a = rng.normal();
      return [a * 3 + 10, 0.6 * a + 0.8 * rng.normal() - 5];
    });
    const mean = [0, 1].map((j) => sum(rows.map((r) => r[j])) / n);
    const sd = [0, 1].map((j) => Math.sqrt(sum(rows.map((r) => (r[j] - mean[j]) ** 2)) / n));
    const rho = sum(rows.map((r) => ((r[0] - mean[0]) / sd[0]) * ((r[1] - mean[1]) / sd[1]))) / n;
    const m = fitInformationGap(rows, { components: 1 });
    expect(m.explainedVarianceRatio[0]).toBeCloseTo((1 + Math.abs(rho)) / 2, 12);
    expect(m.explainedVariance[0]).toBeCloseTo((n * (1 + Math.abs(rho))) / (n - 1), 10);
    const s = Math.sign(rho);
    expect(m.loadings[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(m.loadings[1]).toBeCloseTo(s * Math.SQRT1_2, 12);
    const g = m.score(rows).gap;
    expect(sum(g.map((v) => v * v))).toBeCloseTo(n * (1 - Math.abs(rho)), 9);
    expect(Array.from(m.mean)).toEqual(mean.map((v) => expect.closeTo(v, 12) as number));
    expect(Array.from(m.scale)).toEqual(sd.map((v) => expect.closeTo(v, 12) as number));
  });

  it('properties: Σ gap² = discarded eigenvalues; residuals ⟂ kept axes; all components → gaps 0; invariant to column shifts and positive scalings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 2, max: 6 }), (seed, d) => {
        const rng = createRandom(seed);
        const n = 40;
        const mix = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
        const rows = Array.from({ length: n }, () => {
          const z = Array.from({ length: d }, () => rng.normal());
          return mix.map((w) => w.reduce((s, v, j) => s + v * z[j], 0));
        });
        const k = 1 + rng.int(d - 1);
        const m = fitInformationGap(rows, { components: k });
        const sc = m.score(rows);
        let discarded = 0;
        for (let c = k; c < d; c++) discarded += m.explainedVariance[c] * (n - 1);
        expect(sum(sc.gap.map((v) => v * v))).toBeCloseTo(discarded, 8);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < k; c++) {
            let dot = 0;
            for (let j = 0; j < d; j++) dot += sc.residuals[i * d + j] * m.loadings[c * d + j];
            expect(Math.abs(dot)).toBeLessThan(1e-9);
          }
        }
        const full = fitInformationGap(rows, { components: d }).score(rows);
        for (const v of full.gap) expect(v).toBeLessThan(1e-9);
        const moved = rows.map((r) => r.map((v, j) => v * (j + 2) - 7 * j));
        const g2 = fitInformationGap(moved, { components: k }).score(moved).gap;
        g2.forEach((v, i) => {
          expect(v).toBeCloseTo(sc.gap[i], 8);
        });
      }),
      { seed: 11, numRuns: 40 },
    );
  });

  it('varianceExplained keeps the fewest components reaching the target', () => {
    const rng = createRandom(5);
    const rows = Array.from({ length: 200 }, () => {
      const a = rng.normal();
      const b = rng.normal();
      return [a, a + 0.1 * rng.normal(), b, b + 0.1 * rng.normal(), rng.normal()];
    });
    for (const target of [0.3, 0.5, 0.8, 0.95, 1]) {
      const m = fitInformationGap(rows, { varianceExplained: target });
      let cum = 0;
      for (let c = 0; c < m.components; c++) cum += m.explainedVarianceRatio[c];
      expect(cum).toBeGreaterThanOrEqual(target - 1e-12);
      expect(cum - m.explainedVarianceRatio[m.components - 1]).toBeLessThan(target);
    }
    expect(fitInformationGap(rows).components).toBe(3); // default 0.9: two pairs + the lone column
  });
});

describe('fitInformationGap: planted anomalies', () => {
  it('3,000 customers, 12 features from 3 latent traits; the 30 planted customers (1%) are exactly the top 1% of gaps', () => {
    const rng = createRandom(2024);
    const n = 3000;
    const d = 12;
    const latent = 3;
    const W = Array.from({ length: d }, () => Array.from({ length: latent }, () => rng.normal()));
    const X: number[][] = [];
    for (let i = 0; i < n; i++) {
      const f = Array.from({ length: latent }, () => rng.normal());
      X.push(W.map((w, j) => 50 + 10 * j + w.reduce((s, v, l) => s + v * f[l], 0) + 0.3 * rng.normal()));
    }
    // Plant: for 30 customers, move two features to 2 standard deviations from the mean on the
    // side opposite to where the customer's own profile puts them. Each value stays ordinary on
    // its own (about 5% of customers are beyond 2 sd on any feature) — only the combination is odd.
    const mean = Array.from({ length: d }, (_, j) => sum(X.map((r) => r[j])) / n);
    const sd = Array.from({ length: d }, (_, j) => Math.sqrt(sum(X.map((r) => (r[j] - mean[j]) ** 2)) / n));
    const planted = new Set<number>();
    while (planted.size < 30) planted.add(rng.int(n));
    for (const i of planted) {
      const a = rng.int(d);
      const b = (a + 1 + rng.int(d - 1)) % d;
      for (const j of [a, b]) X[i][j] = mean[j] - 2 * sd[j] * (X[i][j] >= mean[j] ? 1 : -1);
    }
    // Not visible feature by feature: every planted value is within 2 sd; most customers have some feature beyond that.
    const beyond2 = X.filter((r) => r.some((v, j) => Math.abs(v - mean[j]) > 2.01 * sd[j])).length;
    expect(beyond2).toBeGreaterThan(300);
    const model = fitInformationGap(X, { components: latent });
    const { gap } = model.score(X);
    const top = flagGaps(gap, { quantile: 0.99 });
    expect(top.rows.length).toBe(30);
    expect(new Set(top.rows)).toEqual(planted);
    // The flags agree with the training-gap threshold of the model.
    expect(top.threshold).toBeCloseTo(model.threshold(0.99), 12);
    // For the customer with the largest gap, the two top drivers carry most of the squared gap.
    const share = gapDrivers(model.score(X), top.rows[0], 2).reduce((acc, r) => acc + r.share, 0);
    expect(share).toBeGreaterThan(0.5);
  });
});

describe("fitInformationGap({ method: 'autoencoder' })", () => {
  // 1,000 customers on a curve: six features are nonlinear functions of one hidden trait t
  // (plus noise 0.05). 10 planted customers (1%) have one feature taken from another t — an
  // ordinary value, wrong for them. A plane (PCA) cannot follow the curve; the autoencoder can.
  const rng = createRandom(7);
  const n = 1000;
  const curve = (t: number): number[] => [t, t * t, Math.sin(2 * t), Math.cos(1.5 * t), (t * t * t) / 3, Math.exp(t / 2)];
  const X: number[][] = [];
  for (let i = 0; i < n; i++) X.push(curve(rng.uniform(-2, 2)).map((v) => v + 0.05 * rng.normal()));
  const label = new Array<number>(n).fill(0);
  let planted = 0;
  while (planted < 10) {
    const i = rng.int(n);
    if (label[i] === 1) continue;
    label[i] = 1;
    planted++;
    const j = rng.int(6);
    X[i][j] = curve(rng.uniform(-2, 2))[j];
  }
  const ae = fitInformationGap(X, { method: 'autoencoder', components: 1, epochs: 100, seed: 0 });
  const gAe = ae.score(X).gap;
  const hits = (g: Float64Array): number => Array.from(flagGaps(g, { quantile: 0.99 }).rows).filter((i) => label[i] === 1).length;

  it('beats PCA: planted customers found (ROC AUC of the gap, top-1% hits) and a smaller reconstruction error', () => {
    const aucAe = rocAuc(label, gAe);
    expect(aucAe).toBeGreaterThan(0.95);
    expect(hits(gAe)).toBeGreaterThanOrEqual(7);
    for (const k of [1, 2]) {
      const gPca = fitInformationGap(X, { components: k }).score(X).gap;
      expect(aucAe).toBeGreaterThan(rocAuc(label, gPca) + 0.2);
      expect(hits(gAe)).toBeGreaterThan(hits(gPca) + 4);
    }
    const pca1 = fitInformationGap(X, { components: 1 }).score(X).gap;
    const msq = (g: Float64Array): number => g.reduce((acc, v) => acc + v * v, 0) / n;
    expect(msq(gAe)).toBeLessThan(msq(pca1) / 10);
    // Training converged in the sense that the loss fell by more than 10×.
    expect(ae.loss[ae.loss.length - 1]).toBeLessThan(ae.loss[0] / 10);
  });

  it('is deterministic for a seed; residuals and thresholds behave as for PCA', () => {
    const again = fitInformationGap(X, { method: 'autoencoder', components: 1, epochs: 100, seed: 0 });
    expect(Array.from(again.score(X).gap)).toEqual(Array.from(gAe));
    expect(ae.method).toBe('autoencoder');
    expect(ae.trainingGaps.length).toBe(n);
    expect(ae.threshold(0.99)).toBeCloseTo(flagGaps(gAe, { quantile: 0.99 }).threshold, 12);
    const sc = ae.score(X.slice(0, 3));
    for (let i = 0; i < 3; i++) {
      let g2 = 0;
      for (let j = 0; j < 6; j++) g2 += sc.residuals[i * 6 + j] ** 2;
      expect(Math.sqrt(g2)).toBeCloseTo(sc.gap[i], 12);
    }
  });

  it('toJSON / informationGapFromJSON round-trip exactly (autoencoder and PCA)', () => {
    const back = informationGapFromJSON(JSON.parse(JSON.stringify(ae)));
    expect(back.method).toBe('autoencoder');
    expect(Array.from(back.score(X).gap)).toEqual(Array.from(gAe));
    expect(back.threshold(0.99)).toBe(ae.threshold(0.99));
    const pca = fitInformationGap(X, { components: 2 });
    const pBack = informationGapFromJSON(JSON.parse(JSON.stringify(pca)));
    expect(Array.from(pBack.score(X).residuals)).toEqual(Array.from(pca.score(X).residuals));
    const bad = { ...(JSON.parse(JSON.stringify(pca)) as object), loadings: [1, 2] };
    expect((thrown(() => informationGapFromJSON(bad)) as InvalidInputError).issues[0].path).toBe('json.loadings');
  });

  it('typed errors for options of the other method', () => {
    const e1 = thrown(() => fitInformationGap(X, { method: 'autoencoder', varianceExplained: 0.9 })) as InvalidInputError;
    expect(e1.issues[0].path).toBe('options.varianceExplained');
    const e2 = thrown(() => fitInformationGap(X, { hidden: 8 })) as InvalidInputError;
    expect(e2.issues[0].path).toBe('options.hidden');
    const e3 = thrown(() => fitInformationGap(X, { method: 'autoencoder', learningRate: 0 })) as InvalidInputError;
    expect(e3.issues[0].path).toBe('options.learningRate');
  });
});

describe('flagGaps', () => {
  it('quantile thresholds by numpy linear interpolation; sides', () => {
    // sorted: 0.1 0.2 0.2 0.3 0.3 0.4 0.4 0.5 2.5 3.1; h = 9 · 0.8 = 7.2 → 0.5 + 0.2 · (2.5 − 0.5) = 0.9.
    const gaps = [0.2, 0.4, 3.1, 0.3, 0.1, 2.5, 0.2, 0.5, 0.3, 0.4];
    const f = flagGaps(gaps, { quantile: 0.8 });
    expect(f.threshold).toBeCloseTo(0.9, 14);
    expect(Array.from(f.rows)).toEqual([2, 5]);
    expect(Array.from(f.mask)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 0]);
    const low = flagGaps([-3, 1, 0, -1, 2], { quantile: 0.75, side: 'lower' }); // 25% quantile = −1
    expect(low.threshold).toBe(-1);
    expect(Array.from(low.rows)).toEqual([0]);
    const both = flagGaps([-3, 1, 0, -1, 2], { threshold: 1.5, side: 'both' });
    expect(Array.from(both.rows)).toEqual([0, 4]);
    expect(Array.from(flagGaps(new Float64Array([1, 1, 1])).rows)).toEqual([]);
  });
  it('typed errors', () => {
    const e = thrown(() => flagGaps([1, Number.NaN])) as InvalidInputError;
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.issues[0]).toMatchObject({ path: 'scores', row: 1 });
    const e2 = thrown(() => flagGaps([1], { quantile: 2 })) as InvalidInputError;
    expect(e2.issues[0].path).toBe('options.quantile');
  });
});

describe('purchaseGap with a hand-made BTYD stand-in', () => {
  // conditionalExpectedPurchases(t, c) = 0.05 · (x + 1) · t: a toy with a known answer.
  const model = {
    conditionalExpectedPurchases: (t: number, c: { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number> }) =>
      Float64Array.from(c.frequency, (x) => 0.05 * (x + 1) * t),
  };
  const calibration = { frequency: new Float64Array([0, 3, 9, 1]), recency: [0, 20, 30, 5], T: [30, 30, 30, 30] };
  const holdout = { frequency: new Float64Array([0, 2, 1, 4]), monetaryValue: new Float64Array(4), duration: 10 };
  it('observed − expected per customer, and the Poisson-scaled version', () => {
    const g = purchaseGap(model, calibration, holdout);
    expect(Array.from(g.expected)).toEqual([0.5, 2, 5, 1]);
    expect(Array.from(g.gap)).toEqual([-0.5, 0, -4, 3]);
    expect(g.standardized[2]).toBeCloseTo(-4 / Math.sqrt(5), 15);
    expect(g.standardized[3]).toBe(3);
    expect(Array.from(flagGaps(g.standardized, { threshold: 1.5, side: 'both' }).rows)).toEqual([3, 2]);
  });
  it('typed errors: lengths, counts, duration, model output', () => {
    const e1 = thrown(() => purchaseGap(model, calibration, { frequency: [1, 2], duration: 10 })) as InvalidInputError;
    expect(e1.issues[0].path).toBe('holdout.frequency');
    const e2 = thrown(() => purchaseGap(model, calibration, { frequency: [1, -2, 0, 0], duration: 10 })) as InvalidInputError;
    expect(e2.issues[0]).toMatchObject({ path: 'holdout.frequency', row: 1 });
    const e3 = thrown(() => purchaseGap(model, calibration, { frequency: [1, 2, 0, 0], duration: 0 })) as InvalidInputError;
    expect(e3.issues[0].path).toBe('holdout.duration');
    const e5 = thrown(() => purchaseGap(model, { frequency: [1], recency: [1] } as unknown as typeof calibration, holdout)) as InvalidInputError;
    expect(e5.issues[0].path).toBe('calibration.T');
    const bad = { conditionalExpectedPurchases: () => new Float64Array([1, Number.NaN, 1, 1]) };
    const e4 = thrown(() => purchaseGap(bad, calibration, holdout)) as InvalidInputError;
    expect(e4.issues[0]).toMatchObject({ path: 'model', row: 1 });
  });
});

describe('fitInformationGap: typed errors', () => {
  it('names the field', () => {
    const e1 = thrown(() => fitInformationGap([[1, 2]])) as InvalidInputError;
    expect(e1.issues[0].path).toBe('X');
    const e2 = thrown(() => fitInformationGap([[1, 2], [3, 4]], { components: 3 })) as InvalidInputError;
    expect(e2.issues[0].path).toBe('options.components');
    const e3 = thrown(() => fitInformationGap([[1, 2], [3, 4]], { components: 1, varianceExplained: 0.5 })) as InvalidInputError;
    expect(e3.issues[0].path).toBe('options');
    const e4 = thrown(() => fitInformationGap([[1, 2], [3, Number.POSITIVE_INFINITY]])) as InvalidInputError;
    expect(e4.issues[0].row).toBe(1);
    const m = fitInformationGap([[1, 2], [3, 5], [4, 4]], { components: 1 });
    const e5 = thrown(() => m.score([[1]])) as InvalidInputError;
    expect(e5.issues[0].message).toContain('expected 2 columns');
    const e6 = thrown(() => gapDrivers(m.score([[1, 2]]), 1)) as InvalidInputError;
    expect(e6.issues[0].path).toBe('row');
  });
});
