import type { NewEvent } from '@wagewatch/bus';
import type { FindingSnapshot } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  type DesiredFinding,
  dueDatesOf,
  evaluateProject,
  formatFen,
  maskIdNumber,
  nextEvaluationAt,
  type ObligationOutcome,
  type PayDateOutlook,
  periodRatesOf,
  type RecordedFinding,
  reconcile,
  type Transition,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import {
  findingIdOf,
  readRecordedFindings,
  readRecordedFindingsOf,
  recordNextEvaluation,
  recordTransitions,
} from '@wagewatch/evaluation';
import { recordClosedMonths } from './closed-months.ts';
import { storePayDateOutlooks } from './outlooks.ts';
import { storePeriodRates } from './rates.ts';
import { type LoadedProject, loadProjectState, loadProjectStates } from './state.ts';

/** The id of a finding, shared with every service that raises findings. */
export { findingIdOf };

/** The published shape: ID numbers masked, amounts in yuan. */
export function toSnapshot(projectId: string, f: RecordedFinding | DesiredFinding): FindingSnapshot {
  return {
    findingId: findingIdOf(projectId, f.key),
    rule: f.rule,
    severity: f.severity,
    status: f.status,
    projectId,
    ...(f.worker ? { worker: { idNumberMasked: maskIdNumber(f.worker.idNumber), name: f.worker.name } } : {}),
    ...(f.period ? { period: f.period } : {}),
    ...(f.dueDate ? { dueDate: f.dueDate } : {}),
    ...(f.amountOwed !== undefined ? { amountOwed: formatFen(f.amountOwed) } : {}),
    ...(f.amountPaid !== undefined ? { amountPaid: formatFen(f.amountPaid) } : {}),
    raisedAt: f.raisedAt.toISOString(),
    ...(f.resolvedAt ? { resolvedAt: f.resolvedAt.toISOString() } : {}),
    responsible: f.responsible,
    evidence: f.evidence,
    legalBasis: f.legalBasis,
    detail: f.detail,
    ...(f.warnings?.length ? { warnings: f.warnings } : {}),
    ...(f.policeReferral ? { policeReferral: true } : {}),
  };
}

export type EvaluationResult = { projectId: string; transitions: Transition[] };

/** What a batch's evaluations read, read at once for all of them (prepareEvaluations). */
type Prepared = {
  asOf: number;
  pending: Set<string>;
  states: Map<string, LoadedProject>;
  findings: Map<string, Map<string, RecordedFinding>>;
};
const preparedIn = new WeakMap<Sql, Prepared>();

/**
 * The evaluation kit's `prepare` (packages/evaluation loop.ts): in the batch's transaction, under
 * the projects' advisory locks, reads every project's open-months state and recorded findings in
 * about ten queries; each evaluateAndRecord of the batch then takes its project's part, once. A
 * project's evaluation writes only that project's findings, outlooks, due instant and closed
 * months, none of which another project's state reads, so reading them all first is reading
 * each just before its evaluation.
 */
export async function prepareEvaluations(
  tx: Sql,
  projectIds: readonly string[],
  options: { asOf: Date },
): Promise<void> {
  const states = await loadProjectStates(tx, projectIds, { openMonthsAsOf: options.asOf });
  const findings = await readRecordedFindingsOf<RecordedFinding>(tx, 'ledger', projectIds);
  preparedIn.set(tx, { asOf: options.asOf.getTime(), pending: new Set(projectIds), states, findings });
}

/** The prepared reads of this project, if its batch prepared them for this instant (used once). */
function takePrepared(tx: Sql, projectId: string, asOf: Date) {
  const p = preparedIn.get(tx);
  if (!p || p.asOf !== asOf.getTime() || !p.pending.delete(projectId)) return undefined;
  return { loaded: p.states.get(projectId), recorded: p.findings.get(projectId) ?? new Map() };
}

/**
 * Re-evaluates one project as of `asOf` and records the difference: findings rows and their
 * events in the caller's transaction. A per-project advisory lock serialises evaluations of
 * the same project (a sweep and a consumer batch, or two ledger processes). Rule 8's outlooks
 * of the project (`ledger.pay_date_outlooks`) are replaced in the same transaction.
 */
export async function evaluateAndRecord(
  tx: Sql,
  projectId: string,
  options: { asOf: Date; at: Date; calendar: WorkingDayCalendar; emit: (e: NewEvent) => void },
): Promise<EvaluationResult> {
  // A prepared batch already holds the project's lock (the kit takes `ledger:evaluate:<id>`).
  const prepared = takePrepared(tx, projectId, options.asOf);
  if (!prepared)
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ledger:evaluate:${projectId}`]);
  const loaded = prepared
    ? prepared.loaded
    : await loadProjectState(tx, projectId, { openMonthsAsOf: options.asOf });
  if (!loaded) return { projectId, transitions: [] };
  // Rule 8's outlook of each pay date in its window, kept for the cockpit (docs/adr/0021).
  const outlooks: PayDateOutlook[] = [];
  const changes: Date[] = [];
  // Each payroll line's payments, for the month's rates (issue 14).
  const obligations: ObligationOutcome[] = [];
  const desired = evaluateProject(loaded.state, options.asOf, options.calendar, undefined, {
    payDate: (o) => outlooks.push(o),
    changesAt: (d) => changes.push(d),
    obligation: (o) => obligations.push(o),
  });
  await storePayDateOutlooks(tx, [projectId], new Map([[projectId, outlooks]]), options.asOf);
  await storePeriodRates(
    tx,
    projectId,
    periodRatesOf(obligations, dueDatesOf(loaded.state.project, options.calendar), options.asOf),
    loaded.state.closed?.through,
    options.asOf,
  );
  // When this answer can next change without an event: the sweep skips the project until then.
  await recordNextEvaluation(tx, 'ledger', projectId, nextEvaluationAt(loaded.state, options.asOf, changes));
  const recorded =
    prepared?.recorded ?? (await readRecordedFindings<RecordedFinding>(tx, 'ledger', projectId));
  const transitions = reconcile(recorded, desired, options.at);
  await recordTransitions(tx, 'ledger', projectId, transitions, {
    at: options.at,
    toSnapshot: (f) => toSnapshot(projectId, f),
    emit: options.emit,
  });
  await recordClosedMonths(tx, projectId, loaded, options.asOf, options.calendar); // docs/adr/0023
  return { projectId, transitions };
}
