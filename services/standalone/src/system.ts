import { DeadLetters, InProcessBus } from '@wagewatch/bus';
import type { Database } from '@wagewatch/db';
import { createDeposits } from '@wagewatch/deposits';
import {
  defaultCalendar,
  type LadderConfig,
  type PatrolPolicy,
  ratePolicyById,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { createIngest, type PayrollFileReaderOptions } from '@wagewatch/ingest';
import { createInspection, type DocumentConfig, type WebhookTargetPolicy } from '@wagewatch/inspection';
import { createLedger } from '@wagewatch/ledger';
import {
  type ApiKeys,
  buildHttpApp,
  type Clock,
  createMetrics,
  deadLetterRoutes,
  type HttpProtection,
  KeyRegistry,
  type Logger,
  type Scheduler,
  type SecretBox,
  SessionStore,
  type SessionStoreOptions,
  TimerScheduler,
} from '@wagewatch/runtime';
import type { FastifyRequest } from 'fastify';

export type EmbeddedOptions = {
  db: Database;
  clock: Clock;
  logger: Logger;
  apiKeys: ApiKeys;
  /** Seals the secrets the system keeps (webhook secrets): the env key or the data folder's key file. */
  secrets: SecretBox;
  calendar?: WorkingDayCalendar;
  /** Interval of the deadline sweep timer; undefined: no timer (tests run sweeps explicitly). */
  sweepIntervalMs?: number;
  /** The provincial deposit policy (a row of DEPOSIT_POLICIES); default national-default. */
  depositPolicy?: string;
  /** The compliance policy of the payment rates (a row of RATE_POLICIES); default national-default. */
  ratePolicy?: string;
  /** 工资查询's limits per hour: per address, per ID number. */
  wageLookupLimits?: { perAddress?: number; perIdNumber?: number };
  /** Where webhooks may go (default: https: to public addresses only). */
  webhookTargets?: WebhookTargetPolicy;
  /** Rate limits and the event-loop pressure bound; generous defaults (runtime http-protection.ts). */
  protection?: Partial<HttpProtection>;
  /** Bounds of uploaded payroll files (ingest payroll-file/reader.ts). */
  uploads?: Partial<PayrollFileReaderOptions>;
  /** How often the key registry re-reads revocations (default 5 s; one process revokes at once). */
  keyRefreshMs?: number;
  /** The escalation ladder (default DEFAULT_LADDER_CONFIG; the env sets the longest justification pause). */
  ladder?: LadderConfig;
  /** 日常巡查's policy (default DEFAULT_PATROL_POLICY; the env sets the threshold and visits). */
  patrols?: PatrolPolicy;
  /** Who issues the bureau's orders and referrals (inspection orders/env.ts). */
  documents?: DocumentConfig;
  /** Session lifetimes and cache (runtime session-store.ts; env WAGEWATCH_SESSION_*). */
  sessions?: SessionStoreOptions;
  /** The console's build folder, served at `/` (docs/adr/0019-console.md); absent: the API alone. */
  consoleDir?: string;
  /** The longest delivery waits for requests that write (default 3000 ms; docs/adr/0024). */
  deliveryYieldMaxMs?: number;
};

/**
 * The embedded composition root: every service in one process, on one database (PGlite or
 * PostgreSQL), events delivered in-process from the same outboxes, scheduled work on timers.
 */
export async function createEmbeddedSystem(options: EmbeddedOptions) {
  const { db, clock, logger, apiKeys } = options;
  const calendar = options.calendar ?? defaultCalendar;
  const ingest = createIngest({
    db,
    apiKeys,
    clock,
    calendar,
    ...(options.uploads ? { uploads: options.uploads } : {}),
  });
  const deposits = createDeposits({
    db,
    clock,
    calendar,
    ...(options.depositPolicy ? { policyId: options.depositPolicy } : {}),
  });
  // The ledger's sweep (the admin route, the timer, the demo) runs the deposits' sweep after
  // its own, once the findings it raised have reached the deposits (contractors' records).
  let bus: InProcessBus | undefined;
  const sweepDeposits = async (asOf: Date) => {
    await bus?.drain();
    return deposits.sweep(asOf);
  };
  // Then the inspection's sweep: the escalation ladder moves with the findings just recorded.
  const sweepInspection = async (asOf: Date) => {
    await bus?.drain();
    await inspection.sweep(asOf);
    return { results: [] };
  };
  const ledger = createLedger({
    db,
    clock,
    calendar,
    extraSweeps: [sweepDeposits, sweepInspection],
    ratePolicy: ratePolicyById(options.ratePolicy ?? 'national-default'),
    ...(options.wageLookupLimits ? { wageLookupLimits: options.wageLookupLimits } : {}),
  });
  const inspection = createInspection({
    db,
    clock,
    calendar,
    secrets: options.secrets,
    ...(options.webhookTargets ? { webhookTargets: options.webhookTargets } : {}),
    ...(options.ladder ? { ladder: options.ladder } : {}),
    ...(options.patrols ? { patrols: options.patrols } : {}),
    ...(options.documents ? { documents: options.documents } : {}),
  });
  for (const service of [ingest, ledger, deposits, inspection]) {
    const applied = await service.migrate();
    if (applied) logger.info({ service: service.name, applied }, 'migrations applied');
  }
  // Revocation and last use of API keys (the shared auth schema, docs/adr/0015-key-registry.md).
  const keys = new KeyRegistry(db, clock, {
    ...(options.keyRefreshMs ? { refreshMs: options.keyRefreshMs } : {}),
    onError: (err) => logger.warn({ err }, 'key registry: refresh or last-use write failed'),
  });
  apiKeys.attach(keys);
  await keys.start();
  // People's sessions (the same auth schema, docs/adr/0017-people-sessions-csrf.md).
  const sessions = new SessionStore(db, clock, options.sessions);
  apiKeys.attachSessions(sessions);
  await sessions.start();
  // A replay clock resumes at the latest instant the system was swept to (a restart mid-replay).
  for (const service of [ledger, deposits, inspection]) clock.sweptTo?.(await service.clockInstant());
  let writing = 0;
  bus = new InProcessBus(
    db,
    [ingest.outbox, ledger.outbox, deposits.outbox, inspection.outbox],
    [ledger.consumer, deposits.consumer, inspection.consumer, ingest.consumer],
    logger.child({ component: 'bus' }),
    {
      busy: () => writing > 0,
      ...(options.deliveryYieldMaxMs ? { yieldMaxMs: options.deliveryYieldMaxMs } : {}),
    },
  );
  const delivery = bus;
  const deadLetters = [ledger.consumer, deposits.consumer, inspection.consumer, ingest.consumer].map(
    (c) => new DeadLetters(db, c, clock),
  );
  const metrics = createMetrics();
  const app = await buildHttpApp({
    logger,
    apiKeys,
    metrics,
    readiness: [{ name: 'database', check: async () => void (await db.query('SELECT 1')) }],
    ...(options.protection ? { protection: options.protection } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    plugins: [
      ingest.routes,
      ledger.routes,
      deposits.routes,
      inspection.routes,
      deadLetterRoutes(deadLetters),
    ],
  });
  // Requests that write, in flight: delivery waits for them (docs/adr/0024).
  const inFlight = new WeakSet<object>();
  const done = async (req: FastifyRequest) => {
    if (inFlight.delete(req)) writing--;
  };
  app.addHook('onRequest', async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') {
      inFlight.add(req);
      writing++;
    }
  });
  app.addHook('onResponse', done);
  app.addHook('onRequestAbort', done);
  app.addHook('onRequest', async (req) => {
    if (req.url === '/metrics') {
      for (const o of [ingest.outbox, ledger.outbox, deposits.outbox, inspection.outbox])
        metrics.outboxBacklog.labels(o.schema).set(await pendingFor(db, o.schema));
      metrics.eventsApplied.reset();
      metrics.eventsApplied.labels('embedded').inc(delivery.stats.applied);
      metrics.eventsDeadLettered.reset();
      metrics.eventsDeadLettered.labels('embedded').inc(delivery.stats.deadLettered);
    }
  });
  let scheduler: Scheduler | undefined;

  return {
    app,
    db,
    sessions,
    bus: delivery,
    ingest,
    ledger,
    deposits,
    inspection,
    metrics,
    /** The API key registry (revocations, last use). */
    keys,
    /** Each consumer's dead letters (list, re-apply): the admin routes and the command use these. */
    deadLetters,
    /** Starts delivery and, when configured, the sweep timer. */
    start() {
      delivery.start();
      if (options.sweepIntervalMs) {
        scheduler = new TimerScheduler(logger);
        scheduler.every('deadline-sweep', options.sweepIntervalMs, async () => {
          await delivery.drain();
          const r = await ledger.sweep(clock.now()); // the deposits' sweep too (extraSweeps)
          const n = [...r.results, ...r.extra].reduce((s, x) => s + x.transitions.length, 0);
          if (n) logger.info({ asOf: r.asOf, transitions: n }, 'deadline sweep recorded changes');
        });
      }
    },
    /** Waits until every event written so far has been applied by every consumer. */
    drain: () => delivery.drain(),
    async stop() {
      await scheduler?.stop();
      await app.close();
      await keys.stop();
      await delivery.stop();
    },
  };
}
export type EmbeddedSystem = Awaited<ReturnType<typeof createEmbeddedSystem>>;

/** Events some consumer has not applied yet (the slowest consumer's lag). */
async function pendingFor(db: Database, schema: string): Promise<number> {
  const rows = await db.query<{ n: bigint }>(
    `SELECT count(*) AS n FROM "${schema}".outbox WHERE seq > (SELECT coalesce(min(position), 0) FROM (
       SELECT position FROM ledger.cursors WHERE source = $1 UNION ALL SELECT position FROM deposits.cursors WHERE source = $1
       UNION ALL SELECT position FROM inspection.cursors WHERE source = $1) c)`,
    [`outbox:${schema}`],
  );
  return Number(rows[0]?.n ?? 0n);
}
