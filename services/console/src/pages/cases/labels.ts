import { useI18n } from 'vue-i18n';

/** A code shown through its i18n label (`rules.wages-missed` → 工资未按时发放), else as it is. */
export function useLabels() {
  const { t, te } = useI18n();
  const label = (prefix: string, code: string | null | undefined) =>
    code === null || code === undefined ? '—' : te(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code;
  return { label };
}

export const SEVERITY_TAG: Record<string, 'info' | 'warning' | 'danger' | 'primary'> = {
  low: 'info',
  medium: 'warning',
  high: 'danger',
  critical: 'danger',
};
