/**
 * The case lifecycle as a pure decision: given a case's state (or none yet) and the facts on
 * record (its findings, the steps already taken, its justifications, its pending tasks), and an
 * instant, `decideCase` returns the events that bring the case up to date, in order: opened or
 * reopened, findings attached, routed, ladder steps taken (escalated), calendar warnings, the
 * winter campaign's deadline, the new schedule, closed. `evolveCase` folds an event into the
 * state. The inspection service stores each event (a history row, an alert, a task) and nothing
 * else decides.
 */
import type { WorkingDayCalendar } from '../calendar.ts';
import { type CampaignConfig, DEFAULT_CAMPAIGN_CONFIG, winterCampaign } from '../campaigns/index.ts';
import { compareDates, type LocalDate, shanghaiDate } from '../dates.ts';
import {
  DEFAULT_LADDER_CONFIG,
  type LadderConfig,
  type LadderJustification,
  type LadderStep,
  ladderStep,
  stepKeyOf,
} from './ladder.ts';
import type { CaseFinding, CaseSector, ResponsibleParty } from './model.ts';
import { type CaseRouting, routeCase } from './routing.ts';
import { type WorkingDayDeadline, workingDaysAfter } from './working-days.ts';

/** A case's level: how far up the ladder it has climbed (in this cycle). */
export const CASE_LEVEL_ORDER = ['none', 'notice', 'warning', 'inspection-task', 'critical'] as const;
export type CaseLevel = (typeof CASE_LEVEL_ORDER)[number];

/** The higher of two levels. */
export const higherLevel = (a: CaseLevel, b: CaseLevel): CaseLevel =>
  CASE_LEVEL_ORDER.indexOf(b) > CASE_LEVEL_ORDER.indexOf(a) ? b : a;

export type CaseState = {
  caseId: string;
  employer: ResponsibleParty;
  status: 'open' | 'closed';
  level: CaseLevel;
  /** 1 when opened, + 1 on every reopening. */
  cycle: number;
  routing: CaseRouting;
  sector: CaseSector;
  /** The date of the next ladder step (or the winter campaign's eve, if earlier). */
  deadline: LocalDate | null;
  /** Set while an accepted justification pauses the ladder. */
  pausedUntil: LocalDate | null;
};

/** What is on record about a case when it is evaluated. */
export type CaseFacts = {
  /** The id a new case gets. */
  caseId: string;
  /** Every finding about the case's project and party (open and resolved), oldest first. */
  findings: readonly CaseFinding[];
  /** Ids of the findings already attached to the case. */
  attached: ReadonlySet<string>;
  /** The project's registration (district, sector); unknown projects route to '' / other. */
  project: { district: string; sector: CaseSector };
  /** Keys already in the case history (ladder steps, calendar warnings, winter entries). */
  stepsTaken: ReadonlySet<string>;
  /** Every justification of the case, each with the cycle it was submitted in. */
  justifications: readonly (LadderJustification & { cycle: number })[];
  /** Tasks of the case neither resolved nor closed. */
  pendingTasks: number;
  /**
   * The open findings a person's closing covered (closing.ts): while the case is closed they
   * do not reopen it; any other open finding does.
   */
  closedOver?: ReadonlySet<string>;
};

export type CaseDecisionContext = {
  asOf: Date;
  calendar: WorkingDayCalendar;
  ladder?: LadderConfig;
  campaigns?: CampaignConfig;
};

export type CaseEvent =
  | {
      type: 'case.opened';
      caseId: string;
      employer: ResponsibleParty;
      routing: CaseRouting;
      sector: CaseSector;
      openFindings: number;
      note: string;
    }
  | { type: 'case.reopened'; cycle: number; openFindings: number; note: string }
  | { type: 'findings.attached'; cycle: number; findingIds: string[]; note: string }
  | { type: 'case.routed'; routing: CaseRouting; sector: CaseSector; referredToPolice: boolean; note: string }
  | {
      type: 'case.escalated';
      step: LadderStep;
      /** The level after the step. */
      level: CaseLevel;
      openFindings: number;
      /** The inspection task the `inspection-task` step opens: its SLA on working days. */
      task?: WorkingDayDeadline;
    }
  | { type: 'calendar.warned'; key: string; note: string }
  | { type: 'winter.deadline-set'; key: string; season: string; eve: LocalDate; note: string }
  | {
      type: 'case.scheduled';
      level: CaseLevel;
      deadline: LocalDate | null;
      pausedUntil: LocalDate | null;
    }
  | { type: 'case.closed'; note: string };

const CLOSING_NOTE = 'every finding resolved and every task done';

/** Folds one event into a case's state (`undefined`: no case yet). */
export function evolveCase(state: CaseState | undefined, event: CaseEvent): CaseState | undefined {
  switch (event.type) {
    case 'case.opened':
      return {
        caseId: event.caseId,
        employer: event.employer,
        status: 'open',
        level: 'none',
        cycle: 1,
        routing: event.routing,
        sector: event.sector,
        deadline: null,
        pausedUntil: null,
      };
    case 'case.reopened':
      return (
        state && {
          ...state,
          status: 'open',
          cycle: event.cycle,
          level: 'none',
          deadline: null,
          pausedUntil: null,
        }
      );
    case 'findings.attached':
    case 'calendar.warned':
    case 'winter.deadline-set':
      return state;
    case 'case.routed':
      return state && { ...state, routing: event.routing, sector: event.sector };
    case 'case.escalated':
      return state && { ...state, level: event.level };
    case 'case.scheduled':
      return (
        state && { ...state, level: event.level, deadline: event.deadline, pausedUntil: event.pausedUntil }
      );
    case 'case.closed':
      return state && { ...state, status: 'closed', deadline: null, pausedUntil: null };
    default: {
      const never: never = event;
      throw new Error(`unknown case event ${JSON.stringify(never)}`);
    }
  }
}

const sameRouting = (a: CaseRouting, b: CaseRouting) =>
  a.team === b.team && a.coRegulator === b.coRegulator && a.policeLiaison === b.policeLiaison;

/**
 * Brings one case up to date with its findings and the instant. Opens it (or reopens it) when
 * an open finding calls for it, attaches the findings it does not hold, routes it (the police
 * liaison is sticky), takes the ladder steps due (a step whose key is taken never again), sets
 * its deadline (the winter campaign's eve when earlier) and pause, and closes it when every
 * finding is resolved and every task done.
 */
export function decideCase(
  state: CaseState | undefined,
  facts: CaseFacts,
  ctx: CaseDecisionContext,
): CaseEvent[] {
  const events: CaseEvent[] = [];
  const apply = (e: CaseEvent) => {
    events.push(e);
    state = evolveCase(state, e);
  };
  const { findings, project } = facts;
  const open = findings.filter((f) => f.status === 'open');
  const latest = findings[findings.length - 1];

  if (!state) {
    if (open.length === 0 || !latest) return events;
    const routing = routeCase(project, findings);
    apply({
      type: 'case.opened',
      caseId: facts.caseId,
      employer: latest.responsible,
      routing,
      sector: project.sector,
      openFindings: open.length,
      note: `opened on ${open.length} open finding(s); routed to ${routing.team || '(district unknown)'}${routing.coRegulator ? ` and ${routing.coRegulator}` : ''}${routing.policeLiaison ? ' and the police liaison' : ''}`,
    });
  } else if (state.status === 'closed' && open.some((f) => !facts.closedOver?.has(f.findingId))) {
    const cycle = state.cycle + 1;
    const fresh = open.filter((f) => !facts.closedOver?.has(f.findingId)).length;
    apply({
      type: 'case.reopened',
      cycle,
      openFindings: open.length,
      note:
        fresh === open.length
          ? `reopened (cycle ${cycle}): ${open.length} open finding(s)`
          : `reopened (cycle ${cycle}): ${fresh} new open finding(s) beside the ${open.length - fresh} its closing covered`,
    });
  }
  const current = (): CaseState => {
    if (!state) throw new Error('no case state');
    return state;
  };

  // Attach the findings the case does not hold yet.
  const fresh = findings.filter((f) => !facts.attached.has(f.findingId));
  if (fresh.length) {
    const rules = new Map<string, number>();
    for (const f of fresh) rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1);
    apply({
      type: 'findings.attached',
      cycle: current().cycle,
      findingIds: fresh.map((f) => f.findingId),
      note: [...rules].map(([r, n]) => `${r} × ${n}`).join(', '),
    });
  }

  // Routing follows the project's registration and the findings (police liaison is sticky).
  const before = current();
  const routing = routeCase(project, findings, before.routing.policeLiaison);
  if (!sameRouting(routing, before.routing) || project.sector !== before.sector) {
    const referredToPolice = routing.policeLiaison && !before.routing.policeLiaison;
    apply({
      type: 'case.routed',
      routing,
      sector: project.sector,
      referredToPolice,
      note: `team ${routing.team || '(unknown)'}; co-regulator ${routing.coRegulator ?? 'none'}${referredToPolice ? '; referred to the police liaison (刑事司法联动)' : ''}`,
    });
  }

  if (current().status !== 'open') return events;
  const stored = current();
  const { caseId, cycle } = stored;
  const ladder = ctx.ladder ?? DEFAULT_LADDER_CONFIG;
  const verdict = ladderStep(
    {
      caseId,
      cycle,
      findings,
      stepsTaken: facts.stepsTaken,
      justifications: facts.justifications.filter((j) => j.cycle === cycle),
    },
    ctx.asOf,
    ctx.calendar,
    ladder,
  );
  const today = shanghaiDate(ctx.asOf);
  let steps = 0;
  for (const step of verdict.due) {
    if (facts.stepsTaken.has(step.key)) continue;
    steps++;
    apply({
      type: 'case.escalated',
      step,
      level: higherLevel(current().level, step.step),
      openFindings: open.length,
      ...(step.step === 'inspection-task'
        ? { task: workingDaysAfter(ctx.calendar, today, ladder.taskSlaWorkingDays) }
        : {}),
    });
  }
  for (const note of verdict.warnings) {
    const key = `${stepKeyOf(caseId, cycle, 'notice')}:calendar:${today.slice(0, 4)}`;
    if (!facts.stepsTaken.has(key)) apply({ type: 'calendar.warned', key, note });
  }

  let deadline = verdict.next?.dueOn ?? null;
  // The winter campaign: every open case is to be closed before the Spring Festival.
  const winter = winterCampaign(ctx.asOf, ctx.calendar, ctx.campaigns ?? DEFAULT_CAMPAIGN_CONFIG);
  if (winter.active && winter.eve && winter.season && open.length > 0) {
    if (!deadline || compareDates(winter.eve, deadline) < 0) deadline = winter.eve;
    const key = `${caseId}:winter:${winter.season}`;
    if (!facts.stepsTaken.has(key)) {
      apply({
        type: 'winter.deadline-set',
        key,
        season: winter.season,
        eve: winter.eve,
        note: `winter campaign ${winter.season}: to be closed before the Spring Festival, by ${winter.eve}; wage findings count one severity step higher`,
      });
    }
  }
  const pausedUntil = verdict.pausedUntil ?? null;
  const level = current().level;
  if (level !== stored.level || deadline !== stored.deadline || pausedUntil !== stored.pausedUntil || steps) {
    apply({ type: 'case.scheduled', level, deadline, pausedUntil });
  }

  // Closes when every finding is resolved and every task is done.
  if (open.length === 0 && facts.pendingTasks === 0) apply({ type: 'case.closed', note: CLOSING_NOTE });
  return events;
}
