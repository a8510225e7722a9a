import { randomInt, randomUUID } from 'node:crypto';
import type { FindingSnapshot } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  type ClueOutcome,
  type Complaint,
  clueReference,
  complaintFinding,
  decideClueAnswer,
  shanghaiDate,
} from '@wagewatch/domain';
import { AppError, ConflictError, ValidationError } from '@wagewatch/runtime';
import { type Emit, raiseOwnedFinding, resolveOwnedFinding } from '../owned-findings.ts';

export type ClueRow = {
  clue_id: string;
  reference: string;
  received_at: Date;
  district: string;
  project_id: string | null;
  project_text: string | null;
  project_name: string | null;
  name: string;
  id_number: string;
  phone: string;
  months: string[];
  amount_fen: bigint;
  description: string;
  status: 'open' | 'closed';
  finding_id: string | null;
  routed_at: Date | null;
  routed_by: string | null;
  closed_at: Date | null;
  case_id: string | null;
};

export type ClueAnswerRow = { seq: number; at: Date; by: string; outcome: ClueOutcome; text: string };

/** A clue with its project's name and the case its finding is on (if any). */
export const CLUE_SELECT = `SELECT c.clue_id, c.reference, c.received_at, c.district, c.project_id, c.project_text,
    p.name AS project_name, c.name, c.id_number, c.phone, c.months, c.amount_fen, c.description, c.status,
    c.finding_id, c.routed_at, c.routed_by, c.closed_at,
    (SELECT cf.case_id FROM inspection.case_findings cf WHERE cf.finding_id = c.finding_id ORDER BY cf.cycle DESC LIMIT 1) AS case_id
  FROM inspection.clues c LEFT JOIN inspection.projects p ON p.project_id = c.project_id`;

type ProjectRow = {
  project_id: string;
  name: string;
  district: string;
  contractor: { name: string; creditCode: string };
};

export async function loadProject(tx: Sql, projectId: string): Promise<ProjectRow | undefined> {
  const [p] = await tx.query<ProjectRow>(
    `SELECT project_id, name, district, registration->'contractor' AS contractor FROM inspection.projects WHERE project_id = $1`,
    [projectId],
  );
  return p;
}

/** The districts the bureau knows: those of its registered projects. */
export async function knownDistricts(tx: Sql): Promise<string[]> {
  const rows = await tx.query<{ district: string }>(
    'SELECT DISTINCT district FROM inspection.projects ORDER BY district',
  );
  return rows.map((r) => r.district);
}

export async function loadClue(tx: Sql, clueId: string, lock = false): Promise<ClueRow | undefined> {
  if (lock) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inspection:clue:${clueId}`]);
  const [c] = await tx.query<ClueRow>(`${CLUE_SELECT} WHERE c.clue_id = $1`, [clueId]);
  return c;
}

export async function clueAnswers(tx: Sql, clueId: string): Promise<ClueAnswerRow[]> {
  return tx.query<ClueAnswerRow>(
    'SELECT seq, at, by, outcome, text FROM inspection.clue_answers WHERE clue_id = $1 ORDER BY seq',
    [clueId],
  );
}

/**
 * The clue's finding on a project: written to the findings read model (inspection is its
 * source), its case marked for evaluation, and published on the findings topic like every other
 * finding (inspection's own consumer skips it: it is already here).
 */
async function raiseFinding(
  tx: Sql,
  emit: Emit,
  clue: ClueRow,
  project: ProjectRow,
  at: Date,
): Promise<string> {
  const f = complaintFinding(
    {
      clueId: clue.clue_id,
      reference: clue.reference,
      receivedOn: shanghaiDate(clue.received_at),
      projectId: project.project_id,
      name: clue.name,
      idNumber: clue.id_number,
      months: clue.months,
      amountFen: BigInt(clue.amount_fen),
    },
    project.contractor,
    at,
  ) satisfies FindingSnapshot;
  await raiseOwnedFinding(tx, emit, f, project.district, at);
  await tx.query('UPDATE inspection.clues SET finding_id = $2 WHERE clue_id = $1', [
    clue.clue_id,
    f.findingId,
  ]);
  return f.findingId;
}

/** A worker's report, received: numbered, stored, and on a known project a finding at once. */
export async function receiveClue(
  tx: Sql,
  emit: Emit,
  complaint: Complaint,
  at: Date,
): Promise<{ clue: ClueRow; projectName: string | null }> {
  let project: ProjectRow | undefined;
  let district: string;
  if (complaint.projectId) {
    project = await loadProject(tx, complaint.projectId);
    if (!project)
      throw new ValidationError('没有这个项目，请重新选择 (no such project)', [
        { field: 'projectId', message: '没有这个项目，请重新选择' },
      ]);
    district = project.district;
  } else {
    const districts = await knownDistricts(tx);
    if (!districts.includes(complaint.district ?? ''))
      throw new ValidationError('请选择项目所在区县 (unknown district)', [
        { field: 'district', message: `请从列表中选择区县：${districts.join('、')}` },
      ]);
    district = complaint.district as string;
  }
  const clueId = randomUUID();
  const reference = clueReference(
    shanghaiDate(at),
    Array.from({ length: 6 }, () => randomInt(32)),
  );
  await tx.query(
    `INSERT INTO inspection.clues (clue_id, reference, received_at, district, project_id, project_text, name, id_number,
       phone, months, amount_fen, description, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open')`,
    [
      clueId,
      reference,
      at,
      district,
      project?.project_id ?? null,
      complaint.projectName,
      complaint.name,
      complaint.idNumber,
      complaint.phone,
      JSON.stringify(complaint.months),
      complaint.amountFen.toString(),
      complaint.description,
    ],
  );
  const clue = (await loadClue(tx, clueId)) as ClueRow;
  if (project) await raiseFinding(tx, emit, clue, project, at);
  return { clue, projectName: project?.name ?? complaint.projectName };
}

/** A clue on no project, routed by an inspector to the project it is about: its finding is raised. */
export async function routeClue(
  tx: Sql,
  emit: Emit,
  clue: ClueRow,
  projectId: string,
  by: string,
  at: Date,
): Promise<void> {
  if (clue.status === 'closed') throw new ConflictError(`clue ${clue.reference} is closed`);
  if (clue.project_id)
    throw new ConflictError(`clue ${clue.reference} is already on project ${clue.project_id}`);
  const project = await loadProject(tx, projectId);
  if (!project)
    throw new ValidationError(`project ${projectId} does not exist`, [
      { field: 'projectId', message: 'no such project' },
    ]);
  await tx.query(
    'UPDATE inspection.clues SET project_id = $2, district = $3, routed_at = $4, routed_by = $5 WHERE clue_id = $1',
    [clue.clue_id, projectId, project.district, at, by],
  );
  await raiseFinding(tx, emit, { ...clue, project_id: projectId }, project, at);
}

/** An inspector's answer; a final one closes the clue and resolves its finding. */
export async function answerClue(
  tx: Sql,
  emit: Emit,
  clue: ClueRow,
  answer: { outcome: ClueOutcome; text: string },
  by: string,
  at: Date,
): Promise<{ closes: boolean }> {
  const d = decideClueAnswer(clue.status, answer.outcome, answer.text);
  if (!d.ok)
    throw d.status === 409
      ? new ConflictError(d.message)
      : new ValidationError(d.message, [{ field: 'text', message: d.message }]);
  await tx.query(
    `INSERT INTO inspection.clue_answers (clue_id, seq, at, by, outcome, text)
     SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5 FROM inspection.clue_answers WHERE clue_id = $1`,
    [clue.clue_id, at, by, answer.outcome, d.text],
  );
  if (!d.closes) return { closes: false };
  await tx.query("UPDATE inspection.clues SET status = 'closed', closed_at = $2 WHERE clue_id = $1", [
    clue.clue_id,
    at,
  ]);
  if (clue.finding_id) await resolveOwnedFinding(tx, emit, clue.finding_id, at);
  return { closes: true };
}

export const tooMany = (after: number) =>
  new AppError(
    'rate-limited',
    429,
    'Too many requests',
    `提交过于频繁，请 ${Math.ceil(after / 60)} 分钟后再试 (too many requests; retry after ${after} s)`,
  );
