import { RISK_GRADES, riskGrade } from '@wagewatch/domain';
import { ForbiddenError, type Principal, principalOf } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toCaseFinding } from '../cases/repository.ts';
import { type InspectionContext, problems } from '../context.ts';
import { assertFilter, districtOf, where } from '../scope.ts';
import { employerFindings, inputsJson } from './repository.ts';

const riskView = z.object({
  subject: z.enum(['project', 'employer']),
  id: z.string(),
  grade: z.enum(RISK_GRADES),
  score: z.number(),
  computedAt: z
    .string()
    .describe(
      'When the grade as it stands (grade, score and inputs) was first computed; unchanged grades are not rewritten.',
    ),
  inputs: z.record(z.string(), z.unknown()),
  /** Why: one sentence per term that scored, or why nothing did (grade A without findings). */
  reasons: z.array(z.string()),
  /**
   * What the grade counts. `complete: false`: an employer with projects outside your scope,
   * graded on the projects you may see only (the others are neither counted nor shown).
   */
  scope: z.object({ complete: z.boolean(), note: z.string().nullable() }),
});

type GradeRow = {
  subject_kind: 'project' | 'employer';
  subject_id: string;
  grade: 'A' | 'B' | 'C' | 'D';
  score: number;
  computed_at: Date;
  inputs: Record<string, unknown>;
  districts: string[];
  project_ids: string[];
};

/** The part of an employer's projects a principal sees: everything, or some districts or projects. */
function visiblePart(
  principal: Principal,
  row: GradeRow,
): 'all' | { districts: string[] } | { projectIds: string[] } {
  switch (principal.role) {
    case 'admin':
      return 'all';
    case 'inspector':
      if (principal.districts === 'all' || row.districts.every((d) => principal.districts.includes(d)))
        return 'all';
      return { districts: principal.districts };
    case 'project-manager':
      if (row.project_ids.every((p) => principal.projectIds.includes(p))) return 'all';
      return { projectIds: principal.projectIds };
    case 'bank':
      throw new ForbiddenError('banks do not see risk grades');
    default: {
      const never: never = principal;
      throw new Error(`unknown principal ${JSON.stringify(never)}`);
    }
  }
}

/** Risk grades A (best) to D (worst) of every project and employer, as far as your key may see. */
export function riskRoutes(deps: InspectionContext): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/risk-grades',
      {
        schema: {
          tags: ['risk'],
          summary:
            'Risk grades A (best) to D (worst) of projects and employers within your scope (an employer: on the projects you may see)',
          querystring: z.object({ projectId: z.string().optional(), employer: z.string().optional() }),
          response: { 200: z.object({ grades: z.array(riskView) }), ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const q = req.query;
        if (principal.role === 'bank') throw new ForbiddenError('banks do not see risk grades');
        assertFilter(principal, { projectId: q.projectId });
        if (q.projectId && principal.role === 'inspector' && principal.districts !== 'all') {
          const district = await districtOf(deps.db, q.projectId);
          if (district !== undefined && !principal.districts.includes(district))
            throw new ForbiddenError(`your key does not cover project ${q.projectId}`);
        }
        const b = where();
        switch (principal.role) {
          case 'admin':
            break;
          case 'inspector':
            if (principal.districts !== 'all') b.add('districts && ?::text[]', principal.districts);
            break;
          case 'project-manager':
            b.add('project_ids && ?::text[]', principal.projectIds);
            break;
        }
        if (q.employer && principal.role !== 'admin') {
          // An employer with no project in your scope is not yours to see (403, not an empty list).
          const [e] = await deps.db.query<GradeRow>(
            `SELECT * FROM inspection.risk_grades WHERE subject_kind = 'employer' AND subject_id = $1`,
            [q.employer],
          );
          if (principal.role === 'inspector' && principal.districts !== 'all') {
            if (e && !e.districts.some((d) => (principal.districts as string[]).includes(d)))
              throw new ForbiddenError(`your key does not cover employer ${q.employer}`);
          }
          if (principal.role === 'project-manager') {
            if (e && !e.project_ids.some((p) => principal.projectIds.includes(p)))
              throw new ForbiddenError(`your key does not cover employer ${q.employer}`);
          }
        }
        const subjects: string[] = [];
        const subject = (kind: 'project' | 'employer', id: string) => {
          b.params.push(id);
          subjects.push(`(subject_kind = '${kind}' AND subject_id = $${b.params.length})`);
        };
        if (q.projectId) subject('project', q.projectId);
        if (q.employer) subject('employer', q.employer);
        if (subjects.length) b.where.push(`(${subjects.join(' OR ')})`);
        const rows = await deps.db.query<GradeRow>(
          `SELECT subject_kind, subject_id, grade, score, computed_at, inputs, districts, project_ids
           FROM inspection.risk_grades ${b.clause()}
           ORDER BY subject_kind DESC, score DESC, subject_id LIMIT 1000`,
          b.params,
        );
        const grades = [];
        for (const r of rows) {
          const part = r.subject_kind === 'employer' ? visiblePart(principal, r) : 'all';
          if (part === 'all') {
            grades.push({
              subject: r.subject_kind,
              id: r.subject_id,
              grade: r.grade,
              score: r.score,
              computedAt: r.computed_at.toISOString(),
              inputs: r.inputs,
              reasons: Array.isArray(r.inputs.reasons) ? (r.inputs.reasons as string[]) : [],
              scope: { complete: true, note: null },
            });
            continue;
          }
          // Graded again on what the reader may see, as of the stored grade's instant.
          const findings = await employerFindings(deps.db, r.subject_id, part);
          const a = riskGrade(
            findings.map((f) => toCaseFinding(f.snapshot)),
            r.computed_at,
            deps.risk,
          );
          const within =
            'districts' in part ? `your districts (${part.districts.join(', ')})` : 'your projects';
          grades.push({
            subject: r.subject_kind,
            id: r.subject_id,
            grade: a.grade,
            score: a.score,
            computedAt: r.computed_at.toISOString(),
            inputs: inputsJson(a),
            reasons: a.reasons,
            scope: {
              complete: false,
              note: `graded on ${within} only: the employer has projects outside your scope, neither counted nor shown`,
            },
          });
        }
        return { grades };
      },
    );
  };
}
