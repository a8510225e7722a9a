import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEnvelope } from '@wagewatch/bus';
import { BANK_INBOUND_TOPICS, deadLetterTopic, TOPICS } from '@wagewatch/contracts';
import { type DemoCity, generateDemoCity } from '@wagewatch/demo';
import {
  createPostgresDatabase,
  resolveServices,
  startTestKafka,
  type TestDatabase,
  type TestKafka,
} from '@wagewatch/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/demo.ts';
import {
  keysFor,
  pushCity,
  type RunningService,
  type ServiceName,
  startService,
  stopService,
  sweepLikeTheDemo,
  waitForQuiescence,
} from './distributed.ts';
import { card, projectBody, residentId } from './fixtures.ts';
import { ApiClient, startTestSystem, TEST_NOW } from './harness.ts';

type Row = {
  rule: string;
  projectId: string;
  status: string;
  period?: string;
  worker?: string;
  dueDate?: string;
};
const toRows = (
  findings: {
    rule: string;
    projectId: string;
    status: string;
    period?: string;
    dueDate?: string;
    worker?: { idNumberMasked: string };
  }[],
): Row[] =>
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
const k = keysFor(city);
let reference: Row[] = [];

/** One distributed deployment: a broker on its data folder, a fresh database, its processes. */
class Deployment {
  services: RunningService[] = [];
  broker!: TestKafka;
  pg!: TestDatabase;
  env!: Record<string, string>;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-faults-'));

  async start() {
    this.broker = await startTestKafka({ dataDir: this.dataDir });
    this.pg = await createPostgresDatabase('faults');
    const { redisUrl } = await resolveServices();
    this.env = {
      DATABASE_URL: this.pg.url!,
      KAFKA_BROKERS: this.broker.brokers,
      REDIS_URL: redisUrl,
      WAGEWATCH_REDIS_PREFIX: `wwtest-${process.pid}-${Date.now()}`,
      WAGEWATCH_SWEEP_INTERVAL_SECONDS: '0',
      // The processes run on the embedded reference's clock, whatever the machine's date.
      WAGEWATCH_CLOCK: 'manual',
      WAGEWATCH_CLOCK_START: TEST_NOW.toISOString(),
      DATABASE_POOL_SIZE: '4',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    };
  }
  async run(name: ServiceName, extra: Record<string, string> = {}) {
    const s = await startService(name, { ...this.env, ...extra });
    this.services.push(s);
    return s;
  }
  async count(sql: string) {
    return Number((await this.pg.db.query<{ n: bigint }>(sql))[0]!.n);
  }
  async sweepAndFindings(ledger: RunningService, inspection: RunningService) {
    await waitForQuiescence(this.pg.db);
    const deposits = this.services.find((s) => s.name === 'deposits' && s.child.exitCode === null);
    await sweepLikeTheDemo(this.pg.db, ledger, deposits, k.admin, TEST_NOW);
    const res = await new ApiClient(inspection.base, k.admin).get('/v1/findings?limit=5000');
    expect(res.status).toBe(200);
    return toRows(res.body.findings);
  }
  /** Every ingest event applied exactly once by the ledger, and no finding recorded twice. */
  async expectEachEventOnce() {
    const events = await this.count('SELECT count(*) AS n FROM ingest.outbox');
    expect(await this.count('SELECT count(*) AS n FROM ledger.inbox')).toBe(events);
    expect(await this.count('SELECT count(*) AS n FROM ledger.dead_letters')).toBe(0);
    expect(await this.count('SELECT count(*) AS n FROM ingest.outbox WHERE published_at IS NULL')).toBe(0);
    expect(await this.count('SELECT count(*) AS n FROM ledger.outbox WHERE published_at IS NULL')).toBe(0);
    expect(
      await this.count('SELECT count(*) - count(DISTINCT (project_id, key)) AS n FROM ledger.findings'),
    ).toBe(0);
  }
  async stop() {
    for (const s of this.services) await stopService(s, 'SIGKILL').catch(() => {});
    await this.broker?.stop().catch(() => {});
    await this.pg?.drop().catch(() => {});
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

describe('distributed mode under faults', () => {
  let d: Deployment;
  beforeAll(async () => {
    const embedded = await startTestSystem({ kind: 'pglite' });
    await loadDemo(embedded.system, embedded.apiKeys, embedded.clock, embedded.system.app.log as never, city);
    await embedded.settle();
    reference = toRows((await embedded.admin.get('/v1/findings?limit=5000')).body.findings);
    await embedded.close();
    expect(reference.length).toBeGreaterThan(10);
  }, 180_000);
  afterEach(async () => {
    await d?.stop();
  });

  it('ingest killed between commit and publish, and a ledger SIGKILLed mid-stream: nothing lost, nothing doubled', async () => {
    d = new Deployment();
    await d.start();
    // Ingest commits every request but publishes nothing (its relay is held), then is killed.
    let ingest = await d.run('ingest', { WAGEWATCH_RELAY_ENABLED: '0' });
    const [ledgerA, , inspection] = await Promise.all([
      d.run('ledger'),
      d.run('ledger'),
      d.run('inspection'),
      d.run('deposits'),
    ]);
    await pushCity(ingest.base, city);
    const events = await d.count('SELECT count(*) AS n FROM ingest.outbox');
    expect(await d.count('SELECT count(*) AS n FROM ingest.outbox WHERE published_at IS NULL')).toBe(events);
    await stopService(ingest, 'SIGKILL');
    // Small relay batches spread the stream out; the relay starts publishing before the new
    // ingest reports ready, so the kill is timed while it is still starting.
    const ingestStarting = d.run('ingest', { WAGEWATCH_RELAY_BATCH_SIZE: '10' });
    // Kill one ledger once the group is a tenth through, then bring it back.
    const deadline = Date.now() + 60_000;
    let applied = await d.count('SELECT count(*) AS n FROM ledger.inbox');
    while (applied < events / 10 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      applied = await d.count('SELECT count(*) AS n FROM ledger.inbox');
    }
    await stopService(ledgerA!, 'SIGKILL');
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(events);
    ingest = await ingestStarting;
    const ledgerA2 = await d.run('ledger');
    expect(await d.sweepAndFindings(ledgerA2, inspection!)).toEqual(reference);
    await d.expectEachEventOnce();
  }, 180_000); // five processes, a broker and PostgreSQL share 2 cores: a minute is not always enough

  it('ingest crashing after a publish but before marking it: the republished events are applied once', async () => {
    d = new Deployment();
    await d.start();
    let ingest = await d.run('ingest', { WAGEWATCH_RELAY_ENABLED: '0' });
    const [ledger, inspection] = await Promise.all([d.run('ledger'), d.run('inspection'), d.run('deposits')]);
    await pushCity(ingest.base, city);
    await stopService(ingest);
    // This one sends its first batch, then exits before marking it published.
    const crashing = await startService('ingest', { ...d.env, WAGEWATCH_FAULT: 'exit-after-send' }).catch(
      (e) => e,
    );
    if (!(crashing instanceof Error)) {
      await new Promise<void>((r) =>
        crashing.child.exitCode !== null ? r() : crashing.child.once('exit', () => r()),
      );
    }
    const published = await d.count('SELECT count(*) AS n FROM ingest.outbox WHERE published_at IS NOT NULL');
    expect(published).toBe(0);
    ingest = await d.run('ingest');
    expect(await d.sweepAndFindings(ledger!, inspection!)).toEqual(reference);
    await d.expectEachEventOnce();
    // The first batch really went out twice: the topic holds more messages than the outbox has rows.
    const kafka = new Kafka({ brokers: [d.broker.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(TOPICS.ingest);
    await admin.disconnect();
    const onTopic = offsets.reduce((s, o) => s + Number(o.high), 0);
    expect(onTopic).toBeGreaterThan(await d.count('SELECT count(*) AS n FROM ingest.outbox'));
  }, 180_000); // five processes, a broker and PostgreSQL share 2 cores: a minute is not always enough

  it('the broker restarted on its data folder during a run: the same findings', async () => {
    d = new Deployment();
    await d.start();
    const ingest = await d.run('ingest');
    const [ledger, inspection] = await Promise.all([d.run('ledger'), d.run('inspection'), d.run('deposits')]);
    const half = Math.floor(city.transfers.length / 2);
    await pushCity(ingest.base, { ...city, transfers: city.transfers.slice(0, half), statements: [] });
    // Intake goes on while the broker is down: requests commit, the relay waits and resumes.
    await d.broker.restart(() =>
      pushCity(
        ingest.base,
        { ...city, projects: [], workers: [], payrolls: [], transfers: city.transfers.slice(half) },
        k,
      ),
    );
    expect(await d.sweepAndFindings(ledger!, inspection!)).toEqual(reference);
    await d.expectEachEventOnce();
  }, 180_000); // five processes, a broker and PostgreSQL share 2 cores: a minute is not always enough

  it('malformed and unknown-version messages land in the dead-letter topics and the partition keeps flowing', async () => {
    d = new Deployment();
    await d.start();
    const ingest = await d.run('ingest');
    await d.run('ledger');
    const p = projectBody({ startDate: '2026-10-01' });
    expect((await new ApiClient(ingest.base, k.admin).post('/v1/projects', p)).status).toBe(201);
    const kafka = new Kafka({ brokers: [d.broker.brokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    // 1. The ledger's input topic: garbage, then an envelope of an unknown version, then a good event, same key.
    const statement = (date: string) => ({
      projectId: p.projectId,
      bankCode: 'ICBC-PZH',
      accountNo: p.wageAccount.accountNo,
      date,
      openingBalance: '0.00',
      closingBalance: '0.00',
      debitCount: 0,
      debitTotal: '0.00',
      creditCount: 0,
      creditTotal: '0.00',
      receivedAt: '2026-11-20T10:00:00.000+08:00',
    });
    const good = makeEnvelope('test', {
      topic: TOPICS.ingest,
      type: 'bank.statement-reported',
      key: p.projectId,
      data: statement('2026-11-19'),
      occurredAt: new Date(),
    });
    const future = {
      ...makeEnvelope('test', {
        topic: TOPICS.ingest,
        type: 'bank.statement-reported',
        key: p.projectId,
        data: statement('2026-11-18'),
        occurredAt: new Date(),
      }),
      version: 99,
    };
    await producer.send({
      topic: TOPICS.ingest,
      messages: [
        { key: p.projectId, value: 'not json {' },
        { key: p.projectId, value: JSON.stringify(future) },
        { key: p.projectId, value: JSON.stringify(good) },
      ],
    });
    // 2. A bank's inbound topic: garbage, a body of an unknown contract version, then a good one.
    const transfer = {
      records: [
        {
          bankRef: 'INB-1',
          accountNo: p.wageAccount.accountNo,
          direction: 'debit',
          amount: '5000.00',
          counterpartyAccountNo: card(1),
          counterpartyName: '工人1',
          counterpartyIdNumber: residentId(1),
          bookedAt: '2026-11-13T10:00:00+08:00',
          status: 'booked',
        },
      ],
    };
    await producer.send({
      topic: BANK_INBOUND_TOPICS.transfers,
      messages: [
        { key: 'ICBC-PZH', value: '\u0000\u0001 garbage', headers: { 'x-bank-code': 'ICBC-PZH' } },
        {
          key: 'ICBC-PZH',
          value: JSON.stringify(transfer),
          headers: { 'x-bank-code': 'ICBC-PZH', 'x-contract-version': '2' },
        },
        { key: 'ICBC-PZH', value: JSON.stringify(transfer), headers: { 'x-bank-code': 'ICBC-PZH' } },
      ],
    });
    await producer.disconnect();

    const deadline = Date.now() + 60_000;
    const read = async () => ({
      statement: await d.count(
        "SELECT count(*) AS n FROM ledger.statements WHERE statement_date = '2026-11-19'",
      ),
      transfer: await d.count("SELECT count(*) AS n FROM ingest.bank_transfers WHERE bank_ref = 'INB-1'"),
      ledgerDead: await d.count('SELECT count(*) AS n FROM ledger.dead_letters'),
    });
    let state = await read();
    while (
      !(state.statement === 1 && state.transfer === 1 && state.ledgerDead >= 2) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 200));
      state = await read();
    }
    expect(state).toEqual({ statement: 1, transfer: 1, ledgerDead: 2 });

    const dlq = async (topic: string, n: number) => {
      const consumer = kafka.consumer({ groupId: `dlq-reader-${topic}-${Date.now()}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got: { reason: string; value: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${got.length} dead letters on ${topic}`)),
          30_000,
        );
        consumer.run({
          eachMessage: async ({ message }) => {
            got.push({ reason: String(message.headers?.['x-reason'] ?? ''), value: String(message.value) });
            if (got.length >= n) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      await consumer.disconnect();
      return got;
    };
    const ledgerDlq = await dlq(deadLetterTopic('ledger'), 2);
    expect(ledgerDlq.map((m) => m.value)).toEqual(['not json {', JSON.stringify(future)]);
    expect(ledgerDlq[0]!.reason).toMatch(/not JSON/);
    expect(ledgerDlq[1]!.reason).toMatch(/unsupported version 99 of bank.statement-reported/);
    const ingestDlq = await dlq(deadLetterTopic('ingest'), 2);
    expect(ingestDlq[0]!.reason).toMatch(/not JSON|not UTF-8/);
    expect(ingestDlq[1]!.reason).toBe('unsupported contract version 2 (known: 1)');
  });
});
