import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/*
 * Campaigns through the inspection sweep (PGlite, manual clock, real HTTP).
 *
 * P1 (东区) has wages missed, P2 (西区) a deposit short, P3 (西区) only a payroll sheet missing
 * (not a holiday-audit reason). Mid-Autumn 2026 starts Friday 25 September, National Day on 1
 * October: on Thursday 24 September both audits are due (5 working days before each).
 */
describe('holiday-period audits and the quarterly screening', () => {
  let t: TestSystem;
  const P1 = 'PZH-API-001';
  const P2 = 'PZH-API-002';
  const P3 = 'PZH-API-003';
  beforeAll(async () => {
    t = await startTestSystem({ now: new Date('2026-09-20T10:00:00+08:00') });
    await registerProject(t, 1, { startDate: '2026-06-01', permitDate: '2026-05-01' });
    await registerProject(t, 2, {
      district: '西区',
      sector: 'transport',
      startDate: '2026-06-01',
      permitDate: '2026-05-01',
    });
    await registerProject(t, 3, { district: '西区', startDate: '2026-06-01', permitDate: '2026-05-01' });
    await t.settle();
    await publishFinding(
      t,
      {
        findingId: 'F-C-1',
        projectId: P1,
        responsible: contractorOf(1),
        policeReferral: true,
        rule: 'arrears-growing',
        severity: 'critical',
        amountOwed: '480000.00',
      },
      '2026-09-20T10:00:00+08:00',
    );
    await publishFinding(
      t,
      { findingId: 'F-C-2', projectId: P1, responsible: contractorOf(1) },
      '2026-09-20T10:00:00+08:00',
    );
    await publishFinding(
      t,
      {
        findingId: 'F-C-3',
        projectId: P2,
        responsible: contractorOf(2),
        rule: 'deposit-short',
        severity: 'medium',
      },
      '2026-09-20T10:00:00+08:00',
    );
    await publishFinding(
      t,
      {
        findingId: 'F-C-4',
        projectId: P3,
        responsible: contractorOf(3),
        rule: 'payroll-missing',
        severity: 'medium',
      },
      '2026-09-20T10:00:00+08:00',
    );
  });
  afterAll(() => t?.close());

  const alertsOf = async (type: string) => (await t.admin.get(`/v1/alerts?type=${type}&limit=1000`)).body;

  it('raises one audit per district and holiday, and none again when run twice', async () => {
    expect((await alertsOf('audit.raised')).total).toBe(0);
    const first = await inspectionSweep(t, '2026-09-24T09:00:00+08:00');
    expect((first as any).campaigns.ran).toEqual(
      expect.arrayContaining(['holiday-audit:mid-autumn:2026', 'holiday-audit:national-day:2026']),
    );
    const audits = await alertsOf('audit.raised');
    expect(audits.total).toBe(4); // 2 holidays × 2 districts
    const tasksBefore = (await t.admin.get('/v1/tasks')).body.total;
    const second = await inspectionSweep(t, '2026-09-24T18:00:00+08:00');
    expect((second as any).campaigns.ran).toEqual([]);
    await inspectionSweep(t, '2026-09-29T09:00:00+08:00'); // National Day's window still open
    expect((await alertsOf('audit.raised')).total).toBe(4);
    expect((await t.admin.get('/v1/tasks')).body.total).toBeGreaterThanOrEqual(tasksBefore);
    const rows = await t.db.query<{ n: bigint }>(
      `SELECT count(*) AS n FROM inspection.campaign_runs WHERE kind = 'holiday-audit'`,
    );
    expect(Number(rows[0]!.n)).toBe(2);
  });

  it('lists the projects with wage findings, balance-short or deposit problems, by district; high-risk ones get a task', async () => {
    const east = (
      await t.admin.get(
        '/v1/alerts?type=audit.raised&district=东区&occurrence=holiday-audit:national-day:2026',
      )
    ).body.alerts;
    expect(east).toHaveLength(1);
    const e = east[0].data;
    expect(e.projects.map((p: any) => p.projectId)).toEqual([P1]);
    expect(e.projects[0].reasons).toEqual(['wages']);
    const west = (
      await t.admin.get(
        '/v1/alerts?type=audit.raised&district=西区&occurrence=holiday-audit:national-day:2026',
      )
    ).body.alerts[0].data;
    expect(west.projects.map((p: any) => p.projectId)).toEqual([P2]); // P3's payroll-missing is not an audit reason
    expect(west.projects[0].reasons).toEqual(['deposit']);
    for (const p of [...e.projects, ...west.projects]) {
      if (p.riskGrade === 'C' || p.riskGrade === 'D') expect(p.taskId).toBeTruthy();
      else expect(p.taskId).toBeNull();
    }
    expect(e.projects[0].riskGrade).toMatch(/C|D/);
    const task = (await t.admin.get(`/v1/tasks/${e.projects[0].taskId}`)).body;
    expect(task.dueOn).toBe('2026-09-30');
    // The report is retrievable with the same contents.
    const report = (await t.admin.get(`/v1/campaigns/reports/${e.reportId}`)).body;
    expect(report).toMatchObject({
      kind: 'holiday-audit',
      district: '东区',
      occurrence: 'holiday-audit:national-day:2026',
    });
    expect(report.data.projects).toEqual(e.projects);
  });

  it('screens every active project once after the quarter ends; a rerun changes nothing', async () => {
    const run = await inspectionSweep(t, '2026-10-09T18:00:00+08:00');
    expect((run as any).campaigns.ran).toEqual(['screening:2026-Q3']);
    const list = (await t.admin.get('/v1/campaigns/reports?kind=screening&occurrence=screening:2026-Q3'))
      .body;
    expect(list.total).toBe(2);
    const west = list.reports.find((r: any) => r.district === '西区');
    const detail = (await t.admin.get(`/v1/campaigns/reports/${west.reportId}`)).body;
    const byId = Object.fromEntries(detail.data.projects.map((p: any) => [p.projectId, p]));
    expect(Object.keys(byId).sort()).toEqual([P2, P3]);
    expect(byId[P3].result).toBe('fail');
    expect(byId[P3].checklist.find((c: any) => c.rule === 'payroll-missing')).toEqual({
      rule: 'payroll-missing',
      result: 'fail',
      openFindings: ['F-C-4'],
    });
    expect(byId[P3].checklist.find((c: any) => c.rule === 'wages-missed').result).toBe('pass');
    expect(byId[P3].taskId).toBeTruthy();
    const snapshot = async () => ({
      reports: (await t.admin.get('/v1/campaigns/reports?limit=1000')).body,
      tasks: (await t.admin.get('/v1/tasks?limit=500')).body.total,
      alerts: (await t.admin.get('/v1/alerts?limit=1000')).body.total,
      detail: (await t.admin.get(`/v1/campaigns/reports/${west.reportId}`)).body,
    });
    const before = await snapshot();
    const again = await inspectionSweep(t, '2026-10-10T18:00:00+08:00');
    expect((again as any).campaigns.ran).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('scopes alerts and reports by district; project managers see no reports; banks nothing', async () => {
    const east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    const alerts = (await east.get('/v1/alerts?limit=1000')).body.alerts as any[];
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.district === '东区')).toBe(true);
    expect((await east.get('/v1/alerts?district=西区')).status).toBe(403);
    const reports = (await east.get('/v1/campaigns/reports?limit=1000')).body.reports as any[];
    expect(reports.every((r) => r.district === '东区')).toBe(true);
    const westReport = (await t.admin.get('/v1/campaigns/reports?district=西区')).body.reports[0];
    // Another district's report is out of scope: 403, as every route answers (issue 10 §3).
    expect((await east.get(`/v1/campaigns/reports/${westReport.reportId}`)).status).toBe(403);
    expect((await east.get('/v1/campaigns/reports/R-no-such-report')).status).toBe(404);
    const pm = t.api.as(t.key('project-manager', { projectIds: [P1] }));
    expect((await pm.get('/v1/campaigns/reports')).status).toBe(403);
    const pmAlerts = (await pm.get('/v1/alerts')).body.alerts as any[];
    expect(pmAlerts.every((a) => a.projectId === P1)).toBe(true);
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    expect((await bank.get('/v1/alerts')).status).toBe(403);
    expect((await bank.get('/v1/campaigns/reports')).status).toBe(403);
  });
});

/*
 * The winter campaign 2025-26: 1 November 2025 to 14 February 2026, the eve of the Spring
 * Festival (its holiday block starts 15 February 2026).
 */
describe('the winter campaign', () => {
  let t: TestSystem;
  const P1 = 'PZH-API-001';
  beforeAll(async () => {
    t = await startTestSystem({ now: new Date('2025-11-03T10:00:00+08:00') });
    await registerProject(t, 1, { startDate: '2025-06-01', permitDate: '2025-05-01' });
    await t.settle();
    await publishFinding(
      t,
      {
        findingId: 'F-W-1',
        projectId: P1,
        responsible: contractorOf(1),
        period: '2025-09',
        dueDate: '2025-10-31',
        severity: 'high',
      },
      '2025-11-03T10:00:00+08:00',
    );
  });
  afterAll(() => t?.close());
  const theCase = async () => (await t.admin.get(`/v1/projects/${P1}/cases`)).body.cases[0];

  it('raises wage findings one step and gives every open case the festival eve as its latest deadline', async () => {
    await inspectionSweep(t, '2025-11-03T18:00:00+08:00');
    const c = await theCase();
    expect(c.winterCampaign).toBe(true);
    expect(c.maxSeverity).toBe('critical'); // high → critical
    expect(c.deadline <= '2026-02-14').toBe(true);
    const progress = (await t.admin.get('/v1/alerts?type=winter.progress')).body.alerts;
    expect(progress).toHaveLength(1);
    expect(progress[0].data).toMatchObject({
      district: '东区',
      season: '2025-26',
      week: '2025-W45',
      opened: 1,
      closed: 0,
      stillOpen: 1,
    });
    await inspectionSweep(t, '2025-11-05T18:00:00+08:00'); // same week: no second progress alert
    expect((await t.admin.get('/v1/alerts?type=winter.progress')).body.total).toBe(1);
    await inspectionSweep(t, '2025-11-10T18:00:00+08:00');
    expect((await t.admin.get('/v1/alerts?type=winter.progress')).body.total).toBe(1 + 1);
  });

  it('still on the eve: deadline the eve; the day after, severities and deadlines are the ladder’s again', async () => {
    await inspectionSweep(t, '2026-02-14T10:00:00+08:00');
    let c = await theCase();
    expect(c.winterCampaign).toBe(true);
    expect(c.maxSeverity).toBe('critical');
    expect(c.deadline).toBe('2026-02-14');
    await inspectionSweep(t, '2026-02-15T10:00:00+08:00');
    c = await theCase();
    expect(c.winterCampaign).toBe(false);
    expect(c.maxSeverity).toBe('high');
    expect(c.deadline).not.toBe('2026-02-14');
    const detail = (await t.admin.get(`/v1/cases/${c.caseId}`)).body;
    expect(detail.history.filter((h: any) => h.action === 'campaign:winter')).toHaveLength(1);
  });
});
