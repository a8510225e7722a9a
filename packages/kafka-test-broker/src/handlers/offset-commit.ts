import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler } from './types.ts';

/**
 * OffsetCommit v0-7. Request: group_id generation_id(v1+) member_id(v1+) group_instance_id(v7+)
 * retention_time_ms(v2-4) topics [name partitions [index offset leader_epoch(v6+)
 * commit_timestamp(v1) metadata]]. Response: throttle (v3+) topics [name partitions [index error_code]].
 * Commits from the current generation are accepted while a rebalance is being prepared, as in
 * Kafka, so a member can commit what it processed before it rejoins.
 */
export const offsetCommitHandler: ApiHandler = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 7,
  handle({ apiVersion: v, core }, req, res) {
    const groupId = req.string();
    const generationId = v >= 1 ? req.int32() : -1;
    const memberId = v >= 1 ? req.string() : '';
    if (v >= 7) req.nullableString();
    if (v >= 2 && v <= 4) req.int64();
    const topics = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => {
        const index = p.int32();
        const offset = p.int64();
        if (v >= 6) p.int32();
        if (v === 1) p.int64();
        return { index, offset, metadata: p.nullableString() };
      }),
    }));

    const groupCode = groupId
      ? core.groups.validateCommit(groupId, generationId, memberId)
      : ErrorCode.INVALID_GROUP_ID;
    const accepted: { topic: string; partition: number; offset: number; metadata: string | null }[] = [];
    const results = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let code: number = groupCode;
        if (code === ErrorCode.NONE && !core.topics.partition(t.name, p.index))
          code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (code === ErrorCode.NONE)
          accepted.push({ topic: t.name, partition: p.index, offset: p.offset, metadata: p.metadata });
        return { index: p.index, code };
      }),
    }));
    core.offsets.commit(groupId, accepted);

    if (v >= 3) res.int32(0);
    res.array(results, (w, t) => {
      w.string(t.name).array(t.partitions, (pw, p) => {
        pw.int32(p.index).int16(p.code);
      });
    });
    return undefined;
  },
};
