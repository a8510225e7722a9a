import { createHash } from 'node:crypto';
import {
  addDays,
  addMonths,
  addYears,
  contractorRecord,
  type DepositEvent,
  dateInMonth,
  defaultCalendar,
  dueDateFor,
  evaluateDeposit,
  evaluateProject,
  firstDayOf,
  formatFen,
  lastDayOf,
  minFen,
  NATIONAL_DEFAULT,
  type PastFinding,
  parseYuan,
  periodOf,
  requiredDeposit,
  validateAccountNo,
  validateCreditCode,
  validateResidentId,
} from '@wagewatch/domain';
import { describe, expect, it } from 'vitest';
import {
  DEPOSIT_RULES,
  type DemoCity,
  type DepositRuleCode,
  type ExpectedCase,
  FORWARD_RULES,
  type ForwardRule,
  generateBenchMonth,
  generateDemoCity,
  type TransferBody,
  WAGE_RULES,
  type WageRule,
} from './index.ts';

const DISTRICTS = ['东区', '西区', '仁和区', '米易县', '盐边县'];
const city = generateDemoCity();

const allRecords = (c: DemoCity): TransferBody[] => c.transfers.flatMap((t) => t.body.records);
const allWorkers = (c: DemoCity) =>
  c.workers.flatMap((w) => w.body.workers.map((x) => ({ projectId: w.projectId, ...x })));
const dateOf = (r: TransferBody): string => r.bookedAt.slice(0, 10);

function activeIn(w: { enrolledOn: string; leftOn?: string }, period: string): boolean {
  return w.enrolledOn <= lastDayOf(period) && (w.leftOn === undefined || w.leftOn >= firstDayOf(period));
}

/**
 * An independent model of the wage rules, as the brief states them: a payment counts for a worker
 * when it is a booked debit from the project's wage account to the worker's registered card (or
 * carrying the worker's ID), not returned; it goes to the worker's oldest unpaid month first.
 */
type Owed = {
  projectId: string;
  idNumber: string;
  period: string;
  fen: bigint;
  due: string;
  rest: bigint;
  paidOn: string;
};

/** Each payment to the worker's oldest unpaid month first: what is left of each sheet line. */
function allocate(
  obligations: Map<string, Array<{ period: string; fen: bigint; due: string }>>,
  payments: Map<string, Array<{ date: string; fen: bigint }>>,
): Owed[] {
  const all: Owed[] = [];
  for (const [key, list] of obligations) {
    list.sort((a, b) => a.period.localeCompare(b.period));
    const paid = (payments.get(key) ?? []).sort((a, b) => a.date.localeCompare(b.date));
    const [projectId = '', idNumber = ''] = key.split('|');
    const left = list.map((o) => ({ ...o, projectId, idNumber, rest: o.fen, paidOn: '' }));
    for (const p of paid) {
      let amount = p.fen;
      for (const o of left) {
        if (amount === 0n) break;
        if (o.rest === 0n) continue;
        const take = minFen(amount, o.rest);
        o.rest -= take;
        amount -= take;
        if (o.rest === 0n) o.paidOn = p.date;
      }
      if (amount > 0n) throw new Error(`overpaid ${key}`);
    }
    all.push(...left);
  }
  return all;
}

function wageFindings(c: DemoCity): Record<WageRule, string[]> {
  return wageModel(c).found;
}

function wageModel(c: DemoCity): { found: Record<WageRule, string[]>; owed: Owed[] } {
  const out = Object.fromEntries(WAGE_RULES.map((r) => [r, [] as string[]])) as Record<WageRule, string[]>;
  const projectByAccount = new Map(c.projects.map((p) => [p.wageAccount.accountNo, p]));
  const workerByCard = new Map(allWorkers(c).map((w) => [w.accountNo, w]));
  const workerById = new Map(allWorkers(c).map((w) => [w.idNumber, w]));
  const records = allRecords(c);
  const returned = new Set(
    records.flatMap((r) => (r.status === 'returned' && r.originalBankRef ? [r.originalBankRef] : [])),
  );
  const due = new Map(c.expected.dueDates.map((d) => [`${d.projectId}|${d.period}`, d.due]));
  const payments = new Map<string, Array<{ date: string; fen: bigint }>>();
  for (const r of records) {
    if (r.direction !== 'debit' || r.status !== 'booked' || returned.has(r.bankRef)) continue;
    const project = projectByAccount.get(r.accountNo);
    if (!project) throw new Error(`debit from an unknown account ${r.accountNo}`);
    const w = workerByCard.get(r.counterpartyAccountNo) ?? workerById.get(r.counterpartyIdNumber ?? '');
    if (w && w.projectId === project.projectId) {
      const key = `${w.projectId}|${w.idNumber}`;
      const list = payments.get(key) ?? [];
      list.push({ date: dateOf(r), fen: parseYuan(r.amount) });
      payments.set(key, list);
      continue;
    }
    out['wrong-payee'].push(`${project.projectId}|${r.bankRef}`);
    if (w) out['paid-outside-account'].push(`${w.projectId}|${w.idNumber}|${r.bankRef}`);
  }
  const obligations = new Map<string, Array<{ period: string; fen: bigint; due: string }>>();
  for (const sheet of c.payrolls) {
    for (const line of sheet.body.lines) {
      if (!line.signed)
        out['payroll-unsigned'].push(`${sheet.projectId}|${sheet.body.period}|${line.idNumber}`);
      const key = `${sheet.projectId}|${line.idNumber}`;
      const list = obligations.get(key) ?? [];
      const d = due.get(`${sheet.projectId}|${sheet.body.period}`) ?? '';
      list.push({ period: sheet.body.period, fen: parseYuan(line.amountDue), due: d });
      obligations.set(key, list);
    }
  }
  for (const o of allocate(obligations, payments)) {
    if (o.due > c.lastDay) continue;
    const k = `${o.projectId}|${o.period}|${o.idNumber}`;
    if (o.rest === o.fen) out['wages-missed'].push(k);
    else if (o.rest > 0n) out['wages-short'].push(k);
    else if (o.paidOn > o.due) out['wages-late'].push(k);
  }
  const sheets = new Set(c.payrolls.map((p) => `${p.projectId}|${p.body.period}`));
  for (const d of c.expected.dueDates) {
    if (d.due > c.lastDay || sheets.has(`${d.projectId}|${d.period}`)) continue;
    const body = c.workers.find((w) => w.projectId === d.projectId)?.body.workers ?? [];
    if (body.some((w) => activeIn(w, d.period))) out['payroll-missing'].push(`${d.projectId}|${d.period}`);
  }
  for (const r of WAGE_RULES) out[r].sort();
  return { found: out, owed: allocate(obligations, payments) };
}

const sameDayNextMonth = (d: string) => dateInMonth(addMonths(periodOf(d), 1), Number(d.slice(8, 10)));

/**
 * An independent model of rules 7-9 as of `expected.asOf` (10:00 on its day):
 * - labour-cost-missing: from the start, then from each owner credit (purpose labour-cost), a
 *   credit is due by the same day next month; `project|since|open or resolved`;
 * - balance-short: 5 working days or less before a due date not yet passed, the last statement's
 *   closing balance (plus movements since) below what is still owed on the month's sheet, or,
 *   before that sheet exists, the previous month's total; `project|period`;
 * - arrears-growing: a worker with two or more months still owed after their due dates;
 *   `project|idNumber`.
 */
function forwardFindings(c: DemoCity): Record<ForwardRule, string[]> {
  const out = Object.fromEntries(FORWARD_RULES.map((r) => [r, [] as string[]])) as Record<
    ForwardRule,
    string[]
  >;
  const today = c.expected.asOf.slice(0, 10);
  const records = allRecords(c).filter((r) => r.status !== 'failed' && dateOf(r) < today);
  const { owed } = wageModel(c);
  for (const p of c.projects) {
    const id = p.projectId;
    const mine = records.filter((r) => r.accountNo === p.wageAccount.accountNo);
    let since = p.startDate;
    const credits = mine
      .filter((r) => r.direction === 'credit' && r.status === 'booked' && r.purpose === 'labour-cost')
      .map(dateOf)
      .sort();
    for (const d of [...credits, undefined]) {
      const end = sameDayNextMonth(since);
      if (d === undefined ? today > end : d > end)
        out['labour-cost-missing'].push(`${id}|${since}|${d ? 'resolved' : 'open'}`);
      if (d === undefined) break;
      since = d;
    }
    const statements = c.statements.filter(
      (s) => s.body.accountNo === p.wageAccount.accountNo && s.body.date < today,
    );
    const latest = statements.at(-1)?.body;
    if (!latest) continue;
    let balance = parseYuan(latest.closingBalance);
    for (const r of mine) {
      if (dateOf(r) > latest.date) balance += (r.direction === 'credit' ? 1n : -1n) * parseYuan(r.amount);
    }
    for (const k of [-2, -1, 0]) {
      const period = addMonths(periodOf(today), k);
      const { due } = dueDateFor({ period, payDay: p.payDay, payMonthOffset: p.payMonthOffset });
      if (due < today || today < defaultCalendar.addWorkingDays(due, -5)) continue;
      const sheet = c.payrolls.find((s) => s.projectId === id && s.body.period === period);
      const previous = c.payrolls.find((s) => s.projectId === id && s.body.period === addMonths(period, -1));
      const need = sheet
        ? owed.filter((o) => o.projectId === id && o.period === period).reduce((a, o) => a + o.rest, 0n)
        : (previous?.body.lines ?? []).reduce((a, l) => a + parseYuan(l.amountDue), 0n);
      if (need > 0n && balance < need) out['balance-short'].push(`${id}|${period}`);
    }
  }
  const months = new Map<string, number>();
  for (const o of owed) {
    if (o.rest === 0n || o.due >= today) continue;
    const k = `${o.projectId}|${o.idNumber}`;
    months.set(k, (months.get(k) ?? 0) + 1);
  }
  for (const [k, n] of months) if (n >= 2) out['arrears-growing'].push(k);
  for (const r of FORWARD_RULES) out[r].sort();
  return out;
}

function expectedForward(c: DemoCity): Record<ForwardRule, string[]> {
  const key = (rule: ForwardRule, e: ExpectedCase) =>
    rule === 'labour-cost-missing'
      ? `${e.projectId}|${e.date}|${e.status}`
      : rule === 'balance-short'
        ? `${e.projectId}|${e.period}`
        : `${e.projectId}|${e.idNumber}`;
  return Object.fromEntries(
    FORWARD_RULES.map((r) => [r, c.expected.byRule[r].map((e) => key(r, e)).sort()]),
  ) as Record<ForwardRule, string[]>;
}

const ARREARS_RULES = new Set(['wages-missed', 'wages-short', 'wages-late']);

/**
 * Rules 10-13 as the domain evaluates them as of `expected.asOf`, with the required amount from
 * the national policy and the contractor's record built from the expected wage findings (each
 * raised at the end of its due date, a late payment on its payment day); `rule|project|status`.
 */
function depositFindings(c: DemoCity): string[] {
  const asOf = new Date(c.expected.asOf);
  const today = c.expected.asOf.slice(0, 10);
  const byProject = new Map(c.projects.map((p) => [p.projectId, p]));
  const history: PastFinding[] = [];
  for (const rule of ARREARS_RULES) {
    for (const e of c.expected.byRule[rule as WageRule]) {
      const day = rule === 'wages-late' ? (e.paidOn ?? '') : (e.dueDate ?? '');
      history.push({ rule, projectId: e.projectId, raisedAt: new Date(`${day}T23:59:59+08:00`) });
    }
  }
  const events = c.deposits.flatMap((d) => d.body.records);
  const out: string[] = [];
  c.projects.forEach((p, i) => {
    const code = p.contractor.creditCode;
    const findings = history.filter((f) => byProject.get(f.projectId)?.contractor.creditCode === code);
    const sameArea = c.projects
      .slice(0, i)
      .filter(
        (o) => o.contractor.creditCode === code && o.district === p.district && o.plannedEndDate >= today,
      ).length;
    const input = {
      contractValueFen: parseYuan(p.contractValue),
      permitDate: p.permitDate,
      sameAreaOtherOpenProjects: sameArea,
      policy: NATIONAL_DEFAULT,
    };
    const record = contractorRecord({ findings, firstSeen: p.permitDate }, today, { signedOn: p.permitDate });
    const required = requiredDeposit({ ...input, contractorRecord: record });
    const atPermit = requiredDeposit({
      ...input,
      contractorRecord: contractorRecord({ findings: [], firstSeen: p.permitDate }, p.permitDate, {
        signedOn: p.permitDate,
      }),
    });
    const rose = required.amountFen > atPermit.amountFen;
    const firstArrears = findings.map((f) => f.raisedAt.getTime()).sort((a, b) => a - b)[0];
    const mine: DepositEvent[] = events
      .filter((e) => e.projectId === p.projectId)
      .map((e) => ({
        kind: e.kind,
        bankRef: e.bankRef,
        at: new Date(e.occurredAt),
        ...(e.amount ? { amountFen: parseYuan(e.amount) } : {}),
        ...(e.guaranteeNo ? { guaranteeNo: e.guaranteeNo } : {}),
        ...(e.validFrom ? { validFrom: e.validFrom } : {}),
        ...(e.validTo ? { validTo: e.validTo } : {}),
        ...(e.issuer ? { issuer: e.issuer } : {}),
        ...(e.noticeRef ? { noticeRef: e.noticeRef } : {}),
        evidence: e.bankRef,
      }));
    const found = evaluateDeposit(
      {
        project: {
          projectId: p.projectId,
          contractor: p.contractor,
          permitDate: p.permitDate,
          plannedEndDate: p.plannedEndDate,
          open: today <= p.plannedEndDate,
        },
        required,
        ...(rose && firstArrears !== undefined ? { requiredSince: new Date(firstArrears) } : {}),
        events: mine,
      },
      asOf,
      defaultCalendar,
    );
    for (const f of found) out.push(`${f.rule}|${p.projectId}|${f.status}`);
  });
  return out.sort();
}

/**
 * Rules 7-9 as the domain's `evaluateProject` gives them as of `expected.asOf`, every feed
 * received at the end of its day: `rule|project|detail|status`, in the keys of `expectedForward`.
 */
function domainForward(c: DemoCity): Record<ForwardRule, string[]> {
  const out = Object.fromEntries(FORWARD_RULES.map((r) => [r, [] as string[]])) as Record<
    ForwardRule,
    string[]
  >;
  const endOf = (d: string) => new Date(`${d}T23:59:00+08:00`);
  const records = allRecords(c);
  for (const p of c.projects) {
    const accountNo = p.wageAccount.accountNo;
    const found = evaluateProject(
      {
        project: {
          projectId: p.projectId,
          contractor: p.contractor,
          owner: p.owner,
          bankCode: p.wageAccount.bankCode,
          accountNo,
          payDay: p.payDay,
          payMonthOffset: p.payMonthOffset,
          startDate: p.startDate,
        },
        workers: (c.workers.find((w) => w.projectId === p.projectId)?.body.workers ?? []).map((w) => ({
          idNumber: w.idNumber,
          name: w.name,
          accountNo: w.accountNo,
          enrolledOn: w.enrolledOn,
          ...(w.leftOn ? { leftOn: w.leftOn } : {}),
        })),
        sheets: c.payrolls
          .filter((s) => s.projectId === p.projectId)
          .map((s) => ({
            period: s.body.period,
            sheetId: `${p.projectId}-${s.body.period}`,
            version: 1,
            submittedAt: endOf(lastDayOf(s.body.period)),
            evidence: [],
            lines: s.body.lines.map((l) => ({ ...l, amountDue: parseYuan(l.amountDue) })),
          })),
        transfers: records
          .filter((r) => r.accountNo === accountNo)
          .map((r) => {
            const { amount, bookedAt, ...rest } = r;
            return { ...rest, amount: parseYuan(amount), bookedAt: new Date(bookedAt), evidence: r.bankRef };
          }),
        statements: c.statements
          .filter((s) => s.body.accountNo === accountNo)
          .map(({ body: s }) => ({
            ...s,
            openingBalance: parseYuan(s.openingBalance),
            closingBalance: parseYuan(s.closingBalance),
            debitTotal: parseYuan(s.debitTotal),
            creditTotal: parseYuan(s.creditTotal),
            receivedAt: endOf(s.date),
            evidence: `${accountNo}|${s.date}`,
          })),
        outsidePayments: [],
      },
      new Date(c.expected.asOf),
      defaultCalendar,
    );
    for (const f of found) {
      if (f.rule === 'labour-cost-missing')
        out[f.rule].push(`${p.projectId}|${f.key.slice('labour-cost-missing:'.length)}|${f.status}`);
      if (f.rule === 'balance-short') out[f.rule].push(`${p.projectId}|${f.period}`);
      if (f.rule === 'arrears-growing') out[f.rule].push(`${p.projectId}|${f.worker?.idNumber}`);
    }
  }
  for (const r of FORWARD_RULES) out[r].sort();
  return out;
}

const expectedDeposits = (c: DemoCity): string[] =>
  DEPOSIT_RULES.flatMap((r: DepositRuleCode) =>
    c.expected.byRule[r].map((e) => `${r}|${e.projectId}|${e.status}`),
  ).sort();

function expectedKeys(c: DemoCity): Record<WageRule, string[]> {
  const key = (rule: WageRule, e: ExpectedCase): string => {
    switch (rule) {
      case 'wrong-payee':
        return `${e.projectId}|${e.bankRef}`;
      case 'paid-outside-account':
        return `${e.projectId}|${e.idNumber}|${e.bankRef}`;
      case 'payroll-missing':
        return `${e.projectId}|${e.period}`;
      default:
        return `${e.projectId}|${e.period}|${e.idNumber}`;
    }
  };
  return Object.fromEntries(
    WAGE_RULES.map((r) => [r, c.expected.byRule[r].map((e) => key(r, e)).sort()]),
  ) as Record<WageRule, string[]>;
}

/** Recomputes each statement from the records sent; returns the days that disagree. */
function reconcile(c: DemoCity): string[] {
  const sums = new Map<string, { dc: number; dt: bigint; cc: number; ct: bigint }>();
  for (const r of allRecords(c)) {
    if (r.status === 'failed') continue;
    const k = `${r.accountNo}|${dateOf(r)}`;
    const s = sums.get(k) ?? { dc: 0, dt: 0n, cc: 0, ct: 0n };
    if (r.direction === 'debit') {
      s.dc += 1;
      s.dt += parseYuan(r.amount);
    } else {
      s.cc += 1;
      s.ct += parseYuan(r.amount);
    }
    sums.set(k, s);
  }
  const bad: string[] = [];
  for (const { body: st } of c.statements) {
    const s = sums.get(`${st.accountNo}|${st.date}`) ?? { dc: 0, dt: 0n, cc: 0, ct: 0n };
    if (
      s.dc !== st.debitCount ||
      formatFen(s.dt) !== st.debitTotal ||
      s.cc !== st.creditCount ||
      formatFen(s.ct) !== st.creditTotal
    ) {
      bad.push(`${st.accountNo}|${st.date}`);
    }
  }
  return bad;
}

/** Balances chain from day to day; across a gap, by the records sent during it. */
function checkChains(c: DemoCity): void {
  const byAccount = new Map<string, DemoCity['statements'][number]['body'][]>();
  for (const { body } of c.statements)
    byAccount.set(body.accountNo, [...(byAccount.get(body.accountNo) ?? []), body]);
  const records = allRecords(c).filter((r) => r.status !== 'failed');
  for (const project of c.projects) {
    const list = byAccount.get(project.wageAccount.accountNo) ?? [];
    const gaps = c.expected.feedGaps.filter((g) => g.accountNo === project.wageAccount.accountNo);
    const days: string[] = [];
    for (let d = project.startDate; d <= c.lastDay; d = addDays(d, 1)) {
      if (!gaps.some((g) => g.from <= d && d <= g.to)) days.push(d);
    }
    expect(list.map((s) => s.date)).toEqual(days);
    expect(list[0]?.openingBalance).toBe('0.00');
    list.forEach((s, i) => {
      expect(parseYuan(s.closingBalance)).toBe(
        parseYuan(s.openingBalance) + parseYuan(s.creditTotal) - parseYuan(s.debitTotal),
      );
      expect(parseYuan(s.closingBalance) >= 0n).toBe(true);
      const prev = list[i - 1];
      if (!prev) return;
      let carried = parseYuan(prev.closingBalance);
      for (let d = addDays(prev.date, 1); d < s.date; d = addDays(d, 1)) {
        for (const r of records) {
          if (r.accountNo !== s.accountNo || dateOf(r) !== d) continue;
          carried += r.direction === 'credit' ? parseYuan(r.amount) : -parseYuan(r.amount);
        }
      }
      expect(parseYuan(s.openingBalance)).toBe(carried);
    });
  }
}

/** Every deposit record is well formed; but for the deliberate cases, lodged in time and enough. */
function checkDeposits(c: DemoCity): void {
  const projects = new Map(c.projects.map((p) => [p.projectId, p]));
  const e = c.expected.byRule;
  const ids = (r: DepositRuleCode) => new Set(e[r].map((x) => x.projectId));
  const missing = ids('deposit-missing');
  const shortPair = ids('deposit-short');
  const expiring = ids('guarantee-expiring');
  const today = c.expected.asOf.slice(0, 10);
  for (const batch of c.deposits) {
    const list = batch.body.records;
    expect(new Set(list.map((r) => r.bankRef)).size).toBe(list.length);
    expect(list.map((r) => r.occurredAt)).toEqual(list.map((r) => r.occurredAt).sort());
    for (const r of list) {
      expect(projects.get(r.projectId)?.wageAccount.bankCode).toBe(batch.bankCode);
      expect(r.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T(09|1[0-7]):\d{2}:\d{2}\+08:00$/);
      expect(r.occurredAt.slice(0, 10) <= c.lastDay).toBe(true);
      expect(r.amount).toMatch(/^\d+\.\d{2}$/);
      expect(parseYuan(r.amount ?? '0') > 0n).toBe(true);
      if (r.kind === 'drawn') expect(r.noticeRef).toMatch(/^PZH-RS-\d{4}-\d{3}$/);
    }
  }
  const records = c.deposits.flatMap((d) => d.body.records);
  for (const p of c.projects) {
    const base = requiredDeposit({
      contractValueFen: parseYuan(p.contractValue),
      permitDate: p.permitDate,
      contractorRecord: contractorRecord({ findings: [], firstSeen: p.permitDate }, p.permitDate, {
        signedOn: p.permitDate,
      }),
      sameAreaOtherOpenProjects: 0,
      policy: NATIONAL_DEFAULT,
    });
    expect(c.expected.requiredDeposits.find((r) => r.projectId === p.projectId)).toEqual({
      projectId: p.projectId,
      amount: formatFen(base.amountFen),
      exempt: base.exempt,
    });
    const mine = records.filter((r) => r.projectId === p.projectId);
    if (base.exempt || missing.has(p.projectId)) {
      expect(mine).toEqual([]);
      continue;
    }
    const [first, ...later] = mine;
    if (!first) throw new Error(`no deposit for ${p.projectId}`);
    expect(['lodged', 'guarantee-issued']).toContain(first.kind);
    const day = first.occurredAt.slice(0, 10);
    expect(day > p.permitDate && day <= defaultCalendar.addWorkingDays(p.permitDate, 20)).toBe(true);
    const amount = parseYuan(first.amount ?? '0');
    if (shortPair.has(p.projectId)) expect(amount).toBe(base.amountFen);
    else expect(amount >= (base.amountFen * 3n) / 2n).toBe(true);
    if (first.kind === 'guarantee-issued') {
      expect(first.guaranteeNo).toMatch(/-BH-/);
      expect(first.issuer).toBe(c.banks.find((b) => b.bankCode === p.wageAccount.bankCode)?.name);
      const validTo = first.validTo ?? '';
      // Every guarantee counts as cover: valid at least a year and to the planned end (DOMAIN.md).
      expect(validTo >= addDays(addYears(first.validFrom ?? '', 1), -1) && validTo >= p.plannedEndDate).toBe(
        true,
      );
      if (expiring.has(p.projectId)) {
        expect(validTo > today && validTo <= addDays(today, 30)).toBe(true);
        expect(first.validFrom).toBe(addDays(addYears(validTo, -1), 1));
      } else expect(first.validFrom).toBe(day);
    }
    let held = amount;
    for (const r of later) {
      expect(['drawn', 'topped-up']).toContain(r.kind);
      held += (r.kind === 'drawn' ? -1n : 1n) * parseYuan(r.amount ?? '0');
      expect(held >= 0n).toBe(true);
    }
  }
}

describe('generateDemoCity', () => {
  it('is deterministic: the same seed gives the same city, another seed another', () => {
    expect(generateDemoCity()).toEqual(city);
    expect(generateDemoCity({ seed: 7 })).toEqual(generateDemoCity({ seed: 7 }));
    expect(generateDemoCity({ seed: 7 }).workers).not.toEqual(city.workers);
  });

  it('has valid and unique identifiers', () => {
    const workers = allWorkers(city);
    for (const w of workers) {
      expect(validateResidentId(w.idNumber, city.lastDay), w.idNumber).toMatchObject({ ok: true });
      expect(w.accountNo).toMatch(/^(6222|6217|6228)\d{15}$/);
      expect(validateAccountNo(w.accountNo).ok).toBe(true);
      if (w.subcontractor) expect(validateCreditCode(w.subcontractor.creditCode).ok).toBe(true);
      expect(w.name).toMatch(/^\p{Script=Han}{2,4}$/u);
    }
    expect(new Set(workers.map((w) => w.idNumber)).size).toBe(workers.length);
    expect(new Set(workers.map((w) => w.accountNo)).size).toBe(workers.length);
    for (const p of city.projects) {
      expect(validateCreditCode(p.owner.creditCode).ok).toBe(true);
      expect(validateCreditCode(p.contractor.creditCode).ok).toBe(true);
      expect(validateAccountNo(p.wageAccount.accountNo).ok).toBe(true);
    }
    expect(new Set(city.projects.map((p) => p.wageAccount.accountNo)).size).toBe(city.projects.length);
    expect(new Set(city.projects.map((p) => p.projectId)).size).toBe(city.projects.length);
    for (const bank of city.banks) {
      const refs = city.transfers
        .filter((t) => t.bankCode === bank.bankCode)
        .flatMap((t) => t.body.records.map((r) => r.bankRef));
      expect(new Set(refs).size).toBe(refs.length);
    }
  });

  it('spreads 8-10 projects over every district, with counts and dates in range', () => {
    expect(city.projects.length).toBeGreaterThanOrEqual(8);
    expect(city.projects.length).toBeLessThanOrEqual(10);
    expect(new Set(city.projects.map((p) => p.district))).toEqual(new Set(DISTRICTS));
    expect(new Set(city.projects.map((p) => p.sector))).toEqual(
      new Set(['housing', 'transport', 'water', 'other']),
    );
    expect(city.banks).toHaveLength(3);
    for (const p of city.projects) {
      const value = parseYuan(p.contractValue);
      expect(value >= 200_000_000n && value <= 8_000_000_000n).toBe(true);
      expect(p.permitDate >= '2026-05-01' && p.permitDate <= '2026-07-31').toBe(true);
      expect(p.startDate >= p.permitDate && p.startDate <= '2026-07-31').toBe(true);
      // The expiring guarantee's contract ends with it, 16 days after the evaluation.
      if (p.projectId === city.expected.byRule['guarantee-expiring'][0]?.projectId)
        expect(p.plannedEndDate).toBe('2026-12-15');
      else expect(p.plannedEndDate >= '2027-01-01' && p.plannedEndDate <= '2028-12-31').toBe(true);
      expect(p.payMonthOffset).toBe(1);
      expect(city.banks.map((b) => b.bankCode)).toContain(p.wageAccount.bankCode);
      const workers = city.workers.find((w) => w.projectId === p.projectId)?.body.workers ?? [];
      expect(workers.length).toBeGreaterThanOrEqual(20);
      expect(workers.length).toBeLessThanOrEqual(60);
      expect(workers.filter((w) => w.subcontractor && w.team).length / workers.length).toBeGreaterThan(0.7);
    }
    const total = allWorkers(city).length;
    expect(total).toBeGreaterThanOrEqual(200);
    expect(total).toBeLessThanOrEqual(600);
    expect(allWorkers(city).some((w) => w.leftOn)).toBe(true);
    expect(allWorkers(city).some((w) => w.enrolledOn >= '2026-09-08')).toBe(true);
    expect(city.lastDay).toBe('2026-11-25');
  });

  it('puts on each sheet exactly the workers active that month, amounts and days in range', () => {
    for (const sheet of city.payrolls) {
      const workers = city.workers.find((w) => w.projectId === sheet.projectId)?.body.workers ?? [];
      const active = workers.filter((w) => activeIn(w, sheet.body.period)).map((w) => w.idNumber);
      expect(sheet.body.lines.map((l) => l.idNumber)).toEqual(active);
      for (const line of sheet.body.lines) {
        const fen = parseYuan(line.amountDue);
        expect(fen >= 300_000n && fen <= 1_200_000n, line.amountDue).toBe(true);
        expect(line.daysWorked).toBeGreaterThanOrEqual(1);
        expect(line.daysWorked).toBeLessThanOrEqual(31);
        const w = workers.find((x) => x.idNumber === line.idNumber);
        const full = w && w.enrolledOn <= addDays(firstDayOf(sheet.body.period), 5) && !w.leftOn;
        if (full) expect(line.daysWorked).toBeGreaterThanOrEqual(15);
      }
    }
    const lines = city.payrolls.flatMap((p) => p.body.lines);
    expect(lines.some((l) => !l.amountDue.endsWith('.00'))).toBe(true);
    expect(lines.filter((l) => !l.signed)).toHaveLength(3); // two on project 6, one on project 1 (the warning-step case)
  });

  it('sends batches of at most 500 records per bank, bank hours, +08:00', () => {
    const accountBank = new Map(city.projects.map((p) => [p.wageAccount.accountNo, p.wageAccount.bankCode]));
    for (const t of city.transfers) {
      expect(t.body.records.length).toBeLessThanOrEqual(500);
      for (const r of t.body.records) {
        expect(accountBank.get(r.accountNo)).toBe(t.bankCode);
        expect(r.bookedAt).toMatch(/^\d{4}-\d{2}-\d{2}T(09|1[0-7]):\d{2}:\d{2}\+08:00$/);
        expect(r.bookedAt.slice(0, 10) <= city.lastDay).toBe(true);
        if (r.status === 'returned') {
          const original = allRecords(city).find((o) => o.bankRef === r.originalBankRef);
          expect(original).toMatchObject({ direction: 'debit', status: 'booked', amount: r.amount });
          expect(r.direction).toBe('credit');
          expect(original && original.bookedAt < r.bookedAt).toBe(true);
        }
      }
    }
    const credits = allRecords(city).filter((r) => r.purpose === 'labour-cost');
    expect(credits.every((r) => r.direction === 'credit')).toBe(true);
    expect(credits.length).toBeGreaterThanOrEqual(city.projects.length * 4);
  });

  it('has statements that reconcile with the records, except the deliberate mismatch', () => {
    const [mismatch] = city.expected.statementMismatches;
    expect(city.expected.statementMismatches).toHaveLength(1);
    expect(reconcile(city)).toEqual([`${mismatch?.accountNo}|${mismatch?.date}`]);
    expect(allRecords(city).some((r) => r.bankRef === mismatch?.omittedRecord.bankRef)).toBe(false);
    expect(
      parseYuan(mismatch?.debitTotalStated ?? '') - parseYuan(mismatch?.debitTotalOfRecordsSent ?? ''),
    ).toBe(parseYuan(mismatch?.omittedRecord.amount ?? ''));
  });

  it('chains balances, one statement per account per day from the start, except the gap', () => {
    checkChains(city);
    const [gap] = city.expected.feedGaps;
    expect(city.expected.feedGaps).toHaveLength(1);
    expect(gap?.dueDatesInside.length).toBeGreaterThanOrEqual(1);
  });

  it('contains exactly the deliberate wage breaches listed in expected', () => {
    const found = wageFindings(city);
    expect(found).toEqual(expectedKeys(city));
    const e = city.expected.byRule;
    expect(e['wages-missed'].length).toBeGreaterThanOrEqual(2);
    expect(e['wages-late'].length).toBeGreaterThanOrEqual(3);
    const returnedIds = new Set(city.expected.returnedPayments.map((r) => r.idNumber));
    for (const c of e['wages-late']) {
      expect(c.daysLate).toBeGreaterThan(0);
      if (!returnedIds.has(c.idNumber ?? '')) expect(c.daysLate).toBeGreaterThanOrEqual(3);
      if (!returnedIds.has(c.idNumber ?? '')) expect(c.daysLate).toBeLessThanOrEqual(12);
    }
    expect(e['wages-short'].length).toBeGreaterThanOrEqual(1);
    expect(e['wrong-payee']).toHaveLength(2);
    expect(e['paid-outside-account']).toHaveLength(1);
    expect(e['payroll-missing']).toHaveLength(1);
    expect(e['payroll-unsigned']).toHaveLength(3);
    expect(e['feed-incomplete']).toHaveLength(2);
    expect(city.expected.returnedPayments).toHaveLength(1);
    expect(city.expected.failedPayments).toHaveLength(1);
    const byProject = (rule: WageRule) => new Set(e[rule].map((c) => c.projectId));
    const perRule = (
      ['wages-missed', 'wages-late', 'wages-short', 'payroll-missing', 'payroll-unsigned'] as const
    ).map((r) => [...byProject(r)]);
    expect(new Set(perRule.flat()).size).toBeGreaterThanOrEqual(5);
  });

  it('gives each project a contractor of its own, but for the deposit-short pair in two districts', () => {
    const codes = city.projects.map((p) => p.contractor.creditCode);
    expect(new Set(codes).size).toBe(codes.length - 1);
    const [pair] = city.expected.byRule['deposit-short'];
    const other = city.projects.find((p) => p.projectId === pair?.projectId);
    const [missedCase] = city.expected.byRule['wages-missed'];
    const arrears = city.projects.find((p) => p.projectId === missedCase?.projectId);
    expect(other?.contractor).toEqual(arrears?.contractor);
    expect(other?.district).not.toBe(arrears?.district);
  });

  it('shows each of rules 7-13 deliberately, and only the deliberate cases', () => {
    expect(city.expected.asOf).toBe('2026-11-29T10:00:00+08:00');
    expect(forwardFindings(city)).toEqual(expectedForward(city));
    expect(domainForward(city)).toEqual(expectedForward(city));
    expect(depositFindings(city)).toEqual(expectedDeposits(city));
    const e = city.expected.byRule;
    for (const r of [...FORWARD_RULES, ...DEPOSIT_RULES]) expect(e[r].length, r).toBeGreaterThanOrEqual(1);
    // Labour cost: one cycle skipped then paid, one owner who stopped (open more than a month).
    expect(e['labour-cost-missing'].map((x) => x.status).sort()).toEqual(['open', 'resolved']);
    const open = e['labour-cost-missing'].find((x) => x.status === 'open');
    expect(open && (open.dueDate ?? '') < '2026-11-29').toBe(true);
    // Balance short: a pay date within 5 working days, measured on the October sheet.
    const [bs] = e['balance-short'];
    expect(bs).toMatchObject({ period: '2026-11', dueDate: '2026-12-04' });
    expect(parseYuan(bs?.balance ?? '') < parseYuan(bs?.amountDue ?? '')).toBe(true);
    expect(open?.projectId).toBe(bs?.projectId);
    // Arrears growing: the worker is missed in September and October, both on wages-missed.
    const [ag] = e['arrears-growing'];
    const missedMonths = e['wages-missed'].filter((x) => x.idNumber === ag?.idNumber).map((x) => x.period);
    expect(missedMonths).toEqual(['2026-09', '2026-10']);
    expect(e['wages-missed'].find((x) => x.idNumber === ag?.idNumber)?.projectId).toBe(ag?.projectId);
    // Deposits.
    expect(e['guarantee-expiring'][0]?.dueDate).toBe('2026-12-15');
    const draw = e['deposit-not-topped-up'][0];
    expect(draw?.dueDate && draw.dueDate < '2026-11-29').toBe(true);
    expect(draw?.noticeRef).toMatch(/^PZH-RS-2026-\d{3}$/);
    const short = e['deposit-short'][0];
    expect(parseYuan(short?.requiredAmount ?? '')).toBe((parseYuan(short?.heldAmount ?? '') * 3n) / 2n);
    const toppedUp = city.deposits.flatMap((d) => d.body.records).filter((r) => r.kind === 'topped-up');
    expect(toppedUp).toHaveLength(1);
  });

  it('has valid deposit records: amounts, dates, guarantees', () => {
    checkDeposits(city);
    expect(city.deposits.map((d) => d.bankCode)).toEqual(city.banks.map((b) => b.bankCode));
  });

  it('records returned and failed payments with the records that show them', () => {
    const refs = new Map(allRecords(city).map((r) => [r.bankRef, r]));
    for (const r of city.expected.returnedPayments) {
      expect(refs.get(r.originalBankRef)?.status).toBe('booked');
      expect(refs.get(r.returnBankRef)).toMatchObject({
        status: 'returned',
        originalBankRef: r.originalBankRef,
      });
      expect(refs.get(r.repaymentBankRef)?.status).toBe('booked');
    }
    for (const f of city.expected.failedPayments) {
      const failed = refs.get(f.failedBankRef);
      const retry = refs.get(f.retryBankRef);
      expect(failed?.status).toBe('failed');
      expect(retry?.status).toBe('booked');
      const due =
        city.expected.dueDates.find((d) => d.projectId === f.projectId && d.period === f.period)?.due ?? '';
      expect(retry && dateOf(retry) <= due).toBe(true);
    }
  });

  it('moves a pay day off the National Day block and off a Sunday', () => {
    const shifted = city.expected.dueDates.filter((d) => d.shifted);
    expect(shifted.some((d) => d.reason?.includes('National Day'))).toBe(true);
    expect(shifted.some((d) => new Date(`${d.nominal}T00:00:00Z`).getUTCDay() === 0)).toBe(true);
    expect(city.expected.dueDates.every((d) => d.due <= d.nominal)).toBe(true);
  });

  it.each([1, 2, 3, 2026])('keeps the guarantees with seed %i', (seed) => {
    const other = generateDemoCity({ seed });
    expect(wageFindings(other)).toEqual(expectedKeys(other));
    expect(forwardFindings(other)).toEqual(expectedForward(other));
    expect(domainForward(other)).toEqual(expectedForward(other));
    expect(depositFindings(other)).toEqual(expectedDeposits(other));
    for (const r of [...FORWARD_RULES, ...DEPOSIT_RULES])
      expect(other.expected.byRule[r].length, r).toBeGreaterThanOrEqual(1);
    checkDeposits(other);
    expect(reconcile(other)).toHaveLength(1);
    checkChains(other);
  });

  it('accepts other months and seeds with the same guarantees', () => {
    const other = generateDemoCity({ seed: 42, months: ['2026-07', '2026-08'] });
    expect(wageFindings(other)).toEqual(expectedKeys(other));
    expect(forwardFindings(other)).toEqual(expectedForward(other));
    expect(depositFindings(other)).toEqual(expectedDeposits(other));
    checkDeposits(other);
    expect(reconcile(other)).toHaveLength(1);
    checkChains(other);
  });

  it('is the same city byte for byte as before its split by breach (roles, demo, deposits)', () => {
    const h = (b: DemoCity) =>
      createHash('sha256')
        .update(JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))
        .digest('hex');
    expect(h(generateDemoCity())).toBe('b48809ad26b8108279673f3e10068d86cdcfdff4226e48f8e7b9f330d2d30213');
    expect(h(generateDemoCity({ seed: 42, months: ['2026-05', '2026-06', '2026-07', '2026-08'] }))).toBe(
      '67bb0d3c8191175159790af560da8a9a218b34dfa3f5808e17543235b2b3be5f',
    );
  });
});

describe('generateBenchMonth', () => {
  it('makes 20,000 workers, each paid exactly once on time, well under 5 s', () => {
    const t0 = performance.now();
    const bench = generateBenchMonth({ workers: 20_000 });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2500);
    expect(bench.projects).toHaveLength(20);
    const workers = allWorkers(bench);
    expect(workers).toHaveLength(20_000);
    expect(new Set(workers.map((w) => w.idNumber)).size).toBe(20_000);
    expect(new Set(workers.map((w) => w.accountNo)).size).toBe(20_000);
    const lines = bench.payrolls.flatMap((p) => p.body.lines);
    expect(lines).toHaveLength(20_000);
    const wages = allRecords(bench).filter((r) => r.direction === 'debit');
    expect(wages).toHaveLength(20_000);
    expect(new Set(wages.map((r) => r.counterpartyAccountNo)).size).toBe(20_000);
    expect(Object.values(wageFindings(bench)).flat()).toEqual([]);
    expect(reconcile(bench)).toEqual([]);
    expect(bench.transfers.every((t) => t.body.records.length <= 500)).toBe(true);
    expect(bench.statements.length).toBeGreaterThan(0);
    checkChains(bench);
  });

  it('is unchanged by the deposits and rules 7-13 (the same bodies as before), with no deposits', () => {
    const h = (b: DemoCity) =>
      createHash('sha256')
        .update(
          JSON.stringify([
            b.projects,
            b.workers,
            b.payrolls,
            b.transfers,
            b.statements,
            b.lastDay,
            b.expected.dueDates,
          ]),
        )
        .digest('hex');
    expect(h(generateBenchMonth({ workers: 2000 }))).toBe(
      '172738ea4271672d82570f5d0bdbe1474293180a6060f17aaaa1b4555bae52f8',
    );
    expect(h(generateBenchMonth({ workers: 500, projects: 3, seed: 9, period: '2026-09' }))).toBe(
      '764cad2806ee78b385b28abfbd0bad68ee2a8020fdec4e44b2b26d1db8c5edf0',
    );
    expect(generateBenchMonth({ workers: 100 }).deposits).toEqual([]);
  });

  it('is deterministic and honours projects and period', () => {
    const a = generateBenchMonth({ workers: 500, projects: 3, seed: 9, period: '2026-09' });
    expect(generateBenchMonth({ workers: 500, projects: 3, seed: 9, period: '2026-09' })).toEqual(a);
    expect(a.projects).toHaveLength(3);
    expect(a.payrolls.every((p) => p.body.period === '2026-09')).toBe(true);
    expect(allWorkers(a)).toHaveLength(500);
  });
});
