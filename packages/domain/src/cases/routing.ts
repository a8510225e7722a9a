import type { CaseFinding, CaseSector } from './model.ts';

/** The industry regulator that shares a case, by the project's sector (DOMAIN.md: who does what). */
export const CO_REGULATORS: Readonly<Record<CaseSector, string | null>> = {
  housing: '住建局',
  transport: '交通局',
  water: '水务局',
  other: null,
};

export type CaseRouting = {
  /** The inspection team responsible: the project's district. */
  team: string;
  coRegulator: string | null;
  /** Routed to the police liaison (劳动保障监察与刑事司法联动). */
  policeLiaison: boolean;
};

/** True when a finding puts the case at the criminal threshold. */
export function atCriminalThreshold(findings: readonly CaseFinding[]): boolean {
  return findings.some(
    (f) =>
      f.status === 'open' &&
      (f.policeReferral === true || (f.rule === 'arrears-growing' && f.severity === 'critical')),
  );
}

/**
 * Where a case goes: the district's team, the sector's regulator, and the police liaison once
 * any open finding is at the criminal threshold (a police referral, or critical arrears growing).
 * The police routing is sticky: a case once referred stays referred (`alreadyReferred`).
 */
export function routeCase(
  project: { district: string; sector: CaseSector },
  findings: readonly CaseFinding[],
  alreadyReferred = false,
): CaseRouting {
  return {
    team: project.district,
    coRegulator: CO_REGULATORS[project.sector],
    policeLiaison: alreadyReferred || atCriminalThreshold(findings),
  };
}
