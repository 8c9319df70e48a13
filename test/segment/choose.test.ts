import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { createRandom } from '../../src/math/random.js';
import { chooseK } from '../../src/segment/choose.js';
import { kmeans } from '../../src/segment/kmeans.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/kmeans-online-retail.json', import.meta.url), 'utf8')) as {
  online_retail: { standardized: number[][]; raw: number[][] };
};
const silhouetteFixture = JSON.parse(readFileSync(new URL('../fixtures/silhouette.json', import.meta.url), 'utf8')) as {
  retail: { score: number };
};

/** `groups` well-separated Gaussian blobs in 2-D (centres 10 apart, sd 0.5), 40 points each. */
function blobs(groups: number, seed: number): number[][] {
  const rng = createRandom(seed);
  const X: number[][] = [];
  for (let g = 0; g < groups; g++) for (let i = 0; i < 40; i++) X.push([10 * g + rng.normal(0, 0.5), 10 * (g % 2) + rng.normal(0, 0.5)]);
  return X;
}

describe('chooseK', () => {
  it('the silhouette finds the number of well-separated blobs', () => {
    for (const groups of [2, 3, 5]) {
      const r = chooseK(blobs(groups, groups), { kRange: [2, 7], nInit: 4, seed: 3 });
      expect(r.k).toBe(groups);
      expect(r.criterion).toBe('silhouette');
      expect(r.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7]);
      expect(r.model.k).toBe(groups);
    }
  });

  it('the elbow finds the knee on the same blobs', () => {
    const r = chooseK(blobs(4, 8), { kRange: [1, 9], criterion: 'elbow', nInit: 4, seed: 3 });
    expect(r.k).toBe(4);
    expect(r.candidates[0].silhouette).toBeUndefined();
  });

  it("on the online-retail table, k = 4's silhouette is scikit-learn's silhouette_score for its KMeans labels (1e-9)", () => {
    // Our k = 4 fit equals sklearn's KMeans(k=4, n_init=10) (test/segment/kmeans.test.ts), so the
    // candidate's silhouette must equal the sklearn score stored in test/fixtures/silhouette.json.
    const r = chooseK(fixture.online_retail.standardized, { kRange: [2, 5], seed: 0 });
    const k4 = r.candidates.find((c) => c.k === 4)!;
    expect(Math.abs(k4.silhouette! - silhouetteFixture.retail.score)).toBeLessThan(1e-9);
  });

  it('standardize: the same choice and labels as clustering pre-standardised features; centroids in the input scale', () => {
    const raw = fixture.online_retail.raw;
    const a = chooseK(raw, { kRange: [2, 4], standardize: true, nInit: 3, seed: 1 });
    const b = chooseK(fixture.online_retail.standardized, { kRange: [2, 4], nInit: 3, seed: 1 });
    expect(a.k).toBe(b.k);
    expect(Array.from(a.model.labels)).toEqual(Array.from(b.model.labels));
    const direct = kmeans(raw, { k: a.k, nInit: 3, seed: 1, standardize: true });
    expect(a.model.centroids).toEqual(direct.centroids);
  });

  it('errors: no knee, no k ≥ 2 for the silhouette, bad options', () => {
    const line = [[0], [1], [2], [3], [4], [5], [6], [7]];
    expect(() => chooseK(line, { kRange: [1, 2], criterion: 'elbow' })).toThrow(/no knee/);
    expect(() => chooseK(line, { kRange: [1] })).toThrow(InvalidInputError);
    expect(() => chooseK(line, { kRange: [2, 3], criterion: 'gap' } as never)).toThrow(/options.criterion/);
  });
});
