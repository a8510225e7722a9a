import { randomUUID } from 'node:crypto';
import { localDateString } from '@wagewatch/contracts';
import { decideJustification, type JustificationCommand, shanghaiDate } from '@wagewatch/domain';
import { actorOf, ForbiddenError, principalOf, problemSchema, requireRole } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evaluateCase, history, lockCase } from '../cases/repository.ts';
import { loadCase } from '../cases/routes.ts';
import { caseDetail, detail, justificationView } from '../cases/views.ts';
import { apiTime, type InspectionContext, problems } from '../context.ts';
import { acceptedEvent } from '../refusal.ts';
import { justificationsOf, recordDecision, recordProposal, recordSubmission } from './repository.ts';

/** Justifications: the project manager explains a delay, an inspector accepts or rejects it. */
export function justificationRoutes(deps: InspectionContext): FastifyPluginAsync {
  const time = apiTime(deps);
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/v1/cases/:caseId/justifications',
      {
        schema: {
          tags: ['cases'],
          summary: "The project manager's justification of a delay (one pending at a time)",
          params: z.object({ caseId: z.string() }),
          body: z.object({ text: z.string().trim().min(1).max(4000) }),
          response: { 201: justificationView, ...problems, 409: problemSchema },
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        if (principal.role === 'bank') throw new ForbiddenError('banks do not see cases');
        const at = time.now();
        const created = await deps.outbox.unitOfWork(deps.db, async (tx) => {
          // Out of scope is 403 before anything else; then only the project manager may justify.
          const row = await loadCase(tx, principal, req.params.caseId);
          if (principal.role !== 'project-manager') {
            throw new ForbiddenError(
              'only the project manager of the case’s project may submit a justification',
            );
          }
          await lockCase(tx, row.case_key);
          const event = acceptedEvent(
            decideJustification(
              {
                caseId: row.case_id,
                status: row.status,
                cycle: row.cycle,
                justifications: await justificationsOf(tx, row.case_id),
              },
              { type: 'submit', justificationId: randomUUID(), text: req.body.text },
              {
                today: shanghaiDate(at),
                calendar: deps.calendar,
                ...(deps.ladder ? { ladder: deps.ladder } : {}),
              },
            ),
          );
          if (event.type !== 'justification.submitted') throw new Error(`unexpected ${event.type}`);
          await recordSubmission(tx, row.case_id, event, actorOf(principal), at);
          await history(tx, {
            caseId: row.case_id,
            at,
            actor: actorOf(principal),
            action: 'justification-submitted',
            note: event.text,
          });
          return { id: event.justificationId, cycle: event.cycle };
        });
        reply.code(201);
        return {
          justificationId: created.id,
          cycle: created.cycle,
          text: req.body.text,
          submittedBy: actorOf(principal),
          submittedAt: at.toISOString(),
          decision: null,
          decidedBy: null,
          decidedAt: null,
          reason: null,
          pausedUntil: null,
          proposal: null,
        };
      },
    );

    /**
     * Decides a command on a justification and stores what the domain decided: a decision, a
     * proposal (a critical case's acceptance by one person) or the second person's answer; the
     * case history names whoever acted (and the proposer on an answer); the ladder is re-run.
     */
    const decide = async (
      req: { params: { caseId: string; justificationId: string } } & Parameters<typeof principalOf>[0],
      command: (actor: string) => JustificationCommand,
    ) => {
      const principal = principalOf(req);
      requireRole(principal, 'inspector', 'admin');
      const at = time.now();
      const row = await deps.outbox.unitOfWork(deps.db, async (tx, emit) => {
        const c = await loadCase(tx, principal, req.params.caseId);
        await lockCase(tx, c.case_key);
        const asOf = await time.evaluationInstant(tx);
        const critical = c.level === 'critical';
        const event = acceptedEvent(
          decideJustification(
            {
              caseId: c.case_id,
              status: c.status,
              cycle: c.cycle,
              critical,
              justifications: await justificationsOf(tx, c.case_id),
            },
            command(principal.keyId),
            {
              today: shanghaiDate(asOf),
              calendar: deps.calendar,
              ...(deps.ladder ? { ladder: deps.ladder } : {}),
            },
            req.params.justificationId,
          ),
        );
        if (event.type === 'justification.submitted') throw new Error(`unexpected ${event.type}`);
        if (event.type === 'justification.proposed') {
          await recordProposal(tx, event, at);
          await history(tx, {
            caseId: c.case_id,
            at,
            actor: actorOf(principal),
            action: 'justification-proposed',
            note: `${event.reason} (critical case: a pause until ${event.pausedUntil} awaits a second person's confirmation; the ladder keeps moving)`,
          });
        } else {
          const pausedUntil = event.type === 'justification.accepted' ? event.pausedUntil : null;
          await recordDecision(tx, event, actorOf(principal), at);
          const second = event.proposedBy !== undefined;
          // The history names the proposer as it did when they proposed (their id is what the rule compares).
          const [proposer] = second
            ? await tx.query<{ actor: string }>(
                `SELECT actor FROM inspection.case_history WHERE case_id = $1 AND action = 'justification-proposed'
                 ORDER BY at DESC LIMIT 1`,
                [c.case_id],
              )
            : [];
          await history(tx, {
            caseId: c.case_id,
            at,
            actor: actorOf(principal),
            action: second
              ? `justification-${event.type === 'justification.accepted' ? 'confirmed' : 'declined'}`
              : `justification-${event.type === 'justification.accepted' ? 'accepted' : 'rejected'}`,
            note:
              `${event.reason}${second ? ` (proposed by ${proposer?.actor ?? event.proposedBy})` : ''}` +
              `${pausedUntil ? ` (ladder paused until ${pausedUntil})` : ''}`,
          });
        }
        await evaluateCase(tx, c.case_key, { ...deps, asOf, at, emit });
        const [fresh] = await tx.query<{ case_id: string }>(
          'SELECT case_id FROM inspection.cases WHERE case_id = $1',
          [c.case_id],
        );
        return fresh!;
      });
      const fresh = await loadCase(deps.db, principal, row.case_id);
      return detail(deps.db, fresh, {
        winter: await time.winterOn(deps.db),
        today: shanghaiDate(await time.evaluationInstant(deps.db)),
      });
    };

    app.post(
      '/v1/cases/:caseId/justifications/:justificationId/decision',
      {
        schema: {
          tags: ['cases'],
          summary:
            "An inspector's decision on a justification; an accepted one pauses the ladder (to pauseUntil, default 10, at most WAGEWATCH_MAX_PAUSE_WORKING_DAYS, 30, working days); on a critical case an acceptance awaits a second person's confirmation",
          params: z.object({ caseId: z.string(), justificationId: z.uuid() }),
          body: z.object({
            decision: z.enum(['accepted', 'rejected']),
            reason: z.string().trim().min(1).max(4000),
            pauseUntil: localDateString.optional(),
          }),
          response: { 200: caseDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) =>
        decide(req, (actor) => ({
          type: 'decide',
          decision: req.body.decision,
          reason: req.body.reason,
          pauseUntil: req.body.pauseUntil,
          actor,
        })),
    );

    app.post(
      '/v1/cases/:caseId/justifications/:justificationId/confirmation',
      {
        schema: {
          tags: ['cases'],
          summary:
            "A second inspector's (or an admin's) answer to a critical case's proposed acceptance: confirm (the pause starts) or decline (rejected); never the proposer's",
          params: z.object({ caseId: z.string(), justificationId: z.uuid() }),
          body: z.object({ confirm: z.boolean(), reason: z.string().trim().min(1).max(4000) }),
          response: { 200: caseDetail, ...problems, 409: problemSchema },
        },
      },
      async (req) =>
        decide(req, (actor) => ({
          type: 'confirm',
          confirm: req.body.confirm,
          reason: req.body.reason,
          actor,
        })),
    );
  };
}
