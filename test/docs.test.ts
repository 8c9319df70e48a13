/**
 * The README's quick start is examples/quick-start.ts, word for word, and every example runs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, root), 'utf8');

describe('docs', () => {
  it('the README quick start is examples/quick-start.ts and prints what the README says', () => {
    const readme = read('README.md');
    const block = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(read('examples/quick-start.ts'));
    const printed = /\nprints\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/quick-start.ts'], { cwd: root, encoding: 'utf8' });
    expect(out).toBe(printed);
  });

  it.each(readdirSync(new URL('examples/', root)).filter((f) => f.endsWith('.ts')))('examples/%s runs', (file) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', `examples/${file}`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CLMKIT_KEY: 'k'.repeat(32) },
    });
    expect(out.length).toBeGreaterThan(0);
  });

  it('the CHANGELOG has an entry for the package version', () => {
    const { version } = JSON.parse(read('package.json')) as { version: string };
    expect(read('CHANGELOG.md')).toContain(`## [${version}]`);
  });
});
