import { DEFAULT_LADDER_CONFIG, type LadderConfig } from '@wagewatch/domain';
import { z } from 'zod';

/**
 * The ladder settings an operator may change through the environment (the embedded and the
 * distributed process parse the same shape): the longest pause an accepted justification may
 * set, in working days after the decision day (default 30; DOMAIN.md, issue 11).
 */
export const ladderEnv = z.object({
  WAGEWATCH_MAX_PAUSE_WORKING_DAYS: z.coerce.number().int().min(1).max(250).default(30),
});

/** The ladder of the environment: the default ladder with the configured bounds. */
export function ladderFromEnv(env: z.infer<typeof ladderEnv>): LadderConfig {
  return { ...DEFAULT_LADDER_CONFIG, maxJustificationPauseWorkingDays: env.WAGEWATCH_MAX_PAUSE_WORKING_DAYS };
}
