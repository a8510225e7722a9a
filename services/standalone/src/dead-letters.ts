import { userInfo } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@wagewatch/db';
import { ApiKeys, createClock, createLogger } from '@wagewatch/runtime';
import { deadLettersCommand } from './dead-letters-command.ts';
import { readEnv } from './env.ts';
import { loadSecrets } from './secrets-key.ts';

/**
 * `pnpm dead-letters list|show|reapply …` (services/standalone): the dead-letter command on the
 * database the embedded system uses (WAGEWATCH_DATABASE_URL, else the PGlite folder under
 * WAGEWATCH_DATA_DIR: stop the server first, PGlite is single-process) or on the PostgreSQL of
 * the distributed services (WAGEWATCH_DATABASE_URL=$DATABASE_URL).
 */
const env = readEnv();
const db = await openDatabase(
  env.WAGEWATCH_DATABASE_URL
    ? { kind: 'postgres', url: env.WAGEWATCH_DATABASE_URL }
    : { kind: 'pglite', dataDir: join(env.WAGEWATCH_DATA_DIR, 'pglite') },
);
const code = await deadLettersCommand(process.argv.slice(2), {
  db,
  clock: createClock(env.WAGEWATCH_CLOCK),
  logger: createLogger({ level: 'warn', name: 'wagewatch-dead-letters' }),
  // Only verifies keys, and none is presented here: a throwaway secret will do.
  apiKeys: new ApiKeys('dead-letters-command-does-not-verify-keys-0000'),
  // The deployment's key: a re-applied event may lead to a webhook delivery.
  secrets: loadSecrets(env.WAGEWATCH_DATA_DIR, env.WAGEWATCH_SECRETS_KEY),
  by: `cli:${userInfo().username}`,
  out: (line) => process.stdout.write(`${line}\n`),
});
await db.close();
process.exit(code);
