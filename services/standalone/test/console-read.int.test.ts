import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, registerProject, wageAccount } from './api-helpers.ts';
import { type ApiClient, PERSONAL_DATA, startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, publishFinding } from './inspection-helpers.ts';

/*
 * The console's read API (issue 12): GET /v1/projects, /v1/projects/:id, /v1/dashboard and
 * /v1/dashboard/deposits, over real HTTP on the embedded system, on PGlite and PostgreSQL.
 *
 * The scenario: three projects registered 2026 (permit 2026-07-01, contract ¥12,000,000, so a
 * required deposit of ¥240,000 under the national default):
 *   A 东区 housing (ICBC): wages missed ¥4,800.00 and short ¥1,200.50; ¥100,000 cash lodged (short ¥140,000)
 *   B 东区 transport (ICBC): wages missed ¥2,000.00, paid a week later (resolved); no deposit
 *   C 西区 water (CCB): wages missed ¥3,000.00; no deposit
 * then the admin sweep at the test clock (2026-11-29 10:00 Shanghai) runs every rule and the ladder.
 */
const NOW = '2026-11-29T10:00:00+08:00';

const worker = (n: number) => ({ idNumberMasked: `510402********${String(1000 + n)}`, name: `工人${n}` });

describe.each(['pglite', 'postgres'] as const)('the console read API (%s)', (kind) => {
  let t: TestSystem;
  let A: { projectId: string };
  let B: { projectId: string };
  let C: { projectId: string };
  let east: ApiClient;
  let pmA: ApiClient;
  let bank: ApiClient;

  beforeAll(async () => {
    // Load shedding off: a PGlite sweep on a shared machine may hold the event loop past the
    // 2 s limit (limits.security.int.test.ts tests the shedding itself).
    t = await startTestSystem({ kind, embedded: { protection: { maxEventLoopDelayMs: 0 } } });
    A = await registerProject(t, 1, { name: 'A 东区安置房项目', startDate: '2026-09-01' });
    B = await registerProject(t, 2, { name: 'B 东区道路项目', sector: 'transport', startDate: '2026-09-01' });
    C = await registerProject(t, 3, {
      name: 'C 西区水厂项目',
      district: '西区',
      sector: 'water',
      startDate: '2026-09-01',
      wageAccount: { bankCode: 'CCB-PZH', accountNo: wageAccount(3) },
    });
    bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const lodged = await bank.post('/v1/bank/deposits', {
      records: [
        {
          bankRef: 'DEP-A-1',
          projectId: A.projectId,
          kind: 'lodged',
          occurredAt: '2026-11-20T10:00:00+08:00',
          amount: '100000.00',
        },
      ],
    });
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(200);
    await publishFinding(
      t,
      {
        findingId: 'F-A-1',
        projectId: A.projectId,
        responsible: contractorOf(1),
        worker: worker(1),
        amountOwed: '4800.00',
        dueDate: '2026-10-15',
        period: '2026-09',
      },
      '2026-10-16T09:00:00+08:00',
    );
    await publishFinding(
      t,
      {
        findingId: 'F-A-2',
        projectId: A.projectId,
        responsible: contractorOf(1),
        rule: 'wages-short',
        worker: worker(2),
        amountOwed: '1200.50',
        amountPaid: '3599.50',
        dueDate: '2026-11-13',
        period: '2026-10',
      },
      '2026-11-16T09:00:00+08:00',
    );
    await publishFinding(
      t,
      {
        findingId: 'F-B-1',
        projectId: B.projectId,
        responsible: contractorOf(2),
        worker: worker(3),
        amountOwed: '2000.00',
        dueDate: '2026-11-13',
        period: '2026-10',
      },
      '2026-11-16T09:00:00+08:00',
    );
    await publishFinding(
      t,
      {
        findingId: 'F-B-1',
        projectId: B.projectId,
        responsible: contractorOf(2),
        worker: worker(3),
        amountOwed: '0.00',
        amountPaid: '2000.00',
        dueDate: '2026-11-13',
        period: '2026-10',
        raisedAt: '2026-11-16T09:00:00+08:00',
        resolvedAt: '2026-11-23T09:00:00+08:00',
      },
      '2026-11-23T09:00:00+08:00',
      'finding.resolved',
    );
    await publishFinding(
      t,
      {
        findingId: 'F-C-1',
        projectId: C.projectId,
        responsible: contractorOf(3),
        worker: worker(4),
        amountOwed: '3000.00',
        dueDate: '2026-10-15',
        period: '2026-09',
      },
      '2026-10-16T09:00:00+08:00',
    );
    const swept = await t.admin.post('/v1/admin/sweep', { asOf: NOW });
    expect(swept.status, JSON.stringify(swept.body)).toBe(200);
    await t.settle();
    east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    pmA = t.api.as(t.key('project-manager', { projectIds: [A.projectId] }));
  }, 180_000);
  afterAll(() => t?.close());

  const ids = (items: { projectId: string }[]) => items.map((i) => i.projectId);

  it('the dashboard: every figure of the city, as SQL counts and sums over the read model', async () => {
    const res = await t.admin.get('/v1/dashboard');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body;
    expect(d.asOf).toBe(new Date(NOW).toISOString());
    expect(d.districts).toEqual([
      { district: '东区', projects: 2, worstGrade: 'C', openFindings: 6, openCases: 4 },
      { district: '西区', projects: 1, worstGrade: 'C', openFindings: 3, openCases: 2 },
    ]);
    expect(d.projectsMonitored).toBe(3);
    // The ledger's own rules add labour-cost-missing (no owner credit); the deposits service
    // requires 3% (¥360,000) of a contractor in arrears: two missing, A short by ¥260,000.
    expect(d.openFindingsByRule).toEqual([
      { rule: 'labour-cost-missing', count: 3, amountOwed: '0.00' },
      { rule: 'deposit-missing', count: 2, amountOwed: '720000.00' },
      { rule: 'wages-missed', count: 2, amountOwed: '7800.00' },
      { rule: 'deposit-short', count: 1, amountOwed: '260000.00' },
      { rule: 'wages-short', count: 1, amountOwed: '1200.50' },
    ]);
    expect(d.amountOwed).toBe('9000.50'); // wages only: 4,800 + 1,200.50 + 3,000
    expect(d.casesByStep).toEqual([
      { step: 'inspection-task', count: 5 },
      { step: 'critical', count: 1 },
    ]);
    expect(d.overdueTasks).toBe(1); // A's task due 2026-11-23
    expect(d.trend).toHaveLength(12);
    expect(d.trend[0].weekStart).toBe('2026-09-07');
    expect(d.trend[11].weekStart).toBe('2026-11-23');
    const week = (w: string) => d.trend.find((x: { weekStart: string }) => x.weekStart === w);
    expect(week('2026-09-28')).toEqual({ weekStart: '2026-09-28', raised: 3, resolved: 0 }); // labour cost, 2026-10-02
    expect(week('2026-10-12')).toEqual({ weekStart: '2026-10-12', raised: 2, resolved: 0 }); // A-1, C-1
    // A-2, B-1 and A's deposit-short raised; A's deposit-missing cured by the lodging (2026-11-20).
    expect(week('2026-11-16')).toEqual({ weekStart: '2026-11-16', raised: 3, resolved: 1 });
    expect(week('2026-11-23')).toEqual({ weekStart: '2026-11-23', raised: 0, resolved: 1 }); // B-1 paid
    const sums = d.trend.reduce((s: number, w: { raised: number }) => s + w.raised, 0);
    expect(sums).toBe(8);
    // The calendar data stops at 2026: the 2027 Spring Festival (the campaign's end) is unknown.
    expect(d.campaign).toBeNull();
  });

  it('the dashboard of an inspector of 东区 counts 东区 only; 西区 is 403', async () => {
    const res = await east.get('/v1/dashboard');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.districts).toEqual([
      { district: '东区', projects: 2, worstGrade: 'C', openFindings: 6, openCases: 4 },
    ]);
    expect(res.body.projectsMonitored).toBe(2);
    expect(res.body.openFindingsByRule).toEqual([
      { rule: 'labour-cost-missing', count: 2, amountOwed: '0.00' },
      { rule: 'deposit-missing', count: 1, amountOwed: '360000.00' },
      { rule: 'deposit-short', count: 1, amountOwed: '260000.00' },
      { rule: 'wages-missed', count: 1, amountOwed: '4800.00' },
      { rule: 'wages-short', count: 1, amountOwed: '1200.50' },
    ]);
    expect(res.body.amountOwed).toBe('6000.50');
    expect(res.body.casesByStep).toEqual([
      { step: 'inspection-task', count: 3 },
      { step: 'critical', count: 1 },
    ]);
    expect(res.body.overdueTasks).toBe(1);
    expect((await east.get('/v1/dashboard?district=东区')).body).toEqual(res.body);
    expectProblem(await east.get('/v1/dashboard?district=西区'), 403);
    expectProblem(await bank.get('/v1/dashboard'), 403);
    const west = await t.admin.get('/v1/dashboard?district=西区');
    expect(west.body.districts).toEqual([
      { district: '西区', projects: 1, worstGrade: 'C', openFindings: 3, openCases: 2 },
    ]);
    expect(west.body.overdueTasks).toBe(0);
    // A project manager's cockpit is its projects'.
    const pm = await pmA.get('/v1/dashboard');
    expect(pm.status).toBe(200);
    expect(pm.body.districts).toEqual([
      { district: '东区', projects: 1, worstGrade: 'C', openFindings: 4, openCases: 2 },
    ]);
    expect(pm.body.amountOwed).toBe('6000.50');
  });

  it('the deposits dashboard: missing, short, shortfall, expiring, in the scope', async () => {
    expect((await t.admin.get('/v1/dashboard/deposits')).body).toEqual({
      missing: 2,
      short: 1,
      shortfall: '260000.00',
      expiringSoon: 0,
    });
    expect((await east.get('/v1/dashboard/deposits')).body).toEqual({
      missing: 1,
      short: 1,
      shortfall: '260000.00',
      expiringSoon: 0,
    });
    expect((await t.admin.get('/v1/dashboard/deposits?district=西区')).body).toEqual({
      missing: 1,
      short: 0,
      shortfall: '0.00',
      expiringSoon: 0,
    });
    expect((await pmA.get('/v1/dashboard/deposits')).body).toEqual({
      missing: 0,
      short: 1,
      shortfall: '260000.00',
      expiringSoon: 0,
    });
    expectProblem(await east.get('/v1/dashboard/deposits?district=西区'), 403);
    expectProblem(await bank.get('/v1/dashboard/deposits'), 403);
  });

  it('the project list: figures per project, filters, sorting and paging', async () => {
    const all = await t.admin.get('/v1/projects');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body).toEqual({
      items: [
        {
          projectId: A.projectId,
          name: 'A 东区安置房项目',
          district: '东区',
          sector: 'housing',
          contractor: '总包1',
          riskGrade: 'C',
          openFindings: 4,
          amountOwed: '6000.50',
          openCases: 2,
          worstCaseStep: 'critical',
        },
        {
          projectId: B.projectId,
          name: 'B 东区道路项目',
          district: '东区',
          sector: 'transport',
          contractor: '总包2',
          riskGrade: 'B',
          openFindings: 2,
          amountOwed: '0.00',
          openCases: 2,
          worstCaseStep: 'inspection-task',
        },
        {
          projectId: C.projectId,
          name: 'C 西区水厂项目',
          district: '西区',
          sector: 'water',
          contractor: '总包3',
          riskGrade: 'C',
          openFindings: 3,
          amountOwed: '3000.00',
          openCases: 2,
          worstCaseStep: 'inspection-task',
        },
      ],
      total: 3,
      limit: 50,
      offset: 0,
    });
    const list = async (q: string) => {
      const res = await t.admin.get(`/v1/projects?${q}`);
      expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
      return ids(res.body.items);
    };
    expect(await list('district=西区')).toEqual([C.projectId]);
    expect(await list('sector=transport')).toEqual([B.projectId]);
    expect(await list('riskGrade=C')).toEqual([A.projectId, C.projectId]);
    expect(await list('rule=wages-short')).toEqual([A.projectId]);
    expect(await list('rule=wages-missed')).toEqual([A.projectId, C.projectId]); // B's was paid
    expect(await list('hasOpenCases=true')).toEqual([A.projectId, B.projectId, C.projectId]);
    expect(await list('hasOpenCases=false')).toEqual([]);
    expect(await list('q=水厂')).toEqual([C.projectId]);
    expect(await list('q=api-002')).toEqual([B.projectId]);
    expect(await list('q=%25')).toEqual([]); // a % is a character, not a wildcard
    expect(await list('sort=amountOwed&order=desc')).toEqual([A.projectId, C.projectId, B.projectId]);
    expect(await list('sort=openFindings')).toEqual([B.projectId, C.projectId, A.projectId]);
    expect(await list('sort=riskGrade&order=desc')).toEqual([A.projectId, C.projectId, B.projectId]);
    expect(await list('sort=name&order=desc')).toEqual([C.projectId, B.projectId, A.projectId]);
    const page = await t.admin.get('/v1/projects?limit=1&offset=1');
    expect(ids(page.body.items)).toEqual([B.projectId]);
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    const past = await t.admin.get('/v1/projects?offset=10');
    expect(past.body).toMatchObject({ items: [], total: 3 });
    expectProblem(await t.admin.get('/v1/projects?limit=201'), 400);
    expectProblem(await t.admin.get('/v1/projects?sort=contractValue'), 400);
    expectProblem(await t.admin.get('/v1/projects?hasOpenCases=yes'), 400);
  });

  it('the project list is cut to the scope; a district filter outside it is 403', async () => {
    const e = await east.get('/v1/projects');
    expect(ids(e.body.items)).toEqual([A.projectId, B.projectId]);
    expect(e.body.total).toBe(2);
    expectProblem(await east.get('/v1/projects?district=西区'), 403);
    const pm = await pmA.get('/v1/projects');
    expect(ids(pm.body.items)).toEqual([A.projectId]);
    expectProblem(await bank.get('/v1/projects'), 403);
  });

  it('the project page: parties, masked account, pay-date rule and next pay date, grade, findings with their legal basis, cases', async () => {
    const res = await t.admin.get(`/v1/projects/${A.projectId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const p = res.body;
    expect(p).toMatchObject({
      projectId: A.projectId,
      name: 'A 东区安置房项目',
      district: '东区',
      sector: 'housing',
      startDate: '2026-09-01',
      contractValue: '12000000.00',
      parties: { owner: { name: '业主1' }, contractor: { name: '总包1' }, labourOfficer: null },
      wageAccount: { bankCode: 'ICBC-PZH', accountNo: '**** 0001' },
      payDateRule: {
        payDay: 15,
        payMonthOffset: 1,
        text: '每月15日支付上月工资；遇法定节假日或休息日提前至最近的工作日',
      },
      // 2026-11-29: November's wages, due Tuesday 15 December.
      nextPayDate: {
        period: '2026-11',
        nominal: '2026-12-15',
        due: '2026-12-15',
        movedForward: false,
        warnings: [],
      },
      riskGrade: { grade: 'C' },
      publicNoticeUrl: `/public/projects/${A.projectId}/notice`,
    });
    expect(p.riskGrade.reasons).toContain('score 49: grade C');
    expect(p.openFindings.map((f: { rule: string }) => f.rule)).toEqual([
      'deposit-short',
      'wages-short',
      'wages-missed',
      'labour-cost-missing',
    ]);
    expect(p.openFindings.find((f: { findingId: string }) => f.findingId === 'F-A-1')).toEqual({
      findingId: 'F-A-1',
      rule: 'wages-missed',
      severity: 'high',
      period: '2026-09',
      dueDate: '2026-10-15',
      amount: '4800.00',
      workers: [worker(1)],
      raisedAt: '2026-10-16T09:00:00+08:00',
      legalBasis: '保障农民工工资支付条例 (Decree 724) Art 12-14; 工资支付暂行规定 Art 7',
      evidence: [],
    });
    const short = p.openFindings.find((f: { rule: string }) => f.rule === 'deposit-short');
    expect(short).toMatchObject({
      amount: '260000.00',
      evidence: ['bank-deposit:ICBC-PZH:DEP-A-1'],
      workers: [],
    });
    expect(p.cases.map((c: { step: string; status: string }) => `${c.status}:${c.step}`).sort()).toEqual([
      'open:critical',
      'open:inspection-task',
    ]);
    expect(JSON.stringify(p)).not.toMatch(PERSONAL_DATA);
    // The public notice it links to answers.
    expect((await t.api.get(p.publicNoticeUrl)).status).toBe(200);
  });

  it('the project page is scoped: 东区 inspector cannot open a 西区 project, a PM only its own', async () => {
    expect((await east.get(`/v1/projects/${A.projectId}`)).status).toBe(200);
    expectProblem(await east.get(`/v1/projects/${C.projectId}`), 403);
    expect((await pmA.get(`/v1/projects/${A.projectId}`)).status).toBe(200);
    expectProblem(await pmA.get(`/v1/projects/${B.projectId}`), 403);
    expectProblem(await pmA.get('/v1/projects/PZH-NONE'), 403);
    expectProblem(await bank.get(`/v1/projects/${A.projectId}`), 403);
    expectProblem(await t.admin.get('/v1/projects/PZH-NONE'), 404);
    // The other services' routes under /v1/projects/:id/… still answer beside it.
    expect((await t.admin.get(`/v1/projects/${A.projectId}/cases`)).status).toBe(200);
    expect((await t.admin.get(`/v1/projects/${A.projectId}/status`)).status).toBe(200);
    expect((await t.admin.get(`/v1/projects/${A.projectId}/deposit`)).status).toBe(200);
  });

  it('figures are live: a new finding shows at once, nothing is cached', async () => {
    await publishFinding(
      t,
      {
        findingId: 'F-C-2',
        projectId: C.projectId,
        responsible: contractorOf(3),
        worker: worker(5),
        amountOwed: '500.00',
        dueDate: '2026-11-13',
        period: '2026-10',
      },
      '2026-11-16T09:00:00+08:00',
    );
    const d = (await t.admin.get('/v1/dashboard')).body;
    expect(d.openFindingsByRule).toContainEqual({ rule: 'wages-missed', count: 3, amountOwed: '8300.00' });
    expect(d.amountOwed).toBe('9500.50');
    const c = (await t.admin.get(`/v1/projects?district=西区`)).body.items[0];
    expect(c).toMatchObject({ openFindings: 4, amountOwed: '3500.00' });
    expect(t.logs.join('')).not.toMatch(/工人\d/);
  });
});
