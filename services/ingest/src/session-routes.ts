import {
  type ApiKeys,
  AppError,
  actorOf,
  ConflictError,
  clearedSessionCookie,
  cookieValue,
  LOGIN_PATTERN,
  MAX_PASSWORD_LENGTH,
  NotFoundError,
  passwordProblem,
  principalOf,
  problemSchema,
  ROLES,
  requireRole,
  SESSION_COOKIE,
  type SessionAuth,
  type SessionStore,
  scopeProblem,
  sessionCookie,
  UnauthorizedError,
  type UserRecord,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

// People and sessions (issue 12; docs/adr/0017-people-sessions-csrf.md): login, the session,
// logout, the password change; the admin's user routes; the inspectors to assign a task to.

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const scopeSchema = z.object({
  bankCode: z.string().optional(),
  projectIds: z.array(z.string()).optional(),
  districts: z.union([z.array(z.string()), z.literal('all')]).optional(),
});

const sessionUserSchema = z.object({
  userId: z.string(),
  login: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  scope: scopeSchema,
  mustChangePassword: z.boolean(),
});
const sessionSchema = z.object({ user: sessionUserSchema, csrfToken: z.string(), expiresAt: z.string() });

const userSchema = sessionUserSchema.extend({
  disabled: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});

const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

const sessionBody = (a: SessionAuth) => ({
  user: {
    userId: a.user.userId,
    login: a.user.login,
    name: a.user.name,
    role: a.user.role,
    scope: a.user.scope,
    mustChangePassword: a.user.mustChangePassword,
  },
  csrfToken: a.csrfToken,
  expiresAt: a.expiresAt.toISOString(),
});
const userBody = (u: UserRecord) => ({ ...u, createdAt: u.createdAt.toISOString() });

const secure = (req: FastifyRequest) => req.protocol === 'https';

function checkNewPassword(login: string, value: string, field: string): void {
  const problem = passwordProblem(login, value);
  if (problem) throw new ValidationError(`${field} ${problem}`, [{ field, message: problem }]);
}

function checkScope(role: UserRecord['role'], scope: UserRecord['scope']): void {
  const problem = scopeProblem(role, scope);
  if (problem) throw new ValidationError(problem, [{ field: 'scope', message: problem }]);
}

/** Checked before the body is validated: a caller who is not an admin gets 403, whatever it sent. */
const adminOnly = async (req: FastifyRequest) => requireRole(principalOf(req), 'admin');

export function registerSessionRoutes(root: FastifyInstance, deps: { apiKeys: ApiKeys }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const store = (): SessionStore => {
    if (!deps.apiKeys.sessions)
      throw new Error('no session store attached to the API keys (composition root)');
    return deps.apiKeys.sessions;
  };
  const sessionOf = (req: FastifyRequest): SessionAuth => {
    if (!req.sessionAuth) throw new UnauthorizedError('no session: log in first (POST /v1/session)');
    return req.sessionAuth;
  };

  app.post(
    '/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Log in: sets the ww_session cookie (HttpOnly, SameSite=Strict) and returns the CSRF token',
        security: [],
        body: z.object({ login: z.string().min(1).max(100), password }),
        response: { 200: sessionSchema, ...problems },
      },
    },
    async (req, reply) => {
      const done = await store().login(req.body.login, req.body.password);
      // One answer for an unknown login, a wrong password and a disabled user; it counts
      // against the failed-authentication limit of the address (http-protection.ts).
      if (!done) throw new UnauthorizedError('the login or the password is wrong');
      reply.header('set-cookie', sessionCookie(done.token, secure(req)));
      req.log.info({ userId: done.auth.user.userId, role: done.auth.user.role }, 'session started');
      return sessionBody(done.auth);
    },
  );

  app.get(
    '/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'The current session: the person, their scope and the CSRF token',
        security: [{ session: [] }],
        response: { 200: sessionSchema, ...problems },
      },
    },
    async (req) => sessionBody(sessionOf(req)),
  );

  app.delete(
    '/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Log out: the session ends everywhere and the cookie is cleared',
        security: [{ session: [] }],
        response: { 204: z.null().describe('logged out'), ...problems },
      },
    },
    async (req, reply) => {
      sessionOf(req);
      const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
      if (token) await store().end(token, 'logout');
      reply.header('set-cookie', clearedSessionCookie(secure(req)));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/session/password',
    {
      schema: {
        tags: ['session'],
        summary: 'Change your password (required before anything else after an admin set it)',
        security: [{ session: [] }],
        body: z.object({ currentPassword: password, newPassword: password }),
        response: { 204: z.null().describe('changed; your other sessions ended'), ...problems },
      },
    },
    async (req, reply) => {
      const auth = sessionOf(req);
      checkNewPassword(auth.user.login, req.body.newPassword, 'newPassword');
      if (req.body.newPassword === req.body.currentPassword)
        throw new ValidationError('the new password must differ from the current one', [
          { field: 'newPassword', message: 'must differ from the current password' },
        ]);
      if (!(await store().changePassword(auth, req.body.currentPassword, req.body.newPassword)))
        throw new AppError('forbidden', 403, 'Wrong password', 'the current password is wrong', [
          { field: 'currentPassword', message: 'is wrong' },
        ]);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/admin/users',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['admin'],
        summary: 'List the people who log in (never a password)',
        response: { 200: z.object({ items: z.array(userSchema) }), ...problems },
      },
    },
    async (req) => {
      requireRole(principalOf(req), 'admin');
      return { items: (await store().listUsers()).map(userBody) };
    },
  );

  app.post(
    '/v1/admin/users',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['admin'],
        summary: 'Create a user; they must change the password at first login',
        body: z.object({
          login: z
            .string()
            .regex(LOGIN_PATTERN, 'lower-case letters, digits, ".", "_" or "-" (2-63 characters)'),
          name: z.string().trim().min(1).max(100),
          role: z.enum(ROLES),
          scope: scopeSchema.default({}),
          password,
        }),
        response: { 201: userSchema, ...problems, 409: problemSchema },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      requireRole(principal, 'admin');
      checkScope(req.body.role, req.body.scope);
      checkNewPassword(req.body.login, req.body.password, 'password');
      const created = await store().createUser({
        ...req.body,
        mustChangePassword: true,
        createdBy: actorOf(principal),
      });
      if (!created) throw new ConflictError(`the login ${req.body.login} is taken`);
      return reply.code(201).send(userBody(created));
    },
  );

  app.patch(
    '/v1/admin/users/:userId',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['admin'],
        summary: 'Change a user: name, scope, disabled, or a password reset (they must change it again)',
        params: z.object({ userId: z.uuid() }),
        body: z.object({
          name: z.string().trim().min(1).max(100).optional(),
          scope: scopeSchema.optional(),
          disabled: z.boolean().optional(),
          password: password.optional(),
        }),
        response: { 200: userSchema, ...problems },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      requireRole(principal, 'admin');
      const user = await store().getUser(req.params.userId);
      if (!user) throw new NotFoundError(`no user ${req.params.userId}`);
      if (req.body.scope) checkScope(user.role, req.body.scope);
      if (req.body.password !== undefined) checkNewPassword(user.login, req.body.password, 'password');
      const updated = await store().updateUser(user.userId, req.body, actorOf(principal));
      if (!updated) throw new NotFoundError(`no user ${req.params.userId}`);
      return userBody(updated);
    },
  );

  app.get(
    '/v1/people',
    {
      preValidation: async (req: FastifyRequest) => requireRole(principalOf(req), 'inspector', 'admin'),
      schema: {
        tags: ['people'],
        summary: 'Inspectors sharing a district with you (to assign a task to)',
        querystring: z.object({ role: z.literal('inspector').default('inspector') }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                login: z.string(),
                name: z.string(),
                districts: z.union([z.array(z.string()), z.literal('all')]),
              }),
            ),
          }),
          ...problems,
        },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      requireRole(principal, 'inspector', 'admin');
      const districts = principal.role === 'inspector' ? principal.districts : 'all';
      return { items: await store().inspectorsSharing(districts) };
    },
  );
}
