import multipart from '@fastify/multipart';
import type { Outbox } from '@wagewatch/bus';
import {
  PAYROLL_PART_SIZE,
  type PayrollLineRecord,
  TOPICS,
  totalYuanString,
  type WorkerRecord,
  yuanString,
} from '@wagewatch/contracts';
import type { Database, Sql } from '@wagewatch/db';
import {
  firstDayOf,
  formatFen,
  isPeriod,
  maskIdNumber,
  parseYuan,
  periodOf,
  shanghaiDate,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import {
  type ApiKeys,
  type Clock,
  ConflictError,
  type FieldIssue,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  principalOf,
  problemSchema,
  ROLES,
  requireRole,
  ValidationError,
} from '@wagewatch/runtime';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptDeposits,
  acceptStatement,
  acceptStatements,
  acceptTransfers,
  settle,
  statementInputSchema,
} from './bank-intake.ts';
import { registerEvidenceRoutes } from './evidence-routes.ts';
import { registerKeyRoutes } from './key-routes.ts';
import { type ParsedPayrollFile, PayrollFileError, type SheetKind } from './payroll-file/index.ts';
import { PayrollFileReader, type PayrollFileReaderOptions } from './payroll-file/reader.ts';
import { registerPayrollHistoryRoutes } from './payroll-routes.ts';
import { type PayTerms, planVersion, recordVersion } from './payroll-versions.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { checkProject, projectInputSchema, validatePayrollLine, validateWorker } from './validation.ts';

export type IngestDeps = {
  db: Database;
  outbox: Outbox;
  apiKeys: ApiKeys;
  clock: Clock;
  /** The working-day calendar of due dates (the ledger's); the built-in one when absent. */
  calendar?: WorkingDayCalendar;
  /** Bounds of uploaded payroll files and of the worker threads that read them. */
  uploads?: Partial<PayrollFileReaderOptions>;
};

/** The largest payroll file accepted (bytes as uploaded, before any unpacking). */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** Row issues listed in a response; the rest are counted (`totalRejected`) and kept with the version. */
export const MAX_LISTED_ISSUES = 200;

const consumerReasons = z.array(z.object({ consumer: z.string(), reason: z.string() }));
const batchResult = z.object({
  accepted: z.number(),
  duplicates: z.number(),
  rejected: z.array(z.object({ row: z.number().optional(), field: z.string(), message: z.string() })),
  /** Set when `rejected` lists only the first issues: how many there are in all. */
  totalRejected: z.number().optional(),
  /** Repeats of records a consumer could not apply: not duplicates, listed with the reasons. */
  deadLettered: z
    .array(z.object({ row: z.number(), bankRef: z.string(), consumers: consumerReasons }))
    .optional(),
});
const atomicQuery = z.object({ atomic: z.enum(['true', 'false']).optional() });
const intakeQuery = atomicQuery.extend({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'true: run every check of a real submission and answer 200 with the report; nothing is stored, nothing emitted',
    ),
});
const rowIssue = z.object({ row: z.number().optional(), field: z.string(), message: z.string() });
/** The answer of `?dryRun=true`: what a real submission of the same request would do. */
export const dryRunReport = z
  .object({
    dryRun: z.literal(true),
    rows: z.number().describe('worker rows read (lines of a JSON body, worker rows of a file)'),
    accepted: z.number().describe('rows a real submission would keep'),
    rejected: z.array(rowIssue).describe(`row problems (the first ${200}), as a real submission lists them`),
    totalErrors: z
      .number()
      .optional()
      .describe('set when rejected lists only the first problems: how many in all'),
    warnings: z
      .array(rowIssue)
      .describe(
        'rows a real submission accepts but that need attention: a payroll line whose worker is not registered on the project',
      ),
    totals: z.object({
      amountDue: totalYuanString
        .nullable()
        .describe('sum of the accepted lines (payroll); null for a roster'),
      workers: z.number().describe('accepted rows, one per worker'),
    }),
    outcome: z
      .enum(['accepted', 'correction-requested', 'refused'])
      .describe(
        'what the real submission would answer: 201/200 accepted, 202 correction request, or refused (400, with detail)',
      ),
    detail: z.string().optional(),
    period: z.string().optional().describe('payroll: the month checked'),
    format: z.string().describe('json, csv or xlsx'),
    encoding: z.string().optional().describe('a CSV file: utf-8 or gbk'),
  })
  .describe('dryRun=true: the same checks as a real submission, nothing stored, nothing emitted');
type DryRunReport = z.infer<typeof dryRunReport>;
const problems = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
};

type ProjectRow = {
  project_id: string;
  district: string;
  bank_code: string;
  account_no: string;
  start_date: string;
  registration: { payDay: number; payMonthOffset: number } | string;
};

async function findProject(db: Sql, projectId: string): Promise<ProjectRow> {
  const [p] = await db.query<ProjectRow>(
    'SELECT project_id, district, bank_code, account_no, start_date, registration FROM ingest.projects WHERE project_id = $1',
    [projectId],
  );
  if (!p) throw new NotFoundError(`project ${projectId} is not registered`);
  return p;
}

function ensureProjectScope(principal: ReturnType<typeof principalOf>, projectId: string): void {
  if (principal.role === 'admin') return;
  requireRole(principal, 'project-manager');
  if (principal.role === 'project-manager' && !principal.projectIds.includes(projectId)) {
    throw new ForbiddenError(`your key does not cover project ${projectId}`);
  }
}

/** The lines whose worker is not registered on the project (ingest's own roster). */
async function unregisteredOf(
  db: Sql,
  projectId: string,
  lines: PayrollLineRecord[],
): Promise<PayrollLineRecord[]> {
  if (lines.length === 0) return [];
  const rows = await db.query<{ id_number: string }>(
    'SELECT id_number FROM ingest.workers WHERE project_id = $1 AND id_number = ANY($2::text[])',
    [projectId, lines.map((l) => l.idNumber)],
  );
  const known = new Set(rows.map((r) => r.id_number));
  return lines.filter((l) => !known.has(l.idNumber));
}

function payTerms(p: ProjectRow): PayTerms {
  const reg = typeof p.registration === 'string' ? JSON.parse(p.registration) : p.registration;
  return { payDay: Number(reg.payDay), payMonthOffset: Number(reg.payMonthOffset) };
}

/** 2026/3/1, 2026.03.01, 2026年3月1日 → 2026-03-01 (a roster's dates as Excel users type them); anything else unchanged. */
export function normalizeDateText(t: string | undefined): string | undefined {
  const v = t?.trim();
  if (!v) return undefined;
  const m = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$/.exec(v.normalize('NFKC'));
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : v;
}

type UploadedSheet = {
  parsed: ParsedPayrollFile;
  filename: string | undefined;
  field: (name: string) => string | undefined;
};

/** Reads the multipart part `file` (CSV UTF-8/GBK or XLSX) within the payroll file's bounds. */
async function readUploadedSheet(
  req: FastifyRequest,
  reader: PayrollFileReader,
  kind: SheetKind,
): Promise<UploadedSheet> {
  const file = await req.file();
  if (!file)
    throw new ValidationError('no file in the multipart body', [{ field: 'file', message: 'is required' }]);
  const field = (name: string) => {
    const f = file.fields[name];
    const one = Array.isArray(f) ? f[0] : f;
    return one && 'value' in one ? String(one.value) : undefined;
  };
  let bytes: Buffer;
  try {
    bytes = await file.toBuffer();
  } catch (err) {
    if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err;
    throw new PayloadTooLargeError(
      `${file.filename ? `"${file.filename}"` : 'the file'}: the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB per upload: split the sheet`,
      'file-size',
    );
  }
  try {
    const parsed = await reader.read({ bytes, filename: file.filename, contentType: file.mimetype, kind });
    return { parsed, filename: file.filename, field };
  } catch (err) {
    if (!(err instanceof PayrollFileError)) throw err;
    const message = `${file.filename ? `"${file.filename}"` : 'the file'}: ${err.message}`;
    if (err.code === 'TOO_LARGE') throw new PayloadTooLargeError(message, err.bound ?? 'size');
    throw new ValidationError(message, [{ field: 'file', message: err.message }]);
  }
}

/** Row issues as a report lists them: in row order, the first MAX_LISTED_ISSUES. */
function listed(issues: FieldIssue[]): Pick<DryRunReport, 'rejected' | 'totalErrors'> {
  const sorted = [...issues].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return {
    rejected: sorted.slice(0, MAX_LISTED_ISSUES),
    ...(issues.length > MAX_LISTED_ISSUES ? { totalErrors: issues.length } : {}),
  };
}

/** Runs the real submission's remaining checks; a ValidationError becomes the report's `refused`. */
async function outcomeOf(
  check: () => Promise<'accepted' | 'correction-requested'>,
): Promise<Pick<DryRunReport, 'outcome' | 'detail'>> {
  try {
    return { outcome: await check() };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { outcome: 'refused', detail: err.message };
  }
}

const lineChange = z.object({ idNumber: z.string(), name: z.string(), from: yuanString, to: yuanString });

export function ingestRoutes(deps: IngestDeps): FastifyPluginAsync {
  const { db, outbox, apiKeys, clock, calendar } = deps;
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
    const payrollFiles = new PayrollFileReader(deps.uploads);
    app.addHook('onClose', () => payrollFiles.close());
    registerPayrollHistoryRoutes(app, { db, outbox, clock, ...(calendar ? { calendar } : {}) });
    registerEvidenceRoutes(app, { db });

    registerKeyRoutes(root, { apiKeys, clock });
    registerSessionRoutes(root, { apiKeys });

    app.post(
      '/v1/projects',
      {
        schema: {
          tags: ['projects'],
          summary: 'Register a project (admin)',
          body: projectInputSchema,
          response: { 201: z.object({ projectId: z.string() }), ...problems },
        },
      },
      async (req, reply) => {
        requireRole(principalOf(req), 'admin');
        const p = req.body;
        const issues = checkProject(p);
        if (issues.length)
          throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
        const now = clock.now();
        const data = {
          ...p,
          contractValue: formatFen(parseYuan(p.contractValue)),
          registeredAt: now.toISOString(),
        };
        await outbox.unitOfWork(db, async (tx, emit) => {
          const clash = await tx.query<{ project_id: string; account_no: string }>(
            'SELECT project_id, account_no FROM ingest.projects WHERE project_id = $1 OR account_no = $2',
            [p.projectId, p.wageAccount.accountNo],
          );
          if (clash.some((c) => c.project_id === p.projectId))
            throw new ConflictError(`project ${p.projectId} is already registered`);
          if (clash.length)
            throw new ConflictError(
              `wage account is already the dedicated account of project ${clash[0]!.project_id}`,
            );
          await tx.query(
            `INSERT INTO ingest.projects (project_id, name, district, sector, bank_code, account_no, start_date, registration, registered_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
            [
              p.projectId,
              p.name,
              p.district,
              p.sector,
              p.wageAccount.bankCode,
              p.wageAccount.accountNo,
              p.startDate,
              JSON.stringify(data),
              now,
            ],
          );
          emit({ topic: TOPICS.ingest, type: 'project.registered', key: p.projectId, data, occurredAt: now });
        });
        return reply.code(201).send({ projectId: p.projectId });
      },
    );

    app.post(
      '/v1/projects/:projectId/workers',
      {
        schema: {
          tags: ['projects'],
          summary:
            'Register or update workers by real name (project manager): JSON, or a roster CSV (UTF-8/GBK) or XLSX file as multipart field "file"',
          description:
            'A roster file needs the columns 身份证号码, 姓名, 银行卡号 and 进场日期 (optional: 开户银行, 班组/工种, 退场日期), ' +
            'read within the payroll file bounds. Bad rows are rejected with their row and field; good rows are kept unless atomic=true. ' +
            'dryRun=true runs the same checks and answers 200 with the report, storing and emitting nothing.',
          params: z.object({ projectId: z.string() }),
          querystring: intakeQuery,
          consumes: ['application/json', 'multipart/form-data'],
          body: z
            .object({ workers: z.array(z.unknown()).min(1).max(20000) })
            // A multipart request reaches validation with a null body: the file is read in the handler.
            .nullish()
            .describe(
              'workers: [{idNumber, name, accountNo, bankCode?, subcontractor?, team?, enrolledOn, leftOn?}]; or multipart with the part file',
            ),
          response: { 200: z.union([batchResult, dryRunReport]), ...problems },
        },
      },
      async (req) => {
        const { projectId } = req.params;
        ensureProjectScope(principalOf(req), projectId);
        await findProject(db, projectId);
        const atomic = req.query.atomic === 'true';
        const issues: FieldIssue[] = [];
        let inputs: { row: number; input: unknown }[];
        let format = 'json';
        let encoding: string | undefined;
        if (req.isMultipart()) {
          const { parsed } = await readUploadedSheet(req, payrollFiles, 'roster');
          format = parsed.format;
          encoding = parsed.encoding;
          issues.push(...parsed.issues);
          const flagged = new Set(parsed.issues.map((i) => i.row));
          inputs = parsed.rows
            .filter((r) => !flagged.has(r.rowNumber))
            .map((r) => {
              const optional = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
              const leftOn = normalizeDateText(r.leftOn);
              const bankCode = optional(r.bankCode);
              const team = optional(r.team);
              return {
                row: r.rowNumber,
                input: {
                  idNumber: r.idNumber,
                  name: r.name,
                  accountNo: r.accountNo ?? '',
                  enrolledOn: normalizeDateText(r.enrolledOn) ?? '',
                  ...(leftOn ? { leftOn } : {}),
                  ...(bankCode ? { bankCode } : {}),
                  ...(team ? { team } : {}),
                },
              };
            });
          if (parsed.rows.length === 0 && issues.length === 0)
            throw new ValidationError('the roster has no worker rows', [
              { field: 'file', message: 'no worker rows' },
            ]);
        } else {
          if (!req.body)
            throw new ValidationError('a JSON body {workers} or a multipart file is required', [
              { field: 'workers', message: 'is required' },
            ]);
          inputs = req.body.workers.map((input, i) => ({ row: i + 1, input }));
        }
        const rowCount = inputs.length + new Set(issues.map((i) => i.row)).size;
        const seen = new Set<string>();
        const good: WorkerRecord[] = [];
        for (const { row, input } of inputs) {
          const r = validateWorker(input, row);
          if (!r.ok) issues.push(...r.issues);
          else if (seen.has(r.value.idNumber))
            issues.push({ row, field: 'idNumber', message: 'appears twice in this request' });
          else {
            seen.add(r.value.idNumber);
            good.push(r.value);
          }
        }
        if (req.query.dryRun === 'true') {
          return {
            dryRun: true as const,
            rows: rowCount,
            accepted: good.length,
            ...listed(issues),
            warnings: [],
            totals: { amountDue: null, workers: good.length },
            ...(await outcomeOf(async () => {
              settle(issues, good.length, atomic);
              return 'accepted';
            })),
            format,
            ...(encoding ? { encoding } : {}),
          };
        }
        settle(issues, good.length, atomic);
        const now = clock.now();
        await outbox.unitOfWork(db, async (tx, emit) => {
          await tx.query(
            `INSERT INTO ingest.workers (project_id, id_number, name, account_no, record, updated_at)
             SELECT $1::text, u.*, $6::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) AS u
             ON CONFLICT (project_id, id_number) DO UPDATE SET name = EXCLUDED.name, account_no = EXCLUDED.account_no,
               record = EXCLUDED.record, updated_at = EXCLUDED.updated_at`,
            [
              projectId,
              good.map((w) => w.idNumber),
              good.map((w) => w.name),
              good.map((w) => w.accountNo),
              good.map((w) => JSON.stringify(w)),
              now,
            ],
          );
          for (let i = 0; i < good.length; i += PAYROLL_PART_SIZE) {
            emit({
              topic: TOPICS.ingest,
              type: 'workers.registered',
              key: projectId,
              data: { projectId, workers: good.slice(i, i + PAYROLL_PART_SIZE) },
              occurredAt: now,
            });
          }
        });
        return { accepted: good.length, duplicates: 0, rejected: issues };
      },
    );

    app.post(
      '/v1/projects/:projectId/payrolls',
      {
        schema: {
          tags: ['projects'],
          summary:
            'Submit a payroll sheet: JSON, or a CSV (UTF-8/GBK) or XLSX file as multipart field "file"',
          description:
            'Before its due date a resubmitted sheet for the same period replaces the earlier one (every version kept). ' +
            'After the due date, a version that lowers what a worker is owed or leaves a worker out is a correction request (202): ' +
            'it needs a reason, the version in effect and the findings stand, and an inspector of the district approves or rejects it. ' +
            'A version that only raises amounts or adds workers takes effect at once (201). ' +
            'Bad lines are rejected with their row and field; good lines are kept unless atomic=true. ' +
            'dryRun=true runs the same checks (and says what the submission would become) and answers 200 with the report, ' +
            'listing under warnings the lines whose worker is not registered on the project: a real submission accepts them, ' +
            'but no transfer from the wage account can pay them until the worker is registered (wages-missed after the due date).',
          params: z.object({ projectId: z.string() }),
          querystring: intakeQuery,
          consumes: ['application/json', 'multipart/form-data'],
          body: z
            .object({
              period: z.string(),
              lines: z.array(z.unknown()).max(20000),
              reason: z.string().max(2000).optional(),
            })
            // A multipart request reaches validation with a null body: the file is read in the handler.
            .nullish()
            .describe(
              'JSON form: {period: "YYYY-MM", lines: [{idNumber, name, daysWorked, amountDue, signed}], reason?}; signed is read as a sheet\'s 本人签字 cell: true, the worker\'s own name, 已签 or ✔ when signed; false, empty, 未签 or × when not. ' +
                'reason (also a multipart field) is required when the version is a correction request. Multipart: the fields period? and reason? before the part file',
            ),
          response: {
            200: dryRunReport,
            201: batchResult
              .extend({
                status: z.literal('accepted'),
                sheetId: z.string(),
                period: z.string(),
                version: z.number(),
                dueDate: z.string(),
                totalDue: totalYuanString,
                supersededCorrections: z.array(z.string()),
              })
              .describe('the version is in effect now'),
            202: batchResult
              .extend({
                status: z.literal('correction-requested'),
                correctionId: z.string(),
                sheetId: z.string(),
                period: z.string(),
                version: z.number(),
                effectiveVersion: z.number(),
                dueDate: z.string(),
                totalDue: totalYuanString,
                changes: z.object({
                  lowered: z.array(lineChange),
                  dropped: z.array(lineChange),
                  raised: z.array(lineChange),
                  added: z.array(lineChange),
                }),
                supersededCorrections: z.array(z.string()),
                detail: z.string(),
              })
              .describe(
                'stored as a correction request: the version in effect and the findings stand until an inspector of the district approves it',
              ),
            ...problems,
          },
        },
      },
      async (req, reply) => {
        const { projectId } = req.params;
        const principal = principalOf(req);
        ensureProjectScope(principal, projectId);
        const project = await findProject(db, projectId);
        const atomic = req.query.atomic === 'true';
        let period: string | undefined;
        let rawLines: { row: number; input: unknown }[] = [];
        let source = 'json';
        let filename: string | undefined;
        let reason: string | undefined;
        const issues: FieldIssue[] = [];
        let encoding: string | undefined;
        if (req.isMultipart()) {
          const upload = await readUploadedSheet(req, payrollFiles, 'payroll');
          const { parsed } = upload;
          const fieldValue = upload.field;
          filename = upload.filename;
          encoding = parsed.encoding;
          source = parsed.format;
          const asked = fieldValue('period');
          if (asked && parsed.period && asked !== parsed.period) {
            throw new ValidationError(
              `the form says period ${asked} but the sheet's title says ${parsed.period}`,
              [{ field: 'period', message: `form ${asked} ≠ title ${parsed.period}` }],
            );
          }
          period = asked ?? parsed.period;
          reason = fieldValue('reason');
          issues.push(...parsed.issues);
          const flagged = new Set(parsed.issues.map((i) => i.row));
          rawLines = parsed.rows
            .filter((r) => !flagged.has(r.rowNumber))
            .map((r) => ({
              row: r.rowNumber,
              input: {
                idNumber: r.idNumber,
                name: r.name,
                daysWorked: r.daysWorked,
                amountDue: r.amountDue,
                ...(r.grossAmount ? { grossAmount: r.grossAmount } : {}),
                signed: r.signed,
              },
            }));
        } else {
          if (!req.body)
            throw new ValidationError('a JSON body {period, lines} or a multipart file is required');
          period = req.body.period;
          reason = req.body.reason;
          rawLines = req.body.lines.map((input, i) => ({ row: i + 1, input }));
        }
        if (!period || !isPeriod(period)) {
          throw new ValidationError(`period "${period ?? ''}" must be a month YYYY-MM`, [
            { field: 'period', message: 'must be YYYY-MM' },
          ]);
        }
        const today = shanghaiDate(clock.now());
        if (firstDayOf(period) > today) {
          throw new ValidationError(`period ${period} has not started yet (today is ${today})`, [
            { field: 'period', message: 'is in the future' },
          ]);
        }
        if (period < periodOf(project.start_date)) {
          throw new ValidationError(
            `period ${period} is before the project started (${project.start_date})`,
            [{ field: 'period', message: 'is before the project start' }],
          );
        }
        const rowCount = rawLines.length + new Set(issues.map((i) => i.row)).size;
        const seen = new Set<string>();
        const good: PayrollLineRecord[] = [];
        for (const { row, input } of rawLines) {
          const r = validatePayrollLine(input, row);
          if (!r.ok) issues.push(...r.issues);
          else if (seen.has(r.value.idNumber))
            issues.push({ row, field: 'idNumber', message: 'the worker appears twice on this sheet' });
          else {
            seen.add(r.value.idNumber);
            good.push(r.value);
          }
        }
        const checkReason = () => {
          settle(issues, good.length, atomic);
          reason = reason?.trim() || undefined;
          if (reason && reason.length > 2000)
            throw new ValidationError('reason is longer than 2000 characters', [
              { field: 'reason', message: 'at most 2000 characters' },
            ]);
        };
        const now = clock.now();
        if (req.query.dryRun === 'true') {
          const unregistered = await unregisteredOf(db, projectId, good);
          const report: DryRunReport = {
            dryRun: true,
            rows: rowCount,
            accepted: good.length,
            ...listed(issues),
            warnings: unregistered.map((l) => ({
              row: l.sourceRow,
              field: 'idNumber',
              message:
                `worker ${maskIdNumber(l.idNumber)} is not registered on project ${projectId}: the line is accepted, ` +
                'but no transfer from the wage account can pay it until the worker is registered (POST /v1/projects/:projectId/workers)',
            })),
            totals: {
              amountDue: formatFen(good.reduce((s, l) => s + parseYuan(l.amountDue), 0n)),
              workers: good.length,
            },
            ...(await outcomeOf(async () => {
              checkReason();
              const plan = await planVersion(
                db,
                {
                  projectId,
                  period: period!,
                  terms: payTerms(project),
                  lines: good,
                  rowIssues: issues,
                  reason,
                  now,
                },
                calendar,
              );
              return plan.atOnce ? 'accepted' : 'correction-requested';
            })),
            period,
            format: source,
            ...(encoding ? { encoding } : {}),
          };
          return reply.code(200).send(report);
        }
        checkReason();
        const recorded = await outbox.unitOfWork(db, (tx, emit) =>
          recordVersion(
            tx,
            emit,
            {
              projectId,
              period: period!,
              terms: payTerms(project),
              source,
              filename,
              lines: good,
              rowIssues: issues,
              reason,
              principal,
              now,
            },
            calendar,
          ),
        );
        const totalDue = formatFen(good.reduce((s, l) => s + parseYuan(l.amountDue), 0n));
        const common = {
          sheetId: recorded.sheetId,
          period,
          version: recorded.version,
          dueDate: recorded.dueDate,
          totalDue,
          accepted: good.length,
          duplicates: 0,
          rejected: issues.slice(0, MAX_LISTED_ISSUES),
          ...(issues.length > MAX_LISTED_ISSUES ? { totalRejected: issues.length } : {}),
          supersededCorrections: recorded.supersededCorrections,
        };
        if (recorded.correction) {
          return reply.code(202).send({
            ...common,
            status: 'correction-requested' as const,
            correctionId: recorded.correction.correctionId,
            effectiveVersion: recorded.correction.baseVersion,
            changes: recorded.correction.changes,
            detail:
              `the ${period} wages were due ${recorded.dueDate}; this version lowers what workers are owed or leaves workers out, ` +
              `so version ${recorded.correction.baseVersion} stays in effect, with the findings and amounts owed, until an inspector of the district approves the correction`,
          });
        }
        return reply.code(201).send({ ...common, status: 'accepted' as const });
      },
    );

    app.post(
      '/v1/bank/transfers',
      {
        schema: {
          tags: ['bank'],
          summary: "Report movements of dedicated wage accounts held at the caller's bank",
          description:
            'bankRef is unique per bank: a record seen before is acknowledged as a duplicate and changes nothing, ' +
            'unless a consumer could not apply it: then it is listed under deadLettered with the reason (docs/adr/0011).',
          querystring: atomicQuery,
          body: z
            .object({ records: z.array(z.unknown()).min(1).max(20000) })
            .describe(
              'records: [{bankRef, accountNo, direction (debit|credit), amount, counterpartyAccountNo, counterpartyName, counterpartyIdNumber?, bookedAt, status (booked|failed|returned), originalBankRef?, purpose?}]',
            ),
          response: { 200: batchResult, ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'bank');
        const bankCode = principal.role === 'bank' ? principal.bankCode : '';
        return acceptTransfers(
          { db, outbox, clock },
          bankCode,
          req.body.records,
          req.query.atomic === 'true',
        );
      },
    );

    app.post(
      '/v1/bank/deposits',
      {
        schema: {
          tags: ['bank'],
          summary:
            "Report events on the wage-guarantee deposits of projects whose wage account the caller's bank holds",
          description:
            'kind: lodged (cash), guarantee-issued, guarantee-cancelled, drawn (payment notice), topped-up, refunded. ' +
            'bankRef is unique per bank: a record seen before is acknowledged as a duplicate and changes nothing. ' +
            'A row naming a project held at another bank refuses the whole request (403); the good rows are kept unless atomic=true.',
          querystring: atomicQuery,
          body: z
            .object({ records: z.array(z.unknown()).min(1).max(20000) })
            .describe(
              'records: [{bankRef, projectId, kind (lodged|guarantee-issued|guarantee-cancelled|drawn|topped-up|refunded), occurredAt, amount? (required > 0 except for guarantee-cancelled), guaranteeNo? (guarantees), validFrom?, validTo? (guarantee-issued), issuer?, noticeRef? (drawn)}]',
            ),
          response: { 200: batchResult, ...problems },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'bank');
        const bankCode = principal.role === 'bank' ? principal.bankCode : '';
        return acceptDeposits({ db, outbox, clock }, bankCode, req.body.records, req.query.atomic === 'true');
      },
    );

    app.post(
      '/v1/bank/statements',
      {
        schema: {
          tags: ['bank'],
          summary: 'Report the end-of-day statement of one dedicated wage account',
          body: statementInputSchema,
          response: {
            200: z.object({
              status: z.enum(['accepted', 'duplicate', 'replaced', 'dead-lettered']),
              consumers: consumerReasons.optional(),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'bank');
        const bankCode = principal.role === 'bank' ? principal.bankCode : '';
        return acceptStatement({ db, outbox, clock }, bankCode, req.body);
      },
    );

    app.post(
      '/v1/bank/statements/batch',
      {
        schema: {
          tags: ['bank'],
          summary: "Report the end-of-day statements of many of the caller's dedicated wage accounts at once",
          description:
            'Each row is checked as POST /v1/bank/statements checks one statement; the good rows are stored in one transaction ' +
            'unless atomic=true and a row is bad. A statement received before is a duplicate; a changed one is a new version ' +
            '(counted in accepted and in replaced). One statement per account and day in a request. A row for an account held ' +
            'at another bank refuses the whole request (403).',
          querystring: atomicQuery,
          body: z
            .object({ statements: z.array(z.unknown()).min(1).max(20000) })
            .describe(
              'statements: [{accountNo, date, openingBalance, closingBalance, debitCount, debitTotal, creditCount, creditTotal}], as POST /v1/bank/statements',
            ),
          response: {
            200: z.object({
              accepted: z.number(),
              replaced: z.number(),
              duplicates: z.number(),
              rejected: z.array(rowIssue),
              deadLettered: z
                .array(
                  z.object({
                    row: z.number(),
                    accountNo: z.string(),
                    date: z.string(),
                    consumers: consumerReasons,
                  }),
                )
                .optional(),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const principal = principalOf(req);
        requireRole(principal, 'bank');
        const bankCode = principal.role === 'bank' ? principal.bankCode : '';
        return acceptStatements(
          { db, outbox, clock },
          bankCode,
          req.body.statements,
          req.query.atomic === 'true',
        );
      },
    );
  };
}
