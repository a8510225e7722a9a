import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, registerProject, wageAccount } from './api-helpers.ts';
import { creditCode } from './fixtures.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/*
 * Every project and every employer has a risk grade (issue 10 §3), findings or none. One
 * contractor (总包1) builds A in 东区 and B in 西区; B has one finding against it (¥4,800 unpaid for
 * one month: 6 + 5 + 5 = 16, B). C in 东区 (总包3) has no finding at all. A reader scoped to
 * 东区 or to A sees 总包1 graded on A alone, and is told the grade leaves projects out.
 */
type Grade = {
  subject: 'project' | 'employer';
  id: string;
  grade: string;
  score: number;
  reasons: string[];
  inputs: Record<string, unknown>;
  scope: { complete: boolean; note: string | null };
};

describe.each(['pglite', 'postgres'] as const)('risk grades for everyone (%s)', (kind) => {
  let t: TestSystem;
  const P = { A: 'PZH-RISK-A', B: 'PZH-RISK-B', C: 'PZH-RISK-C' };
  const one = contractorOf(1).code;
  const three = contractorOf(3).code;
  const grades = async (key: string, query = '') => {
    const res = await t.api.as(key).get(`/v1/risk-grades${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.grades as Grade[];
  };
  const find = (gs: Grade[], subject: Grade['subject'], id: string) =>
    gs.find((g) => g.subject === subject && g.id === id);

  beforeAll(async () => {
    t = await startTestSystem({ kind });
    await registerProject(t, 1, { projectId: P.A, district: '东区' });
    await registerProject(t, 2, {
      projectId: P.B,
      district: '西区',
      contractor: { name: '总包1', creditCode: creditCode(2001) },
      wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(2) },
    });
    await registerProject(t, 3, {
      projectId: P.C,
      district: '东区',
      wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(3) },
    });
    await t.settle();
    await publishFinding(
      t,
      { findingId: 'F-RISK-B', projectId: P.B, responsible: contractorOf(1), dueDate: '2026-11-13' },
      '2026-11-16T09:00:00+08:00',
    );
    await inspectionSweep(t, '2026-11-29T10:00:00+08:00');
  }, 120_000);
  afterAll(() => t?.close());

  it('a project and an employer without any finding are graded A, with their reasons', async () => {
    const all = await grades(t.key('admin'));
    for (const [subject, id] of [
      ['project', P.A],
      ['project', P.C],
      ['employer', three],
    ] as const) {
      expect(find(all, subject, id), `${subject} ${id}`).toMatchObject({
        grade: 'A',
        score: 0,
        reasons: ['no open finding and no breach in the last 365 days', 'score 0: grade A'],
        scope: { complete: true, note: null },
      });
    }
    expect(find(all, 'project', P.B)).toMatchObject({ grade: 'B', score: 16 });
    expect(find(all, 'employer', one)).toMatchObject({ grade: 'B', score: 16, scope: { complete: true } });
    expect(find(all, 'employer', one)?.reasons).toContain('1 month(s) unpaid (5 points)');
  });

  it('an inspector of 东区 sees 总包1 graded on A only, told that projects outside are left out', async () => {
    const east = await grades(t.key('inspector', { districts: ['东区'] }));
    expect(find(east, 'project', P.B)).toBeUndefined();
    const e = find(east, 'employer', one);
    expect(e).toMatchObject({ grade: 'A', score: 0, scope: { complete: false } });
    expect(e?.scope.note).toContain('outside your scope');
    expect(JSON.stringify(e)).not.toContain(P.B);
    expect(find(east, 'employer', three)).toMatchObject({ grade: 'A', scope: { complete: true } });
  });

  it('an inspector of 西区 sees 总包1 graded on B; of every district, the whole grade', async () => {
    const west = await grades(t.key('inspector', { districts: ['西区'] }));
    expect(find(west, 'employer', one)).toMatchObject({ grade: 'B', score: 16, scope: { complete: false } });
    expect(find(west, 'employer', three)).toBeUndefined();
    const city = await grades(t.key('inspector', { districts: 'all' }));
    expect(find(city, 'employer', one)).toMatchObject({ grade: 'B', scope: { complete: true } });
  });

  it("a project manager sees their project's grade and its employer's, as far as their projects go", async () => {
    const pmA = t.key('project-manager', { projectIds: [P.A] });
    const own = await grades(pmA, `?projectId=${P.A}&employer=${one}`);
    expect(own.map((g) => `${g.subject}:${g.grade}`).sort()).toEqual(['employer:A', 'project:A']);
    expect(find(own, 'employer', one)?.scope.complete).toBe(false);
    const pmC = t.key('project-manager', { projectIds: [P.C] });
    expect(find(await grades(pmC), 'employer', three)).toMatchObject({
      grade: 'A',
      scope: { complete: true },
    });
    // An employer with no project of theirs, or another project: 403, not an empty list.
    expectProblem(await t.api.as(pmC).get(`/v1/risk-grades?employer=${one}`), 403);
    expectProblem(await t.api.as(pmC).get(`/v1/risk-grades?projectId=${P.B}`), 403);
  });

  it('a project registered before grades were given on registration is graded by the next sweep', async () => {
    // As a database from before this version holds it: C and its contractor without a grade.
    await t.db.query(`DELETE FROM inspection.risk_grades WHERE subject_id = ANY($1::text[])`, [[P.C, three]]);
    expect(find(await grades(t.key('admin')), 'project', P.C)).toBeUndefined();
    await inspectionSweep(t, '2026-11-30T10:00:00+08:00');
    const all = await grades(t.key('admin'));
    expect(find(all, 'project', P.C)).toMatchObject({ grade: 'A', computedAt: '2026-11-30T02:00:00.000Z' });
    expect(find(all, 'employer', three)).toMatchObject({ grade: 'A' });
  });
});
