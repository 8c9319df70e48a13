/**
 * The HTML report as a string: structure, every chart rendered with marks, escaping of hostile
 * data, self-containment (nothing fetched from the network), optional sections, and the numbers
 * in the summary cards. The browser test (browser.test.ts) opens the same document in Chromium.
 */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { CHART_NAMES, MISSING_VEGA_MESSAGE, estimateTextWidth, loadVega, renderReport, renderReportTimed } from '../../src/cli/report.js';
import { escapeHtml, formatAmount, formatNumber, formatPercent } from '../../src/cli/report-html.js';
import type { AnalysisResult } from '../../src/cli/types.js';
import { handBuiltResult, sampleResult } from '../helpers/browser.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

function count(haystack: string, needle: string | RegExp): number {
  if (typeof needle === 'string') return haystack.split(needle).length - 1;
  return (haystack.match(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`)) ?? []).length;
}

/** The `<figure class="chart" data-chart=name>…</figure>` of one chart, or null. */
function chartFigure(html: string, name: string): string | null {
  const start = html.indexOf(`<figure class="chart" data-chart="${name}">`);
  if (start < 0) return null;
  return html.slice(start, html.indexOf('</figure>', start) + '</figure>'.length);
}

/** data-value of a summary card. */
function cardValue(html: string, name: string): string | null {
  const m = new RegExp(`data-card="${name}"(?: data-value="([^"]*)")?`).exec(html);
  if (m === null) throw new Error(`no card ${name}`);
  return m.at(1) ?? null;
}

/** Checks a document needs nothing from outside itself. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script\b/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/<img\b/i);
  expect(html).not.toMatch(/<iframe\b|<object\b|<embed\b/i);
  expect(html).not.toMatch(/@import|@font-face|url\((?!#)/i);
  expect(html).not.toMatch(/\b(?:src|srcset|href)="(?!#)/i);
  // The only absolute URLs allowed are XML namespace names (not fetched).
  const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  for (const u of urls) expect(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']).toContain(u);
}

describe('renderReport on an analysis of the bundled sample (with holdout)', async () => {
  const result = sampleResult();
  const { html, charts } = await renderReportTimed(result);

  it('is one HTML document with a head, a title and the sections in order', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(count(html, '<html')).toBe(1);
    expect(count(html, '</html>')).toBe(1);
    expect(count(html, '<body>')).toBe(1);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain(`<title>Customer analysis — ${escapeHtml(result.source.name)}</title>`);
    const order = ['model', 'holdout', 'top', 'rfm', 'lifecycle', 'cohorts', 'cleaning', 'timings'].map((id) => html.indexOf(`<section id="${id}"`));
    for (const i of order) expect(i).toBeGreaterThan(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Every opened figure, section, table and svg is closed.
    for (const tag of ['figure', 'section', 'table', 'svg', 'figcaption', 'div']) expect(count(html, new RegExp(`<${tag}[\\s>]`)), tag).toBe(count(html, `</${tag}>`));
  });

  it('draws every chart as inline SVG with marks and a one-sentence caption', () => {
    expect(charts.map((c) => c.chart)).toEqual([...CHART_NAMES]);
    for (const name of CHART_NAMES) {
      const fig = chartFigure(html, name);
      expect(fig, name).not.toBeNull();
      expect(fig!, name).toMatch(/<svg [^>]*viewBox=/);
      expect(fig!, name).toMatch(/class="mark-(?:rect|symbol|line|area)\b/);
      const caption = /<figcaption>([^<]+)<\/figcaption>/.exec(fig!);
      expect(caption?.[1], name).toMatch(/^[A-Z].+[.)]$/);
    }
    expect(count(html, '<figure class="chart"')).toBe(CHART_NAMES.length);
  });

  it('gives every element id in the document a unique value (SVG clip paths included)', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it('needs no network: no scripts, stylesheets, fonts or images from outside', () => {
    expectSelfContained(html);
  });

  it('shows the summary numbers of the result in its cards', () => {
    const o = result.overview;
    expect(Number(cardValue(html, 'customers'))).toBe(o.customers);
    expect(Number(cardValue(html, 'revenue'))).toBe(o.revenue);
    expect(Number(cardValue(html, 'repeat-rate'))).toBe(o.repeatCustomers / o.customers);
    expect(Number(cardValue(html, 'expected-purchases'))).toBe(o.expectedPurchases);
    expect(Number(cardValue(html, 'total-clv'))).toBe(o.totalClv);
    expect(Number(cardValue(html, 'mean-p-alive'))).toBe(o.meanProbabilityAlive);
    expect(html).toContain(`<p class="card-value">${formatNumber(o.customers, 0)}</p>`);
    expect(html).toContain(`<p class="card-value">${formatAmount(o.revenue)}</p>`);
    expect(html).toContain(`<p class="card-value">${formatPercent(o.meanProbabilityAlive)}</p>`);
  });

  it('has the tables of the terminal output, with one row per entry of the result', () => {
    const rowsOf = (name: string): number => {
      const start = html.indexOf(`data-table="${name}"`);
      expect(start, name).toBeGreaterThan(0);
      const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
      return count(body, '<tr>');
    };
    expect(rowsOf('top-customers')).toBe(result.topCustomers.length);
    expect(rowsOf('rfm')).toBe(result.rfm.segments.length);
    expect(rowsOf('stages')).toBe(result.lifecycle.stages.length);
    expect(rowsOf('transitions')).toBe(result.lifecycle.stages.length);
    expect(rowsOf('holdout')).toBe(result.holdout!.buckets.length);
    expect(rowsOf('bgnbd')).toBe(4);
    if (result.holdout?.calibrationFit !== undefined) expect(rowsOf('calibration-fit')).toBe(4);
    expect(rowsOf('timings')).toBe(result.timings.steps.length + 1);
    expect(rowsOf('cleaning')).toBe(result.cleaning.removed.length);
    expect(html).toContain(escapeHtml(result.topCustomers[0].customerId));
    expect(html).toContain(formatNumber(result.bgnbd.logLikelihood, 2));
  });
});

describe('renderReport escapes every string from the data', async () => {
  const result = handBuiltResult({ hostile: HOSTILE });
  const html = await renderReport(result, { title: `Report ${HOSTILE}` });

  it('never emits the hostile markup, only its escaped text', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<img/i);
    // Escaped where shown: id, file name, column name, title, removal reason, bad cell, segment, stage, cohort.
    const escaped = escapeHtml(HOSTILE);
    expect(count(html, escaped)).toBeGreaterThanOrEqual(10);
    expect(html).toContain(`<title>Report ${escaped}</title>`);
    expect(html).toContain(`C0001${escaped}`);
    expect(html).toContain(`orders${escaped}.csv`);
    expect(html).toContain(`customer_id${escaped}`);
    expect(html).toContain(`<li>The calibration BG/NBD fit took a while${escaped}.</li>`);
    expectSelfContained(html);
  });

  it('still draws the charts whose labels carry the hostile text', () => {
    for (const name of ['segment-scatter', 'stage-mix', 'transition-matrix', 'cohort-retention']) {
      expect(chartFigure(html, name), name).toMatch(/class="mark-/);
    }
  });

  it('escapes quotes and ampersands too', () => {
    expect(escapeHtml(`a&b"c'd<e>`)).toBe('a&amp;b&quot;c&#39;d&lt;e&gt;');
  });
});

describe('renderReport leaves out what the data does not have', () => {
  it('no notes: no notes box; notes: one item each, before the sections', async () => {
    const rest: AnalysisResult = { ...handBuiltResult(), notes: undefined };
    expect(await renderReport(rest)).not.toContain('class="notes"');
    const html = await renderReport({ ...rest, notes: ['First.', 'Second.'] });
    expect(html).toContain('<ul><li>First.</li><li>Second.</li></ul>');
    expect(html.indexOf('class="notes"')).toBeLessThan(html.indexOf('<section'));
  });

  it('no holdout: no holdout section, calibration, ROC or lift chart', async () => {
    const html = await renderReport(handBuiltResult({ holdout: false }));
    expect(html).not.toContain('<section id="holdout"');
    expect(html).not.toContain('href="#holdout"');
    for (const name of ['calibration-holdout', 'roc', 'lift']) expect(chartFigure(html, name), name).toBeNull();
    for (const name of ['expected-purchases-heatmap', 'clv-distribution', 'segment-scatter']) expect(chartFigure(html, name), name).not.toBeNull();
  });

  it('no amounts: no CLV chart or column, revenue and CLV cards say so', async () => {
    const result = handBuiltResult({ amounts: false });
    const html = await renderReport(result);
    expect(chartFigure(html, 'clv-distribution')).toBeNull();
    expect(html).not.toContain('CLV (12 mo)</th>');
    expect(html).not.toContain('Revenue share</th>');
    expect(cardValue(html, 'revenue')).toBeNull();
    expect(cardValue(html, 'total-clv')).toBeNull();
    expect(html).toContain('no amount column');
    expect(html).toContain('No amount column: spend and CLV are not modelled.');
    expect(html).not.toContain('data-table="gamma-gamma"');
  });

  it("a stage no customer started a period in has '–' in its transition row, not the placeholder 100 %", async () => {
    const base = handBuiltResult();
    const t = base.lifecycle.transitions;
    const never: AnalysisResult = {
      ...base,
      lifecycle: { ...base.lifecycle, transitions: { ...t, probabilities: [[1, 0, 0, 0], ...t.probabilities.slice(1)], counts: [[0, 0, 0, 0], ...t.counts.slice(1)] } },
    };
    const html = await renderReport(never);
    const start = html.indexOf('data-table="transitions"');
    const rows = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start)).split('<tr>').slice(1);
    expect(rows[0]).toBe('<th scope="row">new</th><td class="num">–</td><td class="num">–</td><td class="num">–</td><td class="num">–</td></tr>\n');
    expect(rows[1]).toContain('<td class="num">70.0 %</td>');
  });

  it('a chart the data cannot make becomes a note, not a failure (ROC with one class)', async () => {
    const base = handBuiltResult();
    const h = base.holdout!;
    const oneClass: AnalysisResult = { ...base, holdout: { ...h, boughtAgain: h.boughtAgain.map(() => 1) } };
    const html = await renderReport(oneClass);
    expect(chartFigure(html, 'roc')).toBeNull();
    expect(html).toMatch(/<p class="note" data-chart-missing="roc">No roc chart: /);
  });
});

describe('loadVega', () => {
  it('names the install command when vega or vega-lite is missing (CliError, exit 1)', async () => {
    const missing = (): Promise<never> => Promise.reject(Object.assign(new Error("Cannot find package 'vega'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    const error: unknown = await loadVega({ vegaLite: () => import('vega-lite'), vega: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toBe(MISSING_VEGA_MESSAGE);
    expect((error as CliError).message).toContain('npm i vega@6.4 vega-lite@6.4.3');
    expect((error as CliError).hint).toBe("(Cannot find package 'vega')");
  });

  it('loads both modules when installed', async () => {
    const { vega, vegaLite } = await loadVega();
    expect(typeof vega.View).toBe('function');
    expect(typeof vegaLite.compile).toBe('function');
  });
});

describe('estimateTextWidth (vega has no canvas here)', () => {
  it('sums Helvetica glyph widths, 10 % wider, more in bold, the widest line of several', () => {
    // 'Mi' = (833 + 222) / 1000 em; at 10 px × 1.1: 11.605 px.
    expect(estimateTextWidth({ fontSize: 10 }, 'Mi')).toBeCloseTo(11.605, 10);
    expect(estimateTextWidth({ text: 'Mi', fontSize: 10 })).toBeCloseTo(11.605, 10);
    expect(estimateTextWidth({ fontSize: 10, fontWeight: 'bold' }, 'Mi')).toBeCloseTo(11.605 * 1.08, 10);
    expect(estimateTextWidth({ fontSize: 10 }, ['i', 'Mi'])).toBeCloseTo(11.605, 10);
    expect(estimateTextWidth({}, '')).toBe(0);
    // vega's own fallback guesses 0.8 em per character: 16 px for 'Mi' at 10 px.
    expect(estimateTextWidth({ fontSize: 10 }, 'Mi')).toBeLessThan(16);
  });
});
