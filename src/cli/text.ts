/**
 * The terminal report of `clmkit analyze`: what a person reads after the command — the data
 * analysed, the cleaning report, the model fits, holdout validation, top customers, RFM segments,
 * lifecycle stages with their transition matrix, notes and timings. Tables are aligned (numbers
 * right-aligned, with thousands separators) and no line is wider than `width`; ANSI colour (bold
 * headings, dim notes, yellow warnings) only when asked for.
 *
 * @internal
 * @module
 */
import {
  formatDuration,
  formatFixed,
  formatInt,
  formatMegabytes,
  formatPercent,
  formatSig,
  formatTable,
  truncate,
  type TableColumn,
} from './table.js';
import type { AnalysisResult } from './types.js';

/** Options of {@link renderText}. @internal */
export interface RenderTextOptions {
  /** ANSI colours and bold. @defaultValue false */
  readonly color?: boolean;
  /** Widest line in characters. @defaultValue 100 */
  readonly width?: number;
}

const UNIT_PLURAL = { day: 'days', week: 'weeks', month: 'months' } as const;

const STAGE_LABEL: Readonly<Record<string, string>> = {
  prospect: 'prospect',
  new: 'new',
  active: 'active',
  loyal: 'loyal',
  atRisk: 'at risk',
  churned: 'churned',
  reactivated: 'reactivated',
};

/**
 * The analysis as text for a terminal, ending with a newline. Every line is at most `width`
 * characters (long ids and names are cut with `…`); without `color` the text has no escape codes.
 * @internal
 */
export function renderText(result: AnalysisResult, options?: RenderTextOptions): string {
  const width = Math.max(40, Math.floor(options?.width ?? 100));
  const color = options?.color === true;
  const style = (code: string, text: string): string => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const bold = (t: string): string => style('1', t);
  const dim = (t: string): string => style('2', t);
  const yellow = (t: string): string => style('33', t);
  const fit = (t: string): string => truncate(t, width);
  const table = (columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string[] => formatTable(columns, rows, { width });
  /** A paragraph wrapped at `width`, each line indented. */
  const wrap = (text: string, indent = '  ', next = indent): string[] => {
    const out: string[] = [];
    let line = indent;
    for (const word of text.split(/\s+/)) {
      if (word === '') continue;
      if (line.trim() !== '' && line.length + 1 + word.length > width) {
        out.push(fit(line));
        line = next;
      }
      line += line.trim() === '' ? word : ` ${word}`;
    }
    if (line.trim() !== '') out.push(fit(line));
    return out;
  };
  const lines: string[] = [];
  const heading = (title: string): void => {
    lines.push('', ...wrap(title, '', '  ').map(bold));
  };
  const o = result.overview;
  const unitWord = UNIT_PLURAL[result.settings.unit];

  // Header.
  lines.push(bold(fit(`clmkit analyze — ${result.source.name}`)));
  lines.push(
    ...wrap(
      `${o.firstDate} to ${o.lastDate}${o.observationEnd !== o.lastDate ? ` (observed to ${o.observationEnd})` : ''} · ` +
        `${plural(o.customers, 'customer')} · ${plural(o.transactions, 'transaction')} · ${plural(result.cleaning.rowsRead, 'row')} read`,
    ),
  );
  const c = result.source.columns;
  lines.push(...wrap(`columns: customer = ${c.customer}, date = ${c.date}, amount = ${c.amount ?? '(none)'}`).map(dim));
  const headline = [
    `${formatInt(o.repeatCustomers)} repeat customers (${formatPercent(o.customers > 0 ? o.repeatCustomers / o.customers : NaN)})`,
    ...(o.revenue === null ? [] : [`revenue ${formatFixed(o.revenue, 2)}`]),
    `mean P(alive) ${formatFixed(o.meanProbabilityAlive, 3)}`,
    `expected purchases in the next ${short(result.settings.horizon)} months ${formatFixed(o.expectedPurchases, 0)}`,
    ...(o.totalClv === null ? [] : [`total CLV ${formatFixed(o.totalClv, 2)}`]),
  ];
  lines.push(...wrap(headline.join(' · ')));

  // Cleaning.
  heading('Cleaning');
  const cl = result.cleaning;
  const removedTotal = cl.rowsRead - cl.kept;
  lines.push(...wrap(`${formatInt(cl.rowsRead)} rows read, ${formatInt(cl.kept)} kept, ${formatInt(removedTotal)} removed`));
  const removedRows = cl.removed.filter((r) => r.count > 0);
  if (removedRows.length > 0) {
    lines.push(
      ...table(
        [{ header: 'removed because', shrink: true, minWidth: 12 }, { header: 'rows', align: 'right' }, { header: 'first lines', shrink: true, minWidth: 10 }],
        removedRows.map((r) => [r.description, formatInt(r.count), r.lines.join(', ') + (r.count > r.lines.length ? ', …' : '')]),
      ),
    );
  }

  // Model fit.
  const bg = result.bgnbd;
  heading(`Purchase model: BG/NBD (time in ${unitWord})`);
  const p = bg.params;
  lines.push(fit(`  r ${formatSig(p.r)}   α ${formatSig(p.alpha)}   a ${formatSig(p.a)}   b ${formatSig(p.b)}`));
  lines.push(fit(`  log-likelihood ${formatFixed(bg.logLikelihood, 2)} · ${convergence(bg.converged, bg.iterations)}`));
  if (!bg.converged) lines.push(yellow(fit('  warning: the fit did not converge; treat its predictions with care')));
  const gg = result.gammaGamma;
  if (gg !== null) {
    heading(`Spend model: Gamma-Gamma (${formatInt(gg.customers)} repeat buyers)`);
    lines.push(fit(`  p ${formatSig(gg.params.p)}   q ${formatSig(gg.params.q)}   v ${formatSig(gg.params.v)}`));
    lines.push(fit(`  log-likelihood ${formatFixed(gg.logLikelihood, 2)} · ${convergence(gg.converged, gg.iterations)}`));
    if (!gg.converged) lines.push(...wrap('warning: the fit did not converge; treat CLV with care').map(yellow));
    for (const w of gg.warnings) lines.push(...wrap(`warning: ${w}`).map(yellow));
  }

  // Holdout.
  const h = result.holdout;
  if (h !== null) {
    heading(`Holdout validation: calibration to ${h.calibrationEnd}, holdout to ${h.holdoutEnd} (${formatFixed(h.duration, 1)} ${unitWord})`);
    lines.push(...wrap('repeat purchases per customer in the holdout period, by repeat purchases in the calibration period'));
    lines.push(
      ...table(
        [
          { header: 'calibration purchases' },
          { header: 'customers', align: 'right' },
          { header: 'actual', align: 'right' },
          { header: 'predicted', align: 'right' },
        ],
        [
          ...h.buckets.map((b) => [b.frequency, formatInt(b.customers), formatFixed(b.actual, 3), formatFixed(b.predicted, 3)]),
          ['total', formatInt(h.customers), formatFixed(h.totalActual, 0), formatFixed(h.totalPredicted, 1)],
        ],
      ),
    );
    lines.push(...wrap(`mean absolute error ${formatFixed(h.mae, 3)} purchases per customer · AUC of P(buys again) ${formatFixed(h.auc, 3)}`));
    if (h.calibrationFit !== undefined) {
      const q = h.calibrationFit.params;
      lines.push(...wrap(`calibration fit: r ${formatSig(q.r)}, α ${formatSig(q.alpha)}, a ${formatSig(q.a)}, b ${formatSig(q.b)}`).map(dim));
    }
  }

  // Top customers.
  const s = result.settings;
  const byClv = result.topCustomers.some((t) => t.clv !== null) || (o.totalClv !== null && result.topCustomers.length === 0);
  heading(
    byClv
      ? `Top ${formatInt(result.topCustomers.length)} customers by CLV (next ${short(s.horizon)} months, discounted ${short(100 * s.discountRate)}% a month${s.margin === 1 ? '' : `, margin ${short(100 * s.margin)}%`})`
      : `Top ${formatInt(result.topCustomers.length)} customers by expected purchases (next ${short(s.horizon)} months)`,
  );
  if (result.topCustomers.length > 0) {
    const columns: TableColumn[] = [
      { header: 'customer', shrink: true, minWidth: 8 },
      { header: 'repeat', align: 'right' },
      { header: 'recency', align: 'right', drop: 3 },
      { header: 'T', align: 'right', drop: 4 },
      ...(byClv ? [{ header: 'mean spend', align: 'right' as const, drop: 2 }] : []),
      { header: 'P(alive)', align: 'right', drop: 1 },
      { header: 'expected', align: 'right' },
      ...(byClv ? [{ header: 'CLV', align: 'right' as const }] : []),
    ];
    lines.push(
      ...table(
        columns,
        result.topCustomers.map((t) => [
          t.customerId,
          formatInt(t.frequency),
          formatFixed(t.recency, 1),
          formatFixed(t.T, 1),
          ...(byClv ? [formatFixed(t.monetaryValue, 2)] : []),
          formatFixed(t.probabilityAlive, 3),
          formatFixed(t.expectedPurchases, 2),
          ...(byClv ? [t.clv === null ? '—' : formatFixed(t.clv, 2)] : []),
        ]),
      ),
    );
    lines.push(...wrap(`repeat = repeat purchases; recency and T in ${unitWord}; expected = purchases in the horizon`).map(dim));
  }

  // RFM.
  heading('RFM segments');
  const withSpend = result.rfm.segments.some((r) => r.revenueShare !== null);
  lines.push(
    ...table(
      [
        { header: 'segment', shrink: true, minWidth: 18 },
        { header: 'customers', align: 'right' },
        { header: 'share', align: 'right' },
        { header: 'days since last', align: 'right', drop: 1 },
        { header: 'purchases', align: 'right', drop: 2 },
        ...(withSpend ? [{ header: 'mean spend', align: 'right' as const, drop: 3 }, { header: 'revenue', align: 'right' as const }] : []),
      ],
      result.rfm.segments.map((r) => [
        r.segment,
        formatInt(r.customers),
        formatPercent(r.share),
        formatFixed(r.recencyDays, 0),
        formatFixed(r.frequency, 2),
        ...(withSpend ? [formatFixed(r.monetary, 2), r.revenueShare === null ? '—' : formatPercent(r.revenueShare)] : []),
      ]),
    ),
  );
  if (withSpend) lines.push(...wrap('means per customer; mean spend per purchase; revenue = share of all revenue').map(dim));

  // Lifecycle.
  const lc = result.lifecycle;
  heading(`Lifecycle stages at ${lc.asOf} (window ${lc.window} days${lc.windowSource === 'auto' ? ', from the data; set --window' : ''})`);
  const population = lc.counts.reduce((a, b) => a + b, 0);
  const label = (st: string): string => STAGE_LABEL[st] ?? st;
  lines.push(
    ...table(
      [{ header: 'stage', shrink: true }, { header: 'customers', align: 'right' }, { header: 'share', align: 'right' }],
      lc.stages.map((st, k) => [label(st), formatInt(lc.counts[k]), formatPercent(population > 0 ? lc.counts[k] / population : NaN)]),
    ),
  );
  lines.push(
    ...wrap(
      `recent = bought within the last ${lc.window} days (the mean time between a customer's purchases in this log, unless set with --window); at risk = recent but P(alive) low or spend and purchases below the mean. Stages come from each customer's purchase summary, which keeps no gaps between purchases: customers who came back after a lapse count as active, loyal or at risk here, and as reactivated in the transitions, which replay the purchase history`,
    ).map(dim),
  );
  const tr = lc.transitions;
  if (tr.periods > 0 && tr.probabilities.length === lc.stages.length) {
    lines.push('', ...wrap(`month-to-month transitions (row: stage at a month end, column: at the next; ${formatInt(tr.periods)} month pairs)`));
    // Columns as narrow as the names allow: cut to fit the width.
    const K = lc.stages.length;
    const rowLabel = Math.max(...lc.stages.map((st) => label(st).length), 'from \\ to'.length);
    const colWidth = Math.max(5, Math.min(11, Math.floor((width - 2 - rowLabel - 2 * K) / K)));
    lines.push(
      ...table(
        [{ header: 'from \\ to', shrink: true }, ...lc.stages.map((st) => ({ header: truncate(label(st), colWidth), align: 'right' as const }))],
        lc.stages.map((st, i) => {
          const seen = (tr.counts[i] ?? []).reduce((a, b) => a + b, 0) > 0;
          return [label(st), ...lc.stages.map((_, j) => (seen ? formatFixed(tr.probabilities[i]?.[j] ?? NaN, 2) : '·'))];
        }),
      ),
    );
    lines.push(...wrap('· = no customer was in that stage at a month end').map(dim));
  }

  // Notes.
  const notes = result.notes ?? [];
  if (notes.length > 0) {
    heading('Notes');
    for (const n of notes) lines.push(...wrap(`- ${n}`, '  ', '    ').map(dim));
  }

  // Timings.
  heading('Timings');
  const t = result.timings;
  const parts = t.steps.map((st) => `${st.step} ${formatDuration(st.ms)}`);
  lines.push(...wrap(`${parts.join(' · ')} · total ${formatDuration(t.totalMs)} · peak memory ${formatMegabytes(t.peakRssBytes)}`).map(dim));
  return `${lines.join('\n')}\n`;
}

/** `1 customer`, `2,998 customers`. */
function plural(n: number, noun: string): string {
  return `${formatInt(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A setting as typed: `12`, `1`, `0.5` (at most 4 significant digits). */
function short(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : '—';
}

function convergence(converged: boolean, iterations: number): string {
  return converged ? `converged in ${formatInt(iterations)} iterations` : `NOT converged (${formatInt(iterations)} iterations)`;
}
