import { defaultCalendar } from '@wagewatch/domain';
import { ManualClock } from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../src/service.ts';
import { loadProjectState, loadProjectStates } from '../src/state.ts';

/**
 * loadProjectStates (the cockpit's batch) reads for each project exactly what loadProjectState
 * (the sweep's) reads: two projects with workers, a sheet in two versions, payments, a returned
 * payment, a payment from the other project's account (outside payment) and statements.
 */
let tdb: TestDatabase;
const terms = (id: string, account: string) =>
  JSON.stringify({
    projectId: id,
    name: id,
    district: '东区',
    sector: 'housing',
    owner: { name: 'o', creditCode: 'o' },
    contractor: { name: 'c', creditCode: 'c' },
    contractValue: '1000000.00',
    permitDate: '2026-08-01',
    startDate: '2026-09-01',
    plannedEndDate: '2027-09-01',
    wageAccount: { bankCode: 'ICBC', accountNo: account },
    payDay: 15,
    payMonthOffset: 1,
    registeredAt: '2026-09-01T00:00:00Z',
  });

beforeAll(async () => {
  tdb = await createTestDatabase('pglite');
  const db = tdb.db;
  await createLedger({
    db,
    clock: new ManualClock(new Date('2026-11-29T02:00:00Z')),
    calendar: defaultCalendar,
  }).migrate();
  await db.query(
    `INSERT INTO ledger.projects (project_id, district, bank_code, account_no, terms, event_id) VALUES
       ('A', '东区', 'ICBC', 'ACC-A', $1, gen_random_uuid()), ('B', '东区', 'ICBC', 'ACC-B', $2, gen_random_uuid())`,
    [terms('A', 'ACC-A'), terms('B', 'ACC-B')],
  );
  await db.query(
    `INSERT INTO ledger.workers (project_id, id_number, name, account_no, enrolled_on, left_on) VALUES
       ('A', 'ID-A1', 'a1', 'CARD-A1', '2026-09-01', NULL), ('A', 'ID-A2', 'a2', 'CARD-A2', '2026-09-01', '2026-11-10'),
       ('B', 'ID-B1', 'b1', 'CARD-B1', '2026-09-01', NULL)`,
  );
  await db.query(
    `INSERT INTO ledger.payroll_sheets (sheet_id, project_id, period, version, parts, parts_received, submitted_at, event_ids) VALUES
       ('00000000-0000-0000-0000-00000000000a', 'A', '2026-10', 1, 1, 1, '2026-11-01T01:00:00Z', ARRAY['e1']),
       ('00000000-0000-0000-0000-00000000000b', 'A', '2026-10', 2, 1, 1, '2026-11-20T01:00:00Z', ARRAY['e2']),
       ('00000000-0000-0000-0000-00000000000c', 'A', '2026-09', 1, 2, 1, '2026-10-01T01:00:00Z', ARRAY['e3']),
       ('00000000-0000-0000-0000-00000000000d', 'B', '2026-10', 1, 1, 1, '2026-11-01T01:00:00Z', ARRAY['e4'])`,
  );
  await db.query(
    `INSERT INTO ledger.payroll_lines (sheet_id, id_number, name, amount_due_fen, signed) VALUES
       ('00000000-0000-0000-0000-00000000000a', 'ID-A1', 'a1', 500000, true), ('00000000-0000-0000-0000-00000000000a', 'ID-A2', 'a2', 400000, false),
       ('00000000-0000-0000-0000-00000000000b', 'ID-A1', 'a1', 550000, true), ('00000000-0000-0000-0000-00000000000b', 'ID-A2', 'a2', 400000, true),
       ('00000000-0000-0000-0000-00000000000c', 'ID-A1', 'a1', 1, true), ('00000000-0000-0000-0000-00000000000d', 'ID-B1', 'b1', 300000, true)`,
  );
  await db.query(
    `INSERT INTO ledger.transfers (bank_code, bank_ref, project_id, account_no, direction, amount_fen, counterparty_account_no,
       counterparty_name, counterparty_id_number, booked_at, status, original_bank_ref, purpose, event_id) VALUES
       ('ICBC', 'T1', 'A', 'ACC-A', 'credit', 2000000, 'CO', 'c', NULL, '2026-11-02T01:00:00Z', 'booked', NULL, NULL, gen_random_uuid()),
       ('ICBC', 'T2', 'A', 'ACC-A', 'debit', 500000, 'CARD-A1', 'a1', 'ID-A1', '2026-11-13T02:00:00Z', 'booked', NULL, '工资', gen_random_uuid()),
       ('ICBC', 'T0', 'A', 'ACC-A', 'debit', 400000, 'CARD-A2', 'a2', NULL, '2026-11-13T02:00:00Z', 'booked', NULL, NULL, gen_random_uuid()),
       ('ICBC', 'T3', 'A', 'ACC-A', 'debit', 400000, 'CARD-A2', 'a2', NULL, '2026-11-14T02:00:00Z', 'returned', 'T0', NULL, gen_random_uuid()),
       ('ICBC', 'T4', 'B', 'ACC-B', 'debit', 100000, 'CARD-A1', 'a1', 'ID-A1', '2026-11-16T02:00:00Z', 'booked', NULL, '工资', gen_random_uuid())`,
  );
  await db.query(
    `INSERT INTO ledger.statements (account_no, statement_date, project_id, opening_fen, closing_fen, debit_count, debit_fen,
       credit_count, credit_fen, received_at, event_id) VALUES
       ('ACC-A', '2026-11-13', 'A', 2000000, 1100000, 2, 900000, 0, 0, '2026-11-14T00:00:00Z', gen_random_uuid()),
       ('ACC-A', '2026-11-02', 'A', 0, 2000000, 0, 0, 1, 2000000, '2026-11-03T00:00:00Z', gen_random_uuid()),
       ('ACC-A', '2026-11-29', 'A', 1500000, 1500000, 0, 0, 0, 0, '2026-11-30T00:00:00Z', gen_random_uuid()),
       ('ACC-B', '2026-11-16', 'B', 500000, 400000, 1, 100000, 0, 0, '2026-11-17T00:00:00Z', gen_random_uuid())`,
  );
}, 60_000);

afterAll(async () => {
  await tdb?.drop();
});

const byDate = <T extends { state: { statements: { date: string }[] } }>(l: T): T => ({
  ...l,
  state: { ...l.state, statements: [...l.state.statements].sort((a, b) => a.date.localeCompare(b.date)) },
});

describe('loadProjectStates', () => {
  it('reads for each project what loadProjectState reads', async () => {
    const batch = await loadProjectStates(tdb.db, ['A', 'B', 'missing', 'A']);
    expect([...batch.keys()].sort()).toEqual(['A', 'B']);
    for (const id of ['A', 'B']) {
      const one = await loadProjectState(tdb.db, id);
      expect(one).toBeDefined();
      // loadProjectState leaves the statements in table order; the batch gives them by date.
      expect(byDate(batch.get(id)!)).toEqual(byDate(one!));
    }
    const a = batch.get('A')!.state;
    expect(a.sheets.map((s) => [s.period, s.version, s.earlierVersions?.length ?? 0])).toEqual([
      ['2026-10', 2, 1],
    ]);
    expect(a.transfers.map((t) => t.bankRef)).toEqual(['T1', 'T0', 'T2', 'T3']);
    expect(a.outsidePayments.map((o) => [o.payingProjectId, o.transfer.bankRef])).toEqual([['B', 'T4']]);
  });

  it('with latestStatementBefore: only the latest statement dated before that day', async () => {
    const batch = await loadProjectStates(tdb.db, ['A', 'B'], { latestStatementBefore: '2026-11-29' });
    expect(batch.get('A')!.state.statements.map((s) => s.date)).toEqual(['2026-11-13']);
    expect(batch.get('B')!.state.statements.map((s) => s.date)).toEqual(['2026-11-16']);
    const one = await loadProjectState(tdb.db, 'A');
    expect(batch.get('A')!.state.transfers).toEqual(one!.state.transfers);
  });
});
