import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { findOrCreateTopic } from './auto-create.ts';
import type { ApiHandler } from './types.ts';

/**
 * Metadata v0-6. Request: topics (v0: [] = all; v1+: null = all), allow_auto_topic_creation (v4+).
 * Response: throttle (v3+), brokers [id host port rack(v1+)], cluster_id (v2+), controller_id (v1+),
 * topics [error name is_internal(v1+) partitions [error index leader replicas isr offline(v5+)]].
 */
export const metadataHandler: ApiHandler = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 6,
  handle({ apiVersion: v, core }, req, res) {
    const requested = v === 0 ? req.array((r) => r.string()) : req.nullableArray((r) => r.string());
    const allowAutoCreate = v >= 4 ? req.boolean() : true;
    const all = requested === null || (v === 0 && requested.length === 0);
    const names = all ? core.topics.names() : requested;
    const { nodeId, advertisedHost, advertisedPort, clusterId } = core.config;

    if (v >= 3) res.int32(0);
    res.array([nodeId], (w, id) => {
      w.int32(id).string(advertisedHost).int32(advertisedPort);
      if (v >= 1) w.nullableString(null);
    });
    if (v >= 2) res.nullableString(clusterId);
    if (v >= 1) res.int32(nodeId);
    res.array(names, (w, name) => {
      const found = findOrCreateTopic(core, name, allowAutoCreate);
      const partitions = 'partitions' in found ? found.partitions : [];
      w.int16('code' in found ? found.code : ErrorCode.NONE).string(name);
      if (v >= 1) w.boolean(false);
      w.array(partitions, (pw, p) => {
        pw.int16(ErrorCode.NONE).int32(p.index).int32(nodeId);
        pw.array([nodeId], (iw, id) => iw.int32(id));
        pw.array([nodeId], (iw, id) => iw.int32(id));
        if (v >= 5) pw.array([], () => {});
      });
    });
    return undefined;
  },
};
