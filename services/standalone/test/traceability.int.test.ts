import type { Envelope } from '@wagewatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineBody, registerProject, residentId, transfer, workerBody } from './api-helpers.ts';
import { card } from './fixtures.ts';
import type { ApiResponse } from './harness.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * Traceability (issue 10 §3): every event carries `metadata.correlationId` (the intake request,
 * or the sweep, that started its chain) and `causationId` (the event it follows from; absent for
 * a chain's first event). Asserted on the services' outbox tables, where every event is written.
 *
 * One project paying on the 15th: wages for 2026-10 are due Friday 2026-11-13; worker 1 is paid
 * that day, worker 2 not (wages-missed, raised by the sweep of 2026-11-16 09:00), until a late
 * payment in the same request as a debit to a stranger's card (wrong-payee).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(['pglite', 'postgres'] as const)('correlation and causation ids (%s)', (kind) => {
  let t: TestSystem;
  let p: { projectId: string; accountNo: string };
  let bank: ReturnType<TestSystem['api']['as']>;
  const sweepAsOf = '2026-11-16T09:00:00+08:00';
  const sweepId = `sweep:${new Date(sweepAsOf).toISOString()}`;

  /** Every event of a service's outbox, in order. */
  const outbox = async (schema: string) =>
    (await t.db.query<{ envelope: Envelope }>(`SELECT envelope FROM "${schema}".outbox ORDER BY seq`)).map(
      (r) => r.envelope,
    );
  const requestId = (res: ApiResponse) => {
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    return id as string;
  };

  beforeAll(async () => {
    t = await startTestSystem({ kind });
    p = await registerProject(t, 71, {
      payDay: 15,
      payMonthOffset: 1,
      permitDate: '2026-09-01',
      startDate: '2026-10-01',
    });
    bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const deposit = await bank.post('/v1/bank/deposits', {
      records: [
        {
          bankRef: 'TRACE-DEP-1',
          projectId: p.projectId,
          kind: 'lodged',
          occurredAt: '2026-07-01T10:00:00+08:00',
          amount: '360000.00',
        },
      ],
    });
    expect(deposit.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const pm = t.api.as(t.key('project-manager', { projectIds: [p.projectId] }));
    const w = await pm.post(`/v1/projects/${p.projectId}/workers`, {
      workers: [workerBody(1, { name: '王建国' }), workerBody(2, { name: '李秀英' })],
    });
    expect(w.status).toBe(200);
    const sheet = await pm.post(`/v1/projects/${p.projectId}/payrolls`, {
      period: '2026-10',
      lines: [
        lineBody(1, { name: '王建国', amountDue: '5200.00' }),
        lineBody(2, { name: '李秀英', amountDue: '4800.00' }),
      ],
    });
    expect(sheet.status).toBe(201);
    const tr = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'TRACE-1',
          accountNo: p.accountNo,
          amount: '5200.00',
          counterpartyAccountNo: card(1),
          counterpartyName: '王建国',
          counterpartyIdNumber: residentId(1),
          bookedAt: '2026-11-13T10:30:00+08:00',
        }),
        transfer({
          bankRef: 'TRACE-0',
          accountNo: p.accountNo,
          direction: 'credit',
          amount: '20000.00',
          counterpartyAccountNo: '4402000000000000888',
          counterpartyName: '建设单位',
          bookedAt: '2026-11-13T09:00:00+08:00',
          purpose: 'labour-cost',
        }),
      ],
    });
    expect(tr.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const s = await bank.post('/v1/bank/statements', {
      accountNo: p.accountNo,
      date: '2026-11-13',
      openingBalance: '100000.00',
      closingBalance: '114800.00',
      debitCount: 1,
      debitTotal: '5200.00',
      creditCount: 1,
      creditTotal: '20000.00',
    });
    expect(s.body).toEqual({ status: 'accepted' });
    await t.settle();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('starts a chain at each intake request: its id in the x-request-id header and on its events, no causation', async () => {
    const a = await t.admin.get('/v1/findings');
    const b = await t.admin.get('/v1/findings');
    expect(requestId(a)).not.toBe(requestId(b));
    const intake = (await outbox('ingest')).filter((e) => e.metadata.producer === 'ingest');
    expect(intake.length).toBeGreaterThanOrEqual(6);
    for (const e of intake) {
      expect(e.metadata.correlationId, e.type).toMatch(UUID);
      expect(e.metadata.causationId, e.type).toBeUndefined();
    }
    // One request, one correlation id: the project's registration and the payroll sheet differ.
    const ids = new Set(intake.map((e) => e.metadata.correlationId));
    expect(ids.size).toBe(intake.length);
  });

  it('traces a payroll file upload (multipart, read inside the handler) like a JSON request', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [p.projectId] }));
    const csv = [
      '序号,姓名,身份证号码,工种,出勤天数,应发工资,实发工资,银行卡号,本人签字',
      `1,王建国,${residentId(1)},钢筋工,20,5200.00,5200.00,${card(1)},已签`,
      `2,李秀英,${residentId(2)},杂工,20,4800.00,4800.00,${card(2)},已签`,
    ].join('\n');
    const res = await pm.upload(
      `/v1/projects/${p.projectId}/payrolls`,
      { bytes: Buffer.from(csv, 'utf8'), filename: 'gongzi-2026-11.csv', type: 'text/csv' },
      { period: '2026-11' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const correlationId = requestId(res);
    const events = (await outbox('ingest')).filter((e) => e.metadata.correlationId === correlationId);
    expect(events.map((e) => e.type)).toEqual(['payroll.submitted']);
    expect(events[0]?.metadata.causationId).toBeUndefined();
  });

  it('gives a sweep its own chain, sweep:<instant>, followed by what the findings cause downstream', async () => {
    t.clock.set(sweepAsOf);
    const res = await t.admin.post('/v1/admin/sweep', { asOf: sweepAsOf });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await t.settle();
    const raised = (await outbox('ledger')).filter((e) => e.metadata.correlationId === sweepId);
    expect(raised.map((e) => `${e.type} ${(e.data as { rule: string }).rule}`)).toContain(
      'finding.raised wages-missed',
    );
    for (const e of raised) expect(e.metadata.causationId).toBeUndefined();
    // Inspection opens the case from those findings: same chain, caused by a finding event.
    const findingIds = new Set(raised.map((e) => e.id));
    const downstream = (await outbox('inspection')).filter((e) => e.metadata.correlationId === sweepId);
    expect(downstream.length).toBeGreaterThan(0);
    for (const e of downstream) {
      const cause = e.metadata.causationId;
      // Inspection's own sweep ran in the same sweep (embedded): no cause; else a finding event.
      if (cause !== undefined) expect(findingIds.has(cause), `${e.type} caused by ${cause}`).toBe(true);
    }
    expect(downstream.some((e) => e.metadata.causationId !== undefined)).toBe(true);
  });

  it('follows a bank request to the findings it raises and on to inspection: one correlation id, a causation chain', async () => {
    const res = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'TRACE-LATE',
          accountNo: p.accountNo,
          amount: '4800.00',
          counterpartyAccountNo: card(2),
          counterpartyName: '李秀英',
          counterpartyIdNumber: residentId(2),
          bookedAt: '2026-11-15T10:00:00+08:00',
        }),
        transfer({
          bankRef: 'TRACE-STRANGER',
          accountNo: p.accountNo,
          amount: '3000.00',
          counterpartyAccountNo: card(99),
          counterpartyName: '张三',
          bookedAt: '2026-11-15T11:00:00+08:00',
        }),
      ],
    });
    expect(res.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const correlationId = requestId(res);
    await t.settle();

    const [reported, ...more] = (await outbox('ingest')).filter(
      (e) => e.metadata.correlationId === correlationId,
    );
    expect(more).toEqual([]);
    expect(reported).toMatchObject({ type: 'bank.transfers-reported', metadata: { producer: 'ingest' } });
    expect(reported?.metadata.causationId).toBeUndefined();

    const findings = (await outbox('ledger')).filter((e) => e.metadata.correlationId === correlationId);
    expect(findings.map((e) => `${e.type} ${(e.data as { rule: string }).rule}`).sort()).toEqual(
      expect.arrayContaining([
        'finding.raised wrong-payee',
        'finding.raised wages-late',
        'finding.resolved wages-missed',
      ]),
    );
    for (const e of findings) expect(e.metadata.causationId, e.type).toBe(reported?.id);

    // The case is already open: inspection records the findings and emits no alert for them; had
    // it emitted one, it would follow from these findings (the sweep's chain above shows one).
    const findingIds = new Set(findings.map((e) => e.id));
    const downstream = (await outbox('inspection')).filter((e) => e.metadata.correlationId === correlationId);
    for (const e of downstream) expect(findingIds.has(e.metadata.causationId ?? ''), e.type).toBe(true);
  });

  it('follows a deposit event to the deposit finding it raises (the deferred evaluation keeps the trace)', async () => {
    const res = await bank.post('/v1/bank/deposits', {
      records: [
        {
          bankRef: 'TRACE-DEP-2',
          projectId: p.projectId,
          kind: 'refunded',
          occurredAt: '2026-11-16T08:00:00+08:00',
          amount: '200000.00',
        },
      ],
    });
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const correlationId = requestId(res);
    await t.settle();
    const [reported] = (await outbox('ingest')).filter((e) => e.metadata.correlationId === correlationId);
    expect(reported?.type).toBe('deposit.events-reported');
    const raised = (await outbox('deposits')).filter((e) => e.metadata.correlationId === correlationId);
    expect(raised.map((e) => `${e.type} ${(e.data as { rule: string }).rule}`)).toEqual([
      'finding.raised deposit-short',
    ]);
    expect(raised[0]?.metadata.causationId).toBe(reported?.id);
  });

  it('names on each finding the bank records and sheets behind it, as an inspector can look them up', async () => {
    const res = await t.admin.get(`/v1/findings?projectId=${p.projectId}`);
    expect(res.status).toBe(200);
    const byRule = new Map(
      (res.body.findings as { rule: string; evidence: string[] }[]).map((f) => [f.rule, f.evidence]),
    );
    expect(byRule.get('wrong-payee')).toEqual(['bank-transfer:ICBC-PZH:TRACE-STRANGER']);
    const late = byRule.get('wages-late') ?? [];
    expect(late).toContain('bank-transfer:ICBC-PZH:TRACE-LATE');
    expect(late.some((e) => /^payroll-sheet:[0-9a-f-]{36}:v1$/.test(e))).toBe(true);
    expect(byRule.get('deposit-short')).toEqual([
      'bank-deposit:ICBC-PZH:TRACE-DEP-1',
      'bank-deposit:ICBC-PZH:TRACE-DEP-2',
    ]);
  });

  it('follows a case and its alert back to the transfer: evidence references, GET /v1/evidence/{ref}', async () => {
    const [c] = (await t.admin.get(`/v1/projects/${p.projectId}/cases`)).body.cases;
    const detail = (await t.admin.get(`/v1/cases/${c.caseId}`)).body;
    expect(detail.evidence).toEqual(expect.arrayContaining(['bank-transfer:ICBC-PZH:TRACE-STRANGER']));
    expect(detail.evidence).toEqual([...new Set(detail.evidence as string[])].sort());
    const alerts = (await t.admin.get(`/v1/alerts?projectId=${p.projectId}`)).body.alerts as {
      type: string;
      data: { evidence?: string[] };
    }[];
    const opened = alerts.find((a) => a.type === 'case.opened');
    // The case opened in the sweep, on wages-missed for worker 2: the sheet behind the line.
    expect(opened?.data.evidence?.some((e) => /^payroll-sheet:[0-9a-f-]{36}:v1$/.test(e))).toBe(true);

    const inspector = t.api.as(t.key('inspector', { districts: [c.routing.team] }));
    const ref = 'bank-transfer:ICBC-PZH:TRACE-STRANGER';
    const found = await inspector.get(`/v1/evidence/${encodeURIComponent(ref)}`);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toMatchObject({
      ref,
      kind: 'bank-transfer',
      projectId: p.projectId,
      bankCode: 'ICBC-PZH',
      record: { bankRef: 'TRACE-STRANGER', amount: '3000.00', counterpartyAccountNo: card(99) },
    });
    const sheetRef = opened!.data.evidence!.find((e) => e.startsWith('payroll-sheet:'))!;
    const sheet = await inspector.get(`/v1/evidence/${encodeURIComponent(sheetRef)}`);
    expect(sheet.body).toMatchObject({ kind: 'payroll-sheet', record: { period: '2026-10', version: 1 } });
    expect(sheet.body.see).toBe(`/v1/projects/${p.projectId}/payrolls/2026-10`);
    const statement = await inspector.get(
      `/v1/evidence/${encodeURIComponent(`bank-statement:ICBC-PZH:${p.accountNo}:2026-11-13`)}`,
    );
    expect(statement.body).toMatchObject({ kind: 'bank-statement', record: { closingBalance: '114800.00' } });
    // Unknown, malformed, another bank's, another district's.
    expect((await inspector.get('/v1/evidence/bank-transfer%3AICBC-PZH%3ANOPE')).status).toBe(404);
    expect((await inspector.get('/v1/evidence/not-a-ref')).status).toBe(400);
    const ccb = t.api.as(t.key('bank', { bankCode: 'CCB-PZH' }));
    expect((await ccb.get(`/v1/evidence/${encodeURIComponent(ref)}`)).status).toBe(403);
    expect((await bank.get(`/v1/evidence/${encodeURIComponent(ref)}`)).status).toBe(200);
    const elsewhere = t.api.as(t.key('inspector', { districts: ['没有的区'] }));
    expect((await elsewhere.get(`/v1/evidence/${encodeURIComponent(ref)}`)).status).toBe(403);
  });

  it('emits a deferred evaluation with the trace stored on its dirty mark (what survives a restart)', async () => {
    // As if the process had stopped between the batch that marked the project and its evaluation:
    // nothing in memory, only the mark. The finding is forgotten so that the evaluation raises it again.
    const cause = '11111111-2222-4333-8444-555555555555';
    await t.db.query(`DELETE FROM ledger.findings WHERE project_id = $1 AND rule = 'wrong-payee'`, [
      p.projectId,
    ]);
    await t.db.query(
      `INSERT INTO ledger.dirty_projects (project_id, changed_at, correlation_id, causation_id) VALUES ($1, $2, $3, $4)`,
      [p.projectId, new Date(sweepAsOf), 'marked-before-restart', cause],
    );
    await t.settle();
    const again = (await outbox('ledger')).filter(
      (e) => e.metadata.correlationId === 'marked-before-restart',
    );
    expect(again.map((e) => `${e.type} ${(e.data as { rule: string }).rule}`)).toEqual([
      'finding.raised wrong-payee',
    ]);
    expect(again[0]?.metadata.causationId).toBe(cause);
  });

  it('leaves no event of any service without a correlation id', async () => {
    for (const schema of ['ingest', 'ledger', 'deposits', 'inspection']) {
      const events = await outbox(schema);
      expect(events.length, schema).toBeGreaterThan(0);
      expect(
        events.filter((e) => !e.metadata.correlationId).map((e) => e.type),
        schema,
      ).toEqual([]);
    }
  });
});
