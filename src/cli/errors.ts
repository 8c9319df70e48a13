/**
 * The command line's error: a message for a person and the process exit code.
 *
 * @internal
 * @module
 */

/** Exit codes of `clmkit` (documented in the README and `clmkit --help`). @internal */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;

/**
 * An error the command line reports as-is (no stack trace) and exits with `exitCode`:
 * 1 for bad input (a missing column, an unreadable file, too many bad rows), 2 for bad usage
 * (an unknown flag, a missing argument). `hint` is printed on its own line after the message.
 * @internal
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    readonly hint?: string,
  ) {
    super(message);
  }
}
