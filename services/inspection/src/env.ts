import { hostEnvSchema, parseEnv } from '@wagewatch/host';
import { secretsKeyProblem } from '@wagewatch/runtime';
import { z } from 'zod';
import { webhookTargetEnv } from './alerts/webhook-targets.ts';
import { ladderEnv } from './ladder-env.ts';
import { documentEnv } from './orders/env.ts';

/** The only place the inspection process reads its environment. */
export const env = parseEnv(
  hostEnvSchema.extend({
    /** How often the escalation sweep runs (BullMQ, once per occurrence across instances); 0: never. */
    WAGEWATCH_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    /** Seals webhook secrets at rest (AES-256-GCM): base64 of 32 random bytes (`openssl rand -base64 32`). */
    WAGEWATCH_SECRETS_KEY: z.string().superRefine((s, ctx) => {
      const problem = secretsKeyProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    /**
     * The console's build folder (services/console/dist) to serve at `/`: in the distributed mode
     * the inspection process serves it (docs/adr/0019-console.md); unset: no console here.
     */
    WAGEWATCH_CONSOLE_DIR: z.string().optional(),
    /** Where webhooks may go: WAGEWATCH_WEBHOOK_ALLOW_HTTP, WAGEWATCH_WEBHOOK_ALLOW_HOSTS. */
    ...webhookTargetEnv.shape,
    /** The longest justification pause, in working days (WAGEWATCH_MAX_PAUSE_WORKING_DAYS, default 30). */
    ...ladderEnv.shape,
    /** Who issues the orders and referrals, and their numbers' prefixes (orders/env.ts). */
    ...documentEnv.shape,
  }),
  process.env,
);
