import { describe, expect, it } from 'vitest';
import { analyze, DEFAULT_SETTINGS } from '../../src/cli/analyze.js';
import { formatFixed, formatInt } from '../../src/cli/table.js';
import { renderText } from '../../src/cli/text.js';
import { sampleTable } from '../../src/cli/read.js';
import type { AnalysisResult } from '../../src/cli/types.js';

const table = sampleTable(); // the bundled simulated log, as the reader gives it
const result = analyze(table, { ...DEFAULT_SETTINGS, holdout: '2024-06-30' });
const plain = renderText(result);
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/;

describe('renderText', () => {
  it('has every section heading, in order', () => {
    const headings = [
      'clmkit analyze — bundled sample',
      'Cleaning',
      'Purchase model: BG/NBD (time in weeks)',
      'Spend model: Gamma-Gamma',
      'Holdout validation: calibration to 2024-06-30',
      'Top 10 customers by CLV (next 12 months, discounted 1% a month)',
      'RFM segments',
      `Lifecycle stages at ${result.overview.observationEnd}`,
      'month-to-month transitions',
      'Timings',
    ];
    let at = -1;
    for (const h of headings) {
      const k = plain.indexOf(h);
      expect(k, h).toBeGreaterThan(at);
      at = k;
    }
  });

  it('prints the numbers of the result, formatted: thousands separators, 4 significant digits, 2-dp probabilities', () => {
    expect(plain).toContain(`${formatInt(result.cleaning.rowsRead)} rows read, ${formatInt(result.cleaning.kept)} kept`);
    expect(plain).toContain('8,827 rows read');
    const p = result.bgnbd.params;
    expect(plain).toContain(`r ${p.r.toPrecision(4)}   α ${p.alpha.toPrecision(4)}   a ${p.a.toPrecision(4)}   b ${p.b.toPrecision(4)}`);
    expect(plain).toContain(`log-likelihood ${formatFixed(result.bgnbd.logLikelihood, 2)}`);
    expect(plain).toMatch(/log-likelihood -\d{2},\d{3}\.\d{2}/);
    expect(plain).toContain(`converged in ${result.bgnbd.iterations} iterations`);
    const top = result.topCustomers[0];
    expect(plain).toContain(top.customerId);
    expect(plain).toContain(formatFixed(top.clv!, 2));
    for (const r of result.rfm.segments) expect(plain).toContain(r.segment);
    const churned = result.lifecycle.stages.indexOf('churned');
    expect(plain).toMatch(new RegExp(`churned\\s+${formatInt(result.lifecycle.counts[churned])}\\s`));
    // The matrix row of 'churned': seven probabilities with 2 decimals.
    const row = plain.split('\n').filter((l) => /^\s+churned(\s+\d\.\d\d){7}$/.test(l));
    expect(row).toHaveLength(1);
    expect(plain).toContain(`total                      ${formatInt(result.holdout!.customers)}`);
    expect(plain).not.toMatch(/NaN|undefined|null|\[object/);
  });

  it('lists every removal reason with a count above zero and its first lines', () => {
    for (const r of result.cleaning.removed.filter((x) => x.count > 0)) {
      const line = plain.split('\n').find((l) => l.includes(r.description.slice(0, 20)));
      expect(line, r.reason).toBeDefined();
      expect(line).toContain(String(r.lines[0]));
    }
    expect(plain).not.toContain('missing while other rows');
  });

  it('no escape codes without colour; bold headings, dim notes and yellow warnings with it', () => {
    expect(plain).not.toMatch(ANSI);
    const bad: AnalysisResult = { ...result, bgnbd: { ...result.bgnbd, converged: false }, notes: ['a note'] };
    const coloured = renderText(bad, { color: true });
    expect(coloured).toContain('\x1b[1mCleaning\x1b[0m');
    expect(coloured).toContain('\x1b[33m  warning: the fit did not converge');
    expect(coloured).toContain('\x1b[2m  - a note\x1b[0m');
    expect(renderText(bad)).toContain('NOT converged');
    expect(renderText(bad)).not.toMatch(ANSI);
  });

  it('every line fits the width, long ids cut with …', () => {
    const longId = 'customer-with-a-very-long-identifier-0123456789-abcdefghijklmnopqrstuvwxyz';
    const long: AnalysisResult = {
      ...result,
      source: { ...result.source, name: `/a/very/long/path/${'x'.repeat(150)}.csv` },
      topCustomers: result.topCustomers.map((t, k) => (k === 0 ? { ...t, customerId: longId } : t)),
    };
    for (const width of [60, 80, 100, 140]) {
      const text = renderText(long, { width });
      for (const line of text.split('\n')) expect(line.length, `${width}: ${line}`).toBeLessThanOrEqual(width);
      expect(text).toMatch(/ custom[-\w]*… /); // the long id, cut
      expect(text).not.toContain(longId);
    }
    for (const line of renderText(long, { width: 60, color: true }).replace(new RegExp(ANSI, 'g'), '').split('\n')) {
      expect(line.length).toBeLessThanOrEqual(60);
    }
  });

  it('without holdout or amounts: no holdout section, top customers by expected purchases', () => {
    const r = analyze({ ...table, amount: null, columns: { ...table.columns, amount: null } }, DEFAULT_SETTINGS);
    const text = renderText(r);
    expect(text).not.toContain('Holdout validation');
    expect(text).not.toContain('Spend model');
    expect(text).toContain('Top 10 customers by expected purchases');
    expect(text).toContain('amount = (none)');
    expect(text).toContain('Notes');
    expect(text).not.toMatch(/NaN|undefined/);
  });
});
