/**
 * The playbook hook: suggested actions per stage, attached to each classified customer.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { show } from '../validate.js';

/** Suggested actions per stage: a list, or a function of the customer that returns one. */
export type LifecyclePlaybook<S extends string, A> = {
  readonly [K in S]?: readonly A[] | ((customerId: string, stage: K) => readonly A[]);
};

/** One customer with the suggested actions of its stage. */
export interface PlaybookEntry<S extends string = string, A = string> {
  /** Who. */
  readonly customerId: string;
  /** Their stage. */
  readonly stage: S;
  /** What to do (empty when the playbook has nothing for the stage). */
  readonly actions: readonly A[];
}

/**
 * Attaches the playbook's suggested actions to each classified customer (e.g. the result of
 * `lifecycle.classify`). Stages the playbook leaves out get no actions; a playbook key that is
 * not a stage of the classification is an error (a typo would otherwise silently do nothing).
 *
 * @example
 * ```ts
 * import { playbook } from 'clmkit/lifecycle';
 * const classified = { stages: ['new', 'churned'], customerId: ['a', 'b'], stage: ['new', 'churned'] } as const;
 * const plan = playbook(classified, { new: ['welcome e-mail'], churned: ['win-back coupon'] });
 * console.log(plan[1]); // { customerId: 'b', stage: 'churned', actions: [ 'win-back coupon' ] }
 * ```
 */
export function playbook<S extends string, A = string>(
  classified: { readonly stages?: readonly S[]; readonly customerId: readonly string[]; readonly stage: readonly S[] },
  actions: LifecyclePlaybook<S, A>,
): PlaybookEntry<S, A>[] {
  const context = 'playbook';
  const ids: unknown = classified.customerId;
  const codes: unknown = classified.stage;
  if (!Array.isArray(ids) || !Array.isArray(codes) || ids.length !== codes.length) {
    throw new InvalidInputError(context, [{ path: 'classified', message: 'expected { customerId, stage } arrays of equal length (e.g. lifecycle.classify(...))' }]);
  }
  if ((actions as unknown) === null || typeof actions !== 'object') {
    throw new InvalidInputError(context, [{ path: 'actions', message: `expected a record from stage to actions, got ${show(actions)}` }]);
  }
  const book = actions as Readonly<Record<string, readonly A[] | ((customerId: string, stage: S) => readonly A[]) | undefined>>;
  if (classified.stages !== undefined) {
    for (const key of Object.keys(book)) {
      if (!classified.stages.includes(key as S)) {
        throw new InvalidInputError(context, [{ path: `actions.${key}`, message: `not a stage; the stages are ${classified.stages.map((s) => `'${s}'`).join(', ')}` }]);
      }
    }
  }
  const customerId = classified.customerId;
  const stage = classified.stage;
  const none: readonly A[] = [];
  const out: PlaybookEntry<S, A>[] = new Array<PlaybookEntry<S, A>>(customerId.length);
  for (let i = 0; i < customerId.length; i++) {
    const s = stage[i];
    const a = book[s];
    out[i] = { customerId: customerId[i], stage: s, actions: a === undefined ? none : typeof a === 'function' ? a(customerId[i], s) : a };
  }
  return out;
}
