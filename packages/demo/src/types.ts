/**
 * The request bodies of the Wagewatch HTTP API, as the generator produces them, and the shape of
 * a generated city. Amounts are decimal yuan strings ('5200.00'), dates 'YYYY-MM-DD', instants
 * ISO 8601 with the +08:00 offset.
 */
import { DEPOSIT_RULE_CODES } from '@wagewatch/domain';

export type Sector = 'housing' | 'transport' | 'water' | 'other';

export type Party = { name: string; creditCode: string };

/** POST /v1/projects */
export type ProjectBody = {
  projectId: string;
  name: string;
  district: string;
  sector: Sector;
  owner: Party;
  contractor: Party;
  contractValue: string;
  permitDate: string;
  startDate: string;
  plannedEndDate: string;
  wageAccount: { bankCode: string; accountNo: string };
  payDay: number;
  payMonthOffset: number;
};

/** One worker of POST /v1/projects/:projectId/workers */
export type WorkerBody = {
  idNumber: string;
  name: string;
  accountNo: string;
  bankCode?: string;
  subcontractor?: Party;
  team?: string;
  enrolledOn: string;
  leftOn?: string;
};

/** One line of POST /v1/projects/:projectId/payrolls (JSON form); amountDue is the net pay. */
export type PayrollLineBody = {
  idNumber: string;
  name: string;
  daysWorked: number;
  amountDue: string;
  signed: boolean;
};

export type PayrollBody = { period: string; lines: PayrollLineBody[] };

/** One record of POST /v1/bank/transfers */
export type TransferBody = {
  bankRef: string;
  accountNo: string;
  direction: 'debit' | 'credit';
  amount: string;
  counterpartyAccountNo: string;
  counterpartyName: string;
  counterpartyIdNumber?: string;
  bookedAt: string;
  status: 'booked' | 'failed' | 'returned';
  originalBankRef?: string;
  purpose?: string;
};

/** POST /v1/bank/statements: one account, one day. */
export type StatementBody = {
  accountNo: string;
  date: string;
  openingBalance: string;
  closingBalance: string;
  debitCount: number;
  debitTotal: string;
  creditCount: number;
  creditTotal: string;
};

/** One record of POST /v1/bank/deposits, reported by the bank that holds the project's wage account. */
export type DepositRecordBody = {
  bankRef: string;
  projectId: string;
  kind: 'lodged' | 'guarantee-issued' | 'guarantee-cancelled' | 'drawn' | 'topped-up' | 'refunded';
  occurredAt: string;
  amount?: string;
  guaranteeNo?: string;
  validFrom?: string;
  validTo?: string;
  issuer?: string;
  /** The bureau's payment notice behind a draw. */
  noticeRef?: string;
};

export type Bank = { bankCode: string; name: string };

export const WAGE_RULES = [
  'wages-missed',
  'wages-late',
  'wages-short',
  'wrong-payee',
  'paid-outside-account',
  'payroll-missing',
  'payroll-unsigned',
] as const;
export type WageRule = (typeof WAGE_RULES)[number];
/** DOMAIN.md rules 7-9: labour cost not allocated, balance short before a pay date, arrears growing. */
export const FORWARD_RULES = ['labour-cost-missing', 'balance-short', 'arrears-growing'] as const;
export type ForwardRule = (typeof FORWARD_RULES)[number];
/** DOMAIN.md rules 10-13: the wage-guarantee deposit. */
export const DEPOSIT_RULES = DEPOSIT_RULE_CODES;
export type DepositRuleCode = (typeof DEPOSIT_RULES)[number];
export type ExpectedRule = WageRule | 'feed-incomplete' | ForwardRule | DepositRuleCode;
export const EXPECTED_RULES: readonly ExpectedRule[] = [
  ...WAGE_RULES,
  'feed-incomplete',
  ...FORWARD_RULES,
  ...DEPOSIT_RULES,
];

/** One finding the scenario deliberately contains. */
export type ExpectedCase = {
  projectId: string;
  period?: string;
  idNumber?: string;
  /** The record that proves it (the late, short, misdirected payment...). */
  bankRef?: string;
  bankCode?: string;
  accountNo?: string;
  /** feed-incomplete: the first day concerned. */
  date?: string;
  dueDate?: string;
  amountDue?: string;
  amountPaid?: string;
  paidOn?: string;
  daysLate?: number;
  /** Whether the finding is still open as of `expected.asOf` (rules 7-13), or was raised and cured. */
  status?: 'open' | 'resolved';
  /** The day the cure arrived (a resolved case). */
  resolvedOn?: string;
  /** balance-short: the account's balance (last statement plus movements since). */
  balance?: string;
  /** Deposits: the amount required as of `expected.asOf`, and what is held then. */
  requiredAmount?: string;
  heldAmount?: string;
  guaranteeNo?: string;
  noticeRef?: string;
  note: string;
};

export type ExpectedFeedGap = {
  projectId: string;
  bankCode: string;
  accountNo: string;
  /** First and last day without a statement, both included. */
  from: string;
  to: string;
  /** Due dates of this project inside the gap: their wage findings must wait. */
  dueDatesInside: Array<{ period: string; due: string }>;
};

export type ExpectedStatementMismatch = {
  projectId: string;
  bankCode: string;
  accountNo: string;
  date: string;
  /** The record the bank booked and counted but never sent. */
  omittedRecord: TransferBody;
  debitTotalStated: string;
  debitTotalOfRecordsSent: string;
};

export type ExpectedDemoFindings = {
  /**
   * The instant the expectations of rules 7-13 are stated for: 10:00 (+08:00) four days after
   * the last day of the feeds (2026-11-29T10:00:00+08:00 for the default months).
   */
  asOf: string;
  /** Per project, the deposit required at the permit (national policy, clean record). */
  requiredDeposits: Array<{ projectId: string; amount: string; exempt: boolean }>;
  /** Per rule, the cases the scenario deliberately contains (exact for the wage rules). */
  byRule: Record<ExpectedRule, ExpectedCase[]>;
  feedGaps: ExpectedFeedGap[];
  statementMismatches: ExpectedStatementMismatch[];
  /** Booked, then returned by the beneficiary bank, then paid again (after the due date). */
  returnedPayments: Array<{
    projectId: string;
    period: string;
    idNumber: string;
    originalBankRef: string;
    returnBankRef: string;
    repaymentBankRef: string;
  }>;
  /** Failed, then retried successfully the next working day, on or before the due date: no finding. */
  failedPayments: Array<{
    projectId: string;
    period: string;
    idNumber: string;
    failedBankRef: string;
    retryBankRef: string;
  }>;
  /** Every (project, period) due date; `shifted` when the agreed day was a rest day or holiday. */
  dueDates: Array<{
    projectId: string;
    period: string;
    nominal: string;
    due: string;
    shifted: boolean;
    reason?: string;
  }>;
};

export type DemoCity = {
  banks: Bank[];
  /** In registration order. */
  projects: ProjectBody[];
  workers: Array<{ projectId: string; body: { workers: WorkerBody[] } }>;
  payrolls: Array<{ projectId: string; body: PayrollBody }>;
  /** Batches of at most 500 records, grouped by bank, in booking order within a bank. */
  transfers: Array<{ bankCode: string; body: { records: TransferBody[] } }>;
  /** One per account per day (except deliberate gaps), in date order. */
  statements: Array<{ bankCode: string; body: StatementBody }>;
  /** Deposit events, one batch per bank (the bank of each project's wage account), in time order. */
  deposits: Array<{ bankCode: string; body: { records: DepositRecordBody[] } }>;
  /** The last date covered by the feeds. */
  lastDay: string;
  expected: ExpectedDemoFindings;
};

export function emptyExpected(asOf = ''): ExpectedDemoFindings {
  return {
    asOf,
    requiredDeposits: [],
    byRule: {
      'wages-missed': [],
      'wages-late': [],
      'wages-short': [],
      'wrong-payee': [],
      'paid-outside-account': [],
      'payroll-missing': [],
      'payroll-unsigned': [],
      'feed-incomplete': [],
      'labour-cost-missing': [],
      'balance-short': [],
      'arrears-growing': [],
      'deposit-missing': [],
      'deposit-short': [],
      'guarantee-expiring': [],
      'deposit-not-topped-up': [],
    },
    feedGaps: [],
    statementMismatches: [],
    returnedPayments: [],
    failedPayments: [],
    dueDates: [],
  };
}
