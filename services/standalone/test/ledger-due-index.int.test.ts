import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, registerProject, transfer, wageAccount } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/*
 * Issue 13, "a sweep with nothing due evaluates none" (docs/adr/0022-evaluation-due-index.md):
 * the ledger's sweep evaluates only the projects whose evaluation can have changed — an instant
 * its rules compare with has come (a due date's end, a statement deadline, a month's start…), or a
 * transfer booked ahead has come due — and those never evaluated since the process started. Events still mark projects dirty and are evaluated at once.
 */
let t: TestSystem;
const ids: string[] = [];
const sweep = async (asOf: string) => {
  const res = await t.admin.post('/v1/admin/sweep', { asOf });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await t.settle();
  return res.body.projects as number;
};

beforeAll(async () => {
  t = await startTestSystem({ embedded: { protection: { maxEventLoopDelayMs: 0 } } });
  for (const n of [1, 2, 3]) ids.push((await registerProject(t, n)).projectId);
  await t.settle();
});
afterAll(async () => {
  await t?.close();
});

describe('the ledger sweep follows what is due', () => {
  it('evaluates every project once, then none until the first instant its rules compare with (here the next month)', async () => {
    expect(await sweep('2026-11-29T12:00:00+08:00')).toBe(3);
    expect(await sweep('2026-11-29T12:01:00+08:00')).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM ledger.evaluation_due')).toBe(3);
    // No pay date, statement deadline, rule 8 window or labour-cost cycle ends before December
    // begins (the projects are new, their accounts without movements): midnight changes nothing.
    const due = await t.db.query<{ due_at: Date }>('SELECT DISTINCT due_at FROM ledger.evaluation_due');
    expect(due.map((d) => d.due_at.toISOString())).toEqual(['2026-11-30T16:00:00.000Z']);
    expect(await sweep('2026-11-30T00:00:00+08:00')).toBe(0);
    expect(await sweep('2026-11-30T23:59:59+08:00')).toBe(0);
    expect(await sweep('2026-12-01T00:00:00+08:00')).toBe(3);
    expect(await sweep('2026-12-01T00:01:00+08:00')).toBe(0);
  });

  it('a transfer booked ahead of the evaluation instant makes its project due at that instant, not before', async () => {
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const [first] = ids;
    const accountNo = wageAccount(1);
    t.clock.set(new Date('2026-12-01T01:00:00+08:00')); // the bank's day: it books up to a day ahead
    const res = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'DUE-1',
          accountNo,
          direction: 'credit',
          amount: '1000.00',
          bookedAt: '2026-12-01T06:00:00+08:00',
          counterpartyAccountNo: '4402000000000000888',
          counterpartyName: '业主1',
          purpose: 'labour-cost',
        }),
      ],
    });
    expect([200, 201, 202], JSON.stringify(res.body)).toContain(res.status);
    await t.settle();
    const [due] = await t.db.query<{ due_at: Date }>(
      'SELECT due_at FROM ledger.evaluation_due WHERE project_id = $1',
      [first],
    );
    expect(due?.due_at.toISOString()).toBe('2026-11-30T22:00:00.000Z');
    expect(await sweep('2026-12-01T05:59:00+08:00')).toBe(0);
    expect(await sweep('2026-12-01T06:00:00+08:00')).toBe(1);
    expect(await sweep('2026-12-01T06:01:00+08:00')).toBe(0);
  });

  it('a start empties the index: the first sweep after it evaluates every project again', async () => {
    await t.system.ledger.migrate();
    expect(await count(t, 'SELECT count(*) AS n FROM ledger.evaluation_due')).toBe(0);
    expect(await sweep('2026-12-01T07:00:00+08:00')).toBe(3);
    expect(await sweep('2026-12-01T07:01:00+08:00')).toBe(0);
  });
});
