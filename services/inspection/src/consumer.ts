import type { Consumer } from '@wagewatch/bus';
import { TOPICS } from '@wagewatch/contracts';

/** Keeps the bureau's view: projects (for routing by district) and every finding's latest state. */
export function inspectionConsumer(): Consumer {
  return {
    group: 'inspection',
    topics: [TOPICS.ingest, TOPICS.findings],
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
          return;
        }
        default:
          return; // other ingest facts are the ledger's business
      }
    },
  };
}
