import { describe, expect, it, vi } from 'vitest';

describe('clmkit/duckdb without @duckdb/node-api', () => {
  it('says to install the optional peer dependency (and importing the entry does not load it)', async () => {
    vi.doMock('@duckdb/node-api', () => {
      throw new Error("Cannot find package '@duckdb/node-api'");
    });
    const { summarizeWithDuckDB } = await import('../../src/duckdb/index.js');
    const err = await summarizeWithDuckDB('transactions.parquet', { observationEnd: '2024-01-01' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/npm install @duckdb\/node-api/);
    expect((err as Error).cause).toBeDefined();
    vi.doUnmock('@duckdb/node-api');
  });
});
