import type { Partition } from '../log/topic-store.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { BrokerCore } from './types.ts';

/** Finds a topic, creating it with the default partition count when auto-create allows. */
export function findOrCreateTopic(
  core: BrokerCore,
  name: string,
  clientAllows: boolean,
): { partitions: Partition[] } | { code: number } {
  const existing = core.topics.get(name);
  if (existing) return { partitions: existing };
  if (!core.config.autoCreateTopics || !clientAllows) return { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  const created = core.topics.create(name, core.config.defaultPartitions);
  if (created.code !== ErrorCode.NONE) return { code: created.code };
  return { partitions: core.topics.get(name)! };
}
