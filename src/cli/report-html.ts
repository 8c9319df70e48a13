/**
 * Small HTML building blocks for the report (`report.ts`): escaping, number formatting, tables,
 * summary cards, chart figures and the inline stylesheet. Strings only, no DOM.
 *
 * @internal
 * @module
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values (`& < > " '`).
 * Every string that comes from the data (ids, column and file names, labels) goes through it.
 * @internal
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A fragment of markup that is already safe to insert (built by the helpers here). @internal */
export interface Html {
  readonly html: string;
}

/** Marks trusted markup (our own literals, vega's SVG) so that {@link cell} does not escape it. @internal */
export function raw(html: string): Html {
  return { html };
}

/** A table cell value: text (escaped), a number (formatted by the column) or trusted markup. @internal */
export type Cell = string | number | null | Html;

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Formats a number with `digits` decimals and thousands separators; `–` for null, NaN or ±∞. @internal */
export function formatNumber(value: number | null, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return '–';
  if (digits === 0) return INTEGER.format(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Formats a share in [0, 1] as a percentage with one decimal. @internal */
export function formatPercent(value: number | null, digits = 1): string {
  if (value === null || !Number.isFinite(value)) return '–';
  return `${formatNumber(value * 100, digits)} %`;
}

/** Formats a money amount: no decimals from 1,000 up, two below. @internal */
export function formatAmount(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  return formatNumber(value, Math.abs(value) >= 1000 ? 0 : 2);
}

/** Formats a parameter estimate with 4 significant digits (scientific outside 1e-3…1e6). @internal */
export function formatParam(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return value.toExponential(3);
  return Number(value.toPrecision(4)).toString();
}

/** Formats milliseconds for the timings table. @internal */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${formatNumber(ms / 1000, 2)} s` : `${formatNumber(ms, ms < 10 ? 1 : 0)} ms`;
}

/** Formats a byte count (kB / MB / GB, powers of 1024). @internal */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${formatNumber(v, v < 10 ? 1 : 0)} ${units[u]}`;
}

/** One column of {@link table}: header text, alignment, and how numbers are formatted. @internal */
export interface Column {
  readonly header: string;
  /** Numbers are right-aligned. @defaultValue 'left' */
  readonly align?: 'left' | 'right';
  /** Formats a number cell. @defaultValue two decimals */
  readonly format?: (value: number) => string;
}

function renderCell(value: Cell, column: Column): string {
  if (value === null) return '–';
  if (typeof value === 'number') return escapeHtml(column.format ? column.format(value) : formatNumber(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.html;
}

/**
 * A table inside a horizontally scrolling wrapper (narrow screens scroll the table, not the page).
 * Headers and string cells are escaped; `caption` is escaped too.
 * @internal
 */
export function table(columns: readonly Column[], rows: readonly (readonly Cell[])[], options: { caption?: string; name?: string } = {}): string {
  const head = columns.map((c) => `<th scope="col"${c.align === 'right' ? ' class="num"' : ''}>${escapeHtml(c.header)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = columns.map((c, j) => {
        const tag = j === 0 ? 'th scope="row"' : 'td';
        const close = j === 0 ? 'th' : 'td';
        return `<${tag}${c.align === 'right' ? ' class="num"' : ''}>${renderCell(row[j] ?? null, c)}</${close}>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const caption = options.caption === undefined ? '' : `<caption>${escapeHtml(options.caption)}</caption>`;
  const name = options.name === undefined ? '' : ` data-table="${escapeHtml(options.name)}"`;
  return `<div class="table-wrap"><table${name}>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A definition list of label → value pairs (values escaped unless {@link Html}). @internal */
export function facts(pairs: readonly (readonly [string, Cell])[]): string {
  const items = pairs.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${renderCell(v, { header: k })}</dd></div>`).join('');
  return `<dl class="facts">${items}</dl>`;
}

/** A summary card: a label, the formatted value, the raw value in `data-value`, and a note. @internal */
export interface Card {
  readonly name: string;
  readonly label: string;
  readonly value: number | null;
  readonly text: string;
  readonly note?: string;
}

/** The row of summary cards at the top of the report. @internal */
export function cards(list: readonly Card[]): string {
  const items = list.map((c) => {
    const value = c.value === null ? '' : ` data-value="${String(c.value)}"`;
    const note = c.note === undefined ? '' : `<p class="card-note">${escapeHtml(c.note)}</p>`;
    return `<div class="card" data-card="${escapeHtml(c.name)}"${value}><p class="card-label">${escapeHtml(c.label)}</p><p class="card-value">${escapeHtml(c.text)}</p>${note}</div>`;
  });
  return `<div class="cards">${items.join('\n')}</div>`;
}

/** A rendered chart: `<figure class="chart" data-chart=name>` with the inline SVG and a one-sentence caption. @internal */
export function figure(name: string, svg: string, caption: string): string {
  return `<figure class="chart" data-chart="${escapeHtml(name)}">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** A note shown in place of a chart that could not be drawn (e.g. too little data). @internal */
export function missingChart(name: string, reason: string): string {
  return `<p class="note" data-chart-missing="${escapeHtml(name)}">${escapeHtml(reason)}</p>`;
}

/**
 * The report's stylesheet: a system font stack, a fluid grid for cards and charts, tables that
 * scroll inside their wrapper on narrow screens, SVGs that shrink to their column, and a print
 * style without backgrounds that keeps figures and tables whole.
 * @internal
 */
export const STYLE = `
:root { color-scheme: light; --fg: #1d2433; --muted: #5b6478; --line: #d8dde6; --accent: #2f6fb0; --card: #f3f6fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: .75rem; margin-bottom: 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 2.25rem 0 .5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
p { margin: .4rem 0; }
.subtitle, .note, figcaption, caption, .card-note { color: var(--muted); }
.subtitle { margin: 0; overflow-wrap: anywhere; }
.note { font-size: .9rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
nav.toc { font-size: .9rem; margin: .5rem 0 0; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: .9rem; white-space: nowrap; display: inline-block; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 10.5rem), 1fr)); gap: .75rem; margin: 1rem 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem; min-width: 0; }
.card-label { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0; }
.card-value { font-size: 1.5rem; font-weight: 650; margin: .15rem 0 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.card-note { font-size: .8rem; margin: .1rem 0 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); gap: 1rem 1.5rem; align-items: start; }
.grid > * { min-width: 0; }
.pair { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.pair > * { flex: 1 1 auto; min-width: 0; max-width: 100%; }
.pair > figure.chart { flex: 1 1 22rem; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; margin: .5rem 0 1rem; }
table { border-collapse: collapse; min-width: min(100%, 18rem); font-size: .9rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-size: .85rem; padding: 0 0 .3rem; }
th, td { padding: .3rem .65rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; white-space: nowrap; }
thead th { border-bottom: 2px solid var(--fg); font-weight: 600; }
tbody th { font-weight: 500; }
.num { text-align: right; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 9.5rem), 1fr)); gap: .25rem 1rem; margin: .5rem 0 1rem; }
dl.facts div { min-width: 0; }
dt { font-size: .8rem; color: var(--muted); }
dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
figure.chart { margin: .5rem 0 1rem; min-width: 0; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: .85rem; margin-top: .35rem; }
.notes { border-left: 4px solid #d9a400; background: #fff8e1; padding: .5rem .9rem; margin: 1rem 0; border-radius: 0 6px 6px 0; }
.notes-title { font-weight: 600; margin: 0; }
.notes ul { margin: .25rem 0 0; padding-left: 1.2rem; }
.ok { color: #1b7a3a; }
.warn { color: #a15c00; }
footer { margin-top: 3rem; font-size: .85rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: .75rem; overflow-wrap: anywhere; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  main { padding: 1rem .75rem 2rem; }
  h1 { font-size: 1.3rem; }
  .card-value { font-size: 1.25rem; }
}
@media print {
  @page { margin: 14mm 12mm; }
  body { background: none; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  .card, .notes { background: none; border-color: #999; }
  .table-wrap { overflow: visible; }
  figure.chart, .card, table, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
