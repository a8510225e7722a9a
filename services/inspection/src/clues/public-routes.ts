import { createHash } from 'node:crypto';
import {
  addMonths,
  CLUE_OUTCOME_ZH,
  CLUE_OUTCOMES,
  CLUE_REFERENCE,
  COMPLAINT_MAX_MONTHS,
  formatFen,
  periodOf,
  shanghaiDate,
  validateComplaint,
} from '@wagewatch/domain';
import { NotFoundError, problemSchema, ValidationError } from '@wagewatch/runtime';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InspectionContext } from '../context.ts';
import { evaluateDirty } from '../sweep.ts';
import { clueAnswers, knownDistricts, loadClue, receiveClue, tooMany } from './repository.ts';

/** How often the public may report and ask, per window; per process, in memory (like 工资查询). */
export type ClueLimits = {
  /** Reports from one address an hour. */
  reportsPerAddress: number;
  /** Reports with one ID number a day (whatever the address). */
  reportsPerIdNumber: number;
  /** Progress questions from one address an hour. */
  statusPerAddress: number;
  /** Progress questions about one reference an hour (guessing the phone is slow). */
  statusPerReference: number;
};
export const DEFAULT_CLUE_LIMITS: ClueLimits = {
  reportsPerAddress: 30,
  reportsPerIdNumber: 3,
  statusPerAddress: 30,
  statusPerReference: 10,
};

const HOUR = 3_600_000;
const hashed = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const NOT_FOUND = '没有找到与受理编号和电话相符的反映记录，请核对 (no report matches)';

const field = z.string().max(2000);
const clueStatus = z.object({
  reference: z.string(),
  receivedOn: z.string(),
  projectName: z.string().nullable(),
  district: z.string(),
  months: z.array(z.string()),
  amount: z.string(),
  status: z.enum(['open', 'closed']),
  answers: z.array(
    z.object({
      on: z.string(),
      outcome: z.enum(CLUE_OUTCOMES),
      outcomeZh: z.string(),
      text: z.string(),
    }),
  ),
});

/**
 * 欠薪线索, the public side (issue 14 §5): a worker searches the registered projects, reports
 * unpaid wages (no account; limited per address and per ID number), and reads the inspectors'
 * answers back with the reference and the phone given. A wrong phone and an unknown reference
 * get the same answer; nothing logged names the worker, the ID or the phone.
 */
export function publicClueRoutes(
  deps: InspectionContext & { clueLimits?: Partial<ClueLimits> },
): FastifyPluginAsync {
  const limits = { ...DEFAULT_CLUE_LIMITS, ...deps.clueLimits };
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const limiter = (root as unknown as FastifyInstance).createRateLimit;
    const body = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;
    const reportsPerAddress = limiter({
      max: limits.reportsPerAddress,
      timeWindow: HOUR,
      keyGenerator: (req: FastifyRequest) => `clue:report:address:${req.ip}`,
    });
    const reportsPerId = limiter({
      max: limits.reportsPerIdNumber,
      timeWindow: 24 * HOUR,
      keyGenerator: (req: FastifyRequest) =>
        `clue:report:id:${hashed(
          String(body(req).idNumber ?? '')
            .trim()
            .toUpperCase(),
        )}`,
    });
    const statusPerAddress = limiter({
      max: limits.statusPerAddress,
      timeWindow: HOUR,
      keyGenerator: (req: FastifyRequest) => `clue:status:address:${req.ip}`,
    });
    const statusPerReference = limiter({
      max: limits.statusPerReference,
      timeWindow: HOUR,
      keyGenerator: (req: FastifyRequest) =>
        `clue:status:ref:${String(body(req).reference ?? '')
          .trim()
          .toUpperCase()}`,
    });
    type Check = typeof reportsPerAddress;
    const enforce = async (
      req: FastifyRequest,
      reply: { header: (k: string, v: string) => unknown },
      checks: Check[],
    ) => {
      for (const check of checks) {
        const state = await check(req);
        if (!state.isAllowed && state.isExceeded) {
          reply.header('retry-after', String(state.ttlInSeconds));
          req.log.info({ clue: 'limited' }, 'clue request refused: too many');
          throw tooMany(state.ttlInSeconds);
        }
      }
    };

    app.get(
      '/public/clues/projects',
      {
        schema: {
          tags: ['public'],
          summary: '欠薪线索: the districts and the registered projects matching a name (no key)',
          description:
            'At most 20 projects whose name contains q (in the district when given), for the report form; and the ' +
            `${COMPLAINT_MAX_MONTHS} months the form offers (this month first, by the system's clock).`,
          security: [],
          querystring: z.object({
            q: z.string().trim().max(50).optional(),
            district: z.string().max(50).optional(),
          }),
          response: {
            200: z.object({
              districts: z.array(z.string()),
              months: z.array(z.string()),
              projects: z.array(z.object({ projectId: z.string(), name: z.string(), district: z.string() })),
            }),
          },
        },
      },
      async (req, reply) => {
        await enforce(req, reply, [statusPerAddress]);
        const q = req.query.q ?? '';
        const projects = q
          ? await deps.db.query<{ projectId: string; name: string; district: string }>(
              `SELECT project_id AS "projectId", name, district FROM inspection.projects
                WHERE strpos(name, $1) > 0 AND ($2::text IS NULL OR district = $2) ORDER BY name LIMIT 20`,
              [q, req.query.district ?? null],
            )
          : [];
        const thisMonth = periodOf(shanghaiDate(deps.clock.now()));
        const months = Array.from({ length: COMPLAINT_MAX_MONTHS }, (_, i) => addMonths(thisMonth, -i));
        return { districts: await knownDistricts(deps.db), months, projects };
      },
    );

    app.post(
      '/public/clues',
      {
        schema: {
          tags: ['public'],
          summary: '欠薪线索: a worker reports unpaid wages (no key; limited)',
          description:
            'On a registered project (projectId) the report is a `worker-complaint` finding at once and enters the case ' +
            'and the ladder; on a project the worker could not find (projectName and district) it waits for an inspector ' +
            `of the district to route it. 1 to ${COMPLAINT_MAX_MONTHS} months of the last two years; 400 names each field. ` +
            `${limits.reportsPerAddress} reports an hour per address, ${limits.reportsPerIdNumber} a day per ID number (429). ` +
            'The answer is the reference the worker asks about progress with, together with the phone given.',
          security: [],
          body: z.object({
            projectId: z.string().max(100).optional(),
            projectName: field.optional(),
            district: z.string().max(50).optional(),
            months: z.array(z.string().max(20)).max(50),
            amount: z.string().max(30),
            phone: z.string().max(30),
            name: z.string().max(100),
            idNumber: z.string().max(30),
            description: field.optional(),
          }),
          response: {
            201: z.object({
              reference: z.string(),
              receivedOn: z.string(),
              district: z.string(),
              projectName: z.string().nullable(),
              onProject: z
                .boolean()
                .describe('true: a finding on the project now; false: waiting to be routed'),
            }),
            400: problemSchema,
            429: problemSchema,
          },
        },
      },
      async (req, reply) => {
        await enforce(req, reply, [reportsPerAddress, reportsPerId]);
        const at = deps.clock.now();
        const checked = validateComplaint(req.body, shanghaiDate(at));
        if (!checked.ok) {
          req.log.info(
            { clue: 'refused', fields: checked.problems.map((p) => p.field) },
            'clue refused: invalid',
          );
          throw new ValidationError(
            `请核对：${checked.problems.map((p) => p.message).join('；')}`,
            checked.problems,
          );
        }
        const { clue, projectName } = await deps.outbox.unitOfWork(deps.db, (tx, emit) =>
          receiveClue(tx, emit, checked.complaint, at),
        );
        // The case opens now, not at the next sweep (a failure leaves the mark for the sweep).
        if (clue.project_id)
          await evaluateDirty(deps).catch((err) => req.log.warn({ err }, 'clue: case evaluation deferred'));
        req.log.info(
          {
            clue: 'received',
            reference: clue.reference,
            district: clue.district,
            onProject: !!clue.project_id,
          },
          'clue received',
        );
        reply.header('cache-control', 'no-store');
        return reply.code(201).send({
          reference: clue.reference,
          receivedOn: shanghaiDate(clue.received_at),
          district: clue.district,
          projectName,
          onProject: !!clue.project_id,
        });
      },
    );

    app.post(
      '/public/clues/status',
      {
        schema: {
          tags: ['public'],
          summary:
            "欠薪线索: a report's progress and the inspectors' answers, by reference and phone (no key; limited)",
          description: `404 when nothing matches, the same for an unknown reference and a wrong phone. ${limits.statusPerAddress} an hour per address, ${limits.statusPerReference} per reference.`,
          security: [],
          body: z.object({ reference: z.string().max(40), phone: z.string().max(30) }),
          response: { 200: clueStatus, 400: problemSchema, 404: problemSchema, 429: problemSchema },
        },
      },
      async (req, reply) => {
        await enforce(req, reply, [statusPerAddress, statusPerReference]);
        const reference = req.body.reference.trim().toUpperCase();
        const phone = req.body.phone.replace(/[\s-]/g, '');
        if (!CLUE_REFERENCE.test(reference))
          throw new ValidationError('受理编号格式不正确，例如 XS20261207-7KQ2MD (malformed reference)', [
            { field: 'reference', message: '受理编号格式不正确' },
          ]);
        const [row] = await deps.db.query<{ clue_id: string }>(
          'SELECT clue_id FROM inspection.clues WHERE reference = $1 AND phone = $2',
          [reference, phone],
        );
        const clue = row ? await loadClue(deps.db, row.clue_id) : undefined;
        if (!clue) {
          req.log.info({ clue: 'status-no-match' }, 'clue status: nothing matches');
          throw new NotFoundError(NOT_FOUND);
        }
        const answers = await clueAnswers(deps.db, clue.clue_id);
        req.log.info({ clue: 'status', reference }, 'clue status answered');
        reply.header('cache-control', 'no-store');
        return {
          reference: clue.reference,
          receivedOn: shanghaiDate(clue.received_at),
          projectName: clue.project_name ?? clue.project_text,
          district: clue.district,
          months: clue.months,
          amount: formatFen(BigInt(clue.amount_fen)),
          status: clue.status,
          answers: answers.map((a) => ({
            on: shanghaiDate(a.at),
            outcome: a.outcome,
            outcomeZh: CLUE_OUTCOME_ZH[a.outcome],
            text: a.text,
          })),
        };
      },
    );
  };
}
