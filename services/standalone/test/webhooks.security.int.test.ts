import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LookupAll, systemLookup } from '@wagewatch/inspection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import { publishFinding } from './inspection-helpers.ts';

/*
 * Issue 11, webhooks (server-side request forgery): the probe's URLs against the real HTTP server.
 * Registration refuses every non-public or non-https target (400 naming `url`, nothing stored);
 * delivery checks the resolved address again (DNS rebinding), never follows a redirect, and
 * reaches an internal receiver only when the allow-list names it.
 *
 * The resolver is injected: `receiver.bureau.test` (allow-listed by name) and the other test
 * names resolve only here, every other name through the system resolver (`localhost`).
 */
const RECEIVER = 'receiver.bureau.test';
const PUBLIC = '93.184.215.14'; // a public unicast address (never connected to: the names move first)
const names = new Map<string, string[]>([
  [RECEIVER, ['127.0.0.1']],
  ['intranet.example.com', ['10.20.30.40']],
  ['mixed.example.com', [PUBLIC, '192.168.1.5']],
  ['rebind.example.com', [PUBLIC]],
]);
const lookup: LookupAll = async (host) => {
  const a = names.get(host);
  return a ? a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })) : systemLookup(host);
};

type Hit = { headers: IncomingHttpHeaders; body: string };
/** A local HTTP receiver on 127.0.0.1; `answer` decides the response to each request. */
async function receiver(
  answer: (res: import('node:http').ServerResponse) => void = (r) => r.writeHead(204).end(),
) {
  const got: Hit[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { got, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const SECRET = 'webhook-secret-0123456789';
const NOW = '2026-11-02T10:00:00+08:00';
const P1 = 'PZH-API-001';
const owner = (n: number) => ({ kind: 'owner' as const, name: `业主S${n}`, code: `OWN-SSRF-${n}` });

/** The probe's URLs (issue 11) and a few neighbours, each with what the refusal must say. */
const REFUSED: [string, RegExp][] = [
  ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a linkLocal address/],
  ['http://localhost:22/', /localhost resolves to .*loopback/],
  ['http://[::1]/hook', /::1 is a loopback address/],
  ['http://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
  ['http://0.0.0.0/hook', /0\.0\.0\.0 is an unspecified address/],
  ['http://2130706433/hook', /127\.0\.0\.1 is a loopback address/],
  ['http://127.0.0.1:8080/hook', /127\.0\.0\.1 is a loopback address/],
  ['http://0x7f.1/hook', /127\.0\.0\.1 is a loopback address/],
  ['http://LOCALHOST./hook', /localhost resolves to .*loopback/],
  ['http://[::]/hook', /:: is an unspecified address/],
  ['http://[::ffff:127.0.0.1]/hook', /127\.0\.0\.1 is a loopback address/],
  ['http://[fd00::1]/hook', /fd00::1 is an? uniqueLocal address/],
  ['http://100.64.0.1/hook', /carrierGradeNat/],
  ['file:///etc/passwd', /scheme file: is not allowed/],
  ['gopher://127.0.0.1:6379/_INFO', /scheme gopher: is not allowed/],
  ['ftp://ftp.example.com/hook', /scheme ftp: is not allowed/],
  ['data:text/plain,hello', /scheme data: is not allowed/],
  ['javascript:alert(1)', /scheme javascript: is not allowed/],
  ['https://user:pass@hooks.example.com/hook', /credentials/],
  ['https://token@hooks.example.com/hook', /credentials/],
  [
    'http://intranet.example.com/hook',
    /intranet\.example\.com resolves to 10\.20\.30\.40: .* private address/,
  ],
  ['http://mixed.example.com/hook', /mixed\.example\.com resolves to 192\.168\.1\.5: .* private address/],
];

describe.each(['pglite', 'postgres'] as const)('webhooks: server-side request forgery (%s)', (kind) => {
  let t: TestSystem;
  const stored = async () =>
    Number((await t.db.query<{ n: bigint }>('SELECT count(*) AS n FROM inspection.webhooks'))[0]!.n);
  const deliveries = async (webhookId: string) =>
    (await t.admin.get(`/v1/admin/webhooks/${webhookId}/deliveries`)).body.deliveries as {
      status: string;
      attempts: number;
      eventType: string;
      log: { responseStatus: number | null; error: string | null }[];
    }[];

  beforeAll(async () => {
    t = await startTestSystem({
      kind,
      now: new Date(NOW),
      // http: is allowed here so that the address check, not the scheme, is what refuses.
      webhookTargets: { allowHttp: true, allowHosts: [RECEIVER], lookup },
    });
    await registerProject(t, 1);
    await t.settle();
  }, 120_000);
  afterAll(() => t?.close());

  it.each(REFUSED)(
    'refuses %s at registration: 400 naming url with the reason, nothing stored',
    async (url, reason) => {
      const before = await stored();
      const res = await t.admin.post('/v1/admin/webhooks', { url, secret: SECRET, events: ['*'] });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(reason) }]);
      expect(res.body.detail).toMatch(/^url: /);
      expect(await stored()).toBe(before);
    },
  );

  it('delivers to the receiver the allow-list names, signed, connecting to the address it checked', async () => {
    const r = await receiver();
    const url = `http://${RECEIVER}:${r.port}/hook`; // resolvable only through the injected resolver
    const hook = await t.admin.post('/v1/admin/webhooks', { url, secret: SECRET, events: ['case.opened'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    await publishFinding(t, { findingId: 'F-SSRF-1', projectId: P1, responsible: owner(1) }, NOW);
    await t.system.inspection.deliverWebhooks();
    expect(r.got).toHaveLength(1);
    const hit = r.got[0]!;
    const ts = String(hit.headers['x-wagewatch-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${hit.body}`).digest('hex')}`;
    expect(hit.headers['x-wagewatch-signature']).toBe(expected);
    expect(hit.headers.host).toBe(`${RECEIVER}:${r.port}`);
    expect(JSON.parse(hit.body)).toMatchObject({ type: 'case.opened', data: { projectId: P1 } });
    expect(await deliveries(hook.body.webhookId)).toMatchObject([{ status: 'delivered', attempts: 1 }]);
    await t.admin.request('DELETE', `/v1/admin/webhooks/${hook.body.webhookId}`);
    await r.close();
  });

  it('checks the resolved address again on delivery: a name rebound to 127.0.0.1 gets nothing, recorded as failed', async () => {
    const r = await receiver();
    names.set('rebind.example.com', [PUBLIC]);
    const hook = await t.admin.post('/v1/admin/webhooks', {
      url: `http://rebind.example.com:${r.port}/hook`,
      secret: SECRET,
      events: ['case.opened'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201); // public when registered
    names.set('rebind.example.com', ['127.0.0.1']); // the attacker's DNS answers differently now
    await publishFinding(t, { findingId: 'F-SSRF-2', projectId: P1, responsible: owner(2) }, NOW);
    await t.system.inspection.deliverWebhooks();
    t.clock.advance(3_600_000); // a refused target is not retried
    await t.system.inspection.deliverWebhooks();
    expect(r.got).toHaveLength(0);
    const [d] = await deliveries(hook.body.webhookId);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, eventType: 'case.opened' });
    expect(d!.log[0]!.responseStatus).toBeNull();
    expect(d!.log[0]!.error).toMatch(/rebind\.example\.com resolves to 127\.0\.0\.1: .*loopback/);
    await t.admin.request('DELETE', `/v1/admin/webhooks/${hook.body.webhookId}`);
    await r.close();
  });

  it('does not follow a redirect: a 307 is a failed delivery and the second receiver gets nothing', async () => {
    const second = await receiver();
    const first = await receiver((res) =>
      res.writeHead(307, { location: `http://127.0.0.1:${second.port}/stolen` }).end(),
    );
    const hook = await t.admin.post('/v1/admin/webhooks', {
      url: `http://${RECEIVER}:${first.port}/hook`,
      secret: SECRET,
      events: ['case.opened'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    await publishFinding(t, { findingId: 'F-SSRF-3', projectId: P1, responsible: owner(3) }, NOW);
    await t.system.inspection.deliverWebhooks();
    t.clock.advance(3_600_000); // and not retried
    await t.system.inspection.deliverWebhooks();
    expect(first.got).toHaveLength(1);
    expect(second.got).toHaveLength(0);
    const [d] = await deliveries(hook.body.webhookId);
    expect(d).toMatchObject({ status: 'failed', attempts: 1 });
    expect(d!.log[0]).toMatchObject({
      responseStatus: 307,
      error: expect.stringMatching(/redirect not followed \(307 to http:\/\/127\.0\.0\.1:\d+\/stolen\)/),
    });
    await t.admin.request('DELETE', `/v1/admin/webhooks/${hook.body.webhookId}`);
    await Promise.all([first.close(), second.close()]);
  });
});
