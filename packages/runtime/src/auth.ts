import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, UnauthorizedError } from './errors.ts';

export const ROLES = ['admin', 'bank', 'project-manager', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

export type Principal =
  | { role: 'admin'; keyId: string }
  | { role: 'bank'; keyId: string; bankCode: string }
  | { role: 'project-manager'; keyId: string; projectIds: string[] }
  | { role: 'inspector'; keyId: string; districts: string[] | 'all' };

export type KeyScope = { bankCode?: string; projectIds?: string[]; districts?: string[] | 'all' };

/**
 * API keys are self-verifying: `ww_<payload>.<hmac>`, the payload naming the key id, role and
 * scope, signed with the deployment's key secret. Every service verifies a key without a
 * shared table; issuance is recorded (without the key) by the service that issues it.
 */
export class ApiKeys {
  constructor(
    private readonly secret: string,
    private readonly bootstrapAdminKey?: string,
  ) {
    if (secret.length < 32) throw new Error('the API key secret must be at least 32 characters');
  }

  issue(role: Role, scope: KeyScope): { key: string; principal: Principal } {
    const principal = toPrincipal(role, scope, randomUUID());
    const payload = Buffer.from(JSON.stringify(principal)).toString('base64url');
    return { key: `ww_${payload}.${this.sign(payload)}`, principal };
  }

  verify(header: string | undefined): Principal {
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new UnauthorizedError();
    if (this.bootstrapAdminKey && safeEqual(token, this.bootstrapAdminKey))
      return { role: 'admin', keyId: 'bootstrap' };
    const m = /^ww_([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!m || !safeEqual(m[2]!, this.sign(m[1]!))) throw new UnauthorizedError('the API key is not valid');
    return JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as Principal;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function toPrincipal(role: Role, scope: KeyScope, keyId: string): Principal {
  switch (role) {
    case 'admin':
      return { role, keyId };
    case 'bank':
      if (!scope.bankCode) throw new Error('a bank key needs scope.bankCode');
      return { role, keyId, bankCode: scope.bankCode };
    case 'project-manager':
      if (!scope.projectIds?.length) throw new Error('a project-manager key needs scope.projectIds');
      return { role, keyId, projectIds: scope.projectIds };
    case 'inspector':
      if (!scope.districts || (Array.isArray(scope.districts) && scope.districts.length === 0)) {
        throw new Error('an inspector key needs scope.districts (a list, or "all")');
      }
      return { role, keyId, districts: scope.districts };
    default: {
      const never: never = role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}

export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new ForbiddenError(
      `this operation needs the role ${roles.join(' or ')}; your key has ${principal.role}`,
    );
  }
}

/** What a principal may see of a project, given the project's district. */
export function canSeeProject(
  principal: Principal,
  project: { projectId: string; district: string },
): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'inspector':
      return principal.districts === 'all' || principal.districts.includes(project.district);
    case 'project-manager':
      return principal.projectIds.includes(project.projectId);
    case 'bank':
      return false;
  }
}
