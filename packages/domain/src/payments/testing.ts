/**
 * Test builders for the payment rules: a project, its workers, then the events the feeds bring
 * (payroll sheets, transfers, statements), as plain data. No I/O, no clock: every instant is
 * written out in Asia/Shanghai time by the test.
 */
import { type LocalDate, type Period, parseInstant, shanghaiDate } from '../dates.ts';
import { creditCodeWithCheckCharacter, residentIdWithCheckDigit } from '../identifiers.ts';
import { parseYuan } from '../money.ts';
import type {
  OutsidePayment,
  PayrollLine,
  PayrollSheet,
  ProjectState,
  ProjectTerms,
  RegisteredWorker,
  Statement,
  Transfer,
} from './model.ts';
import type { RecordedFinding, Transition } from './reconcile.ts';

/** '2026-04-15 10:00' (or '2026-04-15') read as Asia/Shanghai time. */
export function at(local: string): Date {
  const [date, time = '00:00'] = local.split(' ');
  const instant = parseInstant(`${date}T${time}:00+08:00`);
  if (!instant) throw new RangeError(`not a local time: ${local}`);
  return instant;
}

export const yuan = (s: string): bigint => parseYuan(s);

export const CONTRACTOR = {
  name: '江城建工集团有限公司',
  creditCode: creditCodeWithCheckCharacter('91420100MA4K8L2P3'),
};

export const WAGE_ACCOUNT = '4202010009100012345';
export const BANK = 'ICBC-WH';

export function projectTerms(overrides: Partial<ProjectTerms> = {}): ProjectTerms {
  return {
    projectId: 'P-2026-001',
    contractor: CONTRACTOR,
    bankCode: BANK,
    accountNo: WAGE_ACCOUNT,
    payDay: 15,
    payMonthOffset: 1,
    startDate: '2026-03-01',
    ...overrides,
  };
}

/** Registered workers with valid resident IDs and their own cards, enrolled 2026-03-01 unless told. */
export function worker(n: number, name: string, overrides: Partial<RegisteredWorker> = {}): RegisteredWorker {
  return {
    idNumber: residentIdWithCheckDigit(`42010219850312${String(n).padStart(3, '0')}`),
    name,
    accountNo: `622202100000000000${n}`,
    enrolledOn: '2026-03-01',
    ...overrides,
  };
}

export const LI = worker(1, '李建国');
export const WANG = worker(2, '王秀英');
/** Not registered on the project: a resident ID and a card nobody registered. */
export const STRANGER = worker(9, '赵某');

export function line(w: RegisteredWorker, amount: string, signed = true): PayrollLine {
  return { idNumber: w.idNumber, name: w.name, amountDue: parseYuan(amount), signed };
}

type DebitOptions = {
  bankRef?: string;
  /** The card credited; the worker's registered card unless told. */
  toAccount?: string;
  toName?: string;
  /** The resident ID the transfer names, if any. */
  naming?: string;
  status?: Transfer['status'];
  purpose?: string;
};

type StatementOptions = Partial<Omit<Statement, 'date'>>;

export class Given {
  private readonly state: ProjectState;
  private refs = 0;

  constructor(terms: ProjectTerms) {
    this.state = {
      project: terms,
      workers: [],
      sheets: [],
      transfers: [],
      statements: [],
      outsidePayments: [],
    };
  }

  workers(...ws: RegisteredWorker[]): this {
    this.state.workers.push(...ws);
    return this;
  }

  sheet(period: Period, lines: PayrollLine[], submittedAt: Date = at(`${period}-28 09:00`)): this {
    const sheet: PayrollSheet = {
      period,
      sheetId: `S-${period}`,
      version: 1,
      submittedAt,
      evidence: [`sheet:S-${period}:v1`],
      lines,
    };
    this.state.sheets.push(sheet);
    return this;
  }

  /** A debit from the wage account to a worker (to their registered card unless told). */
  paid(w: RegisteredWorker, amount: string, bookedAt: Date, options: DebitOptions = {}): this {
    return this.debit(amount, bookedAt, {
      toAccount: w.accountNo,
      toName: w.name,
      ...options,
    });
  }

  debit(amount: string, bookedAt: Date, options: DebitOptions = {}): this {
    const bankRef = options.bankRef ?? this.nextRef();
    this.state.transfers.push({
      bankRef,
      accountNo: this.state.project.accountNo,
      direction: 'debit',
      amount: parseYuan(amount),
      counterpartyAccountNo: options.toAccount ?? '9558800000000000001',
      counterpartyName: options.toName ?? 'payee',
      ...(options.naming ? { counterpartyIdNumber: options.naming } : {}),
      bookedAt,
      status: options.status ?? 'booked',
      ...(options.purpose ? { purpose: options.purpose } : {}),
      evidence: `bank:${bankRef}`,
    });
    return this;
  }

  /** A credit to the wage account (the owner's labour-cost allocation unless told). */
  credit(
    amount: string,
    bookedAt: Date,
    options: { fromName?: string; fromAccount?: string; purpose?: string | null } = {},
  ): this {
    const bankRef = this.nextRef();
    const purpose = options.purpose === undefined ? 'labour-cost' : options.purpose;
    this.state.transfers.push({
      bankRef,
      accountNo: this.state.project.accountNo,
      direction: 'credit',
      amount: parseYuan(amount),
      counterpartyAccountNo: options.fromAccount ?? '4402000000000000888',
      counterpartyName: options.fromName ?? 'some company',
      bookedAt,
      status: 'booked',
      ...(purpose ? { purpose } : {}),
      evidence: `bank:${bankRef}`,
    });
    return this;
  }

  /** The bank's record of a debit coming back: a credit of the same amount naming the original. */
  returned(originalBankRef: string, bookedAt: Date): this {
    const original = this.state.transfers.find((t) => t.bankRef === originalBankRef);
    if (!original) throw new Error(`no transfer ${originalBankRef}`);
    const bankRef = this.nextRef();
    this.state.transfers.push({
      ...original,
      bankRef,
      direction: 'credit',
      status: 'returned',
      originalBankRef,
      bookedAt,
      evidence: `bank:${bankRef}`,
    });
    return this;
  }

  /**
   * The bank's end-of-day statement for `date`. Its counts and totals agree with the transfers
   * already given for that day (failed ones left out) unless told otherwise; received at 06:00
   * the next morning unless told.
   */
  statement(date: LocalDate, options: StatementOptions = {}): this {
    const moves = this.state.transfers.filter(
      (t) => t.status !== 'failed' && shanghaiDate(t.bookedAt) === date,
    );
    const of = (dir: 'debit' | 'credit') => moves.filter((t) => t.direction === dir);
    const total = (ts: Transfer[]) => ts.reduce((s, t) => s + t.amount, 0n);
    const next = new Date(at(date).getTime() + 30 * 3_600_000);
    this.state.statements.push({
      date,
      openingBalance: yuan('100000.00'),
      closingBalance: yuan('100000.00') - total(of('debit')) + total(of('credit')),
      debitCount: of('debit').length,
      debitTotal: total(of('debit')),
      creditCount: of('credit').length,
      creditTotal: total(of('credit')),
      receivedAt: next,
      evidence: `statement:${date}`,
      ...options,
    });
    return this;
  }

  outsidePayment(w: RegisteredWorker, amount: string, bookedAt: Date, returned = false): this {
    const bankRef = this.nextRef();
    const payment: OutsidePayment = {
      payingProjectId: 'P-2026-077',
      worker: w,
      returned,
      transfer: {
        bankRef,
        accountNo: '4202010009100077777',
        direction: 'debit',
        amount: parseYuan(amount),
        counterpartyAccountNo: w.accountNo,
        counterpartyName: w.name,
        bookedAt,
        status: 'booked',
        evidence: `bank:${bankRef}`,
      },
    };
    this.state.outsidePayments.push(payment);
    return this;
  }

  /** The bank reference the next transfer will get: T1, T2, … */
  get lastRef(): string {
    return `T${this.refs}`;
  }

  /** A snapshot: later events given to the builder do not change it. */
  build(): ProjectState {
    return structuredClone(this.state);
  }

  private nextRef(): string {
    this.refs += 1;
    return `T${this.refs}`;
  }
}

export function given(terms: Partial<ProjectTerms> = {}): Given {
  return new Given(projectTerms(terms));
}

/** What is on record once the transitions are applied. */
export function applyTransitions(
  recorded: ReadonlyMap<string, RecordedFinding>,
  transitions: readonly Transition[],
): Map<string, RecordedFinding> {
  const next = new Map(recorded);
  for (const t of transitions) next.set(t.finding.key, t.finding);
  return next;
}
