/**
 * Benchmark tasks for this part of clmkit (being written).
 *
 * @module
 */
import type { BenchTask } from './tasks.js';

export const sqlTasks: readonly BenchTask[] = [];
