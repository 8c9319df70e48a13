/**
 * Text tables and number formats for the terminal output of `clmkit` (the examples' table
 * printer, `examples/lib/table.ts`, grown for a command line: a width limit, columns that give
 * way by truncating with `…`, and formats that never print `NaN`).
 *
 * @internal
 * @module
 */

/** A column of {@link formatTable}: its header, alignment, and whether it may be truncated to fit. @internal */
export interface TableColumn {
  readonly header: string;
  /** @defaultValue 'left' */
  readonly align?: 'left' | 'right';
  /** Cells (and the header) of this column are cut with `…` when the table is wider than allowed. */
  readonly shrink?: boolean;
  /** The narrowest a shrinking column gets. @defaultValue 6 */
  readonly minWidth?: number;
  /**
   * Left out when the table is still too wide after shrinking; the highest number goes first.
   * @defaultValue never left out
   */
  readonly drop?: number;
}

/** Options of {@link formatTable}. @internal */
export interface TableOptions {
  /** Widest line, indent included. @defaultValue 100 */
  readonly width?: number;
  /** Spaces before each line. @defaultValue 2 */
  readonly indent?: number;
  /** Spaces between columns. @defaultValue 2 */
  readonly gap?: number;
}

/** `text` cut to `width` characters, ending in `…` when cut. @internal */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 0) return '';
  return `${text.slice(0, width - 1)}…`;
}

/**
 * Lays out pre-formatted cells as an aligned table (header, a rule, rows), every line at most
 * `width` characters: shrinking columns give way first (down to their `minWidth`), then columns
 * marked `drop` are left out (highest first), then lines are cut with `…`. Returns the lines.
 * @internal
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[], options?: TableOptions): string[] {
  const width = options?.width ?? 100;
  const indent = ' '.repeat(options?.indent ?? 2);
  const gap = ' '.repeat(options?.gap ?? 2);
  let shown = columns.map((_, j) => j);
  let w: number[];
  for (;;) {
    w = layout(shown.map((j) => columns[j]), shown.map((j) => Math.max(columns[j].header.length, ...rows.map((r) => (r[j] ?? '').length))), width - indent.length, gap.length);
    const used = w.reduce((a, b) => a + b, 0) + gap.length * Math.max(0, shown.length - 1);
    if (used <= width - indent.length) break;
    let victim = -1;
    for (const j of shown) if (columns[j].drop !== undefined && (victim < 0 || columns[j].drop > columns[victim].drop!)) victim = j;
    if (victim < 0) break;
    shown = shown.filter((j) => j !== victim);
  }
  const line = (cells: readonly string[]): string => {
    const parts = shown.map((j, k) => {
      const text = truncate(cells[j] ?? '', w[k]);
      return columns[j].align === 'right' ? text.padStart(w[k]) : text.padEnd(w[k]);
    });
    return truncate(`${indent}${parts.join(gap)}`.trimEnd(), width);
  };
  return [line(columns.map((c) => c.header)), line(columns.map((_, j) => '─'.repeat(w[shown.indexOf(j)] ?? 0))), ...rows.map(line)];
}

/** Column widths after shrinking the shrinkable ones, widest first, until the row fits `room` (or they are at their minimum). */
function layout(columns: readonly TableColumn[], natural: readonly number[], room: number, gap: number): number[] {
  const w = [...natural];
  const total = (): number => w.reduce((a, b) => a + b, 0) + gap * Math.max(0, w.length - 1);
  for (let excess = total() - room; excess > 0; excess--) {
    let pick = -1;
    for (let j = 0; j < w.length; j++) {
      const c = columns[j];
      if (c.shrink === true && w[j] > (c.minWidth ?? 6) && (pick < 0 || w[j] > w[pick])) pick = j;
    }
    if (pick < 0) break;
    w[pick]--;
  }
  return w;
}

/** An integer with thousands separators (`12,345`); `—` when not finite. @internal */
export function formatInt(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—';
}

/** A number with `decimals` decimals and thousands separators (`1,234.50`); `—` when not finite. @internal */
export function formatFixed(x: number, decimals: number): string {
  return Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }) : '—';
}

/** A number to 4 significant digits (`0.2426`, `4.414`, `1,235`); `—` when not finite. @internal */
export function formatSig(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 10 ** digits) return formatInt(x);
  if (x !== 0 && Math.abs(x) < 1e-4) return x.toExponential(digits - 1);
  const s = x.toPrecision(digits);
  return Math.abs(x) >= 1000 ? Number(s).toLocaleString('en-US', { maximumFractionDigits: digits }) : s;
}

/** A share as a percentage with one decimal (`12.3%`); `—` when not finite. @internal */
export function formatPercent(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—';
}

/** Milliseconds for people: `8 ms`, `412 ms`, `1.23 s`. @internal */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Bytes for people, in decimal megabytes: `342 MB`. @internal */
export function formatMegabytes(bytes: number): string {
  return Number.isFinite(bytes) ? `${formatInt(bytes / 1e6)} MB` : '—';
}
