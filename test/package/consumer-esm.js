// ESM consumer of the packed clmkit tarball. scripts/check-package.sh copies this file into a
// throw-away project that has `npm install`ed the .tgz (as consumer.mjs), then runs it under
// Node 20/22/24 and Deno. Not a vitest file: it runs against the installed package, never src/.
import assert from 'node:assert/strict';
import { InvalidInputError, parseIsoTimestamp, summarize } from 'clmkit';
import { InvalidInputError as DataInvalidInputError, summarize as s2 } from 'clmkit/data';
import { clv, rocAuc } from 'clmkit/metrics';
import { betaGeoModel } from 'clmkit/models';
import { kmeans } from 'clmkit/segment';
import { fitPopularity } from 'clmkit/recommend';
import { createLifecycle } from 'clmkit/lifecycle';

const log = [
  { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
  { customerId: 'a', timestamp: '2024-01-08', amount: 20 },
];
for (const [entry, fn] of [['clmkit', summarize], ['clmkit/data', s2]]) {
  const s = fn(log, { unit: 'week', observationEnd: '2024-01-15' });
  assert.equal(s.frequency[0], 1, `${entry} summarize: frequency`);
  assert.equal(s.recency[0], 1, `${entry} summarize: recency`);
  assert.equal(s.T[0], 2, `${entry} summarize: T`);
  assert.equal(s.monetaryValue[0], 20, `${entry} summarize: monetaryValue`);
}

assert.equal(parseIsoTimestamp('1997-01-01'), 852076800000, 'parseIsoTimestamp');

// One class across entry points: an error thrown through `clmkit/data` is an instance of the
// class exported by `clmkit`, and the other way round.
assert.equal(DataInvalidInputError, InvalidInputError, 'InvalidInputError is one class');
assert.ok(new DataInvalidInputError('x', []) instanceof InvalidInputError, 'data -> root instanceof');
assert.ok(new InvalidInputError('x', []) instanceof DataInvalidInputError, 'root -> data instanceof');
assert.throws(
  () => s2([{ customerId: 'a', timestamp: 'not a date' }], { unit: 'day' }),
  (err) => err instanceof InvalidInputError && err.code === 'INVALID_INPUT',
  'summarize from clmkit/data throws the InvalidInputError of clmkit',
);

// clmkit/metrics: the CLV reference (1000 × 5 years at 10%, end of period) and a hand AUC.
assert.ok(Math.abs(clv({ amount: 1000, periods: 5, discountRate: 0.1 }) - 3790.7868) < 1e-4, 'clv from clmkit/metrics');
assert.equal(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75, 'rocAuc from clmkit/metrics');

// clmkit/models: R BTYD's P(X(39) = 0) = 0.5737864 at the published CDNOW BG/NBD parameters.
const bg = betaGeoModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
assert.ok(Math.abs(bg.probabilityOfPurchases(0, 39) - 0.5737864) < 1e-6, 'betaGeoModel from clmkit/models');
// clmkit/segment, clmkit/recommend, clmkit/lifecycle: hand-checkable answers.
const km = kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], { k: 2, seed: 1 });
assert.equal(km.inertia, 1, 'kmeans from clmkit/segment');
const pop = fitPopularity([{ userId: 'u1', itemId: 'a' }, { userId: 'u2', itemId: 'a' }, { userId: 'u2', itemId: 'b' }]);
assert.deepEqual(pop.recommend('u1', { n: 2 }).map((r) => r.itemId), ['b'], 'fitPopularity from clmkit/recommend');
const stages = createLifecycle().classify([{ customerId: 'x', timestamp: '2024-03-01', amount: 10 }], { asOf: '2024-03-11' });
assert.equal(stages.stage[0], 'new', 'createLifecycle from clmkit/lifecycle: bought once 10 days ago is new');

// clmkit/duckdb: importable without its optional peer, which this consumer project does not have;
// using it then says how to install the peer. The root entry never loads DuckDB.
const { summarizeWithDuckDB } = await import('clmkit/duckdb');
await assert.rejects(summarizeWithDuckDB('log.csv'), /npm install @duckdb\/node-api/, 'clmkit/duckdb without the peer');
// clmkit/store likewise without better-sqlite3.
const { openStore } = await import('clmkit/store');
await assert.rejects(openStore(':memory:'), /npm install better-sqlite3/, 'clmkit/store without the peer');

const runtime = globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
console.log(`ok  esm  ${runtime}`);
