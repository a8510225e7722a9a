import type { DepositEventRecord } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import {
  addDays,
  addYears,
  type ContractorHistory,
  contractorRecord,
  contractorRecordChangesOn,
  type DepositEvent,
  type DepositPolicy,
  type DepositState,
  endOfShanghaiDay,
  evidenceRef,
  type LocalDate,
  maxDate,
  parseYuan,
  type RequiredDeposit,
  requiredDeposit,
  shanghaiDate,
  startOfShanghaiDay,
} from '@wagewatch/domain';

/** How long a police referral keeps a contractor on the serious-dishonesty list (DOMAIN.md). */
export const BLACKLIST_YEARS = 3;

type ProjectRow = {
  project_id: string;
  district: string;
  contractor_code: string;
  contractor_name: string;
  contract_value_fen: bigint;
  permit_date: string;
  planned_end_date: string;
  registered_at: Date;
  last_required_fen: bigint | null;
  required_since: Date | null;
};

export type LoadedDeposit = {
  district: string;
  contractorCode: string;
  lastRequiredFen: bigint | null;
  requiredSince: Date | null;
  /** The state for the rules (requiredSince as stored, before this evaluation). */
  state: DepositState;
  /**
   * Instants after `asOf` at which the state itself changes with no new record (docs/adr/0022):
   * the contractor's record moves, the project or another open one of the contractor's in the
   * district ends, or a reason's text names the day.
   */
  changesAt: Date[];
};

/**
 * A contractor's record from the findings history. The serious-dishonesty list is approximated:
 * an `arrears-growing` finding with a police referral lists the contractor for 3 years from
 * its raisedAt (DOMAIN.md: serious arrears, once an order to pay is ignored, list the employer
 * for 3 years). Wagewatch sees neither the order nor an early removal.
 */
export async function loadContractorHistory(
  tx: Sql,
  contractorCode: string,
  fallbackFirstSeen: string,
): Promise<ContractorHistory> {
  const rows = await tx.query<{
    rule: string;
    raised_at: Date;
    project_id: string;
    police_referral: boolean;
  }>(
    'SELECT rule, raised_at, project_id, police_referral FROM deposits.contractor_findings WHERE contractor_code = $1 ORDER BY raised_at',
    [contractorCode],
  );
  const [c] = await tx.query<{ first_seen: string }>(
    'SELECT first_seen FROM deposits.contractors WHERE contractor_code = $1',
    [contractorCode],
  );
  let blacklistedUntil: string | undefined;
  for (const r of rows) {
    if (r.rule !== 'arrears-growing' || !r.police_referral) continue;
    const until = addYears(shanghaiDate(r.raised_at), BLACKLIST_YEARS);
    blacklistedUntil = blacklistedUntil ? maxDate(blacklistedUntil, until) : until;
  }
  return {
    findings: rows.map((r) => ({ rule: r.rule, raisedAt: r.raised_at, projectId: r.project_id })),
    ...(blacklistedUntil ? { blacklistedUntil } : {}),
    firstSeen: c?.first_seen ?? fallbackFirstSeen,
  };
}

/** Everything the deposit rules need about one project as of an instant. */
export async function loadDepositState(
  tx: Sql,
  projectId: string,
  asOf: Date,
  policy: DepositPolicy,
): Promise<LoadedDeposit | undefined> {
  const [p] = await tx.query<ProjectRow>(
    `SELECT project_id, district, contractor_code, contractor_name, contract_value_fen, permit_date, planned_end_date,
       registered_at, last_required_fen, required_since FROM deposits.projects WHERE project_id = $1`,
    [projectId],
  );
  if (!p) return undefined;
  const today = shanghaiDate(asOf);
  const history = await loadContractorHistory(tx, p.contractor_code, shanghaiDate(p.registered_at));
  const record = contractorRecord(history, today, { signedOn: p.permit_date });
  const [same] = await tx.query<{ n: bigint; next_end: string | null }>(
    `SELECT count(*) AS n, min(planned_end_date) AS next_end FROM deposits.projects WHERE contractor_code = $1 AND district = $2 AND project_id <> $3
       AND planned_end_date >= $4::date AND (registered_at, project_id) < ($5::timestamptz, $3::text)`,
    [p.contractor_code, p.district, p.project_id, today, p.registered_at],
  );
  const required: RequiredDeposit = requiredDeposit({
    contractValueFen: p.contract_value_fen,
    permitDate: p.permit_date,
    contractorRecord: record,
    sameAreaOtherOpenProjects: Number(same?.n ?? 0n),
    policy,
  });
  const eventRows = await tx.query<{ bank_code: string; bank_ref: string; record: DepositEventRecord }>(
    'SELECT bank_code, bank_ref, record FROM deposits.deposit_events WHERE project_id = $1 ORDER BY occurred_at, bank_ref',
    [projectId],
  );
  const events = eventRows.map(
    ({ record: e, bank_code }): DepositEvent => ({
      kind: e.kind,
      bankRef: e.bankRef,
      at: new Date(e.occurredAt),
      ...(e.amount !== undefined ? { amountFen: parseYuan(e.amount) } : {}),
      ...(e.guaranteeNo !== undefined ? { guaranteeNo: e.guaranteeNo } : {}),
      ...(e.validFrom !== undefined ? { validFrom: e.validFrom } : {}),
      ...(e.validTo !== undefined ? { validTo: e.validTo } : {}),
      ...(e.issuer !== undefined ? { issuer: e.issuer } : {}),
      ...(e.noticeRef !== undefined ? { noticeRef: e.noticeRef } : {}),
      evidence: evidenceRef.deposit(bank_code, e.bankRef),
    }),
  );
  const changesOn: LocalDate[] = [];
  const recordMoves = contractorRecordChangesOn(history, today);
  if (recordMoves) changesOn.push(recordMoves);
  if (today <= p.planned_end_date) changesOn.push(addDays(p.planned_end_date, 1));
  if (same?.next_end) changesOn.push(addDays(same.next_end, 1));
  const changesAt = changesOn.map(startOfShanghaiDay);
  // (No reason's text names today: "arrears within the last 2 years" names its own dates.)
  if (record.arrearsInPrior2Years && !record.lastArrearsOn) changesAt.push(endOfShanghaiDay(today));
  return {
    changesAt,
    district: p.district,
    contractorCode: p.contractor_code,
    lastRequiredFen: p.last_required_fen,
    requiredSince: p.required_since,
    state: {
      project: {
        projectId,
        contractor: { name: p.contractor_name, creditCode: p.contractor_code },
        permitDate: p.permit_date,
        plannedEndDate: p.planned_end_date,
        open: today <= p.planned_end_date,
      },
      required,
      ...(p.required_since ? { requiredSince: p.required_since } : {}),
      events,
    },
  };
}
