import { createHash } from 'node:crypto';
import { type FindingSnapshot, TOPICS } from '@wagewatch/contracts';
import type { Sql } from '@wagewatch/db';

/**
 * How a service that raises findings (the ledger, the deposits service) keeps them: each row
 * holds the finding as the rules see it (`record`, to compare with their next verdict) and as
 * it was published (`snapshot`); each transition is written and emitted on the findings topic
 * in the caller's transaction. The table is `<schema>.findings` of the calling service.
 */

/** (project, rule key) → finding id: a cured finding that recurs is reopened, not duplicated. */
export const findingIdOf = (projectId: string, key: string) =>
  `F-${createHash('sha256').update(`${projectId}|${key}`).digest('hex').slice(0, 24)}`;

type Storable = {
  key: string;
  rule: string;
  status: 'open' | 'resolved';
  amountOwed?: bigint;
  amountPaid?: bigint;
  raisedAt: Date;
  resolvedAt?: Date;
};
type Serialized<F extends Storable> = Omit<F, 'amountOwed' | 'amountPaid' | 'raisedAt' | 'resolvedAt'> & {
  amountOwed?: string;
  amountPaid?: string;
  raisedAt: string;
  resolvedAt?: string;
};

function serialize<F extends Storable>(f: F): Serialized<F> {
  const { amountOwed, amountPaid, raisedAt, resolvedAt, ...rest } = f;
  return {
    ...rest,
    ...(amountOwed !== undefined ? { amountOwed: amountOwed.toString() } : {}),
    ...(amountPaid !== undefined ? { amountPaid: amountPaid.toString() } : {}),
    raisedAt: raisedAt.toISOString(),
    ...(resolvedAt ? { resolvedAt: resolvedAt.toISOString() } : {}),
  } as Serialized<F>;
}

function deserialize<F extends Storable>(s: Serialized<F>): F {
  const { amountOwed, amountPaid, raisedAt, resolvedAt, ...rest } = s;
  return {
    ...rest,
    ...(amountOwed !== undefined ? { amountOwed: BigInt(amountOwed) } : {}),
    ...(amountPaid !== undefined ? { amountPaid: BigInt(amountPaid) } : {}),
    raisedAt: new Date(raisedAt),
    ...(resolvedAt ? { resolvedAt: new Date(resolvedAt) } : {}),
  } as unknown as F;
}

/** The findings on record for a project, as the rules see them, by rule key. */
export async function readRecordedFindings<F extends Storable>(
  tx: Sql,
  schema: string,
  projectId: string,
): Promise<Map<string, F>> {
  const rows = await tx.query<{ record: Serialized<F> }>(
    `SELECT record FROM "${schema}".findings WHERE project_id = $1`,
    [projectId],
  );
  return new Map(rows.map((r) => [r.record.key, deserialize<F>(r.record)]));
}

/** readRecordedFindings for many projects in one query: project id → rule key → finding. */
export async function readRecordedFindingsOf<F extends Storable>(
  tx: Sql,
  schema: string,
  projectIds: readonly string[],
): Promise<Map<string, Map<string, F>>> {
  const out = new Map<string, Map<string, F>>(projectIds.map((id) => [id, new Map()]));
  for (const r of await tx.query<{ project_id: string; record: Serialized<F> }>(
    `SELECT project_id, record FROM "${schema}".findings WHERE project_id = ANY($1::text[])`,
    [projectIds],
  ))
    out.get(r.project_id)?.set(r.record.key, deserialize<F>(r.record));
  return out;
}

export type FindingEvent = {
  topic: string;
  type: 'finding.raised' | 'finding.updated' | 'finding.resolved';
  key: string;
  data: FindingSnapshot;
  occurredAt: Date;
};

/** Writes the transitions and emits one event each (raised, updated, resolved). */
export async function recordTransitions<F extends Storable>(
  tx: Sql,
  schema: string,
  projectId: string,
  transitions: readonly { kind: 'raised' | 'updated' | 'resolved'; finding: F }[],
  options: { at: Date; toSnapshot: (f: F) => FindingSnapshot; emit: (e: FindingEvent) => void },
): Promise<void> {
  if (transitions.length === 0) return;
  const snapshots = transitions.map((t) => options.toSnapshot(t.finding));
  await tx.query(
    `INSERT INTO "${schema}".findings (finding_id, project_id, key, rule, status, snapshot, record, updated_at)
     SELECT u.*, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[]) AS u
     ON CONFLICT (finding_id) DO UPDATE SET status = EXCLUDED.status, snapshot = EXCLUDED.snapshot, record = EXCLUDED.record, updated_at = EXCLUDED.updated_at`,
    [
      snapshots.map((s) => s.findingId),
      transitions.map(() => projectId),
      transitions.map((t) => t.finding.key),
      transitions.map((t) => t.finding.rule),
      transitions.map((t) => t.finding.status),
      snapshots.map((s) => JSON.stringify(s)),
      transitions.map((t) => JSON.stringify(serialize(t.finding))),
      options.at,
    ],
  );
  for (const [i, t] of transitions.entries()) {
    options.emit({
      topic: TOPICS.findings,
      type: `finding.${t.kind}`,
      key: projectId,
      data: snapshots[i]!,
      occurredAt: options.at,
    });
  }
}
