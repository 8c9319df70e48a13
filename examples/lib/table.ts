/**
 * A small text-table printer for the examples: numbers and percentages right-aligned with the
 * same decimals down a column, text left-aligned.
 */
export type Cell = string | number;

const NUMERIC_TEXT = /^-?[\d.,]+%?$/;

export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cols = header.length;
  const decimals = header.map((_, j) => (rows.some((r) => typeof r[j] === 'number' && !Number.isInteger(r[j])) ? 2 : 0));
  const text = rows.map((r) => r.map((c, j) => (typeof c === 'number' ? formatNumber(c, decimals[j]) : c)));
  const right = header.map((_, j) => rows.length > 0 && text.every((r) => (r[j] ?? '') === '' || NUMERIC_TEXT.test(r[j])));
  const width = header.map((h, j) => Math.max(h.length, ...text.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    Array.from({ length: cols }, (_, j) => (right[j] ? (cells[j] ?? '').padStart(width[j]) : (cells[j] ?? '').padEnd(width[j])))
      .join('  ')
      .trimEnd();
  return [line(header), line(width.map((w) => '─'.repeat(w))), ...text.map(line)].map((l) => `  ${l}`).join('\n');
}

export function formatNumber(x: number, decimals = Number.isInteger(x) ? 0 : 2): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function heading(title: string): string {
  return `\n${title}\n${'═'.repeat(title.length)}`;
}
