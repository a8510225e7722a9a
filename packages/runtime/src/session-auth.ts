// How a request to /v1 is authenticated (docs/adr/0017-people-sessions-csrf.md):
// `Authorization: Bearer` → an API key, exactly as before; else the `ww_session` cookie → a
// person's session, with a CSRF check on every state-changing request and the forced password
// change gate; `POST /v1/session` (the login) needs neither.
import type { FastifyRequest } from 'fastify';
import type { ApiKeys } from './auth.ts';
import { AppError, UnauthorizedError } from './errors.ts';
import { CSRF_HEADER, SESSION_COOKIE, type SessionAuth, SessionStore } from './session-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session behind the principal, when a person is calling (null for a key). */
    sessionAuth: SessionAuth | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a person who must change their password may still do. */
const BEFORE_PASSWORD_CHANGE = new Set([
  'GET /v1/session',
  'DELETE /v1/session',
  'POST /v1/session/password',
]);

export class CsrfError extends AppError {
  constructor() {
    super(
      'csrf',
      403,
      'CSRF token missing or wrong',
      `a state-changing request made with a session must carry the header ${CSRF_HEADER} with the session's csrfToken`,
      [{ field: CSRF_HEADER, message: 'missing or not this session’s token' }],
    );
  }
}
export class PasswordChangeRequiredError extends AppError {
  constructor() {
    super(
      'password-change-required',
      403,
      'Password change required',
      'change your password first (POST /v1/session/password {currentPassword, newPassword})',
      [{ field: 'newPassword', message: 'a new password is required before anything else' }],
    );
  }
}

/** One cookie's value from a Cookie header (undefined when absent). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value of a session (HttpOnly, SameSite=Strict, Path=/, Secure over https). */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}
/** The Set-Cookie value that clears the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`;
}

/** Sets `req.principal` (and `req.sessionAuth`) for a /v1 request, or throws 401/403. */
export async function authenticateRequest(req: FastifyRequest, apiKeys: ApiKeys): Promise<void> {
  const sessions = apiKeys.sessions;
  if (req.headers.authorization !== undefined || !sessions) {
    req.principal = apiKeys.verify(req.headers.authorization);
    return;
  }
  const path = req.url.split('?')[0];
  if (req.method === 'POST' && path === '/v1/session') return; // the login itself
  const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (!token) {
    req.principal = apiKeys.verify(undefined); // 401, as without a key
    return;
  }
  const auth = await sessions.authenticate(token);
  if (!auth) throw new UnauthorizedError('the session has ended or expired: log in again (POST /v1/session)');
  if (!SAFE_METHODS.has(req.method)) {
    const given = req.headers[CSRF_HEADER];
    if (!SessionStore.csrfMatches(auth, typeof given === 'string' ? given : undefined)) throw new CsrfError();
  }
  if (auth.user.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(`${req.method} ${path}`))
    throw new PasswordChangeRequiredError();
  req.principal = auth.principal;
  req.sessionAuth = auth;
}
