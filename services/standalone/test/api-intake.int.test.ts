import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  badCheckDigit,
  count,
  expectProblem,
  lineBody,
  registerProject,
  residentId,
  rowsAndFields,
  transfer,
  wageAccount,
  workerBody,
} from './api-helpers.ts';
import { creditCode, payrollFixture, projectBody } from './fixtures.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

let t: TestSystem;
/** Starts 2025-12-01, so the 2026-01 fixture sheets fit. */
let main: { projectId: string; accountNo: string };
let pm: ReturnType<TestSystem['api']['as']>;
let bank: ReturnType<TestSystem['api']['as']>;

const countProjects = (id: string) =>
  count(t, 'SELECT count(*) AS n FROM ingest.projects WHERE project_id = $1', [id]);
const countSheets = (projectId: string, period?: string) =>
  count(
    t,
    `SELECT count(*) AS n FROM ingest.payroll_sheets WHERE project_id = $1${period ? ' AND period = $2' : ''}`,
    period ? [projectId, period] : [projectId],
  );
const countLines = (projectId: string) =>
  count(
    t,
    'SELECT count(*) AS n FROM ingest.payroll_lines l JOIN ingest.payroll_sheets s USING (sheet_id) WHERE s.project_id = $1',
    [projectId],
  );
const countTransfers = (like: string) =>
  count(t, 'SELECT count(*) AS n FROM ingest.bank_transfers WHERE bank_ref LIKE $1', [like]);

beforeAll(async () => {
  t = await startTestSystem();
  main = await registerProject(t, 1, { startDate: '2025-12-01', permitDate: '2025-11-01' });
  pm = t.api.as(t.key('project-manager', { projectIds: [main.projectId, 'PZH-NOT-REGISTERED'] }));
  bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
});
afterAll(async () => {
  await t?.close();
});

describe('POST /v1/projects', () => {
  it('refuses a credit code with a wrong check character, naming owner.creditCode', async () => {
    const good = creditCode(77);
    const bad = `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`;
    const res = await t.admin.post(
      '/v1/projects',
      projectBody({
        projectId: 'PZH-BAD-CC',
        owner: { name: '业主', creditCode: bad },
        wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(100) },
      }),
    );
    expectProblem(res, 400);
    expect(rowsAndFields(res.body.errors)).toEqual([{ row: undefined, field: 'owner.creditCode' }]);
    expect(await countProjects('PZH-BAD-CC')).toBe(0);
  });

  it('refuses a bad contract value', async () => {
    for (const contractValue of ['abc', '12.345', '-100.00']) {
      const res = await t.admin.post(
        '/v1/projects',
        projectBody({
          projectId: 'PZH-BAD-AMT',
          contractValue,
          wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(101) },
        }),
      );
      expectProblem(res, 400);
      expect(res.body.errors, contractValue).toEqual([expect.objectContaining({ field: 'contractValue' })]);
    }
    expect(await countProjects('PZH-BAD-AMT')).toBe(0);
  });

  it('refuses a bad date, and a planned end before the start', async () => {
    for (const [field, value] of [
      ['permitDate', '2026-02-30'],
      ['startDate', '2026/08/01'],
      ['plannedEndDate', 'soon'],
    ] as const) {
      const res = await t.admin.post(
        '/v1/projects',
        projectBody({
          projectId: 'PZH-BAD-DATE',
          [field]: value,
          wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(102) },
        }),
      );
      expectProblem(res, 400);
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        `${field}=${value}`,
      ).toContain(field);
    }
    const backwards = await t.admin.post(
      '/v1/projects',
      projectBody({
        projectId: 'PZH-BAD-DATE',
        plannedEndDate: '2026-01-01',
        wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(102) },
      }),
    );
    expectProblem(backwards, 400);
    expect(rowsAndFields(backwards.body.errors)).toEqual([{ row: undefined, field: 'plannedEndDate' }]);
    expect(await countProjects('PZH-BAD-DATE')).toBe(0);
  });

  it('refuses a duplicate projectId and a wage account already used, with 409', async () => {
    const dup = await t.admin.post(
      '/v1/projects',
      projectBody({
        projectId: main.projectId,
        wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(103) },
      }),
    );
    expectProblem(dup, 409);
    expect(dup.body.detail).toContain(main.projectId);
    const sameAccount = await t.admin.post(
      '/v1/projects',
      projectBody({
        projectId: 'PZH-SAME-ACC',
        wageAccount: { bankCode: 'ICBC-PZH', accountNo: main.accountNo },
      }),
    );
    expectProblem(sameAccount, 409);
    expect(await countProjects('PZH-SAME-ACC')).toBe(0);
    expect(
      await count(t, 'SELECT count(*) AS n FROM ingest.projects WHERE account_no = $1', [wageAccount(103)]),
    ).toBe(0);
    // The original registration is untouched.
    const [row] = await t.db.query<{ account_no: string }>(
      'SELECT account_no FROM ingest.projects WHERE project_id = $1',
      [main.projectId],
    );
    expect(row?.account_no).toBe(main.accountNo);
  });

  it('accepts payDay 31 and refuses payDay 0 or 32', async () => {
    const ok = await t.admin.post(
      '/v1/projects',
      projectBody({
        projectId: 'PZH-PAYDAY-31',
        payDay: 31,
        wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(104) },
      }),
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toEqual({ projectId: 'PZH-PAYDAY-31' });
    const [row] = await t.db.query<{ registration: { payDay: number } }>(
      'SELECT registration FROM ingest.projects WHERE project_id = $1',
      ['PZH-PAYDAY-31'],
    );
    expect(row?.registration.payDay).toBe(31);
    for (const payDay of [0, 32]) {
      const res = await t.admin.post(
        '/v1/projects',
        projectBody({
          projectId: `PZH-PAYDAY-${payDay}`,
          payDay,
          wageAccount: { bankCode: 'ICBC-PZH', accountNo: wageAccount(105 + payDay) },
        }),
      );
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'payDay' })]);
      expect(await countProjects(`PZH-PAYDAY-${payDay}`)).toBe(0);
    }
  });
});

describe('POST /v1/projects/:id/workers', () => {
  it('rejects row 2 with a bad ID check digit, keeping rows 1 and 3', async () => {
    const res = await pm.post(`/v1/projects/${main.projectId}/workers`, {
      workers: [workerBody(1), workerBody(2, { idNumber: badCheckDigit(residentId(2)) }), workerBody(3)],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(rowsAndFields(res.body.rejected)).toEqual([{ row: 2, field: 'idNumber' }]);
    const rows = await t.db.query<{ id_number: string }>(
      'SELECT id_number FROM ingest.workers WHERE project_id = $1 ORDER BY id_number',
      [main.projectId],
    );
    expect(rows.map((r) => r.id_number)).toEqual([residentId(1), residentId(3)].sort());
  });

  it('with ?atomic=true and one bad row stores none', async () => {
    const res = await pm.post(`/v1/projects/${main.projectId}/workers?atomic=true`, {
      workers: [workerBody(10), workerBody(11, { accountNo: '12ab' })],
    });
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/atomic/);
    expect(rowsAndFields(res.body.errors)).toEqual([{ row: 2, field: 'accountNo' }]);
    expect(
      await count(t, 'SELECT count(*) AS n FROM ingest.workers WHERE id_number = ANY($1::text[])', [
        [residentId(10), residentId(11)],
      ]),
    ).toBe(0);
  });

  it('rejects leftOn before enrolledOn, a bad date and a missing name', async () => {
    const res = await pm.post(`/v1/projects/${main.projectId}/workers`, {
      workers: [
        workerBody(20, { enrolledOn: '2026-09-01', leftOn: '2026-08-31' }),
        workerBody(21, { enrolledOn: '2026-09-31' }),
        workerBody(22, { name: '' }),
      ],
    });
    expectProblem(res, 400);
    expect(rowsAndFields(res.body.errors)).toEqual([
      { row: 1, field: 'leftOn' },
      { row: 2, field: 'enrolledOn' },
      { row: 3, field: 'name' },
    ]);
    expect(
      await count(t, 'SELECT count(*) AS n FROM ingest.workers WHERE id_number = ANY($1::text[])', [
        [20, 21, 22].map(residentId),
      ]),
    ).toBe(0);
  });

  it('rejects the second occurrence of a worker in one request', async () => {
    const res = await pm.post(`/v1/projects/${main.projectId}/workers`, {
      workers: [workerBody(30), workerBody(30, { name: '别名' })],
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(rowsAndFields(res.body.rejected)).toEqual([{ row: 2, field: 'idNumber' }]);
    const [row] = await t.db.query<{ name: string }>('SELECT name FROM ingest.workers WHERE id_number = $1', [
      residentId(30),
    ]);
    expect(row?.name).toBe('工人30');
  });

  it('answers 404 for an unknown project', async () => {
    const res = await pm.post('/v1/projects/PZH-NOT-REGISTERED/workers', { workers: [workerBody(40)] });
    expectProblem(res, 404);
    expect(
      await count(t, 'SELECT count(*) AS n FROM ingest.workers WHERE project_id = $1', [
        'PZH-NOT-REGISTERED',
      ]),
    ).toBe(0);
  });
});

describe('POST /v1/projects/:id/payrolls (JSON)', () => {
  it('rejects bad amounts by row and field amountDue and keeps the good lines', async () => {
    const res = await pm.post(`/v1/projects/${main.projectId}/payrolls`, {
      period: '2026-09',
      lines: [
        lineBody(1),
        lineBody(2, { amountDue: '12.345' }),
        lineBody(3, { amountDue: 'abc' }),
        lineBody(4, { amountDue: '4800.5' }),
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ period: '2026-09', version: 1, accepted: 2, totalDue: '10000.50' });
    expect(rowsAndFields(res.body.rejected)).toEqual([
      { row: 2, field: 'amountDue' },
      { row: 3, field: 'amountDue' },
    ]);
    const lines = await t.db.query<{ id_number: string; amount_due_fen: bigint }>(
      'SELECT id_number, amount_due_fen FROM ingest.payroll_lines WHERE sheet_id = $1 ORDER BY source_row',
      [res.body.sheetId],
    );
    expect(lines.map((l) => [l.id_number, Number(l.amount_due_fen)])).toEqual([
      [residentId(1), 520000],
      [residentId(4), 480050],
    ]);
    const [sheet] = await t.db.query<{ line_count: number; rejected_count: number }>(
      'SELECT line_count, rejected_count FROM ingest.payroll_sheets WHERE sheet_id = $1',
      [res.body.sheetId],
    );
    expect(sheet).toEqual({ line_count: 2, rejected_count: 2 });
  });

  it('refuses a malformed period, a future period and a period before the project start', async () => {
    const before = await countSheets(main.projectId);
    for (const period of ['2026-13', '2026-1', 'October', '2026-12', '2027-01', '2025-11']) {
      const res = await pm.post(`/v1/projects/${main.projectId}/payrolls`, { period, lines: [lineBody(1)] });
      expectProblem(res, 400);
      expect(rowsAndFields(res.body.errors), period).toEqual([{ row: undefined, field: 'period' }]);
    }
    expect(await countSheets(main.projectId)).toBe(before);
  });

  it('answers 404 for an unknown project', async () => {
    const res = await pm.post('/v1/projects/PZH-NOT-REGISTERED/payrolls', {
      period: '2026-10',
      lines: [lineBody(1)],
    });
    expectProblem(res, 404);
    expect(await countSheets('PZH-NOT-REGISTERED')).toBe(0);
  });

  it('rejects a worker appearing twice on a sheet', async () => {
    const res = await pm.post(`/v1/projects/${main.projectId}/payrolls`, {
      period: '2026-08',
      lines: [lineBody(1), lineBody(1, { amountDue: '100.00' }), lineBody(3)],
    });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(2);
    expect(res.body.totalDue).toBe('10400.00');
    expect(rowsAndFields(res.body.rejected)).toEqual([{ row: 2, field: 'idNumber' }]);
  });

  it('refuses a sheet whose every line is bad, and with ?atomic=true one bad line refuses all', async () => {
    const before = await countSheets(main.projectId);
    const allBad = await pm.post(`/v1/projects/${main.projectId}/payrolls`, {
      period: '2026-07',
      lines: [lineBody(1, { idNumber: badCheckDigit(residentId(1)) }), lineBody(2, { signed: 'maybe' })],
    });
    expectProblem(allBad, 400);
    expect(rowsAndFields(allBad.body.errors)).toEqual([
      { row: 1, field: 'idNumber' },
      { row: 2, field: 'signed' },
    ]);
    const atomic = await pm.post(`/v1/projects/${main.projectId}/payrolls?atomic=true`, {
      period: '2026-07',
      lines: [lineBody(1), lineBody(2, { amountDue: '-1.00' })],
    });
    expectProblem(atomic, 400);
    expect(rowsAndFields(atomic.body.errors)).toEqual([{ row: 2, field: 'amountDue' }]);
    expect(await countSheets(main.projectId)).toBe(before);
    expect(await countSheets(main.projectId, '2026-07')).toBe(0);
  });

  it('a resubmitted period gets version 2, both versions are kept and the ledger uses the new one', async () => {
    // Its own project, so that its findings are unambiguous.
    const p = await registerProject(t, 2);
    await t.admin.post(`/v1/projects/${p.projectId}/workers`, { workers: [workerBody(1)] });
    const v1 = await t.admin.post(`/v1/projects/${p.projectId}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1, { amountDue: '5200.00' })],
    });
    expect(v1.status).toBe(201);
    expect(v1.body.version).toBe(1);
    const v2 = await t.admin.post(`/v1/projects/${p.projectId}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1, { amountDue: '6100.00' })],
    });
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    expect(v2.body.sheetId).not.toBe(v1.body.sheetId);
    const sheets = await t.db.query<{ version: number; total: string }>(
      `SELECT s.version, sum(l.amount_due_fen)::text AS total FROM ingest.payroll_sheets s JOIN ingest.payroll_lines l USING (sheet_id)
       WHERE s.project_id = $1 AND s.period = '2026-10' GROUP BY s.version ORDER BY s.version`,
      [p.projectId],
    );
    expect(sheets).toEqual([
      { version: 1, total: '520000' },
      { version: 2, total: '610000' },
    ]);
    // The bank reports the account through the due date (2026-11-15 is a Sunday: due Friday 11-13); nothing paid.
    for (const date of ['2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16']) {
      const s = await bank.post('/v1/bank/statements', {
        accountNo: p.accountNo,
        date,
        openingBalance: '50000.00',
        closingBalance: '50000.00',
        debitCount: 0,
        debitTotal: '0.00',
        creditCount: 0,
        creditTotal: '0.00',
      });
      expect(s.status).toBe(200);
    }
    await t.settle();
    const ledgerSheets = await t.db.query<{ version: number }>(
      `SELECT version FROM ledger.payroll_sheets WHERE project_id = $1 AND period = '2026-10' ORDER BY version`,
      [p.projectId],
    );
    expect(ledgerSheets.map((s) => s.version)).toContain(2);
    const sweep = await t.admin.post('/v1/admin/sweep', { asOf: '2026-11-16T09:00:00+08:00' });
    expect(sweep.status).toBe(200);
    await t.settle();
    const findings = await t.admin.get(`/v1/findings?projectId=${p.projectId}&rule=wages-missed`);
    expect(findings.body.total).toBe(1);
    expect(findings.body.findings[0]).toMatchObject({
      period: '2026-10',
      dueDate: '2026-11-13',
      amountOwed: '6100.00',
      amountPaid: '0.00',
    });
  });
});

describe('POST /v1/projects/:id/payrolls (files)', () => {
  const expectedNet: Record<string, number> = {
    '510402197803150210': 695000,
    '510411198507090226': 462000,
    '510421199001010230': 715000,
    '510422196912240259': 641000,
    '513401199811110273': 573000,
  };

  it('accepts the GBK CSV, the UTF-8 CSV and the XLSX, five lines each, with the version incrementing', async () => {
    const files = [
      { name: 'gongzi-2026-01-gbk.csv', type: 'text/csv', source: 'csv' },
      { name: 'gongzi-2026-01.csv', type: 'text/csv', source: 'csv' },
      {
        name: 'gongzi-2026-01.xlsx',
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        source: 'xlsx',
      },
    ] as const;
    for (const [i, f] of files.entries()) {
      const res = await pm.upload(`/v1/projects/${main.projectId}/payrolls`, {
        bytes: payrollFixture(f.name),
        filename: f.name,
        type: f.type,
      });
      expect(res.status, `${f.name}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body).toMatchObject({
        period: '2026-01',
        version: i + 1,
        accepted: 5,
        rejected: [],
        totalDue: '30860.00',
      });
      const [sheet] = await t.db.query<{ source: string; filename: string; line_count: number }>(
        'SELECT source, filename, line_count FROM ingest.payroll_sheets WHERE sheet_id = $1',
        [res.body.sheetId],
      );
      expect(sheet).toEqual({ source: f.source, filename: f.name, line_count: 5 });
      const lines = await t.db.query<{
        id_number: string;
        name: string;
        amount_due_fen: bigint;
        gross_fen: bigint | null;
        signed: boolean;
      }>(
        'SELECT id_number, name, amount_due_fen, gross_fen, signed FROM ingest.payroll_lines WHERE sheet_id = $1 ORDER BY source_row',
        [res.body.sheetId],
      );
      expect(lines.length).toBe(5);
      // Net pay (实发工资) is the amount due; gross pay is kept beside it.
      expect(Object.fromEntries(lines.map((l) => [l.id_number, Number(l.amount_due_fen)]))).toEqual(
        expectedNet,
      );
      expect(lines.map((l) => l.name)).toEqual(['王建国', '李秀英', '张伟', '刘德明', '陈小龙']);
      expect(Number(lines[0]!.gross_fen)).toBe(728000);
      expect(lines.filter((l) => !l.signed).map((l) => l.name)).toEqual(['刘德明']);
    }
    expect(await countSheets(main.projectId, '2026-01')).toBe(3);
  });

  /**
   * The UTF-8 fixture (CRLF, as Excel writes it) for another month, with its 本人签字 cells
   * (rows 4-8, one per worker) replaced by `signatures`.
   */
  const sheetSignedWith = (month: number, signatures: string[]): Buffer => {
    const lines = payrollFixture('gongzi-2026-01.csv').toString('utf8').split('\r\n');
    lines[0] = lines[0]!.replace('2026年1月', `2026年${month}月`);
    for (const [i, s] of signatures.entries()) {
      lines[3 + i] = lines[3 + i]!.replace(/,[^,]*$/, `,${s}`);
    }
    return Buffer.from(lines.join('\r\n'), 'utf8');
  };
  const storedSignatures = (sheetId: string) =>
    t.db.query<{ name: string; signed: boolean }>(
      'SELECT name, signed FROM ingest.payroll_lines WHERE sheet_id = $1 ORDER BY source_row',
      [sheetId],
    );

  it("stores a sheet whose 本人签字 column holds the workers' own names as signed", async () => {
    const names = ['王建国', '李秀英', '张伟', '刘德明', '陈小龙'];
    const res = await pm.upload(`/v1/projects/${main.projectId}/payrolls`, {
      bytes: sheetSignedWith(3, names),
      filename: 'gongzi-2026-03.csv',
      type: 'text/csv',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ period: '2026-03', accepted: 5, rejected: [], totalDue: '30860.00' });
    expect(await storedSignatures(res.body.sheetId)).toEqual(names.map((name) => ({ name, signed: true })));
  });

  it('stores ✔ as signed and × as not signed', async () => {
    const res = await pm.upload(`/v1/projects/${main.projectId}/payrolls`, {
      bytes: sheetSignedWith(4, ['✔', '✓', '√', '×', '已签字']),
      filename: 'gongzi-2026-04.csv',
      type: 'text/csv',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ period: '2026-04', accepted: 5, rejected: [] });
    expect((await storedSignatures(res.body.sheetId)).map((l) => [l.name, l.signed])).toEqual([
      ['王建国', true],
      ['李秀英', true],
      ['张伟', true],
      ['刘德明', false],
      ['陈小龙', true],
    ]);
  });

  it("rejects a line signed with another person's name, naming the row and field; JSON reads signatures alike", async () => {
    const res = await pm.upload(`/v1/projects/${main.projectId}/payrolls`, {
      bytes: sheetSignedWith(5, ['王建国', '王建国', '张伟', '', '陈小龙']),
      filename: 'gongzi-2026-05.csv',
      type: 'text/csv',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ period: '2026-05', accepted: 4 });
    expect(res.body.rejected).toEqual([
      {
        row: 5,
        field: 'signed',
        message: "signed by 王建国, not the worker 李秀英: only the worker's own signature confirms the line",
      },
    ]);
    expect((await storedSignatures(res.body.sheetId)).map((l) => [l.name, l.signed])).toEqual([
      ['王建国', true],
      ['张伟', true],
      ['刘德明', false],
      ['陈小龙', true],
    ]);

    const json = await pm.post(`/v1/projects/${main.projectId}/payrolls`, {
      period: '2026-06',
      lines: [
        lineBody(1, { signed: '工人1' }),
        lineBody(2, { signed: '✔' }),
        lineBody(3, { signed: '×' }),
        lineBody(4, { signed: '工人1' }),
      ],
    });
    expect(json.status, JSON.stringify(json.body)).toBe(201);
    expect(rowsAndFields(json.body.rejected)).toEqual([{ row: 4, field: 'signed' }]);
    expect((await storedSignatures(json.body.sheetId)).map((l) => [l.name, l.signed])).toEqual([
      ['工人1', true],
      ['工人2', true],
      ['工人3', false],
    ]);
  });

  it('refuses the sheet whose ID column was stored as numbers, row by row, telling to format as text', async () => {
    const before = await countLines(main.projectId);
    const sheetsBefore = await countSheets(main.projectId);
    const res = await pm.upload(`/v1/projects/${main.projectId}/payrolls`, {
      bytes: payrollFixture('gongzi-id-as-number.xlsx'),
      filename: 'gongzi-id-as-number.xlsx',
    });
    expectProblem(res, 400);
    const idErrors = res.body.errors.filter((e: { field: string }) => e.field === 'idNumber');
    expect(idErrors.length).toBe(5);
    expect(idErrors.map((e: { row: number }) => e.row)).toEqual([4, 5, 6, 7, 8]);
    for (const e of idErrors) expect(e.message).toMatch(/as text/);
    expect(await countLines(main.projectId)).toBe(before);
    expect(await countSheets(main.projectId)).toBe(sheetsBefore);
  });

  it('refuses a form period that contradicts the title, and accepts one that agrees', async () => {
    const before = await countSheets(main.projectId, '2026-02');
    const res = await pm.upload(
      `/v1/projects/${main.projectId}/payrolls`,
      { bytes: payrollFixture('gongzi-2026-01.csv'), filename: 'gongzi-2026-01.csv', type: 'text/csv' },
      { period: '2026-02' },
    );
    expectProblem(res, 400);
    expect(rowsAndFields(res.body.errors)).toEqual([{ row: undefined, field: 'period' }]);
    expect(await countSheets(main.projectId, '2026-02')).toBe(before);
    const agrees = await pm.upload(
      `/v1/projects/${main.projectId}/payrolls`,
      { bytes: payrollFixture('gongzi-2026-01.csv'), filename: 'gongzi-2026-01.csv', type: 'text/csv' },
      { period: '2026-01' },
    );
    expect(agrees.status).toBe(201);
    expect(agrees.body.period).toBe('2026-01');
  });

  it('refuses an empty file and a file that is no spreadsheet, naming file', async () => {
    const sheetsBefore = await countSheets(main.projectId);
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001',
      'hex',
    );
    const cases = [
      { bytes: Buffer.alloc(0), filename: 'empty.csv', type: 'text/csv' },
      { bytes: Buffer.from('   \n\n'), filename: 'blank.csv', type: 'text/csv' },
      { bytes: png, filename: 'photo.png', type: 'image/png' },
      {
        bytes: Buffer.from('hello, this is a letter\nnot a payroll\n'),
        filename: 'letter.txt',
        type: 'text/plain',
      },
    ];
    for (const c of cases) {
      const res = await pm.upload(`/v1/projects/${main.projectId}/payrolls`, c);
      expectProblem(res, 400);
      expect(rowsAndFields(res.body.errors), c.filename).toEqual([{ row: undefined, field: 'file' }]);
    }
    expect(await countSheets(main.projectId)).toBe(sheetsBefore);
  });
});

describe('POST /v1/bank/transfers', () => {
  it('acknowledges a bankRef repeated within a request and across requests as a duplicate, stored once', async () => {
    const rec = transfer({ bankRef: 'DUP-1', accountNo: main.accountNo });
    const first = await bank.post('/v1/bank/transfers', {
      records: [rec, rec, transfer({ bankRef: 'DUP-2', accountNo: main.accountNo })],
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 2, duplicates: 1, rejected: [] });
    const again = await bank.post('/v1/bank/transfers', { records: [rec, { ...rec, amount: '9999.00' }] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    expect(await countTransfers('DUP-%')).toBe(2);
    const [row] = await t.db.query<{ record: { amount: string } }>(
      "SELECT record FROM ingest.bank_transfers WHERE bank_ref = 'DUP-1'",
    );
    expect(row?.record.amount).toBe('5200.00');
    // The same bankRef from another bank is another record.
    const other = await registerProject(t, 3, {
      wageAccount: { bankCode: 'CCB-PZH', accountNo: wageAccount(3) },
    });
    const ccb = t.api.as(t.key('bank', { bankCode: 'CCB-PZH' }));
    const theirs = await ccb.post('/v1/bank/transfers', {
      records: [transfer({ bankRef: 'DUP-1', accountNo: other.accountNo })],
    });
    expect(theirs.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await countTransfers('DUP-%')).toBe(3);
  });

  it('rejects bad rows by row and field and keeps the good ones', async () => {
    const res = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({ bankRef: 'ROW-1', accountNo: main.accountNo }),
        transfer({ bankRef: 'ROW-2', accountNo: main.accountNo, bookedAt: '2026-11-13T10:00:00' }),
        transfer({ bankRef: 'ROW-3', accountNo: main.accountNo, amount: '0' }),
        transfer({ bankRef: 'ROW-4', accountNo: main.accountNo, amount: '-5' }),
        transfer({ bankRef: 'ROW-5', accountNo: main.accountNo, amount: '5.123' }),
        transfer({ bankRef: 'ROW-6', accountNo: main.accountNo, status: 'returned' }),
        transfer({ bankRef: 'ROW-7', accountNo: '6222029999999999999' }),
        transfer({ bankRef: 'ROW-8', accountNo: main.accountNo, direction: 'sideways' as 'debit' }),
        transfer({
          bankRef: 'ROW-9',
          accountNo: main.accountNo,
          status: 'returned',
          originalBankRef: 'ROW-1',
          direction: 'credit',
        }),
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.duplicates).toBe(0);
    expect(rowsAndFields(res.body.rejected)).toEqual([
      { row: 2, field: 'bookedAt' },
      { row: 3, field: 'amount' },
      { row: 4, field: 'amount' },
      { row: 5, field: 'amount' },
      { row: 6, field: 'originalBankRef' },
      { row: 7, field: 'accountNo' },
      { row: 8, field: 'direction' },
    ]);
    const refs = await t.db.query<{ bank_ref: string }>(
      "SELECT bank_ref FROM ingest.bank_transfers WHERE bank_ref LIKE 'ROW-%' ORDER BY bank_ref",
    );
    expect(refs.map((r) => r.bank_ref)).toEqual(['ROW-1', 'ROW-9']);
  });

  it('with ?atomic=true stores nothing when one row is bad, and everything when all are good', async () => {
    const bad = await bank.post('/v1/bank/transfers?atomic=true', {
      records: [
        transfer({ bankRef: 'ATOM-1', accountNo: main.accountNo }),
        transfer({ bankRef: 'ATOM-2', accountNo: main.accountNo, amount: '5.123' }),
      ],
    });
    expectProblem(bad, 400);
    expect(rowsAndFields(bad.body.errors)).toEqual([{ row: 2, field: 'amount' }]);
    expect(await countTransfers('ATOM-%')).toBe(0);
    const unknown = await bank.post('/v1/bank/transfers?atomic=true', {
      records: [
        transfer({ bankRef: 'ATOM-3', accountNo: main.accountNo }),
        transfer({ bankRef: 'ATOM-4', accountNo: '6222029999999999999' }),
      ],
    });
    expectProblem(unknown, 400);
    expect(rowsAndFields(unknown.body.errors)).toEqual([{ row: 2, field: 'accountNo' }]);
    expect(await countTransfers('ATOM-%')).toBe(0);
    const good = await bank.post('/v1/bank/transfers?atomic=true', {
      records: [
        transfer({ bankRef: 'ATOM-1', accountNo: main.accountNo }),
        transfer({ bankRef: 'ATOM-2', accountNo: main.accountNo }),
      ],
    });
    expect(good.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await countTransfers('ATOM-%')).toBe(2);
  });

  it('refuses a request whose every row is bad, and an empty list', async () => {
    const res = await bank.post('/v1/bank/transfers', {
      records: [transfer({ bankRef: 'ALLBAD-1', accountNo: main.accountNo, amount: 'abc' })],
    });
    expectProblem(res, 400);
    expect(rowsAndFields(res.body.errors)).toEqual([{ row: 1, field: 'amount' }]);
    expectProblem(await bank.post('/v1/bank/transfers', { records: [] }), 400);
    expect(await countTransfers('ALLBAD-%')).toBe(0);
  });
});

describe('POST /v1/bank/statements', () => {
  const stmt = (overrides: Record<string, unknown> = {}) => ({
    accountNo: main.accountNo,
    date: '2026-11-20',
    openingBalance: '80000.00',
    closingBalance: '74800.00',
    debitCount: 1,
    debitTotal: '5200.00',
    creditCount: 0,
    creditTotal: '0.00',
    ...overrides,
  });
  const stored = () =>
    t.db.query<{ record: { closingBalance: string } }>(
      "SELECT record FROM ingest.bank_statements WHERE account_no = $1 AND statement_date = '2026-11-20' ORDER BY id",
      [main.accountNo],
    );

  it('accepts a statement, acknowledges the same again as a duplicate, and replaces a changed one', async () => {
    expect((await bank.post('/v1/bank/statements', stmt())).body).toEqual({ status: 'accepted' });
    expect((await bank.post('/v1/bank/statements', stmt())).body).toEqual({ status: 'duplicate' });
    expect((await stored()).length).toBe(1);
    const changed = await bank.post(
      '/v1/bank/statements',
      stmt({ closingBalance: '74700.00', debitTotal: '5300.00' }),
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ status: 'replaced' });
    expect((await stored()).map((r) => r.record.closingBalance)).toEqual(['74800.00', '74700.00']);
    await t.settle();
    const [ledger] = await t.db.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM ledger.statements WHERE account_no = $1 AND statement_date = '2026-11-20'",
      [main.accountNo],
    );
    expect(Number(ledger?.n)).toBe(1);
  });

  it('refuses a future date, a bad amount and an unknown account', async () => {
    const before = await count(t, 'SELECT count(*) AS n FROM ingest.bank_statements');
    const future = await bank.post('/v1/bank/statements', stmt({ date: '2026-11-30' }));
    expectProblem(future, 400);
    expect(rowsAndFields(future.body.errors)).toEqual([{ row: undefined, field: 'date' }]);
    const amount = await bank.post('/v1/bank/statements', stmt({ date: '2026-11-21', debitTotal: '12.345' }));
    expectProblem(amount, 400);
    expect(rowsAndFields(amount.body.errors)).toEqual([{ row: undefined, field: 'debitTotal' }]);
    const badDate = await bank.post('/v1/bank/statements', stmt({ date: '2026-11-31' }));
    expectProblem(badDate, 400);
    expect(badDate.body.errors.map((e: { field: string }) => e.field)).toContain('date');
    const unknown = await bank.post(
      '/v1/bank/statements',
      stmt({ accountNo: '6222029999999999999', date: '2026-11-21' }),
    );
    expectProblem(unknown, 404);
    expect(await count(t, 'SELECT count(*) AS n FROM ingest.bank_statements')).toBe(before);
  });
});

describe('POST /v1/bank/statements/batch', () => {
  let second: { accountNo: string };
  let foreign: { accountNo: string };
  beforeAll(async () => {
    second = await registerProject(t, 31, { startDate: '2025-12-01', permitDate: '2025-11-01' });
    foreign = await registerProject(t, 32, {
      startDate: '2025-12-01',
      permitDate: '2025-11-01',
      wageAccount: { bankCode: 'CCB-PZH', accountNo: wageAccount(32) },
    });
  });
  const stmt = (accountNo: string, overrides: Record<string, unknown> = {}) => ({
    accountNo,
    date: '2026-11-18',
    openingBalance: '80000.00',
    closingBalance: '74800.00',
    debitCount: 1,
    debitTotal: '5200.00',
    creditCount: 0,
    creditTotal: '0.00',
    ...overrides,
  });
  const storedOn = (date: string) =>
    t.db.query<{ account_no: string; closing: string }>(
      `SELECT account_no, record->>'closingBalance' AS closing FROM ingest.bank_statements
       WHERE statement_date = $1 AND account_no = ANY($2::text[]) ORDER BY id`,
      [date, [main.accountNo, second.accountNo]],
    );

  it('stores many accounts and days in one request, and counts repeats and new versions as the single route does', async () => {
    const first = await bank.post('/v1/bank/statements/batch', {
      statements: [
        stmt(main.accountNo),
        stmt(second.accountNo),
        stmt(main.accountNo, {
          date: '2026-11-17',
          closingBalance: '80000.00',
          debitCount: 0,
          debitTotal: '0.00',
        }),
      ],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ accepted: 3, replaced: 0, duplicates: 0, rejected: [] });
    const again = await bank.post('/v1/bank/statements/batch', {
      statements: [
        stmt(main.accountNo),
        stmt(second.accountNo, { closingBalance: '74700.00', debitTotal: '5300.00' }),
      ],
    });
    expect(again.body).toEqual({ accepted: 1, replaced: 1, duplicates: 1, rejected: [] });
    expect(await storedOn('2026-11-18')).toEqual([
      { account_no: main.accountNo, closing: '74800.00' },
      { account_no: second.accountNo, closing: '74800.00' },
      { account_no: second.accountNo, closing: '74700.00' },
    ]);
    // The single route sees the same statements.
    expect((await bank.post('/v1/bank/statements', stmt(main.accountNo))).body).toEqual({
      status: 'duplicate',
    });
    await t.settle();
    const ledger = await t.db.query<{ account_no: string; statement_date: string }>(
      `SELECT account_no, statement_date FROM ledger.statements
       WHERE account_no = ANY($1::text[]) AND statement_date IN ('2026-11-17', '2026-11-18') ORDER BY 1, 2`,
      [[main.accountNo, second.accountNo]],
    );
    expect(ledger).toEqual(
      [
        { account_no: main.accountNo, statement_date: '2026-11-17' },
        { account_no: main.accountNo, statement_date: '2026-11-18' },
        { account_no: second.accountNo, statement_date: '2026-11-18' },
      ].sort((a, b) => (a.account_no + a.statement_date).localeCompare(b.account_no + b.statement_date)),
    );
  });

  it('names the row and field of each bad statement and keeps the good ones, unless atomic=true', async () => {
    const body = {
      statements: [
        stmt(main.accountNo, { date: '2026-11-16' }),
        stmt(main.accountNo, { date: '2026-11-30' }),
        stmt(second.accountNo, { date: '2026-11-16', debitTotal: '12.345' }),
        stmt('6222029999999999999', { date: '2026-11-16' }),
        stmt(main.accountNo, { date: '2026-11-16', closingBalance: '1.00' }),
        { accountNo: second.accountNo },
      ],
    };
    const atomic = await bank.post('/v1/bank/statements/batch?atomic=true', body);
    expectProblem(atomic, 400);
    expect((await storedOn('2026-11-16')).length).toBe(0);
    const res = await bank.post('/v1/bank/statements/batch', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted).toBe(1);
    const issues = rowsAndFields(res.body.rejected) as { row: number; field: string }[];
    expect(issues.filter((r) => r.row < 6)).toEqual([
      { row: 2, field: 'date' },
      { row: 3, field: 'debitTotal' },
      { row: 4, field: 'accountNo' },
      { row: 5, field: 'date' },
    ]);
    // The row that is not a statement: each missing field named.
    expect(issues.filter((r) => r.row === 6).map((r) => r.field)).toEqual(
      expect.arrayContaining(['date', 'openingBalance', 'closingBalance', 'debitCount']),
    );
    expect(res.body.rejected.find((r: { row: number }) => r.row === 5).message).toContain('row 1');
    expect(await storedOn('2026-11-16')).toEqual([{ account_no: main.accountNo, closing: '74800.00' }]);
  });

  it("refuses the whole request when a row names another bank's account, and one with no good row", async () => {
    const res = await bank.post('/v1/bank/statements/batch', {
      statements: [
        stmt(main.accountNo, { date: '2026-11-15' }),
        stmt(foreign.accountNo, { date: '2026-11-15' }),
      ],
    });
    expectProblem(res, 403);
    expect(res.body.detail).toContain('row 2');
    expect((await storedOn('2026-11-15')).length).toBe(0);
    expectProblem(
      await bank.post('/v1/bank/statements/batch', { statements: [stmt('x', { date: 'nope' })] }),
      400,
    );
    expectProblem(await bank.post('/v1/bank/statements/batch', { statements: [] }), 400);
  });
});
