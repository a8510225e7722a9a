import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from './clock.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';
import type { KeyRegistry } from './key-registry.ts';
import type { SessionStore } from './session-store.ts';

export const ROLES = ['admin', 'bank', 'project-manager', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

/** The person behind a session principal (docs/adr/0017-people-sessions-csrf.md). */
export type PrincipalUser = { userId: string; login: string; name: string };

/**
 * Who is calling: a key (`keyId` the key's id) or a person logged in with a session (`keyId`
 * `user:<userId>`, `user` set). Both have the same role and scope, so every scope check holds.
 */
export type Principal = (
  | { role: 'admin'; keyId: string }
  | { role: 'bank'; keyId: string; bankCode: string }
  | { role: 'project-manager'; keyId: string; projectIds: string[] }
  | { role: 'inspector'; keyId: string; districts: string[] | 'all' }
) & { user?: PrincipalUser };

/** The actor an audit trail records: `"<name> (<login>)"` for a person, the key id for a key. */
export function actorOf(principal: Principal): string {
  return principal.user ? `${principal.user.name} (${principal.user.login})` : principal.keyId;
}

/** The principal of a role and scope (a key's, or a person's with `user`). */
export function principalFor(role: Role, scope: KeyScope, keyId: string, user?: PrincipalUser): Principal {
  const p = toPrincipal(role, scope, keyId);
  return user ? { ...p, user } : p;
}

export type KeyScope = { bankCode?: string; projectIds?: string[]; districts?: string[] | 'all' };

export type ApiKeysOptions = {
  /**
   * Secrets a key may still be signed with during a rotation's overlap window
   * (`WAGEWATCH_KEY_SECRETS_PREVIOUS`): accepted for verification, never used to sign.
   */
  previousSecrets?: string[];
  /** The clock expiry is checked against (default: the attached registry's clock). */
  clock?: Clock;
};

/**
 * API keys are self-verifying: `ww_<payload>.<hmac>`, the payload naming the key id, role,
 * scope and optional expiry (`exp`, epoch seconds), signed with the deployment's key secret.
 * Every service verifies a key without a lookup; revocation and last use go through the
 * attached {@link KeyRegistry} (the shared `auth` schema, docs/adr/0015-key-registry.md).
 */
export class ApiKeys {
  private readonly secrets: string[];
  private keyRegistry: KeyRegistry | undefined;
  private sessionStore: SessionStore | undefined;

  constructor(
    private readonly secret: string,
    private readonly bootstrapAdminKey?: string,
    private readonly options: ApiKeysOptions = {},
  ) {
    this.secrets = [secret, ...(options.previousSecrets ?? [])];
    for (const s of this.secrets)
      if (s.length < 32) throw new Error('the API key secret must be at least 32 characters');
  }

  /** Revocations and last use are checked against this registry from now on. */
  attach(registry: KeyRegistry): void {
    this.keyRegistry = registry;
  }

  get registry(): KeyRegistry | undefined {
    return this.keyRegistry;
  }

  /**
   * People's sessions (cookie `ww_session`) are authenticated against this store from now on,
   * beside the keys (docs/adr/0017-people-sessions-csrf.md).
   */
  attachSessions(store: SessionStore): void {
    this.sessionStore = store;
  }

  get sessions(): SessionStore | undefined {
    return this.sessionStore;
  }

  issue(
    role: Role,
    scope: KeyScope,
    options: { expiresAt?: Date } = {},
  ): { key: string; principal: Principal; expiresAt?: Date } {
    const principal = toPrincipal(role, scope, randomUUID());
    const exp = options.expiresAt ? Math.floor(options.expiresAt.getTime() / 1000) : undefined;
    const body = exp === undefined ? principal : { ...principal, exp };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return {
      key: `ww_${payload}.${this.sign(payload, this.secret)}`,
      principal,
      ...(exp === undefined ? {} : { expiresAt: new Date(exp * 1000) }),
    };
  }

  verify(header: string | undefined): Principal {
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new UnauthorizedError();
    if (this.bootstrapAdminKey && safeEqual(token, this.bootstrapAdminKey))
      return { role: 'admin', keyId: 'bootstrap' };
    const m = /^ww_([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!m || !this.secrets.some((s) => safeEqual(m[2]!, this.sign(m[1]!, s))))
      throw new UnauthorizedError('the API key is not valid');
    const { exp, ...principal } = JSON.parse(
      Buffer.from(m[1]!, 'base64url').toString('utf8'),
    ) as Principal & {
      exp?: number;
    };
    if (exp !== undefined) {
      const clock = this.options.clock ?? this.keyRegistry?.clock;
      // No clock to check against: refuse rather than accept a key that may have expired.
      if (!clock || clock.now().getTime() >= exp * 1000)
        throw new UnauthorizedError(`the API key expired at ${new Date(exp * 1000).toISOString()}`);
    }
    if (this.keyRegistry) {
      if (this.keyRegistry.isRevoked(principal.keyId)) throw new UnauthorizedError('the API key was revoked');
      this.keyRegistry.noteUse(principal.keyId);
    }
    return principal as Principal;
  }

  private sign(payload: string, secret: string): string {
    return createHmac('sha256', secret).update(payload).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws a plain Error naming what the scope lacks for the role. */
export function toPrincipal(role: Role, scope: KeyScope, keyId: string): Principal {
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
