/**
 * Doc-test: "TSDoc with a runnable `@example` on every export", checked on every `.ts` file under
 * src/ (except the generated src/data/sample/simulated-log.ts).
 *
 * ## What every export needs
 *
 * An export is a top-level declaration with an `export` modifier (function, class, interface,
 * type alias, enum, namespace, each name of an exported `const`/`let`/`var`), or a local
 * declaration named in `export { … }`. Re-exports (`export … from`, `export *`, and `export { x }`
 * of an imported `x`) are not declarations and are checked where they are declared. Its doc
 * comment is the last `/** … *\/` block right before it (not the file's `@module` comment).
 *
 * - A declaration whose doc comment has `@internal` is exempt.
 * - Every other export needs a doc comment with a summary (text before the first block tag).
 * - Functions (including `const f = (…) => …`) and classes also need an `@example` holding a
 *   runnable ```ts block (overloads count together: one doc for the set is enough).
 * - Interfaces, type aliases, enums and constants need only the summary; an `@example` on them is
 *   welcome and runs like any other.
 *
 * Every violation is listed in one failing test (`file:line name — what is missing`).
 *
 * ## How examples run
 *
 * Every ```ts (or ```typescript) fenced block inside an `@example` section of any doc comment in
 * src/ (exports, internal helpers and members alike) is an example. The ` * ` margin is removed
 * (the star and one space), and so is the fence's own indentation. Each block is written to
 * test/.doctest-tmp/<run>/<file>-<n>.ts (removed afterwards; set DOCTEST_KEEP=1 to keep it and
 * run one by hand with `node --import tsx <file>`), where `clmkit` and `clmkit/*` resolve to src/
 * through tsconfig's paths, and relative imports (`./hmac.js`) are resolved from the source file.
 * Each must finish without an exception (a rejected top-level `await` included). To keep the
 * test fast, examples are not one process each: they run in (cores − 1) `node --import tsx`
 * processes (a source file's examples in the same one), each example imported as its own module,
 * so top-level names do not clash and a failure still names its example; meanwhile this process
 * type-checks every example (tsconfig.json's options, one program), so a type error fails the
 * example too.
 *
 * Not runnable on purpose (it reads a user's file, needs a server, …)? Mark the fence
 * ```ts no-run — and use it sparingly: the block is then neither run nor type-checked, and a
 * function or class still needs one runnable example.
 *
 * ## Checked output comments
 *
 * A `// value` comment after a statement (or on the comment-only lines right below it) claims
 * what it gives, and is checked when it is one of:
 *
 * - `console.log(a, b);  // <what console.log prints>`: compared with the printed text, or with
 *   the arguments as `util.inspect` shows them (so `'INVALID_INPUT'` and `INVALID_INPUT` both do);
 * - `expr;  // <value>` and `const x = expr;  // <value>`: compared with `util.inspect(value)`.
 *
 * Both sides are compared as tokens, so layout, quote style and number spelling do not matter
 * (`[ 1, 0 ]` ≡ `[1,0]`, `'a'` ≡ `"a"`, `1.50` ≡ `1.5`) and typed-array names may be left out
 * (`Float64Array(2) [ 1, 0 ]` ≡ `[1, 0]`); numbers are otherwise compared exactly. `≈ 0.33`
 * claims a number to the decimals shown. A remark may follow the value after ` — `, ` (`, ` ← `
 * or ` // ` (`// 1.75 (as numpy)`). A comment that is prose, or elides with `…` / `...`, is not a
 * claim and is left alone (e.g. `// a permutation, in place`, `// { id: 'C00042', … }`). A
 * checked line must run at least once (a claim inside a `catch` nothing threw into fails).
 * The summary line printed at the end counts the exports, examples and checked comments.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClaim, type ExampleResult } from './helpers/doctest-runtime.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(root, 'src');
/** Generated data files: no hand-written docs to check. */
const SKIP = new Set(['src/data/sample/simulated-log.ts']);
const RUNTIME = join(root, 'test/helpers/doctest-runtime.ts');
const TMP_PARENT = join(root, 'test/.doctest-tmp');
const TMP = join(TMP_PARENT, `run-${process.pid}-${Date.now().toString(36)}`);
/** Doc comments with these tags describe a file, not the declaration after them. */
const FILE_TAGS = /(^|\s)@(module|packageDocumentation|file|fileoverview)\b/;
const posix = (p: string): string => p.split('\\').join('/');

// ---------------------------------------------------------------------------------------------
// Doc comments

interface DocLine {
  /** The line with the comment margin removed. */
  readonly text: string;
  /** 1-based line in the source file. */
  readonly line: number;
}

interface ExampleBlock {
  readonly lang: string;
  readonly noRun: boolean;
  /** 1-based source line of the block's first code line. */
  readonly line: number;
  readonly code: string;
}

interface Doc {
  readonly summary: string;
  readonly internal: boolean;
  /** Fenced blocks of the `@example` sections, and `@example` sections without any. */
  readonly examples: readonly ExampleBlock[];
  readonly emptyExamples: number;
  readonly problems: readonly string[];
}

/** Removes the `/**`, `*\/` and ` * ` margins of a doc comment starting on line `firstLine`. */
function docLines(comment: string, firstLine: number): DocLine[] {
  const raw = comment.split(/\r?\n/);
  return raw.map((line, i) => {
    let s = line;
    if (i === raw.length - 1) s = s.replace(/\s*\*\/\s*$/, '');
    if (i === 0) s = s.replace(/^\s*\/\*\*/, '');
    else if (/^\s*\*/.test(s)) s = s.replace(/^\s*\*/, '');
    else return { text: s, line: firstLine + i }; // no star margin: keep the line as written
    return { text: s.startsWith(' ') ? s.slice(1) : s, line: firstLine + i };
  });
}

const FENCE_OPEN = /^(\s*)(`{3,})\s*([\w-]*)\s*(.*)$/;

function parseDoc(comment: string, firstLine: number): Doc {
  const lines = docLines(comment, firstLine);
  const problems: string[] = [];
  const examples: ExampleBlock[] = [];
  let summary = '';
  let section = ''; // '' = summary, else the current block tag
  let internal = false;
  let emptyExamples = 0;
  let sectionBlocks = 0;
  let fence: { indent: number; ticks: string; lang: string; noRun: boolean; start: number; body: string[] } | null = null;
  const endSection = (): void => {
    if (section === 'example' && sectionBlocks === 0) emptyExamples++;
  };
  for (const { text, line } of lines) {
    if (fence !== null) {
      if (new RegExp(`^\\s*${fence.ticks}\`*\\s*$`).test(text)) {
        if (section === 'example') {
          examples.push({ lang: fence.lang, noRun: fence.noRun, line: fence.start, code: fence.body.join('\n') + '\n' });
        }
        fence = null;
        continue;
      }
      const ind = /^\s*/.exec(text)?.[0].length ?? 0;
      fence.body.push(text.slice(Math.min(ind, fence.indent)));
      continue;
    }
    const open = FENCE_OPEN.exec(text);
    if (open) {
      const [, indent = '', ticks = '', lang = '', meta = ''] = open;
      fence = { indent: indent.length, ticks, lang, noRun: /(^|\s)no-run(\s|$)/.test(meta), start: line + 1, body: [] };
      if (section === 'example') sectionBlocks++;
      if (section === '') summary += ' ```';
      continue;
    }
    if (/(^|\s)@internal\b/.test(text)) internal = true;
    const tag = /^\s*@(\w+)/.exec(text);
    if (tag) {
      endSection();
      section = tag[1];
      sectionBlocks = 0;
      continue;
    }
    if (section === '') summary += ` ${text}`;
  }
  if (fence !== null) problems.push(`a \`\`\`${fence.lang} fence opened at line ${fence.start - 1} is never closed`);
  endSection();
  summary = summary.replace(/\{@\w+[^}]*\}/g, 'x').replace(/(^|\s)@\w+/g, ' ').trim();
  return { summary, internal, examples, emptyExamples, problems };
}

const isRunnableTs = (b: ExampleBlock): boolean => (b.lang === 'ts' || b.lang === 'typescript') && !b.noRun;

// ---------------------------------------------------------------------------------------------
// Exports and their docs

type Kind = 'function' | 'class' | 'interface' | 'type' | 'enum' | 'namespace' | 'const' | 'variable';

interface Declaration {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly kind: Kind;
  readonly doc: Doc | null;
}

interface Example extends ExampleBlock {
  readonly file: string;
  /** What it documents, for the test name. */
  readonly owner: string;
  /** `<file>-<n>` within the run. */
  readonly id: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/** The doc comment of a top-level statement: the last `/** … *\/` before it, unless a file comment. */
function docOf(sf: ts.SourceFile, node: ts.Node): Doc | null {
  const ranges = ts.getLeadingCommentRanges(sf.text, node.pos) ?? [];
  const last = ranges.filter((r) => r.kind === ts.SyntaxKind.MultiLineCommentTrivia && sf.text.startsWith('/**', r.pos)).at(-1);
  if (last === undefined) return null;
  const text = sf.text.slice(last.pos, last.end);
  if (text === '/**/' || FILE_TAGS.test(text)) return null;
  return parseDoc(text, lineOf(sf, last.pos));
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function declarationsOf(sf: ts.SourceFile, file: string): Declaration[] {
  const out: Declaration[] = [];
  const local = new Map<string, { node: ts.Statement; kind: Kind; name: ts.Node }[]>();
  const named: string[] = [];
  const add = (stmt: ts.Statement, nameNode: ts.Node, name: string, kind: Kind, exported: boolean): void => {
    if (exported) out.push({ file, line: lineOf(sf, nameNode.getStart(sf)), name, kind, doc: docOf(sf, stmt) });
    else local.set(name, [...(local.get(name) ?? []), { node: stmt, kind, name: nameNode }]);
  };
  for (const stmt of sf.statements) {
    if (ts.isExportDeclaration(stmt)) {
      // `export { a, b as c }` of local declarations counts; `export … from` is a re-export.
      if (stmt.moduleSpecifier === undefined && stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
        for (const el of stmt.exportClause.elements) named.push((el.propertyName ?? el.name).text);
      }
      continue;
    }
    const exported = (ts.canHaveModifiers(stmt) ? ts.getModifiers(stmt) : undefined)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    if (ts.isExportAssignment(stmt)) {
      out.push({ file, line: lineOf(sf, stmt.getStart(sf)), name: 'default', kind: 'const', doc: docOf(sf, stmt) });
    } else if (ts.isFunctionDeclaration(stmt)) {
      add(stmt, stmt.name ?? stmt, stmt.name?.text ?? 'default', 'function', exported);
    } else if (ts.isClassDeclaration(stmt)) {
      add(stmt, stmt.name ?? stmt, stmt.name?.text ?? 'default', 'class', exported);
    } else if (ts.isInterfaceDeclaration(stmt)) {
      add(stmt, stmt.name, stmt.name.text, 'interface', exported);
    } else if (ts.isTypeAliasDeclaration(stmt)) {
      add(stmt, stmt.name, stmt.name.text, 'type', exported);
    } else if (ts.isEnumDeclaration(stmt)) {
      add(stmt, stmt.name, stmt.name.text, 'enum', exported);
    } else if (ts.isModuleDeclaration(stmt)) {
      add(stmt, stmt.name, stmt.name.text, 'namespace', exported);
    } else if (ts.isVariableStatement(stmt)) {
      const isConst = (stmt.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of stmt.declarationList.declarations) {
        const init = d.initializer === undefined ? undefined : unwrap(d.initializer);
        const kind: Kind =
          init !== undefined && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))
            ? 'function'
            : init !== undefined && ts.isClassExpression(init)
              ? 'class'
              : isConst
                ? 'const'
                : 'variable';
        // Destructuring exports name each binding.
        const names = ts.isIdentifier(d.name) ? [d.name] : collectBindingNames(d.name);
        for (const n of names) add(stmt, n, n.text, kind, exported);
      }
    }
  }
  for (const name of named) {
    for (const d of local.get(name) ?? []) {
      out.push({ file, line: lineOf(sf, d.name.getStart(sf)), name, kind: d.kind, doc: docOf(sf, d.node) });
    }
  }
  return out;
}

function collectBindingNames(p: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(p)) return [p];
  const out: ts.Identifier[] = [];
  for (const el of p.elements) if (!ts.isOmittedExpression(el)) out.push(...collectBindingNames(el.name));
  return out;
}

/** Every `@example` block of every doc comment in the file, with what it documents. */
function examplesOf(sf: ts.SourceFile, file: string): Example[] {
  // comment pos → the outermost node it leads, and the first named declaration it leads
  const seen = new Map<number, { node: ts.Node; name: string | undefined }>();
  const visit = (node: ts.Node): void => {
    for (const r of ts.getLeadingCommentRanges(sf.text, node.pos) ?? []) {
      if (r.kind !== ts.SyntaxKind.MultiLineCommentTrivia || !sf.text.startsWith('/**', r.pos)) continue;
      const prev = seen.get(r.pos);
      if (prev === undefined) seen.set(r.pos, { node, name: ownName(node) });
      else if (prev.name === undefined) seen.set(r.pos, { node: prev.node, name: ownName(node) });
    }
    for (const child of node.getChildren(sf)) visit(child);
  };
  visit(sf);
  const out: Example[] = [];
  const stem = posix(relative(SRC, file)).replace(/\.ts$/, '').replace(/[/.]/g, '_');
  for (const [pos, { node, name }] of [...seen].sort((a, b) => a[0] - b[0])) {
    const end = sf.text.indexOf('*/', pos) + 2;
    const doc = parseDoc(sf.text.slice(pos, end), lineOf(sf, pos));
    for (const block of doc.examples) {
      if (block.lang !== 'ts' && block.lang !== 'typescript') continue;
      out.push({ ...block, file, owner: name ?? enclosingName(node), id: `${stem}-${out.length + 1}` });
    }
  }
  return out;
}

/** The name a node declares itself, if any. */
function ownName(node: ts.Node): string | undefined {
  if (ts.isVariableStatement(node)) return node.declarationList.declarations.map((d) => d.name.getText()).join(', ');
  if (ts.isSourceFile(node)) return undefined;
  if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name === undefined) return 'default';
  return ts.getNameOfDeclaration(node as ts.Declaration)?.getText();
}

/** The name of the nearest named declaration around a node (a constructor: its class). */
function enclosingName(node: ts.Node): string {
  for (let n = node; !ts.isSourceFile(n); n = n.parent) {
    const name = ownName(n);
    if (name !== undefined) return name;
  }
  return '(module)';
}

const files = sourceFiles(SRC).filter((f) => !SKIP.has(posix(relative(root, f))));
const sources = files.map((f) => ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
const declarations = sources.flatMap((sf) => declarationsOf(sf, sf.fileName));
const examples = sources.flatMap((sf) => examplesOf(sf, sf.fileName));
const runnable = examples.filter((e) => !e.noRun);
/** Declarations by file, name and kind (overloads are one export). */
const exportsByKey = new Map<string, Declaration[]>();
for (const d of declarations) {
  const key = `${d.file}\0${d.name}\0${d.kind}`;
  exportsByKey.set(key, [...(exportsByKey.get(key) ?? []), d]);
}
const internalCount = [...exportsByKey.values()].filter((g) => g.some((d) => d.doc?.internal === true)).length;

/** What a declaration's doc lacks, per the rules at the top of this file (empty: nothing). */
function missing(group: readonly Declaration[]): string[] {
  const docs = group.map((d) => d.doc).filter((d): d is Doc => d !== null);
  if (docs.some((d) => d.internal)) return [];
  if (docs.length === 0) return ['no TSDoc comment'];
  const out = docs.flatMap((d) => d.problems);
  if (!docs.some((d) => d.summary.length > 0)) out.push('no summary sentence before the tags');
  const kind = group[0]?.kind;
  if ((kind === 'function' || kind === 'class') && out.length === 0) {
    const blocks = docs.flatMap((d) => d.examples);
    if (!blocks.some(isRunnableTs)) {
      if (blocks.length > 0) out.push('its @example has no runnable ```ts block (only no-run or other languages)');
      else if (docs.some((d) => d.emptyExamples > 0)) out.push('its @example has no ```ts fenced block');
      else out.push('no @example');
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Turning an example block into a module

interface Prepared {
  readonly source: string;
  /** Example lines whose output comment is checked. */
  readonly claimLines: readonly number[];
  /** Output-like comments that are prose or elided, left unchecked. */
  readonly prose: number;
}

/** Comment text right after `end` on its line, or on the comment-only lines right below. */
function trailingComment(code: string, end: number): string | null {
  const eol = code.indexOf('\n', end);
  const rest = code.slice(end, eol === -1 ? code.length : eol);
  const same = /^\s*\/\/(.*)$/.exec(rest);
  if (same) return same[1];
  if (rest.trim() !== '' || eol === -1) return null;
  const below: string[] = [];
  for (const line of code.slice(eol + 1).split('\n')) {
    const m = /^\s*\/\/(.*)$/.exec(line);
    if (!m) break;
    below.push(m[1]);
  }
  return below.length > 0 ? below.join('\n') : null;
}

/**
 * The example as a module in `dir`: relative imports resolved from the source file, output
 * claims rewritten into checks (on the same lines, so line numbers stay), `export {}` appended.
 */
function prepare(ex: Example, dir: string): Prepared {
  const code = ex.code;
  const sf = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const claimLines: number[] = [];
  let prose = 0;
  const relFrom = (spec: string): string => {
    let p = posix(relative(dir, resolve(dirname(ex.file), spec)));
    if (!p.startsWith('.')) p = `./${p}`;
    return p;
  };
  const visit = (node: ts.Node): void => {
    const spec =
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)
        ? node.moduleSpecifier
        : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])
          ? node.arguments[0]
          : undefined;
    if (spec?.text.startsWith('.')) edits.push({ start: spec.getStart(sf), end: spec.end, text: JSON.stringify(relFrom(spec.text)) });

    let target: { kind: 'log'; call: ts.CallExpression } | { kind: 'value'; expr: ts.Expression } | undefined;
    if (ts.isExpressionStatement(node)) {
      const e = node.expression;
      const isLog =
        ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.getText(sf) === 'console.log';
      target = isLog ? { kind: 'log', call: e } : { kind: 'value', expr: e };
    } else if (ts.isVariableStatement(node) && node.declarationList.declarations.length === 1) {
      const init = node.declarationList.declarations[0].initializer;
      if (init !== undefined) target = { kind: 'value', expr: init };
    }
    const comment = target === undefined ? null : trailingComment(code, node.end);
    if (target !== undefined && comment !== null) {
      if (parseClaim(comment) === null) {
        if (target.kind === 'log' || comment.trim().length > 0) prose++;
      } else {
        const line = lineOf(sf, node.getStart(sf));
        claimLines.push(line);
        const claim = JSON.stringify(comment.trim());
        if (target.kind === 'log') {
          const open = code.indexOf('(', target.call.expression.end);
          const sep = target.call.arguments.length > 0 ? ', ' : '';
          edits.push({ start: target.call.getStart(sf), end: open + 1, text: `__doctest.log(${line}, ${claim}${sep}` });
        } else {
          const s = target.expr.getStart(sf);
          edits.push({ start: s, end: s, text: `__doctest.value(${line}, ${claim}, (` });
          edits.push({ start: target.expr.end, end: target.expr.end, text: '))' });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  if (claimLines.length > 0) {
    const runtime = posix(relative(dir, RUNTIME)).replace(/\.ts$/, '.js');
    out = `import * as __doctest from ${JSON.stringify(runtime)}; ${out}`;
  }
  return { source: `${out}\nexport {};\n`, claimLines, prose };
}

// ---------------------------------------------------------------------------------------------
// Running

interface Outcome {
  readonly result?: ExampleResult;
  /** Type errors, as `line N: message`. */
  readonly typeErrors: readonly string[];
  /** The process died without results. */
  readonly crash?: string;
}

const outcomes = new Map<string, Outcome>();
const prepared = new Map<string, Prepared>();
const moduleFile = (ex: Example): string => join(TMP, `${ex.id}.ts`);

function run(script: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', script], { cwd: root, timeout: 120_000, maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stderr });
    });
  });
}

async function runAll(): Promise<void> {
  mkdirSync(TMP, { recursive: true });
  for (const ex of runnable) {
    const p = prepare(ex, TMP);
    prepared.set(ex.id, p);
    writeFileSync(moduleFile(ex), p.source);
  }
  // The examples run in a few processes (a source file's examples stay together), in parallel
  // with the type check in this one: tsx's start-up, not the examples, is most of the cost.
  const byFile = new Map<string, Example[]>();
  for (const ex of runnable) byFile.set(ex.file, [...(byFile.get(ex.file) ?? []), ex]);
  const bins: Example[][] = Array.from({ length: Math.min(byFile.size, Math.max(1, availableParallelism() - 1)) }, () => []);
  for (const exs of [...byFile.values()].sort((a, b) => b.length - a.length)) {
    bins.reduce((min, bin) => (bin.length < min.length ? bin : min)).push(...exs);
  }
  const runtime = posix(relative(TMP, RUNTIME)).replace(/\.ts$/, '.js');
  const workers = bins.map(async (exs, i) => {
    const runner = join(TMP, `run-${i}.ts`);
    const results = join(TMP, `run-${i}.json`);
    const list = exs.map((ex) => `  { id: ${JSON.stringify(ex.id)}, url: new URL(${JSON.stringify(`./${ex.id}.ts`)}, import.meta.url).href },`);
    writeFileSync(
      runner,
      `import { runExamples } from ${JSON.stringify(runtime)};\nawait runExamples([\n${list.join('\n')}\n], ${JSON.stringify(results)});\n`,
    );
    const { code, stderr } = await run(runner);
    let parsed: ExampleResult[] = [];
    try {
      parsed = JSON.parse(readFileSync(results, 'utf8')) as ExampleResult[];
    } catch {
      // no results: the process died; each of its examples reports it
    }
    for (const ex of exs) {
      const result = parsed.find((r) => r.id === ex.id);
      outcomes.set(ex.id, result ? { result, typeErrors: [] } : { typeErrors: [], crash: `exit ${code}\n${stderr}` });
    }
  });
  // Type-check in this process while the examples run in the others.
  await new Promise((r) => setImmediate(r));
  const typeErrors = typeCheck();
  await Promise.all(workers);
  for (const ex of runnable) {
    const o = outcomes.get(ex.id) ?? { typeErrors: [], crash: 'not run' };
    outcomes.set(ex.id, { ...o, typeErrors: typeErrors.get(ex.id) ?? [] });
  }
}

function typeCheck(): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram({ rootNames: runnable.map(moduleFile), options: { ...config.options, noEmit: true } });
  const out = new Map<string, string[]>();
  for (const ex of runnable) {
    const sf = program.getSourceFile(moduleFile(ex));
    if (sf === undefined) continue;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    out.set(
      ex.id,
      diags.map((d) => `line ${d.start === undefined ? '?' : lineOf(sf, d.start)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`),
    );
  }
  return out;
}

function numbered(code: string, firstLine: number): string {
  return code
    .trimEnd()
    .split('\n')
    .map((l, i) => `  ${String(i + 1).padStart(2)} │ ${String(firstLine + i).padStart(4)} │ ${l}`)
    .join('\n');
}

/** Claim lines the run never reached (a claim in a `catch` that nothing threw into, …). */
function unreached(ex: Example, o: Outcome): number[] {
  if (o.result?.error !== undefined || o.crash !== undefined) return []; // stopped early: the error says why
  const reached = new Set(o.result?.claims.map((c) => c.line));
  return (prepared.get(ex.id)?.claimLines ?? []).filter((l) => !reached.has(l));
}

function report(ex: Example, o: Outcome): string {
  const where = `${posix(relative(root, ex.file))}:${ex.line}`;
  const toSrc = (line: number): string => `${posix(relative(root, ex.file))}:${ex.line + line - 1}`;
  const parts: string[] = [`example of ${ex.owner} at ${where} failed`];
  if (o.crash !== undefined) parts.push(`the process died:\n${o.crash}`);
  for (const t of o.typeErrors) parts.push(`type error, ${t.replace(/^line (\d+)/, (_, l: string) => `line ${l} (${toSrc(Number(l))})`)}`);
  if (o.result?.error !== undefined) parts.push(`threw:\n${o.result.error}`);
  for (const c of o.result?.claims ?? []) {
    if (!c.ok) parts.push(`line ${c.line} (${toSrc(c.line)}) claims\n    ${c.claim}\n  but gave\n    ${c.actual ?? ''}`);
  }
  for (const line of unreached(ex, o)) parts.push(`line ${line} (${toSrc(line)}): its output comment is never checked, the line never runs`);
  parts.push(`code (example line │ source line):\n${numbered(ex.code, ex.line)}`);
  if (o.result !== undefined && o.result.output !== '') parts.push(`output:\n${o.result.output.trimEnd()}`);
  return parts.join('\n\n');
}

// ---------------------------------------------------------------------------------------------

describe('doc-test: TSDoc with a runnable @example on every export', () => {
  it('every export has the TSDoc it needs', () => {
    const groups = exportsByKey;
    const violations: string[] = [];
    let failing = 0;
    for (const group of groups.values()) {
      const first = group[0];
      const problems = missing(group);
      if (problems.length === 0) continue;
      failing++;
      for (const what of problems) violations.push(`${posix(relative(root, first.file))}:${first.line} ${first.name} (${first.kind}) — ${what}`);
    }
    expect(declarations.length).toBeGreaterThan(0);
    if (violations.length > 0) {
      throw new Error(`${failing} of ${groups.size} exports lack TSDoc (rules: test/doctest.test.ts):\n${violations.join('\n')}`);
    }
  });

  describe('examples run', () => {
    beforeAll(runAll, 120_000);
    afterAll(() => {
      if (process.env['DOCTEST_KEEP'] === '1') return;
      rmSync(TMP, { recursive: true, force: true });
      try {
        rmdirSync(TMP_PARENT); // only when no other run is using it
      } catch {
        // not empty, or already gone
      }
    });

    it('finds examples', () => {
      expect(runnable.length).toBeGreaterThan(0);
    });

    it.each(runnable.map((ex) => [`${posix(relative(root, ex.file))}:${ex.line} ${ex.owner}`, ex] as const))('%s', (_name, ex) => {
      const o = outcomes.get(ex.id);
      expect(o, 'not run').toBeDefined();
      if (o === undefined) return;
      const ok = o.crash === undefined && o.typeErrors.length === 0 && o.result?.ok === true && unreached(ex, o).length === 0;
      if (!ok) throw new Error(report(ex, o));
    });

    afterAll(() => {
      const checked = [...prepared.values()].reduce((n, p) => n + p.claimLines.length, 0);
      const prose = [...prepared.values()].reduce((n, p) => n + p.prose, 0);
      const skipped = examples.length - runnable.length;
      console.log(
        `doctest: ${exportsByKey.size} exports checked (${internalCount} of them @internal), ${runnable.length} examples run (${skipped} no-run), ` +
          `${checked} output comments checked, ${prose} left unchecked (prose or elided)`,
      );
    });
  });
});
