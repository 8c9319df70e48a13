// CommonJS consumer of the packed clmkit tarball: the checks of consumer-esm.js, through require().
// scripts/check-package.sh copies it into the throw-away project as consumer.cjs; it is stored as .js
// only so that the repository's eslint config lints it (it has no type-aware block for .cjs).
/* eslint-disable @typescript-eslint/no-require-imports -- this file exists to test require() */
'use strict';
const assert = require('node:assert/strict');
const root = require('clmkit');
const data = require('clmkit/data');
const metrics = require('clmkit/metrics');
const models = require('clmkit/models');
const segment = require('clmkit/segment');
const recommend = require('clmkit/recommend');
const lifecycle = require('clmkit/lifecycle');

const log = [
  { customerId: 'a', timestamp: '2024-01-01', amount: 10 },
  { customerId: 'a', timestamp: '2024-01-08', amount: 20 },
];
for (const [entry, mod] of [['clmkit', root], ['clmkit/data', data]]) {
  const s = mod.summarize(log, { unit: 'week', observationEnd: '2024-01-15' });
  assert.equal(s.frequency[0], 1, `${entry} summarize: frequency`);
  assert.equal(s.recency[0], 1, `${entry} summarize: recency`);
  assert.equal(s.T[0], 2, `${entry} summarize: T`);
  assert.equal(s.monetaryValue[0], 20, `${entry} summarize: monetaryValue`);
}

assert.equal(root.parseIsoTimestamp('1997-01-01'), 852076800000, 'parseIsoTimestamp');

assert.equal(data.InvalidInputError, root.InvalidInputError, 'InvalidInputError is one class');
assert.ok(new data.InvalidInputError('x', []) instanceof root.InvalidInputError, 'data -> root instanceof');
assert.ok(new root.InvalidInputError('x', []) instanceof data.InvalidInputError, 'root -> data instanceof');
assert.throws(
  () => data.summarize([{ customerId: 'a', timestamp: 'not a date' }], { unit: 'day' }),
  (err) => err instanceof root.InvalidInputError && err.code === 'INVALID_INPUT',
  'summarize from clmkit/data throws the InvalidInputError of clmkit',
);

assert.equal(require('clmkit/package.json').name, 'clmkit', 'clmkit/package.json export');
assert.ok(Math.abs(metrics.clv({ amount: 1000, periods: 5, discountRate: 0.1 }) - 3790.7868) < 1e-4, 'clv from clmkit/metrics');
assert.equal(metrics.rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75, 'rocAuc from clmkit/metrics');
assert.strictEqual(metrics.clv, root.clv, 'clmkit/metrics and clmkit export the same clv');

// clmkit/models: R BTYD's P(X(39) = 0) = 0.5737864 at the published CDNOW BG/NBD parameters.
const bg = models.betaGeoModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 });
assert.ok(Math.abs(bg.probabilityOfPurchases(0, 39) - 0.5737864) < 1e-6, 'betaGeoModel from clmkit/models');
// clmkit/segment, clmkit/recommend, clmkit/lifecycle: hand-checkable answers.
const km = segment.kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], { k: 2, seed: 1 });
assert.equal(km.inertia, 1, 'kmeans from clmkit/segment');
const pop = recommend.fitPopularity([{ userId: 'u1', itemId: 'a' }, { userId: 'u2', itemId: 'a' }, { userId: 'u2', itemId: 'b' }]);
assert.deepEqual(pop.recommend('u1', { n: 2 }).map((r) => r.itemId), ['b'], 'fitPopularity from clmkit/recommend');
const stages = lifecycle.createLifecycle().classify([{ customerId: 'x', timestamp: '2024-03-01', amount: 10 }], { asOf: '2024-03-11' });
assert.equal(stages.stage[0], 'new', 'createLifecycle from clmkit/lifecycle: bought once 10 days ago is new');


// clmkit/duckdb and clmkit/store through require(): importable without their optional peers; using
// them says how to install the peer.
const duckdb = require('clmkit/duckdb');
const store = require('clmkit/store');
assert.rejects(duckdb.summarizeWithDuckDB('log.csv'), /npm install @duckdb\/node-api/, 'clmkit/duckdb without the peer')
  .then(() => assert.rejects(store.openStore(':memory:'), /npm install better-sqlite3/, 'clmkit/store without the peer'))
  .then(() => {
    const runtime = globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.version}`;
    console.log(`ok  cjs  ${runtime}`);
  })
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
