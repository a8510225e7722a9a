import { describe, expect, it } from 'vitest';
import { legalBasisOf } from '../rules.ts';
import type { DesiredFinding } from './model.ts';
import { type RecordedFinding, reconcile } from './reconcile.ts';
import { at, CONTRACTOR, LI } from './testing.ts';

/** A finding as the rules give it: wages for March 2026 missed by Li, due 2026-04-15. */
function finding(overrides: Partial<DesiredFinding> = {}): DesiredFinding {
  return {
    key: `wages-missed:2026-03:${LI.idNumber}`,
    rule: 'wages-missed',
    severity: 'high',
    status: 'open',
    worker: { idNumber: LI.idNumber, name: LI.name },
    period: '2026-03',
    dueDate: '2026-04-15',
    amountOwed: 520000n,
    amountPaid: 0n,
    raisedAt: at('2026-04-16 06:00'),
    responsible: { kind: 'contractor', name: CONTRACTOR.name, code: CONTRACTOR.creditCode },
    evidence: ['sheet:S-2026-03:v1'],
    legalBasis: legalBasisOf('wages-missed'),
    detail: 'missed',
    ...overrides,
  };
}

const recorded = (...fs: DesiredFinding[]) => new Map(fs.map((f) => [f.key, f as RecordedFinding]));
const sweep = at('2026-04-21 12:00');

describe('reconcile', () => {
  it('given nothing on record, when a finding is open, then it is raised', () => {
    expect(reconcile(new Map(), [finding()], sweep)).toEqual([{ kind: 'raised', finding: finding() }]);
  });

  it('given the same finding open on record, when reconciled, then there is no transition', () => {
    expect(reconcile(recorded(finding()), [finding()], sweep)).toEqual([]);
  });

  it('given the record read back from jsonb with its keys reordered, when reconciled, then there is no transition', () => {
    // jsonb stores object keys shortest first: worker comes back as { name, idNumber }.
    const stored = finding({ worker: JSON.parse(`{"name":"${LI.name}","idNumber":"${LI.idNumber}"}`) });
    expect(reconcile(recorded(stored), [finding()], sweep)).toEqual([]);
  });

  it('given an open finding whose amounts changed, when reconciled, then it is updated and keeps its first raisedAt', () => {
    const now = finding({ amountOwed: 320000n, amountPaid: 200000n, raisedAt: at('2026-04-20 10:00') });

    expect(reconcile(recorded(finding()), [now], sweep)).toEqual([
      { kind: 'updated', finding: { ...now, raisedAt: at('2026-04-16 06:00') } },
    ]);
  });

  it('given a resolved finding on record, when the rules say open again, then it is raised again', () => {
    const before = finding({ status: 'resolved', resolvedAt: at('2026-04-18 10:00') });

    expect(reconcile(recorded(before), [finding()], sweep)).toEqual([{ kind: 'raised', finding: finding() }]);
  });

  it('given an open finding, when the rules name its cure, then it is resolved at the cure with the new evidence', () => {
    const cured = finding({
      status: 'resolved',
      resolvedAt: at('2026-04-20 10:00'),
      evidence: ['sheet:S-2026-03:v1', 'bank:T1'],
    });

    expect(reconcile(recorded(finding()), [cured], sweep)).toEqual([
      {
        kind: 'resolved',
        finding: {
          ...finding(),
          status: 'resolved',
          resolvedAt: at('2026-04-20 10:00'),
          evidence: cured.evidence,
        },
      },
    ]);
  });

  it('given an open finding, when the rules say resolved without a time, then it is resolved at the sweep', () => {
    const [t] = reconcile(recorded(finding()), [finding({ status: 'resolved' })], sweep);
    expect(t?.kind).toBe('resolved');
    expect(t?.finding.resolvedAt).toEqual(sweep);
  });

  it('given nothing on record, when a resolved finding is not to be recorded, then nothing happens', () => {
    expect(
      reconcile(new Map(), [finding({ status: 'resolved', resolvedAt: at('2026-04-20 10:00') })], sweep),
    ).toEqual([]);
  });

  it('given nothing on record, when a late payment is to stay on record, then it is raised born resolved', () => {
    const late = finding({
      key: `wages-late:2026-03:${LI.idNumber}`,
      rule: 'wages-late',
      severity: 'medium',
      status: 'resolved',
      record: true,
      raisedAt: at('2026-04-20 10:00'),
      resolvedAt: at('2026-04-20 10:00'),
    });

    expect(reconcile(new Map(), [late], sweep)).toEqual([{ kind: 'raised', finding: late }]);
    // Once recorded, the same finding gives no transition; a changed one is updated.
    expect(reconcile(recorded(late), [late], sweep)).toEqual([]);
    const changed = { ...late, amountPaid: 520000n };
    expect(reconcile(recorded(late), [changed], sweep)).toEqual([{ kind: 'updated', finding: changed }]);
  });

  it('given an open finding the rules no longer give, when reconciled, then it is resolved at the sweep', () => {
    expect(reconcile(recorded(finding()), [], sweep)).toEqual([
      { kind: 'resolved', finding: { ...finding(), status: 'resolved', resolvedAt: sweep } },
    ]);
  });

  it('given a resolved finding the rules no longer give, when reconciled, then it stays as it is', () => {
    const done = finding({ status: 'resolved', resolvedAt: at('2026-04-18 10:00') });
    expect(reconcile(recorded(done), [], sweep)).toEqual([]);
  });

  it('given an open finding carrying record and resolvedAt, when raised, then neither reaches the record', () => {
    // An open desired finding never carries `record` or `resolvedAt` onto the record.
    const [t] = reconcile(new Map(), [finding({ record: true, resolvedAt: at('2026-04-20 10:00') })], sweep);
    expect(t).toEqual({ kind: 'raised', finding: finding() });
  });
});
