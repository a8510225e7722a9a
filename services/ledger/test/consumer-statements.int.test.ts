import { randomUUID } from 'node:crypto';
import { applyBatch } from '@wagewatch/bus';
import { defaultCalendar } from '@wagewatch/domain';
import { ManualClock } from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedger } from '../src/service.ts';

// The ledger's consumer writes a batch's statement events in one statement (flushStatements): the
// table must end as applying them one by one leaves it, and the projects are marked dirty.

const statement = (accountNo: string, date: string, closing: string, receivedAt: string) => {
  const raw = {
    id: randomUUID(),
    type: 'bank.statement-reported',
    version: 1,
    occurredAt: receivedAt,
    key: 'P-1',
    data: {
      projectId: 'P-1',
      bankCode: 'ICBC-PZH',
      accountNo,
      date,
      openingBalance: '-10.00',
      closingBalance: closing,
      debitCount: 2,
      debitTotal: '100.50',
      creditCount: 1,
      creditTotal: '90.00',
      receivedAt,
    },
    metadata: { producer: 'test' },
  };
  return { raw, rawText: JSON.stringify(raw) };
};

describe.each(['pglite', 'postgres'] as const)("the ledger's statements in batches (%s)", (kind) => {
  let t: TestDatabase;
  let ledger: ReturnType<typeof createLedger>;
  beforeEach(async () => {
    t = await createTestDatabase(kind, 'ledger-statements');
    ledger = createLedger({
      db: t.db,
      clock: new ManualClock(new Date('2026-12-03T10:00:00+08:00')),
      calendar: defaultCalendar,
    });
    await ledger.migrate();
  });
  afterEach(() => t.drop());

  const rows = () =>
    t.db.query<Record<string, unknown>>(
      `SELECT account_no, statement_date, project_id, opening_fen, closing_fen, debit_count, debit_fen, credit_count,
         credit_fen, received_at FROM ledger.statements ORDER BY account_no, statement_date`,
    );

  it('writes every statement of a batch, a day sent twice as its last version', async () => {
    const outcome = await applyBatch(
      t.db,
      ledger.consumer,
      'test',
      [
        statement('A-1', '2026-11-30', '-20.50', '2026-11-30T18:00:00+08:00'),
        statement('A-1', '2026-12-01', '5.00', '2026-12-01T18:00:00+08:00'),
        statement('A-2', '2026-11-30', '7.00', '2026-11-30T18:00:00+08:00'),
        statement('A-1', '2026-11-30', '-30.50', '2026-12-01T19:00:00+08:00'),
      ],
      async () => {},
    );
    expect(outcome).toEqual({ applied: 4, skipped: 0, deadLettered: 0 });
    const common = {
      project_id: 'P-1',
      opening_fen: -1000n,
      debit_count: 2,
      debit_fen: 10050n,
      credit_count: 1,
      credit_fen: 9000n,
    };
    expect(await rows()).toEqual([
      {
        account_no: 'A-1',
        statement_date: '2026-11-30',
        ...common,
        closing_fen: -3050n,
        received_at: new Date('2026-12-01T11:00:00Z'),
      },
      {
        account_no: 'A-1',
        statement_date: '2026-12-01',
        ...common,
        closing_fen: 500n,
        received_at: new Date('2026-12-01T10:00:00Z'),
      },
      {
        account_no: 'A-2',
        statement_date: '2026-11-30',
        ...common,
        closing_fen: 700n,
        received_at: new Date('2026-11-30T10:00:00Z'),
      },
    ]);
    // A later batch replaces a stored day; the project is marked for its evaluation.
    await applyBatch(
      t.db,
      ledger.consumer,
      'test',
      [statement('A-2', '2026-11-30', '8.00', '2026-12-02T18:00:00+08:00')],
      async () => {},
    );
    expect((await rows())[2]).toMatchObject({ closing_fen: 800n });
    expect(await t.db.query('SELECT project_id FROM ledger.dirty_projects')).toEqual([{ project_id: 'P-1' }]);
  });
});
