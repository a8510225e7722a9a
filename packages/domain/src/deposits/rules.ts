/**
 * DOMAIN.md rules 10-13 for one project's wage-guarantee deposit (人社部发〔2021〕65号), as of an
 * instant: the findings that should be on record. Pure: the same state and instant always give
 * the same findings, so a replay gives what live operation gave.
 *
 * The deposit is replayed as a timeline: every instant where something can change (an event, a
 * guarantee's first and last valid day, the end of the 20-WD window, a top-up deadline, the
 * instant the required amount rose) is a point, and between points nothing changes. A finding is
 * open from the first point of the run in which its condition holds, and is resolved at the point
 * that ends the run (the event that cured it).
 *
 * What is held at an instant: cash (lodged + topped-up − drawn − refunded) plus the guarantees
 * issued, not cancelled, valid that day in Asia/Shanghai (validFrom ≤ day ≤ validTo) and that
 * count as cover (`guaranteeCover`: at least the required amount, valid at least one year, and
 * no shorter than the contract term, to the planned end date; one that fails any of these covers
 * nothing, not even part: DOMAIN.md "at least the required amount"). A draw beyond the cash is
 * taken from the guarantees. Events after `asOf` are not yet known; events
 * repeating a bankRef are the bank retrying and count once.
 *
 * Attribution, so one shortfall is not reported twice:
 *  - nothing lodged at all after the 20-WD window: `deposit-missing`, not `deposit-short`;
 *  - a shortfall caused by a draw (covered just before it) is the draw's: no `deposit-short`
 *    during the 10 WD the contractor has to top up, then `deposit-not-topped-up` until covered;
 *  - an expired guarantee raises `guarantee-expiring` (high) about the instrument and, if the
 *    rest does not cover the requirement, `deposit-short` about the money.
 * A closed project has no deposit findings: whatever was open is resolved by `reconcile`.
 */
import type { WorkingDayCalendar } from '../calendar.ts';
import {
  addDays,
  compareDates,
  daysBetween,
  endOfShanghaiDay,
  isWeekend,
  type LocalDate,
  maxDate,
  shanghaiDate,
  startOfShanghaiDay,
  yearOf,
} from '../dates.ts';
import type { DesiredFinding, Party } from '../payments/model.ts';
import { type RecordedFinding, reconcile, type Transition } from '../payments/reconcile.ts';
import { type DepositRule, legalBasisOf, severityOf } from '../rules.ts';
import { addYears } from './contractor-record.ts';
import { type RequiredDeposit, yuanText } from './required.ts';

export type { DepositRule } from '../rules.ts';

export type DepositFinding = DesiredFinding & { rule: DepositRule };

export type DepositEventKind =
  | 'lodged'
  | 'guarantee-issued'
  | 'guarantee-cancelled'
  | 'drawn'
  | 'topped-up'
  | 'refunded';

export type DepositEvent = {
  kind: DepositEventKind;
  /** The bank's reference: idempotency key. */
  bankRef: string;
  at: Date;
  /** Cash moved (lodged, topped-up, drawn, refunded) or the guarantee's amount. */
  amountFen?: bigint;
  guaranteeNo?: string;
  validFrom?: LocalDate;
  validTo?: LocalDate;
  issuer?: string;
  /** The bureau's payment notice behind a draw. */
  noticeRef?: string;
  evidence: string;
};

export type DepositProject = {
  projectId: string;
  contractor: Party;
  permitDate: LocalDate;
  plannedEndDate: LocalDate;
  open: boolean;
};

export type DepositState = {
  project: DepositProject;
  required: RequiredDeposit;
  /**
   * When the current required amount took effect, if it rose after the permit (the contractor's
   * record worsened): a shortfall it causes is raised at once, and no finding looks before it.
   */
  requiredSince?: Date;
  events: readonly DepositEvent[];
};

/** Working days to lodge after the permit, to top up after a draw; calendar days of warning. */
export const DEPOSIT_WINDOWS = {
  lodgeWorkingDays: 20,
  topUpWorkingDays: 10,
  guaranteeWarningDays: 30,
} as const;

export type GuaranteeHolding = {
  guaranteeNo: string;
  amountFen: bigint;
  validFrom: LocalDate;
  validTo: LocalDate;
  issuer?: string;
  cancelled: boolean;
  /** Valid on the day asked about. */
  valid: boolean;
  /** Counts as deposit cover at all (`guaranteeCover`); when false, `reason` says why. */
  counts: boolean;
  reason?: string;
  evidence: string;
};

/** What a guarantee is judged against: the required amount and the contract term's end. */
export type CoverTerms = { requiredFen: bigint; plannedEndDate: LocalDate };

/**
 * Whether a bank guarantee counts as deposit cover (DOMAIN.md, 65号: a guarantee may replace cash
 * if it is at least the required amount, valid at least one year and no shorter than the contract
 * term). All three or nothing: a guarantee below the required amount covers nothing, and cash
 * does not "make up the rest" of it (cash alone is then judged against the requirement).
 * Valid at least one year: validTo is no earlier than the day before validFrom's anniversary
 * (2026-03-01..2027-02-28 is one year). No shorter than the contract term: validTo is no earlier
 * than the project's planned end date.
 */
export function guaranteeCover(
  g: { amountFen: bigint; validFrom: LocalDate; validTo: LocalDate },
  terms: CoverTerms,
): { counts: true } | { counts: false; reason: string } {
  const reasons: string[] = [];
  if (g.amountFen < terms.requiredFen)
    reasons.push(`${yuanText(g.amountFen)}, less than the required ${yuanText(terms.requiredFen)}`);
  const period = `valid ${g.validFrom}..${g.validTo}`;
  if (compareDates(g.validTo, addDays(addYears(g.validFrom, 1), -1)) < 0)
    reasons.push(`${period}, shorter than one year`);
  if (compareDates(g.validTo, terms.plannedEndDate) < 0)
    reasons.push(`${period}, ends before the contract term (planned end ${terms.plannedEndDate})`);
  return reasons.length === 0 ? { counts: true } : { counts: false, reason: reasons.join('; ') };
}

export type DepositHoldings = {
  /** Net cash: lodged + topped-up − drawn − refunded (negative when a draw was taken from a guarantee). */
  cashFen: bigint;
  guarantees: GuaranteeHolding[];
  /** Cash plus the guarantees valid that day that count as cover, never below zero. */
  heldFen: bigint;
};

/** The events that count: known by `asOf`, each bankRef once (the first received), in time order. */
export function effectiveDepositEvents(events: readonly DepositEvent[], asOf: Date): DepositEvent[] {
  const seen = new Set<string>();
  const out: DepositEvent[] = [];
  for (const e of events) {
    if (seen.has(e.bankRef)) continue;
    seen.add(e.bankRef);
    if (e.at.getTime() <= asOf.getTime()) out.push(e);
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.bankRef < b.bankRef ? -1 : 1));
}

function isGuarantee(e: DepositEvent): e is DepositEvent & {
  guaranteeNo: string;
  validFrom: LocalDate;
  validTo: LocalDate;
  amountFen: bigint;
} {
  return (
    e.kind === 'guarantee-issued' &&
    e.guaranteeNo !== undefined &&
    e.validFrom !== undefined &&
    e.validTo !== undefined &&
    e.amountFen !== undefined
  );
}

/**
 * What is held with the events up to instant `t` (ms), guarantees judged on `day`. A guarantee
 * issued again under the same number (an extension) replaces the earlier issue.
 */
function holdingsAt(
  events: readonly DepositEvent[],
  t: number,
  day: LocalDate,
  terms: CoverTerms,
): DepositHoldings {
  let cash = 0n;
  const guarantees = new Map<string, GuaranteeHolding>();
  for (const e of events) {
    if (e.at.getTime() > t) break;
    const amount = e.amountFen ?? 0n;
    switch (e.kind) {
      case 'lodged':
      case 'topped-up':
        cash += amount;
        break;
      case 'drawn':
      case 'refunded':
        cash -= amount;
        break;
      case 'guarantee-issued':
        if (isGuarantee(e)) {
          const cover = guaranteeCover(e, terms);
          guarantees.set(e.guaranteeNo, {
            guaranteeNo: e.guaranteeNo,
            amountFen: e.amountFen,
            validFrom: e.validFrom,
            validTo: e.validTo,
            ...(e.issuer === undefined ? {} : { issuer: e.issuer }),
            cancelled: false,
            valid: false,
            counts: cover.counts,
            ...(cover.counts ? {} : { reason: cover.reason }),
            evidence: e.evidence,
          });
        }
        break;
      case 'guarantee-cancelled': {
        const g = e.guaranteeNo === undefined ? undefined : guarantees.get(e.guaranteeNo);
        if (g) g.cancelled = true;
        break;
      }
      default: {
        const never: never = e.kind;
        throw new RangeError(`unknown deposit event kind ${JSON.stringify(never)}`);
      }
    }
  }
  let guaranteed = 0n;
  for (const g of guarantees.values()) {
    g.valid = !g.cancelled && compareDates(g.validFrom, day) <= 0 && compareDates(day, g.validTo) <= 0;
    if (g.valid && g.counts) guaranteed += g.amountFen;
  }
  const total = cash + guaranteed;
  return { cashFen: cash, guarantees: [...guarantees.values()], heldFen: total < 0n ? 0n : total };
}

/** What a project holds at an instant (for the deposit endpoint): cash, guarantees, total. */
export function depositHoldings(
  events: readonly DepositEvent[],
  asOf: Date,
  terms: CoverTerms,
): DepositHoldings {
  return holdingsAt(effectiveDepositEvents(events, asOf), asOf.getTime(), shanghaiDate(asOf), terms);
}

/** The cover terms of a state: its required amount (0 when exempt) and planned end date. */
export function coverTermsOf(state: Pick<DepositState, 'project' | 'required'>): CoverTerms {
  return {
    requiredFen: state.required.exempt ? 0n : state.required.amountFen,
    plannedEndDate: state.project.plannedEndDate,
  };
}

/**
 * `calendar.addWorkingDays`, or, in a year the calendar does not cover, weekends only with a
 * warning saying so (never a silent guess, never a throw inside a sweep).
 */
function addWorkingDaysOrWarn(
  calendar: WorkingDayCalendar,
  from: LocalDate,
  n: number,
): { day: LocalDate; warnings: string[] } {
  const uncovered = new Set<number>();
  let day = from;
  for (let left = n; left > 0; ) {
    day = addDays(day, 1);
    let working: boolean;
    if (calendar.covers(day)) working = calendar.isWorkingDay(day);
    else {
      uncovered.add(yearOf(day));
      working = !isWeekend(day);
    }
    if (working) left--;
  }
  const warnings = [...uncovered].map(
    (year) =>
      `holiday calendar does not cover ${year}: ${n} working days after ${from} taken as ${day} from weekends only; ` +
      `add the State Council notice for ${year} to the calendar overrides`,
  );
  return { day, warnings };
}

type Run = { from: number; until?: number };

/** The last run of consecutive points where `holds` is true: open (no `until`) if it lasts to the end. */
function lastRun(points: readonly number[], holds: (t: number) => boolean): Run | undefined {
  let start: number | undefined;
  let last: Run | undefined;
  for (const p of points) {
    const h = holds(p);
    if (h && start === undefined) start = p;
    else if (!h && start !== undefined) {
      last = { from: start, until: p };
      start = undefined;
    }
  }
  return start === undefined ? last : { from: start };
}

const uniq = (xs: readonly string[]) => [...new Set(xs)];

/**
 * DOMAIN.md rules 10-13 for one project as of an instant.
 *
 * - `deposit-missing` (high): at the end of the 20th working day after the permit date (in
 *   Asia/Shanghai), nothing lodged or issued and no exemption; resolved by the first lodging or
 *   guarantee (a late one stays on record).
 * - `deposit-short` (high): something is held but less than required, after the 20-WD window,
 *   or at once when the required amount rose (`requiredSince`); resolved when covered.
 * - `guarantee-expiring`: 30 calendar days or less before a guarantee's validTo (medium), expired
 *   (high); resolved when a replacement guarantee or cash covers the requirement from the day
 *   after validTo, or when the guarantee is cancelled (then it is `deposit-short`'s business).
 * - `deposit-not-topped-up` (high): at the end of the 10th working day after a draw, less held
 *   than required; resolved by the top-up (a late one stays on record).
 */
export function evaluateDeposit(
  state: DepositState,
  asOf: Date,
  calendar: WorkingDayCalendar,
  observe: {
    /** Instants after `asOf` at which the answer can change with no new record (docs/adr/0022). */
    changesAt?: (instant: Date) => void;
  } = {},
): DepositFinding[] {
  const { project, required } = state;
  if (!project.open) return [];
  const now = asOf.getTime();
  const events = effectiveDepositEvents(state.events, asOf);
  const terms = coverTermsOf(state);
  const requiredFen = terms.requiredFen;
  const requiredSince = state.requiredSince?.getTime();
  const contractor = {
    kind: 'contractor' as const,
    name: project.contractor.name,
    code: project.contractor.creditCode,
  };
  const out: DepositFinding[] = [];

  const lodgeDeadline = addWorkingDaysOrWarn(calendar, project.permitDate, DEPOSIT_WINDOWS.lodgeWorkingDays);
  const windowEnd = endOfShanghaiDay(lodgeDeadline.day).getTime();
  const gate = Math.max(windowEnd, requiredSince ?? windowEnd);

  const draws = events
    .filter((e) => e.kind === 'drawn')
    .map((e) => {
      const { day, warnings } = addWorkingDaysOrWarn(
        calendar,
        shanghaiDate(e.at),
        DEPOSIT_WINDOWS.topUpWorkingDays,
      );
      return { event: e, lastDay: day, deadline: endOfShanghaiDay(day).getTime(), warnings };
    });
  const guaranteeIssues = events.filter(isGuarantee);

  // Every instant where something can change, up to asOf.
  const pointSet = new Set<number>([now, windowEnd, gate]);
  for (const e of events) pointSet.add(e.at.getTime());
  for (const d of draws) pointSet.add(d.deadline);
  for (const g of guaranteeIssues) {
    pointSet.add(startOfShanghaiDay(g.validFrom).getTime());
    pointSet.add(endOfShanghaiDay(g.validTo).getTime());
    pointSet.add(startOfShanghaiDay(addDays(g.validTo, -DEPOSIT_WINDOWS.guaranteeWarningDays)).getTime());
  }
  const points = [...pointSet].filter((p) => p <= now).sort((a, b) => a - b);
  if (observe.changesAt) {
    for (const p of pointSet) if (p > now) observe.changesAt(new Date(p));
    // An event recorded ahead of `asOf` counts once its instant comes.
    for (const e of state.events) if (e.at.getTime() > now) observe.changesAt(e.at);
  }

  const heldCache = new Map<number, DepositHoldings>();
  const held = (t: number): DepositHoldings => {
    let h = heldCache.get(t);
    if (!h) {
      h = holdingsAt(events, t, shanghaiDate(new Date(t)), terms);
      heldCache.set(t, h);
    }
    return h;
  };
  // A guarantee that does not count as cover is no deposit: `deposit-missing` as if it were not there.
  const refusedAt = (t: number) => held(t).guarantees.filter((g) => !g.cancelled && !g.counts);
  const refusedText = (gs: readonly GuaranteeHolding[]) =>
    gs.map((g) => `guarantee ${g.guaranteeNo} does not count as cover: ${g.reason}`).join('; ');
  const firstLodge = events.find(
    (e) => e.kind === 'lodged' || (isGuarantee(e) && guaranteeCover(e, terms).counts),
  );
  const lodgedBy = (t: number) => firstLodge !== undefined && firstLodge.at.getTime() <= t;
  const known = (t: number) => requiredSince === undefined || t >= requiredSince;
  const evidenceUpTo = (t: number) => uniq(events.filter((e) => e.at.getTime() <= t).map((e) => e.evidence));
  const warningsOf = (ws: readonly string[]) => (ws.length ? { warnings: [...ws] } : {});

  // Rule 10: deposit missing.
  const missing = lastRun(points, (t) => t >= gate && known(t) && requiredFen > 0n && !lodgedBy(t));
  if (missing) {
    const base = {
      key: `deposit-missing:${project.projectId}`,
      rule: 'deposit-missing' as const,
      severity: severityOf('deposit-missing'),
      dueDate: lodgeDeadline.day,
      amountOwed: requiredFen,
      raisedAt: new Date(missing.from),
      responsible: contractor,
      legalBasis: legalBasisOf('deposit-missing'),
      ...warningsOf(lodgeDeadline.warnings),
    };
    if (missing.until === undefined) {
      const refused = refusedText(refusedAt(now));
      out.push({
        ...base,
        status: 'open',
        evidence: uniq(refusedAt(now).map((g) => g.evidence)),
        detail: refused
          ? `no deposit lodged and no bank guarantee that counts as cover for the required ${yuanText(requiredFen)} (${refused}): due within 20 working days of the permit of ${project.permitDate}, by ${lodgeDeadline.day}`
          : `no deposit lodged and no bank guarantee issued for the required ${yuanText(requiredFen)}: due within 20 working days of the permit of ${project.permitDate}, by ${lodgeDeadline.day}`,
      });
    } else {
      out.push({
        ...base,
        status: 'resolved',
        record: true,
        resolvedAt: new Date(missing.until),
        evidence: firstLodge ? [firstLodge.evidence] : [],
        detail: `the deposit was due by ${lodgeDeadline.day} and first arrived on ${shanghaiDate(new Date(missing.until))}`,
      });
    }
  }

  // When each draw is restored: the first point from the draw on where the requirement is covered.
  const drawInfo = draws.map((d) => {
    const at = d.event.at.getTime();
    const coveredBefore = held(at - 1).heldFen >= requiredFen;
    const clearedAt = points.find((p) => p >= at && held(p).heldFen >= requiredFen);
    return { ...d, at, coveredBefore, clearedAt };
  });
  const drawPending = (t: number) =>
    drawInfo.some((d) => d.coveredBefore && d.at <= t && (d.clearedAt === undefined || t < d.clearedAt));

  // Rule 13: deposit not topped up.
  for (const d of drawInfo) {
    if (now < d.deadline || (d.clearedAt !== undefined && d.clearedAt <= d.deadline)) continue;
    const drawn = d.event.amountFen ?? 0n;
    const base = {
      key: `deposit-not-topped-up:${project.projectId}:${d.event.bankRef}`,
      rule: 'deposit-not-topped-up' as const,
      severity: severityOf('deposit-not-topped-up'),
      dueDate: d.lastDay,
      raisedAt: new Date(d.deadline),
      responsible: contractor,
      legalBasis: legalBasisOf('deposit-not-topped-up'),
      ...warningsOf(d.warnings),
    };
    const drawText = `${yuanText(drawn)} drawn on ${shanghaiDate(d.event.at)}${d.event.noticeRef ? ` (payment notice ${d.event.noticeRef})` : ''}`;
    if (d.clearedAt === undefined) {
      const h = held(now).heldFen;
      out.push({
        ...base,
        status: 'open',
        amountOwed: requiredFen - h,
        evidence: uniq([
          d.event.evidence,
          ...events.filter((e) => e.at.getTime() > d.at).map((e) => e.evidence),
        ]),
        detail: `${drawText}; not restored by the 10th working day, ${d.lastDay}: ${yuanText(h)} held of the required ${yuanText(requiredFen)}`,
      });
    } else {
      const cleared = d.clearedAt;
      out.push({
        ...base,
        status: 'resolved',
        record: true,
        resolvedAt: new Date(cleared),
        amountOwed: requiredFen - held(cleared - 1).heldFen,
        evidence: uniq([
          d.event.evidence,
          ...events.filter((e) => e.at.getTime() > d.at && e.at.getTime() <= cleared).map((e) => e.evidence),
        ]),
        detail: `${drawText}; due to be restored by ${d.lastDay}, restored on ${shanghaiDate(new Date(cleared))}`,
      });
    }
  }

  // Rule 11: deposit short.
  const short = lastRun(
    points,
    (t) =>
      t >= gate &&
      known(t) &&
      requiredFen > 0n &&
      lodgedBy(t) &&
      held(t).heldFen < requiredFen &&
      !drawPending(t),
  );
  if (short) {
    const base = {
      key: `deposit-short:${project.projectId}`,
      rule: 'deposit-short' as const,
      severity: severityOf('deposit-short'),
      raisedAt: new Date(short.from),
      responsible: contractor,
      legalBasis: legalBasisOf('deposit-short'),
    };
    const why = required.reasons.map((r) => r.text).join('; ');
    if (short.until === undefined) {
      const h = held(now);
      const refused = refusedText(refusedAt(now));
      out.push({
        ...base,
        status: 'open',
        amountOwed: requiredFen - h.heldFen,
        evidence: evidenceUpTo(now),
        detail: `${yuanText(h.heldFen)} held (cash ${yuanText(h.cashFen)}, guarantees valid today ${yuanText(h.guarantees.filter((g) => g.valid && g.counts).reduce((a, g) => a + g.amountFen, 0n))}) of the required ${yuanText(requiredFen)} (${why}): ${yuanText(requiredFen - h.heldFen)} short${refused ? `; ${refused}` : ''}`,
      });
    } else {
      const until = short.until;
      out.push({
        ...base,
        status: 'resolved',
        record: true,
        resolvedAt: new Date(until),
        amountOwed: requiredFen - held(until - 1).heldFen,
        evidence: evidenceUpTo(until),
        detail: `the deposit was below the required ${yuanText(requiredFen)} from ${shanghaiDate(new Date(short.from))} to ${shanghaiDate(new Date(until))}`,
      });
    }
  }

  // Rule 12: guarantee expiring or expired. Judged per guarantee number, on its latest issue;
  // a guarantee that never counted as cover cannot stop covering (deposit-missing/-short say why).
  for (const no of uniq(guaranteeIssues.map((g) => g.guaranteeNo))) {
    const latest = (t: number) => held(t).guarantees.find((g) => g.guaranteeNo === no);
    /** Covered without this guarantee, from the day after its validTo (or today, once past it). */
    const coveredWithout = (t: number, validTo: LocalDate) => {
      const day = maxDate(shanghaiDate(new Date(t)), addDays(validTo, 1));
      return holdingsAt(events, t, day, terms).heldFen >= requiredFen;
    };
    const condition = (t: number) => {
      const g = latest(t);
      if (!g || g.cancelled || !g.counts) return false;
      const warnFrom = startOfShanghaiDay(
        addDays(g.validTo, -DEPOSIT_WINDOWS.guaranteeWarningDays),
      ).getTime();
      return t >= warnFrom && !coveredWithout(t, g.validTo);
    };
    const run = lastRun(points, condition);
    if (!run) continue;
    const judgedAt = run.until === undefined ? now : run.until - 1;
    const g = latest(judgedAt) ?? latest(run.from);
    if (!g) continue;
    const expired = judgedAt >= endOfShanghaiDay(g.validTo).getTime();
    const today = shanghaiDate(new Date(judgedAt));
    const left = daysBetween(today, g.validTo);
    const base = {
      key: `guarantee-expiring:${project.projectId}:${no}`,
      rule: 'guarantee-expiring' as const,
      severity: expired ? ('high' as const) : severityOf('guarantee-expiring'),
      dueDate: g.validTo,
      amountOwed: g.amountFen,
      raisedAt: new Date(run.from),
      responsible: contractor,
      legalBasis: legalBasisOf('guarantee-expiring'),
    };
    const what = `guarantee ${no}${g.issuer ? ` of ${g.issuer}` : ''} for ${yuanText(g.amountFen)}, valid ${g.validFrom} to ${g.validTo}`;
    const end = `the project is open (planned to end ${project.plannedEndDate})`;
    if (run.until === undefined) {
      // Its text counts the days to (or since) the expiry: it moves every Shanghai day.
      observe.changesAt?.(endOfShanghaiDay(shanghaiDate(asOf)));
      out.push({
        ...base,
        status: 'open',
        evidence: [g.evidence],
        detail: expired
          ? `${what}, expired ${-left} day(s) ago and not replaced; ${end}`
          : `${what}, expires in ${left} day(s) and nothing replaces it yet; ${end}`,
      });
    } else {
      const until = run.until;
      out.push({
        ...base,
        status: 'resolved',
        resolvedAt: new Date(until),
        evidence: uniq([
          g.evidence,
          ...events
            .filter((e) => e.at.getTime() > run.from && e.at.getTime() <= until)
            .map((e) => e.evidence),
        ]),
        detail: `${what}: replaced, covered or cancelled on ${shanghaiDate(new Date(until))}`,
      });
    }
  }
  return out;
}

export type RecordedDepositFinding = RecordedFinding<DepositFinding>;
export type DepositTransition = Transition<DepositFinding>;

/** `reconcile` for deposit findings (the same comparison; the transitions keep the deposit rule type). */
export const reconcileDeposit: (
  recorded: ReadonlyMap<string, RecordedDepositFinding>,
  desired: readonly DepositFinding[],
  at: Date,
) => DepositTransition[] = reconcile;
