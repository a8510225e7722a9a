import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiHandler } from './types.ts';

/**
 * SyncGroup v0-3. Request: group_id generation_id member_id group_instance_id(v3+)
 * assignments [member_id assignment]. Response: throttle (v1+) error_code assignment.
 * Followers wait until the leader's SyncGroup brings the assignment.
 */
export const syncGroupHandler: ApiHandler = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  async handle({ apiVersion: v, core }, req, res) {
    const groupId = req.string();
    const generationId = req.int32();
    const memberId = req.string();
    if (v >= 3) req.nullableString();
    const assignments = req.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
    const result = await core.groups.sync({ groupId, generationId, memberId, assignments });
    if (v >= 1) res.int32(0);
    res.int16(result.errorCode).bytes(result.assignment);
    return undefined;
  },
};
