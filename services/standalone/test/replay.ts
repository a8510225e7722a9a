import type { DemoCity } from '@wagewatch/demo';
import { addDays, dueDateFor, type LocalDate, shanghaiDate } from '@wagewatch/domain';
import { ApiClient } from './harness.ts';

/** Who sends a call: the bureau's admin, the project managers, or the bank with this code. */
export type Caller = 'admin' | 'pm' | { bank: string };
export type ReplayCall = { caller: Caller; path: string; body: unknown };
/** One day of a replay: swept to `asOf` (the evening of `date`), then that day's feeds sent. */
export type ReplayDay = { date: LocalDate; asOf: Date; calls: ReplayCall[] };

const evening = (d: LocalDate) => new Date(`${d}T23:00:00+08:00`);

/** The first day anything of the city happened: its first movement, statement or deposit event. */
export function firstDayOf(city: DemoCity): LocalDate {
  const dates = [
    ...city.transfers.flatMap((b) => b.body.records.map((r) => shanghaiDate(new Date(r.bookedAt)))),
    ...city.statements.map((s) => s.body.date),
    ...city.deposits.flatMap((b) => b.body.records.map((r) => shanghaiDate(new Date(r.occurredAt)))),
  ];
  return dates.reduce((a, b) => (b < a ? b : a));
}

/**
 * A city's feeds as they would arrive day by day in live operation, from `from` to `to`
 * (Shanghai dates): projects and workers on the first day (with whatever happened before it:
 * start at `firstDayOf(city)` so that nothing arrives late, which live operation would record as
 * a bank's missing statement until it came),
 * each payroll sheet three days before its due date, transfers on their booking date, each
 * statement on its own date, deposit events on the date they occurred. Each day is swept to
 * 23:00 before its feeds are sent, so what arrives on a day is stamped with that day.
 */
export function replayPlan(city: DemoCity, from: LocalDate, to: LocalDate): ReplayDay[] {
  const days = new Map<LocalDate, ReplayCall[]>();
  for (let d = from; d <= to; d = addDays(d, 1)) days.set(d, []);
  const on = (date: LocalDate, call: ReplayCall) => {
    if (date > to) return; // after the replay's end: not sent
    days.get(date < from ? from : date)!.push(call);
  };
  for (const p of city.projects) on(from, { caller: 'admin', path: '/v1/projects', body: p });
  for (const w of city.workers)
    on(from, { caller: 'pm', path: `/v1/projects/${w.projectId}/workers`, body: w.body });
  const project = new Map(city.projects.map((p) => [p.projectId, p]));
  for (const s of city.payrolls) {
    const p = project.get(s.projectId)!;
    const { due } = dueDateFor({ period: s.body.period, payDay: p.payDay, payMonthOffset: p.payMonthOffset });
    on(addDays(due, -3), { caller: 'pm', path: `/v1/projects/${s.projectId}/payrolls`, body: s.body });
  }
  const split = <R>(
    batches: { bankCode: string; body: { records: R[] } }[],
    dateOf: (r: R) => LocalDate,
    path: string,
  ) => {
    const byDay = new Map<string, { date: LocalDate; bank: string; records: R[] }>();
    for (const b of batches)
      for (const r of b.body.records) {
        const date = dateOf(r) < from ? from : dateOf(r);
        const k = `${date}|${b.bankCode}`;
        if (!byDay.has(k)) byDay.set(k, { date, bank: b.bankCode, records: [] });
        byDay.get(k)!.records.push(r);
      }
    for (const { date, bank, records } of byDay.values())
      on(date, { caller: { bank }, path, body: { records } });
  };
  split(city.transfers, (r) => shanghaiDate(new Date(r.bookedAt)), '/v1/bank/transfers');
  for (const s of city.statements)
    on(s.body.date, { caller: { bank: s.bankCode }, path: '/v1/bank/statements', body: s.body });
  split(city.deposits, (r) => shanghaiDate(new Date(r.occurredAt)), '/v1/bank/deposits');
  return [...days.entries()].map(([date, calls]) => ({ date, asOf: evening(date), calls }));
}

/** Sends one day's calls to an ingest base URL with each caller's key; any refusal fails the replay. */
export async function sendDay(
  base: string,
  day: ReplayDay,
  keyOf: (caller: Caller) => string,
): Promise<void> {
  for (const c of day.calls) {
    const res = await new ApiClient(base, keyOf(c.caller)).post(c.path, c.body);
    const rejected = (res.body as { rejected?: unknown[] } | undefined)?.rejected ?? [];
    if (res.status >= 400 || rejected.length)
      throw new Error(`${day.date} ${c.path}: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
  }
}

/**
 * What a replay produced, read through the API an inspector and an admin use, in a form
 * that two runs can be compared in: findings, cases with their histories, tasks, alerts and
 * screening reports; identifiers that are sequence numbers are left out, lists sorted.
 */
export async function replayOutcome(inspection: ApiClient) {
  const get = async (path: string) => {
    const r = await inspection.get(path);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  };
  // Event ids (evidence, causation) are random UUIDs, different in every run: compared as such.
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const sorted = <T>(xs: T[]) =>
    xs
      .map((x) => JSON.stringify(x).replace(uuid, '<uuid>'))
      .sort()
      .map((x) => JSON.parse(x) as T);
  const findings = sorted((await get('/v1/findings?limit=5000')).findings);
  const caseList = (await get('/v1/cases?limit=1000')).cases as { caseId: string }[];
  const cases = [];
  for (const c of caseList.sort((a, b) => a.caseId.localeCompare(b.caseId)))
    cases.push(
      JSON.parse(
        JSON.stringify(await get(`/v1/cases/${encodeURIComponent(c.caseId)}`)).replace(uuid, '<uuid>'),
      ),
    );
  const tasks = sorted((await get('/v1/tasks?limit=1000')).tasks);
  const alerts = sorted(
    ((await get('/v1/alerts?limit=1000')).alerts as Record<string, unknown>[]).map(({ id: _id, ...a }) => a),
  );
  const reports = sorted((await get('/v1/campaigns/reports')).reports);
  return { findings, cases, tasks, alerts, reports };
}
