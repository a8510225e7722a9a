import type { Sql } from '@wagewatch/db';
import type { JustificationEvent, JustificationState } from '@wagewatch/domain';

/** A case's justifications as the domain decides on them, oldest first. */
export async function justificationsOf(tx: Sql, caseId: string): Promise<JustificationState[]> {
  const rows = await tx.query<{
    justification_id: string;
    cycle: number;
    decision: 'accepted' | 'rejected' | null;
    paused_until: string | null;
  }>(
    `SELECT justification_id, cycle, decision, paused_until::text AS paused_until FROM inspection.justifications
     WHERE case_id = $1 ORDER BY submitted_at, justification_id`,
    [caseId],
  );
  return rows.map((j) => ({
    justificationId: j.justification_id,
    cycle: j.cycle,
    decision: j.decision,
    pausedUntil: j.paused_until,
  }));
}

/** Stores a submitted justification. */
export async function recordSubmission(
  tx: Sql,
  caseId: string,
  event: Extract<JustificationEvent, { type: 'justification.submitted' }>,
  actor: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO inspection.justifications (justification_id, case_id, cycle, text, submitted_by, submitted_at)
     VALUES ($1,$2,$3,$4,$5,$6)`,
    [event.justificationId, caseId, event.cycle, event.text, actor, at],
  );
}

/** Stores an inspector's decision (who, when, why; the pause when accepted). */
export async function recordDecision(
  tx: Sql,
  event: Exclude<JustificationEvent, { type: 'justification.submitted' }>,
  actor: string,
  at: Date,
): Promise<void> {
  const accepted = event.type === 'justification.accepted';
  await tx.query(
    `UPDATE inspection.justifications SET decision = $2, decided_by = $3, decided_at = $4, reason = $5, paused_until = $6
     WHERE justification_id = $1`,
    [
      event.justificationId,
      accepted ? 'accepted' : 'rejected',
      actor,
      at,
      event.reason,
      accepted ? event.pausedUntil : null,
    ],
  );
}
