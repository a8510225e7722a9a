import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler } from './types.ts';

/**
 * OffsetFetch v0-5. Request: group_id topics (v2+: null = every committed partition)
 * [name [partition]]. Response: throttle (v3+) topics [name partitions [index offset
 * leader_epoch(v5+) metadata error_code]] error_code(v2+). No commit = offset -1.
 */
export const offsetFetchHandler: ApiHandler = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 5,
  handle({ apiVersion: v, core }, req, res) {
    const groupId = req.string();
    const requested = req.nullableArray((r) => ({ name: r.string(), partitions: r.array((p) => p.int32()) }));
    const topics =
      requested ??
      [...core.offsets.topicsOf(groupId)].map(([name, parts]) => ({ name, partitions: [...parts.keys()] }));

    if (v >= 3) res.int32(0);
    res.array(topics, (w, t) => {
      w.string(t.name).array(t.partitions, (pw, index) => {
        const committed = core.offsets.get(groupId, t.name, index);
        pw.int32(index).int64(committed?.offset ?? -1);
        if (v >= 5) pw.int32(-1);
        pw.nullableString(committed ? committed.metadata : '').int16(ErrorCode.NONE);
      });
    });
    if (v >= 2) res.int16(ErrorCode.NONE);
    return undefined;
  },
};
