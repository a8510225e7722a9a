import { parseEvidenceRef } from '@wagewatch/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineBody, registerProject, residentId, transfer, wageAccount, workerBody } from './api-helpers.ts';
import { card } from './fixtures.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * One project paying on the 15th: wages for 2026-10 are due 2026-11-15, a Sunday, so on Friday
 * 2026-11-13. Worker 1 is paid that day, worker 2 is not, until a late payment on 2026-11-18.
 */
let t: TestSystem;
let p: { projectId: string; accountNo: string };
let other: { projectId: string; accountNo: string };
let sweepBody: {
  asOf: string;
  raised: { findingId: string; projectId: string; rule: string }[];
  resolved: unknown[];
};
const paid = residentId(1);
const unpaid = residentId(2);
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;

const statement = (
  date: string,
  debits: { count: number; total: string },
  closing: string,
  credits = { count: 0, total: '0.00' },
) => ({
  accountNo: p.accountNo,
  date,
  openingBalance: '100000.00',
  closingBalance: closing,
  debitCount: debits.count,
  debitTotal: debits.total,
  creditCount: credits.count,
  creditTotal: credits.total,
});

beforeAll(async () => {
  t = await startTestSystem();
  p = await registerProject(t, 1, {
    payDay: 15,
    payMonthOffset: 1,
    permitDate: '2026-09-01',
    startDate: '2026-10-01',
  });
  other = await registerProject(t, 2, {
    district: '西区',
    startDate: '2026-11-01',
    wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(2) },
  });
  // Both deposits lodged in time (issue 5, rules 10-13), so only the wage rules speak here;
  // p's at 3 % = 2 % + 50 %, what its contractor owes once in arrears.
  const deposits = await t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' })).post('/v1/bank/deposits', {
    records: [
      {
        bankRef: 'READ-DEP-1',
        projectId: p.projectId,
        kind: 'lodged',
        occurredAt: '2026-07-01T10:00:00+08:00',
        amount: '360000.00',
      },
      {
        bankRef: 'READ-DEP-2',
        projectId: other.projectId,
        kind: 'lodged',
        occurredAt: '2026-07-01T10:00:00+08:00',
        amount: '240000.00',
      },
    ],
  });
  expect(deposits.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
  const pm = t.api.as(t.key('project-manager', { projectIds: [p.projectId] }));
  const w = await pm.post(`/v1/projects/${p.projectId}/workers`, {
    workers: [workerBody(1, { name: '王建国' }), workerBody(2, { name: '李秀英' })],
  });
  expect(w.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
  const sheet = await pm.post(`/v1/projects/${p.projectId}/payrolls`, {
    period: '2026-10',
    lines: [
      lineBody(1, { name: '王建国', amountDue: '5200.00' }),
      lineBody(2, { name: '李秀英', amountDue: '4800.00' }),
    ],
  });
  expect(sheet.status).toBe(201);
  const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
  const tr = await bank.post('/v1/bank/transfers', {
    records: [
      transfer({
        bankRef: 'READ-1',
        accountNo: p.accountNo,
        amount: '5200.00',
        counterpartyAccountNo: card(1),
        counterpartyName: '王建国',
        counterpartyIdNumber: paid,
        bookedAt: '2026-11-13T10:30:00+08:00',
      }),
      // The owner's monthly labour-cost allocation (rule 7 is satisfied from here on).
      transfer({
        bankRef: 'READ-0',
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
  const s = await bank.post(
    '/v1/bank/statements',
    statement('2026-11-13', { count: 1, total: '5200.00' }, '114800.00', { count: 1, total: '20000.00' }),
  );
  expect(s.body).toEqual({ status: 'accepted' });
  await t.settle();
  const sweep = await t.admin.post('/v1/admin/sweep', { asOf: '2026-11-16T09:00:00+08:00' });
  expect(sweep.status, JSON.stringify(sweep.body)).toBe(200);
  sweepBody = sweep.body;
  await t.settle();
});
afterAll(async () => {
  await t?.close();
});

describe('findings through the API', () => {
  it('the sweep lists the wages-missed finding it raised', () => {
    expect(sweepBody.asOf).toBe('2026-11-16T01:00:00.000Z');
    expect(sweepBody.raised).toEqual([
      expect.objectContaining({
        projectId: p.projectId,
        rule: 'wages-missed',
        findingId: expect.any(String),
      }),
    ]);
    expect(sweepBody.resolved).toEqual([]);
  });

  it('GET /v1/findings returns exactly one wages-missed for the unpaid worker, masked', async () => {
    const res = await t.admin.get(`/v1/findings?projectId=${p.projectId}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    const [f] = res.body.findings;
    expect(f).toMatchObject({
      findingId: sweepBody.raised[0]?.findingId,
      rule: 'wages-missed',
      status: 'open',
      projectId: p.projectId,
      period: '2026-10',
      dueDate: '2026-11-13',
      amountOwed: '4800.00',
      amountPaid: '0.00',
      worker: { idNumberMasked: masked(unpaid), name: expect.any(String) },
      legalBasis: expect.stringContaining('724'),
      raisedAt: expect.any(String),
    });
    expect(f.worker.idNumberMasked).toBe(`${unpaid.slice(0, 6)}********${unpaid.slice(-4)}`);
    expect(f.resolvedAt).toBeUndefined();
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(unpaid);
    expect(text).not.toContain(paid);
    expect(text).not.toContain(card(2));
    // The evidence names the records that prove it, as an inspector can look them up: the payroll
    // sheet and its version (packages/domain evidence.ts), the one ingest published.
    const refs = (f.evidence as string[]).map(parseEvidenceRef);
    expect(refs).toEqual([{ kind: 'payroll-sheet', sheetId: expect.any(String), version: 1 }]);
    const [sheetRef] = refs;
    const sheets = await t.db.query<{ sheet_id: string; version: number }>(
      `SELECT envelope->'data'->>'sheetId' AS sheet_id, (envelope->'data'->>'version')::int AS version
       FROM ingest.outbox WHERE type = 'payroll.submitted'`,
    );
    expect(sheets).toContainEqual({
      sheet_id: sheetRef?.kind === 'payroll-sheet' ? sheetRef.sheetId : '',
      version: 1,
    });
  });

  it('filters by projectId, rule, status and period', async () => {
    const q = async (query: string) => (await t.admin.get(`/v1/findings?${query}`)).body.total as number;
    expect(await q(`projectId=${p.projectId}&rule=wages-missed`)).toBe(1);
    expect(await q(`projectId=${p.projectId}&rule=wages-late`)).toBe(0);
    expect(await q(`projectId=${p.projectId}&status=open`)).toBe(1);
    expect(await q(`projectId=${p.projectId}&status=resolved`)).toBe(0);
    expect(await q(`projectId=${p.projectId}&period=2026-10`)).toBe(1);
    expect(await q(`projectId=${p.projectId}&period=2026-09`)).toBe(0);
    expect(await q(`projectId=${other.projectId}`)).toBe(0);
    expect(await q('rule=wages-missed&status=open&period=2026-10')).toBe(1);
    // Bad filter values are refused, not ignored.
    for (const bad of ['rule=wages-forgotten', 'status=closed', 'period=2026-13']) {
      const res = await t.admin.get(`/v1/findings?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('a project manager sees only their own projects', async () => {
    const own = await t.api.as(t.key('project-manager', { projectIds: [p.projectId] })).get('/v1/findings');
    expect(own.body.total).toBe(1);
    expect(own.body.findings[0].projectId).toBe(p.projectId);
    const notOwn = await t.api
      .as(t.key('project-manager', { projectIds: [other.projectId] }))
      .get('/v1/findings');
    expect(notOwn.status).toBe(200);
    expect(notOwn.body).toEqual({ total: 0, findings: [] });
    const westInspector = await t.api.as(t.key('inspector', { districts: ['西区'] })).get('/v1/findings');
    expect(westInspector.body.total).toBe(0);
    const eastInspector = await t.api.as(t.key('inspector', { districts: ['东区'] })).get('/v1/findings');
    expect(eastInspector.body.total).toBe(1);
  });

  it('GET /v1/projects/:id/status gives open findings by rule, the amount owed and the last statement date', async () => {
    const res = await t.api
      .as(t.key('project-manager', { projectIds: [p.projectId] }))
      .get(`/v1/projects/${p.projectId}/status`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      projectId: p.projectId,
      district: '东区',
      openFindings: { 'wages-missed': 1 },
      openFindingsTotal: 1,
      amountOwed: '4800.00',
      workersOwed: 1,
      lastStatementDate: '2026-11-13',
    });
    expect(res.body.openFindings).toEqual({ 'wages-missed': 1 });
    const unknown = await t.admin.get('/v1/projects/NO-SUCH/status');
    expect(unknown.status).toBe(404);
  });

  it('a late payment resolves wages-missed and leaves wages-late on record', async () => {
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const tr = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'READ-2',
          accountNo: p.accountNo,
          amount: '4800.00',
          counterpartyAccountNo: card(2),
          counterpartyName: '李秀英',
          counterpartyIdNumber: unpaid,
          bookedAt: '2026-11-18T11:00:00+08:00',
        }),
      ],
    });
    expect(tr.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    await t.settle();
    const missed = await t.admin.get(`/v1/findings?projectId=${p.projectId}&rule=wages-missed`);
    expect(missed.body.total).toBe(1);
    expect(missed.body.findings[0]).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    const late = await t.admin.get(`/v1/findings?projectId=${p.projectId}&rule=wages-late`);
    expect(late.body.total).toBe(1);
    expect(late.body.findings[0]).toMatchObject({
      rule: 'wages-late',
      status: 'resolved',
      period: '2026-10',
      dueDate: '2026-11-13',
      worker: { idNumberMasked: masked(unpaid) },
    });
    expect(JSON.stringify(late.body)).not.toContain(unpaid);
    const status = await t.admin.get(`/v1/projects/${p.projectId}/status`);
    expect(status.body).toMatchObject({ openFindingsTotal: 0, amountOwed: '0.00', workersOwed: 0 });
    expect(status.body.openFindings).toEqual({});
    // A later sweep neither re-raises nor changes anything.
    const again = await t.admin.post('/v1/admin/sweep', { asOf: '2026-11-19T09:00:00+08:00' });
    expect(again.status).toBe(200);
    expect(again.body.raised.filter((r: { rule: string }) => r.rule.startsWith('wages-'))).toEqual([]);
    await t.settle();
    const open = await t.admin.get(`/v1/findings?projectId=${p.projectId}&status=open&rule=wages-missed`);
    expect(open.body.total).toBe(0);
  });
});

describe('service endpoints', () => {
  it('/docs/json is an OpenAPI document listing every /v1 path', async () => {
    const res = await t.api.get('/docs/json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/v1/admin/api-keys',
      '/v1/projects',
      '/v1/projects/{projectId}/workers',
      '/v1/projects/{projectId}/payrolls',
      '/v1/bank/transfers',
      '/v1/bank/statements',
      '/v1/findings',
      '/v1/projects/{projectId}/status',
      '/v1/admin/sweep',
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(res.body.paths['/v1/findings'].get).toBeDefined();
    expect(res.body.paths['/v1/bank/transfers'].post).toBeDefined();
    const html = await fetch(`${t.api.baseUrl}/docs`, { redirect: 'follow' });
    expect(html.status).toBe(200);
  });

  it('the admin sweeps take no body however it is sent (curl -X POST, -H content-type, -d {})', async () => {
    const ways: [string, RequestInit][] = [
      ['no body, no content-type', {}],
      ['application/json, no body', { headers: { 'content-type': 'application/json' } }],
      [
        "curl -d '{}' (a form body)",
        { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{}' },
      ],
    ];
    for (const path of ['/v1/admin/sweep', '/v1/admin/inspection/sweep']) {
      for (const [way, init] of ways) {
        const res = await fetch(`${t.api.baseUrl}${path}`, {
          ...init,
          method: 'POST',
          headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${t.admin.key}` },
        });
        const body = (await res.json()) as { asOf: string };
        expect(res.status, `${path}, ${way}: ${JSON.stringify(body)}`).toBe(200);
        expect(body.asOf, `${path}, ${way}`).toBe(t.clock.now().toISOString());
      }
    }
    // Only JSON is read from a form body; an empty JSON body with a required schema is still 400.
    const form = await fetch(`${t.api.baseUrl}/v1/admin/sweep`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${t.admin.key}`,
      },
      body: 'asOf=2026-11-29',
    });
    expect(form.status).toBe(415);
    const empty = await fetch(`${t.api.baseUrl}/v1/admin/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.admin.key}` },
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { type: string }).type).toBe('urn:wagewatch:problem:validation-failed');
  });

  it('/health answers 200 without a key', async () => {
    const res = await t.api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/metrics exposes request durations and the outbox backlog', async () => {
    const res = await fetch(`${t.api.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('wagewatch_http_request_duration_seconds');
    expect(text).toMatch(/wagewatch_http_request_duration_seconds_count\{[^}]*route="\/v1\/findings"/);
    expect(text).toContain('wagewatch_outbox_backlog');
  });
});

describe('logs', () => {
  it('mask personal data: no raw ID number or account number appears', async () => {
    // Also a rejected request that carries personal data in its body.
    await t.api
      .as(t.key('project-manager', { projectIds: [p.projectId] }))
      .post(`/v1/projects/${p.projectId}/workers`, { workers: [workerBody(3, { enrolledOn: 'never' })] });
    const logs = t.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      paid,
      unpaid,
      residentId(3),
      card(1),
      card(2),
      card(3),
      p.accountNo,
      other.accountNo,
    ]) {
      expect(logs, secret).not.toContain(secret);
    }
  });
});
