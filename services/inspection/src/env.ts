import { hostEnvSchema, parseEnv } from '@wagewatch/host';

/** The only place the inspection process reads its environment. */
export const env = parseEnv(hostEnvSchema, process.env);
