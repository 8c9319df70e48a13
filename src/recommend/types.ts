/**
 * The shapes shared by every recommender.
 *
 * @module
 */
import type { TimestampInput } from '../data/types.js';

/** A user or item identifier. Numbers and strings compare by their string form (`1` ≡ `'1'`). */
export type EntityId = string | number;

/**
 * One user–item interaction: an explicit rating, or implicit feedback (a count, a spend, or 1).
 *
 * @example
 * ```ts
 * import type { Interaction } from 'clmkit';
 * const i: Interaction = { userId: 'u1', itemId: 'sku-9', value: 4 };
 * ```
 */
export interface Interaction {
  userId: EntityId;
  itemId: EntityId;
  /** Rating or implicit strength. @defaultValue 1 */
  value?: number;
  /** When it happened (used by time-based splits). */
  timestamp?: TimestampInput;
}

/** Interactions as records or equal-length columns. */
export type InteractionInput =
  | readonly Interaction[]
  | {
      userId: ArrayLike<EntityId>;
      itemId: ArrayLike<EntityId>;
      value?: ArrayLike<number>;
      timestamp?: ArrayLike<TimestampInput>;
    };

/** One recommended item. */
export interface Recommendation {
  readonly itemId: string;
  readonly score: number;
  /** Set on lists for users the model has never seen: the popularity fallback. */
  readonly coldStart?: true;
}

/** Options of `recommend`. */
export interface RecommendOptions {
  /** How many items. @defaultValue 10 */
  n?: number;
  /** Leave out items the user already interacted with in the training data. @defaultValue true */
  excludeSeen?: boolean;
  /** Only rank these items. @defaultValue every item */
  candidates?: readonly EntityId[];
}

/** What every fitted recommender offers. */
export interface Recommender {
  /** Which algorithm. */
  readonly kind: 'item-knn' | 'user-knn' | 'popularity' | 'als' | 'random';
  /** Top-n items for a user, best first; a user never seen gets the popularity list, flagged `coldStart`. */
  recommend(userId: EntityId, options?: RecommendOptions): Recommendation[];
  /** Top-n for every training user, keyed by user id (as a string). */
  recommendAll(options?: Omit<RecommendOptions, 'candidates'>): Map<string, Recommendation[]>;
}
