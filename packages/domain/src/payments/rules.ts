import type { WorkingDayCalendar } from '../calendar.ts';
import { dueDateFor } from '../calendar.ts';
import {
  addDays,
  addMonths,
  dateInMonth,
  endOfShanghaiDay,
  firstDayOf,
  isWeekend,
  type LocalDate,
  lastDayOf,
  type Period,
  periodOf,
  shanghaiDate,
  startOfShanghaiDay,
  yearOf,
} from '../dates.ts';
import { maskIdNumber } from '../identifiers.ts';
import { formatFen, minFen } from '../money.ts';
import { legalBasisOf, PAYMENT_RULE_CODES, type RuleCode, severityOf } from '../rules.ts';
import type {
  DesiredFinding,
  PaymentRule,
  PayrollLine,
  PayrollSheet,
  ProjectState,
  RegisteredWorker,
  Statement,
  Transfer,
} from './model.ts';

/** The province's criminal threshold of refusal to pay (法释〔2013〕3号: each province picks in the bands). */
export type CriminalThreshold = {
  /** One worker unpaid this many months … */
  oneWorkerMonths: number;
  /** … totalling at least this much (fen). */
  oneWorkerFen: bigint;
  /** Or this many workers unpaid … */
  workers: number;
  /** … totalling at least this much (fen). */
  workersFen: bigint;
};

export type PaymentRulesConfig = {
  /** The rules to apply (a code of another service's rule is simply never produced here). */
  enabled: ReadonlySet<RuleCode>;
  /** balance-short looks this many working days ahead of a due date. */
  balanceWarningWorkingDays: number;
  criminalThreshold: CriminalThreshold;
};

export const ALL_PAYMENT_RULES: readonly PaymentRule[] = PAYMENT_RULE_CODES;

export const DEFAULT_CRIMINAL_THRESHOLD: CriminalThreshold = {
  oneWorkerMonths: 3,
  oneWorkerFen: 500_000n,
  workers: 10,
  workersFen: 3_000_000n,
};

export const DEFAULT_PAYMENT_RULES_CONFIG: PaymentRulesConfig = {
  enabled: new Set(ALL_PAYMENT_RULES),
  balanceWarningWorkingDays: 5,
  criminalThreshold: DEFAULT_CRIMINAL_THRESHOLD,
};

/** Debits that are not payments to people: the account is for wages only, bank fees aside. */
const NON_WAGE_DEBIT_PURPOSES = new Set(['bank-fee']);

type Allocation = { transfer: Transfer; amount: bigint };
type Obligation = {
  period: Period;
  sheet: PayrollSheet;
  line: PayrollLine;
  remaining: bigint;
  /** The part of the amount raised after the due date, not yet paid: paid only from leftovers. */
  raisedLeft: bigint;
  allocations: Allocation[];
};

/**
 * What a pay date in the balance-short window looks like (rule 8's own figures), for readers
 * that show upcoming pay dates: owed is what rule 8 compares with the balance (null when no sheet
 * tells it), balance the latest statement plus the movements since (null before any statement).
 */
export type PayDateOutlook = {
  period: Period;
  dueDate: LocalDate;
  owed: bigint | null;
  balance: bigint | null;
  statementDate: LocalDate | null;
  basis: string | null;
};

/** One payroll line after the payments were allocated (oldest month first), for payment views. */
export type ObligationOutcome = {
  period: Period;
  idNumber: string;
  name: string;
  amountDue: bigint;
  paid: bigint;
  /** The last payment allocated to the line. */
  lastPaidAt: Date | null;
  /** Each payment allocated to the line, oldest first. */
  allocations: { transfer: Transfer; amount: bigint }[];
};

/** Optional views into an evaluation: they change nothing in the findings. */
export type EvaluationObserver = {
  payDate?: (o: PayDateOutlook) => void;
  obligation?: (o: ObligationOutcome) => void;
  /**
   * Called with instants after `asOf` at which a comparison of the rules with the time flips
   * (a due date ends, a statement deadline passes, a month or rule 8's window begins): with no
   * new record, the answer is the same until the earliest of them or the next transfer booked
   * (docs/adr/0022; `nextEvaluationAt`). May report an instant more than once, or early: never late.
   */
  changesAt?: (instant: Date) => void;
};

const max = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

/**
 * DOMAIN.md rules 1-6 and 14 for one project, as of an instant: the findings that should be
 * on record. Pure: the same state and instant always give the same findings, so replaying a
 * year of feeds with sweeps gives what live operation gave.
 *
 * Payments: a booked debit from the project's wage account to the worker's registered card (and,
 * if the bank names an ID, naming that worker), not failed and not returned, counts and is
 * allocated to the worker's oldest unpaid month first (never to a month that had not begun).
 * A finding that depends on a payment's absence (missed, short, and the late payment that
 * resolves a missed one) waits until the bank's end-of-day statement covers the due date; once
 * that statement is a working day overdue, `feed-incomplete` is raised against the bank. A
 * sheet missing or unsigned (rule 6) is the contractor's own omission and does not wait for
 * the bank: it is raised once the due date has passed (docs/adr/0005).
 */
export function evaluateProject(
  state: ProjectState,
  asOf: Date,
  calendar: WorkingDayCalendar,
  config: PaymentRulesConfig = DEFAULT_PAYMENT_RULES_CONFIG,
  observe: EvaluationObserver = {},
): DesiredFinding[] {
  const { project } = state;
  // The closed months' findings stand as they were said (closing-months.ts, docs/adr/0023).
  const all: DesiredFinding[] = [...(state.closed?.findings ?? [])];
  const out = all;
  const unpaid: UnpaidMonth[] = [];
  const contractor = {
    kind: 'contractor' as const,
    name: project.contractor.name,
    code: project.contractor.creditCode,
  };
  const bank = { kind: 'bank' as const, name: project.bankCode, code: project.bankCode };
  const today = shanghaiDate(asOf);
  const flipsAt = (instant: Date) => {
    if (instant > asOf) observe.changesAt?.(instant);
  };

  const returnedRefs = new Map<string, Transfer>();
  for (const t of state.transfers)
    if (t.status === 'returned' && t.originalBankRef) returnedRefs.set(t.originalBankRef, t);
  const effective = (t: Transfer) => t.status === 'booked' && !returnedRefs.has(t.bankRef);
  const workerByAccount = new Map(state.workers.map((w) => [w.accountNo, w]));
  const workerById = new Map(state.workers.map((w) => [w.idNumber, w]));

  // Rule 4: every debit to people goes to a registered worker's own card.
  for (const t of state.transfers) {
    if (t.direction !== 'debit' || t.status !== 'booked' || NON_WAGE_DEBIT_PURPOSES.has(t.purpose ?? ''))
      continue;
    const holder = workerByAccount.get(t.counterpartyAccountNo);
    const named = t.counterpartyIdNumber ? workerById.get(t.counterpartyIdNumber) : undefined;
    const ok =
      holder !== undefined && (!t.counterpartyIdNumber || t.counterpartyIdNumber === holder.idNumber);
    if (ok) continue;
    const returned = returnedRefs.get(t.bankRef);
    const why = holder
      ? `the card belongs to ${maskIdNumber(holder.idNumber)}, not to the ID named in the transfer`
      : named
        ? 'the card is not the one registered for the worker named'
        : 'the payee is not a registered worker of this project';
    out.push({
      key: `wrong-payee:${t.bankRef}`,
      rule: 'wrong-payee',
      severity: severityOf('wrong-payee'),
      status: returned ? 'resolved' : 'open',
      ...(returned ? { resolvedAt: returned.bookedAt } : {}),
      ...(named ? { worker: { idNumber: named.idNumber, name: named.name } } : {}),
      amountPaid: t.amount,
      raisedAt: t.bookedAt,
      responsible: contractor,
      evidence: [t.evidence, ...(returned ? [returned.evidence] : [])],
      legalBasis: legalBasisOf('wrong-payee'),
      detail: `debit ${t.bankRef} of ${formatFen(t.amount)} to ${t.counterpartyName}: ${why}`,
    });
  }

  // Rule 5: this project's workers paid from another project's wage account.
  for (const p of state.outsidePayments) {
    if (p.transfer.status !== 'booked') continue;
    out.push({
      key: `paid-outside-account:${p.transfer.accountNo}:${p.transfer.bankRef}`,
      rule: 'paid-outside-account',
      severity: severityOf('paid-outside-account'),
      status: p.returned ? 'resolved' : 'open',
      ...(p.returned ? { resolvedAt: p.transfer.bookedAt } : {}),
      worker: { idNumber: p.worker.idNumber, name: p.worker.name },
      amountPaid: p.transfer.amount,
      raisedAt: p.transfer.bookedAt,
      responsible: contractor,
      evidence: [p.transfer.evidence],
      legalBasis: legalBasisOf('paid-outside-account'),
      detail: `wages of ${formatFen(p.transfer.amount)} paid from the wage account of project ${p.payingProjectId}, not from this project's dedicated account`,
    });
  }

  // Obligations from every current sheet, allocated oldest first.
  const sheets = new Map(state.sheets.map((s) => [s.period, s]));
  const obligations = new Map<string, Obligation[]>();
  for (const sheet of [...state.sheets].sort((a, b) => a.period.localeCompare(b.period))) {
    const { due } = dueDateFor(
      { period: sheet.period, payDay: project.payDay, payMonthOffset: project.payMonthOffset },
      calendar,
    );
    const baseline = baselineOf(sheet, endOfShanghaiDay(due));
    for (const line of sheet.lines) {
      const list = obligations.get(line.idNumber) ?? [];
      const before = baseline?.get(line.idNumber);
      const raisedLeft = before !== undefined && line.amountDue > before ? line.amountDue - before : 0n;
      list.push({
        period: sheet.period,
        sheet,
        line,
        remaining: line.amountDue,
        raisedLeft,
        allocations: [],
      });
      obligations.set(line.idNumber, list);
    }
  }
  const leftovers: { transfer: Transfer; idNumber: string; day: LocalDate; left: bigint }[] = [];
  const payments = state.transfers
    .filter((t) => t.direction === 'debit' && effective(t))
    .sort((a, b) => a.bookedAt.getTime() - b.bookedAt.getTime());
  for (const t of payments) {
    const holder = workerByAccount.get(t.counterpartyAccountNo);
    // Only a card registered to the worker pays the worker (Art 11: wages to the worker personally);
    // any other payee is a wrong-payee finding and pays nobody's obligation.
    const idNumber =
      holder && (!t.counterpartyIdNumber || t.counterpartyIdNumber === holder.idNumber)
        ? holder.idNumber
        : undefined;
    if (!idNumber) continue;
    let left = t.amount;
    const day = shanghaiDate(t.bookedAt);
    for (const ob of obligations.get(idNumber) ?? []) {
      if (left === 0n) break;
      if (ob.remaining - ob.raisedLeft === 0n || firstDayOf(ob.period) > day) continue;
      const take = minFen(left, ob.remaining - ob.raisedLeft);
      ob.allocations.push({ transfer: t, amount: take });
      ob.remaining -= take;
      left -= take;
    }
    if (left > 0n) leftovers.push({ transfer: t, idNumber, day, left });
  }
  // Amounts raised after the due date take only what the months' own obligations left over.
  for (const l of leftovers) {
    for (const ob of obligations.get(l.idNumber) ?? []) {
      if (l.left === 0n) break;
      if (ob.raisedLeft === 0n || firstDayOf(ob.period) > l.day) continue;
      const take = minFen(l.left, ob.raisedLeft);
      ob.allocations.push({ transfer: l.transfer, amount: take });
      ob.allocations.sort((a, b) => a.transfer.bookedAt.getTime() - b.transfer.bookedAt.getTime());
      ob.raisedLeft -= take;
      ob.remaining -= take;
      l.left -= take;
    }
  }

  if (observe.obligation)
    for (const list of obligations.values())
      for (const o of list)
        observe.obligation({
          period: o.period,
          idNumber: o.line.idNumber,
          name: o.line.name,
          amountDue: o.line.amountDue,
          paid: o.line.amountDue - o.remaining,
          lastPaidAt: o.allocations.at(-1)?.transfer.bookedAt ?? null,
          allocations: o.allocations.map((a) => ({ transfer: a.transfer, amount: a.amount })),
        });

  // Statements: coverage of each due date, and the daily feed itself (rule 14).
  const statementsByDate = new Map(state.statements.map((s) => [s.date, s]));
  // The bank has reported the account through a due date when it sent that day's end-of-day
  // statement: a later statement after a gap does not vouch for the missing day's movements.
  const coverageOf = (d: LocalDate): Statement | undefined => statementsByDate.get(d);
  /**
   * The end of the working day after d: when its statement is overdue. In a year the calendar
   * does not cover, the day is assumed from weekends only, and the warning says so.
   */
  const nextWorkingDayEnd = (d: LocalDate): { end: Date; warnings?: string[] } => {
    const uncovered = new Set<number>();
    let next = addDays(d, 1);
    for (;;) {
      if (calendar.covers(next)) {
        if (calendar.isWorkingDay(next)) break;
      } else {
        uncovered.add(yearOf(next));
        if (!isWeekend(next)) break;
      }
      next = addDays(next, 1);
    }
    const warnings = [...uncovered].map(
      (year) =>
        `holiday calendar does not cover ${year}: the statement for ${d} is taken as overdue after ${next}, ` +
        `assumed the next working day from weekends only; add the State Council notice for ${year} to the calendar overrides`,
    );
    return { end: endOfShanghaiDay(next), ...(warnings.length ? { warnings } : {}) };
  };
  const missingStatement = new Map<LocalDate, string>();

  const periods = new Set<Period>(state.sheets.map((s) => s.period));
  let month = state.closed ? addMonths(state.closed.through, 1) : periodOf(project.startDate);
  for (; firstDayOf(month) <= today; month = addMonths(month, 1)) periods.add(month);
  flipsAt(startOfShanghaiDay(firstDayOf(month))); // the next month joins the periods when it begins
  for (const period of [...periods].sort()) {
    const { due, warnings } = dueDateFor(
      { period, payDay: project.payDay, payMonthOffset: project.payMonthOffset },
      calendar,
    );
    const dueEnd = endOfShanghaiDay(due);
    if (asOf < dueEnd) {
      flipsAt(dueEnd);
      continue;
    }
    const base = { period, dueDate: due, responsible: contractor, ...(warnings.length ? { warnings } : {}) };
    const sheet = sheets.get(period);
    // Rule 6: the sheet is the contractor's own document, so its absence or a line without the
    // worker's signature is known once the due date has passed, whatever the bank has reported.
    if (!sheet) {
      const active = state.workers.filter((w) => isActiveIn(w, period));
      if (active.length > 0) {
        out.push({
          ...base,
          key: `payroll-missing:${period}`,
          rule: 'payroll-missing',
          severity: severityOf('payroll-missing'),
          status: 'open',
          raisedAt: dueEnd,
          evidence: [],
          legalBasis: legalBasisOf('payroll-missing'),
          detail: `no payroll sheet for ${period} although ${active.length} registered worker(s) were active; wages were due ${due}`,
        });
      }
    } else {
      for (const line of sheet.lines) {
        if (line.signed) continue;
        out.push({
          ...base,
          key: `payroll-unsigned:${period}:${line.idNumber}`,
          rule: 'payroll-unsigned',
          severity: severityOf('payroll-unsigned'),
          status: 'open',
          worker: { idNumber: line.idNumber, name: line.name },
          raisedAt: dueEnd,
          evidence: sheet.evidence,
          legalBasis: legalBasisOf('payroll-unsigned'),
          detail: `the worker has not confirmed the ${period} payroll line (${formatFen(line.amountDue)})`,
        });
      }
    }
    // Rules 1-3 depend on a payment's absence: they wait for the due date's own statement.
    const coverage = coverageOf(due);
    if (!coverage) {
      // Only a month with something due (a sheet, or workers active) needs the due date's statement.
      const somethingDue = sheet !== undefined || state.workers.some((w) => isActiveIn(w, period));
      if (somethingDue) missingStatement.set(due, `the wage findings for ${period} (due ${due}) wait for it`);
      continue;
    }
    if (!sheet) continue;
    const gateTime = max(dueEnd, coverage.receivedAt);
    for (const ob of obligations.values()) {
      for (const o of ob) {
        if (o.period !== period || o.line.amountDue === 0n) continue;
        if (o.remaining > 0n) {
          unpaid.push({
            idNumber: o.line.idNumber,
            name: o.line.name,
            period,
            owed: o.remaining,
            evidence: o.sheet.evidence,
            since: gateTime,
          });
        }
        out.push(
          ...judgeObligation(
            o,
            { ...base, worker: { idNumber: o.line.idNumber, name: o.line.name } },
            dueEnd,
            gateTime,
          ),
        );
      }
    }
  }

  // Rule 14: statements missing (for due dates and for days with movements) or disagreeing.
  const movementDays = new Map<LocalDate, Transfer[]>();
  for (const t of state.transfers) {
    if (t.status === 'failed') continue;
    const d = shanghaiDate(t.bookedAt);
    const list = movementDays.get(d) ?? [];
    list.push(t);
    movementDays.set(d, list);
  }
  for (const d of movementDays.keys()) {
    if (!statementsByDate.has(d) && !missingStatement.has(d))
      missingStatement.set(d, 'movements were reported for that day');
  }
  for (const [d, why] of missingStatement) {
    const { end: deadline, warnings } = nextWorkingDayEnd(d);
    if (asOf < deadline) {
      flipsAt(deadline);
      continue;
    }
    out.push({
      key: `feed-incomplete:missing:${d}`,
      rule: 'feed-incomplete',
      severity: severityOf('feed-incomplete'),
      status: 'open',
      dueDate: d,
      raisedAt: deadline,
      responsible: bank,
      evidence: (movementDays.get(d) ?? []).map((t) => t.evidence),
      legalBasis: legalBasisOf('feed-incomplete'),
      detail: `no end-of-day statement of the wage account for ${d}: ${why}`,
      ...(warnings ? { warnings } : {}),
    });
  }
  for (const s of state.statements) {
    const { end: deadline, warnings } = nextWorkingDayEnd(s.date);
    const moves = movementDays.get(s.date) ?? [];
    const sum = (dir: 'debit' | 'credit') =>
      moves.filter((t) => t.direction === dir).reduce((a, t) => a + t.amount, 0n);
    const count = (dir: 'debit' | 'credit') => moves.filter((t) => t.direction === dir).length;
    const agree =
      count('debit') === s.debitCount &&
      sum('debit') === s.debitTotal &&
      count('credit') === s.creditCount &&
      sum('credit') === s.creditTotal;
    // A statement that agrees raises nothing at its deadline: only a disagreeing one waits for it.
    if (agree) continue;
    if (asOf < deadline) {
      flipsAt(deadline);
      continue;
    }
    out.push({
      key: `feed-incomplete:mismatch:${s.date}`,
      rule: 'feed-incomplete',
      severity: severityOf('feed-incomplete'),
      status: 'open',
      dueDate: s.date,
      raisedAt: max(deadline, s.receivedAt),
      responsible: bank,
      evidence: [s.evidence, ...moves.map((t) => t.evidence)],
      legalBasis: legalBasisOf('feed-incomplete'),
      detail:
        `statement for ${s.date} disagrees with the transfers received: statement debits ${s.debitCount} / ${formatFen(s.debitTotal)}, ` +
        `credits ${s.creditCount} / ${formatFen(s.creditTotal)}; received debits ${count('debit')} / ${formatFen(sum('debit'))}, ` +
        `credits ${count('credit')} / ${formatFen(sum('credit'))}`,
      ...(warnings ? { warnings } : {}),
    });
  }
  out.push(...labourCostMissing(state, asOf, flipsAt));
  out.push(
    ...balanceShort(
      state,
      asOf,
      calendar,
      obligations,
      config.balanceWarningWorkingDays,
      observe.payDate,
      flipsAt,
    ),
  );
  out.push(...arrearsGrowing(unpaid, contractor, config.criminalThreshold));
  return all.filter((f) => config.enabled.has(f.rule));
}

/**
 * What each worker was owed by the version in effect at the due date (or, for a sheet first
 * submitted after it, by the first version); undefined when that is the current version, so
 * nothing was raised after the due date. A worker absent from it is not a raise: a worker left
 * off a sheet and added later is owed the whole line like any other.
 */
function baselineOf(sheet: PayrollSheet, dueEnd: Date): Map<string, bigint> | undefined {
  const earlier = [...(sheet.earlierVersions ?? [])].sort((a, b) => a.version - b.version);
  if (earlier.length === 0 || sheet.submittedAt < dueEnd) return undefined;
  const atDue = earlier.filter((v) => v.effectiveAt < dueEnd);
  const baseline = atDue[atDue.length - 1] ?? earlier[0]!;
  return new Map(baseline.lines.map((l) => [l.idNumber, l.amountDue]));
}

function isActiveIn(w: RegisteredWorker, period: Period): boolean {
  return w.enrolledOn <= lastDayOf(period) && (!w.leftOn || w.leftOn >= firstDayOf(period));
}

type Base = Pick<DesiredFinding, 'period' | 'dueDate' | 'responsible' | 'warnings' | 'worker'>;

/** Rules 1-3 for one payroll line whose due date has passed and whose feed covers it. */
function judgeObligation(o: Obligation, base: Base, dueEnd: Date, gateTime: Date): DesiredFinding[] {
  const amount = o.line.amountDue;
  const paid = amount - o.remaining;
  const paidByDue = o.allocations
    .filter((a) => a.transfer.bookedAt < dueEnd)
    .reduce((s, a) => s + a.amount, 0n);
  const evidence = [...o.sheet.evidence, ...o.allocations.map((a) => a.transfer.evidence)];
  const key = (rule: PaymentRule) => `${rule}:${o.period}:${o.line.idNumber}`;
  const common = { ...base, evidence, amountPaid: paid };
  const finding = (
    rule: PaymentRule,
    rest: Partial<DesiredFinding> & Pick<DesiredFinding, 'status' | 'raisedAt' | 'detail'>,
  ): DesiredFinding => ({
    ...common,
    key: key(rule),
    rule,
    severity: severityOf(rule),
    legalBasis: legalBasisOf(rule),
    ...rest,
  });
  const firstPaid = o.allocations[0]?.transfer.bookedAt;
  const completedAt =
    o.remaining === 0n ? o.allocations[o.allocations.length - 1]?.transfer.bookedAt : undefined;
  if (paidByDue >= amount) return [];
  if (completedAt) {
    return [
      finding('wages-late', {
        status: 'resolved',
        record: true,
        amountOwed: amount,
        raisedAt: completedAt,
        resolvedAt: completedAt,
        detail: `net pay ${formatFen(amount)} for ${o.period} was due ${base.dueDate} and was paid in full on ${shanghaiDate(completedAt)}`,
      }),
      finding('wages-missed', {
        status: 'resolved',
        resolvedAt: firstPaid ?? completedAt,
        raisedAt: gateTime,
        detail: 'paid',
      }),
      finding('wages-short', {
        status: 'resolved',
        resolvedAt: completedAt,
        raisedAt: gateTime,
        detail: 'paid in full',
      }),
    ];
  }
  if (paid === 0n) {
    return [
      finding('wages-missed', {
        status: 'open',
        amountOwed: amount,
        raisedAt: gateTime,
        detail: `no payment of the ${o.period} net pay ${formatFen(amount)} reached the worker's card by the due date ${base.dueDate}`,
      }),
    ];
  }
  return [
    finding('wages-short', {
      status: 'open',
      amountOwed: o.remaining,
      raisedAt: max(gateTime, firstPaid ?? gateTime),
      detail: `paid ${formatFen(paid)} of the ${o.period} net pay ${formatFen(amount)}; ${formatFen(o.remaining)} is still owed`,
    }),
    finding('wages-missed', {
      status: 'resolved',
      resolvedAt: firstPaid ?? gateTime,
      raisedAt: gateTime,
      detail: 'partly paid',
    }),
  ];
}

/** A month of a worker's wages still owed after its due date; `since` is when that became known. */
type UnpaidMonth = {
  idNumber: string;
  name: string;
  period: Period;
  owed: bigint;
  evidence: string[];
  since: Date;
};

/**
 * Rule 7: the owner must credit the labour cost to the wage account at least once per cycle
 * (at most one month, Decree 724 Art 24 and 29). Raised when a full cycle has passed since the
 * project started, or since the last owner credit, without one; a later credit resolves it.
 * An owner credit is a booked credit with purpose `labour-cost`, or one from the owner's account
 * or in the owner's name.
 */
function labourCostMissing(
  state: ProjectState,
  asOf: Date,
  flipsAt: (instant: Date) => void,
): DesiredFinding[] {
  const { project } = state;
  const owner = project.owner;
  const credits = state.transfers
    .filter((t) => isOwnerCredit(project, t))
    .sort((a, b) => a.bookedAt.getTime() - b.bookedAt.getTime());
  const cycleEnd = (from: LocalDate): LocalDate =>
    project.allocationCycleDays ? addDays(from, project.allocationCycleDays) : sameDayNextMonth(from);
  const responsible = owner
    ? { kind: 'owner' as const, name: owner.name, code: owner.creditCode }
    : { kind: 'contractor' as const, name: project.contractor.name, code: project.contractor.creditCode };
  const out: DesiredFinding[] = [];
  // Walk the gaps: from the start, then from each credit, to the next credit (or now).
  let since = state.closed?.labourSince ?? project.startDate;
  let sinceEvidence: string[] = state.closed?.labourSinceEvidence ?? [];
  for (const c of [...credits, undefined]) {
    const deadline = endOfShanghaiDay(cycleEnd(since));
    const nextAt = c?.bookedAt;
    const missedUntil = nextAt ?? asOf;
    flipsAt(deadline); // (a credit booked later is a transfer instant of its own)
    if (missedUntil >= deadline && asOf >= deadline) {
      out.push({
        key: `labour-cost-missing:${since}`,
        rule: 'labour-cost-missing',
        severity: severityOf('labour-cost-missing'),
        status: nextAt ? 'resolved' : 'open',
        ...(nextAt ? { resolvedAt: nextAt } : {}),
        dueDate: shanghaiDate(new Date(deadline.getTime() - 1)),
        raisedAt: deadline,
        responsible,
        evidence: [...sinceEvidence, ...(c ? [c.evidence] : [])],
        legalBasis: legalBasisOf('labour-cost-missing'),
        detail: `no labour-cost allocation from the owner to the wage account since ${since}; the cycle ended ${shanghaiDate(new Date(deadline.getTime() - 1))}`,
      });
    }
    if (!c) break;
    if (c.bookedAt > asOf) break;
    since = shanghaiDate(c.bookedAt);
    sinceEvidence = [c.evidence];
  }
  return out;
}

/** Rule 7's owner credit: a booked credit with purpose `labour-cost`, or from the owner's account or name. */
export function isOwnerCredit(project: ProjectState['project'], t: Transfer): boolean {
  const owner = project.owner;
  return (
    t.direction === 'credit' &&
    t.status === 'booked' &&
    (t.purpose === 'labour-cost' ||
      (owner?.accountNo !== undefined && t.counterpartyAccountNo === owner.accountNo) ||
      (owner !== undefined && t.counterpartyName === owner.name))
  );
}

function sameDayNextMonth(d: LocalDate): LocalDate {
  const next = addMonths(periodOf(d), 1);
  return dateInMonth(next, Number(d.slice(8, 10)));
}

/**
 * Rule 8, early warning: from N working days before a due date until the due date, the
 * account's balance (latest end-of-day statement, plus the movements booked since) must cover
 * what is still owed for the month: the submitted sheet's unpaid lines, or, before the sheet is
 * submitted, the previous month's sheet. Resolved when covered (or once the due date passes,
 * when rules 1-3 take over).
 */
function balanceShort(
  state: ProjectState,
  asOf: Date,
  calendar: WorkingDayCalendar,
  obligations: Map<string, Obligation[]>,
  warningDays: number,
  observe: ((o: PayDateOutlook) => void) | undefined,
  flipsAt: (instant: Date) => void,
): DesiredFinding[] {
  const { project } = state;
  const today = shanghaiDate(asOf);
  const sheets = new Map(state.sheets.map((s) => [s.period, s]));
  const out: DesiredFinding[] = [];
  const statements = [...state.statements]
    .filter((s) => s.date < today)
    .sort((a, b) => a.date.localeCompare(b.date));
  // With closed months: before the open months' first statement, the closed range's last one.
  const latest = statements[statements.length - 1] ?? state.closed?.lastStatement;
  // A statement dated today (or later) becomes the latest once its day is over.
  const laterStatement = state.statements.some((s) => s.date >= today);
  // The three months looked at move when the month does.
  flipsAt(startOfShanghaiDay(firstDayOf(addMonths(periodOf(today), 1))));
  for (const period of [
    addMonths(periodOf(today), -project.payMonthOffset - 1),
    addMonths(periodOf(today), -project.payMonthOffset),
    addMonths(periodOf(today), 1 - project.payMonthOffset),
  ]) {
    const { due, warnings } = dueDateFor(
      { period, payDay: project.payDay, payMonthOffset: project.payMonthOffset },
      calendar,
    );
    if (due < today) continue;
    flipsAt(endOfShanghaiDay(due));
    let warnFrom: LocalDate;
    try {
      warnFrom = calendar.addWorkingDays(due, -warningDays);
    } catch {
      warnFrom = addDays(due, -Math.ceil((warningDays * 7) / 5));
    }
    if (today < warnFrom) {
      flipsAt(startOfShanghaiDay(warnFrom));
      continue;
    }
    if (laterStatement) flipsAt(endOfShanghaiDay(today));
    if (!latest && !observe) continue;
    const sheet = sheets.get(period);
    let owed: bigint | null = null;
    let basis: string | null = null;
    let evidence: string[] = [];
    if (sheet) {
      owed = [...obligations.values()]
        .flat()
        .filter((o) => o.period === period)
        .reduce((s, o) => s + o.remaining, 0n);
      basis = `the ${period} sheet`;
      evidence = sheet.evidence;
    } else {
      const closedSheet = state.closed?.lastSheet;
      const previous =
        sheets.get(addMonths(period, -1)) ??
        (closedSheet?.period === addMonths(period, -1)
          ? { lines: [{ amountDue: closedSheet.owed }], evidence: closedSheet.evidence }
          : undefined);
      if (previous) {
        owed = previous.lines.reduce((s, l) => s + l.amountDue, 0n);
        basis = `the ${addMonths(period, -1)} sheet (the ${period} sheet is not submitted yet)`;
        evidence = previous.evidence;
      }
    }
    let balance: bigint | null = null;
    if (latest) {
      const since = endOfShanghaiDay(latest.date);
      const moves = state.transfers.filter(
        (t) => t.status !== 'failed' && t.bookedAt >= since && t.bookedAt <= asOf,
      );
      balance =
        latest.closingBalance +
        ('movedSince' in latest ? latest.movedSince : 0n) +
        moves.filter((t) => t.direction === 'credit').reduce((s, t) => s + t.amount, 0n) -
        moves.filter((t) => t.direction === 'debit').reduce((s, t) => s + t.amount, 0n);
    }
    observe?.({ period, dueDate: due, owed, balance, statementDate: latest?.date ?? null, basis });
    if (!latest || owed === null || balance === null) continue;
    if (owed <= 0n || balance >= owed) continue;
    out.push({
      key: `balance-short:${period}`,
      rule: 'balance-short',
      severity: severityOf('balance-short'),
      status: 'open',
      period,
      dueDate: due,
      amountOwed: owed - balance,
      raisedAt: new Date(Math.max(startOfShanghaiDay(warnFrom).getTime(), latest.receivedAt.getTime())),
      responsible: {
        kind: 'contractor',
        name: project.contractor.name,
        code: project.contractor.creditCode,
      },
      evidence: [latest.evidence, ...evidence],
      legalBasis: legalBasisOf('balance-short'),
      detail: `${warningDays} working days before the ${due} pay date the wage account holds ${formatFen(balance)} (statement of ${latest.date} and movements since), below the ${formatFen(owed)} due by ${basis}`,
      ...(warnings.length ? { warnings } : {}),
    });
  }
  return out;
}

/**
 * Rule 9: a worker unpaid (missed or short) for two or more months; `critical` with a police
 * referral once the province's criminal threshold is reached — one worker unpaid N months for
 * at least the amount, or M workers unpaid for at least the total — which also raises a
 * project-wide finding.
 */
function arrearsGrowing(
  unpaid: UnpaidMonth[],
  contractor: DesiredFinding['responsible'],
  threshold: CriminalThreshold,
): DesiredFinding[] {
  const out: DesiredFinding[] = [];
  const byWorker = new Map<string, UnpaidMonth[]>();
  for (const u of unpaid) byWorker.set(u.idNumber, [...(byWorker.get(u.idNumber) ?? []), u]);
  for (const [idNumber, months] of byWorker) {
    if (months.length < 2) continue;
    const owed = months.reduce((s, m) => s + m.owed, 0n);
    const criminal = months.length >= threshold.oneWorkerMonths && owed >= threshold.oneWorkerFen;
    const periods = months.map((m) => m.period).sort();
    const sinces = months.map((m) => m.since.getTime()).sort((a, b) => a - b);
    out.push({
      key: `arrears-growing:${idNumber}`,
      rule: 'arrears-growing',
      severity: criminal ? 'critical' : severityOf('arrears-growing'),
      status: 'open',
      worker: { idNumber, name: months[0]!.name },
      period: periods[periods.length - 1]!,
      amountOwed: owed,
      // It became two months when the second unpaid month's finding could be known.
      raisedAt: new Date(sinces[1]!),
      responsible: contractor,
      evidence: [...new Set(months.flatMap((m) => m.evidence))],
      legalBasis: legalBasisOf('arrears-growing'),
      detail: `unpaid for ${months.length} months (${periods.join(', ')}), ${formatFen(owed)} owed${criminal ? ': the criminal threshold is reached, refer to the police (劳动保障监察与刑事司法联动)' : ''}`,
      ...(criminal ? { policeReferral: true } : {}),
    });
  }
  const workersUnpaid = byWorker.size;
  const total = unpaid.reduce((s, u) => s + u.owed, 0n);
  if (workersUnpaid >= threshold.workers && total >= threshold.workersFen) {
    const periods = [...new Set(unpaid.map((u) => u.period))].sort();
    out.push({
      key: 'arrears-growing:project',
      rule: 'arrears-growing',
      severity: 'critical',
      status: 'open',
      period: periods[periods.length - 1]!,
      amountOwed: total,
      raisedAt: new Date(Math.max(...unpaid.map((u) => u.since.getTime()))),
      responsible: contractor,
      evidence: [...new Set(unpaid.flatMap((u) => u.evidence))],
      legalBasis: legalBasisOf('arrears-growing'),
      detail: `${workersUnpaid} workers unpaid, ${formatFen(total)} owed in all: the criminal threshold is reached, refer to the police (劳动保障监察与刑事司法联动)`,
      policeReferral: true,
    });
  }
  return out;
}
