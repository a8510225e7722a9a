/**
 * The demo city's bank-feed breaches (feed-incomplete, twice): FEED_GAP's bank sends no
 * statements around a due date, and UNSIGNED's bank counts a fee in a statement whose record it
 * never sends. Called by generateDemoCity in its drawing order.
 */
import {
  addDays,
  dateInMonth,
  formatFen,
  minDate,
  parseYuan,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import type { SimProject } from './common.ts';
import type { Identities } from './identities.ts';
import { type Ledger, type LedgerRecord, toTransferBody } from './ledger.ts';
import { FEE_FEN, FEED_GAP, type Pending, UNSIGNED } from './roles.ts';
import type { DemoCity } from './types.ts';

type FeedCity = {
  ledger: Ledger;
  projects: SimProject[];
  months: readonly string[];
  /** Due dates by `projectId|period`. */
  dues: Map<string, string>;
  lastDay: string;
  expected: DemoCity['expected'];
  pending: Pending[];
};

/**
 * Feed gap: the bank of FEED_GAP sends no statement from three days before to two days after
 * its second month's due date. Every payment of that project is on time.
 */
export function plantFeedGap({ ledger, projects, months, dues, lastDay, expected, pending }: FeedCity): void {
  const second = months[1] as string;
  const project = projects[FEED_GAP] as SimProject;
  const id = project.body.projectId;
  const due = dues.get(`${id}|${second}`) as string;
  const from = addDays(due, -3);
  const to = minDate(addDays(due, 2), lastDay);
  ledger.skipStatements(project.body.wageAccount.accountNo, from, to);
  const dueDatesInside = months
    .map((period) => ({ period, due: dues.get(`${id}|${period}`) as string }))
    .filter((d) => d.due >= from && d.due <= to);
  expected.feedGaps.push({
    projectId: id,
    bankCode: project.bank.bankCode,
    accountNo: project.body.wageAccount.accountNo,
    from,
    to,
    dueDatesInside,
  });
  pending.push({
    rule: 'feed-incomplete',
    c: {
      projectId: id,
      bankCode: project.bank.bankCode,
      accountNo: project.body.wageAccount.accountNo,
      date: from,
      note: `no statements from ${from} to ${to} (covers the due date ${due})`,
    },
  });
}

export type OmittedFee = { date: string; record: LedgerRecord };

/**
 * Statement mismatch, first half: UNSIGNED's bank books an account fee on the 21st of the
 * second month (or the next working day) and counts it in the statement, but never sends the
 * record (before the ledger is finalized).
 */
export function bookOmittedFee(
  { ledger, projects, months }: Pick<FeedCity, 'ledger' | 'projects' | 'months'>,
  cal: WorkingDayCalendar,
  ids: Identities,
): OmittedFee {
  const date = cal.nextWorkingDayOnOrAfter(dateInMonth(months[1] as string, 21));
  const project = projects[UNSIGNED] as SimProject;
  const record = ledger.add({
    bankCode: project.bank.bankCode,
    accountNo: project.body.wageAccount.accountNo,
    direction: 'debit',
    fen: FEE_FEN,
    counterpartyAccountNo: ids.account(`${project.bank.accountPrefix}99`, 19),
    counterpartyName: `${project.bank.name} 手续费收入`,
    date,
    second: 17 * 3600 + 1800,
    status: 'booked',
    purpose: 'account fee',
    omitted: true,
  });
  return { date, record };
}

/** Statement mismatch, second half: what the finalized statements show and what is expected. */
export function expectStatementMismatch(
  { projects, expected, pending }: Pick<FeedCity, 'projects' | 'expected' | 'pending'>,
  statements: DemoCity['statements'],
  fee: OmittedFee,
): void {
  const mismatchDate = fee.date;
  const project = projects[UNSIGNED] as SimProject;
  const accountNo = project.body.wageAccount.accountNo;
  const stated = statements.find((s) => s.body.accountNo === accountNo && s.body.date === mismatchDate);
  const statedFen = parseYuan(stated?.body.debitTotal ?? '0');
  expected.statementMismatches.push({
    projectId: project.body.projectId,
    bankCode: project.bank.bankCode,
    accountNo,
    date: mismatchDate,
    omittedRecord: toTransferBody(fee.record),
    debitTotalStated: formatFen(statedFen),
    debitTotalOfRecordsSent: formatFen(statedFen - FEE_FEN),
  });
  pending.push({
    rule: 'feed-incomplete',
    c: {
      projectId: project.body.projectId,
      bankCode: project.bank.bankCode,
      accountNo,
      date: mismatchDate,
      note: `statement of ${mismatchDate} counts a ${formatFen(FEE_FEN)} fee whose record was never sent`,
    },
  });
}
