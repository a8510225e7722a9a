import type { Consumer } from '@wagewatch/bus';
import { TOPICS } from '@wagewatch/contracts';
import { caseKeyOf } from '@wagewatch/domain';
import type { InspectionContext } from './context.ts';
import { recomputeRisk } from './risk/repository.ts';
import { evaluateDirty } from './sweep.ts';

/** What inspection applies: of the ingest topic only the registrations (the feeds are the ledger's). */
export const INSPECTION_EVENT_TYPES: ReadonlySet<string> = new Set([
  'project.registered',
  'finding.raised',
  'finding.updated',
  'finding.resolved',
]);

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
          const p = event.data;
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
        case 'finding.raised':
        case 'finding.updated':
        case 'finding.resolved': {
          const f = event.data;
          await tx.query(
            `INSERT INTO inspection.findings (finding_id, project_id, district, rule, status, period, snapshot, raised_at, updated_at)
             SELECT $1::text, $2::text, coalesce((SELECT district FROM inspection.projects WHERE project_id = $2::text), ''), $3::text, $4::text, $5::text, $6::jsonb, $7::timestamptz, $8::timestamptz
             ON CONFLICT (finding_id) DO UPDATE SET status = EXCLUDED.status, period = EXCLUDED.period, snapshot = EXCLUDED.snapshot,
               raised_at = EXCLUDED.raised_at, updated_at = EXCLUDED.updated_at`,
            [
              f.findingId,
              f.projectId,
              f.rule,
              f.status,
              f.period ?? null,
              JSON.stringify(f),
              f.raisedAt,
              event.occurredAt,
            ],
          );
          await tx.query(
            `INSERT INTO inspection.dirty_cases (case_key, changed_at) VALUES ($1, $2)
             ON CONFLICT (case_key) DO UPDATE SET changed_at = GREATEST(inspection.dirty_cases.changed_at, EXCLUDED.changed_at)`,
            [caseKeyOf(f.projectId, f.responsible.code), event.occurredAt],
          );
          return;
        }
        default:
          return; // other ingest facts are the ledger's business
      }
    },
    idle: async () => {
      const changed = await evaluateDirty(deps);
      await deps.webhooks?.step();
      return changed;
    },
  };
}
