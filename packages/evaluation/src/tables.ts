import type { PgSchema } from 'drizzle-orm/pg-core';
import { index, integer, jsonb, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * The tables of a service that evaluates projects against rules and raises findings (the ledger,
 * the deposits service), in its own schema: its findings, its monotonic evaluation clock, the
 * projects marked dirty by events and the due index (when each project's evaluation can next
 * change without an event, docs/adr/0022). One definition, declared per service like
 * `deliveryTables()`; the functions of this package read and write them.
 */
export function evaluationTables(schema: PgSchema) {
  const name = schema.schemaName;
  const findings = schema.table(
    'findings',
    {
      findingId: text('finding_id').primaryKey(),
      projectId: text('project_id').notNull(),
      key: text('key').notNull(),
      rule: text('rule').notNull(),
      status: text('status').notNull(),
      /** The finding as published (personal data masked). */
      snapshot: jsonb('snapshot').notNull(),
      /** The finding as the rules see it, to compare with their next verdict. */
      record: jsonb('record').notNull(),
      updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    },
    (t) => [
      unique(`${name}_findings_key_uq`).on(t.projectId, t.key),
      index(`${name}_findings_status_idx`).on(t.status, t.rule),
    ],
  );
  /** The evaluation instant: the latest "as of" a sweep has run at (monotonic). */
  const evaluationClock = schema.table('evaluation_clock', {
    id: integer('id').primaryKey(),
    asOf: timestamp('as_of', { withTimezone: true }).notNull(),
  });
  /**
   * When each project's evaluation can next change without an event: the sweep evaluates only
   * the projects due, and those with no row (docs/adr/0022). Written with the findings; emptied
   * at every start.
   */
  const evaluationDue = schema.table(
    'evaluation_due',
    {
      projectId: text('project_id').primaryKey(),
      dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    },
    (t) => [index(`${name}_evaluation_due_at_idx`).on(t.dueAt)],
  );
  /** Projects whose facts changed since they were last evaluated (marked in the consumer's transaction). */
  const dirtyProjects = schema.table('dirty_projects', {
    projectId: text('project_id').primaryKey(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
    /** The trace of the event that marked the project last: its evaluation's events follow from it. */
    correlationId: text('correlation_id'),
    causationId: text('causation_id'),
  });
  return { findings, evaluationClock, evaluationDue, dirtyProjects };
}
