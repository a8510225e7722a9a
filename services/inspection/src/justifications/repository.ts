import type { Sql } from '@wagewatch/db';
import type { JustificationEvent, JustificationState } from '@wagewatch/domain';

/** A case's justifications as the domain decides on them, oldest first. */
export async function justificationsOf(tx: Sql, caseId: string): Promise<JustificationState[]> {
  const rows = await tx.query<{
    justification_id: string;
    cycle: number;
    decision: JustificationState['decision'];
    paused_until: string | null;
    proposed_by: string | null;
    proposed_reason: string | null;
    proposed_pause_until: string | null;
  }>(
    `SELECT justification_id, cycle, decision, paused_until::text AS paused_until, proposed_by, proposed_reason,
       proposed_pause_until::text AS proposed_pause_until FROM inspection.justifications
     WHERE case_id = $1 ORDER BY submitted_at, justification_id`,
    [caseId],
  );
  return rows.map((j) => ({
    justificationId: j.justification_id,
    cycle: j.cycle,
    decision: j.decision,
    pausedUntil: j.paused_until,
    proposal:
      j.proposed_by && j.proposed_pause_until
        ? { by: j.proposed_by, reason: j.proposed_reason ?? '', pausedUntil: j.proposed_pause_until }
        : null,
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

/** Stores one inspector's acceptance of a critical case's justification, awaiting a second person. */
export async function recordProposal(
  tx: Sql,
  event: Extract<JustificationEvent, { type: 'justification.proposed' }>,
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE inspection.justifications SET decision = 'awaiting-confirmation', proposed_by = $2, proposed_at = $3,
       proposed_reason = $4, proposed_pause_until = $5 WHERE justification_id = $1`,
    [event.justificationId, event.proposedBy, at, event.reason, event.pausedUntil],
  );
}

/**
 * Stores a decision (who, when, why; the pause when accepted): an inspector's, or the second
 * person's answer to a proposal (the proposal's columns keep the first person).
 */
export async function recordDecision(
  tx: Sql,
  event: Extract<JustificationEvent, { type: 'justification.accepted' | 'justification.rejected' }>,
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
