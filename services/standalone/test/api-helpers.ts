import { addDays, formatFen, parseYuan, residentIdWithCheckDigit, shanghaiDate } from '@wagewatch/domain';
import { expect } from 'vitest';
import { card, creditCode, projectBody } from './fixtures.ts';
import type { ApiClient, ApiResponse, TestSystem } from './harness.ts';

/**
 * A valid resident ID number for worker `n` (1-999). fixtures.residentId(n) puts n's leading
 * digits into the birth day, so it yields day 00 (invalid) for n < 100; this one keeps the
 * birth date fixed (1985-03-15) and puts n in the sequence number.
 */
export const residentId = (n: number) =>
  residentIdWithCheckDigit(`51040219850315${String(n).padStart(3, '0')}`);

/** The same ID with a wrong check digit. */
export const badCheckDigit = (id: string) => `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`;

/** A dedicated wage account number unique to `n` (19 digits). */
export const wageAccount = (n: number) => `230201000910${String(n).padStart(7, '0')}`;

/** Registers a project through the API (as admin) and fails the test if it is refused. */
export async function registerProject(
  t: TestSystem,
  n: number,
  overrides: Record<string, unknown> = {},
): Promise<{ projectId: string; accountNo: string; bankCode: string }> {
  const projectId = (overrides.projectId as string | undefined) ?? `PZH-API-${String(n).padStart(3, '0')}`;
  const wa = (overrides.wageAccount as { bankCode: string; accountNo: string } | undefined) ?? {
    bankCode: 'ICBC-PZH',
    accountNo: wageAccount(n),
  };
  const body = projectBody({
    projectId,
    owner: { name: `业主${n}`, creditCode: creditCode(1000 + n) },
    contractor: { name: `总包${n}`, creditCode: creditCode(2000 + n) },
    ...overrides,
    wageAccount: wa,
  });
  const res = await t.admin.post('/v1/projects', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { projectId, accountNo: wa.accountNo, bankCode: wa.bankCode };
}

export const workerBody = (n: number, overrides: Record<string, unknown> = {}) => ({
  idNumber: residentId(n),
  name: `工人${n}`,
  accountNo: card(n),
  enrolledOn: '2026-08-01',
  ...overrides,
});

export const lineBody = (n: number, overrides: Record<string, unknown> = {}) => ({
  idNumber: residentId(n),
  name: `工人${n}`,
  daysWorked: 22,
  amountDue: '5200.00',
  signed: true,
  ...overrides,
});

export type TransferInput = {
  bankRef: string;
  accountNo: string;
  direction?: 'debit' | 'credit';
  amount?: string;
  counterpartyAccountNo?: string;
  counterpartyName?: string;
  counterpartyIdNumber?: string;
  bookedAt?: string;
  status?: 'booked' | 'failed' | 'returned';
  originalBankRef?: string;
  purpose?: string;
};

export const transfer = (r: TransferInput): Record<string, unknown> => ({
  direction: 'debit',
  amount: '5200.00',
  counterpartyAccountNo: card(1),
  counterpartyName: '工人1',
  bookedAt: '2026-11-13T10:00:00+08:00',
  status: 'booked',
  purpose: '工资',
  ...r,
});

/** `count(*)` of a query, as a number. */
export async function count(t: TestSystem, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await t.db.query<{ n: bigint | number | string }>(sql, params);
  return Number(row?.n ?? 0);
}

/** Asserts an RFC 7807 problem response with the given status. */
export function expectProblem(res: ApiResponse, status: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type') ?? '').toContain('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
}

/** The `errors` rows of a problem or batch result, reduced to row and field. */
export const rowsAndFields = (errors: { row?: number; field: string }[] | undefined) =>
  (errors ?? []).map((e) => ({ row: e.row, field: e.field }));

export type Move = {
  bankRef: string;
  at: string;
  direction: 'debit' | 'credit';
  amount: string;
  to?: number;
};
const owner = {
  counterpartyAccountNo: '4402000000000000888',
  counterpartyName: '建设单位',
  purpose: 'labour-cost',
};

/** A bank's movements on a wage account, then its end-of-day statement for each of `days` (balances that add up). */
export async function feed(
  bank: ApiClient,
  accountNo: string,
  moves: Move[],
  days: string[],
  opening = { fen: 0n },
): Promise<void> {
  if (moves.length) {
    const res = await bank.post('/v1/bank/transfers', {
      records: moves.map((m) =>
        transfer({
          bankRef: m.bankRef,
          accountNo,
          direction: m.direction,
          amount: m.amount,
          bookedAt: m.at,
          ...(m.direction === 'credit'
            ? owner
            : {
                counterpartyAccountNo: card(m.to!),
                counterpartyName: `工人${m.to}`,
                counterpartyIdNumber: residentId(m.to!),
              }),
        }),
      ),
    });
    expect(res.body.rejected, JSON.stringify(res.body)).toEqual([]);
  }
  for (const date of days) {
    const today = moves.filter((m) => shanghaiDate(new Date(m.at)) === date);
    const sum = (d: 'debit' | 'credit') =>
      today.filter((m) => m.direction === d).reduce((s, m) => s + parseYuan(m.amount), 0n);
    // movements on days without a statement still move the balance
    const before = moves
      .filter((m) => shanghaiDate(new Date(m.at)) < date)
      .reduce((s, m) => s + (m.direction === 'credit' ? 1n : -1n) * parseYuan(m.amount), opening.fen);
    const res = await bank.post('/v1/bank/statements', {
      accountNo,
      date,
      openingBalance: formatFen(before),
      closingBalance: formatFen(before + sum('credit') - sum('debit')),
      debitCount: today.filter((m) => m.direction === 'debit').length,
      debitTotal: formatFen(sum('debit')),
      creditCount: today.filter((m) => m.direction === 'credit').length,
      creditTotal: formatFen(sum('credit')),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}
export const daysFrom = (from: string, to: string, except: string[] = []) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (!except.includes(d)) out.push(d);
  return out;
};

/** A person logged in with a session (cookie and CSRF token), as the console calls the API. */
export type Person = {
  login: string;
  /** The password of their own, set at the first login (an account an admin creates must change it). */
  password: string;
  get(path: string): Promise<ApiResponse>;
  post(path: string, body: unknown): Promise<ApiResponse>;
};

/**
 * An inspector account created by the admin, logged in, and its first password changed to
 * `password` (default: a made-up one), as the console's first login asks.
 */
export async function signedInInspector(
  t: TestSystem,
  login: string,
  name: string,
  districts: string[] | 'all',
  password = `first-${login}-password-changed`,
): Promise<Person> {
  const base = t.api.baseUrl;
  const first = `first-${login}-password`;
  const created = await t.admin.post('/v1/admin/users', {
    login,
    name,
    role: 'inspector',
    scope: { districts },
    password: first,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const session = await fetch(`${base}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: first }),
  });
  const cookie = `ww_session=${/ww_session=([^;]*)/.exec(session.headers.get('set-cookie') ?? '')?.[1]}`;
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const call = async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const changed = await call('POST', '/v1/session/password', {
    currentPassword: first,
    newPassword: password,
  });
  expect(changed.status, JSON.stringify(changed.body)).toBe(204);
  return { login, password, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b) };
}
