import { MAX_AMOUNT_YUAN, MAX_COUNT } from '@wagewatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  count,
  expectProblem,
  lineBody,
  registerProject,
  residentId,
  rowsAndFields,
  transfer,
  workerBody,
} from './api-helpers.ts';
import { card, creditCode, projectBody } from './fixtures.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * Issue 10 §1: what the intake acknowledges, every consumer can apply. Every boundary value
 * the contracts accept goes through the real intake and must be applied by the ledger,
 * deposits and inspection without a single dead letter; the value just past each bound is a
 * 4xx naming the row and the field, and nothing of it is stored.
 */

// Longest texts, with CJK and characters outside the BMP (two UTF-16 units each).
const personName = `${'王'.repeat(48)}😀`; // 50 units
const partyName = `${'建'.repeat(198)}😀`; // 200 units
const purpose = `${'工资'.repeat(31)}😀`; // 64 units
const reference = (tag: string) => `${tag}-${'9'.repeat(63 - tag.length)}`; // 64 characters
const counterpartyAccount = '6'.repeat(64);
const TOO_BIG = '10000000000000.00'; // 14 integer digits

async function deadLetterCounts(t: TestSystem): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const g of ['ledger', 'deposits', 'inspection', 'ingest'])
    out[g] = await count(t, `SELECT count(*) AS n FROM "${g}".dead_letters`);
  return out;
}
const NONE = { ledger: 0, deposits: 0, inspection: 0, ingest: 0 };

describe.each(['pglite', 'postgres'] as const)('intake bounds = consumer bounds (%s)', (kind) => {
  let t: TestSystem;
  let p: { projectId: string; accountNo: string };
  let big: { projectId: string; accountNo: string };
  let bank: TestSystem['api'];
  let pm: TestSystem['api'];

  beforeAll(async () => {
    t = await startTestSystem({ kind });
    p = await registerProject(t, 1, { startDate: '2026-01-01', permitDate: '2025-12-01' });
    // The largest contract value, the earliest and latest dates, the longest names.
    big = await registerProject(t, 2, {
      name: '攀'.repeat(200),
      contractValue: MAX_AMOUNT_YUAN,
      permitDate: '2000-01-01',
      startDate: '2000-01-01',
      plannedEndDate: '2099-12-31',
      owner: { name: partyName, creditCode: creditCode(1002) },
    });
    bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    pm = t.api.as(t.key('project-manager', { projectIds: [p.projectId, big.projectId] }));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('applies every accepted boundary value in every consumer, and none dead-letters', async () => {
    const workers = await pm.post(`/v1/projects/${p.projectId}/workers`, {
      workers: [
        workerBody(1, { name: personName, team: `${'班'.repeat(48)}😀`, enrolledOn: '2000-01-01' }),
        workerBody(2, { enrolledOn: '2026-01-01', leftOn: '2099-12-31' }),
      ],
    });
    expect(workers.status, JSON.stringify(workers.body)).toBe(200);
    expect(workers.body).toMatchObject({ accepted: 2, rejected: [] });

    const sheet = await pm.post(`/v1/projects/${p.projectId}/payrolls`, {
      period: '2026-10',
      lines: [
        lineBody(1, { name: personName, amountDue: MAX_AMOUNT_YUAN, daysWorked: 31 }),
        lineBody(2, { amountDue: '0.00', daysWorked: 0 }),
      ],
    });
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(201);
    expect(sheet.body).toMatchObject({ accepted: 2, rejected: [] });
    // Totals of bounded amounts may pass 13 digits (a sheet's total, a worker's arrears over
    // two months): findings and read models carry them.
    const earlier = await pm.post(`/v1/projects/${p.projectId}/payrolls`, {
      period: '2026-09',
      lines: [
        lineBody(1, { name: personName, amountDue: MAX_AMOUNT_YUAN }),
        lineBody(2, { amountDue: MAX_AMOUNT_YUAN }),
      ],
    });
    expect(earlier.status, JSON.stringify(earlier.body)).toBe(201);
    expect(earlier.body.totalDue).toBe('19999999999999.98');

    const transfers = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: reference('MAX'),
          accountNo: p.accountNo,
          direction: 'credit',
          amount: MAX_AMOUNT_YUAN,
          counterpartyAccountNo: counterpartyAccount,
          counterpartyName: partyName,
          purpose,
          bookedAt: '2000-01-01T00:00:00+08:00',
        }),
        transfer({
          bankRef: reference('MIN'),
          accountNo: p.accountNo,
          amount: '0.01',
          counterpartyAccountNo: card(1),
          counterpartyName: personName,
          counterpartyIdNumber: residentId(1),
          // The contract admits up to 2099; the intake no more than a day past its now (issue 11).
          bookedAt: '2026-11-30T09:59:59+08:00',
        }),
        transfer({
          bankRef: reference('RET'),
          accountNo: p.accountNo,
          status: 'returned',
          originalBankRef: reference('MIN'),
          bookedAt: '2026-11-14T10:00:00+08:00',
        }),
      ],
    });
    expect(transfers.status, JSON.stringify(transfers.body)).toBe(200);
    expect(transfers.body).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] });

    const statement = await bank.post('/v1/bank/statements', {
      accountNo: p.accountNo,
      date: '2026-11-28',
      openingBalance: `-${MAX_AMOUNT_YUAN}`,
      closingBalance: MAX_AMOUNT_YUAN,
      debitCount: MAX_COUNT,
      debitTotal: MAX_AMOUNT_YUAN,
      creditCount: 0,
      creditTotal: '0.00',
    });
    expect(statement.status, JSON.stringify(statement.body)).toBe(200);
    expect(statement.body).toEqual({ status: 'accepted' });

    // The statements of the two due dates: the wage findings wait for them.
    for (const date of ['2026-10-15', '2026-11-13']) {
      const due = await bank.post('/v1/bank/statements', {
        accountNo: p.accountNo,
        date,
        openingBalance: '0.00',
        closingBalance: '0.00',
        debitCount: 0,
        debitTotal: '0.00',
        creditCount: 0,
        creditTotal: '0.00',
      });
      expect(due.body).toEqual({ status: 'accepted' });
    }

    const deposits = await bank.post('/v1/bank/deposits', {
      records: [
        {
          bankRef: reference('DEP'),
          projectId: big.projectId,
          kind: 'lodged',
          occurredAt: '2000-01-01T00:00:00+08:00',
          amount: MAX_AMOUNT_YUAN,
        },
        {
          bankRef: reference('DEP2'),
          projectId: big.projectId,
          kind: 'lodged',
          occurredAt: '2026-11-01T00:00:00+08:00',
          amount: MAX_AMOUNT_YUAN,
        },
        {
          bankRef: reference('GUA'),
          projectId: big.projectId,
          kind: 'guarantee-issued',
          occurredAt: '2026-11-30T09:59:59+08:00',
          amount: '0.01',
          guaranteeNo: reference('G'),
          validFrom: '2000-01-01',
          validTo: '2099-12-31',
          issuer: `${'银'.repeat(98)}😀`,
        },
      ],
    });
    expect(deposits.status, JSON.stringify(deposits.body)).toBe(200);
    expect(deposits.body).toMatchObject({ accepted: 3, rejected: [] });

    await t.settle();
    const sweep = await t.admin.post('/v1/admin/sweep', {});
    expect(sweep.status, JSON.stringify(sweep.body)).toBe(200);
    await t.settle();

    expect(await deadLetterCounts(t)).toEqual(NONE);
    // Applied, exactly as sent.
    const [max] = await t.db.query<{ amount_fen: bigint; counterparty_name: string; purpose: string }>(
      'SELECT amount_fen, counterparty_name, purpose FROM ledger.transfers WHERE bank_ref = $1',
      [reference('MAX')],
    );
    expect(max).toEqual({ amount_fen: 999_999_999_999_999n, counterparty_name: partyName, purpose });
    expect(
      await count(t, 'SELECT count(*) AS n FROM ledger.transfers WHERE project_id = $1', [p.projectId]),
    ).toBe(3);
    const [stmt] = await t.db.query<{ opening_fen: bigint; closing_fen: bigint }>(
      'SELECT opening_fen, closing_fen FROM ledger.statements WHERE account_no = $1',
      [p.accountNo],
    );
    expect(stmt).toEqual({ opening_fen: -999_999_999_999_999n, closing_fen: 999_999_999_999_999n });
    const [worker] = await t.db.query<{ name: string; left_on: string | null }>(
      'SELECT name, left_on FROM ledger.workers WHERE project_id = $1 AND id_number = $2',
      [p.projectId, residentId(1)],
    );
    expect(worker).toEqual({ name: personName, left_on: null });
    expect(
      await count(t, 'SELECT count(*) AS n FROM ledger.payroll_lines WHERE amount_due_fen = $1', [
        '999999999999999',
      ]),
    ).toBe(3);
    expect(
      await count(t, 'SELECT count(*) AS n FROM deposits.deposit_events WHERE project_id = $1', [
        big.projectId,
      ]),
    ).toBe(3);
    expect(
      await count(t, 'SELECT count(*) AS n FROM inspection.projects WHERE project_id = ANY($1::text[])', [
        [p.projectId, big.projectId],
      ]),
    ).toBe(2);
    // The deposit view computes with the largest contract value and two of the largest deposits.
    const view = await t.admin.get(`/v1/projects/${big.projectId}/deposit`);
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.held.cash).toBe('19999999999999.98');
    // Findings with totals past 13 digits reach inspection and deposits (no dead letter above).
    const status = await t.admin.get(`/v1/projects/${p.projectId}/status`);
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    const findings = await t.admin.get(`/v1/findings?projectId=${p.projectId}&status=open`);
    expect(findings.status, JSON.stringify(findings.body)).toBe(200);
    const owed = findings.body.findings.map((f: { amountOwed?: string }) => f.amountOwed ?? '');
    expect(
      owed.some((a: string) => a.replace('.', '').length > 15),
      JSON.stringify(owed),
    ).toBe(true);
  });

  it('the issue: a good credit beside a 14-digit amount is applied; the bad row is refused by name', async () => {
    const good = transfer({
      bankRef: 'ISSUE-GOOD-1',
      accountNo: p.accountNo,
      direction: 'credit',
      amount: '300000.00',
      counterpartyAccountNo: '6'.repeat(19),
      counterpartyName: '业主1',
    });
    const res = await bank.post('/v1/bank/transfers', {
      records: [
        good,
        transfer({ bankRef: 'ISSUE-BAD-1', accountNo: p.accountNo, amount: '99999999999999.00' }),
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(rowsAndFields(res.body.rejected)).toEqual([{ row: 2, field: 'amount' }]);
    expect(res.body.rejected[0].message).toContain(MAX_AMOUNT_YUAN);
    await t.settle();
    expect(await deadLetterCounts(t)).toEqual(NONE);
    expect(await count(t, "SELECT count(*) AS n FROM ledger.transfers WHERE bank_ref = 'ISSUE-GOOD-1'")).toBe(
      1,
    );
    expect(
      await count(t, "SELECT count(*) AS n FROM ingest.bank_transfers WHERE bank_ref = 'ISSUE-BAD-1'"),
    ).toBe(0);
    // The repeat of the good row is a true duplicate: it was applied.
    const again = await bank.post('/v1/bank/transfers', { records: [good] });
    expect(again.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  const NUL = 'a\u0000b';
  const LONE = 'x\ud800y';
  it.each([
    ['amount', { amount: TOO_BIG }],
    ['bankRef', { bankRef: `${reference('LONG')}0` }],
    ['counterpartyName', { counterpartyName: `${partyName}建` }],
    ['counterpartyName', { counterpartyName: NUL }],
    ['purpose', { purpose: LONE }],
    ['purpose', { purpose: `${purpose}x` }],
    ['counterpartyAccountNo', { counterpartyAccountNo: `${counterpartyAccount}6` }],
    ['bookedAt', { bookedAt: '1999-12-31T23:59:59+08:00' }],
    ['bookedAt', { bookedAt: '2100-01-01T00:00:00+08:00' }],
  ] as const)(
    'refuses a transfer just out of bounds, naming row 1 and %s, storing nothing',
    async (field, bad) => {
      const bankRef = 'bankRef' in bad ? bad.bankRef : `OUT-${field}-${JSON.stringify(bad).length}`;
      const res = await bank.post('/v1/bank/transfers', {
        records: [transfer({ accountNo: p.accountNo, ...bad, bankRef })],
      });
      expectProblem(res, 400);
      expect(rowsAndFields(res.body.errors)).toEqual([{ row: 1, field }]);
      expect(
        await count(t, 'SELECT count(*) AS n FROM ingest.bank_transfers WHERE bank_ref = $1', [bankRef]),
      ).toBe(0);
    },
  );

  it.each([
    ['openingBalance', { openingBalance: `-${TOO_BIG}` }],
    ['closingBalance', { closingBalance: '12345678901234567890.00' }],
    ['debitTotal', { debitTotal: TOO_BIG }],
    ['debitTotal', { debitTotal: '-1.00' }],
    ['debitCount', { debitCount: MAX_COUNT + 1 }],
  ] as const)('refuses a statement with %s out of bounds, storing nothing', async (field, bad) => {
    const before = await count(t, 'SELECT count(*) AS n FROM ingest.bank_statements');
    const res = await bank.post('/v1/bank/statements', {
      accountNo: p.accountNo,
      date: '2026-11-27',
      openingBalance: '0.00',
      closingBalance: '0.00',
      debitCount: 0,
      debitTotal: '0.00',
      creditCount: 0,
      creditTotal: '0.00',
      ...bad,
    });
    expectProblem(res, 400);
    expect(rowsAndFields(res.body.errors)).toEqual([{ row: undefined, field }]);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.bank_statements')).toBe(before);
  });

  it.each([
    ['amount', { kind: 'lodged', amount: TOO_BIG }],
    [
      'validTo',
      {
        kind: 'guarantee-issued',
        amount: '100.00',
        guaranteeNo: 'G-1',
        validFrom: '2026-01-01',
        validTo: '2100-01-01',
      },
    ],
    ['issuer', { kind: 'lodged', amount: '100.00', issuer: `${'银'.repeat(100)}x` }],
    ['noticeRef', { kind: 'drawn', amount: '100.00', noticeRef: NUL }],
  ] as const)('refuses a deposit event with %s out of bounds, storing nothing', async (field, bad) => {
    const bankRef = `DEP-OUT-${field}`;
    const res = await bank.post('/v1/bank/deposits', {
      records: [{ bankRef, projectId: big.projectId, occurredAt: '2026-11-20T10:00:00+08:00', ...bad }],
    });
    expectProblem(res, 400);
    expect(rowsAndFields(res.body.errors)).toEqual([{ row: 1, field }]);
    expect(
      await count(t, 'SELECT count(*) AS n FROM ingest.deposit_events WHERE bank_ref = $1', [bankRef]),
    ).toBe(0);
  });

  it.each([
    ['name', { name: `${personName}王` }],
    ['name', { name: NUL }],
    ['team', { team: LONE }],
    ['enrolledOn', { enrolledOn: '1999-12-31' }],
    ['leftOn', { leftOn: '2100-01-01' }],
  ] as const)('refuses a worker with %s out of bounds, storing nothing', async (field, bad) => {
    const res = await pm.post(`/v1/projects/${p.projectId}/workers`, { workers: [workerBody(30, bad)] });
    expectProblem(res, 400);
    expect(rowsAndFields(res.body.errors)).toEqual([{ row: 1, field }]);
    expect(
      await count(t, 'SELECT count(*) AS n FROM ingest.workers WHERE id_number = $1', [residentId(30)]),
    ).toBe(0);
  });

  it('refuses a payroll line with a 14-digit amount, naming its row and field', async () => {
    const res = await pm.post(`/v1/projects/${p.projectId}/payrolls?atomic=true`, {
      period: '2026-08',
      lines: [lineBody(1), lineBody(2, { amountDue: TOO_BIG })],
    });
    expectProblem(res, 400);
    expect(rowsAndFields(res.body.errors)).toEqual([{ row: 2, field: 'amountDue' }]);
    expect(
      await count(
        t,
        "SELECT count(*) AS n FROM ingest.payroll_sheets WHERE project_id = $1 AND period = '2026-08'",
        [p.projectId],
      ),
    ).toBe(0);
  });

  it('refuses a project with a contract value or a date out of bounds, naming the field', async () => {
    for (const [field, bad] of [
      ['contractValue', { contractValue: TOO_BIG }],
      ['plannedEndDate', { plannedEndDate: '2100-01-01' }],
    ] as const) {
      const res = await t.admin.post(
        '/v1/projects',
        projectBody({
          ...bad,
          projectId: `PZH-OUT-${field}`,
          wageAccount: {
            bankCode: 'ICBC-PZH',
            accountNo: `230201000919${field.length.toString().padStart(7, '0')}`,
          },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
      expect(
        await count(t, 'SELECT count(*) AS n FROM ingest.projects WHERE project_id = $1', [
          `PZH-OUT-${field}`,
        ]),
      ).toBe(0);
    }
  });
});
