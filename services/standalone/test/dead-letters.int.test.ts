import { randomUUID } from 'node:crypto';
import { rowEventId } from '@wagewatch/bus';
import { TOPICS, type TransferRecord } from '@wagewatch/contracts';
import { createLogger } from '@wagewatch/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLettersCommand } from '../src/dead-letters-command.ts';
import { count, expectProblem, registerProject, residentId, transfer } from './api-helpers.ts';
import { card } from './fixtures.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * Issue 10 §1: one bad row never takes good rows with it, and a dead letter is never a dead
 * end. Events are published straight into ingest's outbox here (bypassing the intake, as an
 * older intake or another producer could have), so the consumers meet rows the intake would
 * now refuse.
 */

const CONSUMERS_OF_INGEST = ['deposits', 'inspection', 'ledger'];
// A consumer passes over the types it does not apply (consumer.types, docs/adr/0025): only those
// that apply a type dead-letter its bad rows.
const APPLY_TRANSFERS = ['ledger'];
const APPLY_DEPOSIT_EVENTS = ['deposits', 'inspection', 'ledger'];

type Listing = {
  consumers: {
    consumer: string;
    total: number;
    items: {
      id: string;
      eventId: string | null;
      eventType: string | null;
      rowIndex: number | null;
      reason: string;
      status: string;
      failedAt: string;
      attempts: { by: string; at: string; outcome: string; detail: string | null }[];
      payload: { id: string; data: { transfers?: unknown[] } };
    }[];
  }[];
};

describe.each(['pglite', 'postgres'] as const)('dead letters (%s)', (kind) => {
  let t: TestSystem;
  let p: { projectId: string; accountNo: string; bankCode: string };
  let bank: TestSystem['api'];

  const rec = (bankRef: string, amount = '5200.00'): TransferRecord =>
    transfer({ bankRef, accountNo: p.accountNo, amount }) as TransferRecord;

  /** Publishes a hand-made bank.transfers-reported event, as if ingest had accepted it. */
  async function publishTransfers(transfers: unknown[]): Promise<string> {
    const [env] = await t.system.ingest.outbox.unitOfWork(t.db, async (tx) => {
      for (const r of transfers) {
        const x = r as { bankRef: string };
        // What an older intake stored before emitting: the bank's repeat is checked against it.
        await tx.query(
          `INSERT INTO ingest.bank_transfers (bank_code, bank_ref, project_id, account_no, record, received_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [p.bankCode, x.bankRef, p.projectId, p.accountNo, JSON.stringify(r), t.clock.now()],
        );
      }
      return t.system.ingest.outbox.append(tx, [
        {
          topic: TOPICS.ingest,
          type: 'bank.transfers-reported',
          key: p.projectId,
          data: { projectId: p.projectId, bankCode: p.bankCode, transfers: transfers as TransferRecord[] },
          occurredAt: t.clock.now(),
        },
      ]);
    });
    t.system.ingest.outbox.committed();
    return env!.id;
  }

  const list = async (consumer: string) => {
    const res = await t.admin.get<Listing>(`/v1/admin/dead-letters?consumer=${consumer}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.consumers[0]!;
  };
  const ledgerHas = (bankRef: string) =>
    count(t, 'SELECT count(*) AS n FROM ledger.transfers WHERE bank_ref = $1', [bankRef]);

  beforeAll(async () => {
    t = await startTestSystem({ kind });
    p = await registerProject(t, 1, { startDate: '2026-01-01', permitDate: '2025-12-01' });
    bank = t.api.as(t.key('bank', { bankCode: p.bankCode }));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('applies the good rows of a batch event and dead-letters the bad row alone, in every consumer that applies it', async () => {
    const eventId = await publishTransfers([
      rec('ROW-GOOD-1'),
      rec('ROW-BAD-2', '99999999999999.00'),
      rec('ROW-GOOD-3', '0.01'),
    ]);
    await t.settle();

    expect(await ledgerHas('ROW-GOOD-1')).toBe(1);
    expect(await ledgerHas('ROW-GOOD-3')).toBe(1);
    expect(await ledgerHas('ROW-BAD-2')).toBe(0);
    for (const consumer of CONSUMERS_OF_INGEST.filter((c) => !APPLY_TRANSFERS.includes(c)))
      expect((await list(consumer)).total, consumer).toBe(0);
    for (const consumer of APPLY_TRANSFERS) {
      const l = await list(consumer);
      expect(l.total, consumer).toBe(1);
      const [dl] = l.items;
      expect(dl).toMatchObject({
        eventId,
        eventType: 'bank.transfers-reported',
        rowIndex: 1,
        status: 'open',
        failedAt: t.clock.now().toISOString(),
        attempts: [],
      });
      expect(dl!.reason).toContain('transfers[1]');
      expect(dl!.reason).toContain('amount');
      // The row is kept on its own, under an id derived from the event's, for an idempotent re-application.
      expect(dl!.payload.id).toBe(rowEventId(eventId, 1));
      expect(dl!.payload.data.transfers).toEqual([rec('ROW-BAD-2', '99999999999999.00')]);
    }
  });

  it("answers the bank's repeat of the dead-lettered row with the consumers' reasons, not as a duplicate", async () => {
    // The bank sends the record again (with an amount the intake now accepts): it is not applied
    // anywhere, so it must not be answered "duplicate".
    const res = await bank.post('/v1/bank/transfers', {
      records: [rec('ROW-GOOD-1'), rec('ROW-BAD-2', '9999.00')],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });
    expect(res.body.deadLettered).toHaveLength(1);
    expect(res.body.deadLettered[0]).toMatchObject({ row: 2, bankRef: 'ROW-BAD-2' });
    expect(res.body.deadLettered[0].consumers.map((c: { consumer: string }) => c.consumer)).toEqual(
      APPLY_TRANSFERS,
    );
    expect(res.body.deadLettered[0].consumers[0].reason).toContain('amount');
  });

  it('does the same for deposit events and workers: good rows applied, each bad row apart, repeats not duplicates', async () => {
    const deposit = (bankRef: string, amount: string) => ({
      bankRef,
      projectId: p.projectId,
      kind: 'lodged' as const,
      occurredAt: '2026-11-20T10:00:00.000Z',
      amount,
    });
    const bad = deposit('DEP-BAD-2', '99999999999999.00');
    await t.system.ingest.outbox.unitOfWork(t.db, async (tx, emit) => {
      await tx.query(
        `INSERT INTO ingest.deposit_events (bank_code, bank_ref, project_id, kind, record, received_at)
         VALUES ($1, 'DEP-BAD-2', $2, 'lodged', $3, $4)`,
        [p.bankCode, p.projectId, JSON.stringify(bad), t.clock.now()],
      );
      emit({
        topic: TOPICS.ingest,
        type: 'deposit.events-reported',
        key: p.projectId,
        data: {
          projectId: p.projectId,
          bankCode: p.bankCode,
          events: [deposit('DEP-GOOD-1', '50000.00'), bad],
        },
        occurredAt: t.clock.now(),
      });
      emit({
        topic: TOPICS.ingest,
        type: 'workers.registered',
        key: p.projectId,
        data: {
          projectId: p.projectId,
          workers: [
            { idNumber: residentId(41), name: '工人41', accountNo: card(41), enrolledOn: '2026-08-01' },
            {
              idNumber: residentId(42),
              name: '王'.repeat(51),
              accountNo: card(42),
              enrolledOn: '2026-08-01',
            },
          ],
        },
        occurredAt: t.clock.now(),
      });
    });
    await t.settle();
    expect(
      await count(t, "SELECT count(*) AS n FROM deposits.deposit_events WHERE bank_ref = 'DEP-GOOD-1'"),
    ).toBe(1);
    expect(
      await count(t, "SELECT count(*) AS n FROM deposits.deposit_events WHERE bank_ref = 'DEP-BAD-2'"),
    ).toBe(0);
    const depositsDl = (await list('deposits')).items.filter(
      (x) => x.eventType === 'deposit.events-reported',
    );
    expect(depositsDl).toMatchObject([{ rowIndex: 1, status: 'open' }]);
    expect(depositsDl[0]!.reason).toContain('events[1] at amount');
    expect(
      await count(t, 'SELECT count(*) AS n FROM ledger.workers WHERE id_number = ANY($1::text[])', [
        [residentId(41), residentId(42)],
      ]),
    ).toBe(1);
    const workerDl = (await list('ledger')).items.filter((x) => x.eventType === 'workers.registered');
    expect(workerDl).toMatchObject([{ rowIndex: 1 }]);
    expect(workerDl[0]!.reason).toContain('workers[1] at name');

    const repeat = await bank.post('/v1/bank/deposits', { records: [deposit('DEP-BAD-2', '5000.00')] });
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
    expect(repeat.body).toMatchObject({ accepted: 0, duplicates: 0, rejected: [] });
    expect(repeat.body.deadLettered).toEqual([
      {
        row: 1,
        bankRef: 'DEP-BAD-2',
        consumers: APPLY_DEPOSIT_EVENTS.map((consumer) => ({
          consumer,
          reason: expect.stringContaining('amount'),
        })),
      },
    ]);
  });

  it('re-applying a row that is still bad fails, is recorded, and leaves it listed with its reason', async () => {
    const [dl] = (await list('ledger')).items;
    const res = await t.admin.post(`/v1/admin/dead-letters/ledger/${dl!.id}/reapply`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outcome).toBe('failed');
    expect(res.body.reason).toContain('amount');
    expect(res.body.deadLetter).toMatchObject({ status: 'open', reason: dl!.reason });
    expect(res.body.deadLetter.attempts).toEqual([
      {
        by: expect.stringMatching(/^api-key:/),
        at: t.clock.now().toISOString(),
        outcome: 'failed',
        detail: res.body.reason,
      },
    ]);
    expect(await ledgerHas('ROW-BAD-2')).toBe(0);
  });

  it('re-applies a dead letter after the fix through the normal path: once, every attempt recorded, ingest told', async () => {
    // A ledger defect (non-retryable) on statements, then "deployed" fixed: the original apply.
    const consumer = t.system.ledger.consumer;
    const original = consumer.apply.bind(consumer);
    consumer.apply = async (tx, event) => {
      if (event.type === 'bank.statement-reported')
        throw Object.assign(new Error('ledger defect: statements cannot be applied'), { retryable: false });
      return original(tx, event);
    };
    const statement = {
      accountNo: p.accountNo,
      date: '2026-11-20',
      openingBalance: '-120.00',
      closingBalance: '80000.00',
      debitCount: 0,
      debitTotal: '0.00',
      creditCount: 1,
      creditTotal: '80120.00',
    };
    try {
      expect((await bank.post('/v1/bank/statements', statement)).body).toEqual({ status: 'accepted' });
      await t.settle();
    } finally {
      consumer.apply = original;
    }
    const dl = (await list('ledger')).items.find((x) => x.eventType === 'bank.statement-reported')!;
    expect(dl).toMatchObject({
      rowIndex: null,
      status: 'open',
      reason: 'ledger defect: statements cannot be applied',
    });
    // deposits and inspection had no defect: they applied it.
    for (const other of ['deposits', 'inspection'])
      expect((await list(other)).items.some((x) => x.eventType === 'bank.statement-reported')).toBe(false);
    const repeat = await bank.post('/v1/bank/statements', statement);
    expect(repeat.body).toEqual({
      status: 'dead-lettered',
      consumers: [{ consumer: 'ledger', reason: 'ledger defect: statements cannot be applied' }],
    });

    const first = await t.admin.post(`/v1/admin/dead-letters/ledger/${dl.id}/reapply`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.outcome).toBe('applied');
    const [row] = await t.db.query<{ opening_fen: bigint }>(
      'SELECT opening_fen FROM ledger.statements WHERE account_no = $1 AND statement_date = $2',
      [p.accountNo, '2026-11-20'],
    );
    expect(row).toEqual({ opening_fen: -12_000n });
    const second = await t.admin.post(`/v1/admin/dead-letters/ledger/${dl.id}/reapply`);
    expect(second.body.outcome).toBe('already-reapplied');
    expect(second.body.deadLetter.status).toBe('reapplied');
    expect(second.body.deadLetter.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      'applied',
      'already-reapplied',
    ]);
    expect(
      await count(t, 'SELECT count(*) AS n FROM ledger.statements WHERE account_no = $1', [p.accountNo]),
    ).toBe(1);
    // Ingest learns it from the ledger's notice: the repeat is a plain duplicate now.
    await t.settle();
    expect((await bank.post('/v1/bank/statements', statement)).body).toEqual({ status: 'duplicate' });
  });

  it('re-applies a whole event left by the old behaviour: its good rows applied, its bad row kept apart', async () => {
    // Before rows were checked one by one, a bad row dead-lettered its whole event, good rows included.
    const id = randomUUID();
    const legacy = {
      id,
      type: 'bank.transfers-reported',
      version: 1,
      occurredAt: t.clock.now().toISOString(),
      key: p.projectId,
      data: {
        projectId: p.projectId,
        bankCode: p.bankCode,
        transfers: [rec('OLD-GOOD-1'), rec('OLD-BAD-2', '99999999999999.00')],
      },
      metadata: { producer: 'ingest' },
    };
    const [inserted] = await t.db.query<{ id: bigint }>(
      `INSERT INTO ledger.dead_letters (source, event_id, event_type, reason, payload, failed_at)
       VALUES ('outbox:ingest', $1, 'bank.transfers-reported', 'invalid bank.transfers-reported data at transfers.1.amount', $2, $3)
       RETURNING id`,
      [id, JSON.stringify(legacy), t.clock.now()],
    );
    const res = await t.admin.post(`/v1/admin/dead-letters/ledger/${inserted!.id}/reapply`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'applied', reason: '1 bad row(s) dead-lettered on their own' });
    expect(await ledgerHas('OLD-GOOD-1')).toBe(1);
    expect(await ledgerHas('OLD-BAD-2')).toBe(0);
    const apart = (await list('ledger')).items.find((x) => x.eventId === id && x.rowIndex === 1);
    expect(apart).toMatchObject({ status: 'open', eventType: 'bank.transfers-reported' });
    expect(apart!.reason).toContain('amount');
  });

  it('is admin only, and names an unknown consumer or dead letter with a 404', async () => {
    const pm = t.api.as(t.key('project-manager', { projectIds: [p.projectId] }));
    expectProblem(await pm.get('/v1/admin/dead-letters'), 403);
    expectProblem(await bank.post('/v1/admin/dead-letters/ledger/1/reapply'), 403);
    expectProblem(await t.admin.get('/v1/admin/dead-letters?consumer=nobody'), 404);
    expectProblem(await t.admin.post('/v1/admin/dead-letters/ledger/999999/reapply'), 404);
    // Without a consumer: every consumer of the process, ingest's own included.
    const all = await t.admin.get<Listing>('/v1/admin/dead-letters');
    expect(all.body.consumers.map((c) => c.consumer).sort()).toEqual([
      'deposits',
      'ingest',
      'inspection',
      'ledger',
    ]);
  });

  it('the command lists and re-applies the same dead letters against the database', async () => {
    const lines: string[] = [];
    const deps = {
      db: t.db,
      clock: t.clock,
      logger: createLogger({ level: 'silent' }),
      apiKeys: t.apiKeys,
      by: 'cli:test',
      out: (l: string) => lines.push(l),
    };
    expect(await deadLettersCommand(['list', '--consumer', 'deposits', '--status', 'open'], deps)).toBe(0);
    // The deposit row of the tests above (the transfer and worker rows are not the deposits service's).
    expect(lines[0]).toBe('deposits: 1 dead letter(s)');
    const line = lines.find((l) => l.includes('deposit.events-reported row 1'))!;
    const [id] = line.trim().split('\t');
    lines.length = 0;
    expect(await deadLettersCommand(['reapply', '--consumer', 'deposits', id!], deps)).toBe(1);
    expect(lines[0]).toMatch(new RegExp(`^deposits ${id}: failed \\(.*amount`));
    const dl = await t.admin.get(`/v1/admin/dead-letters/deposits/${id}`);
    expect(dl.body.attempts).toEqual([expect.objectContaining({ by: 'cli:test', outcome: 'failed' })]);
    lines.length = 0;
    expect(await deadLettersCommand(['reapply', '--consumer', 'ledger', '999999'], deps)).toBe(1);
    expect(lines).toEqual(['no dead letter 999999 in ledger']);
    lines.length = 0;
    expect(await deadLettersCommand(['frobnicate'], deps)).toBe(2);
    expect(lines[0]).toContain('usage:');
  });
});
