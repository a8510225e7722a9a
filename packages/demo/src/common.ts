/** Building blocks shared by the demo city and the bench month: projects, workers, sheets, payments. */
import { daysBetween, firstDayOf, formatFen, lastDayOf, maxDate, minDate } from '@wagewatch/domain';
import { BANKS, DISTRICTS, type District, LABOUR_FIRMS, TEAMS } from './data.ts';
import type { Identities } from './identities.ts';
import type { Ledger, LedgerRecord } from './ledger.ts';
import type { Rng } from './prng.ts';
import type { Party, PayrollLineBody, ProjectBody, Sector, WorkerBody } from './types.ts';

export type BankInfo = (typeof BANKS)[number];

export type SimWorker = {
  body: WorkerBody;
  /** Daily wage in yuan. */
  rate: number;
  /** Whether the bank's wage transfers to this worker carry the ID number. */
  idOnTransfers: boolean;
};

export type SimProject = {
  body: ProjectBody;
  bank: BankInfo;
  ownerAccountNo: string;
  subcontractors: Party[];
  workers: SimWorker[];
};

export type SheetLine = { worker: SimWorker; line: PayrollLineBody; fen: bigint };

const MIN_NET_FEN = 300_000n;
const MAX_NET_FEN = 1_200_000n;

/** Companies keep one credit code and one account whichever project names them. */
export class Companies {
  private readonly codes = new Map<string, string>();
  private readonly accounts = new Map<string, string>();

  constructor(private readonly ids: Identities) {}

  party(name: string, area = '510400'): Party {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.ids.creditCode(area);
      this.codes.set(name, code);
    }
    return { name, creditCode: code };
  }

  accountOf(name: string, bank: BankInfo): string {
    let acc = this.accounts.get(name);
    if (acc === undefined) {
      acc = this.ids.account(`${bank.accountPrefix}01`, 19);
      this.accounts.set(name, acc);
    }
    return acc;
  }
}

export function makeProject(
  rng: Rng,
  ids: Identities,
  companies: Companies,
  p: {
    projectId: string;
    name: string;
    district: District;
    sector: Sector;
    owner: string;
    contractor: string;
    contractValueFen: bigint;
    permitDate: string;
    startDate: string;
    plannedEndDate: string;
    payDay: number;
    bank: BankInfo;
    subcontractorCount: number;
  },
): SimProject {
  const owner = companies.party(p.owner);
  const contractor = companies.party(p.contractor);
  const subcontractors = rng
    .shuffled(LABOUR_FIRMS)
    .slice(0, p.subcontractorCount)
    .map((name) => companies.party(name));
  const ownerBank = rng.pick(BANKS);
  return {
    body: {
      projectId: p.projectId,
      name: p.name,
      district: p.district.name,
      sector: p.sector,
      owner,
      contractor,
      contractValue: formatFen(p.contractValueFen),
      permitDate: p.permitDate,
      startDate: p.startDate,
      plannedEndDate: p.plannedEndDate,
      wageAccount: { bankCode: p.bank.bankCode, accountNo: ids.account(`${p.bank.accountPrefix}88`, 20) },
      payDay: p.payDay,
      payMonthOffset: 1,
    },
    bank: p.bank,
    ownerAccountNo: companies.accountOf(p.owner, ownerBank),
    subcontractors,
    workers: [],
  };
}

export function makeWorker(
  rng: Rng,
  ids: Identities,
  project: SimProject,
  enrolledOn: string,
  leftOn?: string,
): SimWorker {
  const home = DISTRICTS.find((d) => d.name === project.body.district) ?? DISTRICTS[0];
  const area = rng.chance(0.7) ? home.area : rng.pick(DISTRICTS).area;
  const female = rng.chance(0.15);
  const yi = rng.chance(area === '510421' || area === '510422' ? 0.06 : 0.01);
  const idNumber = ids.residentId(area, female);
  const name = ids.name(female, yi);
  const cardBank = rng.pick(BANKS);
  const accountNo = ids.card(cardBank.cardPrefix);
  const subcontractor = rng.chance(0.92) ? rng.pick(project.subcontractors) : undefined;
  const trade = subcontractor || rng.chance(0.5) ? rng.pick(TEAMS) : undefined;
  const pay = trade ?? TEAMS[5];
  const body: WorkerBody = {
    idNumber,
    name,
    accountNo,
    ...(rng.chance(0.85) ? { bankCode: cardBank.bankCode } : {}),
    ...(subcontractor ? { subcontractor } : {}),
    ...(trade ? { team: trade.team } : {}),
    enrolledOn,
    ...(leftOn ? { leftOn } : {}),
  };
  return { body, rate: rng.int(pay.minRate, pay.maxRate), idOnTransfers: rng.chance(0.9) };
}

/** The worker's line for a month, or undefined when not registered and active in it. */
export function sheetLine(rng: Rng, w: SimWorker, period: string, signed = true): SheetLine | undefined {
  const monthStart = firstDayOf(period);
  const monthEnd = lastDayOf(period);
  const from = maxDate(w.body.enrolledOn, monthStart);
  const left = w.body.leftOn;
  const to = left === undefined ? monthEnd : minDate(left, monthEnd);
  if (from > to) return undefined;
  const activeDays = daysBetween(from, to) + 1;
  const fullMonth = activeDays === daysBetween(monthStart, monthEnd) + 1;
  const daysWorked = fullMonth
    ? rng.int(Math.max(15, activeDays - 8), Math.min(activeDays, 31))
    : rng.int(Math.max(1, activeDays - 4), activeDays);
  let fen = BigInt(daysWorked * w.rate * 100);
  if (fen < MIN_NET_FEN) fen = MIN_NET_FEN;
  if (fen > MAX_NET_FEN) fen = MAX_NET_FEN;
  if (rng.chance(0.2)) fen += BigInt(fen > MAX_NET_FEN - 100n ? -rng.int(1, 99) : rng.int(1, 99)); // fen occasionally
  return {
    worker: w,
    fen,
    line: { idNumber: w.body.idNumber, name: w.body.name, daysWorked, amountDue: formatFen(fen), signed },
  };
}

/** Seconds of the day for n records of one 代发 batch, from 09:00-11:00 over at most five hours. */
export function batchSeconds(rng: Rng, n: number): (i: number) => number {
  const start = rng.int(9 * 3600, 11 * 3600);
  const window = Math.min(5 * 3600, n * 8);
  return (i) => start + Math.floor((i * window) / Math.max(1, n));
}

export function payWorker(
  ledger: Ledger,
  project: SimProject,
  w: SimWorker,
  fen: bigint,
  date: string,
  second: number,
  status: 'booked' | 'failed' = 'booked',
): LedgerRecord {
  return ledger.add({
    bankCode: project.bank.bankCode,
    accountNo: project.body.wageAccount.accountNo,
    direction: 'debit',
    fen,
    counterpartyAccountNo: w.body.accountNo,
    counterpartyName: w.body.name,
    ...(w.idOnTransfers ? { counterpartyIdNumber: w.body.idNumber } : {}),
    date,
    second,
    status,
    purpose: 'wages',
  });
}

/** The owner's labour-cost allocation into the wage account. */
export function allocateLabourCost(
  ledger: Ledger,
  project: SimProject,
  fen: bigint,
  date: string,
  second: number,
): LedgerRecord {
  return ledger.add({
    bankCode: project.bank.bankCode,
    accountNo: project.body.wageAccount.accountNo,
    direction: 'credit',
    fen,
    counterpartyAccountNo: project.ownerAccountNo,
    counterpartyName: project.body.owner.name,
    date,
    second,
    status: 'booked',
    purpose: 'labour-cost',
  });
}

/** Rounds up to whole hundreds of yuan. */
export function roundUpHundredYuan(fen: bigint): bigint {
  const step = 10_000n;
  return ((fen + step - 1n) / step) * step;
}
