/**
 * The HTML report as a person sees it: written to a file, opened as file:// in headless Chromium
 * (Debian's /usr/bin/chromium driven by playwright-core). No console errors, no request leaves the
 * file, every chart is visible with marks, a phone-width page does not scroll sideways, and the print
 * style drops backgrounds. Screenshots go to test-artifacts/ (not committed).
 *
 * Skips with a message when Chromium is absent, unless CLMKIT_REQUIRE_BROWSER=1 (CI), which fails.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_NAMES, renderReport } from '../../src/cli/report.js';
import { CHROMIUM_PATH, REQUIRE_BROWSER, chromiumAvailable, missingBrowserMessage, sampleResult } from '../helpers/browser.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const available = chromiumAvailable();
const MARKS = '.mark-rect path, .mark-symbol path, .mark-line path, .mark-area path, .mark-rule line, .mark-rule path';
const TIMEOUT = 20_000;

if (!available && !REQUIRE_BROWSER) console.warn(`browser.test.ts skipped: ${missingBrowserMessage()}; CLMKIT_REQUIRE_BROWSER=1 makes this a failure`);

describe.skipIf(!available && !REQUIRE_BROWSER)('the HTML report in headless Chromium', () => {
  let browser: Browser | undefined;
  let dir = '';
  let url = '';
  const problems: string[] = [];
  const requests: string[] = [];

  async function open(width: number, height: number): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url, { waitUntil: 'load' });
    return page;
  }

  beforeAll(async () => {
    if (!available) throw new Error(`CLMKIT_REQUIRE_BROWSER=1 and ${missingBrowserMessage()}`);
    dir = mkdtempSync(join(tmpdir(), 'clmkit-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, await renderReport(sampleResult()));
    url = pathToFileURL(file).href;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it(
    'shows every chart with marks on a laptop screen, with no console errors and no requests but the file',
    async () => {
      const page = await open(1280, 900);
      const figures = page.locator('figure.chart');
      expect(await figures.count()).toBe(CHART_NAMES.length);
      for (const name of CHART_NAMES) {
        const fig = page.locator(`figure.chart[data-chart="${name}"]`);
        await fig.scrollIntoViewIfNeeded();
        expect(await fig.isVisible(), name).toBe(true);
        const box = await fig.locator('svg').boundingBox();
        expect(box, name).not.toBeNull();
        expect(box!.width, name).toBeGreaterThan(150);
        expect(box!.height, name).toBeGreaterThan(100);
        expect(await fig.locator(MARKS).count(), name).toBeGreaterThan(0);
        expect((await fig.locator('figcaption').innerText()).length, name).toBeGreaterThan(20);
      }
      // Text measured without a canvas (report.ts estimates glyph widths): every label must still fit inside its chart.
      const outside = await page.evaluate<string[]>(`[...document.querySelectorAll('figure.chart svg')].flatMap((svg) => {
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].filter((t) => {
          const r = t.getBoundingClientRect();
          return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1);
        }).map((t) => svg.closest('figure').dataset.chart + ': ' + t.textContent);
      })`);
      expect(outside).toEqual([]);
      const cards = await page.locator('.card').count();
      expect(cards).toBe(6);
      await page.screenshot({ path: join(ARTIFACTS, 'report-desktop.png'), fullPage: true });
      await page.close();
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
    },
    TIMEOUT,
  );

  it(
    'fits a phone screen (390 px): no sideways scrolling, charts shrink to the width, wide tables scroll inside their box',
    async () => {
      const page = await open(390, 844);
      const overflow = await page.evaluate<{ scrollWidth: number; bodyScrollWidth: number; innerWidth: number }>(
        '({ scrollWidth: document.documentElement.scrollWidth, bodyScrollWidth: document.body.scrollWidth, innerWidth: window.innerWidth })',
      );
      expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.innerWidth);
      expect(overflow.bodyScrollWidth).toBeLessThanOrEqual(overflow.innerWidth);
      const widest = await page.evaluate<number>("Math.max(...[...document.querySelectorAll('figure.chart svg, .table-wrap, .card')].map((e) => e.getBoundingClientRect().right))");
      expect(widest).toBeLessThanOrEqual(390);
      // The top-customers table is wider than a phone: it scrolls inside its wrapper.
      const topTable = await page.evaluate<{ scroll: number; client: number; overflowX: string }>(`(() => {
        const wrap = document.querySelector('[data-table="top-customers"]').parentElement;
        return { scroll: wrap.scrollWidth, client: wrap.clientWidth, overflowX: getComputedStyle(wrap).overflowX };
      })()`);
      expect(topTable.overflowX).toBe('auto');
      expect(topTable.scroll).toBeGreaterThan(topTable.client);
      for (const name of CHART_NAMES) expect(await page.locator(`figure.chart[data-chart="${name}"]`).isVisible(), name).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'report-phone.png'), fullPage: true });
      await page.close();
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'prints without card backgrounds or the section links, figures kept whole',
    async () => {
      const page = await open(1000, 800);
      await page.emulateMedia({ media: 'print' });
      const style = await page.evaluate<{ card: string; toc: string; figure: string }>(`({
        card: getComputedStyle(document.querySelector('.card')).backgroundColor,
        toc: getComputedStyle(document.querySelector('nav.toc')).display,
        figure: getComputedStyle(document.querySelector('figure.chart')).breakInside,
      })`);
      expect(style).toEqual({ card: 'rgba(0, 0, 0, 0)', toc: 'none', figure: 'avoid' });
      await page.close();
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );
});
