import { deliveryTables } from '@wagewatch/db';
import { index, jsonb, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';

/** Inspection's own tables: projects as the bureau routes them, and the findings read model. */
export const inspection = pgSchema('inspection');
export const { outbox, inbox, cursors, deadLetters } = deliveryTables(inspection);

export const projects = inspection.table('projects', {
  projectId: text('project_id').primaryKey(),
  name: text('name').notNull(),
  district: text('district').notNull(),
  sector: text('sector').notNull(),
  registration: jsonb('registration').notNull(),
});

export const findings = inspection.table(
  'findings',
  {
    findingId: text('finding_id').primaryKey(),
    projectId: text('project_id').notNull(),
    district: text('district').notNull(),
    rule: text('rule').notNull(),
    status: text('status').notNull(),
    period: text('period'),
    snapshot: jsonb('snapshot').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('inspection_findings_project_idx').on(t.projectId, t.status),
    index('inspection_findings_district_idx').on(t.district, t.status),
  ],
);
