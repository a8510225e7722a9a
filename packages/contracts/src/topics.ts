/** Topic names, declared once. Partition key: the project id. */
export const TOPICS = {
  /** Facts accepted by ingest: projects, workers, payroll sheets, bank movements and statements. */
  ingest: 'wagewatch.ingest.v1',
  /** Findings raised, updated and resolved by the ledger. */
  findings: 'wagewatch.findings.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
