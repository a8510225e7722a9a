import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Database } from '@wagewatch/db';
import { type DemoCity, generateDemoCity } from '@wagewatch/demo';
import { ApiKeys, createLogger, ReplayClock, SecretBox } from '@wagewatch/runtime';
import {
  createPostgresDatabase,
  resolveServices,
  startTestKafka,
  type TestDatabase,
  type TestKafka,
} from '@wagewatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedSystem, type EmbeddedSystem } from '../src/system.ts';
import { keysFor, type RunningService, startService, stopService, waitForQuiescence } from './distributed.ts';
import { ApiClient, TEST_SECRET, TEST_SECRETS_KEY } from './harness.ts';
import { type Caller, firstDayOf, type ReplayDay, replayOutcome, replayPlan, sendDay } from './replay.ts';

/**
 * The replay promised by WAGEWATCH_CLOCK=manual (docs/adr/0007): the demo city's feeds sent day
 * by day from its first movement (28 May) to 29 November 2026, each day swept to its evening, once into the embedded
 * system and once into the distributed processes, both on the manual clock starting at the
 * epoch. Both must give the same findings, cases (with their ladder histories), tasks, alerts,
 * campaign occurrences and reports — and nothing may carry the machine's date.
 */
const city: DemoCity = generateDemoCity();
const FROM = firstDayOf(city); // 2026-05-28: the first movement
const TO = '2026-11-29';
const plan: ReplayDay[] = replayPlan(city, FROM, TO);
const last = plan[plan.length - 1]!.asOf;
const k = keysFor(city);
const keyOf = (c: Caller) => (c === 'admin' ? k.admin : c === 'pm' ? k.pm : k.bank(c.bank));

type Changes = { raised: unknown[]; updated: unknown[]; resolved: unknown[] };
const changed = (b: Changes) => b.raised.length + b.updated.length + b.resolved.length > 0;

async function post(base: string, path: string, body: unknown) {
  const r = await new ApiClient(base, k.admin).post(path, body);
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

const campaignRuns = (db: Database) =>
  db.query<{ occurrence: string; kind: string; as_of: Date }>(
    'SELECT occurrence, kind, as_of FROM inspection.campaign_runs ORDER BY occurrence',
  );

describe('replay of a city on the manual clock: embedded and distributed agree, whatever the date', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-replay-broker-'));
  let broker: TestKafka;
  let pgEmbedded: TestDatabase;
  let pgDistributed: TestDatabase;
  let embedded: EmbeddedSystem;
  let embeddedBase: string;
  const services: Record<string, RunningService> = {};
  const embeddedLog: string[] = [];
  /** What went wrong, with the processes' own words. */
  const explain = (err: unknown) =>
    new Error(
      `${(err as Error).message}\n-- embedded log:\n${embeddedLog.join('').slice(-3000)}\n${Object.values(
        services,
      )
        .map((s) => `-- ${s.name}:\n${s.output().slice(-3000)}`)
        .join('\n')}`,
    );

  beforeAll(async () => {
    pgEmbedded = await createPostgresDatabase('replay-embedded');
    const logger = createLogger({
      level: 'warn',
      destination: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    embedded = await createEmbeddedSystem({
      db: pgEmbedded.db,
      clock: new ReplayClock(),
      logger,
      apiKeys: new ApiKeys(TEST_SECRET),
      secrets: SecretBox.fromBase64(TEST_SECRETS_KEY),
    });
    embedded.start();
    embeddedBase = await embedded.app.listen({ port: 0, host: '127.0.0.1' });

    broker = await startTestKafka({ dataDir });
    pgDistributed = await createPostgresDatabase('replay-distributed');
    const { redisUrl } = await resolveServices();
    const env = {
      DATABASE_URL: pgDistributed.url!,
      KAFKA_BROKERS: broker.brokers,
      REDIS_URL: redisUrl,
      WAGEWATCH_REDIS_PREFIX: `wwreplay-${process.pid}`,
      WAGEWATCH_CLOCK: 'manual',
      DATABASE_POOL_SIZE: '4',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    };
    services.ingest = await startService('ingest', env);
    const [ledger, deposits, inspection] = await Promise.all([
      startService('ledger', env),
      startService('deposits', env),
      startService('inspection', env),
    ]);
    Object.assign(services, { ledger, deposits, inspection });
  }, 180_000);

  afterAll(async () => {
    for (const s of Object.values(services)) await stopService(s).catch(() => {});
    await embedded?.stop();
    await broker?.stop();
    await pgEmbedded?.drop();
    await pgDistributed?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the plan sends every record of the city, day by day', () => {
    expect(FROM).toBe('2026-05-28');
    expect(plan).toHaveLength(186);
    const sent = (path: string) =>
      plan
        .flatMap((d) => d.calls.filter((c) => c.path === path))
        .reduce((n, c) => n + (c.body as { records: unknown[] }).records.length, 0);
    expect(sent('/v1/bank/transfers')).toBe(city.transfers.reduce((n, t) => n + t.body.records.length, 0));
    expect(sent('/v1/bank/deposits')).toBe(city.deposits.reduce((n, t) => n + t.body.records.length, 0));
    expect(plan.flatMap((d) => d.calls.filter((c) => c.path === '/v1/bank/statements'))).toHaveLength(
      city.statements.length,
    );
  });

  it('embedded: swept day by day, each day stamped with its own date', async () => {
    try {
      for (const day of plan) {
        await post(embeddedBase, '/v1/admin/sweep', { asOf: day.asOf.toISOString() });
        await sendDay(embeddedBase, day, keyOf);
        await embedded.drain();
      }
    } catch (err) {
      throw explain(err);
    }
    // The manual clock is where the replay left it: the public notice's "now" is the last evening.
    const notice = await new ApiClient(embeddedBase).get('/public/projects/PZH-2026-001/notice');
    expect(notice.status).toBe(200);
    expect(notice.body.asOf).toBe(last.toISOString());
  }, 600_000);

  it('distributed: the same days through ingest, ledger, deposits and inspection processes', async () => {
    const { ingest, ledger, deposits, inspection } = services as Record<string, RunningService>;
    try {
      for (const day of plan) await replayDay(day);
    } catch (err) {
      throw explain(err);
    }
    async function replayDay(day: ReplayDay) {
      const asOf = day.asOf.toISOString();
      await post(ingest!.base, '/v1/admin/ingest/sweep', { asOf });
      if (changed(await post(ledger!.base, '/v1/admin/sweep', { asOf })))
        await waitForQuiescence(pgDistributed.db, 60_000, 200);
      if (changed(await post(deposits!.base, '/v1/admin/deposits/sweep', { asOf })))
        await waitForQuiescence(pgDistributed.db, 60_000, 200);
      await post(inspection!.base, '/v1/admin/inspection/sweep', { asOf });
      await sendDay(ingest!.base, day, keyOf);
      if (day.calls.length) await waitForQuiescence(pgDistributed.db, 60_000, 200);
    }
  }, 900_000);

  it('gives identical findings, cases, tasks, alerts, campaign occurrences and reports in both', async () => {
    const inspector = k.admin;
    const a = await replayOutcome(new ApiClient(embeddedBase, inspector)).catch((e) =>
      Promise.reject(explain(e)),
    );
    const b = await replayOutcome(new ApiClient(services.inspection!.base, inspector)).catch((e) =>
      Promise.reject(explain(e)),
    );
    expect(a.findings.length).toBeGreaterThan(20);
    expect(a.cases.length).toBeGreaterThan(5);
    expect(b.findings).toEqual(a.findings);
    expect(b.cases).toEqual(a.cases);
    expect(b.tasks).toEqual(a.tasks);
    expect(b.alerts).toEqual(a.alerts);
    expect(b.reports).toEqual(a.reports);
    const runsA = await campaignRuns(pgEmbedded.db);
    const occurrences = runsA.map((r) => r.occurrence);
    expect(occurrences.filter((o) => o.startsWith('holiday-audit:')).length).toBeGreaterThan(0);
    expect(occurrences).toContain('screening:2026-Q3');
    expect(await campaignRuns(pgDistributed.db)).toEqual(runsA);
    // Nothing carries the machine's date: every instant recorded lies inside the replayed days.
    const instants = JSON.stringify(a).match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g) ?? [];
    expect(instants.length).toBeGreaterThan(0);
    for (const i of instants) expect(new Date(i).getTime()).toBeLessThanOrEqual(last.getTime());
  });
});
