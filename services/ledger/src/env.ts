import { RATE_POLICIES } from '@wagewatch/domain';
import { hostEnvSchema, parseEnv } from '@wagewatch/host';
import { z } from 'zod';

/** The only place the ledger process reads its environment. */
export const env = parseEnv(
  hostEnvSchema.extend({
    /** How often the deadline sweep runs (BullMQ, once per occurrence across instances); 0: never. */
    WAGEWATCH_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    /** 工资查询: lookups an hour per address and per ID number (429 beyond). */
    WAGEWATCH_WAGE_LOOKUP_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
    WAGEWATCH_WAGE_LOOKUP_PER_ID: z.coerce.number().int().min(1).default(6),
    /** The compliance policy of the payment rates: a row of RATE_POLICIES. An unknown id fails at start. */
    WAGEWATCH_RATE_POLICY: z
      .string()
      .min(1)
      .default('national-default')
      .refine((id) => Object.hasOwn(RATE_POLICIES, id), {
        message: `unknown rate policy; known policies: ${Object.keys(RATE_POLICIES).join(', ')} (packages/domain/src/rates/policy.ts)`,
      }),
  }),
  process.env,
);
