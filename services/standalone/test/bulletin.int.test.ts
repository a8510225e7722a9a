import { WITH_FICTITIOUS_2027 } from '@wagewatch/domain/calendar-fixtures';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject, workerBody } from './api-helpers.ts';
import { type ApiClient, startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/**
 * Issue 14 §2: the monthly and quarterly bulletin (月度/季度通报) of a district and of the city,
 * through the API as JSON, XLSX (opened with exceljs) and the A4 page, checked against the
 * findings planted.
 *
 * In October 2026: P1 (东区) 张三 unpaid 5,200 (raised 20th), 李四 short 1,800 (21st, paid on 3
 * November), 赵六's 4,000 paid in full after its due date (25th, a wages-late record: 追发);
 * P2 (西区) 王五 unpaid (22nd, paid on the 28th). An order to correct on P1's case on the 29th.
 * In November: P2's sheet missing (4 November); read on the 5th.
 * The registry: P1 has workers 1 and 2 from August and 3 who left on 30 September; P2 has 4 from
 * 10 November and worker 1 again (one person on two projects: the city counts him once). The
 * bank draws 2,600.00 of P1's deposit on 26 October and 900.00 of P2's on 3 November.
 *
 * The winter campaign 2026-27 (from 1 November to the eve of the 2027 Spring Festival) reports on
 * the same figures: its progress while it runs, and the 2025-26 campaign's closing report.
 */
const P1 = 'PZH-API-001';
const P2 = 'PZH-API-002';
const zhang = { idNumberMasked: '510402********1234', name: '张三' };
const li = { idNumberMasked: '510402********5678', name: '李四' };
const wang = { idNumberMasked: '510402********9012', name: '王五' };
const zhao = { idNumberMasked: '510402********3456', name: '赵六' };
const at = (d: string) => `2026-${d}T10:00:00+08:00`;

describe.each(['pglite', 'postgres'] as const)('the bulletin on %s', (kind) => {
  let t: TestSystem;
  let east: ApiClient;
  let west: ApiClient;
  let city: ApiClient;
  let octoberEast: Record<string, unknown>;
  let octoberCity: Record<string, unknown>;
  const publishOn = async (
    day: string,
    f: Parameters<typeof publishFinding>[1],
    type?: 'finding.resolved',
  ) => {
    t.clock.set(new Date(at(day)));
    await publishFinding(t, f, at(day), type);
  };
  const raw = (client: ApiClient, path: string) =>
    fetch(`${t.api.baseUrl}${path}`, { headers: { authorization: `Bearer ${client.key}` } });

  beforeAll(async () => {
    t = await startTestSystem({
      kind,
      now: new Date(at('10-20')),
      embedded: { calendar: WITH_FICTITIOUS_2027 },
    });
    await registerProject(t, 1, { startDate: '2026-06-01', permitDate: '2026-05-01' });
    await registerProject(t, 2, { district: '西区', startDate: '2026-06-01', permitDate: '2026-05-01' });
    const pm = t.api.as(t.key('project-manager', { projectIds: [P1, P2] }));
    for (const [project, workers] of [
      [P1, [workerBody(1), workerBody(2), workerBody(3, { leftOn: '2026-09-30' })]],
      [P2, [workerBody(4, { enrolledOn: '2026-11-10' }), workerBody(1, { enrolledOn: '2026-09-01' })]],
    ] as const) {
      const res = await pm.post(`/v1/projects/${project}/workers`, { workers });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const deposit = (bankRef: string, projectId: string, kind: string, day: string, amount: string) => ({
      bankRef,
      projectId,
      kind,
      occurredAt: at(day),
      amount,
      ...(kind === 'drawn' ? { noticeRef: `N-${bankRef}` } : {}),
    });
    const lodged = await bank.post('/v1/bank/deposits', {
      records: [
        deposit('DEP-B-1', P1, 'lodged', '10-02', '50000.00'),
        deposit('DEP-B-2', P2, 'lodged', '10-02', '50000.00'),
      ],
    });
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(200);
    await t.settle();
    const p1 = { projectId: P1, responsible: contractorOf(1) };
    const p2 = { projectId: P2, responsible: contractorOf(2) };
    await publishOn('10-20', { ...p1, findingId: 'F-B-1', worker: zhang, amountOwed: '5200.00' });
    await publishOn('10-21', {
      ...p1,
      findingId: 'F-B-2',
      rule: 'wages-short',
      worker: li,
      amountOwed: '1800.00',
      amountPaid: '3000.00',
    });
    await publishOn('10-22', { ...p2, findingId: 'F-B-3', worker: wang, amountOwed: '4500.00' });
    await publishOn(
      '10-25',
      {
        ...p1,
        findingId: 'F-B-4',
        rule: 'wages-late',
        severity: 'medium',
        worker: zhao,
        amountOwed: '4000.00',
      },
      'finding.resolved',
    );
    await publishOn(
      '10-28',
      { ...p2, findingId: 'F-B-3', worker: wang, amountOwed: '4500.00', raisedAt: at('10-22') },
      'finding.resolved',
    );
    const drawn = await bank.post('/v1/bank/deposits', {
      records: [deposit('DEP-B-3', P1, 'drawn', '10-26', '2600.00')],
    });
    expect(drawn.status, JSON.stringify(drawn.body)).toBe(200);
    await inspectionSweep(t, at('10-28'));
    east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    city = t.api.as(t.key('inspector', { districts: 'all' }));
    t.clock.set(new Date(at('10-29')));
    const caseId = (await t.admin.get(`/v1/projects/${P1}/cases`)).body.cases[0].caseId;
    const order = await east.post(`/v1/cases/${caseId}/orders`, { kind: 'correction' });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    t.clock.set(new Date(at('11-01')));
    octoberEast = (await east.get('/v1/reports/bulletin?period=2026-10&district=东区')).body;
    octoberCity = (await city.get('/v1/reports/bulletin?period=2026-10')).body;
    // November goes on: 李四 is paid, P2's sheet is missing.
    await publishOn(
      '11-03',
      {
        ...p1,
        findingId: 'F-B-2',
        rule: 'wages-short',
        worker: li,
        amountOwed: '1800.00',
        raisedAt: at('10-21'),
      },
      'finding.resolved',
    );
    const drawnP2 = await bank.post('/v1/bank/deposits', {
      records: [deposit('DEP-B-4', P2, 'drawn', '11-03', '900.00')],
    });
    expect(drawnP2.status, JSON.stringify(drawnP2.body)).toBe(200);
    await publishOn('11-04', { ...p2, findingId: 'F-B-5', rule: 'payroll-missing', severity: 'medium' });
    t.clock.set(new Date(at('11-05')));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("gives a district's month: findings by rule, what stood open at its end, wages recovered, cases and orders", () => {
    expect(octoberEast).toMatchObject({
      period: '2026-10',
      label: '2026年10月',
      scope: '东区',
      title: '东区2026年10月保障农民工工资支付监测月度通报',
      provisional: false,
      asOf: '2026-10-31T16:00:00.000Z',
      projects: 1,
      projectsWithFindings: 1,
      findingsRaised: 2,
      findingsOpenAtEnd: 2,
      workersConcerned: 2,
      owedOpenAtEnd: '7000.00',
      recovered: '4000.00',
      workersHelped: 1,
      casesOpened: 1,
      ordersIssued: 1,
      policeReferrals: 0,
      registeredWorkers: 2, // worker 3 left before October
      depositsDrawn: 1,
      depositsDrawnAmount: '2600.00',
    });
    expect(octoberEast.byRule).toEqual([
      { rule: 'wages-late', name: '工资延迟发放', raised: 1, openAtEnd: 0 },
      { rule: 'wages-missed', name: '未发放工资', raised: 1, openAtEnd: 1 },
      { rule: 'wages-short', name: '工资未足额发放', raised: 1, openAtEnd: 1 },
    ]);
  });

  it('gives the city its month with a row per district', () => {
    expect(octoberCity).toMatchObject({
      scope: '全市',
      district: null,
      projects: 2,
      findingsRaised: 3,
      findingsOpenAtEnd: 2,
      workersConcerned: 3,
      owedOpenAtEnd: '7000.00',
      recovered: '4000.00',
      casesOpened: 2,
      casesClosed: 1,
      casesOpenAtEnd: 1,
      registeredWorkers: 2, // worker 1 on P2 too counts once; worker 4 came in November
      depositsDrawn: 1,
      depositsDrawnAmount: '2600.00',
    });
    expect(
      (octoberCity.districts as { scope: string; findingsRaised: number; casesClosed: number }[]).map((d) => [
        d.scope,
        d.findingsRaised,
        d.casesClosed,
      ]),
    ).toEqual([
      ['东区', 2, 0],
      ['西区', 1, 1],
    ]);
  });

  it('a past month is the same when asked again after later events; the current quarter is provisional', async () => {
    expect((await east.get('/v1/reports/bulletin?period=2026-10&district=东区')).body).toEqual(octoberEast);
    expect((await city.get('/v1/reports/bulletin?period=2026-10')).body).toEqual(octoberCity);
    const q4 = (await city.get('/v1/reports/bulletin?period=2026-Q4')).body;
    expect(q4).toMatchObject({
      label: '2026年第四季度',
      title: '全市2026年第四季度保障农民工工资支付监测季度通报',
      provisional: true,
      asOf: '2026-11-05T02:00:00.000Z',
      findingsRaised: 4,
      findingsOpenAtEnd: 2,
      owedOpenAtEnd: '5200.00',
      registeredWorkers: 2, // worker 4's enrolment on 10 November is after the figures' 5 November
      depositsDrawn: 2,
      depositsDrawnAmount: '3500.00',
    });
    // Without a period: the last month that has ended (October, on 5 November).
    expect((await east.get('/v1/reports/bulletin?district=东区')).body.period).toBe('2026-10');
  });

  it('the XLSX carries the same figures: frozen headers, amounts as numbers in yuan, a sheet per district for the city', async () => {
    const res = await raw(city, '/v1/reports/bulletin.xlsx?period=2026-10');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['主要指标', '问题分类', '分区情况']);
    const figures = wb.getWorksheet('主要指标')!;
    expect(figures.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(figures.getRow(1).values).toEqual([undefined, '指标', '数值']);
    const byName = new Map<string, ExcelJS.Cell>();
    figures.eachRow((row) => byName.set(String(row.getCell(1).value), row.getCell(2)));
    expect(byName.get('本期发现问题数')?.value).toBe(3);
    expect(byName.get('期末欠付工资（元）')?.value).toBe(7000);
    expect(byName.get('期末欠付工资（元）')?.numFmt).toBe('#,##0.00');
    expect(byName.get('追发工资（元）')?.value).toBe(4000);
    expect(byName.get('下达责令改正指令书数')?.value).toBe(1);
    expect(byName.get('实名制登记劳动者人数')?.value).toBe(2);
    expect(byName.get('动用工资保证金次数')?.value).toBe(1);
    expect(byName.get('动用工资保证金金额（元）')?.value).toBe(2600);
    const districts = wb.getWorksheet('分区情况')!;
    expect(districts.getRow(2).getCell(1).value).toBe('东区');
    expect(districts.getRow(3).getCell(1).value).toBe('西区');
    expect(districts.rowCount).toBe(3);
  });

  it('the A4 page says the same, in the bureau’s name', async () => {
    const res = await raw(east, '/v1/reports/bulletin/print?period=2026-10&district=东区');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const s of [
      '攀枝花市东区人力资源和社会保障局',
      '东区2026年10月保障农民工工资支付监测月度通报',
      '本期追发工资 4000.00 元',
      '欠付工资 7000.00 元',
      '实名制登记劳动者 2 人',
      '动用工资保证金 1 次、2600.00 元',
      '@page { size: A4',
    ])
      expect(html, s).toContain(s);
  });

  it("gives the winter campaign's progress while it runs (since 1 November, provisional) as JSON, XLSX and A4", async () => {
    const w = (await city.get('/v1/reports/bulletin?period=winter-2026-27')).body;
    expect(w).toMatchObject({
      period: 'winter-2026-27',
      label: '2026—2027年度冬季根治欠薪专项行动',
      title: '全市2026—2027年度冬季根治欠薪专项行动进展情况通报',
      provisional: true,
      from: '2026-10-31T16:00:00.000Z',
      to: '2027-02-05T16:00:00.000Z',
      asOf: '2026-11-05T02:00:00.000Z',
      findingsRaised: 1, // P2's missing sheet: October's findings are before the campaign
      findingsOpenAtEnd: 2, // 张三's unpaid wages and P2's sheet; 李四 was paid on 3 November
      owedOpenAtEnd: '5200.00',
    });
    expect(w.byRule).toEqual(
      expect.arrayContaining([
        { rule: 'payroll-missing', name: expect.any(String), raised: 1, openAtEnd: 1 },
      ]),
    );
    const res = await raw(city, '/v1/reports/bulletin.xlsx?period=winter-2026-27');
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const byName = new Map<string, ExcelJS.Cell>();
    wb.getWorksheet('主要指标')!.eachRow((row) => byName.set(String(row.getCell(1).value), row.getCell(2)));
    expect(byName.get('本期发现问题数')?.value).toBe(1);
    expect(byName.get('期末欠付工资（元）')?.value).toBe(5200);
    expect(byName.get('统计期间')?.value).toBe('2026—2027年度冬季根治欠薪专项行动');
    expect(byName.get('统计截至')?.value).toBe('2026-11-05（临时数）');
    const html = await (
      await raw(east, '/v1/reports/bulletin/print?period=winter-2026-27&district=东区')
    ).text();
    expect(html).toContain('东区2026—2027年度冬季根治欠薪专项行动进展情况通报');
    expect(html).toContain('统计期间：2026-11-01 至 2026-11-05（专项行动进行中，数据为临时数）');
  });

  it('gives a campaign that has ended its closing report, as of its eve; one not begun or unknown is 400', async () => {
    const last = (await city.get('/v1/reports/bulletin?period=winter-2025-26')).body;
    expect(last).toMatchObject({
      title: '全市2025—2026年度冬季根治欠薪专项行动总结通报',
      provisional: false,
      asOf: '2026-02-14T16:00:00.000Z', // the day after the eve (14 February 2026), midnight in Shanghai
      findingsRaised: 0,
      projects: 0, // both projects started in June 2026
    });
    const html = await (await raw(city, '/v1/reports/bulletin/print?period=winter-2025-26')).text();
    expect(html).toContain('统计期间：2025-11-01 至 2026-02-14（专项行动已结束）');
    const next = await city.get('/v1/reports/bulletin?period=winter-2027-28');
    expect(next.status).toBe(400); // its end is not in the calendar yet (nor has it begun)
    expect((await city.get('/v1/reports/bulletin?period=winter-2026-28')).status).toBe(400);
  });

  it('refused: another district (403), the city to a district inspector (403), a project manager (403), a bad or future period (400)', async () => {
    expect((await west.get('/v1/reports/bulletin?period=2026-10&district=东区')).status).toBe(403);
    expect((await east.get('/v1/reports/bulletin?period=2026-10')).status).toBe(403);
    expect((await raw(west, '/v1/reports/bulletin.xlsx?period=2026-10&district=东区')).status).toBe(403);
    const pm = t.api.as(t.key('project-manager', { projectIds: [P1] }));
    expect((await pm.get('/v1/reports/bulletin?period=2026-10&district=东区')).status).toBe(403);
    const bad = await east.get('/v1/reports/bulletin?period=2026-13&district=东区');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('2026-13');
    expect((await east.get('/v1/reports/bulletin?period=2027-01&district=东区')).status).toBe(400);
    expect((await t.admin.get('/v1/reports/bulletin?period=2026-10')).status).toBe(200);
  });
});
