import type { Consumer } from '@wagewatch/bus';
import { TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';
import { caseKeyOf, parseYuan } from '@wagewatch/domain';
import type { InspectionContext } from './context.ts';
import { registryChanged } from './patrols/repository.ts';
import { recomputeRisk } from './risk/repository.ts';
import { evaluateDirty } from './sweep.ts';

/**
 * What inspection applies: of the ingest topic the registrations of projects and workers (for
 * routing, patrol plans and bulletins) and the deposits drawn (bulletins); the feeds are the ledger's.
 */
export const INSPECTION_EVENT_TYPES: ReadonlySet<string> = new Set([
  'project.registered',
  'workers.registered',
  'deposit.events-reported',
  'finding.raised',
  'finding.updated',
  'finding.resolved',
]);

type PendingFinding = {
  findingId: string;
  projectId: string;
  rule: string;
  status: string;
  period: string | null;
  snapshot: string;
  raisedAt: string;
  updatedAt: string;
};
/** A batch's finding events not yet written: the latest state of each finding, the latest change of each case. */
const pendingIn = new WeakMap<Sql, { findings: Map<string, PendingFinding>; cases: Map<string, Date> }>();

/**
 * Writes a batch's findings (each at its latest event, as applying them one by one leaves it) and
 * marks their cases dirty, in two statements instead of two per event (bench:embedded: 254
 * findings in the month's sweep). A finding new to the view takes its project's district.
 */
async function flushFindings(tx: Sql): Promise<void> {
  const pending = pendingIn.get(tx);
  if (!pending) return;
  pendingIn.delete(tx);
  const fs = [...pending.findings.values()];
  await tx.query(
    `INSERT INTO inspection.findings (finding_id, project_id, district, rule, status, period, snapshot, raised_at, updated_at)
     SELECT u.finding_id, u.project_id, coalesce(p.district, ''), u.rule, u.status, u.period, u.snapshot, u.raised_at, u.updated_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::timestamptz[])
       AS u(finding_id, project_id, rule, status, period, snapshot, raised_at, updated_at)
     LEFT JOIN inspection.projects p ON p.project_id = u.project_id
     ON CONFLICT (finding_id) DO UPDATE SET status = EXCLUDED.status, period = EXCLUDED.period, snapshot = EXCLUDED.snapshot,
       raised_at = EXCLUDED.raised_at, updated_at = EXCLUDED.updated_at`,
    [
      fs.map((f) => f.findingId),
      fs.map((f) => f.projectId),
      fs.map((f) => f.rule),
      fs.map((f) => f.status),
      fs.map((f) => f.period),
      fs.map((f) => f.snapshot),
      fs.map((f) => f.raisedAt),
      fs.map((f) => f.updatedAt),
    ],
  );
  const cases = [...pending.cases];
  await tx.query(
    `INSERT INTO inspection.dirty_cases (case_key, changed_at) SELECT * FROM unnest($1::text[], $2::timestamptz[])
     ON CONFLICT (case_key) DO UPDATE SET changed_at = GREATEST(inspection.dirty_cases.changed_at, EXCLUDED.changed_at)`,
    [cases.map(([k]) => k), cases.map(([, at]) => at)],
  );
}

/**
 * Keeps the bureau's view: projects (for routing by district and sector) and every finding's
 * latest state; marks the case each finding belongs to (project, responsible party) dirty in
 * the same transaction. The cases are evaluated once the consumer has caught up (`idle`).
 */
export function inspectionConsumer(deps: InspectionContext): Consumer {
  return {
    group: 'inspection',
    topics: [TOPICS.ingest, TOPICS.findings],
    types: INSPECTION_EVENT_TYPES,
    outbox: deps.outbox,
    clock: deps.clock,
    async apply(tx, event) {
      switch (event.type) {
        case 'project.registered': {
          // Findings of this batch before the registration are recorded first, as they came.
          await flushFindings(tx);
          const p = event.data;
          registryChanged(deps);
          await tx.query(
            `INSERT INTO inspection.projects (project_id, name, district, sector, registration) VALUES ($1,$2,$3,$4,$5)
             ON CONFLICT (project_id) DO UPDATE SET name = EXCLUDED.name, district = EXCLUDED.district, sector = EXCLUDED.sector,
               registration = EXCLUDED.registration`,
            [p.projectId, p.name, p.district, p.sector, JSON.stringify(p)],
          );
          // Findings that arrived before the registration take its district; their cases are re-routed.
          await tx.query(
            'UPDATE inspection.findings SET district = $2 WHERE project_id = $1 AND district <> $2',
            [p.projectId, p.district],
          );
          await tx.query(
            `INSERT INTO inspection.dirty_cases (case_key, changed_at)
             SELECT DISTINCT project_id || '|' || (snapshot->'responsible'->>'code'), $2::timestamptz FROM inspection.findings
             WHERE project_id = $1
             ON CONFLICT (case_key) DO UPDATE SET changed_at = GREATEST(inspection.dirty_cases.changed_at, EXCLUDED.changed_at)`,
            [p.projectId, event.occurredAt],
          );
          // Every project and its general contractor have a risk grade, findings or none (A, with its reasons).
          await recomputeRisk(
            tx,
            { projectIds: [p.projectId], employerCodes: [p.contractor.creditCode] },
            new Date(event.occurredAt),
            deps.risk,
          );
          return;
        }
        case 'workers.registered': {
          // The registry by keyed digest of the ID (no ID numbers here); the last row of a worker wins.
          const byKey = new Map<string, { enrolledOn: string; leftOn: string | null }>();
          for (const w of event.data.workers)
            byKey.set(deps.secrets.digest(w.idNumber), {
              enrolledOn: w.enrolledOn,
              leftOn: w.leftOn ?? null,
            });
          if (!byKey.size) return;
          registryChanged(deps);
          const rows = [...byKey];
          await tx.query(
            `INSERT INTO inspection.registered_workers (project_id, worker_key, enrolled_on, left_on)
             SELECT $1, u.k, u.e, u.l FROM unnest($2::text[], $3::date[], $4::date[]) AS u(k, e, l)
             ON CONFLICT (project_id, worker_key) DO UPDATE SET enrolled_on = EXCLUDED.enrolled_on, left_on = EXCLUDED.left_on`,
            [
              event.data.projectId,
              rows.map(([k]) => k),
              rows.map(([, r]) => r.enrolledOn),
              rows.map(([, r]) => r.leftOn),
            ],
          );
          return;
        }
        case 'deposit.events-reported': {
          // Only the deposits drawn (动用) count in the bulletins; a bank's repeat of a record is one draw.
          const draws = event.data.events.filter((e) => e.kind === 'drawn' && e.amount !== undefined);
          if (!draws.length) return;
          await tx.query(
            `INSERT INTO inspection.deposit_draws (bank_ref, bank_code, project_id, occurred_at, amount_fen)
             SELECT u.r, $1, u.p, u.at, u.fen FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::bigint[]) AS u(r, p, at, fen)
             ON CONFLICT (bank_code, bank_ref) DO NOTHING`,
            [
              event.data.bankCode,
              draws.map((d) => d.bankRef),
              draws.map((d) => d.projectId),
              draws.map((d) => d.occurredAt),
              draws.map((d) => parseYuan(d.amount as string).toString()),
            ],
          );
          return;
        }
        case 'finding.raised':
        case 'finding.updated':
        case 'finding.resolved': {
          // Recorded with the batch's other findings in two statements (afterBatch, flushFindings).
          const f = event.data;
          // A worker's complaint is inspection's own finding, written where it was raised (clues/).
          if (f.rule === 'worker-complaint') return;
          const pending = pendingIn.get(tx) ?? { findings: new Map(), cases: new Map() };
          pendingIn.set(tx, pending);
          pending.findings.set(f.findingId, {
            findingId: f.findingId,
            projectId: f.projectId,
            rule: f.rule,
            status: f.status,
            period: f.period ?? null,
            snapshot: JSON.stringify(f),
            raisedAt: f.raisedAt,
            updatedAt: event.occurredAt,
          });
          const key = caseKeyOf(f.projectId, f.responsible.code);
          const at = new Date(event.occurredAt);
          const known = pending.cases.get(key);
          if (!known || known < at) pending.cases.set(key, at);
          return;
        }
        default:
          return; // other ingest facts are the ledger's business
      }
    },
    afterBatch: (tx) => flushFindings(tx),
    idle: async () => {
      const changed = await evaluateDirty(deps);
      await deps.webhooks?.step();
      return changed;
    },
  };
}
