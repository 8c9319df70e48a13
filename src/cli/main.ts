/**
 * The `clmkit` executable (package.json `bin`): runs the command line and sets the exit code.
 *
 * @internal
 * @module
 */
import { run } from './cli.js';

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
