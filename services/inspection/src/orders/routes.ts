import { ORDER_KINDS, ORDER_WORKING_DAYS } from '@wagewatch/domain';
import {
  actorOf,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type Principal,
  principalOf,
  problemSchema,
  requireRole,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { history, lockCase } from '../cases/repository.ts';
import { loadCase } from '../cases/routes.ts';
import { apiTime, type InspectionContext, problems } from '../context.ts';
import { orderBlocks } from './document.ts';
import { orderHtml } from './html.ts';
import { NoCjkFontError, orderPdf } from './pdf.ts';
import {
  DEFAULT_DOCUMENT_CONFIG,
  type DocumentConfig,
  issueOrder,
  ORDER_COLUMNS,
  type OrderRow,
} from './repository.ts';

const orderSummary = z.object({
  orderId: z.string(),
  orderNo: z.string(),
  kind: z.enum(ORDER_KINDS),
  title: z.string(),
  caseId: z.string(),
  cycle: z.number(),
  issuedAt: z.string(),
  issuedBy: z.string(),
  deadline: z
    .string()
    .nullable()
    .describe('correction: the last day to correct (working days on the holiday calendar)'),
  outstanding: z.string().describe('yuan owed to the workers listed, as issued'),
  workers: z.number(),
  acknowledgedAt: z.string().nullable().describe('referral: when the police liaison acknowledged it'),
  acknowledgedBy: z.string().nullable(),
  acknowledgement: z.string().nullable(),
  printUrl: z.string(),
  pdfUrl: z.string(),
});

const summaryOf = (o: OrderRow) => ({
  orderId: o.order_id,
  orderNo: o.order_no,
  kind: o.kind,
  title: o.content.title,
  caseId: o.case_id,
  cycle: o.cycle,
  issuedAt: o.issued_at.toISOString(),
  issuedBy: o.issued_by,
  deadline: o.deadline,
  outstanding: o.content.outstanding,
  workers: o.content.workers.length,
  acknowledgedAt: o.acknowledged_at?.toISOString() ?? null,
  acknowledgedBy: o.acknowledged_by,
  acknowledgement: o.acknowledgement,
  printUrl: `/v1/orders/${o.order_id}/print`,
  pdfUrl: `/v1/orders/${o.order_id}/pdf`,
});

/** A referral is the bureau's and the police's; an order to correct is also the employer's to read. */
function assertMayRead(principal: Principal, o: OrderRow): void {
  if (o.kind === 'police-referral' && principal.role !== 'inspector' && principal.role !== 'admin')
    throw new ForbiddenError(`order ${o.order_id} is a referral to the police: for inspectors`);
}

/**
 * The documents the bureau issues on a case: 责令改正指令书 (an order to correct) and 移送书 (a
 * referral to the police). Issued by an inspector with the case in scope (or an admin), numbered
 * per series and year, recorded in the case history; each readable as JSON, as a printable A4 page
 * and as a PDF. A project manager reads the orders to correct of their projects' cases.
 */
export function orderRoutes(deps: InspectionContext & { documents?: DocumentConfig }): FastifyPluginAsync {
  const time = apiTime(deps);
  const config = deps.documents ?? DEFAULT_DOCUMENT_CONFIG;
  const loadOrder = async (principal: Principal, orderId: string): Promise<OrderRow> => {
    const [o] = await deps.db.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM inspection.case_orders WHERE order_id = $1`,
      [orderId],
    );
    if (!o) throw new NotFoundError(`order ${orderId} does not exist`);
    await loadCase(deps.db, principal, o.case_id);
    assertMayRead(principal, o);
    return o;
  };

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/v1/cases/:caseId/orders',
      {
        schema: {
          tags: ['cases'],
          summary:
            'Issue an order to correct (责令改正指令书) or a referral to the police (移送书) on a case',
          description:
            "The content is taken from the case's open findings as they stand and is kept as issued. " +
            `An order to correct gives a deadline of workingDays working days (${ORDER_WORKING_DAYS.min}-${ORDER_WORKING_DAYS.max}, ` +
            `default ${ORDER_WORKING_DAYS.default}) on the holiday calendar; a referral needs a finding at the criminal ` +
            'threshold and lists the orders already issued and the evidence. 409 when there is nothing to order.',
          params: z.object({ caseId: z.string() }),
          body: z.object({
            kind: z.enum(ORDER_KINDS),
            workingDays: z.number().int().optional(),
          }),
          response: { 201: orderSummary, ...problems, 409: problemSchema },
        },
      },
      async (req, reply) => {
        const principal = principalOf(req);
        requireRole(principal, 'inspector', 'admin');
        const at = time.now();
        const order = await deps.outbox.unitOfWork(deps.db, async (tx) => {
          const c = await loadCase(tx, principal, req.params.caseId);
          await lockCase(tx, c.case_key);
          return issueOrder(
            tx,
            c,
            {
              kind: req.body.kind,
              ...(req.body.workingDays === undefined ? {} : { workingDays: req.body.workingDays }),
              at,
              actor: actorOf(principal),
              inspector: principal.user?.name ?? principal.keyId,
            },
            { calendar: deps.calendar, documents: config },
          );
        });
        req.log.info({ orderNo: order.order_no, caseId: order.case_id, kind: order.kind }, 'order issued');
        return reply.code(201).send(summaryOf(order));
      },
    );

    app.get(
      '/v1/cases/:caseId/orders',
      {
        schema: {
          tags: ['cases'],
          summary: "A case's issued orders, oldest first (a project manager sees the orders to correct only)",
          params: z.object({ caseId: z.string() }),
          response: { 200: z.object({ orders: z.array(orderSummary) }), ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        const c = await loadCase(deps.db, principal, req.params.caseId);
        const rows = await deps.db.query<OrderRow>(
          `SELECT ${ORDER_COLUMNS} FROM inspection.case_orders WHERE case_id = $1 ORDER BY issued_at, order_no`,
          [c.case_id],
        );
        const mine = principal.role === 'inspector' || principal.role === 'admin';
        return { orders: rows.filter((o) => mine || o.kind === 'correction').map(summaryOf) };
      },
    );

    app.get(
      '/v1/orders/:orderId',
      {
        schema: {
          tags: ['cases'],
          summary:
            'One issued order with its content as issued (employer, findings by rule, amounts per worker)',
          params: z.object({ orderId: z.string() }),
          response: { 200: orderSummary.extend({ content: z.unknown() }), ...problems },
        },
      },
      async (req) => {
        const o = await loadOrder(principalOf(req), req.params.orderId);
        return { ...summaryOf(o), content: o.content };
      },
    );

    app.get(
      '/v1/orders/:orderId/print',
      {
        schema: {
          tags: ['cases'],
          summary: 'One issued order as a printable A4 page (text/html)',
          params: z.object({ orderId: z.string() }),
          produces: ['text/html'],
        },
      },
      async (req, reply) => {
        const o = await loadOrder(principalOf(req), req.params.orderId);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .header('cache-control', 'private, no-store')
          .send(
            orderHtml(
              `${o.content.title} ${o.order_no}`,
              orderBlocks(o, config.police),
              `/v1/orders/${o.order_id}/pdf`,
            ),
          );
      },
    );

    app.get(
      '/v1/orders/:orderId/pdf',
      {
        schema: {
          tags: ['cases'],
          summary: "One issued order as an A4 PDF (application/pdf), set in the machine's CJK font",
          description: '503 when the machine has no CJK font (fonts-noto-cjk, or WAGEWATCH_PDF_FONT).',
          params: z.object({ orderId: z.string() }),
          produces: ['application/pdf'],
        },
      },
      async (req, reply) => {
        const o = await loadOrder(principalOf(req), req.params.orderId);
        let pdf: Buffer;
        try {
          pdf = await orderPdf(orderBlocks(o, config.police), {
            title: o.content.title,
            subject: o.order_no,
            created: o.issued_at,
          });
        } catch (err) {
          if (!(err instanceof NoCjkFontError)) throw err;
          return reply.code(503).type('application/problem+json').send({
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
            detail: err.message,
          });
        }
        const name = `${o.content.title}-${o.order_no}.pdf`;
        return reply
          .type('application/pdf')
          .header('cache-control', 'private, no-store')
          .header(
            'content-disposition',
            `attachment; filename="order-${o.order_id}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
          )
          .send(pdf);
      },
    );

    app.post(
      '/v1/orders/:orderId/acknowledgement',
      {
        schema: {
          tags: ['cases'],
          summary: "Record the police liaison's acknowledgement of a referral (移送书回执)",
          params: z.object({ orderId: z.string() }),
          body: z.object({
            by: z.string().trim().min(1).max(100).describe('who acknowledged it for the police (name, unit)'),
            note: z.string().trim().max(2000).optional().describe('e.g. the police file number (受案回执号)'),
          }),
          response: { 200: orderSummary, ...problems, 409: problemSchema },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'inspector', 'admin');
        const at = time.now();
        const updated = await deps.outbox.unitOfWork(deps.db, async (tx) => {
          const [o] = await tx.query<OrderRow>(
            `SELECT ${ORDER_COLUMNS} FROM inspection.case_orders WHERE order_id = $1 FOR UPDATE`,
            [req.params.orderId],
          );
          if (!o) throw new NotFoundError(`order ${req.params.orderId} does not exist`);
          await loadCase(tx, principal, o.case_id);
          if (o.kind !== 'police-referral')
            throw new ConflictError(
              `order ${o.order_no} is an order to correct: only a referral is acknowledged`,
            );
          if (o.acknowledged_at)
            throw new ConflictError(
              `referral ${o.order_no} was acknowledged already (${o.acknowledged_at.toISOString()})`,
            );
          const [row] = await tx.query<OrderRow>(
            `UPDATE inspection.case_orders SET acknowledged_at = $2, acknowledged_by = $3, acknowledgement = $4
             WHERE order_id = $1 RETURNING ${ORDER_COLUMNS}`,
            [o.order_id, at, req.body.by, req.body.note ?? null],
          );
          await history(tx, {
            caseId: o.case_id,
            at,
            actor: actorOf(principal),
            action: 'referral-acknowledged',
            note: `${o.order_no} acknowledged by ${req.body.by}${req.body.note ? `: ${req.body.note}` : ''}`,
            detail: { orderId: o.order_id, orderNo: o.order_no },
          });
          return row!;
        });
        return summaryOf(updated);
      },
    );
  };
}
