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
