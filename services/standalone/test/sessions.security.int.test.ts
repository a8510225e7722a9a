import { defaultCalendar } from '@wagewatch/domain';
import { createLedger } from '@wagewatch/ledger';
import {
  ApiKeys,
  buildHttpApp,
  createLogger,
  createMetrics,
  type HttpApp,
  KeyRegistry,
  ManualClock,
  SessionStore,
} from '@wagewatch/runtime';
import { resolveServices, type TestDatabase, type TestDatabaseKind } from '@wagewatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoUsers } from '../src/demo.ts';
import { expectProblem, lineBody, registerProject, workerBody } from './api-helpers.ts';
import { type ApiResponse, startTestSystem, TEST_NOW, TEST_SECRET, type TestSystem } from './harness.ts';
import { contractorOf, inspectionSweep, publishFinding } from './inspection-helpers.ts';

// Issue 12, "Who logs in, and how": people log in as themselves (POST /v1/session), a session
// in an HttpOnly, SameSite=Strict cookie, CSRF on every state-changing request, idle and
// absolute expiry on the injected clock, logout, a forced password change, disabled users,
// scopes as for keys, audit trails naming the person, sessions shared by every process.

const MINUTE = 60_000;
/** Lower scrypt cost than production (2^15): the hashes are real, the suite stays quick. */
const SESSIONS = { scrypt: { N: 2 ** 12, r: 8, p: 1 } };

/** A browser, as far as the API sees one: a cookie jar of one cookie and the CSRF token. */
class Browser {
  cookie: string | undefined;
  csrf: string | undefined;
  lastSetCookie: string | null = null;
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: string | null } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = `theme=dark; ww_session=${this.cookie}`;
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf && !['GET', 'HEAD'].includes(method)) headers['x-csrf-token'] = csrf;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    this.lastSetCookie = res.headers.get('set-cookie');
    const m = this.lastSetCookie ? /ww_session=([^;]*)/.exec(this.lastSetCookie) : null;
    if (m) this.cookie = m[1] || undefined;
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }
  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown, options?: { csrf?: string | null }) {
    return this.request<T>('POST', path, body, options);
  }
  async login(login: string, password: string): Promise<ApiResponse> {
    const res = await this.post('/v1/session', { login, password });
    if (res.status === 200) this.csrf = res.body.csrfToken;
    return res;
  }
}

describe.each<TestDatabaseKind>(['pglite', 'postgres'])('people and sessions on %s', (kind) => {
  let t: TestSystem;
  /** Every password and token the tests handled: none may reach a log line. */
  const secrets: string[] = [];
  const names: string[] = [];
  let seq = 0;

  beforeAll(async () => {
    t = await startTestSystem({ kind, embedded: { sessions: SESSIONS } });
    await registerProject(t, 1); // 东区
    await registerProject(t, 2, { district: '西区' });
  }, 60_000);
  afterAll(async () => {
    // Passwords, session cookies, CSRF tokens and people's names never reach the logs.
    const leaked = secrets.concat(names).filter((s) => t.logs.some((l) => l.includes(s)));
    await t?.close();
    expect(leaked).toEqual([]);
  });

  const browser = () => new Browser(t.api.baseUrl);
  const track = (b: Browser) => {
    if (b.cookie) secrets.push(b.cookie);
    if (b.csrf) secrets.push(b.csrf);
    return b;
  };

  /** An admin creates a user (with an API key); returns the login, first password and id. */
  const createUser = async (role: string, scope: Record<string, unknown>, name = `用户${++seq}号`) => {
    const login = `${role.slice(0, 3)}.${kind}.${++seq}`;
    const password = `first-pass-${seq}-${kind}`;
    secrets.push(password);
    names.push(name);
    const res = await t.admin.post('/v1/admin/users', { login, name, role, scope, password });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { login, password, name, userId: res.body.userId as string };
  };

  /** A user who logged in and changed the first password: ready to work. */
  const person = async (role: string, scope: Record<string, unknown>, name?: string) => {
    const u = await createUser(role, scope, name);
    const b = browser();
    expect((await b.login(u.login, u.password)).status).toBe(200);
    const newPassword = `${u.password}-changed`;
    secrets.push(newPassword);
    const changed = await b.post('/v1/session/password', { currentPassword: u.password, newPassword });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
    track(b);
    return { ...u, password: newPassword, b };
  };

  it('login: the right password opens a session; a wrong password and an unknown login get the same 401', async () => {
    const u = await createUser('inspector', { districts: ['东区'] }, '赵敏');
    const b = browser();
    const ok = await b.login(u.login, u.password);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    track(b);
    expect(ok.body).toEqual({
      user: {
        userId: u.userId,
        login: u.login,
        name: '赵敏',
        role: 'inspector',
        scope: { districts: ['东区'] },
        mustChangePassword: true,
      },
      csrfToken: expect.stringMatching(/^[\w-]{40,}$/),
      expiresAt: new Date(t.clock.now().getTime() + 30 * MINUTE).toISOString(),
    });
    const wrong = await browser().login(u.login, 'not-the-password');
    const unknown = await browser().login('nobody.here', 'not-the-password');
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    // The token is stored only as its SHA-256: the database holds no cookie value.
    const rows = await t.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM auth.session s JOIN auth.app_user u USING (user_id) WHERE u.login = $1',
      [u.login],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toBe(b.cookie);
    // A body without the login or password is a 400 naming the field.
    const missing = await browser().post('/v1/session', { login: u.login });
    expectProblem(missing, 400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['password']);
  });

  it('the cookie is HttpOnly, SameSite=Strict, Path=/ (not Secure over plain http)', async () => {
    const { login, password } = await createUser('admin', {});
    const b = browser();
    await b.login(login, password);
    track(b);
    const parts = b.lastSetCookie!.split(';').map((s) => s.trim());
    expect(parts[0]).toMatch(/^ww_session=[\w-]{40,}$/);
    expect(parts.slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
  });

  it('CSRF: a state-changing request without or with a wrong x-csrf-token is 403 and changes nothing', async () => {
    const admin = await person('admin', {});
    const body = (login: string) => ({
      login,
      name: '钱七',
      role: 'inspector',
      scope: { districts: ['西区'] },
      password: 'a-long-enough-password',
    });
    secrets.push('a-long-enough-password');
    names.push('钱七');
    const none = await admin.b.post('/v1/admin/users', body(`csrf.${kind}.1`), { csrf: null });
    expectProblem(none, 403);
    expect(none.body.type).toBe('urn:wagewatch:problem:csrf');
    expect(none.body.errors).toEqual([{ field: 'x-csrf-token', message: expect.any(String) }]);
    const wrong = await admin.b.post('/v1/admin/users', body(`csrf.${kind}.1`), { csrf: `${admin.b.csrf}x` });
    expectProblem(wrong, 403);
    expect(wrong.body.type).toBe('urn:wagewatch:problem:csrf');
    expect(
      (await t.admin.get('/v1/admin/users')).body.items.map((u: { login: string }) => u.login),
    ).not.toContain(`csrf.${kind}.1`);
    // Reads need no token; with the right one the change goes through.
    expect((await admin.b.get('/v1/admin/users')).status).toBe(200);
    const right = await admin.b.post('/v1/admin/users', body(`csrf.${kind}.1`));
    expect(right.status, JSON.stringify(right.body)).toBe(201);
    expect(right.body.createdBy).toBe(`${admin.name} (${admin.login})`);
    // A fresh GET /v1/session hands the page its token again.
    expect((await admin.b.get('/v1/session')).body.csrfToken).toBe(admin.b.csrf);
    // API keys are unchanged: no cookie, no CSRF token.
    expect((await t.admin.post('/v1/admin/users', body(`csrf.${kind}.2`))).status).toBe(201);
  });

  it('a session ends after 30 minutes unused and 12 hours after login, on the injected clock', async () => {
    const idle = await person('inspector', { districts: 'all' });
    t.clock.advance(29 * MINUTE);
    expect((await idle.b.get('/v1/session')).status).toBe(200); // used: the idle time starts again
    t.clock.advance(29 * MINUTE);
    expect((await idle.b.get('/v1/findings?limit=1')).status).toBe(200);
    t.clock.advance(30 * MINUTE);
    expectProblem(await idle.b.get('/v1/findings?limit=1'), 401);
    expectProblem(await idle.b.get('/v1/session'), 401);

    const busy = await person('inspector', { districts: 'all' });
    for (let h = 0; h < 24; h++) {
      t.clock.advance(29 * MINUTE); // used every 29 minutes: never idle, 11 h 36 min in all
      expect((await busy.b.get('/v1/session')).status).toBe(200);
    }
    t.clock.advance(25 * MINUTE); // 12 h 01 min after login
    const ended = await busy.b.get('/v1/session');
    expectProblem(ended, 401);
    expect(ended.body.detail).toMatch(/log in again/);
    const [row] = await t.db.query<{ ended_reason: string }>(
      'SELECT ended_reason FROM auth.session s JOIN auth.app_user u USING (user_id) WHERE u.login = $1',
      [busy.login],
    );
    expect(row?.ended_reason).toBe('expired');
  });

  it('logout ends the session: the cookie is cleared and the old token is refused', async () => {
    const u = await person('inspector', { districts: ['东区'] });
    const token = u.b.cookie!;
    expectProblem(await u.b.request('DELETE', '/v1/session', undefined, { csrf: null }), 403);
    const out = await u.b.request('DELETE', '/v1/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^ww_session=;.*Max-Age=0/);
    expect(u.b.cookie).toBeUndefined();
    u.b.cookie = token; // a copy of the old cookie
    expectProblem(await u.b.get('/v1/session'), 401);
    expectProblem(await u.b.get('/v1/findings?limit=1'), 401);
  });

  it('a user an admin created must change the password before anything else', async () => {
    const u = await createUser('project-manager', { projectIds: ['PZH-API-001'] });
    const b = browser();
    expect((await b.login(u.login, u.password)).body.user.mustChangePassword).toBe(true);
    track(b);
    const gated = await b.get('/v1/projects/PZH-API-001/status');
    expectProblem(gated, 403);
    expect(gated.body.type).toBe('urn:wagewatch:problem:password-change-required');
    expect((await b.get('/v1/session')).status).toBe(200);
    const tooShort = await b.post('/v1/session/password', {
      currentPassword: u.password,
      newPassword: 'short',
    });
    expectProblem(tooShort, 400);
    expect(tooShort.body.errors).toEqual([{ field: 'newPassword', message: expect.stringMatching(/10/) }]);
    const same = await b.post('/v1/session/password', { currentPassword: u.password, newPassword: u.login });
    expectProblem(same, 400);
    const wrongCurrent = await b.post('/v1/session/password', {
      currentPassword: 'not-my-password',
      newPassword: 'a-new-password-1',
    });
    expectProblem(wrongCurrent, 403);
    expect(wrongCurrent.body.errors).toEqual([{ field: 'currentPassword', message: 'is wrong' }]);
    secrets.push('a-new-password-1');
    expect(
      (await b.post('/v1/session/password', { currentPassword: u.password, newPassword: 'a-new-password-1' }))
        .status,
    ).toBe(204);
    expect((await b.get('/v1/projects/PZH-API-001/status')).status).toBe(200);
    expect((await b.get('/v1/session')).body.user.mustChangePassword).toBe(false);
    expectProblem(await browser().login(u.login, u.password), 401);
    const again = await browser().login(u.login, 'a-new-password-1');
    expect(again.status).toBe(200);
    expect(again.body.user.mustChangePassword).toBe(false);

    // An admin's reset sets the gate again and ends the user's sessions.
    secrets.push('reset-by-the-admin');
    const reset = await t.admin.request('PATCH', `/v1/admin/users/${u.userId}`, {
      password: 'reset-by-the-admin',
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(reset.body.mustChangePassword).toBe(true);
    expectProblem(await b.get('/v1/session'), 401);
    const afterReset = await browser().login(u.login, 'reset-by-the-admin');
    expect(afterReset.body.user.mustChangePassword).toBe(true);
  });

  it('a disabled user is logged out at once and cannot log in', async () => {
    const u = await person('inspector', { districts: ['东区'] });
    expect((await u.b.get('/v1/findings?limit=1')).status).toBe(200);
    const off = await t.admin.request('PATCH', `/v1/admin/users/${u.userId}`, { disabled: true });
    expect(off.body.disabled).toBe(true);
    expectProblem(await u.b.get('/v1/findings?limit=1'), 401);
    const refused = await browser().login(u.login, u.password);
    expectProblem(refused, 401);
    expect(refused.body.detail).toBe((await browser().login(u.login, 'wrong-password')).body.detail);
    await t.admin.request('PATCH', `/v1/admin/users/${u.userId}`, { disabled: false });
    expect((await browser().login(u.login, u.password)).status).toBe(200);
  });

  it('a session has its user’s scope: an inspector of 东区 cannot read a 西区 project', async () => {
    const east = await person('inspector', { districts: ['东区'] });
    expect((await east.b.get('/v1/projects/PZH-API-001/status')).status).toBe(200);
    const west = await east.b.get('/v1/projects/PZH-API-002/status');
    expect([403, 404]).toContain(west.status);
    expectProblem(west, west.status);
    expectProblem(await east.b.get('/v1/findings?district=西区'), 403);
    // Not an admin: no user routes.
    expectProblem(await east.b.get('/v1/admin/users'), 403);
    expectProblem(
      await east.b.post('/v1/admin/users', { login: 'x.y', name: 'x', role: 'admin', password: 'p' }),
      403,
    );
  });

  it('an admin creates, lists and changes users; the answers never carry a password', async () => {
    const bad = await t.admin.post('/v1/admin/users', {
      login: `pm.${kind}.bad`,
      name: '孙八',
      role: 'project-manager',
      scope: {},
      password: 'long-enough-password',
    });
    expectProblem(bad, 400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['scope']);
    const badLogin = await t.admin.post('/v1/admin/users', {
      login: 'Has Spaces',
      name: '孙八',
      role: 'admin',
      password: 'long-enough-password',
    });
    expect(badLogin.body.errors.map((e: { field: string }) => e.field)).toEqual(['login']);
    const u = await createUser('inspector', { districts: ['西区'] });
    const dup = await t.admin.post('/v1/admin/users', {
      login: u.login,
      name: 'x',
      role: 'admin',
      password: 'long-enough-password',
    });
    expectProblem(dup, 409);
    const list = await t.admin.get('/v1/admin/users');
    expect(list.status).toBe(200);
    const listed = list.body.items.find((x: { login: string }) => x.login === u.login);
    expect(Object.keys(listed).sort()).toEqual(
      [
        'createdAt',
        'createdBy',
        'disabled',
        'login',
        'mustChangePassword',
        'name',
        'role',
        'scope',
        'userId',
      ].sort(),
    );
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password_hash|first-pass/);
    const moved = await t.admin.request('PATCH', `/v1/admin/users/${u.userId}`, {
      name: '周九',
      scope: { districts: ['东区'] },
    });
    names.push('周九');
    expect(moved.body).toMatchObject({ name: '周九', scope: { districts: ['东区'] } });
    expectProblem(await t.admin.request('PATCH', `/v1/admin/users/${u.userId}`, { scope: {} }), 400);
    expectProblem(
      await t.admin.request('PATCH', '/v1/admin/users/00000000-0000-4000-8000-000000000000', {
        disabled: true,
      }),
      404,
    );
  });

  it('GET /v1/people lists the inspectors who share a district with the caller', async () => {
    const east = await person('inspector', { districts: ['东区'] });
    const westOnly = await createUser('inspector', { districts: ['西区'] });
    const lead = await createUser('inspector', { districts: 'all' });
    const res = await east.b.get('/v1/people?role=inspector');
    expect(res.status).toBe(200);
    const logins = res.body.items.map((p: { login: string }) => p.login);
    expect(logins).toContain(east.login);
    expect(logins).toContain(lead.login);
    expect(logins).not.toContain(westOnly.login);
    expect(res.body.items.find((p: { login: string }) => p.login === east.login)).toEqual({
      login: east.login,
      name: east.name,
      districts: ['东区'],
    });
    const pm = await person('project-manager', { projectIds: ['PZH-API-001'] });
    expectProblem(await pm.b.get('/v1/people'), 403);
  });

  it('the demo users need no password change; a taken login is left alone', async () => {
    const users = await createDemoUsers(t.system.sessions, t.db);
    // No demo PM key in this system, so no `pm` user.
    expect(users.map((u) => [u.login, u.role, u.scope])).toEqual([
      ['admin', 'admin', 'everything'],
      ['inspector.east', 'inspector', '东区'],
      ['inspector.lead', 'inspector', 'all districts'],
    ]);
    for (const u of users) secrets.push(u.password);
    names.push(...users.map((u) => u.name));
    const east = users.find((u) => u.login === 'inspector.east')!;
    const b = browser();
    const res = await b.login(east.login, east.password);
    expect(res.body.user).toMatchObject({ mustChangePassword: false, scope: { districts: ['东区'] } });
    track(b);
    expect((await b.get('/v1/projects/PZH-API-001/status')).status).toBe(200);
    expect(await createDemoUsers(t.system.sessions, t.db)).toEqual([]);
  });

  it('login failures count against the failed-authentication limit of the address', async () => {
    // The limit is generous (100 a minute by default): a burst of wrong passwords meets it.
    let last: ApiResponse | undefined;
    for (let i = 0; i < 101 && last?.status !== 429; i++)
      last = await browser().login('nobody.here', 'wrong');
    expectProblem(last!, 429);
  });
});

describe('an audit trail names the person', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ embedded: { sessions: SESSIONS } });
  }, 60_000);
  afterAll(async () => {
    const logs = t.logs.join('\n');
    await t?.close();
    for (const name of ['吴一', '郑二']) expect(logs).not.toContain(name);
  });

  it('assignment by login, scope=mine, and each task step recorded as "<name> (<login>)"', async () => {
    await registerProject(t, 3, { district: '东区' });
    const make = async (login: string, name: string) => {
      const password = `${login}-password`;
      expect(
        (
          await t.admin.post('/v1/admin/users', {
            login,
            name,
            role: 'inspector',
            scope: { districts: ['东区'] },
            password,
          })
        ).status,
      ).toBe(201);
      const b = new Browser(t.api.baseUrl);
      await b.login(login, password);
      expect(
        (await b.post('/v1/session/password', { currentPassword: password, newPassword: `${password}-2` }))
          .status,
      ).toBe(204);
      return b;
    };
    const lead = await make('east.lead', '吴一');
    const colleague = await make('east.two', '郑二');
    await publishFinding(
      t,
      {
        findingId: 'F-AUDIT-1',
        projectId: 'PZH-API-003',
        responsible: contractorOf(3),
        dueDate: '2026-11-13',
      },
      '2026-11-16T09:00:00+08:00',
    );
    await inspectionSweep(t, '2026-11-20T08:00:00+08:00');
    await inspectionSweep(t, '2026-12-04T08:00:00+08:00');
    const tasks = await lead.get('/v1/tasks');
    expect(tasks.status, JSON.stringify(tasks.body)).toBe(200);
    expect(tasks.body.total).toBe(1);
    const { taskId } = tasks.body.tasks[0];

    const people = await lead.get('/v1/people?role=inspector');
    const two = people.body.items.find((p: { name: string }) => p.name === '郑二');
    const assigned = await lead.post(`/v1/tasks/${taskId}/assign`, { inspector: two.login });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.assignee).toBe('east.two');
    expect(
      (await colleague.get('/v1/tasks?scope=mine')).body.tasks.map((x: { taskId: string }) => x.taskId),
    ).toEqual([taskId]);
    expect((await lead.get('/v1/tasks?scope=mine')).body.total).toBe(0);
    const progressed = await colleague.post(`/v1/tasks/${taskId}/progress`, { note: '已约谈' });
    expect(progressed.status).toBe(200);
    expect(progressed.body.trail.map((e: { actor: string; action: string }) => [e.actor, e.action])).toEqual([
      ['system', 'opened'],
      ['吴一 (east.lead)', 'assign'],
      ['郑二 (east.two)', 'progress'],
    ]);
    const history = (await t.admin.get(`/v1/cases/${tasks.body.tasks[0].caseId}`)).body.history as {
      actor: string;
      action: string;
    }[];
    expect(history.filter((h) => h.action.startsWith('task-')).map((h) => h.actor)).toEqual([
      '吴一 (east.lead)',
      '郑二 (east.two)',
    ]);
  });
});

describe('a payroll version names the person who submitted it', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ embedded: { sessions: SESSIONS } });
  }, 60_000);
  afterAll(async () => {
    const logs = t.logs.join('\n');
    await t?.close();
    expect(logs).not.toContain('陈十一');
  });

  it('a project manager logged in submits a payroll; its history says "<name> (<login>)"', async () => {
    await registerProject(t, 4, { startDate: '2026-09-01' });
    const created = await t.admin.post('/v1/admin/users', {
      login: 'pm.four',
      name: '陈十一',
      role: 'project-manager',
      scope: { projectIds: ['PZH-API-004'] },
      password: 'pm-four-password',
    });
    expect(created.status).toBe(201);
    const pm = new Browser(t.api.baseUrl);
    await pm.login('pm.four', 'pm-four-password');
    await pm.post('/v1/session/password', {
      currentPassword: 'pm-four-password',
      newPassword: 'pm-four-password-2',
    });
    const workers = await pm.post('/v1/projects/PZH-API-004/workers', { workers: [workerBody(41)] });
    expect(workers.status, JSON.stringify(workers.body)).toBeLessThan(300);
    const withoutToken = await pm.post(
      '/v1/projects/PZH-API-004/payrolls',
      { period: '2026-10', lines: [lineBody(41)] },
      { csrf: null },
    );
    expectProblem(withoutToken, 403);
    const sheet = await pm.post('/v1/projects/PZH-API-004/payrolls', {
      period: '2026-10',
      lines: [lineBody(41)],
    });
    expect(sheet.status, JSON.stringify(sheet.body)).toBe(201);
    const history = await pm.get('/v1/projects/PZH-API-004/payrolls/2026-10');
    expect(history.status).toBe(200);
    expect(history.body.versions.map((v: { submittedBy: unknown }) => v.submittedBy)).toEqual([
      { keyId: '陈十一 (pm.four)', role: 'project-manager' },
    ]);
  });
});

describe('a session ended in one process is refused by another on the same PostgreSQL', () => {
  let t: TestSystem;
  let second: { app: HttpApp; keys: KeyRegistry; db: TestDatabase['db']; base: string };
  beforeAll(async () => {
    t = await startTestSystem({ kind: 'postgres', embedded: { sessions: SESSIONS } });
    // Process 2: a ledger composed alone as packages/host does, with its own pool, key
    // verifier and session store (trusting what it read for 100 ms), on the same database.
    const { openPostgres } = await import('@wagewatch/db');
    const [row] = await t.db.query<{ db: string }>('SELECT current_database() AS db');
    const url = new URL((await resolveServices()).postgresUrl);
    url.pathname = `/${row!.db}`;
    const db = openPostgres({ connectionString: url.toString(), max: 2 });
    const clock = new ManualClock(TEST_NOW);
    const apiKeys = new ApiKeys(TEST_SECRET);
    const keys = new KeyRegistry(db, clock, { refreshMs: 100 });
    apiKeys.attach(keys);
    await keys.start();
    const sessions = new SessionStore(db, clock, { cacheMs: 100 });
    apiKeys.attachSessions(sessions);
    await sessions.start();
    const ledger = createLedger({ db, clock, calendar: defaultCalendar });
    const app = await buildHttpApp({
      logger: createLogger({ level: 'silent' }),
      apiKeys,
      metrics: createMetrics(),
      plugins: [ledger.routes],
    });
    second = { app, keys, db, base: await app.listen({ port: 0, host: '127.0.0.1' }) };
  }, 60_000);
  afterAll(async () => {
    await second?.app.close();
    await second?.keys.stop();
    await second?.db.close();
    await t?.close();
  });

  const eventually = async (get: () => Promise<ApiResponse>, status: number, timeoutMs = 3000) => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const r = await get();
      if (r.status === status) return performance.now();
      if (performance.now() > deadline) throw new Error(`still ${r.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  it('logout and disabling reach the other process within its cache time', async () => {
    for (const [login, end] of [
      ['far.logout', 'logout'],
      ['far.disabled', 'disable'],
    ] as const) {
      const created = await t.admin.post('/v1/admin/users', {
        login,
        name: '冯十',
        role: 'inspector',
        scope: { districts: 'all' },
        password: 'first-password-x',
      });
      const here = new Browser(t.api.baseUrl);
      await here.login(login, 'first-password-x');
      await here.post('/v1/session/password', {
        currentPassword: 'first-password-x',
        newPassword: 'second-password-x',
      });
      const there = new Browser(second.base);
      there.cookie = here.cookie;
      // The other process knows the person: a ledger read is answered (404: no such project), not 401.
      expect((await there.get('/v1/projects/PZH-NONE/status')).status).toBe(404);
      const started = performance.now();
      if (end === 'logout') expect((await here.request('DELETE', '/v1/session')).status).toBe(204);
      else
        expect(
          (await t.admin.request('PATCH', `/v1/admin/users/${created.body.userId}`, { disabled: true }))
            .status,
        ).toBe(200);
      const refusedAt = await eventually(() => there.get('/v1/projects/PZH-NONE/status'), 401);
      expect(refusedAt - started).toBeLessThan(3000);
    }
  });
});
