/**
 * The XState adapter: a lifecycle as a plain machine config in XState v5's shape (no dependency
 * on xstate), with the guard and context-update implementations to pass to `setup`.
 *
 * @module
 */
import type { LifecycleEvent, LifecycleEventType, ResolvedConfig } from './config.js';
import { EVENT_TYPES } from './core.js';
import type { Lifecycle, LifecycleState } from './lifecycle.js';

/** One candidate transition of an XState state node. */
export interface XStateTransitionConfig {
  /** Target state (absent: stay, updating the context only). */
  readonly target?: string;
  /** Guard name (an implementation is in `implementations.guards`). */
  readonly guard?: string;
  /** Action names: `'apply'` (update the context), then the declared transition's actions. */
  readonly actions: readonly string[];
}

/** A machine config in XState v5's shape. */
export interface XStateMachineConfig<S extends string = string> {
  /** Machine id. */
  readonly id: string;
  /** Initial state. */
  readonly initial: S;
  /** Initial context: a lifecycle state with an empty customer id (set yours with `input`). */
  readonly context: LifecycleState<S>;
  /** State nodes: per stage, the candidate transitions per event, first passing guard wins. */
  readonly states: { readonly [K in S]: { readonly description: string; readonly on: { readonly [E in LifecycleEventType]: readonly XStateTransitionConfig[] } } };
}

/** What `lifecycle.toXStateConfig()` returns. */
export interface XStateExport<S extends string = string> {
  /** The machine config. */
  readonly config: XStateMachineConfig<S>;
  /** Implementations to pass to XState's `setup`. */
  readonly implementations: {
    /** `reaches:<stage>`: true when the event takes the context's customer to that stage. */
    readonly guards: { readonly [name: string]: (args: { context: LifecycleState<S>; event: LifecycleEvent }) => boolean };
    /** The context update for the `'apply'` action (wrap it in XState's `assign`). */
    readonly apply: (args: { context: LifecycleState<S>; event: LifecycleEvent }) => LifecycleState<S>;
  };
}

/**
 * Builds the XState export. Each stage lists, for every event, one candidate per stage reachable
 * from it along declared transitions (time-driven moves can chain, e.g. loyal → churned →
 * reactivated on one late purchase), guarded by `reaches:<target>`, and finally a targetless
 * candidate that only applies the event. The lifecycle's pure `transition` decides; XState
 * mirrors it.
 *
 * @internal
 */
export function xstateExport<S extends string>(lc: Lifecycle<S>, cfg: ResolvedConfig): XStateExport<S> {
  const stages = lc.stages;
  const K = stages.length;
  const direct = new Map<string, readonly string[]>();
  for (const t of cfg.transitions) direct.set(`${t.from}:${t.to}`, t.actions);
  const reach: boolean[][] = stages.map((_, i) => stages.map((__, j) => i !== j && cfg.pairs[i * K + j] !== null));
  for (let k = 0; k < K; k++) for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) if (i !== j && reach[i][k] && reach[k][j]) reach[i][j] = true;
  const states = {} as Record<S, { description: string; on: Record<LifecycleEventType, XStateTransitionConfig[]> }>;
  stages.forEach((from, i) => {
    const on = {} as Record<LifecycleEventType, XStateTransitionConfig[]>;
    for (const type of EVENT_TYPES) {
      const list: XStateTransitionConfig[] = [];
      stages.forEach((to, j) => {
        if (reach[i][j]) list.push({ target: to, guard: `reaches:${to}`, actions: ['apply', ...(direct.get(`${i}:${j}`) ?? [])] });
      });
      list.push({ actions: ['apply'] });
      on[type] = list;
    }
    states[from] = { description: cfg.descriptions[i], on };
  });
  const guards: Record<string, (args: { context: LifecycleState<S>; event: LifecycleEvent }) => boolean> = {};
  for (const to of stages) guards[`reaches:${to}`] = ({ context, event }) => lc.transition(context, event).stage === to;
  const initial = { ...lc.initial('-'), customerId: '' };
  return {
    config: { id: 'lifecycle', initial: lc.initialStage, context: initial, states },
    implementations: { guards, apply: ({ context, event }) => lc.transition(context, event) },
  };
}
