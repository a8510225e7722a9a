import { deliveryTables } from '@wagewatch/db';
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';

/** The ingest service's own tables: what callers submitted, as accepted. */
export const ingest = pgSchema('ingest');
export const { outbox, inbox, cursors, deadLetters, deadLetterAttempts } = deliveryTables(ingest);

export const projects = ingest.table('projects', {
  projectId: text('project_id').primaryKey(),
  name: text('name').notNull(),
  district: text('district').notNull(),
  sector: text('sector').notNull(),
  bankCode: text('bank_code').notNull(),
  accountNo: text('account_no').notNull().unique(),
  startDate: date('start_date').notNull(),
  registration: jsonb('registration').notNull(),
  registeredAt: timestamp('registered_at', { withTimezone: true }).notNull(),
});

export const workers = ingest.table(
  'workers',
  {
    projectId: text('project_id').notNull(),
    idNumber: text('id_number').notNull(),
    name: text('name').notNull(),
    accountNo: text('account_no').notNull(),
    record: jsonb('record').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.idNumber] })],
);

export const payrollSheets = ingest.table(
  'payroll_sheets',
  {
    sheetId: uuid('sheet_id').primaryKey(),
    projectId: text('project_id').notNull(),
    period: text('period').notNull(),
    version: integer('version').notNull(),
    source: text('source').notNull(),
    filename: text('filename'),
    lineCount: integer('line_count').notNull(),
    rejectedCount: integer('rejected_count').notNull(),
    submittedBy: text('submitted_by').notNull(),
    /** The submitter's role (admin or project-manager); null on sheets accepted before it was kept. */
    submittedRole: text('submitted_role'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    /** The submitter's reason; required when the version is a correction request. */
    reason: text('reason'),
    /**
     * When this version became the one in effect: at submission, or when an inspector approved
     * its correction request; null while pending, and for a rejected or superseded request.
     */
    tookEffectAt: timestamp('took_effect_at', { withTimezone: true }),
  },
  (t) => [unique('payroll_sheets_version_uq').on(t.projectId, t.period, t.version)],
);

/**
 * A version submitted after its due date that lowers what a worker is owed or leaves a worker
 * out (DOMAIN.md "Corrections after the due date"): it waits for an inspector of the project's
 * district. `status`: pending, approved, rejected, or superseded (a later version of the same
 * month arrived before a decision).
 */
export const payrollCorrections = ingest.table(
  'payroll_corrections',
  {
    correctionId: uuid('correction_id').primaryKey(),
    sheetId: uuid('sheet_id').notNull().unique(),
    projectId: text('project_id').notNull(),
    period: text('period').notNull(),
    version: integer('version').notNull(),
    /** The version in effect when the request was made, which it would replace. */
    baseVersion: integer('base_version').notNull(),
    dueDate: date('due_date').notNull(),
    reason: text('reason').notNull(),
    /** Lowered, dropped, raised and added lines against the base version (amounts in fen, as strings). */
    changes: jsonb('changes').notNull(),
    status: text('status').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedRole: text('requested_role').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedRole: text('decided_role'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    supersededByVersion: integer('superseded_by_version'),
  },
  (t) => [
    index('payroll_corrections_project_period_idx').on(t.projectId, t.period),
    index('payroll_corrections_status_idx').on(t.status),
  ],
);

export const payrollLines = ingest.table(
  'payroll_lines',
  {
    sheetId: uuid('sheet_id').notNull(),
    sourceRow: integer('source_row').notNull(),
    idNumber: text('id_number').notNull(),
    name: text('name').notNull(),
    daysWorked: numeric('days_worked'),
    amountDueFen: bigint('amount_due_fen', { mode: 'bigint' }).notNull(),
    grossFen: bigint('gross_fen', { mode: 'bigint' }),
    signed: boolean('signed').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sheetId, t.sourceRow] })],
);

export const bankTransfers = ingest.table(
  'bank_transfers',
  {
    bankCode: text('bank_code').notNull(),
    bankRef: text('bank_ref').notNull(),
    projectId: text('project_id').notNull(),
    accountNo: text('account_no').notNull(),
    record: jsonb('record').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bankCode, t.bankRef] })],
);

export const bankStatements = ingest.table(
  'bank_statements',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    bankCode: text('bank_code').notNull(),
    accountNo: text('account_no').notNull(),
    statementDate: date('statement_date').notNull(),
    fingerprint: text('fingerprint').notNull(),
    record: jsonb('record').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('bank_statements_account_date_idx').on(t.accountNo, t.statementDate)],
);

/** Events on projects' wage-guarantee deposits, as the banks reported them (bankRef unique per bank). */
export const depositEvents = ingest.table(
  'deposit_events',
  {
    bankCode: text('bank_code').notNull(),
    bankRef: text('bank_ref').notNull(),
    projectId: text('project_id').notNull(),
    kind: text('kind').notNull(),
    record: jsonb('record').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.bankCode, t.bankRef] }),
    index('deposit_events_project_idx').on(t.projectId),
  ],
);

/**
 * The replay clock's instant (`WAGEWATCH_CLOCK=manual`, distributed mode): the latest instant
 * an admin moved this process's clock to, so a restart resumes the replay where it was.
 */
export const clockInstant = ingest.table('clock_instant', {
  id: integer('id').primaryKey(),
  asOf: timestamp('as_of', { withTimezone: true }).notNull(),
});

/**
 * Bank records a consumer reported it could not apply (its `delivery.dead-lettered` notices on
 * wagewatch.deliveries.v1): while one is open, the bank's repeat of the record is answered as
 * dead-lettered with the consumer's reason, not as a duplicate already applied. A
 * `delivery.reapplied` notice closes it. ref: the bankRef, or `accountNo|date` of a statement.
 */
export const deadLetteredRecords = ingest.table(
  'dead_lettered_records',
  {
    bankCode: text('bank_code').notNull(),
    recordKind: text('record_kind').notNull(),
    ref: text('ref').notNull(),
    consumer: text('consumer').notNull(),
    deadLetterId: text('dead_letter_id').notNull(),
    reason: text('reason').notNull(),
    deadLetteredAt: timestamp('dead_lettered_at', { withTimezone: true }).notNull(),
    reappliedAt: timestamp('reapplied_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.bankCode, t.recordKind, t.ref, t.consumer] })],
);
