import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The public surface of every entry point in package.json's "exports": no name tagged @internal
// goes out, and every public (untagged) export of a module an entry re-exports from does.
const REPO = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

/** The source file of each entry: "./dist/data/index.js" → src/data/index.ts. */
function entrySources(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, target] of Object.entries(pkg.exports)) {
    const js = JSON.stringify(target).match(/"\.\/dist\/([^"]+)\.js"/)?.[1];
    if (js === undefined) continue;
    out.set(name, path.join(REPO, 'src', `${js}.ts`));
  }
  return out;
}

const entries = entrySources();
const program = ts.createProgram([...entries.values()], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
});
const checker = program.getTypeChecker();

function exportsOf(file: string): Map<string, ts.Symbol> {
  const sf = program.getSourceFile(file);
  if (sf === undefined) throw new Error(`${file} not in the program`);
  const mod = checker.getSymbolAtLocation(sf)!;
  return new Map(checker.getExportsOfModule(mod).map((s) => [s.getName(), s]));
}

function isInternal(s: ts.Symbol): boolean {
  const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  return target.getJsDocTags(checker).some((t) => t.name === 'internal');
}

describe('public surface of the package entry points', () => {
  it('finds the entries', () => {
    expect(entries.size).toBeGreaterThanOrEqual(10);
    expect([...entries.keys()]).toContain('./models');
  });

  for (const [name, file] of entries) {
    it(`${name}: no @internal name is exported, and every public name of its modules is`, () => {
      const exported = exportsOf(file);
      const leaked = [...exported.values()].filter(isInternal).map((s) => s.getName());
      expect(leaked, `@internal names exported from ${name}`).toEqual([]);
      const sf = program.getSourceFile(file)!;
      const missing: string[] = [];
      for (const st of sf.statements) {
        if (!ts.isExportDeclaration(st) || st.moduleSpecifier === undefined || !ts.isStringLiteral(st.moduleSpecifier)) continue;
        const target = path.resolve(path.dirname(file), st.moduleSpecifier.text.replace(/\.js$/, '.ts'));
        if (target.endsWith(`${path.sep}index.ts`) && target !== file) continue; // an entry re-exporting another entry
        for (const [n, s] of exportsOf(target)) if (!isInternal(s) && !exported.has(n)) missing.push(`${n} (${path.relative(REPO, target)})`);
      }
      expect(missing, `public names not exported from ${name}`).toEqual([]);
    });
  }
});
