import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineBody, registerProject, workerBody } from './api-helpers.ts';
import {
  CHROMIUM,
  expectAccessible,
  expectNoProblems,
  hasChromium,
  LAPTOP,
  launchChromium,
  openPage,
  screenshot,
  type Watched,
} from './console-browser.ts';
import { requireConsoleBuild } from './console-helpers.ts';
import { type ApiResponse, startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';
import { readPdf } from './pdf.ts';

/**
 * The inspector's work pages (issue 12, "Inspector" points 3–5) in a real browser: Debian's
 * chromium driven by playwright-core against the whole embedded system serving the console's
 * build. A person logs in, decides a project manager's justification, assigns and resolves a task,
 * sees an alert arrive live and opens a campaign report — each asserted on what the page shows,
 * each page checked by axe and screenshotted (artifacts/screenshots/inspector-*.png) at 1366×768.
 */
if (!hasChromium) {
  console.warn(
    `\n*** SKIPPED console inspector browser test: ${CHROMIUM} is missing (apt-get install chromium; .ci/run does) ***\n`,
  );
}

/** The system's today: working day 15 after the case opened, when the ladder opens its task. */
const NOW = new Date('2026-12-04T09:00:00+08:00');
/** Lower scrypt cost than production: the hashes are real, the test stays quick. */
const SESSIONS = { scrypt: { N: 2 ** 12, r: 8, p: 1 } };

/** A browser as the API sees one, for the people who act outside the page (the PM, the setup). */
class Person {
  cookie: string | undefined;
  csrf: string | undefined;
  constructor(readonly baseUrl: string) {}
  async request<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = `ww_session=${this.cookie}`;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const m = /ww_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '');
    if (m) this.cookie = m[1] || undefined;
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }
  async login(login: string, password: string) {
    const res = await this.request('POST', '/v1/session', { login, password });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    this.csrf = res.body.csrfToken;
  }
}

describe.skipIf(!hasChromium)('the inspector’s work pages in Chromium', () => {
  let t: TestSystem;
  let browser: Browser;
  let w: Watched;
  let page: Page;
  let P1: string;
  let P2: string;
  let caseId: string;
  let sheetRef: string;
  let P3: string;
  let criticalCaseId: string;
  const colleague = { login: 'second.inspector', name: '赵复核', password: 'second-inspector-pass-1' };
  const inspector = { login: 'inspector.ui', name: '李监察', password: 'inspector-ui-password-1' };
  const pm = { login: 'pm.ui', name: '王经理', password: 'pm-ui-password-0001' };

  /** An admin creates the user, who logs in once and sets a password of their own (users an admin creates must). */
  async function createPerson(
    u: { login: string; name: string; password: string },
    role: string,
    scope: object,
  ) {
    const first = `${u.password}-first`;
    const res = await t.admin.post('/v1/admin/users', {
      login: u.login,
      name: u.name,
      role,
      scope,
      password: first,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const p = new Person(t.api.baseUrl);
    await p.login(u.login, first);
    const changed = await p.request('POST', '/v1/session/password', {
      currentPassword: first,
      newPassword: u.password,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
    return p;
  }

  /** No serious or critical accessibility violation, once fades have ended (mid-fade text reads as low contrast). */
  async function axe(name: string) {
    // A table's v-loading mask fades out after its rows are drawn: text under it reads as low contrast.
    await page
      .locator('.el-loading-mask')
      .first()
      .waitFor({ state: 'detached', timeout: 5000 })
      .catch(() => {});
    await page.evaluate(
      'Promise.allSettled(document.getAnimations().map((a) => a.finished)).then(() => true)',
    );
    await expectAccessible(page, name);
  }
  /** From the top: the sticky header would otherwise be drawn where the page was scrolled to. */
  async function shot(name: string) {
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, `inspector-${name}`);
  }
  /** A form field by its test id: Element Plus puts the id on the input itself or on its wrapper. */
  const field = (testId: string) =>
    page
      .locator(
        [
          `input[data-testid="${testId}"]`,
          `textarea[data-testid="${testId}"]`,
          `[data-testid="${testId}"] input:not([type=hidden])`,
          `[data-testid="${testId}"] textarea`,
        ].join(', '),
      )
      .first();
  const text = async (testId: string) =>
    ((await page.getByTestId(testId).first().textContent()) ?? '').trim();

  async function logIn(p: Page, u: { login: string; password: string }) {
    await p.goto(`${t.api.baseUrl}/login`);
    await p.locator('input[name=login]').fill(u.login);
    await p.locator('input[name=password]').fill(u.password);
    await p.locator('.ww-login-submit').click();
    await p.waitForURL(/\/cockpit$/);
  }

  beforeAll(async () => {
    t = await startTestSystem({
      now: NOW,
      embedded: { consoleDir: requireConsoleBuild(), sessions: SESSIONS },
    });
    ({ projectId: P1 } = await registerProject(t, 1, { startDate: '2026-06-01', permitDate: '2026-05-01' }));
    ({ projectId: P2 } = await registerProject(t, 2, { startDate: '2026-06-01', permitDate: '2026-05-01' }));
    // October's payroll sheet for P1 (the finding's evidence), then, after its due date, a second
    // version that lowers a worker's amount: a correction request for the district's inspector.
    const pmKey = t.api.as(t.key('project-manager', { projectIds: [P1] }));
    expect(
      (await pmKey.post(`/v1/projects/${P1}/workers`, { workers: [workerBody(1), workerBody(2)] })).status,
    ).toBe(200);
    const sheet = await pmKey.post(`/v1/projects/${P1}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1), lineBody(2)],
    });
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(201);
    const lowered = await pmKey.post(`/v1/projects/${P1}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1, { amountDue: '4000.00' }), lineBody(2)],
      reason: '工人1号10月实际出勤18天',
    });
    expect(lowered.status, JSON.stringify(lowered.body)).toBe(202);
    const periods = (await t.admin.get(`/v1/projects/${P1}/payrolls`)).body.periods;
    sheetRef = `payroll-sheet:${periods[0].versions[0].sheetId}:v1`;
    await t.settle();
    // The third quarter's screening, run once after the quarter ended: a campaign report per district.
    await inspectionSweep(t, '2026-10-09T18:00:00+08:00');
    // P3 (after the screening): arrears growing, so its case is at the critical step at once.
    ({ projectId: P3 } = await registerProject(t, 3, { startDate: '2026-06-01', permitDate: '2026-05-01' }));
    await t.settle();
    await publishFinding(
      t,
      {
        findingId: 'F-UI-3',
        projectId: P3,
        responsible: contractorOf(3),
        rule: 'arrears-growing',
        severity: 'critical',
        amountOwed: '96000.00',
      },
      '2026-11-16T10:00:00+08:00',
    );
    await publishFinding(
      t,
      {
        findingId: 'F-UI-1',
        projectId: P1,
        responsible: contractorOf(1),
        period: '2026-10',
        dueDate: '2026-11-13',
        amountOwed: '5200.00',
        worker: { idNumberMasked: '510402********1234', name: '张三' },
        evidence: [sheetRef],
      },
      '2026-11-16T10:00:00+08:00',
    );
    await inspectionSweep(t, NOW.toISOString());
    const cases = await t.admin.get(`/v1/cases?projectId=${P1}`);
    caseId = cases.body.cases[0].caseId;
    const critical = (await t.admin.get(`/v1/cases?projectId=${P3}`)).body.cases[0];
    expect(critical.level).toBe('critical');
    criticalCaseId = critical.caseId;

    await createPerson(inspector, 'inspector', { districts: ['东区'] });
    await createPerson(colleague, 'inspector', { districts: ['东区'] });
    const manager = await createPerson(pm, 'project-manager', { projectIds: [P1, P3] });
    const onCritical = await manager.request('POST', `/v1/cases/${criticalCaseId}/justifications`, {
      text: '总包资金链紧张，已申请动用工资保证金',
    });
    expect(onCritical.status, JSON.stringify(onCritical.body)).toBe(201);
    const justified = await manager.request('POST', `/v1/cases/${caseId}/justifications`, {
      text: '业主人工费用拨付延迟，已于12月3日到账，12月8日前补发',
    });
    expect(justified.status, JSON.stringify(justified.body)).toBe(201);

    browser = await launchChromium();
    w = await openPage(browser, LAPTOP);
    page = w.page;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs in as the district’s inspector and lists the cases', async () => {
    await logIn(page, inspector);
    for (const item of ['案件', '任务', '预警', '专项行动'])
      expect(await page.locator('.ww-nav').getByText(item, { exact: true }).isVisible(), item).toBe(true);

    await page.locator('.ww-nav').getByText('案件', { exact: true }).click();
    await page.waitForURL(/\/cases/);
    const row = page.locator(`[data-case="${caseId}"]`);
    await row.waitFor();
    expect(await text('case-total')).toBe('共 2 件'); // P1's and the critical one of P3
    const line = (await page.getByTestId('case-table').locator('tr', { has: row }).textContent()) ?? '';
    for (const shown of [P1, '总包1', '东区', '高']) expect(line, shown).toContain(shown);
    // The list as CSV for Excel (issue 14 §2): the inspector's own cases, with the list's filter.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-cases').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^cases-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = csv.slice(1).trimEnd().split('\r\n');
    expect(rows[0]).toContain('"案件编号"');
    expect(rows.length).toBe(1 + 2); // the same two open cases as the list
    expect(csv).toContain(`"${caseId}"`);
    expect(await page.getByTestId('export-findings').getAttribute('href')).toBe('/v1/findings/export');
    await axe('cases');
    await shot('cases');
  });

  it('shows the case: its ladder as a timeline, the findings with legal basis and evidence, the pending justification', async () => {
    await page.locator(`[data-case="${caseId}"]`).click();
    await page.waitForURL(new RegExp(`/cases/${caseId}$`));
    await page.getByTestId('case-summary').waitFor();
    expect(await text('case-status')).toBe('办理中');
    const history = await text('case-history');
    expect(history).toContain('立案');
    expect(history).toContain('提交情况说明');
    const findings = await text('case-findings');
    for (const shown of [
      '未发放工资',
      '2026-10',
      '2026-11-13',
      '¥5,200.00',
      '张三',
      '510402********1234',
      '724',
    ])
      expect(findings, shown).toContain(shown);
    expect(await text('pending-justification')).toContain('业主人工费用拨付延迟');
    // The evidence behind the finding: the payroll sheet, looked up on demand.
    await page.getByTestId('case-findings').getByRole('button', { name: sheetRef }).click();
    const evidence = page.getByTestId('evidence-dialog');
    await evidence.getByText('payroll-sheet ·').waitFor();
    expect(await evidence.textContent()).toContain(P1);
    await axe('case evidence');
    await evidence
      .getByRole('button', { name: /close|关闭/i })
      .first()
      .click();
    await evidence.waitFor({ state: 'hidden' });
    await page.getByTestId('task-table').locator('[data-task]').first().waitFor();
    await axe('case');
  });

  it('refuses a pause in the past with the server’s problem, then accepts with a pause date and a reason', async () => {
    // A reason is required: said at once, nothing sent.
    await page.getByTestId('decision-submit').click();
    expect(await text('decision-error')).toBe('请填写理由');

    const date = field('pause-until');
    await date.fill('2026-12-01');
    await date.press('Enter');
    await field('decision-reason').fill('已核实业主拨付凭证，给予补发期限');
    await page.getByTestId('decision-submit').click();
    await page.getByTestId('decision-error').getByText('pauseUntil').first().waitFor();
    const problem = (await page.getByTestId('decision-form').textContent()) ?? '';
    expect(problem).toContain('pauseUntil');
    expect(problem).toMatch(/past|过去/);
    // Nothing of the refused decision was stored.
    expect((await t.admin.get(`/v1/cases/${caseId}`)).body.justifications[0].decision).toBeNull();

    await date.fill('2026-12-15');
    await date.press('Enter');
    await page.getByTestId('decision-submit').click();
    await page.getByTestId('no-pending').waitFor();
    expect(await text('case-paused')).toBe('2026-12-15');
    const decided = await text('decided-justifications');
    expect(decided).toContain('已采纳');
    expect(decided).toContain('已核实业主拨付凭证');
    expect(decided).toContain(`${inspector.name} (${inspector.login})`);
    expect(await text('case-history')).toContain('采纳情况说明');
    await axe('case decided');
    await shot('case');
  });

  it('approves the project’s correction request with a reason', async () => {
    const corrections = page.getByTestId('corrections');
    expect(await corrections.textContent()).toContain('工人1号10月实际出勤18天');
    expect(await corrections.textContent()).toContain('¥5,200.00 → ¥4,000.00');
    await corrections.getByRole('button', { name: '批准' }).click();
    await page.getByTestId('correction-submit').click();
    expect(await page.getByTestId('correction-dialog').getByRole('alert').textContent()).toContain(
      '请填写理由',
    );
    await field('correction-reason').fill('已核对考勤记录，出勤18天属实');
    await page.getByTestId('correction-submit').click();
    await corrections.getByText('本项目没有待审核的更正申请').waitFor();
    const [decided] = (await t.admin.get(`/v1/payroll-corrections?projectId=${P1}&status=approved`)).body
      .corrections;
    expect(decided.decision).toMatchObject({ outcome: 'approved', reason: '已核对考勤记录，出勤18天属实' });
  });

  it('assigns the case’s task to an inspector of the district, then works it on 我的任务 with its SLA countdown', async () => {
    const taskRow = page.getByTestId('task-table').locator('.el-table__row').first();
    await taskRow.locator('[data-action="assign"]').click();
    const dialog = page.getByTestId('task-dialog');
    await dialog.waitFor();
    // The assignees come from GET /v1/people (inspectors sharing a district).
    await dialog.getByTestId('assignee-select').click();
    await page.locator('.el-select-dropdown__item', { hasText: inspector.login }).click();
    await page.getByTestId('task-submit').click();
    await page.getByText('任务已更新').first().waitFor();
    await expect.poll(() => text('task-status')).toBe('已分派');
    expect(await text('task-assignee')).toBe(`${inspector.name}（${inspector.login}）`);

    await page.locator('.ww-nav').getByText('任务', { exact: true }).click();
    await page.waitForURL(/\/tasks/);
    await page.getByTestId('task-table').locator('[data-task]').first().waitFor();
    expect(await text('system-today')).toBe('系统日期 2026-12-04');
    const [task] = (await t.admin.get(`/v1/tasks?caseId=${caseId}`)).body.tasks;
    const days = (Date.parse(task.dueOn) - Date.parse('2026-12-04')) / 86_400_000;
    expect(await text('task-sla')).toBe(
      days > 0 ? `剩 ${days} 天` : days === 0 ? '今日到期' : `逾期 ${-days} 天`,
    );
    await axe('tasks');
    await shot('tasks');

    const row = page.getByTestId('task-table').locator('.el-table__row').first();
    await row.locator('[data-action="progress"]').click();
    await page.getByTestId('task-submit').click();
    await expect.poll(() => text('task-status')).toBe('处理中');

    await page
      .getByTestId('task-table')
      .locator('.el-table__row')
      .first()
      .locator('[data-action="resolve"]')
      .click();
    await page.getByTestId('task-submit').click();
    expect(await page.getByTestId('task-dialog').getByRole('alert').textContent()).toContain(
      '请填写办理情况',
    );
    await field('task-note').fill('总包已于12月8日补发，核对银行流水无误');
    await page.getByTestId('task-submit').click();
    await expect.poll(() => text('task-status')).toBe('已解决');
    expect(await text('task-sla')).toBe('已办结');
    const after = (await t.admin.get(`/v1/tasks/${task.taskId}`)).body;
    expect(after).toMatchObject({ status: 'resolved', assignee: inspector.login });
    expect(after.trail.at(-1)).toMatchObject({
      actor: `${inspector.name} (${inspector.login})`,
      toStatus: 'resolved',
    });
  });

  it('on a critical case an acceptance is a proposal: the proposer cannot confirm it, a colleague does', async () => {
    await page.goto(`${t.api.baseUrl}/cases/${criticalCaseId}`);
    await page.getByTestId('pending-justification').waitFor();
    await field('decision-reason').fill('保证金可覆盖欠薪，同意暂缓升级');
    await page.getByTestId('decision-submit').click();
    await page.getByTestId('awaiting-confirmation').waitFor();
    expect(await text('proposal')).toContain(`${inspector.name} (${inspector.login}) 拟采纳`);
    expect(await text('awaiting-confirmation')).toContain('须由辖区另一名监察员或管理员复核');
    // The proposer tries anyway: the server's 403 is shown on the form, nothing is recorded.
    await field('confirmation-reason').fill('确认');
    await page.getByTestId('confirmation-submit').click();
    await page.getByTestId('confirmation-error').first().waitFor();
    expect(page.url()).toContain(`/cases/${criticalCaseId}`);
    const still = (await t.admin.get(`/v1/cases/${criticalCaseId}`)).body.justifications[0];
    expect(still.decision).toBe('awaiting-confirmation');
    await axe('critical case awaiting');
    await shot('case-critical');

    // The colleague, in a browser of their own, confirms with a reason: the pause starts.
    const other = await openPage(browser, LAPTOP);
    try {
      await logIn(other.page, colleague);
      await other.page.goto(`${t.api.baseUrl}/cases/${criticalCaseId}`);
      await other.page.getByTestId('awaiting-confirmation').waitFor();
      await other.page.getByTestId('confirmation-reason').fill('复核同意：保证金足额，暂停升级');
      await other.page.getByTestId('confirmation-submit').click();
      await other.page.getByTestId('no-pending').waitFor();
      const decided = (await other.page.getByTestId('decided-justifications').textContent()) ?? '';
      expect(decided).toContain('已采纳');
      expect(decided).toContain(`${colleague.name} (${colleague.login})`);
      expect(decided).toContain(`${inspector.name} (${inspector.login}) 拟采纳`);
      expect(((await other.page.getByTestId('case-paused').textContent()) ?? '').trim()).toMatch(
        /^\d{4}-\d{2}-\d{2}$/,
      );
      expectNoProblems(other);
    } finally {
      await other.context.close();
    }
  });

  it('closes and reopens a case: the lead-only rule said before and shown from the server, the reopening’s task listed', async () => {
    // The critical case still has its open finding: the inspector is told and refused (403).
    await page.goto(`${t.api.baseUrl}/cases/${criticalCaseId}`);
    await page.getByTestId('case-close').click();
    await page.getByTestId('closing-dialog').waitFor();
    expect(await text('closing-dialog')).toContain('只能由辖区负责人（管理员）结案');
    await field('closing-reason').fill('已移送公安机关');
    await page.getByTestId('closing-submit').click();
    await page.getByTestId('closing-error').first().waitFor();
    expect((await t.admin.get(`/v1/cases/${criticalCaseId}`)).body.status).toBe('open');
    await page.keyboard.press('Escape');

    // The lead (an admin) closes it as transferred; the inspector sees who closed it and why.
    const lead = await t.admin.post(`/v1/cases/${criticalCaseId}/closing`, {
      outcome: 'transferred',
      reason: '涉嫌拒不支付劳动报酬，已移送公安机关',
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(200);
    await page.reload();
    await page.getByTestId('case-reopen').waitFor();
    expect(await text('case-status')).toBe('已结案');
    expect(await text('case-closing-outcome')).toContain('移送处理');

    // The inspector reopens it with a reason: a new cycle, a verification task on the case.
    await page.getByTestId('case-reopen').click();
    expect(await text('closing-dialog')).toContain('核查任务');
    await field('closing-reason').fill('工人来访反映仍未收到工资');
    await page.getByTestId('closing-submit').click();
    await page.getByTestId('case-close').waitFor();
    expect(await text('case-status')).not.toBe('已结案');
    const history = await text('case-history');
    expect(history).toContain('人工重新立案');
    expect(history).toContain(`${inspector.name} (${inspector.login})`);
    expect(history).toContain('工人来访反映仍未收到工资');
    // The server's notes in Chinese (services/console/src/pages/cases/notes.ts), a person's words kept.
    expect(history).toContain('重新立案（第 2 轮）：工人来访反映仍未收到工资；核查任务期限');
    expect(history).toContain('（严重案件：暂停至');
    expect(history).toContain('移送处理：涉嫌拒不支付劳动报酬，已移送公安机关');
    expect(history).not.toContain('working day');
    const c = (await t.admin.get(`/v1/cases/${criticalCaseId}`)).body;
    expect(c).toMatchObject({ status: 'open', cycle: 2, closing: null });
    const verification = c.tasks.find((x: { status: string }) => x.status === 'open');
    expect(verification).toBeTruthy();
    expect(await page.locator(`[data-task="${verification.taskId}"]`).count()).toBeGreaterThan(0);
    await axe('case reopened');
    await shot('case-reopened');
  });

  it('shows an alert the moment the system raises it (server-sent events, session cookie)', async () => {
    await page.locator('.ww-nav').getByText('预警', { exact: true }).click();
    await page.waitForURL(/\/alerts/);
    await page.locator('[data-testid="stream-state"][data-state="connected"]').waitFor();
    expect(await page.getByTestId('live-alerts').count()).toBe(0);

    await publishFinding(
      t,
      {
        findingId: 'F-UI-2',
        projectId: P2,
        responsible: contractorOf(2),
        period: '2026-10',
        dueDate: '2026-11-13',
      },
      NOW.toISOString(),
    );
    const [opened] = (await t.admin.get(`/v1/alerts?type=case.opened&projectId=${P2}`)).body.alerts;
    const live = page.locator(`[data-alert="${opened.alertId}"]`);
    await live.waitFor({ timeout: 15_000 });
    const line = (await live.textContent()) ?? '';
    expect(line).toContain('新立案');
    expect(line).toContain('总包2');
    expect(line).toContain('东区');
    await axe('alerts');
    await shot('alerts');
  });

  it('opens a campaign report, which prints without the console around it', async () => {
    const reports = (await t.admin.get('/v1/campaigns/reports?district=东区')).body.reports;
    expect(reports.length, 'the screening of 2026-Q3 reported on 东区').toBeGreaterThan(0);
    await page.locator('.ww-nav').getByText('专项行动', { exact: true }).click();
    await page.waitForURL(/\/campaigns/);
    const link = page.locator(`[data-report="${reports[0].reportId}"]`);
    await link.waitFor();
    await axe('campaigns');
    await link.click();
    await page.getByTestId('report-title').waitFor();
    expect(await text('report-title')).toBe(reports[0].title);
    const body = (await page.getByTestId('report-page').textContent()) ?? '';
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('季度排查 2026-Q3 · 东区');
    for (const shown of ['列入项目（2）', P1, P2, '房屋建筑']) expect(body, shown).toContain(shown);
    await axe('report');
    await shot('report');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.ww-nav').isVisible()).toBe(false);
    expect(await page.locator('.ww-header').isVisible()).toBe(false);
    expect(await page.getByTestId('print').isVisible()).toBe(false);
    expect(await page.getByTestId('report-title').isVisible()).toBe(true);
    await shot('report-print');
    await page.emulateMedia({ media: 'screen' });
    // No script error, CSP violation or console error on any of the pages.
    expectNoProblems(w);
  });

  it('issues an order to correct on the case (责令改正指令书): numbered, in the history, printable on A4 and as a PDF', async () => {
    await page.goto(`${t.api.baseUrl}/cases/${caseId}`);
    await page.getByTestId('case-orders').waitFor();
    expect(await text('case-orders')).toContain('尚未下达文书');
    await page.getByTestId('order-issue').click();
    const dialog = page.getByTestId('order-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('按工作日计算');
    await field('order-working-days').fill('5');
    await page.getByTestId('order-submit').click();
    await page.getByTestId('order-list').waitFor();
    const listed = await text('order-list');
    // Friday 4 December + 5 working days: Friday 11 December.
    for (const shown of [
      '攀人社监令〔2026〕第0001号',
      '责令改正指令书',
      '2026-12-11',
      '¥5,200.00',
      inspector.name,
    ])
      expect(listed, shown).toContain(shown);
    // The history is read again after the order is issued: wait for it, not for the list.
    await expect.poll(() => text('case-history')).toContain('下达责令改正指令书');
    expect(await text('case-history')).toContain('限 2026-12-11 前改正（5 个工作日）');
    await axe('case order issued');
    await shot('case-order');

    // The printable page, in a tab of its own (the session's cookie): the order as the bureau signs it.
    const href = await page.getByTestId('order-print').getAttribute('href');
    const print = await page.context().newPage();
    await print.goto(`${t.api.baseUrl}${href}`);
    const paper = (await print.locator('body').textContent()) ?? '';
    for (const shown of [
      '攀枝花市东区人力资源和社会保障局',
      '劳动保障监察责令改正指令书',
      '攀人社监令〔2026〕第0001号',
      '总包1',
      '2026年12月11日前',
      '张三',
      '510402********1234',
      '5200.00',
      '李监察',
      '二〇二六年十二月四日',
    ])
      expect(paper, shown).toContain(shown);
    await print.emulateMedia({ media: 'print' });
    expect(await print.locator('.toolbar').isVisible()).toBe(false);
    await screenshot(print, 'inspector-order-print');
    await print.close();

    // The PDF, downloaded: A4, its text the same.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('order-pdf').click(),
    ]);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const read = await readPdf(pdf);
    expect(read.pages[0]).toEqual([595, 842]);
    for (const shown of ['攀人社监令〔2026〕第0001号', '总包1', '2026年12月11日前', '张三', '5200.00'])
      expect(read.text, shown).toContain(shown);
    expectNoProblems(w);
  });

  it('opens the district’s monthly bulletin (月度通报) from 专项行动, and downloads it as XLSX', async () => {
    await page.locator('.ww-nav').getByText('专项行动', { exact: true }).click();
    await page.waitForURL(/\/campaigns/);
    const print = page.getByTestId('bulletin-print');
    await print.waitFor();
    // The last month ended on the system's clock (4 December): November; the inspector's district.
    const href = (await print.getAttribute('href')) ?? '';
    expect(href).toBe(`/v1/reports/bulletin/print?period=2026-11&district=${encodeURIComponent('东区')}`);
    const paper = await page.context().newPage();
    await paper.goto(`${t.api.baseUrl}${href}`);
    const body = (await paper.locator('body').textContent()) ?? '';
    expect(body).toContain('东区2026年11月保障农民工工资支付监测月度通报');
    expect(body).toContain('本期监测发现问题');
    await screenshot(paper, 'inspector-bulletin-print');
    await paper.close();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('bulletin-xlsx').click(),
    ]);
    expect(download.suggestedFilename()).toBe('东区2026年11月保障农民工工资支付监测月度通报.xlsx');
    expect(
      readFileSync((await download.path())!)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    await axe('campaigns with the bulletin');
    // The winter campaigns the server can report on: 2025-26's closing report; not 2026-27, whose
    // end (the eve of the 2027 Spring Festival) the built-in calendar does not know yet.
    await page.getByTestId('bulletin-period').click();
    await expect.poll(() => page.getByRole('option', { name: '2025-26 冬季专项行动' }).count()).toBe(1);
    expect(await page.getByRole('option', { name: '2026-27 冬季专项行动' }).count()).toBe(0);
    await page.getByRole('option', { name: '2025-26 冬季专项行动' }).click();
    expect(await print.getAttribute('href')).toBe(
      `/v1/reports/bulletin/print?period=winter-2025-26&district=${encodeURIComponent('东区')}`,
    );
    expectNoProblems(w);
  });
});
