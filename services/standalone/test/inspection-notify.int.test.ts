import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, publishFinding } from './inspection-helpers.ts';

/*
 * Notifications: webhooks (HMAC-signed, retried with backoff on the manual clock, delivery log)
 * and the server-sent-events stream of alerts, over real HTTP.
 */
type Received = { headers: Record<string, string | string[] | undefined>; body: string };
function receiver(failFirst: number) {
  const got: Received[] = [];
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      calls++;
      if (calls <= failFirst) {
        res.writeHead(503).end('try later');
        return;
      }
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  return {
    got,
    calls: () => calls,
    url: async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
const SECRET = 'webhook-secret-0123456789';

let t: TestSystem;
const P1 = 'PZH-API-001';
const P2 = 'PZH-API-002';
beforeAll(async () => {
  // The receivers listen on 127.0.0.1 over http:, admitted as a bureau admits its own network.
  t = await startTestSystem({
    now: new Date('2026-11-02T10:00:00+08:00'),
    webhookTargets: { allowHttp: true, allowHosts: ['127.0.0.1'] },
  });
  await registerProject(t, 1);
  await registerProject(t, 2, { district: '西区' });
  await t.settle();
});
afterAll(() => t?.close());

describe('webhooks', () => {
  it('delivers each alert signed with HMAC-SHA256 over the timestamp and raw body', async () => {
    const r = receiver(0);
    const url = await r.url();
    const created = await t.admin.post('/v1/admin/webhooks', {
      url,
      secret: SECRET,
      events: ['case.*'],
      districts: ['东区'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.secret).toBeUndefined();
    await publishFinding(
      t,
      { findingId: 'F-N-1', projectId: P1, responsible: contractorOf(1) },
      '2026-11-02T10:00:00+08:00',
    );
    await publishFinding(
      t,
      { findingId: 'F-N-2', projectId: P2, responsible: contractorOf(2) },
      '2026-11-02T10:00:00+08:00',
    );
    await t.system.inspection.deliverWebhooks();
    // P1's case opened and climbed the ladder at once (its due date is long past); 西区 is not subscribed.
    expect(r.got.length).toBeGreaterThanOrEqual(2);
    for (const hit of r.got) {
      const ts = String(hit.headers['x-wagewatch-timestamp']);
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${hit.body}`).digest('hex')}`;
      expect(hit.headers['x-wagewatch-signature']).toBe(expected);
      expect(JSON.parse(hit.body).data).toMatchObject({ projectId: P1, district: '东区' });
    }
    const opened = r.got.find((h) => h.headers['x-wagewatch-event'] === 'case.opened');
    expect(JSON.parse(opened!.body)).toMatchObject({ type: 'case.opened', data: { projectId: P1 } });
    // A tampered body does not verify.
    const ts = String(opened!.headers['x-wagewatch-timestamp']);
    const forged = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${opened!.body} `).digest('hex')}`;
    expect(opened!.headers['x-wagewatch-signature']).not.toBe(forged);
    const list = await t.admin.get('/v1/admin/webhooks');
    expect(list.body.webhooks).toHaveLength(1);
    expect((await t.admin.request('DELETE', `/v1/admin/webhooks/${created.body.webhookId}`)).status).toBe(
      204,
    );
    await r.close();
  });

  it('retries with exponential backoff on the clock: fails twice, delivered on the third attempt', async () => {
    const r = receiver(2);
    const url = await r.url();
    const hook = (await t.admin.post('/v1/admin/webhooks', { url, secret: SECRET, events: ['case.opened'] }))
      .body;
    await publishFinding(
      t,
      {
        findingId: 'F-N-3',
        projectId: P1,
        responsible: { kind: 'bank', name: '工商银行', code: 'ICBC-PZH' },
      },
      '2026-11-02T11:00:00+08:00',
    );
    await t.system.inspection.deliverWebhooks();
    expect(r.calls()).toBe(1);
    await t.system.inspection.deliverWebhooks(); // not due yet: nothing
    expect(r.calls()).toBe(1);
    t.clock.advance(30_000);
    await t.system.inspection.deliverWebhooks();
    expect(r.calls()).toBe(2);
    t.clock.advance(30_000); // the second wait is 60 s
    await t.system.inspection.deliverWebhooks();
    expect(r.calls()).toBe(2);
    t.clock.advance(30_000);
    await t.system.inspection.deliverWebhooks();
    expect(r.calls()).toBe(3);
    expect(r.got).toHaveLength(1);
    const log = (await t.admin.get(`/v1/admin/webhooks/${hook.webhookId}/deliveries`)).body.deliveries;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 3, eventType: 'case.opened' });
    expect(log[0].log.map((a: any) => a.responseStatus)).toEqual([503, 503, 204]);
    await t.admin.request('DELETE', `/v1/admin/webhooks/${hook.webhookId}`);
    await r.close();
  });
});

describe('the alert stream (SSE)', () => {
  async function open(key: string, lastEventId?: string) {
    const ac = new AbortController();
    const res = await fetch(`${t.api.baseUrl}/v1/alerts/stream`, {
      headers: { authorization: `Bearer ${key}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const next = async (): Promise<{ id: string; event: string; data: any }> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => !l.startsWith(':') && l.includes(':'))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
          );
          if (fields.data)
            return { id: fields.id ?? '', event: fields.event ?? '', data: JSON.parse(fields.data) };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    return { res, next, close: () => ac.abort() };
  }

  it('sends an alert raised after connecting, in the inspector’s districts, and resumes from Last-Event-ID', async () => {
    const key = t.key('inspector', { districts: ['东区'] });
    const s = await open(key);
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toMatch(/text\/event-stream/);
    await publishFinding(
      t,
      { findingId: 'F-N-4', projectId: P2, responsible: { kind: 'owner', name: '业主2', code: 'OWN-2' } },
      '2026-11-02T12:00:00+08:00',
    );
    await publishFinding(
      t,
      { findingId: 'F-N-5', projectId: P1, responsible: { kind: 'owner', name: '业主1', code: 'OWN-1' } },
      '2026-11-02T12:00:00+08:00',
    );
    const first = await s.next();
    expect(first.event).toBe('case.opened');
    expect(first.data).toMatchObject({ district: '东区', projectId: P1, alertId: first.id });
    s.close();
    // While disconnected, another alert in 东区.
    await publishFinding(
      t,
      { findingId: 'F-N-6', projectId: P1, responsible: { kind: 'owner', name: '业主9', code: 'OWN-9' } },
      '2026-11-02T13:00:00+08:00',
    );
    const again = await open(key, first.id);
    const missed = (
      await t.api.as(key).get(`/v1/alerts?afterId=${first.id}&limit=1000`)
    ).body.alerts.reverse();
    expect(missed.length).toBeGreaterThan(0);
    for (const m of missed) expect((await again.next()).id).toBe(m.alertId); // every one missed, in order
    expect(missed.some((m: any) => m.data.employer.code === 'OWN-9')).toBe(true);
    again.close();
  });

  it('is for inspectors: banks and project managers are refused', async () => {
    const bank = await fetch(`${t.api.baseUrl}/v1/alerts/stream`, {
      headers: { authorization: `Bearer ${t.key('bank', { bankCode: 'ICBC-PZH' })}` },
    });
    expect(bank.status).toBe(403);
    const pm = await fetch(`${t.api.baseUrl}/v1/alerts/stream`, {
      headers: { authorization: `Bearer ${t.key('project-manager', { projectIds: [P1] })}` },
    });
    expect(pm.status).toBe(403);
  });
});
