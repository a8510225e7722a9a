import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '@wagewatch/db';
import { afterAll, describe, expect, it } from 'vitest';
import { card, projectBody, residentId } from './fixtures.ts';
import { startTestSystem } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'wagewatch-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const workers = Array.from({ length: 20 }, (_, i) => ({
  idNumber: residentId(i + 1),
  name: `工人${i + 1}`,
  accountNo: card(i + 1),
  enrolledOn: '2026-10-01',
}));
const transfer = (i: number) => ({
  bankRef: `R-${i}`,
  accountNo: '2302010009100012345',
  direction: 'debit',
  amount: '5000.00',
  counterpartyAccountNo: card(i + 1),
  counterpartyName: `工人${i + 1}`,
  bookedAt: '2026-11-13T10:00:00+08:00',
  status: 'booked',
});

async function counts(db: Awaited<ReturnType<typeof openPglite>>) {
  const q = async (sql: string) => Number((await db.query<{ n: bigint }>(sql))[0]!.n);
  return {
    ingestTransfers: await q('SELECT count(*) AS n FROM ingest.bank_transfers'),
    ledgerTransfers: await q('SELECT count(*) AS n FROM ledger.transfers'),
    ledgerWorkers: await q('SELECT count(*) AS n FROM ledger.workers'),
    findings: await q('SELECT count(*) AS n FROM inspection.findings'),
    openMissed: await q(
      "SELECT count(*) AS n FROM inspection.findings WHERE rule = 'wages-missed' AND status = 'open'",
    ),
  };
}

describe('the embedded system on a PGlite data folder', () => {
  it('stopped with events not yet delivered, restarts and loses nothing, doubles nothing', async () => {
    const first = await startTestSystem({ db: await openPglite({ dataDir: join(dir, 'pglite') }) });
    expect((await first.admin.post('/v1/projects', projectBody({ startDate: '2026-10-01' }))).status).toBe(
      201,
    );
    const pm = first.api.as(first.key('project-manager', { projectIds: ['PZH-T-001'] }));
    expect((await pm.post('/v1/projects/PZH-T-001/workers', { workers })).status).toBe(200);
    const lines = workers.map((w) => ({
      idNumber: w.idNumber,
      name: w.name,
      daysWorked: 22,
      amountDue: '5000.00',
      signed: true,
    }));
    expect((await pm.post('/v1/projects/PZH-T-001/payrolls', { period: '2026-10', lines })).status).toBe(201);
    await first.settle();
    // Stop delivery, then accept transfers: their events wait in the outbox when the process stops.
    await first.system.bus.stop();
    const bank = first.api.as(first.key('bank', { bankCode: 'ICBC-PZH' }));
    const sent = await bank.post('/v1/bank/transfers', {
      records: Array.from({ length: 15 }, (_, i) => transfer(i)),
    });
    expect(sent.body).toMatchObject({ accepted: 15, duplicates: 0 });
    const before = await counts(first.db);
    expect(before).toMatchObject({ ingestTransfers: 15, ledgerTransfers: 0, ledgerWorkers: 20 });
    await first.system.stop();
    await first.db.close();

    const second = await startTestSystem({ db: await openPglite({ dataDir: join(dir, 'pglite') }) });
    await second.settle();
    const bank2 = second.api.as(second.key('bank', { bankCode: 'ICBC-PZH' }));
    await bank2.post('/v1/bank/statements', {
      accountNo: '2302010009100012345',
      date: '2026-11-13',
      openingBalance: '100000.00',
      closingBalance: '25000.00',
      debitCount: 15,
      debitTotal: '75000.00',
      creditCount: 0,
      creditTotal: '0.00',
    });
    // The client retries the same batch after the restart: acknowledged, stored once.
    const again = await bank2.post('/v1/bank/transfers', {
      records: Array.from({ length: 15 }, (_, i) => transfer(i)),
    });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 15 });
    await second.admin.post('/v1/admin/sweep', {});
    await second.settle();
    const after = await counts(second.db);
    expect(after).toMatchObject({
      ingestTransfers: 15,
      ledgerTransfers: 15,
      ledgerWorkers: 20,
      openMissed: 5,
    });
    // A second restart changes nothing either.
    await second.system.stop();
    await second.db.close();
    const third = await startTestSystem({ db: await openPglite({ dataDir: join(dir, 'pglite') }) });
    await third.settle();
    expect(await counts(third.db)).toEqual(after);
    await third.system.stop();
    await third.db.close();
  });
});
