import { deliveryTables } from '@wagewatch/db';
import { evaluationTables } from '@wagewatch/evaluation';
import {
  bigint,
  boolean,
  date,
  index,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** The deposits service's own tables: projects' deposits, contractors' records, deposit findings. */
export const deposits = pgSchema('deposits');
export const { outbox, inbox, cursors, deadLetters, deadLetterAttempts } = deliveryTables(deposits);
/** Findings, evaluation clock, due index, dirty marks: the evaluation kit's (packages/evaluation). */
export const { findings, evaluationClock, evaluationDue, dirtyProjects } = evaluationTables(deposits);

/** What the deposit rules need of a registered project, and the last required amount seen. */
export const projects = deposits.table(
  'projects',
  {
    projectId: text('project_id').primaryKey(),
    district: text('district').notNull(),
    contractorCode: text('contractor_code').notNull(),
    contractorName: text('contractor_name').notNull(),
    contractValueFen: bigint('contract_value_fen', { mode: 'bigint' }).notNull(),
    permitDate: date('permit_date').notNull(),
    plannedEndDate: date('planned_end_date').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull(),
    /** The required amount at the last evaluation (to see it rise). */
    lastRequiredFen: bigint('last_required_fen', { mode: 'bigint' }),
    /** When the required amount last rose. */
    requiredSince: timestamp('required_since', { withTimezone: true }),
    eventId: uuid('event_id').notNull(),
  },
  (t) => [index('deposits_projects_contractor_idx').on(t.contractorCode)],
);

/** Events on each project's deposit as the bank reported them. */
export const depositEvents = deposits.table(
  'deposit_events',
  {
    bankCode: text('bank_code').notNull(),
    bankRef: text('bank_ref').notNull(),
    projectId: text('project_id').notNull(),
    kind: text('kind').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    record: jsonb('record').notNull(),
    eventId: uuid('event_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.bankCode, t.bankRef] }),
    index('deposits_events_project_idx').on(t.projectId),
  ],
);

/** A contractor (by credit code): when it first registered a project. */
export const contractors = deposits.table('contractors', {
  contractorCode: text('contractor_code').primaryKey(),
  firstSeen: date('first_seen').notNull(),
});

/** Every wage-arrears finding against a contractor (its record), from the findings topic. */
export const contractorFindings = deposits.table(
  'contractor_findings',
  {
    findingId: text('finding_id').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    contractorCode: text('contractor_code').notNull(),
    projectId: text('project_id').notNull(),
    rule: text('rule').notNull(),
    policeReferral: boolean('police_referral').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.findingId, t.raisedAt] }),
    index('deposits_contractor_findings_code_idx').on(t.contractorCode),
  ],
);
