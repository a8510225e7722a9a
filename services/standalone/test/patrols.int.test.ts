import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  count,
  expectProblem,
  type Person,
  registerProject,
  signedInInspector,
  workerBody,
} from './api-helpers.ts';
import { type ApiClient, startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/**
 * Issue 14 §4, 日常巡查 through the API on both databases. In 东区: P1 (总包1) has 55 workers on
 * the registry, P2 (总包2) 30; in 西区 P3 (总包3) has 60. Inspectors: ins.li and ins.wang for 东区,
 * ins.zhao for 西区, ins.chief for the city (who leads and gets no routine visits).
 *
 * The sweep of 9 October 2026 draws 2026-Q4's plan: 总包1 and 总包3 once each (grade A, due on
 * the quarter's last working day, 31 December); 总包2 is below 50 workers. 总包1's grade worsens
 * to D on 20 October: the next day's sweep adds its 2nd and 3rd visits. On 7 December 20 more
 * workers bring 总包2 to 50: it is planned that day.
 */
const P1 = 'PZH-API-001';
const P2 = 'PZH-API-002';
const P3 = 'PZH-API-003';
const at = (d: string) => `2026-${d}T10:00:00+08:00`;
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe.each(['pglite', 'postgres'] as const)('routine patrols (日常巡查) on %s', (kind) => {
  let t: TestSystem;
  let li: Person;
  let wang: Person;
  let east: ApiClient;
  let plan: {
    summary: Record<string, number>;
    patrols: {
      patrolId: string;
      employer: { name: string };
      slot: number;
      visits: number;
      dueOn: string;
      assignee: string;
    }[];
  };
  const patrolOf = (employer: string, slot = 1) =>
    plan.patrols.find((p) => p.employer.name === employer && p.slot === slot)!;

  beforeAll(async () => {
    // Sessions that outlast the quarter the test's clock walks through.
    const year = 365 * 86_400_000;
    t = await startTestSystem({
      kind,
      now: new Date(at('10-09')),
      embedded: { sessions: { scrypt: { N: 2 ** 12, r: 8, p: 1 }, idleMs: year, maxMs: year } },
    });
    await registerProject(t, 1, { startDate: '2026-06-01', permitDate: '2026-05-01' });
    await registerProject(t, 2, { startDate: '2026-06-01', permitDate: '2026-05-01' });
    await registerProject(t, 3, { district: '西区', startDate: '2026-06-01', permitDate: '2026-05-01' });
    const pm = t.api.as(t.key('project-manager', { projectIds: [P1, P2, P3] }));
    for (const [project, ns] of [
      [P1, range(1, 55)],
      [P2, range(101, 30)],
      [P3, range(201, 60)],
    ] as const) {
      const res = await pm.post(`/v1/projects/${project}/workers`, { workers: ns.map((n) => workerBody(n)) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    li = await signedInInspector(t, 'ins.li', '李巡查', ['东区']);
    wang = await signedInInspector(t, 'ins.wang', '王巡查', ['东区']);
    await signedInInspector(t, 'ins.zhao', '赵巡查', ['西区']);
    await signedInInspector(t, 'ins.chief', '陈科长', 'all');
    east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    await t.settle();
    await inspectionSweep(t, at('10-09'));
    plan = (await east.get('/v1/patrols')).body;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it("draws the quarter's plan: each employer with at least 50 registered workers, once at grade A, due on the quarter's last working day", async () => {
    expect(plan).toMatchObject({
      quarter: '2026-Q4',
      policy: { minWorkers: 50, visitsByGrade: { A: 1, B: 1, C: 2, D: 3 } },
      summary: { planned: 1, visited: 0, overdue: 0, unassigned: 0 },
    });
    expect(plan.patrols).toEqual([
      expect.objectContaining({
        district: '东区',
        employer: { name: '总包1', code: contractorOf(1).code },
        workers: 55,
        riskGrade: 'A',
        slot: 1,
        visits: 1,
        dueOn: '2026-12-31',
        assignee: 'ins.li', // the district's inspectors in login order; the city's chief gets none
        status: 'planned',
        overdue: false,
      }),
    ]);
    const west = (await t.admin.get('/v1/patrols?district=西区')).body;
    expect(
      west.patrols.map((p: { employer: { name: string }; assignee: string }) => [
        p.employer.name,
        p.assignee,
      ]),
    ).toEqual([['总包3', 'ins.zhao']]);
  });

  it('drawing again the same day or the next adds nothing', async () => {
    const before = await count(t, 'SELECT count(*) FROM inspection.patrols');
    await inspectionSweep(t, at('10-09'));
    await inspectionSweep(t, at('10-10'));
    expect(await count(t, 'SELECT count(*) FROM inspection.patrols')).toBe(before);
  });

  it("a worse risk grade brings more visits: 总包1 at D gets its 2nd and 3rd, spread to the district's other inspector", async () => {
    for (const [i, period] of ['2026-07', '2026-08', '2026-09'].entries())
      await publishFinding(
        t,
        {
          findingId: `F-PT-${i}`,
          projectId: P1,
          responsible: contractorOf(1),
          severity: 'critical',
          period,
          amountOwed: '400000.00',
        },
        at('10-20'),
      );
    const grades = (await t.admin.get(`/v1/risk-grades?employer=${contractorOf(1).code}`)).body.grades;
    expect(
      grades.map((g: { grade: string }) => g.grade),
      JSON.stringify(grades),
    ).toEqual(['D']);
    await inspectionSweep(t, at('10-21'));
    plan = (await east.get('/v1/patrols')).body;
    expect(
      plan.patrols.map((p: { slot: number; visits: number; dueOn: string; assignee: string }) => [
        p.slot,
        p.visits,
        p.dueOn,
        p.assignee,
      ]),
    ).toEqual([
      [2, 3, '2026-11-30', 'ins.wang'],
      [1, 1, '2026-12-31', 'ins.li'],
      [3, 3, '2026-12-31', 'ins.li'],
    ]);
  });

  it("each inspector's plan is theirs: mine=true lists the visits given to them", async () => {
    const mine = (await wang.get('/v1/patrols?mine=true')).body;
    expect(mine.patrols.map((p: { slot: number }) => p.slot)).toEqual([2]);
    expect((await li.get('/v1/patrols?mine=true')).body.patrols.map((p: { slot: number }) => p.slot)).toEqual(
      [1, 3],
    );
  });

  it('a visit record wrong in every field is refused naming each, and nothing is stored', async () => {
    const p = patrolOf('总包1', 2);
    const res = await wang.post(`/v1/patrols/${p.patrolId}/visit`, {
      visitedOn: '2026-12-01',
      projectId: P2,
      workersCounted: -3,
      checks: [{ item: 'headcount', ok: false }],
      raiseFinding: true,
    });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'visitedOn',
      'projectId',
      'workersCounted',
      'checks.headcount',
      'checks.notice-board',
      'checks.payroll',
      'checks.account',
      'problems',
    ]);
    expect((await wang.get(`/v1/patrols/${p.patrolId}`)).body).toMatchObject({
      status: 'planned',
      visit: null,
    });
  });

  it('a visit that finds fewer workers on site than registered raises a patrol-finding on the project, which opens its case', async () => {
    t.clock.set(new Date(at('11-12')));
    const p = patrolOf('总包1', 2);
    const detail = (await wang.get(`/v1/patrols/${p.patrolId}`)).body;
    expect(detail.projects).toEqual([
      { projectId: P1, name: expect.any(String), workers: 55, registeredToday: 55 },
    ]);
    expect(detail.checklist.map((c: { zh: string }) => c.zh)).toEqual([
      '现场人数与实名制登记核对',
      '维权信息告示牌',
      '工资支付台账（工资表）',
      '农民工工资专用账户',
    ]);
    expect(detail.inspectors).toEqual(['ins.chief', 'ins.li', 'ins.wang']); // the city's chief may take one by hand
    const res = await wang.post(`/v1/patrols/${p.patrolId}/visit`, {
      visitedOn: '2026-11-12',
      projectId: P1,
      workersCounted: 41,
      checks: [
        { item: 'headcount', ok: false, note: '现场 41 人，14 人未见' },
        { item: 'notice-board', ok: false, note: '未设置维权信息告示牌' },
        { item: 'payroll', ok: true },
        { item: 'account', ok: true },
      ],
      problems: '14 名登记工人不在现场；无维权信息告示牌',
      raiseFinding: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: 'visited',
      visitedOn: '2026-11-12',
      findingId: `patrol:${p.patrolId}`,
      findingStatus: 'open',
      visit: { workersCounted: 41, registeredOnDay: 55, visitedBy: '王巡查 (ins.wang)', raiseFinding: true },
    });
    const findings = (await east.get(`/v1/findings?projectId=${P1}&rule=patrol-finding`)).body.findings;
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'patrol-finding',
        status: 'open',
        evidence: [
          '日常巡查 2026-Q4（2026-11-12）：现场清点 41 人，实名制登记在岗 55 人',
          '现场人数与实名制登记核对：现场 41 人，14 人未见',
          '维权信息告示牌：未设置维权信息告示牌',
        ],
        detail: '14 名登记工人不在现场；无维权信息告示牌',
      }),
    ]);
    const cases = (await east.get(`/v1/projects/${P1}/cases`)).body.cases;
    const theCase = (await east.get(`/v1/cases/${cases[0].caseId}`)).body;
    expect(theCase.findings.map((f: { rule: string }) => f.rule)).toContain('patrol-finding');
    // Recorded once: a second record is 409.
    expectProblem(
      await li.post(`/v1/patrols/${p.patrolId}/visit`, {
        visitedOn: '2026-11-12',
        projectId: P1,
        workersCounted: 41,
        checks: ['headcount', 'notice-board', 'payroll', 'account'].map((item) => ({ item, ok: true })),
      }),
      409,
    );
  });

  it("the finding, corrected on site, is resolved with the inspector's note", async () => {
    const p = patrolOf('总包1', 2);
    const res = await wang.post(`/v1/patrols/${p.patrolId}/resolve`, {
      note: '复查：告示牌已设置，人员已核实',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      findingStatus: 'resolved',
      visit: { resolution: { by: '王巡查 (ins.wang)', note: '复查：告示牌已设置，人员已核实' } },
    });
    expectProblem(await wang.post(`/v1/patrols/${p.patrolId}/resolve`, { note: '再次' }), 409);
  });

  it("a planned visit can be given to another of the district's inspectors, not to one of another district", async () => {
    const p = patrolOf('总包1', 3);
    const ok = await li.post(`/v1/patrols/${p.patrolId}/assign`, { assignee: 'ins.wang' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.assignee).toBe('ins.wang');
    expectProblem(await li.post(`/v1/patrols/${p.patrolId}/assign`, { assignee: 'ins.zhao' }), 400);
  });

  it('an employer that reaches 50 registered workers mid-quarter is planned the day it does', async () => {
    t.clock.set(new Date(at('12-07')));
    const pm = t.api.as(t.key('project-manager', { projectIds: [P2] }));
    const res = await pm.post(`/v1/projects/${P2}/workers`, {
      workers: range(131, 20).map((n) => workerBody(n, { enrolledOn: '2026-12-07' })),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await t.settle();
    await inspectionSweep(t, at('12-07'));
    plan = (await east.get('/v1/patrols')).body;
    expect(patrolOf('总包2')).toMatchObject({ workers: 50, dueOn: '2026-12-31' });
    expect(plan.summary).toMatchObject({ planned: 4, visited: 1, overdue: 0 });
  });

  it("a district's visits wait unassigned until it has an inspector, then go to them at the next sweep", async () => {
    t.clock.set(new Date(at('12-08')));
    await registerProject(t, 4, { district: '南区', startDate: '2026-06-01', permitDate: '2026-05-01' });
    const pm = t.api.as(t.key('project-manager', { projectIds: ['PZH-API-004'] }));
    const res = await pm.post('/v1/projects/PZH-API-004/workers', {
      workers: range(301, 50).map((n) => workerBody(n)),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await t.settle();
    await inspectionSweep(t, at('12-08'));
    const south = () => t.admin.get('/v1/patrols?district=南区&quarter=2026-Q4');
    expect((await south()).body.patrols.map((p: { assignee: string | null }) => p.assignee)).toEqual([null]);
    expect((await south()).body.summary.unassigned).toBe(1);
    await signedInInspector(t, 'ins.nan', '孙巡查', ['南区']);
    await inspectionSweep(t, '2026-12-08T10:05:00+08:00');
    expect((await south()).body.patrols.map((p: { assignee: string | null }) => p.assignee)).toEqual([
      'ins.nan',
    ]);
  });

  it("after the quarter's last day, the visits not made are overdue on its plan", async () => {
    t.clock.set(new Date('2027-01-04T10:00:00+08:00'));
    const late = (await east.get('/v1/patrols?quarter=2026-Q4')).body;
    expect(late.summary).toMatchObject({ planned: 4, visited: 1, overdue: 3 });
  });

  it('refused: a patrol of another district (403), a project manager or a bank (403), an unknown patrol (404)', async () => {
    const west = (await t.admin.get('/v1/patrols?district=西区&quarter=2026-Q4')).body.patrols[0];
    expectProblem(await east.get(`/v1/patrols/${west.patrolId}`), 403);
    expectProblem(await east.get('/v1/patrols?district=西区'), 403);
    expectProblem(await t.api.as(t.key('project-manager', { projectIds: [P1] })).get('/v1/patrols'), 403);
    expectProblem(await t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' })).get('/v1/patrols'), 403);
    expectProblem(await east.get('/v1/patrols/PT-nothing'), 404);
  });
});
