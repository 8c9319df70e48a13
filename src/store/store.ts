/**
 * Being written.
 *
 * @internal
 * @module
 */
export {};
