// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'docs/api/', 'coverage/', 'node_modules/', 'test/.doctest-tmp/', '.bench-cache/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      // Hot loops index typed arrays; `noUncheckedIndexedAccess` makes the `!` explicit there.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The library core runs in Node, Deno, Bun and browsers: no Node-only modules or globals.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'crypto', 'stream'], message: 'src/ must stay runtime-neutral; do I/O at the edges (examples, bench, cli).' }] }],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array.' }, { name: 'process', message: 'src/ must not read the process.' }, { name: 'require', message: 'ESM only.' }],
    },
  },
  {
    // The command line is the edge where files, streams and the process live.
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-globals': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
