import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NoticeScenario, OFFICER, startNoticeScenario } from './public-notice-scenario.ts';

/**
 * The public notice in a real browser: Debian's chromium (CI installs it), driven by
 * playwright-core. Skipped only when /usr/bin/chromium is missing, and then loudly. Its Chinese
 * must be drawn with a CJK font (Debian's fonts-noto-cjk; CI installs it): without one chromium
 * draws every character as the same box ("tofu") and the page's text still reads right.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n*** SKIPPED public-notice browser test: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does) ***\n`,
  );
}

// The few browser APIs the in-page code below uses. This package compiles without the DOM
// library (Node's types only), so they are declared here, for this file alone.
type PageElement = { textContent: string | null };
type FontStyle = Record<'fontStyle' | 'fontWeight' | 'fontSize' | 'fontFamily', string>;
type Canvas2d = {
  font: string;
  textBaseline: string;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
};
declare const document: {
  querySelectorAll(selector: string): Iterable<PageElement>;
  createElement(tag: 'canvas'): {
    width: number;
    height: number;
    getContext(kind: '2d', options: { willReadFrequently: boolean }): Canvas2d | null;
  };
};
declare function getComputedStyle(el: PageElement): FontStyle;

/**
 * How the Han characters of each element matching `selector` are drawn, measured in the page:
 * each distinct character is drawn alone on a canvas in the element's own font and its pixels
 * compared with those of U+10FFFD (private use, a codepoint no font has: the missing-glyph box).
 * Widths would not tell: Noto CJK's missing-glyph box is 1em wide, like its characters.
 */
const hanGlyphs = (selector: string) => {
  const missing = String.fromCodePoint(0x10fffd);
  return [...document.querySelectorAll(selector)].map((el) => {
    const style = getComputedStyle(el);
    const size = Number.parseFloat(style.fontSize);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = Math.ceil(size * 2);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d canvas');
    ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    ctx.textBaseline = 'top';
    const pixels = (text: string) => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.fillText(text, size / 2, size / 2);
      return ctx.getImageData(0, 0, canvas.width, canvas.height).data.join(',');
    };
    const box = pixels(missing);
    const chars = [...new Set((el.textContent ?? '').match(/\p{Script=Han}/gu) ?? [])];
    const drawn = chars.map(pixels);
    return {
      text: chars.join(''),
      font: ctx.font,
      /** The characters drawn exactly like the missing-glyph box. */
      asBox: chars.filter((_, i) => drawn[i] === box).join(''),
      distinctGlyphs: new Set(drawn).size,
    };
  });
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.skipIf(!hasChromium)('the public notice in Chromium', () => {
  let s: NoticeScenario;
  let browser: BrowserContext;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wagewatch-notice-'));
    s = await startNoticeScenario();
    // A new, empty profile (--user-data-dir): playwright takes it as launchPersistentContext's argument.
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      viewport: { width: 820, height: 1100 },
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.t.close();
    if (dir && !process.env.WAGEWATCH_KEEP_SCREENSHOT) rmSync(dir, { recursive: true, force: true });
  });

  it('renders the board with its texts and counts, and screenshots as a PNG', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const url = `${s.t.api.baseUrl}/public/projects/${s.paid.projectId}/notice.html`;
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toContain('工资发放公示');

    /** The element's text, after asserting that it is visible (rendered, not hidden). */
    const shown = async (locator: Locator) => {
      expect(await locator.isVisible()).toBe(true);
      return (await locator.textContent())?.trim();
    };
    expect(await shown(page.getByRole('heading', { level: 1 }))).toBe('维权信息告示牌');
    expect(await shown(page.getByTestId('project-name'))).toBe('攀枝花市东区公示测试安置房项目');
    expect(await shown(page.getByTestId('workers-on-sheet'))).toBe('2');
    expect(await shown(page.getByTestId('workers-paid'))).toBe('1');
    expect(await shown(page.getByTestId('workers-unpaid'))).toBe('1');
    expect(await shown(page.getByTestId('status'))).toContain('未足额发放');
    expect(await shown(page.getByTestId('next-pay-date'))).toBe('2026年12月15日');
    for (const visible of ['12333', OFFICER.name, OFFICER.phone, '¥2,100.00', '每月15日支付上月工资'])
      expect(await shown(page.getByText(visible).first()), visible).toContain(visible);
    const text = (await page.locator('body').textContent()) ?? '';
    for (const item of s.personal) expect(text).not.toContain(item);
    // Self-contained: the page asked for nothing but itself.
    expect(requests).toEqual([url]);

    // The Chinese is drawn with a CJK font, not as boxes.
    const install = 'apt-get install fonts-noto-cjk; .ci/run does';
    const headings = await page.evaluate(hanGlyphs, 'h1, h2');
    expect(headings.length).toBeGreaterThan(1);
    for (const h of headings) {
      expect(h.text.length).toBeGreaterThan(1);
      expect(h.asBox, `drawn as boxes, no CJK font (${install})`).toBe('');
      expect(h.distinctGlyphs, `${h.text}: its characters look alike`).toBe(h.text.length);
    }
    // ... and with a CJK font the page's CSS names (chromium reports the fonts it used).
    const cdp = await browser.newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const named = await page.locator('h1').evaluate((el) =>
      getComputedStyle(el)
        .fontFamily.split(',')
        .map((f) => f.trim().replace(/^"|"$/g, '')),
    );
    expect(named).toContain('Noto Sans CJK SC');
    const cjkNamed = named.filter((f) => !['serif', 'sans-serif', 'monospace', 'system-ui'].includes(f));
    expect(fonts.length).toBeGreaterThan(0);
    for (const { familyName } of fonts)
      expect(
        cjkNamed,
        `the heading is drawn with ${familyName}, not a CJK font the page names (${install})`,
      ).toContain(familyName);
    await cdp.detach();

    const file = join(dir, 'notice.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    expect(statSync(file).size).toBeGreaterThan(10_000);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    if (process.env.WAGEWATCH_KEEP_SCREENSHOT) console.log(`screenshot: ${file}`);

    // Printable as one A4 board.
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    if (process.env.WAGEWATCH_KEEP_SCREENSHOT) writeFileSync(join(dir, 'notice.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBe(1);
    await page.close();
  });
});
