import { CLUE_REFERENCE } from '@wagewatch/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject, residentId } from './api-helpers.ts';
import { type ApiClient, startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionEvents } from './inspection-helpers.ts';

/**
 * Issue 14 §5, 欠薪线索: a worker reports unpaid wages from the public page, with no account.
 *
 * Given P1 (东区, 总包1) and P2 (西区, 总包2) registered, on Monday 2026-12-07: 王五 reports
 * 12,000 yuan unpaid for October and November on P1; 赵六 reports on a site he cannot find in the
 * list (滨江花园工地, 西区). The inspectors of each district see their clues, call back, route,
 * answer; the worker reads the answers with the reference and the phone given.
 */
const P1 = 'PZH-API-001';
const P2 = 'PZH-API-002';
const at = '2026-12-07T10:00:00+08:00';
const PHONE = '13812345678';
const report = (n: number, overrides: Record<string, unknown> = {}) => ({
  projectId: P1,
  months: ['2026-10', '2026-11'],
  amount: '12,000',
  phone: PHONE,
  name: '王五',
  idNumber: residentId(n),
  description: '十月、十一月工资一直没有发',
  ...overrides,
});

describe.each(['pglite', 'postgres'] as const)('欠薪线索 on %s', (kind) => {
  let t: TestSystem;
  let east: ApiClient;
  let west: ApiClient;
  let pm: ApiClient;
  let bank: ApiClient;
  let reference: string;
  let clueId: string;
  const status = (body: Record<string, unknown>) => t.api.post('/public/clues/status', body);
  const clues = async () =>
    Number((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inspection.clues'))[0]?.n);

  beforeAll(async () => {
    t = await startTestSystem({ kind, now: new Date(at) });
    await registerProject(t, 1, { startDate: '2026-06-01', permitDate: '2026-05-01' });
    await registerProject(t, 2, { district: '西区', startDate: '2026-06-01', permitDate: '2026-05-01' });
    await t.settle();
    east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    pm = t.api.as(t.key('project-manager', { projectIds: [P1] }));
    bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
  });
  afterAll(() => t?.close());

  it('the worker finds the project by part of its name, within the districts the bureau knows', async () => {
    const res = await t.api.get(
      `/public/clues/projects?q=${encodeURIComponent('测试安置房')}&district=${encodeURIComponent('东区')}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.districts).toEqual(['东区', '西区']);
    // The months the form offers: this month (by the system's clock) and the eleven before.
    expect(res.body.months).toHaveLength(12);
    expect([res.body.months[0], res.body.months[11]]).toEqual(['2026-12', '2026-01']);
    expect(res.body.projects).toEqual([
      { projectId: P1, name: expect.stringContaining('测试安置房'), district: '东区' },
    ]);
  });

  it('a report on a registered project is a worker-complaint finding at once: a case against the contractor opens', async () => {
    const res = await t.api.post('/public/clues', report(7));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ receivedOn: '2026-12-07', district: '东区', onProject: true });
    expect(res.body.reference).toMatch(CLUE_REFERENCE);
    reference = res.body.reference;

    const findings = (await t.admin.get(`/v1/findings?projectId=${P1}&rule=worker-complaint`)).body.findings;
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'worker-complaint',
        status: 'open',
        period: '2026-11',
        amountOwed: '12000.00',
        worker: { idNumberMasked: `510402********${residentId(7).slice(-4)}`, name: '王五' },
        responsible: { kind: 'contractor', name: '总包1', code: contractorOf(1).code },
      }),
    ]);
    // The phone and the worker's own words are not in the finding, which the project manager reads too.
    const pmFindings = (await pm.get(`/v1/findings?projectId=${P1}`)).body.findings;
    expect(pmFindings).toHaveLength(1);
    expect(JSON.stringify(pmFindings)).not.toContain(PHONE);
    expect(JSON.stringify(pmFindings)).not.toContain('一直没有发');

    const cases = (await t.admin.get(`/v1/projects/${P1}/cases`)).body.cases;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ status: 'open', level: 'notice', routing: { team: '东区' } });
    const detail = (await t.admin.get(`/v1/cases/${cases[0].caseId}`)).body;
    expect(detail.findings.map((f: { rule: string }) => f.rule)).toEqual(['worker-complaint']);
    expect(detail.history[0]).toMatchObject({ actor: 'system', action: 'opened' });
    // Published on the findings topic like every finding.
    expect(await inspectionEvents(t, 'finding.raised', { rule: 'worker-complaint' })).toHaveLength(1);
  });

  it("the district's inspector sees the clue, masked in the list and with the phone to call back in the detail; nobody else does", async () => {
    const list = await east.get('/v1/clues');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const c = list.body.clues[0];
    clueId = c.clueId;
    expect(c).toMatchObject({
      reference,
      projectId: P1,
      onProject: true,
      worker: '王*',
      phone: '138****5678',
      months: ['2026-10', '2026-11'],
      amount: '12000.00',
      status: 'open',
      caseId: expect.stringMatching(/^C-/),
    });
    const one = await east.get(`/v1/clues/${clueId}`);
    expect(one.body).toMatchObject({
      phone: PHONE,
      worker: '王五',
      idNumber: residentId(7),
      description: '十月、十一月工资一直没有发',
    });
    expect((await west.get('/v1/clues')).body.total).toBe(0);
    expect((await west.get(`/v1/clues/${clueId}`)).status).toBe(403);
    expect((await pm.get('/v1/clues')).status).toBe(403);
    expect((await pm.get(`/v1/clues/${clueId}`)).status).toBe(403);
    expect((await bank.get('/v1/clues')).status).toBe(403);
    expect((await t.api.get('/v1/clues')).status).toBe(401);
    expect((await east.get('/v1/clues/no-such-clue')).status).toBe(404);
  });

  it("the worker reads the inspector's answers with the reference and the phone; a wrong phone and an unknown reference get the same 404", async () => {
    const wrongPhone = await status({ reference, phone: '13900000000' });
    const unknown = await status({ reference: 'XS20261207-ZZZZZZ', phone: PHONE });
    expect(wrongPhone.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(wrongPhone.body);
    expect((await status({ reference: 'nonsense', phone: PHONE })).status).toBe(400);

    const before = await status({ reference: reference.toLowerCase(), phone: '138-1234-5678' });
    expect(before.body).toMatchObject({ status: 'open', answers: [], amount: '12000.00', district: '东区' });

    const progress = await east.post(`/v1/clues/${clueId}/answers`, {
      outcome: 'in-progress',
      text: '已受理，已约谈施工总包单位核实工资发放情况。',
    });
    expect(progress.status, JSON.stringify(progress.body)).toBe(200);
    expect(progress.body.status).toBe('open');
    expect(
      (await west.post(`/v1/clues/${clueId}/answers`, { outcome: 'paid', text: '越权答复内容' })).status,
    ).toBe(403);
    expect(
      (await pm.post(`/v1/clues/${clueId}/answers`, { outcome: 'paid', text: '项目经理答复' })).status,
    ).toBe(403);
    expect((await east.post(`/v1/clues/${clueId}/answers`, { outcome: 'paid', text: ' ' })).status).toBe(400);

    t.clock.set(new Date('2026-12-09T15:00:00+08:00'));
    const paid = await east.post(`/v1/clues/${clueId}/answers`, {
      outcome: 'paid',
      text: '经核查属实，施工总包单位已于12月9日补发您的工资12000元。',
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    expect(
      (await east.post(`/v1/clues/${clueId}/answers`, { outcome: 'paid', text: '再次答复' })).status,
    ).toBe(409);

    const after = await status({ reference, phone: PHONE });
    expect(after.body).toMatchObject({
      status: 'closed',
      answers: [
        { on: '2026-12-07', outcome: 'in-progress', text: '已受理，已约谈施工总包单位核实工资发放情况。' },
        { on: '2026-12-09', outcome: 'paid', outcomeZh: '已查实，拖欠的工资已支付' },
      ],
    });
    // The final answer resolves the finding; the case, with nothing else open, closes.
    const [f] = (await t.admin.get(`/v1/findings?projectId=${P1}&rule=worker-complaint`)).body.findings;
    expect(f).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    const [c] = (await t.admin.get(`/v1/projects/${P1}/cases`)).body.cases;
    expect(c.status).toBe('closed');
    expect(await inspectionEvents(t, 'finding.resolved', { rule: 'worker-complaint' })).toHaveLength(1);
  });

  it('a report on a site the worker cannot find waits in its district until an inspector routes it to the project', async () => {
    const res = await t.api.post(
      '/public/clues',
      report(8, {
        projectId: undefined,
        projectName: '滨江花园工地（金沙江大道旁）',
        district: '西区',
        name: '赵六',
        phone: '0812-3334567',
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      onProject: false,
      district: '西区',
      projectName: '滨江花园工地（金沙江大道旁）',
    });
    const waiting = (await west.get('/v1/clues?onProject=false')).body.clues;
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ projectId: null, findingId: null, phone: '081****4567' });
    expect((await east.get(`/v1/clues/${waiting[0].clueId}`)).status).toBe(403);
    expect((await t.admin.get(`/v1/findings?projectId=${P2}`)).body.total).toBe(0);

    // An inspector of 东区 cannot pull it in, nor route it to a project they do not cover.
    expect((await east.post(`/v1/clues/${waiting[0].clueId}/route`, { projectId: P1 })).status).toBe(403);
    expect((await west.post(`/v1/clues/${waiting[0].clueId}/route`, { projectId: P1 })).status).toBe(403);
    const routed = await west.post(`/v1/clues/${waiting[0].clueId}/route`, { projectId: P2 });
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    expect(routed.body).toMatchObject({
      projectId: P2,
      onProject: true,
      routedBy: expect.any(String),
      caseId: expect.stringMatching(/^C-/),
    });
    expect((await west.post(`/v1/clues/${waiting[0].clueId}/route`, { projectId: P2 })).status).toBe(409);
    const [f] = (await t.admin.get(`/v1/findings?projectId=${P2}`)).body.findings;
    expect(f).toMatchObject({
      rule: 'worker-complaint',
      responsible: { code: contractorOf(2).code },
      worker: { name: '赵六' },
    });
  });

  it('a bad report is refused naming each field, and nothing of it is stored', async () => {
    const before = await clues();
    const bad = await t.api.post('/public/clues', {
      projectId: P1,
      months: ['2027-03'],
      amount: '-5',
      phone: '123',
      name: '',
      idNumber: '510402198503151234',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'name',
      'idNumber',
      'phone',
      'months',
      'amount',
    ]);
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'phone').message).toContain('手机号');
    const unknownProject = await t.api.post('/public/clues', report(9, { projectId: 'PZH-NOPE' }));
    expect(unknownProject.status).toBe(400);
    expect(unknownProject.body.errors[0].field).toBe('projectId');
    const unknownDistrict = await t.api.post(
      '/public/clues',
      report(9, { projectId: undefined, projectName: '某工地', district: '火星区' }),
    );
    expect(unknownDistrict.status).toBe(400);
    expect(unknownDistrict.body.errors[0].field).toBe('district');
    expect(await clues()).toBe(before);
  });

  it('reports are limited per ID number: the fourth in a day is 429 with Retry-After; nothing logged names the phone', async () => {
    const id = residentId(11);
    for (let i = 0; i < 3; i++)
      expect((await t.api.post('/public/clues', report(11, { amount: String(1000 + i) }))).status).toBe(201);
    const refused = await t.api.post('/public/clues', report(11));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.detail).toContain('提交过于频繁');
    expect((await t.api.post('/public/clues', report(12))).status).toBe(201);
    const logs = t.logs.join('\n');
    expect(logs).toContain('clue received');
    expect(logs).not.toContain(PHONE);
    expect(logs).not.toContain(id);
    expect(logs).not.toContain('王五');
  });
});
