import { defineConfig } from 'tsup';

// One entry per public subpath. `splitting: true` makes the entries share chunks, so that
// classes such as InvalidInputError are the same object whether imported from `clmkit` or
// `clmkit/data` (test/package/instanceof.test.ts checks this on the built output).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'data/index': 'src/data/index.ts',
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
