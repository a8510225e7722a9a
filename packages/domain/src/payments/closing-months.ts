/**
 * Closed months (issue 13, goal 1; docs/adr/0023-closed-months.md): an evaluation reads the
 * project's open months only, and the months before them are summarized once, when they close.
 *
 * A month P is closed with a cut date D (its 00:00 in Shanghai the cut instant) when nothing the
 * rules say about P, the months before it and the records before the cut can change with time
 * alone: every due date through P has passed and every statement deadline of a day before D too;
 * every obligation through P is paid in full, by transfers booked before the cut only; no transfer
 * before the cut pays a later month, or has a leftover that a later month's raised amount could
 * still take; no return crosses the cut; the calendar covers every date involved. The summary
 * (ClosedMonths, model.ts) keeps what the open part still reads from the closed one (rule 7's last
 * owner credit, rule 8's last statement and the last closed sheet) and the closed range's findings
 * as the rules said them. Before a summary is written, the evaluation with it is compared with the
 * evaluation without it at the closing instant: any difference and the month stays open.
 *
 * What the summary does not see must drop it: a transfer booked before the cut, a return of one,
 * a statement dated before the cut date, a sheet version of a closed period, any change to the
 * project's workers or terms (`dropsClosedMonths`). The next evaluation then reads everything and
 * may close again.
 */
import type { WorkingDayCalendar } from '../calendar.ts';
import { dueDateFor } from '../calendar.ts';
import {
  addDays,
  addMonths,
  endOfShanghaiDay,
  firstDayOf,
  type LocalDate,
  maxDate,
  minDate,
  type Period,
  periodOf,
  shanghaiDate,
  startOfShanghaiDay,
} from '../dates.ts';
import type { ClosedMonths, DesiredFinding, ProjectState, Transfer } from './model.ts';
import {
  DEFAULT_PAYMENT_RULES_CONFIG,
  evaluateProject,
  isOwnerCredit,
  type ObligationOutcome,
  type PayDateOutlook,
  type PaymentRulesConfig,
} from './rules.ts';

/** The state without the rows the summary stands for: what a loader reads when the months are closed. */
export function openMonthsOf(state: ProjectState, closed: ClosedMonths): ProjectState {
  const cut = closed.cutAt.getTime();
  return {
    ...state,
    sheets: state.sheets.filter((s) => s.period > closed.through),
    transfers: state.transfers.filter((t) => t.bookedAt.getTime() >= cut),
    statements: state.statements.filter((s) => s.date >= closed.cutDate),
    closed,
  };
}

/**
 * The summary that closes the project's months as far as they can be closed as of `asOf`, or
 * undefined when no month beyond those already closed (`state.closed`) is settled. `state` is
 * what the evaluation read: the whole history, or the open months with their summary.
 */
export function closeMonths(
  state: ProjectState,
  asOf: Date,
  calendar: WorkingDayCalendar,
  config: PaymentRulesConfig = DEFAULT_PAYMENT_RULES_CONFIG,
): ClosedMonths | undefined {
  const { project } = state;
  const prev = state.closed;
  if (prev && asOf < prev.closedAt) return undefined;
  const maxCut = latestCutDate(asOf, calendar);
  if (!maxCut) return undefined;
  const due = (period: Period) => {
    const d = dueDateFor(
      { period, payDay: project.payDay, payMonthOffset: project.payMonthOffset },
      calendar,
    );
    return d.warnings.length ? undefined : d.due;
  };
  const earliestSheet = state.sheets.reduce<Period | undefined>(
    (m, s) => (m === undefined || s.period < m ? s.period : m),
    undefined,
  );
  const start = periodOf(project.startDate);
  const first = prev
    ? addMonths(prev.through, 1)
    : earliestSheet !== undefined && earliestSheet < start
      ? earliestSheet
      : start;
  // The latest period whose due date is before the latest cut date.
  let last: Period | undefined;
  for (let p = first; ; p = addMonths(p, 1)) {
    const d = due(p);
    if (d === undefined || d >= maxCut) break;
    last = p;
  }
  if (last === undefined) return undefined;
  // Every due date from the first period on must be known to the calendar.
  for (let p = first; p <= last; p = addMonths(p, 1)) if (due(p) === undefined) return undefined;

  const outcomes: ObligationOutcome[] = [];
  const outlooks: PayDateOutlook[] = [];
  const current = evaluateProject(state, asOf, calendar, config, {
    obligation: (o) => outcomes.push(o),
    payDate: (o) => outlooks.push(o),
  });
  for (let through = last; through >= first; through = addMonths(through, -1)) {
    const nextDue = due(addMonths(through, 1));
    const ownDue = due(through);
    if (nextDue === undefined || ownDue === undefined) continue;
    // The latest cut the month allows, then the earliest: the day after its last payment (a
    // payment of the next month made early, before the latest cut, may leave only that one).
    const latest = minDate(nextDue, maxCut);
    const lastPaid = outcomes
      .filter((o) => o.period <= through && o.lastPaidAt)
      .reduce((m, o) => maxDate(m, shanghaiDate(o.lastPaidAt!)), ownDue);
    const earliest = addDays(lastPaid, 1);
    for (const cutDate of earliest < latest ? [latest, earliest] : [latest]) {
      const summary = tryClose(
        state,
        asOf,
        calendar,
        config,
        { through, cutDate },
        current,
        outcomes,
        outlooks,
      );
      if (summary) return summary;
    }
  }
  return undefined;
}

/**
 * The latest cut date D as of `asOf`: the statement deadline of D's eve (the end of the working
 * day after it) has passed, so every rule-14 finding of a day before D is known. Undefined when
 * the calendar does not cover the days involved.
 */
function latestCutDate(asOf: Date, calendar: WorkingDayCalendar): LocalDate | undefined {
  const today = shanghaiDate(asOf);
  for (let eve = addDays(today, -2); eve >= addDays(today, -40); eve = addDays(eve, -1)) {
    let next = addDays(eve, 1);
    for (;;) {
      if (!calendar.covers(next) || !calendar.covers(eve)) return undefined;
      if (calendar.isWorkingDay(next)) break;
      next = addDays(next, 1);
    }
    if (endOfShanghaiDay(next) <= asOf) return addDays(eve, 1);
  }
  return undefined;
}

function tryClose(
  state: ProjectState,
  asOf: Date,
  calendar: WorkingDayCalendar,
  config: PaymentRulesConfig,
  cut: { through: Period; cutDate: LocalDate },
  current: DesiredFinding[],
  outcomes: ObligationOutcome[],
  outlooks: PayDateOutlook[],
): ClosedMonths | undefined {
  const { through, cutDate } = cut;
  const cutAt = startOfShanghaiDay(cutDate);
  const before = (t: Transfer) => t.bookedAt < cutAt;
  const prev = state.closed;

  // Every obligation through the closed month paid in full before the cut; none after it paid before.
  const allocated = new Map<string, bigint>();
  for (const o of outcomes) {
    for (const a of o.allocations)
      allocated.set(a.transfer.bankRef, (allocated.get(a.transfer.bankRef) ?? 0n) + a.amount);
    if (o.period <= through) {
      if (o.paid !== o.amountDue || o.allocations.some((a) => !before(a.transfer))) return undefined;
    } else if (o.allocations.some((a) => before(a.transfer))) return undefined;
  }
  // No return crosses the cut, and no payment before it keeps a leftover that a later month could take.
  const byRef = new Map(state.transfers.map((t) => [t.bankRef, t]));
  const returned = new Set<string>();
  for (const t of state.transfers) {
    if (t.status !== 'returned' || !t.originalBankRef) continue;
    const original = byRef.get(t.originalBankRef);
    if (original ? before(original) !== before(t) : !before(t)) return undefined;
    returned.add(t.originalBankRef);
  }
  // A payment booked once the first open month has begun could pay that month: it must be spent on
  // the closed months in full, and not on a raise after a due date (paid only from what the months'
  // own obligations leave over, so a later month's sheet could take it first).
  const cards = new Set(state.workers.map((w) => w.accountNo));
  const nextMonth = firstDayOf(addMonths(through, 1));
  const raisedPeriods = new Set(state.sheets.filter((s) => s.earlierVersions?.length).map((s) => s.period));
  const onRaised = new Set(
    outcomes
      .filter((o) => raisedPeriods.has(o.period))
      .flatMap((o) => o.allocations.map((a) => a.transfer.bankRef)),
  );
  for (const t of state.transfers) {
    if (!before(t) || t.direction !== 'debit' || t.status !== 'booked' || returned.has(t.bankRef)) continue;
    if (!cards.has(t.counterpartyAccountNo) || shanghaiDate(t.bookedAt) < nextMonth) continue;
    if (t.amount !== (allocated.get(t.bankRef) ?? 0n) || onRaised.has(t.bankRef)) return undefined;
  }

  // What the open months read from the closed range.
  const credits = state.transfers
    .filter((t) => before(t) && isOwnerCredit(state.project, t))
    .sort((a, b) => a.bookedAt.getTime() - b.bookedAt.getTime());
  const lastCredit = credits[credits.length - 1];
  const net = (ts: Transfer[]) =>
    ts
      .filter((t) => t.status !== 'failed')
      .reduce((s, t) => s + (t.direction === 'credit' ? t.amount : -t.amount), 0n);
  const closedStatements = state.statements
    .filter((s) => s.date < cutDate)
    .sort((a, b) => a.date.localeCompare(b.date));
  const latest = closedStatements[closedStatements.length - 1];
  let lastStatement: ClosedMonths['lastStatement'];
  if (latest) {
    const since = endOfShanghaiDay(latest.date);
    lastStatement = {
      date: latest.date,
      closingBalance: latest.closingBalance,
      receivedAt: latest.receivedAt,
      evidence: latest.evidence,
      movedSince: net(state.transfers.filter((t) => before(t) && t.bookedAt >= since)),
    };
  } else if (prev?.lastStatement) {
    lastStatement = {
      ...prev.lastStatement,
      movedSince: prev.lastStatement.movedSince + net(state.transfers.filter(before)),
    };
  }
  const sheet = state.sheets.find((s) => s.period === through);
  const summary: ClosedMonths = {
    through,
    cutDate,
    cutAt,
    closedAt: asOf,
    labourSince: lastCredit
      ? shanghaiDate(lastCredit.bookedAt)
      : (prev?.labourSince ?? state.project.startDate),
    labourSinceEvidence: lastCredit ? [lastCredit.evidence] : (prev?.labourSinceEvidence ?? []),
    ...(lastStatement ? { lastStatement } : {}),
    ...(sheet
      ? {
          lastSheet: {
            period: through,
            owed: sheet.lines.reduce((s, l) => s + l.amountDue, 0n),
            evidence: sheet.evidence,
          },
        }
      : {}),
    findings: [],
  };

  // The open months' own answer must be the current one, finding for finding, outlook for outlook.
  const openOutlooks: PayDateOutlook[] = [];
  const open = evaluateProject(openMonthsOf(state, summary), asOf, calendar, config, {
    payDate: (o) => openOutlooks.push(o),
  });
  if (!sameJson(openOutlooks, outlooks)) return undefined;
  const currentByKey = new Map(current.map((f) => [f.key, f]));
  if (currentByKey.size !== current.length) return undefined;
  const openKeys = new Set<string>();
  for (const f of open) {
    const same = currentByKey.get(f.key);
    if (!same || !sameJson(same, f)) return undefined;
    openKeys.add(f.key);
  }
  const prevKeys = new Set(prev?.findings.map((f) => f.key));
  const findings: DesiredFinding[] = [];
  for (const f of current) {
    if (openKeys.has(f.key)) continue;
    if (!prevKeys.has(f.key) && !inClosedRange(f, { through, cutDate, cutAt }, byRef)) return undefined;
    findings.push(f);
  }
  return { ...summary, findings };
}

/** Whether a finding is about the closed range and final: rules.ts says it the same way from now on. */
function inClosedRange(
  f: DesiredFinding,
  cut: { through: Period; cutDate: LocalDate; cutAt: Date },
  transfers: Map<string, Transfer>,
): boolean {
  if (f.warnings?.length) return false;
  switch (f.rule) {
    case 'wages-missed':
    case 'wages-late':
    case 'wages-short':
      return f.status === 'resolved' && f.period !== undefined && f.period <= cut.through;
    case 'payroll-missing':
    case 'payroll-unsigned':
      // Cured only by a sheet version of the closed period, which drops the summary.
      return f.period !== undefined && f.period <= cut.through;
    case 'feed-incomplete':
      // Cured only by a statement dated before the cut date, which drops the summary.
      return f.dueDate !== undefined && f.dueDate < cut.cutDate;
    case 'wrong-payee': {
      // Its transfer was booked before the cut; a return of it drops the summary.
      const t = transfers.get(f.key.slice('wrong-payee:'.length));
      return t !== undefined && t.bookedAt < cut.cutAt;
    }
    case 'labour-cost-missing':
      return f.status === 'resolved' && f.resolvedAt !== undefined && f.resolvedAt < cut.cutAt;
    default:
      // Rules 5, 8 and 9 are about the open months (or every month): the open part says them.
      return false;
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a, jsonBig) === JSON.stringify(b, jsonBig);
const jsonBig = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/** A change recorded for a project, as the summary needs to judge it. */
export type ProjectChange =
  | { kind: 'terms' }
  | { kind: 'workers' }
  | { kind: 'sheet'; period: Period }
  | { kind: 'transfer'; bookedAt: Date; originalBankRef?: string }
  | { kind: 'statement'; date: LocalDate };

/** Whether a change touches what the summary stands for, so that it must be dropped. */
export function dropsClosedMonths(
  closed: Pick<ClosedMonths, 'through' | 'cutDate' | 'cutAt'>,
  change: ProjectChange,
): boolean {
  switch (change.kind) {
    case 'terms':
    case 'workers':
      return true;
    case 'sheet':
      return change.period <= closed.through;
    case 'transfer':
      // A return is judged against its original, which may lie before the cut: any return drops.
      return change.bookedAt < closed.cutAt || change.originalBankRef !== undefined;
    case 'statement':
      return change.date < closed.cutDate;
    default: {
      const never: never = change;
      throw new Error(`unhandled change ${(never as ProjectChange).kind}`);
    }
  }
}

/** The summary as stored (jsonb): amounts as decimal strings, instants as ISO strings. */
export function encodeClosedMonths(closed: ClosedMonths): string {
  return JSON.stringify(closed, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    if (typeof raw === 'bigint') return { $fen: raw.toString() };
    if (raw instanceof Date) return { $at: raw.toISOString() };
    return value;
  });
}

export function decodeClosedMonths(json: string): ClosedMonths {
  return JSON.parse(json, (_key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === '$fen') return BigInt((value as { $fen: string }).$fen);
      if (keys.length === 1 && keys[0] === '$at') return new Date((value as { $at: string }).$at);
    }
    return value;
  }) as ClosedMonths;
}
