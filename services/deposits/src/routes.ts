import {
  findingSnapshot,
  localDateString,
  signedTotalYuanString,
  totalYuanString,
  yuanString,
} from '@wagewatch/contracts';
import {
  compareDates,
  coverTermsOf,
  depositHoldings,
  formatFen,
  type LocalDate,
  shanghaiDate,
} from '@wagewatch/domain';
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
import { depositsDashboardRoutes } from './dashboard.ts';
import { findingIdOf } from './findings.ts';
import { loadDepositState } from './state.ts';
import { type DepositsContext, sweep } from './sweep.ts';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
/** A yuan total that may be negative (a reason's effect, net cash after a draw on a guarantee). */
const signedYuan = signedTotalYuanString;

export const depositViewSchema = z.object({
  projectId: z.string(),
  policy: z.object({ id: z.string(), name: z.string() }),
  asOf: z.string().describe('the instant the figures are taken at'),
  required: z.object({
    amount: totalYuanString,
    exempt: z.boolean(),
    reasons: z.array(
      z.object({
        code: z.string(),
        text: z.string(),
        effect: signedYuan.optional().describe('what this step changed, in yuan'),
      }),
    ),
  }),
  held: z.object({
    cash: signedYuan,
    guarantees: z.array(
      z.object({
        guaranteeNo: z.string(),
        amount: yuanString,
        validFrom: localDateString,
        validTo: localDateString,
        issuer: z.string().optional(),
        status: z.enum(['valid', 'not-yet-valid', 'expired', 'cancelled']),
        counts: z
          .boolean()
          .describe(
            'whether it counts as deposit cover: at least the required amount, valid at least one year and no shorter than the contract term',
          ),
        reason: z.string().optional().describe('why it does not count, when it does not'),
      }),
    ),
    total: totalYuanString.describe('cash plus the guarantees valid today that count as cover'),
  }),
  shortfall: totalYuanString,
  nextExpiry: localDateString.optional().describe('the earliest validTo of a guarantee not yet expired'),
  openFindings: z.array(findingSnapshot),
});
export type DepositView = z.infer<typeof depositViewSchema>;

const transitionSummary = z.object({
  findingId: z.string(),
  projectId: z.string(),
  rule: z.string(),
  key: z.string(),
});

export function depositsRoutes(deps: DepositsContext & { clock: Clock }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    await depositsDashboardRoutes(deps)(root, {});

    app.get(
      '/v1/projects/:projectId/deposit',
      {
        schema: {
          tags: ['projects'],
          summary:
            "A project's wage-guarantee deposit: the required amount with its reasons, what is held, the shortfall",
          description:
            'Admin; an inspector of the project district; the project manager of the project. Banks: 403.',
          params: z.object({ projectId: z.string() }),
          response: { 200: depositViewSchema, ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        if (principal.role === 'bank') throw new ForbiddenError('banks do not read deposit positions');
        const { projectId } = req.params;
        const asOf = deps.clock.now();
        const loaded = await loadDepositState(deps.db, projectId, asOf, deps.policy);
        if (!loaded) throw new NotFoundError(`project ${projectId} is not known to the deposits service`);
        if (!canSeeProject(principal, { projectId, district: loaded.district })) {
          throw new ForbiddenError(`your key does not cover project ${projectId}`);
        }
        const { required } = loaded.state;
        const requiredFen = required.exempt ? 0n : required.amountFen;
        const h = depositHoldings(loaded.state.events, asOf, coverTermsOf(loaded.state));
        const today = shanghaiDate(asOf);
        const status = (g: (typeof h.guarantees)[number]) =>
          g.cancelled
            ? ('cancelled' as const)
            : compareDates(today, g.validTo) > 0
              ? ('expired' as const)
              : compareDates(today, g.validFrom) < 0
                ? ('not-yet-valid' as const)
                : ('valid' as const);
        const live = h.guarantees
          .filter((g) => !g.cancelled && compareDates(today, g.validTo) <= 0)
          .map((g) => g.validTo)
          .sort();
        const nextExpiry: LocalDate | undefined = live[0];
        const open = await deps.db.query<{ snapshot: z.infer<typeof findingSnapshot> }>(
          `SELECT snapshot FROM deposits.findings WHERE project_id = $1 AND status = 'open' ORDER BY rule, finding_id`,
          [projectId],
        );
        return {
          projectId,
          policy: { id: deps.policy.id, name: deps.policy.name },
          asOf: asOf.toISOString(),
          required: {
            amount: formatFen(requiredFen),
            exempt: required.exempt,
            reasons: required.reasons.map((r) => ({
              code: r.code,
              text: r.text,
              ...(r.effectFen !== undefined ? { effect: formatFen(r.effectFen) } : {}),
            })),
          },
          held: {
            cash: formatFen(h.cashFen),
            guarantees: h.guarantees.map((g) => ({
              guaranteeNo: g.guaranteeNo,
              amount: formatFen(g.amountFen),
              validFrom: g.validFrom,
              validTo: g.validTo,
              ...(g.issuer !== undefined ? { issuer: g.issuer } : {}),
              status: status(g),
              counts: g.counts,
              ...(g.reason !== undefined ? { reason: g.reason } : {}),
            })),
            total: formatFen(h.heldFen),
          },
          shortfall: formatFen(requiredFen > h.heldFen ? requiredFen - h.heldFen : 0n),
          ...(nextExpiry ? { nextExpiry } : {}),
          openFindings: open.map((r) => r.snapshot),
        };
      },
    );
  };
}

/**
 * The deposits process's own admin sweep (distributed mode). In the embedded system the
 * ledger's `POST /v1/admin/sweep` runs this sweep too, so this route is not mounted there.
 */
export function depositsAdminRoutes(deps: DepositsContext & { clock: Clock }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/v1/admin/deposits/sweep',
      {
        schema: {
          tags: ['admin'],
          summary: 'Run the deposit rules as of an instant (default now; monotonic)',
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
        return summarize(await sweep(deps, asOf));
      },
    );
  };
}

/** A sweep's transitions as the sweep endpoints list them. */
export function summarize(result: Awaited<ReturnType<typeof sweep>>) {
  const pick = (kind: 'raised' | 'updated' | 'resolved') =>
    result.results.flatMap((r) =>
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
}
