import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject } from './api-helpers.ts';
import { type ApiClient, PERSONAL_DATA, startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, publishFinding } from './inspection-helpers.ts';
import { readPdf } from './pdf.ts';

/**
 * Issue 14 §2: the bureau's documents on a case — 责令改正指令书 (an order to correct) and
 * 移送书 (a referral to the police) — issued through the API, numbered, in the case history, and
 * read back as JSON, as the printable A4 page and as a PDF whose text is checked against the
 * findings.
 *
 * Given P1 (东区, 总包1) with three open findings: 张三 unpaid 5,200 for 2026-08 and 5,000 for
 * 2026-09, 李四 paid 3,000.50 of 4,800 for 2026-08; and P2 (西区, 总包2) with one. On Wednesday
 * 2026-09-30 an order with 5 working days is due on Tuesday 2026-10-13 (National Day 1-7 October
 * off, Saturday 10 October a make-up working day).
 */
const P1 = 'PZH-API-001';
const P2 = 'PZH-API-002';
const at = '2026-09-30T10:00:00+08:00';
const zhang = { idNumberMasked: '510402********1234', name: '张三' };
const li = { idNumberMasked: '510402********5678', name: '李四' };

describe.each(['pglite', 'postgres'] as const)('orders and referrals on %s', (kind) => {
  let t: TestSystem;
  let east: ApiClient;
  let west: ApiClient;
  let pm: ApiClient;
  let caseId: string;
  let westCaseId: string;
  const raw = (client: ApiClient, path: string) =>
    fetch(`${t.api.baseUrl}${path}`, { headers: { authorization: `Bearer ${client.key}` } });

  beforeAll(async () => {
    t = await startTestSystem({ kind, now: new Date(at) });
    await registerProject(t, 1, { startDate: '2026-06-01', permitDate: '2026-05-01' });
    await registerProject(t, 2, { district: '西区', startDate: '2026-06-01', permitDate: '2026-05-01' });
    await t.settle();
    const on = { projectId: P1, responsible: contractorOf(1) };
    await publishFinding(
      t,
      { ...on, findingId: 'F-O-1', worker: zhang, amountOwed: '5200.00', evidence: ['bank:ICBC-PZH:T-1'] },
      at,
    );
    await publishFinding(
      t,
      {
        ...on,
        findingId: 'F-O-2',
        worker: zhang,
        period: '2026-09',
        amountOwed: '5000.00',
        evidence: ['sheet:S-9'],
      },
      at,
    );
    await publishFinding(
      t,
      {
        ...on,
        findingId: 'F-O-3',
        worker: li,
        rule: 'wages-short',
        severity: 'medium',
        amountOwed: '4800.00',
        amountPaid: '3000.50',
        evidence: ['bank:ICBC-PZH:T-1', 'sheet:S-8'],
      },
      at,
    );
    await publishFinding(
      t,
      { projectId: P2, responsible: contractorOf(2), findingId: 'F-O-9', worker: li },
      at,
    );
    east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    pm = t.api.as(t.key('project-manager', { projectIds: [P1] }));
    caseId = (await t.admin.get(`/v1/projects/${P1}/cases`)).body.cases[0].caseId;
    westCaseId = (await t.admin.get(`/v1/projects/${P2}/cases`)).body.cases[0].caseId;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  let orderId: string;

  it('an inspector issues an order to correct: numbered, with the deadline in working days, in the case history', async () => {
    const res = await east.post(`/v1/cases/${caseId}/orders`, { kind: 'correction', workingDays: 5 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      orderNo: '攀人社监令〔2026〕第0001号',
      kind: 'correction',
      title: '劳动保障监察责令改正指令书',
      caseId,
      deadline: '2026-10-13',
      outstanding: '11999.50',
      workers: 2,
      acknowledgedAt: null,
    });
    orderId = res.body.orderId;
    const detail = await east.get(`/v1/cases/${caseId}`);
    expect(detail.body.history).toContainEqual(
      expect.objectContaining({
        action: 'order-issued',
        note: expect.stringContaining('攀人社监令〔2026〕第0001号'),
      }),
    );
    const list = await east.get(`/v1/cases/${caseId}/orders`);
    expect(list.body.orders.map((o: { orderNo: string }) => o.orderNo)).toEqual([
      '攀人社监令〔2026〕第0001号',
    ]);
  });

  it('the order says what each worker is owed and on which legal basis, as issued', async () => {
    const res = await east.get(`/v1/orders/${orderId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.content).toMatchObject({
      authority: '攀枝花市东区人力资源和社会保障局',
      employer: contractorOf(1),
      issuedOn: '2026-09-30',
      workingDays: 5,
      findingIds: ['F-O-1', 'F-O-2', 'F-O-3'],
      workers: [
        {
          ...zhang,
          periods: ['2026-08', '2026-09'],
          owed: '10200.00',
          paid: '0.00',
          outstanding: '10200.00',
        },
        { ...li, periods: ['2026-08'], owed: '4800.00', paid: '3000.50', outstanding: '1799.50' },
      ],
      lines: [
        { rule: 'wages-missed', ruleName: '未发放工资', findings: 2, owed: '10200.00' },
        { rule: 'wages-short', ruleName: '工资未足额发放', findings: 1, owed: '1799.50' },
      ],
    });
  });

  it('the PDF is A4 and its text carries the number, the employer, the deadline and every amount', async () => {
    const res = await raw(east, `/v1/orders/${orderId}/pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(
      encodeURIComponent('劳动保障监察责令改正指令书'),
    );
    const bytes = await res.arrayBuffer();
    expect(Buffer.from(bytes).subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text } = await readPdf(bytes);
    expect(
      pages.every(([w, h]) => w === 595 && h === 842),
      'A4',
    ).toBe(true);
    for (const s of [
      '劳动保障监察责令改正指令书',
      '攀人社监令〔2026〕第0001号',
      '总包1',
      contractorOf(1).code,
      '2026年10月13日前',
      '510402********1234',
      '张三',
      '10200.00',
      '1799.50',
      '11999.50',
      '未发放工资',
      '工资未足额发放',
      '二〇二六年九月三十日',
    ])
      expect(text, s).toContain(s);
    expect(text).not.toMatch(PERSONAL_DATA);
  });

  it('the printable page says the same, with a CSP that runs no script', async () => {
    const res = await raw(east, `/v1/orders/${orderId}/print`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const s of [
      '@page { size: A4',
      '攀人社监令〔2026〕第0001号',
      '11999.50',
      '2026年10月13日前',
      '李四',
    ])
      expect(html).toContain(s);
    expect(html).not.toContain('<script');
  });

  it('refused: another district (403), a project manager issuing (403), a bad deadline (400, no number taken)', async () => {
    expect((await west.post(`/v1/cases/${caseId}/orders`, { kind: 'correction' })).status).toBe(403);
    expect((await west.get(`/v1/orders/${orderId}`)).status).toBe(403);
    expect((await raw(west, `/v1/orders/${orderId}/pdf`)).status).toBe(403);
    expect((await pm.post(`/v1/cases/${caseId}/orders`, { kind: 'correction' })).status).toBe(403);
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    expect((await bank.get(`/v1/orders/${orderId}`)).status).toBe(403);
    const bad = await east.post(`/v1/cases/${caseId}/orders`, { kind: 'correction', workingDays: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('workingDays');
    expect((await t.admin.get('/v1/orders/O-nope')).status).toBe(404);
    // The number the refused request would have taken is still free: the next order is 0002.
    const next = await east.post(`/v1/cases/${caseId}/orders`, { kind: 'correction' });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body).toMatchObject({ orderNo: '攀人社监令〔2026〕第0002号', deadline: '2026-10-20' });
  });

  it("the project manager reads their project's orders to correct (and nobody else's)", async () => {
    const list = await pm.get(`/v1/cases/${caseId}/orders`);
    expect(list.status).toBe(200);
    expect(list.body.orders).toHaveLength(2);
    expect((await pm.get(`/v1/orders/${orderId}`)).status).toBe(200);
    expect((await pm.get(`/v1/cases/${westCaseId}/orders`)).status).toBe(403);
  });

  it('a referral needs the criminal threshold (409 before it), then lists the orders ignored and the evidence', async () => {
    const early = await east.post(`/v1/cases/${caseId}/orders`, { kind: 'police-referral' });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('criminal threshold');
    await publishFinding(
      t,
      {
        projectId: P1,
        responsible: contractorOf(1),
        findingId: 'F-O-4',
        worker: zhang,
        period: '2026-07',
        amountOwed: '5200.00',
        policeReferral: true,
        evidence: ['sheet:S-7'],
      },
      at,
    );
    const res = await east.post(`/v1/cases/${caseId}/orders`, { kind: 'police-referral' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      orderNo: '攀人社监移〔2026〕第0001号',
      deadline: null,
      outstanding: '17199.50',
    });
    const referral = await east.get(`/v1/orders/${res.body.orderId}`);
    expect(referral.body.content.priorOrders.map((o: { orderNo: string }) => o.orderNo)).toEqual([
      '攀人社监令〔2026〕第0001号',
      '攀人社监令〔2026〕第0002号',
    ]);
    expect(referral.body.content.evidence).toEqual([
      'bank:ICBC-PZH:T-1',
      'sheet:S-9',
      'sheet:S-8',
      'sheet:S-7',
    ]);
    // Not the employer's to read.
    expect((await pm.get(`/v1/orders/${res.body.orderId}`)).status).toBe(403);
    expect((await pm.get(`/v1/cases/${caseId}/orders`)).body.orders).toHaveLength(2);

    const { text } = await readPdf(
      await (await raw(east, `/v1/orders/${res.body.orderId}/pdf`)).arrayBuffer(),
    );
    for (const s of [
      '涉嫌拒不支付劳动报酬案件移送书',
      '攀枝花市公安局东区分局',
      '17199.50',
      '攀人社监令〔2026〕第0002号',
      'sheet:S-7',
    ])
      expect(text, s).toContain(s);
    expect(text).toContain('接收单位签收：__________');

    // The police liaison's acknowledgement: once, for a referral only, in the history and the PDF.
    const ack = await east.post(`/v1/orders/${res.body.orderId}/acknowledgement`, {
      by: '东区分局 王警官',
      note: '受案回执 2026-123',
    });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({
      acknowledgedBy: '东区分局 王警官',
      acknowledgement: '受案回执 2026-123',
    });
    expect((await east.post(`/v1/orders/${res.body.orderId}/acknowledgement`, { by: '又一次' })).status).toBe(
      409,
    );
    expect((await east.post(`/v1/orders/${orderId}/acknowledgement`, { by: '东区分局' })).status).toBe(409);
    const detail = await east.get(`/v1/cases/${caseId}`);
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(
      expect.arrayContaining(['order-issued', 'referral-issued', 'referral-acknowledged']),
    );
    const after = (await readPdf(await (await raw(east, `/v1/orders/${res.body.orderId}/pdf`)).arrayBuffer()))
      .text;
    expect(after).toContain('接收单位签收：东区分局王警官（2026年9月30日）');
  });

  it('a case with no open finding: 409, nothing to order', async () => {
    await publishFinding(
      t,
      { projectId: P2, responsible: contractorOf(2), findingId: 'F-O-9', worker: li },
      at,
      'finding.resolved',
    );
    const res = await west.post(`/v1/cases/${westCaseId}/orders`, { kind: 'correction' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('no open finding');
  });
});
