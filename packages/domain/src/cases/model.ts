import type { LocalDate, Period } from '../dates.ts';
import type { Severity } from '../payments/model.ts';
import { DEPOSIT_RULE_CODES, type RuleCode } from '../rules.ts';

/** The sectors a project is registered under (contracts' SECTORS). */
export type CaseSector = 'housing' | 'transport' | 'water' | 'other';

/** The party a finding holds responsible: a case groups one project's findings against one party. */
export type ResponsibleParty = { kind: 'contractor' | 'bank' | 'owner'; name: string; code: string };

/**
 * A finding as the cases see it: the published snapshot's facts, amounts in fen. Rule codes are
 * strings here (payment rules 1-9, 14 and deposit rules 10-13 alike).
 */
export type CaseFinding = {
  findingId: string;
  rule: string;
  severity: Severity;
  status: 'open' | 'resolved';
  projectId: string;
  period?: Period;
  dueDate?: LocalDate;
  amountOwed?: bigint;
  raisedAt: Date;
  resolvedAt?: Date;
  responsible: ResponsibleParty;
  policeReferral?: boolean;
};

/** The key that groups findings into a case: one project, one responsible party. */
export const caseKeyOf = (projectId: string, responsibleCode: string): string =>
  `${projectId}|${responsibleCode}`;

/** Rules about the wage-guarantee deposit (DOMAIN.md rules 10-13): the domain's one list. */
export const DEPOSIT_RULES: ReadonlySet<string> = new Set<RuleCode>(DEPOSIT_RULE_CODES);

/** Rules whose open findings mean wages for a period are unpaid (in full or in part). */
export const UNPAID_WAGE_RULES: ReadonlySet<string> = new Set<RuleCode>(['wages-missed', 'wages-short']);
