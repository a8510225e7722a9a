import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database, Sql } from '@wagewatch/db';
import { z } from 'zod';
import {
  type KeyScope,
  type Principal,
  type PrincipalUser,
  principalFor,
  type Role,
  toPrincipal,
} from './auth.ts';
import type { Clock } from './clock.ts';
import { ensureKeyRegistrySchema } from './key-registry.ts';
import { dummyPasswordHash, hashPassword, type ScryptParams, verifyPassword } from './password.ts';

// People and their sessions (docs/adr/0017-people-sessions-csrf.md). The tables live in the
// shared `auth` schema beside the key registry (created by ensureKeyRegistrySchema); every
// process of every service authenticates a session cookie against them.

export const SESSION_COOKIE = 'ww_session';
export const CSRF_HEADER = 'x-csrf-token';

export const PEOPLE_DDL = [
  `CREATE TABLE IF NOT EXISTS auth.app_user (
    user_id uuid PRIMARY KEY,
    login text NOT NULL UNIQUE,
    name text NOT NULL,
    role text NOT NULL,
    scope jsonb NOT NULL,
    password_hash text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT true,
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz,
    updated_by text
  )`,
  // The token itself is never stored: only its SHA-256 (a database read gives no session).
  `CREATE TABLE IF NOT EXISTS auth.session (
    token_hash text PRIMARY KEY,
    session_id uuid NOT NULL UNIQUE,
    user_id uuid NOT NULL REFERENCES auth.app_user (user_id),
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ended_at timestamptz,
    ended_reason text
  )`,
  'CREATE INDEX IF NOT EXISTS session_open_by_user ON auth.session (user_id) WHERE ended_at IS NULL',
];

export type UserRecord = {
  userId: string;
  login: string;
  name: string;
  role: Role;
  scope: KeyScope;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: Date;
  createdBy: string;
};

/** What a valid session cookie yields. */
export type SessionAuth = {
  principal: Principal;
  user: UserRecord;
  sessionId: string;
  csrfToken: string;
  /** When the session ends if unused (the earlier of the idle and the absolute expiry). */
  expiresAt: Date;
};

export type SessionStoreOptions = {
  /** A session unused this long ends (default 30 min, WAGEWATCH_SESSION_IDLE_MINUTES). */
  idleMs?: number;
  /** A session ends this long after login whatever its use (default 12 h, WAGEWATCH_SESSION_MAX_HOURS). */
  maxMs?: number;
  /** How long (real time) a process trusts a session it read (default 2 s): a logout or revocation elsewhere takes at most this. */
  cacheMs?: number;
  /** The scrypt cost of new hashes (tests lower it). */
  scrypt?: ScryptParams;
};

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(login: string, password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.trim().toLowerCase() === login.toLowerCase()) return 'must not be the login';
  return undefined;
}

/** Why a scope does not suit a role (the message of toPrincipal), or undefined. */
export function scopeProblem(role: Role, scope: KeyScope): string | undefined {
  try {
    toPrincipal(role, scope, 'check');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

type UserRow = {
  user_id: string;
  login: string;
  name: string;
  role: Role;
  scope: KeyScope | string;
  password_hash: string;
  must_change_password: boolean;
  disabled: boolean;
  created_at: Date | string;
  created_by: string;
};
type SessionRow = UserRow & {
  token_hash: string;
  session_id: string;
  csrf_token: string;
  s_created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  ended_at: Date | string | null;
};

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

function toUser(r: UserRow): UserRecord {
  return {
    userId: r.user_id,
    login: r.login,
    name: r.name,
    role: r.role,
    scope: typeof r.scope === 'string' ? (JSON.parse(r.scope) as KeyScope) : r.scope,
    mustChangePassword: r.must_change_password,
    disabled: r.disabled,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
  };
}

const SESSION_SELECT = `SELECT s.token_hash, s.session_id, s.csrf_token, s.created_at AS s_created_at,
  s.last_seen_at, s.expires_at, s.ended_at, u.*
  FROM auth.session s JOIN auth.app_user u ON u.user_id = s.user_id WHERE s.token_hash = $1`;

/**
 * Users (people who log in) and their sessions, shared by every process through the database.
 * A session is an opaque random token in an HttpOnly cookie, stored as its SHA-256 hash, with a
 * CSRF token; it ends after `idleMs` unused, `maxMs` after login, on logout, when the user is
 * disabled or has their password reset. Each process trusts a session it read for `cacheMs`
 * of real time at most; expiry is always checked against the injected clock.
 */
export class SessionStore {
  private readonly cache = new Map<string, { row: SessionRow; readAt: number }>();
  readonly idleMs: number;
  readonly maxMs: number;
  private readonly cacheMs: number;

  constructor(
    private readonly db: Database,
    readonly clock: Clock,
    private readonly options: SessionStoreOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.maxMs = options.maxMs ?? 12 * 3600_000;
    this.cacheMs = options.cacheMs ?? 2000;
  }

  /** Creates the auth schema (keys, users, sessions) if needed. */
  async start(): Promise<void> {
    await ensureKeyRegistrySchema(this.db);
  }

  // ---- users ----

  async createUser(u: {
    login: string;
    name: string;
    role: Role;
    scope: KeyScope;
    password: string;
    mustChangePassword: boolean;
    createdBy: string;
  }): Promise<UserRecord | undefined> {
    const hash = await hashPassword(u.password, this.options.scrypt);
    const rows = await this.db.query<UserRow>(
      `INSERT INTO auth.app_user (user_id, login, name, role, scope, password_hash, must_change_password, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (login) DO NOTHING RETURNING *`,
      [
        randomUUID(),
        u.login,
        u.name,
        u.role,
        JSON.stringify(u.scope),
        hash,
        u.mustChangePassword,
        this.clock.now(),
        u.createdBy,
      ],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.db.query<UserRow>('SELECT * FROM auth.app_user ORDER BY login')).map(toUser);
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    const rows = await this.db.query<UserRow>('SELECT * FROM auth.app_user WHERE user_id = $1', [userId]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async findUser(login: string): Promise<UserRecord | undefined> {
    const rows = await this.db.query<UserRow>('SELECT * FROM auth.app_user WHERE login = $1', [login]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /**
   * Changes a user (admin). A password reset sets mustChangePassword; a reset or disabling ends
   * every open session of the user at once.
   */
  async updateUser(
    userId: string,
    change: { name?: string; scope?: KeyScope; disabled?: boolean; password?: string },
    by: string,
  ): Promise<UserRecord | undefined> {
    const hash =
      change.password === undefined ? null : await hashPassword(change.password, this.options.scrypt);
    const rows = await this.db.transaction(async (tx) => {
      const updated = await tx.query<UserRow>(
        `UPDATE auth.app_user SET name = COALESCE($2, name), scope = COALESCE($3::jsonb, scope),
           disabled = COALESCE($4, disabled), password_hash = COALESCE($5, password_hash),
           must_change_password = must_change_password OR $5 IS NOT NULL, updated_at = $6, updated_by = $7
         WHERE user_id = $1 RETURNING *`,
        [
          userId,
          change.name ?? null,
          change.scope === undefined ? null : JSON.stringify(change.scope),
          change.disabled ?? null,
          hash,
          this.clock.now(),
          by,
        ],
      );
      if (updated[0] && (hash !== null || change.disabled === true))
        await this.endSessionsOf(tx, userId, hash !== null ? 'password-reset' : 'disabled');
      return updated;
    });
    this.forgetUser(userId);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** Inspectors (not disabled) whose districts meet `districts` (`all` meets every district). */
  async inspectorsSharing(
    districts: string[] | 'all',
  ): Promise<{ login: string; name: string; districts: string[] | 'all' }[]> {
    const rows = await this.db.query<UserRow>(
      "SELECT * FROM auth.app_user WHERE role = 'inspector' AND NOT disabled ORDER BY login",
    );
    return rows
      .map(toUser)
      .filter((u) => {
        const theirs = u.scope.districts;
        if (!theirs) return false;
        return districts === 'all' || theirs === 'all' || theirs.some((d) => districts.includes(d));
      })
      .map((u) => ({ login: u.login, name: u.name, districts: u.scope.districts! }));
  }

  // ---- sessions ----

  /**
   * A new session for the login and password, or undefined (unknown login, wrong password or
   * disabled user alike, in about the same time).
   */
  async login(login: string, password: string): Promise<{ token: string; auth: SessionAuth } | undefined> {
    const rows = await this.db.query<UserRow>('SELECT * FROM auth.app_user WHERE login = $1', [
      login.trim().toLowerCase(),
    ]);
    const row = rows[0];
    const ok = await verifyPassword(
      password,
      row?.password_hash ?? (await dummyPasswordHash(this.options.scrypt)),
    );
    if (!row || !ok || row.disabled) return undefined;
    const token = newToken();
    const now = this.clock.now();
    const session = {
      token_hash: hashToken(token),
      session_id: randomUUID(),
      csrf_token: newToken(),
      s_created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + this.maxMs),
      ended_at: null,
    };
    await this.db.query(
      `INSERT INTO auth.session (token_hash, session_id, user_id, csrf_token, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $5, $6)`,
      [session.token_hash, session.session_id, row.user_id, session.csrf_token, now, session.expires_at],
    );
    const full: SessionRow = { ...row, ...session };
    this.cache.set(session.token_hash, { row: full, readAt: performance.now() });
    return { token, auth: this.toAuth(full) };
  }

  /** The session of a cookie's token, or undefined when there is none (ended, expired, disabled). */
  async authenticate(token: string | undefined): Promise<SessionAuth | undefined> {
    if (!token || token.length > 200) return undefined;
    const hash = hashToken(token);
    let row = await this.read(hash, false);
    if (row && !this.isLive(row)) row = await this.read(hash, true); // another process may have kept it alive
    if (!row) return undefined;
    if (!this.isLive(row)) {
      await this.end(token, this.endReason(row));
      return undefined;
    }
    const now = this.clock.now();
    // Last use, written at most once per minute (or per tenth of the idle time if shorter).
    if (now.getTime() - new Date(row.last_seen_at).getTime() >= Math.min(60_000, this.idleMs / 10)) {
      await this.db.query(
        'UPDATE auth.session SET last_seen_at = GREATEST(last_seen_at, $2) WHERE token_hash = $1',
        [hash, now],
      );
      row.last_seen_at = now;
    }
    return this.toAuth(row);
  }

  /** Ends the session of this token (logout); effective in this process at once. */
  async end(token: string, reason = 'logout'): Promise<void> {
    const hash = hashToken(token);
    this.cache.delete(hash);
    await this.db.query(
      'UPDATE auth.session SET ended_at = COALESCE(ended_at, $2), ended_reason = COALESCE(ended_reason, $3) WHERE token_hash = $1',
      [hash, this.clock.now(), reason],
    );
  }

  /**
   * Changes the user's own password (the current one checked) and clears mustChangePassword;
   * every other session of the user ends. False when the current password is wrong.
   */
  async changePassword(auth: SessionAuth, currentPassword: string, newPassword: string): Promise<boolean> {
    const rows = await this.db.query<UserRow>('SELECT * FROM auth.app_user WHERE user_id = $1', [
      auth.user.userId,
    ]);
    if (!rows[0] || !(await verifyPassword(currentPassword, rows[0].password_hash))) return false;
    const hash = await hashPassword(newPassword, this.options.scrypt);
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await tx.query(
        'UPDATE auth.app_user SET password_hash = $2, must_change_password = false, updated_at = $3, updated_by = $4 WHERE user_id = $1',
        [auth.user.userId, hash, now, auth.principal.keyId],
      );
      await tx.query(
        `UPDATE auth.session SET ended_at = $3, ended_reason = 'password-changed'
         WHERE user_id = $1 AND session_id <> $2 AND ended_at IS NULL`,
        [auth.user.userId, auth.sessionId, now],
      );
    });
    this.forgetUser(auth.user.userId);
    return true;
  }

  /** True when `given` is the session's CSRF token (compared in constant time). */
  static csrfMatches(auth: SessionAuth, given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(auth.csrfToken);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private async endSessionsOf(tx: Sql, userId: string, reason: string): Promise<void> {
    await tx.query(
      'UPDATE auth.session SET ended_at = $2, ended_reason = $3 WHERE user_id = $1 AND ended_at IS NULL',
      [userId, this.clock.now(), reason],
    );
  }

  private forgetUser(userId: string): void {
    for (const [hash, entry] of this.cache) if (entry.row.user_id === userId) this.cache.delete(hash);
  }

  private async read(hash: string, fresh: boolean): Promise<SessionRow | undefined> {
    const cached = this.cache.get(hash);
    if (!fresh && cached && performance.now() - cached.readAt < this.cacheMs) return cached.row;
    const rows = await this.db.query<SessionRow>(SESSION_SELECT, [hash]);
    if (!rows[0]) {
      this.cache.delete(hash);
      return undefined;
    }
    this.cache.set(hash, { row: rows[0], readAt: performance.now() });
    return rows[0];
  }

  private isLive(row: SessionRow): boolean {
    return this.endReason(row) === undefined;
  }

  private endReason(row: SessionRow): string | undefined {
    if (row.ended_at !== null) return 'ended';
    if (row.disabled) return 'disabled';
    const now = this.clock.now().getTime();
    if (now >= new Date(row.expires_at).getTime()) return 'expired';
    if (now - new Date(row.last_seen_at).getTime() >= this.idleMs) return 'idle';
    return undefined;
  }

  private toAuth(row: SessionRow): SessionAuth {
    const user = toUser(row);
    const person: PrincipalUser = { userId: user.userId, login: user.login, name: user.name };
    const idleEnd = new Date(row.last_seen_at).getTime() + this.idleMs;
    return {
      principal: principalFor(user.role, user.scope, `user:${user.userId}`, person),
      user,
      sessionId: row.session_id,
      csrfToken: row.csrf_token,
      expiresAt: new Date(Math.min(idleEnd, new Date(row.expires_at).getTime())),
    };
  }
}

/**
 * The session lifetimes as environment variables: each service's env.ts extends its schema with
 * these; `sessionOptionsFromEnv` maps them.
 */
export const sessionEnv = {
  /** A session unused this long ends. */
  WAGEWATCH_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** A session ends this long after login, however much it is used. */
  WAGEWATCH_SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
};

export function sessionOptionsFromEnv(env: { [K in keyof typeof sessionEnv]: number }): SessionStoreOptions {
  return {
    idleMs: env.WAGEWATCH_SESSION_IDLE_MINUTES * 60_000,
    maxMs: env.WAGEWATCH_SESSION_MAX_HOURS * 3600_000,
  };
}
