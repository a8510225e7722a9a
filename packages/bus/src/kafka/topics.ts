import { readFileSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import declared from '../../../../infra/kafka/topics.json' with { type: 'json' };

export type TopicDeclaration = {
  name: string;
  description?: string;
  partitions: number;
  /** Production value; clamped to the number of brokers when the cluster is smaller. */
  replicationFactor: number;
  config?: Record<string, string>;
};
export type TopicSpec = { topics: TopicDeclaration[] };

/** Checks the shape of a topic declaration file (infra/kafka/topics.json or an override). */
export function parseTopicSpec(raw: unknown): TopicSpec {
  const topics = (raw as { topics?: unknown } | null)?.topics;
  if (!Array.isArray(topics)) throw new Error('topic spec: "topics" must be an array');
  const names = new Set<string>();
  for (const t of topics as Partial<TopicDeclaration>[]) {
    if (typeof t.name !== 'string' || !t.name) throw new Error('topic spec: a topic has no name');
    if (names.has(t.name)) throw new Error(`topic spec: ${t.name} declared twice`);
    names.add(t.name);
    if (!Number.isInteger(t.partitions) || (t.partitions ?? 0) < 1)
      throw new Error(`topic spec: ${t.name}: partitions must be a positive integer`);
    if (!Number.isInteger(t.replicationFactor) || (t.replicationFactor ?? 0) < 1)
      throw new Error(`topic spec: ${t.name}: replicationFactor must be a positive integer`);
    for (const [k, v] of Object.entries(t.config ?? {}))
      if (typeof v !== 'string') throw new Error(`topic spec: ${t.name}: config ${k} must be a string`);
  }
  return { topics: topics as TopicDeclaration[] };
}

/** The declared topics (infra/kafka/topics.json), or the file named by KAFKA_TOPICS_FILE. */
export function declaredTopics(file = process.env.KAFKA_TOPICS_FILE): TopicSpec {
  return parseTopicSpec(file ? JSON.parse(readFileSync(file, 'utf8')) : declared);
}

export type EnsureTopicsResult = {
  created: string[];
  existing: string[];
  /** Existing topics whose partition count differs from the declaration (never changed here:
   *  adding partitions moves keys between partitions and breaks per-project order). */
  mismatched: { name: string; declared: number; actual: number }[];
  replicationFactor: (declared: number) => number;
};

/**
 * Creates the declared topics that are missing. Replication factor and `min.insync.replicas`
 * are clamped to the number of brokers, so the same declaration serves a three-broker
 * production cluster and the single-node test broker. Idempotent; safe to run on every start
 * (a concurrent creator's TOPIC_ALREADY_EXISTS is ignored).
 */
export async function ensureTopics(
  admin: Admin,
  spec: TopicSpec = declaredTopics(),
): Promise<EnsureTopicsResult> {
  const { brokers } = await admin.describeCluster();
  const brokerCount = Math.max(1, brokers.length);
  const rf = (declared: number) => Math.min(declared, brokerCount);
  const existing = new Set(await admin.listTopics());
  const missing = spec.topics.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: rf(t.replicationFactor),
        configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({
          name,
          value:
            name === 'min.insync.replicas' ? String(Math.min(Number(value), rf(t.replicationFactor))) : value,
        })),
      })),
    });
  }
  const present = spec.topics.filter((t) => existing.has(t.name));
  const mismatched: EnsureTopicsResult['mismatched'] = [];
  if (present.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    for (const t of present) {
      const actual = meta.topics.find((m) => m.name === t.name)?.partitions.length ?? 0;
      if (actual !== t.partitions) mismatched.push({ name: t.name, declared: t.partitions, actual });
    }
  }
  return {
    created: missing.map((t) => t.name),
    existing: present.map((t) => t.name),
    mismatched,
    replicationFactor: rf,
  };
}
