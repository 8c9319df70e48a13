import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The `clmkit` executable: one ESM file with the library code it uses bundled in. Built after the
// library (`npm run build` runs `tsup` then this config), so the library build's `clean` cannot
// remove it. vega and vega-lite stay external: they are optional dependencies, loaded with
// `await import()` only when --html is given.
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  entry: { cli: 'src/cli/main.ts' },
  format: ['esm'],
  dts: false,
  splitting: false,
  sourcemap: false,
  clean: false,
  treeshake: true,
  target: 'node20',
  platform: 'node',
  external: ['vega', 'vega-lite'],
  banner: { js: '#!/usr/bin/env node' },
  define: { __CLMKIT_VERSION__: JSON.stringify(version) },
  tsconfig: 'tsconfig.build.json',
});
