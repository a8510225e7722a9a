import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject, residentId, workerBody } from './api-helpers.ts';
import { card } from './fixtures.ts';
import { PERSONAL_DATA, startTestSystem, type TestSystem } from './harness.ts';

/**
 * Issue 11 "Personal data": nothing a log line says names a worker. A database error carries
 * the failed statement's values (PGlite: `params`, every ID, name and card of the batch;
 * PostgreSQL: `detail`, "Key (…)=(…) already exists"); pino wrote them as they were. Request
 * logs say method, route pattern, status and duration, never a URL or its query string.
 */

/** An 18-character resident ID, or a run of 16 or more digits (a card or account number). */
const PERSONAL = PERSONAL_DATA;

const parse = (lines: string[]) =>
  lines.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l));

describe.each(['pglite', 'postgres'] as const)('logs hold no personal data (%s)', (kind) => {
  let t: TestSystem;
  let a: { projectId: string };
  let b: { projectId: string };
  beforeAll(async () => {
    t = await startTestSystem({ kind });
    a = await registerProject(t, 1);
    b = await registerProject(t, 2);
    await t.settle(); // the ledger knows the projects (their status route answers)
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a database error with workers in its parameters is logged masked, its values dropped', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [a.projectId, b.projectId] }));
    const workers = [1, 2, 3, 4, 5].map((n) => workerBody(n, { name: `张${'三四五六七'[n - 1]}丰` }));
    expect((await pm.post(`/v1/projects/${a.projectId}/workers`, { workers })).status).toBe(200);
    // A constraint the schema does not have makes the next batch fail inside the database, with
    // every worker's ID, name and card among the statement's parameters.
    await t.db.query('CREATE UNIQUE INDEX security_test_one_card ON ingest.workers (account_no)');
    const res = await pm.post(`/v1/projects/${b.projectId}/workers`, { workers });
    expect(res.status).toBe(500);
    await t.db.query('DROP INDEX ingest.security_test_one_card');

    const records = parse(t.logs);
    const failed = records.find((r) => r.msg === 'unexpected error');
    expect(failed, 'the 500 was logged').toBeDefined();
    expect(failed.err.code).toBe('23505');
    expect(failed.err.constraint ?? failed.err.message).toContain('security_test_one_card');
    for (const key of ['params', 'detail', 'queryOptions']) expect(failed.err).not.toHaveProperty(key);
    const text = t.logs.join('');
    for (const w of workers) {
      expect(text).not.toContain(w.idNumber);
      expect(text).not.toContain(w.accountNo);
      expect(text).not.toContain(w.name);
    }
  });

  it('an ID or card in a path, a query string or an error message is never logged in clear', async () => {
    const admin = t.admin;
    await admin.get(`/v1/findings?projectId=${residentId(7)}&district=${card(7)}`);
    await admin.get(`/v1/evidence/${encodeURIComponent(`bank-transfer:ICBC-PZH:${card(8)}`)}`);
    await admin.get(`/v1/no-such-route/${residentId(9)}?card=${card(9)}`);
    const text = t.logs.join('');
    for (const n of [7, 8, 9]) {
      expect(text).not.toContain(residentId(n));
      expect(text).not.toContain(card(n));
    }
  });

  it('request logs say method, route pattern, status and duration, and no URL', async () => {
    const pid = a.projectId;
    const before = t.logs.length;
    expect((await t.admin.get(`/v1/projects/${pid}/status?x=${residentId(11)}`)).status).toBe(200);
    await t.admin.get(`/v1/unknown/${residentId(12)}`);
    const lines = parse(t.logs.slice(before)).filter((r) => r.msg === 'request completed');
    const status = lines.find((r) => r.route === '/v1/projects/:projectId/status');
    expect(status).toMatchObject({ method: 'GET', status: 200, reqId: expect.any(String) });
    expect(status.durationMs).toBeGreaterThanOrEqual(0);
    expect(lines.find((r) => r.status === 404)).toMatchObject({ method: 'GET', route: 'unmatched' });
    for (const r of lines) {
      expect(r).not.toHaveProperty('req');
      expect(r).not.toHaveProperty('res');
      expect(r).not.toHaveProperty('url');
      expect(JSON.stringify(r)).not.toContain(pid);
    }
  });

  it('the whole log of the run holds no 18-character ID and no 16+ digit number', () => {
    const text = t.logs.join('');
    expect(text.length).toBeGreaterThan(0);
    const hit = t.logs.find((l) => PERSONAL.test(l));
    expect(hit, hit).toBeUndefined();
  });
});
