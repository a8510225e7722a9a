import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Database } from '@wagewatch/db';
import type { DemoCity } from '@wagewatch/demo';
import { DEPOSITS_EVENT_TYPES } from '@wagewatch/deposits';
import { INSPECTION_EVENT_TYPES } from '@wagewatch/inspection';
import { ApiKeys } from '@wagewatch/runtime';
import { demoHistorySweeps } from '../src/demo.ts';
import { ApiClient, TEST_SECRET, TEST_SECRETS_KEY } from './harness.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export type ServiceName = 'ingest' | 'ledger' | 'deposits' | 'inspection';
export type RunningService = {
  name: ServiceName;
  port: number;
  child: ChildProcess;
  output: () => string;
  base: string;
};

/** Starts one service as its own OS process (`node --import tsx services/<name>/src/main.ts`). */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  port?: number,
): Promise<RunningService> {
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`], {
    cwd: repo,
    env: {
      ...process.env,
      ...env,
      PORT: String(p),
      HOST: '127.0.0.1',
      WAGEWATCH_KEY_SECRET: TEST_SECRET,
      WAGEWATCH_SECRETS_KEY: TEST_SECRETS_KEY,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const base = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${out.slice(-3000)}`);
    try {
      const r = await fetch(`${base}/ready`);
      if (r.status === 200) return { name, port: p, child, output: () => out, base };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become ready: ${out.slice(-3000)}`);
}

export async function stopService(s: RunningService, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode) return;
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  s.child.kill(signal);
  await exited;
}

export function keysFor(city: DemoCity) {
  const keys = new ApiKeys(TEST_SECRET);
  return {
    admin: keys.issue('admin', {}).key,
    pm: keys.issue('project-manager', { projectIds: city.projects.map((p) => p.projectId) }).key,
    bank: (code: string) => keys.issue('bank', { bankCode: code }).key,
  };
}

/** Pushes a generated city through the HTTP API of an ingest process, each role with its key. */
export async function pushCity(ingestBase: string, city: DemoCity, k = keysFor(city)): Promise<void> {
  const call = async (key: string, path: string, body: unknown) => {
    const res = await new ApiClient(ingestBase, key).post(path, body);
    if (res.status >= 400)
      throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  };
  for (const p of city.projects) await call(k.admin, '/v1/projects', p);
  for (const w of city.workers) await call(k.pm, `/v1/projects/${w.projectId}/workers`, w.body);
  for (const s of city.payrolls) await call(k.pm, `/v1/projects/${s.projectId}/payrolls`, s.body);
  for (const t of city.transfers) await call(k.bank(t.bankCode), '/v1/bank/transfers', t.body);
  for (const s of city.statements) await call(k.bank(s.bankCode), '/v1/bank/statements', s.body);
  for (const d of city.deposits) await call(k.bank(d.bankCode), '/v1/bank/deposits', d.body);
}

const count = async (db: Database, sql: string) => Number((await db.query<{ n: bigint }>(sql))[0]?.n ?? 0n);

const hasSchema = async (db: Database, schema: string): Promise<string[]> => {
  const [row] = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    `${schema}.outbox`,
  ]);
  return row?.t ? [schema] : [];
};

/** The events of these types in these services' outboxes (those a consumer of them applies). */
async function countOfTypes(db: Database, schemas: readonly string[], types: ReadonlySet<string>) {
  let n = 0;
  for (const s of schemas)
    n += await count(
      db,
      `SELECT count(*) AS n FROM "${s}".outbox WHERE type = ANY('{${[...types].join(',')}}'::text[])`,
    );
  return n;
}

/** The deposits service's delivery state, when it runs (its schema exists). */
async function depositsState(db: Database) {
  const [row] = await db.query<{ t: string | null }>("SELECT to_regclass('deposits.outbox')::text AS t");
  if (!row?.t) return {};
  return {
    deposits: {
      pending: await count(db, 'SELECT count(*) AS n FROM deposits.outbox WHERE published_at IS NULL'),
      events: await count(db, 'SELECT count(*) AS n FROM deposits.outbox'),
      applied: await count(db, 'SELECT count(*) AS n FROM deposits.inbox'),
      // What it applies of every outbox (the other types it passes over, consumer.types).
      due: await countOfTypes(db, ['ingest', 'ledger', 'deposits'], DEPOSITS_EVENT_TYPES),
      dead: await count(db, 'SELECT count(*) AS n FROM deposits.dead_letters'),
      dirty: await count(db, 'SELECT count(*) AS n FROM deposits.dirty_projects'),
    },
  };
}

/**
 * Waits until every event is published and applied everywhere: both outboxes drained, each
 * consumer's inbox holds every event of its topics, and no project awaits evaluation.
 */
/** Resolves with the instant (Date.now()) the final state was first seen. */
export async function waitForQuiescence(db: Database, timeoutMs = 120_000, stableMs = 1000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let stableSince = 0;
  let last = '';
  while (Date.now() < deadline) {
    const state = {
      ingestPending: await count(db, 'SELECT count(*) AS n FROM ingest.outbox WHERE published_at IS NULL'),
      ledgerPending: await count(db, 'SELECT count(*) AS n FROM ledger.outbox WHERE published_at IS NULL'),
      ingestEvents: await count(db, 'SELECT count(*) AS n FROM ingest.outbox'),
      ledgerEvents: await count(db, 'SELECT count(*) AS n FROM ledger.outbox'),
      ledgerApplied: await count(db, 'SELECT count(*) AS n FROM ledger.inbox'),
      ledgerDead: await count(db, 'SELECT count(*) AS n FROM ledger.dead_letters'),
      inspectionApplied: await count(db, 'SELECT count(*) AS n FROM inspection.inbox'),
      inspectionDue: await countOfTypes(
        db,
        ['ingest', 'ledger', ...(await hasSchema(db, 'deposits'))],
        INSPECTION_EVENT_TYPES,
      ),
      inspectionDead: await count(db, 'SELECT count(*) AS n FROM inspection.dead_letters'),
      dirty: await count(db, 'SELECT count(*) AS n FROM ledger.dirty_projects'),
      ...(await depositsState(db)),
    };
    const d = state.deposits;
    const done =
      state.ingestPending === 0 &&
      state.ledgerPending === 0 &&
      state.dirty === 0 &&
      state.ledgerApplied + state.ledgerDead >= state.ingestEvents &&
      state.inspectionApplied + state.inspectionDead >= state.inspectionDue &&
      (!d || (d.pending === 0 && d.dirty === 0 && d.applied + d.dead >= d.due));
    const key = JSON.stringify(state);
    if (done && key === last) {
      if (Date.now() - stableSince > stableMs) return stableSince;
    } else stableSince = Date.now();
    last = key;
    await new Promise((r) => setTimeout(r, Math.min(250, stableMs / 2)));
  }
  throw new Error(`the system did not settle: ${last}`);
}

/**
 * Sweeps a distributed deployment at the instants the embedded demo loader sweeps (the demo's
 * history, then `finalAsOf`): the ledger first, then the deposits process (each service sweeps
 * on its own schedule in production), waiting for every event to be applied in between.
 */
export async function sweepLikeTheDemo(
  db: Database,
  ledger: RunningService,
  deposits: RunningService | undefined,
  adminKey: string,
  finalAsOf: Date,
): Promise<void> {
  for (const asOf of [...demoHistorySweeps(finalAsOf), finalAsOf]) {
    const r = await new ApiClient(ledger.base, adminKey).post('/v1/admin/sweep', {
      asOf: asOf.toISOString(),
    });
    if (r.status !== 200) throw new Error(`ledger sweep: ${r.status} ${JSON.stringify(r.body)}`);
    await waitForQuiescence(db);
    if (deposits) {
      const d = await new ApiClient(deposits.base, adminKey).post('/v1/admin/deposits/sweep', {
        asOf: asOf.toISOString(),
      });
      if (d.status !== 200) throw new Error(`deposits sweep: ${d.status} ${JSON.stringify(d.body)}`);
      await waitForQuiescence(db);
    }
  }
}
