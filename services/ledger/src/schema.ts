import { deliveryTables } from '@wagewatch/db';
import { evaluationTables } from '@wagewatch/evaluation';
import {
  bigint,
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

/** The ledger's own tables: obligations, transfers, statements, findings. */
export const ledger = pgSchema('ledger');
export const { outbox, inbox, cursors, deadLetters, deadLetterAttempts } = deliveryTables(ledger);
/** Findings, evaluation clock, due index, dirty marks: the evaluation kit's (packages/evaluation). */
export const { findings, evaluationClock, evaluationDue, dirtyProjects } = evaluationTables(ledger);

export const projects = ledger.table('projects', {
  projectId: text('project_id').primaryKey(),
  district: text('district').notNull(),
  bankCode: text('bank_code').notNull(),
  accountNo: text('account_no').notNull().unique(),
  terms: jsonb('terms').notNull(),
  eventId: uuid('event_id').notNull(),
});

export const workers = ledger.table(
  'workers',
  {
    projectId: text('project_id').notNull(),
    idNumber: text('id_number').notNull(),
    name: text('name').notNull(),
    accountNo: text('account_no').notNull(),
    enrolledOn: date('enrolled_on').notNull(),
    leftOn: date('left_on'),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.idNumber] }),
    index('ledger_workers_account_idx').on(t.accountNo),
    // 工资查询: a worker's registrations by ID number, across projects (issue 14 §5).
    index('ledger_workers_id_number_idx').on(t.idNumber),
  ],
);

export const payrollSheets = ledger.table(
  'payroll_sheets',
  {
    sheetId: uuid('sheet_id').primaryKey(),
    projectId: text('project_id').notNull(),
    period: text('period').notNull(),
    version: integer('version').notNull(),
    parts: integer('parts').notNull(),
    partsReceived: integer('parts_received').notNull(),
    /** When the version took effect: its submission, or the approval of its correction request. */
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    eventIds: text('event_ids').array().notNull(),
  },
  (t) => [unique('ledger_sheet_version_uq').on(t.projectId, t.period, t.version)],
);

export const payrollLines = ledger.table(
  'payroll_lines',
  {
    sheetId: uuid('sheet_id').notNull(),
    idNumber: text('id_number').notNull(),
    name: text('name').notNull(),
    amountDueFen: bigint('amount_due_fen', { mode: 'bigint' }).notNull(),
    signed: boolean('signed').notNull(),
    /** Days worked and the gross pay as the sheet gives them (null: not given, or before migration 0008). */
    daysWorked: numeric('days_worked'),
    grossFen: bigint('gross_fen', { mode: 'bigint' }),
  },
  (t) => [primaryKey({ columns: [t.sheetId, t.idNumber] })],
);

export const transfers = ledger.table(
  'transfers',
  {
    bankCode: text('bank_code').notNull(),
    bankRef: text('bank_ref').notNull(),
    projectId: text('project_id').notNull(),
    accountNo: text('account_no').notNull(),
    direction: text('direction').notNull(),
    amountFen: bigint('amount_fen', { mode: 'bigint' }).notNull(),
    counterpartyAccountNo: text('counterparty_account_no').notNull(),
    counterpartyName: text('counterparty_name').notNull(),
    counterpartyIdNumber: text('counterparty_id_number'),
    bookedAt: timestamp('booked_at', { withTimezone: true }).notNull(),
    status: text('status').notNull(),
    originalBankRef: text('original_bank_ref'),
    purpose: text('purpose'),
    eventId: uuid('event_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.bankCode, t.bankRef] }),
    index('ledger_transfers_project_idx').on(t.projectId),
    index('ledger_transfers_counterparty_idx').on(t.counterpartyAccountNo),
    // The evaluation reads an account's movements in booking order (state.ts): without it, every
    // project's evaluation scanned the whole city's transfers (issue 13; bench:sweep measures it).
    index('ledger_transfers_account_idx').on(t.accountNo, t.bookedAt),
  ],
);

export const statements = ledger.table(
  'statements',
  {
    accountNo: text('account_no').notNull(),
    statementDate: date('statement_date').notNull(),
    projectId: text('project_id').notNull(),
    openingFen: bigint('opening_fen', { mode: 'bigint' }).notNull(),
    closingFen: bigint('closing_fen', { mode: 'bigint' }).notNull(),
    debitCount: integer('debit_count').notNull(),
    debitFen: bigint('debit_fen', { mode: 'bigint' }).notNull(),
    creditCount: integer('credit_count').notNull(),
    creditFen: bigint('credit_fen', { mode: 'bigint' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    eventId: uuid('event_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountNo, t.statementDate] }),
    index('ledger_statements_project_idx').on(t.projectId),
  ],
);

/**
 * Rule 8's outlook of each pay date in the balance-short window, as of the project's last
 * evaluation (the `payDate` observer of `evaluateProject`): replaced per project in the
 * transaction that records its findings, read by `GET /v1/dashboard/payments` (docs/adr/0021).
 */
export const payDateOutlooks = ledger.table(
  'pay_date_outlooks',
  {
    projectId: text('project_id').notNull(),
    period: text('period').notNull(),
    dueDate: date('due_date').notNull(),
    /** What rule 8 compares with the balance; null when no sheet tells it. */
    owedFen: bigint('owed_fen', { mode: 'bigint' }),
    /** The latest statement plus the movements since; null before any statement. */
    balanceFen: bigint('balance_fen', { mode: 'bigint' }),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.period] }),
    index('ledger_pay_date_outlooks_due_idx').on(t.dueDate),
  ],
);

/**
 * The payment rates of each project and pay period whose due date has ended (issue 14, the domain's
 * rates/rates.ts): workers due, paid in full on time, paid anything on time, paid in full by now,
 * the amounts, and the workers by the share of their net paid on time in 5 % steps (21 counts), so
 * that any policy's threshold applies when they are read. Written by the evaluation of the
 * project in the transaction that records its findings: the months it read (its open months)
 * are replaced, a closed month keeps the figures it had when it closed.
 */
export const periodRates = ledger.table(
  'period_rates',
  {
    projectId: text('project_id').notNull(),
    period: text('period').notNull(),
    dueDate: date('due_date').notNull(),
    workersDue: integer('workers_due').notNull(),
    paidInFullOnTime: integer('paid_in_full_on_time').notNull(),
    paidAnyOnTime: integer('paid_any_on_time').notNull(),
    paidInFull: integer('paid_in_full').notNull(),
    amountDueFen: bigint('amount_due_fen', { mode: 'bigint' }).notNull(),
    amountPaidOnTimeFen: bigint('amount_paid_on_time_fen', { mode: 'bigint' }).notNull(),
    amountPaidFen: bigint('amount_paid_fen', { mode: 'bigint' }).notNull(),
    onTimeShares: integer('on_time_shares').array().notNull(),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.period] }),
    index('ledger_period_rates_period_idx').on(t.period),
  ],
);

/**
 * Each project's closed months (docs/adr/0023): the summary the evaluation that closed them wrote
 * (`closeMonths`, the domain's closing-months.ts), so that later evaluations read only the rows
 * after the cut. `generation` is bumped by every ledger event about the project (consumer.ts);
 * an evaluation writes its summary only if the generation is the one it read, so a summary never
 * stands for rows it did not see. `summary` null: dropped (an event touched the closed range).
 */
export const closedMonths = ledger.table('closed_months', {
  projectId: text('project_id').primaryKey(),
  generation: bigint('generation', { mode: 'number' }).notNull().default(0),
  /** The last closed period; the sheets read are those after it. */
  through: text('through'),
  /** Statements read are those dated on or after it. */
  cutDate: date('cut_date'),
  /** Transfers read are those booked at or after it (00:00 of cut_date in Shanghai). */
  cutAt: timestamp('cut_at', { withTimezone: true }),
  /** The evaluation instant that wrote the summary: it holds only for that instant and later ones. */
  closedAt: timestamp('closed_at', { withTimezone: true }),
  /** ClosedMonths as encodeClosedMonths writes it. */
  summary: jsonb('summary'),
});
