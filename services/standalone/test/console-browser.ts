import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium (CI installs it), driven by playwright-core; the flags this machine needs. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Every console page's screenshot, kept as CI artefacts (gitignored; the README names the folder). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
}

/** A bureau laptop's screen (1366×768) or a phone's (390 wide, the project manager's pages). */
export const LAPTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

export type Watched = { page: Page; context: BrowserContext; problems: string[] };

/**
 * A fresh browser profile (its own cookies) and page, Chinese first. Every script error, CSP
 * violation and console error is collected: a test ends with {@link expectNoProblems}.
 */
export async function openPage(browser: Browser, viewport = LAPTOP): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // A 401/403/404 answer is logged by chromium as a failed resource: the API's answers, not faults.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      problems.push(`console error: ${msg.text()}`);
  });
  return { page, context, problems };
}

export function expectNoProblems(w: Watched): void {
  expect(w.problems, w.problems.join('\n')).toEqual([]);
}

/** axe-core in the page: no serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // A toast (ElMessage) fades in and, three seconds later, out: mid-fade its text reads as low
  // contrast, and its fade-out can start while axe is reading. Checked once it is gone.
  await expect.poll(() => page.locator('.el-message').count(), { timeout: 10_000, interval: 100 }).toBe(0);
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `${what}: accessibility`,
  ).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
