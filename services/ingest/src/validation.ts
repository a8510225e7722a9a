import type {
  DepositEventRecord,
  PayrollLineRecord,
  TransferRecord,
  WorkerRecord,
} from '@wagewatch/contracts';
import {
  DEPOSIT_EVENT_KINDS,
  labourOfficerSchema,
  localDateString,
  ownerSchema,
  partySchema,
  TRANSFER_DIRECTIONS,
  TRANSFER_STATUSES,
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
 */
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
    if (s.length > (opts.max ?? 200)) return this.fail(field, `is longer than ${opts.max ?? 200} characters`);
    return s;
  }
  amount(field: string, opts: { positive?: boolean; optional?: boolean } = {}): string | undefined {
    const v = this.input[field];
    if ((v === undefined || v === null || v === '') && opts.optional) return undefined;
    if (typeof v !== 'string') {
      return this.fail(field, 'must be a decimal string in yuan, e.g. "5200.00"');
    }
    const r = tryParseYuan(v);
    if (!r.ok) return this.fail(field, `"${v}" is not an amount: ${r.reason}`);
    if (opts.positive && r.fen <= 0n) return this.fail(field, 'must be greater than zero');
    return formatFen(r.fen);
  }
  date(field: string, optional = false): string | undefined {
    const s = this.text(field, { optional });
    if (s === undefined) return undefined;
    return isLocalDate(s) ? s : this.fail(field, `"${s}" is not a date YYYY-MM-DD`);
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
  result<T>(value: T): RowResult<T> {
    return this.issues.length ? { ok: false, issues: this.issues } : { ok: true, value };
  }
}

const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function validateTransfer(input: unknown, row: number): RowResult<TransferRecord> {
  const r = new Row(row, asObject(input));
  const bankRef = r.text('bankRef', { max: 64 });
  const accountNo = r.account('accountNo');
  const direction = r.oneOf('direction', TRANSFER_DIRECTIONS);
  const amount = r.amount('amount', { positive: true });
  const counterpartyAccountNo = r.text('counterpartyAccountNo', { max: 64 });
  const counterpartyName = r.text('counterpartyName');
  const counterpartyIdNumber = r.idNumber('counterpartyIdNumber', true);
  const bookedRaw = r.text('bookedAt');
  const bookedAt = bookedRaw === undefined ? undefined : parseInstant(bookedRaw);
  if (bookedRaw !== undefined && !bookedAt) {
    r.fail(
      'bookedAt',
      `"${bookedRaw}" must be an ISO 8601 instant with an offset, e.g. 2026-11-13T10:00:00+08:00`,
    );
  }
  const status = r.oneOf('status', TRANSFER_STATUSES);
  const originalBankRef = r.text('originalBankRef', { optional: true, max: 64 });
  const purpose = r.text('purpose', { optional: true, max: 64 });
  if (status === 'returned' && !originalBankRef)
    r.fail('originalBankRef', 'is required when status is returned');
  return r.result({
    bankRef: bankRef!,
    accountNo: accountNo!,
    direction: direction!,
    amount: amount!,
    counterpartyAccountNo: counterpartyAccountNo!,
    counterpartyName: counterpartyName!,
    ...(counterpartyIdNumber ? { counterpartyIdNumber } : {}),
    bookedAt: bookedAt?.toISOString() ?? '',
    status: status!,
    ...(originalBankRef ? { originalBankRef } : {}),
    ...(purpose ? { purpose } : {}),
  });
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
  const bankRef = r.text('bankRef', { max: 64 });
  const projectId = r.text('projectId', { max: 64 });
  const kind = r.oneOf('kind', DEPOSIT_EVENT_KINDS);
  const occurredRaw = r.text('occurredAt');
  const occurredAt = occurredRaw === undefined ? undefined : parseInstant(occurredRaw);
  if (occurredRaw !== undefined && !occurredAt) {
    r.fail(
      'occurredAt',
      `"${occurredRaw}" must be an ISO 8601 instant with an offset, e.g. 2026-11-13T10:00:00+08:00`,
    );
  }
  const needsAmount = kind !== undefined && DEPOSIT_KINDS_WITH_AMOUNT.includes(kind);
  const amount = r.amount('amount', { positive: true, optional: !needsAmount });
  const isGuarantee = kind === 'guarantee-issued' || kind === 'guarantee-cancelled';
  const guaranteeNo = r.text('guaranteeNo', { optional: !isGuarantee, max: 64 });
  const issued = kind === 'guarantee-issued';
  const validFrom = r.date('validFrom', !issued);
  const validTo = r.date('validTo', !issued);
  if (validFrom && validTo && validTo < validFrom)
    r.fail('validTo', `${validTo} is before validFrom ${validFrom}`);
  const issuer = r.text('issuer', { optional: true, max: 100 });
  const noticeRef = r.text('noticeRef', { optional: kind !== 'drawn', max: 64 });
  return r.result({
    bankRef: bankRef!,
    projectId: projectId!,
    kind: kind!,
    occurredAt: occurredAt?.toISOString() ?? '',
    ...(amount ? { amount } : {}),
    ...(guaranteeNo ? { guaranteeNo } : {}),
    ...(validFrom ? { validFrom } : {}),
    ...(validTo ? { validTo } : {}),
    ...(issuer ? { issuer } : {}),
    ...(noticeRef ? { noticeRef } : {}),
  });
}

export function validateWorker(input: unknown, row: number): RowResult<WorkerRecord> {
  const r = new Row(row, asObject(input));
  const idNumber = r.idNumber('idNumber');
  const name = r.text('name', { max: 50 });
  const accountNo = r.account('accountNo');
  const bankCode = r.text('bankCode', { optional: true, max: 20 });
  const team = r.text('team', { optional: true, max: 50 });
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
  return r.result({
    idNumber: idNumber!,
    name: name!,
    accountNo: accountNo!,
    ...(bankCode ? { bankCode } : {}),
    ...(subcontractor ? { subcontractor } : {}),
    ...(team ? { team } : {}),
    enrolledOn: enrolledOn!,
    ...(leftOn ? { leftOn } : {}),
  });
}

export function validatePayrollLine(input: unknown, row: number): RowResult<PayrollLineRecord> {
  const r = new Row(row, asObject(input));
  const idNumber = r.idNumber('idNumber');
  const name = r.text('name', { max: 50 });
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
  return r.result({
    idNumber: idNumber!,
    name: name!,
    daysWorked,
    amountDue: amountDue!,
    ...(grossAmount ? { grossAmount } : {}),
    signed: signature.ok && signature.signed,
    sourceRow: row,
  });
}

export const projectInputSchema = z.object({
  projectId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/, 'letters, digits, dot, dash or underscore, 2-64 characters'),
  name: z.string().min(1).max(200),
  district: z.string().min(1).max(50),
  sector: z.enum(['housing', 'transport', 'water', 'other']),
  owner: ownerSchema,
  contractor: partySchema,
  contractValue: z.string(),
  permitDate: localDateString,
  startDate: localDateString,
  plannedEndDate: localDateString,
  wageAccount: z.object({ bankCode: z.string().min(1).max(20), accountNo: z.string().min(1).max(40) }),
  payDay: z.number().int().min(1).max(31),
  payMonthOffset: z.number().int().min(0).max(2).default(1),
  /** Labour-cost allocation cycle in days, at most one month (default: one calendar month). */
  allocationCycleDays: z.number().int().min(1).max(31).optional(),
  /** Shown on the public notice board (工资发放公示): the site's labour officer. */
  labourOfficer: labourOfficerSchema.optional(),
  /** Complaint channels for the board (default: 12333 and the district bureau). */
  complaintChannels: z.array(z.string().min(1).max(200)).min(1).max(10).optional(),
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
  for (const f of ['permitDate', 'startDate', 'plannedEndDate'] as const) {
    if (!isLocalDate(p[f])) issues.push({ field: f, message: `"${p[f]}" is not a date` });
  }
  if (p.plannedEndDate < p.startDate)
    issues.push({ field: 'plannedEndDate', message: 'is before startDate' });
  const acc = validateAccountNo(p.wageAccount.accountNo);
  if (!acc.ok) issues.push({ field: 'wageAccount.accountNo', message: acc.reason });
  return issues;
}
