import type { FindingSnapshot } from '@wagewatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProject } from './api-helpers.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

/**
 * A bank guarantee counts as deposit cover only if it is at least the required amount, valid at
 * least one year and no shorter than the contract term (DOMAIN.md, 65号); otherwise it covers
 * nothing, and the deposit findings are raised as for no deposit, saying why, on the finding and
 * on GET /v1/projects/:id/deposit. Permits of 2026-09-01: the 20-WD window ends 2026-09-29.
 * Every project: ¥12,000,000, so ¥240,000 required; planned end 2027-12-31 unless said.
 */
const ISSUED = '2026-09-10T10:00:00+08:00';
const guarantee = (
  bankRef: string,
  projectId: string,
  amount: string,
  validFrom: string,
  validTo: string,
) => ({
  bankRef,
  projectId,
  kind: 'guarantee-issued',
  occurredAt: ISSUED,
  amount,
  guaranteeNo: `BH-${bankRef}`,
  validFrom,
  validTo,
  issuer: '工商银行攀枝花分行',
});

describe.each(['pglite', 'postgres'] as const)('bank guarantees as deposit cover (%s)', (kind) => {
  let t: TestSystem;
  const OK = 'PZH-GTE-061'; // all three conditions met
  const YEAR = 'PZH-GTE-062'; // 2026-03-01..2026-12-31 on a contract ending 2026-11-30: not a year
  const TERM = 'PZH-GTE-063'; // ends 2027-09-30, before the contract's planned end
  const LOW = 'PZH-GTE-064'; // ¥140,000 + ¥100,000 cash: the guarantee covers nothing

  beforeAll(async () => {
    t = await startTestSystem({ kind, now: new Date(ISSUED) });
    const base = { permitDate: '2026-09-01', startDate: '2026-09-01', contractValue: '12000000.00' };
    await registerProject(t, 61, { ...base, projectId: OK });
    await registerProject(t, 62, { ...base, projectId: YEAR, plannedEndDate: '2026-11-30' });
    await registerProject(t, 63, { ...base, projectId: TERM });
    await registerProject(t, 64, { ...base, projectId: LOW });
    const bank = t.api.as(t.key('bank', { bankCode: 'ICBC-PZH' }));
    const res = await bank.post('/v1/bank/deposits', {
      records: [
        guarantee('G61', OK, '240000.00', '2026-09-10', '2027-12-31'),
        guarantee('G62', YEAR, '240000.00', '2026-03-01', '2026-12-31'),
        guarantee('G63', TERM, '240000.00', '2026-09-10', '2027-09-30'),
        guarantee('G64', LOW, '140000.00', '2026-09-10', '2027-12-31'),
        { bankRef: 'C64', projectId: LOW, kind: 'lodged', occurredAt: ISSUED, amount: '100000.00' },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
    t.clock.set('2026-10-12T09:00:00+08:00');
    const sweep = await t.admin.post('/v1/admin/sweep', { asOf: '2026-10-12T09:00:00+08:00' });
    expect(sweep.status, JSON.stringify(sweep.body)).toBe(200);
    await t.settle();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const deposit = async (projectId: string) => {
    const res = await t.admin.get(`/v1/projects/${projectId}/deposit`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const open = async (projectId: string) => {
    const res = await t.admin.get(`/v1/findings?projectId=${projectId}&status=open`);
    expect(res.status).toBe(200);
    return (res.body.findings as FindingSnapshot[]).filter((f) => f.rule.startsWith('deposit'));
  };

  it('counts a guarantee of the required amount, valid a year and to the planned end: nothing missing', async () => {
    const view = await deposit(OK);
    expect(view.held.guarantees).toEqual([expect.objectContaining({ guaranteeNo: 'BH-G61', counts: true })]);
    expect(view.held.guarantees[0]).not.toHaveProperty('reason');
    expect(view.held.total).toBe('240000.00');
    expect(view.shortfall).toBe('0.00');
    expect(await open(OK)).toEqual([]);
  });

  it('refuses a guarantee valid less than one year: deposit-missing with the reason', async () => {
    const reason = 'valid 2026-03-01..2026-12-31, shorter than one year';
    const view = await deposit(YEAR);
    expect(view.held.guarantees).toEqual([
      expect.objectContaining({ guaranteeNo: 'BH-G62', status: 'valid', counts: false, reason }),
    ]);
    expect(view.held.total).toBe('0.00');
    expect(view.shortfall).toBe('240000.00');
    const [f, ...rest] = await open(YEAR);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: 'deposit-missing', amountOwed: '240000.00', dueDate: '2026-09-29' });
    expect(f?.detail).toContain(`guarantee BH-G62 does not count as cover: ${reason}`);
    expect(view.openFindings.map((o: FindingSnapshot) => o.rule)).toEqual(['deposit-missing']);
  });

  it('refuses a guarantee ending before the contract term: deposit-missing with the reason', async () => {
    const view = await deposit(TERM);
    expect(view.held.guarantees[0]).toMatchObject({
      counts: false,
      reason: 'valid 2026-09-10..2027-09-30, ends before the contract term (planned end 2027-12-31)',
    });
    const [f] = await open(TERM);
    expect(f).toMatchObject({ rule: 'deposit-missing', status: 'open' });
    expect(f?.detail).toContain('ends before the contract term (planned end 2027-12-31)');
  });

  it('refuses a guarantee below the required amount even with cash making up the rest: deposit-short for the cash', async () => {
    const view = await deposit(LOW);
    expect(view.held).toMatchObject({ cash: '100000.00', total: '100000.00' });
    expect(view.held.guarantees[0]).toMatchObject({
      counts: false,
      reason: '¥140,000.00, less than the required ¥240,000.00',
    });
    expect(view.shortfall).toBe('140000.00');
    const [f, ...rest] = await open(LOW);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: 'deposit-short', amountOwed: '140000.00' });
    expect(f?.detail).toContain(
      'guarantee BH-G64 does not count as cover: ¥140,000.00, less than the required ¥240,000.00',
    );
  });
});
