import { DEPOSIT_POLICIES } from '@wagewatch/domain';
import { hostEnvSchema, parseEnv } from '@wagewatch/host';
import { z } from 'zod';

/** The only place the deposits process reads its environment. */
export const env = parseEnv(
  hostEnvSchema.extend({
    /** How often the deposit sweep runs (BullMQ, once per occurrence across instances); 0: never. */
    WAGEWATCH_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    /** The provincial deposit policy: a row of DEPOSIT_POLICIES. An unknown id fails at start. */
    WAGEWATCH_DEPOSIT_POLICY: z
      .string()
      .min(1)
      .default('national-default')
      .refine((id) => Object.hasOwn(DEPOSIT_POLICIES, id), {
        message: `unknown deposit policy; known policies: ${Object.keys(DEPOSIT_POLICIES).join(', ')} (packages/domain/src/deposits/policy.ts)`,
      }),
  }),
  process.env,
);
