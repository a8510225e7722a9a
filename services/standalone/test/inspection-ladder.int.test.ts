import { TOPICS } from '@wagewatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject, wageAccount } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionEvents, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/*
 * The escalation ladder over the 2026 National Day block, through the API.
 *
 * Three projects owe wages for August 2026, due Tuesday 2026-09-29, the day before the block
 * (Mid-Autumn 09-25..27, National Day 10-01..07, Saturday 10-10 a make-up working day). The
 * ledger raises the finding on 09-30. Working day 10 is then Monday 10-19 (without the block:
 * 10-13) and working day 15 Monday 10-26 (without it: 10-20).
 * - L1 (东区, housing): nobody justifies anything.
 * - L2 (西区, water): the contractor justifies the delay; an inspector accepts, pausing the
 *   ladder to Friday 10-23.
 * - L3 (仁和区, transport): the contractor justifies; the inspector rejects.
 */
let t: TestSystem;
const P = { L1: 'PZH-LAD-001', L2: 'PZH-LAD-002', L3: 'PZH-LAD-003' };
const caseIds = { L1: '', L2: '', L3: '' };

const caseOf = async (projectId: string) => {
  const res = await t.admin.get(`/v1/projects/${projectId}/cases`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.cases[0];
};
const stepsOf = (sweep: { steps: { caseId: string; step: string; dueOn: string }[] }) =>
  sweep.steps
    .map((s) => `${Object.entries(caseIds).find(([, id]) => id === s.caseId)?.[0]}:${s.step}@${s.dueOn}`)
    .sort();

beforeAll(async () => {
  t = await startTestSystem();
  await registerProject(t, 1, { projectId: P.L1, district: '东区', sector: 'housing' });
  await registerProject(t, 2, {
    projectId: P.L2,
    district: '西区',
    sector: 'water',
    wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(2) },
  });
  await registerProject(t, 3, {
    projectId: P.L3,
    district: '仁和区',
    sector: 'transport',
    wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(3) },
  });
  await t.settle();
  for (const [n, [name, projectId]] of Object.entries(P).entries()) {
    await publishFinding(
      t,
      { findingId: `F-LAD-${n + 1}`, projectId, responsible: contractorOf(n + 1) },
      '2026-09-30T09:00:00+08:00',
    );
    caseIds[name as keyof typeof P] = (await caseOf(projectId)).caseId;
  }
  // The sweep timer's first run that day.
  await inspectionSweep(t, '2026-09-30T12:00:00+08:00');
});
afterAll(async () => {
  await t?.close();
});

describe('the escalation ladder on working days across the National Day block', () => {
  it('day 0: the finding opens a case and the notice goes out at once; next deadline 10-19', async () => {
    const c = await caseOf(P.L1);
    expect(c).toMatchObject({ status: 'open', level: 'notice', deadline: '2026-10-19', cycle: 1 });
    const detail = await t.admin.get(`/v1/cases/${c.caseId}`);
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual([
      'opened',
      'findings-attached',
      'escalated:notice',
    ]);
    const opened = await inspectionEvents(t, 'case.opened', { caseId: c.caseId });
    expect(opened).toEqual([
      expect.objectContaining({ topic: TOPICS.alerts, projectId: P.L1, district: '东区' }),
    ]);
    const notice = await inspectionEvents(t, 'case.escalated', { caseId: c.caseId });
    expect(notice).toEqual([
      expect.objectContaining({
        level: 'notice',
        step: expect.objectContaining({ kind: 'notice', dueOn: '2026-09-29' }),
      }),
    ]);
  });

  it('the project manager justifies L2 and L3; an inspector accepts L2 (paused to 10-23) and rejects L3', async () => {
    const pm2 = t.api.as(t.key('project-manager', { projectIds: [P.L2] }));
    const pm3 = t.api.as(t.key('project-manager', { projectIds: [P.L3] }));
    const j2 = await pm2.post(`/v1/cases/${caseIds.L2}/justifications`, {
      text: '业主工程款延迟拨付，已书面催告',
    });
    expect(j2.status, JSON.stringify(j2.body)).toBe(201);
    const j3 = await pm3.post(`/v1/cases/${caseIds.L3}/justifications`, { text: '资金周转困难' });
    expect(j3.status).toBe(201);
    const west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    const renhe = t.api.as(t.key('inspector', { districts: ['仁和区'] }));
    const accepted = await west.post(
      `/v1/cases/${caseIds.L2}/justifications/${j2.body.justificationId}/decision`,
      {
        decision: 'accepted',
        reason: '有业主延迟拨付的书面证据',
        pauseUntil: '2026-10-23',
      },
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ pausedUntil: '2026-10-23' });
    expect(accepted.body.justifications).toEqual([
      expect.objectContaining({
        decision: 'accepted',
        reason: '有业主延迟拨付的书面证据',
        pausedUntil: '2026-10-23',
      }),
    ]);
    const rejected = await renhe.post(
      `/v1/cases/${caseIds.L3}/justifications/${j3.body.justificationId}/decision`,
      {
        decision: 'rejected',
        reason: '资金周转不是拖欠工资的理由',
      },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.pausedUntil).toBeNull();
    // The decision is kept: deciding twice is a conflict.
    const again = await renhe.post(
      `/v1/cases/${caseIds.L3}/justifications/${j3.body.justificationId}/decision`,
      {
        decision: 'accepted',
        reason: 'changed my mind',
      },
    );
    expect(again.status).toBe(409);
  });

  it('10-16 (day 10 had there been no holiday): nothing is due', async () => {
    const s = await inspectionSweep(t, '2026-10-16T12:00:00+08:00');
    expect(s.steps).toEqual([]);
    expect(s.cases).toBe(3);
  });

  it('10-19, working day 10: warnings for L1 and L3 (rejected), none for L2 (accepted, paused)', async () => {
    const s = await inspectionSweep(t, '2026-10-19T09:00:00+08:00');
    expect(stepsOf(s)).toEqual(['L1:warning@2026-10-19', 'L3:warning@2026-10-19']);
    expect(await caseOf(P.L2)).toMatchObject({ level: 'notice', pausedUntil: '2026-10-23' });
  });

  it('rerunning the sweep, or sweeping an earlier instant, takes no step twice', async () => {
    expect((await inspectionSweep(t, '2026-10-19T09:00:00+08:00')).steps).toEqual([]);
    const earlier = await inspectionSweep(t, '2026-10-17T09:00:00+08:00');
    expect(earlier.asOf).toBe(new Date('2026-10-19T09:00:00+08:00').toISOString());
    expect(earlier.steps).toEqual([]);
    expect(await inspectionEvents(t, 'case.escalated', { caseId: caseIds.L1 })).toHaveLength(2);
  });

  it('10-24, after the pause: L2 gets its warning', async () => {
    const s = await inspectionSweep(t, '2026-10-24T09:00:00+08:00');
    expect(stepsOf(s)).toEqual(['L2:warning@2026-10-19']);
  });

  it('10-26, working day 15: an inspection task for each case, due in 5 working days', async () => {
    expect((await inspectionSweep(t, '2026-10-25T23:00:00+08:00')).steps).toEqual([]);
    const s = await inspectionSweep(t, '2026-10-26T08:00:00+08:00');
    expect(stepsOf(s)).toEqual([
      'L1:inspection-task@2026-10-26',
      'L2:inspection-task@2026-10-26',
      'L3:inspection-task@2026-10-26',
    ]);
    const tasks = await t.admin.get('/v1/tasks');
    expect(tasks.body.total).toBe(3);
    expect(tasks.body.tasks[0]).toMatchObject({ kind: 'inspection', status: 'open', dueOn: '2026-11-02' });
    const opened = await inspectionEvents(t, 'task.opened');
    expect(opened).toHaveLength(3);
    expect(opened[0]).toMatchObject({ topic: TOPICS.tasks, actor: 'system', status: 'open' });
    expect(await caseOf(P.L1)).toMatchObject({ level: 'inspection-task', deadline: null });
  });

  it('a second month unpaid makes the case critical at once; the criminal threshold routes it to the police', async () => {
    await publishFinding(
      t,
      {
        findingId: 'F-LAD-1-SEP',
        projectId: P.L1,
        responsible: contractorOf(1),
        period: '2026-09',
        dueDate: '2026-10-15',
      },
      '2026-10-27T09:00:00+08:00',
    );
    expect(await caseOf(P.L1)).toMatchObject({ level: 'critical', routing: { policeLiaison: false } });
    const critical = (await inspectionEvents(t, 'case.escalated', { caseId: caseIds.L1 })).filter(
      (e) => e.step?.kind === 'critical',
    );
    expect(critical).toHaveLength(1);
    await publishFinding(
      t,
      {
        findingId: 'F-LAD-1-ARREARS',
        projectId: P.L1,
        responsible: contractorOf(1),
        rule: 'arrears-growing',
        severity: 'critical',
        policeReferral: true,
        period: undefined,
        dueDate: undefined,
      },
      '2026-10-28T09:00:00+08:00',
    );
    const c = await caseOf(P.L1);
    expect(c.routing).toEqual({
      team: '东区',
      sector: 'housing',
      coRegulator: '住建局',
      policeLiaison: true,
    });
    // Critical is one step: it is not taken again.
    expect(
      (await inspectionEvents(t, 'case.escalated', { caseId: caseIds.L1 })).map((e) => e.step?.kind),
    ).toEqual(['notice', 'warning', 'inspection-task', 'critical']);
    const detail = await t.admin.get(`/v1/cases/${caseIds.L1}`);
    expect(detail.body.history.filter((h: { action: string }) => h.action === 'routed')).toEqual([
      expect.objectContaining({ note: expect.stringContaining('police liaison') }),
    ]);
  });

  it('the risk grades follow: L1 (police referral) D, L3 (one month unpaid) B', async () => {
    const res = await t.admin.get(`/v1/risk-grades?projectId=${P.L1}`);
    expect(res.body.grades).toEqual([expect.objectContaining({ subject: 'project', id: P.L1, grade: 'D' })]);
    const l3 = await t.admin.get(`/v1/risk-grades?projectId=${P.L3}&employer=${contractorOf(3).code}`);
    expect(l3.body.grades).toEqual([
      expect.objectContaining({ subject: 'project', id: P.L3, grade: 'B', score: 16 }),
      expect.objectContaining({ subject: 'employer', id: contractorOf(3).code, grade: 'B', score: 16 }),
    ]);
  });
});
