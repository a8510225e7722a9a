import { i18n } from './index.ts';

/** A rule's or a ladder step's name in the interface language; an unknown code is shown as it is. */
export function ruleName(code: string): string {
  const key = `rule.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}

export function stepName(code: string | null | undefined): string {
  if (!code) return '—';
  const key = `step.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}

export function sectorName(code: string): string {
  const key = `sector.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}

/** A payment, sheet version or case status, or a severity. */
export function statusName(code: string | null | undefined): string {
  if (!code) return '—';
  const key = `status.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}
