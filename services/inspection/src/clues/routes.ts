import type { NewEvent } from '@wagewatch/bus';
import type { Sql } from '@wagewatch/db';
import { CLUE_OUTCOME_ZH, CLUE_OUTCOMES, formatFen, maskName, maskPhone } from '@wagewatch/domain';
import {
  actorOf,
  ForbiddenError,
  NotFoundError,
  type Principal,
  principalOf,
  problemSchema,
  requireRole,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type InspectionContext, problems } from '../context.ts';
import { assertFilter, scopeRows, where } from '../scope.ts';
import { evaluateDirty } from '../sweep.ts';
import {
  answerClue,
  CLUE_SELECT,
  type ClueRow,
  clueAnswers,
  loadClue,
  loadProject,
  routeClue,
} from './repository.ts';

const clueSummary = z.object({
  clueId: z.string(),
  reference: z.string(),
  receivedAt: z.string(),
  district: z.string(),
  projectId: z.string().nullable(),
  projectName: z
    .string()
    .nullable()
    .describe("the registered project's name, or the worker's words when routed to none"),
  onProject: z.boolean(),
  worker: z.string().describe('masked in lists'),
  phone: z.string().describe('masked in lists'),
  months: z.array(z.string()),
  amount: z.string(),
  status: z.enum(['open', 'closed']),
  findingId: z.string().nullable(),
  caseId: z.string().nullable(),
});
const clueDetail = clueSummary.extend({
  idNumber: z.string(),
  description: z.string(),
  routedAt: z.string().nullable(),
  routedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  answers: z.array(
    z.object({
      seq: z.number(),
      at: z.string(),
      by: z.string(),
      outcome: z.enum(CLUE_OUTCOMES),
      outcomeZh: z.string(),
      text: z.string(),
    }),
  ),
});

const summaryOf = (c: ClueRow, masked: boolean) => ({
  clueId: c.clue_id,
  reference: c.reference,
  receivedAt: c.received_at.toISOString(),
  district: c.district,
  projectId: c.project_id,
  projectName: c.project_name ?? c.project_text,
  onProject: !!c.project_id,
  worker: masked ? maskName(c.name) : c.name,
  phone: masked ? maskPhone(c.phone) : c.phone,
  months: c.months,
  amount: formatFen(BigInt(c.amount_fen)),
  status: c.status,
  findingId: c.finding_id,
  caseId: c.case_id,
});

/** Clues are the bureau's: inspectors of the clue's district and admins. */
function assertMaySee(principal: Principal, c: ClueRow): void {
  if (principal.role === 'admin') return;
  if (principal.role !== 'inspector') throw new ForbiddenError('clues are for inspectors');
  if (principal.districts !== 'all' && !principal.districts.includes(c.district))
    throw new ForbiddenError(`your key does not cover clue ${c.reference} (${c.district})`);
}

/**
 * 欠薪线索, the bureau's side (issue 14 §5): the clues of an inspector's districts, each with the
 * worker's phone to call back; routing a clue to the project it is about (its finding is raised
 * and enters the case); answers the worker reads on the public page, a final one closing the clue
 * and resolving its finding.
 */
export function clueRoutes(deps: InspectionContext): FastifyPluginAsync {
  const load = async (principal: Principal, clueId: string, tx: Sql = deps.db, lock = false) => {
    const c = await loadClue(tx, clueId, lock);
    if (!c) throw new NotFoundError(`clue ${clueId} does not exist`);
    assertMaySee(principal, c);
    return c;
  };
  const detail = async (principal: Principal, clueId: string) => {
    const c = await load(principal, clueId);
    const answers = await clueAnswers(deps.db, c.clue_id);
    return {
      ...summaryOf(c, false),
      idNumber: c.id_number,
      description: c.description,
      routedAt: c.routed_at?.toISOString() ?? null,
      routedBy: c.routed_by,
      closedAt: c.closed_at?.toISOString() ?? null,
      answers: answers.map((a) => ({
        seq: a.seq,
        at: a.at.toISOString(),
        by: a.by,
        outcome: a.outcome,
        outcomeZh: CLUE_OUTCOME_ZH[a.outcome],
        text: a.text,
      })),
    };
  };
  /** Runs a command on a locked clue in one transaction with its events, then evaluates the cases it marked. */
  const command = async (
    principal: Principal,
    clueId: string,
    fn: (tx: Sql, emit: (e: NewEvent) => void, c: ClueRow) => Promise<unknown>,
  ) => {
    requireRole(principal, 'inspector', 'admin');
    await deps.outbox.unitOfWork(deps.db, async (tx, emit) =>
      fn(tx, emit, await load(principal, clueId, tx, true)),
    );
    await evaluateDirty(deps);
    return detail(principal, clueId);
  };

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/clues',
      {
        schema: {
          tags: ['clues'],
          summary: "欠薪线索: workers' reports in your districts, newest first (inspectors)",
          querystring: z.object({
            status: z.enum(['open', 'closed']).optional(),
            district: z.string().optional(),
            onProject: z.enum(['true', 'false']).optional().describe('false: the clues waiting to be routed'),
            limit: z.coerce.number().int().min(1).max(500).default(100),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.object({ total: z.number(), clues: z.array(clueSummary) }), ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const q = req.query;
        assertFilter(principal, q);
        const w = where();
        scopeRows(principal, w, 'clues', { district: 'c.district', projectId: null });
        if (q.status) w.add('c.status = ?', q.status);
        if (q.district) w.add('c.district = ?', q.district);
        if (q.onProject) w.add(`(c.project_id IS NOT NULL) = ?::boolean`, q.onProject === 'true');
        const [count] = await deps.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM inspection.clues c ${w.clause()}`,
          w.params,
        );
        const rows = await deps.db.query<ClueRow>(
          `${CLUE_SELECT} ${w.clause()} ORDER BY c.received_at DESC, c.reference LIMIT ${q.limit} OFFSET ${q.offset}`,
          w.params,
        );
        return { total: count?.n ?? 0, clues: rows.map((c) => summaryOf(c, true)) };
      },
    );

    app.get(
      '/v1/clues/:clueId',
      {
        schema: {
          tags: ['clues'],
          summary: 'One clue with the phone to call back, the ID number, the worker’s words and the answers',
          params: z.object({ clueId: z.string() }),
          response: { 200: clueDetail, ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const d = await detail(principal, req.params.clueId);
        req.log.info({ clue: 'read', reference: d.reference }, 'clue read');
        return d;
      },
    );

    app.post(
      '/v1/clues/:clueId/route',
      {
        schema: {
          tags: ['clues'],
          summary: 'Route a clue on no project to the registered project it is about: its finding is raised',
          params: z.object({ clueId: z.string() }),
          body: z.object({ projectId: z.string().min(1) }),
          response: { 200: clueDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const at = deps.clock.now();
        return command(principal, req.params.clueId, async (tx, emit, c) => {
          const project = await loadProject(tx, req.body.projectId);
          // The project must be in the inspector's districts too: a clue moves only within what they cover.
          if (project) assertMaySee(principal, { ...c, district: project.district });
          await routeClue(tx, emit, c, req.body.projectId, actorOf(principal), at);
        });
      },
    );

    app.post(
      '/v1/clues/:clueId/answers',
      {
        schema: {
          tags: ['clues'],
          summary: 'Answer a clue (the worker reads it); a final outcome closes it and resolves its finding',
          description:
            '`in-progress` keeps the clue open; `paid` (the wages were paid), `unfounded` and `transferred` close it. ' +
            '409 on a closed clue.',
          params: z.object({ clueId: z.string() }),
          body: z.object({ outcome: z.enum(CLUE_OUTCOMES), text: z.string().max(2000) }),
          response: { 200: clueDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const at = deps.clock.now();
        const d = await command(principal, req.params.clueId, (tx, emit, c) =>
          answerClue(tx, emit, c, req.body, actorOf(principal), at),
        );
        req.log.info(
          { clue: 'answered', reference: d.reference, outcome: req.body.outcome },
          'clue answered',
        );
        return d;
      },
    );
  };
}
