import type { RuleCode } from '@wagewatch/domain';

/**
 * The rules whose `amountOwed` is wages a worker is owed now: the same sum as the ledger's
 * `GET /v1/projects/:id/status` (arrears-growing and balance-short restate or forecast it, the
 * deposit rules' amounts are deposit shortfalls: neither is added to it).
 */
export const OWED_RULES: readonly RuleCode[] = ['wages-missed', 'wages-short'];

/** A snapshot's `amountOwed` (decimal yuan) as integer fen, in SQL; 0 when it has none. */
export const owedFen = (snapshot: string) =>
  `coalesce(round((${snapshot}->>'amountOwed')::numeric * 100), 0)::bigint`;
