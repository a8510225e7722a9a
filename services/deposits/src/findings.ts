import type { NewEvent } from '@wagewatch/bus';
import type { FindingSnapshot } from '@wagewatch/contracts';
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
import {
  findingIdOf,
  readRecordedFindings,
  recordNextEvaluation,
  recordTransitions,
} from '@wagewatch/evaluation';
import { loadDepositState } from './state.ts';

/** The id of a finding, shared with every service that raises findings. */
export { findingIdOf };

/** The same derivation as the ledger's: (project, rule key) → id, so a recurrence reopens. */
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

/** The earliest instant after `asOf` (a year ahead at most: a start re-evaluates every project anyway). */
function nextInstant(changes: readonly Date[], asOf: Date): Date {
  let next = asOf.getTime() + 366 * 86_400_000;
  for (const d of changes) if (d.getTime() > asOf.getTime() && d.getTime() < next) next = d.getTime();
  return new Date(next);
}

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
  // When this answer can next change without an event: the sweep skips the project until then.
  const changes = [...loaded.changesAt];
  const desired = evaluateDeposit(state, options.asOf, options.calendar, {
    changesAt: (d) => changes.push(d),
  });
  await recordNextEvaluation(tx, 'deposits', projectId, nextInstant(changes, options.asOf));
  const recorded = await readRecordedFindings<RecordedDepositFinding>(tx, 'deposits', projectId);
  const transitions = reconcileDeposit(recorded, desired, options.at);
  await recordTransitions(tx, 'deposits', projectId, transitions, {
    at: options.at,
    toSnapshot: (f) => toSnapshot(projectId, f),
    emit: options.emit,
  });
  return { projectId, transitions };
}
