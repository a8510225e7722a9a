import { RULE_CODES, SEVERITIES } from '@wagewatch/domain';
import { z } from 'zod';
import { auditRaisedData, screeningCompletedData, winterProgressData } from './campaigns.ts';
import { caseAlertData, taskEventData } from './inspection.ts';
import { localDateString, periodString, yuanString } from './money.ts';

export const SECTORS = ['housing', 'transport', 'water', 'other'] as const;
export const sectorSchema = z.enum(SECTORS);
export type Sector = z.infer<typeof sectorSchema>;

export const partySchema = z.object({ name: z.string().min(1), creditCode: z.string().length(18) });
/** The owner, with the account it allocates the labour cost from when known. */
export const ownerSchema = partySchema.extend({ accountNo: z.string().min(1).max(40).optional() });
/** A person the public may call: the site's labour officer. */
export const labourOfficerSchema = z.object({
  name: z.string().min(1).max(50),
  phone: z.string().regex(/^[0-9+][0-9 ()+-]{4,29}$/, 'must be a telephone number'),
});

export const projectRegisteredData = z.object({
  projectId: z.string(),
  name: z.string(),
  district: z.string(),
  sector: sectorSchema,
  owner: ownerSchema,
  contractor: partySchema,
  contractValue: yuanString,
  permitDate: localDateString,
  startDate: localDateString,
  plannedEndDate: localDateString,
  wageAccount: z.object({ bankCode: z.string(), accountNo: z.string() }),
  payDay: z.number().int().min(1).max(31),
  payMonthOffset: z.number().int().min(0).max(2),
  /** Labour-cost allocation cycle in days (at most one month); absent: one calendar month. */
  allocationCycleDays: z.number().int().min(1).max(31).optional(),
  /** The site's labour officer (劳资专管员), named on the public notice board (Decree 724 Art 34). */
  labourOfficer: labourOfficerSchema.optional(),
  /** Complaint channels for the board; absent: 12333 and the district bureau (render-time default). */
  complaintChannels: z.array(z.string().min(1).max(200)).max(10).optional(),
  /** The local minimum wage in yuan per month; absent: the district's configured figure. */
  minimumWage: yuanString.optional(),
  registeredAt: z.iso.datetime({ offset: true }),
});
export type ProjectRegistered = z.infer<typeof projectRegisteredData>;

export const workerRecord = z.object({
  idNumber: z.string(),
  name: z.string(),
  accountNo: z.string(),
  bankCode: z.string().optional(),
  subcontractor: partySchema.optional(),
  team: z.string().optional(),
  enrolledOn: localDateString,
  leftOn: localDateString.optional(),
});
export type WorkerRecord = z.infer<typeof workerRecord>;
export const workersRegisteredData = z.object({ projectId: z.string(), workers: z.array(workerRecord) });
export type WorkersRegistered = z.infer<typeof workersRegisteredData>;

export const payrollLineRecord = z.object({
  idNumber: z.string(),
  name: z.string(),
  daysWorked: z.number().nullable(),
  amountDue: yuanString,
  grossAmount: yuanString.optional(),
  signed: z.boolean(),
  sourceRow: z.number().int(),
});
export type PayrollLineRecord = z.infer<typeof payrollLineRecord>;
/** One sheet may travel in several parts (at most PAYROLL_PART_SIZE lines each). */
export const payrollSubmittedData = z.object({
  projectId: z.string(),
  period: periodString,
  sheetId: z.string(),
  version: z.number().int().positive(),
  part: z.number().int().positive(),
  parts: z.number().int().positive(),
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
  bankRef: z.string(),
  accountNo: z.string(),
  direction: z.enum(TRANSFER_DIRECTIONS),
  amount: yuanString,
  counterpartyAccountNo: z.string(),
  counterpartyName: z.string(),
  counterpartyIdNumber: z.string().optional(),
  bookedAt: z.iso.datetime({ offset: true }),
  status: z.enum(TRANSFER_STATUSES),
  originalBankRef: z.string().optional(),
  purpose: z.string().optional(),
});
export type TransferRecord = z.infer<typeof transferRecord>;
export const transfersReportedData = z.object({
  projectId: z.string(),
  bankCode: z.string(),
  transfers: z.array(transferRecord),
});
export type TransfersReported = z.infer<typeof transfersReportedData>;

export const statementReportedData = z.object({
  projectId: z.string(),
  bankCode: z.string(),
  accountNo: z.string(),
  date: localDateString,
  openingBalance: yuanString,
  closingBalance: yuanString,
  debitCount: z.number().int().min(0),
  debitTotal: yuanString,
  creditCount: z.number().int().min(0),
  creditTotal: yuanString,
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
  bankRef: z.string(),
  projectId: z.string(),
  kind: z.enum(DEPOSIT_EVENT_KINDS),
  occurredAt: z.iso.datetime({ offset: true }),
  amount: yuanString.optional(),
  guaranteeNo: z.string().optional(),
  validFrom: localDateString.optional(),
  validTo: localDateString.optional(),
  issuer: z.string().optional(),
  noticeRef: z.string().optional(),
});
export type DepositEventRecord = z.infer<typeof depositEventRecord>;
export const depositEventsReportedData = z.object({
  projectId: z.string(),
  bankCode: z.string(),
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
  amountOwed: yuanString.optional(),
  amountPaid: yuanString.optional(),
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
} as const;
export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]['data']>;
