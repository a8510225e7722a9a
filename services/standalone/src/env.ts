import { fileURLToPath } from 'node:url';
import { documentEnv, ladderEnv, webhookTargetEnv } from '@wagewatch/inspection';
import { CLOCK_MODES, httpProtectionEnv, secretsKeyProblem, sessionEnv } from '@wagewatch/runtime';
import { z } from 'zod';

/** The only place the standalone process reads its environment. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * The address to listen on. Default 127.0.0.1: a laptop install does not serve a city's wage
   * data to its Wi-Fi. The container image and compose file set HOST=0.0.0.0 explicitly.
   */
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WAGEWATCH_DATA_DIR: z.string().default(fileURLToPath(new URL('../../../.data/embedded', import.meta.url))),
  /** The console's build (`pnpm start` builds it first when missing or stale), served at `/`. */
  WAGEWATCH_CONSOLE_DIR: z.string().default(fileURLToPath(new URL('../../console/dist', import.meta.url))),
  /** Run the embedded system on a PostgreSQL server instead of PGlite (optional). */
  WAGEWATCH_DATABASE_URL: z.string().optional(),
  WAGEWATCH_DEMO: z.enum(['0', '1']).default('1'),
  WAGEWATCH_BOOTSTRAP_ADMIN_KEY: z.string().min(16).optional(),
  /** Signs API keys; generated and kept in the data folder when not given. */
  WAGEWATCH_KEY_SECRET: z.string().min(32).optional(),
  /**
   * Seals webhook secrets at rest (AES-256-GCM): base64 of 32 bytes; generated into the data
   * folder (`secrets-key`, 0600) when not given.
   */
  WAGEWATCH_SECRETS_KEY: z
    .string()
    .superRefine((s, ctx) => {
      const problem = secretsKeyProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /**
   * A rotation's overlap window: earlier signing secrets (comma-separated), still accepted for
   * verification until removed; new keys are signed with the current secret.
   */
  WAGEWATCH_KEY_SECRETS_PREVIOUS: z
    .string()
    .optional()
    .transform((s) =>
      (s ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().min(32, 'each previous key secret must be at least 32 characters'))),
  /** How often the key registry re-reads revoked keys (matters when several processes share a database). */
  WAGEWATCH_KEY_REFRESH_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** How often the timer sweeps (every time-based rule as of now); 0: never (sweep by hand). */
  WAGEWATCH_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  /**
   * `system`: the wall clock. `manual`: a replay — "now" is the latest instant swept to
   * (`POST /v1/admin/sweep {asOf}`), `WAGEWATCH_CLOCK_START` before the first; no timer runs.
   */
  WAGEWATCH_CLOCK: z.enum(CLOCK_MODES).default('system'),
  /** The manual clock's instant before the first sweep (ISO 8601); default the epoch. */
  WAGEWATCH_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  /** The provincial wage-guarantee deposit policy (an id of DEPOSIT_POLICIES). */
  WAGEWATCH_DEPOSIT_POLICY: z.string().default('national-default'),
  /** 工资查询: lookups an hour per address and per ID number (429 beyond). */
  WAGEWATCH_WAGE_LOOKUP_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  WAGEWATCH_WAGE_LOOKUP_PER_ID: z.coerce.number().int().min(1).default(6),
  /** The compliance policy of the payment rates (an id of RATE_POLICIES). */
  WAGEWATCH_RATE_POLICY: z.string().default('national-default'),
  /**
   * Where webhooks may go (default: https: to public addresses only): WAGEWATCH_WEBHOOK_ALLOW_HTTP
   * (true: http: too), WAGEWATCH_WEBHOOK_ALLOW_HOSTS (internal host names, IPs, CIDRs admitted).
   */
  ...webhookTargetEnv.shape,
  /** The longest justification pause, in working days (WAGEWATCH_MAX_PAUSE_WORKING_DAYS, default 30). */
  ...ladderEnv.shape,
  /** Who issues the orders and referrals, and their numbers' prefixes (inspection orders/env.ts). */
  ...documentEnv.shape,
  /** Rate limits and the event-loop pressure bound (runtime http-protection.ts). */
  ...httpProtectionEnv,
  ...sessionEnv,
});

export type Env = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid environment:\n${lines}`);
  }
  return parsed.data;
}
