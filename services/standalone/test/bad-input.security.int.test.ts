import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, lineBody, registerProject, transfer, workerBody } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * Issue 11 "Bad input that still gets a 500": NUL characters, lone surrogates, amounts beyond
 * 64 bits and an absolute-form request target each used to answer 500 with a stack trace in the
 * log. Every route of the served OpenAPI document is walked with them, as an admin and without a
 * key: no answer is a 5xx, every answer is a problem body, and the log holds no stack.
 */

type OpenApiParameter = { in: string; name: string; required?: boolean };
type OpenApiSchema = {
  type?: string | string[];
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  enum?: unknown[];
  pattern?: string;
};
type OpenApiOperation = {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
};
type Route = { method: string; path: string; op: OpenApiOperation };

const NUL = '\u0000';
const LONE = '\ud800';
const HUGE = '123456789012345678901234567890'; // 30 digits: far beyond 64 bits

/** A body shaped by the route's schema, with `text` in every string field. */
function sampleBody(schema: OpenApiSchema | undefined, text: (field: string) => string, field = ''): unknown {
  if (!schema) return {};
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length) return sampleBody(alt.find((s) => s.type !== 'null') ?? alt[0], text, field);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (schema.properties || type === 'object') {
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sampleBody(s, text, k)]),
    );
  }
  if (type === 'array') return [sampleBody(schema.items, text, field)];
  if (type === 'integer' || type === 'number') return Number(HUGE);
  if (type === 'boolean') return true;
  if (schema.enum?.length) return schema.enum[0];
  return text(field);
}

/** Raw HTTP/1.1 over a socket, so the request line is exactly what is written. */
function rawRequest(port: number, head: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, text: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(head);
  });
}

/** Log lines that carry a stack trace (pino writes an error's stack as `"stack"`). */
const stackLines = (logs: string[]) => logs.filter((l) => /"stack"\s*:|\n\s+at /.test(l));

describe.each(['pglite', 'postgres'] as const)('bad input is a 4xx problem, never a 500 (%s)', (kind) => {
  let t: TestSystem;
  let routes: Route[];
  let port: number;
  let project: { projectId: string; accountNo: string };

  beforeAll(async () => {
    // The walk sends hundreds of requests without a key: each a failed authentication, which the
    // rate limiter would answer 429 after 100 (limits.security.int.test.ts covers that limit).
    t = await startTestSystem({
      kind,
      embedded: { protection: { authFailuresPerWindow: 100_000, addressRequestsPerWindow: 100_000 } },
    });
    port = Number(new URL(t.api.baseUrl).port);
    project = await registerProject(t, 1);
    const doc = await t.api.get<{ paths: Record<string, Record<string, OpenApiOperation>> }>('/docs/json');
    expect(doc.status).toBe(200);
    routes = Object.entries(doc.body.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  /** Sends one probe; fails on a 5xx or an answer that is not a problem body. */
  async function probe(
    key: string | undefined,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${t.api.baseUrl}${url}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    const what = `${method} ${url} ${key ? 'with a key' : 'without a key'} → ${res.status} ${text.slice(0, 300)}`;
    expect(res.status, what).toBeGreaterThanOrEqual(400);
    expect(res.status, what).toBeLessThan(500);
    expect(res.headers.get('content-type') ?? '', what).toContain('application/problem+json');
    const parsed = JSON.parse(text);
    expect(parsed, what).toMatchObject({
      status: res.status,
      type: expect.any(String),
      detail: expect.any(String),
    });
    return { status: res.status, body: parsed };
  }

  it('walks every route of /docs/json with NUL in each path and query parameter and in every body text field, a lone surrogate and a 30-digit number, as admin and without a key', async () => {
    expect(routes.length).toBeGreaterThan(30);
    const before = t.logs.length;
    let probes = 0;
    for (const key of [t.key('admin'), undefined]) {
      for (const { method, path, op } of routes) {
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        const fill = (nulIn?: string) =>
          path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
            name === nulIn
              ? encodeURIComponent(`x${NUL}`)
              : name === 'id' || name === 'projectId'
                ? project.projectId
                : 'x',
          );
        // NUL in each path parameter (and, for routes without any, in an unknown query parameter).
        for (const name of pathParams) {
          await probe(key, method, fill(name));
          probes++;
        }
        await probe(key, method, `${fill()}?probe=%00`);
        probes++;
        // NUL in each query parameter, the others absent.
        for (const name of queryParams) {
          await probe(key, method, `${fill()}?${name}=${encodeURIComponent(`2026${NUL}`)}`);
          probes++;
        }
        const schema = op.requestBody?.content?.['application/json']?.schema;
        if (schema) {
          for (const text of [
            () => `名${LONE}`,
            () => `x${NUL}`,
            (field: string) => (/amount|balance|total|value/i.test(field) ? HUGE : `名${LONE}`),
          ]) {
            await probe(key, method, fill(), sampleBody(schema, text));
            probes++;
          }
        }
      }
    }
    expect(probes).toBeGreaterThan(200);
    const logs = t.logs.slice(before);
    expect(stackLines(logs)).toEqual([]);
    expect(logs.filter((l) => /"level":50/.test(l))).toEqual([]);
    // Each refusal is one info line without a stack.
    expect(logs.some((l) => l.includes('"request refused"') && l.includes('"level":30'))).toBe(true);
  }, 600_000);

  it('GET /public/projects/%00/notice (no key) is a 400 naming the projectId', async () => {
    for (const url of ['/public/projects/%00/notice', '/public/projects/%00/notice.html']) {
      const res = await probe(undefined, 'GET', url);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { field: 'params.projectId', message: expect.stringContaining('NUL') },
      ]);
    }
  });

  it('a NUL in a worker team or a lone surrogate in a name is a 400 naming row and field; nothing is stored', async () => {
    const pm = t.key('project-manager', { projectIds: [project.projectId] });
    const nul = await probe(pm, 'POST', `/v1/projects/${project.projectId}/workers`, {
      workers: [workerBody(2, { team: `一班${NUL}` })],
    });
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual([{ row: 1, field: 'team', message: expect.stringContaining('NUL') }]);
    const lone = await probe(pm, 'POST', `/v1/projects/${project.projectId}/workers`, {
      workers: [workerBody(4, { name: `张${LONE}三` })],
    });
    expect(lone.body.errors).toEqual([
      { row: 1, field: 'name', message: expect.stringContaining('surrogate') },
    ]);
    const lines = await probe(pm, 'POST', `/v1/projects/${project.projectId}/payrolls?atomic=true`, {
      period: '2026-10',
      lines: [lineBody(1), lineBody(2, { name: `李${LONE}` })],
    });
    expect(lines.status).toBe(400);
    expect(lines.body.errors).toEqual([
      { row: 2, field: 'name', message: expect.stringContaining('surrogate') },
    ]);
    // A text field outside any row: the guard names it.
    const reason = await probe(pm, 'POST', `/v1/projects/${project.projectId}/payrolls`, {
      period: '2026-10',
      reason: `更正${NUL}`,
      lines: [lineBody(1)],
    });
    expect(reason.body.errors).toEqual([{ field: 'body.reason', message: expect.stringContaining('NUL') }]);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.workers')).toBe(0);
  });

  it('amounts beyond 64 bits are a 400 naming the field', async () => {
    const bank = t.key('bank', { bankCode: 'ICBC-PZH' });
    const pm = t.key('project-manager', { projectIds: [project.projectId] });
    const tr = await probe(bank, 'POST', '/v1/bank/transfers', {
      records: [transfer({ bankRef: 'HUGE-1', accountNo: project.accountNo, amount: `${HUGE}.00` })],
    });
    expect(tr.status).toBe(400);
    expect(JSON.stringify(tr.body)).toContain('amount');
    const sheet = await probe(pm, 'POST', `/v1/projects/${project.projectId}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1, { amountDue: HUGE })],
    });
    expect(sheet.body.errors).toEqual([expect.objectContaining({ row: 1, field: 'amountDue' })]);
    const days = await probe(pm, 'POST', `/v1/projects/${project.projectId}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1, { daysWorked: Number(HUGE) })],
    });
    expect(days.body.errors).toEqual([expect.objectContaining({ row: 1, field: 'daysWorked' })]);
    const findings = await probe(t.key('admin'), 'GET', `/v1/findings?limit=${HUGE}&offset=${HUGE}`);
    expect(findings.status).toBe(400);
  });

  it('an absolute-form request target is routed by its path: 401 without a key, 200 with one', async () => {
    const target = `http://127.0.0.1:${port}/v1/findings`;
    const noKey = await rawRequest(
      port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    expect(noKey.status, noKey.text).toBe(401);
    expect(JSON.parse(noKey.text)).toMatchObject({ status: 401, type: 'urn:wagewatch:problem:unauthorized' });
    const withKey = await rawRequest(
      port,
      `GET ${target}?limit=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${t.key('admin')}\r\nConnection: close\r\n\r\n`,
    );
    expect(withKey.status, withKey.text).toBe(200);
    const publicNul = await rawRequest(
      port,
      `GET http://127.0.0.1:${port}/public/projects/%00/notice HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(publicNul.status, publicNul.text).toBe(400);
  });

  it('implausible dates are refused by the intake contract, naming row and field, storing nothing', async () => {
    const bank = t.key('bank', { bankCode: 'ICBC-PZH' });
    const pm = t.key('project-manager', { projectIds: [project.projectId] });
    for (const bookedAt of [
      '0001-01-01T00:00:00+08:00',
      '2100-01-01T00:00:00+08:00',
      '9999-12-31T00:00:00Z',
    ]) {
      const res = await probe(bank, 'POST', '/v1/bank/transfers', {
        records: [
          transfer({ bankRef: `DATE-${bookedAt.slice(0, 4)}`, accountNo: project.accountNo, bookedAt }),
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ row: 1, field: 'bookedAt' })]);
    }
    const worker = await probe(pm, 'POST', `/v1/projects/${project.projectId}/workers`, {
      workers: [workerBody(9, { enrolledOn: '9999-12-31' })],
    });
    expect(worker.body.errors).toEqual([expect.objectContaining({ row: 1, field: 'enrolledOn' })]);
    expect(
      await count(t, "SELECT count(*) AS n FROM ingest.bank_transfers WHERE bank_ref LIKE 'DATE-%'"),
    ).toBe(0);
  });

  it('the log of every refused request above holds no stack trace', () => {
    expect(stackLines(t.logs)).toEqual([]);
  });
});
