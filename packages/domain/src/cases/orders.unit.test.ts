import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import { decideOrder, type OrderFacts, type OrderFinding, orderNumber } from './orders.ts';

const finding = (id: string, more: Partial<OrderFinding> = {}): OrderFinding => ({
  findingId: id,
  rule: 'wages-missed',
  worker: { idNumberMasked: '510402********1234', name: '张*' },
  period: '2026-08',
  dueDate: '2026-09-15',
  amountOwed: '5200.00',
  amountPaid: '0.00',
  evidence: [`sheet:P-1:${id}`],
  detail: 'unpaid',
  ...more,
});
const facts = (findings: OrderFinding[], more: Partial<OrderFacts> = {}): OrderFacts => ({
  caseId: 'C-1',
  projectId: 'P-1',
  projectName: '花城新区安置房',
  district: '东区',
  employer: { kind: 'contractor', name: '攀枝花某建设有限公司', code: '91510400MA00000001' },
  findings,
  ...more,
});
const command = {
  kind: 'correction' as const,
  issuedOn: '2026-09-18',
  authority: '攀枝花市东区人力资源和社会保障局',
  inspector: '李监察',
  workingDays: 5,
};

describe('an order to correct (责令改正指令书)', () => {
  it('given two months unpaid for one worker and a short payment for another: the amounts per worker and per rule', () => {
    const d = decideOrder(
      facts([
        finding('F-2', { period: '2026-07', amountOwed: '5000.00' }),
        finding('F-1'),
        finding('F-3', {
          rule: 'wages-short',
          worker: { idNumberMasked: '510402********5678', name: '王*' },
          amountOwed: '4800.00',
          amountPaid: '3000.50',
        }),
      ]),
      command,
      defaultCalendar,
    );
    if (!d.ok) throw new Error(d.reason);
    expect(d.content.title).toBe('劳动保障监察责令改正指令书');
    expect(d.content.workers).toEqual([
      {
        idNumberMasked: '510402********1234',
        name: '张*',
        periods: ['2026-07', '2026-08'],
        owedFen: 1020000n,
        paidFen: 0n,
        outstandingFen: 1020000n,
      },
      {
        idNumberMasked: '510402********5678',
        name: '王*',
        periods: ['2026-08'],
        owedFen: 480000n,
        paidFen: 300050n,
        outstandingFen: 179950n,
      },
    ]);
    expect(d.content.outstandingFen).toBe(1199950n);
    expect(d.content.lines.map((l) => [l.rule, l.ruleName, l.findings, l.owedFen])).toEqual([
      ['wages-missed', '未发放工资', 2, 1020000n],
      ['wages-short', '工资未足额发放', 1, 179950n],
    ]);
    expect(d.content.lines[0]?.legalBasis).toContain('Decree 724');
    expect(d.content.findingIds).toEqual(['F-1', 'F-2', 'F-3']);
    expect(d.content.evidence).toEqual([]);
  });

  it('given Friday 2026-09-18 and 5 working days: the deadline counts Sunday 09-20, a make-up working day', () => {
    const d = decideOrder(facts([finding('F-1')]), command, defaultCalendar);
    expect(d.ok && [d.content.deadline, d.content.workingDays]).toEqual(['2026-09-24', 5]);
  });

  it('given no working days: the default of 10; out of bounds or not whole: refused', () => {
    const { workingDays: _, ...noDays } = command;
    const d = decideOrder(facts([finding('F-1')]), noDays, defaultCalendar);
    expect(d.ok && d.content.workingDays).toBe(10);
    for (const workingDays of [0, 31, 2.5])
      expect(
        decideOrder(facts([finding('F-1')]), { ...command, workingDays }, defaultCalendar),
      ).toMatchObject({
        ok: false,
        reason: expect.stringContaining('workingDays'),
      });
  });

  it('given a case with no open finding: refused, there is nothing to correct', () => {
    expect(decideOrder(facts([]), command, defaultCalendar)).toMatchObject({ ok: false });
  });

  it('given a finding without a worker (an unsubmitted sheet): on the rule lines, not on the workers list', () => {
    const d = decideOrder(
      facts([finding('F-9', { rule: 'payroll-missing', amountOwed: undefined, amountPaid: undefined })]),
      command,
      defaultCalendar,
    );
    if (!d.ok) throw new Error(d.reason);
    expect(d.content.lines).toMatchObject([{ rule: 'payroll-missing', findings: 1, owedFen: 0n }]);
    expect(d.content.workers).toEqual([]);
  });
});

describe('a referral to the police (移送书)', () => {
  const referral = { ...command, kind: 'police-referral' as const };
  it('given the criminal threshold reached: the evidence of every finding once, the orders ignored, no deadline', () => {
    const d = decideOrder(
      facts(
        [
          finding('F-1', { evidence: ['tx:B1', 'sheet:S1'] }),
          finding('F-2', { evidence: ['sheet:S1', 'tx:B2'] }),
        ],
        {
          priorOrders: [
            { orderNo: '攀人社监令〔2026〕第0001号', deadline: '2026-09-01', issuedOn: '2026-08-18' },
          ],
        },
      ),
      { ...referral, policeThresholdReached: true },
      defaultCalendar,
    );
    if (!d.ok) throw new Error(d.reason);
    expect(d.content.title).toBe('涉嫌拒不支付劳动报酬案件移送书');
    expect(d.content.evidence).toEqual(['tx:B1', 'sheet:S1', 'tx:B2']);
    expect(d.content.priorOrders).toHaveLength(1);
    expect([d.content.deadline, d.content.workingDays]).toEqual([null, null]);
  });

  it('given a case below the threshold: refused', () => {
    expect(decideOrder(facts([finding('F-1')]), referral, defaultCalendar)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('criminal threshold'),
    });
  });
});

describe('an order number', () => {
  it('given the prefix, the year and the sequence: 〔year〕 and four digits', () => {
    expect(orderNumber('攀人社监令', 2026, 7)).toBe('攀人社监令〔2026〕第0007号');
  });
});
