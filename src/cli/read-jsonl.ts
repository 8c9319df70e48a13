/**
 * The JSON Lines part of the `clmkit analyze` reader (`read.ts`): one JSON object per line,
 * blank lines skipped, columns detected from the first object's keys.
 *
 * @internal
 * @module
 */
import { MAX_EPOCH_MS } from '../data/time.js';
import { CliError, EXIT } from './errors.js';
import { amountProblem, ColumnsBuilder, dateProblem, parseAmountText, parseDateText, TextInterner, type DateFormat } from './read-cells.js';
import type { ColumnChoice } from './types.js';

/** Longest line accepted (16 MiB of text): a longer one is not JSON Lines. @internal */
export const MAX_JSON_LINE = 16 * 1024 * 1024;

/** What the JSONL reader reports back. @internal */
export interface JsonlResult {
  readonly out: ColumnsBuilder;
  /** The id of each customer code. */
  readonly strings: readonly string[];
  readonly columns: ColumnChoice;
}

/** Hooks of {@link readJsonl}: column choice from the first object's keys, progress per chunk. @internal */
export interface JsonlHooks {
  readonly choose: (keys: readonly string[]) => ColumnChoice;
  readonly dateFormat: DateFormat;
  readonly progress: (rows: number) => void;
  readonly name: string;
}

/** Reads JSON Lines from byte chunks (BOM already removed). @internal */
export async function readJsonl(chunks: AsyncIterable<Uint8Array>, hooks: JsonlHooks): Promise<JsonlResult> {
  const decoder = new TextDecoder('utf-8');
  const ids = new TextInterner();
  const state: { out: ColumnsBuilder | null; columns: ColumnChoice | null } = { out: null, columns: null };
  let lineNo = 0;
  let rest = '';
  const fmt = hooks.dateFormat;

  const handle = (raw: string): void => {
    lineNo++;
    const text = raw.trim();
    if (text === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new CliError(
        `line ${lineNo} is not valid JSON (${(e as Error).message})`,
        EXIT.badInput,
        text.startsWith('[') && lineNo === 1 ? 'a JSON array? clmkit reads JSON Lines: one object per line' : 'JSON Lines needs one JSON object per line',
      );
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new CliError(`line ${lineNo} is not a JSON object`, EXIT.badInput, 'JSON Lines needs one JSON object per line, like {"customer_id": "C1", "date": "2024-03-01", "amount": 12.5}');
    }
    const rec = obj as Record<string, unknown>;
    if (state.columns === null || state.out === null) {
      state.columns = hooks.choose(Object.keys(rec));
      state.out = new ColumnsBuilder(state.columns.amount !== null);
    }
    const out = state.out;
    const columns = state.columns;
    const row = out.rows;
    if (row === out.capacity) out.grow();

    const idValue = Object.hasOwn(rec, columns.customer) ? rec[columns.customer] : undefined;
    let id = '';
    if (typeof idValue === 'string') id = idValue;
    else if (typeof idValue === 'number' && Number.isFinite(idValue)) id = String(idValue);
    if (id === '') {
      const shown = idValue === undefined || idValue === null || idValue === '' ? '' : JSON.stringify(idValue);
      out.bad(lineNo, columns.customer, shown, shown === '' ? 'empty customer id' : 'not a customer id (expected a string or a number)');
    }
    out.customerCode[row] = ids.code(id);

    const dateValue = Object.hasOwn(rec, columns.date) ? rec[columns.date] : undefined;
    let t = NaN;
    if (typeof dateValue === 'string') {
      t = parseDateText(dateValue, fmt);
      if (t !== t) out.bad(lineNo, columns.date, dateValue, dateProblem(dateValue, fmt));
    } else if (typeof dateValue === 'number') {
      t = Number.isFinite(dateValue) && Math.abs(dateValue) <= MAX_EPOCH_MS ? dateValue : NaN;
      if (t !== t) out.bad(lineNo, columns.date, String(dateValue), 'not a date (a number must be epoch milliseconds)');
    } else {
      const shown = dateValue === undefined || dateValue === null ? '' : JSON.stringify(dateValue);
      out.bad(lineNo, columns.date, shown, shown === '' ? 'empty date' : dateProblem(shown, fmt));
    }
    out.timestamp[row] = t;

    if (out.amount !== null && columns.amount !== null) {
      const v0 = Object.hasOwn(rec, columns.amount) ? rec[columns.amount] : undefined;
      let v = NaN;
      if (typeof v0 === 'number') {
        v = Number.isFinite(v0) ? v0 : NaN;
        if (v !== v) out.bad(lineNo, columns.amount, String(v0), amountProblem(String(v0)));
      } else if (typeof v0 === 'string') {
        v = parseAmountText(v0);
        if (v !== v) out.bad(lineNo, columns.amount, v0, amountProblem(v0));
      } else {
        const shown = v0 === undefined || v0 === null ? '' : JSON.stringify(v0);
        out.bad(lineNo, columns.amount, shown, amountProblem(shown));
      }
      out.amount[row] = v;
    }
    out.line[row] = lineNo;
    out.rows = row + 1;
  };

  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      handle(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
    if (rest.length > MAX_JSON_LINE) {
      throw new CliError(`line ${lineNo + 1} is longer than 16 MB`, EXIT.badInput, 'JSON Lines needs one JSON object per line');
    }
    hooks.progress(state.out?.rows ?? 0);
  }
  rest += decoder.decode();
  if (rest.length > 0) handle(rest);
  if (state.out === null || state.columns === null) throw new CliError(`${hooks.name} has no data rows`, EXIT.badInput);
  return { out: state.out, columns: state.columns, strings: ids.strings };
}
