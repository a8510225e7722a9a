import { ingestClockRoutes } from '@wagewatch/ingest';
import {
  buildHttpApp,
  type Clock,
  createLogger,
  createMetrics,
  type HttpApp,
  ReplayClock,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, registerProject, transfer, workerBody } from './api-helpers.ts';
import {
  ApiClient,
  type LiveTestSystem,
  startLiveTestSystem,
  startTestSystem,
  TEST_NOW,
  type TestSystem,
} from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/*
 * Issue 11, "Limits on what a decision may do": each probe of the security review replayed
 * against the real HTTP server.
 * - A justification's pause is bounded (default 30 working days after the decision day,
 *   docs: WAGEWATCH_MAX_PAUSE_WORKING_DAYS); 9999-12-31 is refused.
 * - A critical case is not paused by one inspector: the acceptance awaits a second person
 *   (docs/adr/0016-two-person-confirmation.md).
 * - Implausible dates of bank records and workers are refused naming row and field.
 * - A live system cannot be swept past its own now, on any sweep route; a manual clock can.
 *
 * The inspection decides as of the sweeps' instant: swept to Monday 2026-10-12 (Shanghai), 30
 * working days later is Monday 2026-11-23, 31 is 11-24, the default 10 is 10-26.
 */
let t: TestSystem;
const NO_PRESSURE = { maxEventLoopDelayMs: 0 };
const P = { plain: 'PZH-DEC-001', critical: 'PZH-DEC-002' };
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
const justify = async (projectId: string, caseId: string) => {
  const pm = t.api.as(t.key('project-manager', { projectIds: [projectId] }));
  const res = await pm.post(`/v1/cases/${caseId}/justifications`, { text: '业主工程款延迟拨付' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.justificationId as string;
};

beforeAll(async () => {
  // A sweep a year ahead blocks the event loop for a while: the pressure bound (tested in
  // limits.security.int.test.ts) would answer the next request 503, which is not this file's point.
  t = await startTestSystem({ embedded: { protection: NO_PRESSURE } });
  await registerProject(t, 1, { projectId: P.plain, district: '西区', sector: 'water' });
  await registerProject(t, 2, { projectId: P.critical, district: '东区', sector: 'housing' });
  await t.settle();
  await publishFinding(
    t,
    { findingId: 'F-DEC-1', projectId: P.plain, responsible: contractorOf(1) },
    '2026-09-30T09:00:00+08:00',
  );
  // Two periods unpaid: critical at once.
  for (const [n, period, dueDate] of [
    [2, '2026-08', '2026-09-29'],
    [3, '2026-09', '2026-10-09'],
  ] as const)
    await publishFinding(
      t,
      { findingId: `F-DEC-${n}`, projectId: P.critical, responsible: contractorOf(2), period, dueDate },
      '2026-10-10T09:00:00+08:00',
    );
  await inspectionSweep(t, '2026-10-12T12:00:00+08:00');
  ids.plain = (await caseOf(P.plain)).caseId;
  ids.critical = (await caseOf(P.critical)).caseId;
});
afterAll(async () => {
  await t?.close();
});

describe('a justification pause is bounded', () => {
  it('9999-12-31 and 31 working days are 400 on pauseUntil naming the latest date, nothing stored; 30 working days pause the ladder', async () => {
    const j = await justify(P.plain, ids.plain);
    const west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    const decide = (pauseUntil: string) =>
      west.post(`/v1/cases/${ids.plain}/justifications/${j}/decision`, {
        decision: 'accepted',
        reason: '核实业主拨款凭证',
        pauseUntil,
      });
    const forever = await decide('9999-12-31');
    expect(forever.status, JSON.stringify(forever.body)).toBe(400);
    expect(forever.body.detail).toContain('beyond the holiday calendar');
    expect(forever.body.errors).toEqual([expect.objectContaining({ field: 'pauseUntil' })]);
    const tooLong = await decide('2026-11-24');
    expect(tooLong.status, JSON.stringify(tooLong.body)).toBe(400);
    expect(tooLong.body.detail).toContain('the latest allowed date is 2026-11-23');
    expect(tooLong.body.errors).toEqual([{ field: 'pauseUntil', message: 'at most 2026-11-23' }]);
    expect((await detailOf(ids.plain)).justifications).toEqual([
      expect.objectContaining({ justificationId: j, decision: null, pausedUntil: null }),
    ]);
    expect(await caseOf(P.plain)).toMatchObject({ pausedUntil: null });

    const ok = await decide('2026-11-23');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ pausedUntil: '2026-11-23' });
    expect(ok.body.justifications).toEqual([
      expect.objectContaining({ decision: 'accepted', pausedUntil: '2026-11-23', proposal: null }),
    ]);
  });
});

describe('a critical case is not paused by one inspector', () => {
  let j = '';
  let first: ApiClient;
  let firstKey = '';
  beforeAll(async () => {
    expect(await caseOf(P.critical)).toMatchObject({ level: 'critical', pausedUntil: null });
    j = await justify(P.critical, ids.critical);
    firstKey = t.key('inspector', { districts: ['东区'] });
    first = t.api.as(firstKey);
  });

  it('one inspector’s acceptance is recorded as awaiting confirmation: the ladder is not paused', async () => {
    const res = await first.post(`/v1/cases/${ids.critical}/justifications/${j}/decision`, {
      decision: 'accepted',
      reason: '已见业主拨款计划',
      pauseUntil: '2026-10-26',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ level: 'critical', pausedUntil: null });
    const proposer = res.body.history.at(-1).actor;
    expect(res.body.history.at(-1)).toMatchObject({ action: 'justification-proposed' });
    expect(res.body.justifications).toEqual([
      expect.objectContaining({
        justificationId: j,
        decision: 'awaiting-confirmation',
        decidedBy: null,
        pausedUntil: null,
        proposal: {
          proposedBy: proposer,
          proposedAt: expect.any(String),
          reason: '已见业主拨款计划',
          pauseUntil: '2026-10-26',
        },
      }),
    ]);
    // The pending proposal is on the case detail, and it cannot be decided again.
    expect((await detailOf(ids.critical)).justifications[0]).toMatchObject({
      decision: 'awaiting-confirmation',
    });
    const again = await first.post(`/v1/cases/${ids.critical}/justifications/${j}/decision`, {
      decision: 'accepted',
      reason: 'again',
    });
    expect(again.status).toBe(409);
  });

  it('the same inspector confirming their own proposal is 403, and nothing changes', async () => {
    for (const confirm of [true, false]) {
      const res = await first.post(`/v1/cases/${ids.critical}/justifications/${j}/confirmation`, {
        confirm,
        reason: '我确认',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body).toMatchObject({ status: 403, type: 'urn:wagewatch:problem:forbidden' });
    }
    expect((await detailOf(ids.critical)).justifications[0]).toMatchObject({
      decision: 'awaiting-confirmation',
      decidedBy: null,
    });
  });

  it('an inspector without the case in scope cannot confirm (403); a second inspector of the district confirms: paused, both persons on record', async () => {
    const outsider = t.api.as(t.key('inspector', { districts: ['西区'] }));
    const denied = await outsider.post(`/v1/cases/${ids.critical}/justifications/${j}/confirmation`, {
      confirm: true,
      reason: '确认',
    });
    expect(denied.status).toBe(403);
    const second = t.api.as(t.key('inspector', { districts: ['东区'] }));
    const res = await second.post(`/v1/cases/${ids.critical}/justifications/${j}/confirmation`, {
      confirm: true,
      reason: '复核同意',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ pausedUntil: '2026-10-26' });
    const [jv] = res.body.justifications;
    expect(jv).toMatchObject({ decision: 'accepted', reason: '复核同意', pausedUntil: '2026-10-26' });
    expect(jv.decidedBy).not.toBe(jv.proposal.proposedBy);
    const actions = res.body.history
      .filter((h: { action: string }) => h.action.startsWith('justification-'))
      .map((h: { action: string; actor: string }) => [h.action, h.actor]);
    expect(actions).toEqual([
      ['justification-submitted', expect.any(String)],
      ['justification-proposed', jv.proposal.proposedBy],
      ['justification-confirmed', jv.decidedBy],
    ]);
    expect(res.body.history.at(-1).note).toContain(`proposed by ${jv.proposal.proposedBy}`);
  });

  it('an admin (the district lead) may answer a proposal: declined, it is rejected and the pause stays as it was', async () => {
    const next = await justify(P.critical, ids.critical);
    const proposed = await first.post(`/v1/cases/${ids.critical}/justifications/${next}/decision`, {
      decision: 'accepted',
      reason: '再延期',
      pauseUntil: '2026-11-23',
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    expect(proposed.body).toMatchObject({ pausedUntil: '2026-10-26' });
    const declined = await t.admin.post(`/v1/cases/${ids.critical}/justifications/${next}/confirmation`, {
      confirm: false,
      reason: '不同意再延期',
    });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect(declined.body).toMatchObject({ pausedUntil: '2026-10-26' });
    expect(
      declined.body.justifications.find((x: { justificationId: string }) => x.justificationId === next),
    ).toMatchObject({
      decision: 'rejected',
      reason: '不同意再延期',
      pausedUntil: null,
      proposal: { reason: '再延期', pauseUntil: '2026-11-23' },
    });
    expect(declined.body.history.at(-1)).toMatchObject({ action: 'justification-declined' });
  });
});

describe('implausible dates are refused naming row and field, storing nothing', () => {
  it('bookedAt in 0001, 2099 or two days after now: 400 on row 2 bookedAt; enrolledOn 9999-12-31: 400', async () => {
    const project = await registerProject(t, 4, { projectId: 'PZH-DEC-004', district: '西区' });
    const bank = t.api.as(t.key('bank', { bankCode: project.bankCode }));
    const twoDaysAhead = new Date(TEST_NOW.getTime() + 2 * 24 * 3600 * 1000).toISOString();
    for (const bookedAt of ['0001-01-01T00:00:00+08:00', '2099-12-31T12:00:00+08:00', twoDaysAhead]) {
      const res = await bank.post('/v1/bank/transfers?atomic=true', {
        records: [
          transfer({
            bankRef: 'DEC-OK-1',
            accountNo: project.accountNo,
            bookedAt: '2026-11-28T10:00:00+08:00',
          }),
          transfer({ bankRef: `DEC-BAD-${bookedAt.slice(0, 4)}`, accountNo: project.accountNo, bookedAt }),
        ],
      });
      expect(res.status, `${bookedAt}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ row: 2, field: 'bookedAt' })]);
    }
    expect(
      await count(t, "SELECT count(*) AS n FROM ingest.bank_transfers WHERE bank_ref LIKE 'DEC-%'"),
    ).toBe(0);
    // Within a day of now (a bank's clock a little ahead) is still accepted.
    const soon = new Date(TEST_NOW.getTime() + 12 * 3600 * 1000).toISOString();
    const ok = await bank.post('/v1/bank/transfers', {
      records: [transfer({ bankRef: 'DEC-SOON', accountNo: project.accountNo, bookedAt: soon })],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ accepted: 1, rejected: [] });

    const deposits = await bank.post('/v1/bank/deposits', {
      records: [
        {
          bankRef: 'DEC-DEP-1',
          projectId: project.projectId,
          kind: 'lodged',
          occurredAt: twoDaysAhead,
          amount: '1000.00',
        },
      ],
    });
    expect(deposits.status, JSON.stringify(deposits.body)).toBe(400);
    expect(deposits.body.errors).toEqual([expect.objectContaining({ row: 1, field: 'occurredAt' })]);

    const pm = t.api.as(t.key('project-manager', { projectIds: [project.projectId] }));
    const worker = await pm.post(`/v1/projects/${project.projectId}/workers`, {
      workers: [workerBody(41, { enrolledOn: '9999-12-31' })],
    });
    expect(worker.status).toBe(400);
    expect(worker.body.errors).toEqual([expect.objectContaining({ row: 1, field: 'enrolledOn' })]);
  });
});

describe('a live system cannot be swept past its own now', () => {
  let live: LiveTestSystem;
  const apps: HttpApp[] = [];
  beforeAll(async () => {
    live = await startLiveTestSystem({ embedded: { protection: NO_PRESSURE } });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await live?.close();
  });

  /**
   * The sweep routes of the distributed ingest and deposits processes (the embedded system does
   * not mount them: its one sweep moves every service), served over HTTP like those processes do.
   */
  const distributedSweeps = async (
    on: Pick<TestSystem, 'db' | 'apiKeys' | 'key'>,
    clock: Clock,
    deposits: FastifyPluginAsync,
  ) => {
    const app = await buildHttpApp({
      logger: createLogger({ level: 'silent' }),
      apiKeys: on.apiKeys,
      metrics: createMetrics(),
      protection: NO_PRESSURE,
      plugins: [ingestClockRoutes({ db: on.db, clock }), deposits],
    });
    apps.push(app);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return new ApiClient(address, on.key('admin'));
  };

  it('asOf a year ahead is 400 on asOf on every sweep route; now is accepted', async () => {
    const ahead = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    const distributed = await distributedSweeps(live, live.clock, live.system.deposits.adminRoutes);
    for (const [api, path] of [
      [live.admin, '/v1/admin/sweep'],
      [live.admin, '/v1/admin/inspection/sweep'],
      [distributed, '/v1/admin/deposits/sweep'],
      [distributed, '/v1/admin/ingest/sweep'],
    ] as const) {
      const res = await api.post(path, { asOf: ahead });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.errors, path).toEqual([{ field: 'asOf', message: 'in the future of a live system' }]);
    }
    for (const [api, path] of [
      [live.admin, '/v1/admin/sweep'],
      [live.admin, '/v1/admin/inspection/sweep'],
      [distributed, '/v1/admin/deposits/sweep'],
    ] as const) {
      const res = await api.post(path, { asOf: new Date().toISOString() });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    // On the system clock ingest has no clock to move: asOf now is a state conflict, not a mistake.
    const now = await distributed.post('/v1/admin/ingest/sweep', { asOf: new Date().toISOString() });
    expect(now.status, JSON.stringify(now.body)).toBe(409);
  });

  it('a manual clock (a test’s, a replay’s) may still be swept ahead', async () => {
    const ahead = new Date(TEST_NOW.getTime() + 365 * 24 * 3600 * 1000).toISOString();
    // The ingest route on a replay clock (what WAGEWATCH_CLOCK=manual gives the ingest process).
    const replay = await distributedSweeps(t, new ReplayClock(TEST_NOW), t.system.deposits.adminRoutes);
    for (const [api, path] of [
      [t.admin, '/v1/admin/sweep'],
      [t.admin, '/v1/admin/inspection/sweep'],
      [replay, '/v1/admin/deposits/sweep'],
      [replay, '/v1/admin/ingest/sweep'],
    ] as const) {
      const res = await api.post(path, { asOf: ahead });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });
});
