import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NoticeScenario, OFFICER, startNoticeScenario } from './public-notice-scenario.ts';

/**
 * The public notice in a real browser: Debian's chromium (CI installs it), driven by
 * playwright-core. Skipped only when /usr/bin/chromium is missing, and then loudly.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n*** SKIPPED public-notice browser test: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does) ***\n`,
  );
}

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
