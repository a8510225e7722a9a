import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/*
 * Working days everywhere on the inspection side (issue 10 §3), across the Mid-Autumn +
 * National Day 2026 stretch: Sunday 09-20 worked, 09-25..27 off, 10-01..07 off, Saturday 10-10
 * worked. Wages due Monday 2026-09-21; the case is opened on 2026-09-22.
 *
 * - working day 10 (the warning): 09-22, 23, 24, 28, 29, 30, 10-08, 09, 10, 12 → 2026-10-12;
 * - working day 15 (the inspection task): 10-13, 14, 15, 16, 19 → 2026-10-19, its SLA 5 working
 *   days later: 10-20, 21, 22, 23, 26 → 2026-10-26;
 * - a justification accepted on 2026-09-22 with the default pause (10 working days): 2026-10-13.
 * And a due date the calendar cannot count (2027, not in the data) carries a warning.
 */
describe.each(['pglite', 'postgres'] as const)('working days across the 2026 holidays (%s)', (kind) => {
  let t: TestSystem;
  let caseId: string;
  const P = 'PZH-WD-001';

  beforeAll(async () => {
    t = await startTestSystem({ kind, now: new Date('2026-09-22T09:00:00+08:00') });
    await registerProject(t, 1, { projectId: P, startDate: '2026-08-01' });
    await t.settle();
    await inspectionSweep(t, '2026-09-22T09:00:00+08:00');
    await publishFinding(
      t,
      { findingId: 'F-WD-1', projectId: P, responsible: contractorOf(1), dueDate: '2026-09-21' },
      '2026-09-22T09:00:00+08:00',
    );
    caseId = (await t.admin.get(`/v1/projects/${P}/cases`)).body.cases[0].caseId;
  }, 120_000);
  afterAll(() => t?.close());

  it('a justification accepted on 2026-09-22 with the default pause pauses the ladder until 2026-10-13', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [P] }));
    const j = await pm.post(`/v1/cases/${caseId}/justifications`, { text: '业主拨款延迟' });
    expect(j.status).toBe(201);
    const inspector = t.api.as(t.key('inspector', { districts: ['东区'] }));
    const decided = await inspector.post(
      `/v1/cases/${caseId}/justifications/${j.body.justificationId}/decision`,
      {
        decision: 'accepted',
        reason: '业主拨款凭证已核实',
      },
    );
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.pausedUntil).toBe('2026-10-13');
    expect(decided.body.justifications[0].pausedUntil).toBe('2026-10-13');
  });

  it('the warning (working day 10, 2026-10-12) waits for the pause, and is taken on 2026-10-14', async () => {
    expect((await inspectionSweep(t, '2026-10-13T18:00:00+08:00')).steps).toEqual([]);
    const r = await inspectionSweep(t, '2026-10-14T09:00:00+08:00');
    expect(r.steps.map((s) => `${s.step}@${s.dueOn}`)).toEqual(['warning@2026-10-12']);
  });

  it('the inspection task on working day 15 (2026-10-19), due 5 working days later (2026-10-26)', async () => {
    expect((await inspectionSweep(t, '2026-10-16T18:00:00+08:00')).steps).toEqual([]);
    const r = await inspectionSweep(t, '2026-10-19T09:00:00+08:00');
    expect(r.steps.map((s) => `${s.step}@${s.dueOn}`)).toEqual(['inspection-task@2026-10-19']);
    const tasks = (await t.admin.get(`/v1/tasks?caseId=${caseId}`)).body.tasks;
    expect(tasks).toHaveLength(1);
    expect(tasks[0].dueOn).toBe('2026-10-26');
  });

  it('a due date past the calendar (the 2026-Q4 screening, run in 2027) is an estimate with a visible warning', async () => {
    const r = (await inspectionSweep(t, '2027-01-05T09:00:00+08:00')) as unknown as {
      campaigns: { ran: string[]; warnings: string[] };
    };
    expect(r.campaigns.ran).toContain('screening:2026-Q4');
    expect(
      r.campaigns.warnings.some((w) => w.includes('does not cover 2027') && w.includes('estimate')),
    ).toBe(true);
    const [report] = (await t.admin.get('/v1/campaigns/reports?kind=screening&occurrence=screening:2026-Q4'))
      .body.reports;
    const detail = (await t.admin.get(`/v1/campaigns/reports/${report.reportId}`)).body;
    expect(detail.data.warnings[0]).toContain('does not cover 2027');
    const tasks = (await t.admin.get(`/v1/tasks?caseId=${caseId}`)).body.tasks;
    const screeningTask = tasks.find((x: { trail: { note: string | null }[] }) =>
      x.trail[0]?.note?.startsWith('quarterly screening 2026-Q4'),
    );
    expect(screeningTask.dueOn).toBe('2027-01-19'); // 14 calendar days: an estimate, and it says so
    expect(screeningTask.trail[0].note).toContain('does not cover 2027');
  });

  it('past the calendar, a default pause is not guessed and a given date past it is refused: 400 naming pauseUntil, nothing stored', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [P] }));
    const j = await pm.post(`/v1/cases/${caseId}/justifications`, { text: '春节前资金安排' });
    expect(j.status, JSON.stringify(j.body)).toBe(201);
    const inspector = t.api.as(t.key('inspector', { districts: ['东区'] }));
    const path = `/v1/cases/${caseId}/justifications/${j.body.justificationId}/decision`;
    const refused = await inspector.post(path, { decision: 'accepted', reason: '核实' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { field: 'pauseUntil', message: expect.stringContaining('does not cover 2027') },
    ]);
    const still = (await t.admin.get(`/v1/cases/${caseId}`)).body;
    expect(
      still.justifications.find(
        (x: { justificationId: string }) => x.justificationId === j.body.justificationId,
      ),
    ).toMatchObject({ decision: null, pausedUntil: null });
    // Its working days cannot be counted either: a pause is bounded in working days (issue 11).
    const beyond = await inspector.post(path, {
      decision: 'accepted',
      reason: '核实',
      pauseUntil: '2027-01-20',
    });
    expect(beyond.status, JSON.stringify(beyond.body)).toBe(400);
    expect(beyond.body.errors).toEqual([
      { field: 'pauseUntil', message: expect.stringContaining('does not cover 2027') },
    ]);
    // Decided on 2027-01-05, any pause lies in 2027: accepting waits for the State Council's
    // notice in the calendar (docs/adr/0016); rejecting does not.
    expect(
      (await t.admin.get(`/v1/cases/${caseId}`)).body.justifications.find(
        (x: { justificationId: string }) => x.justificationId === j.body.justificationId,
      ),
    ).toMatchObject({ decision: null, pausedUntil: null });
    const rejected = await inspector.post(path, { decision: 'rejected', reason: '理由不足' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
  });
});
