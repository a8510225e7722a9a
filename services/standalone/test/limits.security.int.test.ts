import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, registerProject } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * Issue 11 "request limits" and "headers from @fastify/helmet on every page": rate limits per
 * key, per address and on failed authentications answer 429 with Retry-After; a stalled event
 * loop answers 503 with Retry-After; every page carries helmet's headers.
 */

const LIMITS = {
  keyRequestsPerWindow: 8,
  addressRequestsPerWindow: 5,
  authFailuresPerWindow: 3,
  windowMs: 60_000,
  maxEventLoopDelayMs: 0,
};

const get = (t: TestSystem, path: string, key?: string) =>
  fetch(`${t.api.baseUrl}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

async function statuses(n: number, request: () => Promise<Response>): Promise<Response[]> {
  const out: Response[] = [];
  for (let i = 0; i < n; i++) out.push(await request());
  return out;
}

async function expectLimited(res: Response, what: string) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = (await res.json()) as { detail: string };
  expect(body).toMatchObject({ type: 'urn:wagewatch:problem:rate-limited', status: 429 });
  expect(body.detail).toContain(what);
}

describe('rate limits (low configured limits)', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({ kind: 'pglite', embedded: { protection: LIMITS } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('limits one key to its requests per window, whatever else the address sends', async () => {
    const key = t.key('inspector', { districts: 'all' });
    const res = await statuses(9, () => get(t, '/v1/findings', key));
    expect(res.slice(0, 8).map((r) => r.status)).toEqual(Array(8).fill(200));
    await expectLimited(res[8]!, 'requests with this key');
    // Another key from the same address has its own budget.
    expect((await get(t, '/v1/findings', t.key('inspector', { districts: 'all' }))).status).toBe(200);
  });

  it('limits requests without a key per address (public pages, /docs)', async () => {
    const res = await statuses(6, () => get(t, '/public/projects/NONE/notice'));
    expect(res.slice(0, 5).map((r) => r.status)).toEqual(Array(5).fill(404));
    await expectLimited(res[5]!, 'requests from this address');
    // Liveness is never limited.
    expect((await get(t, '/health')).status).toBe(200);
  });
});

describe('failed authentications (low configured limit)', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({
      kind: 'pglite',
      embedded: { protection: { ...LIMITS, addressRequestsPerWindow: 1000 } },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an address after its failed authentications, even with a fresh guess each time', async () => {
    const guesses = await statuses(3, () => get(t, '/v1/findings', `ww_guess${Math.random()}.x`));
    expect(guesses.map((r) => r.status)).toEqual([401, 401, 401]);
    await expectLimited(await get(t, '/v1/findings', 'ww_another.guess'), 'failed authentications');
    // A valid key from that address is refused too until the window passes: the address is the one guessing.
    await expectLimited(await get(t, '/v1/findings', t.key('admin')), 'failed authentications');
  });
});

describe('under pressure', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({
      kind: 'pglite',
      embedded: { protection: { maxEventLoopDelayMs: 200, pressureRetryAfterSeconds: 7 } },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 with Retry-After after the event loop stalled, instead of queueing work', async () => {
    // Stall this process's event loop (the server shares it) for 1.5 s.
    const until = performance.now() + 1500;
    while (performance.now() < until) {}
    const res = await t.admin.get('/v1/findings');
    expectProblem(res, 503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body.type).toBe('urn:wagewatch:problem:under-pressure');
  });
});

describe('helmet headers on every page', () => {
  let t: TestSystem;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestSystem({ kind: 'pglite' });
    ({ projectId } = await registerProject(t, 1, { startDate: '2026-01-01', permitDate: '2025-12-01' }));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  // helmet's policy everywhere, except the notice page, which keeps its own stricter one
  // (no script at all, inline styles only: ledger public-notice.ts).
  const HELMET_CSP = ["default-src 'self'", "script-src 'self'", "frame-ancestors 'self'"];
  it.each([
    ['the API', '/v1/findings', 'admin', HELMET_CSP],
    ['a refused API request', '/v1/findings', 'none', HELMET_CSP],
    ['the Swagger UI', '/docs/', 'none', HELMET_CSP],
    ['the OpenAPI document', '/docs/json', 'none', HELMET_CSP],
    ['the public notice page', '/public/projects/:id/notice.html', 'none', ["default-src 'none'"]],
    ['the public notice JSON', '/public/projects/:id/notice', 'none', HELMET_CSP],
    ['/health', '/health', 'none', HELMET_CSP],
  ])('%s (%s)', async (_what, path, who, policy) => {
    const res = await get(t, path.replace(':id', projectId), who === 'admin' ? t.key('admin') : undefined);
    expect(res.status).toBeLessThan(500);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of policy) expect(csp).toContain(directive);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
