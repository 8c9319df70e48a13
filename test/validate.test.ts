import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../src/errors.js';
import { parseOptions, show } from '../src/validate.js';

const schema = z.strictObject({
  unit: z.optional(z.enum(['day', 'week'])),
  k: z.optional(z.int().check(z.minimum(1), z.maximum(10))),
  name: z.optional(z.string()),
  tags: z.optional(z.array(z.string()).check(z.minLength(1))),
});

function issues(value: unknown): { path: string; message: string }[] {
  try {
    parseOptions(schema, value, 'fn');
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as InvalidInputError).issues.map(({ path, message }) => ({ path, message }));
  }
  throw new Error('expected a throw');
}

describe('parseOptions: zod issues become InvalidInputError issues in our wording', () => {
  it('accepts valid and missing options', () => {
    expect(parseOptions(schema, { unit: 'day', k: 3 }, 'fn')).toEqual({ unit: 'day', k: 3 });
    expect(parseOptions(schema, undefined, 'fn')).toEqual({});
  });

  it('words each kind of problem and names the option', () => {
    expect(issues({ unit: 'year' })).toEqual([{ path: 'options.unit', message: 'expected one of "day" | "week", got "year"' }]);
    expect(issues({ k: 0 })).toEqual([{ path: 'options.k', message: 'expected ≥ 1, got 0' }]);
    expect(issues({ k: 11 })).toEqual([{ path: 'options.k', message: 'expected ≤ 10, got 11' }]);
    expect(issues({ name: 5 })).toEqual([{ path: 'options.name', message: 'expected string, got number 5' }]);
    expect(issues({ tags: [] })).toEqual([{ path: 'options.tags', message: 'expected length ≥ 1, got an array of length 0' }]);
    expect(issues({ colour: 'red' })).toEqual([{ path: 'options.colour', message: "unknown option 'colour'" }]);
  });

  it('show() renders values briefly and safely', () => {
    expect(show('x'.repeat(50))).toBe(`"${'x'.repeat(40)}…"`);
    expect(show(new Date(Number.NaN))).toBe('Invalid Date');
    expect(show(new Date(0))).toBe('Date(1970-01-01T00:00:00.000Z)');
    expect([show(null), show(undefined), show([1, 2]), show({ a: 1 }), show(3n)]).toEqual([
      'null',
      'undefined',
      'an array of length 2',
      'an object',
      '3',
    ]);
  });
});
