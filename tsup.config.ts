import { defineConfig } from 'tsup';

// One entry per public subpath. `splitting: true` makes the entries share chunks, so that
// classes such as InvalidInputError are the same object whether imported from `clmkit` or
// `clmkit/data` (scripts/check-package.sh checks this on the packed tarball, in Node 20/22/24 and Deno).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'data/index': 'src/data/index.ts',
    'metrics/index': 'src/metrics/index.ts',
    'segment/index': 'src/segment/index.ts',
    'recommend/index': 'src/recommend/index.ts',
    'models/index': 'src/models/index.ts',
    'lifecycle/index': 'src/lifecycle/index.ts',
    'plot/index': 'src/plot/index.ts',
    'sql/index': 'src/sql/index.ts',
    'duckdb/index': 'src/duckdb/index.ts',
    'store/index': 'src/store/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: false,
  clean: true,
  treeshake: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
