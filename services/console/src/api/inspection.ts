// The inspection routes the inspector's work pages read (services/inspection/src: cases, tasks,
// justifications, alerts, campaigns) and ingest's evidence and correction routes. By hand, as
// types.ts, until the console's types are generated from the OpenAPI document.

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type CaseLevel = string;
export type TaskStatus = 'open' | 'assigned' | 'in-progress' | 'resolved' | 'closed';

export const CASE_CLOSING_OUTCOMES = ['paid-verified', 'not-a-breach', 'transferred', 'other'] as const;
export type CaseClosingOutcome = (typeof CASE_CLOSING_OUTCOMES)[number];

export type CaseSummary = {
  caseId: string;
  projectId: string;
  employer: { kind: 'contractor' | 'bank' | 'owner'; name: string; code: string };
  routing: { team: string; sector: string; coRegulator: string | null; policeLiaison: boolean };
  status: 'open' | 'closed';
  level: CaseLevel;
  cycle: number;
  openedAt: string;
  closedAt: string | null;
  reopenedAt: string | null;
  /** How a closed case was closed (null while open): `system`, or a person with an outcome. */
  closing: {
    by: string;
    outcome: CaseClosingOutcome | null;
    reason: string | null;
    closedOver: string[];
  } | null;
  deadline: string | null;
  pausedUntil: string | null;
  openFindings: number;
  maxSeverity: Severity | null;
  winterCampaign: boolean;
};

export type Finding = {
  findingId: string;
  projectId: string;
  rule: string;
  severity: Severity;
  status: 'open' | 'resolved';
  period?: string;
  dueDate?: string;
  amountOwed?: string;
  amountPaid?: string;
  raisedAt: string;
  resolvedAt?: string;
  evidence: string[];
  legalBasis: string;
  detail: string;
  worker?: { idNumberMasked: string; name: string };
};

export type TrailEntry = {
  at: string;
  actor: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
};

export type Task = {
  taskId: string;
  caseId: string;
  projectId: string;
  district: string;
  kind: string;
  status: TaskStatus;
  assignee: string | null;
  dueOn: string;
  overdue: boolean;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
  trail: TrailEntry[];
};

export type Justification = {
  justificationId: string;
  cycle: number;
  text: string;
  submittedBy: string;
  submittedAt: string;
  /** `awaiting-confirmation`: a critical case's acceptance proposed by one person, awaiting a second. */
  decision: 'accepted' | 'rejected' | 'awaiting-confirmation' | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  pausedUntil: string | null;
  /** The first person's acceptance on a critical case (pending, or confirmed/declined since). */
  proposal: { proposedBy: string; proposedAt: string; reason: string; pauseUntil: string } | null;
};

export type CaseDetail = CaseSummary & {
  findings: Finding[];
  evidence: string[];
  history: { at: string; actor: string; action: string; stepKey: string | null; note: string | null }[];
  tasks: Task[];
  justifications: Justification[];
};

export type CaseList = { total: number; cases: CaseSummary[] };
export type TaskList = { total: number; today: string; tasks: Task[] };

export type EvidenceRecord = {
  ref: string;
  kind: string;
  projectId: string;
  bankCode: string | null;
  receivedAt: string;
  record: unknown;
  see?: unknown;
};

export type Alert = {
  alertId: string;
  type: string;
  district: string;
  projectId: string | null;
  occurrence: string | null;
  raisedAt: string;
  data: unknown;
};
export type AlertList = { total: number; alerts: Alert[] };

export type ReportKind = 'holiday-audit' | 'winter-progress' | 'screening';
export type ReportSummary = {
  reportId: string;
  kind: ReportKind;
  occurrence: string;
  district: string;
  title: string;
  createdAt: string;
};
export type Report = ReportSummary & { data: unknown };
export type ReportList = { total: number; reports: ReportSummary[] };

type Actor = { keyId: string; role: string | null };
type Change = { idNumber: string; name: string; from: string; to: string };
export type Correction = {
  correctionId: string;
  projectId: string;
  district: string;
  period: string;
  version: number;
  baseVersion: number;
  dueDate: string;
  status: 'pending' | 'approved' | 'rejected' | 'superseded';
  reason: string;
  requestedAt: string;
  requestedBy: Actor;
  changes: { lowered: Change[]; dropped: Change[]; raised: Change[]; added: Change[] };
  decision: { outcome: 'approved' | 'rejected'; by: Actor; at: string; reason: string } | null;
  supersededByVersion: number | null;
};
export type CorrectionList = { total: number; corrections: Correction[] };

export type Person = { login: string; name: string; districts: string[] | 'all' };

/** GET /v1/cases/:caseId/orders — a document the bureau issued on a case (inspection orders/routes.ts). */
export type CaseOrder = {
  orderId: string;
  orderNo: string;
  kind: 'correction' | 'police-referral';
  title: string;
  caseId: string;
  cycle: number;
  issuedAt: string;
  issuedBy: string;
  deadline: string | null;
  outstanding: string;
  workers: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgement: string | null;
  printUrl: string;
  pdfUrl: string;
};

/** 欠薪线索 (issue 14 §5): a worker's report, as `GET /v1/clues` lists it (worker and phone masked). */
export const CLUE_OUTCOMES = ['in-progress', 'paid', 'unfounded', 'transferred'] as const;
export type ClueOutcome = (typeof CLUE_OUTCOMES)[number];
export type ClueSummary = {
  clueId: string;
  reference: string;
  receivedAt: string;
  district: string;
  projectId: string | null;
  projectName: string | null;
  onProject: boolean;
  worker: string;
  phone: string;
  months: string[];
  amount: string;
  status: 'open' | 'closed';
  findingId: string | null;
  caseId: string | null;
};
export type ClueList = { total: number; clues: ClueSummary[] };
/** `GET /v1/clues/{clueId}`: in full, for the inspector who calls the worker back. */
export type ClueDetail = ClueSummary & {
  idNumber: string;
  description: string;
  routedAt: string | null;
  routedBy: string | null;
  closedAt: string | null;
  answers: { seq: number; at: string; by: string; outcome: ClueOutcome; outcomeZh: string; text: string }[];
};

/** 日常巡查 (issue 14 §4): a visit of the quarter's patrol plan, as `GET /v1/patrols` lists it. */
export type PatrolSummary = {
  patrolId: string;
  quarter: string;
  district: string;
  employer: { name: string; code: string };
  workers: number;
  riskGrade: string | null;
  slot: number;
  visits: number;
  assignee: string | null;
  dueOn: string;
  overdue: boolean;
  status: 'planned' | 'visited';
  visitedOn: string | null;
  findingId: string | null;
  findingStatus: 'open' | 'resolved' | null;
};
export type PatrolList = {
  quarter: string;
  today: string;
  policy: { minWorkers: number; visitsByGrade: Record<string, number> };
  summary: { planned: number; visited: number; overdue: number; unassigned: number };
  patrols: PatrolSummary[];
};
export type PatrolCheckItem = 'headcount' | 'notice-board' | 'payroll' | 'account';
/** `GET /v1/patrols/{patrolId}`: the employer's projects, the checklist, the record once made. */
export type PatrolDetail = PatrolSummary & {
  projects: { projectId: string; name: string; workers: number; registeredToday: number }[];
  warnings: string[];
  checklist: { item: PatrolCheckItem; zh: string }[];
  inspectors: string[];
  visit: {
    visitedOn: string;
    projectId: string;
    workersCounted: number;
    registeredOnDay: number;
    checks: { item: PatrolCheckItem; ok: boolean; note: string }[];
    problems: string;
    raiseFinding: boolean;
    visitedAt: string;
    visitedBy: string;
    resolution?: { at: string; by: string; note: string };
  } | null;
};
