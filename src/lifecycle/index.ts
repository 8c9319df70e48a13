/**
 * `clmkit/lifecycle`: a typed customer lifecycle state machine — stages, events, guards, history,
 * population transition statistics and forecasts.
 *
 * @module
 */
export {
  DEFAULT_LIFECYCLE_STAGES,
  DEFAULT_LIFECYCLE_TRANSITIONS,
  type CustomerFacts,
  type DefaultLifecycleStage,
  type LifecycleConfig,
  type LifecycleEvent,
  type LifecycleEventType,
  type LifecycleGuard,
  type LifecycleGuardArgs,
  type LifecycleIdentifyEvent,
  type LifecyclePurchaseEvent,
  type LifecycleReference,
  type LifecycleReferenceKind,
  type LifecycleScoreEvent,
  type LifecycleStageRule,
  type LifecycleTickEvent,
  type LifecycleTime,
  type LifecycleTransitionRule,
  type LifecycleValidationOptions,
} from './config.js';
export {
  createLifecycle,
  LIFECYCLE_EVENT_CODES,
  type Lifecycle,
  type LifecycleAction,
  type LifecycleCalibrateOptions,
  type LifecycleCustomerEvent,
  type LifecycleEventColumns,
  type LifecycleHistoryEntry,
  type LifecycleReplayOptions,
  type LifecycleReplayResult,
  type LifecycleState,
  type LifecycleStep,
  type LifecycleTransition,
} from './lifecycle.js';
export type {
  LifecycleClassification,
  LifecycleClassifyOptions,
  LifecyclePeriod,
  PAliveScorer,
  StageCountOptions,
  StageCounts,
  StageTransitionMatrix,
} from './population.js';
export { forecastStages, type StageChain, type StageForecast } from './markov.js';
export { playbook, type LifecyclePlaybook, type PlaybookEntry } from './playbook.js';
export type { XStateExport, XStateMachineConfig, XStateTransitionConfig } from './xstate.js';
