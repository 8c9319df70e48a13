import { describe, expect, it, vi } from 'vitest';
import { MissingDependencyError } from '../../src/errors.js';

describe('clmkit/duckdb without @duckdb/node-api', () => {
  it('says to install the optional peer dependency (and importing the entry does not load it)', async () => {
    vi.doMock('@duckdb/node-api', () => {
      throw new Error("Cannot find package '@duckdb/node-api'");
    });
    const { summarizeWithDuckDB } = await import('../../src/duckdb/index.js');
    const err = await summarizeWithDuckDB('transactions.parquet', { observationEnd: '2024-01-01' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect((err as MissingDependencyError).code).toBe('MISSING_DEPENDENCY');
    expect((err as MissingDependencyError).packageName).toBe('@duckdb/node-api');
    expect((err as Error).message).toMatch(/npm install @duckdb\/node-api/);
    expect((err as Error).cause).toBeDefined();
    vi.doUnmock('@duckdb/node-api');
  });
});
