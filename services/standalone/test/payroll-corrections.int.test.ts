import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/demo.ts';
import {
  count,
  expectProblem,
  lineBody,
  registerProject,
  residentId,
  transfer,
  workerBody,
} from './api-helpers.ts';
import { card } from './fixtures.ts';
import { type ApiClient, startTestSystem, TEST_NOW, type TestSystem } from './harness.ts';

/**
 * Issue 10 §2, DOMAIN.md "Corrections after the due date": a payroll sheet submitted after its
 * due date that lowers what a worker is owed, or leaves a worker out, is a correction request.
 * The findings and the amounts owed stand until an inspector of the project's district approves
 * it; a rejection is recorded too. Raising amounts takes effect at once; before the due date a
 * sheet is replaced freely; what was paid never becomes owed again.
 *
 * Projects pay on the 15th of the following month: wages for 2026-09 are due Thursday
 * 2026-10-15, for 2026-10 on Friday 2026-11-13 (the 15th is a Sunday), for 2026-11 on
 * Tuesday 2026-12-15. The tests run at TEST_NOW, 2026-11-29: September and October are past
 * their due dates, November is not.
 */

type Project = { projectId: string; accountNo: string };
type Statement = { date: string; debits?: string[]; credits?: string[] };

/** The sweeps of one test run: every ten minutes from TEST_NOW; the clock follows them. */
const sweepAt = (i: number) => new Date(TEST_NOW.getTime() + (i + 1) * 600_000);

/** A header-only payroll CSV: the title row and the header row, no worker. */
const headerOnlyCsv = (month: string) =>
  Buffer.from(
    `攀枝花市东区某某安置房项目 ${month} 农民工工资支付表\r\n序号,姓名,身份证号码,工种,出勤天数,应发工资,实发工资,银行卡号,本人签字\r\n`,
    'utf8',
  );

const sumYuan = (xs: string[]) => (xs.reduce((s, x) => s + Math.round(Number(x) * 100), 0) / 100).toFixed(2);

describe.each(['pglite', 'postgres'] as const)('payroll corrections after the due date (%s)', (kind) => {
  let t: TestSystem;
  let pmKey: string;
  let pm: ApiClient;
  let east: ApiClient;
  let eastKey: string;
  let west: ApiClient;
  let bank: ApiClient;
  let sweepIndex = 0;
  const projects: Project[] = [];

  const sweep = async () => {
    const asOf = sweepAt(sweepIndex++);
    await t.settle();
    const res = await t.admin.post('/v1/admin/sweep', { asOf: asOf.toISOString() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await t.settle();
    t.clock.set(asOf);
  };
  const status = async (p: Project) => {
    const res = await t.admin.get(`/v1/projects/${p.projectId}/status`);
    expect(res.status).toBe(200);
    const { openFindings, openFindingsTotal, amountOwed, workersOwed } = res.body;
    return { openFindings, openFindingsTotal, amountOwed, workersOwed };
  };
  const findings = async (p: Project, query: string) => {
    const res = await t.admin.get(`/v1/findings?projectId=${p.projectId}&limit=500&${query}`);
    expect(res.status).toBe(200);
    return res.body.findings as {
      rule: string;
      period?: string;
      status: string;
      amountOwed?: string;
      worker?: { idNumberMasked: string };
    }[];
  };
  const masked = (n: number) => `${residentId(n).slice(0, 6)}********${residentId(n).slice(-4)}`;
  const stored = async (p: Project) => ({
    sheets: await count(t, 'SELECT count(*) AS n FROM ingest.payroll_sheets WHERE project_id = $1', [
      p.projectId,
    ]),
    lines: await count(
      t,
      'SELECT count(*) AS n FROM ingest.payroll_lines l JOIN ingest.payroll_sheets s USING (sheet_id) WHERE s.project_id = $1',
      [p.projectId],
    ),
    corrections: await count(
      t,
      'SELECT count(*) AS n FROM ingest.payroll_corrections WHERE project_id = $1',
      [p.projectId],
    ),
    ledgerSheets: await count(t, 'SELECT count(*) AS n FROM ledger.payroll_sheets WHERE project_id = $1', [
      p.projectId,
    ]),
  });

  /** A project in 东区 (or the district given) with workers 1-3 from 2026-09-01. */
  const project = async (n: number, overrides: Record<string, unknown> = {}): Promise<Project> => {
    const p = await registerProject(t, n, {
      projectId: `PZH-COR-${kind === 'pglite' ? 'L' : 'P'}${n}`,
      permitDate: '2026-08-01',
      startDate: '2026-09-01',
      ...overrides,
    });
    projects.push(p);
    const w = await t.admin.post(`/v1/projects/${p.projectId}/workers`, {
      workers: [1, 2, 3].map((i) => workerBody(i, { enrolledOn: '2026-09-01' })),
    });
    expect(w.body.accepted).toBe(3);
    return p;
  };
  const pay = (p: Project, ref: string, worker: number, amount: string, bookedAt: string) =>
    transfer({
      bankRef: `${p.projectId}-${ref}`,
      accountNo: p.accountNo,
      amount,
      counterpartyAccountNo: card(worker),
      counterpartyName: `工人${worker}`,
      counterpartyIdNumber: residentId(worker),
      bookedAt,
    });
  const report = async (p: Project, payments: Record<string, unknown>[], statements: Statement[]) => {
    if (payments.length) {
      const r = await bank.post('/v1/bank/transfers', { records: payments });
      expect(r.body).toMatchObject({ accepted: payments.length, rejected: [] });
    }
    for (const s of statements) {
      const debits = s.debits ?? [];
      const r = await bank.post('/v1/bank/statements', {
        accountNo: p.accountNo,
        date: s.date,
        openingBalance: '100000.00',
        closingBalance: '100000.00',
        debitCount: debits.length,
        debitTotal: sumYuan(debits),
        creditCount: 0,
        creditTotal: '0.00',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  };
  const sheet = (
    p: Project,
    period: string,
    lines: unknown[],
    extra: Record<string, unknown> = {},
    as = pm,
  ) => as.post(`/v1/projects/${p.projectId}/payrolls`, { period, lines, ...extra });

  let a: Project;
  let before: Awaited<ReturnType<typeof status>>;

  beforeAll(async () => {
    t = await startTestSystem({ kind });
    a = await project(kind === 'pglite' ? 51 : 61);
    const b = await project(kind === 'pglite' ? 52 : 62);
    const c = await project(kind === 'pglite' ? 53 : 63);
    const d = await project(kind === 'pglite' ? 54 : 64);
    const w = await project(kind === 'pglite' ? 55 : 65, { district: '西区' });
    pmKey = t.key('project-manager', { projectIds: [a.projectId, b.projectId, c.projectId, d.projectId] });
    pm = t.api.as(pmKey);
    eastKey = t.key('inspector', { districts: ['东区'] });
    east = t.api.as(eastKey);
    west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));

    // Project a: worker 1 paid in full for both months, worker 2 never paid, worker 3 paid for
    // September only. Open: wages-missed 09 (w2), 10 (w2, w3), arrears-growing (w2).
    for (const period of ['2026-09', '2026-10']) {
      const res = await sheet(a, period, [
        lineBody(1, { amountDue: '5200.00' }),
        lineBody(2, { amountDue: '4800.00' }),
        lineBody(3, { amountDue: '3000.00' }),
      ]);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ status: 'accepted', version: 1 });
    }
    await report(
      a,
      [
        pay(a, 'S1', 1, '5200.00', '2026-10-14T10:00:00+08:00'),
        pay(a, 'S3', 3, '3000.00', '2026-10-14T10:05:00+08:00'),
        pay(a, 'O1', 1, '5200.00', '2026-11-12T10:00:00+08:00'),
      ],
      [
        { date: '2026-10-14', debits: ['5200.00', '3000.00'] },
        { date: '2026-10-15' },
        { date: '2026-11-12', debits: ['5200.00'] },
        { date: '2026-11-13' },
      ],
    );
    // Projects b-d and w: statements through the due dates, so the wage rules speak.
    for (const p of [b, c, d, w]) await report(p, [], [{ date: '2026-10-15' }, { date: '2026-11-13' }]);
    await sweep();
    before = await status(a);
    expect(before).toMatchObject({ amountOwed: expect.any(String) });
    expect(before.openFindings).toMatchObject({ 'wages-missed': 3, 'arrears-growing': 1 });
    projects.splice(0, projects.length, a, b, c, d, w);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('the OpenAPI document lists the payroll history, decision and queue routes, and the 202 answer', async () => {
    const res = await t.api.get('/docs/json');
    expect(res.status).toBe(200);
    const paths = res.body.paths;
    expect(paths['/v1/projects/{projectId}/payrolls'].get).toBeDefined();
    expect(paths['/v1/projects/{projectId}/payrolls'].post.responses).toHaveProperty('202');
    expect(paths['/v1/projects/{projectId}/payrolls/{period}'].get).toBeDefined();
    for (const decision of ['approve', 'reject'])
      expect(
        paths[`/v1/projects/{projectId}/payrolls/{period}/corrections/{correctionId}/${decision}`].post,
      ).toBeDefined();
    expect(paths['/v1/payroll-corrections'].get).toBeDefined();
  });

  it('an empty JSON sheet after the due date without a reason is refused (400 naming reason) and stores nothing', async () => {
    const was = await stored(a);
    const res = await sheet(a, '2026-09', []);
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(res.body.detail).toContain('correction request');
    const blank = await sheet(a, '2026-09', [], { reason: '   ' });
    expectProblem(blank, 400);
    // A bad row leaves its worker out of the version: the refusal names the row and the reason.
    const badRow = await sheet(a, '2026-09', [
      lineBody(1, { amountDue: '5200.00' }),
      lineBody(2, { amountDue: '48OO.00' }),
      lineBody(3, { amountDue: '3000.00' }),
    ]);
    expectProblem(badRow, 400);
    expect(badRow.body.errors.map((e: { row?: number; field: string }) => [e.row, e.field])).toEqual([
      [2, 'amountDue'],
      [undefined, 'reason'],
    ]);
    await t.settle();
    expect(await stored(a)).toEqual(was);
  });

  it('reproduction: an empty JSON sheet after the due date is a correction request; findings and owed amounts stand after a sweep', async () => {
    const was = await stored(a);
    const res = await sheet(a, '2026-09', [], { reason: '九月工资已线下结清' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({
      status: 'correction-requested',
      correctionId: expect.any(String),
      period: '2026-09',
      version: 2,
      effectiveVersion: 1,
      dueDate: '2026-10-15',
      totalDue: '0.00',
      accepted: 0,
    });
    expect(res.body.changes.dropped.map((c: { idNumber: string }) => c.idNumber)).toEqual(
      [1, 2, 3].map(residentId),
    );
    await sweep();
    expect(await status(a)).toEqual(before);
    const missed = await findings(a, 'rule=wages-missed&period=2026-09&status=open');
    expect(missed.map((f) => [f.worker?.idNumberMasked, f.amountOwed])).toEqual([[masked(2), '4800.00']]);
    expect(await findings(a, 'rule=arrears-growing&status=open')).toHaveLength(1);
    // Stored with its reason; the ledger was not told.
    const now = await stored(a);
    expect(now).toEqual({ ...was, sheets: was.sheets + 1, corrections: was.corrections + 1 });
  });

  it('reproduction: a header-only CSV after the due date is a correction request too; findings and owed amounts stand', async () => {
    const noReason = await pm.upload(
      `/v1/projects/${a.projectId}/payrolls`,
      { bytes: headerOnlyCsv('2026年10月'), filename: 'gongzi-2026-10.csv', type: 'text/csv' },
      { period: '2026-10' },
    );
    expectProblem(noReason, 400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    const res = await pm.upload(
      `/v1/projects/${a.projectId}/payrolls`,
      { bytes: headerOnlyCsv('2026年10月'), filename: 'gongzi-2026-10.csv', type: 'text/csv' },
      { period: '2026-10', reason: '十月工资表重报' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({
      status: 'correction-requested',
      period: '2026-10',
      version: 2,
      accepted: 0,
    });
    await sweep();
    expect(await status(a)).toEqual(before);
    expect(await findings(a, 'rule=wages-missed&period=2026-10&status=open')).toHaveLength(2);
  });

  it('lists the pending corrections of an inspector’s district, and only those', async () => {
    const mine = await east.get('/v1/payroll-corrections?status=pending');
    expect(mine.status).toBe(200);
    const ofA = mine.body.corrections.filter((c: { projectId: string }) => c.projectId === a.projectId);
    expect(ofA.map((c: { period: string }) => c.period)).toEqual(['2026-09', '2026-10']);
    expect(ofA[0]).toMatchObject({
      district: '东区',
      status: 'pending',
      reason: '九月工资已线下结清',
      requestedBy: { role: 'project-manager' },
      decision: null,
    });
    const theirs = await west.get('/v1/payroll-corrections?status=pending');
    expect(theirs.status).toBe(200);
    expect(theirs.body.corrections.filter((c: { district: string }) => c.district !== '西区')).toEqual([]);
    expect(theirs.body.corrections.some((c: { projectId: string }) => c.projectId === a.projectId)).toBe(
      false,
    );
    expectProblem(await west.get(`/v1/payroll-corrections?projectId=${a.projectId}`), 403);
    expectProblem(await bank.get('/v1/payroll-corrections'), 403);
    const own = await pm.get(`/v1/payroll-corrections?projectId=${a.projectId}`);
    expect(own.body.total).toBe(2);
  });

  it('a rejection is recorded (who, when, why) and changes nothing', async () => {
    const pending = await east.get(`/v1/payroll-corrections?projectId=${a.projectId}&period=2026-09`);
    const correctionId = pending.body.corrections[0].correctionId as string;
    const path = `/v1/projects/${a.projectId}/payrolls/2026-09/corrections/${correctionId}`;
    // Wrong role, wrong district, no reason: refused, nothing recorded.
    expectProblem(await pm.post(`${path}/reject`, { reason: 'x' }), 403);
    expectProblem(await t.admin.post(`${path}/reject`, { reason: 'x' }), 403);
    expectProblem(await west.post(`${path}/reject`, { reason: 'x' }), 403);
    expectProblem(await bank.post(`${path}/reject`, { reason: 'x' }), 403);
    const noReason = await east.post(`${path}/reject`, {});
    expectProblem(noReason, 400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    const stillPending = await east.get(`/v1/payroll-corrections?projectId=${a.projectId}&period=2026-09`);
    expect(stillPending.body.corrections[0]).toMatchObject({ status: 'pending', decision: null });

    const res = await east.post(`${path}/reject`, { reason: '银行流水显示工人2九月工资未发放' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      correctionId,
      status: 'rejected',
      decision: {
        outcome: 'rejected',
        by: { keyId: expect.any(String), role: 'inspector' },
        at: expect.any(String),
        reason: '银行流水显示工人2九月工资未发放',
      },
    });
    expectProblem(await east.post(`${path}/approve`, { reason: 'changed my mind' }), 409);
    await sweep();
    expect(await status(a)).toEqual(before);
    const history = await east.get(`/v1/projects/${a.projectId}/payrolls/2026-09`);
    expect(
      history.body.versions.map((v: { version: number; status: string }) => [v.version, v.status]),
    ).toEqual([
      [1, 'effective'],
      [2, 'rejected'],
    ]);
  });

  it('an approval by an inspector of the district puts the correction into effect', async () => {
    const pending = await east.get(`/v1/payroll-corrections?projectId=${a.projectId}&period=2026-10`);
    const correctionId = pending.body.corrections[0].correctionId as string;
    const res = await east.post(
      `/v1/projects/${a.projectId}/payrolls/2026-10/corrections/${correctionId}/approve`,
      { reason: '项目十月停工，经核查无人出勤' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      decision: { outcome: 'approved', by: { role: 'inspector' } },
    });
    await sweep();
    // October's sheet is now empty: its findings are resolved, September's stand.
    expect(await findings(a, 'rule=wages-missed&period=2026-10&status=open')).toEqual([]);
    const sept = await findings(a, 'rule=wages-missed&period=2026-09&status=open');
    expect(sept.map((f) => f.amountOwed)).toEqual(['4800.00']);
    const after = await status(a);
    expect(after.amountOwed).toBe('4800.00');
    expect(after.openFindings['arrears-growing']).toBeUndefined();
    const [ledger] = await t.db.query<{ version: number }>(
      `SELECT version FROM ledger.payroll_sheets WHERE project_id = $1 AND period = '2026-10' ORDER BY version DESC LIMIT 1`,
      [a.projectId],
    );
    expect(Number(ledger?.version)).toBe(2);
  });

  it('GET /v1/projects/:id/payrolls and …/payrolls/:period show every version, who submitted it and when, and the decisions', async () => {
    const list = await pm.get(`/v1/projects/${a.projectId}/payrolls`);
    expect(list.status).toBe(200);
    expect(
      list.body.periods.map(
        (p: { period: string; effectiveVersion: number; versions: { status: string }[] }) => [
          p.period,
          p.effectiveVersion,
          p.versions.map((v) => v.status),
        ],
      ),
    ).toEqual([
      ['2026-09', 1, ['effective', 'rejected']],
      ['2026-10', 2, ['superseded', 'effective']],
    ]);
    expect(list.body.periods[0]).toMatchObject({ dueDate: '2026-10-15', pendingCorrections: 0 });

    const oct = await east.get(`/v1/projects/${a.projectId}/payrolls/2026-10`);
    expect(oct.status).toBe(200);
    const pmKeyId = t.apiKeys.verify(`Bearer ${pmKey}`).keyId;
    const eastKeyId = t.apiKeys.verify(`Bearer ${eastKey}`).keyId;
    expect(oct.body).toMatchObject({
      period: '2026-10',
      dueDate: '2026-11-13',
      dueDatePassed: true,
      effectiveVersion: 2,
    });
    const [v1, v2] = oct.body.versions;
    expect(v1).toMatchObject({
      version: 1,
      status: 'superseded',
      source: 'json',
      submittedBy: { keyId: pmKeyId, role: 'project-manager' },
      submittedAt: expect.any(String),
      tookEffectAt: v1.submittedAt,
      totalDue: '13000.00',
      lineCount: 3,
    });
    expect(v1.lines.map((l: { idNumber: string; amountDue: string }) => [l.idNumber, l.amountDue])).toEqual([
      [residentId(1), '5200.00'],
      [residentId(2), '4800.00'],
      [residentId(3), '3000.00'],
    ]);
    expect(v2).toMatchObject({
      version: 2,
      status: 'effective',
      source: 'csv',
      filename: 'gongzi-2026-10.csv',
      reason: '十月工资表重报',
      totalDue: '0.00',
      lines: [],
    });
    expect(new Date(v2.tookEffectAt).getTime()).toBeGreaterThanOrEqual(new Date(v2.submittedAt).getTime());
    expect(oct.body.corrections).toEqual([
      expect.objectContaining({
        version: 2,
        baseVersion: 1,
        status: 'approved',
        reason: '十月工资表重报',
        requestedBy: { keyId: pmKeyId, role: 'project-manager' },
        decision: {
          outcome: 'approved',
          by: { keyId: eastKeyId, role: 'inspector' },
          at: expect.any(String),
          reason: '项目十月停工，经核查无人出勤',
        },
      }),
    ]);
    expect(oct.body.corrections[0].changes.dropped).toHaveLength(3);

    expectProblem(await pm.get(`/v1/projects/${a.projectId}/payrolls/2026-13`), 400);
    expectProblem(await pm.get(`/v1/projects/${a.projectId}/payrolls/2026-11`), 404);
  });

  it('scope: a project manager reads only their projects, an inspector only their district, a bank nothing (403)', async () => {
    const w = projects[4]!;
    const other = t.api.as(t.key('project-manager', { projectIds: [w.projectId] }));
    for (const path of [
      `/v1/projects/${a.projectId}/payrolls`,
      `/v1/projects/${a.projectId}/payrolls/2026-09`,
    ]) {
      expectProblem(await other.get(path), 403);
      expectProblem(await west.get(path), 403);
      expectProblem(await bank.get(path), 403);
      expect((await t.admin.get(path)).status).toBe(200);
      expect((await t.api.as(t.key('inspector', { districts: 'all' })).get(path)).status).toBe(200);
    }
    expectProblem(await sheet(a, '2026-09', [lineBody(1)], { reason: 'x' }, other), 403);
    // A project manager's scope is checked before existence; a malformed period is a 400.
    expectProblem(await other.get('/v1/projects/NOT-REGISTERED/payrolls'), 403);
    expectProblem(await other.get('/v1/payroll-corrections?projectId=NOT-REGISTERED'), 403);
    expectProblem(await east.get('/v1/payroll-corrections?period=September'), 400);
    expectProblem(
      await bank.post(`/v1/projects/${a.projectId}/payrolls`, { period: '2026-09', lines: [] }),
      403,
    );
  });

  it('raising amounts and adding workers after the due date takes effect at once', async () => {
    const b = projects[1]!;
    const v1 = await sheet(b, '2026-10', [lineBody(1, { amountDue: '5000.00' })]);
    expect(v1.status).toBe(201);
    await sweep();
    expect(await status(b)).toMatchObject({ amountOwed: '5000.00' });
    const v2 = await sheet(b, '2026-10', [
      lineBody(1, { amountDue: '6000.00' }),
      lineBody(2, { amountDue: '3000.00' }),
    ]);
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body).toMatchObject({ status: 'accepted', version: 2, totalDue: '9000.00' });
    await sweep();
    const missed = await findings(b, 'rule=wages-missed&period=2026-10&status=open');
    expect(missed.map((f) => [f.worker?.idNumberMasked, f.amountOwed]).sort()).toEqual(
      [
        [masked(1), '6000.00'],
        [masked(2), '3000.00'],
      ].sort(),
    );
  });

  it('a mixed resubmission (one up, one down) after the due date is a correction request as a whole', async () => {
    const b = projects[1]!;
    const was = await stored(b);
    const res = await sheet(
      b,
      '2026-10',
      [lineBody(1, { amountDue: '9000.00' }), lineBody(2, { amountDue: '100.00' })],
      { reason: '工人2出勤天数录错' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.changes.raised).toHaveLength(1);
    expect(res.body.changes.lowered).toEqual([
      { idNumber: residentId(2), name: '工人2', from: '3000.00', to: '100.00' },
    ]);
    await sweep();
    expect((await stored(b)).ledgerSheets).toBe(was.ledgerSheets);
    const missed = await findings(b, 'rule=wages-missed&period=2026-10&status=open');
    expect(missed.map((f) => f.amountOwed).sort()).toEqual(['3000.00', '6000.00']);
  });

  it('a later version supersedes a pending correction request, which can then no longer be decided', async () => {
    const b = projects[1]!;
    const pending = await east.get(`/v1/payroll-corrections?projectId=${b.projectId}&period=2026-10`);
    const correctionId = pending.body.corrections[0].correctionId as string;
    const v4 = await sheet(b, '2026-10', [
      lineBody(1, { amountDue: '6000.00' }),
      lineBody(2, { amountDue: '3000.00' }),
      lineBody(3, { amountDue: '100.00' }),
    ]);
    expect(v4.status).toBe(201);
    expect(v4.body.supersededCorrections).toEqual([correctionId]);
    const approve = await east.post(
      `/v1/projects/${b.projectId}/payrolls/2026-10/corrections/${correctionId}/approve`,
      { reason: 'ok' },
    );
    expectProblem(approve, 409);
    const history = await east.get(`/v1/projects/${b.projectId}/payrolls/2026-10`);
    expect(history.body.versions.map((v: { status: string }) => v.status)).toEqual([
      'superseded',
      'superseded',
      'superseded',
      'effective',
    ]);
    expect(history.body.corrections[0]).toMatchObject({
      status: 'superseded',
      supersededByVersion: 4,
      decision: null,
    });
  });

  it('before the due date a sheet may be replaced freely, lowered or emptied, every version kept', async () => {
    const c = projects[2]!;
    const v1 = await sheet(c, '2026-11', [lineBody(1, { amountDue: '5000.00' }), lineBody(2)]);
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ dueDate: '2026-12-15' });
    const v2 = await sheet(c, '2026-11', [lineBody(1, { amountDue: '4000.00' })]);
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body).toMatchObject({ status: 'accepted', version: 2 });
    const v3 = await sheet(c, '2026-11', []);
    expect(v3.status).toBe(201);
    await t.settle();
    const history = await pm.get(`/v1/projects/${c.projectId}/payrolls/2026-11`);
    expect(history.body).toMatchObject({ dueDatePassed: false, effectiveVersion: 3, corrections: [] });
    expect(history.body.versions.map((v: { status: string }) => v.status)).toEqual([
      'superseded',
      'superseded',
      'effective',
    ]);
    const [ledger] = await t.db.query<{ version: number }>(
      `SELECT max(version) AS version FROM ledger.payroll_sheets WHERE project_id = $1 AND period = '2026-11'`,
      [c.projectId],
    );
    expect(Number(ledger?.version)).toBe(3);
  });

  it('what was paid never becomes owed again: an approved lowering, and a raise of an earlier month', async () => {
    const d = projects[3]!;
    // Worker 1: 5000 for September paid 10-14, 5000 for October paid 11-12; both in full and on time.
    for (const period of ['2026-09', '2026-10']) {
      expect((await sheet(d, period, [lineBody(1, { amountDue: '5000.00' })])).status).toBe(201);
    }
    await report(
      d,
      [
        pay(d, 'S1', 1, '5000.00', '2026-10-14T10:00:00+08:00'),
        pay(d, 'O1', 1, '5000.00', '2026-11-12T10:00:00+08:00'),
      ],
      [
        { date: '2026-10-14', debits: ['5000.00'] },
        { date: '2026-11-12', debits: ['5000.00'] },
      ],
    );
    await sweep();
    const wageRules = 'status=open&rule=wages-missed';
    expect(await findings(d, wageRules)).toEqual([]);
    expect(await findings(d, 'status=open&rule=wages-short')).toEqual([]);

    // An approved correction lowers September to 4000: the surplus 1000 stays paid, nothing is owed.
    const lower = await sheet(d, '2026-09', [lineBody(1, { amountDue: '4000.00' })], {
      reason: '九月多报一天',
    });
    expect(lower.status).toBe(202);
    const approved = await east.post(
      `/v1/projects/${d.projectId}/payrolls/2026-09/corrections/${lower.body.correctionId}/approve`,
      { reason: '考勤表核实' },
    );
    expect(approved.status).toBe(200);
    await sweep();
    expect(await findings(d, wageRules)).toEqual([]);
    expect(await findings(d, 'status=open&rule=wages-short')).toEqual([]);
    expect((await status(d)).amountOwed).toBe('0.00');

    // September raised to 6500 (takes effect at once): 1500 more is owed for September, and
    // October, paid in full, is not made short by moving its payment back to September.
    const raise = await sheet(d, '2026-09', [lineBody(1, { amountDue: '6500.00' })]);
    expect(raise.status).toBe(201);
    await sweep();
    const short = await findings(d, 'status=open&rule=wages-short');
    expect(short.map((f) => [f.period, f.amountOwed])).toEqual([['2026-09', '1500.00']]);
    expect(await findings(d, 'status=open&rule=wages-missed')).toEqual([]);
    expect((await status(d)).amountOwed).toBe('1500.00');
  });
});

/**
 * The issue's own reproduction on the demo city: PZH-2026-001's project manager sends an empty
 * September sheet, and a header-only CSV for October. Before the fix both answered 201 and the
 * next sweep resolved the project's September (and October) wages-missed and arrears-growing.
 */
describe.each(['pglite', 'postgres'] as const)(
  'the demo city: a project manager cannot erase recorded arrears (%s)',
  (kind) => {
    let t: TestSystem;
    let pm: ApiClient;
    const id = 'PZH-2026-001';
    const status = async () => {
      const res = await t.admin.get(`/v1/projects/${id}/status`);
      expect(res.status).toBe(200);
      const { openFindings, openFindingsTotal, amountOwed, workersOwed } = res.body;
      return { openFindings, openFindingsTotal, amountOwed, workersOwed };
    };
    const openWageFindings = async () => {
      const res = await t.admin.get(`/v1/findings?projectId=${id}&status=open&limit=1000`);
      return (res.body.findings as { rule: string; period?: string; amountOwed?: string }[])
        .filter((f) => ['wages-missed', 'wages-short', 'arrears-growing'].includes(f.rule))
        .map((f) => `${f.rule}:${f.period}:${f.amountOwed}`)
        .sort();
    };

    beforeAll(async () => {
      t = await startTestSystem({ kind });
      await loadDemo(t.system, t.apiKeys, t.clock, t.system.app.log as never);
      await t.settle();
      pm = t.api.as(t.key('project-manager', { projectIds: [id] }));
    }, 180_000);
    afterAll(async () => {
      await t?.close();
    });

    it('an empty JSON sheet and a header-only CSV after the due date are correction requests; the next sweep changes nothing', async () => {
      const history = await pm.get(`/v1/projects/${id}/payrolls`);
      const due = new Map(
        history.body.periods.map((p: { period: string; dueDate: string }) => [p.period, p.dueDate]),
      );
      expect(due.get('2026-09')).toBeDefined();
      const before = await status();
      const wagesBefore = await openWageFindings();
      expect(before.openFindingsTotal).toBeGreaterThan(0);
      expect(wagesBefore.some((f) => f.startsWith('wages-missed:2026-09:'))).toBe(true);

      const json = await pm.post(`/v1/projects/${id}/payrolls`, {
        period: '2026-09',
        lines: [],
        reason: '工资已结清',
      });
      expect(json.status, JSON.stringify(json.body)).toBe(202);
      expect(json.body).toMatchObject({ status: 'correction-requested', effectiveVersion: 1 });

      const oct = await pm.get(`/v1/projects/${id}/payrolls/2026-10`);
      const period = oct.status === 200 && oct.body.dueDatePassed ? '2026-10' : '2026-09';
      const csv = await pm.upload(
        `/v1/projects/${id}/payrolls`,
        {
          bytes: headerOnlyCsv(`${period.slice(0, 4)}年${Number(period.slice(5))}月`),
          filename: 'gongzi.csv',
          type: 'text/csv',
        },
        { period, reason: '重新上报' },
      );
      expect(csv.status, JSON.stringify(csv.body)).toBe(202);
      expect(csv.body).toMatchObject({ status: 'correction-requested', accepted: 0 });

      const sweep = await t.admin.post('/v1/admin/sweep', {
        asOf: new Date(TEST_NOW.getTime() + 3_600_000).toISOString(),
      });
      expect(sweep.status).toBe(200);
      await t.settle();
      expect(await status()).toEqual(before);
      expect(await openWageFindings()).toEqual(wagesBefore);
    });
  },
);
