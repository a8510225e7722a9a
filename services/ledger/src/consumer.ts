import type { Consumer, Outbox } from '@wagewatch/bus';
import { currentTrace, type KnownEnvelope, TOPICS } from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import { parseYuan, type WorkingDayCalendar } from '@wagewatch/domain';
import { dropClosedMonths } from './closed-months.ts';
import { evaluateDirty } from './sweep.ts';

/**
 * The ledger learns projects, workers, payroll sheets and bank movements from ingest's events,
 * then re-evaluates every project the batch touched, in the same transaction.
 */
export function ledgerConsumer(deps: {
  db: Database;
  outbox: Outbox;
  calendar: WorkingDayCalendar;
  clock?: { now(): Date };
}): Consumer {
  return {
    group: 'ledger',
    topics: [TOPICS.ingest],
    outbox: deps.outbox,
    ...(deps.clock ? { clock: deps.clock } : {}),
    async apply(tx, event) {
      await applyEvent(tx, event);
    },
    idle: () => evaluateDirty(deps),
    async afterBatch(tx, events) {
      await flushStatements(tx);
      await dropClosedMonths(tx, events); // an event in the closed range drops its summary (docs/adr/0023)
      const touched = new Set(events.map((e) => e.key));
      const counterparties = events.flatMap((e) =>
        e.type === 'bank.transfers-reported' ? e.data.transfers.map((t) => t.counterpartyAccountNo) : [],
      );
      if (counterparties.length) {
        const rows = await tx.query<{ project_id: string }>(
          'SELECT DISTINCT project_id FROM ledger.workers WHERE account_no = ANY($1::text[])',
          [[...new Set(counterparties)]],
        );
        for (const r of rows) touched.add(r.project_id);
      }
      // Evaluation is deferred and coalesced: mark the projects here, in the batch's
      // transaction (durable), and evaluate them once the consumer has caught up (idle).
      const at = new Date(Math.max(...events.map((e) => Date.parse(e.occurredAt))));
      // Each mark keeps the trace of the event that touched the project last (of the batch's last
      // event for a project touched indirectly): the deferred evaluation's events follow from it.
      const projects = [...touched];
      const traces = projects.map((p) => currentTrace(p));
      await tx.query(
        `INSERT INTO ledger.dirty_projects (project_id, changed_at, correlation_id, causation_id)
         SELECT u.p, $2::timestamptz, u.c, u.k FROM unnest($1::text[], $3::text[], $4::text[]) AS u(p, c, k)
         ON CONFLICT (project_id) DO UPDATE SET changed_at = GREATEST(ledger.dirty_projects.changed_at, EXCLUDED.changed_at),
           correlation_id = EXCLUDED.correlation_id, causation_id = EXCLUDED.causation_id`,
        [
          projects,
          at,
          traces.map((t) => t?.correlationId ?? null),
          traces.map((t) => t?.causationId ?? null),
        ],
      );
    },
  };
}

/** account, date, project, opening, closing, debit count, debits, credit count, credits, received at, event id. */
type StatementRow = [string, string, string, string, string, number, string, number, string, string, string];
/** A batch's statements not yet written, by account and date: the latest event's (last wins, as one by one). */
const statementsIn = new WeakMap<Sql, Map<string, StatementRow>>();

/**
 * Writes a batch's statements in one statement instead of one per event (bench:embedded: 1,120
 * statement events, each a round trip to PGlite's thread). A statement sent again replaces the
 * stored one, as applying the events one by one would leave it.
 */
async function flushStatements(tx: Sql): Promise<void> {
  const pending = statementsIn.get(tx);
  if (!pending) return;
  statementsIn.delete(tx);
  const rows = [...pending.values()];
  const column = (i: number) => rows.map((r) => r[i]);
  await tx.query(
    `INSERT INTO ledger.statements (account_no, statement_date, project_id, opening_fen, closing_fen, debit_count, debit_fen,
       credit_count, credit_fen, received_at, event_id)
     SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::bigint[], $5::bigint[], $6::int[], $7::bigint[], $8::int[],
       $9::bigint[], $10::timestamptz[], $11::uuid[])
     ON CONFLICT (account_no, statement_date) DO UPDATE SET opening_fen = EXCLUDED.opening_fen, closing_fen = EXCLUDED.closing_fen,
       debit_count = EXCLUDED.debit_count, debit_fen = EXCLUDED.debit_fen, credit_count = EXCLUDED.credit_count,
       credit_fen = EXCLUDED.credit_fen, received_at = EXCLUDED.received_at, event_id = EXCLUDED.event_id`,
    Array.from({ length: 11 }, (_, i) => column(i)),
  );
}

async function applyEvent(tx: Sql, event: KnownEnvelope): Promise<void> {
  switch (event.type) {
    case 'project.registered': {
      const p = event.data;
      await tx.query(
        `INSERT INTO ledger.projects (project_id, district, bank_code, account_no, terms, event_id) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (project_id) DO UPDATE SET district = EXCLUDED.district, terms = EXCLUDED.terms, event_id = EXCLUDED.event_id`,
        [
          p.projectId,
          p.district,
          p.wageAccount.bankCode,
          p.wageAccount.accountNo,
          JSON.stringify(p),
          event.id,
        ],
      );
      return;
    }
    case 'workers.registered': {
      const ws = event.data.workers;
      await tx.query(
        `INSERT INTO ledger.workers (project_id, id_number, name, account_no, enrolled_on, left_on)
         SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::date[])
         ON CONFLICT (project_id, id_number) DO UPDATE SET name = EXCLUDED.name, account_no = EXCLUDED.account_no,
           enrolled_on = EXCLUDED.enrolled_on, left_on = EXCLUDED.left_on`,
        [
          event.data.projectId,
          ws.map((w) => w.idNumber),
          ws.map((w) => w.name),
          ws.map((w) => w.accountNo),
          ws.map((w) => w.enrolledOn),
          ws.map((w) => w.leftOn ?? null),
        ],
      );
      return;
    }
    case 'payroll.submitted': {
      const s = event.data;
      await tx.query(
        `INSERT INTO ledger.payroll_sheets (sheet_id, project_id, period, version, parts, parts_received, submitted_at, event_ids)
         VALUES ($1,$2,$3,$4,$5,1,$6,ARRAY[$7])
         ON CONFLICT (sheet_id) DO UPDATE SET parts_received = ledger.payroll_sheets.parts_received + 1,
           event_ids = ledger.payroll_sheets.event_ids || EXCLUDED.event_ids`,
        // submitted_at is when the version took effect: an approved correction, at its approval.
        [s.sheetId, s.projectId, s.period, s.version, s.parts, s.effectiveAt ?? s.submittedAt, event.id],
      );
      await tx.query(
        `INSERT INTO ledger.payroll_lines (sheet_id, id_number, name, amount_due_fen, signed, days_worked, gross_fen)
         SELECT $1::uuid, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::boolean[], $6::numeric[], $7::bigint[])
         ON CONFLICT DO NOTHING`,
        [
          s.sheetId,
          s.lines.map((l) => l.idNumber),
          s.lines.map((l) => l.name),
          s.lines.map((l) => parseYuan(l.amountDue).toString()),
          s.lines.map((l) => l.signed),
          // For the national platform's payroll export (issue 14 §3).
          s.lines.map((l) => (l.daysWorked === null ? null : String(l.daysWorked))),
          s.lines.map((l) => (l.grossAmount === undefined ? null : parseYuan(l.grossAmount).toString())),
        ],
      );
      return;
    }
    case 'bank.transfers-reported': {
      const ts = event.data.transfers;
      await tx.query(
        `INSERT INTO ledger.transfers (bank_code, bank_ref, project_id, account_no, direction, amount_fen, counterparty_account_no,
           counterparty_name, counterparty_id_number, booked_at, status, original_bank_ref, purpose, event_id)
         SELECT $1::text, b, $2::text, a, d, amt, ca, cn, ci, ba, st, ob, pu, $3::uuid
         FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
                     $12::text[], $13::text[], $14::text[]) AS x(b, a, d, amt, ca, cn, ci, ba, st, ob, pu)
         ON CONFLICT (bank_code, bank_ref) DO NOTHING`,
        [
          event.data.bankCode,
          event.data.projectId,
          event.id,
          ts.map((t) => t.bankRef),
          ts.map((t) => t.accountNo),
          ts.map((t) => t.direction),
          ts.map((t) => parseYuan(t.amount).toString()),
          ts.map((t) => t.counterpartyAccountNo),
          ts.map((t) => t.counterpartyName),
          ts.map((t) => t.counterpartyIdNumber ?? null),
          ts.map((t) => t.bookedAt),
          ts.map((t) => t.status),
          ts.map((t) => t.originalBankRef ?? null),
          ts.map((t) => t.purpose ?? null),
        ],
      );
      return;
    }
    case 'bank.statement-reported': {
      // Written with the batch's other statements in one statement (afterBatch, flushStatements).
      const s = event.data;
      const pending = statementsIn.get(tx) ?? new Map<string, StatementRow>();
      statementsIn.set(tx, pending);
      pending.set(`${s.accountNo}|${s.date}`, [
        s.accountNo,
        s.date,
        s.projectId,
        parseYuan(s.openingBalance, { allowNegative: true }).toString(),
        parseYuan(s.closingBalance, { allowNegative: true }).toString(),
        s.debitCount,
        parseYuan(s.debitTotal).toString(),
        s.creditCount,
        parseYuan(s.creditTotal).toString(),
        s.receivedAt,
        event.id,
      ]);
      return;
    }
    case 'deposit.events-reported':
      return; // the deposits service's business
    case 'finding.raised':
    case 'finding.updated':
    case 'finding.resolved':
      return; // the ledger's own output; not on its input topic
    case 'case.opened':
    case 'case.escalated':
    case 'case.closed':
    case 'case.reopened':
    case 'task.opened':
    case 'task.assigned':
    case 'task.progressed':
    case 'task.resolved':
    case 'task.closed':
    case 'audit.raised':
    case 'winter.progress':
    case 'screening.completed':
      return; // inspection's output; not on the ledger's input topic
    case 'delivery.dead-lettered':
    case 'delivery.reapplied':
      return; // consumers' notices to ingest; not on the ledger's input topic
    default: {
      const never: never = event;
      throw new Error(`unhandled event ${(never as KnownEnvelope).type}`);
    }
  }
}
