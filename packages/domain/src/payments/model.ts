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
  /**
   * Present when the state holds only the project's open months: the summary of the months
   * closed before them (closing-months.ts, docs/adr/0023). Absent: the whole history.
   */
  closed?: ClosedMonths;
};

/**
 * What the open months still need from the closed ones (docs/adr/0023-closed-months.md). A state
 * with this summary holds the sheets of the periods after `through`, the transfers booked at or
 * after `cutAt` and the statements dated on or after `cutDate` (`cutAt` is its 00:00 in Shanghai).
 */
export type ClosedMonths = {
  /** The last closed period: every month through it is settled. */
  through: Period;
  cutDate: LocalDate;
  cutAt: Date;
  /** The evaluation instant that wrote this summary: it holds for that instant and every later one. */
  closedAt: Date;
  /** Rule 7: the day of the last owner credit before the cut (the start date if none) and its evidence. */
  labourSince: LocalDate;
  labourSinceEvidence: string[];
  /**
   * Rule 8: the latest statement dated before the cut, and the net of the movements booked after
   * its day and before the cut (what its balance needs to reach the cut).
   */
  lastStatement?: Pick<Statement, 'date' | 'closingBalance' | 'receivedAt' | 'evidence'> & {
    movedSince: bigint;
  };
  /** Rule 8: the sheet of `through` (what the next month owes before its own sheet arrives). */
  lastSheet?: { period: Period; owed: bigint; evidence: string[] };
  /** The findings of the closed range, as the rules said them when it closed: final. */
  findings: DesiredFinding[];
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
