// The answers the console reads, as agreed in issue 12's HTTP contract (sessions: P; read API:
// R1, R2). Written by hand while those routes are being built in parallel; to be replaced by types
// generated from the OpenAPI document (openapi-typescript) once they are on main.

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
  workersOnPayroll: number;
  payrollDue: string;
  shareOnTimeInFull: number | null;
  upcomingPayDates: {
    projectId: string;
    name: string;
    payDate: string;
    due: string;
    balance: string;
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
  period: string;
  amount: string;
  workers: number;
  raisedAt: string;
  legalBasis: string;
  evidence: unknown;
};

export type ProjectDetail = {
  projectId: string;
  name: string;
  district: string;
  sector: string;
  startDate: string;
  parties: Record<string, unknown>;
  wageAccount: { bankCode: string; accountNo: string };
  payDateRule: Record<string, unknown>;
  nextPayDate: string | null;
  riskGrade: { grade: RiskGrade; reasons: unknown[] } | null;
  openFindings: OpenFinding[];
  cases: { caseId: string; status: string; step: string; openedAt: string }[];
  publicNoticeUrl: string;
};

export type WorkerPayment = {
  worker: { idNumber: string; name: string; accountNo: string };
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
