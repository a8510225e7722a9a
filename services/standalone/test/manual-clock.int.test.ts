import { Writable } from 'node:stream';
import { ApiKeys, createLogger, ReplayClock, SecretBox } from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.ts';
import { createEmbeddedSystem, type EmbeddedSystem } from '../src/system.ts';
import { projectBody } from './fixtures.ts';
import { ApiClient, TEST_SECRET, TEST_SECRETS_KEY } from './harness.ts';

const keys = new ApiKeys(TEST_SECRET);
const secrets = SecretBox.fromBase64(TEST_SECRETS_KEY);
const adminKey = keys.issue('admin', {}).key;
const inspectorKey = keys.issue('inspector', { districts: 'all' }).key;
const silent = () =>
  createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function boot(db: TestDatabase, clock: ReplayClock) {
  const system = await createEmbeddedSystem({ db: db.db, clock, logger: silent(), apiKeys: keys, secrets });
  system.start();
  const base = await system.app.listen({ port: 0, host: '127.0.0.1' });
  return { system, admin: new ApiClient(base, adminKey), inspector: new ApiClient(base, inspectorKey), base };
}

describe('the embedded system on the manual clock', () => {
  let db: TestDatabase;
  let running: Awaited<ReturnType<typeof boot>>;
  const start = new Date('2026-10-01T09:00:00+08:00');

  beforeAll(async () => {
    db = await createTestDatabase('pglite', 'manual-clock');
    running = await boot(db, new ReplayClock(start));
    expect((await running.admin.post('/v1/projects', projectBody())).status).toBe(201);
    await running.system.drain();
  }, 60_000);
  afterAll(async () => {
    await running?.system.stop();
    await db?.drop();
  });

  it('reads "now" from the start instant before the first sweep', async () => {
    const deposit = await running.inspector.get('/v1/projects/PZH-T-001/deposit');
    expect(deposit.status).toBe(200);
    expect(deposit.body.asOf).toBe(start.toISOString());
    const notice = await new ApiClient(running.base).get('/public/projects/PZH-T-001/notice');
    expect(notice.body.asOf).toBe(start.toISOString());
  });

  it('moves to each instant swept to, so read models follow the replay, and never back', async () => {
    const asOf = '2026-10-20T02:00:00.000Z';
    const swept = await running.admin.post('/v1/admin/sweep', { asOf });
    expect(swept.status).toBe(200);
    expect(swept.body.asOf).toBe(asOf);
    expect((await running.inspector.get('/v1/projects/PZH-T-001/deposit')).body.asOf).toBe(asOf);
    const earlier = await running.admin.post('/v1/admin/sweep', { asOf: '2026-10-05T02:00:00.000Z' });
    expect(earlier.body.asOf).toBe(asOf); // monotonic: evaluated at the later instant
    expect((await new ApiClient(running.base).get('/public/projects/PZH-T-001/notice')).body.asOf).toBe(asOf);
  });

  it('resumes at the latest instant swept to after a restart, whatever the start instant', async () => {
    await running.system.stop();
    running = await boot(db, new ReplayClock());
    expect((await running.inspector.get('/v1/projects/PZH-T-001/deposit')).body.asOf).toBe(
      '2026-10-20T02:00:00.000Z',
    );
  });

  it('is chosen by WAGEWATCH_CLOCK; a sweep interval of 0 means no timer', () => {
    const env = readEnv({
      WAGEWATCH_CLOCK: 'manual',
      WAGEWATCH_CLOCK_START: '2026-08-01T00:00:00+08:00',
      WAGEWATCH_SWEEP_INTERVAL_SECONDS: '0',
    });
    expect(env).toMatchObject({ WAGEWATCH_CLOCK: 'manual', WAGEWATCH_SWEEP_INTERVAL_SECONDS: 0 });
    expect(readEnv({}).WAGEWATCH_CLOCK).toBe('system');
    expect(() => readEnv({ WAGEWATCH_CLOCK: 'wall' })).toThrow(/WAGEWATCH_CLOCK/);
    expect(() => readEnv({ WAGEWATCH_CLOCK_START: 'yesterday' })).toThrow(/WAGEWATCH_CLOCK_START/);
  });
});
