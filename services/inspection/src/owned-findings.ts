/**
 * Findings inspection itself is the source of (a worker's clue, a patrol visit): written to the
 * findings read model, their case marked for the next evaluation, and published on the findings
 * topic like every other finding (inspection's own consumer skips them: they are already here).
 * The ledger's and deposits' findings arrive through the consumer instead.
 */
import type { NewEvent } from '@wagewatch/bus';
import { type FindingSnapshot, TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { caseKeyOf } from '@wagewatch/domain';

export type Emit = (e: NewEvent) => void;

/** Marks the case of a project and employer for evaluation (the sweep picks it up). */
export async function markCase(tx: Sql, projectId: string, employerCode: string, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO inspection.dirty_cases (case_key, changed_at) VALUES ($1, $2)
     ON CONFLICT (case_key) DO UPDATE SET changed_at = GREATEST(inspection.dirty_cases.changed_at, EXCLUDED.changed_at)`,
    [caseKeyOf(projectId, employerCode), at],
  );
}

/** Raises an inspection-owned finding on a project of `district`. */
export async function raiseOwnedFinding(
  tx: Sql,
  emit: Emit,
  f: FindingSnapshot,
  district: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO inspection.findings (finding_id, project_id, district, rule, status, period, snapshot, raised_at, updated_at)
     VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $7)`,
    [f.findingId, f.projectId, district, f.rule, f.period ?? null, JSON.stringify(f), at],
  );
  await markCase(tx, f.projectId, f.responsible.code, at);
  emit({ topic: TOPICS.findings, type: 'finding.raised', key: f.projectId, data: f, occurredAt: at });
}

/** Resolves an inspection-owned finding; undefined when it was not open. */
export async function resolveOwnedFinding(
  tx: Sql,
  emit: Emit,
  findingId: string,
  at: Date,
): Promise<FindingSnapshot | undefined> {
  const [f] = await tx.query<{ snapshot: FindingSnapshot }>(
    `UPDATE inspection.findings SET status = 'resolved', updated_at = $2,
       snapshot = snapshot || jsonb_build_object('status', 'resolved', 'resolvedAt', $3::text)
     WHERE finding_id = $1 AND status = 'open' RETURNING snapshot`,
    [findingId, at, at.toISOString()],
  );
  if (!f) return undefined;
  await markCase(tx, f.snapshot.projectId, f.snapshot.responsible.code, at);
  emit({
    topic: TOPICS.findings,
    type: 'finding.resolved',
    key: f.snapshot.projectId,
    data: f.snapshot,
    occurredAt: at,
  });
  return f.snapshot;
}
