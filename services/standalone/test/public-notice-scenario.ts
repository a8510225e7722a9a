import { expect } from 'vitest';
import { lineBody, registerProject, residentId, transfer, workerBody } from './api-helpers.ts';
import { card } from './fixtures.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * Two projects paying on the 15th for the month before. Wages for 2026-10 were due 2026-11-15,
 * a Sunday, so on Friday 2026-11-13; the ledger was swept as of 2026-11-16 and the clock reads
 * 2026-11-29 (the harness's TEST_NOW), so 2026-10 is "last month" and 2026-12-15 the next pay date.
 *
 * - `paid` (东区): worker 1 was paid on 2026-11-13, worker 2 was not; the bank's statement for
 *   the due date arrived. It names a labour officer and relies on the defaults for the rest.
 * - `pending` (西区): both workers on the sheet, no statement for the due date yet. It gives its
 *   own complaint channels and minimum wage.
 */
export const WORKERS = [
  { n: 1, name: '王建国' },
  { n: 2, name: '李秀英' },
  { n: 3, name: '赵小明' },
  { n: 4, name: '孙丽' },
] as const;
export const OFFICER = { name: '张劳资', phone: '0812-3335555' };
export const PENDING_CHANNELS = [
  '12333 劳动保障监察举报投诉电话',
  '攀枝花市西区劳动保障监察大队（现场接待）',
];

export type NoticeScenario = {
  t: TestSystem;
  paid: { projectId: string; accountNo: string };
  pending: { projectId: string; accountNo: string };
  /** Every piece of personal data the scenario holds: none may appear on a notice. */
  personal: string[];
};

export async function startNoticeScenario(): Promise<NoticeScenario> {
  const t = await startTestSystem();
  const paid = await registerProject(t, 61, {
    name: '攀枝花市东区公示测试安置房项目',
    district: '东区',
    permitDate: '2026-09-01',
    startDate: '2026-10-01',
    labourOfficer: OFFICER,
  });
  const pending = await registerProject(t, 62, {
    name: '攀枝花市西区公示测试道路工程',
    district: '西区',
    permitDate: '2026-09-01',
    startDate: '2026-10-01',
    complaintChannels: PENDING_CHANNELS,
    minimumWage: '2200',
  });
  const [w1, w2, w3, w4] = WORKERS;
  for (const [p, ws] of [
    [paid, [w1, w2]],
    [pending, [w3, w4]],
  ] as const) {
    const pm = t.api.as(t.key('project-manager', { projectIds: [p.projectId] }));
    const reg = await pm.post(`/v1/projects/${p.projectId}/workers`, {
      workers: ws.map((w) => workerBody(w.n, { name: w.name })),
    });
    expect(reg.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const sheet = await pm.post(`/v1/projects/${p.projectId}/payrolls`, {
      period: '2026-10',
      lines: ws.map((w) => lineBody(w.n, { name: w.name, amountDue: '5200.00' })),
    });
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(201);
  }
  const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
  const tr = await bank.post('/v1/bank/transfers', {
    records: [
      transfer({
        bankRef: 'NOTICE-1',
        accountNo: paid.accountNo,
        amount: '5200.00',
        counterpartyAccountNo: card(w1.n),
        counterpartyName: w1.name,
        counterpartyIdNumber: residentId(w1.n),
        bookedAt: '2026-11-13T10:30:00+08:00',
      }),
    ],
  });
  expect(tr.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  const st = await bank.post('/v1/bank/statements', {
    accountNo: paid.accountNo,
    date: '2026-11-13',
    openingBalance: '100000.00',
    closingBalance: '94800.00',
    debitCount: 1,
    debitTotal: '5200.00',
    creditCount: 0,
    creditTotal: '0.00',
  });
  expect(st.body).toEqual({ status: 'accepted' });
  await t.settle();
  const sweep = await t.admin.post('/v1/admin/sweep', { asOf: '2026-11-16T09:00:00+08:00' });
  expect(sweep.status, JSON.stringify(sweep.body)).toBe(200);
  await t.settle();
  const personal = WORKERS.flatMap((w) => {
    const id = residentId(w.n);
    return [w.name, id, `${id.slice(0, 6)}********${id.slice(-4)}`, card(w.n)];
  });
  return { t, paid, pending, personal };
}
