import type { FindingSnapshot } from '@wagewatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineBody, registerProject, residentId, transfer, wageAccount, workerBody } from './api-helpers.ts';
import { card, creditCode } from './fixtures.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * The deposit rules (DOMAIN.md 10-13) through the embedded system, sweeping as the clock moves.
 * Working days are the State Council calendar's: 20 WD after 2026-09-01 is 2026-09-29 (the
 * Mid-Autumn holiday on 2026-09-25 skipped); 10 WD after 2026-10-12 is 2026-10-26; 10 WD after
 * 2026-11-17 is 2026-12-01; 5 WD before the 2026-11-13 pay date is 2026-11-06.
 */
type Summary = { projectId: string; rule: string; findingId: string };
type SweepBody = { asOf: string; raised: Summary[]; updated: Summary[]; resolved: Summary[] };

const DEPOSIT_RULES = ['deposit-missing', 'deposit-short', 'guarantee-expiring', 'deposit-not-topped-up'];

async function sweep(t: TestSystem, asOf: string): Promise<SweepBody> {
  t.clock.set(asOf);
  const res = await t.admin.post('/v1/admin/sweep', { asOf });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await t.settle();
  return res.body;
}

const pairs = (list: Summary[], rules = DEPOSIT_RULES) =>
  list
    .filter((s) => rules.includes(s.rule))
    .map((s) => `${s.projectId} ${s.rule}`)
    .sort();

async function findingsOf(t: TestSystem, projectId: string, rule: string) {
  const res = await t.admin.get(`/v1/findings?projectId=${projectId}&rule=${rule}`);
  expect(res.status).toBe(200);
  return res.body.findings as FindingSnapshot[];
}

async function report(t: TestSystem, records: Record<string, unknown>[]) {
  const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
  const res = await bank.post('/v1/bank/deposits', { records });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.rejected).toEqual([]);
  await t.settle();
}

describe.each(['pglite', 'postgres'] as const)('deposit rules through the embedded system (%s)', (kind) => {
  let t: TestSystem;
  const D = 'PZH-DEP-051'; // the deposit's life: missing, lodged, drawn, not topped up, topped up
  // A guarantee expiring on 2026-12-15, the planned end of a short contract: valid one year and
  // no shorter than the contract term, so it counts as cover (DOMAIN.md), until it nears expiry.
  const G = 'PZH-DEP-052';
  const R1 = 'PZH-DEP-053'; // contractor 99's project that falls into arrears (东区)
  const R2 = 'PZH-DEP-054'; // contractor 99's other open project (西区)
  const shared = { name: '四川某某建设集团有限公司', creditCode: creditCode(2099) };

  beforeAll(async () => {
    t = await startTestSystem({ kind, now: new Date('2026-09-01T10:00:00+08:00') });
    const base = { permitDate: '2026-09-01', startDate: '2026-09-01', contractValue: '12000000.00' };
    await registerProject(t, 51, { ...base, projectId: D });
    await registerProject(t, 52, { ...base, projectId: G, plannedEndDate: '2026-12-15' });
    await registerProject(t, 53, { ...base, projectId: R1, contractor: shared });
    await registerProject(t, 54, { ...base, projectId: R2, contractor: shared, district: '西区' });
    await report(t, [
      {
        bankRef: 'G-1',
        projectId: G,
        kind: 'guarantee-issued',
        occurredAt: '2026-09-01T09:30:00+08:00',
        amount: '240000.00',
        guaranteeNo: 'BH-2026-052',
        validFrom: '2025-12-16',
        validTo: '2026-12-15',
        issuer: '工商银行攀枝花分行',
      },
      {
        bankRef: 'R1-1',
        projectId: R1,
        kind: 'lodged',
        occurredAt: '2026-09-01T09:30:00+08:00',
        amount: '240000.00',
      },
      {
        bankRef: 'R2-1',
        projectId: R2,
        kind: 'lodged',
        occurredAt: '2026-09-01T09:30:00+08:00',
        amount: '240000.00',
      },
    ]);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('raises deposit-missing only after the 20th working day after the permit', async () => {
    const onTheDay = await sweep(t, '2026-09-29T12:00:00+08:00');
    expect(pairs(onTheDay.raised)).toEqual([]);
    const after = await sweep(t, '2026-09-30T09:00:00+08:00');
    expect(pairs(after.raised)).toEqual([`${D} deposit-missing`]);
    const [f] = await findingsOf(t, D, 'deposit-missing');
    expect(f).toMatchObject({
      status: 'open',
      severity: 'high',
      dueDate: '2026-09-29',
      amountOwed: '240000.00',
      responsible: { kind: 'contractor', code: creditCode(2051) },
    });
  });

  it('resolves deposit-missing when the deposit is lodged (kept on record)', async () => {
    t.clock.set('2026-10-09T10:00:00+08:00');
    await report(t, [
      {
        bankRef: 'D-1',
        projectId: D,
        kind: 'lodged',
        occurredAt: '2026-10-09T10:00:00+08:00',
        amount: '240000.00',
      },
    ]);
    const s = await sweep(t, '2026-10-09T10:05:00+08:00');
    expect(pairs(s.resolved)).toEqual([`${D} deposit-missing`]);
    const [f] = await findingsOf(t, D, 'deposit-missing');
    expect(f).toMatchObject({ status: 'resolved' });
  });

  it('raises deposit-not-topped-up after 10 working days without a top-up, and resolves it on the top-up', async () => {
    t.clock.set('2026-10-12T10:00:00+08:00');
    await report(t, [
      {
        bankRef: 'D-2',
        projectId: D,
        kind: 'drawn',
        occurredAt: '2026-10-12T10:00:00+08:00',
        amount: '100000.00',
        noticeRef: 'PZH-RS-2026-017',
      },
    ]);
    const within = await sweep(t, '2026-10-26T18:00:00+08:00');
    expect(pairs(within.raised)).toEqual([]);
    const late = await sweep(t, '2026-10-27T09:00:00+08:00');
    expect(pairs(late.raised)).toEqual([`${D} deposit-not-topped-up`]);
    const [f] = await findingsOf(t, D, 'deposit-not-topped-up');
    expect(f).toMatchObject({ status: 'open', dueDate: '2026-10-26', amountOwed: '100000.00' });
    expect(f?.detail).toContain('PZH-RS-2026-017');
    const view = await t.admin.get(`/v1/projects/${D}/deposit`);
    expect(view.body).toMatchObject({
      shortfall: '100000.00',
      held: { cash: '140000.00', total: '140000.00' },
    });
    expect(view.body.openFindings.map((x: { rule: string }) => x.rule)).toEqual(['deposit-not-topped-up']);

    t.clock.set('2026-10-28T10:00:00+08:00');
    await report(t, [
      {
        bankRef: 'D-3',
        projectId: D,
        kind: 'topped-up',
        occurredAt: '2026-10-28T10:00:00+08:00',
        amount: '100000.00',
      },
    ]);
    const topped = await sweep(t, '2026-10-28T10:05:00+08:00');
    expect(pairs(topped.resolved)).toEqual([`${D} deposit-not-topped-up`]);
    expect((await t.admin.get(`/v1/projects/${D}/deposit`)).body.shortfall).toBe('0.00');
  });

  it('warns of a guarantee expiring within 30 days, and raises deposit-short on the other open project once its contractor is in arrears', async () => {
    // Contractor 99 owes worker 2 the October wages of R1 (due Friday 2026-11-13).
    t.clock.set('2026-11-14T09:00:00+08:00');
    const pm = t.api.as(t.key('project-manager', { projectIds: [R1] }));
    const w = await pm.post(`/v1/projects/${R1}/workers`, {
      workers: [workerBody(1, { enrolledOn: '2026-10-01' }), workerBody(2, { enrolledOn: '2026-10-01' })],
    });
    expect(w.body.accepted).toBe(2);
    const sheet = await pm.post(`/v1/projects/${R1}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1, { amountDue: '5200.00' }), lineBody(2, { amountDue: '4800.00' })],
    });
    expect(sheet.status).toBe(201);
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const tr = await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'R1-PAY-1',
          accountNo: wageAccount(53),
          counterpartyAccountNo: card(1),
          counterpartyName: '工人1',
          counterpartyIdNumber: residentId(1),
          bookedAt: '2026-11-13T10:30:00+08:00',
        }),
      ],
    });
    expect(tr.body.accepted).toBe(1);
    const st = await bank.post('/v1/bank/statements', {
      accountNo: wageAccount(53),
      date: '2026-11-13',
      openingBalance: '100000.00',
      closingBalance: '94800.00',
      debitCount: 1,
      debitTotal: '5200.00',
      creditCount: 0,
      creditTotal: '0.00',
    });
    expect(st.status).toBe(200);
    await t.settle();

    const s = await sweep(t, '2026-11-16T09:00:00+08:00');
    expect(pairs(s.raised, ['wages-missed'])).toEqual([`${R1} wages-missed`]);
    expect(pairs(s.raised)).toEqual(
      [`${G} guarantee-expiring`, `${R1} deposit-short`, `${R2} deposit-short`].sort(),
    );
    const [g] = await findingsOf(t, G, 'guarantee-expiring');
    expect(g).toMatchObject({
      status: 'open',
      severity: 'medium',
      dueDate: '2026-12-15',
      amountOwed: '240000.00',
    });
    const [short] = await findingsOf(t, R2, 'deposit-short');
    expect(short).toMatchObject({
      status: 'open',
      amountOwed: '120000.00',
      responsible: { kind: 'contractor', code: shared.creditCode },
    });
    const view = await t.admin.get(`/v1/projects/${R2}/deposit`);
    expect(view.body.required.amount).toBe('360000.00');
    expect(view.body.required.reasons.map((r: { code: string }) => r.code)).toEqual([
      'base-ratio',
      'arrears-increase',
    ]);
    expect(view.body.shortfall).toBe('120000.00');
    expect(view.body.nextExpiry).toBeUndefined();

    // The same instant again changes nothing.
    const again = await sweep(t, '2026-11-16T09:00:00+08:00');
    expect([...again.raised, ...again.updated, ...again.resolved]).toEqual([]);
  });
});

describe('a project in trouble through the embedded system: balance-short, then wages-missed, then the deposit drawn and not topped up', () => {
  let t: TestSystem;
  const B = 'PZH-DEP-061';
  const account = wageAccount(61);
  const statement = (
    date: string,
    opening: string,
    closing: string,
    debits = { count: 0, total: '0.00' },
  ) => ({
    accountNo: account,
    date,
    openingBalance: opening,
    closingBalance: closing,
    debitCount: debits.count,
    debitTotal: debits.total,
    creditCount: 0,
    creditTotal: '0.00',
  });
  const raisedAt = async (rule: string) => {
    const [f] = await findingsOf(t, B, rule);
    expect(f, rule).toBeDefined();
    return Date.parse(f!.raisedAt);
  };

  beforeAll(async () => {
    t = await startTestSystem({ now: new Date('2026-09-15T10:00:00+08:00') });
    await registerProject(t, 61, {
      projectId: B,
      permitDate: '2026-09-01',
      startDate: '2026-09-01',
      contractValue: '12000000.00',
    });
    // More than the 2 % (¥240,000): exactly what the contractor will owe after arrears (+50 %).
    await report(t, [
      {
        bankRef: 'B-1',
        projectId: B,
        kind: 'lodged',
        occurredAt: '2026-09-15T10:00:00+08:00',
        amount: '360000.00',
      },
    ]);
    t.clock.set('2026-11-02T10:00:00+08:00');
    const pm = t.api.as(t.key('project-manager', { projectIds: [B] }));
    await pm.post(`/v1/projects/${B}/workers`, {
      workers: [workerBody(1, { enrolledOn: '2026-10-01' }), workerBody(2, { enrolledOn: '2026-10-01' })],
    });
    const sheet = await pm.post(`/v1/projects/${B}/payrolls`, {
      period: '2026-10',
      lines: [lineBody(1, { amountDue: '5200.00' }), lineBody(2, { amountDue: '4800.00' })],
    });
    expect(sheet.status).toBe(201);
    await t.settle();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('first balance-short: 5 working days before the pay date the account holds less than the sheet', async () => {
    t.clock.set('2026-11-06T09:00:00+08:00');
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    expect(
      (await bank.post('/v1/bank/statements', statement('2026-11-05', '3000.00', '3000.00'))).status,
    ).toBe(200);
    await t.settle();
    const s = await sweep(t, '2026-11-06T09:30:00+08:00');
    expect(pairs(s.raised, ['balance-short', 'wages-missed', ...DEPOSIT_RULES])).toEqual([
      `${B} balance-short`,
    ]);
    const [f] = await findingsOf(t, B, 'balance-short');
    expect(f).toMatchObject({
      status: 'open',
      period: '2026-10',
      dueDate: '2026-11-13',
      amountOwed: '7000.00',
    });
  });

  it('then wages-missed: worker 2 is not paid by the 2026-11-13 pay date', async () => {
    t.clock.set('2026-11-14T09:00:00+08:00');
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    await bank.post('/v1/bank/transfers', {
      records: [
        transfer({
          bankRef: 'B-PAY-1',
          accountNo: account,
          counterpartyAccountNo: card(1),
          counterpartyName: '工人1',
          counterpartyIdNumber: residentId(1),
          bookedAt: '2026-11-13T10:30:00+08:00',
        }),
      ],
    });
    await bank.post(
      '/v1/bank/statements',
      statement('2026-11-13', '8200.00', '3000.00', { count: 1, total: '5200.00' }),
    );
    await t.settle();
    const s = await sweep(t, '2026-11-16T09:00:00+08:00');
    expect(pairs(s.raised, ['wages-missed', ...DEPOSIT_RULES])).toEqual([`${B} wages-missed`]);
    const [f] = await findingsOf(t, B, 'wages-missed');
    expect(f).toMatchObject({ status: 'open', amountOwed: '4800.00' });
    // The contractor's record worsened: 2 % + 50 % = ¥360,000, which the deposit still covers.
    const view = await t.admin.get(`/v1/projects/${B}/deposit`);
    expect(view.body).toMatchObject({ required: { amount: '360000.00' }, shortfall: '0.00' });
  });

  it('then the bureau draws on the deposit, which is not topped up within 10 working days', async () => {
    t.clock.set('2026-11-17T10:00:00+08:00');
    await report(t, [
      {
        bankRef: 'B-2',
        projectId: B,
        kind: 'drawn',
        occurredAt: '2026-11-17T10:00:00+08:00',
        amount: '4800.00',
        noticeRef: 'PZH-RS-2026-061',
      },
    ]);
    const within = await sweep(t, '2026-12-01T18:00:00+08:00');
    expect(pairs(within.raised)).toEqual([]);
    const late = await sweep(t, '2026-12-02T09:00:00+08:00');
    expect(pairs(late.raised)).toEqual([`${B} deposit-not-topped-up`]);
    const [f] = await findingsOf(t, B, 'deposit-not-topped-up');
    expect(f).toMatchObject({ status: 'open', dueDate: '2026-12-01', amountOwed: '4800.00' });
    const order = [
      await raisedAt('balance-short'),
      await raisedAt('wages-missed'),
      await raisedAt('deposit-not-topped-up'),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
