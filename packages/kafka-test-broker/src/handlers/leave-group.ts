import { ApiKey } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { ApiHandler } from './types.ts';

/**
 * LeaveGroup v0-3. Request v0-2: group_id member_id; v3: group_id members [member_id
 * group_instance_id]. Response: throttle (v1+) error_code, v3: members [member_id
 * group_instance_id error_code]. The group rebalances among the members that remain.
 */
export const leaveGroupHandler: ApiHandler = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  handle({ apiVersion: v, core }, req, res) {
    const groupId = req.string();
    if (v < 3) {
      const code = core.groups.leave(groupId, req.string());
      if (v >= 1) res.int32(0);
      res.int16(code);
      return undefined;
    }
    const members = req.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
    const results = members.map((m) => ({ ...m, code: core.groups.leave(groupId, m.memberId) }));
    res.int32(0).int16(ErrorCode.NONE);
    res.array(results, (w, m) => {
      w.string(m.memberId).nullableString(m.groupInstanceId).int16(m.code);
    });
    return undefined;
  },
};
