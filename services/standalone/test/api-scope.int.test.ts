import { DEFAULT_PATROL_POLICY } from '@wagewatch/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  lineBody,
  registerProject,
  residentId,
  transfer,
  wageAccount,
  workerBody,
} from './api-helpers.ts';
import { type ApiClient, startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

/*
 * Scope answers (issue 10 §3): out of scope is 403 on every route. The routes are walked from the
 * OpenAPI document the system serves, so a route added later is covered without editing this file:
 * every parameterised route, asked by a caller whose key does not cover the thing named, answers
 * 403 — not 404, not an empty 200. A list stays 200 filtered to the scope, but a filter naming a
 * district (inspector) or a project (project manager) outside the scope is 403.
 *
 * Two projects: A in 东区 with its wage account at ICBC, B in 西区 at CCB. The callers out of B's
 * scope: an inspector of 东区, A's project manager, ICBC (A's bank). B has a case with a task and
 * a justification, and a quarterly-screening report (2026-Q3, run on 2026-10-05).
 */

type Schema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
};
type Operation = {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content?: { 'application/json'?: { schema?: Schema } } };
};
type OpenApi = { paths: Record<string, Record<string, Operation>> };

/** A valid body for each parameterised write, so the scope check and not validation answers. */
const BODIES: Record<string, unknown> = {
  'POST /v1/projects/{projectId}/workers': { workers: [workerBody(7)] },
  'POST /v1/projects/{projectId}/payrolls': { period: '2026-10', lines: [lineBody(7)] },
  'POST /v1/cases/{caseId}/justifications': { text: 'the owner paid the labour cost late' },
  'POST /v1/cases/{caseId}/justifications/{justificationId}/decision': { decision: 'rejected', reason: 'no' },
  'POST /v1/cases/{caseId}/justifications/{justificationId}/confirmation': { confirm: false, reason: 'no' },
  'POST /v1/tasks/{taskId}/assign': { inspector: 'someone' },
  'POST /v1/tasks/{taskId}/progress': {},
  'POST /v1/tasks/{taskId}/resolve': { note: 'done' },
  'POST /v1/tasks/{taskId}/close': { note: 'done' },
  'POST /v1/tasks/{taskId}/notes': { note: 'a note' },
  'POST /v1/clues/{clueId}/route': { projectId: 'PZH-API-002' },
  'POST /v1/clues/{clueId}/answers': { outcome: 'in-progress', text: '已电话回访' },
  'POST /v1/patrols/{patrolId}/visit': {},
  'POST /v1/patrols/{patrolId}/resolve': { note: 'corrected' },
  'POST /v1/patrols/{patrolId}/assign': { assignee: 'someone' },
  'POST /v1/admin/api-keys': { role: 'admin' },
  'POST /v1/admin/webhooks': { url: 'http://127.0.0.1:9/x', secret: 'sixteen-characters', events: ['*'] },
};

/** A value the schema accepts, for a route this file has no body or id for (added later). */
function sample(schema: Schema | undefined, name = ''): unknown {
  if (!schema) return {};
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [k, v] of Object.entries(schema.properties ?? {})) if (required.has(k)) o[k] = sample(v, k);
      return o;
    }
    case 'array':
      return schema.minItems ? [sample(schema.items)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema.format === 'date-time') return '2026-11-29T10:00:00+08:00';
      if (schema.format === 'date' || /date|on$/i.test(name)) return '2026-10-15';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}

describe.each(['pglite', 'postgres'] as const)('out of scope is 403 on every route (%s)', (kind) => {
  let t: TestSystem;
  let doc: OpenApi;
  let A: { projectId: string };
  let B: { projectId: string };
  const ids: Record<string, string> = {};
  const callers: Record<string, ApiClient> = {};

  beforeAll(async () => {
    // Its webhook points at 127.0.0.1 (nothing listens): admitted by the allow-list.
    t = await startTestSystem({
      kind,
      webhookTargets: { allowHttp: true, allowHosts: ['127.0.0.1'] },
      // B's one registered worker is enough for its contractor's patrol (GET /v1/patrols/{patrolId}).
      embedded: { patrols: { ...DEFAULT_PATROL_POLICY, minWorkers: 1 } },
    });
    A = await registerProject(t, 1, { district: '东区', startDate: '2026-09-01' });
    B = await registerProject(t, 2, {
      district: '西区',
      startDate: '2026-09-01',
      wageAccount: { bankCode: 'CCB-PZH', accountNo: wageAccount(2) },
    });
    await t.settle();
    await inspectionSweep(t, '2026-10-05T10:00:00+08:00'); // the 2026-Q3 screening, one report per district
    await publishFinding(
      t,
      { findingId: 'F-SCOPE-B', projectId: B.projectId, responsible: contractorOf(2), dueDate: '2026-09-15' },
      '2026-10-06T09:00:00+08:00',
    );
    await inspectionSweep(t, '2026-11-29T10:00:00+08:00'); // every rung due: the case gets its task
    const [bCase] = (await t.admin.get(`/v1/projects/${B.projectId}/cases`)).body.cases;
    ids.caseId = bCase.caseId;
    ids.taskId = (await t.admin.get(`/v1/tasks?caseId=${bCase.caseId}`)).body.tasks[0].taskId;
    ids.reportId = (await t.admin.get('/v1/campaigns/reports?district=西区')).body.reports[0].reportId;
    const pmB = t.api.as(t.key('project-manager', { projectIds: [B.projectId] }));
    // A worker and a payroll sheet of B's: the things its payroll export names exist.
    await pmB.post(`/v1/projects/${B.projectId}/workers`, { workers: [workerBody(21)] });
    const sheet = await pmB.post(`/v1/projects/${B.projectId}/payrolls`, {
      period: '2026-09',
      lines: [lineBody(21)],
    });
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(201);
    await t.settle();
    // The sweep after a registration draws the patrol plan: B's contractor's visit in 西区.
    await inspectionSweep(t, '2026-11-29T10:00:00+08:00');
    ids.patrolId = (await t.admin.get('/v1/patrols?district=西区')).body.patrols[0].patrolId;
    const j = await pmB.post(`/v1/cases/${bCase.caseId}/justifications`, { text: 'the owner paid late' });
    expect(j.status, JSON.stringify(j.body)).toBe(201);
    ids.justificationId = j.body.justificationId;
    const hook = await t.admin.post('/v1/admin/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      secret: 'a-secret-of-sixteen-chars',
      events: ['*'],
    });
    ids.webhookId = hook.body.webhookId;
    ids.projectId = B.projectId;
    // A bank record of B's, named as a finding's evidence names it (GET /v1/evidence/{ref}).
    const ccb = t.api.as(t.key('bank', { bankCode: 'CCB-PZH' }));
    const moved = await ccb.post('/v1/bank/transfers', {
      records: [
        transfer({ bankRef: 'SCOPE-B-1', accountNo: wageAccount(2), bookedAt: '2026-10-10T10:00:00+08:00' }),
      ],
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    // The finding it raises is attached to B's case asynchronously: settle before the walk
    // compares the case's history (on a loaded machine it arrived during the walk).
    await t.settle();
    // An order to correct on B's case (GET /v1/orders/{orderId} and its page, PDF, acknowledgement).
    const order = await t.admin.post(`/v1/cases/${bCase.caseId}/orders`, { kind: 'correction' });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    ids.orderId = order.body.orderId;
    // A worker's report of unpaid wages on a site in 西区 the bureau has not registered (GET
    // /v1/clues/{clueId}, its routing and its answers): 西区's inspectors', nobody else's.
    const clue = await t.api.post('/public/clues', {
      projectName: '滨江花园工地',
      district: '西区',
      months: ['2026-09'],
      amount: '3000',
      phone: '13812345678',
      name: '赵六',
      idNumber: residentId(22),
    });
    expect(clue.status, JSON.stringify(clue.body)).toBe(201);
    ids.clueId = (await t.admin.get('/v1/clues?district=西区')).body.clues[0].clueId;
    ids.ref = 'bank-transfer:CCB-PZH:SCOPE-B-1';
    ids.period = '2026-09';
    callers['inspector of 东区'] = t.api.as(t.key('inspector', { districts: ['东区'] }));
    callers["A's project manager"] = t.api.as(t.key('project-manager', { projectIds: [A.projectId] }));
    callers['ICBC (A’s bank)'] = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    doc = (await t.api.get('/docs/json')).body as OpenApi;
  }, 180_000);
  afterAll(() => t?.close());

  /** Every operation of the document under /v1 (the /public notice board is public by design). */
  const operations = () =>
    Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  /** The path with B's ids, or for a parameter this file does not know, a value its schema accepts. */
  const fill = (path: string, op?: Operation) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const schema = op?.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema;
      return encodeURIComponent(ids[name] ?? String(sample(schema ?? { type: 'string' }, name)));
    });
  const bodyOf = (key: string, op: Operation) =>
    key in BODIES ? BODIES[key] : sample(op.requestBody?.content?.['application/json']?.schema);
  const send = (c: ApiClient, method: string, path: string, body?: unknown) =>
    c.request(method.toUpperCase(), path, method === 'get' || method === 'delete' ? undefined : (body ?? {}));

  it('the document lists the parameterised routes this test knows, and every one is walked', () => {
    const parameterised = operations().filter((o) => o.path.includes('{'));
    expect(parameterised.length).toBeGreaterThanOrEqual(16);
    expect(parameterised.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'GET /v1/projects/{projectId}',
        'GET /v1/projects/{projectId}/status',
        'GET /v1/projects/{projectId}/payments',
        'GET /v1/projects/{projectId}/deposit',
        'GET /v1/projects/{projectId}/cases',
        'GET /v1/cases/{caseId}',
        'GET /v1/tasks/{taskId}',
        'GET /v1/campaigns/reports/{reportId}',
        'GET /v1/admin/webhooks/{webhookId}/deliveries',
        'GET /v1/evidence/{ref}',
        'GET /v1/orders/{orderId}',
        'GET /v1/orders/{orderId}/pdf',
        'GET /v1/clues/{clueId}',
        'GET /v1/patrols/{patrolId}',
        ...Object.keys(BODIES).filter((k) => k.includes('{')),
      ]),
    );
  });

  it('in scope, each parameterised read answers 200 (the things named exist)', async () => {
    for (const { path, method } of operations()) {
      if (method !== 'get' || !path.includes('{')) continue;
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      if (
        !names.every((n) =>
          [
            'projectId',
            'caseId',
            'taskId',
            'reportId',
            'webhookId',
            'ref',
            'orderId',
            'clueId',
            'patrolId',
          ].includes(n),
        )
      )
        continue;
      const res = await t.admin.get(fill(path));
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it('out of scope, each parameterised route answers 403 to every caller, and changes nothing', async () => {
    const before = await t.admin.get(`/v1/cases/${ids.caseId}`);
    const misses: string[] = [];
    for (const { path, method, op } of operations()) {
      if (!path.includes('{')) continue;
      const key = `${method.toUpperCase()} ${path}`;
      for (const [who, c] of Object.entries(callers)) {
        const res = await send(c, method, fill(path, op), bodyOf(key, op));
        if (res.status !== 403) misses.push(`${key} as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
        else expectProblem(res, 403);
      }
    }
    expect(misses).toEqual([]);
    const after = await t.admin.get(`/v1/cases/${ids.caseId}`);
    expect(after.body.history).toEqual(before.body.history);
    expect(after.body.tasks).toEqual(before.body.tasks);
  });

  it('a list filtered by another district (inspector) or another project (project manager) is 403', async () => {
    const misses: string[] = [];
    for (const { path, method, op } of operations()) {
      if (method !== 'get' || path.includes('{') || path.endsWith('/stream')) continue;
      const query = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      const asks: [string, ApiClient, string][] = [];
      if (query.has('district'))
        asks.push(['inspector of 东区', callers['inspector of 东区']!, 'district=西区']);
      if (query.has('projectId'))
        asks.push(["A's project manager", callers["A's project manager"]!, `projectId=${B.projectId}`]);
      for (const [who, c, q] of asks) {
        const res = await c.get(`${path}?${q}`);
        // A list a role may not read at all is 403 too.
        if (res.status !== 403) misses.push(`GET ${path}?${q} as ${who}: ${res.status}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('a list without a filter stays 200, cut to the scope', async () => {
    const east = callers['inspector of 东区']!;
    const cases = await east.get('/v1/cases');
    expect(cases.status).toBe(200);
    expect(cases.body.cases.every((c: { routing: { team: string } }) => c.routing.team === '东区')).toBe(
      true,
    );
    const findings = await east.get('/v1/findings');
    expect(findings.status).toBe(200);
    expect(findings.body.findings.some((f: { projectId: string }) => f.projectId === B.projectId)).toBe(
      false,
    );
    const reports = await east.get('/v1/campaigns/reports');
    expect(reports.status).toBe(200);
    expect(reports.body.reports.map((r: { district: string }) => r.district)).toEqual(['东区']); // The alert stream is the inspectors': a project manager or a bank is refused before it opens.
    expectProblem(await callers["A's project manager"]!.get('/v1/alerts/stream'), 403);
    expectProblem(await callers['ICBC (A’s bank)']!.get('/v1/alerts/stream'), 403);
  });

  it('admin routes are the admin’s: every other caller 403', async () => {
    const misses: string[] = [];
    for (const { path, method, op } of operations()) {
      if (!path.startsWith('/v1/admin/')) continue;
      const key = `${method.toUpperCase()} ${path}`;
      for (const [who, c] of Object.entries(callers)) {
        const res = await send(c, method, fill(path, op), bodyOf(key, op));
        if (res.status !== 403) misses.push(`${key} as ${who}: ${res.status}`);
      }
    }
    expect(misses).toEqual([]);
  });
});
