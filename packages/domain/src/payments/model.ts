import type { LocalDate, Period } from '../dates.ts';
import type { RuleCode, Severity } from '../rules.ts';

export type Party = { name: string; creditCode: string };

export type ProjectTerms = {
  projectId: string;
  contractor: Party;
  /** The owner (建设单位), who allocates the labour cost to the wage account. */
  owner?: Party & { accountNo?: string };
  /** The labour-cost allocation cycle in days (at most one month); absent: one calendar month. */
  allocationCycleDays?: number;
  bankCode: string;
  accountNo: string;
  payDay: number;
  payMonthOffset: number;
  startDate: LocalDate;
};

export type RegisteredWorker = {
  idNumber: string;
  name: string;
  accountNo: string;
  enrolledOn: LocalDate;
  leftOn?: LocalDate;
};

export type PayrollLine = { idNumber: string; name: string; amountDue: bigint; signed: boolean };

/** The current (complete, latest) version of a month's payroll sheet. */
export type PayrollSheet = {
  period: Period;
  sheetId: string;
  version: number;
  /** When this version took effect: its submission, or the approval of its correction request. */
  submittedAt: Date;
  evidence: string[];
  lines: PayrollLine[];
  /**
   * The month's earlier versions, with when each took effect. A worker's amount raised after the
   * due date is paid only from what the other months' obligations leave over, so a raise never
   * takes a payment away from a month it paid (DOMAIN.md "Corrections after the due date",
   * docs/adr/0008). Absent: no earlier version.
   */
  earlierVersions?: SheetVersion[];
};

export type SheetVersion = {
  version: number;
  effectiveAt: Date;
  lines: { idNumber: string; amountDue: bigint }[];
};

export type Transfer = {
  bankRef: string;
  accountNo: string;
  direction: 'debit' | 'credit';
  amount: bigint;
  counterpartyAccountNo: string;
  counterpartyName: string;
  counterpartyIdNumber?: string;
  bookedAt: Date;
  status: 'booked' | 'failed' | 'returned';
  originalBankRef?: string;
  purpose?: string;
  evidence: string;
};

export type Statement = {
  date: LocalDate;
  openingBalance: bigint;
  closingBalance: bigint;
  debitCount: number;
  debitTotal: bigint;
  creditCount: number;
  creditTotal: bigint;
  receivedAt: Date;
  evidence: string;
};

/** A debit from another project's wage account to a card registered to one of this project's workers. */
export type OutsidePayment = {
  payingProjectId: string;
  worker: RegisteredWorker;
  transfer: Transfer;
  returned: boolean;
};

export type ProjectState = {
  project: ProjectTerms;
  workers: RegisteredWorker[];
  sheets: PayrollSheet[];
  /** Every movement reported on the project's own wage account. */
  transfers: Transfer[];
  statements: Statement[];
  outsidePayments: OutsidePayment[];
};

export type { PaymentRule, RuleCode, Severity } from '../rules.ts';

/**
 * What the rules say should be on record. `status: 'resolved'` means: if such a finding is
 * open, it is cured at `resolvedAt`; it is created only when `record` is set (a late payment
 * stays on record although nothing is left to cure).
 */
export type DesiredFinding = {
  key: string;
  rule: RuleCode;
  severity: Severity;
  status: 'open' | 'resolved';
  record?: boolean;
  worker?: { idNumber: string; name: string };
  period?: Period;
  dueDate?: LocalDate;
  amountOwed?: bigint;
  amountPaid?: bigint;
  raisedAt: Date;
  resolvedAt?: Date;
  responsible: { kind: 'contractor' | 'bank' | 'owner'; name: string; code: string };
  evidence: string[];
  legalBasis: string;
  detail: string;
  warnings?: string[];
  /** Set when the criminal threshold of refusal to pay is reached (拒不支付劳动报酬罪). */
  policeReferral?: boolean;
};
