import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretBox } from '@wagewatch/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import { contractorOf, publishFinding } from './inspection-helpers.ts';

/**
 * Issue 11 "Personal data": a webhook's signing secret was stored in clear (16 copies in
 * pg_wal). It is sealed with AES-256-GCM under the deployment's key before it is written;
 * deliveries open it to sign; a secret stored in clear before is sealed on first delivery.
 */

type Received = { headers: Record<string, string | string[] | undefined>; body: string };
async function receiver() {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    got,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
const verifies = (secret: string, hit: Received) =>
  hit.headers['x-wagewatch-signature'] ===
  `sha256=${createHmac('sha256', secret)
    .update(`${String(hit.headers['x-wagewatch-timestamp'])}.${hit.body}`)
    .digest('hex')}`;

/** Every column of every webhook row, as text. */
const tableText = async (t: TestSystem) =>
  (await t.db.query<{ row: string }>('SELECT w::text AS row FROM inspection.webhooks w'))
    .map((r) => r.row)
    .join('\n');

describe.each(['pglite', 'postgres'] as const)('webhook secrets are encrypted at rest (%s)', (kind) => {
  let t: TestSystem;
  let r: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    t = await startTestSystem({
      kind,
      now: new Date('2026-11-02T10:00:00+08:00'),
      // The local receiver, admitted by the allow-list (the webhook target check refuses loopback).
      webhookTargets: { allowHttp: true, allowHosts: ['127.0.0.1'] },
    });
    r = await receiver();
    await registerProject(t, 1);
    await registerProject(t, 2);
    await t.settle();
  });
  afterAll(async () => {
    await r?.close();
    await t?.close();
  });

  it('a registered secret appears nowhere in the webhooks table, and deliveries still verify', async () => {
    const secret = `known-secret-${randomUUID()}`;
    const created = await t.admin.post('/v1/admin/webhooks', { url: r.url, secret, events: ['case.opened'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const text = await tableText(t);
    expect(text).toContain(created.body.webhookId);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(secret).toString('hex'));
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    await publishFinding(
      t,
      { findingId: 'F-S-1', projectId: 'PZH-API-001', responsible: contractorOf(1) },
      '2026-11-02T10:00:00+08:00',
    );
    await t.system.inspection.deliverWebhooks();
    const hit = r.got.find((h) => h.headers['x-wagewatch-event'] === 'case.opened');
    expect(hit, 'delivered').toBeDefined();
    expect(verifies(secret, hit!)).toBe(true);
    expect(verifies(`${secret}x`, hit!)).toBe(false);
    await t.admin.request('DELETE', `/v1/admin/webhooks/${created.body.webhookId}`);
  });

  it('a secret stored in clear before is sealed at its first delivery, which verifies', async () => {
    const secret = `legacy-clear-secret-${randomUUID()}`;
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO inspection.webhooks (webhook_id, url, secret, events, districts, created_by, created_at, from_seq)
       VALUES ($1,$2,$3,$4,NULL,'test',$5,(SELECT coalesce(max(seq), 0) FROM inspection.outbox))`,
      [id, r.url, secret, ['case.opened'], new Date('2026-11-02T02:00:00Z')],
    );
    expect(await tableText(t)).toContain(secret);
    const before = r.got.length;
    await publishFinding(
      t,
      { findingId: 'F-S-2', projectId: 'PZH-API-002', responsible: contractorOf(2) },
      '2026-11-02T10:00:00+08:00',
    );
    await t.system.inspection.deliverWebhooks();
    const hit = r.got.slice(before).find((h) => h.headers['x-wagewatch-event'] === 'case.opened');
    expect(hit, 'delivered').toBeDefined();
    expect(verifies(secret, hit!)).toBe(true);
    expect(await tableText(t)).not.toContain(secret);
    const [row] = await t.db.query<{ secret: string }>(
      'SELECT secret FROM inspection.webhooks WHERE webhook_id = $1',
      [id],
    );
    expect(SecretBox.isSealed(row!.secret)).toBe(true);
  });
});

describe('SecretBox', () => {
  it('seals with a fresh IV each time, opens only under its own key, and refuses a tampered value', () => {
    const box = new SecretBox(Buffer.alloc(32, 1));
    const a = box.seal('s3cret-value');
    expect(a).not.toBe(box.seal('s3cret-value'));
    expect(box.open(a)).toBe('s3cret-value');
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(a)).toThrow();
    const tampered = `${a.slice(0, -4)}${a.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect(() => box.open(tampered)).toThrow();
    expect(() => SecretBox.fromBase64(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
