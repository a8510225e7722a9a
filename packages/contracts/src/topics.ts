/** Topic names, declared once. Partition key: the project id. */
export const TOPICS = {
  /** Facts accepted by ingest: projects, workers, payroll sheets, bank movements and statements. */
  ingest: 'wagewatch.ingest.v1',
  /** Findings raised, updated and resolved by the ledger. */
  findings: 'wagewatch.findings.v1',
  /** Inspection tasks opened, assigned, progressed, resolved and closed (inspection). */
  tasks: 'wagewatch.inspection.tasks.v1',
  /** Cases opened, escalated, closed and reopened (inspection): for whoever must act on them. */
  alerts: 'wagewatch.alerts.v1',
  /**
   * Consumers' notices about their dead letters (dead-lettered, re-applied), keyed by project:
   * ingest reads them so that a bank's repeat of a record a consumer could not apply is not
   * answered "duplicate" as if it had been applied (docs/adr/0011).
   */
  deliveries: 'wagewatch.deliveries.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * Inbound topics for banks that publish straight to Kafka: each message is one body of the
 * HTTP API's transfers or statement intake (same JSON contract, same validation).
 */
export const BANK_INBOUND_TOPICS = {
  transfers: 'wagewatch.bank.transfers.inbound.v1',
  statements: 'wagewatch.bank.statements.inbound.v1',
} as const;

/** One dead-letter topic per consumer group (= service). */
export function deadLetterTopic(group: string): string {
  return `wagewatch.dlq.${group}.v1`;
}
