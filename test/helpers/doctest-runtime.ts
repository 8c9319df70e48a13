/**
 * Run-time side of the doc-test (test/doctest.test.ts): parsing of output claims (`// 42` after a
 * `console.log(…)` or an expression), the checks that examples call once rewritten, and the
 * runner that imports one source file's examples in a single Node process.
 *
 * This file is imported by the generated example modules in a child process, so it loads
 * nothing heavy (no `typescript`, no `vitest`).
 */
import { writeFileSync } from 'node:fs';
import { formatWithOptions, inspect } from 'node:util';

/** What a comment claims about a value: a token sequence, or a number to a shown precision. */
export type Claim =
  | { readonly kind: 'exact'; readonly tokens: readonly string[] }
  | { readonly kind: 'approx'; readonly value: number; readonly tolerance: number };

/** One checked `// value` comment. */
export interface ClaimResult {
  /** Line in the example's code (1-based). */
  readonly line: number;
  readonly claim: string;
  readonly ok: boolean;
  /** What was printed / evaluated, when the claim did not hold. */
  readonly actual?: string;
}

/** What happened to one example module in a run. */
export interface ExampleResult {
  readonly id: string;
  readonly ok: boolean;
  /** The exception (stack) that stopped it, if any. */
  readonly error?: string;
  /** What it wrote to stdout and stderr. */
  readonly output: string;
  readonly claims: readonly ClaimResult[];
}

const TYPED_ARRAY = /^(?:Int8|Uint8|Uint8Clamped|Int16|Uint16|Int32|Uint32|Float16|Float32|Float64|BigInt64|BigUint64)Array$/;
/** A remark after a claim starts with one of these: `// 1.75 (as numpy)`, `// 2 — a die roll`. */
const REMARK = /^(?:—|–|\(|←|\/\/)/;

function decodeString(body: string): string {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    if (e.startsWith('u{')) return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
    return simple[e] ?? e;
  });
}

function canonicalNumber(raw: string): string {
  if (raw.endsWith('n')) return raw.replace(/_/g, '');
  const n = Number(raw.replace(/_/g, ''));
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * Splits `util.inspect`-style text into canonical tokens: strings (any quotes) become their JSON
 * form, numbers their shortest form, bare object keys and SCREAMING_CASE words (strings that
 * `console.log` prints without quotes) JSON strings, and typed-array names (`Float64Array(2)`)
 * are dropped, so `Float64Array(2) [ 1, 0 ]` ≡ `[1, 0]` and `'a'` ≡ `"a"`.
 *
 * In `'claim'` mode tokenizing stops at a remark (see {@link REMARK}) after at least one complete
 * value, and a string with an ellipsis (`'2023-…'`) makes the text no claim. Returns null when
 * the text is not such a value sequence (it contains words, `…`, unbalanced brackets, …).
 */
export function tokenize(text: string, mode: 'claim' | 'actual'): string[] | null {
  const tokens: string[] = [];
  const end = String.raw`(?=$|[\s,\]}):])`;
  const number = new RegExp(String.raw`^-?(?:Infinity|NaN|(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?n?)` + end);
  const keyword = new RegExp(`^(?:true|false|null|undefined)${end}`);
  let depth = 0;
  let s = text;
  for (;;) {
    s = s.replace(/^\s+/, '');
    if (s.length === 0) break;
    if (mode === 'claim' && depth === 0 && tokens.length > 0 && REMARK.test(s)) break;
    let m: RegExpExecArray | null;
    if ((m = /^'((?:[^'\\\n]|\\.)*)'|^"((?:[^"\\\n]|\\.)*)"/.exec(s))) {
      const value = decodeString(m[0].slice(1, -1));
      if (mode === 'claim' && (value.includes('…') || value.includes('...'))) return null;
      tokens.push(JSON.stringify(value));
    } else if ((m = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z(?![\w$])/.exec(s))) {
      tokens.push(m[0]); // a Date as inspect prints it
    } else if ((m = number.exec(s))) {
      tokens.push(canonicalNumber(m[0]));
    } else if ((m = keyword.exec(s))) {
      tokens.push(m[0]);
    } else if ((m = /^(?:=>|[[\]{},:])/.exec(s))) {
      const t = m[0];
      if (t === '[' || t === '{') depth++;
      if (t === ']' || t === '}') depth--;
      if (depth < 0) return null;
      tokens.push(t);
    } else if ((m = /^([A-Za-z_$][\w$]*)(?=\s*:(?!:))/.exec(s))) {
      tokens.push(JSON.stringify(m[1])); // an object key
    } else if ((m = /^([A-Z][\w$]*)(?:\(\d+\))?(?=\s*[[{])/.exec(s))) {
      const name = m[1];
      if (!TYPED_ARRAY.test(name)) tokens.push(name); // `Map(1) {`, `ClassName {`
    } else if ((m = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w$])|^[A-Z]{2,}[A-Z0-9]*(?![\w$])/.exec(s))) {
      tokens.push(JSON.stringify(m[0])); // an unquoted string console.log printed: NOT_FITTED
    } else {
      return null;
    }
    s = s.slice(m[0].length);
  }
  return depth === 0 && tokens.length > 0 ? tokens : null;
}

/** A match's groups as they are at run time: an optional group that did not match is undefined. */
function optionalGroups(m: RegExpExecArray): (string | undefined)[] {
  return [...m];
}

/**
 * The claim an output comment makes, or null when it makes none that can be checked (prose,
 * `…`, a value with an ellipsis). `≈ 0.33` claims a number to the decimals shown.
 */
export function parseClaim(comment: string): Claim | null {
  const text = comment.trim();
  const approx = /^≈\s*(-?\d+(?:\.(\d+))?(?:[eE]([+-]?\d+))?)(?:\s+(.*))?$/s.exec(text);
  if (approx) {
    const [, num, fraction, exponent, remark] = optionalGroups(approx);
    if (remark !== undefined && !REMARK.test(remark)) return null;
    const decimals = (fraction?.length ?? 0) - Number(exponent ?? 0);
    return { kind: 'approx', value: Number(num), tolerance: 0.5 * 10 ** -decimals * (1 + 1e-9) };
  }
  const tokens = tokenize(text, 'claim');
  return tokens === null ? null : { kind: 'exact', tokens };
}

const FULL = { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity } as const;

function holds(claim: Claim, candidates: readonly string[], numeric: number | undefined): boolean {
  if (claim.kind === 'approx') return numeric !== undefined && Math.abs(numeric - claim.value) <= claim.tolerance;
  const want = claim.tokens.join(' ');
  return candidates.some((c) => tokenize(c, 'actual')?.join(' ') === want);
}

interface State {
  claims: ClaimResult[];
}

let state: State = { claims: [] };
let runner = false;

function record(line: number, claimText: string, candidates: readonly string[], numeric: number | undefined): void {
  const claim = parseClaim(claimText);
  if (claim === null) throw new Error(`doctest: line ${line}: ${JSON.stringify(claimText)} is not a checkable claim`);
  const ok = holds(claim, candidates, numeric);
  state.claims.push(ok ? { line, claim: claimText, ok } : { line, claim: claimText, ok, actual: candidates[0] ?? '' });
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/**
 * `console.log(...args)` whose output a comment claims: prints as console.log does, then checks
 * the claim against the printed text, or (one argument) the value as inspect shows it, or each
 * argument inspected.
 */
export function log(line: number, claim: string, ...args: unknown[]): void {
  console.log(...args);
  const candidates = [formatWithOptions({ breakLength: Infinity }, ...args), args.map((a) => inspect(a, FULL)).join(' ')];
  record(line, claim, candidates, args.length === 1 ? asNumber(args[0]) : undefined);
}

/** An expression whose value a comment claims (`f(x); // 3`); returns the value unchanged. */
export function value<T>(line: number, claim: string, v: T): T {
  record(line, claim, [inspect(v, FULL)], asNumber(v));
  return v;
}

/** Run standalone (`node --import tsx example.ts`): report failed claims at exit. */
process.on('exit', () => {
  if (runner) return;
  const failed = state.claims.filter((c) => !c.ok);
  for (const c of failed) console.error(`doctest: line ${c.line}: claimed ${c.claim}, got ${c.actual ?? ''}`);
  if (failed.length > 0) process.exitCode = 1;
});

/**
 * Imports each example module in turn (each a separate module, so their top-level names do not
 * clash), recording per example what it printed, the error that stopped it and its claims;
 * writes the results as JSON to `resultsPath` and exits 0 when every example passed.
 */
export async function runExamples(examples: readonly { readonly id: string; readonly url: string }[], resultsPath: string): Promise<never> {
  runner = true;
  const results: ExampleResult[] = [];
  let lateError: unknown = undefined;
  const onError = (e: unknown): void => {
    lateError ??= e;
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  for (const ex of examples) {
    state = { claims: [] };
    lateError = undefined;
    let output = '';
    const capture = (chunk: string | Uint8Array): boolean => {
      output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    };
    process.stdout.write = capture;
    process.stderr.write = capture;
    let error: unknown = undefined;
    try {
      await import(ex.url);
      await new Promise((resolve) => setImmediate(resolve)); // let stray rejections surface
    } catch (e) {
      error = e;
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    error ??= lateError;
    const claims = state.claims;
    const ok = error === undefined && claims.every((c) => c.ok);
    const base = { id: ex.id, ok, output, claims };
    results.push(error === undefined ? base : { ...base, error: error instanceof Error ? (error.stack ?? String(error)) : inspect(error) });
  }
  writeFileSync(resultsPath, JSON.stringify(results));
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}
