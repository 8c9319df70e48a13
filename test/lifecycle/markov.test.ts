import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { forecastStages } from '../../src/lifecycle/markov.js';

describe('forecastStages', () => {
  it('steps the mix by the matrix (hand-worked)', () => {
    const chain = { stages: ['a', 'b', 'c'], probabilities: [[0.5, 0.5, 0], [0, 0.5, 0.5], [0.25, 0, 0.75]] };
    // (100, 0, 0) → (50, 50, 0) → (25, 50, 25) → (12.5 + 6.25, 12.5 + 25, 25 + 18.75)
    expect(forecastStages(chain, { a: 100 }, 3).mix).toEqual([
      [100, 0, 0],
      [50, 50, 0],
      [25, 50, 25],
      [18.75, 37.5, 43.75],
    ]);
    expect(forecastStages(chain, [0, 0, 8], 0).mix).toEqual([[0, 0, 8]]);
  });

  it('converges to the stationary distribution of a two-state chain, π = (q, p) / (p + q)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (p, q) => {
        const f = forecastStages({ stages: ['x', 'y'], probabilities: [[1 - p, p], [q, 1 - q]] }, [1, 0], 400);
        const last = f.mix[400];
        expect(last[0]).toBeCloseTo(q / (p + q), 10);
        expect(last[1]).toBeCloseTo(p / (p + q), 10);
      }),
      { seed: 3, numRuns: 100 },
    );
  });

  it('converges to the uniform distribution on a doubly stochastic chain and keeps the total', () => {
    const P = [
      [0.2, 0.3, 0.5],
      [0.5, 0.2, 0.3],
      [0.3, 0.5, 0.2],
    ];
    const f = forecastStages({ stages: ['a', 'b', 'c'], probabilities: P }, [900, 0, 0], 200);
    for (const v of f.mix[200]) expect(v).toBeCloseTo(300, 9);
    for (const row of f.mix) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(900, 9);
  });

  it('rejects a matrix whose rows do not sum to 1, bad mixes and bad periods', () => {
    const chain = { stages: ['a', 'b'], probabilities: [[0.5, 0.4], [0, 1]] };
    try {
      forecastStages(chain, [1, 0], 1);
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).issues[0]).toMatchObject({ path: 'chain.probabilities', row: 0 });
    }
    const ok = { stages: ['a', 'b'], probabilities: [[0.5, 0.5], [0, 1]] };
    expect(() => forecastStages(ok, { z: 1 }, 1)).toThrow(/unknown stage/);
    expect(() => forecastStages(ok, [1], 1)).toThrow(/expected 2 values/);
    expect(() => forecastStages(ok, [-1, 0], 1)).toThrow(InvalidInputError);
    expect(() => forecastStages(ok, [1, 0], 1.5)).toThrow(InvalidInputError);
    expect(() => forecastStages({ stages: ['a', 'a'], probabilities: ok.probabilities }, [1, 0], 1)).toThrow(/distinct/);
  });
});
