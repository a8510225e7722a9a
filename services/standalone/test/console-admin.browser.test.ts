import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoUsers, type DemoUser } from '../src/demo.ts';
import { registerProject } from './api-helpers.ts';
import {
  CHROMIUM,
  expectAccessible,
  expectNoProblems,
  hasChromium,
  launchChromium,
  openPage,
  screenshot,
  type Watched,
} from './console-browser.ts';
import { requireConsoleBuild } from './console-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/** A full-page screenshot from the top (a page scrolled by a click would draw the sticky header mid-page). */
async function shot(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
  await screenshot(page, name);
}

if (!hasChromium)
  console.warn(
    `\n*** SKIPPED console browser tests: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does) ***\n`,
  );

/**
 * The bureau admin's console in Debian's chromium against the real embedded system (one project,
 * no demo city), logged in as the demo admin: creates a user, who logs in and must change the
 * password first, then is disabled; issues an API key, which works, revokes it, and it no longer
 * does; the webhooks, bank feeds and deposit policy pages show the services' answers.
 */
describe.skipIf(!hasChromium)('the console for the bureau admin, in Chromium', () => {
  let t: TestSystem;
  let browser: Browser;
  let base: string;
  let admin: DemoUser;
  let projectId: string;
  const FIRST = 'first-password-0001';
  const CHOSEN = 'chosen-password-0002';
  let w: Watched;

  beforeAll(async () => {
    t = await startTestSystem({ embedded: { consoleDir: requireConsoleBuild() } });
    base = t.api.baseUrl;
    ({ projectId } = await registerProject(t, 1));
    await t.settle();
    admin = (await createDemoUsers(t.apiKeys.sessions!, t.db)).find((u) => u.login === 'admin')!;
    browser = await launchChromium();
    w = await openPage(browser);
    await logIn(w.page, admin.login, admin.password);
    await w.page.waitForURL(/\/cockpit/);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function logIn(page: Page, login: string, password: string) {
    await page.goto(`${base}/login`);
    await page.getByLabel('账号').fill(login);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
  }

  const usersOf = async () =>
    (await t.admin.get('/v1/admin/users')).body.items as {
      userId: string;
      login: string;
      mustChangePassword: boolean;
      disabled: boolean;
      scope: { projectIds?: string[] };
    }[];

  it('the admin creates a user; the user logs in and is made to change the password first; the admin disables them', async () => {
    const { page } = w;
    await page.goto(`${base}/admin/users`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('用户');
    await page.getByLabel('登录账号').fill('clerk.li');
    await page.getByLabel('姓名').fill('李会计');
    await page.getByTestId('user-role').click();
    await page.getByRole('option', { name: '项目经理' }).click();
    await page.getByLabel('范围').fill(projectId);
    await page.getByLabel('初始密码').fill(FIRST);
    await page.getByRole('button', { name: '创建' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('已创建用户 clerk.li');
    const row = page.getByTestId('user-table').locator('tbody tr', { hasText: 'clerk.li' });
    await expect.poll(() => row.textContent()).toContain('须修改密码');
    const created = (await usersOf()).find((u) => u.login === 'clerk.li')!;
    expect(created.mustChangePassword).toBe(true);
    expect(created.scope.projectIds).toEqual([projectId]);
    await expectAccessible(page, 'users');
    await shot(page, 'admin-users');

    // The new user, in a browser of their own.
    const clerk = await openPage(browser);
    await logIn(clerk.page, 'clerk.li', FIRST);
    await clerk.page.waitForURL(/\/password$/);
    await expect.poll(() => clerk.page.getByText('首次登录请先修改密码').isVisible()).toBe(true);
    await clerk.page.goto(`${base}/my-projects`);
    await clerk.page.waitForURL(/\/password$/); // nothing else opens before the change
    await clerk.page.getByLabel('当前密码').fill(FIRST);
    await clerk.page.getByLabel('新密码', { exact: true }).fill(CHOSEN);
    await clerk.page.getByLabel('再次输入新密码').fill(CHOSEN);
    await clerk.page.getByRole('button', { name: '保存新密码' }).click();
    await clerk.page.waitForURL((u) => !u.pathname.startsWith('/password'));
    await clerk.page.goto(`${base}/my-projects`);
    await expect.poll(() => clerk.page.locator(`[data-project="${projectId}"]`).count()).toBe(1);
    expect((await usersOf()).find((u) => u.login === 'clerk.li')!.mustChangePassword).toBe(false);
    expectNoProblems(clerk);
    await clerk.context.close();

    // Disabled, the user can no longer log in.
    await page.reload();
    await page.locator('[data-user="clerk.li"]').click();
    await expect.poll(() => row.textContent()).toContain('已停用');
    expect((await usersOf()).find((u) => u.login === 'clerk.li')!.disabled).toBe(true);
    const again = await t.api.post('/v1/session', { login: 'clerk.li', password: CHOSEN });
    expect(again.status).toBe(401);
  });

  it('issues a bank key (shown once, it works), revokes it, and the key is refused', async () => {
    const { page } = w;
    await page.goto(`${base}/admin/api-keys`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('API 密钥');
    await page.getByLabel('范围').fill('ICBC-PZH');
    await page.getByLabel('用途说明').fill('工商银行对接测试');
    await page.getByRole('button', { name: '签发', exact: true }).click();
    const shown = page.getByTestId('issued-key');
    await expect.poll(async () => ((await shown.textContent()) ?? '').trim().length).toBeGreaterThan(20);
    const key = ((await shown.textContent()) ?? '').trim();
    const bank = t.api.as(key);
    expect((await bank.get('/v1/accounts/feed-status')).status).toBe(200);
    const listed = (await t.admin.get('/v1/admin/api-keys')).body.keys as { keyId: string; label: string }[];
    const record = listed.find((k) => k.label === '工商银行对接测试')!;
    expect(record).toBeDefined();
    await expectAccessible(page, 'api keys');
    await page.locator(`[data-revoke="${record.keyId}"]`).click();
    await expect
      .poll(() => page.locator(`[data-key-state="${record.keyId}"]`).textContent())
      .toContain('已吊销');
    expect((await bank.get('/v1/accounts/feed-status')).status).toBe(401);
    expect(await shown.count()).toBe(0); // the revoked key is no longer shown
    await shot(page, 'admin-api-keys');
  });

  it('shows the webhooks, the bank feed of each wage account and the deposit policy in force', async () => {
    const { page } = w;
    await page.goto(`${base}/admin/webhooks`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
    await expect.poll(() => page.getByText('暂无订阅').isVisible()).toBe(true);
    await expectAccessible(page, 'webhooks');
    await shot(page, 'admin-webhooks');

    const feeds = (await t.admin.get('/v1/accounts/feed-status')).body;
    await page.goto(`${base}/admin/bank-feeds`);
    const rows = page.getByTestId('feed-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(feeds.items.length);
    expect(feeds.items.length).toBe(1);
    const cells = (await rows.first().locator('td').allTextContents()).map((c) => c.trim());
    expect(cells.slice(0, 3)).toEqual([feeds.items[0].bankCode, feeds.items[0].accountNo, projectId]);
    expect(feeds.items[0].accountNo).toMatch(/^\*+ ?\d{4}$/);
    await expectAccessible(page, 'bank feeds');
    await shot(page, 'admin-bank-feeds');

    const deposit = (await t.admin.get(`/v1/projects/${projectId}/deposit`)).body;
    await page.goto(`${base}/admin/deposit-policy`);
    await expect.poll(() => page.getByTestId('policy').textContent()).toContain(deposit.policy.name);
    expect(await page.getByTestId('policy').textContent()).toContain(deposit.policy.id);
    await expectAccessible(page, 'deposit policy');
    await shot(page, 'admin-deposit-policy');
    expectNoProblems(w);
  });
});
