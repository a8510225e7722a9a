import type { Database } from '@wagewatch/db';
import { type EvidenceRef, parseEvidenceRef } from '@wagewatch/domain';
import {
  canSeeProject,
  ForbiddenError,
  NotFoundError,
  type Principal,
  principalOf,
  problemSchema,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * `GET /v1/evidence/:ref` — the record behind one of a finding's, case's or alert's evidence
 * references (packages/domain/src/evidence.ts), as ingest received it: a bank movement, a bank
 * statement, a deposit event or a payroll sheet version. Ingest is where every such record is
 * kept, so an inspector follows a case back to the transfer here. Scope: an inspector the
 * projects of their districts, a project manager their projects, a bank its own records; outside
 * it 403 (a bank asking for another bank's reference before any lookup).
 */
const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

export const evidenceRecordSchema = z.object({
  ref: z.string(),
  kind: z.enum(['bank-transfer', 'bank-statement', 'payroll-sheet', 'bank-deposit']),
  projectId: z.string(),
  /** The bank that reported it (absent for a payroll sheet). */
  bankCode: z.string().nullable(),
  receivedAt: z.string(),
  /** The record as accepted (a payroll sheet: its summary; its lines are in the payroll history). */
  record: z.record(z.string(), z.unknown()),
  /** Where to read more: the payroll history of the sheet's month. */
  see: z.string().nullable(),
});
export type EvidenceRecord = z.infer<typeof evidenceRecordSchema>;

type Found = {
  projectId: string;
  district: string;
  bankCode: string | null;
  receivedAt: Date;
  record: Record<string, unknown>;
  see: string | null;
};

type BankRow = { project_id: string; district: string; record: Record<string, unknown>; received_at: Date };
const bankRecord = (row: BankRow, bankCode: string): Found => ({
  projectId: row.project_id,
  district: row.district,
  bankCode,
  receivedAt: row.received_at,
  record: row.record,
  see: null,
});

async function lookUp(db: Database, ref: EvidenceRef): Promise<Found | undefined> {
  switch (ref.kind) {
    case 'bank-transfer':
    case 'bank-deposit': {
      const table = ref.kind === 'bank-transfer' ? 'ingest.bank_transfers' : 'ingest.deposit_events';
      const [row] = await db.query<BankRow>(
        `SELECT t.project_id, p.district, t.record, t.received_at FROM ${table} t
         JOIN ingest.projects p ON p.project_id = t.project_id WHERE t.bank_code = $1 AND t.bank_ref = $2`,
        [ref.bankCode, ref.bankRef],
      );
      return row && bankRecord(row, ref.bankCode);
    }
    case 'bank-statement': {
      // The latest statement of that account and day (a bank may resend a corrected one).
      const [row] = await db.query<BankRow>(
        `SELECT p.project_id, p.district, s.record, s.received_at FROM ingest.bank_statements s
         JOIN ingest.projects p ON p.account_no = s.account_no
         WHERE s.bank_code = $1 AND s.account_no = $2 AND s.statement_date = $3::date ORDER BY s.id DESC LIMIT 1`,
        [ref.bankCode, ref.accountNo, ref.date],
      );
      return row && bankRecord(row, ref.bankCode);
    }
    case 'payroll-sheet': {
      const [row] = await db.query<{
        project_id: string;
        district: string;
        period: string;
        version: number;
        source: string;
        filename: string | null;
        line_count: number;
        submitted_by: string;
        submitted_at: Date;
      }>(
        `SELECT s.project_id, p.district, s.period, s.version, s.source, s.filename, s.line_count, s.submitted_by,
           s.submitted_at
         FROM ingest.payroll_sheets s JOIN ingest.projects p ON p.project_id = s.project_id
         WHERE s.sheet_id::text = $1 AND s.version = $2`,
        [ref.sheetId, ref.version],
      );
      return row
        ? {
            projectId: row.project_id,
            district: row.district,
            bankCode: null,
            receivedAt: row.submitted_at,
            record: {
              sheetId: ref.sheetId,
              period: row.period,
              version: Number(row.version),
              source: row.source,
              filename: row.filename,
              lineCount: Number(row.line_count),
              submittedBy: row.submitted_by,
            },
            see: `/v1/projects/${encodeURIComponent(row.project_id)}/payrolls/${row.period}`,
          }
        : undefined;
    }
    default: {
      const never: never = ref;
      throw new Error(`unknown evidence ${JSON.stringify(never)}`);
    }
  }
}

function bankOf(ref: EvidenceRef): string | null {
  return ref.kind === 'payroll-sheet' ? null : ref.bankCode;
}

export function registerEvidenceRoutes(root: FastifyInstance, deps: { db: Database }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/evidence/:ref',
    {
      schema: {
        tags: ['evidence'],
        summary: 'The bank record or payroll sheet behind an evidence reference of a finding, case or alert',
        params: z.object({
          ref: z
            .string()
            .describe(
              'e.g. bank-transfer:<bankCode>:<bankRef>, bank-statement:<bankCode>:<accountNo>:<date>, payroll-sheet:<sheetId>:v<n>, bank-deposit:<bankCode>:<bankRef>',
            ),
        }),
        response: { 200: evidenceRecordSchema, ...problems },
      },
    },
    async (req) => {
      const principal: Principal = principalOf(req);
      const ref = parseEvidenceRef(req.params.ref);
      if (!ref) {
        throw new ValidationError(
          `"${req.params.ref}" is not an evidence reference (bank-transfer:, bank-statement:, payroll-sheet:, bank-deposit:)`,
          [{ field: 'ref', message: 'is not an evidence reference' }],
        );
      }
      // A bank reads only what it reported: refused before the lookup, so nothing leaks.
      if (principal.role === 'bank' && bankOf(ref) !== principal.bankCode)
        throw new ForbiddenError(`your key covers bank ${principal.bankCode}'s records only`);
      const found = await lookUp(deps.db, ref);
      if (!found) throw new NotFoundError(`no record ${req.params.ref}`);
      const visible =
        principal.role === 'bank' ||
        canSeeProject(principal, { projectId: found.projectId, district: found.district });
      if (!visible) throw new ForbiddenError(`your key does not cover project ${found.projectId}`);
      return {
        ref: req.params.ref,
        kind: ref.kind,
        projectId: found.projectId,
        bankCode: found.bankCode,
        receivedAt: new Date(found.receivedAt).toISOString(),
        record: found.record,
        see: found.see,
      };
    },
  );
}
