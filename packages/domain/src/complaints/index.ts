import { addMonths, isPeriod, type LocalDate, type Period, periodOf } from '../dates.ts';
import { maskIdNumber, validateResidentId } from '../identifiers.ts';
import { formatFen, tryParseYuan } from '../money.ts';
import { RULE_DEFINITIONS, type Severity } from '../rules.ts';

/**
 * 欠薪线索 (issue 14 §5): a worker reports unpaid wages from the public page. What a report must
 * hold, the finding it becomes on a known project (`worker-complaint`, against the project's
 * general contractor, like every wage finding: 总包代发), and the inspector's answers the worker
 * reads back. Storage, numbering and the page are the inspection service's.
 */

/** At most this many months in one report; older than COMPLAINT_MAX_AGE_MONTHS is refused. */
export const COMPLAINT_MAX_MONTHS = 12;
/**
 * 劳动保障监察条例 Art 20: a violation neither found nor reported within two years is not
 * investigated; months older than that are refused with that reason.
 */
export const COMPLAINT_MAX_AGE_MONTHS = 24;
/** One worker's wages: a claim above this (yuan) is a typing error, not a report. */
export const COMPLAINT_MAX_FEN = 100_000_000n; // ¥1,000,000.00

export type ComplaintInput = {
  /** A registered project, chosen from the page's search… */
  projectId?: string | undefined;
  /** …or, when the worker cannot find it, its name (or address) as they know it and its district. */
  projectName?: string | undefined;
  district?: string | undefined;
  months: readonly string[];
  /** Yuan as typed: '12000', '12,000.50', '¥12000'. */
  amount: string;
  phone: string;
  name: string;
  idNumber: string;
  description?: string | undefined;
};

export type Complaint = {
  projectId: string | null;
  projectName: string | null;
  district: string | null;
  /** Distinct, oldest first. */
  months: Period[];
  amountFen: bigint;
  /** Digits only. */
  phone: string;
  name: string;
  idNumber: string;
  description: string;
};

export type ComplaintProblem = { field: string; message: string };
export type ComplaintResult =
  | { ok: true; complaint: Complaint }
  | { ok: false; problems: ComplaintProblem[] };

const MOBILE = /^1[3-9]\d{9}$/;
/** A landline with its area code: 0 and 9 to 11 more digits (0812-3334567, 010-12345678). */
const LANDLINE = /^0\d{9,11}$/;

/** Checks a report field by field (every problem at once, in Chinese: the worker reads them). */
export function validateComplaint(input: ComplaintInput, today: LocalDate): ComplaintResult {
  const problems: ComplaintProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });

  const name = (input.name ?? '').trim();
  if (!name) bad('name', '请填写姓名');
  else if ([...name].length > 30 || /\d/.test(name)) bad('name', '姓名格式不正确');

  const idNumber = (input.idNumber ?? '').trim().toUpperCase();
  const id = validateResidentId(idNumber, today);
  if (!id.ok) bad('idNumber', `身份证号不正确（${id.reason}）`);

  const phone = (input.phone ?? '').replace(/[\s-]/g, '');
  if (!MOBILE.test(phone) && !LANDLINE.test(phone))
    bad('phone', '请填写能联系到您的手机号（11 位）或带区号的固定电话');

  const projectId = input.projectId?.trim() || null;
  const projectName = input.projectName?.trim() || null;
  const district = input.district?.trim() || null;
  if (!projectId) {
    if (!projectName || [...projectName].length < 2) bad('projectName', '请选择项目，或填写项目名称或地址');
    else if ([...projectName].length > 100) bad('projectName', '项目名称不超过 100 个字');
    if (!district) bad('district', '请选择项目所在区县');
  }

  const thisMonth = periodOf(today);
  const oldest = addMonths(thisMonth, -COMPLAINT_MAX_AGE_MONTHS);
  const months = [...new Set((input.months ?? []).map((m) => String(m).trim()))].sort();
  if (months.length === 0) bad('months', '请选择被拖欠工资的月份');
  else if (months.length > COMPLAINT_MAX_MONTHS) bad('months', `一次最多反映 ${COMPLAINT_MAX_MONTHS} 个月`);
  else
    for (const m of months) {
      if (!isPeriod(m)) bad('months', `月份 ${m} 格式不正确（应为 2026-11）`);
      else if (m > thisMonth) bad('months', `月份 ${m} 还没有到`);
      else if (m < oldest)
        bad('months', `月份 ${m} 已超过两年（劳动保障监察条例第二十条），请通过劳动争议仲裁或诉讼解决`);
    }

  let amountFen = 0n;
  const amount = tryParseYuan(String(input.amount ?? ''));
  if (!amount.ok) bad('amount', '请填写被拖欠的金额（元），例如 12000 或 12000.50');
  else if (amount.fen <= 0n) bad('amount', '金额应大于 0');
  else if (amount.fen > COMPLAINT_MAX_FEN) bad('amount', '金额超过 1,000,000 元，请核对');
  else amountFen = amount.fen;

  const description = (input.description ?? '').trim();
  if ([...description].length > 500) bad('description', '情况说明不超过 500 个字');

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    complaint: {
      projectId,
      projectName: projectId ? null : projectName,
      district: projectId ? null : district,
      months: months as Period[],
      amountFen,
      phone,
      name,
      idNumber,
      description,
    },
  };
}

/** A clue's number: XS, the day received, six characters without look-alikes (0/O, 1/I). */
export const CLUE_REFERENCE = /^XS\d{8}-[2-9A-HJ-NP-Z]{6}$/;
export const CLUE_REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** `XS20261207-7KQ2MD` from the day received and six random indexes into the alphabet. */
export function clueReference(day: LocalDate, random: readonly number[]): string {
  const tail = random
    .slice(0, 6)
    .map((r) => CLUE_REFERENCE_ALPHABET[r % CLUE_REFERENCE_ALPHABET.length])
    .join('');
  return `XS${day.replaceAll('-', '')}-${tail}`;
}

export type ComplaintFinding = {
  findingId: string;
  rule: 'worker-complaint';
  severity: Severity;
  status: 'open' | 'resolved';
  projectId: string;
  worker: { idNumberMasked: string; name: string };
  period: Period;
  amountOwed: string;
  raisedAt: string;
  resolvedAt?: string;
  responsible: { kind: 'contractor'; name: string; code: string };
  evidence: string[];
  legalBasis: string;
  detail: string;
};

export const complaintFindingId = (clueId: string) => `complaint:${clueId}`;

/**
 * The finding a report becomes on a registered project: against its general contractor, for the
 * latest month named (the others in the detail), the amount claimed as owed. The worker's phone
 * and own words are not in it: a finding is read by the project manager too.
 */
export function complaintFinding(
  clue: {
    clueId: string;
    reference: string;
    receivedOn: LocalDate;
    projectId: string;
    name: string;
    idNumber: string;
    months: readonly Period[];
    amountFen: bigint;
  },
  contractor: { name: string; creditCode: string },
  raisedAt: Date,
): ComplaintFinding {
  const def = RULE_DEFINITIONS['worker-complaint'];
  return {
    findingId: complaintFindingId(clue.clueId),
    rule: 'worker-complaint',
    severity: def.severity,
    status: 'open',
    projectId: clue.projectId,
    worker: { idNumberMasked: maskIdNumber(clue.idNumber), name: clue.name },
    period: clue.months.at(-1) as Period,
    amountOwed: formatFen(clue.amountFen),
    raisedAt: raisedAt.toISOString(),
    responsible: { kind: 'contractor', name: contractor.name, code: contractor.creditCode },
    evidence: [`欠薪线索 ${clue.reference}（${clue.receivedOn} 受理）`],
    legalBasis: def.legalBasis,
    detail: `劳动者反映 ${clue.months.join('、')} 的工资共 ¥${formatFen(clue.amountFen)} 未结清（欠薪线索 ${clue.reference}）`,
  };
}

/** What an inspector answers; every answer but `in-progress` closes the clue (and resolves its finding). */
export const CLUE_OUTCOMES = ['in-progress', 'paid', 'unfounded', 'transferred'] as const;
export type ClueOutcome = (typeof CLUE_OUTCOMES)[number];
export const CLUE_OUTCOME_ZH: Readonly<Record<ClueOutcome, string>> = {
  'in-progress': '正在核查处理',
  paid: '已查实，拖欠的工资已支付',
  unfounded: '经核查，反映的情况不属实',
  transferred: '已转交有管辖权的部门处理',
};

export type ClueStatus = 'open' | 'closed';

export type ClueAnswerDecision =
  | { ok: true; closes: boolean; text: string }
  | { ok: false; status: 400 | 409; message: string };

/** An answer to a clue: its text is what the worker reads, so it must say something. */
export function decideClueAnswer(status: ClueStatus, outcome: ClueOutcome, text: string): ClueAnswerDecision {
  if (status === 'closed')
    return { ok: false, status: 409, message: 'the clue is closed: it has its final answer' };
  const t = text.trim();
  if ([...t].length < 4)
    return { ok: false, status: 400, message: 'the answer is read by the worker: write at least a sentence' };
  if ([...t].length > 1000)
    return { ok: false, status: 400, message: 'an answer has at most 1000 characters' };
  return { ok: true, closes: outcome !== 'in-progress', text: t };
}
