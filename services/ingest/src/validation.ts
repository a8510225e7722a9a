import type {
  DepositEventRecord,
  PayrollLineRecord,
  TransferRecord,
  WorkerRecord,
} from '@wagewatch/contracts';
import {
  boundedText,
  DEPOSIT_EVENT_KINDS,
  dateWindowProblem,
  depositEventRecord,
  labourOfficerSchema,
  MAX_AMOUNT_FEN,
  MAX_AMOUNT_YUAN,
  ownerSchema,
  partySchema,
  payrollLineRecord,
  recordDate,
  shanghaiDateOfInstant,
  TEXT_LIMITS,
  TRANSFER_DIRECTIONS,
  TRANSFER_STATUSES,
  textProblem,
  transferRecord,
  workerRecord,
  yuanString,
} from '@wagewatch/contracts';
import {
  formatFen,
  isLocalDate,
  parseInstant,
  tryParseYuan,
  validateAccountNo,
  validateCreditCode,
  validateResidentId,
} from '@wagewatch/domain';
import type { FieldIssue } from '@wagewatch/runtime';
import { z } from 'zod';
import { parseSignature } from './signature.ts';

/**
 * Row validation shared by JSON bodies and files. Each check names the row (1-based, as the
 * caller counts it) and the field; a row with any issue is rejected, the others are kept.
 * The bounds (amounts, dates, text lengths, storable text) are the contracts' own, and every
 * accepted row is finally checked against the event's row schema in @wagewatch/contracts:
 * what the intake acknowledges, every consumer can apply (docs/adr/0011).
 */
type RowSchema = {
  safeParse(x: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
};
export type RowResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

class Row {
  readonly issues: FieldIssue[] = [];
  constructor(
    readonly row: number,
    readonly input: Record<string, unknown>,
  ) {}
  fail(field: string, message: string): undefined {
    this.issues.push({ row: this.row, field, message });
    return undefined;
  }
  text(field: string, opts: { optional?: boolean; max?: number } = {}): string | undefined {
    const v = this.input[field];
    if (v === undefined || v === null || v === '') {
      return opts.optional ? undefined : this.fail(field, 'is required');
    }
    if (typeof v !== 'string' && typeof v !== 'number') return this.fail(field, 'must be text');
    const s = String(v).trim();
    const max = opts.max ?? TEXT_LIMITS.partyName;
    if (s.length > max) return this.fail(field, `is longer than ${max} characters`);
    const bad = textProblem(s);
    if (bad) return this.fail(field, bad);
    if (s === '') return opts.optional ? undefined : this.fail(field, 'is required');
    return s;
  }
  amount(
    field: string,
    opts: { positive?: boolean; optional?: boolean; allowNegative?: boolean } = {},
  ): string | undefined {
    const v = this.input[field];
    if ((v === undefined || v === null || v === '') && opts.optional) return undefined;
    if (typeof v !== 'string') {
      return this.fail(field, 'must be a decimal string in yuan, e.g. "5200.00"');
    }
    const r = tryParseYuan(v, { allowNegative: opts.allowNegative ?? false });
    if (!r.ok) return this.fail(field, `"${v}" is not an amount: ${r.reason}`);
    if (opts.positive && r.fen <= 0n) return this.fail(field, 'must be greater than zero');
    if (r.fen > MAX_AMOUNT_FEN || r.fen < -MAX_AMOUNT_FEN)
      return this.fail(field, `"${v}" is beyond the largest amount accepted, ${MAX_AMOUNT_YUAN} yuan`);
    return formatFen(r.fen);
  }
  date(field: string, optional = false): string | undefined {
    const s = this.text(field, { optional });
    if (s === undefined) return undefined;
    if (!isLocalDate(s)) return this.fail(field, `"${s}" is not a date YYYY-MM-DD`);
    const outside = dateWindowProblem(s);
    return outside ? this.fail(field, outside) : s;
  }
  /** An ISO 8601 instant with an offset, whose Shanghai date is inside the contracts' window. */
  instant(field: string): string | undefined {
    const raw = this.text(field);
    if (raw === undefined) return undefined;
    const at = parseInstant(raw);
    if (!at) {
      return this.fail(
        field,
        `"${raw}" must be an ISO 8601 instant with an offset, e.g. 2026-11-13T10:00:00+08:00`,
      );
    }
    const iso = at.toISOString();
    const outside = dateWindowProblem(shanghaiDateOfInstant(iso));
    return outside ? this.fail(field, outside) : iso;
  }
  idNumber(field: string, optional = false): string | undefined {
    const s = this.text(field, { optional });
    if (s === undefined) return undefined;
    const r = validateResidentId(s);
    return r.ok ? r.value : this.fail(field, `"${s}" is not a valid resident ID number: ${r.reason}`);
  }
  account(field: string): string | undefined {
    const s = this.text(field);
    if (s === undefined) return undefined;
    const r = validateAccountNo(s);
    return r.ok ? r.value : this.fail(field, r.reason);
  }
  oneOf<T extends string>(field: string, values: readonly T[]): T | undefined {
    const s = this.text(field);
    if (s === undefined) return undefined;
    return (values as readonly string[]).includes(s)
      ? (s as T)
      : this.fail(field, `must be one of ${values.join(', ')}`);
  }
  /** The row, once it passed every check and its contract schema (whose issues name the field). */
  result<T>(value: T, contract: RowSchema): RowResult<T> {
    if (this.issues.length === 0) {
      const checked = contract.safeParse(value);
      for (const issue of checked.success ? [] : (checked.error?.issues ?? []))
        this.fail(issue.path.join('.') || 'row', issue.message);
    }
    return this.issues.length ? { ok: false, issues: this.issues } : { ok: true, value };
  }
}

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function validateTransfer(input: unknown, row: number): RowResult<TransferRecord> {
  const r = new Row(row, asObject(input));
  const bankRef = r.text('bankRef', { max: TEXT_LIMITS.reference });
  const accountNo = r.account('accountNo');
  const direction = r.oneOf('direction', TRANSFER_DIRECTIONS);
  const amount = r.amount('amount', { positive: true });
  const counterpartyAccountNo = r.text('counterpartyAccountNo', { max: TEXT_LIMITS.counterpartyAccount });
  const counterpartyName = r.text('counterpartyName', { max: TEXT_LIMITS.partyName });
  const counterpartyIdNumber = r.idNumber('counterpartyIdNumber', true);
  const bookedAt = r.instant('bookedAt');
  const status = r.oneOf('status', TRANSFER_STATUSES);
  const originalBankRef = r.text('originalBankRef', { optional: true, max: TEXT_LIMITS.reference });
  const purpose = r.text('purpose', { optional: true, max: TEXT_LIMITS.purpose });
  if (status === 'returned' && !originalBankRef)
    r.fail('originalBankRef', 'is required when status is returned');
  return r.result(
    {
      bankRef: bankRef!,
      accountNo: accountNo!,
      direction: direction!,
      amount: amount!,
      counterpartyAccountNo: counterpartyAccountNo!,
      counterpartyName: counterpartyName!,
      ...(counterpartyIdNumber ? { counterpartyIdNumber } : {}),
      bookedAt: bookedAt ?? '',
      status: status!,
      ...(originalBankRef ? { originalBankRef } : {}),
      ...(purpose ? { purpose } : {}),
    },
    transferRecord,
  );
}

/** Deposit event kinds that move money (or, for guarantee-issued, state an amount). */
const DEPOSIT_KINDS_WITH_AMOUNT: readonly string[] = [
  'lodged',
  'guarantee-issued',
  'drawn',
  'topped-up',
  'refunded',
];

/**
 * One event on a project's wage-guarantee deposit: amount > 0 for the kinds that carry one,
 * guaranteeNo for guarantees, validFrom ≤ validTo for an issued guarantee, the bureau's
 * payment-notice reference for a draw, occurredAt an instant with an offset.
 */
export function validateDepositEvent(input: unknown, row: number): RowResult<DepositEventRecord> {
  const r = new Row(row, asObject(input));
  const bankRef = r.text('bankRef', { max: TEXT_LIMITS.reference });
  const projectId = r.text('projectId', { max: TEXT_LIMITS.projectId });
  const kind = r.oneOf('kind', DEPOSIT_EVENT_KINDS);
  const occurredAt = r.instant('occurredAt');
  const needsAmount = kind !== undefined && DEPOSIT_KINDS_WITH_AMOUNT.includes(kind);
  const amount = r.amount('amount', { positive: true, optional: !needsAmount });
  const isGuarantee = kind === 'guarantee-issued' || kind === 'guarantee-cancelled';
  const guaranteeNo = r.text('guaranteeNo', { optional: !isGuarantee, max: TEXT_LIMITS.reference });
  const issued = kind === 'guarantee-issued';
  const validFrom = r.date('validFrom', !issued);
  const validTo = r.date('validTo', !issued);
  if (validFrom && validTo && validTo < validFrom)
    r.fail('validTo', `${validTo} is before validFrom ${validFrom}`);
  const issuer = r.text('issuer', { optional: true, max: TEXT_LIMITS.issuer });
  const noticeRef = r.text('noticeRef', { optional: kind !== 'drawn', max: TEXT_LIMITS.reference });
  return r.result(
    {
      bankRef: bankRef!,
      projectId: projectId!,
      kind: kind!,
      occurredAt: occurredAt ?? '',
      ...(amount ? { amount } : {}),
      ...(guaranteeNo ? { guaranteeNo } : {}),
      ...(validFrom ? { validFrom } : {}),
      ...(validTo ? { validTo } : {}),
      ...(issuer ? { issuer } : {}),
      ...(noticeRef ? { noticeRef } : {}),
    },
    depositEventRecord,
  );
}

export function validateWorker(input: unknown, row: number): RowResult<WorkerRecord> {
  const r = new Row(row, asObject(input));
  const idNumber = r.idNumber('idNumber');
  const name = r.text('name', { max: TEXT_LIMITS.personName });
  const accountNo = r.account('accountNo');
  const bankCode = r.text('bankCode', { optional: true, max: TEXT_LIMITS.code });
  const team = r.text('team', { optional: true, max: TEXT_LIMITS.team });
  const enrolledOn = r.date('enrolledOn');
  const leftOn = r.date('leftOn', true);
  if (enrolledOn && leftOn && leftOn < enrolledOn) r.fail('leftOn', 'is before enrolledOn');
  let subcontractor: WorkerRecord['subcontractor'];
  if (r.input.subcontractor !== undefined) {
    const sub = partySchema.safeParse(r.input.subcontractor);
    if (!sub.success) r.fail('subcontractor', 'must be {name, creditCode}');
    else {
      const cc = validateCreditCode(sub.data.creditCode);
      if (!cc.ok) r.fail('subcontractor.creditCode', cc.reason);
      else subcontractor = { name: sub.data.name, creditCode: cc.value };
    }
  }
  return r.result(
    {
      idNumber: idNumber!,
      name: name!,
      accountNo: accountNo!,
      ...(bankCode ? { bankCode } : {}),
      ...(subcontractor ? { subcontractor } : {}),
      ...(team ? { team } : {}),
      enrolledOn: enrolledOn!,
      ...(leftOn ? { leftOn } : {}),
    },
    workerRecord,
  );
}

export function validatePayrollLine(input: unknown, row: number): RowResult<PayrollLineRecord> {
  const r = new Row(row, asObject(input));
  const idNumber = r.idNumber('idNumber');
  const name = r.text('name', { max: TEXT_LIMITS.personName });
  const amountDue = r.amount('amountDue');
  const grossAmount = r.amount('grossAmount', { optional: true });
  let daysWorked: number | null = null;
  const d = r.input.daysWorked;
  if (d !== undefined && d !== null && d !== '') {
    const n = typeof d === 'number' ? d : Number(String(d).trim());
    if (!Number.isFinite(n) || n < 0 || n > 31)
      r.fail('daysWorked', `"${String(d)}" must be a number of days from 0 to 31`);
    else daysWorked = n;
  }
  const signature = parseSignature(r.input.signed, name);
  if (!signature.ok) r.fail('signed', signature.reason);
  if (amountDue && grossAmount && Number(grossAmount) < Number(amountDue)) {
    r.fail('grossAmount', `gross pay ${grossAmount} is below net pay ${amountDue}`);
  }
  return r.result(
    {
      idNumber: idNumber!,
      name: name!,
      daysWorked,
      amountDue: amountDue!,
      ...(grossAmount ? { grossAmount } : {}),
      signed: signature.ok && signature.signed,
      sourceRow: row,
    },
    payrollLineRecord,
  );
}

export const projectInputSchema = z.object({
  projectId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/, 'letters, digits, dot, dash or underscore, 2-64 characters'),
  name: boundedText(TEXT_LIMITS.projectName),
  district: boundedText(TEXT_LIMITS.district),
  sector: z.enum(['housing', 'transport', 'water', 'other']),
  owner: ownerSchema,
  contractor: partySchema,
  contractValue: z.string(),
  permitDate: recordDate,
  startDate: recordDate,
  plannedEndDate: recordDate,
  wageAccount: z.object({
    bankCode: boundedText(TEXT_LIMITS.code),
    accountNo: boundedText(TEXT_LIMITS.accountNo),
  }),
  payDay: z.number().int().min(1).max(31),
  payMonthOffset: z.number().int().min(0).max(2).default(1),
  /** Labour-cost allocation cycle in days, at most one month (default: one calendar month). */
  allocationCycleDays: z.number().int().min(1).max(31).optional(),
  /** Shown on the public notice board (工资发放公示): the site's labour officer. */
  labourOfficer: labourOfficerSchema.optional(),
  /** Complaint channels for the board (default: 12333 and the district bureau). */
  complaintChannels: z.array(boundedText(200)).min(1).max(10).optional(),
  /** Local minimum wage, yuan per month (default: the district's configured figure). */
  minimumWage: yuanString.optional(),
});
export type ProjectInput = z.infer<typeof projectInputSchema>;

/** Checks a project's fields beyond their shape: codes, dates, amounts, account. */
export function checkProject(p: ProjectInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const party of ['owner', 'contractor'] as const) {
    const cc = validateCreditCode(p[party].creditCode);
    if (!cc.ok) issues.push({ field: `${party}.creditCode`, message: cc.reason });
  }
  const v = tryParseYuan(p.contractValue);
  if (!v.ok)
    issues.push({ field: 'contractValue', message: `"${p.contractValue}" is not an amount: ${v.reason}` });
  else if (v.fen > MAX_AMOUNT_FEN)
    issues.push({
      field: 'contractValue',
      message: `"${p.contractValue}" is beyond the largest amount accepted, ${MAX_AMOUNT_YUAN} yuan`,
    });
  for (const f of ['permitDate', 'startDate', 'plannedEndDate'] as const) {
    if (!isLocalDate(p[f])) issues.push({ field: f, message: `"${p[f]}" is not a date` });
  }
  if (p.plannedEndDate < p.startDate)
    issues.push({ field: 'plannedEndDate', message: 'is before startDate' });
  const acc = validateAccountNo(p.wageAccount.accountNo);
  if (!acc.ok) issues.push({ field: 'wageAccount.accountNo', message: acc.reason });
  return issues;
}
