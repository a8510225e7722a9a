import { randomBytes } from 'node:crypto';
import type { Database } from '@wagewatch/db';
import { type DemoCity, generateDemoCity } from '@wagewatch/demo';
import {
  addDays,
  addMonths,
  defaultCalendar,
  holidayAuditsDue,
  type LocalDate,
  periodOf,
  quarterEnd,
  shanghaiDate,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import type { ApiKeys, Clock, KeyRegistry, KeyScope, Logger, Role, SessionStore } from '@wagewatch/runtime';
import type { EmbeddedSystem } from './system.ts';

export type DemoKeys = Record<string, { key: string; role: string; scope: string }>;
/** A demo person who logs in to the console (issue 12): printed once, kept in demo-users.json (0600). */
export type DemoUser = { login: string; password: string; name: string; role: Role; scope: string };

/**
 * The demo's months: three whole payroll months whose feeds (which run to the 25th of the month
 * after the last, see the generator) are over four days before the day it is loaded — the three
 * months before this month from the 29th on, before last month until then.
 */
export function demoMonths(today: LocalDate): string[] {
  const m = Number(today.slice(8, 10)) >= 29 ? periodOf(today) : addMonths(periodOf(today), -1);
  return [addMonths(m, -3), addMonths(m, -2), addMonths(m, -1)];
}

/**
 * The instants before `now` at which the demo city is swept, as a bureau running since its
 * first month would have swept it: day 24 of the second month and day 9 of the third (10:00,
 * Asia/Shanghai), and for every holiday audit and quarterly screening whose window lies in
 * those months and contains neither instant, the first day of its window. So the demo shows each
 * campaign the calendar allows, findings recorded at several dates and cases at several steps of
 * the escalation ladder. Time only moves forward (sweeps are monotonic); the distributed tests
 * replay the same instants. Loaded on 2026-11-29: 2026-09-24 (the Mid-Autumn and National Day
 * audits) and 2026-10-09 (the third quarter's screening).
 */
export function demoHistorySweeps(now: Date, calendar: WorkingDayCalendar = defaultCalendar): Date[] {
  const today = shanghaiDate(now);
  const months = demoMonths(today);
  const at = (d: LocalDate) => new Date(`${d}T10:00:00+08:00`);
  const planned = [`${months[1]}-24`, `${months[2]}-09`];
  const windows = new Map<string, LocalDate[]>();
  for (let d = `${months[0]}-01`; d < today; d = addDays(d, 1)) {
    const keys = holidayAuditsDue(d, calendar).due.map((o) => o.key);
    const screening = quarterEnd(d);
    if (screening) keys.push(screening.key);
    for (const k of keys) windows.set(k, [...(windows.get(k) ?? []), d]);
  }
  const days = new Set(planned);
  for (const inside of windows.values()) if (!inside.some((d) => planned.includes(d))) days.add(inside[0]!);
  return [...days]
    .sort()
    .map(at)
    .filter((i) => i < now);
}

/**
 * Loads the demo city through the public HTTP API, with each role's own key, so the demo
 * exercises the same validation, scopes and events as real callers. Safe to run again after
 * an interruption: projects already registered, duplicate bank records and statements are
 * acknowledged and change nothing.
 */
export async function loadDemo(
  system: EmbeddedSystem,
  apiKeys: ApiKeys,
  clock: Clock,
  logger: Logger,
  city: DemoCity = generateDemoCity({ months: demoMonths(shanghaiDate(clock.now())) }),
) {
  const keys: DemoKeys = {};
  // Every demo key is in the key registry (listed, revocable) like a key issued by the API.
  const records: Parameters<KeyRegistry['record']>[0][] = [];
  const issueKey = (label: string, role: Role, scope: KeyScope) => {
    const issued = apiKeys.issue(role, scope);
    records.push({
      keyId: issued.principal.keyId,
      role,
      scope,
      label: `demo: ${label}`,
      issuedBy: 'demo',
      issuedAt: clock.now(),
    });
    return issued.key;
  };
  const issue = (label: string, role: Role, scope: KeyScope, describe: string) => {
    keys[label] = { key: issueKey(label, role, scope), role, scope: describe };
    return keys[label]!.key;
  };
  const admin = issue('admin', 'admin', {}, 'everything');
  const bankKey = new Map(
    city.banks.map((b) => [
      b.bankCode,
      issue(`bank ${b.bankCode}`, 'bank', { bankCode: b.bankCode }, `accounts at ${b.bankCode}`),
    ]),
  );
  const pmProjects = city.projects.slice(0, 3).map((p) => p.projectId);
  issue(
    'project-manager',
    'project-manager',
    { projectIds: pmProjects },
    `projects ${pmProjects.join(', ')}`,
  );
  const pmAll = issueKey('project-manager (all projects, loads the demo)', 'project-manager', {
    projectIds: city.projects.map((p) => p.projectId),
  });
  for (const r of records) await apiKeys.registry?.record(r);
  issue('inspector (all districts)', 'inspector', { districts: 'all' }, 'all districts');
  issue('inspector (东区)', 'inspector', { districts: ['东区'] }, '东区');

  const call = async (key: string, method: 'POST', url: string, payload: unknown, okIf: number[] = []) => {
    const res = await system.app.inject({
      method,
      url,
      payload: payload as object,
      headers: { authorization: `Bearer ${key}` },
    });
    if (res.statusCode >= 400 && !okIf.includes(res.statusCode)) {
      throw new Error(`demo load: ${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
    }
    return res;
  };
  for (const p of city.projects) await call(admin, 'POST', '/v1/projects', p, [409]);
  for (const w of city.workers) await call(pmAll, 'POST', `/v1/projects/${w.projectId}/workers`, w.body);
  for (const s of city.payrolls) await call(pmAll, 'POST', `/v1/projects/${s.projectId}/payrolls`, s.body);
  for (const t of city.transfers) await call(bankKey.get(t.bankCode)!, 'POST', '/v1/bank/transfers', t.body);
  for (const s of city.statements)
    await call(bankKey.get(s.bankCode)!, 'POST', '/v1/bank/statements', s.body);
  for (const d of city.deposits) await call(bankKey.get(d.bankCode)!, 'POST', '/v1/bank/deposits', d.body);
  await system.drain();
  for (const asOf of demoHistorySweeps(clock.now())) {
    await system.ledger.sweep(asOf); // the deposits' and inspection's sweeps run with it
    await system.drain();
  }
  const swept = await system.ledger.sweep(clock.now());
  await system.drain();
  logger.info(
    {
      projects: city.projects.length,
      workers: city.workers.reduce((n, w) => n + w.body.workers.length, 0),
      payrollSheets: city.payrolls.length,
      transferRecords: city.transfers.reduce((n, t) => n + t.body.records.length, 0),
      statements: city.statements.length,
      depositRecords: city.deposits.reduce((n, d) => n + d.body.records.length, 0),
      findingsChanged: swept.results.reduce((n, r) => n + r.transitions.length, 0),
    },
    'demo city loaded',
  );
  // The loader's own key was never shown to anyone: it stops working once the demo is loaded.
  const loader = records.at(-1)!;
  await apiKeys.registry?.revoke(loader.keyId, 'demo');
  return keys;
}

/**
 * One demo person per role (issue 12): `admin`, `inspector.east` (东区), `inspector.lead` (all
 * districts), `pm` (the demo project manager's projects: the scope of the demo PM key). Each gets
 * a random password; demo users do not have to change it (users an admin creates do). A login
 * already taken is left as it is and not listed.
 */
export async function createDemoUsers(sessions: SessionStore, db: Database): Promise<DemoUser[]> {
  const [pmKey] = await db.query<{ scope: KeyScope | string }>(
    "SELECT scope FROM auth.api_key WHERE label = 'demo: project-manager' ORDER BY issued_at LIMIT 1",
  );
  const pmScope = pmKey
    ? typeof pmKey.scope === 'string'
      ? JSON.parse(pmKey.scope)
      : pmKey.scope
    : undefined;
  const people: { login: string; name: string; role: Role; scope: KeyScope; describe: string }[] = [
    { login: 'admin', name: '系统管理员', role: 'admin', scope: {}, describe: 'everything' },
    {
      login: 'inspector.east',
      name: '张伟',
      role: 'inspector',
      scope: { districts: ['东区'] },
      describe: '东区',
    },
    {
      login: 'inspector.lead',
      name: '李娜',
      role: 'inspector',
      scope: { districts: 'all' },
      describe: 'all districts',
    },
  ];
  if (pmScope?.projectIds?.length)
    people.push({
      login: 'pm',
      name: '王强',
      role: 'project-manager',
      scope: { projectIds: pmScope.projectIds },
      describe: `projects ${pmScope.projectIds.join(', ')}`,
    });
  const users: DemoUser[] = [];
  for (const p of people) {
    const password = randomBytes(9).toString('base64url');
    const created = await sessions.createUser({
      login: p.login,
      name: p.name,
      role: p.role,
      scope: p.scope,
      password,
      mustChangePassword: false,
      createdBy: 'demo',
    });
    if (created) users.push({ login: p.login, password, name: p.name, role: p.role, scope: p.describe });
  }
  return users;
}
