import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zh from '../../console/src/i18n/zh-CN.ts';
import { noteText } from '../../console/src/pages/cases/notes.ts';
import { registerProject } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/*
 * Issue 12, "closing and reopening the case": a person closes a case (结案) with an outcome and
 * a reason, or reopens it (重新立案), over the real HTTP server (docs/adr/0020-manual-case-closing.md).
 * - Closing covers the open findings (they do not reopen the case on the next sweep; a new
 *   finding does) and closes the pending tasks with it; the history names the person.
 * - Reopening starts a new cycle and opens a verification task due in 5 working days.
 * - A critical case with open findings is closed only by an admin (the district lead).
 * Swept on 2026-10-21 (Wednesday, Shanghai): wages due 2026-09-22 are 16 working days late (the
 * inspection task is open).
 */
let t: TestSystem;
const P = { plain: 'PZH-CLS-001', critical: 'PZH-CLS-002' };
const ids = { plain: '', critical: '' };

const caseOf = async (projectId: string) => {
  const res = await t.admin.get(`/v1/projects/${projectId}/cases`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.cases[0];
};
const detailOf = async (caseId: string) => {
  const res = await t.admin.get(`/v1/cases/${caseId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const east = () => t.api.as(t.key('inspector', { districts: ['东区'] }));

beforeAll(async () => {
  t = await startTestSystem({ embedded: { protection: { maxEventLoopDelayMs: 0 } } });
  await registerProject(t, 1, { projectId: P.plain, district: '东区', sector: 'housing' });
  await registerProject(t, 2, { projectId: P.critical, district: '东区', sector: 'housing' });
  await t.settle();
  await publishFinding(
    t,
    { findingId: 'F-CLS-1', projectId: P.plain, responsible: contractorOf(1), dueDate: '2026-09-22' },
    '2026-09-23T09:00:00+08:00',
  );
  for (const [n, period, dueDate] of [
    [2, '2026-08', '2026-09-29'],
    [3, '2026-09', '2026-10-09'],
  ] as const)
    await publishFinding(
      t,
      { findingId: `F-CLS-${n}`, projectId: P.critical, responsible: contractorOf(2), period, dueDate },
      '2026-10-10T09:00:00+08:00',
    );
  await inspectionSweep(t, '2026-10-21T12:00:00+08:00');
  ids.plain = (await caseOf(P.plain)).caseId;
  ids.critical = (await caseOf(P.critical)).caseId;
});
afterAll(async () => {
  await t?.close();
});

describe('a person closes a case', () => {
  it('refuses a project manager, an inspector of another district and a blank reason, storing nothing', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [P.plain] }));
    const west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    const body = { outcome: 'paid-verified', reason: '已核实现金发放凭证' };
    expect((await pm.post(`/v1/cases/${ids.plain}/closing`, body)).status).toBe(403);
    expect((await west.post(`/v1/cases/${ids.plain}/closing`, body)).status).toBe(403);
    const blank = await east().post(`/v1/cases/${ids.plain}/closing`, { ...body, reason: '  ' });
    expect(blank.status).toBe(400);
    expect(JSON.stringify(blank.body)).toContain('reason');
    const bad = await east().post(`/v1/cases/${ids.plain}/closing`, { ...body, outcome: 'bribed' });
    expect(bad.status).toBe(400);
    expect(await caseOf(P.plain)).toMatchObject({ status: 'open', closing: null });
  });

  it('closes over the open finding with its pending task; the next sweep leaves it closed; a second close is 409', async () => {
    const before = await detailOf(ids.plain);
    const pending = before.tasks.filter((x: { status: string }) => x.status === 'open');
    expect(pending.length).toBeGreaterThan(0);

    const res = await east().post(`/v1/cases/${ids.plain}/closing`, {
      outcome: 'paid-verified',
      reason: '已核实现金发放凭证',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: 'closed',
      deadline: null,
      closing: { outcome: 'paid-verified', reason: '已核实现金发放凭证', closedOver: ['F-CLS-1'] },
    });
    expect(res.body.closing.by).not.toBe('system');
    expect(res.body.tasks.every((x: { status: string }) => x.status === 'closed')).toBe(true);
    expect(res.body.history).toContainEqual(
      expect.objectContaining({
        action: 'closed-by-person',
        actor: res.body.closing.by,
        note: expect.stringContaining('1 open finding(s) covered'),
      }),
    );

    await inspectionSweep(t, '2026-10-22T12:00:00+08:00');
    expect(await caseOf(P.plain)).toMatchObject({ status: 'closed', cycle: 1 });
    const again = await east().post(`/v1/cases/${ids.plain}/closing`, { outcome: 'other', reason: 'x' });
    expect(again.status).toBe(409);
  });

  it('a new finding reopens it in the next cycle, the closing forgotten', async () => {
    await publishFinding(
      t,
      {
        findingId: 'F-CLS-4',
        projectId: P.plain,
        responsible: contractorOf(1),
        period: '2026-09',
        dueDate: '2026-10-22',
      },
      '2026-10-23T09:00:00+08:00',
    );
    const c = await caseOf(P.plain);
    expect(c).toMatchObject({ status: 'open', cycle: 2, closing: null });
    expect((await detailOf(ids.plain)).history).toContainEqual(
      expect.objectContaining({
        action: 'reopened',
        note: 'reopened (cycle 2): 1 new open finding(s) beside the 1 its closing covered',
      }),
    );
  });

  it('a critical case with open findings: 403 for an inspector, closed by an admin', async () => {
    expect(await caseOf(P.critical)).toMatchObject({ level: 'critical', status: 'open' });
    const denied = await east().post(`/v1/cases/${ids.critical}/closing`, {
      outcome: 'transferred',
      reason: '移送公安机关',
    });
    expect(denied.status, JSON.stringify(denied.body)).toBe(403);
    expect(denied.body.detail).toContain('district lead');
    const lead = await t.admin.post(`/v1/cases/${ids.critical}/closing`, {
      outcome: 'transferred',
      reason: '移送公安机关',
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(200);
    expect(lead.body).toMatchObject({ status: 'closed', closing: { outcome: 'transferred' } });
  });
});

describe('a person reopens a case', () => {
  it('refuses an open case (409); reopens a closed one with a verification task due in 5 working days', async () => {
    expect((await east().post(`/v1/cases/${ids.plain}/reopening`, { reason: '工人投诉' })).status).toBe(409);
    // The system's evaluation day is the last sweep's, Thursday 2026-10-22 (a finding's
    // arrival does not move it): five working days after it is 2026-10-29.
    const res = await east().post(`/v1/cases/${ids.critical}/reopening`, { reason: '工人投诉仍未收到工资' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'open', cycle: 2, closing: null });
    const verification = res.body.tasks.find((x: { status: string }) => x.status === 'open');
    expect(verification).toMatchObject({ dueOn: '2026-10-29' });
    expect(res.body.history).toContainEqual(
      expect.objectContaining({
        action: 'reopened-by-person',
        note: expect.stringContaining('工人投诉仍未收到工资'),
      }),
    );
    // The next sweep climbs the new cycle's ladder on the open findings; it does not close it.
    await inspectionSweep(t, '2026-10-26T12:00:00+08:00');
    const after = await caseOf(P.critical);
    expect(after).toMatchObject({ status: 'open', cycle: 2 });
    expect(after.level).not.toBe('none');
  });
});

describe('the notes as the console shows them in Chinese (services/console/src/pages/cases/notes.ts)', () => {
  it('every system note and person’s closing note of both cases is rewritten, its values kept', async () => {
    const notes: string[] = [];
    for (const id of [ids.plain, ids.critical]) {
      const d = await detailOf(id);
      for (const h of d.history) if (h.note && !h.action.startsWith('task-')) notes.push(h.note);
      for (const task of d.tasks)
        for (const e of task.trail) if (e.note && e.actor === 'system') notes.push(e.note);
    }
    expect(notes.length).toBeGreaterThan(10);
    const rule = (code: string) => (zh.rule as Record<string, string>)[code] ?? code;
    const untranslated = notes.filter((n) => noteText(n, 'zh-CN', rule) === n);
    expect(untranslated).toEqual([]);
    for (const n of notes) expect(noteText(n, 'en'), 'English stays as the server wrote it').toBe(n);
    // The values survive the rewrite.
    const shown = notes.map((n) => noteText(n, 'zh-CN', rule));
    expect(shown).toContain('未发放工资 × 1');
    expect(shown).toContain('应发日期 2026-09-22 后第 10 个工作日');
    expect(shown).toContainEqual(
      expect.stringContaining('已核实支付：已核实现金发放凭证（1 个未处置问题随结案核销'),
    );
    expect(shown).toContainEqual(
      expect.stringContaining('重新立案（第 2 轮）：工人投诉仍未收到工资；核查任务期限 2026-10-29'),
    );
  });
});
