import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoCity, generateDemoCity } from '@wagewatch/demo';
import {
  createPostgresDatabase,
  resolveServices,
  startTestKafka,
  type TestDatabase,
  type TestKafka,
} from '@wagewatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/demo.ts';
import {
  keysFor,
  pushCity,
  type RunningService,
  startService,
  stopService,
  sweepLikeTheDemo,
  waitForQuiescence,
} from './distributed.ts';
import { ApiClient, startTestSystem, TEST_NOW } from './harness.ts';

type Row = {
  rule: string;
  projectId: string;
  status: string;
  period?: string;
  worker?: string;
  dueDate?: string;
};
const toRows = (findings: any[]): Row[] =>
  findings
    .map((f) => ({
      rule: f.rule,
      projectId: f.projectId,
      status: f.status,
      ...(f.period ? { period: f.period } : {}),
      ...(f.worker ? { worker: f.worker.idNumberMasked } : {}),
      ...(f.dueDate ? { dueDate: f.dueDate } : {}),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

const city: DemoCity = generateDemoCity();

describe('distributed mode: each service its own process, over Kafka, PostgreSQL and BullMQ', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-broker-'));
  let broker: TestKafka;
  let pg: TestDatabase;
  const services: RunningService[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    broker = await startTestKafka({ dataDir });
    pg = await createPostgresDatabase('distributed');
    const { redisUrl } = await resolveServices();
    env = {
      DATABASE_URL: pg.url!,
      KAFKA_BROKERS: broker.brokers,
      REDIS_URL: redisUrl,
      WAGEWATCH_REDIS_PREFIX: `wwtest-${process.pid}-${Date.now()}`,
      WAGEWATCH_SWEEP_INTERVAL_SECONDS: '0',
      // The processes run on the embedded reference's clock, whatever the machine's date.
      WAGEWATCH_CLOCK: 'manual',
      WAGEWATCH_CLOCK_START: TEST_NOW.toISOString(),
      DATABASE_POOL_SIZE: '4',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    };
    // ingest first: it creates the topics; then two ledgers in one group, and inspection.
    services.push(await startService('ingest', env));
    services.push(
      ...(await Promise.all([
        startService('ledger', env),
        startService('ledger', env),
        startService('inspection', env),
        startService('deposits', env),
      ])),
    );
  }, 180_000);

  afterAll(async () => {
    for (const s of services) await stopService(s).catch(() => {});
    await broker?.stop();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('each process reports readiness and its Prometheus metrics', async () => {
    const [ingest, ledgerA, , inspection] = services as [
      RunningService,
      RunningService,
      RunningService,
      RunningService,
    ];
    for (const s of [ingest, ledgerA, inspection]) {
      const ready = await fetch(`${s.base}/ready`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { checks: { name: string; ok: boolean }[] }).checks).toEqual([
        { name: 'database', ok: true },
        { name: 'kafka', ok: true },
        { name: 'redis', ok: true },
      ]);
    }
    const ledgerMetrics = await (await fetch(`${ledgerA.base}/metrics`)).text();
    expect(ledgerMetrics).toMatch(/wagewatch_consumer_lag\{group="ledger"\} \d+/);
    expect(ledgerMetrics).toMatch(/wagewatch_outbox_backlog\{schema="ledger"\} \d+/);
    const ingestMetrics = await (await fetch(`${ingest.base}/metrics`)).text();
    expect(ingestMetrics).toMatch(/wagewatch_outbox_backlog\{schema="ingest"\} \d+/);
  });

  it('each process serves the dead letters of the consumers it runs (admin only)', async () => {
    const admin = keysFor(city).admin;
    const expected: Record<string, string[]> = {
      ingest: ['ingest'],
      ledger: ['ledger'],
      inspection: ['inspection'],
      deposits: ['deposits'],
    };
    for (const s of services) {
      const res = await new ApiClient(s.base, admin).get('/v1/admin/dead-letters');
      expect(res.status, `${s.name}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.consumers.map((c: { consumer: string }) => c.consumer)).toEqual(expected[s.name]);
      expect((await new ApiClient(s.base).get('/v1/admin/dead-letters')).status).toBe(401);
    }
  });

  it('gives exactly the findings the embedded default gives for the demo city', async () => {
    const [ingest, ledgerA, , inspection] = services as [
      RunningService,
      RunningService,
      RunningService,
      RunningService,
    ];
    await pushCity(ingest.base, city);
    await waitForQuiescence(pg.db);
    const k = keysFor(city);
    await sweepLikeTheDemo(
      pg.db,
      ledgerA,
      services.find((s) => s.name === 'deposits'),
      k.admin,
      TEST_NOW,
    );
    const distributed = await new ApiClient(inspection.base, k.admin).get('/v1/findings?limit=5000');
    expect(distributed.status).toBe(200);

    const embedded = await startTestSystem({ kind: 'pglite' });
    await loadDemo(embedded.system, embedded.apiKeys, embedded.clock, embedded.system.app.log as never, city);
    await embedded.settle();
    const reference = await embedded.admin.get('/v1/findings?limit=5000');
    await embedded.close();

    expect(reference.body.total).toBeGreaterThan(10);
    expect(toRows(distributed.body.findings)).toEqual(toRows(reference.body.findings));
    // Both ledger processes took part: the group split the partitions between them.
    const applied = await pg.db.query<{ n: bigint }>('SELECT count(*) AS n FROM ledger.inbox');
    expect(Number(applied[0]!.n)).toBeGreaterThan(0);
    const metrics = await (await fetch(`${inspection.base}/metrics`)).text();
    expect(metrics).toMatch(/wagewatch_events_applied_total\{group="inspection"\} [1-9]/);
  }, 400_000);
});
