import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { createLifecycle } from '../../src/lifecycle/lifecycle.js';
import { playbook } from '../../src/lifecycle/playbook.js';

describe('playbook', () => {
  const lc = createLifecycle({ reference: { frequency: 2, spend: 10 } });
  const day = (d: number): number => Date.UTC(2024, 0, 1 + d);
  const log = [
    { customerId: 'n', timestamp: day(55), amount: 5 },
    { customerId: 'c', timestamp: day(1), amount: 5 },
  ];
  const classified = lc.classify(log, { asOf: day(60) });

  it('attaches each stage’s actions (lists or functions); stages left out get none', () => {
    const plan = playbook(classified, {
      new: ['welcome e-mail'],
      churned: (id, stage) => [`win-back for ${id} (${stage})`],
    });
    expect(plan).toEqual([
      { customerId: 'c', stage: 'churned', actions: ['win-back for c (churned)'] },
      { customerId: 'n', stage: 'new', actions: ['welcome e-mail'] },
    ]);
    expect(playbook(classified, {})[0].actions).toEqual([]);
  });

  it('rejects a key that is not a stage and mismatched columns', () => {
    expect(() => playbook(classified, { gold: ['x'] } as never)).toThrow(/not a stage/);
    expect(() => playbook({ customerId: ['a'], stage: [] }, {})).toThrow(InvalidInputError);
  });
});
