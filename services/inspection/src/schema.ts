import { deliveryTables } from '@wagewatch/db';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Inspection's own tables: projects as the bureau routes them, the findings read model, cases and tasks. */
export const inspection = pgSchema('inspection');
export const { outbox, inbox, cursors, deadLetters, deadLetterAttempts } = deliveryTables(inspection);

export const projects = inspection.table('projects', {
  projectId: text('project_id').primaryKey(),
  name: text('name').notNull(),
  district: text('district').notNull(),
  sector: text('sector').notNull(),
  registration: jsonb('registration').notNull(),
});

export const findings = inspection.table(
  'findings',
  {
    findingId: text('finding_id').primaryKey(),
    projectId: text('project_id').notNull(),
    district: text('district').notNull(),
    rule: text('rule').notNull(),
    status: text('status').notNull(),
    period: text('period'),
    snapshot: jsonb('snapshot').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('inspection_findings_project_idx').on(t.projectId, t.status),
    index('inspection_findings_district_idx').on(t.district, t.status),
    // Cases and employer risk grades look findings up by their responsible party.
    index('inspection_findings_responsible_idx').on(sql`(${t.snapshot}->'responsible'->>'code')`),
  ],
);

/**
 * Cases: one project's findings against one responsible party (key `projectId|code`), routed
 * to the district's team, the sector's regulator and, at the criminal threshold, the police.
 */
export const cases = inspection.table(
  'cases',
  {
    caseId: text('case_id').primaryKey(),
    caseKey: text('case_key').notNull().unique(),
    projectId: text('project_id').notNull(),
    employerKind: text('employer_kind').notNull(),
    employerCode: text('employer_code').notNull(),
    employerName: text('employer_name').notNull(),
    district: text('district').notNull(),
    sector: text('sector').notNull(),
    coRegulator: text('co_regulator'),
    policeLiaison: boolean('police_liaison').notNull().default(false),
    status: text('status').notNull(),
    /** The highest ladder step taken in this cycle: none, notice, warning, inspection-task, critical. */
    level: text('level').notNull().default('none'),
    /** 1, then + 1 on every reopening. */
    cycle: integer('cycle').notNull().default(1),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    reopenedAt: timestamp('reopened_at', { withTimezone: true }),
    /** The date of the next ladder step (or a campaign's deadline). */
    deadline: date('deadline'),
    pausedUntil: date('paused_until'),
    /** Who closed the case last: `system` (every finding resolved, every task done) or a person (ADR 0020). */
    closedBy: text('closed_by'),
    /** A person's closing: its outcome (paid-verified, not-a-breach, transferred, other) and reason. */
    closingOutcome: text('closing_outcome'),
    closingReason: text('closing_reason'),
    /** The open findings a person's closing covered: they do not reopen the case (cleared on reopening). */
    closedOver: text('closed_over').array().notNull().default(sql`'{}'::text[]`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('inspection_cases_district_idx').on(t.district, t.status),
    index('inspection_cases_project_idx').on(t.projectId),
    index('inspection_cases_employer_idx').on(t.employerCode),
  ],
);

export const caseFindings = inspection.table(
  'case_findings',
  {
    caseId: text('case_id').notNull(),
    findingId: text('finding_id').notNull(),
    cycle: integer('cycle').notNull(),
    attachedAt: timestamp('attached_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.findingId] }),
    index('inspection_case_findings_finding_idx').on(t.findingId),
  ],
);

/** Every step and lifecycle change of a case: who, what, when. A ladder step's key is unique. */
export const caseHistory = inspection.table(
  'case_history',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    caseId: text('case_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    stepKey: text('step_key').unique(),
    note: text('note'),
    detail: jsonb('detail'),
  },
  (t) => [index('inspection_case_history_case_idx').on(t.caseId, t.id)],
);

/**
 * The documents the bureau issues on a case (责令改正指令书, 移送书): numbered, with the content as
 * issued (what the page and the PDF render, unchanged by later findings), and for a referral the
 * police liaison's acknowledgement.
 */
export const caseOrders = inspection.table(
  'case_orders',
  {
    orderId: text('order_id').primaryKey(),
    orderNo: text('order_no').notNull().unique(),
    caseId: text('case_id').notNull(),
    cycle: integer('cycle').notNull(),
    kind: text('kind').notNull(),
    district: text('district').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    issuedBy: text('issued_by').notNull(),
    deadline: date('deadline'),
    content: jsonb('content').notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgement: text('acknowledgement'),
  },
  (t) => [index('inspection_case_orders_case_idx').on(t.caseId, t.issuedAt)],
);

/** The last number given in each series and year (an order's number is taken in its transaction). */
export const orderNumbers = inspection.table(
  'order_numbers',
  {
    series: text('series').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.series, t.year] })],
);

/**
 * 欠薪线索 (issue 14 §5): what workers report from the public page. On a registered project the
 * clue is a `worker-complaint` finding (`finding_id`) from the moment it is received; on a project
 * the worker could not find it waits in its district until an inspector routes it to one. The
 * phone and the worker's own words stay here, for inspectors (a finding is read by the project
 * manager too). `status`: open until a final answer.
 */
export const clues = inspection.table(
  'clues',
  {
    clueId: text('clue_id').primaryKey(),
    reference: text('reference').notNull().unique(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    district: text('district').notNull(),
    projectId: text('project_id'),
    /** The project as the worker named it, when they could not find it in the list. */
    projectText: text('project_text'),
    name: text('name').notNull(),
    idNumber: text('id_number').notNull(),
    phone: text('phone').notNull(),
    months: jsonb('months').notNull(),
    amountFen: bigint('amount_fen', { mode: 'bigint' }).notNull(),
    description: text('description').notNull(),
    status: text('status').notNull(),
    findingId: text('finding_id'),
    routedAt: timestamp('routed_at', { withTimezone: true }),
    routedBy: text('routed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('inspection_clues_district_idx').on(t.district, t.status, t.receivedAt)],
);

/** The inspectors' answers to a clue, in order: what the worker reads on the page. */
export const clueAnswers = inspection.table(
  'clue_answers',
  {
    clueId: text('clue_id').notNull(),
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    by: text('by').notNull(),
    outcome: text('outcome').notNull(),
    text: text('text').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clueId, t.seq] })],
);

export const tasks = inspection.table(
  'tasks',
  {
    taskId: text('task_id').primaryKey(),
    caseId: text('case_id').notNull(),
    projectId: text('project_id').notNull(),
    district: text('district').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    assignee: text('assignee'),
    /** The SLA: the date the task is due. */
    dueOn: date('due_on').notNull(),
    /** The ladder step that opened it (idempotency). */
    stepKey: text('step_key').unique(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('inspection_tasks_case_idx').on(t.caseId),
    index('inspection_tasks_district_idx').on(t.district, t.status),
    index('inspection_tasks_assignee_idx').on(t.assignee, t.status),
  ],
);

/** The audit trail of a task: who (key id) did what, when. */
export const taskEvents = inspection.table(
  'task_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    taskId: text('task_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
  },
  (t) => [index('inspection_task_events_task_idx').on(t.taskId, t.id)],
);

export const justifications = inspection.table(
  'justifications',
  {
    justificationId: uuid('justification_id').primaryKey(),
    caseId: text('case_id').notNull(),
    cycle: integer('cycle').notNull(),
    text: text('text').notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    decision: text('decision'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    /** Last day (inclusive) an accepted justification pauses the ladder. */
    pausedUntil: date('paused_until'),
    /**
     * On a critical case, one inspector's acceptance awaiting a second person (decision
     * `awaiting-confirmation`): who proposed it, when, why, and the pause it would set; kept after
     * the confirmation so both persons stay on record (docs/adr/0016-two-person-confirmation.md).
     */
    proposedBy: text('proposed_by'),
    proposedAt: timestamp('proposed_at', { withTimezone: true }),
    proposedReason: text('proposed_reason'),
    proposedPauseUntil: date('proposed_pause_until'),
  },
  (t) => [index('inspection_justifications_case_idx').on(t.caseId)],
);

/** The latest risk grade of each project and employer (recomputed on every event). */
export const riskGrades = inspection.table(
  'risk_grades',
  {
    subjectKind: text('subject_kind').notNull(),
    subjectId: text('subject_id').notNull(),
    grade: text('grade').notNull(),
    score: integer('score').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
    inputs: jsonb('inputs').notNull(),
    /** Where the subject has projects (scoping an employer's grade). */
    districts: text('districts').array().notNull(),
    projectIds: text('project_ids').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.subjectKind, t.subjectId] })],
);

/** Cases whose findings changed since they were last evaluated (marked in the consumer's transaction). */
export const dirtyCases = inspection.table('dirty_cases', {
  caseKey: text('case_key').primaryKey(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
});

/**
 * When each open case's ladder can next change without an event: the end of the Shanghai day it
 * was last evaluated on (its steps, SLAs, pauses and the winter campaign move with the date). The
 * sweep evaluates the open cases due and those with no row (docs/adr/0022); emptied at every start.
 */
export const caseDue = inspection.table(
  'case_due',
  {
    caseKey: text('case_key').primaryKey(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('inspection_case_due_at_idx').on(t.dueAt)],
);

/** The evaluation instant of the ladder: the latest "as of" a sweep has run at (monotonic). */
export const evaluationClock = inspection.table('evaluation_clock', {
  id: integer('id').primaryKey(),
  asOf: timestamp('as_of', { withTimezone: true }).notNull(),
});

/**
 * Every alert the inspection raises (case alerts and campaign alerts), in the order recorded:
 * GET /v1/alerts reads it and the SSE stream resumes from its id (Last-Event-ID).
 */
export const alerts = inspection.table(
  'alerts',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    type: text('type').notNull(),
    district: text('district').notNull(),
    projectId: text('project_id'),
    occurrence: text('occurrence'),
    data: jsonb('data').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('inspection_alerts_district_idx').on(t.district, t.id)],
);

/** The campaign occurrences run (key e.g. `holiday-audit:national-day:2026`): each runs once. */
export const campaignRuns = inspection.table('campaign_runs', {
  occurrence: text('occurrence').primaryKey(),
  kind: text('kind').notNull(),
  asOf: timestamp('as_of', { withTimezone: true }).notNull(),
  ranAt: timestamp('ran_at', { withTimezone: true }).notNull(),
  detail: jsonb('detail'),
});

/** Campaign reports (holiday audits, winter progress, screenings), one per occurrence and district. */
export const campaignReports = inspection.table(
  'campaign_reports',
  {
    reportId: text('report_id').primaryKey(),
    kind: text('kind').notNull(),
    occurrence: text('occurrence').notNull(),
    district: text('district').notNull(),
    title: text('title').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    data: jsonb('data').notNull(),
  },
  (t) => [index('inspection_campaign_reports_kind_idx').on(t.kind, t.district, t.createdAt)],
);

/** Webhook subscribers: alert types and task events, optionally limited to districts. */
export const webhooks = inspection.table('webhooks', {
  webhookId: uuid('webhook_id').primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  events: text('events').array().notNull(),
  districts: text('districts').array(),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  /** The outbox position when it subscribed: it receives the events after it. */
  fromSeq: bigint('from_seq', { mode: 'bigint' }).notNull(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
});

/** One event to deliver to one subscriber, retried with exponential backoff until delivered or given up. */
export const webhookDeliveries = inspection.table(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    webhookId: uuid('webhook_id').notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    index('inspection_webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('inspection_webhook_deliveries_hook_idx').on(t.webhookId, t.id),
    uniqueIndex('inspection_webhook_deliveries_event_idx').on(t.webhookId, t.eventId),
  ],
);

/** The delivery log: every attempt, its response status (or error) and how long it took. */
export const webhookAttempts = inspection.table(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    deliveryId: bigint('delivery_id', { mode: 'bigint' }).notNull(),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('inspection_webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);

/** How far in the outbox the webhook fan-out has looked (the last seq enqueued). */
export const webhookCursor = inspection.table('webhook_cursor', {
  id: integer('id').primaryKey(),
  seq: bigint('seq', { mode: 'bigint' }).notNull(),
});

/**
 * The real-name registry as inspection needs it (patrol plans, bulletins): who is enrolled on a
 * project and when, keyed by a SHA-256 of the ID number (inspection keeps no ID numbers of
 * workers who have not reported anything themselves).
 */
export const registeredWorkers = inspection.table(
  'registered_workers',
  {
    projectId: text('project_id').notNull(),
    workerKey: text('worker_key').notNull(),
    enrolledOn: date('enrolled_on').notNull(),
    leftOn: date('left_on'),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.workerKey] })],
);

/** Deposits drawn (动用工资保证金) as the banks report them, for the bulletins. */
export const depositDraws = inspection.table(
  'deposit_draws',
  {
    bankRef: text('bank_ref').notNull(),
    bankCode: text('bank_code').notNull(),
    projectId: text('project_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.bankCode, t.bankRef] }),
    index('inspection_deposit_draws_at_idx').on(t.occurredAt),
  ],
);

/**
 * 日常巡查: the visits of a quarter's patrol plan (one row per employer, district and visit
 * slot; `patrol_key` makes drawing the plan again idempotent) and, once made, the inspector's
 * record of the visit and the finding it raised.
 */
export const patrols = inspection.table(
  'patrols',
  {
    patrolId: text('patrol_id').primaryKey(),
    patrolKey: text('patrol_key').notNull().unique(),
    quarter: text('quarter').notNull(),
    district: text('district').notNull(),
    employerCode: text('employer_code').notNull(),
    employerName: text('employer_name').notNull(),
    /** The employer's projects in the district and their registered workers, when planned. */
    projects: jsonb('projects').notNull(),
    workers: integer('workers').notNull(),
    riskGrade: text('risk_grade'),
    slot: integer('slot').notNull(),
    visits: integer('visits').notNull(),
    assignee: text('assignee'),
    dueOn: date('due_on').notNull(),
    warnings: jsonb('warnings').notNull(),
    status: text('status').notNull(),
    plannedAt: timestamp('planned_at', { withTimezone: true }).notNull(),
    visitedAt: timestamp('visited_at', { withTimezone: true }),
    visitedBy: text('visited_by'),
    visit: jsonb('visit'),
    findingId: text('finding_id'),
  },
  (t) => [
    index('inspection_patrols_district_idx').on(t.district, t.quarter),
    index('inspection_patrols_assignee_idx').on(t.assignee, t.status),
  ],
);
