import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../calendar.ts';
import {
  DEFAULT_PATROL_POLICY,
  type PatrolCandidate,
  patrolFinding,
  patrolQuarter,
  patrolQuarterOf,
  patrolSlotDue,
  planPatrols,
  validatePatrolPolicy,
  validatePatrolVisit,
} from './index.ts';

const cal = defaultCalendar;
const employer = (code: string, over: Partial<PatrolCandidate> = {}): PatrolCandidate => ({
  district: '东区',
  employerCode: code,
  employerName: `总包${code}`,
  workers: 80,
  grade: 'A',
  projects: [{ projectId: `P-${code}`, name: `项目${code}`, workers: 80 }],
  ...over,
});

describe('the routine patrol plan (日常巡查)', () => {
  it('given a date, then its quarter runs from the first day of its first month to the last of its third', () => {
    expect(patrolQuarter('2026-12-07')).toEqual({
      key: '2026-Q4',
      firstDay: '2026-10-01',
      lastDay: '2026-12-31',
    });
    expect(patrolQuarter('2027-02-28')).toEqual({
      key: '2027-Q1',
      firstDay: '2027-01-01',
      lastDay: '2027-03-31',
    });
    expect(patrolQuarterOf('2027-Q1')).toEqual(patrolQuarter('2027-02-28'));
  });

  it('given one visit a quarter, then it is due on the quarter’s last working day; three visits, on the last working day of each third', () => {
    const q = patrolQuarter('2026-10-09');
    // 31 December 2026 is a Thursday, a working day.
    expect(patrolSlotDue(q, 1, 1, cal).dueOn).toBe('2026-12-31');
    // 92 days: shares end 30 October (Friday), 30 November (Monday), 31 December.
    expect([1, 2, 3].map((s) => patrolSlotDue(q, s, 3, cal).dueOn)).toEqual([
      '2026-10-30',
      '2026-11-30',
      '2026-12-31',
    ]);
  });

  it('given a share ending in a holiday, then its visit is due the working day before it', () => {
    // Q3 2026 in two shares: the first ends 15 August 2026, a Saturday → Friday the 14th.
    expect(patrolSlotDue(patrolQuarter('2026-07-01'), 1, 2, cal).dueOn).toBe('2026-08-14');
  });

  it('given employers below and at the threshold, then only those with at least 50 registered workers are planned', () => {
    const plan = planPatrols({
      today: '2026-10-09',
      candidates: [employer('A1', { workers: 49 }), employer('A2', { workers: 50 })],
      planned: [],
      inspectors: { 东区: ['li'] },
      calendar: cal,
    });
    expect(plan.map((p) => [p.employerCode, p.slot, p.dueOn, p.assignee])).toEqual([
      ['A2', 1, '2026-12-31', 'li'],
    ]);
    expect(plan[0]!.key).toBe('2026-Q4|东区|A2|1');
  });

  it('given worse risk grades, then more visits: A and B once, C twice, D three times a quarter', () => {
    const plan = planPatrols({
      today: '2026-10-09',
      candidates: ['A', 'B', 'C', 'D'].map((g) => employer(`G${g}`, { grade: g as 'A' })),
      planned: [],
      inspectors: {},
      calendar: cal,
    });
    const visits = Object.fromEntries(
      ['GA', 'GB', 'GC', 'GD'].map((c) => [c, plan.filter((p) => p.employerCode === c).length]),
    );
    expect(visits).toEqual({ GA: 1, GB: 1, GC: 2, GD: 3 });
    // The riskiest first; no inspector in the district: unassigned.
    expect(plan[0]!.employerCode).toBe('GD');
    expect(plan.every((p) => p.assignee === null)).toBe(true);
  });

  it('given the plan already drawn, then drawing it again adds nothing', () => {
    const input = {
      today: '2026-10-09',
      candidates: [employer('A1', { grade: 'C' }), employer('A2')],
      inspectors: { 东区: ['li', 'wang'] },
      calendar: cal,
    };
    const first = planPatrols({ ...input, planned: [] });
    expect(first).toHaveLength(3);
    expect(planPatrols({ ...input, planned: first })).toEqual([]);
  });

  it('given visits to spread, then each goes to the inspector with the fewest this quarter, ties in login order', () => {
    const plan = planPatrols({
      today: '2026-10-09',
      candidates: [
        employer('A1', { grade: 'D', workers: 300 }),
        employer('A2', { workers: 90 }),
        employer('A3', { workers: 60 }),
      ],
      planned: [{ district: '东区', employerCode: 'OLD', slot: 1, assignee: 'wang' }],
      inspectors: { 东区: ['wang', 'li'] },
      calendar: cal,
    });
    expect(plan.map((p) => `${p.employerCode}#${p.slot}:${p.assignee}`)).toEqual([
      'A1#1:li',
      'A1#2:li',
      'A1#3:wang',
      'A2#1:li',
      'A3#1:wang',
    ]);
  });

  it('given a grade that worsens mid-quarter, then the visits it adds whose share is over are due in 10 working days', () => {
    const planned = [{ district: '东区', employerCode: 'A1', slot: 1, assignee: 'li' }];
    const plan = planPatrols({
      today: '2026-12-07',
      candidates: [employer('A1', { grade: 'D' })],
      planned,
      inspectors: { 东区: ['li'] },
      calendar: cal,
    });
    // Slot 2's share ended 30 November: 10 working days after Monday 7 December is Monday the 21st.
    expect(plan.map((p) => [p.slot, p.dueOn])).toEqual([
      [2, '2026-12-21'],
      [3, '2026-12-31'],
    ]);
  });

  it('given a policy row, then it is checked: a worse grade never has fewer visits', () => {
    expect(validatePatrolPolicy(DEFAULT_PATROL_POLICY)).toEqual([]);
    expect(
      validatePatrolPolicy({
        ...DEFAULT_PATROL_POLICY,
        minWorkers: 0,
        visitsByGrade: { A: 2, B: 1, C: 1, D: 1 },
      }),
    ).toEqual([
      'minWorkers must be a whole number ≥ 1',
      'a worse grade cannot have fewer visits than a better one',
    ]);
  });
});

describe('the record of a patrol visit', () => {
  const patrol = { projectIds: ['P-1', 'P-2'], quarterFirstDay: '2026-10-01' };
  const checks = [
    { item: 'headcount', ok: false, note: '现场 62 人，登记在岗 80 人' },
    { item: 'notice-board', ok: true },
    { item: 'payroll', ok: true, note: '' },
    { item: 'account', ok: true },
  ];
  const good = {
    visitedOn: '2026-12-07',
    projectId: 'P-1',
    workersCounted: 62,
    checks,
    problems: '18 人未在岗',
    raiseFinding: true,
  };

  it('given a complete record, then it is kept with every checklist item in order', () => {
    const r = validatePatrolVisit(good, patrol, '2026-12-07');
    expect(r.ok && r.record).toEqual({
      visitedOn: '2026-12-07',
      projectId: 'P-1',
      workersCounted: 62,
      checks: [
        { item: 'headcount', ok: false, note: '现场 62 人，登记在岗 80 人' },
        { item: 'notice-board', ok: true, note: '' },
        { item: 'payroll', ok: true, note: '' },
        { item: 'account', ok: true, note: '' },
      ],
      problems: '18 人未在岗',
      raiseFinding: true,
    });
  });

  it('given a record wrong everywhere, then each field is named', () => {
    const r = validatePatrolVisit(
      {
        visitedOn: '2026-12-08',
        projectId: 'P-9',
        workersCounted: -1,
        checks: [
          { item: 'headcount', ok: false },
          { item: 'ghost', ok: true },
        ],
        raiseFinding: true,
      },
      patrol,
      '2026-12-07',
    );
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual([
      'visitedOn',
      'projectId',
      'workersCounted',
      'checks.headcount',
      'checks.notice-board',
      'checks.payroll',
      'checks.account',
      'checks',
      'problems',
    ]);
  });

  it('given a visit before the quarter, then it is refused', () => {
    const r = validatePatrolVisit({ ...good, visitedOn: '2026-09-30' }, patrol, '2026-12-07');
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual(['巡查日期不能早于本季度 2026-10-01']);
  });

  it('given a record that raises a finding, then the finding names the headcount against the registry and each failed check', () => {
    const r = validatePatrolVisit(good, patrol, '2026-12-07');
    if (!r.ok) throw new Error('expected a valid record');
    const f = patrolFinding(
      r.record,
      { patrolId: 'PT-1', quarter: '2026-Q4', registeredOnDay: 80 },
      { name: '总包1', code: 'C1' },
      new Date('2026-12-07T08:00:00Z'),
    );
    expect(f).toMatchObject({
      findingId: 'patrol:PT-1',
      rule: 'patrol-finding',
      severity: 'medium',
      status: 'open',
      projectId: 'P-1',
      responsible: { kind: 'contractor', name: '总包1', code: 'C1' },
      evidence: [
        '日常巡查 2026-Q4（2026-12-07）：现场清点 62 人，实名制登记在岗 80 人',
        '现场人数与实名制登记核对：现场 62 人，登记在岗 80 人',
      ],
      detail: '18 人未在岗',
    });
    expect(f.legalBasis).toContain('日常巡视检查');
  });
});
