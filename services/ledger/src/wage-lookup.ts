import { createHash } from 'node:crypto';
import type { Database } from '@wagewatch/db';
import {
  dueDateFor,
  endOfShanghaiDay,
  evaluateProject,
  formatFen,
  type ObligationOutcome,
  RULE_DEFINITIONS,
  shanghaiDate,
  validateResidentId,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { AppError, type Clock, problemSchema, ValidationError } from '@wagewatch/runtime';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadProjectStates } from './state.ts';

/**
 * 工资查询 (issue 14 §5): a worker checks their own wages with their ID number and the last six
 * digits of the card registered for them, with no account. Only their own lines and payments;
 * an unknown ID and a wrong card get the same answer, so the page does not tell whether an ID is
 * registered; lookups are limited per address and per ID; each is logged without the ID.
 */

export type WageLookupLimits = {
  /** Lookups per window from one address. */
  perAddress: number;
  /** Lookups per window for one ID number (whatever the address): guessing six digits takes years. */
  perIdNumber: number;
  windowMs: number;
};
export const DEFAULT_WAGE_LOOKUP_LIMITS: WageLookupLimits = {
  perAddress: 30,
  perIdNumber: 6,
  windowMs: 3_600_000,
};

const NO_MATCH = '没有找到与这两项信息相符的工资记录：请核对身份证号和银行卡后六位 (no wage record matches)';

const month = z.object({
  projectName: z.string(),
  period: z.string(),
  dueDate: z.string(),
  owed: z.string(),
  paid: z.string(),
  lastPaidOn: z.string().nullable(),
  status: z.enum(['paid', 'paid-late', 'short', 'unpaid', 'not-yet-due']),
  openFindings: z.array(z.string()).describe('the open findings about this worker and month, by name'),
});
export const wageLookupAnswer = z.object({
  name: z.string().describe('masked: the family name and asterisks'),
  months: z.array(month),
  otherOpenFindings: z.array(z.object({ projectName: z.string(), finding: z.string() })),
});

const hashed = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const maskName = (n: string) => `${[...n][0] ?? ''}${'*'.repeat(Math.max(1, [...n].length - 1))}`;

export function wageLookupRoutes(deps: {
  db: Database;
  clock: Clock;
  calendar: WorkingDayCalendar;
  limits?: Partial<WageLookupLimits>;
}): FastifyPluginAsync {
  const { db, clock, calendar } = deps;
  const limits = { ...DEFAULT_WAGE_LOOKUP_LIMITS, ...deps.limits };
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const limiter = (root as unknown as FastifyInstance).createRateLimit;
    const perAddress = limiter({
      max: limits.perAddress,
      timeWindow: limits.windowMs,
      keyGenerator: (req: FastifyRequest) => `wage-lookup:address:${req.ip}`,
    });
    const perId = limiter({
      max: limits.perIdNumber,
      timeWindow: limits.windowMs,
      keyGenerator: (req: FastifyRequest) =>
        `wage-lookup:id:${hashed(String((req.body as { idNumber?: unknown } | undefined)?.idNumber ?? ''))}`,
    });
    const refuse = (after: number) =>
      new AppError(
        'rate-limited',
        429,
        'Too many requests',
        `查询过于频繁，请 ${Math.ceil(after / 60)} 分钟后再试 (too many lookups; retry after ${after} s)`,
      );

    app.post(
      '/public/wages/lookup',
      {
        schema: {
          tags: ['public'],
          summary:
            "工资查询: a worker's own wages by ID number and the card's last six digits (no key; limited)",
          description:
            'Per month on the payroll sheets of every project the worker is registered on: owed (the net on the sheet in ' +
            'effect), paid (the transfers to the registered card, as the findings allocate them), the last payment day, ' +
            'and the open findings about them. 404 when nothing matches, the same answer for an unknown ID and a wrong card. ' +
            `${limits.perAddress} lookups per address and ${limits.perIdNumber} per ID number an hour (429).`,
          security: [],
          body: z.object({
            idNumber: z.string().trim().toUpperCase().length(18, 'an ID number has 18 characters'),
            cardLast6: z.string().regex(/^\d{6}$/, 'the last six digits of the card'),
          }),
          response: { 200: wageLookupAnswer, 400: problemSchema, 404: problemSchema, 429: problemSchema },
        },
      },
      async (req, reply) => {
        for (const check of [perAddress, perId]) {
          const state = await check(req);
          if (!state.isAllowed && state.isExceeded) {
            reply.header('retry-after', String(state.ttlInSeconds));
            req.log.info({ wageLookup: 'limited' }, 'wage lookup refused: too many');
            throw refuse(state.ttlInSeconds);
          }
        }
        const { idNumber, cardLast6 } = req.body;
        const valid = validateResidentId(idNumber);
        if (!valid.ok)
          throw new ValidationError(`身份证号格式不正确 (the ID number ${valid.reason})`, [
            { field: 'idNumber', message: valid.reason },
          ]);
        const registered = await db.query<{ project_id: string; account_no: string; name: string }>(
          'SELECT project_id, account_no, name FROM ledger.workers WHERE id_number = $1',
          [idNumber],
        );
        const mine = registered.filter((w) => w.account_no.replace(/\D/g, '').endsWith(cardLast6));
        // Logged without the ID or the digits: whether it matched, and how much it showed.
        if (mine.length === 0) {
          req.log.info({ wageLookup: 'no-match' }, 'wage lookup: nothing matches');
          reply.code(404).type('application/problem+json');
          return reply.send({
            type: 'urn:wagewatch:problem:not-found',
            title: 'Not found',
            status: 404,
            detail: NO_MATCH,
          });
        }
        const now = clock.now();
        const states = await loadProjectStates(
          db,
          mine.map((w) => w.project_id),
        );
        const findings = await db.query<{ project_id: string; rule: string; period: string | null }>(
          `SELECT project_id, rule, record->>'period' AS period FROM ledger.findings
            WHERE project_id = ANY($1::text[]) AND status = 'open' AND record->'worker'->>'idNumber' = $2`,
          [mine.map((w) => w.project_id), idNumber],
        );
        const months: z.infer<typeof month>[] = [];
        const otherOpenFindings: { projectName: string; finding: string }[] = [];
        for (const w of mine) {
          const loaded = states.get(w.project_id);
          if (!loaded) continue;
          const { state } = loaded;
          const projectName = loaded.terms.name;
          const outcomes: ObligationOutcome[] = [];
          evaluateProject(state, now, calendar, undefined, {
            obligation: (o) => {
              if (o.idNumber === idNumber) outcomes.push(o);
            },
          });
          const open = findings.filter((f) => f.project_id === w.project_id);
          for (const o of outcomes.sort((a, b) => (a.period < b.period ? 1 : -1))) {
            const due = dueDateFor(
              {
                period: o.period,
                payDay: state.project.payDay,
                payMonthOffset: state.project.payMonthOffset,
              },
              calendar,
            ).due;
            const dueEnd = endOfShanghaiDay(due);
            const last = o.allocations.at(-1)?.transfer.bookedAt ?? null;
            const status =
              o.paid >= o.amountDue
                ? last && last >= dueEnd
                  ? 'paid-late'
                  : 'paid'
                : now < dueEnd
                  ? 'not-yet-due'
                  : o.paid > 0n
                    ? 'short'
                    : 'unpaid';
            months.push({
              projectName,
              period: o.period,
              dueDate: due,
              owed: formatFen(o.amountDue),
              paid: formatFen(o.paid),
              lastPaidOn: last ? shanghaiDate(last) : null,
              status,
              openFindings: open
                .filter((f) => f.period === o.period)
                .map(
                  (f) =>
                    (RULE_DEFINITIONS as Record<string, { nameZh: string } | undefined>)[f.rule]?.nameZh ??
                    f.rule,
                ),
            });
          }
          for (const f of open.filter((x) => !outcomes.some((o) => o.period === x.period)))
            otherOpenFindings.push({
              projectName,
              finding:
                (RULE_DEFINITIONS as Record<string, { nameZh: string } | undefined>)[f.rule]?.nameZh ??
                f.rule,
            });
        }
        req.log.info(
          { wageLookup: 'matched', projects: mine.length, months: months.length },
          'wage lookup: answered',
        );
        reply.header('cache-control', 'no-store');
        return { name: maskName(mine[0]!.name), months, otherOpenFindings };
      },
    );
  };
}
