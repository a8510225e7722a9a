import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percent, yuan } from '../../console/src/format.ts';
import { createDemoUsers, type DemoUser, loadDemo } from '../src/demo.ts';
import {
  CHROMIUM,
  expectAccessible,
  expectNoProblems,
  hasChromium,
  launchChromium,
  openPage,
  PHONE,
  screenshot,
  type Watched,
} from './console-browser.ts';
import { requireConsoleBuild } from './console-helpers.ts';
import { type ApiClient, startTestSystem, type TestSystem } from './harness.ts';

if (!hasChromium)
  console.warn(
    `\n*** SKIPPED console browser tests: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does) ***\n`,
  );

/**
 * The console in Debian's chromium against the real embedded system with the demo city: people
 * log in through the login form (inspectors made by the admin API, so the forced password change
 * comes first; the demo project manager as the demo creates it), the cockpit's figures are the
 * three services' dashboard answers, a district cell leads to that district's projects, a project
 * page shows its sections, an inspector of 东区 opening a 西区 project by URL sees 无权访问 and
 * nothing of it, and the project manager's pages work at a phone's width.
 */
describe.skipIf(!hasChromium)('the console for inspectors, in Chromium', () => {
  let t: TestSystem;
  let browser: Browser;
  let base: string;
  /** Keys with the same scopes as the people below: what the API answers them. */
  let lead: ApiClient;
  let east: ApiClient;
  let demoUsers: DemoUser[];
  const people = {
    lead: { login: 'lead.inspector', name: '李监察', districts: 'all' as const },
    east: { login: 'east.inspector', name: '东区王监察', districts: ['东区'] },
  };
  const FIRST = 'first-password-0001';
  const CHOSEN = 'chosen-password-0002';

  beforeAll(async () => {
    t = await startTestSystem({ embedded: { consoleDir: requireConsoleBuild() } });
    base = t.api.baseUrl;
    await loadDemo(t.system, t.apiKeys, t.clock, t.system.app.log as never);
    await t.settle();
    for (const p of Object.values(people)) {
      const res = await t.admin.post('/v1/admin/users', {
        login: p.login,
        name: p.name,
        role: 'inspector',
        scope: { districts: p.districts },
        password: FIRST,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    demoUsers = await createDemoUsers(t.system.sessions, t.db);
    lead = t.api.as(t.key('inspector', { districts: 'all' }));
    east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Through the login form; the first time, through the forced password change too. */
  async function logIn(page: Page, login: string, first: boolean): Promise<void> {
    await page.goto(`${base}/`);
    await page.getByLabel('账号').fill(login);
    await page.getByLabel('密码', { exact: true }).fill(first ? FIRST : CHOSEN);
    await page.getByRole('button', { name: '登录' }).click();
    if (first) {
      await page.waitForURL(/\/password$/);
      await expect.poll(() => page.getByText('首次登录请先修改密码').isVisible()).toBe(true);
      await page.getByLabel('当前密码').fill(FIRST);
      await page.getByLabel('新密码', { exact: true }).fill(CHOSEN);
      await page.getByLabel('再次输入新密码').fill(CHOSEN);
      await page.getByRole('button', { name: '保存新密码' }).click();
    }
    await page.waitForURL(/\/cockpit/);
  }

  const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();

  let cockpit: Watched;
  it('the lead inspector changes the first password and sees the cockpit with the services’ live figures', async () => {
    cockpit = await openPage(browser);
    const { page } = cockpit;
    await logIn(page, people.lead.login, true);
    const [dash, payments, deposits] = await Promise.all([
      lead.get('/v1/dashboard'),
      lead.get('/v1/dashboard/payments'),
      lead.get('/v1/dashboard/deposits'),
    ]);
    for (const r of [dash, payments, deposits]) expect(r.status, JSON.stringify(r.body)).toBe(200);
    await expect.poll(() => text(page, 'projects-monitored')).toBe(String(dash.body.projectsMonitored));
    expect(dash.body.projectsMonitored).toBeGreaterThan(0);
    expect(await text(page, 'workers-on-payroll')).toBe(String(payments.body.workersOnPayroll));
    expect(await text(page, 'payroll-due')).toBe(yuan(payments.body.payrollDue));
    expect(await text(page, 'share-on-time')).toBe(percent(payments.body.shareOnTimeInFull));
    // Last month's final figures beside this month's (early in a month its own are still empty):
    // the demo's last payroll month is due then, so the rate is a figure, not a dash.
    const [y, m] = (payments.body.month as string).split('-').map(Number) as [number, number];
    const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    const last = await lead.get(`/v1/dashboard/payments?month=${previous}`);
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body.shareOnTimeInFull).not.toBeNull();
    expect(last.body.workersOnPayroll).toBeGreaterThan(0);
    await expect.poll(() => text(page, 'share-on-time-last')).toBe(percent(last.body.shareOnTimeInFull));
    expect(await text(page, 'payroll-due-last')).toBe(yuan(last.body.payrollDue));
    expect(await text(page, 'workers-on-payroll-last')).toBe(String(last.body.workersOnPayroll));
    const byRule = dash.body.openFindingsByRule as { rule: string; count: number; amountOwed: string }[];
    expect(await text(page, 'open-findings')).toBe(String(byRule.reduce((n, r) => n + r.count, 0)));
    // Wages owed: the wages-missed and wages-short amounts, added in fen.
    const fen = byRule
      .filter((r) => r.rule === 'wages-missed' || r.rule === 'wages-short')
      .reduce((n, r) => {
        const [whole = '0', frac = ''] = r.amountOwed.split('.');
        return n + BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0'));
      }, 0n);
    expect(fen).toBeGreaterThan(0n);
    expect(await text(page, 'amount-owed')).toBe(
      yuan(`${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`),
    );
    expect(await text(page, 'overdue-tasks')).toBe(String(dash.body.overdueTasks));
    expect(await text(page, 'deposits-missing')).toBe(String(deposits.body.missing));
    expect(await text(page, 'deposits-short')).toBe(String(deposits.body.short));
    expect(await text(page, 'deposit-shortfall')).toBe(yuan(deposits.body.shortfall));
    // The district grid: one cell per district of the answer, coloured by its worst grade.
    const districts = dash.body.districts as { district: string; worstGrade: string | null }[];
    expect(districts.length).toBeGreaterThan(1);
    const cells = page.getByTestId('district-grid').locator('button');
    await expect.poll(() => cells.count()).toBe(districts.length);
    for (const d of districts) {
      const cell = page.locator(`[data-district="${d.district}"]`);
      expect(await cell.getAttribute('data-grade')).toBe(d.worstGrade ?? '');
    }
    // Both charts drew on their canvas.
    for (const id of ['trend-chart', 'steps-chart'])
      await expect.poll(() => page.getByTestId(id).locator('canvas').count()).toBeGreaterThan(0);
    // The menu: the inspector's pages that exist, nothing of the admin's.
    const menu = await page.getByRole('menuitem').allTextContents();
    expect(menu.map((m) => m.trim())).toEqual(expect.arrayContaining(['总览', '项目']));
    expect(menu.join()).not.toContain('用户');
    await screenshot(page, 'cockpit');
    await expectAccessible(page, 'cockpit');
    expectNoProblems(cockpit);
  });

  let projectId: string;
  it('a district cell opens the project list of that district, as the API lists it', async () => {
    const { page } = cockpit;
    const dash = await lead.get('/v1/dashboard');
    const district = (dash.body.districts as { district: string; projects: number }[]).find(
      (d) => d.projects > 0,
    )!;
    await page.locator(`[data-district="${district.district}"]`).click();
    await page.waitForURL(/\/projects\?/);
    expect(new URL(page.url()).searchParams.get('district')).toBe(district.district);
    const list = await lead.get(`/v1/projects?district=${encodeURIComponent(district.district)}`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(district.projects);
    await expect.poll(() => text(page, 'project-total')).toContain(String(list.body.total));
    const links = page.getByTestId('project-table').locator('a[data-project]');
    await expect.poll(() => links.count()).toBe(list.body.items.length);
    expect(await links.allTextContents()).toEqual(list.body.items.map((p: { name: string }) => p.name));
    projectId = list.body.items[0].projectId;
    await screenshot(page, 'projects');
    await expectAccessible(page, 'project list');
    expectNoProblems(cockpit);
  });

  it('a project page shows its sections from the services that own them', async () => {
    const { page } = cockpit;
    await page.locator(`a[data-project="${projectId}"]`).click();
    await page.waitForURL(new RegExp(`/projects/${projectId}$`));
    const [detail, deposit, payrolls] = await Promise.all([
      lead.get(`/v1/projects/${projectId}`),
      lead.get(`/v1/projects/${projectId}/deposit`),
      lead.get(`/v1/projects/${projectId}/payrolls`),
    ]);
    for (const r of [detail, deposit, payrolls]) expect(r.status, JSON.stringify(r.body)).toBe(200);
    await expect.poll(() => text(page, 'project-name')).toBe(detail.body.name);
    expect(await text(page, 'project-grade')).toBe(detail.body.riskGrade?.grade ?? '未评级');
    expect(await text(page, 'next-pay-date')).toBe(detail.body.nextPayDate.due);
    expect(await text(page, 'pay-date-rule')).toBe(detail.body.payDateRule.text);
    expect(await page.getByTestId('parties').textContent()).toContain(detail.body.parties.contractor.name);
    expect(await text(page, 'deposit-shortfall')).toBe(yuan(deposit.body.shortfall));
    const rows = (id: string) => page.getByTestId(id).locator('tbody tr.el-table__row');
    expect(await rows('findings').count()).toBe(detail.body.openFindings.length);
    expect(await rows('cases').count()).toBe(detail.body.cases.length);
    const versions = payrolls.body.periods.reduce(
      (n: number, p: { versions: unknown[] }) => n + p.versions.length,
      0,
    );
    expect(versions).toBeGreaterThan(0);
    expect(await rows('payroll-versions').count()).toBe(versions);
    // Payments per worker for the latest month, ID and card masked as the API masks them.
    const period = payrolls.body.periods.at(-1).period;
    const payments = await lead.get(`/v1/projects/${projectId}/payments?period=${period}`);
    expect(payments.status, JSON.stringify(payments.body)).toBe(200);
    await expect.poll(() => rows('payments').count()).toBe(payments.body.items.length);
    const shown = (await page.getByTestId('payments').textContent()) ?? '';
    expect(shown).not.toMatch(/\d{17}[\dX]|\d{16,}/);
    expect(await page.getByTestId('public-notice').getAttribute('href')).toBe(detail.body.publicNoticeUrl);
    // The month's export for the national platform: the same file the API gives, as a download.
    const link = page.getByTestId('export-national');
    await expect.poll(() => link.isVisible()).toBe(true);
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(
      new RegExp(`^/v1/projects/${projectId}/exports/national-payroll\\?period=\\d{4}-\\d{2}$`),
    );
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^national-payroll-.+\.json$/);
    const file = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    const fromApi = await lead.get(href);
    expect(fromApi.status, JSON.stringify(fromApi.body)).toBe(200);
    expect(file).toEqual(fromApi.body);
    expect(file.detailList.length).toBeGreaterThan(0);
    await screenshot(page, 'project');
    await expectAccessible(page, 'project page');
    expectNoProblems(cockpit);
  });

  it('发放率 from the menu: the month’s rates, compliance, the employers not compliant and the trend, as the API answers', async () => {
    const { page } = cockpit;
    await page.getByRole('menuitem', { name: '发放率' }).click();
    await page.waitForURL(/\/rates/);
    const [rates, delinquency] = await Promise.all([
      lead.get('/v1/rates'),
      lead.get('/v1/rates/delinquency'),
    ]);
    for (const r of [rates, delinquency]) expect(r.status, JSON.stringify(r.body)).toBe(200);
    // The demo's months are due and partly paid: real figures, and some employer not compliant.
    expect(rates.body.period).not.toBeNull();
    expect(rates.body.total.workersDue).toBeGreaterThan(0);
    await expect.poll(() => text(page, 'on-time-in-full')).toBe(percent(rates.body.total.onTimeInFull));
    expect(await text(page, 'on-time-any')).toBe(percent(rates.body.total.onTimeAny));
    expect(await text(page, 'amount-on-time')).toBe(percent(rates.body.total.amountOnTime));
    expect((await text(page, 'compliance'))?.replace(/\s/g, '')).toBe(
      `${rates.body.total.compliantProjects}/${rates.body.total.nonCompliantProjects}`,
    );
    expect(await text(page, 'policy')).toContain(rates.body.policy.name);
    expect(await text(page, 'recovered')).toBe(yuan(rates.body.total.amountRecovered));
    const lifecycle = await lead.get('/v1/findings/lifecycle');
    expect(lifecycle.status, JSON.stringify(lifecycle.body)).toBe(200);
    expect(lifecycle.body.findings).toBeGreaterThan(0);
    expect(await text(page, 'verified-within-sla')).toBe(percent(lifecycle.body.verifiedWithinSlaShare));
    expect(await text(page, 'with-feedback')).toBe(percent(lifecycle.body.withFeedbackShare));
    expect(await text(page, 'closed')).toBe(percent(lifecycle.body.closedShare));
    const rows = (id: string) => page.getByTestId(id).locator('tbody tr.el-table__row');
    await expect.poll(() => rows('rate-groups').count()).toBe(rates.body.groups.length);
    if (rates.body.nonCompliantEmployers.length > 0)
      expect(await rows('non-compliant').count()).toBe(rates.body.nonCompliantEmployers.length);
    if (delinquency.body.projects.length > 0)
      expect(await rows('delinquency').count()).toBe(delinquency.body.projects.length);
    await expect.poll(() => page.getByTestId('rates-trend').locator('canvas').count()).toBeGreaterThan(0);
    await screenshot(page, 'rates');
    // By employer: one row per contractor of the month's rates.
    await page.getByText('按用工单位').click();
    await page.waitForURL(/groupBy=contractor/);
    const employers = await lead.get(`/v1/rates?period=${rates.body.period}&groupBy=contractor`);
    await expect.poll(() => rows('rate-groups').count()).toBe(employers.body.groups.length);
    await page.getByText('按项目').click();
    await expect.poll(() => rows('rate-groups').count()).toBe(rates.body.groups.length);
    await expectAccessible(page, 'rates');
    expectNoProblems(cockpit);
  });

  it('an inspector of 东区 opening a 西区 project by URL sees 无权访问, and nothing of the project', async () => {
    const all = await lead.get('/v1/projects?district=%E8%A5%BF%E5%8C%BA');
    expect(all.status).toBe(200);
    const west = all.body.items[0] as { projectId: string; name: string };
    expect((await east.get(`/v1/projects/${west.projectId}`)).status).toBe(403);
    const w = await openPage(browser);
    const { page } = w;
    await logIn(page, people.east.login, true);
    await page.goto(`${base}/projects/${west.projectId}`);
    await expect.poll(() => page.getByTestId('forbidden').isVisible()).toBe(true);
    expect(await page.getByTestId('forbidden').textContent()).toContain('无权访问');
    expect(await page.locator('body').textContent()).not.toContain(west.name);
    await screenshot(page, 'forbidden');
    await expectAccessible(page, 'forbidden');
    // Its own cockpit shows 东区 alone.
    await page.goto(`${base}/cockpit`);
    await expect.poll(() => page.getByTestId('district-grid').locator('button').count()).toBe(1);
    expect(await page.locator('[data-district="东区"]').count()).toBe(1);
    expectNoProblems(w);
    await w.context.close();
    await cockpit.context.close();
  });

  it('工资查询 on a phone: a wrong card and a malformed ID are refused, the right pair shows the worker’s months', async () => {
    // A demo worker on a payroll sheet, and the card registered for them.
    const [w] = await t.db.query<{ id_number: string; account_no: string }>(
      `SELECT w.id_number, w.account_no FROM ledger.workers w
         JOIN ledger.payroll_lines l ON l.id_number = w.id_number
         JOIN ledger.payroll_sheets s ON s.sheet_id = l.sheet_id AND s.project_id = w.project_id
        ORDER BY w.project_id, w.id_number LIMIT 1`,
    );
    const api = await t.api.post('/public/wages/lookup', {
      idNumber: w!.id_number,
      cardLast6: w!.account_no.slice(-6),
    });
    expect(api.status, JSON.stringify(api.body)).toBe(200);
    expect(api.body.months.length).toBeGreaterThan(0);
    const phone = await openPage(browser, PHONE);
    const { page } = phone;
    await page.goto(`${base}/public/wages.html`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('工资查询');
    const ask = async (id: string, digits: string) => {
      await page.getByLabel('身份证号').fill(id);
      await page.getByLabel(/后六位/).fill(digits);
      await page.getByRole('button', { name: '查询' }).click();
    };
    await ask(w!.id_number, '999999');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('没有找到与这两项信息相符的工资记录');
    await ask(`${w!.id_number.slice(0, 17)}${w!.id_number.endsWith('0') ? '1' : '0'}`, '123456');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('格式不正确');
    await ask(w!.id_number, w!.account_no.slice(-6));
    const months = page.locator('article.month');
    await expect.poll(() => months.count()).toBe(api.body.months.length);
    expect(await page.getByRole('alert').isVisible()).toBe(false);
    const first = api.body.months[0];
    expect(await months.first().getAttribute('data-period')).toBe(first.period);
    expect(await months.first().textContent()).toContain(yuan(first.paid));
    expect(await page.locator('#who').textContent()).toContain(api.body.name);
    // Nothing of the full ID or card is on the page.
    expect(await page.content()).not.toContain(w!.account_no);
    // Fits a phone: nothing wider than the screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );
    await screenshot(page, 'wages-phone');
    await expectAccessible(page, 'wage lookup');
    expectNoProblems(phone);
    await phone.context.close();
  });

  it('the demo project manager logs in on a phone without a password change and sees their projects', async () => {
    const pm = demoUsers.find((u) => u.login === 'pm')!;
    expect(pm.role).toBe('project-manager');
    const ids = pm.scope.replace(/^projects /, '').split(', ');
    const asPm = t.api.as(t.key('project-manager', { projectIds: ids }));
    const list = await asPm.get('/v1/projects');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(ids.length);
    const w = await openPage(browser, PHONE);
    const { page } = w;
    await page.goto(`${base}/`);
    await page.getByLabel('账号').fill(pm.login);
    await page.getByLabel('密码', { exact: true }).fill(pm.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/my-projects$/);
    await page.goto(`${base}/projects`);
    const links = page.getByTestId('project-table').locator('a[data-project]');
    await expect.poll(() => links.count()).toBe(ids.length);
    expect((await links.allTextContents()).map((x) => x.trim())).toEqual(
      list.body.items.map((p: { name: string }) => p.name),
    );
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'projects-pm-phone');
    await expectAccessible(page, 'projects (project manager, phone)');
    await links.first().click();
    await expect.poll(() => text(page, 'project-name')).toBe(list.body.items[0].name);
    await screenshot(page, 'project-pm-phone');
    await expectAccessible(page, 'project page (project manager, phone)');
    expectNoProblems(w);
    await w.context.close();
  });
});
