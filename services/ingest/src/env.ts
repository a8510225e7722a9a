import { hostEnvSchema, parseEnv } from '@wagewatch/host';
import { z } from 'zod';

/** The only place the ingest process reads its environment. */
export const env = parseEnv(
  hostEnvSchema.extend({
    /** Read banks' inbound Kafka topics (1) or not (0). */
    WAGEWATCH_BANK_TOPICS: z.enum(['0', '1']).default('1'),
  }),
  process.env,
);
