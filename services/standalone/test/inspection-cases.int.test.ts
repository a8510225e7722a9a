import { TOPICS } from '@wagewatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  lineBody,
  registerProject,
  residentId,
  transfer,
  wageAccount,
  workerBody,
} from './api-helpers.ts';
import { card } from './fixtures.ts';
import { type ApiClient, startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionEvents, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/*
 * Cases through the API, on PGlite over real HTTP.
 *
 * P1 (东区, housing) is fed like a real project: wages for October 2026 are due Friday
 * 2026-11-13; worker 1 is paid, worker 2 is not, and the ledger's sweep of 2026-11-16 raises
 * wages-missed against the general contractor. P2 (西区, transport), P3 (仁和区, water) and
 * P4 (米易县, other) get their findings as the ledger publishes them (same due date), P2 one
 * against its bank too. Working day 15 after 2026-11-13 is Friday 2026-12-04.
 */
let t: TestSystem;
const P1 = 'PZH-API-001';
const P2 = 'PZH-API-002';
const P3 = 'PZH-API-003';
const P4 = 'PZH-API-004';
const unpaid = residentId(2);
const paid = residentId(1);
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;
const BANK = { kind: 'bank' as const, name: '工商银行攀枝花分行', code: 'ICBC-PZH' };

const inspector = (districts: string[]) => {
  const { key, principal } = t.apiKeys.issue('inspector', { districts });
  return { api: t.api.as(key), keyId: principal.keyId };
};
const casesOf = async (api: ApiClient, projectId: string) => {
  const res = await api.get(`/v1/projects/${projectId}/cases`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.cases as { caseId: string; employer: { code: string }; [k: string]: unknown }[];
};
const contractorCase = async (projectId: string, n: number) => {
  const c = (await casesOf(t.admin, projectId)).find((x) => x.employer.code === contractorOf(n).code);
  if (!c) throw new Error(`no contractor case on ${projectId}`);
  return c;
};
const taskOf = async (caseId: string) => {
  const res = await t.admin.get(`/v1/tasks?caseId=${caseId}`);
  expect(res.body.total, JSON.stringify(res.body)).toBe(1);
  return res.body.tasks[0] as { taskId: string; status: string; [k: string]: unknown };
};

beforeAll(async () => {
  t = await startTestSystem();
  const p = await registerProject(t, 1, {
    payDay: 15,
    payMonthOffset: 1,
    permitDate: '2026-09-01',
    startDate: '2026-10-01',
  });
  const pm = t.api.as(t.key('project-manager', { projectIds: [P1] }));
  await pm.post(`/v1/projects/${P1}/workers`, {
    workers: [workerBody(1, { name: '王建国' }), workerBody(2, { name: '李秀英' })],
  });
  const sheet = await pm.post(`/v1/projects/${P1}/payrolls`, {
    period: '2026-10',
    lines: [lineBody(1, { name: '王建国' }), lineBody(2, { name: '李秀英', amountDue: '4800.00' })],
  });
  expect(sheet.status).toBe(201);
  const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
  await bank.post('/v1/bank/transfers', {
    records: [
      transfer({
        bankRef: 'CASE-1',
        accountNo: p.accountNo,
        counterpartyAccountNo: card(1),
        counterpartyName: '王建国',
        counterpartyIdNumber: paid,
        bookedAt: '2026-11-13T10:30:00+08:00',
      }),
      transfer({
        bankRef: 'CASE-0',
        accountNo: p.accountNo,
        direction: 'credit',
        amount: '20000.00',
        counterpartyAccountNo: '4402000000000000888',
        counterpartyName: '建设单位',
        bookedAt: '2026-11-13T09:00:00+08:00',
        purpose: 'labour-cost',
      }),
    ],
  });
  await bank.post('/v1/bank/statements', {
    accountNo: p.accountNo,
    date: '2026-11-13',
    openingBalance: '100000.00',
    closingBalance: '114800.00',
    debitCount: 1,
    debitTotal: '5200.00',
    creditCount: 1,
    creditTotal: '20000.00',
  });
  await t.settle();
  const sweep = await t.admin.post('/v1/admin/sweep', { asOf: '2026-11-16T09:00:00+08:00' });
  expect(sweep.status).toBe(200);
  await t.settle();

  const others = [
    [2, P2, '西区', 'transport'],
    [3, P3, '仁和区', 'water'],
    [4, P4, '米易县', 'other'],
  ] as const;
  for (const [n, projectId, district, sector] of others) {
    await registerProject(t, n, {
      projectId,
      district,
      sector,
      // Started after the ledger's sweep instant: none of the ledger's rules fire on their own.
      permitDate: '2026-11-10',
      startDate: '2026-11-20',
      wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(n) },
    });
  }
  await t.settle();
  for (const [n, projectId] of others) {
    await publishFinding(
      t,
      {
        findingId: `F-CASE-${n}`,
        projectId,
        responsible: contractorOf(n),
        period: '2026-10',
        dueDate: '2026-11-13',
        worker: { idNumberMasked: masked(residentId(100 + n)), name: `工人${n}` },
      },
      '2026-11-16T10:00:00+08:00',
    );
  }
  await publishFinding(
    t,
    {
      findingId: 'F-CASE-2-FEED',
      projectId: P2,
      responsible: BANK,
      rule: 'feed-incomplete',
      severity: 'medium',
      period: undefined,
      dueDate: '2026-11-13',
      amountOwed: undefined,
      amountPaid: undefined,
    },
    '2026-11-16T10:00:00+08:00',
  );
});
afterAll(async () => {
  await t?.close();
});

describe('cases from findings', () => {
  it("the ledger's wages-missed finding opens a case against the contractor, routed to 东区 and 住建局", async () => {
    const c = await contractorCase(P1, 1);
    expect(c).toMatchObject({
      projectId: P1,
      employer: { kind: 'contractor', name: '总包1', code: contractorOf(1).code },
      routing: { team: '东区', sector: 'housing', coRegulator: '住建局', policeLiaison: false },
      status: 'open',
      cycle: 1,
    });
    expect(['notice', 'warning', 'inspection-task']).toContain(c.level);
    const detail = await t.admin.get(`/v1/cases/${c.caseId}`);
    expect(detail.body.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'wages-missed',
          dueDate: '2026-11-13',
          worker: { idNumberMasked: masked(unpaid), name: expect.any(String) },
        }),
      ]),
    );
    expect(detail.body.history[0]).toMatchObject({ actor: 'system', action: 'opened' });
    expect(await inspectionEvents(t, 'case.opened', { caseId: c.caseId })).toEqual([
      expect.objectContaining({ topic: TOPICS.alerts, district: '东区', coRegulator: '住建局' }),
    ]);
  });

  it.each([
    [P2, 2, '西区', '交通局'],
    [P3, 3, '仁和区', '水务局'],
    [P4, 4, '米易县', null],
  ])(
    'routing by sector: %s goes to the %s team… and its regulator',
    async (projectId, n, team, regulator) => {
      const c = await contractorCase(projectId, n);
      expect(c).toMatchObject({
        routing: { team, coRegulator: regulator, policeLiaison: false },
        level: 'notice',
      });
    },
  );

  it('findings against another party of the same project (its bank) form their own case', async () => {
    const cases = await casesOf(t.admin, P2);
    expect(cases.map((c) => c.employer.code).sort()).toEqual([BANK.code, contractorOf(2).code].sort());
  });

  it('filters: status, district, projectId, severity', async () => {
    const east = await t.admin.get('/v1/cases?district=东区&status=open');
    expect(east.body.cases.every((c: { routing: { team: string } }) => c.routing.team === '东区')).toBe(true);
    const medium = await t.admin.get(`/v1/cases?projectId=${P2}&severity=medium`);
    expect(medium.body.cases.map((c: { employer: { code: string } }) => c.employer.code)).toEqual([
      BANK.code,
    ]);
    expect((await t.admin.get('/v1/cases?status=closed')).body.total).toBe(0);
  });

  it('working day 15 (2026-12-04) opens an inspection task per case, once', async () => {
    const s = await inspectionSweep(t, '2026-12-04T08:00:00+08:00');
    // P2 (contractor and bank), P3, P4; P1's case climbed earlier (its deposit finding is older).
    expect(s.steps.filter((x) => x.step === 'inspection-task')).toHaveLength(4);
    const open = (await t.admin.get('/v1/cases?status=open')).body.cases as { caseId: string }[];
    for (const c of open) await taskOf(c.caseId);
    const again = await inspectionSweep(t, '2026-12-04T08:00:00+08:00');
    expect(again.steps).toEqual([]);
    const task = await taskOf((await contractorCase(P3, 3)).caseId);
    expect(task).toMatchObject({
      kind: 'inspection',
      status: 'open',
      district: '仁和区',
      dueOn: '2026-12-11',
    });
  });
});

describe('task lifecycle', () => {
  it('open → assigned → in progress → resolved, with notes and a complete audit trail', async () => {
    const renhe = inspector(['仁和区']);
    const colleague = inspector(['仁和区']);
    const c = await contractorCase(P3, 3);
    const { taskId } = await taskOf(c.caseId);

    expectProblem(await renhe.api.post(`/v1/tasks/${taskId}/progress`, {}), 409); // not assigned yet
    const assigned = await renhe.api.post(`/v1/tasks/${taskId}/assign`, { inspector: colleague.keyId });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', assignee: colleague.keyId });
    const mine = await colleague.api.get('/v1/tasks?scope=mine');
    expect(mine.body.tasks.map((x: { taskId: string }) => x.taskId)).toEqual([taskId]);
    expect((await renhe.api.get('/v1/tasks?scope=mine')).body.total).toBe(0);

    expect(
      (await colleague.api.post(`/v1/tasks/${taskId}/progress`, { note: '已约谈总包项目经理' })).status,
    ).toBe(200);
    expect(
      (await colleague.api.post(`/v1/tasks/${taskId}/notes`, { note: '总包承诺12月8日前补发' })).status,
    ).toBe(200);
    const resolved = await colleague.api.post(`/v1/tasks/${taskId}/resolve`, {
      note: '现场检查完毕，已责令限期支付',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', closedAt: expect.any(String) });
    expect(
      resolved.body.trail.map(
        (e: { actor: string; action: string; fromStatus: string | null; toStatus: string | null }) => [
          e.actor,
          e.action,
          e.fromStatus,
          e.toStatus,
        ],
      ),
    ).toEqual([
      ['system', 'opened', null, 'open'],
      [renhe.keyId, 'assign', 'open', 'assigned'],
      [colleague.keyId, 'progress', 'assigned', 'in-progress'],
      [colleague.keyId, 'note', null, null],
      [colleague.keyId, 'resolve', 'in-progress', 'resolved'],
    ]);
    expect(resolved.body.trail.every((e: { at: string }) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(resolved.body.trail[3].note).toBe('总包承诺12月8日前补发');
    // A resolved task is done: no further transition.
    expectProblem(await colleague.api.post(`/v1/tasks/${taskId}/close`, { note: 'again' }), 409);

    const published = [
      ...(await inspectionEvents(t, 'task.assigned', { taskId })),
      ...(await inspectionEvents(t, 'task.progressed', { taskId })),
      ...(await inspectionEvents(t, 'task.resolved', { taskId })),
    ];
    expect(published.map((e) => [e.topic, e.status, e.actor])).toEqual([
      [TOPICS.tasks, 'assigned', renhe.keyId],
      [TOPICS.tasks, 'in-progress', colleague.keyId],
      [TOPICS.tasks, 'resolved', colleague.keyId],
    ]);
    // The finding is still open: the case stays open.
    const detail = await t.admin.get(`/v1/cases/${c.caseId}`);
    expect(detail.body.status).toBe('open');
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(
      expect.arrayContaining(['task-assigned', 'task-progressed', 'task-resolved']),
    );
  });

  it('an inspector of another district neither sees nor touches the task', async () => {
    const east = inspector(['东区']);
    const { taskId } = await taskOf((await contractorCase(P4, 4)).caseId);
    const list = await east.api.get('/v1/tasks');
    expect(list.body.tasks.every((x: { district: string }) => x.district === '东区')).toBe(true);
    expectProblem(await east.api.post(`/v1/tasks/${taskId}/assign`, { inspector: east.keyId }), 403);
    expectProblem(await east.api.get(`/v1/tasks/${taskId}`), 403);
    expectProblem(await east.api.get('/v1/tasks?district=米易县'), 403);
  });
});

describe('closing and reopening', () => {
  it('a case closes when its findings are resolved and its tasks done; a new finding reopens it', async () => {
    const c = await contractorCase(P4, 4);
    await publishFinding(
      t,
      {
        findingId: 'F-CASE-4',
        projectId: P4,
        responsible: contractorOf(4),
        period: '2026-10',
        dueDate: '2026-11-13',
      },
      '2026-12-07T10:00:00+08:00',
      'finding.resolved',
    );
    // The finding is resolved, but the inspection task is not done.
    expect((await t.admin.get(`/v1/cases/${c.caseId}`)).body.status).toBe('open');
    const miyi = inspector(['米易县']);
    const { taskId } = await taskOf(c.caseId);
    const closedTask = await miyi.api.post(`/v1/tasks/${taskId}/close`, { note: '已全额补发，核查无误' });
    expect(closedTask.status, JSON.stringify(closedTask.body)).toBe(200);
    const closed = (await t.admin.get(`/v1/cases/${c.caseId}`)).body;
    expect(closed).toMatchObject({ status: 'closed', closedAt: expect.any(String), openFindings: 0 });
    expect(closed.history.at(-1)).toMatchObject({ action: 'closed', actor: 'system' });
    expect(await inspectionEvents(t, 'case.closed', { caseId: c.caseId })).toHaveLength(1);
    expect(
      (await t.admin.get('/v1/cases?status=closed')).body.cases.map((x: { caseId: string }) => x.caseId),
    ).toEqual([c.caseId]);

    await publishFinding(
      t,
      {
        findingId: 'F-CASE-4-NOV',
        projectId: P4,
        responsible: contractorOf(4),
        period: '2026-11',
        dueDate: '2026-12-15',
      },
      '2026-12-16T10:00:00+08:00',
    );
    const reopened = (await t.admin.get(`/v1/cases/${c.caseId}`)).body;
    expect(reopened).toMatchObject({
      caseId: c.caseId,
      status: 'open',
      cycle: 2,
      reopenedAt: expect.any(String),
      closedAt: null,
      level: 'notice',
      openFindings: 1,
    });
    expect(reopened.history.map((h: { action: string }) => h.action).slice(-4)).toEqual([
      'closed',
      'reopened',
      'findings-attached',
      'escalated:notice',
    ]);
    expect(await inspectionEvents(t, 'case.reopened', { caseId: c.caseId })).toEqual([
      expect.objectContaining({ topic: TOPICS.alerts, cycle: 2, status: 'open' }),
    ]);
    // The new cycle's notice is a step of its own.
    expect(
      (await inspectionEvents(t, 'case.escalated', { caseId: c.caseId })).map(
        (e) => e.step?.key.split('#')[1],
      ),
    ).toEqual(expect.arrayContaining(['1:notice', '2:notice']));
  });
});

describe('scopes', () => {
  it('an inspector sees the cases of their districts only', async () => {
    const west = inspector(['西区']);
    const list = await west.api.get('/v1/cases');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.cases.every((c: { routing: { team: string } }) => c.routing.team === '西区')).toBe(true);
    expectProblem(await west.api.get('/v1/cases?district=东区'), 403);
    expectProblem(await west.api.get(`/v1/cases/${(await contractorCase(P1, 1)).caseId}`), 403);
    expectProblem(await west.api.get(`/v1/projects/${P1}/cases`), 403);
  });

  it("a project manager reads their projects' cases and justifies only their own", async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [P1] }));
    const list = await pm.get('/v1/cases');
    expect(list.body.cases.map((c: { projectId: string }) => c.projectId)).toEqual([P1]);
    expectProblem(await pm.get(`/v1/cases?projectId=${P2}`), 403);
    const other = await contractorCase(P2, 2);
    expectProblem(await pm.get(`/v1/cases/${other.caseId}`), 403);
    expectProblem(await pm.post(`/v1/cases/${other.caseId}/justifications`, { text: '不是我的项目' }), 403);
    const own = await contractorCase(P1, 1);
    const j = await pm.post(`/v1/cases/${own.caseId}/justifications`, { text: '建设单位未按期拨付人工费' });
    expect(j.status, JSON.stringify(j.body)).toBe(201);
    expect(j.body).toMatchObject({ decision: null, cycle: 1, text: '建设单位未按期拨付人工费' });
    expectProblem(await pm.post(`/v1/cases/${own.caseId}/justifications`, { text: '再补充一条' }), 409);
    // Only an inspector of the case's district decides; the project manager may not.
    const decide = { decision: 'accepted', reason: 'ok' };
    expectProblem(
      await pm.post(`/v1/cases/${own.caseId}/justifications/${j.body.justificationId}/decision`, decide),
      403,
    );
    expectProblem(
      await inspector(['西区']).api.post(
        `/v1/cases/${own.caseId}/justifications/${j.body.justificationId}/decision`,
        decide,
      ),
      403,
    );
    expectProblem(await pm.get('/v1/tasks'), 403);
    expectProblem(
      await pm.post(`/v1/tasks/${(await taskOf(own.caseId)).taskId}/assign`, { inspector: 'x' }),
      403,
    );
    const east = inspector(['东区']);
    const accepted = await east.api.post(
      `/v1/cases/${own.caseId}/justifications/${j.body.justificationId}/decision`,
      {
        decision: 'accepted',
        reason: '有拨付延误的证据',
      },
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    // Default pause: 10 working days from the evaluation day (the last sweep's, 2026-12-04).
    expect(accepted.body.pausedUntil).toBe('2026-12-18');
  });

  it('an inspector may not submit a justification; a bank sees nothing of cases, tasks or grades', async () => {
    const own = await contractorCase(P1, 1);
    expectProblem(
      await inspector(['东区']).api.post(`/v1/cases/${own.caseId}/justifications`, { text: 'x' }),
      403,
    );
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    for (const path of [
      '/v1/cases',
      `/v1/cases/${own.caseId}`,
      `/v1/projects/${P1}/cases`,
      '/v1/tasks',
      '/v1/risk-grades',
    ]) {
      expectProblem(await bank.get(path), 403);
    }
  });

  it('risk grades: per project and per employer, in scope', async () => {
    const all = await t.admin.get('/v1/risk-grades');
    expect(all.body.grades.map((g: { subject: string; id: string }) => `${g.subject}:${g.id}`)).toEqual(
      expect.arrayContaining([
        `project:${P1}`,
        `project:${P2}`,
        `employer:${contractorOf(1).code}`,
        `employer:${BANK.code}`,
      ]),
    );
    for (const g of all.body.grades) expect(['A', 'B', 'C', 'D']).toContain(g.grade);
    const west = inspector(['西区']);
    const westGrades = await west.api.get('/v1/risk-grades');
    expect(
      westGrades.body.grades.every((g: { id: string }) => g.id !== P1 && g.id !== contractorOf(1).code),
    ).toBe(true);
    expectProblem(await west.api.get(`/v1/risk-grades?projectId=${P1}`), 403);
    const pm = t.api.as(t.key('project-manager', { projectIds: [P1] }));
    const own = await pm.get(`/v1/risk-grades?projectId=${P1}&employer=${contractorOf(1).code}`);
    expect(own.body.grades.map((g: { subject: string }) => g.subject).sort()).toEqual([
      'employer',
      'project',
    ]);
    expect((await pm.get(`/v1/risk-grades?projectId=${P2}`)).status).toBe(403);
  });

  it('no full ID number anywhere in the responses (masked only)', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [P1] }));
    const texts: string[] = [];
    for (const api of [t.admin, pm]) {
      const list = await api.get('/v1/cases');
      texts.push(JSON.stringify(list.body));
      for (const c of list.body.cases)
        texts.push(JSON.stringify((await api.get(`/v1/cases/${c.caseId}`)).body));
      texts.push(JSON.stringify((await api.get(`/v1/projects/${P1}/cases`)).body));
      texts.push(JSON.stringify((await api.get('/v1/risk-grades')).body));
    }
    texts.push(JSON.stringify((await t.admin.get('/v1/tasks')).body));
    const all = texts.join('\n');
    expect(all).toContain(masked(unpaid));
    for (const id of [unpaid, paid, residentId(102), residentId(103), residentId(104)])
      expect(all).not.toContain(id);
    // Nor in the events the inspection publishes.
    const [outbox] = await t.db.query<{ all: string }>(
      `SELECT string_agg(envelope::text, '\n') AS all FROM inspection.outbox`,
    );
    expect(outbox?.all).not.toContain(unpaid);
  });
});
