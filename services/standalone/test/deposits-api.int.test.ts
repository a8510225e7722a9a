import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, expectProblem, registerProject, rowsAndFields, wageAccount } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * POST /v1/bank/deposits (row rules, idempotency, atomic, bank scope) and
 * GET /v1/projects/:id/deposit (reasons, holdings, role scopes). The clock stands at
 * 2026-11-29 10:00 in Shanghai; every event here happened before it.
 */
let t: TestSystem;
let big: { projectId: string }; // 东区, ¥12,000,000, ICBC-PZH
let small: { projectId: string }; // 西区, ¥2,000,000, ICBC-PZH
let ccb: { projectId: string }; // 东区, held at CCB-PZH
let icbc: ReturnType<TestSystem['api']['as']>;

const at = '2026-11-20T10:00:00+08:00';
const lodged = (bankRef: string, projectId: string, amount = '1000.00') => ({
  bankRef,
  projectId,
  kind: 'lodged',
  occurredAt: at,
  amount,
});
const stored = (bankRef: string) =>
  count(t, 'SELECT count(*) AS n FROM ingest.deposit_events WHERE bank_ref = $1', [bankRef]);

beforeAll(async () => {
  t = await startTestSystem();
  big = await registerProject(t, 41, { permitDate: '2026-09-01' });
  small = await registerProject(t, 42, { district: '西区', contractValue: '2000000.00' });
  ccb = await registerProject(t, 43, {
    wageAccount: { bankCode: 'CCB-PZH', accountNo: wageAccount(43) },
  });
  icbc = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
});
afterAll(async () => {
  await t?.close();
});

describe('POST /v1/bank/deposits', () => {
  it('stores a lodging and a guarantee, and acknowledges a repeated bankRef as a duplicate, stored once', async () => {
    const first = await icbc.post('/v1/bank/deposits', {
      records: [
        lodged('DEP-1', big.projectId, '100000.00'),
        lodged('DEP-1', big.projectId, '100000.00'),
        {
          bankRef: 'DEP-2',
          projectId: big.projectId,
          kind: 'guarantee-issued',
          occurredAt: at,
          amount: '140000.00',
          guaranteeNo: 'BH-2026-001',
          validFrom: '2026-11-20',
          validTo: '2027-11-19',
          issuer: '工商银行攀枝花分行',
        },
      ],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    const again = await icbc.post('/v1/bank/deposits', {
      records: [lodged('DEP-1', big.projectId, '999.00')],
    });
    expect(again.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect(await stored('DEP-1')).toBe(1);
    await t.settle();
    const view = await t.admin.get(`/v1/projects/${big.projectId}/deposit`);
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    // The guarantee is below the required ¥240,000 and ends before the contract (2027-12-31):
    // it covers nothing, and the cash alone is held (DOMAIN.md: at least the required amount).
    expect(view.body.held).toEqual({
      cash: '100000.00',
      guarantees: [
        {
          guaranteeNo: 'BH-2026-001',
          amount: '140000.00',
          validFrom: '2026-11-20',
          validTo: '2027-11-19',
          issuer: '工商银行攀枝花分行',
          status: 'valid',
          counts: false,
          reason:
            '¥140,000.00, less than the required ¥240,000.00; valid 2026-11-20..2027-11-19, ends before the contract term (planned end 2027-12-31)',
        },
      ],
      total: '100000.00',
    });
    expect(view.body.shortfall).toBe('140000.00');
    expect(view.body.nextExpiry).toBe('2027-11-19');
  });

  it('rejects each bad row by row and field and keeps the good one', async () => {
    const p = big.projectId;
    const res = await icbc.post('/v1/bank/deposits', {
      records: [
        { bankRef: 'BAD-1', projectId: p, kind: 'deposited', occurredAt: at, amount: '1.00' },
        { bankRef: 'BAD-2', projectId: p, kind: 'lodged', occurredAt: at },
        { bankRef: 'BAD-3', projectId: p, kind: 'drawn', occurredAt: at, amount: '0.00', noticeRef: 'N-1' },
        { bankRef: 'BAD-4', projectId: p, kind: 'topped-up', occurredAt: at, amount: '-5.00' },
        {
          bankRef: 'BAD-5',
          projectId: p,
          kind: 'guarantee-issued',
          occurredAt: at,
          amount: '1.00',
          validFrom: '2026-11-20',
          validTo: '2027-11-19',
        },
        {
          bankRef: 'BAD-6',
          projectId: p,
          kind: 'guarantee-issued',
          occurredAt: at,
          amount: '1.00',
          guaranteeNo: 'BH-X',
          validFrom: '2027-11-19',
          validTo: '2026-11-20',
        },
        { bankRef: 'BAD-7', projectId: p, kind: 'drawn', occurredAt: at, amount: '10.00' },
        { bankRef: 'BAD-8', projectId: p, kind: 'lodged', occurredAt: '2026-11-20T10:00:00', amount: '1.00' },
        lodged('BAD-9', 'PZH-NO-SUCH-PROJECT'),
        { bankRef: 'BAD-10', projectId: p, kind: 'guarantee-cancelled', occurredAt: at },
        { bankRef: 'BAD-11', projectId: p, kind: 'refunded', occurredAt: at },
        lodged('GOOD-12', p, '1.00'),
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(rowsAndFields(res.body.rejected)).toEqual([
      { row: 1, field: 'kind' },
      { row: 2, field: 'amount' },
      { row: 3, field: 'amount' },
      { row: 4, field: 'amount' },
      { row: 5, field: 'guaranteeNo' },
      { row: 6, field: 'validTo' },
      { row: 7, field: 'noticeRef' },
      { row: 8, field: 'occurredAt' },
      { row: 9, field: 'projectId' },
      { row: 10, field: 'guaranteeNo' },
      { row: 11, field: 'amount' },
    ]);
    expect(await stored('GOOD-12')).toBe(1);
    expect(
      await count(t, "SELECT count(*) AS n FROM ingest.deposit_events WHERE bank_ref LIKE 'BAD-%'"),
    ).toBe(0);
  });

  it('with ?atomic=true stores nothing when one row is bad, and everything when all are good', async () => {
    const bad = await icbc.post('/v1/bank/deposits?atomic=true', {
      records: [lodged('ATOM-1', big.projectId), lodged('ATOM-2', 'PZH-NO-SUCH-PROJECT')],
    });
    expectProblem(bad, 400);
    expect(rowsAndFields(bad.body.errors)).toEqual([{ row: 2, field: 'projectId' }]);
    expect(await stored('ATOM-1')).toBe(0);
    const good = await icbc.post('/v1/bank/deposits?atomic=true', {
      records: [lodged('ATOM-1', big.projectId), lodged('ATOM-2', small.projectId)],
    });
    expect(good.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
  });

  it('refuses a request whose every row is bad, and an empty list', async () => {
    expectProblem(
      await icbc.post('/v1/bank/deposits', { records: [lodged('NONE-1', 'PZH-NO-SUCH-PROJECT')] }),
      400,
    );
    expectProblem(await icbc.post('/v1/bank/deposits', { records: [] }), 400);
  });

  it("refuses with 403 a request naming another bank's project, storing none of its rows", async () => {
    const res = await icbc.post('/v1/bank/deposits', {
      records: [lodged('SCOPE-1', big.projectId), lodged('SCOPE-2', ccb.projectId)],
    });
    expectProblem(res, 403);
    expect(await stored('SCOPE-1')).toBe(0);
    expect(await stored('SCOPE-2')).toBe(0);
    const ccbBank = t.api.as(t.key('bank', { bankCode: 'CCB-PZH' }));
    const own = await ccbBank.post('/v1/bank/deposits', { records: [lodged('SCOPE-3', ccb.projectId)] });
    expect(own.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expectProblem(
      await ccbBank.post('/v1/bank/deposits', { records: [lodged('SCOPE-4', big.projectId)] }),
      403,
    );
  });

  it('is for banks only: 401 without a key, 403 for a project manager or an inspector', async () => {
    const body = { records: [lodged('ROLE-1', big.projectId)] };
    expectProblem(await t.api.post('/v1/bank/deposits', body), 401);
    const pm = t.api.as(t.key('project-manager', { projectIds: [big.projectId] }));
    expectProblem(await pm.post('/v1/bank/deposits', body), 403);
    const inspector = t.api.as(t.key('inspector', { districts: 'all' }));
    expectProblem(await inspector.post('/v1/bank/deposits', body), 403);
    expect(await stored('ROLE-1')).toBe(0);
  });
});

describe('GET /v1/projects/:projectId/deposit', () => {
  it('shows a normal contract at 2% of the contract value, with its reason', async () => {
    await t.settle();
    const res = await t.admin.get(`/v1/projects/${big.projectId}/deposit`);
    expect(res.status).toBe(200);
    expect(res.body.policy.id).toBe('national-default');
    expect(res.body.required).toEqual({
      amount: '240000.00',
      exempt: false,
      reasons: [
        {
          code: 'base-ratio',
          text: 'base 2% of ¥12,000,000.00 = ¥240,000.00',
          effect: '240000.00',
        },
      ],
    });
  });

  it('shows a small contract (¥2,000,000) of a contractor without arrears as exempt', async () => {
    const res = await t.admin.get(`/v1/projects/${small.projectId}/deposit`);
    expect(res.status).toBe(200);
    expect(res.body.required.amount).toBe('0.00');
    expect(res.body.required.exempt).toBe(true);
    expect(res.body.required.reasons).toEqual([
      {
        code: 'exempt-small-contract',
        text: expect.stringContaining('below ¥3,000,000.00'),
      },
    ]);
    expect(res.body.shortfall).toBe('0.00');
    expect(res.body.openFindings).toEqual([]);
  });

  it('is scoped: the PM of the project and an inspector of its district see it; others get 403; unknown is 404', async () => {
    const path = `/v1/projects/${big.projectId}/deposit`;
    const ownPm = t.api.as(t.key('project-manager', { projectIds: [big.projectId] }));
    expect((await ownPm.get(path)).status).toBe(200);
    const otherPm = t.api.as(t.key('project-manager', { projectIds: [small.projectId] }));
    expectProblem(await otherPm.get(path), 403);
    const east = t.api.as(t.key('inspector', { districts: ['东区'] }));
    expect((await east.get(path)).status).toBe(200);
    const west = t.api.as(t.key('inspector', { districts: ['西区'] }));
    expectProblem(await west.get(path), 403);
    expectProblem(await icbc.get(path), 403);
    expectProblem(await t.api.get(path), 401);
    expectProblem(await t.admin.get('/v1/projects/PZH-NO-SUCH-PROJECT/deposit'), 404);
  });

  it('is described in the OpenAPI document, with the deposit intake', async () => {
    const res = await t.api.get('/docs/json');
    expect(res.status).toBe(200);
    const get = res.body.paths['/v1/projects/{projectId}/deposit']?.get;
    expect(get?.responses?.['200']?.content?.['application/json']?.schema?.properties).toHaveProperty(
      'shortfall',
    );
    expect(res.body.paths['/v1/bank/deposits']?.post).toBeDefined();
  });
});
