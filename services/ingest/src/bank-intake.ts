import { createHash } from 'node:crypto';
import type { NewEvent, Outbox } from '@wagewatch/bus';
import {
  type DepositEventRecord,
  MAX_AMOUNT_FEN,
  MAX_AMOUNT_YUAN,
  MAX_COUNT,
  PAYROLL_PART_SIZE,
  statementReportedData,
  TOPICS,
  type TransferRecord,
  textProblem,
} from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import { formatFen, isLocalDate, shanghaiDate, tryParseYuan, validateAccountNo } from '@wagewatch/domain';
import {
  type Clock,
  type FieldIssue,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '@wagewatch/runtime';
import { z } from 'zod';
import { openDeadLetters } from './deliveries.ts';
import { validateDepositEvent, validateTransfer } from './validation.ts';

/**
 * What a bank reports, whichever way it arrives (HTTP or its Kafka topic): the same
 * validation, scope checks and idempotency (bankRef per bank), state and events in one
 * transaction.
 */
export type IntakeDeps = { db: Database; outbox: Outbox; clock: Clock };
/**
 * A repeat of a record some consumer could not apply (it was dead-lettered there) is not a
 * duplicate: it is listed under `deadLettered` with each consumer's reason, until re-applied.
 */
export type DeadLetteredRow = {
  row: number;
  bankRef: string;
  consumers: { consumer: string; reason: string }[];
};
export type BatchResult = {
  accepted: number;
  duplicates: number;
  rejected: FieldIssue[];
  deadLettered?: DeadLetteredRow[];
};

/** Splits the repeats (rows whose bankRef ingest already holds) into true duplicates and dead letters. */
async function repeatsOf(
  db: Sql,
  bankCode: string,
  kind: 'transfer' | 'deposit',
  repeats: readonly { row: number; bankRef: string }[],
): Promise<{ duplicates: number; deadLettered: DeadLetteredRow[] }> {
  const marks = await openDeadLetters(
    db,
    bankCode,
    kind,
    repeats.map((r) => r.bankRef),
  );
  const deadLettered = repeats.flatMap((r) => {
    const m = marks.get(r.bankRef);
    return m
      ? [
          {
            row: r.row,
            bankRef: r.bankRef,
            consumers: m.map(({ consumer, reason }) => ({ consumer, reason })),
          },
        ]
      : [];
  });
  return { duplicates: repeats.length - deadLettered.length, deadLettered };
}

export const statementInputSchema = z.object({
  accountNo: z.string().min(1),
  date: z.string(),
  openingBalance: z.string(),
  closingBalance: z.string(),
  debitCount: z.number().int().min(0).max(MAX_COUNT),
  debitTotal: z.string(),
  creditCount: z.number().int().min(0).max(MAX_COUNT),
  creditTotal: z.string(),
});
export type StatementInput = z.infer<typeof statementInputSchema>;
/** `dead-lettered`: the same statement was received before, and some consumer could not apply it. */
export type StatementResult =
  | { status: 'accepted' | 'duplicate' | 'replaced' }
  | { status: 'dead-lettered'; consumers: { consumer: string; reason: string }[] };

/** Rejects the whole request when every row is bad, or when the caller asked for all-or-nothing. */
export function settle(issues: FieldIssue[], good: number, atomic: boolean): void {
  if (issues.length && (atomic || good === 0)) {
    const what = atomic ? 'atomic=true: nothing was stored' : 'no row is valid: nothing was stored';
    throw new ValidationError(`${issues.length} problem(s); ${what}`, issues);
  }
}

export async function accountsOf(
  db: Sql,
  accountNos: string[],
): Promise<Map<string, { project_id: string; bank_code: string }>> {
  if (accountNos.length === 0) return new Map();
  const rows = await db.query<{ account_no: string; project_id: string; bank_code: string }>(
    'SELECT account_no, project_id, bank_code FROM ingest.projects WHERE account_no = ANY($1::text[])',
    [accountNos],
  );
  return new Map(rows.map((r) => [r.account_no, r]));
}

/** How far past the system's now a bank may date what it booked (clock skew, time zones): one day. */
export const BOOKED_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * A bank cannot book tomorrow: an instant more than a day after the system's now is refused
 * (the contract's 2000..2099 window alone admits 2099). Checked on the receiving side, with the
 * injected clock, so a replay on the manual clock is judged by its own now.
 */
export function futureIssue(row: number, field: string, instant: string, now: Date): FieldIssue | undefined {
  if (new Date(instant).getTime() <= now.getTime() + BOOKED_AHEAD_MS) return undefined;
  return {
    row,
    field,
    message: `is more than a day after the system's now (${now.toISOString()}): a bank cannot book in the future`,
  };
}

export function maskTail(accountNo: string): string {
  return `****${accountNo.slice(-4)}`;
}

export async function acceptTransfers(
  { db, outbox, clock }: IntakeDeps,
  bankCode: string,
  records: readonly unknown[],
  atomic: boolean,
): Promise<BatchResult> {
  const issues: FieldIssue[] = [];
  const valid: { row: number; rec: TransferRecord }[] = [];
  const received = clock.now();
  for (const [i, input] of records.entries()) {
    const r = validateTransfer(input, i + 1);
    const ahead = r.ok ? futureIssue(i + 1, 'bookedAt', r.value.bookedAt, received) : undefined;
    if (ahead) issues.push(ahead);
    else if (r.ok) valid.push({ row: i + 1, rec: r.value });
    else issues.push(...r.issues);
  }
  // Scope is checked on every row's account, valid or not: a request that touches another
  // bank's account is refused as a whole.
  const claimed = records.map((input, i) => {
    const raw = (input as { accountNo?: unknown } | null)?.accountNo;
    const acc = typeof raw === 'string' ? validateAccountNo(raw) : undefined;
    return { row: i + 1, accountNo: acc?.ok ? acc.value : undefined };
  });
  const accounts = await accountsOf(db, [
    ...new Set(claimed.flatMap((c) => (c.accountNo ? [c.accountNo] : []))),
  ]);
  const foreign = claimed.find((c) => {
    const held = c.accountNo ? accounts.get(c.accountNo) : undefined;
    return held !== undefined && held.bank_code !== bankCode;
  });
  if (foreign) {
    throw new ForbiddenError(
      `row ${foreign.row}: account ${maskTail(foreign.accountNo!)} is not held at bank ${bankCode}; nothing was stored`,
    );
  }
  const good: { row: number; rec: TransferRecord; projectId: string }[] = [];
  let duplicates = 0;
  const seenRefs = new Set<string>();
  for (const v of valid) {
    const acc = accounts.get(v.rec.accountNo);
    if (!acc) {
      issues.push({
        row: v.row,
        field: 'accountNo',
        message: 'is not the dedicated wage account of any registered project',
      });
    } else if (seenRefs.has(v.rec.bankRef)) {
      duplicates++;
    } else {
      seenRefs.add(v.rec.bankRef);
      good.push({ ...v, projectId: acc.project_id });
    }
  }
  issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  settle(issues, good.length + duplicates, atomic);
  const now = clock.now();
  const accepted = await outbox.unitOfWork(db, async (tx, emit) => {
    const inserted = await tx.query<{ bank_ref: string }>(
      `INSERT INTO ingest.bank_transfers (bank_code, bank_ref, project_id, account_no, record, received_at)
         SELECT $1::text, u.*, $6::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) AS u
         ON CONFLICT (bank_code, bank_ref) DO NOTHING RETURNING bank_ref`,
      [
        bankCode,
        good.map((g) => g.rec.bankRef),
        good.map((g) => g.projectId),
        good.map((g) => g.rec.accountNo),
        good.map((g) => JSON.stringify(g.rec)),
        now,
      ],
    );
    const fresh = new Set(inserted.map((r) => r.bank_ref));
    const byProject = new Map<string, TransferRecord[]>();
    for (const g of good) {
      if (!fresh.has(g.rec.bankRef)) continue;
      const list = byProject.get(g.projectId) ?? [];
      list.push(g.rec);
      byProject.set(g.projectId, list);
    }
    for (const [projectId, list] of byProject) {
      for (let i = 0; i < list.length; i += PAYROLL_PART_SIZE) {
        emit({
          topic: TOPICS.ingest,
          type: 'bank.transfers-reported',
          key: projectId,
          data: { projectId, bankCode, transfers: list.slice(i, i + PAYROLL_PART_SIZE) },
          occurredAt: now,
        });
      }
    }
    return { count: fresh.size, repeats: good.filter((g) => !fresh.has(g.rec.bankRef)) };
  });
  const seen = await repeatsOf(
    db,
    bankCode,
    'transfer',
    accepted.repeats.map((g) => ({ row: g.row, bankRef: g.rec.bankRef })),
  );
  return {
    accepted: accepted.count,
    duplicates: duplicates + seen.duplicates,
    rejected: issues,
    ...(seen.deadLettered.length ? { deadLettered: seen.deadLettered } : {}),
  };
}

/**
 * Events on projects' wage-guarantee deposits (POST /v1/bank/deposits, or a bank's Kafka topic
 * later): the same rules as transfers. A bank reports only for projects whose dedicated wage
 * account it holds (it holds the deposit too): a row naming another bank's project refuses the
 * whole request; an unregistered project is that row's error.
 */
export async function acceptDeposits(
  { db, outbox, clock }: IntakeDeps,
  bankCode: string,
  records: readonly unknown[],
  atomic: boolean,
): Promise<BatchResult> {
  const issues: FieldIssue[] = [];
  const valid: { row: number; rec: DepositEventRecord }[] = [];
  const received = clock.now();
  for (const [i, input] of records.entries()) {
    const r = validateDepositEvent(input, i + 1);
    const ahead = r.ok ? futureIssue(i + 1, 'occurredAt', r.value.occurredAt, received) : undefined;
    if (ahead) issues.push(ahead);
    else if (r.ok) valid.push({ row: i + 1, rec: r.value });
    else issues.push(...r.issues);
  }
  // Scope on every row's project, valid or not (as for transfers).
  const claimed = records.map((input, i) => {
    const raw = (input as { projectId?: unknown } | null)?.projectId;
    return { row: i + 1, projectId: typeof raw === 'string' ? raw.trim() : undefined };
  });
  const ids = [...new Set(claimed.flatMap((c) => (c.projectId ? [c.projectId] : [])))];
  const projects = new Map(
    ids.length === 0
      ? []
      : (
          await db.query<{ project_id: string; bank_code: string }>(
            'SELECT project_id, bank_code FROM ingest.projects WHERE project_id = ANY($1::text[])',
            [ids],
          )
        ).map((r) => [r.project_id, r.bank_code]),
  );
  const foreign = claimed.find((c) => {
    const holder = c.projectId ? projects.get(c.projectId) : undefined;
    return holder !== undefined && holder !== bankCode;
  });
  if (foreign) {
    throw new ForbiddenError(
      `row ${foreign.row}: project ${foreign.projectId}'s wage account is not held at bank ${bankCode}; nothing was stored`,
    );
  }
  const good: { row: number; rec: DepositEventRecord }[] = [];
  let duplicates = 0;
  const seenRefs = new Set<string>();
  for (const v of valid) {
    if (!projects.has(v.rec.projectId)) {
      issues.push({ row: v.row, field: 'projectId', message: 'is not a registered project' });
    } else if (seenRefs.has(v.rec.bankRef)) {
      duplicates++;
    } else {
      seenRefs.add(v.rec.bankRef);
      good.push(v);
    }
  }
  issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  settle(issues, good.length + duplicates, atomic);
  const now = clock.now();
  const accepted = await outbox.unitOfWork(db, async (tx, emit) => {
    const inserted = await tx.query<{ bank_ref: string }>(
      `INSERT INTO ingest.deposit_events (bank_code, bank_ref, project_id, kind, record, received_at)
         SELECT $1::text, u.*, $6::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) AS u
         ON CONFLICT (bank_code, bank_ref) DO NOTHING RETURNING bank_ref`,
      [
        bankCode,
        good.map((g) => g.rec.bankRef),
        good.map((g) => g.rec.projectId),
        good.map((g) => g.rec.kind),
        good.map((g) => JSON.stringify(g.rec)),
        now,
      ],
    );
    const fresh = new Set(inserted.map((r) => r.bank_ref));
    const byProject = new Map<string, DepositEventRecord[]>();
    for (const g of good) {
      if (!fresh.has(g.rec.bankRef)) continue;
      const list = byProject.get(g.rec.projectId) ?? [];
      list.push(g.rec);
      byProject.set(g.rec.projectId, list);
    }
    for (const [projectId, list] of byProject) {
      for (let i = 0; i < list.length; i += PAYROLL_PART_SIZE) {
        emit({
          topic: TOPICS.ingest,
          type: 'deposit.events-reported',
          key: projectId,
          data: { projectId, bankCode, events: list.slice(i, i + PAYROLL_PART_SIZE) },
          occurredAt: now,
        });
      }
    }
    return { count: fresh.size, repeats: good.filter((g) => !fresh.has(g.rec.bankRef)) };
  });
  const seen = await repeatsOf(
    db,
    bankCode,
    'deposit',
    accepted.repeats.map((g) => ({ row: g.row, bankRef: g.rec.bankRef })),
  );
  return {
    accepted: accepted.count,
    duplicates: duplicates + seen.duplicates,
    rejected: issues,
    ...(seen.deadLettered.length ? { deadLettered: seen.deadLettered } : {}),
  };
}

type CheckedStatement = { record: StatementInput; fingerprint: string; amounts: Record<string, string> };

/** A statement's own checks (amounts, date, account text): its issues, or its stored form. */
function checkStatement(s: StatementInput, now: Date, row?: number): FieldIssue[] | CheckedStatement {
  const issues: FieldIssue[] = [];
  const at = row === undefined ? {} : { row };
  const amounts: Record<string, string> = {};
  for (const f of ['openingBalance', 'closingBalance', 'debitTotal', 'creditTotal'] as const) {
    // Balances may be negative (an overdrawn account is evidence, the ledger keeps it signed);
    // totals may not.
    const allowNegative = f === 'openingBalance' || f === 'closingBalance';
    const r = tryParseYuan(s[f], { allowNegative });
    if (!r.ok) issues.push({ ...at, field: f, message: `"${s[f]}" is not an amount: ${r.reason}` });
    else if (r.fen > MAX_AMOUNT_FEN || r.fen < -MAX_AMOUNT_FEN)
      issues.push({
        ...at,
        field: f,
        message: `"${s[f]}" is beyond the largest amount accepted, ${MAX_AMOUNT_YUAN} yuan`,
      });
    else amounts[f] = formatFen(r.fen);
  }
  if (!isLocalDate(s.date)) {
    issues.push({ ...at, field: 'date', message: 'is not a date' });
  }
  if (s.date > shanghaiDate(now)) issues.push({ ...at, field: 'date', message: 'is in the future' });
  const bad = textProblem(s.accountNo);
  if (bad) issues.push({ ...at, field: 'accountNo', message: bad });
  if (issues.length) return issues;
  const record = { ...s, ...amounts };
  const fingerprint = createHash('sha256').update(JSON.stringify(record)).digest('hex');
  return { record, fingerprint, amounts };
}

/** The event a stored statement publishes, checked against its own contract (bounds of dates and counts too). */
function statementEvent(
  c: CheckedStatement,
  bankCode: string,
  projectId: string,
  now: Date,
  row?: number,
): { ok: true; data: z.infer<typeof statementReportedData> } | { ok: false; issues: FieldIssue[] } {
  const { record: s, amounts } = c;
  const data = {
    projectId,
    bankCode,
    accountNo: s.accountNo,
    date: s.date,
    openingBalance: amounts.openingBalance!,
    closingBalance: amounts.closingBalance!,
    debitCount: s.debitCount,
    debitTotal: amounts.debitTotal!,
    creditCount: s.creditCount,
    creditTotal: amounts.creditTotal!,
    receivedAt: now.toISOString(),
  };
  const checked = statementReportedData.safeParse(data);
  if (checked.success) return { ok: true, data };
  return {
    ok: false,
    issues: checked.error.issues.map((i) => ({
      ...(row === undefined ? {} : { row }),
      field: i.path.join('.'),
      message: i.message,
    })),
  };
}

type StatementToStore = CheckedStatement & { data: z.infer<typeof statementReportedData> };

/**
 * Stores day statements in one statement: for each, the latest version of that account's day,
 * and unless it is this one, the new version stored and the dead-letter marks it supersedes
 * closed (a new version of the day's statement supersedes one a consumer could not apply); one
 * `bank.statement-reported` event per version stored. Returns, per input, whether it was stored
 * and whether it replaced an earlier version. At most one statement per account and day.
 */
async function storeStatements(
  tx: Sql,
  emit: (e: NewEvent) => void,
  bankCode: string,
  list: readonly StatementToStore[],
  now: Date,
): Promise<{ stored: boolean; replaced: boolean }[]> {
  const rows = await tx.query<{ n: bigint; had_prior: boolean }>(
    `WITH input AS (
       SELECT * FROM unnest($2::text[], $3::date[], $4::text[], $5::jsonb[]) WITH ORDINALITY
         AS u(account_no, statement_date, fingerprint, record, n)),
     prior AS (
       SELECT i.*, (SELECT b.fingerprint FROM ingest.bank_statements b
                    WHERE b.account_no = i.account_no AND b.statement_date = i.statement_date
                    ORDER BY b.id DESC LIMIT 1) AS prior_fingerprint
       FROM input i),
     fresh AS (
       SELECT * FROM prior WHERE prior_fingerprint IS DISTINCT FROM fingerprint),
     superseded AS (
       UPDATE ingest.dead_lettered_records d SET reapplied_at = $6
       FROM fresh f
       WHERE d.bank_code = $1 AND d.record_kind = 'statement' AND d.ref = f.account_no || '|' || f.statement_date::text
         AND d.reapplied_at IS NULL),
     stored AS (
       INSERT INTO ingest.bank_statements (bank_code, account_no, statement_date, fingerprint, record, received_at)
       SELECT $1::text, account_no, statement_date, fingerprint, record, $6::timestamptz FROM fresh ORDER BY n)
     SELECT n, prior_fingerprint IS NOT NULL AS had_prior FROM fresh`,
    [
      bankCode,
      list.map((c) => c.record.accountNo),
      list.map((c) => c.record.date),
      list.map((c) => c.fingerprint),
      list.map((c) => JSON.stringify(c.record)),
      now,
    ],
  );
  const fresh = new Map(rows.map((r) => [Number(r.n) - 1, r.had_prior]));
  return list.map((c, i) => {
    const hadPrior = fresh.get(i);
    if (hadPrior === undefined) return { stored: false, replaced: false };
    emit({
      topic: TOPICS.ingest,
      type: 'bank.statement-reported',
      key: c.data.projectId,
      data: c.data,
      occurredAt: now,
    });
    return { stored: true, replaced: hadPrior };
  });
}

export async function acceptStatement(
  { db, outbox, clock }: IntakeDeps,
  bankCode: string,
  s: StatementInput,
): Promise<StatementResult> {
  const checked = checkStatement(s, clock.now());
  if (Array.isArray(checked))
    throw new ValidationError(checked.map((i) => `${i.field}: ${i.message}`).join('; '), checked);
  const acc = (await accountsOf(db, [s.accountNo])).get(s.accountNo);
  if (!acc)
    throw new NotFoundError('the account is not the dedicated wage account of any registered project');
  if (acc.bank_code !== bankCode) throw new ForbiddenError(`the account is not held at bank ${bankCode}`);
  const now = clock.now();
  const event = statementEvent(checked, bankCode, acc.project_id, now);
  if (!event.ok)
    throw new ValidationError(event.issues.map((i) => `${i.field}: ${i.message}`).join('; '), event.issues);
  const ref = `${s.accountNo}|${s.date}`;
  return outbox.unitOfWork(db, async (tx, emit): Promise<StatementResult> => {
    const [stored] = await storeStatements(tx, emit, bankCode, [{ ...checked, data: event.data }], now);
    if (!stored?.stored) {
      const marks = (await openDeadLetters(tx, bankCode, 'statement', [ref])).get(ref);
      return marks
        ? {
            status: 'dead-lettered',
            consumers: marks.map(({ consumer, reason }) => ({ consumer, reason })),
          }
        : { status: 'duplicate' };
    }
    return { status: stored.replaced ? 'replaced' : 'accepted' };
  });
}

/** A statement sent again that some consumer could not apply: listed with each consumer's reason. */
export type DeadLetteredStatement = {
  row: number;
  accountNo: string;
  date: string;
  consumers: { consumer: string; reason: string }[];
};
export type StatementBatchResult = {
  /** New statements stored (first versions and new versions). */
  accepted: number;
  /** Of those, new versions of a day's statement received before. */
  replaced: number;
  duplicates: number;
  rejected: FieldIssue[];
  deadLettered?: DeadLetteredStatement[];
};

/**
 * Many accounts' day statements in one request (POST /v1/bank/statements/batch): each row
 * checked as POST /v1/bank/statements checks one, the good rows stored in one transaction
 * unless `atomic` and any row is bad. A row for an account held at another bank refuses the
 * whole request; an unregistered account, or an account and day a row above already carries, is
 * that row's error.
 */
export async function acceptStatements(
  { db, outbox, clock }: IntakeDeps,
  bankCode: string,
  records: readonly unknown[],
  atomic: boolean,
): Promise<StatementBatchResult> {
  const issues: FieldIssue[] = [];
  const now = clock.now();
  const valid: { row: number; checked: CheckedStatement }[] = [];
  for (const [i, input] of records.entries()) {
    const row = i + 1;
    const parsed = statementInputSchema.safeParse(input);
    if (!parsed.success) {
      for (const e of parsed.error.issues)
        issues.push({ row, field: e.path.join('.') || '(row)', message: e.message });
      continue;
    }
    const checked = checkStatement(parsed.data, now, row);
    if (Array.isArray(checked)) issues.push(...checked);
    else valid.push({ row, checked });
  }
  // Scope on every row's account, valid or not (as for transfers).
  const claimed = records.map((input, i) => {
    const raw = (input as { accountNo?: unknown } | null)?.accountNo;
    return { row: i + 1, accountNo: typeof raw === 'string' ? raw : undefined };
  });
  const accounts = await accountsOf(db, [
    ...new Set(claimed.flatMap((c) => (c.accountNo ? [c.accountNo] : []))),
  ]);
  const foreign = claimed.find((c) => {
    const held = c.accountNo ? accounts.get(c.accountNo) : undefined;
    return held !== undefined && held.bank_code !== bankCode;
  });
  if (foreign) {
    throw new ForbiddenError(
      `row ${foreign.row}: account ${maskTail(foreign.accountNo!)} is not held at bank ${bankCode}; nothing was stored`,
    );
  }
  const good: (StatementToStore & { row: number })[] = [];
  const rowOfDay = new Map<string, number>();
  for (const { row, checked } of valid) {
    const acc = accounts.get(checked.record.accountNo);
    const day = `${checked.record.accountNo}|${checked.record.date}`;
    const event = acc ? statementEvent(checked, bankCode, acc.project_id, now, row) : undefined;
    if (!acc) {
      issues.push({
        row,
        field: 'accountNo',
        message: 'is not the dedicated wage account of any registered project',
      });
    } else if (rowOfDay.has(day)) {
      issues.push({
        row,
        field: 'date',
        message: `row ${rowOfDay.get(day)} already carries this account's statement of ${checked.record.date}`,
      });
    } else if (!event!.ok) {
      issues.push(...event!.issues);
    } else {
      rowOfDay.set(day, row);
      good.push({ ...checked, data: event!.data, row });
    }
  }
  issues.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  settle(issues, good.length, atomic);
  return outbox.unitOfWork(db, async (tx, emit): Promise<StatementBatchResult> => {
    const outcome = await storeStatements(tx, emit, bankCode, good, now);
    const repeats = good.filter((_, i) => !outcome[i]!.stored);
    const marks = await openDeadLetters(
      tx,
      bankCode,
      'statement',
      repeats.map((g) => `${g.record.accountNo}|${g.record.date}`),
    );
    const deadLettered = repeats.flatMap((g) => {
      const m = marks.get(`${g.record.accountNo}|${g.record.date}`);
      return m
        ? [
            {
              row: g.row,
              accountNo: g.record.accountNo,
              date: g.record.date,
              consumers: m.map(({ consumer, reason }) => ({ consumer, reason })),
            },
          ]
        : [];
    });
    return {
      accepted: outcome.filter((o) => o.stored).length,
      replaced: outcome.filter((o) => o.replaced).length,
      duplicates: repeats.length - deadLettered.length,
      rejected: issues,
      ...(deadLettered.length ? { deadLettered } : {}),
    };
  });
}
