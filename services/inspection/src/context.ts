import type { Outbox } from '@wagewatch/bus';
import type { Database, Sql } from '@wagewatch/db';
import { DEFAULT_CAMPAIGN_CONFIG, type PatrolPolicy, winterCampaign } from '@wagewatch/domain';
import { type Clock, problemSchema, type SecretBox } from '@wagewatch/runtime';
import type { CaseContext } from './cases/repository.ts';

const EPOCH = new Date(0);

/** What every slice of the service is given: the database, the outbox, the clock and the rules' configuration. */
export type InspectionContext = CaseContext & {
  db: Database;
  outbox: Outbox;
  clock: Clock;
  /** Seals stored secrets; its keyed digest is the registry's worker key. */
  secrets: SecretBox;
  /** 日常巡查: who is patrolled and how often (default DEFAULT_PATROL_POLICY). */
  patrols?: PatrolPolicy;
  /** Webhook delivery: one round of fan-out and due attempts (after every sweep and idle). */
  webhooks?: { step(): Promise<unknown> };
};

/** The latest instant swept to (the epoch when never). */
export async function readEvaluationInstant(tx: Sql): Promise<Date> {
  const [row] = await tx.query<{ as_of: Date }>('SELECT as_of FROM inspection.evaluation_clock WHERE id = 1');
  return row?.as_of ?? EPOCH;
}

/** The instants the API works at. */
export function apiTime(deps: InspectionContext) {
  /** The instant API actions are stamped with. */
  const now = () => deps.clock.now();
  /** The instant the ladder is evaluated at after an API action: the sweeps' instant (monotonic). */
  const evaluationInstant = async (tx: Sql) => {
    const i = await readEvaluationInstant(tx);
    return i.getTime() > 0 ? i : now();
  };
  const winterOn = async (tx: Sql) =>
    winterCampaign(await evaluationInstant(tx), deps.calendar, deps.campaigns ?? DEFAULT_CAMPAIGN_CONFIG)
      .active;
  return { now, evaluationInstant, winterOn };
}

export const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
export const toIso = (d: Date | null) => (d ? d.toISOString() : null);
