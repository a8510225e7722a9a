import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, registerProject, transfer, wageAccount } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/*
 * Issue 13, "a sweep with nothing due evaluates none" (docs/adr/0022-evaluation-due-index.md):
 * the ledger's sweep evaluates only the projects whose evaluation can have changed — the Shanghai
 * day has ended, or a transfer booked ahead has come due — and those never evaluated since the
 * process started. Events still mark projects dirty and are evaluated at once.
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
  it('evaluates every project once, then none for the rest of the Shanghai day, then every one the next day', async () => {
    expect(await sweep('2026-11-29T12:00:00+08:00')).toBe(3);
    expect(await sweep('2026-11-29T12:01:00+08:00')).toBe(0);
    expect(await sweep('2026-11-29T23:59:59+08:00')).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM ledger.evaluation_due')).toBe(3);
    expect(await sweep('2026-11-30T00:00:00+08:00')).toBe(3);
    expect(await sweep('2026-11-30T00:01:00+08:00')).toBe(0);
  });

  it('a transfer booked ahead of the evaluation instant makes its project due at that instant, not before', async () => {
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const [first] = ids;
    const accountNo = wageAccount(1);
    const res = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'DUE-1',
          accountNo,
          direction: 'credit',
          amount: '1000.00',
          bookedAt: '2026-11-30T06:00:00+08:00',
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
    expect(due?.due_at.toISOString()).toBe('2026-11-29T22:00:00.000Z');
    expect(await sweep('2026-11-30T05:59:00+08:00')).toBe(0);
    expect(await sweep('2026-11-30T06:00:00+08:00')).toBe(1);
    expect(await sweep('2026-11-30T06:01:00+08:00')).toBe(0);
  });

  it('a start empties the index: the first sweep after it evaluates every project again', async () => {
    await t.system.ledger.migrate();
    expect(await count(t, 'SELECT count(*) AS n FROM ledger.evaluation_due')).toBe(0);
    expect(await sweep('2026-11-30T07:00:00+08:00')).toBe(3);
    expect(await sweep('2026-11-30T07:01:00+08:00')).toBe(0);
  });
});
