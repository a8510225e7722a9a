import { CLOCK_MODES, httpProtectionEnv, sessionEnv } from '@wagewatch/runtime';
import { z } from 'zod';

export const previousSecrets = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().min(32, 'each previous key secret must be at least 32 characters')));

/** The environment every distributed service reads (each service's env.ts extends it). */
export const hostEnvSchema = z.object({
  /** Rate limits and the event-loop pressure bound (runtime http-protection.ts). */
  ...httpProtectionEnv,
  ...sessionEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * The address to listen on. Default 127.0.0.1: a process serves its port to other hosts only
   * when told so (the container image and compose file set HOST=0.0.0.0).
   */
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().startsWith('postgres'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  KAFKA_CLIENT_ID: z.string().optional(),
  /** A consumer that stops heartbeating for this long loses its partitions to the others. */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * A consumer's deferred work (the ledger's and the deposits' evaluation of the projects a batch
   * touched, inspection's case evaluation) runs once it has caught up, and under sustained load
   * at least this often, beside the batches (it no longer holds them off): a longer interval
   * means fewer, larger evaluation runs under a burst, and findings later in it.
   */
  WAGEWATCH_CONSUMER_IDLE_MAX_DEFER_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  REDIS_URL: z.string().startsWith('redis'),
  /** Namespace of BullMQ's keys in Redis (one per deployment). */
  WAGEWATCH_REDIS_PREFIX: z.string().default('wagewatch'),
  WAGEWATCH_KEY_SECRET: z.string().min(32),
  /**
   * A rotation's overlap window: earlier signing secrets (comma-separated), still accepted for
   * verification until removed; new keys are signed with WAGEWATCH_KEY_SECRET.
   */
  WAGEWATCH_KEY_SECRETS_PREVIOUS: previousSecrets,
  /** How often each process re-reads the revoked keys (a revocation's delay elsewhere). */
  WAGEWATCH_KEY_REFRESH_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  WAGEWATCH_BOOTSTRAP_ADMIN_KEY: z.string().min(16).optional(),
  /** Create missing topics (infra/kafka/topics.json) at start. */
  WAGEWATCH_ENSURE_TOPICS: z.enum(['0', '1']).default('1'),
  /** Publish the outbox (1) or hold events in it (0: maintenance, and fault tests). */
  WAGEWATCH_RELAY_ENABLED: z.enum(['0', '1']).default('1'),
  /** Outbox rows per relay send. */
  WAGEWATCH_RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /**
   * `system`: the wall clock. `manual`: a replay — the process's "now" is the latest instant it
   * was swept to (its admin sweep route; `WAGEWATCH_CLOCK_START` before the first), and no
   * scheduled sweep runs.
   */
  WAGEWATCH_CLOCK: z.enum(CLOCK_MODES).default('system'),
  /** The manual clock's instant before the first sweep (ISO 8601); default the epoch. */
  WAGEWATCH_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  /** Fault injection for tests only: exit right after a relay send, before marking it published. */
  WAGEWATCH_FAULT: z.enum(['none', 'exit-after-send']).default('none'),
});
export type HostEnv = z.infer<typeof hostEnvSchema>;

export function parseEnv<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid environment:\n${lines}`);
  }
  return parsed.data;
}
