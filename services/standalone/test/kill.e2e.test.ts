import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite } from '@wagewatch/db';
import { ApiKeys } from '@wagewatch/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { card, projectBody, residentId } from './fixtures.ts';
import { ApiClient, TEST_SECRET } from './harness.ts';

const DEPOSIT_RULES = new Set([
  'deposit-missing',
  'deposit-short',
  'deposit-not-topped-up',
  'guarantee-expiring',
]);

const standaloneDir = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'wagewatch-kill-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The real server entry (`pnpm start`), as its own OS process. */
let lastOutput = '';
/** The server's output, printed when a test fails (the process may have exited). */
export function serverOutput(): string {
  return lastOutput;
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: standaloneDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WAGEWATCH_DATA_DIR: dataDir,
      WAGEWATCH_DEMO: '0',
      WAGEWATCH_KEY_SECRET: TEST_SECRET,
      WAGEWATCH_SWEEP_INTERVAL_SECONDS: '3600',
      // The evening of the day the test's feeds describe, whatever the machine's date.
      WAGEWATCH_CLOCK: 'manual',
      WAGEWATCH_CLOCK_START: '2026-11-13T20:00:00+08:00',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
    lastOutput = out;
  });
  child.stderr!.on('data', (d) => {
    out += String(d);
    lastOutput = out;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (out.includes('Wagewatch is running')) return child;
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${out}`);
}

const WORKERS = 300;
const workers = Array.from({ length: WORKERS }, (_, i) => ({
  idNumber: residentId(i + 1),
  name: `工人${i + 1}`,
  accountNo: card(i + 1),
  enrolledOn: '2026-10-01',
}));
const batches = Array.from({ length: 30 }, (_, b) => ({
  records: Array.from({ length: 10 }, (_, j) => {
    const i = b * 10 + j;
    return {
      bankRef: `K-${i}`,
      accountNo: '2302010009100012345',
      direction: 'debit',
      amount: '5000.00',
      counterpartyAccountNo: card(i + 1),
      counterpartyName: `工人${i + 1}`,
      bookedAt: '2026-11-13T10:00:00+08:00',
      status: 'booked',
    };
  }),
}));

describe('the embedded server killed with SIGKILL mid-ingest', () => {
  it('restarts on its data folder: every accepted record is applied once, nothing is lost', async () => {
    const keys = new ApiKeys(TEST_SECRET);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const admin = new ApiClient(base, keys.issue('admin', {}).key);
    const pm = new ApiClient(base, keys.issue('project-manager', { projectIds: ['PZH-T-001'] }).key);
    const bank = new ApiClient(base, keys.issue('bank', { bankCode: 'ICBC-PZH' }).key);

    let server = await startServer(port);
    expect((await admin.post('/v1/projects', projectBody({ startDate: '2026-10-01' }))).status).toBe(201);
    expect((await pm.post('/v1/projects/PZH-T-001/workers', { workers })).status).toBe(200);
    const lines = workers.map((w) => ({
      idNumber: w.idNumber,
      name: w.name,
      daysWorked: 22,
      amountDue: '5000.00',
      signed: true,
    }));
    expect((await pm.post('/v1/projects/PZH-T-001/payrolls', { period: '2026-10', lines })).status).toBe(201);

    // Send transfer batches four at a time and kill the server once ten have been acknowledged,
    // while others are in flight and the ledger is applying what came before.
    let acknowledged = 0;
    const inFlight = batches.map(async (b) => {
      try {
        const res = await bank.post('/v1/bank/transfers', b);
        if (res.status === 200) acknowledged++;
        if (acknowledged === 10) server.kill('SIGKILL');
      } catch {
        // connection reset by the kill: the client will retry after the restart
      }
    });
    await Promise.allSettled(inFlight);
    await new Promise<void>((r) =>
      server.exitCode !== null || server.signalCode ? r() : server.once('exit', () => r()),
    );
    expect(acknowledged).toBeGreaterThanOrEqual(10);

    server = await startServer(port);
    // The bank retries every batch (as a real integration would after a timeout): duplicates are acknowledged.
    let accepted = 0;
    let duplicates = 0;
    for (const b of batches) {
      const res = await bank.post('/v1/bank/transfers', b);
      expect(res.status).toBe(200);
      accepted += res.body.accepted;
      duplicates += res.body.duplicates;
    }
    expect(accepted + duplicates).toBe(300);
    expect(duplicates).toBeGreaterThanOrEqual(acknowledged * 10);
    // The owner's labour-cost allocation that day (rule 7), in the same end-of-day statement.
    const allocation = await bank.post('/v1/bank/transfers', {
      records: [
        {
          bankRef: 'K-OWNER-1',
          accountNo: '2302010009100012345',
          direction: 'credit',
          amount: '1600000.00',
          counterpartyAccountNo: '4402000000000000888',
          counterpartyName: '建设单位',
          bookedAt: '2026-11-13T09:00:00+08:00',
          status: 'booked',
          purpose: 'labour-cost',
        },
      ],
    });
    expect(allocation.body).toMatchObject({ accepted: 1 });
    const statement = await bank.post('/v1/bank/statements', {
      accountNo: '2302010009100012345',
      date: '2026-11-13',
      openingBalance: '400000.00',
      closingBalance: '500000.00',
      debitCount: 300,
      debitTotal: '1500000.00',
      creditCount: 1,
      creditTotal: '1600000.00',
    });
    expect(statement.status).toBe(200);
    const sweep = await admin.post('/v1/admin/sweep', {});
    expect(sweep.status).toBe(200);
    // Wait until the ledger has applied all 300 transfers: the status endpoint reflects them.
    const deadline = Date.now() + 30_000;
    let owed = '';
    while (Date.now() < deadline) {
      if (server.exitCode !== null || server.signalCode) {
        throw new Error(
          `the restarted server exited (${server.exitCode ?? server.signalCode}):\n${serverOutput().slice(-4000)}`,
        );
      }
      const s = await admin.get('/v1/projects/PZH-T-001/status');
      owed = s.body.amountOwed;
      const f = await admin.get('/v1/findings?projectId=PZH-T-001&status=open&limit=200');
      // The ledger's findings: the deposits service rightly keeps deposit-missing open (none was lodged).
      const ledgerOpen = (f.body.findings as { rule: string }[]).filter((x) => !DEPOSIT_RULES.has(x.rule));
      if (ledgerOpen.length === 0 && owed === '0.00') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    server.kill('SIGTERM');
    await new Promise<void>((r) => (server.exitCode !== null ? r() : server.once('exit', () => r())));

    const db = await openPglite({ dataDir: join(dataDir, 'pglite') });
    const n = async (sql: string) => Number((await db.query<{ n: bigint }>(sql))[0]!.n);
    expect(await n('SELECT count(*) AS n FROM ingest.bank_transfers')).toBe(301);
    expect(await n('SELECT count(*) AS n FROM ledger.transfers')).toBe(301);
    // Each ingest event was applied once by each consumer, and the outbox holds each once.
    expect(await n("SELECT count(*) AS n FROM ingest.outbox WHERE type = 'bank.transfers-reported'")).toBe(
      await n("SELECT count(*) AS n FROM ledger.inbox WHERE type = 'bank.transfers-reported'"),
    );
    expect(await n('SELECT count(*) AS n FROM ledger.dead_letters')).toBe(0);
    expect(await n('SELECT count(*) AS n FROM inspection.dead_letters')).toBe(0);
    // Every worker paid in full on the due date: no finding at all, none doubled.
    expect(await n("SELECT count(*) AS n FROM ledger.findings WHERE status = 'open'")).toBe(0);
    expect(owed).toBe('0.00');
    await db.close();
  });
});
