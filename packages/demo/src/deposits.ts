import {
  addDays,
  addYears,
  applyBp,
  contractorRecord,
  formatFen,
  maxDate,
  NATIONAL_DEFAULT,
  parseYuan,
  requiredDeposit,
  type WorkingDayCalendar,
} from '@wagewatch/domain';
import type { SimProject } from './common.ts';
import { BANKS } from './data.ts';
import { bookedAt } from './ledger.ts';
import type { Rng } from './prng.ts';
import {
  ARREARS,
  DEPOSIT_MISSING,
  DRAW_NOT_TOPPED_UP,
  DRAW_TOPPED_UP,
  GUARANTEE_EXPIRING,
  GUARANTEED,
  type Pending,
  SHORT_PAIR,
} from './roles.ts';
import type { DemoCity, DepositRecordBody, ExpectedCase, ExpectedRule } from './types.ts';

/** What the deposits are planted on: the city drawn so far (the same generator, in order). */
export type DepositsCity = {
  rng: Rng;
  cal: WorkingDayCalendar;
  projects: SimProject[];
  /** Due dates by `projectId|period`. */
  dues: Map<string, string>;
  /** The month ARREARS's arrears start (its due date raises SHORT_PAIR's requirement). */
  skipMonth: string;
  lastDay: string;
  evalDay: string;
  expected: DemoCity['expected'];
  pending: Pending[];
};

/**
 * Deposits (rules 10-13). Within 20 working days of its permit every project lodges cash or a
 * bank guarantee (valid at least a year and to the planned end) of 1.5-1.8 times what the
 * national policy requires of a contractor without arrears (so that the +50 % after arrears
 * never makes it short by chance), or nothing when exempt. Except the deliberate cases:
 * DEPOSIT_MISSING lodges nothing; SHORT_PAIR lodges exactly the base, and its contractor's
 * arrears on ARREARS raise the requirement +50 %; GUARANTEE_EXPIRING's guarantee (valid one
 * year, to the contract's planned end) ends 16 days after the evaluation; DRAW_NOT_TOPPED_UP is drawn 12 working days before the last day and
 * never topped up; DRAW_TOPPED_UP is drawn and topped up on the 10th working day (no finding).
 */
export function makeDeposits(city: DepositsCity): DemoCity['deposits'] {
  const { rng, cal, projects, dues, skipMonth, lastDay, evalDay, expected, pending } = city;
  type Event = { project: SimProject; date: string; second: number; body: DepositRecordBody };
  const events: Event[] = [];
  const cases: Array<{ rule: ExpectedRule; c: ExpectedCase; event?: Event }> = [];
  const add = (
    project: SimProject,
    date: string,
    second: number,
    rest: Omit<DepositRecordBody, 'bankRef' | 'projectId' | 'occurredAt'>,
  ): Event => {
    const e: Event = {
      project,
      date,
      second,
      body: { bankRef: '', projectId: project.body.projectId, ...rest, occurredAt: bookedAt(date, second) },
    };
    events.push(e);
    return e;
  };
  const clean = (permitDate: string) =>
    contractorRecord({ findings: [], firstSeen: permitDate }, permitDate, { signedOn: permitDate });
  const arrearsProject = projects[ARREARS] as SimProject;
  const firstArrearsDue = dues.get(`${arrearsProject.body.projectId}|${skipMonth}`) as string;
  const noticeYear = lastDay.slice(0, 4);
  projects.forEach((project, i) => {
    const body = project.body;
    const id = body.projectId;
    const sameArea = projects
      .slice(0, i)
      .filter(
        (o) =>
          o.body.contractor.creditCode === body.contractor.creditCode && o.body.district === body.district,
      ).length;
    const input = {
      contractValueFen: parseYuan(body.contractValue),
      permitDate: body.permitDate,
      sameAreaOtherOpenProjects: sameArea,
      policy: NATIONAL_DEFAULT,
    };
    const base = requiredDeposit({ ...input, contractorRecord: clean(body.permitDate) });
    expected.requiredDeposits.push({
      projectId: id,
      amount: formatFen(base.amountFen),
      exempt: base.exempt,
    });
    if (base.exempt) return;
    const required = formatFen(base.amountFen);
    const deadline = cal.addWorkingDays(body.permitDate, 20);
    if (i === DEPOSIT_MISSING) {
      cases.push({
        rule: 'deposit-missing',
        c: {
          projectId: id,
          dueDate: deadline,
          requiredAmount: required,
          heldAmount: '0.00',
          status: 'open',
          note: `nothing lodged and no guarantee: ${required} (2% of ${body.contractValue}) was due within 20 working days of the permit of ${body.permitDate}, by ${deadline}`,
        },
      });
      return;
    }
    const lodgedOn = cal.addWorkingDays(body.permitDate, rng.int(2, 18));
    const second = 10 * 3600 + rng.int(0, 5 * 3600);
    const ample = roundUpThousandYuan(applyBp(base.amountFen, rng.int(15_000, 18_000)));
    const amountFen = i === SHORT_PAIR ? base.amountFen : ample;
    if (GUARANTEED.has(i)) {
      const validTo =
        i === GUARANTEE_EXPIRING
          ? addDays(evalDay, 16)
          : addDays(maxDate(addYears(lodgedOn, 1), body.plannedEndDate), rng.int(0, 30));
      // The expiring one was issued at the contract's signing, a year before it ends; the bank
      // reports it when it is lodged for the permit.
      const validFrom = i === GUARANTEE_EXPIRING ? addDays(addYears(validTo, -1), 1) : lodgedOn;
      const guaranteeNo = `${project.bank.refPrefix}-BH-${lodgedOn.replaceAll('-', '')}-${String(i + 1).padStart(3, '0')}`;
      const e = add(project, lodgedOn, second, {
        kind: 'guarantee-issued',
        amount: formatFen(amountFen),
        guaranteeNo,
        validFrom,
        validTo,
        issuer: project.bank.name,
      });
      if (i === GUARANTEE_EXPIRING) {
        cases.push({
          rule: 'guarantee-expiring',
          event: e,
          c: {
            projectId: id,
            guaranteeNo,
            dueDate: validTo,
            requiredAmount: required,
            heldAmount: formatFen(amountFen),
            status: 'open',
            note: `the only deposit is guarantee ${guaranteeNo} (${formatFen(amountFen)}), valid ${validFrom} to ${validTo}, the contract's planned end; it expires in 16 days and nothing replaces it`,
          },
        });
      }
      return;
    }
    add(project, lodgedOn, second, { kind: 'lodged', amount: formatFen(amountFen) });
    if (i === SHORT_PAIR) {
      const raised = requiredDeposit({
        ...input,
        contractorRecord: contractorRecord(
          {
            findings: [
              {
                rule: 'wages-missed',
                raisedAt: new Date(`${firstArrearsDue}T23:59:59+08:00`),
                projectId: arrearsProject.body.projectId,
              },
            ],
            firstSeen: body.permitDate,
          },
          evalDay,
          { signedOn: body.permitDate },
        ),
      });
      cases.push({
        rule: 'deposit-short',
        c: {
          projectId: id,
          date: firstArrearsDue,
          requiredAmount: formatFen(raised.amountFen),
          heldAmount: required,
          status: 'open',
          note: `lodged exactly the base ${required}; the contractor (${body.contractor.name}) has wage arrears on ${arrearsProject.body.projectId} from ${firstArrearsDue}, so the requirement rose 50% to ${formatFen(raised.amountFen)}`,
        },
      });
    }
    if (i === DRAW_NOT_TOPPED_UP || i === DRAW_TOPPED_UP) {
      const drawnOn = cal.addWorkingDays(lastDay, i === DRAW_NOT_TOPPED_UP ? -12 : -25);
      const drawnFen = roundUpThousandYuan(amountFen / 2n);
      const noticeRef = `PZH-RS-${noticeYear}-${String(i === DRAW_NOT_TOPPED_UP ? rng.int(30, 59) : rng.int(1, 29)).padStart(3, '0')}`;
      const draw = add(project, drawnOn, 14 * 3600 + rng.int(0, 3600), {
        kind: 'drawn',
        amount: formatFen(drawnFen),
        noticeRef,
      });
      const topUpBy = cal.addWorkingDays(drawnOn, 10);
      if (i === DRAW_TOPPED_UP) {
        add(project, topUpBy, 15 * 3600 + rng.int(0, 3600), {
          kind: 'topped-up',
          amount: formatFen(drawnFen),
        });
      } else {
        cases.push({
          rule: 'deposit-not-topped-up',
          event: draw,
          c: {
            projectId: id,
            date: drawnOn,
            dueDate: topUpBy,
            noticeRef,
            requiredAmount: required,
            heldAmount: formatFen(amountFen - drawnFen),
            status: 'open',
            note: `${formatFen(drawnFen)} drawn on ${drawnOn} (payment notice ${noticeRef}) for the wages of the month without a sheet; not topped up by ${topUpBy}`,
          },
        });
      }
    }
  });

  const out: DemoCity['deposits'] = [];
  for (const bank of BANKS) {
    const list = events
      .filter((e) => e.project.bank.bankCode === bank.bankCode)
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.second - b.second));
    list.forEach((e, n) => {
      e.body.bankRef = `${bank.refPrefix}DEP${e.date.replaceAll('-', '')}${String(n + 1).padStart(4, '0')}`;
    });
    if (list.length) out.push({ bankCode: bank.bankCode, body: { records: list.map((e) => e.body) } });
  }
  for (const { rule, c, event } of cases)
    pending.push({ rule, c: event ? { ...c, bankRef: event.body.bankRef } : c });
  return out;
}

/** Rounds up to whole thousands of yuan. */
function roundUpThousandYuan(fen: bigint): bigint {
  const step = 100_000n;
  return ((fen + step - 1n) / step) * step;
}
