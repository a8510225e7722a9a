import type { DesiredFinding } from './model.ts';

export type RecordedFinding<F extends DesiredFinding = DesiredFinding> = F & { status: 'open' | 'resolved' };
export type Transition<F extends DesiredFinding = DesiredFinding> = {
  kind: 'raised' | 'updated' | 'resolved';
  finding: RecordedFinding<F>;
};

/** The finding as an open one: without its resolution. */
function asOpen<F extends DesiredFinding>(d: F): F {
  const open = { ...d };
  delete open.resolvedAt;
  delete open.record;
  return open;
}

/**
 * What makes a change worth an `updated` event. Explicit fields: stored records come back from
 * jsonb with their object keys reordered, so a whole-object comparison would see false changes.
 */
const material = (f: DesiredFinding) =>
  JSON.stringify([
    f.severity,
    f.amountOwed?.toString(),
    f.amountPaid?.toString(),
    f.evidence,
    f.detail,
    f.worker?.idNumber,
    f.worker?.name,
    f.warnings,
    f.policeReferral,
  ]);

/**
 * Compares what is on record for a project with what the rules now say, and returns the
 * transitions: raised (new or reopened), updated (amounts or evidence changed while open),
 * resolved (cured). `at` is the resolution time when the rules do not name one.
 */
export function reconcile<F extends DesiredFinding>(
  recorded: ReadonlyMap<string, RecordedFinding<F>>,
  desired: readonly F[],
  at: Date,
): Transition<F>[] {
  const out: Transition<F>[] = [];
  const seen = new Set<string>();
  for (const d of desired) {
    seen.add(d.key);
    const r = recorded.get(d.key);
    if (d.status === 'open') {
      const open = asOpen(d);
      if (!r || r.status === 'resolved') out.push({ kind: 'raised', finding: { ...open, status: 'open' } });
      else if (material(r) !== material(d))
        out.push({ kind: 'updated', finding: { ...open, status: 'open', raisedAt: r.raisedAt } });
      continue;
    }
    if (!r) {
      if (d.record) out.push({ kind: 'raised', finding: { ...d, resolvedAt: d.resolvedAt ?? at } });
      continue;
    }
    if (r.status === 'open') {
      out.push({
        kind: 'resolved',
        finding: { ...r, status: 'resolved', resolvedAt: d.resolvedAt ?? at, evidence: d.evidence },
      });
    } else if (d.record && material(r) !== material(d)) {
      out.push({ kind: 'updated', finding: { ...d, resolvedAt: d.resolvedAt ?? at } });
    }
  }
  for (const [key, r] of recorded) {
    if (!seen.has(key) && r.status === 'open') {
      out.push({ kind: 'resolved', finding: { ...r, status: 'resolved', resolvedAt: at } });
    }
  }
  return out;
}
