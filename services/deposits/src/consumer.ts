import type { Consumer } from '@wagewatch/bus';
import { currentTrace, type KnownEnvelope, TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { ARREARS_RULES, parseYuan, shanghaiDate } from '@wagewatch/domain';
import { type DepositsContext, evaluateDirty } from './sweep.ts';

/** What the deposits service applies: of the ingest topic registrations and deposit events only. */
export const DEPOSITS_EVENT_TYPES: ReadonlySet<string> = new Set([
  'project.registered',
  'deposit.events-reported',
  'finding.raised',
  'finding.updated',
  'finding.resolved',
]);

/**
 * The deposits service learns projects and deposit events from ingest, and each contractor's
 * record from the findings topic (every wage-arrears finding, on any project). It marks the
 * projects a batch touched dirty in the batch's transaction and evaluates them once caught up.
 * A new arrears finding marks every open project of that contractor: its required amount may
 * rise on all of them.
 */
export function depositsConsumer(deps: DepositsContext & { clock?: { now(): Date } }): Consumer {
  return {
    group: 'deposits',
    topics: [TOPICS.ingest, TOPICS.findings],
    types: DEPOSITS_EVENT_TYPES,
    outbox: deps.outbox,
    ...(deps.clock ? { clock: deps.clock } : {}),
    async apply(tx, event) {
      await applyEvent(tx, event);
    },
    idle: () => evaluateDirty(deps),
    async afterBatch(tx, events) {
      await flushContractorFindings(tx);
      const touched = new Set<string>();
      const contractors = new Set<string>();
      for (const e of events) {
        if (e.type === 'project.registered' || e.type === 'deposit.events-reported') touched.add(e.key);
        else if (isArrearsFinding(e)) contractors.add(e.data.responsible.code);
      }
      if (contractors.size) {
        // Every project of the contractor still open: the record worsened for all of them
        // (a closed project is evaluated too, harmlessly: it has no deposit findings).
        const rows = await tx.query<{ project_id: string }>(
          'SELECT project_id FROM deposits.projects WHERE contractor_code = ANY($1::text[])',
          [[...contractors]],
        );
        for (const r of rows) touched.add(r.project_id);
      }
      if (touched.size === 0) return;
      const at = new Date(Math.max(...events.map((e) => Date.parse(e.occurredAt))));
      // Each mark keeps the trace of the event that touched the project last (of the batch's last
      // event for a project touched indirectly): the deferred evaluation's events follow from it.
      const projects = [...touched];
      const traces = projects.map((p) => currentTrace(p));
      await tx.query(
        `INSERT INTO deposits.dirty_projects (project_id, changed_at, correlation_id, causation_id)
         SELECT u.p, $2::timestamptz, u.c, u.k FROM unnest($1::text[], $3::text[], $4::text[]) AS u(p, c, k)
         ON CONFLICT (project_id) DO UPDATE SET changed_at = GREATEST(deposits.dirty_projects.changed_at, EXCLUDED.changed_at),
           correlation_id = EXCLUDED.correlation_id, causation_id = EXCLUDED.causation_id`,
        [
          projects,
          at,
          traces.map((t) => t?.correlationId ?? null),
          traces.map((t) => t?.causationId ?? null),
        ],
      );
    },
  };
}

type FindingEnvelope = Extract<
  KnownEnvelope,
  { type: 'finding.raised' | 'finding.updated' | 'finding.resolved' }
>;

function isArrearsFinding(e: KnownEnvelope): e is FindingEnvelope {
  return (
    (e.type === 'finding.raised' || e.type === 'finding.updated' || e.type === 'finding.resolved') &&
    e.data.responsible.kind === 'contractor' &&
    ARREARS_RULES.includes(e.data.rule)
  );
}

type ContractorFinding = {
  findingId: string;
  raisedAt: string;
  contractorCode: string;
  projectId: string;
  rule: string;
  policeReferral: boolean;
};
/** A batch's arrears findings not yet written, by finding and raising (one row each, as one by one). */
const contractorFindingsIn = new WeakMap<Sql, Map<string, ContractorFinding>>();

/**
 * Writes a batch's arrears findings into the contractors' record in one statement instead of one
 * per event (bench:embedded: 215 in the month's sweep). A raising already recorded keeps its row;
 * a police referral, once seen, stays.
 */
async function flushContractorFindings(tx: Sql): Promise<void> {
  const pending = contractorFindingsIn.get(tx);
  if (!pending) return;
  contractorFindingsIn.delete(tx);
  const fs = [...pending.values()];
  await tx.query(
    `INSERT INTO deposits.contractor_findings (finding_id, raised_at, contractor_code, project_id, rule, police_referral)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::boolean[])
     ON CONFLICT (finding_id, raised_at) DO UPDATE SET police_referral = deposits.contractor_findings.police_referral OR EXCLUDED.police_referral`,
    [
      fs.map((f) => f.findingId),
      fs.map((f) => f.raisedAt),
      fs.map((f) => f.contractorCode),
      fs.map((f) => f.projectId),
      fs.map((f) => f.rule),
      fs.map((f) => f.policeReferral),
    ],
  );
}

async function applyEvent(tx: Sql, event: KnownEnvelope): Promise<void> {
  switch (event.type) {
    case 'project.registered': {
      const p = event.data;
      await tx.query(
        `INSERT INTO deposits.projects (project_id, district, contractor_code, contractor_name, contract_value_fen, permit_date,
           planned_end_date, registered_at, event_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
         ON CONFLICT (project_id) DO UPDATE SET district = EXCLUDED.district, contractor_code = EXCLUDED.contractor_code,
           contractor_name = EXCLUDED.contractor_name, contract_value_fen = EXCLUDED.contract_value_fen,
           permit_date = EXCLUDED.permit_date, planned_end_date = EXCLUDED.planned_end_date, event_id = EXCLUDED.event_id`,
        [
          p.projectId,
          p.district,
          p.contractor.creditCode,
          p.contractor.name,
          parseYuan(p.contractValue).toString(),
          p.permitDate,
          p.plannedEndDate,
          p.registeredAt,
          event.id,
        ],
      );
      await tx.query(
        `INSERT INTO deposits.contractors (contractor_code, first_seen) VALUES ($1, $2)
         ON CONFLICT (contractor_code) DO UPDATE SET first_seen = LEAST(deposits.contractors.first_seen, EXCLUDED.first_seen)`,
        [p.contractor.creditCode, shanghaiDate(new Date(p.registeredAt))],
      );
      return;
    }
    case 'deposit.events-reported': {
      const { bankCode, events } = event.data;
      await tx.query(
        `INSERT INTO deposits.deposit_events (bank_code, bank_ref, project_id, kind, occurred_at, record, event_id)
         SELECT $1::text, u.*, $7::uuid FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[]) AS u
         ON CONFLICT (bank_code, bank_ref) DO NOTHING`,
        [
          bankCode,
          events.map((e) => e.bankRef),
          events.map((e) => e.projectId),
          events.map((e) => e.kind),
          events.map((e) => e.occurredAt),
          events.map((e) => JSON.stringify(e)),
          event.id,
        ],
      );
      return;
    }
    case 'finding.raised':
    case 'finding.updated':
    case 'finding.resolved': {
      if (!isArrearsFinding(event)) return; // the deposits' own findings and other rules
      // Written with the batch's other arrears findings in one statement (afterBatch).
      const f = event.data;
      const pending = contractorFindingsIn.get(tx) ?? new Map<string, ContractorFinding>();
      contractorFindingsIn.set(tx, pending);
      const key = `${f.findingId}|${Date.parse(f.raisedAt)}`;
      const known = pending.get(key);
      if (known) known.policeReferral ||= f.policeReferral === true;
      else
        pending.set(key, {
          findingId: f.findingId,
          raisedAt: f.raisedAt,
          contractorCode: f.responsible.code,
          projectId: f.projectId,
          rule: f.rule,
          policeReferral: f.policeReferral === true,
        });
      return;
    }
    default:
      return; // workers, payroll, transfers, statements and other events: not the deposits' business
  }
}
