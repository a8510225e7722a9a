import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@wagewatch/bus';
import { PAYROLL_PART_SIZE, type PayrollLineRecord, TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  decideResubmission,
  formatFen,
  type LineChange,
  type LocalDate,
  parseYuan,
  type ResubmissionDecision,
  type SheetChanges,
  takesEffectAtOnce,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import {
  actorOf,
  ConflictError,
  type FieldIssue,
  NotFoundError,
  type Principal,
  ValidationError,
} from '@wagewatch/runtime';

/**
 * The versions of a month's payroll sheet and the correction requests among them
 * (DOMAIN.md "Corrections after the due date", docs/adr/0008). Every version is kept; the one
 * in effect is the highest version that took effect (`took_effect_at`). Only the version in
 * effect travels to the ledger (`payroll.submitted`): a correction request waits, with the
 * findings and amounts owed standing, until an inspector approves it.
 */

export type Emit = (e: NewEvent) => void;

export type PayTerms = { payDay: number; payMonthOffset: number };

export type SubmittedVersion = {
  projectId: string;
  period: string;
  terms: PayTerms;
  source: string;
  filename: string | undefined;
  lines: PayrollLineRecord[];
  /** The rows refused by validation (their workers count as left out of this version). */
  rowIssues: FieldIssue[];
  reason: string | undefined;
  principal: Principal;
  now: Date;
};

export type RecordedVersion = {
  sheetId: string;
  version: number;
  dueDate: LocalDate;
  decision: ResubmissionDecision['kind'];
  /** Set when the version waits for an inspector. */
  correction?: { correctionId: string; baseVersion: number; changes: ChangesView };
  /** Correction requests of the same month that this version superseded before a decision. */
  supersededCorrections: string[];
};

export type ChangeView = { idNumber: string; name: string; from: string; to: string };
export type ChangesView = {
  lowered: ChangeView[];
  dropped: ChangeView[];
  raised: ChangeView[];
  added: ChangeView[];
};

const view = (c: LineChange): ChangeView => ({
  idNumber: c.idNumber,
  name: c.name,
  from: formatFen(c.from),
  to: formatFen(c.to),
});
export const changesView = (c: SheetChanges): ChangesView => ({
  lowered: c.lowered.map(view),
  dropped: c.dropped.map(view),
  raised: c.raised.map(view),
  added: c.added.map(view),
});

/** Serialises versions of one month (and their decisions) for the length of a transaction. */
export async function lockPeriod(tx: Sql, projectId: string, period: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payroll:${projectId}:${period}`]);
}

async function effectiveVersion(
  tx: Sql,
  projectId: string,
  period: string,
): Promise<{ sheet_id: string; version: number } | undefined> {
  const [row] = await tx.query<{ sheet_id: string; version: number }>(
    `SELECT sheet_id, version FROM ingest.payroll_sheets
     WHERE project_id = $1 AND period = $2 AND took_effect_at IS NOT NULL ORDER BY version DESC LIMIT 1`,
    [projectId, period],
  );
  return row ? { sheet_id: row.sheet_id, version: Number(row.version) } : undefined;
}

/** What a submitted version would become: read-only, shared by the real submission and its dry run. */
export type VersionPlan = {
  version: number;
  effective: { sheet_id: string; version: number } | undefined;
  decision: ResubmissionDecision;
  atOnce: boolean;
};

/**
 * Decides what a new version of a month's sheet would be (in effect at once, or a correction
 * request) without writing anything; throws the real submission's ValidationError when a
 * correction request has no reason. `recordVersion` stores what it decided; `?dryRun=true`
 * reports it.
 */
export async function planVersion(
  tx: Sql,
  s: Pick<SubmittedVersion, 'projectId' | 'period' | 'terms' | 'lines' | 'rowIssues' | 'reason' | 'now'>,
  calendar?: WorkingDayCalendar,
): Promise<VersionPlan> {
  const [v] = await tx.query<{ v: number }>(
    'SELECT coalesce(max(version), 0) + 1 AS v FROM ingest.payroll_sheets WHERE project_id = $1 AND period = $2',
    [s.projectId, s.period],
  );
  const version = Number(v?.v ?? 1);
  const effective = await effectiveVersion(tx, s.projectId, s.period);
  const effectiveLines = effective
    ? (
        await tx.query<{ id_number: string; name: string; amount_due_fen: bigint }>(
          'SELECT id_number, name, amount_due_fen FROM ingest.payroll_lines WHERE sheet_id = $1 ORDER BY source_row',
          [effective.sheet_id],
        )
      ).map((l) => ({ idNumber: l.id_number, name: l.name, amountDue: BigInt(l.amount_due_fen) }))
    : undefined;
  const decision = decideResubmission(
    {
      period: s.period,
      payDay: s.terms.payDay,
      payMonthOffset: s.terms.payMonthOffset,
      effective: effectiveLines,
      submitted: s.lines.map((l) => ({
        idNumber: l.idNumber,
        name: l.name,
        amountDue: parseYuan(l.amountDue),
      })),
      at: s.now,
    },
    calendar,
  );
  const atOnce = takesEffectAtOnce(decision);
  if (!atOnce && !s.reason) {
    const n = decision.changes.lowered.length + decision.changes.dropped.length;
    throw new ValidationError(
      `the ${s.period} wages were due ${decision.dueDate}: this version lowers what ${n} worker(s) are owed or leaves them out, ` +
        'so it is a correction request for an inspector to decide, and it needs a reason; nothing was stored',
      [...s.rowIssues, { field: 'reason', message: 'is required for a correction after the due date' }],
    );
  }
  return { version, effective, decision, atOnce };
}

/**
 * Stores a new version of a month's sheet: in effect at once (first sheet, before the due date,
 * or only raising and adding), or as a correction request, which needs a reason. Throws before
 * writing anything when a correction request has no reason, so a refused request stores nothing.
 */
export async function recordVersion(
  tx: Sql,
  emit: Emit,
  s: SubmittedVersion,
  calendar?: WorkingDayCalendar,
): Promise<RecordedVersion> {
  await lockPeriod(tx, s.projectId, s.period);
  const { version, effective, decision, atOnce } = await planVersion(tx, s, calendar);
  const sheetId = randomUUID();
  await tx.query(
    `INSERT INTO ingest.payroll_sheets (sheet_id, project_id, period, version, source, filename, line_count, rejected_count,
       submitted_by, submitted_role, submitted_at, reason, took_effect_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
    [
      sheetId,
      s.projectId,
      s.period,
      version,
      s.source,
      s.filename ?? null,
      s.lines.length,
      s.rowIssues.length,
      actorOf(s.principal),
      s.principal.role,
      s.now,
      s.reason ?? null,
      atOnce ? s.now : null,
    ],
  );
  await tx.query(
    `INSERT INTO ingest.payroll_lines (sheet_id, source_row, id_number, name, days_worked, amount_due_fen, gross_fen, signed)
     SELECT $1::uuid, * FROM unnest($2::int[], $3::text[], $4::text[], $5::numeric[], $6::bigint[], $7::bigint[], $8::boolean[])`,
    [
      sheetId,
      s.lines.map((l) => l.sourceRow),
      s.lines.map((l) => l.idNumber),
      s.lines.map((l) => l.name),
      s.lines.map((l) => l.daysWorked),
      s.lines.map((l) => parseYuan(l.amountDue).toString()),
      s.lines.map((l) => (l.grossAmount ? parseYuan(l.grossAmount).toString() : null)),
      s.lines.map((l) => l.signed),
    ],
  );
  const superseded = await tx.query<{ correction_id: string }>(
    `UPDATE ingest.payroll_corrections SET status = 'superseded', superseded_by_version = $3
     WHERE project_id = $1 AND period = $2 AND status = 'pending' RETURNING correction_id`,
    [s.projectId, s.period, version],
  );
  const recorded: RecordedVersion = {
    sheetId,
    version,
    dueDate: decision.dueDate,
    decision: decision.kind,
    supersededCorrections: superseded.map((r) => r.correction_id),
  };
  if (atOnce) {
    emitSheet(emit, {
      projectId: s.projectId,
      period: s.period,
      sheetId,
      version,
      submittedAt: s.now,
      lines: s.lines,
    });
    return recorded;
  }
  const correctionId = randomUUID();
  const changes = changesView(decision.changes);
  await tx.query(
    `INSERT INTO ingest.payroll_corrections (correction_id, sheet_id, project_id, period, version, base_version, due_date, reason,
       changes, status, requested_by, requested_role, requested_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'pending',$10,$11,$12)`,
    [
      correctionId,
      sheetId,
      s.projectId,
      s.period,
      version,
      effective!.version,
      decision.dueDate,
      s.reason,
      JSON.stringify(changes),
      actorOf(s.principal),
      s.principal.role,
      s.now,
    ],
  );
  return { ...recorded, correction: { correctionId, baseVersion: effective!.version, changes } };
}

/** `payroll.submitted`, in parts of at most PAYROLL_PART_SIZE lines (one part for an empty sheet). */
function emitSheet(
  emit: Emit,
  sheet: {
    projectId: string;
    period: string;
    sheetId: string;
    version: number;
    submittedAt: Date;
    effectiveAt?: Date;
    lines: PayrollLineRecord[];
  },
): void {
  const occurredAt = sheet.effectiveAt ?? sheet.submittedAt;
  const parts = Math.max(1, Math.ceil(sheet.lines.length / PAYROLL_PART_SIZE));
  for (let part = 1; part <= parts; part++) {
    emit({
      topic: TOPICS.ingest,
      type: 'payroll.submitted',
      key: sheet.projectId,
      data: {
        projectId: sheet.projectId,
        period: sheet.period,
        sheetId: sheet.sheetId,
        version: sheet.version,
        part,
        parts,
        submittedAt: sheet.submittedAt.toISOString(),
        ...(sheet.effectiveAt ? { effectiveAt: sheet.effectiveAt.toISOString() } : {}),
        lines: sheet.lines.slice((part - 1) * PAYROLL_PART_SIZE, part * PAYROLL_PART_SIZE),
      },
      occurredAt,
    });
  }
}

type LineRow = {
  source_row: number;
  id_number: string;
  name: string;
  days_worked: unknown;
  amount_due_fen: bigint;
  gross_fen: bigint | null;
  signed: boolean;
};

export async function sheetLines(tx: Sql, sheetIds: string[]): Promise<Map<string, PayrollLineRecord[]>> {
  const out = new Map<string, PayrollLineRecord[]>();
  if (sheetIds.length === 0) return out;
  const rows = await tx.query<LineRow & { sheet_id: string }>(
    `SELECT sheet_id, source_row, id_number, name, days_worked, amount_due_fen, gross_fen, signed
     FROM ingest.payroll_lines WHERE sheet_id = ANY($1::uuid[]) ORDER BY sheet_id, source_row`,
    [sheetIds],
  );
  for (const r of rows) {
    const list = out.get(r.sheet_id) ?? [];
    list.push({
      idNumber: r.id_number,
      name: r.name,
      daysWorked:
        r.days_worked === null || r.days_worked === undefined ? null : Number(String(r.days_worked)),
      amountDue: formatFen(BigInt(r.amount_due_fen)),
      ...(r.gross_fen === null || r.gross_fen === undefined
        ? {}
        : { grossAmount: formatFen(BigInt(r.gross_fen)) }),
      signed: r.signed,
      sourceRow: Number(r.source_row),
    });
    out.set(r.sheet_id, list);
  }
  return out;
}

export type Decision = 'approve' | 'reject';

type CorrectionRow = {
  correction_id: string;
  sheet_id: string;
  project_id: string;
  period: string;
  version: number;
  base_version: number;
  status: string;
  requested_at: Date;
};

/**
 * An inspector's decision on a pending correction request. Approval puts the version into
 * effect now and sends it to the ledger; a rejection leaves the version in effect as it was.
 * Both are recorded with who, when and why.
 */
export async function decideCorrection(
  tx: Sql,
  emit: Emit,
  d: {
    projectId: string;
    period: string;
    correctionId: string;
    decision: Decision;
    reason: string;
    principal: Principal;
    now: Date;
  },
): Promise<void> {
  await lockPeriod(tx, d.projectId, d.period);
  const [c] = await tx.query<CorrectionRow>(
    `SELECT correction_id, sheet_id, project_id, period, version, base_version, status, requested_at
     FROM ingest.payroll_corrections WHERE correction_id = $1 AND project_id = $2 AND period = $3`,
    [d.correctionId, d.projectId, d.period],
  );
  if (!c)
    throw new NotFoundError(
      `no correction request ${d.correctionId} for the ${d.period} payroll of project ${d.projectId}`,
    );
  if (c.status !== 'pending')
    throw new ConflictError(`correction request ${d.correctionId} is already ${c.status}: nothing changed`);
  const effective = await effectiveVersion(tx, d.projectId, d.period);
  if (d.decision === 'approve' && effective?.version !== Number(c.base_version)) {
    throw new ConflictError(
      `correction request ${d.correctionId} was made against version ${c.base_version}, but version ${effective?.version ?? 'none'} is in effect`,
    );
  }
  await tx.query(
    `UPDATE ingest.payroll_corrections SET status = $2, decided_by = $3, decided_role = $4, decided_at = $5, decision_reason = $6
     WHERE correction_id = $1`,
    [
      d.correctionId,
      d.decision === 'approve' ? 'approved' : 'rejected',
      actorOf(d.principal),
      d.principal.role,
      d.now,
      d.reason,
    ],
  );
  if (d.decision === 'reject') return;
  const [sheet] = await tx.query<{ submitted_at: Date }>(
    'UPDATE ingest.payroll_sheets SET took_effect_at = $2 WHERE sheet_id = $1 RETURNING submitted_at',
    [c.sheet_id, d.now],
  );
  const lines = (await sheetLines(tx, [c.sheet_id])).get(c.sheet_id) ?? [];
  emitSheet(emit, {
    projectId: d.projectId,
    period: d.period,
    sheetId: c.sheet_id,
    version: Number(c.version),
    submittedAt: sheet!.submitted_at,
    effectiveAt: d.now,
    lines,
  });
}
