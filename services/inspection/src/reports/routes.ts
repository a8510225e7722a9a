import {
  DEFAULT_CAMPAIGN_CONFIG,
  lastEndedPeriod,
  type ReportPeriod,
  reportPeriod,
  shanghaiDate,
  WINTER_PERIOD,
  winterCampaign,
  winterReportPeriod,
} from '@wagewatch/domain';
import { ForbiddenError, type Principal, principalOf, ValidationError } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type InspectionContext, problems } from '../context.ts';
import { documentHtml } from '../orders/html.ts';
import { DEFAULT_DOCUMENT_CONFIG, type DocumentConfig } from '../orders/repository.ts';
import { bulletin } from './bulletin.ts';
import { bulletinBlocks, bulletinTitle, bulletinXlsx } from './render.ts';

const query = z.object({
  period: z
    .string()
    .optional()
    .describe(
      'a month `2026-11`, a quarter `2026-Q4`, or a winter campaign `winter-2026-27` (its progress while it runs, ' +
        'its closing report after the eve of the Spring Festival); default the last month that has ended',
    ),
  district: z
    .string()
    .optional()
    .describe("one district; absent: the city (an inspector's districts must be all)"),
});

/** The bulletin's scope: an inspector reads their districts' and, covering all, the city's. */
function assertMayRead(principal: Principal, district: string | undefined): void {
  if (principal.role === 'admin') return;
  if (principal.role !== 'inspector') throw new ForbiddenError('bulletins are the bureau’s: for inspectors');
  if (principal.districts === 'all') return;
  if (!district)
    throw new ForbiddenError('the city’s bulletin needs a key covering every district; name your district');
  if (!principal.districts.includes(district))
    throw new ForbiddenError(`your key does not cover district ${district}`);
}

/**
 * 月度/季度通报 for a district or the city: JSON, an XLSX workbook and a printable A4 page. A past
 * period is counted as of its end and is the same whenever it is asked for; the current one is
 * marked provisional.
 */
export function reportRoutes(deps: InspectionContext & { documents?: DocumentConfig }): FastifyPluginAsync {
  const config = deps.documents ?? DEFAULT_DOCUMENT_CONFIG;
  const authorityOf = (district: string | null) =>
    district
      ? config.authority.replaceAll('{district}', district)
      : config.authority.replaceAll('{district}', '');
  const campaigns = deps.campaigns ?? DEFAULT_CAMPAIGN_CONFIG;
  /** `winter-2026-27`: the campaign that starts in 2026, as the calendar places its end. */
  const winterPeriod = (key: string): ReportPeriod => {
    const startYear = WINTER_PERIOD.exec(key)![1];
    const campaign = winterCampaign(
      `${startYear}-${campaigns.winter.startMonthDay}`,
      deps.calendar,
      campaigns,
    );
    const period = winterReportPeriod(campaign);
    if (!period || period.key !== key)
      throw new ValidationError(
        `period ${key}: ${campaign.warnings.join('; ') || 'no such winter campaign (the season after winter- is e.g. 2026-27)'}`,
      );
    return period;
  };
  const load = async (principal: Principal, q: z.infer<typeof query>) => {
    assertMayRead(principal, q.district);
    const now = deps.clock.now();
    const key = q.period ?? lastEndedPeriod('month', shanghaiDate(now));
    const period = WINTER_PERIOD.test(key) ? winterPeriod(key) : reportPeriod(key);
    if (!period)
      throw new ValidationError(
        `period: ${JSON.stringify(key)} is neither a month (2026-11), a quarter (2026-Q4) nor a winter campaign (winter-2026-27)`,
      );
    if (period.from > now) throw new ValidationError(`period ${key} has not begun`);
    return bulletin(deps.db, period, q.district ?? null, now);
  };
  const qs = (b: { period: string; district: string | null }) =>
    `period=${encodeURIComponent(b.period)}${b.district ? `&district=${encodeURIComponent(b.district)}` : ''}`;

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/reports/bulletin',
      {
        schema: {
          tags: ['campaigns'],
          summary:
            '月度/季度通报 of a district or the city: projects, findings by rule, cases, orders, referrals, wages recovered',
          querystring: query,
          response: { 200: z.record(z.string(), z.unknown()), ...problems },
        },
      },
      async (req) => {
        const b = await load(principalOf(req), req.query);
        return {
          ...b,
          title: bulletinTitle(b),
          xlsxUrl: `/v1/reports/bulletin.xlsx?${qs(b)}`,
          printUrl: `/v1/reports/bulletin/print?${qs(b)}`,
        };
      },
    );
    app.get(
      '/v1/reports/bulletin.xlsx',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'The bulletin as an XLSX workbook (主要指标, 问题分类, 分区情况)',
          querystring: query,
          produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        },
      },
      async (req, reply) => {
        const b = await load(principalOf(req), req.query);
        const name = `${bulletinTitle(b)}.xlsx`;
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('cache-control', 'private, no-store')
          .header(
            'content-disposition',
            `attachment; filename="bulletin-${b.period}${b.district ? '' : '-city'}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
          )
          .send(await bulletinXlsx(b, authorityOf(b.district)));
      },
    );
    app.get(
      '/v1/reports/bulletin/print',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'The bulletin as a printable A4 page (text/html)',
          querystring: query,
          produces: ['text/html'],
        },
      },
      async (req, reply) => {
        const b = await load(principalOf(req), req.query);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .header('cache-control', 'private, no-store')
          .send(
            documentHtml(bulletinTitle(b), bulletinBlocks(b, authorityOf(b.district)), [
              { href: `/v1/reports/bulletin.xlsx?${qs(b)}`, label: '下载 Excel' },
            ]),
          );
      },
    );
  };
}
