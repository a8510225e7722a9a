import { defaultCalendar } from '@wagewatch/domain';
import { createLedger } from '@wagewatch/ledger';
import {
  ApiKeys,
  buildHttpApp,
  createLogger,
  createMetrics,
  type HttpApp,
  KeyRegistry,
  ManualClock,
} from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@wagewatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  BOOTSTRAP_ADMIN_KEY,
  startTestSystem,
  TEST_NOW,
  TEST_SECRET,
  type TestSystem,
} from './harness.ts';

// Issue 11, "Keys and sessions": keys have an id, a label, an optional expiry and a last-used
// time; they are listed without the secret, revoked, and the signing secret rotates with an
// overlap window.

const HOUR = 3600_000;
const OLD_SECRET = 'old-secret-for-signing-api-keys-0123456789';

/** Polls until `check` holds (the registry's writes and refreshes are asynchronous). */
async function eventually<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (performance.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each<TestDatabaseKind>(['pglite', 'postgres'])('API keys on %s', (kind) => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ kind });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const issue = async (body: Record<string, unknown>) => {
    const res = await t.admin.post('/v1/admin/api-keys', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { key: string; keyId: string; label: string | null; expiresAt: string | null };
  };
  const listed = async (keyId: string) => {
    const res = await t.admin.get('/v1/admin/api-keys');
    expect(res.status).toBe(200);
    return (res.body.keys as { keyId: string; [k: string]: unknown }[]).find((k) => k.keyId === keyId);
  };

  it('issues a key with a label and an expiry and lists it without the secret', async () => {
    const expiresAt = new Date(TEST_NOW.getTime() + 30 * 24 * HOUR).toISOString();
    const issued = await issue({
      role: 'inspector',
      scope: { districts: ['东区'] },
      label: '东区 inspector laptop',
      expiresAt,
    });
    expect(issued).toMatchObject({ label: '东区 inspector laptop', expiresAt });
    const res = await t.admin.get('/v1/admin/api-keys');
    expect(res.status).toBe(200);
    const entry = res.body.keys.find((k: { keyId: string }) => k.keyId === issued.keyId);
    expect(entry).toEqual({
      keyId: issued.keyId,
      role: 'inspector',
      scope: { districts: ['东区'] },
      label: '东区 inspector laptop',
      issuedBy: expect.any(String),
      issuedAt: TEST_NOW.toISOString(),
      expiresAt,
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
    });
    // Neither the key nor its signature appears anywhere in the listing.
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(issued.key);
    expect(text).not.toContain(issued.key.split('.')[1]!);
    // Only an admin lists keys.
    expect((await t.api.as(issued.key).get('/v1/admin/api-keys')).status).toBe(403);
  });

  it('records the last use of a key, at most once a minute', async () => {
    const issued = await issue({ role: 'inspector', scope: { districts: 'all' }, label: 'last use' });
    expect((await listed(issued.keyId))?.lastUsedAt).toBeNull();
    expect((await t.api.as(issued.key).get('/v1/findings?limit=1')).status).toBe(200);
    const first = await eventually(
      'last use recorded',
      () => listed(issued.keyId),
      (k) => k?.lastUsedAt !== null,
    );
    expect(first?.lastUsedAt).toBe(t.clock.now().toISOString());
    // Within the minute, further use writes nothing; after it, the next use is recorded.
    t.clock.advance(30_000);
    expect((await t.api.as(issued.key).get('/v1/findings?limit=1')).status).toBe(200);
    await t.system.keys.flush();
    expect((await listed(issued.keyId))?.lastUsedAt).toBe(first?.lastUsedAt);
    t.clock.advance(31_000);
    expect((await t.api.as(issued.key).get('/v1/findings?limit=1')).status).toBe(200);
    const later = await eventually(
      'second use recorded',
      () => listed(issued.keyId),
      (k) => k?.lastUsedAt !== first?.lastUsedAt,
    );
    expect(later?.lastUsedAt).toBe(t.clock.now().toISOString());
  });

  it('revokes a key: the next request with it is 401', async () => {
    const issued = await issue({
      role: 'project-manager',
      scope: { projectIds: ['PZH-X'] },
      label: 'to revoke',
    });
    const pm = t.api.as(issued.key);
    expect((await pm.get('/v1/findings?limit=1')).status).toBe(200);
    const revoked = await t.admin.request('DELETE', `/v1/admin/api-keys/${issued.keyId}`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ keyId: issued.keyId, revokedAt: t.clock.now().toISOString() });
    const after = await pm.get('/v1/findings?limit=1');
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/revoked/);
    expect((await listed(issued.keyId))?.revokedAt).toBe(t.clock.now().toISOString());
    // Unknown and malformed ids are a 404 and a 400, not a 500.
    const unknown = await t.admin.request(
      'DELETE',
      '/v1/admin/api-keys/00000000-0000-4000-8000-000000000000',
    );
    expect(unknown.status).toBe(404);
    expect((await t.admin.request('DELETE', '/v1/admin/api-keys/not-a-key-id')).status).toBe(400);
    // A revoked key cannot revoke: only a live admin key can.
    expect((await pm.request('DELETE', `/v1/admin/api-keys/${issued.keyId}`)).status).toBe(401);
  });

  it('refuses an expired key with 401, everywhere, and an expiry in the past at issuance', async () => {
    const issued = await issue({
      role: 'inspector',
      scope: { districts: 'all' },
      label: 'one hour',
      expiresAt: new Date(t.clock.now().getTime() + HOUR).toISOString(),
    });
    const k = t.api.as(issued.key);
    expect((await k.get('/v1/findings?limit=1')).status).toBe(200);
    t.clock.advance(HOUR);
    for (const path of ['/v1/findings?limit=1', '/v1/cases', '/v1/alerts']) {
      const res = await k.get(path);
      expect(res.status, path).toBe(401);
      expect(res.body.detail).toMatch(/expired/);
    }
    const past = await t.admin.post('/v1/admin/api-keys', {
      role: 'admin',
      expiresAt: new Date(t.clock.now().getTime() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt' })]);
  });

  it('does not let a key extend its own expiry by editing the payload', async () => {
    const issued = await issue({
      role: 'admin',
      expiresAt: new Date(t.clock.now().getTime() + HOUR).toISOString(),
    });
    const [payload, sig] = issued.key.slice(3).split('.') as [string, string];
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    delete body.exp;
    const forged = `ww_${Buffer.from(JSON.stringify(body)).toString('base64url')}.${sig}`;
    expect((await t.api.as(forged).get('/v1/findings?limit=1')).status).toBe(401);
  });
});

describe('rotating the signing secret (an overlap window)', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('pglite', 'keys-rotation');
  }, 60_000);
  afterAll(async () => {
    await tdb?.drop();
  });

  it('accepts a key signed with the previous secret until that secret is removed', async () => {
    // Before the rotation: keys signed with the old secret.
    const before = await startTestSystem({
      db: tdb.db,
      apiKeys: new ApiKeys(OLD_SECRET, BOOTSTRAP_ADMIN_KEY),
    });
    const oldKey = (await before.admin.post('/v1/admin/api-keys', { role: 'admin', label: 'pre-rotation' }))
      .body.key as string;
    expect((await before.api.as(oldKey).get('/v1/findings?limit=1')).status).toBe(200);
    await before.system.stop();

    // The overlap window: the new secret signs, the old one still verifies.
    const overlap = await startTestSystem({
      db: tdb.db,
      apiKeys: new ApiKeys(TEST_SECRET, BOOTSTRAP_ADMIN_KEY, { previousSecrets: [OLD_SECRET] }),
    });
    expect((await overlap.api.as(oldKey).get('/v1/findings?limit=1')).status).toBe(200);
    const newKey = (await overlap.api.as(oldKey).post('/v1/admin/api-keys', { role: 'admin' })).body
      .key as string;
    expect(newKey).not.toBe(oldKey);
    expect(new ApiKeys(TEST_SECRET).verify(`Bearer ${newKey}`).role).toBe('admin');
    expect(() => new ApiKeys(OLD_SECRET).verify(`Bearer ${newKey}`)).toThrow(/not valid/);
    await overlap.system.stop();

    // The previous secret removed: the old key is refused, the new one works.
    const after = await startTestSystem({
      db: tdb.db,
      apiKeys: new ApiKeys(TEST_SECRET, BOOTSTRAP_ADMIN_KEY),
    });
    const refused = await after.api.as(oldKey).get('/v1/findings?limit=1');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/not valid/);
    expect((await after.api.as(newKey).get('/v1/findings?limit=1')).status).toBe(200);
    await after.system.stop();
  }, 60_000);
});

describe('revocation across processes on one PostgreSQL', () => {
  let t: TestSystem;
  let second: { app: HttpApp; keys: KeyRegistry; db: TestDatabase['db']; api: ApiClient };
  beforeAll(async () => {
    // Process 1: the embedded system (ingest among its services) on PostgreSQL.
    t = await startTestSystem({ kind: 'postgres', keyRefreshMs: 100 });
    // Process 2: a ledger composed alone as packages/host does, with its own pool, key
    // verifier and registry (refreshing every 100 ms), on the same database.
    const { openPostgres } = await import('@wagewatch/db');
    const url = await databaseUrlOf(t);
    const db = openPostgres({ connectionString: url, max: 2 });
    const clock = new ManualClock(TEST_NOW);
    const apiKeys = new ApiKeys(TEST_SECRET);
    const keys = new KeyRegistry(db, clock, { refreshMs: 100 });
    apiKeys.attach(keys);
    await keys.start();
    const ledger = createLedger({ db, clock, calendar: defaultCalendar });
    const app = await buildHttpApp({
      logger: createLogger({ level: 'silent' }),
      apiKeys,
      metrics: createMetrics(),
      plugins: [ledger.routes],
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    second = { app, keys, db, api: new ApiClient(address) };
  }, 60_000);
  afterAll(async () => {
    await second?.app.close();
    await second?.keys.stop();
    await second?.db.close();
    await t?.close();
  });

  it('a key revoked in one process is refused by the other within the refresh interval', async () => {
    const issued = (
      await t.admin.post('/v1/admin/api-keys', { role: 'inspector', scope: { districts: 'all' } })
    ).body as { key: string; keyId: string };
    const elsewhere = second.api.as(issued.key);
    expect((await elsewhere.get('/v1/projects/PZH-NONE/status')).status).not.toBe(401);
    const started = performance.now();
    expect((await t.admin.request('DELETE', `/v1/admin/api-keys/${issued.keyId}`)).status).toBe(200);
    await eventually(
      'revocation reaches the second process',
      () => elsewhere.get('/v1/projects/PZH-NONE/status'),
      (r) => r.status === 401,
      3000,
    );
    const took = performance.now() - started;
    expect(took).toBeLessThan(3000);
    // The second process recorded its use of the key in the shared registry too.
    const [row] = await t.db.query<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM auth.api_key WHERE key_id = $1',
      [issued.keyId],
    );
    expect(row?.last_used_at).not.toBeNull();
  });
});

/** The connection string of the test system's PostgreSQL database. */
async function databaseUrlOf(t: TestSystem): Promise<string> {
  const [row] = await t.db.query<{ db: string }>('SELECT current_database() AS db');
  const { resolveServices } = await import('@wagewatch/testkit');
  const url = new URL((await resolveServices()).postgresUrl);
  url.pathname = `/${row!.db}`;
  return url.toString();
}
