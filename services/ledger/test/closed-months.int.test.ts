import { randomUUID } from 'node:crypto';
import { Outbox } from '@wagewatch/bus';
import { parseEnvelope } from '@wagewatch/contracts';
import { defaultCalendar, evaluateProject, formatFen, type ProjectState } from '@wagewatch/domain';
import { generateProject, stateAt } from '@wagewatch/domain/random-projects';
import { ManualClock } from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordClosedMonths } from '../src/closed-months.ts';
import { evaluateAndRecord } from '../src/findings.ts';
import { createLedger } from '../src/service.ts';
import { loadProjectState } from '../src/state.ts';

/**
 * Closed months through the ledger's tables (docs/adr/0023), on PGlite and on PostgreSQL: a
 * generated 12-month project is stored twice, as A and as B. A is evaluated as the ledger does,
 * closing its months as it goes; B's summary is deleted before each evaluation, so B is always
 * evaluated over its whole history. At every instant both record the same findings, and A's
 * evaluation reads only the open rows. A late statement of a closed day, applied by the consumer,
 * drops A's summary; the next evaluation reads everything and records what B records.
 */
const calendar = defaultCalendar;
const SEED = 21; // one of the generated projects that settles its months (most get stuck on a month short paid)
const g = generateProject(SEED, calendar, { first: '2025-01', months: 12 });
const history = stateAt(g, new Date('2026-12-31T00:00:00Z'));

const terms = (id: string, account: string, s: ProjectState) =>
  JSON.stringify({
    projectId: id,
    name: id,
    district: '东区',
    sector: 'housing',
    owner: s.project.owner,
    contractor: s.project.contractor,
    contractValue: '1000000.00',
    permitDate: '2024-12-01',
    startDate: s.project.startDate,
    plannedEndDate: '2026-12-31',
    wageAccount: { bankCode: s.project.bankCode, accountNo: account },
    payDay: s.project.payDay,
    payMonthOffset: s.project.payMonthOffset,
    registeredAt: '2025-01-01T00:00:00Z',
  });

async function store(tdb: TestDatabase, id: string, account: string, s: ProjectState) {
  const db = tdb.db;
  await db.query(
    `INSERT INTO ledger.projects (project_id, district, bank_code, account_no, terms, event_id)
     VALUES ($1, '东区', $2, $3, $4, gen_random_uuid())`,
    [id, s.project.bankCode, account, terms(id, account, s)],
  );
  for (const w of s.workers)
    await db.query(
      'INSERT INTO ledger.workers (project_id, id_number, name, account_no, enrolled_on, left_on) VALUES ($1,$2,$3,$4,$5,$6)',
      [id, w.idNumber, w.name, w.accountNo, w.enrolledOn, w.leftOn ?? null],
    );
  let sheets = 0;
  for (const sheet of s.sheets) {
    const versions = [
      ...(sheet.earlierVersions ?? []).map((v) => ({
        version: v.version,
        at: v.effectiveAt,
        lines: v.lines.map((l) => ({ ...l, name: 'x', signed: true })),
      })),
      { version: sheet.version, at: sheet.submittedAt, lines: sheet.lines },
    ];
    for (const v of versions) {
      sheets += 1;
      const sheetId = `${sheetPrefix(id)}-0000-4000-8000-${String(sheets).padStart(12, '0')}`;
      await db.query(
        `INSERT INTO ledger.payroll_sheets (sheet_id, project_id, period, version, parts, parts_received, submitted_at, event_ids)
         VALUES ($1,$2,$3,$4,1,1,$5,ARRAY['e'])`,
        [sheetId, id, sheet.period, v.version, v.at],
      );
      for (const l of v.lines)
        await db.query(
          'INSERT INTO ledger.payroll_lines (sheet_id, id_number, name, amount_due_fen, signed) VALUES ($1,$2,$3,$4,$5)',
          [sheetId, l.idNumber, l.name, l.amountDue.toString(), l.signed],
        );
    }
  }
  for (const t of s.transfers)
    await db.query(
      `INSERT INTO ledger.transfers (bank_code, bank_ref, project_id, account_no, direction, amount_fen, counterparty_account_no,
         counterparty_name, counterparty_id_number, booked_at, status, original_bank_ref, purpose, event_id)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,gen_random_uuid())`,
      [
        s.project.bankCode,
        `${id}~${t.bankRef}`,
        id,
        account,
        t.direction,
        t.amount.toString(),
        t.counterpartyAccountNo,
        t.counterpartyName,
        t.counterpartyIdNumber ?? null,
        t.bookedAt,
        t.status,
        t.originalBankRef ? `${id}~${t.originalBankRef}` : null,
        t.purpose ?? null,
      ],
    );
  for (const st of s.statements)
    await db.query(
      `INSERT INTO ledger.statements (account_no, statement_date, project_id, opening_fen, closing_fen, debit_count, debit_fen,
         credit_count, credit_fen, received_at, event_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,gen_random_uuid())`,
      [
        account,
        st.date,
        id,
        st.openingBalance.toString(),
        st.closingBalance.toString(),
        st.debitCount,
        st.debitTotal.toString(),
        st.creditCount,
        st.creditTotal.toString(),
        st.receivedAt,
      ],
    );
}

const sheetPrefix = (id: string) => (id === 'A' ? 'aaaaaaaa' : 'bbbbbbbb');

/** The findings on record as the rules see them, with the project's own names (refs, sheet ids, account) taken out. */
async function recorded(tdb: TestDatabase, id: string) {
  const rows = await tdb.db.query<{ key: string; record: unknown }>(
    'SELECT key, record FROM ledger.findings WHERE project_id = $1 ORDER BY key',
    [id],
  );
  return rows.map(
    (r) =>
      JSON.parse(
        JSON.stringify(r.record)
          .replaceAll(`${id}~`, '')
          .replaceAll(sheetPrefix(id), 'ssssssss')
          .replaceAll(`ACC-${id}`, 'ACC'),
      ) as { key: string; status: string },
  );
}

describe.each(['pglite', 'postgres'] as const)('closed months on %s', (kind) => {
  let tdb: TestDatabase;
  let ledger: ReturnType<typeof createLedger>;
  const outbox = new Outbox('ledger', 'ledger');
  beforeAll(async () => {
    tdb = await createTestDatabase(kind, 'closed-months');
    ledger = createLedger({ db: tdb.db, clock: new ManualClock(new Date('2025-01-01T00:00:00Z')), calendar });
    await ledger.migrate();
    await store(tdb, 'A', 'ACC-A', history);
    await store(tdb, 'B', 'ACC-B', history);
  }, 120_000);
  afterAll(async () => {
    await tdb?.drop();
  });

  const evaluate = (id: string, asOf: Date) =>
    outbox.unitOfWork(tdb.db, (tx, emit) => evaluateAndRecord(tx, id, { asOf, at: asOf, calendar, emit }));

  it('records with the summary what the whole history records, reading only the open rows', async () => {
    let withSummary = 0;
    let last: Date | undefined;
    for (let t = new Date('2025-02-03T04:00:00Z'); t < new Date('2026-01-31T00:00:00Z'); ) {
      await tdb.db.query("DELETE FROM ledger.closed_months WHERE project_id = 'B'");
      await evaluate('A', t);
      await evaluate('B', t);
      expect(await recorded(tdb, 'A'), t.toISOString()).toEqual(await recorded(tdb, 'B'));
      const open = await loadProjectState(tdb.db, 'A', { openMonthsAsOf: t });
      if (open?.state.closed) {
        withSummary += 1;
        const c = open.state.closed;
        expect(open.state.sheets.every((s) => s.period > c.through)).toBe(true);
        expect(open.state.transfers.every((x) => x.bookedAt >= c.cutAt)).toBe(true);
        expect(open.state.statements.every((s) => s.date >= c.cutDate)).toBe(true);
      }
      last = t;
      t = new Date(t.getTime() + 6 * 86_400_000);
    }
    expect(withSummary).toBeGreaterThan(20);
    // At the end: a summary through the autumn, and a fraction of the rows read.
    const open = (await loadProjectState(tdb.db, 'A', { openMonthsAsOf: last }))!;
    const full = (await loadProjectState(tdb.db, 'A'))!;
    expect((open.state.closed?.through ?? '') >= '2025-10').toBe(true);
    expect(open.state.transfers.length * 5).toBeLessThan(full.state.transfers.length);
    expect(open.state.statements.length * 5).toBeLessThan(full.state.statements.length);
    expect(open.state.sheets.length).toBeLessThanOrEqual(2);
    // And the domain agrees: the open rows with the summary say what the whole history says.
    const byKey = (s: ProjectState) =>
      evaluateProject(s, last!, calendar).sort((a, b) => a.key.localeCompare(b.key));
    expect(byKey(open.state)).toEqual(byKey(full.state));
  }, 600_000);

  it('drops the summary when the consumer applies a statement of a closed day, then closes again', async () => {
    const asOf = new Date('2026-01-31T04:00:00Z');
    const before = (await loadProjectState(tdb.db, 'A', { openMonthsAsOf: asOf }))!;
    const closed = before.state.closed!;
    // The bank re-sends a closed day's statement, disagreeing with the transfers of that day.
    const day = history.statements.filter((s) => s.date < closed.cutDate).at(-3)!;
    for (const [id, account] of [
      ['A', 'ACC-A'],
      ['B', 'ACC-B'],
    ] as const) {
      const event = parseEnvelope({
        id: randomUUID(),
        type: 'bank.statement-reported',
        version: 1,
        occurredAt: asOf.toISOString(),
        key: id,
        metadata: { producer: 'ingest' },
        data: {
          projectId: id,
          bankCode: history.project.bankCode,
          accountNo: account,
          date: day.date,
          openingBalance: formatFen(day.openingBalance),
          closingBalance: formatFen(day.closingBalance),
          debitCount: day.debitCount + 1,
          debitTotal: formatFen(day.debitTotal),
          creditCount: day.creditCount,
          creditTotal: formatFen(day.creditTotal),
          receivedAt: asOf.toISOString(),
        },
      });
      // As delivery applies a batch: apply, then afterBatch (which drops the summary), in one transaction.
      await tdb.db.transaction(async (tx) => {
        await ledger.consumer.apply(tx, event);
        await ledger.consumer.afterBatch?.(tx, [event]);
      });
    }
    const [row] = await tdb.db.query<{ summary: unknown; generation: string | number }>(
      "SELECT summary, generation FROM ledger.closed_months WHERE project_id = 'A'",
    );
    expect(row?.summary).toBeNull();
    const dropped = (await loadProjectState(tdb.db, 'A', { openMonthsAsOf: asOf }))!;
    expect(dropped.state.closed).toBeUndefined();
    expect(
      dropped.state.statements.some((s) => s.date === day.date && s.debitCount === day.debitCount + 1),
    ).toBe(true);
    await tdb.db.query("DELETE FROM ledger.closed_months WHERE project_id = 'B'");
    await evaluate('A', asOf);
    await evaluate('B', asOf);
    const a = await recorded(tdb, 'A');
    expect(a.some((f) => f.key === `feed-incomplete:mismatch:${day.date}` && f.status === 'open')).toBe(true);
    expect(a).toEqual(await recorded(tdb, 'B'));
    // The evaluation that read everything closed the months again.
    const again = (await loadProjectState(tdb.db, 'A', { openMonthsAsOf: asOf }))!;
    expect(again.state.closed?.through).toBe(closed.through);
  }, 120_000);

  it('does not write a summary over an event it did not see (the generation moved)', async () => {
    const asOf = new Date('2026-02-10T04:00:00Z');
    await tdb.db.query("DELETE FROM ledger.closed_months WHERE project_id = 'B'");
    const loaded = await loadProjectState(tdb.db, 'B', { openMonthsAsOf: asOf });
    expect(loaded?.closedGeneration).toBeNull();
    // An event about B is applied after B's state was read (the consumer's upsert of the row).
    await tdb.db.query(
      `INSERT INTO ledger.closed_months (project_id, generation) VALUES ('B', 1)
       ON CONFLICT (project_id) DO UPDATE SET generation = ledger.closed_months.generation + 1`,
    );
    expect(await recordClosedMonths(tdb.db, 'B', loaded, asOf, calendar)).toBe(false);
    const reread = await loadProjectState(tdb.db, 'B', { openMonthsAsOf: asOf });
    expect(reread?.closedGeneration).toBe(1);
    expect(await recordClosedMonths(tdb.db, 'B', reread, asOf, calendar)).toBe(true);
  }, 120_000);

  it('forgets every summary at a start (a release may bring new rules)', async () => {
    const summaries = 'SELECT count(*)::int AS n FROM ledger.closed_months WHERE summary IS NOT NULL';
    expect((await tdb.db.query<{ n: number }>(summaries))[0]?.n).toBeGreaterThan(0);
    await ledger.migrate();
    expect((await tdb.db.query<{ n: number }>(summaries))[0]?.n).toBe(0);
  }, 120_000);
});
