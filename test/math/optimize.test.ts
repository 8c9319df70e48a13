import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invertSymmetric, minimizeLbfgs, minimizeNelderMead, numericHessian, numericHessianFromGradient } from '../../src/math/optimize.js';

const rosenbrock = (x: Float64Array, g: Float64Array): number => {
  g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
  g[1] = 200 * (x[1] - x[0] ** 2);
  return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
};

describe('minimizeLbfgs', () => {
  it("finds Rosenbrock's minimum (1, 1) from the classic start", () => {
    const r = minimizeLbfgs(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 8);
    expect(r.x[1]).toBeCloseTo(1, 8);
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-8);
    expect(r.evaluations).toBeGreaterThanOrEqual(r.iterations);
  });
  it('solves random convex quadratics exactly: x* = A⁻¹b (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 16, maxLength: 16 }), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 4 }), (m, b) => {
        // A = MᵀM + I (positive definite)
        const n = 4;
        const A = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let s = i === j ? 1 : 0;
          for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
          A[i * n + j] = s;
        }
        const r = minimizeLbfgs((x, g) => {
          let f = 0;
          for (let i = 0; i < n; i++) {
            let ax = 0;
            for (let j = 0; j < n; j++) ax += A[i * n + j] * x[j];
            g[i] = ax - b[i];
            f += 0.5 * x[i] * ax - b[i] * x[i];
          }
          return f;
        }, [0, 0, 0, 0], { gradientTolerance: 1e-10, functionTolerance: 0 });
        // Either the gradient test is met, or the line search stalled at rounding level.
        expect(r.converged || /line search/.test(r.message)).toBe(true);
        for (let i = 0; i < n; i++) {
          let ax = 0;
          for (let j = 0; j < n; j++) ax += A[i * n + j] * r.x[j];
          expect(Math.abs(ax - b[i])).toBeLessThanOrEqual(r.converged ? 1.01e-10 : 1e-8);
        }
      }),
      { seed: 21, numRuns: 100 },
    );
  });
  it('backs off from non-finite trial values (a function defined only for x > 0)', () => {
    // f(x) = x − ln x, minimum at 1; a unit step from 50 along −f' lands at x < 0.
    const r = minimizeLbfgs((x, g) => {
      if (x[0] <= 0) return NaN;
      g[0] = 1 - 1 / x[0];
      return x[0] - Math.log(x[0]);
    }, [50]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 8);
  });
  it('reports a non-finite start and the iteration limit honestly', () => {
    const bad = minimizeLbfgs(() => NaN, [1]);
    expect(bad.converged).toBe(false);
    expect(bad.message).toMatch(/not finite/);
    const capped = minimizeLbfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(3);
    expect(capped.message).toMatch(/iteration limit/);
  });
});

describe('minimizeNelderMead', () => {
  it("finds Rosenbrock's minimum without a gradient", () => {
    const r = minimizeNelderMead((x) => rosenbrock(x, new Float64Array(2)), [-1.2, 1], { maxIterations: 5000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.gradientNorm).toBeNaN();
  });
  it('treats NaN as +Infinity and minimises a 4-d separable function', () => {
    const r = minimizeNelderMead((x) => (x[0] <= 0 ? NaN : x[0] - Math.log(x[0])) + (x[1] - 2) ** 2 + (x[2] + 1) ** 2 + 3 * (x[3] - 0.5) ** 2, [3, 0, 0, 0]);
    expect(r.converged).toBe(true);
    [1, 2, -1, 0.5].forEach((v, i) => {
      expect(r.x[i]).toBeCloseTo(v, 4);
    });
  });
});

describe('Hessians and inversion', () => {
  // f = x²y + 3y² + exp(x): H = [[2y + eˣ, 2x], [2x, 6]]
  const f = (x: Float64Array): number => x[0] ** 2 * x[1] + 3 * x[1] ** 2 + Math.exp(x[0]);
  const grad = (x: Float64Array, g: Float64Array): void => {
    g[0] = 2 * x[0] * x[1] + Math.exp(x[0]);
    g[1] = x[0] ** 2 + 6 * x[1];
  };
  const exact = (x: number[]): number[] => [2 * x[1] + Math.exp(x[0]), 2 * x[0], 2 * x[0], 6];
  it('numericHessian agrees with the analytic Hessian to 1e-6 (relative)', () => {
    for (const x of [[0.3, -1.2], [2, 5], [-1, 0.1]]) {
      const h = numericHessian(f, x);
      exact(x).forEach((v, i) => {
        expect(Math.abs(h[i] - v)).toBeLessThan(1e-6 * Math.max(1, Math.abs(v)));
      });
    }
  });
  it('numericHessianFromGradient agrees to 1e-8 (relative) and is symmetric', () => {
    for (const x of [[0.3, -1.2], [2, 5], [-1, 0.1]]) {
      const h = numericHessianFromGradient(grad, x);
      exact(x).forEach((v, i) => {
        expect(Math.abs(h[i] - v)).toBeLessThan(1e-8 * Math.max(1, Math.abs(v)));
      });
      expect(h[1]).toBe(h[2]);
    }
  });
  it('invertSymmetric: A·A⁻¹ = I for random SPD matrices (fast-check); null when not positive definite', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 25, maxLength: 25 }), (m) => {
        const n = 5;
        const A = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let s = i === j ? 0.5 : 0;
          for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
          A[i * n + j] = s;
        }
        const inv = invertSymmetric(A, n);
        expect(inv).not.toBeNull();
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += A[i * n + k] * (inv as Float64Array)[k * n + j];
          expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-8);
        }
      }),
      { seed: 22, numRuns: 100 },
    );
    expect(invertSymmetric(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
    expect(invertSymmetric(Float64Array.from([0, 0, 0, 1]), 2)).toBeNull();
    expect(invertSymmetric(Float64Array.from([NaN, 0, 0, 1]), 2)).toBeNull();
    expect(Array.from(invertSymmetric(Float64Array.from([4, 2, 2, 3]), 2) as Float64Array, (v) => +v.toFixed(12))).toEqual([0.375, -0.25, -0.25, 0.5]);
  });
});
