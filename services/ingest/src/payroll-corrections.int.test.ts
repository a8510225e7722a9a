import { creditCodeWithCheckCharacter, residentIdWithCheckDigit } from '@wagewatch/domain';
import { ApiKeys, buildHttpApp, createLogger, createMetrics, ManualClock } from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngest } from './service.ts';

/**
 * Ingest alone, composed as its distributed process composes it (its routes on the shared HTTP
 * shell, no other service): the payroll history and correction routes are its own, and what
 * it tells the ledger is only what its outbox holds. A correction request adds no
 * `payroll.submitted`; its approval adds one, with `effectiveAt`.
 */
const ADMIN = 'bootstrap-admin-key-for-ingest-tests';
const NOW = new Date('2026-11-29T10:00:00+08:00');
const PROJECT = 'PZH-ING-COR-1';
const worker = (n: number) => residentIdWithCheckDigit(`51040219850315${String(n).padStart(3, '0')}`);
const line = (n: number, amountDue: string) => ({
  idNumber: worker(n),
  name: `工人${n}`,
  daysWorked: 22,
  amountDue,
  signed: true,
});

describe.each(['pglite', 'postgres'] as const)('ingest on its own: payroll corrections (%s)', (kind) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  const apiKeys = new ApiKeys('test-secret-for-signing-api-keys-0123456789', ADMIN);
  const pm = apiKeys.issue('project-manager', { projectIds: [PROJECT] }).key;
  const inspector = apiKeys.issue('inspector', { districts: ['东区'] }).key;

  const call = async (key: string, method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: { authorization: `Bearer ${key}` },
    });
    return { status: res.statusCode, body: res.json() };
  };
  const submitted = async () =>
    (
      await tdb.db.query<{ envelope: { data: { version: number; effectiveAt?: string; lines: unknown[] } } }>(
        `SELECT envelope FROM ingest.outbox WHERE type = 'payroll.submitted' ORDER BY seq`,
      )
    ).map((r) => (typeof r.envelope === 'string' ? JSON.parse(r.envelope) : r.envelope).data);

  beforeAll(async () => {
    tdb = await createTestDatabase(kind, 'ingest-corrections');
    const ingest = createIngest({ db: tdb.db, apiKeys, clock: new ManualClock(NOW) });
    await ingest.migrate();
    app = await buildHttpApp({
      logger: createLogger({ level: 'silent' }),
      apiKeys,
      metrics: createMetrics(),
      plugins: [ingest.routes, ingest.clockRoutes],
    });
    const registered = await call(ADMIN, 'POST', '/v1/projects', {
      projectId: PROJECT,
      name: '攀枝花市东区测试项目',
      district: '东区',
      sector: 'housing',
      owner: { name: '业主', creditCode: creditCodeWithCheckCharacter('91510400MA0000091') },
      contractor: { name: '总包', creditCode: creditCodeWithCheckCharacter('91510400MA0000092') },
      contractValue: '12000000.00',
      permitDate: '2026-08-01',
      startDate: '2026-09-01',
      plannedEndDate: '2027-12-31',
      wageAccount: { bankCode: 'ICBC-PZH', accountNo: '2302010009100099001' },
      payDay: 15,
      payMonthOffset: 1,
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await tdb?.drop();
  });

  it('a correction request is not sent to the ledger; its approval is, with effectiveAt', async () => {
    const v1 = await call(pm, 'POST', `/v1/projects/${PROJECT}/payrolls`, {
      period: '2026-09',
      lines: [line(1, '5200.00'), line(2, '4800.00')],
    });
    expect(v1.status).toBe(201);
    expect(await submitted()).toHaveLength(1);

    const v2 = await call(pm, 'POST', `/v1/projects/${PROJECT}/payrolls`, {
      period: '2026-09',
      lines: [line(1, '5200.00')],
      reason: '工人2九月未出勤',
    });
    expect(v2.status, JSON.stringify(v2.body)).toBe(202);
    expect(v2.body.changes.dropped).toEqual([
      { idNumber: worker(2), name: '工人2', from: '4800.00', to: '0.00' },
    ]);
    expect(await submitted()).toHaveLength(1);

    const history = await call(inspector, 'GET', `/v1/projects/${PROJECT}/payrolls/2026-09`);
    expect(history.status).toBe(200);
    expect(history.body.versions.map((v: { status: string }) => v.status)).toEqual([
      'effective',
      'pending-correction',
    ]);

    const approved = await call(
      inspector,
      'POST',
      `/v1/projects/${PROJECT}/payrolls/2026-09/corrections/${v2.body.correctionId}/approve`,
      { reason: '考勤记录核实' },
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const events = await submitted();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      version: 2,
      effectiveAt: NOW.toISOString(),
      lines: [expect.any(Object)],
    });
    expect(events[0]).not.toHaveProperty('effectiveAt');
  });
});
