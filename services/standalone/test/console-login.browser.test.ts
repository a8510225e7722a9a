import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  expectAccessible,
  expectNoProblems,
  hasChromium,
  launchChromium,
  openPage,
  PHONE,
  screenshot,
} from './console-browser.ts';
import { requireConsoleBuild } from './console-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

if (!hasChromium)
  console.warn(
    `\n*** SKIPPED console browser tests: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does) ***\n`,
  );

/**
 * Logging in, the forced first password change, the menu of each role and logging out, in
 * Debian's chromium against the real embedded system (no demo city: nothing here needs it).
 * People are made by the admin API, as a bureau's admin makes them.
 */
describe.skipIf(!hasChromium)('logging in to the console, in Chromium', () => {
  let t: TestSystem;
  let browser: Browser;
  let base: string;
  const FIRST = 'first-password-0001';
  const CHOSEN = 'chosen-password-0002';

  beforeAll(async () => {
    t = await startTestSystem({ embedded: { consoleDir: requireConsoleBuild() } });
    base = t.api.baseUrl;
    const users = [
      { login: 'insp.login', name: '刘监察', role: 'inspector', scope: { districts: ['东区'] } },
      { login: 'pm.login', name: '周经理', role: 'project-manager', scope: { projectIds: ['PZH-TEST-1'] } },
    ];
    for (const u of users) {
      const res = await t.admin.post('/v1/admin/users', { ...u, password: FIRST });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function submitLogin(page: Page, login: string, password: string) {
    await page.getByLabel('账号').fill(login);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
  }

  async function changeFirstPassword(page: Page) {
    await page.waitForURL(/\/password$/);
    await page.getByLabel('当前密码').fill(FIRST);
    await page.getByLabel('新密码', { exact: true }).fill(CHOSEN);
    await page.getByLabel('再次输入新密码').fill(CHOSEN);
    await page.getByRole('button', { name: '保存新密码' }).click();
  }

  const menuOf = async (page: Page) =>
    (await page.getByRole('menuitem').allTextContents()).map((m) => m.trim());

  it('the login page is Chinese and accessible, refuses a wrong password, and switches to English', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await page.goto(`${base}/cockpit`);
    await page.waitForURL(/\/login\?redirect=(%2F|\/)cockpit/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('工资支付监控平台');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await screenshot(page, 'login');
    await expectAccessible(page, 'login');
    await submitLogin(page, 'insp.login', 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('账号或密码错误');
    expect(page.url()).toContain('/login');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Log in' }).isVisible()).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.getByRole('button', { name: '登录' }).isVisible()).toBe(true);
    expectNoProblems(w);
    await w.context.close();
  });

  it('a new inspector must change the first password, then lands on 总览 with the inspector’s menu, and logs out', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await page.goto(`${base}/`);
    await submitLogin(page, 'insp.login', FIRST);
    await page.waitForURL(/\/password$/);
    await expect.poll(() => page.getByText('首次登录请先修改密码').isVisible()).toBe(true);
    // Any other page sends back here until the password is changed.
    await page.goto(`${base}/projects`);
    await page.waitForURL(/\/password$/);
    await screenshot(page, 'change-password');
    await expectAccessible(page, 'change password');
    // Too short: said in the form, nothing sent.
    await page.getByLabel('当前密码').fill(FIRST);
    await page.getByLabel('新密码', { exact: true }).fill('short');
    await page.getByLabel('再次输入新密码').fill('short');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: '新密码至少 10 个字符' }).isVisible())
      .toBe(true);
    expect(page.url()).toMatch(/\/password$/);
    await changeFirstPassword(page);
    await page.waitForURL(/\/cockpit$/);
    await expect
      .poll(() => menuOf(page))
      .toEqual(['总览', '项目', '发放率', '案件', '任务', '预警', '专项行动', '欠薪线索', '巡查计划']);
    expect(await page.getByTestId('user-menu').textContent()).toContain('刘监察');
    // English for the banks' teams, and back: the choice is kept across a reload.
    await page.getByTestId('locale-toggle').click();
    await expect
      .poll(() => menuOf(page))
      .toEqual([
        'Overview',
        'Projects',
        'Payment rates',
        'Cases',
        'Tasks',
        'Alerts',
        'Campaigns',
        'Wage reports',
        'Patrols',
      ]);
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    await page.getByTestId('locale-toggle').click();
    await expect
      .poll(() => menuOf(page))
      .toEqual(['总览', '项目', '发放率', '案件', '任务', '预警', '专项行动', '欠薪线索', '巡查计划']);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await page.goto(`${base}/projects`);
    await page.waitForURL(/\/login/);
    // The chosen password works from now on, without the change page.
    await submitLogin(page, 'insp.login', CHOSEN);
    await page.waitForURL(/\/projects$/);
    expectNoProblems(w);
    await w.context.close();
  });

  it('a project manager on a phone lands on 我的项目, gets the project list and no inspection pages', async () => {
    const w = await openPage(browser, PHONE);
    const { page } = w;
    await page.goto(`${base}/`);
    await submitLogin(page, 'pm.login', FIRST);
    await changeFirstPassword(page);
    // A project manager lands on their own projects (我的项目).
    await page.waitForURL(/\/my-projects$/);
    // Their own pages (C3) beside the project list; no inspection page.
    expect(await menuOf(page)).toEqual(['项目', '发放率', '我的项目', '工资表上传', '花名册上传']);
    await page.goto(`${base}/cockpit`);
    await expect.poll(() => page.getByTestId('forbidden').isVisible()).toBe(true);
    expect(await page.getByTestId('forbidden').textContent()).toContain('无权访问');
    await page.goto(`${base}/projects`);
    await expect.poll(() => page.getByTestId('project-total').isVisible()).toBe(true);
    // Nothing wider than the phone's screen.
    const width = await page.locator('html').evaluate((el) => el.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'projects-phone');
    await expectAccessible(page, 'projects (phone)');
    expectNoProblems(w);
    await w.context.close();
  });
});
