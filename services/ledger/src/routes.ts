import type { Outbox } from '@wagewatch/bus';
import { localDateString, type RuleCode, ruleSchema, totalYuanString } from '@wagewatch/contracts';
import type { Database } from '@wagewatch/db';
import { formatFen, type WorkingDayCalendar } from '@wagewatch/domain';
import {
  assertSweepable,
  type Clock,
  canSeeProject,
  ForbiddenError,
  NotFoundError,
  principalOf,
  problemSchema,
  requireRole,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findingIdOf } from './findings.ts';
import { type SweepResult, sweep } from './sweep.ts';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
const transitionSummary = z.object({
  findingId: z.string(),
  projectId: z.string(),
  rule: ruleSchema,
  key: z.string(),
});

/**
 * Another service's sweep that the admin sweep also runs (the embedded system's deposits): its
 * transitions are merged into the response. Finding ids are derived from (project, key) the
 * same way everywhere.
 */
export type ExtraSweep = (asOf: Date) => Promise<{
  results: {
    projectId: string;
    transitions: { kind: 'raised' | 'updated' | 'resolved'; finding: { key: string; rule: RuleCode } }[];
  }[];
}>;

export function ledgerRoutes(deps: {
  db: Database;
  outbox: Outbox;
  clock: Clock;
  calendar: WorkingDayCalendar;
  /** The ledger's sweep followed by any extra sweeps (see createLedger); default the ledger's alone. */
  sweep?: (asOf: Date) => Promise<SweepResult & { extra?: Awaited<ReturnType<ExtraSweep>>['results'] }>;
}): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/v1/admin/sweep',
      {
        schema: {
          tags: ['admin'],
          summary: 'Run every time-based evaluation as of an instant (default now)',
          body: z.object({ asOf: z.iso.datetime({ offset: true }).optional() }).optional(),
          response: {
            200: z.object({
              asOf: z.string(),
              projects: z.number(),
              raised: z.array(transitionSummary),
              updated: z.array(transitionSummary),
              resolved: z.array(transitionSummary),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        requireRole(principalOf(req), 'admin');
        const asOf = req.body?.asOf ? new Date(req.body.asOf) : deps.clock.now();
        assertSweepable(deps.clock, asOf);
        if (Number.isNaN(asOf.getTime()))
          throw new ValidationError('asOf is not an instant', [{ field: 'asOf', message: 'invalid' }]);
        const result: SweepResult & { extra?: Awaited<ReturnType<ExtraSweep>>['results'] } = deps.sweep
          ? await deps.sweep(asOf)
          : await sweep(deps, asOf);
        // The extra sweeps ran at the ledger's effective instant; their transitions are listed too.
        const extra = result.extra ?? [];
        const pick = (kind: 'raised' | 'updated' | 'resolved') =>
          [...(result.results as Awaited<ReturnType<ExtraSweep>>['results']), ...extra].flatMap((r) =>
            r.transitions
              .filter((t) => t.kind === kind)
              .map((t) => ({
                findingId: findingIdOf(r.projectId, t.finding.key),
                projectId: r.projectId,
                rule: t.finding.rule,
                key: t.finding.key,
              })),
          );
        return {
          asOf: result.asOf.toISOString(),
          projects: result.projects,
          raised: pick('raised'),
          updated: pick('updated'),
          resolved: pick('resolved'),
        };
      },
    );

    app.get(
      '/v1/projects/:projectId/status',
      {
        schema: {
          tags: ['projects'],
          summary: "A project's open findings by rule, amounts owed and the last statement date",
          params: z.object({ projectId: z.string() }),
          response: {
            200: z.object({
              projectId: z.string(),
              district: z.string(),
              openFindings: z.record(z.string(), z.number()),
              openFindingsTotal: z.number(),
              amountOwed: totalYuanString,
              workersOwed: z.number(),
              lastStatementDate: localDateString.nullable(),
              evaluatedAsOf: z.string().nullable(),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const { projectId } = req.params;
        const [p] = await deps.db.query<{ district: string; account_no: string }>(
          'SELECT district, account_no FROM ledger.projects WHERE project_id = $1',
          [projectId],
        );
        if (!p) {
          if (principal.role === 'bank') throw new ForbiddenError('banks do not see project status');
          throw new NotFoundError(`project ${projectId} is not known to the ledger`);
        }
        if (!canSeeProject(principal, { projectId, district: p.district })) {
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        }
        const byRule = await deps.db.query<{ rule: string; n: bigint }>(
          `SELECT rule, count(*) AS n FROM ledger.findings WHERE project_id = $1 AND status = 'open' GROUP BY rule`,
          [projectId],
        );
        const [owed] = await deps.db.query<{ fen: string | null; workers: bigint }>(
          `SELECT sum((record->>'amountOwed')::bigint)::text AS fen, count(DISTINCT record->'worker'->>'idNumber') AS workers
           FROM ledger.findings WHERE project_id = $1 AND status = 'open' AND rule IN ('wages-missed', 'wages-short')`,
          [projectId],
        );
        const [last] = await deps.db.query<{ d: string | null }>(
          'SELECT max(statement_date)::text AS d FROM ledger.statements WHERE account_no = $1',
          [p.account_no],
        );
        const [clock] = await deps.db.query<{ as_of: Date }>(
          'SELECT as_of FROM ledger.evaluation_clock WHERE id = 1',
        );
        const openFindings = Object.fromEntries(byRule.map((r) => [r.rule, Number(r.n)]));
        return {
          projectId,
          district: p.district,
          openFindings,
          openFindingsTotal: byRule.reduce((s, r) => s + Number(r.n), 0),
          amountOwed: formatFen(BigInt(owed?.fen ?? '0')),
          workersOwed: Number(owed?.workers ?? 0n),
          lastStatementDate: last?.d ?? null,
          evaluatedAsOf: clock?.as_of.toISOString() ?? null,
        };
      },
    );
  };
}
