import { describe, expect, it } from 'vitest';
import {
  ClmError,
  ConvergenceError,
  InvalidInputError,
  IssueCollector,
  MAX_ISSUES,
  MissingDependencyError,
  NotEnoughDataError,
  NotFittedError,
} from '../src/errors.js';

describe('errors', () => {
  it('every error is a ClmError with a stable code and its own name', () => {
    const cases: [ClmError, string, string][] = [
      [new InvalidInputError('f', [{ path: 'x', message: 'bad' }]), 'INVALID_INPUT', 'InvalidInputError'],
      [new NotEnoughDataError('need more', 2, 1), 'NOT_ENOUGH_DATA', 'NotEnoughDataError'],
      [new ConvergenceError('stuck', { r: 1 }, 10, 0.5), 'CONVERGENCE', 'ConvergenceError'],
      [new NotFittedError('fit first'), 'NOT_FITTED', 'NotFittedError'],
      [new MissingDependencyError('clmkit/store', 'better-sqlite3'), 'MISSING_DEPENDENCY', 'MissingDependencyError'],
    ];
    for (const [err, code, name] of cases) {
      expect(err).toBeInstanceOf(ClmError);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.name).toBe(name);
      expect(err.stack).toContain(name);
    }
  });

  it('InvalidInputError wording: context, count, the first five issues with row and path, and how many more', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ path: 'amount', row: i * 10, message: `expected a number (${i})` }));
    const err = new InvalidInputError('summarize', issues);
    expect(err.message).toMatchInlineSnapshot(`
      "summarize: 7 problems in the input
        → row 0, amount: expected a number (0)
        → row 10, amount: expected a number (1)
        → row 20, amount: expected a number (2)
        → row 30, amount: expected a number (3)
        → row 40, amount: expected a number (4)
        … and 2 more (see err.issues)"
    `);
    expect(new InvalidInputError('f', [{ path: 'options.k', message: 'expected ≥ 1, got 0' }]).message).toBe(
      'f: 1 problem in the input\n  → options.k: expected ≥ 1, got 0',
    );
  });

  it('keeps at most MAX_ISSUES issues but the full count', () => {
    const c = new IssueCollector();
    for (let i = 0; i < 1000; i++) c.add('p', 'm', i);
    expect(c.count).toBe(1000);
    expect(c.issues.length).toBe(MAX_ISSUES);
    const err = (() => {
      try {
        c.throwIfAny('ctx');
      } catch (e) {
        return e as InvalidInputError;
      }
      throw new Error('expected a throw');
    })();
    expect(err.issueCount).toBe(1000);
    expect(err.issues.length).toBe(MAX_ISSUES);
    expect(() => { new IssueCollector().throwIfAny('ctx'); }).not.toThrow();
  });

  it('MissingDependencyError names the package and the install command, and keeps the cause', () => {
    const cause = new Error("Cannot find package 'better-sqlite3'");
    const e = new MissingDependencyError('clmkit/store', 'better-sqlite3', { cause });
    expect(e.packageName).toBe('better-sqlite3');
    expect(e.message).toBe("clmkit/store needs the optional peer dependency 'better-sqlite3': install it with `npm install better-sqlite3`");
    expect(e.cause).toBe(cause);
  });

  it('ConvergenceError carries the best parameters', () => {
    const e = new ConvergenceError('m', { r: 0.24, alpha: 4.4 }, 100, 1e-3);
    expect(e.bestParams).toEqual({ r: 0.24, alpha: 4.4 });
    expect([e.iterations, e.gradientNorm]).toEqual([100, 1e-3]);
    expect(e.bestLogLikelihood).toBeNaN(); // not given
    expect(new ConvergenceError('m', { r: 0.24 }, 100, 1e-3, -9582.9).bestLogLikelihood).toBe(-9582.9);
  });
});
