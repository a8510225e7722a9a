import { defaultCalendar, formatFen } from '@wagewatch/domain';
import { evaluatePayDateOutlooks } from '@wagewatch/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineBody, registerProject, transfer, workerBody } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * Rule 8's outlooks as the cockpit reads them (docs/adr/0021): stored per project by the ledger's
 * evaluation (ledger.pay_date_outlooks), equal to what the dashboard evaluated per request before,
 * replaced (not accumulated) at each evaluation and removed once the pay date leaves the window.
 *
 * One project paid on the 25th of the month after: 10,000.00 for 2026-10, due Wednesday
 * 2026-11-25; the wage account holds 6,000.00 (a credit on 11-16, statements to 11-23).
 */

type Upcoming = {
  projectId: string;
  name: string;
  period: string;
  payDate: string;
  due: string | null;
  balance: string | null;
  short: boolean;
};

describe.each(['pglite', 'postgres'] as const)('the stored pay-date outlooks on %s', (kind) => {
  let t: TestSystem;
  let p: { projectId: string; accountNo: string; bankCode: string };

  /** What the dashboard computed before: the project evaluated afresh at now, rule 8 observed. */
  async function fresh(): Promise<Upcoming[]> {
    const outlooks = await evaluatePayDateOutlooks(t.db, [p.projectId], t.clock.now(), defaultCalendar);
    return (outlooks.get(p.projectId) ?? []).map((o) => ({
      projectId: p.projectId,
      name: '外环丁项目',
      period: o.period,
      payDate: o.dueDate,
      due: o.owed === null ? null : formatFen(o.owed),
      balance: o.balance === null ? null : formatFen(o.balance),
      short: o.owed !== null && o.balance !== null && o.owed > 0n && o.balance < o.owed,
    }));
  }
  const stored = () =>
    t.db.query<{ period: string; due_date: string; balance_fen: string | null; evaluated_at: Date }>(
      `SELECT period, to_char(due_date, 'YYYY-MM-DD') AS due_date, balance_fen::text AS balance_fen, evaluated_at
       FROM ledger.pay_date_outlooks WHERE project_id = $1 ORDER BY period`,
      [p.projectId],
    );
  const upcoming = async (): Promise<Upcoming[]> =>
    (await t.admin.get('/v1/dashboard/payments')).body.upcomingPayDates;
  const sweepAt = async (at: string) => {
    t.clock.set(new Date(at));
    const res = await t.admin.post('/v1/admin/sweep', { asOf: at });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await t.settle();
  };

  beforeAll(async () => {
    t = await startTestSystem({ kind, now: new Date('2026-11-24T10:00:00+08:00') });
    p = await registerProject(t, 7, {
      payMonthOffset: 1,
      permitDate: '2026-09-01',
      startDate: '2026-10-01',
      payDay: 25,
      name: '外环丁项目',
    });
    const pm = t.api.as(t.key('project-manager', { projectIds: [p.projectId] }));
    expect(
      (await pm.post(`/v1/projects/${p.projectId}/workers`, { workers: [1, 2].map((n) => workerBody(n)) }))
        .body.accepted,
    ).toBe(2);
    const sheet = await pm.post(`/v1/projects/${p.projectId}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1, { amountDue: '5200.00' }), lineBody(2, { amountDue: '4800.00' })],
    });
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(201);
    const bank = t.api.as(t.key('bank', { bankCode: p.bankCode }));
    const credit = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'D-C1',
          accountNo: p.accountNo,
          direction: 'credit',
          amount: '6000.00',
          counterpartyAccountNo: '4402000000000000888',
          counterpartyName: '建设单位',
          bookedAt: '2026-11-16T09:00:00+08:00',
          purpose: 'labour-cost',
        }),
      ],
    });
    expect(credit.body.rejected, JSON.stringify(credit.body)).toEqual([]);
    for (let day = 16; day <= 23; day++) {
      const res = await bank.post('/v1/bank/statements', {
        accountNo: p.accountNo,
        date: `2026-11-${day}`,
        openingBalance: day === 16 ? '0.00' : '6000.00',
        closingBalance: '6000.00',
        debitCount: 0,
        debitTotal: '0.00',
        creditCount: day === 16 ? 1 : 0,
        creditTotal: day === 16 ? '6000.00' : '0.00',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    await t.settle();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('before any sweep nothing is stored to read: the dashboard evaluates at now, as it did', async () => {
    expect((await t.admin.get('/v1/dashboard/payments')).body.evaluatedAsOf).toBeNull();
    const expected = [
      {
        projectId: p.projectId,
        name: '外环丁项目',
        period: '2026-10',
        payDate: '2026-11-25',
        due: '10000.00',
        balance: '6000.00',
        short: true,
      },
    ];
    expect(await fresh()).toEqual(expected);
    expect(await upcoming()).toEqual(expected);
  });

  it('after a sweep: the stored outlooks are what a fresh evaluation gives', async () => {
    await sweepAt('2026-11-24T10:00:00+08:00');
    expect(await stored()).toEqual([
      {
        period: '2026-10',
        due_date: '2026-11-25',
        balance_fen: '600000',
        evaluated_at: new Date('2026-11-24T10:00:00+08:00'),
      },
    ]);
    const answer = await upcoming();
    expect(answer).toEqual(await fresh());
    expect(answer).toMatchObject([{ due: '10000.00', balance: '6000.00', short: true }]);
  });

  it('replaced at each evaluation, not accumulated: as of the last evaluation, then the next sweep', async () => {
    const bank = t.api.as(t.key('bank', { bankCode: p.bankCode }));
    const res = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'D-C2',
          accountNo: p.accountNo,
          direction: 'credit',
          amount: '5000.00',
          counterpartyAccountNo: '4402000000000000888',
          counterpartyName: '建设单位',
          bookedAt: '2026-11-24T12:00:00+08:00',
          purpose: 'labour-cost',
        }),
      ],
    });
    expect(res.body.rejected, JSON.stringify(res.body)).toEqual([]);
    t.clock.set(new Date('2026-11-24T18:00:00+08:00'));
    await t.settle();
    // The consumer re-evaluated the project at the evaluation instant (10:00): the 12:00 credit is
    // after it, so the stored outlook (and the answer) is still as of 10:00, while "now" sees it.
    expect(await stored()).toMatchObject([{ balance_fen: '600000' }]);
    expect(await upcoming()).toMatchObject([{ balance: '6000.00', short: true }]);
    expect(await fresh()).toMatchObject([{ balance: '11000.00', short: false }]);
    await sweepAt('2026-11-24T18:00:00+08:00');
    expect(await stored()).toEqual([
      {
        period: '2026-10',
        due_date: '2026-11-25',
        balance_fen: '1100000',
        evaluated_at: new Date('2026-11-24T18:00:00+08:00'),
      },
    ]);
    expect(await upcoming()).toEqual(await fresh());
    expect(await upcoming()).toMatchObject([{ due: '10000.00', balance: '11000.00', short: false }]);
  });

  it('removed when the pay date leaves the window (the next one, 2026-12-25, is not in it yet)', async () => {
    await sweepAt('2026-11-26T10:00:00+08:00');
    expect(await stored()).toEqual([]);
    expect(await fresh()).toEqual([]);
    expect(await upcoming()).toEqual([]);
  });
});
