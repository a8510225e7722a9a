import { createHash } from 'node:crypto';
import type { Sql } from '@wagewatch/db';
import {
  decideOrder,
  formatFen,
  type LocalDate,
  type OrderContent,
  type OrderKind,
  orderNumber,
  shanghaiDate,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import { ConflictError, ValidationError } from '@wagewatch/runtime';
import { type CaseRow, history, loadCaseFindings, splitCaseKey } from '../cases/repository.ts';

/**
 * Configuration, not law: who issues the documents and how they are numbered. The defaults are
 * Panzhihua's (the demo city's); a bureau elsewhere sets its own (WAGEWATCH_DOCUMENT_AUTHORITY,
 * WAGEWATCH_ORDER_PREFIX, WAGEWATCH_REFERRAL_PREFIX).
 */
export type DocumentConfig = {
  /** The issuing authority for a district: `{district}` is replaced by the case's district. */
  authority: string;
  /** The number's prefix per kind: `攀人社监令` gives `攀人社监令〔2026〕第0001号`. */
  prefixes: Record<OrderKind, string>;
  /** Whom a referral goes to (公安机关), `{district}` replaced as above. */
  police: string;
};

export const DEFAULT_DOCUMENT_CONFIG: DocumentConfig = {
  authority: '攀枝花市{district}人力资源和社会保障局',
  prefixes: { correction: '攀人社监令', 'police-referral': '攀人社监移' },
  police: '攀枝花市公安局{district}分局',
};

/** An order as stored and served: the content as issued, amounts as yuan strings. */
export type StoredOrderContent = Omit<OrderContent, 'lines' | 'workers' | 'outstandingFen'> & {
  lines: { rule: string; ruleName: string; legalBasis: string; findings: number; owed: string }[];
  workers: {
    idNumberMasked: string;
    name: string;
    periods: string[];
    owed: string;
    paid: string;
    outstanding: string;
  }[];
  outstanding: string;
};

export type OrderRow = {
  order_id: string;
  order_no: string;
  case_id: string;
  cycle: number;
  kind: OrderKind;
  district: string;
  issued_at: Date;
  issued_by: string;
  deadline: string | null;
  content: StoredOrderContent;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledgement: string | null;
};

export const ORDER_COLUMNS = `order_id, order_no, case_id, cycle, kind, district, issued_at, issued_by,
  deadline::text AS deadline, content, acknowledged_at, acknowledged_by, acknowledgement`;

function stored(c: OrderContent): StoredOrderContent {
  const { lines, workers, outstandingFen, ...rest } = c;
  return {
    ...rest,
    lines: lines.map(({ owedFen, ...l }) => ({ ...l, owed: formatFen(owedFen) })),
    workers: workers.map(({ owedFen, paidFen, outstandingFen: o, ...w }) => ({
      ...w,
      owed: formatFen(owedFen),
      paid: formatFen(paidFen),
      outstanding: formatFen(o),
    })),
    outstanding: formatFen(outstandingFen),
  };
}

/**
 * Issues an order on a case (locked by the caller): its content from the case's open findings
 * as they stand, the next number of its series and year, and a row of the case history naming
 * it, in the caller's transaction. Refused (409) when the domain refuses it.
 */
export async function issueOrder(
  tx: Sql,
  c: CaseRow,
  command: { kind: OrderKind; workingDays?: number; at: Date; actor: string; inspector: string },
  deps: { calendar: WorkingDayCalendar; documents?: DocumentConfig },
): Promise<OrderRow> {
  const config = deps.documents ?? DEFAULT_DOCUMENT_CONFIG;
  const { projectId, code } = splitCaseKey(c.case_key);
  const open = (await loadCaseFindings(tx, projectId, code)).filter((f) => f.status === 'open');
  const [project] = await tx.query<{ name: string }>(
    'SELECT name FROM inspection.projects WHERE project_id = $1',
    [projectId],
  );
  const prior = await tx.query<{ order_no: string; deadline: string | null; issued_at: Date }>(
    `SELECT order_no, deadline::text AS deadline, issued_at FROM inspection.case_orders
     WHERE case_id = $1 AND kind = 'correction' ORDER BY issued_at, order_no`,
    [c.case_id],
  );
  const issuedOn: LocalDate = shanghaiDate(command.at);
  const decision = decideOrder(
    {
      caseId: c.case_id,
      projectId,
      projectName: project?.name ?? projectId,
      district: c.district,
      employer: { kind: c.employer_kind as 'contractor', name: c.employer_name, code: c.employer_code },
      findings: open,
      priorOrders: prior.map((p) => ({
        orderNo: p.order_no,
        deadline: p.deadline,
        issuedOn: shanghaiDate(p.issued_at),
      })),
    },
    {
      kind: command.kind,
      issuedOn,
      authority: config.authority.replaceAll('{district}', c.district),
      inspector: command.inspector,
      ...(command.workingDays === undefined ? {} : { workingDays: command.workingDays }),
      policeThresholdReached: c.police_liaison || open.some((f) => f.policeReferral === true),
    },
    deps.calendar,
  );
  if (!decision.ok) {
    if (decision.reason.startsWith('workingDays')) throw new ValidationError(decision.reason);
    throw new ConflictError(`case ${c.case_id}: ${decision.reason}`);
  }
  const year = Number(issuedOn.slice(0, 4));
  const series = config.prefixes[command.kind];
  const [n] = await tx.query<{ last: number }>(
    `INSERT INTO inspection.order_numbers (series, year, last) VALUES ($1, $2, 1)
     ON CONFLICT (series, year) DO UPDATE SET last = inspection.order_numbers.last + 1 RETURNING last`,
    [series, year],
  );
  const orderNo = orderNumber(series, year, n!.last);
  const orderId = `O-${createHash('sha256').update(orderNo).digest('hex').slice(0, 20)}`;
  const content = stored(decision.content);
  const [row] = await tx.query<OrderRow>(
    `INSERT INTO inspection.case_orders (order_id, order_no, case_id, cycle, kind, district, issued_at, issued_by, deadline, content)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING ${ORDER_COLUMNS}`,
    [
      orderId,
      orderNo,
      c.case_id,
      c.cycle,
      command.kind,
      c.district,
      command.at,
      command.actor,
      decision.content.deadline,
      JSON.stringify(content),
    ],
  );
  await history(tx, {
    caseId: c.case_id,
    at: command.at,
    actor: command.actor,
    action: command.kind === 'correction' ? 'order-issued' : 'referral-issued',
    note:
      `${decision.content.title} ${orderNo}: ${content.findingIds.length} finding(s), ${content.workers.length} worker(s), ` +
      `¥${content.outstanding} outstanding` +
      (decision.content.deadline
        ? `; to be corrected by ${decision.content.deadline} (${decision.content.workingDays} working days)`
        : '') +
      (decision.content.deadlineWarning ? `; ${decision.content.deadlineWarning}` : ''),
    detail: { orderId, orderNo, kind: command.kind },
  });
  return row!;
}
