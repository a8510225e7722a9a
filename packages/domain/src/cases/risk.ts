import type { Severity } from '../payments/model.ts';
import { unpaidPeriods } from './ladder.ts';
import { type CaseFinding, DEPOSIT_RULES, UNPAID_WAGE_RULES } from './model.ts';

/** A is best, D worst. */
export type RiskGrade = 'A' | 'B' | 'C' | 'D';
export const RISK_GRADES: readonly RiskGrade[] = ['A', 'B', 'C', 'D'];

export type RiskConfig = {
  /** Points per open finding, by severity. */
  severityPoints: Readonly<Record<Severity, number>>;
  /** Points for the amount owed on open unpaid-wage findings: the highest band reached (from, in fen). */
  amountBands: readonly { fromFen: bigint; points: number }[];
  /** Points per distinct period with wages unpaid. */
  pointsPerUnpaidMonth: number;
  /** Points per open deposit finding (rules 10-13), on top of its severity. */
  pointsPerDepositProblem: number;
  /** Points per finding resolved within the history window (breaches that were cured), capped. */
  pointsPerResolvedBreach: number;
  resolvedBreachCap: number;
  historyDays: number;
  /** Lowest score of each grade worse than A. */
  thresholds: Readonly<{ B: number; C: number; D: number }>;
};

export const DEFAULT_RISK_CONFIG: RiskConfig = {
  severityPoints: { low: 1, medium: 3, high: 6, critical: 12 },
  amountBands: [
    { fromFen: 1n, points: 5 },
    { fromFen: 1_000_000n, points: 10 }, // ¥10,000
    { fromFen: 10_000_000n, points: 20 }, // ¥100,000
    { fromFen: 100_000_000n, points: 30 }, // ¥1,000,000
  ],
  pointsPerUnpaidMonth: 5,
  pointsPerDepositProblem: 8,
  pointsPerResolvedBreach: 2,
  resolvedBreachCap: 20,
  historyDays: 365,
  thresholds: { B: 10, C: 30, D: 60 },
};

export type RiskInputs = {
  openBySeverity: Record<Severity, number>;
  amountOwedFen: bigint;
  monthsUnpaid: number;
  depositProblems: number;
  resolvedLast12Months: number;
  policeReferral: boolean;
};

export type RiskAssessment = {
  grade: RiskGrade;
  score: number;
  inputs: RiskInputs;
  points: { severity: number; amount: number; months: number; deposit: number; history: number };
  /** Why the grade is what it is, one sentence per term that scored (or why nothing did). */
  reasons: string[];
};

const DAY_MS = 86_400_000;

export function riskInputs(
  findings: readonly CaseFinding[],
  asOf: Date,
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): RiskInputs {
  const open = findings.filter((f) => f.status === 'open');
  const openBySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of open) openBySeverity[f.severity]++;
  const since = asOf.getTime() - config.historyDays * DAY_MS;
  return {
    openBySeverity,
    amountOwedFen: open
      .filter((f) => UNPAID_WAGE_RULES.has(f.rule))
      .reduce((s, f) => s + (f.amountOwed ?? 0n), 0n),
    monthsUnpaid: unpaidPeriods(open).length,
    depositProblems: open.filter((f) => DEPOSIT_RULES.has(f.rule)).length,
    resolvedLast12Months: findings.filter(
      (f) =>
        f.status === 'resolved' &&
        (f.resolvedAt ?? f.raisedAt).getTime() >= since &&
        (f.resolvedAt ?? f.raisedAt).getTime() <= asOf.getTime(),
    ).length,
    policeReferral: open.some((f) => f.policeReferral === true),
  };
}

export function gradeOf(score: number, config: RiskConfig = DEFAULT_RISK_CONFIG): RiskGrade {
  if (score >= config.thresholds.D) return 'D';
  if (score >= config.thresholds.C) return 'C';
  if (score >= config.thresholds.B) return 'B';
  return 'A';
}

/**
 * The risk grade of a project or an employer from all its findings (open and resolved):
 * points for open findings by severity, the amount owed (band), months unpaid, deposit
 * problems and breaches cured in the last 12 months; a police referral grades D whatever
 * the score. README.md (this folder) states the formula.
 */
export function riskGrade(
  findings: readonly CaseFinding[],
  asOf: Date,
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): RiskAssessment {
  const inputs = riskInputs(findings, asOf, config);
  const severity = (Object.keys(inputs.openBySeverity) as Severity[]).reduce(
    (s, k) => s + inputs.openBySeverity[k] * config.severityPoints[k],
    0,
  );
  let amount = 0;
  for (const band of config.amountBands)
    if (inputs.amountOwedFen >= band.fromFen) amount = Math.max(amount, band.points);
  const points = {
    severity,
    amount,
    months: inputs.monthsUnpaid * config.pointsPerUnpaidMonth,
    deposit: inputs.depositProblems * config.pointsPerDepositProblem,
    history: Math.min(inputs.resolvedLast12Months * config.pointsPerResolvedBreach, config.resolvedBreachCap),
  };
  const score = points.severity + points.amount + points.months + points.deposit + points.history;
  const grade = inputs.policeReferral ? 'D' : gradeOf(score, config);
  return { grade, score, inputs, points, reasons: reasonsOf(inputs, points, grade, score, config) };
}

const yuan = (fen: bigint) => `¥${(fen / 100n).toString()}.${(fen % 100n).toString().padStart(2, '0')}`;

function reasonsOf(
  inputs: RiskInputs,
  points: RiskAssessment['points'],
  grade: RiskGrade,
  score: number,
  config: RiskConfig,
): string[] {
  const reasons: string[] = [];
  const open = (Object.keys(inputs.openBySeverity) as Severity[])
    .filter((k) => inputs.openBySeverity[k] > 0)
    .map((k) => `${inputs.openBySeverity[k]} ${k}`);
  if (open.length) reasons.push(`open findings: ${open.join(', ')} (${points.severity} points)`);
  if (points.amount) reasons.push(`${yuan(inputs.amountOwedFen)} of wages owed (${points.amount} points)`);
  if (points.months) reasons.push(`${inputs.monthsUnpaid} month(s) unpaid (${points.months} points)`);
  if (points.deposit)
    reasons.push(`${inputs.depositProblems} open deposit problem(s) (${points.deposit} points)`);
  if (points.history) {
    reasons.push(
      `${inputs.resolvedLast12Months} breach(es) cured in the last ${config.historyDays} days (${points.history} points)`,
    );
  }
  if (inputs.policeReferral)
    reasons.push('an open police referral (criminal threshold): grade D whatever the score');
  if (!reasons.length) {
    reasons.push(`no open finding and no breach in the last ${config.historyDays} days`);
  }
  reasons.push(`score ${score}: grade ${grade}`);
  return reasons;
}
