import { ApiKey, INT32_MIN } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler } from './types.ts';

/**
 * DescribeGroups v0-4. Request: [group_id] include_authorized_operations(v3+). Response:
 * throttle (v1+) groups [error_code group_id state protocol_type protocol members [member_id
 * group_instance_id(v4+) client_id client_host metadata assignment] authorized_operations(v3+)].
 * An unknown group is reported in state "Dead" (as Kafka does).
 */
export const describeGroupsHandler: ApiHandler = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 4,
  handle({ apiVersion: v, core }, req, res) {
    const ids = req.array((r) => r.string());
    if (v >= 3) req.boolean();
    if (v >= 1) res.int32(0);
    res.array(ids, (w, id) => {
      const g = core.groups.describe(id);
      const state = g.state === 'Dead' && core.offsets.hasGroup(id) ? 'Empty' : g.state;
      w.int16(ErrorCode.NONE).string(id).string(state).string(g.protocolType).string(g.protocolName);
      w.array(g.members, (mw, m) => {
        mw.string(m.memberId);
        if (v >= 4) mw.nullableString(m.groupInstanceId);
        mw.string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
      });
      if (v >= 3) w.int32(INT32_MIN);
    });
    return undefined;
  },
};
