import type { FindingSnapshot } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { DEFAULT_RISK_CONFIG, type RiskAssessment, type RiskConfig, riskGrade } from '@wagewatch/domain';
import { toCaseFinding } from '../cases/repository.ts';

type FindingRow = { snapshot: FindingSnapshot; district: string };

const SELECT_FINDINGS = `SELECT f.snapshot, coalesce(p.district, f.district) AS district FROM inspection.findings f
  LEFT JOIN inspection.projects p ON p.project_id = f.project_id`;

/** The stored form of an assessment's inputs (fen as text), its points and reasons. */
export const inputsJson = (r: RiskAssessment) => ({
  ...r.inputs,
  amountOwedFen: r.inputs.amountOwedFen.toString(),
  points: r.points,
  reasons: r.reasons,
});

/** Every finding against an employer, optionally only on some projects or in some districts. */
export async function employerFindings(
  tx: Sql,
  code: string,
  only: { projectIds?: readonly string[]; districts?: readonly string[] } = {},
): Promise<FindingRow[]> {
  const params: unknown[] = [code];
  const where = [`f.snapshot->'responsible'->>'code' = $1`];
  if (only.projectIds) {
    params.push(only.projectIds);
    where.push(`f.project_id = ANY($${params.length}::text[])`);
  }
  if (only.districts) {
    params.push(only.districts);
    where.push(`coalesce(p.district, f.district) = ANY($${params.length}::text[])`);
  }
  return tx.query<FindingRow>(`${SELECT_FINDINGS} WHERE ${where.join(' AND ')}`, params);
}

/** The projects an employer is registered as general contractor of, with their districts. */
async function contractedProjects(
  tx: Sql,
  code: string,
): Promise<{ project_id: string; district: string }[]> {
  return tx.query<{ project_id: string; district: string }>(
    `SELECT project_id, district FROM inspection.projects WHERE registration->'contractor'->>'creditCode' = $1`,
    [code],
  );
}

/**
 * Recomputes the risk grade of projects and employers from every finding on record about them,
 * in the caller's transaction. A grade whose answer is unchanged is not rewritten (an idle sweep
 * writes nothing, issue 13): `computed_at` is when the grade as it stands was first computed. A subject without any finding is graded too (A, with its reasons):
 * every registered project and its general contractor have a grade.
 */
export async function recomputeRisk(
  tx: Sql,
  subjects: { projectIds: readonly string[]; employerCodes: readonly string[] },
  asOf: Date,
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): Promise<void> {
  const upsert = async (
    kind: 'project' | 'employer',
    id: string,
    rows: FindingRow[],
    where: { districts: string[]; projectIds: string[] },
  ) => {
    const r = riskGrade(
      rows.map((x) => toCaseFinding(x.snapshot)),
      asOf,
      config,
    );
    await tx.query(
      `INSERT INTO inspection.risk_grades (subject_kind, subject_id, grade, score, computed_at, inputs, districts, project_ids)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (subject_kind, subject_id) DO UPDATE SET grade = EXCLUDED.grade, score = EXCLUDED.score,
         computed_at = EXCLUDED.computed_at, inputs = EXCLUDED.inputs, districts = EXCLUDED.districts, project_ids = EXCLUDED.project_ids
       WHERE (risk_grades.grade, risk_grades.score, risk_grades.inputs, risk_grades.districts, risk_grades.project_ids)
         IS DISTINCT FROM (EXCLUDED.grade, EXCLUDED.score, EXCLUDED.inputs, EXCLUDED.districts, EXCLUDED.project_ids)`,
      [kind, id, r.grade, r.score, asOf, JSON.stringify(inputsJson(r)), where.districts, where.projectIds],
    );
  };
  for (const projectId of new Set(subjects.projectIds)) {
    const rows = await tx.query<FindingRow>(`${SELECT_FINDINGS} WHERE f.project_id = $1`, [projectId]);
    const districts = new Set(rows.map((x) => x.district)); // the project's, once registered
    if (!rows.length) {
      const [p] = await tx.query<{ district: string }>(
        'SELECT district FROM inspection.projects WHERE project_id = $1',
        [projectId],
      );
      if (p) districts.add(p.district);
    }
    await upsert('project', projectId, rows, {
      districts: [...districts].filter(Boolean),
      projectIds: [projectId],
    });
  }
  for (const code of new Set(subjects.employerCodes)) {
    // Its projects: those it contracts and those with a finding against it.
    const findings = await employerFindings(tx, code);
    const projects = [
      ...(await contractedProjects(tx, code)),
      ...findings.map((f) => ({ project_id: f.snapshot.projectId, district: f.district })),
    ];
    await upsert('employer', code, findings, {
      districts: [...new Set(projects.map((x) => x.district))].filter(Boolean).sort(),
      projectIds: [...new Set(projects.map((x) => x.project_id))].sort(),
    });
  }
}
