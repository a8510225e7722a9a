import { createHash } from 'node:crypto';
import type { NewEvent } from '@wagewatch/bus';
import { type FindingSnapshot, TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  type DepositFinding,
  type DepositPolicy,
  type DepositTransition,
  evaluateDeposit,
  formatFen,
  type RecordedDepositFinding,
  reconcileDeposit,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { loadDepositState } from './state.ts';

/** The same derivation as the ledger's: (project, rule key) → id, so a recurrence reopens. */
export const findingIdOf = (projectId: string, key: string) =>
  `F-${createHash('sha256').update(`${projectId}|${key}`).digest('hex').slice(0, 24)}`;

type Serialized = Omit<RecordedDepositFinding, 'amountOwed' | 'amountPaid' | 'raisedAt' | 'resolvedAt'> & {
  amountOwed?: string;
  amountPaid?: string;
  raisedAt: string;
  resolvedAt?: string;
};

function serialize(f: RecordedDepositFinding): Serialized {
  const { amountOwed, amountPaid, raisedAt, resolvedAt, ...rest } = f;
  return {
    ...rest,
    ...(amountOwed !== undefined ? { amountOwed: amountOwed.toString() } : {}),
    ...(amountPaid !== undefined ? { amountPaid: amountPaid.toString() } : {}),
    raisedAt: raisedAt.toISOString(),
    ...(resolvedAt ? { resolvedAt: resolvedAt.toISOString() } : {}),
  };
}

function deserialize(s: Serialized): RecordedDepositFinding {
  const { amountOwed, amountPaid, raisedAt, resolvedAt, ...rest } = s;
  return {
    ...rest,
    ...(amountOwed !== undefined ? { amountOwed: BigInt(amountOwed) } : {}),
    ...(amountPaid !== undefined ? { amountPaid: BigInt(amountPaid) } : {}),
    raisedAt: new Date(raisedAt),
    ...(resolvedAt ? { resolvedAt: new Date(resolvedAt) } : {}),
  };
}

/** The published shape, as the ledger's `toSnapshot` (deposit findings name no worker). */
export function toSnapshot(projectId: string, f: DepositFinding): FindingSnapshot {
  return {
    findingId: findingIdOf(projectId, f.key),
    rule: f.rule,
    severity: f.severity,
    status: f.status,
    projectId,
    ...(f.period ? { period: f.period } : {}),
    ...(f.dueDate ? { dueDate: f.dueDate } : {}),
    ...(f.amountOwed !== undefined ? { amountOwed: formatFen(f.amountOwed) } : {}),
    ...(f.amountPaid !== undefined ? { amountPaid: formatFen(f.amountPaid) } : {}),
    raisedAt: f.raisedAt.toISOString(),
    ...(f.resolvedAt ? { resolvedAt: f.resolvedAt.toISOString() } : {}),
    responsible: f.responsible,
    evidence: f.evidence,
    legalBasis: f.legalBasis,
    detail: f.detail,
    ...(f.warnings?.length ? { warnings: f.warnings } : {}),
  };
}

export type EvaluationResult = { projectId: string; transitions: DepositTransition[] };

/**
 * Re-evaluates one project's deposit as of `asOf` and records the difference (findings rows
 * and their events) in the caller's transaction, under a per-project advisory lock. Keeps the
 * required amount: when it rose since the last evaluation, `requiredSince` becomes `at`.
 */
export async function evaluateAndRecord(
  tx: Sql,
  projectId: string,
  options: {
    asOf: Date;
    at: Date;
    calendar: WorkingDayCalendar;
    policy: DepositPolicy;
    emit: (e: NewEvent) => void;
  },
): Promise<EvaluationResult> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`deposits:evaluate:${projectId}`]);
  const loaded = await loadDepositState(tx, projectId, options.asOf, options.policy);
  if (!loaded) return { projectId, transitions: [] };
  const required = loaded.state.required.exempt ? 0n : loaded.state.required.amountFen;
  let state = loaded.state;
  // Before the first sweep there is no evaluation instant: nothing to compare against yet.
  const clockStarted = options.asOf.getTime() > 0;
  if (clockStarted && (loaded.lastRequiredFen === null || required !== loaded.lastRequiredFen)) {
    const rose = loaded.lastRequiredFen !== null && required > loaded.lastRequiredFen;
    if (rose) state = { ...state, requiredSince: options.at };
    await tx.query(
      `UPDATE deposits.projects SET last_required_fen = $2, required_since = CASE WHEN $3::boolean THEN $4::timestamptz ELSE required_since END
       WHERE project_id = $1`,
      [projectId, required.toString(), rose, options.at],
    );
  }
  const desired = evaluateDeposit(state, options.asOf, options.calendar);
  const rows = await tx.query<{ record: Serialized }>(
    'SELECT record FROM deposits.findings WHERE project_id = $1',
    [projectId],
  );
  const recorded = new Map(rows.map((r) => [r.record.key, deserialize(r.record)]));
  const transitions = reconcileDeposit(recorded, desired, options.at);
  if (transitions.length === 0) return { projectId, transitions };
  const snapshots = transitions.map((t) => toSnapshot(projectId, t.finding));
  await tx.query(
    `INSERT INTO deposits.findings (finding_id, project_id, key, rule, status, snapshot, record, updated_at)
     SELECT u.*, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[]) AS u
     ON CONFLICT (finding_id) DO UPDATE SET status = EXCLUDED.status, snapshot = EXCLUDED.snapshot, record = EXCLUDED.record, updated_at = EXCLUDED.updated_at`,
    [
      snapshots.map((s) => s.findingId),
      transitions.map(() => projectId),
      transitions.map((t) => t.finding.key),
      transitions.map((t) => t.finding.rule),
      transitions.map((t) => t.finding.status),
      snapshots.map((s) => JSON.stringify(s)),
      transitions.map((t) => JSON.stringify(serialize(t.finding))),
      options.at,
    ],
  );
  for (const [i, t] of transitions.entries()) {
    options.emit({
      topic: TOPICS.findings,
      type:
        t.kind === 'raised'
          ? 'finding.raised'
          : t.kind === 'updated'
            ? 'finding.updated'
            : 'finding.resolved',
      key: projectId,
      data: snapshots[i]!,
      occurredAt: options.at,
    });
  }
  return { projectId, transitions };
}
