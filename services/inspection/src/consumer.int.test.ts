import { randomBytes, randomUUID } from 'node:crypto';
import { applyBatch } from '@wagewatch/bus';
import type { FindingSnapshot } from '@wagewatch/contracts';
import { generateBenchMonth } from '@wagewatch/demo';
import { SecretBox } from '@wagewatch/runtime';
import { createTestDatabase, type TestDatabase } from '@wagewatch/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInspection } from './service.ts';

// The inspection consumer applies a batch's finding events in two statements (flushFindings):
// the view must end as applying them one by one would leave it.

const registration = generateBenchMonth({ workers: 2, projects: 1 }).projects[0]!;
const projectId = registration.projectId;
const envelope = (type: string, data: unknown, occurredAt: string) => {
  const raw = {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt,
    key: projectId,
    data,
    metadata: { producer: 'test' },
  };
  return { raw, rawText: JSON.stringify(raw) };
};
const finding = (key: string, status: 'open' | 'resolved', code = 'C-1'): FindingSnapshot => ({
  findingId: `F-${key}`,
  rule: 'wages-late',
  severity: 'high',
  status,
  projectId,
  period: '2026-10',
  raisedAt: '2026-11-16T09:00:00+08:00',
  ...(status === 'resolved' ? { resolvedAt: '2026-11-18T09:00:00+08:00' } : {}),
  responsible: { kind: 'contractor', name: '某建设集团', code },
  evidence: [],
  legalBasis: '《保障农民工工资支付条例》第三十条',
  detail: 'test',
});

describe.each(['pglite', 'postgres'] as const)('the inspection consumer in batches (%s)', (kind) => {
  let t: TestDatabase;
  let inspection: ReturnType<typeof createInspection>;
  beforeEach(async () => {
    t = await createTestDatabase(kind, 'inspection-consumer');
    inspection = createInspection({ db: t.db, secrets: new SecretBox(randomBytes(32)) });
    await inspection.migrate();
  });
  afterEach(() => t.drop());

  const apply = (messages: ReturnType<typeof envelope>[]) =>
    applyBatch(t.db, inspection.consumer, 'test', messages, async () => {});
  const findings = () =>
    t.db.query<{ finding_id: string; status: string; district: string; updated_at: Date }>(
      'SELECT finding_id, status, district, updated_at FROM inspection.findings ORDER BY finding_id',
    );
  const dirty = () =>
    t.db.query<{ case_key: string; changed_at: Date }>(
      'SELECT case_key, changed_at FROM inspection.dirty_cases ORDER BY case_key',
    );

  it("keeps each finding's latest event of the batch and each case's latest change", async () => {
    expect(
      await apply([
        envelope('finding.raised', finding('a', 'open'), '2026-11-16T09:00:00+08:00'),
        envelope('finding.raised', finding('b', 'open', 'C-2'), '2026-11-16T09:00:00+08:00'),
        envelope('finding.resolved', finding('a', 'resolved'), '2026-11-18T09:00:00+08:00'),
      ]),
    ).toEqual({ applied: 3, skipped: 0, deadLettered: 0 });
    expect(await findings()).toEqual([
      { finding_id: 'F-a', status: 'resolved', district: '', updated_at: new Date('2026-11-18T01:00:00Z') },
      { finding_id: 'F-b', status: 'open', district: '', updated_at: new Date('2026-11-16T01:00:00Z') },
    ]);
    expect(await dirty()).toEqual([
      { case_key: `${projectId}|C-1`, changed_at: new Date('2026-11-18T01:00:00Z') },
      { case_key: `${projectId}|C-2`, changed_at: new Date('2026-11-16T01:00:00Z') },
    ]);
    // A later batch updates what an earlier one wrote; an older change does not move a case back.
    await apply([envelope('finding.raised', finding('b', 'resolved', 'C-2'), '2026-11-15T09:00:00+08:00')]);
    expect((await findings()).map((f) => f.status)).toEqual(['resolved', 'resolved']);
    expect((await dirty())[1]!.changed_at).toEqual(new Date('2026-11-16T01:00:00Z'));
  });

  it('a finding before its project registration in the same batch takes the district, after it too', async () => {
    await apply([
      envelope('finding.raised', finding('a', 'open'), '2026-11-16T09:00:00+08:00'),
      envelope(
        'project.registered',
        { ...registration, registeredAt: '2026-11-16T10:00:00+08:00' },
        '2026-11-16T10:00:00+08:00',
      ),
      envelope('finding.raised', finding('b', 'open'), '2026-11-16T11:00:00+08:00'),
    ]);
    expect(await t.db.query('SELECT event_id FROM inspection.dead_letters')).toEqual([]);
    expect((await findings()).map((f) => [f.finding_id, f.district])).toEqual([
      ['F-a', registration.district],
      ['F-b', registration.district],
    ]);
    // One case (both findings name C-1), marked by the registration and by the later finding.
    expect(await dirty()).toEqual([
      { case_key: `${projectId}|C-1`, changed_at: new Date('2026-11-16T03:00:00Z') },
    ]);
  });
});
