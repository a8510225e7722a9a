import type { NewEvent } from '@wagewatch/bus';
import { localDateString } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { endOfShanghaiDay, shanghaiDate } from '@wagewatch/domain';
import { advanceEvaluationClock } from '@wagewatch/evaluation';
import { assertSweepable, principalOf, requireRole } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type CampaignRunResult, runCampaigns } from './campaigns/campaigns.ts';
import { type CaseEvaluation, evaluateCase, splitCaseKey } from './cases/repository.ts';
import { type InspectionContext, problems, readEvaluationInstant } from './context.ts';
import { drawPatrolsIfDue } from './patrols/repository.ts';
import { recomputeRisk } from './risk/repository.ts';

export { type InspectionContext, readEvaluationInstant } from './context.ts';

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

/**
 * A case's ladder depends on its instant only through the Shanghai date (its rungs, task SLAs,
 * pauses and the winter campaign count days): once evaluated, it is due again at the end of that
 * day, or at the next event (docs/adr/0022).
 */
async function recordCaseDue(tx: Sql, caseKey: string, asOf: Date): Promise<void> {
  await tx.query(
    `INSERT INTO inspection.case_due (case_key, due_at) VALUES ($1, $2)
     ON CONFLICT (case_key) DO UPDATE SET due_at = EXCLUDED.due_at`,
    [caseKey, endOfShanghaiDay(shanghaiDate(asOf))],
  );
}

/** Cases evaluated in one transaction (the evaluation kit's batches, docs/adr/0025). */
const CASE_BATCH = 8;

/**
 * The risk grades a batch of case evaluations recomputes: each subject (project, employer) once
 * per run of cases at the same instant, after them, as of that instant. Grades read only the
 * findings (which a case evaluation does not write) and no case reads a grade, so this leaves
 * the grades one recomputation per case, in key order, would leave.
 */
class RiskRecomputation {
  private readonly runs: { asOf: Date; projectIds: Set<string>; employerCodes: Set<string> }[] = [];
  add(caseKey: string, asOf: Date): void {
    const { projectId, code } = splitCaseKey(caseKey);
    let run = this.runs[this.runs.length - 1];
    if (!run || run.asOf.getTime() !== asOf.getTime()) {
      run = { asOf, projectIds: new Set(), employerCodes: new Set() };
      this.runs.push(run);
    }
    run.projectIds.add(projectId);
    run.employerCodes.add(code);
  }
  async run(tx: Sql, deps: InspectionContext): Promise<void> {
    for (const r of this.runs)
      await recomputeRisk(
        tx,
        { projectIds: [...r.projectIds], employerCodes: [...r.employerCodes] },
        r.asOf,
        deps.risk,
      );
  }
}

/**
 * Runs `each` over `keys` in batches of CASE_BATCH, a batch in one transaction with its events.
 * A batch that fails is run again one case per transaction, so one failing case does not hold
 * back the others; the first error is thrown once every case has been tried.
 */
async function inCaseBatches<R>(
  deps: InspectionContext,
  keys: readonly string[],
  each: (tx: Sql, keys: readonly string[], emit: (e: NewEvent) => void) => Promise<R[]>,
): Promise<R[]> {
  const out: R[] = [];
  let failure: unknown;
  const run = async (batch: readonly string[]): Promise<void> => {
    try {
      out.push(...(await deps.outbox.unitOfWork(deps.db, (tx, emit) => each(tx, batch, emit))));
    } catch (err) {
      if (batch.length === 1) failure ??= err;
      else for (const k of batch) await run([k]);
    }
  };
  for (let i = 0; i < keys.length; i += CASE_BATCH) await run(keys.slice(i, i + CASE_BATCH));
  if (failure !== undefined) throw failure;
  return out;
}

/**
 * Evaluates every case marked dirty by the consumer, in batches (inCaseBatches) with their
 * history and events; each mark is removed in its batch's transaction. The ladder is evaluated as
 * of the later of the evaluation instant and the change (a finding raised today has its day-0
 * notice today). Risk grades of the cases' projects and employers are recomputed there too.
 */
export async function evaluateDirty(deps: InspectionContext): Promise<boolean> {
  const dirty = await deps.db.query<{ case_key: string }>(
    'SELECT case_key FROM inspection.dirty_cases ORDER BY case_key',
  );
  await inCaseBatches(
    deps,
    dirty.map((d) => d.case_key),
    async (tx, keys, emit) => {
      const instant = await readEvaluationInstant(tx);
      const risk = new RiskRecomputation();
      for (const caseKey of keys) {
        const [mark] = await tx.query<{ changed_at: Date }>(
          'DELETE FROM inspection.dirty_cases WHERE case_key = $1 RETURNING changed_at',
          [caseKey],
        );
        if (!mark) continue; // another evaluator took it
        const asOf = later(instant, mark.changed_at);
        await evaluateCase(tx, caseKey, { ...deps, asOf, at: asOf, emit });
        await recordCaseDue(tx, caseKey, asOf);
        risk.add(caseKey, asOf);
      }
      await risk.run(tx, deps);
      return [];
    },
  );
  return dirty.length > 0;
}

/** Grades every registered project (and its general contractor) that has no risk grade yet. */
async function gradeUngraded(deps: InspectionContext, asOf: Date): Promise<void> {
  const missing = await deps.db.query<{ project_id: string; contractor: string | null }>(
    `SELECT p.project_id, p.registration->'contractor'->>'creditCode' AS contractor FROM inspection.projects p
     WHERE NOT EXISTS (SELECT 1 FROM inspection.risk_grades g WHERE g.subject_kind = 'project' AND g.subject_id = p.project_id)
     ORDER BY p.project_id`,
  );
  if (!missing.length) return;
  await deps.db.transaction((tx) =>
    recomputeRisk(
      tx,
      {
        projectIds: missing.map((m) => m.project_id),
        employerCodes: missing.flatMap((m) => (m.contractor ? [m.contractor] : [])),
      },
      asOf,
      deps.risk,
    ),
  );
}

export type InspectionSweepResult = {
  asOf: Date;
  cases: number;
  steps: CaseEvaluation['steps'];
  closed: string[];
  campaigns: CampaignRunResult;
  /** Patrol visits this sweep added to the quarter's plan. */
  patrolsPlanned: number;
};

/**
 * Runs the ladder of every open case as of an instant. Time only moves forward: a sweep "as of"
 * an instant earlier than one already run evaluates at the later one, so rerunning a sweep
 * takes no step twice (and step keys are unique besides).
 */
export async function sweep(deps: InspectionContext, asOf: Date): Promise<InspectionSweepResult> {
  await evaluateDirty(deps);
  const effective = await advanceEvaluationClock(deps.db, 'inspection', asOf);
  deps.clock.sweptTo?.(effective); // a replay clock's "now" is the latest instant swept to
  // The open cases whose ladder can have moved by now: due, or not evaluated since the start.
  const open = await deps.db.query<{ case_key: string }>(
    `SELECT c.case_key FROM inspection.cases c
     LEFT JOIN inspection.case_due d USING (case_key)
     WHERE c.status = 'open' AND (d.due_at IS NULL OR d.due_at <= $1) ORDER BY c.case_key`,
    [effective],
  );
  const result: InspectionSweepResult = {
    asOf: effective,
    cases: open.length,
    steps: [],
    closed: [],
    campaigns: { ran: [], warnings: [] },
    patrolsPlanned: 0,
  };
  const evaluations = await inCaseBatches(
    deps,
    open.map((c) => c.case_key),
    async (tx, keys, emit) => {
      const risk = new RiskRecomputation();
      const done: CaseEvaluation[] = [];
      for (const caseKey of keys) {
        done.push(await evaluateCase(tx, caseKey, { ...deps, asOf: effective, at: effective, emit }));
        await recordCaseDue(tx, caseKey, effective);
        risk.add(caseKey, effective);
      }
      await risk.run(tx, deps);
      return done;
    },
  );
  for (const r of evaluations) {
    result.steps.push(...r.steps);
    if (r.closed && r.caseId) result.closed.push(r.caseId);
  }
  // Projects registered before every project was graded on registration: graded now (once).
  await gradeUngraded(deps, effective);
  // Campaigns after the ladder: risk grades and case states are those of this instant.
  result.campaigns = await runCampaigns(deps, effective);
  // 日常巡查: the quarter's patrol plan, drawn once a day and after registrations (idempotent).
  result.patrolsPlanned = await drawPatrolsIfDue(deps, deps.db, effective, deps.calendar, deps.patrols);
  await deps.webhooks?.step();
  return result;
}

/** The admin's sweep: the ladder of every open case, then the campaigns, as of an instant. */
export function sweepRoutes(deps: InspectionContext): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/v1/admin/inspection/sweep',
      {
        schema: {
          tags: ['admin'],
          summary: 'Run the escalation ladder of every open case as of an instant (default now; monotonic)',
          body: z.object({ asOf: z.iso.datetime({ offset: true }).optional() }).optional(),
          response: {
            200: z.object({
              asOf: z.string(),
              cases: z.number(),
              steps: z.array(
                z.object({ caseId: z.string(), step: z.string(), key: z.string(), dueOn: localDateString }),
              ),
              closed: z.array(z.string()),
              campaigns: z.object({ ran: z.array(z.string()), warnings: z.array(z.string()) }),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        requireRole(principalOf(req), 'admin');
        const asOf = req.body?.asOf ? new Date(req.body.asOf) : deps.clock.now();
        assertSweepable(deps.clock, asOf);
        const r = await sweep(deps, asOf);
        return {
          asOf: r.asOf.toISOString(),
          cases: r.cases,
          steps: r.steps,
          closed: r.closed,
          campaigns: r.campaigns,
        };
      },
    );
  };
}
