// The answers the console reads (issue 12: sessions in ingest, the read API in inspection, ledger
// and deposits), as their zod schemas declare them. Written by hand while those routes were built
// in parallel; to be generated from the OpenAPI document (openapi-typescript) next.

export type Role = 'admin' | 'bank' | 'project-manager' | 'inspector';

export type Scope = { districts?: string[] | 'all'; projectIds?: string[]; bankCode?: string };

export type SessionUser = {
  userId: string;
  login: string;
  name: string;
  role: Role;
  scope: Scope;
  mustChangePassword: boolean;
};

export type Session = { user: SessionUser; csrfToken: string; expiresAt: string };

/** One RFC 7807 problem, as every service answers an error. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { row?: number; field: string; message: string }[];
  totalErrors?: number;
};

export type RiskGrade = string;

export type DistrictFigures = {
  district: string;
  projects: number;
  worstGrade: RiskGrade | null;
  openFindings: number;
  openCases: number;
};

export type InspectionDashboard = {
  asOf: string;
  districts: DistrictFigures[];
  projectsMonitored: number;
  openFindingsByRule: { rule: string; count: number; amountOwed: string }[];
  casesByStep: { step: string; count: number }[];
  overdueTasks: number;
  trend: { weekStart: string; raised: number; resolved: number }[];
  campaign: { name: string; festivalEve: string; daysLeft: number } | null;
};

export type DepositsDashboard = { missing: number; short: number; shortfall: string; expiringSoon: number };

export type PaymentsDashboard = {
  month: string;
  asOf: string;
  evaluatedAsOf: string | null;
  linesJudged: number;
  workersOnPayroll: number;
  payrollDue: string;
  shareOnTimeInFull: number | null;
  upcomingPayDates: {
    projectId: string;
    name: string;
    period: string;
    payDate: string;
    due: string | null;
    balance: string | null;
    short: boolean;
  }[];
  feedsIncomplete: { bankCode: string; accounts: number }[];
};

export type ProjectRow = {
  projectId: string;
  name: string;
  district: string;
  sector: string;
  contractor: string;
  riskGrade: RiskGrade | null;
  openFindings: number;
  amountOwed: string;
  openCases: number;
  worstCaseStep: string | null;
};

export type Page<T> = { items: T[]; total: number; limit: number; offset: number };

export type OpenFinding = {
  findingId: string;
  rule: string;
  severity: string;
  period: string | null;
  dueDate: string | null;
  amount: string | null;
  /** The workers it concerns (ID masked); none for a finding about the project. */
  workers: { idNumberMasked: string; name: string }[];
  raisedAt: string;
  legalBasis: string;
  evidence: string[];
};

export type Party = { name: string; creditCode: string };

export type ProjectDetail = {
  projectId: string;
  name: string;
  district: string;
  sector: string;
  startDate: string;
  plannedEndDate: string;
  contractValue: string;
  parties: { owner: Party; contractor: Party; labourOfficer: { name: string; phone: string } | null };
  wageAccount: { bankCode: string; accountNo: string };
  payDateRule: { payDay: number; payMonthOffset: number; text: string; textEn: string };
  nextPayDate: {
    period: string;
    nominal: string;
    due: string;
    movedForward: boolean;
    warnings: string[];
  };
  riskGrade: { grade: RiskGrade; reasons: string[] } | null;
  openFindings: OpenFinding[];
  cases: { caseId: string; status: 'open' | 'closed'; step: string; openedAt: string }[];
  publicNoticeUrl: string;
};

export type WorkerPayment = {
  worker: { idNumber: string; name: string; accountNo: string | null };
  due: string;
  paid: string;
  paidOn: string | null;
  status: string;
};

/** Existing on main: ingest `GET /v1/projects/:projectId/payrolls`. */
export type PayrollHistory = {
  projectId: string;
  periods: {
    period: string;
    dueDate: string;
    effectiveVersion: number | null;
    pendingCorrections: number;
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
    }[];
  }[];
};

/** Existing on main: deposits `GET /v1/projects/:projectId/deposit`. */
export type DepositView = {
  projectId: string;
  policy: { id: string; name: string };
  asOf: string;
  required: { amount: string; exempt: boolean; reasons: { code: string; text: string; effect?: string }[] };
  held: {
    cash: string;
    guarantees: {
      guaranteeNo: string;
      amount: string;
      validFrom: string;
      validTo: string;
      issuer?: string;
      status: string;
      counts: boolean;
      reason?: string;
    }[];
    total: string;
  };
  shortfall: string;
  nextExpiry?: string;
};

/** GET /v1/rates, /v1/rates/trend, /v1/rates/delinquency (issue 14): shares 0..1, amounts yuan strings. */
export type RateTotals = {
  projects: number;
  workersDue: number;
  paidInFullOnTime: number;
  paidAnyOnTime: number;
  paidInFull: number;
  paidAtPolicyShare: number;
  amountDue: string;
  amountPaidOnTime: string;
  amountPaid: string;
  onTimeInFull: number | null;
  onTimeAny: number | null;
  amountOnTime: number | null;
  policyShare: number | null;
  compliant: boolean | null;
  compliantProjects: number;
  nonCompliantProjects: number;
  amountRecovered: string;
  workersRecovered: number;
};
export type RatePolicy = {
  id: string;
  name: string;
  compliantShare: number;
  paidShare: number;
  sheetDelinquentDays: number;
  sheetRedDays: number;
  accountIdleDays: number;
};
export type Rates = {
  period: string | null;
  evaluatedAsOf: string | null;
  policy: RatePolicy;
  total: RateTotals;
  groups: (RateTotals & { key: string; name: string; district: string | null; dueDate: string | null })[];
  nonCompliantEmployers: {
    creditCode: string;
    name: string;
    projects: number;
    workersDue: number;
    policyShare: number | null;
  }[];
};
export type WarningLifecycle = {
  from: string;
  to: string;
  findings: number;
  verified: number;
  verifiedWithinSla: number;
  withFeedback: number;
  closed: number;
  verifiedWithinSlaShare: number | null;
  withFeedbackShare: number | null;
  closedShare: number | null;
  medianDaysToClose: number | null;
};
export type RatesTrend = { policy: RatePolicy; periods: (RateTotals & { period: string })[] };
export type Delinquency = {
  asOf: string;
  policy: RatePolicy;
  counts: { delinquent: number; red: number; accountIdle: number };
  projects: {
    projectId: string;
    name: string;
    district: string;
    contractor: string;
    lastSheetOn: string | null;
    sheetAgeDays: number;
    sheet: 'ok' | 'delinquent' | 'red';
    lastMovementOn: string | null;
    accountQuietDays: number;
    accountIdle: boolean;
  }[];
};
