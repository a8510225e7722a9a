import { localDateString, type ProjectRegistered, periodString, yuanString } from '@wagewatch/contracts';
import type { Database } from '@wagewatch/db';
import {
  addMonths,
  comparePeriods,
  dayOfWeek,
  dueDateFor,
  endOfShanghaiDay,
  formatFen,
  type LocalDate,
  nextPayDate,
  type Period,
  parseYuan,
  payDateRule,
  periodOf,
  shanghaiDate,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { type Clock, NotFoundError, problemSchema } from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type WageLookupLimits, wageLookupRoutes } from './wage-lookup.ts';
import { wageLookupPage } from './wage-lookup-page.ts';

/**
 * The public notice of wage payment (工资发放公示): what a site's rights-protection board
 * (维权信息告示牌, Decree 724 Art 34) must show, unauthenticated, as JSON and as a printable
 * A4 page. Organisations (owner, contractor) are named with their credit codes; no worker is:
 * last month's wages are shown as counts only.
 */

/**
 * Configuration, not law: the figures the board falls back to when the registration does not
 * give them. The minimum wages are Sichuan's monthly bands as applied to Panzhihua's districts
 * and counties; check them against the provincial notice in force before relying on them.
 */
export type NoticeConfig = {
  city: string;
  /** Monthly minimum wage in yuan by district (四川省最低工资标准, by band). */
  minimumWageByDistrict: Readonly<Record<string, string>>;
  /** The complaint channels a board shows when the registration names none. */
  defaultComplaintChannels: (district: string) => string[];
};

export const DEFAULT_NOTICE_CONFIG: NoticeConfig = {
  city: '攀枝花市',
  minimumWageByDistrict: {
    东区: '2100.00',
    西区: '2100.00',
    仁和区: '2100.00',
    米易县: '1970.00',
    盐边县: '1970.00',
  },
  defaultComplaintChannels: (district) => [
    '12333 劳动保障监察举报投诉电话',
    `攀枝花市${district}人力资源和社会保障局 劳动保障监察`,
  ],
};

const PAYMENT_STATUSES = ['paid-in-full', 'not-paid-in-full', 'pending', 'no-payroll'] as const;
type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const partyView = z.object({ name: z.string(), creditCode: z.string() });
export const publicNoticeSchema = z
  .object({
    projectId: z.string(),
    name: z.string(),
    city: z.string(),
    district: z.string(),
    owner: partyView,
    contractor: partyView,
    labourOfficer: z.object({ name: z.string(), phone: z.string() }).nullable(),
    minimumWage: z
      .object({
        monthly: yuanString,
        source: z.enum(['registration', 'district-configuration']),
      })
      .nullable()
      .describe('yuan per month; null when neither the registration nor the configuration gives it'),
    payDate: z.object({
      payDay: z.number(),
      payMonthOffset: z.number(),
      rule: z.string(),
      ruleEn: z.string(),
      next: z.object({
        period: periodString.describe('the month whose wages are paid then'),
        nominal: localDateString,
        due: localDateString.describe('the working day the wages are due (nominal, or brought forward)'),
        movedForward: z.boolean(),
        warnings: z.array(z.string()),
      }),
    }),
    lastMonth: z
      .object({
        period: periodString,
        dueDate: localDateString,
        status: z.enum(PAYMENT_STATUSES),
        workersOnSheet: z.number().int(),
        workersPaidInFull: z.number().int().nullable(),
        workersNotPaidInFull: z.number().int().nullable(),
        workersPaidLate: z.number().int().nullable(),
      })
      .nullable()
      .describe('the last month whose wages were due by today; counts only, no person named'),
    complaintChannels: z.array(z.string()),
    asOf: z.string(),
    evaluatedAsOf: z.string().nullable(),
  })
  .describe('Public notice of wage payment (工资发放公示), Decree 724 Art 34');
export type PublicNotice = z.infer<typeof publicNoticeSchema>;

/** The pay-date rule's text and the next pay date are the domain's (packages/domain calendar.ts). */
export { nextPayDate, payDateRule };

/** The last month whose wages were due (the due date's end passed) by `asOf`; undefined if none yet. */
export function lastDuePeriod(
  asOf: Date,
  terms: Pick<ProjectRegistered, 'payDay' | 'payMonthOffset' | 'startDate'>,
  calendar: WorkingDayCalendar,
): { period: Period; due: LocalDate } | undefined {
  const start = periodOf(terms.startDate);
  let period = addMonths(periodOf(shanghaiDate(asOf)), -terms.payMonthOffset + 1);
  for (let i = 0; i < 6 && comparePeriods(period, start) >= 0; i++, period = addMonths(period, -1)) {
    const { due } = dueDateFor(
      { period, payDay: terms.payDay, payMonthOffset: terms.payMonthOffset },
      calendar,
    );
    if (endOfShanghaiDay(due) <= asOf) return { period, due };
  }
  return undefined;
}

/**
 * Last month's payment as the ledger knows it. The ledger judges a month once its due date has
 * passed at its evaluation instant and the bank's statement for the due date has arrived;
 * until then the month is `pending`. Workers not paid in full are those with an open
 * wages-missed or wages-short finding for the month (one each, however many findings).
 */
async function lastMonthPayment(
  db: Database,
  project: { projectId: string; accountNo: string },
  month: { period: Period; due: LocalDate },
  evaluatedAsOf: Date | undefined,
): Promise<NonNullable<PublicNotice['lastMonth']>> {
  const [sheet] = await db.query<{ sheet_id: string }>(
    `SELECT sheet_id FROM ledger.payroll_sheets WHERE project_id = $1 AND period = $2 AND parts_received >= parts
     ORDER BY version DESC LIMIT 1`,
    [project.projectId, month.period],
  );
  const base = { period: month.period, dueDate: month.due };
  const unknown = { workersPaidInFull: null, workersNotPaidInFull: null, workersPaidLate: null };
  if (!sheet) return { ...base, status: 'no-payroll', workersOnSheet: 0, ...unknown };
  const [lines] = await db.query<{ n: bigint | number }>(
    'SELECT count(DISTINCT id_number) AS n FROM ledger.payroll_lines WHERE sheet_id = $1',
    [sheet.sheet_id],
  );
  const workersOnSheet = Number(lines?.n ?? 0);
  const [statement] = await db.query<{ d: string }>(
    'SELECT statement_date::text AS d FROM ledger.statements WHERE account_no = $1 AND statement_date = $2',
    [project.accountNo, month.due],
  );
  if (!statement || !evaluatedAsOf || evaluatedAsOf < endOfShanghaiDay(month.due))
    return { ...base, status: 'pending', workersOnSheet, ...unknown };
  const [counts] = await db.query<{ unpaid: bigint | number; late: bigint | number }>(
    `SELECT count(DISTINCT record->'worker'->>'idNumber') FILTER (WHERE status = 'open' AND rule IN ('wages-missed', 'wages-short')) AS unpaid,
            count(DISTINCT record->'worker'->>'idNumber') FILTER (WHERE rule = 'wages-late') AS late
     FROM ledger.findings WHERE project_id = $1 AND record->>'period' = $2 AND rule IN ('wages-missed', 'wages-short', 'wages-late')`,
    [project.projectId, month.period],
  );
  const notPaid = Math.min(Number(counts?.unpaid ?? 0), workersOnSheet);
  const status: PaymentStatus = notPaid > 0 ? 'not-paid-in-full' : 'paid-in-full';
  return {
    ...base,
    status,
    workersOnSheet,
    workersPaidInFull: workersOnSheet - notPaid,
    workersNotPaidInFull: notPaid,
    workersPaidLate: Number(counts?.late ?? 0),
  };
}

/** The notice of one project as of now, or undefined for a project the ledger does not know. */
export async function loadPublicNotice(
  deps: { db: Database; clock: Clock; calendar: WorkingDayCalendar; config: NoticeConfig },
  projectId: string,
): Promise<PublicNotice | undefined> {
  const [p] = await deps.db.query<{ terms: ProjectRegistered; district: string; account_no: string }>(
    'SELECT terms, district, account_no FROM ledger.projects WHERE project_id = $1',
    [projectId],
  );
  if (!p) return undefined;
  const { terms } = p;
  const [clockRow] = await deps.db.query<{ as_of: Date }>(
    'SELECT as_of FROM ledger.evaluation_clock WHERE id = 1',
  );
  const now = deps.clock.now();
  const today = shanghaiDate(now);
  const rule = payDateRule(terms.payDay, terms.payMonthOffset);
  const month = lastDuePeriod(now, terms, deps.calendar);
  const configuredWage = deps.config.minimumWageByDistrict[p.district];
  return {
    projectId,
    name: terms.name,
    city: deps.config.city,
    district: p.district,
    owner: { name: terms.owner.name, creditCode: terms.owner.creditCode },
    contractor: { name: terms.contractor.name, creditCode: terms.contractor.creditCode },
    labourOfficer: terms.labourOfficer
      ? { name: terms.labourOfficer.name, phone: terms.labourOfficer.phone }
      : null,
    minimumWage: terms.minimumWage
      ? { monthly: formatFen(parseYuan(terms.minimumWage)), source: 'registration' }
      : configuredWage
        ? { monthly: configuredWage, source: 'district-configuration' }
        : null,
    payDate: {
      payDay: terms.payDay,
      payMonthOffset: terms.payMonthOffset,
      rule: rule.zh,
      ruleEn: rule.en,
      next: nextPayDate(today, terms, deps.calendar),
    },
    lastMonth: month
      ? await lastMonthPayment(deps.db, { projectId, accountNo: p.account_no }, month, clockRow?.as_of)
      : null,
    complaintChannels: terms.complaintChannels?.length
      ? terms.complaintChannels
      : deps.config.defaultComplaintChannels(p.district),
    asOf: now.toISOString(),
    evaluatedAsOf: clockRow?.as_of.toISOString() ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// The page

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'] as const;
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** '2026年12月15日（星期二）' */
export function chineseDate(d: LocalDate, withWeekday = true): string {
  const [y, m, day] = d.split('-').map(Number);
  const w = dayOfWeek(d);
  return `${y}年${m}月${day}日${withWeekday ? `（星期${WEEKDAYS[w]}）` : ''}`;
}
/** An instant as '2026-11-29 10:00' in Asia/Shanghai (UTC+8 all year). */
const shanghaiTime = (iso: string) => {
  const d = new Date(iso);
  return `${shanghaiDate(d)} ${new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(11, 16)}`;
};
const chineseMonth = (p: Period) => `${Number(p.slice(0, 4))}年${Number(p.slice(5, 7))}月`;

/** '2100.00' → '¥2,100.00' */
const yuanDisplay = (s: string) => {
  const [whole = '0', cents = '00'] = s.split('.');
  return `¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
};

const STATUS_LABEL: Record<PaymentStatus, { zh: string; en: string; tone: 'ok' | 'bad' | 'wait' }> = {
  'paid-in-full': { zh: '已足额发放', en: 'Paid in full', tone: 'ok' },
  'not-paid-in-full': { zh: '未足额发放', en: 'Not paid in full', tone: 'bad' },
  pending: { zh: '待银行流水核实', en: 'Awaiting the bank statement', tone: 'wait' },
  'no-payroll': { zh: '未报送工资表', en: 'No payroll sheet submitted', tone: 'bad' },
};

const en = (s: string) => `<span class="en" lang="en">${escapeHtml(s)}</span>`;
const row = (zh: string, enLabel: string, value: string) =>
  `<tr><th scope="row">${escapeHtml(zh)}${en(enLabel)}</th><td>${value}</td></tr>`;

function lastMonthHtml(m: PublicNotice['lastMonth']): string {
  if (!m) return `<p class="muted">尚无到期应发的工资。${en('No wages have fallen due yet.')}</p>`;
  const label = STATUS_LABEL[m.status];
  const figure = (value: number | null, zh: string, enLabel: string, cls: string, id: string) =>
    `<div class="figure ${cls}"><span class="num" data-testid="${id}">${value === null ? '—' : value}</span><span class="cap">${escapeHtml(zh)}${en(enLabel)}</span></div>`;
  return `<p class="period">${escapeHtml(chineseMonth(m.period))}工资，应于${escapeHtml(chineseDate(m.dueDate))}前发放
    ${en(`Wages for ${m.period}, due ${m.dueDate}`)}</p>
    <p class="status ${label.tone}" data-testid="status"><strong>${escapeHtml(label.zh)}</strong>${en(label.en)}</p>
    <div class="figures">
      ${figure(m.workersOnSheet, '工资表人数', 'Workers on the payroll', '', 'workers-on-sheet')}
      ${figure(m.workersPaidInFull, '已足额发放', 'Paid in full', 'ok', 'workers-paid')}
      ${figure(m.workersNotPaidInFull, '未足额发放', 'Not (yet) paid in full', m.workersNotPaidInFull ? 'bad' : '', 'workers-unpaid')}
    </div>
    ${m.workersPaidLate ? `<p class="muted">其中迟延发放后已付清 ${m.workersPaidLate} 人。${en(`${m.workersPaidLate} paid in full after the due date.`)}</p>` : ''}
    ${m.status === 'pending' ? `<p class="muted">银行专用账户流水到达并核对后更新。${en('Updated once the bank statement of the wage account has been checked.')}</p>` : ''}`;
}

/** The board as a self-contained page: inline styles, no scripts, no external assets; A4 when printed. */
export function renderNoticeHtml(n: PublicNotice): string {
  const next = n.payDate.next;
  const channels = n.complaintChannels
    .map((c) => {
      const hotline = /^12333\b/.test(c);
      return `<li${hotline ? ' class="hotline"' : ''}>${escapeHtml(c)}</li>`;
    })
    .join('');
  const wage = n.minimumWage
    ? `<strong>${escapeHtml(yuanDisplay(n.minimumWage.monthly))}</strong> 元/月 ${en('per month')}${
        n.minimumWage.source === 'district-configuration'
          ? `<span class="note">（${escapeHtml(n.district)}标准 ${en('district standard')}）</span>`
          : ''
      }`
    : `请向当地人社部门咨询 ${en('Ask the local human resources bureau')}`;
  const officer = n.labourOfficer
    ? `${escapeHtml(n.labourOfficer.name)}　<a href="tel:${escapeHtml(n.labourOfficer.phone.replace(/[^0-9+]/g, ''))}">${escapeHtml(n.labourOfficer.phone)}</a>`
    : `未登记 ${en('Not registered')}`;
  const party = (p: { name: string; creditCode: string }) =>
    `${escapeHtml(p.name)}<span class="code">统一社会信用代码 ${escapeHtml(p.creditCode)}</span>`;
  const w = dayOfWeek(next.due);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>工资发放公示 · ${escapeHtml(n.name)}</title>
<style>
  @page { size: A4; margin: 10mm; }
  * { box-sizing: border-box; }
  html { background: #e9ecef; }
  body { margin: 0; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #111; line-height: 1.45; }
  .board { max-width: 190mm; margin: 16px auto; background: #fff; border: 6px solid #b3141c; outline: 2px solid #b3141c; outline-offset: 4px; }
  header { background: #b3141c; color: #fff; text-align: center; padding: 14px 16px 12px; }
  header h1 { margin: 0; font-size: 34px; letter-spacing: 0.3em; }
  header p { margin: 4px 0 0; font-size: 18px; }
  .en { display: block; font-size: 11px; font-weight: normal; color: #555; letter-spacing: 0; }
  header .en { color: #f6d6d7; font-size: 12px; }
  section { padding: 10px 18px; border-top: 1px solid #ddd; }
  section:first-of-type { border-top: 0; }
  h2 { margin: 0 0 6px; font-size: 19px; color: #b3141c; border-left: 5px solid #b3141c; padding-left: 8px; }
  h2 .en { display: inline; margin-left: 8px; }
  table { width: 100%; border-collapse: collapse; font-size: 16px; }
  th, td { text-align: left; vertical-align: top; padding: 5px 6px; border-bottom: 1px dotted #ccc; }
  th { width: 32%; font-weight: 600; }
  tr:last-child th, tr:last-child td { border-bottom: 0; }
  .code { display: block; font-size: 12px; color: #444; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
  .note { font-size: 13px; color: #444; }
  .note .en { display: inline; }
  a { color: inherit; }
  .pay { display: flex; gap: 16px; align-items: stretch; }
  .pay .next { flex: 0 0 38%; border: 2px solid #1d4e89; border-radius: 6px; text-align: center; padding: 8px; }
  .pay .next .date { font-size: 26px; font-weight: 700; color: #1d4e89; }
  .pay .rule { flex: 1; font-size: 16px; }
  .period { margin: 0 0 4px; font-size: 16px; }
  .status { display: inline-block; margin: 2px 0 8px; padding: 3px 14px; border-radius: 4px; font-size: 18px; }
  .status .en { display: inline; margin-left: 8px; }
  .status.ok { background: #e3f4e6; color: #11642a; }
  .status.bad { background: #fde4e4; color: #9c1018; }
  .status.wait { background: #fff4d6; color: #6b4d00; }
  .figures { display: flex; gap: 12px; }
  .figure { flex: 1; text-align: center; border: 1px solid #ccc; border-radius: 6px; padding: 6px; }
  .figure .num { display: block; font-size: 40px; font-weight: 700; line-height: 1.1; }
  .figure .cap { font-size: 15px; }
  .figure.ok .num { color: #11642a; }
  .figure.bad .num { color: #b3141c; }
  .muted { color: #444; font-size: 14px; margin: 6px 0 0; }
  ul.channels { margin: 0; padding-left: 1.3em; font-size: 17px; }
  ul.channels li.hotline { font-size: 24px; font-weight: 700; color: #b3141c; }
  footer { padding: 8px 18px 12px; font-size: 12px; color: #444; border-top: 1px solid #ddd; }
  @media print {
    html { background: #fff; }
    body { line-height: 1.35; }
    .board { margin: 0 auto; max-width: none; border-width: 4px; outline-offset: 2px; min-height: 268mm; display: flex; flex-direction: column; }
    footer { margin-top: auto; }
    header { padding: 8px 12px; }
    header h1 { font-size: 30px; }
    header p { font-size: 16px; }
    section { padding: 6px 14px; }
    h2 { font-size: 17px; margin-bottom: 4px; }
    table { font-size: 15px; }
    th, td { padding: 4px 6px; }
    .pay .next { padding: 4px; }
    .pay .next .date { font-size: 22px; }
    .pay .rule, .period { font-size: 14px; }
    .status { font-size: 16px; margin-bottom: 6px; }
    .figure { padding: 4px; }
    .figure .num { font-size: 32px; }
    ul.channels { font-size: 15px; }
    ul.channels li.hotline { font-size: 20px; }
    footer { padding: 6px 14px 8px; }
    header, .status, .figure { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  }
</style>
</head>
<body>
<main class="board" aria-labelledby="title">
  <header>
    <h1 id="title">维权信息告示牌</h1>
    <p>工资发放公示${en('Public notice of wage payment · Decree 724 Art 34')}</p>
  </header>
  <section aria-labelledby="s-project">
    <h2 id="s-project">项目信息${en('Project')}</h2>
    <table>
      ${row('项目名称', 'Project', `<strong data-testid="project-name">${escapeHtml(n.name)}</strong>`)}
      ${row('所在地', 'District', escapeHtml(`${n.city}${n.district}`))}
      ${row('建设单位', 'Owner', party(n.owner))}
      ${row('施工总承包单位', 'General contractor', party(n.contractor))}
      ${row('劳资专管员', 'Labour officer', officer)}
      ${row('当地最低工资标准', 'Local minimum wage', wage)}
    </table>
  </section>
  <section aria-labelledby="s-pay">
    <h2 id="s-pay">工资支付日${en('Pay date')}</h2>
    <div class="pay">
      <div class="next">
        <div>下次发薪日${en('Next pay date')}</div>
        <div class="date" data-testid="next-pay-date"><time datetime="${next.due}">${escapeHtml(chineseDate(next.due, false))}</time></div>
        <div>星期${WEEKDAYS[w]} ${en(`${WEEKDAYS_EN[w]} ${next.due}`)}</div>
        <div class="note">发放${escapeHtml(chineseMonth(next.period))}工资${next.movedForward ? `；原定${escapeHtml(chineseDate(next.nominal, false))}为休息日或节假日，提前发放` : ''}</div>
      </div>
      <div class="rule"><p style="margin:0">${escapeHtml(n.payDate.rule)}</p>${en(n.payDate.ruleEn)}</div>
    </div>
  </section>
  <section aria-labelledby="s-last">
    <h2 id="s-last">上月工资发放情况${en("Last month's wages")}</h2>
    ${lastMonthHtml(n.lastMonth)}
  </section>
  <section aria-labelledby="s-complaints">
    <h2 id="s-complaints">投诉举报渠道${en('Complaints')}</h2>
    <ul class="channels">${channels}</ul>
    <p class="muted">被拖欠工资可向劳资专管员反映，或通过以上渠道投诉举报。${en('If your wages are owed, tell the labour officer or use the channels above.')}</p>
    <p class="muted" data-testid="wage-lookup">本人工资凭身份证号和工资卡后六位查询：<a href="/public/wages.html">/public/wages.html</a>；被拖欠工资可在线反映：<a href="/public/clues.html">/public/clues.html</a>。${en('Your wages; report unpaid wages online.')}</p>
  </section>
  <footer>
    本公示依据《保障农民工工资支付条例》第三十四条设置，仅列人数，不含任何个人信息。数据截至 ${escapeHtml(shanghaiTime(n.asOf))}${n.evaluatedAsOf ? `，工资到账核对至 ${escapeHtml(shanghaiTime(n.evaluatedAsOf))}` : ''}（北京时间）。
    ${en(`Counts only, no personal data. As of ${shanghaiTime(n.asOf)}${n.evaluatedAsOf ? `; payments checked as of ${shanghaiTime(n.evaluatedAsOf)}` : ''} (UTC+8). Project ${n.projectId}.`)}
  </footer>
</main>
</body>
</html>
`;
}

const NOT_FOUND_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>未找到项目</title></head>
<body><h1>未找到该项目</h1><p lang="en">Project not found.</p></body></html>
`;

const CACHE = 'public, max-age=300';
const params = z.object({ projectId: z.string().min(1).max(64) });

/** `GET /public/projects/:projectId/notice` (JSON) and `.../notice.html`: no key needed. */
export function publicNoticeRoutes(deps: {
  db: Database;
  clock: Clock;
  calendar: WorkingDayCalendar;
  config?: NoticeConfig;
}): FastifyPluginAsync {
  const ctx = { ...deps, config: deps.config ?? DEFAULT_NOTICE_CONFIG };
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/public/projects/:projectId/notice',
      {
        schema: {
          tags: ['public'],
          summary: "A project's public notice of wage payment (工资发放公示); counts only, no key needed",
          security: [],
          params,
          response: { 200: publicNoticeSchema, 400: problemSchema, 404: problemSchema },
        },
      },
      async (req, reply) => {
        const notice = await loadPublicNotice(ctx, req.params.projectId);
        if (!notice) throw new NotFoundError(`project ${req.params.projectId} is not known`);
        reply.header('cache-control', CACHE);
        return notice;
      },
    );
    app.get(
      '/public/projects/:projectId/notice.html',
      {
        schema: {
          tags: ['public'],
          summary: 'The public notice as a printable A4 page (Chinese, English labels)',
          security: [],
          params,
          produces: ['text/html'],
        },
      },
      async (req, reply) => {
        const notice = await loadPublicNotice(ctx, req.params.projectId);
        reply
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .type('text/html; charset=utf-8');
        if (!notice) return reply.code(404).send(NOT_FOUND_HTML);
        return reply.header('cache-control', CACHE).send(renderNoticeHtml(notice));
      },
    );
  };
}

/** The ledger's routes with the public notice beside them (one plugin, as the hosts register it). */
export function withPublicNotice(
  routes: FastifyPluginAsync,
  deps: Parameters<typeof publicNoticeRoutes>[0] & { wageLookupLimits?: Partial<WageLookupLimits> },
): FastifyPluginAsync {
  const notice = publicNoticeRoutes(deps);
  const lookup = wageLookupRoutes({
    ...deps,
    ...(deps.wageLookupLimits ? { limits: deps.wageLookupLimits } : {}),
  });
  return async (app) => {
    await app.register(routes);
    await app.register(notice);
    // 工资查询 (issue 14 §5): the worker's own wages, and its page.
    await app.register(lookup);
    await app.register(wageLookupPage);
  };
}
