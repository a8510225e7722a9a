import {
  DEFAULT_LADDER_CONFIG,
  DEFAULT_PATROL_POLICY,
  type LadderConfig,
  type PatrolPolicy,
  validatePatrolPolicy,
} from '@wagewatch/domain';
import { z } from 'zod';

/**
 * The ladder settings an operator may change through the environment (the embedded and the
 * distributed process parse the same shape): the longest pause an accepted justification may
 * set, in working days after the decision day (default 30; DOMAIN.md, issue 11).
 */
export const ladderEnv = z.object({
  WAGEWATCH_MAX_PAUSE_WORKING_DAYS: z.coerce.number().int().min(1).max(250).default(30),
  /** 日常巡查: registered workers from which an employer is patrolled (default 50). */
  WAGEWATCH_PATROL_MIN_WORKERS: z.coerce.number().int().min(1).max(1_000_000).default(50),
  /** Visits per quarter for risk grades A,B,C,D (default `1,1,2,3`). */
  WAGEWATCH_PATROL_VISITS: z
    .string()
    .regex(/^\d{1,2},\d{1,2},\d{1,2},\d{1,2}$/, 'four whole numbers for grades A,B,C,D, e.g. 1,1,2,3')
    .default('1,1,2,3'),
});

/** The patrol policy of the environment; refuses (naming the variable) one that cannot be used. */
export function patrolPolicyFromEnv(env: z.infer<typeof ladderEnv>): PatrolPolicy {
  const [A, B, C, D] = env.WAGEWATCH_PATROL_VISITS.split(',').map(Number) as [number, number, number, number];
  const policy: PatrolPolicy = {
    ...DEFAULT_PATROL_POLICY,
    id: 'env',
    minWorkers: env.WAGEWATCH_PATROL_MIN_WORKERS,
    visitsByGrade: { A, B, C, D },
  };
  const problems = validatePatrolPolicy(policy);
  if (problems.length)
    throw new Error(`WAGEWATCH_PATROL_MIN_WORKERS / WAGEWATCH_PATROL_VISITS: ${problems.join('; ')}`);
  return policy;
}

/** The ladder of the environment: the default ladder with the configured bounds. */
export function ladderFromEnv(env: z.infer<typeof ladderEnv>): LadderConfig {
  return { ...DEFAULT_LADDER_CONFIG, maxJustificationPauseWorkingDays: env.WAGEWATCH_MAX_PAUSE_WORKING_DAYS };
}
