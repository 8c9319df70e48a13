/**
 * What a call throws, for tests that look inside the error. Each fails the test when nothing is
 * thrown.
 */
import { InvalidInputError } from '../../src/errors.js';

/** The value `fn` throws. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

/** The `InvalidInputError` `fn` throws; any other error is rethrown. */
export function thrownInvalidInput(fn: () => unknown): InvalidInputError {
  const err = thrown(fn);
  if (err instanceof InvalidInputError) return err;
  throw err;
}
