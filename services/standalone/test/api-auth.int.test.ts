import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  count,
  expectProblem,
  lineBody,
  registerProject,
  transfer,
  wageAccount,
  workerBody,
} from './api-helpers.ts';
import { projectBody } from './fixtures.ts';
import { BOOTSTRAP_ADMIN_KEY, startTestSystem, type TestSystem } from './harness.ts';

let t: TestSystem;
// 东区 project at ICBC, 西区 project at CCB.
let east: { projectId: string; accountNo: string };
let west: { projectId: string; accountNo: string };

const statement = (accountNo: string, date = '2026-11-13') => ({
  accountNo,
  date,
  openingBalance: '100000.00',
  closingBalance: '100000.00',
  debitCount: 0,
  debitTotal: '0.00',
  creditCount: 0,
  creditTotal: '0.00',
});

beforeAll(async () => {
  t = await startTestSystem();
  east = await registerProject(t, 1, {
    district: '东区',
    wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(1) },
  });
  west = await registerProject(t, 2, {
    district: '西区',
    wageAccount: { bankCode: 'CCB-PZH', accountNo: wageAccount(2) },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('authentication', () => {
  it('refuses a request without a key with 401 and an RFC 7807 body', async () => {
    const res = await t.api.get('/v1/findings');
    expectProblem(res, 401);
    expect(res.body.type).toBe('urn:wagewatch:problem:unauthorized');
    expect(res.body.title).toBe('Not authenticated');
    expect(res.body.detail).toMatch(/Bearer/);
  });

  it('refuses a malformed key with 401', async () => {
    for (const key of ['not-a-key', 'ww_', 'ww_abc', 'ww_abc.def.ghi', '']) {
      const res = await t.api.as(key).get('/v1/findings');
      expect(res.status, key).toBe(401);
      expect(res.body.type).toBe('urn:wagewatch:problem:unauthorized');
    }
    // A scheme other than Bearer is not accepted either.
    const basic = await fetch(`${t.api.baseUrl}/v1/findings`, {
      headers: { authorization: `Basic ${t.key('admin')}` },
    });
    expect(basic.status).toBe(401);
  });

  it('refuses a key whose payload or signature was tampered with, and stores nothing', async () => {
    const good = t.key('bank', { bankCode: 'CCB-PZH' });
    const [payload, sig] = good.slice(3).split('.') as [string, string];
    const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const badSig = `ww_${payload}.${flipped}`;
    // Raise the role to admin while keeping the old signature.
    const forged = Buffer.from(JSON.stringify({ role: 'admin', keyId: 'forged' })).toString('base64url');
    const forgedKey = `ww_${forged}.${sig}`;
    for (const key of [badSig, forgedKey]) {
      const res = await t.api.as(key).post(
        '/v1/projects',
        projectBody({
          projectId: 'PZH-FORGED',
          wageAccount: { bankCode: 'X', accountNo: wageAccount(99) },
        }),
      );
      expectProblem(res, 401);
    }
    expect(await count(t, `SELECT count(*) AS n FROM ingest.projects WHERE project_id = 'PZH-FORGED'`)).toBe(
      0,
    );
  });

  it('accepts the bootstrap admin key', async () => {
    const res = await t.api.as(BOOTSTRAP_ADMIN_KEY).get('/v1/findings');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: expect.any(Number), findings: expect.any(Array) });
    const issued = await t.api
      .as(BOOTSTRAP_ADMIN_KEY)
      .post('/v1/admin/api-keys', { role: 'inspector', scope: { districts: 'all' } });
    expect(issued.status).toBe(201);
    const [row] = await t.db.query<{ issued_by: string }>(
      'SELECT issued_by FROM auth.api_key WHERE key_id = $1',
      [issued.body.keyId],
    );
    expect(row?.issued_by).toBe('bootstrap');
  });

  it('answers an unknown route with a 404 problem body', async () => {
    const res = await t.admin.get('/v1/nothing-here');
    expectProblem(res, 404);
  });
});

describe('scopes: a bank', () => {
  it('may not post a transfer for an account held at another bank; the whole request is refused', async () => {
    const icbc = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const res = await icbc.post('/v1/bank/transfers', {
      records: [
        transfer({ bankRef: 'AUTH-OWN-1', accountNo: east.accountNo }),
        transfer({ bankRef: 'AUTH-FOREIGN-1', accountNo: west.accountNo }),
      ],
    });
    expectProblem(res, 403);
    expect(res.body.detail).toMatch(/row 2/);
    // The account number is not echoed in full.
    expect(JSON.stringify(res.body)).not.toContain(west.accountNo);
    expect(
      await count(t, `SELECT count(*) AS n FROM ingest.bank_transfers WHERE bank_ref LIKE 'AUTH-%'`),
    ).toBe(0);
    // Also with atomic=false explicitly: still refused.
    const again = await icbc.post('/v1/bank/transfers?atomic=false', {
      records: [transfer({ bankRef: 'AUTH-FOREIGN-2', accountNo: west.accountNo })],
    });
    expectProblem(again, 403);
    expect(await count(t, `SELECT count(*) AS n FROM ingest.bank_transfers`)).toBe(0);
  });

  it('is refused with 403 even when its row for the foreign account is also invalid', async () => {
    const icbc = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const res = await icbc.post('/v1/bank/transfers', {
      records: [
        transfer({ bankRef: 'AUTH-OWN-3', accountNo: east.accountNo }),
        transfer({ bankRef: 'AUTH-FOREIGN-3', accountNo: west.accountNo, amount: 'abc' }),
      ],
    });
    expectProblem(res, 403);
    expect(res.body.detail).toMatch(/row 2/);
    expect(await count(t, `SELECT count(*) AS n FROM ingest.bank_transfers`)).toBe(0);
  });

  it('may not post a statement for an account held at another bank', async () => {
    const icbc = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const res = await icbc.post('/v1/bank/statements', statement(west.accountNo));
    expectProblem(res, 403);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.bank_statements')).toBe(0);
  });

  it('may not read findings or a project status', async () => {
    const ccb = t.api.as(t.key('bank', { bankCode: 'CCB-PZH' }));
    expectProblem(await ccb.get('/v1/findings'), 403);
    expectProblem(await ccb.get(`/v1/findings?projectId=${west.projectId}`), 403);
    await t.settle();
    expectProblem(await ccb.get(`/v1/projects/${west.projectId}/status`), 403);
    expectProblem(await ccb.get('/v1/projects/NO-SUCH-PROJECT/status'), 403);
  });

  it('may not register workers or payroll', async () => {
    const icbc = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    expectProblem(
      await icbc.post(`/v1/projects/${east.projectId}/workers`, { workers: [workerBody(1)] }),
      403,
    );
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.workers')).toBe(0);
  });
});

describe('scopes: a project manager', () => {
  it('may not post workers or payroll for a project outside the key', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [east.projectId] }));
    const w = await pm.post(`/v1/projects/${west.projectId}/workers`, {
      workers: [workerBody(1), workerBody(2)],
    });
    expectProblem(w, 403);
    expect(w.body.detail).toContain(west.projectId);
    const p = await pm.post(`/v1/projects/${west.projectId}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1)],
    });
    expectProblem(p, 403);
    // Scope is checked before existence: an unknown project is refused the same way.
    expectProblem(await pm.post('/v1/projects/NOT-MINE/workers', { workers: [workerBody(1)] }), 403);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.workers')).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.payroll_sheets')).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.payroll_lines')).toBe(0);
  });

  it('may post for its own project', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [east.projectId] }));
    const w = await pm.post(`/v1/projects/${east.projectId}/workers`, { workers: [workerBody(1)] });
    expect(w.status).toBe(200);
    expect(w.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(
      await count(t, 'SELECT count(*) AS n FROM ingest.workers WHERE project_id = $1', [east.projectId]),
    ).toBe(1);
  });

  it('may not read findings or the status of another project', async () => {
    await t.settle();
    const pm = t.api.as(t.key('project-manager', { projectIds: [east.projectId] }));
    const other = await pm.get(`/v1/findings?projectId=${west.projectId}`);
    expectProblem(other, 403);
    expect(other.body.detail).toContain(west.projectId);
    const own = await pm.get(`/v1/findings?projectId=${east.projectId}`);
    expect(own.status).toBe(200);
    expectProblem(await pm.get(`/v1/projects/${west.projectId}/status`), 403);
    const status = await pm.get(`/v1/projects/${east.projectId}/status`);
    expect(status.status).toBe(200);
    expect(status.body.projectId).toBe(east.projectId);
  });

  it('may not post bank transfers', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [east.projectId] }));
    expectProblem(
      await pm.post('/v1/bank/transfers', {
        records: [transfer({ bankRef: 'PM-1', accountNo: east.accountNo })],
      }),
      403,
    );
    expectProblem(await pm.post('/v1/bank/statements', statement(east.accountNo)), 403);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.bank_transfers')).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.bank_statements')).toBe(0);
  });
});

describe('scopes: an inspector', () => {
  it('scoped to 东区 may not read 西区, by explicit district or by project', async () => {
    await t.settle();
    const inspector = t.api.as(t.key('inspector', { districts: ['东区'] }));
    const byDistrict = await inspector.get(`/v1/findings?district=${encodeURIComponent('西区')}`);
    expectProblem(byDistrict, 403);
    expect(byDistrict.body.detail).toContain('西区');
    expectProblem(await inspector.get(`/v1/projects/${west.projectId}/status`), 403);
    const own = await inspector.get(`/v1/projects/${east.projectId}/status`);
    expect(own.status).toBe(200);
    expect(own.body.district).toBe('东区');
    const ok = await inspector.get(`/v1/findings?district=${encodeURIComponent('东区')}`);
    expect(ok.status).toBe(200);
  });

  it('scoped to 东区 sees no 西区 finding through a projectId filter', async () => {
    // Give 西区 a finding: a payroll for 2026-10 with no payment, swept after the due date.
    const adminPm = t.admin;
    await adminPm.post(`/v1/projects/${west.projectId}/workers`, { workers: [workerBody(5)] });
    const sheet = await adminPm.post(`/v1/projects/${west.projectId}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(5)],
    });
    expect(sheet.status).toBe(201);
    const ccb = t.api.as(t.key('bank', { bankCode: 'CCB-PZH' }));
    for (const date of ['2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16']) {
      expect((await ccb.post('/v1/bank/statements', statement(west.accountNo, date))).status).toBe(200);
    }
    await t.settle();
    const sweep = await t.admin.post('/v1/admin/sweep', { asOf: '2026-11-17T09:00:00+08:00' });
    expect(sweep.status).toBe(200);
    await t.settle();
    const all = await t.api
      .as(t.key('inspector', { districts: 'all' }))
      .get(`/v1/findings?projectId=${west.projectId}`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThan(0);
    const inspector = t.api.as(t.key('inspector', { districts: ['东区'] }));
    const filtered = await inspector.get(`/v1/findings?projectId=${west.projectId}`);
    expect(filtered.status).toBe(200);
    expect(filtered.body).toEqual({ total: 0, findings: [] });
    const unfiltered = await inspector.get('/v1/findings');
    expect(unfiltered.body.findings.every((f: { projectId: string }) => f.projectId !== west.projectId)).toBe(
      true,
    );
    const westInspector = t.api.as(t.key('inspector', { districts: ['西区'] }));
    const theirs = await westInspector.get('/v1/findings');
    expect(theirs.body.total).toBe(all.body.total);
  });

  it('may not write anything', async () => {
    const inspector = t.api.as(t.key('inspector', { districts: 'all' }));
    expectProblem(
      await inspector.post(`/v1/projects/${east.projectId}/workers`, { workers: [workerBody(9)] }),
      403,
    );
    expectProblem(
      await inspector.post('/v1/bank/transfers', {
        records: [transfer({ bankRef: 'INS-1', accountNo: east.accountNo })],
      }),
      403,
    );
    expect(
      await count(t, 'SELECT count(*) AS n FROM ingest.workers WHERE id_number = $1', [
        workerBody(9).idNumber,
      ]),
    ).toBe(0);
  });
});

describe('admin-only operations', () => {
  it('a non-admin may not register a project, issue keys or run a sweep', async () => {
    const keys = [
      t.key('bank', { bankCode: 'ICBC-PZH' }),
      t.key('project-manager', { projectIds: [east.projectId] }),
      t.key('inspector', { districts: 'all' }),
    ];
    const before = await count(t, 'SELECT count(*) AS n FROM auth.api_key');
    for (const key of keys) {
      const client = t.api.as(key);
      const p = await client.post(
        '/v1/projects',
        projectBody({
          projectId: 'PZH-NOT-ADMIN',
          wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(50) },
        }),
      );
      expectProblem(p, 403);
      expect(p.body.detail).toMatch(/admin/);
      expectProblem(await client.post('/v1/admin/api-keys', { role: 'admin' }), 403);
      expectProblem(await client.post('/v1/admin/sweep', {}), 403);
    }
    expect(
      await count(t, `SELECT count(*) AS n FROM ingest.projects WHERE project_id = 'PZH-NOT-ADMIN'`),
    ).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM auth.api_key')).toBe(before);
  });
});

describe('POST /v1/admin/api-keys', () => {
  it('issues a working key for each role and records the issuance without the key', async () => {
    const cases = [
      { role: 'admin', scope: {} },
      { role: 'bank', scope: { bankCode: 'ICBC-PZH' } },
      { role: 'project-manager', scope: { projectIds: [east.projectId] } },
      { role: 'inspector', scope: { districts: ['东区'] } },
      { role: 'inspector', scope: { districts: 'all' } },
    ];
    for (const c of cases) {
      const res = await t.admin.post('/v1/admin/api-keys', c);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        role: c.role,
        key: expect.stringMatching(/^ww_/),
        keyId: expect.any(String),
      });
      const [row] = await t.db.query<{ role: string; scope: unknown }>(
        'SELECT role, scope FROM auth.api_key WHERE key_id = $1',
        [res.body.keyId],
      );
      expect(row?.role).toBe(c.role);
      expect(row?.scope).toEqual(c.scope);
      const stored = await t.db.query<{ t: string }>(
        'SELECT row_to_json(a)::text AS t FROM auth.api_key a WHERE key_id = $1',
        [res.body.keyId],
      );
      expect(stored[0]?.t).not.toContain(res.body.key.split('.')[1]);
    }
    // Each key works for its role.
    const [admin, bank, pm, inspector] = await Promise.all(
      cases.slice(0, 4).map(async (c) => (await t.admin.post('/v1/admin/api-keys', c)).body.key as string),
    );
    expect((await t.api.as(admin).get('/v1/findings')).status).toBe(200);
    expect((await t.api.as(bank).post('/v1/bank/statements', statement(east.accountNo))).status).toBe(200);
    expect((await t.api.as(pm).get(`/v1/findings?projectId=${east.projectId}`)).status).toBe(200);
    expect((await t.api.as(inspector).get('/v1/findings')).status).toBe(200);
  });

  it('validates the scope for the role', async () => {
    const before = await count(t, 'SELECT count(*) AS n FROM auth.api_key');
    const bad = [
      { role: 'bank', scope: {} },
      { role: 'bank' },
      { role: 'project-manager', scope: { projectIds: [] } },
      { role: 'inspector', scope: { districts: [] } },
      { role: 'inspector', scope: {} },
    ];
    for (const body of bad) {
      const res = await t.admin.post('/v1/admin/api-keys', body);
      expectProblem(res, 400);
      expect(res.body.errors, JSON.stringify(body)).toEqual([expect.objectContaining({ field: 'scope' })]);
    }
    const role = await t.admin.post('/v1/admin/api-keys', { role: 'superuser', scope: {} });
    expectProblem(role, 400);
    expect(role.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
    expect(await count(t, 'SELECT count(*) AS n FROM auth.api_key')).toBe(before);
  });
});
