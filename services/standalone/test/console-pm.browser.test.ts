import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percent } from '../../console/src/format.ts';
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
} from './console-browser.ts';
import { requireConsoleBuild } from './console-helpers.ts';
import { type ApiClient, startTestSystem, type TestSystem } from './harness.ts';

/** A full-page screenshot from the top (a page scrolled by a click would draw the sticky header mid-page). */
async function shot(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
  await screenshot(page, name);
}

if (!hasChromium)
  console.warn(
    `\n*** SKIPPED console browser tests: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does) ***\n`,
  );

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** The demo PM's first project, the one the fixture sheets are written for (fixtures/README.md). */
const PROJECT = 'PZH-2026-001';
/** The harness's clock is 2026-11-29 (Asia/Shanghai): the demo has no sheet for this month yet. */
const PERIOD = '2026-11';

/**
 * The project manager's console in Debian's chromium against the real embedded system with the
 * demo city, logged in as the demo PM (`pm`, no forced password change, as the demo prints it):
 * my projects at a phone's width, the GBK payroll fixture through the validator (its row errors
 * with the sheet's column names, in Chinese), submitted, its new version; the roster dry run; a
 * case's justification.
 */
describe.skipIf(!hasChromium)('the console for project managers, in Chromium', () => {
  let t: TestSystem;
  let browser: Browser;
  let base: string;
  let pm: DemoUser;
  /** A key with the demo PM's scope: what the API answers the PM. */
  let pmApi: ApiClient;

  beforeAll(async () => {
    t = await startTestSystem({
      embedded: { consoleDir: requireConsoleBuild(), protection: { maxEventLoopDelayMs: 0 } },
    });
    base = t.api.baseUrl;
    await loadDemo(t.system, t.apiKeys, t.clock, t.system.app.log as never);
    await t.settle();
    const users = await createDemoUsers(t.apiKeys.sessions!, t.db);
    pm = users.find((u) => u.login === 'pm')!;
    expect(pm, JSON.stringify(users.map((u) => u.login))).toBeDefined();
    const me = await t.admin.get('/v1/admin/users');
    const scope = (me.body.items as { login: string; scope: { projectIds: string[] } }[]).find(
      (u) => u.login === 'pm',
    )!.scope;
    expect(scope.projectIds).toContain(PROJECT);
    pmApi = t.api.as(t.key('project-manager', scope));
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${base}/login`);
    await page.getByLabel('账号').fill(pm.login);
    await page.getByLabel('密码', { exact: true }).fill(pm.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }

  it('my projects on a phone (390×844): each of the PM’s projects with its findings, cases and next pay date', async () => {
    const w = await openPage(browser, PHONE);
    const { page } = w;
    await logIn(page);
    await page.goto(`${base}/my-projects`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('我的项目');
    const answer = await pmApi.get('/v1/projects?limit=200');
    expect(answer.status).toBe(200);
    const cards = page.locator('[data-project]');
    await expect.poll(() => cards.count()).toBe(answer.body.total);
    expect(answer.body.total).toBe(3);
    const detail = await pmApi.get(`/v1/projects/${PROJECT}`);
    const next = detail.body.nextPayDate as { due: string; period: string };
    expect(next.due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const card = page.locator(`[data-project="${PROJECT}"]`);
    await expect
      .poll(() => card.getByTestId('next-pay-date').textContent())
      .toBe(`${next.due}（发放 ${next.period} 工资）`);
    expect(await card.textContent()).toContain(detail.body.name);
    // Usable at 390 wide: nothing wider than the screen.
    const overflow = await page.locator('html').evaluate((el) => el.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(PHONE.width);
    await expectAccessible(page, 'my projects (phone)');
    await shot(page, 'pm-my-projects-390x844');
    expectNoProblems(w);
    await w.context.close();
  });

  it('发放率 for the PM: their three projects’ rates only, at a phone’s width', async () => {
    const w = await openPage(browser, PHONE);
    const { page } = w;
    await logIn(page);
    await page.goto(`${base}/rates`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('工资发放率与合规');
    const rates = await pmApi.get('/v1/rates');
    expect(rates.status, JSON.stringify(rates.body)).toBe(200);
    const mine = (await pmApi.get('/v1/projects?limit=200')).body.items.map(
      (p: { projectId: string }) => p.projectId,
    );
    expect(rates.body.groups.map((g: { key: string }) => g.key).every((k: string) => mine.includes(k))).toBe(
      true,
    );
    const rows = page.getByTestId('rate-groups').locator('tbody tr.el-table__row');
    await expect.poll(() => rows.count()).toBe(rates.body.groups.length);
    expect((await page.getByTestId('on-time-in-full').textContent())?.trim()).toBe(
      percent(rates.body.total.onTimeInFull),
    );
    // No district filter or district grouping for a project manager.
    expect(await page.getByText('按区域').count()).toBe(0);
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'rates-pm-phone');
    await expectAccessible(page, 'rates (PM, phone)');
    expectNoProblems(w);
    await w.context.close();
  });

  it('uploads the GBK fixture sheet: sees its row errors and totals, submits the good rows, sees version 1', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await logIn(page);
    await page.goto(`${base}/upload/payroll?projectId=${PROJECT}&period=${PERIOD}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('工资表上传');
    await page.locator('input[type=file]').setInputFiles(`${FIXTURES}demo-payroll-gbk.csv`);
    const report = page.getByTestId('dry-run');
    await expect.poll(() => report.isVisible(), { timeout: 20_000 }).toBe(true);
    // fixtures/README.md: ten workers, 7 kept (40,930.00), 3 rejected, one unregistered warning.
    expect(await page.getByTestId('dry-rows').textContent()).toBe('10');
    expect(await page.getByTestId('dry-accepted').textContent()).toBe('7');
    expect(await page.getByTestId('dry-errors').textContent()).toBe('3');
    expect(await page.getByTestId('dry-total').textContent()).toBe('¥40,930.00');
    expect(await report.textContent()).toContain('CSV · GBK');
    const rows = page.getByTestId('row-issues').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const cells = async (i: number) =>
      (await rows.nth(i).locator('td').allTextContents()).map((c) => c.trim());
    expect(await cells(0)).toEqual(['10', '错误', '身份证号码', expect.stringContaining('身份证') as never]);
    expect((await cells(1)).slice(0, 3)).toEqual(['11', '提醒', '身份证号码']);
    expect((await cells(1))[3]).toContain('未在本项目实名登记');
    expect((await cells(2)).slice(0, 3)).toEqual(['12', '错误', '实发工资']);
    expect((await cells(3)).slice(0, 3)).toEqual(['13', '错误', '实发工资']);
    // Nothing of the dry run was stored.
    expect((await pmApi.get(`/v1/projects/${PROJECT}/payrolls/${PERIOD}`)).status).toBe(404);
    await expectAccessible(page, 'payroll dry run');
    await shot(page, 'pm-payroll-dry-run');

    await page.getByTestId('upload-submit').click();
    const answer = page.getByTestId('submit-answer');
    await expect.poll(() => answer.textContent(), { timeout: 20_000 }).toContain('第 1 版已生效');
    expect(await answer.textContent()).toContain('¥40,930.00');
    const versions = page.getByTestId('versions');
    await expect.poll(() => versions.locator('tbody tr').count()).toBe(1);
    const stored = await pmApi.get(`/v1/projects/${PROJECT}/payrolls/${PERIOD}`);
    expect(stored.status).toBe(200);
    expect(stored.body.versions).toHaveLength(1);
    expect(stored.body.versions[0].lineCount).toBe(7);
    const first = (await versions.locator('tbody tr').first().locator('td').allTextContents()).map((c) =>
      c.trim(),
    );
    expect(first[0]).toBe('1');
    expect(first[1]).toBe('生效');
    expect(first).toContain('demo-payroll-gbk.csv');
    expect(first).toContain('¥40,930.00');
    // Submitted, the check gives way to the answer and the month's versions.
    expect(await page.getByTestId('dry-run').count()).toBe(0);
    await expectAccessible(page, 'payroll submitted');
    await shot(page, 'pm-payroll-submitted');
    expectNoProblems(w);
    await w.context.close();
  });

  it('a sheet for a past month that leaves workers out needs a reason, and is submitted as a correction request (202)', async () => {
    // 2026-10 is a demo month, due 2026-11-10: the fixture lowers and drops what workers are owed.
    const late = '2026-10';
    const before = await pmApi.get(`/v1/projects/${PROJECT}/payrolls/${late}`);
    expect(before.status).toBe(200);
    const w = await openPage(browser);
    const { page } = w;
    await logIn(page);
    await page.goto(`${base}/upload/payroll?projectId=${PROJECT}&period=${late}`);
    await page.locator('input[type=file]').setInputFiles(`${FIXTURES}demo-payroll-gbk.csv`);
    const outcome = page.getByTestId('dry-outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 20_000 }).toContain('按现状无法提交');
    expect(await outcome.textContent()).toContain('须填写更正原因');
    await page.getByLabel('更正原因').fill('原表多列了已退场工人，按实际出勤更正');
    await page.getByTestId('upload-submit').click();
    const answer = page.getByTestId('submit-answer');
    await expect.poll(() => answer.textContent(), { timeout: 20_000 }).toContain('已提交为更正申请');
    expect(await answer.textContent()).toContain('待区域监察员审批');
    const after = await pmApi.get(`/v1/projects/${PROJECT}/payrolls/${late}`);
    expect(after.body.versions).toHaveLength(before.body.versions.length + 1);
    expect(after.body.effectiveVersion).toBe(before.body.effectiveVersion);
    const pending = (after.body.corrections as { status: string; reason: string }[]).filter(
      (c) => c.status === 'pending',
    );
    expect(pending.map((c) => c.reason)).toEqual(['原表多列了已退场工人，按实际出勤更正']);
    const rows = page.getByTestId('versions').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(after.body.versions.length);
    expect(await page.getByTestId('versions').textContent()).toContain('更正待审核');
    await expectAccessible(page, 'payroll correction request');
    await shot(page, 'pm-payroll-correction-202');
    expectNoProblems(w);
    await w.context.close();
  });

  it('checks the roster fixture: two good rows, the three rows in error by column, nothing registered', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await logIn(page);
    await page.goto(`${base}/upload/roster?projectId=${PROJECT}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('花名册上传');
    await page.locator('input[type=file]').setInputFiles({
      name: 'demo-roster.csv',
      mimeType: 'text/csv',
      buffer: readFileSync(`${FIXTURES}demo-roster.csv`),
    });
    await expect.poll(() => page.getByTestId('dry-run').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByTestId('dry-rows').textContent()).toBe('5');
    expect(await page.getByTestId('dry-accepted').textContent()).toBe('2');
    expect(await page.getByTestId('dry-errors').textContent()).toBe('3');
    const rows = page.getByTestId('row-issues').locator('tbody tr');
    const fields = async () =>
      Promise.all(
        [0, 1, 2].map(async (i) => (await rows.nth(i).locator('td').allTextContents()).map((c) => c.trim())),
      );
    await expect.poll(() => rows.count()).toBe(3);
    const got = await fields();
    expect(got.map((r) => [r[0], r[2]])).toEqual([
      ['4', '身份证号码'],
      ['5', '银行卡号'],
      ['6', '进场日期'],
    ]);
    expect(got[1]![3]).toBe('只能包含数字（可含空格和连字符）');
    expect(await page.getByTestId('dry-outcome').textContent()).toContain('可以提交');
    await expectAccessible(page, 'roster dry run');
    await shot(page, 'pm-roster-dry-run');
    // All or nothing: the same file could not be submitted at all.
    await page.getByTestId('upload-atomic').click();
    await expect.poll(() => page.getByTestId('dry-outcome').textContent()).toContain('按现状无法提交');
    expect(await page.getByTestId('upload-submit').textContent()).toContain('整表提交');
    expect(await page.getByTestId('upload-submit').isDisabled()).toBe(true);
    const roster = await t.db.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM ingest.workers WHERE project_id = $1 AND name IN ('赵新民', '钱红梅')",
      [PROJECT],
    );
    expect(Number(roster[0]!.n)).toBe(0);
    expectNoProblems(w);
    await w.context.close();
  });

  it('opens a case of the PM’s projects, sees its findings, submits a justification and sees it awaiting a decision', async () => {
    const open = await pmApi.get('/v1/cases?status=open');
    expect(open.status).toBe(200);
    const withFindings = (open.body.cases as { caseId: string; openFindings: number }[]).find(
      (c) => c.openFindings > 0,
    );
    expect(withFindings, 'the demo PM has an open case').toBeDefined();
    const caseId = withFindings!.caseId;
    const before = await pmApi.get(`/v1/cases/${caseId}`);
    const w = await openPage(browser);
    const { page } = w;
    await logIn(page);
    await page.goto(`${base}/my-projects`);
    await page.locator(`a[href="/my-cases/${caseId}"]`).first().click();
    await page.waitForURL(new RegExp(`/my-cases/${caseId}$`));
    const findings = page.getByTestId('case-findings').locator('tbody tr');
    await expect.poll(() => findings.count()).toBe(before.body.findings.length);
    const pending = (before.body.justifications as { decision: string | null }[]).some(
      (j) => j.decision === null,
    );
    expect(pending, 'no justification is pending on the demo case').toBe(false);
    const text = '11月工资因总包结算延迟，已于本周补发，附银行回单。';
    await page.getByLabel('情况说明（延迟原因与整改安排）').fill(text);
    await page.getByRole('button', { name: '提交情况说明' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('情况说明已提交');
    const list = page.getByTestId('justifications');
    await expect.poll(() => list.textContent()).toContain(text);
    expect(await list.textContent()).toContain('待审核');
    const after = await pmApi.get(`/v1/cases/${caseId}`);
    const mine = (after.body.justifications as { text: string; submittedBy: string; decision: null }[]).at(
      -1,
    )!;
    expect(mine.text).toBe(text);
    expect(mine.decision).toBeNull();
    await expectAccessible(page, 'PM case');
    await shot(page, 'pm-case-justification');
    expectNoProblems(w);
    await w.context.close();
  });

  it('cannot reach another project by URL: its case and an upload to it show 无权访问, nothing stored', async () => {
    const mine = new Set(
      ((await pmApi.get('/v1/projects?limit=200')).body.items as { projectId: string }[]).map(
        (p) => p.projectId,
      ),
    );
    const all = (await t.admin.get('/v1/cases?limit=1000')).body.cases as {
      caseId: string;
      projectId: string;
    }[];
    const other = all.find((c) => !mine.has(c.projectId));
    expect(other, 'the demo city has a case outside the PM’s projects').toBeDefined();
    const w = await openPage(browser);
    const { page } = w;
    await logIn(page);
    await page.goto(`${base}/my-cases/${other!.caseId}`);
    await expect.poll(() => page.getByTestId('forbidden').isVisible()).toBe(true);
    expect(await page.locator('body').textContent()).not.toContain(other!.projectId);

    await page.goto(`${base}/upload/payroll?projectId=${other!.projectId}&period=${PERIOD}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('工资表上传');
    await page.locator('input[type=file]').setInputFiles(`${FIXTURES}demo-payroll-gbk.csv`);
    await expect.poll(() => page.getByTestId('forbidden').isVisible()).toBe(true);
    expect(
      (await t.admin.get(`/v1/projects/${other!.projectId}/payrolls`)).body.periods.map(
        (p: { period: string }) => p.period,
      ),
    ).not.toContain(PERIOD);
    expectNoProblems(w);
    await w.context.close();
  });
});
