import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { maskIdNumber } from '../identifiers.ts';
import { legalBasisOf } from '../rules.ts';
import type { DesiredFinding, PaymentRule, ProjectState } from './model.ts';
import { type RecordedFinding, reconcile } from './reconcile.ts';
import { DEFAULT_PAYMENT_RULES_CONFIG, evaluateProject, type PaymentRulesConfig } from './rules.ts';
import {
  applyTransitions,
  at,
  BANK,
  CONTRACTOR,
  given,
  LI,
  line,
  STRANGER,
  WANG,
  worker,
  yuan,
} from './testing.ts';

/*
 * Unless a test says otherwise: payDay 15, payMonthOffset 1, project started 2026-01-01, workers
 * enrolled 2026-03-01. Wages for March 2026 are due Wednesday 2026-04-15 (a working day), so the
 * due day ends at 2026-04-16 00:00 +08:00 and the next working day, Thursday 2026-04-16, ends at
 * 2026-04-17 00:00 +08:00. A statement is received at 06:00 the morning after its date unless told.
 * The bank has reported the account through 2026-03-31 (that statement covers the earlier due
 * dates 2026-02-14 and 2026-03-13, when nobody was enrolled yet).
 */
const MARCH = '2026-03';
const DUE = '2026-04-15';
const NET = '5200.00';

/** These scenarios are about rules 1-6 and 14; rules 7-9 have their own tests (early.unit.test.ts). */
const RULES_1_TO_6_AND_14: PaymentRulesConfig = {
  ...DEFAULT_PAYMENT_RULES_CONFIG,
  enabled: new Set<PaymentRule>([
    'wages-missed',
    'wages-late',
    'wages-short',
    'wrong-payee',
    'paid-outside-account',
    'payroll-missing',
    'payroll-unsigned',
    'feed-incomplete',
  ]),
};
const when = (state: ProjectState, asOf: Date): DesiredFinding[] =>
  evaluateProject(state, asOf, defaultCalendar, RULES_1_TO_6_AND_14);
const open = (findings: DesiredFinding[]) => findings.filter((f) => f.status === 'open');
const find = (findings: DesiredFinding[], key: string): DesiredFinding => {
  const f = findings.find((x) => x.key === key);
  if (!f) throw new Error(`no finding ${key} among ${findings.map((x) => x.key).join(', ')}`);
  return f;
};
const keyed = (findings: readonly DesiredFinding[]) =>
  new Map(findings.map((f) => [f.key, f as RecordedFinding]));
const transitionsOf = (ts: ReturnType<typeof reconcile>) =>
  ts.map((t) => ({
    kind: t.kind,
    key: t.finding.key,
    status: t.finding.status,
    raisedAt: t.finding.raisedAt,
    resolvedAt: t.finding.resolvedAt,
  }));

const contractor = { kind: 'contractor', name: CONTRACTOR.name, code: CONTRACTOR.creditCode };
const bank = { kind: 'bank', name: BANK, code: BANK };

/** Li, owed 5200.00 for March, the bank having reported through March. */
const liOwedMarch = () =>
  given()
    .workers(LI)
    .statement('2026-03-31')
    .sheet(MARCH, [line(LI, NET)]);

describe('rules 1-3: paid on time', () => {
  it('given Li paid in full on the due date, when evaluated after it, then there is no finding', () => {
    const state = liOwedMarch().paid(LI, NET, at('2026-04-15 10:00')).statement(DUE).build();

    expect(when(state, at('2026-04-20 12:00'))).toEqual([]);
  });

  it('given Li paid in full the day before, when evaluated after the due date, then there is no finding', () => {
    const state = liOwedMarch()
      .paid(LI, NET, at('2026-04-14 10:00'))
      .statement('2026-04-14')
      .statement(DUE)
      .build();

    expect(when(state, at('2026-04-20 12:00'))).toEqual([]);
  });
});

describe('rule 1: wages missed', () => {
  it('given no payment and the statement for the due date, when evaluated, then wages-missed is open for the net', () => {
    const state = liOwedMarch().statement(DUE).build(); // received 2026-04-16 06:00

    const findings = when(state, at('2026-04-16 12:00'));

    // raisedAt = max(end of the due day 2026-04-16 00:00, statement received 2026-04-16 06:00)
    expect(findings).toEqual([
      {
        key: `wages-missed:${MARCH}:${LI.idNumber}`,
        rule: 'wages-missed',
        severity: 'high',
        status: 'open',
        period: MARCH,
        dueDate: DUE,
        worker: { idNumber: LI.idNumber, name: LI.name },
        amountOwed: yuan(NET),
        amountPaid: 0n,
        raisedAt: at('2026-04-16 06:00'),
        responsible: contractor,
        evidence: ['sheet:S-2026-03:v1'],
        legalBasis: legalBasisOf('wages-missed'),
        detail:
          "no payment of the 2026-03 net pay 5200.00 reached the worker's card by the due date 2026-04-15",
      },
    ]);
  });

  it('given the statement received before the day ended, when evaluated, then wages-missed is raised at the end of the due day', () => {
    const state = liOwedMarch()
      .statement(DUE, { receivedAt: at('2026-04-15 22:00') })
      .build();

    expect(when(state, at('2026-04-15 23:59'))).toEqual([]);
    const [missed] = when(state, at('2026-04-16 00:00'));
    // End of 2026-04-15 in Shanghai: 2026-04-16 00:00 +08:00 = 2026-04-15T16:00Z.
    expect(missed?.raisedAt).toEqual(new Date('2026-04-15T16:00:00Z'));
    expect(missed?.amountOwed).toBe(520000n);
  });
});

describe('rules 1, 3 and 6 wait for the bank; rule 14 is raised against the bank instead', () => {
  const owed = () => liOwedMarch(); // no payment, no statement for 2026-04-15 yet

  it('given no statement for the due date, when evaluated the day after, then there is nothing yet', () => {
    expect(when(owed().build(), at('2026-04-16 10:00'))).toEqual([]);
    expect(when(owed().build(), at('2026-04-16 23:59'))).toEqual([]);
  });

  it('given no statement once the next working day has ended, then feed-incomplete against the bank and no wages-missed', () => {
    const findings = when(owed().build(), at('2026-04-17 00:00'));

    expect(findings).toEqual([
      {
        key: `feed-incomplete:missing:${DUE}`,
        rule: 'feed-incomplete',
        severity: 'medium',
        status: 'open',
        dueDate: DUE,
        raisedAt: at('2026-04-17 00:00'),
        responsible: bank,
        evidence: [],
        legalBasis: legalBasisOf('feed-incomplete'),
        detail:
          'no end-of-day statement of the wage account for 2026-04-15: the wage findings for 2026-03 (due 2026-04-15) wait for it',
      },
    ]);
  });

  it('given the statement arrives late, when reconciled, then wages-missed is raised and feed-incomplete resolved', () => {
    const firstSweep = at('2026-04-17 00:00');
    const recorded = applyTransitions(
      new Map(),
      reconcile(new Map(), when(owed().build(), firstSweep), firstSweep),
    );
    expect([...recorded.keys()]).toEqual([`feed-incomplete:missing:${DUE}`]);

    const state = owed()
      .statement(DUE, { receivedAt: at('2026-04-17 09:30') })
      .build();
    const sweep = at('2026-04-17 10:00');
    const findings = when(state, sweep);

    // raisedAt = max(2026-04-16 00:00, received 2026-04-17 09:30)
    expect(findings.map((f) => [f.key, f.status, f.raisedAt])).toEqual([
      [`wages-missed:${MARCH}:${LI.idNumber}`, 'open', at('2026-04-17 09:30')],
    ]);
    expect(transitionsOf(reconcile(recorded, findings, sweep))).toEqual([
      {
        kind: 'raised',
        key: `wages-missed:${MARCH}:${LI.idNumber}`,
        status: 'open',
        raisedAt: at('2026-04-17 09:30'),
        resolvedAt: undefined,
      },
      {
        kind: 'resolved',
        key: `feed-incomplete:missing:${DUE}`,
        status: 'resolved',
        raisedAt: at('2026-04-17 00:00'),
        resolvedAt: sweep,
      },
    ]);
  });
});

describe('rule 2: wages late', () => {
  // Due 2026-04-15; paid in full five days later, Monday 2026-04-20 10:00.
  const before = () => liOwedMarch().statement(DUE);
  const after = () => before().paid(LI, NET, at('2026-04-20 10:00')).statement('2026-04-20');

  it('given full payment 5 days late, when evaluated, then wages-late is born resolved and stays on record', () => {
    const findings = when(after().build(), at('2026-04-21 12:00'));

    expect(open(findings)).toEqual([]);
    expect(find(findings, `wages-late:${MARCH}:${LI.idNumber}`)).toMatchObject({
      rule: 'wages-late',
      severity: 'medium',
      status: 'resolved',
      record: true,
      dueDate: DUE,
      amountOwed: 520000n,
      amountPaid: 520000n,
      raisedAt: at('2026-04-20 10:00'),
      resolvedAt: at('2026-04-20 10:00'),
      evidence: ['sheet:S-2026-03:v1', 'bank:T1'],
      detail: 'net pay 5200.00 for 2026-03 was due 2026-04-15 and was paid in full on 2026-04-20',
    });
  });

  it('given wages-missed on record, when the late payment is reconciled, then missed resolves at the payment and late is raised resolved', () => {
    const firstSweep = at('2026-04-16 12:00');
    const recorded = applyTransitions(
      new Map(),
      reconcile(new Map(), when(before().build(), firstSweep), firstSweep),
    );
    expect([...recorded.values()].map((f) => [f.key, f.status, f.raisedAt])).toEqual([
      [`wages-missed:${MARCH}:${LI.idNumber}`, 'open', at('2026-04-16 06:00')],
    ]);

    const sweep = at('2026-04-21 12:00');
    const transitions = reconcile(recorded, when(after().build(), sweep), sweep);

    expect(transitionsOf(transitions)).toEqual([
      {
        kind: 'raised',
        key: `wages-late:${MARCH}:${LI.idNumber}`,
        status: 'resolved',
        raisedAt: at('2026-04-20 10:00'),
        resolvedAt: at('2026-04-20 10:00'),
      },
      {
        kind: 'resolved',
        key: `wages-missed:${MARCH}:${LI.idNumber}`,
        status: 'resolved',
        raisedAt: at('2026-04-16 06:00'),
        resolvedAt: at('2026-04-20 10:00'),
      },
    ]);
  });

  it('given the late payment seen by the first sweep, when reconciled, then only wages-late is recorded', () => {
    const sweep = at('2026-04-21 12:00');
    const transitions = reconcile(new Map(), when(after().build(), sweep), sweep);
    expect(transitions.map((t) => [t.kind, t.finding.key, t.finding.status])).toEqual([
      ['raised', `wages-late:${MARCH}:${LI.idNumber}`, 'resolved'],
    ]);
  });
});

describe('rule 3: wages short', () => {
  // 80% of 5200.00 = 4160.00 paid on the due date; 20% = 1040.00 still owed.
  const short = () => liOwedMarch().paid(LI, '4160.00', at('2026-04-15 10:00')).statement(DUE);

  it('given 80% paid on time, when evaluated, then wages-short is open for the 20% left', () => {
    const findings = when(short().build(), at('2026-04-16 12:00'));

    expect(open(findings)).toEqual([
      expect.objectContaining({
        key: `wages-short:${MARCH}:${LI.idNumber}`,
        rule: 'wages-short',
        severity: 'high',
        amountOwed: 104000n,
        amountPaid: 416000n,
        // max(gate 2026-04-16 06:00, first payment 2026-04-15 10:00)
        raisedAt: at('2026-04-16 06:00'),
        detail: 'paid 4160.00 of the 2026-03 net pay 5200.00; 1040.00 is still owed',
      }),
    ]);
  });

  it('given the rest paid a week later, when reconciled, then short resolves and wages-late is recorded', () => {
    const firstSweep = at('2026-04-16 12:00');
    const recorded = applyTransitions(
      new Map(),
      reconcile(new Map(), when(short().build(), firstSweep), firstSweep),
    );
    expect([...recorded.keys()]).toEqual([`wages-short:${MARCH}:${LI.idNumber}`]);

    const state = short().paid(LI, '1040.00', at('2026-04-22 10:00')).statement('2026-04-22').build();
    const sweep = at('2026-04-23 12:00');
    const findings = when(state, sweep);

    expect(open(findings)).toEqual([]);
    expect(find(findings, `wages-late:${MARCH}:${LI.idNumber}`)).toMatchObject({
      status: 'resolved',
      record: true,
      amountOwed: 520000n,
      amountPaid: 520000n,
      raisedAt: at('2026-04-22 10:00'),
      resolvedAt: at('2026-04-22 10:00'),
    });
    expect(transitionsOf(reconcile(recorded, findings, sweep))).toEqual([
      {
        kind: 'raised',
        key: `wages-late:${MARCH}:${LI.idNumber}`,
        status: 'resolved',
        raisedAt: at('2026-04-22 10:00'),
        resolvedAt: at('2026-04-22 10:00'),
      },
      {
        kind: 'resolved',
        key: `wages-short:${MARCH}:${LI.idNumber}`,
        status: 'resolved',
        raisedAt: at('2026-04-16 06:00'),
        resolvedAt: at('2026-04-22 10:00'),
      },
    ]);
  });

  it('given wages-missed on record, when a partial payment arrives late, then missed resolves and short is raised', () => {
    const missed = () => liOwedMarch().statement(DUE);
    const firstSweep = at('2026-04-16 12:00');
    const recorded = applyTransitions(
      new Map(),
      reconcile(new Map(), when(missed().build(), firstSweep), firstSweep),
    );

    const state = missed().paid(LI, '2000.00', at('2026-04-20 10:00')).statement('2026-04-20').build();
    const sweep = at('2026-04-21 12:00');
    const transitions = reconcile(recorded, when(state, sweep), sweep);

    // short: 5200.00 − 2000.00 = 3200.00 owed, raised at max(gate 04-16 06:00, first payment 04-20 10:00).
    expect(transitionsOf(transitions)).toEqual([
      {
        kind: 'raised',
        key: `wages-short:${MARCH}:${LI.idNumber}`,
        status: 'open',
        raisedAt: at('2026-04-20 10:00'),
        resolvedAt: undefined,
      },
      {
        kind: 'resolved',
        key: `wages-missed:${MARCH}:${LI.idNumber}`,
        status: 'resolved',
        raisedAt: at('2026-04-16 06:00'),
        resolvedAt: at('2026-04-20 10:00'),
      },
    ]);
    expect(transitions[0]?.finding.amountOwed).toBe(320000n);
  });

  it('given a second partial payment, when reconciled, then the open wages-short is updated with what is still owed', () => {
    const firstSweep = at('2026-04-16 12:00');
    const recorded = applyTransitions(
      new Map(),
      reconcile(new Map(), when(short().build(), firstSweep), firstSweep),
    );

    const state = short().paid(LI, '540.00', at('2026-04-22 10:00')).statement('2026-04-22').build();
    const sweep = at('2026-04-23 12:00');
    const [update, ...rest] = reconcile(recorded, when(state, sweep), sweep);

    expect(rest).toEqual([]);
    expect(update?.kind).toBe('updated');
    // 5200.00 − 4160.00 − 540.00 = 500.00 still owed; the finding keeps its first raisedAt.
    expect(update?.finding).toMatchObject({ status: 'open', amountOwed: 50000n, amountPaid: 470000n });
    expect(update?.finding.raisedAt).toEqual(at('2026-04-16 06:00'));
  });
});

describe('what counts as a payment', () => {
  it('given a failed transfer, when evaluated, then the wages are still missed', () => {
    const state = liOwedMarch()
      .paid(LI, NET, at('2026-04-15 10:00'), { status: 'failed' })
      .statement(DUE) // 0 debits: a failed transfer is not on the statement
      .build();

    expect(
      when(state, at('2026-04-16 12:00')).map((f) => [f.key, f.status, f.amountOwed, f.amountPaid]),
    ).toEqual([[`wages-missed:${MARCH}:${LI.idNumber}`, 'open', 520000n, 0n]]);
  });

  it('given a transfer the bank returned, when evaluated, then the wages are still missed', () => {
    const state = liOwedMarch()
      .paid(LI, NET, at('2026-04-15 10:00')) // T1
      .statement(DUE)
      .returned('T1', at('2026-04-16 11:00')) // T2, a credit naming T1
      .statement('2026-04-16')
      .build();

    expect(
      when(state, at('2026-04-17 12:00')).map((f) => [f.key, f.status, f.raisedAt, f.amountPaid]),
    ).toEqual([[`wages-missed:${MARCH}:${LI.idNumber}`, 'open', at('2026-04-16 06:00'), 0n]]);
  });
});

describe('rule 4: wrong payee', () => {
  const base = () => given().workers(LI, WANG).statement('2026-03-31');

  it('given a debit to a card no worker registered, when evaluated, then wrong-payee is open', () => {
    const state = base()
      .debit('3000.00', at('2026-04-10 10:00'), { toAccount: STRANGER.accountNo, toName: STRANGER.name })
      .build();

    expect(when(state, at('2026-04-10 12:00'))).toEqual([
      {
        key: 'wrong-payee:T1',
        rule: 'wrong-payee',
        severity: 'high',
        status: 'open',
        amountPaid: 300000n,
        raisedAt: at('2026-04-10 10:00'),
        responsible: contractor,
        evidence: ['bank:T1'],
        legalBasis: legalBasisOf('wrong-payee'),
        detail: 'debit T1 of 3000.00 to 赵某: the payee is not a registered worker of this project',
      },
    ]);
  });

  it("given a debit naming Li's ID to a card not registered for him, when evaluated, then wrong-payee is open against Li's name", () => {
    const state = base()
      .debit(NET, at('2026-04-10 10:00'), {
        toAccount: STRANGER.accountNo,
        toName: LI.name,
        naming: LI.idNumber,
      })
      .build();

    expect(when(state, at('2026-04-10 12:00'))).toEqual([
      expect.objectContaining({
        key: 'wrong-payee:T1',
        status: 'open',
        worker: { idNumber: LI.idNumber, name: LI.name },
        detail: 'debit T1 of 5200.00 to 李建国: the card is not the one registered for the worker named',
      }),
    ]);
  });

  it("given a debit to Wang's card naming Li's ID, when evaluated, then wrong-payee is open", () => {
    const state = base().paid(WANG, NET, at('2026-04-10 10:00'), { naming: LI.idNumber }).build();

    const [f, ...rest] = when(state, at('2026-04-10 12:00'));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ key: 'wrong-payee:T1', status: 'open', worker: { idNumber: LI.idNumber } });
    expect(f?.detail).toBe(
      `debit T1 of 5200.00 to 王秀英: the card belongs to ${maskIdNumber(WANG.idNumber)}, not to the ID named in the transfer`,
    );
  });

  it("given Li owed March and a payment to Wang's card naming Li's ID, when evaluated after the due date, then Li is still unpaid", () => {
    const state = liOwedMarch()
      .workers(WANG)
      .paid(WANG, NET, at('2026-04-15 10:00'), { naming: LI.idNumber })
      .statement(DUE)
      .build();

    const rules = when(state, at('2026-04-20 12:00')).map((f) => `${f.rule}:${f.status}`);
    // The card is Wang's: the payment reaches no card registered to Li (Art 11), so it pays nothing of Li's.
    expect(rules.sort()).toEqual(['wages-missed:open', 'wrong-payee:open']);
  });

  it('given a bank fee, when evaluated, then there is no finding', () => {
    const state = base()
      .debit('15.00', at('2026-04-10 10:00'), { toName: 'ICBC fees', purpose: 'bank-fee' })
      .statement('2026-04-10')
      .build();

    expect(when(state, at('2026-04-14 12:00'))).toEqual([]);
  });

  it('given a wrong-payee debit the bank returned, when reconciled, then the finding resolves at the return', () => {
    const out = base().debit('3000.00', at('2026-04-10 10:00'), {
      toAccount: STRANGER.accountNo,
      toName: STRANGER.name,
    });
    const firstSweep = at('2026-04-10 12:00');
    const recorded = applyTransitions(
      new Map(),
      reconcile(new Map(), when(out.build(), firstSweep), firstSweep),
    );

    const state = out
      .statement('2026-04-10')
      .returned('T1', at('2026-04-13 11:00'))
      .statement('2026-04-13')
      .build();
    const sweep = at('2026-04-13 12:00');
    const findings = when(state, sweep);

    expect(findings).toEqual([
      expect.objectContaining({
        key: 'wrong-payee:T1',
        status: 'resolved',
        raisedAt: at('2026-04-10 10:00'),
        resolvedAt: at('2026-04-13 11:00'),
        evidence: ['bank:T1', 'bank:T2'],
      }),
    ]);
    expect(transitionsOf(reconcile(recorded, findings, sweep))).toEqual([
      {
        kind: 'resolved',
        key: 'wrong-payee:T1',
        status: 'resolved',
        raisedAt: at('2026-04-10 10:00'),
        resolvedAt: at('2026-04-13 11:00'),
      },
    ]);
  });
});

describe('rule 5: paid outside the account', () => {
  it("given Li paid from another project's wage account, when evaluated, then paid-outside-account is open", () => {
    const state = given()
      .workers(LI)
      .statement('2026-03-31')
      .outsidePayment(LI, NET, at('2026-04-15 10:00'))
      .build();

    expect(when(state, at('2026-04-15 12:00'))).toEqual([
      {
        key: 'paid-outside-account:4202010009100077777:T1',
        rule: 'paid-outside-account',
        severity: 'medium',
        status: 'open',
        worker: { idNumber: LI.idNumber, name: LI.name },
        amountPaid: 520000n,
        raisedAt: at('2026-04-15 10:00'),
        responsible: contractor,
        evidence: ['bank:T1'],
        legalBasis: legalBasisOf('paid-outside-account'),
        detail:
          "wages of 5200.00 paid from the wage account of project P-2026-077, not from this project's dedicated account",
      },
    ]);
  });
});

describe('rule 14: a due date with nothing due', () => {
  it('given no sheet and no worker active that month, when the due date passes without its statement, then nothing is demanded', () => {
    // Workers enrolled only from April: March has nothing due, so its 04-15 statement is not awaited.
    const state = given()
      .workers(worker(1, LI.name, { enrolledOn: '2026-04-01' }))
      .build();

    expect(when(state, at('2026-04-20 12:00'))).toEqual([]);
  });
});

describe('rule 6: payroll sheet missing', () => {
  const missing = (raisedAt: Date) => ({
    key: `payroll-missing:${MARCH}`,
    rule: 'payroll-missing',
    severity: 'medium',
    status: 'open',
    period: MARCH,
    dueDate: DUE,
    raisedAt,
    responsible: contractor,
    evidence: [],
    legalBasis: legalBasisOf('payroll-missing'),
    detail:
      'no payroll sheet for 2026-03 although 1 registered worker(s) were active; wages were due 2026-04-15',
  });

  it('given an active worker and no sheet, when the due date has passed, then payroll-missing is open from the end of the due day', () => {
    const state = given().workers(LI).statement('2026-03-31').statement(DUE).build();

    expect(when(state, at('2026-04-15 23:00'))).toEqual([]);
    // The statement (received 2026-04-16 06:00) does not delay it: the sheet is the contractor's.
    expect(when(state, at('2026-04-16 01:00'))).toEqual([missing(at('2026-04-16 00:00'))]);
  });

  it('given an active worker, no sheet and no statement at all, when evaluated before the due date has passed, then nothing', () => {
    const state = given().workers(LI).build();

    expect(when(state, at('2026-04-15 23:59'))).toEqual([]);
  });

  it('given an active worker, no sheet and no statement at all, when the due date has passed, then payroll-missing is open all the same', () => {
    const state = given().workers(LI).build();

    expect(when(state, at('2026-04-16 12:00'))).toEqual([missing(at('2026-04-16 00:00'))]);
  });

  it('given no sheet and no statement for the due date, once the next working day has ended, then payroll-missing and feed-incomplete against the bank', () => {
    const state = given().workers(LI).statement('2026-03-31').build();

    const findings = when(state, at('2026-04-17 00:00'));
    expect(findings.map((f) => f.key)).toEqual([
      `payroll-missing:${MARCH}`,
      `feed-incomplete:missing:${DUE}`,
    ]);
    expect(find(findings, `payroll-missing:${MARCH}`)).toEqual(missing(at('2026-04-16 00:00')));
    expect(find(findings, `feed-incomplete:missing:${DUE}`).responsible).toEqual(bank);
  });

  it('given workers who left before March or enrolled after it, when evaluated, then no payroll-missing for March', () => {
    const left = worker(3, '张伟', { enrolledOn: '2026-02-01', leftOn: '2026-02-28' });
    const later = worker(4, '刘洋', { enrolledOn: '2026-04-01' });
    const state = given({ startDate: '2026-02-01' })
      .workers(left, later)
      .statement('2026-03-13')
      .statement(DUE)
      .build();

    const findings = when(state, at('2026-04-16 12:00'));
    expect(findings.filter((f) => f.period === MARCH)).toEqual([]);
    // February's sheet is missing, though: Zhang was active then (due 2026-03-13).
    expect(findings.map((f) => f.key)).toEqual(['payroll-missing:2026-02']);
  });

  it('given the sheet arrives after the finding, when reconciled, then payroll-missing resolves', () => {
    const early = given()
      .workers(LI)
      .statement('2026-03-31')
      .paid(LI, NET, at('2026-04-15 10:00'))
      .statement(DUE);
    const firstSweep = at('2026-04-16 12:00');
    const recorded = applyTransitions(
      new Map(),
      reconcile(new Map(), when(early.build(), firstSweep), firstSweep),
    );
    expect([...recorded.keys()]).toEqual([`payroll-missing:${MARCH}`]);

    // The sheet for March comes on 2026-04-17; Li had been paid in full on the due date.
    const state = early.sheet(MARCH, [line(LI, NET)], at('2026-04-17 09:00')).build();
    const sweep = at('2026-04-17 10:00');
    const findings = when(state, sweep);

    expect(findings).toEqual([]);
    expect(transitionsOf(reconcile(recorded, findings, sweep))).toEqual([
      {
        kind: 'resolved',
        key: `payroll-missing:${MARCH}`,
        status: 'resolved',
        raisedAt: at('2026-04-16 00:00'),
        resolvedAt: sweep,
      },
    ]);
  });

  it('given payroll-missing raised without a statement, when the statement arrives, then the finding is unchanged', () => {
    const before = given().workers(LI).statement('2026-03-31');
    const firstSweep = at('2026-04-16 12:00');
    const recorded = applyTransitions(
      new Map(),
      reconcile(new Map(), when(before.build(), firstSweep), firstSweep),
    );
    expect([...recorded.keys()]).toEqual([`payroll-missing:${MARCH}`]);

    const sweep = at('2026-04-16 13:00');
    const after = before.statement(DUE, { receivedAt: at('2026-04-16 12:30') }).build();
    expect(reconcile(recorded, when(after, sweep), sweep)).toEqual([]);
  });
});

describe('rule 6: payroll line unsigned', () => {
  const unsigned = () =>
    given()
      .workers(LI)
      .statement('2026-03-31')
      .sheet(MARCH, [line(LI, NET, false)])
      .paid(LI, NET, at('2026-04-15 10:00'));
  const finding = expect.objectContaining({
    key: `payroll-unsigned:${MARCH}:${LI.idNumber}`,
    rule: 'payroll-unsigned',
    severity: 'low',
    status: 'open',
    worker: { idNumber: LI.idNumber, name: LI.name },
    dueDate: DUE,
    raisedAt: at('2026-04-16 00:00'),
    evidence: ['sheet:S-2026-03:v1'],
    detail: 'the worker has not confirmed the 2026-03 payroll line (5200.00)',
  });

  it('given an unsigned line, when evaluated before the due date has passed, then nothing', () => {
    expect(when(unsigned().statement(DUE).build(), at('2026-04-15 12:00'))).toEqual([]);
  });

  it('given an unsigned line, when evaluated after the due date, then payroll-unsigned is open', () => {
    expect(when(unsigned().statement(DUE).build(), at('2026-04-16 12:00'))).toEqual([finding]);
  });

  it('given an unsigned line and no statement for the due date, when evaluated after the due date, then payroll-unsigned is open all the same', () => {
    expect(when(unsigned().build(), at('2026-04-16 12:00'))).toEqual([finding]);
  });
});

describe('allocation of payments to months', () => {
  // Enrolled 2026-08-01. August due Tuesday 2026-09-15, September due Thursday 2026-10-15.
  const augustAndSeptember = () =>
    given({ startDate: '2026-08-01' })
      .workers(worker(1, LI.name, { enrolledOn: '2026-08-01' }))
      .sheet('2026-08', [line(LI, NET)])
      .sheet('2026-09', [line(LI, NET)]);

  it('given August and September owed and one payment on 10-15, then it pays August (late) and September is missed', () => {
    const state = augustAndSeptember()
      .statement('2026-09-15')
      .paid(LI, NET, at('2026-10-15 10:00'))
      .statement('2026-10-15')
      .build();

    const findings = when(state, at('2026-10-16 12:00'));

    expect(open(findings)).toEqual([
      expect.objectContaining({
        key: `wages-missed:2026-09:${LI.idNumber}`,
        amountOwed: 520000n,
        amountPaid: 0n,
        raisedAt: at('2026-10-16 06:00'),
      }),
    ]);
    expect(find(findings, `wages-late:2026-08:${LI.idNumber}`)).toMatchObject({
      status: 'resolved',
      record: true,
      dueDate: '2026-09-15',
      raisedAt: at('2026-10-15 10:00'),
    });
  });

  it('given a double payment before September began, then September gets none of it', () => {
    // 10400.00 on 2026-08-31: 5200.00 to August; September had not begun, so 5200.00 stays unallocated.
    const state = augustAndSeptember()
      .paid(LI, '10400.00', at('2026-08-31 10:00'))
      .statement('2026-08-31')
      .statement('2026-09-15')
      .statement('2026-10-15')
      .build();

    expect(
      when(state, at('2026-10-16 12:00')).map((f) => [f.key, f.status, f.amountOwed, f.amountPaid]),
    ).toEqual([[`wages-missed:2026-09:${LI.idNumber}`, 'open', 520000n, 0n]]);
  });
});

describe('rule 14: statement totals', () => {
  const mismatched = () =>
    liOwedMarch()
      .paid(LI, NET, at('2026-04-15 10:00'))
      .statement(DUE, { debitCount: 1, debitTotal: yuan('4200.00') });

  it('given a statement disagreeing with the transfers, when the next working day has not ended, then nothing', () => {
    expect(when(mismatched().build(), at('2026-04-16 23:59'))).toEqual([]);
  });

  it('given a statement disagreeing with the transfers, after the next working day, then feed-incomplete mismatch', () => {
    expect(when(mismatched().build(), at('2026-04-17 00:00'))).toEqual([
      {
        key: `feed-incomplete:mismatch:${DUE}`,
        rule: 'feed-incomplete',
        severity: 'medium',
        status: 'open',
        dueDate: DUE,
        // max(end of 2026-04-16, received 2026-04-16 06:00)
        raisedAt: at('2026-04-17 00:00'),
        responsible: bank,
        evidence: ['statement:2026-04-15', 'bank:T1'],
        legalBasis: legalBasisOf('feed-incomplete'),
        detail:
          'statement for 2026-04-15 disagrees with the transfers received: statement debits 1 / 4200.00, credits 0 / 0.00; ' +
          'received debits 1 / 5200.00, credits 0 / 0.00',
      },
    ]);
  });

  it('given a day with movements and no statement, after the next working day, then feed-incomplete missing', () => {
    // Friday 2026-04-10: the next working day is Monday 2026-04-13, which ends 2026-04-14 00:00.
    const state = given()
      .workers(LI)
      .statement('2026-03-31')
      .paid(LI, '100.00', at('2026-04-10 10:00'))
      .build();

    expect(when(state, at('2026-04-13 23:59'))).toEqual([]);
    expect(when(state, at('2026-04-14 00:00'))).toEqual([
      expect.objectContaining({
        key: 'feed-incomplete:missing:2026-04-10',
        raisedAt: at('2026-04-14 00:00'),
        evidence: ['bank:T1'],
        detail:
          'no end-of-day statement of the wage account for 2026-04-10: movements were reported for that day',
      }),
    ]);
  });
});

describe('calendar edges through the rules', () => {
  it('given payDay 20 for January 2026, then wages are due on the make-up Saturday 02-14 and a payment on 02-16 is late', () => {
    // 2026-02-20 falls in the Spring Festival block (02-15..23); the nearest working day before it is
    // Saturday 2026-02-14, a make-up working day.
    const january = () =>
      given({ payDay: 20 })
        .workers(worker(1, LI.name, { enrolledOn: '2026-01-05' }))
        .sheet('2026-01', [line(LI, NET)]);

    const onTime = january().paid(LI, NET, at('2026-02-14 10:00')).statement('2026-02-14').build();
    expect(when(onTime, at('2026-02-25 12:00'))).toEqual([]);

    const late = january()
      .statement('2026-02-14')
      .paid(LI, NET, at('2026-02-16 10:00'))
      .statement('2026-02-16')
      .build();
    const findings = when(late, at('2026-02-25 12:00'));
    expect(open(findings)).toEqual([]);
    expect(find(findings, `wages-late:2026-01:${LI.idNumber}`)).toMatchObject({
      dueDate: '2026-02-14',
      raisedAt: at('2026-02-16 10:00'),
      resolvedAt: at('2026-02-16 10:00'),
    });
  });

  it('given no statement for 02-14, then feed-incomplete waits for the end of 02-24, the first working day after the festival', () => {
    const state = given({ payDay: 20 })
      .workers(worker(1, LI.name, { enrolledOn: '2026-01-05' }))
      .sheet('2026-01', [line(LI, NET)])
      .build();

    expect(when(state, at('2026-02-24 23:59'))).toEqual([]);
    expect(when(state, at('2026-02-25 00:00')).map((f) => [f.key, f.raisedAt])).toEqual([
      ['feed-incomplete:missing:2026-02-14', at('2026-02-25 00:00')],
    ]);
  });

  it('given payDay 15 on Sunday 2026-11-15, then wages are due Friday 11-13 and a payment on Saturday 11-14 is late', () => {
    const state = given({ startDate: '2026-10-01' })
      .workers(worker(1, LI.name, { enrolledOn: '2026-10-01' }))
      .sheet('2026-10', [line(LI, NET)])
      .statement('2026-11-13')
      .paid(LI, NET, at('2026-11-14 10:00'))
      .statement('2026-11-14')
      .build();

    const findings = when(state, at('2026-11-16 12:00'));
    expect(open(findings)).toEqual([]);
    expect(find(findings, `wages-late:2026-10:${LI.idNumber}`)).toMatchObject({
      dueDate: '2026-11-13',
      raisedAt: at('2026-11-14 10:00'),
    });
  });

  it("given payDay 31 for November, then wages are due on the year's last day 2026-12-31", () => {
    const state = given({ payDay: 31, startDate: '2026-11-01' })
      .workers(worker(1, LI.name, { enrolledOn: '2026-11-01' }))
      .sheet('2026-11', [line(LI, NET)])
      .statement('2026-12-31', { receivedAt: at('2027-01-01 09:00') })
      .build();

    expect(when(state, at('2026-12-31 23:59'))).toEqual([]);
    const findings = when(state, at('2027-01-01 12:00'));
    expect(findings).toEqual([
      expect.objectContaining({
        key: `wages-missed:2026-11:${LI.idNumber}`,
        dueDate: '2026-12-31',
        raisedAt: at('2027-01-01 09:00'),
      }),
    ]);
    expect(findings[0]?.warnings).toBeUndefined();
  });

  it("given no statement for 2026-12-31, then feed-incomplete's deadline in 2027 carries a warning, not a silent guess", () => {
    const state = given({ payDay: 31, startDate: '2026-11-01' })
      .workers(worker(1, LI.name, { enrolledOn: '2026-11-01' }))
      .sheet('2026-11', [line(LI, NET)])
      .statement('2026-11-30')
      .build();

    // 2027 is not covered: the next working day after Thursday 2026-12-31 is assumed from weekends
    // only (Friday 2027-01-01), so the finding is raised at its end, and says so.
    expect(when(state, at('2027-01-01 23:59'))).toEqual([]);
    const [feed, ...rest] = when(state, at('2027-01-02 00:00'));
    expect(rest).toEqual([]);
    expect(feed).toMatchObject({
      key: 'feed-incomplete:missing:2026-12-31',
      raisedAt: at('2027-01-02 00:00'),
    });
    expect(feed?.warnings).toEqual([expect.stringContaining('holiday calendar does not cover 2027')]);
  });

  it('given wages due in 2027, outside the holiday data, then the finding carries a warning', () => {
    // December 2026 → 2027-01-15 (a Friday: assumed a working day from weekends only).
    const state = given({ startDate: '2026-12-01' })
      .workers(worker(1, LI.name, { enrolledOn: '2026-12-01' }))
      .sheet('2026-12', [line(LI, NET)])
      .statement('2027-01-15')
      .build();

    const findings = when(state, at('2027-01-16 12:00'));
    expect(findings).toEqual([
      expect.objectContaining({
        key: `wages-missed:2026-12:${LI.idNumber}`,
        dueDate: '2027-01-15',
        raisedAt: at('2027-01-16 06:00'),
        warnings: [
          'holiday calendar does not cover 2027: due date 2027-01-15 (agreed date 2027-01-15) assumed from weekends only; ' +
            'add the State Council notice for 2027 to the calendar overrides',
        ],
      }),
    ]);
  });
});

describe('rule 14 in a year the calendar does not cover', () => {
  it('given no statement for Friday 2027-01-15, then it is overdue after Monday 01-18 (weekends only) with a warning', () => {
    const state = given({ startDate: '2026-12-01' })
      .workers(worker(1, LI.name, { enrolledOn: '2026-12-01' }))
      .sheet('2026-12', [line(LI, NET)])
      .statement('2026-12-31')
      .build();

    expect(when(state, at('2027-01-18 23:59'))).toEqual([]);
    const findings = when(state, at('2027-01-19 00:00'));
    expect(findings).toEqual([
      expect.objectContaining({
        key: 'feed-incomplete:missing:2027-01-15',
        raisedAt: at('2027-01-19 00:00'),
        warnings: [
          'holiday calendar does not cover 2027: the statement for 2027-01-15 is taken as overdue after 2027-01-18, ' +
            'assumed the next working day from weekends only; add the State Council notice for 2027 to the calendar overrides',
        ],
      }),
    ]);
  });
});

describe('determinism', () => {
  const busy = () =>
    given()
      .workers(LI, WANG)
      .statement('2026-03-31')
      .sheet(MARCH, [line(LI, NET), line(WANG, '4800.00', false)])
      .paid(LI, '4160.00', at('2026-04-15 10:00'))
      .debit('3000.00', at('2026-04-15 11:00'), { toAccount: STRANGER.accountNo, toName: STRANGER.name })
      .statement(DUE, { debitCount: 2, debitTotal: yuan('7160.00') })
      .paid(LI, '1040.00', at('2026-04-20 10:00'))
      .outsidePayment(WANG, '4800.00', at('2026-04-21 10:00'))
      .build();

  it('given the same state and instant, when evaluated twice, then the findings are deep-equal', () => {
    const asOf = at('2026-04-22 12:00');
    const first = when(busy(), asOf);
    expect(first.length).toBeGreaterThan(4);
    expect(when(busy(), asOf)).toEqual(first);
  });

  it('given what is on record equals what the rules say, when reconciled, then there is no transition', () => {
    const asOf = at('2026-04-22 12:00');
    const desired = when(busy(), asOf);
    expect(reconcile(keyed(desired), desired, asOf)).toEqual([]);
  });
});
