// The answers the project manager's and the admin's pages read (issue 12's contract; sessions and
// users: P; dry runs, feed status: R2; the rest existed before). By hand, like types.ts.
import type { Role, Scope } from './types.ts';

export type RowIssue = { row?: number; field: string; message: string };

/** `POST …/payrolls?dryRun=true` and `POST …/workers?dryRun=true`: the checks, nothing stored. */
export type DryRunReport = {
  dryRun: true;
  rows: number;
  accepted: number;
  rejected: RowIssue[];
  totalErrors?: number;
  warnings: RowIssue[];
  totals: { amountDue: string | null; workers: number };
  outcome: 'accepted' | 'correction-requested' | 'refused';
  detail?: string;
  period?: string;
  format: string;
  encoding?: string;
};

/** A real payroll submission: 201 in effect now, 202 a correction request an inspector decides. */
export type PayrollSubmitted = {
  status: 'accepted' | 'correction-requested';
  sheetId: string;
  period: string;
  version: number;
  dueDate: string;
  totalDue: string;
  accepted: number;
  rejected: RowIssue[];
  totalRejected?: number;
  correctionId?: string;
  effectiveVersion?: number;
  detail?: string;
};

/** A real roster submission (200). */
export type BatchResult = {
  accepted: number;
  duplicates: number;
  rejected: RowIssue[];
  totalRejected?: number;
};

export type PayrollLine = {
  row: number;
  idNumber: string;
  name: string;
  daysWorked: number | null;
  amountDue: string;
  grossAmount: string | null;
  signed: boolean;
};

/** `GET /v1/projects/:projectId/payrolls/:period`: every version of one month's sheet. */
export type PayrollMonth = {
  projectId: string;
  period: string;
  dueDate: string;
  dueDatePassed: boolean;
  effectiveVersion: number | null;
  versions: {
    version: number;
    sheetId: string;
    status: string;
    source: string;
    filename: string | null;
    submittedAt: string;
    submittedBy: { keyId: string; role: string | null };
    reason: string | null;
    tookEffectAt: string | null;
    lineCount: number;
    rejectedCount: number;
    totalDue: string;
    lines: PayrollLine[];
  }[];
  corrections: { correctionId: string; status: string; reason: string; requestedAt: string }[];
};

export type CaseFinding = {
  findingId: string;
  rule: string;
  severity: string;
  status: 'open' | 'resolved';
  projectId: string;
  worker?: { idNumberMasked: string; name: string };
  period?: string;
  dueDate?: string;
  amountOwed?: string;
  amountPaid?: string;
  raisedAt: string;
  resolvedAt?: string;
  legalBasis: string;
  detail: string;
};

export type Justification = {
  justificationId: string;
  cycle: number;
  text: string;
  submittedBy: string;
  submittedAt: string;
  decision: 'accepted' | 'rejected' | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  pausedUntil: string | null;
};

export type CaseSummary = {
  caseId: string;
  projectId: string;
  employer: { kind: string; name: string; code: string };
  status: 'open' | 'closed';
  level: string;
  cycle: number;
  openedAt: string;
  closedAt: string | null;
  deadline: string | null;
  pausedUntil: string | null;
  openFindings: number;
  maxSeverity: string | null;
};

export type CaseDetail = CaseSummary & {
  findings: CaseFinding[];
  history: { at: string; actor: string; action: string; note: string | null }[];
  justifications: Justification[];
};

export type UserRecord = {
  userId: string;
  login: string;
  name: string;
  role: Role;
  scope: Scope;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
  createdBy: string;
};

export type KeyRecord = {
  keyId: string;
  role: Role;
  scope: Scope;
  label: string | null;
  issuedBy: string;
  issuedAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
};

export type IssuedKey = {
  key: string;
  keyId: string;
  role: string;
  label: string | null;
  expiresAt: string | null;
};

export type Webhook = {
  webhookId: string;
  url: string;
  events: string[];
  districts: string[] | null;
  createdAt: string;
};

export type Delivery = {
  deliveryId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
};

export type FeedStatus = {
  expectedThrough: string;
  items: {
    bankCode: string;
    accountNo: string;
    projectId: string;
    district: string;
    lastStatementDate: string | null;
    gaps: string[];
    gapCount: number;
    openFeedFindings: number;
    status: 'ok' | 'late' | 'incomplete';
  }[];
};
