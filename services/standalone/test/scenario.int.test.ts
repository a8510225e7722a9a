import { type DemoCity, generateDemoCity } from '@wagewatch/demo';
import { maskIdNumber } from '@wagewatch/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/demo.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

type Row = {
  rule: string;
  projectId: string;
  period?: string;
  worker?: string;
  status: string;
  dueDate?: string;
};

const city: DemoCity = generateDemoCity();

async function runDemo(kind: 'pglite' | 'postgres'): Promise<{ rows: Row[]; t: TestSystem }> {
  const t = await startTestSystem({ kind });
  await loadDemo(t.system, t.apiKeys, t.clock, t.system.app.log as never, city);
  await t.settle();
  const res = await t.admin.get('/v1/findings?limit=5000');
  expect(res.status).toBe(200);
  const rows: Row[] = res.body.findings.map((f: any) => ({
    rule: f.rule,
    projectId: f.projectId,
    status: f.status,
    ...(f.period ? { period: f.period } : {}),
    ...(f.worker ? { worker: f.worker.idNumberMasked } : {}),
    ...(f.dueDate ? { dueDate: f.dueDate } : {}),
  }));
  rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { rows, t };
}

describe('the demo city through the embedded system', () => {
  let pglite: { rows: Row[]; t: TestSystem };
  let postgres: { rows: Row[]; t: TestSystem };
  beforeAll(async () => {
    pglite = await runDemo('pglite');
    postgres = await runDemo('postgres');
  }, 240_000);
  afterAll(async () => {
    await pglite?.t.close();
    await postgres?.t.close();
  });

  it('gives the same findings on PGlite and on PostgreSQL', () => {
    expect(pglite.rows.length).toBeGreaterThan(0);
    expect(postgres.rows).toEqual(pglite.rows);
  });

  it('finds exactly the wage breaches the scenario contains', () => {
    const wageRules = [
      'wages-missed',
      'wages-late',
      'wages-short',
      'payroll-missing',
      'payroll-unsigned',
    ] as const;
    for (const rule of wageRules) {
      const expected = city.expected.byRule[rule]
        .map((c) => `${c.projectId}|${c.period ?? ''}|${c.idNumber ? maskIdNumber(c.idNumber) : ''}`)
        .sort();
      const found = pglite.rows
        .filter((r) => r.rule === rule)
        .map((r) => `${r.projectId}|${r.period ?? ''}|${r.worker ?? ''}`)
        .sort();
      expect({ rule, found }).toEqual({ rule, found: expected });
    }
    for (const rule of ['wrong-payee', 'paid-outside-account'] as const) {
      const expected = city.expected.byRule[rule].map((c) => c.projectId).sort();
      expect({
        rule,
        found: pglite.rows
          .filter((r) => r.rule === rule)
          .map((r) => r.projectId)
          .sort(),
      }).toEqual({ rule, found: expected });
    }
  });

  it('holds wage findings back for the feed gap and raises feed-incomplete against the bank', () => {
    for (const gap of city.expected.feedGaps) {
      const feed = pglite.rows.filter((r) => r.rule === 'feed-incomplete' && r.projectId === gap.projectId);
      expect(feed.length).toBeGreaterThan(0);
      for (const due of gap.dueDatesInside) {
        expect(feed.some((r) => r.dueDate === due.due && r.status === 'open')).toBe(true);
      }
    }
    for (const m of city.expected.statementMismatches) {
      expect(pglite.rows).toContainEqual(
        expect.objectContaining({
          rule: 'feed-incomplete',
          projectId: m.projectId,
          dueDate: m.date,
          status: 'open',
        }),
      );
    }
  });

  it('late payments are on record as resolved, and missed wages stay open', () => {
    expect(pglite.rows.filter((r) => r.rule === 'wages-late').every((r) => r.status === 'resolved')).toBe(
      true,
    );
    expect(pglite.rows.filter((r) => r.rule === 'wages-missed').every((r) => r.status === 'open')).toBe(true);
  });

  it('leaves a case at every step of the ladder, the holiday audits and a screening report to look at', async () => {
    const cases = await pglite.t.admin.get('/v1/cases?limit=500');
    expect(cases.status).toBe(200);
    const levels = new Set(cases.body.cases.map((c: { level: string }) => c.level));
    for (const level of ['notice', 'warning', 'inspection-task', 'critical']) expect(levels).toContain(level);
    const reports = await pglite.t.admin.get('/v1/campaigns/reports?limit=500');
    expect(reports.status).toBe(200);
    const keys = new Set(reports.body.reports.map((r: { occurrence: string }) => r.occurrence));
    expect(keys).toContain('holiday-audit:mid-autumn:2026');
    expect(keys).toContain('holiday-audit:national-day:2026');
    expect(keys).toContain('screening:2026-Q3');
  });

  it('a second sweep at the same instant changes nothing (idempotent evaluation)', async () => {
    const res = await pglite.t.admin.post('/v1/admin/sweep', {});
    expect(res.status).toBe(200);
    expect(res.body.raised).toEqual([]);
    expect(res.body.resolved).toEqual([]);
    expect(res.body.updated).toEqual([]);
  });
});
