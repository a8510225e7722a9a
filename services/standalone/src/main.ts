import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@wagewatch/db';
import {
  documentsFromEnv,
  ladderFromEnv,
  patrolPolicyFromEnv,
  webhookTargetPolicyFromEnv,
} from '@wagewatch/inspection';
import {
  ApiKeys,
  createClock,
  createLogger,
  httpProtectionFromEnv,
  sessionOptionsFromEnv,
} from '@wagewatch/runtime';
import { restrictNewFiles, secureDataDir } from './data-dir.ts';
import { createDemoUsers, loadDemo } from './demo.ts';
import { displayPath, prepareDemoKeys, prepareDemoUsers } from './demo-keys.ts';
import { readEnv } from './env.ts';
import { tuneEmbeddedHeap } from './heap.ts';
import { loadSecrets } from './secrets-key.ts';
import { createEmbeddedSystem } from './system.ts';

/** The embedded default: the whole of Wagewatch in one process (server entry). */
const env = readEnv();
// A smaller old generation between collections: docs/adr/0029-embedded-heap-growth.md.
tuneEmbeddedHeap();
const logger = createLogger({ level: env.LOG_LEVEL, name: 'wagewatch' });
// Personal data lives in the data folder: nobody but this user reads it (0700 / 0600).
restrictNewFiles();
secureDataDir(env.WAGEWATCH_DATA_DIR, logger);
// Every state change is transactional (state and events together), so a stray rejected promise
// cannot leave half-done work: log it loudly and keep serving. An uncaught exception may have
// left the process in an unknown state: log it and exit (restart to recover).
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception; exiting');
  process.exit(1);
});

const secretFile = join(env.WAGEWATCH_DATA_DIR, 'key-secret');
if (!env.WAGEWATCH_KEY_SECRET && !existsSync(secretFile))
  writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
const apiKeys = new ApiKeys(
  env.WAGEWATCH_KEY_SECRET ?? readFileSync(secretFile, 'utf8').trim(),
  env.WAGEWATCH_BOOTSTRAP_ADMIN_KEY,
  { previousSecrets: env.WAGEWATCH_KEY_SECRETS_PREVIOUS },
);

const db = await openDatabase(
  env.WAGEWATCH_DATABASE_URL
    ? { kind: 'postgres', url: env.WAGEWATCH_DATABASE_URL }
    : { kind: 'pglite', dataDir: join(env.WAGEWATCH_DATA_DIR, 'pglite') },
);
if (!env.WAGEWATCH_DATABASE_URL) secureDataDir(env.WAGEWATCH_DATA_DIR, logger, true);
// The one clock of the process (docs/adr/0007-the-system-clock.md): on the manual clock
// nothing runs on the wall clock, so there is no sweep timer.
const manual = env.WAGEWATCH_CLOCK === 'manual';
const clock = createClock(
  env.WAGEWATCH_CLOCK,
  env.WAGEWATCH_CLOCK_START ? new Date(env.WAGEWATCH_CLOCK_START) : undefined,
);
const system = await createEmbeddedSystem({
  db,
  clock,
  logger,
  apiKeys,
  secrets: loadSecrets(env.WAGEWATCH_DATA_DIR, env.WAGEWATCH_SECRETS_KEY),
  ...(manual || !env.WAGEWATCH_SWEEP_INTERVAL_SECONDS
    ? {}
    : { sweepIntervalMs: env.WAGEWATCH_SWEEP_INTERVAL_SECONDS * 1000 }),
  depositPolicy: env.WAGEWATCH_DEPOSIT_POLICY,
  ratePolicy: env.WAGEWATCH_RATE_POLICY,
  wageLookupLimits: {
    perAddress: env.WAGEWATCH_WAGE_LOOKUP_PER_ADDRESS,
    perIdNumber: env.WAGEWATCH_WAGE_LOOKUP_PER_ID,
  },
  webhookTargets: webhookTargetPolicyFromEnv(env),
  protection: httpProtectionFromEnv(env),
  keyRefreshMs: env.WAGEWATCH_KEY_REFRESH_MS,
  ladder: ladderFromEnv(env),
  patrols: patrolPolicyFromEnv(env),
  documents: documentsFromEnv(env),
  sessions: sessionOptionsFromEnv(env),
  consoleDir: env.WAGEWATCH_CONSOLE_DIR,
});

if (manual && env.WAGEWATCH_DEMO === '1' && clock.now().getTime() === 0) {
  logger.fatal(
    'WAGEWATCH_CLOCK=manual with the demo city: set WAGEWATCH_CLOCK_START (the demo is loaded relative to it), or WAGEWATCH_DEMO=0 to replay your own feeds',
  );
  process.exit(2);
}

let demo: Awaited<ReturnType<typeof prepareDemoKeys>> | undefined;
let demoUsers: Awaited<ReturnType<typeof prepareDemoUsers>> | undefined;
if (env.WAGEWATCH_DEMO === '1') {
  demo = await prepareDemoKeys(env.WAGEWATCH_DATA_DIR, () => {
    logger.info('loading the demo city (first start on this data folder)');
    return loadDemo(system, apiKeys, clock, logger);
  });
  demoUsers = await prepareDemoUsers(env.WAGEWATCH_DATA_DIR, () => createDemoUsers(system.sessions, db));
}

system.start();
const address = await system.app.listen({ port: env.PORT, host: env.HOST });
const base = address.replace('0.0.0.0', '127.0.0.1');
const lines = [
  '',
  `Wagewatch is running (embedded: PGlite in ${env.WAGEWATCH_DATA_DIR}, in-process events, ${
    manual ? `manual clock at ${clock.now().toISOString()}: sweep with POST /v1/admin/sweep {asOf}` : 'timers'
  })`,
  `  console:   ${base}/`,
  `  API docs:  ${base}/docs`,
  `  health:    ${base}/health    metrics: ${base}/metrics`,
];
if (demo?.firstStart) {
  // Printed once, at the first start: later starts name the (0600) file instead.
  lines.push('', 'Demo API keys (Authorization: Bearer <key>), shown this once:');
  for (const [label, k] of Object.entries(demo.keys))
    lines.push(`  ${label.padEnd(26)} ${k.key}`, `  ${''.padEnd(26)} (${k.role}: ${k.scope})`);
}
if (demo) {
  lines.push(
    '',
    `Demo API keys: ${displayPath(demo.jsonFile)} (owner-only). Try (the keys as shell variables: ADMIN, INSPECTOR, INSPECTOR_DONG, PM, BANK_<code>):`,
    `  source ${displayPath(demo.envFile)}`,
    `  curl -s -H "Authorization: Bearer $INSPECTOR" "${base}/v1/findings?status=open&limit=20"`,
    `  curl -s -H "Authorization: Bearer $INSPECTOR" "${base}/v1/projects/PZH-2026-001/status"`,
  );
}
if (demoUsers?.firstStart && demoUsers.users.length) {
  // People log in with POST /v1/session (the console at / uses it); shown this once.
  lines.push('', 'Demo users (log in: POST /v1/session {login, password}), shown this once:');
  for (const u of demoUsers.users)
    lines.push(`  ${u.login.padEnd(16)} ${u.password.padEnd(14)} (${u.role}: ${u.scope})`);
}
if (demoUsers) {
  lines.push(
    '',
    `Demo users and passwords: ${displayPath(demoUsers.file)} (owner-only; demo users need not change their password). Try:`,
    `  curl -s -c /tmp/ww.cookies -H 'content-type: application/json' -d '{"login":"inspector.east","password":"<from the file>"}' ${base}/v1/session`,
    `  curl -s -b /tmp/ww.cookies "${base}/v1/findings?status=open&limit=5"`,
  );
}
process.stdout.write(`${lines.join('\n')}\n\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await system.stop();
    await db.close();
    process.exit(0);
  });
}
