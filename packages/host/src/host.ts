import {
  type Consumer,
  DeadLetters,
  declaredTopics,
  ensureTopics,
  KafkaConsumerRunner,
  KafkaRelay,
  type Outbox,
  sweepTrace,
  withTrace,
} from '@wagewatch/bus';
import { type Database, openPostgres } from '@wagewatch/db';
import { BullScheduler } from '@wagewatch/jobs';
import {
  ApiKeys,
  buildHttpApp,
  type Clock,
  createClock,
  createLogger,
  createMetrics,
  deadLetterRoutes,
  httpProtectionFromEnv,
  KeyRegistry,
  type Logger,
  SessionStore,
  sessionOptionsFromEnv,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { HostEnv } from './env.ts';

export type HostDeps = { db: Database; apiKeys: ApiKeys; clock: Clock; logger: Logger; kafka: Kafka };

/** What a service brings to a process of its own. */
export type ServiceModule = {
  name: string;
  migrate(): Promise<number>;
  routes: FastifyPluginAsync[];
  /** The outbox its relay publishes (omit when the service emits nothing). */
  outbox?: Outbox;
  /** Consumers run in Kafka consumer groups (group = consumer.group). */
  consumers?: Consumer[];
  /** Other long-running parts (a bank's inbound topic reader) with start/stop. */
  workers?: { start(): Promise<void>; stop(): Promise<void> }[];
  /**
   * The latest instant the service was swept to (its persisted evaluation instant). With the
   * manual clock the process starts there and re-reads it on every request, so the replicas of
   * a service agree on "now" after any one of them was swept.
   */
  clockInstant?: () => Promise<Date>;
  /**
   * Scheduled work: BullMQ job schedulers, one run per occurrence across instances. These are
   * the time-driven sweeps, so none runs on the manual clock (a replay sweeps explicitly).
   */
  schedules?: { name: string; intervalMs: number; run: () => Promise<unknown> }[];
  /** The console's build folder to serve at `/` (the inspection process, WAGEWATCH_CONSOLE_DIR). */
  consoleDir?: string;
};

/**
 * The distributed composition root shared by every service: PostgreSQL, Kafka (relay and
 * consumer groups), BullMQ on Redis, the HTTP shell with /health, /ready and /metrics, and a
 * graceful shutdown (stop accepting, stop consuming after the batch in flight, commit, flush
 * the outbox, close).
 */
export async function runService(
  env: HostEnv,
  build: (deps: HostDeps) => ServiceModule,
): Promise<{ stop(): Promise<void> }> {
  const logger = createLogger({ level: env.LOG_LEVEL });
  const db = openPostgres({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_SIZE });
  const apiKeys = new ApiKeys(env.WAGEWATCH_KEY_SECRET, env.WAGEWATCH_BOOTSTRAP_ADMIN_KEY, {
    previousSecrets: env.WAGEWATCH_KEY_SECRETS_PREVIOUS,
  });
  const kafka = new Kafka({
    clientId: env.KAFKA_CLIENT_ID ?? 'wagewatch',
    brokers: env.KAFKA_BROKERS,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
  });
  // The one clock of the process, chosen here (docs/adr/0007-the-system-clock.md).
  const manual = env.WAGEWATCH_CLOCK === 'manual';
  const clock = createClock(
    env.WAGEWATCH_CLOCK,
    env.WAGEWATCH_CLOCK_START ? new Date(env.WAGEWATCH_CLOCK_START) : undefined,
  );
  const service = build({ db, apiKeys, clock, logger, kafka });
  const log = logger.child({ service: service.name });

  const applied = await service.migrate();
  if (applied) log.info({ applied }, 'migrations applied');
  const followSweeps = async () => {
    if (manual && service.clockInstant) clock.sweptTo?.(await service.clockInstant());
  };
  // Revocations reach this process within WAGEWATCH_KEY_REFRESH_MS (docs/adr/0015-key-registry.md).
  const keys = new KeyRegistry(db, clock, {
    refreshMs: env.WAGEWATCH_KEY_REFRESH_MS,
    onError: (err) => log.warn({ err }, 'key registry: refresh or last-use write failed'),
  });
  apiKeys.attach(keys);
  await keys.start();
  // Every process authenticates people's session cookies against the shared auth schema
  // (docs/adr/0017-people-sessions-csrf.md): a logout or a disabled user is refused within seconds.
  const sessions = new SessionStore(db, clock, sessionOptionsFromEnv(env));
  apiKeys.attachSessions(sessions);
  await sessions.start();
  await followSweeps();
  if (manual)
    log.info({ now: clock.now().toISOString() }, 'manual clock: now is the latest instant swept to');
  if (env.WAGEWATCH_ENSURE_TOPICS === '1') {
    const admin = kafka.admin();
    await admin.connect();
    const r = await ensureTopics(admin, declaredTopics());
    await admin.disconnect();
    if (r.created.length) log.info({ created: r.created }, 'topics created');
  }

  const metrics = createMetrics();
  const relay =
    service.outbox && env.WAGEWATCH_RELAY_ENABLED === '1'
      ? new KafkaRelay(db, service.outbox, kafka, log, {
          batchSize: env.WAGEWATCH_RELAY_BATCH_SIZE,
          ...(env.WAGEWATCH_FAULT === 'exit-after-send'
            ? {
                afterSend: async () => {
                  log.warn('fault injection: exiting after a send, before marking it published');
                  process.exit(137);
                },
              }
            : {}),
        })
      : undefined;
  const { Counter, Gauge } = await import('prom-client');
  // Where each consumer's time goes: applying chunks, or its deferred work (idle), which holds
  // the chunks off while it runs (docs/scaling.md reads these to tell the two apart).
  const busy = new Counter({
    name: 'wagewatch_consumer_busy_seconds_total',
    help: 'Seconds a consumer spent applying chunks (work="apply") or in its deferred work (work="idle")',
    labelNames: ['group', 'work'],
    registers: [metrics.registry],
  });
  const runs = new Counter({
    name: 'wagewatch_consumer_runs_total',
    help: 'Chunks applied (work="apply") and deferred-work runs (work="idle") per consumer group',
    labelNames: ['group', 'work'],
    registers: [metrics.registry],
  });
  const runners = (service.consumers ?? []).map(
    (c) =>
      new KafkaConsumerRunner(db, c, kafka, log, {
        sessionTimeout: env.KAFKA_SESSION_TIMEOUT_MS,
        heartbeatInterval: Math.max(500, Math.floor(env.KAFKA_SESSION_TIMEOUT_MS / 10)),
        maxIdleDeferMs: env.WAGEWATCH_CONSUMER_IDLE_MAX_DEFER_MS,
        onApplied: (n) => metrics.eventsApplied.labels(c.group).inc(n),
        onDeadLettered: (n) => metrics.eventsDeadLettered.labels(c.group).inc(n),
        onChunkTimed: (ms) => {
          busy.labels(c.group, 'apply').inc(ms / 1000);
          runs.labels(c.group, 'apply').inc();
        },
        onIdleTimed: (ms) => {
          busy.labels(c.group, 'idle').inc(ms / 1000);
          runs.labels(c.group, 'idle').inc();
        },
      }),
  );
  const lag = new Gauge({
    name: 'wagewatch_consumer_lag',
    help: 'Messages not yet applied, per consumer group',
    labelNames: ['group'],
    registers: [metrics.registry],
    async collect() {
      for (const [i, r] of runners.entries())
        this.labels(service.consumers![i]!.group).set(await r.lag().catch(() => -1));
    },
  });
  void lag;
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => {});
  const schedules = manual ? [] : (service.schedules ?? []);
  if (manual && service.schedules?.length)
    log.info({ schedules: service.schedules.map((x) => x.name) }, 'manual clock: scheduled sweeps are off');
  const scheduler = schedules.length
    ? new BullScheduler({
        redisUrl: env.REDIS_URL,
        prefix: env.WAGEWATCH_REDIS_PREFIX,
        queueName: `${service.name}-schedules`,
        logger: log,
      })
    : undefined;

  const admin = kafka.admin();
  const app = await buildHttpApp({
    logger: log,
    apiKeys,
    metrics,
    protection: httpProtectionFromEnv(env),
    ...(service.consoleDir ? { consoleDir: service.consoleDir } : {}),
    readiness: [
      { name: 'database', check: async () => void (await db.query('SELECT 1')) },
      {
        name: 'kafka',
        check: async () => {
          await admin.connect();
          await admin.describeCluster();
        },
      },
      {
        name: 'redis',
        check: async () => {
          if (redis.status === 'wait') await redis.connect();
          await redis.ping();
        },
      },
    ],
    // Every process serves the dead letters of the consumers it runs (docs/adr/0011).
    plugins: [
      ...service.routes,
      deadLetterRoutes((service.consumers ?? []).map((c) => new DeadLetters(db, c, clock))),
    ],
  });
  app.addHook('onRequest', async (req) => {
    if (manual && /^\/(v1|public)\//.test(req.url)) await followSweeps();
    if (req.url === '/metrics' && service.outbox) {
      metrics.outboxBacklog.labels(service.outbox.schema).set(await service.outbox.backlog(db));
    }
  });

  await relay?.start();
  for (const r of runners) await r.start();
  for (const w of service.workers ?? []) await w.start();
  // A scheduled sweep starts a chain of its own, `sweep:<instant>` (a sweep that knows its
  // effective instant, the ledger's and the deposits', names that one instead).
  for (const s of schedules)
    scheduler!.every(s.name, s.intervalMs, () => withTrace(sweepTrace(clock.now()), s.run));
  const address = await app.listen({ port: env.PORT, host: env.HOST });
  log.info({ address }, `${service.name} is running`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log.info('shutting down');
      await app.close();
      await keys.stop();
      for (const w of service.workers ?? []) await w.stop();
      for (const r of runners) await r.stop();
      await scheduler?.stop();
      await relay?.stop();
      await admin.disconnect().catch(() => {});
      redis.disconnect();
      await db.close();
      log.info('stopped');
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { stop };
}
