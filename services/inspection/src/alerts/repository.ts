import type { NewEvent } from '@wagewatch/bus';
import { TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';

export type Emit = (e: NewEvent) => void;

export type AlertType =
  | 'case.opened'
  | 'case.escalated'
  | 'case.closed'
  | 'case.reopened'
  | 'audit.raised'
  | 'winter.progress'
  | 'screening.completed';

/**
 * Records an alert (GET /v1/alerts, the SSE stream, webhooks) and publishes it on the alerts
 * topic, in the caller's transaction.
 */
export async function raiseAlert(
  tx: Sql,
  emit: Emit,
  a: {
    type: AlertType;
    district: string;
    projectId?: string;
    occurrence?: string;
    key: string;
    data: unknown;
    at: Date;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO inspection.alerts (type, district, project_id, occurrence, data, raised_at) VALUES ($1,$2,$3,$4,$5,$6)',
    [a.type, a.district, a.projectId ?? null, a.occurrence ?? null, JSON.stringify(a.data), a.at],
  );
  emit({ topic: TOPICS.alerts, type: a.type, key: a.key, data: a.data as never, occurredAt: a.at });
}
