import { randomUUID } from 'node:crypto';
import { applyBatch } from '@wagewatch/bus';
import type { FindingSnapshot } from '@wagewatch/contracts';
import { defaultCalendar } from '@wagewatch/domain';
import { ManualClock } from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeposits } from './service.ts';

// The deposits consumer writes a batch's arrears findings into the contractors' record in one
// statement (flushContractorFindings): the record must end as applying them one by one leaves it.

const finding = (id: string, raisedAt: string, extra: Partial<FindingSnapshot> = {}) => {
  const data: FindingSnapshot = {
    findingId: id,
    rule: 'wages-missed',
    severity: 'high',
    status: 'open',
    projectId: 'P-1',
    period: '2026-10',
    raisedAt,
    responsible: { kind: 'contractor', name: '某建设集团', code: 'C-1' },
    evidence: [],
    legalBasis: '《保障农民工工资支付条例》',
    detail: 'test',
    ...extra,
  };
  const raw = {
    id: randomUUID(),
    type: 'finding.raised',
    version: 1,
    occurredAt: raisedAt,
    key: 'P-1',
    data,
    metadata: { producer: 'test' },
  };
  return { raw, rawText: JSON.stringify(raw) };
};

describe.each(['pglite', 'postgres'] as const)("the contractors' record in batches (%s)", (kind) => {
  let t: TestDatabase;
  let deposits: ReturnType<typeof createDeposits>;
  beforeEach(async () => {
    t = await createTestDatabase(kind, 'deposits-consumer');
    deposits = createDeposits({
      db: t.db,
      clock: new ManualClock(new Date('2026-12-03T10:00:00+08:00')),
      calendar: defaultCalendar,
    });
    await deposits.migrate();
  });
  afterEach(() => t.drop());

  it('records each raising once, keeps a police referral once seen, ignores other rules', async () => {
    const outcome = await applyBatch(
      t.db,
      deposits.consumer,
      'test',
      [
        finding('F-1', '2026-11-16T09:00:00+08:00'),
        // The same raising again (another offset of the same instant), now at the criminal threshold.
        finding('F-1', '2026-11-16T01:00:00Z', { policeReferral: true }),
        finding('F-1', '2026-11-16T09:00:00+08:00'),
        finding('F-2', '2026-11-17T09:00:00+08:00', {
          responsible: { kind: 'contractor', name: '乙', code: 'C-2' },
        }),
        finding('F-3', '2026-11-17T09:00:00+08:00', { rule: 'feed-incomplete' }),
      ],
      async () => {},
    );
    expect(outcome).toEqual({ applied: 5, skipped: 0, deadLettered: 0 });
    const rows = () =>
      t.db.query(
        'SELECT finding_id, raised_at, contractor_code, project_id, rule, police_referral FROM deposits.contractor_findings ORDER BY finding_id, raised_at',
      );
    expect(await rows()).toEqual([
      {
        finding_id: 'F-1',
        raised_at: new Date('2026-11-16T01:00:00Z'),
        contractor_code: 'C-1',
        project_id: 'P-1',
        rule: 'wages-missed',
        police_referral: true,
      },
      {
        finding_id: 'F-2',
        raised_at: new Date('2026-11-17T01:00:00Z'),
        contractor_code: 'C-2',
        project_id: 'P-1',
        rule: 'wages-missed',
        police_referral: false,
      },
    ]);
    // A later batch without the referral does not take it back; a new raising is a new row.
    await applyBatch(
      t.db,
      deposits.consumer,
      'test',
      [finding('F-1', '2026-11-16T09:00:00+08:00'), finding('F-1', '2026-11-20T09:00:00+08:00')],
      async () => {},
    );
    expect((await rows()).map((r) => [r.finding_id, r.police_referral])).toEqual([
      ['F-1', true],
      ['F-1', false],
      ['F-2', false],
    ]);
  });
});
