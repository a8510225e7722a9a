import { RULE_CODES, SEVERITIES } from '@wagewatch/domain';
import { z } from 'zod';
import { boundedText, TEXT_LIMITS as L, MAX_COUNT, recordDate, recordInstant } from './bounds.ts';
import { auditRaisedData, screeningCompletedData, winterProgressData } from './campaigns.ts';
import { caseAlertData, taskEventData } from './inspection.ts';
import { localDateString, periodString, signedYuanString, totalYuanString, yuanString } from './money.ts';

export const SECTORS = ['housing', 'transport', 'water', 'other'] as const;
export const sectorSchema = z.enum(SECTORS);
export type Sector = z.infer<typeof sectorSchema>;

export const partySchema = z.object({ name: boundedText(L.partyName), creditCode: z.string().length(18) });
/** The owner, with the account it allocates the labour cost from when known. */
export const ownerSchema = partySchema.extend({ accountNo: boundedText(L.accountNo).optional() });
/** A person the public may call: the site's labour officer. */
export const labourOfficerSchema = z.object({
  name: boundedText(L.personName),
  phone: z.string().regex(/^[0-9+][0-9 ()+-]{4,29}$/, 'must be a telephone number'),
});

export const projectRegisteredData = z.object({
  projectId: boundedText(L.projectId),
  name: boundedText(L.projectName),
  district: boundedText(L.district),
  sector: sectorSchema,
  owner: ownerSchema,
  contractor: partySchema,
  contractValue: yuanString,
  permitDate: recordDate,
  startDate: recordDate,
  plannedEndDate: recordDate,
  wageAccount: z.object({ bankCode: boundedText(L.code), accountNo: boundedText(L.accountNo) }),
  payDay: z.number().int().min(1).max(31),
  payMonthOffset: z.number().int().min(0).max(2),
  /** Labour-cost allocation cycle in days (at most one month); absent: one calendar month. */
  allocationCycleDays: z.number().int().min(1).max(31).optional(),
  /** The site's labour officer (劳资专管员), named on the public notice board (Decree 724 Art 34). */
  labourOfficer: labourOfficerSchema.optional(),
  /** Complaint channels for the board; absent: 12333 and the district bureau (render-time default). */
  complaintChannels: z.array(boundedText(200)).max(10).optional(),
  /** The local minimum wage in yuan per month; absent: the district's configured figure. */
  minimumWage: yuanString.optional(),
  /** The service's own clock (a replay's may be before the window): not a reported instant. */
  registeredAt: z.iso.datetime({ offset: true }),
});
export type ProjectRegistered = z.infer<typeof projectRegisteredData>;

export const workerRecord = z.object({
  idNumber: z.string().length(18),
  name: boundedText(L.personName),
  accountNo: boundedText(L.accountNo),
  bankCode: boundedText(L.code).optional(),
  subcontractor: partySchema.optional(),
  team: boundedText(L.team).optional(),
  enrolledOn: recordDate,
  leftOn: recordDate.optional(),
});
export type WorkerRecord = z.infer<typeof workerRecord>;
export const workersRegisteredData = z.object({
  projectId: boundedText(L.projectId),
  workers: z.array(workerRecord),
});
export type WorkersRegistered = z.infer<typeof workersRegisteredData>;

export const payrollLineRecord = z.object({
  idNumber: z.string().length(18),
  name: boundedText(L.personName),
  daysWorked: z.number().min(0).max(31).nullable(),
  amountDue: yuanString,
  grossAmount: yuanString.optional(),
  signed: z.boolean(),
  sourceRow: z.number().int().min(0).max(1_000_000),
});
export type PayrollLineRecord = z.infer<typeof payrollLineRecord>;
/** One sheet may travel in several parts (at most PAYROLL_PART_SIZE lines each). */
export const payrollSubmittedData = z.object({
  projectId: boundedText(L.projectId),
  period: periodString,
  sheetId: z.uuid(),
  version: z.number().int().positive(),
  part: z.number().int().positive(),
  parts: z.number().int().positive(),
  /** The service's own clock (a replay's may be before the window): not a reported instant. */
  submittedAt: z.iso.datetime({ offset: true }),
  /**
   * When the version took effect, if not when it was submitted: an approved correction request
   * takes effect when the inspector approves it (DOMAIN.md "Corrections after the due date").
   * Optional, so v1 messages without it stay valid: absent means at submission.
   */
  effectiveAt: z.iso.datetime({ offset: true }).optional(),
  lines: z.array(payrollLineRecord),
});
export type PayrollSubmitted = z.infer<typeof payrollSubmittedData>;
export const PAYROLL_PART_SIZE = 500;

export const TRANSFER_DIRECTIONS = ['debit', 'credit'] as const;
export const TRANSFER_STATUSES = ['booked', 'failed', 'returned'] as const;
export const transferRecord = z.object({
  bankRef: boundedText(L.reference),
  accountNo: boundedText(L.accountNo),
  direction: z.enum(TRANSFER_DIRECTIONS),
  amount: yuanString,
  counterpartyAccountNo: boundedText(L.counterpartyAccount),
  counterpartyName: boundedText(L.partyName),
  counterpartyIdNumber: z.string().length(18).optional(),
  bookedAt: recordInstant,
  status: z.enum(TRANSFER_STATUSES),
  originalBankRef: boundedText(L.reference).optional(),
  purpose: boundedText(L.purpose).optional(),
});
export type TransferRecord = z.infer<typeof transferRecord>;
export const transfersReportedData = z.object({
  projectId: boundedText(L.projectId),
  bankCode: boundedText(L.code),
  transfers: z.array(transferRecord),
});
export type TransfersReported = z.infer<typeof transfersReportedData>;

/**
 * Balances are signed: a bank may report an overdrawn account, and that is evidence to keep
 * (the ledger's balance-short rule sees it below any payroll due), never a reason to refuse.
 */
export const statementReportedData = z.object({
  projectId: boundedText(L.projectId),
  bankCode: boundedText(L.code),
  accountNo: boundedText(L.accountNo),
  date: recordDate,
  openingBalance: signedYuanString,
  closingBalance: signedYuanString,
  debitCount: z.number().int().min(0).max(MAX_COUNT),
  debitTotal: yuanString,
  creditCount: z.number().int().min(0).max(MAX_COUNT),
  creditTotal: yuanString,
  /** The service's own clock (a replay's may be before the window): not a reported instant. */
  receivedAt: z.iso.datetime({ offset: true }),
});
export type StatementReported = z.infer<typeof statementReportedData>;

export const DEPOSIT_EVENT_KINDS = [
  'lodged',
  'guarantee-issued',
  'guarantee-cancelled',
  'drawn',
  'topped-up',
  'refunded',
] as const;
/**
 * One event on a project's wage-guarantee deposit, as the bank reports it (POST /v1/bank/deposits
 * records, same shape). Amount for lodged, guarantee-issued, drawn, topped-up, refunded;
 * guaranteeNo for guarantee-issued and -cancelled; validFrom/validTo for guarantee-issued;
 * noticeRef (the bureau's payment notice) for drawn.
 */
export const depositEventRecord = z.object({
  bankRef: boundedText(L.reference),
  projectId: boundedText(L.projectId),
  kind: z.enum(DEPOSIT_EVENT_KINDS),
  occurredAt: recordInstant,
  amount: yuanString.optional(),
  guaranteeNo: boundedText(L.reference).optional(),
  validFrom: recordDate.optional(),
  validTo: recordDate.optional(),
  issuer: boundedText(L.issuer).optional(),
  noticeRef: boundedText(L.reference).optional(),
});
export type DepositEventRecord = z.infer<typeof depositEventRecord>;
export const depositEventsReportedData = z.object({
  projectId: boundedText(L.projectId),
  bankCode: boundedText(L.code),
  events: z.array(depositEventRecord),
});
export type DepositEventsReported = z.infer<typeof depositEventsReportedData>;

/** The rule codes: defined once in the domain (`@wagewatch/domain` `RULE_CODES`, with each rule's basis). */
export const RULES = RULE_CODES;
export const ruleSchema = z.enum(RULES);
export type RuleCode = z.infer<typeof ruleSchema>;
export { SEVERITIES };

export const findingSnapshot = z.object({
  findingId: z.string(),
  rule: ruleSchema,
  severity: z.enum(SEVERITIES),
  status: z.enum(['open', 'resolved']),
  projectId: z.string(),
  worker: z.object({ idNumberMasked: z.string(), name: z.string() }).optional(),
  period: periodString.optional(),
  dueDate: localDateString.optional(),
  amountOwed: totalYuanString.optional(),
  amountPaid: totalYuanString.optional(),
  raisedAt: z.iso.datetime({ offset: true }),
  resolvedAt: z.iso.datetime({ offset: true }).optional(),
  responsible: z.object({
    kind: z.enum(['contractor', 'bank', 'owner']),
    name: z.string(),
    code: z.string(),
  }),
  evidence: z.array(z.string()),
  legalBasis: z.string(),
  detail: z.string(),
  warnings: z.array(z.string()).optional(),
  /** The criminal threshold of refusal to pay is reached: refer to the police. */
  policeReferral: z.boolean().optional(),
});
export type FindingSnapshot = z.infer<typeof findingSnapshot>;

/**
 * A consumer could not apply an event, or one row of a batch event (rowIndex), or has since
 * re-applied it. The bank records it concerned are named so that ingest can answer their
 * repeat truthfully: `bankRefs` of transfers or deposit events, or the statement's account and date.
 */
export const deliveryNoticeData = z.object({
  consumer: z.string().min(1),
  deadLetterId: z.string().min(1),
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  rowIndex: z.number().int().min(0).nullable(),
  reason: z.string(),
  bankCode: z.string().nullable(),
  recordKind: z.enum(['transfer', 'deposit', 'statement']).nullable(),
  /** bankRef of each transfer or deposit event; `accountNo|date` of a statement. */
  refs: z.array(z.string()),
  at: z.iso.datetime({ offset: true }),
  /** For delivery.reapplied: who re-applied it. */
  by: z.string().optional(),
});
export type DeliveryNotice = z.infer<typeof deliveryNoticeData>;

/** Every event type with its current version and data schema. */
export const EVENT_SCHEMAS = {
  'project.registered': { version: 1, data: projectRegisteredData },
  'workers.registered': { version: 1, data: workersRegisteredData },
  'payroll.submitted': { version: 1, data: payrollSubmittedData },
  'bank.transfers-reported': { version: 1, data: transfersReportedData },
  'bank.statement-reported': { version: 1, data: statementReportedData },
  'deposit.events-reported': { version: 1, data: depositEventsReportedData },
  'finding.raised': { version: 1, data: findingSnapshot },
  'finding.updated': { version: 1, data: findingSnapshot },
  'finding.resolved': { version: 1, data: findingSnapshot },
  'case.opened': { version: 1, data: caseAlertData },
  'case.escalated': { version: 1, data: caseAlertData },
  'case.closed': { version: 1, data: caseAlertData },
  'case.reopened': { version: 1, data: caseAlertData },
  'task.opened': { version: 1, data: taskEventData },
  'task.assigned': { version: 1, data: taskEventData },
  'task.progressed': { version: 1, data: taskEventData },
  'task.resolved': { version: 1, data: taskEventData },
  'task.closed': { version: 1, data: taskEventData },
  'audit.raised': { version: 1, data: auditRaisedData },
  'winter.progress': { version: 1, data: winterProgressData },
  'screening.completed': { version: 1, data: screeningCompletedData },
  'delivery.dead-lettered': { version: 1, data: deliveryNoticeData },
  'delivery.reapplied': { version: 1, data: deliveryNoticeData },
} as const;

/**
 * Batch events whose rows are independent facts: the generic consumer layer validates each row
 * on its own, applies the good ones and dead-letters each bad one with its reason (one bad row
 * never takes the others with it). A payroll part is not among them: a sheet states what every
 * worker is owed as a whole, and a sheet missing a line would understate it, so a part with a
 * bad line is dead-lettered whole (the previous complete version stays in force).
 */
export const ROW_BATCHES = {
  'bank.transfers-reported': { field: 'transfers', row: transferRecord },
  'deposit.events-reported': { field: 'events', row: depositEventRecord },
  'workers.registered': { field: 'workers', row: workerRecord },
} as const;
export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]['data']>;
