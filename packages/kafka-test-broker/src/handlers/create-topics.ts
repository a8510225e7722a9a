import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler } from './types.ts';

/**
 * CreateTopics v0-4 (the broker is its own controller). Request: topics [name num_partitions
 * replication_factor assignments [index [broker_id]] configs [name value]] timeout_ms validate_only(v1+).
 * Response: throttle (v2+), topics [name error_code error_message(v1+)].
 * num_partitions -1 means the broker default; replication factor must be 1 (or -1).
 */
export const createTopicsHandler: ApiHandler = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 4,
  handle({ apiVersion: v, core }, req, res) {
    const topics = req.array((r) => ({
      name: r.string(),
      numPartitions: r.int32(),
      replicationFactor: r.int16(),
      assignments: r.array((a) => ({ index: a.int32(), brokers: a.array((b) => b.int32()) })),
      configs: r.array((c) => ({ name: c.string(), value: c.nullableString() })),
    }));
    req.int32(); // timeout_ms: creation is immediate
    const validateOnly = v >= 1 ? req.boolean() : false;

    const results = topics.map((t) => {
      const count =
        t.assignments.length > 0
          ? t.assignments.length
          : t.numPartitions === -1
            ? core.config.defaultPartitions
            : t.numPartitions;
      if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
        return {
          name: t.name,
          code: ErrorCode.INVALID_REPLICATION_FACTOR,
          message: `replication factor ${t.replicationFactor}: this single-node test broker only has replication factor 1`,
        };
      }
      if (t.assignments.length > 0 && t.numPartitions !== -1) {
        return {
          name: t.name,
          code: ErrorCode.INVALID_REQUEST,
          message: 'both num_partitions and assignments given',
        };
      }
      if (t.assignments.some((a) => a.brokers.some((b) => b !== core.config.nodeId))) {
        return {
          name: t.name,
          code: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          message: 'unknown broker in assignment',
        };
      }
      if (validateOnly) {
        const exists = core.topics.get(t.name) !== undefined;
        return {
          name: t.name,
          code: exists ? ErrorCode.TOPIC_ALREADY_EXISTS : ErrorCode.NONE,
          message: exists ? `topic '${t.name}' already exists` : null,
        };
      }
      const created = core.topics.create(t.name, count);
      return { name: t.name, code: created.code, message: created.message };
    });

    if (v >= 2) res.int32(0);
    res.array(results, (w, r) => {
      w.string(r.name).int16(r.code);
      if (v >= 1) w.nullableString(r.message);
    });
    return undefined;
  },
};
