import type { Sql } from '@wagewatch/db';
import { type PeriodRate, SHARE_BUCKETS } from '@wagewatch/domain';

/**
 * The payment rates of each project and month (`ledger.period_rates`, issue 14), kept by the
 * evaluation of the project in the transaction that records its findings, so the rates move with
 * every event that moves a finding. The months the evaluation read (its open months: those after
 * `closedThrough`) are replaced; a closed month keeps what it had when it closed.
 */
export async function storePeriodRates(
  tx: Sql,
  projectId: string,
  rates: readonly PeriodRate[],
  closedThrough: string | undefined,
  asOf: Date,
): Promise<void> {
  await tx.query(
    `DELETE FROM ledger.period_rates WHERE project_id = $1 AND ($2::text IS NULL OR period > $2::text)
       AND NOT (period = ANY($3::text[]))`,
    [projectId, closedThrough ?? null, rates.map((r) => r.period)],
  );
  if (rates.length === 0) return;
  await tx.query(
    `INSERT INTO ledger.period_rates (project_id, period, due_date, workers_due, paid_in_full_on_time,
       paid_any_on_time, paid_in_full, amount_due_fen, amount_paid_on_time_fen, amount_paid_fen, on_time_shares, evaluated_at)
     SELECT $1, u.period, u.due, u.wd, u.fot, u.aot, u.f, u.ad, u.aot_fen, u.ap, string_to_array(u.shares, ',')::int[], $11
       FROM unnest($2::text[], $3::date[], $4::int[], $5::int[], $6::int[], $7::int[], $8::bigint[], $9::bigint[], $10::bigint[], $12::text[])
         AS u(period, due, wd, fot, aot, f, ad, aot_fen, ap, shares)
     ON CONFLICT (project_id, period) DO UPDATE SET due_date = excluded.due_date, workers_due = excluded.workers_due,
       paid_in_full_on_time = excluded.paid_in_full_on_time, paid_any_on_time = excluded.paid_any_on_time,
       paid_in_full = excluded.paid_in_full, amount_due_fen = excluded.amount_due_fen,
       amount_paid_on_time_fen = excluded.amount_paid_on_time_fen, amount_paid_fen = excluded.amount_paid_fen,
       on_time_shares = excluded.on_time_shares, evaluated_at = excluded.evaluated_at`,
    [
      projectId,
      rates.map((r) => r.period),
      rates.map((r) => r.dueDate),
      rates.map((r) => r.workersDue),
      rates.map((r) => r.paidInFullOnTime),
      rates.map((r) => r.paidAnyOnTime),
      rates.map((r) => r.paidInFull),
      rates.map((r) => r.amountDue.toString()),
      rates.map((r) => r.amountPaidOnTime.toString()),
      rates.map((r) => r.amountPaid.toString()),
      asOf,
      rates.map((r) => r.onTimeShares.join(',')),
    ],
  );
}

export type StoredPeriodRate = PeriodRate & { projectId: string; evaluatedAt: Date };

type Row = {
  project_id: string;
  period: string;
  due_date: string;
  workers_due: number;
  paid_in_full_on_time: number;
  paid_any_on_time: number;
  paid_in_full: number;
  amount_due_fen: bigint;
  amount_paid_on_time_fen: bigint;
  amount_paid_fen: bigint;
  on_time_shares: number[];
  evaluated_at: Date;
};

/** The stored rates of these projects for the months from `from` through `to` (periods, inclusive). */
export async function readPeriodRates(
  db: Pick<Sql, 'query'>,
  projectIds: readonly string[],
  from: string,
  to: string,
): Promise<StoredPeriodRate[]> {
  const rows = await db.query<Row>(
    `SELECT project_id, period, due_date, workers_due, paid_in_full_on_time, paid_any_on_time, paid_in_full,
            amount_due_fen, amount_paid_on_time_fen, amount_paid_fen, on_time_shares, evaluated_at
       FROM ledger.period_rates WHERE project_id = ANY($1::text[]) AND period BETWEEN $2 AND $3
      ORDER BY period, project_id`,
    [projectIds, from, to],
  );
  return rows.map((r) => ({
    projectId: r.project_id,
    period: r.period,
    dueDate: r.due_date,
    workersDue: r.workers_due,
    paidInFullOnTime: r.paid_in_full_on_time,
    paidAnyOnTime: r.paid_any_on_time,
    paidInFull: r.paid_in_full,
    amountDue: BigInt(r.amount_due_fen),
    amountPaidOnTime: BigInt(r.amount_paid_on_time_fen),
    amountPaid: BigInt(r.amount_paid_fen),
    onTimeShares:
      r.on_time_shares.length === SHARE_BUCKETS ? r.on_time_shares.map(Number) : padShares(r.on_time_shares),
    evaluatedAt: r.evaluated_at,
  }));
}

const padShares = (xs: readonly number[]) =>
  Array.from({ length: SHARE_BUCKETS }, (_, k) => Number(xs[k] ?? 0));
