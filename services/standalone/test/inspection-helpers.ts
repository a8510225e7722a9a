import { type FindingSnapshot, TOPICS } from '@wagewatch/contracts';
import { expect } from 'vitest';
import { creditCode } from './fixtures.ts';
import type { TestSystem } from './harness.ts';

/** The general contractor `registerProject(t, n)` registers (总包n). */
export const contractorOf = (n: number) => ({
  kind: 'contractor' as const,
  name: `总包${n}`,
  code: creditCode(2000 + n),
});

/**
 * Publishes a finding as the ledger would (its outbox, topic findings), then waits until the
 * inspection has applied it and evaluated the case. The ladder tests need findings with exact
 * due dates; the ledger's own rules are tested elsewhere (and one case here comes from them).
 */
export async function publishFinding(
  t: TestSystem,
  f: Partial<FindingSnapshot> & {
    findingId: string;
    projectId: string;
    responsible: FindingSnapshot['responsible'];
  },
  occurredAt: string,
  type: 'finding.raised' | 'finding.updated' | 'finding.resolved' = 'finding.raised',
): Promise<FindingSnapshot> {
  const snapshot: FindingSnapshot = {
    rule: 'wages-missed',
    severity: 'high',
    status: type === 'finding.resolved' ? 'resolved' : 'open',
    period: '2026-08',
    dueDate: '2026-09-29',
    amountOwed: '4800.00',
    amountPaid: '0.00',
    raisedAt: occurredAt,
    evidence: [],
    legalBasis: '《保障农民工工资支付条例》(国务院令第724号) 第十二条至第十四条',
    detail: 'wages for the period not transferred by the due date',
    ...(type === 'finding.resolved' ? { resolvedAt: occurredAt } : {}),
    ...f,
  };
  await t.system.ledger.outbox.unitOfWork(t.db, async (_tx, emit) => {
    emit({
      topic: TOPICS.findings,
      type,
      key: f.projectId,
      data: snapshot,
      occurredAt: new Date(occurredAt),
    });
  });
  await t.settle();
  return snapshot;
}

/** Runs the inspection sweep as of an instant through the admin API. */
export async function inspectionSweep(t: TestSystem, asOf: string) {
  const res = await t.admin.post('/v1/admin/inspection/sweep', { asOf });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await t.settle();
  return res.body as {
    asOf: string;
    cases: number;
    steps: { caseId: string; step: string; key: string; dueOn: string }[];
    closed: string[];
  };
}

export type PublishedEvent = {
  topic: string;
  occurredAt: string;
  caseId?: string;
  taskId?: string;
  projectId: string;
  status: string;
  level?: string;
  cycle?: number;
  step?: { kind: string; key: string; dueOn: string };
  actor?: string;
  assignee?: string;
  note?: string;
  [field: string]: unknown;
};

/** The inspection's outbox events of a type about a case (alerts) or a task. */
export async function inspectionEvents(t: TestSystem, type: string, filter: Record<string, string> = {}) {
  const rows = await t.db.query<{
    topic: string;
    envelope: { data: Record<string, unknown>; occurredAt: string };
  }>('SELECT topic, envelope FROM inspection.outbox WHERE type = $1 ORDER BY seq', [type]);
  return rows
    .filter((r) => Object.entries(filter).every(([k, v]) => r.envelope.data[k] === v))
    .map(
      (r) => ({ topic: r.topic, occurredAt: r.envelope.occurredAt, ...r.envelope.data }) as PublishedEvent,
    );
}
