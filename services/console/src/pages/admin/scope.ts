import type { Role, Scope } from '../../api/types.ts';

/**
 * A scope as the admin types it: inspectors' districts ("东区, 西区" or "all"), project managers'
 * project ids, a bank's code. Blank parts are left out (the server says what a role needs).
 */
export function scopeFromText(role: Role, text: string): Scope {
  const parts = text
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (role === 'inspector')
    return parts.length === 1 && parts[0] === 'all' ? { districts: 'all' } : { districts: parts };
  if (role === 'project-manager') return { projectIds: parts };
  if (role === 'bank') return parts[0] ? { bankCode: parts[0] } : {};
  return {};
}

export function scopeText(scope: Scope): string {
  if (scope.districts) return scope.districts === 'all' ? 'all' : scope.districts.join(', ');
  if (scope.projectIds) return scope.projectIds.join(', ');
  if (scope.bankCode) return scope.bankCode;
  return '';
}

export const ROLES: Role[] = ['admin', 'inspector', 'project-manager', 'bank'];
