import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  count,
  daysFrom,
  feed,
  lineBody,
  type Move,
  registerProject,
  residentId,
  wageAccount,
  workerBody,
} from './api-helpers.ts';
import { card, creditCode } from './fixtures.ts';
import { type ApiClient, startTestSystem, type TestSystem } from './harness.ts';

/**
 * Issue 14 §1: the payment rates, compliance and delinquency through the API, scoped.
 *
 * Given A (东区, contractor 总包1, pay day 15: October due Friday 2026-11-13) owing 5,200, 4,800 and
 * 3,000 for 2026-10, B (西区, contractor 总包2, pay day 20: due Friday 2026-11-20) owing 6,000 and
 * 4,000, and C (东区, 总包1) with no sheet and no movement since it started on 2026-10-01.
 * A pays worker 1 in full on the 13th, worker 2 2,000 of 4,800 on the 13th, worker 3 on the 17th
 * (late); B pays both on time. Read on 2026-11-25 after a sweep.
 */
type Totals = Record<string, unknown>;

describe.each(['pglite', 'postgres'] as const)('payment rates on %s', (kind) => {
  let t: TestSystem;
  let a: { projectId: string; accountNo: string };
  let b: { projectId: string; accountNo: string };
  let c: { projectId: string; accountNo: string };
  let pmA: ApiClient;
  let icbc: ApiClient;

  beforeAll(async () => {
    t = await startTestSystem({ kind, now: new Date('2026-11-10T10:00:00+08:00') });
    const common = { payMonthOffset: 1, permitDate: '2026-09-01', startDate: '2026-10-01' };
    a = await registerProject(t, 1, { ...common, payDay: 15, name: '东区甲项目' });
    b = await registerProject(t, 2, {
      ...common,
      payDay: 20,
      name: '西区乙项目',
      district: '西区',
      wageAccount: { bankCode: 'ABC-PZH', accountNo: wageAccount(2) },
    });
    c = await registerProject(t, 3, {
      ...common,
      payDay: 25,
      name: '东区丙项目',
      contractor: { name: '总包1', creditCode: creditCode(2001) },
    });
    pmA = t.api.as(t.key('project-manager', { projectIds: [a.projectId] }));
    const pmB = t.api.as(t.key('project-manager', { projectIds: [b.projectId] }));
    await pmA.post(`/v1/projects/${a.projectId}/workers`, { workers: [1, 2, 3].map((n) => workerBody(n)) });
    await pmB.post(`/v1/projects/${b.projectId}/workers`, { workers: [4, 5].map((n) => workerBody(n)) });
    const sheetA = await pmA.post(`/v1/projects/${a.projectId}/payrolls`, {
      period: '2026-10',
      lines: [
        lineBody(1, { amountDue: '5200.00', grossAmount: '6100.00' }),
        lineBody(2, { amountDue: '4800.00', daysWorked: 20.5 }),
        lineBody(3, { amountDue: '3000.00', daysWorked: null }),
      ],
    });
    expect(sheetA.status, JSON.stringify(sheetA.body)).toBe(201);
    const sheetB = await pmB.post(`/v1/projects/${b.projectId}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(4, { amountDue: '6000.00' }), lineBody(5, { amountDue: '4000.00' })],
    });
    expect(sheetB.status, JSON.stringify(sheetB.body)).toBe(201);
    icbc = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const abc = t.api.as(t.key('bank', { bankCode: 'ABC-PZH' }));
    t.clock.set(new Date('2026-11-25T10:00:00+08:00'));
    const aMoves: Move[] = [
      { bankRef: 'A-C1', at: '2026-11-12T09:00:00+08:00', direction: 'credit', amount: '20000.00' },
      { bankRef: 'A-D1', at: '2026-11-13T10:00:00+08:00', direction: 'debit', amount: '5200.00', to: 1 },
      { bankRef: 'A-D2', at: '2026-11-13T10:05:00+08:00', direction: 'debit', amount: '2000.00', to: 2 },
      { bankRef: 'A-D3', at: '2026-11-17T11:00:00+08:00', direction: 'debit', amount: '3000.00', to: 3 },
    ];
    const bMoves: Move[] = [
      { bankRef: 'B-C1', at: '2026-11-16T09:00:00+08:00', direction: 'credit', amount: '12000.00' },
      { bankRef: 'B-D1', at: '2026-11-19T10:00:00+08:00', direction: 'debit', amount: '4000.00', to: 5 },
      { bankRef: 'B-D2', at: '2026-11-20T10:00:00+08:00', direction: 'debit', amount: '6000.00', to: 4 },
    ];
    await feed(icbc, a.accountNo, aMoves, daysFrom('2026-11-10', '2026-11-24'));
    await feed(abc, b.accountNo, bMoves, daysFrom('2026-11-10', '2026-11-24'));
    await t.settle();
    const sweep = await t.admin.post('/v1/admin/sweep', { asOf: '2026-11-25T10:00:00+08:00' });
    expect(sweep.status, JSON.stringify(sweep.body)).toBe(200);
    await t.settle();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const aRates = {
    projects: 1,
    workersDue: 3,
    paidInFullOnTime: 1,
    paidAnyOnTime: 2,
    paidInFull: 2,
    paidAtPolicyShare: 1,
    amountDue: '13000.00',
    amountPaidOnTime: '7200.00',
    amountPaid: '10200.00',
    onTimeInFull: 0.3333,
    onTimeAny: 0.6666,
    amountOnTime: 0.5538,
    policyShare: 0.3333,
    compliant: false,
    compliantProjects: 0,
    nonCompliantProjects: 1,
    amountRecovered: '3000.00',
    workersRecovered: 1,
  };

  it('gives the city its 按时足额发放率, each project’s, and the employers not compliant (national policy: everybody in full)', async () => {
    const res = await t.admin.get('/v1/rates?period=2026-10');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.policy).toMatchObject({ id: 'national-default', compliantShare: 1, paidShare: 1 });
    expect(res.body.evaluatedAsOf).toBe('2026-11-25T02:00:00.000Z');
    expect(res.body.total).toEqual({
      projects: 2,
      workersDue: 5,
      paidInFullOnTime: 3,
      paidAnyOnTime: 4,
      paidInFull: 4,
      paidAtPolicyShare: 3,
      amountDue: '23000.00',
      amountPaidOnTime: '17200.00',
      amountPaid: '20200.00',
      onTimeInFull: 0.6,
      onTimeAny: 0.8,
      amountOnTime: 0.7478,
      policyShare: 0.6,
      compliant: false,
      compliantProjects: 1,
      nonCompliantProjects: 1,
      amountRecovered: '3000.00',
      workersRecovered: 1,
    });
    const byKey = Object.fromEntries(res.body.groups.map((g: Totals & { key: string }) => [g.key, g]));
    expect(Object.keys(byKey).sort()).toEqual([a.projectId, b.projectId]);
    expect(byKey[a.projectId]).toEqual({
      key: a.projectId,
      name: '东区甲项目',
      district: '东区',
      dueDate: '2026-11-13',
      ...aRates,
    });
    expect(byKey[b.projectId]).toMatchObject({
      dueDate: '2026-11-20',
      workersDue: 2,
      onTimeInFull: 1,
      compliant: true,
    });
    expect(res.body.nonCompliantEmployers).toEqual([
      { creditCode: creditCode(2001), name: '总包1', projects: 1, workersDue: 3, policyShare: 0.3333 },
    ]);
    // The latest period with a rate is the default.
    expect((await t.admin.get('/v1/rates')).body.period).toBe('2026-10');
  });

  it('sums by district and by employer', async () => {
    const districts = (await t.admin.get('/v1/rates?period=2026-10&groupBy=district')).body.groups;
    expect(districts.map((g: Totals) => [g.key, g.workersDue, g.paidInFullOnTime, g.compliant])).toEqual([
      ['东区', 3, 1, false],
      ['西区', 2, 2, true],
    ]);
    const employers = (await t.admin.get('/v1/rates?period=2026-10&groupBy=contractor')).body.groups;
    expect(employers.map((g: Totals) => [g.key, g.name, g.projects])).toEqual([
      [creditCode(2001), '总包1', 1],
      [creditCode(2002), '总包2', 1],
    ]);
  });

  it('scopes: an inspector sees their district, a project manager their project; banks and other districts are refused', async () => {
    const east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    const mine = await east.get('/v1/rates?period=2026-10');
    expect(mine.body.total).toMatchObject({ projects: 1, workersDue: 3 });
    expect(mine.body.groups.map((g: Totals) => g.key)).toEqual([a.projectId]);
    expect((await east.get('/v1/rates?district=西区')).status).toBe(403);
    expect((await pmA.get('/v1/rates?period=2026-10')).body.groups.map((g: Totals) => g.key)).toEqual([
      a.projectId,
    ]);
    expect(
      (await pmA.get('/v1/rates/delinquency?all=true')).body.projects.map((p: Totals) => p.projectId),
    ).toEqual([a.projectId]);
    expect((await icbc.get('/v1/rates')).status).toBe(403);
    expect((await t.api.get('/v1/rates')).status).toBe(401);
    expect((await t.admin.get('/v1/rates?period=2026-13')).status).toBe(400);
  });

  it('gives the monthly trend, with nulls for months nobody was due', async () => {
    const res = await t.admin.get('/v1/rates/trend?months=3');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.periods.map((p: Totals) => [p.period, p.workersDue, p.onTimeInFull])).toEqual([
      ['2026-08', 0, null],
      ['2026-09', 0, null],
      ['2026-10', 5, 0.6],
    ]);
    const one = await t.admin.get(`/v1/rates/trend?months=1&contractor=${creditCode(2002)}`);
    expect(one.body.periods).toEqual([
      expect.objectContaining({ period: '2026-10', workersDue: 2, compliant: true }),
    ]);
  });

  it('lists the project without a sheet for 55 days and its quiet account (42 / 84 days, 45 idle)', async () => {
    const res = await t.admin.get('/v1/rates/delinquency');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.counts).toEqual({ delinquent: 1, red: 0, accountIdle: 1 });
    expect(res.body.projects).toEqual([
      {
        projectId: c.projectId,
        name: '东区丙项目',
        district: '东区',
        contractor: '总包1',
        lastSheetOn: null,
        sheetAgeDays: 55,
        sheet: 'delinquent',
        lastMovementOn: null,
        accountQuietDays: 55,
        accountIdle: true,
      },
    ]);
    const all = (await t.admin.get('/v1/rates/delinquency?all=true')).body.projects;
    expect(all.find((p: Totals) => p.projectId === a.projectId)).toMatchObject({
      lastSheetOn: '2026-11-10',
      sheetAgeDays: 15,
      sheet: 'ok',
      lastMovementOn: '2026-11-17',
      accountIdle: false,
    });
  });

  it('gives the warnings’ lifecycle; a task of A’s case closed and the employer’s feedback move it (Zhejiang’s KPIs)', async () => {
    const range = 'from=2026-11-01&to=2026-11-30';
    const nov = ['2026-10-31T16:00:00Z', '2026-11-30T16:00:00Z'];
    const raisedIn = (extra = '', params: unknown[] = []) =>
      count(
        t,
        // Warnings: a finding recorded already resolved (a late payment on record) is none.
        `SELECT count(*) AS n FROM inspection.findings f WHERE f.raised_at >= $1 AND f.raised_at < $2
           AND NOT (f.status = 'resolved' AND (f.snapshot->>'resolvedAt')::timestamptz <= f.raised_at) ${extra}`,
        [...nov, ...params],
      );
    const findings = await raisedIn();
    expect(findings).toBeGreaterThan(0);
    const before = await t.admin.get(`/v1/findings/lifecycle?${range}`);
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(before.body).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
      findings,
      closed: await raisedIn("AND f.status = 'resolved'"),
      withFeedback: 0,
      withFeedbackShare: 0,
    });
    const [caseA] = (await t.admin.get(`/v1/projects/${a.projectId}/cases`)).body.cases;
    const detail = (await t.admin.get(`/v1/cases/${caseA.caseId}`)).body;
    const open = detail.tasks.filter((x: { status: string }) => !['resolved', 'closed'].includes(x.status));
    expect(open.length).toBeGreaterThan(0);
    const inCase = await raisedIn(
      'AND EXISTS (SELECT 1 FROM inspection.case_findings cf WHERE cf.finding_id = f.finding_id AND cf.case_id = $3)',
      [caseA.caseId],
    );
    expect(inCase).toBeGreaterThan(0);
    const verifiedBefore = before.body.verified as number;
    for (const task of open) {
      const closed = await t.admin.post(`/v1/tasks/${task.taskId}/close`, { note: '已核实：工资已补发' });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    }
    const said = await pmA.post(`/v1/cases/${caseA.caseId}/justifications`, {
      text: '第2号工人余款已于11月25日补发',
    });
    expect(said.status, JSON.stringify(said.body)).toBe(201);
    const after = (await t.admin.get(`/v1/findings/lifecycle?${range}`)).body;
    expect(after.verified).toBe(verifiedBefore + inCase);
    // Closed today, within each task's SLA (due on or after today).
    expect(after.verifiedWithinSla).toBe(after.verified);
    expect(after.withFeedback).toBe(inCase);
    expect(after.withFeedbackShare).toBe(Math.floor((inCase * 10000) / findings) / 10000);
    // Scoped: an inspector of 西区 counts only 西区's findings; banks are refused.
    const west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    expect((await west.get(`/v1/findings/lifecycle?${range}`)).body.findings).toBe(
      await raisedIn('AND f.district = $3', ['西区']),
    );
    expect((await icbc.get('/v1/findings/lifecycle')).status).toBe(403);
    expect((await t.admin.get('/v1/findings/lifecycle?from=2026-12-01&to=2026-11-01')).status).toBe(400);
  });

  it("exports A's October as the national platform's payroll object, full numbers in the download only, scoped", async () => {
    const path = `/v1/projects/${a.projectId}/exports/national-payroll?period=2026-10`;
    const res = await t.api.as(t.key('inspector', { districts: ['东区'] })).get(path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="national-payroll-${a.projectId}-2026-10.json"`,
    );
    const common = {
      idCardType: '01',
      workHours: null,
      payRollBankCode: null,
      payRollBankName: null,
      payBankCardNumber: a.accountNo,
      payBankCode: 'ICBC-PZH',
      payBankName: null,
    };
    expect(res.body).toEqual({
      projectCode: a.projectId,
      corpCode: creditCode(2001),
      corpName: '总包1',
      teamSysNo: null,
      payMonth: '2026-10',
      detailList: [
        {
          ...common,
          idCardNumber: residentId(1),
          workerName: '工人1',
          days: 22,
          payRollBankCardNumber: card(1),
          totalPayAmount: '6100.00',
          actualAmount: '5200.00',
          isBackPay: 0,
          balanceDate: '2026-11-13',
          thirdPayRollCode: expect.stringMatching(/:v1$/),
        },
        {
          ...common,
          idCardNumber: residentId(2),
          workerName: '工人2',
          days: 20.5,
          payRollBankCardNumber: card(2),
          totalPayAmount: '4800.00',
          actualAmount: '2000.00',
          isBackPay: 0,
          balanceDate: '2026-11-13',
          thirdPayRollCode: expect.stringMatching(/:v1$/),
        },
        {
          ...common,
          idCardNumber: residentId(3),
          workerName: '工人3',
          days: null,
          payRollBankCardNumber: card(3),
          totalPayAmount: '3000.00',
          actualAmount: '3000.00',
          isBackPay: 1,
          balanceDate: '2026-11-17',
          thirdPayRollCode: expect.stringMatching(/:v1$/),
        },
      ],
    });
    expect((await pmA.get(path)).status).toBe(200);
    for (const other of [
      t.api.as(t.key('inspector', { districts: ['西区'] })),
      t.api.as(t.key('project-manager', { projectIds: [b.projectId] })),
      icbc,
    ])
      expect((await other.get(path)).status).toBe(403);
    expect(
      (await t.admin.get(`/v1/projects/${a.projectId}/exports/national-payroll?period=2026-09`)).status,
    ).toBe(404);
    expect(
      (await t.admin.get(`/v1/projects/${a.projectId}/exports/national-payroll?period=2026-13`)).status,
    ).toBe(400);
    // Without a period: the latest month with a sheet.
    expect((await t.admin.get(`/v1/projects/${a.projectId}/exports/national-payroll`)).body.payMonth).toBe(
      '2026-10',
    );
  });

  it('工资查询: a worker sees their own months with their ID and card digits; nothing else, to nobody else', async () => {
    const lookup = (idNumber: string, cardLast6: string) =>
      t.api.post('/public/wages/lookup', { idNumber, cardLast6 });
    const two = await lookup(residentId(2), card(2).slice(-6));
    expect(two.status, JSON.stringify(two.body)).toBe(200);
    expect(two.headers.get('cache-control')).toBe('no-store');
    expect(two.body).toEqual({
      name: '工**',
      months: [
        {
          projectName: '东区甲项目',
          period: '2026-10',
          dueDate: '2026-11-13',
          owed: '4800.00',
          paid: '2000.00',
          lastPaidOn: '2026-11-13',
          status: 'short',
          openFindings: ['工资未足额发放'],
        },
      ],
      otherOpenFindings: [],
    });
    const three = await lookup(residentId(3), card(3).slice(-6));
    expect(three.body.months).toEqual([
      expect.objectContaining({
        paid: '3000.00',
        lastPaidOn: '2026-11-17',
        status: 'paid-late',
        openFindings: [],
      }),
    ]);
    // A wrong card and an unregistered ID get the same answer: nothing tells whether the ID exists.
    const wrongCard = await lookup(residentId(2), '000000');
    const unknown = await lookup(residentId(99), card(2).slice(-6));
    expect(wrongCard.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(wrongCard.body);
    expect(wrongCard.body.detail).toContain('没有找到与这两项信息相符的工资记录');
    // Malformed input is 400, naming the field.
    const bad = await lookup(`${residentId(2).slice(0, 17)}0`, '123456');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('idNumber');
    expect((await lookup(residentId(2), '12345')).status).toBe(400);
    // Each lookup is logged, never with the ID (the harness also checks every line at close).
    expect(t.logs.some((l) => l.includes('wage lookup: answered'))).toBe(true);
    expect(t.logs.some((l) => l.includes('wage lookup: nothing matches'))).toBe(true);
    expect(t.logs.join('')).not.toContain(residentId(2));
  });

  it('工资查询 limits guessing: six lookups an hour per ID number, then 429 with Retry-After', async () => {
    const id = residentId(4);
    for (let i = 0; i < 6; i++)
      expect(
        (await t.api.post('/public/wages/lookup', { idNumber: id, cardLast6: `99999${i}` })).status,
      ).toBe(404);
    const refused = await t.api.post('/public/wages/lookup', { idNumber: id, cardLast6: card(4).slice(-6) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.detail).toContain('查询过于频繁');
    // Another worker's lookups are not held up by it.
    expect(
      (await t.api.post('/public/wages/lookup', { idNumber: residentId(5), cardLast6: card(5).slice(-6) }))
        .status,
    ).toBe(200);
  });

  it('serves the worker’s page with a CSP that allows no inline script', async () => {
    const page = await fetch(`${t.api.baseUrl}/public/wages.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<h1>工资查询</h1>');
    expect(html).toContain('<script src="/public/wages.js"></script>');
    expect((await fetch(`${t.api.baseUrl}/public/wages.js`)).headers.get('content-type')).toContain(
      'javascript',
    );
  });

  it('exports the findings and cases lists as CSV for Excel: BOM, Chinese headers, masked IDs, scoped', async () => {
    const res = await fetch(`${t.api.baseUrl}/v1/findings/export`, {
      headers: { authorization: `Bearer ${t.key('admin')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="findings-2026-11-25.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      '"预警编号","项目编号","区域","规则","严重程度","状态","工资月份","工人","身份证号（脱敏）","欠付金额","已付金额","发现时间","解决时间","责任单位","法律依据","说明"',
    );
    const list = (await t.admin.get('/v1/findings?limit=5000')).body;
    expect(lines.length).toBe(1 + list.total);
    const short = lines.find((l) => l.includes('"工资未足额发放"') && l.includes('"工人2"'));
    expect(short).toBeDefined();
    expect(short).toContain('"2800.00"');
    expect(csv).not.toContain(residentId(2));
    const west = await fetch(`${t.api.baseUrl}/v1/findings/export`, {
      headers: { authorization: `Bearer ${t.key('inspector', { districts: ['西区'] })}` },
    });
    expect(await west.text()).not.toContain('"东区"');
    const bank = await fetch(`${t.api.baseUrl}/v1/findings/export`, {
      headers: { authorization: `Bearer ${t.key('bank', { bankCode: 'ICBC-PZH' })}` },
    });
    expect(bank.status).toBe(403);

    const cases = await fetch(`${t.api.baseUrl}/v1/cases/export`, {
      headers: { authorization: `Bearer ${t.key('admin')}` },
    });
    expect(cases.status).toBe(200);
    const caseLines = (await cases.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(caseLines[0]).toContain('"案件编号","项目编号","区域","用工单位"');
    const allCases = (await t.admin.get('/v1/cases?limit=1000')).body;
    expect(caseLines.length).toBe(1 + allCases.total);
    const caseA = allCases.cases.find((c: { projectId: string }) => c.projectId === a.projectId);
    const rowA = caseLines.find((l) => l.startsWith(`"${caseA.caseId}"`))!;
    expect(rowA).toContain(`"${a.projectId}","东区","总包1","${creditCode(2001)}"`);
    expect(rowA).toContain('"2800.00"');
  });

  it('moves with the next event: worker 2’s remaining 2,800 makes them paid in full, not on time', async () => {
    await feed(
      icbc,
      a.accountNo,
      [{ bankRef: 'A-D4', at: '2026-11-25T09:00:00+08:00', direction: 'debit', amount: '2800.00', to: 2 }],
      [],
    );
    await t.settle();
    const res = await t.admin.get('/v1/rates?period=2026-10');
    const aNow = res.body.groups.find((g: Totals) => g.key === a.projectId);
    expect(aNow).toMatchObject({
      paidInFull: 3,
      paidInFullOnTime: 1,
      amountPaid: '13000.00',
      amountPaidOnTime: '7200.00',
    });
    expect(res.body.total).toMatchObject({
      paidInFull: 5,
      onTimeInFull: 0.6,
      amountRecovered: '5800.00',
      workersRecovered: 2,
    });
  });
});
