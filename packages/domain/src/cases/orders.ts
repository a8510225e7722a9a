import type { WorkingDayCalendar } from '../calendar.ts';
import type { LocalDate } from '../dates.ts';
import { formatFen, parseYuan } from '../money.ts';
import { RULE_DEFINITIONS, type RuleCode } from '../rules.ts';
import type { ResponsibleParty } from './model.ts';
import { workingDaysAfter } from './working-days.ts';

/**
 * 责令改正指令书 (an order to correct, 劳动保障监察条例 Art 30) and 涉嫌拒不支付劳动报酬案件移送书 (a
 * referral to the police, 刑法 Art 276-1 with the 2014 joint notice on referrals): what each
 * document says, decided from a case's open findings. Numbering, storage and rendering are the
 * inspection service's; this is the content, so that the page, the PDF and the tests agree.
 */
export const ORDER_KINDS = ['correction', 'police-referral'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** An open finding as an order lists it (masked worker, amounts in yuan strings as the findings carry them). */
export type OrderFinding = {
  findingId: string;
  rule: RuleCode;
  worker?: { idNumberMasked: string; name: string };
  period?: string;
  dueDate?: string;
  amountOwed?: string;
  amountPaid?: string;
  evidence: readonly string[];
  detail: string;
};

export type OrderFacts = {
  caseId: string;
  projectId: string;
  projectName: string;
  district: string;
  employer: ResponsibleParty;
  findings: readonly OrderFinding[];
  /** For a referral: the correction orders already issued on the case (number, deadline). */
  priorOrders?: readonly { orderNo: string; deadline: LocalDate | null; issuedOn: LocalDate }[];
};

export type OrderLine = {
  rule: RuleCode;
  ruleName: string;
  legalBasis: string;
  findings: number;
  owedFen: bigint;
};

/** What one worker is owed across the order's findings (outstanding = owed − paid, never below 0). */
export type OrderWorker = {
  idNumberMasked: string;
  name: string;
  periods: string[];
  owedFen: bigint;
  paidFen: bigint;
  outstandingFen: bigint;
};

export type OrderContent = {
  kind: OrderKind;
  title: string;
  caseId: string;
  projectId: string;
  projectName: string;
  district: string;
  authority: string;
  employer: ResponsibleParty;
  issuedOn: LocalDate;
  /** Correction: the last day to correct, `workingDays` working days after issuedOn. */
  deadline: LocalDate | null;
  workingDays: number | null;
  deadlineWarning?: string;
  inspector: string;
  lines: OrderLine[];
  workers: OrderWorker[];
  outstandingFen: bigint;
  /** Referral: the bank records and sheets behind the findings, each once, in order. */
  evidence: string[];
  priorOrders: { orderNo: string; deadline: LocalDate | null; issuedOn: LocalDate }[];
  findingIds: string[];
};

export type OrderDecision = { ok: true; content: OrderContent } | { ok: false; reason: string };

export const ORDER_TITLES: Record<OrderKind, string> = {
  correction: '劳动保障监察责令改正指令书',
  'police-referral': '涉嫌拒不支付劳动报酬案件移送书',
};

/** The deadline an inspector may set, in working days (the statute leaves it to the bureau). */
export const ORDER_WORKING_DAYS = { min: 1, max: 30, default: 10 } as const;

const fen = (yuan: string | undefined): bigint => (yuan ? parseYuan(yuan, { allowNegative: false }) : 0n);

/**
 * The content of an order for a case as it stands: every open finding with its legal basis,
 * what each worker is owed, and for a correction its deadline in working days on the holiday
 * calendar. Refused when there is nothing to order (no open finding), when the deadline is out of
 * bounds, or (a referral) when no finding of the case has reached the criminal threshold.
 */
export function decideOrder(
  facts: OrderFacts,
  command: {
    kind: OrderKind;
    issuedOn: LocalDate;
    authority: string;
    inspector: string;
    workingDays?: number;
    policeThresholdReached?: boolean;
  },
  calendar: WorkingDayCalendar,
): OrderDecision {
  if (facts.findings.length === 0)
    return { ok: false, reason: 'the case has no open finding to order corrected' };
  if (command.kind === 'police-referral' && !command.policeThresholdReached)
    return {
      ok: false,
      reason: 'no finding of this case has reached the criminal threshold (刑法 Art 276-1)',
    };
  let deadline: LocalDate | null = null;
  let workingDays: number | null = null;
  let deadlineWarning: string | undefined;
  if (command.kind === 'correction') {
    workingDays = command.workingDays ?? ORDER_WORKING_DAYS.default;
    if (
      !Number.isInteger(workingDays) ||
      workingDays < ORDER_WORKING_DAYS.min ||
      workingDays > ORDER_WORKING_DAYS.max
    )
      return {
        ok: false,
        reason: `workingDays must be a whole number from ${ORDER_WORKING_DAYS.min} to ${ORDER_WORKING_DAYS.max}`,
      };
    const due = workingDaysAfter(calendar, command.issuedOn, workingDays);
    deadline = due.dueOn;
    deadlineWarning = due.warning;
  }

  const findings = [...facts.findings].sort((a, b) => a.findingId.localeCompare(b.findingId));
  const lines = new Map<RuleCode, OrderLine>();
  const workers = new Map<string, OrderWorker>();
  for (const f of findings) {
    const def = RULE_DEFINITIONS[f.rule];
    const owed = fen(f.amountOwed);
    const paid = fen(f.amountPaid);
    const line = lines.get(f.rule) ?? {
      rule: f.rule,
      ruleName: def.nameZh,
      legalBasis: def.legalBasis,
      findings: 0,
      owedFen: 0n,
    };
    line.findings += 1;
    const outstanding = owed > paid ? owed - paid : 0n;
    line.owedFen += outstanding;
    lines.set(f.rule, line);
    if (!f.worker || owed === 0n) continue;
    const key = `${f.worker.idNumberMasked}|${f.worker.name}`;
    const w = workers.get(key) ?? {
      idNumberMasked: f.worker.idNumberMasked,
      name: f.worker.name,
      periods: [],
      owedFen: 0n,
      paidFen: 0n,
      outstandingFen: 0n,
    };
    w.owedFen += owed;
    w.paidFen += paid;
    w.outstandingFen += outstanding;
    if (f.period && !w.periods.includes(f.period)) w.periods.push(f.period);
    workers.set(key, w);
  }
  const workerList = [...workers.values()]
    .map((w) => ({ ...w, periods: w.periods.sort() }))
    .sort((a, b) => a.idNumberMasked.localeCompare(b.idNumberMasked) || a.name.localeCompare(b.name));
  const evidence =
    command.kind === 'police-referral' ? [...new Set(findings.flatMap((f) => f.evidence))] : [];
  return {
    ok: true,
    content: {
      kind: command.kind,
      title: ORDER_TITLES[command.kind],
      caseId: facts.caseId,
      projectId: facts.projectId,
      projectName: facts.projectName,
      district: facts.district,
      authority: command.authority,
      employer: facts.employer,
      issuedOn: command.issuedOn,
      deadline,
      workingDays,
      ...(deadlineWarning ? { deadlineWarning } : {}),
      inspector: command.inspector,
      lines: [...lines.values()].sort((a, b) => a.rule.localeCompare(b.rule)),
      workers: workerList,
      outstandingFen: workerList.reduce((s, w) => s + w.outstandingFen, 0n),
      evidence,
      priorOrders: [...(facts.priorOrders ?? [])],
      findingIds: findings.map((f) => f.findingId),
    },
  };
}

/** An order's number: `攀人社监令〔2026〕第0007号` (prefix, year, the year's sequence). */
export function orderNumber(prefix: string, year: number, sequence: number): string {
  return `${prefix}〔${year}〕第${String(sequence).padStart(4, '0')}号`;
}

/** Amounts as the documents print them: yuan with two decimals. */
export const orderYuan = (f: bigint): string => formatFen(f);
